"""Issue 14 items 6–10: what a new user stumbles on in the Surfaces tab (CSV export in the
background, edits while paused, divergence reports, the runs table, and the small ones)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import Qt

from gdsim.simulation import Experiment, RunSpec, Simulation
from ui.controller import Controller, default_experiment


@pytest.fixture
def ctrl(qtbot):
    c = Controller()
    yield c
    c.pause()


def fresh_at(exp: Experiment, t: int) -> Simulation:
    sim = Simulation(exp)
    sim.step(t)
    return sim


# ----------------------------------------------------------- 14.7 edits while paused
def test_editing_a_hyperparameter_while_paused_reruns_to_the_step_shown(ctrl):
    ctrl.step(150)
    spec = dataclasses.replace(ctrl.experiment.runs[0], hparams={"lr": 0.0007})
    assert ctrl.update_run(0, spec)
    assert ctrl.sim.t == 150 and not ctrl.playing
    ref = fresh_at(ctrl.experiment, 150)
    for run, want in zip(ctrl.sim.runs, ref.runs, strict=True):
        assert np.array_equal(run.trajectory.data, want.trajectory.data)


def test_edit_while_scrubbed_back_reruns_to_the_scrubbed_step(ctrl):
    ctrl.step(300)
    ctrl.seek(120)
    assert ctrl.set_settings(seed=5)
    assert ctrl.sim.t == 120 and ctrl.cursor == -1


def test_add_remove_duplicate_keep_the_step(ctrl):
    ctrl.step(40)
    assert ctrl.add_run() and ctrl.sim.t == 40
    assert ctrl.duplicate_run(0) and ctrl.sim.t == 40
    assert ctrl.remove_run(1) and ctrl.sim.t == 40


def test_a_long_replay_runs_through_the_timer_not_at_once(ctrl, qtbot):
    ctrl.set_settings(steps=20_000)
    ctrl.step(9000)
    spec = dataclasses.replace(ctrl.experiment.runs[2], hparams={"lr": 0.02})
    assert ctrl.update_run(2, spec)
    assert ctrl.sim.t < 9000  # the event loop keeps running meanwhile
    qtbot.waitUntil(lambda: ctrl.sim.t == 9000 and not ctrl.playing, timeout=20_000)


def test_surface_change_and_playing_edits_still_restart(ctrl, qtbot):
    ctrl.step(30)
    assert ctrl.set_surface("quadratic") and ctrl.sim.t == 0
    ctrl.step(30)
    ctrl.set_start(0.5, 0.5)
    assert ctrl.sim.t == 0


# ----------------------------------------------------------- 14.8 divergence reports
def two_diverging(steps=200):
    """GD on x² + y²: lr 1.5 and 2.5 both fly off (×−2 and ×−4 a step); lr 0.1 does not."""
    runs = [RunSpec("gd", {"lr": 1.5}), RunSpec("gd", {"lr": 0.1}), RunSpec("gd", {"lr": 2.5})]
    return Experiment(surface="quadratic", start=(1.0, 1.0), runs=runs, steps=steps, tol=0.0)


def test_divergence_in_plain_words():
    from ui.controller import divergence_message

    c = Controller(two_diverging())
    c.step(40)
    fast = c.sim.runs[2]
    text = divergence_message(fast, c.sim.surface)
    assert text == (f"Gradient descent #3 lr=2.5 flew off the map at step {fast.steps}: "
                    "the learning rate is too large for this curvature")
    saddle = Controller(Experiment(surface="saddle", runs=[RunSpec("gd", {"lr": 0.1})],
                                   start=(0.5, 0.01), steps=5000))
    saddle.step(5000)
    assert "no bottom" in divergence_message(saddle.sim.runs[0], saddle.sim.surface)


def test_two_diverging_runs_are_both_reported(qtbot):
    from ui.main_window import MainWindow

    win = MainWindow(two_diverging())
    qtbot.addWidget(win)
    win.show()
    notices = []
    win.controller.notice.connect(notices.append)
    win.controller.step(40)  # both fly off within these steps
    assert notices == ["2 runs diverged (gd, gd#3): see the list above the plots"]
    banner = win.divergence_banner
    assert banner.isVisible() and len(banner.lines) == 2
    assert banner.lines[0].startswith("Gradient descent lr=1.5 flew off the map at step ")
    assert banner.lines[1].startswith("Gradient descent #3 lr=2.5 flew off the map at step ")
    # each is marked on the surface plot where it left the view, with its step
    marks = win.divergence_marks.marks
    assert [m[0] for m in marks] == ["gd", "gd#3"]
    xmin, xmax, ymin, ymax = win.surface_view.view_box()
    runs = [r for r in win.controller.sim.runs if r.status == "diverged"]
    for (_label, x, y, step, what), run in zip(marks, runs, strict=True):
        assert xmin <= x <= xmax and ymin <= y <= ymax and what == "left the view"
        assert (x, y) == tuple(run.trajectory.points[step])  # its last point in view
        assert step < run.steps
    win.grab().save("/tmp/u14/divergence.png")
    # scrubbed back to before they diverged: no report; Reset clears it
    win.controller.seek(1)
    assert not banner.isVisible() and win.divergence_marks.marks == []
    win.controller.step(40)
    assert banner.isVisible()
    win.controller.reset()
    assert not banner.isVisible() and win.divergence_marks.marks == []


# ----------------------------------------------------------- 14.9 the runs table
def thirteen_runs(steps=3000):
    from gdsim.optimizers import OPTIMIZERS

    runs = [RunSpec(n) for n in list(OPTIMIZERS)[:13]]
    runs[0] = RunSpec("gd", {"lr": 0.0005}, label="a rather long label for plain GD")
    runs[1] = RunSpec("sgd", {"lr": 0.001, "momentum": 0.5, "dampening": 0.5},
                      schedule="cosine")
    return Experiment(surface="rosenbrock", start=(-1.5, 2.0), runs=runs, steps=steps)


@pytest.fixture
def win(qtbot, isolated_app_state):
    from ui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    yield w
    w.controller.pause()


def test_runs_table_columns_fit_their_contents_and_header(win, qtbot):
    from ui.runs_panel import HEADERS, MAX_SHOWN_ROWS

    assert win.controller.set_experiment(thirteen_runs())
    win.controller.step(50)
    qtbot.wait(10)
    table = win.runs_panel.table
    hh = table.horizontalHeader()
    for c in range(len(HEADERS)):
        if hh.isSectionHidden(c) or c < 2:
            continue
        assert hh.sectionSize(c) >= hh.sectionSizeFromContents(c).width(), HEADERS[c]
        assert hh.sectionSize(c) >= table.sizeHintForColumn(c), HEADERS[c]
    # nothing elided: the label and hyperparameters are shown whole
    assert table.textElideMode() == Qt.TextElideMode.ElideNone
    assert table.item(0, 2).text() == "a rather long label for plain GD"
    # header and MAX_SHOWN_ROWS whole rows fit above the sideways scroll bar
    assert hh.height() >= hh.sizeHint().height()
    rows_h = MAX_SHOWN_ROWS * table.verticalHeader().defaultSectionSize()
    assert table.viewport().height() >= rows_h
    win.runs_panel.grab().save("/tmp/u14/runs_table.png")


def test_runs_table_loss_in_step_with_the_status_bar_while_playing(win, qtbot):
    from PySide6.QtCore import QTimer

    c = win.controller
    c.set_experiment(dataclasses.replace(thirteen_runs(steps=200_000), tol=0.0))
    c.set_speed(5000)
    seen = []
    poll = QTimer()
    poll.timeout.connect(lambda: seen.append((win.runs_panel.shown_at, win.status.shown_at)))
    poll.start(0)
    c.play()
    qtbot.waitUntil(lambda: len({a for a, _b in seen}) > 5, timeout=20_000)
    c.pause()
    poll.stop()
    assert all(a == b for a, b in seen)
    assert win.runs_panel.shown_at == win.status.shown_at == c.sim.t


def test_converged_column_shows_the_engines_steps_to_converge(win):
    from ui.runs_panel import COL_CONV

    exp = Experiment(surface="quadratic", start=(1.5, 0.2), steps=100, tol=1e-3,
                     runs=[RunSpec("gd", {"lr": 0.25}), RunSpec("gd", {"lr": 0.01})])
    c, table = win.controller, win.runs_panel.table
    c.set_experiment(exp)
    c.step(5)
    assert [table.item(i, COL_CONV).text() for i in range(2)] == ["—", "—"]
    c.step(100)
    run = c.sim.runs[0]
    assert run.steps_to_converge == 12
    assert [table.item(i, COL_CONV).text() for i in range(2)] == ["12", "—"]
    c.seek(11)  # scrubbed back to before it converged
    assert table.item(0, COL_CONV).text() == "—"


# ----------------------------------------------------------- 14.6 CSV export in the background
def cli_csv(exp: Experiment, tmp_path) -> bytes:
    from gdsim.__main__ import main as cli_main
    from gdsim.io import save_experiment

    save_experiment(exp, tmp_path / "e.json")
    assert cli_main(["run", "--experiment", str(tmp_path / "e.json"), "--csv",
                     str(tmp_path / "cli.csv")]) == 0
    return (tmp_path / "cli.csv").read_bytes()


def test_export_function_matches_the_cli_and_cancel_leaves_nothing(tmp_path):
    from gdsim.io import csv_text
    from ui.csv_export import Cancelled, export_csv, snapshot

    exp = dataclasses.replace(default_experiment(), steps=3000)
    out = tmp_path / "all.csv"
    reports = []
    export_csv(exp, out, report=lambda text, frac: reports.append(frac))
    assert out.read_bytes() == cli_csv(exp, tmp_path)
    assert reports == sorted(reports) and reports[-1] == pytest.approx(1.0)
    # what has been computed: the rows up to the current step, nothing run further
    sim = fresh_at(exp, 120)
    export_csv(snapshot(sim), tmp_path / "part.csv")
    assert (tmp_path / "part.csv").read_text() == csv_text(sim)
    assert sim.t == 120
    # cancelled while running or while writing: no file, an earlier one untouched
    keep = tmp_path / "keep.csv"
    keep.write_text("earlier")
    for phase in ("", "Running", "Writing"):  # before any work, while running, while writing
        seen: list[str] = []
        with pytest.raises(Cancelled):
            export_csv(exp, keep,
                       cancelled=lambda p=phase, s=seen: any(t.startswith(p) for t in s),
                       report=lambda text, _frac, s=seen: s.append(text))
        assert keep.read_text() == "earlier"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


class GatedSimulation(Simulation):
    """A Simulation whose steps wait for the test's go (the export's progress is then
    decided by the test, not by the machine's speed)."""

    gate = None

    def step(self, n=1):
        assert GatedSimulation.gate.wait(30)
        return super().step(n)


