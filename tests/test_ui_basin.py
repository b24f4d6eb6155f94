"""Basin-map overlay in the Surfaces tab: off by default, computed off the UI thread,
shown/hidden with the View action, recomputed or cleared when the experiment changes."""

from __future__ import annotations

import dataclasses
import os

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QThread

from gdsim.basin import DIVERGED, NOT_SETTLED, basin_map
from gdsim.simulation import Experiment, RunSpec
from ui import basin as ui_basin
from ui import theme
from ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def sandbox(isolated_app_state, monkeypatch):
    monkeypatch.setattr(ui_basin, "SIDE", 48)  # small maps: the test is about the wiring


@pytest.fixture
def win(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    exp = Experiment(surface="himmelblau", runs=[RunSpec("adam", {"lr": 0.05}),
                                                 RunSpec("gd", {"lr": 10.0})], steps=300)
    assert w.controller.set_experiment(exp)
    yield w
    w.controller.pause()
    w.basin.set_enabled(False)
    from PySide6.QtCore import QThreadPool
    QThreadPool.globalInstance().waitForDone(10_000)


def wait_shown(qtbot, w):
    qtbot.waitUntil(lambda: not w.basin.busy and w.basin.result is not None, timeout=60_000)


def test_rgba_colours_follow_theme():
    labels = np.array([[0, 1, NOT_SETTLED, DIVERGED]])
    rgba = ui_basin.basin_rgba(labels)
    h = theme.BASIN_COLORS[1].lstrip("#")
    assert tuple(rgba[0, 1]) == (int(h[:2], 16), int(h[2:4], 16), int(h[4:], 16),
                                 theme.BASIN_ALPHA)
    assert tuple(rgba[0, 2]) == theme.BASIN_NOT_SETTLED
    assert tuple(rgba[0, 3]) == theme.BASIN_DIVERGED
    assert 0 < theme.BASIN_ALPHA < 255


def test_toggle_computes_off_thread_and_shows_overlay(qtbot, win, monkeypatch):
    threads = []
    real = ui_basin.basin_map

    def spy(*a, **k):
        threads.append(QThread.currentThread() is not QCoreApplication.instance().thread())
        return real(*a, **k)

    monkeypatch.setattr(ui_basin, "basin_map", spy)
    assert not win.act_basin.isChecked() and not win.basin.image.isVisible()  # off by default
    win.act_basin.setChecked(True)
    assert "Computing basin map" in win.statusBar().currentMessage()
    wait_shown(qtbot, win)
    assert threads == [True]
    bm = win.basin.result
    assert win.basin.image.isVisible()
    # it is the selected run's map over the current view, equal to the engine's
    ref = basin_map(win.controller.sim.surface, RunSpec("adam", {"lr": 0.05}), 48, 48, 300,
                    domain=win.surface_view.view_box())
    assert np.array_equal(bm.labels, ref.labels)
    assert {0, 1, 2, 3} <= set(np.unique(bm.labels))
    img = win.basin.image.image
    assert img.shape == (48, 48, 4) and np.array_equal(img, ui_basin.basin_rgba(bm.labels))
    assert "Basin map after 300 steps" in win.statusBar().currentMessage()
    # turning it off hides the overlay
    win.act_basin.setChecked(False)
    assert not win.basin.image.isVisible() and win.basin.result is None


def test_selected_run_and_settings_recompute(qtbot, win):
    win.act_basin.setChecked(True)
    wait_shown(qtbot, win)
    if win.has_runs_panel:
        win.runs_panel.table.setCurrentCell(1, 0)  # gd lr=10: everything diverges
        qtbot.waitUntil(lambda: win.basin.result is not None and not win.basin.busy
                        and (win.basin.result.labels == DIVERGED).all(), timeout=10_000)
    spec = dataclasses.replace(win.controller.experiment.runs[0], hparams={"lr": 1e-6})
    if win.has_runs_panel:
        win.runs_panel.table.setCurrentCell(0, 0)
    assert win.controller.update_run(0, spec)
    qtbot.waitUntil(lambda: win.basin.result is not None and not win.basin.busy
                    and (win.basin.result.labels == NOT_SETTLED).mean() > 0.9, timeout=10_000)


def test_stale_result_is_discarded(qtbot, win):
    win.act_basin.setChecked(True)
    old = win.basin.generation
    wait_shown(qtbot, win)
    shown = win.basin.result
    win.basin._finished((old - 1, "stale text"))  # an older request's answer arrives late
    assert win.basin.result is shown and win.basin.image.isVisible()


def test_switching_surface_recomputes_or_clears(qtbot, win):
    win.act_basin.setChecked(True)
    wait_shown(qtbot, win)
    first = win.basin.result
    assert win.controller.set_surface("six_hump_camel")
    qtbot.waitUntil(lambda: win.basin.result is not first and win.basin.result is not None
                    and not win.basin.busy, timeout=10_000)
    assert win.basin.result.minima.shape == (2, 2)
    assert tuple(win.basin.result.domain) == tuple(win.surface_view.view_box())
    # a surface without known minima: overlay cleared with a notice
    assert win.controller.set_surface("saddle")
    assert not win.basin.image.isVisible() and win.basin.result is None
    assert "no known minima" in win.statusBar().currentMessage()


@pytest.mark.skipif(not os.environ.get("GDSIM_SHOTS"), reason="screenshot on request")
def test_screenshot(qtbot, win, monkeypatch):
    monkeypatch.setattr(ui_basin, "SIDE", 128)
    win.resize(1400, 850)
    win.act_basin.setChecked(True)
    wait_shown(qtbot, win)
    qtbot.wait(200)
    os.makedirs("/tmp/shots", exist_ok=True)
    assert win.grab().save("/tmp/shots/b1_basin.png")


def test_basin_map_has_a_legend_for_its_colours(qtbot, win):
    win.act_basin.setChecked(True)
    wait_shown(qtbot, win)
    bm, legend = win.basin.result, win.basin.legend
    assert legend.isVisible() and legend.objectName() == "basinLegend"
    counts = bm.counts()
    assert len(win.basin.legend_entries) == len(counts)  # one entry per colour shown
    minima = [k for k in counts if k >= 0]
    assert sum(e.startswith("ends at minimum") for e in win.basin.legend_entries) == len(minima)
    if DIVERGED in counts:
        assert any(e.startswith("diverged: ") for e in win.basin.legend_entries)
    win.grab().save("/tmp/u14/basin_legend.png")
    win.act_basin.setChecked(False)
    assert not legend.isVisible()


def test_superseded_computation_is_cancelled(qtbot, win, monkeypatch):
    """A map requested for an experiment that has since changed (or switched off) stops its
    work: nothing keeps the processor busy for a map nobody will see."""
    events = []
    real = ui_basin.basin_map

    def spy(*a, cancel=None, **k):
        events.append(cancel)
        return real(*a, cancel=cancel, **k)

    monkeypatch.setattr(ui_basin, "basin_map", spy)
    win.act_basin.setChecked(True)
    qtbot.waitUntil(lambda: len(events) == 1, timeout=10_000)
    first = events[0]
    assert not first.is_set()
    spec = dataclasses.replace(win.controller.experiment.runs[0], hparams={"lr": 0.01})
    assert win.controller.update_run(0, spec)
    assert first.is_set()  # the first request is superseded
    qtbot.waitUntil(lambda: len(events) == 2, timeout=10_000)
    wait_shown(qtbot, win)
    assert not events[1].is_set()
    win.act_basin.setChecked(False)
    assert events[1].is_set()
