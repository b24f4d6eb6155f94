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
"""

from __future__ import annotations

import math

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
    return np.sqrt(x) if isinstance(x, np.ndarray) else math.sqrt(x)


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


def put(reg: np.ndarray, x: Hyper) -> np.ndarray:
    """``x`` as a ufunc operand: a column as it is, a float written into 0-d register ``reg``."""
    if isinstance(x, np.ndarray):
        return x
    reg[()] = x
    return reg


def _decayed(g, p, wd, c_wd, out):
    """``g + λθ`` (L2 weight decay folded into the gradient), or ``g`` itself when λ = 0."""
    if not active(wd):
        return g
    np.multiply(p, c_wd, out=out)
    out += g
    return out


def _lerp_(m, g, one_minus_beta, tmp):
    """``m ← m + (1−β)(g − m)``, torch's ``lerp_(g, 1−β)``."""
    np.subtract(g, m, out=tmp)
    tmp *= one_minus_beta
    m += tmp


def _ema_sq_(v, g, beta, one_minus_beta, tmp):
    """``v ← βv + (1−β)g²``."""
    v *= beta
    np.multiply(g, g, out=tmp)
    tmp *= one_minus_beta
    v += tmp


# --- SGD family: gd, sgd, momentum, nesterov ------------------------------------------


def sgd_slots(h: dict) -> tuple[str, ...]:
    return ("momentum_buffer",) if active(h["momentum"]) else ()


def sgd(g, p, s, k, lr, h, c, w):
    """SGD (torch.optim.SGD; Sutskever et al. 2013 for Nesterov).

    g ← ∇f + λθ;  b₁ = g,  b ← μb + (1−τ)g;  g ← g + μb (Nesterov) or g ← b;  θ ← θ − ηg.
    """
    a, b = w[0], w[1]
    d = _decayed(g, p, h["weight_decay"], c["weight_decay"], a)
    if active(h["momentum"]):
        mu = c["momentum"]
        buf = s["momentum_buffer"]
        if k == 1:
            np.copyto(buf, d)
        else:
            buf *= mu
            if active(h["dampening"]):
                np.multiply(d, c["1-dampening"], out=b)
                buf += b
            else:
                buf += d
        if h["nesterov"]:
            np.multiply(buf, mu, out=b)
            b += d
            d = b
        else:
            d = buf
    np.multiply(d, put(w[3], lr), out=b)
    p -= b


# --- Adagrad ----------------------------------------------------------------------------


def adagrad_slots(h: dict) -> tuple[str, ...]:
    return ("sum",)


def adagrad(g, p, s, k, lr, h, c, w):
    """Adagrad (Duchi et al. 2011; torch.optim.Adagrad).

    g ← ∇f + λθ;  η_t = η/(1 + (t−1)·lr_decay);  G ← G + g²;  θ ← θ − η_t g/(√G + ε).
    """
    a, b = w[0], w[1]
    d = _decayed(g, p, h["weight_decay"], c["weight_decay"], a)
    clr = lr / (1.0 + (k - 1) * h["lr_decay"])
    acc = s["sum"]
    np.multiply(d, d, out=b)
    acc += b
    np.sqrt(acc, out=b)
    b += c["eps"]
    np.divide(d, b, out=b)
    b *= put(w[3], clr)
    p -= b


# --- RMSprop ----------------------------------------------------------------------------


def rmsprop_slots(h: dict) -> tuple[str, ...]:
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
    a, b = w[0], w[1]
    d = _decayed(g, p, h["weight_decay"], c["weight_decay"], a)
    sq = s["square_avg"]
    _ema_sq_(sq, d, c["alpha"], c["1-alpha"], b)
    if h["centered"]:
        ga = s["grad_avg"]
        _lerp_(ga, d, c["1-alpha"], b)
        np.multiply(ga, ga, out=b)
        np.subtract(sq, b, out=b)
        np.maximum(b, 0.0, out=b)
        np.sqrt(b, out=b)
    else:
        np.sqrt(sq, out=b)
    b += c["eps"]
    np.divide(d, b, out=b)
    if active(h["momentum"]):
        buf = s["momentum_buffer"]
        buf *= c["momentum"]
        buf += b
        np.multiply(buf, put(w[3], lr), out=b)
    else:
        b *= put(w[3], lr)
    p -= b


