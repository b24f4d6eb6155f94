"""QA fixes found driving the app as a user (pytest-qt, offscreen): a divergence notice that
the per-run summary cut off, a clipped runs-table header, and the Play-time economies of the
Surfaces tab (aliased thin paths, cached axes, throttled live table) keeping behaviour."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QGraphicsItem

from gdsim.simulation import Experiment, RunSpec
from ui.main_window import MainWindow
from ui.runs_panel import COL_HPARAMS, COL_LOSS

PRESETS = Path(__file__).resolve().parent.parent / "resources" / "presets"


@pytest.fixture
def win(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1440, 900)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_divergence_notice_is_not_cut_off_by_run_summary(win, qtbot):
    # the saddle preset: two runs diverge; the notice used to end "left the domain b"
    win.resize(1100, 800)  # a smaller screen: three run summaries fill most of the bar
    qtbot.wait(20)
    assert win.load_preset(PRESETS / "04_saddle_escape.json")
    win.controller.step(300)
    qtbot.wait(10)
    bar, st = win.statusBar(), win.status
    msg = bar.currentMessage()
    assert "flew off the map at step" in msg or "runs diverged" in msg
    # the message is drawn left of the first visible permanent widget (plus the bar's margins)
    left = min(w.x() for w in (st.runs_label, st.step_label) if w.isVisible())
    assert bar.fontMetrics().horizontalAdvance(msg) + 8 <= left
    bar.clearMessage()  # the summary returns once the notice is gone
    assert st.runs_label.isVisibleTo(bar)


def test_short_notice_keeps_run_summary(win):
    win.controller.notice.emit("ok")
    assert win.status.runs_label.isVisibleTo(win.statusBar())


@pytest.fixture
def app_style(qapp):
    """The app's own font and stylesheet (what ``make_application`` sets), restored after."""
    from PySide6.QtGui import QFont

    from ui import theme
    from ui.resources import stylesheet

    font, sheet = QFont(qapp.font()), qapp.styleSheet()
    big = QFont(font)
    big.setPointSize(theme.FONT_POINT_SIZE)
    qapp.setFont(big)
    qapp.setStyleSheet(stylesheet())
    yield
    qapp.setFont(font)
    qapp.setStyleSheet(sheet)


@pytest.mark.parametrize("preset", ["01_ravine_momentum", "04_saddle_escape"])
def test_hparams_header_not_clipped_with_long_labels(app_style, win, qtbot, preset):
    # long labels: the label column used to squeeze the "Hparams" header to "Iparam:"
    assert win.load_preset(PRESETS / f"{preset}.json")
    qtbot.wait(10)
    hh = win.runs_panel.table.horizontalHeader()
    assert hh.sectionSize(COL_HPARAMS) >= hh.sectionSizeFromContents(COL_HPARAMS).width()


def heavy() -> Experiment:
    runs = [RunSpec(o, {"lr": 1e-3}) for o in ("adam", "rmsprop")]
    return Experiment(surface="rosenbrock", start=(-1.5, 2.0), runs=runs, steps=100_000,
                      tol=0.0)


def test_paths_aliased_and_thin_only_while_playing_long_runs(win):
    c, sv = win.controller, win.surface_view
    c.set_experiment(heavy())
    c.step(10)
    assert all(p.curve.opts["antialias"] for p in sv.paths)
    c.play()
    assert not any(p.curve.opts["antialias"] for p in sv.paths)
    assert all(p.opts["pen"].widthF() == 1.0 for p in sv.paths)
    c.pause()
    assert all(p.curve.opts["antialias"] for p in sv.paths)
    assert all(p.opts["pen"].widthF() > 2 for p in sv.paths)


def test_short_experiment_stays_antialiased_while_playing(win):
    c, sv = win.controller, win.surface_view
    c.play()  # the default experiment is short
    assert all(p.curve.opts["antialias"] for p in sv.paths)
    c.pause()


