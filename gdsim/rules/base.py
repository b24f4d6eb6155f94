"""What every update rule is built from: the two math backends, :class:`Rule`, the
registry entry :class:`OptimizerInfo`, and weight decay as a composition.

A rule factory closes over its hyperparameters (floats, or ``(N, 1)`` columns for stacked
runs) and a backend, and returns ``init(params) -> State`` (a NamedTuple naming each buffer)
and ``update(g, state, p, lr, k) -> (p, fields)`` written as plain expressions of its math
(``k``: torch's ``step`` after this update, 1 on the first). ``update`` unpacks the state and
returns its new fields as a plain tuple in ``State``'s order (a NamedTuple built per
coordinate would cost the float path ~40 %); callers wrap them: ``type(state)(*fields)``.

On :data:`FLOAT` the same text steps one coordinate of one run on Python floats; on
:data:`ARRAY` it steps ``(N, D)`` arrays. ``+ − × ÷ √`` are correctly rounded in both and
powers go through libm (:func:`hpow`), so both give the same floats, and a stacked row equals
its run stepped alone. Python raises where NumPy returns inf/nan (÷0, √ of a negative):
callers then redo that step on ARRAY (:data:`FLOAT_ERRORS`).
"""

from __future__ import annotations

import functools
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from gdsim.params import Param

Hyper = float | np.ndarray
#: What the float path raises where NumPy gives inf/nan; the step is then redone on arrays.
FLOAT_ERRORS = (ZeroDivisionError, ValueError, OverflowError)


def hpow(base: Hyper, exp: Hyper) -> Hyper:
    """``base ** exp`` with libm's ``pow`` (as Python and torch do) also for ``(N, 1)`` columns.

    NumPy's SIMD ``power`` differs from libm in the last bit, so columns are evaluated per
    distinct value with Python's ``**``: a stacked row then equals the run stepped alone.
    """
    base_col, exp_col = isinstance(base, np.ndarray), isinstance(exp, np.ndarray)
    if not base_col and not exp_col:
        return base**exp
    if base_col != exp_col:  # one column and one number (β₂ᵗ): the column's distinct bits
        col = np.asarray(base if base_col else exp, dtype=np.float64)
        uniq, inv = np.unique(col.view(np.int64), return_inverse=True)
        x = float(exp if base_col else base)
        vals = np.array([v**x if base_col else x**v
                         for v in uniq.view(np.float64).tolist()], dtype=np.float64)
        return vals[inv.ravel()].reshape(col.shape)
    b, e = np.broadcast_arrays(np.asarray(base, dtype=np.float64), np.asarray(exp, np.float64))
    pairs = np.stack([b.ravel(), e.ravel()], axis=1)
    uniq, inv = np.unique(pairs, axis=0, return_inverse=True)
    vals = np.array([x**y for x, y in uniq.tolist()], dtype=np.float64)
    return vals[inv.ravel()].reshape(b.shape)


def _order(a: np.ndarray) -> str:
    """"F" for a column-major (N, D) array, else "C": the layout new buffers should take."""
    return "F" if a.flags.f_contiguous and not a.flags.c_contiguous else "C"


def _fmax(a: float, b: float) -> float:
    """NumPy's ``maximum`` on floats: the NaN if either is NaN, ``b`` on ties."""
    return a if a > b or a != a else b


def _fmin(a: float, b: float) -> float:
    """NumPy's ``minimum`` on floats: the NaN if either is NaN, ``b`` on ties."""
    return a if a < b or a != a else b


def _fsign(a: float) -> float:
    """NumPy's ``sign`` on a float: ±1.0, 0.0 for ±0, NaN for NaN."""
    return 1.0 if a > 0 else -1.0 if a < 0 else a * 0.0 + 0.0


def _fwhere(cond: Any, a: Any, b: Any) -> Any:
    return a if cond else b


def _fzeros(p: float) -> float:
    return 0.0


def _ffull(p: float, value: float) -> float:
    return 0.0 + value


def _fper_run(p: float, value: float) -> float:
    return value


def _azeros(p: np.ndarray) -> np.ndarray:
    return np.zeros(p.shape, order=_order(p))


def _afull(p: np.ndarray, value: Hyper) -> np.ndarray:
    out = np.zeros(p.shape, order=_order(p))
    out += value
    return out


