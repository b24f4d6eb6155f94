"""The curves panel: loss, learning rate, gradient norm and distance to the nearest minimum
against the step, one line per run, all log-y; hover shows step and values.

The x axes are not linked: each auto-ranges to the same steps anyway, and linking made
every plot paint twice per frame (a linked range change lands after the first paint).

The data are the recorded trajectory columns (and ``Simulation.min_distance``), subsampled
by row index for drawing; nothing is recomputed here.
"""

from __future__ import annotations

import html
import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui import theme
from ui.decimate import MAX_CURVE_POINTS, row_indices
from ui.i18n import tr
from ui.plots import (  # noqa: F401 (LogAxis, MIN_LABEL_GAP_PX, positive_or_nan re-exported)
    MIN_LABEL_GAP_PX,
    LogAxis,
    StepPlots,
    cursor_line,
    fit_step_ranges,
    hover_label,
    make_plot,
    panel_layout,
    positive_or_nan,
    start_dots,
)

PLAY_REFRESH_HZ = 20.0
HOVER_HINT = "hover a plot to read each run's value at that step"
# (key, title, objectName)
CURVES = (
    ("loss", "loss", "lossPlot"),
    ("lr", "learning rate", "lrPlot"),
    ("grad_norm", "gradient norm", "gradNormPlot"),
    ("distance", "distance to nearest minimum", "distancePlot"),
)


def run_signature(sim) -> tuple:
    """What the per-run plot items depend on: each enabled run's label and colour."""
    return tuple((r.label, r.spec.color) for r in sim.runs)


