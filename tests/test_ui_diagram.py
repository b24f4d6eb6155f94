"""The network diagram draws the engine's node values and weights, and a link's edit changes
exactly that weight of the selected run."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF, Qt

from gdsim.experiment import RunSpec
from gdsim.nn.trace import node_values, sample_trace
from gdsim.nn.training import NNExperiment
from ui.network.diagram import GRID
from ui.network.mode import NetworkMode


@pytest.fixture
def mode(qtbot, isolated_app_state):
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
    win = mode.diagram_panel
    assert [len(c) for c in win.nodes] == [2, 4, 3, 1]
    assert len(win.links) == 2 * 4 + 4 * 3 + 3 * 1
    p, bn = ctl.sim.weights(ctl.selected, ctl.shown_step)
    x0, x1, y0, y1 = ctl.sim.data.domain[:4]
    gx, gy = np.meshgrid(np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID))
    want = node_values(ctl.sim.net, p, bn, np.c_[gx.ravel(), gy.ravel()])
    m = want[2][:, 1].reshape(GRID, GRID)  # hidden layer 2, node 1 (row = grid y)
    np.testing.assert_array_equal(win.node_map(2, 1), m)
    # painted: the diverging colour map, symmetric about 0 at the layer's largest |value|
    lo = -np.abs(m).max()
    idx = np.clip(((m - lo) / (-2 * lo)) * 255 + 0.5, 0, 255).astype(int)
    np.testing.assert_array_equal(win.node_pixels(2, 1), win._lut[idx])
    # every tile lies in its node's square: the atlas pixel at a node's centre is its map's
    atlas = win.atlas
    for col in win.nodes:
        for node in col:
            c = atlas.mapFromParent(node.node_rect.center())
            got = win._rgba[int(c.y()), int(c.x())]
            tile = win.node_pixels(node.layer, node.n)
            assert got.tolist() == tile[GRID // 2, GRID // 2].tolist()
            assert atlas.mapRectToParent(QRectF(c.x() - GRID / 2, c.y() - GRID / 2, GRID,
                                                GRID)).width() == pytest.approx(1.0)
    link = win.link_at(2, 3, 2)
    assert win.link_tip(link).startswith(f"W2[3,2] = {p[link.k]:.4g}")
    wmax = max(abs(p[lk.k]) for lk in win.links)
    assert link.pen().widthF() == pytest.approx(0.5 + 5 * abs(p[link.k]) / wmax, abs=0.126)
    colour = "#d55e00" if p[link.k] < 0 else "#0072b2"
    assert link.pen().color().name() == colour


def test_editing_a_link_changes_exactly_that_weight_and_training_goes_on(mode):
    ctl = mode.controller
    ctl.step(10)
    mode.open_diagram()
    win = mode.diagram_panel
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
    ctl = mode.controller
    ctl.step(5)
    mode.open_diagram()
    win = mode.diagram_panel
    win.sample.setValue(7)
    win.one.setChecked(True)
    assert ctl.inspected == 7
    p, _ = ctl.sim.weights(ctl.selected, ctl.shown_step)
    tr = sample_trace(ctl.sim.net, p, ctl.sim.x_train[7], ctl.sim.t_train[7])
    assert f"∂L/∂z = {tr.dz[1][2]:.4g}" in win.node_tip(1, 2)
    assert f"(sample 7) = {tr.dW[2][1, 0]:.4g}" in win.link_tip(win.link_at(2, 1, 0))


def click_map(qtbot, mode, x: float, y: float, modifier=Qt.KeyboardModifier.NoModifier):
    """A real mouse click on the decision map at data point (x, y)."""
    view = mode.boundary.plot
    vb = view.getPlotItem().vb
    pos = view.mapFromScene(vb.mapViewToScene(QPointF(x, y)))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier, pos)


def test_ctrl_click_on_a_training_point_inspects_exactly_that_sample(qtbot, mode):
    ctl = mode.controller
    ctl.step(12)
    d = ctl.sim.data
    n0 = len(d.x_train)
    k = 13
    x, y = d.x_train[k]
    click_map(qtbot, mode, x, y, Qt.KeyboardModifier.ControlModifier)
    assert ctl.inspected == k and len(ctl.sim.data.x_train) == n0  # no point was added
    panel = mode.diagram_panel  # inspecting shows the diagram beside the map
    assert panel is not None and panel.isVisible()
    assert panel.one.isChecked() and panel.sample.value() == k
    ring = mode.boundary.inspected_pt.getData()
    assert (ring[0][0], ring[1][0]) == (x, y)
    p, _ = ctl.sim.weights(ctl.selected, ctl.shown_step)
    want = sample_trace(ctl.sim.net, p, ctl.sim.x_train[k], ctl.sim.t_train[k])
    got = panel._trace
    for layer in range(1, len(want.z)):
        np.testing.assert_array_equal(got.z[layer], want.z[layer])
        np.testing.assert_array_equal(got.a[layer], want.a[layer])
        np.testing.assert_array_equal(got.dz[layer], want.dz[layer])
        np.testing.assert_array_equal(got.dW[layer], want.dW[layer])
    assert f"z = {want.z[1][2]:.4g} → a = {want.a[1][2]:.4g}" in panel.node_tip(1, 2)
    assert f"∂L/∂z = {want.dz[2][0]:.4g}" in panel.node_tip(2, 0)
    assert f"= {want.dW[2][3, 1]:.4g}" in panel.link_tip(panel.link_at(2, 3, 1))
    # a plain click still edits the data; with Inspect on it inspects instead
    click_map(qtbot, mode, 0.0, 0.0)
    assert len(ctl.sim.data.x_train) == n0 + 1
    mode.boundary.inspect_button.setChecked(True)
    j = 5
    click_map(qtbot, mode, *ctl.sim.data.x_train[j])
    assert ctl.inspected == j and len(ctl.sim.data.x_train) == n0 + 1


def test_a_click_far_from_every_point_inspects_nothing(qtbot, mode):
    ctl = mode.controller
    mode.boundary.inspect_button.setChecked(True)
    ctl.inspect(3)
    d = ctl.sim.data
    x0, x1, y0, y1 = d.domain[:4]
    gx, gy = np.meshgrid(np.linspace(x0, x1, 15), np.linspace(y0, y1, 15))
    far = np.c_[gx.ravel(), gy.ravel()]
    dist = np.min(np.hypot(*(far[:, None, :] - d.x_train[None, :, :2]).transpose(2, 0, 1)),
                  axis=1)
    x, y = far[np.argmax(dist)]
    n0 = len(d.x_train)
    click_map(qtbot, mode, x, y)
    assert ctl.inspected == 3 and len(ctl.sim.data.x_train) == n0


def test_the_panel_is_docked_beside_the_map_and_remembered(qtbot, mode):
    from PySide6.QtCore import QSettings

    button = mode.buttons["diagram"]
    button.click()
    panel = mode.diagram_panel
    assert panel.isVisible() and button.isChecked() and not panel.isWindow()
    assert panel.window() is mode.window() and panel.parent() is mode.map_splitter
    assert mode.map_splitter.indexOf(mode.boundary) == 0
    assert mode.map_splitter.indexOf(panel) == 1
    assert QSettings().value("network/diagramShown") in (True, "true")
    again = NetworkMode(None, mode.controller.experiment)  # the next start shows it again
    qtbot.addWidget(again)
    assert again.diagram_panel is not None and again.buttons["diagram"].isChecked()
    button.click()
    assert panel.isHidden() and QSettings().value("network/diagramShown") in (False, "false")


def test_a_hidden_panel_does_not_refresh_and_catches_up_when_shown(qtbot, mode):
    ctl = mode.controller
    mode.show_diagram(True)
    panel = mode.diagram_panel
    before = panel.frames
    ctl.step(3)
    assert panel.frames > before
    mode.show_diagram(False)
    hidden = panel.frames
    ctl.step(5)
    ctl.select(1)
    ctl.reset()
    ctl.step(4)
    assert panel.frames == hidden
    mode.show_diagram(True)
    assert panel.frames == hidden + 1  # one refresh, of the latest state
    p, _ = ctl.sim.weights(ctl.selected, ctl.shown_step)
    np.testing.assert_array_equal(panel._p, p)


def test_digits_show_plain_nodes_and_the_samples_values(qtbot, isolated_app_state):
    exp = NNExperiment(dataset="digits", samples=120, hidden=(6,), epochs=5, loss="ce",
                       runs=[RunSpec("adam", {"lr": 0.01})])
    m = NetworkMode(None, exp)
    qtbot.addWidget(m)
    m.show()
    m.show_diagram(True)
    panel = m.diagram_panel
    assert panel.maps is None and [len(c) for c in panel.nodes] == [16, 6, 10]
    assert panel.node_pixels(1, 0)[0, 0].tolist() == [221, 221, 221, 255]
    m.controller.inspect(4)
    assert panel._trace is not None and "Sample 4" in panel.message.text()
    a = panel._trace.a[1][0]
    u = (np.clip(a, -1, 1) + 1) / 2
    assert panel.node_pixels(1, 0)[3, 3].tolist() == panel._lut[int(u * 255 + 0.5)].tolist()
    m.controller.pause()


def test_while_playing_the_panel_draws_at_most_thirty_frames_a_second(qtbot, mode):
    from ui.network.diagram import DIAGRAM_FPS

    ctl = mode.controller
    mode.show_diagram(True)
    panel = mode.diagram_panel
    assert panel.throttle.interval_ms == pytest.approx(1000 / DIAGRAM_FPS)
    ctl.sim.step(1)
    ctl.play()
    frames = panel.frames
    t0 = time.perf_counter()
    for _ in range(40):  # forty ticks as fast as they come
        ctl.stepped.emit()
    elapsed = time.perf_counter() - t0
    assert panel.frames - frames <= elapsed * DIAGRAM_FPS + 1  # one a 1/30 s at most
    if panel.frames - frames == 1:  # (one refresh slower than 1/30 s lets the next go)
        assert panel.throttle.pending  # the latest state waits for its turn
    qtbot.waitUntil(lambda: not panel.throttle.pending, timeout=2000)
    ctl.pause()  # a pause draws the last state at once
    p, _ = ctl.sim.weights(ctl.selected, ctl.shown_step)
    np.testing.assert_array_equal(panel._p, p)
