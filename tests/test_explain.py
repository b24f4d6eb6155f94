"""Explain this step (issue 9 item 1): for every optimizer in the registry, the explanation's
numbers are the engine's state transitions (new point bit-identical to the simulation, state
after = state before the next update) and agree with torch.optim's own state buffers."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdsim.errors import GdsimError
from gdsim.explain import Explainer, explain, state_fields
from gdsim.optimizers import OPTIMIZERS
from gdsim.simulation import Experiment, RunSpec, Simulation

NAMES = list(OPTIMIZERS)
LR = {"adadelta": 0.5}          # the others: 1e-3 scaled by hypothesis
_SIMS: dict = {}


def simulation(name: str, scale: float, surface: str = "rosenbrock", steps: int = 260,
               **run_kw) -> Simulation:
    key = (name, scale, surface, steps, tuple(sorted(run_kw.items())))
    if key not in _SIMS:
        lr = LR.get(name, 1e-3) * scale
        exp = Experiment(surface=surface, start=(-1.2, 1.0), steps=steps, tol=0.0,
                         runs=[RunSpec(name, {"lr": lr}, **run_kw),
                               RunSpec(name, {"lr": lr / 3}, schedule="cosine",
                                       schedule_params={"t_max": 200})])
        sim = Simulation(exp)
        sim.run()
        _SIMS[key] = sim
    return _SIMS[key]


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=15)
@given(scale=st.sampled_from([0.1, 1.0]), run=st.integers(0, 1), frac=st.floats(0, 1))
def test_explanation_is_the_engines_state_transition(name, scale, run, frac):
    sim = simulation(name, scale)
    tr = sim.runs[run].trajectory
    if tr.n < 3:
        return
    k = min(int(frac * (tr.n - 2)), tr.n - 3)
    ex = Explainer(sim)
    e = ex.explain(run, k)
    np.testing.assert_array_equal(e.point, tr.points[k])
    np.testing.assert_array_equal(e.grad, tr.grad[k])
    np.testing.assert_array_equal(e.new_point, tr.points[k + 1])  # bit-identical replay
    assert e.lr == tr.lr[k] and e.step == k and e.exact
    nxt = ex.explain(run, k + 1)
    assert set(e.after) == set(nxt.before)
    for f in e.after:
        np.testing.assert_array_equal(e.after[f], nxt.before[f])
    np.testing.assert_array_equal(e.delta, tr.points[k + 1] - tr.points[k])
    with np.errstate(all="ignore"):
        want = -(tr.points[k + 1] - tr.points[k]) / tr.grad[k]
    np.testing.assert_array_equal(np.nan_to_num(e.effective, nan=-1.0),
                                  np.nan_to_num(np.where(np.isfinite(want), want, np.nan),
                                                nan=-1.0))
    assert e.after["count"][0] == k + 1 and e.before["count"][0] == k
    text = "\n".join(e.lines())
    assert f"update {k} → {k + 1}" in text and "θ′ =" in text


def test_scrubbing_back_and_forth_gives_the_same_numbers():
    sim = simulation("adam", 1.0)
    ex = Explainer(sim)
    a = ex.explain(0, 200)
    ex.explain(0, 3)
    b = ex.explain(0, 200)
    fresh = Explainer(sim).explain(0, 200)
    for e in (b, fresh):
        for f in a.after:
            np.testing.assert_array_equal(a.after[f], e.after[f])


def test_adam_by_hand():
    sim = simulation("adam", 1.0)
    tr = sim.runs[0].trajectory
    e = explain(sim, 0, 4)
    b1, b2 = 0.9, 0.999
    g = tr.grad[:5]
    w1 = (1 - b1) * b1 ** np.arange(4, -1, -1)
    w2 = (1 - b2) * b2 ** np.arange(4, -1, -1)
    np.testing.assert_allclose(e.after["exp_avg"], w1 @ g, rtol=1e-12)
    np.testing.assert_allclose(e.after["exp_avg_sq"], w2 @ (g * g), rtol=1e-12)
    assert e.corrections["1 − β₁ᵗ"] == pytest.approx(1 - b1 ** 5)
    m_hat = e.derived["m̂ = m/(1 − β₁ᵗ)"]
    v_hat = e.derived["v̂ = v/(1 − β₂ᵗ)"]
    np.testing.assert_allclose(e.point - 1e-3 * m_hat / (np.sqrt(v_hat) + 1e-8), e.new_point,
                               rtol=1e-12)
    np.testing.assert_allclose(e.first_moment(), e.after["exp_avg"])


def test_noisy_runs_are_marked_inexact():
    sim = simulation("sgd", 1.0, steps=20, noise=0.5)
    e = explain(sim, 0, 3)
    assert not e.exact and "noisy" in e.note


def test_bad_requests():
    sim = simulation("gd", 1.0, steps=10)
    with pytest.raises(GdsimError, match="update in 0..9"):
        explain(sim, 0, 10)
    with pytest.raises(GdsimError, match="run index"):
        explain(sim, 5, 0)


def test_state_fields_of_named_tuples_too():
    from typing import NamedTuple

    class S(NamedTuple):
        count: int
        mu: np.ndarray

    f = state_fields(S(3, np.array([[1.0, 2.0]])))
    assert f["count"].tolist() == [3.0] and f["mu"].tolist() == [1.0, 2.0]


# ---------------------------------------------------------------- against torch.optim
torch = pytest.importorskip("torch")

TORCH_KEYS = {"step": "count"}


@pytest.mark.parametrize("name", NAMES)
def test_states_equal_torch_optim_buffers(name):
    from test_torch_reference import torch_optimizer

    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        sim = simulation(name, 1.0)
        run = sim.runs[0]
        tr = run.trajectory
        p = torch.tensor(tr.points[0].copy(), dtype=torch.float64, requires_grad=True)
        try:
            opt = torch_optimizer(name, run.optimizer.hparams, [p])
        except (AssertionError, KeyError):
            # the rest of torch.optim (Rprop, ASGD, Adafactor) and SPEC §10's reference
            # packages (Lion, QHM, QHAdam, AdaBelief, Yogi, schedule-free)
            reference_optim = pytest.importorskip("reference_optim")
            opt, _ = reference_optim.build(
                name, reference_optim.full_hparams(name, run.optimizer.hparams), [p])
        ex = Explainer(sim)
        compared = set()
        for k in range(min(40, tr.n - 1)):
            p.grad = torch.tensor(tr.grad[k].copy(), dtype=torch.float64)
            for group in opt.param_groups:
                group["lr"] = float(tr.lr[k])
            opt.step()
            e = ex.explain(0, k)
            np.testing.assert_allclose(p.detach().numpy(), e.new_point, rtol=1e-11, atol=0)
            for key, val in opt.state[p].items():
                ours = TORCH_KEYS.get(key, key)
                if ours not in e.after:
                    continue
                want = np.asarray(val.detach().numpy() if hasattr(val, "detach") else val,
                                  dtype=np.float64).reshape(-1)
                np.testing.assert_allclose(e.after[ours], want, rtol=1e-10, atol=1e-300)
                compared.add(ours)
        if "step" in opt.state[p]:  # (Lion, QHM, QHAdam and schedule-free keep none)
            assert "count" in compared or name in ("gd", "sgd", "momentum", "nesterov")
        if name not in ("gd", "sgd"):
            assert len(compared - {"count"}) >= 1, (name, compared)
    finally:
        torch.set_default_dtype(old)
    assert math.isfinite(float(tr.loss[-1]))


@pytest.mark.parametrize(("name", "kind"), [("adam", "adam"), ("adagrad", "sum"),
                                            ("rmsprop", "rms"), ("sgd", None)])
def test_adaptive_scale_by_hand(name, kind):
    sim = simulation(name, 1.0, steps=30)
    e = explain(sim, 0, 7)
    s = e.adaptive_scale()
    g = sim.runs[0].trajectory.grad[:8]
    if kind is None:
        assert s is None
        return
    if kind == "adam":
        v = (0.001 * 0.999 ** np.arange(7, -1, -1)) @ (g * g) / (1 - 0.999 ** 8)
        want = e.lr / (np.sqrt(v) + 1e-8)
    elif kind == "sum":
        want = e.lr / (np.sqrt((g * g).sum(axis=0)) + 1e-10)
    else:
        v = (0.01 * 0.99 ** np.arange(7, -1, -1)) @ (g * g)
        want = e.lr / (np.sqrt(v) + 1e-8)
    np.testing.assert_allclose(s, want, rtol=1e-10)