def _aper_run(p: np.ndarray, value: float) -> np.ndarray:
    return np.full((p.shape[0], 1), value)


def _arms(a: np.ndarray) -> np.ndarray:
    """Each run's root mean square, as torch's ``a.norm(2) / √numel``: an (N, 1) column.

    NumPy sums fewer than 8 terms left to right, so for D < 8 the columns are added in that
    order (the same floats, without a strided reduction over each short row)."""
    sq = a * a
    d = a.shape[1]
    if 2 <= d < 8:
        total = sq[:, 0:1] + sq[:, 1:2]
        for j in range(2, d):
            total += sq[:, j:j + 1]
    else:
        total = np.sum(sq, axis=1, keepdims=True)
    return np.sqrt(total) / (d ** 0.5)


def _frms(a: float) -> float:
    raise TypeError("rms couples a run's coordinates: there is no per-coordinate float rms")


class Backend(NamedTuple):
    """The few functions rules call besides ``+ − × ÷``, for floats or for arrays."""

    name: str
    sqrt: Callable
    maximum: Callable  # NumPy's NaN-propagating maximum
    abs: Callable
    sign: Callable  # NumPy's sign: ±1, 0 for ±0, NaN for NaN
    where: Callable  # where(cond, a, b); conditions are per run or per step
    pow: Callable  # libm pow (hpow for columns)
    zeros: Callable  # zeros(p): a buffer like p
    full: Callable  # full(p, value): a buffer like p filled with value (float or column)
    per_run: Callable  # per_run(p, value): one value per run ((N, 1); one float)
    minimum: Callable  # NumPy's NaN-propagating minimum
    rms: Callable  # each run's root mean square over its coordinates ((N, 1)); arrays only


FLOAT = Backend("float", math.sqrt, _fmax, abs, _fsign, _fwhere, operator.pow, _fzeros,
                _ffull, _fper_run, _fmin, _frms)
ARRAY = Backend("array", np.sqrt, np.maximum, np.abs, np.sign, np.where, hpow, _azeros,
                _afull, _aper_run, np.minimum, _arms)


def per_run(fn: Callable) -> Callable:
    """Decorator for a rule's helper ``fn(xp, a, b, c)`` of per-run quantities: a function of
    per-run state fields, ``lr``, ``k`` and hyperparameters, never of a coordinate's values.

    On FLOAT a run's coordinates call it in turn with the same argument objects (a FloatRun
    holds one object per per-run field for all its coordinates; the helper's results keep
    that so), so the last call is kept and a call with the same objects (``is``: floats are
    immutable, and the memo keeps them alive) returns its result: once per run and step
    instead of once per coordinate. Arrays are computed each call (they change in place).
    """
    last: list = [(None, None, None, None)]  # (a, b, c, result), replaced as one tuple

    @functools.wraps(fn)
    def once(xp: Backend, a: Any, b: Any, c: Any) -> Any:
        if xp is not FLOAT:
            return fn(xp, a, b, c)
        memo = last[0]
        if a is memo[0] and b is memo[1] and c is memo[2]:
            return memo[3]
        out = fn(xp, a, b, c)
        last[0] = (a, b, c, out)
        return out

    return once


def lerp(xp: Backend, a: Any, b: Any, w: Any) -> Any:
    """torch's ``lerp``: a + w(b − a) for w < ½, else b − (b − a)(1 − w) (one weight per run:
    a single weight, a float or one NumPy scalar for all runs, computes only its branch)."""
    if isinstance(w, float):
        return a + (b - a) * w if w < 0.5 else b - (b - a) * (1.0 - w)
    return xp.where(w < 0.5, a + (b - a) * w, b - (b - a) * (1.0 - w))


def active(x: Hyper) -> bool:
    """Whether a term scaled by ``x`` must be computed (columns always are: 0·x is exact)."""
    return isinstance(x, np.ndarray) or getattr(x, "column", False) or bool(x != 0)


class Rule(NamedTuple):
    """An update rule built for fixed hyperparameters on one backend.

    ``elementwise``: each coordinate's update reads only that coordinate (and per-run
    scalars), so one run may be stepped coordinate by coordinate on floats.
    """

    init: Callable[[Any], Any]
    update: Callable[..., tuple[Any, Any]]
    elementwise: bool = True


