"""The one controller: owns the experiment, its Simulation and the Play timer.

Flow is one way: widget -> controller -> engine -> signal -> views. Views never mutate the
simulation; they read it (``sim.runs[i].trajectory``, ``sim.decimated``) in their slots.
The experiment is immutable from the UI's point of view: every edit builds a new
:class:`Experiment`, validates it by building a :class:`Simulation`, and only then
replaces the current one (on :class:`GdsimError` the old one stays and ``error`` fires).
"""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
from PySide6.QtCore import QObject

from gdsim.errors import GdsimError
from gdsim.simulation import Experiment, RunSpec, Simulation
from gdsim.surfaces import make_surface
from ui.playback import (  # noqa: F401 (the speed and budget constants are re-exported)
    FPS,
    FRAME_BUDGET_S,
    MAX_BUDGET_S,
    MAX_SPEED,
    MIN_BUDGET_S,
    MIN_SPEED,
    STEP_N_AT_ONCE,
    PlaybackController,
    palette_runs,
    with_colors,
)

SETTINGS_KEYS = ("steps", "seed", "noise", "batch_size", "tol")
HEATMAP_GRID = 200  # heatmap resolution per axis


def grid_values(surface, view, n: int = HEATMAP_GRID):
    """``surface.grid`` over ``view``: xs (n,), ys (n,), z (n, n) with z[j, i] = f(xs[i], ys[j])."""
    with np.errstate(all="ignore"):
        if hasattr(surface, "grid"):
            xs, ys, z = surface.grid(n, n, tuple(view))
        else:  # a surface without the helper: sample surface.value directly
            xmin, xmax, ymin, ymax = view
            xs, ys = np.linspace(xmin, xmax, n), np.linspace(ymin, ymax, n)
            z = surface.value(np.stack(np.meshgrid(xs, ys), axis=-1))
    return xs, ys, np.asarray(z, dtype=np.float64)


def surface_what(exp: Experiment) -> str:
    """'surface rosenbrock with a=1e+308' (the surface and the parameters set), for refusals."""
    if exp.surface.startswith("expr:"):
        return f"f(x, y) = {exp.surface[len('expr:'):].strip()}"
    params = ", ".join(f"{k}={v!r}" for k, v in sorted(exp.surface_params.items()))
    return f"surface {exp.surface}" + (f" with {params}" if params else "")


def checked_grid(exp: Experiment, surface, view, n: int = HEATMAP_GRID):
    """The heatmap grid of ``surface`` over ``view`` (see :func:`grid_values`); GdsimError
    when it cannot be drawn: a view domain that is not finite or empty, no finite value of f
    over it, or values spanning more than float64 holds."""
    what = surface_what(exp)
    hint = "; try a value nearer the default" if exp.surface_params else ""
    shown = "(" + ", ".join(f"{float(v):.6g}" for v in view) + ")"
    x0, x1, y0, y1 = (float(v) for v in view)
    if not all(math.isfinite(v) for v in (x0, x1, y0, y1, x1 - x0, y1 - y0)):
        raise GdsimError(f"{what}: its view domain {shown} is not finite{hint}")
    if not (x0 < x1 and y0 < y1):
        raise GdsimError(f"{what}: its view domain {shown} has no width{hint}")
    xs, ys, z = grid_values(surface, view, n)
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        raise GdsimError(f"{what}: f is not finite anywhere on the view {shown}{hint}")
    with np.errstate(all="ignore"):
        span = float(finite.max()) - float(finite.min())
    if not math.isfinite(span):
        raise GdsimError(f"{what}: f's values on the view {shown} span more than float64 "
                         f"holds{hint}")
    return xs, ys, z


def default_experiment() -> Experiment:
    """First-launch experiment: the classic race on Rosenbrock from (-1.5, 2)."""
    runs = [
        RunSpec("gd", {"lr": 0.0005}),
        RunSpec("momentum", {"lr": 0.0002, "momentum": 0.9}),
        RunSpec("rmsprop", {"lr": 0.01}),
        RunSpec("adam", {"lr": 0.05}),
    ]
    return Experiment(surface="rosenbrock", start=(-1.5, 2.0), runs=palette_runs(runs),
                      steps=2000)


