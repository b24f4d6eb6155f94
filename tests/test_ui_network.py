"""The Network mode: controller, editors, runs panel, panels, presets and files (pytest-qt)."""

from __future__ import annotations

import csv
import dataclasses
import json

import numpy as np
import pytest
from PySide6.QtCore import Qt

from gdsim.nn.training import NNExperiment
from gdsim.simulation import RunSpec
from ui.network.controller import NetworkController
from ui.network.mode import NetworkMode, network_presets


def small(**kw) -> NNExperiment:
    base = dict(dataset="moons", samples=80, hidden=(5,), activation="tanh", loss="bce",
                runs=[RunSpec("sgd", {"lr": 0.2}), RunSpec("adam", {"lr": 0.02})], epochs=60)
    base.update(kw)
    return NNExperiment(**base)


@pytest.fixture
def mode(qtbot, errors):
    m = NetworkMode(None, small())
    qtbot.addWidget(m)
    m.resize(1400, 900)
    m.show()
    qtbot.waitExposed(m)
    yield m
    m.controller.pause()


def test_step_button_trains_and_every_panel_draws_engine_data(mode, qtbot):
    c = mode.controller
    with qtbot.waitSignal(c.stepped, timeout=2000):
        qtbot.mouseClick(mode.playback.step_button, Qt.MouseButton.LeftButton)
    assert c.sim.t == 1
    c.step(9)
    # loss curves: train (solid) and test (dashed) of every run, straight from the record
    for i in range(c.sim.n_runs):
        x, y = mode.metrics.lines["loss"][2 * i].getData()
        np.testing.assert_array_equal(x, np.arange(11))
        # (log-y plots hold log10 of the values)
        np.testing.assert_allclose(y, np.log10(c.sim.column(i, "train_loss")))
        _, yt = mode.metrics.lines["loss"][2 * i + 1].getData()
        np.testing.assert_allclose(yt, np.log10(c.sim.column(i, "test_loss")))
    _, g = mode.metrics.lines["layers"][0].getData()
    np.testing.assert_allclose(g, np.log10(c.sim.layer_grad_norms(c.selected)[:, 0]))
    # the decision map is the engine's prediction for the selected run
    img = mode.boundary.image.image
    assert img.shape[:2] == (160, 160) and img.dtype == np.uint8
    assert "step 10" in mode.boundary.plot.getPlotItem().titleLabel.text
    assert mode.timeline.slider.maximum() == 10


def test_play_runs_until_paused(mode, qtbot):
    c = mode.controller
    c.set_speed(2000)
    qtbot.mouseClick(mode.playback.play_button, Qt.MouseButton.LeftButton)
    assert c.playing
    qtbot.waitUntil(lambda: c.sim.t >= 5, timeout=60_000)
    qtbot.mouseClick(mode.playback.play_button, Qt.MouseButton.LeftButton)
    assert not c.playing
    t = c.sim.t
    qtbot.wait(100)
    assert c.sim.t == t


def test_play_stops_when_training_is_done(mode, qtbot):
    c = mode.controller
    c.set_speed(100_000)
    c.play()
    qtbot.waitUntil(lambda: not c.playing, timeout=60_000)
    assert c.sim.done and c.sim.t == 60


def test_timeline_scrub_shows_earlier_state(mode, qtbot):
    c = mode.controller
    c.step(20)
    mode.timeline.slider.setValue(5)
    assert c.cursor == 5 and c.shown_step == 5
    assert "step 5" in mode.boundary.plot.getPlotItem().titleLabel.text
    x, _ = mode.metrics.lines["loss"][0].getData()
    assert x[-1] == 5
    assert mode.metrics.cursor_lines["loss"].isVisible()
    # the map drawn is the prediction of the weights at step 5
    xs, ys, out = c.sim.predict_grid(c.selected, 160, 160, step=5)
    from ui.network.panels import class_image

    np.testing.assert_array_equal(mode.boundary.image.image,
                                  class_image(out, 2).transpose(1, 0, 2))
    c.step(1)  # stepping goes live again
    assert c.cursor == -1 and c.sim.t == 21


def test_architecture_edit_rebuilds_and_bad_text_is_refused(mode, qtbot):
    c = mode.controller
    c.step(3)
    ed = mode.editors.hidden_edit
    ed.setText("6,4")
    ed.editingFinished.emit()
    assert c.experiment.hidden == (6, 4) and c.sim.t == 0
    assert mode.editors.arch_label.text().startswith("2-6-4-1")
    assert mode.slice.combo_a.count() == c.sim.net.size
    ed.setText("6,x")
    ed.editingFinished.emit()
    assert c.experiment.hidden == (6, 4)
    assert "'x' is not a width" in mode.editors.net_box.error.text()