def test_curves_and_surface_axes_painted_from_cache(win):
    cache = QGraphicsItem.CacheMode.DeviceCoordinateCache
    plots = [*win.curves_view.plots.values(), win.surface_view.plot]
    for w in plots:
        for side in ("left", "bottom"):
            assert w.getPlotItem().getAxis(side).cacheMode() == cache


def test_curve_ranges_sticky_while_playing_then_tight(win, qtbot):
    c, cv = win.controller, win.curves_view
    c.set_experiment(heavy())
    c.step(100)
    c.play()
    c.step(20)
    cv._last_refresh = 0.0
    cv.refresh()
    x0, x1 = cv.plots["loss"].getPlotItem().getViewBox().viewRange()[0]
    assert x0 == 0.0 and x1 == pytest.approx(1.5 * 120)  # headroom: 1.5x the last step
    c.pause()
    x0, x1 = cv.plots["loss"].getPlotItem().getViewBox().viewRange()[0]
    assert x1 < 1.5 * 120 and x1 >= 120  # fitted to the data (with padding) once paused


def test_runs_table_shows_final_losses_after_play(win, qtbot):
    c, panel = win.controller, win.runs_panel
    c.set_experiment(heavy())
    c.play()
    for _ in range(5):  # ticks closer together than the table's refresh interval
        c.step(3)
    c.pause()
    for j, run in enumerate(c.sim.runs):
        loss = float(run.trajectory.loss[c.shown_rows(j) - 1])
        assert float(panel.table.item(j, COL_LOSS).text()) == pytest.approx(loss, rel=1e-4)


def test_runs_stopped_at_the_start_are_announced(win):
    # log(x) is NaN left of 0: every run stops at once, which used to leave the bar empty
    c, bar = win.controller, win.statusBar()
    assert c.set_surface("expr:log(x) + y^2", {"domain": (-1.0, 3.0, -2.0, 2.0)})
    c.set_start(-0.5, 1.0)
    assert c.sim.done and c.sim.t == 0
    assert "runs diverged" in bar.currentMessage()
    assert "cannot start here: loss became nan at the start point" in win.divergence_banner.text()
    win.playback.step_button.click()  # nothing to step: the bar says why, not Reset
    assert bar.currentMessage().startswith("Every run stopped at the start")
    win.playback.play_button.click()
    assert not c.playing and "Reset" not in bar.currentMessage()


def test_play_with_every_run_disabled_says_so(win):
    import dataclasses

    c = win.controller
    exp = c.experiment
    assert c.set_experiment(dataclasses.replace(
        exp, runs=[dataclasses.replace(r, enabled=False) for r in exp.runs]))
    c.play()
    assert not c.playing
    assert win.statusBar().currentMessage() == "No run is enabled: tick one in the Runs panel"


def test_scrubbing_back_while_playing_pauses_and_stays(win, qtbot):
    c, slider = win.controller, win.timeline.slider
    c.step(40)
    c.play()
    slider.setValue(5)  # the user drags the timeline back during Play
    assert not c.playing and c.cursor == 5
    qtbot.wait(100)  # no Play tick takes the view back to live
    assert c.cursor == 5 and c.sim.t == 40
    assert win.timeline.label.text() == "step 5 / 40 (scrubbed)"


def test_run_summary_stays_hidden_on_the_network_tab(win):
    if not win.has_network():
        pytest.skip("no Network tab in this build")
    win.mode_tabs.setCurrentWidget(win.network)
    win.controller.notice.emit("short")  # a notice must not bring the surfaces' summary back
    win.statusBar().clearMessage()
    assert not win.status.runs_label.isVisibleTo(win.statusBar())
    assert not win.status.step_label.isVisibleTo(win.statusBar())
    win.mode_tabs.setCurrentIndex(0)
    assert win.status.runs_label.isVisibleTo(win.statusBar())
