"""File actions: experiments (open/save/recent/autosave), presets and image export (the
trajectory CSV is written in the background by ``ui.csv_export``).

All writes go through gdsim.io's atomic helpers (temporary file, then rename), so a failed
save or export leaves any earlier file untouched. Errors come back as GdsimError / OSError
and are shown by the window; nothing here opens a dialog.
"""

from __future__ import annotations

import contextlib
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
        data = svg_bytes(plot_item)
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


def export_svg(item, path: str) -> None:
    """Write ``item`` as SVG (:func:`svg_bytes`) to ``path``, atomically."""
    from gdsim.io import atomic_write_bytes

    atomic_write_bytes(path, svg_bytes(item))


def svg_bytes(item) -> bytes:
    """``item`` (a PlotItem and everything in it) as SVG with pyqtgraph's exporter: one
    vector element per item, painted in export mode (markers as vector symbols, not the
    sprite sheet; axes and text as paths and ``<text>``, not their cached pixmaps)."""
    import xml.dom.minidom

    import pyqtgraph.exporters as exporters

    with _svg_paths_closed_explicitly():
        data = exporters.SVGExporter(item).export(toBytes=True)
    # pyqtgraph leaves each clip path among the shapes; some renderers (QtSvg) then draw it
    # as a black frame: clip paths belong in <defs>
    doc = xml.dom.minidom.parseString(data)
    root = doc.documentElement
    defs = next(iter(root.getElementsByTagName("defs")), None)
    if defs is None:
        defs = root.insertBefore(doc.createElement("defs"), root.firstChild)
    for clip in list(root.getElementsByTagName("clipPath")):
        if clip.parentNode is not defs:
            defs.appendChild(clip.parentNode.removeChild(clip))
    return doc.toxml().encode("utf-8")


@contextlib.contextmanager
def _svg_paths_closed_explicitly():
    """pyqtgraph 0.14 moves each item's shapes into scene coordinates by rewriting ``<path
    d>`` from "x,y" pairs; it stops at the ``Z`` (close path) that Qt >= 6.10 writes, and
    leaves the ``<rect>`` Qt now writes (e.g. a legend's box) where it was. While exporting,
    its coordinate correction first makes each rectangle a path and turns each ``Z`` into a
    line back to its subpath's start (the same shapes)."""
    import importlib

    module = importlib.import_module("pyqtgraph.exporters.SVGExporter")

    original = module.correctCoordinates

    def correct(node, defs, item, options):
        for el in node.getElementsByTagName("rect"):
            rect_to_path(el)
        for el in node.getElementsByTagName("path"):
            el.setAttribute("d", close_explicitly(el.getAttribute("d")))
        return original(node, defs, item, options)

    module.correctCoordinates = correct
    try:
        yield
    finally:
        module.correctCoordinates = original


def rect_to_path(el) -> None:
    """Turn an SVG ``<rect x y width height>`` element into the same ``<path>``."""
    x, y, w, h = (float(el.getAttribute(a) or 0) for a in ("x", "y", "width", "height"))
    el.tagName = el.nodeName = "path"
    for a in ("x", "y", "width", "height"):
        if el.hasAttribute(a):
            el.removeAttribute(a)
    el.setAttribute("d", f"M{x!r},{y!r} L{x + w!r},{y!r} L{x + w!r},{y + h!r} "
                         f"L{x!r},{y + h!r} L{x!r},{y!r}")


def close_explicitly(d: str) -> str:
    """An SVG path of "Mx,y Lx,y … Z" tokens with each Z replaced by "Lx0,y0", the start of
    its subpath ('M0,0 L1,0 L1,1 Z' -> 'M0,0 L1,0 L1,1 L0,0')."""
    out: list[str] = []
    start = None
    for tok in d.split():
        if tok[:1] in "Zz":
            if start is not None:
                out.append("L" + start)
            rest = tok[1:]
            if not rest:
                continue
            tok = rest
        if tok[:1] in "Mm":
            start = tok[1:]
        out.append(tok)
    return " ".join(out)


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
    """(experiment, title, description) of a preset file; the experiment keeps its title and
    description (so the autosave, and the story banner after a relaunch, have them)."""
    import dataclasses

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
    exp = experiment_from_dict(d)
    return dataclasses.replace(exp, title=title, description=description), title, description


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
