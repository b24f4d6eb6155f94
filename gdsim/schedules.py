"""Learning-rate schedules (SPEC §3, §10): closed forms of torch.optim.lr_scheduler, per step t.

A schedule maps the base rate lr₀ and the step t = 0, 1, 2, … to the rate the update from
step t to t+1 uses. :meth:`Schedule.values` is the one implementation (vectorized over t
and lr₀); ``schedule(lr0, t)`` evaluates it at one step, so both give identical floats.

``plateau`` (ReduceLROnPlateau) is the one *reactive* schedule: its rate depends on the
losses seen, so it has no ``values``; :meth:`Schedule.tracker` gives a
:class:`PlateauTracker` that the engine feeds, after each update, the loss at the point
that update started from (torch's loop: loss, backward, optimizer.step(),
scheduler.step(loss)).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gdsim.errors import GdsimError
from gdsim.params import Param, resolve, unknown_name


@dataclass(frozen=True)
class ScheduleInfo:
    """One registry entry: name, title, closed form as text, torch equivalent, params."""

    name: str
    title: str
    formula: str
    reference: str
    params: tuple[Param, ...]


_GAMMA_HELP = "multiplicative decay factor γ"
_T_MAX = Param("t_max", 1000, "step at which the cosine reaches eta_min", kind=int, low=1)
_ETA_MIN = Param("eta_min", 0.0, "final (minimum) learning rate", low=0.0)

SCHEDULES: dict[str, ScheduleInfo] = {
    info.name: info
    for info in (
        ScheduleInfo("constant", "Constant", "η_t = lr₀", "—", ()),
        ScheduleInfo(
            "step", "Step decay", "η_t = lr₀·γ^⌊t/step_size⌋", "torch.optim.lr_scheduler.StepLR",
            (
                Param("step_size", 100, "steps between decays", kind=int, low=1),
                Param("gamma", 0.5, _GAMMA_HELP, low=0.0, high=1.0, low_open=True),
            ),
        ),
        ScheduleInfo(
            "exponential", "Exponential decay", "η_t = lr₀·γ^t",
            "torch.optim.lr_scheduler.ExponentialLR",
            (Param("gamma", 0.99, _GAMMA_HELP, low=0.0, high=1.0, low_open=True),),
        ),
        ScheduleInfo(
            "cosine", "Cosine annealing",
            "η_t = η_min + (lr₀ − η_min)·(1 + cos(π·t/t_max))/2 for t ≤ t_max, then η_min",
            "torch.optim.lr_scheduler.CosineAnnealingLR (closed form)",
            (_T_MAX, _ETA_MIN),
        ),
        ScheduleInfo(
            "warmup_cosine", "Linear warmup + cosine",
            "η_t = lr₀·t/warmup for t < warmup\n"
            "η_t = η_min + (lr₀ − η_min)·(1 + cos(π·(t − warmup)/(t_max − warmup)))/2 "
            "for warmup ≤ t ≤ t_max\n"
            "η_t = η_min after t_max",
            "LinearLR warmup then CosineAnnealingLR (closed form)",
            (Param("warmup", 50, "warmup steps (0 < warmup < t_max)", kind=int, low=1),
             _T_MAX, _ETA_MIN),
        ),
        ScheduleInfo(
            "inverse_time", "Inverse-time decay", "η_t = lr₀/(1 + decay·t)",
            "lr₀/(1 + decay·t) (Keras InverseTimeDecay)",
            (Param("decay", 0.01, "decay rate of 1/(1 + decay·t)", low=0.0, log=True),),
        ),
        ScheduleInfo(
            "linear", "Linear ramp",
            "η_t = lr₀·(s + (e − s)·min(t, T)/T)   (s = start_factor, e = end_factor, "
            "T = total_iters)",
            "torch.optim.lr_scheduler.LinearLR (closed form)",
            (Param("start_factor", 1 / 3, "factor of lr₀ at step 0", low=0.0, high=1.0,
                   low_open=True),
             Param("end_factor", 1.0, "factor of lr₀ from step total_iters on", low=0.0,
                   high=1.0),
             Param("total_iters", 100, "steps of the ramp", kind=int, low=1)),
        ),
        ScheduleInfo(
            "polynomial", "Polynomial decay",
            "η_t = lr₀·(1 − min(t, T)/T)^power   (T = total_iters; 0 from T on)",
            "torch.optim.lr_scheduler.PolynomialLR (closed form)",
            (Param("total_iters", 1000, "steps until the rate reaches 0", kind=int, low=1),
             Param("power", 1.0, "exponent of the decay (1: linear)", low=0.0, low_open=True)),
        ),
        ScheduleInfo(
            "multistep", "Multi-step decay",
            "η_t = lr₀·γ^(number of milestones ≤ t)",
            "torch.optim.lr_scheduler.MultiStepLR (closed form)",
            (Param("milestones", (250, 500, 750), "steps at which the rate is multiplied by γ",
                   kind=tuple, low=1),
             Param("gamma", 0.5, _GAMMA_HELP, low=0.0, high=1.0, low_open=True)),
        ),
        ScheduleInfo(
            "cosine_restarts", "Cosine with warm restarts",
            "η_t = η_min + (lr₀ − η_min)·(1 + cos(π·T_cur/T_i))/2\n"
            "T_i = t_0·t_mult^i: length of cycle i; T_cur = steps since its start",
            "torch.optim.lr_scheduler.CosineAnnealingWarmRestarts",
            (Param("t_0", 200, "steps of the first cycle", kind=int, low=1),
             Param("t_mult", 1, "each cycle is t_mult times longer than the last", kind=int,
                   low=1),
             _ETA_MIN),
        ),
        ScheduleInfo(
            "onecycle", "One-cycle",
            "warm up from lr₀/div_factor to lr₀ over pct_start·total_steps steps, then anneal "
            "(cos or linear) to lr₀/(div_factor·final_div_factor) at total_steps − 1; "
            "held from then on\n"
            "three_phase: up, back down to lr₀/div_factor, then the final anneal\n"
            "cos: η = e + (s − e)·(1 + cos(π·p))/2,  linear: η = s + (e − s)·p  "
            "(p: fraction of the phase)",
            "torch.optim.lr_scheduler.OneCycleLR (max_lr = lr₀, cycle_momentum=False)",
            (Param("total_steps", 1000, "steps of the cycle", kind=int, low=1),
             Param("pct_start", 0.3, "fraction of the cycle spent warming up", low=0.0,
                   high=1.0, low_open=True, high_open=True),
             Param("anneal_strategy", "cos", "shape of the warm-up and the anneal", kind=str,
                   choices=("cos", "linear")),
             Param("div_factor", 25.0, "the cycle starts at lr₀/div_factor", low=0.0,
                   low_open=True, log=True),
             Param("final_div_factor", 1e4, "it ends at lr₀/(div_factor·final_div_factor)",
                   low=0.0, low_open=True, log=True),
             Param("three_phase", False, "come back down to the start before the final "
                   "anneal", kind=bool)),
        ),
        ScheduleInfo(
            "cyclic", "Cyclical (CLR)",
            "c = ⌊1 + t/(up + down)⌋,  x = 1 + t/(up + down) − c\n"
            "η_t = base_lr + (lr₀ − base_lr)·h(x)·scale   (h: 0→1 over up steps, 1→0 over down)\n"
            "scale: triangular 1,  triangular2 1/2^(c−1),  exp_range γ^t",
            "torch.optim.lr_scheduler.CyclicLR (max_lr = lr₀, cycle_momentum=False)",
            (Param("base_lr", 1e-4, "lowest rate of the cycle", low=0.0, log=True),
             Param("step_size_up", 100, "steps from base_lr up to lr₀", kind=int, low=1),
             Param("step_size_down", None,
                   "steps from lr₀ back down; none: the same as step_size_up",
                   kind=int, low=1, optional=True),
             Param("mode", "triangular", "how the peak changes from cycle to cycle",
                   kind=str, choices=("triangular", "triangular2", "exp_range")),
             Param("gamma", 1.0, "exp_range: the peak shrinks by γ^t", low=0.0, high=1.0,
                   low_open=True)),
        ),
        ScheduleInfo(
            "plateau", "Reduce on plateau",
            "after each update, with the loss L at the point it started from:\n"
            "L < best·(1 − threshold) (rel) or best − threshold (abs): best ← L, else bad += 1\n"
            "bad > patience: η ← max(η·factor, min_lr) (if it drops by more than eps), "
            "then wait cooldown steps",
            "torch.optim.lr_scheduler.ReduceLROnPlateau (mode=min)",
            (Param("factor", 0.1, "the rate is multiplied by this on a plateau", low=0.0,
                   high=1.0, low_open=True, high_open=True),
             Param("patience", 10, "steps without improvement tolerated", kind=int, low=0),
             Param("threshold", 1e-4, "smallest improvement that counts", low=0.0,
                   log=True),
             Param("threshold_mode", "rel", "rel: relative to best; abs: absolute", kind=str,
                   choices=("rel", "abs")),
             Param("cooldown", 0, "steps to wait after a drop before counting again",
                   kind=int, low=0),
             Param("min_lr", 0.0, "the rate never drops below this", low=0.0),
             Param("eps", 1e-8, "drops smaller than this are skipped", low=0.0, log=True)),
        ),
    )
}


def _cosine(lr0, t, t0, t_max, eta_min):
    """η_min + (lr₀ − η_min)(1 + cos(π(t − t0)/(t_max − t0)))/2, η_min after t_max."""
    frac = np.minimum(t - t0, t_max - t0) / (t_max - t0)
    return eta_min + (lr0 - eta_min) * (1.0 + np.cos(np.pi * frac)) / 2.0


def _restart_cycles(t: np.ndarray, t_0: int, t_mult: int) -> tuple[np.ndarray, np.ndarray]:
    """(T_cur, T_i) of CosineAnnealingWarmRestarts at steps ``t``, in exact integers."""
    ti = np.asarray(t, dtype=np.int64)
    if t_mult == 1:
        return ti % t_0, np.full_like(ti, t_0)
    top = int(ti.max()) if ti.size else 0
    starts, lengths = [0], [t_0]
    while starts[-1] + lengths[-1] <= top:  # cycle boundaries up to the last step asked
        starts.append(starts[-1] + lengths[-1])
        lengths.append(lengths[-1] * t_mult)
    k = np.searchsorted(np.array(starts), ti, side="right") - 1
    return ti - np.array(starts)[k], np.array(lengths)[k]


def onecycle_phases(total_steps: int, pct_start: float,
                    three_phase: bool) -> list[tuple[float, str, str]]:
    """OneCycleLR's phases: (end step, start rate, end rate), rates named as in torch."""
    if three_phase:
        return [(float(pct_start * total_steps) - 1, "initial", "max"),
                (float(2 * pct_start * total_steps) - 2, "max", "initial"),
                (float(total_steps - 1), "initial", "min")]
    return [(float(pct_start * total_steps) - 1, "initial", "max"),
            (float(total_steps - 1), "max", "min")]


