"""Choosing which recorded rows to draw: decimation by index only (no arithmetic on values).

Trajectories can hold 100,000 rows per run; plots get at most a few thousand points.
Paths on the surface come from ``Simulation.decimated`` when live; when the timeline is
scrubbed back, the recorded prefix is subsampled here by the same rule (evenly spaced
rows, always keeping the first and the last).
"""

from __future__ import annotations

import numpy as np

MAX_PATH_POINTS = 1200
MAX_CURVE_POINTS = 600


def row_indices(n: int, max_points: int) -> np.ndarray:
    """At most ``max_points`` increasing row indices of ``range(n)``, first and last included."""
    if n <= max_points:
        return np.arange(n)
    # spacing (n - 1) / (max_points - 1) > 1, so the rounded indices are strictly increasing
    return np.linspace(0, n - 1, max_points).round().astype(np.intp)


REDECIMATE_GROWTH = 0.02  # live paths: re-decimate when the run grew 2 % since the last time


def path_points(controller, i: int, max_points: int = MAX_PATH_POINTS,
                cache: dict | None = None) -> np.ndarray:
    """(k, 2) points of enabled run ``i`` up to the shown step, for drawing.

    Live, the engine's ``Simulation.decimated`` is asked again only when the run has grown
    by REDECIMATE_GROWTH since the last call (kept in ``cache``); in between, the rows
    recorded since then are appended as they are, so the path still reaches the current
    point. That keeps 100,000-row runs cheap to redraw every frame.
    """
    run = controller.sim.runs[i]
    traj = run.trajectory
    rows = controller.shown_rows(i)
    if rows < traj.n:
        return traj.points[row_indices(rows, max_points)]
    if cache is None:
        return controller.sim.decimated(i, max_points)
    hit = cache.get(i)
    n = traj.n
    if hit is None or hit[0] is not traj or n < hit[1] or n - hit[1] > REDECIMATE_GROWTH * hit[1]:
        hit = (traj, n, controller.sim.decimated(i, max_points))
        cache[i] = hit
    _, n0, pts = hit
    return pts if n == n0 else np.concatenate((pts, traj.points[n0:n]))
