"""Train one network with several optimizers side by side (one row of a (N, D) array per run).

All runs start from the same weights and see the same batches and dropout masks, so they
differ only by optimizer and schedule. A step: the cached gradient (taken at the current
weights on the next batch) is applied by each group of stackable optimizers, then the new
weights are evaluated (whole training set, test set) and the next gradient is taken. Row k of
a run's record is the state after k updates; its ``lr`` and ``grad_norm`` are those of the
update from k to k+1 (as the surface CSV's ``lr``). A ``plateau`` run's rate reacts to its
recorded ``train_loss``: after the update from step k, its tracker is fed the train_loss of
row k (torch's loop: loss, backward, optimizer.step(), scheduler.step(loss)).

A run stops as ``diverged`` (non-finite loss, gradient or weights, or |w| > 1e8: its record
ends at the last finite row and its weights stay there), ``early_stopped`` (the loss on a
validation split carved from the training rows, VALIDATION_FRACTION of them, not improved for
``patience`` epochs: the best epoch's weights restored) or ``max_epochs``. Nothing raises.
Every report of a run's result reads ``result_row``: the recorded row of the weights the run
ends with (the restored step's after an early stop; the record itself is left as trained).

``train_loss`` is the data loss over the training rows in evaluation mode, as torch's
``MSELoss``/``BCEWithLogitsLoss``/``CrossEntropyLoss`` (mean), without the penalty; the
optimizers descend data loss + l1·Σ|W| + (l2/2)·ΣW² (weight matrices only).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gdsim.errors import GdsimError
from gdsim.experiment import RunSpec, run_labels
from gdsim.nn.datasets import (
    VALIDATION_FRACTION,
    Dataset,
    carve_validation,
    load_csv,
    make_dataset,
    with_points,
)
from gdsim.nn.features import feature_matrix, parse_features
from gdsim.nn.losses import get_loss
from gdsim.nn.network import INITS, Architecture, Network
from gdsim.optimizers import make_optimizer, stack_optimizers
from gdsim.params import parse_spec, unknown_name
from gdsim.schedules import PlateauTracker, make_schedule

STATUSES = ("running", "diverged", "early_stopped", "max_epochs")
WEIGHT_LIMIT = 1e8
MAX_EPOCHS = 1_000_000
HISTORY_BUDGET = 4_000_000  # float64s kept for weight snapshots (timeline), thinned beyond
COLUMNS = ("train_loss", "test_loss", "train_acc", "test_acc", "lr", "grad_norm")
TRAIN_LOSS, TEST_LOSS, TRAIN_ACC, TEST_ACC, LR, GRAD_NORM = range(6)
_WATCHED = [TRAIN_LOSS, TEST_LOSS, GRAD_NORM]  # a non-finite value here: the run diverged


@dataclass
class NNExperiment:
    """Everything a network experiment holds (data, architecture, runs, training)."""

    dataset: str = "xor"  # registry name or spec, e.g. "spiral:classes=3"
    data_file: str | None = None  # a user's CSV instead of ``dataset``
    test_file: str | None = None  # a CSV of test rows (then every data_file row trains)
    features: tuple[str, ...] | None = None  # input features of 2-D data (None: raw columns)
    samples: int = 200
    noise: float | None = None  # None: the data set's default
    test_fraction: float = 0.2
    hidden: tuple[int, ...] = (8,)
    activation: str = "tanh"
    loss: str = "bce"
    init: str = "xavier"  # or "normal:std=0.5"
    l1: float = 0.0
    l2: float = 0.0
    dropout: float = 0.0
    batch_norm: bool = False
    runs: list[RunSpec] = field(default_factory=lambda: [RunSpec("adam", {"lr": 0.01})])
    epochs: int = 200
    batch_size: int | None = None  # None or 0: full batch
    early_stopping: int | None = None  # patience in epochs; None or 0: off
    seed: int = 0
    data_seed: int | None = None  # the generated data's seed (None: ``seed``); Regenerate
    # the explicit rows (``points_dict``'s lists) of edited data (clicks on the map), else None
    data: dict | None = None


def build_dataset(exp: NNExperiment) -> Dataset:
    """The experiment's data set (generated with ``exp.data_seed`` or else ``exp.seed``, or
    read from ``data_file``), holding the explicit rows of ``exp.data`` when set."""
    seed = _check_int(exp.seed if exp.data_seed is None else exp.data_seed,
                      "data seed", 0, 2**63 - 1)
    if exp.test_file and not exp.data_file:
        raise GdsimError("test data needs training data from a CSV file too "
                         f"(test file {exp.test_file!r}, data set {exp.dataset!r})")
    if exp.data_file:
        d = load_csv(exp.data_file, exp.test_fraction, seed, test_path=exp.test_file or None)
    else:
        d = make_dataset(exp.dataset, exp.samples, exp.noise, exp.test_fraction, seed)
    return d if exp.data is None else with_points(d, exp.data)


def build_architecture(exp: NNExperiment, data: Dataset) -> Architecture:
    """The architecture for ``exp`` on ``data``; checks the loss fits the task."""
    get_loss(exp.loss)  # a known loss name
    if exp.loss in ("bce", "ce") and data.task != "classification":
        raise GdsimError(f"loss {exp.loss} needs a classification data set; "
                         f"{data.name!r} is regression (use mse)")
    if exp.loss == "bce" and data.n_classes != 2:
        raise GdsimError(f"loss bce needs 2 classes; {data.name!r} has {data.n_classes} (use ce)")
    n_out = data.n_classes if exp.loss == "ce" else 1
    n_in = data.n_features
    if exp.features is not None:
        if data.n_features != 2:
            raise GdsimError(f"input features need a data set with 2 input columns (x₁, x₂); "
                             f"{data.name!r} has {data.n_features}")
        n_in = len(parse_features(exp.features))
    init, raw = parse_spec(exp.init)
    if init not in INITS:
        raise unknown_name("initialization", init, INITS)
    std = 1.0
    for k, v in raw.items():
        if k != "std" or init != "normal":
            raise GdsimError(f"init {init}: unknown parameter {k!r}; known: "
                             f"{'std' if init == 'normal' else '(none)'}")
        try:
            std = float(v)
        except ValueError:
            raise GdsimError(f"init normal: std must be a number, got {v!r}") from None
    for name in ("l1", "l2", "dropout"):
        v = getattr(exp, name)
        if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
            raise GdsimError(f"{name} must be a number, got {v!r}")
    hidden = tuple(exp.hidden)
    for h in hidden:
        if isinstance(h, bool) or not isinstance(h, int | np.integer):
            raise GdsimError(f"hidden widths must be integers, got {h!r}")
    return Architecture(
        n_in, hidden, n_out, exp.activation, exp.loss, init, std,
        float(exp.l1), float(exp.l2), float(exp.dropout), bool(exp.batch_norm),
    )


def _check_int(value, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise GdsimError(f"{name} must be an integer, got {value!r}")
    if not low <= value <= high:
        raise GdsimError(f"{name}={value} is out of range: need {low} ≤ {name} ≤ {high}")
    return int(value)


class NNRun:
    """One run's live state: label, spec, status, reason, steps and best (early stopping)."""

    def __init__(self, label: str, spec: RunSpec, index: int, optimizer, schedule):
        self.label = label
        self.spec = spec
        self.index = index  # row in the trainer's arrays
        self.optimizer = optimizer
        self.schedule = schedule
        self.lr0 = float(optimizer.hparams["lr"])
        self.status = "running"
        self.reason = ""
        self.steps = 0
        self.best_step = 0

    @property
    def final_step(self) -> int:
        """The step whose weights the run holds: the restored one after an early stop."""
        return self.best_step if self.status == "early_stopped" else self.steps

    @property
    def optimizer_name(self) -> str:
        """The run's optimizer registry name."""
        return self.spec.optimizer

    def __repr__(self) -> str:
        return f"NNRun({self.label!r}, {self.status}, steps={self.steps})"


