"""The shared playback mechanism (ui.playback) as the Network tab now uses it: Step N,
wall-clock Play ticks and once-per-run notices (pytest-qt)."""

from __future__ import annotations

import dataclasses
import time

from gdsim.nn.training import NNExperiment
from gdsim.simulation import RunSpec
from ui.controls import PlaybackBar
from ui.network.controller import NetworkController
from ui.playback import STEP_N_AT_ONCE


def tiny(**kw) -> NNExperiment:
    base = dict(dataset="moons", samples=40, hidden=(3,), activation="tanh", loss="bce",
                runs=[RunSpec("sgd", {"lr": 0.2}), RunSpec("adam", {"lr": 0.02})], epochs=60)
    base.update(kw)
    return NNExperiment(**base)


def test_network_step_n_button_takes_n_steps(qtbot):
    c = NetworkController(tiny())
    bar = PlaybackBar(c)
    qtbot.addWidget(bar)
    bar.step_n_spin.setValue(25)
    bar.step_n_button.click()  # at once, or in frame-sized chunks on a slow machine
    qtbot.waitUntil(lambda: not c.playing, timeout=60_000)
    assert c.sim.t == 25


def test_network_step_n_never_blocks_for_long(qtbot):
    # Issue 13 #4: Step N took up to 2000 training steps at once (seconds on the UI thread)
    c = NetworkController(tiny(epochs=5000))
    c._sec_per_step = 1e-3  # what a training step costs here, as measured while stepping
    c.step_n(1000)  # 1 s of work: through the timer, a frame's worth per tick
    assert c.playing and c.sim.t < 100
    qtbot.waitUntil(lambda: not c.playing, timeout=60_000)
    assert c.sim.t == 1000


def test_network_large_step_n_runs_in_chunks_and_restores_speed(qtbot):
    n = STEP_N_AT_ONCE + 500
    c = NetworkController(tiny(epochs=n + 1000))
    c.set_speed(30)
    c.step_n(n)
    assert c.playing and c.sim.t < n  # through the timer: the event loop keeps running
    qtbot.waitUntil(lambda: not c.playing, timeout=30_000)
    assert c.sim.t == n and c.speed == 30


def test_network_tick_follows_wall_time():
    c = NetworkController(tiny(epochs=500))
    c.set_speed(600)
    c._sec_per_step = 1e-7  # the frame budget allows far more than is owed
    t0 = time.perf_counter()
    c._last_tick = t0 - 0.05  # 50 ms since the previous tick
    c._tick()
    upper = 600 * (time.perf_counter() - t0 + 0.05)
    assert 30 <= c.sim.t <= upper  # speed x elapsed, not speed x timer interval (10)


def test_network_divergence_notice_once_per_run(qtbot):
    c = NetworkController(tiny(dataset="sine", loss="mse"))
    spec = dataclasses.replace(c.experiment.runs[0], hparams={"lr": 1e4})
    c.update(runs=[spec, c.experiment.runs[1]])
    notices: list[str] = []
    c.notice.connect(notices.append)
    c.step(20)
    c.step(20)
    assert c.sim.runs[0].status == "diverged"
    assert sum("diverged" in m for m in notices) == 1
    c.reset()  # a new start may notify again
    c.step(40)
    assert sum("diverged" in m for m in notices) == 2
