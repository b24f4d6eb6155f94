"""Hidden-layer activations, each with its derivative, elementwise over any array shape.

Each entry gives ``forward(z) -> a`` and ``derivative(z, a) -> da/dz``; the derivative may
use the already computed ``a`` (e.g. tanh' = 1 − a²), which saves a transcendental call on
the hot path. Where the derivative needs only ``a``, ``forward_`` computes a in place over z
(same numbers, no new array) and ``derivative_`` writes into a given buffer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gdsim.params import unknown_name

LEAKY_SLOPE = 0.01
ELU_ALPHA = 1.0


def sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1 / (1 + e^(−z)); e^(−z) may overflow to inf for z ≪ 0, giving exactly 0."""
    with np.errstate(over="ignore"):
        out = np.exp(-z)
    out += 1.0
    return np.reciprocal(out, out=out)


def _sigmoid_d(z, a):
    return a * (1.0 - a)


def _tanh_d(z, a, out=None):
    d = np.multiply(a, a, out=out)
    np.subtract(1.0, d, out=d)
    return d


def _tanh_(z):
    return np.tanh(z, out=z)


def _sigmoid_(z):
    """σ in place: the same operations as :func:`sigmoid`."""
    with np.errstate(over="ignore"):
        np.negative(z, out=z)
        np.exp(z, out=z)
    z += 1.0
    return np.reciprocal(z, out=z)


def _sigmoid_d_(z, a, out=None):
    d = np.subtract(1.0, a, out=out)
    d *= a  # a·(1 − a), as _sigmoid_d (multiplication commutes exactly)
    return d


def _relu(z):
    return np.maximum(z, 0.0)


def _relu_d(z, a):
    return (z > 0).astype(np.float64)


def _leaky(z):
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def _leaky_d(z, a):
    return np.where(z > 0, 1.0, LEAKY_SLOPE)


def _elu(z):
    return np.where(z > 0, z, ELU_ALPHA * np.expm1(np.minimum(z, 0.0)))


def _elu_d(z, a):
    return np.where(z > 0, 1.0, a + ELU_ALPHA)


def _swish(z):
    return z * sigmoid(z)


def _swish_d(z, a):
    s = sigmoid(z)
    return s + a * (1.0 - s)


def _linear(z):
    return z


def _linear_d(z, a):
    return np.ones_like(z)


@dataclass(frozen=True)
class Activation:
    """One activation: name, formula (shown in the UI), forward and derivative."""

    name: str
    formula: str
    forward: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray, np.ndarray], np.ndarray]
    forward_: Callable[[np.ndarray], np.ndarray] | None = None  # in place; None: not available
    derivative_: Callable[..., np.ndarray] | None = None  # (z, a, out): only reads ``a``


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("sigmoid", "σ(z) = 1/(1+e^−z); σ' = σ(1−σ) ≤ 1/4", sigmoid, _sigmoid_d,
                   _sigmoid_, _sigmoid_d_),
        Activation("tanh", "tanh(z); tanh' = 1 − tanh²", np.tanh, _tanh_d, _tanh_, _tanh_d),
        Activation("relu", "max(0, z); derivative 1 for z > 0, else 0", _relu, _relu_d),
        Activation(
            "leaky_relu", f"z for z > 0, else {LEAKY_SLOPE}·z", _leaky, _leaky_d
        ),
        Activation("elu", "z for z > 0, else e^z − 1", _elu, _elu_d),
        Activation("swish", "z·σ(z) (SiLU)", _swish, _swish_d),
        Activation("linear", "z (identity)", _linear, _linear_d),
    )
}


def get_activation(name: str) -> Activation:
    """The activation called ``name`` (GdsimError listing the known ones otherwise)."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise unknown_name("activation", name, list(ACTIVATIONS)) from None
