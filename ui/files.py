"""File actions: experiments (open/save/recent/autosave), presets, CSV and image export.

All writes go through gdsim.io's atomic helpers (temporary file, then rename), so a failed
save or export leaves any earlier file untouched. Errors come back as GdsimError / OSError
and are shown by the window; nothing here opens a dialog.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

from gdsim.errors import GdsimError
from ui.resources import resource_path

RECENT_KEY = "recentFiles"
MAX_RECENT = 8


def autosave_path() -> Path:
    """``<AppDataLocation>/autosave.json`` (the directory is created on first write)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or tempfile.gettempdir()) / "autosave.json"


def write_autosave(exp) -> None:
    """Save ``exp`` to the autosave file, atomically."""
    from gdsim.io import save_experiment

    path = autosave_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    save_experiment(exp, path)


def read_autosave(strict: bool = False):
    """The autosaved experiment, or None if there is none (or, unless ``strict``, when it
    cannot be read; ``strict`` raises GdsimError saying why)."""
    from gdsim.io import load_experiment

    path = autosave_path()
    try:
        if not path.exists():
            return None
        return load_experiment(path)
    except (GdsimError, OSError) as e:
        if strict:
            raise GdsimError(str(e)) from None
        return None


def autosave_problem() -> str:
    """Why the session cannot be autosaved ("" when it can): its folder cannot be made or
    written, or the file is read-only."""
    from gdsim.io import check_writable

    path = autosave_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        check_writable(path)
    except OSError as e:
        return f"cannot create {str(path.parent)!r}: {e.strerror or e}"
    except GdsimError as e:
        return str(e)
    return ""


def load(path: str | os.PathLike):
    """Load an experiment file (GdsimError naming the problem on a bad file)."""
    from gdsim.io import load_experiment

    try:
        return load_experiment(path)
    except OSError as e:
        raise GdsimError(f"cannot read {os.fspath(path)!r}: {e.strerror or e}") from None


def is_network_file(path: str | os.PathLike) -> bool:
    """Whether ``path`` holds a network experiment (``"format": "gdsim-network"`` or
    ``"mode": "network"``); False when it cannot be read (the surface loader then says why)."""
    from gdsim.io import read_json
    from gdsim.nn.io import FORMAT

    try:
        d = read_json(path)
    except GdsimError:
        return False
    return isinstance(d, dict) and (d.get("format") == FORMAT or d.get("mode") == "network")


def save(exp, path: str | os.PathLike) -> None:
    """Save an experiment atomically (GdsimError on an unwritable path)."""
    from gdsim.io import save_experiment

    try:
        save_experiment(exp, path)
    except OSError as e:
        raise GdsimError(f"cannot write {os.fspath(path)!r}: {e.strerror or e}") from None


CSV_ROW_S = 3e-6  # rough cost of formatting one CSV row (for the at-once-or-not estimate)


def export_csv(controller, path: str | os.PathLike, job=None, done=None) -> bool:
    """Write the experiment's trajectory CSV (SPEC §7), identical to ``gdsim run --csv``.

    The whole experiment is exported, run to the end: the current simulation when it has
    finished, otherwise a fresh one run to completion (the same numbers, by determinism).
    With a :class:`ui.jobs.Job`, work estimated above ``jobs.AT_ONCE_S`` runs on it (a fresh
    simulation, never the live one) and ``done(None, error)`` reports the end: returns False
    then, True when the file was written at once. A bad path raises GdsimError at once.
    """
    from gdsim.io import check_writable, write_csv
    from gdsim.simulation import Simulation
    from ui.jobs import AT_ONCE_S, run_to_end

    check_writable(path)
    sim = controller.sim
    exp = controller.experiment
    steps = 0 if sim.done else sim.max_steps
    rows = len(sim.runs) * (sim.max_steps + 1)
    estimate = steps * getattr(controller, "_sec_per_step", 0.0) + rows * CSV_ROW_S
    if job is not None and estimate > AT_ONCE_S:
        def work(report):
            fresh = Simulation(exp)
            run_to_end(fresh, report)
            write_csv(fresh, path)

        if not job.start(work, done or (lambda _r, _e: None)):
            raise GdsimError("an export is still running: try again when it has finished")
        return False
    if not sim.done:
        sim = Simulation(exp)
        sim.run()
    try:
        write_csv(sim, path)
    except OSError as e:
        raise GdsimError(f"cannot write {os.fspath(path)!r}: {e.strerror or e}") from None
    return True


