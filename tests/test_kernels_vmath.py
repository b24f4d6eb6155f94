"""Vectorizable tanh, exp, expm1 and log1p for compiled loops (gdsim.kernels.vmath): within a
few ulp of the correctly rounded value (mpmath at 60 digits) and of NumPy's C-library
results, over the whole float range (log1p_unit: its [0, 1]), with the C library's special
values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

pytest.importorskip("numba")
mpmath = pytest.importorskip("mpmath")

from numba import njit  # noqa: E402

from gdsim.kernels import vmath  # noqa: E402


def _elementwise(fn):
    """``fn`` (a vmath function) over an array, in a compiled loop as the kernels call it."""

    @njit(error_model="numpy", cache=False)
    def loop(a, out):
        for i in range(a.size):
            out[i] = fn(a[i])

    def call(x) -> np.ndarray:
        a = np.ascontiguousarray(x, dtype=np.float64).ravel()
        out = np.empty_like(a)
        loop(a, out)
        return out

    return call


vtanh, vexp, vexpm1, vlog1p = (_elementwise(f) for f in (vmath.tanh, vmath.exp, vmath.expm1,
                                                          vmath.log1p_unit))


def ulps(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    """|got − want| in units of the last place of ``want`` (the smallest subnormal at 0)."""
    return np.abs(got - want) / np.spacing(np.abs(want))


def exact(fn, x: np.ndarray) -> np.ndarray:
    """``fn`` at each float of ``x``, correctly rounded (mpmath at 60 digits)."""
    with mpmath.workdps(60):
        return np.array([float(fn(mpmath.mpf(float(v)))) for v in x])


SCALES = [1e-300, 1e-12, 1e-4, 0.05, 0.3, 1.0, 3.0, 10.0, 30.0]


@pytest.mark.parametrize("scale", SCALES)
def test_tanh_within_3_ulp_of_the_correctly_rounded_value(scale):
    x = np.random.default_rng(int(scale * 1e3) % 2**32).standard_normal(400) * scale
    assert ulps(vtanh(x), exact(mpmath.tanh, x)).max() <= 3


@pytest.mark.parametrize("lo,hi", [(-745.1, -708.0), (-60, -1), (-1, 1), (-1e-9, 1e-9),
                                   (1, 60), (600, 709.78)])
def test_exp_within_2_ulp_of_the_correctly_rounded_value(lo, hi):
    x = np.random.default_rng(7).uniform(lo, hi, 400)
    want = exact(mpmath.exp, x)
    got = vexp(x)
    normal = np.abs(want) >= np.finfo(float).tiny
    assert ulps(got[normal], want[normal]).max() <= 2
    # subnormal results (below e^-708.4): within one ulp of the subnormal grid
    assert (np.abs(got[~normal] - want[~normal]) <= 5e-324).all()


@pytest.mark.parametrize("lo,hi", [(-1e-12, 1e-12), (-0.7, 0.7), (-3, -0.6), (0.6, 5),
                                   (-800, -30), (30, 709)])
def test_expm1_within_3_ulp_of_the_correctly_rounded_value(lo, hi):
    """No cancellation near 0 (the ELU activation's small negative inputs)."""
    x = np.random.default_rng(9).uniform(lo, hi, 400)
    assert ulps(vexpm1(x), exact(mpmath.expm1, x)).max() <= 3
    sp = np.array([0.0, -0.0, np.inf, -np.inf, 5e-324, -5e-324, 800.0, -800.0])
    with np.errstate(over="ignore"):
        np.testing.assert_array_equal(vexpm1(sp), np.expm1(sp))
    assert np.isnan(vexpm1([np.nan])).all()


def test_against_numpy_on_a_million_points():
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.standard_normal(500_000) * s for s in (0.5, 4.0)])
    assert ulps(vtanh(x), np.tanh(x)).max() <= 4
    y = rng.uniform(-700, 700, 1_000_000)
    assert ulps(vexp(y), np.exp(y)).max() <= 3


