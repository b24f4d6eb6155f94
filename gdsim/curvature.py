"""Curvature: the exact Hessian of any surface at any points, its eigen-decomposition and the
sharpness λmax along a path (the "edge of stability" 2/η of gradient descent, Cohen et al. 2021).

Built-in surfaces are looked up by registry name: each has its canonical expression written in
the typed-formula language (parameters substituted), differentiated twice by sympy through
:mod:`gdsim.formula` and compiled once (cached per expression); Ackley's is written by hand
(its cone is not twice differentiable at the origin, where we take that term as 0, as the
gradient's subgradient does); ``linreg`` and ``logreg`` are computed from their data. Typed
formula surfaces are differentiated once more from their own sympy gradient. Everything is
vectorized over points ``(..., 2) -> (..., 2, 2)`` and never raises on bad values (NaN/inf).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from gdsim.errors import GdsimError

Hess3 = tuple[np.ndarray, np.ndarray, np.ndarray]  # (hxx, hxy, hyy)

PI = math.pi
TWO_PI = 2.0 * math.pi


def _canonical(name: str, params: dict) -> str | None:
    """The surface's canonical f(x, y) in the formula language, or None (not a text surface)."""
    texts = {
        "quadratic": "x^2 + y^2",
        "beale": "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2",
        "booth": "(x + 2*y - 7)^2 + (2*x + y - 5)^2",
        "himmelblau": "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        "rastrigin": "20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)",
        "goldstein_price": "(1 + (x + y + 1)^2*(19 - 14*x + 3*x^2 - 14*y + 6*x*y + 3*y^2))"
                           "*(30 + (2*x - 3*y)^2*(18 - 32*x + 12*x^2 + 48*y - 36*x*y"
                           " + 27*y^2))",
        "three_hump_camel": "2*x^2 - 1.05*x^4 + x^6/6 + x*y + y^2",
        "six_hump_camel": "(4 - 2.1*x^2 + x^4/3)*x^2 + x*y + (-4 + 4*y^2)*y^2",
        "matyas": "0.26*(x^2 + y^2) - 0.48*x*y",
        "levi13": "sin(3*pi*x)^2 + (x - 1)^2*(1 + sin(3*pi*y)^2)"
                  " + (y - 1)^2*(1 + sin(2*pi*y)^2)",
        "styblinski_tang": "0.5*(x^4 - 16*x^2 + 5*x) + 0.5*(y^4 - 16*y^2 + 5*y)",
        "mccormick": "sin(x + y) + (x - y)^2 - 1.5*x + 2.5*y + 1",
        "saddle": "x^2 - y^2",
        "monkey_saddle": "x^3 - 3*x*y^2",
    }
    if name in texts:
        return texts[name]
    if name == "ravine":
        return f"0.5*(x^2 + ({float(params['condition'])!r})*y^2)"
    if name == "rosenbrock":
        a, b = float(params["a"]), float(params["b"])
        return f"(({a!r}) - x)^2 + ({b!r})*(y - x^2)^2"
    return None


@functools.lru_cache(maxsize=64)
def _compiled_hessian(text: str) -> tuple[Callable, tuple]:
    """``(fn(x, y) -> [hxx, hxy, hyy], sympy expressions)`` for formula ``text`` (cached)."""
    from gdsim.formula import _env, compile_formula

    compiled = compile_formula(text)  # parses (whitelist) and differentiates once
    env = _env()
    sp, x, y = env["sp"], env["x"], env["y"]
    gx, gy = compiled.grad_exprs
    exprs = [sp.diff(gx, x), sp.diff(gx, y), sp.diff(gy, y)]
    # |u|'' and sign' are Dirac deltas at u = 0: zero almost everywhere, as the subgradients
    exprs = [e.replace(lambda a: isinstance(a, sp.DiracDelta), lambda a: sp.S.Zero)
             for e in exprs]
    fn = sp.lambdify((x, y), exprs, modules=[env["numpy_impl"], "numpy"],
                     printer=env["printer"], cse=True, docstring_limit=0)
    return fn, tuple(exprs)


def _text_hessian(text: str) -> Callable[[np.ndarray, np.ndarray], Hess3]:
    fn, _ = _compiled_hessian(text)

    def h(x: np.ndarray, y: np.ndarray) -> Hess3:
        try:
            hxx, hxy, hyy = fn(x, y)
        except (ArithmeticError, ValueError, TypeError):
            nan = np.full(np.shape(x), np.nan)
            return nan, nan, nan
        return hxx, hxy, hyy

    return h


