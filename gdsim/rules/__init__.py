"""Optimizer update rules, each written once as its math (see :mod:`gdsim.rules.base`).

Adding a rule: a factory ``name(hyper..., xp=ARRAY) -> Rule`` in one of these modules (or a
new one) with its state NamedTuple, formula and ``ENTRIES`` row; list the module's entries in
:data:`ENTRIES` below. The registry, UI, CLI and README table read them from there.
"""

from gdsim.rules import adam, adaptive, sgd
from gdsim.rules.base import (
    ARRAY,
    FLOAT,
    FLOAT_ERRORS,
    Backend,
    Empty,
    Hyper,
    OptimizerInfo,
    Rule,
    active,
    decoupled_decay,
    hpow,
    l2_decay,
)

ENTRIES: tuple[OptimizerInfo, ...] = sgd.ENTRIES + adaptive.ENTRIES + adam.ENTRIES

__all__ = ["ARRAY", "ENTRIES", "FLOAT", "FLOAT_ERRORS", "Backend", "Empty", "Hyper",
           "OptimizerInfo", "Rule", "active", "decoupled_decay", "hpow", "l2_decay"]
