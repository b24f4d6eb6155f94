"""Network presets (resources/presets/network/nn_*.json): valid, and they show their story."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from gdsim.nn.io import experiment_from_dict
from gdsim.nn.training import NNExperiment, Trainer

FOLDER = Path(__file__).resolve().parent.parent / "resources" / "presets" / "network"
FILES = sorted(FOLDER.glob("nn_*.json"))


def trained(stem: str) -> Trainer:
    d = json.loads((FOLDER / f"{stem}.json").read_text(encoding="utf-8"))
    tr = Trainer(experiment_from_dict(d))
    tr.run()
    return tr


def final(tr: Trainer, label: str, col: int) -> float:
    i = tr.labels.index(label)
    return float(tr.record(i)[-1, col])


def test_there_is_a_preset_for_every_story():
    assert len(FILES) >= 10


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_preset_file_is_a_network_experiment(path):
    d = json.loads(path.read_text(encoding="utf-8"))
    assert d["mode"] == "network" and d["format"] == "gdsim-network" and d["version"] == 1
    assert 5 < len(d["title"]) < 60 and d["description"].rstrip().endswith(".")
    exp = experiment_from_dict(d)
    assert isinstance(exp, NNExperiment) and exp.runs
    colors = [r.color for r in exp.runs]
    assert all(colors) and len(set(colors)) == len(colors)


def test_xor_needs_a_hidden_layer():
    flat, deep = trained("nn_01a_xor_no_hidden_layer"), trained("nn_01b_xor_hidden_layer")
    for label in ("Adam", "SGD"):
        assert final(flat, label, 1) > 0.65 and final(flat, label, 3) <= 0.7
        assert final(deep, label, 3) == 1.0


def test_deep_sigmoid_gradients_vanish_and_relu_learns():
    sig, relu = trained("nn_02a_deep_sigmoid"), trained("nn_02b_deep_relu")
    g = sig.layer_grad_norms(0)[0]
    assert g[0] < 1e-3 * g[-1]  # first layer's gradient ≪ the output layer's
    r = relu.layer_grad_norms(0)[0]
    assert r.min() > 0.1 * r.max()
    for label in ("SGD", "Momentum"):
        assert final(sig, label, 0) > 0.69  # stuck at log 2
        assert final(relu, label, 3) >= 0.95


def test_adam_beats_sgd_on_the_spiral():
    tr = trained("nn_03_spiral_adam_vs_sgd")
    assert final(tr, "Adam", 3) >= 0.95
    assert final(tr, "SGD", 3) < 0.8 and final(tr, "Momentum", 3) < 0.8


def test_l2_prevents_overfitting():
    tr = trained("nn_04_l2_vs_overfitting")
    assert final(tr, "Adam, no L2", 0) < 0.01 and final(tr, "Adam, no L2", 1) > 1.5
    assert final(tr, "Adam + L2", 1) < 0.5


def test_early_stopping_stops_before_overfitting():
    tr = trained("nn_05_early_stopping")
    for r in tr.runs:
        assert r.status == "early_stopped"
        test = tr.column(r.index, "test_loss")
        assert len(test) - 1 == r.best_step + 30 and test[r.best_step] < 0.45


def test_batch_size_trades_noise_for_progress():
    curves = {}
    for stem in ("nn_06a_batch_1", "nn_06b_batch_32", "nn_06c_batch_full"):
        curves[stem] = trained(stem).column(0, "train_loss")
    b1, b32, full = curves.values()
    ups = {k: np.mean(np.diff(v) > 0) for k, v in curves.items()}
    assert ups["nn_06a_batch_1"] > ups["nn_06b_batch_32"] > ups["nn_06c_batch_full"] == 0
    # per pass over the data, single samples get much further: 1 epoch = 320 vs 1 step
    assert b1[320] < 0.3 < 0.39 < full[10]
    # step for step, batch 32 follows the full batch closely
    for k in (100, 1000, 3000):
        assert abs(b32[k] - full[k]) < 0.1 * full[k]
