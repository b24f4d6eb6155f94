"""Docks whose contents are made the first time they are shown."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

_ACROSS = (Qt.DockWidgetArea.TopDockWidgetArea, Qt.DockWidgetArea.BottomDockWidgetArea)


def set_contents(window: QMainWindow, dock: QDockWidget, widget: QWidget) -> None:
    """Put ``widget`` in ``dock``. A dock being shown right now (its contents made on its
    first show) was sized empty, at its minimum: it gets the size its contents ask for, as
    if they had been there before (Qt sizes a dock when it shows)."""
    dock.setWidget(widget)
    if not dock.isVisible() or dock.isFloating():
        return
    if window.dockWidgetArea(dock) in _ACROSS:
        window.resizeDocks([dock], [dock.sizeHint().height()], Qt.Orientation.Vertical)
    else:
        window.resizeDocks([dock], [dock.sizeHint().width()], Qt.Orientation.Horizontal)
