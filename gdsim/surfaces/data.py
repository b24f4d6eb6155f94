"""Surfaces built on seeded synthetic data (linreg, logreg): mini-batch gradients are real."""

from __future__ import annotations

import numpy as np

from gdsim.datasets2d import linreg_data, logreg_data
from gdsim.errors import GdsimError
from gdsim.surfaces.base import PI, TWO_PI, Surface, as_points


class _DataSurface(Surface):
    """Base of surfaces built from samples: shared batch index validation."""

    def _check_idx(self, p: np.ndarray, idx: object) -> np.ndarray:
        idx = np.asarray(idx)
        if idx.ndim != 2 or idx.shape[0] != p.shape[0] or idx.shape[1] == 0:
            raise GdsimError(
                f"batch indices must have shape (N={p.shape[0]}, B≥1), got {idx.shape}"
            )
        if not np.issubdtype(idx.dtype, np.integer):
            raise GdsimError(f"batch indices must be integers, got {idx.dtype}")
        if idx.min() < 0 or idx.max() >= self.n_samples:
            raise GdsimError(f"batch indices must lie in 0..{self.n_samples - 1}")
        return idx

    def _points2d(self, p: object) -> np.ndarray:
        p = as_points(p)
        if p.ndim != 2:
            raise GdsimError(f"batch_grad needs points of shape (N, 2), got {p.shape}")
        return p


