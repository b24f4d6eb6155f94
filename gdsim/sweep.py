"""Stability maps: one optimizer, surface and start, run for every cell of a grid over two
hyperparameters (the learning rate and a second one such as momentum or β₁).

All cells are rows of one batched optimizer (``stack_optimizers``), stepped together through
the same optimizer, schedule and surface code as ``Simulation`` (full batch, no noise). The
learning rate is not an optimizer column: the scheduled rate reaches ``step_`` as an ``(N, 1)``
column, exactly as ``Simulation`` passes it. Each cell stops as a ``Simulation`` run would
(non-finite → diverged at the last finite step; outside the box 100× the surface's domain →
diverged; gradient norm < tol → converged; else max_steps), so its final point, loss and
status equal a single ``Simulation`` run with those values (tested). With ``threads > 1`` the
grid's rows are stepped in parallel blocks (NumPy releases the GIL), each with its own
optimizer and surface copy; results do not depend on the thread count.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from gdsim import kernels
from gdsim.basin import _build, _private_copy
from gdsim.errors import GdsimError
from gdsim.simulation import BOX_FACTOR, RunSpec

MAX_SIDE = 512
MAX_STEPS = 1_000_000
MAX_THREADS = 64
CHUNK_STEPS = 25           # steps between progress reports / cancel checks

RUNNING, CONVERGED, DIVERGED = 0, 1, 2   # status codes; RUNNING at the end means max_steps
STATUS_NAMES = {RUNNING: "max_steps", CONVERGED: "converged", DIVERGED: "diverged"}


class SweepCancelled(Exception):
    """Raised inside :func:`sweep` when its ``cancel`` event is set (not an error)."""


@dataclass(frozen=True)
class Axis:
    """One swept hyperparameter: ``n`` values from ``lo`` to ``hi``, log-spaced if ``log``."""

    name: str
    lo: float
    hi: float
    n: int
    log: bool = False

    @property
    def values(self) -> np.ndarray:
        """The ``n`` values, ends exact."""
        if self.n == 1:
            return np.array([self.lo])
        v = np.geomspace(self.lo, self.hi, self.n) if self.log else np.linspace(
            self.lo, self.hi, self.n)
        v[0], v[-1] = self.lo, self.hi
        return v

    def text(self) -> str:
        """The CLI form, ``lr=0.0001:1:64:log``."""
        return f"{self.name}={self.lo!r}:{self.hi!r}:{self.n}:{'log' if self.log else 'lin'}"


@dataclass
class SweepResult:
    """Cell ``[j, i]`` ran with ``x.name = xs[i]`` and ``y.name = ys[j]`` (y may be absent:
    one row). ``status``: ``RUNNING`` (ran all steps: max_steps), ``CONVERGED``, ``DIVERGED``;
    ``stop``: the cell's last step; ``steps_to_tol``: first step whose loss − f* ≤ loss_tol
    (−1: never), f* the lowest known minimum value (0 without known minima)."""

    spec: RunSpec
    x: Axis
    y: Axis | None
    steps: int
    start: tuple[float, float]
    final: np.ndarray          # (ny, nx, 2) point at the stop step
    loss: np.ndarray           # (ny, nx) loss there
    status: np.ndarray         # (ny, nx) int8
    stop: np.ndarray           # (ny, nx) int
    steps_to_tol: np.ndarray   # (ny, nx) int, −1: never
    fstar: float
    loss_tol: float
    tol: float

    @property
    def xs(self) -> np.ndarray:
        return self.x.values

    @property
    def ys(self) -> np.ndarray:
        return self.y.values if self.y is not None else np.array([np.nan])

    def cell_hparams(self, j: int, i: int) -> dict[str, float]:
        """The hyperparameter values of cell ``[j, i]``."""
        out = {self.x.name: float(self.xs[i])}
        if self.y is not None:
            out[self.y.name] = float(self.ys[j])
        return out

    def counts(self) -> dict[str, int]:
        """How many cells ended with each status name."""
        return {STATUS_NAMES[k]: int(np.sum(self.status == k)) for k in STATUS_NAMES}

    def csv_text(self) -> str:
        """One row per cell (y outer, x inner); floats as shortest repr (read back exactly)."""
        names = [self.x.name] + ([self.y.name] if self.y is not None else [])
        head = ",".join(names + ["status", "steps", "x", "y", "loss", "steps_to_tol"])
        lines = [head]
        for j in range(self.loss.shape[0]):
            for i in range(self.loss.shape[1]):
                vals = [repr(float(self.xs[i]))]
                if self.y is not None:
                    vals.append(repr(float(self.ys[j])))
                fx, fy = (float(v) for v in self.final[j, i])
                vals += [STATUS_NAMES[int(self.status[j, i])], str(int(self.stop[j, i])),
                         repr(fx), repr(fy), repr(float(self.loss[j, i])),
                         str(int(self.steps_to_tol[j, i]))]
                lines.append(",".join(vals))
        return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ axes


def _int_arg(name: str, value: object, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or not lo <= value <= hi:
        raise GdsimError(f"{name} must be an integer in [{lo}, {hi}], got {value!r}")
    return int(value)


def parse_axis(text: str, optimizer: str) -> Axis:
    """``NAME=LO:HI:N[:log|lin]`` -> Axis; log by default where the parameter is log-scaled
    and LO > 0 (e.g. lr). Checked against the optimizer's parameter specs (GdsimError)."""
    m = re.fullmatch(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*([^:]+):([^:]+):([^:]+)(?::(\w+))?\s*",
                     str(text))
    if not m:
        raise GdsimError(f"--vary {text!r}: expected NAME=LO:HI:N[:log|lin], "
                         "e.g. lr=1e-4:1:64")
    name, lo_s, hi_s, n_s, scale = m.groups()
    try:
        lo, hi = float(lo_s), float(hi_s)
    except ValueError:
        raise GdsimError(f"--vary {text!r}: LO and HI must be numbers") from None
    try:
        n = int(n_s)
    except ValueError:
        raise GdsimError(f"--vary {text!r}: N must be an integer, got {n_s!r}") from None
    if scale not in (None, "log", "lin"):
        raise GdsimError(f"--vary {text!r}: the scale must be log or lin, got {scale!r}")
    log = None if scale is None else scale == "log"
    try:
        return make_axis(optimizer, name, lo, hi, n, log)
    except GdsimError as e:
        raise GdsimError(f"--vary {text}: {e}") from None


