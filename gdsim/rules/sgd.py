"""Gradient descent and SGD with (Nesterov) momentum, as torch.optim.SGD."""

from __future__ import annotations

from typing import Any, NamedTuple

from gdsim.params import Param
from gdsim.rules.base import (
    ARRAY,
    MOMENTUM_HELP,
    Backend,
    Empty,
    Hyper,
    OptimizerInfo,
    Rule,
    active,
    documented,
    lr_param,
    unit_param,
    wd_param,
)

FORMULA = (
    "g ← ∇f(θ) + λθ\n"
    "b ← g on the first step, then b ← μ·b + (1 − τ)·g\n"
    "d ← g + μ·b (Nesterov)  or  d ← b\n"
    "θ ← θ − η·d"
)


class MomentumState(NamedTuple):
    momentum_buffer: Any


@documented("SGD", FORMULA, "Robbins & Monro (1951), Polyak (1964), Sutskever et al. (2013); "
            "torch.optim.SGD")
def sgd(momentum: Hyper, dampening: Hyper, nesterov: bool, xp: Backend = ARRAY) -> Rule:
    """SGD: a step along the gradient, or along a momentum buffer of past gradients."""
    if not active(momentum):
        def init(p):
            return Empty()

        def update(g, s, p, lr, k):
            return p - g * lr, s

        return Rule(init, update)
    one_minus_damp = 1.0 - dampening

    def init_buf(p):
        return MomentumState(xp.zeros(p))

    def update_buf(g, s, p, lr, k):
        (b,) = s
        b = g if k == 1 else b * momentum + g * one_minus_damp
        d = b * momentum + g if nesterov else b
        return p - d * lr, (b,)

    return Rule(init_buf, update_buf)


def _params(momentum: float, nesterov: bool) -> tuple[Param, ...]:
    return (
        lr_param(0.01),
        unit_param("momentum", momentum, MOMENTUM_HELP),
        Param("dampening", 0.0, "dampening τ: the gradient enters the buffer scaled by 1 − τ",
              low=0.0, high=1.0),
        Param("nesterov", nesterov, "Nesterov momentum: step along g + μb instead of b",
              kind=bool),
        wd_param(),
    )


ENTRIES = (
    OptimizerInfo("gd", "Gradient descent", "θ ← θ − η·∇f(θ)",
                  "Cauchy (1847); torch.optim.SGD with momentum=0", (lr_param(0.01),), sgd,
                  fixed={"momentum": 0.0, "dampening": 0.0, "nesterov": False,
                         "weight_decay": 0.0}),
    OptimizerInfo("sgd", "SGD", FORMULA, "Robbins & Monro (1951); torch.optim.SGD",
                  _params(0.0, False), sgd),
    OptimizerInfo("momentum", "Momentum", FORMULA,
                  "Polyak (1964) heavy ball; torch.optim.SGD", _params(0.9, False), sgd),
    OptimizerInfo("nesterov", "Nesterov", FORMULA,
                  "Nesterov (1983), Sutskever et al. (2013); torch.optim.SGD(nesterov=True)",
                  _params(0.9, True), sgd),
)
