"""Parameter editors and the runs panel: edits reach the controller; bad input is refused inline."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt

from gdsim.errors import GdsimError
from gdsim.params import Param
from ui.param_editor import ParamEditor, slider_range

LR = Param("lr", 0.01, "learning rate", low=0.0, low_open=True, log=True)
MOMENTUM = Param("momentum", 0.0, "heavy-ball coefficient", low=0.0, high=1.0, high_open=True)
STEPS = Param("step_size", 100, "period in steps", kind=int, low=1)
FLAG = Param("nesterov", False, "use Nesterov", kind=bool)
SPECS = (LR, MOMENTUM, STEPS, FLAG)


def type_into(qtbot, edit, text: str) -> None:
    """Replace the field's text as a user would, then press Enter."""
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


# --- ParamEditor -------------------------------------------------------------------------------


@pytest.fixture
def editor(qtbot):
    ed = ParamEditor(SPECS, {"lr": 0.05}, owner="sgd")
    qtbot.addWidget(ed)
    return ed


def test_editor_shows_given_values_and_defaults(editor):
    assert editor.values() == {"lr": 0.05, "momentum": 0.0, "step_size": 100, "nesterov": False}
    assert editor.field("lr").text() == "0.05"
    assert editor.field("step_size").text() == "100"
    assert editor.field("nesterov").isChecked() is False


def test_editor_help_is_visible_hint_and_tooltip(editor):
    from PySide6.QtWidgets import QLabel

    hint = editor.findChild(QLabel, "hint_momentum")
    assert hint.text() == "heavy-ball coefficient"
    assert "heavy-ball coefficient" in editor.field("momentum").toolTip()
    assert "0 ≤ momentum < 1" in editor.field("momentum").toolTip()


def test_valid_typed_value_is_emitted(qtbot, editor):
    with qtbot.waitSignal(editor.values_changed) as blocker:
        type_into(qtbot, editor.field("momentum"), "0.9")
    assert blocker.args[0] == {"lr": 0.05, "momentum": 0.9, "step_size": 100, "nesterov": False}
    assert editor.error_text("momentum") == ""


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("-1", "lr=-1 is out of range: need 0 < lr"),
        ("0", "lr=0 is out of range: need 0 < lr"),
        ("abc", "lr must be a number, got 'abc'"),
        ("inf", "lr must be finite"),
        ("nan", "lr must be finite"),
    ],
)
def test_invalid_lr_is_refused_inline_with_reason(qtbot, editor, text, reason):
    emitted = []
    editor.values_changed.connect(emitted.append)
    type_into(qtbot, editor.field("lr"), text)
    assert emitted == []
    assert reason in editor.error_text("lr")
    assert editor.error_text("lr").startswith("sgd: ")
    assert "d62728" in editor.field("lr").styleSheet()  # red border
    assert editor.values()["lr"] == 0.05  # the last valid value is kept
    # correcting it clears the refusal and emits
    type_into(qtbot, editor.field("lr"), "0.2")
    assert editor.error_text("lr") == "" and editor.field("lr").styleSheet() == ""
    assert emitted[-1]["lr"] == 0.2


def test_integer_param_refuses_fraction(qtbot, editor):
    type_into(qtbot, editor.field("step_size"), "2.5")
    assert "step_size must be an integer" in editor.error_text("step_size")
    type_into(qtbot, editor.field("step_size"), "20")
    assert editor.values()["step_size"] == 20 and isinstance(editor.values()["step_size"], int)


def test_error_appears_while_typing_before_enter(qtbot, editor):
    editor.field("momentum").setFocus()
    editor.field("momentum").selectAll()
    qtbot.keyClicks(editor.field("momentum"), "1.5")
    assert "need 0 ≤ momentum < 1" in editor.error_text("momentum")


def test_huge_integer_reaches_listeners_exactly(qtbot, editor):
    """Signal payloads are Python objects: no QVariant int64 overflow on the way."""
    with qtbot.waitSignal(editor.values_changed) as blocker:
        type_into(qtbot, editor.field("step_size"), str(2**63))
    assert blocker.args[0]["step_size"] == 2**63