def sweepable(optimizer: str) -> list[str]:
    """Names of the optimizer's numeric hyperparameters (what a sweep may vary)."""
    from gdsim.optimizers import OPTIMIZERS

    info = OPTIMIZERS.get(optimizer)
    if info is None:
        return []
    return [p.name for p in info.params if p.kind is not bool]


def make_axis(optimizer: str, name: str, lo: float, hi: float, n: int,
              log: bool | None = None) -> Axis:
    """A validated Axis (range order, count, scale, and both ends valid for the optimizer)."""
    from gdsim.optimizers import OPTIMIZERS
    from gdsim.params import unknown_name

    info = OPTIMIZERS.get(optimizer)
    if info is None:
        raise unknown_name("optimizer", optimizer, list(OPTIMIZERS))
    specs = {p.name: p for p in info.params}
    if name not in specs:
        raise unknown_name(f"hyperparameter of {optimizer}", name, sweepable(optimizer))
    if specs[name].kind is bool:
        raise GdsimError(f"{name} is true/false and cannot be swept; numeric ones: "
                         f"{', '.join(sweepable(optimizer))}")
    n = _int_arg("N", n, 1, MAX_SIDE)
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise GdsimError(f"the range must be finite, got {lo!r}:{hi!r}")
    if n > 1 and not lo < hi:
        raise GdsimError(f"the range needs LO < HI, got {lo!r}:{hi!r}")
    if n == 1 and lo != hi:
        raise GdsimError(f"N=1 needs LO = HI, got {lo!r}:{hi!r}")
    if log is None:
        log = specs[name].log and lo > 0
    if log and lo <= 0:
        raise GdsimError(f"a log range needs LO > 0, got {lo!r}")
    for v in (lo, hi):  # each end against the parameter's allowed range
        specs[name].check(int(v) if specs[name].kind is int else float(v), optimizer)
    if specs[name].kind is int and (lo != int(lo) or hi != int(hi)):
        raise GdsimError(f"{name} is an integer: LO and HI must be whole numbers")
    return Axis(name, float(lo), float(hi), n, bool(log))


# ------------------------------------------------------------------ stepping


