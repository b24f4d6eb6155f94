"""Weight-space slices: the layer-sharing evaluation equals row-by-row ``evaluate`` exactly."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gdsim import kernels
from gdsim.nn.training import NNExperiment, Trainer
from gdsim.simulation import RunSpec

_TRAINERS: dict = {}


def _trainer(kind: str) -> Trainer:
    if kind not in _TRAINERS:
        extra = {"bn": dict(batch_norm=True, activation="relu"),
                 "ce": dict(dataset="spiral:classes=3", loss="ce", l1=0.01, l2=0.02),
                 "tanh": dict(l2=0.01)}[kind]
        base = dict(dataset="moons", samples=120, hidden=(5, 4), activation="tanh",
                    loss="bce", epochs=5, runs=[RunSpec("adam", {"lr": 0.05})])
        tr = Trainer(NNExperiment(**{**base, **extra}))
        tr.run()
        _TRAINERS[kind] = tr
    return _TRAINERS[kind]


def _by_rows(tr: Trainer, a: int, b: int, va, vb) -> np.ndarray:
    p, bn = tr.weights(0)
    ga, gb = np.meshgrid(va, vb)
    rows = np.repeat(p[None], ga.size, axis=0)
    rows[:, a], rows[:, b] = ga.ravel(), gb.ravel()
    ev = tr.net.evaluate(rows, tr.data.x_train, tr.t_train, np.repeat(bn[None], ga.size, 0))
    return ev.objective.reshape(ga.shape)


@settings(max_examples=40, deadline=None)
@given(kind=st.sampled_from(["tanh", "bn", "ce"]), compiled=st.booleans(), data=st.data())
def test_slice_equals_row_by_row_evaluation(kind, compiled, data):
    """On the NumPy passes the slice is the row-by-row evaluation bit for bit; with the
    compiled passes (gdsim.kernels.mlp) the two agree to 1e-12 (slices through the first
    layer run on them, the others on NumPy)."""
    tr = _trainer(kind)
    d = tr.net.size
    a = data.draw(st.integers(0, d - 1))
    b = data.draw(st.integers(0, d - 1))
    va = np.linspace(-1.5, 1.5, data.draw(st.integers(1, 5)))
    vb = np.linspace(-1.0, 2.0, data.draw(st.integers(1, 4)))
    old = kernels.set_enabled(compiled)
    try:
        with np.errstate(all="ignore"):
            expected = _by_rows(tr, a, b, va, vb)
        got = tr.weight_slice(0, a, b, va, vb)
    finally:
        kernels.set_enabled(old)
    if compiled and kernels.enabled():
        np.testing.assert_allclose(got, expected, rtol=1e-12)
    else:
        np.testing.assert_array_equal(got, expected)


def test_locate_names_layer_and_unit():
    tr = _trainer("bn")  # 2-5-4-1 with batch norm: W1 10, b1 5, gamma1 5, beta1 5, W2 20 ...
    assert tr.net.locate(0) == (0, 0) and tr.net.locate(6) == (0, 1)  # W1[1,1] feeds unit 1
    assert tr.net.locate(10 + 3) == (0, 3)  # b1[3]
    assert tr.net.locate(10 + 5 + 2) == (0, 2) and tr.net.locate(10 + 10 + 4) == (0, 4)
    assert tr.net.locate(25) == (1, 0) and tr.net.locate(tr.net.size - 1) == (2, 0)
