"""Loss landscapes of a network (Li et al. 2018, Visualizing the Loss Landscape of Neural
Nets): the training objective on the plane θ + α·d₁ + β·d₂ through a run's weights, along
two filter-normalized random directions or the top two principal directions of the weight
trajectory, with every run's trajectory projected onto that plane.

The grid is evaluated as a batch of runs (one row of weights per grid point) in blocks, so
a caller can report progress and cancel between blocks.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np

from gdsim.errors import GdsimError

MODES = ("random", "pca")
MAX_SIDE = 201
_BLOCK_ELEMENTS = 4_000_000  # grid rows × training samples × widest layer per block


class Cancelled(Exception):
    """Raised inside :func:`landscape` when ``cancelled()`` turns true between blocks."""


@dataclass
class Landscape:
    """The objective on a plane: ``loss[j, i]`` at ``center + alphas[i]·d1 + betas[j]·d2``;
    ``paths[r]`` is run r's snapshot trajectory in (α, β) coordinates (with its ``steps``)."""

    alphas: np.ndarray
    betas: np.ndarray
    loss: np.ndarray
    center: np.ndarray
    d1: np.ndarray
    d2: np.ndarray
    mode: str
    paths: dict[int, np.ndarray]
    steps: dict[int, np.ndarray]
    explained: tuple[float, float] | None = None  # PCA: variance fraction of d1, d2

    def on_grid(self, points: np.ndarray) -> np.ndarray:
        """The grid's values at (α, β) ``points`` (k, 2), bilinearly interpolated (exact at
        grid nodes); NaN outside the grid. Where a projected path meets the drawn surface."""
        pts = np.asarray(points, np.float64).reshape(-1, 2)
        a, b = self.alphas, self.betas
        fa = (pts[:, 0] - a[0]) / (a[-1] - a[0]) * (len(a) - 1)
        fb = (pts[:, 1] - b[0]) / (b[-1] - b[0]) * (len(b) - 1)
        inside = (fa >= 0) & (fa <= len(a) - 1) & (fb >= 0) & (fb <= len(b) - 1)
        fa, fb = np.where(inside, fa, 0.0), np.where(inside, fb, 0.0)
        i0 = np.minimum(np.floor(fa).astype(np.int64), len(a) - 2)
        j0 = np.minimum(np.floor(fb).astype(np.int64), len(b) - 2)
        ta, tb = fa - i0, fb - j0
        z = self.loss
        v = ((1 - tb) * ((1 - ta) * z[j0, i0] + ta * z[j0, i0 + 1])
             + tb * ((1 - ta) * z[j0 + 1, i0] + ta * z[j0 + 1, i0 + 1]))
        return np.where(inside, v, np.nan)