def _block_cells(spec: RunSpec, x: Axis, y: Axis | None, rows: range
                 ) -> tuple[Any, np.ndarray, np.ndarray]:
    """One stacked optimizer for the cells of grid rows ``rows`` and each cell's (j, i).

    The learning rate is not an optimizer column (the scheduled rate is passed to
    ``step_``), so the optimizers of one line along the lr axis are the same: those of the
    other axis are stacked once and repeated by doubling (a handful of ``stack_optimizers``
    calls, not one construction per cell); cells are then lr-major."""
    from gdsim.optimizers import make_optimizer, stack_optimizers

    names = (x.name, getattr(y, "name", None))

    def opt_for(hp: dict) -> Any:
        try:
            return make_optimizer(spec.optimizer, **hp)
        except GdsimError as e:
            shown = ", ".join(f"{k}={v:g}" for k, v in hp.items() if k in names)
            raise GdsimError(f"the cell {shown} is invalid: {e}") from None

    def repeated(o: Any, k: int) -> Any:
        parts, block, left = [], o, k
        while left:
            if left & 1:
                parts.append(block)
            left >>= 1
            if left:
                block = stack_optimizers([block, block])
        return stack_optimizers(parts)

    base = dict(spec.hparams)
    js = np.array(list(rows))
    xs, nx = x.values, x.n
    if x.name == "lr":  # other axis (y rows) inner, lr outer
        line = [opt_for({**base, "lr": float(xs[0]),
                         **({} if y is None else {y.name: float(y.values[j])})}) for j in js]
        opt = repeated(stack_optimizers(line), nx)
        return opt, np.tile(js, nx), np.repeat(np.arange(nx), len(js))
    if y is not None and y.name == "lr":  # x inner, lr (y rows) outer
        line = [opt_for({**base, "lr": float(y.values[0]), x.name: float(v)}) for v in xs]
        opt = repeated(stack_optimizers(line), len(js))
        return opt, np.repeat(js, nx), np.tile(np.arange(nx), len(js))
    cells = [opt_for({**base, x.name: float(xs[i]),
                      **({} if y is None else {y.name: float(y.values[j])})})
             for j in js for i in range(nx)]
    return stack_optimizers(cells), np.repeat(js, nx), np.tile(np.arange(nx), len(js))


class _Rates:
    """Scheduled rates of a block's cells as ``Simulation`` computes them (per cell:
    ``schedule.values(lr0, steps)``), per chunk: ``chunk(k0, m)`` gives the rates of updates
    k0..k0+m−1 as a list of floats (all cells share one rate) or of ``(N, 1)`` columns."""

    def __init__(self, spec: RunSpec, schedule: Any, x: Axis, y: Axis | None,
                 J: np.ndarray, I: np.ndarray):
        if x.name == "lr":
            lr0 = x.values[I]
        elif y is not None and y.name == "lr":
            lr0 = y.values[J]
        else:
            lr0 = np.full(len(I), float(spec.hparams.get("lr", _default(spec.optimizer, "lr"))))
        self.uniq, self.inv = np.unique(lr0, return_inverse=True)
        self.schedule = schedule
        self.shared = len(self.uniq) == 1
        self.column = lr0[:, None].copy()  # constant schedule: the same column every step

    def chunk(self, k0: int, m: int) -> list:
        if self.schedule.name == "constant":
            return [float(self.uniq[0])] * m if self.shared else [self.column] * m
        t = np.arange(k0, k0 + m)
        cols = np.empty((m, len(self.uniq)))
        for k, v in enumerate(self.uniq):
            cols[:, k] = np.asarray(self.schedule.values(float(v), t),
                                    dtype=np.float64).reshape(-1)
        if self.shared:
            return cols[:, 0].tolist()
        full = cols[:, self.inv]
        return [full[k][:, None] for k in range(m)]


def _default(optimizer: str, name: str) -> float:
    from gdsim.optimizers import OPTIMIZERS

    return float(next(p.default for p in OPTIMIZERS[optimizer].params if p.name == name))


