"""Curvature views: principal axes of the Hessian at each run's current point (an overlay on
the surface panel) and the sharpness λmax along each run's path with the line 2/η.

The engine computes (``gdsim.curvature``); these views draw. The surface's Hessian is
compiled once per surface on a worker thread (sympy can take a second); until it is ready
the views draw nothing and then refresh by themselves.
"""

from __future__ import annotations

import threading
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from gdsim.curvature import Curvature, eigen, sharpness_along, stability_limit
from ui.decimate import MAX_CURVE_POINTS, row_indices
from ui.i18n import tr
from ui.plots import cursor_line, hover_label, make_plot, panel_layout
from ui.why_panels import DockPanel, run_curve_pairs

PLAY_REFRESH_HZ = 20.0
AXIS_FRACTION = 0.07      # the longer arm of a cross: this fraction of the view's size
NEGATIVE_COLOR = "#c0392b"


class CurvatureSource(QObject):
    """The current surface's :class:`Curvature`, built off the UI thread once per surface."""

    ready = Signal()

    def __init__(self, controller, parent: QObject | None = None):
        super().__init__(parent)
        self.controller = controller
        self._surface = None
        self._curvature: Curvature | None = None
        self._building = None
        self._lock = threading.Lock()

    def get(self) -> Curvature | None:
        """The Curvature of ``controller.sim.surface``, or None while it is being built."""
        surface = self.controller.sim.surface
        with self._lock:
            if self._surface is surface and self._curvature is not None:
                return self._curvature
            if self._building is surface:
                return None
            self._building = surface
        threading.Thread(target=self._build, args=(surface,), daemon=True).start()
        return None

    def _build(self, surface) -> None:
        try:
            c = Curvature(surface)
        except Exception:  # noqa: BLE001 (a worker must not die; the views stay empty)
            c = None
        with self._lock:
            if self._building is surface:
                self._building = None
                self._surface, self._curvature = surface, c
        try:
            self.ready.emit()
        except RuntimeError:  # the window closed meanwhile
            pass


class CurvatureOverlay(QObject):
    """Crosses along the Hessian's eigenvectors at each run's shown point, arms ∝ |λ|
    (dark: curving up, red dashed: curving down, as at a saddle)."""

    def __init__(self, controller, surface_view, source: CurvatureSource):
        super().__init__(surface_view)
        self.controller, self.view, self.source = controller, surface_view, source
        self.enabled = False
        pi = surface_view.plot.getPlotItem()
        self.pos_lines = pg.PlotDataItem(pen=pg.mkPen("#222222", width=2), connect="pairs")
        self.neg_lines = pg.PlotDataItem(
            pen=pg.mkPen(NEGATIVE_COLOR, width=2, style=Qt.PenStyle.DashLine), connect="pairs")
        for item, name in ((self.pos_lines, "curvatureAxesPositive"),
                           (self.neg_lines, "curvatureAxesNegative")):
            item.setObjectName(name)
            item.setZValue(19)
            item.setVisible(False)
            pi.addItem(item)
        self.last: tuple[np.ndarray, np.ndarray] | None = None  # eigen of the drawn points
        c = controller
        for sig in (c.reset_done, c.stepped, c.cursor_changed):
            sig.connect(self.refresh)
        source.ready.connect(self.refresh)

    def set_enabled(self, on: bool) -> None:
        self.enabled = bool(on)
        self.pos_lines.setVisible(self.enabled)
        self.neg_lines.setVisible(self.enabled)
        self.refresh()

    def refresh(self, *_args) -> None:
        if not self.enabled:
            return
        c = self.controller
        pts = []
        for i, run in enumerate(c.sim.runs):
            k = c.shown_rows(i) - 1
            if k >= 0:
                pts.append(run.trajectory.points[k])
        curv = self.source.get() if pts else None
        if curv is None:
            self.pos_lines.setData([], [])
            self.neg_lines.setData([], [])
            return
        p = np.array(pts)
        vals, vecs = eigen(curv.hessian(p))
        self.last = (vals, vecs)
        xmin, xmax, ymin, ymax = self.view.view_box()
        arm = AXIS_FRACTION * max(xmax - xmin, ymax - ymin)
        pos, neg = [], []
        with np.errstate(all="ignore"):
            big = np.max(np.abs(vals), axis=1)
            for n in range(len(p)):
                if not (np.isfinite(big[n]) and big[n] > 0 and np.all(np.isfinite(p[n]))):
                    continue
                for k in range(2):
                    half = arm * abs(vals[n, k]) / big[n] * vecs[n, :, k]
                    seg = pos if vals[n, k] >= 0 else neg
                    seg += [p[n] - half, p[n] + half]
        for item, seg in ((self.pos_lines, pos), (self.neg_lines, neg)):
            a = np.array(seg).reshape(-1, 2)
            item.setData(a[:, 0], a[:, 1])