def test_dataset_switch_to_regression_picks_mse_and_draws_a_fit(mode, qtbot):
    c = mode.controller
    combo = mode.editors.dataset_combo
    combo.setCurrentIndex(combo.findData("sine"))
    combo.activated.emit(combo.currentIndex())
    assert c.experiment.dataset == "sine" and c.experiment.loss == "mse"
    assert mode.editors.loss_combo.currentData() == "mse"
    c.step(5)
    assert not mode.boundary.image.isVisible() and mode.boundary.fit.isVisible()
    xs, ys = mode.boundary.fit.getData()
    np.testing.assert_allclose(ys, c.sim.predict(c.selected, xs[:, None])[:, 0])
    assert mode.metrics.no_acc.isVisible()
    # an incompatible loss is refused with the engine's reason; nothing changes
    before = c.experiment
    mode.editors._loss_chosen("ce")
    assert c.experiment is before
    assert "classification" in mode.editors.net_box.error.text()


def test_spiral_classes_switch_to_ce(mode, qtbot):
    c = mode.controller
    combo = mode.editors.dataset_combo
    combo.setCurrentIndex(combo.findData("spiral"))
    combo.activated.emit(combo.currentIndex())
    field = mode.editors.data_params.field("classes")
    assert field.isEnabled()
    field.setText("3")
    field.editingFinished.emit()
    assert c.experiment.dataset == "spiral:classes=3" and c.experiment.loss == "ce"
    assert c.sim.arch.n_out == 3
    c.step(2)
    assert len(mode.boundary.boundary.getData()[0]) > 0


def test_regularization_editor(mode):
    c = mode.controller
    ed = mode.editors.reg_params
    ed.field("l2").setText("0.05")
    ed.field("l2").editingFinished.emit()
    ed.field("batch_norm").setChecked(True)
    assert c.experiment.l2 == 0.05 and c.experiment.batch_norm
    assert c.sim.net.bn_size > 0
    ed.field("dropout").setText("1.5")
    ed.field("dropout").editingFinished.emit()
    assert c.experiment.dropout == 0.0 and ed.error_text("dropout")


def test_runs_panel_adds_runs_and_selects_the_shown_run(mode, qtbot):
    c = mode.controller
    panel = mode.runs_panel
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert c.sim.n_runs == 3 and c.sim.runs[2].spec.optimizer == "adam"
    assert len(mode.metrics.lines["lr"]) == 3
    panel.select(1)
    assert c.selected == 1
    assert c.sim.runs[1].label in mode.boundary.plot.getPlotItem().titleLabel.text
    # training settings: batch size and early stopping go to the experiment
    ed = panel.settings_editor
    ed.field("batch_size").setText("16")
    ed.field("batch_size").editingFinished.emit()
    assert c.experiment.batch_size == 16 and c.sim.steps_per_epoch == 4
    c.step(4)
    panel.update_live()
    loss = c.sim.record(0)[-1, 0]
    assert panel.table.item(0, 5).text() == f"{loss:.5g}"


def test_divergence_is_reported(mode, qtbot):
    c = mode.controller
    spec = dataclasses.replace(c.experiment.runs[0], hparams={"lr": 1e4})
    c.update(dataset="sine", loss="mse", runs=[spec, c.experiment.runs[1]])
    with qtbot.waitSignal(c.notice, timeout=3000) as blocker:
        c.step(60)
    assert "diverged" in blocker.args[0]
    assert c.sim.runs[0].status == "diverged"
    mode.runs_panel.update_live()
    assert mode.runs_panel.table.item(0, 6).text().startswith("diverged")
    assert c.sim.runs[1].status == "max_epochs"


def test_weight_slice_draws_engine_loss_and_path(mode, qtbot):
    c = mode.controller
    c.step(15)
    mode.slice.set_weights(0, 3)
    va, vb, z = mode.slice.last_grid
    np.testing.assert_allclose(z, c.sim.weight_slice(c.selected, 0, 3, va, vb))
    px, py = mode.slice.path.getData()
    p = c.sim.params[c.selected]
    assert (px[-1], py[-1]) == (p[0], p[3])
    assert len(px) == 16
    assert va[0] <= px.min() and px.max() <= va[-1]
    assert mode.slice.plot.getPlotItem().getAxis("bottom").labelText == "W1[0,0]"


