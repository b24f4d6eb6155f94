"""Per-coordinate step sizes from squared-gradient sums: Adagrad, RMSprop, Adadelta."""

from __future__ import annotations

from typing import Any, NamedTuple

from gdsim.params import Param
from gdsim.rules.base import (
    ARRAY,
    MOMENTUM_HELP,
    Backend,
    Hyper,
    OptimizerInfo,
    Rule,
    active,
    documented,
    eps_param,
    lr_param,
    unit_param,
    wd_param,
)

ADAGRAD = (
    "g ← ∇f(θ) + λθ\n"
    "η_t ← η/(1 + (t − 1)·lr_decay)\n"
    "G ← G + g²   (G₀ = initial_accumulator_value)\n"
    "θ ← θ − η_t·g/(√G + ε)"
)
RMSPROP = (
    "g ← ∇f(θ) + λθ\n"
    "v ← α·v + (1 − α)·g²\n"
    "centered: ḡ ← α·ḡ + (1 − α)·g,  v̄ ← v − ḡ²;  else v̄ ← v\n"
    "u ← g/(√v̄ + ε)\n"
    "b ← μ·b + u,  θ ← θ − η·b   (μ = 0: θ ← θ − η·u)"
)
ADADELTA = (
    "g ← ∇f(θ) + λθ\n"
    "v ← ρ·v + (1 − ρ)·g²\n"
    "Δ ← √(u + ε)/√(v + ε)·g\n"
    "u ← ρ·u + (1 − ρ)·Δ²\n"
    "θ ← θ − η·Δ"
)


class AdagradState(NamedTuple):
    sum: Any  # G, the running sum of g²


@documented("AdaGrad", ADAGRAD, "Duchi, Hazan & Singer (2011); torch.optim.Adagrad")
def adagrad(lr_decay: Hyper, initial_accumulator_value: Hyper, eps: Hyper,
            xp: Backend = ARRAY) -> Rule:
    """AdaGrad: steps shrink with the sum of all squared gradients so far."""
    sqrt = xp.sqrt

    def init(p):
        return AdagradState(xp.full(p, initial_accumulator_value))

    def update(g, s, p, lr, k):
        (acc,) = s
        acc = acc + g * g
        lr_t = lr / (1.0 + (k - 1) * lr_decay)
        return p - g / (sqrt(acc) + eps) * lr_t, (acc,)

    return Rule(init, update)


class RMSpropState(NamedTuple):
    square_avg: Any  # v
    grad_avg: Any = None  # ḡ (centered only)
    momentum_buffer: Any = None  # b (momentum > 0 only)


@documented("RMSprop", RMSPROP, "Hinton, Coursera lecture 6e (2012); torch.optim.RMSprop")
def rmsprop(alpha: Hyper, eps: Hyper, momentum: Hyper, centered: bool,
            xp: Backend = ARRAY) -> Rule:
    """RMSprop: divide by a running RMS of the gradient (v − ḡ² ≥ 0 exactly; its negative
    rounding residue is clamped to 0 where torch gives NaN)."""
    sqrt, maximum = xp.sqrt, xp.maximum
    one_minus_alpha = 1.0 - alpha
    use_momentum = active(momentum)

    def init(p):
        return RMSpropState(xp.zeros(p), xp.zeros(p) if centered else None,
                            xp.zeros(p) if use_momentum else None)

    def update(g, s, p, lr, k):
        v, ga, b = s
        v = v * alpha + g * g * one_minus_alpha
        if centered:
            ga = ga + (g - ga) * one_minus_alpha
            u = g / (sqrt(maximum(v - ga * ga, 0.0)) + eps)
        else:
            u = g / (sqrt(v) + eps)
        if use_momentum:
            b = b * momentum + u
            u = b
        return p - u * lr, (v, ga, b)

    return Rule(init, update)


class AdadeltaState(NamedTuple):
    square_avg: Any  # v, the average of g²
    acc_delta: Any  # u, the average of Δ²


@documented("Adadelta", ADADELTA, "Zeiler (2012); torch.optim.Adadelta")
def adadelta(rho: Hyper, eps: Hyper, xp: Backend = ARRAY) -> Rule:
    """Adadelta: a step in the units of θ, the RMS of past steps over the RMS of gradients."""
    sqrt = xp.sqrt
    one_minus_rho = 1.0 - rho

    def init(p):
        return AdadeltaState(xp.zeros(p), xp.zeros(p))

    def update(g, s, p, lr, k):
        v, u = s
        v = v * rho + g * g * one_minus_rho
        delta = sqrt(u + eps) / sqrt(v + eps) * g
        u = u * rho + delta * delta * one_minus_rho
        return p - delta * lr, (v, u)

    return Rule(init, update)


ENTRIES = (
    OptimizerInfo(
        "adagrad", "AdaGrad", ADAGRAD, adagrad.reference,
        (
            lr_param(0.01),
            Param("lr_decay", 0.0, "learning-rate decay: η/(1 + (t − 1)·lr_decay)",
                  low=0.0, log=True),
            wd_param(),
            Param("initial_accumulator_value", 0.0, "starting value of the sum of g²",
                  low=0.0),
            eps_param(1e-10),
        ),
        adagrad),
    OptimizerInfo(
        "rmsprop", "RMSprop", RMSPROP, rmsprop.reference,
        (
            lr_param(0.01),
            unit_param("alpha", 0.99, "smoothing constant α of the squared-gradient average"),
            eps_param(1e-8),
            wd_param(),
            unit_param("momentum", 0.0, MOMENTUM_HELP),
            Param("centered", False, "centered: normalize by the variance estimate v − ḡ²",
                  kind=bool),
        ),
        rmsprop),
    OptimizerInfo(
        "adadelta", "Adadelta", ADADELTA, adadelta.reference,
        (lr_param(1.0), unit_param("rho", 0.9, "decay rate ρ of both running averages"),
         eps_param(1e-6), wd_param()),
        adadelta),
)
