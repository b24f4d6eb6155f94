"""Adam and its relatives: AMSGrad, AdamW (a composition, see the registry), Adamax, NAdam,
RAdam, as torch.optim writes them."""

from __future__ import annotations

from typing import Any, NamedTuple

from gdsim.params import Param
from gdsim.rules.base import (
    ARRAY,
    BETA1,
    Backend,
    Hyper,
    OptimizerInfo,
    Rule,
    decoupled_param,
    documented,
    eps_param,
    lr_param,
    unit_param,
    wd_param,
)

ADAM = (
    "g ← ∇f(θ) + λθ\n"
    "m ← β₁·m + (1 − β₁)·g\n"
    "v ← β₂·v + (1 − β₂)·g²\n"
    "m̂ ← m/(1 − β₁ᵗ),  v̂ ← v/(1 − β₂ᵗ)\n"
    "θ ← θ − η·m̂/(√v̂ + ε)"
)
ADAMW = (
    "θ ← θ·(1 − η·λ)\n"
    "m ← β₁·m + (1 − β₁)·g\n"
    "v ← β₂·v + (1 − β₂)·g²\n"
    "m̂ ← m/(1 − β₁ᵗ),  v̂ ← v/(1 − β₂ᵗ)\n"
    "θ ← θ − η·m̂/(√v̂ + ε)"
)
AMSGRAD = (
    "g ← ∇f(θ) + λθ\n"
    "m ← β₁·m + (1 − β₁)·g\n"
    "v ← β₂·v + (1 − β₂)·g²,  v_max ← max(v_max, v)\n"
    "m̂ ← m/(1 − β₁ᵗ),  v̂ ← v_max/(1 − β₂ᵗ)\n"
    "θ ← θ − η·m̂/(√v̂ + ε)"
)
ADAMAX = (
    "g ← ∇f(θ) + λθ\n"
    "m ← β₁·m + (1 − β₁)·g\n"
    "u ← max(β₂·u, |g| + ε)\n"
    "θ ← θ − η/(1 − β₁ᵗ)·m/u"
)
NADAM = (
    "g ← ∇f(θ) + λθ\n"
    "μ_t ← β₁·(1 − ½·0.96^(t·ψ)),  Π_t ← Π_{t−1}·μ_t\n"
    "m ← β₁·m + (1 − β₁)·g,  v ← β₂·v + (1 − β₂)·g²\n"
    "v̂ ← v/(1 − β₂ᵗ)\n"
    "θ ← θ − η(1 − μ_t)/(1 − Π_t)·g/(√v̂ + ε)\n"
    "      − η·μ_{t+1}/(1 − Π_t·μ_{t+1})·m/(√v̂ + ε)"
)
RADAM = (
    "g ← ∇f(θ) + λθ\n"
    "m ← β₁·m + (1 − β₁)·g,  v ← β₂·v + (1 − β₂)·g²\n"
    "ρ∞ ← 2/(1 − β₂) − 1,  ρ_t ← ρ∞ − 2t·β₂ᵗ/(1 − β₂ᵗ)\n"
    "ρ_t > 5: r ← √((ρ_t − 4)(ρ_t − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρ_t))\n"
    "         θ ← θ − η·r·√(1 − β₂ᵗ)/(1 − β₁ᵗ)·m/(√v + ε)\n"
    "else:    θ ← θ − η·m/(1 − β₁ᵗ)"
)


class AdamState(NamedTuple):
    exp_avg: Any  # m
    exp_avg_sq: Any  # v


class AMSGradState(NamedTuple):
    exp_avg: Any  # m
    exp_avg_sq: Any  # v
    max_exp_avg_sq: Any  # v_max


@documented("Adam", ADAM, "Kingma & Ba (2015); AMSGrad: Reddi, Kale & Kumar (2018); "
            "torch.optim.Adam")
