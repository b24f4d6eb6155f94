"""Seeded toy data sets (2-D classification, 1-D regression) and a user's CSV, split train/test.

Generators follow the classic forms (TensorFlow Playground, scikit-learn's ``make_moons``,
CS231n's spiral); ``noise`` is the standard deviation of Gaussian jitter added to the inputs
(classification) or to the target (``sine``). Features lie roughly in [−1.5, 1.5] (sine: [−3, 3]).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gdsim.errors import GdsimError
from gdsim.params import Param, parse_spec, resolve, unknown_name


@dataclass
class Dataset:
    """Train/test arrays: x (n, d) float64, y (n,) float64 (class index or real target)."""

    name: str
    task: str  # "classification" or "regression"
    n_classes: int  # 0 for regression
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    @property
    def n_features(self) -> int:
        """Input columns (1 or 2)."""
        return int(self.x_train.shape[1])

    @property
    def domain(self) -> tuple[float, ...]:
        """Plot range: (xmin, xmax, ymin, ymax) for 2-D inputs, (xmin, xmax) for 1-D, padded."""
        x = np.concatenate([self.x_train, self.x_test])
        lo, hi = x.min(axis=0), x.max(axis=0)
        pad = 0.1 * np.maximum(hi - lo, 1e-9)
        lo, hi = lo - pad, hi + pad
        return tuple(float(v) for pair in zip(lo, hi, strict=True) for v in pair)


@dataclass(frozen=True)
class DatasetInfo:
    """Registry entry: name, task, one-line description, default noise, extra parameters."""

    name: str
    task: str
    description: str
    noise: float
    params: tuple[Param, ...] = ()


_CLASSES = Param("classes", 2, "number of classes", kind=int, low=2, high=10)

DATASETS: dict[str, DatasetInfo] = {
    d.name: d
    for d in (
        DatasetInfo("xor", "classification", "four quadrants, label = sign(x·y) > 0", 0.0),
        DatasetInfo("circles", "classification", "a disk inside a ring", 0.05),
        DatasetInfo("moons", "classification", "two interleaving half circles", 0.1),
        DatasetInfo("spiral", "classification", "interleaved spiral arms", 0.05, (_CLASSES,)),
        DatasetInfo(
            "gaussians", "classification", "Gaussian blobs (noise = their spread)", 0.3,
            (_CLASSES,),
        ),
        DatasetInfo("sine", "regression", "y = sin(x) + noise on [−3, 3]", 0.1),
    )
}

MAX_SAMPLES = 100_000


def _xor(rng, n, noise, p):
    n0, n1 = _class_sizes(n, 2)
    y = np.concatenate([np.zeros(n0), np.ones(n1)])
    sx = rng.choice([-1.0, 1.0], size=n)
    sy = np.where(y == 1, sx, -sx)  # same signs (quadrants I, III) ↔ label 1
    u = rng.uniform(0.1, 1.0, size=(n, 2)) * np.stack([sx, sy], axis=1)
    return u + noise * rng.standard_normal((n, 2)), y


def _class_sizes(n, k):
    return [n // k + (1 if i < n % k else 0) for i in range(k)]


def _circles(rng, n, noise, p):
    n_in, n_out = _class_sizes(n, 2)
    r = np.concatenate([rng.uniform(0, 0.5, n_in), rng.uniform(0.7, 1.0, n_out)])
    a = rng.uniform(0, 2 * np.pi, n)
    x = np.stack([r * np.cos(a), r * np.sin(a)], axis=1)
    y = np.concatenate([np.ones(n_in), np.zeros(n_out)])
    return x + noise * rng.standard_normal((n, 2)), y


def _moons(rng, n, noise, p):
    n0, n1 = _class_sizes(n, 2)
    t0, t1 = rng.uniform(0, np.pi, n0), rng.uniform(0, np.pi, n1)
    outer = np.stack([np.cos(t0), np.sin(t0)], axis=1)
    inner = np.stack([1 - np.cos(t1), 0.5 - np.sin(t1)], axis=1)
    x = np.concatenate([outer, inner]) - np.array([0.5, 0.25])
    y = np.concatenate([np.zeros(n0), np.ones(n1)])
    return x + noise * rng.standard_normal((n, 2)), y


def _spiral(rng, n, noise, p):
    k = p["classes"]
    xs, ys = [], []
    for c, m in enumerate(_class_sizes(n, k)):
        r = rng.uniform(0.05, 1.0, m)
        a = 1.75 * 2 * np.pi * r + 2 * np.pi * c / k
        xs.append(np.stack([r * np.cos(a), r * np.sin(a)], axis=1))
        ys.append(np.full(m, float(c)))
    x = np.concatenate(xs)
    return x + noise * rng.standard_normal(x.shape), np.concatenate(ys)


def _gaussians(rng, n, noise, p):
    k = p["classes"]
    xs, ys = [], []
    for c, m in enumerate(_class_sizes(n, k)):
        a = np.pi / 4 + 2 * np.pi * c / k
        centre = np.array([np.cos(a), np.sin(a)])
        xs.append(centre + noise * rng.standard_normal((m, 2)))
        ys.append(np.full(m, float(c)))
    return np.concatenate(xs), np.concatenate(ys)


def _sine(rng, n, noise, p):
    x = rng.uniform(-3.0, 3.0, size=(n, 1))
    return x, np.sin(x[:, 0]) + noise * rng.standard_normal(n)


_GENERATORS = {
    "xor": _xor, "circles": _circles, "moons": _moons,
    "spiral": _spiral, "gaussians": _gaussians, "sine": _sine,
}


def _check_common(samples: int, noise: float | None, test_fraction: float) -> None:
    if isinstance(samples, bool) or not isinstance(samples, int | np.integer):
        raise GdsimError(f"samples must be an integer, got {samples!r}")
    if not 4 <= samples <= MAX_SAMPLES:
        raise GdsimError(f"samples={samples} is out of range: need 4 ≤ samples ≤ {MAX_SAMPLES}")
    if noise is not None and not (math.isfinite(noise) and 0 <= noise <= 10):
        raise GdsimError(f"noise={noise!r} is out of range: need 0 ≤ noise ≤ 10")
    if not (math.isfinite(test_fraction) and 0 < test_fraction < 1):
        raise GdsimError(
            f"test fraction={test_fraction!r} is out of range: need 0 < test fraction < 1"
        )


def split(name, task, n_classes, x, y, test_fraction, rng) -> Dataset:
    """Shuffle with ``rng`` and split into train/test (at least one sample in each)."""
    n = len(x)
    n_test = min(max(int(round(n * test_fraction)), 1), n - 1)
    perm = rng.permutation(n)
    te, tr = perm[:n_test], perm[n_test:]
    return Dataset(
        name, task, n_classes,
        np.ascontiguousarray(x[tr], dtype=np.float64), np.ascontiguousarray(y[tr], np.float64),
        np.ascontiguousarray(x[te], dtype=np.float64), np.ascontiguousarray(y[te], np.float64),
    )


def make_dataset(
    name: str,
    samples: int = 200,
    noise: float | None = None,
    test_fraction: float = 0.2,
    seed: int = 0,
    **params,
) -> Dataset:
    """Generate data set ``name`` (a registry name or ``NAME:classes=3`` spec), seeded.

    ``noise`` None takes the data set's default. Same arguments → identical arrays.
    """
    if ":" in name:
        name, raw = parse_spec(name)
        params = {**raw, **params}
    info = DATASETS.get(name)
    if info is None:
        raise unknown_name("dataset", name, list(DATASETS))
    _check_common(samples, noise, test_fraction)
    p = resolve(info.params, params, f"dataset {name}")
    rng = np.random.default_rng(seed)
    nz = info.noise if noise is None else float(noise)
    x, y = _GENERATORS[name](rng, samples, nz, p)
    k = p.get("classes", 2) if info.task == "classification" else 0
    return split(name, info.task, k, x, y, test_fraction, rng)


def load_csv(path: str | Path, test_fraction: float = 0.2, seed: int = 0) -> Dataset:
    """A user's CSV: a header, then rows of 1 or 2 features and the target last.

    Targets that are all integers 0..K−1 (K ≤ 10, at least two classes) make a
    classification set with K classes; anything else is regression. Malformed files raise
    GdsimError naming the line and the reason.
    """
    _check_common(4, None, test_fraction)
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise GdsimError(f"cannot read data file {str(p)!r}: {e}") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows or not any(c.strip() for c in rows[0]):
        raise GdsimError(f"{p}: line 1: expected a header row (feature names, target last)")
    header = [c.strip() for c in rows[0]]
    if _all_numbers(header):
        raise GdsimError(f"{p}: line 1: expected a header row, found numbers {rows[0]!r}")
    ncol = len(header)
    if ncol not in (2, 3):
        raise GdsimError(
            f"{p}: line 1: expected 2 or 3 columns (1 or 2 features, target last), got {ncol}"
        )
    data = []
    for lineno, row in enumerate(rows[1:], start=2):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != ncol:
            raise GdsimError(f"{p}: line {lineno}: expected {ncol} values, got {len(row)}")
        vals = []
        for c in row:
            try:
                v = float(c)
            except ValueError:
                raise GdsimError(f"{p}: line {lineno}: {c.strip()!r} is not a number") from None
            if not math.isfinite(v):
                raise GdsimError(f"{p}: line {lineno}: {c.strip()!r} is not finite")
            vals.append(v)
        data.append(vals)
    if len(data) < 4:
        raise GdsimError(f"{p}: need at least 4 data rows, got {len(data)}")
    arr = np.array(data, dtype=np.float64)
    x, y = arr[:, :-1], arr[:, -1]
    labels = np.unique(y)
    is_cls = (
        np.all(labels == np.round(labels)) and labels.min() >= 0 and labels.max() <= 9
        and len(labels) >= 2
    )
    task, k = ("classification", int(labels.max()) + 1) if is_cls else ("regression", 0)
    return split(p.stem, task, k, x, y, test_fraction, np.random.default_rng(seed))


def _all_numbers(cells: list[str]) -> bool:
    try:
        [float(c) for c in cells]
    except ValueError:
        return False
    return True
