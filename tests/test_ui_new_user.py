"""Issues 13 and 14: what a new user stumbles on in the Surfaces and Network tabs (offscreen).

Each test fails on the code before its fix: huge surface parameters, the plot's aspect, the
Network curves' legend, run colours, the hover readouts, keyboard focus and SVG export.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from gdsim.errors import GdsimError
from ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def sandbox(isolated_app_state, monkeypatch):
    """QSettings and autosave in tmp; any dialog fails the test."""
    def unexpected(*_a, **_k):
        raise AssertionError("unexpected dialog")

    for name in ("getOpenFileName", "getSaveFileName"):
        monkeypatch.setattr(QFileDialog, name, unexpected)
    for kind in ("warning", "critical", "information", "about"):
        monkeypatch.setattr(QMessageBox, kind, unexpected)
    return isolated_app_state


@pytest.fixture
def win(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    yield w
    w.controller.pause()


def type_into(edit, text: str) -> None:
    edit.setText(text)
    edit.editingFinished.emit()


# ----------------------------------------------------------- 13.1 huge surface parameters


@pytest.mark.parametrize("surface, param, value, reason", [
    ("rosenbrock", "a", "1e308", "not finite"),
    ("rosenbrock", "a", "-1e300", "not finite"),
    ("linreg", "noise", "1e300", "no width"),
    ("logreg", "noise", "1e308", "not finite anywhere"),
])
def test_a_parameter_that_breaks_the_view_is_refused_inline(win, surface, param, value, reason):
    c = win.controller
    assert c.set_surface(surface)
    bar, sv = win.surface_bar, win.surface_view
    before = c.experiment
    image = np.array(sv.image.image, copy=True)
    view = sv.vb.viewRange()
    type_into(bar.edits[param], value)  # raised in a slot before the fix
    assert c.experiment is before and c.experiment.surface_params == {}
    np.testing.assert_array_equal(sv.image.image, image)  # the surface shown stays
    assert sv.vb.viewRange() == view
    error = bar.param_error_text()
    assert reason in error and f"{param}=" in error
    assert "border" in bar.edits[param].styleSheet()
    assert bar.edits[param].text() == value  # kept, to be corrected
    assert "Refused" in win.statusBar().currentMessage()
    type_into(bar.edits[param], "2")  # a good value clears the refusal
    assert c.experiment.surface_params == {param: 2.0} and bar.param_error_text() == ""
    assert bar.edits[param].styleSheet() == ""


def test_refusal_is_raised_by_the_call_and_nothing_changes(win):
    c = win.controller
    before = c.experiment
    with pytest.raises(GdsimError, match="a=1e"):
        c.apply(c.surface_experiment("rosenbrock", {"a": 1e308}))
    assert c.experiment is before
    assert c.set_surface("rosenbrock", {"a": 1e200}) is False
    assert c.experiment is before


# ------------------------------------------------------------------ 13.2 equal axis scales


def _units_px(win) -> tuple[float, float]:
    """Screen pixels of one unit along x and along y on the surface plot."""
    from PySide6.QtCore import QPointF

    vb = win.surface_view.vb
    o, ex, ey = (vb.mapViewToScene(QPointF(*p)) for p in ((0, 0), (1, 0), (0, 1)))
    return abs(ex.x() - o.x()), abs(ey.y() - o.y())


def test_surface_plot_keeps_one_to_one_unless_stretched(win, qtbot):
    from PySide6.QtCore import QSettings

    win.controller.set_surface("rosenbrock")  # domain 4 wide, 4 high; the panel is not square
    win.resize(1400, 700)
    qtbot.wait(10)
    ux, uy = _units_px(win)
    assert ux == pytest.approx(uy, rel=1e-3)  # a unit circle is drawn round
    act = win.act_stretch
    assert act.objectName() == "actionStretchToFill" and not act.isChecked()
    act.setChecked(True)
    qtbot.wait(10)
    ux, uy = _units_px(win)
    assert ux != pytest.approx(uy, rel=0.05)  # the domain now fills the panel
    assert QSettings().value("view/stretchToFill") in (True, "true")
    again = MainWindow()  # remembered
    qtbot.addWidget(again)
    assert again.act_stretch.isChecked() and again.surface_view.stretch


# ---------------------------------------------------------- 13.3 Network curves legend


def test_network_curves_name_their_runs_and_line_styles(win):
    from PySide6.QtWidgets import QCheckBox, QLabel

    if not win.has_network():
        pytest.skip("no Network tab")
    win.show_mode(True)
    c = win.network.controller
    assert c.add_run()
    metrics = win.network.metrics
    legend = metrics.findChild(QLabel, "networkRunLegend")
    check = metrics.findChild(QCheckBox, "networkLegendCheck")
    text = legend.text()
    for run in c.sim.runs:
        assert run.label in text and run.spec.color in text
    assert legend.isVisible() and check.isChecked()
    check.setChecked(False)
    assert not legend.isVisible()
    check.setChecked(True)
    c.set_run_color(0, "#123456")  # a new colour shows at once
    assert "#123456" in legend.text()
    for key in ("loss", "accuracy"):
        title = metrics.plots[key].getPlotItem().titleLabel.text
        assert "train" in title and "solid" in title and "test" in title and "dashed" in title


# ------------------------------------------------------------------- 14.1 run colours


def all_optimizers_experiment(steps=50, surface="rosenbrock"):
    from gdsim.optimizers import OPTIMIZERS
    from gdsim.simulation import Experiment, RunSpec

    return Experiment(surface=surface, runs=[RunSpec(name) for name in OPTIMIZERS], steps=steps)


def test_every_run_gets_its_own_colour_in_table_paths_and_curves(win):
    from PySide6.QtWidgets import QTableWidget

    from ui import theme

    c = win.controller
    assert c.set_experiment(all_optimizers_experiment())
    n = len(c.experiment.runs)
    assert n >= 13
    colors = [r.color for r in c.experiment.runs]
    assert len(set(colors)) == n
    c.step(5)
    paths = {item.opts["pen"].color().name() for item in win.surface_view.paths}
    assert len(paths) == n
    curves = {item.opts["pen"].color().name() for item in win.curves_view.lines["loss"]}
    assert len(curves) == n
    table = win.runs_panel.findChild(QTableWidget)
    swatches = {table.item(r, 1).background().color().name() for r in range(table.rowCount())}
    assert len(swatches) == n
    for _ in range(8):  # adding more runs keeps finding new colours
        assert c.add_run()
    colors = [r.color for r in c.experiment.runs]
    assert len(set(colors)) == len(colors)
    assert len({theme.run_color(i) for i in range(200)}) == 200


# ------------------------------------------------------------------ 14.2 hover readouts


def hover_curve(win, key: str, step: float):
    from PySide6.QtCore import QPointF

    pw = win.curves_view.plots[key]
    vb = pw.getPlotItem().getViewBox()
    y0, y1 = vb.viewRange()[1]
    pw.scene().sigMouseMoved.emit(vb.mapViewToScene(QPointF(step, (y0 + y1) / 2)))


@pytest.mark.parametrize("how", ["reset", "start", "preset", "runs"])
def test_curves_readout_is_cleared_when_the_runs_restart(win, how):
    from ui import files

    c = win.controller
    c.step(30)
    hover_curve(win, "loss", 12)
    label = win.curves_view.hover_label
    assert "step 12" in label.text() and "adam" in label.text()
    if how == "reset":
        c.reset()
    elif how == "start":
        c.set_start(0.5, 0.5)
    elif how == "preset":
        assert win.load_preset(files.presets()[0].path)
    else:
        assert c.remove_run(len(c.experiment.runs) - 1)
    assert "step 12" not in label.text() and "adam" not in label.text()


def test_readouts_never_push_the_plots_down(win, qtbot):
    from gdsim.simulation import RunSpec

    c = win.controller
    for _ in range(9):  # 13 runs: a long readout
        c.add_run(RunSpec("momentum"))
    c.step(30)
    qtbot.wait(10)
    cv = win.curves_view
    tops = {k: w.geometry().top() for k, w in cv.plots.items()}
    hover_curve(win, "distance", 12)
    assert "step 12" in cv.hover_label.text()
    qtbot.wait(10)
    cv.layout().activate()
    assert {k: w.geometry().top() for k, w in cv.plots.items()} == tops
    sv = win.surface_view
    top = sv.plot.geometry().top()
    hover_surface(win, 0.5, 0.5)
    sv.layout().activate()
    assert sv.plot.geometry().top() == top


def hover_surface(win, x: float, y: float) -> None:
    from PySide6.QtCore import QPointF

    sv = win.surface_view
    sv.plot.scene().sigMouseMoved.emit(sv.vb.mapViewToScene(QPointF(x, y)))


def test_surface_readout_shows_the_engines_f_and_gradient(win):
    c = win.controller
    assert c.set_surface("rosenbrock")
    sv = win.surface_view
    hover_surface(win, 0.5, 0.25)
    assert "f = 0.25" in sv.hover_label.text()  # (1 - x)² at y = x²
    text = sv.hover_text(0.5, 0.25)
    f, g = c.sim.surface.value_and_grad(np.array([0.5, 0.25]))
    assert f"f = {f:.6g}" in text and f"∇f = ({g[0]:.4g}, {g[1]:.4g})" in text
    assert c.set_surface("linreg")  # the coordinates are named as on the axes
    hover_surface(win, 1.0, 0.5)
    assert "w = " in sv.hover_label.text() and "b = " in sv.hover_label.text()
    c.reset()
    assert "f =" not in sv.hover_label.text()


# ------------------------------------------------------------------- 14.4 keyboard focus


@pytest.mark.parametrize("focus", ["stepNSpin", "timelineSlider", "playButton", "surfaceCombo",
                                   "surfacePlot", "viewTabs"])
def test_simulation_keys_work_whatever_has_focus(win, qtbot, focus):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QWidget

    c = win.controller
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=2000)
    c.step(5)
    c.seek(2)  # e.g. after clicking the timeline
    target = win.findChild(QWidget, focus)
    if focus == "viewTabs":
        target = target.tabBar()
        target.setCurrentIndex(1)  # switching tabs put focus in the Step-N box before
        target.setCurrentIndex(0)
    target.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    fw = QApplication.focusWidget()
    qtbot.keyClick(fw, Qt.Key.Key_Right)
    assert c.sim.t == 6 and c.cursor == -1  # a step, not a scrub
    qtbot.keyClick(fw, Qt.Key.Key_Space)
    assert c.playing
    qtbot.keyClick(fw, Qt.Key.Key_Space)
    assert not c.playing
    qtbot.keyClick(fw, Qt.Key.Key_R)
    assert c.sim.t == 0


def test_key_filter_follows_the_focus_not_every_event(win, qtbot, monkeypatch):
    """The keys' filter sits on the focused widget only: building the Network tab (thousands
    of events to its new widgets) passes none of them through it, and it moves with focus."""
    from PySide6.QtWidgets import QApplication, QWidget

    from ui.main_window import GlobalKeys

    seen = []
    real = GlobalKeys.eventFilter
    monkeypatch.setattr(GlobalKeys, "eventFilter",
                        lambda self, obj, ev: (seen.append(obj), real(self, obj, ev))[1])
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=2000)
    spin = win.findChild(QWidget, "stepNSpin")
    spin.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is spin)
    assert win.global_keys.watched is spin
    seen.clear()
    win.mode_tabs.setCurrentIndex(1)
    QApplication.processEvents()
    assert win.network is not None and win.network.findChildren(QWidget)
    assert set(seen) <= {spin, QApplication.focusWidget()}, {type(o).__name__ for o in seen}
    slider = win.findChild(QWidget, "timelineSlider")
    slider.setFocus()
    qtbot.waitUntil(lambda: win.global_keys.watched is slider)


def test_keys_type_into_a_text_field(win, qtbot):
    from PySide6.QtCore import Qt

    c = win.controller
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=2000)
    c.step(3)
    edit = win.surface_bar.edits["a"]
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "2 r")
    qtbot.keyClick(edit, Qt.Key.Key_Right)
    assert edit.text() == "2 r" and c.sim.t == 3 and not c.playing


# ------------------------------------------------------------------------ 14.5 SVG export


def test_svg_export_is_vector_markers_axes_and_text(win, tmp_path):
    import xml.dom.minidom

    from PySide6.QtCore import QByteArray
    from PySide6.QtGui import QColor, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    from ui import files

    win.controller.step(20)
    path = tmp_path / "surface.svg"
    files.export_image(win.panel_plot_item("surface"), path)
    text = path.read_text(encoding="utf-8")
    doc = xml.dom.minidom.parseString(text)
    images = doc.getElementsByTagName("image")
    assert len(images) == 2  # the heatmap and the colour bar's gradient, nothing else
    groups = {g.getAttribute("id"): g for g in doc.getElementsByTagName("g")}
    markers = [g for k, g in groups.items() if k.startswith("ScatterPlotItem")]
    assert markers and all(not g.getElementsByTagName("image") for g in markers)
    assert sum(len(g.getElementsByTagName("path")) for g in markers) >= 4  # run points, star
    axes = [g for k, g in groups.items() if k.startswith("AxisItem")]
    assert axes and all(not g.getElementsByTagName("image") for g in axes)
    words = [t.firstChild.data.strip() for t in doc.getElementsByTagName("text")
             if t.firstChild is not None]
    assert {"-1", "0", "1", "x", "y", "f − min f"} <= set(words)  # ticks and titles as text
    # every clip path is a definition (QtSvg drew one left among the shapes as a frame)
    assert all(c.parentNode.tagName == "defs" for c in doc.getElementsByTagName("clipPath"))
    # rendered back (as a viewer would), the colour bar's dark top shows at the right edge
    renderer = QSvgRenderer(QByteArray(text.encode()))
    size = renderer.defaultSize()
    img = QImage(size, QImage.Format.Format_ARGB32)
    img.fill(QColor("white"))
    painter = QPainter(img)
    renderer.render(painter)
    painter.end()
    dark = [(x, y) for x in range(size.width() - 80, size.width()) for y in range(0, 40)
            if QColor(img.pixel(x, y)).lightness() < 160]
    assert dark and QColor(img.pixel(size.width() // 2, 1)).lightness() > 200  # no frame


def test_an_undrawable_saved_experiment_is_refused_at_start(qtbot):
    from gdsim.simulation import Experiment, RunSpec
    from ui.controller import Controller

    exp = Experiment(surface="rosenbrock", surface_params={"a": 1e308}, runs=[RunSpec("gd")])
    with pytest.raises(GdsimError, match="not finite"):  # app.py then starts afresh
        Controller(exp)


def test_opening_an_undrawable_experiment_says_why_and_keeps_the_current_one(win, tmp_path):
    import json

    path = tmp_path / "huge.json"
    path.write_text(json.dumps({"format": "gdsim-experiment", "version": 1,
                                "surface": "rosenbrock", "surface_params": {"a": 1e308},
                                "runs": [{"optimizer": "adam"}]}))
    shown = []
    win.show_file_error = lambda title, text: shown.append((title, text))
    before = win.controller.experiment
    assert not win.open_path(str(path))
    assert win.controller.experiment is before
    assert shown and shown[0][0] == "Cannot open experiment" and "a=1e+308" in shown[0][1]
