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
                               "inverse_time", "linear", "polynomial", "multistep",
                               "cosine_restarts", "onecycle", "cyclic", "plateau"]
    defaults = {n: make_schedule(n).params for n in SCHEDULES}
    assert defaults == {  # SPEC §3 and §10
        "constant": {}, "step": {"step_size": 100, "gamma": 0.5}, "exponential": {"gamma": 0.99},
        "cosine": {"t_max": 1000, "eta_min": 0.0},
        "warmup_cosine": {"warmup": 50, "t_max": 1000, "eta_min": 0.0},
        "inverse_time": {"decay": 0.01},
        "linear": {"start_factor": 1 / 3, "end_factor": 1.0, "total_iters": 100},
        "polynomial": {"total_iters": 1000, "power": 1.0},
        "multistep": {"milestones": (250, 500, 750), "gamma": 0.5},
        "cosine_restarts": {"t_0": 200, "t_mult": 1, "eta_min": 0.0},
        "onecycle": {"total_steps": 1000, "pct_start": 0.3, "anneal_strategy": "cos",
                     "div_factor": 25.0, "final_div_factor": 1e4, "three_phase": False},
        "cyclic": {"base_lr": 1e-4, "step_size_up": 100, "step_size_down": None,
                   "mode": "triangular", "gamma": 1.0},
        "plateau": {"factor": 0.1, "patience": 10, "threshold": 1e-4, "threshold_mode": "rel",
                    "cooldown": 0, "min_lr": 0.0, "eps": 1e-8},
    }
    for info in SCHEDULES.values():
        assert info.title and info.formula
        assert info.formula.startswith("η_t") or info.name in ("onecycle", "cyclic", "plateau")
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


CLOSED = [n for n in SCHEDULES if n != "plateau"]


@pytest.mark.parametrize("name", CLOSED)
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


@pytest.mark.parametrize("name", CLOSED)
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
    # SPEC §10 schedules: every parameter's refusal names it and what is allowed
    ("linear", {"start_factor": 0}, "need 0 < start_factor ≤ 1"),
    ("linear", {"end_factor": 1.5}, "need 0 ≤ end_factor ≤ 1"),
    ("linear", {"total_iters": 0}, "need 1 ≤ total_iters"),
    ("polynomial", {"power": 0}, "need 0 < power"),
    ("polynomial", {"total_iters": 2.5}, "total_iters must be an integer"),
    ("multistep", {"milestones": "300/100"}, "milestones=300/100 is not in increasing order"),
    ("multistep", {"milestones": "100/100"}, "not in increasing order"),
    ("multistep", {"milestones": "0/100"}, "out of range at 0: need milestones is a list of "
                                           "integers ≥ 1"),
    ("multistep", {"milestones": "30/eighty"}, "'eighty' is not an integer"),
    ("multistep", {"milestones": "30/80.5"}, "80.5 is not an integer"),
    ("multistep", {"milestones": []}, "must be a list of integers"),
    ("multistep", {"milestones": 30}, "must be a list of integers"),
    ("multistep", {"gamma": 0}, "need 0 < gamma ≤ 1"),
    ("cosine_restarts", {"t_mult": 0}, "t_mult=0 is out of range: need 1 ≤ t_mult"),
    ("cosine_restarts", {"t_mult": 1.5}, "t_mult must be an integer"),
    ("cosine_restarts", {"t_0": 0}, "need 1 ≤ t_0"),
    ("cosine_restarts", {"eta_min": -1e-3}, "need 0 ≤ eta_min"),
    ("onecycle", {"anneal_strategy": "cosine"}, "anneal_strategy='cosine' is not allowed: "
                                                "need anneal_strategy is one of cos, linear"),
    ("onecycle", {"pct_start": 1.0}, "need 0 < pct_start < 1"),
    ("onecycle", {"pct_start": 0.001}, "leaves a phase with no steps"),
    ("onecycle", {"three_phase": True, "pct_start": 0.6}, "2·pct_start·total_steps"),
    ("onecycle", {"div_factor": 0}, "need 0 < div_factor"),
    ("onecycle", {"final_div_factor": -1}, "need 0 < final_div_factor"),
    ("onecycle", {"three_phase": "yes"}, "three_phase must be true or false"),
    ("onecycle", {"total_steps": 0}, "need 1 ≤ total_steps"),
    ("cyclic", {"mode": "sawtooth"}, "mode='sawtooth' is not allowed: need mode is one of "
                                     "triangular, triangular2, exp_range"),
    ("cyclic", {"step_size_up": 0}, "need 1 ≤ step_size_up"),
    ("cyclic", {"step_size_down": 0}, r"need 1 ≤ step_size_down \(or none\)"),
    ("cyclic", {"base_lr": -1e-4}, "need 0 ≤ base_lr"),
    ("cyclic", {"gamma": 1.01}, "need 0 < gamma ≤ 1"),
    ("plateau", {"factor": 1.0}, "need 0 < factor < 1"),
    ("plateau", {"patience": -1}, "need 0 ≤ patience"),
    ("plateau", {"threshold_mode": "relative"}, "need threshold_mode is one of rel, abs"),
    ("plateau", {"threshold": 1.0}, "need 0 ≤ threshold < 1"),
    ("plateau", {"threshold": -0.1}, "need 0 ≤ threshold"),
    ("plateau", {"cooldown": 1.5}, "cooldown must be an integer"),
    ("plateau", {"min_lr": -1}, "need 0 ≤ min_lr"),
    ("plateau", {"eps": -1e-9}, "need 0 ≤ eps"),
    ("plateau", {"mode": "max"}, "unknown parameter 'mode'"),
]


