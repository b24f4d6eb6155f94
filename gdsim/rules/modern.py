"""Optimizers practitioners compare today (SPEC §10), each exactly as its reference package
writes it: Lion, QHM, QHAdam, AdaBelief, Yogi, schedule-free SGD and AdamW."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from gdsim.params import Param
from gdsim.rules.base import (
    ARRAY,
    BETA1,
    MOMENTUM_HELP,
    Backend,
    Hyper,
    OptimizerInfo,
    Rule,
    active,
    documented,
    eps_param,
    lerp,
    lr_param,
    per_run,
    unit_param,
    wd_param,
)

LION = (
    "θ ← θ·(1 − η·λ)\n"
    "c ← β₁·m + (1 − β₁)·g\n"
    "θ ← θ − η·sign(c)\n"
    "m ← β₂·m + (1 − β₂)·g"
)
QHM = (
    "g ← ∇f(θ) + λθ\n"
    "b ← β·b + (1 − β)·g\n"
    "θ ← θ − η·ν·b − η·(1 − ν)·g"
)
QHADAM = (
    "g ← ∇f(θ) + λθ\n"
    "w₁ ← 1 + β₁·w₁,  w₂ ← 1 + β₂·w₂   (bias correction as weights)\n"
    "m ← (1 − 1/w₁)·m + g/w₁,  v ← (1 − 1/w₂)·v + g²/w₂\n"
    "θ ← θ − η·(ν₁·m + (1 − ν₁)·g)/(√(ν₂·v + (1 − ν₂)·g²) + ε)"
)
ADABELIEF = (
    "g ← ∇f(θ) + λθ\n"
    "m ← β₁·m + (1 − β₁)·g\n"
    "s ← β₂·s + (1 − β₂)·(g − m)² + ε\n"
    "θ ← θ − η/(1 − β₁ᵗ)·m/(√s/√(1 − β₂ᵗ) + ε)"
)
YOGI = (
    "g ← ∇f(θ) + λθ\n"
    "m ← β₁·m + (1 − β₁)·g\n"
    "v ← v − (1 − β₂)·sign(v − g²)·g²\n"
    "θ ← θ − η/(1 − β₁ᵗ)·m/(√v/√(1 − β₂ᵗ) + ε)"
)
SF_SGD = (
    "g ← ∇f(θ) + λθ   (θ = y, the point where the gradient is taken)\n"
    "c ← η_max²/Σ η_max²   (weights of the running average)\n"
    "θ ← (1 − c)·θ + c·z + η·(β(1 − c) − 1)·g\n"
    "z ← z − η·g\n"
    "x = θ + (1 − 1/β)·(z − θ)   (the averaged point)"
)
SF_ADAMW = (
    "v ← β₂·v + (1 − β₂)·g²,  u ← g/(√(v/(1 − β₂ᵗ)) + ε) + λθ   (θ = y)\n"
    "c ← η_max²/Σ η_max²\n"
    "θ ← (1 − c)·θ + c·z + η·(β₁(1 − c) − 1)·u\n"
    "z ← z − η·u\n"
    "x = θ + (1 − 1/β₁)·(z − θ)   (the averaged point)"
)


class LionState(NamedTuple):
    exp_avg: Any  # m


@documented("Lion", LION, "Chen et al. (2023), Symbolic Discovery of Optimization "
            "Algorithms; lion-pytorch Lion")
def lion(beta1: Hyper, beta2: Hyper, xp: Backend = ARRAY) -> Rule:
    """Lion: a step of fixed size η per coordinate along the sign of an interpolated momentum."""
    sign = xp.sign
    one_minus_beta1, one_minus_beta2 = 1.0 - beta1, 1.0 - beta2

    def init(p):
        return LionState(xp.zeros(p))

    def update(g, s, p, lr, k):
        (m,) = s
        p = p - sign(m * beta1 + g * one_minus_beta1) * lr
        return p, (m * beta2 + g * one_minus_beta2,)

    return Rule(init, update)


class QHMState(NamedTuple):
    momentum_buffer: Any  # b, an average of past gradients


@documented("QHM", QHM, "Ma & Yarats (2019), Quasi-hyperbolic momentum and Adam for deep "
            "learning; torch-optimizer QHM")
def qhm(momentum: Hyper, nu: Hyper, xp: Backend = ARRAY) -> Rule:
    """Quasi-hyperbolic momentum: a ν-weighted mix of the momentum average and the gradient."""
    one_minus_beta = 1.0 - momentum

    def init(p):
        return QHMState(xp.zeros(p))

    def update(g, s, p, lr, k):
        (b,) = s
        b = b * momentum + g * one_minus_beta
        p = p - b * (lr * nu)
        return p - g * (lr * (1.0 - nu)), (b,)

    return Rule(init, update)


class QHAdamState(NamedTuple):
    exp_avg: Any  # m
    exp_avg_sq: Any  # v
    beta1_weight: Any  # w₁ = Σ β₁ⁱ, one per run
    beta2_weight: Any  # w₂ = Σ β₂ⁱ, one per run


@documented("QHAdam", QHADAM, "Ma & Yarats (2019); torch-optimizer QHAdam")
def qhadam(beta1: Hyper, beta2: Hyper, nu1: Hyper, nu2: Hyper, eps: Hyper,
           xp: Backend = ARRAY) -> Rule:
    """QHAdam: Adam whose numerator and denominator each mix the average with the raw gradient."""
    sqrt = xp.sqrt
    mix1, mix2 = active(1.0 - nu1), active(1.0 - nu2)

    def init(p):
        return QHAdamState(xp.zeros(p), xp.zeros(p), xp.per_run(p, 0.0), xp.per_run(p, 0.0))

    def update(g, s, p, lr, k):
        m, v, w1, w2 = s
        g2 = g * g
        w1 = 1.0 + beta1 * w1
        w2 = 1.0 + beta2 * w2
        adj1 = 1.0 - 1.0 / w1
        adj2 = 1.0 - 1.0 / w2
        m = m * adj1 + g * (1.0 - adj1)
        v = v * adj2 + g2 * (1.0 - adj2)
        num = m * nu1 + g * (1.0 - nu1) if mix1 else m  # ν = 1: m·1 is m
        rms = v * nu2 + g2 * (1.0 - nu2) if mix2 else v
        return p - num / (sqrt(rms) + eps) * lr, (m, v, w1, w2)

    return Rule(init, update)


class AdaBeliefState(NamedTuple):
    exp_avg: Any  # m
    exp_avg_var: Any  # s, the belief: the average of (g − m)², plus ε each step


@documented("AdaBelief", ADABELIEF, "Zhuang et al. (2020), AdaBelief Optimizer; "
            "adabelief-pytorch AdaBelief (rectify=False, weight_decouple=False)")
def adabelief(beta1: Hyper, beta2: Hyper, eps: Hyper, xp: Backend = ARRAY) -> Rule:
    """AdaBelief: Adam that divides by the spread of g around its average (the belief),
    so steps are large where the gradient is predictable."""
    sqrt, pow = xp.sqrt, xp.pow
    one_minus_beta1, one_minus_beta2 = 1.0 - beta1, 1.0 - beta2

    def init(p):
        return AdaBeliefState(xp.zeros(p), xp.zeros(p))

    def update(g, s, p, lr, k):
        m, v = s
        m = m * beta1 + g * one_minus_beta1
        r = g - m
        v = v * beta2 + r * r * one_minus_beta2 + eps
        denom = sqrt(v) / sqrt(1.0 - pow(beta2, k)) + eps
        return p - m / denom * (lr / (1.0 - pow(beta1, k))), (m, v)

    return Rule(init, update)


class YogiState(NamedTuple):
    exp_avg: Any  # m
    exp_avg_sq: Any  # v


@documented("Yogi", YOGI, "Zaheer et al. (2018), Adaptive Methods for Nonconvex "
            "Optimization; torch-optimizer Yogi")
def yogi(beta1: Hyper, beta2: Hyper, eps: Hyper, initial_accumulator: Hyper,
         xp: Backend = ARRAY) -> Rule:
    """Yogi: Adam whose v moves towards g² by an additive, sign-controlled step, so it
    cannot forget large past gradients too fast."""
    sqrt, pow, sign = xp.sqrt, xp.pow, xp.sign
    one_minus_beta1, one_minus_beta2 = 1.0 - beta1, 1.0 - beta2

    def init(p):
        return YogiState(xp.full(p, initial_accumulator), xp.full(p, initial_accumulator))

    def update(g, s, p, lr, k):
        m, v = s
        m = m * beta1 + g * one_minus_beta1
        g2 = g * g
        v = v + sign(v - g2) * g2 * -one_minus_beta2
        denom = sqrt(v) / sqrt(1.0 - pow(beta2, k)) + eps
        return p - m / denom * (lr / (1.0 - pow(beta1, k))), (m, v)

    return Rule(init, update)


class ScheduleFreeState(NamedTuple):
    z: Any  # the base SGD sequence
    weight_sum: Any  # Σ η_max², one per run
    lr_max: Any  # the largest learning rate so far, one per run


class ScheduleFreeAdamState(NamedTuple):
    z: Any
    exp_avg_sq: Any  # v
    weight_sum: Any
    lr_max: Any


@per_run
def _average_weight(xp: Backend, weight_sum: Any, lr_max: Any, lr: Any) -> tuple:
    """schedulefree's weights (warmup 0, r = 0, weight_lr_power = 2): c_{t+1} and state."""
    lr_max = xp.maximum(lr_max * 0.0 + lr, lr_max)
    weight = lr_max * lr_max  # lr_max ** 2 (weight_lr_power 2): the same correctly rounded x²
    weight_sum = weight_sum + weight
    ckp1 = weight / xp.where(weight_sum == 0.0, 1.0, weight_sum)  # theirs: 0 on ÷0
    return ckp1, weight_sum, lr_max


