"""Digits training speed: ``gdsim train --dataset digits`` (64 inputs, 10 classes, CE loss)
in epochs/s against torch doing the same training in the same run.

Both: all 1,797 images (1,437 train, 360 test), one hidden layer of 32 relu units, CE
loss, Adam lr 0.01, full batch (one step per epoch), float64, one thread; per epoch the
train loss, and the test loss and accuracy (what gdsim records every step). gdsim also
records accuracies, the learning rate and the gradient norms per layer.
Medians of several repeats; the ratio is gdsim / torch (> 1: gdsim faster).

Run: ``python bench/bench_digits.py``.
"""

from __future__ import annotations

import os

# Same footing for both: one thread (BLAS threads only add contention on these shapes).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from gdsim.nn.training import NNExperiment, Trainer  # noqa: E402
from gdsim.simulation import RunSpec  # noqa: E402

EPOCHS = 100
REPEATS = 7
HIDDEN = 32


def experiment() -> NNExperiment:
    return NNExperiment(dataset="digits", samples=1797, test_fraction=0.2, hidden=(HIDDEN,),
                        activation="relu", loss="ce", runs=[RunSpec("adam", {"lr": 0.01})],
                        epochs=EPOCHS)


def bench_gdsim() -> tuple[float, float, Trainer]:
    """(epochs/s by wall clock, by CPU time, trainer): medians over repeats of reset + run."""
    tr = Trainer(experiment())
    times, cpu = [], []
    for _ in range(REPEATS):
        t0, c0 = time.perf_counter(), time.process_time()
        tr.reset()
        tr.run()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    assert tr.t == EPOCHS
    return EPOCHS / statistics.median(times), EPOCHS / statistics.median(cpu), tr


def bench_torch(tr: Trainer, dtype_name: str = "float64") -> tuple[float, float, float] | None:
    """(epochs/s wall, CPU, final train loss) of torch from gdsim's start weights."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    dtype = getattr(torch, dtype_name)
    d = tr.data
    x = torch.tensor(tr.x_train, dtype=dtype)
    y = torch.tensor(d.y_train, dtype=torch.int64)
    xt = torch.tensor(tr.x_test, dtype=dtype)
    yt = torch.tensor(d.y_test, dtype=torch.int64)
    p0, _ = tr.initial_weights()
    views = tr.net.views(p0[None, :])
    lossf = torch.nn.CrossEntropyLoss()
    times, cpu = [], []
    last = float("nan")
    for _ in range(REPEATS):
        t0, c0 = time.perf_counter(), time.process_time()
        model = torch.nn.Sequential(torch.nn.Linear(64, HIDDEN), torch.nn.ReLU(),
                                    torch.nn.Linear(HIDDEN, 10)).to(dtype)
        with torch.no_grad():
            for lin, v in zip((model[0], model[2]), views, strict=True):
                lin.weight.copy_(torch.tensor(v.W[0].T))  # gdsim: h·W; torch: h·Wᵀ
                lin.bias.copy_(torch.tensor(v.b[0]))
        opt = torch.optim.Adam(model.parameters(), lr=0.01)
        for _ in range(EPOCHS):
            opt.zero_grad()
            loss = lossf(model(x), y)
            loss.backward()
            opt.step()
            with torch.no_grad():
                out = model(xt)
                float(lossf(out, yt))
                float((out.argmax(1) == yt).double().mean())
            last = float(loss.detach())
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return EPOCHS / statistics.median(times), EPOCHS / statistics.median(cpu), last


def main() -> None:
    print(f"machine load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(wall-clock rates drop under load; CPU-time rates much less)")
    rate, rate_cpu, tr = bench_gdsim()
    print(f"gdsim digits 64-{HIDDEN}-10 relu/ce, adam, full batch ({len(tr.x_train)} train, "
          f"{len(tr.x_test)} test rows): {rate:,.0f} epochs/s wall, {rate_cpu:,.0f} CPU "
          f"(median of {REPEATS} × {EPOCHS} epochs)")
    gd_loss = float(tr.record(0)[EPOCHS - 1, 0])
    for dtype in ("float64", "float32"):
        base = bench_torch(tr, dtype)
        if base is None:
            print("torch: not importable (no baseline)")
            return
        note = "same precision" if dtype == "float64" else "for reference: gdsim is float64"
        print(f"torch {dtype} ({note}), same net, start weights and steps, 1 thread: "
              f"{base[0]:,.0f} epochs/s wall, {base[1]:,.0f} CPU; gdsim / torch = "
              f"{rate / base[0]:.2f}× wall, {rate_cpu / base[1]:.2f}× CPU")
        if dtype == "float64":
            print(f"  train loss after {EPOCHS - 1} steps: gdsim {gd_loss:.12g}, "
                  f"torch {base[2]:.12g} (same training: {np.isclose(gd_loss, base[2])})")


if __name__ == "__main__":
    main()
