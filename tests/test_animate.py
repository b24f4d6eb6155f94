"""Animation export: frames are the app's panels rendered offscreen, encoded to GIF / MP4."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("PIL")
pytest.importorskip("imageio_ffmpeg")

from PIL import Image  # noqa: E402

from gdsim.io import save_experiment  # noqa: E402
from gdsim.simulation import Experiment, RunSpec  # noqa: E402
from ui import animate  # noqa: E402
from ui.animate import AnimationOptions, export_animation, frame_steps, make_stage  # noqa: E402

SIZE = (480, 270)


def race() -> Experiment:
    return Experiment(surface="himmelblau", start=(0.0, 0.0),
                      runs=[RunSpec("adam", {"lr": 0.1}), RunSpec("momentum", {"lr": 0.002})],
                      steps=200, title="Four minima")


def reference_frame(exp, step: int, size=SIZE, loss_panel=True, title="") -> np.ndarray:
    """What the app's panels draw at ``step``: a fresh stage run straight to that step."""
    stage = make_stage(exp, size, loss_panel, title)
    try:
        stage.prepare(step)
        return stage.render_frame(step)
    finally:
        stage.close()
        stage.deleteLater()


def gif_frames(path) -> list[np.ndarray]:
    out = []
    with Image.open(path) as im:
        for k in range(im.n_frames):
            im.seek(k)
            out.append(np.asarray(im.convert("RGB")))
    return out


def gif_info(path) -> tuple[tuple[int, int], dict]:
    with Image.open(path) as im:
        return im.size, dict(im.info)


def mp4_frames(path) -> list[np.ndarray]:
    import gc
    import warnings

    import imageio_ffmpeg

    # imageio-ffmpeg's reader leaves a pipe of its probing ffmpeg to the garbage collector
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gen = imageio_ffmpeg.read_frames(str(path))
        try:
            meta = next(gen)
            w, h = meta["size"]
            return [np.frombuffer(f, dtype=np.uint8).reshape(h, w, 3).copy() for f in gen]
        finally:
            gen.close()
            gc.collect()


def close_to(a: np.ndarray, b: np.ndarray, mean: float, p99: float) -> None:
    d = np.abs(a.astype(np.int16) - b.astype(np.int16))
    assert a.shape == b.shape
    assert d.mean() < mean, d.mean()
    assert np.percentile(d, 99) <= p99, np.percentile(d, 99)


def test_frame_steps_spread_first_last_distinct():
    assert frame_steps(0, 10, None).tolist() == list(range(11))
    assert frame_steps(0, 1000, 5).tolist() == [0, 250, 500, 750, 1000]
    assert frame_steps(3, 5, 100).tolist() == [3, 4, 5]   # never more frames than steps
    assert frame_steps(7, 7, 10).tolist() == [7]
    assert len(frame_steps(0, 10**6, None)) == animate.DEFAULT_MAX_FRAMES


def test_frames_before_encoding_equal_the_apps_rendering(qapp, tmp_path, monkeypatch):
    """Every frame handed to the encoder is pixel-identical to the panels at that step."""
    got: list[np.ndarray] = []
    paths: list[str] = []

    class Recorder:
        def add(self, frame):
            got.append(frame)

        def close(self):
            Path(paths[0]).write_bytes(b"x")

        def abort(self):
            pass

    def fake_encoder(fmt, path, fps, first, last):
        paths.append(path)
        return Recorder()

    monkeypatch.setattr(animate, "make_encoder", fake_encoder)
    exp = race()
    out = tmp_path / "a.gif"
    summary = export_animation(exp, AnimationOptions(out, SIZE, 10, 0, 60, 4), "Four minima")
    assert summary["frames"] == 4 and len(got) == 4
    steps = [0, 20, 40, 60]
    for k in (0, 3):
        ref = reference_frame(exp, steps[k], title="Four minima")
        assert got[k].shape == (SIZE[1], SIZE[0], 3)
        assert np.array_equal(got[k], ref)
    assert not np.array_equal(got[0], got[3])  # the paths moved
    # not blank: the heatmap, isolines, paths and text give many colours
    assert len(np.unique(got[3].reshape(-1, 3), axis=0)) > 100


