"""Compiled batch kernels (issue 12 §1): 65,536 runs × 500 Adam steps on Himmelblau.

Against, in the same run: the NumPy path (``gdsim.basin``'s loop, 2 threads) and JAX-jit
(``jax.lax.fori_loop`` over (2, N) arrays, float64; only if jax is importable: it is not a
dependency, install it for the benchmark). Also: first use in a fresh process with an empty
kernel cache (numba import + trace + compile + run of a tiny map) and the same in a second
process (cache on disk), and every optimizer of the registry through its kernel against the
NumPy path (16,384 runs × 200 steps). Figures are medians of repeats.

Run: ``python bench/bench_kernels.py [--quick]`` (needs the ``fast`` extra: numba).
Imported by ``bench/bench_engine.py --kernels``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from timing import median_time

ROOT = Path(__file__).resolve().parent.parent
N_SIDE, STEPS, LR = 256, 500, 0.01
BOX = (0.0, 0.0, 500.0, 500.0)


def starts(n_side: int) -> np.ndarray:
    xs = np.linspace(-5.0, 5.0, n_side)
    p = np.empty((n_side * n_side, 2), order="F")
    p[:, 0] = np.tile(xs, n_side)
    p[:, 1] = np.repeat(xs, n_side)
    return p


def gdsim_kernel(n_side: int, steps: int, threads: int, name: str = "adam",
                 lr: float = LR) -> np.ndarray:
    from gdsim import kernels
    from gdsim.optimizers import make_optimizer
    from gdsim.surfaces import make_surface

    p = starts(n_side)
    out = kernels.basin_descend(make_surface("himmelblau"), make_optimizer(name, lr=lr), p,
                                [lr] * steps, BOX, threads=threads)
    assert out is not None, f"no kernel for {name}"
    return p


def gdsim_numpy(n_side: int, steps: int, threads: int, name: str = "adam",
                lr: float = LR) -> np.ndarray:
    """The NumPy loop of gdsim.basin (grad + step_ + box check), row blocks on threads."""
    from concurrent.futures import ThreadPoolExecutor

    from gdsim.basin import _descend
    from gdsim.optimizers import make_optimizer
    from gdsim.surfaces import make_surface

    p = starts(n_side)
    n = len(p)
    bounds = [n * t // threads for t in range(threads + 1)]
    parts = [np.asfortranarray(p[a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]

    def run(q: np.ndarray) -> np.ndarray:
        _descend(make_surface("himmelblau"), make_optimizer(name, lr=lr), q, [lr] * steps, BOX)
        return q

    with ThreadPoolExecutor(threads) as pool:
        return np.concatenate(list(pool.map(run, parts)))


def jax_adam():
    """A jitted Adam/Himmelblau loop over (2, N) float64 arrays, or None without jax."""
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    b1, b2, eps = 0.9, 0.999, 1e-8

    def grad(p):
        x, y = p[0], p[1]
        a = x * x + y - 11.0
        b = x + y * y - 7.0
        return jnp.stack([4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b])

    def run(p, steps):
        def body(k, c):
            p, m, v = c
            g = grad(p)
            m = b1 * m + (1.0 - b1) * g
            v = b2 * v + (1.0 - b2) * g * g
            kf = k + 1.0
            return (p - LR * (m / (1.0 - b1 ** kf)) / (jnp.sqrt(v / (1.0 - b2 ** kf)) + eps),
                    m, v)
        z = jnp.zeros_like(p)
        return jax.lax.fori_loop(0, steps, body, (p, z, z))[0]

    fn = jax.jit(run, static_argnums=1)

    def call(n_side: int, steps: int) -> np.ndarray:
        p = jnp.asarray(starts(n_side).T.copy())
        return np.asarray(fn(p, steps).block_until_ready()).T

    return call


FIRST_USE = r"""
import time
t0 = time.perf_counter()
from gdsim.basin import basin_map
from gdsim.experiment import RunSpec
from gdsim.surfaces import make_surface
basin_map(make_surface("himmelblau"), RunSpec("adam", {"lr": 0.01}), 8, 8, 10)
print(time.perf_counter() - t0)
"""

BASELINE = r"""
import time
t0 = time.perf_counter()
from gdsim import kernels
kernels.set_enabled(False)
from gdsim.basin import basin_map
from gdsim.experiment import RunSpec
from gdsim.surfaces import make_surface
basin_map(make_surface("himmelblau"), RunSpec("adam", {"lr": 0.01}), 8, 8, 10)
print(time.perf_counter() - t0)
"""


def first_use() -> tuple[float, float, float]:
    """(fresh cache, cached, NumPy path) seconds for a tiny basin map in a new process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as cache:
        env["GDSIM_CACHE_DIR"] = cache

        def once(code: str) -> float:
            out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                                 text=True, check=True)
            return float(out.stdout.split()[-1])

        cold = once(FIRST_USE)
        warm = statistics.median(once(FIRST_USE) for _ in range(3))
        base = statistics.median(once(BASELINE) for _ in range(3))
    return cold, warm, base


