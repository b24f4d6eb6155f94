"""Optimizers: hand-derived first steps, textbook scalar references, convergence, batch
equivalence (bit-identical), purity of ``update``, and refusal of every invalid value."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdsim.errors import GdsimError
from gdsim.optimizers import OPTIMIZERS, OptState, make_optimizer, stack_optimizers

NAMES = list(OPTIMIZERS)
A = (1.0, 3.0)  # f = ½(x² + 3y²), so g = (x, 3y): coordinates are independent
P0 = (1.0, -0.5)


def quad_grad(p):
    return p * np.array(A)


def run(opt, p0, steps, grad=quad_grad, lrs=None):
    p = np.array([p0], dtype=np.float64)
    s = opt.init(p)
    out = []
    for k in range(steps):
        opt.step_(grad(p), s, p, None if lrs is None else lrs[k])
        out.append(p[0].copy())
    return np.array(out), s


# --- literal hand computations --------------------------------------------------------------


def test_registry_is_spec_order_with_lr_first_and_formulas():
    assert NAMES == ["gd", "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta",
                     "adam", "adamw", "amsgrad", "adamax", "nadam", "radam",
                     "rprop", "asgd", "adafactor",  # SPEC §10, torch.optim's
                     "lion", "qhm", "qhadam", "adabelief", "yogi", "sf_sgd", "sf_adamw"]
    for info in OPTIMIZERS.values():
        assert info.params[0].name == "lr"
        assert "θ" in info.formula and info.reference and info.title
        assert all(p.help and "\n" not in p.help for p in info.params)


def test_one_formula_source_for_docstring_and_readme():
    from pathlib import Path

    from gdsim.optimizers import markdown_table

    def block(text):  # the formula as the docstring's literal block
        return "\n".join("    " + line for line in text.splitlines())

    for info in OPTIMIZERS.values():
        # the factory's docstring carries its family's formula (variants share the factory)
        assert block(info.factory.formula) in info.factory.__doc__
        assert "Reference:" in info.factory.__doc__
    for name in ("sgd", "adagrad", "rmsprop", "adadelta", "adam", "adamax", "nadam", "radam"):
        assert block(OPTIMIZERS[name].formula) in OPTIMIZERS[name].factory.__doc__, name
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme  # regenerate with gdsim.optimizers.markdown_table()


def test_adamw_is_adam_composed_with_decoupled_decay():
    a = make_optimizer("adamw", weight_decay=0.1, lr=0.05)
    b = make_optimizer("adam", lr=0.05)
    assert a.family == b.family == "adam" and a.stack_key != b.stack_key
    p = np.array([[1.0, -2.0]])
    g = np.array([[0.5, 0.25]])
    pa, _ = a.update(g, a.init(p), p)
    pb, _ = b.update(g, b.init(p), p * (1 - 0.05 * 0.1))  # decay first, then Adam's step
    assert np.array_equal(pa, pb)


@pytest.mark.parametrize(("name", "hp"), [
    ("gd", {"lr": 0.01}),
    ("sgd", {"lr": 0.01, "momentum": 0.0, "dampening": 0.0, "nesterov": False,
             "weight_decay": 0.0}),
    ("momentum", {"momentum": 0.9, "nesterov": False}),
    ("nesterov", {"momentum": 0.9, "nesterov": True}),
    ("adagrad", {"lr": 0.01, "lr_decay": 0.0, "initial_accumulator_value": 0.0, "eps": 1e-10}),
    ("rmsprop", {"lr": 0.01, "alpha": 0.99, "eps": 1e-8, "momentum": 0.0, "centered": False}),
    ("adadelta", {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0.0}),
    ("adam", {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "amsgrad": False}),
    ("adamw", {"weight_decay": 0.01, "amsgrad": False}),
    ("amsgrad", {"amsgrad": True}),
    ("adamax", {"lr": 0.002}),
    ("nadam", {"lr": 0.002, "momentum_decay": 0.004}),
    ("radam", {"lr": 0.001}),
    # SPEC §10
    ("rprop", {"lr": 0.01, "eta_minus": 0.5, "eta_plus": 1.2, "step_size_min": 1e-6,
               "step_size_max": 50.0, "maximize": False}),
    ("asgd", {"lr": 0.01, "lambd": 1e-4, "alpha": 0.75, "t0": 1e6, "weight_decay": 0.0,
              "maximize": False}),
    ("adafactor", {"lr": 0.01, "beta2_decay": -0.8, "eps1": None, "eps2": 1e-3, "d": 1.0,
                   "weight_decay": 0.0, "maximize": False}),
    ("lion", {"beta1": 0.9, "beta2": 0.99, "weight_decay": 0.0}),
    ("qhm", {"momentum": 0.999, "nu": 0.7, "weight_decay": 0.0}),
    ("qhadam", {"nu1": 1.0, "nu2": 1.0}),
    ("adabelief", {"eps": 1e-16}),
    ("yogi", {"eps": 1e-3, "initial_accumulator": 1e-6}),
    ("adam", {"decoupled_weight_decay": False, "maximize": False}),
    ("adamw", {"decoupled_weight_decay": True}),
])
def test_spec_defaults(name, hp):
    got = make_optimizer(name).hparams
    assert {k: got[k] for k in hp} == hp
    if name == "gd":
        assert list(got) == ["lr", "maximize"]


def test_gd_steps_by_hand():
    # g = p on f = ½p²: p ← p(1 − η) = 1 → 0.9 → 0.81 → 0.729
    traj, s = run(make_optimizer("gd", lr=0.1), (1.0, 1.0), 3, grad=lambda p: p.copy())
    assert traj[:, 0].tolist() == pytest.approx([0.9, 0.81, 0.729], rel=1e-15)
    assert s.count == 3 and s.slots == {}


def test_momentum_steps_by_hand():
    # b₁ = g₁ = 1, p = 0.9; g = 0.9, b = 0.9 + 0.9 = 1.8, p = 0.72; g = 0.72,
    # b = 1.62 + 0.72 = 2.34, p = 0.486
    traj, _ = run(make_optimizer("momentum", lr=0.1), (1.0, 1.0), 3, grad=lambda p: p.copy())
    assert traj[:, 0].tolist() == pytest.approx([0.9, 0.72, 0.486], rel=1e-14)


def test_nesterov_steps_by_hand():
    # b₁ = 1, d = 1 + 0.9 = 1.9, p = 0.81; g = 0.81, b = 0.9 + 0.81 = 1.71,
    # d = 0.81 + 1.539 = 2.349, p = 0.81 − 0.2349 = 0.5751
    traj, _ = run(make_optimizer("nesterov", lr=0.1), (1.0, 1.0), 2, grad=lambda p: p.copy())
    assert traj[:, 0].tolist() == pytest.approx([0.81, 0.5751], rel=1e-14)


def test_dampening_gives_ema_from_second_step():
    # constant g = 1, μ = τ = 0.5: b = 1, then 0.5·1 + 0.5·1 = 1: p = −0.1k
    opt = make_optimizer("sgd", lr=0.1, momentum=0.5, dampening=0.5)
    traj, _ = run(opt, (0.0, 0.0), 3, grad=lambda p: np.ones_like(p))
    assert traj[:, 0].tolist() == pytest.approx([-0.1, -0.2, -0.3], rel=1e-15)
    # dampening without momentum is ignored, as in torch
    traj, _ = run(make_optimizer("sgd", lr=0.1, dampening=0.7), (0.0, 0.0), 2,
                  grad=lambda p: np.ones_like(p))
    assert traj[:, 0].tolist() == pytest.approx([-0.1, -0.2], rel=1e-15)


def test_sgd_weight_decay_by_hand():
    # g = 0 + λp = 0.5 → p = 1 − 0.1·0.5 = 0.95 → 0.95 − 0.1·0.475 = 0.9025
    traj, _ = run(make_optimizer("sgd", lr=0.1, weight_decay=0.5), (1.0, 1.0), 2,
                  grad=lambda p: np.zeros_like(p))
    assert traj[:, 0].tolist() == pytest.approx([0.95, 0.9025], rel=1e-15)


def test_adam_first_step_is_lr_times_sign():
    # m̂₁ = g, v̂₁ = g², so Δ = η g/(|g| + ε) ≈ η sign(g) whatever |g|
    traj, s = run(make_optimizer("adam", lr=0.1), (2.0, -300.0), 1,
                  grad=lambda p: p * np.array([1e-3, 1e3]))
    assert traj[0] == pytest.approx([2.0 - 0.1 * 2e-3 / (2e-3 + 1e-8), -300.0 + 0.1], rel=1e-12)
    assert s.slots["exp_avg"][0] == pytest.approx([0.1 * 2e-3, 0.1 * -3e5])


def test_adagrad_steps_by_hand():
    # g = 1 constant, G = k: p ← p − η/√k;  with lr_decay 1: η_k = η/k
    g1 = lambda p: np.ones_like(p)  # noqa: E731
    traj, _ = run(make_optimizer("adagrad", lr=0.5, eps=1e-300), (0.0, 0.0), 3, grad=g1)
    want = [-0.5, -0.5 - 0.5 / math.sqrt(2), -0.5 - 0.5 / math.sqrt(2) - 0.5 / math.sqrt(3)]
    assert traj[:, 0].tolist() == pytest.approx(want, rel=1e-15)
    traj, _ = run(make_optimizer("adagrad", lr=0.5, eps=1e-300, lr_decay=1.0,
                                 initial_accumulator_value=3.0), (0.0, 0.0), 2, grad=g1)
    # G₁ = 4 → −0.5/2;  G₂ = 5, η₂ = 0.25 → −0.25/√5
    assert traj[:, 0].tolist() == pytest.approx([-0.25, -0.25 - 0.25 / math.sqrt(5)], rel=1e-15)


def test_rmsprop_steps_by_hand():
    # g = 1, α = 0.5: v = 0.5, 0.75;  plain: Δ = η/√v;  centered: ḡ = 0.5, 0.75,
    # v − ḡ² = 0.25, 0.1875;  momentum 0.5: b = u₁, 0.5u₁ + u₂
    g1 = lambda p: np.ones_like(p)  # noqa: E731
    kw = {"lr": 0.1, "alpha": 0.5, "eps": 1e-300}
    traj, _ = run(make_optimizer("rmsprop", **kw), (0.0, 0.0), 2, grad=g1)
    u1, u2 = 1 / math.sqrt(0.5), 1 / math.sqrt(0.75)
    assert traj[:, 0].tolist() == pytest.approx([-0.1 * u1, -0.1 * (u1 + u2)], rel=1e-15)
    traj, _ = run(make_optimizer("rmsprop", centered=True, **kw), (0.0, 0.0), 2, grad=g1)
    c1, c2 = 1 / math.sqrt(0.25), 1 / math.sqrt(0.1875)
    assert traj[:, 0].tolist() == pytest.approx([-0.1 * c1, -0.1 * (c1 + c2)], rel=1e-14)
    traj, _ = run(make_optimizer("rmsprop", momentum=0.5, **kw), (0.0, 0.0), 2, grad=g1)
    assert traj[:, 0].tolist() == pytest.approx(
        [-0.1 * u1, -0.1 * u1 - 0.1 * (0.5 * u1 + u2)], rel=1e-15)


def test_adadelta_first_steps_by_hand():
    # g = 1, ρ = 0.5, ε: v₁ = 0.5, Δ₁ = √ε/√(0.5 + ε), u₁ = 0.5Δ₁²;
    # v₂ = 0.75, Δ₂ = √(u₁ + ε)/√(0.75 + ε)
    eps = 1e-2
    traj, _ = run(make_optimizer("adadelta", lr=1.0, rho=0.5, eps=eps), (0.0, 0.0), 2,
                  grad=lambda p: np.ones_like(p))
    d1 = math.sqrt(eps) / math.sqrt(0.5 + eps)
    d2 = math.sqrt(0.5 * d1 * d1 + eps) / math.sqrt(0.75 + eps)
    assert traj[:, 0].tolist() == pytest.approx([-d1, -d1 - d2], rel=1e-14)


def test_adamw_decays_before_the_step():
    # g = 0: m = v = 0 so only decay acts: p ← p(1 − ηλ)
    traj, _ = run(make_optimizer("adamw", lr=0.1, weight_decay=0.5), (1.0, 2.0), 2,
                  grad=lambda p: np.zeros_like(p))
    assert traj[:, 0].tolist() == pytest.approx([0.95, 0.9025], rel=1e-15)
    # Adam's coupled decay instead feeds g = λp into the moments: first step ≈ −η sign(p)
    traj, _ = run(make_optimizer("adam", lr=0.1, weight_decay=0.5), (1.0, 2.0), 1,
                  grad=lambda p: np.zeros_like(p))
    assert traj[0] == pytest.approx([0.9, 1.9], rel=1e-7)


def test_amsgrad_keeps_max_second_moment():
    # g = 10 then 0, β₂ = 0.5: v = 50, 25;  v_max stays 50, plain Adam uses 25
    seq = iter([10.0, 0.0])
    kw = {"lr": 1.0, "beta1": 0.5, "beta2": 0.5, "eps": 1e-300}
    for name, vhat in (("amsgrad", 50.0 / 0.75), ("adam", 25.0 / 0.75)):
        seq = iter([10.0, 0.0])
        traj, s = run(make_optimizer(name, **kw), (0.0, 0.0), 2,
                      grad=lambda p, seq=seq: np.full_like(p, next(seq)))
        # m = 5, 2.5; m̂₂ = 2.5/0.75
        assert traj[1, 0] == pytest.approx(-1.0 - (2.5 / 0.75) / math.sqrt(vhat), rel=1e-14)
    assert s.slots.keys() == {"exp_avg", "exp_avg_sq"}


def test_adamax_steps_by_hand():
    # g = 2, then −1; β₁ = β₂ = 0.5: m = 1, u = 2 + ε → Δ₁ = η·(1/0.5)/2 = η
    # m = 0.5·1 + 0.5·(−1) = 0, so step 2 does not move
    seq = iter([2.0, -1.0])
    traj, s = run(make_optimizer("adamax", lr=0.1, beta1=0.5, beta2=0.5, eps=1e-300),
                  (0.0, 0.0), 2, grad=lambda p: np.full_like(p, next(seq)))
    assert traj[:, 0].tolist() == pytest.approx([-0.1, -0.1], rel=1e-15)
    assert s.slots["exp_inf"][0, 0] == 1.0 + 1e-300  # max(0.5·2, |−1| + ε)


def test_nadam_steps_by_hand():
    # g = 1 constant, ψ = 0: μ = β₁/2 every step
    b1, b2, lr = 0.8, 0.5, 0.1
    traj, s = run(make_optimizer("nadam", lr=lr, beta1=b1, beta2=b2, eps=1e-300,
                                 momentum_decay=0.0), (0.0, 0.0), 2,
                  grad=lambda p: np.ones_like(p))
    mu = b1 / 2
    # step 1: m = 0.2, v̂ = 1 → Δ = η(1−μ)/(1−μ) + ημ·0.2/(1−μ²)
    d1 = lr + lr * mu * 0.2 / (1 - mu * mu)
    # step 2: m = 0.36, v̂ = 1: Δ = η(1−μ)/(1−μ²) + ημ·0.36/(1−μ³)
    d2 = lr * (1 - mu) / (1 - mu**2) + lr * mu * 0.36 / (1 - mu**3)
    assert traj[:, 0].tolist() == pytest.approx([-d1, -d1 - d2], rel=1e-14)
    assert s.slots["mu_product"].shape == (1, 1) and s.slots["mu_product"][0, 0] == pytest.approx(
        mu * mu, rel=1e-15)


def test_nadam_momentum_decay_schedule():
    b1 = 0.9
    traj, s = run(make_optimizer("nadam", beta1=b1, momentum_decay=0.5), (1.0, 1.0), 2)
    mus = [b1 * (1 - 0.5 * 0.96 ** (t * 0.5)) for t in (1, 2)]
    assert s.slots["mu_product"][0, 0] == pytest.approx(mus[0] * mus[1], rel=1e-15)


def test_radam_switches_on_rho_t_above_5():
    # β₂ = 0.999: ρ∞ = 1999, ρ_t ≈ t − … ≤ 5 for t ≤ 5, > 5 from t = 6: first steps are
    # plain bias-corrected momentum θ ← θ − η m̂;  g = 1 → m̂ = 1 → p = −η k
    traj, _ = run(make_optimizer("radam", lr=0.1), (0.0, 0.0), 6,
                  grad=lambda p: np.ones_like(p))
    assert traj[:5, 0].tolist() == pytest.approx([-0.1, -0.2, -0.3, -0.4, -0.5], rel=1e-14)
    b2, t = 0.999, 6
    rho_inf = 2 / (1 - b2) - 1
    rho_t = rho_inf - 2 * t * b2**t / (1 - b2**t)
    assert rho_t > 5
    r = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
    # m̂ = 1, v̂ = 1: Δ = η r √(1−β₂ᵗ)/(√v + ε) with v = 1 − β₂ᵗ
    vt = 1 - b2**t
    assert traj[5, 0] == pytest.approx(-0.5 - 0.1 * r * math.sqrt(vt) / (math.sqrt(vt) + 1e-8),
                                       rel=1e-13)


# --- textbook scalar references for 3 steps, many flag combinations ---------------------------


def textbook(name, hp, p0, a, steps, lrs):
    """Scalar per-coordinate reference written from the papers/torch docs, plain floats."""
    p, st_ = p0, {}
    out = []
    for t in range(1, steps + 1):
        lr = lrs[t - 1]
        g = a * p
        wd = hp.get("weight_decay", 0.0)
        fam = OPTIMIZERS[name].family
        if fam == "adam" and name == "adamw":
            p = p * (1 - lr * wd)
        elif wd:
            g = g + wd * p
        b1, b2, eps = hp.get("beta1"), hp.get("beta2"), hp.get("eps")
        if fam == "sgd":
            mu = hp.get("momentum", 0.0)
            if mu:
                b = g if t == 1 else mu * st_["b"] + (1 - hp["dampening"]) * g
                st_["b"] = b
                g = g + mu * b if hp["nesterov"] else b
            p = p - lr * g
        elif fam == "adagrad":
            st_["G"] = st_.get("G", hp["initial_accumulator_value"]) + g * g
            p = p - lr / (1 + (t - 1) * hp["lr_decay"]) * g / (math.sqrt(st_["G"]) + eps)
        elif fam == "rmsprop":
            al = hp["alpha"]
            st_["v"] = al * st_.get("v", 0.0) + (1 - al) * g * g
            vbar = st_["v"]
            if hp["centered"]:
                st_["gb"] = al * st_.get("gb", 0.0) + (1 - al) * g
                vbar -= st_["gb"] ** 2
            u = g / (math.sqrt(vbar) + eps)
            if hp["momentum"]:
                st_["b"] = hp["momentum"] * st_.get("b", 0.0) + u
                u = st_["b"]
            p = p - lr * u
        elif fam == "adadelta":
            rho = hp["rho"]
            st_["v"] = rho * st_.get("v", 0.0) + (1 - rho) * g * g
            d = math.sqrt(st_.get("u", 0.0) + eps) / math.sqrt(st_["v"] + eps) * g
            st_["u"] = rho * st_.get("u", 0.0) + (1 - rho) * d * d
            p = p - lr * d
        elif fam in ("adam", "nadam", "radam", "adamax"):
            st_["m"] = b1 * st_.get("m", 0.0) + (1 - b1) * g
            m = st_["m"]
            if fam == "adamax":
                st_["u"] = max(b2 * st_.get("u", 0.0), abs(g) + eps)
                p = p - lr / (1 - b1**t) * m / st_["u"]
                out.append(p)
                continue
            st_["v"] = b2 * st_.get("v", 0.0) + (1 - b2) * g * g
            v = st_["v"]
            if fam == "adam":
                if hp["amsgrad"]:
                    st_["vm"] = max(st_.get("vm", 0.0), v)
                    v = st_["vm"]
                p = p - lr * (m / (1 - b1**t)) / (math.sqrt(v / (1 - b2**t)) + eps)
            elif fam == "nadam":
                psi = hp["momentum_decay"]
                mu_t = b1 * (1 - 0.5 * 0.96 ** (t * psi))
                mu_n = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
                st_["pi"] = st_.get("pi", 1.0) * mu_t
                den = math.sqrt(v / (1 - b2**t)) + eps
                p = (p - lr * (1 - mu_t) / (1 - st_["pi"]) * g / den
                     - lr * mu_n / (1 - st_["pi"] * mu_n) * m / den)
            else:
                rho_inf = 2 / (1 - b2) - 1
                rho_t = rho_inf - 2 * t * b2**t / (1 - b2**t)
                mhat = m / (1 - b1**t)
                if rho_t > 5:
                    r = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf
                                  / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
                    p = p - lr * mhat * r * math.sqrt(1 - b2**t) / (math.sqrt(v) + eps)
                else:
                    p = p - lr * mhat
        out.append(p)
    return out


CASES = [
    ("gd", {"lr": 0.2}),
    ("sgd", {"lr": 0.1}),
    ("sgd", {"lr": 0.1, "momentum": 0.7, "dampening": 0.3, "weight_decay": 0.2}),
    ("momentum", {"lr": 0.05}),
    ("nesterov", {"lr": 0.05, "momentum": 0.6, "weight_decay": 0.1}),
    ("adagrad", {"lr": 0.3}),
    ("adagrad", {"lr": 0.3, "lr_decay": 0.5, "initial_accumulator_value": 0.2,
                 "weight_decay": 0.1, "eps": 1e-3}),
    ("rmsprop", {"lr": 0.05}),
    ("rmsprop", {"lr": 0.05, "alpha": 0.8, "centered": True, "momentum": 0.5,
                 "weight_decay": 0.3, "eps": 1e-4}),
    ("rmsprop", {"lr": 0.05, "alpha": 0.9, "centered": True}),
    ("adadelta", {}),
    ("adadelta", {"lr": 0.5, "rho": 0.6, "eps": 1e-3, "weight_decay": 0.1}),
    ("adam", {"lr": 0.1}),
    ("adam", {"lr": 0.1, "beta1": 0.5, "beta2": 0.7, "weight_decay": 0.2, "amsgrad": True}),
    ("adamw", {"lr": 0.1, "weight_decay": 0.3}),
    ("amsgrad", {"lr": 0.1, "beta2": 0.6}),
    ("adamax", {"lr": 0.1, "beta2": 0.7, "weight_decay": 0.1}),
    ("nadam", {"lr": 0.1}),
    ("nadam", {"lr": 0.1, "beta1": 0.7, "momentum_decay": 0.3, "weight_decay": 0.2}),
    ("radam", {"lr": 0.1}),
    ("radam", {"lr": 0.1, "beta2": 0.5, "weight_decay": 0.1}),
    ("radam", {"lr": 0.1, "beta1": 0.3, "beta2": 0.8}),
]


@pytest.mark.parametrize(("name", "hp"), CASES)
def test_first_steps_match_textbook_scalars(name, hp):
    opt = make_optimizer(name, **hp)
    full = opt.hparams
    steps = 8 if name == "radam" else 3
    lrs = [full["lr"] * (1.0 - 0.1 * k) for k in range(steps)]  # a schedule, as floats
    traj, s = run(opt, P0, steps, lrs=lrs)
    for j in range(2):
        want = textbook(name, full, P0[j], A[j], steps, lrs)
        assert traj[:, j].tolist() == pytest.approx(want, rel=1e-12, abs=1e-300)
    assert s.count == steps


# --- convergence ----------------------------------------------------------------------------

CONVERGE = {
    "gd": {"lr": 0.1}, "sgd": {"lr": 0.1}, "momentum": {"lr": 0.05},
    "nesterov": {"lr": 0.05}, "adagrad": {"lr": 0.5}, "rmsprop": {"lr": 0.01},
    "adadelta": {"lr": 1.0}, "adam": {"lr": 0.05}, "adamw": {"lr": 0.05},
    "amsgrad": {"lr": 0.05}, "adamax": {"lr": 0.05}, "nadam": {"lr": 0.05},
    "radam": {"lr": 0.05}, "rprop": {"lr": 0.05}, "asgd": {"lr": 0.1},
    "adafactor": {"lr": 0.05}, "lion": {"lr": 0.01}, "qhm": {"lr": 0.1},
    "qhadam": {"lr": 0.05}, "adabelief": {"lr": 0.05}, "yogi": {"lr": 0.05},
    "sf_sgd": {"lr": 0.1}, "sf_adamw": {"lr": 0.05},
}


def rosen_grad(p):
    x, y = p[:, 0], p[:, 1]
    return np.stack([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)], axis=1)


def rosen(p):
    return (1 - p[:, 0]) ** 2 + 100 * (p[:, 1] - p[:, 0] ** 2) ** 2


@pytest.mark.parametrize("name", NAMES)
def test_converges_on_quadratic(name):
    opt = make_optimizer(name, **CONVERGE[name])
    p = np.array([[1.5, -1.0], [-0.5, 2.0]])
    s = opt.init(p)
    lr0 = opt.hparams["lr"]
    for k in range(3000):  # step decay lets the sign-like methods settle
        opt.step_(quad_grad(p), s, p, lr0 * 0.5 ** (k // 500))
    assert np.all(np.abs(p) < 1e-3), p


@pytest.mark.parametrize("name", NAMES)
def test_progress_on_rosenbrock(name):
    hp = dict(CONVERGE[name])
    if OPTIMIZERS[name].family == "sgd":
        hp["lr"] = 1e-3
    if name == "radam":  # its first 5 steps are SGD with momentum: |g₀| ≈ 230 here
        hp["lr"] = 5e-3
    if name in ("asgd", "qhm", "sf_sgd"):  # gradient-scaled steps, as SGD's
        hp["lr"] = 1e-3
    opt = make_optimizer(name, **hp)
    p = np.array([[-1.2, 1.0]])
    f0 = rosen(p)[0]
    s = opt.init(p)
    for _ in range(2000):
        opt.step_(rosen_grad(p), s, p)
    assert np.all(np.isfinite(p))
    assert rosen(p)[0] < 0.5 < 0.05 * f0


# --- batches, stacking, purity ----------------------------------------------------------------


@pytest.mark.parametrize(("name", "hp"), CASES)
def test_batch_equals_single_runs_bitwise(name, hp):
    opt = make_optimizer(name, **hp)
    rng = np.random.default_rng(1)
    starts = rng.normal(size=(5, 2))
    batch = starts.copy()
    s = opt.init(batch)
    for _ in range(20):
        opt.step_(quad_grad(batch), s, batch)
    for i in range(5):
        single = starts[i:i + 1].copy()
        s1 = opt.init(single)
        for _ in range(20):
            opt.step_(quad_grad(single), s1, single)
        assert np.array_equal(single[0], batch[i])


FAMILY_VARIANTS = {
    "sgd": [("gd", {"lr": 0.1}), ("sgd", {"lr": 0.05, "dampening": 0.4}),
            ("momentum", {"lr": 0.02, "momentum": 0.5, "dampening": 0.3, "weight_decay": 0.1}),
            ("momentum", {})],
    "nesterov": [("nesterov", {"lr": 0.02}), ("nesterov", {"momentum": 0.3, "weight_decay": 1.0})],
    "adagrad": [("adagrad", {"lr": 0.1}), ("adagrad", {"lr_decay": 0.1, "eps": 1e-3,
                                                       "initial_accumulator_value": 0.5})],
    "rmsprop": [("rmsprop", {"momentum": 0.0}), ("rmsprop", {"momentum": 0.8, "alpha": 0.5}),
                ("rmsprop", {"weight_decay": 0.2})],
    "rmsprop_c": [("rmsprop", {"centered": True}), ("rmsprop", {"centered": True,
                                                                "momentum": 0.4})],
    "adadelta": [("adadelta", {}), ("adadelta", {"rho": 0.5, "lr": 0.3, "weight_decay": 0.1})],
    "adam": [("adam", {"lr": 0.1}), ("adam", {"beta1": 0.3, "beta2": 0.6, "weight_decay": 0.1})],
    "adamw": [("adamw", {"lr": 0.1}), ("adamw", {"beta1": 0.3, "weight_decay": 0.0})],
    "amsgrad": [("amsgrad", {"lr": 0.1}), ("amsgrad", {"beta2": 0.5})],
    "adamax": [("adamax", {"lr": 0.1}), ("adamax", {"beta1": 0.2, "beta2": 0.4})],
    "nadam": [("nadam", {"lr": 0.1}), ("nadam", {"momentum_decay": 0.5, "beta2": 0.6})],
    "radam": [("radam", {"lr": 0.1}), ("radam", {"beta2": 0.5}), ("radam", {"beta2": 0.9})],
    "rprop": [("rprop", {"lr": 0.1}), ("rprop", {"eta_minus": 0.2, "step_size_max": 0.3})],
    "asgd": [("asgd", {"lr": 0.1}), ("asgd", {"lambd": 0.1, "t0": 3.0, "alpha": 0.5})],
    "adafactor": [("adafactor", {"lr": 0.1}), ("adafactor", {"eps2": 0.1, "d": 1.5,
                                                             "weight_decay": 0.2})],
    "lion": [("lion", {"lr": 0.1}), ("lion", {"beta1": 0.3, "weight_decay": 0.1})],
    "qhm": [("qhm", {"lr": 0.1}), ("qhm", {"nu": 0.2, "momentum": 0.5, "weight_decay": 0.1})],
    "qhadam": [("qhadam", {"lr": 0.1}), ("qhadam", {"nu1": 0.5, "nu2": 0.3, "beta2": 0.6})],
    "adabelief": [("adabelief", {"lr": 0.1}), ("adabelief", {"beta1": 0.3, "eps": 1e-8})],
    "yogi": [("yogi", {"lr": 0.1}), ("yogi", {"beta2": 0.5, "initial_accumulator": 0.1})],
    "sf_sgd": [("sf_sgd", {"lr": 0.1}), ("sf_sgd", {"momentum": 0.3, "weight_decay": 0.1})],
    "sf_adamw": [("sf_adamw", {"lr": 0.1}), ("sf_adamw", {"beta2": 0.5, "weight_decay": 0.1})],
}


@pytest.mark.parametrize("family", list(FAMILY_VARIANTS))
def test_stacked_rows_equal_their_optimizers_alone(family):
    opts = [make_optimizer(n, **hp) for n, hp in FAMILY_VARIANTS[family]]
    stacked = stack_optimizers(opts)
    assert stacked.rows == len(opts)
    assert any(isinstance(v, np.ndarray) and v.shape == (len(opts), 1)
               for v in stacked.hparams.values())
    rng = np.random.default_rng(7)
    starts = rng.normal(size=(len(opts), 2))
    lr_col = np.array([[o.hparams["lr"] * 0.9] for o in opts])
    batch = starts.copy()
    s = stacked.init(batch)
    for _ in range(30):
        stacked.step_(rosen_grad(batch) * 0.01, s, batch, lr_col)
    for i, o in enumerate(opts):
        single = starts[i:i + 1].copy()
        s1 = o.init(single)
        for _ in range(30):
            o.step_(rosen_grad(single) * 0.01, s1, single, float(lr_col[i, 0]))
        assert np.array_equal(single[0], batch[i]), (i, single, batch[i])


def test_stack_refuses_mixed_rules_and_flags_and_checks_rows():
    with pytest.raises(GdsimError, match="cannot stack"):
        stack_optimizers([make_optimizer("adam"), make_optimizer("sgd")])
    with pytest.raises(GdsimError, match="cannot stack"):
        stack_optimizers([make_optimizer("adam"), make_optimizer("amsgrad")])
    with pytest.raises(GdsimError, match="cannot stack"):
        stack_optimizers([make_optimizer("adam"), make_optimizer("adamw")])
    with pytest.raises(GdsimError, match="cannot stack"):
        stack_optimizers([make_optimizer("momentum"), make_optimizer("nesterov")])
    st2 = stack_optimizers([make_optimizer("adam"), make_optimizer("adam", lr=0.1)])
    with pytest.raises(GdsimError, match="2 runs"):
        st2.init(np.zeros((3, 2)))
    same = stack_optimizers([make_optimizer("adam"), make_optimizer("adam")])
    assert same.hparams["lr"] == 0.001 and isinstance(same.hparams["lr"], float)
    assert make_optimizer("gd").stack_key == make_optimizer("momentum").stack_key


@pytest.mark.parametrize(("name", "hp"), CASES)
def test_update_is_pure_and_equals_step_(name, hp):
    opt = make_optimizer(name, **hp)
    p = np.array([[0.3, -0.7], [1.1, 0.2]])
    s = opt.init(p)
    opt.step_(quad_grad(p), s, p)  # non-trivial state
    g = quad_grad(p)
    lr = np.array([[0.01], [0.02]])
    before = (p.copy(), g.copy(), lr.copy(), s.count, {k: v.copy() for k, v in s.slots.items()})
    p2, s2 = opt.update(g, s, p, lr)
    assert np.array_equal(p, before[0]) and np.array_equal(g, before[1])
    assert np.array_equal(lr, before[2]) and s.count == before[3]
    assert all(np.array_equal(s.slots[k], v) for k, v in before[4].items())
    assert s2.count == s.count + 1 and not np.array_equal(p2, p)
    assert all(not np.shares_memory(s2.slots[k], s.slots[k]) for k in s.slots)
    opt.step_(g, s, p, lr)
    assert np.array_equal(p, p2)
    assert all(np.array_equal(s.slots[k], s2.slots[k]) for k in s.slots)


def test_init_state_shapes_and_values():
    p = np.zeros((4, 3))
    s = make_optimizer("nadam").init(p)
    assert isinstance(s, OptState) and s.count == 0
    assert s.slots["mu_product"].shape == (4, 1) and np.all(s.slots["mu_product"] == 1.0)
    assert s.slots["exp_avg"].shape == (4, 3)
    s = make_optimizer("adagrad", initial_accumulator_value=0.25).init(p)
    assert np.all(s.slots["sum"] == 0.25)
    assert set(make_optimizer("rmsprop", centered=True, momentum=0.5).init(p).slots) == {
        "square_avg", "grad_avg", "momentum_buffer"}
    with pytest.raises(GdsimError, match="float64"):
        make_optimizer("adam").init(np.zeros(3))
    opt = make_optimizer("adam")
    p = np.zeros((2, 2))
    with pytest.raises(GdsimError, match=r"\(N, 1\) column"):  # (2,) would broadcast along D
        opt.step_(p, opt.init(p), p, np.array([0.1, 0.2]))


# --- hypothesis ---------------------------------------------------------------------------

unit = st.floats(0.0, 0.99)
HP_STRATEGIES = {
    "sgd": st.fixed_dictionaries({"lr": st.floats(1e-4, 1.0), "momentum": unit,
                                  "dampening": st.floats(0.0, 1.0),
                                  "weight_decay": st.floats(0.0, 1.0)}),
    "rmsprop": st.fixed_dictionaries({"lr": st.floats(1e-4, 1.0), "alpha": unit,
                                      "momentum": unit, "eps": st.floats(1e-10, 1e-2),
                                      "weight_decay": st.floats(0.0, 1.0)}),
    "adam": st.fixed_dictionaries({"lr": st.floats(1e-4, 1.0), "beta1": unit, "beta2": unit,
                                   "eps": st.floats(1e-10, 1e-2),
                                   "weight_decay": st.floats(0.0, 1.0)}),
    "adamw": st.fixed_dictionaries({"lr": st.floats(1e-4, 1.0), "beta1": unit, "beta2": unit,
                                    "weight_decay": st.floats(0.0, 1.0)}),
    "nadam": st.fixed_dictionaries({"lr": st.floats(1e-4, 1.0), "beta1": unit, "beta2": unit,
                                    "momentum_decay": st.floats(0.0, 1.0)}),
    "radam": st.fixed_dictionaries({"lr": st.floats(1e-4, 1.0), "beta1": unit, "beta2": unit}),
    "adagrad": st.fixed_dictionaries({"lr": st.floats(1e-4, 1.0), "lr_decay": st.floats(0, 1),
                                      "initial_accumulator_value": st.floats(0, 1)}),
    "adadelta": st.fixed_dictionaries({"lr": st.floats(1e-4, 1.0), "rho": unit}),
    "adamax": st.fixed_dictionaries({"lr": st.floats(1e-4, 1.0), "beta1": unit, "beta2": unit}),
}
grads_strategy = st.lists(st.tuples(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3)),
                          min_size=6, max_size=6)


@settings(max_examples=40, deadline=None)
@given(family=st.sampled_from(sorted(HP_STRATEGIES)), data=st.data())
def test_property_stacked_random_hparams_bitwise_and_finite(family, data):
    hps = [data.draw(HP_STRATEGIES[family]) for _ in range(3)]
    opts = [make_optimizer(family, **hp) for hp in hps]
    grads = np.array([data.draw(grads_strategy) for _ in range(3)])  # (3 runs, 6 steps, 2)
    start = np.array(data.draw(st.lists(st.floats(-10, 10), min_size=6, max_size=6))).reshape(3, 2)
    stacked = stack_optimizers(opts)
    batch = start.copy()
    s = stacked.init(batch)
    for k in range(6):
        stacked.step_(grads[:, k], s, batch)
    assert np.all(np.isfinite(batch))
    for i, o in enumerate(opts):
        single = start[i:i + 1].copy()
        s1 = o.init(single)
        for k in range(6):
            o.step_(grads[i:i + 1, k], s1, single)
        assert np.array_equal(single, batch[i:i + 1])


@settings(max_examples=30, deadline=None)
@given(name=st.sampled_from(NAMES),
       g=st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=2),
       p0=st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=2))
def test_property_no_nan_from_finite_inputs_and_update_pure(name, g, p0):
    opt = make_optimizer(name)
    p = np.array([p0])
    gr = np.array([g])
    s = opt.init(p)
    for _ in range(5):
        p, s = opt.update(gr, s, p)
        assert np.all(np.isfinite(p))
        assert all(np.all(np.isfinite(v)) for v in s.slots.values())
    assert gr.tolist() == [g]


# --- validation ---------------------------------------------------------------------------

INVALID = [
    ("sgd", "lr", 0.0), ("sgd", "lr", -1.0), ("adam", "lr", math.inf), ("adam", "lr", math.nan),
    ("sgd", "momentum", 1.0), ("momentum", "momentum", -0.1), ("rmsprop", "momentum", 1.5),
    ("sgd", "dampening", -0.5), ("sgd", "weight_decay", -1e-3), ("adamw", "weight_decay", -1.0),
    ("adam", "beta1", 1.0), ("adam", "beta2", -0.01), ("nadam", "beta1", 1.0),
    ("radam", "beta2", 1.0), ("adamax", "beta2", 2.0), ("rmsprop", "alpha", 1.0),
    ("rmsprop", "alpha", -0.1), ("adadelta", "rho", 1.0), ("adadelta", "rho", -0.5),
    ("adam", "eps", 0.0), ("adagrad", "eps", -1e-10), ("adagrad", "lr_decay", -0.1),
    ("adagrad", "initial_accumulator_value", -1.0), ("nadam", "momentum_decay", -0.1),
    ("adam", "amsgrad", 1.0), ("sgd", "nesterov", "maybe"), ("rmsprop", "centered", "x"),
    ("adam", "lr", "abc"),
]


@pytest.mark.parametrize(("name", "param", "value"), INVALID)
def test_invalid_values_refused_naming_parameter(name, param, value):
    with pytest.raises(GdsimError, match=rf"{name}: {param}"):
        make_optimizer(name, **{param: value})


def test_unknown_names_listed():
    with pytest.raises(GdsimError, match=r"unknown optimizer 'adamm'; known: gd, sgd, .*radam"):
        make_optimizer("adamm")
    with pytest.raises(GdsimError, match=r"unknown parameter 'momentum'; known: lr"):
        make_optimizer("gd", momentum=0.9)
    with pytest.raises(GdsimError, match=r"unknown parameter 'betas'; known: lr, beta1, beta2"):
        make_optimizer("adam", betas=(0.9, 0.99))


def test_nesterov_requires_momentum_and_zero_dampening():
    with pytest.raises(GdsimError, match="nesterov=true requires momentum > 0 and dampening = 0"):
        make_optimizer("sgd", nesterov=True)
    with pytest.raises(GdsimError, match="requires momentum > 0"):
        make_optimizer("nesterov", momentum=0.0)
    with pytest.raises(GdsimError, match="dampening = 0"):
        make_optimizer("nesterov", dampening=0.1)
    assert make_optimizer("sgd", nesterov="true", momentum="0.5").hparams["nesterov"] is True


def test_strings_from_spec_are_parsed():
    opt = make_optimizer("adam", lr="0.05", beta1="0.8", amsgrad="false")
    assert opt.hparams["lr"] == 0.05 and opt.hparams["beta1"] == 0.8
    assert opt.hparams["amsgrad"] is False


@pytest.mark.parametrize("family", ["sgd", "rmsprop_c", "adam", "nadam", "radam", "adadelta"])
def test_row_blocks_give_the_same_floats(family, monkeypatch):
    import gdsim.optimizers as optimizers

    opts = [make_optimizer(n, **hp) for n, hp in FAMILY_VARIANTS[family]] * 5
    opts = opts[: len(opts) - (len(opts) % 3 == 0)]  # 10+ rows, ragged last block of 3
    starts = np.random.default_rng(3).normal(size=(len(opts), 2))
    lr_col = np.array([[o.hparams["lr"]] for o in opts]) * 0.7
    results = []
    for block in (10**6, 6):  # one call, then blocks of 3 rows with a ragged tail
        monkeypatch.setattr(optimizers, "_BLOCK_ELEMENTS", block)
        stacked = stack_optimizers(opts)
        p = starts.copy()
        s = stacked.init(p)
        for k in range(12):
            stacked.step_(quad_grad(p), s, p, lr_col if k % 2 else None)
        results.append((p, s))
    (p1, s1), (p2, s2) = results
    assert np.array_equal(p1, p2)
    assert all(np.array_equal(s1.slots[k], s2.slots[k]) for k in s1.slots)


@pytest.mark.parametrize("bad", [["adam"], None, 3, {"name": "adam"}])
def test_registry_factories_refuse_non_string_names(bad):
    from gdsim.schedules import make_schedule
    from gdsim.surfaces import make_surface

    for kind, factory in (("optimizer", make_optimizer), ("schedule", make_schedule),
                          ("surface", make_surface)):
        with pytest.raises(GdsimError, match=f"unknown {kind} .*; known: "):
            factory(bad)