def sweep(surface: Any, spec: RunSpec, x: Axis, y: Axis | None, steps: int,
          start: tuple[float, float] | None = None, tol: float = 1e-8,
          loss_tol: float = 1e-6, threads: int = 1,
          progress: Callable[[float], None] | None = None,
          cancel: threading.Event | None = None) -> SweepResult:
    """Run ``spec`` with every (x, y) cell's values for up to ``steps`` updates from
    ``start`` (default: ``spec.start``, else the surface's). See the module docstring."""
    if not isinstance(spec, RunSpec):
        raise GdsimError(f"spec must be a RunSpec, got {type(spec).__name__}")
    steps = _int_arg("steps", steps, 0, MAX_STEPS)
    threads = _int_arg("threads", threads, 1, MAX_THREADS)
    for v, what in ((tol, "tol"), (loss_tol, "loss_tol")):
        if isinstance(v, bool) or not isinstance(v, int | float) or not (
                math.isfinite(v) and v >= 0):
            raise GdsimError(f"{what} must be a finite number ≥ 0, got {v!r}")
    if y is not None and y.name == x.name:
        raise GdsimError(f"both axes vary {x.name}: choose two different hyperparameters")
    _optimizer, schedule = _build(spec)  # validates names and the base values
    if getattr(schedule, "reactive", False):
        raise GdsimError(f"the stability map cannot use the {schedule.name} schedule (its rate "
                         "depends on each run's losses); choose a closed-form schedule")
    if start is None:
        start = spec.start if spec.start is not None else tuple(surface.start)
    sx, sy = (float(v) for v in start)
    if not (math.isfinite(sx) and math.isfinite(sy)):
        raise GdsimError(f"start must be finite, got {start!r}")
    nx = x.n
    ny = 1 if y is None else y.n
    x0, x1, y0, y1 = (float(v) for v in surface.domain)
    box = ((x0 + x1) / 2, (y0 + y1) / 2, BOX_FACTOR * (x1 - x0) / 2, BOX_FACTOR * (y1 - y0) / 2)
    mv = np.asarray(getattr(surface, "minimum_values", np.empty(0)), dtype=np.float64)
    mv = mv[np.isfinite(mv)]
    fstar = float(mv.min()) if mv.size else 0.0

    final = np.empty((ny, nx, 2))
    loss = np.empty((ny, nx))
    status = np.empty((ny, nx), dtype=np.int8)
    stop = np.empty((ny, nx), dtype=np.int64)
    stt = np.empty((ny, nx), dtype=np.int64)
    bounds = [ny * k // threads for k in range(threads + 1)]
    blocks = [range(a, b) for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b > a]
    done = [0] * len(blocks)
    lock = threading.Lock()
    total = max(1, steps) * len(blocks)

    def report(b: int, k: int) -> None:
        if cancel is not None and cancel.is_set():
            raise SweepCancelled()
        if progress is not None:
            with lock:
                if b < 0:  # the compiled kernel steps every block at once
                    done[:] = [k] * len(done)
                else:
                    done[b] = k
                frac = sum(done) / total
            progress(frac)

    def run_block(b: int) -> bool:
        """Step block ``b`` (−1: the whole grid through a compiled kernel, False if none)."""
        rows = range(ny) if b < 0 else blocks[b]
        opt, J, I = _block_cells(spec, x, y, rows)
        rates = _Rates(spec, schedule, x, y, J, I)
        if b < 0:
            out = kernels.sweep_descend(_private_copy(surface), opt, (sx, sy), len(J), rates,
                                        steps, box, tol, fstar + loss_tol,
                                        lambda k: report(-1, k), CHUNK_STEPS * 8,
                                        threads)
            if out is None:
                return False
        else:
            out = _descend(_private_copy(surface), opt, (sx, sy), len(J), rates,
                           steps, box, tol, fstar + loss_tol, lambda k: report(b, k))
        final[J, I] = out[0]
        for arr, v in zip((loss, status, stop, stt), out[1:], strict=True):
            arr[J, I] = v
        return True

    if kernels.enabled() and run_block(-1):
        pass
    elif len(blocks) == 1:
        run_block(0)
    else:
        with ThreadPoolExecutor(len(blocks)) as pool:
            list(pool.map(run_block, range(len(blocks))))  # re-raise a worker's exception
    if progress is not None:
        progress(1.0)
    return SweepResult(replace(spec, start=(sx, sy)), x, y, steps, (sx, sy), final, loss,
                       status, stop, stt, fstar, float(loss_tol), float(tol))


def _first_true(mask: np.ndarray) -> np.ndarray:
    """Per column of an ``(m, n)`` mask, the first True row, or m when none."""
    return np.where(mask.any(axis=0), np.argmax(mask, axis=0), mask.shape[0])


def judge_start(p: np.ndarray, g: np.ndarray, f: np.ndarray, box: tuple, steps: int,
                tol: float, target: float) -> tuple[np.ndarray, ...]:
    """Step 0 of the cells at points ``p`` (gradients ``g``, losses ``f``): non-finite or
    outside the box → diverged, flat → converged, both at step 0; the rest run. Returns
    ``(status, stop, steps_to_target, alive)`` as the stepping loops start them."""
    cx, cy, hx, hy = box
    n = len(p)
    status = np.zeros(n, dtype=np.int8)
    stop = np.full(n, steps, dtype=np.int64)
    stt = np.full(n, -1, dtype=np.int64)
    with np.errstate(all="ignore"):
        bad0 = ~(np.isfinite(f) & np.isfinite(g[:, 0]) & np.isfinite(g[:, 1])
                 & np.isfinite(p[:, 0]) & np.isfinite(p[:, 1]))
        out0 = ~bad0 & ((np.abs(p[:, 0] - cx) > hx) | (np.abs(p[:, 1] - cy) > hy))
        conv0 = ~bad0 & ~out0 & (np.hypot(g[:, 0], g[:, 1]) < tol)
        stt[~bad0 & (f <= target)] = 0
    status[bad0 | out0] = DIVERGED
    status[conv0] = CONVERGED
    stop[bad0 | out0 | conv0] = 0
    return status, stop, stt, ~(bad0 | out0 | conv0)


def _descend(surface: Any, opt: Any, start: tuple[float, float], n: int, rates: _Rates,
             steps: int, box: tuple, tol: float, target: float,
             report: Callable[[int], None]) -> tuple[np.ndarray, ...]:
    """Step ``n`` cells from ``start`` in chunks of CHUNK_STEPS recorded steps, judging each
    chunk as ``Simulation._record`` does; return final points, losses, statuses, stop steps
    and steps to the ``target`` loss."""
    m_max = max(1, min(CHUNK_STEPS, steps))
    P = np.empty((m_max + 1, n, 2))
    G = np.empty((m_max + 1, n, 2))
    F = np.empty((m_max + 1, n))
    P[0, :, 0], P[0, :, 1] = start
    p = P[0].copy()
    state = opt.init(p)
    cx, cy, hx, hy = box
    cols = np.arange(n)
    with np.errstate(all="ignore"):
        surface.grad(p, out=G[0])
        F[0] = surface.value(p)
        last_p, last_f = p.copy(), F[0].copy()

        def judge(k0: int, mm: int) -> None:
            """Rows 1..mm of the buffers are steps k0+1..k0+mm (row 0: step k0); only the
            cells still running are looked at. A cell stops at its first non-finite row
            (kept up to the row before), row outside the box or row with ‖g‖ < tol."""
            idx = cols[alive]
            Pc, Gc, Fc = P[1:mm + 1, idx], G[1:mm + 1, idx], F[1:mm + 1, idx]
            finite = (np.isfinite(Fc) & np.isfinite(Pc[..., 0]) & np.isfinite(Pc[..., 1])
                      & np.isfinite(Gc[..., 0]) & np.isfinite(Gc[..., 1]))
            outside = (np.abs(Pc[..., 0] - cx) > hx) | (np.abs(Pc[..., 1] - cy) > hy)
            conv = np.hypot(Gc[..., 0], Gc[..., 1]) < tol
            first = _first_true(~finite | outside | conv)
            at = np.minimum(first, mm - 1)
            ar = np.arange(len(idx))
            bad = ~finite[at, ar]
            stopped = first < mm
            kept = np.where(stopped, np.where(bad, first, first + 1), mm)
            need = stt[idx] < 0
            if need.any():
                hit = _first_true((Fc[:, need] <= target) & finite[:, need])
                ok = hit < kept[need]
                stt[idx[need][ok]] = k0 + 1 + hit[ok]
            if stopped.any():
                s = idx[stopped]
                ks = kept[stopped]
                status[s] = np.where(bad[stopped] | outside[at[stopped], ar[stopped]],
                                     DIVERGED, CONVERGED)
                stop[s] = k0 + ks
                last_p[s] = P[ks, s]
                last_f[s] = F[ks, s]
                alive[s] = False

        status, stop, stt, alive = judge_start(p, G[0], F[0], box, steps, tol, target)
        k0 = 0
        step_, grad, value = opt.step_, surface.grad, surface.value
        while k0 < steps and alive.any():
            mm = min(m_max, steps - k0)
            lrs = rates.chunk(k0, mm)
            for k in range(mm):
                step_(G[k], state, p, lrs[k])
                P[k + 1] = p
                grad(p, out=G[k + 1])
            F[1:mm + 1] = value(P[1:mm + 1])  # one call per chunk, as Simulation._record
            judge(k0, mm)
            k0 += mm
            P[0], G[0], F[0] = P[mm], G[mm], F[mm]
            report(k0)
        np.copyto(last_p, p, where=alive[:, None])
        np.copyto(last_f, F[0], where=alive)
    return last_p, last_f, status, stop, stt
