"""Reliability harness, part 3: faults (issue 12 §3).

- SIGKILL during every kind of file write (trajectory CSV, experiment, network experiment,
  training CSV, weights, PNG and SVG images, GIF and MP4 animations -- also while their
  frames are encoded): a child process writes over an earlier file and is killed at each
  stage of the write (mid-data, before the temporary file is named, after it is named but
  before the rename, after the rename) and at random moments. The
  earlier file stays intact (or the new one is complete), and no temporary file is left
  (one named in the instant before the rename is removed by the next write).
- A read-only autosave location and a corrupt autosave start the app with a notice.
- A 10,000,000-step run keeps resident memory within 2x its trajectory size (``slow``).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from gdsim import io as gio

ROOT = Path(__file__).resolve().parent.parent
RANDOM_KILLS = int(os.environ.get("GDSIM_RANDOM_KILLS", "3"))
STAGES = ("mid-write", "before-link", "after-link", "after-rename")
KINDS = ("csv", "experiment", "network", "training_csv", "weights", "png", "svg", "gif", "mp4")
FIGURES = {"faults": 0, "intact": 0, "temporaries left at the kill": 0}

CHILD = textwrap.dedent('''
    import os, signal, sys
    kind, target, stage, loop = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "loop"
    import numpy as np
    from gdsim import io as gio

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    if stage == "mid-write":
        real_write = os.write
        def half(fd, data):
            n = real_write(fd, bytes(data[: max(1, len(data) // 2)]))
            die()
        gio.os.write = half
    elif stage == "before-link":
        gio._link_unnamed = lambda fd, name: die()
        real_open = os.open
        def named_open(path, flags, mode=0o777, **kw):  # the named fallback: kill at creation
            fd = real_open(path, flags, mode, **kw)
            if flags & os.O_CREAT and ".gdsim-" in str(path):
                die()
            return fd
        gio.os.open = named_open
    elif stage == "after-link":
        real_replace = os.replace
        def named_then_die(src, dst):
            die()
        gio.os.replace = named_then_die
    elif stage == "after-rename":
        real_replace = os.replace
        def rename_then_die(src, dst):
            real_replace(src, dst)
            die()
        gio.os.replace = rename_then_die

    if kind in ("gif", "mp4"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from pathlib import Path
        from PySide6.QtWidgets import QApplication
        from gdsim.simulation import Experiment, RunSpec
        from ui import animate
        app = QApplication([])
        exp = Experiment(surface="himmelblau", runs=[RunSpec("adam", {"lr": 0.1})], steps=60)
        if stage == "mid-encode":  # killed while frames are being encoded
            frames = []
            def progress(done, total):
                frames.append(done)
                if done == 8:
                    die()
        else:
            progress = None
        write = lambda i: animate.export_animation(
            exp, animate.AnimationOptions(Path(target), (240, 240), 10, 0, 40 + i % 2, 12),
            progress=progress)
    elif kind in ("png", "svg"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtWidgets import QApplication
        import pyqtgraph as pg
        from ui.files import export_image
        app = QApplication([])
        w = pg.PlotWidget()
        w.resize(300, 200)
        w.plot(np.arange(50.0), np.sin(np.arange(50.0)))
        write = lambda i: export_image(w.getPlotItem(), target)
    elif kind in ("csv", "experiment"):
        from gdsim.simulation import Experiment, RunSpec, Simulation
        def write(i):
            exp = Experiment(surface="himmelblau", steps=400 + i % 2,
                             runs=[RunSpec("adam", {"lr": 0.1}), RunSpec("sgd")])
            if kind == "experiment":
                gio.save_experiment(exp, target)
            else:
                sim = Simulation(exp)
                sim.run()
                gio.write_csv(sim, target)
    else:
        from gdsim.nn import io as nio
        from gdsim.nn.training import NNExperiment, Trainer
        from gdsim.simulation import RunSpec
        exp = NNExperiment(dataset="xor", samples=40, hidden=(16, 16), epochs=30,
                           runs=[RunSpec("adam", {"lr": 0.05})])
        tr = Trainer(exp)
        tr.run()
        def write(i):
            if kind == "network":
                text = __import__("json").dumps(nio.experiment_to_dict(exp), indent=2 + i % 2)
                gio.atomic_write_text(target, text)
            elif kind == "training_csv":
                nio.write_csv(tr, target)
            else:
                nio.save_weights(target, tr.net, *tr.weights(0, step=i % 30))
    print("ready", flush=True)
    i = 0
    while True:
        write(i)
        i += 1
        if not loop:
            break
    print("survived", flush=True)
''')

SUFFIX = {"csv": ".csv", "experiment": ".json", "network": ".json", "training_csv": ".csv",
          "weights": ".npz", "png": ".png", "svg": ".svg", "gif": ".gif", "mp4": ".mp4"}


def valid(kind: str, path: Path) -> bool:
    """Whether ``path`` holds a complete file of ``kind``."""
    try:
        if kind == "csv":
            gio.read_csv(path)
        elif kind == "experiment":
            gio.load_experiment(path)
        elif kind == "network":
            from gdsim.nn.io import experiment_from_dict

            experiment_from_dict(json.loads(path.read_text()))
        elif kind == "training_csv":
            from gdsim.nn.io import read_csv

            assert len(read_csv(path)) == 31
        elif kind == "weights":
            with np.load(path) as z:
                assert {"W1", "b1", "W2"} <= set(z.files)
        elif kind == "gif":
            from PIL import Image

            with Image.open(path) as im:
                assert im.n_frames == 12
        elif kind == "mp4":
            import gc
            import warnings

            import imageio_ffmpeg

            # imageio-ffmpeg leaves a pipe of its probing ffmpeg to the garbage collector
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ResourceWarning)
                frames = imageio_ffmpeg.read_frames(str(path))
                try:
                    next(frames)
                    assert sum(1 for _ in frames) == 12
                finally:
                    frames.close()
                    gc.collect()
        elif kind == "png":
            data = path.read_bytes()
            assert data.startswith(b"\x89PNG") and data.rstrip().endswith(b"IEND\xaeB`\x82")
        else:
            text = path.read_text()
            assert text.lstrip().startswith("<?xml") and text.rstrip().endswith("</svg>")
    except Exception:  # noqa: BLE001 -- anything unreadable is not a complete file
        return False
    return True


def temporaries(folder: Path) -> list[str]:
    return sorted(n for n in os.listdir(folder) if n.startswith("."))


def run_child(kind: str, target: Path, stage: str, kill_after: float | None = None):
    script = target.parent.parent / "child.py"
    if not script.exists():
        script.write_text(CHILD)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}
    loop = "loop" if kill_after is not None else "once"
    proc = subprocess.Popen([sys.executable, str(script), kind, str(target), stage, loop],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if kill_after is not None:
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(kill_after)
        proc.send_signal(signal.SIGKILL)
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


@pytest.fixture(scope="module")
def unnamed_supported(tmp_path_factory) -> bool:
    """Whether this file system lets a temporary file stay unnamed until the rename."""
    folder = tmp_path_factory.mktemp("probe")
    fd = gio._open_unnamed(folder)
    if fd is None:
        return False
    try:
        return gio._link_unnamed(fd, str(folder / "probe"))
    finally:
        os.close(fd)


def check_after_kill(kind: str, folder: Path, target: Path, earlier: bytes, stage: str,
                     unnamed: bool) -> None:
    FIGURES["faults"] += 1
    now = target.read_bytes()
    assert now == earlier or valid(kind, target), f"{kind}/{stage}: a torn file"
    if stage != "after-rename":
        assert now == earlier or stage == "random", f"{kind}/{stage}: replaced too early"
    FIGURES["intact"] += 1
    left = temporaries(folder)
    FIGURES["temporaries left at the kill"] += bool(left)
    if stage in ("mid-write", "before-link", "mid-encode") and unnamed:
        assert left == [], f"{kind}/{stage}: {left}"  # the data never had a name
    if stage == "after-link":
        assert len(left) == 1  # named for the rename, which never came
    # the next write (of anything, to that file) removes what a killed writer left
    gio.atomic_write_bytes(target, now)
    assert temporaries(folder) == [] and target.read_bytes() == now


@pytest.mark.parametrize("kind, stage", [(k, "mid-write") for k in KINDS]
                         + [("experiment", s) for s in STAGES[1:]] + [("png", "after-link")]
                         + [("gif", "mid-encode"), ("mp4", "mid-encode"),
                            ("mp4", "after-rename")])
def test_sigkill_during_every_kind_of_write(kind, stage, tmp_path, unnamed_supported):
    """Every writer killed mid-data; every stage of the shared atomic write killed once (all
    kinds write through it); ``GDSIM_ALL_STAGES=1`` crosses every kind with every stage."""
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / f"file{SUFFIX[kind]}"
    earlier = b"earlier contents\n"
    stages = STAGES if os.environ.get("GDSIM_ALL_STAGES") else (stage,)
    for stage in stages:
        target.write_bytes(earlier)
        code, out, err = run_child(kind, target, stage)
        assert code == -signal.SIGKILL, f"{kind}/{stage}: the child was not killed: {err}"
        assert "ready" in out and "survived" not in out
        check_after_kill(kind, folder, target, earlier, stage, unnamed_supported)
        if stage == "after-rename":
            assert valid(kind, target)


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_sigkill_at_random_moments(kind, tmp_path, unnamed_supported):
    rng = random.Random(f"kill-{kind}")
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / f"file{SUFFIX[kind]}"
    earlier = b"earlier contents\n"
    for _ in range(RANDOM_KILLS):
        target.write_bytes(earlier)
        code, _out, err = run_child(kind, target, "none", kill_after=rng.uniform(0.0, 0.4))
        assert code == -signal.SIGKILL, err
        check_after_kill(kind, folder, target, earlier, "random", unnamed_supported)


def test_fault_figures():
    print(f"\nfaults: {FIGURES}")


# ------------------------------------------------------------------ autosave at start-up
@pytest.fixture
def app_env(tmp_path):
    data = tmp_path / "data"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "GDSIM_QUIT_AFTER_MS": "300",
           "GDSIM_REPORT_SHOWN": "1", "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(data), "PYTHONPATH": str(ROOT)}
    return env, data


def launch(env, cwd):
    return subprocess.run([sys.executable, str(ROOT / "main.py")], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=180)


def test_corrupt_autosave_starts_with_a_notice(app_env, tmp_path):
    env, data = app_env
    save = data / "gdsim" / "gdsim" / "autosave.json"
    save.parent.mkdir(parents=True)
    save.write_bytes(b'{"format": "gdsim-experiment", "version": 1, "runs": [{"optim')
    out = launch(env, tmp_path)
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    assert "gdsim: window shown" in out.stdout
    assert "Could not restore the last session" in out.stdout
    assert "autosave.json" in out.stdout
    from gdsim.io import load_experiment

    load_experiment(save)  # replaced on quit by the session that ran


def test_read_only_autosave_location_starts_with_a_notice(app_env, tmp_path):
    env, data = app_env
    data.write_text("a file where the data folder should be")  # nothing can be made in it
    out = launch(env, tmp_path)
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    assert "gdsim: window shown" in out.stdout
    assert "Autosave is off" in out.stdout


def test_failed_autosave_is_told_once(qtbot, isolated_app_state, monkeypatch):
    from ui import files
    from ui.main_window import MainWindow

    blocker = isolated_app_state / "blocker"
    blocker.write_text("x")
    monkeypatch.setattr(files, "autosave_path", lambda: blocker / "autosave.json")
    win = MainWindow(autosave=True)
    qtbot.addWidget(win)
    win.autosave()
    assert "Autosave failed" in win.statusBar().currentMessage()
    win.statusBar().clearMessage()
    win.autosave()  # the same failure again: not repeated on every edit
    assert win.statusBar().currentMessage() == ""


# ------------------------------------------------------------------ memory of a long run
MEMORY_CHILD = textwrap.dedent('''
    import resource, sys
    import numpy as np
    from gdsim.simulation import Experiment, RunSpec, Simulation

    steps = int(sys.argv[1])
    def rss_mb():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * resource.getpagesize() / 2**20
    exp = Experiment(surface="rosenbrock", start=(-1.5, 2.0), steps=steps, tol=0.0,
                     runs=[RunSpec("adam", {"lr": 1e-4})])
    sim = Simulation(exp)
    sim.step(10)
    base = rss_mb()
    peak = base
    while not sim.done:
        sim.step(250_000)
        peak = max(peak, rss_mb())
    tr = sim.runs[0].trajectory
    print(base, peak, tr.n, tr.data.nbytes / 2**20)
''')


@pytest.mark.slow
def test_ten_million_steps_keep_memory_within_twice_the_trajectory(tmp_path):
    script = tmp_path / "mem.py"
    script.write_text(MEMORY_CHILD)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, str(script), "10000000"], env=env,
                         capture_output=True, text=True, timeout=1800)
    assert out.returncode == 0, out.stderr
    base, peak, rows, traj_mb = (float(v) for v in out.stdout.split())
    print(f"\n10M steps: trajectory {traj_mb:.0f} MB, resident growth {peak - base:.0f} MB")
    assert rows == 10_000_001
    assert peak - base <= 2 * traj_mb
