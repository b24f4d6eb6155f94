"""Editors of the Network mode: data set, architecture, regularization, and the runs panel.

Each edit goes to ``NetworkController.update`` (which rebuilds the Trainer, or refuses with the
engine's message shown under the editor). Numeric fields are ``ui.param_editor.ParamEditor``s,
so they validate and look exactly like the optimizer editors.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from gdsim.errors import GdsimError
from gdsim.nn.activations import ACTIVATIONS
from gdsim.nn.cli import parse_hidden
from gdsim.nn.datasets import DATASETS
from gdsim.nn.features import FEATURES
from gdsim.nn.features import TITLES as FEATURE_TITLES
from gdsim.nn.losses import LOSSES
from gdsim.nn.training import TRAIN_LOSS
from gdsim.params import Param, parse_spec
from ui.i18n import tr
from ui.param_editor import ParamEditor
from ui.runs_panel import COL_LOSS, COL_STATUS, DIVERGED_COLOR, RunsPanel, status_cell

CSV_ITEM = "__csv__"
FEATURE_OBJECT_NAMES = {"x1": "featureX1", "x2": "featureX2", "x1^2": "featureX1Sq",
                        "x2^2": "featureX2Sq", "x1x2": "featureX1X2", "sin(x1)": "featureSinX1",
                        "sin(x2)": "featureSinX2"}
ERROR_STYLE = f"color: {DIVERGED_COLOR};"

SAMPLES = Param("samples", 200, "points generated (train + test)", kind=int, low=4,
                high=5000, log=True)
NOISE = Param("noise", 0.1, "σ of the jitter added to the points", low=0.0, high=2.0)
TEST_FRACTION = Param("test_fraction", 0.2, "share of the points held out for testing",
                      low=0.05, high=0.9)
CLASSES = Param("classes", 2, "number of classes (spiral arms, blobs)", kind=int, low=2, high=8)
L1 = Param("l1", 0.0, "L1 penalty l1·Σ|W| on weight matrices (sparse weights)", low=0.0,
           high=1.0)
L2 = Param("l2", 0.0, "model L2: (l2/2)·ΣW² added to the loss, weight matrices only (not "
           "biases); torch: add it to the loss. A run's weight_decay is torch.optim's, on "
           "every parameter", low=0.0, high=1.0)
DROPOUT = Param("dropout", 0.0, "inverted dropout (torch.nn.Dropout): hidden units dropped "
                "with this probability while training, the rest × 1/(1−p)", low=0.0, high=0.9)
BATCH_NORM = Param("batch_norm", False, "batch norm before each hidden activation "
                   "(torch BatchNorm1d: momentum 0.1, eps 1e-5)", kind=bool)
EPOCHS = Param("epochs", 500, "passes over the training set", kind=int, low=1,
               high=1_000_000, log=True)
BATCH = Param("batch_size", 0, "samples per step: 0 = full batch, 1 = single sample",
              kind=int, low=0, high=5000)
PATIENCE = Param("early_stopping", 0, "hold out 20 % of the training rows for validation; "
                 "stop a run after this many epochs without a lower validation loss and "
                 "restore its best weights (0 = off)", kind=int, low=0, high=10_000)
SEED = Param("seed", 0, "seed for data, initial weights, batches and dropout", kind=int, low=0)


def dataset_parts(spec: str) -> tuple[str, dict]:
    """``"spiral:classes=3"`` → ("spiral", {"classes": 3})."""
    name, raw = parse_spec(spec)
    return name, {k: int(v) for k, v in raw.items()}


def dataset_spec(name: str, classes: int | None) -> str:
    info = DATASETS[name]
    if classes is not None and any(p.name == "classes" for p in info.params) and classes != 2:
        return f"{name}:classes={classes}"
    return name


def fitting_loss(task: str, n_classes: int, loss: str) -> str:
    """The loss to switch to when the data set changes: keep it if it still fits."""
    if task == "regression":
        return "mse"
    if n_classes > 2:
        return "ce"
    return "bce" if loss == "mse" else loss


def data_summary(d, test_file: str | None = None) -> str:
    """The data line under the editor: sizes, features, task, and a CSV's label → class map."""
    from pathlib import Path

    val = tr(" (+{0} validation)").format(len(d.x_val)) if d.x_val is not None else ""
    test = tr(" from {0}").format(Path(test_file).name) if test_file else ""
    task = tr(d.task) + (tr(", {0} classes").format(d.n_classes) if d.n_classes else "")
    text = tr("{0} train{1} · {2} test{3} · {4} features · {5}").format(
        len(d.x_train), val, len(d.x_test), test, d.n_features, task)
    if d.class_names:
        shown = ", ".join(f"{n} → {k}" for k, n in enumerate(d.class_names[:12]))
        more = tr(", … ({0} in all)").format(len(d.class_names)) if len(d.class_names) > 12 else ""
        text += tr("\nclasses (label → class): {0}{1}").format(shown, more)
    return text


