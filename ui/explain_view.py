"""Explain this step (the selected run's update that led to the shown point, with its numbers)
and the state glyphs at every run's shown point: the momentum / first-moment direction and a
box whose sides are the rule's adaptive per-coordinate step sizes. Numbers come from
``gdsim.explain`` (the engine's own state transitions); these views only draw them."""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QWidget

from gdsim.errors import GdsimError
from gdsim.explain import Explainer
from ui import theme
from ui.i18n import tr
from ui.plots import panel_layout
from ui.why_panels import DockPanel

REFRESH_HZ = 10.0          # while playing
MAX_REPLAY_PLAYING = 400   # updates replayed per refresh while playing (else wait for a pause)
GLYPH_FRACTION = 0.08      # arrow length / box half-side: this fraction of the view's size


class _Explainers:
    """One :class:`Explainer` per simulation object of a controller."""

    def __init__(self, controller):
        self.controller = controller
        self._ex: Explainer | None = None

    def get(self) -> Explainer:
        sim = self.controller.sim
        if self._ex is None or self._ex.sim is not sim:
            self._ex = Explainer(sim)
        return self._ex

    def at_shown(self, i: int):
        """The explanation of the update that led to run ``i``'s shown point, None when there
        is none yet, or "busy" while playing too fast to replay."""
        c = self.controller
        k = c.shown_rows(i) - 2
        if k < 0:
            return None
        ex = self.get()
        if c.playing and ex.pending(i, k) > MAX_REPLAY_PLAYING:
            return "busy"
        try:
            return ex.explain(i, k)
        except GdsimError:
            return None


class ExplainPanel(DockPanel):
    """The rule with the selected run's numbers at the shown step; scrubbing updates it."""

    def __init__(self, controller, selected=lambda: 0, parent: QWidget | None = None):
        super().__init__(controller, parent)
        self.setObjectName("explainPanel")
        self.selected = selected
        self.source = _Explainers(controller)
        lay = panel_layout(self, spacing=2)
        self.caption = QLabel(" ")
        self.caption.setObjectName("explainCaption")
        lay.addWidget(self.caption)
        self.text = QPlainTextEdit()
        self.text.setObjectName("explainText")
        self.text.setReadOnly(True)
        font = QFont("DejaVu Sans Mono")
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.text.setFont(font)
        lay.addWidget(self.text, 1)
        self.explanation = None
        self._last = 0.0
        self.follow(self.refresh, controller.playing_changed, controller.experiment_changed)
        self.refresh()

    def run_index(self) -> int:
        """Index into ``sim.runs`` of the selected run (the first enabled one otherwise)."""
        sel = int(self.selected())
        runs = self.controller.sim.runs
        for i, r in enumerate(runs):
            if r.index == sel:
                return i
        return 0 if runs else -1

    def refresh(self, *_args) -> None:
        if self._hidden():
            return
        c = self.controller
        now = time.perf_counter()
        if c.playing and now - self._last < 1.0 / REFRESH_HZ:
            return
        self._last = now
        i = self.run_index()
        if i < 0:
            self._show("No enabled run.", "")
            return
        e = self.source.at_shown(i)
        run = c.sim.runs[i]
        if e is None:
            self._show(f"{run.label}: no update yet — step once to see one explained.", "")
        elif e == "busy":
            self.caption.setText(tr('{0}: playing fast — pause to see the numbers').format(
                    run.label))
        else:
            self.explanation = e
            self._show(f"<b>{run.label}</b>: the update that led to step {e.step + 1} "
                       "(select another run in the Runs panel, scrub the timeline)",
                       "\n".join(e.lines()))

    def _show(self, caption: str, text: str) -> None:
        self.caption.setText(caption)
        if self.text.toPlainText() != text:
            self.text.setPlainText(text)


