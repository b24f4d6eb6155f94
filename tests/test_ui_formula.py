"""The Custom… surface dialog: live validation with columns, domain editors, preview, results,
and its hook into the surface picker."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from gdsim.formula import DEFAULT_DOMAIN
from ui.formula_dialog import EXAMPLES, FormulaDialog, caret_text


@pytest.fixture
def dialog(qtbot):
    dlg = FormulaDialog(None, "", None)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def type_formula(qtbot, dlg, text):
    dlg.edit.clear()
    qtbot.keyClicks(dlg.edit, text)


def test_starts_empty_with_ok_disabled_and_the_default_domain(dialog):
    assert dialog.objectName() == "formulaDialog"
    assert not dialog.ok_button.isEnabled()
    assert dialog.domain == DEFAULT_DOMAIN
    assert dialog.error.text() == ""


def test_valid_formula_enables_ok_and_shows_the_exact_gradient(qtbot, dialog):
    type_formula(qtbot, dialog, "x^2 + 10*sin(y)")
    assert dialog.ok_button.isEnabled() and dialog.error.text() == ""
    qtbot.waitUntil(lambda: dialog.gradient.text() != "", timeout=60_000)
    assert "∂f/∂x = 2*x" in dialog.gradient.text()
    assert "∂f/∂y = 10*cos(y)" in dialog.gradient.text()


def test_typing_an_error_shows_message_column_and_caret_and_disables_ok(qtbot, dialog):
    type_formula(qtbot, dialog, "x + y + z")
    assert not dialog.ok_button.isEnabled()
    lines = dialog.error.text().split("\n")
    assert lines[0] == "unknown name 'z' at column 9; use x and y"
    assert lines[1] == "x + y + z" and lines[2] == " " * 8 + "^"
    assert "b00020" in dialog.error.styleSheet()  # red
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(dialog.edit, "x")
    assert dialog.error.text() == "" and dialog.ok_button.isEnabled()


@pytest.mark.parametrize("text, message", [
    ("__import__('os').system('touch F')", "'__import__' is not allowed at column 1"),
    ("x.real", "'.' (attribute access) is not allowed at column 2"),
    ("9^9^9", "is too large"),
    ("2x", "missing '*' at column 2"),
    ("x +", "formula ends with '+' at column 3"),
])
def test_hostile_or_broken_text_is_refused_live(qtbot, dialog, text, message, tmp_path,
                                                monkeypatch):
    monkeypatch.chdir(tmp_path)
    type_formula(qtbot, dialog, text)
    assert message in dialog.error.text()
    assert not dialog.ok_button.isEnabled()
    assert list(tmp_path.iterdir()) == []


def test_non_ascii_lookalike_is_refused_with_its_name(qtbot, dialog):
    dialog.edit.setText("\u0445^2 + y")  # Cyrillic х
    assert "CYRILLIC SMALL LETTER HA" in dialog.error.text()
    assert "did you mean 'x'?" in dialog.error.text()
    assert not dialog.ok_button.isEnabled()


def test_errors_only_a_full_compile_finds_appear_after_the_pause(qtbot, dialog):
    type_formula(qtbot, dialog, "sqrt(-x^2) + y")
    assert dialog.error.text() == ""  # parses fine
    qtbot.waitUntil(lambda: "not real-valued" in dialog.error.text(), timeout=60_000)
    assert not dialog.ok_button.isEnabled()


def test_domain_editors_validate_and_reset_to_the_suggestion(qtbot):
    dlg = FormulaDialog(None, "x*y", (0, 2, -1, 3))
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.domain == (0.0, 2.0, -1.0, 3.0) and dlg.ok_button.isEnabled()
    dlg.spins["xmin"].setValue(5.0)
    assert "xmin < xmax" in dlg.domain_error.text()
    assert not dlg.ok_button.isEnabled()
    qtbot.mouseClick(dlg.reset_domain, Qt.MouseButton.LeftButton)
    assert dlg.domain == (0.0, 2.0, -1.0, 3.0)
    assert dlg.domain_error.text() == "" and dlg.ok_button.isEnabled()


def test_invalid_initial_domain_falls_back_to_the_default(qtbot):
    dlg = FormulaDialog(None, "x", (1, 0, 0, 1))
    qtbot.addWidget(dlg)
    assert dlg.domain == DEFAULT_DOMAIN


def test_preview_draws_the_formula_over_the_domain(qtbot):
    dlg = FormulaDialog(None, "(x - 1)^2 + y^2", (-2, 2, -3, 3))
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.full_check()
    img = dlg.image.image
    assert img is not None and img.shape == (72, 72)  # [x, y]
    # darkest-to-lightest follows f: the minimum (1, 0) is the lightest (lowest) pixel
    i, j = np.unravel_index(np.argmin(img), img.shape)
    xs, ys = np.linspace(-2, 2, 72), np.linspace(-3, 3, 72)
    assert abs(xs[i] - 1) < 0.1 and abs(ys[j]) < 0.1
    rect = dlg.image.mapRectToParent(dlg.image.boundingRect())
    assert (rect.left(), rect.width()) == pytest.approx((-2, 4))
    assert (rect.top(), rect.height()) == pytest.approx((-3, 6))
    dlg.edit.setText("x +")
    assert dlg.image.image is None  # no stale preview of an invalid formula


def test_preview_notes_where_the_formula_is_not_finite(qtbot):
    dlg = FormulaDialog(None, "log(x) + y", (-2, 2, -1, 1))
    qtbot.addWidget(dlg)
    assert dlg.full_check()
    assert "Not finite on 50%" in dlg.preview_note.text()


def test_ok_accepts_and_exposes_formula_and_domain(qtbot):
    dlg = FormulaDialog(None, "", (-1, 1, -2, 2))
    qtbot.addWidget(dlg)
    dlg.open()
    qtbot.keyClicks(dlg.edit, "  (1 - x)^2 + 5*(y - x^2)^2 ")
    dlg.spins["ymax"].setValue(4.0)
    with qtbot.waitSignal(dlg.accepted, timeout=5000):
        qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    assert dlg.result() == QDialog.DialogCode.Accepted
    assert dlg.formula == "(1 - x)^2 + 5*(y - x^2)^2"
    assert dlg.domain == (-1.0, 1.0, -2.0, 4.0)


def test_enter_does_not_accept_a_formula_that_fails_to_compile(qtbot):
    dlg = FormulaDialog(None, "x/(y - y)", None)
    qtbot.addWidget(dlg)
    dlg.open()
    dlg.accept()  # what Enter / OK would do before the pause elapsed
    assert dlg.isVisible() and dlg.result() != QDialog.DialogCode.Accepted
    assert "undefined" in dlg.error.text() and not dlg.ok_button.isEnabled()


def test_examples_fill_formula_and_domain(qtbot, dialog):
    title, formula, dom = EXAMPLES[0]
    dialog.examples.setCurrentIndex(1)
    dialog.examples.activated.emit(1)
    assert dialog.edit.text() == formula and dialog.domain == dom
    assert dialog.ok_button.isEnabled()
    assert dialog.examples.currentIndex() == 0
    for _, text, box in EXAMPLES:  # every example is valid and compiles
        dialog.edit.setText(text)
        dialog.set_domain(box)
        assert dialog.full_check(), text


def test_caret_text_windows_long_formulas():
    text = "x + " * 30 + "z"
    out = caret_text(text, len(text), "unknown name 'z'")
    msg, shown, caret = out.split("\n")
    assert shown.startswith("…") and shown.endswith("z")
    assert caret.index("^") == shown.index("z")
    assert caret_text("x", None, "m") == "m"


def test_surface_picker_custom_entry_switches_to_the_typed_surface(qtbot, monkeypatch):
    """The app's Custom… entry opens this dialog and applies what it returns."""
    controls = pytest.importorskip("ui.controls")
    from ui.controller import Controller

    def fake_exec(self):
        self.edit.setText("x^2 + 3*y^2")
        self.set_domain((-2.0, 2.0, -1.0, 1.0))
        return self.full_check()

    monkeypatch.setattr(FormulaDialog, "exec", fake_exec)
    ctrl = Controller()
    bar = controls.SurfaceBar(ctrl)
    qtbot.addWidget(bar)
    bar.open_custom()
    assert ctrl.experiment.surface == "expr:x^2 + 3*y^2"
    surf = ctrl.sim.surface
    assert surf.domain == (-2.0, 2.0, -1.0, 1.0)
    np.testing.assert_allclose(surf.grad(np.array([1.0, 2.0])), [2.0, 12.0])
    assert bar.combo.currentText() == "Custom: x^2 + 3*y^2"