def test_presets_load_and_show_their_story(mode, errors):
    presets = network_presets()
    assert len(presets) >= 10
    for p in presets:
        assert mode.load_preset(p.path), p.path
        assert mode.story_label.text().startswith(f"<b>{p.title}</b>")
        assert mode.controller.sim.t == 0
    assert not errors
    combo = mode.preset_combo
    combo.setCurrentIndex(1)
    combo.activated.emit(1)
    assert mode.story_label.text().startswith(f"<b>{presets[0].title}</b>")


def test_save_open_round_trip_and_bad_file(mode, tmp_path, errors):
    c = mode.controller
    c.update(l2=0.01, hidden=(7,), early_stopping=5)
    f = tmp_path / "net.json"
    assert mode.save_to(f)
    assert json.loads(f.read_text())["mode"] == "network"
    saved = c.experiment
    c.update(hidden=(3,))
    assert mode.open_path(f)
    assert c.experiment == saved
    bad = tmp_path / "bad.json"
    bad.write_text('{"mode": "network", "hidden": "wide"}')
    assert not mode.open_path(bad)
    assert errors and "hidden" in errors[-1]
    assert c.experiment == saved
    surface = tmp_path / "surface.json"
    surface.write_text('{"format": "gdsim-experiment", "version": 1}')
    assert not mode.open_path(surface) and "not a network experiment" in errors[-1]


