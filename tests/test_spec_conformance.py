"""SPEC conformance of the command line and its files, as a demanding user meets them.

Each test pins one promise of SPEC §1, §6–§9 that an earlier build broke: booleans spelled
only ``true``/``false``, output paths that are links or pipes, hand-edited experiment
files, options named in their errors, ``train`` options that do not apply, and the
trajectory of ``gdsim run`` against ``torch.optim`` + ``torch.optim.lr_scheduler``.
"""

from __future__ import annotations

import json
import os
import threading

import numpy as np
import pytest

from gdsim import io as gio
from gdsim.cli import main
from gdsim.simulation import Experiment, RunSpec


def run_cli(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str) -> str:
    """The single ``gdsim: error:`` line of a refused command (never a traceback)."""
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if ln.startswith("gdsim")]
    assert len(lines) == 1, err
    return lines[0]


TRAIN = ("train", "--dataset", "xor", "--samples", "40", "--hidden", "3", "--activation",
         "tanh", "--loss", "bce", "--epochs", "2")


# ---------------------------------------------------------------- §6 booleans


@pytest.mark.parametrize("word", ["yes", "1", "on", "0", "no", "off", "t"])
def test_run_booleans_are_true_or_false_only(capsys, tmp_path, word):
    target = tmp_path / "t.csv"
    code, out, err = run_cli(capsys, "run", "--surface", "quadratic", "--optimizer",
                             f"sgd:momentum=0.9,nesterov={word}", "--csv", target)
    assert code == 2 and out == ""
    line = one_error_line(err)
    assert "nesterov must be true or false" in line and repr(word) in line
    assert not target.exists()


@pytest.mark.parametrize("word", ["1", "yes"])
def test_train_booleans_are_true_or_false_only(capsys, tmp_path, word):
    target = tmp_path / "t.csv"
    code, _, err = run_cli(capsys, *TRAIN, "--optimizer", f"adam:amsgrad={word}", "--csv",
                           target)
    assert code == 2 and "amsgrad must be true or false" in one_error_line(err)
    assert not target.exists()


def test_true_and_false_select_the_rule(capsys):
    """Both spellings are accepted and really switch Nesterov on and off."""
    def final_x(word):
        code, out, _ = run_cli(capsys, "run", "--surface", "quadratic", "--steps", "1",
                               "--json", "--optimizer", f"sgd:lr=0.1,momentum=0.9,nesterov={word}")
        assert code == 0
        return json.loads(out)["runs"][0]["x"]

    x0 = -2.5  # quadratic's suggested start; ∇ = 2x
    assert final_x("false") == x0 - 0.1 * (2 * x0)  # first step: b = g, plain step
    assert final_x("true") == x0 - 0.1 * (2 * x0 + 0.9 * 2 * x0)  # g + μb
    assert final_x("TRUE") == final_x("true") and final_x("False") == final_x("false")


# ---------------------------------------------------------------- §7 output paths


