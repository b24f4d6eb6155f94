"""Network files: weights (.npz, SPEC §9), the training CSV, and experiment dicts (JSON).

Weights: ``W1, b1, W2, b2, …`` (``Wi`` (fan_in, fan_out), ``bi`` (fan_out,)) and for hidden
layers with batch norm ``gamma{i}, beta{i}, mean{i}, var{i}`` (fan_out,) (running statistics).
Every write is atomic (:func:`gdsim.io.atomic_write_bytes`: a temporary file in the same
folder, then a rename).
"""

from __future__ import annotations

import io
import reprlib
import zipfile
from dataclasses import asdict, fields
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import numpy as np

from gdsim.errors import GdsimError
from gdsim.io import (
    _csv_field,
    atomic_write_bytes,
    is_int,
    is_number,
    run_from_dict,
    run_to_dict,
)
from gdsim.io import check_writable as check_writable  # re-exported for the network tab
from gdsim.nn.network import Network

if TYPE_CHECKING:
    from gdsim.nn.training import NNExperiment, Trainer

CSV_HEADER = "run,optimizer,epoch,step,train_loss,test_loss,train_acc,test_acc,lr,grad_norm"
FORMAT = "gdsim-network"
VERSION = 1


# --- weights ----------------------------------------------------------------------------
def weights_dict(net: Network, params: np.ndarray, bn: np.ndarray) -> dict[str, np.ndarray]:
    """One run's flat weights (D,) and statistics (S,) as the named arrays of the file."""
    p = np.asarray(params, np.float64).reshape(1, -1)
    b = np.asarray(bn, np.float64).reshape(1, -1)
    out: dict[str, np.ndarray] = {}
    for s, v, st in zip(net.layers, net.views(p), net.bn_views(b), strict=True):
        k = s.index
        out[f"W{k}"] = v.W[0].copy()
        out[f"b{k}"] = v.b[0].copy()
        if v.gamma is not None:
            out[f"gamma{k}"] = v.gamma[0].copy()
            out[f"beta{k}"] = v.beta[0].copy()
            out[f"mean{k}"] = st[0][0].copy()
            out[f"var{k}"] = st[1][0].copy()
    return out


def save_weights(path: str | Path, net: Network, params: np.ndarray, bn: np.ndarray) -> None:
    """Write one run's weights to ``path`` (.npz, atomic)."""
    buf = io.BytesIO()
    np.savez(buf, **weights_dict(net, params, bn))
    atomic_write_bytes(path, buf.getvalue())


def _describe(net: Network) -> str:
    return "-".join(str(w) for w in net.arch.widths) + (" with batch norm" if
                                                        net.arch.batch_norm else "")


def held_architecture(arrays: dict[str, np.ndarray]) -> str:
    """What network a weights file holds, read from its arrays: e.g. "2-16-1 with batch norm"
    (or a short description of what is there when the W1, W2, … shapes do not chain)."""
    widths: list[int] = []
    k = 1
    while f"W{k}" in arrays:
        w = arrays[f"W{k}"]
        if w.ndim != 2 or (widths and w.shape[0] != widths[-1]):
            shapes = ", ".join(f"{n} {tuple(a.shape)}" for n, a in arrays.items())
            return f"arrays that form no network ({reprlib.repr(shapes)})"
        if not widths:
            widths.append(int(w.shape[0]))
        widths.append(int(w.shape[1]))
        k += 1
    if not widths:
        return f"no W1 array (arrays: {reprlib.repr(', '.join(arrays)) or 'none'})"
    bn = any(n.startswith("gamma") for n in arrays)
    return "-".join(map(str, widths)) + (" with batch norm" if bn else "") + " network"