def test_checkbox_emits_bool(qtbot, editor):
    with qtbot.waitSignal(editor.values_changed) as blocker:
        editor.field("nesterov").click()
    assert blocker.args[0]["nesterov"] is True


def test_log_slider_spans_decades_and_sets_value(qtbot, editor):
    sl = editor.slider("lr")
    lo, hi = slider_range(LR)
    assert lo == pytest.approx(1e-5) and hi == pytest.approx(10.0)
    # on a log slider the middle is the geometric mean of the ends
    with qtbot.waitSignal(editor.values_changed) as blocker:
        sl.setValue(sl.maximum() // 2)
    assert blocker.args[0]["lr"] == pytest.approx(math.sqrt(lo * hi), rel=1e-2)
    assert float(editor.field("lr").text()) == blocker.args[0]["lr"]
    # typing moves the slider: 1e-3 is 2/6 of the way from 1e-5 to 10
    type_into(qtbot, editor.field("lr"), "0.001")
    assert sl.value() == pytest.approx(sl.maximum() / 3, abs=1)


def test_linear_slider_ends_are_valid_values(qtbot, editor):
    sl = editor.slider("momentum")
    sl.setValue(sl.maximum())
    m = editor.values()["momentum"]
    assert 0.99 <= m < 1.0 and editor.error_text("momentum") == ""
    sl.setValue(0)
    assert editor.values()["momentum"] == 0.0


def test_set_values_does_not_emit_and_clears_errors(qtbot, editor):
    emitted = []
    editor.values_changed.connect(emitted.append)
    type_into(qtbot, editor.field("lr"), "abc")
    editor.set_values({"lr": 0.3, "nesterov": True})
    assert emitted == []
    assert editor.error_text("lr") == ""
    assert editor.values() == {"lr": 0.3, "momentum": 0.0, "step_size": 100, "nesterov": True}


def _registry_params():
    from gdsim.optimizers import OPTIMIZERS
    from gdsim.schedules import SCHEDULES
    from gdsim.surfaces import SURFACES

    for reg in (OPTIMIZERS, SCHEDULES, SURFACES):
        for name, info in reg.items():
            for p in info.params:
                if p.kind in (int, float) and not p.optional:  # the ones with a slider
                    yield pytest.param(p, id=f"{name}.{p.name}")


@pytest.mark.parametrize("param", list(_registry_params()))
def test_every_registry_slider_position_is_a_valid_value(param):
    """Over the whole slider, every position maps to a value the engine accepts, monotonically."""
    from ui.param_editor import SLIDER_TICKS, _Row

    row = _Row(param)
    ticks = [0, 1, 2, SLIDER_TICKS // 3, SLIDER_TICKS // 2, SLIDER_TICKS - 1, SLIDER_TICKS]
    values = [row.from_tick(t) for t in ticks]
    for v in values:
        assert param.check(v) == v
    assert all(a <= b for a, b in zip(values, values[1:], strict=False))
    assert values[0] < values[-1]
    # the default sits on the slider, and the slider finds it again (to a tick)
    t = row.to_tick(float(param.default))
    assert 0 <= t <= SLIDER_TICKS
    if row.lo <= param.default <= row.hi and param.kind is float:
        assert row.from_tick(t) == pytest.approx(param.default, rel=0.02, abs=1e-12)


def test_seed_has_no_slider(qtbot):
    seed = Param("seed", 0, "random seed", kind=int, low=0)
    ed = ParamEditor((seed, LR), no_slider=("seed",))
    qtbot.addWidget(ed)
    ed.show()
    assert ed.slider("seed").isHidden() and not ed.slider("lr").isHidden()


_TEXTS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-10**6, 10**6).map(str),
    st.text(alphabet="0123456789.-+eE xinfa", max_size=8),
)


