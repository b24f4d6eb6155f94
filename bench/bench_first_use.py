"""First use of the parts built on demand: the Network tab and the Why dock, each opened for
the first time in a fresh process, against the main window's own construction in the same
process (the baseline: the ratio is the steadier figure on a shared machine).

    python bench/bench_first_use.py [--launches 5]

Each launch builds the main window offscreen at 1440×900 (NumPy passes: numba's loading is
not what is timed), then opens the Network tab and, after stepping the surfaces 300 steps,
the Why dock; each time is from the call to the end of the events it posts. Medians printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import time
from ui.app import make_application
app = make_application(["bench"])
from PySide6.QtWidgets import QApplication
from ui.main_window import MainWindow
t0 = time.perf_counter()
win = MainWindow(autosave=False)
win.resize(1440, 900)
win.show()
QApplication.processEvents()
build = time.perf_counter() - t0
t0 = time.perf_counter()
win.mode_tabs.setCurrentIndex(1)
QApplication.processEvents()
network = time.perf_counter() - t0
win.mode_tabs.setCurrentIndex(0)
win.controller.step(300)
QApplication.processEvents()
t0 = time.perf_counter()
win.why.act_why.trigger()
QApplication.processEvents()
why = time.perf_counter() - t0
print(build, network, why)
"""


def launch(env: dict) -> tuple[float, float, float]:
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True)
    build, network, why = (float(v) for v in out.stdout.split()[-3:])
    return build, network, why


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--launches", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "GDSIM_KERNELS": "numpy",
               "XDG_CONFIG_HOME": f"{tmp}/config", "XDG_DATA_HOME": f"{tmp}/data",
               "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}
        launch(env)  # warm the file cache, not counted
        runs = [launch(env) for _ in range(args.launches)]
    build, network, why = (statistics.median(r[i] for r in runs) for i in range(3))
    print(f"{args.launches} launches, medians (offscreen):")
    print(f"  main window built and shown     {build * 1e3:7.0f} ms (baseline)")
    print(f"  Network tab, first open         {network * 1e3:7.0f} ms = {network / build:.2f}× "
          "the window")
    print(f"  Why dock, first open (300 steps) {why * 1e3:6.0f} ms = {why / build:.2f}× "
          "the window")


if __name__ == "__main__":
    main()
