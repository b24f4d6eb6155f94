"""File → Export trajectory CSV without freezing the app.

The rows are written by a background thread: either a copy of what the simulation has
computed (taken at once on the UI thread), or a fresh simulation of the whole experiment run
to the end first (the same numbers as ``gdsim run --csv``, by determinism). A progress dialog
reports the work and offers Cancel; a cancelled or failed export leaves no file (and any
earlier file untouched), because the CSV is written to a temporary file renamed at the end.
"""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from gdsim.errors import GdsimError
from gdsim.io import atomic_write_chunks, csv_chunks, csv_rows
from gdsim.simulation import Experiment, Simulation
from ui.i18n import tr

STEP_SHARE = 0.7  # of the progress bar, for running the experiment (the rest: writing)
CHUNK_SECONDS = 0.05  # stepping time between two looks at Cancel
PROGRESS_TICKS = 1000
SHOW_AFTER_MS = 300  # a quick export never flashes a dialog


class Cancelled(Exception):
    """The user pressed Cancel."""


def snapshot(sim):
    """What ``sim`` has computed, copied (labels, optimizers, trajectories) so that a background
    thread can write it while the simulation goes on or restarts."""
    return SimpleNamespace(runs=[SimpleNamespace(label=r.label, spec=r.spec,
                                                 trajectory=r.trajectory.copy())
                                 for r in sim.runs])


def export_csv(source, path, cancelled=lambda: False, report=lambda text, frac: None) -> None:
    """Write the trajectory CSV of ``source`` to ``path`` atomically: a snapshot (written as it
    is) or an :class:`Experiment` (simulated to the end first). ``cancelled()`` is polled
    between pieces of work (raises :class:`Cancelled`, nothing written); ``report(text,
    fraction)`` tells the progress. Runs on any thread: no Qt here."""
    if isinstance(source, Experiment):
        sim = Simulation(source)
        total = max(sim.max_steps, 1)
        n = 64
        while not sim.done:
            if cancelled():
                raise Cancelled
            t0 = time.perf_counter()
            sim.step(n)
            spent = time.perf_counter() - t0
            n = int(min(max(n * CHUNK_SECONDS / max(spent, 1e-4), 16), 1_000_000))
            report(f"Running the experiment: step {sim.t:,} of {sim.max_steps:,}…",
                   STEP_SHARE * sim.t / total)
        start = STEP_SHARE
    else:
        sim, start = source, 0.0
    rows = max(csv_rows(sim), 1)

    def pieces():
        done = 0
        for text in csv_chunks(sim):
            if cancelled():
                raise Cancelled
            done += text.count("\n")
            report(f"Writing {min(done, rows):,} of {rows:,} rows…",
                   start + (1 - start) * min(done, rows) / rows)
            yield text.encode("utf-8")
        if cancelled():  # pressed after the last piece: still no file
            raise Cancelled

    atomic_write_chunks(path, pieces())


class CsvExportJob(QObject):
    """One background export with its progress dialog; ``finished(message)`` says how it
    ended: '' when written, 'cancelled', or the reason it failed."""

    progress = Signal(str, float)  # from the worker thread (queued to this object's thread)
    _worker_done = Signal(str)  # from the worker thread
    finished = Signal(str)

    def __init__(self, source, path: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.path = str(path)
        self.running = True
        self.result: str | None = None
        self._cancel = threading.Event()
        self.dialog = QProgressDialog(tr("Preparing the CSV…"), tr("Cancel"), 0, PROGRESS_TICKS,
                                      parent)
        self.dialog.setObjectName("csvExportProgress")
        self.dialog.setWindowTitle(tr("Export trajectory CSV"))
        self.dialog.setWindowModality(Qt.WindowModality.NonModal)  # the app stays usable
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.setMinimumDuration(SHOW_AFTER_MS)
        self.dialog.setValue(0)
        self.dialog.canceled.connect(self.cancel)
        self.progress.connect(self._progress)
        self._worker_done.connect(self._finish)
        self._thread = threading.Thread(target=self._work, args=(source,), daemon=True,
                                        name="gdsim-csv-export")
        self._thread.start()

    def cancel(self) -> None:
        """Stop at the next piece of work; no file is written."""
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the worker thread ends (tests, closing the window)."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _work(self, source) -> None:  # worker thread
        try:
            export_csv(source, self.path, self._cancel.is_set,
                       lambda text, frac: self._emit(self.progress, text, frac))
            message = ""
        except Cancelled:
            message = "cancelled"
        except GdsimError as e:
            message = str(e)
        except Exception as e:  # noqa: BLE001 (a worker must not die silently)
            message = f"export failed: {type(e).__name__}: {e}"
        self._emit(self._worker_done, message)

    def _emit(self, signal, *args) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the window (and this object) went away meanwhile
            pass

    def _progress(self, text: str, frac: float) -> None:
        if self.running:
            self.dialog.setLabelText(text)
            self.dialog.setValue(int(round(PROGRESS_TICKS * min(max(frac, 0.0), 1.0))))

    def _finish(self, message: str) -> None:
        self.running = False
        self.result = message
        self.dialog.canceled.disconnect(self.cancel)
        self.dialog.close()
        self.dialog.deleteLater()
        self.finished.emit(message)
