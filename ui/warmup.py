"""The compiled kernels (numba, the ``fast`` extra) loaded on a worker thread a moment after
the window shows, so that neither the first basin or stability map nor the first network
step waits for numba's start-up (≈ 0.6 s a process; about ten seconds the first time after
an install, when they compile)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QThreadPool, QTimer

WARM_DELAY_MS = 1500  # after the first paint, while the person takes in the window

log = logging.getLogger(__name__)
_started: list[bool] = []


def schedule(delay_ms: int = WARM_DELAY_MS) -> None:
    """Once per session: load the kernels on Qt's global thread pool after ``delay_ms``."""
    QTimer.singleShot(delay_ms, start)


def start() -> None:
    """Load the kernels now on a worker thread (once; a no-op without numba or when off)."""
    from gdsim import kernels

    if _started or not kernels.enabled():
        return
    _started.append(True)
    QThreadPool.globalInstance().start(_warm)


def _warm() -> None:  # worker thread
    from gdsim import kernels
    from gdsim.kernels import mlp_pass

    for warm in (kernels.warm, mlp_pass.warm):
        try:
            warm()
        except Exception:  # noqa: BLE001 -- a failed warm-up only means the first use pays it
            log.warning("compiled kernels could not be loaded ahead", exc_info=True)
