"""Files: CSV exactly SPEC §7 and bit-exact, experiment JSON round-trip and refusals, atomicity."""

from __future__ import annotations

import csv
import json
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdsim import io as gio
from gdsim.errors import GdsimError
from gdsim.simulation import Experiment, RunSpec, Simulation


def sim_of(**kw) -> Simulation:
    kw.setdefault("surface", "rosenbrock")
    kw.setdefault("runs", [RunSpec("adam", {"lr": 0.05}), RunSpec("gd", {"lr": 0.05}),
                           RunSpec("adam", {"lr": 0.01}, schedule="exponential")])
    kw.setdefault("steps", 40)
    sim = Simulation(Experiment(**kw))
    sim.run()
    return sim


# ---------------------------------------------------------------- CSV


def test_csv_layout_is_spec_7(tmp_path):
    sim = sim_of()
    path = tmp_path / "t.csv"
    gio.write_csv(sim, path)
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["run", "optimizer", "step", "x", "y", "loss", "grad_x", "grad_y",
                       "grad_norm", "lr"]
    body = rows[1:]
    assert len(body) == sum(r.trajectory.n for r in sim.runs)
    # run order then step order; labels made unique; optimizer column is the rule name
    runs = [(r[0], r[1]) for r in body]
    expect = []
    for r in sim.runs:
        expect += [(r.label, r.spec.optimizer)] * r.trajectory.n
    assert runs == expect
    assert [r.label for r in sim.runs] == ["adam", "gd", "adam#2"]
    steps = [int(r[2]) for r in body if r[0] == "adam#2"]
    assert steps == list(range(41))
    # the diverged run ends at its last finite point
    gd = sim.runs[1]
    assert gd.status == "diverged"
    gd_rows = [r for r in body if r[0] == "gd"]
    assert len(gd_rows) == gd.trajectory.n
    assert all(np.isfinite(float(v)) for r in gd_rows for v in r[3:])


def test_csv_round_trip_is_bit_exact(tmp_path):
    sim = sim_of()
    path = tmp_path / "t.csv"
    gio.write_csv(sim, path)
    back = gio.read_csv(path)
    data = np.concatenate([r.trajectory.data for r in sim.runs])
    for j, name in enumerate(("x", "y", "loss", "grad_x", "grad_y", "lr")):
        np.testing.assert_array_equal(back[name], data[:, j])
    gn = np.concatenate([r.trajectory.grad_norm for r in sim.runs])
    np.testing.assert_array_equal(back["grad_norm"], gn)


def test_tricky_floats_survive_the_csv(tmp_path):
    sim = sim_of(surface="quadratic", runs=[RunSpec("gd")], steps=0)
    tricky = [0.1 + 0.2, 1e-300, 5e-324, 1.7976931348623157e308, -2.5e-17, 1 / 3]
    tr = sim.runs[0].trajectory
    tr.data[0, :] = tricky
    path = tmp_path / "t.csv"
    gio.write_csv(sim, path)
    back = gio.read_csv(path)
    got = [back[c][0] for c in ("x", "y", "loss", "grad_x", "grad_y", "lr")]
    assert got == tricky and all(type(v) is np.float64 for v in got)
    assert "0.30000000000000004" in path.read_text()


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=6, max_size=6))
def test_any_finite_floats_round_trip(tmp_path_factory, values):
    sim = sim_of(surface="quadratic", runs=[RunSpec("gd")], steps=0)
    sim.runs[0].trajectory.data[0, :] = values
    path = tmp_path_factory.mktemp("rt") / "t.csv"
    gio.write_csv(sim, path)
    back = gio.read_csv(path)
    got = [back[c][0] for c in ("x", "y", "loss", "grad_x", "grad_y", "lr")]
    assert [v.hex() for v in map(float, got)] == [float(v).hex() for v in values]


def test_labels_with_commas_and_quotes_are_quoted(tmp_path):
    sim = sim_of(surface="quadratic", runs=[RunSpec("gd", label='fast, "big"')], steps=1)
    path = tmp_path / "t.csv"
    gio.write_csv(sim, path)
    assert gio.read_csv(path)["run"] == ['fast, "big"'] * 2


