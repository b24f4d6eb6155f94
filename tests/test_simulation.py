"""Simulation: hand-computed steps, chunking invariance, reproducibility, stopping rules."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdsim.errors import GdsimError
from gdsim.optimizers import OPTIMIZERS
from gdsim.simulation import Experiment, RunSpec, Simulation, run_labels
from gdsim.surfaces import make_surface
from gdsim.trajectory import Trajectory


def quad(runs, **kw) -> Experiment:
    kw.setdefault("start", (1.5, 0.2))
    return Experiment(surface="quadratic", runs=runs, **kw)


def rows(sim: Simulation, i: int) -> np.ndarray:
    return sim.runs[i].trajectory.data


# ---------------------------------------------------------------- hand-computed steps


def test_gd_first_steps_on_quadratic_match_hand_computation():
    sim = Simulation(quad([RunSpec("gd", {"lr": 0.1})], steps=5, tol=0))
    sim.run()
    x, y = 1.5, 0.2
    expect = []
    for _ in range(6):
        expect.append((x, y, x * x + y * y, 2 * x, 2 * y, 0.1))
        x, y = x - 0.1 * (2 * x), y - 0.1 * (2 * y)
    np.testing.assert_allclose(rows(sim, 0), np.array(expect), rtol=1e-15, atol=0)
    tr = sim.runs[0].trajectory
    np.testing.assert_allclose(tr.grad_norm, np.hypot(tr.grad[:, 0], tr.grad[:, 1]), rtol=1e-15)
    assert sim.runs[0].status == "max_steps" and sim.runs[0].steps == 5 and sim.t == 5


def test_momentum_first_steps_match_torch_convention():
    # torch SGD: b1 = g1, then b = μb + g; θ ← θ − lr·b
    lr, mu = 0.05, 0.9
    sim = Simulation(quad([RunSpec("momentum", {"lr": lr, "momentum": mu})], steps=4, tol=0))
    sim.run()
    p = np.array([1.5, 0.2])
    b = None
    expect = [p.copy()]
    for _ in range(4):
        g = 2 * p
        b = g if b is None else mu * b + g
        p = p - lr * b
        expect.append(p.copy())
    np.testing.assert_allclose(sim.runs[0].trajectory.points, np.array(expect), rtol=1e-14)


def test_schedule_gives_lr_column_and_drives_updates():
    spec = RunSpec("gd", {"lr": 0.1}, schedule="step",
                   schedule_params={"step_size": 3, "gamma": 0.5})
    sim = Simulation(quad([spec], steps=7, tol=0))
    sim.run()
    tr = sim.runs[0].trajectory
    lrs = [0.1 * 0.5 ** (k // 3) for k in range(8)]
    np.testing.assert_allclose(tr.lr, lrs, rtol=1e-15)  # last row: schedule value at step 7
    x = 1.5
    for k in range(7):
        x = x - lrs[k] * 2 * x  # the update k -> k+1 uses lr_k
    assert tr.points[-1, 0] == pytest.approx(x, rel=1e-14)


def test_lr_column_is_the_schedule_not_adagrads_internal_decay():
    spec = RunSpec("adagrad", {"lr": 0.5, "lr_decay": 0.1}, "exponential", {"gamma": 0.9})
    sim = Simulation(quad([spec], steps=4, tol=0))
    sim.run()
    np.testing.assert_allclose(sim.runs[0].trajectory.lr, 0.5 * 0.9 ** np.arange(5), rtol=1e-15)
    # and the update did use both: step 1 is η₀·g/(√(g²) + ε) = 0.5·sign(g) per coordinate
    p1 = sim.runs[0].trajectory.points[1]
    np.testing.assert_allclose(p1, [1.5 - 0.5, 0.2 - 0.5], rtol=1e-9)
    # step 2: scheduled 0.45, then AdaGrad's own decay 0.45/(1 + 1·0.1), G = g₁² + g₂²
    x1 = 1.5 - 0.5 * 3.0 / (3.0 + 1e-10)
    g2 = 2 * x1
    x2 = x1 - 0.45 / 1.1 * g2 / (math.sqrt(9.0 + g2 * g2) + 1e-10)
    assert sim.runs[0].trajectory.points[2, 0] == pytest.approx(x2, rel=1e-14)


def test_start_of_run_overrides_experiment_start():
    exp = quad([RunSpec("gd", start=(0.5, -0.5)), RunSpec("gd")], steps=0)
    sim = Simulation(exp)
    np.testing.assert_array_equal(sim.runs[0].trajectory.points, [[0.5, -0.5]])
    np.testing.assert_array_equal(sim.runs[1].trajectory.points, [[1.5, 0.2]])


# ---------------------------------------------------------------- invariances


def mixed_experiment(surface="rosenbrock", **kw) -> Experiment:
    runs = [
        RunSpec("adam", {"lr": 0.05}),
        RunSpec("gd", {"lr": 0.0005}),
        RunSpec("adam", {"lr": 0.01, "beta1": 0.8}),
        RunSpec("momentum", {"lr": 0.0002}),
        RunSpec("gd", {"lr": 0.05}),  # diverges on rosenbrock
        RunSpec("rmsprop", {"lr": 0.01}, schedule="cosine", schedule_params={"t_max": 40}),
        RunSpec("nadam", {"lr": 0.02}, enabled=False),
        # plateau runs react to their loss: their own groups, trackers carried across chunks
        RunSpec("adam", {"lr": 0.05}, schedule="plateau",
                schedule_params={"patience": 2, "factor": 0.5}),
        RunSpec("adam", {"lr": 0.1}, schedule="plateau",
                schedule_params={"patience": 3, "threshold_mode": "abs", "threshold": 0.01}),
        RunSpec("gd", {"lr": 0.05}, schedule="plateau", schedule_params={"patience": 1}),
        RunSpec("gd", {"lr": 0.0005}, schedule="plateau"),  # goes on when gd#3 diverges
    ]
    kw.setdefault("steps", 60)
    return Experiment(surface=surface, start=kw.pop("start", None), runs=runs, **kw)


def assert_same(a: Simulation, b: Simulation):
    assert a.t == b.t
    assert len(a.runs) == len(b.runs)
    for ra, rb in zip(a.runs, b.runs, strict=True):
        assert (ra.label, ra.status, ra.reason, ra.steps) == (
            rb.label, rb.status, rb.reason, rb.steps)
        np.testing.assert_array_equal(ra.trajectory.data, rb.trajectory.data)


@pytest.mark.parametrize(
    "surface,kw",
    [
        ("rosenbrock", {}),
        ("ackley", {"noise": 0.3}),
        ("levi13", {}),
        ("rastrigin", {"noise": 0.1}),
        ("linreg", {"batch_size": 7}),
        ("logreg", {"batch_size": 3, "noise": 0.01}),
        ("expr:sin(x)*exp(y) + log(1 + x^2) + sqrt(1 + y^2) + 1/sqrt(2 + x*y)",
         {"noise": 0.1, "start": (1.2, 0.7)}),
    ],
)
def test_chunking_does_not_change_results(surface, kw):
    exp = mixed_experiment(surface, **kw)
    whole = Simulation(exp)
    whole.step(60)
    ones = Simulation(exp)
    for _ in range(60):
        ones.step(1)
    assert_same(whole, ones)
    odd = Simulation(exp)
    while not odd.done:
        odd.step(7)
    assert_same(whole, odd)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(0, 25), min_size=1, max_size=12))
def test_any_chunking_equals_one_call(chunks):
    exp = mixed_experiment(noise=0.05, steps=sum(chunks))
    a = Simulation(exp)
    taken = [a.step(c) for c in chunks]
    b = Simulation(exp)
    b.step(sum(chunks))
    assert_same(a, b)
    assert sum(taken) == a.t


def test_same_configuration_is_bit_identical_and_reset_replays():
    exp = mixed_experiment("ackley", noise=0.5, steps=80)
    a, b = Simulation(exp), Simulation(exp)
    a.run()
    b.run()
    assert_same(a, b)
    a.reset()
    assert a.t == 0 and all(r.trajectory.n == 1 and r.status == "running" for r in a.runs)
    a.run()
    assert_same(a, b)


@pytest.mark.parametrize("surface,kw", [("himmelblau", {}), ("himmelblau", {"noise": 0.2}),
                                        ("logreg", {"batch_size": 5, "tol": 1e-4})])
def test_batch_of_runs_equals_separate_simulations(surface, kw):
    exp = mixed_experiment(surface, steps=50, seed=11, **kw)
    together = Simulation(exp)
    together.run()
    enabled = [(i, r) for i, r in enumerate(exp.runs) if r.enabled]
    assert [r.label for r in together.runs] == [
        "adam", "gd", "adam#2", "momentum", "gd#2", "rmsprop", "adam#3", "adam#4", "gd#3",
        "gd#4"]
    for k, (i, spec) in enumerate(enabled):
        alone_spec = RunSpec(spec.optimizer, spec.hparams, spec.schedule, spec.schedule_params,
                             seed=11 + i)
        alone = Simulation(Experiment(surface=surface, runs=[alone_spec], steps=50,
                                      **kw))
        alone.run()
        got = together.runs[k]
        assert got.status == alone.runs[0].status
        if surface == "logreg":  # BLAS sums over samples: allow last-bit differences
            np.testing.assert_allclose(got.trajectory.data, alone.runs[0].trajectory.data,
                                       rtol=1e-12, atol=1e-15)
        else:
            np.testing.assert_array_equal(got.trajectory.data, alone.runs[0].trajectory.data)


# ---------------------------------------------------------------- stopping rules


def test_huge_lr_leaves_box_at_the_right_step_others_continue():
    # x ← x − 1.5·2x = −2x: |x_k| = 1.5·2^k, box half-width 100·3 = 300 about 0 → k = 8
    exp = quad([RunSpec("gd", {"lr": 1.5}), RunSpec("gd", {"lr": 0.01})], steps=30, tol=0)
    sim = Simulation(exp)
    sim.run()
    bad, good = sim.runs
    assert bad.status == "diverged"
    assert "left the domain box" in bad.reason and "step 8" in bad.reason
    assert bad.steps == 8 and bad.trajectory.n == 9
    assert bad.trajectory.points[-1, 0] == pytest.approx(1.5 * (-2) ** 8)
    assert good.status == "max_steps" and good.steps == 30
    assert sim.t == 30 and sim.done


def test_overflowing_loss_stops_at_last_finite_point():
    # lr = 1e199: x1 ≈ −3e199 is finite but x1² = inf → "loss became inf", rows end at step 0
    exp = quad([RunSpec("gd", {"lr": 1e199}), RunSpec("gd", {"lr": 1e308}),
                RunSpec("gd", {"lr": 0.1})], steps=5, tol=0)
    sim = Simulation(exp)
    sim.run()
    r_loss, r_point, ok = sim.runs
    assert r_loss.status == "diverged" and r_loss.reason == "loss became inf at step 1"
    assert r_point.status == "diverged" and r_point.reason == "point became inf at step 1"
    for r in (r_loss, r_point):
        assert r.trajectory.n == 1 and r.steps == 0
        assert np.isfinite(r.trajectory.data).all()
    assert ok.status == "max_steps" and ok.trajectory.n == 6


def test_nonfinite_loss_or_gradient_of_a_typed_surface():
    # log(x): x1 = 1 − 0.5·1 = 0.5, x2 = 0.5 − 0.5·2 = −0.5 → log(−0.5) = nan at step 2
    sim = Simulation(Experiment(surface="expr:log(x) + y^2", start=(1.0, 0.0),
                                runs=[RunSpec("gd", {"lr": 0.5})], steps=5, tol=0))
    sim.run()
    r = sim.runs[0]
    assert (r.status, r.reason, r.steps) == ("diverged", "loss became nan at step 2", 1)
    np.testing.assert_array_equal(r.trajectory.points, [[1.0, 0.0], [0.5, 0.0]])
    # sqrt(x): x1 = 1 − 2·½ = 0 where f = 0 is finite but ∂f/∂x = 1/(2√x) = inf
    sim = Simulation(Experiment(surface="expr:sqrt(x) + y^2", start=(1.0, 0.0),
                                runs=[RunSpec("gd", {"lr": 2.0})], steps=5, tol=0))
    sim.run()
    r = sim.runs[0]
    assert (r.status, r.reason, r.trajectory.n) == ("diverged", "gradient became inf at step 1", 1)


def test_nothing_raises_or_warns_when_everything_overflows():
    exp = Experiment(surface="rosenbrock", runs=[RunSpec("sgd", {"lr": 1e10, "momentum": 0.9})],
                     steps=100)
    sim = Simulation(exp)
    sim.run()  # filterwarnings=error: an overflow warning would fail this test
    assert sim.runs[0].status == "diverged"
    assert np.isfinite(sim.runs[0].trajectory.data).all()


def test_convergence_at_the_first_step_below_tol():
    # lr = 0.25 halves the point each step; ‖∇f‖ = 2‖p0‖/2^k < 1e-3 first at k = 12
    exp = quad([RunSpec("gd", {"lr": 0.25})], steps=100, tol=1e-3)
    sim = Simulation(exp)
    sim.run()
    r = sim.runs[0]
    norms = 2 * math.hypot(1.5, 0.2) / 2.0 ** np.arange(13)
    assert norms[11] >= 1e-3 > norms[12]
    assert r.status == "converged" and r.steps == 12 and "step 12" in r.reason
    assert sim.t == 12 and sim.done
    assert r.steps_to_converge == 12


def test_steps_to_converge_is_none_unless_converged():
    sim = Simulation(quad([RunSpec("gd", {"lr": 0.25}), RunSpec("gd", {"lr": 1.5})], steps=5))
    assert [r.steps_to_converge for r in sim.runs] == [None, None]
    sim.run()
    assert [r.status for r in sim.runs] == ["max_steps", "max_steps"]
    assert [r.steps_to_converge for r in sim.runs] == [None, None]


def test_start_at_minimum_converges_at_step_zero():
    sim = Simulation(quad([RunSpec("adam")], start=(0.0, 0.0), steps=10))
    assert sim.done and sim.runs[0].status == "converged" and sim.runs[0].steps == 0
    assert sim.step(5) == 0


def test_zero_steps_evaluates_the_start():
    sim = Simulation(quad([RunSpec("gd")], steps=0))
    r = sim.runs[0]
    assert sim.done and r.status == "max_steps" and r.trajectory.n == 1
    np.testing.assert_array_equal(r.trajectory.data[0], [1.5, 0.2, 1.5**2 + 0.2**2, 3.0, 0.4, 0.01])


def test_step_stops_at_max_steps():
    sim = Simulation(quad([RunSpec("gd")], steps=10, tol=0))
    assert sim.step(4) == 4 and sim.step(100) == 6 and sim.step(3) == 0
    assert sim.runs[0].status == "max_steps" and sim.runs[0].trajectory.n == 11


# ---------------------------------------------------------------- noise and mini-batches


def test_noise_is_seeded_gaussian_and_recorded_gradient_is_clean():
    sigma, lr, n = 0.5, 0.01, 3000
    exp = quad([RunSpec("gd", {"lr": lr})], steps=n, noise=sigma, tol=0, seed=3)
    a, b = Simulation(exp), Simulation(exp)
    a.run()
    b.run()
    np.testing.assert_array_equal(a.runs[0].trajectory.data, b.runs[0].trajectory.data)
    tr = a.runs[0].trajectory
    np.testing.assert_array_equal(tr.grad, 2 * tr.points)  # noise-free full gradient
    p = tr.points
    noise = (p[:-1] - p[1:]) / lr - 2 * p[:-1]  # what the optimizer saw minus the true grad
    assert abs(noise.mean()) < 0.05
    assert noise.std() == pytest.approx(sigma, rel=0.05)
    c = Simulation(quad([RunSpec("gd", {"lr": lr})], steps=n, noise=sigma, tol=0, seed=4))
    c.run()
    assert not np.array_equal(c.runs[0].trajectory.points, p)


def test_noise_stream_is_the_runs_first_spawned_generator_after_every_reset():
    """The noise is σ · default_rng(seed).spawn(2)[0] draws (made only when a run needs it,
    the same stream as when every run made its generators up front), anew after reset."""
    sigma, lr, n = 0.3, 0.01, 50
    exp = quad([RunSpec("gd", {"lr": lr}), RunSpec("gd", {"lr": lr}, noise=0.0)], steps=n,
               noise=sigma, tol=0, seed=11)
    sim = Simulation(exp)
    sim.run()
    first = sim.runs[0].trajectory.data.copy()
    p = sim.runs[0].trajectory.points
    z = np.random.default_rng(sim.runs[0].seed).spawn(2)[0].standard_normal((n, 2))
    np.testing.assert_allclose(p[1:], p[:-1] - lr * (2 * p[:-1] + sigma * z), rtol=1e-12,
                               atol=1e-15)
    sim.reset()
    sim.run()
    np.testing.assert_array_equal(sim.runs[0].trajectory.data, first)


def test_a_run_without_noise_or_minibatches_needs_no_random_generator():
    import subprocess
    import sys

    code = ("import sys; from gdsim.simulation import Experiment, RunSpec, Simulation\n"
            "s = Simulation(Experiment(surface='rosenbrock', runs=[RunSpec('adam')], steps=20))\n"
            "s.run(); s.reset(); s.step(3)\n"
            "print('numpy.random' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def recorded_batches(monkeypatch, sim: Simulation) -> list[np.ndarray]:
    seen: list[np.ndarray] = []
    orig = sim.surface.batch_grad

    def spy(p, idx):
        seen.append(np.array(idx))
        return orig(p, idx)

    monkeypatch.setattr(sim.surface, "batch_grad", spy)
    return seen


@pytest.mark.parametrize("batch", [5, 3])
def test_minibatches_use_every_sample_once_per_epoch(monkeypatch, batch):
    exp = Experiment(surface="linreg", surface_params={"samples": 20},
                     runs=[RunSpec("gd"), RunSpec("gd", {"lr": 0.02})], steps=40, batch_size=batch,
                     tol=0)
    sim = Simulation(exp)
    seen = recorded_batches(monkeypatch, sim)
    sim.run()
    idx = np.stack(seen)  # (steps, runs, B)
    assert idx.shape == (40, 2, batch)
    for j in range(2):
        stream = idx[:, j, :].ravel()
        for e in range(len(stream) // 20):
            assert sorted(stream[20 * e : 20 * e + 20]) == list(range(20))
    assert not np.array_equal(idx[:, 0], idx[:, 1])  # each run has its own generator


def test_minibatch_step_uses_the_batch_gradient(monkeypatch):
    lr = 0.05
    exp = Experiment(surface="linreg", surface_params={"samples": 30},
                     runs=[RunSpec("gd", {"lr": lr})], steps=3, batch_size=4, tol=0)
    sim = Simulation(exp)
    seen = recorded_batches(monkeypatch, sim)
    sim.run()
    s = sim.surface
    p = sim.runs[0].trajectory.points
    for k in range(3):
        w, b = p[k]
        i = seen[k][0]
        r = w * s.x[i] + b - s.y[i]
        g = np.array([2 * np.mean(r * s.x[i]), 2 * np.mean(r)])
        np.testing.assert_allclose(p[k + 1], p[k] - lr * g, rtol=1e-13)
    # the recorded gradient is the full-batch one
    np.testing.assert_allclose(sim.runs[0].trajectory.grad, s.grad(p), rtol=1e-15)


def test_full_batch_never_draws_minibatches(monkeypatch):
    exp = Experiment(surface="logreg", runs=[RunSpec("gd")], steps=5, batch_size=None)
    sim = Simulation(exp)
    seen = recorded_batches(monkeypatch, sim)
    sim.run()
    assert seen == []


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_recorded_gradient_is_the_surface_gradient_for_every_optimizer(name):
    has_wd = any(p.name == "weight_decay" for p in OPTIMIZERS[name].params)
    hp = {"weight_decay": 0.1} if has_wd else {}
    sim = Simulation(Experiment(surface="beale", runs=[RunSpec(name, hp)], steps=30, tol=0))
    sim.run()
    tr = sim.runs[0].trajectory
    assert tr.n >= 2
    np.testing.assert_array_equal(tr.grad, sim.surface.grad(tr.points))
    np.testing.assert_array_equal(tr.loss, sim.surface.value(tr.points))


# ---------------------------------------------------------------- validation and labels


def test_labels_are_made_unique_unless_explicit():
    exp = quad([RunSpec("adam"), RunSpec("adam", label="adam#2"), RunSpec("adam"),
                RunSpec("gd"), RunSpec("adam", enabled=False), RunSpec("adam")], steps=1)
    sim = Simulation(exp)
    assert [r.label for r in sim.runs] == ["adam", "adam#2", "adam#3", "gd", "adam#5"]
    with pytest.raises(GdsimError, match="label 'x'"):
        Simulation(quad([RunSpec("gd", label="x"), RunSpec("adam", label="x")]))


def test_explicit_labels_win_and_others_keep_their_labels():
    def labels(*runs):
        return run_labels(list(runs))

    gd, adam = RunSpec("gd"), RunSpec("adam")
    # a lone unlabelled run keeps its bare name; the k-th run of an optimizer is name#k
    assert labels(RunSpec("gd", label="x"), gd) == ["x", "gd"]
    assert labels(gd, RunSpec("gd", label="x"), gd) == ["gd", "x", "gd#3"]
    # labelling one of three runs renames neither of the other two
    assert labels(gd, gd, gd) == ["gd", "gd#2", "gd#3"]
    assert labels(RunSpec("gd", label="fast"), gd, gd) == ["fast", "gd#2", "gd#3"]
    # an explicit label equal to another run's automatic label: only that run moves
    assert labels(gd, gd, RunSpec("gd", label="gd")) == ["gd#3", "gd#2", "gd"]
    assert labels(gd, RunSpec("gd", label="gd")) == ["gd#2", "gd"]
    assert labels(gd, adam, RunSpec("momentum", label="adam")) == ["gd", "adam#2", "adam"]
    assert labels(RunSpec("gd", label="gd#2"), gd, gd) == ["gd#2", "gd", "gd#3"]
    with pytest.raises(GdsimError, match="label 'x' is given to more than one run"):
        labels(RunSpec("gd", label="x"), RunSpec("adam", label="x"))
    for bad in ("", "  ", 3):
        with pytest.raises(GdsimError, match="label must be a non-empty string"):
            labels(RunSpec("gd", label=bad))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["gd", "adam"]),
                          st.sampled_from([None, None, None, "gd", "gd#2", "gd#3", "adam#2", "x"])),
                max_size=7))
def test_run_labels_properties(pairs):
    seen_labels: set[str] = set()
    runs = []
    for opt, lab in pairs:  # explicit labels must be distinct
        if lab in seen_labels:
            lab = None
        seen_labels.add(lab)
        runs.append(RunSpec(opt, label=lab))
    out = run_labels(runs)
    assert len(set(out)) == len(out)
    explicit = {r.label for r in runs if r.label is not None}
    collided = False
    for i, (r, lab) in enumerate(zip(runs, out, strict=True)):
        if r.label is not None:
            assert lab == r.label
            continue
        assert lab == r.optimizer or lab.startswith(r.optimizer + "#")
        k = sum(s.optimizer == r.optimizer for s in runs[: i + 1])
        alone = sum(s.optimizer == r.optimizer and s.label is None for s in runs) == 1
        natural = r.optimizer if k == 1 or alone else f"{r.optimizer}#{k}"
        if natural not in explicit:
            assert lab == natural
        collided |= natural in explicit
    # without collisions, relabelling one run renames no other (unless that leaves a lone
    # unlabelled run of its optimizer, which drops its #k)
    for i in range(len(runs)):
        others = [j for j in range(len(runs)) if j != i]
        same_opt_free = sum(runs[j].label is None and runs[j].optimizer == runs[i].optimizer
                            for j in others)
        if runs[i].label is None and same_opt_free == 1:
            continue  # the other one becomes the only unlabelled run: its bare name
        changed = run_labels(runs[:i] + [RunSpec(runs[i].optimizer, label="new")] + runs[i + 1:])
        if not collided:
            assert [changed[j] for j in others] == [out[j] for j in others]


def test_seed_defaults_to_experiment_seed_plus_index():
    exp = quad([RunSpec("gd"), RunSpec("gd", enabled=False), RunSpec("gd", seed=99)], seed=5)
    sim = Simulation(exp)
    assert [r.seed for r in sim.runs] == [5, 99]
    assert [r.index for r in sim.runs] == [0, 2]


@pytest.mark.parametrize(
    "change,match",
    [
        ({"steps": -1}, "steps"),
        ({"steps": 2.5}, "steps"),
        ({"tol": -1e-3}, "tol"),
        ({"noise": -0.1}, "noise"),
        ({"noise": float("nan")}, "noise"),
        ({"seed": -3}, "seed"),
        ({"start": (float("nan"), 0.0)}, "start"),
        ({"start": (1.0,)}, "start"),
        ({"view": (1.0, 0.0, 0.0, 1.0)}, "view"),
        ({"surface": "nope"}, "unknown surface 'nope'"),
        ({"surface_params": {"zzz": 1}}, "zzz"),
        ({"batch_size": 4}, "batch_size"),
        ({"runs": [RunSpec("adamx")]}, "unknown optimizer 'adamx'"),
        ({"runs": [RunSpec("adam", {"lr": -1})]}, "lr"),
        ({"runs": [RunSpec("adam", {"beta1": 1.0})]}, "beta1"),
        ({"runs": [RunSpec("sgd", {"nesterov": True})]}, "nesterov"),
        ({"runs": [RunSpec("adam", schedule="zigzag")]}, "zigzag"),
        ({"runs": [RunSpec("adam", schedule="step", schedule_params={"gamma": -2})]}, "gamma"),
        ({"runs": [RunSpec("adam", seed=-1)]}, "seed"),
        ({"runs": [RunSpec("adam", start=(0, float("inf")))]}, "start"),
        ({"steps": 10_000_001}, "steps=10000001 is out of range"),
        ({"noise": 10**400}, "noise"),  # ints beyond float range: refused, not OverflowError
        ({"tol": 10**400}, "tol"),
        ({"start": (10**400, 0)}, "start"),
        ({"view": (0, 10**400, 0, 1)}, "view"),
        ({"runs": [RunSpec("adam", noise=10**400)]}, "noise"),
        ({"runs": [RunSpec(["adam"])]}, r"runs\[0\]: optimizer must be a name"),
    ],
)
def test_every_bad_field_is_refused_with_its_name(change, match):
    kw = {"surface": "quadratic", "runs": [RunSpec("adam")]}
    kw.update(change)
    with pytest.raises(GdsimError, match=match):
        Simulation(Experiment(**kw))


def test_batch_size_bounds_on_data_surfaces():
    base = {"surface": "linreg", "surface_params": {"samples": 50}, "runs": [RunSpec("gd")]}
    Simulation(Experiment(**base, batch_size=50))
    Simulation(Experiment(**base, batch_size=0))
    for bad in (51, -1):
        with pytest.raises(GdsimError, match="batch_size"):
            Simulation(Experiment(**base, batch_size=bad))


# ---------------------------------------------------------------- read-outs for the app


def test_trajectory_grows_by_doubling_and_stores_at_most_48_bytes_a_step():
    t = Trajectory(capacity=4)
    t.block(0, 5)[:] = 1.0
    t.n = 5
    assert t.capacity == 8
    t.block(5, 9)
    assert t.capacity == 16
    sim = Simulation(Experiment(surface="rosenbrock", runs=[RunSpec("adam")], steps=3000, tol=0))
    sim.run()
    tr = sim.runs[0].trajectory
    assert tr.n == 3001 and tr.nbytes / tr.n <= 48
    assert tr.points.base is not None and tr.data.dtype == np.float64


def test_decimated_keeps_ends_order_and_budget():
    sim = Simulation(Experiment(surface="rosenbrock", runs=[RunSpec("momentum", {"lr": 1e-3})],
                                steps=5000, tol=0))
    sim.run()
    pts = sim.runs[0].trajectory.points
    d = sim.decimated(0, 300)
    assert 2 <= len(d) <= 300
    np.testing.assert_array_equal(d[0], pts[0])
    np.testing.assert_array_equal(d[-1], pts[-1])
    # every returned point is a recorded one, in step order
    idx = [int(np.flatnonzero((pts == q).all(axis=1))[0]) for q in d]
    assert idx == sorted(idx) and len(set(idx)) == len(idx)
    np.testing.assert_array_equal(sim.decimated(0, 10**6), pts)
    for budget in (2, 3, 5):
        d = sim.decimated(0, budget)
        assert len(d) <= budget and (d[0] == pts[0]).all() and (d[-1] == pts[-1]).all()


def test_decimated_while_stepping_matches_decimated_at_the_end():
    exp = Experiment(surface="rosenbrock", runs=[RunSpec("adam", {"lr": 0.02})], steps=3000,
                     tol=0)
    live = Simulation(exp)
    while not live.done:
        live.step(250)
        live.decimated(0, 200)  # the app redraws every frame
    once = Simulation(exp)
    once.run()
    np.testing.assert_allclose(live.decimated(0, 200), once.decimated(0, 200), rtol=1e-12)
    # the oscillating start (big jumps) gets more points than its share of steps
    d = once.decimated(0, 200)
    pts = once.runs[0].trajectory.points
    first_tenth = np.isin(d[:, 0], pts[:300, 0]).sum()
    assert first_tenth > 200 * 0.1


def test_min_distance_and_state_at():
    sim = Simulation(quad([RunSpec("gd", {"lr": 0.1})], steps=5, tol=0))
    sim.run()
    pts = sim.runs[0].trajectory.points
    np.testing.assert_allclose(sim.min_distance(0), np.hypot(pts[:, 0], pts[:, 1]), rtol=1e-15)
    assert sim.state_at(0, 2) == tuple(sim.runs[0].trajectory.data[2])
    assert sim.state_at(0, 99) == tuple(sim.runs[0].trajectory.data[-1])
    assert sim.state_at(0, np.int64(3)) == tuple(sim.runs[0].trajectory.data[3])
    for bad in (-1, 2.5, True, "2"):
        with pytest.raises(GdsimError, match="step must be an integer ≥ 0"):
            sim.state_at(0, bad)
    h = Simulation(Experiment(surface="himmelblau", runs=[RunSpec("gd")], steps=3))
    mins = make_surface("himmelblau").minima
    p = h.runs[0].trajectory.points
    expect = np.min(np.hypot(p[:, None, 0] - mins[:, 0], p[:, None, 1] - mins[:, 1]), axis=1)
    np.testing.assert_allclose(h.min_distance(0), expect, rtol=1e-15)
    s = Simulation(Experiment(surface="saddle", runs=[RunSpec("gd")], steps=3))
    s.run()
    assert np.isnan(s.min_distance(0)).all() and len(s.min_distance(0)) == 4


def test_decimated_upto_equals_the_path_of_a_run_stopped_there():
    exp = Experiment(surface="rosenbrock", runs=[RunSpec("momentum", {"lr": 1e-3})],
                     steps=4000, tol=0)
    full = Simulation(exp)
    full.run()
    pts = full.runs[0].trajectory.points
    for upto in (0, 1, 150, 2500, 3999):
        part = Simulation(exp)
        part.step(upto)
        for budget in (2, 7, 300):
            d = full.decimated(0, budget, upto=upto)
            np.testing.assert_array_equal(d, part.decimated(0, budget))
            assert (d[0] == pts[0]).all() and (d[-1] == pts[upto]).all()
            assert len(d) <= min(budget, upto + 1)
    np.testing.assert_array_equal(full.decimated(0, 300, upto=10**9), full.decimated(0, 300))
    np.testing.assert_array_equal(full.decimated(0, 300, upto=None), full.decimated(0, 300))
    for bad in (-1, 1.5, True, "3"):
        with pytest.raises(GdsimError, match="upto"):
            full.decimated(0, 300, upto=bad)
    with pytest.raises(GdsimError, match="max_points"):
        full.decimated(0, 1)


def test_min_distance_at_given_rows_matches_direct_computation():
    h = Simulation(Experiment(surface="himmelblau", runs=[RunSpec("adam", {"lr": 0.05})],
                              steps=400, tol=0))
    h.run()
    mins = make_surface("himmelblau").minima
    p = h.runs[0].trajectory.points
    rows_ = np.array([0, 3, 3, 57, 399, 400, 1])  # any order, repeats allowed
    expect = [min(math.dist(p[k], m) for m in mins) for k in rows_]
    np.testing.assert_allclose(h.min_distance(0, rows=rows_), expect, rtol=1e-15)
    np.testing.assert_array_equal(h.min_distance(0, rows=rows_), h.min_distance(0)[rows_])
    assert h.min_distance(0, rows=np.array([], dtype=np.intp)).shape == (0,)
    for bad in (np.array([401]), np.array([-1]), np.array([0.5]), np.array([[0]])):
        with pytest.raises(GdsimError, match="rows"):
            h.min_distance(0, rows=bad)
    s = Simulation(Experiment(surface="saddle", runs=[RunSpec("gd")], steps=3))
    s.run()
    assert np.isnan(s.min_distance(0, rows=np.array([0, 2]))).all()


def test_huge_steps_overflow_to_divergence_not_to_an_exception():
    # one run stepped once evaluates the loss on Python floats: (a − x)**2 would raise
    # OverflowError at |x| ~ 1e155; the run must diverge like any other
    for start, lr in (((-1.5, 2.0), 1e300), ((1e308, -1e308), 1e-3)):
        sim = Simulation(Experiment(surface="rosenbrock", start=start,
                                    runs=[RunSpec("gd", {"lr": lr})], steps=10))
        sim.step(1)
        assert sim.runs[0].status == "diverged" and "inf" in sim.runs[0].reason


def test_grad_norm_at_rows_equals_the_full_norm_at_those_rows():
    sim = Simulation(quad([RunSpec("gd", {"lr": 0.1})], steps=40, tol=0))
    sim.run()
    tr = sim.runs[0].trajectory
    rows = np.array([0, 3, 17, 40])
    g = tr.grad[rows]
    np.testing.assert_allclose(tr.grad_norm_at(rows), np.sqrt(g[:, 0] ** 2 + g[:, 1] ** 2),
                               rtol=1e-15)
    np.testing.assert_array_equal(tr.grad_norm_at(rows), tr.grad_norm[rows])


def test_stop_step_and_cause_are_fields_matching_the_reason():
    runs = [RunSpec("gd", {"lr": 1.5}, label="wild"), RunSpec("gd", {"lr": 0.1}, label="calm"),
            RunSpec("gd", {"lr": 1e-4}, label="slow")]
    sim = Simulation(Experiment(surface="quadratic", start=(1.0, 1.0), runs=runs, steps=200,
                                tol=1e-6))
    assert all(r.stop_step is None and r.cause == "" for r in sim.runs)
    sim.run()
    wild, calm, slow = sim.runs
    # gd lr=1.5 on x² + y²: x ← −2x, so |x| = 2ᵏ leaves the box (100× the view) at 2ᵏ > 300
    assert wild.status == "diverged" and wild.stop_step == 9 == wild.steps
    assert wild.cause == "left the domain box" and wild.reason == "left the domain box at step 9"
    # lr=0.1: x ← 0.8x, |∇f| = 2√2·0.8ᵏ < 1e-6 first at k = 67
    assert calm.status == "converged" and calm.stop_step == calm.steps == 67
    assert calm.reason == f"{calm.cause} at step 67" and calm.cause.startswith("gradient norm")
    assert slow.status == "max_steps" and slow.stop_step == 200
    assert slow.reason == slow.cause == "reached the maximum of 200 steps"
    sim.reset()
    assert all(r.stop_step is None and r.cause == "" for r in sim.runs)


def test_stop_at_the_start_point_is_step_zero():
    sim = Simulation(Experiment(surface="quadratic", start=(1e9, 0.0), runs=[RunSpec("gd")],
                                steps=5))
    r = sim.runs[0]
    assert (r.status, r.stop_step, r.reason) == ("diverged", 0, r.cause)
    assert r.cause == "start point is outside the domain box"
