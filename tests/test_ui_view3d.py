"""3-D view: a notice where OpenGL is unavailable (offscreen), a surface with paths where it is."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import numpy as np
import pytest
from xvfb_script import run_gl_script

from gdsim.simulation import Experiment, RunSpec
from gdsim.surfaces import make_surface
from ui.view3d import NOTICE, HeightMap, path_xyz, prefers_log, surface_grid

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def controller(qtbot):
    from ui.controller import Controller

    exp = Experiment(surface="quadratic", start=(1.0, -2.0),
                     runs=[RunSpec("gd", {"lr": 0.1}), RunSpec("adam", {"lr": 0.1})], steps=100)
    return Controller(exp)


def test_offscreen_shows_notice_instead_of_failing(qtbot, controller):
    from PySide6.QtWidgets import QLabel

    from ui.view3d import View3D, gl_available

    assert os.environ["QT_QPA_PLATFORM"] == "offscreen"
    assert gl_available() is False
    view = View3D(controller)
    qtbot.addWidget(view)
    assert view.notice is None and view.gl_view is None  # nothing is made before it is shown
    view.show()
    qtbot.waitExposed(view)
    notice = view.findChild(QLabel, "view3dNotice")
    assert notice is not None and notice.text() == NOTICE
    assert view.gl_view is None
    # the controller's signals are harmless without a GL view
    controller.step(5)
    controller.reset()
    assert view.ensure_view() is False


def test_surface_grid_is_the_surface_on_its_domain():
    s = make_surface("quadratic")
    x, y, z = surface_grid(s, (-1.0, 3.0, -2.0, 0.0), n=5)
    assert x.tolist() == [-1.0, 0.0, 1.0, 2.0, 3.0]
    assert y.tolist() == [-2.0, -1.5, -1.0, -0.5, 0.0]
    assert z.shape == (5, 5)
    assert np.array_equal(z, x[:, None] ** 2 + y[None, :] ** 2)  # z[i, j] = f(x[i], y[j])


def test_height_map_linear_and_log():
    lin = HeightMap(2.0, 12.0, 5.0, log=False)
    assert lin(np.array([2.0, 7.0, 12.0])).tolist() == [0.0, 2.5, 5.0]
    lg = HeightMap(2.0, 12.0, 5.0, log=True)
    h = lg(np.array([2.0, 2.01, 7.0, 12.0]))
    assert h[0] == 0.0 and h[-1] == pytest.approx(5.0)
    assert np.all(np.diff(h) > 0)
    # log compression lifts the low values: 0.1 % of the range is already ~10 % of the height
    assert h[1] == pytest.approx(5.0 * np.log1p(1.0) / np.log1p(1000.0))
    assert h[1] > 10 * lin(np.array([2.01]))[0]
    assert np.isfinite(lin(np.array([1e300]))).all()  # far-off losses are clipped, not inf


def test_prefers_log_for_steep_surfaces_only():
    for name, want in (("rosenbrock", True), ("quadratic", False)):
        s = make_surface(name)
        assert prefers_log(surface_grid(s, s.domain, n=40)[2]) is want, name


def test_paths_are_the_recorded_trajectory_up_to_the_shown_step(controller):
    controller.step(30)
    hm = HeightMap(0.0, 5.0, 3.0, log=False)
    tr = controller.sim.runs[0].trajectory
    xyz = path_xyz(controller, 0, hm)
    assert np.array_equal(xyz[:, :2], tr.points)
    assert np.allclose(xyz[:, 2], tr.loss / 5.0 * 3.0 + 0.01 * 3.0)
    controller.seek(4)
    assert np.array_equal(path_xyz(controller, 0, hm)[:, :2], tr.points[:5])
    # long paths are decimated, first and last rows kept
    controller.step(60)
    few = path_xyz(controller, 0, hm, max_points=10)
    assert len(few) == 10
    assert np.array_equal(few[[0, -1], :2], tr.points[[0, -1]])


def test_diverged_rows_are_dropped_from_the_path(qtbot):
    from ui.controller import Controller

    ctl = Controller(Experiment(surface="quadratic", runs=[RunSpec("gd", {"lr": 1.5})], steps=200))
    ctl.step(200)
    run = ctl.sim.runs[0]
    assert run.status == "diverged"
    xyz = path_xyz(ctl, 0, HeightMap(0.0, 18.0, 3.0, log=True))
    assert np.isfinite(xyz).all() and len(xyz) == run.trajectory.n


GL_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from gdsim.simulation import Experiment, RunSpec
    from ui.controller import Controller
    from ui.view3d import View3D
    ctl = Controller(Experiment(surface="quadratic", start=(1.0, -2.0),
                                runs=[RunSpec("gd", {"lr": 0.1}, color="#d55e00"),
                                      RunSpec("adam", {"lr": 0.1}, color="#0072b2")],
                                steps=100))
    v = View3D(ctl); v.resize(480, 360); v.show()
    for _ in range(5): app.processEvents()
    ctl.step(25)
    app.processEvents()
    img = v.gl_view.grabFramebuffer()
    img.save(sys.argv[1])
    arr = np.array([[img.pixelColor(x, y).getRgb()[:3] for x in range(0, img.width(), 4)]
                    for y in range(0, img.height(), 4)])
    orange = int((np.abs(arr - [0xd5, 0x5e, 0x00]).sum(axis=2) < 60).sum())
    tr = ctl.sim.runs[0].trajectory
    out = {
        "gl": v.gl_view is not None, "notice": v.notice is not None,
        "lines": len(v._lines),
        "path_ok": bool(np.allclose(v.path_data(0)[:, :2], tr.points, rtol=1e-6, atol=1e-6)),
        "colors": int(len(np.unique(arr.reshape(-1, 3), axis=0))), "orange": orange,
    }
    v.hide()
    ctl.step(10)  # hidden (another tab): no redraw ...
    out["hidden_rows"] = len(v.path_data(0))
    v.show()
    for _ in range(3): app.processEvents()
    out["shown_rows"] = len(v.path_data(0))  # ... until it is shown again
    out["rows"] = ctl.sim.runs[0].trajectory.n
    ctl.set_surface("rosenbrock")
    app.processEvents()
    out["log_after_switch"] = v.log_check.isChecked()
    out["lines_after_switch"] = len(v._lines)
    print(json.dumps(out))
    """
)


