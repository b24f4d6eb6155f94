"""The main window: toolbars, Surface / 3-D tabs beside the curves, runs dock, menus.

The Simulation actions (Space, →, R) and File → New/Open/Save/Export CSV/Export image act on
the mode being shown: the Network tab's controller, files and panels while it is current, else
the surfaces'. The title names the shown mode's file, whichever buttons opened or saved it.

Optional parts written elsewhere (runs panel, 3-D view, network mode, formula dialog) are
imported inside try blocks: when one is missing or fails, a one-line notice stands in.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import sys
import traceback
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QDockWidget,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from gdsim.errors import GdsimError
from ui import files
from ui.controller import Controller, default_experiment
from ui.controls import PlaybackBar, SurfaceBar, TimelineBar
from ui.curves_view import CurvesView
from ui.docks import set_contents
from ui.i18n import tr
from ui.notices import DivergenceBanner, DivergenceMarks
from ui.plots import export_plot_dialog
from ui.status import StatusPanel
from ui.surface_view import SurfaceView

log = logging.getLogger(__name__)
EXPERIMENT_FILTER = "gdsim experiment (*.json);;All files (*)"
AUTOSAVE_DELAY_MS = 800
RUNS_DOCK_MAX_WIDTH = 540  # first width of the runs dock; a wider table scrolls sideways
STRETCH_KEY = "view/stretchToFill"  # QSettings: the surface plot fills its panel (not 1:1)


def _setting_bool(key: str, default: bool = False) -> bool:
    """A boolean QSettings value (the INI format hands back 'true'/'false' strings)."""
    v = QSettings().value(key, default)
    return v.lower() == "true" if isinstance(v, str) else bool(v)


def notice_widget(text: str) -> QLabel:
    """A one-line placeholder for a part that could not be built."""
    label = QLabel(text)
    label.setObjectName("noticeLabel")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    return label


def optional_part(build, what: str) -> tuple[QWidget, bool]:
    """``build()`` or a notice naming ``what`` and the reason (ImportError or any failure)."""
    try:
        return build(), True
    except Exception as e:  # noqa: BLE001 -- a broken optional panel must not stop the app
        log.warning("%s unavailable: %s", what, "".join(traceback.format_exception_only(e)))
        text = tr('{0} is unavailable: {1}: {2}').format(what, type(e).__name__, e)
        return notice_widget(text), False


@contextlib.contextmanager
def _loading_network_kernels(win):
    """A wait cursor and a status message while the first network waits for its compiled
    passes (numba still loading, or compiling them once after an install)."""
    from gdsim import kernels
    from gdsim.kernels import mlp_pass

    if mlp_pass.loaded() or not kernels.enabled():
        yield
        return
    win.statusBar().showMessage(tr("Loading the compiled network kernels (compiled once "
                                   "after an install)…"))
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    QApplication.processEvents()
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()
        win.statusBar().clearMessage()


def module_available(name: str) -> bool:
    """Whether ``name`` can be imported, found without importing it (the start-up does not
    wait for a part the first paint does not show); a failure while importing it is
    reported where it is built."""
    if name in sys.modules:  # already imported, or blocked with None
        return sys.modules[name] is not None
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def is_typing_field(widget) -> bool:
    """Whether keys typed into ``widget`` are text (an editable line or text box, e.g. a
    hyperparameter field or a table cell being edited); spin boxes and the rest are not."""
    if isinstance(widget, QLineEdit):
        return not widget.isReadOnly() and not isinstance(widget.parent(), QAbstractSpinBox)
    if isinstance(widget, QTextEdit | QPlainTextEdit):
        return not widget.isReadOnly()
    return False


class GlobalKeys(QObject):
    """Lets the Simulation keys (Space, →, R) reach their actions whatever has focus in
    ``window`` (a spin box, the timeline slider, a button, a plot), except a text field
    being typed in. It filters the focused widget, which gets each ShortcutOverride and
    would otherwise accept it to keep the key for itself; the filter follows the focus
    (``QApplication.focusChanged``). Not on the whole application: a filter written in
    Python would cost every event of the app a call (12,000 when the Network tab is built)."""

    KEYS = (Qt.Key.Key_Space, Qt.Key.Key_Right, Qt.Key.Key_R)

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.window = window
        self.watched: QWidget | None = None
        app = QApplication.instance()
        app.focusChanged.connect(self._follow)
        self._follow(None, app.focusWidget())

    def _follow(self, _old, new) -> None:
        """Filter ``new`` (the focus widget) instead of the one watched before."""
        if self.watched is not None:
            try:
                self.watched.removeEventFilter(self)
            except RuntimeError:  # deleted meanwhile: its filters went with it
                pass
            self.watched = None
        if isinstance(new, QWidget) and new.window() is self.window:
            new.installEventFilter(self)
            self.watched = new

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt override)
        if (event.type() == QEvent.Type.ShortcutOverride
                and event.key() in self.KEYS
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
                and isinstance(obj, QWidget) and obj.window() is self.window
                and not is_typing_field(obj)):
            event.ignore()  # not claimed by the widget: the window's shortcut fires
            return True
        return False


class OnePassTabs(QTabWidget):
    """A QTabWidget whose pages are laid out once when it is first shown. QTabWidget places
    its page stack in its showEvent, after showing its children: the stack is first shown at
    its size hint, every page laid out at that size, then again at the real one. Here the
    stack waits, hidden, for that placement."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stack = self.findChild(QStackedWidget)
        if self._stack is not None:
            self._stack.hide()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)  # places the stack
        if self._stack is not None and self._stack.isHidden():
            self._stack.show()


