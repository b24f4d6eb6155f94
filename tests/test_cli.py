"""Command line (SPEC §6) through ``main([...])`` and one real ``python -m gdsim`` process."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from gdsim import io as gio
from gdsim.cli import main
from gdsim.optimizers import OPTIMIZERS
from gdsim.simulation import Experiment, RunSpec, Simulation


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_kinds(capsys):
    code, out, err = run_cli(capsys, "list", "surfaces")
    lines = out.splitlines()
    assert code == 0 and err == ""
    assert any(ln.startswith("rosenbrock") and "a=1" in ln and "b=100" in ln for ln in lines)
    assert any(ln.startswith("expr:FORMULA") and "--domain" in ln for ln in lines)
    code, out, _ = run_cli(capsys, "list", "optimizers")
    assert code == 0 and len(out.splitlines()) == len(OPTIMIZERS) == 23
    assert any(ln.startswith("nesterov") and "nesterov=true" in ln for ln in out.splitlines())
    code, out, _ = run_cli(capsys, "list", "schedules")
    assert code == 0 and any("warmup=50" in ln for ln in out.splitlines())
    code, out, err = run_cli(capsys, "list", "widgets")
    assert code == 2 and "invalid choice" in err


def test_run_summary_lines(capsys):
    code, out, err = run_cli(capsys, "run", "--surface", "quadratic", "--start", "1.5", "0.2",
                             "--optimizer", "gd:lr=0.25", "--optimizer", "gd:lr=1.5",
                             "--optimizer", "adam:lr=0.1,label=mine", "--steps", "30",
                             "--tol", "1e-3")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert len(lines) == 3
    assert lines[0].split()[:3] == ["gd", "converged", "steps=12"]
    assert lines[1].split()[:3] == ["gd#2", "diverged", "steps=8"]
    assert "left the domain box" in lines[1]
    assert lines[2].split()[:3] == ["mine", "max_steps", "steps=30"]


def test_json_summary_matches_the_engine(capsys):
    code, out, _ = run_cli(capsys, "run", "--surface", "rosenbrock", "--optimizer",
                           "adam:lr=0.05,beta1=0.8", "--schedule", "step:step_size=50",
                           "--steps", "200", "--seed", "3", "--noise", "0.1", "--json")
    assert code == 0
    doc = json.loads(out)
    sim = Simulation(Experiment(surface="rosenbrock",
                                runs=[RunSpec("adam", {"lr": 0.05, "beta1": 0.8}, "step",
                                              {"step_size": 50})],
                                steps=200, seed=3, noise=0.1))
    sim.run()
    r = doc["runs"][0]
    last = sim.runs[0].trajectory.data[-1]
    assert (r["label"], r["status"], r["steps"]) == ("adam", "max_steps", 200)
    assert (r["x"], r["y"], r["loss"]) == (last[0], last[1], last[2])


def test_csv_to_stdout_moves_summary_to_stderr(capsys):
    code, out, err = run_cli(capsys, "run", "--surface", "booth", "--optimizer", "momentum",
                             "--steps", "3", "--csv", "-")
    assert code == 0
    assert out.splitlines()[0] == "run,optimizer,step,x,y,loss,grad_x,grad_y,grad_norm,lr"
    assert len(out.splitlines()) == 5
    assert err.startswith("momentum") and "max_steps" in err


def test_csv_file_and_steps_zero(tmp_path, capsys):
    path = tmp_path / "t.csv"
    code, out, _ = run_cli(capsys, "run", "--surface", "beale", "--optimizer", "adam",
                           "--steps", "0", "--csv", str(path))
    assert code == 0 and "steps=0" in out
    back = gio.read_csv(path)
    assert list(back["step"]) == [0]
    assert (back["x"][0], back["y"][0]) == Simulation(
        Experiment(surface="beale", runs=[RunSpec("adam")])).runs[0].start


def test_typed_surface_with_domain(capsys):
    code, out, _ = run_cli(capsys, "run", "--surface", "expr:(x-1)^2 + (y+2)^2",
                           "--domain", "-4", "4", "-5", "3", "--start", "0", "0",
                           "--optimizer", "gd:lr=0.25", "--steps", "100", "--json")
    assert code == 0
    r = json.loads(out)["runs"][0]
    assert r["status"] == "converged"
    assert r["x"] == pytest.approx(1.0) and r["y"] == pytest.approx(-2.0)


def test_data_surface_params_and_batch(capsys):
    code, out, _ = run_cli(capsys, "run", "--surface", "linreg", "--param", "samples=40",
                           "--optimizer", "sgd:lr=0.05", "--batch-size", "8", "--steps", "50",
                           "--json")
    assert code == 0 and json.loads(out)["runs"][0]["steps"] == 50


def test_experiment_file_run(tmp_path, capsys):
    exp = Experiment(surface="himmelblau", runs=[RunSpec("adam", {"lr": 0.05}),
                                                 RunSpec("gd", enabled=False)], steps=25)
    path = tmp_path / "e.json"
    gio.save_experiment(exp, path)
    csv_path = tmp_path / "t.csv"
    code, out, err = run_cli(capsys, "run", "--experiment", str(path), "--csv", str(csv_path))
    assert code == 0 and len(out.splitlines()) == 1 and out.startswith("adam")
    sim = Simulation(exp)
    sim.run()
    np.testing.assert_array_equal(gio.read_csv(csv_path)["x"], sim.runs[0].trajectory.points[:, 0])


@pytest.mark.parametrize(
    "argv,match",
    [
        (["run", "--surface", "nope", "--optimizer", "adam"], "unknown surface 'nope'"),
        (["run", "--surface", "quadratic", "--optimizer", "adamz"], "unknown optimizer 'adamz'"),
        (["run", "--surface", "quadratic", "--optimizer", "adam:lr=0"], "lr"),
        (["run", "--surface", "quadratic", "--optimizer", "adam:lr"], "KEY=VALUE"),
        (["run", "--surface", "quadratic", "--optimizer", "sgd:nesterov=maybe"], "nesterov"),
        (["run", "--surface", "quadratic", "--optimizer", "adam", "--schedule", "cosine:t_max=0"],
         "t_max"),
        (["run", "--surface", "quadratic", "--optimizer", "adam", "--steps", "-1"], "steps"),
        (["run", "--surface", "quadratic", "--optimizer", "adam", "--steps", "ten"], "--steps"),
        (["run", "--surface", "quadratic", "--optimizer", "adam", "--noise", "-1"], "noise"),
        (["run", "--surface", "quadratic", "--optimizer", "adam", "--tol", "-1"], "tol"),
        (["run", "--surface", "quadratic", "--optimizer", "adam", "--start", "nan", "0"], "start"),
        (["run", "--surface", "quadratic", "--optimizer", "adam", "--batch-size", "4"],
         "batch_size"),
        (["run", "--surface", "quadratic", "--optimizer", "adam", "--domain", "0", "1", "0", "1"],
         "--domain"),
        (["run", "--surface", "rosenbrock", "--param", "b=-1", "--optimizer", "adam"], "b=-1"),
        (["run", "--surface", "quadratic"], "--optimizer"),
        (["run", "--optimizer", "adam"], "--surface"),
        (["run", "--experiment", "x.json", "--surface", "quadratic"], "cannot be combined"),
        (["run", "--experiment", "/nonexistent/e.json"], "cannot read"),
        (["run", "--surface", "quadratic", "--optimizer", "adam", "--csv", "/nonexistent/t.csv"],
         "does not exist"),
        (["run", "--surface", "quadratic", "--optimizer", "adam", "--csv", "/"], "it is a folder"),
        (["run", "--surface", "quadratic", "--optimizer", "adam", "--steps", "10000000000000"],
         r"steps=10000000000000 is out of range: need 0 ≤ steps ≤ 10000000"),
        (["run", "--surface", "quadratic", "--optimizer", "adam", "--seed", "1e30"], "--seed"),
        (["run", "--surface", "quadratic", "--param", "condition=abc", "--optimizer", "adam"],
         "unknown parameter 'condition'"),
        (["run", "--surface", "ravine", "--param", "condition=abc", "--optimizer", "adam"],
         "condition must be a number, got 'abc'"),
        (["run", "--surface", "quadratic", "--optimizer", "adam:lr=1" + "0" * 400], "finite"),
    ],
)
def test_bad_input_exits_2_with_one_message(capsys, argv, match):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    import re

    assert re.search(match, err), err


DOC = {"format": "gdsim-experiment", "version": 1, "surface": "rosenbrock",
       "runs": [{"optimizer": "gd"}]}


@pytest.mark.parametrize(
    "text,match",
    [
        ("[1, 2]", "expected a JSON object"),
        ('{"runs": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
        (json.dumps({**DOC, "noise": 10**400}), "noise: expected a number"),
        (json.dumps({**DOC, "tol": -(10**400)}), "tol: expected a number"),
        (json.dumps({**DOC, "runs": [{"optimizer": "gd", "noise": 10**400}]}),
         r"runs\[0\].noise"),
        (json.dumps({**DOC, "runs": [{"optimizer": "gd", "hparams": {"lr": 10**400}}]}),
         r"runs\[0\].hparams"),
        (json.dumps({**DOC, "runs": [{"optimizer": "gd", "hparams": {"lr": [0.1]}}]}),
         r"runs\[0\].hparams"),
        (json.dumps({**DOC, "runs": [{"optimizer": ["gd"]}]}), r"runs\[0\].optimizer"),
        (json.dumps({**DOC, "steps": 10**13}), "steps=10000000000000 is out of range"),
        (json.dumps({**DOC, "steps": "10"}), "steps: expected an integer"),
        (json.dumps({**DOC, "surface": {"name": "rosenbrock"}}), "surface: expected"),
        (json.dumps({**DOC, "start": [1, "a"]}), "start: expected"),
        ('{"format": NaN}', "NaN is not allowed"),
    ],
)
def test_bad_experiment_files_exit_2_with_one_line(tmp_path, capsys, text, match):
    f = tmp_path / "e.json"
    f.write_text(text)
    code, out, err = run_cli(capsys, "run", "--experiment", str(f))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("gdsim: error: ") and "Traceback" not in err
    import re

    assert re.search(match, err), err


def test_out_of_memory_is_one_line_exit_2(monkeypatch, capsys):
    def no_memory(self):
        raise MemoryError

    monkeypatch.setattr(Simulation, "run", no_memory)
    code, out, err = run_cli(capsys, "run", "--surface", "quadratic", "--optimizer", "adam")
    assert code == 2 and out == ""
    assert err == "gdsim: error: not enough memory (try fewer steps, runs or samples)\n"


def test_bad_input_leaves_no_file(tmp_path, capsys):
    target = tmp_path / "t.csv"
    code, _, _ = run_cli(capsys, "run", "--surface", "quadratic", "--optimizer", "adam:lr=-1",
                         "--csv", str(target))
    assert code == 2 and os.listdir(tmp_path) == []
    target.write_text("earlier")
    code, _, _ = run_cli(capsys, "run", "--surface", "quadratic", "--optimizer", "adamz",
                         "--csv", str(target))
    assert code == 2 and target.read_text() == "earlier"


def test_missing_app_modules_exit_2(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ui.app", None)  # import fails with ImportError
    monkeypatch.setitem(sys.modules, "ui.snapshot", None)
    code, out, err = run_cli(capsys, "gui")
    assert code == 2 and "not available" in err and "Traceback" not in err
    code, _, err = run_cli(capsys)
    assert code == 2 and "not available" in err
    code, _, err = run_cli(capsys, "snapshot", "--experiment", "e.json", "--steps", "3",
                           "--out", "x.png")
    assert code == 2 and "not available" in err


def test_gui_and_snapshot_hand_off_lazily(monkeypatch, capsys):
    import types

    calls = []
    app = types.ModuleType("ui.app")
    app.run_app = lambda path=None: calls.append(("gui", path)) or 0
    snap = types.ModuleType("ui.snapshot")
    snap.snapshot_main = lambda args: calls.append(("snap", args.experiment, args.steps,
                                                    args.out, args.size)) or 0
    monkeypatch.setitem(sys.modules, "ui.app", app)
    monkeypatch.setitem(sys.modules, "ui.snapshot", snap)
    assert main([]) == 0 and main(["gui", "--experiment", "e.json"]) == 0
    assert main(["snapshot", "--experiment", "e.json", "--steps", "9", "--out", "o.png",
                 "--size", "640x480"]) == 0
    assert calls == [("gui", None), ("gui", "e.json"), ("snap", "e.json", 9, "o.png", "640x480")]


def test_real_process_exit_codes_and_streams(tmp_path):
    env = dict(os.environ, PYTHONWARNINGS="error")
    ok = subprocess.run(
        [sys.executable, "-m", "gdsim", "run", "--surface", "rosenbrock", "--optimizer",
         "adam:lr=0.05", "--optimizer", "nesterov:lr=0.0005", "--steps", "100", "--csv", "-"],
        capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
    assert ok.returncode == 0
    assert ok.stdout.startswith("run,optimizer,step,")
    assert len(ok.stdout.splitlines()) == 1 + 2 * 101
    assert [ln.split()[0] for ln in ok.stderr.splitlines()] == ["adam", "nesterov"]
    target = tmp_path / "out.csv"
    bad = subprocess.run(
        [sys.executable, "-m", "gdsim", "run", "--surface", "rosenbrock", "--optimizer",
         "adam:beta1=1.5", "--csv", str(target)],
        capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
    assert bad.returncode == 2 and bad.stdout == ""
    assert "beta1" in bad.stderr and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
    assert os.listdir(tmp_path) == []


def test_network_commands_are_handed_to_gdsim_nn(capsys, monkeypatch):
    code, out, _ = run_cli(capsys, "list", "datasets")
    assert code == 0 and any(ln.startswith("xor") for ln in out.splitlines())
    code, out, _ = run_cli(capsys, "list", "activations")
    assert code == 0 and "relu" in out
    code, _, err = run_cli(capsys, "train", "--dataset", "nope", "--hidden", "4",
                           "--activation", "tanh", "--loss", "bce", "--optimizer", "adam")
    assert code == 2 and "nope" in err and "Traceback" not in err
    monkeypatch.setitem(sys.modules, "gdsim.nn.cli", None)
    code, _, err = run_cli(capsys, "list", "losses")
    assert code == 2 and "not available" in err
    code, _, err = run_cli(capsys, "train", "--dataset", "xor")
    assert code == 2 and "not available" in err


def test_list_schedules_shows_every_kind_of_value(capsys):
    code, out, _ = run_cli(capsys, "list", "schedules")
    lines = {ln.split()[0]: ln for ln in out.splitlines()}
    assert code == 0 and len(lines) == 13
    assert "milestones=250/500/750" in lines["multistep"]
    assert "anneal_strategy=cos (one of cos|linear)" in lines["onecycle"]
    assert "three_phase=false" in lines["onecycle"]
    assert "mode=triangular (one of triangular|triangular2|exp_range)" in lines["cyclic"]
    assert "step_size_down=none (" in lines["cyclic"]
    assert "threshold_mode=rel (one of rel|abs)" in lines["plateau"]


def test_schedule_specs_with_words_lists_and_integers(capsys, tmp_path):
    out_csv = tmp_path / "o.csv"
    code, out, err = run_cli(capsys, "run", "--surface", "quadratic", "--start", "2", "-1",
                             "--optimizer", "sgd:lr=1,momentum=0,dampening=0,weight_decay=0,"
                             "nesterov=false", "--schedule", "multistep:milestones=30/80/140,"
                             "gamma=0.5", "--steps", "150", "--tol", "0", "--csv", str(out_csv))
    assert code == 0, err
    lr = [float(ln.split(",")[9]) for ln in out_csv.read_text().splitlines()[1:]]
    assert lr[29] == 1.0 and lr[30] == 0.5 and lr[80] == 0.25 and lr[140] == 0.125
    code, out, err = run_cli(capsys, "run", "--surface", "quadratic", "--optimizer", "gd:lr=0.1",
                             "--schedule", "onecycle:total_steps=500,anneal_strategy=linear,"
                             "three_phase=true", "--steps", "20", "--json")
    assert code == 0, err
    assert json.loads(out)["runs"][0]["status"] == "max_steps"


@pytest.mark.parametrize(("spec", "message"), [
    ("cyclic:mode=sawtooth", "cyclic: mode='sawtooth' is not allowed: need mode is one of "
                             "triangular, triangular2, exp_range"),
    ("multistep:milestones=300/100", "multistep: milestones=300/100 is not in increasing order"),
    ("cosine_restarts:t_mult=0", "cosine_restarts: t_mult=0 is out of range: need 1 ≤ t_mult"),
    ("onecycle:anneal_strategy=cosine", "need anneal_strategy is one of cos, linear"),
    ("plateau:threshold_mode=relative", "need threshold_mode is one of rel, abs"),
    ("onecycle:three_phase=yes", "three_phase must be true or false"),
])
def test_bad_schedule_values_exit_2_naming_the_parameter(capsys, spec, message):
    code, out, err = run_cli(capsys, "run", "--surface", "quadratic", "--optimizer", "gd",
                             "--schedule", spec)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err