def test_gif_frame_count_size_and_pixels(qapp, tmp_path):
    exp = race()
    out = tmp_path / "race.gif"
    summary = export_animation(exp, AnimationOptions(out, SIZE, 20, 0, 90, 10), "Four minima")
    assert summary["frames"] == 10
    frames = gif_frames(out)
    assert len(frames) == 10
    size, info = gif_info(out)
    assert size == SIZE
    close_to(frames[0], reference_frame(exp, 0, title="Four minima"), mean=2.0, p99=24)
    close_to(frames[-1], reference_frame(exp, 90, title="Four minima"), mean=2.0, p99=24)
    assert info.get("duration") == 50  # 20 fps
    assert [p.name for p in tmp_path.iterdir()] == ["race.gif"]  # no temporary left


def test_mp4_frame_count_size_and_pixels(qapp, tmp_path):
    exp = race()
    out = tmp_path / "race.mp4"
    export_animation(exp, AnimationOptions(out, SIZE, 10, 0, 50, 6, loss_panel=False))
    frames = mp4_frames(out)
    assert len(frames) == 6
    assert frames[0].shape == (SIZE[1], SIZE[0], 3)
    close_to(frames[0], reference_frame(exp, 0, loss_panel=False), mean=4.0, p99=40)
    close_to(frames[-1], reference_frame(exp, 50, loss_panel=False), mean=4.0, p99=40)


def test_loss_panel_changes_the_picture(qapp):
    exp = race()
    with_loss = reference_frame(exp, 30)
    without = reference_frame(exp, 30, loss_panel=False)
    assert not np.array_equal(with_loss, without)


def test_network_training_gif(qapp, tmp_path):
    from gdsim.nn.training import NNExperiment

    exp = NNExperiment(dataset="xor", samples=80, hidden=(4,), runs=[RunSpec("adam",
                                                                             {"lr": 0.05})],
                       epochs=30, seed=1)
    out = tmp_path / "net.gif"
    summary = export_animation(exp, AnimationOptions(out, SIZE, 10, 0, 30, 4))
    frames = gif_frames(out)
    assert len(frames) == summary["frames"] == 4
    close_to(frames[-1], reference_frame(exp, summary["last_step"]), mean=2.0, p99=24)


def test_cancel_leaves_no_file_and_keeps_an_earlier_one(qapp, tmp_path):
    out = tmp_path / "race.gif"
    out.write_bytes(b"earlier")
    calls = []

    def progress(done, total):
        calls.append(done)
        return done < 3

    with pytest.raises(animate.Cancelled):
        export_animation(race(), AnimationOptions(out, SIZE, 10, 0, 100, 20), progress=progress)
    assert calls == [1, 2, 3]
    assert out.read_bytes() == b"earlier"
    assert [p.name for p in tmp_path.iterdir()] == ["race.gif"]


# ------------------------------------------------------------------------- the app
def test_app_export_runs_with_progress_and_keeps_the_loop_turning(qtbot, isolated_app_state):
    from PySide6.QtCore import QTimer

    from ui.main_window import MainWindow

    win = MainWindow(race())
    qtbot.addWidget(win)
    out = isolated_app_state / "app.gif"
    ticks = []
    timer = QTimer()
    timer.setInterval(0)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    progress, preparing = [], []
    job = win.start_animation(AnimationOptions(out, SIZE, 10, 0, 40, 8))
    job.preparing.connect(lambda s, last: preparing.append((s, last)))
    job.progress.connect(lambda d, t: progress.append((d, t, len(ticks))))
    with qtbot.waitSignal(job.finished, timeout=60_000) as blocker:
        pass
    timer.stop()
    summary, error = blocker.args
    assert error == "" and summary["frames"] == 8
    assert len(gif_frames(out)) == 8
    assert progress[-1][:2] == (8, 8)
    assert preparing[-1] == (40, 40)  # the simulation ran to the last frame's step first
    # other events ran between frames: the window stayed responsive
    assert progress[-1][2] > progress[0][2]
    assert win.controller.sim.t == 0  # the app's own simulation was not stepped
    assert "app.gif" in win.statusBar().currentMessage()


