"""Curvature (issue 9 item 4): exact Hessians of every surface vs central differences of the
exact gradient (hypothesis over points), eigen-decomposition and sharpness."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdsim.curvature import Curvature, eigen, sharpness, sharpness_along, stability_limit
from gdsim.errors import GdsimError
from gdsim.surfaces import SURFACES, make_surface

VARIANTS = [
    ("ravine", {"condition": 5.0}),
    ("rosenbrock", {"a": -0.5, "b": 10.0}),
    ("linreg", {"samples": 37, "noise": 0.2, "data_seed": 3}),
    ("logreg", {"samples": 50, "noise": 1.5, "data_seed": 7}),
]
CASES = [(n, {}) for n in SURFACES] + VARIANTS
IDS = [n + ("-" + "-".join(map(str, p.values())) if p else "") for n, p in CASES]
TYPED = [
    "(1 - x)^2 + 5*(y - x^2)^2",
    "x^2 + 10*sin(y)",
    "exp(0.3*x)*cos(y) + sigmoid(x*y)",
    "log(1 + x^2 + y^2) + tanh(x - y)^3",
    "sqrt(1 + x^2*y^2) + arctan(x/3)",
]

_SURF: dict = {}
_CURV: dict = {}


def case(name: str, params: dict) -> tuple:
    key = (name, tuple(sorted(params.items())))
    if key not in _SURF:
        s = make_surface(name, **params)
        _SURF[key], _CURV[key] = s, Curvature(s)
    return _SURF[key], _CURV[key]


def fd_hessian(s, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Central differences of the exact gradient, and a bound on their error."""
    h = 1e-5 * np.maximum(1.0, np.abs(p))
    H = np.empty(p.shape[:-1] + (2, 2))
    for j in range(2):
        e = np.zeros_like(p)
        e[..., j] = h[..., j]
        H[..., :, j] = (s.grad(p + e) - s.grad(p - e)) / (2 * h[..., j:j + 1])
    g = np.abs(s.grad(p)).max()
    # truncation O(h²·f''') + rounding eps·|∇f|/h, both bounded generously
    tol = 1e-5 * (1.0 + np.abs(H).max()) + 1e-10 * g / h.min()
    return H, tol


def points_in(s, fx: float, fy: float) -> np.ndarray:
    x0, x1, y0, y1 = s.domain
    return np.array([[x0 + fx * (x1 - x0), y0 + fy * (y1 - y0)]])


unit = st.floats(0.0, 1.0, allow_nan=False)


@pytest.mark.parametrize(("name", "params"), CASES, ids=IDS)
def test_every_registered_surface_is_exact(name, params):
    _s, c = case(name, params)
    assert c.exact


@pytest.mark.parametrize(("name", "params"), CASES, ids=IDS)
@settings(max_examples=25)
@given(fx=unit, fy=unit)
def test_hessian_matches_differences_of_the_gradient(name, params, fx, fy):
    s, c = case(name, params)
    p = points_in(s, fx, fy)
    if name == "ackley" and np.hypot(*p[0]) < 1e-3:
        return  # the cone's Hessian is unbounded at the origin (tested below)
    H = c.hessian(p)
    fd, tol = fd_hessian(s, p)
    assert np.all(np.isfinite(H))
    np.testing.assert_allclose(H, fd, rtol=0, atol=tol)
    np.testing.assert_array_equal(H[..., 0, 1], H[..., 1, 0])


@pytest.mark.parametrize("text", TYPED)
@settings(max_examples=25)
@given(fx=unit, fy=unit)
def test_typed_surface_hessian_matches_differences(text, fx, fy):
    s, c = case("expr:" + text, {})
    p = points_in(s, fx, fy)
    fd, tol = fd_hessian(s, p)
    if not np.all(np.isfinite(fd)):
        return
    np.testing.assert_allclose(c.hessian(p), fd, rtol=0, atol=tol)


def test_typed_abs_and_max_take_zero_second_derivative_of_the_kink():
    s = make_surface("expr:abs(x) + max(y, 0)^2")
    H = Curvature(s).hessian(np.array([[0.5, 1.0], [-0.5, -1.0], [0.0, 0.0]]))
    np.testing.assert_allclose(H[0], [[0.0, 0.0], [0.0, 2.0]])
    np.testing.assert_allclose(H[1], [[0.0, 0.0], [0.0, 0.0]])
    assert np.all(np.isfinite(H[2]))


@pytest.mark.parametrize("name", ["quadratic", "ravine", "booth", "matyas", "saddle",
                                  "rosenbrock", "himmelblau"])