class Trainer:
    """Several optimizers training one network on one data set, stepped together.

    ``params`` (N, D) and ``bn`` (N, S) hold the current weights and batch-norm running
    statistics; ``record(i)`` the per-step metrics of run i (rows = steps + 1).
    """

    def __init__(
        self,
        exp: NNExperiment,
        dataset: Dataset | None = None,
        init_weights: tuple[np.ndarray, np.ndarray] | None = None,
    ):
        self.exp = exp
        data = build_dataset(exp) if dataset is None else dataset
        pat = exp.early_stopping or 0
        self.patience = _check_int(pat, "early stopping patience", 0, MAX_EPOCHS) if pat else 0
        if self.patience and data.x_val is None:  # early stopping watches held-out train rows
            data = carve_validation(data, VALIDATION_FRACTION, _check_int(
                exp.seed, "seed", 0, 2**63 - 1))
        self.data = data
        self.arch = build_architecture(exp, self.data)
        self.features = None if exp.features is None else parse_features(exp.features)
        # the network's input matrices (the data's columns, or the chosen features of them)
        self.x_train = np.ascontiguousarray(self.inputs(data.x_train))
        self.x_test = np.ascontiguousarray(self.inputs(data.x_test))
        self.x_val = None if data.x_val is None else np.ascontiguousarray(self.inputs(data.x_val))
        self.net = Network(self.arch)
        n_train = len(self.data.x_train)
        self.epochs = _check_int(exp.epochs, "epochs", 0, MAX_EPOCHS)
        bs = exp.batch_size or 0
        self.batch_size = _check_int(bs, "batch size", 0, 10**9) if bs else 0
        if self.batch_size >= n_train:
            self.batch_size = 0
        if self.arch.batch_norm and self.batch_size == 1:
            raise GdsimError("batch norm needs a batch size ≥ 2 (got 1)")
        self.seed = _check_int(exp.seed, "seed", 0, 2**63 - 1)
        self.steps_per_epoch = 1 if not self.batch_size else -(-n_train // self.batch_size)
        self.max_steps = self.epochs * self.steps_per_epoch
        if self.max_steps > 10**8:
            raise GdsimError(f"epochs × steps per epoch = {self.max_steps} is too many (≤ 1e8)")
        specs = [r for r in exp.runs]
        for i, s in enumerate(specs):
            if not isinstance(s, RunSpec):
                raise GdsimError(f"runs[{i}] must be a RunSpec, got {s!r}")
        labels = run_labels(specs)
        self.runs: list[NNRun] = []
        for spec, label in zip(specs, labels, strict=True):
            if not spec.enabled:
                continue
            try:
                opt = make_optimizer(spec.optimizer, **dict(spec.hparams))
                sched = make_schedule(spec.schedule, **dict(spec.schedule_params))
            except GdsimError as e:
                raise GdsimError(f"run {label!r}: {e}") from None
            self.runs.append(NNRun(label, spec, len(self.runs), opt, sched))
        if not self.runs:
            raise GdsimError("no runs: add at least one (enabled) optimizer")
        self.t_train = self.net.targets(self.data.y_train)
        self.t_test = self.net.targets(self.data.y_test)
        self.t_val = (self.net.targets(self.data.y_val) if self.data.y_val is not None
                      and self.patience else None)
        self.classification = self.data.task == "classification"
        # integer labels once, not per step (accuracy is for classification only)
        self._y_train = self.data.y_train.astype(np.int64) if self.classification else None
        self._y_test = self.data.y_test.astype(np.int64) if self.classification else None
        # bce with 0/1 labels: a hit is (logit > 0) == (label == 1), compared as booleans
        self._bool_hits = self.arch.loss == "bce" and all(
            np.isin(y, (0, 1)).all() for y in (self._y_train, self._y_test))
        if self._bool_hits:
            self._y_train, self._y_test = self._y_train == 1, self._y_test == 1
        if init_weights is not None:
            p, b = init_weights
            p = np.asarray(p, dtype=np.float64).reshape(-1)
            b = np.asarray(b, dtype=np.float64).reshape(-1)
            if p.shape != (self.net.size,) or b.shape != (self.net.bn_size,):
                raise GdsimError(f"initial weights have {p.size}+{b.size} values; the "
                                 f"{'-'.join(map(str, self.arch.widths))} network needs "
                                 f"{self.net.size}+{self.net.bn_size}")
            self._init = (p.copy(), b.copy())
        else:
            self._init = None
        self.reset()

    # --- setup ----------------------------------------------------------------------------
    def inputs(self, x: np.ndarray) -> np.ndarray:
        """The network's input matrix for data inputs ``x`` (B, n_features): ``x`` itself, or
        its chosen features (``gdsim.nn.features``)."""
        return feature_matrix(np.asarray(x, np.float64), self.features)

    @property
    def n_runs(self) -> int:
        """Number of runs trained side by side."""
        return len(self.runs)

    @property
    def n_layers(self) -> int:
        """Number of weight layers (hidden layers + output)."""
        return len(self.net.layers)

    @property
    def labels(self) -> list[str]:
        """The runs' unique labels, in run order."""
        return [r.label for r in self.runs]

    def initial_weights(self) -> tuple[np.ndarray, np.ndarray]:
        """The start weights (D,) and batch-norm statistics (S,) every run begins from."""
        if self._init is not None:
            return self._init[0].copy(), self._init[1].copy()
        rng = np.random.default_rng([self.seed, 1])
        return self.net.init_params(rng, 1)[0], self.net.init_bn(1)[0]

    def reset(self) -> None:
        """Back to step 0: initial weights, fresh optimizer state, step-0 metrics recorded."""
        n = self.n_runs
        reactive = [r for r in self.runs if r.schedule.reactive]
        self._plateau_rows = [r.index for r in reactive]
        self._plateau = (PlateauTracker([r.schedule for r in reactive], [r.lr0 for r in reactive])
                         if reactive else None)
        p0, b0 = self.initial_weights()
        self.params = np.repeat(p0[None, :], n, axis=0)
        self.bn = np.repeat(b0[None, :], n, axis=0)
        self.grads = np.zeros_like(self.params)
        self._bn_next = self.bn.copy()
        self.t = 0
        self.active = np.ones(n, dtype=bool)
        self._rng = np.random.default_rng([self.seed, 2])
        self._perm = np.arange(0)
        self._pos = 0
        self.batch_indices: np.ndarray | None = None  # samples of the next update's batch
        ncol = len(COLUMNS) + self.n_layers
        self._rec = np.full((64, n, ncol), np.nan)
        self._n = np.zeros(n, dtype=np.int64)
        self._hist = np.empty((64, n, self.net.size + self.net.bn_size))
        self._hist_steps: list[int] = []
        self._stride = 1
        self._groups = []
        keys: dict[tuple, list[int]] = {}
        for r in self.runs:
            r.status, r.reason, r.steps, r.best_step = "running", "", 0, 0
            keys.setdefault(r.optimizer.stack_key, []).append(r.index)
        for idx in keys.values():
            opt = stack_optimizers([self.runs[i].optimizer for i in idx])
            contiguous = idx == list(range(idx[0], idx[-1] + 1))
            sel = slice(idx[0], idx[-1] + 1) if contiguous else np.array(idx)
            self._groups.append((sel, opt, opt.init(self.params[sel])))
        self._frozen_p = self.params.copy()
        self._frozen_b = self.bn.copy()
        self._best_loss = np.full(n, np.inf)
        self._best_p = self.params.copy()
        self._best_b = self.bn.copy()
        self._wait = np.zeros(n, dtype=np.int64)
        self._prev_p = self.params.copy()  # the last recorded state (divergence rollback)
        self._prev_b = self.bn.copy()
        with np.errstate(all="ignore"):
            self._evaluate_and_record()
        for r in self.runs:
            if self.max_steps == 0 and r.status == "running":
                r.status, r.reason = "max_epochs", f"{self.epochs} epochs done"
                self.active[r.index] = False

    # --- stepping -------------------------------------------------------------------------
    @property
    def done(self) -> bool:
        """True when no run is still running."""
        return not self.active.any()

    @property
    def epoch(self) -> int:
        """Completed epochs at the current step."""
        return self.t // self.steps_per_epoch

    def step(self, n: int = 1) -> int:
        """Advance the running runs by up to ``n`` steps; returns the steps taken."""
        taken = 0
        with np.errstate(all="ignore"):
            while taken < n and self.active.any() and self.t < self.max_steps:
                self._step_once()
                taken += 1
        return taken

    def run(self) -> None:
        """Train until every run has stopped."""
        self.step(self.max_steps - self.t)

    def _lr_column(self, t: int) -> np.ndarray:
        col = np.array([[r.lr0 if r.schedule.reactive else r.schedule(r.lr0, t)]
                        for r in self.runs])
        if self._plateau is not None:
            col[self._plateau_rows, 0] = self._plateau.lr
        return col

    def _step_once(self) -> None:
        lr = self._lr_now  # the schedule at step t, computed when row t was recorded
        for sel, opt, state in self._groups:
            if isinstance(sel, slice):
                opt.step_(self.grads[sel], state, self.params[sel], lr[sel])
            else:
                p = self.params[sel]
                opt.step_(self.grads[sel], state, p, lr[sel])
                self.params[sel] = p
        self.bn[...] = self._bn_next
        self.t += 1
        self._evaluate_and_record()

    def _next_batch(self):
        if not self.batch_size:
            self.batch_indices = None
            return self.x_train, self.t_train
        n = len(self.x_train)
        if self._pos >= len(self._perm):
            self._perm = self._rng.permutation(n)
            self._pos = 0
        idx = self._perm[self._pos : self._pos + self.batch_size]
        self._pos += self.batch_size
        self.batch_indices = idx
        return self.x_train[idx], self.t_train[idx]

    def _masks(self, b: int):
        p = self.arch.dropout
        if p == 0:
            return None
        keep = 1.0 / (1.0 - p)
        return [
            (self._rng.random((b, s.fan_out)) >= p) * keep for s in self.net.layers[:-1]
        ]

    def _evaluate_and_record(self) -> None:
        """Metrics at the current weights and the gradient for the next update; record a row."""
        if not self.active.all():  # stopped runs keep their weights and statistics
            inactive = ~self.active
            self.params[inactive] = self._frozen_p[inactive]
            self.bn[inactive] = self._frozen_b[inactive]
        net = self.net
        reuse = not self.batch_size and not self.arch.dropout and not self.arch.batch_norm
        row = np.full((self.n_runs, self._rec.shape[2]), np.nan)
        if not reuse:
            for xs, ts, ys, lc, ac in (
                (self.x_train, self.t_train, self._y_train, TRAIN_LOSS, TRAIN_ACC),
                (self.x_test, self.t_test, self._y_test, TEST_LOSS, TEST_ACC),
            ):
                ev = net.evaluate(self.params, xs, ts, self.bn)
                row[:, lc] = ev.loss
                if self.classification:
                    row[:, ac] = self._accuracy(ev.logits, ys)
        x, t = self._next_batch()
        if self.arch.batch_norm:  # this batch's statistics belong to the next step's state
            self._bn_next[...] = self.bn
        if not reuse:
            net.loss_and_grad(
                self.params, x, t, masks=self._masks(len(x)), bn=self._bn_next,
                update_running=True, out=self.grads,
            )
        else:  # the training pass gives the train metrics; the test pass rides along
            ps, ev = net.train_and_evaluate(self.params, x, t, self.x_test, self.t_test,
                                            out=self.grads)
            row[:, TRAIN_LOSS] = ps.loss
            if self.classification:
                row[:, TRAIN_ACC] = self._accuracy(ps.logits, self._y_train)
            row[:, TEST_LOSS] = ev.loss
            if self.classification:
                row[:, TEST_ACC] = self._accuracy(ev.logits, self._y_test)
        self._lr_now = self._lr_column(self.t)
        row[:, LR] = self._lr_now[:, 0]
        if self._plateau is not None:  # scheduler.step(loss at the point of this row)
            self._plateau.step(row[self._plateau_rows, TRAIN_LOSS])
        sq = self.grads * self.grads
        for j, s in enumerate(net.layers):
            row[:, len(COLUMNS) + j] = np.sqrt(sq[:, s.start : s.stop].sum(axis=1))
        row[:, GRAD_NORM] = np.sqrt(sq.sum(axis=1))
        self._check_divergence(row)
        self._write(row)
        self._snapshot()
        if self.patience:
            self._early_stopping(row)
        if self.t >= self.max_steps:
            for r in self.runs:
                if self.active[r.index]:
                    self._stop(r, "max_epochs", f"{self.epochs} epochs done")

    def _accuracy(self, logits: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Fraction of correct labels per run; ``y`` the labels (B,) as ``_y_train`` holds
        them (booleans for bce). Hits counted over B equal the mean of the 0/1 hits exactly."""
        if self._bool_hits:
            pred = logits[..., 0] > 0
        else:
            pred = self.net.labels(logits, self.data.n_classes)
        # a boolean sum counts like count_nonzero, minus its ≈ 12 µs of dtype checks a call
        return (pred == y).sum(axis=1) / y.shape[0]

    def _check_divergence(self, row: np.ndarray) -> None:
        act = self.active
        # one pass: max |w| is NaN/inf exactly when some weight is (max propagates NaN)
        peak = np.abs(self.params).max(axis=1)
        if (peak <= WEIGHT_LIMIT).all() and np.isfinite(row[:, _WATCHED]).all():
            return  # the usual step: nothing diverged (NaN fails both tests)
        bad_loss = ~np.isfinite(row[:, TRAIN_LOSS]) | ~np.isfinite(row[:, TEST_LOSS])
        bad_grad = ~np.isfinite(row[:, GRAD_NORM])
        finite_p = np.isfinite(peak)
        big = finite_p & (peak > WEIGHT_LIMIT)
        bad = act & (bad_loss | bad_grad | ~finite_p | big)
        for i in np.flatnonzero(bad):
            r = self.runs[i]
            if not finite_p[i]:
                why = "weights became non-finite"
            elif big[i]:
                why = f"a weight exceeded {WEIGHT_LIMIT:g} in magnitude"
            elif bad_loss[i]:
                bad_val = row[i, TRAIN_LOSS]
                bad_val = bad_val if not np.isfinite(bad_val) else row[i, TEST_LOSS]
                why = f"loss became {bad_val}"
            else:
                why = "gradient became non-finite"
            r.status, r.reason = "diverged", f"{why} at step {self.t}"
            self.active[i] = False
            if self.t > 0:  # back to the weights of the last finite step
                self.params[i], self.bn[i] = self._prev_p[i], self._prev_b[i]
                self._frozen_p[i], self._frozen_b[i] = self._prev_p[i], self._prev_b[i]
            else:  # nothing finite to go back to: keep the start row
                self._frozen_p[i], self._frozen_b[i] = self.params[i], self.bn[i]
                self._write_one(i, row[i])

    def _write_one(self, i: int, row: np.ndarray) -> None:
        self._grow_rec(self.t + 1)
        self._rec[self.t, i] = row
        self._n[i] = self.t + 1

    def _grow_rec(self, rows: int) -> None:
        if rows > len(self._rec):
            new = np.full((max(rows, 2 * len(self._rec)),) + self._rec.shape[1:], np.nan)
            new[: len(self._rec)] = self._rec
            self._rec = new

    def _write(self, row: np.ndarray) -> None:
        self._grow_rec(self.t + 1)
        act = self.active
        if act.all():
            self._rec[self.t] = row
            self._n[:] = self.t + 1
            for r in self.runs:
                r.steps = self.t
        else:
            self._rec[self.t, act] = row[act]
            self._n[act] = self.t + 1
            for r in self.runs:
                if act[r.index]:
                    r.steps = self.t
        np.copyto(self._prev_p, self.params)
        np.copyto(self._prev_b, self.bn)

    def _snapshot(self) -> None:
        if self.t % self._stride:
            return
        k = len(self._hist_steps)
        if k == len(self._hist):
            if self._hist.size * 2 > HISTORY_BUDGET and k >= 4:
                keep = list(range(0, k, 2))
                self._hist[: len(keep)] = self._hist[keep]
                self._hist_steps = [self._hist_steps[j] for j in keep]
                self._stride *= 2
                k = len(keep)
                if self.t % self._stride:
                    return
            else:
                new = np.empty((2 * k,) + self._hist.shape[1:])
                new[:k] = self._hist[:k]
                self._hist = new
        self._hist[k, :, : self.net.size] = self.params
        self._hist[k, :, self.net.size :] = self.bn
        self._hist_steps.append(self.t)

    def _early_stopping(self, row: np.ndarray) -> None:
        if self.t % self.steps_per_epoch:
            return
        val = self.net.evaluate(self.params, self.x_val, self.t_val, self.bn).loss
        for r in self.runs:
            i = r.index
            if not self.active[i]:
                continue
            loss = val[i]
            if loss < self._best_loss[i]:
                self._best_loss[i] = loss
                self._best_p[i], self._best_b[i] = self.params[i], self.bn[i]
                r.best_step = self.t
                self._wait[i] = 0
            else:
                self._wait[i] += 1
                if self._wait[i] >= self.patience:
                    self.params[i], self.bn[i] = self._best_p[i], self._best_b[i]
                    if self._hist_steps and self._hist_steps[-1] == self.t:  # the state now
                        k = len(self._hist_steps) - 1
                        self._hist[k, i, : self.net.size] = self.params[i]
                        self._hist[k, i, self.net.size :] = self.bn[i]
                    self._stop(r, "early_stopped",
                               f"validation loss did not improve for {self.patience} epochs; "
                               f"restored the weights of step {r.best_step}")

    def _stop(self, r: NNRun, status: str, reason: str) -> None:
        r.status, r.reason = status, reason
        self.active[r.index] = False
        self._frozen_p[r.index] = self.params[r.index]
        self._frozen_b[r.index] = self.bn[r.index]

    # --- what the CLI and the UI read -------------------------------------------------------
    def record(self, i: int) -> np.ndarray:
        """Run i's recorded rows (steps + 1, 6 + layers): COLUMNS then per-layer grad norms."""
        return self._rec[: self._n[i], i]

    def result_row(self, i: int) -> np.ndarray:
        """The recorded row of the weights run i ends with (``runs[i].final_step``)."""
        return self.record(i)[self.runs[i].final_step]

    def row_at(self, i: int, step: int) -> np.ndarray:
        """The row describing run i's weights at ``step``: from its last recorded step on,
        its result row (an early stop's restored step), else the row of ``step``."""
        rec = self.record(i)
        return self.result_row(i) if step >= len(rec) - 1 else rec[max(step, 0)]

    def column(self, i: int, name: str) -> np.ndarray:
        """One recorded column of run i, e.g. ``column(0, "test_loss")``."""
        return self.record(i)[:, COLUMNS.index(name)]

    def layer_grad_norms(self, i: int) -> np.ndarray:
        """Run i's gradient norm per layer per step (steps + 1, layers)."""
        return self.record(i)[:, len(COLUMNS) :]

    def epoch_of(self, step: np.ndarray | int) -> np.ndarray:
        """Completed epochs at ``step``."""
        return np.asarray(step) // self.steps_per_epoch

    def state_at(self, step: int) -> tuple[int, np.ndarray, np.ndarray]:
        """(snapshot step ≤ ``step``, weights (N, D), bn stats (N, S)) from the kept history.

        Snapshots are kept every ``stride`` steps (1 until the history budget is reached);
        the current step is always available.
        """
        if step >= self.t:
            return self.t, self.params, self.bn
        k = int(np.searchsorted(self._hist_steps, step, side="right")) - 1
        k = max(k, 0)
        h = self._hist[k]
        return self._hist_steps[k], h[:, : self.net.size], h[:, self.net.size :]

    def weights(self, i: int, step: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Run i's weights (D,) and batch-norm statistics (S,) at ``step`` (None: now); from
        a stopped run's last recorded step on, the weights it ends with."""
        step = self.t if step is None else step
        if not self.active[i] and step >= self._n[i] - 1:
            return self._frozen_p[i].copy(), self._frozen_b[i].copy()
        _, p, b = self.state_at(step)
        return p[i].copy(), b[i].copy()

    def predict(self, i: int, x: np.ndarray, step: int | None = None) -> np.ndarray:
        """Run i's predictions (B, n_out) for data inputs ``x`` (B, n_features), through the
        chosen input features (evaluation mode)."""
        p, b = self.weights(i, step)
        with np.errstate(all="ignore"):
            return self.net.outputs(p[None, :], self.inputs(x), b[None, :])[0]

    def confusion(self, i: int, step: int | None = None, split: str = "test") -> np.ndarray:
        """Run i's confusion matrix (K, K) at ``step`` on the ``split`` rows ("test",
        "train"): entry [t, p] counts rows of true class t predicted as class p."""
        if not self.classification:
            raise GdsimError("a confusion matrix needs a classification data set")
        x, y = ((self.x_test, self._y_test) if split == "test"
                else (self.x_train, self._y_train))
        p, b = self.weights(i, step)
        with np.errstate(all="ignore"):
            z = self.net.forward(p[None, :], x, bn=b[None, :])
        k = max(self.data.n_classes, 2)
        pred = self.net.labels(z, k)[0]
        true = np.asarray(y, dtype=np.int64)
        out = np.zeros((k, k), dtype=np.int64)
        ok = (pred >= 0) & (pred < k)
        np.add.at(out, (true[ok], pred[ok]), 1)
        return out

    def predict_grid(
        self, i: int, nx: int = 200, ny: int = 200,
        domain: tuple[float, float, float, float] | None = None, step: int | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Decision map for 2-D inputs: (xs (nx,), ys (ny,), outputs (ny, nx, n_out))."""
        if self.data.n_features != 2:
            raise GdsimError("predict_grid needs a data set with 2 features")
        x0, x1, y0, y1 = domain if domain is not None else self.data.domain
        xs, ys = np.linspace(x0, x1, nx), np.linspace(y0, y1, ny)
        gx, gy = np.meshgrid(xs, ys)
        pts = np.stack([gx.ravel(), gy.ravel()], axis=1)
        out = self.predict(i, pts, step)
        return xs, ys, out.reshape(ny, nx, -1)

    def weight_slice(
        self, i: int, a: int, b: int, va: np.ndarray, vb: np.ndarray, step: int | None = None
    ) -> np.ndarray:
        """Objective (training data loss + penalty, evaluation mode) over a 2-D slice.

        Weights ``a`` and ``b`` (flat indices) take the values ``va`` × ``vb``; the others stay
        at run i's values at ``step``. Returns (len(vb), len(va)); vectorized over the grid,
        each layer evaluated once per distinct input (see ``Network.slice_objective``).
        """
        d = self.net.size
        for k in (a, b):
            if not 0 <= k < d:
                raise GdsimError(f"weight index {k} is out of range: need 0 ≤ index < {d}")
        p, bn = self.weights(i, step)
        with np.errstate(all="ignore"):
            return self.net.slice_objective(p, bn, self.x_train, self.t_train, a,
                                            np.asarray(va, np.float64),
                                            b, np.asarray(vb, np.float64))

    def weight_history(self, i: int, a: int, b: int) -> tuple[np.ndarray, np.ndarray]:
        """(steps (k,), values (k, 2)) of weights ``a`` and ``b`` of run i over the snapshots."""
        return self._history(i, [a, b])

    def _history(self, i: int, cols: list[int] | slice) -> tuple[np.ndarray, np.ndarray]:
        """(steps (k,), weights ``cols`` (k, c)) of run i over the kept snapshots, ending with
        the weights the run is in (or ends with)."""
        k = len(self._hist_steps)
        steps = np.array(self._hist_steps[:k], dtype=np.int64)
        vals = self._hist[:k, i][:, cols]
        last = int(self._n[i] - 1)
        keep = steps <= last
        steps, vals = steps[keep], vals[keep]
        if len(steps) == 0 or steps[-1] != last:  # the state the run is in (or ends with)
            now = self.params[i] if self.active[i] else self._frozen_p[i]
            steps = np.append(steps, last)
            vals = np.vstack([vals, now[cols][None, :]])
        return steps, vals

    def set_weight(self, i: int, k: int, value: float) -> None:
        """Set run i's flat weight ``k`` to ``value`` now: the run continues from there
        (the network diagram's edit). GdsimError for a bad index or value."""
        if not 0 <= i < self.n_runs:
            raise GdsimError(f"run index {i} is out of range")
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 0 <= k < self.net.size:
            raise GdsimError(f"weight index {k!r} is out of range: need 0 ≤ index < "
                             f"{self.net.size}")
        if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(
                value):
            raise GdsimError(f"a weight must be a finite number, got {value!r}")
        self.params[i, k] = float(value)

    def weight_snapshots(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """(steps (k,), weights (k, D)) of run i over the kept snapshots, ending with the
        weights the run is in (or ends with): its trajectory in weight space (a new array)."""
        return self._history(i, slice(0, self.net.size))

    def objective(self, i: int) -> float:
        """Run i's current training objective (data loss + penalty, evaluation mode)."""
        with np.errstate(all="ignore"):
            ev = self.net.evaluate(self.params[i : i + 1], self.x_train, self.t_train,
                                   self.bn[i : i + 1])
        return float(ev.objective[0])