def test_app_cancel_leaves_nothing(qtbot, isolated_app_state):
    from ui.main_window import MainWindow

    win = MainWindow(race())
    qtbot.addWidget(win)
    out = isolated_app_state / "cancel.mp4"
    job = win.start_animation(AnimationOptions(out, SIZE, 10, 0, 200, 100))
    from PySide6.QtWidgets import QPushButton

    button = job.progress_dialog.findChild(QPushButton)
    assert button.text() == "Cancel"
    # the dialog's Cancel button, pressed while the third frame is reported
    job.progress.connect(lambda done, _t: button.click() if done == 3 else None)
    with qtbot.waitSignal(job.finished, timeout=60_000) as blocker:
        pass
    assert blocker.args == [None, "cancelled"]
    assert job.index == 3
    assert not out.exists()
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".gdsim-")]
    assert "cancelled" in win.statusBar().currentMessage()


def test_app_cancel_while_the_simulation_runs(qtbot, isolated_app_state):
    """Cancel during the (sliced) run to the last step: nothing written, nothing left."""
    from gdsim.nn.training import NNExperiment
    from ui.main_window import MainWindow

    win = MainWindow(race())
    qtbot.addWidget(win)
    win.show_mode(network=True)
    win.network.controller.set_experiment(NNExperiment(
        dataset="moons", samples=200, hidden=(8,), runs=[RunSpec("adam", {"lr": 0.01})],
        epochs=400, seed=0))
    out = isolated_app_state / "net.gif"
    job = win.start_animation(AnimationOptions(out, SIZE, 10, 0, 400, 10))
    slices = []

    def on_preparing(step, last):
        slices.append(step)
        if len(slices) == 2:
            job.cancel()

    job.preparing.connect(on_preparing)
    with qtbot.waitSignal(job.finished, timeout=60_000) as blocker:
        pass
    assert blocker.args == [None, "cancelled"]
    assert 0 < slices[-1] < 400  # stopped part-way through the run
    assert list(isolated_app_state.glob("*.gif")) == []
    assert not list(isolated_app_state.glob(".gdsim-*"))


def _export_until_frame(qtbot, win, out, frame: int):
    """Start an export from ``win`` and return the job once ``frame`` frames are queued for
    the encoder."""
    job = win.start_animation(AnimationOptions(out, SIZE, 10, 0, 200, 100))
    with qtbot.waitSignal(job.progress, timeout=60_000,
                          check_params_cb=lambda done, _t: done >= frame):
        pass
    return job


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()
                  if ".gdsim-" in p.name or p.suffix in (".gif", ".mp4", ".tmp"))


def _encoders() -> list:
    import threading

    return [t for t in threading.enumerate() if t.name == "gdsim-animation-encoder"]


