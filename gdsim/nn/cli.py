"""``gdsim train`` and ``gdsim list datasets|activations|losses`` (SPEC §9).

``gdsim/cli.py`` calls :func:`configure_train_parser`, :func:`run_train` and
:func:`list_lines`; GdsimError raised here becomes exit status 2 there. Everything is
validated (data, network, optimizers, weights file, output folders) before any output file
is opened, and files are written atomically at the end.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

import numpy as np

from gdsim.cli_common import check_spec_booleans, csv_to_stdout
from gdsim.errors import GdsimError
from gdsim.experiment import RunSpec
from gdsim.nn.activations import ACTIVATIONS
from gdsim.nn.datasets import DATASETS
from gdsim.nn.features import FEATURES, parse_features
from gdsim.nn.io import check_writable, load_weights, save_weights, write_csv
from gdsim.nn.losses import LOSSES
from gdsim.nn.network import INITS
from gdsim.nn.training import LR, TEST_ACC, TEST_LOSS, TRAIN_ACC, TRAIN_LOSS, NNExperiment, Trainer
from gdsim.params import parse_spec

LIST_KINDS = ("datasets", "activations", "losses")


def list_lines(kind: str) -> list[str]:
    """Lines for ``gdsim list datasets|activations|losses``: name, then a short description."""
    if kind == "datasets":
        out = []
        for d in DATASETS.values():
            extra = "".join(f" [{p.name}={p.default}]" for p in d.params)
            out.append(f"{d.name:<10} {d.task:<15} {d.description} (noise {d.noise:g}){extra}")
        return out
    if kind == "activations":
        return [f"{a.name:<11} {a.formula}" for a in ACTIVATIONS.values()]
    if kind == "losses":
        return [f"{x.name:<4} {x.task:<15} {x.formula}" for x in LOSSES.values()]
    raise GdsimError(f"unknown list {kind!r}; known: {', '.join(LIST_KINDS)}")


def configure_train_parser(parser: argparse.ArgumentParser) -> None:
    """Add SPEC §9's ``train`` options to ``parser``."""
    src = parser.add_mutually_exclusive_group(required=True)
    src.add_argument("--dataset", metavar="NAME", help=f"one of {', '.join(DATASETS)} "
                     "(spiral/gaussians take NAME:classes=K)")
    src.add_argument("--data", metavar="FILE.csv",
                     help="a CSV: header, feature columns, target last (text labels or a few "
                     "distinct integers are classes, numbered in sorted order)")
    parser.add_argument("--test-data", metavar="TEST.csv",
                        help="test rows (same columns as --data); every --data row then trains")
    parser.add_argument("--samples", type=int, default=None,
                        help="data set size (default 200; --dataset only)")
    parser.add_argument("--noise", type=float, default=None,
                        help="input jitter (std); default per data set")
    parser.add_argument("--test-fraction", type=float, default=None,
                        help="share held out for testing (default 0.2; not with --test-data)")
    parser.add_argument("--features", metavar="F1,F2,...",
                        help="input features of 2-D data, fed to the network in this order "
                        f"whichever way listed: {','.join(FEATURES)} (default: x1,x2 as they are)")
    parser.add_argument("--hidden", required=True, metavar="W1,W2,...",
                        help="hidden layer widths, e.g. 16,16 ('none' or '' for no hidden layer)")
    parser.add_argument("--activation", required=True, metavar="NAME",
                        help=f"hidden activation: {', '.join(ACTIVATIONS)}")
    parser.add_argument("--loss", required=True, metavar="mse|bce|ce")
    parser.add_argument("--init", default="xavier", metavar="NAME",
                        help=f"{'|'.join(INITS)} (normal:std=S; default xavier)")
    parser.add_argument("--l1", type=float, default=0.0,
                        help="L1 penalty l1·Σ|W| on the weight matrices (not biases)")
    parser.add_argument("--l2", type=float, default=0.0,
                        help="model L2 penalty (l2/2)·ΣW² on the weight matrices only (not "
                        "biases or batch-norm γ/β); in PyTorch: add it to the loss. Not the "
                        "optimizer's weight_decay, which is torch's on every parameter")
    parser.add_argument("--dropout", type=float, default=0.0,
                        help="inverted dropout: drop probability 0 ≤ p < 1, kept units × 1/(1−p) "
                        "(torch.nn.Dropout); off when evaluating")
    parser.add_argument("--batch-norm", action="store_true",
                        help="batch norm in hidden layers, before the activation (torch "
                        "BatchNorm1d: momentum 0.1, eps 1e-5)")
    parser.add_argument("--optimizer", action="append", required=True, metavar="SPEC",
                        help="NAME[:KEY=VALUE,...]; repeat for several runs side by side. "
                        "weight_decay=λ is torch.optim's (λθ added to every parameter's "
                        "gradient, biases too; decoupled in adamw), separate from --l2")
    parser.add_argument("--schedule", default="constant", metavar="SPEC",
                        help="learning-rate schedule for every run (default constant)")
    parser.add_argument("--epochs", type=int, default=100, help="epochs (default 100)")
    parser.add_argument("--batch-size", type=int, default=0, metavar="B",
                        help="samples per step (default: full batch)")
    parser.add_argument("--early-stopping", type=int, default=0, metavar="PATIENCE",
                        help="hold out 20%% of the training rows as a validation split and "
                        "stop a run after PATIENCE epochs without a lower validation loss, "
                        "restoring its best weights (the reported scores are theirs)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--init-weights", metavar="F.npz", help="start from these weights")
    parser.add_argument("--save-weights", metavar="F.npz",
                        help="final weights (several runs: F-LABEL.npz per run)")
    parser.add_argument("--csv", metavar="PATH|-", help="training CSV ('-' for stdout)")


