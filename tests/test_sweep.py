"""Stability maps (issue 9 item 5): every cell equals a single ``Simulation`` run with its
values (status, stop step, final point and loss, steps to the loss tolerance); threads do not
change the result; ranges are validated; ``gdsim sweep`` refuses bad input with exit 2."""

import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdsim.cli import main
from gdsim.errors import GdsimError
from gdsim.simulation import Experiment, RunSpec, Simulation
from gdsim.surfaces import make_surface
from gdsim.sweep import (
    CONVERGED,
    DIVERGED,
    STATUS_NAMES,
    SweepCancelled,
    make_axis,
    parse_axis,
    sweep,
)

# (surface, optimizer, fixed hparams, schedule, x axis, y axis, steps)
CASES = [
    ("rosenbrock", "momentum", {}, "constant", "lr=1e-4:1:9", "momentum=0:0.99:7", 120),
    ("quadratic", "adam", {}, "cosine", "lr=1e-3:2:6", "beta1=0:0.99:5", 150),
    ("himmelblau", "rmsprop", {"centered": True}, "constant", "alpha=0.5:0.999:5",
     "lr=1e-3:3:6", 100),
    ("ravine", "nesterov", {}, "step", "lr=1e-3:0.2:8", "momentum=0.1:0.95:4", 200),
    ("booth", "adagrad", {}, "constant", "lr=1e-2:20:7", None, 300),
    ("beale", "adam", {"amsgrad": True}, "constant", "beta1=0:0.95:4", "beta2=0.5:0.999:3", 80),
]
_RESULTS: dict = {}


def result(k: int):
    if k not in _RESULTS:
        surf, opt, hp, sched, xa, ya, steps = CASES[k]
        s = make_surface(surf)
        spec = RunSpec(opt, dict(hp), schedule=sched)
        x = parse_axis(xa, opt)
        y = parse_axis(ya, opt) if ya else None
        _RESULTS[k] = (s, spec, sweep(s, spec, x, y, steps, tol=1e-6, loss_tol=1e-3,
                                      threads=2))
    return _RESULTS[k]


def single_run(surf, spec, hp, start, steps, tol):
    run = RunSpec(spec.optimizer, {**spec.hparams, **hp}, schedule=spec.schedule)
    sim = Simulation(Experiment(surface=surf, start=start, runs=[run], steps=steps, tol=tol))
    sim.run()
    return sim


@pytest.mark.parametrize("k", range(len(CASES)), ids=[f"{c[0]}-{c[1]}" for c in CASES])
@settings(max_examples=12)
@given(fj=st.floats(0, 1), fi=st.floats(0, 1))
def test_cell_equals_a_single_simulation_run(k, fj, fi):
    s, spec, r = result(k)
    ny, nx = r.loss.shape
    j, i = min(int(fj * ny), ny - 1), min(int(fi * nx), nx - 1)
    sim = single_run(CASES[k][0], spec, r.cell_hparams(j, i), r.start, r.steps, r.tol)
    run = sim.runs[0]
    assert STATUS_NAMES[int(r.status[j, i])] == run.status
    assert int(r.stop[j, i]) == run.steps
    traj = run.trajectory
    np.testing.assert_array_equal(r.final[j, i], traj.points[-1])
    np.testing.assert_array_equal(r.loss[j, i], traj.loss[-1])
    gap = traj.loss - r.fstar
    hits = np.flatnonzero(gap <= r.loss_tol)
    assert int(r.steps_to_tol[j, i]) == (int(hits[0]) if hits.size else -1)


def test_the_cases_cover_every_status():
    seen = set()
    for k in range(len(CASES)):
        seen |= set(np.unique(result(k)[2].status).tolist())
    assert {0, CONVERGED, DIVERGED} <= seen


def test_threads_do_not_change_the_result():
    s = make_surface("rosenbrock")
    spec = RunSpec("adam", {})
    x, y = parse_axis("lr=1e-3:1:10", "adam"), parse_axis("beta1=0:0.99:9", "adam")
    a = sweep(s, spec, x, y, 60, threads=1)
    b = sweep(s, spec, x, y, 60, threads=3)
    for f in ("final", "loss", "status", "stop", "steps_to_tol"):
        np.testing.assert_array_equal(getattr(a, f), getattr(b, f))


def test_start_outside_and_zero_steps():
    s = make_surface("quadratic")
    spec = RunSpec("gd", {})
    x = parse_axis("lr=0.01:0.5:3", "gd")
    r = sweep(s, spec, x, None, 0)
    assert r.loss.shape == (1, 3) and np.all(r.stop == 0)
    r = sweep(s, spec, x, None, 10, start=(1e4, 0.0))
    assert np.all(r.status == DIVERGED) and np.all(r.stop == 0)


def test_progress_and_cancel():
    s = make_surface("rosenbrock")
    spec = RunSpec("gd", {})
    x = parse_axis("lr=1e-5:1e-3:8", "gd")
    seen = []
    sweep(s, spec, x, None, 200, progress=seen.append)
    assert seen[-1] == 1.0 and all(0 <= v <= 1 for v in seen) and seen == sorted(seen)
    stop = threading.Event()
    stop.set()
    with pytest.raises(SweepCancelled):
        sweep(s, spec, x, None, 200, cancel=stop)


