"""The "see why" views (issue 9) added to the main window in one call: a "Why" dock (sharpness,
effective step size, race table, explanation), a "Stability map" dock, the curvature-axes
overlay on the surface panel, and their View-menu toggles."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QTabWidget

from ui.curvature_view import CurvatureOverlay, CurvatureSource, SharpnessPanel
from ui.i18n import tr
from ui.sweep_view import StabilityPanel
from ui.why_panels import EffectiveStepPanel, RacePanel


class WhyViews:
    """Holds the views (tests reach them as ``window.why.<name>``)."""

    def __init__(self, window) -> None:
        c = window.controller
        panel = window.runs_panel if getattr(window, "has_runs_panel", False) else None
        self.selected = (lambda: panel.selected) if panel is not None else (lambda: 0)
        self.source = CurvatureSource(c, window)
        self.axes = CurvatureOverlay(c, window.surface_view, self.source)
        self.sharpness = SharpnessPanel(c, self.source)
        self.effective = EffectiveStepPanel(c)
        self.race = RacePanel(c)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("whyTabs")
        self.tabs.addTab(self.sharpness, tr("Sharpness"))
        self.tabs.addTab(self.effective, tr("Effective step"))
        self.tabs.addTab(self.race, tr("Race"))
        self.explain = self._explain_panel(c)
        if self.explain is not None:
            self.tabs.addTab(self.explain, tr("Explain step"))
        # the Runs dock keeps the bottom-left corner: the Why dock goes under the panels only
        window.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.dock = self._dock(window, "Why", "whyDock", self.tabs,
                               Qt.DockWidgetArea.BottomDockWidgetArea)
        self.stability = StabilityPanel(c, self.selected)
        self.stability_dock = self._dock(window, "Stability map", "stabilityDock",
                                         self.stability, Qt.DockWidgetArea.RightDockWidgetArea)
        if panel is not None:
            panel.table.currentCellChanged.connect(lambda *_a: self._selection_changed())
        self.glyphs = self._glyphs(window)
        self._menu(window)

    def _explain_panel(self, c):
        try:
            from ui.explain_view import ExplainPanel
        except ImportError:
            return None
        return ExplainPanel(c, self.selected)

    def _glyphs(self, window):
        try:
            from ui.explain_view import StateGlyphs
        except ImportError:
            return None
        return StateGlyphs(window.controller, window.surface_view)

    def _selection_changed(self) -> None:
        self.stability.sync_run()
        if self.explain is not None:
            self.explain.refresh()

    @staticmethod
    def _dock(window, title: str, name: str, widget, area) -> QDockWidget:
        dock = QDockWidget(title, window)
        dock.setObjectName(name)
        dock.setWidget(widget)
        window.addDockWidget(area, dock)
        dock.setVisible(False)
        return dock

    def _menu(self, window) -> None:
        view = next((a.menu() for a in window.menuBar().actions()
                     if a.menu() is not None and a.text().replace("&", "") == "View"), None)
        if view is None:
            return
        view.addSeparator()
        self.act_axes = QAction(tr("Curvature axes (Hessian eigenvectors, arms ∝ |λ|)"), window,
                                checkable=True)
        self.act_axes.setObjectName("actionCurvatureAxes")
        self.act_axes.toggled.connect(self.axes.set_enabled)
        view.addAction(self.act_axes)
        if self.glyphs is not None:
            for act in self.glyphs.actions(window):
                view.addAction(act)
        self.act_why = self.dock.toggleViewAction()
        self.act_why.setText(tr("Why: sharpness, effective step, race, explanation"))
        self.act_why.setObjectName("actionWhyDock")
        view.addAction(self.act_why)
        self.act_stability = self.stability_dock.toggleViewAction()
        self.act_stability.setText(tr("Stability map (lr × a second hyperparameter)"))
        self.act_stability.setObjectName("actionStabilityMap")
        view.addAction(self.act_stability)


def install_why(window) -> WhyViews:
    """Build the views on ``window`` (a MainWindow) and add their menu entries."""
    return WhyViews(window)