def parse_hidden(text: str) -> tuple[int, ...]:
    """``"16,16"`` → (16, 16); ``""`` or ``"none"`` → () (no hidden layer)."""
    s = text.strip()
    if s.lower() in ("", "none", "0"):
        return ()
    out = []
    for part in s.split(","):
        try:
            w = int(part.strip())
        except ValueError:
            raise GdsimError(f"hidden layers: {part.strip()!r} is not a width; "
                             "expected integers like 16,16") from None
        if w < 1:
            raise GdsimError(f"hidden layers: width {w} is out of range: need width ≥ 1")
        out.append(w)
    return tuple(out)


def experiment_from_args(args: argparse.Namespace) -> NNExperiment:
    """The experiment the ``train`` options describe (names and values checked later)."""
    if args.test_data is not None:
        if args.data is None:
            raise GdsimError("--test-data needs --data (a training CSV with the same columns)")
        if args.test_fraction is not None:
            raise GdsimError("--test-fraction does not apply with --test-data "
                             f"{args.test_data} (every --data row trains)")
    if args.data is not None:  # a user's file has its own size and noise
        for opt, value in (("--samples", args.samples), ("--noise", args.noise)):
            if value is not None:
                raise GdsimError(f"{opt} applies to --dataset only, not to --data "
                                 f"{args.data} (its rows are used as they are)")
    sched, sparams = parse_spec(args.schedule)
    runs = []
    for spec in args.optimizer:
        name, hp = parse_spec(spec)
        label = hp.pop("label", None)
        check_spec_booleans(name, hp, spec)
        runs.append(RunSpec(name, hp, sched, dict(sparams), label=label))
    return NNExperiment(
        dataset=args.dataset or "", data_file=args.data,
        samples=200 if args.samples is None else args.samples, noise=args.noise,
        test_file=args.test_data,
        features=None if args.features is None else _features(args.features),
        test_fraction=0.2 if args.test_fraction is None else args.test_fraction,
        hidden=_hidden(args.hidden),
        activation=args.activation, loss=args.loss, init=args.init, l1=args.l1, l2=args.l2,
        dropout=args.dropout, batch_norm=args.batch_norm, runs=runs, epochs=args.epochs,
        batch_size=args.batch_size or None, early_stopping=args.early_stopping or None,
        seed=args.seed,
    )


