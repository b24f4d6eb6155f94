"""Main window: every control, view and menu action, driven like a user (offscreen).

No real dialog ever opens: QFileDialog and QMessageBox are replaced by recorders that
fail the test when called unexpectedly.
"""

from __future__ import annotations

import random
import subprocess
import sys
import types

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QSettings, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QPushButton, QSlider

from gdsim.simulation import Experiment, RunSpec
from gdsim.surfaces import make_surface
from ui import files
from ui.main_window import MainWindow


class Dialogs:
    """Scripted answers for file dialogs and a record of message boxes."""

    def __init__(self):
        self.open_answers: list[str] = []
        self.save_answers: list[str] = []
        self.messages: list[tuple[str, str, str]] = []
        self.csv_scope: str | None = "all"  # answer to "export computed steps or all?"
        self.csv_asked: list[tuple[int, int]] = []

    def ask_csv_scope(self, t, total):
        self.csv_asked.append((t, total))
        return self.csv_scope

    def get_open(self, *_a, **_k):
        assert self.open_answers, "unexpected open-file dialog"
        return self.open_answers.pop(0), ""

    def get_save(self, *_a, **_k):
        assert self.save_answers, "unexpected save-file dialog"
        return self.save_answers.pop(0), ""

    def box(self, kind):
        def show(_parent, title, text, *_a, **_k):
            self.messages.append((kind, title, text))
            return QMessageBox.StandardButton.Ok

        return show


@pytest.fixture(autouse=True)
def sandbox(isolated_app_state, monkeypatch):
    """QSettings and the autosave file in tmp; dialogs scripted."""
    d = Dialogs()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", d.get_open)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", d.get_save)
    for kind in ("warning", "critical", "information", "about"):
        monkeypatch.setattr(QMessageBox, kind, d.box(kind))
    monkeypatch.setattr(MainWindow, "ask_csv_scope", d.ask_csv_scope)
    return d


