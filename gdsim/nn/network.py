"""A fully connected network over a flat parameter matrix (N runs, D weights), hand-differentiated.

Layout of one run's row, layer by layer: ``W`` (fan_in·fan_out, row-major so ``W[i, j]``
connects input i to unit j), ``b`` (fan_out), and for hidden layers with batch norm
``gamma``, ``beta`` (fan_out). :meth:`Network.views` reshapes a (N, D) array into per-layer
(N, fan_in, fan_out) views without copying, so the forward pass is one ``np.matmul`` per layer
for all runs at once, and the optimizers step the flat array.

Hidden layer: z = h·W + b → [batch norm: ẑ = (z − μ)/√(σ² + ε), u = γ ẑ + β] → a = f(u) →
[dropout: h' = a · m, m ∈ {0, 1/(1−p)} (inverted)]. Output layer: logits = h·W + b, read by the
loss (``mse`` linear, ``bce`` sigmoid, ``ce`` softmax). Penalty: l1·Σ|W| + (l2/2)·ΣW² over the
weight matrices only (not biases or batch-norm parameters); its gradient is
l1·sign(W) + l2·W.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from gdsim.errors import GdsimError
from gdsim.nn.activations import get_activation
from gdsim.nn.losses import get_loss, loss_value, output_values, predicted_labels
from gdsim.params import unknown_name

INITS = ("xavier", "he", "normal")
BN_EPS = 1e-5
BN_MOMENTUM = 0.1
MAX_WIDTH = 1024
MAX_LAYERS = 16
CHUNK_ELEMENTS = 131_072  # activations per block in outputs(): 1 MB arrays stay in cache
WORK_ELEMENTS = 2_000_000  # largest scratch array kept between passes (16 MB)
SLICE_ROWS = 2048  # weight rows per compiled pass of a weight-space slice


@dataclass(frozen=True)
class Architecture:
    """What a network is: sizes, activation, loss, initialization and regularization.

    ``init``: ``xavier`` (Glorot uniform, ±√(6/(fan_in+fan_out))), ``he`` (Kaiming normal,
    std √(2/fan_in)) or ``normal`` (std ``init_std``). Biases start at 0, γ at 1, β at 0.
    """

    n_in: int
    hidden: tuple[int, ...]
    n_out: int
    activation: str = "tanh"
    loss: str = "bce"
    init: str = "xavier"
    init_std: float = 1.0
    l1: float = 0.0
    l2: float = 0.0
    dropout: float = 0.0
    batch_norm: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "hidden", tuple(int(h) for h in self.hidden))
        get_activation(self.activation)
        get_loss(self.loss)
        if self.init not in INITS:
            raise unknown_name("initialization", self.init, INITS)
        if len(self.hidden) > MAX_LAYERS:
            raise GdsimError(f"at most {MAX_LAYERS} hidden layers, got {len(self.hidden)}")
        for name, w in (("inputs", self.n_in), ("outputs", self.n_out), *(
            ("hidden width", h) for h in self.hidden
        )):
            if not 1 <= w <= MAX_WIDTH:
                raise GdsimError(f"{name}={w} is out of range: need 1 ≤ width ≤ {MAX_WIDTH}")
        for name, v, hi in (("l1", self.l1, 10.0), ("l2", self.l2, 10.0)):
            if not (math.isfinite(v) and 0 <= v <= hi):
                raise GdsimError(f"{name}={v!r} is out of range: need 0 ≤ {name} ≤ {hi:g}")
        if not (math.isfinite(self.dropout) and 0 <= self.dropout < 1):
            raise GdsimError(f"dropout={self.dropout!r} is out of range: need 0 ≤ dropout < 1")
        if not (math.isfinite(self.init_std) and self.init_std > 0):
            raise GdsimError(f"init std={self.init_std!r} is out of range: need std > 0")

    @property
    def widths(self) -> tuple[int, ...]:
        """All layer widths, input first: (n_in, *hidden, n_out)."""
        return (self.n_in, *self.hidden, self.n_out)


@dataclass(frozen=True)
class LayerSlots:
    """Where one layer's parameters sit in a run's row."""

    index: int  # 1-based, as in the weights file (W1, b1, ...)
    fan_in: int
    fan_out: int
    start: int
    stop: int
    w: slice
    b: slice
    gamma: slice | None = None
    beta: slice | None = None
    bn: slice | None = None  # this layer's block in the batch-norm statistics row (mean, var)


@dataclass
class LayerViews:
    """Per-layer views into a (N, D) array: W (N, fan_in, fan_out), b/gamma/beta (N, fan_out),
    and Wb (N, fan_in + 1, fan_out): W with b as its last row (they are adjacent in the row)."""

    W: np.ndarray
    b: np.ndarray
    gamma: np.ndarray | None = None
    beta: np.ndarray | None = None
    Wb: np.ndarray | None = None


@dataclass
class _Cache:
    h_in: np.ndarray
    u: np.ndarray | None = None
    a: np.ndarray | None = None
    mask: np.ndarray | None = None
    zhat: np.ndarray | None = None
    inv_std: np.ndarray | None = None


@dataclass
class Pass:
    """Result of a forward (and backward) pass: per-run data loss, penalty, logits, grads."""

    loss: np.ndarray  # (N,) data loss (mean over the batch)
    penalty: np.ndarray  # (N,) l1/l2 penalty
    logits: np.ndarray  # (N, B, n_out)
    grads: np.ndarray | None = None  # (N, D) gradient of loss + penalty
    extra: dict = field(default_factory=dict)

    @property
    def objective(self) -> np.ndarray:
        """Loss plus penalty per run, (N,): what the optimizer minimizes."""
        return self.loss + self.penalty


_ONES: dict[int, np.ndarray] = {}


def _batch_sum(a: np.ndarray) -> np.ndarray:
    """Sum over the batch axis of (N, B, K) as a matrix product: far faster than a strided
    ``a.sum(axis=1)`` for the narrow K of these networks."""
    ones = _ONES.get(a.shape[1])
    if ones is None:
        if len(_ONES) > 64:
            _ONES.clear()
        ones = _ONES[a.shape[1]] = np.ones(a.shape[1])
        ones.flags.writeable = False
    return np.matmul(ones, a)


def _batch_mean(a: np.ndarray) -> np.ndarray:
    return _batch_sum(a) / a.shape[1]


class Network:
    """Forward/backward for an :class:`Architecture`, batched over N runs."""

    def __init__(self, arch: Architecture):
        self.arch = arch
        self.activation = get_activation(arch.activation)
        ws = arch.widths
        self.layers: list[LayerSlots] = []
        off = 0
        bn_off = 0
        for i, (fi, fo) in enumerate(zip(ws[:-1], ws[1:], strict=True)):
            start = off
            w = slice(off, off + fi * fo)
            off += fi * fo
            b = slice(off, off + fo)
            off += fo
            gamma = beta = bn = None
            if arch.batch_norm and i < len(ws) - 2:
                gamma = slice(off, off + fo)
                beta = slice(off + fo, off + 2 * fo)
                off += 2 * fo
                bn = slice(bn_off, bn_off + 2 * fo)
                bn_off += 2 * fo
            self.layers.append(LayerSlots(i + 1, fi, fo, start, off, w, b, gamma, beta, bn))
        self.size = off
        self.bn_size = bn_off
        self._views_cache: dict[tuple, tuple[np.ndarray, list[LayerViews]]] = {}
        self._ones_cache: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
        self._work: dict[tuple, np.ndarray] = {}
        self._passes: object = None  # compiled passes (gdsim.kernels.mlp_pass); False: none

    def _buffer(self, tag: str, i: int, shape: tuple[int, ...]) -> np.ndarray:
        """A scratch array kept between passes (hidden activations, backward temporaries):
        no allocation, page faults or cache misses from fresh memory each step. Never
        returned to callers: what a pass returns is always a fresh array."""
        if math.prod(shape) > WORK_ELEMENTS:  # huge passes: do not keep the memory alive
            return np.empty(shape)
        key = (tag, i, shape)
        buf = self._work.get(key)
        if buf is None:
            if len(self._work) >= 48:
                self._work.clear()
            buf = self._work[key] = np.empty(shape)
        return buf

    # --- layout -------------------------------------------------------------------------
    def views(self, params: np.ndarray) -> list[LayerViews]:
        """Per-layer views of ``params`` (N, D); writing to them writes ``params``.

        The views of the last few arrays are kept (the trainer asks for the same weight and
        gradient arrays every step); a kept entry holds its array, so its id stays unique and
        its memory cannot move (a referenced array cannot be resized): id, shape and strides
        identify it (10× cheaper than also reading the data address).
        """
        key = (id(params), params.shape, params.strides)
        hit = self._views_cache.get(key)
        if hit is not None:
            return hit[1]
        out = self._make_views(params)
        if len(self._views_cache) >= 4:
            self._views_cache.pop(next(iter(self._views_cache)))
        # the entry holds params itself: its views hold only params' base, so a temporary
        # view (p[None, :]) would otherwise die and a new array could reuse its id
        self._views_cache[key] = (params, out)
        return out

    def _make_views(self, params: np.ndarray) -> list[LayerViews]:
        n = params.shape[0]
        out = []
        for s in self.layers:
            out.append(LayerViews(
                params[:, s.w].reshape(n, s.fan_in, s.fan_out),
                params[:, s.b],
                None if s.gamma is None else params[:, s.gamma],
                None if s.beta is None else params[:, s.beta],
                params[:, s.w.start : s.b.stop].reshape(n, s.fan_in + 1, s.fan_out),
            ))
        return out

    def _with_ones(self, x: np.ndarray) -> np.ndarray:
        """[x, 1] (B, n_in + 1), kept for the last few inputs (the same data every step)."""
        key = (id(x), x.shape, x.strides)  # as views(): x is held while cached
        hit = self._ones_cache.get(key)
        if hit is not None:
            return hit[1]
        xa = np.ones((x.shape[0], x.shape[1] + 1))
        xa[:, :-1] = x
        if len(self._ones_cache) >= 4:
            self._ones_cache.pop(next(iter(self._ones_cache)))
        self._ones_cache[key] = (x, xa)  # holding x keeps its id unique while cached
        return xa

    def bn_views(self, stats: np.ndarray) -> list[tuple[np.ndarray, np.ndarray] | None]:
        """(running mean, running var) views (N, fan_out) per layer, None where no batch norm."""
        out = []
        for s in self.layers:
            if s.bn is None:
                out.append(None)
            else:
                blk = stats[:, s.bn]
                out.append((blk[:, : s.fan_out], blk[:, s.fan_out :]))
        return out

    def init_bn(self, n_runs: int) -> np.ndarray:
        """Fresh running statistics (N, bn_size): mean 0, variance 1 (as torch)."""
        st = np.zeros((n_runs, self.bn_size))
        for v in self.bn_views(st):
            if v is not None:
                v[1][...] = 1.0
        return st

    def init_params(self, rng: np.random.Generator, n_runs: int = 1) -> np.ndarray:
        """One draw of initial weights, repeated for ``n_runs`` rows (same start for every run)."""
        row = np.zeros((1, self.size))
        for s, v in zip(self.layers, self.views(row), strict=True):
            if self.arch.init == "xavier":
                lim = math.sqrt(6.0 / (s.fan_in + s.fan_out))
                v.W[0] = rng.uniform(-lim, lim, (s.fan_in, s.fan_out))
            elif self.arch.init == "he":
                v.W[0] = rng.standard_normal((s.fan_in, s.fan_out)) * math.sqrt(2.0 / s.fan_in)
            else:
                v.W[0] = rng.standard_normal((s.fan_in, s.fan_out)) * self.arch.init_std
            if v.gamma is not None:
                v.gamma[0] = 1.0
        return np.repeat(row, n_runs, axis=0)

    def param_names(self) -> list[str]:
        """A readable name for each of the D parameters, e.g. ``W2[3,0]``, ``b1[4]``."""
        names: list[str] = []
        for s in self.layers:
            k = s.index
            names += [f"W{k}[{i},{j}]" for i in range(s.fan_in) for j in range(s.fan_out)]
            names += [f"b{k}[{j}]" for j in range(s.fan_out)]
            if s.gamma is not None:
                names += [f"gamma{k}[{j}]" for j in range(s.fan_out)]
                names += [f"beta{k}[{j}]" for j in range(s.fan_out)]
        return names

    def penalty(self, params: np.ndarray) -> np.ndarray:
        """l1·Σ|W| + (l2/2)·ΣW² per run (N,)."""
        a = self.arch
        pen = np.zeros(params.shape[0])
        if a.l1 == 0 and a.l2 == 0:
            return pen
        for s in self.layers:
            w = params[:, s.w]
            if a.l1:
                pen += a.l1 * np.abs(w).sum(axis=1)
            if a.l2:
                pen += 0.5 * a.l2 * np.einsum("nd,nd->n", w, w)
        return pen

    def targets(self, y: np.ndarray) -> np.ndarray:
        """Target matrix (B, n_out) for labels/values ``y`` (B,): one-hot for ``ce``."""
        if self.arch.loss == "ce":
            t = np.zeros((len(y), self.arch.n_out))
            t[np.arange(len(y)), y.astype(np.int64)] = 1.0
            return t
        return np.asarray(y, dtype=np.float64).reshape(-1, 1)

    # --- passes -------------------------------------------------------------------------
    def _compiled(self, params: np.ndarray, x: np.ndarray):
        """The compiled passes for these arguments (gdsim.kernels), or None: the NumPy code
        below runs (the reference; kernels off or missing, batch norm, dropout)."""
        if self._passes is False or params.ndim != 2 or x.ndim != 2:
            return None
        from gdsim import kernels

        if not kernels.enabled():
            return None
        if self._passes is None:
            from gdsim.kernels import mlp_pass

            self._passes = mlp_pass.for_network(self.arch) or False
        return self._passes or None

    def _run_compiled(self, params, x, t, grads=None, want_logits=True):
        """(mean loss (N,) or None, logits) from the compiled passes, or None when numba
        refuses them (then never tried again for this network)."""
        fast = self._compiled(params, x)
        if fast is None:
            return None
        from numba.core.errors import NumbaError

        try:
            total, z = fast.run(params, x, t, grads, want_logits)
        except NumbaError:
            self._passes = False
            return None
        if total is None:
            return None, z
        return self._mean_loss(total, x, t), z

    def train_and_evaluate(self, params: np.ndarray, x: np.ndarray, t: np.ndarray,
                           x_eval: np.ndarray, t_eval: np.ndarray,
                           out: np.ndarray | None = None) -> tuple[Pass, Pass]:
        """:meth:`loss_and_grad` on (x, t) and :meth:`evaluate` on (x_eval, t_eval), as a
        full-batch training step needs them: one dispatch of the compiled passes when they
        apply (same numbers as the two calls), else the two calls."""
        fast = self._compiled(params, x)
        if fast is not None and x_eval.ndim == 2 and x_eval.shape[1] == x.shape[1]:
            from numba.core.errors import NumbaError

            grads = np.empty_like(params) if out is None else out
            try:
                (lt, zt), (le, ze) = fast.run_many(
                    params, [(x, t, grads, True), (x_eval, t_eval, None, True)])
            except NumbaError:
                self._passes = False
            else:
                self._add_penalty_grads(params, grads)
                pen = self.penalty(params)
                return (Pass(self._mean_loss(lt, x, t), pen, zt, grads),
                        Pass(self._mean_loss(le, x_eval, t_eval), pen, ze))
        return (self.loss_and_grad(params, x, t, out=out),
                self.evaluate(params, x_eval, t_eval))

    def _mean_loss(self, total: np.ndarray, x: np.ndarray, t: np.ndarray) -> np.ndarray:
        """The compiled passes' summed loss terms as the mean loss."""
        return total / (len(x) * (t.shape[1] if self.arch.loss == "mse" else 1))

    def _add_penalty_grads(self, params: np.ndarray, grads: np.ndarray) -> None:
        """Add the L1/L2 penalty's gradient (weights only) to ``grads`` in place."""
        arch = self.arch
        if arch.l1 or arch.l2:
            for v, g in zip(self.views(params), self.views(grads), strict=True):
                if arch.l2:
                    g.W += arch.l2 * v.W
                if arch.l1:
                    g.W += arch.l1 * np.sign(v.W)

    def _forward(self, params, x, train, masks, bn, update_running, keep, start=0, stop=None):
        """Layers ``start`` to ``stop`` − 1 (default: all, giving the logits): ``x`` is the
        input (B, n_in) for start 0, else the activation (N or 1, B, width) entering layer
        ``start``. Stopping early returns that hidden activation (a kept buffer: copy it)."""
        views = self.views(params)
        bnv = self.bn_views(bn) if bn is not None else [None] * len(self.layers)
        act = self.activation
        last = len(self.layers) - 1
        caches: list[_Cache] = []
        h = x
        n, b = params.shape[0], x.shape[-2]
        if x.ndim == 3:
            n = max(n, x.shape[0])
        for i in range(start, last + 1 if stop is None else stop):
            v = views[i]
            # hidden pre-activations go to a kept buffer; the returned logits are fresh
            z = None if i == last else self._buffer("z" if keep else "ze", i,
                                                     (n, b, v.W.shape[2]))
            if i == 0:  # [x, 1] @ [W; b]: the bias rides along in the matrix product
                z = np.matmul(self._with_ones(x), v.Wb, out=z)
            else:
                z = np.matmul(h, v.W, out=z)
                z += v.b[:, None, :]
            c = _Cache(h) if keep else None
            if i == last:
                if keep:
                    caches.append(c)
                return z, caches
            if v.gamma is not None:
                if train or bnv[i] is None:
                    mu = _batch_mean(z)
                    d = z - mu[:, None, :]
                    var = _batch_mean(d * d)  # two-pass: no cancellation for large means
                    if update_running and bnv[i] is not None:
                        bsz = z.shape[1]
                        unbiased = var * (bsz / (bsz - 1)) if bsz > 1 else var
                        rm, rv = bnv[i]
                        rm *= 1 - BN_MOMENTUM
                        rm += BN_MOMENTUM * mu
                        rv *= 1 - BN_MOMENTUM
                        rv += BN_MOMENTUM * unbiased
                else:
                    mu, var = bnv[i]
                inv_std = 1.0 / np.sqrt(var + BN_EPS)
                zhat = (z - mu[:, None, :]) * inv_std[:, None, :]
                u = zhat * v.gamma[:, None, :] + v.beta[:, None, :]
                if keep:
                    c.zhat, c.inv_std = zhat, inv_std
            else:
                u = z
            if act.forward_ is not None:  # in place: the derivative reads only a
                a = act.forward_(u)
                u = None
            else:
                a = act.forward(u)
            mask = masks[i] if (train and masks is not None) else None
            h = a * mask if mask is not None else a
            if keep:
                c.u, c.a, c.mask = u, a, mask
                caches.append(c)
        return h, caches

    def forward(
        self,
        params: np.ndarray,
        x: np.ndarray,
        *,
        train: bool = False,
        masks: list[np.ndarray | None] | None = None,
        bn: np.ndarray | None = None,
    ) -> np.ndarray:
        """Logits (N, B, n_out) for inputs ``x`` (B, n_in).

        ``train``: batch norm uses the batch statistics and dropout applies ``masks`` (one
        (B, width) array per hidden layer, shared by the runs); otherwise batch norm uses the
        running statistics ``bn`` (N, bn_size) (batch statistics if ``bn`` is None).
        """
        if not (train and masks is not None):
            hit = self._run_compiled(params, x, None)
            if hit is not None:
                return hit[1]
        z, _ = self._forward(params, x, train, masks, bn, False, False)
        return z

    def evaluate(
        self, params: np.ndarray, x: np.ndarray, t: np.ndarray, bn: np.ndarray | None = None
    ) -> Pass:
        """Evaluation-mode loss (no dropout, running batch-norm statistics) without gradient."""
        hit = self._run_compiled(params, x, t)
        if hit is not None:
            return Pass(hit[0], self.penalty(params), hit[1])
        z, _ = self._forward(params, x, False, None, bn, False, False)
        loss, _ = loss_value(self.arch.loss, z, t, want_grad=False)
        return Pass(loss, self.penalty(params), z)

    def loss_and_grad(
        self,
        params: np.ndarray,
        x: np.ndarray,
        t: np.ndarray,
        *,
        masks: list[np.ndarray | None] | None = None,
        bn: np.ndarray | None = None,
        update_running: bool = False,
        out: np.ndarray | None = None,
    ) -> Pass:
        """Training-mode forward and backward pass: loss, penalty, logits and d(loss+penalty)/dθ.

        With ``update_running`` the running batch-norm statistics in ``bn`` are updated in place
        (momentum 0.1, unbiased variance, as torch). ``out`` receives the gradient if given.
        """
        arch = self.arch
        if masks is None:
            grads = np.empty_like(params) if out is None else out
            hit = self._run_compiled(params, x, t, grads)
            if hit is not None:
                self._add_penalty_grads(params, grads)
                return Pass(hit[0], self.penalty(params), hit[1], grads)
        z, caches = self._forward(params, x, True, masks, bn, update_running, True)
        loss, dz = loss_value(arch.loss, z, t)
        grads = np.empty_like(params) if out is None else out
        views = self.views(params)
        gviews = self.views(grads)
        act = self.activation
        last = len(self.layers) - 1
        for i in range(last, -1, -1):
            c, v, g = caches[i], views[i], gviews[i]
            if i < last:
                dh = dz
                if c.mask is not None:
                    dh = dh * c.mask
                if act.derivative_ is not None and c.u is None:
                    du = act.derivative_(None, c.a, out=self._buffer("du", i, c.a.shape))
                else:
                    du = act.derivative(c.u, c.a)  # a fresh array: scale it in place
                du *= dh
                if v.gamma is not None:
                    g.gamma[...] = _batch_sum(du * c.zhat)
                    g.beta[...] = _batch_sum(du)
                    dzh = du * v.gamma[:, None, :]
                    dz = dzh - _batch_mean(dzh)[:, None, :]
                    dz -= c.zhat * _batch_mean(dzh * c.zhat)[:, None, :]
                    dz *= c.inv_std[:, None, :]
                else:
                    dz = du
            h = c.h_in
            if i == 0:  # one product gives [dW; db]
                np.matmul(self._with_ones(h).T, dz, out=g.Wb)
            else:
                np.matmul(h.transpose(0, 2, 1), dz, out=g.W)
                g.b[...] = _batch_sum(dz)
            if arch.l2:
                g.W += arch.l2 * v.W
            if arch.l1:
                g.W += arch.l1 * np.sign(v.W)
            if i > 0:
                wt = v.W.transpose(0, 2, 1)
                dh = self._buffer("dh", i, dz.shape[:2] + wt.shape[2:])
                if wt.shape[1] == 1:  # a width-1 layer: an outer product (einsum: 1.3× faster
                    dz = np.einsum("nb,nj->nbj", dz[:, :, 0], wt[:, 0, :], out=dh)  # than *)
                else:  # a contiguous Wᵀ makes the product ~1.7× faster
                    dz = np.matmul(dz, np.ascontiguousarray(wt), out=dh)
        return Pass(loss, self.penalty(params), z, grads)

    # --- what the UI and the trainer read ----------------------------------------------
    def locate(self, k: int) -> tuple[int, int]:
        """(layer index from 0, unit) of flat parameter ``k``: the unit it feeds or scales."""
        for li, s in enumerate(self.layers):
            if s.start <= k < s.stop:
                if k < s.w.stop:
                    return li, (k - s.w.start) % s.fan_out
                return li, (k - s.b.start) % s.fan_out  # b, gamma, beta: fan_out each
        raise GdsimError(f"weight index {k} is out of range: need 0 ≤ index < {self.size}")

    def slice_objective(self, p: np.ndarray, bn: np.ndarray, x: np.ndarray, t: np.ndarray,
                        a: int, va: np.ndarray, b: int, vb: np.ndarray) -> np.ndarray:
        """Evaluation-mode objective (loss + penalty) with weights a, b = va[j], vb[k] and the
        rest at ``p`` (D,): (len(vb), len(va)), as ``evaluate`` row by row, same numbers.

        Each layer runs on as few distinct rows as the grid allows: layers before the first
        changed one once; up to the other weight's layer once per value of the first; and
        when both feed different units of one layer, that layer once per value (only those
        two units differ from the base), the layers after it with the base weights as one
        large product over all grid points.
        """
        va, vb = np.asarray(va, np.float64).ravel(), np.asarray(vb, np.float64).ravel()
        na, nb = len(va), len(vb)
        g = na * nb
        ia, ib = np.tile(np.arange(na), nb), np.repeat(np.arange(nb), na)  # meshgrid order
        (la, ua), (lb, ub) = self.locate(a), self.locate(b)
        if (lb, ub) < (la, ua):  # f: the weight in the earlier layer; s: the other
            f, vf, fi, lf, uf, s, vs, si, ls, us = b, vb, ib, lb, ub, a, va, ia, la, ua
        else:
            f, vf, fi, lf, uf, s, vs, si, ls, us = a, va, ia, la, ua, b, vb, ib, lb, ub
        last = len(self.layers) - 1
        p1, bn1 = p[None, :], bn[None, :]

        def rows(ff: np.ndarray | None, ss: np.ndarray | None) -> np.ndarray:
            r = np.repeat(p1, len(ff) if ff is not None else len(ss), axis=0)
            if ff is not None:
                r[:, f] = vf[ff]
            if ss is not None:
                r[:, s] = vs[ss]
            return r

        if lf == 0 and self._compiled(p1, x) is not None:
            # every layer differs per grid point: the compiled evaluation, one row a point
            # (5× the NumPy passes on a 40×40 slice of a 2-16-16-1 net), to ~1e-15
            out = np.empty(g)
            step = max(1, SLICE_ROWS)
            for c0 in range(0, g, step):
                c1 = min(g, c0 + step)
                r = rows(fi[c0:c1], si[c0:c1])
                hit = self._run_compiled(r, x, t, want_logits=False)
                if hit is None:
                    break
                out[c0:c1] = hit[0] + self.penalty(r)
            else:
                return out.reshape(nb, na)

        def run(params, h, start, stop=None):
            z, _ = self._forward(params, h, False, None, bn1, False, False, start, stop)
            return z

        h_pre = x if lf == 0 else run(p1, x, 0, lf).copy()
        if lf < ls:
            h_mid = run(rows(np.arange(len(vf)), None), h_pre, lf, ls).copy()
        elif uf != us:
            col_f = run(rows(np.arange(len(vf)), None), h_pre, lf, lf + 1)[:, :, uf].copy()
            col_s = run(rows(None, np.arange(len(vs))), h_pre, lf, lf + 1)[:, :, us].copy()
            h_base = run(p1, h_pre, lf, lf + 1).copy()
        out = np.empty(g)
        bsz, widest = x.shape[0], max(self.arch.widths)
        chunk = max(1, CHUNK_ELEMENTS // max(1, bsz * widest))
        for c0 in range(0, g, chunk):
            c1 = min(g, c0 + chunk)
            r = rows(fi[c0:c1], si[c0:c1])
            if lf < ls:
                z = run(r, h_mid[fi[c0:c1]], ls)
            elif uf != us:
                h = np.empty((c1 - c0,) + h_base.shape[1:])
                h[...] = h_base
                h[:, :, uf] = col_f[fi[c0:c1]]
                h[:, :, us] = col_s[si[c0:c1]]
                if lf == last:
                    z = h
                else:  # base weights from here on: one product over all the grid's samples
                    z = run(p1, h.reshape(1, -1, h.shape[2]), lf + 1)
                    z = z.reshape(c1 - c0, bsz, z.shape[2])
            else:
                z = run(r, h_pre, lf)
            loss, _ = loss_value(self.arch.loss, z, t, want_grad=False)
            out[c0:c1] = loss + self.penalty(r)
        return out.reshape(nb, na)

    def outputs(self, params: np.ndarray, x: np.ndarray,
                bn: np.ndarray | None = None) -> np.ndarray:
        """Predicted values (N, B, n_out): probabilities (bce, ce) or the regression output.

        Large inputs (a decision-map grid) go through in blocks of about CHUNK_ELEMENTS
        activations, so each intermediate array stays in cache: twice as fast as one pass.
        """
        rows = max(1, CHUNK_ELEMENTS // (params.shape[0] * max(self.arch.widths)))
        if len(x) <= rows:
            return output_values(self.arch.loss, self.forward(params, x, bn=bn))
        out = np.empty((params.shape[0], len(x), self.arch.n_out))
        for s in range(0, len(x), rows):
            z = self.forward(params, x[s : s + rows], bn=bn)
            out[:, s : s + rows] = output_values(self.arch.loss, z)
        return out

    def labels(self, logits: np.ndarray, n_classes: int) -> np.ndarray:
        """Predicted class indices (N, B) from logits."""
        return predicted_labels(self.arch.loss, logits, n_classes)
