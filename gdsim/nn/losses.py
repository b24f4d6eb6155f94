"""Losses on the network's raw outputs (logits), batched over runs, numerically stable.

Every loss takes logits ``z`` of shape (N, B, K) (N runs, B samples, K outputs) and a
target matrix ``t`` of shape (B, K) shared by the runs, and returns the per-run mean loss
(N,) and, if asked, dL/dz (N, B, K):

- ``mse``: mean over samples and outputs of (z − t)²; dL/dz = 2(z − t)/(B·K).
- ``bce``: sigmoid output, t ∈ {0, 1}: mean of softplus(z) − t·z (= −t log σ − (1−t) log(1−σ)),
  softplus(z) = max(z, 0) + log1p(e^−|z|); dL/dz = (σ(z) − t)/B.
- ``ce``: softmax output, t one-hot: mean of logsumexp(z) − Σ t·z (max-shifted);
  dL/dz = (softmax(z) − t)/B.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdsim.nn.activations import sigmoid
from gdsim.params import unknown_name


@dataclass(frozen=True)
class LossInfo:
    """A loss's name, the task it serves, its formula (shown in the UI) and output transform."""

    name: str
    task: str  # "regression" or "classification"
    formula: str


LOSSES: dict[str, LossInfo] = {
    "mse": LossInfo("mse", "regression", "mean (ŷ − y)², linear output"),
    "bce": LossInfo("bce", "classification", "−y log σ(z) − (1−y) log(1−σ(z)), sigmoid output"),
    "ce": LossInfo("ce", "classification", "−log softmax(z)_y, softmax output, any class count"),
}


def get_loss(name: str) -> LossInfo:
    """The loss called ``name`` (GdsimError listing the known ones otherwise)."""
    try:
        return LOSSES[name]
    except KeyError:
        raise unknown_name("loss", name, list(LOSSES)) from None


def softplus(z: np.ndarray) -> np.ndarray:
    """log(1 + e^z) without overflow: max(z, 0) + log1p(e^−|z|)."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def softmax(z: np.ndarray) -> np.ndarray:
    """Softmax over the last axis, shifted by the max so exp never overflows."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    e /= e.sum(axis=-1, keepdims=True)
    return e


def loss_value(name: str, z: np.ndarray, t: np.ndarray,
               want_grad: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """Return (loss (N,), dL/dz (N, B, K) or None) for loss ``name``; see the module doc."""
    b, k = t.shape
    if name == "mse":
        r = z - t
        loss = np.einsum("nbk,nbk->n", r, r) / (b * k)
        return loss, (r * (2.0 / (b * k)) if want_grad else None)
    if name == "bce":  # softplus(z) − z·t, the operations of softplus() in two buffers
        e = np.abs(z)
        np.negative(e, out=e)
        np.exp(e, out=e)
        np.log1p(e, out=e)
        sp = np.maximum(z, 0.0)
        sp += e
        sp -= np.multiply(z, t, out=e)
        loss = sp.sum(axis=(1, 2)) / b
        if not want_grad:
            return loss, None
        g = sigmoid(z)
        g -= t
        g *= 1.0 / b
        return loss, g
    if name == "ce":
        m = z.max(axis=-1, keepdims=True)
        e = np.exp(z - m)
        s = e.sum(axis=-1, keepdims=True)
        lse = np.log(s) + m
        loss = (lse[..., 0].sum(axis=1) - np.einsum("nbk,bk->n", z, t)) / b
        if not want_grad:
            return loss, None
        e /= s
        e -= t
        e *= 1.0 / b
        return loss, e
    raise unknown_name("loss", name, list(LOSSES))


def output_values(name: str, z: np.ndarray) -> np.ndarray:
    """What the network predicts: σ(z) for bce, softmax(z) for ce, z itself for mse."""
    if name == "bce":
        return sigmoid(z)
    if name == "ce":
        return softmax(z)
    return z


def predicted_labels(name: str, z: np.ndarray, n_classes: int) -> np.ndarray:
    """Predicted class per sample (N, B): z > 0 (bce), argmax (ce), rounded output (mse)."""
    if name == "bce":
        return (z[..., 0] > 0).astype(np.int64)
    if name == "ce":
        return z.argmax(axis=-1)
    with np.errstate(invalid="ignore"):
        r = np.rint(np.clip(z[..., 0], 0, max(n_classes - 1, 0)))
    return np.nan_to_num(r, nan=-1).astype(np.int64)
