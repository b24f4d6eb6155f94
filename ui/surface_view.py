"""The 2-D surface panel: heatmap, isolines, minima, run paths and current points.

Values come from ``surface.value`` on a grid and from the recorded trajectories; nothing
here computes a loss or a gradient. Isolines use contourpy (C++), not pyqtgraph's
pure-Python isocurve. Click (or drag the start marker) to restart all runs from a point.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from ui import theme
from ui.controller import HEATMAP_GRID, grid_values  # noqa: F401 (re-exported)
from ui.curves_view import run_signature
from ui.decimate import path_points
from ui.i18n import tr
from ui.plots import (  # noqa: F401 (color_scale, isolines re-exported)
    PanelView,
    add_colorbar,
    after_first_paint,
    color_scale,
    draw_heatmap,
    draw_isolines,
    heatmap_items,
    isolines,
    make_plot,
    panel_layout,
    show_levels,
)

GRID = HEATMAP_GRID  # heatmap resolution per axis
COLORBAR_PX = 61  # the colour bar's width (ColorBarItem's fixed one): kept until it comes
COLUMN_MAX_PX = 3.4028234663852886e38  # a layout column's default maximum width (FLT_MAX)
PATH_WIDTH = 2.2
PLAY_PATH_WIDTH = 1.0
THIN_PATHS_ABOVE_ROWS = 50_000  # max steps x runs from which Play draws thin paths
HOVER_HINT = "hover the map to read f and its gradient there; click to start from there"


class SurfaceView(PanelView):
    """Heatmap + isolines + paths; draws the controller's simulation at the shown step."""

    def __init__(self, controller, parent: QWidget | None = None,
                 defer_extras: bool = False):
        """``defer_extras``: the first surface's isolines and the colour bar are made just
        after the plot's first paint, not before it (the main window's start-up); the bar's
        room is kept meanwhile, so nothing moves when it comes."""
        super().__init__(controller, parent)
        self._defer_isolines = defer_extras
        self._pending_isolines = None  # the first isolines, until drawn after the first paint
        self._is_log = False  # the heatmap's colour scale (for a colour bar made later)
        self.show_gradient = False
        self.show_step = False
        self._surface_key = None
        self._syncing_target = False

        self.plot = make_plot("surfacePlot", si_prefix=True, cache_axes=True)
        lay = panel_layout(self, spacing=0)
        # f and ∇f under the mouse: one line of fixed height (nothing moves when it shows)
        self.hover_label = QLabel()
        self.hover_label.setObjectName("surfaceHoverLabel")
        self.hover_label.setTextFormat(Qt.TextFormat.RichText)
        self.hover_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.hover_label.setFixedHeight(self.hover_label.fontMetrics().lineSpacing() + 6)
        self.hover_label.setContentsMargins(6, 2, 6, 2)
        lay.addWidget(self.hover_label)
        lay.addWidget(self.plot)
        pi = self.plot.getPlotItem()
        pi.setLabel("bottom", "x")
        pi.setLabel("left", "y")
        pi.showGrid(False, False)
        self.vb = pi.getViewBox()
        self.stretch = False
        self.set_stretch(False)

        # heatmap and isolines change only with the surface or the zoom: paint them from a
        # pixmap cache instead of re-rasterizing every frame during Play
        self.image, self._colorbar, self.iso = heatmap_items(pi, 14, cache=True,
                                                             colorbar=not defer_extras)
        if defer_extras:  # keep the colour bar's room (ColorBarItem puts it in column 5)
            pi.layout.setColumnFixedWidth(4, 5)
            pi.layout.setColumnFixedWidth(5, COLORBAR_PX)
            after_first_paint(self.plot, lambda: self.colorbar)
        self.minima = pg.ScatterPlotItem(
            symbol="star", size=16, pen=pg.mkPen(theme.MINIMUM_COLOR), brush=pg.mkBrush("#ffffff")
        )
        self.minima.setZValue(5)
        pi.addItem(self.minima)
        self.legend = pi.addLegend(offset=(-10, 10), brush=pg.mkBrush(255, 255, 255, 200))
        self.legend.setLabelTextColor(theme.FOREGROUND)
        self.current = pg.ScatterPlotItem(size=11, pen=pg.mkPen("#ffffff", width=1.5))
        self.current.setZValue(20)
        pi.addItem(self.current)
        # schedule-free runs: the averaged point x (hollow, run colour) tied to y by a dash
        self.averaged = pg.ScatterPlotItem(size=9, symbol="o", brush=pg.mkBrush("#ffffff"))
        self.averaged.setZValue(19)
        pi.addItem(self.averaged)
        self.averaged_links = pg.PlotDataItem(
            pen=pg.mkPen("#444444", width=1, style=Qt.PenStyle.DashLine), connect="pairs")
        self.averaged_links.setZValue(17)
        pi.addItem(self.averaged_links)
        self.grad_lines = pg.PlotDataItem(pen=pg.mkPen("#222222", width=1.5), connect="pairs")
        self.grad_lines.setZValue(18)
        pi.addItem(self.grad_lines)
        self.start_marker = pg.TargetItem(
            pos=(0, 0), size=14, symbol="crosshair", pen=pg.mkPen("#222222", width=2),
            movable=True, label=tr("start"), labelOpts={"color": "#222222", "offset": (10, -10)},
        )
        self.start_marker.setZValue(30)
        pi.addItem(self.start_marker)
        self.start_marker.sigPositionChangeFinished.connect(self._start_dragged)
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        self.plot.scene().sigMouseMoved.connect(self._hover)
        self.plot.installEventFilter(self)  # leaving the plot clears the readout

        self.paths: list[pg.PlotDataItem] = []
        self.step_heads: list[pg.ArrowItem] = []
        self.grad_heads: list[pg.ArrowItem] = []

        controller.experiment_changed.connect(self._on_experiment)
        controller.reset_done.connect(self.clear_hover)
        self.follow(self.refresh)
        controller.playing_changed.connect(self._playing_changed)
        if hasattr(controller, "run_color_changed"):
            controller.run_color_changed.connect(self._recolor)
        self._runs_signature = None
        self._path_cache: dict = {}
        self._on_experiment()
        self.clear_hover()
        self.refresh()

    # ---------------------------------------------------------------- public
    def view_box(self) -> tuple[float, float, float, float]:
        """The experiment's view, or the surface's default domain."""
        exp = self.controller.experiment
        view = exp.view if exp.view is not None else self.controller.sim.surface.domain
        return tuple(view)

    def set_stretch(self, on: bool) -> None:
        """Stretch the plot to fill the panel (unequal x and y scales), or keep 1:1 so that
        circles stay circles and gradients cross the isolines at right angles (default)."""
        self.stretch = bool(on)
        self.vb.setAspectLocked(not self.stretch, ratio=1.0)
        xmin, xmax, ymin, ymax = self.view_box()
        self.vb.setRange(xRange=(xmin, xmax), yRange=(ymin, ymax), padding=0)

    def set_arrows(self, gradient: bool | None = None, step: bool | None = None) -> None:
        """Show or hide the gradient (−∇f direction) and last-step arrows at current points."""
        if gradient is not None:
            self.show_gradient = bool(gradient)
        if step is not None:
            self.show_step = bool(step)
        self.refresh()

    @property
    def colorbar(self) -> pg.ColorBarItem:
        """The heatmap's colour bar (made when first asked for, see ``defer_extras``)."""
        if self._colorbar is None:
            pi = self.plot.getPlotItem()
            self._colorbar = add_colorbar(pi, self.image, 14)
            pi.layout.setColumnMinimumWidth(5, 0)  # the bar's own width from now on
            pi.layout.setColumnMaximumWidth(5, COLUMN_MAX_PX)
            levels = self.image.getLevels()
            if levels is not None:
                show_levels(self._colorbar, float(levels[0]), float(levels[1]), self._is_log)
            self._colorbar.axis.setLabel("f − min f" if self._is_log else "f")
        return self._colorbar

    # ------------------------------------------------------------- building
    def _on_experiment(self) -> None:
        sim = self.controller.sim
        exp = self.controller.experiment
        key = (exp.surface, repr(sorted(exp.surface_params.items())), exp.formula, self.view_box())
        if key != self._surface_key:
            self._surface_key = key
            self.draw_surface()
        self._path_cache.clear()
        signature = run_signature(sim)
        if signature != self._runs_signature:
            self._runs_signature = signature
            self._build_runs()
        start = exp.start if exp.start is not None else sim.surface.start
        self._syncing_target = True
        self.start_marker.setPos(float(start[0]), float(start[1]))
        self._syncing_target = False
        # no redraw here: reset_done follows every experiment change

    def draw_surface(self) -> None:
        """Heatmap, colour bar, isolines and minima for the current surface and view."""
        surface = self.controller.sim.surface
        view = self.view_box()
        if hasattr(self.controller, "surface_grid"):
            xs, ys, z = self.controller.surface_grid()
        else:
            xs, ys, z = grid_values(surface, view)
        xmin, xmax, ymin, ymax = view
        defer, self._defer_isolines = self._defer_isolines, False
        is_log = self._is_log = draw_heatmap(self.image, self._colorbar, self.iso, xs, ys, z,
                                             contours=not defer)
        if defer:
            key = self._surface_key
            self._pending_isolines = lambda: self._late_isolines(key, xs, ys, z)
            after_first_paint(self.plot, self._pending_isolines)
        if self._colorbar is not None:
            self._colorbar.axis.setLabel("f − min f" if is_log else "f")
        pi = self.plot.getPlotItem()
        pi.setLabel("bottom", surface.axis_names[0])
        pi.setLabel("left", surface.axis_names[1])
        m = np.asarray(surface.minima, dtype=np.float64).reshape(-1, 2)
        inside = (
            (m[:, 0] >= xmin) & (m[:, 0] <= xmax) & (m[:, 1] >= ymin) & (m[:, 1] <= ymax)
        )
        self.minima.setData(pos=m[inside])
        self.vb.setRange(xRange=(xmin, xmax), yRange=(ymin, ymax), padding=0)

    def _late_isolines(self, key, xs, ys, z) -> None:
        if self._pending_isolines is None:
            return  # already drawn (finish_deferred)
        self._pending_isolines = None
        if key == self._surface_key:  # not meanwhile redrawn for another surface or view
            draw_isolines(self.iso, xs, ys, z)

    def finish_deferred(self) -> None:
        """Make now what ``defer_extras`` left for after the first paint (the colour bar, the
        first isolines): an export before that paint shows the whole panel."""
        if self._colorbar is None:
            _ = self.colorbar
            self.plot.getPlotItem().layout.activate()  # place it now, not at the next event
            QCoreApplication.sendPostedEvents()  # its bar's own layout (no timers run)
        if self._pending_isolines is not None:
            self._pending_isolines()

    def _build_runs(self) -> None:
        pi = self.plot.getPlotItem()
        for item in self.paths:
            pi.removeItem(item)
        for head in self.step_heads + self.grad_heads:
            pi.removeItem(head)
        self.legend.clear()
        self.paths, self.step_heads, self.grad_heads = [], [], []
        for run in self.controller.sim.runs:
            color = run.spec.color or theme.run_color(len(self.paths))
            item = pg.PlotDataItem(pen=self._path_pen(color), connect="finite",
                                   antialias=not self._thin_paths())
            item.setZValue(10)
            pi.addItem(item)
            self.legend.addItem(item, run.label)
            self.paths.append(item)
            head = pg.ArrowItem(headLen=14, tailLen=0, brush=pg.mkBrush(color),
                                pen=pg.mkPen("#ffffff"))
            head.setZValue(19)
            pi.addItem(head)
            self.step_heads.append(head)
            ghead = pg.ArrowItem(headLen=10, tailLen=0, brush=pg.mkBrush("#222222"), pen=None)
            ghead.setZValue(18)
            pi.addItem(ghead)
            self.grad_heads.append(ghead)

    def _path_pen(self, color: str):
        # Qt rasterizes antialiased 1-px lines ~4x faster than wider ones: thin paths while
        # playing long experiments (frame rate), thick ones otherwise (readability).
        return pg.mkPen(color, width=PLAY_PATH_WIDTH if self._thin_paths() else PATH_WIDTH)

    def _thin_paths(self) -> bool:
        """Whether paths are drawn thin and aliased: while playing a long experiment."""
        c = self.controller
        return c.playing and c.experiment.steps * max(1, len(c.sim.runs)) > THIN_PATHS_ABOVE_ROWS

    def _playing_changed(self, _playing: bool) -> None:
        # aliased 1-px paths rasterize ~3x faster than antialiased ones: while playing a long
        # experiment only (the paused picture, and short runs, stay antialiased)
        antialias = not self._thin_paths()
        for run, item in zip(self.controller.sim.runs, self.paths, strict=False):
            item.opts["antialias"] = antialias  # PlotDataItem passes it on at setData
            item.curve.opts["antialias"] = antialias
            item.setPen(self._path_pen(run.spec.color or theme.run_color(0)))

    def _recolor(self, _index: int) -> None:
        """A run's colour changed (nothing restarted): repaint its path, arrow and point."""
        sim = self.controller.sim
        for run, item, head in zip(sim.runs, self.paths, self.step_heads, strict=False):
            color = run.spec.color or theme.run_color(0)
            item.setPen(self._path_pen(color))
            head.setStyle(brush=pg.mkBrush(color))
        self._runs_signature = run_signature(sim)
        self.legend.update()
        self.refresh()

    # -------------------------------------------------------------- drawing
    def refresh(self, *_args) -> None:
        """Redraw paths, current points and arrows at the controller's shown step."""
        if self._deferred():
            return
        sim = self.controller.sim
        spots_pos, brushes = [], []
        grad_xy = []
        avg_pos, avg_pens, avg_links = [], [], []
        xmin, xmax, ymin, ymax = self.view_box()
        scale = 0.08 * max(xmax - xmin, ymax - ymin)
        for i, run in enumerate(sim.runs):
            if i >= len(self.paths):
                break
            pts = path_points(self.controller, i, cache=self._path_cache)
            self.paths[i].setData(pts[:, 0], pts[:, 1])
            k = self.controller.shown_rows(i) - 1
            traj = run.trajectory
            head, ghead = self.step_heads[i], self.grad_heads[i]
            if k < 0:
                head.setVisible(False)
                ghead.setVisible(False)
                continue
            p = traj.points[k]
            spots_pos.append(p)
            brushes.append(pg.mkBrush(run.spec.color or theme.run_color(i)))
            x_avg = sim.averaged_point(i, k)
            if x_avg is not None and np.all(np.isfinite(x_avg)):
                avg_pos.append(x_avg)
                avg_pens.append(pg.mkPen(run.spec.color or theme.run_color(i), width=2))
                avg_links += [p, x_avg]
            step_ok = self.show_step and k >= 1 and np.all(np.isfinite(traj.points[k - 1]))
            if step_ok:
                self._aim(head, traj.points[k - 1], p)
            head.setVisible(bool(step_ok))
            g = traj.grad[k]
            gn = float(np.hypot(g[0], g[1]))
            grad_ok = self.show_gradient and math.isfinite(gn) and gn > 0
            if grad_ok:
                tip = p - g / gn * scale
                grad_xy += [p, tip]
                self._aim(ghead, p, tip)
            ghead.setVisible(bool(grad_ok))
        if spots_pos:
            self.current.setData(pos=np.array(spots_pos), brush=brushes)
        else:
            self.current.setData([])
        if avg_pos:
            self.averaged.setData(pos=np.array(avg_pos), pen=avg_pens)
            a = np.array(avg_links)
            self.averaged_links.setData(a[:, 0], a[:, 1])
        else:
            self.averaged.setData([])
            self.averaged_links.setData([], [])
        if grad_xy:
            g = np.array(grad_xy)
            self.grad_lines.setData(g[:, 0], g[:, 1])
        else:
            self.grad_lines.setData([], [])

    def _aim(self, head: pg.ArrowItem, frm: np.ndarray, to: np.ndarray) -> None:
        """Place an arrow head at ``to`` pointing away from ``frm`` (angle in screen space)."""
        a = self.vb.mapViewToScene(pg.Point(float(frm[0]), float(frm[1])))
        b = self.vb.mapViewToScene(pg.Point(float(to[0]), float(to[1])))
        angle = math.degrees(math.atan2(b.y() - a.y(), b.x() - a.x()))
        head.setStyle(angle=180 + angle)
        head.setPos(float(to[0]), float(to[1]))

    # ----------------------------------------------------------- interaction
    def clear_hover(self, *_args) -> None:
        """The idle hint instead of values (the mouse left, or the surface changed)."""
        self.hover_label.setText(f"<span style='color:#888888'>{tr(HOVER_HINT)}</span>")

    def hover_text(self, x: float, y: float) -> str:
        """Rich text: the point, f there and its gradient (values from the engine)."""
        f, gx, gy = self.controller.probe(x, y)
        ax, ay = (html.escape(n) for n in self.controller.sim.surface.axis_names)
        return (f"{ax} = {x:.4g}, {ay} = {y:.4g} &nbsp;·&nbsp; <b>f = {f:.6g}</b> "
                f"&nbsp;·&nbsp; ∇f = ({gx:.4g}, {gy:.4g})")

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Leave:
            self.clear_hover()
        return super().eventFilter(obj, event)

    def _hover(self, scene_pos) -> None:
        if not self.vb.sceneBoundingRect().contains(scene_pos):
            self.clear_hover()
            return
        p = self.vb.mapSceneToView(scene_pos)
        self.hover_label.setText(self.hover_text(p.x(), p.y()))

    def _start_dragged(self, *_args) -> None:
        if self._syncing_target:
            return
        pos = self.start_marker.pos()
        self.controller.set_start(pos.x(), pos.y())

    def _clicked(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton or ev.double() or ev.isAccepted():
            return
        scene_pos = ev.scenePos()
        if not self.vb.sceneBoundingRect().contains(scene_pos):
            return
        p = self.vb.mapSceneToView(scene_pos)
        self.set_start_at(p.x(), p.y())

    def set_start_at(self, x: float, y: float) -> None:
        """Restart all runs from (x, y) (what a click on the plot does)."""
        self.controller.set_start(x, y)