class MainWindow(QMainWindow):
    """The gdsim desktop window over one :class:`Controller`."""

    language_requested = Signal(object)  # "en" / "zh_CN" / "zh_TW", or None: the system's

    def __init__(self, experiment=None, controller: Controller | None = None,
                 autosave: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.controller = controller or Controller(experiment or default_experiment(), self)
        self.current_path: Path | None = None
        self.csv_export = None  # the running or last CsvExportJob
        self.animation_job = None  # the running or last AnimationJob
        self.autosave_enabled = autosave
        self.setWindowTitle(tr("gdsim — gradient descent simulator"))
        self.resize(1440, 900)
        c = self.controller

        self.playback = PlaybackBar(c, self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.playback)
        self.surface_bar = SurfaceBar(c, self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.surface_bar)
        self.timeline = TimelineBar(c, self)
        self.addToolBar(Qt.ToolBarArea.BottomToolBarArea, self.timeline)

        # built top-down: each container joins its parent while still empty, so a built
        # panel is moved into place (its style, font and palette re-resolved widget by
        # widget) once, not once per level of nesting
        self.mode_tabs = OnePassTabs()
        self.mode_tabs.setObjectName("modeTabs")
        self.setCentralWidget(self.mode_tabs)
        page = QWidget()
        self.mode_tabs.addTab(page, tr("Surfaces"))
        lay = QVBoxLayout(page)
        lay.setContentsMargins(4, 4, 4, 0)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        lay.addWidget(self.splitter, 1)
        self.view_tabs = OnePassTabs()
        self.view_tabs.setObjectName("viewTabs")
        self.splitter.addWidget(self.view_tabs)

        self.surface_view = SurfaceView(c, defer_extras=True)
        self.divergence_marks = DivergenceMarks(c, self.surface_view)
        self.curves_view = CurvesView(c)
        self.view_tabs.addTab(self.surface_view, tr("Surface"))
        self.view3d, self.has_3d = optional_part(self._build_3d, tr("The 3-D view"))
        self.view_tabs.addTab(self.view3d, "3-D")
        self.splitter.addWidget(self.curves_view)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([640, 420])

        self.story_label = QLabel()
        self.story_label.setObjectName("storyLabel")
        self.story_label.setWordWrap(True)
        self.story_label.setVisible(False)
        lay.insertWidget(0, self.story_label)  # above the panels
        self.divergence_banner = DivergenceBanner(c)
        lay.insertWidget(1, self.divergence_banner)
        self._network = None  # the Network tab: built on first show or use (``network``)
        self._network_index = -1
        if module_available("ui.network.mode"):  # imported when the tab is first built
            self._network_index = self.mode_tabs.addTab(QWidget(), tr("Network"))  # stand-in
            self.mode_tabs.currentChanged.connect(self._network_shown)
        self.mode_tabs.tabBar().setVisible(self.mode_tabs.count() > 1)
        self.mode_tabs.currentChanged.connect(lambda _i: self._update_title())

        self.runs_dock = QDockWidget(tr("Runs"), self)
        self.runs_dock.setObjectName("runsDock")
        # made inside its dock: moving a built panel in re-resolves its style, font and
        # palette widget by widget
        self.runs_panel, self.has_runs_panel = optional_part(self._build_runs_panel,
                                                             tr("The runs panel"))
        self.runs_dock.setWidget(self.runs_panel)
        self.runs_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.runs_dock)
        width = self.runs_panel.preferred_width() if self.has_runs_panel else 380
        self.resizeDocks([self.runs_dock], [min(max(width, 380), RUNS_DOCK_MAX_WIDTH)],
                         Qt.Orientation.Horizontal)

        self._learn: tuple[QWidget, bool] | None = None  # built when first shown: learn_panel
        self.learn_dock = QDockWidget(tr("Learn"), self)
        self.learn_dock.setObjectName("learnDock")
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.learn_dock)
        self.learn_dock.hide()
        self.learn_dock.visibilityChanged.connect(lambda on: self.learn_panel if on else None)

        self.status = StatusPanel(c, self.statusBar())
        self.mode_tabs.currentChanged.connect(lambda _i: self._show_surface_status())
        self._autosave_timer = QTimer(self)
        self._autosave_timer.setSingleShot(True)
        self._autosave_timer.setInterval(AUTOSAVE_DELAY_MS)
        self._autosave_timer.timeout.connect(self.autosave)
        c.experiment_changed.connect(self._experiment_edited)
        c.run_color_changed.connect(lambda _i: self._experiment_edited())
        self._basin = None  # the basin-map overlay: built when first switched on (basin)
        self._build_menus()
        exp = self.controller.experiment  # e.g. a preset restored from the autosave
        self._set_story(exp.title, exp.description)
        self.global_keys = GlobalKeys(self)  # on the focused widget, following the focus
        self.why = self._build_why()

    # ------------------------------------------------------------ optional parts
    @property
    def network(self):
        """The Network tab's NetworkMode, built on first use (as costly as the rest of the
        window, so not before it is shown or needed); None when unavailable."""
        if self._network is None and self._network_index >= 0:
            self._build_network()
        return self._network

    def _network_shown(self, index: int) -> None:
        if index == self._network_index and self._network is None:
            self._build_network()

    def _build_network(self) -> None:
        """Put the real Network tab in place of its stand-in (same index, same current tab)."""
        i, tabs = self._network_index, self.mode_tabs
        try:
            from ui.network.mode import NetworkMode

            with _loading_network_kernels(self):
                # made inside the tabs' page stack: insertTab then moves nothing
                network = NetworkMode(self, parent=self.mode_tabs.widget(i).parentWidget())
        except Exception as e:  # noqa: BLE001 -- a broken optional tab must not stop the app
            log.warning("Network tab unavailable: %s", e)
            network = notice_widget(f"The Network tab is unavailable: {type(e).__name__}: {e}")
            self._network_index = -1
        current = tabs.currentIndex()
        stand_in = tabs.widget(i)
        tabs.blockSignals(True)
        tabs.removeTab(i)
        tabs.insertTab(i, network, tr("Network"))
        tabs.setCurrentIndex(current)
        tabs.blockSignals(False)
        stand_in.deleteLater()
        if self._network_index < 0:
            return
        self._network = network
        path_changed = getattr(network, "path_changed", None)
        if path_changed is not None:
            path_changed.connect(self._network_path_changed)
        if current == i:  # shown now: let every follower of the tabs see the real tab
            tabs.currentChanged.emit(i)

    def _build_3d(self) -> QWidget:
        from ui.view3d import View3D

        return View3D(self.controller)

    @property
    def basin(self):
        """The basin-map overlay on the surface panel, for the runs panel's selected run
        (built on first use: it is off until View → Basin map)."""
        if self._basin is None:
            self._basin = self._build_basin()
        return self._basin

    def _build_basin(self):
        from ui.basin import BasinOverlay

        panel = self.runs_panel if self.has_runs_panel else None
        basin = BasinOverlay(self.controller, self.surface_view,
                             selected=lambda: panel.selected if panel is not None else 0,
                             message=lambda text, ms=0: self.statusBar().showMessage(text, ms))
        if panel is not None:
            panel.table.currentCellChanged.connect(lambda *_a: basin.update_map())
        return basin

    @property
    def learn_panel(self) -> QWidget:
        """The Learn dock's panel (or a notice), built the first time the dock is shown or the
        panel is asked for."""
        if self._learn is None:
            self._learn = optional_part(self._build_learn, tr("The Learn panel"))
            set_contents(self, self.learn_dock, self._learn[0])
        return self._learn[0]

    @property
    def has_learn(self) -> bool:
        _ = self.learn_panel  # built on first use
        return self._learn[1]

    def _build_learn(self) -> QWidget:
        from ui import i18n
        from ui.learn_panel import LearnPanel

        panel = LearnPanel(i18n.current_language())
        panel.demo_requested.connect(self.show_learn_demo)
        return panel
    def _build_why(self):
        """The "see why" docks, curvature overlay and their View-menu entries (ui/why.py)."""
        try:
            from ui.why import install_why

            return install_why(self)
        except Exception as e:  # noqa: BLE001 -- an optional part must not stop the app
            log.warning("the 'see why' views are unavailable: %s", e)
            return None

    def _build_runs_panel(self) -> QWidget:
        from ui.runs_panel import RunsPanel

        return RunsPanel(self.controller, self.runs_dock)

    # ------------------------------------------------------------------ menus
    def _action(self, menu, text: str, slot, shortcut=None, name: str | None = None) -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        if name:
            act.setObjectName(name)
        act.triggered.connect(lambda _checked=False: slot())
        if menu is not None:
            menu.addAction(act)
        else:
            self.addAction(act)
        return act

    def _build_menus(self) -> None:
        bar = self.menuBar()
        m = bar.addMenu(tr("&File"))
        self.act_new = self._action(m, tr("&New"), self.new_experiment,
                                    QKeySequence.StandardKey.New, "actionNew")
        self.act_open = self._action(m, tr("&Open…"), self.open_dialog, "Ctrl+O", "actionOpen")
        self.recent_menu = m.addMenu(tr("Open &Recent"))
        self.recent_menu.setObjectName("recentMenu")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._fill_recent()
        self.act_open_test = None  # File → Open test data… (the Network tab, SPEC §11)
        if self.has_network():
            self.act_open_test = self._action(m, tr("Open &test data…"),
                                              lambda: self.network.open_test_data_dialog(),
                                              None, "actionOpenTestData")
        self.act_save = self._action(m, tr("&Save"), self.save, "Ctrl+S", "actionSave")
        self.act_save_as = self._action(m, tr("Save &As…"), self.save_as, "Ctrl+Shift+S",
                                        "actionSaveAs")
        m.addSeparator()
        self.act_export_csv = self._action(m, tr("&Export trajectory CSV…"), self.export_csv_dialog,
                                           "Ctrl+E", "actionExportCsv")
        img = m.addMenu(tr("Export &image"))
        img.setObjectName("exportImageMenu")
        self.image_menu = img
        self.image_actions = {}
        for key, title in self.panel_titles().items():
            self.image_actions[key] = self._action(
                img, f"{title}…", lambda k=key: self.export_image_dialog(k), None,
                f"actionExportImage_{key}")
        self.network_image_actions = {}  # shown instead while the Network tab is
        titles = {}
        if self.has_network():
            try:
                from ui.network.catalog import panel_titles

                titles = panel_titles()
            except ImportError:  # a stand-in ui.network (tests): no export entries for it
                pass
        for key, title in titles.items():
            self.network_image_actions[key] = self._action(
                img, f"{title}…", lambda k=key: self.export_image_dialog(k, network=True), None,
                f"actionExportNetworkImage_{key}")
        self._show_image_actions()
        self.mode_tabs.currentChanged.connect(lambda _i: self._show_image_actions())
        self.act_export_animation = self._action(m, tr("Export &animation…"),
                                                 self.export_animation_dialog, None,
                                                 "actionExportAnimation")
        m.addSeparator()
        self.act_quit = self._action(m, tr("&Quit"), self.close, QKeySequence.StandardKey.Quit,
                                     "actionQuit")

        s = bar.addMenu(tr("&Simulation"))
        self.act_play = self._action(s, tr("Play / Pause"),
                                     lambda: self.active_controller().toggle_play(),
                                     Qt.Key.Key_Space, "actionPlay")
        self.act_step = self._action(s, tr("Step"), lambda: self.active_controller().step(1),
                                     Qt.Key.Key_Right, "actionStep")
        self.act_reset = self._action(s, tr("Reset"), lambda: self.active_controller().reset(),
                                      Qt.Key.Key_R, "actionReset")

        v = bar.addMenu(tr("&View"))
        v.setObjectName("menuView")  # found by name (install_why adds to it), not by its text
        self.act_grad = QAction(tr("Gradient arrows (−∇f direction)"), self, checkable=True)
        self.act_grad.setObjectName("actionGradientArrows")
        self.act_grad.toggled.connect(lambda on: self.surface_view.set_arrows(gradient=on))
        v.addAction(self.act_grad)
        self.act_steps = QAction(tr("Step arrows (last step of each run)"), self, checkable=True)
        self.act_steps.setObjectName("actionStepArrows")
        self.act_steps.toggled.connect(lambda on: self.surface_view.set_arrows(step=on))
        v.addAction(self.act_steps)
        self.act_basin = QAction(tr("Basin map (which minimum each start reaches)"), self,
                                 checkable=True)
        self.act_basin.setObjectName("actionBasinMap")
        self.act_basin.toggled.connect(lambda on: self.basin.set_enabled(on))
        v.addAction(self.act_basin)
        self.act_stretch = QAction(tr("Stretch to fill (unequal x and y scales)"), self,
                                   checkable=True)
        self.act_stretch.setObjectName("actionStretchToFill")
        self.act_stretch.setToolTip(tr("Off: one unit is as long on x as on y, so a round bowl "
                                    "looks round"))
        self.act_stretch.setChecked(_setting_bool(STRETCH_KEY))
        self.surface_view.set_stretch(self.act_stretch.isChecked())
        self.act_stretch.toggled.connect(self._stretch_toggled)
        v.addAction(self.act_stretch)
        v.addSeparator()
        v.addAction(self.runs_dock.toggleViewAction())
        learn_act = self.learn_dock.toggleViewAction()
        learn_act.setObjectName("actionLearn")
        learn_act.setShortcut(QKeySequence("F1"))
        v.addAction(learn_act)
        self._action(v, tr("Reset zoom"), self.surface_view.draw_surface, "Ctrl+0",
                     "actionResetZoom")

        p = bar.addMenu(tr("&Presets"))
        p.setObjectName("presetsMenu")
        self.preset_actions = []
        for preset in files.presets():
            act = self._action(p, tr(preset.title),
                               lambda pr=preset: self.load_preset(pr.path))
            act.setStatusTip(preset.description)
            act.setToolTip(preset.description)
            self.preset_actions.append(act)
        self.network_preset_actions = []
        for preset in self._network_presets():
            if not self.network_preset_actions:
                p.addSeparator()
                self.network_presets_menu = p.addMenu(tr("&Network"))
                self.network_presets_menu.setObjectName("networkPresetsMenu")
            act = self._action(self.network_presets_menu, tr(preset.title),
                               lambda pr=preset: self.load_network_preset(pr.path))
            act.setStatusTip(preset.description)
            act.setToolTip(preset.description)
            self.network_preset_actions.append(act)
        if not self.preset_actions and not self.network_preset_actions:
            none = p.addAction(tr("(no presets found)"))
            none.setEnabled(False)

        self._build_settings_menu(bar)

        h = bar.addMenu(tr("&Help"))
        self._action(h, tr("&About gdsim"), self.about, None, "actionAbout")

    def _build_settings_menu(self, bar) -> None:
        """Settings → Language: the system's, or one of ours (remembered; applied by
        rebuilding the window, see ``ui.app.relaunch``)."""
        from ui import i18n

        st = bar.addMenu(tr("Se&ttings"))
        st.setObjectName("settingsMenu")
        lm = st.addMenu(tr("&Language"))
        lm.setObjectName("languageMenu")
        group = QActionGroup(self)
        group.setExclusive(True)
        saved = i18n.saved_language()
        self.language_actions = {}
        choices = [(None, tr("System default"))] + list(i18n.LANGUAGES.items())
        for code, title in choices:
            act = QAction(title, self, checkable=True)
            act.setObjectName(f"actionLanguage_{code or 'system'}")
            act.setChecked(code == saved)
            act.triggered.connect(lambda _c=False, c=code: self.choose_language(c))
            group.addAction(act)
            lm.addAction(act)
            self.language_actions[code] = act

    def choose_language(self, code: str | None) -> None:
        """Remember the language and ask the app to show it (``language_requested``); with
        no app listening (tests, embedding), it applies on the next start."""
        from ui import i18n

        i18n.save_language(code)
        if self.receivers("2language_requested(PyObject)") > 0:
            self.language_requested.emit(code)
        else:
            self.statusBar().showMessage(tr("The language changes when gdsim restarts"),
                                         8000)

    def _stretch_toggled(self, on: bool) -> None:
        self.surface_view.set_stretch(on)
        QSettings().setValue(STRETCH_KEY, bool(on))

    def _network_presets(self) -> list:
        if not self.has_network():
            return []
        try:
            from ui.network.catalog import network_presets
        except ImportError:  # a stand-in ui.network (tests): no presets
            return []
        return network_presets()

    # ------------------------------------------------------------------ modes
    def has_network(self) -> bool:
        """Whether the Network tab is there and working (not yet built: it will be on first
        use; built: it has its own controller)."""
        return self._network_index >= 0 and (self._network is None
                                             or hasattr(self._network, "controller"))

    def network_active(self) -> bool:
        """Whether the Network tab is the one shown."""
        return self._network is not None and self.mode_tabs.currentWidget() is self._network

    def active_controller(self):
        """The controller Play/Step/Reset drive: the Network tab's while it is shown."""
        return self.network.controller if self.network_active() else self.controller

    def _show_surface_status(self) -> None:
        """The status bar's per-run losses and step belong to the surfaces: hidden meanwhile."""
        self.status.set_shown(not self.network_active())

    def show_mode(self, network: bool) -> None:
        """Bring the Network tab (or the Surfaces tab) to the front."""
        if network and self.has_network():
            self.mode_tabs.setCurrentWidget(self.network)
        elif not network:
            self.mode_tabs.setCurrentIndex(0)

    def panel_titles(self) -> dict[str, str]:
        """Exportable panels: key -> menu title."""
        return {
            "surface": tr("Surface panel"),
            "loss": tr("Loss curve"),
            "lr": tr("Learning-rate curve"),
            "grad_norm": tr("Gradient-norm curve"),
            "distance": tr("Distance-to-minimum curve"),
        }

    def _show_image_actions(self) -> None:
        """File → Export image lists the panels of the mode being shown."""
        net = self.network_active()
        for act in self.image_actions.values():
            act.setVisible(not net)
        for act in self.network_image_actions.values():
            act.setVisible(net)
        if self.act_open_test is not None:
            self.act_open_test.setVisible(net)

    def panel_plot_item(self, key: str):
        """The pyqtgraph PlotItem behind an exportable panel."""
        if key == "surface":
            self.surface_view.finish_deferred()
            return self.surface_view.plot.getPlotItem()
        return self.curves_view.plots[key].getPlotItem()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        paths = files.recent_files()
        for path in paths:
            act = self.recent_menu.addAction(path)
            act.triggered.connect(lambda _c=False, p=path: self.open_path(p))
        if not paths:
            act = self.recent_menu.addAction(tr("(none)"))
            act.setEnabled(False)

    # ------------------------------------------------------------- file actions
    def show_file_error(self, title: str, text: str) -> None:
        QMessageBox.warning(self, title, text)

    def new_experiment(self) -> None:
        if self.network_active():
            self.network.new_experiment()  # retitles through path_changed
            return
        if self.controller.set_experiment(default_experiment()):
            self.current_path = None
            self._set_story("", "")
            self._update_title()

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Open experiment"), self._dialog_dir(),
                                              EXPERIMENT_FILTER)
        if path:
            self.open_path(path)

    def open_path(self, path: str) -> bool:
        """Load an experiment file; on any problem show it and change nothing.

        A network experiment (``"format": "gdsim-network"``) opens in the Network tab, which
        comes to the front; a surface experiment in the Surfaces tab.
        """
        if files.is_network_file(path):
            if not self.has_network():
                self.show_file_error(tr("Cannot open experiment"),
                                     tr('{0!r} is a network experiment, and the Network tab '
                                        'is unavailable').format(Path(path).name))
                return False
            if not self.network.open_path(path):
                return False
            files.add_recent(path)
            self.show_mode(network=True)
            self._update_title()
            return True
        try:
            exp = files.load(path)
        except GdsimError as e:
            self.show_file_error(tr("Cannot open experiment"), str(e))
            return False
        if not self.controller.set_experiment_reporting(exp, self.show_file_error,
                                                       "Cannot open experiment"):
            return False
        self.current_path = Path(path)
        files.add_recent(path)
        exp = self.controller.experiment  # a file saved from a preset keeps its story
        self._set_story(exp.title, exp.description)
        self.show_mode(network=False)
        self._update_title()
        return True

    def save(self) -> bool:
        """Save the shown mode's experiment to its file (asks for one the first time)."""
        path = self._active_path()
        if path is None:
            return self.save_as()
        return self.save_to(str(path))

    def save_as(self) -> bool:
        title = "Save network experiment" if self.network_active() else "Save experiment"
        path, _ = QFileDialog.getSaveFileName(self, title, self._dialog_dir(),
                                              EXPERIMENT_FILTER)
        if not path:
            return False
        if not Path(path).suffix:
            path += ".json"
        return self.save_to(path)

    def save_to(self, path: str) -> bool:
        """Write the shown mode's experiment (surface or network) to ``path``."""
        if self.network_active():
            if not self.network.save_to(path):
                return False
            files.add_recent(path)
            self._update_title()
            return True
        try:
            files.save(self.controller.experiment, path)
        except GdsimError as e:
            self.show_file_error(tr("Cannot save experiment"), str(e))
            return False
        self.current_path = Path(path)
        files.add_recent(path)
        self._update_title()
        self.statusBar().showMessage(tr('Saved {0}').format(path), 5000)
        return True

    def export_csv_dialog(self) -> None:
        if self.network_active():  # the training CSV (SPEC §9)
            self.network.export_csv_dialog()
            return
        if self.csv_export is not None and self.csv_export.running:
            self.statusBar().showMessage(tr("A CSV export is already running (see its progress)"),
                                         5000)
            return
        path, _ = QFileDialog.getSaveFileName(self, tr("Export trajectory CSV"), self._dialog_dir(),
                                              tr("CSV (*.csv);;All files (*)"))
        if not path:
            return
        self.export_csv_to(path)

    def export_csv_to(self, path: str) -> bool:
        """Export the trajectory CSV to ``path`` in the background (progress and Cancel): all
        of a finished simulation; of an unfinished one, what the user picks in
        :meth:`ask_csv_scope`. False when refused or not started."""
        from gdsim.io import check_writable
        from ui.csv_export import CsvExportJob, snapshot

        try:
            check_writable(path)
        except GdsimError as e:
            self.show_file_error(tr("Cannot export CSV"), str(e))
            return False
        sim = self.controller.sim
        if sim.done:
            source = snapshot(sim)
        else:
            scope = self.ask_csv_scope(sim.t, sim.max_steps)
            if scope is None:
                return False
            source = snapshot(sim) if scope == "computed" else self.controller.experiment
        self.csv_export = CsvExportJob(source, path, self)
        self.csv_export.finished.connect(lambda message, p=path: self._csv_exported(p, message))
        self.statusBar().showMessage(tr('Exporting {0}…').format(path), 0)
        return True

    def ask_csv_scope(self, t: int, total: int) -> str | None:
        """Of an unfinished experiment, export 'computed' (steps 0–t) or 'all' (run every step
        first, in the background)? None: cancelled."""
        box = QMessageBox(QMessageBox.Icon.Question, "Export trajectory CSV",
                          f"The experiment has run {t:,} of its {total:,} steps.", parent=self)
        box.setObjectName("csvScopeBox")
        box.setInformativeText("Export the steps computed so far, or run the experiment to the "
                               "end first (in the background; the file is then the same as "
                               "gdsim run --csv writes)?")
        computed = box.addButton(f"Export {t + 1:,} computed steps",
                                 QMessageBox.ButtonRole.AcceptRole)
        everything = box.addButton("Run to the end and export", QMessageBox.ButtonRole.YesRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(everything)
        box.exec()
        clicked = box.clickedButton()
        return "computed" if clicked is computed else "all" if clicked is everything else None

    def _csv_exported(self, path: str, message: str) -> None:
        if message == "cancelled":
            self.statusBar().showMessage(tr('Export cancelled: {0} was not written').format(
                    path), 8000)
        elif message:
            self.statusBar().clearMessage()
            self.show_file_error(tr("Cannot export CSV"), message)
        else:
            self.statusBar().showMessage(tr('Exported {0}').format(path), 5000)

    def export_image_dialog(self, key: str, network: bool = False) -> None:
        """Ask for a .png/.svg path and export one panel (a Network tab panel if ``network``)."""
        mode = self.network if network else self
        path = export_plot_dialog(self, mode.panel_titles()[key].lower(),
                                  mode.panel_plot_item(key), self._dialog_dir(),
                                  self.show_file_error)
        if path:
            self.statusBar().showMessage(tr('Exported {0}').format(path), 5000)

    def export_animation_dialog(self) -> None:
        """Ask for the animation's options, then render it with progress and Cancel."""
        from ui.animate_dialog import AnimationDialog

        c = self.active_controller()
        max_step = int(c.sim.max_steps)
        last = int(c.sim.t) if c.sim.t > 0 else min(max_step, 300)
        dialog = AnimationDialog(last, max_step, self._dialog_dir(), self)
        while dialog.exec():
            try:
                opts = dialog.options()
            except GdsimError as e:
                self.show_file_error(tr("Cannot export animation"), str(e))
                continue
            self.start_animation(opts)
            return

    def start_animation(self, opts):
        """Export the shown mode's experiment as an animation (returns the running job)."""
        from ui.animate_dialog import start_export

        if self.network_active():
            exp, title = self.network.controller.experiment, ""
        else:
            exp, title = self.controller.experiment, self.controller.experiment.title
        self.animation_job = start_export(self, exp, opts, title)
        return self.animation_job

    def load_preset(self, path) -> bool:
        try:
            exp, title, description = files.load_preset(path)
        except GdsimError as e:
            self.show_file_error(tr("Cannot load preset"), str(e))
            return False
        if not self.controller.set_experiment_reporting(exp, self.show_file_error,
                                                       "Cannot load preset"):
            return False
        self.current_path = None
        self._set_story(title, description)
        self.show_mode(network=False)
        self._update_title()
        # the story label above the panels holds the description: a long one would be cut
        # at the status bar's edge
        self.statusBar().showMessage(tr('Loaded preset: {0}').format(title), 15000)
        return True

    def show_learn_demo(self, kind: str, name: str) -> bool:
        """Load the experiment the Learn panel names for optimizer/schedule ``name``."""
        from gdsim import learn
        from ui.resources import resource_path

        try:
            d = learn.demo(kind, name)
            if "preset" in d:
                return self.load_preset(resource_path("presets", f"{d['preset']}.json"))
            exp = learn.demo_experiment(kind, name)
        except GdsimError as e:
            self.show_file_error(tr("Cannot load the example"), str(e))
            return False
        if not self.controller.set_experiment_reporting(exp, self.show_file_error,
                                                       "Cannot load the example"):
            return False
        lang = getattr(self.learn_panel, "language", "en")
        e = learn.entry(kind, name, lang)
        self.current_path = None
        self._set_story(e.get("title", name), e.get("intuition", ""))
        self.show_mode(network=False)
        self._update_title()
        return True

    def load_network_preset(self, path) -> bool:
        """Load a network preset into the Network tab and bring that tab to the front."""
        if not self.has_network() or not self.network.load_preset(path):
            return False
        self.show_mode(network=True)
        self._update_title()
        return True

    def _set_story(self, title: str, description: str) -> None:
        if title or description:
            self.story_label.setText(f"<b>{title}</b> — {description}" if description else title)
        self.story_label.setVisible(bool(title or description))

    def _active_path(self) -> Path | None:
        """The file of the experiment shown: the Network tab's or the surfaces'."""
        if self.network_active():
            return getattr(self.network, "current_path", None)
        return self.current_path

    def _dialog_dir(self) -> str:
        path = self._active_path()
        return str(path.parent) if path else ""

    def _network_path_changed(self) -> None:
        """The Network tab opened, saved or dropped a file (its own buttons or ours)."""
        path = self.network.current_path
        if path is not None:
            files.add_recent(path)
        self._update_title()

    def _update_title(self) -> None:
        path = self._active_path()
        name = Path(path).name if path else tr("untitled")
        mode = tr(" (network)") if self.network_active() else ""
        self.setWindowTitle(tr('{0}{1} — gdsim').format(name, mode))

    def about(self) -> None:
        QMessageBox.about(self, tr("About gdsim"),
                          tr("gdsim — a simulator for the gradient-descent family of optimizers."))

    # ---------------------------------------------------------------- autosave
    def _experiment_edited(self) -> None:
        if self.autosave_enabled:
            self._autosave_timer.start()

    def autosave(self) -> None:
        """Write the current experiment to the autosave file (failures only logged)."""
        try:
            files.write_autosave(self.controller.experiment)
        except (GdsimError, OSError) as e:
            log.warning("autosave failed: %s", e)
            if str(e) != getattr(self, "_autosave_error", None):  # said once, not per edit
                self._autosave_error = str(e)
                self.statusBar().showMessage(f"Autosave failed: {e}", 10000)

    def save_window_state(self) -> None:
        s = QSettings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())

    def restore_window_state(self) -> None:
        s = QSettings()
        geo, state = s.value("window/geometry"), s.value("window/state")
        if isinstance(geo, QByteArray | bytes):
            self.restoreGeometry(geo)
        if isinstance(state, QByteArray | bytes):
            self.restoreState(state)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self.controller.pause()
        if self.csv_export is not None and self.csv_export.running:
            self.csv_export.cancel()  # no half-written file is left behind
            self.csv_export.wait(5.0)
        job = self.animation_job
        if job is not None and isValid(job) and not job.done:
            job.cancel()  # an export in progress stops with its window: no file, no temporary
        basin = getattr(self, "_basin", None)  # never switched on: nothing to build now
        if basin is not None:
            basin.stop()  # a basin map being computed is for nobody now
        if self.autosave_enabled:
            self._autosave_timer.stop()
            self.autosave()
            self.save_window_state()
        super().closeEvent(event)
