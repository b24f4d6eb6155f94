"""Divergence reports for the Surfaces tab: a banner listing every run that flew off (in plain
words, one line each, none overwriting another) and a mark on the surface plot where each one
left the map. Both read the engine's run status, reason and recorded points at the shown step.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from ui import theme
from ui.controller import divergence_message
from ui.i18n import tr

MAX_LINES = 4  # the banner lists this many runs, then "… and N more"
MARK_COLOR = "#b00020"


def diverged_runs(controller) -> list[tuple[int, object]]:
    """(index into ``sim.runs``, run) of the runs diverged at or before the shown step."""
    shown = controller.shown_step
    return [(i, r) for i, r in enumerate(controller.sim.runs)
            if r.status == "diverged" and r.steps <= shown]


class DivergenceBanner(QLabel):
    """Every diverged run, one line each in its colour ('Adam lr=5 flew off the map at step
    51: …'); hidden while none has. Follows steps, resets and the timeline."""

    def __init__(self, controller, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = controller
        self.setObjectName("divergenceBanner")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setStyleSheet(f"QLabel {{ color: {MARK_COLOR}; background: #fdecee; "
                           "border: 1px solid #f3b7bf; border-radius: 3px; padding: 3px 6px; }")
        self.setVisible(False)
        self.lines: list[str] = []
        for sig in (controller.stepped, controller.reset_done, controller.cursor_changed):
            sig.connect(self.refresh)
        if hasattr(controller, "run_color_changed"):
            controller.run_color_changed.connect(self._recolor)
        self._colors: tuple = ()
        self.refresh()

    def refresh(self, *_args) -> None:
        """Rebuild the list from the runs' status at the shown step (only when it changed)."""
        c = self.controller
        runs = diverged_runs(c)
        surface = getattr(c.sim, "surface", None)
        lines = [divergence_message(r, surface) for _i, r in runs]
        colors = tuple(r.spec.color or theme.run_color(i) for i, r in runs)
        if lines == self.lines and colors == self._colors:
            return
        self.lines, self._colors = lines, colors
        shown = [f"<span style='color:{col}'>●</span> {html.escape(t)}"
                 for t, col in zip(lines[:MAX_LINES], colors, strict=False)]
        if len(lines) > MAX_LINES:
            shown.append(f"… and {len(lines) - MAX_LINES} more (see the runs table)")
        self.setText("<br>".join(shown))
        self.setVisible(bool(lines))

    def _recolor(self, _index: int) -> None:
        self._colors = ()
        self.refresh()


class DivergenceMarks:
    """An ✕ in the run's colour on the surface plot where each diverged run left the map (its
    last recorded point inside the view; its last finite point when it blew up in view), with
    that point's step beside it."""

    def __init__(self, controller, surface_view):
        self.controller = controller
        self.view = surface_view
        self.plot_item = surface_view.plot.getPlotItem()
        self.scatter = pg.ScatterPlotItem(symbol="x", size=18, pen=pg.mkPen(MARK_COLOR, width=1))
        self.scatter.setObjectName("divergenceMarks")
        self.scatter.setZValue(27)  # above its label
        self.plot_item.addItem(self.scatter)
        self.texts: list[pg.TextItem] = []
        self.marks: list[tuple] = []  # (label, x, y, step, what) shown
        self._cache: dict = {}
        for sig in (controller.stepped, controller.reset_done, controller.cursor_changed):
            sig.connect(self.refresh)
        controller.experiment_changed.connect(self._cache.clear)
        if hasattr(controller, "run_color_changed"):
            controller.run_color_changed.connect(lambda _i: self.refresh(force=True))
        self.refresh()

    def exit_point(self, run, view) -> tuple[float, float, int] | None:
        """Where ``run`` left ``view`` (xmin, xmax, ymin, ymax): (x, y, step) of its last
        recorded finite point inside it, or None when it never was inside."""
        key = (id(run.trajectory), run.steps, tuple(view))
        if key not in self._cache:
            pts = run.trajectory.points
            xmin, xmax, ymin, ymax = view
            with np.errstate(invalid="ignore"):
                inside = ((pts[:, 0] >= xmin) & (pts[:, 0] <= xmax)
                          & (pts[:, 1] >= ymin) & (pts[:, 1] <= ymax))
            idx = np.flatnonzero(inside)
            k = int(idx[-1]) if idx.size else -1
            self._cache[key] = (float(pts[k, 0]), float(pts[k, 1]), k) if idx.size else None
        return self._cache[key]

    def refresh(self, *_args, force: bool = False) -> None:
        """Place the marks for the runs diverged at the shown step."""
        c = self.controller
        view = self.view.view_box()
        marks, brushes = [], []
        for i, run in diverged_runs(c):
            p = self.exit_point(run, view)
            if p is not None:
                # blew up in view, or went out of it: the step is the mark's own
                what = ("blew up" if p[2] == run.steps and "became" in run.reason
                        else "left the view")
                marks.append((run.label, p[0], p[1], p[2], what))
                brushes.append(pg.mkBrush(run.spec.color or theme.run_color(i)))
        if marks == self.marks and not force:
            return
        self.marks = marks
        for t in self.texts:
            self.plot_item.removeItem(t)
        self.texts = []
        if not marks:
            self.scatter.setData([])
            return
        self.scatter.setData(pos=[(m[1], m[2]) for m in marks], brush=brushes)
        xmin, xmax, ymin, ymax = view
        groups: dict[tuple, list[str]] = {}  # runs that left at the same point share a label
        for label, x, y, step, what in marks:
            groups.setdefault((x, y, step, what), []).append(label)
        for (x, y, step, what), labels in groups.items():
            # the label points into the plot, away from the nearer edges (centred in between)
            fx = (x - xmin) / (xmax - xmin) if xmax > xmin else 0.5
            # (half a line clear of the ✕, which stays on top)
            anchor = (0.0 if fx < 0.25 else 1.0 if fx > 0.75 else 0.5,
                      -0.5 if y > (ymin + ymax) / 2 else 1.5)
            verb = "blew up at" if what == "blew up" else "left after"
            t = pg.TextItem(tr('{0} {1} step {2}').format(
                    ', '.join(labels), verb, step), color=MARK_COLOR,
                            anchor=anchor, fill=pg.mkBrush(255, 255, 255, 190))
            t.setPos(x, y)
            t.setZValue(26)
            self.plot_item.addItem(t, ignoreBounds=True)
            self.texts.append(t)
