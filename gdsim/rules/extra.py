"""The rest of torch.optim (SPEC §10): Rprop, ASGD and Adafactor, as torch writes them."""

from __future__ import annotations

import sys
from typing import Any, NamedTuple

from gdsim.errors import GdsimError
from gdsim.params import Param
from gdsim.rules.base import (
    ARRAY,
    Backend,
    Hyper,
    OptimizerInfo,
    Rule,
    active,
    documented,
    lerp,
    lr_param,
    wd_param,
)

RPROP = (
    "s ← sign(g·g_prev)\n"
    "Δ ← clip(Δ·(η₊ if s > 0, η₋ if s < 0, else 1), Δ_min, Δ_max)   (Δ₀ = η)\n"
    "g ← 0 where s < 0\n"
    "θ ← θ − sign(g)·Δ,  g_prev ← g"
)
ASGD = (
    "g ← ∇f(θ) + λ_wd·θ\n"
    "θ ← θ·(1 − λ·η_t) − η_t·g   (η₁ = η)\n"
    "θ̄ ← θ̄ + μ_t·(θ − θ̄)   (θ̄ ← θ while μ_t = 1)\n"
    "η_{t+1} ← η/(1 + λ·η·t)^α,  μ_{t+1} ← 1/max(1, t − t₀)"
)
ADAFACTOR = (
    "ρ_t ← min(η, 1/√t),  a ← max(ε₂, RMS(θ))·ρ_t\n"
    "θ ← θ·(1 − η·λ)\n"
    "v ← v + t^β₂ᵈ·(g² − v)\n"
    "u ← g/√max(v, ε₁²)\n"
    "θ ← θ − a/max(1, RMS(u)/d)·u"
)


class RpropState(NamedTuple):
    prev: Any  # the previous (masked) gradient
    step_size: Any  # Δ, per coordinate


@documented("Rprop", RPROP, "Riedmiller & Braun (1993); torch.optim.Rprop")
def rprop(eta_minus: Hyper, eta_plus: Hyper, step_size_min: Hyper, step_size_max: Hyper,
          xp: Backend = ARRAY) -> Rule:
    """Rprop: per-coordinate step sizes grown while the gradient keeps its sign, shrunk when
    it flips; only the gradient's sign is used."""
    sign, where, maximum = xp.sign, xp.where, xp.maximum

    def init(p):
        return RpropState(xp.zeros(p), xp.zeros(p))

    def update(g, s, p, lr, k):
        prev, step = s
        if k == 1:
            step = step * 0.0 + lr  # torch fills Δ with the group's lr on the first step
        sg = sign(g * prev)
        factor = where(sg > 0, eta_plus, where(sg < 0, eta_minus, 1.0))
        step = step * factor
        step = -maximum(-maximum(step, step_size_min), -step_size_max)  # clamp
        g = where(sg < 0, 0.0, g)
        return p - sign(g) * step, (g, step)

    return Rule(init, update)


class ASGDState(NamedTuple):
    ax: Any  # θ̄, the running average of the iterates
    eta: Any  # η_t, per run
    mu: Any  # μ_t, per run


@documented("ASGD", ASGD, "Polyak & Juditsky (1992), Bottou (2012); torch.optim.ASGD")
def asgd(lambd: Hyper, alpha: Hyper, t0: Hyper, xp: Backend = ARRAY) -> Rule:
    """Averaged SGD: a decaying step size and a running average θ̄ of the iterates (state;
    the trajectory is the iterate θ itself)."""
    pow, where = xp.pow, xp.where

    def init(p):
        return ASGDState(xp.zeros(p), xp.per_run(p, 0.0), xp.per_run(p, 1.0))

    def update(g, s, p, lr, k):
        ax, eta, mu = s
        if k == 1:
            eta = eta * 0.0 + lr  # torch's η starts at the group's lr
        p = p * (1.0 - lambd * eta) - g * eta
        ax = where(mu != 1.0, ax + (p - ax) * mu, p)
        eta = eta * 0.0 + lr / pow(1.0 + lambd * lr * k, alpha)
        mu = mu * 0.0 + 1.0 / xp.maximum(k - t0, 1.0)
        return p, (ax, eta, mu)

    return Rule(init, update)


