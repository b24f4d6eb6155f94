"""Issue 14 items 6–10: what a new user stumbles on in the Surfaces tab (CSV export in the
background, edits while paused, divergence reports, the runs table, and the small ones)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from gdsim.simulation import Experiment, Simulation
from ui.controller import Controller


@pytest.fixture
def ctrl(qtbot):
    c = Controller()
    yield c
    c.pause()


def fresh_at(exp: Experiment, t: int) -> Simulation:
    sim = Simulation(exp)
    sim.step(t)
    return sim


# ----------------------------------------------------------- 14.7 edits while paused
def test_editing_a_hyperparameter_while_paused_reruns_to_the_step_shown(ctrl):
    ctrl.step(150)
    spec = dataclasses.replace(ctrl.experiment.runs[0], hparams={"lr": 0.0007})
    assert ctrl.update_run(0, spec)
    assert ctrl.sim.t == 150 and not ctrl.playing
    ref = fresh_at(ctrl.experiment, 150)
    for run, want in zip(ctrl.sim.runs, ref.runs, strict=True):
        assert np.array_equal(run.trajectory.data, want.trajectory.data)


def test_edit_while_scrubbed_back_reruns_to_the_scrubbed_step(ctrl):
    ctrl.step(300)
    ctrl.seek(120)
    assert ctrl.set_settings(seed=5)
    assert ctrl.sim.t == 120 and ctrl.cursor == -1


def test_add_remove_duplicate_keep_the_step(ctrl):
    ctrl.step(40)
    assert ctrl.add_run() and ctrl.sim.t == 40
    assert ctrl.duplicate_run(0) and ctrl.sim.t == 40
    assert ctrl.remove_run(1) and ctrl.sim.t == 40


def test_a_long_replay_runs_through_the_timer_not_at_once(ctrl, qtbot):
    ctrl.set_settings(steps=20_000)
    ctrl.step(9000)
    spec = dataclasses.replace(ctrl.experiment.runs[2], hparams={"lr": 0.02})
    assert ctrl.update_run(2, spec)
    assert ctrl.sim.t < 9000  # the event loop keeps running meanwhile
    qtbot.waitUntil(lambda: ctrl.sim.t == 9000 and not ctrl.playing, timeout=20_000)


def test_surface_change_and_playing_edits_still_restart(ctrl, qtbot):
    ctrl.step(30)
    assert ctrl.set_surface("quadratic") and ctrl.sim.t == 0
    ctrl.step(30)
    ctrl.set_start(0.5, 0.5)
    assert ctrl.sim.t == 0
