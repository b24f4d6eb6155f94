"""Fast paths of the engine give the floats of the array path, bit for bit: one (1, 2) run
stepped coordinate by coordinate on Python floats (the rule's FLOAT form, with its array
fallback on ÷0 and √ of negatives), the Simulation's one-run loop, and column-contiguous
(F-ordered) batches."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdsim import optimizers
from gdsim.optimizers import OPTIMIZERS, make_optimizer
from gdsim.rules import ARRAY, FLOAT
from gdsim.simulation import Experiment, RunSpec, Simulation
from gdsim.surfaces import make_surface

VARIANTS = [
    ("gd", {"lr": 0.1}),
    ("sgd", {"lr": 0.05, "weight_decay": 0.2}),
    ("momentum", {"lr": 0.02, "dampening": 0.3}),
    ("nesterov", {"lr": 0.02, "weight_decay": 0.1}),
    ("adagrad", {"lr": 0.1, "lr_decay": 0.05, "initial_accumulator_value": 0.5}),
    ("rmsprop", {"lr": 0.01, "weight_decay": 0.1}),
    ("rmsprop", {"lr": 0.01, "centered": True, "momentum": 0.5}),
    ("adadelta", {"rho": 0.7, "weight_decay": 0.1}),
    ("adam", {"lr": 0.05, "weight_decay": 0.2, "beta1": 0.7}),
    ("adamw", {"lr": 0.05}),
    ("amsgrad", {"lr": 0.05, "beta2": 0.8}),
    ("adamax", {"lr": 0.05, "weight_decay": 0.3}),
    ("nadam", {"lr": 0.05, "momentum_decay": 0.1}),
    ("radam", {"lr": 0.01}),
    ("radam", {"beta1": 0.5, "beta2": 0.6}),
    # a coordinate-coupled rule: its traced one-run form (VectorRun), not per coordinate
    ("adafactor", {"lr": 0.05, "weight_decay": 0.1, "d": 1.5}),
    ("adafactor", {"lr": 0.2, "beta2_decay": -0.5, "eps2": 0.5}),
]
IDS = [f"{n}-{i}" for i, (n, _) in enumerate(VARIANTS)]


def bits(a):
    """Bit patterns of a float64 array (NaNs compared by payload too)."""
    return np.ascontiguousarray(a, dtype=np.float64).view(np.uint64)


def same_floats(a, b) -> bool:
    """Equal bit patterns, except that any two NaNs match (x86 may pick either NaN operand)."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    both_nan = np.isnan(a) & np.isnan(b)
    return a.shape == b.shape and bool(np.all((bits(a) == bits(b)) | both_nan))


def step_all(opt, grads, lrs, p0, path):
    """Step a (1, 2) run through ``path``: "float" (FloatRun) or "array"."""
    p = np.array([p0], dtype=np.float64)
    state = opt.init(p)
    if path == "array":
        for g, lr in zip(grads, lrs, strict=True):
            opt.step_(np.array([g]), state, p, lr)
        return p, state
    run = opt.float_run(state, p)
    for g, lr in zip(grads, lrs, strict=True):
        run.step(list(g), lr)
    run.store()
    return p, state


def rosen_grads(p0, steps):
    """Gradients along a deterministic walk (values of all magnitudes, signs, and zeros)."""
    rng = np.random.default_rng(5)
    g = rng.normal(size=(steps, 2)) * 10.0 ** rng.integers(-8, 4, size=(steps, 2))
    g[::7, 0] = 0.0
    return [tuple(r) for r in g.tolist()]


@pytest.mark.parametrize(("name", "hp"), VARIANTS, ids=IDS)
def test_float_path_equals_the_array_path_bitwise(name, hp, monkeypatch):
    opt = make_optimizer(name, **hp)
    grads = rosen_grads((0.3, -0.7), 60)
    lrs = [opt.hparams["lr"] * (1 + 0.5 * math.cos(k)) for k in range(60)]
    monkeypatch.setattr(optimizers, "POINT_PATH", False)
    want_p, want_s = step_all(opt, grads, lrs, (0.3, -0.7), "array")
    monkeypatch.setattr(optimizers, "POINT_PATH", True)
    got_p, got_s = step_all(opt, grads, lrs, (0.3, -0.7), "float")
    assert same_floats(got_p, want_p)
    assert got_s.count == want_s.count == 60
    assert got_s.slots.keys() == want_s.slots.keys()
    for key in want_s.slots:
        assert same_floats(got_s.slots[key], want_s.slots[key]), key
    assert np.all(np.isfinite(want_p)) and not np.array_equal(want_p, [[0.3, -0.7]])


