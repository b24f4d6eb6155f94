"""Input features (issue 10.3): x₁, x₂, x₁², x₂², x₁x₂, sin x₁, sin x₂ change the network's
input matrix exactly as documented in ``gdsim.nn.features``."""

from __future__ import annotations

import argparse
import json

import numpy as np
import pytest

from gdsim.errors import GdsimError
from gdsim.nn.cli import configure_train_parser, run_train
from gdsim.nn.features import FEATURES, feature_matrix, parse_features
from gdsim.nn.io import experiment_from_dict, experiment_to_dict
from gdsim.nn.training import NNExperiment, Trainer
from gdsim.simulation import RunSpec


def test_each_feature_is_its_documented_column():
    x = np.array([[0.5, -2.0], [1.5, 3.0], [-1.0, 0.25]])
    a, b = x[:, 0], x[:, 1]
    expected = {"x1": a, "x2": b, "x1^2": a * a, "x2^2": b * b, "x1x2": a * b,
                "sin(x1)": np.sin(a), "sin(x2)": np.sin(b)}
    assert list(FEATURES) == list(expected)
    for name, col in expected.items():
        np.testing.assert_array_equal(feature_matrix(x, (name,))[:, 0], col)
    m = feature_matrix(x, tuple(FEATURES))
    np.testing.assert_array_equal(m, np.stack(list(expected.values()), axis=1))
    assert feature_matrix(x, None) is x


def test_names_are_put_in_the_documented_order_and_checked():
    assert parse_features("sin(x2), x1, x1*x2") == ("x1", "x1x2", "sin(x2)")
    assert parse_features(["x2^2", "sin x1"]) == ("x2^2", "sin(x1)")
    for bad, needle in (("x3", "unknown input feature 'x3'"), ("x1,x1", "chosen twice"),
                        ("", "empty input feature"), ([], "at least one")):
        with pytest.raises(GdsimError, match=needle):
            parse_features(bad)


def test_trainer_feeds_the_feature_matrix():
    exp = NNExperiment(dataset="circles", samples=40, hidden=(3,), loss="bce",
                       features=("x1^2", "x2^2", "x1x2"), runs=[RunSpec("sgd", {"lr": 0.1})],
                       epochs=2)
    tr = Trainer(exp)
    d = tr.data
    assert tr.arch.widths == (3, 3, 1)
    np.testing.assert_array_equal(tr.x_train, np.stack(
        [d.x_train[:, 0] ** 2, d.x_train[:, 1] ** 2, d.x_train[:, 0] * d.x_train[:, 1]], 1))
    # the recorded loss is the network's on that matrix; predictions take raw points
    p, b = tr.weights(0)
    ev = tr.net.evaluate(p[None], tr.x_train, tr.t_train, b[None])
    assert ev.loss[0] == tr.record(0)[0, 0]
    out = tr.predict(0, d.x_test[:5])
    np.testing.assert_array_equal(out, tr.net.outputs(p[None], tr.x_test[:5], b[None])[0])
    with pytest.raises(GdsimError, match="need a data set with 2 input columns"):
        Trainer(NNExperiment(dataset="sine", loss="mse", features=("x1",)))


def test_cli_features_and_experiment_file(tmp_path, capsys):
    p = argparse.ArgumentParser()
    configure_train_parser(p)
    args = p.parse_args(["--dataset", "circles", "--features", "x1^2,x2^2", "--hidden", "none",
                         "--activation", "tanh", "--loss", "bce", "--optimizer", "adam:lr=0.1",
                         "--epochs", "60"])
    run_train(args)
    assert "test acc" in capsys.readouterr().out
    with pytest.raises(GdsimError, match="^--features: unknown input feature"):
        run_train(p.parse_args(["--dataset", "xor", "--features", "x9", "--hidden", "2",
                                "--activation", "tanh", "--loss", "bce", "--optimizer", "adam"]))
    exp = NNExperiment(dataset="xor", features=("x1", "x1x2"))
    d = json.loads(json.dumps(experiment_to_dict(exp)))
    assert d["features"] == ["x1", "x1x2"]
    assert experiment_from_dict(d).features == ("x1", "x1x2")
    with pytest.raises(GdsimError, match="features: expected null or a list"):
        experiment_from_dict({**d, "features": "x1"})