def long_unfinished(win, steps=300_000):
    exp = dataclasses.replace(default_experiment(), steps=steps)
    assert win.controller.set_experiment(exp)
    win.controller.step(25)
    return win.controller.experiment


def test_exporting_an_unfinished_long_experiment_runs_in_the_background(win, qtbot, tmp_path,
                                                                       monkeypatch):
    import threading

    from ui import csv_export

    GatedSimulation.gate = threading.Event()
    monkeypatch.setattr(csv_export, "Simulation", GatedSimulation)
    asked = []
    monkeypatch.setattr(win, "ask_csv_scope", lambda t, total: asked.append((t, total)) or "all")
    exp = long_unfinished(win, steps=40_000)
    out = tmp_path / "long.csv"
    assert win.export_csv_to(str(out))
    job = win.csv_export
    assert asked == [(25, 40_000)]
    # the export waits in its thread; the app goes on meanwhile
    assert job.running and not out.exists()
    win.controller.step(10)
    assert win.controller.sim.t == 35
    fracs = []
    job.progress.connect(lambda _text, frac: fracs.append(frac))
    assert job.dialog.objectName() == "csvExportProgress"
    assert job.dialog.windowModality() == Qt.WindowModality.NonModal
    monkeypatch.setattr(GatedSimulation, "step",
                        lambda self, n=1: Simulation.step(self, min(n, 2000)))  # many chunks
    GatedSimulation.gate.set()
    qtbot.waitUntil(lambda: not job.running, timeout=120_000)
    assert job.result == "" and len(fracs) > 5 and fracs == sorted(fracs)
    assert out.read_bytes() == cli_csv(exp, tmp_path)
    assert "Exported" in win.statusBar().currentMessage()