def test_every_registered_rule_has_a_float_form():
    coupled = {"adafactor"}  # RMS over a run's coordinates: one traced call per step
    for name in OPTIMIZERS:
        opt = make_optimizer(name)
        if name in coupled:
            assert not opt.rule.elementwise and opt.float_rule is None
            p = np.array([[0.5, -1.0]])
            run = opt.float_run(opt.init(p), p)
            assert isinstance(run, optimizers.VectorRun)
            run.step([0.25, 2.0], 0.01)
            assert all(type(v) is float for v in (*run.p, *run.s)), name
            continue
        assert opt.rule.elementwise and opt.float_rule is not None, name
        # one coordinate on floats: floats in, floats out (no NumPy scalars sneak in)
        s = opt.float_rule.init(0.5)
        p, fields = opt.float_rule.update(0.25, s, 0.5, 0.01, 1)
        assert type(p) is float and len(fields) == len(s), name
        assert all(v is None or type(v) is float for v in fields), name


def test_backends_apply_the_same_functions():
    vals = [0.0, -0.0, 1.5, -2.0, math.inf, -math.inf, math.nan]
    with np.errstate(all="ignore"):
        for a in vals:
            for b in vals:
                want = ARRAY.maximum(np.array([a]), np.array([b]))
                assert same_floats([FLOAT.maximum(a, b)], want), (a, b)
            if a >= 0 or math.isnan(a):
                assert same_floats([FLOAT.sqrt(a)], ARRAY.sqrt(np.array([a])))
            assert same_floats([FLOAT.abs(a)], ARRAY.abs(np.array([a])))
            assert same_floats([FLOAT.sign(a)], ARRAY.sign(np.array([a])))
    assert FLOAT.pow(0.999, 7) == 0.999**7 == float(ARRAY.pow(np.array([[0.999]]), 7)[0, 0])


def test_fallback_reproduces_numpy_on_division_by_zero(monkeypatch):
    # eps·√(1 − β₂) underflows to 0 and g = 0: Adam's m/(√v + ε') is 0/0 on the first step
    opt = make_optimizer("adam", eps=5e-324, lr=0.1)
    grads = [(0.0, 1.0), (2.0, 0.0)]
    monkeypatch.setattr(optimizers, "POINT_PATH", False)
    with np.errstate(invalid="ignore"):
        want, _ = step_all(opt, grads, [0.1, 0.1], (1.0, 2.0), "array")
    monkeypatch.setattr(optimizers, "POINT_PATH", True)
    with np.errstate(invalid="ignore"):
        got, _ = step_all(opt, grads, [0.1, 0.1], (1.0, 2.0), "float")
    assert np.isnan(want[0, 0]) and np.isfinite(want[0, 1])
    assert np.array_equal(bits(got), bits(want))  # NumPy's default NaN, not math.nan


@settings(max_examples=25, deadline=None)
@given(
    idx=st.integers(0, len(VARIANTS) - 1),
    g=st.lists(st.tuples(*[st.floats(-1e6, 1e6, allow_subnormal=False)] * 2),
               min_size=1, max_size=12),
    p0=st.tuples(*[st.floats(-10, 10)] * 2),
)
def test_property_point_row_equals_a_row_of_a_batch(idx, g, p0):
    name, hp = VARIANTS[idx]
    opt = make_optimizer(name, **hp)
    p1 = np.array([p0])
    batch = np.array([p0, (1.0, 1.0), (-3.0, 0.5)])
    s1, sb = opt.init(p1), opt.init(batch)
    with np.errstate(all="ignore"):
        for gx, gy in g:
            opt.step_(np.array([[gx, gy]]), s1, p1)
            opt.step_(np.array([[gx, gy], [1.0, -1.0], [0.5, 0.0]]), sb, batch)
    assert same_floats(p1[0], batch[0])
    for key in s1.slots:
        assert same_floats(s1.slots[key][0], sb.slots[key][0])