def registry(reps: int) -> None:
    from gdsim import optimizers

    print(f"\n{'optimizer':<10} {'kernel run-steps/s':>19} {'NumPy':>10} {'× NumPy':>8}"
          f" {'max rel diff':>13}")
    for name in optimizers.OPTIMIZERS:
        lr = 1e-3
        a = gdsim_kernel(128, 200, 2, name, lr)
        b = gdsim_numpy(128, 200, 2, name, lr)
        with np.errstate(all="ignore"):
            fin = np.isfinite(a) & np.isfinite(b)
            rel = float(np.max(np.abs(a - b)[fin] / np.maximum(1.0, np.abs(b[fin])), initial=0))
        tk = median_time(lambda n=name, r=lr: gdsim_kernel(128, 200, 2, n, r), reps)
        tn = median_time(lambda n=name, r=lr: gdsim_numpy(128, 200, 2, n, r), max(1, reps // 2))
        rk, rn = 128 * 128 * 200 / tk, 128 * 128 * 200 / tn
        print(f"{name:<10} {rk:>19.3g} {rn:>10.3g} {rk / rn:>8.1f} {rel:>13.1e}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats")
    args = ap.parse_args(sys.argv[1:] if __name__ == "__main__" else [])
    run(3 if args.quick else 5)


def run(reps: int) -> None:
    from gdsim import kernels

    if not kernels.available():
        print(kernels.why_unavailable())
        return
    load = os.getloadavg()[0]
    print(f"machine load average {load:.1f} on {os.cpu_count()} cores "
          "(ratios in the same run are the figures to compare)")
    cold, warm, base = first_use()
    print(f"first use in a new process (tiny basin map, import included): fresh cache "
          f"{cold:.2f} s, cached {warm:.2f} s, NumPy path {base:.2f} s "
          f"(target ≤ 1.5 s with compile; cached costs {warm - base:+.2f} s over NumPy)")
    rs = N_SIDE * N_SIDE * STEPS
    gdsim_kernel(N_SIDE, 2, 2)  # load the kernel
    k2 = gdsim_kernel(N_SIDE, STEPS, 2)
    t_k2 = median_time(lambda: gdsim_kernel(N_SIDE, STEPS, 2), reps)
    t_k1 = median_time(lambda: gdsim_kernel(N_SIDE, STEPS, 1), reps)
    n2 = gdsim_numpy(N_SIDE, STEPS, 2)
    t_n2 = median_time(lambda: gdsim_numpy(N_SIDE, STEPS, 2), max(1, reps // 2))
    same = np.array_equal(k2, n2, equal_nan=True)
    print("\n65,536 runs × 500 Adam steps on Himmelblau (run-steps/s):")
    print(f"  gdsim kernel, 2 threads  {rs / t_k2:12.3g}   ({t_k2 * 1e3:.0f} ms)")
    print(f"  gdsim kernel, 1 thread   {rs / t_k1:12.3g}")
    print(f"  gdsim NumPy, 2 threads   {rs / t_n2:12.3g}   kernel ÷ NumPy = {t_n2 / t_k2:.1f}×")
    print(f"  kernel final points equal the NumPy path's bit for bit: {same}")
    jx = jax_adam()
    if jx is None:
        print("  JAX-jit: jax not importable (pip install jax for this comparison)")
    else:
        jx(N_SIDE, STEPS)  # compile
        t_j = median_time(lambda: jx(N_SIDE, STEPS), reps)
        diff = float(np.max(np.abs(jx(N_SIDE, STEPS) - k2)))
        print(f"  JAX-jit (baseline)       {rs / t_j:12.3g}   kernel ÷ JAX = {t_j / t_k2:.2f}× "
              f"(target ≥ 1.5×); max |Δ| vs kernel {diff:.1e}")
    registry(reps)
    elementwise(reps)


def elementwise(reps: int) -> None:
    """ns per element of tanh and exp over 160,000 floats (a network step's hidden units):
    NumPy (the C library), a compiled loop calling ``math`` (the same), ``gdsim.kernels.vmath``."""
    import math

    from numba import njit

    from gdsim.kernels import vmath

    def loop(fn):
        @njit(error_model="numpy", cache=False)
        def run(a, out):
            for i in range(a.size):
                out[i] = fn(a[i])
        return run

    x = np.random.default_rng(0).standard_normal(160_000) * 3
    out = np.empty_like(x)
    print("\nelementwise over 160,000 floats (ns per element):")
    for name, np_fn, m_fn, v_fn in (("tanh", np.tanh, math.tanh, vmath.tanh),
                                    ("exp", np.exp, math.exp, vmath.exp)):
        lm, lv = loop(m_fn), loop(v_fn)
        lm(x, out), lv(x, out)
        t_np = median_time(lambda f=np_fn: f(x, out=out), reps * 4)
        t_m = median_time(lambda f=lm: f(x, out), reps * 4)
        t_v = median_time(lambda f=lv: f(x, out), reps * 4)
        ns = 1e9 / x.size
        print(f"  {name:<5} NumPy {t_np * ns:5.1f}   numba math.{name} {t_m * ns:5.1f}   "
              f"vmath.{name} {t_v * ns:5.1f}   (vmath ÷ NumPy speed {t_np / t_v:.1f}×)")


if __name__ == "__main__":
    main()
