"""Calling the compiled network passes (:mod:`.mlp`): scratch, chunks and threads.

:func:`for_network` gives a :class:`MLPPasses` for a network the kernels support (plain
layers; activations and losses of :mod:`.mlp`) or None, and :meth:`MLPPasses.run` does one
pass for N runs: (loss (N,), logits or None) and the gradient into a given (N, D) array;
:meth:`MLPPasses.run_many` several passes of the same weights in one dispatch (a training
step's gradient pass and test evaluation), each with the numbers ``run`` gives it.
Chunks are split between threads in fixed ranges; the chunking itself never depends on the
thread count, so neither do the results.

Compiling the passes takes about ten seconds once per install (numba's disk cache keeps
them; loading costs ≈ 0.6 s of numba start-up per process). Every network with numba present
uses them, from its first pass (same configuration, same numbers: never a mix of paths that
depends on timing); the app loads them on a worker thread soon after its window shows
(:func:`warm`), so that the Network tab seldom waits.
"""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

MIN_CHUNKS_PER_THREAD = 4  # below this, a second thread costs more than it brings
# the codes gdsim.kernels.mlp branches on
ACTIVATIONS = {"tanh": 0, "sigmoid": 1, "relu": 2, "leaky_relu": 3, "elu": 4, "linear": 5,
               "swish": 6}
LOSSES = {"mse": 0, "bce": 1, "ce": 2}

_module: Any = None
_module_lock = threading.Lock()


def compiled_module() -> Any:
    """:mod:`gdsim.kernels.mlp` as compiled: a copy of its source in the kernel cache folder
    (:func:`gdsim.kernels.cache_dir`, a temporary folder when that is not writable), named by
    a hash of it, of :mod:`.vmath`'s source (inlined into it) and of numba's version, so
    numba's disk cache beside it, which watches only the functions' own file, is never stale
    after an upgrade. Raises OSError/ImportError/RuntimeError when it cannot be loaded."""
    global _module
    with _module_lock:
        if _module is None:
            from gdsim import kernels
            from gdsim.kernels.trace import TraceError

            here = Path(__file__).resolve().parent
            vm = hashlib.sha256((here / "vmath.py").read_bytes()).hexdigest()
            source = (here / "mlp.py").read_text(encoding="utf-8") + f"\n# vmath {vm}\n"
            try:
                module = kernels.load_module(source, "gdsim_mlp")
            except TraceError as e:  # no writable folder
                raise OSError(str(e)) from None
            _module = module
        return _module

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_loaded = threading.Event()  # set once a pass has run compiled in this process


def loaded() -> bool:
    """Whether the passes are compiled and loaded in this process (no wait for numba)."""
    return _loaded.is_set()


def warm() -> bool:
    """Compile (or load from the disk cache) the passes with a tiny network: for a worker
    thread. True when they are ready; False when the kernels are off or numba refuses."""
    from gdsim import kernels

    if not kernels.enabled():
        return False
    from numba.core.errors import NumbaError

    passes = MLPPasses((2, 2, 1), "tanh", "bce")
    p = np.zeros((1, passes.size))
    x, t = np.zeros((3, 2)), np.zeros((3, 1))
    try:
        passes.run(p, x, t, np.empty_like(p), threads=1)
        passes.run(p, x, None, None, threads=1)
    except NumbaError:
        return False
    return True


