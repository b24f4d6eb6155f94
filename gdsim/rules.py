"""Update rules of the optimizer families, in place on ``(N, D)`` float64 arrays.

Each rule is torch.optim's ``_single_tensor_*`` update written with NumPy ufuncs and
``out=`` so the hot path allocates nothing for ``(N, D)`` arrays. Hyperparameters (and
``lr``) are Python floats or ``(N, 1)`` columns; per-run scalars such as bias corrections
are computed with :func:`hpow` and ``+ − × ÷ √`` only, so a row of a stacked batch is
bit-identical to the same run stepped alone.

A rule has the signature ``rule(g, p, s, k, lr, h, c, w)``: gradient ``g`` (never written),
params ``p`` and slots ``s`` (updated in place), ``k`` the step number after this update
(torch's ``step``, 1 on the first update), scheduled ``lr``, hyperparameters ``h`` (floats
or columns, for logic and scalar math), the same as ufunc operands ``c`` (floats held as
0-d arrays, which NumPy combines with an array ~2× faster than a Python float; ``c["1-β"]``
holds 1 − β) and ``w``: three scratch arrays shaped like ``p`` then three 0-d registers for
per-step scalars (see :func:`put`).

The same rule text also steps one (1, 2) run on Python floats: on :class:`Vec2` operands
(with :data:`SCALAR` in place of NumPy), or compiled by tracing into straight-line float code
(:func:`compile_point`). Both apply the same IEEE operations in the same order as the arrays.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from types import SimpleNamespace

import numpy as np

Hyper = float | np.ndarray


def hpow(base: Hyper, exp: Hyper) -> Hyper:
    """``base ** exp`` with libm's ``pow`` (as Python and torch do) also for ``(N, 1)`` columns.

    NumPy's SIMD ``power`` differs from libm in the last bit, so columns are evaluated per
    distinct value with Python's ``**``: a stacked row then equals the run stepped alone.
    """
    if not isinstance(base, np.ndarray) and not isinstance(exp, np.ndarray):
        return base**exp
    b, e = np.broadcast_arrays(np.asarray(base, dtype=np.float64), np.asarray(exp, np.float64))
    pairs = np.stack([b.ravel(), e.ravel()], axis=1)
    uniq, inv = np.unique(pairs, axis=0, return_inverse=True)
    vals = np.array([x**y for x, y in uniq.tolist()], dtype=np.float64)
    return vals[inv.ravel()].reshape(b.shape)


def hsqrt(x: Hyper) -> Hyper:
    """Correctly rounded square root of a float or column (math.sqrt and np.sqrt agree)."""
    if isinstance(x, np.ndarray):
        return np.sqrt(x)
    return x.sqrt() if type(x) is _Sym else math.sqrt(x)


def active(x: Hyper) -> bool:
    """Whether a term scaled by ``x`` must be computed (columns always are: 0·x is exact)."""
    return isinstance(x, np.ndarray) or x != 0


def operands(h: dict) -> dict:
    """Ufunc operands for hyperparameters ``h``: floats as 0-d arrays, columns as they are,
    plus ``"1-<name>"`` = 1 − value for the decay rates."""
    c: dict = {}
    for key, val in h.items():
        if isinstance(val, bool):
            continue
        c[key] = val if isinstance(val, np.ndarray) else np.array(float(val))
        if key in ("beta1", "beta2", "alpha", "rho", "dampening"):
            one_minus = 1.0 - val
            c["1-" + key] = one_minus if isinstance(one_minus, np.ndarray) else np.array(one_minus)
    return c


def put(reg: np.ndarray | None, x: Hyper) -> np.ndarray:
    """``x`` as a ufunc operand: a column as it is, a float written into 0-d register ``reg``
    (the scalar path has no registers, ``None``: its operands are the floats themselves)."""
    if reg is None or isinstance(x, np.ndarray):
        return x
    reg[()] = x
    return reg


# --- the scalar path: one (1, 2) run on Python floats -------------------------------------
# A ufunc call on a (1, 2) array costs ~0.3 µs, the float arithmetic inside it ~0.02 µs. So one
# run is stepped by the same rule text on :class:`Vec2` objects, whose operators and the
# ``out=`` functions of :data:`SCALAR` apply the same IEEE operations (+ − × ÷ √ are correctly
# rounded in both Python and NumPy) element by element: its floats are NumPy's, bit for bit.


_NAN = math.inf - math.inf  # the hardware's default NaN, what NumPy's 0/0 and √−1 give


def _div(a: float, b: float) -> float:
    """``a / b`` as NumPy computes it also for b = ±0 (±inf or nan), where Python raises."""
    try:
        return a / b
    except ZeroDivisionError:
        if a != a:
            return a
        if a == 0:
            return _NAN
        return math.copysign(math.inf, a) * math.copysign(1.0, b)


def _sqrt(a: float) -> float:
    """``√a``; NaN for a < 0 as NumPy (Python raises)."""
    try:
        return math.sqrt(a)
    except ValueError:
        return _NAN


def _max(a: float, b: float) -> float:
    """NumPy's ``maximum``: the NaN if either is NaN, ``b`` on ties (max(0, −0) = −0)."""
    return a if a > b or a != a else b


