"""Animations of a race (Surfaces tab) or of a training (Network tab) as GIF or MP4.

Frames are the app's own panels (``SurfaceView`` and the loss plot of ``CurvesView``, or the
Network tab's ``BoundaryView`` and ``MetricsView``) on a stage widget that is laid out at the
requested size but never shown on screen, over a controller of its own: the simulation runs
to the last frame's step once, then each frame seeks the timeline to its step (as scrubbing
the app's timeline does) and renders the stage into an image of exactly the frame size.

Encoding uses the optional ``anim`` extra: Pillow for GIF (one palette for the whole
animation, taken from the first and last frames), imageio with imageio-ffmpeg (which ships
an ffmpeg binary) for MP4 (H.264). The file is written atomically at the end
(``gdsim.io.atomic_write_chunks``): a GIF is assembled in memory, an MP4 is encoded into an
unnamed temporary file (Linux ``O_TMPFILE``) beside the target. A cancelled, failed or killed
export leaves no file, no temporary file, and an older file as it was.
"""

from __future__ import annotations

import dataclasses
import os
import queue
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gdsim.errors import GdsimError
from ui.i18n import tr

FORMATS = (".gif", ".mp4")
DEFAULT_SIZE = (1280, 720)
DEFAULT_FPS = 30
MAX_FPS = 60
DEFAULT_MAX_FRAMES = 300
MAX_FRAMES = 100_000
PREPARE_SLICE_S = 0.03  # in the app, the simulation runs to the last frame in slices this long
SIZE_RANGE = (240, 3840)
ANIM_EXTRA_HINT = "install the animation extra: pip install 'gdsim[anim]'"


# --------------------------------------------------------------------------- options
@dataclass(frozen=True)
class AnimationOptions:
    """What to render: frame size, rate, step range, frame count, and the loss panel."""

    path: Path
    size: tuple[int, int] = DEFAULT_SIZE
    fps: int = DEFAULT_FPS
    first_step: int = 0
    last_step: int = 300
    frames: int | None = None          # None: one per step, at most DEFAULT_MAX_FRAMES
    loss_panel: bool = True

    @property
    def format(self) -> str:
        return self.path.suffix.lower()


def parse_size(text: str | None) -> tuple[int, int]:
    """``"WxH"`` -> (W, H) within SIZE_RANGE (GdsimError naming the problem)."""
    if text is None:
        return DEFAULT_SIZE
    m = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", str(text))
    if not m:
        raise GdsimError(f"--size must be WIDTHxHEIGHT, e.g. 1280x720, got {text!r}")
    return check_size((int(m.group(1)), int(m.group(2))))


def check_size(size: tuple[int, int], fmt: str = ".gif") -> tuple[int, int]:
    lo, hi = SIZE_RANGE
    w, h = size
    if not (lo <= w <= hi and lo <= h <= hi):
        raise GdsimError(f"size {w}x{h} is out of range: need {lo} ≤ width, height ≤ {hi}")
    if fmt == ".mp4" and (w % 2 or h % 2):
        raise GdsimError(f"size {w}x{h}: an MP4 needs an even width and height")
    return w, h


def check_options(opts: AnimationOptions) -> AnimationOptions:
    """Validate everything that needs no rendering; the frame count filled in."""
    if opts.format not in FORMATS:
        raise GdsimError(f"animation file must end in .gif or .mp4, got {opts.path.name!r}")
    check_size(opts.size, opts.format)
    fps = opts.fps
    if isinstance(fps, bool) or not isinstance(fps, int) or not 1 <= fps <= MAX_FPS:
        raise GdsimError(f"fps must be an integer in 1..{MAX_FPS}, got {fps!r}")
    for name in ("first_step", "last_step"):
        v = getattr(opts, name)
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise GdsimError(f"{name.replace('_', ' ')} must be an integer ≥ 0, got {v!r}")
    if opts.last_step < opts.first_step:
        raise GdsimError(f"last step {opts.last_step} is before first step {opts.first_step}")
    frames = opts.frames
    if frames is not None and (isinstance(frames, bool) or not isinstance(frames, int)
                               or not 1 <= frames <= MAX_FRAMES):
        raise GdsimError(f"frames must be an integer in 1..{MAX_FRAMES}, got {frames!r}")
    check_target(opts.path)
    encoder_available(opts.format)
    return opts


