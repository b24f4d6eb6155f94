"""Several optimizer runs on one surface, stepped together (SPEC §5).

Runs sharing an update rule are stepped as one batched optimizer. Each step's inner loop
is gradient + ``step_`` + one buffer write per group; groups of up to 8 runs instead step
run by run on Python floats (the rule's FLOAT form, one call per coordinate, + the
surface's gradient on floats: the same floats at a fraction of the cost of tiny ufunc
calls). Loss, divergence (non-finite point, loss or gradient; point outside the box 100× the
view domain) and convergence (full gradient norm < tol) are computed vectorized after each
chunk, and a run is cut at its first stopping step. Randomness comes from per-run seeded
generators, drawn in step order, so ``step(1)`` N times equals ``step(N)`` bit for bit.

A ``plateau`` run's rate reacts to its loss: after each update its tracker is fed the loss at
the point that update started from (the recorded ``loss`` of that step), so the ``lr`` column
replays ReduceLROnPlateau on the ``loss`` column. Such runs step in groups of their own,
with the loss evaluated every step.

A run may override the experiment's noise σ and batch size (``RunSpec.noise``,
``RunSpec.batch_size``); groups are split by (update rule, batch size, noisy or not), so a run
with an override is bit-identical to the same run in an experiment with that setting.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from gdsim.errors import GdsimError

# Experiment, RunSpec, validate... live in gdsim.experiment; imported here for the stepping
# and kept importable from this module (the app and scripts import them from here).
from gdsim.experiment import (  # noqa: F401
    BOX_FACTOR,
    MAX_STEPS,
    RUN_BATCH_SIZE,
    RUN_NOISE,
    RUN_OVERRIDES,
    Experiment,
    RunSpec,
    ValidRun,
    build_surface,
    check_view,
    run_labels,
    surface_formula,
    validate,
)
from gdsim.rules.base import FLOAT_ERRORS
from gdsim.rules.modern import AVERAGED, averaged_point
from gdsim.trajectory import Trajectory

STATUSES = ("running", "converged", "diverged", "max_steps")
_CHUNK_ELEMENTS = 2_000_000  # cap on steps × runs held in one chunk's buffers
_POINT_GROUP_MAX = 8  # groups this small step run by run on floats (measured crossover ~10)


class RunState:
    """One enabled run's live state: status, why it stopped (``reason``; ``cause`` and
    ``stop_step`` as fields), steps and recorded trajectory."""

    def __init__(self, label: str, spec: RunSpec, index: int, optimizer: Any, schedule: Any,
                 start: tuple[float, float], seed: int, noise: float = 0.0,
                 batch_size: int = 0):
        self.label = label
        self.spec = spec
        self.index = index  # position in Experiment.runs
        self.optimizer = optimizer
        self.schedule = schedule
        self.start = start
        self.seed = seed
        self.noise = noise  # effective σ (the run's override or the experiment's)
        self.batch_size = batch_size  # effective mini-batch size; 0: full batch
        self.status = "running"
        self.reason = ""  # e.g. "loss became inf at step 37"
        self.cause = ""  # the reason without its step: "loss became inf"
        self.stop_step: int | None = None  # the step the reason names (None while running)
        self.steps = 0  # updates applied = last recorded step
        self.trajectory = Trajectory()
        self._rng: np.random.Generator | None = None  # made on first use (``rng``)

    @property
    def rng(self) -> np.random.Generator:
        """The run's generator, ``default_rng(seed)``: made when first asked for (a run
        with neither noise nor mini-batches never needs one, nor ``numpy.random``)."""
        if self._rng is None:
            self._rng = np.random.default_rng(self.seed)
        return self._rng

    @classmethod
    def of(cls, v: ValidRun) -> RunState:
        """The fresh live state of validated run ``v``."""
        return cls(v.label, v.spec, v.index, v.optimizer, v.schedule, v.start, v.seed, v.noise,
                   v.batch_size)

    @property
    def optimizer_name(self) -> str:
        """The run's optimizer registry name."""
        return self.spec.optimizer

    @property
    def steps_to_converge(self) -> int | None:
        """Updates the run took to converge (gradient norm < tol), None unless it converged."""
        return self.steps if self.status == "converged" else None

    def __repr__(self) -> str:
        return f"RunState({self.label!r}, {self.status}, steps={self.steps})"


