"""Compiled batch kernels (gdsim.kernels): the same floats as the NumPy path, for every
optimizer of the registry; the NumPy fallback when numba is missing or a surface cannot be
traced; the compiled code cached on disk."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gdsim import kernels
from gdsim.basin import basin_map
from gdsim.errors import GdsimError
from gdsim.experiment import RunSpec
from gdsim.kernels import codegen
from gdsim.kernels.trace import T, Trace, TraceError
from gdsim.optimizers import OPTIMIZERS, make_optimizer
from gdsim.surfaces import make_surface
from gdsim.sweep import make_axis, sweep

ROOT = Path(__file__).resolve().parent.parent
needs_numba = pytest.mark.skipif(not kernels.available(), reason="numba not installed")


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("GDSIM_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "kcache"))


def both_ways(fn):
    """``fn()`` with the kernels on, then off (the NumPy path)."""
    old = kernels.set_enabled(True)
    try:
        a = fn()
        kernels.set_enabled(False)
        b = fn()
    finally:
        kernels.set_enabled(old)
    return a, b


def assert_same(a: np.ndarray, b: np.ndarray, rel: float = 1e-12) -> None:
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    assert np.array_equal(np.isnan(a), np.isnan(b))
    fin = np.isfinite(a) & np.isfinite(b)
    assert np.array_equal(a[~fin & ~np.isnan(a)], b[~fin & ~np.isnan(b)])
    err = np.abs(a[fin] - b[fin]) / np.maximum(1.0, np.abs(b[fin]))
    assert err.max(initial=0.0) <= rel, err.max()


# a learning rate per optimizer that keeps most starts moving without all diverging
LR = {"adadelta": 1.0, "rprop": 0.01, "asgd": 1e-3, "gd": 1e-3, "sgd": 1e-3,
      "momentum": 1e-4, "nesterov": 1e-4, "qhm": 1e-3, "sf_sgd": 1e-3}


@needs_numba
@pytest.mark.parametrize("name,surface", [(n, "himmelblau") for n in OPTIMIZERS] + [
    (n, s) for s in ("rosenbrock", "rastrigin")
    for n in ("adam", "rmsprop", "lion", "sf_adamw", "adafactor", "rprop", "nadam")])
def test_every_optimizer_has_a_kernel_with_the_numpy_floats(name, surface):
    surf = make_surface(surface)
    spec = RunSpec(name, {"lr": LR.get(name, 0.01)})
    opt = make_optimizer(name, **spec.hparams)
    # the configuration traces (no silent fallback to NumPy)
    codegen.build(opt, surf, opt.init(np.zeros((2, 2), order="F")), False, "basin")
    a, b = both_ways(lambda: basin_map(surf, spec, 7, 6, 80))
    assert_same(a.final, b.final)
    assert np.array_equal(a.labels, b.labels)


VARIANTS = [
    RunSpec("adam", {"lr": 0.05, "weight_decay": 0.1, "amsgrad": True}),
    RunSpec("adam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True,
                     "maximize": True}),
    RunSpec("nesterov", {"lr": 1e-3, "weight_decay": 0.01}),
    RunSpec("momentum", {"lr": 1e-3, "dampening": 0.5}),
    RunSpec("rmsprop", {"lr": 0.01, "centered": True, "momentum": 0.5}),
    RunSpec("adagrad", {"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.1}),
    RunSpec("adafactor", {"lr": 0.05, "weight_decay": 0.1, "d": 2.0}),
    RunSpec("radam", {"lr": 0.05, "decoupled_weight_decay": True, "weight_decay": 0.1}),
    RunSpec("rprop", {"lr": 0.01, "eta_minus": 0.3}),
    RunSpec("asgd", {"lr": 1e-3, "t0": 20.0}),
    RunSpec("adam", {"lr": 0.3}, schedule="onecycle",
            schedule_params={"total_steps": 80, "anneal_strategy": "linear"}),
    RunSpec("sf_adamw", {"lr": 0.05, "weight_decay": 0.1}, schedule="cosine",
            schedule_params={"t_max": 40}),
]


@needs_numba
@pytest.mark.parametrize("spec", VARIANTS, ids=lambda s: s.optimizer)
def test_hyperparameters_and_schedules_match(spec):
    surf = make_surface("himmelblau")
    a, b = both_ways(lambda: basin_map(surf, spec, 6, 5, 80))
    assert_same(a.final, b.final)
    assert np.array_equal(a.labels, b.labels)


@needs_numba
@pytest.mark.parametrize("optimizer,x,y,tol", [
    ("adam", ("lr", 1e-3, 1.0, 7, True), ("beta1", 0.0, 0.99, 5, False), 1e-6),
    ("momentum", ("momentum", 0.0, 0.99, 6, False), ("lr", 1e-4, 0.1, 5, True), 1e-6),
    ("rprop", ("lr", 1e-3, 0.5, 5, True), None, 1e-3),
])
def test_stability_map_cells_match_the_numpy_path(optimizer, x, y, tol):
    surf = make_surface("himmelblau")
    spec = RunSpec(optimizer, {})
    ax = make_axis(optimizer, *x)
    ay = None if y is None else make_axis(optimizer, *y)
    a, b = both_ways(lambda: sweep(surf, spec, ax, ay, 300, tol=tol))
    assert_same(a.final, b.final)
    assert_same(a.loss, b.loss)
    for field in ("status", "stop", "steps_to_tol"):
        assert np.array_equal(getattr(a, field), getattr(b, field)), field
    assert len(np.unique(a.stop)) >= 3  # cells stop at different steps


@needs_numba
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(beta1=st.floats(0.0, 0.99), beta2=st.floats(0.5, 0.9999),
       eps=st.floats(1e-12, 1e-2), lr=st.floats(1e-4, 0.5), wd=st.sampled_from([0.0, 0.05]))
def test_adam_property_any_hyperparameters(beta1, beta2, eps, lr, wd):
    surf = make_surface("himmelblau")
    spec = RunSpec("adam", {"lr": lr, "beta1": beta1, "beta2": beta2, "eps": eps,
                            "weight_decay": wd})
    a, b = both_ways(lambda: basin_map(surf, spec, 3, 3, 40))
    assert_same(a.final, b.final)


def test_typed_formula_and_data_surfaces_fall_back_to_numpy():
    formula = make_surface("expr:x^2 + 3*y^2")
    logreg = make_surface("logreg")
    for surf in (formula, logreg):
        assert not codegen.supports(surf)
        spec = RunSpec("adam", {"lr": 0.05})
        a, b = both_ways(lambda s=surf, r=spec: basin_map(s, r, 4, 4, 20))
        assert np.array_equal(a.final, b.final, equal_nan=True)


def test_missing_numba_keeps_the_numpy_path_and_says_how_to_install(monkeypatch):
    monkeypatch.setattr(kernels, "_numba_error", "compiled kernels need numba (ImportError: "
                        'no module named numba); install them with: pip install -e ".[fast]"')
    assert not kernels.available() and not kernels.enabled()
    assert "pip install" in kernels.why_unavailable()
    surf = make_surface("himmelblau")
    bm = basin_map(surf, RunSpec("adam", {"lr": 0.05}), 4, 4, 30)
    kernels.set_enabled(False)
    try:
        ref = basin_map(surf, RunSpec("adam", {"lr": 0.05}), 4, 4, 30)
    finally:
        kernels.set_enabled(True)
    assert np.array_equal(bm.final, ref.final)


def test_trace_records_each_operation_once_in_its_section():
    with Trace() as tr:
        h = T(("h0",), 0, 0.9)
        k = T(("kf",), 1, step_count=True)
        x = T(("x0", "x1"), 2)
        c = (1.0 - h) * (x * x)            # const part once, lane part per coordinate
        again = (1.0 - h) * (x * x)        # common subexpressions are not emitted twice
        bias = 1.0 - h ** k                # step part
        assert (k == 1) is False and tr.assumed  # decided for k ≥ 2
    const, step, lane = tr.sections
    assert const == ["t0 = 1.0 - h0"]
    assert lane == ["t1 = x0 * x0", "t2 = x1 * x1", "t3 = t0 * t1", "t4 = t0 * t2"]
    assert step == ["t5 = math.pow(h0, kf)", "t6 = 1.0 - t5"]
    assert c.parts == again.parts == ("t3", "t4") and bias.parts == ("t6",)
    with Trace(), pytest.raises(TraceError):
        bool(T(("x0",), 2) > 0.0)      # a Python branch on per-run data cannot be traced


def test_generated_code_evaluates_like_python_floats():
    """The traced Adam step, run as plain Python, equals the FLOAT rule stepped by hand."""
    opt = make_optimizer("adam", lr=0.1, beta1=0.8, beta2=0.95, eps=1e-6)
    surf = make_surface("himmelblau")
    kern = codegen.build(opt, surf, opt.init(np.zeros((1, 2), order="F")), False, "basin")
    body = kern.source.split("def kernel", 1)[1]
    assert "math.pow" in body and "math.sqrt" in body
    # one step by hand (Kingma & Ba), from the point (1, 2) with zero state
    x, y, b1, b2, eps, lr = 1.0, 2.0, 0.8, 0.95, 1e-6, 0.1
    gx, gy = (4 * x * (x * x + y - 11) + 2 * (x + y * y - 7),
              2 * (x * x + y - 11) + 4 * y * (x + y * y - 7))
    want = []
    for g, p in ((gx, x), (gy, y)):
        m, v = (1 - b1) * g, (1 - b2) * g * g
        want.append(p - lr * (m / (1 - b1)) / (np.sqrt(v / (1 - b2)) + eps))
    if kernels.available():
        p = np.array([[1.0, 2.0]], order="F")
        kernels.basin_descend(surf, opt, p, [lr], (0.0, 0.0, 100.0, 100.0))
        np.testing.assert_allclose(p[0], want, rtol=1e-13)


@needs_numba
def test_second_process_loads_the_compiled_kernel_from_disk(tmp_path):
    code = (
        "import json\n"
        "from gdsim import kernels\n"
        "from gdsim.basin import basin_map\n"
        "from gdsim.experiment import RunSpec\n"
        "from gdsim.surfaces import make_surface\n"
        "basin_map(make_surface('booth'), RunSpec('yogi', {'lr': 0.05}), 4, 4, 5)\n"
        "fn = list(kernels._compiled.values())[0]\n"
        "print(json.dumps([sum(fn.stats.cache_hits.values()),"
        " sum(fn.stats.cache_misses.values())]))\n"
    )
    env = {**os.environ, "GDSIM_CACHE_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    runs = [json.loads(subprocess.run([sys.executable, "-c", code], env=env, check=True,
                                      capture_output=True, text=True).stdout.split("\n")[-2])
            for _ in range(2)]
    assert runs[0] == [0, 1]   # compiled the first time
    assert runs[1] == [1, 0]   # loaded from the disk cache the second time
    assert list(tmp_path.glob("kernels/k_*.py"))


@needs_numba
def test_unwritable_cache_folder_falls_back_to_a_temporary_one(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("GDSIM_CACHE_DIR", str(blocker))  # mkdir under it fails
    surf = make_surface("matyas")
    a, b = both_ways(lambda: basin_map(surf, RunSpec("lion", {"lr": 0.01}), 4, 4, 20))
    assert np.array_equal(a.final, b.final)
    assert blocker.read_text() == "a file where the cache folder should be"


def test_bad_input_still_gets_the_engine_errors():
    with pytest.raises(GdsimError, match="steps"):
        basin_map(make_surface("himmelblau"), RunSpec("adam", {}), 4, 4, -1)


def test_traces_in_parallel_threads_do_not_mix():
    """The app may build a basin map and a stability map at once: each thread traces into
    its own Tracer."""
    from concurrent.futures import ThreadPoolExecutor

    surf = make_surface("himmelblau")

    def source(name: str) -> str:
        opt = make_optimizer(name, lr=0.01)
        return codegen.build(opt, surf, opt.init(np.zeros((2, 2), order="F")), False,
                             "basin").source

    names = ["adam", "nadam", "yogi", "lion", "rprop", "adagrad"] * 4
    alone = {n: source(n) for n in set(names)}
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(source, names))
    assert together == [alone[n] for n in names]


@needs_numba
def test_code_numba_refuses_falls_back_to_numpy(monkeypatch):
    """Generated code numba cannot compile (here: an untypable statement added) leaves the
    maps on NumPy, with the NumPy path's results, instead of an error."""
    real = codegen._source

    def broken(*args, **kwargs):
        src = real(*args, **kwargs)
        head, sep, rest = src.partition("):\n")
        return head + sep + "    _bad = object()\n" + rest

    monkeypatch.setattr(codegen, "_source", broken)
    surf = make_surface("booth")
    spec = RunSpec("adamax", {"lr": 0.05})
    a, b = both_ways(lambda: basin_map(surf, spec, 4, 4, 20))
    assert np.array_equal(a.final, b.final)
    ax = make_axis("adamax", "lr", 1e-3, 0.5, 4, True)
    a, b = both_ways(lambda: sweep(surf, spec, ax, None, 50))
    assert np.array_equal(a.final, b.final) and np.array_equal(a.status, b.status)
