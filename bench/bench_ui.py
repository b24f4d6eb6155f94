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


def frame_times(app, win, speed: float, frames: int, c=None) -> list[float]:
    """Per-frame wall ms at a 60 fps cadence (the next frame starts 1/60 s after the last
    one started, or at once when a frame overran), as the Play timer would drive it.
    ``c`` is the controller to play (default: the surface tab's)."""
    c = c if c is not None else win.controller
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


def median_ms(fn, repeats: int) -> float:
    """Median wall ms of ``fn()`` over ``repeats`` calls."""
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return statistics.median(out)


def network_case(app, win, repeats: int) -> None:
    """Network tab playing the spiral preset: frame time, then each panel's redraw cost."""
    import numpy as np

    from ui.network import panels

    net = win.network
    win.mode_tabs.setCurrentWidget(net)
    net.load_preset(Path(__file__).resolve().parent.parent / "resources" / "presets"
                    / "network" / "nn_03_spiral_adam_vs_sgd.json")
    app.processEvents()
    c = net.controller
    print("== Network tab, spiral preset (3 runs, 2-16-16-1), median ms ==")
    c.step(200)
    app.processEvents()
    frames = []
    for _ in range(max(1, repeats // 2)):
        frames += frame_times(app, win, 100, 120, c)
    fr = statistics.median(frames)
    print(f"Play frame at 100 steps/s (step + redraw + paint): {fr:6.2f} ms  (CPU "
          f"{CPU[-1]:.2f} ms; p95 {np.percentile(frames, 95):.1f}, max {max(frames):.1f}; "
          f"60 fps budget 16.7 ms)")
    sim, i = c.sim, c.selected

    def forced(view):
        def run():
            view._drawn = None
            view.refresh()
        return run

    reps = repeats * 4
    g = panels.GRID
    b = median_ms(forced(net.boundary), reps)
    alone = median_ms(lambda: sim.predict_grid(i, g, g), reps)
    print(f"decision map redraw, paused ({g}x{g}):          {b:6.2f} ms  "
          f"(predict_grid alone {alone:.2f} ms)")
    pg_ = getattr(panels, "PLAY_GRID", None)
    if pg_:
        alone = median_ms(lambda: sim.predict_grid(i, pg_, pg_), reps)
        print(f"predict_grid at the Play resolution ({pg_}x{pg_}):   {alone:6.2f} ms  "
              f"(at most every {panels.MAP_INTERVAL_MS} ms while playing)")
    n = panels.SLICE_GRID
    a, bb = net.slice.weights
    va = np.linspace(-1, 1, n)
    s = median_ms(forced(net.slice), reps)
    alone = median_ms(lambda: sim.weight_slice(i, a, bb, va, va), reps)
    print(f"weight slice redraw, paused ({n}x{n}, W3):        {s:6.2f} ms  "
          f"(weight_slice alone {alone:.2f} ms)")
    first = net.slice.combo_a.findText("W1[0,0]")
    net.slice.set_weights(first, first + 1)
    s1 = median_ms(forced(net.slice), repeats * 2)
    print(f"weight slice redraw, paused, first-layer (W1):   {s1:6.2f} ms")
    if hasattr(net.slice, "grid_size"):
        c.play()
        n = net.slice.grid_size()
        s2 = median_ms(forced(net.slice), repeats * 2)
        c.pause()
        print(f"weight slice redraw, playing, W1 ({n}x{n}):        {s2:6.2f} ms  (at most "
              f"every {panels.SLICE_INTERVAL_MS} ms while playing)")
    net.slice.rebuild()
    m = median_ms(net.metrics.refresh, reps)
    print(f"curves + gradient norms redraw:                  {m:6.2f} ms")
    c.pause()
    win.mode_tabs.setCurrentIndex(0)
    app.processEvents()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--network-only", action="store_true",
                    help="only the Network tab case")
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
    if win.has_network():
        network_case(app, win, args.repeats)
    if args.network_only:
        win.close()
        return 0

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
