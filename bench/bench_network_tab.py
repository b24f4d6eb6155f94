"""Network tab training speed against the CLI's (issue 15.5), offscreen.

    python bench/bench_network_tab.py [--repeats R] [--seconds S]

CLI rate: ``Trainer.step`` in a loop, as ``gdsim train`` does (steps/s). Tab rate: the
Network tab (default experiment: moons, 2-8-8-1 tanh, four optimizers, full batch) playing
at full speed under its real Play timer for S seconds, every panel drawing every frame;
steps/s as the tab's own readout measures it. Both measured in the same run, alternated;
prints the medians and the ratio CLI/tab (the target is ≤ 2).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the app and the CLI set it
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def cli_rate(seconds: float) -> tuple[float, float]:
    """Steps per second (wall, CPU) of a bare Trainer on the tab's default experiment."""
    import dataclasses

    from gdsim.nn.training import Trainer
    from ui.network.controller import default_network_experiment

    tr = Trainer(dataclasses.replace(default_network_experiment(), epochs=10**6))
    tr.step(20)  # warm caches
    t0, c0 = time.perf_counter(), time.thread_time()
    n = 0
    while time.perf_counter() - t0 < seconds:
        n += tr.step(50)
    return n / (time.perf_counter() - t0), n / (time.thread_time() - c0)


def tab_rate(app, seconds: float) -> tuple[float, float, float, float]:
    """(steps/s wall, steps per main-thread CPU second, the tab's own achieved-rate
    readout, frames/s) at full speed."""
    import dataclasses

    from ui.network.controller import default_network_experiment
    from ui.network.mode import NetworkMode

    m = NetworkMode(None, dataclasses.replace(default_network_experiment(), epochs=10**6))
    m.resize(1500, 950)
    m.show()
    app.processEvents()
    c = m.controller
    c.set_speed(100_000)
    shown: list[float] = []
    frames: list[int] = []
    c.rate_changed.connect(shown.append)
    c.stepped.connect(lambda: frames.append(1))
    c.play()
    t0, c0 = time.perf_counter(), time.thread_time()
    s0 = c.sim.t
    while time.perf_counter() - t0 < seconds:
        app.processEvents()
    took, cpu = time.perf_counter() - t0, time.thread_time() - c0
    rate = (c.sim.t - s0) / took
    cpu_rate = (c.sim.t - s0) / cpu
    c.pause()
    m.close()
    m.deleteLater()
    app.processEvents()
    readout = [r for r in shown if r > 0]
    return rate, cpu_rate, (readout[-1] if readout else float("nan")), len(frames) / took


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=3.0)
    args = ap.parse_args()
    from ui.app import make_application

    app = make_application()
    cli, cli_cpu, tab, tab_cpu, readout, fps = [], [], [], [], [], []
    for _ in range(args.repeats):
        w, cp = cli_rate(args.seconds)
        cli.append(w)
        cli_cpu.append(cp)
        r, rc, shown, f = tab_rate(app, args.seconds)
        tab.append(r)
        tab_cpu.append(rc)
        readout.append(shown)
        fps.append(f)
    med = statistics.median
    c, t = med(cli), med(tab)
    print(f"CLI (Trainer.step)      {c:8.0f} steps/s wall, {med(cli_cpu):8.0f} per CPU s"
          f"  (medians of {args.repeats})")
    print(f"Network tab, Play, max  {t:8.0f} steps/s wall, {med(tab_cpu):8.0f} per CPU s"
          f"  (tab readout {med(readout):.0f}, {med(fps):.0f} frames/s)")
    print(f"ratio CLI / tab         {c / t:8.2f} wall, {med(cli_cpu) / med(tab_cpu):8.2f} CPU"
          "  (target ≤ 2; on a shared machine the CPU figure is the steadier)")


if __name__ == "__main__":
    main()
