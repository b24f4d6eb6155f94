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
         "ui.animate", "ui.animate_dialog")

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
    # the surface plot's first paint waited for no heavy module, isoline or colour bar
    assert out["at_paint"] == [[], 0, True], out["at_paint"]
    assert out["isolines"] > 100  # drawn just after it
    assert out["colorbar"] == [True, True, "f − min f", True]  # Rosenbrock: log colours
    assert out["basin"] and out["learn"]
    assert out["why"] == [True, True, True]
    assert out["network"] == ["NetworkMode", True]
