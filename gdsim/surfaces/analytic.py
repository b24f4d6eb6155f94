"""The analytic surfaces of SPEC §4, each f and ∇f written once (see :mod:`.base`)."""

from __future__ import annotations

import math

import numpy as np

from gdsim.surfaces.base import PI, TWO_PI, Surface


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
    """f = A² + B², A = x² + y − 11, B = x + y² − 7; ∇f = (4xA + 2B, 2A + 4yB)."""

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



class Rastrigin(Surface):
    """f = 20 + Σ (t² − 10 cos 2πt); ∂f/∂t = 2t + 20π sin 2πt."""

    name, title = "rastrigin", "Rastrigin"
    formula = "f(x, y) = 20 + Σ (t² − 10 cos 2πt),  t ∈ {x, y}"
    story = "an egg-crate of local minima: gradient descent stops in the nearest dimple"
    domain, start = (-5.12, 5.12, -5.12, 5.12), (3.2, -2.6)

    def __init__(self, params: dict | None = None) -> None:
        super().__init__(params)
        self._set_minima([(0.0, 0.0)])

    def _f(self, x, y):
        return 20.0 + (x * x - 10.0 * np.cos(TWO_PI * x)) + (y * y - 10.0 * np.cos(TWO_PI * y))

    def _g(self, x, y):
        return (np.sin(x * TWO_PI) * (20.0 * PI) + x + x,
                np.sin(y * TWO_PI) * (20.0 * PI) + y + y)


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

    def _f(self, x, y):
        return x * x - y * y

    def _g(self, x, y):
        return x * 2.0, y * -2.0


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