class _Box(QGroupBox):
    """A titled group with a form and an error line under it."""

    def __init__(self, title: str, name: str):
        super().__init__(title)
        self.setObjectName(name)
        self.lay = QVBoxLayout(self)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.lay.addLayout(self.form)
        self.error = QLabel()
        self.error.setObjectName(f"{name}Error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()

    def finish(self) -> None:
        self.lay.addWidget(self.error)

    def set_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))


class NetworkEditors(QWidget):
    """Data set, architecture and regularization editors over a NetworkController."""

    def __init__(self, controller, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = controller
        self._filling = False
        self._errors: list[str] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)

        self.data_box = _Box(tr("Data"), "dataEditor")
        self.dataset_combo = QComboBox()
        self.dataset_combo.setObjectName("datasetCombo")
        for name, info in DATASETS.items():
            self.dataset_combo.addItem(f"{name} ({tr(info.task)})", name)
            self.dataset_combo.setItemData(self.dataset_combo.count() - 1, info.description,
                                           Qt.ItemDataRole.ToolTipRole)
        self.dataset_combo.addItem(tr("CSV file…"), CSV_ITEM)
        self.dataset_combo.activated.connect(self._dataset_chosen)
        self.data_box.form.addRow(tr("Data set"), self.dataset_combo)
        self.data_params = ParamEditor((SAMPLES, NOISE, TEST_FRACTION, CLASSES), owner="data")
        self.data_params.setObjectName("dataParams")
        self.data_params.values_changed.connect(self._data_edited)
        self.data_box.form.addRow(self.data_params)
        self.data_info = QLabel()
        self.data_info.setObjectName("dataInfo")
        self.data_info.setWordWrap(True)
        self.data_box.form.addRow(self.data_info)
        self.data_box.finish()
        lay.addWidget(self.data_box)

        self.net_box = _Box(tr("Network"), "architectureEditor")
        self.hidden_edit = QLineEdit()
        self.hidden_edit.setObjectName("hiddenEdit")
        self.hidden_edit.setToolTip(tr("Hidden layer widths, e.g. 8,8 (empty: no hidden layer)"))
        self.hidden_edit.editingFinished.connect(self._hidden_edited)
        self.net_box.form.addRow(tr("Hidden layers"), self.hidden_edit)
        self.activation_combo = self._combo("activationCombo", {
            n: a.formula for n, a in ACTIVATIONS.items()}, self._activation_chosen)
        self.net_box.form.addRow(tr("Activation"), self.activation_combo)
        self.loss_combo = self._combo("lossCombo", {
            n: f.formula for n, f in LOSSES.items()}, self._loss_chosen)
        self.net_box.form.addRow(tr("Loss"), self.loss_combo)
        self.init_combo = self._combo("initCombo", {
            "xavier": "Glorot uniform ±√(6/(fan_in+fan_out))",
            "he": "Kaiming normal, std √(2/fan_in)",
            "normal": "normal, std 1 (often too large: watch tanh/sigmoid saturate)",
        }, self._init_chosen)
        self.net_box.form.addRow(tr("Init"), self.init_combo)
        feats = QWidget()
        feats.setObjectName("featureChecks")
        grid = QGridLayout(feats)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        self.feature_checks: dict[str, QCheckBox] = {}
        for k, name in enumerate(FEATURES):
            box = QCheckBox(FEATURE_TITLES[name])
            box.setObjectName(FEATURE_OBJECT_NAMES[name])
            box.setToolTip(tr('feed {0} to the network (2-D data only)').format(
                    FEATURE_TITLES[name]))
            box.toggled.connect(lambda _on: self._features_toggled())
            grid.addWidget(box, k // 4, k % 4)
            self.feature_checks[name] = box
        self.net_box.form.addRow(tr("Inputs"), feats)
        self.arch_label = QLabel()
        self.arch_label.setObjectName("architectureLabel")
        self.net_box.form.addRow(self.arch_label)
        self.net_box.finish()
        lay.addWidget(self.net_box)

        self.reg_box = _Box(tr("Regularization"), "regularizationEditor")
        self.reg_params = ParamEditor((L1, L2, DROPOUT, BATCH_NORM), owner="regularization")
        self.reg_params.setObjectName("regularizationParams")
        self.reg_params.values_changed.connect(self._reg_edited)
        self.reg_box.form.addRow(self.reg_params)
        self.reg_box.finish()
        lay.addWidget(self.reg_box)

        controller.experiment_changed.connect(self.refresh)
        controller.error.connect(self._errors.append)
        self.refresh()

    def _combo(self, name: str, items: dict[str, str], slot) -> QComboBox:
        c = QComboBox()
        c.setObjectName(name)
        for key, tip in items.items():
            c.addItem(key, key)
            c.setItemData(c.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        c.activated.connect(lambda _i: slot(c.currentData()))
        return c

    # --- controller -> widgets --------------------------------------------------------------
    def refresh(self) -> None:
        """Show the controller's experiment (no signals go back)."""
        exp, sim = self.controller.experiment, self.controller.sim
        self._filling = True
        try:
            if exp.data_file:
                i = self.dataset_combo.findData(CSV_ITEM)
                self.dataset_combo.setItemText(i, f"CSV: {sim.data.name}")
                self.dataset_combo.setCurrentIndex(i)
                name, params = None, {}
            else:
                self.dataset_combo.setItemText(self.dataset_combo.findData(CSV_ITEM),
                                               tr("CSV file…"))
                name, params = dataset_parts(exp.dataset)
                self.dataset_combo.setCurrentIndex(self.dataset_combo.findData(name))
            noise = exp.noise if exp.noise is not None else (
                DATASETS[name].noise if name else 0.0)
            self.data_params.set_values({
                "samples": exp.samples, "noise": noise, "test_fraction": exp.test_fraction,
                "classes": params.get("classes", 2)})
            has_classes = name is not None and any(p.name == "classes"
                                                   for p in DATASETS[name].params)
            for key in ("classes",):
                for w in (self.data_params.field(key), self.data_params.slider(key)):
                    w.setEnabled(has_classes)
            for key in ("samples", "noise"):
                for w in (self.data_params.field(key), self.data_params.slider(key)):
                    w.setEnabled(not exp.data_file)
            for w in (self.data_params.field("test_fraction"),
                      self.data_params.slider("test_fraction")):
                w.setEnabled(not exp.test_file)
            self.data_info.setText(data_summary(sim.data, exp.test_file))
            self.hidden_edit.setText(",".join(str(h) for h in exp.hidden))
            self.activation_combo.setCurrentIndex(self.activation_combo.findData(exp.activation))
            self.loss_combo.setCurrentIndex(self.loss_combo.findData(exp.loss))
            init = exp.init.split(":")[0]
            self.init_combo.setCurrentIndex(self.init_combo.findData(init))
            chosen = sim.features or (("x1", "x2") if sim.data.n_features == 2 else ())
            for name, box in self.feature_checks.items():
                box.setChecked(name in chosen)
                box.setEnabled(sim.data.n_features == 2)
            widths = "-".join(str(w) for w in sim.arch.widths)
            self.arch_label.setText(tr('{0} · {1} weights').format(widths, sim.net.size))
            self.reg_params.set_values({"l1": exp.l1, "l2": exp.l2, "dropout": exp.dropout,
                                        "batch_norm": exp.batch_norm})
            for box in (self.data_box, self.net_box, self.reg_box):
                box.set_error("")
        finally:
            self._filling = False

    # --- widgets -> controller --------------------------------------------------------------
    def _apply(self, box: _Box, **fields) -> bool:
        if self._filling:
            return False
        self._errors.clear()
        ok = self.controller.update(**fields)
        if not ok:
            box.set_error(self._errors[-1] if self._errors else "refused")
            self.refresh_soon(box)
        return ok

    def refresh_soon(self, box: _Box) -> None:
        """Put the widgets back to the current experiment but keep ``box``'s error shown."""
        msg = box.error.text()
        self.refresh()
        box.set_error(msg)

    def _dataset_chosen(self, _index: int) -> None:
        key = self.dataset_combo.currentData()
        exp = self.controller.experiment
        if key == CSV_ITEM:
            path, _ = QFileDialog.getOpenFileName(self, tr("Open data CSV"), "",
                                                  tr("CSV (*.csv);;All files (*)"))
            if not path:
                self.refresh()
                return
            self.load_csv(path)
            return
        info = DATASETS[key]
        classes = self.data_params.values()["classes"] if info.params else None
        spec = dataset_spec(key, classes)
        k = (classes or 2) if info.task == "classification" else 0
        loss = fitting_loss(info.task, k, exp.loss)
        feats = exp.features if info.task == "classification" else None  # sine is 1-D
        self._apply(self.data_box, dataset=spec, data_file=None, test_file=None, noise=None,
                    loss=loss, features=feats)

    def load_csv(self, path: str) -> bool:
        """Train on a user's CSV (the loss follows the file's task); a test file opened
        for the previous CSV is dropped."""
        from gdsim.nn.datasets import load_csv

        exp = self.controller.experiment
        try:
            d = load_csv(path, exp.test_fraction, exp.seed)
        except GdsimError as e:
            self.data_box.set_error(str(e))
            self.refresh_soon(self.data_box)
            return False
        loss = fitting_loss(d.task, d.n_classes, exp.loss)
        feats = exp.features if d.n_features == 2 else None  # features need x₁, x₂
        return self._apply(self.data_box, data_file=path, test_file=None, loss=loss,
                           features=feats)

    def _data_edited(self, values: dict) -> None:
        exp = self.controller.experiment
        fields: dict = {}
        if values["samples"] != exp.samples:
            fields["samples"] = values["samples"]
        if values["test_fraction"] != exp.test_fraction:
            fields["test_fraction"] = values["test_fraction"]
        name = None if exp.data_file else dataset_parts(exp.dataset)[0]
        if name is not None:
            default = DATASETS[name].noise
            cur = exp.noise if exp.noise is not None else default
            if not math.isclose(values["noise"], cur, rel_tol=0, abs_tol=1e-15):
                fields["noise"] = values["noise"]
            if DATASETS[name].params:
                spec = dataset_spec(name, values["classes"])
                if spec != exp.dataset:
                    fields["dataset"] = spec
                    fields["loss"] = fitting_loss("classification", values["classes"], exp.loss)
        if fields:
            self._apply(self.data_box, **fields)

    def _hidden_edited(self) -> None:
        try:
            hidden = parse_hidden(self.hidden_edit.text())
        except GdsimError as e:
            self.net_box.set_error(str(e))
            return
        if hidden != tuple(self.controller.experiment.hidden):
            self._apply(self.net_box, hidden=hidden)

    def _features_toggled(self) -> None:
        if self._filling:
            return
        chosen = tuple(n for n, box in self.feature_checks.items() if box.isChecked())
        features = None if chosen == ("x1", "x2") else chosen  # x₁, x₂ alone: the raw inputs
        if features != self.controller.experiment.features:
            self._apply(self.net_box, features=features)

    def _activation_chosen(self, name: str) -> None:
        if name != self.controller.experiment.activation:
            self._apply(self.net_box, activation=name)

    def _loss_chosen(self, name: str) -> None:
        if name != self.controller.experiment.loss:
            self._apply(self.net_box, loss=name)

    def _init_chosen(self, name: str) -> None:
        if name != self.controller.experiment.init.split(":")[0]:
            self._apply(self.net_box, init=name)

    def _reg_edited(self, values: dict) -> None:
        exp = self.controller.experiment
        fields = {k: values[k] for k in ("l1", "l2", "dropout", "batch_norm")
                  if values[k] != getattr(exp, k)}
        if fields:
            self._apply(self.reg_box, **fields)


class NetworkRunsPanel(RunsPanel):
    """The app's runs panel over a NetworkController: same table and optimizer editors; the
    live columns show each run's train loss and status, the settings are the training ones."""

    def __init__(self, controller, parent: QWidget | None = None):
        super().__init__(controller, parent)
        self.note.setText(tr("Every change here restarts all runs from the initial weights "
                          "(a new colour applies at once). A run's weight_decay is "
                          "torch.optim's: λ·θ on every parameter, biases too (decoupled in "
                          "adamw); the Model tab's l2 penalizes weight matrices only."))
        self.settings_box.setTitle(tr("Training"))
        self.table.horizontalHeaderItem(COL_LOSS).setText(tr("Train loss"))
        self.table.currentCellChanged.connect(lambda r, _c, _pr, _pc: self._follow(r))

    def _follow(self, row: int) -> None:
        enabled = self.controller.enabled_indices()
        if row in enabled:
            self.controller.select(enabled.index(row))

    def update_live(self) -> None:
        ctl = self.controller
        enabled = ctl.enabled_indices()
        sim_of = {exp_i: j for j, exp_i in enumerate(enabled)}
        self._filling = True
        try:
            for i in range(self.table.rowCount()):
                j = sim_of.get(i)
                if j is None or j >= ctl.sim.n_runs:
                    self._set_text(i, COL_LOSS, "—")
                    self._set_text(i, COL_STATUS, tr("off"), tr("run disabled"))
                    continue
                run = ctl.sim.runs[j]
                rows = ctl.shown_rows(j)
                rec = ctl.sim.record(j)
                # the shown weights' loss: after an early stop, the restored step's
                loss = float(ctl.sim.row_at(j, rows - 1)[TRAIN_LOSS]) if rows > 0 else math.nan
                self._set_text(i, COL_LOSS, f"{loss:.5g}" if math.isfinite(loss) else str(loss))
                status, tip = status_cell(run.status, len(rec) - 1, rows - 1, run.reason)
                item = self._set_text(i, COL_STATUS, status, tip)
                red = status == tr("diverged")
                item.setForeground(QColor(DIVERGED_COLOR) if red else
                                   self.palette().text().color())
        finally:
            self._filling = False

    def _show_settings(self) -> None:
        exp = self.controller.experiment
        values = {"epochs": exp.epochs, "batch_size": exp.batch_size or 0,
                  "early_stopping": exp.early_stopping or 0, "seed": exp.seed}
        if self._settings_editor is None:
            self._settings_editor = ParamEditor((EPOCHS, BATCH, PATIENCE, SEED), values,
                                                owner="training", no_slider=("seed",))
            self._settings_editor.setObjectName("trainingParams")
            self._settings_editor.values_changed.connect(self._on_settings)
            self._settings_holder.addWidget(self._settings_editor)
        else:
            self._settings_editor.set_values(values)

    def _on_settings(self, values: dict) -> None:
        exp = self.controller.experiment
        new = {"epochs": values["epochs"], "batch_size": values["batch_size"] or None,
               "early_stopping": values["early_stopping"] or None, "seed": values["seed"]}
        kw = {k: v for k, v in new.items() if v != getattr(exp, k)}
        if kw and not self._call(self.controller.set_settings, **kw):
            self._settings_editor.set_form_error(self._last_error or "refused")
