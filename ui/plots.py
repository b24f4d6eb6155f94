"""Plot helpers both tabs share: the panel base that redraws only while shown, plot widgets
in the app's style, log axes with non-overlapping labels, hover labels, timeline cursor
lines and heatmap items. Items are created once here; views feed them with ``setData``.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QRectF, Qt, QTimer
from PySide6.QtWidgets import QGraphicsItem, QLabel, QVBoxLayout, QWidget

from ui import theme
from ui.i18n import tr
from ui.plot_menu import plot_widget

MIN_LABEL_GAP_PX = 18.0
N_LEVELS = 14  # isolines per heatmap
LOG_SKEW = 0.2  # log colours when the median lies in the lowest 20 % of the range


class PanelView(QWidget):
    """A panel drawing a controller's state. A redraw asked for while the panel is hidden
    (another tab in front) waits for the next show: hidden panels cost nothing during Play."""

    def __init__(self, controller, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = controller
        self._dirty = False

    def follow(self, refresh, *signals) -> None:
        """Call ``refresh`` whenever the shown state changes (steps, reset, timeline cursor)
        and on each of the extra ``signals``."""
        c = self.controller
        for sig in (c.reset_done, c.stepped, c.cursor_changed, *signals):
            sig.connect(refresh)

    def follow_all(self, rebuild, refresh, recolor, *signals) -> None:
        """:meth:`follow`, plus ``rebuild`` on an edited experiment and ``recolor(index)``
        on a recoloured run."""
        self.controller.experiment_changed.connect(rebuild)
        self.follow(refresh, *signals)
        self.controller.run_color_changed.connect(recolor)

    def _deferred(self) -> bool:
        """True when a redraw now would not be seen (it is then done on the next show)."""
        if not self.isVisible() and self.window().isVisible():
            self._dirty = True
            return True
        self._dirty = False
        return False

    def refresh(self, *_args) -> None:
        raise NotImplementedError

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if self._dirty:
            self.refresh()


class _AfterFirstPaint(QObject):
    """Event filter behind :func:`after_first_paint` (parented to the watched widget)."""

    def __init__(self, widget: QWidget, fn) -> None:
        super().__init__(widget)
        self.widget, self.fn = widget, fn

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Paint:
            obj.removeEventFilter(self)
            QTimer.singleShot(0, self, self.fn)  # after the paint: the picture is on screen
        return False


def after_first_paint(widget: QWidget, fn) -> None:
    """Call ``fn`` just after ``widget`` (a plot: its viewport) is first painted, for work
    the first picture can do without. A zero timer alone is not enough: it fires before
    the window's first paint, delaying it."""
    target = widget.viewport() if hasattr(widget, "viewport") else widget
    target.installEventFilter(_AfterFirstPaint(widget, fn))


class Throttle(QObject):
    """Calls ``fn`` at most once per ``interval_ms``: a call sooner after the last one is
    postponed to the end of the interval (one pending call, so the latest state is drawn).
    Expensive pictures use it while playing; :meth:`flush` draws at once (pause, edits)."""

    def __init__(self, fn, interval_ms: float, parent: QObject | None = None):
        super().__init__(parent)
        self.fn = fn
        self.interval_ms = float(interval_ms)
        self._last = -math.inf  # perf_counter of the last call of fn
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)  # a coarse one fires up to 5% early
        self._timer.timeout.connect(self.flush)

    @property
    def pending(self) -> bool:
        """Whether a postponed call is waiting for the interval to end."""
        return self._timer.isActive()

    def __call__(self) -> None:
        wait_ms = (self._last - time.perf_counter()) * 1000 + self.interval_ms
        if wait_ms <= 0:
            self.flush()
        elif not self._timer.isActive():
            self._timer.start(max(1, math.ceil(wait_ms)))

    def flush(self) -> None:
        """Call ``fn`` now (a postponed call is dropped: this one draws the latest state)."""
        self._timer.stop()
        self._last = time.perf_counter()
        self.fn()

    def cancel(self) -> None:
        self._timer.stop()


