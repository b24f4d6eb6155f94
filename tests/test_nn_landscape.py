"""Loss landscapes (Li et al. 2018): slices equal direct loss evaluations, filter-normalized
and PCA directions have their defining properties, trajectories project onto the plane."""

from __future__ import annotations

import numpy as np
import pytest

from gdsim.errors import GdsimError
from gdsim.experiment import RunSpec
from gdsim.nn import landscape as L
from gdsim.nn.training import NNExperiment, Trainer


@pytest.fixture(scope="module")
def trainer():
    exp = NNExperiment(dataset="moons", samples=120, hidden=(6, 5), activation="tanh",
                       loss="bce", l2=0.01,
                       runs=[RunSpec("adam", {"lr": 0.02}), RunSpec("sgd", {"lr": 0.2})],
                       epochs=60)
    tr = Trainer(exp)
    tr.run()
    return tr


@pytest.mark.parametrize("mode", L.MODES)
def test_slice_equals_direct_evaluations(trainer, mode):
    ls = L.landscape(trainer, 0, mode=mode, n=9, span=0.7, seed=3)
    _, bn = trainer.weights(0)
    rng = np.random.default_rng(0)
    for j, i in rng.integers(0, 9, size=(6, 2)):
        p = ls.center + ls.alphas[i] * ls.d1 + ls.betas[j] * ls.d2
        ev = trainer.net.evaluate(p[None, :], trainer.x_train, trainer.t_train, bn[None, :])
        assert ls.loss[j, i] == pytest.approx(float(ev.objective[0]), rel=1e-12)
    assert ls.loss[4, 4] == pytest.approx(trainer.objective(0), rel=1e-12)  # the centre


def test_filter_normalized_direction_matches_each_filters_norm(trainer):
    center, _ = trainer.weights(1)
    d = L.filter_normalized(trainer.net, center, np.random.default_rng(7))
    for s in trainer.net.layers:
        w = center[s.w].reshape(s.fan_in, s.fan_out)
        dw = d[s.w].reshape(s.fan_in, s.fan_out)
        np.testing.assert_allclose(np.linalg.norm(dw, axis=0), np.linalg.norm(w, axis=0),
                                   rtol=1e-12)
        assert np.all(d[s.b] == 0)  # biases stay put
    e = L.filter_normalized(trainer.net, center, np.random.default_rng(8))
    assert not np.allclose(d, e)  # a new seed, a new direction


def test_pca_directions_are_orthonormal_and_hold_the_trajectory(trainer):
    steps, w = trainer.weight_snapshots(0)
    assert steps[0] == 0 and len(w) == len(steps) > 3
    d1, d2, (v1, v2) = L.pca_directions(w, w[-1])
    assert d1 @ d1 == pytest.approx(1) and d2 @ d2 == pytest.approx(1)
    assert abs(d1 @ d2) < 1e-12
    assert 0 < v2 <= v1 and v1 + v2 <= 1 + 1e-12
    ls = L.landscape(trainer, 0, mode="pca", n=5)
    path = ls.paths[0]
    np.testing.assert_allclose(path[-1], 0, atol=1e-12)  # the run ends at the centre
    # the plane reconstructs the trajectory as well as its top two components explain it
    recon = w[-1] + path[:, :1] * ls.d1 + path[:, 1:] * ls.d2
    resid = np.sum((w - recon) ** 2) / np.sum((w - w[-1]) ** 2)
    assert resid == pytest.approx(1 - v1 - v2, abs=1e-9)
    assert set(ls.paths) == {0, 1}  # every run's trajectory, projected


def test_progress_and_cancel(trainer):
    seen = []
    L.landscape(trainer, 0, n=7, progress=seen.append)
    assert seen and seen[-1] == 1.0 and seen == sorted(seen)
    with pytest.raises(L.Cancelled):
        L.landscape(trainer, 0, n=7, cancelled=lambda: True)


@pytest.mark.parametrize(("kw", "match"), [
    ({"mode": "tsne"}, "mode"), ({"n": 2}, "grid side"), ({"n": 10_000}, "grid side"),
    ({"span": 0.0}, "span"), ({"span": float("nan")}, "span"),
])
def test_bad_arguments_are_refused(trainer, kw, match):
    with pytest.raises(GdsimError, match=match):
        L.landscape(trainer, 0, **kw)


def test_snapshot_gives_the_same_landscape_and_ignores_later_training():
    exp = NNExperiment(dataset="xor", samples=80, hidden=(4,), runs=[RunSpec("adam",
                                                                         {"lr": 0.05})],
                       epochs=40)
    tr = Trainer(exp)
    tr.step(20)
    snap = L.snapshot(tr)
    want = L.landscape(tr, 0, n=5, seed=1)
    tr.step(20)  # training goes on: the snapshot keeps step 20
    got = L.landscape(snap, 0, n=5, seed=1)
    np.testing.assert_array_equal(got.loss, want.loss)
    np.testing.assert_array_equal(got.paths[0], want.paths[0])


def test_on_grid_interpolates_the_grid_and_is_nan_outside(trainer):
    ls = L.landscape(trainer, 0, n=7, span=0.5)
    nodes = np.array([[ls.alphas[2], ls.betas[5]], [ls.alphas[0], ls.betas[6]]])
    np.testing.assert_array_equal(ls.on_grid(nodes), [ls.loss[5, 2], ls.loss[6, 0]])
    mid = (ls.alphas[3] + ls.alphas[4]) / 2
    want = (ls.loss[1, 3] + ls.loss[1, 4]) / 2
    assert ls.on_grid(np.array([[mid, ls.betas[1]]]))[0] == pytest.approx(want, rel=1e-12)
    out = ls.on_grid(np.array([[2 * ls.alphas[-1], 0.0], [0.0, -2 * ls.betas[-1]]]))
    assert np.isnan(out).all()
