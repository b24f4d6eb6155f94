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
    # nothing else was written: no temporary file beside them
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.json", "shot.png"]


def test_parse_size():
    assert parse_size(None) == (1440, 900)
    assert parse_size("800x600") == (800, 600)
    assert parse_size(" 1024 X 768 ") == (1024, 768)


def network_file(tmp_path, **changes):
    import json

    from gdsim.nn.io import experiment_to_dict
    from gdsim.nn.training import NNExperiment

    exp = NNExperiment(dataset="xor", samples=60, hidden=(4,), activation="tanh", loss="bce",
                       runs=[RunSpec("adam", {"lr": 0.05})], epochs=10)
    d = {**experiment_to_dict(exp), **changes}
    path = tmp_path / "net.json"
    path.write_text(json.dumps(d))
    return path


def test_snapshot_of_a_network_file_shows_the_network_tab(qapp, tmp_path, monkeypatch, capsys):
    from ui import snapshot

    shown = {}
    real_render = snapshot.render

    def spy(experiment, steps, size, network_path=None):
        pix = real_render(experiment, steps, size, network_path)
        shown["network_path"] = network_path
        return pix

    monkeypatch.setattr(snapshot, "render", spy)
    net = network_file(tmp_path)
    out = tmp_path / "net.png"
    assert snapshot_main(args(experiment=str(net), steps=5, out=str(out), size="800x500")) == 0
    assert shown["network_path"] == str(net)
    img = QImage(str(out))
    assert (img.width(), img.height()) == (800, 500)


def test_render_of_a_network_file_trains_it_in_the_network_tab(qapp, tmp_path, monkeypatch):
    from ui import main_window, snapshot

    windows = []
    real = main_window.MainWindow.__init__

    def init(self, *a, **k):
        real(self, *a, **k)
        windows.append(self)

    monkeypatch.setattr(main_window.MainWindow, "__init__", init)
    snapshot.render(None, 7, (800, 500), str(network_file(tmp_path)))
    (win,) = windows
    assert win.network_active() and win.network.controller.sim.t == 7
    assert win.controller.sim.t == 0 and win.network.controller.experiment.dataset == "xor"


def test_bad_network_file_exits_2_naming_the_field(qapp, tmp_path, capsys):
    out = tmp_path / "net.png"
    net = network_file(tmp_path, epochs=-5)
    assert snapshot_main(args(experiment=str(net), out=str(out))) == 2
    assert "epochs" in capsys.readouterr().err and not out.exists()


def test_app_opens_a_network_file_in_the_network_tab(qapp, tmp_path, monkeypatch):
    from gdsim.errors import GdsimError
    from ui import app, files

    monkeypatch.setattr(files, "read_autosave", lambda **_k: None)
    exp, path, _msg = app.initial_experiment(str(network_file(tmp_path)))
    assert path is None and exp.surface == "rosenbrock"  # the surfaces start as usual
    with pytest.raises(GdsimError, match="epochs"):
        app.initial_experiment(str(network_file(tmp_path, epochs=-5)))