def check_target(path: Path) -> None:
    """Refuse a folder, a missing folder or an unwritable one before any work."""
    if path.is_dir():
        raise GdsimError(f"cannot write {str(path)!r}: it is a folder")
    parent = path.parent
    if not parent.is_dir():
        raise GdsimError(f"cannot write {str(path)!r}: folder does not exist")
    if not os.access(parent, os.W_OK):
        raise GdsimError(f"cannot write {str(path)!r}: folder is not writable")


def encoder_available(fmt: str) -> None:
    """GdsimError with the install hint when the library for ``fmt`` is missing."""
    try:
        import PIL  # noqa: F401

        if fmt == ".mp4":
            import imageio  # noqa: F401
            import imageio_ffmpeg

            imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError) as e:
        what = "MP4" if fmt == ".mp4" else "GIF"
        raise GdsimError(f"{what} export needs Pillow, imageio and imageio-ffmpeg ({e}); "
                         f"{ANIM_EXTRA_HINT}") from None


def frame_steps(first: int, last: int, frames: int | None) -> np.ndarray:
    """Distinct, increasing steps of the frames: ``frames`` of them evenly spread over
    [first, last] (fewer when the range has fewer steps), first and last included."""
    span = last - first + 1
    n = min(span, DEFAULT_MAX_FRAMES) if frames is None else min(frames, span)
    if n <= 1:
        return np.array([first], dtype=np.int64)
    return np.unique(np.linspace(first, last, n).round().astype(np.int64))


# --------------------------------------------------------------------------- stages
class _StageBase:
    """Mixin of the stage widgets: prepare once, then render frames at steps."""

    controller = None
    caption = None

    def _frame(self, name: str, controller, title: str):
        """The white, captioned layout both stages share; returns the row for their panels."""
        from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

        self.setObjectName(name)
        self.setStyleSheet("background: white;")
        self.controller, self.title = controller, title
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 4)
        lay.setSpacing(2)
        self.caption = _caption_label("animationCaption")
        lay.addWidget(self.caption)
        row = QHBoxLayout()
        lay.addLayout(row, 1)
        return row

    def _setup_stage(self, size: tuple[int, int]) -> None:
        from PySide6.QtCore import Qt

        self.frame_size = tuple(size)
        self.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        self.resize(*self.frame_size)
        self.show()  # never on screen: laid out and "visible", so the panels draw
        self._settle()

    @staticmethod
    def _settle() -> None:
        """Deliver posted events (layout, polish) without running an event loop: no timer of
        the app's fires inside an export action (the monkey walk counts that as nesting)."""
        from PySide6.QtCore import QCoreApplication

        for _ in range(2):
            QCoreApplication.sendPostedEvents(None, 0)

    def prepare(self, last_step: int) -> int:
        """Run the controller to ``last_step`` (or until it stops); returns the step reached."""
        c = self.controller
        if last_step > c.sim.t:
            c.step(last_step - c.sim.t)
        return int(c.sim.t)

    def caption_text(self, step: int) -> str:
        return f"step {step}"

    def render_frame(self, step: int) -> np.ndarray:
        """The stage at ``step`` as an (H, W, 3) uint8 RGB array of the frame size."""
        from PySide6.QtGui import QImage

        self.controller.seek(step)
        self._after_seek()
        self.caption.setText(self.caption_text(self.controller.shown_step))
        w, h = self.frame_size
        img = QImage(w, h, QImage.Format.Format_RGB888)
        img.setDevicePixelRatio(1.0)
        img.fill(0xFFFFFF)
        self.render(img)
        arr = np.frombuffer(img.constBits(), dtype=np.uint8).reshape(h, img.bytesPerLine())
        return arr[:, : 3 * w].reshape(h, w, 3).copy()

    def _after_seek(self) -> None:
        """The timeline's cursor line is app chrome, not part of a frame: hidden."""
        for view in self.step_views():
            for line in getattr(view, "cursor_lines", {}).values():
                line.setVisible(False)

    def step_views(self) -> list:
        return []