def _ackley(x: np.ndarray, y: np.ndarray) -> Hess3:
    """Hand-derived: cone a(r)·(x, y) with a = 2e^(−0.2r)/r, plus the cosine term."""
    r = np.sqrt(0.5 * (x * x + y * y))
    rs = np.where(r > 0.0, r, 1.0)
    e02 = np.exp(-0.2 * r)
    a = np.where(r > 0.0, 2.0 * e02 / rs, 0.0)
    da = np.where(r > 0.0, 2.0 * e02 * (-0.2 / rs - 1.0 / (rs * rs)) / (2.0 * rs), 0.0)
    sx, sy = np.sin(TWO_PI * x), np.sin(TWO_PI * y)
    eE = PI * PI * np.exp(0.5 * (np.cos(TWO_PI * x) + np.cos(TWO_PI * y)))
    hxx = a + da * x * x + eE * (2.0 * np.cos(TWO_PI * x) - sx * sx)
    hyy = a + da * y * y + eE * (2.0 * np.cos(TWO_PI * y) - sy * sy)
    hxy = da * x * y - eE * sx * sy
    return hxx, hxy, hyy


def _closed_form(name: str, params: dict) -> Callable[[np.ndarray, np.ndarray], Hess3] | None:
    """Hand-derived Hessians of the common polynomial surfaces: no sympy import or compile
    before the first frame (the same values as the symbolic route; both tested)."""
    def const(a: float, b: float, c: float):
        def h(x, y):
            shape = np.broadcast(x, y).shape
            return np.full(shape, a), np.full(shape, b), np.full(shape, c)
        return h

    if name == "quadratic":
        return const(2.0, 0.0, 2.0)
    if name == "ravine":
        return const(1.0, 0.0, float(params["condition"]))
    if name == "booth":
        return const(10.0, 8.0, 10.0)
    if name == "matyas":
        return const(0.52, -0.48, 0.52)
    if name == "saddle":
        return const(2.0, 0.0, -2.0)
    if name == "rosenbrock":
        b = float(params["b"])
        return lambda x, y: (2.0 - 4.0 * b * (y - x * x) + 8.0 * b * x * x, -4.0 * b * x,
                             np.full(np.broadcast(x, y).shape, 2.0 * b))
    if name == "himmelblau":
        return lambda x, y: (12.0 * x * x + 4.0 * y - 42.0, 4.0 * (x + y),
                             12.0 * y * y + 4.0 * x - 26.0)
    return None


def _linreg(surface: Any) -> Callable[[np.ndarray, np.ndarray], Hess3]:
    """f = mean (w·xᵢ + b − yᵢ)²: constant H = 2·[[mean x², mean x], [mean x, 1]]."""
    xs = np.asarray(surface.x, dtype=np.float64)
    hww, hwb = 2.0 * float(np.mean(xs * xs)), 2.0 * float(np.mean(xs))

    def h(w: np.ndarray, b: np.ndarray) -> Hess3:
        shape = np.broadcast(w, b).shape
        return np.full(shape, hww), np.full(shape, hwb), np.full(shape, 2.0)

    return h


