"""Issue 15 / SPEC §11: a user's CSV (labels mapped to classes, any feature count), explicit
test data, early stopping's reported scores, and messages that name the culprit."""

from __future__ import annotations

import argparse
import csv
import re

import numpy as np
import pytest

from gdsim.errors import GdsimError
from gdsim.nn.cli import configure_train_parser, parse_hidden, run_train
from gdsim.nn.datasets import load_csv
from gdsim.nn.io import load_weights, save_weights
from gdsim.nn.network import Architecture, Network
from gdsim.nn.training import TEST_ACC, NNExperiment, Trainer
from gdsim.simulation import RunSpec


def args_for(*argv: str) -> argparse.Namespace:
    p = argparse.ArgumentParser()
    configure_train_parser(p)
    return p.parse_args(list(argv))


def write(path, header, rows):
    path.write_text(header + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows))
    return path


@pytest.mark.parametrize("labels,names", [
    ((1, 2), ("1", "2")),
    ((-1, 1), ("-1", "1")),
    ((2, 7, 5), ("2", "5", "7")),
])
def test_distinct_numeric_labels_become_classes_in_sorted_order(tmp_path, labels, names):
    rows = [(i, -i, labels[i % len(labels)]) for i in range(30)]
    d = load_csv(write(tmp_path / "d.csv", "a,b,y", rows), 0.2, 0)
    assert d.task == "classification" and d.n_classes == len(labels)
    assert d.class_names == names
    # every class is populated: no empty class 0 for labels {1, 2}
    y = np.concatenate([d.y_train, d.y_test]).astype(int)
    assert set(y) == set(range(len(labels)))
    # each row's class is its label's position among the sorted labels
    order = sorted(labels)
    for x, k in zip(d.x_train, d.y_train, strict=True):
        assert order[int(k)] == labels[int(x[0]) % len(labels)]


def test_text_labels_and_more_than_two_features(tmp_path):
    species = ("setosa", "versicolor", "virginica")
    rows = [(i, i * 0.5, -i, i % 4, species[i % 3]) for i in range(30)]
    d = load_csv(write(tmp_path / "iris.csv", "sl,sw,pl,pw,species", rows), 0.2, 0)
    assert d.n_features == 4 and d.feature_names == ("sl", "sw", "pl", "pw")
    assert d.class_names == species and d.n_classes == 3
    for x, k in zip(d.x_train, d.y_train, strict=True):
        assert int(k) == int(x[0]) % 3
    exp = NNExperiment(dataset="", data_file=str(tmp_path / "iris.csv"), hidden=(5,),
                       loss="ce", runs=[RunSpec("adam", {"lr": 0.01})], epochs=3)
    tr = Trainer(exp)
    assert tr.arch.widths == (4, 5, 3)
    tr.run()
    assert np.isfinite(tr.record(0)).all()


def test_many_distinct_integers_are_regression(tmp_path):
    d = load_csv(write(tmp_path / "r.csv", "x,y", [(i, i * 3) for i in range(20)]))
    assert d.task == "regression" and d.class_names == ()


def test_test_file_trains_on_every_row_and_maps_labels(tmp_path):
    train = write(tmp_path / "train.csv", "a,b,y", [(i, i % 5, ("no", "yes")[i % 2])
                                                   for i in range(11)])
    test = write(tmp_path / "test.csv", "a,b,y", [(100 + i, 1, ("yes", "no")[i % 2])
                                                 for i in range(3)])
    d = load_csv(train, test_path=test)
    np.testing.assert_array_equal(d.x_train[:, 0], np.arange(11))  # every row, file order
    np.testing.assert_array_equal(d.y_train, np.arange(11) % 2)
    np.testing.assert_array_equal(d.x_test[:, 0], [100, 101, 102])
    np.testing.assert_array_equal(d.y_test, [1, 0, 1])  # through the training mapping


