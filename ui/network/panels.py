"""Network mode panels: decision boundary (or regression fit, or for inputs wider than 2 a
confusion matrix / predicted-vs-true plot), metric curves, weight slice.

Everything drawn comes from the Trainer: its records (``record``, ``layer_grad_norms``,
``row_at``), its predictions (``predict_grid``, ``predict``, ``confusion``) and its loss over a
weight slice (``weight_slice``, ``weight_history``). Plot items are created once and fed with
setData. While playing, every panel draws the same step every frame (map and slice on grids
sized to a time budget from their measured cost), at full resolution on pause, step or scrub;
the curves' ranges grow in jumps (cached axes).
"""

from __future__ import annotations

import dataclasses
import html
import math
import time
from dataclasses import dataclass

import contourpy
import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QPen
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QWidget,
)

from gdsim.nn.training import LR, TEST_ACC, TEST_LOSS, TRAIN_ACC, TRAIN_LOSS
from ui import theme
from ui.decimate import MAX_CURVE_POINTS, row_indices
from ui.i18n import tr
from ui.plots import (
    LOG_SKEW,
    PanelView,
    StepPlots,
    Throttle,
    cursor_line,
    fit_step_ranges,
    heatmap_items,
    hover_label,
    isolines,
    log10_or_nan,
    make_plot,
    panel_layout,
)

GRID = 160  # decision-map resolution per axis
PLAY_GRID = 100  # ... while playing at most (a third of the points; full again on pause)
MAP_MIN_GRID = 40  # the coarsest map while playing
MAP_PLAY_BUDGET_S = 0.004  # while playing, the map grid is sized to cost about this
MULTI_GRID = 80  # per run in the small multiples
MAP_INTERVAL_MS = 100  # a scrub's cursor moves redraw the map at most this often
SLICE_GRID = 31  # weight-slice resolution per axis
SLICE_MIN_GRID = 11  # the coarsest slice while playing
SLICE_PLAY_BUDGET_S = 0.004  # while playing, the slice grid is sized to cost about this
SLICE_INTERVAL_MS = 250  # a scrub recomputes the slice at most this often (it costs more)
PATH_MARGIN = 0.06  # the slice's path stays this share of the range off each edge
SLICE_LOG_FLOOR = 0.01  # log colours: the lowest 1 % of the grid share the lowest colour
COLORBAR_TICKS = 5
PLAY_PAD = 0.1  # while playing, the slice's colour range has this much room to spare
STICKY_SHRINK = 0.7  # while playing, the slice colours stay until the range shrinks below this
# Class colours (ColorBrewer Dark2): distinct from the runs' Okabe–Ito line colours.
PICK_PIXELS = 8  # a right-click removes the nearest training point within this many pixels
CLASS_COLORS = ("#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d",
                "#666666")
# Panel titles say which line is which (the lines: train solid, test dashed)
TRAIN_TEST_STYLES = "train ─── solid, test ‒ ‒ ‒ dashed"
LAYER_COLORS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d",
                "#666666")


def _rgb(color: str) -> np.ndarray:
    c = color.lstrip("#")
    return np.array([int(c[i:i + 2], 16) for i in (0, 2, 4)], dtype=np.float64)


def class_image(probs: np.ndarray, n_classes: int) -> np.ndarray:
    """RGB image (ny, nx, 3) uint8 from class probabilities (ny, nx, K) or P(class 1) (…, 1).

    Each pixel mixes the light class colours by probability; uncertain pixels turn pale, so
    the boundary shows as a light band and confident regions as their class colour.
    """
    if probs.shape[-1] == 1:
        p1 = probs[..., 0]
        probs = np.stack([1 - p1, p1], axis=-1)
    k = probs.shape[-1]
    cols = np.stack([_rgb(CLASS_COLORS[i % len(CLASS_COLORS)]) for i in range(k)])
    light = 255 - 0.55 * (255 - cols)  # the class colours, lightened
    p = np.nan_to_num(probs, nan=1.0 / k)
    mixed = p @ light
    conf = (p.max(axis=-1, keepdims=True) - 1.0 / k) / (1 - 1.0 / k)  # 0 … 1
    img = 255 - (255 - mixed) * (0.25 + 0.75 * conf)
    return np.clip(img, 0, 255).astype(np.uint8)


