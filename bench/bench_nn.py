"""Network training throughput and decision-map latency (issue 4's targets).

Four optimizers train a 2-16-16-1 tanh/bce network side by side on 1,000 training points
(moons, full batch), with every per-step record (train and test loss/accuracy, lr, gradient
norms): target ≥ 7,000 run-steps/s in total. Baseline measured in the same run: torch (if
importable), one model trained the same way (forward, backward, step, test loss).
Baselines: JAX-jit (if importable; not a dependency) training four Adam models of the same
net at once, in float64 (gdsim's precision) and float32 (JAX's default).
Also printed: the first repeat after a reset (fresh record arrays: the allocator's cold
state), the time of the compiled passes alone (the rest of a step is the optimizers' updates
and the records), and the NumPy floor: the tanh and matrix-product calls alone that the NumPy
passes cannot go below (every hidden unit, train and test; the eight products at these shapes).
Decision map for one run on a 200×200 grid: target ≤ 5 ms. Weight-space slices 40×40 over
1,000 points for pairs in the first, a middle and the last layer.

gdsim is timed twice in the same run: with the compiled passes (``gdsim.kernels.mlp``, the
``fast`` extra) and with the NumPy passes (the fallback and reference).

Run: ``python bench/bench_nn.py`` (prints medians of several repeats).
"""

from __future__ import annotations

import os

# Tiny matrices: BLAS threads only add contention (worse on a loaded 2-core machine).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from gdsim.nn.training import NNExperiment, Trainer  # noqa: E402
from gdsim.simulation import RunSpec  # noqa: E402

STEPS = 300
REPEATS = 5


def experiment() -> NNExperiment:
    return NNExperiment(
        dataset="moons", samples=1250, test_fraction=0.2, hidden=(16, 16), activation="tanh",
        loss="bce", epochs=10 * STEPS,
        runs=[RunSpec("adam", {"lr": 0.01}), RunSpec("sgd", {"lr": 0.1}),
              RunSpec("momentum", {"lr": 0.05}), RunSpec("rmsprop", {"lr": 0.005})],
    )


def bench_gdsim() -> tuple[float, float, float, Trainer]:
    """(run-steps/s by wall clock, by CPU time, by wall clock in the first repeat, trainer)."""
    times, cpu = [], []
    tr = Trainer(experiment())
    assert len(tr.data.x_train) == 1000
    for _ in range(REPEATS):
        tr.reset()
        t0, c0 = time.perf_counter(), time.process_time()
        tr.step(STEPS)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    n = tr.n_runs * STEPS
    return n / statistics.median(times), n / statistics.median(cpu), n / times[0], tr


def passes_alone(tr: Trainer) -> float | None:
    """µs per step of the compiled passes alone (median): the gradient pass over the training
    set and the test evaluation, in one dispatch as a step makes it; None without them."""
    if not tr.net._passes:
        return None
    g = np.empty_like(tr.params)
    times = []
    for _ in range(7):
        t0 = time.perf_counter()
        for _ in range(50):
            tr.net.train_and_evaluate(tr.params, tr.x_train, tr.t_train, tr.x_test, tr.t_test,
                                      out=g)
        times.append((time.perf_counter() - t0) / 50)
    return statistics.median(times) * 1e6


def kernel_floor(tr: Trainer) -> float:
    """µs per step of NumPy's tanh and matrix-product calls alone (median of repeats), at a
    step's shapes: tanh over the hidden units of the training and test passes, and the
    products (forward train and test, dW and the back-propagated product). The NumPy passes
    do all of it and more; the compiled ones fuse it."""
    rng = np.random.default_rng(0)
    n, h = tr.n_runs, 16
    bufs = {b: (rng.standard_normal((n, b, h)), np.empty((n, b, h))) for b in (1000, 250)}
    w, w3 = rng.standard_normal((n, h, h)), rng.standard_normal((n, h, 1))
    xa = {b: np.ones((b, 3)) for b in bufs}
    wb = rng.standard_normal((n, 3, h))
    dz3 = rng.standard_normal((n, 1000, 1))

    def once() -> None:
        for b, (a, out) in bufs.items():
            np.tanh(a, out=out)
            np.tanh(a, out=out)
            np.matmul(xa[b], wb, out=out)
            np.matmul(a, w, out=out)
            np.matmul(a, w3)
        a, out = bufs[1000]
        np.matmul(a.transpose(0, 2, 1), dz3)  # dW3
        np.matmul(a.transpose(0, 2, 1), a)  # dW2
        np.matmul(a, w, out=out)  # back-propagation through W2
        np.matmul(xa[1000].T, a)  # d[W1; b1]

    times = []
    for _ in range(7):
        t0 = time.perf_counter()
        for _ in range(50):
            once()
        times.append((time.perf_counter() - t0) / 50)
    return statistics.median(times) * 1e6