def adam(beta1: Hyper, beta2: Hyper, eps: Hyper, amsgrad: bool, xp: Backend = ARRAY) -> Rule:
    """Adam: bias-corrected running averages of g and g²; AMSGrad divides by the max of v."""
    sqrt, pow, maximum = xp.sqrt, xp.pow, xp.maximum
    one_minus_beta1, one_minus_beta2 = 1.0 - beta1, 1.0 - beta2

    def init(p):
        return AdamState(xp.zeros(p), xp.zeros(p))

    def update(g, s, p, lr, k):
        m, v = s
        m = m + (g - m) * one_minus_beta1  # torch's lerp
        v = v * beta2 + g * g * one_minus_beta2
        bc2_sqrt = sqrt(1.0 - pow(beta2, k))
        step = lr / (1.0 - pow(beta1, k))
        # η/(1−β₁ᵗ)·m/(√v/√(1−β₂ᵗ) + ε) written as c·m/(√v + ε√(1−β₂ᵗ)): one pass fewer
        return p - m / (sqrt(v) + eps * bc2_sqrt) * (step * bc2_sqrt), (m, v)

    def init_ams(p):
        return AMSGradState(xp.zeros(p), xp.zeros(p), xp.zeros(p))

    def update_ams(g, s, p, lr, k):
        m, v, v_max = s
        m = m + (g - m) * one_minus_beta1
        v = v * beta2 + g * g * one_minus_beta2
        v_max = maximum(v_max, v)
        bc2_sqrt = sqrt(1.0 - pow(beta2, k))
        step = lr / (1.0 - pow(beta1, k))
        return p - m / (sqrt(v_max) + eps * bc2_sqrt) * (step * bc2_sqrt), (m, v, v_max)

    return Rule(init_ams, update_ams) if amsgrad else Rule(init, update)


class AdamaxState(NamedTuple):
    exp_avg: Any  # m
    exp_inf: Any  # u, the decayed max of |g|


@documented("Adamax", ADAMAX, "Kingma & Ba (2015), §7.1; torch.optim.Adamax")
def adamax(beta1: Hyper, beta2: Hyper, eps: Hyper, xp: Backend = ARRAY) -> Rule:
    """Adamax: Adam with the ∞-norm, a decayed running max of |g|, in place of √v."""
    pow, maximum, abs_ = xp.pow, xp.maximum, xp.abs
    one_minus_beta1 = 1.0 - beta1

    def init(p):
        return AdamaxState(xp.zeros(p), xp.zeros(p))

    def update(g, s, p, lr, k):
        m, u = s
        m = m + (g - m) * one_minus_beta1
        u = maximum(u * beta2, abs_(g) + eps)
        return p - m / u * (lr / (1.0 - pow(beta1, k))), (m, u)

    return Rule(init, update)


class NAdamState(NamedTuple):
    exp_avg: Any  # m
    exp_avg_sq: Any  # v
    mu_product: Any  # Π_t, one per run


@documented("NAdam", NADAM, "Dozat (2016); torch.optim.NAdam")
def nadam(beta1: Hyper, beta2: Hyper, eps: Hyper, momentum_decay: Hyper,
          xp: Backend = ARRAY) -> Rule:
    """NAdam: Adam with Nesterov momentum and torch's μ_t momentum-decay schedule."""
    sqrt, pow = xp.sqrt, xp.pow
    one_minus_beta1, one_minus_beta2 = 1.0 - beta1, 1.0 - beta2

    def init(p):
        return NAdamState(xp.zeros(p), xp.zeros(p), xp.per_run(p, 1.0))

    def update(g, s, p, lr, k):
        mu = beta1 * (1.0 - 0.5 * pow(0.96, k * momentum_decay))
        mu_next = beta1 * (1.0 - 0.5 * pow(0.96, (k + 1) * momentum_decay))
        m, v, mu_prod = s
        mu_prod = mu_prod * mu
        m = m + (g - m) * one_minus_beta1
        v = v * beta2 + g * g * one_minus_beta2
        denom = sqrt(v / (1.0 - pow(beta2, k))) + eps
        c_g = -lr * (1.0 - mu) / (1.0 - mu_prod)
        c_m = (-lr * mu_next) / (1.0 - mu_prod * mu_next)
        return p + g / denom * c_g + m / denom * c_m, (m, v, mu_prod)

    return Rule(init, update)


