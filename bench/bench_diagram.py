"""Network diagram frame cost: one refresh (node maps + link pens + tooltips) at 6 hidden
layers × 8 neurons against a 1 × 2 network in the same run (target: ≥ 30 fps, ≤ 33 ms);
and the loss landscape 41×41 on the spiral net (target ≤ 1 s).

Run: ``QT_QPA_PLATFORM=offscreen python bench/bench_diagram.py``.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def median_ms(fn, repeats: int = 21) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def main() -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv)
    from gdsim.experiment import RunSpec
    from gdsim.nn import landscape as L
    from gdsim.nn.training import NNExperiment, Trainer
    from ui.network.mode import NetworkMode

    out = {}
    for name, hidden in (("1 × 2 (baseline)", (2,)), ("6 × 8", (8,) * 6)):
        m = NetworkMode(None, NNExperiment(dataset="spiral", hidden=hidden, epochs=100,
                                           runs=[RunSpec("adam", {"lr": 0.01})]))
        m.show()
        m.controller.step(20)
        m.open_diagram()
        app.processEvents()
        out[name] = median_ms(m.diagram_window.refresh)
        m.close()
    for name, ms in out.items():
        print(f"diagram refresh {name:<18} {ms:7.2f} ms")
    print(f"6 × 8 / baseline: {out['6 × 8'] / out['1 × 2 (baseline)']:.1f}×  (≥ 30 fps needs "
          "≤ 33 ms)")
    tr = Trainer(NNExperiment(dataset="spiral", samples=500, hidden=(16, 16), loss="ce",
                              runs=[RunSpec("adam", {"lr": 0.01})], epochs=200))
    tr.run()
    ev = median_ms(lambda: tr.objective(0), 21)
    ls = median_ms(lambda: L.landscape(tr, 0, n=41), 3)
    print(f"landscape 41×41 spiral 2-16-16-3: {ls:.0f} ms (one evaluation of the objective "
          f"{ev:.2f} ms, so {ls / ev:.0f} evaluations' worth for 1,681 points; target ≤ 1000)")


if __name__ == "__main__":
    main()
