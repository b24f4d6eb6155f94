"""SPEC §11: ``gdsim train --data --test-data --init-weights`` reproduced step by step by a
torch model with the same weights, data, penalty and optimizer (float64, full batch).

``train_loss`` is torch's ``MSELoss``/``BCEWithLogitsLoss``/``CrossEntropyLoss`` (mean) on
every training row, without the penalty; the optimizer descends data loss + l1·Σ|W| +
(l2/2)·ΣW² over the weight matrices only.
"""

from __future__ import annotations

import argparse
import csv

import numpy as np
import pytest

from gdsim.nn.cli import configure_train_parser, run_train
from gdsim.nn.io import save_weights
from gdsim.nn.network import Architecture, Network

torch = pytest.importorskip("torch")

STEPS = 12
ACTIVATIONS = ("tanh", "relu", "sigmoid", "elu", "swish", "leaky_relu")
TORCH_ACT = {
    "tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid,
    "elu": torch.nn.functional.elu, "swish": torch.nn.functional.silu,
    "leaky_relu": lambda z: torch.nn.functional.leaky_relu(z, 0.01),
}


def write_data(path, x, y):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow([f"x{j + 1}" for j in range(x.shape[1])] + ["y"])
        for xi, yi in zip(x, y, strict=True):
            w.writerow([repr(float(v)) for v in xi] + [repr(float(yi)) if isinstance(yi, float)
                                                      else str(yi)])


def torch_losses(loss, weights, x, y, act, l1, l2, opt_name, lr, steps):
    """Data losses at steps 0..steps of a torch MLP trained on (loss + penalty)."""
    params = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in weights]
    xt = torch.tensor(x, dtype=torch.float64)
    if loss == "mse":
        crit, yt = torch.nn.MSELoss(), torch.tensor(y, dtype=torch.float64)[:, None]
    elif loss == "bce":
        crit, yt = torch.nn.BCEWithLogitsLoss(), torch.tensor(y, dtype=torch.float64)[:, None]
    else:
        crit, yt = torch.nn.CrossEntropyLoss(), torch.tensor(y, dtype=torch.int64)
    opt = (torch.optim.SGD(params, lr=lr, momentum=0.9, foreach=False) if opt_name == "momentum"
           else torch.optim.Adam(params, lr=lr, foreach=False))
    out = []
    n_layers = len(params) // 2
    for k in range(steps + 1):
        h = xt
        for i in range(n_layers):
            h = h @ params[2 * i] + params[2 * i + 1]
            if i < n_layers - 1:
                h = TORCH_ACT[act](h)
        data = crit(h, yt)
        out.append(data.item())
        if k == steps:
            break
        mats = params[0::2]
        pen = l1 * sum(w.abs().sum() for w in mats) + 0.5 * l2 * sum((w * w).sum() for w in mats)
        opt.zero_grad()
        (data + pen).backward()
        opt.step()
    return np.array(out)


@pytest.mark.parametrize("loss", ["mse", "bce", "ce"])
@pytest.mark.parametrize("act", ACTIVATIONS)
def test_train_loss_matches_torch_step_by_step(tmp_path, capsys, act, loss):
    rng = np.random.default_rng([ACTIVATIONS.index(act), ("mse", "bce", "ce").index(loss)])
    n, n_in, hidden = 23, 3, (5, 4)
    x = rng.normal(size=(n, n_in))
    xt = rng.normal(size=(7, n_in))
    k = 3 if loss == "ce" else (2 if loss == "bce" else 0)
    if k:
        y = [int(v) for v in rng.integers(0, k, n)]
        y[:k] = range(k)  # every class present
        yt = [int(v) for v in rng.integers(0, k, 7)]
    else:
        y = [float(v) for v in rng.normal(size=n)]  # many distinct values: regression
        yt = [float(v) for v in rng.normal(size=7)]
    write_data(tmp_path / "train.csv", x, y)
    write_data(tmp_path / "test.csv", xt, yt)
    n_out = 3 if loss == "ce" else 1
    net = Network(Architecture(n_in, hidden, n_out, act, loss))
    p = net.init_params(np.random.default_rng(5), 1)[0]
    p += 0.05 * rng.normal(size=p.shape)  # non-zero biases
    save_weights(tmp_path / "w.npz", net, p, np.zeros(0))
    l1, l2 = 0.003, 0.02
    for opt_name, lr in (("momentum", 0.05), ("adam", 0.01)):
        parser = argparse.ArgumentParser()
        configure_train_parser(parser)
        args = parser.parse_args([
            "--data", str(tmp_path / "train.csv"), "--test-data", str(tmp_path / "test.csv"),
            "--hidden", ",".join(map(str, hidden)), "--activation", act, "--loss", loss,
            "--l1", str(l1), "--l2", str(l2), "--optimizer", f"{opt_name}:lr={lr}",
            "--epochs", str(STEPS), "--init-weights", str(tmp_path / "w.npz"),
            "--csv", str(tmp_path / "out.csv")])
        assert run_train(args) == 0
        with open(tmp_path / "out.csv", newline="") as f:
            got = np.array([float(r["train_loss"]) for r in csv.DictReader(f)])
        v = net.views(p[None])
        weights = []
        for layer in v:
            weights += [layer.W[0].copy(), layer.b[0].copy()]
        ref = torch_losses(loss, weights, x, np.array(y), act, l1, l2, opt_name, lr, STEPS)
        assert len(got) == STEPS + 1
        np.testing.assert_allclose(got, ref, rtol=1e-9, atol=0)
        assert got[-1] != got[0]  # it trained
    capsys.readouterr()