@pytest.mark.parametrize("suffix", [".gif", ".mp4"])
def test_nothing_is_named_until_the_file_is_complete(qtbot, isolated_app_state, suffix):
    """While frames are encoded no file or temporary file has a name beside the target (a
    process killed then leaves nothing); the earlier file stays until the atomic rename."""
    from ui.main_window import MainWindow

    win = MainWindow(race())
    qtbot.addWidget(win)
    out = isolated_app_state / f"named{suffix}"
    out.write_bytes(b"earlier")
    job = _export_until_frame(qtbot, win, out, 5)
    qtbot.wait(200)  # the encoder has had time to write
    assert _leftovers(isolated_app_state) == [out.name]
    assert out.read_bytes() == b"earlier"
    with qtbot.waitSignal(job.finished, timeout=120_000) as blocker:
        pass
    assert blocker.args[1] == ""
    assert _leftovers(isolated_app_state) == [out.name]
    frames = gif_frames(out) if suffix == ".gif" else mp4_frames(out)
    assert len(frames) == 100
    assert oct(out.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_closing_the_window_mid_export_cancels_it(qtbot, isolated_app_state):
    """Issue 12 §3: the window closed in the middle of an export stopped neither the frames
    nor the encoder, and an empty ``.gdsim-*.gif`` was left beside the target."""
    from ui.main_window import MainWindow

    win = MainWindow(race())
    qtbot.addWidget(win)
    win.show()
    out = isolated_app_state / "closed.gif"
    job = _export_until_frame(qtbot, win, out, 2)
    ended = []
    job.finished.connect(lambda summary, error: ended.append((summary, error)))
    win.close()
    assert ended == [(None, "cancelled")]
    assert job.done and job.stage is None
    qtbot.wait(50)
    assert _leftovers(isolated_app_state) == []
    assert _encoders() == []


@pytest.mark.parametrize("suffix", [".gif", ".mp4"])
def test_window_deleted_mid_export_leaves_nothing(qtbot, isolated_app_state, suffix):
    """A window destroyed without a close event (its job dies with it as a child object):
    the encoder thread (and its ffmpeg) stops and nothing is left."""
    from shiboken6 import delete

    from ui.main_window import MainWindow

    win = MainWindow(race())
    win.show()
    out = isolated_app_state / f"deleted{suffix}"
    job = _export_until_frame(qtbot, win, out, 2)
    assert _encoders()
    del job
    delete(win)  # the C++ window and its children (the job) are destroyed now
    qtbot.wait(50)
    assert _leftovers(isolated_app_state) == []
    assert _encoders() == []


def test_app_dialog_options(qtbot, tmp_path):
    from ui.animate_dialog import AnimationDialog

    d = AnimationDialog(120, 500, str(tmp_path))
    qtbot.addWidget(d)
    assert d.last_spin.value() == 120 and d.last_spin.maximum() == 500
    d.path_edit.setText(str(tmp_path / "clip.mp4"))
    d.width_spin.setValue(641)
    with pytest.raises(animate.GdsimError, match="even"):
        d.options()
    d.width_spin.setValue(640)
    d.loss_check.setChecked(False)
    opts = d.options()
    assert (opts.size, opts.last_step, opts.loss_panel, opts.format) == ((640, 720), 120,
                                                                         False, ".mp4")


# ------------------------------------------------------------------------- CLI
def cli_args(**kw):
    base = {"experiment": None, "steps": 10, "out": "x.gif", "size": "320x240", "fps": None,
            "frames": None, "no_loss_panel": False}
    base.update(kw)
    return argparse.Namespace(**base)


def test_cli_writes_gif(qapp, tmp_path, capsys):
    path = tmp_path / "e.json"
    save_experiment(race(), path)
    out = tmp_path / "race.gif"
    assert animate.animate_main(cli_args(experiment=str(path), steps=30, out=str(out),
                                         frames=5)) == 0
    assert "5 frames" in capsys.readouterr().out
    assert len(gif_frames(out)) == 5


@pytest.mark.parametrize(
    "kw, words",
    [
        ({"size": "big"}, ["--size", "WIDTHxHEIGHT"]),
        ({"size": "10x10"}, ["out of range"]),
        ({"size": "321x240", "out": "x.mp4"}, ["even"]),
        ({"steps": -1}, ["--steps", "≥ 0"]),
        ({"fps": 0}, ["fps"]),
        ({"frames": 0}, ["frames"]),
        ({"out": "x.avi"}, [".gif or .mp4"]),
        ({"out": "/nonexistent-dir/x.gif"}, ["does not exist"]),
        ({"experiment": "/nonexistent.json"}, ["nonexistent.json"]),
    ],
)
def test_cli_bad_input_exits_2_with_one_line(qapp, tmp_path, capsys, kw, words):
    if not kw.get("out", "").startswith("/"):
        kw["out"] = str(tmp_path / kw.get("out", "x.gif"))
    assert animate.animate_main(cli_args(**kw)) == 2
    err = capsys.readouterr().err
    assert all(w in err for w in words), err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_cli_through_gdsim_main(tmp_path, capsys):
    from gdsim.cli import main

    assert main(["animate", "--steps", "5", "--out", str(tmp_path / "x.webm")]) == 2
    assert ".gif or .mp4" in capsys.readouterr().err
    assert main(["animate", "--out", "x.gif"]) == 2  # --steps is required (argparse)


def test_missing_library_says_how_to_install(monkeypatch, tmp_path):
    import sys

    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)
    with pytest.raises(animate.GdsimError, match=r"gdsim\[anim\]"):
        animate.check_options(AnimationOptions(tmp_path / "x.mp4"))
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(animate.GdsimError, match=r"gdsim\[anim\]"):
        animate.check_options(AnimationOptions(tmp_path / "x.gif"))
    assert not os.listdir(tmp_path)
