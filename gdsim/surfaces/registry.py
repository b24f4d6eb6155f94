"""The surface registry (SPEC §4) and :func:`make_surface` (names and typed ``expr:`` formulas)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from gdsim.params import Param, resolve, unknown_name
from gdsim.surfaces.analytic import (
    Ackley,
    Beale,
    Booth,
    GoldsteinPrice,
    Himmelblau,
    Levi13,
    Matyas,
    McCormick,
    MonkeySaddle,
    Quadratic,
    Rastrigin,
    Ravine,
    Rosenbrock,
    Saddle,
    SixHumpCamel,
    StyblinskiTang,
    ThreeHumpCamel,
)
from gdsim.surfaces.base import Surface
from gdsim.surfaces.data import LinReg, LogReg, _DataSurface


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
        from gdsim.formula import formula_surface  # the parser: only for typed formulas

        return formula_surface(name[5:], domain=params.get("domain"))
    info = SURFACES.get(name)
    if info is None:
        raise unknown_name("surface", name, list(SURFACES))
    values = resolve(info.params, params, f"surface {name}")
    return info.factory(values)