@pytest.mark.parametrize(("name", "params", "match"), INVALID)
def test_invalid_parameters_refused(name, params, match):
    with pytest.raises(GdsimError, match=match) as e:
        make_schedule(name, **params)
    assert str(e.value).startswith(name)


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


def test_text_values_parse_as_in_a_spec():
    s = make_schedule("multistep", milestones="30/80/140", gamma="0.1")
    assert s.params["milestones"] == (30, 80, 140)
    assert make_schedule("multistep", milestones=[30.0, 80]).params["milestones"] == (30, 80)
    assert make_schedule("cyclic", step_size_down="none").params["step_size_down"] is None
    assert make_schedule("cyclic", step_size_down="40").params["step_size_down"] == 40
    assert make_schedule("onecycle", three_phase="true", total_steps=100,
                         pct_start=0.25).params["three_phase"] is True
    assert make_schedule("plateau", threshold_mode="abs", threshold=0).params["threshold"] == 0.0


def test_new_schedules_boundaries_by_hand():
    t = np.array([0, 1, 9, 10, 11, 29, 30, 31])
    lin = make_schedule("linear", start_factor=0.5, end_factor=1.0, total_iters=10)
    assert lin.values(2.0, t).tolist() == [1.0, 1.1, 1.9, 2.0, 2.0, 2.0, 2.0, 2.0]
    poly = make_schedule("polynomial", total_iters=10, power=2.0)
    assert poly.values(1.0, t) == pytest.approx([1, 0.81, 0.01, 0, 0, 0, 0, 0], abs=1e-15)
    ms = make_schedule("multistep", milestones="10/30", gamma=0.5)
    assert ms.values(1.0, t).tolist() == [1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25]
    cr = make_schedule("cosine_restarts", t_0=10, t_mult=2, eta_min=0.0)
    v = cr.values(1.0, np.array([0, 5, 9, 10, 20, 29, 30, 70]))
    assert v[[0, 3, 6, 7]].tolist() == [1.0, 1.0, 1.0, 1.0]  # restarts at 10, 30, 70
    assert v[1] == pytest.approx(0.5) and v[4] == pytest.approx(0.5)  # halfway: 5 of 10, 10 of 20
    assert v[2] == pytest.approx((1 + math.cos(math.pi * 0.9)) / 2)
    cyc = make_schedule("cyclic", base_lr=0.0, step_size_up=4, step_size_down=2, mode="triangular2")
    got = cyc.values(1.0, np.arange(13)).tolist()
    assert got == pytest.approx([0, .25, .5, .75, 1, .5, 0, .125, .25, .375, .5, .25, 0])
    oc = make_schedule("onecycle", total_steps=11, pct_start=0.5, anneal_strategy="linear",
                       div_factor=10, final_div_factor=10)
    got = oc.values(1.0, np.array([0, 2, 4.0, 7, 10, 11, 500]).astype(int))
    # up from 0.1 to 1 over steps 0..4.5, down to 0.01 at step 10, held after
    assert got == pytest.approx([0.1, 0.5, 0.9, 1 - 0.99 * 2.5 / 5.5, 0.01, 0.01, 0.01])


# --- against torch.optim.lr_scheduler, step by step -------------------------------------------

def _torch_rates(ctor, lr0: float, steps: int, base_is_schedule=False) -> list[float]:
    torch = pytest.importorskip("torch")
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr0)
    sched = ctor(torch.optim.lr_scheduler, opt)
    out = []
    for _ in range(steps):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return out


