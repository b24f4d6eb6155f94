"""The network's per-array view cache never serves one array's weights for another.

Regression: views were cached by ``id(params)`` without keeping ``params`` alive, so a
temporary row view (``p[i:i + 1]``) could die, a new array reuse its id, and a prediction
silently use the previous call's weights (another run's).
"""

import numpy as np

from gdsim.nn.network import Architecture, Network

ARCH = Architecture(n_in=2, hidden=(5, 4), n_out=1, activation="tanh", loss="bce")


def _distinct_runs(net: Network, n: int, seed: int = 7) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, net.size))  # every run different


def test_short_lived_row_views_get_their_own_weights():
    net = Network(ARCH)
    params = _distinct_runs(net, 6)
    first = net.layers[0].w
    for k in range(200):  # each temporary dies at once: CPython reuses its id next time
        i = k % 6
        views = net.views(params[i : i + 1])
        np.testing.assert_array_equal(views[0].W.reshape(-1), params[i, first],
                                      err_msg=f"call {k} got another run's weights")


def test_outputs_match_a_fresh_network_for_every_run():
    net = Network(ARCH)
    params = _distinct_runs(net, 4, seed=3)
    x = np.random.default_rng(4).normal(size=(10, 2))
    want = [Network(ARCH).outputs(params[i : i + 1].copy(), x) for i in range(4)]
    for k in range(40):
        i = k % 4
        np.testing.assert_array_equal(net.outputs(params[i : i + 1], x), want[i])