def _executor(threads: int) -> ThreadPoolExecutor:
    """One pool for every network pass (a pool per pass costs ~100 µs)."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool._max_workers < threads:  # noqa: SLF001 (stdlib field)
            _pool = ThreadPoolExecutor(threads, thread_name_prefix="gdsim-mlp")
        return _pool


class MLPPasses:
    """The compiled passes of one network shape, with its per-thread scratch."""

    def __init__(self, widths: tuple[int, ...], activation: str, loss: str) -> None:
        mlp = compiled_module()
        self.mlp = mlp
        self.blk = mlp.BLK
        self.widths = np.array(widths, dtype=np.int64)
        woff, off = [], 0
        for fi, fo in zip(widths[:-1], widths[1:], strict=True):
            woff.append(off)
            off += fi * fo + fo
        self.size = off
        self.woff = np.array(woff, dtype=np.int64)
        self.aoff = np.concatenate([[0], np.cumsum(widths)]).astype(np.int64)
        self.act = ACTIVATIONS[activation]
        self.loss = LOSSES[loss]
        self.n_out = widths[-1]
        self._scratch = threading.local()  # per thread: a pass may run in several at once

    def __deepcopy__(self, memo: dict) -> MLPPasses:
        return self  # nothing but per-thread scratch: copies of a network can share it

    def _thread_scratch(self) -> tuple[np.ndarray, ...]:
        s = getattr(self._scratch, "bufs", None)
        if s is None:
            w = max(int(self.widths.max()), 2)  # the loss uses two rows of D2
            rows = int(self.aoff[-1])
            s = self._scratch.bufs = (np.empty((rows, self.blk)),
                                      np.empty((rows, self.blk)),
                                      np.empty((w, self.blk)), np.empty((w, self.blk)),
                                      np.empty((self.blk, w)))
        return s

    def _slot_arrays(self, job: int, n_chunks: int, grad: bool
                     ) -> tuple[np.ndarray, np.ndarray]:
        """Per-chunk gradient and loss slots for job ``job`` of a dispatch, kept between
        calls (a step's passes have the same shapes every time)."""
        slots = getattr(self._scratch, "slots", None)
        if slots is None:
            slots = self._scratch.slots = {}
        key = (job, n_chunks, grad)
        s = slots.get(key)
        if s is None:
            if len(slots) > 8:
                slots.clear()
            s = slots[key] = (np.empty((n_chunks if grad else 0, self.size)),
                              np.empty(n_chunks))
        return s

    def run(self, params: np.ndarray, x: np.ndarray, t: np.ndarray | None,
            grads: np.ndarray | None = None, want_logits: bool = True, threads: int = 2
            ) -> tuple[np.ndarray | None, np.ndarray | None]:
        """One pass: (summed loss terms (N,) or None without targets, logits (N, B, n_out)
        or None). ``grads`` (N, D), if given, receives the gradient of the mean loss."""
        return self.run_many(params, [(x, t, grads, want_logits)], threads)[0]

    def run_many(self, params: np.ndarray, jobs: list[tuple], threads: int = 2
                 ) -> list[tuple[np.ndarray | None, np.ndarray | None]]:
        """Several passes of the same weights in one dispatch to the threads (a training
        step's gradient pass and its test evaluation: one hand-over instead of two). Each
        job is (x, t or None, grads or None, want_logits) and gets the result :meth:`run`
        would give it, bit for bit: the same chunks, summed in the same order."""
        n = params.shape[0]
        params = np.ascontiguousarray(params, dtype=np.float64)
        mlp = self.mlp
        work, total = [], 0
        for x, t, grads, want_logits in jobs:
            x = np.ascontiguousarray(x, dtype=np.float64)
            loss_code = self.loss if t is not None else -1
            tt = (np.ascontiguousarray(t, dtype=np.float64) if t is not None
                  else np.empty((0, self.n_out)))
            blk = self.blk
            nblk = max(1, -(-x.shape[0] // blk))
            grad = grads is not None
            gslot, lslot = self._slot_arrays(len(work), n * nblk, grad)
            logits = (np.empty((n, x.shape[0], self.n_out)) if want_logits
                      else np.empty((0, 0, 0)))
            work.append((total, x, tt, loss_code, grad, nblk, blk, gslot, lslot, logits))
            total += n * nblk

        def part(c0: int, c1: int) -> None:
            a, zs, d1, d2, dt = self._thread_scratch()
            for base, x, tt, loss_code, grad, nblk, blk, gslot, lslot, logits in work:
                lo, hi = max(c0 - base, 0), min(c1 - base, n * nblk)
                if lo < hi:
                    mlp.chunks(params, x, tt, self.widths, self.woff, self.aoff, self.act,
                               loss_code, grad, lo, hi, nblk, blk, a, zs, d1, d2, dt, gslot,
                               lslot, logits)

        k = max(1, min(threads, total // MIN_CHUNKS_PER_THREAD))
        if k == 1:
            part(0, total)
        else:
            bounds = [total * i // k for i in range(k + 1)]
            # the pool takes all parts but the first, which this thread runs meanwhile
            futures = [_executor(k - 1).submit(part, bounds[i], bounds[i + 1])
                       for i in range(1, k)]
            part(bounds[0], bounds[1])
            for f in futures:
                f.result()
        _loaded.set()
        out = []
        for (_, t, grads, want_logits), (_, _, _, _, grad, nblk, _, gslot, lslot, logits) in zip(
                jobs, work, strict=True):
            if t is None:
                out.append((None, logits if want_logits else None))
                continue
            loss = np.empty(n)
            g = grads if grads is not None else np.empty((0, 0))
            if grads is not None and not (grads.flags.c_contiguous
                                          and grads.dtype == np.float64):
                g = np.empty((n, self.size))
            mlp.reduce_slots(gslot, lslot, nblk, g, loss, grad)
            if grads is not None and g is not grads:
                grads[...] = g
            out.append((loss, logits if want_logits else None))
        return out


def for_network(arch: Any) -> MLPPasses | None:
    """The compiled passes for ``arch`` (a :class:`gdsim.nn.network.Architecture`), or None
    when the kernels are off or unavailable or the network has parts they do not cover
    (batch norm, dropout, an activation without a kernel)."""
    from gdsim import kernels

    if not kernels.enabled() or arch.batch_norm or arch.dropout:
        return None
    if arch.activation not in ACTIVATIONS or arch.loss not in LOSSES:
        return None
    try:
        return MLPPasses(arch.widths, arch.activation, arch.loss)
    except (ImportError, RuntimeError, OSError, SyntaxError):  # no folder to load it from
        return None
