"""The diagram's numbers: node values equal the engine's forward arrays, and one sample's
forward/backward pass equals the engine's loss_and_grad (and finite differences)."""

from __future__ import annotations

import numpy as np
import pytest

from gdsim.errors import GdsimError
from gdsim.experiment import RunSpec
from gdsim.nn.trace import node_values, sample_trace
from gdsim.nn.training import NNExperiment, Trainer


def trained(activation: str, loss: str, hidden=(5, 4), **kw) -> Trainer:
    ds = {"mse": "sine", "bce": "moons", "ce": "spiral"}[loss]
    tr = Trainer(NNExperiment(dataset=ds, samples=60, hidden=hidden, activation=activation,
                              loss=loss, runs=[RunSpec("adam", {"lr": 0.05})], epochs=15, **kw))
    tr.run()
    return tr


@pytest.mark.parametrize(("activation", "loss"), [("tanh", "bce"), ("relu", "ce"),
                                                  ("sigmoid", "mse"), ("elu", "bce")])
def test_sample_backward_equals_loss_and_grad_and_finite_differences(activation, loss):
    tr = trained(activation, loss)
    p, _ = tr.weights(0)
    x, t = tr.x_train[3], tr.t_train[3]
    tr_ = sample_trace(tr.net, p, x, t)
    ref = tr.net.loss_and_grad(p[None, :], x[None, :], t[None, :])
    assert tr_.loss == pytest.approx(float(ref.loss[0]), rel=1e-12)
    views = tr.net.views(ref.grads)
    for layer, v in enumerate(views, start=1):
        np.testing.assert_allclose(tr_.dW[layer], v.W[0], rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(tr_.db[layer], v.b[0], rtol=1e-10, atol=1e-14)
    # one weight by central differences of the sample's loss
    k = tr.net.layers[0].w.start + 1
    h = 1e-6
    up, dn = p.copy(), p.copy()
    up[k] += h
    dn[k] -= h
    fd = (sample_trace(tr.net, up, x, t).loss - sample_trace(tr.net, dn, x, t).loss) / (2 * h)
    assert tr_.dW[1].reshape(-1)[1] == pytest.approx(fd, rel=1e-6, abs=1e-9)


def test_node_values_are_the_forward_pass():
    tr = trained("tanh", "bce")
    p, bn = tr.weights(0)
    grid = np.random.default_rng(0).uniform(-2, 2, size=(7, 2))
    vals = node_values(tr.net, p, bn, grid)
    assert [v.shape for v in vals] == [(7, 2), (7, 5), (7, 4), (7, 1)]
    np.testing.assert_array_equal(vals[0], grid)
    np.testing.assert_allclose(vals[-1], tr.net.outputs(p[None, :], grid, bn[None, :])[0],
                               rtol=1e-14)
    w1, b1 = tr.net.views(p[None, :])[0].W[0], tr.net.views(p[None, :])[0].b[0]
    np.testing.assert_allclose(vals[1], np.tanh(grid @ w1 + b1), rtol=1e-12)
    one = sample_trace(tr.net, p, grid[2], np.array([1.0]))
    for layer in (1, 2):
        np.testing.assert_allclose(one.a[layer], vals[layer][2], rtol=1e-12)


@pytest.mark.parametrize("kw", [{}, {"batch_norm": True}, {"hidden": (3, 3, 3, 3)}])
def test_node_values_in_one_pass_equal_each_layer_forwarded_from_the_input(kw):
    tr = trained("relu", "ce", **kw)
    p, bn = tr.weights(0)
    grid = np.random.default_rng(1).uniform(-2, 2, size=(50, 2))
    vals = node_values(tr.net, p, bn, grid)
    for i in range(len(tr.net.layers) - 1):  # hidden layer i + 1 from the input each time
        h, _ = tr.net._forward(p[None, :], grid, False, None, bn[None, :], False, False, 0, i + 1)
        np.testing.assert_allclose(vals[i + 1], h[0], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(vals[-1], tr.net.outputs(p[None, :], grid, bn[None, :])[0],
                               rtol=1e-12)


def test_batch_norm_networks_are_refused_with_a_reason():
    tr = trained("tanh", "bce", batch_norm=True)
    p, _ = tr.weights(0)
    with pytest.raises(GdsimError, match="batch norm"):
        sample_trace(tr.net, p, tr.x_train[0], tr.t_train[0])


def test_set_weight_changes_exactly_that_weight_and_training_continues_from_it():
    tr = Trainer(NNExperiment(dataset="moons", samples=60, hidden=(4,),
                              runs=[RunSpec("sgd", {"lr": 0.1}), RunSpec("sgd", {"lr": 0.1})],
                              epochs=30))
    tr.step(5)
    before = tr.params.copy()
    k = tr.net.layers[1].w.start
    tr.set_weight(1, k, 2.5)
    changed = np.argwhere(tr.params != before)
    assert changed.tolist() == [[1, k]] and tr.params[1, k] == 2.5
    tr.step(1)
    assert not np.array_equal(tr.params[0], tr.params[1])  # run 1 went on from the edit
    for bad in ((1, -1, 0.0), (1, tr.net.size, 0.0), (5, 0, 0.0), (1, 0, float("nan"))):
        with pytest.raises(GdsimError):
            tr.set_weight(*bad)