@pytest.fixture
def win(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    yield w
    w.controller.pause()


def quad_experiment(steps=40):
    runs = [RunSpec("gd", {"lr": 0.1}), RunSpec("momentum", {"lr": 0.05})]
    return Experiment(surface="quadratic", start=(2.0, -1.0), runs=runs, steps=steps)


def widget(w, cls, name):
    found = w.findChild(cls, name)
    assert found is not None, name
    return found


# ------------------------------------------------------------------ structure


def test_object_names(win):
    import pyqtgraph as pg
    from PySide6.QtWidgets import QComboBox, QTableView

    for name in ("stepButton", "playButton", "resetButton"):
        widget(win, QPushButton, name)
    widget(win, QSlider, "speedSlider")
    widget(win, QSlider, "timelineSlider")
    widget(win, QComboBox, "surfaceCombo")
    widget(win, pg.PlotWidget, "surfacePlot")
    widget(win, pg.PlotWidget, "lossPlot")
    if win.has_runs_panel:
        widget(win, QPushButton, "addRunButton")
        assert win.findChild(QTableView, "runsTable") is not None
    tabs = win.view_tabs
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["Surface", "3-D"]


def test_missing_optional_parts_show_a_notice(qtbot, monkeypatch):
    monkeypatch.setitem(sys.modules, "ui.view3d", None)  # import fails
    monkeypatch.setitem(sys.modules, "ui.runs_panel", None)
    w = MainWindow()
    qtbot.addWidget(w)
    assert not w.has_3d and not w.has_runs_panel
    assert "3-D view is unavailable" in w.view3d.text()
    assert "runs panel is unavailable" in w.runs_panel.text()


def test_network_mode_hook(qtbot, monkeypatch):
    from PySide6.QtWidgets import QLabel

    seen = []

    class NetworkMode(QLabel):
        def __init__(self, main_window, parent=None):
            super().__init__("network", parent)
            seen.append(main_window)

    mod = types.ModuleType("ui.network.mode")
    mod.NetworkMode = NetworkMode
    monkeypatch.setitem(sys.modules, "ui.network", types.ModuleType("ui.network"))
    monkeypatch.setitem(sys.modules, "ui.network.mode", mod)
    w = MainWindow()
    qtbot.addWidget(w)
    tabs = w.mode_tabs
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["Surfaces", "Network"]
    assert seen == [] and not tabs.tabBar().isHidden()  # built on first show, not at start
    tabs.setCurrentIndex(1)
    assert seen == [w] and isinstance(tabs.currentWidget(), NetworkMode)
    assert tabs.currentWidget().parentWidget() is tabs.widget(0).parentWidget()  # the stack
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["Surfaces", "Network"]


def test_no_network_tab_without_module(qtbot, monkeypatch):
    monkeypatch.setitem(sys.modules, "ui.network.mode", None)  # import fails
    w = MainWindow()
    qtbot.addWidget(w)
    assert w.network is None
    assert w.mode_tabs.count() == 1 and w.mode_tabs.tabBar().isHidden()


# ------------------------------------------------------------------- controls


def test_step_and_step_n_buttons(win, qtbot):
    c = win.controller
    qtbot.mouseClick(widget(win, QPushButton, "stepButton"), Qt.MouseButton.LeftButton)
    assert c.sim.t == 1
    win.playback.step_n_spin.setValue(25)
    qtbot.mouseClick(win.playback.step_n_button, Qt.MouseButton.LeftButton)
    # at once, or in frame-sized chunks through the timer when that would block for long
    qtbot.waitUntil(lambda: not c.playing, timeout=60_000)
    assert c.sim.t == 26
    assert win.timeline.slider.maximum() == 26 and win.timeline.slider.value() == 26
    assert win.status.step_label.text().startswith("Step 26 / 2000")


def test_play_button(win, qtbot):
    c = win.controller
    button = widget(win, QPushButton, "playButton")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert c.playing and button.text() == "Pause" and button.isChecked()
    qtbot.waitUntil(lambda: c.sim.t >= 3, timeout=60_000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not c.playing and button.text() == "Play" and not button.isChecked()


def test_paths_are_thin_while_playing(win, qtbot):
    sv, c = win.surface_view, win.controller
    c.play()  # a short experiment (4 runs x 2000 steps) keeps thick paths
    assert all(p.opts["pen"].widthF() == 2.2 for p in sv.paths)
    c.pause()
    c.set_settings(steps=100_000)
    assert sv.paths[0].opts["pen"].widthF() == 2.2
    c.play()
    assert all(p.opts["pen"].widthF() == 1.0 for p in sv.paths)
    c.pause()
    assert all(p.opts["pen"].widthF() == 2.2 for p in sv.paths)
    assert sv.paths[1].opts["pen"].color().name() == c.experiment.runs[1].color


def test_speed_slider_is_logarithmic(win):
    s = widget(win, QSlider, "speedSlider")
    c = win.controller
    s.setValue(s.maximum())
    assert c.speed == pytest.approx(100_000)
    assert win.playback.speed_label.text() == "100,000 steps/s"
    s.setValue(s.minimum())
    assert c.speed == pytest.approx(1.0)
    s.setValue((s.minimum() + s.maximum()) // 2)
    assert c.speed == pytest.approx(10**2.5)
    s.setValue(round(s.maximum() * 0.6))
    assert c.speed == pytest.approx(1000.0)


def test_reset_button(win, qtbot):
    c = win.controller
    c.step(10)
    qtbot.mouseClick(widget(win, QPushButton, "resetButton"), Qt.MouseButton.LeftButton)
    assert c.sim.t == 0 and all(r.trajectory.n == 1 for r in c.sim.runs)
    assert win.timeline.slider.maximum() == 0


def test_timeline_scrubs_every_view(win):
    c = win.controller
    c.set_experiment(quad_experiment())
    c.step(30)
    slider = widget(win, QSlider, "timelineSlider")
    assert slider.maximum() == 30
    slider.setValue(10)
    assert c.cursor == 10
    sv, cv = win.surface_view, win.curves_view
    for i, run in enumerate(c.sim.runs):
        x, y = sv.paths[i].getData()
        assert (x[-1], y[-1]) == tuple(run.trajectory.points[10])
        lx, ly = cv.lines["loss"][i].getData()
        assert lx[-1] == 10
    pos = sv.current.getData()
    expected = np.array([r.trajectory.points[10] for r in c.sim.runs])
    assert np.array_equal(np.column_stack(pos), expected)
    assert "showing 10" in win.status.step_label.text()
    assert "scrubbed" in win.timeline.label.text()
    for line in cv.cursor_lines.values():
        assert line.isVisible() and line.value() == 10
    slider.setValue(30)
    assert c.cursor == -1
    assert not cv.cursor_lines["loss"].isVisible()


def test_surface_combo_switches_and_draws(win):
    combo = win.surface_bar.combo
    i = combo.findData("himmelblau")
    combo.setCurrentIndex(i)
    combo.activated.emit(i)
    c = win.controller
    assert c.experiment.surface == "himmelblau"
    sv = win.surface_view
    minima = np.column_stack(sv.minima.getData())
    assert np.allclose(np.sort(minima, axis=0), np.sort(make_surface("himmelblau").minima, axis=0))
    assert sv.image.image.shape == (200, 200)
    ix, _ = sv.iso.getData()
    assert ix is not None and np.isfinite(ix).sum() > 100
    x0, x1, y0, y1 = make_surface("himmelblau").domain
    (vx0, vx1), (vy0, vy1) = sv.vb.viewRange()
    # 1:1 aspect: the domain fits, tight along one axis
    eps = 1e-6
    assert vx0 <= x0 + eps and vx1 >= x1 - eps and vy0 <= y0 + eps and vy1 >= y1 - eps
    assert ((vx0, vx1) == pytest.approx((x0, x1))) or ((vy0, vy1) == pytest.approx((y0, y1)))


def test_colorbar_switches_between_log_and_linear(win):
    c, cb = win.controller, win.surface_view.colorbar
    c.set_surface("quadratic")  # x² + y²: median well inside the range, linear colours
    assert not cb.axis.logMode and cb.levels() == pytest.approx((0.0, 18.0), abs=1e-3)
    c.set_surface("rosenbrock")  # values up to ~2500 with a thin valley: log colours
    top = np.log10(2509.0 * (1 + 1e-5))
    assert cb.axis.logMode and cb.levels()[1] == pytest.approx(top, abs=0.01)
    c.set_surface("quadratic")
    assert not cb.axis.logMode
    win.grab()  # paints without overflow warnings (they are errors here)


def test_color_scale_is_log_for_wide_ranges():
    from ui.surface_view import color_scale

    z = np.array([[0.0, 1.0], [10.0, 10000.0]])  # median 5.5 ≪ range 10000: log
    t, is_log = color_scale(z)
    assert is_log
    assert t[1, 1] == pytest.approx(np.log10(10000.0 + 1e-5 * 10000.0))
    z = np.array([[0.0, 1.0], [2.0, 3.0]])
    t, is_log = color_scale(z)
    assert not is_log and np.array_equal(t, z)


def test_surface_parameter_editor(win):
    c = win.controller
    edit = win.surface_bar.edits["b"]
    assert edit.text() == "100"
    edit.setText("50")
    edit.editingFinished.emit()
    assert c.experiment.surface_params == {"b": 50.0}
    assert c.sim.surface.value(np.array([0.0, 1.0])) == pytest.approx(1.0 + 50.0)
    old = c.experiment
    edit.setText("-3")  # b must be positive: refused beside the field, text kept to correct
    edit.editingFinished.emit()
    assert c.experiment is old and edit.text() == "-3"
    assert "b=-3" in win.surface_bar.param_error_text()
    assert "Refused" in win.statusBar().currentMessage() and "b" in win.statusBar().currentMessage()


def test_custom_surface_through_formula_dialog(win, monkeypatch):
    calls = []

    class FakeDialog:
        answer = True

        def __init__(self, parent, text, domain):
            calls.append((parent, text, domain))
            self.formula, self.domain = "x**2 + 2*y**2", (-2.0, 2.0, -1.0, 1.0)

        def exec(self):
            return FakeDialog.answer

    mod = types.ModuleType("ui.formula_dialog")
    mod.FormulaDialog = FakeDialog
    monkeypatch.setitem(sys.modules, "ui.formula_dialog", mod)
    combo = win.surface_bar.combo
    i = combo.count() - 1
    assert combo.itemText(i) == "Custom…"
    combo.setCurrentIndex(i)
    combo.activated.emit(i)
    c = win.controller
    assert calls == [(win, "", (-2.0, 2.0, -1.0, 3.0))]
    assert c.experiment.surface == "expr:x**2 + 2*y**2"
    assert c.experiment.view == (-2.0, 2.0, -1.0, 1.0)
    # the picker names the formula, in an entry just before "Custom…"
    assert combo.currentIndex() == i and combo.currentText() == "Custom: x**2 + 2*y**2"
    assert combo.itemText(i + 1) == "Custom…"
    # cancelled: nothing changes; the current formula and domain are offered for editing
    FakeDialog.answer = False
    old = c.experiment
    combo.activated.emit(i + 1)
    assert c.experiment is old and calls[-1][1:] == ("x**2 + 2*y**2", (-2.0, 2.0, -1.0, 1.0))
    assert combo.currentIndex() == i


def test_keyboard_shortcuts(win, qtbot):
    c = win.controller
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=60_000)
    qtbot.keyClick(win, Qt.Key.Key_Right)
    assert c.sim.t == 1
    qtbot.keyClick(win, Qt.Key.Key_Space)
    assert c.playing
    qtbot.keyClick(win, Qt.Key.Key_Space)
    assert not c.playing
    qtbot.keyClick(win, Qt.Key.Key_R)
    assert c.sim.t == 0
    actions = win.findChildren(type(win.act_save))
    shortcuts = {a.objectName(): a.shortcut().toString() for a in actions}
    assert shortcuts["actionSave"] == "Ctrl+S"
    assert shortcuts["actionOpen"] == "Ctrl+O"
    assert shortcuts["actionExportCsv"] == "Ctrl+E"


# ---------------------------------------------------------------- surface view


def test_click_on_surface_sets_start(win, qtbot):
    c = win.controller
    c.step(5)
    sv = win.surface_view
    scene = sv.vb.mapViewToScene(QPointF(0.5, 1.5))
    pos = sv.plot.mapFromScene(scene)
    qtbot.mouseClick(sv.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert c.sim.t == 0
    x, y = c.experiment.start
    px, py = 4.0 / sv.plot.width(), 4.0 / sv.plot.height()  # data units per pixel
    assert x == pytest.approx(0.5, abs=3 * px) and y == pytest.approx(1.5, abs=3 * py)
    assert all(tuple(r.trajectory.points[0]) == (x, y) for r in c.sim.runs)
    assert (sv.start_marker.pos().x(), sv.start_marker.pos().y()) == (x, y)


def test_dragging_the_start_marker(win):
    sv = win.surface_view
    sv.start_marker.setPos(0.25, 0.75)
    sv.start_marker.sigPositionChangeFinished.emit(sv.start_marker)
    assert win.controller.experiment.start == (0.25, 0.75)


def test_arrows_use_recorded_gradient_and_step(win):
    c = win.controller
    c.set_experiment(quad_experiment())
    c.step(3)
    sv = win.surface_view
    win.act_grad.setChecked(True)
    x, y = sv.grad_lines.getData()
    assert len(x) == 2 * len(c.sim.runs)
    for i, run in enumerate(c.sim.runs):
        p, tip = np.array([x[2 * i], y[2 * i]]), np.array([x[2 * i + 1], y[2 * i + 1]])
        assert np.array_equal(p, run.trajectory.points[3])
        g = run.trajectory.grad[3]
        d = tip - p
        assert d[0] * g[1] - d[1] * g[0] == pytest.approx(0, abs=1e-9) and np.dot(d, -g) > 0
        assert sv.grad_heads[i].isVisible()
    assert not any(h.isVisible() for h in sv.step_heads)
    win.act_steps.setChecked(True)
    assert all(h.isVisible() for h in sv.step_heads)
    assert sv.step_heads[0].pos().x() == c.sim.runs[0].trajectory.points[3][0]
    win.act_grad.setChecked(False)
    assert sv.grad_lines.getData()[0] is None or len(sv.grad_lines.getData()[0]) == 0


def test_paths_are_decimated_for_long_runs(win):
    c = win.controller
    exp = quad_experiment(steps=20_000)
    exp.tol = 0.0
    c.set_experiment(exp)
    c.step(20_000)
    x, _ = win.surface_view.paths[0].getData()
    assert 2 <= len(x) <= 1200
    lx, _ = win.curves_view.lines["loss"][0].getData()
    assert len(lx) <= 600 and lx[0] == 0 and lx[-1] == 20_000


def test_live_path_cache_appends_new_rows_then_redecimates(win):
    from ui.decimate import MAX_PATH_POINTS, path_points

    c = win.controller
    exp = quad_experiment(steps=30_000)
    exp.tol = 0.0
    c.set_experiment(exp)
    c.step(10_000)
    cache: dict = {}
    first = path_points(c, 0, cache=cache)
    assert np.array_equal(first, c.sim.decimated(0, MAX_PATH_POINTS))
    c.step(50)  # +0.5 %: the new rows are appended as they are
    grown = path_points(c, 0, cache=cache)
    tr = c.sim.runs[0].trajectory
    assert np.array_equal(grown[: len(first)], first)
    assert np.array_equal(grown[len(first):], tr.points[10_001:10_051])
    c.step(1000)  # +10 %: decimated afresh
    assert np.array_equal(path_points(c, 0, cache=cache), c.sim.decimated(0, MAX_PATH_POINTS))
    c.reset()
    c.step(3)
    assert np.array_equal(path_points(c, 0, cache=cache), c.sim.runs[0].trajectory.points)


# ----------------------------------------------------------------- curves view


def test_curves_show_recorded_values(win):
    c = win.controller
    c.set_experiment(quad_experiment())
    c.step(20)
    cv = win.curves_view
    for i, run in enumerate(c.sim.runs):
        tr = run.trajectory
        x, y = cv.lines["loss"][i].getData()  # lines hold log10 of the values
        assert np.array_equal(x, np.arange(21))
        ok = tr.loss > 0
        assert np.allclose(10 ** y[ok], tr.loss[ok], rtol=1e-12)
        _, lr = cv.lines["lr"][i].getData()
        assert np.allclose(10**lr, tr.lr, rtol=1e-12)
        _, gn = cv.lines["grad_norm"][i].getData()
        assert np.allclose(10**gn, np.hypot(tr.grad[:, 0], tr.grad[:, 1]))
        _, dist = cv.lines["distance"][i].getData()
        assert np.allclose(10**dist, np.hypot(tr.points[:, 0], tr.points[:, 1]))  # min at 0
    vb = cv.plots["loss"].getPlotItem().getViewBox()
    (x0, x1), (y0, y1) = vb.viewRange()  # follows the data: all 21 steps, all losses
    losses = np.concatenate([r.trajectory.loss for r in c.sim.runs])
    assert x0 <= 0 and x1 >= 20
    assert y0 <= np.log10(losses.min()) and y1 >= np.log10(losses.max())
    text = cv.hover_text("loss", 4)
    assert "step 4" in text and "gd" in text and f"{c.sim.runs[0].trajectory.loss[4]:.4g}" in text


def test_curves_loss_offset_for_negative_minimum(win):
    c = win.controller
    c.set_surface("six_hump_camel")
    c.step(5)
    cv = win.curves_view
    off = cv.loss_offset()
    assert off == pytest.approx(-1.0316, abs=1e-4)
    _, y = cv.lines["loss"][0].getData()
    assert np.allclose(10**y, c.sim.runs[0].trajectory.loss - off)
    assert "loss −" in cv.plots["loss"].getPlotItem().titleLabel.text


def test_loss_axis_goes_linear_for_nonpositive_losses(win):
    c = win.controller
    c.set_surface("saddle")  # x² − y², no known minimum: losses turn negative
    c.set_start(0.5, 0.1)
    c.step(40)
    cv = win.curves_view
    assert not cv.log["loss"] and "linear" in cv.plots["loss"].getPlotItem().titleLabel.text
    for i, run in enumerate(c.sim.runs):
        _, y = cv.lines["loss"][i].getData()
        assert np.allclose(y, run.trajectory.loss)  # plain values on a linear axis
    assert (c.sim.runs[3].trajectory.loss < 0).any()  # adam has crossed below 0
    c.set_surface("quadratic")
    c.step(5)
    assert cv.log["loss"] and "linear" not in cv.plots["loss"].getPlotItem().titleLabel.text


def test_no_minimum_notice(win):
    win.controller.set_surface("saddle")
    assert win.curves_view.no_minimum.isVisible()
    win.controller.set_surface("quadratic")
    assert not win.curves_view.no_minimum.isVisible()


def test_hover_updates_label(win, qtbot):
    c = win.controller
    c.step(30)
    cv = win.curves_view
    pw = cv.plots["loss"]
    vb = pw.getPlotItem().getViewBox()
    vb.setXRange(0, 30, padding=0)
    y0, y1 = vb.viewRange()[1]
    scene = vb.mapViewToScene(QPointF(12, (y0 + y1) / 2))
    pw.scene().sigMouseMoved.emit(scene)
    assert "step 12" in cv.hover_label.text()


# ------------------------------------------------------------------ status bar


def test_status_shows_losses_and_divergence(win, qtbot):
    c = win.controller
    exp = Experiment(surface="quadratic", start=(1.0, 1.0), steps=100, tol=0.0,
                     runs=[RunSpec("gd", {"lr": 1.5}), RunSpec("adam", {"lr": 0.1})])
    c.set_experiment(exp)
    c.step(100)
    msg = win.statusBar().currentMessage()
    assert "Gradient descent lr=1.5 flew off the map at step" in msg
    text = win.status.runs_label.text()
    assert "diverged" in text and "adam" in text
    assert f"{c.sim.runs[1].trajectory.loss[-1]:.4g}" in text


# ------------------------------------------------------------------- files


def test_save_open_round_trip(win, sandbox, tmp_path):
    c = win.controller
    c.set_experiment(quad_experiment())
    path = tmp_path / "exp.json"
    sandbox.save_answers.append(str(path))
    win.act_save.trigger()  # no path yet: Save asks
    assert path.is_file() and win.current_path == path
    c.set_surface("booth")
    win.act_save.trigger()  # now saves without asking
    from gdsim.io import load_experiment

    assert load_experiment(path).surface == "booth"
    win.act_new.trigger()
    assert c.experiment.surface == "rosenbrock" and win.current_path is None
    sandbox.open_answers.append(str(path))
    win.act_open.trigger()
    assert c.experiment.surface == "booth" and win.current_path == path
    assert files.recent_files() == [str(path.resolve())]
    win.act_new.trigger()
    win._fill_recent()
    acts = [a for a in win.recent_menu.actions() if a.text() == str(path.resolve())]
    acts[0].trigger()
    assert c.experiment.surface == "booth"
    assert not sandbox.messages
    other = tmp_path / "other"
    sandbox.save_answers.append(str(other))
    win.act_save_as.trigger()
    assert (tmp_path / "other.json").is_file()


def test_bad_file_shows_message_and_changes_nothing(win, sandbox, tmp_path):
    c = win.controller
    old = c.experiment
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "gdsim-experiment", "version": 99, "runs": []}')
    sandbox.open_answers.append(str(bad))
    win.act_open.trigger()
    assert c.experiment is old
    assert sandbox.messages[-1][0] == "warning" and "version" in sandbox.messages[-1][2]
    sandbox.open_answers.append(str(tmp_path / "missing.json"))
    win.act_open.trigger()
    assert c.experiment is old and "missing.json" in sandbox.messages[-1][2]
    # unwritable: a folder that does not exist; an earlier file stays untouched
    sandbox.save_answers.append(str(tmp_path / "nope" / "x.json"))
    win.act_save_as.trigger()
    assert not (tmp_path / "nope").exists() and win.current_path is None
    assert "nope" in sandbox.messages[-1][2]
    target = tmp_path / "t.csv"
    target.write_text("earlier")
    sandbox.save_answers.append(str(tmp_path / "nope" / "t.csv"))
    win.act_export_csv.trigger()
    assert "nope" in sandbox.messages[-1][2] and target.read_text() == "earlier"


def test_exported_csv_equals_cli(win, sandbox, tmp_path, qtbot):
    pytest.importorskip("gdsim.cli")
    from gdsim.__main__ import main as cli_main
    from gdsim.io import save_experiment

    exp = quad_experiment(steps=60)
    exp.runs.append(RunSpec("adam", {"lr": 0.3}, schedule="cosine", schedule_params={"t_max": 30}))
    c = win.controller
    c.set_experiment(exp)
    c.step(7)  # a partly played simulation: "run to the end and export" (in the background)
    app_csv = tmp_path / "app.csv"
    sandbox.save_answers.append(str(app_csv))
    win.act_export_csv.trigger()
    assert sandbox.csv_asked == [(7, 60)]
    qtbot.waitUntil(lambda: not win.csv_export.running, timeout=10_000)
    assert win.csv_export.result == ""
    save_experiment(c.experiment, tmp_path / "e.json")
    cli_csv = tmp_path / "cli.csv"
    assert cli_main(["run", "--experiment", str(tmp_path / "e.json"), "--csv", str(cli_csv)]) == 0
    assert app_csv.read_bytes() == cli_csv.read_bytes()
    rows = app_csv.read_text().splitlines()
    assert rows[0] == "run,optimizer,step,x,y,loss,grad_x,grad_y,grad_norm,lr"
    assert len(rows) > 1 + 3 * 7


@pytest.mark.parametrize("ext", ["png", "svg"])
def test_export_image_of_each_panel(win, sandbox, tmp_path, ext):
    win.controller.step(10)
    for key, act in win.image_actions.items():
        out = tmp_path / f"{key}.{ext}"
        sandbox.save_answers.append(str(out))
        act.trigger()
        data = out.read_bytes()
        assert data.startswith(b"\x89PNG") if ext == "png" else b"<svg" in data[:2000]
    assert not sandbox.messages
    sandbox.save_answers.append(str(tmp_path / "x.bmp"))
    win.image_actions["surface"].trigger()
    assert ".png or .svg" in sandbox.messages[-1][2]


def test_presets_menu_and_loader(win, sandbox, tmp_path):
    import json

    from gdsim.io import experiment_to_dict

    d = experiment_to_dict(quad_experiment())
    d["title"], d["description"] = "Tiny race", "GD against momentum on a bowl."
    p = tmp_path / "tiny.json"
    p.write_text(json.dumps(d))
    assert win.load_preset(p)
    assert win.controller.experiment.surface == "quadratic"
    assert win.story_label.isVisibleTo(win) and "Tiny race" in win.story_label.text()
    assert "GD against momentum" in win.story_label.text()
    # the status bar only names it: a long description would be cut at its edge
    assert win.statusBar().currentMessage() == "Loaded preset: Tiny race"
    p.write_text("{nope")
    old = win.controller.experiment
    assert not win.load_preset(p)
    assert win.controller.experiment is old and sandbox.messages
    for act in win.preset_actions:  # every shipped preset loads
        sandbox.messages.clear()
        act.trigger()
        assert not sandbox.messages, act.text()


def test_about_and_quit(win, sandbox):
    win.findChild(type(win.act_save), "actionAbout").trigger()
    assert sandbox.messages[-1][0] == "about"
    win.act_quit.trigger()
    assert not win.isVisible()


# ------------------------------------------------------------------ autosave


def test_autosave_and_restore(qtbot, tmp_path):
    from ui.app import initial_experiment

    w = MainWindow(autosave=True)
    qtbot.addWidget(w)
    w.controller.set_experiment(quad_experiment())
    qtbot.waitUntil(files.autosave_path().is_file, timeout=60_000)
    exp, path, message = initial_experiment(None)
    assert exp == w.controller.experiment and path is None and "Restored" in message
    w.controller.set_surface("booth")
    w.close()  # closing saves at once
    assert initial_experiment(None)[0].surface == "booth"
    assert QSettings().value("window/geometry") is not None
    files.autosave_path().write_text("garbage")
    exp, _, message = initial_experiment(None)  # a corrupt autosave: a fresh start, said so
    assert exp.surface == "rosenbrock" and "Could not restore" in message
    assert "autosave.json" in message


def test_autosave_off_by_default(win, qtbot):
    win.controller.set_surface("booth")
    qtbot.wait(1000)
    assert not files.autosave_path().exists()


# ------------------------------------------------------------- random actions


def test_random_actions_raise_nothing(win, sandbox, tmp_path, qtbot):
    rng = random.Random(1234)
    c = win.controller
    combo = win.surface_bar.combo
    good = tmp_path / "good.json"
    from gdsim.io import save_experiment

    save_experiment(quad_experiment(), good)
    (tmp_path / "bad.json").write_text("[]")

    def pick_surface():
        i = rng.randrange(combo.count() - 1)  # not "Custom…" (no dialog module here)
        combo.setCurrentIndex(i)
        combo.activated.emit(i)

    def open_some():
        sandbox.open_answers.append(str(rng.choice([good, tmp_path / "bad.json", tmp_path / "x"])))
        win.act_open.trigger()

    def save_some():
        sandbox.save_answers.append(str(rng.choice([tmp_path / "s.json", tmp_path / "no" / "s"])))
        win.act_save_as.trigger()

    def export_some():
        sandbox.save_answers.append(str(rng.choice([tmp_path / "e.csv", tmp_path / "no" / "e"])))
        win.act_export_csv.trigger()

    actions = [
        lambda: win.playback.step_button.click(),
        lambda: win.playback.step_n_button.click(),
        lambda: win.playback.play_button.click(),
        lambda: win.playback.reset_button.click(),
        lambda: win.playback.speed_slider.setValue(rng.randrange(0, 1001)),
        lambda: win.timeline.slider.setValue(rng.randrange(0, win.timeline.slider.maximum() + 1)),
        pick_surface,
        lambda: win.surface_view.set_start_at(rng.uniform(-3, 3), rng.uniform(-3, 3)),
        lambda: win.act_grad.toggle(),
        lambda: win.act_steps.toggle(),
        lambda: c.add_run(),
        lambda: c.remove_run(rng.randrange(max(1, len(c.experiment.runs)))),
        lambda: c.duplicate_run(rng.randrange(max(1, len(c.experiment.runs)))),
        lambda: c.set_settings(steps=rng.choice([0, 5, 300, -2])),
        lambda: win.curves_view.hover_text("loss", rng.randrange(0, 50)),
        lambda: win.view_tabs.setCurrentIndex(rng.randrange(win.view_tabs.count())),
        open_some,
        save_some,
        export_some,
        lambda: win.act_new.trigger(),
        lambda: qtbot.wait(20),
    ]
    win.playback.step_n_spin.setValue(37)
    for _ in range(120):
        rng.choice(actions)()
        assert 0 <= c.sim.t <= c.sim.max_steps
        assert win.timeline.slider.maximum() == c.sim.t
        assert len(win.surface_view.paths) == len(c.sim.runs)
    c.pause()


# --------------------------------------------------------------- processes


def test_import_gdsim_pulls_in_no_qt():
    code = ("import sys, gdsim, gdsim.simulation, gdsim.surfaces, gdsim.io; "
            "print(any(m.split('.')[0] in ('PySide6', 'pyqtgraph', 'ui') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_from_ui_import_mainwindow_builds_default(qtbot):
    import ui

    w = ui.MainWindow()
    qtbot.addWidget(w)
    assert w.controller.experiment.surface == "rosenbrock" and len(w.controller.sim.runs) == 4


def test_excepthook_shows_a_message_instead_of_crashing(sandbox, monkeypatch, capsys):
    from ui.app import install_excepthook

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    install_excepthook(None)
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    kind, title, text = sandbox.messages[-1]
    assert kind == "critical" and "RuntimeError: boom" in text
    assert "Traceback" in capsys.readouterr().err


def run_main(tmp_path, *args):
    import os

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "GDSIM_QUIT_AFTER_MS": "300",
           "GDSIM_REPORT_SHOWN": "1", "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
           "XDG_DATA_HOME": str(tmp_path / "data")}
    root = __import__("pathlib").Path(__file__).resolve().parent.parent
    return subprocess.run([sys.executable, str(root / "main.py"), *args], env=env,
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)


def test_main_py_opens_experiment_and_restores_it_next_time(tmp_path):
    from gdsim.io import load_experiment, save_experiment

    exp = quad_experiment()
    save_experiment(exp, tmp_path / "e.json")
    out = run_main(tmp_path, "--experiment", str(tmp_path / "e.json"))
    assert out.returncode == 0, out.stderr
    assert "gdsim: window shown" in out.stdout
    saved = list((tmp_path / "data").rglob("autosave.json"))
    assert len(saved) == 1  # autosaved on quit: the same experiment, runs now coloured
    back = load_experiment(saved[0])
    assert back.surface == exp.surface and back.start == exp.start
    assert [(r.optimizer, r.hparams) for r in back.runs] == [(r.optimizer, r.hparams)
                                                            for r in exp.runs]
    assert [r.color for r in back.runs] == ["#0072b2", "#d55e00"]
    out = run_main(tmp_path)  # next launch, no file: the autosave comes back
    assert out.returncode == 0, out.stderr


def test_main_py_bad_experiment_exits_2(tmp_path):
    (tmp_path / "bad.json").write_text("{")
    out = run_main(tmp_path, "--experiment", str(tmp_path / "bad.json"))
    assert out.returncode == 2 and "bad.json" in out.stderr and "Traceback" not in out.stderr


# ------------------------------------------------------ Network tab: keys, files, presets


def small_network():
    from gdsim.nn.training import NNExperiment

    runs = [RunSpec("sgd", {"lr": 0.2}), RunSpec("adam", {"lr": 0.02})]
    return NNExperiment(dataset="xor", samples=60, hidden=(4,), activation="tanh", loss="bce",
                        runs=runs, epochs=20)


def test_shortcuts_drive_the_network_tab_while_it_is_shown(win, qtbot):
    assert win.network is not None
    sc, nc = win.controller, win.network.controller
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=60_000)
    win.mode_tabs.setCurrentWidget(win.network)
    assert win.active_controller() is nc
    qtbot.keyClick(win, Qt.Key.Key_Right)
    qtbot.keyClick(win, Qt.Key.Key_Right)
    assert nc.sim.t == 2 and sc.sim.t == 0
    qtbot.keyClick(win, Qt.Key.Key_Space)
    assert nc.playing and not sc.playing
    qtbot.keyClick(win, Qt.Key.Key_Space)
    assert not nc.playing
    nc.step(3)
    win.act_reset.trigger()  # the menu actions route the same way
    assert nc.sim.t == 0
    win.act_step.trigger()
    assert nc.sim.t == 1 and sc.sim.t == 0
    win.mode_tabs.setCurrentIndex(0)  # back to surfaces: the keys follow
    assert win.active_controller() is sc
    qtbot.keyClick(win, Qt.Key.Key_Right)
    assert sc.sim.t == 1 and nc.sim.t == 1
    qtbot.keyClick(win, Qt.Key.Key_R)
    assert sc.sim.t == 0 and nc.sim.t == 1


def test_open_network_file_switches_to_the_network_tab(win, sandbox, tmp_path):
    import json

    from gdsim.nn.io import experiment_to_dict

    d = experiment_to_dict(small_network())
    assert d["format"] == "gdsim-network"
    p = tmp_path / "net.json"
    p.write_text(json.dumps(d))
    surface_exp = win.controller.experiment
    sandbox.open_answers.append(str(p))
    win.act_open.trigger()
    assert not sandbox.messages
    assert win.mode_tabs.currentWidget() is win.network
    exp = win.network.controller.experiment
    assert (exp.dataset, exp.hidden, exp.epochs) == ("xor", (4,), 20)
    assert win.controller.experiment is surface_exp  # the surface mode is untouched
    assert win.windowTitle().startswith("net.json")
    assert files.recent_files() == [str(p.resolve())]
    # a surface file brings the Surfaces tab back
    from gdsim.io import save_experiment

    q = tmp_path / "surf.json"
    save_experiment(quad_experiment(), q)
    assert win.open_path(str(q))
    assert win.mode_tabs.currentIndex() == 0 and win.controller.experiment.surface == "quadratic"
    # a broken network file: message, nothing changes
    d["epochs"] = -5
    p.write_text(json.dumps(d))
    assert not win.open_path(str(p))
    assert sandbox.messages and win.network.controller.experiment is exp


def test_save_in_the_network_tab_writes_a_network_file(win, sandbox, tmp_path):
    import json

    from gdsim.nn.io import experiment_from_dict

    win.mode_tabs.setCurrentWidget(win.network)
    assert win.network.controller.set_experiment(small_network(), keep_weights=False)
    out = tmp_path / "saved"
    sandbox.save_answers.append(str(out))
    win.act_save.trigger()  # no file yet: asks where
    written = json.loads((tmp_path / "saved.json").read_text())
    assert written["format"] == "gdsim-network"
    assert experiment_from_dict(written) == win.network.controller.experiment
    assert win.current_path is None  # the surface experiment keeps its own file
    win.network.controller.update(epochs=33)
    win.act_save.trigger()  # now saves in place, no dialog
    assert json.loads((tmp_path / "saved.json").read_text())["epochs"] == 33
    win.mode_tabs.setCurrentIndex(0)
    sandbox.save_answers.append(str(tmp_path / "surface.json"))
    win.act_save.trigger()
    assert json.loads((tmp_path / "surface.json").read_text())["format"] == "gdsim-experiment"
    assert not sandbox.messages


def test_network_presets_submenu_loads_into_the_network_tab(win, sandbox):
    from ui.network.mode import network_presets

    menu = win.findChild(type(win.recent_menu), "networkPresetsMenu")
    assert menu is not None and menu.title() == "&Network"
    presets = network_presets()
    assert [a.text() for a in menu.actions()] == [p.title for p in presets] and presets
    surface_exp = win.controller.experiment
    for act, preset in zip(win.network_preset_actions, presets, strict=True):
        win.mode_tabs.setCurrentIndex(0)
        act.trigger()
        assert not sandbox.messages, act.text()
        assert win.mode_tabs.currentWidget() is win.network
        assert preset.title in win.network.story_label.text()
    assert win.controller.experiment is surface_exp
    win.preset_actions[0].trigger()  # a surface preset brings the Surfaces tab back
    assert win.mode_tabs.currentIndex() == 0


def test_runs_table_fits_the_default_dock(win, qtbot):
    from ui.runs_panel import COL_STATUS, HEADERS

    win.controller.step(300)
    qtbot.wait(10)
    t = win.runs_panel.table
    hh = t.horizontalHeader()
    assert sum(hh.sectionSize(c) for c in range(len(HEADERS))) <= t.viewport().width()
    assert not t.horizontalScrollBar().isVisible()
    assert hh.sectionSize(COL_STATUS) >= t.sizeHintForColumn(COL_STATUS)


def test_runs_table_and_status_follow_the_timeline(win):
    from ui.runs_panel import COL_LOSS

    c = win.controller
    c.step(60)
    win.timeline.findChild(QSlider, "timelineSlider").setValue(10)
    assert c.cursor == 10
    t = win.runs_panel.table
    for j, run in enumerate(c.sim.runs):
        assert t.item(j, COL_LOSS).text() == f"{run.trajectory.loss[10]:.5g}"
        assert f"{run.trajectory.loss[10]:.4g}" in win.status.runs_label.text()


def test_recolouring_repaints_every_view_without_restarting(win):
    c = win.controller
    c.step(40)
    sim = c.sim
    path_item = win.surface_view.paths[1]
    loss_line = win.curves_view.lines["loss"][1]
    assert c.set_run_color(1, "#112233")
    assert c.sim is sim and sim.t == 40
    assert win.surface_view.paths[1] is path_item  # repainted in place, not rebuilt
    assert path_item.opts["pen"].color().name() == "#112233"
    assert win.curves_view.lines["loss"][1] is loss_line
    assert loss_line.opts["pen"].color().name() == "#112233"
    assert "#112233" in win.status.runs_label.text()


def test_scrubbed_path_is_the_engines_decimation_up_to_the_cursor(win):
    from ui.decimate import MAX_PATH_POINTS, path_points

    c = win.controller
    c.step(3000)
    c.seek(2500)
    for i in range(len(c.sim.runs)):
        expect = c.sim.decimated(i, MAX_PATH_POINTS, upto=2500)
        np.testing.assert_array_equal(path_points(c, i), expect)
        x, y = win.surface_view.paths[i].getData()
        np.testing.assert_array_equal(np.column_stack([x, y]), expect)


def test_log_axis_thins_minor_labels_only_where_they_would_overlap(qapp):
    from ui.curves_view import MIN_LABEL_GAP_PX, LogAxis

    ax = LogAxis("left")
    ax.setLogMode(False, True)

    def labels(lo, hi, size):
        lo, hi = np.log10(lo), np.log10(hi)
        vals = [v for _s, vs in ax.tickValues(lo, hi, size) for v in vs]
        return sorted({round(10**v, 6) for v in vals}), lo, hi

    # 0.29 … 0.71 over 300 px: every minor label has room (~20 px or more apart)
    shown, lo, hi = labels(0.29, 0.71, 300)
    assert {0.3, 0.4, 0.5, 0.6, 0.7} <= set(shown)
    # 0.009 … 0.105 over 110 px: 0.06 … 0.09 would overlap; the roundest labels stay, apart
    shown, lo, hi = labels(0.009, 0.105, 110)
    assert {0.01, 0.02, 0.05, 0.1} <= set(shown)
    assert len(set(shown) & {0.06, 0.07, 0.08, 0.09}) <= 1
    gaps = np.diff(np.log10(shown)) * 110 / (hi - lo)
    assert gaps.min() >= MIN_LABEL_GAP_PX
    # 0.25 … 0.75 over 110 px (a loss curve): more than one label, none overlapping
    shown, lo, hi = labels(0.25, 0.75, 110)
    assert 0.5 in shown and len(shown) >= 3
    assert (np.diff(np.log10(shown)) * 110 / (hi - lo)).min() >= MIN_LABEL_GAP_PX


def test_status_bar_shows_each_runs_status_at_the_shown_step(win):
    assert win.load_preset(files.resource_path("presets", "02_learning_rate_too_large.json"))
    c = win.controller
    c.step(100)
    steps = {r.label: (r.status, r.steps) for r in c.sim.runs}
    assert steps["lr=0.45"][0] == "converged" and steps["lr=1.05"][0] == "diverged"
    c.seek(steps["lr=0.45"][1] - 1)  # before anything stopped: no statuses yet
    text = win.status.runs_label.text()
    assert "converged" not in text and "diverged" not in text
    c.seek(steps["lr=1.05"][1])  # lr=0.45 has converged, lr=1.05 diverges here
    text = win.status.runs_label.text()
    assert text.count("converged") == 1 and text.count("diverged") == 1


@pytest.mark.parametrize("ext", ["png", "svg"])
def test_export_image_offers_the_network_panels_while_that_tab_is_shown(win, sandbox, tmp_path,
                                                                        ext):
    from PySide6.QtGui import QImage

    def listed():
        return [a.text() for a in win.image_menu.actions() if a.isVisible()]

    surface_titles = [f"{t}…" for t in win.panel_titles().values()]
    assert listed() == surface_titles
    net = win.network
    win.mode_tabs.setCurrentWidget(net)
    QApplication.processEvents()  # the tab, built on first use, is laid out before any export
    titles = net.panel_titles()
    assert listed() == [f"{t}…" for t in titles.values()]
    assert {"boundary", "slice", "loss", "layers"} <= set(titles)
    net.controller.set_experiment(small_network(), keep_weights=False)
    net.controller.step(30)
    for key, act in win.network_image_actions.items():
        out = tmp_path / f"net_{key}.{ext}"
        sandbox.save_answers.append(str(out))
        act.trigger()
        data = out.read_bytes()
        if ext == "svg":
            assert b"<svg" in data[:2000], key
            continue
        img = QImage(str(out))  # the panel itself: its size, and more than a blank page
        item = net.panel_plot_item(key)
        assert abs(img.width() - item.sceneBoundingRect().width()) <= 1, key
        colours = {img.pixel(x, y) for x in range(0, img.width(), 7)
                   for y in range(0, img.height(), 7)}
        assert len(colours) > 5, key
    # with "all runs" the decision map export is the small multiples
    net.boundary.all_check.setChecked(True)
    assert net.panel_plot_item("boundary") is net.boundary.multi.ci
    out = tmp_path / f"multiples.{ext}"
    sandbox.save_answers.append(str(out))
    win.network_image_actions["boundary"].trigger()
    assert out.stat().st_size > 1000
    assert not sandbox.messages
    sandbox.save_answers.append(str(tmp_path / "x.bmp"))
    win.network_image_actions["loss"].trigger()
    assert ".png or .svg" in sandbox.messages[-1][2]
    win.mode_tabs.setCurrentIndex(0)
    assert listed() == surface_titles


def test_title_follows_the_network_tabs_own_open_save_and_preset(win, sandbox, tmp_path,
                                                                  qtbot):
    import json

    from gdsim.nn.io import experiment_to_dict

    net = win.network
    win.mode_tabs.setCurrentWidget(net)
    assert win.windowTitle() == "untitled (network) — gdsim"
    sandbox.save_answers.append(str(tmp_path / "mine"))
    qtbot.mouseClick(net.buttons["save"], Qt.MouseButton.LeftButton)
    assert (tmp_path / "mine.json").is_file()
    assert win.windowTitle() == "mine.json (network) — gdsim"
    other = tmp_path / "other.json"
    other.write_text(json.dumps(experiment_to_dict(small_network())))
    sandbox.open_answers.append(str(other))
    qtbot.mouseClick(net.buttons["open"], Qt.MouseButton.LeftButton)
    assert win.windowTitle() == "other.json (network) — gdsim"
    assert files.recent_files()[:2] == [str(other.resolve()), str((tmp_path / "mine.json")
                                                                   .resolve())]
    win.mode_tabs.setCurrentIndex(0)  # the surfaces keep their own (no) file
    assert win.windowTitle() == "untitled — gdsim"
    win.mode_tabs.setCurrentWidget(net)
    assert win.windowTitle() == "other.json (network) — gdsim"
    combo = net.preset_combo  # a preset is not a file of the user's
    combo.setCurrentIndex(1)
    combo.activated.emit(1)
    assert win.windowTitle() == "untitled (network) — gdsim"
    net.open_path(other)
    win.act_new.trigger()
    assert win.windowTitle() == "untitled (network) — gdsim" and net.current_path is None
    assert not sandbox.messages


def test_surface_axes_name_the_coordinates(win):
    """Data surfaces are losses over parameters: their axes say w, b (or w₁, w₂), not x, y."""
    pi = win.surface_view.plot.getPlotItem()
    assert win.surface_view.plot.objectName() == "surfacePlot"

    def labels():
        return pi.getAxis("bottom").labelText, pi.getAxis("left").labelText

    assert labels() == ("x", "y")
    assert win.controller.set_surface("linreg")
    assert labels() == ("w", "b")
    assert win.controller.set_surface("logreg")
    assert labels() == ("w₁", "w₂")
    assert win.controller.set_surface("himmelblau")
    assert labels() == ("x", "y")


def test_closing_builds_no_basin_map(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    w.close()
    assert w._basin is None  # off all along: closing has nothing to stop, so builds nothing


def test_plots_show_only_their_left_and_bottom_axes(win, qtbot):
    """Every plot of both tabs frames its data with a left and a bottom axis only: pyqtgraph
    shows each axis item it is handed, and a right axis on a log plot would read log10 of
    the values (-2 beside 0.01)."""
    import pyqtgraph as pg

    win.mode_tabs.setCurrentIndex(1)  # the network tab builds its plots
    qtbot.waitUntil(lambda: len(win.findChildren(pg.PlotWidget)) > 5, timeout=10000)
    plots = win.findChildren(pg.PlotWidget)
    for w in plots:
        pi = w.getPlotItem()
        shown = {side for side in ("left", "bottom", "top", "right")
                 if pi.getAxis(side).isVisibleTo(pi)}
        assert not shown & {"top", "right"}, (w.objectName(), shown)
    loss = next(w for w in plots if w.getPlotItem().getAxis("left").logMode)
    assert loss.getPlotItem().getAxis("left").isVisibleTo(loss.getPlotItem())


def test_showing_the_network_tab_leaves_the_window_and_surfaces_tab_their_size(win, qtbot):
    """The Network page's minimum width becomes the whole tab widget's: a visit to it must
    not widen a 1440-px window or squeeze the Runs dock of the Surfaces tab."""
    from PySide6.QtTest import QTest

    win.resize(1440, 900)
    QTest.qWait(200)
    dock = win.runs_dock.width()
    win.mode_tabs.setCurrentIndex(1)
    QTest.qWait(300)
    assert win.network.boundary.controls.isVisible()
    win.mode_tabs.setCurrentIndex(0)
    QTest.qWait(300)
    assert win.width() == 1440
    assert win.runs_dock.width() == dock
