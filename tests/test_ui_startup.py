"""Start-up (issue 12 §2): the main window is built and painted without the heavy parts the
first paint does not show; each is imported and built when the user first opens it, and works.

Run in a fresh interpreter: this test process has imported everything already."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# not needed for the first paint: third-party libraries, and our parts shown on demand
HEAVY = ("sympy", "OpenGL", "pyqtgraph.opengl", "sklearn", "torch", "scipy", "matplotlib",
         "numpy.ma", "numpy.random", "contourpy", "gdsim.nn", "gdsim.sweep", "gdsim.learn",
         "gdsim.basin", "gdsim.formula", "gdsim.kernels",
         "ui.network.mode", "ui.sweep_view", "ui.learn_panel", "ui.basin", "ui.formula_dialog",
         "ui.animate", "ui.animate_dialog", "ui.explain_view", "ui.why_panels",
         "ui.curvature_view", "gdsim.explain", "gdsim.race")

SCRIPT = r"""
import json, sys, time
from PySide6.QtCore import QCoreApplication, QEvent, QObject
from ui.app import make_application
from ui.main_window import MainWindow
from ui.surface_view import COLORBAR_PX

HEAVY = %r
app = make_application()
win = MainWindow()
sv = win.surface_view
painted = []  # at the surface plot's first paint: (heavy modules loaded, isoline points)


class Paint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not painted:
            painted.append((sorted(m for m in HEAVY if m in sys.modules), n_iso(),
                            sv._colorbar is None))
        return False


paint = Paint()
sv.plot.viewport().installEventFilter(paint)
win.show()
out = {"built": sorted(m for m in HEAVY if m in sys.modules)}
deadline = time.monotonic() + 20
def n_iso():
    x = sv.iso.getData()[0]
    return 0 if x is None else len(x)


while time.monotonic() < deadline and (n_iso() == 0 or sv._colorbar is None):
    QCoreApplication.processEvents()  # the first paint, and what was deferred past it
import pyqtgraph as pg
from ui.plot_menu import LazyMenuPlotItem
plot_items = [w.getPlotItem() for w in win.findChildren(pg.PlotWidget)]
out["plots"] = [len(plot_items), all(isinstance(p, LazyMenuPlotItem) and not p.menu_built
                                     for p in plot_items)]
out["at_paint"] = painted[0] if painted else None
out["isolines"] = n_iso()
bar = sv._colorbar  # came by itself, on the colours of the heatmap, in the room kept for it
out["colorbar"] = bar is not None and [
    bar.geometry().width() == COLORBAR_PX, bar.axis.logMode, bar.axis.labelText,
    [round(float(v), 9) for v in bar.levels()] == [round(float(v), 9)
                                                   for v in sv.image.getLevels()]]

# open each part the way a user does
win.act_basin.trigger()
out["basin"] = win.basin.image is not None and "gdsim.basin" in sys.modules
win.act_basin.trigger()
win.learn_dock.toggleViewAction().trigger()
out["learn"] = win.learn_dock.widget() is win.learn_panel and win.learn_panel.list.count() > 0
from PySide6.QtGui import QAction
win.findChild(QAction, "actionMomentumGlyphs").trigger()  # its glyphs are built now
out["glyphs"] = win.why._glyphs is not None and win.why._glyphs.act_momentum.isChecked()
win.why.act_why.trigger()
win.why.act_stability.trigger()
out["why"] = [win.findChild(object, n) is not None
              for n in ("sharpnessPlot", "raceTable", "stabilityComputeButton")]
