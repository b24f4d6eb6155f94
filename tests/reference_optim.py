"""Reference trajectories for gdsim's optimizers, from torch.optim and the SPEC §10 packages.

One call gives what a reference implementation does, step by step, in float64, for a gdsim
optimizer name and gdsim's hyperparameter names (SPEC §2, §10)::

    from reference_optim import reference_trajectory

    ref = reference_trajectory("lion", {"lr": 1e-3, "beta1": 0.9, "beta2": 0.99},
                               grad=surface, start=(-1.2, 1.0), steps=60, lrs=None)
    ref.points   # (steps + 1, 2): row k = the point after k updates (row 0 = start); for
                 # sf_sgd / sf_adamw the point y where the gradient is taken
    ref.x        # (steps + 1, 2) for sf_* (the averaged point x, as .eval() gives it), else None
    ref.optimizer  # the reference optimizer object, for its state (e.g. ASGD's "ax")

``grad`` is a gdsim surface (anything with ``.grad`` on ``(N, 2)`` arrays) or a function of
one point ``(2,)`` returning its gradient ``(2,)``; ``lrs`` (optional, ``steps`` values) are
the scheduled rates, set as the param group's ``lr`` before each update (gdsim's lr column).
Hyperparameters not given take gdsim's defaults: the registry's for optimizers gdsim has,
else the SPEC §10 table below (a hyperparameter the SPEC leaves to gdsim, e.g. lion's lr,
must be given). ``maximize`` is passed to torch.optim; the packages that lack it are given
the negated gradient, which is exactly torch's rule (g ← −g before anything else).

Only tests import this (torch and the packages of the ``reference`` extra are needed).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import torch

# SPEC §10 defaults of the optimizers gdsim does not have yet (None: the SPEC names no
# default; the caller must give it). The registry's defaults win once a name is there.
SPEC_DEFAULTS: dict[str, dict[str, Any]] = {
    "rprop": {"lr": 0.01, "eta_minus": 0.5, "eta_plus": 1.2, "step_size_min": 1e-6,
              "step_size_max": 50.0, "maximize": False},
    "asgd": {"lr": 0.01, "lambd": 1e-4, "alpha": 0.75, "t0": 1e6, "weight_decay": 0.0,
             "maximize": False},
    "adafactor": {"lr": 0.01, "beta2_decay": -0.8, "eps1": None, "eps2": 1e-3, "d": 1.0,
                  "weight_decay": 0.0, "maximize": False},
    "lion": {"lr": None, "beta1": 0.9, "beta2": 0.99, "weight_decay": 0.0},
    "qhm": {"lr": None, "momentum": 0.999, "nu": 0.7, "weight_decay": 0.0},
    "qhadam": {"lr": None, "beta1": None, "beta2": None, "nu1": 1.0, "nu2": 1.0, "eps": None,
               "weight_decay": None},
    "adabelief": {"lr": None, "beta1": None, "beta2": None, "eps": 1e-16,
                  "weight_decay": None},
    "yogi": {"lr": None, "beta1": None, "beta2": None, "eps": 1e-3,
             "initial_accumulator": 1e-6, "weight_decay": None},
    "sf_sgd": {"lr": None, "momentum": None, "weight_decay": 0.0},
    "sf_adamw": {"lr": None, "beta1": None, "beta2": None, "eps": None, "weight_decay": 0.0},
}
SCHEDULE_FREE = ("sf_sgd", "sf_adamw")
# schedulefree's own knobs (SPEC §10 does not name them): passed through when given
SCHEDULE_FREE_EXTRAS = ("warmup_steps", "r", "weight_lr_power")


class Reference(NamedTuple):
    """A reference run: points (steps + 1, 2), x for schedule-free (else None), the object."""

    points: np.ndarray
    x: np.ndarray | None
    optimizer: Any


def full_hparams(name: str, hparams: Mapping[str, Any]) -> dict[str, Any]:
    """``hparams`` with the missing ones filled from gdsim's registry, else SPEC §10."""
    from gdsim.optimizers import OPTIMIZERS

    if name in OPTIMIZERS:
        defaults = {p.name: p.default for p in OPTIMIZERS[name].params}
    elif name in SPEC_DEFAULTS:
        defaults = dict(SPEC_DEFAULTS[name])
    else:
        raise KeyError(f"no reference for optimizer {name!r}")
    extras = set(SCHEDULE_FREE_EXTRAS) if name in SCHEDULE_FREE else set()
    unknown = set(hparams) - set(defaults) - {"maximize", "decoupled_weight_decay"} - extras
    if unknown:
        raise KeyError(f"{name}: unknown hyperparameters {sorted(unknown)}")
    out = {**defaults, **hparams}
    missing = sorted(k for k, v in out.items() if v is None and k != "eps1")
    if missing:
        raise KeyError(f"{name}: SPEC §10 leaves {missing} to gdsim: give them")
    return out


