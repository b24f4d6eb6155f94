"""3-D view: the loss surface as a mesh over its view domain, with each run's path on it.

Heights are the engine's values (``surface.value`` on a grid; paths use the losses the engine
recorded), only rescaled for display: linear, or log-compressed where a few peaks would flatten
the rest (Rosenbrock). The OpenGL widget is made lazily when the view is first shown; where
no OpenGL context can be created (offscreen, remote sessions) a one-line notice is shown.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QOpenGLContext
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ui import theme
from ui.decimate import MAX_PATH_POINTS, row_indices
from ui.i18n import tr

GRID = 90  # mesh resolution per side
LOG_DECADES = 3.0  # log-height compression: u -> log1p(u·10³) / log1p(10³)
HEIGHT_RATIO = 0.6  # surface height relative to the larger side of the domain
WIRE_LINES = 18  # wireframe lines per side
WIRE_COLOR = (0.25, 0.27, 0.32, 0.35)
LIFT = 0.01  # paths float this fraction of the height above the mesh
NOTICE = "3-D view unavailable: no OpenGL context could be created on this display."
AXIS_COLOR = (0.25, 0.25, 0.3, 1.0)
TEXT_COLOR = "#333333"
LEGEND_SIZE = (14, 150)  # colour bar, px
TICK = 0.02  # tick length, as a fraction of the larger side of the domain
# Draw order (GLViewWidget paints items by increasing depth value): the opaque mesh first,
# then its wireframe and the axes, the run paths over them, and the 2-D colour bar last.
# Without it a mesh rebuilt after the paths (toggling "Log height") painted over them.
DEPTH_MESH, DEPTH_WIRE, DEPTH_AXES, DEPTH_PATHS, DEPTH_LEGEND = 0, 1, 2, 10, 20


def gl_available() -> bool:
    """Whether an OpenGL context can be created here (False e.g. with QT_QPA_PLATFORM=offscreen)."""
    # The offscreen/minimal platforms may hand out a context when an X display happens to
    # be set (CI under xvfb-run), but QOpenGLWidget there gets no usable one (pyqtgraph
    # then raises in initializeGL), so they never count as having OpenGL.
    if QGuiApplication.platformName() in ("offscreen", "minimal"):
        return False
    try:
        ctx = QOpenGLContext()
        return bool(ctx.create())
    except Exception:  # noqa: BLE001 - any failure means: no GL here
        return False


class HeightMap:
    """Maps loss values to display heights in [0, height], linear or log-compressed."""

    def __init__(self, zmin: float, zmax: float, height: float, log: bool) -> None:
        self.zmin = float(zmin)
        self.span = float(zmax - zmin) if zmax > zmin else 1.0
        self.height = float(height)
        self.log = log

    def __call__(self, z: np.ndarray) -> np.ndarray:
        u = np.clip((np.asarray(z, dtype=np.float64) - self.zmin) / self.span, 0.0, 1.5)
        if self.log:
            k = 10.0**LOG_DECADES
            u = np.log1p(u * k) / np.log1p(k)
        return u * self.height

    def value_at(self, h: np.ndarray) -> np.ndarray:
        """The loss value drawn at height ``h`` (inverse of the map, for axis labels)."""
        u = np.asarray(h, dtype=np.float64) / self.height
        if self.log:
            k = 10.0**LOG_DECADES
            u = np.expm1(u * np.log1p(k)) / k
        return self.zmin + u * self.span

    def ticks(self, n: int = 5) -> list[float]:
        """Round loss values to label the height axis and the colour bar with: evenly spaced
        ones when linear; when log-compressed, values at evenly spaced heights, rounded."""
        lo, hi = self.zmin, self.zmin + self.span
        if not self.log:
            return nice_ticks(lo, hi, n)
        out: list[float] = []
        for h in np.linspace(0.0, self.height, n)[1:]:  # the bottom would crowd the x, y labels
            v = float(f"{float(self.value_at(h)):.2g}")
            if lo <= v <= hi and v not in out:
                out.append(v)
        return out


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """About ``n`` round values (steps of 1, 2 or 5 times a power of ten) within [lo, hi]."""
    if not (np.isfinite(lo) and np.isfinite(hi)) or hi <= lo:
        return [float(lo)] if np.isfinite(lo) else []
    raw = (hi - lo) / max(1, n - 1)
    mag = 10.0 ** np.floor(np.log10(raw))
    step = min((m * mag for m in (1, 2, 5, 10)), key=lambda st: abs(np.log(st / raw)))
    first = np.ceil(lo / step - 1e-9) * step
    vals = first + step * np.arange(int(np.floor((hi - first) / step + 1e-9)) + 1)
    return [float(f"{v:.12g}") + 0.0 for v in np.round(vals / step) * step]  # + 0.0: no -0


def prefers_log(z: np.ndarray) -> bool:
    """Log heights when most of the grid lies in the bottom 10 % of the value range."""
    z = z[np.isfinite(z)]
    if z.size == 0:
        return False
    lo, hi = float(z.min()), float(z.max())
    if hi <= lo:
        return False
    return float(np.median((z - lo) / (hi - lo))) < 0.1


def surface_grid(surface, domain, n: int = GRID) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``x (n,)``, ``y (n,)`` and ``z (n, n)`` with ``z[i, j] = surface.value((x[i], y[j]))``."""
    xmin, xmax, ymin, ymax = (float(v) for v in domain)
    x = np.linspace(xmin, xmax, n)
    y = np.linspace(ymin, ymax, n)
    pts = np.stack(np.meshgrid(x, y, indexing="ij"), axis=-1)
    with np.errstate(all="ignore"):
        z = np.asarray(surface.value(pts), dtype=np.float64)
    return x, y, z