class LinReg(_DataSurface):
    """f(w, b) = mean (w·xᵢ + b − yᵢ)²; ∇f = 2·mean(rᵢxᵢ, rᵢ) with rᵢ = w·xᵢ + b − yᵢ.

    ``value``/``grad`` use centred moments (exact algebra, O(1) per point, so the basin map
    stays fast): with c = w·x̄ + b − ȳ, w* = Vxy/Vxx and R the mean squared residual of the
    fit, f = Vxx(w − w*)² + c² + R (a sum of non-negative terms: no cancellation near the
    minimum), ∂f/∂w = 2Vxx(w − w*) + 2c·x̄, ∂f/∂b = 2c.
    """

    name, title = "linreg", "Linear regression (w, b)"
    axis_names = ("w", "b")
    formula = "f(w, b) = (1/n) Σᵢ (w·xᵢ + b − yᵢ)²"
    story = "least squares on noisy data: batch size turns GD into SGD"

    def __init__(self, params: dict) -> None:
        super().__init__(params)
        self.x, self.y = linreg_data(params["samples"], params["noise"], params["data_seed"])
        self.n_samples = len(self.x)
        self._mx, self._my = self.x.mean(), self.y.mean()
        dx, dy = self.x - self._mx, self.y - self._my
        n = self.n_samples
        self._vxx = (dx @ dx) / n
        self._w = (dx @ dy) / n / self._vxx
        e = dy - self._w * dx
        self._res = (e @ e) / n
        A = np.column_stack([self.x, np.ones(self.n_samples)])
        w, b = np.linalg.lstsq(A, self.y, rcond=None)[0]
        self._set_minima([(w, b)])
        w, b = float(w), float(b)
        self.domain = (w - 3.0, w + 3.0, b - 3.0, b + 3.0)
        self.start = (float(w - 2.0), float(b + 2.0))  # well inside the view, not on its rim

    def _f(self, w, b):
        c = w * self._mx + b - self._my
        d = w - self._w
        return self._vxx * (d * d) + c * c + self._res

    def _g(self, w, b):
        c2 = 2.0 * (w * self._mx + b - self._my)
        return (2.0 * self._vxx) * (w - self._w) + c2 * self._mx, c2

    def batch_grad(self, p: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """Each run's gradient over its own samples idx[i]: 2·mean over the batch of rⱼ(xⱼ, 1)."""
        p = self._points2d(p)
        idx = self._check_idx(p, idx)
        X = self.x[idx]
        r = X * p[:, :1] + p[:, 1:] - self.y[idx]
        out = np.empty(p.shape)
        scale = 2.0 / idx.shape[1]
        out[:, 0] = (r * X).sum(axis=1) * scale
        out[:, 1] = r.sum(axis=1) * scale
        return out


class LogReg(_DataSurface):
    """f(w) = mean log(1 + exp(−sᵢ w·xᵢ)), sᵢ = ±1; ∇f = −mean sᵢ σ(−sᵢ w·xᵢ) xᵢ.

    Stable: the loss is logaddexp(0, −s z) and σ(u) = ½(1 + tanh(u/2)).
    """

    name, title = "logreg", "Logistic regression (w₁, w₂)"
    axis_names = ("w₁", "w₂")
    formula = "f(w₁, w₂) = (1/n) Σᵢ log(1 + exp(−sᵢ(w₁xᵢ₁ + w₂xᵢ₂))),  sᵢ = ±1"
    story = "a two-class classifier on overlapping clouds: SGD noise shows up near the bottom"
    _CHUNK = 1 << 20  # elements of the (points × samples) block computed at once

    def __init__(self, params: dict) -> None:
        super().__init__(params)
        self.X, self.labels = logreg_data(params["samples"], params["noise"], params["data_seed"])
        self.n_samples = len(self.labels)
        self.sign = 2.0 * self.labels - 1.0
        self._sX = self.sign[:, None] * self.X  # sᵢxᵢ: the loss only sees these
        w = self._newton()
        if w is not None:
            self._set_minima([w])
            c, half = np.round(w), max(3.0, 0.75 * float(np.max(np.abs(w))))
        else:
            c, half = np.zeros(2), 5.0
        c0, c1 = float(c[0]), float(c[1])
        self.domain = (c0 - half, c0 + half, c1 - half, c1 + half)
        self.start = (c0 - 0.65 * half, c1 + 0.65 * half)  # well inside the view

    def separable(self) -> bool:
        """True when some w ≠ 0 has every margin sᵢw·xᵢ ≥ 0: then the loss only tends to its
        infimum as |w| → ∞ and there is no minimum. In 2-D: the vectors sᵢxᵢ fit in a closed
        half-plane iff some angular gap between them is ≥ π."""
        v = self._sX[np.any(self._sX != 0.0, axis=1)]
        if len(v) == 0:
            return True
        ang = np.sort(np.arctan2(v[:, 1], v[:, 0]))
        gaps = np.diff(np.append(ang, ang[0] + TWO_PI))
        return bool(gaps.max() >= PI)

    def _newton(self) -> tuple[float, float] | None:
        """The finite minimizer by damped Newton, or None when the data are separable."""
        if self.separable():
            return None
        w = np.zeros(2)
        f = float(self.value(w))
        for _ in range(100):
            g = self.grad(w)
            if np.max(np.abs(g)) < 1e-15:
                break
            m = self._sX @ w
            q = 0.25 * (1.0 - np.tanh(0.5 * m) ** 2)  # σ(m)(1 − σ(m))
            H = (self._sX * q[:, None]).T @ self._sX / self.n_samples
            try:
                step = np.linalg.solve(H, g)
            except np.linalg.LinAlgError:
                return None
            t = 1.0
            while t > 1e-8:
                fn = float(self.value(w - t * step))
                if fn <= f:
                    break
                t *= 0.5
            w, f = w - t * step, fn
            if t * np.max(np.abs(step)) < 1e-15 * (1 + np.max(np.abs(w))):
                break
        if not np.all(np.isfinite(w)) or np.max(np.abs(self.grad(w))) > 1e-10:
            return None
        return float(w[0]), float(w[1])

    def _chunks(self, flat: np.ndarray):
        step = max(1, self._CHUNK // self.n_samples)
        for i in range(0, len(flat), step):
            yield i, flat[i : i + step]

    def _margins(self, w: np.ndarray) -> np.ndarray:
        """(k, n) margins sᵢ w·xᵢ, elementwise (not BLAS) so each row is bit-identical
        whatever the batch it sits in."""
        return w[:, :1] * self._sX[:, 0] + w[:, 1:] * self._sX[:, 1]

    def _value(self, p):
        flat = p.reshape(-1, 2)
        out = np.empty(len(flat))
        for i, blk in self._chunks(flat):
            out[i : i + len(blk)] = np.logaddexp(0.0, -self._margins(blk)).mean(axis=1)
        return out.reshape(p.shape[:-1])

    def _grad_into(self, p, out):
        flat = p.reshape(-1, 2)
        res = np.empty(flat.shape)
        for i, blk in self._chunks(flat):
            a = self._margins(blk)
            a *= 0.5
            np.tanh(a, out=a)
            a -= 1.0
            a *= 0.5  # −σ(−m) = ½(tanh(m/2) − 1)
            res[i : i + len(blk), 0] = (a * self._sX[:, 0]).sum(axis=1)
            res[i : i + len(blk), 1] = (a * self._sX[:, 1]).sum(axis=1)
        res /= self.n_samples
        out[...] = res.reshape(p.shape)

    def batch_grad(self, p: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """Each run's gradient over its own samples idx[i]: −mean over the batch of σ(−mⱼ)sⱼxⱼ."""
        p = self._points2d(p)
        idx = self._check_idx(p, idx)
        sX = self._sX[idx]  # (N, B, 2)
        m = sX[..., 0] * p[:, :1] + sX[..., 1] * p[:, 1:]
        a = 0.5 * (np.tanh(0.5 * m) - 1.0)
        return (a[..., None] * sX).sum(axis=1) / idx.shape[1]
