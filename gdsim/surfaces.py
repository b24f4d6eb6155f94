"""2-D loss surfaces (SPEC §4): value and hand-derived analytic gradient, vectorized over (..., 2).

Every surface gives a view domain, a suggested start that tells a story, and its known minima.
The hot surfaces compute ``grad`` with a few in-place ufunc passes into ``out`` and cached
scratch buffers (the 256×256 basin map calls it once per step); the others use plain
expressions. ``linreg`` and ``logreg`` are built on seeded synthetic data, so mini-batch
gradients (:meth:`Surface.batch_grad`) are real there.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from gdsim.datasets2d import linreg_data, logreg_data
from gdsim.errors import GdsimError
from gdsim.params import Param, resolve, unknown_name

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
    """A 2-D loss f(x, y) with its analytic gradient, view domain, start and known minima.

    Not thread-safe: ``grad`` reuses per-instance scratch buffers (use one instance per thread).
    """

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
        self._scratch: dict[tuple, list[np.ndarray]] = {}

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        # One point goes through the scalar expressions on Python floats (a few µs instead of
        # one ufunc call per operation); they repeat the array code's operations in the same
        # order, so a run's numbers are bit-identical whatever batch it sits in (tested).
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

    def _grad_into(self, p: np.ndarray, out: np.ndarray) -> None:
        gx, gy = self._g(p[..., 0], p[..., 1])
        out[..., 0] = gx
        out[..., 1] = gy

    def _f(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _g(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def _buffers(self, shape: tuple, k: int) -> list[np.ndarray]:
        """k scratch arrays of ``shape``, reused across calls (a few shapes kept)."""
        bufs = self._scratch.get(shape)
        if bufs is None or len(bufs) < k:
            if len(self._scratch) >= 4:
                self._scratch.clear()
            bufs = self._scratch[shape] = [np.empty(shape) for _ in range(k)]
        return bufs

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


# ============================================================ analytic surfaces
class Quadratic(Surface):
    """f = x² + y²; ∇f = 2(x, y)."""

    name, title = "quadratic", "Quadratic bowl"
    formula = "f(x, y) = x² + y²"
    story = "a perfectly round bowl: every method should walk straight in"
    domain, start = (-3.0, 3.0, -3.0, 3.0), (-2.5, 2.0)

    def __init__(self, params: dict | None = None) -> None:
        super().__init__(params)
        self._set_minima([(0.0, 0.0)])

    def _f(self, x, y):
        return x * x + y * y

    def _g(self, x, y):
        return x * 2.0, y * 2.0

    def _grad_into(self, p, out):
        np.multiply(p, 2.0, out=out)


class Ravine(Surface):
    """f = ½(x² + c·y²); ∇f = (x, c·y)."""

    name, title = "ravine", "Ravine (ill-conditioned bowl)"
    formula = "f(x, y) = ½(x² + c·y²),  c = condition"
    story = "a narrow valley: plain GD zig-zags across it, momentum rolls along it"
    domain, start = (-10.0, 10.0, -5.0, 5.0), (-9.0, 3.0)

    def __init__(self, params: dict) -> None:
        super().__init__(params)
        self._scale = np.array([1.0, float(params["condition"])])
        self._set_minima([(0.0, 0.0)])

    def _f(self, x, y):
        return 0.5 * (x * x + (y * self._scale[1]) * y)

    def _g(self, x, y):
        return x * 1.0, y * self._scale[1]

    def _grad_into(self, p, out):
        np.multiply(p, self._scale, out=out)


class Rosenbrock(Surface):
    """f = (a − x)² + b(y − x²)²; ∇f = (−2(a − x) − 4bx(y − x²), 2b(y − x²))."""

    name, title = "rosenbrock", "Rosenbrock"
    formula = "f(x, y) = (a − x)² + b(y − x²)²"
    story = "a curved banana valley: easy to find, hard to follow"
    start = (-1.5, 2.0)

    def __init__(self, params: dict) -> None:
        super().__init__(params)
        a = self.a = float(params["a"])
        self.b = float(params["b"])
        self.domain = (min(-2.0, a - 1), max(2.0, a + 1), min(-1.0, a * a - 1), max(3.0, a * a + 1))
        self._set_minima([(a, a * a)])

    def _f(self, x, y):
        d = y - x * x
        e = self.a - x  # e·e, not e**2: float ** raises OverflowError where e·e gives inf
        return e * e + self.b * (d * d)

    def _grad_into(self, p, out):
        x, y = p[..., 0], p[..., 1]
        gx, gy = out[..., 0], out[..., 1]
        (d,) = self._buffers(x.shape, 1)
        np.multiply(x, x, out=d)
        np.subtract(y, d, out=d)  # d = y − x²
        np.multiply(d, 2.0 * self.b, out=gy)  # gy = 2b·d
        np.multiply(x, gy, out=gx)  # 2b·x·d
        gx -= x
        gx += self.a
        gx *= -2.0  # −4bxd + 2x − 2a

    def _g(self, x, y):
        gy = (y - x * x) * (2.0 * self.b)
        return ((x * gy - x) + self.a) * -2.0, gy


class Beale(Surface):
    """f = Σₖ uₖ², uₖ = cₖ − x + x·yᵏ; ∂f/∂x = 2Σ uₖ(yᵏ − 1), ∂f/∂y = 2x Σ k·uₖ·yᵏ⁻¹."""

    name, title = "beale", "Beale"
    formula = "f(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²"
    story = "a flat plateau with steep arms: step sizes that suit one part fail the other"
    domain, start = (-4.5, 4.5, -4.5, 4.5), (1.0, 1.5)

    def __init__(self, params: dict | None = None) -> None:
        super().__init__(params)
        self._set_minima([(3.0, 0.5)])

    @staticmethod
    def _u(x, y):
        y2 = y * y
        y3 = y2 * y
        return y2, y3, 1.5 - x + x * y, 2.25 - x + x * y2, 2.625 - x + x * y3

    def _f(self, x, y):
        _, _, u1, u2, u3 = self._u(x, y)
        return u1 * u1 + u2 * u2 + u3 * u3

    def _g(self, x, y):
        y2, y3, u1, u2, u3 = self._u(x, y)
        gx = 2.0 * (u1 * (y - 1.0) + u2 * (y2 - 1.0) + u3 * (y3 - 1.0))
        gy = 2.0 * x * (u1 + 2.0 * y * u2 + 3.0 * y2 * u3)
        return gx, gy


class Booth(Surface):
    """f = u² + v², u = x + 2y − 7, v = 2x + y − 5; ∇f = (2u + 4v, 4u + 2v)."""

    name, title = "booth", "Booth"
    formula = "f(x, y) = (x + 2y − 7)² + (2x + y − 5)²"
    story = "a tilted elliptical bowl: axes that do not line up with x and y"
    domain, start = (-10.0, 10.0, -10.0, 10.0), (-7.0, -6.0)

    def __init__(self, params: dict | None = None) -> None:
        super().__init__(params)
        self._set_minima([(1.0, 3.0)])

    def _f(self, x, y):
        u = x + 2.0 * y - 7.0
        v = 2.0 * x + y - 5.0
        return u * u + v * v

    def _g(self, x, y):
        u = x + 2.0 * y - 7.0
        v = 2.0 * x + y - 5.0
        return 2.0 * u + 4.0 * v, 4.0 * u + 2.0 * v


HIMMELBLAU_MINIMA = (
    (3.0, 2.0),
    (-2.805118086952745, 3.131312518250573),
    (-3.779310253377747, -3.283185991286170),
    (3.584428340330492, -1.848126526964404),
)


class Himmelblau(Surface):
    """f = A² + B², A = x² + y − 11, B = x + y² − 7; ∇f = (4xA + 2B, 2A + 4yB).

    Arrays: x, y copied to contiguous scratch rows (used in place when the points are
    column-contiguous, an F-ordered batch), then 12 in-place passes (basin-map path).
    """

    name, title = "himmelblau", "Himmelblau"
    formula = "f(x, y) = (x² + y − 11)² + (x + y² − 7)²"
    story = "four equal minima: where you end up depends on where you start"
    domain, start = (-5.0, 5.0, -5.0, 5.0), (0.0, 0.0)

    def __init__(self, params: dict | None = None) -> None:
        super().__init__(params)
        self._set_minima([self._refine(m) for m in HIMMELBLAU_MINIMA])

    @staticmethod
    def _ab(x, y):
        return x * x + y - 11.0, y * y + x - 7.0

    def _f(self, x, y):
        a, b = self._ab(x, y)
        return a * a + b * b

    def _g(self, x, y):
        a, b = self._ab(x, y)
        return (2.0 * (x * a) + b) * 2.0, (2.0 * (y * b) + a) * 2.0

    _CHUNK = 1 << 16  # rows per pass: scratch stays small for (steps, runs, 2) loss blocks

    def _ab_into(self, pf, buf):
        """``(x, y, A, B, t)`` for the points ``pf`` (k, 2), with A, B and scratch t in ``buf``
        (5, k). Contiguous x, y make every pass faster than strided columns: they are copied
        into ``buf`` unless ``pf`` is column-contiguous (an F-ordered batch) already."""
        if pf.strides[0] == pf.itemsize:
            x, y = pf[:, 0], pf[:, 1]
        else:
            np.copyto(buf[:2], pf.T)
            x, y = buf[0], buf[1]
        _, _, a, b, t = buf
        np.multiply(x, x, out=a)
        a += y
        a -= 11.0  # A
        np.multiply(y, y, out=b)
        b += x
        b -= 7.0  # B
        return x, y, a, b, t

    def _blocks(self, p):
        """(rows slice, that block of p as (k, 2), scratch (5, k)) over p's points."""
        pf = p.reshape(-1, 2)
        n = len(pf)
        (buf,) = self._buffers((5, min(n, self._CHUNK)), 1)
        for i in range(0, n, self._CHUNK):
            k = min(self._CHUNK, n - i)
            yield slice(i, i + k), pf[i : i + k], buf[:, :k]

    def _value(self, p):
        out = np.empty(p.size // 2)
        for rows, blk, buf in self._blocks(p):
            self._value_rows(self._ab_into(blk, buf), out[rows])
        return out.reshape(p.shape[:-1])

    @staticmethod
    def _value_rows(buf, out):
        _, _, a, b, t = buf
        np.multiply(a, a, out=out)
        np.multiply(b, b, out=t)
        out += t  # A² + B²

    def _grad_rows(self, buf, out):
        x, y, a, b, t = buf
        np.multiply(x, a, out=t)
        t += t
        t += b
        np.multiply(t, 2.0, out=out[:, 0])  # 2(2xA + B)
        np.multiply(y, b, out=t)
        t += t
        t += a
        np.multiply(t, 2.0, out=out[:, 1])  # 2(2yB + A)

    def _grad_into(self, p, out):
        of = out.reshape(-1, 2)
        for rows, blk, buf in self._blocks(p):
            self._grad_rows(self._ab_into(blk, buf), of[rows])
        if not np.may_share_memory(of, out):  # reshape had to copy
            out[...] = of.reshape(out.shape)

    def value_and_grad(self, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Both from one evaluation of A and B per block."""
        p = as_points(p)
        if p.size == 2:
            return super().value_and_grad(p)
        v, g = np.empty(p.size // 2), np.empty(p.shape)
        gf = g.reshape(-1, 2)
        for rows, blk, buf in self._blocks(p):
            xyabt = self._ab_into(blk, buf)
            self._grad_rows(xyabt, gf[rows])  # t is scratch in both: gradient first
            self._value_rows(xyabt, v[rows])
        return v.reshape(p.shape[:-1]), g


class Rastrigin(Surface):
    """f = 20 + Σ (t² − 10 cos 2πt); ∂f/∂t = 2t + 20π sin 2πt."""

    name, title = "rastrigin", "Rastrigin"
    formula = "f(x, y) = 20 + Σ (t² − 10 cos 2πt),  t ∈ {x, y}"
    story = "an egg-crate of local minima: gradient descent stops in the nearest dimple"
    domain, start = (-5.12, 5.12, -5.12, 5.12), (3.2, -2.6)

    def __init__(self, params: dict | None = None) -> None:
        super().__init__(params)
        self._set_minima([(0.0, 0.0)])

    def _value(self, p):
        t = p * p - 10.0 * np.cos(TWO_PI * p)
        return 20.0 + t[..., 0] + t[..., 1]

    def _grad_into(self, p, out):
        np.multiply(p, TWO_PI, out=out)
        np.sin(out, out=out)
        out *= 20.0 * PI
        out += p
        out += p

    def _f(self, x, y):
        cx, cy = float(np.cos(TWO_PI * x)), float(np.cos(TWO_PI * y))
        return 20.0 + (x * x - 10.0 * cx) + (y * y - 10.0 * cy)

    def _g(self, x, y):
        return (
            float(np.sin(x * TWO_PI)) * (20.0 * PI) + x + x,
            float(np.sin(y * TWO_PI)) * (20.0 * PI) + y + y,
        )


class Ackley(Surface):
    """f = −20e^(−0.2r) − e^E + e + 20, r = √(½(x²+y²)), E = ½(cos 2πx + cos 2πy).

    ∂f/∂x = 2x·e^(−0.2r)/r + π sin(2πx)·e^E (the cone term is taken as 0 at r = 0:
    a finite subgradient, never NaN).
    """

    name, title = "ackley", "Ackley"
    formula = "f(x, y) = −20·exp(−0.2√(½(x²+y²))) − exp(½(cos 2πx + cos 2πy)) + e + 20"
    story = "a deep funnel under a bumpy skin: local minima everywhere, one global"
    domain, start = (-5.0, 5.0, -5.0, 5.0), (3.3, -2.7)

    def __init__(self, params: dict | None = None) -> None:
        super().__init__(params)
        self._set_minima([(0.0, 0.0)])

    def _f(self, x, y):
        r = np.sqrt(0.5 * (x * x + y * y))
        e = np.exp(0.5 * (np.cos(TWO_PI * x) + np.cos(TWO_PI * y)))
        return (20.0 - 20.0 * np.exp(-0.2 * r)) + (math.e - e)

    def _g(self, x, y):
        r = np.sqrt(0.5 * (x * x + y * y))
        c = 2.0 * np.exp(-0.2 * r) / np.where(r > 0.0, r, 1.0)  # x = y = 0 where r = 0
        e = PI * np.exp(0.5 * (np.cos(TWO_PI * x) + np.cos(TWO_PI * y)))
        return c * x + e * np.sin(TWO_PI * x), c * y + e * np.sin(TWO_PI * y)


class GoldsteinPrice(Surface):
    """f = A·B, A = 1 + s²P, B = 30 + t²Q (s = x+y+1, t = 2x−3y); ∇f = B∇A + A∇B.

    P = 19 − 14x + 3x² − 14y + 6xy + 3y², Q = 18 − 32x + 12x² + 48y − 36xy + 27y²;
    ∂A/∂x = ∂A/∂y = 2sP + s²(6x + 6y − 14);
    ∂B/∂x = 4tQ + t²(24x − 36y − 32), ∂B/∂y = −6tQ + t²(54y − 36x + 48).
    """

    name, title = "goldstein_price", "Goldstein–Price"
    formula = (
        "f(x, y) = [1 + (x+y+1)²(19 − 14x + 3x² − 14y + 6xy + 3y²)]"
        " · [30 + (2x−3y)²(18 − 32x + 12x² + 48y − 36xy + 27y²)]"
    )
    story = "values spanning six decades: no single learning rate suits it"
    domain, start = (-2.0, 2.0, -2.0, 2.0), (0.5, 1.0)

    def __init__(self, params: dict | None = None) -> None:
        super().__init__(params)
        self._set_minima([(0.0, -1.0)])

    @staticmethod
    def _parts(x, y):
        s = x + y + 1.0
        t = 2.0 * x - 3.0 * y
        P = 19.0 - 14.0 * x + 3.0 * x * x - 14.0 * y + 6.0 * x * y + 3.0 * y * y
        Q = 18.0 - 32.0 * x + 12.0 * x * x + 48.0 * y - 36.0 * x * y + 27.0 * y * y
        return s, t, P, Q, 1.0 + s * s * P, 30.0 + t * t * Q

    def _f(self, x, y):
        *_, A, B = self._parts(x, y)
        return A * B

    def _g(self, x, y):
        s, t, P, Q, A, B = self._parts(x, y)
        dA = 2.0 * s * P + s * s * (6.0 * x + 6.0 * y - 14.0)
        t2 = t * t
        dBx = 4.0 * t * Q + t2 * (24.0 * x - 36.0 * y - 32.0)
        dBy = -6.0 * t * Q + t2 * (54.0 * y - 36.0 * x + 48.0)
        return B * dA + A * dBx, B * dA + A * dBy


class ThreeHumpCamel(Surface):
    """f = 2x² − 1.05x⁴ + x⁶/6 + xy + y²; ∇f = (4x − 4.2x³ + x⁵ + y, x + 2y)."""

    name, title = "three_hump_camel", "Three-hump camel"
    formula = "f(x, y) = 2x² − 1.05x⁴ + x⁶/6 + xy + y²"
    story = "one global minimum flanked by two local ones: a test of where momentum carries you"
    domain, start = (-2.0, 2.0, -2.0, 2.0), (-1.8, 1.5)

    def __init__(self, params: dict | None = None) -> None:
        super().__init__(params)
        self._set_minima([(0.0, 0.0)])

    def _f(self, x, y):
        x2 = x * x
        return x2 * (2.0 + x2 * (-1.05 + x2 / 6.0)) + x * y + y * y

    def _g(self, x, y):
        x2 = x * x
        return x * (4.0 + x2 * (-4.2 + x2)) + y, x + 2.0 * y


# Literature: (±0.0898, ∓0.7126) → −1.0316; the often-quoted 16-digit coordinates
# (0.08984201368301331, …) are off by 6e-10; these are the 40-digit root, rounded.
SIX_HUMP_MINIMA = (
    (0.08984201310031806, -0.7126564030207396),
    (-0.08984201310031806, 0.7126564030207396),
)


class SixHumpCamel(Surface):
    """f = (4 − 2.1x² + x⁴/3)x² + xy + (−4 + 4y²)y²; ∇f = (8x − 8.4x³ + 2x⁵ + y, x − 8y + 16y³)."""

    name, title = "six_hump_camel", "Six-hump camel"
    formula = "f(x, y) = (4 − 2.1x² + x⁴/3)x² + xy + (−4 + 4y²)y²"
    story = "two twin global minima among six humps and local dips"
    domain, start = (-2.0, 2.0, -1.2, 1.2), (-1.5, -0.9)

    def __init__(self, params: dict | None = None) -> None:
        super().__init__(params)
        self._set_minima([self._refine(m) for m in SIX_HUMP_MINIMA])

    def _f(self, x, y):
        x2 = x * x
        y2 = y * y
        return (4.0 - 2.1 * x2 + x2 * x2 / 3.0) * x2 + x * y + (-4.0 + 4.0 * y2) * y2

    def _g(self, x, y):
        x2 = x * x
        return x * (8.0 + x2 * (-8.4 + 2.0 * x2)) + y, x + y * (-8.0 + 16.0 * (y * y))


class Matyas(Surface):
    """f = 0.26(x² + y²) − 0.48xy; ∇f = (0.52x − 0.48y, 0.52y − 0.48x)."""

    name, title = "matyas", "Matyas"
    formula = "f(x, y) = 0.26(x² + y²) − 0.48xy"
    story = "a shallow diagonal trough: gradients are tiny along its floor"
    domain, start = (-10.0, 10.0, -10.0, 10.0), (8.0, 3.0)

    def __init__(self, params: dict | None = None) -> None:
        super().__init__(params)
        self._set_minima([(0.0, 0.0)])

    def _f(self, x, y):
        return 0.26 * (x * x + y * y) - 0.48 * x * y

    def _g(self, x, y):
        return 0.52 * x - 0.48 * y, 0.52 * y - 0.48 * x


class Levi13(Surface):
    """f = sin²(3πx) + (x−1)²(1 + sin²(3πy)) + (y−1)²(1 + sin²(2πy)).

    ∂f/∂x = 3π sin(6πx) + 2(x−1)(1 + sin²(3πy));
    ∂f/∂y = 3π(x−1)² sin(6πy) + 2(y−1)(1 + sin²(2πy)) + 2π(y−1)² sin(4πy).
    """

    name, title = "levi13", "Lévi N.13"
    formula = "f(x, y) = sin²(3πx) + (x−1)²(1 + sin²(3πy)) + (y−1)²(1 + sin²(2πy))"
    story = "a rippled bowl: ridges trap small steps short of the minimum"
    domain, start = (-4.0, 6.0, -4.0, 6.0), (-3.0, 4.5)

    def __init__(self, params: dict | None = None) -> None:
        super().__init__(params)
        self._set_minima([(1.0, 1.0)])

    def _f(self, x, y):
        sx = np.sin(3.0 * PI * x)
        s3y = np.sin(3.0 * PI * y)
        s2y = np.sin(TWO_PI * y)
        xm, ym = x - 1.0, y - 1.0
        return sx * sx + xm * xm * (1.0 + s3y * s3y) + ym * ym * (1.0 + s2y * s2y)

    def _g(self, x, y):
        s3y = np.sin(3.0 * PI * y)
        s2y = np.sin(TWO_PI * y)
        xm, ym = x - 1.0, y - 1.0
        gx = 3.0 * PI * np.sin(6.0 * PI * x) + 2.0 * xm * (1.0 + s3y * s3y)
        gy = (
            3.0 * PI * xm * xm * np.sin(6.0 * PI * y)
            + 2.0 * ym * (1.0 + s2y * s2y)
            + TWO_PI * ym * ym * np.sin(4.0 * PI * y)
        )
        return gx, gy


def _styblinski_root() -> float:
    """The global root t* ≈ −2.903534 of 4t³ − 32t + 5 = 0 (Newton to machine precision)."""
    t = -2.903534
    for _ in range(8):
        t -= (4.0 * t**3 - 32.0 * t + 5.0) / (12.0 * t * t - 32.0)
    return t


class StyblinskiTang(Surface):
    """f = ½ Σ (t⁴ − 16t² + 5t); ∂f/∂t = 2t³ − 16t + 2.5."""

    name, title = "styblinski_tang", "Styblinski–Tang"
    formula = "f(x, y) = ½ Σ (t⁴ − 16t² + 5t),  t ∈ {x, y}"
    story = "four basins of different depth: the start picks the basin"
    domain, start = (-5.0, 5.0, -5.0, 5.0), (0.5, 0.1)

    def __init__(self, params: dict | None = None) -> None:
        super().__init__(params)
        t = _styblinski_root()
        self._set_minima([(t, t)])

    def _value(self, p):
        p2 = p * p
        t = 0.5 * (p2 * (p2 - 16.0) + 5.0 * p)
        return t[..., 0] + t[..., 1]

    def _grad_into(self, p, out):
        np.multiply(p, p, out=out)
        out -= 8.0
        out *= p
        out *= 2.0
        out += 2.5  # 2t(t² − 8) + 2.5

    def _f(self, x, y):
        x2, y2 = x * x, y * y
        return 0.5 * (x2 * (x2 - 16.0) + 5.0 * x) + 0.5 * (y2 * (y2 - 16.0) + 5.0 * y)

    def _g(self, x, y):
        return (x * x - 8.0) * x * 2.0 + 2.5, (y * y - 8.0) * y * 2.0 + 2.5


class McCormick(Surface):
    """f = sin(x + y) + (x − y)² − 1.5x + 2.5y + 1.

    ∇f = (c + 2d − 1.5, c − 2d + 2.5) with c = cos(x + y), d = x − y.
    """

    name, title = "mccormick", "McCormick"
    formula = "f(x, y) = sin(x + y) + (x − y)² − 1.5x + 2.5y + 1"
    story = "a sloping valley whose wavy floor holds a row of dips: only one is the best"
    domain, start = (-1.5, 4.0, -3.0, 4.0), (3.0, 3.5)

    def __init__(self, params: dict | None = None) -> None:
        super().__init__(params)
        # ∇f = 0: cos(x + y) = −½ with x + y = −2π/3, and x − y = 1 (exact).
        x = (1.0 - 2.0 * PI / 3.0) / 2.0
        self._set_minima([(x, x - 1.0)])

    def _f(self, x, y):
        d = x - y
        return np.sin(x + y) + d * d - 1.5 * x + 2.5 * y + 1.0

    def _g(self, x, y):
        c = np.cos(x + y)
        d2 = 2.0 * (x - y)
        return c + d2 - 1.5, c - d2 + 2.5


class Saddle(Surface):
    """f = x² − y²; ∇f = (2x, −2y)."""

    name, title = "saddle", "Saddle"
    formula = "f(x, y) = x² − y²"
    story = "a saddle point: GD lingers near it and then slides off (unbounded below)"
    domain, start = (-2.0, 2.0, -2.0, 2.0), (-1.8, 0.01)
    _S = np.array([2.0, -2.0])

    def _f(self, x, y):
        return x * x - y * y

    def _g(self, x, y):
        return x * 2.0, y * -2.0

    def _grad_into(self, p, out):
        np.multiply(p, self._S, out=out)


class MonkeySaddle(Surface):
    """f = x³ − 3xy²; ∇f = (3x² − 3y², −6xy)."""

    name, title = "monkey_saddle", "Monkey saddle"
    formula = "f(x, y) = x³ − 3xy²"
    story = "a flat saddle with three ways down: the gradient vanishes to second order"
    domain, start = (-2.0, 2.0, -2.0, 2.0), (1.5, 0.2)

    def _f(self, x, y):
        return x * (x * x - 3.0 * (y * y))

    def _g(self, x, y):
        return 3.0 * (x * x - y * y), -6.0 * x * y


# ============================================================ data surfaces
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


# ============================================================ registry
@dataclass(frozen=True)
class SurfaceInfo:
    """One registry entry: what the UI lists and how to build the surface."""

    name: str
    title: str
    formula: str
    params: tuple[Param, ...]
    story: str
    factory: Callable[..., Surface] = field(repr=False, compare=False)

    @property
    def is_data(self) -> bool:
        """True for surfaces built on samples (mini-batches make sense)."""
        return isinstance(self.factory, type) and issubclass(self.factory, _DataSurface)


_SAMPLES = Param("samples", 200, "number of synthetic data points", int, 2, 100_000)
_DATA_SEED = Param("data_seed", 0, "seed of the synthetic data set", int, 0, 2**63 - 1)

_PARAMS: dict[type, tuple[Param, ...]] = {
    Ravine: (
        Param("condition", 20.0, "curvature ratio c of y to x", low=0.0, low_open=True, log=True),
    ),
    Rosenbrock: (
        Param("a", 1.0, "minimum at (a, a²)"),
        Param("b", 100.0, "steepness of the valley walls", low=0.0, low_open=True, log=True),
    ),
    LinReg: (
        _SAMPLES,
        Param("noise", 0.5, "standard deviation of the noise on y", low=0.0),
        _DATA_SEED,
    ),
    LogReg: (
        _SAMPLES,
        Param("noise", 1.0, "spread of each class cloud", low=0.0, low_open=True),
        _DATA_SEED,
    ),
}

_ORDER = (
    Quadratic, Ravine, Rosenbrock, Beale, Booth, Himmelblau, Rastrigin, Ackley, GoldsteinPrice,
    ThreeHumpCamel, SixHumpCamel, Matyas, Levi13, StyblinskiTang, McCormick, Saddle, MonkeySaddle,
    LinReg, LogReg,
)

SURFACES: dict[str, SurfaceInfo] = {
    c.name: SurfaceInfo(c.name, c.title, c.formula, _PARAMS.get(c, ()), c.story, c) for c in _ORDER
}


def make_surface(name: str, **params: object) -> Surface:
    """Build a surface by registry name (params validated), or ``expr:<formula>`` (typed)."""
    if not isinstance(name, str):
        raise unknown_name("surface", name, list(SURFACES))
    if name.startswith("expr:"):
        from gdsim.formula import formula_surface

        return formula_surface(name[5:], domain=params.get("domain"))
    info = SURFACES.get(name)
    if info is None:
        raise unknown_name("surface", name, list(SURFACES))
    values = resolve(info.params, params, f"surface {name}")
    return info.factory(values)