def _onecycle(lr0, t, q):
    """OneCycleLR's rate (its own per-step formula), held at step total_steps − 1 after it."""
    initial = lr0 / q["div_factor"]
    rates = {"max": lr0, "initial": initial, "min": initial / q["final_div_factor"]}
    t = np.minimum(t, q["total_steps"] - 1)
    out = np.zeros(np.broadcast(lr0, t).shape)
    done = np.zeros(t.shape, dtype=bool)
    start_step = 0.0
    phases = onecycle_phases(q["total_steps"], q["pct_start"], q["three_phase"])
    for i, (end_step, a, b) in enumerate(phases):
        here = ~done & ((t <= end_step) | (i == len(phases) - 1))
        pct = (t - start_step) / (end_step - start_step)
        start, end = rates[a], rates[b]
        if q["anneal_strategy"] == "cos":
            rate = end + (start - end) / 2.0 * (np.cos(np.pi * pct) + 1)
        else:
            rate = (end - start) * pct + start
        out = np.where(here, rate, out)
        done |= here
        start_step = end_step
    return out


def _cyclic(lr0, t, q):
    """CyclicLR's closed form (max_lr = lr₀)."""
    up = float(q["step_size_up"])
    down = float(q["step_size_down"]) if q["step_size_down"] is not None else up
    total = up + down
    ratio = up / total
    cycle = np.floor(1 + t / total)
    x = 1.0 + t / total - cycle
    scale = np.where(x <= ratio, x / ratio, (x - 1) / (ratio - 1))
    base = q["base_lr"]
    height = (lr0 - base) * scale
    if q["mode"] == "triangular":
        return base + height * 1.0
    if q["mode"] == "triangular2":
        return base + height * (1 / (2.0 ** (cycle - 1)))
    return base + height * np.power(q["gamma"], t)


