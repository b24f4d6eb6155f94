"""Speed of the "see why" views (issue 9).

(a) Stability map: momentum on Rosenbrock from (−1.5, 2), 64 lr × 64 momentum cells,
    500 steps, through ``gdsim.sweep.sweep`` with 1 and 2 threads, against the same cells'
    bare batched loop (``step_`` + gradient only, no loss, no judging: the floor) in the
    same run. Target: ≤ 0.5 s.
(b) Per Play frame: the Hessian and principal axes at every run's current point plus the
    sharpness λmax of the new trajectory rows (what the curvature views add to a frame),
    and the per-step explanation of the selected run; against the frame budget of 1 ms.

Figures are medians of repeats; run with ``python bench/bench_why.py [--quick]``.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from gdsim.curvature import Curvature, eigen, sharpness_along
from gdsim.simulation import Experiment, RunSpec, Simulation
from gdsim.surfaces import make_surface
from gdsim.sweep import _block_cells, _lr_table, parse_axis, sweep

START = (-1.5, 2.0)


def median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bare_loop(surface, spec, x, y, steps: int) -> None:
    from gdsim.schedules import make_schedule

    opt, J, I = _block_cells(spec, x, y, range(y.n))
    lrs, _ = _lr_table(spec, make_schedule(), x, y, steps, J, I)
    p = np.empty((len(J), 2))
    p[:] = START
    g = np.empty_like(p)
    state = opt.init(p)
    with np.errstate(all="ignore"):
        surface.grad(p, out=g)
        for k in range(steps):
            opt.step_(g, state, p, lrs[k][:, None])
            surface.grad(p, out=g)


def bench_sweep(repeats: int) -> None:
    s = make_surface("rosenbrock")
    spec = RunSpec("momentum", {})
    x = parse_axis("lr=1e-4:1:64", "momentum")
    y = parse_axis("momentum=0:0.99:64", "momentum")
    floor = median_time(lambda: bare_loop(s, spec, x, y, 500), repeats)
    print("(a) stability map 64×64 cells × 500 steps, momentum on Rosenbrock")
    print(f"    bare batched loop (floor)   {floor * 1e3:8.1f} ms")
    for threads in (1, 2):
        t = median_time(lambda th=threads: sweep(s, spec, x, y, 500, start=START,
                                                 threads=th), repeats)
        print(f"    gdsim.sweep threads={threads}        {t * 1e3:8.1f} ms   "
              f"({t / floor:.2f}× the floor; target ≤ 500 ms)")


def bench_frame(repeats: int) -> None:
    print("(b) per Play frame, 4 runs (default experiment), 10 new steps a frame")
    for name in ("rosenbrock", "goldstein_price", "ackley", "logreg"):
        s = make_surface(name)
        c = Curvature(s)
        pts = np.asarray([s.start] * 4, dtype=np.float64) + np.linspace(0, 0.1, 8).reshape(4, 2)
        path = np.repeat(pts, 10, axis=0)  # 10 new rows of each of the 4 runs, one call

        def frame(c=c, pts=pts, path=path) -> None:
            eigen(c.hessian(pts))
            sharpness_along(c, path)

        t = median_time(lambda f=frame: [f() for _ in range(20)], repeats) / 20
        print(f"    curvature {name:16s} {t * 1e6:8.0f} µs   (budget 1000 µs)")
    try:
        from gdsim.explain import explain
    except ImportError:
        return
    exp = Experiment(surface="rosenbrock", start=START, steps=200,
                     runs=[RunSpec("adam", {"lr": 0.05})])
    sim = Simulation(exp)
    sim.step(100)
    t = median_time(lambda: [explain(sim, 0, 50) for _ in range(20)], repeats) / 20
    print(f"    explain adam step 50         {t * 1e6:8.0f} µs   (budget 1000 µs)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    n = 3 if ap.parse_args().quick else 7
    bench_sweep(n)
    bench_frame(n)


if __name__ == "__main__":
    main()