def test_export_csv_matches_the_trained_experiment(mode, tmp_path):
    c = mode.controller
    c.step(10)
    f = tmp_path / "t.csv"
    mode.export_csv(f)  # the whole experiment, trained to the end
    with open(f, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 2 * 61
    assert float(rows[10]["train_loss"]) == c.sim.record(0)[10, 0]


def test_weights_save_and_load(mode, tmp_path, errors):
    c = mode.controller
    c.step(12)
    f = tmp_path / "w.npz"
    mode.save_weights(f)
    p = c.sim.params[c.selected].copy()
    assert mode.load_weights(f)
    assert c.sim.t == 0
    np.testing.assert_array_equal(c.sim.params, np.repeat(p[None], c.sim.n_runs, axis=0))
    c.update(hidden=(3,))  # no longer fits: fresh weights, with a notice
    assert c.init_weights is None
    assert not mode.load_weights(f)
    assert errors and "shape" in errors[-1]


def test_controller_refuses_bad_experiment_and_keeps_old(qtbot):
    c = NetworkController(small())
    old = c.sim
    with qtbot.waitSignal(c.error, timeout=1000) as blocker:
        assert not c.update(epochs=-3)
    assert "epochs" in blocker.args[0] and c.sim is old
    assert not c.remove_run(7)


def test_main_window_network_tab_swaps_the_toolbars(qtbot, errors):
    from ui.main_window import MainWindow

    mw = MainWindow()
    qtbot.addWidget(mw)
    mw.show()
    qtbot.waitExposed(mw)
    assert mw.network is not None
    assert mw.mode_tabs.tabText(1) == "Network"
    mw.mode_tabs.setCurrentWidget(mw.network)
    assert mw.playback.isHidden() and mw.runs_dock.isHidden()
    assert not mw.network.playback.isHidden()
    mw.network.controller.play()
    mw.mode_tabs.setCurrentIndex(0)
    assert not mw.playback.isHidden() and not mw.runs_dock.isHidden()
    assert not mw.network.controller.playing


def test_small_multiples_show_every_run(mode, qtbot):
    from ui.network.panels import MULTI_GRID, class_image

    c = mode.controller
    c.step(8)
    mode.boundary.all_check.setChecked(True)
    assert mode.boundary.multi.isVisible() and not mode.boundary.plot.isVisible()
    assert len(mode.boundary.cells) == c.sim.n_runs
    for i, (cell, image, _line) in enumerate(mode.boundary.cells):
        _, _, out = c.sim.predict_grid(i, MULTI_GRID, MULTI_GRID, step=8)
        np.testing.assert_array_equal(image.image, class_image(out, 2).transpose(1, 0, 2))
        assert c.sim.runs[i].label in cell.titleLabel.text
    c.update(dataset="sine", loss="mse")  # 1-D data: the fits of all runs in one plot
    assert mode.boundary.plot.isVisible() and not mode.boundary.multi.isVisible()
    c.step(3)
    assert all(f.isVisible() for f in mode.boundary.fits) and len(mode.boundary.fits) == 2
    xs, ys = mode.boundary.fits[1].getData()
    np.testing.assert_allclose(ys, c.sim.predict(1, xs[:, None])[:, 0])
    mode.boundary.all_check.setChecked(False)
    assert mode.boundary.fit.isVisible() and not mode.boundary.fits[0].isVisible()


def test_recolouring_a_run_repaints_every_panel_without_restarting(mode, qtbot,
                                                                   monkeypatch):
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QColorDialog

    from ui.runs_panel import COL_COLOR

    c = mode.controller
    c.select(1)
    c.step(15)
    sim, generation = c.sim, c.generation
    params = sim.params.copy()
    restarts: list = []
    c.reset_done.connect(lambda: restarts.append("reset"))
    c.experiment_changed.connect(lambda: restarts.append("experiment"))
    lines = {k: list(v) for k, v in mode.metrics.lines.items()}
    with qtbot.waitSignal(c.run_color_changed, timeout=1000) as blocker:
        assert c.set_run_color(1, "#112233")
    assert blocker.args == [1] and not restarts
    assert c.sim is sim and sim.t == 15 and c.generation == generation
    np.testing.assert_array_equal(sim.params, params)
    assert c.experiment.runs[1].color == "#112233" and sim.runs[1].spec.color == "#112233"
    # the same plot items, repainted: train (solid) and test (dashed) loss and accuracy, lr
    assert {k: list(v) for k, v in mode.metrics.lines.items()} == lines
    for key in ("loss", "accuracy"):
        for k, style in enumerate((Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine)):
            pen = lines[key][2 + k].opts["pen"]
            assert pen.color().name() == "#112233" and pen.style() == style
        assert lines[key][0].opts["pen"].color().name() != "#112233"
    assert lines["lr"][1].opts["pen"].color().name() == "#112233"
    assert "#112233" in mode.metrics.plots["layers"].getPlotItem().titleLabel.text
    assert "#112233" in mode.boundary.plot.getPlotItem().titleLabel.text
    assert mode.slice.path.opts["pen"].color().name() == "#112233"
    assert mode.runs_panel._item(1, COL_COLOR).background().color().name() == "#112233"
    # through the runs panel's colour picker: same path, still no restart
    monkeypatch.setattr(QColorDialog, "getColor", lambda *a, **k: QColor("#445566"))
    mode.runs_panel.recolor(0)
    assert c.sim is sim and sim.t == 15 and not restarts
    assert lines["loss"][0].opts["pen"].color().name() == "#445566"
    assert not c.set_run_color(0, "not a colour") and c.experiment.runs[0].color == "#445566"
    assert not c.set_run_color(5, "#000000")


def test_recolouring_repaints_fits_and_small_multiples(mode):
    c = mode.controller
    c.step(4)
    mode.boundary.all_check.setChecked(True)
    assert c.set_run_color(0, "#aa0011")
    assert "#aa0011" in mode.boundary.cells[0][0].titleLabel.text
    c.update(dataset="sine", loss="mse")
    c.step(3)
    fit = mode.boundary.fits[1]
    assert c.set_run_color(1, "#00aa11") and c.sim.t == 3
    assert mode.boundary.fits[1] is fit and fit.opts["pen"].color().name() == "#00aa11"
    # a disabled run keeps its colour in the experiment; the trainer's runs are untouched
    runs = list(c.experiment.runs)
    runs[0] = dataclasses.replace(runs[0], enabled=False)
    assert c.update(runs=runs) and c.sim.n_runs == 1
    assert c.set_run_color(0, "#0000ff") and c.experiment.runs[0].color == "#0000ff"
    assert c.sim.runs[0].spec.color == "#00aa11"


# --- smooth Play: expensive pictures throttled while playing, full quality when paused ------
def test_throttle_postpones_calls_within_the_interval_and_flush_is_immediate(qtbot):
    import time

    from ui.plots import Throttle

    calls: list[float] = []
    th = Throttle(lambda: calls.append(time.perf_counter()), 120)
    th()
    assert len(calls) == 1 and not th.pending  # the first call at once
    th()
    th()
    assert len(calls) == 1 and th.pending  # within the interval: one postponed call
    qtbot.waitUntil(lambda: len(calls) == 2, timeout=60_000)
    assert calls[1] - calls[0] >= 0.119
    qtbot.wait(200)
    assert len(calls) == 2  # the two postponed requests made one call
    th()
    th.flush()  # e.g. on pause: now, and the pending call is dropped
    assert len(calls) == 4 and not th.pending
    qtbot.wait(200)
    assert len(calls) == 4


def _record_calls(monkeypatch, sim, name: str) -> list[tuple[float, tuple]]:
    """Wrap ``sim.<name>`` to log (time, (args, kwargs)) of every call."""
    import time

    log: list[tuple[float, tuple]] = []
    orig = getattr(sim, name)

    def wrapped(*a, **k):
        log.append((time.perf_counter(), (a, k)))
        return orig(*a, **k)

    monkeypatch.setattr(sim, name, wrapped)
    return log


def test_play_keeps_every_panel_in_step_and_pause_draws_the_latest_state_in_full(
        mode, qtbot, monkeypatch):
    """Issue 15.4: map, slice, curves and timeline show the same step in every frame of a
    Play (they lagged each other by up to 20 steps when the map and slice were throttled)."""
    from ui.network import panels

    c = mode.controller
    c.set_experiment(small(epochs=100_000))
    slices = _record_calls(monkeypatch, c.sim, "weight_slice")
    maps = _record_calls(monkeypatch, c.sim, "predict_grid")
    frames = []

    def frame():  # connected after the views: runs once they have drawn this frame
        x, _ = mode.metrics.lines["loss"][0].getData()
        frames.append((c.sim.t, mode.boundary._drawn[2], mode.slice._drawn[2], int(x[-1]),
                       mode.timeline.slider.value(), maps[-1][1][1]["step"],
                       slices[-1][1][1]["step"]))

    c.stepped.connect(frame)
    c.set_speed(600)
    c.play()
    qtbot.waitUntil(lambda: len(frames) >= 6, timeout=60_000)
    c.pause()
    c.stepped.disconnect(frame)
    for f in frames:
        assert len(set(f)) == 1, f  # one step everywhere
    assert frames[-1][0] > frames[0][0]
    # the map was drawn on a budgeted Play grid
    assert {m[1][0][1] for m in maps[1:-1]} <= set(range(panels.MAP_MIN_GRID,
                                                         panels.PLAY_GRID + 1))
    # on pause, both at once at full resolution, of the final state
    t = c.sim.t
    (_, (args, kw)) = maps[-1]
    assert args[1:3] == (panels.GRID, panels.GRID) and kw["step"] == t
    img = mode.boundary.image.image
    _, _, out = c.sim.predict_grid(c.selected, panels.GRID, panels.GRID, step=t)
    np.testing.assert_array_equal(img, panels.class_image(out, 2).transpose(1, 0, 2))
    assert f"step {t}" in mode.boundary.plot.getPlotItem().titleLabel.text
    va, vb, z = mode.slice.last_grid
    assert len(va) == len(vb) == panels.SLICE_GRID
    a, b = mode.slice.weights
    np.testing.assert_allclose(z, c.sim.weight_slice(c.selected, a, b, va, vb))
    assert f"step {t}" in mode.slice.plot.getPlotItem().titleLabel.text
    # and nothing more is computed afterwards (no stale postponed redraw)
    n = len(slices)
    qtbot.wait(2 * panels.SLICE_INTERVAL_MS)
    assert len(slices) == n
    # stopped, the curves' step axis fits the data again (no Play headroom)
    (x0, x1), _ = mode.metrics.plots["loss"].getPlotItem().getViewBox().viewRange()
    assert x1 < 1.1 * t


def test_slice_grid_shrinks_to_its_budget_while_playing(mode, qtbot):
    from ui.network import panels

    c = mode.controller
    c.set_experiment(small(epochs=100_000))
    sl = mode.slice
    assert sl.grid_size() == panels.SLICE_GRID
    c.set_speed(50)
    c.play()
    sl._sec_per_point = panels.SLICE_PLAY_BUDGET_S / 15**2  # as if 15x15 fit the budget
    assert sl.grid_size() == 15
    sl._sec_per_point = 1.0  # far too slow: the coarsest grid still shows the landscape
    assert sl.grid_size() == panels.SLICE_MIN_GRID
    c.pause()
    assert sl.grid_size() == panels.SLICE_GRID


def test_metrics_keep_a_range_the_user_zoomed_to(mode):
    c = mode.controller
    c.step(30)
    vb = mode.metrics.plots["lr"].getPlotItem().getViewBox()
    vb.setRange(yRange=(-5, -4), padding=0)
    vb.sigRangeChangedManually.emit([True, True])
    c.step(30)
    assert np.allclose(vb.viewRange()[1], (-5, -4))
    loss_vb = mode.metrics.plots["loss"].getPlotItem().getViewBox()
    y = mode.metrics.lines["loss"][0].getData()[1]  # log10 values
    lo, hi = loss_vb.viewRange()[1]
    assert lo <= np.nanmin(y) and np.nanmax(y) <= hi  # the others still follow the data