class Vec2:
    """The two elements of a (1, 2) array as Python floats, updated in place by the rules'
    operators (``v += w``, ``v *= c``...) exactly as the array would be."""

    __slots__ = ("x", "y")

    def __init__(self, x: float = 0.0, y: float = 0.0) -> None:
        self.x = x
        self.y = y

    def __repr__(self) -> str:
        return f"Vec2({self.x!r}, {self.y!r})"

    def __iadd__(self, o):
        if type(o) is Vec2:
            self.x += o.x
            self.y += o.y
        else:
            self.x += o
            self.y += o
        return self

    def __isub__(self, o):
        if type(o) is Vec2:
            self.x -= o.x
            self.y -= o.y
        else:
            self.x -= o
            self.y -= o
        return self

    def __imul__(self, o):
        if type(o) is Vec2:
            self.x *= o.x
            self.y *= o.y
        else:
            self.x *= o
            self.y *= o
        return self

    def __itruediv__(self, o):
        ox, oy = (o.x, o.y) if type(o) is Vec2 else (o, o)
        self.x = _div(self.x, ox)
        self.y = _div(self.y, oy)
        return self


class Cell:
    """A per-run scalar slot of shape (1, 1) (NAdam's μ-product) as a Python float."""

    __slots__ = ("x",)

    def __init__(self, x: float = 0.0) -> None:
        self.x = x

    def __repr__(self) -> str:
        return f"Cell({self.x!r})"

    def __imul__(self, o: float):
        self.x *= o
        return self

    def __mul__(self, o: float) -> float:
        return self.x * o

    __rmul__ = __mul__

    def __rsub__(self, o: float) -> float:
        return o - self.x


def _s_add(a, b, out: Vec2) -> None:
    if type(b) is Vec2:
        out.x, out.y = a.x + b.x, a.y + b.y
    else:
        out.x, out.y = a.x + b, a.y + b


def _s_subtract(a, b, out: Vec2) -> None:
    if type(a) is not Vec2:
        out.x, out.y = a - b.x, a - b.y
    elif type(b) is Vec2:
        out.x, out.y = a.x - b.x, a.y - b.y
    else:
        out.x, out.y = a.x - b, a.y - b


def _s_multiply(a, b, out: Vec2) -> None:
    if type(b) is Vec2:
        out.x, out.y = a.x * b.x, a.y * b.y
    else:
        out.x, out.y = a.x * b, a.y * b


def _s_divide(a, b, out: Vec2) -> None:
    ax, ay = a.x, a.y
    bx, by = (b.x, b.y) if type(b) is Vec2 else (b, b)
    try:
        out.x, out.y = ax / bx, ay / by
    except ZeroDivisionError:
        out.x, out.y = _div(ax, bx), _div(ay, by)


def _s_sqrt(a: Vec2, out: Vec2) -> None:
    try:
        out.x, out.y = math.sqrt(a.x), math.sqrt(a.y)
    except ValueError:
        out.x, out.y = _sqrt(a.x), _sqrt(a.y)