def bench_torch(tr: Trainer) -> tuple[float, float] | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)  # same footing as NumPy with one BLAS thread
    torch.manual_seed(0)
    x = torch.tensor(tr.data.x_train)
    y = torch.tensor(tr.data.y_train)[:, None]
    xt = torch.tensor(tr.data.x_test)
    yt = torch.tensor(tr.data.y_test)[:, None]
    model = torch.nn.Sequential(
        torch.nn.Linear(2, 16), torch.nn.Tanh(), torch.nn.Linear(16, 16), torch.nn.Tanh(),
        torch.nn.Linear(16, 1),
    ).double()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    lossf = torch.nn.BCEWithLogitsLoss()
    times, cpu = [], []
    for _ in range(REPEATS):
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(STEPS):
            opt.zero_grad()
            loss = lossf(model(x), y)
            loss.backward()
            opt.step()
            with torch.no_grad():
                float(lossf(model(xt), yt))
            float(loss.detach())
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return STEPS / statistics.median(times), STEPS / statistics.median(cpu)


def bench_jax(tr: Trainer, dtype: str) -> float | None:
    """JAX-jit run-steps/s (wall, median) training 4 Adam models of the same net at once
    (vmapped), full batch, + the test loss each step, in ``dtype`` ("float64"/"float32",
    JAX's default); None when jax is not importable (not a dependency)."""
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    f = jnp.float64 if dtype == "float64" else jnp.float32
    x, xt = jnp.asarray(tr.data.x_train, f), jnp.asarray(tr.data.x_test, f)
    y = jnp.asarray(tr.data.y_train, f)
    yt = jnp.asarray(tr.data.y_test, f)
    sizes = [(2, 16), (16, 16), (16, 1)]
    key = jax.random.PRNGKey(0)
    params = []
    for a, b in sizes:
        key, k1 = jax.random.split(key)
        params.append((jax.random.normal(k1, (4, a, b), f) / a ** 0.5, jnp.zeros((4, b), f)))

    def loss(ps, xx, yy):
        h = xx
        for i, (w, b) in enumerate(ps):
            h = h @ w + b
            if i < len(ps) - 1:
                h = jnp.tanh(h)
        z = h[:, 0]
        return jnp.mean(jnp.maximum(z, 0) - z * yy + jnp.log1p(jnp.exp(-jnp.abs(z))))

    def one(ps, m, v, k):
        lv, g = jax.value_and_grad(loss)(ps, x, y)
        m = jax.tree.map(lambda a, b: 0.9 * a + 0.1 * b, m, g)
        v = jax.tree.map(lambda a, b: 0.999 * a + 0.001 * b * b, v, g)
        c1, c2 = 1 - 0.9 ** k, 1 - 0.999 ** k
        ps = jax.tree.map(lambda p, a, b: p - 0.01 * (a / c1) / (jnp.sqrt(b / c2) + 1e-8),
                          ps, m, v)
        return ps, m, v, lv, loss(ps, xt, yt)

    vstep = jax.jit(jax.vmap(one, in_axes=(0, 0, 0, None)))
    unstack = [tuple((w[i], b[i]) for w, b in params) for i in range(4)]
    ps = jax.tree.map(lambda *a: jnp.stack(a), *unstack)
    zeros = jax.tree.map(jnp.zeros_like, ps)

    def train() -> None:
        p, m, v = ps, zeros, zeros
        for k in range(1, STEPS + 1):
            p, m, v, lv, lt = vstep(p, m, v, jnp.asarray(k, f))
        jax.block_until_ready(lt)

    train()
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        train()
        times.append(time.perf_counter() - t0)
    return 4 * STEPS / statistics.median(times)


