"""plateau (ReduceLROnPlateau) inside the engine: the simulation against torch's own loop, the
``lr`` column replaying on the ``loss`` column, the network trainer, chunking invariance."""

from __future__ import annotations

import numpy as np
import pytest

from gdsim.io import csv_text
from gdsim.nn.training import NNExperiment, Trainer
from gdsim.simulation import Experiment, RunSpec, Simulation

torch = pytest.importorskip("torch")


def replay(losses, lr0: float, **params) -> list[float]:
    """ReduceLROnPlateau's rates when fed ``losses`` in torch's loop order: lr_0 = lr0 and,
    after the update from step k, scheduler.step(losses[k]) gives lr_{k+1}."""
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr0)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", **params)
    out = [opt.param_groups[0]["lr"]]
    for loss in losses:
        opt.step()
        sched.step(float(loss))
        out.append(opt.param_groups[0]["lr"])
    return out


SURFACES = {
    "quadratic": lambda p: p[0] ** 2 + p[1] ** 2,
    "rosenbrock": lambda p: (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2,
    "himmelblau": lambda p: (p[0] ** 2 + p[1] - 11) ** 2 + (p[0] + p[1] ** 2 - 7) ** 2,
}

CASES = [
    # lr = 1 on x² + y²: x ← −x, a bounce that never improves until the plateau cuts lr
    ("quadratic", (1.5, -0.5), "sgd", {"lr": 1.0}, {"patience": 5, "factor": 0.3}),
    ("rosenbrock", (-1.2, 1.0), "adam", {"lr": 0.05},
     {"patience": 8, "factor": 0.5, "threshold": 0.01, "threshold_mode": "abs", "cooldown": 10}),
    ("himmelblau", (0.5, 0.5), "momentum", {"lr": 0.01},
     {"patience": 3, "factor": 0.5, "threshold": 0.02, "min_lr": 1e-3}),
]


def torch_loop(surface, start, optimizer, hp, sp, steps):
    """The reference: loss, backward, optimizer.step(), scheduler.step(loss)."""
    x = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    if optimizer == "adam":
        opt = torch.optim.Adam([x], lr=hp["lr"])
    else:
        opt = torch.optim.SGD([x], lr=hp["lr"], momentum=0.9 if optimizer == "momentum" else 0)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", **sp)
    pts, lrs = [list(start)], [hp["lr"]]
    for _ in range(steps):
        opt.zero_grad()
        loss = SURFACES[surface](x)
        loss.backward()
        opt.step()
        sched.step(loss.item())
        pts.append(x.detach().tolist())
        lrs.append(opt.param_groups[0]["lr"])
    return np.array(pts), np.array(lrs)


@pytest.mark.parametrize(("surface", "start", "optimizer", "hp", "sp"), CASES,
                         ids=[c[0] for c in CASES])
def test_simulation_matches_torch_loop_with_reduce_lr_on_plateau(surface, start, optimizer,
                                                                 hp, sp):
    steps = 400
    exp = Experiment(surface=surface, start=start, steps=steps, tol=0.0,
                     runs=[RunSpec(optimizer, hp, "plateau", sp)])
    sim = Simulation(exp)
    sim.run()
    tr = sim.runs[0].trajectory
    pts, lrs = torch_loop(surface, start, optimizer, hp, sp, steps)
    assert tr.n == steps + 1
    np.testing.assert_allclose(tr.points, pts, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(tr.lr, lrs, rtol=1e-12)
    assert len(set(lrs.tolist())) >= 2  # the loss stalled and the rate dropped


def test_csv_lr_column_replays_reduce_lr_on_plateau_on_the_loss_column():
    sp = {"patience": 4, "factor": 0.5, "cooldown": 2}
    exp = Experiment(surface="ravine", start=(2.0, 1.0), steps=300, tol=0.0, runs=[
        RunSpec("sgd", {"lr": 0.1}, "plateau", sp),  # lr = 2/c: y bounces forever, x decays
        RunSpec("gd", {"lr": 0.05}),
    ])
    sim = Simulation(exp)
    sim.run()
    lines = csv_text(sim).splitlines()[1:]
    rows = [ln.split(",") for ln in lines if ln.startswith("sgd,")]
    loss = [float(r[5]) for r in rows]
    lr = [float(r[9]) for r in rows]
    assert lr == replay(loss[:-1], 0.1, **sp)
    assert lr.count(0.1) < len(lr) and min(lr) == 0.05  # the bounce stalls the loss: one drop
    k = lr.index(0.05)
    assert loss[k + 1] < 1e-3 * loss[k]  # and at lr = 1/c the y-bounce is gone in one step


def test_plateau_runs_chunk_and_batch_bit_identically():
    runs = [RunSpec("adam", {"lr": 0.3}, "plateau", {"patience": 2, "factor": 0.5}),
            RunSpec("adam", {"lr": 0.1}, "plateau", {"patience": 5, "threshold_mode": "abs"}),
            RunSpec("adam", {"lr": 0.05})]
    exp = Experiment(surface="rastrigin", start=(2.3, -1.7), steps=150, noise=0.2, runs=runs)
    whole = Simulation(exp)
    whole.run()
    pieces = Simulation(exp)
    for n in [1, 1, 3, 17, 40, 100]:
        pieces.step(n)
    for a, b in zip(whole.runs, pieces.runs, strict=True):
        np.testing.assert_array_equal(a.trajectory.data, b.trajectory.data)
    for i, spec in enumerate(runs[:2]):  # a plateau run alone = the same run among others
        alone = Simulation(Experiment(surface="rastrigin", start=(2.3, -1.7), steps=150,
                                      noise=0.2, runs=[RunSpec(spec.optimizer, spec.hparams,
                                                               spec.schedule,
                                                               spec.schedule_params, seed=i)]))
        alone.run()
        np.testing.assert_array_equal(alone.runs[0].trajectory.data, whole.runs[i].trajectory.data)
    assert len(np.unique(whole.runs[0].trajectory.lr)) > 1


def test_network_trainer_plateau_reacts_to_the_train_loss():
    sp = {"patience": 3, "factor": 0.5}
    exp = NNExperiment(dataset="moons", samples=80, hidden=(6,), epochs=120, seed=3,
                       runs=[RunSpec("sgd", {"lr": 3.0}, "plateau", sp),
                             RunSpec("sgd", {"lr": 3.0})])
    tr = Trainer(exp)
    tr.run()
    loss = tr.column(0, "train_loss")
    lr = tr.column(0, "lr")
    assert lr.tolist() == replay(loss[:-1], 3.0, **sp)
    assert lr[-1] < 3.0  # it dropped ...
    assert (tr.column(1, "lr") == 3.0).all()  # ... and the constant run did not
    # stepping in pieces gives the same record
    tr2 = Trainer(exp)
    for n in (1, 5, 50, 200):
        tr2.step(n)
    np.testing.assert_array_equal(tr2.column(0, "lr"), lr)
    np.testing.assert_array_equal(tr2.column(0, "train_loss"), loss)


def test_float_path_equals_array_path_for_plateau_runs():
    """≤ 8 plateau runs step on Python floats, more on arrays: the same numbers."""
    specs = [RunSpec("adam", {"lr": 0.02 * (k + 1)}, "plateau",
                     {"patience": 1 + k % 4, "factor": 0.5, "cooldown": k % 3,
                      "threshold_mode": "abs" if k % 2 else "rel", "threshold": 1e-3})
             for k in range(10)]
    big = Simulation(Experiment(surface="himmelblau", start=(0.5, -0.5), steps=300,
                                noise=0.3, runs=specs))
    big.run()
    assert len(big.runs) > 8
    for i in (0, 3, 9):
        alone = Simulation(Experiment(surface="himmelblau", start=(0.5, -0.5), steps=300,
                                      noise=0.3, runs=[RunSpec(specs[i].optimizer,
                                                               specs[i].hparams, "plateau",
                                                               specs[i].schedule_params,
                                                               seed=i)]))
        alone.run()
        np.testing.assert_array_equal(alone.runs[0].trajectory.data,
                                      big.runs[i].trajectory.data)
        assert len(np.unique(alone.runs[0].trajectory.lr)) > 1