@pytest.mark.xvfb
@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs xvfb-run (Xvfb)")
def test_opengl_branch_draws_surface_and_paths_under_xvfb(tmp_path):
    out = run_gl_script(tmp_path, GL_SCRIPT, "gl3d", "800x600x24", 120)
    assert out["notice"] is False
    assert out["lines"] == 2 and out["path_ok"]
    assert out["colors"] > 50  # a shaded surface, not a blank frame
    assert out["orange"] > 3  # the gd path is drawn in its run colour
    assert out["log_after_switch"] is True and out["lines_after_switch"] == 2
    assert out["hidden_rows"] == 26 and out["shown_rows"] == out["rows"] == 36


def test_view_deleted_before_controller_is_disconnected(qtbot, controller):
    from ui.view3d import View3D

    v = View3D(controller)
    v.deleteLater()
    qtbot.wait(10)
    controller.step(3)
    controller.seek(1)
    controller.reset()
    assert controller.sim.t == 0


def test_height_ticks_are_round_values_on_the_drawn_scale():
    from ui.view3d import nice_ticks

    assert nice_ticks(-2.0, 2.0) == [-2.0, -1.0, 0.0, 1.0, 2.0]
    assert nice_ticks(0.0, 2509.0) == [0.0, 500.0, 1000.0, 1500.0, 2000.0, 2500.0]
    assert nice_ticks(-0.3, 0.7) == [-0.2, 0.0, 0.2, 0.4, 0.6]
    hm = HeightMap(0.0, 2509.0, 2.4, log=True)
    h = hm(np.array([3.0, 440.0]))
    assert np.allclose(hm.value_at(h), [3.0, 440.0])  # the inverse labels the axis
    ticks = hm.ticks()
    assert ticks == sorted(ticks) and all(0 < t <= 2509 for t in ticks)
    assert HeightMap(0.0, 18.0, 2.4, log=False).ticks() == [0.0, 5.0, 10.0, 15.0]


GL_TOGGLE_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from gdsim.simulation import Experiment, RunSpec
    from ui.controller import Controller
    from ui.view3d import View3D
    ctl = Controller(Experiment(surface="rosenbrock", start=(-1.5, 2.0),
                                runs=[RunSpec("gd", {"lr": 0.0005}, color="#d55e00"),
                                      RunSpec("adam", {"lr": 0.05}, color="#0072b2")],
                                steps=1000))
    v = View3D(ctl); v.resize(640, 480); v.show()
    for _ in range(5): app.processEvents()
    ctl.step(300)
    app.processEvents()
    def orange():
        img = v.gl_view.grabFramebuffer()
        arr = np.array([[img.pixelColor(x, y).getRgb()[:3] for x in range(0, img.width(), 2)]
                        for y in range(0, img.height(), 2)])
        return int((np.abs(arr - [0xd5, 0x5e, 0x00]).sum(axis=2) < 60).sum())
    out = {"gl": v.gl_view is not None, "before": orange(), "log": v.log_check.isChecked()}
    v.log_check.setChecked(not v.log_check.isChecked())
    for _ in range(3): app.processEvents()
    out["after"] = orange()
    img = v.gl_view.grabFramebuffer(); img.save(sys.argv[1])
    out["labels"] = v.axis_labels
    out["legend"] = v.legend is not None and v.legend in v.gl_view.items
    print(json.dumps(out))
    """
)


@pytest.mark.xvfb
@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs xvfb-run (Xvfb)")
def test_paths_stay_drawn_after_toggling_log_height_and_axes_are_labelled(tmp_path):
    out = run_gl_script(tmp_path, GL_TOGGLE_SCRIPT, "gl3d_toggle", "800x600x24", 120)
    assert out["log"] is True  # Rosenbrock starts log-compressed
    assert out["before"] > 3 and out["after"] > 3  # the gd path, before and after the toggle
    assert out["labels"]["x"] == ["-2", "-1", "0", "1", "2"]
    assert out["labels"]["y"] == ["-1", "0", "1", "2", "3"]
    assert len(out["labels"]["f"]) >= 3 and out["legend"]
