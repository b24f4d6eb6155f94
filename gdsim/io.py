"""Files: trajectory CSV (SPEC §7) and experiment JSON (SPEC §8), written atomically.

Floats are written with ``repr`` (shortest round-trip form), so a CSV or JSON file reads
back to the identical float64. Every write goes to a temporary file in the target's
directory and is renamed over the target, so a failure leaves an earlier file untouched.
"""

from __future__ import annotations

import csv
import json
import math
import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from gdsim.errors import GdsimError
from gdsim.experiment import Experiment, RunSpec, check_view, validate
from gdsim.optimizers import OPTIMIZERS
from gdsim.schedules import SCHEDULES
from gdsim.simulation import Simulation

CSV_HEADER = ("run", "optimizer", "step", "x", "y", "loss", "grad_x", "grad_y", "grad_norm", "lr")
FORMAT = "gdsim-experiment"
VERSION = 1

_FLOAT_MAX = sys.float_info.max
_umask = os.umask(0)
os.umask(_umask)


# ---------------------------------------------------------------- atomic writes


def _target(path: str | os.PathLike) -> Path:
    """Where writing ``path`` lands: through a symbolic link to its target (the link stays)."""
    path = Path(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _is_special(path: Path) -> bool:
    """An existing non-regular, non-folder file (``/dev/stdout``, ``/dev/null``, a FIFO)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _write_special(path: Path, shown: Path, data: bytes) -> None:
    """Write straight into a device or pipe: it cannot be replaced by a rename."""
    try:
        with open(path, "wb") as f:
            f.write(data)
            f.flush()
    except OSError as e:
        raise GdsimError(f"cannot write {shown}: {e.strerror or e}") from None


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same directory + ``os.replace``.

    On any failure the temporary file is removed, an existing ``path`` is left as it was,
    and :class:`GdsimError` names the path and the reason. A symbolic link is written
    through (its target is replaced, the link kept); a device or pipe (``/dev/stdout``) is
    written directly, never replaced.
    """
    atomic_write_chunks(path, (data,))


def atomic_write_chunks(path: str | os.PathLike, chunks: Iterable[bytes]) -> None:
    """:func:`atomic_write_bytes` of the concatenated ``chunks``, written as they come: an
    exception raised by the iterator (e.g. a cancelled export) removes the temporary file and
    leaves ``path`` as it was, then propagates."""
    shown = Path(path)
    if _is_special(shown):  # stat follows links: /dev/stdout → the pipe or terminal
        _write_special(shown, shown, b"".join(chunks))
        return
    path = _target(path)
    if path.is_dir():
        raise GdsimError(f"cannot write {shown}: it is a folder")
    if not path.parent.is_dir():
        raise GdsimError(f"cannot write {shown}: folder {path.parent} does not exist")
    try:
        mode = path.stat().st_mode & 0o7777 if path.is_file() else 0o666 & ~_umask
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as e:
        raise GdsimError(f"cannot write {shown}: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            for data in chunks:
                f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise GdsimError(f"cannot write {shown}: {e.strerror or e}") from None
        raise


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """UTF-8 text version of :func:`atomic_write_bytes`."""
    atomic_write_bytes(path, text.encode("utf-8"))


def check_writable(path: str | os.PathLike) -> None:
    """Refuse early (before any work) a folder, a missing or unwritable folder, or a
    read-only file (the rename of an atomic write would replace it regardless)."""
    shown = Path(path)
    if _is_special(shown):
        if not os.access(shown, os.W_OK):
            raise GdsimError(f"cannot write {shown}: permission denied")
        return
    path = _target(path)
    if path.is_dir():
        raise GdsimError(f"cannot write {shown}: it is a folder")
    parent = path.parent
    if not parent.is_dir():
        raise GdsimError(f"cannot write {shown}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise GdsimError(f"cannot write {shown}: folder {parent} is not writable")
    if path.is_file() and not os.access(path, os.W_OK):  # a file its owner protected
        raise GdsimError(f"cannot write {shown}: the file is read-only")


# ---------------------------------------------------------------- trajectory CSV


def _csv_field(s: str) -> str:
    if any(c in s for c in ',"\r\n') or s != s.strip():
        return '"' + s.replace('"', '""') + '"'
    return s


CSV_CHUNK_ROWS = 20_000  # rows per piece of csv_chunks


def csv_text(sim: Simulation) -> str:
    """The trajectory CSV of every run, long format: run order, then step order."""
    return "".join(csv_chunks(sim))


def csv_chunks(sim: Simulation, rows: int = CSV_CHUNK_ROWS) -> Iterator[str]:
    """:func:`csv_text` in pieces of at most ``rows`` lines (the header first), so a long
    export can report progress and stop between pieces; their concatenation is the CSV."""
    yield ",".join(CSV_HEADER) + "\n"
    for r in sim.runs:
        tr = r.trajectory
        prefix = f"{_csv_field(r.label)},{_csv_field(r.spec.optimizer)},"
        for a in range(0, tr.n, rows):
            block = slice(a, min(a + rows, tr.n))
            data = tr.data[block].tolist()
            norms = tr.grad_norm_at(block).tolist()
            yield "".join(
                f"{prefix}{k},{x!r},{y!r},{f!r},{gx!r},{gy!r},{gn!r},{lr!r}\n"
                for k, ((x, y, f, gx, gy, lr), gn) in enumerate(zip(data, norms, strict=True),
                                                                 start=a)
            )


def csv_rows(sim: Simulation) -> int:
    """Data lines :func:`csv_text` writes (one per recorded step of every run)."""
    return sum(r.trajectory.n for r in sim.runs)


def write_csv(sim: Simulation, path_or_file: str | os.PathLike | TextIO) -> None:
    """Write SPEC §7's trajectory CSV to a path (atomically) or an open text file."""
    text = csv_text(sim)
    if hasattr(path_or_file, "write"):
        path_or_file.write(text)  # type: ignore[union-attr]
        return
    atomic_write_text(path_or_file, text)  # type: ignore[arg-type]


def read_csv(path: str | os.PathLike) -> dict[str, Any]:
    """Read a trajectory CSV back: ``run``/``optimizer`` lists, ``step`` ints, float columns."""
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
    except OSError as e:
        raise GdsimError(f"cannot read {path}: {e.strerror or e}") from None
    if not rows or tuple(rows[0]) != CSV_HEADER:
        raise GdsimError(f"{path}: header must be {','.join(CSV_HEADER)}")
    body = rows[1:]
    for i, row in enumerate(body, start=2):
        if len(row) != len(CSV_HEADER):
            raise GdsimError(f"{path}: line {i} has {len(row)} fields, expected {len(CSV_HEADER)}")
    cols = list(zip(*body, strict=True)) if body else [()] * len(CSV_HEADER)
    out: dict[str, Any] = {"run": list(cols[0]), "optimizer": list(cols[1])}
    try:
        out["step"] = np.array([int(v) for v in cols[2]], dtype=np.int64)
        for name, col in zip(CSV_HEADER[3:], cols[3:], strict=True):
            out[name] = np.array([float(v) for v in col], dtype=np.float64)
    except ValueError as e:
        raise GdsimError(f"{path}: bad number: {e}") from None
    return out


# ---------------------------------------------------------------- experiment JSON

_TOP_KEYS = ("format", "version", "title", "description", "surface", "surface_params",
             "formula", "view", "start", "runs", "steps", "seed", "noise", "batch_size", "tol")
_RUN_KEYS = ("optimizer", "hparams", "schedule", "schedule_params", "label", "start", "seed",
             "enabled", "color", "noise", "batch_size")
_RUN_OVERRIDE_KEYS = ("noise", "batch_size")  # written only when set (absent = experiment's)


def _plain(v: Any) -> Any:
    """JSON-ready Python value (numpy scalars and tuples converted)."""
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, tuple | list | np.ndarray):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    return v


def run_to_dict(r: RunSpec) -> dict[str, Any]:
    """One run as a JSON-ready dict; per-run noise/batch_size only when they override."""
    d = {
        "optimizer": r.optimizer,
        "hparams": _plain(dict(r.hparams)),
        "schedule": r.schedule,
        "schedule_params": _plain(dict(r.schedule_params)),
        "label": r.label,
        "start": _plain(r.start),
        "seed": _plain(r.seed),
        "enabled": bool(r.enabled),
        "color": r.color,
    }
    for key in _RUN_OVERRIDE_KEYS:
        if getattr(r, key) is not None:
            d[key] = _plain(getattr(r, key))
    return d


def experiment_to_dict(exp: Experiment) -> dict[str, Any]:
    """Everything in ``exp`` as a JSON-ready dict with format and version."""
    runs = [run_to_dict(r) for r in exp.runs]
    return {
        "format": FORMAT,
        "version": VERSION,
        "title": exp.title,
        "description": exp.description,
        "surface": exp.surface,
        "surface_params": _plain(dict(exp.surface_params)),
        "formula": exp.formula,
        "view": _plain(exp.view),
        "start": _plain(exp.start),
        "runs": runs,
        "steps": _plain(exp.steps),
        "seed": _plain(exp.seed),
        "noise": _plain(exp.noise),
        "batch_size": _plain(exp.batch_size),
        "tol": _plain(exp.tol),
    }


def is_int(v: Any) -> bool:
    """A JSON integer (not a boolean)."""
    return isinstance(v, int) and not isinstance(v, bool)


def is_number(v: Any) -> bool:
    """An int or float that converts to float64 (a JSON integer beyond ±1.8e308 does not)."""
    if isinstance(v, float):
        return True
    return isinstance(v, int) and not isinstance(v, bool) and abs(v) <= _FLOAT_MAX


def _show(v: Any) -> str:
    """A short JSON rendering of a bad value for an error message."""
    try:
        return json.dumps(v)[:60]
    except (RecursionError, ValueError, TypeError):
        return type(v).__name__


def _get(d: dict, key: str, where: str, check, expect: str, default: Any, required=False) -> Any:
    if key not in d:
        if required:
            raise GdsimError(f"{where}{key}: missing (expected {expect})")
        return default
    v = d[key]
    if not check(v):
        raise GdsimError(f"{where}{key}: expected {expect}, got {_show(v)}")
    return v


def _check_keys(d: dict, known: tuple[str, ...], where: str) -> None:
    unknown = [k for k in d if k not in known]
    if unknown:
        raise GdsimError(f"{where}unknown field {unknown[0]!r}; known: {', '.join(known)}")


def _params(d: dict, key: str, where: str, specs: tuple = ()) -> dict[str, Any]:
    """``d[key]``: an object of JSON numbers and booleans (text such as "0.1" is refused);
    where ``specs`` (the registry's :class:`~gdsim.params.Param` s) say so, also a word for a
    choice, a list of integers for a list (kept as a tuple) or null for an optional value."""
    v = _get(d, key, where, lambda v: isinstance(v, dict), "an object of values", {})
    kinds = {p.name: p for p in specs}
    out: dict[str, Any] = {}
    for name, x in v.items():
        p = kinds.get(name)
        if p is not None and p.kind is str:
            if not isinstance(x, str):
                raise GdsimError(f"{where}{key}.{name}: expected one of "
                                 f"{', '.join(p.choices)}, got {_show(x)}")
        elif p is not None and p.kind is tuple:
            if not (isinstance(x, list) and all(is_number(e) for e in x)):
                raise GdsimError(f"{where}{key}.{name}: expected a list of integers, "
                                 f"got {_show(x)}")
            x = tuple(x)
        elif x is None and p is not None and p.optional:
            pass
        elif not (isinstance(x, bool) or is_number(x)):
            raise GdsimError(f"{where}{key}.{name}: expected a number or true/false, "
                             f"got {_show(x)}")
        out[name] = x
    return out


def _opt(check):
    return lambda v: v is None or check(v)


def _pair(v: Any) -> bool:
    return isinstance(v, list) and len(v) == 2 and all(is_number(x) and math.isfinite(x) for x in v)


def _quad(v: Any) -> bool:
    return isinstance(v, list) and len(v) == 4 and all(is_number(x) and math.isfinite(x) for x in v)


def run_from_dict(d: Any, i: int) -> RunSpec:
    """``runs[i]`` of a file as a :class:`RunSpec`; GdsimError names the run and the field."""
    where = f"runs[{i}]."
    if not isinstance(d, dict):
        raise GdsimError(f"runs[{i}]: expected an object, got {_show(d)}")
    _check_keys(d, _RUN_KEYS, where)
    start = _get(d, "start", where, _opt(_pair), "null or [x, y]", None)
    noise = _get(d, "noise", where, _opt(lambda v: is_number(v) and v >= 0),
                 "null or a number ≥ 0 (null: the experiment's noise)", None)
    optimizer = _get(d, "optimizer", where, lambda v: isinstance(v, str), "a name", None,
                     required=True)
    schedule = _get(d, "schedule", where, lambda v: isinstance(v, str), "a name", "constant")
    opt_info, sched_info = OPTIMIZERS.get(optimizer), SCHEDULES.get(schedule)
    return RunSpec(
        optimizer=optimizer,
        hparams=_params(d, "hparams", where, opt_info.params if opt_info else ()),
        schedule=schedule,
        schedule_params=_params(d, "schedule_params", where,
                                sched_info.params if sched_info else ()),
        label=_get(d, "label", where, _opt(lambda v: isinstance(v, str) and v.strip()),
                   "null or a non-empty string", None),
        start=None if start is None else (float(start[0]), float(start[1])),
        seed=_get(d, "seed", where, _opt(lambda v: is_int(v) and v >= 0),
                  "null or an integer ≥ 0", None),
        enabled=_get(d, "enabled", where, lambda v: isinstance(v, bool), "true or false", True),
        color=_get(d, "color", where, _opt(lambda v: isinstance(v, str)), "null or a string",
                   None),
        noise=None if noise is None else float(noise),
        batch_size=_get(d, "batch_size", where, _opt(lambda v: is_int(v) and v >= 1),
                        "null or an integer ≥ 1 (null: the experiment's batch size)", None),
    )


def experiment_from_dict(d: Any) -> Experiment:
    """Build and fully validate an :class:`Experiment` from its JSON dict (GdsimError if bad)."""
    if not isinstance(d, dict):
        raise GdsimError("expected a JSON object with \"format\": \"gdsim-experiment\"")
    if d.get("format") == "gdsim-network":
        raise GdsimError("this is a network experiment (format \"gdsim-network\"); open it in "
                         "the app's Network tab, or train with gdsim train")
    if d.get("format") != FORMAT:
        raise GdsimError(f"format: expected {FORMAT!r}, got {_show(d.get('format'))}")
    version = d.get("version")
    if not is_int(version):
        raise GdsimError(f"version: expected an integer, got {_show(version)}")
    if version != VERSION:
        raise GdsimError(f"version: unsupported version {version} (this gdsim reads version "
                         f"{VERSION})")
    _check_keys(d, _TOP_KEYS, "")
    runs = _get(d, "runs", "", lambda v: isinstance(v, list), "a list of runs", None,
                required=True)
    view = _get(d, "view", "", _opt(_quad), "null or [xmin, xmax, ymin, ymax]", None)
    start = _get(d, "start", "", _opt(_pair), "null or [x, y]", None)
    exp = Experiment(
        surface=_get(d, "surface", "", lambda v: isinstance(v, str) and v, "a surface name",
                     None, required=True),
        surface_params=_params(d, "surface_params", ""),
        formula=_get(d, "formula", "", _opt(lambda v: isinstance(v, str)), "null or a string",
                     None),
        view=None if view is None else check_view([float(v) for v in view]),
        start=None if start is None else (float(start[0]), float(start[1])),
        runs=[run_from_dict(r, i) for i, r in enumerate(runs)],
        steps=_get(d, "steps", "", lambda v: is_int(v) and v >= 0, "an integer ≥ 0", 1000),
        seed=_get(d, "seed", "", lambda v: is_int(v) and v >= 0, "an integer ≥ 0", 0),
        noise=float(_get(d, "noise", "", lambda v: is_number(v) and v >= 0, "a number ≥ 0", 0.0)),
        batch_size=_get(d, "batch_size", "", _opt(lambda v: is_int(v) and v >= 0),
                        "null or an integer ≥ 0 (null/0: full batch)", None),
        tol=float(_get(d, "tol", "", lambda v: is_number(v) and v >= 0, "a number ≥ 0", 1e-8)),
        title=_get(d, "title", "", lambda v: isinstance(v, str), "a string", ""),
        description=_get(d, "description", "", lambda v: isinstance(v, str), "a string", ""),
    )
    validate(exp)  # names and values: surface, optimizers, schedules, batch size
    return exp


def experiment_json(exp: Experiment) -> str:
    """The experiment as indented JSON text."""
    return json.dumps(experiment_to_dict(exp), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def save_experiment(exp: Experiment, path: str | os.PathLike) -> None:
    """Validate ``exp`` and save it as JSON (atomically)."""
    validate(exp)
    try:
        text = experiment_json(exp)
    except (TypeError, ValueError) as e:
        raise GdsimError(f"cannot save experiment: {e}") from None
    atomic_write_text(path, text)


def load_experiment(path: str | os.PathLike) -> Experiment:
    """Read and validate an experiment file; GdsimError names the file and the bad field."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")  # a hand editor's BOM is fine
    except UnicodeDecodeError:
        raise GdsimError(f"{path}: not a UTF-8 text file") from None
    except OSError as e:
        raise GdsimError(f"cannot read {path}: {e.strerror or e}") from None
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as e:
        raise GdsimError(f"{path}: not valid JSON: {e.msg} (line {e.lineno}, column {e.colno})"
                         ) from None
    except ValueError as e:
        if "digits" in str(e):  # Python's int-conversion limit, not the user's words
            raise GdsimError(f"{path}: not valid JSON: a number has more than "
                             f"{sys.get_int_max_str_digits()} digits") from None
        raise GdsimError(f"{path}: {e}") from None
    except RecursionError:
        raise GdsimError(f"{path}: not an experiment: JSON nested too deeply") from None
    try:
        return experiment_from_dict(data)
    except GdsimError as e:
        raise GdsimError(f"{path}: {e}") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"not valid JSON: {name} is not allowed")

