"""Data sets: seeded, balanced, the documented shapes; user CSVs parsed or refused by line."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdsim.errors import GdsimError
from gdsim.nn.datasets import DATASETS, load_csv, make_dataset


@pytest.mark.parametrize("name", list(DATASETS))
def test_datasets_seeded_split_and_shaped(name):
    a = make_dataset(name, samples=101, test_fraction=0.25, seed=7)
    b = make_dataset(name, samples=101, test_fraction=0.25, seed=7)
    c = make_dataset(name, samples=101, test_fraction=0.25, seed=8)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.x_train, c.x_train)
    assert len(a.x_test) == 25 and len(a.x_train) == 76
    d = 1 if name == "sine" else 2
    assert a.x_train.shape[1] == d == a.n_features
    assert a.x_train.dtype == np.float64 and a.x_train.flags.c_contiguous
    assert np.all(np.isfinite(a.x_train))
    y = np.concatenate([a.y_train, a.y_test])
    if a.task == "classification":
        counts = np.bincount(y.astype(int))
        assert len(counts) == a.n_classes and counts.max() - counts.min() <= 1


def test_labels_follow_the_geometry_without_noise():
    xor = make_dataset("xor", samples=400, noise=0.0)
    x, y = xor.x_train, xor.y_train
    np.testing.assert_array_equal(y, (x[:, 0] * x[:, 1] > 0).astype(float))
    assert np.abs(x).min() >= 0.1  # a margin around the axes
    circ = make_dataset("circles", samples=400, noise=0.0)
    r = np.hypot(circ.x_train[:, 0], circ.x_train[:, 1])
    assert r[circ.y_train == 1].max() <= 0.5 < 0.7 <= r[circ.y_train == 0].min()
    sine = make_dataset("sine", samples=50, noise=0.0)
    np.testing.assert_allclose(sine.y_train, np.sin(sine.x_train[:, 0]), rtol=1e-15)
    moons = make_dataset("moons", samples=200, noise=0.0)
    outer = moons.x_train[moons.y_train == 0] + [0.5, 0.25]
    np.testing.assert_allclose(np.hypot(outer[:, 0], outer[:, 1]), 1.0, rtol=1e-12)


@settings(max_examples=20, deadline=None)
@given(n=st.integers(4, 300), f=st.floats(0.01, 0.99), k=st.integers(2, 6))
def test_split_sizes_property(n, f, k):
    d = make_dataset(f"spiral:classes={k}", samples=n, test_fraction=f)
    assert len(d.x_train) + len(d.x_test) == n
    assert len(d.x_train) >= 1 and len(d.x_test) >= 1
    assert d.n_classes == k


@pytest.mark.parametrize("kw,needle", [
    (dict(name="blobs"), "unknown dataset 'blobs'; known: xor"),
    (dict(name="xor", samples=2), "samples"),
    (dict(name="xor", noise=-1.0), "noise"),
    (dict(name="xor", test_fraction=1.0), "test fraction"),
    (dict(name="spiral:classes=1"), "classes"),
    (dict(name="xor:classes=3"), "unknown parameter"),
])
def test_bad_dataset_arguments(kw, needle):
    with pytest.raises(GdsimError, match=needle):
        make_dataset(**kw)


def test_csv_classification_and_regression(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("a,b,label\n" + "".join(f"{i},{-i},{i % 3}\n" for i in range(30)))
    d = load_csv(p, test_fraction=0.2, seed=1)
    assert d.task == "classification" and d.n_classes == 3 and d.n_features == 2
    assert len(d.x_test) == 6
    # rows keep their target: feature a determines the label
    np.testing.assert_array_equal(d.y_train, d.x_train[:, 0] % 3)
    q = tmp_path / "r.csv"
    rows = "".join(f"{i / 10},{float(np.sin(i / 10))!r}\n" for i in range(20))
    q.write_text("x,y\n" + rows + "\n")
    r = load_csv(q)
    assert r.task == "regression" and r.n_classes == 0 and r.n_features == 1
    np.testing.assert_allclose(r.y_train, np.sin(r.x_train[:, 0]), rtol=1e-15)


@pytest.mark.parametrize("text,needle", [
    ("", "line 1: expected a header"),
    ("1,2,0\n3,4,1\n", "line 1: expected a header row"),
    ("a\n1\n2\n", "line 1: expected at least 2 columns"),
    ("a,b,y\n1,2,0\n1,2\n", "line 3: expected 3 values, got 2"),
    ("a,b,y\n1,2,0\n1,2,0\n1,two,1\n", "line 4: 'two' is not a number"),
    ("a,b,y\n1,2,0\n1,nan,1\n", "line 3: 'nan' is not finite"),
    ("a,b,y\n1,2,0\n", "at least 4 data rows"),
])
def test_malformed_csv_refused_with_line(tmp_path, text, needle):
    p = tmp_path / "bad.csv"
    p.write_text(text)
    with pytest.raises(GdsimError, match=needle):
        load_csv(p)


def test_missing_csv(tmp_path):
    with pytest.raises(GdsimError, match="cannot read data file"):
        load_csv(tmp_path / "nope.csv")
