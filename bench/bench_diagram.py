"""Network diagram frame cost: one refresh (node maps + link pens + tooltips) at 6 hidden
layers × 8 neurons against a 1 × 2 network in the same run (target: ≥ 30 fps, ≤ 33 ms);
and the loss landscape 41×41 on the spiral net (target ≤ 1 s) against one evaluation per
point in the same run.

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
    ls = median_ms(lambda: L.landscape(tr, 0, n=41), 5)
    print(f"landscape 41×41 spiral 2-16-16-3: {ls:.0f} ms, median of 5 (target ≤ 1000)")
    # baseline in the same run: the same grid one forward pass per point (41 of the 1,681
    # points, scaled), i.e. what the batched blocks replace
    res = L.landscape(tr, 0, n=41)
    _, bn = tr.weights(0)
    pts = [res.center + a * res.d1 + res.betas[20] * res.d2 for a in res.alphas]

    def per_point() -> None:
        for p in pts:
            tr.net.evaluate(p[None, :], tr.x_train, tr.t_train, bn[None, :])

    loop = median_ms(per_point, 5) * 41
    print(f"  baseline, one evaluation per point: {loop:.0f} ms for 1,681 points "
          f"({loop / 1681:.2f} ms each); batched / per point: {ls / loop:.2f}×")

if __name__ == "__main__":
    main()