def _s_maximum(a: Vec2, b, out: Vec2) -> None:
    bx, by = (b.x, b.y) if type(b) is Vec2 else (b, b)
    out.x, out.y = _max(a.x, bx), _max(a.y, by)


def _s_square(a: Vec2, out: Vec2) -> None:
    out.x, out.y = a.x * a.x, a.y * a.y


def _s_abs(a: Vec2, out: Vec2) -> None:
    out.x, out.y = abs(a.x), abs(a.y)


def _s_copyto(dst: Vec2, src: Vec2) -> None:
    dst.x, dst.y = src.x, src.y


# The NumPy functions the rules call with ``out=``, on Vec2 and float operands (branches
# written out: this is the per-step cost of a single run).
SCALAR = SimpleNamespace(
    add=_s_add,
    subtract=_s_subtract,
    multiply=_s_multiply,
    divide=_s_divide,
    sqrt=_s_sqrt,
    maximum=_s_maximum,
    square=_s_square,
    abs=_s_abs,
    copyto=_s_copyto,
)


def _decayed(g, p, wd, c_wd, out, xp):
    """``g + λθ`` (L2 weight decay folded into the gradient), or ``g`` itself when λ = 0."""
    if not active(wd):
        return g
    xp.multiply(p, c_wd, out=out)
    out += g
    return out


def _lerp_(m, g, one_minus_beta, tmp, xp):
    """``m ← m + (1−β)(g − m)``, torch's ``lerp_(g, 1−β)``."""
    xp.subtract(g, m, out=tmp)
    tmp *= one_minus_beta
    m += tmp


def _ema_sq_(v, g, beta, one_minus_beta, tmp, xp):
    """``v ← βv + (1−β)g²``."""
    v *= beta
    xp.square(g, out=tmp)  # g·g, one operand stream fewer
    tmp *= one_minus_beta
    v += tmp


# --- SGD family: gd, sgd, momentum, nesterov ------------------------------------------


def sgd_slots(h: dict) -> tuple[str, ...]:
    """Names of the state slots sgd keeps for hyperparameters ``h``."""
    return ("momentum_buffer",) if active(h["momentum"]) else ()


def sgd(g, p, s, k, lr, h, c, w):
    """SGD (torch.optim.SGD; Sutskever et al. 2013 for Nesterov).

    g ← ∇f + λθ;  b₁ = g,  b ← μb + (1−τ)g;  g ← g + μb (Nesterov) or g ← b;  θ ← θ − ηg.
    """
    xp = _OPS.get(type(p), np)
    a, b = w[0], w[1]
    d = _decayed(g, p, h["weight_decay"], c["weight_decay"], a, xp)
    if active(h["momentum"]):
        mu = c["momentum"]
        buf = s["momentum_buffer"]
        if k == 1:
            xp.copyto(buf, d)
        else:
            buf *= mu
            if active(h["dampening"]):
                xp.multiply(d, c["1-dampening"], out=b)
                buf += b
            else:
                buf += d
        if h["nesterov"]:
            xp.multiply(buf, mu, out=b)
            b += d
            d = b
        else:
            d = buf
    xp.multiply(d, put(w[3], lr), out=b)
    p -= b


# --- Adagrad ----------------------------------------------------------------------------


def adagrad_slots(h: dict) -> tuple[str, ...]:
    """Names of the state slots adagrad keeps for hyperparameters ``h``."""
    return ("sum",)


def adagrad(g, p, s, k, lr, h, c, w):
    """Adagrad (Duchi et al. 2011; torch.optim.Adagrad).

    g ← ∇f + λθ;  η_t = η/(1 + (t−1)·lr_decay);  G ← G + g²;  θ ← θ − η_t g/(√G + ε).
    """
    xp = _OPS.get(type(p), np)
    a, b = w[0], w[1]
    d = _decayed(g, p, h["weight_decay"], c["weight_decay"], a, xp)
    clr = lr / (1.0 + (k - 1) * h["lr_decay"])
    acc = s["sum"]
    xp.square(d, out=b)
    acc += b
    xp.sqrt(acc, out=b)
    b += c["eps"]
    xp.divide(d, b, out=b)
    b *= put(w[3], clr)
    p -= b


# --- RMSprop ----------------------------------------------------------------------------


