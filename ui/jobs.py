"""Long work off the UI thread: a :class:`Job` runs a function on the global ``QThreadPool``
and reports progress and its outcome through queued signals (as the basin map does).

Used where a user action could otherwise block the window for seconds (exporting the CSV
of a long experiment runs it to the end first). Work functions are plain Python/NumPy: they
receive ``report(fraction)`` and touch no Qt object.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from gdsim.errors import GdsimError

AT_ONCE_S = 0.03  # work estimated below this (about two frames) runs on the UI thread


class _Runnable(QRunnable):
    def __init__(self, job: Job, work: Callable, generation: int):
        super().__init__()
        self.job, self.work, self.generation = job, work, generation

    def run(self) -> None:  # worker thread
        def report(fraction: float) -> None:
            self._emit(self.job.progressed, (self.generation, float(fraction)))

        try:
            result: object = self.work(report)
            error = ""
        except GdsimError as e:
            result, error = None, str(e)
        except OSError as e:
            result, error = None, f"{e.strerror or e}"
        except Exception as e:  # noqa: BLE001 -- a worker must not die silently
            result, error = None, f"{type(e).__name__}: {e}"
        self._emit(self.job.finished, (self.generation, result, error))

    @staticmethod
    def _emit(signal, payload) -> None:
        try:
            signal.emit(payload)
        except RuntimeError:  # the job's owner was deleted (window closed) meanwhile
            pass


class Job(QObject):
    """One kind of background work with at most one run in flight.

    ``start(work, on_done)``: ``work(report) -> result`` runs on a pool thread; back on the UI
    thread ``on_progress(fraction)`` follows its reports and ``on_done(result, error)`` its end
    (``error`` is "" on success, else the message).
    """

    progressed = Signal(object)  # (generation, fraction), queued from the worker
    finished = Signal(object)  # (generation, result, error)

    def __init__(self, parent: QObject | None = None, on_progress=None):
        super().__init__(parent)
        self.generation = 0
        self.busy = False
        self._on_done = None
        self._on_progress = on_progress
        self.progressed.connect(self._progressed)
        self.finished.connect(self._finished)

    def start(self, work: Callable, on_done: Callable[[object, str], None]) -> bool:
        """Run ``work`` in the background; False (nothing started) while one is running."""
        if self.busy:
            return False
        self.generation += 1
        self.busy = True
        self._on_done = on_done
        QThreadPool.globalInstance().start(_Runnable(self, work, self.generation))
        return True

    def _progressed(self, payload) -> None:
        generation, fraction = payload
        if generation == self.generation and self.busy and self._on_progress is not None:
            self._on_progress(fraction)

    def _finished(self, payload) -> None:
        generation, result, error = payload
        if generation != self.generation:
            return
        self.busy = False
        done, self._on_done = self._on_done, None
        if done is not None:
            done(result, error)


def run_to_end(sim, report: Callable[[float], None], chunk: int = 20_000) -> None:
    """Step an engine object (Simulation or Trainer) until it is done, reporting progress."""
    total = max(1, int(sim.max_steps))
    while not sim.done:
        if sim.step(chunk) <= 0:
            break
        report(min(1.0, sim.t / total))