@documented("Schedule-free SGD", SF_SGD, "Defazio et al. (2024), The Road Less Scheduled; "
            "schedulefree 1.4.1 SGDScheduleFree")
def sf_sgd(momentum: Hyper, xp: Backend = ARRAY) -> Rule:
    """Schedule-free SGD: the gradient is taken at y, between the SGD sequence z and its
    running average x, which needs no learning-rate schedule."""

    def init(p):
        return ScheduleFreeState(xp.full(p, p), xp.per_run(p, 0.0), xp.per_run(p, -1.0))

    def update(g, s, p, lr, k):
        z, weight_sum, lr_max = s
        ckp1, weight_sum, lr_max = _average_weight(xp, weight_sum, lr_max, lr)
        y = lerp(xp, p, z, ckp1)
        y = y + g * (lr * (momentum * (1.0 - ckp1) - 1.0))
        return y, (z - g * lr, weight_sum, lr_max)

    return Rule(init, update)


@documented("Schedule-free AdamW", SF_ADAMW, "Defazio et al. (2024); schedulefree 1.4.1 "
            "AdamWScheduleFree")
def sf_adamw(beta1: Hyper, beta2: Hyper, eps: Hyper, weight_decay: Hyper,
             xp: Backend = ARRAY) -> Rule:
    """Schedule-free AdamW: schedule-free averaging of Adam-normalized steps (no first moment:
    the averaging plays its part)."""
    sqrt, pow = xp.sqrt, xp.pow
    one_minus_beta2 = 1.0 - beta2
    decay = active(weight_decay)

    def init(p):
        return ScheduleFreeAdamState(xp.full(p, p), xp.zeros(p), xp.per_run(p, 0.0),
                                     xp.per_run(p, -1.0))

    def update(g, s, p, lr, k):
        z, v, weight_sum, lr_max = s
        bc2 = 1.0 - pow(beta2, k)
        ckp1, weight_sum, lr_max = _average_weight(xp, weight_sum, lr_max, lr)
        v = v * beta2 + g * g * one_minus_beta2
        u = g / (sqrt(v / bc2) + eps)
        if decay:
            u = u + p * weight_decay
        y = lerp(xp, p, z, ckp1)
        y = y + u * (lr * (beta1 * (1.0 - ckp1) - 1.0))
        return y, (z - u * lr, v, weight_sum, lr_max)

    return Rule(init, update)