class StateGlyphs(QObject):
    """Momentum arrows and adaptive-scale boxes at every run's shown point (View toggles)."""

    def __init__(self, controller, surface_view):
        super().__init__(surface_view)
        self.controller, self.view = controller, surface_view
        self.source = _Explainers(controller)
        self.show_momentum = False
        self.show_scale = False
        pi = surface_view.plot.getPlotItem()
        self.momentum = pg.PlotDataItem(pen=pg.mkPen("#111111", width=2.5), connect="pairs")
        self.momentum.setObjectName("momentumGlyphs")
        self.momentum_tips = pg.ScatterPlotItem(size=7, symbol="o",
                                                pen=pg.mkPen("#111111", width=1))
        self.boxes = pg.PlotDataItem(pen=pg.mkPen("#333333", width=1.5,
                                                  style=Qt.PenStyle.DotLine), connect="finite")
        self.boxes.setObjectName("scaleGlyphs")
        for item in (self.momentum, self.momentum_tips, self.boxes):
            item.setZValue(19)
            item.setVisible(False)
            pi.addItem(item)
        self.drawn: list = []   # (run index, explanation) drawn last
        self._last = 0.0
        c = controller
        for sig in (c.reset_done, c.stepped, c.cursor_changed, c.playing_changed):
            sig.connect(self.refresh)

    def actions(self, parent) -> list[QAction]:
        """The View-menu toggles."""
        from ui.why import glyph_actions

        m, s = glyph_actions(parent)
        self.attach(m, s)
        return [m, s]

    def attach(self, momentum: QAction, scale: QAction) -> None:
        """Follow the View-menu toggles ``momentum`` and ``scale`` (from
        :func:`ui.why.glyph_actions`; the glyphs may be built after the menu, on the first
        toggle)."""
        self.act_momentum, self.act_scale = momentum, scale
        momentum.toggled.connect(lambda on: self.set_shown(momentum=on))
        scale.toggled.connect(lambda on: self.set_shown(scale=on))
        if momentum.isChecked() or scale.isChecked():
            self.set_shown(momentum=momentum.isChecked(), scale=scale.isChecked())

    def set_shown(self, momentum: bool | None = None, scale: bool | None = None) -> None:
        if momentum is not None:
            self.show_momentum = bool(momentum)
        if scale is not None:
            self.show_scale = bool(scale)
        self.momentum.setVisible(self.show_momentum)
        self.momentum_tips.setVisible(self.show_momentum)
        self.boxes.setVisible(self.show_scale)
        self._last = 0.0
        self.refresh()

    def refresh(self, *_args) -> None:
        if not (self.show_momentum or self.show_scale):
            return
        c = self.controller
        now = time.perf_counter()
        if c.playing and now - self._last < 1.0 / REFRESH_HZ:
            return
        self._last = now
        xmin, xmax, ymin, ymax = self.view.view_box()
        arm = GLYPH_FRACTION * max(xmax - xmin, ymax - ymin)
        segs, tips, brushes, box = [], [], [], []
        self.drawn = []
        for i, run in enumerate(c.sim.runs):
            e = self.source.at_shown(i)
            if e is None or e == "busy":
                continue
            self.drawn.append((i, e))
            p = e.new_point
            if not np.all(np.isfinite(p)):
                continue
            color = run.spec.color or theme.run_color(i)
            m = e.first_moment()
            if m is not None:
                n = float(np.hypot(*m))
                if np.isfinite(n) and n > 0:
                    tip = p - m / n * arm
                    segs += [p, tip]
                    tips.append(tip)
                    brushes.append(pg.mkBrush(color))
            s = e.adaptive_scale()
            if s is not None and np.all(np.isfinite(s)) and s.max() > 0:
                hx, hy = arm * s / s.max()
                box += [(p[0] - hx, p[1] - hy), (p[0] + hx, p[1] - hy), (p[0] + hx, p[1] + hy),
                        (p[0] - hx, p[1] + hy), (p[0] - hx, p[1] - hy), (np.nan, np.nan)]
        a = np.array(segs).reshape(-1, 2)
        self.momentum.setData(a[:, 0], a[:, 1])
        if tips:
            self.momentum_tips.setData(pos=np.array(tips), brush=brushes)
        else:
            self.momentum_tips.setData([])
        b = np.array(box, dtype=np.float64).reshape(-1, 2)
        self.boxes.setData(b[:, 0], b[:, 1])
