"""The network's loss landscape (Li et al. 2018) in a tool window: the objective on a plane
through the selected run's weights, with every run's trajectory projected onto it.

The grid is computed by ``gdsim.nn.landscape`` on a snapshot of the trainer, off the UI
thread, with progress and Cancel; the window only draws the result.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gdsim.errors import GdsimError
from gdsim.nn import landscape as L
from ui import theme
from ui.i18n import tr

SIDES = (21, 41, 81)


class _Signals(QObject):
    progress = Signal(int, float)  # generation, fraction done
    done = Signal(int, object)  # generation, Landscape or error text (None: cancelled)


class _Job(QRunnable):
    """One landscape computation on a trainer snapshot (pure NumPy in the worker)."""

    def __init__(self, generation: int, snap, run: int, kw: dict, signals: _Signals):
        super().__init__()
        self.generation, self.snap, self.run_index, self.kw = generation, snap, run, kw
        self.signals = signals
        self.cancel = False

    def run(self) -> None:
        try:
            result: object = L.landscape(
                self.snap, self.run_index, progress=lambda f: self._progress(f),
                cancelled=lambda: self.cancel, **self.kw)
        except L.Cancelled:
            result = None
        except GdsimError as e:
            result = str(e)
        except Exception as e:  # noqa: BLE001 (a worker must not die silently)
            result = f"the landscape could not be computed: {e}"
        try:
            self.signals.done.emit(self.generation, result)
        except RuntimeError:  # the window was closed while computing
            pass

    def _progress(self, fraction: float) -> None:
        try:
            self.signals.progress.emit(self.generation, fraction)
        except RuntimeError:
            pass


class LandscapeWindow(QWidget):
    """Mode (random / PCA directions), span and grid; Compute / Cancel; the landscape as a
    contour map or (where OpenGL works) a 3-D surface, every run's path on it."""

    def __init__(self, controller, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("landscapeWindow")
        self.setWindowTitle(tr("Loss landscape"))
        self.controller = controller
        self._generation = 0
        self._job: _Job | None = None
        self.result: L.Landscape | None = None
        self._signals = _Signals(self)
        self._signals.progress.connect(self._on_progress)
        self._signals.done.connect(self._on_done)

        self.mode = QComboBox(objectName="landscapeMode")
        self.mode.addItem(tr("Random directions (filter-normalized)"), "random")
        self.mode.addItem(tr("Principal directions of the trajectory (PCA)"), "pca")
        self.span = QDoubleSpinBox(objectName="landscapeSpan", minimum=0.05, maximum=10.0,
                                   singleStep=0.25, value=1.0, decimals=2)
        self.span.setToolTip(tr("Half-width of the plane: in units of the directions (random) or "
                             "of the trajectory's extent (PCA)"))
        self.side = QComboBox(objectName="landscapeSide")
        for n in SIDES:
            self.side.addItem(f"{n} × {n}", n)
        self.side.setCurrentIndex(1)
        self.compute = QPushButton(tr("Compute"), objectName="landscapeCompute")
        self.cancel = QPushButton(tr("Cancel"), objectName="landscapeCancel", enabled=False)
        self.progress = QProgressBar(objectName="landscapeProgress", maximum=1000)
        self.status = QLabel(tr("The plane goes through the selected run's weights at the shown "
                             "step; press Compute."), objectName="landscapeStatus")
        self.status.setWordWrap(True)
        self.compute.clicked.connect(self.start)
        self.cancel.clicked.connect(self.stop)

        row = QHBoxLayout()
        for w in (self.mode, QLabel(tr("span")), self.span, QLabel(tr("grid")), self.side,
                  self.compute, self.cancel):
            row.addWidget(w)
        self.plot = pg.PlotWidget(background=theme.BACKGROUND if hasattr(theme, "BACKGROUND")
                                  else "w")
        pi = self.plot.getPlotItem()
        pi.setLabel("bottom", tr("α (direction 1)"))
        pi.setLabel("left", tr("β (direction 2)"))
        self.image = pg.ImageItem()
        self.image.setZValue(-10)
        pi.addItem(self.image)
        self.isos: list[pg.IsocurveItem] = []
        self.paths: list[pg.PlotDataItem] = []
        self.legend = pi.addLegend(offset=(-10, 10), brush=pg.mkBrush(255, 255, 255, 200))
        # contour or 3-D: the 3-D page makes its OpenGL widget (or a notice) when first shown
        try:
            from ui.view3d import MeshView3D
        except ImportError as e:  # as the main window's 3-D tab: the contour still works
            self.view3d = None
            page3d: QWidget = QLabel(tr("3-D view unavailable: {0}").format(e))
        else:
            self.view3d = page3d = MeshView3D()
            self.view3d.setObjectName("landscape3d")
            self.view3d.camera_distance = 2.3  # room for the axis names in a shorter window
        self.pages = QStackedWidget(objectName="landscapePages")
        self.pages.addWidget(self.plot)
        self.pages.addWidget(page3d)
        self.show_contour = QPushButton(tr("Contour"), objectName="landscapeContourButton",
                                        checkable=True, checked=True)
        self.show_3d = QPushButton(tr("3-D"), objectName="landscape3dButton", checkable=True)
        self.show_3d.setToolTip(tr("The landscape as a surface with every run's path on it "
                                   "(needs OpenGL)"))
        group = QButtonGroup(self)
        group.setExclusive(True)
        for i, b in enumerate((self.show_contour, self.show_3d)):
            group.addButton(b, i)
            row.addWidget(b)
        group.idToggled.connect(self._on_page)
        lay = QVBoxLayout(self)
        lay.addLayout(row)
        lay.addWidget(self.progress)
        lay.addWidget(self.status)
        lay.addWidget(self.pages, 1)
        self.resize(760, 640)

    def _on_page(self, page: int, checked: bool) -> None:
        if checked:
            self.pages.setCurrentIndex(page)

    # -- computing ---------------------------------------------------------------------------
    def start(self) -> None:
        """Snapshot the trainer on the UI thread, then compute on the thread pool."""
        self.stop()
        ctl = self.controller
        i = max(0, min(int(ctl.selected), ctl.sim.n_runs - 1))
        try:
            snap = L.snapshot(ctl.sim)
        except GdsimError as e:
            self.status.setText(str(e))
            return
        self._generation += 1
        kw = {"mode": self.mode.currentData(), "n": int(self.side.currentData()),
              "span": float(self.span.value())}
        self._job = _Job(self._generation, snap, i, kw, self._signals)
        self._run_index = i
        self.compute.setEnabled(False)
        self.cancel.setEnabled(True)
        self.progress.setValue(0)
        self.status.setText(tr('Computing around {0}…').format(ctl.sim.runs[i].label))
        QThreadPool.globalInstance().start(self._job)

    def stop(self) -> None:
        """Cancel a computation in flight (its result, if any, is dropped)."""
        if self._job is not None:
            self._job.cancel = True
            self._job = None
            self._generation += 1
            self.status.setText(tr("Cancelled."))
        self.compute.setEnabled(True)
        self.cancel.setEnabled(False)

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt override)
        """A hidden (or closing) window drops its computation: nothing runs for nobody."""
        self.stop()
        super().hideEvent(event)

    def _on_progress(self, generation: int, fraction: float) -> None:
        if generation == self._generation:
            self.progress.setValue(int(fraction * 1000))

    def _on_done(self, generation: int, result: object) -> None:
        if generation != self._generation:
            return
        self._job = None
        self.compute.setEnabled(True)
        self.cancel.setEnabled(False)
        if result is None:
            self.status.setText(tr("Cancelled."))
        elif isinstance(result, str):
            self.status.setText(result)
        else:
            self.result = result
            self.draw(result)

    # -- drawing -----------------------------------------------------------------------------
    def draw(self, ls: L.Landscape) -> None:
        """The loss as a log-coloured map with isolines, and each run's projected path."""
        pi = self.plot.getPlotItem()
        loss = np.where(np.isfinite(ls.loss), ls.loss, np.nan)
        lo = float(np.nanmin(loss)) if np.isfinite(loss).any() else 0.0
        shown = np.log10(np.maximum(loss - lo, 0) + 1e-3 * max(1e-12, float(np.nanmax(loss) - lo)))
        a0, a1, b0, b1 = ls.alphas[0], ls.alphas[-1], ls.betas[0], ls.betas[-1]
        self.image.setImage(np.nan_to_num(shown.T, nan=float(np.nanmax(shown))),
                            lut=pg.colormap.get("viridis").getLookupTable(nPts=256))
        self.image.setRect(pg.QtCore.QRectF(a0, b0, a1 - a0, b1 - b0))
        for iso in self.isos:
            pi.removeItem(iso)
        self.isos = []
        data = np.nan_to_num(shown, nan=float(np.nanmax(shown)))
        for level in np.linspace(np.nanmin(shown), np.nanmax(shown), 12)[1:-1]:
            iso = pg.IsocurveItem(data=data.T, level=float(level), pen=pg.mkPen("#ffffff",
                                                                             width=0.8))
            iso.setParentItem(self.image)
            self.isos.append(iso)
        for item in self.paths:
            pi.removeItem(item)
        self.paths = []
        self.legend.clear()
        sim = self.controller.sim
        for r, path in ls.paths.items():
            color = sim.runs[r].spec.color or theme.run_color(r)
            item = pg.PlotDataItem(path[:, 0], path[:, 1], pen=pg.mkPen(color, width=2),
                                   symbol="o", symbolSize=3, symbolBrush=color,
                                   symbolPen=None, name=sim.runs[r].label)
            pi.addItem(item)
            self.paths.append(item)
        pi.setRange(xRange=(a0, a1), yRange=(b0, b1), padding=0.02)
        self.draw_3d(ls)
        what = (tr("random filter-normalized directions") if ls.mode == "random" else
                tr("PCA directions ({0:.0%} + {1:.0%} of the trajectory's variance)").format(
                    ls.explained[0], ls.explained[1]))
        self.status.setText(tr("Training objective around {0} along {1}; colours: "
                               "log(loss − min), min {2:.4g}.").format(
            sim.runs[self._run_index].label, what, lo))

    def draw_3d(self, ls: L.Landscape) -> None:
        """The same grid as a surface; each run's projected path drawn on it at the grid's
        height under it (the part of the path over the grid)."""
        if self.view3d is None:
            return
        sim = self.controller.sim
        self.view3d.set_mesh(ls.alphas, ls.betas, ls.loss.T, ("α", "β", tr("loss")))
        self.view3d.set_paths([
            (path, ls.on_grid(path), sim.runs[r].spec.color or theme.run_color(r))
            for r, path in ls.paths.items()])
