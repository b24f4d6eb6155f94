"""Input features computed from a 2-D data set's inputs (x₁, x₂), as TensorFlow Playground's.

The network's input matrix holds one column per chosen feature, in the order of FEATURES
(whatever order they were asked in): ``x1`` = x₁, ``x2`` = x₂, ``x1^2`` = x₁², ``x2^2`` = x₂²,
``x1x2`` = x₁·x₂, ``sin(x1)`` = sin x₁, ``sin(x2)`` = sin x₂. None (the default) feeds the
data set's columns as they are, whatever their number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from gdsim.errors import GdsimError

FEATURES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "x1": lambda a, b: a,
    "x2": lambda a, b: b,
    "x1^2": lambda a, b: a * a,
    "x2^2": lambda a, b: b * b,
    "x1x2": lambda a, b: a * b,
    "sin(x1)": lambda a, b: np.sin(a),
    "sin(x2)": lambda a, b: np.sin(b),
}
TITLES = {"x1": "x₁", "x2": "x₂", "x1^2": "x₁²", "x2^2": "x₂²", "x1x2": "x₁x₂",
          "sin(x1)": "sin x₁", "sin(x2)": "sin x₂"}
_ALIASES = {"x1*x2": "x1x2", "x1**2": "x1^2", "x2**2": "x2^2", "sinx1": "sin(x1)",
            "sinx2": "sin(x2)"}  # spaces are ignored: "sin x1" is sinx1


def parse_features(text: str | Iterable[str]) -> tuple[str, ...]:
    """``"x1,x2,x1^2"`` (or a list of names) → the features in FEATURES order; unknown or
    repeated names and an empty choice raise GdsimError naming them."""
    parts = [p.strip() for p in (text.split(",") if isinstance(text, str) else text)]
    chosen = []
    for p in parts:
        if not isinstance(p, str) or not p:
            raise GdsimError(f"empty input feature name in {text!r}; known: "
                             f"{', '.join(FEATURES)}")
        key = p.lower().replace(" ", "")
        name = _ALIASES.get(key, key)
        if name not in FEATURES:
            raise GdsimError(f"unknown input feature {p!r}; known: {', '.join(FEATURES)}")
        if name in chosen:
            raise GdsimError(f"input feature {p!r} is chosen twice")
        chosen.append(name)
    if not chosen:
        raise GdsimError(f"choose at least one input feature of {', '.join(FEATURES)}")
    return tuple(n for n in FEATURES if n in chosen)


def feature_matrix(x: np.ndarray, features: tuple[str, ...] | None) -> np.ndarray:
    """The network's input matrix (B, len(features)) for 2-D inputs ``x`` (B, 2); ``x``
    itself when ``features`` is None."""
    if features is None:
        return x
    if x.ndim != 2 or x.shape[1] != 2:
        raise GdsimError(f"input features need 2 input columns (x₁, x₂), the data have "
                         f"{x.shape[1] if x.ndim == 2 else x.ndim}")
    a, b = x[:, 0], x[:, 1]
    out = np.empty((x.shape[0], len(features)))
    for j, name in enumerate(features):
        out[:, j] = FEATURES[name](a, b)
    return out
