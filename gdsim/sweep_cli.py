"""``gdsim sweep``: a stability map from the command line (CSV and/or PNG).

Everything is validated (surface, optimizer, ranges, output paths) before any work or file;
bad input exits with status 2 and one line on stderr (SPEC §6). The PNG is drawn by the
desktop app's map view, loaded only when ``--png`` is given (the engine imports no Qt).
"""

from __future__ import annotations

import argparse
import sys

from gdsim.errors import GdsimError

DEFAULT_STEPS = 500


def configure_sweep_parser(p: argparse.ArgumentParser) -> None:
    """The options of ``gdsim sweep``."""
    p.description = ("Run one optimizer from one start for every cell of a grid over two "
                     "hyperparameters (e.g. lr × momentum) and report each cell's final loss, "
                     "status and steps to a loss tolerance. RANGE is NAME=LO:HI:N[:log|lin]; "
                     "log by default for log-scaled parameters such as lr.")
    p.add_argument("--surface", required=True, metavar="NAME",
                   help="surface name (gdsim list surfaces) or expr:FORMULA")
    p.add_argument("--param", action="append", metavar="KEY=VALUE", help="surface parameter")
    p.add_argument("--domain", nargs=4, type=float, metavar=("XMIN", "XMAX", "YMIN", "YMAX"),
                   help="view domain of a typed expr:FORMULA surface")
    p.add_argument("--start", nargs=2, type=float, metavar=("X", "Y"), help="start point")
    p.add_argument("--optimizer", required=True, metavar="SPEC",
                   help="optimizer and its fixed hyperparameters, e.g. sgd:nesterov=true")
    p.add_argument("--schedule", metavar="SPEC", help="learning-rate schedule")
    p.add_argument("--vary", action="append", required=True, metavar="RANGE",
                   help="swept hyperparameter NAME=LO:HI:N[:log|lin] (once or twice), "
                        "e.g. lr=1e-4:1:64")
    p.add_argument("--steps", type=int, metavar="N", help=f"steps (default {DEFAULT_STEPS})")
    p.add_argument("--tol", type=float, metavar="T",
                   help="a cell converges when its gradient norm is below T (default 1e-8)")
    p.add_argument("--loss-tol", type=float, metavar="T",
                   help="steps_to_tol: first step with loss − f* ≤ T (default 1e-6)")
    p.add_argument("--threads", type=int, metavar="K", help="worker threads (default 2)")
    p.add_argument("--csv", metavar="PATH|-", help="write one row per cell ('-': stdout)")
    p.add_argument("--png", metavar="PATH", help="draw the map to a PNG image")
    p.add_argument("--color-by", choices=("loss", "steps"), default="loss",
                   help="what the PNG's colours show (default: final loss)")


def run_sweep(args: argparse.Namespace) -> int:
    """Validate, sweep, then write the CSV / PNG and print a one-line summary."""
    from gdsim.cli import csv_to_stdout, experiment_from_args
    from gdsim.io import atomic_write_text, check_writable
    from gdsim.simulation import Simulation
    from gdsim.sweep import parse_axis, sweep

    if args.steps is not None and args.steps < 0:
        raise GdsimError(f"--steps must be an integer ≥ 0, got {args.steps}")
    ns = argparse.Namespace(
        experiment=None, surface=args.surface, param=args.param, domain=args.domain,
        start=args.start, optimizer=[args.optimizer], schedule=args.schedule,
        steps=DEFAULT_STEPS if args.steps is None else args.steps, seed=None, noise=None,
        batch_size=None, tol=args.tol)
    exp = experiment_from_args(ns)
    sim = Simulation(exp)  # validates surface, start, optimizer, schedule
    spec = exp.runs[0]
    if len(args.vary) > 2:
        raise GdsimError(f"--vary is given {len(args.vary)} times: a map has at most 2 axes")
    axes = [parse_axis(v, spec.optimizer) for v in args.vary]
    if len(axes) == 2 and axes[0].name == axes[1].name:
        raise GdsimError(f"--vary {axes[0].name} is given twice: vary two different "
                         "hyperparameters")
    threads = 2 if args.threads is None else args.threads
    if not 1 <= threads <= 64:
        raise GdsimError(f"--threads must be in 1..64, got {threads}")
    loss_tol = 1e-6 if args.loss_tol is None else args.loss_tol
    for path in (args.csv, args.png):
        if path not in (None, "-"):
            check_writable(path)
    if args.png == "-":
        raise GdsimError("--png needs a file path, not '-'")
    start = sim.runs[0].start if sim.runs else None
    result = sweep(sim.surface, spec, axes[0], axes[1] if len(axes) > 1 else None,
                   exp.steps, start=start, tol=sim.tol, loss_tol=loss_tol, threads=threads)
    if args.png is not None:
        from gdsim.cli import _front_end

        _front_end("ui.sweep_view", "write_png")(result, args.png, args.color_by)
    if args.csv == "-":
        sys.stdout.write(result.csv_text())
        sys.stdout.flush()
    elif args.csv is not None:
        atomic_write_text(args.csv, result.csv_text())
    report = sys.stderr if csv_to_stdout(args.csv) else sys.stdout
    report.write(summary_line(result, sim.surface.name) + "\n")
    return 0


def summary_line(result, surface: str) -> str:
    """'64×64 cells of momentum on rosenbrock, 500 steps: … ; best lr=… momentum=… loss=…'."""
    import numpy as np

    ny, nx = result.loss.shape
    counts = ", ".join(f"{v} {k}" for k, v in result.counts().items())
    ok = (result.status != 2) & np.isfinite(result.loss)
    text = (f"{nx}×{ny} cells of {result.spec.optimizer} on {surface}, {result.steps} steps: "
            f"{counts}")
    if ok.any():
        j, i = np.unravel_index(np.argmin(np.where(ok, result.loss, np.inf)), ok.shape)
        hp = "  ".join(f"{k}={v:.6g}" for k, v in result.cell_hparams(int(j), int(i)).items())
        text += f"; lowest final loss {float(result.loss[j, i]):.6g} at {hp}"
    return text