SIM_CASES = [
    ("rosenbrock", "adam", {"lr": 0.01}, {}),
    ("rosenbrock", "adam", {"lr": 5.0}, {}),  # diverges: leaves the box
    ("himmelblau", "nadam", {"lr": 0.05}, {"noise": 0.5}),
    ("ackley", "rmsprop", {"centered": True}, {"noise": 0.1}),
    ("levi13", "momentum", {}, {}),
    ("rosenbrock", "adafactor", {"lr": 0.05}, {"noise": 0.2}),
    ("rastrigin", "adafactor", {"lr": 0.5, "weight_decay": 0.01}, {}),
    ("beale", "radam", {}, {"tol": 1e-6}),
    ("expr:x^2 + 3*y^2 + sin(x*y)", "adagrad", {"lr": 0.5}, {"start": (1.0, -1.0)}),
    ("linreg", "adamw", {}, {}),
]


@pytest.mark.parametrize(("surface", "name", "hp", "kw"), SIM_CASES)
def test_simulation_one_run_loop_equals_the_array_loop(surface, name, hp, kw, monkeypatch):
    def run():
        exp = Experiment(surface=surface, runs=[RunSpec(name, hp, "cosine", {"t_max": 200})],
                         steps=300, seed=3, **kw)
        sim = Simulation(exp)
        sim.step(17)
        sim.run()
        return sim.runs[0]

    fast = run()
    monkeypatch.setattr(optimizers, "POINT_PATH", False)
    slow = run()
    assert (fast.status, fast.reason, fast.steps) == (slow.status, slow.reason, slow.steps)
    assert np.array_equal(bits(fast.trajectory.data), bits(slow.trajectory.data))
    assert fast.steps > 1


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_f_ordered_batch_gives_the_floats_of_a_c_ordered_one(name):
    opt = make_optimizer(name)
    surf = make_surface("himmelblau")
    xs = np.linspace(-5.0, 5.0, 40)
    c = np.column_stack([np.repeat(xs, 40), np.tile(xs, 40)])
    f = np.asfortranarray(c)
    sc, sf = opt.init(c), opt.init(f)
    assert all(v.flags.f_contiguous for v in sf.slots.values() if v.shape[1] == 2)
    gc, gf = np.empty_like(c), np.empty_like(f)
    assert gf.flags.f_contiguous
    with np.errstate(all="ignore"):
        for _ in range(25):
            surf.grad(c, out=gc)
            surf.grad(f, out=gf)
            assert np.array_equal(bits(gc), bits(gf))
            opt.step_(gc, sc, c, 0.01)
            opt.step_(gf, sf, f, 0.01)
    assert np.array_equal(bits(c), bits(f))
    assert f.flags.f_contiguous


def test_himmelblau_on_columns_equals_rows_and_the_hand_formula():
    s = make_surface("himmelblau")
    p = np.random.default_rng(2).uniform(-5, 5, (1000, 2))
    pf = np.asfortranarray(p)
    x, y = p[:, 0], p[:, 1]
    a, b = x * x + y - 11.0, y * y + x - 7.0
    np.testing.assert_allclose(s.grad(pf), np.column_stack([4 * x * a + 2 * b, 2 * a + 4 * y * b]),
                               rtol=1e-12, atol=1e-9)
    assert np.array_equal(s.grad(pf), s.grad(p))
    assert np.array_equal(s.value(pf), s.value(p))
    vf, gf = s.value_and_grad(pf)
    vc, gc = s.value_and_grad(p)
    assert np.array_equal(vf, vc) and np.array_equal(gf, gc)


