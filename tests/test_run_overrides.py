"""Per-run noise σ and batch size (``RunSpec.noise``/``RunSpec.batch_size``): engine, files, CLI.

A run with an override must be bit-identical to the same run (same index, hence same seed) in
an experiment whose experiment-wide setting is that value; runs without one are unchanged.
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdsim.cli import experiment_from_args, main
from gdsim.errors import GdsimError
from gdsim.io import (
    experiment_from_dict,
    experiment_to_dict,
    load_experiment,
    save_experiment,
)
from gdsim.simulation import Experiment, RunSpec, Simulation


def bits(sim: Simulation, i: int) -> bytes:
    """Run ``i``'s whole recorded trajectory (points, loss, gradient, lr) as raw bytes."""
    return sim.runs[i].trajectory.data.tobytes()


def reference(exp: Experiment, i: int) -> Simulation:
    """``exp`` with run ``i``'s overrides moved to the experiment-wide settings (none left)."""
    r = exp.runs[i]
    noise = exp.noise if r.noise is None else r.noise
    batch = exp.batch_size if r.batch_size is None else r.batch_size
    runs = [dataclasses.replace(q, noise=None, batch_size=None) for q in exp.runs]
    data = Simulation(exp).surface.n_samples > 0
    return Simulation(dataclasses.replace(exp, runs=runs, noise=noise,
                                          batch_size=batch if data else exp.batch_size))


def assert_each_run_equals_its_reference(exp: Experiment, steps: int | None = None) -> None:
    sim = Simulation(exp)
    sim.step(exp.steps if steps is None else steps)
    for i in range(len(exp.runs)):
        ref = reference(exp, i)
        ref.step(exp.steps if steps is None else steps)
        assert sim.runs[i].status == ref.runs[i].status, i
        assert bits(sim, i) == bits(ref, i), f"run {i} differs from its separate simulation"


# --- engine: bit-identity -------------------------------------------------------------------


def test_minibatch_overrides_equal_separate_simulations():
    runs = [RunSpec("sgd", {"lr": 0.05}, batch_size=1), RunSpec("sgd", {"lr": 0.05}, batch_size=8),
            RunSpec("sgd", {"lr": 0.05}), RunSpec("momentum", {"lr": 0.01}, batch_size=8),
            RunSpec("sgd", {"lr": 0.03}, batch_size=200)]
    assert_each_run_equals_its_reference(Experiment("linreg", runs=runs, steps=300, tol=0))


def test_batch_override_of_an_experiment_wide_batch_size():
    exp = Experiment("logreg", runs=[RunSpec("gd", {"lr": 0.1}), RunSpec("gd", {"lr": 0.1},
                     batch_size=200), RunSpec("gd", {"lr": 0.1}, batch_size=3)],
                     batch_size=8, steps=120, tol=0)
    sim = Simulation(exp)
    assert [r.batch_size for r in sim.runs] == [8, 0, 3]  # 200 = n_samples = full batch (0)
    assert_each_run_equals_its_reference(exp)


def test_noise_overrides_equal_separate_simulations_on_every_path():
    # 12 adam runs: a group above the float path's size (array path, σ per column) once the
    # noise-free ones are split off; 2 momentum runs take the one-run float path.
    sigmas = [None, 0.0, 0.1, 0.5, 0.1, 2.0, None, 0.3, 0.3, 1.0, 0.05, 0.7]
    runs = [RunSpec("adam", {"lr": 0.02 * (1 + k / 10)}, noise=s) for k, s in enumerate(sigmas)]
    runs += [RunSpec("momentum", {"lr": 0.001}, noise=0.4), RunSpec("momentum", {"lr": 0.001})]
    exp = Experiment("rosenbrock", runs=runs, noise=0.2, steps=150, tol=0)
    sim = Simulation(exp)
    assert [r.noise for r in sim.runs][:4] == [0.2, 0.0, 0.1, 0.5]
    assert_each_run_equals_its_reference(exp)


def test_noise_and_batch_overrides_together_on_a_data_surface():
    runs = [RunSpec("sgd", {"lr": 0.05}, noise=0.3, batch_size=4), RunSpec("sgd", {"lr": 0.05}),
            RunSpec("sgd", {"lr": 0.05}, noise=0.3), RunSpec("adam", {"lr": 0.05}, batch_size=2)]
    assert_each_run_equals_its_reference(Experiment("linreg", runs=runs, steps=80, tol=0,
                                                    noise=0.1, batch_size=16))