def rmsprop_slots(h: dict) -> tuple[str, ...]:
    """Names of the state slots rmsprop keeps for hyperparameters ``h``."""
    names = ["square_avg"]
    if h["centered"]:
        names.append("grad_avg")
    if active(h["momentum"]):
        names.append("momentum_buffer")
    return tuple(names)


def rmsprop(g, p, s, k, lr, h, c, w):
    """RMSprop (Hinton 2012, lecture 6e; torch.optim.RMSprop).

    g ← ∇f + λθ;  v ← αv + (1−α)g²;  centered: ḡ ← αḡ + (1−α)g, v̄ = v − ḡ², else v̄ = v;
    u = g/(√v̄ + ε);  momentum: b ← μb + u, θ ← θ − ηb;  else θ ← θ − ηu.
    (v − ḡ² ≥ 0 exactly; a negative rounding residue is clamped to 0 where torch gives NaN.)
    """
    xp = _OPS.get(type(p), np)
    a, b = w[0], w[1]
    d = _decayed(g, p, h["weight_decay"], c["weight_decay"], a, xp)
    sq = s["square_avg"]
    _ema_sq_(sq, d, c["alpha"], c["1-alpha"], b, xp)
    if h["centered"]:
        ga = s["grad_avg"]
        _lerp_(ga, d, c["1-alpha"], b, xp)
        xp.square(ga, out=b)
        xp.subtract(sq, b, out=b)
        xp.maximum(b, 0.0, out=b)
        xp.sqrt(b, out=b)
    else:
        xp.sqrt(sq, out=b)
    b += c["eps"]
    xp.divide(d, b, out=b)
    if active(h["momentum"]):
        buf = s["momentum_buffer"]
        buf *= c["momentum"]
        buf += b
        xp.multiply(buf, put(w[3], lr), out=b)
    else:
        b *= put(w[3], lr)
    p -= b


# --- Adadelta ---------------------------------------------------------------------------


def adadelta_slots(h: dict) -> tuple[str, ...]:
    """Names of the state slots adadelta keeps for hyperparameters ``h``."""
    return ("square_avg", "acc_delta")


def adadelta(g, p, s, k, lr, h, c, w):
    """Adadelta (Zeiler 2012; torch.optim.Adadelta).

    g ← ∇f + λθ;  v ← ρv + (1−ρ)g²;  Δ = √(u + ε)/√(v + ε) · g;  u ← ρu + (1−ρ)Δ²;
    θ ← θ − ηΔ.
    """
    xp = _OPS.get(type(p), np)
    a, b, e = w[0], w[1], w[2]
    d = _decayed(g, p, h["weight_decay"], c["weight_decay"], a, xp)
    rho, one_minus_rho, eps = c["rho"], c["1-rho"], c["eps"]
    sq, acc = s["square_avg"], s["acc_delta"]
    _ema_sq_(sq, d, rho, one_minus_rho, b, xp)
    xp.add(sq, eps, out=b)
    xp.sqrt(b, out=b)
    xp.add(acc, eps, out=e)
    xp.sqrt(e, out=e)
    e /= b
    e *= d
    _ema_sq_(acc, e, rho, one_minus_rho, b, xp)
    e *= put(w[3], lr)
    p -= e


# --- Adam family: adam, adamw, amsgrad ----------------------------------------------------


def adam_slots(h: dict) -> tuple[str, ...]:
    """Names of the state slots adam keeps for hyperparameters ``h``."""
    base = ("exp_avg", "exp_avg_sq")
    return base + ("max_exp_avg_sq",) if h["amsgrad"] else base


