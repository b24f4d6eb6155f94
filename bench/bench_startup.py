"""Start-up: process start to the first painted main window, against a bare PySide6 +
pyqtgraph window measured in the same run (issue 12 §2; target ≤ 0.5 s).

    python bench/bench_startup.py [--launches 9] [--platform offscreen|xcb]

Each launch is a fresh ``python main.py`` (QSettings and autosave in a temporary folder)
that prints ``gdsim: first paint`` once its window has painted, then quits; the time is
taken from just before the process is spawned to that line. The baseline is a process
that imports PySide6 and pyqtgraph, shows a QMainWindow holding one PlotWidget and reports
its first paint the same way. Launches alternate between the two; medians are printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE = r"""
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget
import pyqtgraph as pg

class First(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and isinstance(obj, QWidget):
            QApplication.instance().removeEventFilter(self)
            QTimer.singleShot(0, lambda: print("gdsim: first paint", flush=True))
        return False

app = QApplication(sys.argv[:1])
win = QMainWindow()
win.setCentralWidget(pg.PlotWidget())
win.resize(1440, 900)
f = First()
app.installEventFilter(f)
win.show()
QTimer.singleShot(60000, app.quit)
app.exec()
"""


def launch(cmd: list[str], env: dict) -> tuple[float, float]:
    """(wall, CPU) seconds from spawning ``cmd`` to its ``gdsim: first paint`` line (the
    process is killed there: what follows is not start-up). CPU = user + system time of the
    process, the steadier figure on a shared machine."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, cwd=ROOT)
    took = None
    for line in proc.stdout:
        if line.startswith("gdsim: first paint"):
            took = time.perf_counter() - t0
            break
    proc.kill()
    proc.stdout.close()
    _pid, _status, usage = os.wait4(proc.pid, 0)
    proc.returncode = -9
    if took is None:
        raise SystemExit(f"{cmd[1]} never reported its first paint")
    return took, usage.ru_utime + usage.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--launches", type=int, default=9)
    ap.add_argument("--platform", default=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "QT_QPA_PLATFORM": args.platform, "GDSIM_REPORT_SHOWN": "1",
               "GDSIM_QUIT_AFTER_MS": "60000", "XDG_CONFIG_HOME": f"{tmp}/config",
               "XDG_DATA_HOME": f"{tmp}/data", "PYTHONPATH": str(ROOT),
               "PYTHONDONTWRITEBYTECODE": "",
               # main.py sets this before numpy is imported; the bare window must too, or its
               # CPU time counts OpenBLAS's worker threads starting (CPU > wall, ratio flatters)
               "OPENBLAS_NUM_THREADS": "1"}
        bare_script = Path(tmp) / "bare.py"
        bare_script.write_text(BARE)
        app_cmd = [sys.executable, str(ROOT / "main.py")]
        bare_cmd = [sys.executable, str(bare_script)]
        launch(app_cmd, env)  # warm the file cache and write .pyc files, not counted
        launch(bare_cmd, env)
        app, bare = [], []
        for _ in range(args.launches):
            app.append(launch(app_cmd, env))
            bare.append(launch(bare_cmd, env))
    print(f"platform {args.platform}, {args.launches} launches each: median (min-max) s")
    for what, i in (("wall", 0), ("CPU", 1)):
        xa, xb = [r[i] for r in app], [r[i] for r in bare]
        a, b = statistics.median(xa), statistics.median(xb)
        print(f"  {what:4} gdsim main.py    {a:6.3f} ({min(xa):.3f}-{max(xa):.3f})   "
              f"bare PySide6+pg {b:6.3f} ({min(xb):.3f}-{max(xb):.3f})   "
              f"ratio {a / b:4.2f}, app - bare {a - b:+.3f}")
    print("  target: app ≤ 0.5 s wall (the bare window paints in ~0.34 s on an idle machine)")


if __name__ == "__main__":
    main()
