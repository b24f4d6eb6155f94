"""The network diagram draws the engine's node values and weights, and a link's edit changes
exactly that weight of the selected run."""

from __future__ import annotations

import numpy as np
import pytest

from gdsim.experiment import RunSpec
from gdsim.nn.trace import node_values
from gdsim.nn.training import NNExperiment
from ui.network.diagram import GRID
from ui.network.mode import NetworkMode


@pytest.fixture
def mode(qtbot):
    exp = NNExperiment(dataset="circles", samples=80, hidden=(4, 3), epochs=50,
                       runs=[RunSpec("adam", {"lr": 0.05}), RunSpec("sgd", {"lr": 0.3})])
    m = NetworkMode(None, exp)
    qtbot.addWidget(m)
    m.show()
    yield m
    m.controller.pause()


def test_nodes_and_links_show_the_engines_values(mode):
    ctl = mode.controller
    ctl.step(20)
    mode.open_diagram()
    win = mode.diagram_window
    assert [len(c) for c in win.nodes] == [2, 4, 3, 1]
    assert len(win.links) == 2 * 4 + 4 * 3 + 3 * 1
    p, bn = ctl.sim.weights(ctl.selected, ctl.shown_step)
    x0, x1, y0, y1 = ctl.sim.data.domain[:4]
    gx, gy = np.meshgrid(np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID))
    want = node_values(ctl.sim.net, p, bn, np.c_[gx.ravel(), gy.ravel()])
    img = win.nodes[2][1].image  # hidden layer 2, node 1
    np.testing.assert_array_equal(img, want[2][:, 1].reshape(GRID, GRID).T)
    for col in win.nodes:  # every map fills its node's square, whatever its pixel count
        for node in col:
            placed = node.mapRectToParent(node.boundingRect())
            assert placed.width() == pytest.approx(node.node_rect.width())
            assert placed.center().x() == pytest.approx(node.node_rect.center().x())
    link = win.link_at(2, 3, 2)
    assert win.link_tip(link).startswith(f"W2[3,2] = {p[link.k]:.4g}")
    wmax = max(abs(p[lk.k]) for lk in win.links)
    assert link.pen().widthF() == pytest.approx(0.5 + 5 * abs(p[link.k]) / wmax)


def test_editing_a_link_changes_exactly_that_weight_and_training_goes_on(mode):
    ctl = mode.controller
    ctl.step(10)
    mode.open_diagram()
    win = mode.diagram_window
    link = win.link_at(1, 0, 3)
    win.select_link(link)
    assert float(win.edit.text()) == ctl.sim.params[ctl.selected, link.k]
    before = ctl.sim.params.copy()
    win.edit.setText("1.75")
    win.apply_edit()
    diff = np.argwhere(ctl.sim.params != before)
    assert diff.tolist() == [[ctl.selected, link.k]]
    assert "set to 1.75" in win.message.text()
    win.edit.setText("lots")
    win.apply_edit()
    assert "not a number" in win.message.text() and ctl.sim.params[ctl.selected, link.k] == 1.75
    ctl.step(1)
    assert ctl.sim.params[ctl.selected, link.k] != 1.75  # the run continued from the edit


def test_one_sample_tooltips_carry_the_forward_and_backward_numbers(mode):
    from gdsim.nn.trace import sample_trace

    ctl = mode.controller
    ctl.step(5)
    mode.open_diagram()
    win = mode.diagram_window
    win.sample.setValue(7)
    win.one.setChecked(True)
    p, _ = ctl.sim.weights(ctl.selected, ctl.shown_step)
    tr = sample_trace(ctl.sim.net, p, ctl.sim.x_train[7], ctl.sim.t_train[7])
    assert f"∂L/∂z = {tr.dz[1][2]:.4g}" in win.node_tip(1, 2)
    assert f"(sample 7) = {tr.dW[2][1, 0]:.4g}" in win.link_tip(win.link_at(2, 1, 0))
