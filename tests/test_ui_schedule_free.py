"""Schedule-free runs show their averaged point x beside the gradient point y (SPEC §10)."""

from __future__ import annotations

import numpy as np

from gdsim.simulation import Experiment, RunSpec
from ui.main_window import MainWindow
from ui.surface_view import SurfaceView


def test_averaged_point_drawn_at_the_engines_x_and_only_where_it_is_known(
        qtbot, isolated_app_state):
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    c = w.controller
    c.set_experiment(Experiment(surface="himmelblau", start=(0.5, 0.5), steps=100,
                                runs=[RunSpec("sf_adamw", {"lr": 0.05}),
                                      RunSpec("adam", {"lr": 0.05})]))
    c.step(30)
    qtbot.waitUntil(lambda: c.shown_rows(0) == 31)
    view = w.findChild(SurfaceView)
    view.refresh()
    x = c.sim.averaged_point(0, 30)
    y = c.sim.runs[0].trajectory.points[30]
    assert x is not None and not np.allclose(x, y)  # x and y are apart
    xs, ys = view.averaged.getData()
    assert len(xs) == 1 and (xs[0], ys[0]) == (x[0], x[1])  # one x: the sf run's, the engine's
    lx, ly = view.averaged_links.getData()
    assert {(lx[0], ly[0]), (lx[1], ly[1])} == {(y[0], y[1]), (x[0], x[1])}
    c.pause()
