"""Presets in resources/presets: valid experiment files whose runs really show their story."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from gdsim.io import load_experiment
from gdsim.simulation import Simulation

PRESETS = Path(__file__).resolve().parent.parent / "resources" / "presets"
FILES = sorted(PRESETS.glob("*.json"))


def load(name: str) -> Simulation:
    """Preset ``name`` loaded with the engine's loader and run to the end."""
    sim = Simulation(load_experiment(PRESETS / f"{name}.json"))
    sim.run()
    return sim


def by_label(sim: Simulation) -> dict:
    return {r.label: r for r in sim.runs}


def test_there_are_presets_for_every_story():
    assert len(FILES) >= 8


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_preset_is_an_experiment_file_with_title_and_description(path):
    d = json.loads(path.read_text(encoding="utf-8"))
    assert d["format"] == "gdsim-experiment" and d["version"] == 1
    assert isinstance(d["title"], str) and 5 < len(d["title"]) < 60
    assert isinstance(d["description"], str) and len(d["description"]) > 40
    assert d["description"].rstrip().endswith(".")
    colors = [r["color"] for r in d["runs"]]
    assert len(set(colors)) == len(colors)  # runs are told apart by colour


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_preset_loads_with_the_engine_loader(path):
    """``gdsim run --experiment PRESET`` must work: the loader accepts title/description."""
    exp = load_experiment(path)
    assert exp.runs and all(r.enabled for r in exp.runs)
    d = json.loads(path.read_text(encoding="utf-8"))
    assert (exp.title, exp.description) == (d["title"], d["description"])


def test_ravine_gd_zigzags_and_momentum_wins():
    sim = load("01_ravine_momentum")
    runs = by_label(sim)
    gd, mom = runs["GD lr=0.019"], runs["Momentum 0.5"]
    assert gd.spec.hparams["lr"] == mom.spec.hparams["lr"]  # same learning rate
    y = gd.trajectory.points[:20, 1]
    assert np.all(np.sign(y[1:]) == -np.sign(y[:-1]))  # GD crosses the valley floor every step
    assert np.abs(y[10]) > 0.5  # ... and the zig-zag is still wide after 10 steps
    assert np.abs(mom.trajectory.points[10:, 1]).max() < 0.2  # momentum has damped it: glides
    assert mom.trajectory.points[:, 0].max() <= 0.0  # ... without overshooting the minimum
    assert mom.trajectory.loss[-1] < 1e-3 * gd.trajectory.loss[-1]
    assert gd.status == mom.status == "max_steps"


def test_only_the_largest_learning_rate_diverges():
    sim = load("02_learning_rate_too_large")
    status = {r.label: r.status for r in sim.runs}
    assert status["lr=1.05"] == "diverged"
    assert [k for k, s in status.items() if s == "diverged"] == ["lr=1.05"]
    # |1 − 2·lr| = 0.8, 0.1, 0.8 → the two lr with equal factor converge in the same number of steps
    runs = by_label(sim)
    assert runs["lr=0.1"].steps == runs["lr=0.9"].steps
    assert runs["lr=0.45"].steps < runs["lr=0.1"].steps
    # lr=0.9 oscillates: x changes sign every step
    x = runs["lr=0.9"].trajectory.points[:10, 0]
    assert np.all(np.sign(x[1:]) == -np.sign(x[:-1]))


def test_nesterov_overshoots_less_than_momentum():
    sim = load("03_nesterov_vs_momentum")
    runs = by_label(sim)
    overshoot = {k: r.trajectory.points[:, 0].max() for k, r in runs.items()}  # start x = −9
    assert overshoot["Nesterov"] < 0.8 * overshoot["Momentum"]
    assert overshoot["Momentum"] > 1.0
    assert runs["Nesterov"].status == "converged"
    swing = {k: np.abs(r.trajectory.points[20:, 1]).max() for k, r in runs.items()}
    assert swing["Momentum"] > 0.5 > 0.01 > swing["Nesterov"]  # across the valley after 20 steps
    assert runs["Nesterov"].steps < runs["Momentum"].steps


