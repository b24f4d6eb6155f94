"""Typed-formula surfaces: values and exact gradients against hand-written NumPy and finite
differences, subgradient conventions, non-finite handling, and the Surface interface."""

from __future__ import annotations

import importlib.util
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gdsim.errors import GdsimError
from gdsim.formula import (
    DEFAULT_DOMAIN,
    FormulaError,
    FormulaSurface,
    compile_formula,
    formula_surface,
)
from gdsim.surfaces import Surface

RNG = np.random.default_rng(20261121)
POINTS = RNG.uniform(-3, 3, size=(500, 2))


# -- independent references, written out by hand ----------------------------------------
def rosenbrock(p):
    x, y = p[..., 0], p[..., 1]
    f = (1 - x) ** 2 + 100 * (y - x**2) ** 2
    g = np.stack([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)], axis=-1)
    return f, g


def himmelblau(p):
    x, y = p[..., 0], p[..., 1]
    u, v = x**2 + y - 11, x + y**2 - 7
    return u**2 + v**2, np.stack([4 * x * u + 2 * v, 2 * u + 4 * y * v], axis=-1)


def beale(p):
    x, y = p[..., 0], p[..., 1]
    a, b, c = 1.5 - x + x * y, 2.25 - x + x * y**2, 2.625 - x + x * y**3
    gx = 2 * a * (y - 1) + 2 * b * (y**2 - 1) + 2 * c * (y**3 - 1)
    gy = 2 * a * x + 4 * b * x * y + 6 * c * x * y**2
    return a**2 + b**2 + c**2, np.stack([gx, gy], axis=-1)


def mccormick(p):
    x, y = p[..., 0], p[..., 1]
    f = np.sin(x + y) + (x - y) ** 2 - 1.5 * x + 2.5 * y + 1
    c = np.cos(x + y)
    return f, np.stack([c + 2 * (x - y) - 1.5, c - 2 * (x - y) + 2.5], axis=-1)


HAND = {
    "(1 - x)^2 + 100*(y - x^2)^2": rosenbrock,
    "(x**2 + y - 11)**2 + (x + y**2 - 7)**2": himmelblau,
    "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2": beale,
    "sin(x + y) + (x - y)^2 - 1.5*x + 2.5*y + 1": mccormick,
}


