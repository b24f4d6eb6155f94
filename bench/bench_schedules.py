"""Schedule cost: one recorded Adam run on Rosenbrock (10,000 steps) and a 128×128 basin map
(200 steps) under each kind of schedule, as ratios against the constant rate measured in the
same run. Closed forms are tabulated once per chunk; ``plateau`` reacts to the loss, so its
runs evaluate the loss every step and feed a tracker (its own group, array path).

Run with ``python bench/bench_schedules.py [--quick]``; figures are medians of repeats.
"""

from __future__ import annotations

import argparse

from timing import median_time

from gdsim.basin import basin_map
from gdsim.simulation import Experiment, RunSpec, Simulation
from gdsim.surfaces import make_surface

SCHEDULES = [
    ("constant", {}),
    ("cosine", {"t_max": 5000}),
    ("onecycle", {"total_steps": 10000}),
    ("cyclic", {"step_size_up": 500, "mode": "triangular2"}),
    ("multistep", {"milestones": (2000, 5000, 8000)}),
    ("plateau", {"patience": 50, "factor": 0.5}),
]


def single(name: str, params: dict, steps: int) -> None:
    exp = Experiment(surface="rosenbrock", start=(-1.5, 2.0), steps=steps, tol=0.0,
                     runs=[RunSpec("adam", {"lr": 0.01}, name, params)])
    Simulation(exp).run()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer steps and repeats")
    args = ap.parse_args()
    steps, repeats, side = (2000, 3, 48) if args.quick else (10_000, 5, 128)
    print(f"(a) one Adam run on Rosenbrock, {steps} steps recorded (median of {repeats})")
    base = None
    for name, params in SCHEDULES:
        t = median_time(lambda n=name, p=params: single(n, p, steps), repeats)
        base = base or t
        print(f"  {name:<10} {t * 1e3:8.1f} ms  {steps / t:10.0f} steps/s  ×{t / base:5.2f}")
    him = make_surface("himmelblau")
    print(f"(b) basin map, {side}×{side} starts, 200 steps, Adam lr=0.05 (median of {repeats})")
    base = None
    for name, params in SCHEDULES:
        if name not in ("constant", "onecycle", "plateau"):
            continue
        spec = RunSpec("adam", {"lr": 0.05}, name, params)
        t = median_time(lambda s=spec: basin_map(him, s, side, side, 200), repeats)
        base = base or t
        print(f"  {name:<10} {t * 1e3:8.1f} ms  ×{t / base:5.2f}")


if __name__ == "__main__":
    main()