def test_axes():
    a = parse_axis("lr=1e-4:1:5", "sgd")
    assert a.log and a.values[0] == 1e-4 and a.values[-1] == 1.0
    np.testing.assert_allclose(a.values, [1e-4, 1e-3, 1e-2, 1e-1, 1.0])
    m = parse_axis("momentum=0:0.9:4", "sgd")
    assert not m.log
    np.testing.assert_allclose(m.values, [0, 0.3, 0.6, 0.9])
    assert not parse_axis("lr=1e-4:1:5:lin", "sgd").log
    assert make_axis("adam", "beta2", 0.5, 0.5, 1).values.tolist() == [0.5]


@pytest.mark.parametrize(("text", "match"), [
    ("lr=1:1e-4:8", "LO < HI"),
    ("lr=0:1:8", "lr=0 is out of range"),
    ("lr=1e-4:1:0", "N must be an integer in"),
    ("lr=1e-4:1:100000", "N must be an integer in"),
    ("lr=1e-4:inf:8", "finite"),
    ("lr=nan:1:8", "finite"),
    ("momentum=0:1:8", "momentum=1 is out of range"),
    ("momentum=0:0.9:8:log", "log range needs LO > 0"),
    ("momentum=0:0.9:8:cubic", "log or lin"),
    ("nesterov=0:1:3", "true/false"),
    ("beta1=0:0.9:3", "unknown hyperparameter"),
    ("lr=1e-4:1", "NAME=LO:HI:N"),
    ("lr=a:1:3", "numbers"),
])
def test_bad_ranges_are_refused(text, match):
    with pytest.raises(GdsimError, match=match):
        parse_axis(text, "sgd")


def test_sweep_refuses_same_axis_twice_and_bad_spec():
    s = make_surface("quadratic")
    a = parse_axis("lr=0.01:0.1:3", "sgd")
    with pytest.raises(GdsimError, match="both axes"):
        sweep(s, RunSpec("sgd"), a, a, 5)
    with pytest.raises(GdsimError, match="unknown optimizer"):
        sweep(s, RunSpec("sgdx"), a, None, 5)
    with pytest.raises(GdsimError, match="invalid"):
        sweep(s, RunSpec("nesterov"), a, parse_axis("momentum=0:0.5:3", "nesterov"), 5)


# ------------------------------------------------------------------ CLI

def test_cli_csv_matches_the_engine(tmp_path, capsys):
    out = tmp_path / "s.csv"
    rc = main(["sweep", "--surface", "rosenbrock", "--optimizer", "momentum", "--vary",
               "lr=1e-4:1:6", "--vary", "momentum=0:0.99:4", "--steps", "80", "--csv",
               str(out)])
    assert rc == 0
    assert "6×4 cells of momentum on rosenbrock" in capsys.readouterr().out
    lines = out.read_text().splitlines()
    assert lines[0] == "lr,momentum,status,steps,x,y,loss,steps_to_tol"
    assert len(lines) == 1 + 24
    s = make_surface("rosenbrock")
    r = sweep(s, RunSpec("momentum"), parse_axis("lr=1e-4:1:6", "momentum"),
              parse_axis("momentum=0:0.99:4", "momentum"), 80)
    assert out.read_text() == r.csv_text()
    row = lines[1 + 2 * 6 + 3].split(",")  # j = 2, i = 3
    assert float(row[0]) == r.xs[3] and float(row[1]) == r.ys[2]
    assert float(row[6]) == r.loss[2, 3]


def test_cli_csv_to_stdout_moves_the_summary(capsys):
    rc = main(["sweep", "--surface", "quadratic", "--optimizer", "gd", "--vary",
               "lr=0.01:0.9:3", "--steps", "10", "--csv", "-"])
    cap = capsys.readouterr()
    assert rc == 0 and cap.out.startswith("lr,status,") and "cells of gd" in cap.err


@pytest.mark.parametrize(("args", "match"), [
    (["--vary", "lr=1:1e-4:8"], "LO < HI"),
    (["--vary", "lr=-1:1:8"], "out of range"),
    (["--vary", "lr=1e-3:1:8", "--vary", "lr=1e-3:1:8"], "given twice"),
    (["--vary", "lr=1e-3:1:2", "--vary", "momentum=0:.5:2", "--vary", "dampening=0:.5:2"],
     "at most 2"),
    (["--vary", "lr=1e-3:1:8", "--steps", "-1"], "steps"),
    (["--vary", "lr=1e-3:1:8", "--csv", "/nonexistent-dir/x.csv"], "does not exist"),
    (["--vary", "lr=1e-3:1:8", "--png", "/nonexistent-dir/x.png"], "does not exist"),
    (["--vary", "lr=1e-3:1:8", "--threads", "0"], "threads"),
    (["--vary", "momentum=0:0.99:8"], None),  # valid: lr fixed
])
def test_cli_refuses_bad_input_with_exit_2(args, match, tmp_path, capsys):
    rc = main(["sweep", "--surface", "rosenbrock", "--optimizer", "momentum", *args])
    err = capsys.readouterr().err
    if match is None:
        assert rc == 0
        return
    assert rc == 2
    assert match in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_cli_failed_run_leaves_no_file(tmp_path, capsys):
    out = tmp_path / "s.csv"
    out.write_text("old\n")
    rc = main(["sweep", "--surface", "rosenbrock", "--optimizer", "nesterov", "--vary",
               "lr=1e-3:1:3", "--vary", "momentum=0:0.9:3", "--csv", str(out)])
    assert rc == 2 and "momentum" in capsys.readouterr().err
    assert out.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["s.csv"]
