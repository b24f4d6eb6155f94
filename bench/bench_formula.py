"""Typed formulas: compile time, and evaluation speed against hand-written NumPy surfaces.

Prints the median of repeats; ratios are compiled / hand-written, measured in the same run
(target: compile ≤ 200 ms for a typical formula, evaluation within 1.5×).
Run: /tmp/venv/bin/python bench/bench_formula.py
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from gdsim import formula
from gdsim.surfaces import make_surface


def rosenbrock_vg(p):
    x, y = p[..., 0], p[..., 1]
    a = 1.0 - x
    t = y - x * x
    g = np.empty(p.shape)
    g[..., 0] = -2.0 * a - 400.0 * x * t
    g[..., 1] = 200.0 * t
    return a * a + 100.0 * t * t, g


def rosenbrock_v(p):
    x, y = p[..., 0], p[..., 1]
    a = 1.0 - x
    t = y - x * x
    return a * a + 100.0 * t * t


def himmelblau_vg(p):
    x, y = p[..., 0], p[..., 1]
    u = x * x + y - 11.0
    v = x + y * y - 7.0
    g = np.empty(p.shape)
    g[..., 0] = 4.0 * x * u + 2.0 * v
    g[..., 1] = 2.0 * u + 4.0 * y * v
    return u * u + v * v, g


def himmelblau_v(p):
    x, y = p[..., 0], p[..., 1]
    u = x * x + y - 11.0
    v = x + y * y - 7.0
    return u * u + v * v


CASES = {
    "rosenbrock": ("(1 - x)^2 + 100*(y - x^2)^2", rosenbrock_v, rosenbrock_vg),
    "himmelblau": ("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", himmelblau_v, himmelblau_vg),
}
TYPICAL = [
    "(1 - x)^2 + 100*(y - x^2)^2",
    "x^2 + 10*sin(y)",
    "20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)",
    "-20*exp(-0.2*sqrt(0.5*(x^2 + y^2))) - exp(0.5*(cos(2*pi*x) + cos(2*pi*y))) + e + 20",
    "abs(x) + max(x*y, sigmoid(y)) + log10(1 + x^2)",
]


WORST = {
    "product of 48 sines": "*".join(f"sin(x+{i})" for i in range(1, 60))[:480].rsplit("*", 1)[0],
    "39 nested sines": "sin(" * 39 + "x*y" + ")" * 39,
    "36 nested mixed calls": "".join(["sin(", "x*exp(", "y/(1+", "sqrt(1+"][i % 4]
                                     for i in range(36)) + "x" + ")" * 36,
    "40 variable powers": "*".join(f"x^(y+{i})" for i in range(40))[:490].rsplit("*", 1)[0],
    "39 nested abs": "abs(" * 39 + "x-y" + ")" * 39,
}
REPEATS = 9


def median_time(fn, *args, repeats: int = 7, number: int | None = None) -> float:
    """Median seconds per call over ``repeats`` batches of ``number`` calls."""
    if number is None:
        number, t = 1, 0.0
        while t < 0.02:
            number *= 2
            t0 = time.perf_counter()
            for _ in range(number):
                fn(*args)
            t = time.perf_counter() - t0
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(number):
            fn(*args)
        times.append((time.perf_counter() - t0) / number)
    return statistics.median(times)


def main() -> None:
    t0 = time.perf_counter()
    import sympy  # noqa: F401  (one-off import cost, reported separately)
    from sympy.core.cache import clear_cache
    print(f"sympy import: {1e3 * (time.perf_counter() - t0):.0f} ms (once per process)")
    formula.compile_formula("x*y")  # warm sympy's own lazy imports
    print("\ncompile time (cold cache, median of 5):")
    for text in TYPICAL:
        def compile_once(t=text):
            formula.compile_formula.cache_clear()
            clear_cache()  # sympy's own memo, so every repeat differentiates afresh
            formula.compile_formula(t)
        ms = 1e3 * median_time(compile_once, repeats=5, number=1)
        print(f"  {ms:7.1f} ms  {text[:60]}")

    print("\nworst formulas the limits accept (one cold compile each):")
    for label, text in WORST.items():
        formula.compile_formula.cache_clear()
        clear_cache()
        t0 = time.perf_counter()
        formula.compile_formula(text)
        print(f"  {1e3 * (time.perf_counter() - t0):7.0f} ms  {label} ({len(text)} chars)")

    rng = np.random.default_rng(0)
    print(f"\nvalue_and_grad time ratios, median of {REPEATS} interleaved repeats:")
    print("  formula/hand = typed formula vs hand-written array NumPy (above);"
          " formula/builtin = vs gdsim.surfaces' own surface")
    print(f"  {'surface':12s} {'points':>8s} {'formula/hand':>14s} {'formula/builtin':>16s}"
          f" {'formula':>11s} {'hand':>11s} {'builtin':>11s}  value(): formula/hand")
    for name, (text, v_ref, vg_ref) in CASES.items():
        surf = formula.formula_surface(text)
        builtin = make_surface(name)
        for n in (1, 10, 1000, 65_536):
            p = rng.uniform(-2, 2, size=(n, 2))
            # interleave all variants so machine load hits them alike
            runs = {"hand": vg_ref, "formula": surf.value_and_grad,
                    "builtin": builtin.value_and_grad, "v_hand": v_ref, "v_formula": surf.value}
            t = {k: [] for k in runs}
            for _ in range(REPEATS):
                for k, fn in runs.items():
                    t[k].append(median_time(fn, p, repeats=1))
            m = {k: statistics.median(v) for k, v in t.items()}
            print(f"  {name:12s} {n:8d} {m['formula'] / m['hand']:13.2f}x"
                  f" {m['formula'] / m['builtin']:15.2f}x {1e6 * m['formula']:8.1f} µs"
                  f" {1e6 * m['hand']:8.1f} µs {1e6 * m['builtin']:8.1f} µs"
                  f"  {m['v_formula'] / m['v_hand']:6.2f}x")

if __name__ == "__main__":
    main()