@settings(max_examples=15, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["gd", "momentum", "adam"]),
                       st.one_of(st.none(), st.sampled_from([0.0, 0.05, 0.5])),
                       st.one_of(st.none(), st.integers(1, 40))),
             min_size=1, max_size=10),
    st.sampled_from([0.0, 0.2]),
    st.one_of(st.none(), st.integers(1, 40)),
)
def test_any_mix_of_overrides_equals_separate_simulations(specs, noise, batch):
    runs = [RunSpec(o, {"lr": 0.02}, noise=s, batch_size=b) for o, s, b in specs]
    exp = Experiment("linreg", surface_params={"samples": 40}, runs=runs, noise=noise,
                     batch_size=batch, steps=25, tol=0)
    assert_each_run_equals_its_reference(exp)


def test_stepping_in_pieces_equals_one_go_with_overrides():
    runs = [RunSpec("sgd", {"lr": 0.05}, batch_size=1), RunSpec("sgd", {"lr": 0.05}, noise=0.5),
            RunSpec("sgd", {"lr": 0.05})]
    exp = Experiment("linreg", runs=runs, steps=60, tol=0)
    a, b = Simulation(exp), Simulation(exp)
    a.run()
    for _ in range(60):
        b.step(1)
    assert all(bits(a, i) == bits(b, i) for i in range(3))
    b.reset()
    b.run()
    assert all(bits(a, i) == bits(b, i) for i in range(3))


def test_override_changes_only_its_own_run():
    base = [RunSpec("sgd", {"lr": 0.05}) for _ in range(3)]
    plain = Simulation(Experiment("linreg", runs=base, steps=50, tol=0))
    mixed = Simulation(Experiment("linreg", runs=[base[0], dataclasses.replace(
        base[1], batch_size=1), dataclasses.replace(base[2], noise=0.5)], steps=50, tol=0))
    plain.run()
    mixed.run()
    assert bits(plain, 0) == bits(mixed, 0)
    assert bits(plain, 1) != bits(mixed, 1) and bits(plain, 2) != bits(mixed, 2)


# --- engine: the overrides do what they say (hand-computed steps) -----------------------------


def test_noise_override_first_steps_by_hand():
    """gd on x² + y²: p₁ = p₀ − lr·(2p₀ + σ·z), z the run's first normals."""
    lr, sigma, seed = 0.1, 0.7, 5
    exp = Experiment("quadratic", start=(1.0, -2.0), steps=2, tol=0,
                     runs=[RunSpec("gd", {"lr": lr}, seed=seed, noise=sigma)])
    sim = Simulation(exp)
    sim.run()
    noise_rng, _ = np.random.default_rng(seed).spawn(2)
    z = noise_rng.standard_normal((2, 2))
    p = np.array([1.0, -2.0])
    for k in range(2):
        p = p - lr * (2 * p + sigma * z[k])
        np.testing.assert_allclose(sim.runs[0].trajectory.points[k + 1], p, rtol=1e-14)


def test_batch_one_override_steps_by_hand():
    """SGD with one sample: ∇ = 2rᵢ(xᵢ, 1), rᵢ = w·xᵢ + b − yᵢ, i from the run's permutation."""
    lr, seed = 0.05, 3
    exp = Experiment("linreg", surface_params={"samples": 30}, steps=5, tol=0,
                     runs=[RunSpec("sgd", {"lr": lr}, seed=seed, batch_size=1)])
    sim = Simulation(exp)
    sim.run()
    s = sim.surface
    _, batch_rng = np.random.default_rng(seed).spawn(2)
    perm = batch_rng.permutation(30)
    p = sim.runs[0].trajectory.points
    for k in range(5):
        w, b = p[k]
        i = perm[k]
        r = w * s.x[i] + b - s.y[i]
        np.testing.assert_allclose(p[k + 1], p[k] - lr * 2 * r * np.array([s.x[i], 1.0]),
                                   rtol=1e-13)


# --- engine: validation ---------------------------------------------------------------------