class Empty(NamedTuple):
    """The state of a rule that keeps none (plain gradient descent)."""


# --- compositions: the decay terms shared by all rules -----------------------------------


def l2_decay(rule: Rule, weight_decay: Hyper) -> Rule:
    """L2 weight decay folded into the gradient (torch's ``weight_decay``): g ← g + λθ."""
    inner = rule.update

    def update(g, s, p, lr, k):
        return inner(g + p * weight_decay, s, p, lr, k)

    return Rule(rule.init, update, rule.elementwise)


def decoupled_decay(rule: Rule, weight_decay: Hyper) -> Rule:
    """Decoupled weight decay (Loshchilov & Hutter 2019; torch's AdamW): θ ← θ(1 − ηλ),
    then the rule's step from the decayed θ."""
    inner = rule.update

    def update(g, s, p, lr, k):
        return inner(g, s, p * (1.0 - lr * weight_decay), lr, k)

    return Rule(rule.init, update, rule.elementwise)


def maximized(rule: Rule) -> Rule:
    """Gradient ascent (torch's ``maximize``): the rule sees −g, before any weight decay."""
    inner = rule.update

    def update(g, s, p, lr, k):
        return inner(-g, s, p, lr, k)

    return Rule(rule.init, update, rule.elementwise)


# --- registry entries --------------------------------------------------------------------


@dataclass(frozen=True)
class OptimizerInfo:
    """One registry entry: names, the update rule as text, the parameter specs, and the
    factory that builds the rule (with ``fixed`` hyperparameters the user does not see)."""

    name: str
    title: str
    formula: str
    reference: str
    params: tuple[Param, ...]
    factory: Callable[..., Rule]
    decay: str = "l2"  # how weight_decay enters: "l2" (into g), "decoupled", or "" (none)
    fixed: dict = field(default_factory=dict)
    # checks across parameters: check(name, hp) raises GdsimError naming what is allowed
    checks: tuple[Callable[[str, dict], None], ...] = ()
    # the factory's values for derived (none) parameters: internal(h) -> h
    internal: Callable[[dict], dict] | None = None

    @property
    def family(self) -> str:
        """The factory's name: entries of one family can be stacked into one batch."""
        return self.factory.__name__


def documented(title: str, formula: str, reference: str) -> Callable:
    """Decorator appending a rule's formula and reference (the registry's text) to the
    factory's one-line docstring, so the docstring, UI and README show the same math."""
    def wrap(factory: Callable) -> Callable:
        body = "\n".join("    " + line for line in formula.splitlines())
        factory.__doc__ = (f"{(factory.__doc__ or title).strip()}\n\n"
                           f"Update rule::\n\n{body}\n\nReference: {reference}.\n")
        factory.title, factory.formula, factory.reference = title, formula, reference
        return factory
    return wrap


# --- parameter specs shared by the entries -------------------------------------------------


def lr_param(default: float) -> Param:
    return Param("lr", default, "learning rate η (base rate the schedule starts from)",
                 low=0.0, low_open=True, log=True)


def unit_param(name: str, default: float, help: str) -> Param:
    return Param(name, default, help, low=0.0, high=1.0, high_open=True)


def eps_param(default: float) -> Param:
    return Param("eps", default, "ε added to the denominator for numerical stability",
                 low=0.0, low_open=True, log=True)


def wd_param(default: float = 0.0, decoupled: bool = False) -> Param:
    text = ("decoupled weight decay λ: θ ← θ(1 − ηλ) before the step" if decoupled
            else "L2 weight decay λ: adds λθ to the gradient")
    return Param("weight_decay", default, text, low=0.0, log=True)


MAXIMIZE = Param("maximize", False, "maximize: gradient ascent, the rule steps along −g",
                 kind=bool)


def decoupled_param(default: bool) -> Param:
    return Param("decoupled_weight_decay", default,
                 "decoupled weight decay (AdamW's): θ ← θ(1 − ηλ) instead of adding λθ to g",
                 kind=bool)


MOMENTUM_HELP = "momentum μ: weight of the previous buffer"
BETA1 = unit_param("beta1", 0.9, "β₁: decay rate of the first-moment average m")
