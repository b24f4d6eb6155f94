"""Learning-rate schedules (SPEC §3): closed forms of torch.optim.lr_scheduler, per step t.

A schedule maps the base rate lr₀ and the step t = 0, 1, 2, … to the rate the update from
step t to t+1 uses. :meth:`Schedule.values` is the one implementation (vectorized over t
and lr₀); ``schedule(lr0, t)`` evaluates it at one step, so both give identical floats.
"""

from __future__ import annotations

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
    )
}


def _cosine(lr0, t, t0, t_max, eta_min):
    """η_min + (lr₀ − η_min)(1 + cos(π(t − t0)/(t_max − t0)))/2, η_min after t_max."""
    frac = np.minimum(t - t0, t_max - t0) / (t_max - t0)
    return eta_min + (lr0 - eta_min) * (1.0 + np.cos(np.pi * frac)) / 2.0


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

    def __call__(self, lr0: float, t: int) -> float:
        """The rate at step ``t`` for base rate ``lr0`` (same float as :meth:`values`)."""
        if self.name == "constant":
            if t < 0:
                raise GdsimError(f"schedule {self.name}: step must be ≥ 0, got {t}")
            return float(lr0)
        return float(self.values(lr0, np.asarray(t)))

    def values(self, lr0: float | np.ndarray, t: np.ndarray) -> np.ndarray:
        """Rates at integer steps ``t`` (any shape) for ``lr0`` (float or array, broadcast)."""
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
        else:  # inverse_time
            out = lr0 / (1.0 + q["decay"] * t)
        return np.asarray(out, dtype=np.float64)


def make_schedule(name: str = "constant", **params) -> Schedule:
    """Validated schedule ``name`` (SPEC §3) with defaults filled in; GdsimError if bad."""
    if not isinstance(name, str) or name not in SCHEDULES:
        raise unknown_name("schedule", name, list(SCHEDULES))
    q = resolve(SCHEDULES[name].params, params, name)
    if name == "warmup_cosine" and not q["warmup"] < q["t_max"]:
        raise GdsimError(f"{name}: warmup={q['warmup']} must be less than t_max={q['t_max']} "
                         "(need 0 < warmup < t_max)")
    return Schedule(name, q)