def test_picker_names_the_active_formula_and_custom_reopens_it(qtbot, monkeypatch):
    """While a typed surface is active the picker shows it (not "Custom…"); "Custom…" then
    starts from that formula and its domain; the entry leads back to it from elsewhere."""
    from ui.controller import Controller
    from ui.controls import CUSTOM, FORMULA_ENTRY_WIDTH, SurfaceBar

    answers: list = []  # (text, domain) to type, or None to cancel
    opened: list = []  # (text, domain) each dialog started from

    def fake_exec(self):
        opened.append((self.edit.text(), self.domain))
        answer = answers.pop(0)
        if answer is None:
            return False
        self.edit.setText(answer[0])
        self.set_domain(answer[1])
        return self.full_check()

    monkeypatch.setattr(FormulaDialog, "exec", fake_exec)
    ctrl = Controller()
    bar = SurfaceBar(ctrl)
    qtbot.addWidget(bar)
    combo = bar.combo
    n = combo.count()
    custom = combo.findData(CUSTOM)

    answers.append(("(1 - x)^2 + 5*(y - x^2)^2", (-2.0, 2.0, -1.0, 3.0)))
    combo.activated.emit(custom)
    assert opened[-1][0] == ""
    assert combo.count() == n + 1 and combo.itemText(combo.count() - 1) == "Custom…"
    assert combo.currentIndex() == combo.count() - 2  # the entry just before "Custom…"
    assert combo.currentText() == "Custom: (1 - x)^2 + 5*(y - x^2)^2"
    assert combo.currentData() == ctrl.experiment.surface == "expr:(1 - x)^2 + 5*(y - x^2)^2"
    assert "(1 - x)^2 + 5*(y - x^2)^2" in combo.toolTip()

    # re-opening "Custom…" starts from the current formula and domain; Cancel changes nothing
    answers.append(None)
    old = ctrl.experiment
    combo.activated.emit(combo.findData(CUSTOM))
    assert opened[-1] == ("(1 - x)^2 + 5*(y - x^2)^2", (-2.0, 2.0, -1.0, 3.0))
    assert ctrl.experiment is old and combo.currentText().startswith("Custom: (1 - x)^2")

    # a long formula replaces the entry (still one), elided, whole in the tooltips
    long = " + ".join(f"{k}*sin({k}*x + y)" for k in range(1, 16))
    answers.append((long, (-3.0, 3.0, -3.0, 3.0)))
    combo.activated.emit(combo.findData(CUSTOM))
    assert combo.count() == n + 1 and ctrl.experiment.surface == "expr:" + long
    shown = combo.currentText()
    assert shown.startswith("Custom: 1*sin(1*x + y)") and shown.endswith("…")
    assert combo.fontMetrics().horizontalAdvance(shown) <= FORMULA_ENTRY_WIDTH
    assert long in combo.itemData(combo.currentIndex(), Qt.ItemDataRole.ToolTipRole)
    assert long in combo.toolTip()

    # another surface: the entry stays and leads back to the formula over its own domain
    i = combo.findData("himmelblau")
    combo.activated.emit(i)
    assert ctrl.experiment.surface == "himmelblau" and combo.currentIndex() == i
    assert ctrl.experiment.view is None
    entry = combo.findData("expr:" + long)
    assert entry == combo.count() - 2
    combo.activated.emit(entry)
    assert ctrl.experiment.surface == "expr:" + long
    assert ctrl.experiment.view == (-3.0, 3.0, -3.0, 3.0)
    assert ctrl.sim.surface.domain == (-3.0, 3.0, -3.0, 3.0)
    # from a built-in surface "Custom…" offers the last formula to edit
    combo.activated.emit(combo.findData("quadratic"))
    answers.append(None)
    combo.activated.emit(combo.findData(CUSTOM))
    assert opened[-1] == (long, (-3.0, 3.0, -3.0, 3.0))
    assert ctrl.experiment.surface == "quadratic" and combo.currentData() == "quadratic"


def test_a_formula_given_up_front_is_compiled_when_shown(qtbot):
    dlg = FormulaDialog(None, "x*y^2", (-1, 1, -1, 1))
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitUntil(lambda: "∂f/∂y = 2*x*y" in dlg.gradient.text(), timeout=60_000)
    assert dlg.image.image is not None