def sticky_range(current: tuple[float, float], want: tuple[float, float],
                 log: bool) -> tuple[float, float]:
    """A y range for Play: keep ``current`` while it holds ``want`` (the data) and is not
    far too wide; else grow with headroom (whole half-decades on log10 axes). Axes whose
    range stays put need no new tick text, which is most of a plot's paint."""
    (c0, c1), (lo, hi) = current, want
    if c0 <= lo and hi <= c1 and (c1 - c0) <= 4 * max(hi - lo, 1e-12) + (1 if log else 0):
        return c0, c1
    if log:
        return math.floor(lo * 2 - 0.2) / 2, math.ceil(hi * 2 + 0.2) / 2
    span = max(hi - lo, 1e-12)
    return lo - 0.25 * span, hi + 0.25 * span


def sticky_x(current: tuple[float, float], last: float) -> tuple[float, float]:
    """A step-axis range for Play from 0: kept while it holds ``last`` (and is < 3x it),
    else 0 to 1.5x ``last`` (at least 10), so it changes every few seconds, not every frame."""
    c0, c1 = current
    if c0 <= 0 and last <= c1 <= 3 * max(last, 10):
        return c0, c1
    return 0.0, 1.5 * max(last, 10)


def fit_step_ranges(plots: dict, follow: dict, bounds: dict, x_range: tuple[float, float],
                    playing: bool, log: dict, link_x: bool = False) -> None:
    """Set the step plots' ranges to follow the data, as auto-range would, unless the user
    zoomed or panned a plot (``follow[key]`` False; pressing "A" turns following back on).

    Settled here, not in pyqtgraph's auto-range inside the paint (which, with linked step
    axes, queues a second paint of every plot each frame). While playing, ranges only grow,
    with headroom (``sticky_x``, ``sticky_range``), so the axes, painted from a pixmap cache
    until their range changes, stay the same for many frames; stopped, they fit the data.
    ``bounds[key]`` is the y data's (lo, hi) (absent or NaN: leave y alone); ``link_x``: the
    step axes are linked, so x follows only while every plot does.
    """
    for key, w in plots.items():
        vb = w.getPlotItem().getViewBox()
        if any(vb.autoRangeEnabled()):  # the user pressed the "A" (auto) button
            vb.disableAutoRange()
            follow[key] = True
    x_follow = all(follow.values()) if link_x else True
    for key, w in plots.items():
        if not follow[key]:
            continue
        vb = w.getPlotItem().getViewBox()
        cx, cy = vb.viewRange()
        lo, hi = bounds.get(key, (math.nan, math.nan))
        has_y = math.isfinite(lo) and math.isfinite(hi)
        if has_y and hi - lo < 1e-9 * max(1.0, abs(hi)):
            lo, hi = lo - 0.5, hi + 0.5
        kw = {}
        if x_follow:
            kw["xRange"] = sticky_x(cx, x_range[1]) if playing else x_range
        if has_y:
            kw["yRange"] = sticky_range(cy, (lo, hi), log.get(key, False)) if playing else (lo, hi)
        if kw:
            vb.setRange(**kw, padding=0 if playing else 0.08)
            vb.updateMatrix()  # now, not in prepareForPaint (which would queue a second paint)


class StepPlots(PanelView):
    """A panel of step plots (``self.plots`` by key) with a hover readout: subclasses give
    ``hover_text(key, step)``."""

    def hover_text(self, key: str, step: int) -> str:
        raise NotImplementedError

    def _hover(self, key: str, scene_pos) -> None:
        vb = self.plots[key].getPlotItem().getViewBox()
        if not vb.sceneBoundingRect().contains(scene_pos):
            return
        step = int(round(vb.mapSceneToView(scene_pos).x()))
        self.hover_label.setText(self.hover_text(key, step))


def panel_layout(widget: QWidget, spacing: int | None = None) -> QVBoxLayout:
    """A margin-free vertical layout on ``widget`` (plots reach the panel's edges)."""
    lay = QVBoxLayout(widget)
    lay.setContentsMargins(0, 0, 0, 0)
    if spacing is not None:
        lay.setSpacing(spacing)
    return lay