@settings(max_examples=60, deadline=None)
@given(text=_TEXTS, which=st.sampled_from(SPECS[:3]))
def test_typed_text_is_accepted_exactly_when_param_check_accepts_it(qapp, text, which):
    """Property: the editor emits Param.check(text), or shows its error and emits nothing."""
    ed = ParamEditor(SPECS, owner="sgd")
    emitted = []
    ed.values_changed.connect(emitted.append)
    field = ed.field(which.name)
    field.setText(text)
    field.editingFinished.emit()
    try:
        want = which.check(text, "sgd")
    except GdsimError as exc:
        assert emitted == [] and ed.error_text(which.name) == str(exc)
        assert ed.values()[which.name] == which.default
    else:
        assert ed.error_text(which.name) == ""
        assert ed.values()[which.name] == want
        assert emitted == ([] if want == which.default else [ed.values()])
    finally:
        ed.deleteLater()


def test_form_error_is_shown_and_cleared(editor):
    editor.set_form_error("sgd: nesterov needs momentum > 0")
    assert editor.form_error() == "sgd: nesterov needs momentum > 0"
    editor.set_form_error("")
    assert editor.form_error() == ""


# --- RunsPanel -----------------------------------------------------------------------------------


@pytest.fixture
def controller(qtbot):
    from gdsim.simulation import Experiment, RunSpec
    from ui.controller import Controller

    exp = Experiment(
        surface="quadratic",
        start=(1.0, 1.0),
        runs=[RunSpec("gd", {"lr": 0.1}), RunSpec("momentum", {"lr": 0.05, "momentum": 0.9})],
        steps=200,
    )
    return Controller(exp)


@pytest.fixture
def panel(qtbot, controller):
    from ui.runs_panel import RunsPanel

    p = RunsPanel(controller)
    qtbot.addWidget(p)
    p.resize(520, 900)
    return p


def cell(panel, row: int, col: int) -> str:
    return panel.table.item(row, col).text()


def test_table_lists_runs_with_label_optimizer_hparams(panel):
    from ui.runs_panel import COL_COLOR, COL_HPARAMS, COL_LABEL, COL_OPT

    assert panel.table.objectName() == "runsTable"
    assert panel.table.rowCount() == 2
    assert cell(panel, 0, COL_LABEL) == "gd"
    from gdsim.optimizers import OPTIMIZERS

    assert cell(panel, 1, COL_OPT) == "momentum"
    assert panel.table.item(1, COL_OPT).toolTip() == OPTIMIZERS["momentum"].title
    assert cell(panel, 0, COL_HPARAMS) == "lr=0.1"
    assert cell(panel, 1, COL_HPARAMS) == "lr=0.05"  # momentum=0.9 is the default: not repeated
    color = panel.table.item(0, COL_COLOR).data(Qt.ItemDataRole.DecorationRole).name()
    assert color == panel.controller.experiment.runs[0].color


def test_live_loss_and_status_follow_steps(qtbot, panel):
    from ui.runs_panel import COL_LOSS, COL_STATUS

    ctl = panel.controller
    assert float(cell(panel, 0, COL_LOSS)) == pytest.approx(2.0)  # 1² + 1² at the start
    ctl.step(1)
    # gd lr=0.1 on x²+y²: each coordinate ×(1 − 2·0.1) = 0.8 → loss 2·0.64
    assert float(cell(panel, 0, COL_LOSS)) == pytest.approx(1.28, rel=1e-4)
    assert cell(panel, 0, COL_STATUS) == "running"
    ctl.step(500)
    assert cell(panel, 0, COL_STATUS).startswith(ctl.sim.runs[0].status)
    assert cell(panel, 0, COL_STATUS) != "running"
    ctl.seek(1)
    assert float(cell(panel, 0, COL_LOSS)) == pytest.approx(1.28, rel=1e-4)
    assert cell(panel, 0, COL_STATUS) == "running"  # at step 1 the run had not stopped yet