def _caption_label(name: str):
    from PySide6.QtWidgets import QLabel

    label = QLabel(" ")
    label.setObjectName(name)
    label.setStyleSheet("font-weight: bold; padding: 2px 6px;")
    return label


def _make_race_stage(experiment, size, loss_panel: bool, title: str = ""):
    from PySide6.QtWidgets import QWidget

    from ui.controller import Controller
    from ui.curves_view import CurvesView
    from ui.surface_view import SurfaceView

    class RaceStage(_StageBase, QWidget):
        """The Surfaces tab's surface panel (and loss curve) for one experiment."""

        def __init__(self):
            super().__init__()
            row = self._frame("raceStage", Controller(experiment, self), title)
            self.surface_view = SurfaceView(self.controller)
            self.surface_view.hover_label.hide()  # "hover the map …": not part of a frame
            row.addWidget(self.surface_view, 3)
            self.curves_view = None
            if loss_panel:
                self.curves_view = cv = CurvesView(self.controller)
                cv.hover_label.hide()
                for key, w in cv.plots.items():
                    w.setVisible(key == "loss")
                    w.setMinimumHeight(0)
                cv.plots["loss"].getPlotItem().setLabel("bottom", tr("step"))
                row.addWidget(cv, 2)
            self._setup_stage(size)

        def caption_text(self, step: int) -> str:
            from ui.i18n import tr

            name = tr(self.title) if self.title else self.controller.sim.surface.title
            return tr("{0} — step {1}").format(name, step)

        def step_views(self) -> list:
            return [self.curves_view] if self.curves_view is not None else []

    return RaceStage()


def _make_network_stage(experiment, size, loss_panel: bool, title: str = ""):
    from PySide6.QtWidgets import QWidget

    from ui.network.controller import NetworkController
    from ui.network.panels import BoundaryView, MetricsView

    class NetworkStage(_StageBase, QWidget):
        """The Network tab's decision map (and loss / accuracy curves) for one experiment."""

        def __init__(self):
            super().__init__()
            row = self._frame("networkStage", NetworkController(experiment, self), title)
            self.boundary = BoundaryView(self.controller)
            self.boundary.controls.hide()  # the data-editing row: not part of a frame
            row.addWidget(self.boundary, 3)
            self.metrics = None
            if loss_panel:
                self.metrics = mv = MetricsView(self.controller)
                mv.hover_label.hide()
                mv.legend_check.hide()
                for key, w in mv.plots.items():
                    shown = key in ("loss", "accuracy")
                    w.setVisible(shown)
                    w.setMinimumHeight(0)
                    if not shown:  # a hidden plot's geometry would skew the linked x range
                        w.getPlotItem().setXLink(None)
                mv.plots["accuracy"].getPlotItem().setLabel("bottom", tr("step"))
                row.addWidget(mv, 2)
            self._setup_stage(size)

        def caption_text(self, step: int) -> str:
            from ui.i18n import tr

            sim = self.controller.sim
            name = tr(self.title) if self.title else self.controller.experiment.dataset
            return tr("{0} — step {1} (epoch {2})").format(name, step, sim.epoch_of(step))

        def step_views(self) -> list:
            return [self.metrics] if self.metrics is not None else []

    return NetworkStage()