# --- Adadelta ---------------------------------------------------------------------------


def adadelta_slots(h: dict) -> tuple[str, ...]:
    return ("square_avg", "acc_delta")


def adadelta(g, p, s, k, lr, h, c, w):
    """Adadelta (Zeiler 2012; torch.optim.Adadelta).

    g ← ∇f + λθ;  v ← ρv + (1−ρ)g²;  Δ = √(u + ε)/√(v + ε) · g;  u ← ρu + (1−ρ)Δ²;
    θ ← θ − ηΔ.
    """
    a, b, e = w[0], w[1], w[2]
    d = _decayed(g, p, h["weight_decay"], c["weight_decay"], a)
    rho, one_minus_rho, eps = c["rho"], c["1-rho"], c["eps"]
    sq, acc = s["square_avg"], s["acc_delta"]
    _ema_sq_(sq, d, rho, one_minus_rho, b)
    np.add(sq, eps, out=b)
    np.sqrt(b, out=b)
    np.add(acc, eps, out=e)
    np.sqrt(e, out=e)
    e /= b
    e *= d
    _ema_sq_(acc, e, rho, one_minus_rho, b)
    e *= put(w[3], lr)
    p -= e


# --- Adam family: adam, adamw, amsgrad ----------------------------------------------------


def adam_slots(h: dict) -> tuple[str, ...]:
    base = ("exp_avg", "exp_avg_sq")
    return base + ("max_exp_avg_sq",) if h["amsgrad"] else base


def adam(g, p, s, k, lr, h, c, w):
    """Adam (Kingma & Ba 2015), AMSGrad (Reddi et al. 2018), AdamW (Loshchilov & Hutter 2019).

    AdamW: θ ← θ(1 − ηλ) first; Adam: g ← ∇f + λθ.  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;
    AMSGrad: v̂ ← max(v̂, v), else v̂ = v;  θ ← θ − η/(1−β₁ᵗ) · m/(√v̂/√(1−β₂ᵗ) + ε).
    """
    a, b = w[0], w[1]
    wd = h["weight_decay"]
    if h["decoupled"]:
        if active(wd):
            p *= put(w[3], 1.0 - lr * wd)
        d = g
    else:
        d = _decayed(g, p, wd, c["weight_decay"], a)
    m, v = s["exp_avg"], s["exp_avg_sq"]
    _lerp_(m, d, c["1-beta1"], b)
    _ema_sq_(v, d, c["beta2"], c["1-beta2"], b)
    if h["amsgrad"]:
        vmax = s["max_exp_avg_sq"]
        np.maximum(vmax, v, out=vmax)
        v = vmax
    bc2_sqrt = hsqrt(1.0 - hpow(h["beta2"], k))
    step_size = lr / (1.0 - hpow(h["beta1"], k))
    # m/(√v/s + ε) = s·m/(√v + εs): one ufunc call fewer, same value to rounding
    np.sqrt(v, out=b)
    b += put(w[4], h["eps"] * bc2_sqrt)
    np.divide(m, b, out=b)
    b *= put(w[5], step_size * bc2_sqrt)
    p -= b


# --- Adamax -----------------------------------------------------------------------------


def adamax_slots(h: dict) -> tuple[str, ...]:
    return ("exp_avg", "exp_inf")


