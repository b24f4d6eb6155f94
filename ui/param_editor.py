"""Editors built from a tuple of :class:`gdsim.params.Param` specs (optimizer, schedule, surface).

Each parameter gets a text field (validated by ``Param.check``: a bad value is refused in the
editor with the engine's reason and a red border, never raised) and a slider (logarithmic where
``param.log``); a checkbox for booleans, a combo box for choices (``kind=str``), a text field
alone for lists (``30/80/140``) and optional values (empty: none); and its one-line help as a
visible hint and tooltip. Only valid values leave the editor, through
:attr:`ParamEditor.values_changed`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSlider,
    QWidget,
)

from gdsim.errors import GdsimError
from gdsim.params import Param, Value
from gdsim.params import format_value as engine_format
from ui.i18n import tr

SLIDER_TICKS = 1000
_INVALID = object()  # what _check returns for a refused text
ERROR_STYLE = "QLineEdit { border: 2px solid #d62728; }"
ERROR_COLOR = "#d62728"


def format_value(value: Value) -> str:
    """Text for a value in an editor: booleans as true/false, floats at full precision, lists
    as 30/80/140, words as they are, none as an empty field."""
    if value is None:
        return ""
    if isinstance(value, bool | str | tuple | list):
        return engine_format(value)
    if isinstance(value, int):
        return str(value)
    return repr(float(value)) if value != int(value) or abs(value) >= 1e15 else f"{value:g}"


def _round_sig(x: float, digits: int = 3) -> float:
    """Round to ``digits`` significant figures, so slider values read cleanly (0.0316)."""
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, digits - 1 - int(math.floor(math.log10(abs(x)))))


def snap_125(v: float, lo: float, hi: float, also: tuple[float, ...] = ()) -> float:
    """The value of the 1-2-5 series (…, 0.001, 0.002, 0.005, 0.01, …) or of ``also`` (e.g. the
    default) nearest ``v`` on a log scale, within [lo, hi] (a bound itself where it is
    nearer): what a log slider lands on."""
    if not (v > 0 and math.isfinite(v)):
        return v
    k = math.floor(math.log10(v))
    series = [float(f"{m}e{e}") for e in (k - 1, k, k + 1) for m in (1, 2, 5)]
    # (a bound like 1e-8 / 1e3 may come out a hair above 1e-11: that 1-2-5 value counts)
    inside = [c for c in (*series, *also) if lo * (1 - 1e-9) <= c <= hi * (1 + 1e-9)]

    def distance(c: float) -> float:
        return abs(math.log(c / v)) if c > 0 else math.inf

    nearest = min(inside, key=distance, default=None)
    bound = min((lo, hi), key=distance)
    return nearest if nearest is not None and distance(nearest) <= distance(bound) + 1e-9 \
        else bound


def slider_range(p: Param) -> tuple[float, float]:
    """The stretch of values the slider covers; typed values may go beyond it within the bounds.

    Closed bounds are used as they are; an open or missing bound is replaced by a span around the
    default (three decades either side on a log scale), so the slider's ends are always valid.
    """
    d = float(p.default)
    if p.log:
        lo = d / 1e3 if d > 0 else 1e-6
        hi = d * 1e3 if d > 0 else 1.0
        if p.low is not None and p.low > 0:
            lo = max(lo, p.low * (1.001 if p.low_open else 1.0))
        if p.high is not None:
            hi = min(hi, p.high * (0.999 if p.high_open else 1.0))
        return lo, hi
    lo = p.low if p.low is not None else (-max(1.0, abs(d) * 10))
    hi = p.high if p.high is not None else max(1.0, abs(d) * 10, lo + 1.0)
    span = hi - lo
    if p.low is not None and p.low_open:
        lo += span * 1e-3 if p.kind is float else 1
    if p.high is not None and p.high_open:
        hi -= span * 1e-3 if p.kind is float else 1
    return float(lo), float(hi)


def has_slider(p: Param) -> bool:
    """Numbers get a slider; booleans, choices, lists and optional values do not."""
    return p.kind in (int, float) and not p.optional and p.default is not None


class _Row:
    """The widgets of one parameter."""

    def __init__(self, param: Param) -> None:
        self.param = param
        self.value: Value = param.default
        self.edit: QLineEdit | None = None
        self.check: QCheckBox | None = None
        self.combo: QComboBox | None = None
        self.slider: QSlider | None = None
        self.error: QLabel | None = None  # made by the editor (this class stays widget-free)
        self.lo, self.hi = slider_range(param) if has_slider(param) else (0.0, 1.0)

    def int_low(self) -> int:
        """Smallest integer on the slider (exact: bounds like 2**63 − 1 lose bits as floats)."""
        p = self.param
        if p.low is None:
            return math.ceil(self.lo)
        return math.ceil(p.low) + (1 if p.low_open and p.low == math.ceil(p.low) else 0)

    def int_high(self) -> int:
        """Largest integer on the slider."""
        p = self.param
        if p.high is None:
            return math.floor(self.hi)
        return math.floor(p.high) - (1 if p.high_open and p.high == math.floor(p.high) else 0)

    def to_tick(self, v: float) -> int:
        """Slider position for value ``v`` (clamped to the slider's ends)."""
        lo, hi = self.lo, self.hi
        if self.param.log:
            if v <= 0:
                return 0
            f = (math.log(v) - math.log(lo)) / (math.log(hi) - math.log(lo))
        else:
            f = (v - lo) / (hi - lo) if hi > lo else 0.0
        return int(round(min(max(f, 0.0), 1.0) * SLIDER_TICKS))

    def from_tick(self, tick: int) -> Value:
        """Value at slider position ``tick``; integers for integer parameters."""
        f = tick / SLIDER_TICKS
        if self.param.log:  # lands on 1-2-5 values (0.0005, not 0.000867)
            v = math.exp(math.log(self.lo) + f * (math.log(self.hi) - math.log(self.lo)))
            default = self.param.default
            v = snap_125(v, self.lo, self.hi, (float(default),) if default else ())
        else:
            v = self.lo + f * (self.hi - self.lo)
        if self.param.kind is int:
            return min(max(int(round(v)), self.int_low()), self.int_high())
        if self.param.log:  # within the ends (to 1e-9): 1e-11 for an end of 1e-8 / 1e3
            return v
        return min(max(_round_sig(v), self.lo), self.hi)


class ParamEditor(QWidget):
    """Edits the values of ``specs``; emits ``values_changed(dict)`` with every (valid) value.

    ``no_slider`` names parameters shown with a text field only.

    Text fields commit on Enter or when they lose focus; an invalid text stays in the field with
    the reason underneath and a red border, and the last valid value is kept (nothing is emitted).
    """

    values_changed = Signal(object)  # a dict; "object" keeps big ints exact (no QVariantMap)

    def __init__(
        self,
        specs: tuple[Param, ...],
        values: Mapping[str, Value] | None = None,
        owner: str = "",
        parent: QWidget | None = None,
        no_slider: tuple[str, ...] = (),
    ) -> None:
        super().__init__(parent)
        self.specs = tuple(specs)
        self.owner = owner
        self._rows: dict[str, _Row] = {}
        self._quiet = False
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(1)
        grid.setColumnStretch(2, 1)
        r = 0
        for p in self.specs:
            row = _Row(p)
            self._rows[p.name] = row
            tip = tr("{0}\nAllowed: {1}").format(tr(p.help), p.range_text()) + (
                tr(" (log scale)") if p.log else "")
            name = QLabel(p.name)
            name.setToolTip(tip)
            grid.addWidget(name, r, 0)
            if p.kind is bool:
                cb = QCheckBox()
                cb.setObjectName(f"param_{p.name}")
                cb.setToolTip(tip)
                cb.toggled.connect(lambda on, n=p.name: self._on_toggled(n, on))
                row.check = cb
                grid.addWidget(cb, r, 1, 1, 2)
            elif p.kind is str:
                combo = QComboBox()
                combo.setObjectName(f"param_{p.name}")
                combo.setToolTip(tip)
                combo.addItems(list(p.choices))
                combo.currentTextChanged.connect(lambda text, n=p.name: self._on_choice(n, text))
                row.combo = combo
                grid.addWidget(combo, r, 1)
            elif not has_slider(p):  # a list or an optional value: a text field alone
                ed = QLineEdit()
                ed.setObjectName(f"param_{p.name}")
                ed.setToolTip(tip)
                ed.setMinimumWidth(70)
                ed.setPlaceholderText("none" if p.optional else "")
                ed.textEdited.connect(lambda _t, n=p.name: self._validate_text(n))
                ed.editingFinished.connect(lambda n=p.name: self._commit_text(n))
                row.edit = ed
                grid.addWidget(ed, r, 1, 1, 2)
            else:
                ed = QLineEdit()
                ed.setObjectName(f"param_{p.name}")
                ed.setToolTip(tip)
                ed.setMinimumWidth(70)
                ed.setMaximumWidth(110)
                ed.textEdited.connect(lambda _t, n=p.name: self._validate_text(n))
                ed.editingFinished.connect(lambda n=p.name: self._commit_text(n))
                row.edit = ed
                sl = QSlider(Qt.Orientation.Horizontal)
                sl.setObjectName(f"slider_{p.name}")
                sl.setRange(0, SLIDER_TICKS)
                sl.setToolTip(tip)
                sl.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
                sl.setMinimumWidth(60)
                sl.valueChanged.connect(lambda t, n=p.name: self._on_slider(n, t))
                row.slider = sl
                grid.addWidget(ed, r, 1)
                grid.addWidget(sl, r, 2)
                # a seed has no useful scale: text only
                seedlike = p.name == "seed" or p.name.endswith("_seed")
                sl.setVisible(p.name not in no_slider and not seedlike)
            r += 1
            hint = QLabel(tr(p.help))
            hint.setObjectName(f"hint_{p.name}")
            hint.setWordWrap(True)
            hint.setStyleSheet("color: palette(placeholder-text); font-size: 8pt;")
            grid.addWidget(hint, r, 1, 1, 2)
            r += 1
            row.error = QLabel()
            row.error.setObjectName(f"error_{p.name}")
            row.error.setWordWrap(True)
            row.error.setStyleSheet(f"color: {ERROR_COLOR};")
            row.error.hide()
            grid.addWidget(row.error, r, 0, 1, 3)
            r += 1
        self._form_error = QLabel()
        self._form_error.setObjectName("formError")
        self._form_error.setWordWrap(True)
        self._form_error.setStyleSheet(f"color: {ERROR_COLOR};")
        self._form_error.hide()
        grid.addWidget(self._form_error, r, 0, 1, 3)
        self.set_values(values or {})

    # --- public API -------------------------------------------------------------------------

    def values(self) -> dict[str, Value]:
        """The current valid value of every parameter (defaults where never edited)."""
        return {n: row.value for n, row in self._rows.items()}

    def set_values(self, values: Mapping[str, Value]) -> None:
        """Show ``values`` (missing ones at their defaults) without emitting; clears errors."""
        self._quiet = True
        try:
            for n, row in self._rows.items():
                v = values.get(n, row.param.default)
                try:
                    v = row.param.check(v, self.owner)
                except GdsimError:
                    v = row.param.default
                row.value = v
                self._show(row)
                self._set_error(row, "")
        finally:
            self._quiet = False
        self.set_form_error("")

    def error_text(self, name: str) -> str:
        """The refusal shown under parameter ``name`` ('' when its text is valid)."""
        row = self._rows[name]
        return row.error.text() if not row.error.isHidden() else ""

    def field(self, name: str) -> QWidget:
        """The text field (checkbox for booleans, combo box for choices) of ``name``."""
        row = self._rows[name]
        if row.check is not None:
            return row.check
        return row.combo if row.combo is not None else row.edit

    def slider(self, name: str) -> QSlider | None:
        """The slider of parameter ``name`` (None for booleans, choices, lists, optionals)."""
        return self._rows[name].slider

    def set_form_error(self, message: str) -> None:
        """Show (or clear, with '') a refusal that concerns the values together (e.g. nesterov)."""
        self._form_error.setText(message)
        self._form_error.setVisible(bool(message))

    def form_error(self) -> str:
        """The refusal about the values together, '' when there is none."""
        return self._form_error.text() if not self._form_error.isHidden() else ""

    # --- internals --------------------------------------------------------------------------

    def _show(self, row: _Row) -> None:
        if row.check is not None:
            row.check.setChecked(bool(row.value))
            return
        if row.combo is not None:
            row.combo.blockSignals(True)
            row.combo.setCurrentText(str(row.value))
            row.combo.blockSignals(False)
            return
        row.edit.setText(format_value(row.value))
        if row.slider is None:
            return
        row.slider.blockSignals(True)
        row.slider.setValue(row.to_tick(float(row.value)))
        row.slider.blockSignals(False)

    def _set_error(self, row: _Row, message: str) -> None:
        row.error.setText(message)
        row.error.setVisible(bool(message))
        if row.edit is not None:
            row.edit.setStyleSheet(ERROR_STYLE if message else "")
            row.edit.setProperty("invalid", bool(message))

    def _check(self, row: _Row, text: str) -> Value | object:
        """The value of ``text``, or ``_INVALID`` (its reason shown); None is a valid value of
        an optional parameter."""
        try:
            value = row.param.check(text, self.owner)
        except GdsimError as exc:
            self._set_error(row, str(exc))
            return _INVALID
        self._set_error(row, "")
        return value

    def _validate_text(self, name: str) -> None:
        row = self._rows[name]
        self._check(row, row.edit.text())

    def _commit_text(self, name: str) -> None:
        row = self._rows[name]
        value = self._check(row, row.edit.text())
        if value is _INVALID:
            return
        self._accept(row, value)
        self._show(row)

    def _on_slider(self, name: str, tick: int) -> None:
        row = self._rows[name]
        value = row.from_tick(tick)
        row.edit.setText(format_value(value))
        if self._check(row, row.edit.text()) is not _INVALID:
            self._accept(row, value)

    def _on_toggled(self, name: str, on: bool) -> None:
        self._accept(self._rows[name], bool(on))

    def _on_choice(self, name: str, text: str) -> None:
        row = self._rows[name]
        if self._check(row, text) is not _INVALID:
            self._accept(row, text)

    def _accept(self, row: _Row, value: Value) -> None:
        changed = value != row.value or type(value) is not type(row.value)
        row.value = value
        if changed and not self._quiet:
            self.values_changed.emit(self.values())
