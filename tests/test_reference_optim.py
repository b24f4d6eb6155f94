"""The reference helper (tests/reference_optim.py) itself: it reproduces gdsim's current
optimizers through the engine, and every SPEC §10 reference builds, steps and reports x."""

from __future__ import annotations

import numpy as np
import pytest

from gdsim.optimizers import OPTIMIZERS
from gdsim.simulation import Experiment, RunSpec, Simulation
from gdsim.surfaces import make_surface

torch = pytest.importorskip("torch")
pytest.importorskip("lion_pytorch")
pytest.importorskip("torch_optimizer")
pytest.importorskip("adabelief_pytorch")
pytest.importorskip("schedulefree")

from reference_optim import (  # noqa: E402
    SPEC_DEFAULTS,
    build,
    float64_default,
    full_hparams,
    reference_trajectory,
)

STEPS = 80
CASES = [  # gdsim optimizer, hparams, schedule, surface, start
    ("adam", {"lr": 0.05}, None, "rosenbrock", (-1.2, 1.0)),
    ("adam", {"lr": 0.05, "beta1": 0.7, "weight_decay": 0.1, "amsgrad": True},
     ("onecycle", {"total_steps": 60}), "himmelblau", (0.3, -0.4)),
    ("sgd", {"lr": 1e-3}, ("multistep", {"milestones": (10, 40)}), "rosenbrock", (-1.2, 1.0)),
    ("sgd", {"lr": 5e-3, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.2},
     ("cyclic", {"base_lr": 1e-4, "step_size_up": 15, "mode": "triangular2"}), "himmelblau",
     (-1.0, 2.0)),
    ("nesterov", {"lr": 2e-3}, ("cosine_restarts", {"t_0": 20, "t_mult": 2}), "beale",
     (1.0, 1.5)),
    ("rmsprop", {"lr": 0.01, "centered": True, "momentum": 0.5}, None, "rosenbrock", (0.5, 2.0)),
    ("adamw", {"lr": 0.05, "weight_decay": 0.3}, ("linear", {"total_iters": 30}), "himmelblau",
     (0.0, 0.0)),
    ("nadam", {"lr": 0.05}, ("polynomial", {"total_iters": 70, "power": 2.0}), "rosenbrock",
     (-1.2, 1.0)),
]