TORCH_CASES = [
    ("linear", {"start_factor": 0.25, "end_factor": 0.9, "total_iters": 137},
     lambda L, o: L.LinearLR(o, start_factor=0.25, end_factor=0.9, total_iters=137)),
    ("linear", {},
     lambda L, o: L.LinearLR(o, start_factor=1 / 3, end_factor=1.0, total_iters=100)),
    ("polynomial", {"total_iters": 450, "power": 2.5},
     lambda L, o: L.PolynomialLR(o, total_iters=450, power=2.5)),
    ("polynomial", {"total_iters": 300},
     lambda L, o: L.PolynomialLR(o, total_iters=300, power=1.0)),
    ("multistep", {"milestones": "30/80/140/141", "gamma": 0.3},
     lambda L, o: L.MultiStepLR(o, milestones=[30, 80, 140, 141], gamma=0.3)),
    ("cosine_restarts", {"t_0": 50, "t_mult": 1, "eta_min": 0.001},
     lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=50, T_mult=1, eta_min=0.001)),
    ("cosine_restarts", {"t_0": 7, "t_mult": 2},
     lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=7, T_mult=2)),
    ("cosine_restarts", {"t_0": 3, "t_mult": 3, "eta_min": 0.01},
     lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=3, eta_min=0.01)),
    ("cyclic", {"base_lr": 0.01, "step_size_up": 40},
     lambda L, o: L.CyclicLR(o, base_lr=0.01, max_lr=0.5, step_size_up=40,
                             cycle_momentum=False)),
    ("cyclic", {"base_lr": 0.01, "step_size_up": 25, "step_size_down": 60,
                "mode": "triangular2"},
     lambda L, o: L.CyclicLR(o, base_lr=0.01, max_lr=0.5, step_size_up=25, step_size_down=60,
                             mode="triangular2", cycle_momentum=False)),
    ("cyclic", {"base_lr": 0.0, "step_size_up": 33, "mode": "exp_range", "gamma": 0.995},
     lambda L, o: L.CyclicLR(o, base_lr=0.0, max_lr=0.5, step_size_up=33, mode="exp_range",
                             gamma=0.995, cycle_momentum=False)),
]


@pytest.mark.parametrize(("name", "params", "ctor"), TORCH_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(TORCH_CASES)])
def test_closed_forms_match_torch_step_by_step(name, params, ctor):
    want = _torch_rates(ctor, 0.5, 700)
    got = make_schedule(name, **params).values(0.5, np.arange(700))
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-17)


ONECYCLE = [
    {"total_steps": 500},
    {"total_steps": 640, "pct_start": 0.25, "anneal_strategy": "linear", "div_factor": 10.0,
     "final_div_factor": 100.0},
    {"total_steps": 777, "pct_start": 0.2, "three_phase": True},
    {"total_steps": 500, "pct_start": 0.45, "three_phase": True, "anneal_strategy": "linear"},
]


@pytest.mark.parametrize("params", ONECYCLE)
def test_onecycle_matches_torch_then_holds_its_last_value(params):
    q = make_schedule("onecycle", **params).params
    n = q["total_steps"]

    def ctor(L, o):
        return L.OneCycleLR(o, max_lr=0.5, total_steps=n, pct_start=q["pct_start"],
                            anneal_strategy=q["anneal_strategy"], div_factor=q["div_factor"],
                            final_div_factor=q["final_div_factor"],
                            three_phase=q["three_phase"], cycle_momentum=False)

    want = _torch_rates(ctor, 0.5, n)  # steps 0 … total_steps − 1: every update torch makes
    s = make_schedule("onecycle", **params)
    got = s.values(0.5, np.arange(n + 300))
    np.testing.assert_allclose(got[:n], want, rtol=1e-12, atol=1e-17)
    assert got[n - 1] == pytest.approx(0.5 / q["div_factor"] / q["final_div_factor"], rel=1e-12)
    assert (got[n:] == got[n - 1]).all()  # held from total_steps on
    assert 0.5 * 0.999 < got.max() <= 0.5  # the peak is lr₀ (reached at a whole step or not)


# --- plateau: ReduceLROnPlateau, fed the same losses ------------------------------------------

def _torch_plateau(losses, lr0, **kw) -> list[float]:
    torch = pytest.importorskip("torch")
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr0)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", **kw)
    out = [opt.param_groups[0]["lr"]]
    for loss in losses:
        opt.step()
        sched.step(loss)
        out.append(opt.param_groups[0]["lr"])
    return out


