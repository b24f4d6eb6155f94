"""Engine speed: one recorded run, a 65,536-run basin map, and bytes stored per step.

(a) Adam on Rosenbrock from (−1.5, 2), 10,000 steps with the full trajectory recorded,
    against torch.optim.Adam (if importable), a naive NumPy operator-syntax loop and the
    engine's own array path (its one-run float path switched off), all in the same run.
(b) Adam lr=0.01 on Himmelblau from a 256×256 grid of starts over [−5, 5]², 500 steps,
    final points only, through the same optimizer and surface code the simulation uses:
    column-contiguous (F-ordered) points against the row-major layout, plus the parts of
    one step and the cost of its √ pass alone (the floor: √ is hardware-bound); and the
    same batch through the engine API ``gdsim.basin.basin_map`` with 1 and 2 threads.
(c) Bytes the trajectory stores per run-step.
(d) ``--optimizers``: every optimizer of the registry, single run and batched, against Adam.
(e) ``--kernels``: the compiled batch kernels (bench/bench_kernels.py): 65,536 runs × 500
    Adam steps on Himmelblau against the NumPy path and JAX-jit, first use, every optimizer.

Figures are medians of repeats; run with ``python bench/bench_engine.py [--quick]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from unittest import mock

import numpy as np
from timing import median_time

from gdsim import optimizers
from gdsim.basin import basin_map as engine_basin_map
from gdsim.optimizers import make_optimizer
from gdsim.simulation import Experiment, RunSpec, Simulation
from gdsim.surfaces import make_surface

START = (-1.5, 2.0)


def single_run(steps: int) -> Simulation:
    exp = Experiment(surface="rosenbrock", start=START, runs=[RunSpec("adam", {"lr": 0.001})],
                     steps=steps, tol=0.0)
    sim = Simulation(exp)
    sim.run()
    return sim


def naive_numpy(steps: int) -> list:
    """Adam written the obvious way: operator syntax, new arrays every step, list of rows."""
    lr, b1, b2, eps = 0.001, 0.9, 0.999, 1e-8
    p = np.array(START)
    m = np.zeros(2)
    v = np.zeros(2)
    rows = []
    for t in range(1, steps + 1):
        x, y = p
        g = np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])
        rows.append((p[0], p[1], (1 - x) ** 2 + 100 * (y - x * x) ** 2, g[0], g[1], lr))
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        mh = m / (1 - b1**t)
        vh = v / (1 - b2**t)
        p = p - lr * mh / (np.sqrt(vh) + eps)
    return rows


def torch_adam(steps: int):
    import torch

    torch.set_num_threads(1)  # two scalars: threads only add overhead
    p = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([p], lr=0.001, betas=(0.9, 0.999), eps=1e-8)
    out = np.empty((steps + 1, 6))
    for k in range(steps):
        opt.zero_grad()
        x, y = p[0], p[1]
        f = (1 - x) ** 2 + 100 * (y - x * x) ** 2
        f.backward()
        out[k, :2] = p.detach().numpy()
        out[k, 2] = f.item()
        out[k, 3:5] = p.grad.numpy()
        out[k, 5] = 0.001
        opt.step()
    out[steps, :2] = p.detach().numpy()
    return out


def single_run_array_path(steps: int) -> Simulation:
    """The same run with the one-run float path off: what the engine did before it."""
    with mock.patch.object(optimizers, "POINT_PATH", False):
        return single_run(steps)


def few_runs(steps: int) -> Simulation:
    """The app's usual comparison: four runs, two of them one stacked Adam group."""
    runs = [RunSpec("adam", {"lr": 0.001}), RunSpec("adam", {"lr": 0.01}),
            RunSpec("momentum", {"lr": 1e-4}), RunSpec("rmsprop", {"lr": 1e-3})]
    sim = Simulation(Experiment(surface="rosenbrock", start=START, runs=runs, steps=steps,
                                tol=0.0))
    sim.run()
    return sim


def few_runs_array_path(steps: int) -> Simulation:
    with mock.patch.object(optimizers, "POINT_PATH", False):
        return few_runs(steps)


def basin_starts(n_side: int, order: str = "F") -> np.ndarray:
    """The grid of starts as an (n_side², 2) array; "F": x and y columns contiguous."""
    xs = np.linspace(-5.0, 5.0, n_side)
    gx, gy = np.meshgrid(xs, xs)
    return np.array(np.column_stack([gx.ravel(), gy.ravel()]), order=order)


def basin_map(n_side: int, steps: int, order: str = "F") -> np.ndarray:
    params = basin_starts(n_side, order)
    surf = make_surface("himmelblau")
    opt = make_optimizer("adam", lr=0.01)
    state = opt.init(params)
    grad = np.empty_like(params)
    with np.errstate(all="ignore"):
        for _ in range(steps):
            surf.grad(params, out=grad)
            opt.step_(grad, state, params, 0.01)
    return params