win.mode_tabs.setCurrentIndex(1)
out["network"] = (type(win.mode_tabs.currentWidget()).__name__, "gdsim.nn" in sys.modules)
win.why.stability.cancel()
print("RESULT " + json.dumps(out), flush=True)
win.close()
"""


def test_first_paint_waits_for_no_heavy_part(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data")}
    proc = subprocess.run([sys.executable, "-c", SCRIPT % (HEAVY,)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))
    out = json.loads(line[len("RESULT "):])
    assert out["built"] == [], f"imported before the first paint: {out['built']}"
    assert out["plots"] == [5, True]  # no plot built its options menu (ui/plot_menu.py)
    # the surface plot's first paint waited for no heavy module, isoline or colour bar
    assert out["at_paint"] == [[], 0, True], out["at_paint"]
    assert out["isolines"] > 100  # drawn just after it
    assert out["colorbar"] == [True, True, "f − min f", True]  # Rosenbrock: log colours
    assert out["basin"] and out["learn"]
    assert out["why"] == [True, True, True]
    assert out["glyphs"]
    assert out["network"] == ["NetworkMode", True]


# ----------------------------------------------------- plot options menus, built on first use
def _qapp():
    from ui.app import make_application

    return make_application()


def _form_state(form) -> dict:
    from ui.plot_menu import FormState

    out = {}
    for name in FormState().controls():
        w = getattr(form, name)
        if hasattr(w, "isChecked"):
            out[name] = w.isChecked()
        elif hasattr(w, "maximum"):
            out[name] = (w.value(), w.minimum(), w.maximum())
        else:
            out[name] = [w.item(i).text() for i in range(w.count())]
    return out


def test_form_state_starts_as_pyqtgraphs_form():
    """The stand-in's defaults are those of pyqtgraph's Designer form."""
    import pyqtgraph as pg

    from ui.plot_menu import FormState

    _qapp()
    stock = pg.PlotItem(enableMenu=False)
    assert _form_state(FormState()) == _form_state(stock.ctrl)


def test_lazy_plot_item_matches_stock_plot_item():
    """Same attributes as a stock PlotItem once its menu is built; same behaviour before."""
    import pyqtgraph as pg

    from ui.plot_menu import LazyMenuPlotItem

    _qapp()
    stock, lazy = pg.PlotItem(enableMenu=False), LazyMenuPlotItem(enableMenu=False)
    for p in (stock, lazy):  # what the app and PlotItem's own methods do to the form
        p.showGrid(x=True, y=False, alpha=0.3)
        p.setLogMode(False, True)
        p.setDownsampling(ds=4, auto=False, mode="mean")
        p.setClipToView(True)
        p.addItem(pg.PlotDataItem([1, 2, 3], [1, 10, 100]))
    assert not lazy.menu_built
    assert _form_state(lazy.ctrl) == _form_state(stock.ctrl)
    assert lazy.downsampleMode() == stock.downsampleMode() == (4, False, "mean")
    assert lazy.getAxis("bottom").grid == stock.getAxis("bottom").grid
    assert lazy.curves[0].opts["logMode"] == stock.curves[0].opts["logMode"] == [False, True]
    lazy.build_menu()
    assert set(vars(stock)) - {"ctrl", "ctrlMenu", "stateGroup"} <= set(vars(lazy))
    assert type(lazy.ctrl) is type(stock.ctrl)  # the real form, with the state carried over
    assert _form_state(lazy.ctrl) == _form_state(stock.ctrl)
    assert lazy.saveState().keys() == stock.saveState().keys()
    for p in (stock, lazy):  # the real form's controls drive the plot
        p.ctrl.xGridCheck.setChecked(False)
        p.ctrl.logYCheck.setChecked(False)
    assert lazy.getAxis("bottom").grid == stock.getAxis("bottom").grid is False
    assert lazy.curves[0].opts["logMode"] == [False, False]


def test_plot_context_menus_still_work():
    """Right-click: the app's plots open no menu, as before (``enableMenu=False``); with the
    menu enabled the usual one opens, its Plot Options submenus built at that moment."""
    import pyqtgraph as pg
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from ui.plot_menu import MENU_GROUPS, plot_widget
    from ui.plots import make_plot

    app = _qapp()

    def right_click(w) -> object:
        w.resize(400, 300)
        w.show()
        QTest.qWaitForWindowExposed(w)
        QTest.mouseClick(w.viewport(), Qt.MouseButton.RightButton, pos=QPoint(200, 150))
        app.processEvents()
        popup = QApplication.activePopupWidget()
        if popup is not None:
            popup.close()
        w.hide()  # (close() would drop its PlotItem)
        return popup

    app_plot = make_plot("t", "title")
    assert right_click(app_plot) is None
    assert not app_plot.getPlotItem().menu_built
    w = plot_widget(pg.mkColor("w"), {}, enable_menu=True)
    assert not w.getPlotItem().menu_built
    menu = right_click(w)
    assert menu is not None and w.getPlotItem().menu_built
    texts = [a.text() for a in menu.actions()]
    assert "View All" in texts and "Plot Options" in texts, texts
    options = next(a.menu() for a in menu.actions() if a.text() == "Plot Options")
    assert [a.text() for a in options.actions()] == [t for t, _a in MENU_GROUPS]
    assert [a.text() for a in app_plot.getPlotItem().ctrlMenu.actions()] == [
        t for t, _a in MENU_GROUPS]  # still there when asked for
