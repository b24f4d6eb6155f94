"""Optimizer registry (SPEC §2) and the batched :class:`Optimizer` over ``(N, D)`` runs.

Rules are torch.optim's (see :mod:`gdsim.rules`); hyperparameter names follow torch with
``beta1``/``beta2`` for its ``betas``; defaults are gdsim's own, chosen for 2-D surfaces.
State holds no hyperparameters, so an edited optimizer can keep or reset its state.
One (1, 2) run steps on Python floats (:class:`PointRun`), batches on arrays in the params'
memory layout (F-ordered points keep F-ordered state); both give the same floats.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from gdsim import rules
from gdsim.errors import GdsimError
from gdsim.params import Param, resolve, unknown_name

Hyper = rules.Hyper


@dataclass(frozen=True)
class OptimizerInfo:
    """One registry entry: names, the update rule as text, and the parameter specs."""

    name: str
    title: str
    formula: str
    reference: str
    params: tuple[Param, ...]
    family: str = ""  # the rule in gdsim.rules this entry runs ("sgd", "adam", ...)


@dataclass
class OptState:
    """Step count (torch's ``step`` after the update) and per-run buffers."""

    count: int
    slots: dict[str, np.ndarray] = field(default_factory=dict)

    def copy(self) -> OptState:
        """A deep copy: the buffers are new arrays."""
        return OptState(self.count, {k: v.copy() for k, v in self.slots.items()})


# --- parameter specs -----------------------------------------------------------------------


def _lr(default: float) -> Param:
    return Param("lr", default, "learning rate η (base rate the schedule starts from)",
                 low=0.0, low_open=True, log=True)


def _unit(name: str, default: float, help: str) -> Param:
    return Param(name, default, help, low=0.0, high=1.0, high_open=True)


def _eps(default: float) -> Param:
    return Param("eps", default, "ε added to the denominator for numerical stability",
                 low=0.0, low_open=True, log=True)


def _wd(default: float = 0.0, decoupled: bool = False) -> Param:
    text = ("decoupled weight decay λ: θ ← θ(1 − ηλ) before the step" if decoupled
            else "L2 weight decay λ: adds λθ to the gradient")
    return Param("weight_decay", default, text, low=0.0, log=True)


_MOMENTUM_HELP = "momentum μ: weight of the previous buffer"


def _sgd_params(momentum: float, nesterov: bool) -> tuple[Param, ...]:
    return (
        _lr(0.01),
        _unit("momentum", momentum, _MOMENTUM_HELP),
        Param("dampening", 0.0, "dampening τ: the gradient enters the buffer scaled by 1 − τ",
              low=0.0, high=1.0),
        Param("nesterov", nesterov, "Nesterov momentum: step along g + μb instead of b",
              kind=bool),
        _wd(),
    )


def _adam_params(lr: float, wd: float, amsgrad: bool, decoupled: bool) -> tuple[Param, ...]:
    return (
        _lr(lr),
        _unit("beta1", 0.9, "β₁: decay rate of the first-moment average m"),
        _unit("beta2", 0.999, "β₂: decay rate of the second-moment average v"),
        _eps(1e-8),
        _wd(wd, decoupled),
        Param("amsgrad", amsgrad, "AMSGrad: divide by the running maximum of v", kind=bool),
    )


def _betas_params(lr: float) -> tuple[Param, ...]:
    return (
        _lr(lr),
        _unit("beta1", 0.9, "β₁: decay rate of the first-moment average m"),
        _unit("beta2", 0.999, "β₂: decay rate of the second-moment average"),
        _eps(1e-8),
        _wd(),
    )


_SGD_FORMULA = (
    "g ← ∇f(θ) + λθ\n"
    "b ← g on the first step, then b ← μ·b + (1 − τ)·g\n"
    "d ← g + μ·b (Nesterov)  or  d ← b\n"
    "θ ← θ − η·d"
)
_ADAM_FORMULA = (
    "g ← ∇f(θ) + λθ\n"
    "m ← β₁·m + (1 − β₁)·g\n"
    "v ← β₂·v + (1 − β₂)·g²\n"
    "m̂ ← m/(1 − β₁ᵗ),  v̂ ← v/(1 − β₂ᵗ)\n"
    "θ ← θ − η·m̂/(√v̂ + ε)"
)
_AMSGRAD_FORMULA = (
    "g ← ∇f(θ) + λθ\n"
    "m ← β₁·m + (1 − β₁)·g\n"
    "v ← β₂·v + (1 − β₂)·g²,  v_max ← max(v_max, v)\n"
    "m̂ ← m/(1 − β₁ᵗ),  v̂ ← v_max/(1 − β₂ᵗ)\n"
    "θ ← θ − η·m̂/(√v̂ + ε)"
)

OPTIMIZERS: dict[str, OptimizerInfo] = {
    info.name: info
    for info in (
        OptimizerInfo(
            "gd", "Gradient descent", "θ ← θ − η·∇f(θ)",
            "Cauchy (1847); torch.optim.SGD with momentum=0", (_lr(0.01),), "sgd"),
        OptimizerInfo(
            "sgd", "SGD", _SGD_FORMULA,
            "Robbins & Monro (1951); torch.optim.SGD", _sgd_params(0.0, False), "sgd"),
        OptimizerInfo(
            "momentum", "Momentum", _SGD_FORMULA,
            "Polyak (1964) heavy ball; torch.optim.SGD", _sgd_params(0.9, False), "sgd"),
        OptimizerInfo(
            "nesterov", "Nesterov", _SGD_FORMULA,
            "Nesterov (1983), Sutskever et al. (2013); torch.optim.SGD(nesterov=True)",
            _sgd_params(0.9, True), "sgd"),
        OptimizerInfo(
            "adagrad", "AdaGrad",
            "g ← ∇f(θ) + λθ\n"
            "η_t ← η/(1 + (t − 1)·lr_decay)\n"
            "G ← G + g²   (G₀ = initial_accumulator_value)\n"
            "θ ← θ − η_t·g/(√G + ε)",
            "Duchi, Hazan & Singer (2011); torch.optim.Adagrad",
            (
                _lr(0.01),
                Param("lr_decay", 0.0, "learning-rate decay: η/(1 + (t − 1)·lr_decay)",
                      low=0.0, log=True),
                _wd(),
                Param("initial_accumulator_value", 0.0, "starting value of the sum of g²",
                      low=0.0),
                _eps(1e-10),
            ),
            "adagrad"),
        OptimizerInfo(
            "rmsprop", "RMSprop",
            "g ← ∇f(θ) + λθ\n"
            "v ← α·v + (1 − α)·g²\n"
            "centered: ḡ ← α·ḡ + (1 − α)·g,  v̄ ← v − ḡ²;  else v̄ ← v\n"
            "u ← g/(√v̄ + ε)\n"
            "b ← μ·b + u,  θ ← θ − η·b   (μ = 0: θ ← θ − η·u)",
            "Hinton, Coursera lecture 6e (2012); torch.optim.RMSprop",
            (
                _lr(0.01),
                _unit("alpha", 0.99, "smoothing constant α of the squared-gradient average"),
                _eps(1e-8),
                _wd(),
                _unit("momentum", 0.0, _MOMENTUM_HELP),
                Param("centered", False, "centered: normalize by the variance estimate v − ḡ²",
                      kind=bool),
            ),
            "rmsprop"),
        OptimizerInfo(
            "adadelta", "Adadelta",
            "g ← ∇f(θ) + λθ\n"
            "v ← ρ·v + (1 − ρ)·g²\n"
            "Δ ← √(u + ε)/√(v + ε)·g\n"
            "u ← ρ·u + (1 − ρ)·Δ²\n"
            "θ ← θ − η·Δ",
            "Zeiler (2012); torch.optim.Adadelta",
            (
                _lr(1.0),
                _unit("rho", 0.9, "decay rate ρ of both running averages"),
                _eps(1e-6),
                _wd(),
            ),
            "adadelta"),
        OptimizerInfo(
            "adam", "Adam", _ADAM_FORMULA,
            "Kingma & Ba (2015); torch.optim.Adam", _adam_params(0.001, 0.0, False, False),
            "adam"),
        OptimizerInfo(
            "adamw", "AdamW",
            "θ ← θ·(1 − η·λ)\n"
            "m ← β₁·m + (1 − β₁)·g\n"
            "v ← β₂·v + (1 − β₂)·g²\n"
            "m̂ ← m/(1 − β₁ᵗ),  v̂ ← v/(1 − β₂ᵗ)\n"
            "θ ← θ − η·m̂/(√v̂ + ε)",
            "Loshchilov & Hutter (2019); torch.optim.AdamW",
            _adam_params(0.001, 0.01, False, True), "adam"),
        OptimizerInfo(
            "amsgrad", "AMSGrad", _AMSGRAD_FORMULA,
            "Reddi, Kale & Kumar (2018); torch.optim.Adam(amsgrad=True)",
            _adam_params(0.001, 0.0, True, False), "adam"),
        OptimizerInfo(
            "adamax", "Adamax",
            "g ← ∇f(θ) + λθ\n"
            "m ← β₁·m + (1 − β₁)·g\n"
            "u ← max(β₂·u, |g| + ε)\n"
            "θ ← θ − η/(1 − β₁ᵗ)·m/u",
            "Kingma & Ba (2015), §7.1; torch.optim.Adamax", _betas_params(0.002), "adamax"),
        OptimizerInfo(
            "nadam", "NAdam",
            "g ← ∇f(θ) + λθ\n"
            "μ_t ← β₁·(1 − ½·0.96^(t·ψ)),  Π_t ← Π_{t−1}·μ_t\n"
            "m ← β₁·m + (1 − β₁)·g,  v ← β₂·v + (1 − β₂)·g²\n"
            "v̂ ← v/(1 − β₂ᵗ)\n"
            "θ ← θ − η(1 − μ_t)/(1 − Π_t)·g/(√v̂ + ε)\n"
            "      − η·μ_{t+1}/(1 − Π_t·μ_{t+1})·m/(√v̂ + ε)",
            "Dozat (2016); torch.optim.NAdam",
            _betas_params(0.002) + (
                Param("momentum_decay", 0.004, "momentum decay ψ of the μ_t schedule",
                      low=0.0, log=True),
            ),
            "nadam"),
        OptimizerInfo(
            "radam", "RAdam",
            "g ← ∇f(θ) + λθ\n"
            "m ← β₁·m + (1 − β₁)·g,  v ← β₂·v + (1 − β₂)·g²\n"
            "ρ∞ ← 2/(1 − β₂) − 1,  ρ_t ← ρ∞ − 2t·β₂ᵗ/(1 − β₂ᵗ)\n"
            "ρ_t > 5: r ← √((ρ_t − 4)(ρ_t − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρ_t))\n"
            "         θ ← θ − η·r·√(1 − β₂ᵗ)/(1 − β₁ᵗ)·m/(√v + ε)\n"
            "else:    θ ← θ − η·m/(1 − β₁ᵗ)",
            "Liu et al. (2020); torch.optim.RAdam", _betas_params(0.001), "radam"),
    )
}

_RULES: dict[str, tuple[Callable, Callable[[dict], tuple[str, ...]]]] = {
    "sgd": (rules.sgd, rules.sgd_slots),
    "adagrad": (rules.adagrad, rules.adagrad_slots),
    "rmsprop": (rules.rmsprop, rules.rmsprop_slots),
    "adadelta": (rules.adadelta, rules.adadelta_slots),
    "adam": (rules.adam, rules.adam_slots),
    "adamax": (rules.adamax, rules.adamax_slots),
    "nadam": (rules.nadam, rules.nadam_slots),
    "radam": (rules.radam, rules.radam_slots),
}
_BLOCK_ELEMENTS = 1 << 18  # rows × D per block (2 MB arrays): +20–30 % at 10⁶ runs, none at 65,536
_FLAGS = {"sgd": ("nesterov",), "rmsprop": ("centered",), "adam": ("amsgrad", "decoupled")}
# One (1, 2) run steps on Python floats (compiled rule, see gdsim.rules.compile_point); False
# steps it on arrays like a batch: the same floats, slower (kept for benchmarks and tests).
POINT_PATH = True


def _order(a: np.ndarray) -> str:
    """"F" for a column-major (N, D) array, else "C": the layout new buffers should take."""
    return "F" if a.flags.f_contiguous and not a.flags.c_contiguous else "C"


def _internal(name: str, hp: dict) -> dict:
    """The rule's full hyperparameter set for a registry entry's validated ``hp``."""
    h = dict(hp)
    if name == "gd":
        h.update(momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0)
    if OPTIMIZERS[name].family == "sgd" and h["momentum"] == 0:
        h["dampening"] = 0.0  # torch ignores dampening without momentum
    if OPTIMIZERS[name].family == "adam":
        h["decoupled"] = name == "adamw"
    return h


class Optimizer:
    """One update rule with fixed hyperparameters, stepping ``(N, D)`` float64 runs.

    Hyperparameters are floats (shared by all rows) or, after :func:`stack_optimizers`,
    ``(N, 1)`` columns; ``rows`` is then N and ``init`` requires N runs.
    """

    def __init__(self, name: str, hparams: dict, internal: dict, rows: int | None = None):
        self.name = name
        self.hparams = hparams
        self.rows = rows
        self.family = OPTIMIZERS[name].family if name in OPTIMIZERS else name
        self._h = internal
        self._c = rules.operands(internal)
        self._cols = any(isinstance(v, np.ndarray) for v in internal.values())
        self._rule, slot_names = _RULES[self.family]
        self._slot_names = slot_names(internal)
        self._scratch: dict[tuple, tuple[np.ndarray, ...]] = {}
        # the scalar path's operands: floats (only without per-run columns)
        self._cf = None if self._cols else {key: float(v) for key, v in self._c.items()}
        self._point_work: tuple | None = None
        self._point_fn: Callable | None = None

    def __repr__(self) -> str:
        return f"Optimizer({self.name!r}, {self.hparams!r})"

    @property
    def info(self) -> OptimizerInfo:
        """This optimizer's registry entry."""
        return OPTIMIZERS[self.name] if self.name in OPTIMIZERS else OPTIMIZERS[self.family]

    @property
    def stack_key(self) -> tuple:
        """Optimizers with equal keys can be stacked into one batch."""
        return (self.family,) + tuple(bool(self._h[f]) for f in _FLAGS.get(self.family, ()))

    def init(self, params: np.ndarray) -> OptState:
        """Fresh state for ``params`` of shape (N, D): zero buffers (Adagrad: its initial
        accumulator; NAdam: μ-product 1 per run as (N, 1)), count 0."""
        p = np.asarray(params)
        if p.ndim != 2 or p.dtype != np.float64:
            raise GdsimError(f"{self.name}: params must be a float64 (N, D) array, "
                             f"got {p.dtype} {p.shape}")
        if self.rows is not None and p.shape[0] != self.rows:
            raise GdsimError(f"{self.name}: stacked for {self.rows} runs, got {p.shape[0]}")
        order = _order(p)  # buffers share the params' layout: ufuncs then run contiguously
        slots = {}
        for s in self._slot_names:
            if s == "mu_product":
                slots[s] = np.ones((p.shape[0], 1))
            elif s == "sum":
                slots[s] = np.full(p.shape, 0.0, order=order)
                slots[s] += self._h["initial_accumulator_value"]
            else:
                slots[s] = np.zeros(p.shape, order=order)
        return OptState(0, slots)

    def step_(self, grads: np.ndarray, state: OptState, params: np.ndarray,
              lr: Hyper | None = None) -> None:
        """Apply one update IN PLACE to ``params`` and ``state`` (``grads`` is only read).

        ``lr`` is the scheduled rate (float or (N, 1)); None means the base ``lr``.
        Large batches are stepped in row blocks that stay in cache (same floats).
        Overflow may emit NumPy warnings: callers wrap stepping in ``np.errstate``.
        """
        k = state.count + 1
        if lr is None:
            lr = self._h["lr"]
        elif isinstance(lr, np.ndarray) and lr.ndim == 1:
            raise GdsimError(f"{self.name}: lr per run must be an (N, 1) column, not {lr.shape}")
        if (params.shape == (1, 2) and self._cf is not None and POINT_PATH
                and not isinstance(lr, np.ndarray)):  # one 2-D run: Python floats
            self._step_point(grads, state, params, k, lr)
            return
        n, d = params.shape
        rows = max(1, _BLOCK_ELEMENTS // max(d, 1))
        if n <= 2 * rows:
            self._rule(grads, params, state.slots, k, lr, self._h, self._c,
                       self._work(params.shape, _order(params)))
        else:
            full = self._work((rows, d), _order(params))
            slots = state.slots
            lr_rows = isinstance(lr, np.ndarray) and lr.ndim == 2 and lr.shape[0] == n
            h, c = self._h, self._c
            for i in range(0, n, rows):
                j = min(i + rows, n)
                sl = slice(i, j)
                w = full if j - i == rows else tuple(x[: j - i] if x.ndim else x for x in full)
                if self._cols:
                    h, c = self._rows_of(sl)
                self._rule(grads[sl], params[sl], {key: v[sl] for key, v in slots.items()}, k,
                           lr[sl] if lr_rows else lr, h, c, w)
        state.count = k

    def _rows_of(self, sl: slice) -> tuple[dict, dict]:
        """Hyperparameters and operands restricted to rows ``sl`` (columns sliced)."""
        h = {key: v[sl] if isinstance(v, np.ndarray) else v for key, v in self._h.items()}
        c = {key: v[sl] if v.ndim == 2 else v for key, v in self._c.items()}
        return h, c

    def _point_rule(self) -> Callable:
        """The rule compiled for one (1, 2) run (:func:`gdsim.rules.compile_point`), made once."""
        if self._point_fn is None:
            kinds = {s: rules.Cell() if s == "mu_product" else rules.Vec2()
                     for s in self._slot_names}
            self._point_fn = rules.compile_point(self._rule, self._h, self._cf, kinds)
        return self._point_fn

    def _step_point(self, grads: np.ndarray, state: OptState, params: np.ndarray, k: int,
                    lr: float) -> None:
        """``step_`` of one (1, 2) run on Python floats: :class:`PointRun` unrolled (building
        one per call costs ~40 % more on this path, measured)."""
        vec, cell = rules.Vec2, rules.Cell
        floats = {}
        for name, a in state.slots.items():
            row = a.tolist()[0]
            floats[name] = vec(*row) if len(row) == 2 else cell(row[0])
        p = vec(*params.tolist()[0])
        w = self._point_work
        if w is None:
            w = self._point_work = (vec(), vec(), vec(), None, None, None)
        self._point_rule()(vec(*grads.tolist()[0]), p, floats, k, lr, self._h, self._cf, w)
        params[0, 0] = p.x
        params[0, 1] = p.y
        for name, a in state.slots.items():
            v = floats[name]
            a[0, 0] = v.x
            if type(v) is vec:
                a[0, 1] = v.y
        state.count = k

    def point_run(self, state: OptState, params: np.ndarray) -> PointRun | None:
        """``params`` (1, 2) and ``state`` held in Python floats for fast repeated steps (see
        :class:`PointRun`), or None when this optimizer has per-run columns or another shape."""
        if params.shape != (1, 2) or self._cf is None or not POINT_PATH:
            return None
        return PointRun(self, state, params)

    def _work(self, shape: tuple[int, ...], order: str = "C") -> tuple[np.ndarray, ...]:
        """Three scratch arrays of ``shape`` (memory ``order``) and three 0-d registers,
        created once per shape and order."""
        w = self._scratch.get((shape, order))
        if w is None:
            w = (tuple(np.empty(shape, order=order) for _ in range(3))
                 + tuple(np.zeros(()) for _ in range(3)))
            if len(self._scratch) >= 8:  # e.g. many ragged block shapes: keep a few
                self._scratch.clear()
            self._scratch[(shape, order)] = w
        return w

    def update(self, grads: np.ndarray, state: OptState, params: np.ndarray,
               lr: Hyper | None = None) -> tuple[np.ndarray, OptState]:
        """Pure form of :meth:`step_`: returns new params and state, inputs untouched."""
        p = np.array(params, dtype=np.float64, copy=True)
        s = state.copy()
        self.step_(np.asarray(grads, dtype=np.float64), s, p, lr)
        return p, s


class PointRun:
    """One (1, 2) run of ``opt`` held in Python floats: set ``g.x, g.y``, call :meth:`step`
    with a float ``lr``, read ``p.x, p.y``; :meth:`store` writes params and state back.

    The rule is compiled from its own text (:func:`gdsim.rules.compile_point`; rules that
    branch on the step interpret it on Vec2): same IEEE operations as the array path, so the
    floats are identical, at ~1 µs a step for Adam instead of ~20 ufunc calls (~6 µs).
    """

    def __init__(self, opt: Optimizer, state: OptState, params: np.ndarray) -> None:
        self.state, self.params = state, params
        self.count = state.count
        self.p = rules.Vec2(*params.tolist()[0])
        self.g = rules.Vec2()
        self.slots = {name: rules.Vec2(*a.tolist()[0]) if a.shape == (1, 2)
                      else rules.Cell(float(a.flat[0])) for name, a in state.slots.items()}
        # the rule and its trailing arguments, for callers that inline :meth:`step`
        self.rule = opt._point_rule()
        self.args = (opt._h, opt._cf, (rules.Vec2(), rules.Vec2(), rules.Vec2(), None, None, None))

    def step(self, lr: float) -> None:
        """One update of ``p`` and the slots from ``g`` (``step_`` on floats)."""
        self.count += 1
        self.rule(self.g, self.p, self.slots, self.count, lr, *self.args)

    def store(self) -> None:
        """Write params, slots and the step count back into the arrays and ``OptState``."""
        self.params[0, 0] = self.p.x
        self.params[0, 1] = self.p.y
        for name, a in self.state.slots.items():
            v = self.slots[name]
            a[0, 0] = v.x
            if type(v) is rules.Vec2:
                a[0, 1] = v.y
        self.state.count = self.count


def make_optimizer(name: str, **hparams) -> Optimizer:
    """Validated optimizer ``name`` (SPEC §2) with defaults filled in; GdsimError if bad."""
    if not isinstance(name, str) or name not in OPTIMIZERS:
        raise unknown_name("optimizer", name, list(OPTIMIZERS))
    info = OPTIMIZERS[name]
    hp = resolve(info.params, hparams, name)
    if hp.get("nesterov") and (hp["momentum"] <= 0 or hp["dampening"] != 0):
        raise GdsimError(
            f"{name}: nesterov=true requires momentum > 0 and dampening = 0 "
            f"(got momentum={hp['momentum']!r}, dampening={hp['dampening']!r})")
    return Optimizer(name, hp, _internal(name, hp))


def stack_optimizers(opts: list[Optimizer]) -> Optimizer:
    """One optimizer stepping all rows of ``opts`` (each 1 row, or its ``rows``) together.

    All must share a rule and its boolean flags (``stack_key``); numeric hyperparameters
    that differ become (N, 1) columns, equal ones stay floats. Row i is bit-identical to
    ``opts[i]`` stepped alone.
    """
    if not opts:
        raise GdsimError("stack_optimizers: need at least one optimizer")
    keys = {o.stack_key for o in opts}
    if len(keys) > 1:
        raise GdsimError(f"stack_optimizers: cannot stack different rules/flags: {sorted(keys)}")
    counts = [1 if o.rows is None else o.rows for o in opts]
    internal: dict[str, Hyper] = {}
    for key, first in opts[0]._h.items():
        if isinstance(first, bool):
            internal[key] = first
            continue
        col = np.concatenate([np.broadcast_to(np.asarray(o._h[key], np.float64), (c, 1))
                              for o, c in zip(opts, counts, strict=True)])
        internal[key] = float(col[0, 0]) if np.all(col == col[0, 0]) else col
    names = {o.name for o in opts}
    name = names.pop() if len(names) == 1 else opts[0].family
    visible = {p.name: internal[p.name] for p in OPTIMIZERS[name].params}
    return Optimizer(name, visible, internal, rows=sum(counts))
