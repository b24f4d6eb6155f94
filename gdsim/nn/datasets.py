"""Seeded toy data sets (2-D classification, 1-D regression) and a user's CSV (any number of
feature columns, text or numeric labels, optionally a separate test file), split train/test.

Generators follow the classic forms (TensorFlow Playground, scikit-learn's ``make_moons``,
CS231n's spiral); ``noise`` is the standard deviation of Gaussian jitter added to the inputs
(classification) or to the target (``sine``). Features lie roughly in [−1.5, 1.5] (sine: [−3, 3]).
"""

from __future__ import annotations

import csv
import dataclasses
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
    class_names: tuple[str, ...] = ()  # a CSV's labels as written, class k's at index k
    feature_names: tuple[str, ...] = ()  # a CSV's feature column names
    x_val: np.ndarray | None = None  # validation rows carved from the training data
    y_val: np.ndarray | None = None  # (early stopping watches them), else None

    @property
    def n_features(self) -> int:
        """Input columns."""
        return int(self.x_train.shape[1])

    @property
    def domain(self) -> tuple[float, ...]:
        """Plot range, padded: (min, max) of each input column in turn (x₁ then x₂ …)."""
        parts = [self.x_train, self.x_test] + ([self.x_val] if self.x_val is not None else [])
        x = np.concatenate(parts)
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
    classes: int = 0  # a fixed number of classes (a real data set's), else 0


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
        DatasetInfo("digits", "classification",
                    "8×8 handwritten digits, 64 pixel inputs in [0, 1], 10 classes (1,797 "
                    "images from scikit-learn; noise = pixel noise σ)", 0.0, classes=10),
    )
}
DIGITS_ROWS = 1797

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


def _digits(rng, n, noise, p):
    """``n`` of scikit-learn's 1,797 8×8 digit images (no download: they ship with it)."""
    try:
        from sklearn.datasets import load_digits
    except ImportError as e:
        raise GdsimError("the digits data set needs scikit-learn: "
                         "pip install 'gdsim[data]' (or scikit-learn)") from e
    if n > DIGITS_ROWS:
        raise GdsimError(f"samples={n} is out of range: digits has {DIGITS_ROWS} images")
    data = load_digits()
    rows = rng.choice(DIGITS_ROWS, size=n, replace=False) if n < DIGITS_ROWS else np.arange(n)
    x = data.data[rows] / 16.0
    if noise:
        x = x + noise * rng.standard_normal(x.shape)
    return x, data.target[rows].astype(np.float64)


