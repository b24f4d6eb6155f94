"""The "see why" views (issue 9): each draws what the engine computed (curvature axes,
sharpness, effective step, race table, stability map), the map is computed off the UI thread
with progress and Cancel, and a click applies a cell to the selected run."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, Qt, QThread, QThreadPool

from gdsim.curvature import Curvature, eigen, sharpness_along
from gdsim.race import effective_step, race_csv_text, race_rows
from gdsim.simulation import Experiment, RunSpec
from gdsim.sweep import make_axis, sweep
from ui import sweep_view, warmup
from ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def sandbox(isolated_app_state):
    return isolated_app_state


@pytest.fixture
def win(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    exp = Experiment(surface="rosenbrock", start=(-1.5, 2.0), steps=400,
                     runs=[RunSpec("gd", {"lr": 0.001}), RunSpec("momentum", {"lr": 0.0005}),
                           RunSpec("adam", {"lr": 0.05})])
    assert w.controller.set_experiment(exp)
    yield w
    w.controller.pause()
    w.why.stability.cancel()
    QThreadPool.globalInstance().waitForDone(10_000)


def test_docks_made_on_first_show_draw_earlier_steps_at_their_full_size(win, qtbot):
    """A dock whose panels are made when it is first shown, after the runs have stepped,
    shows those steps at once (not after the next step) and opens at its contents' size, not
    at the minimum of an empty dock (Qt sizes a dock as it shows)."""
    win.resize(1440, 900)
    win.controller.step(300)
    win.why.act_why.trigger()
    qtbot.waitUntil(lambda: win.why.dock.isVisible())
    eff = win.why.effective
    win.why.tabs.setCurrentWidget(eff)
    QCoreApplication.processEvents()
    x, _y = eff.lines[0][0].getData()
    assert x is not None and len(x) == 300  # one point per update
    sharp = win.why.sharpness
    win.why.tabs.setCurrentWidget(sharp)
    curvature_ready(qtbot, win)
    qtbot.waitUntil(lambda: sharp.lines[0][0].getData()[0] is not None, timeout=10_000)
    assert len(sharp.lines[0][0].getData()[0]) == 301
    assert win.why.dock.height() >= min(win.why.dock.sizeHint().height(), 250)
    win.learn_dock.show()
    # placed at the next layout pass (an empty dock stays at its ~50 px minimum)
    qtbot.waitUntil(lambda: win.learn_dock.width() >= win.learn_panel.sizeHint().width(),
                    timeout=3000)


def curvature_ready(qtbot, w):
    w.why.source.get()
    qtbot.waitUntil(lambda: w.why.source.get() is not None, timeout=30_000)


def test_views_and_actions_exist(win):
    names = {a.objectName() for a in win.findChildren(type(win.act_grad))}
    assert {"actionCurvatureAxes", "actionWhyDock", "actionStabilityMap"} <= names
    assert not win.why.dock.isVisible() and not win.why.stability_dock.isVisible()
    panels = ("whyTabs", "sharpnessPlot", "effectiveStepPlot", "raceTable", "raceTolEdit",
              "raceExportButton", "stabilityComputeButton", "stabilityCancelButton",
              "stabilityProgress", "stabilityParamCombo")
    # the docks' panels are built when a dock is first shown (start-up, issue 12 §2)
    assert all(win.findChild(object, name) is None for name in panels)
    win.why.act_why.trigger()
    win.why.act_stability.trigger()
    assert win.why.dock.isVisible() and win.why.stability_dock.isVisible()
    for name in ("whyDock", "stabilityDock", *panels):
        assert win.findChild(object, name) is not None, name
    assert win.why.dock.widget() is win.why.tabs
    assert win.why.stability_dock.widget() is win.why.stability


def test_curvature_axes_are_the_engines_eigenvectors(qtbot, win):
    c = win.controller
    c.step(50)
    win.why.act_axes.setChecked(True)
    curvature_ready(qtbot, win)
    qtbot.waitUntil(lambda: win.why.axes.last is not None, timeout=5_000)
    pts = np.array([r.trajectory.points[-1] for r in c.sim.runs])
    vals, vecs = eigen(Curvature(c.sim.surface).hessian(pts))
    got_vals, got_vecs = win.why.axes.last
    np.testing.assert_array_equal(got_vals, vals)
    np.testing.assert_array_equal(got_vecs, vecs)
    x, y = win.why.axes.pos_lines.getData()
    seg = np.column_stack([x, y]).reshape(-1, 2, 2)
    # each segment is centred on a run's point and lies along an eigenvector
    centres = seg.mean(axis=1)
    for n, p in enumerate(pts):
        mine = seg[np.hypot(*(centres - p).T) < 1e-9]
        assert len(mine) >= 1
        d = mine[0, 1] - mine[0, 0]
        d /= np.hypot(*d)
        assert max(abs(d @ vecs[n, :, 0]), abs(d @ vecs[n, :, 1])) == pytest.approx(1.0)
    win.why.act_axes.setChecked(False)
    assert not win.why.axes.pos_lines.isVisible()


def test_sharpness_panel_draws_the_engine_values_and_2_over_lr(qtbot, win):
    c = win.controller
    win.why.dock.setVisible(True)
    win.why.tabs.setCurrentWidget(win.why.sharpness)
    c.step(120)
    curvature_ready(qtbot, win)
    win.why.sharpness.refresh()
    curv = Curvature(c.sim.surface)
    for i, run in enumerate(c.sim.runs):
        lam_item, lim_item = win.why.sharpness.lines[i]
        x, y = lam_item.getData()
        idx = x.astype(int)
        want = np.log10(sharpness_along(curv, run.trajectory.points[idx]))
        np.testing.assert_allclose(y, want, rtol=1e-12)
        _, ylim = lim_item.getData()
        mu = 0.9 if run.spec.optimizer == "momentum" else 0.0  # heavy ball: 2(1 + μ)/η
        np.testing.assert_allclose(10 ** ylim, 2.0 * (1 + mu) / run.trajectory.lr[idx],
                                   rtol=1e-12)


def test_effective_step_panel_draws_the_engine_values(qtbot, win):
    c = win.controller
    win.why.dock.setVisible(True)
    win.why.tabs.setCurrentWidget(win.why.effective)
    c.step(80)
    win.why.effective.refresh()
    gd_x, gd_y = win.why.effective.lines[0][0].getData()
    np.testing.assert_allclose(10 ** gd_y, 0.001, rtol=1e-9)  # plain GD: exactly η
    x, y = win.why.effective.lines[2][1].getData()
    eff = effective_step(c.sim.runs[2].trajectory, rows=x.astype(int))
    pos = eff[:, 1] > 0  # momentum can step against the gradient: not drawn on a log axis
    np.testing.assert_allclose(y[pos], np.log10(eff[pos, 1]), rtol=1e-12)
    assert np.all(np.isnan(y[~pos]))


def test_race_table_sorts_and_exports(qtbot, win, tmp_path):
    c = win.controller
    win.why.dock.setVisible(True)
    race = win.why.race
    win.why.tabs.setCurrentWidget(race)
    c.step(200)
    race.refresh()
    t = race.table
    assert t.rowCount() == 3
    losses = [float(t.item(r, 4).text()) for r in range(3)]
    assert losses == sorted(losses)  # default: lowest final loss first
    t.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert [t.item(r, 0).text()[2:] for r in range(3)] == sorted(r.label for r in c.sim.runs)
    race.tol_edit.setText("5")
    race.tol_edit.editingFinished.emit()
    rows = race_rows(c.sim, 5.0)
    assert race.rows == rows
    out = tmp_path / "race.csv"
    out.write_text("old")
    race.export_to(str(out))
    assert out.read_text() == race_csv_text(rows)
    # scrubbing back shows the table at that step
    c.seek(10)
    assert c.cursor == 10
    race.refresh()
    assert all(r.steps == 10 and r.status == "running" for r in race.rows)


def test_stability_map_off_thread_equals_engine_and_click_applies(qtbot, win):
    w = win.why.stability
    win.why.stability_dock.setVisible(True)
    win.runs_panel.table.setCurrentCell(1, 1)  # the momentum run
    qtbot.waitUntil(lambda: w.param.currentText() == "momentum", timeout=2_000)
    w.lr_lo.setText("1e-5")
    w.lr_hi.setText("0.01")
    w.nx.setValue(6)
    w.y_lo.setText("0")
    w.y_hi.setText("0.95")
    w.ny.setValue(5)
    w.steps.setValue(150)
    threads = []
    real = sweep_view.sweep

    def spy(*a, **k):
        threads.append(QThread.currentThread() is not QCoreApplication.instance().thread())
        return real(*a, **k)

    sweep_view.sweep = spy
    try:
        assert w.compute()
        qtbot.waitUntil(lambda: not w.busy, timeout=30_000)
    finally:
        sweep_view.sweep = real
    assert threads == [True]
    assert w.progress.value() == 1000 and w.result is not None
    c = win.controller
    spec = c.experiment.runs[1]
    ref = sweep(c.sim.surface, spec, make_axis("momentum", "lr", 1e-5, 0.01, 6),
                make_axis("momentum", "momentum", 0.0, 0.95, 5), 150, start=(-1.5, 2.0),
                tol=c.experiment.tol)
    np.testing.assert_array_equal(w.result.loss, ref.loss)
    np.testing.assert_array_equal(w.result.status, ref.status)
    assert w.map.image.image.shape == (5, 6)
    assert w.apply_cell(3, 2)
    hp = c.experiment.runs[1].hparams
    assert hp["lr"] == ref.xs[2] and hp["momentum"] == ref.ys[3]


def test_stability_map_cancel_and_bad_range(qtbot, win):
    w = win.why.stability
    win.why.stability_dock.setVisible(True)
    w.lr_lo.setText("1")
    w.lr_hi.setText("0.1")
    assert not w.compute()
    assert "LO < HI" in w.message.text()
    w.lr_lo.setText("1e-6")
    w.lr_hi.setText("1e-2")
    w.nx.setValue(200)
    w.steps.setValue(100_000)
    assert w.compute() and w.busy
    assert not w.compute_button.isEnabled() and w.cancel_button.isEnabled()
    w.cancel()
    assert not w.busy and w.compute_button.isEnabled()
    assert "Cancelled" in w.message.text()
    QThreadPool.globalInstance().waitForDone(30_000)
    assert w.result is None  # the cancelled sweep never lands


def test_cli_png(tmp_path, capsys):
    from gdsim.cli import main

    out = tmp_path / "map.png"
    rc = main(["sweep", "--surface", "rosenbrock", "--optimizer", "momentum", "--vary",
               "lr=1e-4:0.1:8", "--vary", "momentum=0:0.99:6", "--steps", "50", "--png",
               str(out)])
    assert rc == 0, capsys.readouterr().err
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000
    assert math.isfinite(len(data))


def test_explain_panel_follows_selection_and_timeline(qtbot, win):
    from gdsim.explain import Explainer

    c = win.controller
    win.why.dock.setVisible(True)
    win.why.tabs.setCurrentWidget(win.why.explain)
    c.step(30)
    win.runs_panel.table.setCurrentCell(2, 1)  # adam
    win.why.explain.refresh()
    e = win.why.explain.explanation
    assert e.label == "adam" and e.step == 29
    ref = Explainer(c.sim).explain(2, 29)
    assert win.why.explain.text.toPlainText() == "\n".join(ref.lines())
    c.seek(7)
    win.why.explain.refresh()
    assert win.why.explain.explanation.step == 6
    np.testing.assert_array_equal(win.why.explain.explanation.new_point,
                                  c.sim.runs[2].trajectory.points[7])


def test_state_glyphs_draw_the_engine_state(qtbot, win):
    from gdsim.explain import Explainer

    c = win.controller
    c.step(20)
    g = win.why.glyphs
    g.act_momentum.setChecked(True)
    g.act_scale.setChecked(True)
    assert g.momentum.isVisible() and g.boxes.isVisible()
    drawn = dict(g.drawn)
    assert sorted(drawn) == [0, 1, 2]
    ex = Explainer(c.sim)
    for i in range(3):
        ref = ex.explain(i, 19)
        np.testing.assert_array_equal(drawn[i].after.get("exp_avg", np.zeros(2)),
                                      ref.after.get("exp_avg", np.zeros(2)))
    x, y = g.momentum.getData()
    assert len(x) == 2 * 2  # momentum and adam keep a first moment; gd has none
    bx, by = g.boxes.getData()
    assert len(bx) == 6  # one box: adam's adaptive scale
    s = drawn[2].adaptive_scale()
    w, h = np.nanmax(bx) - np.nanmin(bx), np.nanmax(by) - np.nanmin(by)
    assert w / h == pytest.approx(s[0] / s[1], rel=1e-9)


def test_opening_the_stability_map_warms_the_compiled_kernels_once(qtbot, win, monkeypatch):
    """The panel starts numba in the background while the user sets up the axes (once a
    session); without numba it does nothing."""
    from gdsim import kernels

    calls = []
    monkeypatch.setattr(warmup, "_started", [])
    monkeypatch.setattr(kernels, "warm", lambda: calls.append(QThread.currentThread()))
    monkeypatch.setattr(kernels, "enabled", lambda: True)
    win.why.stability_dock.show()
    assert win.why.stability is not None
    QThreadPool.globalInstance().waitForDone(10_000)
    assert len(calls) == 1 and calls[0] is not QCoreApplication.instance().thread()
    sweep_view.StabilityPanel(win.controller)  # a second panel: no second warm-up
    QThreadPool.globalInstance().waitForDone(10_000)
    assert len(calls) == 1
    monkeypatch.setattr(warmup, "_started", [])
    monkeypatch.setattr(kernels, "enabled", lambda: False)
    sweep_view.StabilityPanel(win.controller)
    QThreadPool.globalInstance().waitForDone(10_000)
    assert len(calls) == 1


def test_kernel_warm_up_leaves_a_ready_kernel(tmp_path, monkeypatch):
    from gdsim import kernels

    if not kernels.available():
        pytest.skip("numba not installed")
    monkeypatch.setenv("GDSIM_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(kernels, "_compiled", {})  # as in a new session
    assert kernels.warm() is True
    assert list(tmp_path.glob("kernels/k_*.py"))