def test_cancelling_the_export_writes_no_file(win, qtbot, tmp_path, monkeypatch):
    import threading

    from ui import csv_export

    GatedSimulation.gate = threading.Event()
    monkeypatch.setattr(csv_export, "Simulation", GatedSimulation)
    monkeypatch.setattr(win, "ask_csv_scope", lambda t, total: "all")
    long_unfinished(win)
    out = tmp_path / "cancel.csv"
    assert win.export_csv_to(str(out))
    job = win.csv_export
    from PySide6.QtWidgets import QPushButton

    cancel = job.dialog.findChild(QPushButton)
    assert cancel.text() == "Cancel"
    cancel.click()
    GatedSimulation.gate.set()
    qtbot.waitUntil(lambda: not job.running, timeout=30_000)
    assert job.result == "cancelled" and not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".cancel.csv")]
    assert "not written" in win.statusBar().currentMessage()


def test_export_of_what_has_been_computed(win, qtbot, tmp_path, monkeypatch):
    from gdsim.io import csv_text

    monkeypatch.setattr(win, "ask_csv_scope", lambda t, total: "computed")
    long_unfinished(win)
    out = tmp_path / "part.csv"
    assert win.export_csv_to(str(out))
    win.controller.reset()  # the snapshot was taken: restarting does not change the file
    qtbot.waitUntil(lambda: not win.csv_export.running, timeout=30_000)
    want = fresh_at(win.controller.experiment, 25)
    assert out.read_text() == csv_text(want)
    # declined: nothing happens
    monkeypatch.setattr(win, "ask_csv_scope", lambda t, total: None)
    win.controller.step(3)
    assert not win.export_csv_to(str(tmp_path / "none.csv"))
    assert not (tmp_path / "none.csv").exists()


