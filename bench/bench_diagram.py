"""Network diagram frame cost at 6 hidden layers × 8 neurons against a 1 × 2 network in the
same run (target: ≥ 30 fps, so ≤ 33 ms a frame): "refresh" is the panel's update (node maps,
link pens, tooltips' numbers), "frame" that plus the scene's update and painting the diagram
(what the screen waits for). The weights move one training step between repeats (not
timed), as during Play. Then the loss landscape 41×41 on the spiral net (target ≤ 1 s).

Run: ``QT_QPA_PLATFORM=offscreen python bench/bench_diagram.py``.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# this checkout's code, not whichever one the environment has installed
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def cpu_and_wall_ms(fn) -> tuple[float, float]:
    """One call's CPU time of this process and wall time (ms): on a shared, loaded machine
    the CPU time is the steadier figure of what a frame costs."""
    c0, t0 = time.process_time(), time.perf_counter()
    fn()
    return 1000 * (time.process_time() - c0), 1000 * (time.perf_counter() - t0)


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
        m.resize(1400, 900)
        m.show()
        m.controller.step(20)
        m.open_diagram()
        w = getattr(m, "diagram_panel", None) or m.diagram_window
        w.plot.setFixedSize(880, 530)  # the same picture size whatever the layout around it
        app.processEvents()
        sim = m.controller.sim

        def refresh(w=w):
            w.refresh()

        def frame(w=w):
            w.refresh()
            app.processEvents()  # the scene's update of the changed items, and the paint

        for key, fn in (("refresh", refresh), ("frame", frame)):
            cpu, wall = [], []
            for _ in range(31):
                sim.step(1)  # new weights each time, as during Play (not timed)
                app.processEvents()  # (nor is what the last one left to paint)
                c, t = cpu_and_wall_ms(fn)
                cpu.append(c)
                wall.append(t)
            out[name, key] = statistics.median(cpu), statistics.median(wall)
        m.controller.pause()
        m.close()
    for (name, key), (cpu, wall) in out.items():
        print(f"diagram {key:<8} {name:<18} CPU {cpu:7.2f} ms   wall {wall:7.2f} ms")
    for key in ("refresh", "frame"):
        a, b = out["6 × 8", key], out["1 × 2 (baseline)", key]
        print(f"{key}: 6 × 8 / baseline: CPU {a[0] / b[0]:.1f}×, wall {a[1] / b[1]:.1f}×")
    print("≥ 30 fps needs a frame ≤ 33 ms")
    tr = Trainer(NNExperiment(dataset="spiral", samples=500, hidden=(16, 16), loss="ce",
                              runs=[RunSpec("adam", {"lr": 0.01})], epochs=200))
    tr.run()
    ev = median_ms(lambda: tr.objective(0), 21)
    ls = median_ms(lambda: L.landscape(tr, 0, n=41), 3)
    print(f"landscape 41×41 spiral 2-16-16-3: {ls:.0f} ms (one evaluation of the objective "
          f"{ev:.2f} ms, so {ls / ev:.0f} evaluations' worth for 1,681 points; target ≤ 1000)")


if __name__ == "__main__":
    main()
