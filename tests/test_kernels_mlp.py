"""Compiled network passes (gdsim.kernels.mlp): the NumPy passes of gdsim.nn.network are the
reference; the compiled ones agree to 1e-12 relative for every activation and loss they
cover, any widths, runs and batch, give the same numbers on 1 or 2 threads, and step aside
(NumPy path) for what they do not cover."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("numba")

from gdsim import kernels  # noqa: E402
from gdsim.kernels import mlp_pass  # noqa: E402
from gdsim.nn.network import Architecture, Network  # noqa: E402
from gdsim.nn.training import NNExperiment, Trainer  # noqa: E402
from gdsim.simulation import RunSpec  # noqa: E402


def passes(net: Network, p, x, t, kernel: bool):
    """(training pass, evaluation pass, forward logits) on the chosen path."""
    old = kernels.set_enabled(kernel)
    try:
        return (net.loss_and_grad(p, x, t), net.evaluate(p, x, t), net.forward(p, x))
    finally:
        kernels.set_enabled(old)


def close(a, b, rel=1e-12):
    """|a − b| ≤ rel·max|b| elementwise (the sums run in another order)."""
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape
    scale = max(np.max(np.abs(b)), 1e-300)
    np.testing.assert_array_less(np.abs(a - b), rel * scale + 1e-300)


def problem(draw_seed: int, hidden, act, loss, n_out, runs, batch, l1=0.0, l2=0.0):
    rng = np.random.default_rng(draw_seed)
    net = Network(Architecture(2 + draw_seed % 2, tuple(hidden), n_out, activation=act,
                               loss=loss, l1=l1, l2=l2))
    p = net.init_params(rng, runs) + 0.3 * rng.standard_normal((runs, net.size))
    x = rng.standard_normal((batch, net.arch.n_in)) * 2
    if loss == "ce":
        t = net.targets(rng.integers(0, n_out, batch))
    elif loss == "bce":
        t = net.targets(rng.integers(0, 2, batch).astype(float))
    else:
        t = rng.standard_normal((batch, n_out))
    return net, p, x, t


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**16), hidden=st.lists(st.integers(1, 20), min_size=1, max_size=3),
       act=st.sampled_from(sorted(mlp_pass.ACTIVATIONS)),
       loss=st.sampled_from(["mse", "bce", "ce"]), n_out=st.integers(1, 4),
       runs=st.integers(1, 5), batch=st.integers(1, 300))
def test_compiled_passes_agree_with_the_numpy_passes(seed, hidden, act, loss, n_out, runs,
                                                     batch):
    n_out = 1 if loss == "bce" else max(n_out, 2) if loss == "ce" else n_out
    net, p, x, t = problem(seed, hidden, act, loss, n_out, runs, batch)
    (tk, ek, fk), (tn, en, fn) = passes(net, p, x, t, True), passes(net, p, x, t, False)
    assert net._passes, "the kernel path must have run"
    for a, b in ((tk.loss, tn.loss), (ek.loss, en.loss)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-300)
    close(tk.grads, tn.grads)
    close(tk.logits, tn.logits)
    close(ek.logits, en.logits)
    close(fk, fn)


def test_penalties_ride_on_top():
    net, p, x, t = problem(3, (6, 5), "tanh", "bce", 1, 3, 90, l1=0.01, l2=0.1)
    (tk, _, _), (tn, _, _) = passes(net, p, x, t, True), passes(net, p, x, t, False)
    close(tk.grads, tn.grads)
    np.testing.assert_array_equal(tk.penalty, tn.penalty)
    assert tk.penalty.min() > 0


def test_gradient_matches_finite_differences():
    """An independent check of the backward pass: central differences of the loss."""
    net, p, x, t = problem(5, (4, 3), "tanh", "ce", 3, 1, 40)
    g = passes(net, p, x, t, True)[0].grads[0]
    h = 1e-6
    num = np.empty(net.size)
    for k in range(net.size):
        q = np.repeat(p, 2, axis=0)
        q[0, k] += h
        q[1, k] -= h
        lp, lm = passes(net, q, x, t, True)[1].loss
        num[k] = (lp - lm) / (2 * h)
    np.testing.assert_allclose(g, num, rtol=1e-6, atol=1e-9)


def test_results_do_not_depend_on_the_thread_count():
    net, p, x, t = problem(7, (16, 16), "tanh", "bce", 1, 4, 1000)
    fast = mlp_pass.for_network(net.arch)
    assert fast is not None
    out = []
    for threads in (1, 2, 3):
        g = np.empty_like(p)
        loss, z = fast.run(p, x, t, g, threads=threads)
        out.append((loss, z, g))
    for loss, z, g in out[1:]:
        np.testing.assert_array_equal(loss, out[0][0])
        np.testing.assert_array_equal(z, out[0][1])
        np.testing.assert_array_equal(g, out[0][2])


@pytest.mark.parametrize("kernel", [True, False])
def test_a_training_step_s_two_passes_in_one_dispatch_match_the_two_calls(kernel):
    """train_and_evaluate (one dispatch of the compiled passes for the gradient pass and the
    test evaluation) gives what loss_and_grad and evaluate give, bit for bit."""
    net, p, x, t = problem(5, (16, 16), "tanh", "bce", 1, 4, 1000, l2=1e-3)
    _, _, xe, te = problem(7, (16, 16), "tanh", "bce", 1, 4, 250)  # same inputs: odd seeds
    old = kernels.set_enabled(kernel)
    try:
        g = np.empty_like(p)
        tr, ev = net.train_and_evaluate(p, x, t, xe, te, out=g)
        tr2, ev2 = net.loss_and_grad(p, x, t), net.evaluate(p, xe, te)
    finally:
        kernels.set_enabled(old)
    assert tr.grads is g
    if kernel:  # a malformed evaluation set takes the two calls and leaves the passes on
        with pytest.raises((ValueError, IndexError)):
            net.train_and_evaluate(p, x, t, xe[:, 0], te)
        assert net._passes
    for a, b in ((tr.loss, tr2.loss), (tr.logits, tr2.logits), (g, tr2.grads),
                 (ev.loss, ev2.loss), (ev.logits, ev2.logits), (tr.penalty, tr2.penalty)):
        np.testing.assert_array_equal(a, b)


def test_bce_at_extreme_logits_agrees_with_the_numpy_passes():
    """Softplus and σ at logits of ±1e-3 … ±800 (e^−|z| from 1 to below the smallest
    subnormal): the vectorized loss terms agree with NumPy's log1p/exp."""
    net, p, x, t = problem(9, (6,), "tanh", "bce", 1, 6, 200)
    out = net.layers[-1]
    for r, scale in enumerate((1e-3, 0.3, 3.0, 30.0, 300.0, 800.0)):
        p[r, out.start : out.stop] *= scale / max(np.abs(p[r, out.start : out.stop]).max(), 1)
    (tk, ek, _), (tn, en, _) = passes(net, p, x, t, True), passes(net, p, x, t, False)
    for r in range(6):  # each run on its own scale: the losses span 0.7 … 300
        close(tk.loss[r], tn.loss[r])
        close(ek.loss[r], en.loss[r])
        close(tk.grads[r], tn.grads[r])


