"""Learning-rate schedules: closed forms at their boundary steps, vectorization, torch's
schedulers, and refusal of invalid parameters."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdsim.errors import GdsimError
from gdsim.schedules import SCHEDULES, make_schedule


def test_registry_names_defaults_and_formulas():
    assert list(SCHEDULES) == ["constant", "step", "exponential", "cosine", "warmup_cosine",
                               "inverse_time"]
    defaults = {n: make_schedule(n).params for n in SCHEDULES}
    assert defaults == {
        "constant": {}, "step": {"step_size": 100, "gamma": 0.5}, "exponential": {"gamma": 0.99},
        "cosine": {"t_max": 1000, "eta_min": 0.0},
        "warmup_cosine": {"warmup": 50, "t_max": 1000, "eta_min": 0.0},
        "inverse_time": {"decay": 0.01},
    }
    for info in SCHEDULES.values():
        assert info.formula.startswith("η_t") and info.title
        assert all(p.help and "\n" not in p.help for p in info.params)
    assert make_schedule().name == "constant"


def test_constant():
    s = make_schedule("constant")
    assert s(0.3, 0) == 0.3 and s(0.3, 10**6) == 0.3
    assert s.values(0.3, np.arange(4)).tolist() == [0.3] * 4


def test_step_boundaries():
    s = make_schedule("step", step_size=10, gamma=0.5)
    t = np.array([0, 9, 10, 19, 20, 29, 30])
    assert s.values(0.8, t).tolist() == [0.8, 0.8, 0.4, 0.4, 0.2, 0.2, 0.1]
    assert s(0.8, 10) == 0.4 and s(0.8, 9) == 0.8


def test_exponential():
    s = make_schedule("exponential", gamma=0.5)
    assert s.values(1.0, np.arange(4)).tolist() == [1.0, 0.5, 0.25, 0.125]
    assert s(0.1, 100) == pytest.approx(0.1 * 0.5**100, rel=1e-14)


def test_cosine_boundaries():
    s = make_schedule("cosine", t_max=100, eta_min=0.01)
    v = s.values(0.11, np.array([0, 50, 100, 101, 10**6]))
    assert v[0] == pytest.approx(0.11, rel=1e-15)
    assert v[1] == pytest.approx(0.06, rel=1e-15)  # halfway: (lr₀ + η_min)/2
    assert v[2:].tolist() == [0.01, 0.01, 0.01]
    assert s(0.11, 25) == pytest.approx(0.01 + 0.1 * (1 + math.cos(math.pi / 4)) / 2, rel=1e-15)


def test_warmup_cosine_boundaries():
    s = make_schedule("warmup_cosine", warmup=10, t_max=110, eta_min=0.0)
    v = s.values(1.0, np.array([0, 1, 5, 9, 10, 60, 110, 111, 500]))
    assert v[:4].tolist() == [0.0, 0.1, 0.5, 0.9]
    assert v[4] == 1.0  # warmup reached: cosine starts from lr₀
    assert v[5] == pytest.approx(0.5, rel=1e-15)
    assert v[6:].tolist() == [0.0, 0.0, 0.0]
    assert s(1.0, 35) == pytest.approx((1 + math.cos(math.pi * 25 / 100)) / 2, rel=1e-15)


def test_inverse_time():
    s = make_schedule("inverse_time", decay=0.5)
    assert s.values(1.0, np.array([0, 1, 2, 6])).tolist() == [1.0, 1 / 1.5, 0.5, 0.25]


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_values_vectorized_over_t_and_lr0_and_equal_to_call(name):
    s = make_schedule(name, **({"warmup": 5, "t_max": 20} if name == "warmup_cosine" else {}))
    t = np.arange(60)
    v = s.values(0.5, t)
    assert v.shape == (60,) and v.dtype == np.float64
    assert [s(0.5, int(k)) for k in t] == v.tolist()
    lr0 = np.array([[0.5], [0.25]])
    vv = s.values(lr0, t)
    assert vv.shape == (2, 60)
    assert np.array_equal(vv[0], v)
    assert s.values(0.5, t.reshape(6, 10)).shape == (6, 10)


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_refuses_negative_or_fractional_steps(name):
    s = make_schedule(name)
    with pytest.raises(GdsimError, match="≥ 0"):
        s.values(0.1, np.array([0, -1]))
    with pytest.raises(GdsimError, match="≥ 0"):
        s(0.1, -3)
    with pytest.raises(GdsimError, match="integers"):
        s.values(0.1, np.array([0.5]))


@settings(max_examples=50, deadline=None)
@given(name=st.sampled_from(["step", "exponential", "cosine", "warmup_cosine",
                             "inverse_time"]),
       lr0=st.floats(1e-6, 10.0), t=st.integers(0, 5000))
def test_property_decays_stay_between_eta_min_and_lr0(name, lr0, t):
    s = make_schedule(name)
    v = s(lr0, t)
    assert 0.0 <= v <= lr0 * (1 + 1e-15)
    if name != "warmup_cosine":  # monotone non-increasing after step 0
        assert s(lr0, t + 1) <= v


INVALID = [
    ("step", {"step_size": 0}, "step_size"), ("step", {"step_size": 2.5}, "step_size"),
    ("step", {"gamma": 0.0}, "gamma"), ("step", {"gamma": 1.5}, "gamma"),
    ("exponential", {"gamma": -0.5}, "gamma"), ("exponential", {"gamma": math.nan}, "gamma"),
    ("cosine", {"t_max": 0}, "t_max"), ("cosine", {"eta_min": -0.1}, "eta_min"),
    ("warmup_cosine", {"warmup": 0}, "warmup"), ("warmup_cosine", {"eta_min": -1}, "eta_min"),
    ("warmup_cosine", {"warmup": 100, "t_max": 100}, "warmup=100 must be less than t_max=100"),
    ("warmup_cosine", {"warmup": 200, "t_max": 100}, "need 0 < warmup < t_max"),
    ("inverse_time", {"decay": -0.01}, "decay"), ("constant", {"gamma": 0.5}, "unknown"),
    ("cosine", {"t_max": "abc"}, "t_max"),
]


@pytest.mark.parametrize(("name", "params", "match"), INVALID)
def test_invalid_parameters_refused(name, params, match):
    with pytest.raises(GdsimError, match=match):
        make_schedule(name, **params)


def test_unknown_schedule_lists_known():
    with pytest.raises(GdsimError, match="unknown schedule 'cos'; known: constant, step, "):
        make_schedule("cos")


def test_matches_torch_schedulers():
    torch = pytest.importorskip("torch")
    p = torch.zeros(1, requires_grad=True)
    cases = [
        ("step", {"step_size": 7, "gamma": 0.3},
         lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=7, gamma=0.3)),
        ("exponential", {"gamma": 0.9},
         lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9)),
        ("cosine", {"t_max": 30, "eta_min": 0.01},
         lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=30, eta_min=0.01)),
    ]
    for name, params, ctor in cases:
        opt = torch.optim.SGD([p], lr=0.5)
        sched = ctor(opt)
        want = []
        for _ in range(30):  # CosineAnnealingLR's recursive form is periodic after T_max
            want.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        got = make_schedule(name, **params).values(0.5, np.arange(30))
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