# ----------------------------------------------------------- 14.10 the small ones
@pytest.mark.parametrize("span", [(-3.4, -0.3, 120), (-4.2, 0.2, 130), (-3.7, -1.3, 140)])
def test_log_axis_labels_each_value_once(qapp, span):
    from ui.plots import LogAxis

    ax = LogAxis("left")
    ax.setLogMode(False, True)
    lo, hi, size = span
    labels = [t for spacing, values in ax.tickValues(lo, hi, size)
              for t in ax.tickStrings(values, 1.0, spacing)]
    assert labels and len(labels) == len(set(labels)), labels


def test_lr_axis_of_the_default_race_labels_each_rate_once(win, qtbot):
    win.controller.step(30)
    qtbot.wait(10)
    ax = win.curves_view.plots["lr"].getPlotItem().getAxis("left")
    (lo, hi) = win.curves_view.plots["lr"].getPlotItem().getViewBox().viewRange()[1]
    labels = [t for spacing, values in ax.tickValues(lo, hi, ax.height())
              for t in ax.tickStrings(values, 1.0, spacing)]
    assert "0.01" in labels and "0.001" in labels and len(labels) == len(set(labels))


def test_status_is_ready_before_the_first_step(win):
    from ui.runs_panel import COL_STATUS

    table = win.runs_panel.table
    assert {table.item(i, COL_STATUS).text() for i in range(table.rowCount())} == {"ready"}
    win.controller.step(1)
    assert {table.item(i, COL_STATUS).text() for i in range(table.rowCount())} == {"running"}
    win.controller.reset()
    assert table.item(0, COL_STATUS).text() == "ready"


def test_curves_show_the_start_values_at_step_zero(win):
    cv, c = win.curves_view, win.controller
    cv.refresh()
    for key, dots in cv.start_dots.items():
        assert len(dots.data) == len(c.sim.runs), key  # not empty axes
    ys = sorted(float(p["y"]) for p in cv.start_dots["lr"].data)
    want = sorted(float(np.log10(r.trajectory.lr[0])) for r in c.sim.runs)
    assert ys == pytest.approx(want)
    win.grab().save("/tmp/u14/step0.png")
    c.step(5)
    cv.refresh()
    assert all(len(d.data) == 0 for d in cv.start_dots.values())