@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf"), "0.1", True])
def test_bad_noise_override_is_refused_naming_the_run(bad):
    exp = Experiment("quadratic", runs=[RunSpec("gd"), RunSpec("adam", noise=bad)])
    with pytest.raises(GdsimError, match=r"run 'adam': noise must be a finite number ≥ 0"):
        Simulation(exp)


@pytest.mark.parametrize("bad", [0, -1, 1.5, "8", True])
def test_bad_batch_override_is_refused_on_any_surface(bad):
    for surface in ("linreg", "quadratic"):
        exp = Experiment(surface, runs=[RunSpec("sgd", batch_size=bad, label="mine")])
        with pytest.raises(GdsimError, match=r"run 'mine': batch_size must be an integer ≥ 1"):
            Simulation(exp)


def test_batch_override_above_the_data_size_is_refused_with_the_range():
    exp = Experiment("logreg", surface_params={"samples": 50},
                     runs=[RunSpec("sgd"), RunSpec("sgd", batch_size=51)])
    with pytest.raises(GdsimError, match=r"run 'sgd#2': batch_size=51 is out of range: "
                                         r"need 1 ≤ batch_size ≤ 50"):
        Simulation(exp)
    Simulation(dataclasses.replace(exp, runs=[RunSpec("sgd", batch_size=50)]))


def test_batch_override_is_ignored_on_analytic_surfaces():
    """Switching a mini-batch experiment to an analytic surface must stay valid."""
    runs = [RunSpec("adam", {"lr": 0.05}, batch_size=8), RunSpec("adam", {"lr": 0.05})]
    sim = Simulation(Experiment("rosenbrock", runs=runs, steps=40, noise=0.1, tol=0))
    sim.run()
    assert [r.batch_size for r in sim.runs] == [0, 0]
    plain = Simulation(Experiment("rosenbrock", runs=[RunSpec("adam", {"lr": 0.05})] * 2,
                                  steps=40, noise=0.1, tol=0))
    plain.run()
    assert bits(sim, 0) == bits(plain, 0)


# --- experiment files -----------------------------------------------------------------------


def overridden() -> Experiment:
    return Experiment("linreg", runs=[RunSpec("sgd", {"lr": 0.05}, batch_size=1, noise=0.25),
                                      RunSpec("sgd", {"lr": 0.05}, batch_size=8),
                                      RunSpec("sgd", {"lr": 0.05})],
                      steps=30, batch_size=None)


def test_overrides_round_trip_through_json(tmp_path):
    exp = overridden()
    d = experiment_to_dict(exp)
    assert d["version"] == 1
    assert [(r.get("noise"), r.get("batch_size")) for r in d["runs"]] == [
        (0.25, 1), (None, 8), (None, None)]
    assert "noise" not in d["runs"][2] and "batch_size" not in d["runs"][2]  # absent = none
    assert experiment_from_dict(json.loads(json.dumps(d))) == exp
    path = tmp_path / "e.json"
    save_experiment(exp, path)
    back = load_experiment(path)
    assert back == exp
    a, b = Simulation(exp), Simulation(back)
    a.run()
    b.run()
    assert all(bits(a, i) == bits(b, i) for i in range(3))


def test_file_without_overrides_loads_as_none():
    d = experiment_to_dict(Experiment("quadratic", runs=[RunSpec("gd")]))
    assert set(d["runs"][0]) == {"optimizer", "hparams", "schedule", "schedule_params", "label",
                                 "start", "seed", "enabled", "color"}
    run = experiment_from_dict(d).runs[0]
    assert run.noise is None and run.batch_size is None


def test_explicit_null_overrides_load_as_none():
    d = experiment_to_dict(overridden())
    d["runs"][0]["noise"] = None
    d["runs"][0]["batch_size"] = None
    run = experiment_from_dict(d).runs[0]
    assert run.noise is None and run.batch_size is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("noise", -1, "runs[1].noise: expected null or a number ≥ 0"),
        ("noise", "0.1", "runs[1].noise: expected null or a number ≥ 0"),
        ("noise", True, "runs[1].noise: expected null or a number ≥ 0"),
        ("batch_size", 0, "runs[1].batch_size: expected null or an integer ≥ 1"),
        ("batch_size", 2.5, "runs[1].batch_size: expected null or an integer ≥ 1"),
        ("batch_size", "all", "runs[1].batch_size: expected null or an integer ≥ 1"),
        ("batch_size", 201, "batch_size=201 is out of range: need 1 ≤ batch_size ≤ 200"),
    ],
)
def test_bad_overrides_in_a_file_name_the_field(field, value, message):
    d = experiment_to_dict(overridden())
    d["runs"][1][field] = value
    with pytest.raises(GdsimError) as e:
        experiment_from_dict(d)
    assert message in str(e.value)


