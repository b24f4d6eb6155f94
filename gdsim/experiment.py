"""What an experiment is (SPEC §8): :class:`Experiment` and its :class:`RunSpec` runs, and
:func:`validate`, which checks every field and builds the surface, optimizers and schedules.

:mod:`gdsim.simulation` steps a validated experiment; :mod:`gdsim.io` reads and writes it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from gdsim.errors import GdsimError
from gdsim.params import Param

if TYPE_CHECKING:
    from gdsim.surfaces import Surface

BOX_FACTOR = 100.0
MAX_STEPS = 10_000_000  # 480 MB of trajectory per run at most (48 bytes a step)

# Per-run overrides of the experiment's settings (CLI run SPECs and the app's run editor).
RUN_NOISE = Param("noise", 0.0, "σ of the Gaussian noise added to this run's gradients",
                  low=0.0)
RUN_BATCH_SIZE = Param("batch_size", 1, "samples in this run's mini-batch gradients "
                       "(data surfaces only)", kind=int, low=1)
RUN_OVERRIDES = (RUN_NOISE, RUN_BATCH_SIZE)


@dataclass
class RunSpec:
    """One run: optimizer + hyperparameters + schedule (+ optional label, start, seed).

    ``noise`` and ``batch_size`` override the experiment's settings for this run (None: the
    experiment's). A ``batch_size`` applies on data surfaces only (1 ≤ B ≤ n_samples,
    n_samples = full batch); on an analytic surface it is kept but ignored, so switching
    surfaces never makes an experiment invalid.
    """

    optimizer: str
    hparams: dict = field(default_factory=dict)
    schedule: str = "constant"
    schedule_params: dict = field(default_factory=dict)
    label: str | None = None
    start: tuple[float, float] | None = None  # None: the experiment's start
    seed: int | None = None  # None: experiment seed + index in ``Experiment.runs``
    enabled: bool = True
    color: str | None = None
    noise: float | None = None  # None: the experiment's noise
    batch_size: int | None = None  # None: the experiment's batch size (data surfaces only)


@dataclass
class Experiment:
    """Everything an experiment file holds (SPEC §8)."""

    surface: str = "rosenbrock"  # a registry name, or "expr:FORMULA" for a typed surface
    surface_params: dict = field(default_factory=dict)
    formula: str | None = None  # alternative to "expr:FORMULA" in ``surface``
    view: tuple[float, float, float, float] | None = None
    start: tuple[float, float] | None = None  # None: surface.start
    runs: list[RunSpec] = field(default_factory=list)
    steps: int = 1000  # max steps
    seed: int = 0
    noise: float = 0.0
    batch_size: int | None = None  # None/0: full batch (data surfaces only)
    tol: float = 1e-8
    title: str = ""  # presets: a headline and a paragraph shown by the app
    description: str = ""


@dataclass
class ValidRun:
    """One enabled run of a validated experiment: its built optimizer and schedule and its
    effective start, seed, noise σ and batch size (0: full batch)."""

    label: str
    spec: RunSpec
    index: int  # position in Experiment.runs
    optimizer: Any
    schedule: Any
    start: tuple[float, float]
    seed: int
    noise: float = 0.0
    batch_size: int = 0


# ---------------------------------------------------------------- validation


def _is_int(v: object) -> bool:
    return isinstance(v, int | np.integer) and not isinstance(v, bool)


def _is_num(v: object) -> bool:
    return isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool)


def _is_finite(v: object) -> bool:
    """A number that is a finite float64 (an int beyond ±1.8e308 is not)."""
    if not _is_num(v):
        return False
    try:
        return math.isfinite(float(v))  # type: ignore[arg-type]
    except OverflowError:
        return False


def _pair(value: object, what: str) -> tuple[float, float]:
    if not isinstance(value, list | tuple | np.ndarray) or len(value) != 2:
        raise GdsimError(f"{what} must be two numbers (x, y), got {value!r}")
    if not all(_is_finite(v) for v in value):
        raise GdsimError(f"{what} must be two finite numbers, got {value!r}")
    return float(value[0]), float(value[1])


def check_view(value: object, what: str = "view") -> tuple[float, float, float, float]:
    """A ``(xmin, xmax, ymin, ymax)`` tuple of finite numbers with min < max."""
    if not isinstance(value, list | tuple | np.ndarray) or len(value) != 4:
        raise GdsimError(f"{what} must be four numbers (xmin, xmax, ymin, ymax), got {value!r}")
    if not all(_is_finite(v) for v in value):
        raise GdsimError(f"{what} must be four finite numbers, got {value!r}")
    x0, x1, y0, y1 = (float(v) for v in value)
    if not (x0 < x1 and y0 < y1):
        raise GdsimError(f"{what} needs xmin < xmax and ymin < ymax, got {value!r}")
    return x0, x1, y0, y1


def _check_dict(value: object, what: str) -> dict:
    if not isinstance(value, dict):
        raise GdsimError(f"{what} must be a mapping of names to values, got {value!r}")
    return value


def surface_formula(exp: Experiment) -> str | None:
    """The typed formula of ``exp`` (from ``formula`` or an ``expr:`` surface name), or None."""
    if isinstance(exp.surface, str) and exp.surface.startswith("expr:"):
        return exp.surface[len("expr:"):]
    if exp.formula is not None and exp.surface in ("expr", "", None):
        return exp.formula
    return None


def build_surface(exp: Experiment) -> Surface:
    """The experiment's surface (registry name or typed formula), validated."""
    from gdsim import surfaces

    if not isinstance(exp.surface, str) and exp.surface is not None:
        raise GdsimError(f"surface must be a name, got {exp.surface!r}")
    params = _check_dict(exp.surface_params, "surface_params")
    formula = surface_formula(exp)
    if formula is not None:
        if not isinstance(formula, str) or not formula.strip():
            raise GdsimError("formula: the typed surface needs an expression in x and y")
        if params:
            raise GdsimError(
                f"surface_params: a typed surface takes no parameters, got {sorted(params)}"
            )
        view = check_view(exp.view) if exp.view is not None else None
        return surfaces.make_surface("expr:" + formula, domain=view)
    if exp.formula is not None:
        raise GdsimError(
            f"formula is set but surface is {exp.surface!r}; use surface 'expr:FORMULA'"
        )
    if not isinstance(exp.surface, str):
        raise GdsimError(f"surface must be a name, got {exp.surface!r}")
    return surfaces.make_surface(exp.surface, **params)


