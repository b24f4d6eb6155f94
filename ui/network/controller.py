"""The Network mode's controller: owns the network experiment, its Trainer and the Play timer.

Same playback mechanism as ``ui.controller.Controller`` (both subclass
:class:`ui.playback.PlaybackController`; ``sim`` is here a :class:`~gdsim.nn.training.Trainer`),
so the app's playback bar, timeline and runs panel drive it unchanged. Every edit builds a new
:class:`NNExperiment` and a new Trainer (on GdsimError the old ones stay and ``error`` fires),
except a run's colour, which only repaints.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np
from PySide6.QtCore import QObject, Signal

from gdsim.errors import GdsimError
from gdsim.nn.datasets import (
    Dataset,
    nearest_train,
    points_dict,
    with_point,
    without_nearest,
)
from gdsim.nn.training import NNExperiment, Trainer, build_dataset
from gdsim.simulation import RunSpec
from ui.i18n import tr
from ui.playback import PlaybackController, palette_runs, with_colors

SETTINGS_KEYS = ("epochs", "batch_size", "early_stopping", "seed")
# Edits of these fields make new data: explicit (clicked) points are dropped with them
DATA_KEYS = frozenset(("dataset", "data_file", "test_file", "samples", "noise",
                       "test_fraction", "data_seed"))
# While playing fast, each tick steps for about DRAW_RATIO × the time the last frame spent
# drawing (within these bounds): training gets about 2/3 of the time, the views stay live.
DRAW_RATIO = 2.0
NET_MIN_BUDGET_S, NET_MAX_BUDGET_S = 0.006, 0.25
RATE_WINDOW_S = 1.0  # the achieved rate is measured over about this much Play


def default_network_experiment() -> NNExperiment:
    """First view of the mode: moons, a 2-8-8-1 tanh net, four optimizers side by side."""
    runs = [
        RunSpec("sgd", {"lr": 0.1}),
        RunSpec("momentum", {"lr": 0.05}),
        RunSpec("rmsprop", {"lr": 0.005}),
        RunSpec("adam", {"lr": 0.01}),
    ]
    return NNExperiment(dataset="moons", samples=300, hidden=(8, 8), activation="tanh",
                        loss="bce", runs=palette_runs(runs), epochs=500, seed=0)


class NetworkController(PlaybackController):
    """Owns the Trainer and the play timer; emits what the Network views redraw on."""

    selection_changed = Signal(int)  # index into sim.runs of the run the panels show
    rate_changed = Signal(float)  # achieved training steps per second while playing (0: idle)
    # the training row whose one-sample pass the diagram shows (-1: none)
    inspected_changed = Signal(int)

    DEFAULT_SPEED = 100.0
    SEC_PER_STEP = 1e-3  # a training step costs far more than a surface step
    SETTINGS_KEYS = SETTINGS_KEYS
    PAUSE_ON_REBUILD = True
    AGAIN = "train"

    def __init__(self, experiment: NNExperiment | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.experiment = with_colors(experiment or default_network_experiment())
        self.init_weights: tuple[np.ndarray, np.ndarray] | None = None
        self.sim = Trainer(self.experiment)
        self.generation = 0  # bumped whenever ``sim`` is rebuilt or reset (views key caches on it)
        self._selected = 0
        self._inspected = -1
        self._init_playback()
        self._step_time = 0.0  # seconds the last tick spent stepping
        self._tick_at = 0.0  # perf_counter of the last Play tick (0: none yet)
        self._period = 0.0  # seconds between the last two ticks
        self._rate_marks: list[tuple[float, int]] = []  # (perf_counter, sim.t) during Play
        self.rate = 0.0
        self._rate_shown = 0.0
        self.playing_changed.connect(self._playing_for_rate)

    # --- throughput -----------------------------------------------------------------------
    def _tick(self) -> None:
        before = self.sim.t
        now = time.perf_counter()
        # the true frame period (the base class caps it at 0.1 s for catching up)
        self._period = now - self._tick_at if self._tick_at else 0.0
        self._tick_at = now
        super()._tick()
        # engine time only (the views redraw inside the tick too): steps × measured cost
        self._step_time = (self.sim.t - before) * self._sec_per_step
        if self.sim.t != before or not self._rate_marks:
            self._mark_rate()

    def _adapt_budget(self, period: float) -> None:
        """Step for DRAW_RATIO × the drawing time of the last frame (the period less the
        engine's stepping; the views' redraws and the paint): the panels cost far more here
        than on a surface, and a fixed 60 fps budget would leave training a sliver."""
        drawing = max(0.0, max(period, self._period) - self._step_time)
        want = min(NET_MAX_BUDGET_S, max(NET_MIN_BUDGET_S, DRAW_RATIO * drawing))
        self._budget = 0.7 * self._budget + 0.3 * want

    def _mark_rate(self) -> None:
        now = time.perf_counter()
        marks = self._rate_marks
        marks.append((now, self.sim.t))
        while len(marks) > 2 and now - marks[1][0] >= RATE_WINDOW_S:
            marks.pop(0)
        if len(marks) >= 2 and now - marks[0][0] >= 0.25 and now - self._rate_shown >= 0.25:
            self._rate_shown = now  # a few readouts a second: no relayout every frame
            self.rate = (marks[-1][1] - marks[0][1]) / (now - marks[0][0])
            self.rate_changed.emit(self.rate)

    def _playing_for_rate(self, playing: bool) -> None:
        self._rate_marks = []
        self._tick_at = 0.0
        if not playing:
            self.rate = 0.0
            self.rate_changed.emit(0.0)

    # --- playback hooks -----------------------------------------------------------------
    def recorded_rows(self, i: int) -> int:
        """Recorded rows of run ``i`` (index into ``sim.runs``)."""
        return len(self.sim.record(i))

    def run_notice(self, run) -> str | None:
        """A divergence or an early stop, once per run."""
        if run.status not in ("diverged", "early_stopped"):
            return None
        what = "diverged" if run.status == "diverged" else "stopped early"
        return f"{run.label} {what}: {run.reason}"

    def _restarted(self) -> None:
        self.generation += 1
        self._selected = min(self._selected, self.sim.n_runs - 1)

    def default_run(self) -> RunSpec:
        """The run Add appends: Adam at lr 0.01."""
        return RunSpec("adam", {"lr": 0.01})

    # --- state --------------------------------------------------------------------------
    @property
    def selected(self) -> int:
        """The run (index into ``sim.runs``) whose boundary, gradients and slice are shown."""
        return min(self._selected, self.sim.n_runs - 1)

    def select(self, i: int) -> None:
        i = int(min(max(i, 0), self.sim.n_runs - 1))
        if i != self._selected:
            self._selected = i
            self.selection_changed.emit(i)

    @property
    def inspected(self) -> int | None:
        """The training row (index into ``sim.x_train``) whose forward and backward pass the
        diagram shows, or None."""
        i = self._inspected
        return i if 0 <= i < len(self.sim.x_train) else None

    def inspect(self, i: int | None) -> None:
        """Show training row ``i``'s one-sample pass (None, or a row that does not exist: none)."""
        i = -1 if i is None or not 0 <= int(i) < len(self.sim.x_train) else int(i)
        if i != self._inspected:
            self._inspected = i
            self.inspected_changed.emit(i)

    def inspect_at(self, x: float, y: float, radius: float = float("inf"),
                   scale: tuple[float, float] = (1.0, 1.0)) -> int | None:
        """Inspect the training point nearest (x, y) of 2-D data if within ``radius`` (after
        ``scale``, as :meth:`remove_point`); returns its row, or None (nothing changes)."""
        d = self.sim.data
        if d.n_features != 2 or not len(d.x_train):
            return None
        i, dist = nearest_train(d, x, y, scale)
        if dist > radius:
            return None
        self.inspect(i)
        return i

    def _adopt(self, exp, sim) -> None:
        """A new Trainer: the inspected row stays if it is still the same point."""
        old = self.sim.data.x_train
        super()._adopt(exp, sim)
        i = self._inspected
        new = sim.data.x_train
        if i >= 0 and not (i < len(new) and i < len(old) and np.array_equal(old[i], new[i])):
            self.inspect(None)

    def view_key(self, *extra) -> tuple:
        """What a drawing of the shown state depends on: equal keys, equal pictures."""
        return (self.generation, self.sim.t, self.shown_step, self.selected, *extra)

    # --- experiment edits ---------------------------------------------------------------
    def set_experiment(self, exp: NNExperiment, keep_weights: bool = True) -> bool:
        """Validate ``exp`` by building its Trainer; on success replace, reset, emit."""
        exp = with_colors(exp)
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
            self.notice.emit(tr("Loaded weights do not fit the new network; using fresh weights"))
        self.init_weights = init
        self._adopt(exp, sim)
        return True

    def update(self, **fields) -> bool:
        """Change experiment fields (dataset, hidden, activation, l2, ...) and rebuild. A
        change of the data's fields (DATA_KEYS) drops points edited on the map."""
        if DATA_KEYS & fields.keys() and "data" not in fields and any(
                getattr(self.experiment, k, None) != v for k, v in fields.items()
                if k in DATA_KEYS):
            fields["data"] = None
        try:
            exp = dataclasses.replace(self.experiment, **fields)
        except TypeError as e:
            self.error.emit(str(e))
            return False
        return self.set_experiment(exp)

    def set_initial_weights(self, weights: tuple[np.ndarray, np.ndarray] | None) -> bool:
        """Start every run from ``weights`` ((D,), (S,)); None goes back to seeded init."""
        old = self.init_weights
        self.init_weights = weights
        if not self.set_experiment(self.experiment, keep_weights=True):
            self.init_weights = old
            return False
        return True

    # --- data edits (clicks on the decision map) ------------------------------------------
    def dataset(self) -> Dataset:
        """The experiment's data as edited (without a validation split carved out)."""
        return build_dataset(self.experiment)

    def set_data(self, data: Dataset) -> bool:
        """Train on ``data``'s rows from now on (stored in the experiment: saved with it)."""
        return self.update(data=points_dict(data))

    def add_point(self, x: float, y: float, label: int) -> bool:
        """One more training point of class ``label`` at (x, y); runs restart."""
        try:
            data = with_point(self.dataset(), x, y, label)
        except GdsimError as e:
            self.error.emit(str(e))
            return False
        return self.set_data(data)

    def remove_point(self, x: float, y: float, radius: float = float("inf"),
                     scale: tuple[float, float] = (1.0, 1.0)) -> bool:
        """Drop the training point nearest (x, y) if within ``radius`` (after ``scale``)."""
        try:
            old = self.dataset()
            data = without_nearest(old, x, y, radius, scale)
        except GdsimError as e:
            self.error.emit(str(e))
            return False
        if data is old:
            return False
        return self.set_data(data)

    def regenerate(self, seed: int | None = None) -> bool:
        """The same generated data set with a new seed (edited points are dropped)."""
        exp = self.experiment
        if exp.data_file:
            self.error.emit("Regenerate makes new points of a generated data set; "
                            "this one is read from a CSV file")
            return False
        if seed is None:
            old = exp.seed if exp.data_seed is None else exp.data_seed
            seed = int(np.random.default_rng([old, int(time.time_ns() % 2**32)])
                       .integers(0, 2**31))
        return self.update(data_seed=int(seed), data=None)