def make_plot(name: str, title: str | None = None, *, log_y: bool = False,
              si_prefix: bool = False, cache_axes: bool = False) -> pg.PlotWidget:
    """A PlotWidget in the app's style: objectName ``name``, titled, no context menu, and
    (unless ``si_prefix``) axes that read values as they are, not ×0.001. ``log_y`` gives
    the left axis a :class:`LogAxis` (the caller chooses how the data are logged).
    ``cache_axes`` paints the axes (tick text, grid) from a pixmap until their range
    changes: otherwise every curve update replays them, most of a playing plot's paint."""
    axes = {side: Axis(side) for side in ("bottom", "right", "top")}
    axes["left"] = LogAxis("left") if log_y else Axis("left")
    # enableMenu=False: the view box's context menu is never built (about a quarter of a
    # plot's construction), rather than built and then switched off; the plot options menu
    # is built on first use (ui/plot_menu.py)
    w = plot_widget(theme.BACKGROUND, axes, enable_menu=False)
    w.setObjectName(name)
    pi = w.getPlotItem()
    # pyqtgraph shows every axis it is handed: the top and right ones (made here only to
    # skip label re-renders) stay hidden, as on a stock plot
    pi.hideAxis("top")
    pi.hideAxis("right")
    if title is not None:
        pi.setTitle(title, color=theme.FOREGROUND, size="10pt")
    if not si_prefix:
        for side in ("left", "bottom"):  # no SI-prefix relabelling on every range change
            pi.getAxis(side).enableAutoSIPrefix(False)
    if cache_axes:
        for side in ("left", "bottom", "right", "top"):
            pi.getAxis(side).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    return w


def hover_label(name: str) -> QLabel:
    """The rich-text line above step plots that reads out the values under the mouse."""
    label = QLabel(" ")
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    return label


def cursor_line(plot_item: pg.PlotItem) -> pg.InfiniteLine:
    """A hidden dashed vertical line on ``plot_item`` marking the timeline cursor's step."""
    line = pg.InfiniteLine(angle=90, pen=pg.mkPen("#888888", style=Qt.PenStyle.DashLine))
    line.setVisible(False)
    plot_item.addItem(line, ignoreBounds=True)
    return line


def start_dots(plot_item: pg.PlotItem) -> pg.ScatterPlotItem:
    """An empty scatter on a step plot for the one-point curves of step 0."""
    dots = pg.ScatterPlotItem(size=8, pen=pg.mkPen("#ffffff", width=1))
    dots.setZValue(5)
    plot_item.addItem(dots)
    return dots


def heatmap_items(plot_item: pg.PlotItem, colorbar_width: int, cache: bool = False,
                  colorbar: bool = True):
    """A heatmap image with its colour bar and an isoline item on ``plot_item``:
    (image, colorbar, iso). ``cache`` paints image and isolines from a pixmap cache (for
    pictures that change only with the zoom, not every frame). Without ``colorbar`` (None
    in its place) the image has the colour map itself; :func:`add_colorbar` adds the bar."""
    image = pg.ImageItem()
    image.setZValue(-20)
    plot_item.addItem(image)
    if colorbar:
        bar = add_colorbar(plot_item, image, colorbar_width)
    else:
        bar = None
        image.setColorMap(theme.heatmap_colormap())
    iso = pg.PlotDataItem(pen=pg.mkPen(theme.ISOLINE_COLOR, width=1), connect="finite")
    iso.setZValue(-10)
    plot_item.addItem(iso)
    if cache:
        for item in (image, iso):
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    return image, bar, iso


def add_colorbar(plot_item: pg.PlotItem, image: pg.ImageItem, width: int) -> pg.ColorBarItem:
    """The heatmap's colour bar, right of ``plot_item``, driving ``image``'s colours."""
    bar = pg.ColorBarItem(colorMap=theme.heatmap_colormap(), interactive=False, width=width,
                          colorMapMenu=False)
    bar.setImageItem(image, insert_in=plot_item)
    return bar


def show_levels(colorbar: pg.ColorBarItem, lo: float, hi: float, is_log: bool) -> None:
    """Set the colour bar's (and its image's) levels and its axis's log mode."""
    # linear while the range changes: a log axis holding a linear range overflows 10**x
    colorbar.axis.setLogMode(False)
    colorbar.setLevels((lo, hi))
    colorbar.axis.setLogMode(is_log)


def _median(v: np.ndarray) -> float:
    """``np.median`` of a 1-D array without NaN, the same value, without importing
    ``numpy.ma`` (np.median's NaN check does: a cost before the window's first paint)."""
    n = v.size
    lo, hi = (n - 1) // 2, n // 2
    part = np.partition(v, [lo, hi])
    return float(part[hi]) if lo == hi else float((part[lo] + part[hi]) / 2)