class Controller(PlaybackController):
    """Owns the simulation and the play timer; emits what views need to redraw."""

    SETTINGS_KEYS = SETTINGS_KEYS
    REPLAY_EDITS = True  # the engine re-runs an edited experiment to the shown step at once

    def __init__(self, experiment: Experiment | None = None, parent: QObject | None = None):
        super().__init__(parent)
        exp = experiment if experiment is not None else default_experiment()
        self._grid: tuple | None = None  # (key, (xs, ys, z)) of the heatmap drawn
        # GdsimError when exp cannot be simulated or drawn (the app then starts afresh)
        self.experiment, self.sim, self._grid = self.build(exp)
        self._init_playback()

    def recorded_rows(self, i: int) -> int:
        """Trajectory rows of enabled run ``i`` recorded so far."""
        return self.sim.runs[i].trajectory.n

    def run_notice(self, run) -> str | None:
        """A divergence, once per run, in plain words."""
        return divergence_message(run, self.sim.surface) if run.status == "diverged" else None

    def combined_notice(self, found: list[tuple[object, str]]) -> str:
        """One run: its report; several: who, briefly (the banner above the plots lists each
        in full, so the status bar's line is not cut)."""
        if len(found) == 1:
            return found[0][1]
        labels = ", ".join(run.label for run, _t in found)
        return f"{len(found)} runs diverged ({labels}): see the list above the plots"

    # ------------------------------------------------------------ experiment
    def view_of(self, exp: Experiment | None = None, sim: Simulation | None = None) -> tuple:
        """The view box drawn: the experiment's view, or its surface's default domain."""
        exp = exp if exp is not None else self.experiment
        sim = sim if sim is not None else self.sim
        return tuple(exp.view if exp.view is not None else sim.surface.domain)

    def _grid_key(self, exp: Experiment, sim: Simulation) -> tuple:
        return (exp.surface, repr(sorted(exp.surface_params.items())), exp.formula,
                self.view_of(exp, sim))

    def surface_grid(self) -> tuple:
        """The heatmap grid ``(xs, ys, z)`` of the current surface over its view (the engine's
        values, computed once per surface and view)."""
        key = self._grid_key(self.experiment, self.sim)
        if self._grid is None or self._grid[0] != key:
            self._grid = (key, grid_values(self.sim.surface, key[3]))
        return self._grid[1]

    def probe(self, x: float, y: float) -> tuple[float, float, float]:
        """``(f, ∂f/∂x, ∂f/∂y)`` of the current surface at (x, y): the engine's full-batch,
        noise-free values (inf or NaN where f overflows)."""
        with np.errstate(all="ignore"):
            f, g = self.sim.surface.value_and_grad(np.array([float(x), float(y)]))
        return float(f), float(g[0]), float(g[1])

    def build(self, exp: Experiment) -> tuple[Experiment, Simulation, tuple]:
        """``exp`` (coloured), its Simulation and its heatmap grid entry, checked to be
        drawable; GdsimError naming the culprit otherwise. Nothing changes here."""
        exp = with_colors(exp)
        with np.errstate(all="ignore"):  # huge parameters overflow: refused just below
            sim = Simulation(exp)
        key = self._grid_key(exp, sim)
        if self._grid is not None and self._grid[0] == key:
            return exp, sim, self._grid
        return exp, sim, (key, checked_grid(exp, sim.surface, key[3]))

    def apply(self, exp: Experiment) -> None:
        """Make ``exp`` current, or raise GdsimError with the reason (the current one stays)."""
        exp, sim, self._grid = self.build(exp)
        self._adopt(exp, sim)

    def set_experiment(self, exp: Experiment) -> bool:
        """Validate ``exp`` by building its Simulation; on success replace and reset
        (a refusal goes out on ``error``)."""
        try:
            self.apply(exp)
        except GdsimError as e:
            self.error.emit(str(e))
            return False
        return True

    def set_experiment_reporting(self, exp, report, title: str) -> bool:
        """:meth:`set_experiment` for file actions: a refusal (raised by :meth:`apply`) also
        goes to ``report(title, message)``, e.g. a message box."""
        try:
            self.apply(exp)
        except GdsimError as e:
            self.error.emit(str(e))
            report(title, str(e))
            return False
        return True

    def surface_experiment(self, name: str, params: dict | None = None) -> Experiment:
        """The current experiment switched to surface ``name`` (see :meth:`set_surface`)."""
        params = dict(params or {})
        view = None
        if name.startswith("expr:") and "domain" in params:
            # The engine takes an expr surface's domain from the experiment's view.
            view = tuple(float(v) for v in params.pop("domain"))
        runs = [dataclasses.replace(r, start=None) for r in self.experiment.runs]
        batch = self.experiment.batch_size
        if batch is not None and not 0 < batch <= _n_samples(name, params):
            batch = None
        return dataclasses.replace(self.experiment, surface=name, surface_params=params,
                                   view=view, start=None, runs=runs, batch_size=batch)

    def set_surface(self, name: str, params: dict | None = None) -> bool:
        """Switch surface; view and start go back to the surface's defaults.

        For ``expr:`` surfaces a ``domain`` in ``params`` also becomes the view. The
        experiment-wide batch size is kept only where the new surface has data to batch
        (it is refused elsewhere): otherwise it goes back to None (full batch).
        """
        return self.set_experiment(self.surface_experiment(name, params))

    def set_start(self, x: float, y: float) -> None:
        """All runs restart from (x, y)."""
        runs = [dataclasses.replace(r, start=None) for r in self.experiment.runs]
        self._edit(start=(float(x), float(y)), runs=runs)

    def set_view(self, view: tuple[float, float, float, float] | None) -> bool:
        """Set the experiment's view box (xmin, xmax, ymin, ymax)."""
        return self._edit(view=view)


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


