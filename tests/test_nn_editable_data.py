"""Editable data (issue 10.4): engine functions, clicks on the decision map, Regenerate,
and the edited points saved with the network experiment (pytest-qt)."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from gdsim.errors import GdsimError
from gdsim.nn.datasets import (
    make_dataset,
    points_dict,
    with_point,
    with_points,
    without_nearest,
)
from gdsim.nn.io import experiment_from_dict, experiment_to_dict
from gdsim.nn.training import NNExperiment, Trainer, build_dataset
from gdsim.simulation import RunSpec
from ui.network.mode import NetworkMode


# --- engine -------------------------------------------------------------------------------
def test_with_point_appends_one_training_row():
    d = make_dataset("moons", 40, seed=1)
    e = with_point(d, 0.25, -0.5, 1)
    assert len(e.x_train) == len(d.x_train) + 1
    np.testing.assert_array_equal(e.x_train[:-1], d.x_train)
    np.testing.assert_array_equal(e.x_train[-1], [0.25, -0.5])
    assert e.y_train[-1] == 1.0
    np.testing.assert_array_equal(e.x_test, d.x_test)
    assert len(d.x_train) == 32  # the original is untouched
    with pytest.raises(GdsimError, match="out of range"):
        with_point(d, 0, 0, 2)
    with pytest.raises(GdsimError, match="2-D data only"):
        with_point(make_dataset("sine", 20), 0, 0, 0)


def test_without_nearest_removes_the_nearest_within_radius():
    d = make_dataset("spiral:classes=3", 30, seed=2)
    x, y = d.x_train[7]
    e = without_nearest(d, x + 1e-3, y)
    assert len(e.x_train) == len(d.x_train) - 1
    np.testing.assert_array_equal(e.x_train, np.delete(d.x_train, 7, axis=0))
    np.testing.assert_array_equal(e.y_train, np.delete(d.y_train, 7))
    assert without_nearest(d, 50.0, 50.0, radius=1.0) is d  # nothing near: unchanged
    one = dataclasses.replace(d, x_train=d.x_train[:1], y_train=d.y_train[:1])
    with pytest.raises(GdsimError, match="last training point"):
        without_nearest(one, 0, 0)


def test_points_round_trip_and_validation():
    d = with_point(make_dataset("circles", 30, seed=3), 0.1, 0.2, 0)
    e = with_points(make_dataset("circles", 30, seed=9), json.loads(json.dumps(points_dict(d))))
    for k in ("x_train", "y_train", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(e, k), getattr(d, k))
    bad = points_dict(d)
    bad["y_train"][0] = 5
    with pytest.raises(GdsimError, match="class labels"):
        with_points(d, bad)
    with pytest.raises(GdsimError, match="missing"):
        with_points(d, {"x_train": []})


def test_experiment_with_data_builds_and_round_trips():
    d = with_point(make_dataset("moons", 40, seed=0), 1.0, 1.0, 0)
    exp = NNExperiment(dataset="moons", samples=40, data=points_dict(d))
    np.testing.assert_array_equal(build_dataset(exp).x_train, d.x_train)
    back = experiment_from_dict(json.loads(json.dumps(experiment_to_dict(exp))))
    assert back == exp
    old = experiment_to_dict(NNExperiment(dataset="moons"))
    del old["data"], old["data_seed"]  # a file written before editable data
    assert experiment_from_dict(old).data is None
    # a new data seed: other points, same sizes
    a = build_dataset(NNExperiment(dataset="moons", samples=40))
    b = build_dataset(NNExperiment(dataset="moons", samples=40, data_seed=7))
    assert a.x_train.shape == b.x_train.shape and not np.array_equal(a.x_train, b.x_train)


# --- UI -----------------------------------------------------------------------------------
@pytest.fixture
def mode(qtbot, errors):
    exp = NNExperiment(dataset="moons", samples=60, hidden=(5,), activation="tanh",
                       loss="bce", runs=[RunSpec("adam", {"lr": 0.02})], epochs=30)
    m = NetworkMode(None, exp)
    qtbot.addWidget(m)
    m.resize(1400, 900)
    m.show()
    qtbot.waitExposed(m)
    yield m
    m.controller.pause()


def click_at(qtbot, view, x, y, button=Qt.MouseButton.LeftButton,
             modifier=Qt.KeyboardModifier.NoModifier):
    """Click the map at data coordinates (x, y); returns the data point the pixel maps to."""
    vb = view.plot.getPlotItem().vb
    pos = view.plot.mapFromScene(vb.mapViewToScene(QPointF(x, y)))
    qtbot.mouseClick(view.plot.viewport(), button, modifier, pos=pos)
    p = vb.mapSceneToView(view.plot.mapToScene(pos))
    return p.x(), p.y()


def test_click_adds_a_point_of_the_chosen_class(mode, qtbot):
    c, view = mode.controller, mode.boundary
    c.step(3)
    n = len(c.sim.data.x_train)
    view.class_spin.setValue(1)
    x, y = click_at(qtbot, view, 0.3, -0.2)
    d = c.sim.data
    assert len(d.x_train) == n + 1 and c.sim.t == 0
    np.testing.assert_allclose(d.x_train[-1], [x, y], rtol=0, atol=1e-9)
    assert d.y_train[-1] == 1
    # the map shows the new point
    px, py = view.train_pts.getData()
    assert len(px) == n + 1 and (px[-1], py[-1]) == (d.x_train[-1, 0], d.x_train[-1, 1])


def test_shift_click_adds_the_other_class(mode, qtbot):
    c, view = mode.controller, mode.boundary
    assert view.class_spin.value() == 0
    n = len(c.sim.data.x_train)
    click_at(qtbot, view, 0.0, 0.5, modifier=Qt.KeyboardModifier.ShiftModifier)
    assert len(c.sim.data.x_train) == n + 1 and c.sim.data.y_train[-1] == 1


def test_right_click_removes_the_nearest_point(mode, qtbot):
    c, view = mode.controller, mode.boundary
    d = c.sim.data
    n = len(d.x_train)
    x, y = d.x_train[5]
    click_at(qtbot, view, x, y, Qt.MouseButton.RightButton)
    e = c.sim.data
    assert len(e.x_train) == n - 1
    np.testing.assert_array_equal(e.x_train, np.delete(d.x_train, 5, axis=0))
    lo = e.domain  # far from any point: nothing removed
    click_at(qtbot, view, lo[0] + 1e-3 * (lo[1] - lo[0]), lo[3] - 1e-3 * (lo[3] - lo[2]),
             Qt.MouseButton.RightButton)
    assert len(c.sim.data.x_train) == n - 1


def test_regenerate_changes_points_and_keeps_sizes(mode, qtbot):
    c, view = mode.controller, mode.boundary
    d = c.sim.data
    qtbot.mouseClick(view.regenerate_button, Qt.MouseButton.LeftButton)
    e = c.sim.data
    assert e.x_train.shape == d.x_train.shape and e.x_test.shape == d.x_test.shape
    assert not np.array_equal(e.x_train, d.x_train)
    assert c.experiment.data_seed is not None


def test_noise_and_test_fraction_sliders_drop_edits(mode, qtbot):
    c = mode.controller
    c.add_point(0.0, 0.0, 1)
    assert c.experiment.data is not None
    assert c.update(test_fraction=0.5)
    assert c.experiment.data is None
    assert len(c.sim.data.x_test) == 30
    assert c.update(noise=0.3)
    assert c.experiment.noise == 0.3 and c.experiment.data is None


def test_save_and_open_round_trip_the_edited_points(mode, qtbot, tmp_path):
    c, view = mode.controller, mode.boundary
    click_at(qtbot, view, 0.2, 0.2)
    click_at(qtbot, view, -0.4, 0.1, modifier=Qt.KeyboardModifier.ShiftModifier)
    x, y = c.sim.data.x_train[0]
    click_at(qtbot, view, x, y, Qt.MouseButton.RightButton)
    d = c.sim.data
    path = tmp_path / "edited.json"
    assert mode.save_to(path)
    saved = json.loads(path.read_text())
    assert len(saved["data"]["x_train"]) == len(d.x_train)
    c.update(noise=0.2)  # other data
    assert mode.open_path(path)
    e = c.sim.data
    for k in ("x_train", "y_train", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(e, k), getattr(d, k))
    assert Trainer(c.experiment).data.x_train.shape == d.x_train.shape


def test_render_after_clicks(mode, qtbot):
    view = mode.boundary
    for k, (x, y) in enumerate([(0.0, 0.8), (0.2, 0.8), (-0.2, -0.6)]):
        view.class_spin.setValue(k % 2)
        click_at(qtbot, view, x, y)
    mode.controller.step(30)
    mode.grab().save("/tmp/net_editable.png")