def adamax(g, p, s, k, lr, h, c, w):
    """Adamax (Kingma & Ba 2015, §7.1; torch.optim.Adamax).

    g ← ∇f + λθ;  m ← β₁m + (1−β₁)g;  u ← max(β₂u, |g| + ε);  θ ← θ − η/(1−β₁ᵗ) · m/u.
    """
    a, b = w[0], w[1]
    d = _decayed(g, p, h["weight_decay"], c["weight_decay"], a)
    m, u = s["exp_avg"], s["exp_inf"]
    _lerp_(m, d, c["1-beta1"], b)
    u *= c["beta2"]
    np.abs(d, out=b)
    b += c["eps"]
    np.maximum(u, b, out=u)
    clr = lr / (1.0 - hpow(h["beta1"], k))
    np.divide(m, u, out=b)
    b *= put(w[3], clr)
    p -= b


# --- NAdam ------------------------------------------------------------------------------


def nadam_slots(h: dict) -> tuple[str, ...]:
    return ("exp_avg", "exp_avg_sq", "mu_product")


def nadam(g, p, s, k, lr, h, c, w):
    """NAdam (Dozat 2016; torch.optim.NAdam with its momentum-decay schedule).

    g ← ∇f + λθ;  μ_t = β₁(1 − ½·0.96^(tψ));  Π_t = Π_{t−1}μ_t;  m, v as Adam;
    v̂ = v/(1−β₂ᵗ);  θ ← θ − η(1−μ_t)/(1−Π_t) · g/(√v̂ + ε) − ημ_{t+1}/(1−Π_tμ_{t+1}) · m/(√v̂ + ε).
    """
    a, b, e = w[0], w[1], w[2]
    d = _decayed(g, p, h["weight_decay"], c["weight_decay"], a)
    b1, psi = h["beta1"], h["momentum_decay"]
    bc2 = 1.0 - hpow(h["beta2"], k)
    mu = b1 * (1.0 - 0.5 * hpow(0.96, k * psi))
    mu_next = b1 * (1.0 - 0.5 * hpow(0.96, (k + 1) * psi))
    mu_prod = s["mu_product"]
    mu_prod *= mu
    m, v = s["exp_avg"], s["exp_avg_sq"]
    _lerp_(m, d, c["1-beta1"], b)
    _ema_sq_(v, d, c["beta2"], c["1-beta2"], b)
    np.divide(v, put(w[3], bc2), out=b)
    np.sqrt(b, out=b)
    b += c["eps"]
    c1 = -lr * (1.0 - mu) / (1.0 - mu_prod)
    c2 = (-lr * mu_next) / (1.0 - mu_prod * mu_next)
    np.divide(d, b, out=e)
    e *= c1
    p += e
    np.divide(m, b, out=e)
    e *= c2
    p += e


# --- RAdam ------------------------------------------------------------------------------


def radam_slots(h: dict) -> tuple[str, ...]:
    return ("exp_avg", "exp_avg_sq")


def radam(g, p, s, k, lr, h, c, w):
    """RAdam (Liu et al. 2020; torch.optim.RAdam).

    g ← ∇f + λθ;  m, v as Adam;  ρ∞ = 2/(1−β₂) − 1;  ρ_t = ρ∞ − 2tβ₂ᵗ/(1−β₂ᵗ);
    ρ_t > 5: r = √((ρ_t−4)(ρ_t−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρ_t)),
             θ ← θ − η r √(1−β₂ᵗ)/(1−β₁ᵗ) · m/(√v + ε);   else θ ← θ − η m/(1−β₁ᵗ).
    """
    a, b, e = w[0], w[1], w[2]
    d = _decayed(g, p, h["weight_decay"], c["weight_decay"], a)
    b2 = h["beta2"]
    m, v = s["exp_avg"], s["exp_avg_sq"]
    _lerp_(m, d, c["1-beta1"], b)
    _ema_sq_(v, d, c["beta2"], c["1-beta2"], b)
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
        np.sqrt(v, out=b)
        b += c["eps"]
        np.divide(m, b, out=b)
        b *= put(w[3], plain * rect * math.sqrt(bc2))
    else:
        np.multiply(m, put(w[3], plain), out=b)
    p -= b