def colorbar_ticks(lo: float, hi: float, is_log: bool, delta: float,
                   count: int = COLORBAR_TICKS) -> list[tuple[float, str]]:
    """Colour-bar ticks labelled with loss values: (colour coordinate, text). The colour
    coordinate is the loss itself, or log10(loss − lo + delta) on a log scale; texts get as
    many digits as it takes to tell them apart (a narrow range still reads)."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [(lo, f"{lo:.6g}")] if math.isfinite(lo) else []
    if is_log:  # evenly spaced in colour, so the low, detailed end is labelled too
        t0, t1 = math.log10(delta), math.log10(hi - lo + delta)
        values = [lo + 10 ** t - delta for t in np.linspace(t0, t1, count)]
    else:
        values = list(np.linspace(lo, hi, count))
    for digits in range(2, 16):
        texts = [f"{v:.{digits}g}" for v in values]
        if len(set(texts)) == len(texts):
            break
    shown = [float(t) for t in texts]
    out = []
    for v, text in zip(shown, texts, strict=True):
        pos = math.log10(max(v - lo + delta, delta)) if is_log else v
        out.append((pos, text))
    return out


@dataclass(frozen=True)
class SliceScale:
    """How slice losses become colours: t = log10(z − lo + delta) or t = z; levels t_lo..t_hi
    over the losses lo..hi."""

    lo: float
    hi: float
    delta: float
    is_log: bool
    t_lo: float
    t_hi: float

    def colour(self, z: np.ndarray) -> np.ndarray:
        """The colour coordinate of losses ``z`` (NaN where not finite)."""
        with np.errstate(all="ignore"):
            if self.is_log:
                return np.log10(np.where(np.isfinite(z), z - self.lo, np.nan) + self.delta)
            return np.where(np.isfinite(z), z, np.nan)

    def holds(self, z: np.ndarray) -> bool:
        """Whether this scale still suits ``z`` (while playing it is kept, so the colour bar
        and its axis are not repainted every frame): every loss inside lo..hi and the range
        not shrunk below STICKY_SHRINK of it."""
        finite = np.isfinite(z)
        if not finite.any():
            return False
        lo, hi = float(z[finite].min()), float(z[finite].max())
        span = self.hi - self.lo
        return self.lo <= lo and hi <= self.hi and hi - lo >= STICKY_SHRINK * span


def slice_scale(z: np.ndarray, pad: float = 0.0) -> SliceScale:
    """The colour scale for losses ``z``: linear, or log10(z − min + δ) when the range is
    skewed, with δ the loss − min of the lowest SLICE_LOG_FLOOR of the grid (so the valley
    floor is not a jagged streak of the palest colour). ``pad``: a share of the range added
    above (and below, on a linear scale), so a playing slice keeps its scale longer."""
    finite = np.isfinite(z)
    is_log, delta, lo, hi = False, 1.0, 0.0, 0.0
    if finite.any():
        zf = z[finite]
        lo, hi = float(zf.min()), float(zf.max())
        span = hi - lo
        if span > 0 and math.isfinite(span):
            is_log = (float(np.median(zf)) - lo) / span < LOG_SKEW
            delta = max(float(np.quantile(zf - lo, SLICE_LOG_FLOOR)), span * 1e-6)
            hi += pad * span
            if not is_log:
                lo -= pad * span
    scale = SliceScale(lo, hi, delta, is_log, 0.0, 1.0)
    t = scale.colour(np.array([lo, hi])) if finite.any() else scale.colour(z)
    ok = np.isfinite(t)
    t_lo = float(t[ok].min()) if ok.any() else 0.0
    t_hi = float(t[ok].max()) if ok.any() else 1.0
    if not t_hi > t_lo:
        t_lo, t_hi = t_lo - 0.5, t_lo + 0.5
    return dataclasses.replace(scale, t_lo=t_lo, t_hi=t_hi)


def draw_slice(image: pg.ImageItem, colorbar: pg.ColorBarItem, iso: pg.PlotDataItem,
               xs: np.ndarray, ys: np.ndarray, z: np.ndarray,
               keep: SliceScale | None = None) -> SliceScale:
    """The weight slice's heatmap in the :func:`slice_scale` colours, the colour bar labelled
    in loss values either way (the title says when the colours are log), isolines. ``keep``:
    a scale to reuse if it still :meth:`~SliceScale.holds` (colour bar left as it is).
    Returns the scale drawn."""
    if keep is not None and keep.holds(z):
        scale = keep
    else:
        scale = slice_scale(z, PLAY_PAD if keep is not None else 0.0)
    t = scale.colour(z)
    ok = np.isfinite(t)
    image.setImage(np.where(ok, t, scale.t_hi).T, autoLevels=False)
    x0, x1, y0, y1 = float(xs[0]), float(xs[-1]), float(ys[0]), float(ys[-1])
    dx, dy = (x1 - x0) / (len(xs) - 1), (y1 - y0) / (len(ys) - 1)
    image.setRect(QRectF(x0 - dx / 2, y0 - dy / 2, x1 - x0 + dx, y1 - y0 + dy))
    if scale is not keep:
        colorbar.axis.setLogMode(False)
        colorbar.setLevels((scale.t_lo, scale.t_hi))
        ticks = colorbar_ticks(scale.lo, scale.hi, scale.is_log, scale.delta)
        colorbar.axis.setTicks([ticks])
        # a label wider than the axis is silently dropped: make room for the longest
        widest = max((len(text) for _pos, text in ticks), default=4)
        colorbar.axis.setWidth(max(45, 14 + 7 * widest))
    else:
        image.setLevels((scale.t_lo, scale.t_hi))
    iso.setData(*isolines(xs, ys, t))
    return scale


def sim_index(controller, index: int) -> int | None:
    """Index into ``sim.runs`` of run ``index`` of the experiment (None when disabled)."""
    enabled = controller.enabled_indices()
    return enabled.index(index) if index in enabled else None


class BoundaryView(PanelView):
    """The selected run's decision map (2-D) or fitted curve (1-D) with train/test points."""

    def __init__(self, controller, parent: QWidget | None = None):
        super().__init__(controller, parent)
        self.all_runs = False
        self.cells: list[tuple] = []  # small multiples: (plot item, image, boundary line)
        self._cells_for = None  # the Trainer the small multiples were built for
        self.fits: list[pg.PlotDataItem] = []  # 1-D data: every run's fitted curve
        lay = panel_layout(self, spacing=0)
        self.controls = QWidget()  # the editing row (an exported animation shows none)
        # its width is not a minimum of the tab: the Network page's minimum is the window's
        # (a QTabWidget keeps the widest page's), and this row's 417 px made the window grow
        # past 1440 px and squeezed the Surfaces tab once the Network tab had been shown
        self.controls.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        head = QHBoxLayout(self.controls)
        head.setContentsMargins(0, 0, 0, 0)
        self.class_label = QLabel(tr("click adds class"))
        head.addWidget(self.class_label)
        self.class_spin = QSpinBox()
        self.class_spin.setObjectName("pointClassSpin")
        self.class_spin.setRange(0, 1)
        self.class_spin.setToolTip(tr("Click on the map adds a training point of this class; "
                                      "shift-click one of the next class; right-click removes "
                                      "the nearest training point; Ctrl-click inspects one in "
                                      "the network diagram"))
        self.class_spin.valueChanged.connect(self._class_colour)
        self._class_colour(0)
        head.addWidget(self.class_spin)
        self.regenerate_button = QPushButton(tr("Regenerate"))
        self.regenerate_button.setObjectName("regenerateButton")
        self.regenerate_button.setToolTip("The same data set with a new seed (edited points "
                                          "are dropped)")
        self.regenerate_button.clicked.connect(lambda: controller.regenerate())
        head.addWidget(self.regenerate_button)
        self.inspect_button = QToolButton()
        self.inspect_button.setObjectName("inspectPointButton")
        self.inspect_button.setText(tr("Inspect"))
        self.inspect_button.setCheckable(True)
        self.inspect_button.setToolTip(tr(
            "Inspect a point: a click on a training point shows its forward and backward pass "
            "in the network diagram (Ctrl-click does so at any time). Off: clicks edit the "
            "data"))
        self.inspect_button.toggled.connect(self._inspect_toggled)
        head.addWidget(self.inspect_button)
        head.addStretch(1)
        self.all_check = QCheckBox(tr("all runs"))
        self.all_check.setObjectName("allRunsCheck")
        self.all_check.setToolTip(tr("Small multiples: every run's decision map side by side "
                                  "(on 1-D data, every run's fit in one plot)"))
        self.all_check.toggled.connect(self.set_all_runs)
        head.addWidget(self.all_check)
        lay.addWidget(self.controls)
        self.plot = make_plot("boundaryPlot", tr("decision boundary"), cache_axes=True)
        lay.addWidget(self.plot, 1)
        self.multi = pg.GraphicsLayoutWidget()
        self.multi.setObjectName("boundaryMultiples")
        self.multi.setBackground(theme.BACKGROUND)
        self.multi.hide()
        lay.addWidget(self.multi, 1)
        pi = self.plot.getPlotItem()
        self.image = pg.ImageItem()
        self.image.setZValue(-20)
        pi.addItem(self.image)
        self.boundary = pg.PlotDataItem(pen=pg.mkPen("#333333", width=1.5), connect="finite")
        self.boundary.setZValue(-5)
        pi.addItem(self.boundary)
        self.fit = pg.PlotDataItem(pen=pg.mkPen("#333333", width=2.5))
        pi.addItem(self.fit)
        self.train_pts = pg.ScatterPlotItem(size=7, pen=pg.mkPen("#ffffff", width=0.8))
        self.test_pts = pg.ScatterPlotItem(size=8, symbol="t", brush=pg.mkBrush(None))
        self.train_pts.setZValue(5)
        self.test_pts.setZValue(6)
        # training rows early stopping holds out for validation
        self.val_pts = pg.ScatterPlotItem(size=7, symbol="s", pen=pg.mkPen("#ffffff", width=0.8))
        self.val_pts.setZValue(5)
        # the training point whose one-sample pass the diagram shows: a black ring
        self.inspected_pt = pg.ScatterPlotItem(size=17, pen=pg.mkPen("#000000", width=2.2),
                                               brush=pg.mkBrush(None))
        self.inspected_pt.setZValue(7)
        pi.addItem(self.inspected_pt)
        pi.addItem(self.train_pts)
        pi.addItem(self.val_pts)
        pi.addItem(self.test_pts)
        self.cells_text: list[pg.TextItem] = []  # counts on the confusion matrix
        self.legend = pi.addLegend(offset=(-5, 5), brush=pg.mkBrush(255, 255, 255, 210))
        self.legend.setLabelTextColor(theme.FOREGROUND)
        self._legend_items = False
        self._drawn = None
        self._sec_per_point = 0.0  # measured cost of one map point (sizes the Play grid)
        self.throttle = Throttle(self.refresh, MAP_INTERVAL_MS, self)
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        controller.inspected_changed.connect(self._show_inspected)
        self.follow_all(self.rebuild, self._changed, self._recolor, controller.selection_changed,
                        controller.playing_changed)
        self.rebuild()

    def _changed(self, *_args) -> None:
        """The shown state changed: redraw at once (while playing on a budgeted grid, so the
        map stays in step with the curves, the slice and the timeline)."""
        self.throttle.flush()

    def grid_size(self) -> int:
        """Map points per axis: GRID, or while playing as many as fit MAP_PLAY_BUDGET_S at
        the measured cost per point (MAP_MIN_GRID to PLAY_GRID)."""
        if not self.controller.playing:
            return GRID
        if self._sec_per_point <= 0:
            return PLAY_GRID
        n = int(np.sqrt(MAP_PLAY_BUDGET_S / self._sec_per_point))
        return int(min(PLAY_GRID, max(MAP_MIN_GRID, n)))

    @property
    def kind(self) -> str:
        """What the panel shows for this data: map, fit, confusion or scatter."""
        d = self.controller.sim.data
        if d.n_features == 2:
            return "map"
        if d.n_features == 1:
            return "fit"
        return "confusion" if d.task == "classification" else "scatter"

    @property
    def editable(self) -> bool:
        """Clicks edit the data: a 2-D classification map."""
        d = self.controller.sim.data
        return self.kind == "map" and d.task == "classification" and d.n_classes >= 1

    @property
    def inspecting(self) -> bool:
        """Plain clicks inspect a training point (Inspect on, or data that clicks cannot
        edit) rather than edit the data."""
        return self.inspect_button.isChecked() or not self.editable

    def _inspect_toggled(self, on: bool) -> None:
        self.controller.notice.emit(
            tr("Inspect: click a training point to follow it through the network diagram")
            if on else tr("Edit data: click adds a point, shift-click one of the next class, "
                          "right-click removes"))

    def _clicked(self, ev) -> None:
        """Click: add a point of the chosen class; shift-click: of the next class;
        right-click: remove the nearest training point (within PICK_PIXELS). Ctrl-click, or
        any click with Inspect on: the nearest training point's one-sample pass (diagram)."""
        if ev.double() or self.kind != "map" or self.all_runs:
            return
        vb = self.plot.getPlotItem().vb
        scene_pos = ev.scenePos()
        if not vb.sceneBoundingRect().contains(scene_pos):
            return
        p = vb.mapSceneToView(scene_pos)
        left = ev.button() == Qt.MouseButton.LeftButton
        if left and (self.inspecting or ev.modifiers() & Qt.KeyboardModifier.ControlModifier):
            ev.accept()
            self.inspect_near(p.x(), p.y())
            return
        if not self.editable:
            return
        if left:
            ev.accept()
            k = self.class_spin.value()
            if ev.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                k = (k + 1) % max(self.controller.sim.data.n_classes, 1)
            self.controller.add_point(p.x(), p.y(), k)
        elif ev.button() == Qt.MouseButton.RightButton:
            ev.accept()
            self.controller.remove_point(p.x(), p.y(), PICK_PIXELS, self.pixels_per_unit())

    def inspect_near(self, x: float, y: float) -> int | None:
        """Inspect the training point within PICK_PIXELS of (x, y) on the map (or say none
        is there); returns its row."""
        c = self.controller
        i = c.inspect_at(x, y, PICK_PIXELS, self.pixels_per_unit())
        if i is None:
            c.notice.emit(tr("No training point there: click on (or next to) one to inspect it"))
        else:
            px, py = c.sim.data.x_train[i, :2]
            c.notice.emit(tr("Inspecting training point {0} at ({1:.3g}, {2:.3g}): its forward "
                             "and backward pass is in the network diagram").format(i, px, py))
        return i

    def _show_inspected(self, *_args) -> None:
        """Ring the inspected training point (2-D data only)."""
        c = self.controller
        i = c.inspected
        d = c.sim.data
        if i is None or d.n_features != 2:
            self.inspected_pt.setData([], [])
        else:
            self.inspected_pt.setData([d.x_train[i, 0]], [d.x_train[i, 1]])

    def _class_colour(self, k: int) -> None:
        self.class_spin.setStyleSheet(
            f"QSpinBox {{ color: {CLASS_COLORS[k % len(CLASS_COLORS)]}; font-weight: bold }}")

    def pixels_per_unit(self) -> tuple[float, float]:
        """Screen pixels per data unit along x and y on the map."""
        vb = self.plot.getPlotItem().vb
        (x0, x1), (y0, y1) = vb.viewRange()
        r = vb.sceneBoundingRect()
        return r.width() / max(x1 - x0, 1e-12), r.height() / max(y1 - y0, 1e-12)

    def _recolor(self, index: int) -> None:
        """Run ``index`` of the experiment got a new colour (training goes on): repaint."""
        j = sim_index(self.controller, index)
        if j is not None and j < len(self.fits):
            self.fits[j].setPen(pg.mkPen(self.controller.sim.runs[j].spec.color, width=2))
        self._drawn = None  # titles and the selected run's fit carry the colour
        self.refresh()

    def rebuild(self) -> None:
        """New data set or network: points, axes and ranges."""
        sim = self.controller.sim
        d = sim.data
        pi = self.plot.getPlotItem()
        kind = self.kind
        two_d = kind == "map"
        names = d.feature_names
        for t in self.cells_text:
            pi.removeItem(t)
        self.cells_text = []
        for side in ("left", "bottom"):
            pi.getAxis(side).setTicks(None)
        if two_d:
            pi.setLabel("bottom", names[0] if names else "x₁")
            pi.setLabel("left", names[1] if names else "x₂")
        elif kind == "fit":
            pi.setLabel("bottom", names[0] if names else "x")
            pi.setLabel("left", "y")
        elif kind == "confusion":
            pi.setLabel("bottom", tr("predicted class"))
            pi.setLabel("left", tr("true class"))
        else:
            pi.setLabel("bottom", tr("true value"))
            pi.setLabel("left", tr("predicted value"))
        self.image.setVisible(two_d or kind == "confusion")
        self.boundary.setVisible(two_d)
        self.fit.setVisible(kind in ("fit", "scatter"))
        for item in (self.train_pts, self.test_pts, self.val_pts):
            item.setVisible(kind != "confusion")
        self.legend.setVisible(kind != "confusion")
        self.all_check.setEnabled(kind in ("map", "fit"))
        editable = self.editable
        for w in (self.class_label, self.class_spin):
            w.setVisible(editable)
        self.inspect_button.setVisible(editable)  # other 2-D maps: every click inspects
        self._show_inspected()
        if editable:
            self.class_spin.setMaximum(max(d.n_classes - 1, 0))
        self.regenerate_button.setEnabled(not self.controller.experiment.data_file)
        pi.invertY(kind == "confusion")  # the first class at the top left, as usual
        self._drawn = None
        self._sec_per_point = 0.0
        self._build_multiples()
        self._draw_points()
        dom = d.domain
        if two_d:
            pi.setRange(xRange=dom[:2], yRange=dom[2:], padding=0)
        elif kind == "confusion":
            k = max(d.n_classes, 1)
            labels = d.class_names or tuple(str(j) for j in range(k))
            ticks = [[(j, labels[j]) for j in range(k)]]
            for side in ("left", "bottom"):
                pi.getAxis(side).setTicks(ticks)
            pi.setRange(xRange=(-0.5, k - 0.5), yRange=(-0.5, k - 0.5), padding=0)
            if k <= 12:  # counts written in the cells
                for _ in range(k * k):
                    t = pg.TextItem("", color=theme.FOREGROUND, anchor=(0.5, 0.5))
                    pi.addItem(t)
                    self.cells_text.append(t)
        elif kind == "scatter":
            y = np.concatenate([d.y_train, d.y_test])
            lo, hi = float(y.min()), float(y.max())
            pad = 0.1 * max(hi - lo, 1e-9)
            self.fit.setData([lo - pad, hi + pad], [lo - pad, hi + pad])  # the diagonal
            self.fit.setPen(pg.mkPen("#999999", width=1, style=Qt.PenStyle.DashLine))
            pi.setRange(xRange=(lo - pad, hi + pad), yRange=(lo - pad, hi + pad), padding=0)
        else:
            y = np.concatenate([d.y_train, d.y_test])
            pad = 0.1 * max(float(np.ptp(y)), 1e-9)
            pi.setRange(xRange=dom[:2], yRange=(float(y.min()) - pad, float(y.max()) + pad),
                        padding=0)
        self.refresh()

    def set_all_runs(self, on: bool) -> None:
        """Show every run (small multiples / overlaid fits) instead of the selected one."""
        self.all_runs = bool(on)
        if self.all_check.isChecked() != self.all_runs:
            self.all_check.setChecked(self.all_runs)
        if self.all_runs and self._cells_for is not self.controller.sim:
            self._build_multiples()
        two_d = self.kind == "map"
        self.plot.setVisible(not (self.all_runs and two_d))
        self.multi.setVisible(self.all_runs and two_d)
        self._drawn = None
        self.refresh()

    def _build_multiples(self) -> None:
        sim = self.controller.sim
        self.multi.clear()
        self.cells = []
        pi = self.plot.getPlotItem()
        for item in self.fits:
            pi.removeItem(item)
        self.fits = []
        d = sim.data
        if d.n_features > 2:
            self.multi.hide()
            self.plot.show()
            return
        if d.n_features != 2:
            for i, run in enumerate(sim.runs):
                item = pg.PlotDataItem(pen=pg.mkPen(run.spec.color or theme.run_color(i),
                                                    width=2))
                pi.addItem(item)
                self.fits.append(item)
            self.multi.hide()
            self.plot.show()
            return
        self._cells_for = None
        if not self.all_runs:  # built when shown (set_all_runs): a plot per run is slow
            self.multi.hide()
            self.plot.show()
            return
        self._cells_for = sim
        cols = int(np.ceil(np.sqrt(sim.n_runs)))
        fills = [pg.mkBrush(col) for col in CLASS_COLORS]
        brushes = [fills[int(c) % len(fills)] for c in d.y_train] \
            if d.task == "classification" else pg.mkBrush("#333333")
        for i in range(sim.n_runs):
            cell = self.multi.addPlot(row=i // cols, col=i % cols)
            cell.setMenuEnabled(False)
            cell.hideAxis("left")
            cell.hideAxis("bottom")
            image = pg.ImageItem()
            image.setZValue(-20)
            cell.addItem(image)
            line = pg.PlotDataItem(pen=pg.mkPen("#333333", width=1.2), connect="finite")
            cell.addItem(line)
            pts = pg.ScatterPlotItem(d.x_train[:, 0], d.x_train[:, 1], size=4,
                                     pen=pg.mkPen(None), brush=brushes)
            cell.addItem(pts)
            dom = d.domain
            cell.setRange(xRange=dom[:2], yRange=dom[2:], padding=0)
            self.cells.append((cell, image, line))
        self.multi.setVisible(self.all_runs)
        self.plot.setVisible(not self.all_runs)

    def _draw_map(self, i: int, n: int, image, line, step: int) -> None:
        sim = self.controller.sim
        d = sim.data
        xs, ys, out = sim.predict_grid(i, n, n, step=step)
        image.setImage(class_image(out, max(d.n_classes, 2)).transpose(1, 0, 2),
                       autoLevels=False, levels=(0, 255))
        dx, dy = xs[1] - xs[0], ys[1] - ys[0]
        image.setRect(QRectF(xs[0] - dx / 2, ys[0] - dy / 2, xs[-1] - xs[0] + dx,
                             ys[-1] - ys[0] + dy))
        if out.shape[-1] == 1 and d.task == "classification":
            line.setData(*self._level_line(xs, ys, out[..., 0], 0.5))
        elif d.task == "classification":
            line.setData(*self._class_edges(xs, ys, out))
        else:
            line.setData([], [])

    def _refresh_all(self, step: int) -> None:
        c = self.controller
        sim = c.sim
        if sim.data.n_features == 2:
            for i, (cell, image, line) in enumerate(self.cells):
                self._draw_map(i, MULTI_GRID, image, line, step)
                run = sim.runs[i]
                acc = sim.row_at(i, step)[TEST_ACC]
                cell.setTitle(f"<span style='color:{run.spec.color}'>{html.escape(run.label)}"
                              f"</span> {100 * acc:.0f}%" if np.isfinite(acc) else run.label,
                              size="9pt")
            return
        x0, x1 = sim.data.domain[:2]
        xs = np.linspace(x0, x1, 400)
        for i, item in enumerate(self.fits):
            item.setData(xs, sim.predict(i, xs[:, None], step=step)[:, 0])
        self.plot.getPlotItem().setTitle(tr('fit · all runs · step {0}').format(step),
                                         color=theme.FOREGROUND, size="10pt")

    def _draw_points(self) -> None:
        d = self.controller.sim.data
        kind = self.kind
        has_val = d.x_val is not None and kind in ("map", "fit")
        self.val_pts.setVisible(has_val)
        if not has_val:
            self.val_pts.setData([], [])
        if kind in ("confusion", "scatter"):  # drawn per step from the predictions
            self.train_pts.setData([], [])
            self.test_pts.setData([], [])
        elif d.n_features == 2:
            fills = [pg.mkBrush(col) for col in CLASS_COLORS]  # shared objects: fast setData
            lines = [pg.mkPen(col, width=1.6) for col in CLASS_COLORS]

            def brushes(y):
                if d.task != "classification":
                    return pg.mkBrush("#333333")
                return [fills[int(c) % len(fills)] for c in y]

            def pens(y):
                if d.task != "classification":
                    return pg.mkPen("#333333")
                return [lines[int(c) % len(lines)] for c in y]

            self.train_pts.setData(d.x_train[:, 0], d.x_train[:, 1], brush=brushes(d.y_train))
            self.test_pts.setData(d.x_test[:, 0], d.x_test[:, 1], pen=pens(d.y_test),
                                  brush=pg.mkBrush(255, 255, 255, 160))
            if has_val:
                self.val_pts.setData(d.x_val[:, 0], d.x_val[:, 1], brush=brushes(d.y_val))
        else:
            self.train_pts.setData(d.x_train[:, 0], d.y_train, brush=pg.mkBrush("#0072b2"))
            self.test_pts.setData(d.x_test[:, 0], d.y_test, pen=pg.mkPen("#d55e00", width=1.6),
                                  brush=pg.mkBrush(255, 255, 255, 160))
            if has_val:
                self.val_pts.setData(d.x_val[:, 0], d.y_val, brush=pg.mkBrush("#56b4e9"))
        if not self._legend_items:
            self.legend.addItem(self.train_pts, tr("train"))
            self.legend.addItem(self.test_pts, tr("test"))
            self._legend_items = True
        self.legend.removeItem(self.val_pts)
        if has_val:
            self.legend.addItem(self.val_pts, "validation (early stopping)")

    def refresh(self, *_args) -> None:
        """Predictions of the selected run at the shown step (skipped if already drawn)."""
        if self._deferred():
            return
        c = self.controller
        grid = self.grid_size()
        key = c.view_key(self.all_runs, grid)
        if key == self._drawn:
            return
        self._drawn = key
        sim = c.sim
        i = c.selected
        step = c.shown_step
        d = sim.data
        run = sim.runs[i]
        kind = self.kind
        for item in self.fits:
            item.setVisible(self.all_runs and kind == "fit")
        self.fit.setVisible(kind == "scatter" or (kind == "fit" and not self.all_runs))
        if self.all_runs and kind in ("map", "fit"):
            self._refresh_all(step)
            return
        if kind == "map":
            t0 = time.perf_counter()
            self._draw_map(i, grid, self.image, self.boundary, step)
            self._sec_per_point = (time.perf_counter() - t0) / (grid * grid)
        elif kind == "confusion":
            self._draw_confusion(i, step)
        elif kind == "scatter":
            self._draw_scatter(i, step)
        else:
            x0, x1 = d.domain[:2]
            xs = np.linspace(x0, x1, 400)
            self.fit.setData(xs, sim.predict(i, xs[:, None], step=step)[:, 0])
            self.fit.setPen(pg.mkPen(run.spec.color or theme.run_color(i), width=2.5))
        rows = c.shown_rows(i)
        acc = sim.row_at(i, step)[TEST_ACC] if rows else np.nan  # of the weights drawn
        extra = ""
        if run.status == "early_stopped" and step >= rows - 1:
            extra += tr(" (weights of step {0} restored)").format(run.best_step)
        if np.isfinite(acc):
            extra += tr(", test acc {0:.1f}%").format(100 * acc)
        what = {"map": tr("decision map"), "fit": tr("fit"),
                "confusion": tr("confusion matrix (test)"),
                "scatter": tr("predicted vs true")}[kind]
        title = tr("{0} · <span style='color:{1}'>{2}</span> · step {3}{4}").format(
            what, run.spec.color, html.escape(run.label), min(step, rows - 1), extra)
        self.plot.getPlotItem().setTitle(title, color=theme.FOREGROUND, size="10pt")

    @staticmethod
    def _level_line(xs, ys, z, level):
        gen = contourpy.contour_generator(xs, ys, z, line_type=contourpy.LineType.ChunkCombinedNan)
        chunks = [c for c in gen.lines(level)[0] if c is not None and len(c)]
        if not chunks:
            return [], []
        xy = np.concatenate(chunks)
        return xy[:, 0], xy[:, 1]

    def _class_edges(self, xs, ys, out):
        """Boundaries between argmax regions, smooth: for each class k the zero level of
        p_k − max_{j≠k} p_j (interpolated between grid points, unlike an indicator's edge)."""
        parts_x, parts_y = [], []
        srt = np.sort(out, axis=-1)
        top, second = srt[..., -1], srt[..., -2]
        for k in range(out.shape[-1]):
            pk = out[..., k]
            others = np.where(pk >= top, second, top)  # the largest of the other classes
            px, py = self._level_line(xs, ys, pk - others, 0.0)
            parts_x += [np.asarray(px), [np.nan]]
            parts_y += [np.asarray(py), [np.nan]]
        return np.concatenate(parts_x), np.concatenate(parts_y)


    def _draw_confusion(self, i: int, step: int) -> None:
        """Run i's confusion matrix on the test rows at ``step`` (rows: true class)."""
        sim = self.controller.sim
        m = sim.confusion(i, step)
        k = m.shape[0]
        totals = m.sum(axis=1, keepdims=True)
        share = np.divide(m, totals, out=np.zeros_like(m, dtype=np.float64), where=totals > 0)
        blue = _rgb("#0072b2")
        img = 255 - share[..., None] * (255 - blue) * 0.85
        self.image.setImage(img.transpose(1, 0, 2).astype(np.uint8), autoLevels=False,
                            levels=(0, 255))
        self.image.setRect(QRectF(-0.5, -0.5, k, k))
        for idx, t in enumerate(self.cells_text):
            r, col = divmod(idx, k)
            t.setText(str(int(m[r, col])))
            t.setColor("#ffffff" if share[r, col] > 0.6 else theme.FOREGROUND)
            t.setPos(col, r)

    def _draw_scatter(self, i: int, step: int) -> None:
        """Run i's predictions against the true targets (train dots, test triangles)."""
        sim = self.controller.sim
        d = sim.data
        self.train_pts.setData(d.y_train, sim.predict(i, d.x_train, step=step)[:, 0],
                               brush=pg.mkBrush("#0072b2"))
        self.test_pts.setData(d.y_test, sim.predict(i, d.x_test, step=step)[:, 0],
                              pen=pg.mkPen("#d55e00", width=1.6),
                              brush=pg.mkBrush(255, 255, 255, 160))


class MetricsView(StepPlots):
    """Loss (train solid, test dashed) and accuracy of all runs; learning rate of all runs;
    per-layer gradient norms (log) of the selected run. Linked step axes, hover readout."""

    KEYS = ("loss", "accuracy", "lr", "layers")

    def __init__(self, controller, parent: QWidget | None = None):
        super().__init__(controller, parent)
        lay = panel_layout(self, spacing=2)
        head = QHBoxLayout()
        self.hover_label = hover_label("networkHoverLabel")
        # one line that never wraps or grows: a long readout is cut, the plots stay put
        self.hover_label.setWordWrap(False)
        self.hover_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        head.addWidget(self.hover_label, 1)
        lay.addLayout(head)
        titles = {"loss": tr("loss · train ─── solid, test ‒ ‒ ‒ dashed"),
                  "accuracy": tr("accuracy · train ─── solid, test ‒ ‒ ‒ dashed"),
                  "lr": tr("learning rate · one line per run"),
                  "layers": tr("gradient norm per layer")}
        self.plots: dict[str, pg.PlotWidget] = {}
        self.cursor_lines = {}
        first = None
        for key in self.KEYS:
            w = make_plot(f"{key}NetPlot", titles[key], log_y=key != "accuracy",
                          cache_axes=True)
            pi = w.getPlotItem()
            pi.showGrid(x=True, y=True, alpha=0.25)
            pi.getAxis("left").setWidth(52)
            # lines hold log10 of the values and only the axis is in log mode: pyqtgraph's
            # item log mode re-derives the data inside paint and paints every plot twice
            pi.getAxis("left").setLogMode(False, key != "accuracy")
            if first is None:
                first = pi
            else:
                pi.setXLink(first)
            vb = pi.getViewBox()
            vb.disableAutoRange()  # ranges follow the data: fit_step_ranges
            vb.sigRangeChangedManually.connect(lambda *_a, k=key: self._manual_range(k))
            self.cursor_lines[key] = cursor_line(pi)
            w.scene().sigMouseMoved.connect(lambda pos, k=key: self._hover(k, pos))
            w.installEventFilter(self)  # leaving the plot clears the readout
            w.setMinimumHeight(110)
            lay.addWidget(w, 1)
            self.plots[key] = w
        self.plots["layers"].getPlotItem().setLabel("bottom", tr("step"))
        acc = self.plots["accuracy"].getPlotItem()
        acc.setYRange(-0.02, 1.04, padding=0)
        # fixed ticks: the top label reads 1.0 whatever the panel's height
        acc.getAxis("left").setTicks([[(v / 5, f"{v / 5:.1f}") for v in range(6)]])
        self.no_acc = pg.TextItem(tr("regression: no accuracy"), color="#777777", anchor=(0.5, 0.5))
        self.plots["accuracy"].getPlotItem().addItem(self.no_acc, ignoreBounds=True)
        # the layers' colours are named in their plot's title, where they cover no curve
        self._build_run_legend(lay)
        self.lines: dict[str, list] = {k: [] for k in self.KEYS}
        self._follow = dict.fromkeys(self.KEYS, True)  # False once the user zoomed/panned
        self._pen_width = 1.5
        self._layers_title = ""
        self.follow_all(self.rebuild, self.refresh, self._recolor, controller.selection_changed,
                        controller.playing_changed)
        controller.experiment_changed.connect(self.clear_hover)
        controller.reset_done.connect(self.clear_hover)
        self.rebuild()

    def clear_hover(self) -> None:
        """Empty the readout (mouse left the plots, new experiment, reset)."""
        self.hover_label.setText(" ")

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Leave:
            self.clear_hover()
        return super().eventFilter(obj, event)

    def _hover(self, key: str, scene_pos) -> None:
        vb = self.plots[key].getPlotItem().getViewBox()
        if not vb.sceneBoundingRect().contains(scene_pos):
            self.clear_hover()  # over an axis or the title: nothing under the mouse
            return
        super()._hover(key, scene_pos)

    def _manual_range(self, key: str) -> None:
        self._follow[key] = False

    def _build_run_legend(self, lay) -> None:
        """Which colour is which run: a line of the run colours above the plots (it covers
        no curve), shown or hidden with the ``networkLegendCheck`` box."""
        self.run_legend = QLabel()
        self.run_legend.setObjectName("networkRunLegend")
        self.run_legend.setTextFormat(Qt.TextFormat.RichText)
        self.run_legend.setWordWrap(True)
        self.legend_check = QCheckBox(tr("legend"))
        self.legend_check.setObjectName("networkLegendCheck")
        self.legend_check.setToolTip(tr("Show which colour is which run"))
        self.legend_check.setChecked(True)
        self.legend_check.toggled.connect(self.run_legend.setVisible)
        row = QHBoxLayout()
        row.setContentsMargins(4, 0, 4, 0)
        row.addWidget(self.run_legend, 1)
        row.addWidget(self.legend_check, 0, Qt.AlignmentFlag.AlignTop)
        lay.insertLayout(1, row)

    def _fill_run_legend(self) -> None:
        """One entry per run: its colour's line sample and its label."""
        parts = [f"<span style='color:{run.spec.color or theme.run_color(i)}'>━━</span>&nbsp;"
                 f"{html.escape(run.label)}" for i, run in enumerate(self.controller.sim.runs)]
        self.run_legend.setText("&nbsp;&nbsp; ".join(parts))

    def _pen(self, color: str, style=Qt.PenStyle.SolidLine):
        """1.5 px while stopped; 1 px while playing (Qt rasterizes thin lines, dashed ones
        above all, several times faster)."""
        return pg.mkPen(color, width=1.0 if self.controller.playing else 1.5, style=style)

    def _repen(self) -> None:
        """Every line at the width for the current play state (colours and dashes kept)."""
        self._pen_width = 1.0 if self.controller.playing else 1.5
        for items in self.lines.values():
            for item in items:
                pen = QPen(item.opts["pen"])
                pen.setWidthF(self._pen_width)
                item.setPen(pen)

    def _recolor(self, index: int) -> None:
        """Run ``index`` of the experiment got a new colour: repaint its lines in place."""
        j = sim_index(self.controller, index)
        if j is None or len(self.lines["lr"]) <= j:
            return
        color = self.controller.sim.runs[j].spec.color
        for key in ("loss", "accuracy"):
            for k, style in enumerate((Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine)):
                self.lines[key][2 * j + k].setPen(self._pen(color, style))
        self.lines["lr"][j].setPen(self._pen(color))
        self._fill_run_legend()
        self._layers_title = ""
        self.refresh()  # the gradient-norm title names the selected run in its colour

    def rebuild(self) -> None:
        sim = self.controller.sim
        for key, w in self.plots.items():
            pi = w.getPlotItem()
            for item in self.lines[key]:
                pi.removeItem(item)
            self.lines[key] = []
        for i, run in enumerate(sim.runs):
            color = run.spec.color or theme.run_color(i)
            for key in ("loss", "accuracy"):
                for style in (Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine):
                    item = pg.PlotCurveItem(pen=self._pen(color, style), connect="finite")
                    self.plots[key].getPlotItem().addItem(item)
                    self.lines[key].append(item)
            item = pg.PlotCurveItem(pen=self._pen(color), connect="finite")
            self.plots["lr"].getPlotItem().addItem(item)
            self.lines["lr"].append(item)
        for j in range(sim.n_layers):
            item = pg.PlotCurveItem(pen=self._pen(LAYER_COLORS[j % len(LAYER_COLORS)]),
                                    connect="finite")
            self.plots["layers"].getPlotItem().addItem(item)
            self.lines["layers"].append(item)
        self._fill_run_legend()
        self._layers_title = ""
        self._pen_width = 1.0 if self.controller.playing else 1.5
        cls = sim.classification
        self.no_acc.setVisible(not cls)
        self.refresh()

    def refresh(self, *_args) -> None:
        if self._deferred():
            return
        c = self.controller
        sim = c.sim
        if len(self.lines["lr"]) != sim.n_runs:
            self.rebuild()
            return
        if self._pen_width != (1.0 if c.playing else 1.5):
            self._repen()
        bounds = {k: [np.inf, -np.inf] for k in ("loss", "lr", "layers")}

        def show(key: str, item, x, y, log: bool = True) -> None:
            if log:
                y = log10_or_nan(y)
                if np.isfinite(y).any():
                    b = bounds[key]
                    b[0], b[1] = min(b[0], np.nanmin(y)), max(b[1], np.nanmax(y))
            item.setData(x, y)

        x_last = 0
        for i in range(sim.n_runs):
            rows = c.shown_rows(i)
            x_last = max(x_last, rows - 1)
            idx = row_indices(rows, MAX_CURVE_POINTS)
            rec = sim.record(i)[idx]
            x = idx.astype(np.float64)
            show("loss", self.lines["loss"][2 * i], x, rec[:, TRAIN_LOSS])
            show("loss", self.lines["loss"][2 * i + 1], x, rec[:, TEST_LOSS])
            if sim.classification:
                show("accuracy", self.lines["accuracy"][2 * i], x, rec[:, TRAIN_ACC], log=False)
                show("accuracy", self.lines["accuracy"][2 * i + 1], x, rec[:, TEST_ACC],
                     log=False)
            show("lr", self.lines["lr"][i], x, rec[:, LR])
        s = c.selected
        rows = c.shown_rows(s)
        idx = row_indices(rows, MAX_CURVE_POINTS)
        norms = sim.layer_grad_norms(s)[idx]
        for j, item in enumerate(self.lines["layers"]):
            show("layers", item, idx.astype(np.float64), norms[:, j])
        fit_step_ranges(self.plots, self._follow, {k: tuple(v) for k, v in bounds.items()},
                        (0.0, max(float(x_last), 1.0)), c.playing, dict.fromkeys(bounds, True),
                        link_x=True)
        run = sim.runs[s]
        out = tr("out")
        keys = "".join(
            f" <span style='color:{LAYER_COLORS[j % len(LAYER_COLORS)]}'>■</span>"
            f"{out if j == sim.n_layers - 1 else f'L{j + 1}'}" for j in range(sim.n_layers))
        title = (tr("gradient norm per layer") + f" · <span style='color:{run.spec.color}'>"
                 f"{html.escape(run.label)}</span> ·{keys}")
        if title != self._layers_title:  # a new label's layout costs, every frame
            self._layers_title = title
            self.plots["layers"].getPlotItem().setTitle(title, color=theme.FOREGROUND,
                                                         size="10pt")
        if not sim.classification:
            vr = self.plots["accuracy"].getPlotItem().getViewBox().viewRect()
            self.no_acc.setPos(vr.center())
        cur = c.cursor
        for line in self.cursor_lines.values():
            line.setVisible(cur >= 0)
            if cur >= 0:
                line.setValue(cur)

    def hover_text(self, key: str, step: int) -> str:
        sim = self.controller.sim
        parts = [f"<b>step {step}</b> · {key}:"]
        if key == "layers":
            s = self.controller.selected
            if 0 <= step < self.controller.shown_rows(s):
                vals = sim.layer_grad_norms(s)[step]
                parts += [f"L{j + 1} {v:.3g}" for j, v in enumerate(vals)]
            return "  ".join(parts)
        col = {"loss": (TRAIN_LOSS, TEST_LOSS), "accuracy": (TRAIN_ACC, TEST_ACC),
               "lr": (LR,)}[key]
        for i, run in enumerate(sim.runs):
            if not 0 <= step < self.controller.shown_rows(i):
                continue
            vals = "/".join(f"{sim.record(i)[step, k]:.4g}" for k in col)
            parts.append(f"<span style='color:{run.spec.color}'>■</span> "
                         f"{html.escape(run.label)} {vals}")
        return "  ".join(parts)


class WeightSliceView(PanelView):
    """Loss over two chosen weights of the selected run (the others at their values at the
    shown step) with those weights' path: how the optimizer moves in a real landscape."""

    def __init__(self, controller, parent: QWidget | None = None):
        super().__init__(controller, parent)
        self._range = None  # (amin, amax, bmin, bmax) kept while the path stays inside
        self._drawn = None
        lay = panel_layout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("weights")))
        self.combo_a = QComboBox()
        self.combo_a.setObjectName("weightACombo")
        self.combo_b = QComboBox()
        self.combo_b.setObjectName("weightBCombo")
        for cb in (self.combo_a, self.combo_b):
            cb.setToolTip(tr("Weight on this axis (Wk[i,j] connects unit i of layer k−1 to "
                             "unit j)"))
            cb.setMaxVisibleItems(20)
            cb.activated.connect(lambda _i: self._choice_changed())
            row.addWidget(cb, 1)
        lay.addLayout(row)
        self.plot = make_plot("slicePlot", tr("weight-space slice"), cache_axes=True)
        lay.addWidget(self.plot, 1)
        pi = self.plot.getPlotItem()
        self.image, self.colorbar, self.iso = heatmap_items(pi, 12)
        for side in ("left", "top", "bottom"):  # the bar's frame: 3 axes repainted per frame
            self.colorbar.hideAxis(side)
        self.path = pg.PlotDataItem(pen=pg.mkPen("#0072b2", width=2))
        pi.addItem(self.path)
        self.head = pg.ScatterPlotItem(size=11, pen=pg.mkPen("#ffffff", width=1.5))
        self.head.setZValue(10)
        pi.addItem(self.head)
        self.throttle = Throttle(self.refresh, SLICE_INTERVAL_MS, self)
        self._sec_per_point = 0.0  # measured cost of one slice point (sizes the Play grid)
        self.last_grid = None  # (va, vb, z) drawn last
        self._scale: SliceScale | None = None  # the colour scale drawn last
        self._labels: tuple[str, str] | None = None  # the axis labels set last
        controller.playing_changed.connect(self._playing_changed)
        controller.experiment_changed.connect(self.rebuild)
        controller.reset_done.connect(self._reset)
        controller.stepped.connect(self.schedule)
        controller.cursor_changed.connect(lambda _c: self.schedule())
        controller.selection_changed.connect(lambda _i: self._reset())
        controller.run_color_changed.connect(self._recolor)
        self.rebuild()

    def _recolor(self, index: int) -> None:
        """A new colour for the shown run repaints its path (same slice, same range)."""
        if sim_index(self.controller, index) == self.controller.selected:
            self._drawn = None
            self.refresh()

    @property
    def weights(self) -> tuple[int, int]:
        """The flat indices of the two weights on the axes."""
        return int(self.combo_a.currentData()), int(self.combo_b.currentData())

    def set_weights(self, a: int, b: int) -> None:
        self.combo_a.setCurrentIndex(self.combo_a.findData(a))
        self.combo_b.setCurrentIndex(self.combo_b.findData(b))
        self._choice_changed()

    def rebuild(self) -> None:
        """New network: list its weights; default to the first two of the last hidden layer's
        incoming matrix (the output layer's first two weights when there is no hidden layer)."""
        net = self.controller.sim.net
        names = net.param_names()
        old = (self.combo_a.currentText(), self.combo_b.currentText())
        for cb in (self.combo_a, self.combo_b):
            cb.blockSignals(True)
            cb.clear()
            for k, n in enumerate(names):
                cb.addItem(n, k)
            cb.blockSignals(False)
        layer = net.layers[-1]
        da, db = layer.w.start, layer.w.start + 1 if layer.fan_in * layer.fan_out > 1 else \
            layer.b.start
        ia, ib = self.combo_a.findText(old[0]), self.combo_b.findText(old[1])
        self.combo_a.setCurrentIndex(ia if ia >= 0 else da)
        self.combo_b.setCurrentIndex(ib if ib >= 0 and ib != self.combo_a.currentIndex()
                                     else db)
        self._reset()

    def _choice_changed(self) -> None:
        self._range = None
        self._drawn = None
        self._sec_per_point = 0.0
        self.refresh()

    def _reset(self) -> None:
        self._range = None
        self._sec_per_point = 0.0
        self.refresh()

    def schedule(self) -> None:
        """Recompute now while playing or stepping (in step with the other panels, on a
        budgeted grid); a scrub's cursor moves are coalesced to one per SLICE_INTERVAL_MS."""
        c = self.controller
        if c.playing or c.cursor < 0:
            self.throttle.flush()
        else:
            self.throttle()

    def _playing_changed(self, playing: bool) -> None:
        if not playing:  # paused: the latest state, at full resolution, at once
            self.throttle.flush()

    def grid_size(self) -> int:
        """Points per axis: SLICE_GRID, or while playing as many as fit SLICE_PLAY_BUDGET_S
        (at the measured cost per point; at least SLICE_MIN_GRID)."""
        if not self.controller.playing or self._sec_per_point <= 0:
            return SLICE_GRID
        n = int(np.sqrt(SLICE_PLAY_BUDGET_S / self._sec_per_point))
        return int(min(SLICE_GRID, max(SLICE_MIN_GRID, n)))

    def _compute_range(self, path: np.ndarray) -> tuple[float, float, float, float]:
        lo, hi = path.min(axis=0), path.max(axis=0)
        span = np.maximum(hi - lo, np.maximum(0.5, 0.5 * np.abs(path[-1])))
        centre = (lo + hi) / 2
        half = 0.6 * span + 0.25
        return (centre[0] - half[0], centre[0] + half[0], centre[1] - half[1],
                centre[1] + half[1])

    @staticmethod
    def _holds(r, path: np.ndarray) -> bool:
        """Whether range ``r`` holds the path with PATH_MARGIN of its size to spare on each
        side (a path running to the edge gets a new range, centred on it)."""
        mx, my = PATH_MARGIN * (r[1] - r[0]), PATH_MARGIN * (r[3] - r[2])
        return bool(r[0] + mx <= path[:, 0].min() and path[:, 0].max() <= r[1] - mx
                    and r[2] + my <= path[:, 1].min() and path[:, 1].max() <= r[3] - my)

    def refresh(self) -> None:
        if self._deferred():
            return
        self.throttle.cancel()
        c = self.controller
        sim = c.sim
        i = c.selected
        a, b = self.weights
        if a == b:
            self.plot.getPlotItem().setTitle(tr("choose two different weights"),
                                             color=theme.FOREGROUND, size="10pt")
            return
        n = self.grid_size()
        key = c.view_key(a, b, n)
        if key == self._drawn:
            return
        self._drawn = key
        step = c.shown_step
        steps, path = sim.weight_history(i, a, b)
        keep = steps <= step
        steps, path = steps[keep], path[keep]
        if not len(path):
            return
        r = self._range
        if r is None or not self._holds(r, path):
            r = self._range = self._compute_range(path)
        va = np.linspace(r[0], r[1], n)
        vb = np.linspace(r[2], r[3], n)
        t0 = time.perf_counter()
        z = sim.weight_slice(i, a, b, va, vb, step=step)
        self._sec_per_point = (time.perf_counter() - t0) / (n * n)
        keep = self._scale if c.playing else None
        self._scale = draw_slice(self.image, self.colorbar, self.iso, va, vb, z, keep)
        is_log = self._scale.is_log
        run = sim.runs[i]
        color = run.spec.color or theme.run_color(i)
        self.path.setData(path[:, 0], path[:, 1])
        self.path.setPen(pg.mkPen(color, width=2))
        self.head.setData([path[-1, 0]], [path[-1, 1]], brush=pg.mkBrush(color))
        pi = self.plot.getPlotItem()
        labels = (self.combo_a.currentText(), self.combo_b.currentText())
        if labels != self._labels:  # a new label lays out and repaints the axis
            self._labels = labels
            pi.setLabel("bottom", labels[0])
            pi.setLabel("left", labels[1])
        pi.setRange(xRange=(va[0], va[-1]), yRange=(vb[0], vb[-1]), padding=0)
        scale = " (log colours)" if is_log else ""
        pi.setTitle(tr("loss over 2 weights{0} · <span style='color:{1}'>{2}</span> · step "
                       "{3}").format(
                scale, color, html.escape(run.label), steps[-1]),
                    color=theme.FOREGROUND, size="10pt")
        self.last_grid = (va, vb, z)
