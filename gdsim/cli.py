"""The ``gdsim`` command line (SPEC §6): list, run, and lazy hand-offs to the app and networks.

Everything is validated before any file is opened; bad input exits with status 2 and one
message on stderr, never a traceback. The desktop app (``gui``, ``snapshot``) and the
network trainer (``train``) are imported only when asked for, so ``gdsim run`` never
loads Qt.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import sys
from typing import TYPE_CHECKING, Any

from gdsim import __version__
from gdsim.cli_common import check_spec_booleans, csv_to_stdout
from gdsim.errors import GdsimError
from gdsim.params import Param, format_value, parse_spec

if TYPE_CHECKING:
    from gdsim.experiment import Experiment
    from gdsim.simulation import Simulation

SURFACE_KINDS = ("surfaces", "optimizers", "schedules")
NN_KINDS = ("datasets", "activations", "losses")
RUN_OPTIONS = ("surface", "param", "start", "optimizer", "schedule", "steps", "seed", "noise",
               "batch_size", "tol", "domain")
RUN_SPEC_KEYS_HELP = ("An optimizer SPEC may also set label=NAME (the run's label), noise=SIGMA "
                      "(this run's gradient noise) and batch_size=B (this run's mini-batch size "
                      "on data surfaces), overriding --noise/--batch-size for that run, e.g. "
                      "sgd:lr=0.05,batch_size=1.")


def _add_run_parser(sub) -> None:
    p = sub.add_parser(
        "run", help="run optimizers on a surface and print a summary (or a CSV)",
        description="Run one or more optimizers on a 2-D surface. SPEC is "
                    "NAME[:KEY=VALUE,...], e.g. adam:lr=0.05,beta1=0.8. " + RUN_SPEC_KEYS_HELP)
    p.add_argument("--experiment", metavar="FILE.json", help="run a saved experiment file")
    p.add_argument("--surface", metavar="NAME",
                   help="surface name (gdsim list surfaces) or expr:FORMULA")
    p.add_argument("--param", action="append", metavar="KEY=VALUE", help="surface parameter")
    p.add_argument("--domain", nargs=4, type=float, metavar=("XMIN", "XMAX", "YMIN", "YMAX"),
                   help="view domain of a typed expr:FORMULA surface")
    p.add_argument("--start", nargs=2, type=float, metavar=("X", "Y"), help="start point")
    p.add_argument("--optimizer", action="append", metavar="SPEC",
                   help="optimizer (repeatable); label=, noise= and batch_size= in SPEC set "
                        "that run's label, noise σ and batch size")
    p.add_argument("--schedule", metavar="SPEC", help="learning-rate schedule for every run")
    p.add_argument("--steps", type=int, metavar="N", help="maximum steps (default 1000)")
    p.add_argument("--seed", type=int, metavar="S", help="seed (default 0)")
    p.add_argument("--noise", type=float, metavar="SIGMA", help="gradient noise σ (default 0)")
    p.add_argument("--batch-size", type=int, metavar="B",
                   help="mini-batch size on data surfaces (default: full batch)")
    p.add_argument("--tol", type=float, metavar="T",
                   help="stop when the gradient norm is below T (default 1e-8)")
    p.add_argument("--csv", metavar="PATH|-", help="write the trajectory CSV ('-': stdout)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")


def build_parser(argv: list[str]) -> argparse.ArgumentParser:
    """The parser; the ``train`` subcommand is configured by gdsim.nn only when used."""
    parser = argparse.ArgumentParser(
        prog="gdsim", description="Simulator for the gradient-descent family.")
    parser.add_argument("--version", action="version", version=f"gdsim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    g = sub.add_parser("gui", help="open the desktop app (the default)")
    g.add_argument("--experiment", metavar="FILE.json", help="experiment to open")
    lp = sub.add_parser("list", help="list surfaces, optimizers, schedules, datasets, ...")
    lp.add_argument("kind", choices=SURFACE_KINDS + NN_KINDS)
    _add_run_parser(sub)
    s = sub.add_parser("snapshot", help="render an experiment to a PNG without a window")
    s.add_argument("--experiment", required=True, metavar="FILE.json")
    s.add_argument("--steps", type=int, required=True, metavar="N")
    s.add_argument("--out", required=True, metavar="PNG")
    s.add_argument("--size", metavar="WxH")
    a = sub.add_parser("animate", help="render an experiment's race or training to GIF/MP4",
                       description="Render the race (surface + paths, with the loss curve) or "
                                   "a network experiment's training to an animated GIF or an "
                                   "MP4, frame by frame as the app draws it. Needs the anim "
                                   "extra (pip install 'gdsim[anim]').")
    a.add_argument("--experiment", metavar="FILE.json",
                   help="surface or network experiment (default: the app's first race)")
    a.add_argument("--steps", type=int, required=True, metavar="N", help="last step shown")
    a.add_argument("--out", required=True, metavar="FILE.gif|FILE.mp4")
    a.add_argument("--fps", type=int, metavar="F", help="frames per second (default 30)")
    a.add_argument("--size", metavar="WxH", help="frame size (default 1280x720)")
    a.add_argument("--frames", type=int, metavar="K",
                   help="number of frames, spread evenly over steps 0..N "
                        "(default: one per step, at most 300)")
    a.add_argument("--no-loss-panel", action="store_true",
                   help="the surface (or decision map) alone, without the loss curve")
    sw = sub.add_parser("sweep", help="stability map: a grid over two hyperparameters")
    from gdsim.sweep_cli import configure_sweep_parser

    configure_sweep_parser(sw)
    t = sub.add_parser("train", help="train a small neural network (gdsim train -h)")
    if argv[:1] == ["train"]:
        try:
            from gdsim.nn.cli import configure_train_parser
        except ImportError as e:
            raise _Unavailable("network training", e) from None
        configure_train_parser(t)
    return parser


class _Unavailable(Exception):
    def __init__(self, what: str, err: ImportError):
        super().__init__(f"{what} is not available yet ({err})")


# ---------------------------------------------------------------- list


def _param_text(params: tuple[Param, ...]) -> str:
    def val(p: Param) -> str:
        text = format_value(p.default)
        if p.kind is str:
            return f"{text} (one of {'|'.join(p.choices)})"
        if p.default is None:  # optional: its help says what none means
            return f"{text} ({p.help})"
        return text

    return ", ".join(f"{p.name}={val(p)}" for p in params) or "(no parameters)"


def list_lines(kind: str) -> list[str]:
    """One line per registry entry of ``kind``: name, title, parameters with defaults."""
    if kind == "surfaces":
        from gdsim.surfaces import SURFACES

        w = max(len(n) for n in SURFACES)
        lines = [f"{n:<{w}}  {i.title}: {i.formula}; {_param_text(i.params)}"
                 for n, i in SURFACES.items()]
        lines.append(f"{'expr:FORMULA':<{w}}  a surface you type in x and y, e.g. "
                     "'expr:x^2 + 10*sin(y)'; set its view with --domain XMIN XMAX YMIN YMAX")
        return lines
    if kind == "optimizers":
        from gdsim.optimizers import OPTIMIZERS

        w = max(len(n) for n in OPTIMIZERS)
        return [f"{n:<{w}}  {i.title}: {_param_text(i.params)}" for n, i in OPTIMIZERS.items()]
    if kind == "schedules":
        from gdsim.schedules import SCHEDULES

        w = max(len(n) for n in SCHEDULES)
        return [f"{n:<{w}}  {i.title}: {_param_text(i.params)}" for n, i in SCHEDULES.items()]
    try:
        from gdsim.nn.cli import list_lines as nn_lines
    except ImportError as e:
        raise _Unavailable("network training", e) from None
    return list(nn_lines(kind))


# ---------------------------------------------------------------- run


def _run_overrides(raw: dict, spec: str) -> dict[str, Any]:
    """Pop a run SPEC's ``noise=``/``batch_size=`` keys from ``raw``, typed and checked."""
    from gdsim.experiment import RUN_OVERRIDES

    return {p.name: p.check(raw.pop(p.name), f"--optimizer {spec}")
            for p in RUN_OVERRIDES if p.name in raw}


