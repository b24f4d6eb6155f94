"""Tracing a rule (and a surface's gradient) into straight-line scalar code.

The rules of :mod:`gdsim.rules` are plain expressions over a backend. Run on :data:`TRACE`
with :class:`T` values, the same text records each operation once as a line of Python scalar
code (``t12 = t7 * t3``) instead of computing it: the code that :mod:`gdsim.kernels.codegen`
compiles into fused batch loops. Nothing is evaluated that the NumPy path would not evaluate,
in the same order, so the compiled loop gives the NumPy path's floats.

A :class:`T` is a vector of 1 (a per-run or per-step scalar) or D components (one per
coordinate) with a *rank* that says where its lines go: 0 once per call (hyperparameters),
1 once per step (k, a shared learning rate), 2 per run and step. Comparisons between rank-0
values with known values give Python bools (the traced code takes that branch, as a fresh
trace with other values would take the other); any other Python branch on a traced value
raises :class:`TraceError` (the caller then keeps the NumPy path).
"""

from __future__ import annotations

import math
import operator
import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from gdsim.rules.base import Backend, _fmax, _fmin, _fsign


class TraceError(Exception):
    """The rule or surface does something that cannot become straight-line code."""


class Tracer:
    """Collects the code lines of one trace, in three sections by rank, with common
    subexpressions emitted once."""

    def __init__(self, prefix: str = "t") -> None:
        self.sections: tuple[list[str], list[str], list[str]] = ([], [], [])
        self._memo: dict[str, str] = {}
        self._n = 0
        self.prefix = prefix
        self.assumed = False  # a comparison of the step count was decided by k ≥ 2

    def emit(self, expr: str, rank: int) -> str:
        name = self._memo.get(expr)
        if name is None:
            name = self._memo[expr] = f"{self.prefix}{self._n}"
            self._n += 1
            self.sections[rank].append(f"{name} = {expr}")
        return name


_local = threading.local()  # each thread traces into its own Tracer stack


def _stack() -> list[Tracer]:
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    return stack


def _tracer() -> Tracer:
    stack = _stack()
    if not stack:
        raise TraceError("traced value used outside a trace")
    return stack[-1]


def literal(v: float) -> str:
    """``v`` as exact Python source (repr round-trips floats)."""
    v = float(v)
    if math.isnan(v):
        return "math.nan"
    if math.isinf(v):
        return "math.inf" if v > 0 else "(-math.inf)"
    return repr(v)


_NUMBER = (int, float, np.integer, np.floating)


class T:
    """A traced value: component codes (1 or D), rank, and for rank 0 its known value."""

    __slots__ = ("parts", "rank", "value", "column", "step_count")

    def __init__(self, parts: Sequence[str], rank: int, value: float | None = None,
                 column: bool = False, step_count: bool = False) -> None:
        self.parts = tuple(parts)
        self.rank = rank
        self.value = value
        self.column = column  # a per-run hyperparameter column (never a zero to skip)
        self.step_count = step_count  # the step count k, traced for k ≥ 2

    def __repr__(self) -> str:
        return f"T({self.parts}, rank={self.rank}, value={self.value})"

    # --- Python branches on traced values ---------------------------------------------
    def __bool__(self) -> bool:
        if self.value is not None:
            return bool(self.value)
        raise TraceError("a Python branch depends on a traced value")

    def __float__(self) -> float:
        if self.value is not None:
            return float(self.value)
        raise TraceError("a traced value is converted to a Python float")

    __index__ = __int__ = None  # type: ignore[assignment]

    # --- arithmetic ---------------------------------------------------------------------
    def __add__(self, o): return _binary(self, o, "{} + {}", operator.add)
    def __radd__(self, o): return _binary(o, self, "{} + {}", operator.add)
    def __sub__(self, o): return _binary(self, o, "{} - {}", operator.sub)
    def __rsub__(self, o): return _binary(o, self, "{} - {}", operator.sub)
    def __mul__(self, o): return _binary(self, o, "{} * {}", operator.mul)
    def __rmul__(self, o): return _binary(o, self, "{} * {}", operator.mul)
    def __truediv__(self, o): return _binary(self, o, "{} / {}", operator.truediv)
    def __rtruediv__(self, o): return _binary(o, self, "{} / {}", operator.truediv)
    def __pow__(self, o): return _binary(self, o, "math.pow({}, {})", math.pow)
    def __rpow__(self, o): return _binary(o, self, "math.pow({}, {})", math.pow)
    def __neg__(self): return _unary(self, "-{}", operator.neg)
    def __pos__(self): return self
    def __abs__(self): return _unary(self, "abs({})", abs)

    # comparisons: Python bools between known rank-0 values, traced conditions otherwise
    def __lt__(self, o): return _compare(self, o, "<", operator.lt)
    def __le__(self, o): return _compare(self, o, "<=", operator.le)
    def __gt__(self, o): return _compare(self, o, ">", operator.gt)
    def __ge__(self, o): return _compare(self, o, ">=", operator.ge)
    def __eq__(self, o): return _compare(self, o, "==", operator.eq)  # type: ignore[override]
    def __ne__(self, o): return _compare(self, o, "!=", operator.ne)  # type: ignore[override]
    __hash__ = None  # type: ignore[assignment]

    # --- NumPy functions on traced values ------------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method != "__call__" or kwargs:
            raise TraceError(f"numpy {ufunc.__name__}.{method} cannot be traced")
        fn = _UFUNCS.get(ufunc.__name__)
        if fn is None:
            raise TraceError(f"numpy {ufunc.__name__} cannot be traced")
        return fn(*inputs)

    def __array_function__(self, func, types, args, kwargs):
        if func is np.where and not kwargs:
            return where(*args)
        raise TraceError(f"numpy {func.__name__} cannot be traced")