_GENERATORS = {
    "xor": _xor, "circles": _circles, "moons": _moons,
    "spiral": _spiral, "gaussians": _gaussians, "sine": _sine, "digits": _digits,
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
    k = (info.classes or p.get("classes", 2)) if info.task == "classification" else 0
    return split(name, info.task, k, x, y, test_fraction, rng)


MAX_CLASSES = 10  # distinct integer targets up to this many make classes (more: regression)
MAX_TEXT_CLASSES = 50  # text labels: at most this many distinct ones
VALIDATION_FRACTION = 0.2  # share of the training rows early stopping watches


def _read_table(p: Path, what: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and the non-blank data rows (line number, cells) of a CSV, columns checked."""
    from gdsim.io import read_text

    text = read_text(p, what)
    if text.count("\n") > MAX_SAMPLES + 1 and len(
            [ln for ln in text.splitlines()[: MAX_SAMPLES + 3] if ln.strip()]) > MAX_SAMPLES + 1:
        raise GdsimError(f"{p}: more than {MAX_SAMPLES} data rows")
    rows = list(csv.reader(text.splitlines()))
    if not rows or not any(c.strip() for c in rows[0]):
        raise GdsimError(f"{p}: line 1: expected a header row (feature names, target last)")
    header = [c.strip() for c in rows[0]]
    if _all_numbers(header):
        raise GdsimError(f"{p}: line 1: expected a header row, found numbers {rows[0]!r}")
    ncol = len(header)
    if ncol < 2:
        raise GdsimError(f"{p}: line 1: expected at least 2 columns (features, target last), "
                         f"got {ncol}")
    data = []
    for lineno, row in enumerate(rows[1:], start=2):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != ncol:
            raise GdsimError(f"{p}: line {lineno}: expected {ncol} values, got {len(row)}")
        data.append((lineno, [c.strip() for c in row]))
    if len(data) < 1:
        raise GdsimError(f"{p}: no data rows after the header")
    return header, data


def _number(p: Path, lineno: int, cell: str) -> float:
    try:
        v = float(cell)
    except ValueError:
        raise GdsimError(f"{p}: line {lineno}: {cell!r} is not a number") from None
    if not math.isfinite(v):
        raise GdsimError(f"{p}: line {lineno}: {cell!r} is not finite")
    return v


def _features(p: Path, data) -> np.ndarray:
    return np.array([[_number(p, ln, c) for c in row[:-1]] for ln, row in data],
                    dtype=np.float64).reshape(len(data), -1)


def _label_name(v: float) -> str:
    return str(int(v)) if v == int(v) else repr(v)


def _targets(p: Path, data) -> tuple[str, tuple[str, ...], np.ndarray]:
    """(task, class names, y): text labels or ≤ MAX_CLASSES distinct integers are classes,
    numbered in sorted order (numbers by value, text alphabetically); else regression."""
    cells = [row[-1] for _ln, row in data]
    if not _all_numbers(cells):  # text labels (iris species): classes
        names = tuple(sorted(set(cells)))
        if len(names) > MAX_TEXT_CLASSES:
            raise GdsimError(f"{p}: the target column holds {len(names)} distinct text "
                             f"labels; at most {MAX_TEXT_CLASSES} classes")
        index = {n: k for k, n in enumerate(names)}
        return "classification", names, np.array([index[c] for c in cells], np.float64)
    y = np.array([_number(p, ln, row[-1]) for ln, row in data], dtype=np.float64)
    labels = np.unique(y)
    if 2 <= len(labels) <= MAX_CLASSES and np.all(labels == np.round(labels)):
        return ("classification", tuple(_label_name(v) for v in labels),
                np.searchsorted(labels, y).astype(np.float64))
    return "regression", (), y


def _map_labels(p: Path, data, names: tuple[str, ...], train: Path) -> np.ndarray:
    """Test-file labels mapped through the training file's classes (same spelling or value)."""
    index = {n: k for k, n in enumerate(names)}
    out = []
    for ln, row in data:
        c = row[-1]
        k = index.get(c)
        if k is None:
            try:
                k = index.get(_label_name(float(c)))
            except (ValueError, OverflowError):
                k = None
        if k is None:
            raise GdsimError(f"{p}: line {ln}: label {c!r} does not occur in the training "
                             f"file {train.name} (classes: {', '.join(names)})")
        out.append(k)
    return np.array(out, dtype=np.float64)


def load_csv(path: str | Path, test_fraction: float = 0.2, seed: int = 0,
             test_path: str | Path | None = None) -> Dataset:
    """A user's CSV: a header, then rows of one or more features and the target last.

    Text targets, or at most MAX_CLASSES distinct integer targets (e.g. {1, 2} or ±1), make
    a classification set: the distinct labels, sorted, become classes 0…K−1 and
    ``class_names`` keeps how the file writes them. Other targets make a regression set.
    With ``test_path`` (same columns) every row of ``path`` trains, in file order, and the
    test set is that file (labels mapped through the training file's classes); otherwise
    the rows are shuffled with ``seed`` and ``test_fraction`` of them held out. Malformed
    files raise GdsimError naming the file, the line and the reason.
    """
    if test_path is None:
        _check_common(4, None, test_fraction)
    p = Path(path)
    header, data = _read_table(p, "data file")
    x = _features(p, data)
    task, names, y = _targets(p, data)
    need = 2 if test_path is not None else 4
    if len(data) < need:
        raise GdsimError(f"{p}: need at least {need} data rows, got {len(data)}")
    feats = tuple(header[:-1])
    if test_path is None:
        d = split(p.stem, task, len(names), x, y, test_fraction, np.random.default_rng(seed))
        d.class_names, d.feature_names = names, feats
        return d
    q = Path(test_path)
    theader, tdata = _read_table(q, "test data file")
    if len(theader) != len(header):
        raise GdsimError(f"{q}: line 1: expected {len(header)} columns like the training file "
                         f"{p.name} ({', '.join(header)}), got {len(theader)}")
    xt = _features(q, tdata)
    if task == "classification":
        yt = _map_labels(q, tdata, names, p)
    else:
        yt = np.array([_number(q, ln, row[-1]) for ln, row in tdata], dtype=np.float64)
    return Dataset(p.stem, task, len(names), np.ascontiguousarray(x), np.ascontiguousarray(y),
                   np.ascontiguousarray(xt), np.ascontiguousarray(yt), names, feats)


def carve_validation(data: Dataset, fraction: float, seed: int) -> Dataset:
    """A copy of ``data`` whose training rows lose ``fraction`` of them (at least one) to a
    validation split (``x_val``, ``y_val``), chosen with ``seed``; test rows unchanged."""
    n = len(data.x_train)
    if n < 2:
        raise GdsimError(f"early stopping needs at least 2 training rows to hold some out "
                         f"for validation, got {n}")
    n_val = min(max(int(round(n * fraction)), 1), n - 1)
    perm = np.random.default_rng([seed, 3]).permutation(n)
    va, tr = np.sort(perm[:n_val]), np.sort(perm[n_val:])
    return dataclasses.replace(
        data, x_train=np.ascontiguousarray(data.x_train[tr]),
        y_train=np.ascontiguousarray(data.y_train[tr]),
        x_val=np.ascontiguousarray(data.x_train[va]), y_val=np.ascontiguousarray(data.y_train[va]))


def _all_numbers(cells: list[str]) -> bool:
    try:
        [float(c) for c in cells]
    except ValueError:
        return False
    return True


# --- editable data (the Network tab's clicks on the decision map) -------------------------
def _check_label(data: Dataset, label) -> float:
    if data.task != "classification":
        raise GdsimError(f"{data.name!r} is a regression data set: points are added to "
                         f"classification data only")
    if isinstance(label, bool) or not float(label).is_integer() or \
            not 0 <= int(label) < data.n_classes:
        raise GdsimError(f"class {label!r} is out of range: {data.name!r} has classes "
                         f"0…{data.n_classes - 1}")
    return float(int(label))


def with_point(data: Dataset, x: float, y: float, label: int) -> Dataset:
    """A copy of 2-D classification ``data`` with one more training point (x, y) of class
    ``label`` appended (test rows unchanged)."""
    if data.n_features != 2:
        raise GdsimError(f"points can be added to 2-D data only; {data.name!r} has "
                         f"{data.n_features} input columns")
    c = _check_label(data, label)
    if not (math.isfinite(x) and math.isfinite(y)):
        raise GdsimError(f"point ({x!r}, {y!r}) is not finite")
    return dataclasses.replace(
        data, x_train=np.concatenate([data.x_train, [[float(x), float(y)]]]),
        y_train=np.concatenate([data.y_train, [c]]), x_val=None, y_val=None)


def nearest_train(data: Dataset, x: float, y: float,
                  scale: tuple[float, float] = (1.0, 1.0)) -> tuple[int, float]:
    """(index, distance) of the training point nearest (x, y), distances measured after
    multiplying the coordinates by ``scale`` (e.g. pixels per data unit on each axis)."""
    d = (data.x_train[:, :2] - [x, y]) * np.asarray(scale, np.float64)
    dist = np.hypot(d[:, 0], d[:, 1])
    i = int(np.argmin(dist))
    return i, float(dist[i])


def without_nearest(data: Dataset, x: float, y: float, radius: float = math.inf,
                    scale: tuple[float, float] = (1.0, 1.0)) -> Dataset:
    """A copy of 2-D ``data`` without the training point nearest (x, y), or ``data`` itself
    when no point lies within ``radius`` (distances as :func:`nearest_train`). The last
    training point stays (GdsimError)."""
    if data.n_features != 2:
        raise GdsimError(f"points can be removed from 2-D data only; {data.name!r} has "
                         f"{data.n_features} input columns")
    i, dist = nearest_train(data, x, y, scale)
    if dist > radius:
        return data
    if len(data.x_train) <= 1:
        raise GdsimError("the last training point cannot be removed")
    keep = np.arange(len(data.x_train)) != i
    return dataclasses.replace(data, x_train=np.ascontiguousarray(data.x_train[keep]),
                               y_train=np.ascontiguousarray(data.y_train[keep]),
                               x_val=None, y_val=None)


POINT_KEYS = ("x_train", "y_train", "x_test", "y_test")


def points_dict(data: Dataset) -> dict:
    """The data's rows as JSON-ready lists (what a network experiment file's ``"data"``
    holds): ``x_train`` [[x₁, x₂, …], …], ``y_train`` [label, …], ``x_test``, ``y_test``
    (class labels as integers, regression targets as floats)."""
    def labels(y):
        if data.task == "classification":
            return [int(v) for v in y]
        return [float(v) for v in y]

    return {"x_train": data.x_train.tolist(), "y_train": labels(data.y_train),
            "x_test": data.x_test.tolist(), "y_test": labels(data.y_test)}


def with_points(data: Dataset, points: dict) -> Dataset:
    """``data`` (its name, task, classes, feature names) holding the rows of ``points``
    (:func:`points_dict`'s form) instead of its own; GdsimError names what is wrong."""
    if not isinstance(points, dict):
        raise GdsimError("data: expected an object with x_train, y_train, x_test, y_test")
    missing = [k for k in POINT_KEYS if k not in points]
    extra = [k for k in points if k not in POINT_KEYS]
    if missing or extra:
        raise GdsimError(f"data: expected the keys {', '.join(POINT_KEYS)}; "
                         + (f"missing {missing[0]!r}" if missing else f"unknown {extra[0]!r}"))
    arrays = {}
    for side in ("train", "test"):
        xk, yk = f"x_{side}", f"y_{side}"
        try:
            x = np.array(points[xk], dtype=np.float64)
            y = np.array(points[yk], dtype=np.float64)
        except (TypeError, ValueError):
            raise GdsimError(f"data: {xk} and {yk} must hold numbers") from None
        if x.ndim != 2 or x.shape[1] != data.n_features or len(x) < 1:
            raise GdsimError(f"data: {xk} must be a non-empty list of rows of "
                             f"{data.n_features} numbers")
        if y.shape != (len(x),):
            raise GdsimError(f"data: {yk} must hold one label per row of {xk} "
                             f"({len(x)}), got {y.size}")
        if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
            raise GdsimError(f"data: {xk}/{yk} contain non-finite values")
        if data.task == "classification" and not (
                np.all(y == np.round(y)) and np.all((y >= 0) & (y < data.n_classes))):
            raise GdsimError(f"data: {yk} must hold class labels 0…{data.n_classes - 1}")
        arrays[xk], arrays[yk] = np.ascontiguousarray(x), np.ascontiguousarray(y)
    return dataclasses.replace(data, x_val=None, y_val=None, **arrays)