def test_small_groups_step_run_by_run_with_the_floats_of_the_stacked_batch(monkeypatch):
    runs = [RunSpec("adam", {"lr": 0.01}), RunSpec("adam", {"lr": 0.3}),  # stacked pair
            RunSpec("adam", {"lr": 40.0}),  # leaves the box early: the group is re-formed
            RunSpec("gd", {"lr": 1e-3}), RunSpec("momentum", {"lr": 1e-3}),  # slots differ
            RunSpec("nadam", {"lr": 0.05}, "step", {"step_size": 30, "gamma": 0.5}),
            RunSpec("nadam", {"lr": 0.02, "momentum_decay": 0.1})]

    def run(noise):
        sim = Simulation(Experiment(surface="rosenbrock", runs=runs, steps=150, seed=4,
                                    noise=noise, tol=1e-12))
        sim.step(9)
        sim.run()
        return sim

    for noise in (0.0, 0.3):
        monkeypatch.setattr(optimizers, "POINT_PATH", True)
        fast = run(noise)
        monkeypatch.setattr(optimizers, "POINT_PATH", False)
        slow = run(noise)
        assert [r.status for r in fast.runs][2] == "diverged"
        for a, b in zip(fast.runs, slow.runs, strict=True):
            assert (a.status, a.reason, a.steps) == (b.status, b.reason, b.steps)
            assert np.array_equal(bits(a.trajectory.data), bits(b.trajectory.data)), a.label


def test_group_of_mixed_slots_keeps_the_array_path():
    sim = Simulation(Experiment(runs=[RunSpec("gd"), RunSpec("momentum")], steps=3))
    (group,) = sim._groups
    assert sim._point_runs(group) is None
    pair = Simulation(Experiment(runs=[RunSpec("adam"), RunSpec("adam", {"lr": 0.1})], steps=3))
    (group,) = pair._groups
    runs = pair._point_runs(group)
    assert [r.params.base is group.params for r in runs] == [True, True]


@pytest.mark.parametrize("name", ["nadam", "qhadam", "sf_sgd", "sf_adamw", "asgd"])
@pytest.mark.parametrize(("order", "block"), [("C", None), ("F", None), ("C", 4)])
def test_per_run_fields_step_as_one_scalar_with_the_floats_of_each_row(name, order, block,
                                                                       monkeypatch):
    """Per-run (N, 1) fields whose rows agree step as one scalar (optimizers._uniform_per_run);
    rows that differ (an lr column, an edited row, 0.0 against −0.0) keep the column: every
    row equals its run stepped alone either way, in one block or in row blocks."""
    monkeypatch.setattr(optimizers, "_UNIFORM_MIN_ROWS", 1)
    if block is not None:
        monkeypatch.setattr(optimizers, "_BLOCK_ELEMENTS", block)
    opt = make_optimizer(name)
    rng = np.random.default_rng(11)
    p = np.array(rng.normal(size=(5, 2)), order=order)
    singles = [p[i:i + 1].copy() for i in range(5)]
    s, ss = opt.init(p), [opt.init(q) for q in singles]
    lr_col = np.array([[0.01], [0.02], [0.01], [0.005], [0.01]])
    for k in range(14):
        g = rng.normal(size=(5, 2))
        lr = 0.01 if k < 5 or k >= 10 else lr_col
        if k == 8:  # row 2's per-run fields edited; row 3's become −0.0 if 0.0
            for f, a in enumerate(s.buffers):
                if a is not None and a.shape == (5, 1):
                    a[2] *= 1.5
                    a[3] = -0.0 if a[3] == 0.0 else a[3]
                    ss[2].buffers[f][0, 0] = a[2, 0]
                    ss[3].buffers[f][0, 0] = a[3, 0]
        with np.errstate(all="ignore"):
            opt.step_(g, s, p, lr)
            for i in range(5):
                opt.step_(g[i:i + 1], ss[i], singles[i], lr if k < 5 or k >= 10
                          else float(lr_col[i, 0]))
        assert all(a.shape[0] == 5 for a in s.slots.values())
        for i in range(5):
            assert same_floats(p[i], singles[i][0]), (k, i)
            for f, a in s.slots.items():
                assert same_floats(a[i], ss[i].slots[f][0]), (k, i, f)


