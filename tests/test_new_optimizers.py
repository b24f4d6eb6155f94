"""SPEC §10: the rest of torch.optim and today's favourites, each step by step against its
reference implementation (torch.optim, lion-pytorch, torch-optimizer, adabelief-pytorch,
schedulefree 1.4.1) in float64, on several surfaces, single runs and batches; torch.optim's
``maximize`` and ``decoupled_weight_decay`` on every optimizer that has them; refusals."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("lion_pytorch")
pytest.importorskip("torch_optimizer")
pytest.importorskip("adabelief_pytorch")
pytest.importorskip("schedulefree")

from reference_optim import reference_trajectory  # noqa: E402

from gdsim.errors import GdsimError  # noqa: E402
from gdsim.optimizers import OPTIMIZERS, make_optimizer, stack_optimizers  # noqa: E402
from gdsim.rules.modern import averaged_point  # noqa: E402
from gdsim.schedules import make_schedule  # noqa: E402
from gdsim.surfaces import make_surface  # noqa: E402

STEPS = 60
RTOL = 1e-9
# (name, hyperparameters): defaults and non-default values of every hyperparameter
CASES = [
    ("rprop", {}),
    ("rprop", {"lr": 0.05, "eta_minus": 0.3, "eta_plus": 1.5, "step_size_min": 1e-3,
               "step_size_max": 0.2}),
    ("asgd", {"lr": 0.001}),
    ("asgd", {"lr": 0.002, "lambd": 0.05, "alpha": 0.5, "t0": 20.0, "weight_decay": 0.1}),
    ("adafactor", {}),
    ("adafactor", {"lr": 0.2, "beta2_decay": -0.5, "eps1": 1e-10, "eps2": 0.01, "d": 2.0,
                   "weight_decay": 0.1}),
    ("lion", {"lr": 0.01}),
    ("lion", {"lr": 0.003, "beta1": 0.5, "beta2": 0.9, "weight_decay": 0.2}),
    ("qhm", {"lr": 0.005}),
    ("qhm", {"lr": 0.002, "momentum": 0.9, "nu": 0.3, "weight_decay": 0.1}),
    ("qhadam", {"lr": 0.05}),
    ("qhadam", {"lr": 0.02, "beta1": 0.8, "beta2": 0.99, "nu1": 0.7, "nu2": 0.4,
                "eps": 1e-6, "weight_decay": 0.1}),
    ("adabelief", {"lr": 0.05}),
    ("adabelief", {"lr": 0.02, "beta1": 0.7, "beta2": 0.9, "eps": 1e-8, "weight_decay": 0.1}),
    ("yogi", {"lr": 0.05}),
    ("yogi", {"lr": 0.02, "beta1": 0.7, "beta2": 0.9, "eps": 1e-4,
              "initial_accumulator": 0.5, "weight_decay": 0.1}),
    ("sf_sgd", {"lr": 0.002}),
    ("sf_sgd", {"lr": 0.001, "momentum": 0.5, "weight_decay": 0.1}),
    ("sf_adamw", {"lr": 0.05}),
    ("sf_adamw", {"lr": 0.02, "beta1": 0.7, "beta2": 0.9, "eps": 1e-6, "weight_decay": 0.1}),
]
SURFACES = {"quadratic": (1.5, -1.0), "rosenbrock": (-1.2, 1.0), "himmelblau": (0.5, 0.5)}


def gdsim_trajectory(name: str, hp: dict, surface, start, steps: int, lrs=None,
                     rows: int = 1) -> tuple[np.ndarray, object, object]:
    """Points (steps + 1, rows, 2) of ``rows`` copies of one run stepped as a batch."""
    opt = make_optimizer(name, **hp)
    p = np.tile(np.array([start], dtype=np.float64), (rows, 1))
    s = opt.init(p)
    out = [p.copy()]
    for k in range(steps):
        opt.step_(surface.grad(p), s, p, None if lrs is None else lrs[k])
        out.append(p.copy())
    return np.array(out), opt, s


def assert_close(got: np.ndarray, want: np.ndarray) -> None:
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=1e-12)


@pytest.mark.parametrize("surface_name", list(SURFACES))
@pytest.mark.parametrize(("name", "hp"), CASES)
def test_matches_reference_step_by_step(name, hp, surface_name):
    surface = make_surface(surface_name)
    start = SURFACES[surface_name]
    ref = reference_trajectory(name, hp, surface, start, STEPS)
    got, opt, state = gdsim_trajectory(name, hp, surface, start, STEPS)
    finite = np.isfinite(ref.points).all(axis=1)
    n = len(finite) if finite.all() else int(np.argmin(finite))  # compare until it blows up
    assert n > 20
    assert_close(got[:n, 0], ref.points[:n])
    if name.startswith("sf_") and n == len(finite):  # the averaged x, as .eval() gives it
        x = averaged_point(name, opt.hparams, got[-1], state.buffers)
        assert_close(x[0], ref.x[-1])


@pytest.mark.parametrize(("name", "hp"), CASES[::2])
def test_batch_rows_equal_the_single_run(name, hp):
    surface = make_surface("himmelblau")
    single, _, _ = gdsim_trajectory(name, hp, surface, (0.5, 0.5), 30)
    batch, _, _ = gdsim_trajectory(name, hp, surface, (0.5, 0.5), 30, rows=3)
    for r in range(3):
        assert np.array_equal(batch[:, r], single[:, 0])


@pytest.mark.parametrize("name", sorted({n for n, _ in CASES}))
def test_stacked_hyperparameters_equal_each_run_alone(name):
    """Two hyperparameter rows stacked into (N, 1) columns: each row is its run alone."""
    a, b = [hp for n, hp in CASES if n == name]
    opts = [make_optimizer(name, **a), make_optimizer(name, **b)]
    if len({o.stack_key for o in opts}) > 1:
        pytest.skip("different flags: not stackable")
    surface = make_surface("quadratic")
    stacked = stack_optimizers(opts)
    p = np.array([[1.5, -1.0], [1.5, -1.0]])
    s = stacked.init(p)
    for _ in range(25):
        stacked.step_(surface.grad(p), s, p)
    for i, hp in enumerate((a, b)):
        alone, _, _ = gdsim_trajectory(name, hp, surface, (1.5, -1.0), 25)
        assert np.array_equal(p[i], alone[-1, 0])


@pytest.mark.parametrize("name", ["rprop", "asgd", "adafactor", "lion", "yogi", "sf_sgd",
                                  "sf_adamw", "qhadam"])
def test_scheduled_lr_matches_reference(name):
    """A cosine schedule sets the reference's group lr before each step, as gdsim's lr column."""
    hp = dict(next(h for n, h in CASES if n == name))
    hp.setdefault("lr", 0.01)
    sched = make_schedule("cosine", t_max=40)
    lrs = [float(v) for v in sched.values(hp["lr"], np.arange(STEPS))]
    assert lrs[40] == 0.0 and lrs[0] == hp["lr"]
    surface = make_surface("rosenbrock")
    ref = reference_trajectory(name, hp, surface, (-1.2, 1.0), STEPS, lrs=lrs)
    got, _, _ = gdsim_trajectory(name, hp, surface, (-1.2, 1.0), STEPS, lrs=lrs)
    assert_close(got[:, 0], ref.points)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_maximize_climbs_exactly_as_the_reference(name):
    """``maximize`` on every optimizer: gradient ascent, equal to the reference's rule."""
    quad = make_surface("quadratic")
    hp = {"lr": 0.01, "maximize": True}
    if name == "adadelta":
        hp["lr"] = 1.0
    got, _, _ = gdsim_trajectory(name, hp, quad, (0.5, 0.3), 30)
    values = quad.value(got[:, 0])
    assert values[-1] > values[0]  # it climbs
    ref = reference_trajectory(name, hp, quad, (0.5, 0.3), 30)
    assert_close(got[:, 0], ref.points)


