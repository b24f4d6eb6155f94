"""Issue 15 in the Network tab: early-stopping scores, hover readout, colour bar, legends,
axes, panels, user CSVs, test data, messages and the achieved training rate (pytest-qt)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF
from test_ui_network import small

from gdsim.nn.io import save_weights
from gdsim.nn.network import Architecture, Network
from gdsim.nn.training import TEST_ACC, TRAIN_LOSS, NNExperiment
from gdsim.simulation import RunSpec
from ui.network import panels
from ui.network.mode import NetworkMode
from ui.runs_panel import COL_LOSS


@pytest.fixture
def mode(qtbot, errors):
    m = NetworkMode(None, small())
    qtbot.addWidget(m)
    m.resize(1400, 900)
    m.show()
    qtbot.waitExposed(m)
    yield m
    m.controller.pause()


def iris_like(tmp_path, n=45, name="iris.csv"):
    species = ("setosa", "versicolor", "virginica")
    rng = np.random.default_rng(0)
    lines = ["sl,sw,pl,pw,species"]
    for i in range(n):
        k = i % 3
        x = rng.normal(size=4) * 0.3 + k
        lines.append(",".join(f"{v:.4f}" for v in x) + f",{species[k]}")
    p = tmp_path / name
    p.write_text("\n".join(lines) + "\n")
    return p


def test_early_stopped_run_reports_the_restored_weights_everywhere(mode, qtbot):
    c = mode.controller
    c.set_experiment(NNExperiment(
        dataset="moons", samples=60, noise=0.4, hidden=(64, 64), test_fraction=0.5,
        loss="bce", runs=[RunSpec("adam", {"lr": 0.03})], epochs=400, early_stopping=15,
        seed=1))
    c.step(400)
    run = c.sim.runs[0]
    assert run.status == "early_stopped"
    best = c.sim.record(0)[run.best_step]
    last = c.sim.record(0)[-1]
    assert best[TEST_ACC] != last[TEST_ACC]  # the case the issue describes
    mode.boundary.throttle.flush()
    title = mode.boundary.plot.getPlotItem().titleLabel.text
    assert f"test acc {100 * best[TEST_ACC]:.1f}%" in title
    assert f"weights of step {run.best_step} restored" in title
    mode.runs_panel.update_live()
    assert mode.runs_panel.table.item(0, COL_LOSS).text() == f"{best[TRAIN_LOSS]:.5g}"
    # the slice's dot sits at the restored weights
    a, b = mode.slice.weights
    p, _ = c.sim.weights(0)
    x, y = mode.slice.head.getData()
    assert (x[0], y[0]) == (p[a], p[b])
    # the validation rows are drawn (they train no more) and named
    assert mode.boundary.val_pts.isVisible() and len(mode.boundary.val_pts.data) == 6


def test_hover_readout_clears_and_never_wraps(mode, qtbot):
    c = mode.controller
    c.step(10)
    m = mode.metrics
    assert not m.hover_label.wordWrap()
    vb = m.plots["loss"].getPlotItem().getViewBox()
    yc = vb.viewRect().center().y()
    m._hover("loss", vb.mapViewToScene(QPointF(5, yc)))
    assert "step 5" in m.hover_label.text()
    # leaving the plot clears it
    m.eventFilter(m.plots["loss"], QEvent(QEvent.Type.Leave))
    assert m.hover_label.text().strip() == ""
    # a point over the axis (outside the view box) clears it too
    m._hover("loss", vb.mapViewToScene(QPointF(5, yc)))
    m._hover("loss", QPointF(-100, -100))
    assert m.hover_label.text().strip() == ""
    # so do reset and a new experiment
    m._hover("loss", vb.mapViewToScene(QPointF(5, yc)))
    assert "step 5" in m.hover_label.text()
    c.reset()
    assert m.hover_label.text().strip() == ""
    m._hover("loss", vb.mapViewToScene(vb.viewRect().center()))
    assert "step" in m.hover_label.text()
    c.update(hidden=(4,))
    assert m.hover_label.text().strip() == ""


def test_run_legend_names_every_run_and_toggles(mode):
    c = mode.controller
    legend = mode.metrics.run_legend
    for run in c.sim.runs:
        assert run.label in legend.text() and run.spec.color in legend.text()
    mode.metrics.legend_check.setChecked(False)
    assert not legend.isVisible()
    mode.metrics.legend_check.setChecked(True)
    assert legend.isVisible()
    c.set_run_color(1, "#123456")
    assert "#123456" in legend.text()


def test_layer_colours_in_the_title_not_over_the_curves_and_accuracy_to_one(mode):
    mode.controller.step(5)
    pi = mode.metrics.plots["layers"].getPlotItem()
    assert pi.legend is None  # no legend box drawn over the curves
    title = pi.titleLabel.text
    assert "L1" in title and "out" in title and panels.LAYER_COLORS[0] in title
    acc = mode.metrics.plots["accuracy"].getPlotItem()
    labels = [text for _v, text in acc.getAxis("left")._tickLevels[0]]
    assert labels[-1] == "1.0"
    assert acc.getViewBox().viewRange()[1][1] >= 1.0


def test_slice_path_stays_off_the_edge(mode):
    c = mode.controller
    for _ in range(12):
        c.step(5)
        mode.slice.throttle.flush()
        r = mode.slice._range
        _, path = c.sim.weight_history(c.selected, *mode.slice.weights)
        mx, my = 0.05 * (r[1] - r[0]), 0.05 * (r[3] - r[2])
        assert r[0] + mx <= path[:, 0].min() and path[:, 0].max() <= r[1] - mx
        assert r[2] + my <= path[:, 1].min() and path[:, 1].max() <= r[3] - my


def test_colorbar_labels_read_loss_values_even_in_a_narrow_range():
    ticks = panels.colorbar_ticks(0.25730, 0.25731, False, 1.0)
    texts = [t for _p, t in ticks]
    assert len(set(texts)) == len(texts) == panels.COLORBAR_TICKS
    assert float(texts[0]) == pytest.approx(0.2573, abs=1e-9)
    # log colours: labels are losses (not loss − min); positions are their colour coordinate
    lo, hi, delta = 1.0986, 1.2, 1e-5
    for pos, text in panels.colorbar_ticks(lo, hi, True, delta):
        v = float(text)
        assert lo <= v <= hi + 1e-9
        assert pos == pytest.approx(np.log10(v - lo + delta))


def test_log_slice_has_no_palest_streak(qtbot):
    import pyqtgraph as pg

    from ui.plots import heatmap_items, make_plot

    w = make_plot("t")
    qtbot.addWidget(w)
    image, bar, iso = heatmap_items(w.getPlotItem(), 12)
    xs = np.linspace(-1, 1, 31)
    # a narrow valley along y = x: the skewed case that drew a jagged white streak
    z = 0.26 + 5 * (xs[None, :] - xs[:, None]) ** 2 + 0.01 * xs[None, :] ** 2
    assert panels.draw_slice(image, bar, iso, xs, xs, z).is_log
    t = image.image
    lo, hi = bar.levels()
    # the lowest 1 % of the grid spans a sliver of the colours, not decades of them (with
    # δ = 1e-5 of the range it took 40 %: a jagged streak of the palest colour)
    assert (np.quantile(t, 0.01) - lo) / (hi - lo) < 0.15
    assert isinstance(bar.axis, pg.AxisItem) and len(bar.axis._tickLevels[0]) >= 3


def test_three_class_boundaries_are_smooth(mode):
    c = mode.controller
    c.set_experiment(small(dataset="spiral:classes=3", loss="ce", hidden=(16,)))
    c.step(30)
    mode.boundary.throttle.flush()
    x, y = mode.boundary.boundary.getData()
    ok = np.isfinite(x) & np.isfinite(y)
    assert ok.sum() > 20
    dom = c.sim.data.domain
    gx = (x[ok] - dom[0]) / ((dom[1] - dom[0]) / (panels.GRID - 1))
    gy = (y[ok] - dom[2]) / ((dom[3] - dom[2]) / (panels.GRID - 1))
    on_half_grid = (np.abs(2 * gx - np.round(2 * gx)) < 1e-6) & (
        np.abs(2 * gy - np.round(2 * gy)) < 1e-6)
    assert on_half_grid.mean() < 0.2  # a staircase has every vertex there


def test_wide_csv_shows_a_confusion_matrix_and_the_label_mapping(mode, tmp_path, errors):
    assert mode.editors.load_csv(str(iris_like(tmp_path))), errors
    c = mode.controller
    assert c.sim.arch.widths[0] == 4 and c.experiment.loss == "ce"
    assert "setosa → 0" in mode.editors.data_info.text()
    c.step(20)
    mode.boundary.throttle.flush()
    b = mode.boundary
    assert b.kind == "confusion" and b.image.isVisible()
    m = c.sim.confusion(c.selected)
    assert m.sum() == len(c.sim.data.x_test)
    assert [t.toPlainText() for t in b.cells_text] == [str(v) for v in m.ravel()]
    assert "confusion matrix" in b.plot.getPlotItem().titleLabel.text


def test_open_test_data_bad_file_keeps_the_data(mode, tmp_path, errors):
    train = iris_like(tmp_path)
    assert mode.editors.load_csv(str(train))
    c = mode.controller
    before = c.sim.data
    bad = tmp_path / "bad.csv"
    bad.write_text("sl,sw,pl,pw,species\n1,2,3,4,setosa\n1,2,x,4,setosa\n")
    assert not mode.open_test_data(bad)
    assert "bad.csv: line 3: 'x' is not a number" in errors[-1]
    assert c.sim.data is before and c.experiment.test_file is None
    good = iris_like(tmp_path, 9, "test.csv")
    assert mode.open_test_data(good)
    assert c.experiment.test_file == str(good)
    assert len(c.sim.data.x_train) == 45 and len(c.sim.data.x_test) == 9


def test_messages_name_no_flags_and_weights_say_what_the_file_holds(mode, tmp_path, errors):
    ed = mode.editors.hidden_edit
    ed.setText("4,x")
    ed.editingFinished.emit()
    msg = mode.editors.net_box.error.text()
    assert "'x' is not a width" in msg and "--" not in msg
    f = tmp_path / "w.npz"
    big = Network(Architecture(2, (16,), 1))
    save_weights(f, big, np.zeros(big.size), np.zeros(0))
    assert not mode.load_weights(f)
    assert "the file holds a 2-16-1 network" in errors[-1]


def test_reset_clears_finished_and_other_data_clears_the_preset_story(mode, tmp_path, qtbot):
    c = mode.controller
    c.set_experiment(small(epochs=3))
    c.set_speed(1000)
    c.play()
    qtbot.waitUntil(lambda: not c.playing, timeout=10_000)
    assert "Finished at step 3" in mode.status_label.text()
    c.reset()
    assert "Finished" not in mode.status_label.text()
    from ui.network.mode import network_presets

    preset = network_presets()[0]
    assert mode.load_preset(preset.path)
    assert mode.story_label.isVisible()
    c.reset()
    assert mode.story_label.isVisible()  # same experiment: its story still holds
    assert mode.editors.load_csv(str(iris_like(tmp_path)))
    assert not mode.story_label.isVisible() and mode.story_label.text() == ""
    assert mode.preset_combo.currentIndex() == 0


def test_achieved_rate_is_shown_while_playing(mode, qtbot):
    c = mode.controller
    c.set_experiment(small(epochs=100_000))
    c.set_speed(100_000)
    with qtbot.waitSignal(c.rate_changed, timeout=10_000,
                          check_params_cb=lambda r: r > 0):
        c.play()
    assert "achieved" in mode.rate_label.text() and "steps/s" in mode.rate_label.text()
    c.pause()
    assert mode.rate_label.text() == ""


def test_feature_toggles_change_the_inputs_and_are_saved(mode, tmp_path, errors):
    """Issue 10.3: input features as toggles; the network's input width follows; saved."""
    import json

    c = mode.controller
    boxes = mode.editors.feature_checks
    assert boxes["x1"].isChecked() and boxes["x2"].isChecked()
    assert boxes["x1^2"].objectName() == "featureX1Sq"
    boxes["x1^2"].setChecked(True)
    assert c.experiment.features == ("x1", "x2", "x1^2")
    assert c.sim.arch.widths[0] == 3 and "3-5-1" in mode.editors.arch_label.text()
    np.testing.assert_array_equal(c.sim.x_train[:, 2], c.sim.data.x_train[:, 0] ** 2)
    boxes["x1^2"].setChecked(False)
    assert c.experiment.features is None  # x₁, x₂ alone: the raw inputs
    boxes["x1"].setChecked(False)
    boxes["x2"].setChecked(False)  # nothing left: refused, the previous inputs stay
    assert "at least one input feature" in mode.editors.net_box.error.text()
    assert c.experiment.features == ("x2",) and boxes["x2"].isChecked()
    path = tmp_path / "e.json"
    assert mode.save_to(path)
    assert json.loads(path.read_text())["features"] == ["x2"]
    c.update(dataset="sine", loss="mse", features=None)
    assert not boxes["x1"].isEnabled()
