"""The playback/timeline mechanism both tabs share: a QObject owning the Play timer, speed,
stepping budget, timeline cursor, Step N in chunks, run edits and once-per-run notices.

``Controller`` (surfaces) and ``NetworkController`` subclass it and supply only what differs:
how an experiment becomes an engine object (``set_experiment``), how many rows a run has
recorded (``recorded_rows``) and which run statuses deserve a notice (``run_notice``).
The engine object ``sim`` needs ``t``, ``max_steps``, ``done``, ``runs``, ``step(n) -> taken``
and ``reset()``; the experiment is a dataclass with a ``runs`` list of :class:`RunSpec`.
"""

from __future__ import annotations

import dataclasses
import time
from collections import deque

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QColor

from gdsim.simulation import RunSpec
from ui import theme
from ui.i18n import tr

FPS = 60.0
MIN_SPEED = 1.0
MAX_SPEED = 100_000.0
FRAME_BUDGET_S = 0.008  # initial stepping time per Play tick; the rest is for drawing
MIN_BUDGET_S, MAX_BUDGET_S = 0.004, 0.014  # range of the adaptive stepping budget
STEP_N_AT_ONCE = 2000  # Step N above this runs in chunks through the timer
AT_ONCE_S = 0.03  # ... and so does Step N whose engine time would exceed about two frames
READOUT_HZ = 20.0  # numbers (status bar, runs table) refresh at most this often while playing
RATE_WINDOW_S = 1.0  # the achieved speed is measured over the last second of Play
RATE_MIN_SPAN_S = 0.25  # ... once Play has run this long


def palette_runs(runs: list[RunSpec]) -> list[RunSpec]:
    """The runs coloured with the palette in order (for a default experiment)."""
    return [dataclasses.replace(r, color=theme.run_color(i)) for i, r in enumerate(runs)]


def with_colors(exp):
    """Give every run without a colour one from the palette (a new experiment if needed)."""
    if all(r.color for r in exp.runs):
        return exp
    runs = list(exp.runs)
    for i, r in enumerate(runs):
        if not r.color:
            runs[i] = dataclasses.replace(r, color=theme.next_free_color([q.color for q in runs]))
    return dataclasses.replace(exp, runs=runs)