def wire_segments(x: np.ndarray, y: np.ndarray, h: np.ndarray, lines: int = WIRE_LINES):
    """(2·k, 3) endpoints of the segments of ``lines`` grid lines per side along the mesh."""
    n, m = h.shape
    segs = []
    for i in np.unique(np.linspace(0, n - 1, lines + 1).round().astype(int)):
        p = np.column_stack([np.full(m, x[i]), y, h[i, :]])
        segs.append(np.stack([p[:-1], p[1:]], axis=1).reshape(-1, 3))
    for j in np.unique(np.linspace(0, m - 1, lines + 1).round().astype(int)):
        p = np.column_stack([x, np.full(n, y[j]), h[:, j]])
        segs.append(np.stack([p[:-1], p[1:]], axis=1).reshape(-1, 3))
    return np.concatenate(segs)


def path_xyz(controller, j: int, heights: HeightMap, max_points: int = MAX_PATH_POINTS):
    """(k, 3) display points of enabled run ``j`` up to the shown step (finite rows only)."""
    run = controller.sim.runs[j]
    rows = controller.shown_rows(j)
    idx = row_indices(rows, max_points)
    pts = run.trajectory.points[idx]
    loss = run.trajectory.loss[idx]
    ok = np.isfinite(pts).all(axis=1) & np.isfinite(loss)
    z = heights(loss[ok]) + LIFT * heights.height
    return np.column_stack([pts[ok], z])


