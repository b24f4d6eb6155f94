"""The gdsim desktop app (PySide6 + pyqtgraph): views that observe the engine.

``from ui import MainWindow`` works (loaded lazily, so importing ``ui`` stays cheap);
``ui.app.run_app`` starts the whole application.
"""

from __future__ import annotations

__all__ = ["MainWindow", "Controller", "run_app"]


def __getattr__(name: str):
    if name == "MainWindow":
        from ui.main_window import MainWindow

        return MainWindow
    if name == "Controller":
        from ui.controller import Controller

        return Controller
    if name == "run_app":
        from ui.app import run_app

        return run_app
    raise AttributeError(f"module 'ui' has no attribute {name!r}")