def _stalling_losses(n=600):
    """Improves, stalls (tiny relative gains, exact repeats), improves again, ..."""
    k = np.arange(n)
    held = np.where((k // 60) % 2 == 1, (k // 60) * 60, k)  # every other 60 steps: stalled
    return (10.0 * np.exp(-held / 40.0) + 1e-6 * np.sin(k)).tolist()


PLATEAU_CASES = [
    {},
    {"factor": 0.5, "patience": 3},
    {"factor": 0.5, "patience": 5, "cooldown": 7},
    {"factor": 0.3, "patience": 2, "threshold": 0.05, "threshold_mode": "rel"},
    {"factor": 0.5, "patience": 4, "threshold": 0.01, "threshold_mode": "abs", "cooldown": 3},
    {"factor": 0.1, "patience": 0, "min_lr": 1e-4},
    {"factor": 0.9, "patience": 1, "eps": 0.01},  # drops smaller than eps are skipped
]


@pytest.mark.parametrize("params", PLATEAU_CASES)
def test_plateau_tracker_matches_reduce_lr_on_plateau(params):
    losses = _stalling_losses()
    want = _torch_plateau(losses, 0.4, **params)
    s = make_schedule("plateau", **params)
    got = s.tracker(0.4).rates(np.array(losses)[:, None])[:, 0]
    assert got.tolist() == want  # the same comparisons and products: bit for bit
    assert len(set(want)) > 1  # the stalls did cause drops


@settings(max_examples=60, deadline=None)
@given(levels=st.lists(st.integers(0, 6), min_size=5, max_size=300),
       patience=st.integers(0, 6), cooldown=st.integers(0, 4),
       mode=st.sampled_from(["rel", "abs"]), threshold=st.sampled_from([0.0, 1e-4, 0.1, 0.5]))
def test_property_plateau_on_random_stalling_losses(levels, patience, cooldown, mode, threshold):
    losses = [float(v) for v in levels]  # small integers: many exact ties and plateaus
    kw = {"factor": 0.5, "patience": patience, "cooldown": cooldown, "threshold": threshold,
          "threshold_mode": mode}
    want = _torch_plateau(losses, 1.0, **kw)
    tracker = make_schedule("plateau", **kw).tracker(1.0)
    state, params = tracker.scalar(0)
    got = tracker.rates(np.array(losses)[:, None])[:, 0]
    assert got.tolist() == want
    scalar = [state[0]]  # the engine's float path: the same rule on Python numbers
    for loss in losses:
        tracker.step_scalar(state, params, loss)
        scalar.append(state[0])
    assert scalar == want


def test_plateau_tracker_vectorized_equals_each_run_alone_and_take_keeps_state():
    from gdsim.schedules import PlateauTracker

    rng = np.random.default_rng(1)
    losses = np.round(rng.random((200, 3)) * 4) + 1.0
    scheds = [make_schedule("plateau", patience=2), make_schedule("plateau", factor=0.5,
              threshold_mode="abs", threshold=0.5, cooldown=2), make_schedule("plateau")]
    together = PlateauTracker(scheds, [0.1, 0.2, 0.3])
    rates = together.rates(losses[:100])
    alone = [s.tracker(lr).rates(losses[:, [j]])[:, 0]
             for j, (s, lr) in enumerate(zip(scheds, [0.1, 0.2, 0.3], strict=True))]
    for j in range(3):
        assert rates[:, j].tolist() == alone[j][:101].tolist()
    part = together.take(np.array([False, True, True]))
    rest = part.rates(losses[100:, 1:])
    assert rest[:, 0].tolist() == alone[1][100:].tolist()
    assert rest[:, 1].tolist() == alone[2][100:].tolist()


def test_plateau_has_no_closed_form():
    s = make_schedule("plateau")
    assert s.reactive and not make_schedule("cosine").reactive
    with pytest.raises(GdsimError, match="reacts to the loss"):
        s.values(0.1, np.arange(3))
    with pytest.raises(GdsimError, match="does not react"):
        make_schedule("step").tracker(0.1)


def test_readme_table_lists_every_schedule_with_its_defaults():
    from pathlib import Path

    from gdsim.params import format_value

    text = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = text[text.index("## Learning-rate schedules"):text.index("## Layout")]
    rows = {ln.split("|")[1].strip(" `"): ln for ln in table.splitlines()
            if ln.startswith("| `")}
    assert list(rows) == list(SCHEDULES)
    for name, info in SCHEDULES.items():
        for p in info.params:
            assert f"{p.name}={format_value(p.default)}" in rows[name], (name, p.name)
            for word in p.choices:
                assert word in rows[name]
