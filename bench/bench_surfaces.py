"""Surface gradient speed: throughput on (65536, 2) (the 256×256 basin map) and latency on (1, 2).

Baseline: the textbook NumPy expression with temporaries and ``np.stack`` (what a first
version would write), timed in the same run; figures are medians of repeats (the best
repeat is printed too for the headline: on a shared machine it is the code's own cost).
Run: ``python bench/bench_surfaces.py``.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from gdsim.surfaces import make_surface


def naive_himmelblau(p):
    x, y = p[..., 0], p[..., 1]
    a, b = x**2 + y - 11, x + y**2 - 7
    return np.stack([4 * x * a + 2 * b, 2 * a + 4 * y * b], axis=-1)


def naive_rosenbrock(p):
    x, y = p[..., 0], p[..., 1]
    return np.stack([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)], axis=-1)


def naive_rastrigin(p):
    return 2 * p + 20 * np.pi * np.sin(2 * np.pi * p)


def naive_styblinski_tang(p):
    return 2 * p**3 - 16 * p + 2.5


def naive_goldstein_price(p):
    x, y = p[..., 0], p[..., 1]
    s, t = x + y + 1, 2 * x - 3 * y
    P = 19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2
    Q = 18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2
    A, B = 1 + s**2 * P, 30 + t**2 * Q
    dA = 2 * s * P + s**2 * (6 * x + 6 * y - 14)
    dBx = 4 * t * Q + t**2 * (24 * x - 36 * y - 32)
    dBy = -6 * t * Q + t**2 * (54 * y - 36 * x + 48)
    return np.stack([B * dA + A * dBx, B * dA + A * dBy], axis=-1)


NAIVE = {
    "himmelblau": naive_himmelblau,
    "rosenbrock": naive_rosenbrock,
    "rastrigin": naive_rastrigin,
    "styblinski_tang": naive_styblinski_tang,
    "goldstein_price": naive_goldstein_price,
}


def times(fn, number: int, repeat: int = 15) -> list[float]:
    """Seconds per call of each of ``repeat`` batches of ``number`` calls."""
    fn()
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        ts.append((time.perf_counter() - t0) / number)
    return ts


def median_time(fn, number: int, repeat: int = 15) -> float:
    """Median seconds per call over ``repeat`` batches of ``number`` calls."""
    return statistics.median(times(fn, number, repeat))


def main() -> None:
    rng = np.random.default_rng(0)
    n = 256 * 256
    print(f"{'surface':<16} {'grad (65536,2)':>15} {'pts/s':>9} {'vs naive':>9}"
          f" {'(1,2) µs':>9} {'naive µs':>9} {'ratio':>6}")  # fmt: skip
    for name, naive in NAIVE.items():
        s = make_surface(name)
        x0, x1, y0, y1 = s.domain
        p = np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])
        out = np.empty_like(p)
        assert np.allclose(s.grad(p, out=out), naive(p), rtol=1e-12, atol=1e-9)
        t_fast = median_time(lambda s=s, p=p, out=out: s.grad(p, out=out), 20)
        t_naive = median_time(lambda p=p, naive=naive: naive(p), 20)
        p1 = p[:1].copy()
        o1 = np.empty_like(p1)
        l_fast = median_time(lambda s=s, p1=p1, o1=o1: s.grad(p1, out=o1), 2000)
        l_naive = median_time(lambda p1=p1, naive=naive: naive(p1), 2000)
        print(f"{name:<16} {t_fast * 1e6:>12.0f} µs {n / t_fast:>9.2e} {t_naive / t_fast:>8.1f}×"
              f" {l_fast * 1e6:>9.2f} {l_naive * 1e6:>9.2f} {l_naive / l_fast:>5.1f}×")  # fmt: skip

    s = make_surface("himmelblau")
    p = rng.uniform(-5, 5, (n, 2))
    t_vg = median_time(lambda: s.value_and_grad(p), 20)
    t_sep = median_time(lambda: (s.value(p), s.grad(p)), 20)
    print(f"himmelblau value_and_grad (65536,2): {t_vg * 1e6:.0f} µs "
          f"(value + grad separately {t_sep * 1e6:.0f} µs)")  # fmt: skip
    budget = n / 1.5e8
    out = np.empty_like(p)
    ts = times(lambda: s.grad(p, out=out), 20, 31)
    med, best = statistics.median(ts), min(ts)
    print(f"budget for a whole Adam step at 1.5e8 run-steps/s on 65536 runs: {budget * 1e6:.0f} µs;"
          f" himmelblau grad(out=) median {med * 1e6:.0f} µs ({med / budget:.0%}),"
          f" best {best * 1e6:.0f} µs ({best / budget:.0%})")
    pf, outf = np.asfortranarray(p), np.asfortranarray(out)
    assert np.array_equal(s.grad(pf, out=outf), s.grad(p, out=out))
    ts_f = times(lambda: s.grad(pf, out=outf), 20, 31)
    print(f"himmelblau grad(out=) on column-contiguous (F-ordered) points: median "
          f"{statistics.median(ts_f) * 1e6:.0f} µs, {med / statistics.median(ts_f):.2f}× the "
          f"row-major figure (no transposing copy, contiguous writes; same floats)")
    for name in ("linreg", "logreg"):
        d = make_surface(name)
        q = rng.uniform(-1, 1, (64, 2)) + np.asarray(d.start)
        idx = rng.integers(0, d.n_samples, (64, 16))
        t_b = median_time(lambda d=d, q=q, idx=idx: d.batch_grad(q, idx), 200)
        print(f"{name} batch_grad 64 runs × batch 16: {t_b * 1e6:.1f} µs"
              f" ({64 / t_b:.2e} run-steps/s)")
    one = np.zeros((1, 2))
    overhead = median_time(lambda: np.add(one, one), 5000)
    print(f"(one ufunc call on (1, 2) costs {overhead * 1e6:.2f} µs here; medians of 15 repeats)")


if __name__ == "__main__":
    main()