def export_image(plot_item, path: str | os.PathLike, width: int | None = None) -> None:
    """Export a pyqtgraph PlotItem to PNG or SVG (by extension), rendered in memory and
    written atomically (``gdsim.io.atomic_write_bytes``)."""
    import pyqtgraph.exporters as exporters

    from gdsim.io import atomic_write_bytes

    path = Path(path)
    ext = path.suffix.lower()
    if ext not in (".png", ".svg"):
        raise GdsimError(f"image file must end in .png or .svg, got {path.name!r}")
    if not path.parent.is_dir():
        raise GdsimError(f"cannot write {str(path)!r}: folder does not exist")
    if ext == ".png":
        exp = exporters.ImageExporter(plot_item)
        if width:
            exp.parameters()["width"] = int(width)
        data = png_bytes(exp.export(toBytes=True))
    else:
        try:
            data = exporters.SVGExporter(plot_item).export(toBytes=True)
        except ValueError:
            # pyqtgraph 0.14's SVG path rewriting cannot parse Qt >= 6.10's path syntax;
            # render the same item through QSvgGenerator instead.
            data = render_svg(plot_item)
    if not data:
        raise GdsimError(f"could not render the image for {path.name!r}")
    atomic_write_bytes(path, data)


def png_bytes(image) -> bytes:
    """A QImage or QPixmap encoded as PNG, in memory (b"" when Qt cannot encode it)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    buf = QByteArray()
    device = QBuffer(buf)
    device.open(QIODevice.OpenModeFlag.WriteOnly)
    ok = image.save(device, "PNG")
    device.close()
    return bytes(buf.data()) if ok else b""


def render_svg(item) -> bytes:
    """Paint a graphics item's scene rectangle into SVG bytes with QSvgGenerator."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    rect = item.sceneBoundingRect()
    buf = QByteArray()
    device = QBuffer(buf)
    device.open(QIODevice.OpenModeFlag.WriteOnly)
    gen = QSvgGenerator()
    gen.setOutputDevice(device)
    gen.setSize(QSize(int(rect.width()), int(rect.height())))
    gen.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
    painter = QPainter(gen)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        item.scene().render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
    finally:
        painter.end()
    device.close()
    return bytes(buf.data())


@dataclass(frozen=True)
class Preset:
    path: Path
    title: str
    description: str


def presets() -> list[Preset]:
    """Presets in ``resources/presets/*.json``, sorted by file name (bad files skipped)."""
    from gdsim.io import read_json

    out = []
    folder = resource_path("presets")
    for p in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            d = read_json(p)
        except GdsimError:
            continue
        if isinstance(d, dict):
            title = str(d.get("title") or p.stem.replace("_", " "))
            out.append(Preset(p, title, str(d.get("description") or "")))
    return out


def load_preset(path: str | os.PathLike):
    """(experiment, title, description) of a preset file."""
    from gdsim.io import experiment_from_dict, read_json

    p = Path(path)
    try:
        d = read_json(p)
    except GdsimError as e:
        raise GdsimError(f"cannot read preset {p.name!r}: {e}") from None
    if not isinstance(d, dict):
        raise GdsimError(f"preset {p.name!r} is not a JSON object")
    title = str(d.pop("title", "") or p.stem)
    description = str(d.pop("description", "") or "")
    return experiment_from_dict(d), title, description


def recent_files() -> list[str]:
    """Recently opened or saved experiment files (most recent first), existing ones only."""
    v = QSettings().value(RECENT_KEY, [])
    if isinstance(v, str):
        v = [v]
    return [str(p) for p in (v or []) if p and Path(str(p)).is_file()][:MAX_RECENT]


def add_recent(path: str | os.PathLike) -> None:
    p = str(Path(path).resolve())
    items = [q for q in recent_files() if q != p]
    QSettings().setValue(RECENT_KEY, [p, *items][:MAX_RECENT])