@pytest.mark.parametrize("text,needle", [
    ("a,y\n1,yes\n", r"test\.csv: line 1: expected 3 columns like the training file"),
    ("a,b,y\n1,2,no\n3,4,maybe\n", r"test\.csv: line 3: label 'maybe' does not occur"),
    ("a,b,y\n1,2,no\n3,x,yes\n", r"test\.csv: line 3: 'x' is not a number"),
])
def test_bad_test_file_names_file_and_line(tmp_path, text, needle):
    train = write(tmp_path / "train.csv", "a,b,y", [(i, i, ("no", "yes")[i % 2])
                                                   for i in range(8)])
    (tmp_path / "test.csv").write_text(text)
    with pytest.raises(GdsimError, match=needle):
        load_csv(train, test_path=tmp_path / "test.csv")


def test_cli_test_data_trains_on_every_row(tmp_path, capsys):
    train = write(tmp_path / "train.csv", "a,b,y", [(i / 7, (i * 3 % 7) / 7, i % 2)
                                                   for i in range(13)])
    test = write(tmp_path / "test.csv", "a,b,y", [(0.5, 0.5, 1), (0.1, 0.9, 0)])
    base = ("--data", str(train), "--test-data", str(test), "--hidden", "3", "--activation",
            "tanh", "--loss", "bce", "--optimizer", "sgd:lr=0.1", "--epochs", "2")
    run_train(args_for(*base))
    assert "max_epochs after 2 steps" in capsys.readouterr().out
    tr = Trainer(NNExperiment(dataset="", data_file=str(train), test_file=str(test),
                              hidden=(3,), runs=[RunSpec("sgd", {"lr": 0.1})], epochs=2))
    assert len(tr.data.x_train) == 13 and len(tr.data.x_test) == 2
    with pytest.raises(GdsimError, match="--test-fraction does not apply with --test-data"):
        run_train(args_for(*base, "--test-fraction", "0.3"))
    with pytest.raises(GdsimError, match="--test-data needs --data"):
        run_train(args_for("--dataset", "xor", "--test-data", str(test), *base[4:]))


def test_early_stopping_summary_reports_the_saved_weights(tmp_path, capsys):
    w = tmp_path / "w.npz"
    out = tmp_path / "t.csv"
    run_train(args_for("--dataset", "moons", "--samples", "60", "--noise", "0.4",
                       "--test-fraction", "0.5", "--hidden", "64,64", "--activation", "tanh",
                       "--loss", "bce", "--optimizer", "adam:lr=0.03", "--epochs", "400",
                       "--early-stopping", "15", "--seed", "1", "--save-weights", str(w),
                       "--csv", str(out)))
    line = capsys.readouterr().out.strip()
    m = re.search(r"weights of step (\d+) restored: .*test acc ([\d.]+)%", line)
    assert m and line.startswith("adam: early_stopped"), line
    exp = NNExperiment(dataset="moons", samples=60, noise=0.4, test_fraction=0.5,
                       hidden=(64, 64), loss="bce", runs=[RunSpec("adam", {"lr": 0.03})],
                       epochs=400, early_stopping=15, seed=1)
    tr = Trainer(exp)
    p, b = load_weights(w, tr.net)
    hits = tr._accuracy(tr.net.forward(p[None], tr.data.x_test, bn=b[None]), tr._y_test)[0]
    assert m.group(2) == f"{100 * hits:.1f}"
    # the CSV keeps the rows as trained (nothing added): one row per step
    with open(out, newline="") as f:
        rows = list(csv.DictReader(f))
    best = int(m.group(1))
    assert len(rows) == best + 16
    assert float(rows[best]["test_acc"]) == hits
    tr.run()
    assert tr.result_row(0)[TEST_ACC] == hits


def test_weights_file_that_does_not_fit_names_its_architecture(tmp_path):
    big = Network(Architecture(2, (16,), 1))
    f = tmp_path / "w.npz"
    save_weights(f, big, np.zeros(big.size), np.zeros(0))
    with pytest.raises(GdsimError, match=r"the file holds a 2-16-1 network"):
        load_weights(f, Network(Architecture(2, (8, 8), 1)))


def test_hidden_message_names_no_command_line_flag():
    with pytest.raises(GdsimError, match=r"^hidden layers: 'x' is not a width"):
        parse_hidden("4,x")
    with pytest.raises(GdsimError, match=r"^--hidden: hidden layers: 'x'"):
        run_train(args_for("--dataset", "xor", "--hidden", "4,x", "--activation", "tanh",
                           "--loss", "bce", "--optimizer", "adam"))
