"""The 8×8 handwritten digits (scikit-learn's, no download) as `--dataset digits`: 64 inputs,
10 classes, CE training that learns them; a clear message without scikit-learn."""

from __future__ import annotations

import builtins

import numpy as np
import pytest

from gdsim.errors import GdsimError
from gdsim.nn.datasets import make_dataset


def test_digits_without_scikit_learn_names_the_extra(monkeypatch):
    real = builtins.__import__

    def no_sklearn(name, *a, **k):
        if name.startswith("sklearn"):
            raise ImportError("no sklearn")
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_sklearn)
    with pytest.raises(GdsimError, match=r"scikit-learn.*gdsim\[data\]"):
        make_dataset("digits", samples=100)


def test_digits_rows_are_scikit_learns_images():
    datasets = pytest.importorskip("sklearn.datasets")
    d = make_dataset("digits", samples=300, test_fraction=0.25, seed=4)
    assert d.n_features == 64 and d.n_classes == 10 and d.task == "classification"
    assert len(d.x_train) + len(d.x_test) == 300
    ref = datasets.load_digits()
    table = {tuple(row): t for row, t in zip(ref.data / 16.0, ref.target, strict=True)}
    for x, y in zip(d.x_train[:50], d.y_train[:50], strict=True):
        assert table[tuple(x)] == y  # each row is one of the images, with its label
    assert np.array_equal(make_dataset("digits", samples=300, test_fraction=0.25,
                                       seed=4).x_test, d.x_test)  # seeded
    with pytest.raises(GdsimError, match="1797"):
        make_dataset("digits", samples=5000)


def test_gdsim_train_learns_the_digits(tmp_path, capsys):
    pytest.importorskip("sklearn")
    from gdsim.cli import main

    out = tmp_path / "d.csv"
    code = main(["train", "--dataset", "digits", "--samples", "600", "--hidden", "32",
                 "--activation", "relu", "--loss", "ce", "--optimizer", "adam:lr=0.01",
                 "--epochs", "60", "--csv", str(out)])
    assert code == 0
    last = out.read_text().splitlines()[-1].split(",")
    header = out.read_text().splitlines()[0].split(",")
    test_acc = float(last[header.index("test_acc")])
    assert test_acc > 0.85  # far above chance (0.1)