class PlateauTracker:
    """ReduceLROnPlateau (mode=min) for n runs at once: each run's rate, best loss, bad-step
    count and cooldown, as ``(n,)`` arrays (parameters may differ per run).

    :attr:`lr` is the rate of the next update; :meth:`step` takes the loss at the point
    that update started from, after the update, exactly as torch's ``scheduler.step(loss)``.
    """

    def __init__(self, schedules: Sequence[Schedule], lr0: Sequence[float] | np.ndarray):
        qs = [s.params for s in schedules]
        if any(s.name != "plateau" for s in schedules):
            raise GdsimError("PlateauTracker takes plateau schedules only")
        n = len(qs)
        lr = np.asarray(lr0, dtype=np.float64).reshape(-1)
        self.lr = np.array(np.broadcast_to(lr, (n,)) if lr.size == 1 else lr, dtype=np.float64)

        def col(key, dtype=np.float64):
            return np.array([q[key] for q in qs], dtype=dtype)

        self.factor, self.threshold = col("factor"), col("threshold")
        self.min_lr, self.eps = col("min_lr"), col("eps")
        self.patience, self.cooldown = col("patience", np.int64), col("cooldown", np.int64)
        self.rel = np.array([q["threshold_mode"] == "rel" for q in qs])
        self.best = np.full(n, math.inf)
        self.num_bad = np.zeros(n, dtype=np.int64)
        self.cooldown_counter = np.zeros(n, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.lr)

    def step(self, loss: np.ndarray) -> None:
        """One ``scheduler.step(loss)`` per run: ``loss`` ``(n,)``, the loss at the point the
        update just made started from."""
        a = np.asarray(loss, dtype=np.float64).reshape(-1)
        with np.errstate(invalid="ignore"):
            rel_epsilon = 1.0 - self.threshold
            bar = np.where(self.rel, self.best * rel_epsilon, self.best - self.threshold)
            better = a < bar
        self.best = np.where(better, a, self.best)
        self.num_bad = np.where(better, 0, self.num_bad + 1)
        cool = self.cooldown_counter > 0
        self.cooldown_counter = np.where(cool, self.cooldown_counter - 1, self.cooldown_counter)
        self.num_bad = np.where(cool, 0, self.num_bad)
        reduce = self.num_bad > self.patience
        new = np.maximum(self.lr * self.factor, self.min_lr)
        self.lr = np.where(reduce & (self.lr - new > self.eps), new, self.lr)
        self.cooldown_counter = np.where(reduce, self.cooldown, self.cooldown_counter)
        self.num_bad = np.where(reduce, 0, self.num_bad)

    def scalar(self, j: int) -> tuple[list, tuple]:
        """Run ``j``'s state ``[lr, best, num_bad, cooldown_counter]`` and parameters as Python
        numbers, for :meth:`step_scalar` (write the state back with :meth:`set_scalar`)."""
        state = [float(self.lr[j]), float(self.best[j]), int(self.num_bad[j]),
                 int(self.cooldown_counter[j])]
        params = (float(self.factor[j]), float(self.threshold[j]), bool(self.rel[j]),
                  int(self.patience[j]), int(self.cooldown[j]), float(self.min_lr[j]),
                  float(self.eps[j]))
        return state, params

    def set_scalar(self, j: int, state: list) -> None:
        """Write back run ``j``'s state from :meth:`scalar` after :meth:`step_scalar` calls."""
        self.lr[j], self.best[j], self.num_bad[j], self.cooldown_counter[j] = state

    @staticmethod
    def step_scalar(state: list, params: tuple, a: float) -> None:
        """:meth:`step` for one run on Python floats (the same operations, bit for bit)."""
        factor, threshold, rel, patience, cooldown, min_lr, eps = params
        lr, best, bad, cool = state
        if a < (best * (1.0 - threshold) if rel else best - threshold):
            best, bad = a, 0
        else:
            bad += 1
        if cool > 0:
            cool -= 1
            bad = 0
        if bad > patience:
            new = max(lr * factor, min_lr)
            if lr - new > eps:
                lr = new
            cool, bad = cooldown, 0
        state[0], state[1], state[2], state[3] = lr, best, bad, cool

    def take(self, rows: np.ndarray) -> PlateauTracker:
        """A tracker of the runs ``rows`` (a boolean mask or indices), state included."""
        out = PlateauTracker.__new__(PlateauTracker)
        for k, v in self.__dict__.items():
            setattr(out, k, v[rows].copy())
        return out

    def rates(self, losses: np.ndarray) -> np.ndarray:
        """Feed ``losses`` ``(m, n)`` (loss at steps t..t+m−1) one row at a time; return the
        rates at steps t..t+m, ``(m + 1, n)``."""
        losses = np.asarray(losses, dtype=np.float64)
        out = np.empty((losses.shape[0] + 1, len(self)))
        out[0] = self.lr
        for k, row in enumerate(losses):
            self.step(row)
            out[k + 1] = self.lr
        return out


