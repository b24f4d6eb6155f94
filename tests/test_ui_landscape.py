"""The network's loss-landscape window: computed off the UI thread on a snapshot, drawn from
the engine's result, cancellable; errors shown in the window, never raised."""

from __future__ import annotations

import numpy as np
import pytest

from gdsim.experiment import RunSpec
from gdsim.nn import landscape as L
from gdsim.nn.training import NNExperiment
from ui.network.mode import NetworkMode


@pytest.fixture
def mode(qtbot):
    exp = NNExperiment(dataset="moons", samples=80, hidden=(5,), epochs=40,
                       runs=[RunSpec("adam", {"lr": 0.05}), RunSpec("sgd", {"lr": 0.3})])
    m = NetworkMode(None, exp)
    qtbot.addWidget(m)
    m.show()
    yield m
    m.controller.pause()


def test_landscape_window_draws_the_engines_grid_and_every_path(mode, qtbot):
    mode.controller.step(30)
    mode.open_landscape()
    win = mode.landscape_window
    assert win.isVisible()
    win.side.setCurrentIndex(0)  # 21 × 21
    win.start()
    qtbot.waitUntil(lambda: win.result is not None, timeout=20_000)
    ls = win.result
    want = L.landscape(mode.controller.sim, mode.controller.selected, n=21)
    np.testing.assert_array_equal(ls.loss, want.loss)  # the engine's numbers, snapshot or not
    assert len(win.paths) == 2
    x, y = win.paths[1].getData()
    np.testing.assert_array_equal(np.c_[x, y], want.paths[1])
    assert win.compute.isEnabled() and not win.cancel.isEnabled()
    assert "Training objective" in win.status.text()


def test_pca_before_training_says_why_in_the_window(mode, qtbot):
    mode.open_landscape()
    win = mode.landscape_window
    win.mode.setCurrentIndex(1)
    win.start()
    qtbot.waitUntil(lambda: win.compute.isEnabled(), timeout=20_000)
    assert win.result is None and "train a little" in win.status.text()


def test_cancel_drops_the_computation(mode, qtbot):
    mode.controller.step(10)
    mode.open_landscape()
    win = mode.landscape_window
    win.side.setCurrentIndex(2)  # 81 × 81
    win.start()
    win.stop()
    assert win.compute.isEnabled() and win.status.text() == "Cancelled."
    qtbot.wait(300)
    assert win.result is None