class MeshView3D(QWidget):
    """A mesh ``z[i, j] = f(x[i], y[j])`` with axes, a colour bar and coloured paths on it, in
    a GLViewWidget made on first show; a notice in its place where OpenGL is unavailable.

    Callers give the grid (:meth:`set_mesh`) and the paths as (points (k, 2), values (k,))
    in the grid's units (:meth:`set_paths`); heights are only rescaled for display.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.gl_view = None  # created lazily on first show
        self.notice: QLabel | None = None
        self._mesh = None
        self._wire = None
        self._lines: list = []
        self._heads: list = []
        self._heights: HeightMap | None = None
        self._x = self._y = self._z = None
        self._names: tuple[str, str, str] = ("x", "y", "f")
        self._paths: list[tuple[np.ndarray, np.ndarray, object]] = []
        self.camera_distance = 1.9  # × the larger side of the grid
        self._axes: list = []  # axis lines, tick labels and names
        self.legend = None  # the colour bar (a GLGradientLegendItem)
        self.axis_labels: dict[str, list[str]] = {}  # "x", "y", "f" -> tick texts drawn
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.log_check = QCheckBox(tr("Log height"))
        self.log_check.setObjectName("logHeightCheck")
        self.log_check.setToolTip(
            tr("Compress heights logarithmically so low valleys stay visible"))
        self.log_check.toggled.connect(self._on_log_toggled)
        bar.addWidget(self.log_check)
        bar.addStretch(1)
        self._layout.addLayout(bar)

    # --- lazy creation ----------------------------------------------------------------------

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.ensure_view()
        super().showEvent(event)

    def ensure_view(self) -> bool:
        """Create the GL widget (or the notice) once; True when the 3-D view is live."""
        if self.gl_view is not None:
            return True
        if self.notice is not None:
            return False
        if not gl_available():
            self._show_notice(tr("3-D view unavailable: no OpenGL context could be created "
                                 "on this display."))
            return False
        try:
            import pyqtgraph.opengl as gl

            view = gl.GLViewWidget()
        except Exception as exc:  # noqa: BLE001 - missing PyOpenGL, driver trouble...
            self._show_notice(tr("3-D view unavailable: {0}").format(exc))
            return False
        view.setObjectName("view3dGL")
        view.setBackgroundColor(QColor(theme.BACKGROUND))
        self._gl = gl
        self.gl_view = view
        self._layout.addWidget(view, 1)
        self._view_created()
        return True

    def _view_created(self) -> None:
        """Draw what was given before the GL widget existed."""
        if self._z is not None:
            self._draw_mesh()

    def _show_notice(self, text: str) -> None:
        self.notice = QLabel(text)
        self.notice.setObjectName("view3dNotice")
        self.notice.setWordWrap(True)
        self.log_check.hide()
        self._layout.addWidget(self.notice)
        self._layout.addStretch(1)

    # --- drawing ----------------------------------------------------------------------------

    def set_mesh(self, x: np.ndarray, y: np.ndarray, z: np.ndarray,
                 names: tuple[str, str, str] = ("x", "y", "f"), log: bool | None = None) -> None:
        """The grid to draw (``z`` (len(x), len(y))); ``log``: log heights (None: chosen by
        :func:`prefers_log`). Kept and drawn when the GL widget exists."""
        self._x, self._y, self._z = (np.asarray(a, dtype=np.float64) for a in (x, y, z))
        self._names = names
        self.log_check.blockSignals(True)
        self.log_check.setChecked(prefers_log(self._z) if log is None else log)
        self.log_check.blockSignals(False)
        if self.gl_view is not None:
            self._draw_mesh()

    def domain(self) -> tuple[float, float, float, float]:
        """(xmin, xmax, ymin, ymax) of the grid."""
        return (float(self._x[0]), float(self._x[-1]), float(self._y[0]), float(self._y[-1]))

    def _on_log_toggled(self, _on: bool) -> None:
        if self.gl_view is not None and self._z is not None:
            self._draw_mesh()

    def _draw_mesh(self) -> None:
        gl = self._gl
        x, y, z = self._x, self._y, self._z
        finite = z[np.isfinite(z)]
        zmin, zmax = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        xmin, xmax, ymin, ymax = self.domain()
        size = max(xmax - xmin, ymax - ymin)
        self._heights = HeightMap(zmin, zmax, HEIGHT_RATIO * size, self.log_check.isChecked())
        h = self._heights(np.where(np.isfinite(z), z, zmax))
        cmap = theme.heatmap_colormap()
        colors = cmap.map(h / max(self._heights.height, 1e-300), mode="float")
        colors = np.asarray(colors, dtype=np.float32).reshape(-1, 4)  # one row per vertex
        for item in (self._mesh, self._wire):
            if item is not None:
                self.gl_view.removeItem(item)
        self._mesh = gl.GLSurfacePlotItem(x=x, y=y, z=h, colors=colors, smooth=False)
        self._mesh.setGLOptions("opaque")
        self._mesh.setDepthValue(DEPTH_MESH)
        self.gl_view.addItem(self._mesh)
        # grid lines on the surface (every few rows and columns) give the flat colours a shape
        self._wire = gl.GLLinePlotItem(pos=wire_segments(x, y, h + 0.003 * self._heights.height),
                                       color=WIRE_COLOR, width=1.0, antialias=True,
                                       mode="lines")
        self._wire.setGLOptions("translucent")
        self._wire.setDepthValue(DEPTH_WIRE)
        self.gl_view.addItem(self._wire)
        self._draw_axes(cmap)
        cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
        from PySide6.QtGui import QVector3D

        self.gl_view.setCameraPosition(pos=QVector3D(cx, cy, self._heights.height / 3),
                                       distance=self.camera_distance * size, elevation=32,
                                       azimuth=-60)
        self.update_paths()

    def _draw_axes(self, cmap) -> None:
        """Axis lines with round ticks along the base (x, y) and up a corner (f), and a colour
        bar giving f for the mesh colours (the same height map as the mesh)."""
        gl, view, hm = self._gl, self.gl_view, self._heights
        for item in self._axes:
            view.removeItem(item)
        self._axes = []
        xmin, xmax, ymin, ymax = self.domain()
        size = max(xmax - xmin, ymax - ymin)
        tick = TICK * size
        font = QFont()
        font.setPointSize(8)
        names = self._names
        segs: list = [[xmin, ymin, 0], [xmax, ymin, 0], [xmin, ymin, 0], [xmin, ymax, 0],
                      [xmin, ymin, 0], [xmin, ymin, hm.height]]

        def text(pos, label, align=Qt.AlignmentFlag.AlignCenter) -> None:
            item = gl.GLTextItem(pos=np.asarray(pos, dtype=np.float64), text=label,
                                 color=QColor(TEXT_COLOR), font=font, alignment=align)
            item.setDepthValue(DEPTH_LEGEND)
            self._axes.append(item)

        self.axis_labels = {"x": [], "y": [], "f": []}
        for t in nice_ticks(xmin, xmax):
            segs += [[t, ymin, 0], [t, ymin - tick, 0]]
            text((t, ymin - 3 * tick, 0), f"{t:g}")
            self.axis_labels["x"].append(f"{t:g}")
        for t in nice_ticks(ymin, ymax):
            segs += [[xmin, t, 0], [xmin - tick, t, 0]]
            text((xmin - 3 * tick, t, 0), f"{t:g}")
            self.axis_labels["y"].append(f"{t:g}")
        values = hm.ticks()
        for v in values:
            h = float(hm(np.array(v)))
            segs += [[xmin, ymin, h], [xmin - tick, ymin - tick, h]]
            text((xmin - 3 * tick, ymin - 3 * tick, h), f"{v:.3g}")
            self.axis_labels["f"].append(f"{v:.3g}")
        text((xmax + 4 * tick, ymin, 0), names[0])
        text((xmin, ymax + 4 * tick, 0), names[1])
        text((xmin, ymin, hm.height * 1.08), names[2])
        lines = gl.GLLinePlotItem(pos=np.asarray(segs, dtype=np.float64), color=AXIS_COLOR,
                                  width=1.0, antialias=True, mode="lines")
        lines.setDepthValue(DEPTH_AXES)
        self._axes.insert(0, lines)
        # colour bar: position 0..1 along it is height / max height, as in the mesh colours
        fracs = {f"{v:.3g}": float(hm(np.array(v))) / max(hm.height, 1e-300) for v in values}
        scale = tr(" (log height)") if hm.log else ""
        fracs[f"{names[2]}{scale}"] = 1.12
        self.legend = gl.GLGradientLegendItem(pos=self._legend_pos(), size=LEGEND_SIZE,
                                              gradient=cmap, labels=fracs, fontColor=TEXT_COLOR)
        self.legend.setDepthValue(DEPTH_LEGEND)
        self._axes.append(self.legend)
        for item in self._axes:
            view.addItem(item)

    def _legend_pos(self) -> tuple[int, int]:
        """Top right of the GL view, leaving room for the labels right of the bar."""
        return (max(8, self.gl_view.width() - LEGEND_SIZE[0] - 110), 28)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self.legend is not None:
            self.legend.setData(pos=self._legend_pos())

    def set_path_colors(self, colors: list) -> None:
        """One line (with a dot at its head) per colour, replacing the previous ones."""
        if self.gl_view is None:
            return
        for item in self._lines + self._heads:
            self.gl_view.removeItem(item)
        self._lines, self._heads = [], []
        gl = self._gl
        for color in colors:
            c = QColor(color)
            rgba = (c.redF(), c.greenF(), c.blueF(), 1.0)
            line = gl.GLLinePlotItem(pos=np.zeros((0, 3)), color=rgba, width=2.5,
                                     antialias=True, mode="line_strip")
            head = gl.GLScatterPlotItem(pos=np.zeros((0, 3)), color=rgba, size=9.0)
            # paths are drawn over the mesh (no depth test): a hill never hides a run
            line.setGLOptions(_on_top_options())
            head.setGLOptions(_on_top_options())
            line.setDepthValue(DEPTH_PATHS)
            head.setDepthValue(DEPTH_PATHS)
            self.gl_view.addItem(line)
            self.gl_view.addItem(head)
            self._lines.append(line)
            self._heads.append(head)

    def set_path_color(self, j: int, color) -> None:
        c = QColor(color)
        rgba = (c.redF(), c.greenF(), c.blueF(), 1.0)
        self._lines[j].setData(color=rgba)
        self._heads[j].setData(color=rgba)

    def set_path(self, j: int, points: np.ndarray, values: np.ndarray) -> None:
        """Path ``j`` through ``points`` (k, 2) at the heights of ``values`` (k,), a little
        above the mesh; rows with a non-finite coordinate or value are dropped."""
        points, values = np.asarray(points, np.float64), np.asarray(values, np.float64)
        ok = np.isfinite(points).all(axis=1) & np.isfinite(values)
        hm = self._heights
        z = hm(values[ok]) + LIFT * hm.height
        xyz = np.column_stack([points[ok], z])
        self._lines[j].setData(pos=xyz)
        self._heads[j].setData(pos=xyz[-1:])

    def set_paths(self, paths: list[tuple[np.ndarray, np.ndarray, object]]) -> None:
        """The paths to draw on the mesh: (points (k, 2), values (k,), colour) each; kept and
        redrawn with the mesh (e.g. when "Log height" is toggled)."""
        self._paths = list(paths)
        if self.gl_view is not None:
            self.set_path_colors([c for _, _, c in self._paths])
            self.update_paths()

    def update_paths(self) -> None:
        """Redraw the paths given to :meth:`set_paths` on the current height map."""
        if self.gl_view is None or self._heights is None:
            return
        if len(self._lines) != len(self._paths):
            self.set_path_colors([c for _, _, c in self._paths])
        for j, (pts, vals, _) in enumerate(self._paths):
            self.set_path(j, pts, vals)

    def path_data(self, j: int) -> np.ndarray:
        """(k, 3) points currently drawn for path ``j`` (for tests and exports)."""
        return np.asarray(self._lines[j].pos) if self.gl_view is not None else np.zeros((0, 3))


class View3D(MeshView3D):
    """The Surfaces tab's 3-D view: the surface over its view domain with each enabled run's
    path up to the shown step, following the controller."""

    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._stale = False
        self._surface_key = None
        controller.experiment_changed.connect(self._on_experiment_changed)
        controller.reset_done.connect(self.update_paths)
        controller.stepped.connect(self.update_paths)
        controller.cursor_changed.connect(self._on_cursor)
        if hasattr(controller, "run_color_changed"):
            controller.run_color_changed.connect(self._recolor)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.ensure_view() and self._stale:
            self.update_paths()
        QWidget.showEvent(self, event)

    def _view_created(self) -> None:
        self._rebuild_surface()

    def _domain(self):
        exp = self.controller.experiment
        return exp.view if exp.view is not None else self.controller.sim.surface.domain

    def _on_experiment_changed(self) -> None:
        if self.gl_view is not None:
            self._rebuild_surface()

    def _key(self):
        exp = self.controller.experiment
        return (exp.surface, repr(sorted(exp.surface_params.items())), exp.formula,
                tuple(self._domain()))

    def _rebuild_surface(self) -> None:
        """Grid the surface over its view domain (only when surface or domain changed)."""
        key = self._key()
        if key != self._surface_key:
            self._surface_key = key
            x, y, z = surface_grid(self.controller.sim.surface, self._domain())
            names = tuple(getattr(self.controller.sim.surface, "axis_names", ("x", "y")))
            self.set_mesh(x, y, z, (*names, "f"))
        self._rebuild_paths()

    def _rebuild_paths(self) -> None:
        if self.gl_view is None:
            return
        exp = self.controller.experiment
        self.set_path_colors([exp.runs[i].color or theme.run_color(i)
                              for i in self.controller.enabled_indices()])
        self.update_paths()

    def _on_cursor(self, _step: int) -> None:
        self.update_paths()

    def _recolor(self, index: int) -> None:
        """Run ``index`` of the experiment got a new colour: repaint its line and head."""
        enabled = self.controller.enabled_indices()
        if index not in enabled or enabled.index(index) >= len(self._lines):
            return
        self.set_path_color(enabled.index(index),
                            self.controller.experiment.runs[index].color
                            or theme.run_color(index))

    def update_paths(self) -> None:
        """Redraw every run's path up to the shown step."""
        if self.gl_view is None or self._heights is None:
            return
        if not self.isVisible():  # another tab is shown: redraw when this one comes back
            self._stale = True
            return
        self._stale = False
        if len(self._lines) != len(self.controller.sim.runs):
            self._rebuild_paths()
            return
        for j, (line, head) in enumerate(zip(self._lines, self._heads, strict=True)):
            xyz = path_xyz(self.controller, j, self._heights)
            line.setData(pos=xyz)
            head.setData(pos=xyz[-1:])


def _on_top_options() -> dict:
    """GL state for items drawn over the surface: blended, without the depth test."""
    from OpenGL import GL

    return {
        GL.GL_DEPTH_TEST: False,
        GL.GL_BLEND: True,
        GL.GL_CULL_FACE: False,
        "glBlendFunc": (GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA),
    }
