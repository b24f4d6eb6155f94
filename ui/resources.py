"""The one way to reach files under ``resources/`` (icons, presets, styles)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """Path of ``resources/<parts...>`` next to the ``ui`` package (may not exist)."""
    return ROOT.joinpath(*parts)


def stylesheet() -> str:
    """The app's light stylesheet (empty if the file is missing)."""
    path = resource_path("styles", "app.qss")
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""
