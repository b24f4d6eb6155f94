"""Choosing which recorded rows to draw: decimation by index only (no arithmetic on values).

Trajectories can hold 100,000 rows per run; plots get at most a few thousand points.
Paths on the surface come from ``Simulation.decimated`` when live; when the timeline is
scrubbed back, the recorded prefix is subsampled here by the same rule (evenly spaced
rows, always keeping the first and the last).
"""

from __future__ import annotations

import numpy as np

MAX_PATH_POINTS = 1200
MAX_CURVE_POINTS = 800


def row_indices(n: int, max_points: int) -> np.ndarray:
    """At most ``max_points`` increasing row indices of ``range(n)``, first and last included."""
    if n <= max_points:
        return np.arange(n)
    # spacing (n - 1) / (max_points - 1) > 1, so the rounded indices are strictly increasing
    return np.linspace(0, n - 1, max_points).round().astype(np.intp)


def path_points(controller, i: int, max_points: int = MAX_PATH_POINTS) -> np.ndarray:
    """(k, 2) points of enabled run ``i`` up to the shown step, for drawing."""
    run = controller.sim.runs[i]
    rows = controller.shown_rows(i)
    if rows >= run.trajectory.n:
        return controller.sim.decimated(i, max_points)
    return run.trajectory.points[row_indices(rows, max_points)]