def _logreg(surface: Any) -> Callable[[np.ndarray, np.ndarray], Hess3]:
    """f = mean log(1 + e^(−mᵢ)), mᵢ = sᵢw·xᵢ: H = mean σ(mᵢ)(1 − σ(mᵢ))·xᵢxᵢᵀ (sᵢ² = 1)."""
    sX = np.asarray(surface.sign, dtype=np.float64)[:, None] * np.asarray(surface.X,
                                                                          dtype=np.float64)
    n = len(sX)
    a, b = sX[:, 0], sX[:, 1]
    aa, ab, bb = a * a, a * b, b * b
    chunk = max(1, (1 << 20) // max(n, 1))

    def h(w1: np.ndarray, w2: np.ndarray) -> Hess3:
        shape = np.broadcast(w1, w2).shape
        u = np.broadcast_to(w1, shape).reshape(-1)
        v = np.broadcast_to(w2, shape).reshape(-1)
        out = np.empty((3, len(u)))
        for i in range(0, len(u), chunk):
            m = u[i:i + chunk, None] * a + v[i:i + chunk, None] * b
            t = np.tanh(0.5 * m)
            q = 0.25 * (1.0 - t * t)  # σ(m)(1 − σ(m))
            out[0, i:i + chunk] = (q * aa).sum(axis=1) / n
            out[1, i:i + chunk] = (q * ab).sum(axis=1) / n
            out[2, i:i + chunk] = (q * bb).sum(axis=1) / n
        return out[0].reshape(shape), out[1].reshape(shape), out[2].reshape(shape)

    return h


class Curvature:
    """The exact Hessian of one surface, vectorized over points (build once per surface).

    ``exact`` is False only for a surface this module does not know (a registry entry added
    later without a canonical expression): its Hessian is then central differences of the
    exact gradient, and a test over the registry fails until the entry is added here.
    """

    def __init__(self, surface: Any) -> None:
        self.surface = surface
        self.exact = True
        name = str(getattr(surface, "name", ""))
        compiled = getattr(surface, "compiled", None)
        if compiled is not None and hasattr(compiled, "grad_exprs"):
            self._h = _text_hessian(compiled.text)
        elif name == "ackley":
            self._h = _ackley
        elif name == "linreg":
            self._h = _linreg(surface)
        elif name == "logreg":
            self._h = _logreg(surface)
        elif (closed := _closed_form(name, dict(getattr(surface, "params", {}) or {}))):
            self._h = closed
        else:
            text = _canonical(name, dict(getattr(surface, "params", {}) or {}))
            if text is None:
                self.exact = False
                self._h = self._differences
            else:
                self._h = _text_hessian(text)

    def hessian(self, p: np.ndarray) -> np.ndarray:
        """∇²f at points ``p`` (..., 2) -> (..., 2, 2), symmetric."""
        p = np.asarray(p, dtype=np.float64)
        if p.ndim == 0 or p.shape[-1] != 2:
            raise GdsimError(f"points must have shape (..., 2), got {p.shape}")
        out = np.empty(p.shape[:-1] + (2, 2))
        with np.errstate(all="ignore"):
            hxx, hxy, hyy = self._h(p[..., 0], p[..., 1])
        out[..., 0, 0] = hxx
        out[..., 0, 1] = hxy
        out[..., 1, 0] = hxy
        out[..., 1, 1] = hyy
        return out

    def _differences(self, x: np.ndarray, y: np.ndarray) -> Hess3:
        p = np.stack(np.broadcast_arrays(x, y), axis=-1).astype(np.float64)
        h = 1e-5 * np.maximum(1.0, np.abs(p))
        cols = []
        for j in range(2):
            e = np.zeros_like(p)
            e[..., j] = h[..., j]
            cols.append((self.surface.grad(p + e) - self.surface.grad(p - e))
                        / (2.0 * h[..., j:j + 1]))
        hxy = 0.5 * (cols[0][..., 1] + cols[1][..., 0])
        return cols[0][..., 0], hxy, cols[1][..., 1]


def eigen(H: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues ``(..., 2)`` ascending and unit eigenvectors ``(..., 2, 2)`` (columns) of
    symmetric 2×2 matrices, in closed form (NaN where H is not finite)."""
    a, b, c = H[..., 0, 0], H[..., 0, 1], H[..., 1, 1]
    with np.errstate(all="ignore"):
        mean = 0.5 * (a + c)
        rad = np.hypot(0.5 * (a - c), b)
        vals = np.stack([mean - rad, mean + rad], axis=-1)
        # angle of the λmax axis: ½·atan2(2b, a − c)
        theta = 0.5 * np.arctan2(2.0 * b, a - c)
        ct, st = np.cos(theta), np.sin(theta)
    vecs = np.empty(H.shape)
    vecs[..., 0, 1], vecs[..., 1, 1] = ct, st      # λmax
    vecs[..., 0, 0], vecs[..., 1, 0] = -st, ct     # λmin, perpendicular
    return vals, vecs


def sharpness(H: np.ndarray) -> np.ndarray:
    """λmax of symmetric 2×2 matrices ``(..., 2, 2) -> (...)``."""
    a, b, c = H[..., 0, 0], H[..., 0, 1], H[..., 1, 1]
    with np.errstate(all="ignore"):
        return 0.5 * (a + c) + np.hypot(0.5 * (a - c), b)


def sharpness_along(curvature: Curvature, points: np.ndarray) -> np.ndarray:
    """λmax of the Hessian at each of ``points`` (k, 2) -> (k,)."""
    return sharpness(curvature.hessian(points))


def stability_limit(lr: np.ndarray | float, optimizer: str = "gd",
                    hparams: dict | None = None) -> np.ndarray:
    """The largest curvature λ a run with learning rate ``lr`` is stable on, for a quadratic:
    2/η for gradient descent; heavy-ball momentum μ (torch's b ← μb + (1 − τ)g) raises it to
    2(1 + μ)/(η(1 − τ)), Nesterov to 2(1 + μ)/(η(1 − τ)(1 + 2μ)) (roots of the step's
    characteristic polynomial inside the unit circle). For adaptive rules (Adam, RMSprop, …)
    the raw 2/η is shown: their stability depends on the preconditioned curvature."""
    from gdsim.optimizers import OPTIMIZERS

    h = {p.name: p.default for p in OPTIMIZERS[optimizer].params} if optimizer in OPTIMIZERS \
        else {}
    h.update(hparams or {})  # the registry's defaults, then the run's values
    mu = h.get("momentum", 0.0) if optimizer in ("sgd", "momentum", "nesterov") else 0.0
    mu = float(mu) if isinstance(mu, int | float) and not isinstance(mu, bool) else 0.0
    damp = float(h.get("dampening", 0.0) or 0.0) if mu > 0 else 0.0
    factor = 2.0 * (1.0 + mu) / (1.0 - damp) if damp < 1 else np.inf
    if mu > 0 and h.get("nesterov"):
        factor /= 1.0 + 2.0 * mu
    with np.errstate(divide="ignore"):
        return factor / np.asarray(lr, dtype=np.float64)