def test_csv_through_a_symbolic_link_updates_its_target(tmp_path, capsys):
    real = tmp_path / "real.csv"
    real.write_text("earlier\n")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    code, _, _ = run_cli(capsys, "run", "--surface", "quadratic", "--optimizer", "adam",
                         "--steps", "2", "--csv", link)
    assert code == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text().startswith("run,optimizer,step,")
    assert len(real.read_text().splitlines()) == 4
    assert sorted(os.listdir(tmp_path)) == ["link.csv", "real.csv"]  # no temporary left


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_csv_into_a_named_pipe_writes_it_and_keeps_the_pipe(tmp_path, capsys):
    """``--csv /dev/stdout`` or a FIFO: written into, never replaced by a rename."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code, _, err = run_cli(capsys, "run", "--surface", "quadratic", "--optimizer", "adam",
                           "--steps", "3", "--csv", fifo)
    if code != 0:  # unblock the reader before failing
        with open(fifo, "wb"):
            pass
    reader.join(timeout=10)
    assert code == 0, err
    assert os.path.exists(fifo) and not fifo.is_file()  # still a pipe
    assert got and got[0].decode().splitlines()[0] == ",".join(gio.CSV_HEADER)
    assert len(got[0].decode().splitlines()) == 5


def test_disk_full_during_the_csv_leaves_the_earlier_file(tmp_path, capsys, monkeypatch):
    target = tmp_path / "t.csv"
    target.write_text("earlier\n")

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(gio.os, "fsync", full)
    code, out, err = run_cli(capsys, "run", "--surface", "quadratic", "--optimizer", "adam",
                             "--steps", "5", "--csv", target)
    assert code == 2 and out == ""
    assert "No space left on device" in one_error_line(err) and "t.csv" in err
    assert target.read_text() == "earlier\n" and os.listdir(tmp_path) == ["t.csv"]


def test_read_only_folder_is_refused_before_the_run(tmp_path, capsys, monkeypatch):
    """As root a 0o555 folder is writable, so the refusal is simulated through os.access."""
    from gdsim.simulation import Simulation

    real_access = os.access
    monkeypatch.setattr(gio.os, "access",
                        lambda p, m: False if str(p) == str(tmp_path) else real_access(p, m))
    ran = []
    monkeypatch.setattr(Simulation, "run", lambda self: ran.append(1))
    code, _, err = run_cli(capsys, "run", "--surface", "quadratic", "--optimizer", "adam",
                           "--csv", tmp_path / "t.csv")
    assert code == 2 and "not writable" in one_error_line(err)
    assert ran == [] and os.listdir(tmp_path) == []


# ---------------------------------------------------------------- §8 hand-edited files


def saved_experiment(tmp_path):
    path = tmp_path / "e.json"
    gio.save_experiment(Experiment(surface="quadratic", runs=[RunSpec("adam", {"lr": 0.1})],
                                   steps=3), path)
    return path


def test_experiment_saved_by_a_bom_writing_editor_loads(tmp_path, capsys):
    path = saved_experiment(tmp_path)
    plain = run_cli(capsys, "run", "--experiment", path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    code, out, err = run_cli(capsys, "run", "--experiment", path)
    assert (code, out, err) == plain and code == 0 and "steps=3" in out


def test_overlong_number_in_an_experiment_is_named_plainly(tmp_path, capsys):
    path = saved_experiment(tmp_path)
    path.write_text(path.read_text().replace('"steps": 3', '"steps": ' + "9" * 5000))
    code, _, err = run_cli(capsys, "run", "--experiment", path)
    line = one_error_line(err)
    assert code == 2 and "e.json" in line and "more than" in line and "digits" in line
    assert "set_int_max_str_digits" not in line  # Python's advice, not the user's


# ---------------------------------------------------------------- §6 culprits named


def test_bad_domain_names_the_option(capsys):
    code, _, err = run_cli(capsys, "run", "--surface", "expr:x^2 + y^2", "--domain", "0", "1",
                           "1", "0", "--optimizer", "adam")
    assert code == 2 and one_error_line(err).startswith("gdsim: error: --domain needs xmin")


def test_param_on_a_typed_surface_names_the_option(capsys):
    code, _, err = run_cli(capsys, "run", "--surface", "expr:x^2 + y^2", "--param", "a=1",
                           "--optimizer", "adam")
    assert code == 2 and "--param a" in one_error_line(err)


# ---------------------------------------------------------------- §9 train options


def test_train_batch_size_beyond_the_training_set_is_refused(tmp_path, capsys):
    target = tmp_path / "t.csv"
    code, _, err = run_cli(capsys, *TRAIN, "--optimizer", "adam", "--batch-size", "33",
                           "--csv", target)  # 40 samples, 20 % held out: 32 to train on
    assert code == 2 and "--batch-size 33" in one_error_line(err) and "32" in err
    assert not target.exists()
    code, _, _ = run_cli(capsys, *TRAIN, "--optimizer", "adam", "--batch-size", "32",
                         "--csv", target)
    assert code == 0 and len(target.read_text().splitlines()) == 1 + 3  # full batch: 1/epoch


@pytest.mark.parametrize("extra", [("--samples", "10"), ("--noise", "0.2")])
def test_dataset_options_with_a_data_file_are_refused(tmp_path, capsys, extra):
    data = tmp_path / "d.csv"
    data.write_text("a,b,label\n0,0,0\n1,1,0\n0,1,1\n1,0,1\n0.5,0.5,0\n")
    target = tmp_path / "t.csv"
    code, _, err = run_cli(capsys, "train", "--data", data, *extra, "--hidden", "2",
                           "--activation", "tanh", "--loss", "bce", "--optimizer", "adam",
                           "--epochs", "1", "--csv", target)
    assert code == 2 and f"{extra[0]} applies to --dataset only" in one_error_line(err)
    assert not target.exists()


# ---------------------------------------------------------------- §1 against torch

STEPS = 60

# (gdsim SPEC, gdsim schedule, torch optimizer and kwargs, torch scheduler and args)
TORCH_CASES = [
    ("adam:lr=0.05,beta1=0.8", "step:step_size=7,gamma=0.5",
     "Adam", {"lr": 0.05, "betas": (0.8, 0.999)}, "StepLR", (7, 0.5)),
    ("nesterov:lr=0.0005", f"cosine:t_max={STEPS},eta_min=0.0001",
     "SGD", {"lr": 5e-4, "momentum": 0.9, "nesterov": True}, "CosineAnnealingLR",
     (STEPS, 1e-4)),
    ("rmsprop:lr=0.003,centered=true,momentum=0.5", "exponential:gamma=0.97",
     "RMSprop", {"lr": 0.003, "centered": True, "momentum": 0.5}, "ExponentialLR", (0.97,)),
]


def torch_run(torch, opt_name, opt_kw, sched_name, sched_args):
    """Rosenbrock from (−1.2, 1) with torch.optim and a real lr_scheduler, float64."""
    p = torch.tensor([-1.2, 1.0], dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, opt_name)([p], foreach=False, **opt_kw)
    sched = getattr(torch.optim.lr_scheduler, sched_name)(opt, *sched_args)
    points, lrs = [p.detach().numpy().copy()], [opt.param_groups[0]["lr"]]
    for _ in range(STEPS):
        opt.zero_grad()
        ((1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2).backward()
        opt.step()
        sched.step()
        points.append(p.detach().numpy().copy())
        lrs.append(opt.param_groups[0]["lr"])
    return np.array(points), np.array(lrs)


@pytest.mark.parametrize(("spec", "sched", "opt_name", "opt_kw", "sched_name", "sched_args"),
                         TORCH_CASES, ids=[c[0].split(":")[0] for c in TORCH_CASES])
def test_cli_trajectory_and_lr_column_match_torch(tmp_path, capsys, spec, sched, opt_name,
                                                  opt_kw, sched_name, sched_args):
    torch = pytest.importorskip("torch")
    target = tmp_path / "t.csv"
    code, _, _ = run_cli(capsys, "run", "--surface", "rosenbrock", "--start", "-1.2", "1",
                         "--steps", STEPS, "--tol", "0", "--optimizer", spec, "--schedule",
                         sched, "--csv", target)
    assert code == 0
    got = gio.read_csv(target)
    want, want_lr = torch_run(torch, opt_name, opt_kw, sched_name, sched_args)
    points = np.stack([got["x"], got["y"]], axis=1)
    assert list(got["step"]) == list(range(STEPS + 1))
    assert np.abs(np.diff(want, axis=0)).max() > 1e-4  # it moves: the check has teeth
    np.testing.assert_allclose(points, want, rtol=1e-9, atol=1e-12)
    # lr at step k is the rate torch's scheduler holds for the update k → k+1 (last: at N)
    np.testing.assert_allclose(got["lr"], want_lr, rtol=1e-12, atol=0)
    assert len(set(got["lr"].tolist())) > 3


def test_train_outputs_never_overwrite_each_other(tmp_path, capsys):
    """Two runs whose labels file-name alike, or --csv = --save-weights: refused up front."""
    w = tmp_path / "w.npz"
    code, _, err = run_cli(capsys, *TRAIN, "--optimizer", "adam:label=a/b", "--optimizer",
                           "sgd:label=a_b", "--save-weights", w)
    assert code == 2 and "would both write" in one_error_line(err) and "w-a_b.npz" in err
    code, _, err = run_cli(capsys, *TRAIN, "--optimizer", "adam", "--csv", w,
                           "--save-weights", w)
    assert code == 2 and "--csv and --save-weights" in one_error_line(err)
    assert os.listdir(tmp_path) == []
    code, _, _ = run_cli(capsys, *TRAIN, "--optimizer", "adam", "--optimizer", "adam",
                         "--save-weights", w)
    assert code == 0 and sorted(os.listdir(tmp_path)) == ["w-adam.npz", "w-adam_2.npz"]


def test_a_network_experiment_given_to_run_says_what_it_is(tmp_path, capsys):
    from gdsim.nn.io import experiment_to_dict
    from gdsim.nn.training import NNExperiment

    path = tmp_path / "net.json"
    path.write_text(json.dumps(experiment_to_dict(NNExperiment(dataset="xor",
                                                               runs=[RunSpec("adam")]))))
    code, _, err = run_cli(capsys, "run", "--experiment", path)
    assert code == 2 and "network experiment" in one_error_line(err) and "net.json" in err


@pytest.mark.parametrize(("field", "edit", "culprit"), [
    ("hparams", lambda d: d["runs"][0]["hparams"].update(lr="0.1"), "runs[0].hparams.lr"),
    ("hparams", lambda d: d["runs"][0]["hparams"].update(amsgrad="yes"),
     "runs[0].hparams.amsgrad"),
    ("schedule_params", lambda d: d["runs"][0].update(schedule="step",
                                                      schedule_params={"gamma": "0.5"}),
     "runs[0].schedule_params.gamma"),
    ("surface_params", lambda d: d.update(surface="ravine", surface_params={"condition": "5"}),
     "surface_params.condition"),
], ids=["lr", "amsgrad", "gamma", "condition"])
def test_experiment_values_must_be_json_numbers_or_booleans(tmp_path, capsys, field, edit,
                                                            culprit):
    """A hand-edited file with text where a number or boolean belongs is malformed (§8)."""
    path = saved_experiment(tmp_path)
    d = json.loads(path.read_text())
    edit(d)
    path.write_text(json.dumps(d))
    target = tmp_path / "t.csv"
    code, _, err = run_cli(capsys, "run", "--experiment", path, "--csv", target)
    line = one_error_line(err)
    assert code == 2 and culprit in line and "expected a number or true/false" in line
    assert not target.exists()


@pytest.mark.skipif(not os.path.exists("/proc/self/fd/1"), reason="needs /proc/self/fd")
@pytest.mark.parametrize("command", [
    ("run", "--surface", "quadratic", "--optimizer", "adam", "--steps", "2"),
    TRAIN + ("--optimizer", "adam"),
])
def test_csv_to_the_stdout_device_is_like_dash(tmp_path, command):
    """``--csv /proc/self/fd/1`` (or ``/dev/stdout``) writes into the pipe, not over the link,
    and moves the summary to stderr as ``--csv -`` does (SPEC §6)."""
    import subprocess
    import sys

    def call(target):
        return subprocess.run([sys.executable, "-m", "gdsim", *command, "--csv", target],
                              capture_output=True, text=True, timeout=120, cwd=tmp_path)

    dash, dev = call("-"), call("/proc/self/fd/1")
    assert dash.returncode == dev.returncode == 0, dev.stderr
    assert dev.stdout == dash.stdout and dev.stdout.startswith(("run,optimizer,step,x",
                                                                 "run,optimizer,epoch"))
    assert dev.stderr == dash.stderr and dev.stderr.startswith("adam")
    assert os.listdir(tmp_path) == []


def test_a_read_only_file_is_not_replaced(tmp_path, capsys, monkeypatch):
    """chmod 444 protects a file from ``cp``; the atomic rename must not bypass it (root
    bypasses permission bits, so the refusal is simulated through os.access)."""
    target = tmp_path / "t.csv"
    target.write_text("keep\n")
    target.chmod(0o444)
    real_access = os.access
    monkeypatch.setattr(gio.os, "access",
                        lambda p, m: False if str(p) == str(target) else real_access(p, m))
    code, _, err = run_cli(capsys, "run", "--surface", "quadratic", "--optimizer", "adam",
                           "--csv", target)
    assert code == 2 and "read-only" in one_error_line(err)
    assert target.read_text() == "keep\n" and os.listdir(tmp_path) == ["t.csv"]