def test_loading_a_bad_override_file_names_the_file(tmp_path):
    d = experiment_to_dict(overridden())
    d["runs"][0]["batch_size"] = -3
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(d), encoding="utf-8")
    with pytest.raises(GdsimError, match=r"bad\.json: runs\[0\]\.batch_size"):
        load_experiment(path)


# --- command line ---------------------------------------------------------------------------


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_spec_sets_per_run_batch_size_and_noise(capsys):
    import argparse

    from gdsim.cli import build_parser

    argv = ["run", "--surface", "linreg", "--optimizer", "sgd:lr=0.05,batch_size=1",
            "--optimizer", "sgd:lr=0.05,batch_size=8,noise=0.2,label=b8",
            "--optimizer", "sgd:lr=0.05", "--steps", "40", "--noise", "0.1", "--json"]
    args = build_parser(argv).parse_args(argv)
    assert isinstance(args, argparse.Namespace)
    exp = experiment_from_args(args)
    assert [(r.label, r.hparams, r.noise, r.batch_size) for r in exp.runs] == [
        (None, {"lr": 0.05}, None, 1), ("b8", {"lr": 0.05}, 0.2, 8), (None, {"lr": 0.05}, None,
                                                                      None)]
    code, out, err = run_cli(capsys, *argv)
    assert code == 0 and err == ""
    doc = json.loads(out)
    sim = Simulation(exp)
    sim.run()
    assert [r["x"] for r in doc["runs"]] == [float(r.trajectory.points[-1, 0]) for r in sim.runs]
    assert [r["label"] for r in doc["runs"]] == ["sgd", "b8", "sgd#3"]  # the third sgd run


@pytest.mark.parametrize(
    ("spec", "extra", "message"),
    [
        ("sgd:batch_size=0", (), "batch_size=0 is out of range: need 1 ≤ batch_size"),
        ("sgd:batch_size=2.5", (), "batch_size must be an integer"),
        ("sgd:noise=-1", (), "noise=-1 is out of range: need 0 ≤ noise"),
        ("sgd:noise=abc", (), "noise must be a number"),
        ("sgd:batch_size=201", (), "batch_size=201 is out of range: need 1 ≤ batch_size ≤ 200"),
        ("sgd:batch_size=4", ("--surface", "quadratic"), "batch_size applies to data surfaces"),
    ],
)
def test_cli_bad_run_overrides_exit_2(capsys, tmp_path, spec, extra, message):
    out_csv = tmp_path / "t.csv"
    surface = extra or ("--surface", "linreg")
    code, out, err = run_cli(capsys, "run", *surface, "--optimizer", spec,
                             "--csv", str(out_csv))
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err
    assert not out_csv.exists()


def test_cli_help_documents_run_overrides(capsys):
    code, out, _ = run_cli(capsys, "run", "--help")
    assert code == 0
    text = " ".join(out.split())
    assert "batch_size=B" in text and "noise=SIGMA" in text and "label=NAME" in text


# --- app: the selected run's override fields (pytest-qt) -------------------------------------


def type_into(qtbot, edit, text: str) -> None:
    """Replace the field's text as a user would, then press Enter."""
    from PySide6.QtCore import Qt

    edit.setFocus()
    edit.selectAll()
    if text:
        qtbot.keyClicks(edit, text)
    else:
        qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


@pytest.fixture
def panel(qtbot):
    from ui.controller import Controller
    from ui.runs_panel import RunsPanel

    exp = Experiment("quadratic", start=(1.0, 1.0), steps=100, noise=0.1,
                     runs=[RunSpec("gd", {"lr": 0.1}), RunSpec("momentum", {"lr": 0.05})])
    p = RunsPanel(Controller(exp))
    qtbot.addWidget(p)
    p.resize(520, 900)
    p.show()
    return p