# ---------------------------------------------------------------- stepping


class _BatchStream:
    """Sample indices for mini-batches: epochs are fresh permutations, read B at a time.

    Every sample is used exactly once per epoch (each block of ``n_samples`` draws); a
    batch may straddle two epochs, so every step sees exactly B samples.
    """

    def __init__(self, rng: np.random.Generator, n_samples: int):
        self.rng = rng
        self.n = n_samples
        self.perm = rng.permutation(n_samples)
        self.pos = 0

    def take(self, k: int) -> np.ndarray:
        out = np.empty(k, dtype=np.intp)
        filled = 0
        while filled < k:
            if self.pos == self.n:
                self.perm = self.rng.permutation(self.n)
                self.pos = 0
            c = min(k - filled, self.n - self.pos)
            out[filled : filled + c] = self.perm[self.pos : self.pos + c]
            filled += c
            self.pos += c
        return out


class _Group:
    """Running runs that share one batched optimizer, with their live params and state.

    Members share a batch size and either all draw noise or none do (σ may differ per run).
    """

    def __init__(self, members: list[int], runs: list[RunState], params: np.ndarray,
                 grad: np.ndarray, state: Any = None, tracker: Any = None):
        from gdsim.optimizers import stack_optimizers
        from gdsim.schedules import PlateauTracker

        self.members = members
        opts = [runs[i].optimizer for i in members]
        self.opt = opts[0] if len(opts) == 1 else stack_optimizers(opts)
        self.params = np.ascontiguousarray(params, dtype=np.float64)
        self.grad = np.ascontiguousarray(grad, dtype=np.float64)
        self.state = self.opt.init(self.params) if state is None else state
        self.lr0 = [float(runs[i].optimizer.hparams["lr"]) for i in members]
        self.schedules = [runs[i].schedule for i in members]
        # plateau runs (a group holds only those, or none): rates that react to the loss
        self.tracker = tracker
        if tracker is None and self.schedules[0].reactive:
            self.tracker = PlateauTracker(self.schedules, self.lr0)
        # each member's loss at its current point (the last recorded one), fed to the tracker
        self.loss = (np.array([runs[i].trajectory.data[runs[i].trajectory.n - 1, 2]
                               for i in members]) if self.tracker is not None else None)
        self.batch = runs[members[0]].batch_size  # 0: full batch
        sigmas = [runs[i].noise for i in members]
        self.noisy = sigmas[0] > 0
        # one float when shared (as an experiment-wide σ), else a column per run: z·σ either way
        self.sigma: float | np.ndarray = (
            sigmas[0] if len(set(sigmas)) == 1 else np.array(sigmas)[None, :, None])

    def lr_table(self, t: int, m: int) -> np.ndarray:
        """Scheduled rates for steps t..t+m, ``(m + 1, Ng)``."""
        out = np.empty((m + 1, len(self.lr0)))
        ts = None
        for j, (s, lr0) in enumerate(zip(self.schedules, self.lr0, strict=True)):
            if s.name == "constant":
                out[:, j] = lr0
            else:
                ts = np.arange(t, t + m + 1) if ts is None else ts
                out[:, j] = np.asarray(s.values(lr0, ts), dtype=np.float64).reshape(m + 1)
        return out


def _slice_state(state: Any, keep: np.ndarray) -> Any:
    """Optimizer state restricted to the runs (rows) in ``keep`` (new contiguous arrays)."""
    return state.rows(keep).copy()


def _first_true(mask: np.ndarray) -> np.ndarray:
    """Per column of a ``(m, Ng)`` mask, the first True row, or m when none."""
    m = mask.shape[0]
    first = np.argmax(mask, axis=0)
    return np.where(mask.any(axis=0), first, m)


def _nonfinite_reason(what: str, values: np.ndarray) -> str:
    return f"{what} became {'nan' if np.isnan(values).any() else 'inf'}"