def test_saddle_on_axis_stalls_and_off_axis_escapes():
    sim = load("04_saddle_escape")
    runs = by_label(sim)
    on = runs["GD on the axis"]
    assert on.status == "converged"
    assert np.allclose(on.trajectory.points[-1], 0.0, atol=1e-8)  # at the saddle, not a minimum
    assert np.all(on.trajectory.points[:, 1] == 0.0)
    off, mom = runs["GD 0.01 off the axis"], runs["Momentum 0.01 off"]
    for r in (off, mom):
        assert np.abs(r.trajectory.points[:, 1]).max() > 2.0  # left the view downhill in y
        assert r.status == "diverged"  # the saddle is unbounded below
    assert mom.steps < off.steps  # momentum escapes sooner


def test_adagrad_stalls_while_rmsprop_arrives():
    sim = load("05_adagrad_vs_rmsprop")
    runs = by_label(sim)
    ada, rms = runs["AdaGrad"], runs["RMSprop"]
    assert rms.trajectory.loss[-1] < 1e-2
    assert ada.trajectory.loss[-1] > 100.0
    step = np.hypot(*np.diff(ada.trajectory.points, axis=0).T)
    assert step[200:].mean() < 0.1 * step[0]  # AdaGrad's steps have shrunk tenfold


def test_adam_beats_sgd_on_rosenbrock():
    sim = load("06_adam_vs_sgd_rosenbrock")
    runs = by_label(sim)
    adam, sgd = runs["Adam lr=0.05"], runs["SGD lr=0.0005"]
    assert np.linalg.norm(adam.trajectory.points[-1] - 1.0) < 0.05
    assert np.linalg.norm(sgd.trajectory.points[-1] - 1.0) > 0.5
    assert sgd.status != "diverged"


def test_himmelblau_runs_end_in_at_least_three_minima():
    sim = load("07_himmelblau_four_minima")
    minima = sim.surface.minima
    ends = []
    for r in sim.runs:
        d = np.hypot(*(minima - r.trajectory.points[-1]).T)
        assert d.min() < 1e-3 and r.status == "converged"
        ends.append(int(d.argmin()))
    assert len(set(ends)) >= 3
    starts = np.array([r.trajectory.points[0] for r in sim.runs])
    assert np.ptp(starts, axis=0).max() <= 1.0  # the starts are close together


def test_minibatch_noise_shrinks_with_batch_size():
    """One experiment, three SGD runs differing only in their batch size (per-run overrides)."""
    sim = load("08_minibatch_noise_linreg")
    assert sim.surface.name == "linreg"
    runs = by_label(sim)
    b1, b8, full = runs["SGD batch 1"], runs["SGD batch 8"], runs["SGD full batch"]
    assert [r.batch_size for r in (b1, b8, full)] == [1, 8, 0]  # 0: full batch
    specs = [r.spec for r in (b1, b8, full)]
    assert all(s.optimizer == "sgd" and s.hparams == specs[0].hparams for s in specs)
    assert len({r.start for r in (b1, b8, full)}) == 1  # same start
    j1, j8, jf = (r.trajectory.loss[-200:].std() for r in (b1, b8, full))
    assert j1 > 3 * j8 > 3 * 3 * jf
    assert jf < 1e-4  # full batch settles
    assert b1.trajectory.loss[-1] > full.trajectory.loss[-1]


