"""2-D loss surfaces (SPEC §4): value and hand-derived analytic gradient, vectorized over (..., 2).

Every surface gives a view domain, a suggested start that tells a story, and its known minima.
``linreg`` and ``logreg`` are built on seeded synthetic data, so mini-batch gradients
(:meth:`Surface.batch_grad`) are real there. Modules: :mod:`.base` (the Surface class),
:mod:`.analytic`, :mod:`.data`, and :mod:`.registry` (``SURFACES``, ``make_surface``, which
also builds typed formulas from :mod:`gdsim.formula`). The registry is loaded on first use of
its names (PEP 562): :mod:`gdsim.formula` builds on :mod:`.base`, and importing it must not
pull the registry, and with it gdsim.formula itself, back in (no import circle).
"""

from __future__ import annotations

from typing import Any

from gdsim.surfaces.analytic import HIMMELBLAU_MINIMA, SIX_HUMP_MINIMA
from gdsim.surfaces.base import PI, TWO_PI, Domain, Surface, as_points

__all__ = ["HIMMELBLAU_MINIMA", "PI", "SIX_HUMP_MINIMA", "SURFACES", "TWO_PI", "Domain",
           "Surface", "SurfaceInfo", "as_points", "make_surface"]
_REGISTRY = ("SURFACES", "SurfaceInfo", "make_surface")


def __getattr__(name: str) -> Any:
    if name in _REGISTRY:
        from gdsim.surfaces import registry

        return getattr(registry, name)
    raise AttributeError(f"module 'gdsim.surfaces' has no attribute {name!r}")