@pytest.mark.parametrize("name", ["adam", "amsgrad", "nadam", "radam"])
def test_decoupled_weight_decay_matches_torch(name):
    hp = {"lr": 0.05, "weight_decay": 0.3, "decoupled_weight_decay": True}
    surface = make_surface("himmelblau")
    ref = reference_trajectory(name, hp, surface, (0.5, 0.5), STEPS)
    got, _, _ = gdsim_trajectory(name, hp, surface, (0.5, 0.5), STEPS)
    assert_close(got[:, 0], ref.points)
    plain, _, _ = gdsim_trajectory(name, {**hp, "decoupled_weight_decay": False}, surface,
                                   (0.5, 0.5), STEPS)
    assert not np.allclose(plain, got)  # the flag changes the rule


def test_adam_with_decoupled_decay_is_adamw_bitwise():
    surface = make_surface("rosenbrock")
    hp = {"lr": 0.02, "weight_decay": 0.1}
    a, _, _ = gdsim_trajectory("adam", {**hp, "decoupled_weight_decay": True}, surface,
                               (-1.2, 1.0), 40)
    w, _, _ = gdsim_trajectory("adamw", hp, surface, (-1.2, 1.0), 40)
    assert np.array_equal(a, w)


def test_rprop_first_steps_by_hand():
    """g = 2p on x² + y²: Δ₁ = η·η₊? No: the first step has no previous gradient (sign 0,
    factor 1): θ₁ = θ₀ − sign(g)·η; then the sign keeps, Δ grows by η₊."""
    quad = make_surface("quadratic")
    got, _, _ = gdsim_trajectory("rprop", {"lr": 0.1, "eta_plus": 1.5}, quad, (1.0, -2.0), 3)
    assert got[1, 0].tolist() == pytest.approx([0.9, -1.9], rel=1e-15)
    assert got[2, 0].tolist() == pytest.approx([0.9 - 0.15, -1.9 + 0.15], rel=1e-15)
    assert got[3, 0].tolist() == pytest.approx([0.75 - 0.225, -1.75 + 0.225], rel=1e-15)