@pytest.mark.parametrize("text", list(HAND))
def test_value_and_gradient_equal_hand_written_numpy(text):
    surf = formula_surface(text)
    f_ref, g_ref = HAND[text](POINTS)
    f, g = surf.value_and_grad(POINTS)
    scale = 1 + np.abs(f_ref)
    assert np.all(np.abs(f - f_ref) <= 1e-12 * scale)
    assert np.all(np.abs(g - g_ref) <= 1e-11 * (1 + np.abs(g_ref)))
    np.testing.assert_allclose(surf.value(POINTS), f, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(surf.grad(POINTS), g, rtol=1e-13, atol=1e-13)


# Typed forms of SPEC §4 surfaces, compared with the built-in ones once surfaces.py exists.
TYPED_BUILTINS = {
    "rosenbrock": "(1 - x)^2 + 100*(y - x^2)^2",
    "himmelblau": "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
    "beale": "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2",
    "booth": "(x + 2*y - 7)^2 + (2*x + y - 5)^2",
    "matyas": "0.26*(x^2 + y^2) - 0.48*x*y",
    "three_hump_camel": "2*x^2 - 1.05*x^4 + x^6/6 + x*y + y^2",
    "six_hump_camel": "(4 - 2.1*x^2 + x^4/3)*x^2 + x*y + (-4 + 4*y^2)*y^2",
    "mccormick": "sin(x + y) + (x - y)^2 - 1.5*x + 2.5*y + 1",
    "rastrigin": "20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)",
    "ackley": "-20*exp(-0.2*sqrt(0.5*(x^2 + y^2))) - exp(0.5*(cos(2*pi*x) + cos(2*pi*y)))"
              " + e + 20",
    "styblinski_tang": "0.5*(x^4 - 16*x^2 + 5*x + y^4 - 16*y^2 + 5*y)",
    "levi13": "sin(3*pi*x)^2 + (x - 1)^2*(1 + sin(3*pi*y)^2) + (y - 1)^2*(1 + sin(2*pi*y)^2)",
    "goldstein_price": "(1 + (x + y + 1)^2*(19 - 14*x + 3*x^2 - 14*y + 6*x*y + 3*y^2))"
                       "*(30 + (2*x - 3*y)^2*(18 - 32*x + 12*x^2 + 48*y - 36*x*y + 27*y^2))",
    "saddle": "x^2 - y^2",
    "monkey_saddle": "x^3 - 3*x*y^2",
}


@pytest.mark.skipif(importlib.util.find_spec("gdsim.surfaces") is None,
                    reason="gdsim/surfaces.py not written yet")
@pytest.mark.parametrize("name", list(TYPED_BUILTINS))
def test_typed_formula_equals_builtin_surface(name):
    from gdsim.surfaces import make_surface

    builtin = make_surface(name)
    typed = formula_surface(TYPED_BUILTINS[name])
    p = POINTS * 0.7 + 0.013  # off the origin, where Ackley's subgradient convention differs
    f_ref, g_ref = builtin.value(p), builtin.grad(p)
    f, g = typed.value_and_grad(p)
    np.testing.assert_allclose(f, f_ref, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(g, g_ref, rtol=1e-9, atol=1e-9)


# -- finite differences over random valid expressions --------------------------------------
_LEAVES = st.sampled_from(["x", "y", "x", "y", "2", "0.5", "3.7", "pi", "e", "1.25"])
_SMOOTH = ["sin", "cos", "tanh", "arctan", "sigmoid", "exp"]


def _extend(children):
    unary = st.tuples(st.sampled_from(_SMOOTH), children).map(
        lambda t: f"{t[0]}({t[1]})" if t[0] != "exp" else f"exp(0.3*sin({t[1]}))")
    safe = st.tuples(st.sampled_from(["sqrt(1 + ({})^2)", "log(2 + sin({}))",
                                      "log10(1 + ({})^2)", "arcsin(0.5*sin({}))",
                                      "arccos(0.9*cos({}))", "cosh(0.5*sin({}))",
                                      "sinh({})", "tan(0.7*tanh({}))", "abs({})", "-({})"]),
                     children).map(lambda t: t[0].format(t[1]))
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/", "^"]), children).map(
        lambda t: (f"({t[0]})/(1.5 + cos({t[2]}))" if t[1] == "/"
                   else f"({t[0]})^2" if t[1] == "^" else f"({t[0]}) {t[1]} ({t[2]})"))
    minmax = st.tuples(st.sampled_from(["min", "max"]), st.lists(children, min_size=2,
                                                                 max_size=3)).map(
        lambda t: f"{t[0]}({', '.join(t[1])})")
    return unary | safe | binary | minmax


EXPRESSIONS = st.recursive(_LEAVES, _extend, max_leaves=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=EXPRESSIONS, seed=st.integers(0, 2**32 - 1))
def test_gradient_matches_central_differences(text, seed):
    surf = formula_surface(text)
    p = np.random.default_rng(seed).uniform(-2.5, 2.5, size=(40, 2))
    f, g = surf.value_and_grad(p)
    checked = 0
    for axis in (0, 1):
        e = np.zeros(2)
        e[axis] = 1.0
        h = 1e-5
        with np.errstate(all="ignore"):
            d1 = (surf.value(p + h * e) - surf.value(p - h * e)) / (2 * h)
            d2 = (surf.value(p + 2 * h * e) - surf.value(p - 2 * h * e)) / (4 * h)
        scale = 1 + np.abs(d1) + np.abs(f)
        # Where the two step sizes disagree there is a kink (abs/min/max) nearby: skip it.
        smooth = np.isfinite(d1) & np.isfinite(d2) & (np.abs(d1 - d2) < 1e-6 * scale)
        assert np.all(np.abs(g[smooth, axis] - d1[smooth]) < 1e-5 * scale[smooth]), text
        checked += smooth.sum()
    assume(checked > 0)


U = "(0.3*x - 0.2*y + 0.1)"  # within (−1.6, 1.6) on the points below


@pytest.mark.parametrize("text", [
    f"sin({U})*y", f"cos({U})*x", f"tan({U})", f"exp({U})*x", f"log(2 + {U})",
    f"log10(2 + {U})*y", f"sqrt(2 + {U})", f"abs({U})*x", f"tanh({U})", f"sinh({U})*y",
    f"cosh({U})", f"arcsin(0.6*{U})", f"arccos(0.6*{U})", f"arctan({U})*x",
    f"sigmoid(3*{U})", f"min({U}, x*y)", f"max({U}, x*y, -1)", f"x^y + y^({U})",
    f"2^{U}", f"e^({U}*y)", f"{U}^3/(y^2 + 1)", f"({U})^-2", "abs(x)^0.5 + y",
])
def test_each_function_gradient_matches_central_differences(text):
    surf = formula_surface(text)
    p = np.random.default_rng(len(text)).uniform(0.2, 2.0, size=(200, 2))
    p[::2] *= -1
    if "^y" in text:
        p = np.abs(p)
    g = surf.grad(p)
    h = 1e-6
    for axis in (0, 1):
        e = np.zeros(2)
        e[axis] = h
        fd = (surf.value(p + e) - surf.value(p - e)) / (2 * h)
        # kinks of abs/min/max and poles of (U)^-2 lie within h of no sampled point
        np.testing.assert_allclose(g[:, axis], fd, rtol=1e-6, atol=1e-6, err_msg=text)


# -- subgradients and non-finite values ----------------------------------------------------
def test_abs_min_max_subgradients_at_kinks_are_finite_conventions():
    surf = formula_surface("abs(x) + max(x, y) + 2*min(x, -y)")
    g = surf.grad(np.array([[0.0, 0.0], [1.0, 1.0], [1.0, -1.0], [-2.0, 3.0]]))
    # (0,0): sign(0)=0; max tie (½,½); min tie 2·(½, −½)
    np.testing.assert_array_equal(g[0], [0 + 0.5 + 1.0, 0.5 - 1.0])
    # (1,1): sign=1; max tie (½,½); min(1,−1) picks −y → (0, −2)
    np.testing.assert_array_equal(g[1], [1 + 0.5, 0.5 - 2.0])
    # (1,−1): max picks x; min tie (1, −1)·2·½
    np.testing.assert_array_equal(g[2], [1 + 1 + 1, -1])
    # (−2,3): sign=−1; max picks y; min(−2, −3) picks −y → (0, −2)
    np.testing.assert_array_equal(g[3], [-1, 1 - 2])


def test_max_of_three_and_abs_of_expression():
    surf = formula_surface("max(x, y, 1) + abs(x*y - 2)")
    g = surf.grad(np.array([[3.0, 2.0], [0.0, 0.5], [2.0, 1.0]]))
    np.testing.assert_array_equal(g[0], [1 + 2, 0 + 3])      # max=x, x*y−2>0
    np.testing.assert_array_equal(g[1], [0 - 0.5, 0 - 0.0])  # max=1, x*y−2<0
    np.testing.assert_array_equal(g[2], [1 + 0, 0 + 0])      # max=x; x*y−2=0: sign 0
    assert formula_surface("max(x, y, 1)").grad(np.array([2.0, 1.0]))[0] == 1.0


def test_sigmoid_is_overflow_free_and_exact():
    surf = formula_surface("sigmoid(x)")
    x = np.array([-800.0, -30.0, 0.0, 2.0, 800.0])
    p = np.stack([x, np.zeros_like(x)], axis=-1)
    f, g = surf.value_and_grad(p)
    assert np.all(np.isfinite(f)) and np.all(np.isfinite(g))
    s = np.array([0.0, math.exp(-30) / (1 + math.exp(-30)), 0.5, 1 / (1 + math.exp(-2)), 1.0])
    np.testing.assert_allclose(f, s, rtol=1e-14, atol=0)
    np.testing.assert_allclose(g[:, 0], s * (1 - s), rtol=1e-12, atol=0)
    assert g[1, 0] > 0  # the tiny tail keeps its gradient


@pytest.mark.parametrize("text, point, bad", [
    ("log(x)", (-1.0, 0.0), "value"),
    ("1/x + y", (0.0, 1.0), "value"),
    ("sqrt(x^2 + y^2)", (0.0, 0.0), "grad"),
    ("exp(x^2)", (40.0, 0.0), "value"),
    ("x^-2", (0.0, 0.0), "value"),
])
def test_non_finite_points_give_inf_or_nan_without_warnings(text, point, bad):
    surf = formula_surface(text)
    f, g = surf.value_and_grad(np.array(point))  # filterwarnings=error catches any warning
    assert not (np.isfinite(f) if bad == "value" else np.all(np.isfinite(g)))


def test_numbers_sympy_finds_inside_our_functions_are_folded():
    # y/y simplifies to 1, leaving max(1, 2)^-7: evaluated by NumPy on integers it would raise
    surf = formula_surface("max(y/y, 2)^-7*x + abs(x - x - 3)^-9 + sigmoid(y/y)*y")
    assert "max" not in str(surf.compiled.expr)  # folded to the number 2**-7
    np.testing.assert_allclose(surf.grad(np.array([1.0, 2.0])), [2.0**-7, 1 / (1 + math.e**-1)],
                               rtol=1e-15)
    np.testing.assert_allclose(surf.value(np.array([1.0, 2.0])),
                               2.0**-7 + 3.0**-9 + 2 / (1 + math.e**-1), rtol=1e-15)


def test_an_unexpected_numpy_error_becomes_nan_not_an_exception(monkeypatch):
    from gdsim import formula as mod

    def broken(x, y):
        raise ValueError("Integers to negative integer powers are not allowed.")

    surf = formula_surface("x + y")
    surf._fg = mod._never_raise(broken, 3)
    surf._fn = mod._never_raise(broken, 1)
    f, g = surf.value_and_grad(np.zeros((3, 2)))
    assert np.isnan(f).all() and np.isnan(g).all()
    assert np.isnan(surf.value(np.zeros(2)))


def test_pow_caret_precedence_and_constants():
    p = np.array([[1.5, -0.5], [-2.0, 3.0]])
    x, y = p[:, 0], p[:, 1]
    cases = {
        "-x^2": -(x**2), "2^3^2 + 0*x": np.full(2, 512.0), "abs(x)^2^0.5": np.abs(x) ** (2**0.5),
        "e^x": np.exp(x), "pi*y": np.pi * y, "x**3 - y": x**3 - y,
        "log10(100*abs(y))": np.log10(100 * np.abs(y)), "arctan(x)/y": np.arctan(x) / y,
        "+x - -y": x + y, "1e-3*x": 1e-3 * x, "0.1 + 0.2*x": 0.1 + 0.2 * x,
    }
    for text, want in cases.items():
        np.testing.assert_allclose(formula_surface(text).value(p), want, rtol=1e-15,
                                   err_msg=text)


def test_float_literals_keep_every_bit():
    c = 1.0000000000000002
    surf = formula_surface(f"{c!r}*x + 0.1*y")
    np.testing.assert_array_equal(surf.value(np.array([1.0, 0.0])), c)
    np.testing.assert_array_equal(surf.grad(np.array([1.0, 0.0])), [c, 0.1])


# -- the Surface interface -----------------------------------------------------------------
def test_surface_interface_shapes_and_metadata():
    surf = formula_surface("x^2 + 10*sin(y)")
    assert isinstance(surf, FormulaSurface)
    assert surf.name == "expr:x^2 + 10*sin(y)"
    assert isinstance(surf, Surface) and surf.formula == "f(x, y) = x^2 + 10*sin(y)"
    xs, ys, grid = surf.grid(5, 4)
    np.testing.assert_allclose(grid, xs[None, :] ** 2 + 10 * np.sin(ys[:, None]), rtol=1e-15)
    assert surf.domain == DEFAULT_DOMAIN and surf.n_samples == 0 and surf.params == {}
    assert surf.minima.shape == (0, 2) and surf.minimum_values.shape == (0,)
    xmin, xmax, ymin, ymax = surf.domain
    assert xmin < surf.start[0] < xmax and ymin < surf.start[1] < ymax
    assert surf.start != (0.0, 0.0)
    assert surf.value(np.array([1.0, 2.0])).shape == ()
    p = RNG.normal(size=(3, 4, 2))
    assert surf.value(p).shape == (3, 4)
    out = np.empty((3, 4, 2))
    assert surf.grad(p, out=out) is out
    np.testing.assert_array_equal(out[..., 0], 2 * p[..., 0])
    np.testing.assert_allclose(out[..., 1], 10 * np.cos(p[..., 1]), rtol=1e-15)
    with pytest.raises(GdsimError, match="no data samples"):
        surf.batch_grad(p[0], np.zeros((4, 3), int))
    with pytest.raises(GdsimError, match=r"shape \(\.\.\., 2\)"):
        surf.value(np.zeros((3, 3)))


def test_start_avoids_points_where_the_formula_is_not_finite():
    surf = formula_surface("log(x) + y^2", domain=(-4, 4, -2, 2))
    f, g = surf.value_and_grad(np.array(surf.start))
    assert np.isfinite(f) and np.all(np.isfinite(g)) and surf.start[0] > 0
    assert -4 < surf.start[0] < 4 and -2 < surf.start[1] < 2


def test_large_batches_are_evaluated_in_blocks_with_the_same_results():
    from gdsim.formula import CHUNK

    n = 3 * CHUNK + 123
    p = RNG.uniform(-2, 2, size=(n, 2))
    f_ref, g_ref = rosenbrock(p)
    surf = formula_surface("(1 - x)^2 + 100*(y - x^2)^2")
    f, g = surf.value_and_grad(p)
    np.testing.assert_allclose(f, f_ref, rtol=1e-13)
    np.testing.assert_allclose(g, g_ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(surf.value(p), f)
    np.testing.assert_array_equal(surf.grad(p), g)
    cube = p[: 3 * CHUNK].reshape(3, CHUNK, 2)  # (..., 2) with more leading axes
    assert surf.value(cube).shape == (3, CHUNK)
    np.testing.assert_array_equal(surf.value(cube).ravel(), f[: 3 * CHUNK])
    strided = p[::2]  # not contiguous
    np.testing.assert_array_equal(surf.grad(strided), g[::2])
    out = np.empty((n, 4))[:, ::2]  # a non-contiguous out
    assert surf.grad(p, out=out) is out
    np.testing.assert_array_equal(out, g)
    q = p.copy()
    np.testing.assert_array_equal(surf.grad(q, out=q), g)


def test_grad_may_write_over_its_own_input():
    surf = formula_surface("x*y + 0.5*y")
    p = np.array([[1.0, 2.0], [3.0, -4.0]])
    np.testing.assert_array_equal(surf.grad(p, out=p), [[2.0, 1.5], [-4.0, 3.5]])
    with pytest.raises(GdsimError, match="out must be float64"):
        surf.grad(np.zeros((2, 2)), out=np.zeros((3, 2)))


def test_out_handling_is_the_base_class_and_every_out_gives_the_same_bits():
    # one copy of the out= contract (shape/dtype check, aliasing): Surface.grad's
    assert "grad" not in vars(FormulaSurface) and FormulaSurface.grad is Surface.grad
    with pytest.raises(GdsimError, match=r"out must be float64 of shape \(2, 2\)"):
        formula_surface("x*y").grad(np.zeros((2, 2)), out=np.zeros((2, 2), np.float32))
    from gdsim.formula import CHUNK

    for text in ("x*y + 0.5*y", "(1 - x)^2 + 100*(y - x^2)^2", "y", "3"):
        surf = formula_surface(text)
        for shape in ((2,), (1, 2), (5, 3, 2), (2 * CHUNK + 7, 2)):
            p = RNG.uniform(-2, 2, size=shape)
            ref = surf.value_and_grad(p)[1]
            np.testing.assert_array_equal(surf.grad(p), ref)
            out = np.full(shape, np.nan)
            assert surf.grad(p, out=out) is out
            np.testing.assert_array_equal(out, ref)
            strided = np.full(shape[:-1] + (4,), np.nan)[..., ::2]  # not contiguous
            np.testing.assert_array_equal(surf.grad(p, out=strided), ref)
            q = p.copy()  # out is the input itself: ∇(x·y) = (y, x) reads what it writes
            assert surf.grad(q, out=q) is q
            np.testing.assert_array_equal(q, ref)


SCALAR_CASES = [  # (formula, powers all print as products and square roots)
    ("(1 - x)^2 + 100*(y - x^2)^2", True), ("x^3*y - 1/(x^2 + 1) + y^-4 + x^6", True),
    ("sin(x)*exp(y) + log(1 + x^2) + sqrt(1 + y^2) + 1/sqrt(2 + x*y) + x^2.5", True),
    ("tan(0.3*x) + cosh(y) + arccos(0.2*x) + sigmoid(x - y) + abs(x) + max(x, y, 1)", True),
    ("x^y + 2^x + x^0.3", False),  # NumPy's general power: only equal to within an ulp
]


@pytest.mark.parametrize("text, exact", SCALAR_CASES)
def test_one_point_is_bit_identical_to_the_same_point_in_a_batch(text, exact):
    surf = formula_surface(text)
    assert surf.compiled.scalar_ok == exact
    batch = np.abs(RNG.normal(size=(64, 2))) + 0.1
    f, g = surf.value_and_grad(batch)
    np.testing.assert_array_equal(surf.value(batch), f)
    rtol = 0 if exact else 4e-16
    for i in range(len(batch)):
        fi, gi = surf.value_and_grad(batch[i])
        np.testing.assert_allclose(fi, f[i], rtol=rtol, atol=0)
        np.testing.assert_allclose(gi, g[i], rtol=rtol, atol=0)
        np.testing.assert_allclose(surf.value(batch[i]), f[i], rtol=rtol, atol=0)
        np.testing.assert_allclose(surf.grad(batch[i]), g[i], rtol=rtol, atol=0)


def test_constant_and_linear_formulas_broadcast_and_never_alias_input():
    p = np.array([[1.0, 2.0], [3.0, 4.0]])
    before = p.copy()
    const = formula_surface("3")
    np.testing.assert_array_equal(const.value(p), [3.0, 3.0])
    np.testing.assert_array_equal(const.grad(p), np.zeros((2, 2)))
    lin = formula_surface("x")
    f = lin.value(p)
    f[0] = 99.0
    np.testing.assert_array_equal(p, before)
    f, g = lin.value_and_grad(p)
    f[:] = -1.0
    np.testing.assert_array_equal(p, before)
    np.testing.assert_array_equal(g, [[1.0, 0.0], [1.0, 0.0]])
    assert f.dtype == g.dtype == np.float64


def test_domain_is_validated_and_used():
    surf = formula_surface("x*y", domain=(0, 2, -1, 3))
    assert surf.domain == (0.0, 2.0, -1.0, 3.0)
    assert 0 < surf.start[0] < 2 and -1 < surf.start[1] < 3
    for bad in [(1, 0, 0, 1), (0, 1, 2, 2), (0, math.inf, 0, 1), (0, 1, 0), ("a", 1, 0, 1),
                (0, 1, 0, math.nan), None.__class__]:
        with pytest.raises(GdsimError, match="domain"):
            formula_surface("x*y", domain=bad)


def test_compiled_formulas_are_cached_and_expose_the_gradient():
    a = compile_formula("x^2*y")
    assert compile_formula("x^2*y") is a
    assert "2*x*y" in a.gradient_text and "x**2" in a.gradient_text


def test_invalid_formula_raises_formula_error_which_is_a_gdsim_error():
    with pytest.raises(GdsimError, match=r"unknown name 'z' at column 9; use x and y"):
        formula_surface("x + y + z")
    with pytest.raises(FormulaError) as info:
        formula_surface("x^2 + q")
    assert info.value.column == 7  # columns count the '^' as typed, not the '**' parsed


def test_live_check_parse_only_or_full():
    from gdsim.formula import check_formula

    assert check_formula("sqrt(-x^2)", full=False) is None  # parses fine
    assert "not real-valued" in str(check_formula("sqrt(-x^2)"))
    assert check_formula("x^2 + y^2") is None
    assert check_formula("x +", full=False).column == 3


def test_parsing_never_imports_sympy():
    """Live validation and `import gdsim.formula` stay cheap: sympy loads on first compile."""
    import subprocess
    import sys

    code = ("import sys, gdsim.formula as f; f.check_formula('x^2 + sin(y)', full=False); "
            "assert 'sympy' not in sys.modules; f.compile_formula('x*y'); "
            "assert 'sympy' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_small_powers_print_as_products_evaluating_the_base_once():
    from gdsim.formula import _env

    env = _env()
    sp, x, y = env["sp"], env["x"], env["y"]
    show = env["printer"].doprint
    assert show(x**3) == "(x*x*x)" and show(x**-2) == "(1/(x*x))"
    assert show(x ** sp.Rational(3, 2)) == "(x*numpy.sqrt(x))".replace("numpy.", "")
    assert show((x + y) ** 4) == "(pow4(x + y))"
    assert show((x + y) ** sp.Rational(-5, 2)) == "(1/(pow_half2(x + y)))"
    assert "**" in show(x**7) and "**" in show(x**0.3)  # beyond products: NumPy's power
    b = np.array([0.3, 1.7, 2.5])
    impl = env["numpy_impl"]
    np.testing.assert_array_equal(impl["pow4"](b), b * b * b * b)
    np.testing.assert_array_equal(impl["pow_half2"](b), b * b * np.sqrt(b))
    np.testing.assert_array_equal(impl["pow_half1"](b), b * np.sqrt(b))
