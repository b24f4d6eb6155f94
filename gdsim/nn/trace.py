"""What the network diagram shows: each node's value over the input plane, and one sample's
forward and backward pass written out layer by layer (the chain rule made visible).

Evaluation mode (no dropout; batch norm with its running statistics), one run's weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdsim.errors import GdsimError
from gdsim.nn.losses import loss_value, output_values


def node_values(net, params: np.ndarray, bn: np.ndarray, x: np.ndarray) -> list[np.ndarray]:
    """Per layer, input first: the value of every node at each input row ``x`` (B, n_in):
    the inputs, each hidden layer's activations, then the outputs (probabilities for bce/ce,
    the prediction for mse). A list of (B, width) arrays.

    One forward pass over all rows at once: each layer starts from the previous one's
    activation (the diagram evaluates a whole grid of the input plane per frame)."""
    p = np.asarray(params, np.float64).reshape(1, -1)
    b = np.asarray(bn, np.float64).reshape(1, -1)
    x = np.asarray(x, np.float64)
    out = [x]
    h = x
    last = len(net.layers) - 1
    with np.errstate(all="ignore"):
        for i in range(last):
            h, _ = net._forward(p, h, False, None, b, False, False, i, i + 1)
            h = np.array(h)  # the engine's kept buffer: copied before the next layer
            out.append(h[0])
        z, _ = net._forward(p, h, False, None, b, False, False, last)
        out.append(output_values(net.arch.loss, z)[0])
    return out


@dataclass
class SampleTrace:
    """One sample through the network: per layer l (1 = first hidden) the pre-activation
    ``z[l]`` and activation ``a[l]`` (``a[0]`` = the input), the loss, and backwards
    ``dz[l]`` = ∂L/∂z and ``dW[l]``, ``db[l]`` = ∂L/∂W, ∂L/∂b (the sample's data loss)."""

    z: list[np.ndarray]
    a: list[np.ndarray]
    loss: float
    dz: list[np.ndarray]
    dW: list[np.ndarray]
    db: list[np.ndarray]


def sample_trace(net, params: np.ndarray, x: np.ndarray, t: np.ndarray) -> SampleTrace:
    """Forward and backward pass of one sample ``x`` (n_in,) with target row ``t`` (n_out,)
    for a network without batch norm (its statistics are a batch's, not one sample's)."""
    if net.arch.batch_norm:
        raise GdsimError("the one-sample pass is shown for networks without batch norm")
    p = np.asarray(params, np.float64).reshape(-1)
    views = net.views(p[None, :])
    act = net.activation
    h = np.asarray(x, np.float64).reshape(-1)
    zs, as_ = [np.empty(0)], [h]
    with np.errstate(all="ignore"):
        last = len(views) - 1
        for i, v in enumerate(views):
            z = h @ v.W[0] + v.b[0]
            zs.append(z)
            if i < last:
                h = np.asarray(act.forward(z.copy()), np.float64)
                as_.append(h)
            else:
                as_.append(output_values(net.arch.loss, z[None, None, :])[0, 0])
        loss, dz_out = loss_value(net.arch.loss, zs[-1][None, None, :],
                                  np.asarray(t, np.float64).reshape(1, -1))
        dz = [None] * (last + 2)
        dW = [None] * (last + 2)
        db = [None] * (last + 2)
        g = dz_out[0, 0]
        for i in range(last, -1, -1):
            layer = i + 1
            dz[layer] = g
            dW[layer] = np.outer(as_[i], g)
            db[layer] = g.copy()
            if i > 0:
                da = views[i].W[0] @ g
                u = zs[i]
                g = da * np.asarray(act.derivative(u.copy(), as_[i].copy()), np.float64)
    return SampleTrace(zs, as_, float(loss[0]), [np.empty(0)] + dz[1:], [np.empty(0)] + dW[1:],
                       [np.empty(0)] + db[1:])
