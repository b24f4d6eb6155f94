"""Which recorded rows to draw. No arithmetic on values lives here.

Paths on the surface come from the engine's ``Simulation.decimated(i, max_points, upto)``
(steps and arc length both kept in shape), live or scrubbed back. What remains here is
index selection for plots whose x axis is the step (curves, the 3-D path's heights):
``row_indices`` picks evenly spaced rows, first and last kept, and ``path_points`` caches
the engine's answer between frames while a run grows.
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

    Scrubbed back, the engine decimates the path up to the shown step. Live, it is asked
    again only when the run has grown by REDECIMATE_GROWTH since the last call (kept in
    ``cache``); in between, the rows recorded since then are appended as they are, so the
    path still reaches the current point. That keeps 100,000-row runs cheap every frame.
    """
    sim = controller.sim
    traj = sim.runs[i].trajectory
    rows = controller.shown_rows(i)
    if rows < traj.n:
        return sim.decimated(i, max_points, upto=max(rows - 1, 0))
    if cache is None:
        return sim.decimated(i, max_points)
    hit = cache.get(i)
    n = traj.n
    if hit is None or hit[0] is not traj or n < hit[1] or n - hit[1] > REDECIMATE_GROWTH * hit[1]:
        hit = (traj, n, sim.decimated(i, max_points))
        cache[i] = hit
    _, n0, pts = hit
    return pts if n == n0 else np.concatenate((pts, traj.points[n0:n]))