def test_diverged_run_is_marked_in_red(qtbot, panel):
    from ui.runs_panel import COL_STATUS, DIVERGED_COLOR

    ctl = panel.controller
    type_into(qtbot, panel.hparam_editor.field("lr"), "1.5")  # |1 − 2·1.5| = 2: diverges
    ctl.step(200)
    run = ctl.sim.runs[0]
    assert run.status == "diverged"
    assert cell(panel, 0, COL_STATUS) == "diverged"
    assert panel.table.item(0, COL_STATUS).foreground().color().name() == DIVERGED_COLOR
    tip = panel.table.item(0, COL_STATUS).toolTip()
    assert tip == f"diverged at step {run.steps}: {run.reason}"


def test_add_remove_duplicate_go_through_controller(qtbot, panel):
    ctl = panel.controller
    add = panel.findChild(type(panel.add_button), "addRunButton")
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    assert [r.optimizer for r in ctl.experiment.runs] == ["gd", "momentum", "adam"]
    assert panel.table.rowCount() == 3 and panel.selected == 2
    colors = [r.color for r in ctl.experiment.runs]
    assert len(set(colors)) == 3  # the new run got its own colour

    panel.select(1)
    qtbot.mouseClick(panel.duplicate_button, Qt.MouseButton.LeftButton)
    runs = ctl.experiment.runs
    assert [r.optimizer for r in runs] == ["gd", "momentum", "momentum", "adam"]
    assert runs[2].hparams == runs[1].hparams and runs[2].color != runs[1].color
    assert panel.selected == 2

    panel.select(0)
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    assert [r.optimizer for r in ctl.experiment.runs] == ["momentum", "momentum", "adam"]
    assert panel.table.rowCount() == 3


def test_enable_checkbox_disables_run(qtbot, panel):
    from ui.runs_panel import COL_ENABLED, COL_STATUS

    ctl = panel.controller
    panel.table.item(1, COL_ENABLED).setCheckState(Qt.CheckState.Unchecked)
    assert ctl.experiment.runs[1].enabled is False
    assert len(ctl.sim.runs) == 1
    assert cell(panel, 1, COL_STATUS) == "off"
    panel.table.item(1, COL_ENABLED).setCheckState(Qt.CheckState.Checked)
    assert ctl.experiment.runs[1].enabled is True and len(ctl.sim.runs) == 2


def test_recolour_uses_color_dialog(qtbot, panel, monkeypatch):
    from PySide6.QtGui import QColor

    from ui import runs_panel
    from ui.runs_panel import COL_COLOR

    asked = []

    def fake_get_color(initial, parent=None, title=""):
        asked.append(initial.name())
        return QColor("#123456")

    monkeypatch.setattr(runs_panel.QColorDialog, "getColor", staticmethod(fake_get_color))
    old = panel.controller.experiment.runs[1].color
    panel.table.cellClicked.emit(1, COL_COLOR)
    assert asked == [old]  # the dialog opens on the run's current colour
    assert panel.controller.experiment.runs[1].color == "#123456"
    assert panel.table.item(1, COL_COLOR).data(Qt.ItemDataRole.DecorationRole).name() == "#123456"

    # cancelling the dialog (invalid colour) changes nothing
    monkeypatch.setattr(runs_panel.QColorDialog, "getColor", staticmethod(lambda *a: QColor()))
    before = panel.controller.experiment
    panel.table.cellClicked.emit(1, COL_COLOR)
    assert panel.controller.experiment is before


def test_rename_label_in_table(qtbot, panel):
    from ui.runs_panel import COL_LABEL

    panel.table.item(0, COL_LABEL).setText("slow GD")
    assert panel.controller.experiment.runs[0].label == "slow GD"
    assert cell(panel, 0, COL_LABEL) == "slow GD"


def test_hparam_edit_reaches_controller(qtbot, panel):
    panel.select(0)
    type_into(qtbot, panel.hparam_editor.field("lr"), "0.2")
    assert panel.controller.experiment.runs[0].hparams["lr"] == 0.2
    from ui.runs_panel import COL_HPARAMS

    assert cell(panel, 0, COL_HPARAMS) == "lr=0.2"