def _hidden(text: str) -> tuple[int, ...]:
    try:
        return parse_hidden(text)
    except GdsimError as e:
        raise GdsimError(f"--hidden: {e}") from None


def _features(text: str) -> tuple[str, ...]:
    try:
        return parse_features(text)
    except GdsimError as e:
        raise GdsimError(f"--features: {e}") from None


def weights_paths(path: str, labels: list[str]) -> list[Path]:
    """Where ``--save-weights`` writes: the path itself for one run, ``F-LABEL.npz`` for several."""
    p = Path(path)
    if len(labels) == 1:
        return [p]
    return [p.with_name(f"{p.stem}-{re.sub(r'[^A-Za-z0-9_.=-]+', '_', lab)}{p.suffix or '.npz'}")
            for lab in labels]


def _pct(x: float) -> str:
    return "-" if np.isnan(x) else f"{100 * x:.1f}%"


def summary_line(trainer: Trainer, i: int) -> str:
    """One run's summary: label, status, steps, epochs, and the losses and accuracies of the
    weights the run ends with (after an early stop, the restored step's)."""
    r = trainer.runs[i]
    row = trainer.result_row(i)
    steps = len(trainer.record(i)) - 1
    text = f"{r.label}: {r.status} after {steps} steps ({trainer.epoch_of(steps)} epochs), "
    if r.status == "early_stopped":
        text += f"weights of step {r.best_step} restored: "
    text += f"train loss {row[TRAIN_LOSS]:.6g}, test loss {row[TEST_LOSS]:.6g}"
    if trainer.classification:
        text += f", train acc {_pct(row[TRAIN_ACC])}, test acc {_pct(row[TEST_ACC])}"
    text += f", lr {row[LR]:.3g}"
    if r.status == "diverged":
        text += f" ({r.reason})"
    return text


def run_train(args: argparse.Namespace) -> int:
    """Run ``gdsim train``: validate all, train, then write CSV/weights and the summaries."""
    exp = experiment_from_args(args)
    trainer = Trainer(exp)
    n_train = len(trainer.data.x_train)
    if args.batch_size > n_train:
        raise GdsimError(f"--batch-size {args.batch_size} is out of range: need 1 ≤ batch size "
                         f"≤ {n_train} (the training set; 0 or omitted: full batch)")
    if args.init_weights:
        init = load_weights(args.init_weights, trainer.net)
        trainer = Trainer(exp, dataset=trainer.data, init_weights=init)
    to_stdout = args.csv == "-"
    if args.csv and not to_stdout:
        check_writable(args.csv)
    wpaths = weights_paths(args.save_weights, trainer.labels) if args.save_weights else []
    named = [("--csv", args.csv)] if args.csv and not to_stdout else []
    if wpaths:
        named += [(f"--save-weights (run {lab!r})", p)
                  for lab, p in zip(trainer.labels, wpaths, strict=True)]
    outputs: dict[str, str] = {}  # each file written once: no output overwrites another
    for what, p in named:
        key = os.path.realpath(p)
        if key in outputs:
            raise GdsimError(f"{outputs[key]} and {what} would both write {p}; "
                             "use distinct file names or run labels")
        outputs[key] = what
    for p in wpaths:
        check_writable(p)
    trainer.run()
    if args.csv:
        write_csv(trainer, sys.stdout if to_stdout else args.csv)
    for p, r in zip(wpaths, trainer.runs, strict=False):
        save_weights(p, trainer.net, *trainer.weights(r.index))
    out = sys.stderr if csv_to_stdout(args.csv) else sys.stdout
    for r in trainer.runs:
        print(summary_line(trainer, r.index), file=out)
    return 0
