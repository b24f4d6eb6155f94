"""Docks whose contents are made the first time they are shown."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

_ACROSS = (Qt.DockWidgetArea.TopDockWidgetArea, Qt.DockWidgetArea.BottomDockWidgetArea)


SHARE = 3  # a dock opens at most at 1/SHARE of the window's width (side) or height


def set_contents(window: QMainWindow, dock: QDockWidget, widget: QWidget) -> None:
    """Put ``widget`` in ``dock``. A dock being shown right now (its contents made on its
    first show) was sized empty, at its minimum: it gets the size its contents ask for, as
    if they had been there before (Qt sizes a dock when it shows), up to a third of the
    window so that the panels it squeezes stay usable."""
    dock.setWidget(widget)
    if not dock.isVisible() or dock.isFloating():
        return
    hint = dock.sizeHint()
    if window.dockWidgetArea(dock) in _ACROSS:
        size = min(hint.height(), window.height() // SHARE)
        window.resizeDocks([dock], [size], Qt.Orientation.Vertical)
    else:
        size = min(hint.width(), window.width() // SHARE)
        window.resizeDocks([dock], [size], Qt.Orientation.Horizontal)
