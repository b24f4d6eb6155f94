"""Controller: experiment edits (validated, replaced not mutated), stepping, play timer,
timeline, divergence notices."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from gdsim.simulation import Experiment, RunSpec
from gdsim.surfaces import make_surface
from ui import theme
from ui.controller import Controller, default_experiment, divergence_message


@pytest.fixture
def ctrl(qtbot):
    c = Controller()
    yield c
    c.pause()


def small(steps=50, **kw):
    runs = [RunSpec("gd", {"lr": 0.1}), RunSpec("adam", {"lr": 0.1})]
    return Experiment(surface="quadratic", start=(1.0, -2.0), runs=runs, steps=steps, **kw)


def test_default_experiment_is_the_rosenbrock_race(ctrl):
    exp = ctrl.experiment
    assert exp.surface == "rosenbrock" and exp.start == (-1.5, 2.0)
    assert [r.optimizer for r in exp.runs] == ["gd", "momentum", "rmsprop", "adam"]
    assert [r.color for r in exp.runs] == list(theme.RUN_COLORS[:4])
    # every run moves visibly within the default number of steps
    ctrl.step(exp.steps)
    for run in ctrl.sim.runs:
        moved = np.hypot(*(run.trajectory.points[-1] - run.trajectory.points[0]))
        assert moved > 0.5, run.label
        assert run.status != "diverged"


def test_colors_assigned_when_missing(qtbot):
    c = Controller(small())
    assert [r.color for r in c.experiment.runs] == list(theme.RUN_COLORS[:2])


def test_step_records_rows_and_emits(ctrl, qtbot):
    with qtbot.waitSignal(ctrl.stepped, timeout=1000):
        ctrl.step()
    assert ctrl.sim.t == 1
    ctrl.step(9)
    assert ctrl.sim.t == 10
    assert all(r.trajectory.n == 11 for r in ctrl.sim.runs)


def test_invalid_edit_is_refused_and_nothing_changes(ctrl, qtbot):
    old_exp, old_sim = ctrl.experiment, ctrl.sim
    bad = RunSpec("adam", {"lr": -1.0})
    with qtbot.waitSignal(ctrl.error, timeout=1000) as blocker:
        assert ctrl.update_run(0, bad) is False
    assert "lr" in blocker.args[0]
    assert ctrl.experiment is old_exp and ctrl.sim is old_sim
    with qtbot.waitSignal(ctrl.error, timeout=1000) as blocker:
        assert ctrl.set_surface("nosuch") is False
    assert "rosenbrock" in blocker.args[0]  # the known names are listed
    assert ctrl.experiment is old_exp


def test_edits_replace_the_experiment_and_reset(ctrl, qtbot):
    old = ctrl.experiment
    old_runs = list(old.runs)
    ctrl.step(5)
    order = []
    ctrl.experiment_changed.connect(lambda: order.append("changed"))
    ctrl.reset_done.connect(lambda: order.append("reset"))
    assert ctrl.set_surface("quadratic")
    assert order == ["changed", "reset"]
    assert old.surface == "rosenbrock" and old.runs == old_runs  # not mutated
    assert ctrl.experiment.surface == "quadratic"
    assert ctrl.experiment.start is None and ctrl.experiment.view is None
    assert ctrl.sim.t == 0
    start = make_surface("quadratic").start
    for run in ctrl.sim.runs:
        assert tuple(run.trajectory.points[0]) == start


def test_set_start_restarts_all_runs(ctrl):
    ctrl.update_run(1, dataclasses.replace(ctrl.experiment.runs[1], start=(0.0, 0.0)))
    ctrl.step(3)
    ctrl.set_start(0.25, -0.5)
    assert ctrl.sim.t == 0
    assert all(tuple(r.trajectory.points[0]) == (0.25, -0.5) for r in ctrl.sim.runs)


def test_add_update_remove_duplicate(ctrl, qtbot):
    assert ctrl.add_run()
    runs = ctrl.experiment.runs
    assert len(runs) == 5 and runs[4].optimizer == "adam"
    assert runs[4].color not in [r.color for r in runs[:4]]
    color = runs[4].color
    assert ctrl.update_run(4, RunSpec("nesterov", {"lr": 0.0001}))
    assert ctrl.experiment.runs[4].optimizer == "nesterov"
    assert ctrl.experiment.runs[4].color == color  # kept
    assert ctrl.duplicate_run(4)
    runs = ctrl.experiment.runs
    assert len(runs) == 6 and runs[5].optimizer == "nesterov" and runs[5].hparams == runs[4].hparams
    assert runs[5].color != runs[4].color
    assert [r.label for r in ctrl.sim.runs][-2:] == ["nesterov", "nesterov#2"]
    assert ctrl.remove_run(0)
    assert [r.optimizer for r in ctrl.experiment.runs][:1] == ["momentum"]
    with qtbot.waitSignal(ctrl.error, timeout=1000):
        assert ctrl.remove_run(99) is False


def test_disabled_runs_are_not_simulated(ctrl):
    ctrl.update_run(0, dataclasses.replace(ctrl.experiment.runs[0], enabled=False))
    assert [r.label for r in ctrl.sim.runs] == ["momentum", "rmsprop", "adam"]
    assert ctrl.enabled_indices() == [1, 2, 3]


def test_settings(ctrl, qtbot):
    assert ctrl.set_settings(steps=10, seed=3)
    assert ctrl.sim.max_steps == 10 and ctrl.experiment.seed == 3
    ctrl.step(100)
    assert ctrl.sim.t == 10 and ctrl.sim.done
    with qtbot.waitSignal(ctrl.error, timeout=1000) as b:
        assert not ctrl.set_settings(speed=3)
    assert "steps" in b.args[0]
    with qtbot.waitSignal(ctrl.error, timeout=1000) as b:
        assert not ctrl.set_settings(steps=-1)
    assert "steps" in b.args[0]
    assert ctrl.sim.max_steps == 10


def test_speed_clamped_and_steps_per_tick(ctrl):
    ctrl.set_speed(1e9)
    assert ctrl.speed == 100_000
    ctrl.set_speed(6000)
    assert ctrl.steps_per_tick() == 6000 * ctrl._timer.interval() // 1000
    assert ctrl.steps_per_tick() >= 96  # about 100 steps per 60 fps frame
    ctrl.set_speed(0.01)
    assert ctrl.speed == 1.0
    assert ctrl._timer.interval() == 1000 and ctrl.steps_per_tick() == 1


def test_play_runs_until_done_then_stops(qtbot):
    c = Controller(small(steps=300))
    c.set_speed(100_000)
    with qtbot.waitSignal(c.playing_changed, timeout=1000) as b:
        c.play()
    assert b.args == [True]
    notices = []
    c.notice.connect(notices.append)
    qtbot.waitUntil(lambda: not c.playing, timeout=5000)
    assert c.sim.t == 300 and c.sim.done
    assert any("Finished" in n for n in notices)
    c.play()  # nothing left to run
    assert not c.playing


def test_pause_and_toggle(ctrl, qtbot):
    ctrl.set_speed(100)
    ctrl.toggle_play()
    qtbot.waitUntil(lambda: ctrl.sim.t > 0, timeout=3000)
    with qtbot.waitSignal(ctrl.playing_changed, timeout=1000) as b:
        ctrl.toggle_play()
    assert b.args == [False]
    t = ctrl.sim.t
    qtbot.wait(60)
    assert ctrl.sim.t == t


def test_seek_and_live(ctrl, qtbot):
    ctrl.step(10)
    with qtbot.waitSignal(ctrl.cursor_changed, timeout=1000) as b:
        ctrl.seek(3)
    assert b.args == [3] and ctrl.cursor == 3 and ctrl.shown_step == 3
    assert ctrl.shown_rows(0) == 4
    ctrl.seek(-5)
    assert ctrl.cursor == 0
    with qtbot.waitSignal(ctrl.cursor_changed, timeout=1000) as b:
        ctrl.seek(100)
    assert b.args == [-1] and ctrl.shown_step == 10
    ctrl.seek(2)
    ctrl.step()
    assert ctrl.cursor == -1 and ctrl.shown_step == 11
    ctrl.seek(2)
    ctrl.reset()
    assert ctrl.cursor == -1 and ctrl.sim.t == 0


def test_divergence_notice_once_and_others_go_on(qtbot):
    # GD on x² + y² with lr = 1.5 multiplies the point by (1 − 2·1.5) = −2 each step.
    exp = Experiment(surface="quadratic", start=(1.0, 1.0),
                     runs=[RunSpec("gd", {"lr": 1.5}), RunSpec("gd", {"lr": 0.1})], steps=200,
                     tol=0.0)
    c = Controller(exp)
    x0, x1, _, _ = c.sim.surface.domain
    half = 100 * (x1 - x0) / 2  # the divergence box is 100× the view domain
    expected = next(k for k in range(1, 100) if 2.0**k > half)
    notices = []
    c.notice.connect(notices.append)
    for _ in range(20):
        c.step(5)
    div = [n for n in notices if "flew off" in n]
    assert div == [f"Gradient descent lr=1.5 flew off the map at step {expected}: "
                   "the learning rate is too large for this curvature"]
    assert c.sim.runs[1].status != "diverged" and c.sim.runs[1].steps == 100


def test_divergence_message_format():
    class Run:
        label = "adam"
        spec = RunSpec("adam", {"lr": 5.0})
        steps = 36
        stop_step = 37
        cause = "loss became inf"

    assert divergence_message(Run()) == ("Adam lr=5 blew up (its loss became inf) at step 37: "
                                         "the learning rate is too large for this curvature")
    Run.label = "adam#2"
    assert divergence_message(Run()).startswith("Adam #2 lr=5 blew up")
    Run.reason = "left the domain box at step 51"
    assert divergence_message(Run()) == ("Adam #2 lr=5 flew off the map at step 51: "
                                         "the learning rate is too large for this curvature")


def test_expr_surface_domain_becomes_view(ctrl):
    assert ctrl.set_surface("expr:x**2 + 3*y**2", {"domain": (-1, 2, -3, 4)})
    assert ctrl.experiment.view == (-1.0, 2.0, -3.0, 4.0)
    assert ctrl.experiment.surface_params == {}
    p = np.array([0.5, -1.0])
    assert ctrl.sim.surface.value(p) == pytest.approx(0.25 + 3.0)


def test_default_experiment_fresh_each_time():
    a, b = default_experiment(), default_experiment()
    assert a == b and a is not b and a.runs is not b.runs


def test_step_n_small_is_immediate_large_runs_through_the_timer(qtbot):
    c = Controller(small(steps=20_000, tol=0.0))
    c.set_speed(50)
    c.step_n(30)
    assert c.sim.t == 30 and not c.playing
    c.step_n(12_000)
    assert c.playing and c.sim.t < 12_030  # not all at once: the event loop keeps running
    qtbot.waitUntil(lambda: not c.playing, timeout=20_000)
    assert c.sim.t == 12_030
    assert c.speed == 50  # the Play speed is back
    c.step_n(5000)
    c.pause()  # stops a running Step N early
    assert c.sim.t < 17_030 and c.speed == 50


def test_stepping_budget_adapts_to_the_frame_rate(ctrl):
    from ui.controller import FPS, MAX_BUDGET_S, MIN_BUDGET_S

    for _ in range(30):
        ctrl._adapt_budget(2.0 / FPS)  # frames arrive late: less stepping per frame
    assert ctrl._budget == MIN_BUDGET_S
    for _ in range(60):
        ctrl._adapt_budget(1.0 / FPS)  # on time: more stepping per frame (throughput)
    assert ctrl._budget == MAX_BUDGET_S
    ctrl._sec_per_step = 1e-5
    ctrl.set_speed(100_000)
    ctrl.play()
    ctrl._last_tick = 0.0
    ctrl._tick()  # first tick: speed x interval, capped by budget / time per step
    assert ctrl.sim.t == min(ctrl.steps_per_tick(), int(MAX_BUDGET_S / 1e-5))
    ctrl.pause()


# --- polish: batch size across surfaces, run titles, recolouring without a restart ---------


def test_switching_to_a_surface_without_data_drops_the_batch_size(ctrl, qtbot):
    errors = []
    ctrl.error.connect(errors.append)
    assert ctrl.set_surface("linreg")
    assert ctrl.set_settings(batch_size=8)
    assert ctrl.set_surface("logreg")  # another data surface: the batch size is kept
    assert ctrl.experiment.batch_size == 8 and ctrl.sim.surface.n_samples >= 8
    assert ctrl.set_surface("rosenbrock"), errors  # was refused: batch_size on no data
    assert ctrl.experiment.batch_size is None and ctrl.sim.surface.name == "rosenbrock"
    assert ctrl.set_surface("linreg")  # back on data: full batch until set again
    assert ctrl.experiment.batch_size is None
    assert errors == []


def test_batch_size_larger_than_the_new_data_set_goes_back_to_full_batch(ctrl):
    assert ctrl.set_surface("linreg")
    n = ctrl.sim.surface.n_samples
    assert ctrl.set_settings(batch_size=n)
    assert ctrl.set_surface("linreg", {"samples": n // 2})
    assert ctrl.experiment.batch_size is None and ctrl.sim.surface.n_samples == n // 2


def test_run_title_shows_a_custom_label_once():
    from ui.controller import run_title

    class Run:
        def __init__(self, spec, label=None):
            self.spec, self.label = spec, label or spec.label or spec.optimizer

    assert run_title(Run(RunSpec("gd", {"lr": 1.05}, label="lr=1.05"))) == "lr=1.05"
    assert run_title(Run(RunSpec("gd", {"lr": 0.05}, label="fast (0.05)"))) == "fast (0.05)"
    assert run_title(Run(RunSpec("gd", {"lr": 0.1}, label="η = 0.1"))) == "η = 0.1"
    assert run_title(Run(RunSpec("gd", {"lr": 1.05}, label="big step"))) == "big step lr=1.05"
    assert run_title(Run(RunSpec("adam", {}, label="mine"))) == "mine lr=0.001"  # default lr
    assert run_title(Run(RunSpec("momentum", {"lr": 0.2}), "momentum#2")) == "Momentum #2 lr=0.2"


def test_preset_divergence_notice_names_the_run_once(qtbot):
    from ui import files

    exp, _title, _desc = files.load_preset(files.resource_path("presets",
                                                               "02_learning_rate_too_large.json"))
    c = Controller(exp)
    notices = []
    c.notice.connect(notices.append)
    c.step(exp.steps)
    div = [n for n in notices if "flew off" in n or "blew up" in n]
    assert len(div) == 1 and div[0].startswith("lr=1.05 flew off the map at step ")
    assert div[0].count("1.05") == 1


def test_set_run_color_repaints_without_restarting(ctrl, qtbot):
    ctrl.step(30)
    sim, t = ctrl.sim, ctrl.sim.t
    traj = [r.trajectory.points.copy() for r in sim.runs]
    resets = []
    ctrl.reset_done.connect(lambda: resets.append(1))
    ctrl.experiment_changed.connect(lambda: resets.append(2))
    with qtbot.waitSignal(ctrl.run_color_changed, timeout=1000) as blocker:
        assert ctrl.set_run_color(2, "#ABCDEF")
    assert blocker.args == [2]
    assert resets == [] and ctrl.sim is sim and sim.t == t
    assert ctrl.experiment.runs[2].color == "#abcdef"
    assert sim.runs[2].spec.color == "#abcdef"  # what the views read
    assert [r.color for i, r in enumerate(ctrl.experiment.runs) if i != 2] == \
        [theme.RUN_COLORS[i] for i in (0, 1, 3)]
    for r, before in zip(sim.runs, traj, strict=True):
        np.testing.assert_array_equal(r.trajectory.points, before)


def test_set_run_color_of_a_disabled_run_and_refusals(ctrl, qtbot):
    runs = list(ctrl.experiment.runs)
    runs[1] = dataclasses.replace(runs[1], enabled=False)
    assert ctrl.set_experiment(dataclasses.replace(ctrl.experiment, runs=runs))
    assert ctrl.set_run_color(1, "#010203")
    assert ctrl.experiment.runs[1].color == "#010203"
    assert all(r.spec.color != "#010203" for r in ctrl.sim.runs)
    old = ctrl.experiment
    with qtbot.waitSignal(ctrl.error, timeout=1000) as blocker:
        assert not ctrl.set_run_color(0, "not-a-colour")
    assert "not-a-colour" in blocker.args[0] and ctrl.experiment is old
    assert not ctrl.set_run_color(9, "#000000") and ctrl.experiment is old
