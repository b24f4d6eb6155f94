"""The one controller: owns the experiment, its Simulation and the Play timer.

Flow is one way: widget -> controller -> engine -> signal -> views. Views never mutate the
simulation; they read it (``sim.runs[i].trajectory``, ``sim.decimated``) in their slots.
The experiment is immutable from the UI's point of view: every edit builds a new
:class:`Experiment`, validates it by building a :class:`Simulation`, and only then
replaces the current one (on :class:`GdsimError` the old one stays and ``error`` fires).
"""

from __future__ import annotations

import dataclasses
import re
import time

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QColor

from gdsim.errors import GdsimError
from gdsim.simulation import Experiment, RunSpec, Simulation
from gdsim.surfaces import make_surface
from ui import theme

FPS = 60.0
MIN_SPEED = 1.0
MAX_SPEED = 100_000.0
FRAME_BUDGET_S = 0.008  # initial stepping time per Play tick; the rest is for drawing
MIN_BUDGET_S, MAX_BUDGET_S = 0.004, 0.014  # range of the adaptive stepping budget
STEP_N_AT_ONCE = 2000  # Step N above this runs in chunks through the timer
SETTINGS_KEYS = ("steps", "seed", "noise", "batch_size", "tol")


def default_experiment() -> Experiment:
    """First-launch experiment: the classic race on Rosenbrock from (-1.5, 2)."""
    runs = [
        RunSpec("gd", {"lr": 0.0005}),
        RunSpec("momentum", {"lr": 0.0002, "momentum": 0.9}),
        RunSpec("rmsprop", {"lr": 0.01}),
        RunSpec("adam", {"lr": 0.05}),
    ]
    runs = [dataclasses.replace(r, color=theme.run_color(i)) for i, r in enumerate(runs)]
    return Experiment(surface="rosenbrock", start=(-1.5, 2.0), runs=runs, steps=2000)