def color_scale(z: np.ndarray) -> tuple[np.ndarray, bool]:
    """Map values to colour coordinates: log10(z - min + delta) when the range is skewed.

    Returns the transformed array (NaN where z is not finite) and whether it is logarithmic.
    """
    finite = np.isfinite(z)
    if not finite.any():
        return np.zeros_like(z), False
    lo, hi = float(z[finite].min()), float(z[finite].max())
    span = hi - lo
    if span <= 0 or not math.isfinite(span):
        return np.where(finite, z, np.nan), False
    median = _median(z[finite])
    if (median - lo) / span >= LOG_SKEW:
        return np.where(finite, z, np.nan), False
    delta = span * 1e-5
    with np.errstate(all="ignore"):
        t = np.log10(np.where(finite, z - lo, np.nan) + delta)
    return t, True


def isolines(xs, ys, t: np.ndarray, n_levels: int = N_LEVELS) -> tuple[np.ndarray, np.ndarray]:
    """Isolines of ``t`` at evenly spaced levels, as x and y arrays with NaN separators."""
    finite = np.isfinite(t)
    if finite.sum() < 4:
        return np.empty(0), np.empty(0)
    lo, hi = np.quantile(t[finite], [0.02, 0.98])
    if not hi > lo:
        return np.empty(0), np.empty(0)
    levels = np.linspace(lo, hi, n_levels + 2)[1:-1]
    import contourpy  # here: not needed before the window's first paint

    gen = contourpy.contour_generator(
        xs, ys, np.ma.masked_invalid(t), line_type=contourpy.LineType.ChunkCombinedNan
    )
    parts = []
    for lines in gen.multi_lines(levels):
        for chunk in lines[0]:
            if chunk is not None and len(chunk):
                parts.append(chunk)
                parts.append(np.full((1, 2), np.nan))
    if not parts:
        return np.empty(0), np.empty(0)
    xy = np.concatenate(parts)
    return xy[:, 0], xy[:, 1]


def draw_heatmap(image: pg.ImageItem, colorbar: pg.ColorBarItem | None, iso: pg.PlotDataItem,
                 xs: np.ndarray, ys: np.ndarray, z: np.ndarray, contours: bool = True) -> bool:
    """Show ``z[j, i] = f(xs[i], ys[j])`` (evenly spaced xs, ys) on the items made by
    :func:`heatmap_items`: colours by :func:`color_scale`, levels (on the image alone while
    there is no colour bar), isolines (none unless ``contours``: the caller draws them later
    with :func:`draw_isolines`), pixel-centred extent. Returns whether the colour scale is
    logarithmic."""
    t, is_log = color_scale(z)
    finite = np.isfinite(t)
    lo = float(t[finite].min()) if finite.any() else 0.0
    hi = float(t[finite].max()) if finite.any() else 1.0
    if not hi > lo:
        hi = lo + 1.0
    image.setImage(np.where(finite, t, hi).T, autoLevels=False)
    x0, x1, y0, y1 = float(xs[0]), float(xs[-1]), float(ys[0]), float(ys[-1])
    dx, dy = (x1 - x0) / (len(xs) - 1), (y1 - y0) / (len(ys) - 1)
    image.setRect(QRectF(x0 - dx / 2, y0 - dy / 2, x1 - x0 + dx, y1 - y0 + dy))
    if colorbar is None:
        image.setLevels((lo, hi))
    else:
        show_levels(colorbar, lo, hi, is_log)
    if contours:
        iso.setData(*isolines(xs, ys, t))
    else:
        iso.setData([], [])
    return is_log


def draw_isolines(iso: pg.PlotDataItem, xs: np.ndarray, ys: np.ndarray, z: np.ndarray) -> None:
    """The isolines :func:`draw_heatmap` draws for the same grid (on the same colour scale)."""
    iso.setData(*isolines(xs, ys, color_scale(z)[0]))


def positive_or_nan(y: np.ndarray) -> np.ndarray:
    """Values for a log axis: non-positive and non-finite values become NaN (gaps)."""
    y = np.asarray(y, dtype=np.float64)
    return np.where(np.isfinite(y) & (y > 0), y, np.nan)


def log10_or_nan(y: np.ndarray) -> np.ndarray:
    """log10 of the values for a log axis holding log10 data: non-positive and non-finite
    values become NaN (gaps)."""
    y = positive_or_nan(y)
    with np.errstate(all="ignore"):
        return np.log10(y)


