"""Status bar: the step count and, per run, its loss and status; notices and refusals."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QLabel, QStatusBar

from ui import theme
from ui.i18n import tr

NOTICE_MS = 12_000
MESSAGE_MARGIN_PX = 40  # the status bar's own margins and separators


class StatusPanel:
    """Keeps a status bar's permanent labels in step with the controller."""

    def __init__(self, controller, bar: QStatusBar):
        self.controller = controller
        self.bar = bar
        self.step_label = QLabel()
        self.step_label.setObjectName("stepLabel")
        self.runs_label = QLabel()
        self.runs_label.setObjectName("runsStatusLabel")
        self.shown = True  # see set_shown
        self.shown_at = -1  # the step the run summary shows
        bar.addPermanentWidget(self.runs_label)
        bar.addPermanentWidget(self.step_label)
        # ``readout``: in step with the runs table while playing (same moments, same step)
        getattr(controller, "readout", controller.stepped).connect(self.refresh)
        controller.reset_done.connect(self.refresh)
        controller.cursor_changed.connect(self.refresh)
        if hasattr(controller, "run_color_changed"):
            controller.run_color_changed.connect(self.refresh)
        controller.notice.connect(self.show_notice)
        controller.error.connect(self.show_error)
        bar.messageChanged.connect(self._message_changed)
        self.refresh()

    def refresh(self, *_args) -> None:
        c = self.controller
        shown = self.shown_at = c.shown_step
        tail = "" if c.cursor < 0 else f" (showing {shown})"
        self.step_label.setText(tr('Step {0} / {1}{2}').format(c.sim.t, c.sim.max_steps, tail))
        self.runs_label.setText(self.runs_text())
        self._make_room()

    def runs_text(self) -> str:
        """Rich text: each run's colour, label, loss at the shown step and status."""
        c = self.controller
        parts = []
        for i, run in enumerate(c.sim.runs):
            k = c.shown_rows(i) - 1
            loss = float(run.trajectory.loss[k]) if k >= 0 else float("nan")
            color = run.spec.color or theme.run_color(i)
            # scrubbed back to before the run stopped, it was still running there
            stopped = run.status != "running" and k >= run.steps
            status = f" · {run.status}" if stopped else ""
            style = " style='color:#b00020'" if stopped and run.status == "diverged" else ""
            parts.append(
                f"<span style='color:{color}'>●</span> {html.escape(run.label)} "
                f"<span{style}>{loss:.4g}{status}</span>"
            )
        return "&nbsp;&nbsp; ".join(parts)

    def show_notice(self, text: str) -> None:
        self.bar.setStyleSheet("")
        self._show(text)

    def _message_changed(self, text: str) -> None:
        if not text:
            self.bar.setStyleSheet("")
        self._make_room()

    def show_error(self, text: str) -> None:
        self.bar.setStyleSheet("QStatusBar { color: #b00020; }")
        self._show(f"Refused: {text}")

    def _show(self, text: str) -> None:
        """Show a message for NOTICE_MS (never cut off: see :meth:`_make_room`)."""
        self.bar.showMessage(text, NOTICE_MS)
        self._make_room()

    def _make_room(self) -> None:
        """The per-run summary (also in the runs table) steps aside while the current message
        would not fit beside it."""
        text = self.bar.currentMessage()
        fits = True
        if text and self.bar.isVisible():
            need = self.bar.fontMetrics().horizontalAdvance(text) + MESSAGE_MARGIN_PX
            room = self.bar.width() - self.step_label.sizeHint().width()
            fits = need + self.runs_label.sizeHint().width() <= room
        show = self.shown and fits
        if self.runs_label.isVisibleTo(self.bar) != show:
            self.runs_label.setVisible(show)

    def set_shown(self, on: bool) -> None:
        """Show or hide the step count and run summary (they belong to the Surfaces tab)."""
        self.shown = bool(on)
        self.step_label.setVisible(self.shown)
        self._make_room()
