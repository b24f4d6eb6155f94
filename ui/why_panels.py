"""Two "see why" panels over the engine's read-outs (``gdsim.race``): the effective step
size per run and coordinate, and the sortable race table with its CSV export."""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from gdsim.errors import GdsimError
from gdsim.io import atomic_write_text
from gdsim.race import effective_step, race_csv_text, race_rows
from ui import theme
from ui.decimate import MAX_CURVE_POINTS, row_indices
from ui.i18n import tr
from ui.plots import PanelView, cursor_line, hover_label, make_plot, panel_layout

PLAY_REFRESH_HZ = 20.0
TABLE_REFRESH_MS = 250
DEFAULT_LOSS_TOL = 1e-6


def run_curve_pairs(pi, runs, old: list, dashed_width: float
                    ) -> list[tuple[pg.PlotCurveItem, pg.PlotCurveItem]]:
    """Replace ``old`` with one (solid, dashed) pair of curves per run in the run's colour
    (the dashed one ``dashed_width`` wide): the see-why panels' per-run line sets."""
    for pair in old:
        for item in pair:
            pi.removeItem(item)
    out = []
    for i, run in enumerate(runs):
        color = run.spec.color or theme.run_color(i)
        solid = pg.PlotCurveItem(pen=pg.mkPen(color, width=1.5), connect="finite")
        dashed = pg.PlotCurveItem(
            pen=pg.mkPen(color, width=dashed_width, style=Qt.PenStyle.DashLine),
            connect="finite")
        pi.addItem(solid)
        pi.addItem(dashed)
        out.append((solid, dashed))
    return out


class DockPanel(PanelView):
    """A panel in a dock that starts hidden: it draws (and asks the engine for anything) only
    while shown; a change meanwhile is drawn when it is shown."""

    def __init__(self, controller, parent: QWidget | None = None):
        super().__init__(controller, parent)
        self._dirty = True  # made on the dock's first show, maybe after steps: drawn then

    def _hidden(self) -> bool:
        if not self.isVisible():
            self._dirty = True
            return True
        self._dirty = False
        return False


class EffectiveStepPanel(DockPanel):
    """−Δθᵢ/gᵢ per update: the learning rate each coordinate really got (log y); x solid,
    y dashed, one colour per run."""

    def __init__(self, controller, parent: QWidget | None = None):
        super().__init__(controller, parent)
        self.setObjectName("effectiveStepPanel")
        lay = panel_layout(self, spacing=2)
        note = hover_label("effectiveStepNote")
        note.setText(tr("step taken ÷ gradient per coordinate: x solid, y dashed "
                     "(plain GD: flat at η; AdaGrad decays; Adam normalises)"))
        lay.addWidget(note)
        self.plot = make_plot("effectiveStepPlot", tr("effective step size  −Δθᵢ / gᵢ"),
                              log_y=True)
        pi = self.plot.getPlotItem()
        pi.getAxis("left").setLogMode(False, True)
        pi.setLabel("bottom", tr("step"))
        self.cursor = cursor_line(pi)
        lay.addWidget(self.plot, 1)
        self.lines: list[tuple[pg.PlotCurveItem, pg.PlotCurveItem]] = []
        self._signature = None
        self._last = 0.0
        self.follow(self.refresh, controller.playing_changed)
        controller.experiment_changed.connect(self._rebuild)
        controller.run_color_changed.connect(lambda _i: self._rebuild(force=True))
        self._rebuild()

    def _rebuild(self, force: bool = False) -> None:
        sim = self.controller.sim
        sig = tuple((r.label, r.spec.color) for r in sim.runs)
        if sig == self._signature and not force:
            return
        self._signature = sig
        self.lines = run_curve_pairs(self.plot.getPlotItem(), sim.runs, self.lines, 1.5)

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
        lo, hi, x_max = np.inf, -np.inf, 1
        for i, (ax, ay) in enumerate(self.lines):
            updates = c.shown_rows(i) - 1
            if updates < 1:
                ax.setData([], [])
                ay.setData([], [])
                continue
            idx = row_indices(updates, MAX_CURVE_POINTS)
            eff = effective_step(c.sim.runs[i].trajectory, rows=idx)
            with np.errstate(all="ignore"):
                y = np.where(eff > 0, np.log10(eff), np.nan)
            x = idx.astype(np.float64)
            x_max = max(x_max, updates)
            ax.setData(x, y[:, 0])
            ay.setData(x, y[:, 1])
            f = y[np.isfinite(y)]
            if f.size:
                lo, hi = min(lo, f.min()), max(hi, f.max())
        if np.isfinite(lo):
            self.plot.getPlotItem().getViewBox().setRange(
                xRange=(0, x_max), yRange=(lo - 0.2, hi + 0.2), padding=0)
        self.cursor.setVisible(c.cursor >= 0)
        if c.cursor >= 0:
            self.cursor.setValue(c.cursor)