class Schedule:
    """A validated schedule: ``values(lr0, t)`` vectorized, ``schedule(lr0, t)`` one step."""

    def __init__(self, name: str, params: dict):
        self.name = name
        self.params = params

    def __repr__(self) -> str:
        return f"Schedule({self.name!r}, {self.params!r})"

    @property
    def info(self) -> ScheduleInfo:
        """This schedule's registry entry."""
        return SCHEDULES[self.name]

    @property
    def reactive(self) -> bool:
        """True when the rate depends on the losses seen (plateau): use :meth:`tracker`."""
        return self.name in REACTIVE

    def tracker(self, lr0: float | Sequence[float] | np.ndarray) -> PlateauTracker:
        """A fresh :class:`PlateauTracker` of this (reactive) schedule for base rate(s) ``lr0``."""
        if not self.reactive:
            raise GdsimError(f"schedule {self.name} does not react to the loss; use values()")
        lr = np.asarray(lr0, dtype=np.float64).reshape(-1)
        return PlateauTracker([self] * len(lr), lr)

    def __call__(self, lr0: float, t: int) -> float:
        """The rate at step ``t`` for base rate ``lr0`` (same float as :meth:`values`)."""
        if self.name == "constant":
            if t < 0:
                raise GdsimError(f"schedule {self.name}: step must be ≥ 0, got {t}")
            return float(lr0)
        return float(self.values(lr0, np.asarray(t)))

    def values(self, lr0: float | np.ndarray, t: np.ndarray) -> np.ndarray:
        """Rates at integer steps ``t`` (any shape) for ``lr0`` (float or array, broadcast)."""
        if self.reactive:
            raise GdsimError(f"schedule {self.name} reacts to the loss: its rates come from "
                             "tracker(), fed the loss after each update")
        t = np.asarray(t)
        if t.size and (not np.issubdtype(t.dtype, np.integer) and np.any(t != np.floor(t))):
            raise GdsimError(f"schedule {self.name}: steps must be integers")
        t = t.astype(np.float64)
        if t.size and np.min(t) < 0:
            raise GdsimError(f"schedule {self.name}: steps must be ≥ 0, got {np.min(t):g}")
        lr0 = np.asarray(lr0, dtype=np.float64)
        q = self.params
        if self.name == "constant":
            out = lr0 + np.zeros_like(t)
        elif self.name == "step":
            out = lr0 * np.power(q["gamma"], np.floor_divide(t, q["step_size"]))
        elif self.name == "exponential":
            out = lr0 * np.power(q["gamma"], t)
        elif self.name == "cosine":
            out = _cosine(lr0, t, 0.0, q["t_max"], q["eta_min"])
        elif self.name == "warmup_cosine":
            wu = q["warmup"]
            out = np.where(t < wu, lr0 * t / wu, _cosine(lr0, np.maximum(t, wu), wu,
                                                         q["t_max"], q["eta_min"]))
        elif self.name == "inverse_time":
            out = lr0 / (1.0 + q["decay"] * t)
        elif self.name == "linear":
            sf, ef, total = q["start_factor"], q["end_factor"], q["total_iters"]
            out = lr0 * (sf + (ef - sf) * np.minimum(total, t) / total)
        elif self.name == "polynomial":
            total = q["total_iters"]
            out = lr0 * np.power(1.0 - np.minimum(total, t) / total, q["power"])
        elif self.name == "multistep":
            k = np.searchsorted(np.asarray(q["milestones"], dtype=np.float64), t, side="right")
            out = lr0 * np.power(q["gamma"], k)
        elif self.name == "cosine_restarts":
            tcur, ti = _restart_cycles(t, q["t_0"], q["t_mult"])
            eta = q["eta_min"]
            out = eta + (lr0 - eta) * (1 + np.cos(np.pi * tcur / ti)) / 2
        elif self.name == "onecycle":
            out = _onecycle(lr0, t, q)
        else:  # cyclic
            out = _cyclic(lr0, t, q)
        return np.asarray(out, dtype=np.float64)


