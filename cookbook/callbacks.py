"""The Keras callbacks the runner hands a recipe through its ``callbacks`` parameter.

They are how the CLI's machinery reaches a training without a line of the recipe being about
it -- ``fit(..., callbacks=callbacks)`` is all a recipe says:

* :class:`Backup` saves the training state after every epoch and, with ``--resume``, restores
  it, so an interrupted run continues from its last finished epoch. It refuses to continue a
  run whose network or training settings differ, and says what differs.
* :class:`EpochProgress` prints ``3/15 epochs, 40 s so far, about 2.5 min left`` lines on
  long trainings; :class:`FitCounter` does the same for searches that train many networks.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import keras

from cookbook.errors import DamagedBackup, ResumeMismatch
from cookbook.files import atomic_path, sync_folder, write_json
from cookbook.process import STOP, STOPPED_BY
from cookbook.resume import STATE_FILE, describe_differences, read_state

#: Progress lines start once a training has run this long (short runs stay silent).
PROGRESS_AFTER_S = 5.0


def network_key(model: keras.Model) -> dict[str, Any]:
    """The network's configuration without the names Keras numbers on its own
    (``dense_3``...), so two identical networks built at different times compare equal."""

    def without_names(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: without_names(value) for key, value in node.items() if key != "name"}
        if isinstance(node, list):
            return [without_names(value) for value in node]
        return node

    return without_names(json.loads(model.to_json()))


class Backup(keras.callbacks.Callback):
    """Save the training state after every epoch; continue from it when asked to resume.

    The state is the whole model (weights and optimizer state, as a ``.keras`` file), the
    number of finished epochs and their history (the layout is :mod:`cookbook.resume`'s).
    Each epoch's model goes to a new file, flushed to disk, and ``state.json``, which names
    it, is replaced last, flushed too: whenever the process dies, even in a power cut, the
    state on disk is one finished epoch's, complete.
    """

    def __init__(self, state_dir: Path, resume: bool) -> None:
        super().__init__()
        self.state_dir = Path(state_dir)
        self.resume = resume
        self.previous: dict[str, list[float]] = {}
        self.current: dict[str, list[float]] = {}
        self.identity: dict[str, Any] = {}
        self.epochs_done = 0

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.identity = {
            "network": network_key(self.model),
            "epochs": self.params.get("epochs"),
            "steps": self.params.get("steps"),
        }
        self.previous, self.current, self.epochs_done = {}, {}, 0
        state = read_state(self.state_dir) if self.resume else None
        if state is None:
            shutil.rmtree(self.state_dir, ignore_errors=True)
            return
        differences = describe_differences(state["identity"], self.identity)
        if differences:
            raise ResumeMismatch(
                "cannot resume: the interrupted run trained another network or another way "
                f"({'; '.join(differences)}); run without --resume to start afresh"
            )
        if self.model.optimizer is not None and not self.model.optimizer.built:
            self.model.optimizer.build(self.model.trainable_variables)
        try:
            self.model.load_weights(self.state_dir / state["model"])
        except Exception as err:  # Keras raises many kinds for a file it cannot use
            raise DamagedBackup(
                f"the saved model in {self.state_dir} cannot be loaded ({err}); run without "
                "--resume to start afresh"
            ) from err
        self.previous = state["history"]
        self.epochs_done = state["epoch"]
        self.model._initial_epoch = state["epoch"]  # what Keras's BackupAndRestore sets

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        for key, value in (logs or {}).items():
            self.current.setdefault(key, []).append(float(value))
        self.epochs_done = epoch + 1
        history = {key: self.previous.get(key, []) + v for key, v in self.current.items()}
        name = f"model-{self.epochs_done:05d}.keras"
        if not self.state_dir.is_dir():
            self.state_dir.mkdir(parents=True)
            sync_folder(self.state_dir.parent)  # the new folder's own name, on disk too
        # A .keras file is a zip written by Python (the weights go through memory), so a full
        # disk fails here with a clean OSError, never inside HDF5's C library.
        target = self.state_dir / name
        try:
            with atomic_path(target, durable=True) as tmp:
                self.model.save(tmp)
        except OSError as err:  # name the backup, not the library's scratch file
            raise OSError(err.errno, err.strerror, str(target)) from err
        state = {
            "epoch": self.epochs_done,
            "history": history,
            "model": name,
            "identity": self.identity,
        }
        write_json(self.state_dir / STATE_FILE, state, durable=True)
        for old in self.state_dir.glob("model-*.keras"):
            if old.name != name:
                old.unlink(missing_ok=True)
        sync_folder(self.state_dir)

    def on_train_end(self, logs: dict | None = None) -> None:
        self.model._initial_epoch = None
        history = getattr(self.model, "history", None)
        if self.previous and history is not None:
            for key, earlier in self.previous.items():
                history.history[key] = earlier + list(history.history.get(key, []))


class ProgressReport:
    """Prints ``3/15 epochs, 40 s so far, about 2.5 min left`` lines to stderr on long work.

    Nothing is printed during the first :data:`PROGRESS_AFTER_S` seconds, so quick recipes
    stay quiet; after that, at most one line per that many seconds, and a last one when done.
    """

    def __init__(self, label: str, total: int | None, unit: str) -> None:
        self.label, self.total, self.unit = label, total, unit
        self.done = 0
        self.started = self.last_print = time.perf_counter()

    def step(self, done: int | None = None) -> None:
        """Record progress (``done`` units, or one more than before) and maybe print it."""
        self.done = self.done + 1 if done is None else done
        now = time.perf_counter()
        elapsed = now - self.started
        finished = self.total is not None and self.done >= self.total
        too_soon = now - self.last_print < PROGRESS_AFTER_S
        if elapsed < PROGRESS_AFTER_S or (not finished and too_soon):
            return
        self.last_print = now
        if self.total is None:
            line = f"{self.done} {self.unit}, {_duration(elapsed)} so far"
        else:
            left = elapsed / max(self.done, 1) * (self.total - self.done)
            when = "done" if finished else f"about {_duration(left)} left"
            line = f"{self.done}/{self.total} {self.unit}, {_duration(elapsed)} so far, {when}"
        print(f"    {self.label}: {line}", file=sys.stderr, flush=True)


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.1f} min"


class EpochProgress(keras.callbacks.Callback):
    """Report finished epochs of one training (counting epochs restored by a resume)."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label
        self.report: ProgressReport | None = None

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.report = ProgressReport(self.label, self.params.get("epochs"), "epochs")

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.report is not None:
            self.report.step(epoch + 1)


class FitCounter(keras.callbacks.Callback):
    """Report finished ``fit`` calls of a search that trains many networks.

    scikit-learn deep-copies every grid point's ``fit_kwargs``, callbacks included; a copy of
    this callback is the callback itself, so all the copies count on one report.
    """

    def __init__(self, label: str, total: int | None) -> None:
        super().__init__()
        self.report = ProgressReport(label, total, "fits")

    def __deepcopy__(self, memo: dict) -> FitCounter:
        return self

    def on_train_end(self, logs: dict | None = None) -> None:
        self.report.step()


class StopWhenAsked(keras.callbacks.Callback):
    """Stop training at the next safe point once :data:`STOP` is set.

    A signal handler raises its exception wherever Python happens to be, and some libraries
    catch everything there: scikit-learn, for one, records a fit that raised as failed and
    goes on with the next. This callback raises again -- the same interruption, Ctrl-C or
    SIGTERM -- at the next safe point: the start or end of a batch, an epoch, an evaluation or
    a prediction (a batch, because one epoch of an LSTM on PyTorch can take minutes), so a
    stop request always ends the work. Copies of it (scikit-learn copies every fit's
    arguments) all read the same event.
    """

    def _check(self, *args: Any, **kwargs: Any) -> None:
        if STOP.is_set():
            raise STOPPED_BY[0]()

    on_train_begin = on_epoch_begin = on_epoch_end = on_train_batch_end = _check
    on_test_begin = on_predict_begin = _check
