"""``gdsim train`` and ``gdsim list datasets|activations|losses``."""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys

import numpy as np
import pytest

from gdsim.errors import GdsimError
from gdsim.nn.activations import ACTIVATIONS
from gdsim.nn.cli import configure_train_parser, list_lines, parse_hidden, run_train
from gdsim.nn.datasets import DATASETS
from gdsim.nn.io import CSV_HEADER


def read_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def args_for(*argv: str) -> argparse.Namespace:
    p = argparse.ArgumentParser()
    configure_train_parser(p)
    return p.parse_args(list(argv))


BASE = ("--dataset", "xor", "--samples", "60", "--hidden", "4", "--activation", "tanh",
        "--loss", "bce", "--epochs", "8")


def test_run_train_writes_csv_and_summaries(tmp_path, capsys):
    out = tmp_path / "t.csv"
    code = run_train(args_for(*BASE, "--optimizer", "adam:lr=0.05", "--optimizer",
                              "sgd:lr=0.5,label=plain", "--csv", str(out)))
    assert code == 0
    rows = read_rows(out)
    assert out.read_text().splitlines()[0] == CSV_HEADER
    assert len(rows) == 2 * 9
    assert [r["run"] for r in rows[::9]] == ["adam", "plain"]
    assert rows[9]["optimizer"] == "sgd" and rows[9]["lr"] == "0.5"
    assert [int(r["step"]) for r in rows[:9]] == list(range(9))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("adam: max_epochs after 8 steps")
    assert "test acc" in lines[0]


def test_csv_to_stdout_moves_summary_to_stderr(capsys):
    run_train(args_for(*BASE, "--optimizer", "adam", "--csv", "-"))
    cap = capsys.readouterr()
    assert cap.out.splitlines()[0] == CSV_HEADER and len(cap.out.splitlines()) == 10
    assert cap.err.startswith("adam: max_epochs")


def test_save_and_reload_weights(tmp_path, capsys):
    w = tmp_path / "w.npz"
    run_train(args_for(*BASE, "--optimizer", "adam:lr=0.05", "--save-weights", str(w)))
    with np.load(w) as z:
        assert z["W1"].shape == (2, 4) and z["W2"].shape == (4, 1)
    out = tmp_path / "again.csv"
    run_train(args_for(*BASE, "--optimizer", "sgd:lr=0.1", "--epochs", "0", "--init-weights",
                       str(w), "--csv", str(out)))
    capsys.readouterr()
    # a second run from the saved weights starts where the first ended
    first = tmp_path / "first.csv"
    run_train(args_for(*BASE, "--optimizer", "adam:lr=0.05", "--csv", str(first)))
    a = read_rows(first)[-1]
    b = read_rows(out)[0]
    assert a["train_loss"] == b["train_loss"] and a["test_acc"] == b["test_acc"]
    # several runs: one file per run
    many = tmp_path / "m.npz"
    run_train(args_for(*BASE, "--optimizer", "adam", "--optimizer", "adam",
                       "--save-weights", str(many)))
    assert (tmp_path / "m-adam.npz").exists() and (tmp_path / "m-adam_2.npz").exists()


@pytest.mark.parametrize("extra,needle", [
    (("--dataset", "blobs"), "unknown dataset"),
    (("--activation", "softsign"), "unknown activation"),
    (("--loss", "ce", "--dataset", "sine"), "classification"),
    (("--optimizer", "adam:lr=-1"), "lr"),
    (("--hidden", "4,x"), "'x' is not a width"),
    (("--schedule", "cosine:t_max=0"), "t_max"),
    (("--dropout", "1.5"), "dropout"),
    (("--test-fraction", "0"), "test fraction"),
    (("--init-weights", "/nonexistent/w.npz"), "does not exist"),
    (("--save-weights", "/nonexistent/dir/w.npz"), "does not exist"),
])
def test_bad_input_raises_before_any_file(tmp_path, extra, needle):
    out = tmp_path / "t.csv"
    argv = list(BASE) + ["--optimizer", "adam", "--csv", str(out)]
    for i in range(0, len(extra), 2):  # later options override the base ones
        if extra[i] in argv and extra[i] != "--optimizer":
            j = argv.index(extra[i])
            argv[j + 1] = extra[i + 1]
        else:
            argv += [extra[i], extra[i + 1]]
    if extra[0] == "--optimizer":
        j = argv.index("--optimizer")
        argv[j + 1] = extra[1]
    with pytest.raises(GdsimError, match=needle):
        run_train(args_for(*argv))
    assert list(tmp_path.iterdir()) == []


def test_unwritable_csv_path_refused_before_training(tmp_path):
    with pytest.raises(GdsimError, match="does not exist"):
        run_train(args_for(*BASE, "--optimizer", "adam", "--csv",
                           str(tmp_path / "no" / "t.csv")))
    with pytest.raises(GdsimError, match="folder"):
        run_train(args_for(*BASE, "--optimizer", "adam", "--csv", str(tmp_path)))


def test_parse_hidden():
    assert parse_hidden("16, 8") == (16, 8)
    assert parse_hidden("none") == () and parse_hidden("") == ()
    with pytest.raises(GdsimError, match="width"):
        parse_hidden("4,-2")


def test_list_lines():
    names = [line.split()[0] for line in list_lines("datasets")]
    assert names == list(DATASETS)
    assert [line.split()[0] for line in list_lines("activations")] == list(ACTIVATIONS)
    assert [line.split()[0] for line in list_lines("losses")] == ["mse", "bce", "ce"]
    with pytest.raises(GdsimError, match="known: datasets"):
        list_lines("widgets")


def test_subprocess_train_and_exit_codes(tmp_path):
    out = tmp_path / "t.csv"
    ok = subprocess.run(
        [sys.executable, "-m", "gdsim", "train", *BASE, "--optimizer", "adam", "--csv",
         str(out)], capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert len(out.read_text().splitlines()) == 10
    assert ok.stdout.startswith("adam: max_epochs")
    bad = subprocess.run(
        [sys.executable, "-m", "gdsim", "train", *BASE, "--optimizer", "adamm", "--csv",
         str(tmp_path / "x.csv")], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2
    assert "unknown optimizer 'adamm'" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "x.csv").exists()
    lst = subprocess.run([sys.executable, "-m", "gdsim", "list", "losses"],
                         capture_output=True, text=True, timeout=120)
    assert lst.returncode == 0 and lst.stdout.split()[0] == "mse"