@pytest.mark.parametrize("text", ["-1", "abc", "inf"])
def test_invalid_lr_refused_and_nothing_changes(qtbot, panel, text):
    ctl = panel.controller
    panel.select(1)
    before = ctl.experiment
    errors = []
    ctl.error.connect(errors.append)
    type_into(qtbot, panel.hparam_editor.field("lr"), text)
    assert ctl.experiment is before
    assert "lr" in panel.hparam_editor.error_text("lr")
    assert panel.hparam_editor.error_text("lr").startswith("momentum: lr")
    assert errors == []  # refused in the editor, never sent


def test_cross_parameter_rule_refused_inline(qtbot, panel):
    """nesterov with momentum 0 is refused (torch's rule) with the engine's reason."""
    ctl = panel.controller
    panel.select(1)
    idx = panel.optimizer_combo.findData("sgd")
    panel.optimizer_combo.setCurrentIndex(idx)
    panel.optimizer_combo.activated.emit(idx)
    assert ctl.experiment.runs[1].optimizer == "sgd"
    before = ctl.experiment
    panel.hparam_editor.field("nesterov").click()
    assert ctl.experiment is before
    assert "nesterov" in panel.hparam_editor.form_error()


def test_changing_optimizer_swaps_editors_and_formula(qtbot, panel):
    from gdsim.optimizers import OPTIMIZERS

    panel.select(0)
    assert panel.formula.text() == OPTIMIZERS["gd"].formula
    assert panel.hparam_editor.values().keys() == {p.name for p in OPTIMIZERS["gd"].params}
    idx = panel.optimizer_combo.findData("adam")
    panel.optimizer_combo.setCurrentIndex(idx)
    panel.optimizer_combo.activated.emit(idx)
    run = panel.controller.experiment.runs[0]
    assert run.optimizer == "adam" and run.hparams == {}
    assert panel.formula.text() == OPTIMIZERS["adam"].formula
    names = [p.name for p in OPTIMIZERS["adam"].params]
    assert list(panel.hparam_editor.values()) == names
    assert panel.hparam_editor.values()["lr"] == OPTIMIZERS["adam"].params[0].default
    assert panel.formula.font().fixedPitch() or "mono" in panel.formula.font().family().lower()


def test_optimizer_combo_lists_all_optimizers(panel):
    from gdsim.optimizers import OPTIMIZERS

    combo = panel.optimizer_combo
    assert [combo.itemData(i) for i in range(combo.count())] == list(OPTIMIZERS)


def test_schedule_choice_and_params_reach_controller(qtbot, panel):
    from gdsim.schedules import SCHEDULES

    panel.select(0)
    idx = panel.schedule_combo.findData("step")
    panel.schedule_combo.setCurrentIndex(idx)
    panel.schedule_combo.activated.emit(idx)
    assert panel.controller.experiment.runs[0].schedule == "step"
    assert list(panel.schedule_editor.values()) == [p.name for p in SCHEDULES["step"].params]
    type_into(qtbot, panel.schedule_editor.field("gamma"), "0.3")
    assert panel.controller.experiment.runs[0].schedule_params["gamma"] == 0.3


def test_settings_reach_controller(qtbot, panel):
    ctl = panel.controller
    ed = panel.settings_editor
    type_into(qtbot, ed.field("noise"), "0.5")
    assert ctl.experiment.noise == 0.5
    type_into(qtbot, ed.field("seed"), "7")
    assert ctl.experiment.seed == 7
    type_into(qtbot, ed.field("steps"), "50")
    assert ctl.experiment.steps == 50
    type_into(qtbot, ed.field("tol"), "1e-6")
    assert ctl.experiment.tol == 1e-6
    before = ctl.experiment
    type_into(qtbot, ed.field("noise"), "-1")
    assert ctl.experiment is before and "noise" in ed.error_text("noise")


