"""Optimizer registry (SPEC §2) and the batched :class:`Optimizer` over ``(N, D)`` runs.

Rules live in :mod:`gdsim.rules`, each written once as its math; this module validates
hyperparameters, composes weight decay, and steps arrays in place (one (1, D) run of an
elementwise rule on Python floats, same floats). Hyperparameter names follow torch with
``beta1``/``beta2`` for its ``betas``; defaults are gdsim's own, chosen for 2-D surfaces.
State holds no hyperparameters, so an edited optimizer can keep or reset its state.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

import numpy as np

from gdsim.errors import GdsimError
from gdsim.params import resolve, unknown_name
from gdsim.rules import (
    ARRAY,
    ENTRIES,
    FLOAT,
    FLOAT_ERRORS,
    Backend,
    Hyper,
    OptimizerInfo,
    Rule,
    active,
    decoupled_decay,
    l2_decay,
    maximized,
)

__all__ = ["OPTIMIZERS", "FloatRun", "OptState", "Optimizer", "OptimizerInfo", "VectorRun",
           "build_rule", "make_optimizer", "markdown_table", "stack_optimizers"]

OPTIMIZERS: dict[str, OptimizerInfo] = {info.name: info for info in ENTRIES}

# rows × D per block: 256 KB arrays stay in cache and are large enough for NumPy to reuse
# an expression's temporaries in place (measured best of 2¹²…2¹⁸ on 65,536 Adam runs)
_BLOCK_ELEMENTS = 1 << 15
# One (1, D) run of an elementwise rule steps on Python floats; False steps it on arrays like a
# batch: the same floats, slower (kept for benchmarks and tests).
POINT_PATH = True
# Per-run (N, 1) fields whose rows agree step as one scalar from this many rows on (below,
# the check and the column rebuilt after it cost more than they save; measured crossover
# ~1,000 rows of NAdam and QHAdam)
_UNIFORM_MIN_ROWS = 1024


@dataclass
class OptState:
    """Step count (torch's ``step`` after the update) and the rule's state NamedTuple of
    ``(N, D)`` arrays (``(N, 1)`` for per-run scalars; ``None`` for fields a configuration
    does not use)."""

    count: int
    buffers: Any

    @property
    def slots(self) -> dict[str, np.ndarray]:
        """The buffers by field name (fields in use only)."""
        return {k: v for k, v in self.buffers._asdict().items() if v is not None}

    def copy(self) -> OptState:
        """A deep copy: the buffers are new arrays."""
        return OptState(self.count, _map(self.buffers, np.copy))

    def rows(self, sel: Any) -> OptState:
        """The state of rows ``sel`` (a slice gives views; a mask or index array copies)."""
        return OptState(self.count, _map(self.buffers, lambda a: a[sel]))


def _map(buffers: Any, fn) -> Any:
    return type(buffers)(*(None if a is None else fn(a) for a in buffers))


_KWARGS: dict[Any, tuple[str, ...]] = {}


def build_rule(info: OptimizerInfo, h: dict, xp: Backend = ARRAY) -> Rule:
    """``info``'s rule for the full hyperparameter set ``h`` on backend ``xp``, with its
    weight decay composed in (L2 into the gradient, or decoupled)."""
    names = _KWARGS.get(info.factory)
    if names is None:
        names = _KWARGS[info.factory] = tuple(
            n for n in inspect.signature(info.factory).parameters if n != "xp")
    rule = info.factory(**{n: h[n] for n in names}, xp=xp)
    wd = h.get("weight_decay", 0.0)
    decay = "decoupled" if info.decay and h.get("decoupled_weight_decay") else info.decay
    if decay and active(wd):
        rule = (decoupled_decay if decay == "decoupled" else l2_decay)(rule, wd)
    if h.get("maximize"):
        rule = maximized(rule)
    return rule


def _internal(name: str, hp: dict) -> dict:
    """The factory's full hyperparameter set for a registry entry's validated ``hp``."""
    h = {**OPTIMIZERS[name].fixed, **hp}
    if OPTIMIZERS[name].internal is not None:
        h = OPTIMIZERS[name].internal(h)
    if OPTIMIZERS[name].family == "sgd" and h["momentum"] == 0:
        h["dampening"] = 0.0  # torch ignores dampening without momentum
    return h


def _trace_error() -> type[Exception]:
    """:class:`gdsim.kernels.trace.TraceError`, imported when a step is first traced (an
    ``except`` clause evaluates it only then): the kernels are not needed to build an
    optimizer, so not at the app's start."""
    from gdsim.kernels.trace import TraceError

    return TraceError


class Optimizer:
    """One update rule with fixed hyperparameters, stepping ``(N, D)`` float64 runs.

    Hyperparameters are floats (shared by all rows) or, after :func:`stack_optimizers`,
    ``(N, 1)`` columns; ``rows`` is then N and ``init`` requires N runs.
    """

    def __init__(self, name: str, hparams: dict, internal: dict, rows: int | None = None):
        self.name = name
        self.hparams = hparams
        self.rows = rows
        self.info: OptimizerInfo = OPTIMIZERS[name]
        self.family = self.info.family
        self._h = internal
        self._cols = any(isinstance(v, np.ndarray) for v in internal.values())
        self.rule = build_rule(self.info, internal, ARRAY)
        # the rule on Python floats, one coordinate at a time (not for per-run columns)
        self.float_rule = (None if self._cols or not self.rule.elementwise
                           else build_rule(self.info, internal, FLOAT))
        self._block_rules: dict[tuple[int, int], Rule] = {}
        self._vector_steps: dict[tuple, Any] = {}

    def __repr__(self) -> str:
        return f"Optimizer({self.name!r}, {self.hparams!r})"

    @property
    def stack_key(self) -> tuple:
        """Optimizers with equal keys can be stacked into one batch."""
        flags = tuple(sorted((k, v) for k, v in self._h.items() if isinstance(v, bool)))
        return (self.family, self.info.decay) + flags

    @property
    def state_fields(self) -> tuple[str, ...]:
        """Names of the state buffers this optimizer keeps (fields in use)."""
        return tuple(OptState(0, self.rule.init(np.zeros((1, 1)))).slots)

    def init(self, params: np.ndarray) -> OptState:
        """Fresh state for ``params`` of shape (N, D), count 0 (zero buffers; Adagrad: its
        initial accumulator; NAdam: μ-product 1 per run as (N, 1))."""
        p = np.asarray(params)
        if p.ndim != 2 or p.dtype != np.float64:
            raise GdsimError(f"{self.name}: params must be a float64 (N, D) array, "
                             f"got {p.dtype} {p.shape}")
        if self.rows is not None and p.shape[0] != self.rows:
            raise GdsimError(f"{self.name}: stacked for {self.rows} runs, got {p.shape[0]}")
        return OptState(0, self.rule.init(p))

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
        if (params.shape[0] == 1 and params.shape[1] <= 8 and self.float_rule is not None
                and POINT_PATH and not isinstance(lr, np.ndarray)):  # one small run: floats
            run = FloatRun(self, state, params)
            run.step(grads.tolist()[0], lr)
            run.store()
            return
        n, d = params.shape
        rows = max(1, _BLOCK_ELEMENTS // max(d, 1))
        if n <= rows:
            bufs = state.buffers
            new_p, new_s = self.rule.update(grads, _uniform_per_run(bufs, n, d), params, lr, k)
            params[...] = new_p
            # a buffer may be an input itself (SGD's b₁ = g): keep a copy, never the caller's;
            # a per-run field stepped as one scalar becomes its (N, 1) column again
            state.buffers = type(bufs)(
                *(np.copy(a) if a is grads or a is params
                  else np.full(old.shape, a) if old is not None and np.shape(a) != old.shape
                  else a for a, old in zip(new_s, bufs, strict=True)))
        else:
            lr_rows = isinstance(lr, np.ndarray) and lr.shape[0] == n
            for i in range(0, n, rows):
                sl = slice(i, min(i + rows, n))
                rule = self._rows_rule(sl) if self._cols else self.rule
                bufs = _uniform_per_run(state.rows(sl).buffers, sl.stop - i, d)
                new_p, new_s = rule.update(grads[sl], bufs, params[sl],
                                           lr[sl] if lr_rows else lr, k)
                params[sl] = new_p
                for dst, src in zip(state.buffers, new_s, strict=True):
                    if dst is not None:
                        dst[sl] = src
        state.count = k

    def _rows_rule(self, sl: slice) -> Rule:
        """The array rule for rows ``sl`` (hyperparameter columns sliced), made once."""
        key = (sl.start, sl.stop)
        rule = self._block_rules.get(key)
        if rule is None:
            h = {k: v[sl] if isinstance(v, np.ndarray) else v for k, v in self._h.items()}
            rule = self._block_rules[key] = build_rule(self.info, h, ARRAY)
        return rule

    def float_run(self, state: OptState, params: np.ndarray) -> FloatRun | VectorRun | None:
        """``params`` (1, D) and ``state`` held in Python floats for fast repeated steps (see
        :class:`FloatRun`; :class:`VectorRun` for a rule coupling a run's coordinates), or
        None when this optimizer has per-run columns or another shape."""
        if params.shape[0] != 1 or not POINT_PATH:
            return None
        if self.float_rule is not None:
            return FloatRun(self, state, params)
        if self._cols or self.rule.elementwise:
            return None
        try:
            return VectorRun(self, state, params)
        except _trace_error():
            return None

    def vector_step(self, state: OptState, d: int) -> Any:
        """The traced one-run step of a coupled rule (:mod:`gdsim.kernels.pystep`), built
        once per state layout and run size."""
        from gdsim.kernels import pystep

        key = (d, tuple(None if a is None else a.shape[1] for a in state.buffers))
        fn = self._vector_steps.get(key)
        if fn is None:
            fn = self._vector_steps[key] = pystep.build(self, state, d)
        return fn

    def update(self, grads: np.ndarray, state: OptState, params: np.ndarray,
               lr: Hyper | None = None) -> tuple[np.ndarray, OptState]:
        """Pure form of :meth:`step_`: returns new params and state, inputs untouched."""
        p = np.array(params, dtype=np.float64, copy=True)
        s = state.copy()
        self.step_(np.asarray(grads, dtype=np.float64), s, p, lr)
        return p, s


def _uniform_per_run(buffers: Any, n: int, d: int) -> Any:
    """``buffers`` with each per-run ``(n, 1)`` field (of ``(n, d)`` runs, d > 1) whose rows
    hold one value, bit for bit, as that NumPy scalar: the rule then computes its per-run
    quantities once, and its ``(N, d)`` passes take a scalar instead of broadcasting a column
    (two-wide rows make that broadcast several times slower). Same floats: ``+ − × ÷ √``
    are correctly rounded on a scalar as on each row, and NumPy scalars give NumPy's inf/nan."""
    if d <= 1 or n < _UNIFORM_MIN_ROWS:
        return buffers
    out = None
    for f, a in enumerate(buffers):
        if a is not None and a.shape[1] == 1:
            bits = a.view(np.int64)
            if (bits == bits[0, 0]).all():
                if out is None:
                    out = list(buffers)
                out[f] = a[0, 0]
    return buffers if out is None else type(buffers)(*out)


class FloatRun:
    """One (1, D) run held in Python floats: ``p`` a list of coordinates, ``s`` one state
    tuple of floats per coordinate, stepped by the FLOAT rule coordinate by coordinate
    (~10× cheaper than ufunc calls on tiny arrays); :meth:`store` writes them back.

    A step that raises on floats (÷0, √ of a negative) is redone on arrays (:meth:`fallback`),
    where NumPy gives its inf/nan: the floats are the array path's either way.
    """

    def __init__(self, opt: Optimizer, state: OptState, params: np.ndarray) -> None:
        assert opt.float_rule is not None
        self.opt, self.state, self.params = opt, state, params
        self.update = opt.float_rule.update
        self.count = state.count
        self.p: list[float] = params.tolist()[0]
        d = len(self.p)
        b = state.buffers
        self._type = type(b)
        self._per_run = tuple(a is not None and a.shape[1] == 1 and d > 1 for a in b)
        cols = [None if a is None else a.tolist()[0] for a in b]
        self.s = [self._type(*(None if c is None else c[0 if one else j]
                               for c, one in zip(cols, self._per_run, strict=True)))
                  for j in range(d)]

    def step(self, g: list[float], lr: float) -> None:
        """One update of ``p`` and ``s`` from the gradient coordinates ``g``."""
        k = self.count + 1
        try:
            out = [self.update(gj, sj, pj, lr, k)
                   for gj, sj, pj in zip(g, self.s, self.p, strict=True)]
        except FLOAT_ERRORS:
            out = self.fallback(g, self.s, self.p, lr, k)
        self.p = [o[0] for o in out]
        self.s = [o[1] for o in out]
        self.count = k

    def fallback(self, g: list[float], s: list, p: list[float], lr: float,
                 k: int) -> list[tuple[float, Any]]:
        """Step ``k`` from coordinates ``p``/``s`` on (1, D) arrays; per coordinate
        ``(p, state)`` as floats, as :meth:`step` computes them."""
        d = len(p)
        bufs = self._type(*(
            None if s[0][f] is None else np.array([[s[0][f]] if one else [c[f] for c in s]])
            for f, one in enumerate(self._per_run)))
        new_p, new_s = self.opt.rule.update(np.array([g], dtype=np.float64), bufs,
                                            np.array([p], dtype=np.float64), lr, k)
        ps = np.asarray(new_p, dtype=np.float64).reshape(d).tolist()
        cols = [None if a is None else np.asarray(a, np.float64).reshape(-1).tolist()
                for a in new_s]
        return [(ps[j], self._type(*(None if c is None else c[0 if one else j]
                                     for c, one in zip(cols, self._per_run, strict=True))))
                for j in range(d)]

    def store(self) -> None:
        """Write params, buffers and the step count back into the arrays and ``OptState``."""
        self.params[0, :] = self.p
        for f, (a, one) in enumerate(zip(self.state.buffers, self._per_run, strict=True)):
            if a is not None:
                a[0, :] = self.s[0][f] if one else [c[f] for c in self.s]
        self.state.count = self.count


class VectorRun:
    """One (1, D) run of a rule that couples its coordinates (Adafactor's RMS) held in Python
    floats: ``p`` its coordinates, ``s`` its state's floats field by field, stepped by the
    rule's traced straight-line form (:mod:`gdsim.kernels.pystep`: the array form's
    operations in order, so its floats). A step that raises is redone on arrays."""

    coupled = True  # Simulation steps it with one call per step, not one per coordinate

    def __init__(self, opt: Optimizer, state: OptState, params: np.ndarray) -> None:
        self.opt, self.state, self.params = opt, state, params
        self.count = state.count
        self.p: list[float] = params.tolist()[0]
        self.fields = [(f, a.shape[1]) for f, a in enumerate(state.buffers) if a is not None]
        self.s: tuple = tuple(v for f, _ in self.fields for v in state.buffers[f].tolist()[0])
        self.update = opt.vector_step(state, len(self.p))

    def step(self, g: list[float], lr: float) -> None:
        """One update of ``p`` and ``s`` from the gradient coordinates ``g``."""
        k = self.count + 1
        try:
            self.p, self.s = self.update(self.p, g, self.s, lr, k)
        except FLOAT_ERRORS:
            self.p, self.s = self.fallback(g, lr, k)
        self.count = k

    def _buffers(self, flat: Any) -> Any:
        """The state fields as (1, width) arrays from their flat floats."""
        out: list = [None] * len(self.state.buffers)
        i = 0
        for f, w in self.fields:
            out[f] = np.array([flat[i:i + w]], dtype=np.float64)
            i += w
        return type(self.state.buffers)(*out)

    def fallback(self, g: list[float], lr: float, k: int) -> tuple[list[float], tuple]:
        """Step ``k`` on (1, D) arrays (NumPy's inf/nan where Python raises)."""
        new_p, new_s = self.opt.rule.update(np.array([g], dtype=np.float64),
                                            self._buffers(self.s),
                                            np.array([self.p], dtype=np.float64), lr, k)
        flat = [v for f, _ in self.fields
                for v in np.asarray(new_s[f], np.float64).reshape(-1).tolist()]
        return np.asarray(new_p, np.float64).reshape(-1).tolist(), tuple(flat)

    def store(self) -> None:
        """Write params, buffers and the step count back into the arrays and ``OptState``."""
        self.params[0, :] = self.p
        for (f, _), arr in zip(self.fields, self._buffers(self.s), strict=False):
            self.state.buffers[f][0, :] = arr
        self.state.count = self.count


def make_optimizer(name: str, **hparams) -> Optimizer:
    """Validated optimizer ``name`` (SPEC §2) with defaults filled in; GdsimError if bad."""
    if not isinstance(name, str) or name not in OPTIMIZERS:
        raise unknown_name("optimizer", name, list(OPTIMIZERS))
    info = OPTIMIZERS[name]
    hp = resolve(info.params, hparams, name)
    if info.decay == "decoupled" and hp.get("decoupled_weight_decay") is False:
        raise GdsimError(f"{name}: decoupled_weight_decay is always true for {name} "
                         f"(use adam for L2 weight decay added to the gradient)")
    for check in info.checks:
        check(name, hp)
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


def markdown_table() -> str:
    """The README's optimizer table (name, defaults, update rule), from the registry."""
    def value(v: object) -> str:
        return str(v).lower() if isinstance(v, bool) else repr(v)

    lines = ["| name | defaults | update rule |", "|---|---|---|"]
    for name, info in OPTIMIZERS.items():
        defaults = ", ".join(f"{p.name}={value(p.default)}" for p in info.params)
        rule = "<br>".join(f"`{line.strip()}`" for line in info.formula.splitlines())
        lines.append(f"| `{name}` | {defaults} | {rule} |")
    return "\n".join(lines)