def run_labels(runs: list[RunSpec]) -> list[str]:
    """Unique labels for all runs (SPEC §6). Explicit labels are kept as typed. A run without
    one is its optimizer's name, plus ``#k`` when other unlabelled runs share that optimizer
    and it is the k-th run of it (k ≥ 2, counting every run in the list).

    Numbering by position keeps labels stable: labelling one run renames no other, except a
    run whose automatic label it takes, which moves to the first of ``name``, ``name#2``...
    that nobody holds.
    """
    explicit: set[str] = set()
    for i, r in enumerate(runs):
        if not isinstance(r.optimizer, str):
            raise GdsimError(f"runs[{i}]: optimizer must be a name, got {r.optimizer!r}")
        lab = r.label
        if lab is None:
            continue
        if not isinstance(lab, str) or not lab.strip():
            raise GdsimError(f"label must be a non-empty string, got {lab!r}")
        if lab in explicit:
            raise GdsimError(f"label {lab!r} is given to more than one run")
        explicit.add(lab)
    unlabelled: dict[str, int] = {}
    for r in runs:
        if r.label is None:
            unlabelled[r.optimizer] = unlabelled.get(r.optimizer, 0) + 1
    seen: dict[str, int] = {}
    natural: list[str | None] = []  # None for explicitly labelled runs
    for r in runs:
        name = r.optimizer
        k = seen[name] = seen.get(name, 0) + 1
        if r.label is not None:
            natural.append(None)
        else:
            natural.append(name if k == 1 or unlabelled[name] == 1 else f"{name}#{k}")
    taken = explicit | {lab for lab in natural if lab is not None}
    out = []
    for r, lab in zip(runs, natural, strict=True):
        if lab is None:
            lab = r.label
        elif lab in explicit:  # an explicit label took it: the first free one
            j = 1
            while (lab := r.optimizer if j == 1 else f"{r.optimizer}#{j}") in taken:
                j += 1
            taken.add(lab)
        out.append(lab)
    return out


@dataclass
class Validated:
    """A validated experiment: its surface, enabled runs and effective settings."""

    surface: Any
    runs: list[ValidRun]
    box: tuple[float, float, float, float]  # centre x, centre y, half width, half height
    steps: int
    noise: float
    batch_size: int  # 0: full batch
    tol: float


def _run_noise(spec: RunSpec, default: float) -> float:
    """The run's effective noise σ: its override (validated) or the experiment's."""
    if spec.noise is None:
        return default
    if not _is_finite(spec.noise) or spec.noise < 0:
        raise GdsimError(f"noise must be a finite number ≥ 0 (or none for the experiment's), "
                         f"got {spec.noise!r}")
    return float(spec.noise)