def divergence_message(run, surface=None) -> str:
    """The plain-words report of a diverged run: 'Adam lr=5 flew off the map at step 51: the
    learning rate is too large for this curvature' (``surface`` picks the likely cause)."""
    reason, step = _reason_and_step(run)
    title = run_title(run)
    if "start point" in reason:  # stopped before any update
        return f"{title} cannot start here: {reason}"
    return f"{title} {divergence_what(run)} at step {step}: {likely_cause(surface)}"


def divergence_what(run) -> str:
    """'flew off the map' (left the box 100× the view) or 'blew up (its loss became inf)'."""
    reason, _step = _reason_and_step(run)
    if reason.startswith("left the domain box") or not reason:
        return "flew off the map"
    return f"blew up (its {reason})" if " became " in reason else f"diverged ({reason})"


def likely_cause(surface=None) -> str:
    """Why a run diverges here: too large a learning rate for the curvature, unless the surface
    has no bottom (no known minimum, e.g. the saddles)."""
    lr = "the learning rate is too large for this curvature"
    if surface is None or int(getattr(surface, "n_samples", 0) or 0) > 0:
        return lr
    if len(np.asarray(getattr(surface, "minima", ())).reshape(-1, 2)):
        return lr
    if str(getattr(surface, "name", "")).startswith("expr:"):
        return f"{lr}, or the surface has no bottom that way"
    return "this surface has no bottom that way (it falls away for ever)"


def _reason_and_step(run) -> tuple[str, int]:
    """The engine's cause and the step it names: from the reason ('<cause> at step k') when it
    says so, else the run's ``cause``/``stop_step`` fields (the run's steps when unknown)."""
    reason = getattr(run, "reason", "") or ""
    m = re.fullmatch(r"(.*) at step (\d+)", reason)
    if m:
        return m.group(1), int(m.group(2))
    step = getattr(run, "stop_step", None)
    return (reason or getattr(run, "cause", "") or ""), int(run.steps if step is None else step)


def _n_samples(name: str, params: dict) -> int:
    """Data set size of surface ``name`` (0 for analytic and expression surfaces, or when the
    parameters are invalid: the Simulation built next reports those)."""
    if name.startswith("expr:"):
        return 0
    try:
        return int(getattr(make_surface(name, **params), "n_samples", 0) or 0)
    except GdsimError:
        return 0
