"""The Network mode's controller: owns the network experiment, its Trainer and the Play timer.

Same contract as ``ui.controller.Controller`` (signals ``stepped``, ``reset_done``,
``experiment_changed``, ``run_color_changed``, ``cursor_changed``, ``playing_changed``,
``notice``, ``error``; ``sim`` is the engine object, here a :class:`~gdsim.nn.training.Trainer`),
so the app's playback bar, timeline and runs panel drive it unchanged. Every edit builds a new
:class:`NNExperiment` and a new Trainer (on GdsimError the old ones stay and ``error`` fires),
except a run's colour, which only repaints.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QColor

from gdsim.errors import GdsimError
from gdsim.nn.training import NNExperiment, Trainer
from gdsim.simulation import RunSpec
from ui import theme
from ui.controller import FPS, MAX_SPEED, MIN_SPEED

FRAME_BUDGET_S = 0.015  # training time allowed per timer tick; the rest is for drawing
SETTINGS_KEYS = ("epochs", "batch_size", "early_stopping", "seed")


def default_network_experiment() -> NNExperiment:
    """First view of the mode: moons, a 2-8-8-1 tanh net, four optimizers side by side."""
    runs = [
        RunSpec("sgd", {"lr": 0.1}),
        RunSpec("momentum", {"lr": 0.05}),
        RunSpec("rmsprop", {"lr": 0.005}),
        RunSpec("adam", {"lr": 0.01}),
    ]
    runs = [dataclasses.replace(r, color=theme.run_color(i)) for i, r in enumerate(runs)]
    return NNExperiment(dataset="moons", samples=300, hidden=(8, 8), activation="tanh",
                        loss="bce", runs=runs, epochs=500, seed=0)


def _with_colors(exp: NNExperiment) -> NNExperiment:
    if all(r.color for r in exp.runs):
        return exp
    runs = list(exp.runs)
    for i, r in enumerate(runs):
        if not r.color:
            runs[i] = dataclasses.replace(r, color=theme.next_free_color([q.color for q in runs]))
    return dataclasses.replace(exp, runs=runs)


class NetworkController(QObject):
    """Owns the Trainer and the play timer; emits what the Network views redraw on."""

    stepped = Signal()
    reset_done = Signal()
    experiment_changed = Signal()
    run_color_changed = Signal(int)  # run i of experiment.runs recoloured (no restart)
    cursor_changed = Signal(int)  # -1 = live
    playing_changed = Signal(bool)
    selection_changed = Signal(int)  # index into sim.runs of the run the panels show
    notice = Signal(str)
    error = Signal(str)

    def __init__(self, experiment: NNExperiment | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.experiment = _with_colors(experiment or default_network_experiment())
        self.init_weights: tuple[np.ndarray, np.ndarray] | None = None
        self.sim = Trainer(self.experiment)
        self.generation = 0  # bumped whenever ``sim`` is rebuilt or reset (views key caches on it)
        self._cursor = -1
        self._selected = 0
        self._speed = 100.0
        self._notified: set[int] = set()
        self._sec_per_step = 1e-3
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._apply_speed()

    # --- state --------------------------------------------------------------------------
    @property
    def cursor(self) -> int:
        return self._cursor

    @property
    def shown_step(self) -> int:
        """The step the views draw: the timeline cursor, or the latest step when live."""
        return self.sim.t if self._cursor < 0 else min(self._cursor, self.sim.t)

    def shown_rows(self, i: int) -> int:
        """Recorded rows of run ``i`` (index into ``sim.runs``) visible at the shown step."""
        return int(min(len(self.sim.record(i)), self.shown_step + 1))

    @property
    def selected(self) -> int:
        """The run (index into ``sim.runs``) whose boundary, gradients and slice are shown."""
        return min(self._selected, self.sim.n_runs - 1)

    def select(self, i: int) -> None:
        i = int(min(max(i, 0), self.sim.n_runs - 1))
        if i != self._selected:
            self._selected = i
            self.selection_changed.emit(i)

    def view_key(self, *extra) -> tuple:
        """What a drawing of the shown state depends on: equal keys, equal pictures."""
        return (self.generation, self.sim.t, self.shown_step, self.selected, *extra)

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    @property
    def speed(self) -> float:
        return self._speed

    def enabled_indices(self) -> list[int]:
        """Indices into ``experiment.runs`` of the enabled runs (= ``sim.runs`` in order)."""
        return [i for i, r in enumerate(self.experiment.runs) if r.enabled]

    # --- experiment edits ---------------------------------------------------------------
    def set_experiment(self, exp: NNExperiment, keep_weights: bool = True) -> bool:
        """Validate ``exp`` by building its Trainer; on success replace, reset, emit."""
        exp = _with_colors(exp)
        init = self.init_weights if keep_weights else None
        try:
            sim = Trainer(exp, init_weights=init)
        except GdsimError as e:
            if init is None:
                self.error.emit(str(e))
                return False
            try:  # the loaded weights no longer fit the architecture: start fresh
                sim = Trainer(exp)
            except GdsimError as e2:
                self.error.emit(str(e2))
                return False
            init = None
            self.notice.emit("Loaded weights do not fit the new network; using fresh weights")
        self.pause()
        self.experiment, self.sim, self.init_weights = exp, sim, init
        self.generation += 1
        self._notified.clear()
        self._cursor = -1
        self._selected = min(self._selected, sim.n_runs - 1)
        self.experiment_changed.emit()
        self.reset_done.emit()
        self.cursor_changed.emit(-1)
        return True

    def update(self, **fields) -> bool:
        """Change experiment fields (dataset, hidden, activation, l2, ...) and rebuild."""
        try:
            exp = dataclasses.replace(self.experiment, **fields)
        except TypeError as e:
            self.error.emit(str(e))
            return False
        return self.set_experiment(exp)

    def set_settings(self, **kw) -> bool:
        """Training settings: epochs, batch_size (None = full), early_stopping, seed."""
        unknown = [k for k in kw if k not in SETTINGS_KEYS]
        if unknown:
            self.error.emit(f"unknown setting {unknown[0]!r}; known: {', '.join(SETTINGS_KEYS)}")
            return False
        return self.update(**kw)

    def add_run(self, spec: RunSpec | None = None) -> bool:
        spec = spec or RunSpec("adam", {"lr": 0.01})
        if spec.color is None:
            spec = dataclasses.replace(
                spec, color=theme.next_free_color([r.color for r in self.experiment.runs]))
        return self.update(runs=[*self.experiment.runs, spec])

    def update_run(self, index: int, spec: RunSpec) -> bool:
        if not self._check_index(index):
            return False
        runs = list(self.experiment.runs)
        if spec.color is None:
            spec = dataclasses.replace(spec, color=runs[index].color)
        runs[index] = spec
        return self.update(runs=runs)

    def set_run_color(self, index: int, color: str) -> bool:
        """Recolour run ``index`` without restarting training: the experiment and the live
        run's spec get the colour, then ``run_color_changed(index)`` lets the views repaint."""
        if not self._check_index(index):
            return False
        qc = QColor(str(color))
        if not qc.isValid():
            self.error.emit(f"colour {color!r} is not a colour name or #rrggbb")
            return False
        color = qc.name()
        runs = list(self.experiment.runs)
        runs[index] = dataclasses.replace(runs[index], color=color)
        self.experiment = dataclasses.replace(self.experiment, runs=runs)
        enabled = self.enabled_indices()
        if index in enabled:  # a display attribute only: the weights stay as they are
            run = self.sim.runs[enabled.index(index)]
            run.spec = dataclasses.replace(run.spec, color=color)
        self.run_color_changed.emit(index)
        return True

    def remove_run(self, index: int) -> bool:
        if not self._check_index(index):
            return False
        runs = list(self.experiment.runs)
        del runs[index]
        return self.update(runs=runs)

    def duplicate_run(self, index: int) -> bool:
        if not self._check_index(index):
            return False
        runs = list(self.experiment.runs)
        color = theme.next_free_color([r.color for r in runs])
        runs.insert(index + 1, dataclasses.replace(runs[index], label=None, color=color))
        return self.update(runs=runs)

    def _check_index(self, index: int) -> bool:
        if 0 <= index < len(self.experiment.runs):
            return True
        self.error.emit(f"no run {index}; there are {len(self.experiment.runs)} runs")
        return False

    def set_initial_weights(self, weights: tuple[np.ndarray, np.ndarray] | None) -> bool:
        """Start every run from ``weights`` ((D,), (S,)); None goes back to seeded init."""
        old = self.init_weights
        self.init_weights = weights
        if not self.set_experiment(self.experiment, keep_weights=True):
            self.init_weights = old
            return False
        return True

    # --- stepping -------------------------------------------------------------------------
    def step(self, n: int = 1) -> None:
        """Train up to ``n`` steps (views go live); notify divergences and early stops once."""
        self._go_live()
        if self.sim.done:
            if self.playing:
                self.pause()
            return
        self.sim.step(max(1, int(n)))
        self._check_runs()
        self.stepped.emit()
        if self.sim.done and self.playing:
            self.pause()
            self.notice.emit(f"Finished at step {self.sim.t}")

    def play(self) -> None:
        if self.playing:
            return
        if self.sim.done:
            self.notice.emit("All runs have stopped; press Reset to train again")
            return
        self._go_live()
        self._timer.start()
        self.playing_changed.emit(True)

    def pause(self) -> None:
        if not self.playing:
            return
        self._timer.stop()
        self.playing_changed.emit(False)

    def toggle_play(self) -> None:
        self.pause() if self.playing else self.play()

    def set_speed(self, steps_per_second: float) -> None:
        self._speed = float(min(MAX_SPEED, max(MIN_SPEED, steps_per_second)))
        self._apply_speed()

    def reset(self) -> None:
        """Back to step 0 (same experiment and initial weights)."""
        self.sim.reset()
        self.generation += 1
        self._notified.clear()
        self._cursor = -1
        self.reset_done.emit()
        self.cursor_changed.emit(-1)

    def seek(self, step: int) -> None:
        step = int(step)
        new = -1 if step >= self.sim.t else max(0, step)
        if new != self._cursor:
            self._cursor = new
            self.cursor_changed.emit(new)

    def steps_per_tick(self) -> int:
        return max(1, round(self._speed * self._timer.interval() / 1000.0))

    def _apply_speed(self) -> None:
        self._timer.setInterval(round(max(1000.0 / FPS, 1000.0 / self._speed)))

    def _tick(self) -> None:
        want = self.steps_per_tick()
        cap = max(1, int(FRAME_BUDGET_S / max(self._sec_per_step, 1e-9)))
        t0 = time.perf_counter()
        before = self.sim.t
        self.step(min(want, cap))
        taken = self.sim.t - before
        if taken > 0:
            per = (time.perf_counter() - t0) / taken
            self._sec_per_step = 0.7 * self._sec_per_step + 0.3 * per

    def _go_live(self) -> None:
        if self._cursor != -1:
            self._cursor = -1
            self.cursor_changed.emit(-1)

    def _check_runs(self) -> None:
        for r in self.sim.runs:
            if r.status in ("diverged", "early_stopped") and r.index not in self._notified:
                self._notified.add(r.index)
                what = "diverged" if r.status == "diverged" else "stopped early"
                self.notice.emit(f"{r.label} {what}: {r.reason}")