@pytest.mark.parametrize(("name", "hp", "sched", "surface", "start"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_helper_reproduces_gdsim_simulation(name, hp, sched, surface, start):
    sname, sparams = sched if sched else ("constant", {})
    sim = Simulation(Experiment(surface=surface, start=start, steps=STEPS, tol=0.0,
                                runs=[RunSpec(name, hp, sname, sparams)]))
    sim.run()
    tr = sim.runs[0].trajectory
    assert tr.n == STEPS + 1
    ref = reference_trajectory(name, sim.runs[0].optimizer.hparams, sim.surface, start, STEPS,
                               lrs=tr.lr[:STEPS])
    assert ref.x is None and ref.points.shape == (STEPS + 1, 2)
    assert np.abs(np.diff(ref.points, axis=0)).max() > 1e-6  # it moves
    np.testing.assert_allclose(tr.points, ref.points, rtol=1e-10, atol=1e-12)


def test_partial_hparams_take_gdsim_defaults_and_missing_ones_are_named():
    assert full_hparams("adam", {"lr": 0.1})["beta2"] == 0.999
    assert full_hparams("rprop", {})["eta_plus"] == 1.2
    assert full_hparams("lion", {})["lr"] == OPTIMIZERS["lion"].params[0].default
    with pytest.raises(KeyError, match="unknown hyperparameters"):
        full_hparams("adam", {"betas": (0.9, 0.99)})
    with pytest.raises(KeyError, match="no reference"):
        full_hparams("sophia", {})


NEW = {  # every SPEC §10 optimizer, hyperparameters as gdsim will name them
    "rprop": {"lr": 0.01, "eta_minus": 0.4},
    "asgd": {"lr": 0.005, "t0": 20.0},
    "adafactor": {"lr": 0.05},
    "lion": {"lr": 0.01, "weight_decay": 0.1},
    "qhm": {"lr": 0.005, "momentum": 0.9},
    "qhadam": {"lr": 0.05, "beta1": 0.9, "beta2": 0.999, "nu1": 0.7, "eps": 1e-8,
               "weight_decay": 0.0},
    "adabelief": {"lr": 0.05, "beta1": 0.9, "beta2": 0.999, "weight_decay": 0.0},
    "yogi": {"lr": 0.05, "beta1": 0.9, "beta2": 0.999, "weight_decay": 0.0},
    "sf_sgd": {"lr": 0.005, "momentum": 0.9},
    "sf_adamw": {"lr": 0.05, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.01},
}


@pytest.mark.parametrize("name", list(SPEC_DEFAULTS))
def test_every_spec_10_reference_builds_and_descends(name):
    surface = make_surface("himmelblau")
    ref = reference_trajectory(name, NEW[name], surface, (0.5, 0.5), 60)
    assert np.isfinite(ref.points).all() and (ref.points[0] == [0.5, 0.5]).all()
    loss = surface.value(ref.points)
    assert loss[-1] < loss[0]  # every one of them descends
    if name.startswith("sf_"):
        assert ref.x.shape == ref.points.shape and (ref.x[0] == ref.points[0]).all()
        assert np.abs(ref.x[1:] - ref.points[1:]).max() > 1e-6  # y and x differ
    else:
        assert ref.x is None


@pytest.mark.parametrize("name", ["sf_sgd", "sf_adamw"])
def test_schedule_free_x_is_what_eval_gives(name):
    quad = make_surface("quadratic")
    ref = reference_trajectory(name, NEW[name], quad, (1.5, -1.0), 25)
    opt = ref.optimizer
    p = opt.param_groups[0]["params"][0]
    assert (p.detach().numpy() == ref.points[-1]).all()  # train mode: p holds y
    with float64_default():
        opt.eval()
    assert (p.detach().numpy() == ref.x[-1]).all()


def test_schedule_free_by_hand_first_steps():
    """sf_sgd, r = 0, weight_lr_power = 2, constant lr: c_{t+1} = 1/(t+1);
    y ← (1 − c)y + c·z + lr(β(1 − c) − 1)g;  z ← z − lr·g;  x = y + (1 − 1/β)(z − y)."""
    lr, beta = 0.1, 0.9
    ref = reference_trajectory("sf_sgd", {"lr": lr, "momentum": beta},
                               lambda p: 2 * p, (1.0, 2.0), 3)
    y, z = np.array([1.0, 2.0]), np.array([1.0, 2.0])
    for t in range(3):
        c = 1.0 / (t + 1)
        g = 2 * y
        y = (1 - c) * y + c * z + lr * (beta * (1 - c) - 1) * g
        z = z - lr * g
        np.testing.assert_allclose(ref.points[t + 1], y, rtol=1e-14)
        np.testing.assert_allclose(ref.x[t + 1], y + (1 - 1 / beta) * (z - y), rtol=1e-13)


def test_maximize_climbs_and_negated_gradient_equals_torchs_flag():
    quad = make_surface("quadratic")
    up = reference_trajectory("adam", {"lr": 0.05, "maximize": True}, quad, (0.5, 0.3), 30)
    down = reference_trajectory("adam", {"lr": 0.05}, lambda p: -2 * p, (0.5, 0.3), 30)
    np.testing.assert_array_equal(up.points, down.points)  # torch's maximize: g ← −g
    assert quad.value(up.points)[-1] > quad.value(up.points)[0]
    lion_up = reference_trajectory("lion", {"lr": 0.01, "maximize": True}, quad, (0.5, 0.3), 30)
    assert quad.value(lion_up.points)[-1] > quad.value(lion_up.points)[0]


def test_decoupled_weight_decay_reaches_torch():
    h = full_hparams("adam", {"lr": 0.05, "weight_decay": 0.5, "decoupled_weight_decay": True})
    with float64_default():
        p = torch.zeros(2, dtype=torch.float64)
        opt, takes = build("adam", h, [p])
    assert takes and opt.param_groups[0]["decoupled_weight_decay"] is True
    quad = make_surface("quadratic")
    a = reference_trajectory("adam", {"lr": 0.05, "weight_decay": 0.5,
                                      "decoupled_weight_decay": True}, quad, (1.0, 1.0), 20)
    b = reference_trajectory("adamw", {"lr": 0.05, "weight_decay": 0.5}, quad, (1.0, 1.0), 20)
    np.testing.assert_array_equal(a.points, b.points)  # Adam(decoupled) is AdamW


def test_schedule_free_warmup_is_passed_through():
    quad = make_surface("quadratic")
    plain = reference_trajectory("sf_adamw", NEW["sf_adamw"], quad, (1.0, 1.0), 10)
    warm = reference_trajectory("sf_adamw", {**NEW["sf_adamw"], "warmup_steps": 5}, quad,
                                (1.0, 1.0), 10)
    assert warm.optimizer.param_groups[0]["warmup_steps"] == 5
    assert np.abs(warm.points[1] - 1.0).max() < np.abs(plain.points[1] - 1.0).max()