@documented("RAdam", RADAM, "Liu et al. (2020); torch.optim.RAdam")
def radam(beta1: Hyper, beta2: Hyper, eps: Hyper, xp: Backend = ARRAY) -> Rule:
    """RAdam: Adam whose adaptive step is rectified by its variance, plain momentum early on."""
    sqrt, pow, where = xp.sqrt, xp.pow, xp.where
    one_minus_beta1, one_minus_beta2 = 1.0 - beta1, 1.0 - beta2
    rho_inf = 2.0 / (1.0 - beta2) - 1.0

    def init(p):
        return AdamState(xp.zeros(p), xp.zeros(p))

    def update(g, s, p, lr, k):
        m, v = s
        m = m + (g - m) * one_minus_beta1
        v = v * beta2 + g * g * one_minus_beta2
        b2k = pow(beta2, k)
        bc2 = 1.0 - b2k
        rho_t = rho_inf - 2.0 * k * b2k / bc2
        plain = lr / (1.0 - pow(beta1, k))
        on = rho_t > 5.0  # per run: the variance of the adaptive step is tractable
        r = sqrt(where(on, (rho_t - 4.0) * (rho_t - 2.0) * rho_inf, 1.0)
                 / where(on, (rho_inf - 4.0) * (rho_inf - 2.0) * rho_t, 1.0))
        step = where(on, m / (sqrt(v) + eps) * (plain * r * sqrt(bc2)), m * plain)
        return p - step, (m, v)

    return Rule(init, update)


def _adam_params(lr: float, wd: float, amsgrad: bool, decoupled: bool) -> tuple[Param, ...]:
    return (
        lr_param(lr), BETA1,
        unit_param("beta2", 0.999, "β₂: decay rate of the second-moment average v"),
        eps_param(1e-8), wd_param(wd, decoupled),
        Param("amsgrad", amsgrad, "AMSGrad: divide by the running maximum of v", kind=bool),
        decoupled_param(decoupled),
    )


def _betas_params(lr: float) -> tuple[Param, ...]:
    return (lr_param(lr), BETA1,
            unit_param("beta2", 0.999, "β₂: decay rate of the second-moment average"),
            eps_param(1e-8), wd_param())


ENTRIES = (
    OptimizerInfo("adam", "Adam", ADAM, "Kingma & Ba (2015); torch.optim.Adam",
                  _adam_params(0.001, 0.0, False, False), adam),
    OptimizerInfo("adamw", "AdamW", ADAMW, "Loshchilov & Hutter (2019); torch.optim.AdamW",
                  _adam_params(0.001, 0.01, False, True), adam, decay="decoupled"),
    OptimizerInfo("amsgrad", "AMSGrad", AMSGRAD,
                  "Reddi, Kale & Kumar (2018); torch.optim.Adam(amsgrad=True)",
                  _adam_params(0.001, 0.0, True, False), adam),
    OptimizerInfo("adamax", "Adamax", ADAMAX, adamax.reference, _betas_params(0.002), adamax),
    OptimizerInfo("nadam", "NAdam", NADAM, nadam.reference,
                  _betas_params(0.002) + (
                      Param("momentum_decay", 0.004, "momentum decay ψ of the μ_t schedule",
                            low=0.0, log=True), decoupled_param(False)), nadam),
    OptimizerInfo("radam", "RAdam", RADAM, radam.reference,
                  _betas_params(0.001) + (decoupled_param(False),), radam),
)