class _Num(QTableWidgetItem):
    """A table cell that sorts by its number (NaN and 'never' last)."""

    def __init__(self, text: str, value: float):
        super().__init__(text)
        self.value = value if math.isfinite(value) else math.inf
        self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def __lt__(self, other) -> bool:  # noqa: D105
        return self.value < getattr(other, "value", math.inf)


class RacePanel(QWidget):
    """Per run at the shown step: status, steps, steps to the loss tolerance, final loss and
    distance to the nearest minimum; sortable by any column; File-like CSV export."""

    HEADERS = ("run", "status", "steps", "steps to tol", "final loss", "distance to min")

    def __init__(self, controller, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("racePanel")
        self.controller = controller
        lay = panel_layout(self, spacing=4)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("loss tolerance (loss − f* ≤)")))
        self.tol_edit = QLineEdit(f"{DEFAULT_LOSS_TOL:g}")
        self.tol_edit.setObjectName("raceTolEdit")
        self.tol_edit.setValidator(QDoubleValidator(0.0, 1e300, 20))
        self.tol_edit.setMaximumWidth(110)
        self.tol_edit.editingFinished.connect(self.refresh)
        top.addWidget(self.tol_edit)
        top.addStretch(1)
        self.export_button = QPushButton(tr("Export CSV…"))
        self.export_button.setObjectName("raceExportButton")
        self.export_button.clicked.connect(self.export_dialog)
        top.addWidget(self.export_button)
        lay.addLayout(top)
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setObjectName("raceTable")
        self.table.setHorizontalHeaderLabels(self.HEADERS)
        self.table.setSortingEnabled(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.sortByColumn(4, Qt.SortOrder.AscendingOrder)  # the race: lowest loss first
        lay.addWidget(self.table, 1)
        self.rows = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TABLE_REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        c = controller
        for sig in (c.stepped, c.cursor_changed):
            sig.connect(self._soon)
        c.reset_done.connect(self.refresh)
        c.playing_changed.connect(self.refresh)
        self.refresh()

    def tol(self) -> float:
        try:
            v = float(self.tol_edit.text())
        except ValueError:
            return DEFAULT_LOSS_TOL
        return v if math.isfinite(v) and v >= 0 else DEFAULT_LOSS_TOL

    def compute_rows(self) -> list:
        """The engine's race rows at the shown step for the tolerance typed."""
        c = self.controller
        return race_rows(c.sim, self.tol(), upto=None if c.cursor < 0 else c.shown_step)

    def _soon(self, *_args) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def refresh(self, *_args) -> None:
        if not self.isVisible():
            return  # drawn by showEvent when shown
        c = self.controller
        self.rows = self.compute_rows()
        t = self.table
        t.setSortingEnabled(False)
        t.setRowCount(len(self.rows))
        for n, r in enumerate(self.rows):
            color = c.sim.runs[n].spec.color or theme.run_color(n)
            label = QTableWidgetItem(f"■ {r.label}")
            label.setForeground(pg.mkColor(color))
            t.setItem(n, 0, label)
            t.setItem(n, 1, QTableWidgetItem(r.status))
            t.setItem(n, 2, _Num(str(r.steps), r.steps))
            stt = r.steps_to_tol
            t.setItem(n, 3, _Num("never" if stt is None else str(stt),
                                 math.inf if stt is None else stt))
            t.setItem(n, 4, _Num(f"{r.final_loss:.6g}", r.final_loss))
            t.setItem(n, 5, _Num("—" if math.isnan(r.distance) else f"{r.distance:.4g}",
                                 r.distance))
        t.setSortingEnabled(True)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self.refresh()

    def export_to(self, path: str) -> None:
        """Write the table (all runs, shown step) as CSV, atomically (GdsimError on failure)."""
        self.rows = self.compute_rows()
        atomic_write_text(path, race_csv_text(self.rows))

    def export_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("Export race table"), "",
                                              tr("CSV (*.csv);;All files (*)"))
        if not path:
            return
        try:
            self.export_to(path)
        except GdsimError as e:
            QMessageBox.warning(self, tr("Cannot export race table"), str(e))
