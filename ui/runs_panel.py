"""The runs panel: a table of the experiment's runs and editors for the selected run and settings.

Every edit goes through the controller (``update_run``, ``add_run``, ``set_settings``...), which
rebuilds the simulation, so every edit restarts all runs from the start point and, while paused,
re-runs them to the step shown (the panel says so) -- except a colour, which ``set_run_color``
applies without a restart.
Live columns (loss, status) are read from the engine's trajectories at the timeline's shown step.
The selected run may override the experiment's noise σ (analytic surfaces) or batch size (data
surfaces); an empty field means "experiment default".
"""

from __future__ import annotations

import dataclasses
import math

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gdsim.errors import GdsimError
from gdsim.optimizers import OPTIMIZERS, make_optimizer
from gdsim.params import Param
from gdsim.schedules import SCHEDULES, make_schedule
from gdsim.simulation import RUN_BATCH_SIZE, RUN_NOISE, RunSpec, run_labels
from ui.i18n import tr
from ui.param_editor import ERROR_STYLE, ParamEditor, format_value

COL_ENABLED, COL_COLOR, COL_LABEL, COL_OPT, COL_HPARAMS, COL_LOSS, COL_STATUS, COL_CONV = range(8)
HEADERS = ("", "", "Label", "Opt.", "Hparams", "Loss", "Status", "Conv.")
# widest texts the live columns take while running (the dock's first width leaves room)
LIVE_SAMPLES = {COL_LOSS: "-8.8888e-88", COL_STATUS: "converged", COL_CONV: "888,888"}
RESTART_NOTE = ("Every change here restarts all runs from the start point (while paused, they "
                "re-run at once up to the step shown); a new colour applies at once.")
DIVERGED_COLOR = "#d62728"
SWATCH_WIDTH = 24  # the check box and colour columns
MAX_SHOWN_ROWS = 8  # the table grows up to this many rows, then scrolls
MIN_WIDTH = 430  # the table's columns stay readable in the dock

# Experiment settings, edited with the same inline-refusing editors as hyperparameters.
NOISE = Param("noise", 0.0, "σ of Gaussian noise added to each gradient", low=0.0)
SEED = Param("seed", 0, "random seed (noise, mini-batches); same seed → same paths", kind=int,
             low=0)
STEPS = Param("steps", 1000, "maximum number of steps", kind=int, low=0, high=10_000_000,
              log=True)
TOL = Param("tol", 1e-8, "a run converges when its gradient norm falls below this", low=0.0,
            log=True)


def batch_param(n_samples: int) -> Param:
    """Batch size on a data surface: 1 = SGD … n_samples = full-batch GD."""
    hint = f"samples per gradient: 1 = SGD, {n_samples} = full batch"
    return Param("batch_size", n_samples, hint, kind=int, low=1, high=n_samples, log=True)


def hparam_summary(spec: RunSpec) -> str:
    """'lr=0.05, momentum=0.9 · cosine': lr, then every hyperparameter off its default."""
    info = OPTIMIZERS.get(spec.optimizer)
    if info is None:
        return ""
    parts = []
    for p in info.params:
        v = spec.hparams.get(p.name, p.default)
        if p.name == "lr" or v != p.default:
            parts.append(f"{p.name}={_short(v)}")
    text = ", ".join(parts)
    if spec.schedule and spec.schedule != "constant":
        text += f" · {spec.schedule}"
    return text


def override_summary(spec: RunSpec, n_samples: int) -> str:
    """'σ=0.5' / 'batch 8' / 'full batch': the run's overrides that take effect ('' if none).

    A batch size is shown on data surfaces only (``n_samples`` > 0): elsewhere it is ignored.
    """
    parts = []
    if spec.noise is not None:
        parts.append(f"σ={_short(float(spec.noise))}")
    if spec.batch_size is not None and n_samples > 0:
        parts.append("full batch" if spec.batch_size == n_samples else f"batch {spec.batch_size}")
    return " · ".join(parts)


