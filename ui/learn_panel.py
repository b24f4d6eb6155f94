"""The Learn dock: for each optimizer and schedule, the everyday picture, the update rule (the
registry's formula, untranslated), when to use it and the failure it fixes, in the UI's
language, with a button that loads an experiment showing it (``gdsim.learn``)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from gdsim import learn
from gdsim.errors import GdsimError
from ui.i18n import tr
from ui.resources import resource_path


class LearnPanel(QWidget):
    """Kind picker, list of names, the explanation, and "Show me" (``demo_requested``)."""

    demo_requested = Signal(str, str)  # kind ("optimizers" / "schedules"), name

    def __init__(self, language: str = "en", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("learnPanel")
        self.language = language if language in learn.LANGUAGES else "en"
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("learnKindCombo")
        self.kind_combo.addItem(tr("Optimizers"), "optimizers")
        self.kind_combo.addItem(tr("Learning-rate schedules"), "schedules")
        self.kind_combo.currentIndexChanged.connect(lambda _i: self._fill())
        lay.addWidget(self.kind_combo)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setObjectName("learnSplitter")
        self.list = QListWidget()
        self.list.setObjectName("learnList")
        self.list.currentItemChanged.connect(lambda *_a: self._show())
        split.addWidget(self.list)
        self.text = QTextBrowser()
        self.text.setObjectName("learnText")
        self.text.setOpenExternalLinks(False)
        split.addWidget(self.text)
        split.setSizes([160, 420])
        lay.addWidget(split, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.demo_button = QPushButton(tr("Show me"))
        self.demo_button.setObjectName("learnDemoButton")
        self.demo_button.setToolTip(tr("Load an experiment that shows it"))
        self.demo_button.clicked.connect(self._demo)
        row.addWidget(self.demo_button)
        lay.addLayout(row)
        self._fill()

    # ------------------------------------------------------------------ public
    @property
    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    @property
    def name(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def select(self, kind: str, name: str) -> None:
        """Show the entry ``name`` of ``kind``."""
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind))
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.ItemDataRole.UserRole) == name:
                self.list.setCurrentRow(i)
                return

    def set_language(self, language: str) -> None:
        """Show the texts in ``language`` (one of ``gdsim.learn.LANGUAGES``)."""
        self.language = language if language in learn.LANGUAGES else "en"
        name = self.name
        self._fill()
        if name is not None:
            self.select(self.kind, name)

    # ----------------------------------------------------------------- private
    def _fill(self) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for name in learn.registry_names(self.kind):
            title = learn.entry(self.kind, name, self.language).get("title", name)
            item = QListWidgetItem(f"{name} — {title}")
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.list.setCurrentRow(0)
        self._show()

    def _show(self) -> None:
        name = self.name
        if name is None:
            self.text.clear()
            return
        e = learn.entry(self.kind, name, self.language)
        rule = e["formula"]
        rule_html = (f"<pre style='white-space: pre-wrap'>{html.escape(rule)}</pre>" if rule else
                     f"<p><i>{html.escape(tr('Not in this version of gdsim yet.'))}</i></p>")
        sections = [
            (tr("The picture"), e.get("intuition", "")),
            (tr("Update rule") if self.kind == "optimizers" else tr("Rate at step t"),
             None),
            (tr("When to use it"), e.get("when", "")),
            (tr("What it fixes"), e.get("fixes", "")),
        ]
        parts = [f"<h3>{html.escape(e.get('title', name))} <code>{html.escape(name)}</code></h3>"]
        for head, body in sections:
            parts.append(f"<p><b>{html.escape(head)}</b></p>")
            parts.append(rule_html if body is None else f"<p>{html.escape(body)}</p>")
        self.text.setHtml("".join(parts))
        try:
            learn.demo_experiment(self.kind, name, resource_path("presets"))
            ok, why = True, ""
        except GdsimError as err:
            ok, why = False, str(err)
        self.demo_button.setEnabled(ok)
        self.demo_button.setToolTip(tr("Load an experiment that shows it") if ok else why)

    def _demo(self) -> None:
        if self.name is not None:
            self.demo_requested.emit(self.kind, self.name)
