"""Weights files (round trip, bad files), the training CSV and network experiment dicts."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gdsim.errors import GdsimError
from gdsim.nn.io import (
    CSV_HEADER,
    csv_text,
    experiment_from_dict,
    experiment_to_dict,
    load_weights,
    save_weights,
    write_csv,
)
from gdsim.nn.network import Architecture, Network
from gdsim.nn.training import NNExperiment, Trainer
from gdsim.simulation import RunSpec


def trained(**kw):
    base = dict(dataset="moons", samples=50, hidden=(4, 3), activation="relu", loss="bce",
                runs=[RunSpec("adam", {"lr": 0.05}), RunSpec("sgd", {"lr": 0.2})], epochs=5)
    base.update(kw)
    tr = Trainer(NNExperiment(**base))
    tr.run()
    return tr


@pytest.mark.parametrize("bn", [False, True])
def test_weights_round_trip_and_file_layout(tmp_path, bn):
    tr = trained(batch_norm=bn, batch_size=8)
    p, b = tr.weights(0)
    f = tmp_path / "w.npz"
    save_weights(f, tr.net, p, b)
    with np.load(f) as z:
        names = sorted(z.files)
        assert z["W1"].shape == (2, 4) and z["b1"].shape == (4,) and z["W3"].shape == (3, 1)
        np.testing.assert_array_equal(z["W2"], tr.net.views(p[None])[1].W[0])
        if bn:
            assert {"gamma1", "beta1", "mean1", "var1", "gamma2"} <= set(names)
            assert "gamma3" not in names  # no batch norm on the output layer
            np.testing.assert_array_equal(z["mean2"], tr.net.bn_views(b[None])[1][0][0])
        else:
            assert names == ["W1", "W2", "W3", "b1", "b2", "b3"]
    p2, b2 = load_weights(f, tr.net)
    np.testing.assert_array_equal(p2, p)
    np.testing.assert_array_equal(b2, b)
    # loaded as initial weights, every run starts from them and step 0 reproduces the metrics
    exp = tr.exp
    tr2 = Trainer(exp, dataset=tr.data, init_weights=(p2, b2))
    np.testing.assert_array_equal(tr2.params[1], p)
    ev = tr.net.evaluate(p[None], tr.data.x_test, tr.t_test, b[None])
    assert tr2.column(0, "test_loss")[0] == ev.loss[0]


def test_bad_weights_files(tmp_path):
    net = Network(Architecture(2, (4,), 1))
    with pytest.raises(GdsimError, match="does not exist"):
        load_weights(tmp_path / "none.npz", net)
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a zip file at all")
    with pytest.raises(GdsimError, match="cannot read weights file"):
        load_weights(junk, net)
    rng = np.random.default_rng(0)
    good = {"W1": rng.random((2, 4)), "b1": rng.random(4), "W2": rng.random((4, 1)),
            "b2": rng.random(1)}
    cases = [
        ({k: v for k, v in good.items() if k != "b2"}, "missing array 'b2'"),
        ({**good, "W3": np.zeros((1, 1))}, "unexpected array 'W3'"),
        ({**good, "W2": np.zeros((5, 1))}, r"W2 has shape \(5, 1\), expected \(4, 1\)"),
        ({**good, "b1": np.array([1.0, np.nan, 0, 0])}, "b1 contains non-finite"),
        ({**good, "W1": np.array([["a", "b", "c", "d"]] * 2)}, "real numbers"),
    ]
    for i, (arrays, needle) in enumerate(cases):
        f = tmp_path / f"bad{i}.npz"
        np.savez(f, **arrays)
        with pytest.raises(GdsimError, match=needle):
            load_weights(f, net)
    npy = tmp_path / "one.npy"
    np.save(npy, good["W1"])
    with pytest.raises(GdsimError, match="one array, not a .npz archive"):
        load_weights(npy, net)
    with pytest.raises(GdsimError, match="cannot read weights file"):
        load_weights(tmp_path, net)
    f = tmp_path / "ok.npz"
    np.savez(f, **good)
    p, _ = load_weights(f, net)
    np.testing.assert_array_equal(net.views(p[None])[0].W[0], good["W1"])


def test_save_weights_is_atomic(tmp_path):
    net = Network(Architecture(2, (4,), 1))
    f = tmp_path / "w.npz"
    f.write_bytes(b"old")
    with pytest.raises(GdsimError, match="does not exist"):
        save_weights(tmp_path / "missing" / "w.npz", net, np.zeros(net.size), np.zeros(0))
    save_weights(f, net, np.ones(net.size), np.zeros(0))
    assert load_weights(f, net)[0].sum() == net.size
    assert [x.name for x in tmp_path.iterdir()] == ["w.npz"]  # no temporary left


def test_training_csv_format(tmp_path):
    tr = trained()
    f = tmp_path / "t.csv"
    write_csv(tr, f)
    lines = f.read_text().splitlines()
    assert lines[0] == CSV_HEADER
    assert len(lines) == 1 + 2 * 6
    first = lines[1].split(",")
    assert first[:4] == ["adam", "adam", "0", "0"]
    assert lines[7].split(",")[:4] == ["sgd", "sgd", "0", "0"]
    # floats read back to the identical float64
    rec = tr.record(1)
    last = lines[-1].split(",")
    assert last[3] == "5" and float(last[4]) == rec[5, 0] and float(last[9]) == rec[5, 5]
    assert float(last[8]) == 0.2


def test_regression_csv_has_empty_accuracy():
    tr = trained(dataset="sine", loss="mse", activation="tanh")
    row = csv_text(tr).splitlines()[3].split(",")
    assert row[6] == "" and row[7] == ""
    assert float(row[4]) > 0


def test_epoch_column_counts_completed_epochs():
    tr = trained(batch_size=16, epochs=2, runs=[RunSpec("sgd")])
    spe = tr.steps_per_epoch
    rows = [r.split(",") for r in csv_text(tr).splitlines()[1:]]
    assert [int(r[2]) for r in rows] == [k // spe for k in range(len(rows))]
    assert int(rows[-1][2]) == 2


def test_experiment_dict_round_trip_and_errors():
    exp = NNExperiment(dataset="spiral:classes=3", hidden=(16, 8), loss="ce", l2=0.01,
                       runs=[RunSpec("adam", {"lr": 0.01}, "cosine", {"t_max": 100}, label="A")],
                       batch_size=32, early_stopping=10)
    d = json.loads(json.dumps(experiment_to_dict(exp)))
    assert d["mode"] == "network" and d["format"] == "gdsim-network"
    assert experiment_from_dict(d) == exp
    with pytest.raises(GdsimError, match="unknown field 'bogus'"):
        experiment_from_dict({**d, "bogus": 1})
    with pytest.raises(GdsimError, match="version"):
        experiment_from_dict({**d, "version": 99})
    with pytest.raises(GdsimError, match="runs\\[0\\]"):
        experiment_from_dict({**d, "runs": [{"lr": 1}]})


@pytest.mark.parametrize("key,value", [
    ("init", 3), ("init", None), ("dataset", ["xor"]), ("loss", {}), ("activation", 1),
    ("l1", "abc"), ("l2", None), ("dropout", 10**400), ("noise", "0.1"), ("test_fraction", None),
    ("hidden", [4, "8"]), ("hidden", 4), ("hidden", [True]), ("batch_norm", 1),
    ("samples", 2.5), ("epochs", "10"), ("seed", None), ("batch_size", 1.5),
    ("early_stopping", "3"), ("data_file", 5), ("runs", {"optimizer": "adam"}),
])
def test_experiment_dict_wrong_types_name_the_field(key, value):
    d = json.loads(json.dumps(experiment_to_dict(NNExperiment())))
    d[key] = value
    with pytest.raises(GdsimError, match=f"{key}: expected"):
        experiment_from_dict(d)


@pytest.mark.parametrize("run,match", [
    ({"optimizer": ["adam"]}, r"runs\[0\].optimizer"),
    ({"optimizer": "adam", "hparams": None}, r"runs\[0\].hparams"),
    ({"optimizer": "adam", "hparams": {"lr": 10**400}}, r"runs\[0\].hparams"),
    ({"optimizer": "adam", "schedule": []}, r"runs\[0\].schedule"),
    ({"optimizer": "adam", "schedule_params": "abc"}, r"runs\[0\].schedule_params"),
    ("adam", r"runs\[0\]: expected an object"),
])
def test_experiment_dict_bad_runs_name_the_run(run, match):
    d = json.loads(json.dumps(experiment_to_dict(NNExperiment())))
    d["runs"] = [run]
    with pytest.raises(GdsimError, match=match):
        experiment_from_dict(d)


def test_negative_seed_is_refused_before_the_data_set_is_made():
    with pytest.raises(GdsimError, match="seed=-1 is out of range"):
        Trainer(NNExperiment(seed=-1))


@pytest.mark.parametrize(("change", "match"), [
    ({"version": True}, "version: expected an integer, got True"),
    ({"version": "1"}, "version: expected an integer"),
    ({"version": None}, "version: expected an integer, got None"),
    ({"version": 1.0}, "version: expected an integer, got 1.0"),
    ({"format": "gdsim-experiment"}, "format: expected 'gdsim-network'"),
])
def test_experiment_dict_format_and_version_are_checked(change, match):
    """SPEC §8: a file's version is an integer (true is not 1) and its format fits."""
    d = json.loads(json.dumps(experiment_to_dict(NNExperiment())))
    d.update(change)
    with pytest.raises(GdsimError, match=match):
        experiment_from_dict(d)


def test_training_csv_labels_with_cr_and_edge_spaces_read_back():
    """Labels typed in the app (any text) survive the training CSV like the trajectory CSV's."""
    import csv
    import io as _io

    from gdsim.nn.io import csv_text
    from gdsim.nn.training import Trainer

    labels = ["a\rb", " lead", "x,y", 'q"t']
    exp = NNExperiment(dataset="xor", samples=20, hidden=(2,), epochs=1,
                       runs=[RunSpec("adam", label=lab) for lab in labels])
    trainer = Trainer(exp)
    trainer.run()
    rows = list(csv.reader(_io.StringIO(csv_text(trainer), newline="")))
    assert [r[0] for r in rows[1:]] == [lab for lab in labels for _ in range(2)]
