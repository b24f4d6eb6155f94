"""Basin maps: bit-identity with Simulation, thread independence, labels, validation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdsim.basin import DIVERGED, NOT_SETTLED, basin_map
from gdsim.errors import GdsimError
from gdsim.simulation import Experiment, RunSpec, Simulation
from gdsim.surfaces import make_surface

HIMMEL = make_surface("himmelblau")


def sim_final(surface: str, spec: RunSpec, start, steps: int, view=None) -> np.ndarray:
    exp = Experiment(surface=surface, start=start, runs=[spec], steps=steps, tol=0.0, view=view)
    sim = Simulation(exp)
    sim.run()
    r = sim.runs[0]
    assert r.status == "max_steps"
    return r.trajectory.points[-1]


@pytest.mark.parametrize("spec", [
    RunSpec("adam", {"lr": 0.05}),
    RunSpec("momentum", {"lr": 0.002}, schedule="cosine", schedule_params={"t_max": 40}),
    RunSpec("rmsprop", {"lr": 0.01, "centered": True}, schedule="step",
            schedule_params={"step_size": 10, "gamma": 0.5}),
    RunSpec("nadam", {"lr": 0.03}, schedule="warmup_cosine",
            schedule_params={"warmup": 5, "t_max": 50}),
    RunSpec("gd", {"lr": 0.02}, schedule="plateau",  # reacts to each start's own loss
            schedule_params={"patience": 2, "factor": 0.5}),
    RunSpec("adam", {"lr": 0.3}, schedule="onecycle",
            schedule_params={"total_steps": 50, "anneal_strategy": "linear"}),
])
def test_final_points_bit_identical_to_simulation(spec):
    bm = basin_map(HIMMEL, spec, 7, 5, 60)
    for j, i in [(0, 0), (2, 3), (4, 6), (1, 5)]:
        start = (float(bm.xs[i]), float(bm.ys[j]))
        ref = sim_final("himmelblau", spec, start, 60)
        assert np.array_equal(bm.final[j, i], ref), (start, bm.final[j, i], ref)


def test_grid_layout_and_zero_steps():
    bm = basin_map(HIMMEL, RunSpec("gd"), 4, 3, 0, domain=(-1.0, 2.0, 0.0, 4.0))
    assert np.array_equal(bm.xs, np.linspace(-1, 2, 4))
    assert np.array_equal(bm.ys, np.linspace(0, 4, 3))
    assert np.array_equal(bm.final[..., 0], np.broadcast_to(bm.xs, (3, 4)))
    assert np.array_equal(bm.final[..., 1], np.broadcast_to(bm.ys[:, None], (3, 4)))
    # a start on a minimum is labelled with it
    bm = basin_map(HIMMEL, RunSpec("gd"), 3, 3, 0, domain=(1.0, 5.0, 0.0, 4.0))
    assert bm.labels[1, 1] == 0  # start (3, 2) is Himmelblau's first minimum


@pytest.mark.parametrize("threads", [2, 3])
@pytest.mark.parametrize("spec", [
    RunSpec("adam", {"lr": 0.1}, schedule="exponential", schedule_params={"gamma": 0.98}),
    RunSpec("adam", {"lr": 0.5}, schedule="plateau", schedule_params={"patience": 1}),
])
def test_threads_give_identical_results(threads, spec):
    one = basin_map(HIMMEL, spec, 9, 7, 80)
    many = basin_map(HIMMEL, spec, 9, 7, 80, threads=threads)
    assert np.array_equal(one.final, many.final)
    assert np.array_equal(one.labels, many.labels)


def test_himmelblau_adam_reaches_all_four_minima():
    bm = basin_map(HIMMEL, RunSpec("adam", {"lr": 0.05}), 32, 32, 600)
    counts = bm.counts()
    assert {0, 1, 2, 3} <= set(counts)
    assert DIVERGED not in counts
    # labelled starts really end within the radius of their minimum, and it is the nearest
    lab = bm.labels >= 0
    d = np.linalg.norm(bm.final[lab] - bm.minima[bm.labels[lab]], axis=1)
    assert d.max() <= bm.radius
    all_d = np.linalg.norm(bm.final[lab][:, None, :] - bm.minima[None], axis=2)
    assert np.array_equal(np.argmin(all_d, axis=1), bm.labels[lab])
    # Himmelblau's minima sit one per quadrant-ish: a start next to (3, 2) ends there
    j, i = np.argmin(np.abs(bm.ys - 2.0)), np.argmin(np.abs(bm.xs - 3.0))
    assert bm.labels[j, i] == 0


def test_not_settled_when_too_few_steps():
    bm = basin_map(HIMMEL, RunSpec("gd", {"lr": 1e-5}), 6, 6, 3, domain=(-1.0, 1.0, -1.0, 1.0))
    assert (bm.labels == NOT_SETTLED).all()


def test_huge_lr_diverges():
    with np.errstate(all="ignore"):
        bm = basin_map(HIMMEL, RunSpec("gd", {"lr": 10.0}), 8, 8, 50)
    assert (bm.labels == DIVERGED).all()


def test_leaving_the_box_counts_as_diverged_even_if_it_returns():
    # gd on x² + y² maps p ← (1 − 2 lr) p; lr = 50 sends (1, 0) to −99, then 9801: out.
    q = make_surface("quadratic")
    bm = basin_map(q, RunSpec("gd", {"lr": 50.0}), 3, 3, 2, domain=(-1.0, 1.0, -1.0, 1.0))
    # box half-width 100: the centre start stays at 0 (label 0), every other leaves it
    assert bm.labels[1, 1] == 0
    assert (np.delete(bm.labels.ravel(), 4) == DIVERGED).all()
    # a run that jumps out and lands back inside is still diverged (SPEC §5 stops it there):
    # lr = 1000 (factor −1999: out of the box), then the step schedule drops lr to 0.5
    # (factor 0): the second update lands exactly on the origin
    spec = RunSpec("gd", {"lr": 1000.0}, schedule="step",
                   schedule_params={"step_size": 1, "gamma": 0.0005})
    bm = basin_map(q, spec, 3, 3, 2, domain=(-1.0, 1.0, -1.0, 1.0))
    assert np.isfinite(bm.final).all()
    assert np.abs(bm.final).max() < 1.0  # back inside the view
    assert (np.delete(bm.labels.ravel(), 4) == DIVERGED).all()


def test_surface_without_minima_labels_not_settled_or_diverged():
    s = make_surface("saddle")
    bm = basin_map(s, RunSpec("gd", {"lr": 0.01}), 5, 5, 20)
    assert set(np.unique(bm.labels)) <= {NOT_SETTLED, DIVERGED}
    assert bm.minima.shape == (0, 2)


@pytest.mark.parametrize("kwargs, word", [
    ({"nx": 1}, "nx"), ({"ny": 5000}, "ny"), ({"steps": -1}, "steps"),
    ({"steps": 2.5}, "steps"), ({"threads": 0}, "threads"), ({"nx": True}, "nx"),
    ({"domain": (1.0, 0.0, 0.0, 1.0)}, "domain"), ({"radius": 0.0}, "radius"),
    ({"spec": RunSpec("adamm")}, "adamm"), ({"spec": RunSpec("adam", {"lr": -1.0})}, "lr"),
    ({"spec": RunSpec("adam", schedule="cosin")}, "cosin"),
])
def test_validation(kwargs, word):
    args = {"spec": RunSpec("adam"), "nx": 4, "ny": 4, "steps": 3}
    args.update(kwargs)
    spec = args.pop("spec")
    with pytest.raises(GdsimError, match=word):
        basin_map(HIMMEL, spec, **args)


@settings(max_examples=25)
@given(lr=st.floats(1e-3, 2.0), x0=st.floats(-6.0, 0.0), y0=st.floats(-6.0, 0.0),
       w=st.floats(0.5, 12.0), steps=st.integers(0, 40))
def test_labels_agree_with_final_points(lr, x0, y0, w, steps):
    """Any grid: a label ≥ 0 is the nearest minimum within the radius; −1 means none is
    within it and the point is finite and inside the box; threads never change a bit."""
    dom = (x0, x0 + w, y0, y0 + w)
    spec = RunSpec("momentum", {"lr": lr})
    with np.errstate(all="ignore"):
        bm = basin_map(HIMMEL, spec, 5, 4, steps, domain=dom)
        two = basin_map(HIMMEL, spec, 5, 4, steps, domain=dom, threads=2)
        assert np.array_equal(bm.final, two.final, equal_nan=True)
        assert np.array_equal(bm.labels, two.labels)
        d = np.linalg.norm(bm.final[:, :, None, :] - bm.minima, axis=3)
    ok = np.isfinite(bm.final).all(axis=2)
    lab = bm.labels >= 0
    assert np.array_equal(bm.labels[lab], np.argmin(d[lab], axis=1))
    assert (d[lab].min(axis=1) <= bm.radius).all()
    unsettled = bm.labels == NOT_SETTLED
    assert ok[unsettled].all() and (d[unsettled].min(axis=1) > bm.radius).all()
    assert not (~ok & (bm.labels != DIVERGED)).any()


def test_cancel_event_stops_the_map_within_a_few_steps():
    """A superseded map (the UI's request changed) stops instead of running on for nobody."""
    import threading
    import time

    from gdsim.basin import CANCEL_CHECK_STEPS, BasinCancelled

    spec = RunSpec("adam", {"lr": 0.05})
    cancel = threading.Event()
    # not set: the same map as without an event
    assert np.array_equal(basin_map(HIMMEL, spec, 6, 5, 40, cancel=cancel).labels,
                          basin_map(HIMMEL, spec, 6, 5, 40).labels)
    cancel.set()
    with pytest.raises(BasinCancelled):
        basin_map(HIMMEL, spec, 6, 5, 40, cancel=cancel)
    # set while two threads compute a long map (minutes of work): it ends within moments, on
    # NumPy and on the compiled kernel (checked between chunks of steps) alike
    from gdsim import kernels

    for compiled in (False, True):
        cancel = threading.Event()
        was = kernels.set_enabled(compiled)
        basin_map(HIMMEL, spec, 4, 4, 2)  # compile outside the timing
        threading.Timer(0.2, cancel.set).start()
        t0 = time.perf_counter()
        try:
            with pytest.raises(BasinCancelled):
                basin_map(HIMMEL, spec, 256, 256, 1_000_000, threads=2, cancel=cancel)
        finally:
            kernels.set_enabled(was)
        assert time.perf_counter() - t0 < 20, compiled
    assert CANCEL_CHECK_STEPS <= 100