def make_stage(experiment, size: tuple[int, int], loss_panel: bool = True, title: str = ""):
    """A stage for a surface :class:`Experiment` or a network ``NNExperiment``."""
    from gdsim.simulation import Experiment

    if isinstance(experiment, Experiment):
        return _make_race_stage(experiment, size, loss_panel, title)
    return _make_network_stage(experiment, size, loss_panel, title)


def with_room_for(experiment, last_step: int):
    """A surface experiment whose max steps reach ``last_step`` (networks: unchanged; their
    length is their epochs)."""
    from gdsim.simulation import Experiment

    if isinstance(experiment, Experiment) and experiment.steps < last_step:
        return dataclasses.replace(experiment, steps=int(last_step))
    return experiment


# --------------------------------------------------------------------------- encoders
def _rgb_keys(px: np.ndarray) -> np.ndarray:
    """(…, 3) uint8 colours -> (…) uint32 keys 0xRRGGBB."""
    px = px.astype(np.uint32)
    return (px[..., 0] << 16) | (px[..., 1] << 8) | px[..., 2]


def gif_palette(sample: np.ndarray, exact: int = 160) -> list[int]:
    """256 RGB colours (flat list) for ``sample`` (…, 3) uint8: its ``exact`` most frequent
    colours as they are (background, text, run colours stay exact), then median-cut colours
    for the remaining pixels (the heatmap's smooth ramp), and last a magenta no frame uses,
    so the GIF writer has an index free for "unchanged" (transparent) pixels."""
    from PIL import Image

    slots = 255
    px = sample.reshape(-1, 3)
    keys = _rgb_keys(px)
    uniq, counts = np.unique(keys, return_counts=True)
    order = np.argsort(counts, kind="stable")[::-1]
    top = uniq[order[:slots if len(uniq) <= slots else exact]]
    colors = [int(k) for k in top]
    if len(uniq) > slots:
        rest = px[~np.isin(keys, top)]
        img = Image.fromarray(rest.reshape(1, -1, 3), "RGB")
        q = img.quantize(slots - len(colors), method=Image.Quantize.MEDIANCUT,
                         dither=Image.Dither.NONE)
        pal = q.getpalette()[: 3 * (slots - len(colors))]
        colors += [(pal[i] << 16) | (pal[i + 1] << 8) | pal[i + 2] for i in range(0, len(pal), 3)]
    flat: list[int] = []
    for c in colors:
        flat += [(c >> 16) & 255, (c >> 8) & 255, c & 255]
    flat += [255, 0, 255] * (256 - len(colors))
    return flat


class GifEncoder:
    """Pillow GIF: every frame mapped (no dithering) onto one palette of 256 colours."""

    def __init__(self, path: str, fps: int, palette_frames: list[np.ndarray]):
        from PIL import Image

        self.path, self.fps = path, fps
        self._flat = gif_palette(np.concatenate(palette_frames, axis=0))
        self.palette = Image.new("P", (1, 1))
        self.palette.putpalette(self._flat)
        pal = np.array(self._flat, dtype=np.uint8).reshape(256, 3)
        keys = _rgb_keys(pal)
        keys_unique, first = np.unique(keys, return_index=True)
        self._sorted_keys, self._sorted_index = keys_unique, first.astype(np.uint8)
        self.frames: list = []

    def add(self, frame: np.ndarray) -> None:
        from PIL import Image

        q = Image.fromarray(frame, "RGB").quantize(palette=self.palette,
                                                   dither=Image.Dither.NONE)
        # Pillow maps through a coarse colour cache (white may become 253, 253, 253):
        # colours the palette holds exactly are mapped exactly
        idx = np.asarray(q).copy()
        keys = _rgb_keys(frame.reshape(-1, 3)).reshape(frame.shape[:2])
        pos = np.searchsorted(self._sorted_keys, keys)
        pos[pos >= len(self._sorted_keys)] = 0
        hit = self._sorted_keys[pos] == keys
        idx[hit] = self._sorted_index[pos[hit]]
        p = Image.fromarray(idx, "P")
        p.putpalette(self._flat)
        self.frames.append(p)

    def close(self) -> None:
        """Encode the frames in memory, then write the file atomically."""
        import io

        from gdsim.io import atomic_write_bytes

        first, rest = self.frames[0], self.frames[1:]
        buf = io.BytesIO()
        first.save(buf, format="GIF", save_all=True, append_images=rest,
                   duration=round(1000 / self.fps), loop=0, optimize=True)
        self.frames = []
        atomic_write_bytes(self.path, buf.getbuffer())

    def abort(self) -> None:
        self.frames = []


