"""Read-outs of a simulation's recorded trajectories for the "see why" views (issue 9):
the race table (steps to a loss tolerance, final loss, distance to the nearest minimum,
status) and the effective step size per coordinate (step taken / gradient).

Nothing here steps or evaluates the surface: everything comes from ``Trajectory`` rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from gdsim.errors import GdsimError

RACE_HEADER = ("run", "optimizer", "status", "steps", "steps_to_tol", "final_loss",
               "distance_to_minimum", "x", "y")


@dataclass(frozen=True)
class RaceRow:
    """One run's line of the race table at some step (``steps``: rows shown − 1)."""

    label: str
    optimizer: str
    status: str            # "running" while steps < the run's last step, else its status
    steps: int
    steps_to_tol: int | None   # first step with loss − f* ≤ tol, None: not (yet) reached
    final_loss: float
    distance: float        # to the nearest known minimum (NaN: none known)
    x: float
    y: float


def best_known_value(surface: Any) -> float:
    """f*: the lowest known minimum value, 0 when the surface knows none."""
    mv = np.asarray(getattr(surface, "minimum_values", np.empty(0)), dtype=np.float64)
    mv = mv[np.isfinite(mv)]
    return float(mv.min()) if mv.size else 0.0


def _check_tol(tol: object) -> float:
    if isinstance(tol, bool) or not isinstance(tol, int | float) or not (
            math.isfinite(tol) and tol >= 0):
        raise GdsimError(f"loss tolerance must be a finite number ≥ 0, got {tol!r}")
    return float(tol)


def steps_to_tol(loss: np.ndarray, fstar: float, tol: float) -> int | None:
    """First index with ``loss − fstar ≤ tol`` (NaN never counts), or None."""
    with np.errstate(invalid="ignore"):
        hit = np.flatnonzero(np.asarray(loss) - fstar <= tol)
    return int(hit[0]) if hit.size else None


def race_rows(sim: Any, tol: float, upto: int | None = None) -> list[RaceRow]:
    """One :class:`RaceRow` per enabled run at step ``upto`` (None: the latest)."""
    tol = _check_tol(tol)
    fstar = best_known_value(sim.surface)
    rows = []
    for i, run in enumerate(sim.runs):
        tr = run.trajectory
        n = tr.n if upto is None else min(int(upto) + 1, tr.n)
        last = n - 1
        x, y, loss = (float(v) for v in tr.data[last, :3])
        status = run.status if last == tr.n - 1 else "running"
        dist = float(sim.min_distance(i, rows=np.array([last]))[0])
        rows.append(RaceRow(run.label, run.spec.optimizer, status, last,
                            steps_to_tol(tr.loss[:n], fstar, tol), loss, dist, x, y))
    return rows


def race_csv_text(rows: list[RaceRow]) -> str:
    """The race table as CSV (floats as shortest repr; an unreached tolerance is empty)."""
    def field(s: str) -> str:
        return '"' + s.replace('"', '""') + '"' if any(c in s for c in ',"\r\n') else s

    lines = [",".join(RACE_HEADER)]
    for r in rows:
        lines.append(",".join([
            field(r.label), r.optimizer, r.status, str(r.steps),
            "" if r.steps_to_tol is None else str(r.steps_to_tol),
            repr(r.final_loss), repr(r.distance), repr(r.x), repr(r.y)]))
    return "\n".join(lines) + "\n"


def effective_step(traj: Any, rows: np.ndarray | None = None) -> np.ndarray:
    """Per update k → k+1 and coordinate: −(θₖ₊₁ − θₖ)/gₖ, the learning rate the step
    actually used relative to the (full, noise-free) recorded gradient at θₖ; ``(k, 2)`` for
    updates ``rows`` (default all, ``0..n − 2``). NaN where gₖ = 0 or a value is not finite.
    Plain GD gives η; AdaGrad's decay and Adam's per-coordinate normalisation show up."""
    n = traj.n
    idx = np.arange(max(n - 1, 0)) if rows is None else np.asarray(rows, dtype=np.intp)
    if idx.size and (idx.min() < 0 or idx.max() > n - 2):
        raise GdsimError(f"rows must be updates in 0..{n - 2}")
    pts, grad = traj.points, traj.grad
    with np.errstate(all="ignore"):
        out = -(pts[idx + 1] - pts[idx]) / grad[idx]
    out[~np.isfinite(out)] = np.nan
    return out
