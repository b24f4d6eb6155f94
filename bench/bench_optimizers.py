"""Optimizer throughput: (a) one (1, 2) Adam run on Rosenbrock, steps/s; (b) 65,536 runs × 2
on Himmelblau (Adam lr=0.01, 500 steps), run-steps/s. Each figure is the median of repeats,
with ratios against baselines measured in the same run: a naive operator-syntax Adam and,
when importable, torch.optim.Adam (single-tensor, float64) fed the same NumPy gradient.

Run: ``python bench/bench_optimizers.py [--quick]``.
"""

from __future__ import annotations

import statistics
import sys
import time
from unittest import mock

import numpy as np

from gdsim import optimizers
from gdsim.optimizers import make_optimizer

QUICK = "--quick" in sys.argv
REPEATS = 3 if QUICK else 5
SINGLE_STEPS = 5_000 if QUICK else 20_000
GRID = 256
BATCH_STEPS = 100 if QUICK else 500
LR = 0.01


def _views(p, cache):
    """(x, y) column views of ``p``, made once per array (the runs step ``p`` in place)."""
    if cache.get("p") is not p:
        cache.update(p=p, xy=(p[:, 0], p[:, 1]))
    return cache["xy"]


def rosen_grad_factory(shape):
    """∇ Rosenbrock (a=1, b=100) into a preallocated array: 7 ufunc calls.

    ∂y = 200(y − x²),  ∂x = 2(x − 1 − x·∂y).
    """
    out = np.empty(shape)
    gx, gy = out[:, 0], out[:, 1]
    t = np.empty(shape[:-1])
    cache: dict = {}

    def grad(p):
        x, y = _views(p, cache)
        np.multiply(x, x, out=t)
        np.subtract(y, t, out=t)
        np.multiply(t, 200.0, out=gy)
        np.multiply(x, gy, out=t)
        np.subtract(x, t, out=t)
        np.subtract(t, 1.0, out=t)
        np.multiply(t, 2.0, out=gx)
        return out

    return grad


def himmelblau_grad_factory(shape, order="C"):
    """∇ Himmelblau: (2(2x·a + b), 2(a + 2y·b)), a = x² + y − 11, b = x + y² − 7."""
    out = np.empty(shape, order=order)
    gx, gy = out[:, 0], out[:, 1]
    a = np.empty(shape[:-1])
    b = np.empty(shape[:-1])
    t = np.empty(shape[:-1])
    cache: dict = {}

    def grad(p):
        x, y = _views(p, cache)
        np.multiply(x, x, out=a)
        np.add(a, y, out=a)
        np.subtract(a, 11.0, out=a)
        np.multiply(y, y, out=b)
        np.add(b, x, out=b)
        np.subtract(b, 7.0, out=b)
        np.multiply(x, a, out=t)
        np.multiply(t, 2.0, out=t)
        np.add(t, b, out=t)
        np.multiply(t, 2.0, out=gx)
        np.multiply(y, b, out=t)
        np.multiply(t, 2.0, out=t)
        np.add(t, a, out=t)
        np.multiply(t, 2.0, out=gy)
        return out

    return grad


def naive_adam(grad, p, steps, lr, b1=0.9, b2=0.999, eps=1e-8):
    """Textbook Adam in operator syntax (allocates temporaries every step)."""
    m = np.zeros_like(p)
    v = np.zeros_like(p)
    for t in range(1, steps + 1):
        g = grad(p)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        mhat = m / (1 - b1**t)
        vhat = v / (1 - b2**t)
        p = p - lr * mhat / (np.sqrt(vhat) + eps)
    return p


def gdsim_adam(grad, p, steps, lr):
    opt = make_optimizer("adam", lr=lr)
    s = opt.init(p)
    step_ = opt.step_
    for _ in range(steps):
        step_(grad(p), s, p, lr)
    return p


def gdsim_adam_f(grad, p, steps, lr):
    """The batch on column-contiguous points and gradient (x and y columns contiguous)."""
    return gdsim_adam(himmelblau_grad_factory(p.shape, "F"), np.asfortranarray(p), steps, lr)