class Mp4Encoder:
    """H.264 MP4 (yuv420p) through imageio-ffmpeg's binary, encoded into a temporary file
    beside ``path`` that has no name (``O_TMPFILE``; ffmpeg opens it through ``/proc``), so
    a process killed while encoding leaves nothing; ``close`` copies it to ``path``
    atomically. Where unnamed files are not available the temporary file is named as
    ``gdsim.io``'s are, and a later write to ``path`` removes one a killed export left."""

    def __init__(self, path: str, fps: int):
        from gdsim import io as gio

        self.path, self.fps = Path(path), fps
        self._fd = gio._open_unnamed(self.path.parent)
        if self._fd is not None:
            self._name = None
            self._output = f"/proc/{os.getpid()}/fd/{self._fd}"
        else:
            self._name = self._output = gio._temp_name(self.path)
            self._fd = os.open(self._name, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC,
                               0o600)
        self._writer = None

    def add(self, frame: np.ndarray) -> None:
        if self._writer is None:
            import imageio_ffmpeg

            h, w = frame.shape[:2]
            self._writer = imageio_ffmpeg.write_frames(
                self._output, (w, h), fps=self.fps, codec="libx264", quality=8,
                pix_fmt_out="yuv420p", macro_block_size=1, ffmpeg_log_level="error",
                output_params=["-f", "mp4"])
            self._writer.send(None)
        self._writer.send(np.ascontiguousarray(frame, dtype=np.uint8).tobytes())

    def close(self) -> None:
        from gdsim.io import atomic_write_chunks

        try:
            if self._writer is not None:
                self._writer.close()
                self._writer = None
            os.lseek(self._fd, 0, os.SEEK_SET)
            atomic_write_chunks(self.path, iter(lambda: os.read(self._fd, 1 << 20), b""))
        finally:
            self._release()

    def abort(self) -> None:
        try:
            if self._writer is not None:
                self._writer.close()
        except Exception:  # noqa: BLE001 -- the partial file is dropped anyway
            pass
        self._writer = None
        self._release()

    def _release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self._name is not None:
            try:
                os.unlink(self._name)
            except OSError:
                pass
            self._name = None


def make_encoder(fmt: str, path: str, fps: int, first: np.ndarray, last: np.ndarray):
    if fmt == ".gif":
        return GifEncoder(path, fps, [first, last])
    return Mp4Encoder(path, fps)


