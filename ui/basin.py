"""Basin-map overlay for the surface panel: which known minimum each start reaches.

The map (``gdsim.basin.basin_map`` for the selected run's optimizer and schedule over the
current view) is computed off the UI thread on the global ``QThreadPool``; each request
carries a generation number and results of older requests are discarded (their work is
cancelled: it stops within a few steps instead of running on for nobody). The overlay is
one ``ImageItem`` drawn once per result, so it costs nothing per frame during Play.
"""

from __future__ import annotations

import copy
import threading

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QRectF, QRunnable, QThreadPool, Signal

from gdsim.basin import DIVERGED, NOT_SETTLED, BasinCancelled, basin_map
from gdsim.errors import GdsimError
from ui import theme
from ui.i18n import tr

SIDE = 128          # starts per axis
MAX_STEPS = 1000    # each start runs min(experiment steps, this) updates
THREADS = 2
Z_VALUE = -15       # above the heatmap (-20), below isolines (-10), minima and paths


def basin_rgba(labels: np.ndarray) -> np.ndarray:
    """``(ny, nx, 4)`` uint8 colours for a label map: palette per minimum, grey, dark."""
    table = np.array([_rgba(c, theme.BASIN_ALPHA) for c in theme.BASIN_COLORS], dtype=np.uint8)
    out = np.empty(labels.shape + (4,), dtype=np.uint8)
    found = labels >= 0
    out[found] = table[labels[found] % len(table)]
    out[labels == NOT_SETTLED] = theme.BASIN_NOT_SETTLED
    out[labels == DIVERGED] = theme.BASIN_DIVERGED
    return out


def _rgba(hex_color: str, alpha: int) -> tuple[int, int, int, int]:
    h = hex_color.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), alpha


class _Job(QRunnable):
    """One basin-map computation; reports ``(generation, BasinMap | error text)``."""

    def __init__(self, generation: int, args: tuple, done, cancel: threading.Event):
        super().__init__()
        self.generation, self.args, self.done, self.cancel = generation, args, done, cancel

    def run(self) -> None:  # worker thread: pure NumPy, no Qt objects touched but the signal
        try:
            result: object = basin_map(*self.args, threads=THREADS, cancel=self.cancel)
        except BasinCancelled:
            return  # superseded or switched off: nobody waits for it
        except GdsimError as e:
            result = str(e)
        except Exception as e:  # noqa: BLE001 (a worker must not die silently)
            result = f"basin map failed: {e}"
        try:
            self.done.emit((self.generation, result))
        except RuntimeError:  # the overlay was deleted (window closed) while computing
            pass