class Controller(QObject):
    """Owns the simulation and the play timer; emits what views need to redraw."""

    stepped = Signal()  # steps were taken (views redraw current state)
    reset_done = Signal()  # simulation rebuilt or reset: trajectories cleared
    experiment_changed = Signal()  # experiment edited; a reset_done follows
    cursor_changed = Signal(int)  # timeline position shown; -1 = live (latest)
    run_color_changed = Signal(int)  # run i of experiment.runs recoloured (no restart)
    playing_changed = Signal(bool)
    notice = Signal(str)  # one-line status-bar message (e.g. divergence)
    error = Signal(str)  # a refused action; nothing changed

    def __init__(self, experiment: Experiment | None = None, parent: QObject | None = None):
        super().__init__(parent)
        exp = experiment if experiment is not None else default_experiment()
        self.experiment: Experiment = _with_colors(exp)
        self.sim: Simulation = Simulation(self.experiment)
        self._cursor = -1
        self._speed = 200.0
        self._notified: set[int] = set()
        self._sec_per_step = 1e-5  # running estimate, caps steps per tick to the frame budget
        self._last_tick = 0.0  # perf_counter of the previous Play tick (0: first tick)
        self._budget = FRAME_BUDGET_S  # stepping seconds per tick, adapted to the frame rate
        self._owed = 0.0  # fractional steps carried between ticks
        self._run_to: int | None = None  # Step N in progress: the step to stop at
        self._speed_before_run_to = self._speed
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._apply_speed()

    # ----------------------------------------------------------------- state
    @property
    def cursor(self) -> int:
        """Timeline position: -1 when showing the live (latest) state, else the step shown."""
        return self._cursor

    @property
    def shown_step(self) -> int:
        """The step the views should draw: the cursor, or ``sim.t`` when live."""
        return self.sim.t if self._cursor < 0 else min(self._cursor, self.sim.t)

    def shown_rows(self, i: int) -> int:
        """How many trajectory rows of enabled run ``i`` are visible at the shown step."""
        n = self.sim.runs[i].trajectory.n
        return min(n, self.shown_step + 1)

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    @property
    def speed(self) -> float:
        """Play speed in steps per second."""
        return self._speed

    def enabled_indices(self) -> list[int]:
        """Indices into ``experiment.runs`` of the enabled runs, i.e. of ``sim.runs`` in order."""
        return [i for i, r in enumerate(self.experiment.runs) if r.enabled]

    # ------------------------------------------------------------ experiment
    def set_experiment(self, exp: Experiment) -> bool:
        """Validate ``exp`` by building its Simulation; on success replace and reset."""
        exp = _with_colors(exp)
        try:
            sim = Simulation(exp)
        except GdsimError as e:
            self.error.emit(str(e))
            return False
        if self._run_to is not None:  # a running Step N belongs to the old simulation
            self.pause()
        self.experiment = exp
        self.sim = sim
        self._notified.clear()
        was_scrubbed = self._cursor != -1
        self._cursor = -1
        self.experiment_changed.emit()
        self.reset_done.emit()
        if was_scrubbed:
            self.cursor_changed.emit(-1)
        return True

    def set_surface(self, name: str, params: dict | None = None) -> bool:
        """Switch surface; view and start go back to the surface's defaults.

        For ``expr:`` surfaces a ``domain`` in ``params`` also becomes the view. The
        experiment-wide batch size is kept only where the new surface has data to batch
        (it is refused elsewhere): otherwise it goes back to None (full batch).
        """
        params = dict(params or {})
        view = None
        if name.startswith("expr:") and "domain" in params:
            # The engine takes an expr surface's domain from the experiment's view.
            view = tuple(float(v) for v in params.pop("domain"))
        runs = [dataclasses.replace(r, start=None) for r in self.experiment.runs]
        batch = self.experiment.batch_size
        if batch is not None and not 0 < batch <= _n_samples(name, params):
            batch = None
        exp = dataclasses.replace(
            self.experiment, surface=name, surface_params=params, view=view, start=None,
            runs=runs, batch_size=batch,
        )
        return self.set_experiment(exp)

    def set_start(self, x: float, y: float) -> None:
        """All runs restart from (x, y)."""
        runs = [dataclasses.replace(r, start=None) for r in self.experiment.runs]
        exp = dataclasses.replace(self.experiment, start=(float(x), float(y)), runs=runs)
        self.set_experiment(exp)

    def set_view(self, view: tuple[float, float, float, float] | None) -> bool:
        """Set the experiment's view box (xmin, xmax, ymin, ymax)."""
        return self.set_experiment(dataclasses.replace(self.experiment, view=view))

    def add_run(self, spec: RunSpec | None = None) -> bool:
        """Append a run (default: Adam with its default hyperparameters)."""
        if spec is None:
            spec = RunSpec("adam")
        if spec.color is None:
            spec = dataclasses.replace(
                spec, color=theme.next_free_color([r.color for r in self.experiment.runs])
            )
        runs = [*self.experiment.runs, spec]
        return self.set_experiment(dataclasses.replace(self.experiment, runs=runs))

    def update_run(self, index: int, spec: RunSpec) -> bool:
        """Replace run ``index`` (keeps its colour when ``spec.color`` is None)."""
        if not self._check_index(index):
            return False
        runs = list(self.experiment.runs)
        if spec.color is None:
            spec = dataclasses.replace(spec, color=runs[index].color)
        runs[index] = spec
        return self.set_experiment(dataclasses.replace(self.experiment, runs=runs))

    def set_run_color(self, index: int, color: str) -> bool:
        """Recolour run ``index`` without restarting anything: the experiment and the live
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
        for run in self.sim.runs:  # a display attribute only: trajectories stay as they are
            if getattr(run, "index", None) == index:
                run.spec = dataclasses.replace(run.spec, color=color)
        self.run_color_changed.emit(index)
        return True

    def remove_run(self, index: int) -> bool:
        """Delete run ``index``."""
        if not self._check_index(index):
            return False
        runs = list(self.experiment.runs)
        del runs[index]
        return self.set_experiment(dataclasses.replace(self.experiment, runs=runs))

    def duplicate_run(self, index: int) -> bool:
        """Insert a copy of run ``index`` after it, with a new colour and an automatic label."""
        if not self._check_index(index):
            return False
        runs = list(self.experiment.runs)
        color = theme.next_free_color([r.color for r in runs])
        runs.insert(index + 1, dataclasses.replace(runs[index], label=None, color=color))
        return self.set_experiment(dataclasses.replace(self.experiment, runs=runs))

    def set_settings(self, **kw) -> bool:
        """Change experiment settings: steps, seed, noise, batch_size, tol."""
        unknown = [k for k in kw if k not in SETTINGS_KEYS]
        if unknown:
            self.error.emit(f"unknown setting {unknown[0]!r}; known: {', '.join(SETTINGS_KEYS)}")
            return False
        return self.set_experiment(dataclasses.replace(self.experiment, **kw))

    def _check_index(self, index: int) -> bool:
        if 0 <= index < len(self.experiment.runs):
            return True
        self.error.emit(f"no run {index}; there are {len(self.experiment.runs)} runs")
        return False

    # -------------------------------------------------------------- stepping
    def step(self, n: int = 1) -> None:
        """Take up to ``n`` steps (views go live); notify divergences once per run."""
        self._go_live()
        if self.sim.done:
            if self.playing:
                self.pause()
            return
        t0 = time.perf_counter()
        taken = self.sim.step(max(1, int(n)))
        if taken > 0:  # engine time per step (not drawing): sizes Play's steps per frame
            per = (time.perf_counter() - t0) / taken
            self._sec_per_step = 0.7 * self._sec_per_step + 0.3 * per
        self._check_runs()
        self.stepped.emit()
        if self.sim.done and self.playing:
            self.pause()
            self.notice.emit(f"Finished at step {self.sim.t}")

    def play(self) -> None:
        if self.playing:
            return
        if self.sim.done:
            self.notice.emit("All runs have stopped; press Reset to run again")
            return
        self._go_live()
        self._last_tick = 0.0
        self._owed = 0.0
        self._timer.start()
        self.playing_changed.emit(True)

    def pause(self) -> None:
        if not self.playing:
            return
        self._timer.stop()
        self._end_run_to()
        self.playing_changed.emit(False)

    def step_n(self, n: int) -> None:
        """Take ``n`` steps: at once when few, else through the Play timer at full speed in
        frame-sized chunks (the event loop keeps running; Pause stops it early)."""
        n = max(1, int(n))
        if n <= STEP_N_AT_ONCE:
            self.step(n)
            return
        if self.sim.done:
            return
        self._run_to = min(self.sim.t + n, self.sim.max_steps)
        self._speed_before_run_to = self._speed
        self._speed = MAX_SPEED
        self._apply_speed()
        self.play()

    def _end_run_to(self) -> None:
        if self._run_to is not None:
            self._run_to = None
            self._speed = self._speed_before_run_to
            self._apply_speed()

    def toggle_play(self) -> None:
        if self.playing:
            self.pause()
        else:
            self.play()

    def set_speed(self, steps_per_second: float) -> None:
        """Play speed, clamped to [1, 100000] steps per second."""
        speed = float(min(MAX_SPEED, max(MIN_SPEED, steps_per_second)))
        if self._run_to is not None:  # applies once the running Step N ends
            self._speed_before_run_to = speed
            return
        self._speed = speed
        self._apply_speed()

    def reset(self) -> None:
        """Back to step 0 with the same experiment (trajectories cleared)."""
        if self._run_to is not None:
            self.pause()
        self.sim.reset()
        self._notified.clear()
        was_scrubbed = self._cursor != -1
        self._cursor = -1
        self.reset_done.emit()
        if was_scrubbed:
            self.cursor_changed.emit(-1)

    def seek(self, step: int) -> None:
        """Show the state at ``step`` (clamped); at or past the latest step means live."""
        step = int(step)
        new = -1 if step >= self.sim.t else max(0, step)
        if new != self._cursor:
            self._cursor = new
            self.cursor_changed.emit(new)

    # -------------------------------------------------------------- internals
    def steps_per_tick(self) -> int:
        """Steps one timer tick takes: speed x interval, at least 1."""
        return max(1, round(self._speed * self._timer.interval() / 1000.0))

    def _apply_speed(self) -> None:
        # Below FPS steps/s the timer slows down (one step per tick) instead of rounding up.
        interval_ms = max(1000.0 / FPS, 1000.0 / self._speed)
        self._timer.setInterval(round(interval_ms))

    def _tick(self) -> None:
        # Steps follow wall time (speed x elapsed), so a slow frame does not slow the
        # simulation; capped by the stepping budget per frame and by 0.1 s of catch-up.
        now = time.perf_counter()
        elapsed = min(0.1, max(0.0, now - self._last_tick)) if self._last_tick else 0.0
        self._last_tick = now
        if elapsed and self._speed > FPS:
            self._adapt_budget(elapsed)
        self._owed += self._speed * elapsed if elapsed else self.steps_per_tick()
        want = int(self._owed)
        if want < 1:
            return
        cap = max(1, int(self._budget / max(self._sec_per_step, 1e-9)))
        n = min(want, cap)
        if self._run_to is not None:
            n = min(n, self._run_to - self.sim.t)
            if n <= 0:
                self.pause()
                return
        self._owed = min(self._owed - n, float(cap))
        self.step(n)
        if self._run_to is not None and self.sim.t >= self._run_to:
            self.pause()

    def _adapt_budget(self, period: float) -> None:
        """Tune the stepping time per frame so that stepping + drawing fit one 60 fps frame:
        shrink it when frames come late, grow it back (for throughput) when they are on time."""
        if period > 1.15 / FPS:
            self._budget = max(MIN_BUDGET_S, self._budget * 0.8)
        elif period < 1.05 / FPS:
            self._budget = min(MAX_BUDGET_S, self._budget * 1.1)

    def _go_live(self) -> None:
        if self._cursor != -1:
            self._cursor = -1
            self.cursor_changed.emit(-1)

    def _check_runs(self) -> None:
        for i, run in enumerate(self.sim.runs):
            if run.status == "diverged" and i not in self._notified:
                self._notified.add(i)
                self.notice.emit(divergence_message(run))


def run_title(run) -> str:
    """'Adam lr=5' for a run; a custom label is shown once, followed by ``lr=…`` only when
    the label does not already say the learning rate (e.g. the label ``lr=1.05``)."""
    from gdsim.optimizers import OPTIMIZERS

    spec = run.spec
    info = OPTIMIZERS.get(spec.optimizer)
    lr = spec.hparams.get("lr")
    if lr is None and info is not None:
        lr = info.params[0].default
    lr_text = f"lr={lr:g}" if isinstance(lr, int | float) and not isinstance(lr, bool) else ""
    if spec.label:
        title = spec.label
        if lr_text and _says_lr(title, lr):
            return title
    else:
        title = info.title if info is not None else spec.optimizer
        if run.label != spec.optimizer:  # 'momentum#2' -> 'Momentum #2'
            title = f"{title} {run.label[len(spec.optimizer):]}".strip()
    return f"{title} {lr_text}" if lr_text else title


def _says_lr(label: str, lr: float) -> bool:
    """Whether a label already names the learning rate ('lr=1.05', 'η 0.1', 'fast (0.05)')."""
    if re.search(r"\blr\b|learning[ _-]?rate|η", label, re.IGNORECASE):
        return True
    numbers = re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", label)
    return any(_same_number(t, lr) for t in numbers)


def _same_number(text: str, value: float) -> bool:
    try:
        return float(text) == float(value)
    except ValueError:
        return False


def divergence_message(run) -> str:
    """'Adam lr=5 diverged at step 37: loss became inf'."""
    reason = getattr(run, "reason", "") or ""
    step = run.steps
    m = re.fullmatch(r"(.*) at step (\d+)", reason)
    if m:
        reason, step = m.group(1), int(m.group(2))
    return f"{run_title(run)} diverged at step {step}" + (f": {reason}" if reason else "")


def _n_samples(name: str, params: dict) -> int:
    """Data set size of surface ``name`` (0 for analytic and expression surfaces, or when the
    parameters are invalid: the Simulation built next reports those)."""
    if name.startswith("expr:"):
        return 0
    try:
        return int(getattr(make_surface(name, **params), "n_samples", 0) or 0)
    except GdsimError:
        return 0


def _with_colors(exp: Experiment) -> Experiment:
    """Give every run without a colour one from the palette (a new Experiment if needed)."""
    if all(r.color for r in exp.runs):
        return exp
    runs = list(exp.runs)
    for i, r in enumerate(runs):
        if not r.color:
            runs[i] = dataclasses.replace(r, color=theme.next_free_color([q.color for q in runs]))
    return dataclasses.replace(exp, runs=runs)