def test_data_surface_shows_batch_size_instead_of_noise(qtbot, panel):
    ctl = panel.controller
    assert ctl.set_surface("linreg")
    ed = panel.settings_editor
    n = ctl.sim.surface.n_samples
    assert n > 1
    assert "noise" not in ed.values() and ed.values()["batch_size"] == n
    type_into(qtbot, ed.field("batch_size"), "8")
    assert ctl.experiment.batch_size == 8
    type_into(qtbot, ed.field("batch_size"), str(n + 1))
    assert ctl.experiment.batch_size == 8
    assert f"batch_size ≤ {n}" in ed.error_text("batch_size")


def test_panel_says_edits_restart_runs(panel):
    from PySide6.QtWidgets import QLabel

    note = panel.findChild(QLabel, "restartNote")
    assert "restart" in note.text().lower()


def test_duplicate_label_is_refused_and_table_restored(qtbot, panel):
    from ui.runs_panel import COL_LABEL

    ctl = panel.controller
    panel.table.item(0, COL_LABEL).setText("slow")
    before = ctl.experiment
    panel.table.item(1, COL_LABEL).setText("slow")  # labels the user gives must be unique
    assert ctl.experiment is before
    assert cell(panel, 1, COL_LABEL) == "momentum"
    assert "'slow' is given to more than one run" in panel.run_error.text()
    assert not panel.run_error.isHidden()


def test_removing_every_run_leaves_an_empty_disabled_editor(qtbot, panel):
    ctl = panel.controller
    for _ in range(2):
        qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    assert ctl.experiment.runs == [] and panel.table.rowCount() == 0
    assert panel.selected == -1
    assert not panel.run_box.isEnabled() and not panel.remove_button.isEnabled()
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert [r.optimizer for r in ctl.experiment.runs] == ["adam"] and panel.selected == 0
    assert panel.run_box.isEnabled()


def test_panel_deleted_before_controller_is_disconnected(qtbot, controller):
    """A closed panel must not be called by the controller's later signals."""
    from ui.runs_panel import RunsPanel

    p = RunsPanel(controller)
    p.deleteLater()
    qtbot.wait(10)
    controller.step(3)
    controller.seek(1)
    controller.add_run()
    assert len(controller.experiment.runs) == 3


def test_recolour_repaints_without_restarting_the_runs(qtbot, panel, monkeypatch):
    from PySide6.QtGui import QColor

    from ui import runs_panel
    from ui.runs_panel import COL_COLOR

    ctl = panel.controller
    ctl.step(20)
    sim = ctl.sim
    monkeypatch.setattr(runs_panel.QColorDialog, "getColor",
                        staticmethod(lambda *a, **k: QColor("#654321")))
    resets = []
    ctl.reset_done.connect(lambda: resets.append(1))
    panel.table.cellClicked.emit(0, COL_COLOR)
    assert ctl.sim is sim and sim.t == 20 and resets == []  # nothing restarted
    assert sim.runs[0].spec.color == "#654321"
    assert panel.table.item(0, COL_COLOR).data(Qt.ItemDataRole.DecorationRole).name() == "#654321"
    assert "colour" in panel.note.text() and "restarts" in panel.note.text()


def test_columns_sized_to_content_in_the_narrowest_dock(qtbot, controller):
    from gdsim.simulation import RunSpec
    from ui.runs_panel import COL_HPARAMS, COL_LABEL, COL_STATUS, HEADERS, MIN_WIDTH, RunsPanel

    spec = RunSpec("momentum", {"lr": 2.5, "momentum": 0.5, "dampening": 0.1},
                   label="a long label")
    controller.add_run(spec)  # diverges: the widest status text
    p = RunsPanel(controller)
    qtbot.addWidget(p)
    p.resize(MIN_WIDTH, 900)
    p.show()
    qtbot.waitExposed(p)
    controller.step(200)
    assert controller.sim.runs[2].status == "diverged"
    qtbot.wait(10)  # the header lays out its content-sized sections
    t, hh = p.table, p.table.horizontalHeader()
    assert [t.item(i, COL_STATUS).text() for i in range(3)] == \
        ["converged", "max steps", "diverged"]
    for c in range(2, len(HEADERS)):  # nothing cut or elided: a wide table scrolls sideways
        assert hh.sectionSize(c) >= max(t.sizeHintForColumn(c),
                                        hh.sectionSizeFromContents(c).width()), HEADERS[c]
    total = sum(hh.sectionSize(c) for c in range(len(HEADERS)) if not hh.isSectionHidden(c))
    assert t.horizontalScrollBar().isVisible() == (total > t.viewport().width())
    assert t.item(2, COL_LABEL).text() == "a long label"
    assert t.item(2, COL_HPARAMS).toolTip() == t.item(2, COL_HPARAMS).text()  # full text


