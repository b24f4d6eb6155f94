"""Optimizer update rules, each written once as its math (see :mod:`gdsim.rules.base`).

Adding a rule: a factory ``name(hyper..., xp=ARRAY) -> Rule`` in one of these modules (or a
new one) with its state NamedTuple, formula and ``ENTRIES`` row; list the module's entries in
:data:`ENTRIES` below. The registry, UI, CLI and README table read them from there.
"""

from dataclasses import replace

from gdsim.rules import adam, adaptive, extra, modern, sgd
from gdsim.rules.base import (
    ARRAY,
    FLOAT,
    FLOAT_ERRORS,
    MAXIMIZE,
    Backend,
    Empty,
    Hyper,
    OptimizerInfo,
    Rule,
    active,
    decoupled_decay,
    hpow,
    l2_decay,
    maximized,
)


def _with_maximize(info: OptimizerInfo) -> OptimizerInfo:
    """Every optimizer takes torch's ``maximize`` (SPEC §10): appended to its parameters."""
    if any(p.name == "maximize" for p in info.params):
        return info
    return replace(info, params=info.params + (MAXIMIZE,))


ENTRIES: tuple[OptimizerInfo, ...] = tuple(
    _with_maximize(e) for e in sgd.ENTRIES + adaptive.ENTRIES + adam.ENTRIES + extra.ENTRIES
    + modern.ENTRIES)

__all__ = ["ARRAY", "ENTRIES", "FLOAT", "FLOAT_ERRORS", "Backend", "Empty", "Hyper",
           "OptimizerInfo", "Rule", "active", "decoupled_decay", "hpow", "l2_decay", "maximized"]