def test_onecycle_lands_closer_than_either_constant_rate():
    sim = load("09_onecycle_vs_constant")
    runs = by_label(sim)
    fast, slow, cyc = runs["Adam lr=0.3"], runs["Adam lr=0.03"], runs["Adam one-cycle, peak 0.3"]
    d = {r.label: sim.min_distance(sim.runs.index(r)) for r in (fast, slow, cyc)}
    assert all(r.status == "max_steps" for r in (fast, slow, cyc))
    # the same peak: one-cycle warms up from lr/25, peaks at lr, anneals to lr/25/1e4
    lr = cyc.trajectory.lr
    assert lr[0] == pytest.approx(0.3 / 25) and lr.max() == pytest.approx(0.3, rel=1e-5)
    assert lr[-1] == pytest.approx(0.3 / 25 / 1e4)
    assert int(np.argmax(lr)) in (299, 300)
    # constant 0.3 keeps jittering: its distance over the last 200 steps swings widely
    assert d[fast.label][-200:].max() > 100 * d[cyc.label][-200:].max()
    # constant 0.03 is still on its way along the valley
    assert d[slow.label][-1] > 0.1
    # one-cycle lands ~100× closer than either, and stays there
    assert d[cyc.label][-1] < 0.02 * min(d[fast.label][-1], d[slow.label][-1])
    assert d[cyc.label][-200:].max() < 1e-4
    assert cyc.trajectory.loss[-1] < 1e-3 * fast.trajectory.loss[-1]  # a loss 1000× lower


def test_plateau_steps_down_the_noise_floor():
    sim = load("10_plateau_noise_floor")
    runs = by_label(sim)
    fast, slow, plat = runs["SGD lr=0.1"], runs["SGD lr=0.002"], runs["SGD plateau from 0.1"]
    lr = plat.trajectory.lr
    levels = [float(v) for k, v in enumerate(lr) if k == 0 or lr[k] != lr[k - 1]]
    # stairs: 0.1 → 0.03 → 0.009 → 0.0027 → min_lr 0.002, each after a stalled stretch
    assert levels == pytest.approx([0.1, 0.03, 0.009, 0.0027, 0.002])
    drops = np.flatnonzero(np.diff(lr)) + 1
    assert all(b - a > 30 for a, b in zip(drops, drops[1:], strict=False))  # patience 30
    floor = {r.label: np.median(r.trajectory.loss[-200:]) for r in (fast, slow, plat)}
    assert floor[plat.label] < 0.1 * min(floor[fast.label], floor[slow.label])
    # the lr column is ReduceLROnPlateau fed the loss column (see test_plateau_engine)
    assert (fast.trajectory.lr == 0.1).all() and (slow.trajectory.lr == 0.002).all()


def test_lion_moves_by_exactly_lr_and_hops_while_adam_settles():
    sim = load("11_lion_sign_steps")
    runs = by_label(sim)
    lion, adam = runs["Lion lr=0.05"], runs["Adam lr=0.05"]
    steps = np.abs(np.diff(lion.trajectory.points, axis=0))
    np.testing.assert_allclose(steps, 0.05, rtol=1e-9)  # every coordinate, every step: ±lr
    d_lion = sim.min_distance(sim.runs.index(lion))
    d_adam = sim.min_distance(sim.runs.index(adam))
    assert 0.01 < d_lion[-100:].mean() < 0.1  # hopping within about lr of the minimum
    assert d_adam[-1] < 1e-3 * d_lion[-100:].mean()  # Adam's steps shrink and it rests


def test_schedule_free_settles_as_close_as_cosine_without_a_schedule():
    sim = load("12_schedule_free_vs_cosine")
    runs = by_label(sim)
    sf, const, cos = (runs["Schedule-free AdamW"], runs["AdamW constant lr"],
                      runs["AdamW + cosine"])
    assert sf.spec.schedule == "constant" and cos.spec.schedule == "cosine"
    tail = {r.label: sim.min_distance(sim.runs.index(r))[-100:].mean() for r in (sf, const, cos)}
    assert tail[sf.label] < 0.25 * tail[const.label]  # the constant rate keeps rattling
    assert tail[sf.label] <= tail[cos.label]  # as close as the cosine schedule, or closer