def adam(g, p, s, k, lr, h, c, w):
    """Adam (Kingma & Ba 2015), AMSGrad (Reddi et al. 2018), AdamW (Loshchilov & Hutter 2019).

    AdamW: θ ← θ(1 − ηλ) first; Adam: g ← ∇f + λθ.  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;
    AMSGrad: v̂ ← max(v̂, v), else v̂ = v;  θ ← θ − η/(1−β₁ᵗ) · m/(√v̂/√(1−β₂ᵗ) + ε).
    """
    xp = _OPS.get(type(p), np)
    a, b = w[0], w[1]
    wd = h["weight_decay"]
    if h["decoupled"]:
        if active(wd):
            p *= put(w[3], 1.0 - lr * wd)
        d = g
    else:
        d = _decayed(g, p, wd, c["weight_decay"], a, xp)
    m, v = s["exp_avg"], s["exp_avg_sq"]
    _lerp_(m, d, c["1-beta1"], b, xp)
    _ema_sq_(v, d, c["beta2"], c["1-beta2"], b, xp)
    if h["amsgrad"]:
        vmax = s["max_exp_avg_sq"]
        xp.maximum(vmax, v, out=vmax)
        v = vmax
    bc2_sqrt = hsqrt(1.0 - hpow(h["beta2"], k))
    step_size = lr / (1.0 - hpow(h["beta1"], k))
    # m/(√v/s + ε) = s·m/(√v + εs): one ufunc call fewer, same value to rounding
    xp.sqrt(v, out=b)
    b += put(w[4], h["eps"] * bc2_sqrt)
    xp.divide(m, b, out=b)
    b *= put(w[5], step_size * bc2_sqrt)
    p -= b


# --- Adamax -----------------------------------------------------------------------------


def adamax_slots(h: dict) -> tuple[str, ...]:
    """Names of the state slots adamax keeps for hyperparameters ``h``."""
    return ("exp_avg", "exp_inf")


def adamax(g, p, s, k, lr, h, c, w):
    """Adamax (Kingma & Ba 2015, §7.1; torch.optim.Adamax).

    g ← ∇f + λθ;  m ← β₁m + (1−β₁)g;  u ← max(β₂u, |g| + ε);  θ ← θ − η/(1−β₁ᵗ) · m/u.
    """
    xp = _OPS.get(type(p), np)
    a, b = w[0], w[1]
    d = _decayed(g, p, h["weight_decay"], c["weight_decay"], a, xp)
    m, u = s["exp_avg"], s["exp_inf"]
    _lerp_(m, d, c["1-beta1"], b, xp)
    u *= c["beta2"]
    xp.abs(d, out=b)
    b += c["eps"]
    xp.maximum(u, b, out=u)
    clr = lr / (1.0 - hpow(h["beta1"], k))
    xp.divide(m, u, out=b)
    b *= put(w[3], clr)
    p -= b


# --- NAdam ------------------------------------------------------------------------------


def nadam_slots(h: dict) -> tuple[str, ...]:
    """Names of the state slots nadam keeps for hyperparameters ``h``."""
    return ("exp_avg", "exp_avg_sq", "mu_product")


def nadam(g, p, s, k, lr, h, c, w):
    """NAdam (Dozat 2016; torch.optim.NAdam with its momentum-decay schedule).

    g ← ∇f + λθ;  μ_t = β₁(1 − ½·0.96^(tψ));  Π_t = Π_{t−1}μ_t;  m, v as Adam;
    v̂ = v/(1−β₂ᵗ);  θ ← θ − η(1−μ_t)/(1−Π_t) · g/(√v̂ + ε) − ημ_{t+1}/(1−Π_tμ_{t+1}) · m/(√v̂ + ε).
    """
    xp = _OPS.get(type(p), np)
    a, b, e = w[0], w[1], w[2]
    d = _decayed(g, p, h["weight_decay"], c["weight_decay"], a, xp)
    b1, psi = h["beta1"], h["momentum_decay"]
    bc2 = 1.0 - hpow(h["beta2"], k)
    mu = b1 * (1.0 - 0.5 * hpow(0.96, k * psi))
    mu_next = b1 * (1.0 - 0.5 * hpow(0.96, (k + 1) * psi))
    mu_prod = s["mu_product"]
    mu_prod *= mu
    m, v = s["exp_avg"], s["exp_avg_sq"]
    _lerp_(m, d, c["1-beta1"], b, xp)
    _ema_sq_(v, d, c["beta2"], c["1-beta2"], b, xp)
    xp.divide(v, put(w[3], bc2), out=b)
    xp.sqrt(b, out=b)
    b += c["eps"]
    c1 = -lr * (1.0 - mu) / (1.0 - mu_prod)
    c2 = (-lr * mu_next) / (1.0 - mu_prod * mu_next)
    xp.divide(d, b, out=e)
    e *= c1
    p += e
    xp.divide(m, b, out=e)
    e *= c2
    p += e