class CurvesView(StepPlots):
    """Four stacked step plots; redrawn on every controller signal while visible."""

    def __init__(self, controller, parent: QWidget | None = None):
        super().__init__(controller, parent)
        self._loss_title = tr("loss")
        self._follow = {key: True for key, _t, _o in CURVES}
        self.log = {key: True for key, _t, _o in CURVES}  # y axis in log10
        lay = panel_layout(self, spacing=2)
        self.hover_label = hover_label("hoverLabel")
        # as tall as the longest readout of these runs (sized in _fit_hover): showing one
        # never pushes the plots down
        self.hover_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.hover_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        lay.addWidget(self.hover_label)
        self.installEventFilter(self)  # resizes: the readout's height first (eventFilter)
        self.plots: dict[str, pg.PlotWidget] = {}
        self.lines: dict[str, list[pg.PlotCurveItem]] = {}
        self.cursor_lines: dict[str, pg.InfiniteLine] = {}
        self.start_dots: dict[str, pg.ScatterPlotItem] = {}  # step 0: a line has no length
        for key, title, obj in CURVES:
            w = make_plot(obj, tr(title), log_y=True, cache_axes=True)
            pi = w.getPlotItem()
            # Lines hold log10 of the values and only the axis is in log mode: pyqtgraph's
            # item log mode re-derives the data inside paint and paints every plot twice.
            pi.getAxis("left").setLogMode(False, True)
            pi.getAxis("left").setWidth(52)
            self.cursor_lines[key] = cursor_line(pi)
            self.start_dots[key] = start_dots(pi)
            vb = pi.getViewBox()
            vb.disableAutoRange()  # ranges follow the data: fit_step_ranges
            vb.sigRangeChangedManually.connect(lambda *_a, k=key: self._manual_range(k))
            w.scene().sigMouseMoved.connect(lambda pos, k=key: self._hover(k, pos))
            w.installEventFilter(self)  # leaving a plot clears the readout
            w.setMinimumHeight(110)
            lay.addWidget(w, 1)
            self.plots[key] = w
            self.lines[key] = []
        self.plots["distance"].getPlotItem().setLabel("bottom", tr("step"))
        self.no_minimum = pg.TextItem(tr("no known minimum"), color="#777777", anchor=(0.5, 0.5))
        self.plots["distance"].getPlotItem().addItem(self.no_minimum, ignoreBounds=True)
        self.no_minimum.setVisible(False)
        controller.experiment_changed.connect(self._build)
        # a readout of steps and runs that are gone would mislead: cleared on every restart
        controller.reset_done.connect(self.clear_hover)
        # playing_changed: the final state after Play
        self.follow(self.refresh, controller.playing_changed)
        if hasattr(controller, "run_color_changed"):
            controller.run_color_changed.connect(self._recolor)
        self._last_refresh = 0.0
        self._signature = None
        self._build()
        self.clear_hover()
        self.refresh()

    # ---------------------------------------------------------------- hover readout
    def clear_hover(self, *_args) -> None:
        """Back to the idle hint (after a reset or an edit, or when the mouse leaves)."""
        self.hover_label.setText(f"<span style='color:#888888'>{tr(HOVER_HINT)}</span>")

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt override)
        if obj is self:
            if event.type() == QEvent.Type.Resize and self._fit_hover():
                # placed now, around the readout's new height, before the plots (still to be
                # shown, at the window's first show) receive the size they were given
                self.layout().activate()
        elif event.type() == QEvent.Type.Leave:
            self.clear_hover()
        return super().eventFilter(obj, event)

    def _hover(self, key: str, scene_pos) -> None:
        vb = self.plots[key].getPlotItem().getViewBox()
        if not vb.sceneBoundingRect().contains(scene_pos):
            self.clear_hover()
            return
        super()._hover(key, scene_pos)

    def _fit_hover(self) -> bool:
        """Fix the readout's height to that of the longest one these runs can give (True when
        it changed)."""
        sample = "  ".join(
            [f"<b>step {10 ** 7}</b> · distance to nearest minimum:"]
            + [f"■ {html.escape(run.label)} -8.888e-88" for run in self.controller.sim.runs])
        doc = QTextDocument()
        doc.setDefaultFont(self.hover_label.font())
        doc.setDocumentMargin(0)
        doc.setHtml(sample)
        doc.setTextWidth(max(40, self.width() - 4))
        height = math.ceil(doc.size().height()) + 2
        if self.hover_label.height() == height:
            return False
        self.hover_label.setFixedHeight(height)
        return True

    def _build(self) -> None:
        """(Re)create the lines when the runs changed (labels or colours); the following
        ``reset_done`` redraws them."""
        self._follow = dict.fromkeys(self._follow, True)
        signature = run_signature(self.controller.sim)
        if signature == self._signature:
            return
        self._signature = signature
        self._fit_hover()
        for key, w in self.plots.items():
            pi = w.getPlotItem()
            for item in self.lines[key]:
                pi.removeItem(item)
            self.lines[key] = []
            for i, run in enumerate(self.controller.sim.runs):
                color = run.spec.color or theme.run_color(i)
                # thin, non-antialiased lines (thick antialiased ones cost ~5 ms each to paint);
                # PlotCurveItem: a third of PlotDataItem's setData cost, 32 times a frame
                item = pg.PlotCurveItem(pen=pg.mkPen(color, width=1), connect="finite",
                                        antialias=False)
                pi.addItem(item)
                self.lines[key].append(item)

    def _recolor(self, _index: int) -> None:
        """A run's colour changed (nothing restarted): repaint its lines in place."""
        sim = self.controller.sim
        for lines in self.lines.values():
            for run, item in zip(sim.runs, lines, strict=False):
                item.setPen(pg.mkPen(run.spec.color or theme.run_color(0), width=1))
        self._signature = run_signature(sim)

    def loss_offset(self) -> float:
        """Known minimum value subtracted before the log axis when it is not 0 (e.g. −1.03)."""
        mv = np.asarray(self.controller.sim.surface.minimum_values, dtype=np.float64)
        mv = mv[np.isfinite(mv)]
        return float(mv.min()) if mv.size else 0.0

    def series(self, key: str, i: int, idx: np.ndarray) -> np.ndarray:
        """Recorded values of curve ``key`` for enabled run ``i`` at rows ``idx``."""
        traj = self.controller.sim.runs[i].trajectory
        if key == "loss":
            return traj.loss[idx] - self.loss_offset()
        if key == "lr":
            return traj.lr[idx]
        if key == "grad_norm":
            return traj.grad_norm_at(idx)
        return self._distance(i, idx)

    def _distance(self, i: int, idx: np.ndarray) -> np.ndarray:
        """``Simulation.min_distance`` at rows ``idx`` (the engine computes only those)."""
        return np.asarray(self.controller.sim.min_distance(i, rows=idx), dtype=np.float64)

    def refresh(self, *_args) -> None:
        """Redraw all curves up to the shown step (skipped while hidden, done on show).

        While playing, at most PLAY_REFRESH_HZ times a second: four log plots of every run
        cost more than the surface, and a curve lagging a frame is not visible; the last
        state is drawn when Play stops.
        """
        if self._deferred():
            return
        now = time.perf_counter()
        if self.controller.playing and now - self._last_refresh < 1.0 / PLAY_REFRESH_HZ:
            return
        self._last_refresh = now
        sim = self.controller.sim
        if len(self.lines["loss"]) != len(sim.runs):
            self._build()
        bounds = {key: [np.inf, -np.inf] for key in self.plots}
        x_max = 1
        data = {key: [] for key in self.plots}
        for i, _run in enumerate(sim.runs):
            rows = self.controller.shown_rows(i)
            idx = row_indices(rows, MAX_CURVE_POINTS)
            x_max = max(x_max, rows - 1)
            for key, _title, _obj in CURVES:
                data[key].append((idx.astype(np.float64), self.series(key, i, idx)))
        # the loss axis is logarithmic unless a shown loss is ≤ 0 (no known minimum below)
        self._set_log("loss", not any(np.any(y[np.isfinite(y)] <= 0) for _, y in data["loss"]))
        for key, series in data.items():
            for i, (x, y) in enumerate(series):
                if self.log[key]:
                    y = np.log10(positive_or_nan(y))
                else:
                    y = np.where(np.isfinite(y), y, np.nan)
                self.lines[key][i].setData(x, y)
                if np.isfinite(y).any():
                    b = bounds[key]
                    b[0], b[1] = min(b[0], np.nanmin(y)), max(b[1], np.nanmax(y))
        bounds["x"] = [0.0, float(x_max)]
        self._show_start_dots(data, at_start=all(self.controller.shown_rows(i) <= 1
                                                 for i in range(len(sim.runs))))
        self.loss_label()
        fit_step_ranges(self.plots, self._follow, {k: tuple(v) for k, v in bounds.items()},
                        (0.0, float(x_max)), self.controller.playing, self.log)
        has_minima = len(np.asarray(sim.surface.minima).reshape(-1, 2)) > 0
        self.no_minimum.setVisible(not has_minima)
        if not has_minima:
            vr = self.plots["distance"].getPlotItem().getViewBox().viewRect()
            self.no_minimum.setPos(vr.center())
        c = self.controller.cursor
        for line in self.cursor_lines.values():
            line.setVisible(c >= 0)
            if c >= 0:
                line.setValue(c)

    def _show_start_dots(self, data: dict, at_start: bool) -> None:
        """At step 0 each run's curve is a single point, which a line does not draw: show it
        as a dot in the run's colour (nothing otherwise)."""
        sim = self.controller.sim
        for key, dots in self.start_dots.items():
            spots = []
            if at_start:
                for i, (_x, y) in enumerate(data[key]):
                    v = float(y[0]) if len(y) else float("nan")
                    if self.log[key]:
                        v = float(np.log10(positive_or_nan(np.array([v]))[0]))
                    if np.isfinite(v):
                        color = sim.runs[i].spec.color or theme.run_color(i)
                        spots.append({"pos": (0.0, v), "brush": pg.mkBrush(color)})
            dots.setData(spots)

    def _set_log(self, key: str, on: bool) -> None:
        """Switch one plot's y axis between log10 and linear (data are converted in refresh)."""
        if self.log[key] != on:
            self.log[key] = on
            self.plots[key].getPlotItem().getAxis("left").setLogMode(False, on)

    def _manual_range(self, key: str) -> None:
        self._follow[key] = False

    def loss_label(self) -> None:
        off = self.loss_offset()
        title = tr("loss") if off == 0 else tr("loss − ({0})").format(f"{off:.6g}")
        if not self.log["loss"]:
            title += tr(" (linear: some values ≤ 0)")
        if title != self._loss_title:  # setTitle re-lays out the plot: only on change
            self._loss_title = title
            self.plots["loss"].getPlotItem().setTitle(title, color=theme.FOREGROUND, size="10pt")

    def hover_text(self, key: str, step: int) -> str:
        """Rich text: the step and each run's value of curve ``key`` there."""
        sim = self.controller.sim
        title = dict((k, t) for k, t, _ in CURVES)[key]
        parts = [f"<b>step {step}</b> · {html.escape(title)}:"]
        for i, run in enumerate(sim.runs):
            rows = self.controller.shown_rows(i)
            if not 0 <= step < rows:
                continue
            v = float(self.series(key, i, np.array([step]))[0])
            color = run.spec.color or theme.run_color(i)
            parts.append(f"<span style='color:{color}'>■</span> {html.escape(run.label)} {v:.4g}")
        return "  ".join(parts)
