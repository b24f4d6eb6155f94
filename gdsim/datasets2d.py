"""Seeded synthetic data behind the ``linreg`` and ``logreg`` surfaces.

Same (samples, noise, seed) always gives bit-identical data, so a mini-batch run can be
replayed exactly.
"""

from __future__ import annotations

import numpy as np

LINREG_SLOPE = 2.0
LINREG_INTERCEPT = -1.0
LINREG_X_RANGE = (0.0, 3.0)  # off-centre x makes the (w, b) bowl tilted and elongated

LOGREG_MEAN = (1.0, 0.0)  # class 1 around +mean, class 0 around -mean
LOGREG_CORRELATION = 0.6  # correlated features: a tilted, elongated valley in (w1, w2)


def linreg_data(samples: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``x ~ U(0, 3)``, ``y = 2x − 1 + noise·N(0, 1)``; float64 ``(x, y)``, each (samples,)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(*LINREG_X_RANGE, size=samples)
    y = LINREG_SLOPE * x + LINREG_INTERCEPT + noise * rng.standard_normal(samples)
    return x, y


def logreg_data(samples: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two overlapping Gaussian classes at ±(1, 0), covariance noise²·[[1, .6], [.6, 1]].

    Returns ``(X (samples, 2), labels (samples,) in {0., 1.})``; classes alternate, so both
    are present whenever samples ≥ 2. The overlap keeps the data non-separable (finite
    minimum) for the default sizes.
    """
    rng = np.random.default_rng(seed)
    labels = (np.arange(samples) % 2 == 0).astype(np.float64)
    sign = 2.0 * labels - 1.0
    z = rng.standard_normal((samples, 2))
    r = LOGREG_CORRELATION
    chol = np.array([[1.0, 0.0], [r, np.sqrt(1.0 - r * r)]])
    X = sign[:, None] * np.asarray(LOGREG_MEAN) + noise * (z @ chol.T)
    return X, labels