def filter_normalized(net, center: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A Gaussian direction whose every filter (a unit's incoming weights) has the norm of the
    same filter in ``center``; biases and batch-norm parameters get 0 (Li et al. §4)."""
    d = np.zeros_like(center)
    for s in net.layers:
        fan_in, fan_out = s.fan_in, s.fan_out
        w = center[s.w].reshape(fan_in, fan_out)
        r = rng.standard_normal((fan_in, fan_out))
        norms = np.linalg.norm(r, axis=0)
        scale = np.linalg.norm(w, axis=0) / np.where(norms > 0, norms, 1.0)
        d[s.w] = (r * scale).reshape(-1)
    return d


def pca_directions(history: np.ndarray, center: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, tuple[float, float]]:
    """The top two principal directions (unit vectors) of the trajectory ``history`` (k, D)
    around ``center``, and the fraction of the variance each explains."""
    diff = np.asarray(history, np.float64) - center
    if diff.shape[0] < 3:
        raise GdsimError("PCA directions need at least 3 recorded steps: train a little first")
    _, s, vt = np.linalg.svd(diff, full_matrices=False)
    total = float(np.sum(s * s))
    if total == 0 or s.size < 2 or s[1] == 0:
        raise GdsimError("the weights have not moved in two directions yet: train a little "
                         "longer or use random directions")
    return vt[0].copy(), vt[1].copy(), (float(s[0] ** 2 / total), float(s[1] ** 2 / total))


def project(points: np.ndarray, center: np.ndarray, d1: np.ndarray, d2: np.ndarray
            ) -> np.ndarray:
    """(α, β) of each point (k, D) in the plane's coordinates: least squares on d₁, d₂ (the
    random directions need not be orthogonal)."""
    a = np.stack([d1, d2], axis=1)
    coef, *_ = np.linalg.lstsq(a, (np.asarray(points, np.float64) - center).T, rcond=None)
    return coef.T


def snapshot(trainer) -> SimpleNamespace:
    """What :func:`landscape` reads from a trainer, copied: a worker thread can compute on it
    while the trainer keeps training (the network's scratch buffers are its own)."""
    n = trainer.n_runs
    weights = {i: trainer.weights(i) for i in range(n)}
    snaps = {i: trainer.weight_snapshots(i) for i in range(n)}
    return SimpleNamespace(
        net=copy.deepcopy(trainer.net), n_runs=n, x_train=trainer.x_train.copy(),
        t_train=trainer.t_train.copy(), weight_snapshots=lambda i: snaps[i],
        weights=lambda i, step=None: weights[i])


def landscape(trainer, i: int, mode: str = "random", n: int = 41, span: float = 1.0,
              seed: int = 0, step: int | None = None,
              progress: Callable[[float], None] | None = None,
              cancelled: Callable[[], bool] | None = None) -> Landscape:
    """The training objective (data loss + penalty, evaluation mode, as the weight slice)
    on an ``n``×``n`` grid α, β ∈ [−span, span] (PCA: span × the trajectory's extent) around
    run ``i``'s weights at ``step`` (default: now)."""
    if mode not in MODES:
        raise GdsimError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    if isinstance(n, bool) or not isinstance(n, int) or not 3 <= n <= MAX_SIDE:
        raise GdsimError(f"grid side must be an integer in [3, {MAX_SIDE}], got {n!r}")
    if isinstance(span, bool) or not isinstance(span, int | float) or not (
            np.isfinite(span) and span > 0):
        raise GdsimError(f"span must be a finite number > 0, got {span!r}")
    if not 0 <= i < trainer.n_runs:
        raise GdsimError(f"run index {i} is out of range")
    net = trainer.net
    center, bn = trainer.weights(i, step)
    histories = {r: trainer.weight_snapshots(r) for r in range(trainer.n_runs)}
    explained = None
    if mode == "random":
        rng = np.random.default_rng(seed)
        d1, d2 = filter_normalized(net, center, rng), filter_normalized(net, center, rng)
        extent = float(span)
    else:
        d1, d2, explained = pca_directions(histories[i][1], center)
        extent = float(span) * max(
            1e-12, float(np.abs(project(histories[i][1], center, d1, d2)).max()) * 1.2)
    alphas = np.linspace(-extent, extent, n)
    betas = np.linspace(-extent, extent, n)
    aa, bb = np.meshgrid(alphas, betas)
    flat = np.stack([aa.ravel(), bb.ravel()], axis=1)
    loss = np.empty(n * n)
    widest = max(net.arch.widths)
    block = max(1, _BLOCK_ELEMENTS // max(1, len(trainer.x_train) * widest))
    for a in range(0, n * n, block):
        if cancelled is not None and cancelled():
            raise Cancelled()
        b = min(a + block, n * n)
        params = center + flat[a:b, :1] * d1 + flat[a:b, 1:] * d2
        with np.errstate(all="ignore"):
            ev = net.evaluate(params, trainer.x_train, trainer.t_train,
                              np.repeat(bn[None, :], b - a, axis=0))
        loss[a:b] = ev.objective
        if progress is not None:
            progress(b / (n * n))
    paths = {r: project(w, center, d1, d2) for r, (_, w) in histories.items()}
    steps = {r: s for r, (s, _) in histories.items()}
    return Landscape(alphas, betas, loss.reshape(n, n), center, d1, d2, mode, paths, steps,
                     explained)