def test_lion_steps_are_signs_of_size_lr():
    """Lion moves every coordinate by exactly ±η (no weight decay)."""
    surface = make_surface("rosenbrock")
    got, _, _ = gdsim_trajectory("lion", {"lr": 0.01}, surface, (-1.2, 1.0), 20)
    steps = np.abs(np.diff(got[:, 0], axis=0))
    np.testing.assert_allclose(steps, 0.01, rtol=1e-12)


@pytest.mark.parametrize("spec", [
    "sgd:lr=0.001,momentum=0,dampening=0,weight_decay=0,nesterov=false,maximize=false",
    "adam:lr=0.001,beta1=0.9,beta2=0.999,eps=1e-8,weight_decay=0,amsgrad=false,"
    "decoupled_weight_decay=true,maximize=false",
    "adamw:decoupled_weight_decay=true,weight_decay=0",
    "rprop:lr=0.01,eta_minus=0.5,eta_plus=1.2,step_size_min=1e-6,step_size_max=50,"
    "maximize=false",
    "adafactor:eps1=none,eps2=0.001,d=1,beta2_decay=-0.8,weight_decay=0",
    "asgd:lambd=0.0001,alpha=0.75,t0=1000000,weight_decay=0",
])
def test_spelled_out_spec_with_integers_is_accepted(spec, tmp_path, capsys):
    """SPEC §10: every hyperparameter spelled out, defaults included, integers for floats."""
    from gdsim.cli import main

    out = tmp_path / "t.csv"
    assert main(["run", "--surface", "quadratic", "--optimizer", spec, "--steps", "3",
                 "--csv", str(out)]) == 0
    assert len(out.read_text().splitlines()) == 1 + 4


@pytest.mark.parametrize(("name", "hp", "match"), [
    ("adamw", {"decoupled_weight_decay": False}, "decoupled_weight_decay"),
    ("rprop", {"eta_minus": 1.0}, "eta_minus"),
    ("rprop", {"eta_minus": 1.5}, "eta_minus"),
    ("rprop", {"eta_plus": 0.9}, "eta_plus"),
    ("rprop", {"step_size_min": 1.0, "step_size_max": 0.5}, "step_size_min"),
    ("asgd", {"lambd": -1.0}, "lambd"),
    ("adafactor", {"beta2_decay": 0.5}, "beta2_decay"),
    ("adafactor", {"eps1": 0.0}, "eps1"),
    ("adafactor", {"d": 0.5}, "d"),
    ("lion", {"beta2": 1.0}, "beta2"),
    ("qhm", {"nu": 1.5}, "nu"),
    ("qhadam", {"nu2": -0.1}, "nu2"),
    ("adabelief", {"eps": 0.0}, "eps"),
    ("yogi", {"initial_accumulator": -1.0}, "initial_accumulator"),
    ("sf_sgd", {"momentum": 1.0}, "momentum"),
    ("sf_adamw", {"lr": 0.0}, "lr"),
    ("sgd", {"maximize": "yes"}, "maximize"),
])
def test_invalid_values_are_refused_naming_the_parameter(name, hp, match):
    with pytest.raises(GdsimError, match=match):
        make_optimizer(name, **hp)


@pytest.mark.parametrize("name", ["sf_sgd", "sf_adamw"])
def test_simulation_holds_the_averaged_point_of_the_reference(name):
    """The engine keeps x at step 0 and at each run's latest step, equal to the package's."""
    from gdsim.simulation import Experiment, RunSpec, Simulation

    hp = next(h for n, h in CASES if n == name)
    sim = Simulation(Experiment(surface="himmelblau", start=(0.5, 0.5),
                                runs=[RunSpec(name, hp), RunSpec(name, {**hp, "lr": 0.001}),
                                      RunSpec("adam", {"lr": 0.01})], steps=40, tol=0.0))
    assert np.array_equal(sim.averaged_point(0, 0), [0.5, 0.5])
    sim.step(25)
    assert sim.averaged_point(0, 24) is None  # only the latest step is held
    assert sim.averaged_point(2, 25) is None  # not a schedule-free run
    for i, spec in enumerate(sim.runs[:2]):
        ref = reference_trajectory(name, spec.spec.hparams, make_surface("himmelblau"),
                                   (0.5, 0.5), 25)
        assert_close(sim.averaged_point(i, 25), ref.x[-1])
    sim.run()
    assert_close(sim.averaged_point(0, 40),
                 reference_trajectory(name, hp, make_surface("himmelblau"), (0.5, 0.5),
                                      40).x[-1])