def _run_batch(spec: RunSpec, default: int, n_samples: int) -> int:
    """The run's effective batch size (0: full): its override on data surfaces, else default.

    An override is checked for type everywhere but ignored on analytic surfaces.
    """
    b = spec.batch_size
    if b is None:
        return default
    if not _is_int(b) or b < 1:
        raise GdsimError(f"batch_size must be an integer ≥ 1 (or none for the experiment's), "
                         f"got {b!r}")
    if n_samples == 0:
        return default
    if b > n_samples:
        raise GdsimError(f"batch_size={b} is out of range: need 1 ≤ batch_size ≤ {n_samples}")
    return 0 if b == n_samples else int(b)


def validate(exp: Experiment) -> Validated:
    """Check every field of ``exp`` and build its surface, optimizers and schedules."""
    from gdsim.optimizers import make_optimizer
    from gdsim.schedules import make_schedule

    if not isinstance(exp, Experiment):
        raise GdsimError(f"expected an Experiment, got {type(exp).__name__}")
    if not _is_int(exp.steps) or exp.steps < 0:
        raise GdsimError(f"steps must be an integer ≥ 0, got {exp.steps!r}")
    if exp.steps > MAX_STEPS:
        raise GdsimError(f"steps={exp.steps} is out of range: need 0 ≤ steps ≤ {MAX_STEPS}")
    if not _is_int(exp.seed) or exp.seed < 0:
        raise GdsimError(f"seed must be an integer ≥ 0, got {exp.seed!r}")
    if not _is_finite(exp.noise) or exp.noise < 0:
        raise GdsimError(f"noise must be a finite number ≥ 0, got {exp.noise!r}")
    if not _is_finite(exp.tol) or exp.tol < 0:
        raise GdsimError(f"tol must be a finite number ≥ 0, got {exp.tol!r}")
    if exp.view is not None:
        check_view(exp.view)
    surface = build_surface(exp)
    n_samples = int(getattr(surface, "n_samples", 0) or 0)
    batch = exp.batch_size
    if batch is None or (_is_int(batch) and batch == 0):
        batch = 0
    elif not _is_int(batch) or batch < 1:
        raise GdsimError(
            f"batch_size must be an integer ≥ 1 (or none for full batch), got {batch!r}")
    elif n_samples == 0:
        raise GdsimError(
            f"batch_size applies to data surfaces only (linreg, logreg); "
            f"surface {surface.name!r} has no data set"
        )
    elif batch > n_samples:
        raise GdsimError(f"batch_size={batch} is out of range: need 1 ≤ batch_size ≤ {n_samples}")
    batch = int(batch)
    if batch == n_samples:
        batch = 0
    start = _pair(exp.start, "start") if exp.start is not None else tuple(map(float, surface.start))
    if not isinstance(exp.runs, list | tuple):
        raise GdsimError(f"runs must be a list, got {exp.runs!r}")
    for i, spec in enumerate(exp.runs):
        if not isinstance(spec, RunSpec):
            raise GdsimError(f"runs[{i}] must be a RunSpec, got {spec!r}")
    labels = run_labels(list(exp.runs))
    runs: list[ValidRun] = []
    for i, (spec, label) in enumerate(zip(exp.runs, labels, strict=True)):
        where = f"run {label!r}"
        try:
            if not isinstance(spec.optimizer, str):
                raise GdsimError(f"optimizer must be a name, got {spec.optimizer!r}")
            opt = make_optimizer(spec.optimizer, **_check_dict(spec.hparams, "hparams"))
            if not isinstance(spec.schedule, str):
                raise GdsimError(f"schedule must be a name, got {spec.schedule!r}")
            sched = make_schedule(
                spec.schedule, **_check_dict(spec.schedule_params, "schedule_params")
            )
            rstart = _pair(spec.start, "start") if spec.start is not None else start
            if spec.seed is not None and (not _is_int(spec.seed) or spec.seed < 0):
                raise GdsimError(f"seed must be an integer ≥ 0, got {spec.seed!r}")
            if not isinstance(spec.enabled, bool):
                raise GdsimError(f"enabled must be true or false, got {spec.enabled!r}")
            if spec.color is not None and not isinstance(spec.color, str):
                raise GdsimError(f"color must be a string, got {spec.color!r}")
            rnoise = _run_noise(spec, float(exp.noise))
            rbatch = _run_batch(spec, batch, n_samples)
        except GdsimError as e:
            raise GdsimError(f"{where}: {e}") from None
        seed = int(spec.seed) if spec.seed is not None else int(exp.seed) + i
        if spec.enabled:
            runs.append(ValidRun(label, spec, i, opt, sched, rstart, seed, rnoise, rbatch))
    x0, x1, y0, y1 = (float(v) for v in surface.domain)
    box = ((x0 + x1) / 2, (y0 + y1) / 2, BOX_FACTOR * (x1 - x0) / 2, BOX_FACTOR * (y1 - y0) / 2)
    return Validated(surface, runs, box, int(exp.steps), float(exp.noise), batch, float(exp.tol))