def test_one_dispatch_of_several_passes_gives_each_what_run_gives_it():
    """run_many over jobs of uneven chunk counts (1,000, 250, 7, 129 points; with and without
    gradient or targets) on 1, 2 and 3 threads: each job bit-identical to its own run."""
    net, p, x, t = problem(3, (16, 5), "tanh", "bce", 1, 3, 1000)
    fast = mlp_pass.for_network(net.arch)
    shapes = [(1000, True, True), (250, False, True), (7, True, True), (129, False, False)]
    jobs_for = []
    for b, grad, targets in shapes:
        jobs_for.append((x[:b], t[:b] if targets else None, grad))
    want = []
    for xb, tb, grad in jobs_for:
        g = np.empty_like(p) if grad else None
        loss, z = fast.run(p, xb, tb, g, threads=1)
        want.append((loss, z, g))
    for threads in (1, 2, 3):
        grads = [np.empty_like(p) if grad else None for _, _, grad in jobs_for]
        got = fast.run_many(p, [(xb, tb, g, True) for (xb, tb, _), g in zip(jobs_for, grads,
                                                                           strict=True)],
                            threads=threads)
        for (loss, z), g, (wl, wz, wg) in zip(got, grads, want, strict=True):
            assert (loss is None) == (wl is None)
            if wl is not None:
                np.testing.assert_array_equal(loss, wl)
            np.testing.assert_array_equal(z, wz)
            if wg is not None:
                np.testing.assert_array_equal(g, wg)


