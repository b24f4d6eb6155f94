"""UI performance figures (offscreen): frame time during Play, surface switch, first paint.

    python bench/bench_ui.py [--repeats R]

Frame = one Play tick (step + every view's redraw) + Qt processing the paint events.
Wall time and main-thread CPU time are both printed: on a shared machine the CPU time is
the steadier figure (other processes inflate the wall time).
The heavy case is 8 runs whose trajectories hold 100,000 points; the baseline, measured in
the same run, is 1 run with a short trajectory. Prints medians (ms) and ratios.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

OPTIMIZERS = ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "radam"]
CPU: list[float] = []  # main-thread CPU ms per frame (median) of each frame_times call
SURFACES = ["rosenbrock", "himmelblau", "rastrigin", "ackley", "beale", "goldstein_price",
            "six_hump_camel", "levi13", "styblinski_tang", "booth"]


def first_paint_child() -> None:
    t0 = time.perf_counter()
    from ui.app import make_application
    from ui.main_window import MainWindow

    app = make_application()
    win = MainWindow()
    win.show()
    app.processEvents()
    win.grab()
    print(f"{(time.perf_counter() - t0) * 1000:.1f}")


def experiment(n_runs: int, steps: int):
    from gdsim.simulation import Experiment, RunSpec

    lr = {"gd": 1e-4, "momentum": 1e-4, "nesterov": 1e-4, "adagrad": 0.05}
    runs = [RunSpec(o, {"lr": lr.get(o, 1e-3)}) for o in OPTIMIZERS[:n_runs]]
    return Experiment(surface="rosenbrock", start=(-1.5, 2.0), runs=runs, steps=steps, tol=0.0)


def frame_times(app, win, speed: float, frames: int) -> list[float]:
    """Per-frame wall ms at a 60 fps cadence (the next frame starts 1/60 s after the last
    one started, or at once when a frame overran), as the Play timer would drive it."""
    c = win.controller
    c.set_speed(speed)
    c.play()  # playing state as in the app, but the ticks are driven (and timed) here
    c._timer.setInterval(2**30)
    out, cpu = [], []
    next_start = time.perf_counter()
    for _ in range(frames):
        while time.perf_counter() < next_start:
            time.sleep(0.0005)
        t0, c0 = time.perf_counter(), time.thread_time()
        next_start = t0 + 1 / 60
        c._tick()  # what the Play timer does each frame
        app.processEvents()  # paint
        out.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
    c.pause()
    CPU.append(statistics.median(cpu))
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--first-paint-child", action="store_true")
    args = ap.parse_args()
    if args.first_paint_child:
        first_paint_child()
        return 0
    from ui.app import make_application
    from ui.main_window import MainWindow

    app = make_application()
    win = MainWindow()
    win.resize(1440, 900)
    win.show()
    app.processEvents()
    c = win.controller

    print("== frame time (Play tick: step + redraw + paint), median ms ==")
    c.set_experiment(experiment(1, 1_000_000))
    c.step(100)
    base = statistics.median(frame_times(app, win, 1000, 60))
    print(f"baseline 1 run, 100 points, 1000 steps/s:     {base:7.2f} ms  (CPU {CPU[-1]:.2f} ms)")
    c.set_experiment(experiment(8, 1_000_000))
    c.step(100_000)
    heavy = statistics.median(frame_times(app, win, 1000, 60))
    print(f"8 runs, 100,000 points, 1000 steps/s:         {heavy:7.2f} ms  "
          f"(CPU {CPU[-1]:.2f} ms; {heavy / base:.1f}x baseline; 60 fps budget 16.7 ms)")
    fast = frame_times(app, win, 100_000, 60)
    print(f"8 runs, 100,000 points, 100,000 steps/s:      {statistics.median(fast):7.2f} ms  "
          f"(CPU {CPU[-1]:.2f} ms; steps per frame capped by the stepping budget)")
    t0, s0 = time.perf_counter(), c.sim.t
    frame_times(app, win, 100_000, 60)
    rate = (c.sim.t - s0) / (time.perf_counter() - t0)
    print(f"achieved at 100,000 steps/s requested:        {rate:9,.0f} steps/s, 8 runs")

    print("== surface switch (set_surface + redraw + paint), median ms ==")
    c.set_experiment(experiment(4, 2000))
    app.processEvents()
    total, draw = [], []
    for _ in range(args.repeats):
        for name in SURFACES:
            t0 = time.perf_counter()
            c.set_surface(name)
            app.processEvents()
            total.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            win.surface_view.draw_surface()
            draw.append((time.perf_counter() - t0) * 1000)
    print(f"heatmap + isolines + minima (draw_surface):   {statistics.median(draw):7.2f} ms "
          f"(max {max(draw):.1f})")
    print(f"whole switch incl. all panels + paint:        {statistics.median(total):7.2f} ms "
          f"(max {max(total):.1f})")

    print("== time to first paint (new process: imports + window + paint), median ms ==")
    fp = []
    for _ in range(max(1, args.repeats // 2)):
        out = subprocess.run([sys.executable, __file__, "--first-paint-child"],
                             capture_output=True, text=True, check=True)
        fp.append(float(out.stdout.strip().splitlines()[-1]))
    print(f"first paint:                                  {statistics.median(fp):7.1f} ms")
    win.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
