"""Compiled batch kernels for basin maps and stability maps (optional: ``pip install
gdsim[fast]`` installs numba).

:func:`basin_descend` and :func:`sweep_descend` run the same steps as the NumPy loops of
:mod:`gdsim.basin` and :mod:`gdsim.sweep` through one fused, compiled loop per optimizer
configuration (see :mod:`.codegen`) and return None when they cannot (numba missing or
disabled, a surface or rule that cannot be traced, a reactive schedule): callers then take
the NumPy path, which stays the reference. Kernels are compiled once per generated source
and cached on disk (``$GDSIM_CACHE_DIR``, else the user cache folder), so a second launch
loads them instead of compiling.

``GDSIM_KERNELS=numpy`` in the environment (or :func:`set_enabled`) turns them off.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from gdsim.kernels.trace import TraceError

__all__ = ["available", "basin_descend", "cache_dir", "enabled", "set_enabled",
           "sweep_descend", "warm", "why_unavailable"]

_enabled = os.environ.get("GDSIM_KERNELS", "").lower() not in ("numpy", "0", "off", "no")
_compiled: dict[str, Any] = {}
_lock = threading.Lock()
_numba_error: str | None = None


def available() -> bool:
    """Whether numba imports (the ``fast`` extra is installed)."""
    return why_unavailable() is None


def why_unavailable() -> str | None:
    """None when numba imports, else a one-line reason naming the fix."""
    global _numba_error
    if _numba_error is None:
        try:
            import numba  # noqa: F401
            _numba_error = ""
        except Exception as e:  # ImportError, or a broken llvmlite
            _numba_error = (f"compiled kernels need numba ({type(e).__name__}: {e}); "
                            'install them with: pip install -e ".[fast]"')
    return _numba_error or None


def enabled() -> bool:
    """Whether basin and stability maps use the compiled kernels."""
    return _enabled and available()


def set_enabled(on: bool) -> bool:
    """Turn the compiled kernels on or off (tests, benchmarks); returns the old setting."""
    global _enabled
    old, _enabled = _enabled, bool(on)
    return old


def warm() -> bool:
    """Start numba and run a tiny kernel (compiled, or loaded from the disk cache) so that
    the session's first map does not pay numba's start-up (≈ 0.5 s, about 1 s more on a
    first launch). For a background thread; True when the kernels are ready."""
    if not enabled():
        return False
    from gdsim.basin import basin_map
    from gdsim.experiment import RunSpec
    from gdsim.surfaces import make_surface

    basin_map(make_surface("quadratic"), RunSpec("gd", {"lr": 0.1}), 2, 2, 1)
    return bool(_compiled)


def cache_dir() -> Path:
    """Where generated kernel modules (and numba's compiled cache beside them) live."""
    env = os.environ.get("GDSIM_CACHE_DIR")
    if env:
        return Path(env) / "kernels"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "gdsim" / "kernels"


def _module_path(source: str) -> Path:
    """The generated module's file (written atomically once; a temporary folder when the
    cache folder is not writable)."""
    import numba

    digest = hashlib.sha256(f"{numba.__version__}\n{source}".encode()).hexdigest()[:24]
    def folders():  # the temporary folder only when needed (finding it writes a probe)
        yield cache_dir()
        yield Path(tempfile.gettempdir()) / "gdsim-kernels"

    for folder in folders():
        path = folder / f"k_{digest}.py"
        try:
            if path.is_file() and path.read_text(encoding="utf-8") == source:
                return path
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".k_", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(source)
            os.replace(tmp, path)
            return path
        except OSError:
            continue
    raise TraceError("no writable folder for compiled kernels")


def load_module(source: str, prefix: str = "gdsim_kernel") -> Any:
    """Import ``source`` from its file in the kernel cache folder (:func:`_module_path`), so
    numba's disk cache lives beside it and is keyed by that exact text."""
    path = _module_path(source)
    name = f"{prefix}_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _dispatcher(source: str) -> Any:
    """The compiled ``kernel`` of ``source`` (imported from the disk cache)."""
    fn = _compiled.get(source)
    if fn is None:
        fn = _compiled[source] = load_module(source).kernel
    return fn


def _columns(a: np.ndarray) -> list[np.ndarray]:
    """The columns of an (N, D) array as contiguous 1-D arrays (views when F-ordered)."""
    return [np.ascontiguousarray(a[:, j]) for j in range(a.shape[1])]


def _prepare(opt: Any, surface: Any, p: np.ndarray, lr_table: np.ndarray, mode: str
             ) -> tuple[Any, Any, list[np.ndarray], list[np.ndarray], Any] | None:
    """Trace and compile, or None when this configuration has no kernel."""
    if not enabled():
        return None
    from gdsim.kernels import codegen

    state = opt.init(p)
    try:
        kern = codegen.build(opt, surface, state, lr_table.shape[1] > 1, mode)
    except (TraceError, TypeError, ArithmeticError):
        return None
    try:
        with _lock:
            fn = _dispatcher(kern.source)
    except (OSError, SyntaxError, ImportError, TraceError):
        return None
    cols = [np.ascontiguousarray(state.buffers[f][:, j]) for f, w in kern.fields
            for j in range(w)]
    return fn, kern, cols, kern.columns, state


def _first_call(call: Any) -> bool:
    """``call(0, 0)`` in one thread: numba compiles the kernel (or loads it from the disk
    cache) on its first call. False when numba refuses the generated code: the caller keeps
    the NumPy path."""
    from numba.core.errors import NumbaError

    with _lock:
        try:
            call(0, 0)
        except NumbaError:
            return False
    return True


class _RowChunks:
    """Runs ``call(i0, i1)`` over chunks of ``n`` rows on ``threads`` threads (the kernels
    release the GIL), one pool for every call of a map.

    Many more chunks than threads, taken in turn: on a busy machine a thread that gets less
    CPU takes fewer chunks instead of holding up the end."""

    def __init__(self, n: int, threads: int) -> None:
        chunks = max(1, min(threads * 8, (n + 2047) // 2048))
        self.bounds = [n * c // chunks for c in range(chunks + 1)]
        self.pool = (ThreadPoolExecutor(min(threads, chunks))
                     if threads > 1 and chunks > 1 else None)

    def run(self, call: Any) -> None:
        b = self.bounds
        if self.pool is None:
            call(b[0], b[-1])
        else:
            list(self.pool.map(lambda c: call(b[c], b[c + 1]), range(len(b) - 1)))

    def __enter__(self) -> _RowChunks:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown()


def default_threads() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else (os.cpu_count() or 1))


def basin_descend(surface: Any, opt: Any, p: np.ndarray, lrs: list[float], box: tuple,
                  threads: int | None = None, check: Any = None,
                  chunk: int = 100) -> np.ndarray | None:
    """Step the (n, 2) points ``p`` in place once per rate in ``lrs`` (as
    ``gdsim.basin._descend`` without a tracker) and return the left-the-box mask, or None
    when there is no kernel for this configuration (``p`` untouched). ``check()`` runs
    between chunks of ``chunk`` steps (it may raise to stop the work)."""
    n = p.shape[0]
    table = np.asarray(lrs, dtype=np.float64).reshape(-1, 1)
    if len(table) == 0:
        table = np.zeros((0, 1))
    ready = _prepare(opt, surface, p, table, "basin")
    if ready is None:
        return None
    fn, kern, scols, hcols, _state = ready
    x0, x1 = np.ascontiguousarray(p[:, 0]), np.ascontiguousarray(p[:, 1])
    with np.errstate(all="ignore"):
        g = surface.grad(p)
    g0, g1 = np.ascontiguousarray(g[:, 0]), np.ascontiguousarray(g[:, 1])
    cx, cy, hx, hy = box
    esc = np.zeros(n, dtype=np.bool_)
    args_tail = (cx - hx, cx + hx, cy - hy, cy + hy, esc)
    steps = len(table)
    def call(i0: int, i1: int, s0: int = 0, s1: int = steps) -> None:
        fn(i0, i1, 0, s0, s1, kern.hvalues, table, x0, x1, g0, g1, *scols, *hcols, *args_tail)

    if not _first_call(call):
        return None
    with _RowChunks(n, threads or default_threads()) as rows:
        for s0 in range(0, steps, chunk):
            if check is not None:
                check()
            rows.run(lambda i0, i1, s0=s0: call(i0, i1, s0, min(s0 + chunk, steps)))
    p[:, 0] = x0
    p[:, 1] = x1
    return esc


def sweep_descend(surface: Any, opt: Any, start: tuple[float, float], n: int,
                  rates: Any, steps: int, box: tuple, tol: float, target: float,
                  report: Any, chunk: int, threads: int | None = None
                  ) -> tuple[np.ndarray, ...] | None:
    """``gdsim.sweep._descend`` on the kernels: final points, losses, statuses, stop steps
    and steps to the target for ``n`` cells, or None when there is no kernel."""
    from gdsim.sweep import judge_start

    p = np.empty((n, 2), order="F")
    p[:, 0], p[:, 1] = start
    first = rates.chunk(0, 1) if steps else [0.0]
    per_run = isinstance(first[0], np.ndarray)
    ready = _prepare(opt, surface, p, np.zeros((1, 2 if per_run else 1)), "sweep")
    if ready is None:
        return None
    fn, kern, scols, hcols, _state = ready
    cx, cy, hx, hy = box
    with np.errstate(all="ignore"):
        g = surface.grad(p)
        f0 = np.asarray(surface.value(p), dtype=np.float64).copy()
    x0, x1 = np.ascontiguousarray(p[:, 0]), np.ascontiguousarray(p[:, 1])
    g0, g1 = np.ascontiguousarray(g[:, 0]), np.ascontiguousarray(g[:, 1])
    status, stop, stt, alive = judge_start(p, g, f0, box, steps, tol, target)
    f = f0.copy()
    tail = (cx, hx, cy, hy, float(tol), float(target), f, alive, status, stop, stt)
    k0 = 0
    with _RowChunks(n, threads or default_threads()) as rows:
        while k0 < steps and alive.any():
            m = min(chunk, steps - k0)
            lrs = rates.chunk(k0, m)
            table = (np.stack([c.reshape(-1) for c in lrs]) if per_run
                     else np.asarray(lrs, dtype=np.float64).reshape(-1, 1))

            def call(i0: int, i1: int, table=table, m=m, k0=k0) -> None:
                fn(i0, i1, k0, 0, m, kern.hvalues, table, x0, x1, g0, g1, *scols, *hcols,
                   *tail)

            if k0 == 0 and not _first_call(call):
                return None
            rows.run(call)
            k0 += m
            report(k0)
    last_p = np.stack([x0, x1], axis=1)
    return last_p, f, status, stop, stt