def _betas(h: Mapping[str, Any]) -> tuple[float, float]:
    return (float(h["beta1"]), float(h["beta2"]))


def build(name: str, h: Mapping[str, Any], params: list[torch.Tensor]) -> tuple[Any, bool]:
    """(reference optimizer for gdsim's ``name`` with full hparams ``h``, whether it takes
    ``maximize`` itself; if not, the caller negates the gradient)."""
    o = torch.optim
    mx = {"maximize": bool(h.get("maximize", False)), "foreach": False}
    dwd = {"decoupled_weight_decay": bool(h["decoupled_weight_decay"])} \
        if "decoupled_weight_decay" in h else {}
    if name == "gd":
        return o.SGD(params, lr=h["lr"], **mx), True
    if name in ("sgd", "momentum", "nesterov"):
        return o.SGD(params, lr=h["lr"], momentum=h["momentum"], dampening=h["dampening"],
                     nesterov=h["nesterov"], weight_decay=h["weight_decay"], **mx), True
    if name == "adagrad":
        return o.Adagrad(params, lr=h["lr"], lr_decay=h["lr_decay"],
                         weight_decay=h["weight_decay"],
                         initial_accumulator_value=h["initial_accumulator_value"], eps=h["eps"],
                         **mx), True
    if name == "rmsprop":
        return o.RMSprop(params, lr=h["lr"], alpha=h["alpha"], eps=h["eps"],
                         weight_decay=h["weight_decay"], momentum=h["momentum"],
                         centered=h["centered"], **mx), True
    if name == "adadelta":
        return o.Adadelta(params, lr=h["lr"], rho=h["rho"], eps=h["eps"],
                          weight_decay=h["weight_decay"], **mx), True
    if name in ("adam", "amsgrad"):
        return o.Adam(params, lr=h["lr"], betas=_betas(h), eps=h["eps"],
                      weight_decay=h["weight_decay"], amsgrad=h["amsgrad"], **dwd, **mx), True
    if name == "adamw":  # always decoupled (a given decoupled_weight_decay is true)
        return o.AdamW(params, lr=h["lr"], betas=_betas(h), eps=h["eps"],
                       weight_decay=h["weight_decay"], amsgrad=h["amsgrad"], **mx), True
    if name == "adamax":
        return o.Adamax(params, lr=h["lr"], betas=_betas(h), eps=h["eps"],
                        weight_decay=h["weight_decay"], **mx), True
    if name == "nadam":
        return o.NAdam(params, lr=h["lr"], betas=_betas(h), eps=h["eps"],
                       weight_decay=h["weight_decay"], momentum_decay=h["momentum_decay"],
                       **dwd, **mx), True
    if name == "radam":
        return o.RAdam(params, lr=h["lr"], betas=_betas(h), eps=h["eps"],
                       weight_decay=h["weight_decay"], **dwd, **mx), True
    if name == "rprop":
        return o.Rprop(params, lr=h["lr"], etas=(h["eta_minus"], h["eta_plus"]),
                       step_sizes=(h["step_size_min"], h["step_size_max"]), **mx), True
    if name == "asgd":
        return o.ASGD(params, lr=h["lr"], lambd=h["lambd"], alpha=h["alpha"], t0=h["t0"],
                      weight_decay=h["weight_decay"], **mx), True
    if name == "adafactor":
        return o.Adafactor(params, lr=h["lr"], beta2_decay=h["beta2_decay"],
                           eps=(h["eps1"], h["eps2"]), d=h["d"],
                           weight_decay=h["weight_decay"], **mx), True
    if name == "lion":
        from lion_pytorch import Lion

        return Lion(params, lr=h["lr"], betas=_betas(h), weight_decay=h["weight_decay"]), False
    if name in ("qhm", "qhadam", "yogi"):
        import torch_optimizer as topt

        if name == "qhm":
            return topt.QHM(params, lr=h["lr"], momentum=h["momentum"], nu=h["nu"],
                            weight_decay=h["weight_decay"]), False
        if name == "qhadam":
            return topt.QHAdam(params, lr=h["lr"], betas=_betas(h), nus=(h["nu1"], h["nu2"]),
                               eps=h["eps"], weight_decay=h["weight_decay"]), False
        return topt.Yogi(params, lr=h["lr"], betas=_betas(h), eps=h["eps"],
                         initial_accumulator=h["initial_accumulator"],
                         weight_decay=h["weight_decay"]), False
    if name == "adabelief":
        from adabelief_pytorch import AdaBelief

        return AdaBelief(params, lr=h["lr"], betas=_betas(h), eps=h["eps"],
                         weight_decay=h["weight_decay"], rectify=False, weight_decouple=False,
                         print_change_log=False), False
    if name in SCHEDULE_FREE:
        import schedulefree

        extra = {k: h[k] for k in SCHEDULE_FREE_EXTRAS if k in h}
        if name == "sf_sgd":
            opt = schedulefree.SGDScheduleFree(params, lr=h["lr"], momentum=h["momentum"],
                                               weight_decay=h["weight_decay"], foreach=False,
                                               **extra)
        else:
            opt = schedulefree.AdamWScheduleFree(params, lr=h["lr"], betas=_betas(h),
                                                 eps=h["eps"], weight_decay=h["weight_decay"],
                                                 foreach=False, **extra)
        opt.train()  # it refuses to step in its initial (eval) mode; p holds y in train mode
        return opt, False
    raise KeyError(f"no reference for optimizer {name!r}")


