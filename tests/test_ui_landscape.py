"""The network's loss-landscape window: computed off the UI thread on a snapshot, drawn from
the engine's result, cancellable; errors shown in the window, never raised."""

from __future__ import annotations

import shutil
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from xvfb_script import run_gl_script

from gdsim.experiment import RunSpec
from gdsim.nn import landscape as L
from gdsim.nn.training import NNExperiment
from ui.network.mode import NetworkMode

ROOT = Path(__file__).resolve().parent.parent


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


def test_3d_view_offscreen_shows_a_notice_and_contour_still_works(mode, qtbot):
    from PySide6.QtWidgets import QLabel

    from ui.view3d import NOTICE

    mode.controller.step(20)
    mode.open_landscape()
    win = mode.landscape_window
    win.side.setCurrentIndex(0)
    win.show_3d.click()  # before any result: the page shows, the notice replaces the GL view
    assert win.pages.currentWidget() is win.view3d
    notice = win.view3d.findChild(QLabel, "view3dNotice")
    assert notice is not None and notice.text() == NOTICE
    qtbot.waitUntil(notice.isVisible)  # shown by the layout on the next event loop pass
    assert win.view3d.gl_view is None
    win.start()
    qtbot.waitUntil(lambda: win.result is not None, timeout=20_000)  # drawing it is harmless
    assert win.view3d.gl_view is None and win.view3d.ensure_view() is False
    win.show_contour.click()
    assert win.pages.currentWidget() is win.plot and len(win.paths) == 2


GL_SCRIPT = textwrap.dedent(
    """
    import json, sys, time
    import numpy as np
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from gdsim.experiment import RunSpec
    from gdsim.nn.training import NNExperiment
    from ui.network.mode import NetworkMode
    exp = NNExperiment(dataset="moons", samples=80, hidden=(5,), epochs=40,
                       runs=[RunSpec("adam", {"lr": 0.05}, color="#d55e00"),
                             RunSpec("sgd", {"lr": 0.3}, color="#0072b2")])
    m = NetworkMode(None, exp); m.resize(900, 700); m.show()
    m.controller.step(30)
    m.open_landscape()
    win = m.landscape_window
    win.side.setCurrentIndex(0)
    win.mode.setCurrentIndex(1)  # PCA: the paths cross the plane
    win.start()
    t0 = time.time()
    while win.result is None and time.time() - t0 < 60:
        app.processEvents(); time.sleep(0.02)
    win.show_3d.click()
    for _ in range(10): app.processEvents()
    v = win.view3d
    out = {"gl": v.gl_view is not None, "notice": v.notice is not None}
    if v.gl_view is not None:
        img = v.gl_view.grabFramebuffer(); img.save(sys.argv[1])
        arr = np.array([[img.pixelColor(x, y).getRgb()[:3] for x in range(0, img.width(), 3)]
                        for y in range(0, img.height(), 3)])
        ls = win.result
        path = ls.paths[0]
        want = v._heights(ls.on_grid(path)) + 0.01 * v._heights.height
        got = v.path_data(0)
        out.update({
            "lines": len(v._lines), "rows": len(got), "path_rows": len(path),
            "xy_ok": bool(np.allclose(got[:, :2], path, rtol=1e-6, atol=1e-6)),
            "z_ok": bool(np.allclose(got[:, 2], want, rtol=1e-5, atol=1e-6)),
            "colors": int(len(np.unique(arr.reshape(-1, 3), axis=0))),
            "orange": int((np.abs(arr - [0xd5, 0x5e, 0x00]).sum(axis=2) < 60).sum()),
            "names": v._names[:2],
        })
        v.log_check.setChecked(not v.log_check.isChecked())
        for _ in range(3): app.processEvents()
        out["rows_after_log"] = len(v.path_data(0))
    win.show_contour.click()
    out["contour_back"] = win.pages.currentWidget() is win.plot
    print(json.dumps(out))
    """
)


@pytest.mark.xvfb
@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs xvfb-run (Xvfb)")
def test_3d_view_draws_the_landscape_and_the_paths_on_it_under_xvfb(tmp_path):
    out = run_gl_script(tmp_path, GL_SCRIPT, "landscape3d", "1024x768x24", 180)
    assert out["notice"] is False and out["lines"] == 2
    # PCA: the whole path lies over the grid, drawn at the surface's height under it
    assert out["rows"] == out["path_rows"] and out["xy_ok"] and out["z_ok"]
    assert out["colors"] > 50 and out["orange"] > 3  # a shaded mesh and the adam path
    assert out["names"] == ["α", "β"]
    assert out["rows_after_log"] == out["rows"] and out["contour_back"]


def test_without_the_3d_module_the_contour_still_works(mode, qtbot, monkeypatch):
    monkeypatch.setitem(sys.modules, "ui.view3d", None)  # import fails
    mode.controller.step(10)
    mode.open_landscape()
    win = mode.landscape_window
    win.side.setCurrentIndex(0)
    win.show_3d.click()
    assert win.view3d is None and "3-D view unavailable" in win.pages.currentWidget().text()
    win.start()
    qtbot.waitUntil(lambda: win.result is not None, timeout=20_000)
    assert len(win.paths) == 2