class AdafactorState(NamedTuple):
    variance: Any  # v, the decayed average of g² (a run's parameters form one vector)


@documented("Adafactor", ADAFACTOR, "Shazeer & Stern (2018); torch.optim.Adafactor")
def adafactor(beta2_decay: Hyper, eps1: Hyper | None, eps2: Hyper, d: Hyper,
              weight_decay: Hyper, xp: Backend = ARRAY) -> Rule:
    """Adafactor: Adam-like scaling by √v with a relative step size (the parameters' RMS) and
    update clipping; a run's coordinates are one vector, so v is not factored."""
    if xp.name == "float":
        raise GdsimError("adafactor couples a run's coordinates: it steps on arrays only")
    sqrt, pow, maximum, minimum, rms = xp.sqrt, xp.pow, xp.maximum, xp.minimum, xp.rms
    e1 = sys.float_info.epsilon if eps1 is None else eps1  # torch's None: finfo(float64).eps

    def init(p):
        return AdafactorState(xp.zeros(p))

    def update(g, s, p, lr, k):
        (v,) = s
        w = pow(k, beta2_decay)  # 1 − β₂,t
        rho = minimum(lr, 1.0 / pow(k, 0.5))
        a = maximum(eps2, rms(p)) * rho
        if active(weight_decay):
            p = p * (1.0 - lr * weight_decay)
        v = lerp(xp, v, g * g, w)
        u = g * (1.0 / sqrt(maximum(v, e1 * e1)))
        denom = maximum(1.0, rms(u) / d)
        return p - u * (a / denom), (v,)

    return Rule(init, update, elementwise=False)


def _adafactor_internal(h: dict) -> dict:
    """eps1 = none means the machine ε (torch's None): a number, so runs can be stacked."""
    return {**h, "eps1": sys.float_info.epsilon} if h["eps1"] is None else h


def _rprop_checks(name: str, hp: dict) -> None:
    if hp["step_size_min"] > hp["step_size_max"]:
        raise GdsimError(f"{name}: step_size_min must be ≤ step_size_max "
                         f"(got {hp['step_size_min']!r} > {hp['step_size_max']!r})")


ENTRIES = (
    OptimizerInfo(
        "rprop", "Rprop", RPROP, rprop.reference,
        (lr_param(0.01),
         Param("eta_minus", 0.5, "η₋: step-size factor when the gradient flips sign",
               low=0.0, high=1.0, low_open=True, high_open=True),
         Param("eta_plus", 1.2, "η₊: step-size factor while the gradient keeps its sign",
               low=1.0, low_open=True),
         Param("step_size_min", 1e-6, "smallest step size Δ_min", low=0.0, log=True),
         Param("step_size_max", 50.0, "largest step size Δ_max", low=0.0, low_open=True,
               log=True)),
        rprop, decay="", checks=(_rprop_checks,)),
    OptimizerInfo(
        "asgd", "ASGD", ASGD, asgd.reference,
        (lr_param(0.01),
         Param("lambd", 1e-4, "decay term λ of the step size η_t", low=0.0, log=True),
         Param("alpha", 0.75, "power α of the step-size decay", low=0.0),
         Param("t0", 1e6, "step t₀ after which the iterates are averaged", low=0.0, log=True),
         wd_param()),
        asgd),
    OptimizerInfo(
        "adafactor", "Adafactor", ADAFACTOR, adafactor.reference,
        (lr_param(0.01),
         Param("beta2_decay", -0.8, "β₂ decay: 1 − β₂,t = t^beta2_decay", high=0.0),
         Param("eps1", None, "ε₁ floor of v (none: the machine ε, as torch's None)",
               low=0.0, low_open=True, log=True, optional=True),
         Param("eps2", 1e-3, "ε₂ floor of the parameters' RMS in the relative step",
               low=0.0, low_open=True, log=True),
         Param("d", 1.0, "clipping threshold d of the update's RMS (torch: ≥ 1)", low=1.0),
         wd_param(0.0, decoupled=True)),
        adafactor, decay="", internal=_adafactor_internal),
)