def basin_map_threads(n_side: int, steps: int, threads: int = 2) -> np.ndarray:
    """The basin map split into row blocks stepped in parallel threads (NumPy releases the
    GIL inside ufuncs), each with its own surface and optimizer: runs are independent."""
    from concurrent.futures import ThreadPoolExecutor

    params = basin_starts(n_side)
    n = len(params)
    parts = [np.asfortranarray(params[i * n // threads:(i + 1) * n // threads])
             for i in range(threads)]

    def descend(p: np.ndarray) -> np.ndarray:
        surf, opt = make_surface("himmelblau"), make_optimizer("adam", lr=0.01)
        state, grad = opt.init(p), np.empty_like(p)
        with np.errstate(all="ignore"):
            for _ in range(steps):
                surf.grad(p, out=grad)
                opt.step_(grad, state, p, 0.01)
        return p

    with ThreadPoolExecutor(threads) as pool:
        return np.concatenate(list(pool.map(descend, parts)))


# (d) a learning rate per optimizer that keeps 5,000 Rosenbrock steps finite (timing a
# diverged run would time nothing); the rest are the registry's defaults
REGISTRY_LR = {"gd": 1e-3, "sgd": 1e-3, "momentum": 1e-4, "nesterov": 1e-4, "asgd": 1e-3,
               "qhm": 1e-3, "sf_sgd": 1e-3, "adadelta": 1.0}


def registry_table(reps: int) -> None:
    """(d) Every optimizer of the registry: one run through Simulation (5,000 Rosenbrock
    steps) and 16,384 runs × 200 Himmelblau steps through ``step_``, as ratios to Adam's.

    CPU time (``process_time``), the optimizers taken in turn in each of ``reps`` rounds, so
    a change in the machine's load lands on all of them alike; medians over the rounds."""
    him = make_surface("himmelblau")
    p0 = basin_starts(128)
    names = list(optimizers.OPTIMIZERS)
    cases = {}
    for name in names:
        lr = REGISTRY_LR.get(name, 1e-3)

        def one(name=name, lr=lr):
            sim = Simulation(Experiment(surface="rosenbrock", start=START,
                                        runs=[RunSpec(name, {"lr": lr})], steps=5_000, tol=0.0))
            sim.run()
            return sim

        assert one().runs[0].status == "max_steps", name
        opt = make_optimizer(name, lr=lr)

        def many(opt=opt):
            p = p0.copy()
            s, g = opt.init(p), np.empty_like(p)
            with np.errstate(all="ignore"):
                for _ in range(200):
                    him.grad(p, out=g)
                    opt.step_(g, s, p)

        cases[name] = (one, many)
    times: dict[str, tuple[list[float], list[float]]] = {n: ([], []) for n in names}
    for _ in range(reps):
        for name in names:
            for fn, out in zip(cases[name], times[name], strict=True):
                c0 = time.process_time()
                fn()
                out.append(time.process_time() - c0)
    single = {n: 5_000 / statistics.median(times[n][0]) for n in names}
    batch = {n: len(p0) * 200 / statistics.median(times[n][1]) for n in names}
    print(f"{'optimizer':<10} {'single steps/s':>15} {'÷ Adam':>7} {'batch run-steps/s':>18}"
          f" {'÷ Adam':>7}   (CPU time, medians of {reps} interleaved rounds)")
    for name in names:
        print(f"{name:<10} {single[name]:>15.4g} {single[name] / single['adam']:>7.2f} "
              f"{batch[name]:>18.4g} {batch[name] / batch['adam']:>7.2f}")
    print("target: every optimizer within 1.5× of Adam (÷ Adam ≥ 0.67), single and batched")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats")
    ap.add_argument("--kernels", action="store_true",
                    help="only (e): the compiled kernels against NumPy and JAX-jit "
                         "(bench/bench_kernels.py)")
    ap.add_argument("--optimizers", action="store_true",
                    help="only (d): every optimizer of the registry against Adam")
    args = ap.parse_args()
    reps = 3 if args.quick else 7
    if args.kernels:
        import bench_kernels

        bench_kernels.run(3 if args.quick else 5)
        return
    if args.optimizers:
        registry_table(reps)
        return
    steps = 10_000

    rows = []
    t_sim = median_time(lambda: single_run(steps), reps)
    rows.append(("(a) gdsim Simulation, Adam/Rosenbrock, 10k steps", steps / t_sim, "steps/s"))
    t_arr = median_time(lambda: single_run_array_path(steps), reps)
    rows.append(("(a) same, engine's array path (baseline)", steps / t_arr, "steps/s"))
    same = np.array_equal(single_run(300).runs[0].trajectory.data,
                          single_run_array_path(300).runs[0].trajectory.data)
    few = 5_000
    t_few = median_time(lambda: few_runs(few), reps)
    t_few_arr = median_time(lambda: few_runs_array_path(few), reps)
    rows.append(("(a) 4 runs (2 stacked Adam, momentum, RMSprop), 5k steps", 4 * few / t_few,
                 "run-steps/s"))
    rows.append(("(a) same, engine's array path (baseline)", 4 * few / t_few_arr,
                 "run-steps/s"))
    t_naive = median_time(lambda: naive_numpy(steps), reps)
    rows.append(("(a) naive NumPy operator loop (baseline)", steps / t_naive, "steps/s"))
    try:
        import torch  # noqa: F401

        t_torch = median_time(lambda: torch_adam(steps), max(1, reps // 2))
        rows.append(("(a) torch.optim.Adam loop (baseline)", steps / t_torch, "steps/s"))
    except ImportError:
        t_torch = None

    # agreement with torch, as a sanity check of what is being timed
    sim = single_run(steps)
    pts = sim.runs[0].trajectory.points
    if t_torch is not None:
        ref = torch_adam(steps)
        rel = np.max(np.abs(pts - ref[:, :2]) / np.maximum(1.0, np.abs(ref[:, :2])))
    else:
        rel = float("nan")

    n_side, bsteps = 256, 500
    n = n_side * n_side
    basin_map(n_side, 5)  # warm-up (scratch buffers)
    t_basin = median_time(lambda: basin_map(n_side, bsteps), max(1, reps // 2))
    t_basin_c = median_time(lambda: basin_map(n_side, bsteps, "C"), max(1, reps // 2))
    run_steps = n * bsteps
    rows.append(("(b) basin map 256×256 × 500 steps, Adam/Himmelblau", run_steps / t_basin,
                 "run-steps/s"))
    rows.append(("(b) same, row-major (C) points (baseline)", run_steps / t_basin_c,
                 "run-steps/s"))
    same_b = np.array_equal(basin_map(n_side, 20), basin_map(n_side, 20, "C"))
    t_thr = median_time(lambda: basin_map_threads(n_side, bsteps), max(1, reps // 2))
    rows.append(("(b) same, 2 threads over row halves (option)", run_steps / t_thr,
                 "run-steps/s"))
    same_t = np.array_equal(basin_map(n_side, 20), basin_map_threads(n_side, 20))
    # the same batch through the engine API (gdsim.basin.basin_map: + box check every step,
    # labels), with 1 and 2 threads
    him, spec = make_surface("himmelblau"), RunSpec("adam", {"lr": 0.01})
    api = {th: median_time(lambda th=th: engine_basin_map(him, spec, n_side, n_side, bsteps,
                                                          threads=th), max(1, reps // 2))
           for th in (1, 2)}
    for th in (1, 2):
        rows.append((f"(b) gdsim.basin.basin_map, threads={th}", run_steps / api[th],
                     "run-steps/s"))
    same_api = np.array_equal(
        engine_basin_map(him, spec, n_side, n_side, 20).final.reshape(-1, 2),
        basin_map(n_side, 20))
    # the parts of one step, and its √ pass alone: the floor no layout removes
    p = basin_starts(n_side)
    surf, opt = make_surface("himmelblau"), make_optimizer("adam", lr=0.01)
    state, g = opt.init(p), np.empty_like(p)
    surf.grad(p, out=g)
    with np.errstate(all="ignore"):
        t_grad = median_time(lambda: surf.grad(p, out=g), 31)
        t_step = median_time(lambda: opt.step_(g, state, p, 0.01), 31)
        t_sqrt = median_time(lambda: np.sqrt(state.slots["exp_avg_sq"], out=g), 31)
    budget = n / 1.5e8
    tr = sim.runs[0].trajectory
    rows.append(("(c) trajectory bytes per run-step", tr.nbytes / tr.n, "bytes"))

    w = max(len(r[0]) for r in rows)
    print(f"{'measure':<{w}}  {'value':>12}  unit")
    for name, val, unit in rows:
        print(f"{name:<{w}}  {val:>12.4g}  {unit}")
    print()
    print(f"gdsim / naive NumPy: {t_naive / t_sim:.2f}×   gdsim / its array path: "
          f"{t_arr / t_sim:.2f}× (trajectories bit-identical: {same})")
    if t_torch is not None:
        print(f"gdsim / torch.optim: {t_torch / t_sim:.2f}×   "
              f"(max relative deviation from torch over 10k steps: {rel:.2e})")
    print(f"4 runs: gdsim / its array path: {t_few_arr / t_few:.2f}×")
    print(f"basin map F / C layout: {t_basin_c / t_basin:.2f}× (final points bit-identical: "
          f"{same_b}); 2 threads / 1: {t_basin / t_thr:.2f}× (bit-identical: {same_t}; "
          f"the machine has 2 cores, shared)")
    print(f"basin_map API / bare loop: {t_basin / api[1]:.2f}× (1 thread), 2 threads / 1: "
          f"{api[1] / api[2]:.2f}× (final points equal the bare loop's: {same_api})")
    print(f"one step on 65536 runs: gradient {t_grad * 1e6:.0f} µs + Adam.step_ "
          f"{t_step * 1e6:.0f} µs = {(t_grad + t_step) * 1e6:.0f} µs "
          f"(≙ {n / (t_grad + t_step):.3g} run-steps/s); its √ pass alone {t_sqrt * 1e6:.0f} µs;"
          f" the 1.5e8 budget is {budget * 1e6:.0f} µs a step")
    print("targets: (a) ≥ 2e5 steps/s, (b) ≥ 1.5e8 run-steps/s, (c) ≤ 64 bytes")


if __name__ == "__main__":
    main()
