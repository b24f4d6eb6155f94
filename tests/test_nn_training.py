"""Trainer: matches a plain-loop reference, batches runs exactly, learns, stops as documented."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdsim.errors import GdsimError
from gdsim.nn.datasets import make_dataset
from gdsim.nn.io import weights_dict
from gdsim.nn.training import TEST_LOSS, NNExperiment, Trainer
from gdsim.simulation import RunSpec


# --- an independent reference: scalar loops, one sample at a time ------------------------
def reference_sgd(W1, b1, W2, b2, xs, ys, lr, steps, momentum=0.0, l2=0.0):
    """2-H-1 tanh network, bce loss, full-batch torch SGD written with plain Python loops.

    Returns the loss (data part, mean over samples) before each update and after the last,
    and the final weights.
    """
    W1 = [list(r) for r in W1]
    b1 = list(b1)
    W2 = list(W2)
    H = len(b1)
    bufs = None
    losses = []
    for step in range(steps + 1):
        gW1 = [[0.0] * H for _ in range(2)]
        gb1 = [0.0] * H
        gW2 = [0.0] * H
        gb2 = 0.0
        total = 0.0
        for x, y in zip(xs, ys, strict=True):
            a = [math.tanh(x[0] * W1[0][j] + x[1] * W1[1][j] + b1[j]) for j in range(H)]
            z = sum(a[j] * W2[j] for j in range(H)) + b2
            total += (math.log1p(math.exp(z)) if z < 30 else z) - y * z
            dz = 1 / (1 + math.exp(-z)) - y
            gb2 += dz
            for j in range(H):
                gW2[j] += a[j] * dz
                dz1 = W2[j] * dz * (1 - a[j] ** 2)
                gb1[j] += dz1
                gW1[0][j] += x[0] * dz1
                gW1[1][j] += x[1] * dz1
        n = len(xs)
        losses.append(total / n)
        if step == steps:
            break
        flat_p = [W1[0][j] for j in range(H)] + [W1[1][j] for j in range(H)] + b1 + W2 + [b2]
        flat_g = ([gW1[0][j] / n + l2 * W1[0][j] for j in range(H)]
                  + [gW1[1][j] / n + l2 * W1[1][j] for j in range(H)]
                  + [g / n for g in gb1] + [gW2[j] / n + l2 * W2[j] for j in range(H)]
                  + [gb2 / n])
        if momentum:
            bufs = list(flat_g) if bufs is None else [
                momentum * b + g for b, g in zip(bufs, flat_g, strict=True)]
            flat_g = bufs
        flat_p = [p - lr * g for p, g in zip(flat_p, flat_g, strict=True)]
        W1 = [flat_p[:H], flat_p[H:2 * H]]
        b1 = flat_p[2 * H:3 * H]
        W2 = flat_p[3 * H:4 * H]
        b2 = flat_p[4 * H]
    return losses, (W1, b1, W2, b2)


@pytest.mark.parametrize("momentum,l2", [(0.0, 0.0), (0.9, 0.01)])
def test_sgd_matches_plain_loop_reference(momentum, l2):
    hp = {"lr": 0.3, "momentum": momentum}
    exp = NNExperiment(dataset="moons", samples=30, hidden=(3,), activation="tanh",
                       loss="bce", l2=l2, runs=[RunSpec("sgd", hp)], epochs=6, seed=5)
    tr = Trainer(exp)
    w0 = weights_dict(tr.net, *tr.initial_weights())
    losses, (W1, b1, W2, b2) = reference_sgd(
        w0["W1"].tolist(), w0["b1"].tolist(), w0["W2"][:, 0].tolist(), float(w0["b2"][0]),
        tr.data.x_train.tolist(), tr.data.y_train.tolist(), 0.3, 6, momentum, l2)
    tr.run()
    np.testing.assert_allclose(tr.column(0, "train_loss"), losses, rtol=1e-11)
    w = weights_dict(tr.net, *tr.weights(0))
    np.testing.assert_allclose(w["W1"], W1, rtol=1e-11)
    np.testing.assert_allclose(w["b1"], b1, rtol=1e-11, atol=1e-15)
    np.testing.assert_allclose(w["W2"][:, 0], W2, rtol=1e-11)
    np.testing.assert_allclose(w["b2"][0], b2, rtol=1e-11, atol=1e-15)


def race(**kw) -> NNExperiment:
    base = dict(dataset="moons", samples=80, hidden=(6, 5), activation="tanh", loss="bce",
                runs=[RunSpec("adam", {"lr": 0.02}), RunSpec("sgd", {"lr": 0.3}),
                      RunSpec("adam", {"lr": 0.005}),
                      RunSpec("rmsprop", {"lr": 0.01}, "cosine", {"t_max": 40})],
                epochs=6, batch_size=16, seed=3)
    base.update(kw)
    return NNExperiment(**base)


@pytest.mark.parametrize("kw", [{}, {"dropout": 0.2}, {"batch_norm": True}])
def test_batch_of_runs_equals_separate_runs(kw):
    exp = race(**kw)
    together = Trainer(exp)
    together.run()
    for i, spec in enumerate(exp.runs):
        alone = Trainer(race(runs=[spec], **kw))
        alone.run()
        np.testing.assert_allclose(alone.record(0), together.record(i), rtol=1e-12, atol=0)
        np.testing.assert_allclose(alone.weights(0)[0], together.weights(i)[0], rtol=1e-12)


def test_same_seed_same_result_and_step_chunks_agree():
    a, b = Trainer(race(dropout=0.1)), Trainer(race(dropout=0.1))
    a.run()
    for _ in range(3):
        b.step(7)
    b.run()
    for i in range(a.n_runs):
        np.testing.assert_array_equal(a.record(i), b.record(i))
    c = Trainer(race(dropout=0.1, seed=4))
    c.run()
    assert not np.array_equal(a.record(0), c.record(0))


def test_reset_restarts_identically():
    tr = Trainer(race())
    tr.step(10)
    first = tr.record(0).copy()
    tr.reset()
    assert tr.t == 0 and len(tr.record(0)) == 1
    tr.step(10)
    np.testing.assert_array_equal(tr.record(0), first)


def test_minibatches_cover_each_epoch_without_replacement():
    tr = Trainer(race(batch_size=7, epochs=3, runs=[RunSpec("sgd")]))
    n = len(tr.data.x_train)
    spe = -(-n // 7)
    assert tr.steps_per_epoch == spe and tr.max_steps == 3 * spe
    seen = [tr.batch_indices.copy()]
    while tr.step(1):
        seen.append(tr.batch_indices.copy())
    for e in range(3):
        epoch = np.concatenate(seen[e * spe:(e + 1) * spe])
        np.testing.assert_array_equal(np.sort(epoch), np.arange(n))
    assert not np.array_equal(np.concatenate(seen[:spe]), np.concatenate(seen[spe:2 * spe]))
    # single-sample steps
    tr = Trainer(race(batch_size=1, epochs=1, runs=[RunSpec("sgd")]))
    assert tr.max_steps == n


def test_record_columns_and_lr_follow_the_schedule():
    exp = race(runs=[RunSpec("sgd", {"lr": 0.2}, "step", {"step_size": 5, "gamma": 0.5})],
               batch_size=None, epochs=12)
    tr = Trainer(exp)
    tr.run()
    rec = tr.record(0)
    assert rec.shape == (13, 6 + 3)
    np.testing.assert_allclose(tr.column(0, "lr"), [0.2 * 0.5 ** (k // 5) for k in range(13)])
    # per-layer norms combine to the overall norm
    np.testing.assert_allclose(np.sqrt((tr.layer_grad_norms(0) ** 2).sum(1)),
                               tr.column(0, "grad_norm"), rtol=1e-12)
    # train/test losses are recomputable from the weights at each step
    for k in (0, 5, 12):
        p, b = tr.weights(0, k)
        ev = tr.net.evaluate(p[None], tr.data.x_test, tr.t_test, b[None])
        assert ev.loss[0] == pytest.approx(rec[k, 1], rel=1e-12)
    acc = tr.column(0, "test_acc")
    assert np.all((acc >= 0) & (acc <= 1))


def test_full_batch_grad_norm_is_the_gradient_at_the_recorded_weights():
    tr = Trainer(race(batch_size=None, epochs=4, l2=0.01))
    tr.run()
    p, b = tr.weights(1, 2)
    g = tr.net.loss_and_grad(p[None], tr.data.x_train, tr.t_train).grads
    assert np.linalg.norm(g) == pytest.approx(tr.column(1, "grad_norm")[2], rel=1e-12)


@pytest.mark.parametrize("dataset", ["xor", "circles", "moons"])
def test_classic_datasets_are_learned(dataset):
    exp = NNExperiment(dataset=dataset, samples=400, hidden=(8, 8), activation="tanh",
                       loss="bce", runs=[RunSpec("adam", {"lr": 0.03})], epochs=300, seed=1)
    tr = Trainer(exp)
    tr.run()
    assert tr.column(0, "test_acc")[-1] >= 0.97
    assert tr.column(0, "train_loss")[-1] < 0.2 * tr.column(0, "train_loss")[0]


def test_multiclass_spiral_with_ce_learns():
    exp = NNExperiment(dataset="spiral:classes=3", samples=300, hidden=(32, 32),
                       activation="relu", loss="ce", runs=[RunSpec("adam", {"lr": 0.02})],
                       epochs=400, seed=0, noise=0.0)
    tr = Trainer(exp)
    tr.run()
    assert tr.arch.n_out == 3
    assert tr.column(0, "train_acc")[-1] >= 0.9


def test_regression_sine_fits_and_has_no_accuracy():
    exp = NNExperiment(dataset="sine", samples=200, hidden=(16,), activation="tanh",
                       loss="mse", runs=[RunSpec("adam", {"lr": 0.02})], epochs=500)
    tr = Trainer(exp)
    tr.run()
    assert np.all(np.isnan(tr.column(0, "test_acc")))
    assert tr.column(0, "test_loss")[-1] < 0.03  # noise variance 0.01
    x = np.linspace(-2.5, 2.5, 9)[:, None]
    np.testing.assert_allclose(tr.predict(0, x)[:, 0], np.sin(x[:, 0]), atol=0.15)


def test_early_stopping_restores_the_best_weights():
    exp = NNExperiment(dataset="moons", samples=60, noise=0.4, hidden=(64, 64),
                       test_fraction=0.5, activation="tanh", loss="bce",
                       runs=[RunSpec("adam", {"lr": 0.03}), RunSpec("sgd", {"lr": 1e-4})],
                       epochs=400, early_stopping=15, seed=1)
    tr = Trainer(exp)
    tr.run()
    r = tr.runs[0]
    assert r.status == "early_stopped" and "validation loss" in r.reason
    # the validation split watched is carved from the training rows, not the test set
    full = make_dataset("moons", 60, 0.4, 0.5, 1)
    assert len(tr.data.x_val) == 6 and len(tr.data.x_train) == 24
    np.testing.assert_array_equal(tr.data.x_test, full.x_test)
    rows = {tuple(x) for x in full.x_train}
    assert {tuple(x) for x in tr.data.x_train} | {tuple(x) for x in tr.data.x_val} == rows
    # best step = lowest validation loss over the recorded steps
    val = [tr.net.evaluate(tr.weights(0, k)[0][None], tr.data.x_val, tr.t_val,
                           tr.weights(0, k)[1][None]).loss[0] for k in range(r.best_step + 16)]
    assert r.best_step == int(np.argmin(val))
    assert len(tr.record(0)) - 1 == r.best_step + 15  # stopped after `patience` epochs
    # the weights it ends with are the best step's, and so is every reported score
    p, b = tr.weights(0)
    ev = tr.net.evaluate(p[None], tr.data.x_test, tr.t_test, b[None])
    assert ev.loss[0] == tr.result_row(0)[TEST_LOSS] == tr.column(0, "test_loss")[r.best_step]
    assert r.final_step == r.best_step
    np.testing.assert_array_equal(tr.row_at(0, 10**6), tr.result_row(0))
    np.testing.assert_array_equal(tr.weights(0, len(tr.record(0)) - 1)[0], p)
    steps, path = tr.weight_history(0, 0, 1)
    assert steps[-1] == len(tr.record(0)) - 1 and np.array_equal(path[-1], p[[0, 1]])
    # the slow run keeps improving and trains to the end
    assert tr.runs[1].status == "max_epochs" and len(tr.record(1)) == 401
    assert tr.runs[1].final_step == 400


def test_divergence_stops_one_run_and_the_others_go_on():
    exp = NNExperiment(dataset="sine", samples=60, hidden=(8,), activation="tanh", loss="mse",
                       runs=[RunSpec("sgd", {"lr": 50.0}), RunSpec("adam", {"lr": 0.01})],
                       epochs=50)
    tr = Trainer(exp)
    tr.run()  # filterwarnings=error: an overflow warning would fail here
    bad, good = tr.runs
    assert bad.status == "diverged" and "step" in bad.reason
    assert good.status == "max_epochs" and len(tr.record(1)) == 51
    rec = tr.record(0)
    assert 1 < len(rec) < 51 and np.all(np.isfinite(rec[:, :2]))
    p, _ = tr.weights(0)
    assert np.all(np.isfinite(p))
    _, p_last, _ = tr.state_at(len(rec) - 1)
    np.testing.assert_array_equal(p, p_last[0])
    assert tr.done


def test_predict_grid_and_weight_slice():
    tr = Trainer(race(batch_size=None, epochs=5))
    tr.run()
    xs, ys, out = tr.predict_grid(0, 30, 20)
    assert out.shape == (20, 30, 1) and np.all((out >= 0) & (out <= 1))
    pts = np.array([[xs[3], ys[7]]])
    assert tr.predict(0, pts)[0, 0] == pytest.approx(out[7, 3, 0], rel=1e-12)
    a, b = 0, tr.net.size - 1
    p, _ = tr.weights(0)
    va = p[a] + np.linspace(-1, 1, 5)
    vb = p[b] + np.linspace(-2, 2, 4)
    grid = tr.weight_slice(0, a, b, va, vb)
    assert grid.shape == (4, 5)
    q = p.copy()
    q[a], q[b] = va[1], vb[2]
    ev = tr.net.evaluate(q[None], tr.data.x_train, tr.t_train)
    assert grid[2, 1] == pytest.approx(ev.objective[0], rel=1e-12)
    steps, vals = tr.weight_history(0, a, b)
    assert steps[0] == 0 and steps[-1] == 5 and vals.shape == (6, 2)
    assert vals[-1, 0] == p[a]
    with pytest.raises(GdsimError, match="weight index"):
        tr.weight_slice(0, tr.net.size, 0, va, vb)


def test_history_is_thinned_but_bounded(monkeypatch):
    import gdsim.nn.training as training

    monkeypatch.setattr(training, "HISTORY_BUDGET", 4 * 64 * 200)
    tr = Trainer(race(batch_size=None, epochs=300, runs=[RunSpec("adam")]))
    tr.run()
    assert tr._hist.size <= 2 * 4 * 64 * 200
    s, p, _ = tr.state_at(137)
    assert s <= 137 and 137 - s < 8
    assert tr.state_at(300)[0] == 300


@pytest.mark.parametrize("kw,needle", [
    (dict(loss="ce", dataset="sine"), "classification"),
    (dict(loss="bce", dataset="spiral:classes=3"), "2 classes"),
    (dict(epochs=-1), "epochs"),
    (dict(batch_size=-3), "batch size"),
    (dict(runs=[RunSpec("adamm")]), "unknown optimizer"),
    (dict(runs=[RunSpec("adam", {"lr": -1})]), "lr"),
    (dict(runs=[]), "no runs"),
    (dict(init="normal:sd=2"), "std"),
    (dict(batch_norm=True, batch_size=1), "batch size"),
    (dict(hidden=(4, 0)), "width"),
])
def test_bad_configuration_is_refused(kw, needle):
    with pytest.raises(GdsimError, match=needle):
        Trainer(race(**kw))


def test_disabled_runs_are_skipped_and_labels_unique():
    tr = Trainer(race(runs=[RunSpec("adam"), RunSpec("adam"), RunSpec("sgd", enabled=False)]))
    assert tr.labels == ["adam", "adam#2"]


def test_chunked_outputs_equal_one_pass():
    from gdsim.nn.losses import output_values
    from gdsim.nn.network import CHUNK_ELEMENTS

    tr = Trainer(race(batch_size=None, epochs=3))
    tr.run()
    x = np.random.default_rng(0).uniform(-2, 2, (CHUNK_ELEMENTS // 4 + 17, 2))
    p = tr.params
    chunked = tr.net.outputs(p, x, tr.bn)
    whole = output_values("bce", tr.net.forward(p, x, bn=tr.bn))
    np.testing.assert_array_equal(chunked, whole)


def test_cached_views_follow_their_own_array():
    tr = Trainer(race())
    a = np.zeros((2, tr.net.size))
    b = np.ones((2, tr.net.size))
    va, vb = tr.net.views(a), tr.net.views(b)
    assert tr.net.views(a) is va and va is not vb
    va[0].W[...] = 5.0
    assert a[:, 0].tolist() == [5.0, 5.0] and b[0, 0] == 1.0
    d = a.copy()  # equal values, another array: its own views
    assert tr.net.views(d) is not va and tr.net.views(d)[0].W[0, 0, 0] == 5.0


def test_a_huge_but_finite_weight_stops_its_run_at_the_next_step():
    """The divergence check's quick path (all finite, all weights within the limit) must not
    hide a weight beyond WEIGHT_LIMIT: that run stops, back on its last weights."""
    from gdsim.nn.training import WEIGHT_LIMIT

    exp = NNExperiment(dataset="moons", samples=80, hidden=(4,), activation="tanh", loss="bce",
                       runs=[RunSpec("sgd", {"lr": 0.1}), RunSpec("adam", {"lr": 0.01})],
                       epochs=20)
    tr = Trainer(exp)
    tr.step(3)
    before = tr.params[0].copy()
    tr.set_weight(0, 1, 10 * WEIGHT_LIMIT)  # output stays finite: tanh saturates
    tr.step(1)
    bad, good = tr.runs
    assert bad.status == "diverged" and "exceeded" in bad.reason
    assert good.status == "running"
    np.testing.assert_array_equal(tr.params[0], before)
    tr.run()
    assert good.status == "max_epochs"