def load_weights(path: str | Path, net: Network) -> tuple[np.ndarray, np.ndarray]:
    """Read a weights file for ``net``: (params (D,), bn (S,)); GdsimError on any mismatch."""
    p = Path(path)
    try:
        z = np.load(p, allow_pickle=False)
        if not isinstance(z, np.lib.npyio.NpzFile):  # a .npy file: one bare array
            raise ValueError("one array, not a .npz archive of named arrays")
        with z:
            arrays = {k: z[k] for k in z.files}
    except FileNotFoundError:
        raise GdsimError(f"weights file {str(p)!r} does not exist") from None
    except OSError as e:
        raise GdsimError(f"cannot read weights file {str(p)!r}: {e.strerror or e}") from None
    except (ValueError, zipfile.BadZipFile, EOFError) as e:
        why = "not a .npz archive" if "pickle" in str(e) else str(e)
        raise GdsimError(f"cannot read weights file {str(p)!r}: {why}") from None
    expected = weights_dict(net, np.zeros(net.size), net.init_bn(1)[0])
    held = f"; the file holds a {held_architecture(arrays)}"
    missing = [k for k in expected if k not in arrays]
    if missing:
        raise GdsimError(f"{p}: missing array {missing[0]!r} for a {_describe(net)} network "
                         f"(expected {', '.join(expected)}){held}")
    extra = [k for k in arrays if k not in expected]
    if extra:
        raise GdsimError(f"{p}: unexpected array {extra[0]!r} for a {_describe(net)} network "
                         f"(expected {', '.join(expected)}){held}")
    for k, ref in expected.items():
        a = arrays[k]
        if a.shape != ref.shape:
            raise GdsimError(f"{p}: {k} has shape {a.shape}, expected {ref.shape} for a "
                             f"{_describe(net)} network{held}")
        if not np.issubdtype(a.dtype, np.number) or np.iscomplexobj(a):
            raise GdsimError(f"{p}: {k} must hold real numbers, got dtype {a.dtype}")
        if not np.all(np.isfinite(a)):
            raise GdsimError(f"{p}: {k} contains non-finite values")
        if k.startswith("var") and np.any(a < 0):
            raise GdsimError(f"{p}: {k} (running variance) must be ≥ 0")
    params = np.zeros((1, net.size))
    bn = net.init_bn(1)
    for s, v, st in zip(net.layers, net.views(params), net.bn_views(bn), strict=True):
        k = s.index
        v.W[0] = arrays[f"W{k}"]
        v.b[0] = arrays[f"b{k}"]
        if v.gamma is not None:
            v.gamma[0] = arrays[f"gamma{k}"]
            v.beta[0] = arrays[f"beta{k}"]
            st[0][0] = arrays[f"mean{k}"]
            st[1][0] = arrays[f"var{k}"]
    return params[0], bn[0]


# --- training CSV -----------------------------------------------------------------------
def _f(x: float) -> str:
    return "" if np.isnan(x) else repr(float(x))