REACTIVE = ("plateau",)


def make_schedule(name: str = "constant", **params) -> Schedule:
    """Validated schedule ``name`` (SPEC §3, §10) with defaults filled in; GdsimError if bad."""
    if not isinstance(name, str) or name not in SCHEDULES:
        raise unknown_name("schedule", name, list(SCHEDULES))
    q = resolve(SCHEDULES[name].params, params, name)
    if name == "warmup_cosine" and not q["warmup"] < q["t_max"]:
        raise GdsimError(f"{name}: warmup={q['warmup']} must be less than t_max={q['t_max']} "
                         "(need 0 < warmup < t_max)")
    if name == "onecycle":
        ends = [0.0] + [e for e, _, _ in onecycle_phases(q["total_steps"], q["pct_start"],
                                                        q["three_phase"])]
        if any(b <= a for a, b in zip(ends, ends[1:], strict=False)):
            need = ("1 < pct_start·total_steps and 2·pct_start·total_steps < total_steps + 1"
                    if q["three_phase"] else "1 < pct_start·total_steps < total_steps")
            raise GdsimError(f"{name}: pct_start={q['pct_start']!r} with total_steps="
                             f"{q['total_steps']} leaves a phase with no steps: need {need}")
    if name == "plateau" and q["threshold_mode"] == "rel" and not q["threshold"] < 1:
        raise GdsimError(f"{name}: threshold={q['threshold']!r} is out of range with "
                         "threshold_mode=rel: need 0 ≤ threshold < 1")
    return Schedule(name, q)
