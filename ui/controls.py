"""Toolbars: playback (Step, Step N, Play/Pause, speed, Reset), the timeline, and the
surface picker with the surface's own parameters.

Widgets only call controller methods and follow controller signals; they hold no state of
their own beyond what they display.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QSpinBox,
    QToolBar,
    QWidget,
)

from gdsim.errors import GdsimError
from ui.controller import MAX_SPEED, MIN_SPEED
from ui.i18n import tr

SPEED_TICKS = 1000  # slider resolution over log10(speed) in [0, 5]
CUSTOM = "__custom__"
FORMULA_ENTRY_WIDTH = 240  # px: a longer "Custom: f" picker entry is elided (tooltip: all)
PARAM_ERROR_WIDTH = 560  # px: a refused surface parameter's reason wraps within this
ERROR_COLOR = "#b00020"
ERROR_BORDER = f"border: 1px solid {ERROR_COLOR};"


def speed_from_slider(value: int) -> float:
    """Slider position (0..SPEED_TICKS) -> steps per second, log scale 1..100,000."""
    lo, hi = math.log10(MIN_SPEED), math.log10(MAX_SPEED)
    return 10 ** (lo + (hi - lo) * value / SPEED_TICKS)


def slider_from_speed(speed: float) -> int:
    """Inverse of :func:`speed_from_slider`, rounded to the nearest tick."""
    lo, hi = math.log10(MIN_SPEED), math.log10(MAX_SPEED)
    s = min(MAX_SPEED, max(MIN_SPEED, speed))
    return round((math.log10(s) - lo) / (hi - lo) * SPEED_TICKS)


def speed_text(speed: float, achieved: float | None = None) -> str:
    """'200 steps/s'; while playing, also the rate reached: '100,000 steps/s · reaching 18,214'."""
    def num(v: float) -> str:
        return f"{v:,.0f}" if v >= 10 else f"{v:.1f}"

    text = f"{num(speed)} steps/s"
    return text if achieved is None else f"{text} · reaching {num(achieved)}"


class PlaybackBar(QToolBar):
    """Step, Step N, Play/Pause, speed and Reset."""

    def __init__(self, controller, parent: QWidget | None = None):
        super().__init__("Playback", parent)
        self.setObjectName("playbackToolbar")
        self.controller = controller
        self.setMovable(False)
        self.step_button = QPushButton(tr("Step"))
        self.step_button.setObjectName("stepButton")
        self.step_button.setToolTip(tr("Take one step (→)"))
        self.step_button.clicked.connect(lambda: controller.step(1))
        self.addWidget(self.step_button)
        self.step_n_spin = QSpinBox()
        self.step_n_spin.setObjectName("stepNSpin")
        self.step_n_spin.setRange(1, 1_000_000)
        self.step_n_spin.setValue(100)
        self.step_n_spin.setToolTip(tr("How many steps Step N takes"))
        self.addWidget(self.step_n_spin)
        self.step_n_button = QPushButton(tr("Step N"))
        self.step_n_button.setObjectName("stepNButton")
        self.step_n_button.clicked.connect(lambda: controller.step_n(self.step_n_spin.value()))
        self.addWidget(self.step_n_button)
        self.play_button = QPushButton(tr("Play"))
        self.play_button.setObjectName("playButton")
        self.play_button.setToolTip(tr("Play / pause (Space)"))
        self.play_button.setCheckable(True)
        self.play_button.clicked.connect(lambda: controller.toggle_play())
        self.addWidget(self.play_button)
        self.reset_button = QPushButton(tr("Reset"))
        self.reset_button.setObjectName("resetButton")
        self.reset_button.setToolTip(tr("Back to step 0 (R)"))
        self.reset_button.clicked.connect(controller.reset)
        self.addWidget(self.reset_button)
        self.addSeparator()
        self.addWidget(QLabel(tr(" Speed ")))
        self.speed_slider = QSlider(Qt.Orientation.Horizontal)
        self.speed_slider.setObjectName("speedSlider")
        self.speed_slider.setRange(0, SPEED_TICKS)
        self.speed_slider.setMinimumWidth(140)
        self.speed_slider.setMaximumWidth(320)  # the Network tab's bar spans the window
        self.speed_slider.setToolTip(tr("Steps per second, log scale from 1 to 100,000"))
        self.speed_slider.setValue(slider_from_speed(controller.speed))
        self.speed_slider.valueChanged.connect(self._speed_moved)
        self.addWidget(self.speed_slider)
        self.speed_label = QLabel(speed_text(controller.speed))
        self.speed_label.setObjectName("speedLabel")
        # as wide as its widest text, so the toolbar does not shift while playing
        widest = speed_text(MAX_SPEED, MAX_SPEED)
        self.speed_label.setMinimumWidth(self.speed_label.fontMetrics().horizontalAdvance(widest)
                                         + 8)
        self.speed_label.setToolTip(tr("Steps per second asked for; while playing, the rate "
                                    "reached (the engine and the drawing may not keep up)"))
        self.addWidget(self.speed_label)
        controller.playing_changed.connect(self._playing)
        getattr(controller, "readout", controller.stepped).connect(self.show_speed)

    def _speed_moved(self, value: int) -> None:
        self.controller.set_speed(speed_from_slider(value))
        self.show_speed()

    def show_speed(self) -> None:
        """The speed asked for and, while playing, the one reached (from the controller)."""
        c = self.controller
        text = speed_text(c.speed, getattr(c, "achieved_speed", None))
        if self.speed_label.text() != text:
            self.speed_label.setText(text)

    def _playing(self, playing: bool) -> None:
        self.play_button.setChecked(playing)
        self.play_button.setText("Pause" if playing else "Play")
        self.show_speed()


class TimelineBar(QToolBar):
    """A slider over the recorded steps; dragging it shows the state at that step."""

    def __init__(self, controller, parent: QWidget | None = None):
        super().__init__("Timeline", parent)
        self.setObjectName("timelineToolbar")
        self.controller = controller
        self.setMovable(False)
        self.addWidget(QLabel(tr(" Timeline ")))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("timelineSlider")
        self.slider.setToolTip(tr("Scrub back to any recorded step; Step or Play returns to live"))
        self.slider.valueChanged.connect(self._moved)
        self.addWidget(self.slider)
        self.label = QLabel()
        self.label.setObjectName("timelineLabel")
        self.label.setMinimumWidth(150)
        self.addWidget(self.label)
        self._syncing = False
        for sig in (controller.stepped, controller.reset_done, controller.experiment_changed):
            sig.connect(self.sync)
        controller.cursor_changed.connect(self.sync)
        self.sync()

    def sync(self, *_args) -> None:
        """Follow the simulation: range 0..t, handle at the shown step."""
        c = self.controller
        self._syncing = True
        self.slider.setRange(0, c.sim.t)
        self.slider.setValue(c.shown_step)
        self._syncing = False
        live = "" if c.cursor < 0 else " (scrubbed)"
        self.label.setText(tr('step {0} / {1}{2}').format(c.shown_step, c.sim.t, live))

    def _moved(self, value: int) -> None:
        if not self._syncing:
            self.controller.seek(value)


class SurfaceBar(QToolBar):
    """Surface picker (``surfaceCombo``) and the surface's parameters.

    The picker ends with "Custom…" (opens the formula dialog). Once a formula surface has been
    used, an entry "Custom: <formula>" sits just before it: shown while that formula is the
    surface, and a way back to it (with its view domain) after trying another surface.
    """

    def __init__(self, controller, parent: QWidget | None = None):
        super().__init__("Surface", parent)
        self.setObjectName("surfaceToolbar")
        self.controller = controller
        self.setMovable(False)
        from gdsim.surfaces import SURFACES

        self.addWidget(QLabel(tr(" Surface ")))
        self.combo = QComboBox()
        self.combo.setObjectName("surfaceCombo")
        self.combo.setToolTip(tr("The loss surface f(x, y)"))
        for name, info in SURFACES.items():
            self.combo.addItem(getattr(info, "title", name), name)
        self.combo.addItem(tr("Custom…"), CUSTOM)
        self.combo.setItemData(self.combo.count() - 1, "Type your own f(x, y)",
                               Qt.ItemDataRole.ToolTipRole)
        # grows to fit the formula entry, which is elided to FORMULA_ENTRY_WIDTH
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.activated.connect(self._activated)
        self.last_formula: tuple[str, tuple] | None = None  # (expr: name, view domain)
        self.addWidget(self.combo)
        self.params_box = QWidget()
        self.params_layout = QHBoxLayout(self.params_box)
        self.params_layout.setContentsMargins(6, 0, 0, 0)
        self.addWidget(self.params_box)
        self.formula_label = QLabel()
        self.formula_label.setObjectName("surfaceFormulaLabel")
        self.formula_action = self.addWidget(self.formula_label)
        # a refused parameter value: the reason, beside the fields (the surface shown stays)
        self.param_error = QLabel()
        self.param_error.setObjectName("surfaceParamError")
        self.param_error.setWordWrap(True)
        self.param_error.setMaximumWidth(PARAM_ERROR_WIDTH)
        self.param_error.setStyleSheet(f"color: {ERROR_COLOR};")
        self.param_error_action = self.addWidget(self.param_error)
        self.param_error_action.setVisible(False)
        self.edits: dict[str, QLineEdit] = {}
        self._shown_key = None
        controller.experiment_changed.connect(self.sync)
        self.sync()

    def sync(self) -> None:
        """Select the current surface and rebuild the parameter editors when it changed."""
        from gdsim.surfaces import SURFACES

        exp = self.controller.experiment
        name = exp.surface
        surf = self.controller.sim.surface
        if name.startswith("expr:"):
            view = exp.view if exp.view is not None else surf.domain
            self.last_formula = (name, tuple(float(v) for v in view))
            i = self._formula_entry(name)
        else:
            i = self.combo.findData(name)
            if i < 0:
                i = self.combo.findData(CUSTOM)
        self.combo.setCurrentIndex(i)
        formula = getattr(surf, "formula", "") or ""
        self.combo.setToolTip(formula or "The loss surface f(x, y)")
        # a typed formula is already in the picker (elided there; whole in the tooltip)
        shown = "" if name.startswith("expr:") else formula
        self.formula_label.setText(f"  {shown}" if shown else "")
        self.formula_label.setToolTip(shown)
        info = SURFACES.get(name)
        params = tuple(getattr(info, "params", ())) if info is not None else ()
        key = (name, tuple(p.name for p in params))
        values = dict(getattr(surf, "params", {}) or {})
        values.update(exp.surface_params)
        if key != self._shown_key:
            self._shown_key = key
            while self.params_layout.count():
                w = self.params_layout.takeAt(0).widget()
                if w is not None:  # hide now: deleteLater waits for the event loop
                    # silent: a focused field would report editingFinished for the old
                    # surface's parameter from inside this rebuild
                    w.blockSignals(True)
                    w.hide()
                    w.setParent(None)
                    w.deleteLater()
            self.edits = {}
            for p in params:
                label = QLabel(p.name)
                edit = QLineEdit()
                edit.setObjectName(f"surfaceParam_{p.name}")
                edit.setMaximumWidth(80)
                edit.setToolTip(f"{p.help} ({p.range_text()})")
                edit.editingFinished.connect(lambda p=p: self._param_edited(p))
                self.params_layout.addWidget(label)
                self.params_layout.addWidget(edit)
                self.edits[p.name] = edit
            self.params = params
        self._set_param_error(None, "")  # the fields show the surface's values again
        for p in params:
            v = values.get(p.name, p.default)
            self.edits[p.name].setText(f"{v:g}" if isinstance(v, float) else str(v).lower()
                                       if isinstance(v, bool) else str(v))

    def param_error_text(self) -> str:
        """The refusal shown beside the surface parameters ('' when there is none)."""
        return self.param_error.text() if self.param_error_action.isVisible() else ""

    def _set_param_error(self, name: str | None, message: str) -> None:
        """Show (or clear, with '') a refusal, with a red border on field ``name``."""
        # beside the fields the surface goes without saying: 'a=1e+308: its view domain …'
        name_ = self.controller.experiment.surface
        short = message
        for prefix in (f"surface {name_} with ", f"surface {name_}: "):
            short = short.removeprefix(prefix)
        self.param_error.setText(short)
        self.param_error.setToolTip(message)
        self.param_error_action.setVisible(bool(message))
        self.formula_action.setVisible(not message)  # the reason takes the formula's room
        for key, edit in self.edits.items():
            edit.setStyleSheet(ERROR_BORDER if message and key == name else "")

    def _param_edited(self, p) -> None:
        """Apply a typed surface parameter, or refuse it beside the field with the reason
        (the value is checked, then the surface it gives must be drawable)."""
        c = self.controller
        exp = c.experiment
        edit = self.edits.get(p.name)
        if edit is None or p not in self.params:  # a field of a surface no longer shown
            return
        try:
            value = p.check(edit.text(), exp.surface)
            if exp.surface_params.get(p.name) == value:
                self._set_param_error(None, "")
                return
            c.apply(c.surface_experiment(exp.surface, {**exp.surface_params, p.name: value}))
        except GdsimError as e:  # the typed text stays, to be corrected; the surface too
            self._set_param_error(p.name, str(e))
            c.error.emit(str(e))  # the status bar says it too
            return
        self._set_param_error(None, "")

    def _formula_entry(self, name: str) -> int:
        """Index of the "Custom: <formula>" entry for ``expr:`` surface ``name``, inserted
        before "Custom…" or updated in place (one such entry: the latest formula)."""
        formula = name[len("expr:"):].strip()
        custom = self.combo.findData(CUSTOM)
        text = self.combo.fontMetrics().elidedText(
            f"Custom: {formula}", Qt.TextElideMode.ElideRight, FORMULA_ENTRY_WIDTH)
        i = custom - 1
        if str(self.combo.itemData(i)).startswith("expr:"):
            self.combo.setItemText(i, text)
            self.combo.setItemData(i, name)
        else:
            i = custom
            self.combo.insertItem(i, text, name)
        self.combo.setItemData(i, f"f(x, y) = {formula}", Qt.ItemDataRole.ToolTipRole)
        return i

    def _activated(self, index: int) -> None:
        name = self.combo.itemData(index)
        if name == CUSTOM:
            self.open_custom()
        elif name == self.controller.experiment.surface:
            return
        elif name.startswith("expr:"):  # back to the last formula, over its own domain
            domain = self.last_formula[1] if self.last_formula else None
            params = {"domain": domain} if domain else {}
            if not self.controller.set_surface(name, params):
                self.sync()
        elif not self.controller.set_surface(name):
            self.sync()

    def open_custom(self) -> None:
        """Ask for a formula (``ui.formula_dialog.FormulaDialog``) and switch to it.

        The dialog starts from the current formula and view domain; on a built-in surface,
        from the last formula used (if any) and its domain, else empty over the current view.
        """
        exp = self.controller.experiment
        try:
            from ui.formula_dialog import FormulaDialog
        except ImportError:
            self.controller.error.emit(tr("Custom surfaces are not available in this build"))
            self.sync()
            return
        view = exp.view if exp.view is not None else self.controller.sim.surface.domain
        text, domain = "", tuple(float(v) for v in view)
        if exp.surface.startswith("expr:"):
            text = exp.surface[len("expr:"):]
        elif self.last_formula is not None:
            name, domain = self.last_formula
            text = name[len("expr:"):]
        dlg = FormulaDialog(self.window(), text, domain)
        if dlg.exec():
            formula, dom = dlg.formula, tuple(dlg.domain)
            self.controller.set_surface("expr:" + formula, {"domain": dom})
        self.sync()
