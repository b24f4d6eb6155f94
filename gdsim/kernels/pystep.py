"""One run of a coordinate-coupled rule (Adafactor's RMS couples a run's coordinates) as one
straight-line Python function of floats, traced from the rule's text (:mod:`.trace`).

The per-coordinate float path (:class:`gdsim.optimizers.FloatRun`) cannot step such a rule;
its array form on a (1, D) run costs a ufunc call per operation. The traced function does the
array form's operations in the same order on Python floats (``math.sqrt``/``math.pow`` are
libm's, as NumPy's for these), so it gives the same floats at float-path speed; where Python
raises (÷0, overflow, √ of a negative) the caller redoes the step on arrays. No numba needed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from gdsim.kernels.trace import T, Trace, TraceError

_made: dict[str, Callable] = {}


def build(opt: Any, state: Any, d: int) -> Callable[..., tuple]:
    """``step(p, g, s, lr, k) -> (p, s)`` for ``opt`` (an Optimizer with float
    hyperparameters) on a run of ``d`` coordinates whose state is ``state`` ((1, ·) arrays):
    ``p``, ``g`` lists of ``d`` floats, ``s`` the state's floats field by field."""
    from gdsim.kernels.codegen import _traced_hparams, trace_update

    h, scalars, cols = _traced_hparams(opt._h)
    if cols:
        raise TraceError("per-run hyperparameter columns: not a single run")
    widths = [(f, a.shape[1]) for f, a in enumerate(state.buffers) if a is not None]

    def traced(k: T, prefix: str) -> tuple[Any, list[str]]:
        with Trace(prefix) as tr:
            ps, outs = trace_update(opt, h, state, widths, d, T(("lr",), 1), k)
        return tr, list(ps) + [c for _, codes in outs for c in codes]

    general = traced(T(("kf",), 1, step_count=True), "t")
    first = traced(T(("1.0",), 0, 1.0), "u") if general[0].assumed else None
    names_p = ", ".join(f"p{j}" for j in range(d))
    names_g = ", ".join(f"g{j}" for j in range(d))
    names_s = ", ".join(f"s{f}_{j}" for f, w in widths for j in range(w))
    lines = ["def make(H):"]
    lines += [f"    h{j} = H[{j}]" for j in range(len(scalars))]
    for tr, _ in ([general] if first is None else [general, first]):
        lines += ["    " + ln for ln in tr.sections[0]]
    lines += ["    def step(p, g, s, lr, k):",
              f"        {names_p}{',' if d == 1 else ''} = p",
              f"        {names_g}{',' if d == 1 else ''} = g"]
    if names_s:
        lines.append(f"        {names_s}{',' if names_s.count(',') == 0 else ''} = s")
    lines.append("        kf = float(k)")

    def body(tr: Any, outs: list[str], ind: str) -> list[str]:
        out = [ind + ln for ln in tr.sections[1] + tr.sections[2]]
        ps, ss = outs[:d], outs[d:]
        out.append(f"{ind}return [{', '.join(ps)}], ({', '.join(ss)}{',' if len(ss) == 1 else ''})")
        return out

    if first is None:
        lines += body(*general, "        ")
    else:
        lines += ["        if k == 1:", *body(*first, "            "),
                  *body(*general, "        ")]
    lines.append("    return step")
    source = "\n".join(lines) + "\n"
    make = _made.get(source)
    if make is None:
        namespace: dict[str, Any] = {"math": math}
        exec(compile(source, "<gdsim traced step>", "exec"), namespace)  # noqa: S102
        make = _made[source] = namespace["make"]
    return make(tuple(scalars))
