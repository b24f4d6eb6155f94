"""tanh, exp and log1p for compiled loops: branch-free arithmetic that LLVM vectorizes.

numba's ``math.tanh``/``math.exp`` call the scalar C library once per element (tanh ≈ 13–19
ns here; this llvmlite has no SVML), which alone would cost a network step milliseconds.
These are the classic reduction y = k·ln2 + r, 0 ≤ r < ln2 (Cody–Waite, k by the 1.5·2⁵²
rounding trick), a polynomial for eʳ − 1 and the scale 2ᵏ built from k's bits, all
as plain float and int64 operations plus two bitcasts, so a loop that calls them (they are
``inline="always"``) runs 4 lanes at a time with AVX2. Accuracy: a few ulp (tests bound it
against mpmath and ``np.tanh``/``np.exp``); NaN, ±inf, ±0 and subnormal results behave as
the C library's.

The calling loop must be compiled with ``error_model="numpy"``: numba's default (Python)
error model guards each float division with a ZeroDivisionError branch, which stops LLVM
from vectorizing. ``fastmath={"contract"}`` on the caller (FMA) makes them ≈ 25 % faster
(2.4 → 1.8 ns per tanh here) at the price of results that depend on the CPU's FMA.
"""

from __future__ import annotations

import math

from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

SHIFT = 6755399441055744.0  # 1.5·2⁵²: adding it rounds to an integer kept in the low bits
SHIFT_BITS = 0x4338000000000000
INV_LN2 = 1.4426950408889634
LN2_HI = 6.93147180369123816490e-01  # fdlibm's split of ln 2: k·LN2_HI is exact for |k| < 2²⁰
LN2_LO = 1.90821492927058770002e-10
EXP_LO, EXP_HI = -746.0, 710.0  # exp underflows to 0 below, overflows to inf above
TANH_Y_MAX = 40.0  # tanh(x) rounds to ±1 for |x| > 19.06: 2|x| is clamped here

# 1/(2n + 1) for n = 1 … 11: log1p(v) = 2·atanh(s) = 2s·(1 + s²/3 + s⁴/5 + …), s = v/(2 + v);
# with |s| ≤ 0.2 the first omitted term, s²⁴/25, is 7·10⁻¹⁹ of the result
(L1, L2, L3, L4, L5, L6, L7, L8, L9, L10, L11) = (1.0 / (2 * n + 1) for n in range(1, 12))
LN2 = 0.6931471805599453  # ln 2 rounded to double
LN2_TAIL = 2.3190468138462996e-17  # ln 2 − LN2

# (eʳ − 1 − r)/r² on [−1e−15, ln 2] (the reduced range of exp and tanh) as a polynomial of
# degree 10: Chebyshev fit by mpmath.chebyfit at 50 digits on [−1e−15, ln 2 + 1e−6], fit
# error 1.9·10⁻¹⁸ (0.02 ulp of eʳ − 1); four terms fewer than the Taylor series' there
(P0, P1, P2, P3, P4, P5, P6, P7, P8, P9, P10) = (
    0.5, 0.16666666666666605, 0.04166666666670265, 0.008333333332525008,
    0.0013888888981906384, 0.00019841263605891766, 2.4801847358683483e-05,
    2.7550374963306295e-06, 2.767582298090452e-07, 2.380914188974374e-08,
    2.8057936242781766e-09)

# 1/n! for n = 2 … 16: eʳ − 1 = r + r²/2! + … + r¹⁶/16! on |r| ≤ ln 2 (expm1 near 0); the
# first omitted term, ln2¹⁷/17!, is 5·10⁻¹⁸ of the result (0.05 ulp)
(C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15, C16) = (
    1.0 / math.factorial(n) for n in range(2, 17))


@intrinsic
def f64_bits(typingctx, x):
    """The IEEE bits of a float64 as an int64 (a bitcast: no conversion)."""
    if not isinstance(x, types.Float):
        return None

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(64))

    return types.int64(types.float64), codegen


@intrinsic
def bits_f64(typingctx, i):
    """The float64 whose IEEE bits are the int64 ``i`` (a bitcast)."""
    if not isinstance(i, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())

    return types.float64(types.int64), codegen


@njit(inline="always")
def _expm1_reduced(r):
    """eʳ − 1 for r in [−ln 2, ln 2] (expm1 near 0, where r may be negative), to about 2
    ulp: r + r²·(1/2! + r/3! + … + r¹⁴/16!), the bracket by Estrin's scheme (pairs, then
    r², r⁴, r⁸), whose short dependency chains let a vectorized loop overlap the work of
    many elements."""
    r2 = r * r
    r4 = r2 * r2
    r8 = r4 * r4
    a0 = C2 + C3 * r
    a1 = C4 + C5 * r
    a2 = C6 + C7 * r
    a3 = C8 + C9 * r
    a4 = C10 + C11 * r
    a5 = C12 + C13 * r
    a6 = C14 + C15 * r
    b0 = a0 + a1 * r2
    b1 = a2 + a3 * r2
    b2 = a4 + a5 * r2
    b3 = a6 + C16 * r2
    d0 = b0 + b1 * r4
    d1 = b2 + b3 * r4
    return r + r2 * (d0 + d1 * r8)


