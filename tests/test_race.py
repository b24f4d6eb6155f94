"""Race table and effective step size (issue 9 items 3 and 6), from recorded trajectories,
checked against hand-computed steps and independent single runs."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdsim.errors import GdsimError
from gdsim.race import (
    RACE_HEADER,
    best_known_value,
    effective_step,
    race_csv_text,
    race_rows,
    steps_to_tol,
)
from gdsim.simulation import Experiment, RunSpec, Simulation


def sim_of(surface="quadratic", runs=None, steps=50, start=(2.0, -1.0), **kw):
    runs = runs or [RunSpec("gd", {"lr": 0.1}), RunSpec("adam", {"lr": 0.5}),
                    RunSpec("gd", {"lr": 1.5}, label="too fast")]
    s = Simulation(Experiment(surface=surface, start=start, runs=runs, steps=steps, **kw))
    s.run()
    return s


def test_gd_on_the_quadratic_by_hand():
    # f = x² + y², GD: θ ← (1 − 2η)θ; loss_k = (1 − 2η)^(2k)·|θ₀|²
    sim = sim_of()
    rows = race_rows(sim, 1e-6)
    gd = rows[0]
    assert gd.label == "gd" and gd.optimizer == "gd" and gd.status == "max_steps"
    q = 0.8 ** 2
    k = next(k for k in range(100) if q ** k * 5.0 <= 1e-6)
    assert gd.steps_to_tol == k
    assert gd.final_loss == pytest.approx(q ** 50 * 5.0, rel=1e-9)
    assert gd.distance == pytest.approx(math.hypot(2.0, -1.0) * 0.8 ** 50, rel=1e-9)
    fast = rows[2]
    assert fast.label == "too fast" and fast.status == "diverged" and fast.steps_to_tol is None


def test_rows_at_an_earlier_step():
    sim = sim_of()
    r = race_rows(sim, 1e-6, upto=3)[0]
    assert r.steps == 3 and r.status == "running"
    x, y = sim.runs[0].trajectory.points[3]
    assert (r.x, r.y) == (x, y)


def test_offset_by_the_best_known_value():
    sim = sim_of("goldstein_price", [RunSpec("adam", {"lr": 0.01})], steps=300,
                 start=(0.2, -0.8))
    assert best_known_value(sim.surface) == pytest.approx(3.0)
    r = race_rows(sim, 0.01)[0]
    loss = sim.runs[0].trajectory.loss
    assert r.steps_to_tol == int(np.flatnonzero(loss - sim.surface.minimum_values.min()
                                                <= 0.01)[0])


def test_no_minimum_gives_nan_distance_and_raw_loss():
    sim = sim_of("saddle", [RunSpec("gd", {"lr": 0.1})], steps=5, start=(1.0, 0.1))
    r = race_rows(sim, 0.5)[0]
    assert math.isnan(r.distance)
    assert r.steps_to_tol == steps_to_tol(sim.runs[0].trajectory.loss, 0.0, 0.5)


def test_csv_reads_back_exactly():
    sim = sim_of()
    rows = race_rows(sim, 1e-6)
    text = race_csv_text(rows)
    lines = text.splitlines()
    assert lines[0] == ",".join(RACE_HEADER)
    first = lines[1].split(",")
    assert float(first[5]) == rows[0].final_loss and float(first[7]) == rows[0].x
    assert lines[3].split(",")[4] == ""  # never reached


def test_bad_tolerance():
    with pytest.raises(GdsimError, match="tolerance"):
        race_rows(sim_of(), -1.0)


@settings(max_examples=30)
@given(lr=st.floats(1e-3, 0.4))
def test_effective_step_of_gd_is_the_learning_rate(lr):
    sim = sim_of(runs=[RunSpec("gd", {"lr": lr})], steps=20, start=(1.5, -0.7), tol=0.0)
    eff = effective_step(sim.runs[0].trajectory)
    assert eff.shape == (20, 2)
    np.testing.assert_allclose(eff, lr, rtol=1e-9)


def test_effective_step_of_adagrad_by_hand():
    # AdaGrad: step_i = η·g_i/(√G_i + ε), G_i = Σ g_i² → effective η/(√G_i + ε)
    sim = sim_of(runs=[RunSpec("adagrad", {"lr": 0.3})], steps=10, start=(1.0, 2.0))
    tr = sim.runs[0].trajectory
    G = np.cumsum(tr.grad[:10] ** 2, axis=0)
    np.testing.assert_allclose(effective_step(tr), 0.3 / (np.sqrt(G) + 1e-10), rtol=1e-9)
    np.testing.assert_allclose(effective_step(tr, rows=np.array([0, 9])),
                               effective_step(tr)[[0, 9]])


def test_effective_step_zero_gradient_is_nan():
    sim = sim_of(runs=[RunSpec("gd", {"lr": 0.1})], steps=3, start=(1.0, 0.0))
    eff = effective_step(sim.runs[0].trajectory)
    assert np.all(np.isnan(eff[:, 1])) and np.all(eff[:, 0] == pytest.approx(0.1))
    with pytest.raises(GdsimError, match="updates"):
        effective_step(sim.runs[0].trajectory, rows=np.array([3]))