class SharpnessPanel(DockPanel):
    """λmax of the Hessian along each run's path (log y), with each run's 2/η dashed."""

    def __init__(self, controller, source: CurvatureSource, parent: QWidget | None = None):
        super().__init__(controller, parent)
        self.setObjectName("sharpnessPanel")
        self.source = source
        lay = panel_layout(self, spacing=2)
        self.hover_label = hover_label("sharpnessHover")
        self.hover_label.setText(tr("λmax of the Hessian along each path (solid); dashed: the "
                                 "largest stable curvature, 2/η for GD (2(1+μ)/η with "
                                 "momentum); adaptive rules precondition it"))
        lay.addWidget(self.hover_label)
        self.plot = make_plot("sharpnessPlot", tr("sharpness λmax and 2/η"), log_y=True)
        pi = self.plot.getPlotItem()
        pi.getAxis("left").setLogMode(False, True)
        pi.setLabel("bottom", tr("step"))
        self.cursor = cursor_line(pi)
        lay.addWidget(self.plot, 1)
        self.lines: list[tuple[pg.PlotCurveItem, pg.PlotCurveItem]] = []
        self._cache: dict[int, tuple[object, np.ndarray]] = {}  # run -> (trajectory, λmax)
        self._signature = None
        self._last = 0.0
        self.follow(self.refresh, controller.playing_changed)
        controller.experiment_changed.connect(self._rebuild)
        controller.run_color_changed.connect(lambda _i: self._rebuild(force=True))
        source.ready.connect(self.refresh)
        self._rebuild()

    def _rebuild(self, force: bool = False) -> None:
        sim = self.controller.sim
        sig = tuple((r.label, r.spec.color) for r in sim.runs)
        self._cache.clear()
        if sig == self._signature and not force:
            return
        self._signature = sig
        self.lines = run_curve_pairs(self.plot.getPlotItem(), sim.runs, self.lines, 1.0)

    def sharpness(self, i: int, curv: Curvature) -> np.ndarray:
        """λmax at every recorded row of run ``i`` (extended incrementally, one engine call
        per refresh for the new rows)."""
        tr = self.controller.sim.runs[i].trajectory
        cached = self._cache.get(i)
        lam = cached[1] if cached is not None and cached[0] is tr else np.empty(0)
        if len(lam) > tr.n:
            lam = np.empty(0)
        if len(lam) < tr.n:
            lam = np.concatenate([lam, sharpness_along(curv, tr.points[len(lam):tr.n])])
            self._cache[i] = (tr, lam)
        return lam

    def refresh(self, *_args) -> None:
        if self._hidden():
            return
        c = self.controller
        now = time.perf_counter()
        if c.playing and now - self._last < 1.0 / PLAY_REFRESH_HZ:
            return
        self._last = now
        if len(self.lines) != len(c.sim.runs):
            self._rebuild(force=True)
        curv = self.source.get()
        lo, hi, x_max = np.inf, -np.inf, 1
        for i, (lam_item, lim_item) in enumerate(self.lines):
            if curv is None:
                lam_item.setData([], [])
                lim_item.setData([], [])
                continue
            rows = c.shown_rows(i)
            idx = row_indices(rows, MAX_CURVE_POINTS)
            x = idx.astype(np.float64)
            x_max = max(x_max, rows - 1)
            with np.errstate(all="ignore"):
                lam = self.sharpness(i, curv)[idx]
                ylam = np.where(lam > 0, np.log10(lam), np.nan)
                run = c.sim.runs[i]
                lim = stability_limit(run.trajectory.lr[idx], run.spec.optimizer,
                                      run.optimizer.hparams)
                ylim = np.where(lim > 0, np.log10(lim), np.nan)
            lam_item.setData(x, ylam)
            lim_item.setData(x, ylim)
            for y in (ylam, ylim):
                f = y[np.isfinite(y)]
                if f.size:
                    lo, hi = min(lo, f.min()), max(hi, f.max())
        vb = self.plot.getPlotItem().getViewBox()
        if np.isfinite(lo):
            vb.setRange(xRange=(0, x_max), yRange=(lo - 0.2, hi + 0.2), padding=0)
        cur = c.cursor
        self.cursor.setVisible(cur >= 0)
        if cur >= 0:
            self.cursor.setValue(cur)