def test_uncovered_networks_keep_the_numpy_path():
    for arch in (Architecture(2, (4,), 1, batch_norm=True),
                 Architecture(2, (4,), 1, dropout=0.2)):
        assert mlp_pass.for_network(arch) is None
    old = kernels.set_enabled(False)
    try:
        assert mlp_pass.for_network(Architecture(2, (4,), 1)) is None
    finally:
        kernels.set_enabled(old)


def test_nan_weights_give_nan_losses_on_both_paths():
    for act in sorted(mlp_pass.ACTIVATIONS):
        net, p, x, t = problem(11, (5,), act, "bce", 1, 2, 30)
        p[1, 0] = np.nan  # a first-layer weight of run 1
        with np.errstate(all="ignore"):
            (tk, ek, _), (tn, en, _) = passes(net, p, x, t, True), passes(net, p, x, t, False)
        np.testing.assert_array_equal(np.isnan(tk.loss), np.isnan(tn.loss))
        np.testing.assert_array_equal(np.isnan(ek.loss), np.isnan(en.loss))
        assert np.isnan(tk.loss[1]) and np.isfinite(tk.loss[0])


def test_the_compiled_copy_is_keyed_by_vmath_too():
    """numba's cache watches only the functions' own file: the copy that is compiled names
    vmath's source hash, so a changed vmath (inlined into the passes) compiles anew."""
    import hashlib
    from pathlib import Path

    mod = mlp_pass.compiled_module()
    text = Path(mod.__file__).read_text(encoding="utf-8")
    vm = Path(mlp_pass.__file__).with_name("vmath.py").read_bytes()
    assert text.rstrip().endswith(hashlib.sha256(vm).hexdigest())
    assert text.startswith(Path(mlp_pass.__file__).with_name("mlp.py").read_text(
        encoding="utf-8"))


def test_a_network_copy_runs_the_same_passes():
    net, p, x, t = problem(2, (8,), "relu", "mse", 2, 2, 70)
    a = passes(net, p, x, t, True)[0]
    twin = copy.deepcopy(net)
    b = passes(twin, p, x, t, True)[0]
    np.testing.assert_array_equal(a.grads, b.grads)


def test_warm_loads_the_passes():
    assert mlp_pass.warm()
    assert mlp_pass.loaded()
    old = kernels.set_enabled(False)
    try:
        assert not mlp_pass.warm()  # kernels off: nothing to load
    finally:
        kernels.set_enabled(old)


def _trainer(kernel: bool, **kw) -> Trainer:
    old = kernels.set_enabled(kernel)
    try:
        exp = NNExperiment(
            dataset="moons", samples=300, test_fraction=0.2, hidden=(8, 8),
            activation=kw.pop("activation", "tanh"), loss=kw.pop("loss", "bce"), epochs=30,
            runs=[RunSpec("adam", {"lr": 0.01}), RunSpec("sgd", {"lr": 0.1}),
                  RunSpec("momentum", {"lr": 0.05}), RunSpec("rmsprop", {"lr": 0.005})], **kw)
        tr = Trainer(exp)
        tr.run()
        return tr
    finally:
        kernels.set_enabled(old)


@pytest.mark.parametrize("kw", [{}, {"loss": "ce"}, {"activation": "relu", "l2": 0.01},
                                {"batch_size": 32}])
def test_training_runs_agree(kw):
    a, b = _trainer(True, **dict(kw)), _trainer(False, **dict(kw))
    for i in range(a.n_runs):
        ra, rb = a.record(i), b.record(i)
        assert ra.shape == rb.shape
        np.testing.assert_allclose(ra, rb, rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(a.weights(i)[0], b.weights(i)[0], rtol=1e-10, atol=1e-13)


def test_decision_maps_agree():
    tr = _trainer(True)
    maps = []
    for on in (True, False):
        old = kernels.set_enabled(on)
        try:
            maps.append(tr.predict_grid(0, 60, 50)[2])
        finally:
            kernels.set_enabled(old)
    close(maps[0], maps[1])