def test_uniform_per_run_takes_equal_bits_only(monkeypatch):
    from gdsim.optimizers import _uniform_per_run
    from gdsim.rules.adam import NAdamState

    monkeypatch.setattr(optimizers, "_UNIFORM_MIN_ROWS", 3)
    z = np.zeros((3, 2))
    nan = np.full((3, 1), np.nan)
    out = _uniform_per_run(NAdamState(z, z, nan), 3, 2)
    assert out.exp_avg is z and np.isnan(out.mu_product) and np.ndim(out.mu_product) == 0
    signed = np.array([[0.0], [-0.0], [0.0]])
    assert _uniform_per_run(NAdamState(z, z, signed), 3, 2).mu_product is signed
    ones = NAdamState(z, z, np.ones((3, 1)))
    assert _uniform_per_run(ones, 3, 1) is ones  # D = 1: every field is (N, 1)
    assert _uniform_per_run(ones, 2, 2) is ones  # fewer rows than _UNIFORM_MIN_ROWS
    assert _uniform_per_run(ones, 3, 2).mu_product == 1.0


def test_per_run_helpers_run_once_per_run_on_floats_and_always_on_arrays():
    from gdsim.rules import base

    calls = []

    @base.per_run
    def helper(xp, a, b, c):
        calls.append(xp.name)
        return a * b + c

    a, b, c = 1.5, 2.0, -0.0
    assert helper(FLOAT, a, b, c) == helper(FLOAT, a, b, c) == 3.0
    assert calls == ["float"]  # the second coordinate's call reuses the first's
    assert helper(FLOAT, a, b, float(c + 0.0)) == 3.0  # equal, another object: computed
    assert calls == ["float"] * 2
    col = np.array([[1.5], [1.0]])
    helper(ARRAY, col, b, c)
    col[1] = 3.0
    assert helper(ARRAY, col, b, c)[1, 0] == 6.0
    assert calls == ["float"] * 2 + ["array"] * 2


def test_hpow_on_columns_is_pythons_pow_per_row():
    """hpow: a column against a number (β₂ᵗ of a stacked β₂, 0.96^(t·ψ) of a stacked ψ) or
    two columns give each row's Python ``**`` bit for bit (±0 kept apart)."""
    from gdsim.rules.base import hpow

    col = np.array([[0.9], [-0.0], [0.999], [0.0], [0.9], [2.5], [-1.5]])
    for k in (1, 3, 37, 2.0):
        assert same_floats(hpow(col, k), [[v**k] for v in col[:, 0].tolist()])
    exps = np.array([[0.004], [0.0], [1.0], [0.004], [-0.0], [7.5], [3.0]])
    assert same_floats(hpow(0.96, exps * 12), [[0.96 ** (e * 12)] for e in exps[:, 0].tolist()])
    assert same_floats(hpow(col, exps), [[b**e] for b, e in zip(col[:, 0].tolist(),
                                                               exps[:, 0].tolist(), strict=True)])
    assert hpow(0.9, 3) == 0.9**3


def test_vector_run_fallback_gives_the_traced_steps_floats():
    """A coupled run's array fallback (taken where Python raises) and its traced step agree
    bit for bit, from a state several steps in."""
    opt = make_optimizer("adafactor", lr=0.05, weight_decay=0.1)
    p = np.array([[1.5, -0.25]])
    run = opt.float_run(opt.init(p), p)
    for g in rosen_grads((1.5, -0.25), 9):
        run.step(list(g), 0.05)
    g = [3.0, -0.5]
    want_p, want_s = run.update(run.p, g, run.s, 0.05, run.count + 1)
    got_p, got_s = run.fallback(g, 0.05, run.count + 1)
    assert same_floats(got_p, want_p) and same_floats(got_s, want_s)
    assert not same_floats(got_p, run.p)


@settings(max_examples=60, deadline=None)
@given(d=st.integers(1, 12), n=st.integers(1, 40), order=st.sampled_from("CF"),
       seed=st.integers(0, 2**32 - 1), scale=st.sampled_from([1e-200, 1e-3, 1.0, 1e150]))
def test_rms_columns_equal_numpy_sum(d, n, order, seed, scale):
    """Adafactor's per-run RMS adds short rows' columns in turn: NumPy's sum, bit for bit."""
    from gdsim.rules.base import _arms

    a = np.array(np.random.default_rng(seed).standard_normal((n, d)) * scale, order=order)
    want = np.sqrt(np.sum(a * a, axis=1, keepdims=True)) / (d ** 0.5)
    assert same_floats(_arms(a), want)
