"""What both command lines (``gdsim run`` in :mod:`gdsim.cli`, ``gdsim train`` in
:mod:`gdsim.nn.cli`) share: SPEC boolean spelling and where ``--csv`` output goes. Kept
apart so that neither CLI module imports the other's (cli imports nn.cli on demand only)."""

from __future__ import annotations

import io
import os
import stat
import sys

from gdsim.errors import GdsimError


def check_spec_booleans(name: str, raw: dict, spec: str, what: str = "optimizer") -> None:
    """Refuse boolean spellings other than SPEC §6's ``true``/``false`` (any case) in a SPEC."""
    from gdsim.optimizers import OPTIMIZERS

    info = OPTIMIZERS.get(name) if what == "optimizer" else None
    for p in info.params if info is not None else ():
        v = raw.get(p.name)
        if p.kind is bool and isinstance(v, str) and v.strip().lower() not in ("true", "false"):
            raise GdsimError(f"--{what} {spec}: {p.name} must be true or false, got {v!r}")


def csv_to_stdout(path: str | None) -> bool:
    """Whether ``--csv`` sends the CSV to stdout: ``-``, or a path that is stdout itself
    (``/dev/stdout``, ``/proc/self/fd/1``), so the summary moves to stderr (SPEC §6)."""
    if path == "-":
        return True
    if not path:
        return False
    try:
        a, b = os.stat(path), os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino) and not stat.S_ISREG(a.st_mode)