class Simulation:
    """Several runs of one experiment on one surface, stepped together."""

    def __init__(self, experiment: Experiment):
        built = validate(experiment)
        self.experiment = experiment
        self.surface = built.surface
        self.runs: list[RunState] = [RunState.of(v) for v in built.runs]
        self.max_steps = built.steps
        self.noise = built.noise
        self.batch_size = built.batch_size
        self.tol = built.tol
        self.box = built.box
        self.reset()

    # -- life cycle

    def reset(self) -> None:
        """Back to step 0: fresh generators, optimizer states and trajectories."""
        self.t = 0
        self._arc_cache: dict[int, tuple[Trajectory, np.ndarray]] = {}
        self._groups: list[_Group] = []
        self._noise_rngs: dict[int, np.random.Generator] = {}
        self._batches: dict[int, _BatchStream] = {}
        self._averaged: dict[int, tuple[int, np.ndarray]] = {}
        n = len(self.runs)
        if n == 0:
            return
        starts = np.array([r.start for r in self.runs], dtype=np.float64)
        with np.errstate(all="ignore"):
            loss = np.asarray(self.surface.value(starts), dtype=np.float64)
            grad = np.asarray(self.surface.grad(starts), dtype=np.float64)
        for i, r in enumerate(self.runs):
            r.status, r.reason, r.cause, r.stop_step, r.steps = "running", "", "", None, 0
            r.trajectory = Trajectory(capacity=min(self.max_steps + 1, 1024),
                                      limit=self.max_steps + 1)
            r._rng = None  # fresh: default_rng(seed) again when needed
            if r.noise > 0 or r.batch_size:  # the same streams as ever, only made when used
                noise_rng, batch_rng = r.rng.spawn(2)
                if r.noise > 0:
                    self._noise_rngs[i] = noise_rng
                if r.batch_size:
                    self._batches[i] = _BatchStream(batch_rng, int(self.surface.n_samples))
            row = r.trajectory.block(0, 1)[0]
            row[0:2] = starts[i]
            row[2] = loss[i]
            row[3:5] = grad[i]
            lr0 = float(r.optimizer.hparams["lr"])
            row[5] = lr0 if r.schedule.reactive else float(
                np.asarray(r.schedule.values(lr0, np.arange(1))).reshape(-1)[0])
            r.trajectory.n = 1
            if r.optimizer.family in AVERAGED:  # z starts at y, so x does too
                self._averaged[i] = (0, starts[i].copy())
            self._judge_start(r)
        # Group running runs by update rule and boolean flags (+ batch size and noisy or not:
        # a group steps on one path), in run order.
        keys: dict[tuple, list[int]] = {}
        for i, r in enumerate(self.runs):
            if r.status != "running":
                continue
            key = (r.optimizer.stack_key, r.batch_size, r.noise > 0, r.schedule.reactive)
            keys.setdefault(key, []).append(i)
        for members in keys.values():
            self._groups.extend(self._make_groups(members, starts[members], grad[members]))
        self._finish_max_steps()

    def _make_groups(self, members: list[int], params: np.ndarray, grad: np.ndarray,
                     state: Any = None, tracker: Any = None) -> list[_Group]:
        try:
            return [_Group(members, self.runs, params, grad, state, tracker)]
        except GdsimError:
            if len(members) == 1:
                raise
        # Not stackable after all: one group per run (fresh state only happens at reset).
        out = []
        for j, i in enumerate(members):
            st = None if state is None else _slice_state(state, np.array([j]))
            tr = None if tracker is None else tracker.take(np.array([j]))
            out.append(_Group([i], self.runs, params[j : j + 1], grad[j : j + 1], st, tr))
        return out

    def _keep_averaged(self, g: _Group, params: np.ndarray, keep: np.ndarray,
                       step: int) -> None:
        """Remember schedule-free runs' averaged point x at ``step`` (runs still going)."""
        x = averaged_point(g.opt.name, g.opt._h, params, g.state.buffers)
        for j, i in enumerate(g.members):
            if keep[j]:
                self._averaged[i] = (step, x[j].copy())

    def averaged_point(self, i: int, step: int) -> np.ndarray | None:
        """Schedule-free run ``i``'s averaged point x at ``step`` (SPEC §10: drawn beside the
        gradient point y), when the engine holds it: at step 0 and at the run's latest step."""
        got = self._averaged.get(i)
        return got[1] if got is not None and got[0] == step else None

    def _judge_start(self, r: RunState) -> None:
        """Status of a run at step 0 (start point outside the box, non-finite, or converged)."""
        row = r.trajectory.data[0]
        cx, cy, hx, hy = self.box
        if not np.isfinite(row[2]):
            self._stop(r, "diverged", _nonfinite_reason("loss", row[2:3]), 0, "at the start point")
        elif not np.isfinite(row[3:5]).all():
            self._stop(r, "diverged", _nonfinite_reason("gradient", row[3:5]), 0,
                       "at the start point")
        elif abs(row[0] - cx) > hx or abs(row[1] - cy) > hy:
            self._stop(r, "diverged", "start point is outside the domain box", 0, "")
        elif math.hypot(row[3], row[4]) < self.tol:
            self._stop(r, "converged", f"gradient norm < tol={self.tol:g}", 0)

    def _stop(self, r: RunState, status: str, cause: str, step: int,
              where: str | None = None) -> None:
        """Stop run ``r``: ``cause`` happened at ``step``; the reason reads "<cause> at step
        <step>", or "<cause> <where>" when ``where`` is given."""
        r.status = status
        r.cause = cause
        r.stop_step = step
        r.reason = f"{cause} at step {step}" if where is None else f"{cause} {where}".rstrip()
        r.steps = r.trajectory.n - 1
        r.trajectory.shrink()

    def _finish_max_steps(self) -> None:
        if self.t >= self.max_steps:
            for r in self.runs:
                if r.status == "running":
                    self._stop(r, "max_steps", f"reached the maximum of {self.max_steps} steps",
                               self.max_steps, "")
            self._groups = []

    @property
    def done(self) -> bool:
        """True when no run is still running."""
        return all(r.status != "running" for r in self.runs)

    def run(self) -> None:
        """Step until every run has stopped (converged, diverged or max steps)."""
        while not self.done:
            self.step(self.max_steps - self.t)

    def step(self, n: int = 1) -> int:
        """Advance the running runs by up to ``n`` steps; return how far ``t`` moved."""
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
            raise GdsimError(f"step count must be an integer ≥ 0, got {n!r}")
        n = min(int(n), self.max_steps - self.t)
        t0 = self.t
        while n > 0 and self._groups:
            running = sum(len(g.members) for g in self._groups)
            m = min(n, max(16, _CHUNK_ELEMENTS // running))
            self._advance(m)
            n -= m
        self._finish_max_steps()
        return self.t - t0

    # -- the hot path

    def _advance(self, m: int) -> None:
        """Step every group ``m`` times, then judge all runs at once and cut stopped ones."""
        t = self.t
        stepped = [(g, *self._step_group(g, t, m)) for g in self._groups]
        if len(stepped) == 1:
            _, P, G, LR, L = stepped[0]
        else:
            P = np.concatenate([s[1] for s in stepped], axis=1)
            G = np.concatenate([s[2] for s in stepped], axis=1)
            LR = np.concatenate([s[3] for s in stepped], axis=1)
            L = None
            if any(s[4] is not None for s in stepped):  # plateau groups bring their losses
                with np.errstate(all="ignore"):
                    L = np.concatenate([
                        s[4] if s[4] is not None
                        else np.asarray(self.surface.value(s[1][1:]), dtype=np.float64)
                        for s in stepped], axis=1)
        members = [i for g in self._groups for i in g.members]
        stops = self._record(members, t, m, P, G, LR, L)
        new_groups: list[_Group] = []
        col = 0
        for g, Pg, Gg, _, _ in stepped:
            keep = stops[col : col + len(g.members)] == 0
            col += len(g.members)
            if g.opt.family in AVERAGED:
                self._keep_averaged(g, Pg[m], keep, t + m)
            if keep.all():
                g.params, g.grad = Pg[m].copy(), Gg[m].copy()
                new_groups.append(g)
            elif keep.any():
                kept = [i for i, k in zip(g.members, keep, strict=True) if k]
                state = _slice_state(g.state, keep)
                tracker = None if g.tracker is None else g.tracker.take(keep)
                new_groups.extend(self._make_groups(kept, Pg[m][keep], Gg[m][keep], state,
                                                    tracker))
        self._groups = new_groups
        self.t = t + m if new_groups else t + int(stops.max())

    def _record(self, members: list[int], t: int, m: int, P: np.ndarray, G: np.ndarray,
                LR: np.ndarray, L: np.ndarray | None = None) -> np.ndarray:
        """Write the chunk into the trajectories; return each run's stop offset (0: running).

        ``L``: the losses at ``P[1:]`` when already computed (plateau groups), else None.
        A run stops at its first non-finite row (kept up to the row before), first row
        outside the box, or first row with gradient norm < tol (both kept).
        """
        with np.errstate(all="ignore"):
            if L is None:
                L = np.asarray(self.surface.value(P[1:]), dtype=np.float64)
            Pn, Gn = P[1:], G[1:]
            finite = np.isfinite(Pn).all(axis=2) & np.isfinite(L) & np.isfinite(Gn).all(axis=2)
            cx, cy, hx, hy = self.box
            outside = (np.abs(Pn[:, :, 0] - cx) > hx) | (np.abs(Pn[:, :, 1] - cy) > hy)
            gnorm = np.hypot(Gn[:, :, 0], Gn[:, :, 1])
            conv = gnorm < self.tol
        bad = _first_true(~finite)
        out = _first_true(outside & finite)
        cv = _first_true(conv & finite)
        first = np.minimum(np.minimum(bad, out), cv)
        rows = np.where((first < m) & (bad > first), first + 1, first)
        stops = np.where(first < m, first + 1, 0)
        for j, i in enumerate(members):
            r = self.runs[i]
            k = int(rows[j])
            tr = r.trajectory
            n0 = tr.n
            blk = tr.block(n0, n0 + k)
            blk[:, 0:2] = P[1 : k + 1, j]
            blk[:, 2] = L[:k, j]
            blk[:, 3:5] = G[1 : k + 1, j]
            blk[:, 5] = LR[1 : k + 1, j]
            tr.n = n0 + k
            r.steps = tr.n - 1
            f = int(first[j])
            if f == m:
                continue
            at = t + f + 1
            if bad[j] == f:
                if not np.isfinite(P[f + 1, j]).all():
                    reason = _nonfinite_reason("point", P[f + 1, j])
                elif not np.isfinite(L[f, j]):
                    reason = _nonfinite_reason("loss", L[f, j])
                else:
                    reason = _nonfinite_reason("gradient", G[f + 1, j])
                self._stop(r, "diverged", reason, at)
            elif out[j] == f:
                self._stop(r, "diverged", "left the domain box", at)
            else:
                self._stop(r, "converged", f"gradient norm {gnorm[f, j]:.3g} < tol={self.tol:g}",
                           at)
        return stops

    def _step_group(self, g: _Group, t: int, m: int):
        """The hot loop: ``m`` updates of one group; returns points, gradients, rates and
        (plateau groups only, else None) the losses at the new points."""
        if g.tracker is not None:
            return self._step_reactive(g, m)
        surface = self.surface
        ng = len(g.members)
        P = np.empty((m + 1, ng, 2))
        G = np.empty((m + 1, ng, 2))
        P[0] = g.params
        G[0] = g.grad
        lr_all = g.lr_table(t, m)
        # One run: plain floats (cheaper per call, same IEEE arithmetic as a column).
        lr = lr_all[:m, :, None] if ng > 1 else lr_all[:m, 0].tolist()
        params, state, step_ = g.params, g.state, g.opt.step_
        grad = surface.grad
        batch = g.batch
        point_runs = None if batch else self._point_runs(g)
        with np.errstate(all="ignore"):
            if point_runs is not None:  # runs are independent: each takes its m steps alone
                noise = self._noise_block(g, m)
                for j, run in enumerate(point_runs):
                    self._step_point(run, m, P[:, j], G[:, j], lr_all[:m, j].tolist(),
                                     None if noise is None else noise[:, j])
                state.count += m
            elif batch:
                idx = np.stack([self._batches[i].take(m * batch).reshape(m, batch)
                                for i in g.members], axis=1)
                noise = self._noise_block(g, m)
                batch_grad = surface.batch_grad
                for k in range(m):
                    gs = batch_grad(params, idx[k])
                    if noise is not None:
                        gs = gs + noise[k]
                    step_(gs, state, params, lr[k])
                    P[k + 1] = params
                    grad(params, out=G[k + 1])
            elif g.noisy:
                noise = self._noise_block(g, m)
                gs = np.empty_like(params)
                for k in range(m):
                    np.add(G[k], noise[k], out=gs)
                    step_(gs, state, params, lr[k])
                    P[k + 1] = params
                    grad(params, out=G[k + 1])
            else:
                for k in range(m):
                    step_(G[k], state, params, lr[k])  # step_ only reads the gradient
                    P[k + 1] = params
                    grad(params, out=G[k + 1])
        return P, G, lr_all, None

    def _step_reactive(self, g: _Group, m: int):
        """``m`` updates of a group of plateau runs: after each update, the tracker is fed
        the loss at the point the update started from (evaluated per step, and recorded as
        such, so the ``lr`` column replays on the ``loss`` column)."""
        surface = self.surface
        ng = len(g.members)
        P = np.empty((m + 1, ng, 2))
        G = np.empty((m + 1, ng, 2))
        L = np.empty((m, ng))
        LR = np.empty((m + 1, ng))
        P[0] = g.params
        G[0] = g.grad
        params, state, step_, tracker = g.params, g.state, g.opt.step_, g.tracker
        grad, value = surface.grad, surface.value
        batch = g.batch
        idx = (np.stack([self._batches[i].take(m * batch).reshape(m, batch)
                         for i in g.members], axis=1) if batch else None)
        noise = self._noise_block(g, m)
        point_runs = (self._point_runs(g, coupled=False) if not batch and surface._scalar_f
                      and surface._scalar_g else None)
        if point_runs is not None:  # floats, run by run: the same numbers, ~50× faster
            with np.errstate(all="ignore"):
                for j, run in enumerate(point_runs):
                    self._step_point_reactive(run, m, P[:, j], G[:, j], L[:, j], LR[:, j],
                                              None if noise is None else noise[:, j], j, g)
            state.count += m
            g.loss = L[m - 1].copy()
            return P, G, LR, L
        loss = g.loss
        with np.errstate(all="ignore"):
            for k in range(m):
                LR[k] = tracker.lr
                lr = float(tracker.lr[0]) if ng == 1 else tracker.lr[:, None]
                gs = surface.batch_grad(params, idx[k]) if batch else G[k]
                if noise is not None:
                    gs = gs + noise[k]
                step_(gs, state, params, lr)
                P[k + 1] = params
                grad(params, out=G[k + 1])
                L[k] = value(params)
                tracker.step(loss)  # scheduler.step(loss at the point this update left)
                loss = L[k]
            LR[m] = tracker.lr
        g.loss = loss.copy()
        return P, G, LR, L

    def _point_runs(self, g: _Group, coupled: bool = True) -> list | None:
        """One :class:`~gdsim.optimizers.FloatRun` per member of a small group, over views of
        the group's params and state rows (each run's own optimizer: a stacked row equals
        its run alone), or None: the group is stepped on arrays. ``coupled``: a
        :class:`~gdsim.optimizers.VectorRun` may stand for a coordinate-coupled rule."""
        if len(g.members) > _POINT_GROUP_MAX:
            return None
        out = []
        for j, i in enumerate(g.members):
            opt = self.runs[i].optimizer if len(g.members) > 1 else g.opt
            if len(g.members) > 1 and set(opt.state_fields) != set(g.state.slots):
                return None  # e.g. gd stacked with momentum: the group has slots gd lacks
            run = opt.float_run(g.state.rows(slice(j, j + 1)), g.params[j : j + 1])
            if run is None or (not coupled and getattr(run, "coupled", False)):
                return None
            out.append(run)
        return out

    def _step_point(self, run: Any, m: int, P: np.ndarray, G: np.ndarray, lr: list[float],
                    noise: np.ndarray | None) -> None:
        """The hot loop for one 2-D run on Python floats (the rule's FLOAT form, one call per
        coordinate, and the surface's scalar gradient): the array loop's floats at a fraction
        of its cost. ``P``, ``G``: that run's ``(m + 1, 2)`` columns of the chunk; ``noise``
        ``(m, 2)``."""
        surface = self.surface
        if surface._scalar_g:
            grad2 = surface._g
        else:  # e.g. typed formulas: their own one-point gradient, through a (1, 2) array
            pt, gbuf = np.empty((1, 2)), np.empty((1, 2))

            def grad2(x, y):
                pt[0, 0] = x
                pt[0, 1] = y
                return surface.grad(pt, out=gbuf).tolist()[0]

        nz = noise.tolist() if noise is not None else None
        gx, gy = G[0].tolist()
        rows: list[float] = []
        extend = rows.extend
        if getattr(run, "coupled", False):  # VectorRun: one traced call per step
            step = run.step
            for k in range(m):
                if nz is not None:
                    nx, ny = nz[k]
                    gx += nx
                    gy += ny
                step([gx, gy], lr[k])
                x, y = run.p
                gx, gy = grad2(x, y)
                if type(gx) is not float or type(gy) is not float:
                    gx, gy = float(gx), float(gy)
                extend((x, y, gx, gy))
            self._store_point(run, rows, m, P, G)
            return
        update = run.update
        (x, y), (sx, sy) = run.p, run.s
        count = run.count
        for k in range(m):
            if nz is not None:
                nx, ny = nz[k]
                gx += nx
                gy += ny
            count += 1
            lrk = lr[k]
            try:
                x2, sx2 = update(gx, sx, x, lrk, count)
                y, sy = update(gy, sy, y, lrk, count)
                x, sx = x2, sx2
            except FLOAT_ERRORS:  # ÷0, √ of a negative: NumPy's inf/nan from the array rule
                (x, sx), (y, sy) = run.fallback([gx, gy], [sx, sy], [x, y], lrk, count)
            gx, gy = grad2(x, y)
            if type(gx) is not float or type(gy) is not float:  # np.float64, 0-d arrays
                gx, gy = float(gx), float(gy)
            extend((x, y, gx, gy))
        run.p, run.s, run.count = [x, y], [sx, sy], count
        self._store_point(run, rows, m, P, G)

    @staticmethod
    def _store_point(run: Any, rows: list[float], m: int, P: np.ndarray,
                     G: np.ndarray) -> None:
        """A one-run chunk's ``(x, y, gx, gy)`` rows into its ``P``/``G`` columns, and the
        run's floats back into its arrays."""
        out = np.array(rows, dtype=np.float64).reshape(m, 4)
        P[1:] = out[:, 0:2]
        G[1:] = out[:, 2:4]
        run.store()

    def _step_point_reactive(self, run: Any, m: int, P: np.ndarray, G: np.ndarray,
                             L: np.ndarray, LR: np.ndarray, noise: np.ndarray | None, j: int,
                             g: _Group) -> None:
        """:meth:`_step_point` for a plateau run: after each update its tracker (row ``j`` of
        the group's, on floats) is fed the loss at the point the update started from."""
        surface = self.surface
        grad2, f2 = surface._g, surface._f
        step_scalar = g.tracker.step_scalar
        sched, q = g.tracker.scalar(j)
        loss = float(g.loss[j])
        nz = noise.tolist() if noise is not None else None
        update = run.update
        (x, y), (sx, sy) = run.p, run.s
        count = run.count
        gx, gy = G[0].tolist()
        rows: list[float] = []
        extend = rows.extend
        for k in range(m):
            if nz is not None:
                nx, ny = nz[k]
                gx += nx
                gy += ny
            count += 1
            lrk = sched[0]
            try:
                x2, sx2 = update(gx, sx, x, lrk, count)
                y, sy = update(gy, sy, y, lrk, count)
                x, sx = x2, sx2
            except FLOAT_ERRORS:  # ÷0, √ of a negative: NumPy's inf/nan from the array rule
                (x, sx), (y, sy) = run.fallback([gx, gy], [sx, sy], [x, y], lrk, count)
            gx, gy = grad2(x, y)
            if type(gx) is not float or type(gy) is not float:
                gx, gy = float(gx), float(gy)
            fx = float(f2(x, y))
            step_scalar(sched, q, loss)  # scheduler.step(loss at the point this update left)
            loss = fx
            extend((x, y, gx, gy, fx, lrk))
        out = np.array(rows, dtype=np.float64).reshape(m, 6)
        P[1:] = out[:, 0:2]
        G[1:] = out[:, 2:4]
        L[:] = out[:, 4]
        LR[:m] = out[:, 5]
        LR[m] = sched[0]
        g.tracker.set_scalar(j, sched)
        run.p, run.s, run.count = [x, y], [sx, sy], count
        run.store()

    def _noise_block(self, g: _Group, m: int) -> np.ndarray | None:
        """The group's next ``m`` noise draws, ``(m, Ng, 2)``: σ_run · N(0, 1), or None."""
        if not g.noisy:
            return None
        z = np.stack([self._noise_rngs[i].standard_normal((m, 2)) for i in g.members], axis=1)
        return z * g.sigma

    # -- read-outs for the app

    def decimated(self, i: int, max_points: int, upto: int | None = None) -> np.ndarray:
        """At most ``max_points`` points of run ``i``'s path up to step ``upto`` (None: the
        latest; later steps clamp to it), first and last kept, in step order.

        Half the budget is spread evenly over steps, half evenly over arc length, so both
        the long slow tail and the early big jumps (oscillations) keep their shape.
        """
        if isinstance(max_points, bool) or not isinstance(max_points, int | np.integer) \
                or max_points < 2:
            raise GdsimError(f"max_points must be an integer ≥ 2, got {max_points!r}")
        n = self._rows_upto(i, upto)
        pts = self.runs[i].trajectory.points[:n]
        if n <= max_points:
            return pts.copy()
        half = max_points // 2
        by_step = np.linspace(0, n - 1, half).round().astype(np.intp)
        arc = self._arc_length(i)[:n]
        if arc[-1] > 0:
            targets = np.linspace(0.0, arc[-1], max_points - half)
            by_arc = np.minimum(np.searchsorted(arc, targets), n - 1)
        else:
            by_arc = np.zeros(0, dtype=np.intp)
        idx = np.unique(np.concatenate(([0, n - 1], by_step, by_arc)))
        if len(idx) > max_points:  # only for tiny budgets: thin evenly, ends kept
            idx = idx[np.linspace(0, len(idx) - 1, max_points).round().astype(np.intp)]
        return pts[idx]

    def _rows_upto(self, i: int, upto: int | None) -> int:
        """Number of recorded rows of run ``i`` up to step ``upto`` (None: all of them)."""
        n = self.runs[i].trajectory.n
        if upto is None:
            return n
        if isinstance(upto, bool) or not isinstance(upto, int | np.integer) or upto < 0:
            raise GdsimError(f"upto must be a step ≥ 0 (or None for the latest), got {upto!r}")
        return min(int(upto) + 1, n)

    def _arc_length(self, i: int) -> np.ndarray:
        """Cumulative path length of run ``i`` per step, extended incrementally per call."""
        tr = self.runs[i].trajectory
        cached = self._arc_cache.get(i)
        if cached is None or cached[0] is not tr or len(cached[1]) > tr.n:
            cached = (tr, np.zeros(1))
        arc = cached[1]
        done = len(arc)
        if done < tr.n:
            pts = tr.points[done - 1 :]
            seg = np.hypot(np.diff(pts[:, 0]), np.diff(pts[:, 1]))
            arc = np.concatenate((arc, arc[-1] + np.cumsum(seg)))
            self._arc_cache[i] = (tr, arc)
        return arc

    def min_distance(self, i: int, rows: np.ndarray | None = None) -> np.ndarray:
        """Run ``i``'s distance to the nearest known minimum at every recorded step, or only
        at step indices ``rows`` when given (NaN where the surface knows no minimum)."""
        pts = self.runs[i].trajectory.points
        if rows is not None:
            idx = np.asarray(rows)
            if idx.ndim != 1 or (idx.size and idx.dtype.kind not in "iu"):
                raise GdsimError(f"rows must be a 1-D array of step indices, got {rows!r}")
            if idx.size and (idx.min() < 0 or idx.max() >= len(pts)):
                raise GdsimError(f"rows must be steps in 0..{len(pts) - 1}")
            pts = pts[idx]
        minima = np.asarray(self.surface.minima, dtype=np.float64).reshape(-1, 2)
        if minima.shape[0] == 0:
            return np.full(pts.shape[0], np.nan)
        d = np.hypot(pts[:, None, 0] - minima[None, :, 0], pts[:, None, 1] - minima[None, :, 1])
        return d.min(axis=1)

    def state_at(self, i: int, step: int) -> tuple[float, float, float, float, float, float]:
        """``(x, y, loss, grad_x, grad_y, lr)`` of run ``i`` at ``step`` (its last row if later)."""
        tr = self.runs[i].trajectory
        if isinstance(step, bool) or not isinstance(step, int | np.integer) or step < 0:
            raise GdsimError(f"step must be an integer ≥ 0, got {step!r}")
        row = tr.data[min(int(step), tr.n - 1)]
        return tuple(float(v) for v in row)  # type: ignore[return-value]