# --- RAdam ------------------------------------------------------------------------------


def radam_slots(h: dict) -> tuple[str, ...]:
    """Names of the state slots radam keeps for hyperparameters ``h``."""
    return ("exp_avg", "exp_avg_sq")


def radam(g, p, s, k, lr, h, c, w):
    """RAdam (Liu et al. 2020; torch.optim.RAdam).

    g ← ∇f + λθ;  m, v as Adam;  ρ∞ = 2/(1−β₂) − 1;  ρ_t = ρ∞ − 2tβ₂ᵗ/(1−β₂ᵗ);
    ρ_t > 5: r = √((ρ_t−4)(ρ_t−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρ_t)),
             θ ← θ − η r √(1−β₂ᵗ)/(1−β₁ᵗ) · m/(√v + ε);   else θ ← θ − η m/(1−β₁ᵗ).
    """
    xp = _OPS.get(type(p), np)
    a, b, e = w[0], w[1], w[2]
    d = _decayed(g, p, h["weight_decay"], c["weight_decay"], a, xp)
    b2 = h["beta2"]
    m, v = s["exp_avg"], s["exp_avg_sq"]
    _lerp_(m, d, c["1-beta1"], b, xp)
    _ema_sq_(v, d, c["beta2"], c["1-beta2"], b, xp)
    bc1 = 1.0 - hpow(h["beta1"], k)
    b2k = hpow(b2, k)
    bc2 = 1.0 - b2k
    rho_inf = 2.0 / (1.0 - b2) - 1.0
    rho_t = rho_inf - 2.0 * k * b2k / bc2
    plain = lr / bc1
    if isinstance(rho_t, np.ndarray):
        on = rho_t > 5.0
        num = np.where(on, (rho_t - 4.0) * (rho_t - 2.0) * rho_inf, 1.0)
        den = np.where(on, (rho_inf - 4.0) * (rho_inf - 2.0) * rho_t, 1.0)
        coef = plain * np.sqrt(num / den) * np.sqrt(bc2)
        np.sqrt(v, out=b)
        b += c["eps"]
        np.divide(m, b, out=b)
        b *= coef
        if not on.all():
            np.multiply(m, plain, out=e)
            np.copyto(b, e, where=~on)
    elif rho_t > 5.0:
        rect = math.sqrt(
            (rho_t - 4.0) * (rho_t - 2.0) * rho_inf / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t)
        )
        xp.sqrt(v, out=b)
        b += c["eps"]
        xp.divide(m, b, out=b)
        b *= put(w[3], plain * rect * math.sqrt(bc2))
    else:
        xp.multiply(m, put(w[3], plain), out=b)
    p -= b


# --- compiled scalar path: the rule traced once into straight-line float code -------------
# Interpreting a rule on Vec2 still costs ~25 Python calls a step. Tracing it once with
# symbolic operands (:class:`_TVec` for vectors, :class:`_Sym` for per-step scalars built from
# k and lr) records every element operation, in order, as a line of Python; hyperparameters
# are baked in as exact float literals (``repr`` round-trips). The generated function runs the
# same IEEE operations on the same operands in the same order as the Vec2 path, so its floats
# are identical; it writes its results back only at the end, and on a Python exception
# (÷0, √ of a negative: NumPy gives inf/nan there) it reruns the step on Vec2 instead. A rule
# that branches on k (SGD's first momentum step, RAdam's ρ_t > 5) is not traceable and keeps
# the Vec2 path.
#
# ``exec`` here runs only text the engine writes itself: the rule's own function name,
# slot names from the optimizer class (as ``repr`` string literals), generated local names,
# and operands, which :func:`_literal` writes as ``repr`` of an int or float and refuses for
# any other type. Hyperparameters reach the tracer only as checked numbers
# (``Param.check``), so no user-provided string (names, labels, formulas) can reach it.


class _Untraceable(Exception):
    """The rule branches on a per-step value, or reads scratch before writing it."""


