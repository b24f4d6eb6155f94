"""The "Custom…" surface dialog: type f(x, y), see it validated as you type, pick a view.

Every keystroke is parsed at once (microseconds, no sympy); once typing pauses the formula
is also differentiated and compiled (cached by the engine), which shows the exact gradient,
a small preview over the chosen domain, and errors only a full compile finds. OK stays
disabled while the formula or the domain is invalid.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gdsim.formula import DEFAULT_DOMAIN, check_formula, compile_formula, formula_surface
from gdsim.formula_parse import FUNCTIONS, FormulaError
from ui import theme
from ui.i18n import tr

COMPILE_DELAY_MS = 250   # pause in typing before the full (sympy) check and the preview
PREVIEW_SIZE = 72        # preview grid points per axis
ERROR_COLOR = "#b00020"

EXAMPLES = (
    ("Banana valley", "(1 - x)^2 + 5*(y - x^2)^2", (-2.0, 2.0, -1.0, 3.0)),
    ("Bumpy bowl", "x^2 + y^2 + 3*sin(2*x)*sin(2*y)", (-4.0, 4.0, -4.0, 4.0)),
    ("Ridge and kink", "abs(x) + 0.2*y^2", (-4.0, 4.0, -4.0, 4.0)),
    ("Two funnels", "-exp(-(x - 1)^2 - y^2) - exp(-(x + 1)^2 - 2*y^2) + 0.05*(x^2 + y^2)",
     (-3.0, 3.0, -3.0, 3.0)),
    ("L-infinity cone", "max(abs(x), abs(y))", (-3.0, 3.0, -3.0, 3.0)),
    ("Log-barrier valley", "log(1 + x^2 + 10*y^2)", (-5.0, 5.0, -5.0, 5.0)),
)


def _mono() -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSize(theme.FONT_POINT_SIZE + 1)
    return font


def caret_text(text: str, column: int | None, message: str) -> str:
    """The message, and when it has a column, the formula with a caret under that column."""
    if column is None or not text:
        return message
    column = min(max(column, 1), len(text) + 1)
    # show at most ~60 characters around the culprit
    start = max(0, column - 40)
    shown = text[start:start + 60]
    pad = "…" if start else ""
    return f"{message}\n{pad}{shown}\n{' ' * (len(pad) + column - 1 - start)}^"


class FormulaDialog(QDialog):
    """Ask for a typed surface; after ``exec()`` accepts, read ``.formula`` and ``.domain``."""

    def __init__(self, parent: QWidget | None = None, text: str = "",
                 domain: tuple | None = None):
        super().__init__(parent)
        self.setObjectName("formulaDialog")
        self.setWindowTitle(tr("Custom surface"))
        self.suggested = self._valid_domain(domain) or DEFAULT_DOMAIN
        self._text_ok = False
        self._compiled_text: str | None = None  # last text that compiled fully
        self._preview_key = None

        intro = QLabel(
            tr('Type f(x, y) with x, y, numbers, + - * / and ^ (power), the constants pi and e, '
               'and the functions {0} (min and max take two or more arguments). The gradient is '
               'exact: it is derived symbolically.').format(', '.join(FUNCTIONS)))
        intro.setWordWrap(True)
        intro.setObjectName("formulaHelp")

        self.examples = QComboBox()
        self.examples.setObjectName("exampleCombo")
        self.examples.addItem(tr("Examples…"), None)
        for title, formula, dom in EXAMPLES:
            self.examples.addItem(f"{title}:  {formula}", (formula, dom))
        self.examples.activated.connect(self._example_chosen)

        self.edit = QLineEdit(text)
        self.edit.setObjectName("formulaEdit")
        self.edit.setFont(_mono())
        # no cut: a pasted text over MAX_LENGTH stays whole and is refused with its length
        # (a cap would silently cut it and then quote the cap's length, not the paste's)
        self.edit.setMaxLength(2**31 - 1)
        self.edit.setPlaceholderText("e.g. (1 - x)^2 + 5*(y - x^2)^2")
        self.edit.setClearButtonEnabled(True)
        self.edit.textChanged.connect(self._text_changed)

        self.error = QLabel()
        self.error.setObjectName("formulaError")
        self.error.setFont(_mono())
        self.error.setWordWrap(False)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.setStyleSheet(f"color: {ERROR_COLOR};")

        self.gradient = QLabel()
        self.gradient.setObjectName("gradientLabel")
        self.gradient.setFont(_mono())
        self.gradient.setWordWrap(True)
        self.gradient.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.spins: dict[str, QDoubleSpinBox] = {}
        grid = QGridLayout()
        grid.addWidget(QLabel(tr("View domain")), 0, 0, 1, 4)
        for i, key in enumerate(("xmin", "xmax", "ymin", "ymax")):
            spin = QDoubleSpinBox()
            spin.setObjectName(f"{key}Spin")
            spin.setRange(-1e6, 1e6)
            spin.setDecimals(3)
            spin.setSingleStep(0.5)
            spin.setKeyboardTracking(False)
            spin.setToolTip(
                tr('{0} of the view (the heatmap shown; runs may leave it)').format(key))
            spin.valueChanged.connect(self._domain_changed)
            self.spins[key] = spin
            grid.addWidget(QLabel(key), 1 + i // 2, 2 * (i % 2))
            grid.addWidget(spin, 1 + i // 2, 2 * (i % 2) + 1)
        self.reset_domain = QPushButton(tr("Suggested"))
        self.reset_domain.setObjectName("domainResetButton")
        self.reset_domain.setToolTip(tr("Back to the suggested view domain"))
        self.reset_domain.clicked.connect(lambda: self.set_domain(self.suggested))
        grid.addWidget(self.reset_domain, 3, 3)
        self.domain_error = QLabel()
        self.domain_error.setObjectName("domainError")
        self.domain_error.setStyleSheet(f"color: {ERROR_COLOR};")
        grid.addWidget(self.domain_error, 3, 0, 1, 3)

        self.preview = pg.PlotWidget()
        self.preview.setObjectName("formulaPreview")
        self.preview.setBackground(theme.BACKGROUND)
        self.preview.setFixedSize(220, 220)
        self.preview.setMouseEnabled(False, False)
        self.preview.hideButtons()
        self.preview.setMenuEnabled(False)
        self.preview.setAspectLocked(False)
        # room for the tick labels at the corners (the top one was cut in half)
        self.preview.getPlotItem().layout.setContentsMargins(2, 8, 10, 2)
        self.image = pg.ImageItem()
        self.image.setColorMap(theme.heatmap_colormap())
        self.preview.addItem(self.image)
        self.preview_note = QLabel()
        self.preview_note.setObjectName("previewNote")
        self.preview_note.setWordWrap(True)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.setObjectName("formulaButtons")
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("formulaOkButton")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        left = QVBoxLayout()
        left.addWidget(intro)
        left.addWidget(self.examples)
        left.addWidget(QLabel("f(x, y) ="))
        left.addWidget(self.edit)
        left.addWidget(self.error)
        left.addWidget(self.gradient)
        left.addLayout(grid)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.preview)
        right.addWidget(self.preview_note)
        right.addStretch(1)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addLayout(right)
        outer = QVBoxLayout(self)
        outer.addLayout(body)
        outer.addWidget(self.buttons)
        self.resize(760, 400)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COMPILE_DELAY_MS)
        self._timer.timeout.connect(self.full_check)

        self.set_domain(self.suggested)
        self._text_changed(self.edit.text())

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        # Pay sympy's one-off import and warm-up (~0.5 s) while the person reads, not
        # mid-typing; a formula given up front gets its gradient and preview at once.
        QTimer.singleShot(0, self._warm_up)

    def _warm_up(self) -> None:
        if self._text_ok:
            self.full_check()
        else:
            compile_formula("x*y + sin(x)")

    # -- results ---------------------------------------------------------------------------
    @property
    def formula(self) -> str:
        """The formula as typed, without surrounding spaces."""
        return self.edit.text().strip()

    @property
    def domain(self) -> tuple[float, float, float, float]:
        """(xmin, xmax, ymin, ymax) from the editors."""
        return tuple(float(self.spins[k].value()) for k in ("xmin", "xmax", "ymin", "ymax"))

    def set_domain(self, domain: tuple) -> None:
        """Show ``domain`` in the four editors (one validation pass at the end)."""
        for key, v in zip(("xmin", "xmax", "ymin", "ymax"), domain, strict=True):
            spin = self.spins[key]
            spin.blockSignals(True)
            spin.setValue(float(v))
            spin.blockSignals(False)
        self._domain_changed()

    # -- validation ------------------------------------------------------------------------
    @staticmethod
    def _valid_domain(domain) -> tuple[float, float, float, float] | None:
        try:
            xmin, xmax, ymin, ymax = (float(v) for v in domain)
        except (TypeError, ValueError):
            return None
        ok = all(math.isfinite(v) for v in (xmin, xmax, ymin, ymax))
        return (xmin, xmax, ymin, ymax) if ok and xmin < xmax and ymin < ymax else None

    def _domain_ok(self) -> bool:
        xmin, xmax, ymin, ymax = self.domain
        return xmin < xmax and ymin < ymax

    def _show_error(self, err: FormulaError | None) -> None:
        if err is None:
            self.error.clear()
            self.error.setToolTip("")
            return
        self.error.setText(caret_text(self.edit.text(), err.column, str(err)))
        self.error.setToolTip(str(err))

    def _text_changed(self, text: str) -> None:
        """Every keystroke: parse only (instant); schedule the full check."""
        self._compiled_text = None
        self.gradient.clear()
        if not text.strip():
            self._text_ok = False
            self.error.setText("")
            self.error.setToolTip("")
            self._clear_preview("Type a formula to see it here.")
            self._timer.stop()
        else:
            err = check_formula(text, full=False)
            self._text_ok = err is None
            self._show_error(err)
            if err is None:
                self._timer.start()
            else:
                self._timer.stop()
                self._clear_preview("Fix the formula to see it here.")
        self._update_ok()

    def full_check(self) -> bool:
        """Differentiate and compile the current text (cached); show gradient and preview."""
        self._timer.stop()
        text = self.edit.text()
        if not self._text_ok:
            return False
        if self._compiled_text == text:
            return True
        err = check_formula(text, full=True)
        self._show_error(err)
        self._text_ok = err is None
        if err is not None:
            self._clear_preview("Fix the formula to see it here.")
        else:
            self._compiled_text = text
            surf = formula_surface(text, self.domain if self._domain_ok() else None)
            self.gradient.setText(surf.compiled.gradient_text.replace("**", "^"))
            self._update_preview()
        self._update_ok()
        return err is None

    def _domain_changed(self, *_) -> None:
        ok = self._domain_ok()
        self.domain_error.setText("" if ok else "need xmin < xmax and ymin < ymax")
        if ok and self._compiled_text is not None:
            self._update_preview()
        self._update_ok()

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(self._text_ok and self._domain_ok())

    def _clear_preview(self, note: str) -> None:
        self.image.clear()
        self._preview_key = None
        self.preview_note.setText(note)

    def _update_preview(self) -> None:
        """A small heatmap of f over the domain (log-compressed so valleys stay visible)."""
        if self._compiled_text is None or not self._domain_ok():
            return
        key = (self._compiled_text, self.domain)
        if key == self._preview_key:
            return
        self._preview_key = key
        surf = formula_surface(self._compiled_text, self.domain)
        xs, ys, f = surf.grid(PREVIEW_SIZE, PREVIEW_SIZE)
        finite = np.isfinite(f)
        if not finite.any():
            self._clear_preview("f is not finite anywhere in this domain.")
            return
        lo = f[finite].min()
        z = np.log1p(np.where(finite, f - lo, np.nan))
        hi = np.nanpercentile(z, 98) or 1.0
        z = np.where(np.isfinite(z), z, hi)
        xmin, xmax, ymin, ymax = self.domain
        self.image.setImage(z.T, levels=(0.0, hi), autoLevels=False)
        self.image.setRect(xmin, ymin, xmax - xmin, ymax - ymin)
        self.preview.setRange(xRange=(xmin, xmax), yRange=(ymin, ymax), padding=0)
        bad = (~finite).mean()
        note = f"min on this grid {lo:.4g} (light); darker is higher."
        if bad:
            note += f" Not finite on {100 * bad:.0f}% of it (runs stop there as diverged)."
        self.preview_note.setText(note)

    def _example_chosen(self, index: int) -> None:
        data = self.examples.itemData(index)
        if data is None:
            return
        formula, dom = data
        self.suggested = dom
        self.edit.setText(formula)
        self.set_domain(dom)
        self.examples.setCurrentIndex(0)

    def accept(self) -> None:
        """Accept only a formula that compiles over a valid domain."""
        if not (self._domain_ok() and self.full_check()):
            self._update_ok()
            return
        super().accept()