def hparams_cell(panel, row: int) -> str:
    from ui.runs_panel import COL_HPARAMS

    return panel.table.item(row, COL_HPARAMS).text()


def test_noise_override_typed_in_the_panel_reaches_the_experiment(qtbot, panel):
    ctl = panel.controller
    field = panel.noise_override.edit
    assert panel.noise_override.isVisible() and not panel.batch_override.isVisible()
    assert field.text() == "" and "experiment default (σ = 0.1)" == field.placeholderText()
    panel.select(1)
    type_into(qtbot, field, "0.5")
    assert [r.noise for r in ctl.experiment.runs] == [None, 0.5]
    assert ctl.experiment.noise == 0.1  # the experiment's own setting is untouched
    assert ctl.sim.runs[1].noise == 0.5 and ctl.sim.runs[0].noise == 0.1
    assert hparams_cell(panel, 1) == "lr=0.05 · σ=0.5" and hparams_cell(panel, 0) == "lr=0.1"
    assert panel.noise_override.edit.text() == "0.5"  # still shown after the rebuild
    type_into(qtbot, panel.noise_override.edit, "")  # emptied: back to the experiment's
    assert ctl.experiment.runs[1].noise is None and hparams_cell(panel, 1) == "lr=0.05"


def test_bad_noise_override_is_refused_inline(qtbot, panel):
    ctl = panel.controller
    before = ctl.experiment
    type_into(qtbot, panel.noise_override.edit, "-2")
    assert ctl.experiment is before
    assert "noise=-2 is out of range: need 0 ≤ noise" in panel.noise_override.error_text()


def test_batch_override_on_a_data_surface_and_surface_switches(qtbot, panel):
    ctl = panel.controller
    assert ctl.set_surface("linreg")
    n = ctl.sim.surface.n_samples
    field = panel.batch_override.edit
    assert panel.batch_override.isVisible() and not panel.noise_override.isVisible()
    assert field.placeholderText() == "experiment default (full batch)"
    type_into(qtbot, field, "8")
    assert [r.batch_size for r in ctl.experiment.runs] == [8, None]
    assert ctl.experiment.batch_size is None
    assert [r.batch_size for r in ctl.sim.runs] == [8, 0]
    assert hparams_cell(panel, 0) == "lr=0.1 · batch 8"
    before = ctl.experiment
    type_into(qtbot, panel.batch_override.edit, str(n + 1))
    assert ctl.experiment is before
    assert f"batch_size ≤ {n}" in panel.batch_override.error_text()
    # an analytic surface ignores per-run batch sizes: the switch is accepted, the value kept
    assert ctl.set_surface("rosenbrock")
    assert ctl.experiment.runs[0].batch_size == 8 and hparams_cell(panel, 0) == "lr=0.1"
    assert panel.noise_override.isVisible() and not panel.batch_override.isVisible()


def test_minibatch_preset_shows_its_overrides_in_the_table(qtbot, panel):
    from pathlib import Path

    path = (Path(__file__).resolve().parent.parent / "resources" / "presets"
            / "08_minibatch_noise_linreg.json")
    ctl = panel.controller
    assert ctl.set_experiment(load_experiment(path))
    assert [hparams_cell(panel, i) for i in range(3)] == [
        "lr=0.05 · batch 1", "lr=0.05 · batch 8", "lr=0.05"]
    panel.select(1)
    assert panel.batch_override.edit.text() == "8"
    panel.select(2)
    assert panel.batch_override.edit.text() == ""


def test_network_runs_panel_has_no_surface_overrides(qtbot):
    """Networks have no per-run noise or batch size: the fields stay hidden there."""
    from gdsim.nn.training import NNExperiment
    from ui.network.controller import NetworkController
    from ui.network.editors import NetworkRunsPanel

    exp = NNExperiment(dataset="moons", samples=40, hidden=(3,), activation="tanh", loss="bce",
                       runs=[RunSpec("sgd", {"lr": 0.2})], epochs=5)
    p = NetworkRunsPanel(NetworkController(exp))
    qtbot.addWidget(p)
    p.show()
    assert p.run_box.isVisible()
    assert not p.noise_override.isVisible() and not p.batch_override.isVisible()