def _short(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def converged_cell(steps_to_converge: int | None, shown: int) -> tuple[str, str]:
    """(text, tooltip) of the Converged column: the engine's steps to converge once the shown
    step has reached them, else a dash."""
    if steps_to_converge is None or shown < steps_to_converge:
        return "—", "has not converged (gradient norm not yet below tol)"
    return (f"{steps_to_converge:,}",
            f"converged after {steps_to_converge:,} steps (gradient norm below tol)")


def _loss_text(x: float) -> str:
    return f"{x:.5g}" if math.isfinite(x) else str(x)


def status_cell(status: str, stopped_at: int, shown: int, reason: str = "",
                started: bool = True) -> tuple[str, str]:
    """(text, tooltip) of a run's Status cell at the shown step: one word, so the column
    stays narrow ("ready", "running", "converged", "diverged", "max steps"); the step it
    stopped at and why are in the tooltip. Scrubbed back to before it stopped, it was running;
    before anything ran (not ``started``) it is ready."""
    if status == "running" and not started:
        return tr("ready"), tr("at the start point: press Step or Play")
    if status == "running" or shown < stopped_at:
        return tr("running"), tr("step {0} of {1}").format(shown, stopped_at)
    word = tr("max steps" if status == "max_steps" else status)
    return word, tr("{0} at step {1}").format(word, stopped_at) + (f": {reason}" if reason else "")


class OverrideField(QWidget):
    """One optional per-run value: a text field whose empty text means the experiment's value.

    Typed text is checked with the :class:`Param` (refused inline with its reason, red border);
    Enter or leaving the field emits ``committed`` with the value, or None when emptied.
    """

    committed = Signal(object)

    def __init__(self, param: Param, title: str, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.param = param
        lay = QFormLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setObjectName(name)
        self.edit.setClearButtonEnabled(True)
        self.edit.setMaximumWidth(220)
        self.edit.textEdited.connect(lambda _t: self._check())
        self.edit.editingFinished.connect(self._commit)
        self.title = QLabel(title)
        lay.addRow(self.title, self.edit)
        self.hint = QLabel()
        self.hint.setObjectName(name + "Hint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: palette(placeholder-text); font-size: 8pt;")
        lay.addRow("", self.hint)
        self.error = QLabel()
        self.error.setObjectName(name + "Error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {DIVERGED_COLOR};")
        self.error.hide()
        lay.addRow(self.error)
        self._value: object = None

    def set_param(self, param: Param) -> None:
        """New bounds (e.g. the data set's size for a batch size)."""
        self.param = param
        self.edit.setToolTip(tr("{0}\nAllowed: {1}; empty: the experiment's value").format(
            tr(param.help), param.range_text()))

    def set_value(self, value: object, default_text: str) -> None:
        """Show ``value`` (None: empty, with ``default_text`` as placeholder); clears errors."""
        self._value = value
        self.edit.setText("" if value is None else format_value(value))
        self.edit.setPlaceholderText(default_text)
        self.hint.setText(tr('this run only; empty: {0}').format(default_text))
        self.set_error("")

    def value(self) -> object:
        """The last committed (or shown) value; None: the experiment's."""
        return self._value

    def set_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))
        self.edit.setStyleSheet(ERROR_STYLE if message else "")

    set_form_error = set_error  # a refusal from the controller is shown here too

    def error_text(self) -> str:
        return self.error.text() if not self.error.isHidden() else ""

    def _check(self) -> tuple[bool, object]:
        text = self.edit.text().strip()
        if not text:
            self.set_error("")
            return True, None
        try:
            value = self.param.check(text)
        except GdsimError as exc:
            self.set_error(str(exc))
            return False, None
        self.set_error("")
        return True, value

    def _commit(self) -> None:
        ok, value = self._check()
        if not ok:
            return
        if value != self._value or type(value) is not type(self._value):
            self._value = value
            self.committed.emit(value)


