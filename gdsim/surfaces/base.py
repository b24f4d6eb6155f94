"""The :class:`Surface` base: value and analytic gradient of f(x, y), written once.

A surface writes ``_f(x, y)`` and ``_g(x, y) -> (∂f/∂x, ∂f/∂y)`` as plain expressions that
serve both Python floats (one point: a run's hot loop, a few µs) and NumPy arrays (batches,
evaluated in row blocks that stay in cache): the same operations in the same order, so a run's
numbers are bit-identical whatever batch it sits in (tested). Surfaces whose math needs
something else (data surfaces) override ``_value``/``_grad_into``.
"""

from __future__ import annotations

import math

import numpy as np

from gdsim.errors import GdsimError

PI = math.pi
TWO_PI = 2.0 * math.pi

Domain = tuple[float, float, float, float]


def as_points(p: object, what: str = "points") -> np.ndarray:
    """``p`` as a float64 array of shape (..., 2) (no copy when it already is one)."""
    a = np.asarray(p, dtype=np.float64)
    if a.ndim == 0 or a.shape[-1] != 2:
        raise GdsimError(f"{what} must have shape (..., 2), got {a.shape}")
    return a


class Surface:
    """A 2-D loss f(x, y) with its analytic gradient, view domain, start and known minima."""

    name: str = ""
    title: str = ""
    formula: str = ""
    story: str = ""
    _scalar_f = _scalar_g = False
    domain: Domain = (-5.0, 5.0, -5.0, 5.0)
    start: tuple[float, float] = (0.0, 0.0)
    n_samples: int = 0
    axis_names: tuple[str, str] = ("x", "y")  # what the two coordinates are, for axis labels

    def __init__(self, params: dict | None = None) -> None:
        self.params: dict = dict(params or {})
        self.minima: np.ndarray = np.empty((0, 2))
        self.minimum_values: np.ndarray = np.empty(0)

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        # One point goes through _f/_g on Python floats (a few µs instead of one ufunc call
        # per operation): the same expressions as on arrays, so the same floats (tested).
        cls._scalar_f = cls._f is not Surface._f
        cls._scalar_g = cls._g is not Surface._g

    # ----------------------------------------------------------------- public API
    def value(self, p: np.ndarray) -> np.ndarray:
        """f at points ``p`` (..., 2) -> (...)."""
        p = as_points(p)
        if p.size == 2 and self._scalar_f:
            return np.full(p.shape[:-1], self._f(float(p.flat[0]), float(p.flat[1])))
        return np.asarray(self._value(p), dtype=np.float64)

    def grad(self, p: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """∇f at points ``p`` (..., 2) -> (..., 2), written into ``out`` when given."""
        p = as_points(p)
        if out is None:
            out = np.empty(p.shape)
        elif out.shape != p.shape or out.dtype != np.float64:
            raise GdsimError(f"out must be float64 of shape {p.shape}, got {out.dtype} {out.shape}")
        if p.size == 2 and self._scalar_g:
            gx, gy = self._g(float(p.flat[0]), float(p.flat[1]))
            out.flat[0] = gx
            out.flat[1] = gy
        elif np.may_share_memory(out, p):
            tmp = np.empty(p.shape)
            self._grad_into(p, tmp)
            out[...] = tmp
        else:
            self._grad_into(p, out)
        return out

    def value_and_grad(self, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(value(p), grad(p))``."""
        return self.value(p), self.grad(p)

    def batch_grad(self, p: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """Mini-batch gradient: only data surfaces (linreg, logreg) have samples."""
        raise GdsimError(
            f"surface {self.name!r} has no data samples; mini-batches need linreg or logreg"
        )

    def grid(
        self, nx: int, ny: int, domain: Domain | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``xs (nx,), ys (ny,), values (ny, nx)`` with ``values[j, i] = f(xs[i], ys[j])``."""
        if nx < 2 or ny < 2:
            raise GdsimError(f"grid needs nx ≥ 2 and ny ≥ 2, got {nx}×{ny}")
        x0, x1, y0, y1 = self.domain if domain is None else domain
        xs = np.linspace(x0, x1, int(nx))
        ys = np.linspace(y0, y1, int(ny))
        pts = np.empty((len(ys), len(xs), 2))
        pts[..., 0] = xs[None, :]
        pts[..., 1] = ys[:, None]
        return xs, ys, self.value(pts)

    def __repr__(self) -> str:
        return f"Surface({self.name!r}, {self.params!r})"

    # ----------------------------------------------------------------- for subclasses
    def _value(self, p: np.ndarray) -> np.ndarray:
        return self._f(p[..., 0], p[..., 1])

    _ROWS = 1 << 14  # points per block of a large batch: 128 KB temporaries stay in cache

    def _grad_into(self, p: np.ndarray, out: np.ndarray) -> None:
        if p.ndim == 2 and len(p) > self._ROWS:
            for i in range(0, len(p), self._ROWS):
                self._grad_into(p[i : i + self._ROWS], out[i : i + self._ROWS])
            return
        gx, gy = self._g(p[..., 0], p[..., 1])
        out[..., 0] = gx
        out[..., 1] = gy

    def _f(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _g(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def _set_minima(self, pts: list[tuple[float, float]]) -> None:
        self.minima = np.array(pts, dtype=np.float64).reshape(-1, 2)
        self.minimum_values = self.value(self.minima) if len(pts) else np.empty(0)

    def _refine(self, p0: tuple[float, float], iters: int = 30) -> tuple[float, float]:
        """Newton on ∇f = 0 from ``p0`` (Hessian by central differences of the analytic ∇f)."""
        p = np.array(p0, dtype=np.float64)
        h = 1e-6
        for _ in range(iters):
            g = self.grad(p)
            H = np.empty((2, 2))
            for j in range(2):
                e = np.zeros(2)
                e[j] = h
                H[:, j] = (self.grad(p + e) - self.grad(p - e)) / (2 * h)
            step = np.linalg.solve(0.5 * (H + H.T), g)
            p = p - step
            if np.max(np.abs(step)) < 1e-15 * (1 + np.max(np.abs(p))):
                break
        return float(p[0]), float(p[1])


