"""Basin maps: run one optimizer configuration from every start on a grid and label each
start by the known minimum its run ends nearest to (or not settled / diverged).

All starts are stepped as one ``(N, 2)`` batch through the same optimizer, schedule and
surface code as ``Simulation`` (full batch, no noise), so each start's final point is
bit-identical to a ``Simulation`` run from that start run for the same number of steps.
Points are column-ordered (``order="F"``): the surfaces' ``grad(p, out=)`` is fastest on
contiguous x and y columns. With ``threads > 1`` the grid's rows are split into contiguous
blocks stepped in parallel (NumPy releases the GIL inside ufuncs); runs are independent,
so the result does not depend on the thread count.
"""

from __future__ import annotations

import copy
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from gdsim.errors import GdsimError
from gdsim.experiment import BOX_FACTOR, RunSpec, check_view

NOT_SETTLED = -1
DIVERGED = -2
MAX_SIDE = 2048
MAX_STEPS = 1_000_000
MAX_THREADS = 64
CANCEL_CHECK_STEPS = 25  # steps between checks of a basin map's cancel event
RADIUS_FRACTION = 0.02  # default settling radius: this fraction of the domain's diagonal


@dataclass
class BasinMap:
    """Result of ``basin_map``: ``labels[j, i]`` belongs to the start ``(xs[i], ys[j])``.

    Labels: index into ``minima`` of the nearest known minimum when the final point lies
    within ``radius`` of it, ``NOT_SETTLED`` (−1) otherwise, ``DIVERGED`` (−2) when the run
    became non-finite or left the box ``BOX_FACTOR``× the domain (same centre).
    """

    xs: np.ndarray            # (nx,)
    ys: np.ndarray            # (ny,)
    final: np.ndarray         # (ny, nx, 2) final points (NaN/inf possible where diverged)
    labels: np.ndarray        # (ny, nx) int
    minima: np.ndarray        # (M, 2) the surface's known minima the labels index
    radius: float             # settling radius used for the labels
    steps: int
    domain: tuple[float, float, float, float]

    def counts(self) -> dict[int, int]:
        """How many starts carry each label (labels present only)."""
        vals, n = np.unique(self.labels, return_counts=True)
        return {int(v): int(c) for v, c in zip(vals, n, strict=True)}