def bench_grid(tr: Trainer) -> tuple[float, float]:
    """Decision map latency in ms: (wall clock, CPU time), medians."""
    tr.predict_grid(0, 200, 200)
    times, cpu = [], []
    for _ in range(20):
        t0, c0 = time.perf_counter(), time.process_time()
        tr.predict_grid(0, 200, 200)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(times) * 1e3, statistics.median(cpu) * 1e3


def bench_slice(tr: Trainer, a: int = 0, b: int = 1) -> float:
    """Weight-space slice latency in ms (median) for weights ``a`` × ``b``, 40×40 grid."""
    p, _ = tr.weights(0)
    va, vb = p[a] + np.linspace(-2, 2, 40), p[b] + np.linspace(-2, 2, 40)
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        tr.weight_slice(0, a, b, va, vb)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def main() -> None:
    from gdsim import kernels

    print(f"machine load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(wall-clock rates drop under load; CPU-time rates much less)")
    old = kernels.set_enabled(False)
    np_rate, np_cpu, _, _ = bench_gdsim()
    np_wall_grid, _ = bench_grid(Trainer(experiment()))
    kernels.set_enabled(old)
    if kernels.enabled():
        Trainer(experiment())  # numba: compiled once per install, then loaded from its cache
    rate, rate_cpu, rate_first, tr = bench_gdsim()
    path = "compiled passes" if tr.net._passes else ("NumPy passes: " + (
        kernels.why_unavailable() or "kernels off (GDSIM_KERNELS)"))
    print(f"gdsim ({path}): 4 optimizers, 2-16-16-1 tanh/bce, 1,000 points, full batch: "
          f"{rate:,.0f} run-steps/s in total by wall clock, {rate_cpu:,.0f} by CPU time "
          f"(target ≥ 7,000); first repeat after reset {rate_first:,.0f}")
    print(f"gdsim (NumPy passes, the fallback): {np_rate:,.0f} run-steps/s wall, "
          f"{np_cpu:,.0f} CPU; compiled ÷ NumPy = {rate / np_rate:.2f}× wall, "
          f"{rate_cpu / np_cpu:.2f}× CPU")
    step_us = tr.n_runs * 1e6 / rate
    alone = passes_alone(tr)
    if alone is not None:
        print(f"compiled passes alone (gradient pass + test evaluation, one dispatch): "
              f"{alone:.0f} µs of the {step_us:.0f} µs a step takes; the rest (optimizer "
              f"updates, metrics, records) {step_us - alone:.0f} µs")
    floor = kernel_floor(tr)
    print(f"NumPy floor (its tanh and matrix-product calls alone, at a step's shapes): "
          f"{floor:.0f} µs/step = at most {tr.n_runs * 1e6 / floor:,.0f} run-steps/s for "
          f"NumPy passes")
    base = bench_torch(tr)
    if base is None:
        print("torch: not importable (no baseline)")
    else:
        print(f"torch (same net, one model, adam, + test loss, 1 thread): {base[0]:,.0f} "
              f"run-steps/s wall, {base[1]:,.0f} CPU; gdsim total / torch = "
              f"{rate / base[0]:.2f}× wall, {rate_cpu / base[1]:.2f}× CPU")
    for dtype in ("float64", "float32"):
        jx = bench_jax(tr, dtype)
        if jx is None:
            print("JAX-jit: jax not importable (pip install jax for this baseline)")
            break
        print(f"JAX-jit ({dtype}, 4 Adam models vmapped, + test loss): {jx:,.0f} run-steps/s "
              f"wall; gdsim total / JAX = {rate / jx:.2f}×")
    wall, cpu = bench_grid(tr)
    print(f"decision map 200×200 for one run: {wall:.2f} ms wall, {cpu:.2f} ms CPU "
          f"(target ≤ 5 ms); NumPy passes {np_wall_grid:.2f} ms wall")
    w2, w3 = tr.net.layers[1].start, tr.net.layers[2].start
    print(f"weight-space slice 40×40 over 1,000 points: W1[0,0]×W1[0,1] "
          f"{bench_slice(tr):.1f} ms, W2[0,0]×W2[0,1] {bench_slice(tr, w2, w2 + 1):.1f} ms, "
          f"W3[0]×W3[1] {bench_slice(tr, w3, w3 + 1):.1f} ms")


if __name__ == "__main__":
    main()