AVERAGED = ("sf_sgd", "sf_adamw")  # families whose iterate y has an averaged point x


def averaged_point(name: str, hparams: dict, params: np.ndarray, state: Any) -> np.ndarray:
    """Schedule-free's averaged point x (what the package's ``.eval()`` gives) from y and z:
    x = y + (1 − 1/β)(z − y); ``params`` (N, D) is y; β may be an (N, 1) column; β = 0: x = z."""
    beta = np.asarray(hparams["momentum" if name == "sf_sgd" else "beta1"], np.float64)
    y, z = np.asarray(params, np.float64), np.asarray(state.z, np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = y + (z - y) * (1.0 - 1.0 / beta)
    return np.where(beta == 0.0, z, x)


def _betas(lr: float, eps: float) -> tuple[Param, ...]:
    return (lr_param(lr), BETA1,
            unit_param("beta2", 0.999, "β₂: decay rate of the second-moment average"),
            eps_param(eps), wd_param())


ENTRIES = (
    OptimizerInfo(
        "lion", "Lion", LION, lion.reference,
        (lr_param(0.01), BETA1,
         unit_param("beta2", 0.99, "β₂: decay rate of the momentum m"),
         wd_param(0.0, decoupled=True)),
        lion, decay="decoupled"),
    OptimizerInfo(
        "qhm", "QHM", QHM, qhm.reference,
        (lr_param(0.01), unit_param("momentum", 0.999, "β: decay rate of the momentum average"),
         Param("nu", 0.7, "ν: weight of the momentum average against the raw gradient",
               low=0.0, high=1.0),
         wd_param()),
        qhm),
    OptimizerInfo(
        "qhadam", "QHAdam", QHADAM, qhadam.reference,
        (lr_param(0.001), BETA1,
         unit_param("beta2", 0.999, "β₂: decay rate of the second-moment average"),
         Param("nu1", 1.0, "ν₁: weight of m against g in the numerator", low=0.0, high=1.0),
         Param("nu2", 1.0, "ν₂: weight of v against g² in the denominator", low=0.0,
               high=1.0),
         eps_param(1e-8), wd_param()),
        qhadam),
    OptimizerInfo("adabelief", "AdaBelief", ADABELIEF, adabelief.reference,
                  _betas(0.001, 1e-16), adabelief),
    OptimizerInfo(
        "yogi", "Yogi", YOGI, yogi.reference,
        _betas(0.01, 1e-3) + (
            Param("initial_accumulator", 1e-6, "starting value of m and v", low=0.0,
                  log=True),),
        yogi),
    OptimizerInfo(
        "sf_sgd", "Schedule-free SGD", SF_SGD, sf_sgd.reference,
        (lr_param(0.01), unit_param("momentum", 0.9, MOMENTUM_HELP + " (interpolation β)"),
         wd_param()),
        sf_sgd),
    OptimizerInfo(
        "sf_adamw", "Schedule-free AdamW", SF_ADAMW, sf_adamw.reference,
        (lr_param(0.0025), BETA1,
         unit_param("beta2", 0.999, "β₂: decay rate of the second-moment average"),
         eps_param(1e-8), wd_param(0.0, decoupled=True)),
        sf_adamw, decay=""),
)
