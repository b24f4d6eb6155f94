"""What the main window lists about the Network tab without building it (the tab and its
engine are imported on first use): its exportable panels and its presets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gdsim.errors import GdsimError
from gdsim.io import read_json
from ui.i18n import tr
from ui.resources import resource_path


def panel_titles() -> dict[str, str]:
    """PANEL_TITLES in the UI's language (literal tr() calls, so lupdate finds them)."""
    return {"boundary": tr("Decision boundary / fit"), "slice": tr("Weight-space slice"),
            "loss": tr("Loss curves"), "accuracy": tr("Accuracy curves"),
            "lr": tr("Learning rate"), "layers": tr("Gradient norm per layer")}


@dataclass(frozen=True)
class NetworkPreset:
    path: Path
    title: str
    description: str


def preset_folder() -> Path:
    """Network presets live in ``resources/presets/network/`` (the surface presets' loader
    and tests read ``resources/presets/*.json`` as surface experiments)."""
    return resource_path("presets", "network")


def network_presets() -> list[NetworkPreset]:
    """``nn_*.json`` presets (``"mode": "network"``), sorted by file name; bad files skipped."""
    out = []
    folder = preset_folder()
    for p in sorted(folder.glob("nn_*.json")) if folder.is_dir() else []:
        try:
            d = read_json(p)
        except GdsimError:
            continue
        if isinstance(d, dict) and d.get("mode") == "network":
            out.append(NetworkPreset(p, str(d.get("title") or p.stem),
                                     str(d.get("description") or "")))
    return out