def lift(v: Any) -> T:
    """``v`` as a traced value (numbers become rank-0 literals)."""
    if isinstance(v, T):
        return v
    if isinstance(v, bool | np.bool_):
        return T((repr(bool(v)),), 0, bool(v))
    if isinstance(v, _NUMBER):
        return T((literal(v),), 0, float(v))
    raise TraceError(f"cannot trace a value of type {type(v).__name__}")


def _width(*vals: T) -> int:
    widths = {len(v.parts) for v in vals} - {1}
    if len(widths) > 1:
        raise TraceError(f"mismatched vector widths {sorted(widths)}")
    return widths.pop() if widths else 1


def _parts(v: T, w: int) -> tuple[str, ...]:
    return v.parts if len(v.parts) == w else v.parts * w


def _known(fn: Callable, *vals: T) -> float | None:
    if any(v.value is None for v in vals):
        return None
    try:
        return fn(*(v.value for v in vals))
    except (ArithmeticError, ValueError):
        return None


def _apply(fmt: str, fn: Callable, *args: Any) -> T:
    vals = [lift(a) for a in args]
    w = _width(*vals)
    rank = max(v.rank for v in vals)
    tr = _tracer()
    cols = zip(*(_parts(v, w) for v in vals), strict=True)
    parts = tuple(tr.emit(fmt.format(*c), rank) for c in cols)
    return T(parts, rank, _known(fn, *vals) if w == 1 and rank == 0 else None)


def _binary(a: Any, b: Any, fmt: str, fn: Callable) -> T:
    return _apply(fmt, fn, a, b)


def _unary(a: Any, fmt: str, fn: Callable) -> T:
    return _apply(fmt, fn, a)


def _compare(a: Any, b: Any, op: str, fn: Callable) -> Any:
    va, vb = lift(a), lift(b)
    if va.rank == 0 and vb.rank == 0 and va.value is not None and vb.value is not None:
        return bool(fn(va.value, vb.value))
    decided = _step_decided(va, vb, fn)
    if decided is not None:
        return decided
    return _apply("{} " + op + " {}", fn, va, vb)


def _step_decided(va: T, vb: T, fn: Callable) -> bool | None:
    """``k op c`` for the step count k and a known c ≤ 1 has one answer for every k ≥ 2 (the
    rules' ``if k == 1`` for torch's first step): decided, and the trace marked as assuming
    k ≥ 2 (the kernel then traces step 1 apart, with k known)."""
    if va.step_count and vb.value is not None and vb.value <= 1:
        answers = {bool(fn(2.0, vb.value)), bool(fn(3.0, vb.value))}
    elif vb.step_count and va.value is not None and va.value <= 1:
        answers = {bool(fn(va.value, 2.0)), bool(fn(va.value, 3.0))}
    else:
        return None
    if len(answers) != 1:
        return None
    _tracer().assumed = True
    return answers.pop()