class ThreadedEncoder:
    """Runs an encoder's ``add``/``close`` on a worker thread (bounded queue), so rendering
    the next frame overlaps encoding this one; errors surface in ``add`` or ``close``."""

    def __init__(self, encoder):
        self.encoder = encoder
        self.error: BaseException | None = None
        self._queue: queue.Queue = queue.Queue(maxsize=8)
        self._thread = threading.Thread(target=self._run, name="gdsim-animation-encoder",
                                        daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None or self.error is not None:
                if item is None:
                    return
                continue
            try:
                item()
            except BaseException as e:  # noqa: BLE001 -- re-raised on the caller's thread
                self.error = e

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def add(self, frame: np.ndarray) -> None:
        self._raise()
        self._queue.put(lambda: self.encoder.add(frame))

    def close(self) -> None:
        self._queue.put(self.encoder.close)
        self._queue.put(None)
        self._thread.join()
        self._raise()

    def abort(self) -> None:
        self.error = self.error or Cancelled()
        self._queue.put(None)
        self._thread.join()
        self.encoder.abort()


class Cancelled(Exception):
    """The export was cancelled; nothing was written."""


# --------------------------------------------------------------------------- synchronous
def export_animation(experiment, opts: AnimationOptions, title: str = "",
                     progress: Callable[[int, int], bool] | None = None) -> dict:
    """Render and encode all frames (blocking; the CLI's path). ``progress(done, total)``
    returning False cancels (:class:`Cancelled`, no file). Returns a summary dict."""
    opts = check_options(opts)
    experiment = with_room_for(experiment, opts.last_step)
    stage = make_stage(experiment, opts.size, opts.loss_panel, title)
    encoder = None
    try:
        reached = stage.prepare(opts.last_step)
        steps = frame_steps(min(opts.first_step, reached), min(opts.last_step, reached),
                            opts.frames)
        total = len(steps)
        first = stage.render_frame(int(steps[0]))
        last = stage.render_frame(int(steps[-1])) if total > 1 else first
        encoder = ThreadedEncoder(make_encoder(opts.format, str(opts.path), opts.fps, first,
                                               last))
        for j, s in enumerate(steps):
            frame = first if j == 0 else last if j == total - 1 else stage.render_frame(int(s))
            encoder.add(frame)
            if progress is not None and progress(j + 1, total) is False:
                raise Cancelled()
        encoder.close()  # writes the file
        encoder = None
        return {"frames": total, "first_step": int(steps[0]), "last_step": int(steps[-1]),
                "size": opts.size, "fps": opts.fps, "path": str(opts.path)}
    finally:
        if encoder is not None:
            encoder.abort()
        stage.close()
        stage.deleteLater()


# --------------------------------------------------------------------------- in the app
def _make_job_class():
    from PySide6.QtCore import QObject, QTimer, Signal

    class AnimationJob(QObject):
        """Renders one frame per event-loop turn on the UI thread (the panels are widgets)
        and encodes on a worker thread, so the window stays responsive; Cancel at any time
        leaves no file. Signals: ``progress(done, total)``, ``finished(summary | None, error)``.
        """

        progress = Signal(int, int)          # frames done, total
        preparing = Signal(int, int)         # simulation step reached, last step
        finished = Signal(object, str)

        def __init__(self, experiment, opts: AnimationOptions, title: str = "", parent=None):
            super().__init__(parent)
            self.opts = check_options(opts)
            self.experiment = with_room_for(experiment, opts.last_step)
            self.title = title
            self.stage = None
            self.steps = np.empty(0, dtype=np.int64)
            self.index = 0
            self.cancelled = False
            self.done = False
            self._queue: queue.Queue = queue.Queue(maxsize=8)
            self._thread: threading.Thread | None = None
            self._error = ""
            self._preparing = False
            self._chunk = 64
            self._timer = QTimer(self)
            self._timer.setInterval(0)
            self._timer.timeout.connect(self._tick)
            # Dying with its window (a parent's destructor deletes its children) must not
            # leave the temporary file or a worker waiting for frames: what the cleanup needs
            # is kept outside the job, which may be half destroyed when this runs.
            self._leftovers = _Leftovers(self._queue)
            self.destroyed.connect(self._leftovers.release)

        def start(self) -> None:
            """Build the stage; the simulation then runs to the last step in slices (one per
            event-loop turn, ``preparing`` reports them), then the frames follow."""
            try:
                self.stage = self._leftovers.stage = make_stage(
                    self.experiment, self.opts.size, self.opts.loss_panel, self.title)
            except (GdsimError, OSError) as e:
                self._finish(None, str(e))
                return
            self._chunk = 64
            self._preparing = True
            self.preparing.emit(0, self.opts.last_step)
            self._timer.start()

        def _prepare_slice(self) -> None:
            """Advance the stage's simulation by about PREPARE_SLICE_S of work."""
            c = self.stage.controller
            target = self.opts.last_step
            if c.sim.t < target and not c.sim.done:
                t0 = time.perf_counter()
                c.step(min(self._chunk, target - c.sim.t))
                took = time.perf_counter() - t0
                if took < PREPARE_SLICE_S / 2:
                    self._chunk *= 2
                elif took > PREPARE_SLICE_S and self._chunk > 1:
                    self._chunk //= 2
                self.preparing.emit(int(c.sim.t), target)
                if c.sim.t < target and not c.sim.done:
                    return
            self._preparing = False
            try:
                reached = int(c.sim.t)
                self.steps = frame_steps(min(self.opts.first_step, reached),
                                         min(self.opts.last_step, reached), self.opts.frames)
                first = self.stage.render_frame(int(self.steps[0]))
                last = self.stage.render_frame(int(self.steps[-1]))
                encoder = make_encoder(self.opts.format, str(self.opts.path), self.opts.fps,
                                       first, last)
            except (GdsimError, OSError) as e:
                self._fail(str(e))
                return
            self._thread = threading.Thread(target=self._encode, args=(encoder,),
                                            name="gdsim-animation-encoder", daemon=True)
            self._leftovers.thread = self._thread
            self._thread.start()
            self.progress.emit(0, len(self.steps))

        @property
        def total(self) -> int:
            return len(self.steps)

        def _tick(self) -> None:
            if self.cancelled or self.done:
                return
            if self._preparing:
                self._prepare_slice()
                return
            if self._error:
                self._fail(self._error)
                return
            if self.index >= len(self.steps):
                self._timer.stop()
                self._put(None)  # end of frames: the worker closes the file
                self._wait_worker()
                return
            try:
                frame = self.stage.render_frame(int(self.steps[self.index]))
            except Exception as e:  # noqa: BLE001 -- reported, the partial file removed
                self._fail(f"could not render frame {self.index + 1}: {e}")
                return
            if not self._put(frame):
                return  # queue full: try this frame again on the next turn
            self.index += 1
            self.progress.emit(self.index, len(self.steps))

        def _put(self, item) -> bool:
            try:
                self._queue.put(item, timeout=0.05)
                return True
            except queue.Full:
                return False

        def _encode(self, encoder) -> None:  # worker thread: NumPy / Pillow / ffmpeg only
            item = ()
            try:
                while True:
                    item = self._queue.get()
                    if item is None:
                        encoder.close()  # encodes the rest and writes the file atomically
                        return
                    if isinstance(item, str):  # "abort"
                        encoder.abort()
                        return
                    encoder.add(item)
            except Exception as e:  # noqa: BLE001
                self._error = (str(e) if isinstance(e, GdsimError)
                               else f"could not encode: {e}")
                encoder.abort()
                if item is None:
                    return  # closing failed: no frame will come
                while True:  # drain so the UI thread never blocks on a full queue
                    try:
                        if self._queue.get(timeout=0.2) in (None, "abort"):
                            return
                    except queue.Empty:
                        if self.cancelled or self.done:
                            return

        def _wait_worker(self) -> None:
            """Poll the worker's end without blocking the event loop."""
            if self._thread is not None and self._thread.is_alive():
                QTimer.singleShot(20, self._wait_worker)
                return
            if self.cancelled or self.done:
                return
            if self._error:
                self._fail(self._error)
                return
            self._finish({"frames": len(self.steps), "first_step": int(self.steps[0]),
                          "last_step": int(self.steps[-1]), "size": self.opts.size,
                          "fps": self.opts.fps, "path": str(self.opts.path)}, "")

        def cancel(self) -> None:
            """Stop now: the worker drops its frames and its unnamed temporary file."""
            if self.done:
                return
            self.cancelled = True
            self._timer.stop()
            self._stop_worker()
            self._finish(None, "cancelled")

        def _stop_worker(self) -> None:
            self._leftovers.stop_worker()

        def _fail(self, text: str) -> None:
            self._timer.stop()
            self._stop_worker()
            self._finish(None, text)

        def _finish(self, summary, error: str) -> None:
            self.done = True
            self._leftovers.close_stage()
            self.stage = None
            self.finished.emit(summary, error)

    return AnimationJob


class _Leftovers:
    """What a running :class:`AnimationJob` must not leave behind (its encoder thread, with
    the encoder's temporary file and ffmpeg process, and its stage), reachable without the
    job: ``release`` runs from the job's ``destroyed`` signal when its window is deleted in
    the middle of an export."""

    def __init__(self, frames: queue.Queue):
        self.queue = frames
        self.thread: threading.Thread | None = None
        self.stage = None

    def stop_worker(self) -> None:
        """Tell the encoder to abort (dropping queued frames to make room) and wait for it."""
        if self.thread is None:
            return
        while True:
            try:
                self.queue.put_nowait("abort")
                break
            except queue.Full:
                try:
                    self.queue.get_nowait()
                except queue.Empty:
                    pass
        self.thread.join(timeout=30)
        self.thread = None

    def close_stage(self) -> None:
        from shiboken6 import isValid

        if self.stage is not None and isValid(self.stage):
            self.stage.close()
            self.stage.deleteLater()
        self.stage = None

    def release(self, *_args) -> None:
        self.stop_worker()
        self.close_stage()


_JOB_CLASS = None


def animation_job(experiment, opts: AnimationOptions, title: str = "", parent=None):
    """A new (not started) ``AnimationJob``; GdsimError on invalid options."""
    global _JOB_CLASS
    if _JOB_CLASS is None:
        _JOB_CLASS = _make_job_class()
    return _JOB_CLASS(experiment, opts, title, parent)


# --------------------------------------------------------------------------- CLI
def animate_main(args) -> int:
    """``gdsim animate``: validate everything, then render and write atomically."""
    try:
        steps = args.steps
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
            raise GdsimError(f"--steps must be an integer ≥ 0, got {steps!r}")
        out = Path(args.out)
        if out.suffix.lower() not in FORMATS:
            raise GdsimError(f"--out must end in .gif or .mp4, got {str(out)!r}")
        size = parse_size(getattr(args, "size", None))
        fps = DEFAULT_FPS if args.fps is None else args.fps
        opts = AnimationOptions(path=out, size=size, fps=fps, first_step=0, last_step=steps,
                                frames=getattr(args, "frames", None),
                                loss_panel=not getattr(args, "no_loss_panel", False))
        check_options(opts)
        experiment, title = load_any_experiment(args.experiment)
    except GdsimError as e:
        print(f"gdsim animate: error: {e}", file=sys.stderr)
        return 2
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ui.app import make_application

    make_application()
    t0 = time.perf_counter()
    try:
        summary = export_animation(experiment, opts, title)
    except (GdsimError, OSError) as e:
        print(f"gdsim animate: error: {e}", file=sys.stderr)
        return 2
    print(f"wrote {out} ({summary['frames']} frames, {size[0]}x{size[1]}, {fps} fps, "
          f"steps {summary['first_step']}–{summary['last_step']}, "
          f"{time.perf_counter() - t0:.1f} s)")
    return 0


def load_any_experiment(path: str | None):
    """(experiment, title): a surface or network experiment file, validated; None: default."""
    from ui import files

    if path and files.is_network_file(path):
        from gdsim.nn.training import Trainer
        from ui.network.mode import read_experiment

        exp, title, _desc = read_experiment(path)
        Trainer(exp)  # validates
        return exp, title
    if path:
        exp = files.load(path)
        title = exp.title
    else:
        from ui.controller import default_experiment

        exp, title = default_experiment(), ""
    from gdsim.simulation import Simulation

    Simulation(exp)  # validates
    return exp, title