def torch_adam(grad, p, steps, lr):
    import torch

    pt = torch.from_numpy(p).requires_grad_(True)  # shares memory with p
    opt = torch.optim.Adam([pt], lr=lr, foreach=False)
    pv = pt.detach().numpy()
    with torch.no_grad():
        for _ in range(steps):
            pt.grad = torch.from_numpy(grad(pv))
            opt.step()
    return pv


def median_time(fn, make_args):
    times = []
    for _ in range(REPEATS):
        args = make_args()
        t0 = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    try:
        import torch  # noqa: F401

        have_torch = True
    except ImportError:
        have_torch = False
    impls = [("gdsim Adam.step_", gdsim_adam), ("naive operator Adam", naive_adam)]
    if have_torch:
        impls.append(("torch.optim.Adam", torch_adam))
    batch_impls = impls[:1] + [("gdsim, F-ordered points", gdsim_adam_f)] + impls[1:]

    print(f"(a) single (1, 2) run, Rosenbrock, {SINGLE_STEPS} steps, median of {REPEATS}")
    base = None
    for label, fn in impls:
        sec = median_time(fn, lambda: (rosen_grad_factory((1, 2)), np.array([[-1.2, 1.0]]),
                                       SINGLE_STEPS, 1e-3))
        rate = SINGLE_STEPS / sec
        base = base or rate
        print(f"    {label:24s} {rate:12,.0f} steps/s   ×{rate / base:5.2f} of gdsim")

    opt = make_optimizer("adam", lr=1e-3)
    p, g = np.array([[-1.2, 1.0]]), np.array([[0.3, -0.2]])
    state = opt.init(p)
    sec = median_time(lambda: [opt.step_(g, state, p, 1e-3) for _ in range(SINGLE_STEPS)],
                      lambda: ())
    print(f"    {'Adam.step_ alone':24s} {SINGLE_STEPS / sec:12,.0f} steps/s")
    run = opt.float_run(state, p)  # what the Simulation steps: floats, no array round trip
    sec = median_time(lambda: [run.step([0.3, -0.2], 1e-3) for _ in range(SINGLE_STEPS)],
                      lambda: ())
    print(f"    {'FloatRun.step alone':24s} {SINGLE_STEPS / sec:12,.0f} steps/s")
    with mock.patch.object(optimizers, "POINT_PATH", False):
        sec = median_time(lambda: [opt.step_(g, state, p, 1e-3) for _ in range(SINGLE_STEPS)],
                          lambda: ())
    print(f"    {'Adam.step_, array path':24s} {SINGLE_STEPS / sec:12,.0f} steps/s")
    grad = rosen_grad_factory((1, 2))
    sec = median_time(lambda: [grad(p) for _ in range(SINGLE_STEPS)], lambda: ())
    print(f"    {'gradient alone':24s} {SINGLE_STEPS / sec:12,.0f} steps/s")

    n = GRID * GRID
    print(f"(b) {n} runs × 2, Himmelblau, Adam lr={LR}, {BATCH_STEPS} steps, median of {REPEATS}")
    xs = np.linspace(-5, 5, GRID)
    starts = np.stack(np.meshgrid(xs, xs), axis=-1).reshape(n, 2)
    base = None
    for label, fn in batch_impls:
        steps = BATCH_STEPS // 10 if fn is torch_adam else BATCH_STEPS  # torch is slow here
        sec = median_time(fn, lambda steps=steps: (himmelblau_grad_factory((n, 2)),
                                                   starts.copy(), steps, LR))
        rate = n * steps / sec
        base = base or rate
        print(f"    {label:24s} {rate:12.3e} run-steps/s   ×{rate / base:5.2f} of gdsim")
    # the parts alone, for scale
    opt = make_optimizer("adam", lr=LR)
    p, g = starts.copy(), himmelblau_grad_factory((n, 2))(starts).copy()
    state = opt.init(p)
    sec = median_time(lambda: [opt.step_(g, state, p, LR) for _ in range(BATCH_STEPS)],
                      lambda: ())
    print(f"    {'Adam.step_ alone':24s} {n * BATCH_STEPS / sec:12.3e} run-steps/s")
    grad = himmelblau_grad_factory((n, 2))
    sec = median_time(lambda: [grad(starts) for _ in range(BATCH_STEPS)], lambda: ())
    print(f"    {'gradient alone':24s} {n * BATCH_STEPS / sec:12.3e} run-steps/s")


if __name__ == "__main__":
    main()