# --- the backend functions ----------------------------------------------------------------


def sqrt(a: Any) -> T:
    return _apply("math.sqrt({})", math.sqrt, a)


def maximum(a: Any, b: Any) -> T:
    """NumPy's maximum: the NaN if either is NaN, ``b`` on ties (as FLOAT's)."""
    return _apply("({0} if {0} > {1} or {0} != {0} else {1})", _fmax, a, b)


def minimum(a: Any, b: Any) -> T:
    return _apply("({0} if {0} < {1} or {0} != {0} else {1})", _fmin, a, b)


def sign(a: Any) -> T:
    """NumPy's sign: ±1, 0 for ±0, NaN for NaN (as FLOAT's)."""
    return _apply("(1.0 if {0} > 0.0 else -1.0 if {0} < 0.0 else {0} * 0.0 + 0.0)", _fsign, a)


def where(cond: Any, a: Any, b: Any) -> Any:
    if isinstance(cond, bool | np.bool_):
        return a if cond else b
    return _apply("({1} if {0} else {2})", lambda c, x, y: x if c else y, cond, a, b)


def power(a: Any, b: Any) -> T:
    return _apply("math.pow({}, {})", math.pow, a, b)


def rms(a: Any) -> T:
    """Each run's root mean square over its coordinates, as NumPy's sum then √ then ÷ √D."""
    v = lift(a)
    sq = v * v
    total = T((sq.parts[0],), sq.rank)
    for part in sq.parts[1:]:
        total = total + T((part,), sq.rank)
    return sqrt(total) / (len(v.parts) ** 0.5)


def _unsupported(what: str) -> Callable:
    def fail(*_args: Any) -> Any:
        raise TraceError(f"{what} cannot be traced (buffers come from the NumPy init)")
    return fail


TRACE = Backend("trace", sqrt, maximum, abs, sign, where, power, _unsupported("zeros"),
                _unsupported("full"), _unsupported("per_run"), minimum, rms)


def _ufunc(fmt: str, fn: Callable) -> Callable:
    return lambda *args: _apply(fmt, fn, *args)


_UFUNCS: dict[str, Callable] = {
    "add": lambda a, b: lift(a) + b, "subtract": lambda a, b: lift(a) - b,
    "multiply": lambda a, b: lift(a) * b, "divide": lambda a, b: lift(a) / b,
    "true_divide": lambda a, b: lift(a) / b, "negative": lambda a: -lift(a),
    "positive": lambda a: lift(a), "absolute": lambda a: abs(lift(a)),
    "fabs": lambda a: abs(lift(a)), "square": lambda a: lift(a) * a,
    "power": power, "sqrt": sqrt, "maximum": maximum, "minimum": minimum, "sign": sign,
    "sin": _ufunc("math.sin({})", math.sin), "cos": _ufunc("math.cos({})", math.cos),
    "tan": _ufunc("math.tan({})", math.tan), "exp": _ufunc("math.exp({})", math.exp),
    "log": _ufunc("math.log({})", math.log), "tanh": _ufunc("math.tanh({})", math.tanh),
    "sinh": _ufunc("math.sinh({})", math.sinh), "cosh": _ufunc("math.cosh({})", math.cosh),
    "arctan": _ufunc("math.atan({})", math.atan),
    "arctan2": _ufunc("math.atan2({}, {})", math.atan2),
    "hypot": _ufunc("math.hypot({}, {})", math.hypot),
    "log1p": _ufunc("math.log1p({})", math.log1p), "expm1": _ufunc("math.expm1({})", math.expm1),
    "greater": lambda a, b: lift(a) > b, "less": lambda a, b: lift(a) < b,
    "greater_equal": lambda a, b: lift(a) >= b, "less_equal": lambda a, b: lift(a) <= b,
    "equal": lambda a, b: lift(a) == b, "not_equal": lambda a, b: lift(a) != b,
}


class Trace:
    """Context manager opening a :class:`Tracer` for the :class:`T` operations inside it."""

    def __init__(self, prefix: str = "t") -> None:
        self.prefix = prefix

    def __enter__(self) -> Tracer:
        tr = Tracer(self.prefix)
        _stack().append(tr)
        return tr

    def __exit__(self, *exc: object) -> None:
        _stack().pop()