def test_special_values_as_the_c_library():
    sp = np.array([0.0, -0.0, np.inf, -np.inf, 5e-324, -5e-324, 1e-310, 1e308, -1e308,
                   710.0, -745.2, -746.0, -800.0, 800.0])
    with np.errstate(over="ignore"):
        for got, want in ((vtanh(sp), np.tanh(sp)), (vexp(sp), np.exp(sp))):
            np.testing.assert_array_equal(got, want)
            np.testing.assert_array_equal(np.signbit(got), np.signbit(want))  # tanh(−0) = −0
    assert np.isnan(vtanh([np.nan])).all() and np.isnan(vexp([np.nan])).all()
    np.testing.assert_array_equal(vtanh([19.07, -19.07, 40.0, 1e5]), [1.0, -1.0, 1.0, 1.0])


finite = st.floats(allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(st.lists(finite, min_size=1, max_size=40))
def test_tanh_is_odd_bounded_and_close_to_numpy(xs):
    x = np.array(xs)
    t = vtanh(x)
    np.testing.assert_array_equal(vtanh(-x), -t)  # odd, exactly (the sign is copied)
    assert (np.abs(t) <= 1).all()
    assert ulps(t, np.tanh(x)).max() <= 4


@settings(max_examples=300, deadline=None)
@given(st.lists(finite, min_size=1, max_size=40))
def test_exp_close_to_numpy(xs):
    x = np.array(xs)
    with np.errstate(over="ignore"):
        want = np.exp(x)
    got = vexp(x)
    ok = np.isfinite(want) & (want >= np.finfo(float).tiny)
    assert ulps(got[ok], want[ok]).max(initial=0) <= 3
    np.testing.assert_array_equal(got[np.isinf(want)], np.inf)
    assert (np.abs(got[~ok & np.isfinite(want)] - want[~ok & np.isfinite(want)])
            <= 5e-324).all()


def test_the_scale_covers_every_exponent():
    """2ᵏ from k's bits for every k the reduction can give (exp near k·ln 2 for k from
    −1074 to 1023), compared with the C library."""
    x = np.arange(-1074, 1024) * math.log(2) + 1e-3
    with np.errstate(over="ignore"):
        want = np.exp(x)
    got = vexp(x)
    normal = want >= np.finfo(float).tiny
    assert normal.sum() > 2000
    assert ulps(got[normal], want[normal]).max() <= 2
    assert (np.abs(got[~normal] - want[~normal]) <= 5e-324).all()


@pytest.mark.parametrize("lo,hi", [(0.0, 1e-300), (1e-300, 1e-12), (1e-12, 1e-3),
                                   (1e-3, 0.4999), (0.4999, 0.5001), (0.5, 1.0)])
def test_log1p_unit_within_2_ulp_of_the_correctly_rounded_value(lo, hi):
    x = np.random.default_rng(int(hi * 1e4) % 2**32).uniform(lo, hi, 500)
    if lo > 0:  # log-uniform across the decades of the small ranges
        x = np.exp(np.random.default_rng(1).uniform(np.log(lo), np.log(hi), 500))
    assert ulps(vlog1p(x), exact(mpmath.log1p, x)).max() <= 2


def test_log1p_unit_ends_and_nan():
    got = vlog1p([0.0, 1.0, 0.5, 5e-324, np.nan])
    assert got[0] == 0.0 and not math.copysign(1, got[0]) < 0
    assert ulps(got[1:3], np.log1p([1.0, 0.5])).max() <= 1
    assert got[3] == 5e-324  # ln(1 + u) = u below an ulp of 1
    assert math.isnan(got[4])


@settings(max_examples=300, deadline=None)
@given(st.floats(0.0, 1.0))
@example(0.27126295389985633)  # 2 ulp off here, and np.log1p 1 ulp the other way
def test_log1p_unit_agrees_with_numpy(u):
    assert ulps(vlog1p([u]), np.log1p([u]))[0] <= 3 or u == 0.0