class BasinOverlay(QObject):
    """Owns the overlay image; recomputes on experiment / selected-run changes while on."""

    finished = Signal(object)       # (generation, BasinMap | str), emitted from the worker
    shown = Signal(object)          # BasinMap now displayed (tests and status use it)

    def __init__(self, controller, surface_view, selected=lambda: 0, message=None):
        super().__init__(surface_view)
        self.controller = controller
        self.view = surface_view
        self.selected = selected            # () -> index into experiment.runs
        self.message = message or (lambda text, ms=0: None)
        self.enabled = False
        self.generation = 0
        self.busy = False
        self.result = None                  # the BasinMap on screen
        self._key = None                    # what the shown / pending map was computed for
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setObjectName("basinImage")
        self.image.setZValue(Z_VALUE)
        self.image.setVisible(False)
        surface_view.plot.getPlotItem().addItem(self.image)
        # what each colour means, bottom left of the plot (the runs' legend is top right)
        self.legend = pg.LegendItem(offset=None, brush=pg.mkBrush(255, 255, 255, 215),
                                    pen=pg.mkPen("#999999"), labelTextColor=theme.FOREGROUND)
        self.legend.setParentItem(surface_view.plot.getPlotItem().getViewBox())
        self.legend.anchor(itemPos=(0, 1), parentPos=(0, 1), offset=(8, -8))
        self.legend.setObjectName("basinLegend")
        self.legend.setZValue(40)
        self.legend.setVisible(False)
        self.legend_entries: list[str] = []
        self.finished.connect(self._finished)
        controller.experiment_changed.connect(self.update_map)
        self._cancel = threading.Event()  # the computation in flight's (set: stop it)
        # the overlay deleted with its window: its computation stops too (no bound method of
        # the object being destroyed: the slot is the event's own)
        self._cancel_holder = [self._cancel]
        self.destroyed.connect(lambda *_a, h=self._cancel_holder: h[0].set())

    def stop(self) -> None:
        """Cancel the computation in flight, if any (the window is closing)."""
        self.generation += 1
        self.busy = False
        self._stop_computing()

    def _stop_computing(self) -> None:
        """Cancel the computation in flight (a new one gets a new event)."""
        self._cancel.set()
        self._cancel = self._cancel_holder[0] = threading.Event()

    # ------------------------------------------------------------------ public
    def set_enabled(self, on: bool) -> None:
        """Show (computing if needed) or hide the overlay."""
        self.enabled = bool(on)
        if not self.enabled:
            self.generation += 1  # anything in flight is now stale
            self._stop_computing()
            self.busy = False
            self._key = None
            self.result = None
            self.image.setVisible(False)
            self._show_legend(None)
            return
        self.update_map()

    def update_map(self, *_args) -> None:
        """Recompute for the current surface, view and selected run (if on and changed)."""
        if not self.enabled:
            return
        c = self.controller
        exp = c.experiment
        surface = c.sim.surface
        runs = exp.runs
        if not runs:
            self._clear("Basin map: no run to map")
            return
        if len(np.asarray(surface.minima).reshape(-1, 2)) == 0:
            self._clear("Basin map: this surface has no known minima to colour by")
            return
        i = min(max(int(self.selected()), 0), len(runs) - 1)
        spec = copy.deepcopy(runs[i])
        view = tuple(float(v) for v in self.view.view_box())
        steps = int(min(exp.steps, MAX_STEPS))
        key = (exp.surface, repr(sorted(exp.surface_params.items())), exp.formula, view,
               spec.optimizer, repr(sorted(spec.hparams.items())), spec.schedule,
               repr(sorted(spec.schedule_params.items())), steps)
        if key == self._key:
            return
        if self._key is None or key[:4] != self._key[:4]:
            self.image.setVisible(False)  # another surface or view: the old map would lie
            self._show_legend(None)
        self._key = key
        self.generation += 1
        self._stop_computing()
        self.busy = True
        self.message(tr('Computing basin map ({0}×{1} starts, {2} steps)…')
                     .format(SIDE, SIDE, steps), 0)
        QThreadPool.globalInstance().start(
            _Job(self.generation, (surface, spec, SIDE, SIDE, steps, view), self.finished,
                 self._cancel))

    # ---------------------------------------------------------------- private
    def _clear(self, text: str) -> None:
        self.generation += 1
        self._stop_computing()
        self.busy = False
        self._key = None
        self.result = None
        self.image.setVisible(False)
        self._show_legend(None)
        self.message(text, 8000)

    def _finished(self, payload) -> None:
        generation, result = payload
        if generation != self.generation or not self.enabled:
            return  # stale: the experiment or selection changed meanwhile
        self.busy = False
        if isinstance(result, str):
            self._clear(result)
            return
        self.result = result
        bm = result
        self.image.setImage(basin_rgba(bm.labels), autoLevels=False)
        x0, x1 = float(bm.xs[0]), float(bm.xs[-1])
        y0, y1 = float(bm.ys[0]), float(bm.ys[-1])
        dx, dy = (x1 - x0) / (len(bm.xs) - 1), (y1 - y0) / (len(bm.ys) - 1)
        self.image.setRect(QRectF(x0 - dx / 2, y0 - dy / 2, x1 - x0 + dx, y1 - y0 + dy))
        self.image.setVisible(True)
        counts = bm.counts()
        n = bm.labels.size
        parts = [f"min {k + 1}: {100 * v / n:.0f}%" for k, v in sorted(counts.items()) if k >= 0]
        if NOT_SETTLED in counts:
            parts.append(f"not settled: {100 * counts[NOT_SETTLED] / n:.0f}%")
        if DIVERGED in counts:
            parts.append(f"diverged: {100 * counts[DIVERGED] / n:.0f}%")
        self.message(f"Basin map after {bm.steps} steps — " + ", ".join(parts), 8000)
        self._show_legend(bm)
        self.shown.emit(bm)

    def _show_legend(self, bm) -> None:
        """One entry per colour on the map: each minimum reached (with its coordinates and
        share of the starts), not settled, diverged; hidden without a map."""
        self.legend.clear()
        self.legend_entries = []
        if bm is None:
            self.legend.setVisible(False)
            return
        counts = bm.counts()
        n = bm.labels.size
        minima = np.asarray(self.controller.sim.surface.minima).reshape(-1, 2)
        rows = []
        for k in sorted(c for c in counts if c >= 0):
            where = f" ({minima[k][0]:.3g}, {minima[k][1]:.3g})" if k < len(minima) else ""
            color = theme.BASIN_COLORS[k % len(theme.BASIN_COLORS)]
            rows.append((_rgba(color, 255), f"ends at minimum {k + 1}{where}",
                         counts[k]))
        if NOT_SETTLED in counts:
            rows.append((theme.BASIN_NOT_SETTLED[:3] + (255,), "not settled in time",
                         counts[NOT_SETTLED]))
        if DIVERGED in counts:
            rows.append((theme.BASIN_DIVERGED[:3] + (255,), "diverged", counts[DIVERGED]))
        for rgba, text, count in rows:
            sample = pg.ScatterPlotItem(symbol="s", size=12, brush=pg.mkBrush(*rgba),
                                        pen=pg.mkPen("#666666"))
            label = f"{text}: {100 * count / n:.0f}%"
            self.legend.addItem(sample, label)
            self.legend_entries.append(label)
        self.legend.setVisible(True)