def test_log_sliders_land_on_1_2_5_values():
    from gdsim.optimizers import OPTIMIZERS
    from ui.param_editor import SLIDER_TICKS, _Row
    from ui.runs_panel import STEPS, TOL

    def one_two_five(v: float) -> bool:
        m = f"{v:.0e}".split("e")[0]
        return m in ("1", "2", "5") and float(f"{v:.0e}") == v

    for p in (OPTIMIZERS["gd"].params[0], OPTIMIZERS["adam"].params[0], STEPS, TOL):
        row = _Row(p)
        values = {row.from_tick(t) for t in range(SLIDER_TICKS + 1)}
        odd = [v for v in values if not one_two_five(v) and v not in (p.default, row.lo, row.hi)]
        assert odd == [], (p.name, odd)
        assert 0.000867 not in values


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_speed_label_shows_the_rate_reached_while_playing(win, monkeypatch):
    from ui import playback

    clock = FakeClock()
    monkeypatch.setattr(playback.time, "perf_counter", clock)
    c, bar = win.controller, win.playback
    c.set_experiment(dataclasses.replace(c.experiment, steps=1_000_000, tol=0.0))
    bar.speed_slider.setValue(bar.speed_slider.maximum())
    assert c.speed == 100_000 and bar.speed_label.text() == "100,000 steps/s"
    c.play()
    # ticks driven by hand on the fake clock (no event loop runs here to fire the timer)
    c._sec_per_step = 1e-3  # the frame budget (8 ms) allows 8 steps a tick
    c._budget = 0.008
    t0 = c.sim.t
    for _ in range(60):  # one second of 60 fps ticks
        clock.now += 1 / 60
        c._sec_per_step = 1e-3
        c._tick()
    reached = c.achieved_speed
    assert reached is not None and reached < 100_000
    samples = c._rate_samples
    assert reached == pytest.approx((samples[-1][1] - samples[0][1])
                                    / (samples[-1][0] - samples[0][0]))
    assert 60 * 8 <= c.sim.t - t0 <= 60 * 14  # the frame budget (8 to 14 ms) caps each tick
    bar.show_speed()
    assert bar.speed_label.text() == f"100,000 steps/s · reaching {reached:,.0f}"
    c.pause()
    assert c.achieved_speed is None and bar.speed_label.text() == "100,000 steps/s"


def test_a_pasted_over_long_formula_is_refused_saying_its_length(qtbot):
    from PySide6.QtWidgets import QApplication

    from gdsim.formula_parse import MAX_LENGTH
    from ui.formula_dialog import FormulaDialog

    dlg = FormulaDialog(None, "", (-2.0, 2.0, -2.0, 2.0))
    qtbot.addWidget(dlg)
    pasted = "x^2 + " * 1666 + "y^2"
    assert len(pasted) > 10_000 - 10
    QApplication.clipboard().setText(pasted)
    dlg.edit.paste()
    assert dlg.edit.text() == pasted  # not silently cut to a limit
    assert f"{len(pasted)} characters long; the limit is {MAX_LENGTH}" in dlg.error.text()
    assert not dlg.ok_button.isEnabled()


def test_a_loaded_presets_story_survives_a_relaunch(qtbot, isolated_app_state):
    from ui import files
    from ui.app import initial_experiment
    from ui.main_window import MainWindow

    first = MainWindow(autosave=True)
    qtbot.addWidget(first)
    preset = files.presets()[1]
    assert first.load_preset(preset.path)
    first.controller.step(10)
    first.close()  # quitting autosaves
    exp, _path, message = initial_experiment(None)
    assert message == "Restored the last session"
    assert exp.title == preset.title
    again = MainWindow(exp, autosave=True)
    qtbot.addWidget(again)
    again.show()
    assert again.story_label.isVisible() and preset.title in again.story_label.text()
    assert preset.description[:40] in again.story_label.text()
    again.new_experiment()  # a new experiment has no story
    assert not again.story_label.isVisible()