class _Tracer:
    """Collects the generated lines and knows which element variables hold values."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.defined: set[str] = set()
        self.n = 0

    def emit(self, target: str, expr: str) -> None:
        self.lines.append(f"{target} = {expr}")
        self.defined.add(target)

    def sym(self, expr: str) -> _Sym:
        """A new scalar local holding ``expr``, evaluated here, in program order."""
        name = f"s{self.n}"
        self.n += 1
        self.emit(name, expr)
        return _Sym(name, self)

    def operand(self, o, el: str) -> str:
        """Source for element ``el`` ("x"/"y") of operand ``o``: vector, scalar or constant."""
        t = type(o)
        if t is _TVec:
            return o.ref(el)
        if t is _Sym:
            return o.name
        return _literal(o)


def _literal(v) -> str:
    if isinstance(v, bool | np.bool_):
        raise _Untraceable("boolean operand")
    if isinstance(v, int | np.integer):
        text = repr(int(v))
    elif isinstance(v, float | np.floating):
        f = float(v)
        text = repr(f) if math.isfinite(f) else f"float({repr(f)!r})"
    else:
        raise _Untraceable(f"operand of type {type(v).__name__}")
    return f"({text})" if text.startswith("-") else text  # -0.5 ** k is -(0.5 ** k)


class _Sym:
    """A per-step scalar while tracing (k, lr and what is computed from them)."""

    __slots__ = ("name", "tr")

    def __init__(self, name: str, tr: _Tracer) -> None:
        self.name = name
        self.tr = tr

    def _src(self, o) -> str:
        return o.name if type(o) is _Sym else _literal(o)

    def _bin(self, op: str, o, rev: bool = False) -> _Sym:
        a, b = self.name, self._src(o)
        return self.tr.sym(f"{b} {op} {a}" if rev else f"{a} {op} {b}")

    def __add__(self, o):
        return self._bin("+", o)

    def __radd__(self, o):
        return self._bin("+", o, True)

    def __sub__(self, o):
        return self._bin("-", o)

    def __rsub__(self, o):
        return self._bin("-", o, True)

    def __mul__(self, o):
        return self._bin("*", o)

    def __rmul__(self, o):
        return self._bin("*", o, True)

    def __truediv__(self, o):
        return self._bin("/", o)

    def __rtruediv__(self, o):
        return self._bin("/", o, True)

    def __pow__(self, o):
        return self._bin("**", o)

    def __rpow__(self, o):
        return self._bin("**", o, True)

    def __neg__(self):
        return self.tr.sym(f"-{self.name}")

    def sqrt(self) -> _Sym:
        return self.tr.sym(f"sqrt({self.name})")

    def _branch(self, *_):
        raise _Untraceable("the rule branches on a per-step value")

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _branch  # type: ignore[assignment]
    __bool__ = __float__ = __index__ = _branch  # type: ignore[assignment]
    __hash__ = None  # type: ignore[assignment]


class _TVec:
    """A Vec2 while tracing: elements ``<name>_x``, ``<name>_y``; operators emit lines."""

    __slots__ = ("name", "tr")

    def __init__(self, name: str, tr: _Tracer) -> None:
        self.name = name
        self.tr = tr

    def ref(self, el: str) -> str:
        var = f"{self.name}_{el}"
        if var not in self.tr.defined:
            raise _Untraceable(f"{var} is read before it is written")
        return var

    def _inplace(self, op: str, o) -> _TVec:
        for el in "xy":
            self.tr.emit(f"{self.name}_{el}", f"{self.ref(el)} {op} {self.tr.operand(o, el)}")
        return self

    def __iadd__(self, o):
        return self._inplace("+", o)

    def __isub__(self, o):
        return self._inplace("-", o)

    def __imul__(self, o):
        return self._inplace("*", o)

    def __itruediv__(self, o):
        return self._inplace("/", o)


class _TCell:
    """A Cell (per-run scalar slot) while tracing: element ``<name>_x``."""

    __slots__ = ("name", "tr")

    def __init__(self, name: str, tr: _Tracer) -> None:
        self.name = name
        self.tr = tr

    def __imul__(self, o):
        self.tr.emit(f"{self.name}_x", f"{self.name}_x * {self.tr.operand(o, 'x')}")
        return self

    def __mul__(self, o):
        return self.tr.sym(f"{self.name}_x * {self.tr.operand(o, 'x')}")

    def __rmul__(self, o):
        return self.tr.sym(f"{self.tr.operand(o, 'x')} * {self.name}_x")

    def __rsub__(self, o):
        return self.tr.sym(f"{self.tr.operand(o, 'x')} - {self.name}_x")


def _t_binary(op: str):
    def fn(a, b, out: _TVec) -> None:
        tr = out.tr
        for el in "xy":
            tr.emit(f"{out.name}_{el}", f"{tr.operand(a, el)} {op} {tr.operand(b, el)}")
    return fn


def _t_unary(fmt: str):
    def fn(a, out: _TVec) -> None:
        tr = out.tr
        for el in "xy":
            tr.emit(f"{out.name}_{el}", fmt.format(a=tr.operand(a, el)))
    return fn


def _t_maximum(a, b, out: _TVec) -> None:
    tr = out.tr
    for el in "xy":
        x, y = tr.operand(a, el), tr.operand(b, el)
        tr.emit(f"{out.name}_{el}", f"{x} if {x} > {y} or {x} != {x} else {y}")  # _max


def _t_copyto(dst: _TVec, src: _TVec) -> None:
    for el in "xy":
        dst.tr.emit(f"{dst.name}_{el}", src.tr.operand(src, el))


_TRACE = SimpleNamespace(
    add=_t_binary("+"), subtract=_t_binary("-"), multiply=_t_binary("*"),
    divide=_t_binary("/"), sqrt=_t_unary("sqrt({a})"), square=_t_unary("{a} * {a}"),
    abs=_t_unary("abs({a})"), maximum=_t_maximum, copyto=_t_copyto,
)
_OPS = {Vec2: SCALAR, _TVec: _TRACE}


def compile_point(rule: Callable, h: dict, c: dict, slots: dict) -> Callable:
    """``rule`` for one (1, 2) run as generated straight-line float code (same signature, on
    Vec2/Cell operands and float constants ``c``), or ``rule`` itself if it is not traceable.

    ``h`` and ``c`` are baked in: the result serves only these hyperparameters. ``slots``
    maps slot names to Vec2 or Cell (as the run holds them).
    """
    tr = _Tracer()
    g, p = _TVec("g", tr), _TVec("p", tr)
    tr.defined.update(("g_x", "g_y", "p_x", "p_y"))
    tslots: dict = {}
    load, store = [], ["p.x = p_x", "p.y = p_y"]
    for i, (name, v) in enumerate(slots.items()):
        var = f"S{i}"
        load.append(f"{var} = s[{name!r}]")
        if type(v) is Cell:
            tslots[name] = _TCell(var, tr)
            els = "x"
        else:
            tslots[name] = _TVec(var, tr)
            els = "xy"
        for el in els:
            load.append(f"{var}_{el} = {var}.{el}")
            store.append(f"{var}.{el} = {var}_{el}")
            tr.defined.add(f"{var}_{el}")
    w = (_TVec("w0", tr), _TVec("w1", tr), _TVec("w2", tr), None, None, None)
    try:
        rule(g, p, tslots, _Sym("k", tr), _Sym("lr", tr), h, c, w)
    except _Untraceable:
        return rule
    body = ["g_x = g.x", "g_y = g.y", "p_x = p.x", "p_y = p.y", *load, *tr.lines]
    src = "\n".join(
        [f"def {rule.__name__}_point(g, p, s, k, lr, h, c, w):", "    try:"]
        + [f"        {line}" for line in body]
        + ["    except (ZeroDivisionError, ValueError):  # NumPy's inf/nan: the Vec2 path",
           "        return rule(g, p, s, k, lr, h, c, w)"]
        + [f"    {line}" for line in store])
    namespace = {"sqrt": math.sqrt, "rule": rule}
    exec(compile(src, f"<gdsim.rules.compile_point:{rule.__name__}>", "exec"), namespace)
    fn = namespace[f"{rule.__name__}_point"]
    fn.source = src
    return fn
