"""The Network tab: a NetworkController with the app's playback bar, timeline and runs panel,
the data/architecture/regularization editors, the panels, presets and files.

``NetworkMode(main_window)`` is what the main window adds as its "Network" tab. While the tab
is shown, the surface mode's toolbars and runs dock are hidden (and its play paused), and
restored when the user goes back.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path

from PySide6.QtCore import QPoint, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gdsim.errors import GdsimError
from gdsim.io import read_json
from gdsim.nn.io import (
    atomic_write_bytes,
    check_writable,
    experiment_from_dict,
    experiment_to_dict,
    load_weights,
    save_weights,
    write_csv,
)
from gdsim.nn.training import NNExperiment, Trainer
from ui.controls import PlaybackBar, TimelineBar
from ui.i18n import tr
from ui.jobs import AT_ONCE_S, Job, run_to_end
from ui.network.catalog import NetworkPreset, network_presets, panel_titles  # noqa: F401
from ui.network.controller import NetworkController
from ui.network.editors import NetworkEditors, NetworkRunsPanel
from ui.network.panels import BoundaryView, MetricsView, WeightSliceView
from ui.plots import export_plot_dialog
from ui.runs_panel import MIN_WIDTH as RUNS_MIN_WIDTH

log = logging.getLogger(__name__)
PANEL_TITLES = {"boundary": "Decision boundary / fit", "slice": "Weight-space slice",
                "loss": "Loss curves", "accuracy": "Accuracy curves", "lr": "Learning rate",
                "layers": "Gradient norm per layer"}
JSON_FILTER = "gdsim network experiment (*.json);;All files (*)"
DIAGRAM_KEY = "network/diagramShown"  # QSettings: the diagram panel beside the decision map
WEIGHTS_FILTER = "Weights (*.npz);;All files (*)"


def read_experiment(path: str | Path) -> tuple[NNExperiment, str, str]:
    """(experiment, title, description) of a network experiment or preset file."""
    p = Path(path)
    d = read_json(p)  # GdsimError naming the file and the problem
    if not isinstance(d, dict) or d.get("mode") != "network":
        raise GdsimError(f"{p.name!r} is not a network experiment (needs \"mode\": \"network\")")
    return experiment_from_dict(d), str(d.get("title") or ""), str(d.get("description") or "")


class NetworkMode(QWidget):
    """The whole Network mode in one widget (its own controller; the app's bars and panel).

    ``path_changed`` fires whenever ``current_path`` may have changed (open, save, preset,
    new), so the main window can retitle itself whichever buttons were used.
    """

    path_changed = Signal()

    def __init__(self, main_window=None, experiment: NNExperiment | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)  # the tab's page stack: built in place, restyled once
        self.setObjectName("networkMode")
        self.main_window = main_window
        self.controller = c = NetworkController(experiment, self)
        self.current_path: Path | None = None
        self._hidden_main: list = []

        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.setSpacing(2)
        self.playback = PlaybackBar(c, self)
        self.playback.setObjectName("networkPlaybackToolbar")
        self.rate_label = QLabel("")
        self.rate_label.setObjectName("networkRateLabel")
        self.rate_label.setToolTip(tr("Training steps per second achieved while playing (the "
                                   "speed setting is the most it asks for)"))
        self.rate_label.setMinimumWidth(150)
        self.playback.addWidget(self.rate_label)
        c.rate_changed.connect(self._show_rate)
        lay.addWidget(self.playback)
        self.files_bar = self._build_files_bar()
        lay.addWidget(self.files_bar)
        self.story_label = QLabel()
        self.story_label.setObjectName("networkStoryLabel")
        self.story_label.setWordWrap(True)
        self.story_label.setVisible(False)
        lay.addWidget(self.story_label)

        # built top-down: each container joins its parent while still empty, so a built
        # panel is moved into place (its style, font and palette re-resolved widget by
        # widget) once, not once per level of nesting
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("networkSplitter")
        lay.addWidget(self.splitter, 1)
        left = QWidget()
        self.splitter.addWidget(left)
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        self.left_tabs = QTabWidget()
        self.left_tabs.setObjectName("networkLeftTabs")
        ll.addWidget(self.left_tabs)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.left_tabs.addTab(scroll, tr("Model"))
        self.editors = NetworkEditors(c)
        scroll.setWidget(self.editors)
        self.runs_panel = NetworkRunsPanel(c)
        self.left_tabs.addTab(self.runs_panel, tr("Runs"))
        # as wide as the runs panel needs (its table fits without clipping Status)
        left.setMinimumWidth(RUNS_MIN_WIDTH + 12)

        # the decision map, and beside it the network diagram when shown (built on first use)
        centre = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(centre)
        self.map_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.map_splitter.setObjectName("networkMapSplitter")
        self.map_splitter.setChildrenCollapsible(False)
        centre.addWidget(self.map_splitter)
        self.boundary = BoundaryView(c)
        self.map_splitter.addWidget(self.boundary)
        self.diagram_panel = None
        self.slice = WeightSliceView(c)
        centre.addWidget(self.slice)
        centre.setSizes([420, 340])
        self.metrics = MetricsView(c)
        self.splitter.addWidget(self.metrics)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([RUNS_MIN_WIDTH + 12, 540, 420])
        self.timeline = TimelineBar(c, self)
        self.timeline.setObjectName("networkTimelineToolbar")
        lay.addWidget(self.timeline)
        self.status_label = QLabel(" ")
        self.status_label.setObjectName("networkStatusLabel")
        # a long message must not widen the window: it is cut at the window's edge
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored,
                                        QSizePolicy.Policy.Preferred)
        lay.addWidget(self.status_label)
        # inside the main window its status bar shows the same messages: one line is enough
        self.status_label.setVisible(main_window is None)
        c.notice.connect(self._notice)
        c.error.connect(self._notice)
        self.csv_job = Job(self, on_progress=lambda f: self._notice(
            f"Exporting training CSV… {f:.0%}"))
        c.reset_done.connect(self._clear_stale)
        c.experiment_changed.connect(self._data_maybe_changed)
        self._story_data = None  # the preset's data (a story no longer fits other data)
        tabs = getattr(main_window, "mode_tabs", None)
        if tabs is not None:
            tabs.currentChanged.connect(self._mode_changed)
        c.inspected_changed.connect(self._inspected)
        v = QSettings().value(DIAGRAM_KEY, False)
        if (v.lower() == "true") if isinstance(v, str) else bool(v):
            self.show_diagram(True, remember=False)

    # --- construction -----------------------------------------------------------------------
    def _build_files_bar(self) -> QToolBar:
        bar = QToolBar("Network files", self)
        bar.setObjectName("networkFilesToolbar")
        bar.addWidget(QLabel(tr(" Preset ")))
        self.preset_combo = QComboBox()
        self.preset_combo.setObjectName("networkPresetCombo")
        self.preset_combo.addItem("—", None)
        self.presets = network_presets()
        for p in self.presets:
            self.preset_combo.addItem(tr(p.title), str(p.path))
            self.preset_combo.setItemData(self.preset_combo.count() - 1, p.description,
                                          Qt.ItemDataRole.ToolTipRole)
        self.preset_combo.activated.connect(self._preset_chosen)
        bar.addWidget(self.preset_combo)
        bar.addSeparator()
        self.buttons = {}
        for key, text, slot in (
            ("open", tr("Open…"), self.open_dialog),
            ("save", tr("Save…"), self.save_dialog),
            ("csv", tr("Export CSV…"), self.export_csv_dialog),
            ("save_weights", tr("Save weights…"), self.save_weights_dialog),
            ("load_weights", tr("Load weights…"), self.load_weights_dialog),
            ("open_test", tr("Open test data…"), self.open_test_data_dialog),
            ("diagram", tr("Diagram"), self.show_diagram),
            ("landscape", tr("Loss landscape…"), self.open_landscape),
        ):
            b = QPushButton(text)
            b.setObjectName(f"network_{key}Button")
            if key == "diagram":
                b.clicked.connect(lambda on, s=slot: s(on))
            else:
                b.clicked.connect(lambda _c=False, s=slot: s())
            bar.addWidget(b)
            self.buttons[key] = b
        self.buttons["diagram"].setCheckable(True)
        self.buttons["diagram"].setToolTip(tr("The network diagram beside the decision map: "
                                              "each neuron's map, the weights as links; "
                                              "Ctrl-click a training point to follow it"))
        self.buttons["save_weights"].setToolTip(tr("The selected run's weights at the shown step"))
        self.buttons["load_weights"].setToolTip(tr("Start every run from these weights"))
        self.buttons["open_test"].setToolTip(tr("Test rows from a CSV with the training CSV's "
                                             "columns: every training row then trains"))
        img = QToolButton()
        img.setObjectName("networkImageButton")
        img.setText(tr("Export image") + " ▾")
        # popup(), not setMenu + InstantPopup: that runs the menu in a nested event loop
        # inside the button's click() (QMenu.exec), which blocks whoever clicked it
        self.image_menu = menu = QMenu(img)
        menu.setObjectName("networkImageMenu")
        for key, title in self.panel_titles().items():
            act = menu.addAction(f"{title}…")
            act.triggered.connect(lambda _c=False, k=key: self.export_image_dialog(k))
        img.clicked.connect(lambda: menu.popup(img.mapToGlobal(QPoint(0, img.height()))))
        bar.addWidget(img)
        return bar

    def show_diagram(self, on: bool = True, remember: bool = True) -> None:
        """Show or hide the network-diagram panel beside the decision map (built on first
        show); ``remember`` keeps the choice for the next start (QSettings)."""
        from ui.network.diagram import DiagramPanel

        panel = self.diagram_panel
        first = on and panel is None
        if first:
            panel = self.diagram_panel = DiagramPanel(self.controller)
            panel.setMinimumWidth(240)
            self.map_splitter.addWidget(panel)
            self.map_splitter.setStretchFactor(0, 1)
            self.map_splitter.setStretchFactor(1, 1)
        if panel is not None:
            panel.setVisible(on)
        if first:  # the centre column widens (from the curves) to hold map and diagram
            left, centre, right = self.splitter.sizes()
            if centre < 2 * right:
                wide = (centre + right) * 7 // 10
                self.splitter.setSizes([left, wide, centre + right - wide])
            w = max(self.map_splitter.width(), 2 * 240)
            # the map keeps room for its title (the plot cannot shrink below it)
            self.map_splitter.setSizes([w - w * 2 // 5, w * 2 // 5])
        b = self.buttons["diagram"]
        if b.isChecked() != on:
            b.setChecked(on)
        if remember:
            QSettings().setValue(DIAGRAM_KEY, bool(on))

    def open_diagram(self) -> None:
        """Show the network-diagram panel (remembered)."""
        self.show_diagram(True)

    def _inspected(self, i: int) -> None:
        """A training point inspected on the map: its pass is in the diagram, so show it."""
        if i >= 0 and (self.diagram_panel is None or self.diagram_panel.isHidden()):
            self.show_diagram(True)

    def open_landscape(self) -> None:
        """The loss-landscape tool window (built on first use, kept while the tab lives)."""
        from ui.network.landscape_view import LandscapeWindow

        win = getattr(self, "landscape_window", None)
        if win is None:
            win = self.landscape_window = LandscapeWindow(self.controller)
            win.setWindowFlag(Qt.WindowType.Tool, True)
            win.setParent(self, win.windowFlags())
        win.show()
        win.raise_()

    def panel_titles(self) -> dict[str, str]:
        """Exportable panels: key -> title (File → Export image while this tab is shown)."""
        return panel_titles()

    def panel_plot_item(self, key: str):
        """The pyqtgraph item behind an exportable panel (the small multiples when shown)."""
        if key == "boundary":
            if self.boundary.multi.isVisibleTo(self.boundary):
                return self.boundary.multi.ci
            return self.boundary.plot.getPlotItem()
        if key == "slice":
            return self.slice.plot.getPlotItem()
        return self.metrics.plots[key].getPlotItem()

    # --- main window integration ------------------------------------------------------------
    def _mode_changed(self, index: int) -> None:
        mw = self.main_window
        active = mw.mode_tabs.widget(index) is self
        if active:
            ctl = getattr(mw, "controller", None)
            if ctl is not None:
                ctl.pause()
            self._hidden_main = []
            for name in ("playback", "surface_bar", "timeline", "runs_dock"):
                w = getattr(mw, name, None)
                if w is not None and w.isVisible():
                    w.hide()
                    self._hidden_main.append(w)
        else:
            self.controller.pause()
            for w in self._hidden_main:
                w.show()
            self._hidden_main = []

    # --- messages -------------------------------------------------------------------------
    def _show_rate(self, rate: float) -> None:
        self.rate_label.setText(f"  achieved {rate:,.0f} steps/s" if rate > 0 else "")

    def _notice(self, text: str) -> None:
        self.status_label.setText(text)
        mw = self.main_window
        if mw is not None and hasattr(mw, "statusBar"):
            mw.statusBar().showMessage(text, 10000)

    def show_error(self, title: str, text: str) -> None:
        QMessageBox.warning(self, title, text)

    def _set_experiment(self, exp: NNExperiment, title: str) -> bool:
        return self.controller.set_experiment_reporting(exp, self.show_error, title,
                                                        keep_weights=False)

    def _set_story(self, title: str, description: str) -> None:
        if title or description:
            self.story_label.setText(f"<b>{title}</b> — {description}" if description else title)
        else:
            self.story_label.setText("")
        self.story_label.setVisible(bool(title or description))
        self._story_data = self._data_identity() if (title or description) else None

    def _data_identity(self) -> tuple:
        e = self.controller.experiment
        return (e.dataset, e.data_file, e.test_file)

    def _data_maybe_changed(self) -> None:
        """A preset's story describes its data: other data (a CSV loaded, another data set)
        clears it and the preset's name."""
        if self._story_data is not None and self._data_identity() != self._story_data:
            self._set_story("", "")
            self.preset_combo.setCurrentIndex(0)

    def _clear_stale(self) -> None:
        """Reset: a "Finished at step N" (or any earlier notice) no longer describes the runs."""
        self.status_label.setText(" ")
        mw = self.main_window
        if mw is not None and hasattr(mw, "statusBar"):
            mw.statusBar().clearMessage()

    # --- experiments and presets ------------------------------------------------------------
    def load_preset(self, path: str | Path) -> bool:
        """Open a preset (experiment + its story shown above the panels)."""
        try:
            exp, title, description = read_experiment(path)
        except GdsimError as e:
            self.show_error(tr("Cannot load preset"), str(e))
            return False
        if not self._set_experiment(exp, "Cannot load preset"):
            return False
        shown = self.preset_combo.findData(str(Path(path)))  # the combo names the preset
        self.preset_combo.setCurrentIndex(max(shown, 0))
        self.current_path = None
        self._set_story(title, description)
        # the story label shows the description
        self._notice(tr('Loaded preset: {0}').format(title))
        self.path_changed.emit()
        return True

    def _preset_chosen(self, index: int) -> None:
        path = self.preset_combo.itemData(index)
        if path:
            self.load_preset(path)

    def open_path(self, path: str | Path) -> bool:
        """Open a network experiment file; on any problem show it and change nothing."""
        try:
            exp, title, description = read_experiment(path)
        except GdsimError as e:
            self.show_error(tr("Cannot open experiment"), str(e))
            return False
        if not self._set_experiment(exp, "Cannot open experiment"):
            return False
        self.current_path = Path(path)
        self.preset_combo.setCurrentIndex(0)
        self._set_story(title, description)
        self.path_changed.emit()
        return True

    def save_to(self, path: str | Path) -> bool:
        """Save the experiment as JSON (atomic)."""
        text = json.dumps(experiment_to_dict(self.controller.experiment), indent=2) + "\n"
        try:
            atomic_write_bytes(path, text.encode("utf-8"))
        except GdsimError as e:
            self.show_error(tr("Cannot save experiment"), str(e))
            return False
        self.current_path = Path(path)
        self._notice(tr('Saved {0}').format(path))
        self.path_changed.emit()
        return True

    def new_experiment(self) -> bool:
        """The default network experiment, untitled (File → New while this tab is shown)."""
        from ui.network.controller import default_network_experiment

        if not self.controller.set_experiment(default_network_experiment(), keep_weights=False):
            return False
        self.current_path = None
        self.preset_combo.setCurrentIndex(0)
        self._set_story("", "")
        self.path_changed.emit()
        return True

    def dialog_dir(self) -> str:
        """Where file dialogs start: the current file's folder."""
        return str(self.current_path.parent) if self.current_path else ""

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Open network experiment"),
                                              self.dialog_dir(),
                                              JSON_FILTER)
        if path:
            self.open_path(path)

    def save_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("Save network experiment"),
                                              self.dialog_dir(),
                                              JSON_FILTER)
        if path:
            self.save_to(path if Path(path).suffix else path + ".json")

    # --- CSV, weights, images ---------------------------------------------------------------
    def export_csv(self, path: str | Path, job: Job | None = None, done=None) -> bool:
        """The training CSV of the whole experiment (trained to the end, as ``gdsim train``).

        With ``job``, training estimated to take more than ``jobs.AT_ONCE_S`` runs on it (a
        fresh Trainer) and ``done(None, error)`` reports the end: returns False then, True
        when the file was written at once. A bad path raises GdsimError at once.
        """
        check_writable(path)
        c = self.controller
        sim, exp, init = c.sim, c.experiment, c.init_weights
        steps = 0 if sim.done else sim.max_steps
        if job is not None and steps * c._sec_per_step > AT_ONCE_S:
            def work(report):
                fresh = Trainer(exp, dataset=sim.data, init_weights=init)
                run_to_end(fresh, report, chunk=200)
                write_csv(fresh, path)

            if not job.start(work, done or (lambda _r, _e: None)):
                raise GdsimError("an export is still running: try again when it has finished")
            return False
        if not sim.done:
            sim = Trainer(exp, dataset=sim.data, init_weights=init)
            sim.run()
        write_csv(sim, path)
        return True

    def export_csv_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("Export training CSV"), self.dialog_dir(),
                                              tr("CSV (*.csv);;All files (*)"))
        if not path:
            return
        try:  # a long training runs to its end off the UI thread
            at_once = self.export_csv(path, self.csv_job,
                                      lambda _r, error: self._csv_exported(path, error))
        except GdsimError as e:
            self.show_error(tr("Cannot export CSV"), str(e))
            return
        if at_once:
            self._csv_exported(path, "")

    def _csv_exported(self, path: str, error: str) -> None:
        if error:
            self.show_error(tr("Cannot export CSV"), error)
        else:
            self._notice(tr('Exported {0}').format(path))

    def save_weights(self, path: str | Path) -> None:
        """The selected run's weights at the shown step."""
        c = self.controller
        save_weights(path, c.sim.net, *c.sim.weights(c.selected, c.shown_step))

    def save_weights_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("Save weights"), self.dialog_dir(),
                                              WEIGHTS_FILTER)
        if not path:
            return
        try:
            self.save_weights(path if Path(path).suffix else path + ".npz")
        except GdsimError as e:
            self.show_error(tr("Cannot save weights"), str(e))
            return
        self._notice(tr('Saved weights to {0}').format(path))

    def load_weights(self, path: str | Path) -> bool:
        """Start every run from the weights in ``path`` (shape-checked against the network)."""
        try:
            w = load_weights(path, self.controller.sim.net)
        except GdsimError as e:
            self.show_error(tr("Cannot load weights"), str(e))
            return False
        if not self.controller.set_initial_weights(w):
            return False
        self._notice(tr('All runs start from {0}').format(Path(path).name))
        return True

    def open_test_data(self, path: str | Path) -> bool:
        """Test on the rows of ``path`` (the training CSV's columns); every training row then
        trains. A bad file is reported in one line (with its line number); nothing changes."""
        from gdsim.nn.datasets import load_csv

        exp = self.controller.experiment
        if not exp.data_file:
            self.show_error(tr("Cannot open test data"),
                            tr("Test data goes with training data from a CSV file: choose "
                            "Data set → CSV file… first"))
            return False
        try:
            load_csv(exp.data_file, exp.test_fraction, exp.seed, test_path=path)
        except GdsimError as e:
            self.show_error(tr("Cannot open test data"), str(e))
            return False
        if not self.controller.set_experiment_reporting(
                dataclasses.replace(exp, test_file=str(path), data=None), self.show_error,
                "Cannot open test data"):
            return False
        self._notice(tr('Testing on {0}; every row of {1} trains').format(
                Path(path).name, Path(exp.data_file).name))
        return True

    def open_test_data_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Open test data"), self.dialog_dir(),
                                              tr("CSV (*.csv);;All files (*)"))
        if path:
            self.open_test_data(path)

    def load_weights_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Load weights"), self.dialog_dir(),
                                              WEIGHTS_FILTER)
        if path:
            self.load_weights(path)

    def export_image_dialog(self, key: str) -> None:
        path = export_plot_dialog(self, self.panel_titles()[key], self.panel_plot_item(key),
                                  self.dialog_dir(), self.show_error)
        if path:
            self._notice(tr('Exported {0}').format(path))