def _int_arg(name: str, value: object, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or not lo <= value <= hi:
        raise GdsimError(f"{name} must be an integer in [{lo}, {hi}], got {value!r}")
    return int(value)


def _build(spec: RunSpec) -> tuple[Any, Any]:
    """The validated optimizer and schedule of ``spec`` (GdsimError on bad names/values)."""
    from gdsim.optimizers import make_optimizer
    from gdsim.schedules import make_schedule

    if not isinstance(spec, RunSpec):
        raise GdsimError(f"spec must be a RunSpec, got {type(spec).__name__}")
    if not isinstance(spec.optimizer, str):
        raise GdsimError(f"optimizer must be a name, got {spec.optimizer!r}")
    if not isinstance(spec.hparams, dict) or not isinstance(spec.schedule_params, dict):
        raise GdsimError("hparams and schedule_params must be dicts")
    if not isinstance(spec.schedule, str):
        raise GdsimError(f"schedule must be a name, got {spec.schedule!r}")
    return (make_optimizer(spec.optimizer, **spec.hparams),
            make_schedule(spec.schedule, **spec.schedule_params))


def _private_copy(surface: Any) -> Any:
    """A shallow copy of ``surface`` with its own scratch buffers."""
    s = copy.copy(surface)
    if hasattr(s, "_scratch"):
        s._scratch = {}
    return s


class BasinCancelled(Exception):
    """Raised inside :func:`basin_map` when its ``cancel`` event is set (not an error)."""


def _descend(surface: Any, optimizer: Any, p: np.ndarray, lrs: list[float],
             box: tuple[float, float, float, float], tracker: Any = None,
             cancel: Any = None) -> np.ndarray:
    """Step the ``(n, 2)`` F-ordered block ``p`` in place once per rate in ``lrs``; return a
    mask of runs that left the box at some step (checked after every update).
    :class:`BasinCancelled` when ``cancel`` (a ``threading.Event``) is set.

    With a plateau ``tracker`` (one row per start), ``lrs`` only counts the steps: each
    update uses the tracker's rates, then feeds it the loss at the point the update left."""
    state = optimizer.init(p)
    grad = np.empty_like(p)
    n = p.shape[0]
    cx, cy, hx, hy = box
    lo_x, hi_x, lo_y, hi_y = cx - hx, cx + hx, cy - hy, cy + hy
    out = np.zeros(n, dtype=bool)
    tmp = np.empty(n, dtype=bool)
    x, y = p[:, 0], p[:, 1]
    step_, grad_fn = optimizer.step_, surface.grad
    with np.errstate(all="ignore"):
        grad_fn(p, out=grad)
        loss = np.asarray(surface.value(p), dtype=np.float64) if tracker is not None else None
        for k, lr in enumerate(lrs):
            if cancel is not None and k % CANCEL_CHECK_STEPS == 0 and cancel.is_set():
                raise BasinCancelled()
            if tracker is not None:
                lr = tracker.lr[:, None]
            step_(grad, state, p, lr)
            grad_fn(p, out=grad)
            if tracker is not None:
                tracker.step(loss)
                loss = np.asarray(surface.value(p), dtype=np.float64)
            # left the box: |x − cx| > hx  ⇔  x outside [cx − hx, cx + hx] (NaN: neither)
            for col, lo, hi in ((x, lo_x, hi_x), (y, lo_y, hi_y)):
                np.less(col, lo, out=tmp)
                out |= tmp
                np.greater(col, hi, out=tmp)
                out |= tmp
    return out


def basin_map(surface: Any, spec: RunSpec, nx: int, ny: int, steps: int,
              domain: tuple[float, float, float, float] | None = None, threads: int = 1,
              radius: float | None = None, cancel: Any = None) -> BasinMap:
    """Run ``spec`` for ``steps`` updates from each start of an ``nx``×``ny`` grid over
    ``domain`` (default: the surface's) and label each start by where its run ends.

    No convergence stop, noise or mini-batches: full-batch gradients, the lr schedule
    applied as in ``Simulation`` (rate ``schedule(lr₀, k)`` for update k → k+1; a plateau
    schedule reacts to each start's own loss). A set ``cancel`` event (``threading.Event``)
    stops the work within a few steps with :class:`BasinCancelled`.
    """
    nx = _int_arg("nx", nx, 2, MAX_SIDE)
    ny = _int_arg("ny", ny, 2, MAX_SIDE)
    steps = _int_arg("steps", steps, 0, MAX_STEPS)
    threads = _int_arg("threads", threads, 1, MAX_THREADS)
    dom = tuple(surface.domain) if domain is None else check_view(domain, "domain")
    x0, x1, y0, y1 = dom
    diag = float(np.hypot(x1 - x0, y1 - y0))
    if radius is None:
        radius = RADIUS_FRACTION * diag
    elif isinstance(radius, bool) or not isinstance(radius, int | float) or not (
            np.isfinite(radius) and radius > 0):
        raise GdsimError(f"radius must be a finite number > 0, got {radius!r}")
    optimizer, schedule = _build(spec)
    lr0 = float(optimizer.hparams["lr"])
    if schedule.name == "constant" or schedule.reactive:
        lrs = [lr0] * steps
    else:
        lrs = np.asarray(schedule.values(lr0, np.arange(steps)), dtype=np.float64).tolist()
    box = ((x0 + x1) / 2, (y0 + y1) / 2, BOX_FACTOR * (x1 - x0) / 2, BOX_FACTOR * (y1 - y0) / 2)

    xs = np.linspace(x0, x1, nx)
    ys = np.linspace(y0, y1, ny)
    final = np.empty((ny, nx, 2))
    escaped = np.empty((ny, nx), dtype=bool)
    bounds = [ny * k // threads for k in range(threads + 1)]
    blocks = [(a, b) for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b > a]

    def run_block(rows: tuple[int, int]) -> None:
        a, b = rows
        p = np.empty(((b - a) * nx, 2), order="F")
        p[:, 0] = np.tile(xs, b - a)
        p[:, 1] = np.repeat(ys[a:b], nx)
        # own optimizer and surface per block: both keep scratch buffers (not thread-safe),
        # and the caller (e.g. the UI thread) may use ``surface`` meanwhile
        tracker = schedule.tracker([lr0] * len(p)) if schedule.reactive else None
        out = _descend(_private_copy(surface), _build(spec)[0], p, lrs, box, tracker, cancel)
        final[a:b] = p.reshape(b - a, nx, 2)
        escaped[a:b] = out.reshape(b - a, nx)

    if cancel is not None and cancel.is_set():
        raise BasinCancelled()
    if schedule.reactive or not _compiled(surface, spec, xs, ys, lrs, box, final, escaped,
                                          threads, cancel):
        if len(blocks) == 1:
            run_block(blocks[0])
        else:
            with ThreadPoolExecutor(len(blocks)) as pool:
                list(pool.map(run_block, blocks))  # list(): re-raise any worker's exception
    if cancel is not None and cancel.is_set():
        raise BasinCancelled()
    minima = np.asarray(surface.minima, dtype=np.float64).reshape(-1, 2)
    labels = _label(_private_copy(surface), final, escaped, minima, radius)
    return BasinMap(xs, ys, final, labels, minima, float(radius), steps, dom)


def _compiled(surface: Any, spec: RunSpec, xs: np.ndarray, ys: np.ndarray, lrs: list,
              box: tuple, final: np.ndarray, escaped: np.ndarray, threads: int,
              cancel: Any = None) -> bool:
    """The whole grid through a compiled kernel (:mod:`gdsim.kernels`; same floats as
    ``_descend``) into ``final``/``escaped``; False when there is none (numba missing, a
    surface or rule that cannot be traced). ``cancel`` is checked between chunks of steps."""
    from gdsim import kernels

    if not kernels.enabled():
        return False
    ny, nx = len(ys), len(xs)
    p = np.empty((ny * nx, 2), order="F")
    p[:, 0] = np.tile(xs, ny)
    p[:, 1] = np.repeat(ys, nx)
    def check() -> None:
        if cancel is not None and cancel.is_set():
            raise BasinCancelled()

    out = kernels.basin_descend(_private_copy(surface), _build(spec)[0], p, lrs, box, threads,
                                check)
    if out is None:
        return False
    final[...] = p.reshape(ny, nx, 2)
    escaped[...] = out.reshape(ny, nx)
    return True


def _label(surface: Any, final: np.ndarray, escaped: np.ndarray, minima: np.ndarray,
           radius: float) -> np.ndarray:
    """Nearest-minimum index within ``radius``, else −1; −2 where the run diverged."""
    with np.errstate(all="ignore"):
        loss = np.asarray(surface.value(final), dtype=np.float64)
        finite = np.isfinite(final).all(axis=-1) & np.isfinite(loss)
        labels = np.full(final.shape[:2], NOT_SETTLED, dtype=np.int64)
        if len(minima):
            d = np.hypot(final[..., None, 0] - minima[:, 0], final[..., None, 1] - minima[:, 1])
            d = np.where(np.isfinite(d), d, np.inf)
            near = np.argmin(d, axis=-1)
            ok = np.take_along_axis(d, near[..., None], axis=-1)[..., 0] <= radius
            labels[ok] = near[ok]
    labels[~finite | escaped] = DIVERGED
    return labels
