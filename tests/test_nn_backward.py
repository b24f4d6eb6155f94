"""Hand-written backward pass vs central finite differences, and loss/activation values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdsim.errors import GdsimError
from gdsim.nn.activations import ACTIVATIONS, get_activation
from gdsim.nn.losses import LOSSES, loss_value, softmax
from gdsim.nn.network import Architecture, Network


def numeric_grad(f, p, h=1e-6):
    """Central differences of the per-run objective f(p) -> (N,) for every coordinate."""
    g = np.zeros_like(p)
    for d in range(p.shape[1]):
        pp, pm = p.copy(), p.copy()
        pp[:, d] += h
        pm[:, d] -= h
        g[:, d] = (f(pp) - f(pm)) / (2 * h)
    return g


def problem(act="tanh", loss="bce", hidden=(5, 4), n_out=1, seed=0, batch=7, **kw):
    arch = Architecture(2, hidden, n_out, activation=act, loss=loss, **kw)
    net = Network(arch)
    rng = np.random.default_rng(seed)
    p = net.init_params(rng, 3)
    p += 0.3 * rng.standard_normal(p.shape)  # three different runs
    x = rng.standard_normal((batch, 2))
    y = rng.integers(0, 2 if loss != "ce" else n_out, batch).astype(float)
    if loss == "mse":
        y = rng.standard_normal(batch)
    return net, p, x, net.targets(y), rng


@pytest.mark.parametrize("act", list(ACTIVATIONS))
@pytest.mark.parametrize("loss,n_out", [("mse", 1), ("bce", 1), ("ce", 3)])
def test_backward_matches_finite_differences(act, loss, n_out):
    net, p, x, t, _ = problem(act, loss, n_out=n_out)
    g = net.loss_and_grad(p, x, t).grads
    num = numeric_grad(lambda q: net.loss_and_grad(q, x, t).objective, p)
    np.testing.assert_allclose(g, num, rtol=1e-6, atol=1e-8)


def test_backward_with_l1_l2_penalties():
    net, p, x, t, _ = problem(l1=0.03, l2=0.2)
    # L1 is not differentiable at 0: keep every weight well away from it
    p = np.where(np.abs(p) < 0.05, 0.05 * np.sign(p + 1e-12) + p, p)
    ps = net.loss_and_grad(p, x, t)
    assert np.all(ps.penalty > 0)
    num = numeric_grad(lambda q: net.loss_and_grad(q, x, t).objective, p)
    np.testing.assert_allclose(ps.grads, num, rtol=1e-6, atol=1e-8)


def test_penalty_value_by_hand():
    arch = Architecture(1, (2,), 1, l1=0.5, l2=0.25)
    net = Network(arch)
    p = np.zeros((1, net.size))
    v = net.views(p)[0]
    v.W[0] = [[1.0, -2.0]]
    v.b[0] = [7.0, 7.0]  # biases are not penalized
    net.views(p)[1].W[0] = [[3.0], [0.0]]
    # l1·(1 + 2 + 3) + l2/2·(1 + 4 + 9)
    assert net.penalty(p)[0] == pytest.approx(0.5 * 6 + 0.125 * 14)


def test_backward_with_fixed_dropout_masks():
    net, p, x, t, rng = problem(hidden=(6, 5), dropout=0.4)
    masks = [(rng.random((7, w)) >= 0.4) / 0.6 for w in (6, 5)]
    assert any((m == 0).any() for m in masks)
    g = net.loss_and_grad(p, x, t, masks=masks).grads
    num = numeric_grad(lambda q: net.loss_and_grad(q, x, t, masks=masks).objective, p)
    np.testing.assert_allclose(g, num, rtol=1e-6, atol=1e-8)
    # a dropped unit gets no gradient for its incoming weights from this batch when dropped
    # for every sample: check by dropping unit 0 of layer 1 everywhere
    masks[0][:, 0] = 0.0
    g = net.loss_and_grad(p, x, t, masks=masks).grads
    w1 = net.views(g)[0].W
    np.testing.assert_array_equal(w1[:, :, 0], 0.0)


@pytest.mark.parametrize("loss,n_out", [("mse", 1), ("bce", 1), ("ce", 3)])
def test_backward_with_batch_norm(loss, n_out):
    net, p, x, t, _ = problem("relu", loss, hidden=(5, 4), n_out=n_out, batch_norm=True,
                              batch=9)
    g = net.loss_and_grad(p, x, t).grads
    num = numeric_grad(lambda q: net.loss_and_grad(q, x, t).objective, p)
    np.testing.assert_allclose(g, num, rtol=1e-6, atol=1e-8)


def test_batch_norm_normalizes_and_tracks_running_stats():
    arch = Architecture(2, (3,), 1, activation="linear", batch_norm=True)
    net = Network(arch)
    rng = np.random.default_rng(4)
    p = net.init_params(rng, 1)
    x = rng.standard_normal((50, 2)) * 3 + 1
    bn = net.init_bn(1)
    net.loss_and_grad(p, x, net.targets(np.zeros(50)), bn=bn, update_running=True)
    z = x @ net.views(p)[0].W[0] + net.views(p)[0].b[0]
    mean, var = net.bn_views(bn)[0]
    # torch's rule: running = 0.9·running + 0.1·batch (unbiased variance), from (0, 1)
    np.testing.assert_allclose(mean[0], 0.1 * z.mean(0), rtol=1e-12)
    np.testing.assert_allclose(var[0], 0.9 + 0.1 * z.var(0, ddof=1), rtol=1e-12)
    # with γ = 1, β = 0 and a linear activation the hidden layer is standardized: the output
    # equals W2·ẑ + b2 with ẑ computed here independently
    zhat = (z - z.mean(0)) / np.sqrt(z.var(0) + 1e-5)
    out = net.forward(p, x, train=True)[0, :, 0]
    l2 = net.views(p)[1]
    np.testing.assert_allclose(out, zhat @ l2.W[0][:, 0] + l2.b[0][0], rtol=1e-10)
    # evaluation mode uses the running statistics instead
    ev = net.forward(p, x, bn=bn)[0, :, 0]
    zr = (z - mean[0]) / np.sqrt(var[0] + 1e-5)
    np.testing.assert_allclose(ev, zr @ l2.W[0][:, 0] + l2.b[0][0], rtol=1e-10)


@settings(max_examples=15, deadline=None)
@given(
    hidden=st.lists(st.integers(1, 5), min_size=0, max_size=3),
    act=st.sampled_from(list(ACTIVATIONS)),
    loss=st.sampled_from(list(LOSSES)),
    seed=st.integers(0, 10_000),
)
def test_backward_property_random_architectures(hidden, act, loss, seed):
    n_out = 3 if loss == "ce" else 1
    net, p, x, t, _ = problem(act, loss, hidden=tuple(hidden), n_out=n_out, seed=seed,
                              l2=0.1)
    g = net.loss_and_grad(p, x, t).grads
    num = numeric_grad(lambda q: net.loss_and_grad(q, x, t).objective, p)
    np.testing.assert_allclose(g, num, rtol=1e-5, atol=1e-7)


def test_activation_values_by_hand():
    z = np.array([-2.0, 0.0, 3.0])
    sig = 1 / (1 + np.exp(-z))
    expected = {
        "sigmoid": sig,
        "tanh": np.tanh(z),
        "relu": [0.0, 0.0, 3.0],
        "leaky_relu": [-0.02, 0.0, 3.0],
        "elu": [math.exp(-2) - 1, 0.0, 3.0],
        "swish": z * sig,
        "linear": z,
    }
    for name, want in expected.items():
        np.testing.assert_allclose(get_activation(name).forward(z), want, rtol=1e-14)


def test_activations_finite_at_extremes():
    z = np.array([-1e4, -800.0, 800.0, 1e4])
    with np.errstate(all="raise"):
        for name, a in ACTIVATIONS.items():
            if name in ("sigmoid", "swish"):
                continue  # exp(-z) overflows to inf by design (suppressed inside)
            a.derivative(z, a.forward(z))
    for a in ACTIVATIONS.values():
        out = a.forward(z)
        assert np.all(np.isfinite(out)) and np.all(np.isfinite(a.derivative(z, out)))


def test_losses_stable_for_huge_logits():
    z = np.array([[[800.0], [-800.0]]])
    t = np.array([[0.0], [1.0]])
    loss, g = loss_value("bce", z, t)
    assert loss[0] == pytest.approx(800.0)  # −log σ(−800) ≈ 800, no inf
    np.testing.assert_allclose(g[0, :, 0], [0.5, -0.5])
    zc = np.array([[[1000.0, 0.0, -1000.0]]])
    loss, g = loss_value("ce", zc, np.array([[0.0, 0.0, 1.0]]))
    assert loss[0] == pytest.approx(2000.0)
    assert np.all(np.isfinite(g))


def test_losses_by_hand():
    z = np.array([[[0.5], [-1.0]]])
    t = np.array([[1.0], [0.0]])
    bce = (math.log(1 + math.exp(-0.5)) + math.log(1 + math.exp(-1.0))) / 2
    assert loss_value("bce", z, t)[0][0] == pytest.approx(bce, rel=1e-14)
    assert loss_value("mse", z, t)[0][0] == pytest.approx((0.25 + 1.0) / 2, rel=1e-14)
    zc = np.array([[[1.0, 2.0, 3.0]]])
    ce = -math.log(softmax(zc)[0, 0, 1])
    assert loss_value("ce", zc, np.array([[0.0, 1.0, 0.0]]))[0][0] == pytest.approx(ce)


def test_views_share_memory_and_layout():
    net = Network(Architecture(2, (3,), 1, batch_norm=True))
    assert net.size == 2 * 3 + 3 + 3 + 3 + 3 * 1 + 1
    p = np.arange(2 * net.size, dtype=float).reshape(2, net.size)
    v = net.views(p)
    assert np.shares_memory(v[0].W, p)
    np.testing.assert_array_equal(v[0].W[1], p[1, :6].reshape(2, 3))  # row-major (in, out)
    v[1].b[...] = -1.0
    assert p[0, -1] == -1.0 and p[1, -1] == -1.0
    assert net.param_names()[:2] == ["W1[0,0]", "W1[0,1]"]
    assert len(net.param_names()) == net.size


@pytest.mark.parametrize("kw,needle", [
    (dict(activation="softsign"), "activation"),
    (dict(loss="hinge"), "loss"),
    (dict(init="orthogonal"), "initialization"),
    (dict(dropout=1.0), "dropout"),
    (dict(l2=-0.1), "l2"),
    (dict(l1=float("nan")), "l1"),
])
def test_architecture_rejects_bad_values(kw, needle):
    with pytest.raises(GdsimError, match=needle):
        Architecture(2, (3,), 1, **kw)


def test_architecture_rejects_zero_width():
    with pytest.raises(GdsimError, match="width"):
        Architecture(2, (3, 0), 1)


def test_inits_have_the_documented_scale():
    rng = np.random.default_rng(0)
    for init, std in (("he", math.sqrt(2 / 400)), ("normal", 0.5),
                      ("xavier", math.sqrt(6 / 600) / math.sqrt(3))):
        net = Network(Architecture(400, (200,), 1, init=init, init_std=0.5))
        w = net.views(net.init_params(rng))[0].W[0]
        assert w.std() == pytest.approx(std, rel=0.02)
    net = Network(Architecture(400, (200,), 1, init="xavier"))
    w = net.views(net.init_params(rng))[0].W[0]
    assert np.abs(w).max() <= math.sqrt(6 / 600)
