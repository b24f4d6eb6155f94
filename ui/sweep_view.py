"""The stability map: a heatmap of ``gdsim.sweep`` results over (lr, a second hyperparameter)
for the selected run, computed on a worker thread with progress and Cancel; a click on a
cell applies its values to the run. ``write_png`` draws the same map for ``gdsim sweep --png``.
"""

from __future__ import annotations

import dataclasses
import math
import threading

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QRectF,
    QRunnable,
    Qt,
    QThreadPool,
    Signal,
)
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gdsim.errors import GdsimError
from gdsim.sweep import CONVERGED, DIVERGED, SweepCancelled, make_axis, sweep, sweepable
from ui import theme
from ui.i18n import tr
from ui.plots import hover_label, make_plot

DIVERGED_RGBA = (200, 60, 50, 255)
NEVER_RGBA = (205, 205, 205, 255)
COLOR_BY = {"loss": "final loss − f* (log10)", "steps": "steps to loss tolerance"}
THREADS = 2
MAX_TICKS = 6


def _fmt(v: float) -> str:
    return f"{v:.3g}"


class StabilityMapPlot(QWidget):
    """The map itself: a value image with its colour bar, an overlay for diverged and
    never-reached cells, axis ticks at the swept values, hover read-out, clicks on cells."""

    cell_clicked = Signal(int, int)   # (j, i)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("stabilityMapPlot")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.hover = hover_label("stabilityHover")
        lay.addWidget(self.hover)
        self.plot = make_plot("stabilityPlot", tr("stability map"))
        lay.addWidget(self.plot, 1)
        pi = self.plot.getPlotItem()
        pi.showGrid(False, False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setObjectName("stabilityImage")
        pi.addItem(self.image)
        self.colorbar = pg.ColorBarItem(colorMap=pg.colormap.get("viridis"), interactive=False,
                                        width=14, colorMapMenu=False)
        self.colorbar.setImageItem(self.image, insert_in=pi)
        self.overlay = pg.ImageItem(axisOrder="row-major")
        self.overlay.setZValue(5)
        pi.addItem(self.overlay)
        self.marker = pg.ScatterPlotItem(symbol="+", size=18, pen=pg.mkPen("#ffffff", width=3),
                                         brush=None)
        self.marker.setZValue(10)
        pi.addItem(self.marker)
        self.result = None
        self.color_by = "loss"
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        self.plot.scene().sigMouseMoved.connect(self._moved)

    def set_result(self, result, color_by: str = "loss") -> None:
        """Draw ``result`` (a SweepResult) coloured by ``color_by`` ("loss" or "steps")."""
        self.result, self.color_by = result, color_by
        r = result
        ny, nx = r.loss.shape
        div = r.status == DIVERGED
        with np.errstate(all="ignore"):
            if color_by == "steps":
                z = r.steps_to_tol.astype(np.float64)
                never = ~div & (r.steps_to_tol < 0)
                z[never | div] = np.nan
            else:
                gap = r.loss - r.fstar
                z = np.log10(np.maximum(gap, 1e-300))
                never = np.zeros_like(div)
                z[div | ~np.isfinite(z)] = np.nan
        finite = np.isfinite(z)
        lo = float(z[finite].min()) if finite.any() else 0.0
        hi = float(z[finite].max()) if finite.any() else 1.0
        if not hi > lo:
            hi = lo + 1.0
        self.image.setImage(np.where(finite, z, lo), autoLevels=False)
        self.colorbar.setLevels((lo, hi))
        over = np.zeros((ny, nx, 4), dtype=np.uint8)
        over[div] = DIVERGED_RGBA
        over[never] = NEVER_RGBA
        self.overlay.setImage(over, autoLevels=False, levels=(0, 255))
        for item in (self.image, self.overlay):
            item.setRect(QRectF(0, 0, nx, ny))
        pi = self.plot.getPlotItem()
        pi.setLabel("bottom", f"{r.x.name}{' (log)' if r.x.log else ''}")
        pi.setLabel("left", "" if r.y is None else f"{r.y.name}{' (log)' if r.y.log else ''}")
        pi.getAxis("bottom").setTicks([self._ticks(r.xs)])
        pi.getAxis("left").setTicks([self._ticks(r.ys) if r.y is not None else []])
        counts = r.counts()
        pi.setTitle(f"{r.spec.optimizer}: {COLOR_BY[color_by]} after {r.steps} steps — "
                    f"{counts['diverged']} diverged (red)"
                    + (", grey: tolerance never reached" if color_by == "steps" else ""),
                    color=theme.FOREGROUND, size="9pt")
        pi.getViewBox().setRange(xRange=(0, nx), yRange=(0, ny), padding=0.02)
        self.marker.setData([])

    @staticmethod
    def _ticks(values: np.ndarray) -> list[tuple[float, str]]:
        n = len(values)
        idx = np.unique(np.linspace(0, n - 1, min(n, MAX_TICKS)).round().astype(int))
        return [(i + 0.5, _fmt(float(values[i]))) for i in idx]

    def mark(self, j: int, i: int) -> None:
        """Mark cell ``[j, i]`` (the values last applied)."""
        self.marker.setData([i + 0.5], [j + 0.5])

    def cell_at(self, scene_pos) -> tuple[int, int] | None:
        """The (j, i) under a scene position, or None."""
        if self.result is None:
            return None
        vb = self.plot.getPlotItem().getViewBox()
        if not vb.sceneBoundingRect().contains(scene_pos):
            return None
        p = vb.mapSceneToView(scene_pos)
        ny, nx = self.result.loss.shape
        i, j = math.floor(p.x()), math.floor(p.y())
        return (j, i) if 0 <= i < nx and 0 <= j < ny else None

    def cell_text(self, j: int, i: int) -> str:
        r = self.result
        hp = ", ".join(f"{k}={v:.4g}" for k, v in r.cell_hparams(j, i).items())
        status = {0: "max steps", CONVERGED: "converged", DIVERGED: "diverged"}[
            int(r.status[j, i])]
        stt = int(r.steps_to_tol[j, i])
        return (f"<b>{hp}</b>: {status} at step {int(r.stop[j, i])}, final loss "
                f"{float(r.loss[j, i]):.4g}, tolerance "
                f"{'never reached' if stt < 0 else f'reached at step {stt}'} — click to apply")

    def _moved(self, pos) -> None:
        cell = self.cell_at(pos)
        if cell is not None:
            self.hover.setText(self.cell_text(*cell))

    def _clicked(self, ev) -> None:
        cell = self.cell_at(ev.scenePos())
        if cell is not None and ev.button() == Qt.MouseButton.LeftButton:
            self.cell_clicked.emit(*cell)


class _Job(QRunnable):
    """One sweep on the thread pool; reports progress and (generation, result | text | None)."""

    def __init__(self, generation: int, args: tuple, kwargs: dict, owner: StabilityPanel):
        super().__init__()
        self.generation, self.args, self.kwargs = generation, args, kwargs
        self.progress, self.done = owner.progressed, owner.finished
        self.cancel = threading.Event()

    def run(self) -> None:  # worker thread: NumPy only, no Qt objects but the signals
        def report(frac: float) -> None:
            try:
                self.progress.emit(self.generation, float(frac))
            except RuntimeError:
                self.cancel.set()

        try:
            result: object = sweep(*self.args, **self.kwargs, threads=THREADS, progress=report,
                                   cancel=self.cancel)
        except SweepCancelled:
            result = None
        except GdsimError as e:
            result = str(e)
        except Exception as e:  # noqa: BLE001 (a worker must not die silently)
            result = f"stability map failed: {e}"
        try:
            self.done.emit((self.generation, result))
        except RuntimeError:
            pass


def default_range(optimizer: str, name: str) -> tuple[float, float]:
    """A sensible sweep range for a hyperparameter: its bounds, or decades around the default."""
    from gdsim.optimizers import OPTIMIZERS

    p = next(q for q in OPTIMIZERS[optimizer].params if q.name == name)
    if p.log or name == "lr":
        d = float(p.default) or 1e-3
        return d / 100, min(d * 100, p.high if p.high is not None else math.inf)
    lo = float(p.low) if p.low is not None else 0.0
    if p.high is not None:
        hi = float(p.high) * (0.99 if p.high_open else 1.0)
        if name.startswith("beta2") or name in ("alpha", "rho"):
            lo = max(lo, 0.5)
        return lo, hi
    return lo, max(1.0, 2 * float(p.default))


class StabilityPanel(QWidget):
    """Controls (second parameter, ranges, steps, colour), Compute/Cancel with progress, and
    the map for the selected run; clicking a cell applies its values to that run."""

    progressed = Signal(int, float)
    finished = Signal(object)
    applied = Signal(int, dict)      # (experiment run index, values applied)

    def __init__(self, controller, selected=lambda: 0, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("stabilityPanel")
        self.controller, self.selected = controller, selected
        warm_kernels()  # while the user sets up the axes
        self.generation = 0
        self.job: _Job | None = None
        self.result = None
        self._optimizer = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        grid = QGridLayout()
        self.run_label = QLabel()
        self.run_label.setObjectName("stabilityRunLabel")
        grid.addWidget(self.run_label, 0, 0, 1, 6)
        grid.addWidget(QLabel(tr("lr from")), 1, 0)
        self.lr_lo, self.lr_hi = self._edit("stabilityLrLo"), self._edit("stabilityLrHi")
        grid.addWidget(self.lr_lo, 1, 1)
        grid.addWidget(QLabel(tr("to")), 1, 2)
        grid.addWidget(self.lr_hi, 1, 3)
        self.nx = self._spin("stabilityNx", 2, 256, 48)
        grid.addWidget(QLabel(tr("cells")), 1, 4)
        grid.addWidget(self.nx, 1, 5)
        self.param = QComboBox()
        self.param.setObjectName("stabilityParamCombo")
        self.param.currentTextChanged.connect(self._param_changed)
        grid.addWidget(self.param, 2, 0)
        self.y_lo, self.y_hi = self._edit("stabilityYLo"), self._edit("stabilityYHi")
        grid.addWidget(self.y_lo, 2, 1)
        grid.addWidget(QLabel(tr("to")), 2, 2)
        grid.addWidget(self.y_hi, 2, 3)
        self.ny = self._spin("stabilityNy", 1, 256, 48)
        grid.addWidget(QLabel(tr("cells")), 2, 4)
        grid.addWidget(self.ny, 2, 5)
        grid.addWidget(QLabel(tr("steps")), 3, 0)
        self.steps = self._spin("stabilitySteps", 1, 100_000, 500)
        grid.addWidget(self.steps, 3, 1)
        grid.addWidget(QLabel(tr("colour by")), 3, 2)
        self.color_by = QComboBox()
        self.color_by.setObjectName("stabilityColorBy")
        for key, text in COLOR_BY.items():
            self.color_by.addItem(text, key)
        self.color_by.currentIndexChanged.connect(self._recolor)
        grid.addWidget(self.color_by, 3, 3, 1, 3)
        lay.addLayout(grid)
        row = QGridLayout()
        self.compute_button = QPushButton(tr("Compute"))
        self.compute_button.setObjectName("stabilityComputeButton")
        self.compute_button.clicked.connect(self.compute)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.setObjectName("stabilityCancelButton")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setObjectName("stabilityProgress")
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        row.addWidget(self.compute_button, 0, 0)
        row.addWidget(self.cancel_button, 0, 1)
        row.addWidget(self.progress, 0, 2)
        lay.addLayout(row)
        self.message = QLabel(" ")
        self.message.setObjectName("stabilityMessage")
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        self.map = StabilityMapPlot()
        self.map.cell_clicked.connect(self.apply_cell)
        lay.addWidget(self.map, 1)
        self.progressed.connect(self._progressed)
        self.finished.connect(self._finished)
        controller.experiment_changed.connect(self.sync_run)
        self.sync_run()

    # ----------------------------------------------------------------- building
    def _edit(self, name: str) -> QLineEdit:
        e = QLineEdit()
        e.setObjectName(name)
        e.setValidator(QDoubleValidator())
        e.setMaximumWidth(90)
        return e

    @staticmethod
    def _spin(name: str, lo: int, hi: int, value: int) -> QSpinBox:
        s = QSpinBox()
        s.setObjectName(name)
        s.setRange(lo, hi)
        s.setValue(value)
        return s

    def _index(self) -> int:
        runs = self.controller.experiment.runs
        return min(max(int(self.selected()), 0), len(runs) - 1) if runs else -1

    def sync_run(self, *_args) -> None:
        """Follow the selected run: its name, and the parameter list of its optimizer."""
        k = self._index()
        if k < 0:
            self.run_label.setText(tr("No run to map: add one in the Runs panel."))
            self.compute_button.setEnabled(False)
            return
        spec = self.controller.experiment.runs[k]
        self.compute_button.setEnabled(self.job is None)
        label = spec.label or spec.optimizer
        self.run_label.setText(tr("Run <b>{0}</b> ({1}): lr × a second hyperparameter, from the "
                                  "run's start, full batch, no noise").format(
                label, spec.optimizer))
        if spec.optimizer != self._optimizer:
            self._optimizer = spec.optimizer
            lo, hi = default_range(spec.optimizer, "lr")
            self.lr_lo.setText(_fmt(lo))
            self.lr_hi.setText(_fmt(hi))
            names = [n for n in sweepable(spec.optimizer) if n != "lr"]
            self.param.blockSignals(True)
            self.param.clear()
            self.param.addItems(names + ["(none)"])
            prefer = next((n for n in ("momentum", "beta1", "alpha", "rho", "lr_decay")
                           if n in names), names[0] if names else "(none)")
            self.param.setCurrentText(prefer)
            self.param.blockSignals(False)
            self._param_changed(prefer)

    def _param_changed(self, name: str) -> None:
        on = bool(name) and name != "(none)" and self._optimizer is not None
        for w in (self.y_lo, self.y_hi, self.ny):
            w.setEnabled(on)
        if on:
            lo, hi = default_range(self._optimizer, name)
            self.y_lo.setText(_fmt(lo))
            self.y_hi.setText(_fmt(hi))

    # ----------------------------------------------------------------- computing
    def request(self):
        """(surface, spec, x axis, y axis, steps, start) from the controls (GdsimError)."""
        k = self._index()
        if k < 0:
            raise GdsimError("no run to map")
        c = self.controller
        spec = c.experiment.runs[k]

        def num(edit: QLineEdit, what: str) -> float:
            try:
                return float(edit.text())
            except ValueError:
                raise GdsimError(f"{what} must be a number, got {edit.text()!r}") from None

        x = make_axis(spec.optimizer, "lr", num(self.lr_lo, "lr from"),
                      num(self.lr_hi, "lr to"), self.nx.value())
        name = self.param.currentText()
        y = None
        if name and name != "(none)":
            y = make_axis(spec.optimizer, name, num(self.y_lo, f"{name} from"),
                          num(self.y_hi, f"{name} to"), self.ny.value())
        start = spec.start or c.experiment.start or tuple(c.sim.surface.start)
        return c.sim.surface, spec, x, y, self.steps.value(), start

    def compute(self) -> bool:
        """Start the sweep on the thread pool (False, with the reason shown, if refused)."""
        try:
            surface, spec, x, y, steps, start = self.request()
        except GdsimError as e:
            self.message.setText(tr("<span style='color:#c0392b'>{0}</span>").format(e))
            return False
        self.cancel()
        self.generation += 1
        self._run_index = self._index()
        self.job = _Job(self.generation, (surface, dataclasses.replace(spec), x, y, steps),
                        {"start": start, "tol": float(self.controller.experiment.tol)}, self)
        self.progress.setValue(0)
        self.compute_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        cells = x.n * (1 if y is None else y.n)
        self.message.setText(tr('Computing {0} cells × {1} steps…').format(cells, steps))
        QThreadPool.globalInstance().start(self.job)
        return True

    def cancel(self) -> None:
        """Stop the sweep in flight (its result is discarded)."""
        if self.job is not None:
            self.job.cancel.set()
            self.job = None
            self.generation += 1
            self.message.setText(tr("Cancelled."))
        self.compute_button.setEnabled(self._index() >= 0)
        self.cancel_button.setEnabled(False)

    @property
    def busy(self) -> bool:
        return self.job is not None

    def _progressed(self, generation: int, frac: float) -> None:
        if generation == self.generation:
            self.progress.setValue(int(round(1000 * frac)))

    def _finished(self, payload) -> None:
        generation, result = payload
        if generation != self.generation:
            return
        self.job = None
        self.compute_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        if result is None:
            self.message.setText(tr("Cancelled."))
            return
        if isinstance(result, str):
            self.message.setText(tr("<span style='color:#c0392b'>{0}</span>").format(result))
            return
        self.result = result
        self.progress.setValue(1000)
        self.map.set_result(result, self.color_by.currentData())
        c = result.counts()
        self.message.setText(tr('{0} ran all steps, {1} converged, {2} diverged. Click a cell to '
                                'apply its values.').format(
                c['max_steps'], c['converged'], c['diverged']))

    def _recolor(self) -> None:
        if self.result is not None:
            self.map.set_result(self.result, self.color_by.currentData())

    def apply_cell(self, j: int, i: int) -> bool:
        """Give the mapped run cell ``[j, i]``'s values (the run restarts)."""
        if self.result is None:
            return False
        k = getattr(self, "_run_index", self._index())
        runs = self.controller.experiment.runs
        if not 0 <= k < len(runs) or runs[k].optimizer != self.result.spec.optimizer:
            self.message.setText(tr("The mapped run changed optimizer: compute the map again."))
            return False
        values = self.result.cell_hparams(j, i)
        spec = runs[k]
        ok = self.controller.update_run(k, dataclasses.replace(
            spec, hparams={**spec.hparams, **values}))
        if ok:
            self.map.mark(j, i)
            shown = ", ".join(f"{n}={v:.4g}" for n, v in values.items())
            self.message.setText(tr('Applied {0} to run {1}.').format(
                    shown, spec.label or spec.optimizer))
            self.applied.emit(k, values)
        return ok


def warm_kernels() -> None:
    """Once per session, start the compiled kernels (numba) on the global thread pool, so
    the first map computed does not wait for them (a no-op without the ``fast`` extra)."""
    from ui import warmup

    warmup.start()


def png_bytes(widget: QWidget) -> bytes:
    """The widget rendered to PNG bytes."""
    buf = QByteArray()
    dev = QBuffer(buf)
    dev.open(QIODevice.OpenModeFlag.WriteOnly)
    widget.grab().save(dev, "PNG")
    dev.close()
    return bytes(buf.data())


def write_png(result, path: str, color_by: str = "loss", size: tuple[int, int] = (820, 660)
              ) -> None:
    """Draw ``result`` as the app draws it and write a PNG atomically (``gdsim sweep --png``)."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from gdsim.io import atomic_write_bytes
    from ui.app import make_application

    app = make_application()
    w = StabilityMapPlot()
    w.resize(*size)
    w.set_result(result, color_by)
    w.hover.setText(tr('{0} from ({1:g}, {2:g})').format(
            result.spec.optimizer, result.start[0], result.start[1]))
    w.show()
    app.processEvents()
    data = png_bytes(w)
    w.close()
    atomic_write_bytes(path, data)