class PlaybackController(QObject):
    """Owns an experiment, its engine object ``sim`` and the Play timer; emits what views need.

    Subclasses set ``experiment`` and ``sim`` before calling :meth:`_init_playback`, implement
    :meth:`set_experiment`, :meth:`recorded_rows` and :meth:`run_notice`, and may override
    :meth:`_restarted` (called whenever ``sim`` is rebuilt or reset).
    """

    stepped = Signal()  # steps were taken (views redraw current state)
    reset_done = Signal()  # simulation rebuilt or reset: trajectories cleared
    experiment_changed = Signal()  # experiment edited; a reset_done follows
    cursor_changed = Signal(int)  # timeline position shown; -1 = live (latest)
    run_color_changed = Signal(int)  # run i of experiment.runs recoloured (no restart)
    playing_changed = Signal(bool)
    notice = Signal(str)  # one-line status-bar message (e.g. divergence)
    # the numbers to read (status bar, runs table, achieved speed) changed: after every step
    # while paused, at most READOUT_HZ times a second while playing (faster cannot be read),
    # and when Play stops; readouts that follow it all show the same step
    readout = Signal()
    error = Signal(str)  # a refused action; nothing changed

    DEFAULT_SPEED = 200.0  # steps per second at launch
    SEC_PER_STEP = 1e-5  # first guess of engine time per step (refined while stepping)
    SETTINGS_KEYS: tuple[str, ...] = ()
    PAUSE_ON_REBUILD = False  # pause Play whenever ``sim`` is rebuilt (else only Step N)
    REPLAY_EDITS = False  # a run or settings edit while paused re-runs up to the step shown
    AGAIN = "run"  # 'press Reset to <AGAIN> again'

    def _init_playback(self) -> None:
        self._cursor = -1
        self._speed = self.DEFAULT_SPEED
        self._notified: set[int] = set()
        self._sec_per_step = self.SEC_PER_STEP  # caps steps per tick to the frame budget
        self._last_tick = 0.0  # perf_counter of the previous Play tick (0: first tick)
        self._last_readout = -1e9  # perf_counter of the last readout signal
        self._rate_samples: deque[tuple[float, int]] = deque()  # (perf_counter, sim.t) in Play
        self._budget = FRAME_BUDGET_S  # stepping seconds per tick, adapted to the frame rate
        self._owed = 0.0  # fractional steps carried between ticks
        self._run_to: int | None = None  # Step N in progress: the step to stop at
        self._speed_before_run_to = self._speed
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._apply_speed()

    # ----------------------------------------------------------- subclass hooks
    def set_experiment(self, exp) -> bool:
        """Validate ``exp`` by building its engine object; on success :meth:`_adopt` it."""
        raise NotImplementedError

    def recorded_rows(self, i: int) -> int:
        """Rows recorded so far for run ``i`` (index into ``sim.runs``)."""
        raise NotImplementedError

    def run_notice(self, run) -> str | None:
        """The one-time notice for a run's status (None: nothing to say yet)."""
        raise NotImplementedError

    def _restarted(self) -> None:
        """``sim`` was rebuilt or reset (before the signals go out)."""

    # ------------------------------------------------------------------ state
    @property
    def cursor(self) -> int:
        """Timeline position: -1 when showing the live (latest) state, else the step shown."""
        return self._cursor

    @property
    def shown_step(self) -> int:
        """The step the views should draw: the cursor, or ``sim.t`` when live."""
        return self.sim.t if self._cursor < 0 else min(self._cursor, self.sim.t)

    def shown_rows(self, i: int) -> int:
        """How many recorded rows of run ``i`` (index into ``sim.runs``) are visible."""
        return int(min(self.recorded_rows(i), self.shown_step + 1))

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    @property
    def speed(self) -> float:
        """Play speed in steps per second."""
        return self._speed

    @property
    def achieved_speed(self) -> float | None:
        """Steps per second Play actually reached over the last RATE_WINDOW_S (the engine and
        the drawing may not keep up with the speed asked for); None when not playing or too
        early to say."""
        s = self._rate_samples
        if not self.playing or len(s) < 2 or s[-1][0] - s[0][0] < RATE_MIN_SPAN_S:
            return None
        return (s[-1][1] - s[0][1]) / (s[-1][0] - s[0][0])

    def enabled_indices(self) -> list[int]:
        """Indices into ``experiment.runs`` of the enabled runs, i.e. of ``sim.runs`` in order."""
        return [i for i, r in enumerate(self.experiment.runs) if r.enabled]

    # ------------------------------------------------------------- experiment
    def _adopt(self, exp, sim) -> None:
        """Make the validated ``exp``/``sim`` current: live cursor, signals out."""
        if self.PAUSE_ON_REBUILD or self._run_to is not None:  # Step N: old simulation's
            self.pause()
        self.experiment = exp
        self.sim = sim
        self._restarted()
        self._notified.clear()
        was_scrubbed = self._cursor != -1
        self._cursor = -1
        self.experiment_changed.emit()
        self.reset_done.emit()
        if was_scrubbed:
            self.cursor_changed.emit(-1)
        self._check_runs()  # e.g. a start point where the loss is not finite

    def set_experiment_reporting(self, exp, report, title: str, **kw) -> bool:
        """:meth:`set_experiment` for file actions: a refusal is also passed to
        ``report(title, message)`` (e.g. a message box), as well as to ``error``."""
        errors: list[str] = []
        self.error.connect(errors.append)
        try:
            ok = self.set_experiment(exp, **kw)
        finally:
            self.error.disconnect(errors.append)
        if not ok:
            report(title, errors[0] if errors else "invalid experiment")
        return ok

    def _edit(self, replay: bool = False, **fields) -> bool:
        """A copy of the experiment with ``fields`` replaced, through :meth:`set_experiment`.

        ``replay`` (with REPLAY_EDITS): the new runs are stepped at once up to the step the
        user was at (:meth:`replay_target`), so an edit while paused shows its new paths.
        """
        target = self.replay_target() if replay and self.REPLAY_EDITS else 0
        ok = self.set_experiment(dataclasses.replace(self.experiment, **fields))
        if ok and target > 0 and not self.sim.done:
            self.step_n(min(target, self.sim.max_steps))
        return ok

    def replay_target(self) -> int:
        """The step an edit should re-run the new runs up to: the one shown while paused, the
        end of a Step N (or of an earlier replay) in progress, 0 while playing."""
        if self._run_to is not None:
            return self._run_to
        if self.playing:
            return 0
        return self.shown_step

    def default_run(self) -> RunSpec:
        """The run Add appends: Adam with its default hyperparameters."""
        return RunSpec("adam")

    def add_run(self, spec: RunSpec | None = None) -> bool:
        """Append a run (default: :meth:`default_run`) in the next free palette colour."""
        spec = spec if spec is not None else self.default_run()
        if spec.color is None:
            spec = dataclasses.replace(
                spec, color=theme.next_free_color([r.color for r in self.experiment.runs])
            )
        return self._edit(replay=True, runs=[*self.experiment.runs, spec])

    def update_run(self, index: int, spec: RunSpec) -> bool:
        """Replace run ``index`` (keeps its colour when ``spec.color`` is None)."""
        if not self._check_index(index):
            return False
        runs = list(self.experiment.runs)
        if spec.color is None:
            spec = dataclasses.replace(spec, color=runs[index].color)
        runs[index] = spec
        return self._edit(replay=True, runs=runs)

    def set_run_color(self, index: int, color: str) -> bool:
        """Recolour run ``index`` without restarting anything: the experiment and the live
        run's spec get the colour, then ``run_color_changed(index)`` lets the views repaint."""
        if not self._check_index(index):
            return False
        qc = QColor(str(color))
        if not qc.isValid():
            self.error.emit(tr('colour {0!r} is not a colour name or #rrggbb').format(color))
            return False
        color = qc.name()
        runs = list(self.experiment.runs)
        runs[index] = dataclasses.replace(runs[index], color=color)
        self.experiment = dataclasses.replace(self.experiment, runs=runs)
        enabled = self.enabled_indices()
        if index in enabled:  # a display attribute only: the recorded steps stay as they are
            run = self.sim.runs[enabled.index(index)]
            run.spec = dataclasses.replace(run.spec, color=color)
        self.run_color_changed.emit(index)
        return True

    def remove_run(self, index: int) -> bool:
        """Delete run ``index``."""
        if not self._check_index(index):
            return False
        runs = list(self.experiment.runs)
        del runs[index]
        return self._edit(replay=True, runs=runs)

    def duplicate_run(self, index: int) -> bool:
        """Insert a copy of run ``index`` after it, with a new colour and an automatic label."""
        if not self._check_index(index):
            return False
        runs = list(self.experiment.runs)
        color = theme.next_free_color([r.color for r in runs])
        runs.insert(index + 1, dataclasses.replace(runs[index], label=None, color=color))
        return self._edit(replay=True, runs=runs)

    def set_settings(self, **kw) -> bool:
        """Change experiment settings (the names in ``SETTINGS_KEYS``)."""
        unknown = [k for k in kw if k not in self.SETTINGS_KEYS]
        if unknown:
            known = ", ".join(self.SETTINGS_KEYS)
            self.error.emit(tr('unknown setting {0!r}; known: {1}').format(unknown[0], known))
            return False
        return self._edit(replay=True, **kw)

    def _check_index(self, index: int) -> bool:
        if 0 <= index < len(self.experiment.runs):
            return True
        self.error.emit(tr('no run {0}; there are {1} runs').format(index,
                                                                     len(self.experiment.runs)))
        return False

    # --------------------------------------------------------------- stepping
    def step(self, n: int = 1) -> None:
        """Take up to ``n`` steps (views go live); notify run status changes once per run."""
        self._go_live()
        if self.sim.done:
            if self.playing:
                self.pause()
            else:  # Step pressed with nothing left to run: say why nothing happens
                self.notice.emit(self._stopped_text())
            return
        t0 = time.perf_counter()
        taken = self.sim.step(max(1, int(n)))
        if taken > 0:  # engine time per step (not drawing): sizes Play's steps per frame
            per = (time.perf_counter() - t0) / taken
            self._sec_per_step = 0.7 * self._sec_per_step + 0.3 * per
        self._check_runs()
        self.stepped.emit()
        self._readout()
        if self.sim.done and self.playing:
            self.pause()
            self.notice.emit(tr('Finished at step {0}').format(self.sim.t))

    def play(self) -> None:
        if self.playing:
            return
        if self.sim.done:
            self.notice.emit(self._stopped_text())
            return
        self._go_live()
        self._last_tick = 0.0
        self._owed = 0.0
        self._rate_samples.clear()
        self._timer.start()
        self.playing_changed.emit(True)

    def _stopped_text(self) -> str:
        """Why Play or Step does nothing: no enabled run, every run stopped at once (Reset
        would not help), or all have stopped since."""
        if not self.sim.runs:
            return "No run is enabled: tick one in the Runs panel"
        if self.sim.t == 0:
            return "Every run stopped at the start: change the start point or the settings"
        return f"All runs have stopped; press Reset to {self.AGAIN} again"

    def pause(self) -> None:
        if not self.playing:
            return
        self._timer.stop()
        self._end_run_to()
        self.playing_changed.emit(False)
        self._readout(force=True)

    def _readout(self, force: bool = False) -> None:
        """Emit ``readout`` (see there): always unless playing, else at READOUT_HZ."""
        now = time.perf_counter()
        if force or not self.playing or now - self._last_readout >= 1.0 / READOUT_HZ:
            self._last_readout = now
            self.readout.emit()

    def step_n(self, n: int) -> None:
        """Take ``n`` steps: at once when few (at most STEP_N_AT_ONCE, and about two frames of
        engine time), else through the Play timer at full speed in frame-sized chunks (the
        event loop keeps running; Pause stops it early)."""
        n = max(1, int(n))
        if n <= min(STEP_N_AT_ONCE, max(1, int(AT_ONCE_S / max(self._sec_per_step, 1e-9)))):
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
        """Back to step 0 with the same experiment (recorded steps cleared)."""
        if self._run_to is not None:
            self.pause()
        self.sim.reset()
        self._restarted()
        self._notified.clear()
        was_scrubbed = self._cursor != -1
        self._cursor = -1
        self.reset_done.emit()
        if was_scrubbed:
            self.cursor_changed.emit(-1)
        self._check_runs()

    def seek(self, step: int) -> None:
        """Show the state at ``step`` (clamped); at or past the latest step means live.
        Scrubbing back pauses Play."""
        step = int(step)
        new = -1 if step >= self.sim.t else max(0, step)
        if new >= 0 and self.playing:  # scrubbing back stops Play (it would jump to live)
            self.pause()
        if new != self._cursor:
            self._cursor = new
            self.cursor_changed.emit(new)

    # --------------------------------------------------------------- internals
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
        self._sample_rate(now)
        if self._run_to is not None and self.sim.t >= self._run_to:
            self.pause()

    def _sample_rate(self, now: float) -> None:
        """Remember (time, step) of a Play tick for :attr:`achieved_speed`."""
        s = self._rate_samples
        if s and self.sim.t < s[-1][1]:  # reset or rebuilt meanwhile: start over
            s.clear()
        s.append((now, self.sim.t))
        while len(s) > 2 and now - s[1][0] >= RATE_WINDOW_S:
            s.popleft()

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
        """One notice for all the runs that stopped since the last check (several diverging
        in one batch of steps are all named, not the last one only)."""
        found = []
        for i, run in enumerate(self.sim.runs):
            if i not in self._notified:
                text = self.run_notice(run)
                if text is not None:
                    self._notified.add(i)
                    found.append((run, text))
        if found:
            self.notice.emit(self.combined_notice(found))

    def combined_notice(self, found: list[tuple[object, str]]) -> str:
        """The one notice for several (run, notice text) pairs found at once."""
        return "; ".join(text for _run, text in found)
