"""Network diagram frame cost at 6 hidden layers × 8 neurons against a 1 × 2 network in the
same run (target: ≥ 30 fps, so ≤ 33 ms a frame): "refresh" is the panel's update (node maps,
link pens, tooltips' numbers), "frame" that plus the scene's update and painting the diagram
(what the screen waits for). The weights move one training step between repeats (not
timed), as during Play. Then the loss landscape 41×41 on the spiral net (target ≤ 1 s)
against one evaluation per point in the same run.

Run: ``QT_QPA_PLATFORM=offscreen python bench/bench_diagram.py``.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as main.py: the app's BLAS setting
# this checkout's code, not whichever one the environment has installed
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def cpu_and_wall_ms(fn) -> tuple[float, float]:
    """One call's CPU time of this process and wall time (ms): on a shared, loaded machine
    the CPU time is the steadier figure of what a frame costs."""
    c0, t0 = time.process_time(), time.perf_counter()
    fn()
    return 1000 * (time.process_time() - c0), 1000 * (time.perf_counter() - t0)


def median_ms_cpu(fn, repeats: int) -> tuple[float, float]:
    """Medians of (wall clock, CPU time) in ms."""
    wall, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return 1000 * statistics.median(wall), 1000 * statistics.median(cpu)


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
    print(f"machine load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(wall clock grows with the load; CPU time much less)")
    ls, ls_cpu = median_ms_cpu(lambda: L.landscape(tr, 0, n=41), 5)
    print(f"landscape 41×41 spiral 2-16-16-3: {ls:.0f} ms wall, {ls_cpu:.0f} ms CPU, median "
          "of 5 (target ≤ 1000)")
    # baseline in the same run: the same grid one forward pass per point (41 of the 1,681
    # points, scaled), i.e. what the batched blocks replace
    res = L.landscape(tr, 0, n=41)
    _, bn = tr.weights(0)
    pts = [res.center + a * res.d1 + res.betas[20] * res.d2 for a in res.alphas]

    def per_point() -> None:
        for p in pts:
            tr.net.evaluate(p[None, :], tr.x_train, tr.t_train, bn[None, :])

    loop, loop_cpu = (41 * v for v in median_ms_cpu(per_point, 5))
    print(f"  baseline, one evaluation per point: {loop:.0f} ms wall, {loop_cpu:.0f} ms CPU "
          f"for 1,681 points; batched / per point: {ls / loop:.2f}× wall, "
          f"{ls_cpu / loop_cpu:.2f}× CPU")
    import numpy as np

    # the floor no NumPy implementation skips: tanh of every hidden unit at every grid point
    # for every training row (1,681 × 400 × 32), in blocks as the landscape makes them
    z = np.random.default_rng(0).standard_normal((64, len(tr.x_train), 16)) * 2
    buf = np.empty_like(z)
    reps = -(-2 * 1681 // 64)

    def tanh_floor() -> None:
        for _ in range(reps):
            np.tanh(z, out=buf)

    fl, fl_cpu = median_ms_cpu(tanh_floor, 5)
    print(f"  floor, np.tanh of the hidden units alone: {fl:.0f} ms wall, {fl_cpu:.0f} ms CPU "
          f"({100 * fl_cpu / ls_cpu:.0f}% of the landscape's CPU time)")


if __name__ == "__main__":
    main()
