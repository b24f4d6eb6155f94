"""Surfaces (SPEC §4): analytic gradients vs finite differences, literature minima,
vectorization, data surfaces (linreg/logreg) and parameter validation."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdsim.datasets2d import linreg_data, logreg_data
from gdsim.errors import GdsimError
from gdsim.surfaces import SURFACES, Surface, make_surface

SPEC_NAMES = [
    "quadratic", "ravine", "rosenbrock", "beale", "booth", "himmelblau", "rastrigin", "ackley",
    "goldstein_price", "three_hump_camel", "six_hump_camel", "matyas", "levi13",
    "styblinski_tang", "mccormick", "saddle", "monkey_saddle", "linreg", "logreg",
]  # fmt: skip

# Non-default parameters, so the parameters really reach the formulas.
VARIANTS = [
    ("ravine", {"condition": 5.0}),
    ("rosenbrock", {"a": -0.5, "b": 10.0}),
    ("linreg", {"samples": 37, "noise": 0.2, "data_seed": 3}),
    ("logreg", {"samples": 50, "noise": 1.5, "data_seed": 7}),
]
CASES = [(n, {}) for n in SPEC_NAMES] + VARIANTS
CASE_IDS = [n + ("" if not p else "-" + "-".join(map(str, p.values()))) for n, p in CASES]

_CACHE: dict = {}


def surf(name: str, **params) -> Surface:
    key = (name, tuple(sorted(params.items())))
    if key not in _CACHE:
        _CACHE[key] = make_surface(name, **params)
    return _CACHE[key]


def fd_grad(s: Surface, p: np.ndarray, h: float) -> np.ndarray:
    """Five-point central differences of s.value (error O(h⁴)), independent of s.grad."""
    g = np.empty(p.shape)
    for k in range(2):
        e = np.zeros(2)
        e[k] = h
        g[..., k] = (
            -s.value(p + 2 * e) + 8 * s.value(p + e) - 8 * s.value(p - e) + s.value(p - 2 * e)
        ) / (12 * h)
    return g


def random_points(s: Surface, n: int, seed: int = 0) -> np.ndarray:
    x0, x1, y0, y1 = s.domain
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])


def assert_grad_matches_fd(s: Surface, p: np.ndarray) -> None:
    x0, x1, y0, y1 = s.domain
    h = 1e-3 * max(x1 - x0, y1 - y0) / 10
    g = s.grad(p)
    fd = fd_grad(s, p, h)
    scale = 1.0 + np.abs(g) + 1e-9 * np.abs(s.value(p))[..., None]
    err = np.abs(g - fd) / scale
    assert np.all(err < 1e-6), (s.name, p[np.argmax(err.max(axis=-1))], err.max())


# ------------------------------------------------------------------ registry
def test_registry_has_every_spec_surface_in_order():
    assert list(SURFACES) == SPEC_NAMES


@pytest.mark.parametrize("name", SPEC_NAMES)
def test_info_and_surface_metadata(name):
    info = SURFACES[name]
    assert info.name == name and info.title and info.formula and info.story
    s = surf(name)
    assert s.name == name and s.title == info.title and s.formula == info.formula
    assert s.params == {p.name: p.default for p in info.params}
    x0, x1, y0, y1 = s.domain
    assert x0 < x1 and y0 < y1
    assert all(isinstance(v, float) for v in (*s.domain, *s.start))
    assert x0 < s.start[0] < x1 and y0 < s.start[1] < y1, "suggested start inside the view"
    assert s.minima.shape == (len(s.minimum_values), 2)
    for mx, my in s.minima:
        assert x0 <= mx <= x1 and y0 <= my <= y1, "known minima visible in the default view"
        assert math.dist(s.start, (mx, my)) > 0.1, "the start is not already a minimum"
    assert s.n_samples == (200 if name in ("linreg", "logreg") else 0)
    assert info.is_data == (s.n_samples > 0)


# ------------------------------------------------------------------ gradients
@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_grad_matches_finite_differences_on_domain(name, params):
    s = surf(name, **params)
    assert_grad_matches_fd(s, random_points(s, 200, seed=len(name)))


@pytest.mark.parametrize("name", SPEC_NAMES)
@settings(max_examples=25, deadline=None)
@given(u=st.floats(0.0, 1.0), v=st.floats(0.0, 1.0))
def test_grad_matches_finite_differences_hypothesis(name, u, v):
    s = surf(name)
    x0, x1, y0, y1 = s.domain
    p = np.array([x0 + u * (x1 - x0), y0 + v * (y1 - y0)])
    if name == "ackley" and np.hypot(*p) < 1e-2:
        return  # the cone tip is not differentiable; tested separately
    assert_grad_matches_fd(s, p)


def test_some_gradients_by_hand():
    # independent hand evaluations at one point each
    assert np.allclose(surf("rosenbrock").grad([0.5, 1.0]), [-2 * 0.5 - 400 * 0.5 * 0.75, 150.0])
    assert np.allclose(surf("himmelblau").grad([1.0, 1.0]), [4 * -9 + 2 * -5, 2 * -9 + 4 * -5])
    assert np.allclose(surf("booth").grad([0.0, 0.0]), [2 * -7 + 4 * -5, 4 * -7 + 2 * -5])
    assert np.allclose(surf("ravine").grad([2.0, 3.0]), [2.0, 60.0])
    assert np.allclose(surf("rastrigin").grad([0.25, 0.5]), [0.5 + 20 * math.pi, 1.0])
    assert np.allclose(surf("styblinski_tang").grad([1.0, 0.0]), [2 - 16 + 2.5, 2.5])
    assert np.allclose(surf("monkey_saddle").grad([1.0, 2.0]), [3 - 12, -12.0])
    assert np.allclose(surf("saddle").grad([1.5, -2.0]), [3.0, 4.0])


# ------------------------------------------------------------------ minima
# (name, literature point, literature value, quoted precision of coordinates, of value)
LITERATURE = [
    ("quadratic", (0.0, 0.0), 0.0, 0.0, 0.0),
    ("ravine", (0.0, 0.0), 0.0, 0.0, 0.0),
    ("rosenbrock", (1.0, 1.0), 0.0, 0.0, 0.0),
    ("beale", (3.0, 0.5), 0.0, 0.0, 0.0),
    ("booth", (1.0, 3.0), 0.0, 0.0, 0.0),
    ("himmelblau", (3.0, 2.0), 0.0, 0.0, 0.0),
    ("himmelblau", (-2.805118086952745, 3.131312518250573), 0.0, 1e-14, 1e-26),
    ("himmelblau", (-3.779310253377747, -3.283185991286170), 0.0, 1e-14, 1e-26),
    ("himmelblau", (3.584428340330492, -1.848126526964404), 0.0, 1e-14, 1e-26),
    ("rastrigin", (0.0, 0.0), 0.0, 0.0, 0.0),
    ("ackley", (0.0, 0.0), 0.0, 0.0, 0.0),
    ("goldstein_price", (0.0, -1.0), 3.0, 0.0, 0.0),
    ("three_hump_camel", (0.0, 0.0), 0.0, 0.0, 0.0),
    ("six_hump_camel", (0.0898, -0.7126), -1.0316, 1e-4, 5e-5),  # quoted truncated
    ("six_hump_camel", (-0.0898, 0.7126), -1.0316, 1e-4, 5e-5),
    ("matyas", (0.0, 0.0), 0.0, 0.0, 0.0),
    ("levi13", (1.0, 1.0), 0.0, 0.0, 1e-30),  # sin(3π) is not exactly 0 in float64
    ("styblinski_tang", (-2.903534, -2.903534), -78.332331, 5e-7, 5e-7),
    ("mccormick", (-0.54719, -1.54719), -1.91322, 1e-5, 5e-6),  # quoted truncated
]


@pytest.mark.parametrize(("name", "point", "fmin", "ptol", "ftol"), LITERATURE)
def test_literature_minimum_is_listed_and_exact(name, point, fmin, ptol, ftol):
    s = surf(name)
    d = np.max(np.abs(s.minima - np.array(point)), axis=1)
    k = int(np.argmin(d))
    assert d[k] <= ptol, f"{point} not among known minima {s.minima}"
    assert abs(s.minimum_values[k] - fmin) <= ftol
    assert s.minimum_values[k] == s.value(s.minima[k])
    # the literature point itself, at its quoted precision
    assert abs(s.value(point) - fmin) <= max(ftol, 1e-14)
    # stationary at the stored minimum (to rounding), and a true minimum nearby
    g = s.grad(s.minima[k])
    assert np.all(np.isfinite(g)) and np.max(np.abs(g)) < 1e-12
    rng = np.random.default_rng(1)
    nb = s.minima[k] + 1e-3 * rng.standard_normal((64, 2))
    assert np.all(s.value(nb) >= s.minimum_values[k])


def test_himmelblau_has_exactly_the_four_literature_minima():
    s = surf("himmelblau")
    assert s.minima.shape == (4, 2)
    for m in s.minima:  # gradient at the 15-digit literature coordinates vanishes to ~1e-13
        lit = [p for n, p, *_ in LITERATURE if n == "himmelblau" and np.allclose(p, m)]
        assert len(lit) == 1 and np.max(np.abs(s.grad(lit[0]))) < 1e-12


def test_six_hump_value_to_full_precision_and_symmetry():
    s = surf("six_hump_camel")
    # 40-digit root of ∇f = 0 gives −1.0316284534898773504…
    assert np.allclose(s.minimum_values, -1.0316284534898774, rtol=0, atol=4e-16)
    assert np.array_equal(s.minima[0], -s.minima[1])
    assert np.allclose(s.minima[0], [0.0898420131003180624, -0.7126564030207396334], atol=1e-15)


def test_styblinski_tang_root_and_not_the_misquote():
    s = surf("styblinski_tang")
    t = s.minima[0, 0]
    assert s.minima[0, 1] == t
    assert abs(4 * t**3 - 32 * t + 5) < 1e-12
    assert abs(t - (-2.903534027771177)) < 1e-14
    assert abs(s.minimum_values[0] - (-78.33233140754283)) < 1e-12
    assert abs(s.minimum_values[0] - (-78.33198)) > 3e-4  # the common misquote


def test_mccormick_closed_form_minimum():
    x, y = surf("mccormick").minima[0]
    assert math.isclose(x + y, -2 * math.pi / 3, abs_tol=1e-15) and x - y == pytest.approx(1.0)
    assert surf("mccormick").minimum_values[0] == pytest.approx(-math.sqrt(3) / 2 - 0.5 + x)


@pytest.mark.parametrize("name", ["saddle", "monkey_saddle"])
def test_saddles_have_no_minima(name):
    s = surf(name)
    assert s.minima.shape == (0, 2) and s.minimum_values.shape == (0,)
    assert np.all(s.grad([0.0, 0.0]) == 0.0) and s.value([0.0, 0.0]) == 0.0


def test_ackley_origin_is_finite_subgradient_zero():
    s = surf("ackley")
    assert s.value([0.0, 0.0]) == 0.0
    g = s.grad(np.zeros((3, 2)))
    assert np.array_equal(g, np.zeros((3, 2)))
    # tiny radii: no NaN/inf, no warnings (pytest turns warnings into errors)
    for p in ([1e-300, 0.0], [0.0, -5e-324], [1e-160, 1e-160], [-1e-8, 2e-8]):
        g = s.grad(p)
        assert np.all(np.isfinite(g)) and np.linalg.norm(g) < 3.0 + 1e-6


# ------------------------------------------------------------------ vectorization
@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_vectorized_shapes_and_batch_equals_pointwise(name, params):
    s = surf(name, **params)
    pts = random_points(s, 12, seed=5).reshape(3, 4, 2)
    v, g = s.value(pts), s.grad(pts)
    assert v.shape == (3, 4) and g.shape == (3, 4, 2)
    assert v.dtype == np.float64 and g.dtype == np.float64
    for i in range(3):
        for j in range(4):
            q = pts[i, j].copy()
            assert s.value(q).shape == () and s.grad(q).shape == (2,)
            # bit-identical: a run's numbers do not depend on the batch it sits in
            assert s.value(q) == v[i, j]
            assert np.array_equal(s.grad(q[None]), g[i, j][None])
    v2, g2 = s.value_and_grad(pts)
    assert np.array_equal(v2, v) and np.array_equal(g2, g)
    assert np.array_equal(s.value(pts.tolist()), v)  # lists are accepted


@pytest.mark.parametrize("name", SPEC_NAMES)
def test_grad_out_and_inputs_never_mutated(name):
    s = surf(name)
    p = random_points(s, 7, seed=9)
    keep = p.copy()
    g = s.grad(p)
    s.value(p)
    s.value_and_grad(p)
    assert np.array_equal(p, keep)
    out = np.full((7, 2), np.nan)
    assert s.grad(p, out=out) is out and np.array_equal(out, g)
    assert np.array_equal(p, keep)
    alias = p.copy()
    assert np.array_equal(s.grad(alias, out=alias), g)  # out may be the input itself
    # strided / non-contiguous views give the same numbers
    wide = np.zeros((7, 4))
    wide[:, 1:3] = p
    assert np.array_equal(s.grad(wide[:, 1:3]), g)
    assert np.array_equal(s.grad(p[::-1])[::-1], g)


def test_bad_shapes_refused():
    s = surf("himmelblau")
    for bad in ([1.0, 2.0, 3.0], np.zeros((4, 3)), 1.0):
        with pytest.raises(GdsimError, match=r"\(\.\.\., 2\)"):
            s.value(bad)
    with pytest.raises(GdsimError, match="out must be"):
        s.grad(np.zeros((3, 2)), out=np.zeros((2, 2)))


def test_grid_matches_pointwise_values():
    s = surf("rosenbrock")
    xs, ys, z = s.grid(5, 4)
    assert xs[0] == s.domain[0] and xs[-1] == s.domain[1] and len(xs) == 5
    assert ys[0] == s.domain[2] and ys[-1] == s.domain[3] and len(ys) == 4
    assert z.shape == (4, 5)
    for j, y in enumerate(ys):
        for i, x in enumerate(xs):
            assert z[j, i] == (1 - x) ** 2 + 100 * (y - x * x) ** 2 or math.isclose(
                z[j, i], (1 - x) ** 2 + 100 * (y - x * x) ** 2, rel_tol=1e-15
            )
    xs, ys, z = s.grid(3, 3, domain=(0.0, 1.0, 0.0, 1.0))
    assert z[2, 2] == 0.0 and z[0, 0] == 1.0
    with pytest.raises(GdsimError, match="nx"):
        s.grid(1, 5)


# ------------------------------------------------------------------ data surfaces
def test_linreg_minimum_is_normal_equations_solution():
    s = surf("linreg")
    x, y = linreg_data(200, 0.5, 0)
    n = len(x)
    # normal equations of min Σ(wx + b − y)²: [[Σx², Σx], [Σx, n]] (w, b) = (Σxy, Σy)
    A = np.array([[np.sum(x * x), np.sum(x)], [np.sum(x), n]])
    rhs = np.array([np.sum(x * y), np.sum(y)])
    wb = np.linalg.solve(A, rhs)
    np.testing.assert_allclose(s.minima[0], wb, rtol=1e-12)
    direct = np.mean((wb[0] * x + wb[1] - y) ** 2)
    assert s.minimum_values[0] == pytest.approx(direct, rel=1e-12)
    assert np.max(np.abs(s.grad(s.minima[0]))) < 1e-12
    assert abs(wb[0] - 2.0) < 0.3 and abs(wb[1] + 1.0) < 0.3  # y = 2x − 1 + noise


@pytest.mark.parametrize(("name", "params"), [c for c in CASES if c[0] in ("linreg", "logreg")])
def test_data_surface_value_is_the_mean_over_samples(name, params):
    s = surf(name, **params)
    pts = random_points(s, 30, seed=2)
    if name == "linreg":
        x, y = s.x, s.y
        direct = np.mean((pts[:, :1] * x + pts[:, 1:] - y) ** 2, axis=1)
    else:
        z = pts @ s.X.T
        yy = s.labels
        # −log σ(z) for y = 1, −log(1 − σ(z)) for y = 0, as log1p(exp(∓z)) (|z| < 40 here)
        direct = np.mean(np.where(yy == 1, np.log1p(np.exp(-z)), np.log1p(np.exp(z))), axis=1)
    np.testing.assert_allclose(s.value(pts), direct, rtol=1e-12)


def test_logreg_is_stable_far_out_and_has_finite_minimum():
    s = surf("logreg")
    far = np.array([[1e4, -1e4], [-3e5, 2e5], [1e300, 0.0]])
    v, g = s.value(far), s.grad(far)
    assert np.all(np.isfinite(v)) and np.all(np.isfinite(g)) and np.all(v > 10)
    assert s.minima.shape == (1, 2) and np.all(np.isfinite(s.minima))
    assert np.max(np.abs(s.grad(s.minima[0]))) < 1e-12
    assert set(np.unique(s.labels)) == {0.0, 1.0}


@pytest.mark.parametrize(("name", "params"), [c for c in CASES if c[0] in ("linreg", "logreg")])
def test_batch_grad_full_batch_equals_grad(name, params):
    s = surf(name, **params)
    p = random_points(s, 6, seed=4)
    keep = p.copy()
    full = np.tile(np.arange(s.n_samples), (6, 1))
    idx_keep = full.copy()
    np.testing.assert_allclose(s.batch_grad(p, full), s.grad(p), rtol=1e-11, atol=1e-12)
    assert np.array_equal(p, keep) and np.array_equal(full, idx_keep)
    # a shuffled full batch is the same gradient
    rng = np.random.default_rng(0)
    shuffled = rng.permuted(full, axis=1)
    np.testing.assert_allclose(s.batch_grad(p, shuffled), s.grad(p), rtol=1e-11, atol=1e-12)


@pytest.mark.parametrize(("name", "params"), [c for c in CASES if c[0] in ("linreg", "logreg")])
def test_batch_grad_single_sample_and_per_run_batches(name, params):
    s = surf(name, **params)
    p = random_points(s, 5, seed=8)
    j = np.array([[0], [3], [3], [s.n_samples - 1], [10]])
    g = s.batch_grad(p, j)
    for r in range(5):
        k = j[r, 0]
        if name == "linreg":
            res = p[r, 0] * s.x[k] + p[r, 1] - s.y[k]
            hand = 2 * res * np.array([s.x[k], 1.0])
        else:
            z = p[r] @ s.X[k]
            hand = (1.0 / (1.0 + np.exp(-z)) - s.labels[k]) * s.X[k]  # (σ(z) − y)·x
        np.testing.assert_allclose(g[r], hand, rtol=1e-12, atol=1e-14)
    # each run's batch is its own: run r alone gives the same row
    rng = np.random.default_rng(3)
    idx = rng.integers(0, s.n_samples, size=(5, 8))
    both = s.batch_grad(p, idx)
    for r in range(5):
        np.testing.assert_allclose(s.batch_grad(p[r : r + 1], idx[r : r + 1])[0], both[r],
                                   rtol=1e-14, atol=1e-15)  # fmt: skip
        mean_single = np.mean([s.batch_grad(p[r : r + 1], idx[r : r + 1, [b]])[0]
                               for b in range(8)], axis=0)  # fmt: skip
        np.testing.assert_allclose(both[r], mean_single, rtol=1e-12, atol=1e-14)


def test_batch_grad_refuses_bad_indices_and_analytic_surfaces():
    s = surf("linreg")
    p = np.zeros((2, 2))
    with pytest.raises(GdsimError, match="0..199"):
        s.batch_grad(p, np.array([[0], [200]]))
    with pytest.raises(GdsimError, match="0..199"):
        s.batch_grad(p, np.array([[-1], [0]]))
    with pytest.raises(GdsimError, match="shape"):
        s.batch_grad(p, np.array([[0, 1, 2]]))
    with pytest.raises(GdsimError, match="integers"):
        s.batch_grad(p, np.array([[0.0], [1.0]]))
    with pytest.raises(GdsimError, match="himmelblau.*no data samples"):
        surf("himmelblau").batch_grad(p, np.zeros((2, 1), dtype=int))


@pytest.mark.parametrize("fn", [linreg_data, logreg_data])
def test_synthetic_data_reproducible_from_seed(fn):
    a, b = fn(120, 0.5, 11), fn(120, 0.5, 11)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    c = fn(120, 0.5, 12)
    assert not np.array_equal(a[0], c[0])
    s1 = make_surface(fn.__name__.split("_")[0], data_seed=11, samples=120)
    s2 = make_surface(fn.__name__.split("_")[0], data_seed=11, samples=120)
    q = np.array([[0.5, -0.3], [1.0, 2.0]])
    assert np.array_equal(s1.minima, s2.minima) and np.array_equal(s1.value(q), s2.value(q))
    assert s1.n_samples == 120


# ------------------------------------------------------------------ parameters
@pytest.mark.parametrize(
    ("name", "params", "pattern"),
    [
        ("ravine", {"condition": 0}, "condition=0 is out of range: need 0 < condition"),
        ("ravine", {"condition": -3.0}, "condition"),
        ("ravine", {"condition": float("nan")}, "condition must be finite"),
        ("ravine", {"condition": "abc"}, "condition must be a number"),
        ("rosenbrock", {"b": 0.0}, "0 < b"),
        ("rosenbrock", {"c": 1.0}, "unknown parameter 'c'; known: a, b"),
        ("quadratic", {"condition": 2.0}, r"unknown parameter 'condition'; known: \(none\)"),
        ("linreg", {"samples": 1}, "2 ≤ samples"),
        ("linreg", {"samples": 2.5}, "samples must be an integer"),
        ("linreg", {"noise": -0.1}, "0 ≤ noise"),
        ("logreg", {"noise": 0.0}, "0 < noise"),
        ("logreg", {"data_seed": -1}, "data_seed"),
    ],
)
def test_invalid_params_refused(name, params, pattern):
    with pytest.raises(GdsimError, match=pattern):
        make_surface(name, **params)


def test_unknown_surface_lists_known_names():
    with pytest.raises(GdsimError, match="unknown surface 'rosenbrok'; known: quadratic, ravine"):
        make_surface("rosenbrok")


def test_params_from_strings_and_reach_the_formula():
    s = make_surface("ravine", condition="5")
    assert s.params == {"condition": 5.0}
    assert s.value([1.0, 2.0]) == 0.5 * (1 + 5 * 4)
    r = make_surface("rosenbrock", a=-0.5, b=10)
    assert np.array_equal(r.minima, [[-0.5, 0.25]]) and r.value([0.0, 0.0]) == 0.25


def test_himmelblau_large_blocks_are_chunked_correctly():
    s = surf("himmelblau")
    rng = np.random.default_rng(6)
    pts = rng.uniform(-5, 5, (2, 40_000, 2))  # 80 000 points: more than one 65 536-row block
    x, y = pts[..., 0], pts[..., 1]
    a, b = x * x + y - 11, x + y * y - 7
    v, g = s.value_and_grad(pts)
    np.testing.assert_allclose(v, a * a + b * b, rtol=1e-14)
    np.testing.assert_allclose(g[..., 0], 4 * x * a + 2 * b, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(g[..., 1], 2 * a + 4 * y * b, rtol=1e-12, atol=1e-12)
    assert np.array_equal(s.value(pts), v) and np.array_equal(s.grad(pts), g)
    for i, j in [(0, 0), (0, 39_999), (1, 25_535), (1, 39_999)]:
        assert s.value(pts[i, j]) == v[i, j] and np.array_equal(s.grad(pts[i, j]), g[i, j])
    wide = np.zeros((2, 40_000, 3))
    wide[..., :2] = pts
    out = np.zeros((2, 40_000, 3))[..., 1:]  # non-contiguous out
    assert np.array_equal(s.grad(wide[..., :2], out=out), g) and np.array_equal(out, g)


@pytest.mark.parametrize("name", SPEC_NAMES)
def test_empty_point_sets(name):
    s = surf(name)
    assert s.value(np.empty((0, 2))).shape == (0,)
    assert s.grad(np.empty((0, 2))).shape == (0, 2)


def test_linreg_noise_free_fit_is_exact_and_loss_never_negative():
    s = make_surface("linreg", noise=0.0, samples=50)
    np.testing.assert_allclose(s.minima[0], [2.0, -1.0], rtol=0, atol=1e-14)
    assert 0.0 <= s.minimum_values[0] < 1e-28
    pts = np.vstack([random_points(s, 500, seed=3), s.minima + 1e-9])
    assert np.all(s.value(pts) >= 0.0)


def test_logreg_minimum_exists_exactly_when_data_overlap():
    angles = np.linspace(0, 2 * np.pi, 3600, endpoint=False)
    dirs = np.column_stack([np.cos(angles), np.sin(angles)])
    s = surf("logreg")
    margins = dirs @ (s.X * (2 * s.labels - 1)[:, None]).T  # (directions, samples)
    assert np.all(margins.min(axis=1) < 0), "no direction classifies all default samples"
    assert not s.separable() and s.minima.shape == (1, 2)
    tight = make_surface("logreg", noise=0.05)  # clouds at ±(1, 0), far apart
    sX = tight.X * (2 * tight.labels - 1)[:, None]
    assert np.all(sX[:, 0] > 0)  # w = (t, 0) classifies all: loss → 0 as t → ∞
    assert tight.separable() and tight.minima.shape == (0, 2)
    v = tight.value(np.array([[1.0, 0.0], [10.0, 0.0], [100.0, 0.0]]))
    assert v[0] > v[1] > v[2] >= 0.0
    assert make_surface("logreg", samples=2).minima.shape == (0, 2)