def test_csv_to_an_open_file_matches_the_path_version(tmp_path):
    import io

    sim = sim_of()
    buf = io.StringIO()
    gio.write_csv(sim, buf)
    gio.write_csv(sim, tmp_path / "t.csv")
    assert buf.getvalue() == (tmp_path / "t.csv").read_text()


def test_read_csv_refuses_a_wrong_header(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("a,b\n1,2\n")
    with pytest.raises(GdsimError, match="header"):
        gio.read_csv(p)


# ---------------------------------------------------------------- atomic writes


def test_failure_mid_write_keeps_the_earlier_file_and_no_temp(tmp_path, monkeypatch):
    path = tmp_path / "out.csv"
    path.write_text("earlier\n")

    def boom(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(gio.os, "fsync", boom)
    with pytest.raises(GdsimError, match="No space left"):
        gio.write_csv(sim_of(), path)
    assert path.read_text() == "earlier\n"
    assert os.listdir(tmp_path) == ["out.csv"]


def test_failure_at_rename_keeps_the_earlier_file(tmp_path, monkeypatch):
    path = tmp_path / "exp.json"
    path.write_text("{}")

    def boom(a, b):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(gio.os, "replace", boom)
    with pytest.raises(GdsimError, match="exp.json"):
        gio.save_experiment(Experiment(runs=[RunSpec("adam")]), path)
    assert path.read_text() == "{}" and os.listdir(tmp_path) == ["exp.json"]


def test_unwritable_destinations_are_refused_cleanly(tmp_path):
    sim = sim_of(steps=2)
    with pytest.raises(GdsimError, match="cannot write"):
        gio.write_csv(sim, tmp_path / "missing" / "t.csv")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(GdsimError, match="cannot write"):
        gio.write_csv(sim, blocker / "t.csv")
    (tmp_path / "adir").mkdir()
    with pytest.raises(GdsimError, match="cannot write"):
        gio.write_csv(sim, tmp_path / "adir")
    assert sorted(os.listdir(tmp_path)) == ["adir", "file"]
    assert os.listdir(tmp_path / "adir") == []


def test_atomic_write_replaces_content_and_keeps_mode(tmp_path):
    p = tmp_path / "f.txt"
    p.write_text("old")
    os.chmod(p, 0o640)
    gio.atomic_write_text(p, "new ✓")
    assert p.read_text(encoding="utf-8") == "new ✓"
    assert (p.stat().st_mode & 0o777) == 0o640


# ---------------------------------------------------------------- experiment JSON


def full_experiment() -> Experiment:
    return Experiment(
        surface="linreg",
        surface_params={"samples": 50, "noise": 0.25},
        view=(-1.0, 4.0, -3.0, 2.0),
        start=(0.1 + 0.2, -1e-300),
        runs=[
            RunSpec("adam", {"lr": 0.05, "amsgrad": True}, "warmup_cosine",
                    {"warmup": 10, "t_max": 100}, label="mine", start=(1.0, 2.0), seed=7,
                    color="#ff8800"),
            RunSpec("sgd", {"momentum": 0.5, "nesterov": True}, enabled=False),
            RunSpec("gd"),
        ],
        steps=123,
        seed=42,
        noise=0.125,
        batch_size=10,
        tol=1e-6,
        title="Batch size 10",
        description="Mini-batches on a line fit.",
    )


def test_experiment_round_trip(tmp_path):
    exp = full_experiment()
    path = tmp_path / "e.json"
    gio.save_experiment(exp, path)
    d = json.loads(path.read_text())
    assert d["format"] == "gdsim-experiment" and d["version"] == 1
    assert d["runs"][0]["color"] == "#ff8800" and d["runs"][1]["enabled"] is False
    back = gio.load_experiment(path)
    assert back == exp
    assert back.start[0] == 0.1 + 0.2 and back.start[1] == -1e-300
    a, b = Simulation(exp), Simulation(back)
    a.run()
    b.run()
    for ra, rb in zip(a.runs, b.runs, strict=True):
        np.testing.assert_array_equal(ra.trajectory.data, rb.trajectory.data)


def test_typed_formula_experiment_round_trip(tmp_path):
    exp = Experiment(surface="expr:x^2 + 3*y^2", view=(-2.0, 2.0, -1.0, 1.0),
                     runs=[RunSpec("adam", {"lr": 0.1})], steps=5)
    path = tmp_path / "f.json"
    gio.save_experiment(exp, path)
    back = gio.load_experiment(path)
    assert back == exp
    sim = Simulation(back)
    assert sim.box == (0.0, 0.0, 200.0, 100.0)


def write_json(tmp_path, obj, raw: str | None = None):
    p = tmp_path / "e.json"
    p.write_text(raw if raw is not None else json.dumps(obj))
    return p


def good_dict() -> dict:
    return gio.experiment_to_dict(full_experiment())


def _set(path: str, value):
    def change(d):
        keys = path.split(".")
        target = d
        for k in keys[:-1]:
            target = target[int(k)] if isinstance(target, list) else target[k]
        last = int(keys[-1]) if isinstance(target, list) else keys[-1]
        if value is _DELETE:
            del target[last]
        else:
            target[last] = value
        return d

    return change


_DELETE = object()


@pytest.mark.parametrize(
    "change,match",
    [
        (_set("format", "other"), "format"),
        (_set("format", _DELETE), "format"),
        (_set("version", 2), "version: unsupported version 2"),
        (_set("version", "1"), "version"),
        (_set("surface", 3), "surface"),
        (_set("surface", "nope"), "unknown surface 'nope'"),
        (_set("surface_params", {"samples": -4}), "samples"),
        (_set("surface_params", {"bogus": 1}), "bogus"),
        (_set("surface_params", [1]), "surface_params"),
        (_set("view", [0, 1, 2]), "view"),
        (_set("view", [1, 0, 0, 1]), "view"),
        (_set("start", ["a", 1]), "start"),
        (_set("steps", -1), "steps"),
        (_set("steps", 1.5), "steps"),
        (_set("steps", True), "steps"),
        (_set("seed", -1), "seed"),
        (_set("noise", -0.5), "noise"),
        (_set("batch_size", 51), "batch_size"),
        (_set("batch_size", "all"), "batch_size"),
        (_set("tol", "small"), "tol"),
        (_set("title", 5), "title"),
        (_set("extra", 1), "unknown field 'extra'"),
        (_set("runs", {}), "runs"),
        (_set("runs", _DELETE), "runs"),
        (_set("runs.0", "adam"), r"runs\[0\]"),
        (_set("runs.0.optimizer", "adamz"), "unknown optimizer 'adamz'"),
        (_set("runs.0.optimizer", _DELETE), r"runs\[0\]\.optimizer: missing"),
        (_set("runs.0.hparams", {"lr": -1}), "lr"),
        (_set("runs.0.hparams", {"beta3": 0.5}), "beta3"),
        (_set("runs.0.hparams", {"lr": [1]}), "hparams"),
        (_set("runs.0.schedule", "zig"), "unknown schedule 'zig'"),
        (_set("runs.0.schedule_params", {"warmup": 500, "t_max": 100}), "warmup"),
        (_set("runs.0.enabled", "yes"), "enabled"),
        (_set("runs.0.seed", -2), "seed"),
        (_set("runs.0.label", ""), "label"),
        (_set("runs.0.color", 5), "color"),
        (_set("runs.0.wings", 2), "unknown field 'wings'"),
        (_set("runs.2.label", "mine"), "label 'mine'"),
    ],
)
def test_malformed_experiments_are_refused_naming_the_field(tmp_path, change, match):
    p = write_json(tmp_path, change(good_dict()))
    with pytest.raises(GdsimError, match=match) as err:
        gio.load_experiment(p)
    assert str(p) in str(err.value)


@pytest.mark.parametrize(
    "raw,match",
    [
        ("{not json", "not valid JSON"),
        ("", "not valid JSON"),
        ("[1, 2]", "format"),
        ('{"format": "gdsim-experiment", "version": 1, "surface": "quadratic", "runs": [],'
         ' "noise": NaN}', "NaN"),
    ],
)
def test_unparseable_files_are_refused(tmp_path, raw, match):
    with pytest.raises(GdsimError, match=match):
        gio.load_experiment(write_json(tmp_path, None, raw))


def test_missing_and_binary_files_are_refused(tmp_path):
    with pytest.raises(GdsimError, match="cannot read"):
        gio.load_experiment(tmp_path / "none.json")
    p = tmp_path / "bin.json"
    p.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(GdsimError, match="UTF-8"):
        gio.load_experiment(p)


def test_minimal_file_gets_defaults(tmp_path):
    p = write_json(tmp_path, {"format": "gdsim-experiment", "version": 1,
                              "surface": "quadratic", "runs": [{"optimizer": "adam"}]})
    exp = gio.load_experiment(p)
    assert exp == Experiment(surface="quadratic", runs=[RunSpec("adam")])


def test_schedule_choices_lists_and_none_round_trip_through_files(tmp_path):
    from gdsim.io import load_experiment, save_experiment

    runs = [RunSpec("adam", {"lr": 0.1}, "multistep", {"milestones": (30, 80, 140),
                                                       "gamma": 0.1}),
            RunSpec("sgd", {"lr": 0.1, "weight_decay": 0}, "cyclic",
                    {"mode": "exp_range", "gamma": 0.99, "step_size_down": None}),
            RunSpec("gd", {}, "onecycle", {"anneal_strategy": "linear", "three_phase": True,
                                           "total_steps": 200, "pct_start": 0.25}),
            RunSpec("gd", {}, "plateau", {"threshold_mode": "abs", "patience": 3})]
    exp = Experiment(surface="quadratic", runs=runs, steps=50)
    path = tmp_path / "e.json"
    save_experiment(exp, path)
    text = path.read_text()
    assert '"milestones": [\n' in text or '"milestones": [30, 80, 140]' in text
    back = load_experiment(path)
    assert [r.schedule_params for r in back.runs] == [r.schedule_params for r in runs]
    assert back.runs[0].schedule_params["milestones"] == (30, 80, 140)  # typed as from the CLI
    sim_a, sim_b = Simulation(exp), Simulation(back)
    sim_a.run()
    sim_b.run()
    for a, b in zip(sim_a.runs, sim_b.runs, strict=True):
        np.testing.assert_array_equal(a.trajectory.data, b.trajectory.data)


@pytest.mark.parametrize(("params", "match"), [
    ({"mode": 3}, "schedule_params.mode: expected one of triangular, triangular2, exp_range"),
    ({"mode": "sawtooth"}, "mode='sawtooth' is not allowed"),
    ({"step_size_up": None}, "schedule_params.step_size_up: expected a number"),
    ({"base_lr": "0.1"}, "schedule_params.base_lr: expected a number or true/false"),
])
def test_bad_schedule_values_in_files_are_refused(tmp_path, params, match):
    from gdsim.io import experiment_to_dict, load_experiment

    d = experiment_to_dict(Experiment(surface="quadratic",
                                      runs=[RunSpec("gd", {}, "cyclic")]))
    d["runs"][0]["schedule_params"] = params
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(d))
    with pytest.raises(GdsimError, match=match):
        load_experiment(path)


def test_multistep_milestones_must_be_a_list_of_integers_in_files(tmp_path):
    from gdsim.io import experiment_to_dict, load_experiment

    d = experiment_to_dict(Experiment(surface="quadratic",
                                      runs=[RunSpec("gd", {}, "multistep")]))
    for bad, match in [("30/80", "expected a list of integers"),
                       ([300, 100], "milestones=300/100 is not in increasing order"),
                       ([30, "80"], "expected a list of integers")]:
        d["runs"][0]["schedule_params"] = {"milestones": bad}
        path = tmp_path / "bad.json"
        path.write_text(json.dumps(d))
        with pytest.raises(GdsimError, match=match):
            load_experiment(path)