class RunsPanel(QWidget):
    """Runs table + selected run's optimizer/schedule editors + experiment settings."""

    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shown_at = -1  # the step the live columns show
        self.controller = controller
        self._filling = False
        self._selected = 0 if controller.experiment.runs else -1
        self._last_error = ""
        self._hp_editor: ParamEditor | None = None
        self._hp_for: tuple | None = None  # (run index, optimizer) the editor was built for
        self._sch_editor: ParamEditor | None = None
        self._sch_for: tuple | None = None
        self._settings_editor: ParamEditor | None = None
        self._settings_for: tuple | None = None
        self._build()
        controller.experiment_changed.connect(self._on_experiment_changed)
        # bound methods, not lambdas: Qt disconnects them when the panel is deleted
        # live columns: in step with the status bar (both follow ``readout``)
        controller.reset_done.connect(self._refresh_live_now)
        getattr(controller, "readout", controller.stepped).connect(self._refresh_live_now)
        controller.playing_changed.connect(self._refresh_live_now)
        controller.cursor_changed.connect(self._on_cursor)
        controller.error.connect(self._remember_error)
        if hasattr(controller, "run_color_changed"):
            controller.run_color_changed.connect(self._on_color_changed)
        self._refresh()

    # --- construction -----------------------------------------------------------------------

    def _build(self) -> None:
        self.setMinimumWidth(MIN_WIDTH)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)

        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("runsTable")
        self.table.setHorizontalHeaderLabels([tr(h) if h else h for h in HEADERS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        # Every column is as wide as its cells and header (nothing elided); a table wider
        # than the dock scrolls sideways, and its height counts that scroll bar.
        hh = self.table.horizontalHeader()
        hh.setMinimumSectionSize(16)
        for c in range(len(HEADERS)):
            hh.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        for c in (COL_ENABLED, COL_COLOR):
            hh.setSectionResizeMode(c, QHeaderView.ResizeMode.Fixed)
            hh.resizeSection(c, SWATCH_WIDTH)
        hh.setStretchLastSection(False)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.table.viewport().installEventFilter(self)
        hh.sectionResized.connect(lambda *_a: self._fit_table())  # the scroll bar may come
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.setWordWrap(False)
        self.table.horizontalHeaderItem(COL_ENABLED).setToolTip(tr("Run enabled"))
        self.table.horizontalHeaderItem(COL_COLOR).setToolTip(tr("Colour (click to change)"))
        self.table.horizontalHeaderItem(COL_OPT).setToolTip(tr("Optimizer"))
        self.table.horizontalHeaderItem(COL_CONV).setToolTip(
            tr("Steps the run took to converge (gradient norm below tol), from the engine"))
        self.table.horizontalHeaderItem(COL_HPARAMS).setToolTip(
            tr("Learning rate and every hyperparameter not at its default, then the run's own "
            "noise σ or batch size where it overrides the experiment's")
        )
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.table.itemChanged.connect(self._on_item_changed)
        self.table.cellClicked.connect(self._on_cell_clicked)
        self.table.currentCellChanged.connect(lambda r, _c, _pr, _pc: self._select(r))
        outer.addWidget(self.table)

        buttons = QHBoxLayout()
        self.add_button = QPushButton(tr("Add"))
        self.add_button.setObjectName("addRunButton")
        self.add_button.setToolTip(tr("Add a run (Adam, default hyperparameters)"))
        self.add_button.clicked.connect(self._add)
        self.remove_button = QPushButton(tr("Remove"))
        self.remove_button.setObjectName("removeRunButton")
        self.remove_button.clicked.connect(self._remove)
        self.duplicate_button = QPushButton(tr("Duplicate"))
        self.duplicate_button.setObjectName("duplicateRunButton")
        self.duplicate_button.clicked.connect(self._duplicate)
        for b in (self.add_button, self.remove_button, self.duplicate_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        outer.addLayout(buttons)

        self.note = QLabel(tr(RESTART_NOTE))
        self.note.setObjectName("restartNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("font-style: italic;")
        outer.addWidget(self.note)

        # the scroll area, its body and the group boxes join the panel before they are
        # filled: each part is moved into place (and restyled) once, not once per level
        body = QWidget()
        self._body = QVBoxLayout(body)
        self._body.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setObjectName("runsEditorScroll")
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        self.run_box = QGroupBox(tr("Selected run"))
        self.run_box.setObjectName("runEditor")
        self._body.addWidget(self.run_box)
        form = QFormLayout(self.run_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.optimizer_combo = QComboBox()
        self.optimizer_combo.setObjectName("optimizerCombo")
        for name, info in OPTIMIZERS.items():
            self.optimizer_combo.addItem(f"{info.title} ({name})", name)
        self.optimizer_combo.activated.connect(self._on_optimizer_chosen)
        form.addRow(tr("Optimizer"), self.optimizer_combo)
        self.formula = QLabel()
        self.formula.setObjectName("formulaLabel")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.formula.setFont(mono)
        self.formula.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.formula.setWordWrap(True)
        self.formula.setStyleSheet(
            "QLabel { background: palette(alternate-base); padding: 4px; border-radius: 3px; }"
        )
        form.addRow(self.formula)
        self._hp_holder = QVBoxLayout()
        form.addRow(self._hp_holder)
        self.schedule_combo = QComboBox()
        self.schedule_combo.setObjectName("scheduleCombo")
        for name, info in SCHEDULES.items():
            self.schedule_combo.addItem(tr(info.title), name)
        self.schedule_combo.activated.connect(self._on_schedule_chosen)
        form.addRow(tr("LR schedule"), self.schedule_combo)
        self.schedule_formula = QLabel()
        self.schedule_formula.setObjectName("scheduleFormula")
        self.schedule_formula.setFont(mono)
        self.schedule_formula.setWordWrap(True)
        form.addRow(self.schedule_formula)
        self._sch_holder = QVBoxLayout()
        form.addRow(self._sch_holder)
        # this run's noise σ (analytic surfaces) or batch size (data surfaces); empty: default
        self.noise_override = OverrideField(RUN_NOISE, "noise σ", "runNoiseEdit")
        self.noise_override.committed.connect(self._on_noise_override)
        form.addRow(self.noise_override)
        self.batch_override = OverrideField(RUN_BATCH_SIZE, "batch size", "runBatchEdit")
        self.batch_override.committed.connect(self._on_batch_override)
        form.addRow(self.batch_override)
        self.run_error = QLabel()
        self.run_error.setObjectName("runError")
        self.run_error.setWordWrap(True)
        self.run_error.setStyleSheet(f"color: {DIVERGED_COLOR};")
        self.run_error.hide()
        form.addRow(self.run_error)

        self.settings_box = QGroupBox(tr("Experiment settings"))
        self.settings_box.setObjectName("settingsEditor")
        self._settings_holder = QVBoxLayout(self.settings_box)
        self._body.addWidget(self.settings_box)
        self._body.addStretch(1)

    # --- public -----------------------------------------------------------------------------

    @property
    def selected(self) -> int:
        """Index into ``experiment.runs`` of the run being edited (-1 when there are none)."""
        return self._selected

    def select(self, index: int) -> None:
        """Select run ``index`` in the table (and show its editors)."""
        self.table.setCurrentCell(index, COL_LABEL)
        self._select(index)

    @property
    def hparam_editor(self) -> ParamEditor | None:
        return self._hp_editor

    @property
    def schedule_editor(self) -> ParamEditor | None:
        return self._sch_editor

    @property
    def settings_editor(self) -> ParamEditor | None:
        return self._settings_editor

    def _refresh_live_now(self, *_args) -> None:
        """:meth:`update_live`; while playing it follows the controller's ``readout`` (at most
        20 times a second, with the status bar: numbers changing faster cannot be read)."""
        self.update_live()

    def update_live(self) -> None:
        """Refresh the loss and status columns from the simulation at the shown step."""
        ctl = self.controller
        self.shown_at = ctl.shown_step
        enabled = ctl.enabled_indices()
        sim_of = {exp_i: j for j, exp_i in enumerate(enabled)}
        self._filling = True
        try:
            for i in range(self.table.rowCount()):
                j = sim_of.get(i)
                if j is None or j >= len(ctl.sim.runs):
                    self._set_text(i, COL_LOSS, "—")
                    self._set_text(i, COL_STATUS, "off", "run disabled")
                    self._set_text(i, COL_CONV, "—", "run disabled")
                    continue
                run = ctl.sim.runs[j]
                rows = ctl.shown_rows(j)
                loss = float(run.trajectory.loss[rows - 1]) if rows > 0 else math.nan
                self._set_text(i, COL_LOSS, _loss_text(loss))
                self._set_text(i, COL_CONV, *converged_cell(run.steps_to_converge, rows - 1))
                status, tip = status_cell(run.status, run.steps, rows - 1, run.reason,
                                          started=ctl.sim.t > 0)
                item = self._set_text(i, COL_STATUS, status, tip)
                red = status == tr("diverged")
                color = QColor(DIVERGED_COLOR) if red else self.palette().text().color()
                if item.foreground().color() != color:
                    item.setForeground(color)
        finally:
            self._filling = False

    # --- refresh from the controller --------------------------------------------------------

    def _on_cursor(self, _step: int) -> None:
        self.update_live()

    def _on_experiment_changed(self) -> None:
        self._refresh()

    def _on_color_changed(self, index: int) -> None:
        if 0 <= index < self.table.rowCount():
            self._paint_swatch(index)

    def _paint_swatch(self, i: int) -> None:
        color = self.controller.experiment.runs[i].color or "#888888"
        sw = self._item(i, COL_COLOR)
        sw.setBackground(QColor(color))
        # the icon stays visible when the row is selected (the background does not)
        sw.setData(Qt.ItemDataRole.DecorationRole, QColor(color))
        sw.setToolTip(tr('{0} (click to change)').format(color))

    def _n_samples(self) -> int | None:
        """Data set size of the surface (0: analytic), or None without a surface (networks)."""
        surface = getattr(self.controller.sim, "surface", None)
        if surface is None:
            return None
        return int(getattr(surface, "n_samples", 0) or 0)

    def _refresh(self) -> None:
        runs = self.controller.experiment.runs
        n_samples = self._n_samples() or 0
        self._filling = True
        try:
            self.table.setRowCount(len(runs))
            for i, spec in enumerate(runs):
                # items are updated in place: this may run inside their own itemChanged signal
                en = self._item(i, COL_ENABLED, Qt.ItemFlag.ItemIsUserCheckable)
                en.setCheckState(Qt.CheckState.Checked if spec.enabled else Qt.CheckState.Unchecked)
                en.setToolTip(tr("Enabled: untick to leave this run out"))
                self._paint_swatch(i)
                lab = self._item(i, COL_LABEL, Qt.ItemFlag.ItemIsEditable)
                lab.setText(self._label_of(i))
                lab.setToolTip(tr("Double-click to rename"))
                info = OPTIMIZERS.get(spec.optimizer)  # the short name fits a narrow dock
                self._set_text(i, COL_OPT, spec.optimizer, info.title if info else "")
                hp = " · ".join(t for t in (hparam_summary(spec),
                                             override_summary(spec, n_samples)) if t)
                self._set_text(i, COL_HPARAMS, hp, hp)
            if not runs:
                self._selected = -1
            else:
                self._selected = min(max(self._selected, 0), len(runs) - 1)
                self.table.setCurrentCell(self._selected, COL_LABEL)
        finally:
            self._filling = False
        self.table.setColumnHidden(COL_CONV, self._n_samples() is None)  # networks: no tol
        self._fit_table()
        self.remove_button.setEnabled(bool(runs))
        self.duplicate_button.setEnabled(bool(runs))
        self.update_live()
        self._show_run_editor()
        self._show_settings()

    def _fit_table(self) -> None:
        """Height for the header, the rows there are (3 to MAX_SHOWN_ROWS visible) and the
        sideways scroll bar when the columns are wider than the table, so neither the header
        nor the last row is ever cut; the editors get the rest."""
        rows = min(max(self.table.rowCount(), 3), MAX_SHOWN_ROWS)
        hh = self.table.horizontalHeader()
        h = hh.sizeHint().height()
        h += rows * self.table.verticalHeader().defaultSectionSize()
        h += 2 * self.table.frameWidth()
        if self._columns_width() > self.table.viewport().width():
            h += self.table.horizontalScrollBar().sizeHint().height()
        if self.table.height() != h + 2:
            self.table.setFixedHeight(h + 2)

    def _columns_width(self) -> int:
        """Width of all shown columns at their content size."""
        hh = self.table.horizontalHeader()
        return sum(hh.sectionSize(c) for c in range(len(HEADERS)) if not hh.isSectionHidden(c))

    def preferred_width(self) -> int:
        """Width that shows every column without scrolling, also once the live columns hold
        their widest texts (the dock's first width)."""
        hh = self.table.horizontalHeader()
        fm = self.table.fontMetrics()
        style = self.table.style()
        pad = 2 * style.pixelMetric(style.PixelMetric.PM_FocusFrameHMargin)
        width = 0
        for c in range(len(HEADERS)):
            if hh.isSectionHidden(c):
                continue
            sample = LIVE_SAMPLES.get(c)
            need = fm.horizontalAdvance(sample) + pad + 12 if sample else 0
            width += max(hh.sectionSize(c), need)
        scroll = self.table.verticalScrollBar().sizeHint().width()
        margins = self.layout().contentsMargins()
        return width + scroll + 2 * self.table.frameWidth() + margins.left() + margins.right() + 4

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt override)
        if obj is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_table()
        return super().eventFilter(obj, event)

    def _label_of(self, i: int) -> str:
        """The run's label as the engine makes it unique (``momentum#2``), or the user's label."""
        return run_labels(list(self.controller.experiment.runs))[i]

    def _item(self, row: int, col: int, extra=Qt.ItemFlag.NoItemFlags) -> QTableWidgetItem:
        """The cell's item (made once, then reused), enabled and selectable plus ``extra``."""
        item = self.table.item(row, col)
        if item is None:
            item = QTableWidgetItem()
            self.table.setItem(row, col, item)
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | extra
        if item.flags() != flags:
            item.setFlags(flags)
        return item

    def _set_text(self, row: int, col: int, text: str, tip: str = "") -> QTableWidgetItem:
        item = self._item(row, col)
        if item.text() != text:
            item.setText(text)
        if tip and item.toolTip() != tip:
            item.setToolTip(tip)
        return item

    def _select(self, index: int) -> None:
        if self._filling or index < 0 or index == self._selected:
            return
        self._selected = index
        self._show_run_editor()

    def _show_run_editor(self) -> None:
        """Show the selected run's optimizer, hyperparameters and schedule (rebuilt if needed)."""
        runs = self.controller.experiment.runs
        self.run_box.setEnabled(self._selected >= 0)
        self._set_run_error("")
        if self._selected < 0:
            return
        spec = runs[self._selected]
        self.run_box.setTitle(tr('Selected run: {0}').format(self._label_of(self._selected)))
        info = OPTIMIZERS[spec.optimizer]
        self.optimizer_combo.setCurrentIndex(self.optimizer_combo.findData(spec.optimizer))
        self.formula.setText(info.formula)
        self.formula.setToolTip(info.reference)
        key = (self._selected, spec.optimizer)
        if self._hp_editor is None or self._hp_for != key:
            _discard(self._hp_editor)
            self._hp_editor = ParamEditor(info.params, spec.hparams, owner=spec.optimizer,
                                          parent=self.run_box)  # made in place
            self._hp_editor.setObjectName("hparamEditor")
            self._hp_editor.values_changed.connect(self._on_hparams)
            self._hp_holder.addWidget(self._hp_editor)
            self._hp_for = key
        else:
            self._hp_editor.set_values(spec.hparams)
        sname = spec.schedule or "constant"
        sinfo = SCHEDULES[sname]
        self.schedule_combo.setCurrentIndex(self.schedule_combo.findData(sname))
        self.schedule_formula.setText(sinfo.formula)
        self.schedule_formula.setVisible(sname != "constant")
        skey = (self._selected, sname)
        if self._sch_editor is None or self._sch_for != skey:
            _discard(self._sch_editor)
            self._sch_editor = ParamEditor(sinfo.params, spec.schedule_params, owner=sname,
                                           parent=self.run_box)  # made in place
            self._sch_editor.setObjectName("scheduleEditor")
            self._sch_editor.values_changed.connect(self._on_schedule_params)
            self._sch_holder.addWidget(self._sch_editor)
            self._sch_for = skey
        else:
            self._sch_editor.set_values(spec.schedule_params)
        self._show_overrides(spec)

    def _show_overrides(self, spec: RunSpec) -> None:
        """The run's noise σ field on analytic surfaces, batch size field on data surfaces."""
        n = self._n_samples()
        exp = self.controller.experiment
        self.noise_override.setVisible(n == 0)
        self.batch_override.setVisible(bool(n))
        if n is None:  # no surface (network mode): these settings do not apply
            return
        if n == 0:
            self.noise_override.set_param(RUN_NOISE)
            sigma = format_value(float(exp.noise))
            self.noise_override.set_value(
                spec.noise, tr("experiment default (σ = {0})").format(sigma))
        else:
            self.batch_override.set_param(dataclasses.replace(RUN_BATCH_SIZE, high=n))
            b = exp.batch_size
            default = tr("full batch") if not b or b >= n else tr("batch {0}").format(b)
            self.batch_override.set_value(spec.batch_size,
                                          tr("experiment default ({0})").format(default))

    def _show_settings(self) -> None:
        """Noise σ on analytic surfaces, batch size on data surfaces; then seed, steps, tol."""
        exp = self.controller.experiment
        n = int(getattr(self.controller.sim.surface, "n_samples", 0) or 0)
        specs = ((batch_param(n),) if n > 0 else (NOISE,)) + (SEED, STEPS, TOL)
        values = {
            "noise": exp.noise,
            "batch_size": exp.batch_size if exp.batch_size is not None else n,
            "seed": exp.seed,
            "steps": exp.steps,
            "tol": exp.tol,
        }
        key = (n,)
        if self._settings_editor is None or self._settings_for != key:
            _discard(self._settings_editor)
            self._settings_editor = ParamEditor(specs, values, owner="settings",
                                                no_slider=("seed",),
                                                parent=self.settings_box)  # made in place
            self._settings_editor.setObjectName("settingsParams")
            self._settings_editor.values_changed.connect(self._on_settings)
            self._settings_holder.addWidget(self._settings_editor)
            self._settings_for = key
        else:
            self._settings_editor.set_values(values)

    # --- edits -> controller ----------------------------------------------------------------

    def _remember_error(self, message: str) -> None:
        self._last_error = message

    def _call(self, fn, *args, **kw) -> bool:
        """Call a controller edit; on refusal return False with the reason in ``_last_error``."""
        self._last_error = ""
        ok = fn(*args, **kw)
        return ok is not False

    def _set_run_error(self, message: str) -> None:
        self.run_error.setText(message)
        self.run_error.setVisible(bool(message))

    def _spec(self) -> RunSpec:
        return self.controller.experiment.runs[self._selected]

    def _add(self) -> None:
        n = len(self.controller.experiment.runs)
        if self._call(self.controller.add_run):
            self.select(n)

    def _remove(self) -> None:
        if self._selected >= 0:
            self._call(self.controller.remove_run, self._selected)

    def _duplicate(self) -> None:
        if self._selected >= 0:
            i = self._selected
            if self._call(self.controller.duplicate_run, i):
                self.select(i + 1)

    def _update(self, spec: RunSpec, editor: ParamEditor | OverrideField | None = None) -> bool:
        """Send the selected run's new spec; a refusal is shown in ``editor`` (or the run box)."""
        index = self._selected
        if self._call(self.controller.update_run, index, spec):
            return True
        msg = self._last_error or "refused"
        if editor is not None and not editor.isHidden():
            editor.set_form_error(msg)
        else:
            self._set_run_error(msg)
        return False

    def _on_hparams(self, values: dict) -> None:
        spec = self._spec()
        try:  # cross-parameter rules (nesterov needs momentum > 0 ...) are refused here, inline
            make_optimizer(spec.optimizer, **values)
        except GdsimError as exc:
            self._hp_editor.set_form_error(str(exc))
            return
        self._hp_editor.set_form_error("")
        self._update(dataclasses.replace(spec, hparams=dict(values)), self._hp_editor)

    def _on_optimizer_chosen(self, _index: int) -> None:
        name = self.optimizer_combo.currentData()
        spec = self._spec()
        if name == spec.optimizer:
            return
        # A new optimizer starts from its own defaults (they are tuned per optimizer).
        if not self._update(dataclasses.replace(spec, optimizer=name, hparams={})):
            self.optimizer_combo.setCurrentIndex(self.optimizer_combo.findData(spec.optimizer))

    def _on_schedule_chosen(self, _index: int) -> None:
        name = self.schedule_combo.currentData()
        spec = self._spec()
        if name == (spec.schedule or "constant"):
            return
        if not self._update(dataclasses.replace(spec, schedule=name, schedule_params={})):
            self.schedule_combo.setCurrentIndex(self.schedule_combo.findData(spec.schedule))

    def _on_schedule_params(self, values: dict) -> None:
        spec = self._spec()
        try:  # e.g. warmup_cosine needs warmup < t_max
            make_schedule(spec.schedule or "constant", **values)
        except GdsimError as exc:
            self._sch_editor.set_form_error(str(exc))
            return
        self._sch_editor.set_form_error("")
        self._update(dataclasses.replace(spec, schedule_params=dict(values)), self._sch_editor)

    def _on_settings(self, values: dict) -> None:
        exp = self.controller.experiment
        n = int(getattr(self.controller.sim.surface, "n_samples", 0) or 0)
        kw = {k: values[k] for k in ("seed", "steps", "tol") if values[k] != getattr(exp, k)}
        if "noise" in values and values["noise"] != exp.noise:
            kw["noise"] = values["noise"]
        if "batch_size" in values:
            b = None if values["batch_size"] == n else values["batch_size"]
            if b != exp.batch_size:
                kw["batch_size"] = b
        if kw and not self._call(self.controller.set_settings, **kw):
            self._settings_editor.set_form_error(self._last_error or "refused")

    def _on_noise_override(self, value: object) -> None:
        spec = self._spec()
        if value != spec.noise:
            self._update(dataclasses.replace(spec, noise=value), self.noise_override)

    def _on_batch_override(self, value: object) -> None:
        spec = self._spec()
        if value != spec.batch_size:
            self._update(dataclasses.replace(spec, batch_size=value), self.batch_override)

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        i, col = item.row(), item.column()
        if not 0 <= i < len(self.controller.experiment.runs):
            return
        spec = self.controller.experiment.runs[i]
        if col == COL_ENABLED:
            on = item.checkState() == Qt.CheckState.Checked
            if on != spec.enabled:
                self._selected = i
                self._update(dataclasses.replace(spec, enabled=on))
        elif col == COL_LABEL:
            text = item.text().strip()
            if text != self._label_of(i):
                self._selected = i
                if not self._update(dataclasses.replace(spec, label=text or None)):
                    message = self.run_error.text()
                    self._refresh()  # put the old label back in the table
                    self._set_run_error(message)

    def _on_cell_clicked(self, row: int, col: int) -> None:
        if col != COL_COLOR or not 0 <= row < len(self.controller.experiment.runs):
            return
        self.recolor(row)

    def recolor(self, index: int) -> None:
        """Ask for a new colour for run ``index`` (QColorDialog) and apply it."""
        spec = self.controller.experiment.runs[index]
        color = QColorDialog.getColor(QColor(spec.color or "#888888"), self,
                                      f"Colour of {self._label_of(index)}")
        if not color.isValid():
            return
        self._selected = index
        set_color = getattr(self.controller, "set_run_color", None)
        if set_color is not None:  # repaint only: the runs go on where they are
            self._call(set_color, index, color.name())
        else:  # a controller without it (networks) rebuilds, which restarts the runs
            self._update(dataclasses.replace(spec, color=color.name()))


def _discard(widget: QWidget | None) -> None:
    """Take a replaced editor out of its layout at once (deleteLater alone leaves it drawn)."""
    if widget is not None:
        widget.hide()
        widget.setParent(None)
        widget.deleteLater()