@njit(inline="always")
def _estrin10(x, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10):
    """c0 + c1·x + … + c10·x¹⁰ by Estrin's scheme (pairs, then x², x⁴, x⁸), whose short
    dependency chains let a vectorized loop overlap the work of many elements."""
    x2 = x * x
    x4 = x2 * x2
    x8 = x4 * x4
    b0 = (c0 + c1 * x) + (c2 + c3 * x) * x2
    b1 = (c4 + c5 * x) + (c6 + c7 * x) * x2
    b2 = (c8 + c9 * x) + c10 * x2
    return (b0 + b1 * x4) + b2 * x8


@njit(inline="always")
def _expm1_fit(r):
    """eʳ − 1 for r from the reduction (0 … ln 2, straying ~1e−13 past either end, where the
    fit is as good as the series), to about 2 ulp: r + r²·P(r), P the fitted degree-10
    polynomial."""
    return r + (r * r) * _estrin10(r, P0, P1, P2, P3, P4, P5, P6, P7, P8, P9, P10)


@njit(inline="always")
def _reduce(y):
    """(k, r) with y = k·ln2 + r, k integer (int64) and r in about [0, ln 2]."""
    t = (y * INV_LN2 - 0.5) + SHIFT  # the rounding to an integer gives ≈ floor(y/ln 2)
    kf = t - SHIFT
    r = (y - kf * LN2_HI) - kf * LN2_LO
    return f64_bits(t) - SHIFT_BITS, r


@njit(inline="always")
def _scale(k):
    """2ᵏ as two normal factors (k in [−1077, 1024], the reduction's range): a product with
    them gives subnormal and overflowing results as the C library does."""
    k1 = ((k + 2048) >> 1) - 1024
    return bits_f64((k1 + 1023) << 52), bits_f64((k - k1 + 1023) << 52)


@njit(inline="always")
def exp(x):
    """eˣ for any float64, to about an ulp."""
    y = min(max(x, EXP_LO), EXP_HI)
    k, r = _reduce(y)
    s1, s2 = _scale(k)
    e = ((1.0 + _expm1_fit(r)) * s1) * s2
    return e if x == x else x


@njit(inline="always")
def expm1(x):
    """eˣ − 1 for any float64, to a few ulp: the polynomial itself for |x| < ln 2 (no
    cancellation near 0), else 2ᵏ − 1 + 2ᵏ·(eʳ − 1)."""
    y = min(max(x, EXP_LO), EXP_HI)
    k, r = _reduce(y)
    s1, s2 = _scale(k)
    s = s1 * s2  # 2ᵏ, k in [−1077, 1024]: 0 or inf at the ends, where e^x − 1 is −1 or inf
    big = (s - 1.0) + (s1 * _expm1_fit(r)) * s2
    e = _expm1_reduced(y) if abs(y) < LN2_HI else big
    return e if x == x else x


@njit(inline="always")
def tanh(x):
    """tanh x for any float64, to a few ulp: u = e^(2|x|) − 1 without cancellation (r ≥ 0),
    then u / (u + 2) with the sign of x."""
    y = min(2.0 * abs(x), TANH_Y_MAX)
    k, r = _reduce(y)
    s = bits_f64((k + 1023) << 52)
    u = (s - 1.0) + s * _expm1_fit(r)
    t = math.copysign(u / (u + 2.0), x)
    return t if x == x else x


@njit(inline="always")
def log1p_unit(u):
    """ln(1 + u) for 0 ≤ u ≤ 1 (softplus's log1p(e^−|z|)), to about two ulp: for u ≥ ½,
    1 + u = 2·(1 + v) with v = (u − 1)/2 exact, so the series runs on v in [−¼, ½) where
    s = v/(2 + v) stays within ±0.2; its eleven terms by Estrin's scheme. NaN gives NaN."""
    big = u >= 0.5
    v = (u - 1.0) * 0.5 if big else u
    t = v * (2.0 / (2.0 + v))  # 2s, exact for the subnormal v where v/(2 + v) underflows
    z = 0.25 * (t * t)
    poly = z * _estrin10(z, L1, L2, L3, L4, L5, L6, L7, L8, L9, L10, L11)
    lv = t + t * poly
    return (LN2 + (LN2_TAIL + lv)) if big else lv
