"""Explain one update of a run: the rule with its actual numbers (issue 9 item 1).

Generic over the optimizer registry: the optimizer's state is replayed from the run's start
with the engine's own ``init``/``update`` on the recorded gradients and scheduled rates, and
whatever fields that state holds (torch's buffer names: ``exp_avg``, ``momentum_buffer``,
``sum``, …, and the step count) are shown before → after, plus bias corrections for any
``beta1``/``beta2`` hyperparameter, the step Δθ, the effective step −Δθᵢ/gᵢ per coordinate and
the new point. For a noise-free, full-batch run the replay is bit-identical to the
simulation (tested for every optimizer); with gradient noise or mini-batches the engine
records only the full gradient, so the explanation is marked inexact.

Replays are cached per run with checkpoints, so moving forward costs the new steps only and
scrubbing back at most ``CHECKPOINT_EVERY`` updates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gdsim.errors import GdsimError

CHECKPOINT_EVERY = 128

# what a state field holds, for people (unknown names are shown as they are)
FIELD_NAMES = {
    "count": "t (updates so far)",
    "momentum_buffer": "b (momentum buffer)",
    "exp_avg": "m (first moment)",
    "exp_avg_sq": "v (second moment)",
    "max_exp_avg_sq": "v_max (AMSGrad)",
    "exp_inf": "u (∞-norm moment)",
    "sum": "G (sum of g²)",
    "square_avg": "v (mean of g²)",
    "grad_avg": "ḡ (mean of g)",
    "acc_delta": "u (mean of Δ²)",
    "mu_product": "Π (product of μ)",
}
FIRST_MOMENT = ("exp_avg", "momentum_buffer")   # what the momentum glyph draws, first found


def state_fields(state: Any) -> dict[str, np.ndarray]:
    """The named fields of an optimizer state as float arrays of one run (row 0): ``count``
    and the fields in use of the rule's state NamedTuple (``OptState.buffers``); a bare
    NamedTuple or an older ``slots`` dict work too."""
    if hasattr(state, "_asdict"):
        items = list(state._asdict().items())
    else:
        named = getattr(state, "buffers", None)
        fields = named._asdict() if hasattr(named, "_asdict") else getattr(state, "slots", {})
        items = [("count", getattr(state, "count", 0)), *fields.items()]
    out = {}
    for k, v in items:
        if v is None:  # a field this configuration does not use
            continue
        a = np.asarray(v, dtype=np.float64)
        out[k] = a[0] if a.ndim == 2 else a.reshape(-1)
    return out


@dataclass
class Explanation:
    """Update ``step`` → ``step + 1`` of one run, every number as the engine computed it."""

    label: str
    optimizer: str
    title: str
    formula: str
    hparams: dict
    step: int
    lr: float
    point: np.ndarray
    grad: np.ndarray
    new_point: np.ndarray
    before: dict[str, np.ndarray]
    after: dict[str, np.ndarray]
    corrections: dict[str, float] = field(default_factory=dict)
    derived: dict[str, np.ndarray] = field(default_factory=dict)
    exact: bool = True
    note: str = ""

    @property
    def delta(self) -> np.ndarray:
        """Δθ = θₖ₊₁ − θₖ."""
        return self.new_point - self.point

    @property
    def effective(self) -> np.ndarray:
        """−Δθᵢ/gᵢ: the learning rate each coordinate really got (NaN where gᵢ = 0)."""
        with np.errstate(all="ignore"):
            e = -self.delta / self.grad
        return np.where(np.isfinite(e), e, np.nan)

    def first_moment(self) -> np.ndarray | None:
        """The momentum / first-moment buffer after the update, if the rule keeps one."""
        for name in FIRST_MOMENT:
            if name in self.after:
                return self.after[name]
        return None

    def adaptive_scale(self) -> np.ndarray | None:
        """The per-coordinate step size the rule's second-moment state gives a unit gradient
        after this update: η/(√v̂ + ε) (Adam family, v̂ bias-corrected), η/(√G + ε) (AdaGrad),
        η/(√v + ε) (RMSprop), η/u (Adamax), η·√(u + ε)/√(v + ε) (Adadelta); None for rules
        without one (SGD, momentum)."""
        a, hp, eta = self.after, self.hparams, self.lr
        eps = float(hp.get("eps", 0.0)) if isinstance(hp.get("eps"), float) else 0.0
        with np.errstate(all="ignore"):
            if "acc_delta" in a and "square_avg" in a:
                s = eta * np.sqrt(self.before["acc_delta"] + eps) / np.sqrt(a["square_avg"] + eps)
            elif "max_exp_avg_sq" in a or "exp_avg_sq" in a:
                v = a.get("max_exp_avg_sq", a.get("exp_avg_sq"))
                c = self.corrections.get("1 − β₂ᵗ", 1.0)
                s = eta / (np.sqrt(v / c) + eps)
            elif "sum" in a:
                s = eta / (np.sqrt(a["sum"]) + eps)
            elif "square_avg" in a:
                s = eta / (np.sqrt(a["square_avg"]) + eps)
            elif "exp_inf" in a:
                s = eta / a["exp_inf"]
            else:
                return None
        return np.where(np.isfinite(s), s, np.nan)

    def lines(self) -> list[str]:
        """The explanation as plain text lines (the panel shows them)."""
        def v(a: np.ndarray) -> str:
            a = np.asarray(a).reshape(-1)
            return f"{a[0]:.6g}" if a.size == 1 else "(" + ", ".join(f"{x:.6g}" for x in a) + ")"

        hp = ", ".join(f"{k}={val:g}" if isinstance(val, float) else f"{k}={val}"
                       for k, val in self.hparams.items())
        out = [f"{self.label} — {self.title}: update {self.step} → {self.step + 1}",
               f"hyperparameters: {hp}", "rule:"]
        out += ["    " + line for line in self.formula.splitlines()]
        out += [f"η (scheduled) = {self.lr:.6g}",
                f"θ = {v(self.point)}",
                f"g = ∇f(θ) = {v(self.grad)}"]
        for name in self.after:
            shown = FIELD_NAMES.get(name, name)
            b = self.before.get(name)
            out.append(f"{shown}: {v(b) if b is not None else '—'} → {v(self.after[name])}")
        for name, c in self.corrections.items():
            out.append(f"bias correction {name} = {c:.6g}")
        for name, val in self.derived.items():
            out.append(f"{name} = {v(val)}")
        scale = self.adaptive_scale()
        if scale is not None:
            out.append(f"adaptive step per coordinate (unit gradient) = {v(scale)}")
        out += [f"Δθ = {v(self.delta)}",
                f"effective step −Δθᵢ/gᵢ = {v(self.effective)}",
                f"θ′ = {v(self.new_point)}"]
        if self.note:
            out.append(self.note)
        return out


class Explainer:
    """Replays runs of one simulation to explain any recorded update (cache per run)."""

    def __init__(self, sim: Any) -> None:
        self.sim = sim
        self._cache: dict[int, dict] = {}

    def _entry(self, i: int) -> dict:
        from gdsim.optimizers import make_optimizer

        run = self.sim.runs[i]
        tr = run.trajectory
        e = self._cache.get(i)
        if e is None or e["traj"] is not tr or e["spec"] is not run.spec:
            opt = make_optimizer(run.spec.optimizer, **run.spec.hparams)
            p0 = tr.points[0:1].copy()
            e = {"traj": tr, "spec": run.spec, "opt": opt,
                 "checkpoints": {0: opt.init(p0)}, "at": (0, opt.init(p0)),
                 "prev": (0, opt.init(p0))}
            self._cache[i] = e
        return e

    def _nearest(self, e: dict, k: int) -> tuple[int, Any]:
        """The cached (step, state) closest below or at ``k``: the last two states used or a
        checkpoint."""
        base = max(s for s in e["checkpoints"] if s <= k)
        best = (base, e["checkpoints"][base])
        for step, state in (e["at"], e["prev"]):
            if best[0] < step <= k:
                best = (step, state)
        return best

    def pending(self, i: int, k: int) -> int:
        """How many updates a call for step ``k`` of run ``i`` would replay (0: cached)."""
        return k - self._nearest(self._entry(i), k)[0]

    def state_before(self, i: int, k: int) -> Any:
        """The run's optimizer state before update ``k`` (after k updates)."""
        e = self._entry(i)
        tr = e["traj"]
        step, state = self._nearest(e, k)
        opt = e["opt"]
        if step < k:
            state = self._replay(e, opt, tr, step, k, state)
        e["prev"] = (k, state)
        return state

    @staticmethod
    def _replay(e: dict, opt: Any, tr: Any, step: int, k: int, state: Any) -> Any:
        """The state after updates ``step..k-1`` from ``state``, checkpointing on the way:
        on the one-run float path when the optimizer offers it (``float_run``, the same
        floats as its arrays), else through ``update``."""
        float_run = getattr(opt, "float_run", None)
        st = state.copy()
        p = tr.points[step:step + 1].copy()
        run = float_run(st, p) if float_run is not None else None
        with np.errstate(all="ignore"):
            if run is None:
                while step < k:
                    _, state = opt.update(tr.grad[step:step + 1], state,
                                          tr.points[step:step + 1], float(tr.lr[step]))
                    step += 1
                    if step % CHECKPOINT_EVERY == 0:
                        e["checkpoints"][step] = state
                return state
            grads, lrs = tr.grad[step:k].tolist(), tr.lr[step:k].tolist()
            for g, lr in zip(grads, lrs, strict=True):
                run.step(g, lr)
                step += 1
                if step % CHECKPOINT_EVERY == 0:
                    run.store()
                    e["checkpoints"][step] = st.copy()
            run.store()
        return st

    def explain(self, i: int, k: int) -> Explanation:
        """Update ``k`` → ``k + 1`` of enabled run ``i`` (GdsimError if not recorded)."""
        from gdsim.optimizers import OPTIMIZERS

        if not 0 <= i < len(self.sim.runs):
            raise GdsimError(f"run index must be in 0..{len(self.sim.runs) - 1}, got {i}")
        run = self.sim.runs[i]
        tr = run.trajectory
        if isinstance(k, bool) or not 0 <= int(k) <= tr.n - 2:
            raise GdsimError(f"step must be an update in 0..{tr.n - 2} of run {run.label!r}, "
                             f"got {k!r}")
        k = int(k)
        before = self.state_before(i, k)
        e = self._cache[i]
        opt = e["opt"]
        p = tr.points[k:k + 1]
        lr = float(tr.lr[k])
        with np.errstate(all="ignore"):
            new_p, after = opt.update(tr.grad[k:k + 1], before, p, lr)
        e["at"] = (k + 1, after)
        fb, fa = state_fields(before), state_fields(after)
        hp = dict(opt.hparams)
        t = int(fa.get("count", np.array([k + 1]))[0])
        corr, derived = {}, {}
        with np.errstate(all="ignore"):
            if isinstance(hp.get("beta1"), float):
                corr["1 − β₁ᵗ"] = 1.0 - hp["beta1"] ** t
                if "exp_avg" in fa:
                    derived["m̂ = m/(1 − β₁ᵗ)"] = fa["exp_avg"] / corr["1 − β₁ᵗ"]
            if isinstance(hp.get("beta2"), float):
                corr["1 − β₂ᵗ"] = 1.0 - hp["beta2"] ** t
                v_name = "max_exp_avg_sq" if "max_exp_avg_sq" in fa else "exp_avg_sq"
                if v_name in fa:
                    derived["v̂ = v/(1 − β₂ᵗ)"] = fa[v_name] / corr["1 − β₂ᵗ"]
        exact = not (run.noise > 0 or run.batch_size)
        note = "" if exact else (
            "note: this run's steps used noisy or mini-batch gradients, which the engine does "
            "not record; these numbers replay the rule on the full gradient")
        info = OPTIMIZERS.get(run.spec.optimizer)
        return Explanation(run.label, run.spec.optimizer, info.title if info else opt.name,
                           info.formula if info else "", hp, k, lr, p[0].copy(),
                           tr.grad[k].copy(), np.asarray(new_p, dtype=np.float64)[0].copy(),
                           fb, fa, corr, derived, exact, note)


_EXPLAINERS: dict[int, Explainer] = {}


def explain(sim: Any, i: int, k: int) -> Explanation:
    """Update ``k`` → ``k + 1`` of ``sim``'s enabled run ``i`` (an Explainer cached per sim)."""
    ex = _EXPLAINERS.get(id(sim))
    if ex is None or ex.sim is not sim:
        _EXPLAINERS.clear()
        ex = _EXPLAINERS[id(sim)] = Explainer(sim)
    return ex.explain(i, k)