def _spec_with_typed_values(spec: str, what: str):
    """``(name, label, typed values, run overrides)`` of an optimizer/schedule SPEC, validated.

    ``label``, ``noise`` and ``batch_size`` in an optimizer SPEC belong to the run, not to
    the optimizer (no optimizer has hyperparameters of those names).
    """
    name, raw = parse_spec(spec)
    label = raw.pop("label", None) if what == "optimizer" else None
    if label is not None and not label:
        raise GdsimError(f"--{what} {spec}: label must not be empty")
    overrides = _run_overrides(raw, spec) if what == "optimizer" else {}
    check_spec_booleans(name, raw, spec, what)
    if what == "optimizer":
        from gdsim.optimizers import make_optimizer

        built = make_optimizer(name, **raw).hparams
    else:
        from gdsim.schedules import make_schedule

        built = make_schedule(name, **raw).params
    return name, label, {k: built[k] for k in raw}, overrides


def experiment_from_args(args: argparse.Namespace) -> Experiment:
    """The :class:`Experiment` described by ``gdsim run`` options (not yet validated)."""
    from gdsim.experiment import Experiment, RunSpec

    if args.experiment is not None:
        given = [o for o in RUN_OPTIONS if getattr(args, o) is not None]
        if given:
            opt = "--" + given[0].replace("_", "-")
            raise GdsimError(f"--experiment cannot be combined with {opt}")
        from gdsim.io import load_experiment

        return load_experiment(args.experiment)
    if args.surface is None:
        raise GdsimError("run needs --surface NAME (or --experiment FILE.json)")
    if not args.optimizer:
        raise GdsimError("run needs at least one --optimizer SPEC (or --experiment FILE.json)")
    surface_params: dict[str, Any] = {}
    for item in args.param or []:
        key, eq, val = item.partition("=")
        if not eq or not key.strip():
            raise GdsimError(f"--param {item!r}: expected KEY=VALUE")
        if key.strip() in surface_params:
            raise GdsimError(f"--param {key.strip()!r} given twice")
        surface_params[key.strip()] = val.strip()
    is_expr = args.surface.startswith("expr:")
    if args.domain is not None and not is_expr:
        raise GdsimError("--domain applies to typed surfaces only (--surface expr:FORMULA)")
    if args.domain is not None:
        from gdsim.experiment import check_view

        check_view(args.domain, "--domain")
    if is_expr and surface_params:
        raise GdsimError(f"--param {next(iter(surface_params))}: a typed surface "
                         "(expr:FORMULA) takes no parameters")
    schedule, schedule_params = "constant", {}
    if args.schedule is not None:
        schedule, _, schedule_params, _ = _spec_with_typed_values(args.schedule, "schedule")
    runs = []
    for spec in args.optimizer:
        name, label, hparams, overrides = _spec_with_typed_values(spec, "optimizer")
        runs.append(RunSpec(name, hparams, schedule, dict(schedule_params), label=label,
                            **overrides))
    exp = Experiment(
        surface=args.surface,
        surface_params=surface_params,
        view=tuple(args.domain) if args.domain is not None else None,
        start=tuple(args.start) if args.start is not None else None,
        runs=runs,
        steps=1000 if args.steps is None else args.steps,
        seed=0 if args.seed is None else args.seed,
        noise=0.0 if args.noise is None else args.noise,
        batch_size=args.batch_size,
        tol=1e-8 if args.tol is None else args.tol,
    )
    if not is_expr and surface_params:
        # values arrive as text: store them typed (as an experiment file would hold them)
        from gdsim.surfaces import SURFACES

        info = SURFACES.get(args.surface)
        if info is not None:
            from gdsim.params import resolve

            typed = resolve(info.params, surface_params, f"surface {args.surface}")
            exp.surface_params = {k: typed[k] for k in surface_params}
    batched = [spec for spec, r in zip(args.optimizer, runs, strict=True) if r.batch_size]
    if batched:
        # A file may keep per-run batch sizes on an analytic surface (ignored there); typed
        # on the command line, one is a mistake worth reporting.
        from gdsim.experiment import build_surface

        surface = build_surface(exp)
        if not surface.n_samples:
            raise GdsimError(f"--optimizer {batched[0]}: batch_size applies to data surfaces "
                             f"only (linreg, logreg); surface {surface.name!r} has no data set")
    return exp


