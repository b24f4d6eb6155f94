"""The "see why" views (issue 9) added to the main window in one call: a "Why" dock (sharpness,
effective step size, race table, explanation), a "Stability map" dock, the curvature-axes
overlay on the surface panel, and their View-menu toggles."""

from __future__ import annotations

import importlib.util
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QTabWidget

from ui.docks import set_contents
from ui.i18n import tr

if TYPE_CHECKING:  # imported where the views are built, on first use
    from ui.curvature_view import CurvatureOverlay, CurvatureSource, SharpnessPanel
    from ui.explain_view import StateGlyphs
    from ui.sweep_view import StabilityPanel
    from ui.why_panels import EffectiveStepPanel, RacePanel


class WhyViews:
    """Holds the views (tests reach them as ``window.why.<name>``).

    The docks and menu entries exist from the start; the overlays on the surface panel are
    built when first switched on, the panels inside the docks (eight plots' worth of
    widgets) when their dock is first shown, or either when code first asks for them
    (``axes``, ``glyphs``, ``tabs``, ``sharpness``, ``stability``, …): they cost nothing
    before the window's first paint."""

    def __init__(self, window) -> None:
        self.window = window
        self.controller = window.controller
        panel = window.runs_panel if getattr(window, "has_runs_panel", False) else None
        self.selected = (lambda: panel.selected) if panel is not None else (lambda: 0)
        self._source: CurvatureSource | None = None
        self._axes: CurvatureOverlay | None = None
        # the glyphs' View-menu toggles exist from the start; the glyphs on first use
        self._glyph_actions = None
        self._glyphs: StateGlyphs | None = None
        self._tabs: dict | None = None       # built on first use: see _why_tabs
        self._stability: StabilityPanel | None = None
        # the Runs dock keeps the bottom-left corner: the Why dock goes under the panels only
        window.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.dock = self._dock(window, "Why", "whyDock", Qt.DockWidgetArea.BottomDockWidgetArea,
                               lambda: self.tabs)
        self.stability_dock = self._dock(window, "Stability map", "stabilityDock",
                                         Qt.DockWidgetArea.RightDockWidgetArea,
                                         lambda: self.stability)
        if panel is not None:
            panel.table.currentCellChanged.connect(lambda *_a: self._selection_changed())
        self._menu(window)

    # the overlays on the surface panel, built on first use ---------------------------
    @property
    def source(self) -> CurvatureSource:
        """The current surface's curvature, compiled off the UI thread when first asked."""
        if self._source is None:
            from ui.curvature_view import CurvatureSource

            self._source = CurvatureSource(self.controller, self.window)
        return self._source

    @property
    def axes(self) -> CurvatureOverlay:
        if self._axes is None:
            from ui.curvature_view import CurvatureOverlay

            self._axes = CurvatureOverlay(self.controller, self.window.surface_view, self.source)
        return self._axes

    @property
    def glyphs(self) -> StateGlyphs | None:
        """Momentum arrows and adaptive-step boxes; None when ``ui.explain_view`` cannot be
        imported or the View menu (with their toggles) was not found."""
        if self._glyphs is None and self._glyph_actions is not None:
            from ui.explain_view import StateGlyphs

            self._glyphs = StateGlyphs(self.controller, self.window.surface_view)
            self._glyphs.attach(*self._glyph_actions)
        return self._glyphs

    # the dock panels, built on first use ------------------------------------------
    def _why_tabs(self) -> dict:
        if self._tabs is None:
            from ui.curvature_view import SharpnessPanel
            from ui.why_panels import EffectiveStepPanel, RacePanel

            c = self.controller
            tabs = QTabWidget()
            tabs.setObjectName("whyTabs")
            built = {"tabs": tabs, "sharpness": SharpnessPanel(c, self.source),
                     "effective": EffectiveStepPanel(c), "race": RacePanel(c),
                     "explain": self._explain_panel(c)}
            tabs.addTab(built["sharpness"], tr("Sharpness"))
            tabs.addTab(built["effective"], tr("Effective step"))
            tabs.addTab(built["race"], tr("Race"))
            if built["explain"] is not None:
                tabs.addTab(built["explain"], tr("Explain step"))
            self._tabs = built
            set_contents(self.window, self.dock, tabs)
        return self._tabs

    @property
    def tabs(self) -> QTabWidget:
        return self._why_tabs()["tabs"]

    @property
    def sharpness(self) -> SharpnessPanel:
        return self._why_tabs()["sharpness"]

    @property
    def effective(self) -> EffectiveStepPanel:
        return self._why_tabs()["effective"]

    @property
    def race(self) -> RacePanel:
        return self._why_tabs()["race"]

    @property
    def explain(self):
        """The Explain-step panel, or None when ``ui.explain_view`` cannot be imported."""
        return self._why_tabs()["explain"]

    @property
    def stability(self) -> StabilityPanel:
        if self._stability is None:
            from ui.sweep_view import StabilityPanel

            self._stability = StabilityPanel(self.controller, self.selected)
            set_contents(self.window, self.stability_dock, self._stability)
        return self._stability

    def _explain_panel(self, c):
        try:
            from ui.explain_view import ExplainPanel
        except ImportError:
            return None
        return ExplainPanel(c, self.selected)

    def _selection_changed(self) -> None:
        if self._stability is not None:
            self._stability.sync_run()
        if self._tabs is not None and self._tabs["explain"] is not None:
            self._tabs["explain"].refresh()

    @staticmethod
    def _dock(window, title: str, name: str, area, build) -> QDockWidget:
        """A hidden dock whose contents ``build()`` makes the first time it is shown."""
        dock = QDockWidget(title, window)
        dock.setObjectName(name)
        window.addDockWidget(area, dock)
        dock.setVisible(False)
        dock.visibilityChanged.connect(lambda shown: build() if shown else None)
        return dock

    def _menu(self, window) -> None:
        view = next((a.menu() for a in window.menuBar().actions()
                     if a.menu() is not None and a.menu().objectName() == "menuView"), None)
        if view is None:
            return
        view.addSeparator()
        self.act_axes = QAction(tr("Curvature axes (Hessian eigenvectors, arms ∝ |λ|)"), window,
                                checkable=True)
        self.act_axes.setObjectName("actionCurvatureAxes")
        self.act_axes.toggled.connect(lambda on: self.axes.set_enabled(on))
        view.addAction(self.act_axes)
        if _importable("ui.explain_view"):  # imported when a glyph is first switched on
            self._glyph_actions = glyph_actions(window)
            for act in self._glyph_actions:
                act.toggled.connect(lambda _on: self.glyphs)  # built on the first toggle
                view.addAction(act)
        self.act_why = self.dock.toggleViewAction()
        self.act_why.setText(tr("Why: sharpness, effective step, race, explanation"))
        self.act_why.setObjectName("actionWhyDock")
        view.addAction(self.act_why)
        self.act_stability = self.stability_dock.toggleViewAction()
        self.act_stability.setText(tr("Stability map (lr × a second hyperparameter)"))
        self.act_stability.setObjectName("actionStabilityMap")
        view.addAction(self.act_stability)


def _importable(name: str) -> bool:
    """Whether module ``name`` can be found, without importing it (not before the window's
    first paint); a failure while importing it is reported where it is used."""
    if name in sys.modules:
        return sys.modules[name] is not None
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def glyph_actions(parent) -> tuple[QAction, QAction]:
    """The View-menu toggles of ``ui.explain_view.StateGlyphs`` (momentum arrows,
    adaptive-step boxes)."""
    m = QAction(tr("Momentum / first-moment arrows (direction of −m)"), parent, checkable=True)
    m.setObjectName("actionMomentumGlyphs")
    s = QAction(tr("Adaptive step boxes (sides ∝ per-coordinate step size)"), parent,
                checkable=True)
    s.setObjectName("actionScaleGlyphs")
    return m, s


def install_why(window) -> WhyViews:
    """Build the views on ``window`` (a MainWindow) and add their menu entries."""
    return WhyViews(window)