# --- choices, lists and optional values (SPEC §10 schedules) ---------------------------------

def test_choice_list_and_optional_editors(qtbot):
    from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit

    from gdsim.schedules import SCHEDULES

    specs = SCHEDULES["cyclic"].params + SCHEDULES["multistep"].params[:1] + (
        SCHEDULES["onecycle"].params[-1],)
    ed = ParamEditor(specs, owner="cyclic")
    qtbot.addWidget(ed)
    emitted = []
    ed.values_changed.connect(emitted.append)
    mode = ed.field("mode")
    assert isinstance(mode, QComboBox) and ed.slider("mode") is None
    assert [mode.itemText(i) for i in range(mode.count())] == ["triangular", "triangular2",
                                                               "exp_range"]
    assert isinstance(ed.field("three_phase"), QCheckBox)
    down, miles = ed.field("step_size_down"), ed.field("milestones")
    assert isinstance(down, QLineEdit) and isinstance(miles, QLineEdit)
    assert ed.slider("step_size_down") is None and ed.slider("milestones") is None
    assert down.text() == "" and down.placeholderText() == "none"
    assert miles.text() == "250/500/750"
    mode.setCurrentText("exp_range")
    assert emitted[-1]["mode"] == "exp_range"
    type_into(qtbot, miles, "300/100")
    assert "milestones=300/100 is not in increasing order" in ed.error_text("milestones")
    assert ed.values()["milestones"] == (250, 500, 750)
    type_into(qtbot, miles, "30/80/140")
    assert ed.error_text("milestones") == "" and emitted[-1]["milestones"] == (30, 80, 140)
    type_into(qtbot, down, "40")
    assert emitted[-1]["step_size_down"] == 40
    down.setFocus()
    down.selectAll()
    qtbot.keyClick(down, Qt.Key.Key_Delete)  # emptied: back to none (= step_size_up)
    qtbot.keyClick(down, Qt.Key.Key_Return)
    assert emitted[-1]["step_size_down"] is None and ed.error_text("step_size_down") == ""
    type_into(qtbot, down, "0")
    assert "need 1 ≤ step_size_down (or none)" in ed.error_text("step_size_down")
    ed.set_values({"mode": "triangular2", "milestones": (5, 6)})
    assert mode.currentText() == "triangular2" and miles.text() == "5/6"


def test_panel_edits_cyclic_and_multistep_schedules(qtbot, panel):
    ctl = panel.controller
    panel.select(0)
    for name in ("cyclic", "multistep", "plateau"):
        idx = panel.schedule_combo.findData(name)
        assert idx >= 0, name
    idx = panel.schedule_combo.findData("cyclic")
    panel.schedule_combo.setCurrentIndex(idx)
    panel.schedule_combo.activated.emit(idx)
    assert ctl.experiment.runs[0].schedule == "cyclic"
    panel.schedule_editor.field("mode").setCurrentText("triangular2")
    assert ctl.experiment.runs[0].schedule_params["mode"] == "triangular2"
    idx = panel.schedule_combo.findData("multistep")
    panel.schedule_combo.setCurrentIndex(idx)
    panel.schedule_combo.activated.emit(idx)
    type_into(qtbot, panel.schedule_editor.field("milestones"), "10/20")
    assert ctl.experiment.runs[0].schedule_params["milestones"] == (10, 20)
    before = ctl.experiment
    type_into(qtbot, panel.schedule_editor.field("milestones"), "20/10")
    assert ctl.experiment is before