def _num(v: float) -> float | None:
    return v if math.isfinite(v) else None


def summary(sim: Simulation) -> list[dict[str, Any]]:
    """Per run: label, optimizer, status, reason, steps, final point, loss, gradient norm."""
    out = []
    for r in sim.runs:
        x, y, loss, gx, gy, _ = (float(v) for v in r.trajectory.data[-1])
        out.append({"label": r.label, "optimizer": r.spec.optimizer, "status": r.status,
                    "reason": r.reason, "steps": r.steps, "x": _num(x), "y": _num(y),
                    "loss": _num(loss), "grad_norm": _num(math.hypot(gx, gy))})
    return out


def summary_lines(rows: list[dict[str, Any]]) -> list[str]:
    """The one-line-per-run text summary."""
    if not rows:
        return ["(no enabled runs)"]
    wl = max(len(r["label"]) for r in rows)
    ws = max(len(str(r["steps"])) for r in rows)

    def g(v):
        return "nan" if v is None else f"{v:.10g}"

    lines = []
    for r in rows:
        line = (f"{r['label']:<{wl}}  {r['status']:<9}  steps={r['steps']:<{ws}}  "
                f"x={g(r['x'])}  y={g(r['y'])}  loss={g(r['loss'])}")
        if r["status"] == "diverged":
            line += f"  ({r['reason']})"
        lines.append(line)
    return lines