class Axis(pg.AxisItem):
    """pyqtgraph's axis, without re-rendering a label that did not change: pyqtgraph sets
    the label's HTML again on every range change (its SI-prefix check), hundreds of times
    while the window is built and on every range change while playing."""

    _label_html: str | None = None

    def _updateLabel(self) -> None:  # noqa: N802 (pyqtgraph API)
        html = self.labelString()
        if html != self._label_html:
            self._label_html = html
            self.label.setHtml(html)
        self._adjustSize()
        self.picture = None
        self.update()


class LogAxis(Axis):
    """A log axis whose minor tick labels never overlap: where two would be closer than
    MIN_LABEL_GAP_PX, the less round one goes (decades first, then 2 and 5, then the rest)."""

    def logTickValues(self, minVal, maxVal, size, stdTicks):  # noqa: N802,N803 (pyqtgraph API)
        levels = super().logTickValues(minVal, maxVal, size, stdTicks)
        per_px = size / max(maxVal - minVal, 1e-12)  # pixels per decade
        major = [v for spacing, values in levels if spacing is not None for v in values]
        levels = [(spacing, _spaced(values, per_px, major) if spacing is None else values)
                  for spacing, values in levels]
        if sum(len(values) for _s, values in levels) < 2:  # a sliver of a decade (0.6931…)
            levels = [(None, _linear_ticks(minVal, maxVal))]
        return _without_repeats(levels)

    def logTickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph API)
        """pyqtgraph's labels (one significant digit), with more digits where they would
        otherwise read the same (0.6931 and 0.6932 both as '0.7')."""
        strings = super().logTickStrings(values, scale, spacing)
        if len(set(strings)) == len(strings):
            return strings
        xs = 10 ** np.asarray(values, dtype=np.float64) * scale
        for digits in range(2, 9):
            strings = [f"{x:.{digits}g}" for x in xs]
            if len(set(strings)) == len(strings):
                break
        return strings


def _without_repeats(levels: list) -> list:
    """Tick levels with each value once: a decade both a major tick and a minor one would be
    labelled twice (0.01 and 0.001 drawn over themselves)."""
    seen: set[float] = set()
    out = []
    for spacing, values in levels:
        kept = [v for v in values if round(float(v), 9) not in seen]
        seen.update(round(float(v), 9) for v in kept)
        out.append((spacing, kept))
    return out


def _linear_ticks(lo: float, hi: float, count: int = 4) -> list[float]:
    """log10 positions of about ``count`` evenly spaced round values in [10**lo, 10**hi]."""
    a, b = 10.0**lo, 10.0**hi
    if not (b > a > 0 and math.isfinite(b)):
        return []
    raw = (b - a) / count
    mag = 10.0 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    vals = np.arange(math.ceil(a / step) * step, b, step)
    return [float(v) for v in np.log10(vals[vals > 0])]


def _spaced(values, per_px: float, taken=()) -> list:
    """The log10 tick positions to keep, at least MIN_LABEL_GAP_PX apart (also from the
    ``taken`` ones of another level, labelled already), roundest first."""
    def rank(v: float) -> int:
        mantissa = round(10 ** (v - math.floor(v)), 6)
        return 0 if mantissa == 1 else 1 if mantissa in (2, 5) else 2

    kept: list[float] = []
    for v in sorted(values, key=lambda v: (rank(v), v)):
        if all(abs(v - k) * per_px >= MIN_LABEL_GAP_PX for k in (*taken, *kept)):
            kept.append(v)
    return sorted(kept)


def export_plot_dialog(parent: QWidget, what: str, plot_item, directory: str,
                       show_error) -> str | None:
    """Ask for a .png/.svg path (none given: .png) and export ``plot_item`` there. Returns
    the path written, or None when cancelled or failed (``show_error(title, text)`` told)."""
    from PySide6.QtWidgets import QFileDialog

    from gdsim.errors import GdsimError
    from ui import files

    path, _ = QFileDialog.getSaveFileName(parent, tr('Export {0}').format(what), directory,
                                          tr("PNG image (*.png);;SVG image (*.svg)"))
    if not path:
        return None
    if not Path(path).suffix:
        path += ".png"
    try:
        files.export_image(plot_item, path)
    except GdsimError as e:
        show_error(tr("Cannot export image"), str(e))
        return None
    return path
