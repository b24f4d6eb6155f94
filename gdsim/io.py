"""Files: trajectory CSV (SPEC §7) and experiment JSON (SPEC §8), written atomically.

Floats are written with ``repr`` (shortest round-trip form), so a CSV or JSON file reads
back to the identical float64. Every write goes to a temporary file in the target's
directory and is renamed over the target, so a failure leaves an earlier file untouched.
"""

from __future__ import annotations

import csv
import errno
import json
import math
import os
import stat
import sys
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
    written directly, never replaced. Where the file system allows (Linux ``O_TMPFILE``)
    the data are written into an unnamed file, named only for the instant before the
    rename: a process killed while writing leaves nothing behind, and a temporary file
    left by a killed writer (of this or an earlier run) is removed by the next write.
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
    _sweep_stale(path)
    tmp = None
    try:
        mode = path.stat().st_mode & 0o7777 if path.is_file() else 0o666 & ~_umask
        tmp = _write_temporary(path, chunks, mode)
        os.replace(tmp, path)
    except BaseException as e:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        if isinstance(e, OSError):
            raise GdsimError(f"cannot write {shown}: {e.strerror or e}") from None
        raise


TEMP_INFIX = ".gdsim-"  # temporary files: .<name>.gdsim-<pid>-<random>.tmp


def _temp_name(path: Path) -> str:
    return str(path.parent / f".{path.name}{TEMP_INFIX}{os.getpid()}-{os.urandom(4).hex()}.tmp")


def _write_all(fd: int, chunks: Iterable[bytes], mode: int) -> None:
    for data in chunks:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    os.fsync(fd)
    os.fchmod(fd, mode)


def _write_temporary(path: Path, chunks: Iterable[bytes], mode: int) -> str:
    """The name of a complete temporary file beside ``path`` holding ``chunks``: written
    unnamed (O_TMPFILE) and linked to its name at the end where the system allows, else
    written under its name (removed again if the writing fails)."""
    fd = _open_unnamed(path.parent)
    if fd is not None:
        try:
            _write_all(fd, chunks, mode)
            name = _temp_name(path)
            if _link_unnamed(fd, name):
                return name
            os.lseek(fd, 0, os.SEEK_SET)  # cannot be named here: copy it to a named file
            chunks = iter(lambda: os.read(fd, 1 << 20), b"")
            return _write_named(path, chunks, mode)
        finally:
            os.close(fd)
    return _write_named(path, chunks, mode)


def _write_named(path: Path, chunks: Iterable[bytes], mode: int) -> str:
    name = _temp_name(path)
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        _write_all(fd, chunks, mode)
    except BaseException:
        os.close(fd)
        os.unlink(name)
        raise
    os.close(fd)
    return name


_NO_UNNAMED = {errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT, errno.EPERM,
               errno.EACCES, errno.EXDEV, errno.ENOSYS}
_libc = None


def _open_unnamed(folder: Path) -> int | None:
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not sys.platform.startswith("linux"):
        return None
    try:
        return os.open(folder, flag | os.O_RDWR | os.O_CLOEXEC, 0o600)
    except OSError as e:
        if e.errno in _NO_UNNAMED:
            return None
        raise


def _link_unnamed(fd: int, name: str) -> bool:
    """Give the unnamed file ``fd`` the name ``name`` (linkat); False where not allowed."""
    global _libc
    try:
        os.link(f"/proc/self/fd/{fd}", name, follow_symlinks=True)
        return True
    except OSError as e:
        if e.errno not in _NO_UNNAMED:
            raise
    try:  # linkat(fd, "", AT_FDCWD, name, AT_EMPTY_PATH): allowed to the opener (Linux 6.10+)
        import ctypes

        if _libc is None:
            _libc = ctypes.CDLL(None, use_errno=True)
        if _libc.linkat(fd, b"", -100, os.fsencode(name), 0x1000) == 0:
            return True
    except (OSError, AttributeError):
        pass
    return False


def _sweep_stale(path: Path) -> None:
    """Remove temporary files for ``path`` whose writer process no longer exists."""
    prefix = f".{path.name}{TEMP_INFIX}"
    try:
        names = [n for n in os.listdir(path.parent) if n.startswith(prefix) and n.endswith(".tmp")]
    except OSError:
        return
    for name in names:
        pid = name[len(prefix):].split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        try:
            os.unlink(path.parent / name)
        except OSError:
            pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. another user's process: it exists
        return True
    return True


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


MAX_READ_BYTES = 16 * 2**20  # data CSVs the app reads: at most this
MAX_JSON_BYTES = 4 * 2**20  # experiment files: at most this (a hostile one parses in bounds)


def read_text(path: str | os.PathLike, what: str = "", limit: int = MAX_READ_BYTES) -> str:
    """The UTF-8 text of the regular file ``path`` (a hand editor's BOM dropped), of at most
    ``limit`` bytes. GdsimError names the file (``what`` before it, e.g. "data file") and the
    problem: unreadable, not a regular file (a pipe would block, a device never end), too
    large, not UTF-8."""
    shown = f"{what} {str(path)!r}" if what else f"{path}"
    try:  # non-blocking: opening a pipe with no writer must not wait for one
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as e:
        raise GdsimError(f"cannot read {shown}: {e.strerror or e}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        what_it_is = "it is a folder" if stat.S_ISDIR(mode) else "not a regular file"
        raise GdsimError(f"cannot read {shown}: {what_it_is}")
    with os.fdopen(fd, "rb") as f:
        try:
            data = f.read(limit + 1)
        except OSError as e:
            raise GdsimError(f"cannot read {shown}: {e.strerror or e}") from None
    if len(data) > limit:
        raise GdsimError(f"cannot read {shown}: larger than {limit // 2**20} MB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise GdsimError(f"{shown}: not a UTF-8 text file") from None


def read_json(path: str | os.PathLike) -> Any:
    """The JSON value in ``path`` (a BOM is fine); GdsimError names the file and what is wrong
    (unreadable, not a regular file, too large, not UTF-8, not JSON, NaN/Infinity, nested too
    deeply, a huge integer)."""
    text = read_text(path, limit=MAX_JSON_BYTES)
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
        raise GdsimError(f"{path}: not valid JSON here: nested too deeply") from None
    return data


def load_experiment(path: str | os.PathLike) -> Experiment:
    """Read and validate an experiment file; GdsimError names the file and the bad field."""
    data = read_json(path)
    try:
        return experiment_from_dict(data)
    except GdsimError as e:
        raise GdsimError(f"{path}: {e}") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"not valid JSON: {name} is not allowed")