@contextlib.contextmanager
def float64_default() -> Iterator[None]:
    """torch keeps some scalar state in the default dtype (NAdam's mu_product): float64."""
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        yield
    finally:
        torch.set_default_dtype(old)


def _grad_fn(grad: Any) -> Callable[[np.ndarray], np.ndarray]:
    if hasattr(grad, "grad"):  # a gdsim surface
        return lambda p: np.asarray(grad.grad(p[None, :]), dtype=np.float64)[0]
    return lambda p: np.asarray(grad(p), dtype=np.float64).reshape(2)


def _averaged_x(opt: Any, p: torch.Tensor) -> np.ndarray:
    """Schedule-free's x from y and z without touching p: what .eval() writes into p."""
    z = opt.state[p].get("z")
    if z is None:  # before the first step x = y = z = the start
        return p.detach().numpy().copy()
    group = opt.param_groups[0]
    beta = group["momentum"] if "momentum" in group else group["betas"][0]
    if beta == 0:  # y = z: x is not kept by the reference
        return np.full(2, np.nan)
    return p.detach().clone().lerp_(end=z, weight=1 - 1 / beta).numpy().copy()


def reference_trajectory(name: str, hparams: Mapping[str, Any], grad: Any,
                         start: Sequence[float], steps: int,
                         lrs: Sequence[float] | None = None) -> Reference:
    """The reference implementation's ``steps`` updates of gdsim optimizer ``name`` from
    ``start``, gradients from ``grad`` at the point each update starts from (see module)."""
    h = full_hparams(name, hparams)
    g_at = _grad_fn(grad)
    if lrs is not None and len(lrs) < steps:
        raise ValueError(f"lrs has {len(lrs)} rates for {steps} steps")
    with float64_default():
        p = torch.tensor([float(start[0]), float(start[1])], dtype=torch.float64)
        opt, takes_maximize = build(name, h, [p])
        negate = bool(h.get("maximize", False)) and not takes_maximize
        sf = name in SCHEDULE_FREE
        points = [p.numpy().copy()]
        xs = [_averaged_x(opt, p)] if sf else None
        for k in range(steps):
            if lrs is not None:
                for group in opt.param_groups:
                    group["lr"] = float(lrs[k])
            g = g_at(p.detach().numpy().copy())
            # a fresh tensor every step: schedule-free's step() overwrites p.grad in place
            p.grad = torch.tensor(-g if negate else g, dtype=torch.float64)
            opt.step()
            points.append(p.detach().numpy().copy())
            if sf:
                xs.append(_averaged_x(opt, p))
    return Reference(np.array(points), None if xs is None else np.array(xs), opt)
