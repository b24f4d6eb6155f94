"""One run's recorded path: a preallocated float64 table grown by doubling.

Each row is one step (row 0 is the start): ``x, y, loss, grad_x, grad_y, lr``, 48 bytes a
step. The gradient norm is computed on demand, not stored. Views, never Python lists.
"""

from __future__ import annotations

import numpy as np

COLUMNS = ("x", "y", "loss", "grad_x", "grad_y", "lr")
ROW_BYTES = 8 * len(COLUMNS)


class Trajectory:
    """Growable ``(capacity, 6)`` float64 table of the first ``n`` recorded steps."""

    def __init__(self, capacity: int = 256, limit: int | None = None):
        # ``limit`` (max rows ever needed, steps + 1) caps growth so a finished run holds
        # exactly its rows, not up to twice as many.
        self.limit = limit
        cap = max(1, int(capacity) if limit is None else min(int(capacity), int(limit)))
        self._buf = np.empty((cap, len(COLUMNS)), dtype=np.float64)
        self.n = 0

    @property
    def capacity(self) -> int:
        """Rows allocated (recorded or not)."""
        return self._buf.shape[0]

    @property
    def nbytes(self) -> int:
        """Bytes held by the table (capacity rows, including unused ones)."""
        return self._buf.nbytes

    def reserve(self, rows: int) -> None:
        """Make room for ``rows`` rows in total, doubling (capped at ``limit``)."""
        if rows <= self.capacity:
            return
        cap = max(rows, 2 * self.capacity)
        if self.limit is not None:
            cap = max(rows, min(cap, self.limit))
        buf = np.empty((cap, len(COLUMNS)), dtype=np.float64)
        buf[: self.n] = self._buf[: self.n]
        self._buf = buf

    def block(self, start: int, stop: int) -> np.ndarray:
        """Writable rows ``start:stop`` (room is made first); ``n`` is not changed."""
        self.reserve(stop)
        return self._buf[start:stop]

    def shrink(self) -> None:
        """Drop unused capacity (called once a run has stopped)."""
        if self.capacity > self.n:
            self._buf = self._buf[: max(self.n, 1)].copy()

    @property
    def data(self) -> np.ndarray:
        """The recorded rows, ``(n, 6)``."""
        return self._buf[: self.n]

    @property
    def points(self) -> np.ndarray:
        """Recorded ``(x, y)`` per step, ``(n, 2)`` (a view)."""
        return self._buf[: self.n, 0:2]

    @property
    def loss(self) -> np.ndarray:
        """Recorded loss per step, ``(n,)`` (a view)."""
        return self._buf[: self.n, 2]

    @property
    def grad(self) -> np.ndarray:
        """Recorded full gradient per step, ``(n, 2)`` (a view)."""
        return self._buf[: self.n, 3:5]

    @property
    def grad_norm(self) -> np.ndarray:
        """Euclidean norm of the recorded (full, noise-free) gradient, computed."""
        return self.grad_norm_at(slice(None))

    def grad_norm_at(self, rows: np.ndarray | slice) -> np.ndarray:
        """``grad_norm`` at the given rows only (plots draw a few thousand of 100,000)."""
        g = self._buf[: self.n][rows]
        with np.errstate(over="ignore"):  # inf for gradients beyond ~1e308
            return np.hypot(g[..., 3], g[..., 4])

    @property
    def lr(self) -> np.ndarray:
        """Scheduled learning rate per step, ``(n,)`` (a view)."""
        return self._buf[: self.n, 5]

    def copy(self) -> Trajectory:
        """An independent copy of the recorded rows (e.g. for a background export)."""
        out = Trajectory(capacity=max(self.n, 1), limit=self.limit)
        out._buf[: self.n] = self._buf[: self.n]
        out.n = self.n
        return out

    def __len__(self) -> int:
        return self.n