def cmd_run(args: argparse.Namespace) -> int:
    """``gdsim run``: validate, refuse an unwritable CSV path, run, then report."""
    from gdsim.io import check_writable, csv_text, write_csv
    from gdsim.simulation import Simulation

    exp = experiment_from_args(args)
    sim = Simulation(exp)  # validates everything
    if args.csv not in (None, "-"):
        check_writable(args.csv)
    sim.run()
    rows = summary(sim)
    if args.csv == "-":
        sys.stdout.write(csv_text(sim))
        sys.stdout.flush()
    elif args.csv is not None:
        write_csv(sim, args.csv)
    report = sys.stderr if csv_to_stdout(args.csv) else sys.stdout
    if args.json:
        doc = {"surface": sim.surface.name, "steps": sim.t, "runs": rows}
        report.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    else:
        report.write("\n".join(summary_lines(rows)) + "\n")
    return 0


# ---------------------------------------------------------------- dispatch


def _front_end(module: str, name: str):
    """The desktop app's entry ``module.name``, loaded only when a command asks for it.

    The engine never depends on the app (``import gdsim`` pulls in no Qt); ``gdsim gui`` and
    ``gdsim snapshot`` merely hand over to it, so it is named here, not imported at the top.
    """
    try:
        return getattr(importlib.import_module(module), name)
    except ImportError as e:
        raise _Unavailable("the desktop app", e) from None


def _dispatch(argv: list[str]) -> int:
    if not argv:
        argv = ["gui"]
    args = build_parser(argv).parse_args(argv)
    cmd = args.command
    if cmd == "gui":
        return int(_front_end("ui.app", "run_app")(args.experiment) or 0)
    if cmd == "snapshot":
        return int(_front_end("ui.snapshot", "snapshot_main")(args) or 0)
    if cmd == "animate":
        return int(_front_end("ui.animate", "animate_main")(args) or 0)
    if cmd == "train":
        from gdsim.nn.cli import run_train

        return int(run_train(args) or 0)
    if cmd == "list":
        sys.stdout.write("\n".join(list_lines(args.kind)) + "\n")
        return 0
    if cmd == "run":
        return cmd_run(args)
    if cmd == "sweep":
        from gdsim.sweep_cli import run_sweep

        return run_sweep(args)
    raise GdsimError(f"unknown command {cmd!r}")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for bad input)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        return _dispatch(argv)
    except SystemExit as e:  # argparse: --help (0) or a usage error (2)
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    except _Unavailable as e:
        sys.stderr.write(f"gdsim: {e}\n")
        return 2
    except GdsimError as e:
        sys.stderr.write(f"gdsim: error: {e}\n")
        return 2
    except MemoryError:
        sys.stderr.write("gdsim: error: not enough memory (try fewer steps, runs or samples)\n")
        return 2
    except BrokenPipeError:
        return 1
    except OSError as e:
        sys.stderr.write(f"gdsim: error: {e.strerror or e}"
                         f"{': ' + str(e.filename) if e.filename else ''}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("gdsim: interrupted\n")
        return 130
