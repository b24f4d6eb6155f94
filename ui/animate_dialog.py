"""File → Export animation…: options dialog, then a progress dialog with Cancel.

The frames are rendered by :class:`ui.animate.AnimationJob` one per event-loop turn (the
window stays responsive) and encoded on a worker thread; Cancel leaves no file.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QWidget,
)
from shiboken6 import isValid

from gdsim.errors import GdsimError
from ui import animate
from ui.i18n import tr


class AnimationDialog(QDialog):
    """Asks for file, size, frame rate, step range, frame count and the loss panel."""

    def __init__(self, last_step: int, max_step: int, directory: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("animationDialog")
        self.setWindowTitle(tr("Export animation"))
        form = QFormLayout(self)
        self.path_edit = QLineEdit(str(Path(directory or ".") / "race.gif"))
        self.path_edit.setObjectName("animationPathEdit")
        browse = QPushButton(tr("Browse…"))
        browse.setObjectName("animationBrowseButton")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        form.addRow(tr("File (.gif or .mp4)"), row)

        lo, hi = animate.SIZE_RANGE
        self.width_spin = self._spin("animationWidthSpin", lo, hi, animate.DEFAULT_SIZE[0])
        self.height_spin = self._spin("animationHeightSpin", lo, hi, animate.DEFAULT_SIZE[1])
        size = QHBoxLayout()
        size.addWidget(self.width_spin)
        size.addWidget(self.height_spin)
        form.addRow(tr("Size (width × height, px)"), size)
        self.fps_spin = self._spin("animationFpsSpin", 1, animate.MAX_FPS, animate.DEFAULT_FPS)
        form.addRow(tr("Frames per second"), self.fps_spin)
        top = max(int(max_step), 0)
        self.first_spin = self._spin("animationFirstStepSpin", 0, top, 0)
        self.last_spin = self._spin("animationLastStepSpin", 0, top, min(int(last_step), top))
        steps = QHBoxLayout()
        steps.addWidget(self.first_spin)
        steps.addWidget(self.last_spin)
        form.addRow(tr("Steps (first, last)"), steps)
        self.frames_spin = self._spin("animationFramesSpin", 1, animate.MAX_FRAMES,
                                      animate.DEFAULT_MAX_FRAMES)
        self.frames_spin.setToolTip(tr("Frames spread evenly over the steps (at most one "
                                            "per step)"))
        form.addRow(tr("Frames"), self.frames_spin)
        self.loss_check = QCheckBox(tr("with the loss panel"))
        self.loss_check.setObjectName("animationLossCheck")
        self.loss_check.setChecked(True)
        form.addRow("", self.loss_check)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.setObjectName("animationButtons")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _spin(self, name: str, lo: int, hi: int, value: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName(name)
        spin.setRange(lo, hi)
        spin.setValue(value)
        return spin

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("Export animation"),
                                              self.path_edit.text(),
                                              tr("GIF (*.gif);;MP4 video (*.mp4)"))
        if path:
            self.path_edit.setText(path)

    def options(self) -> animate.AnimationOptions:
        """The options entered (validated by :func:`animate.check_options`)."""
        path = Path(self.path_edit.text().strip())
        if not path.suffix:
            path = path.with_suffix(".gif")
        return animate.check_options(animate.AnimationOptions(
            path=path, size=(self.width_spin.value(), self.height_spin.value()),
            fps=self.fps_spin.value(), first_step=self.first_spin.value(),
            last_step=self.last_spin.value(), frames=self.frames_spin.value(),
            loss_panel=self.loss_check.isChecked()))


def start_export(window, experiment, opts: animate.AnimationOptions, title: str = ""):
    """Start an :class:`AnimationJob` with a modeless progress dialog (Cancel stops it);
    returns the job (its ``finished`` says how it ended), or None if it could not start."""
    try:
        job = animate.animation_job(experiment, opts, title, window)
    except GdsimError as e:
        window.show_file_error(tr("Cannot export animation"), str(e))
        return None
    progress = QProgressDialog(tr("Rendering animation frames…"), tr("Cancel"),
                               0, 1, window)
    progress.setObjectName("animationProgress")
    progress.setWindowTitle(tr("Export animation"))
    progress.setWindowModality(Qt.WindowModality.NonModal)
    progress.setMinimumDuration(0)
    progress.setAutoClose(False)
    progress.setAutoReset(False)
    job.progress_dialog = progress

    def on_progress(done: int, total: int) -> None:
        if not isValid(progress):  # closed (or its window gone) while a signal was queued
            return
        progress.setMaximum(max(total, 1))
        progress.setValue(done)
        progress.setLabelText(tr("Frame {0} of {1}").format(done, total))

    def on_preparing(step: int, last: int) -> None:
        if not isValid(progress):
            return
        progress.setMaximum(max(last, 1))
        progress.setValue(step)
        progress.setLabelText(tr("Running the simulation: step {0} of {1}").format(step, last))

    def on_finished(summary, error: str) -> None:
        if isValid(progress):
            progress.close()
            progress.deleteLater()
        if not isValid(window):
            return
        if summary is not None:
            window.statusBar().showMessage(
                tr("Exported {0} ({1} frames)").format(summary["path"], summary["frames"]), 8000)
        elif error == "cancelled":
            window.statusBar().showMessage(tr("Animation export cancelled"), 5000)
        else:
            window.show_file_error(tr("Cannot export animation"), error)

    job.preparing.connect(on_preparing)
    job.progress.connect(on_progress)
    job.finished.connect(on_finished)
    progress.canceled.connect(job.cancel)
    progress.show()
    job.start()
    return job