def test_closed_forms_equal_the_symbolic_route(name):
    from gdsim.curvature import _canonical, _text_hessian

    s = make_surface(name, **({"a": -0.5, "b": 7.0} if name == "rosenbrock" else {}))
    p = np.random.default_rng(1).uniform(-3, 3, (50, 2))
    ours = Curvature(s).hessian(p)
    sym = _text_hessian(_canonical(name, s.params))(p[:, 0], p[:, 1])
    for k, (a, b) in enumerate(((0, 0), (0, 1), (1, 1))):
        np.testing.assert_allclose(ours[:, a, b], np.broadcast_to(sym[k], (50,)), rtol=1e-12,
                                   atol=1e-12)


def test_hand_computed_values():
    # Rosenbrock at (1, 1): [[2 + 8bx² − 4b(y − x²), −4bx], [−4bx, 2b]]
    H = Curvature(make_surface("rosenbrock")).hessian(np.array([1.0, 1.0]))
    np.testing.assert_array_equal(H, [[802.0, -400.0], [-400.0, 200.0]])
    H = Curvature(make_surface("ravine", condition=7.0)).hessian(np.zeros((3, 4, 2)))
    assert H.shape == (3, 4, 2, 2)
    np.testing.assert_array_equal(H[1, 2], [[1.0, 0.0], [0.0, 7.0]])
    # Ackley at the origin: finite (cone term taken as 0, like the gradient's subgradient)
    H0 = Curvature(make_surface("ackley")).hessian(np.zeros(2))
    assert np.all(np.isfinite(H0))


def test_linreg_hessian_is_twice_the_second_moment():
    s = make_surface("linreg", samples=30, noise=0.1, data_seed=1)
    H = Curvature(s).hessian(np.array([[3.0, -2.0]]))[0]
    A = np.column_stack([s.x, np.ones(30)])
    np.testing.assert_allclose(H, 2 * A.T @ A / 30, rtol=1e-14)


def test_bad_points_refused_and_overflow_never_raises():
    c = Curvature(make_surface("rosenbrock"))
    with pytest.raises(GdsimError, match="shape"):
        c.hessian(np.zeros(3))
    H = c.hessian(np.array([[1e300, np.nan]]))
    assert H.shape == (1, 2, 2)


@settings(max_examples=200)
@given(a=st.floats(-1e3, 1e3), b=st.floats(-1e3, 1e3), c=st.floats(-1e3, 1e3))
def test_eigen_closed_form(a, b, c):
    H = np.array([[a, b], [b, c]])
    vals, vecs = eigen(H)
    ref = np.linalg.eigvalsh(H)
    scale = 1.0 + np.abs(ref).max()
    np.testing.assert_allclose(vals, ref, atol=1e-12 * scale)
    for k in range(2):
        v = vecs[:, k]
        assert math.isclose(np.hypot(*v), 1.0, rel_tol=1e-12)
        np.testing.assert_allclose(H @ v, vals[k] * v, atol=1e-9 * scale)
    assert sharpness(H) == pytest.approx(ref[1], abs=1e-12 * scale)


def test_sharpness_along_a_path_and_the_stability_limit():
    c = Curvature(make_surface("ravine", condition=20.0))
    np.testing.assert_array_equal(sharpness_along(c, np.ones((5, 2))), np.full(5, 20.0))
    assert stability_limit(0.1) == pytest.approx(20.0)
    assert np.isinf(stability_limit(0.0))
    assert stability_limit(0.1, "momentum", {"momentum": 0.5}) == pytest.approx(30.0)
    assert stability_limit(0.1, "adam", {"lr": 0.1}) == pytest.approx(20.0)


@pytest.mark.parametrize(("optimizer", "hp"), [
    ("gd", {}), ("momentum", {"momentum": 0.9}), ("sgd", {"momentum": 0.5, "dampening": 0.3}),
    ("nesterov", {"momentum": 0.9}), ("nesterov", {"momentum": 0.3})])
def test_stability_limit_is_where_the_quadratic_starts_to_diverge(optimizer, hp):
    """Runs on f = ½λy² (ravine from x = 0) just below / above the limit shrink / grow (from
    a tiny start: near the limit momentum's transient growth is large before it decays)."""
    from gdsim.simulation import Experiment, RunSpec, Simulation

    lr = 0.01
    lam = float(stability_limit(lr, optimizer, hp))
    for factor, shrinks in ((0.97, True), (1.03, False)):
        exp = Experiment(surface="ravine", surface_params={"condition": lam * factor},
                         start=(0.0, 1e-6), steps=3000, tol=0.0,
                         runs=[RunSpec(optimizer, {"lr": lr, **hp})])
        sim = Simulation(exp)
        sim.run()
        y = abs(sim.runs[0].trajectory.points[-1, 1])
        assert (y < 1e-8) == shrinks, (factor, y, sim.runs[0].status)