def csv_text(trainer: Trainer) -> str:
    """The training CSV (SPEC §9): one row per run per step, run order then step order."""
    from gdsim.nn.training import GRAD_NORM, LR, TEST_ACC, TEST_LOSS, TRAIN_ACC, TRAIN_LOSS

    lines = [CSV_HEADER]
    spe = trainer.steps_per_epoch
    for r in trainer.runs:
        rec = trainer.record(r.index)
        for k, row in enumerate(rec):
            lines.append(",".join((
                _csv_cell(r.label), _csv_cell(r.optimizer_name), str(k // spe), str(k),
                _f(row[TRAIN_LOSS]), _f(row[TEST_LOSS]), _f(row[TRAIN_ACC]), _f(row[TEST_ACC]),
                _f(row[LR]), _f(row[GRAD_NORM]),
            )))
    return "\n".join(lines) + "\n"


def _csv_cell(s: str) -> str:
    """Quote like the trajectory CSV (separators, quotes, CR/LF, edge spaces survive)."""
    return _csv_field(s)


def write_csv(trainer: Trainer, path_or_file: str | Path | TextIO) -> None:
    """Write the training CSV to a path (atomic) or an open text file (e.g. stdout)."""
    text = csv_text(trainer)
    if hasattr(path_or_file, "write"):
        path_or_file.write(text)
    else:
        atomic_write_bytes(path_or_file, text.encode("utf-8"))


def read_csv(path: str | Path) -> list[dict[str, str]]:
    """The rows of a training CSV as dicts (for round-trip checks)."""
    import csv

    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# --- experiment dicts (the app's files and presets) ---------------------------------------
def experiment_to_dict(exp: NNExperiment) -> dict:
    """A JSON-ready dict of an :class:`~gdsim.nn.training.NNExperiment` (``"mode": "network"``)."""
    d = asdict(exp)
    d["hidden"] = list(exp.hidden)
    d["features"] = None if exp.features is None else list(exp.features)
    d["runs"] = [run_to_dict(r) for r in exp.runs]
    return {"format": FORMAT, "version": VERSION, "mode": "network", **d}


# Types of NNExperiment fields in a file (ranges are the Trainer's to check).
_FIELD_TYPES = {
    "dataset": (lambda v: isinstance(v, str), "a data set name"),
    "data_file": (lambda v: v is None or isinstance(v, str), "null or a file name"),
    "test_file": (lambda v: v is None or isinstance(v, str), "null or a file name"),
    "features": (lambda v: v is None or (isinstance(v, list | tuple) and v
                                         and all(isinstance(f, str) for f in v)),
                 "null or a list of feature names"),
    "samples": (is_int, "an integer"),
    "noise": (lambda v: v is None or is_number(v), "null or a number"),
    "test_fraction": (is_number, "a number"),
    "hidden": (lambda v: isinstance(v, list | tuple) and all(is_int(w) for w in v),
               "a list of integer widths"),
    "activation": (lambda v: isinstance(v, str), "an activation name"),
    "loss": (lambda v: isinstance(v, str), "a loss name"),
    "init": (lambda v: isinstance(v, str), "an initialization name"),
    "l1": (is_number, "a number"),
    "l2": (is_number, "a number"),
    "dropout": (is_number, "a number"),
    "batch_norm": (lambda v: isinstance(v, bool), "true or false"),
    "runs": (lambda v: isinstance(v, list), "a list of runs"),
    "epochs": (is_int, "an integer"),
    "batch_size": (lambda v: v is None or is_int(v), "null or an integer"),
    "early_stopping": (lambda v: v is None or is_int(v), "null or an integer"),
    "seed": (is_int, "an integer"),
    "data_seed": (lambda v: v is None or is_int(v), "null or an integer"),
    "data": (lambda v: v is None or isinstance(v, dict), "null or an object of x_train, "
             "y_train, x_test, y_test"),
}


def experiment_from_dict(d: dict) -> NNExperiment:
    """Inverse of :func:`experiment_to_dict`; unknown keys or bad types raise GdsimError."""
    from gdsim.nn.training import NNExperiment

    if not isinstance(d, dict):
        raise GdsimError("network experiment must be a JSON object")
    if d.get("mode", "network") != "network":
        raise GdsimError(f"not a network experiment (mode {d.get('mode')!r})")
    if d.get("format", FORMAT) != FORMAT:
        raise GdsimError(f"network experiment: format: expected {FORMAT!r}, "
                         f"got {reprlib.repr(d.get('format'))}")
    version = d.get("version", VERSION)
    if not is_int(version):  # true is not 1
        raise GdsimError(f"network experiment: version: expected an integer, "
                         f"got {reprlib.repr(version)}")
    if version != VERSION:
        raise GdsimError(f"unknown network experiment version {version!r}; "
                         f"this gdsim reads version {VERSION}")
    body = {k: v for k, v in d.items() if k not in ("format", "version", "mode", "name",
                                                    "title", "description")}
    known = {f.name for f in fields(NNExperiment)}
    unknown = [k for k in body if k not in known]
    if unknown:
        raise GdsimError(f"network experiment: unknown field {unknown[0]!r}; known: "
                         f"{', '.join(sorted(known))}")
    for key, value in body.items():
        if key in _FIELD_TYPES:
            check, expect = _FIELD_TYPES[key]
            if not check(value):
                raise GdsimError(f"network experiment: {key}: expected {expect}, "
                                 f"got {reprlib.repr(value)}")
    if "hidden" in body:
        body["hidden"] = tuple(body["hidden"])
    if body.get("features") is not None:
        body["features"] = tuple(body["features"])
    if "runs" in body:
        body["runs"] = [run_from_dict(r, i) for i, r in enumerate(body["runs"])]
    return NNExperiment(**body)
