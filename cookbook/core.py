"""What every recipe shares: its settings, its result, seeding and one-off training.

A recipe module is read by learners, so the machinery lives here, out of its way:

* :class:`Settings` -- what the command line chose (data source, seed, epochs, output folder).
* :class:`Result` -- what a run produced: the history, final metrics, the files it wrote and
  anything its figure needs.
* :func:`seed_everything` -- ``keras.utils.set_random_seed``, the Keras 3 way to make a run
  repeatable (``np.random.seed`` alone no longer is).
* :func:`train_once` -- lets two recipes that train the *same* network on the same data (the
  loss and accuracy history plots) share one training run instead of training twice.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Settings:
    """How to run a recipe.

    Attributes:
        data: ``auto``, ``keras`` or ``sample`` (see :mod:`cookbook.data`).
        seed: seed for every random number generator involved.
        epochs: override the recipe's number of epochs (``None`` keeps the chapter's).
        size: size of the sample data: ``tiny`` (tests), ``small`` (default) or ``full``.
        out: folder for the recipe's files; each recipe writes into ``out/<name>/``.
        verbose: Keras progress output (0 silent, 1 progress bars, 2 one line per epoch).
        resume: continue an interrupted run from its last completed epoch.
    """

    data: str = "auto"
    seed: int = 0
    epochs: int | None = None
    size: str = "small"
    out: Path = Path("models")
    verbose: int = 0
    resume: bool = False

    def epochs_or(self, default: int) -> int:
        """The chapter's epoch count for this recipe, unless the user overrode it."""
        return self.epochs if self.epochs is not None else default

    def folder(self, recipe: str) -> Path:
        """The output folder of one recipe (created on demand)."""
        path = Path(self.out) / recipe
        path.mkdir(parents=True, exist_ok=True)
        return path


@dataclass
class Result:
    """What one recipe run produced.

    Attributes:
        history: per-epoch metrics (``loss``, ``val_loss``, ``accuracy``, ...), as lists.
        metrics: final metrics worth printing.
        data: where the data came from and how big it was.
        files: paths the run wrote (models, diagrams).
        details: other small, JSON-friendly facts to record (best epoch, grid scores, ...).
        artifacts: in-memory objects a figure needs (predictions, models); not recorded.
    """

    history: dict[str, list[float]] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    artifacts: dict[str, Any] = field(default_factory=dict)


def data_info(
    dataset: str, source: str, settings: Settings, train: int, test: int
) -> dict[str, Any]:
    """Where a recipe's data came from, for its result: dataset, source, size and row counts."""
    info: dict[str, Any] = {"dataset": dataset, "source": source}
    if source == "sample":
        info["size"] = settings.size
    info.update(train=int(train), test=int(test))
    return info


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and the backend so the same seed gives the same history."""
    import keras

    keras.utils.set_random_seed(seed)


def history_dict(history: Any) -> dict[str, list[float]]:
    """A Keras ``History`` (or its ``.history`` dict) as plain lists of floats."""
    raw = getattr(history, "history", history)
    return {key: [float(v) for v in values] for key, values in raw.items()}


def final_metrics(history: dict[str, list[float]]) -> dict[str, float]:
    """The last epoch's value of every metric in a history."""
    return {key: values[-1] for key, values in history.items() if values}


_trained: dict[str, Any] = {}


def train_once(key_parts: dict[str, Any], train: Callable[[], T]) -> T:
    """Run ``train()`` once per distinct key in this process and reuse its result after.

    The key must describe everything the training depends on: the model's configuration
    (``model.to_json()``), the data source and size, the seed, epochs and batch size. Two
    recipes that build the identical network then share one run; change either network and
    the keys differ, so each trains its own.
    """
    key = json.dumps(key_parts, sort_keys=True, default=str)
    if key not in _trained:
        _trained[key] = train()
    return _trained[key]


def model_key(model: Any) -> str:
    """``model.to_json()`` without the names Keras numbers on its own.

    Two identical networks built in one process are named ``dense``/``dense_3``,
    ``rm_sprop``/``rm_sprop_1``...; without the names their configurations are equal, so
    the key says "same network" exactly when the architecture and settings are the same.
    """

    def without_names(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: without_names(value) for key, value in node.items() if key != "name"}
        if isinstance(node, list):
            return [without_names(value) for value in node]
        return node

    return json.dumps(without_names(json.loads(model.to_json())), sort_keys=True)


def training_count() -> int:
    """How many distinct trainings :func:`train_once` has run (tests check sharing with it)."""
    return len(_trained)


def import_keras_quietly() -> None:
    """Import Keras with TensorFlow's native start-up lines (oneDNN, CPU features) hidden.

    TensorFlow's C++ core prints them straight to file descriptor 2 before any logging
    setting applies, so stderr is pointed at /dev/null for the import only.
    """
    import sys

    if "keras" in sys.modules:
        return
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import keras  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def versions() -> dict[str, str]:
    """Versions of the libraries a result depends on, for the results record."""
    import platform

    import keras
    import numpy
    import sklearn

    found = {"python": platform.python_version(), "keras": keras.__version__}
    try:
        import tensorflow as tf

        found["tensorflow"] = tf.__version__
    except ImportError:  # another Keras backend
        pass
    found["numpy"] = numpy.__version__
    found["scikit-learn"] = sklearn.__version__
    return found


def publish_callback(staging: Any, destination: Any) -> Any:
    """A Keras callback that, after every epoch, moves finished files from ``staging`` to
    ``destination`` with atomic renames (see :func:`cookbook.io.staging_folder`).

    Put it *after* the ``ModelCheckpoint`` in the callbacks list: callbacks run in order, so
    the checkpoint has finished writing when this one moves the file.
    """
    import keras

    from cookbook.io import publish

    class PublishFiles(keras.callbacks.Callback):
        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            publish(Path(staging), Path(destination))

        def on_train_end(self, logs: dict | None = None) -> None:
            publish(Path(staging), Path(destination))

    return PublishFiles()


BACKUP_FOLDER = ".backup"
EPOCH_LOG = ".epochs.json"


def resumable(settings: Settings, recipe: str) -> list[Any]:
    """Callbacks that let an interrupted ``fit`` continue where it stopped (``--resume``).

    ``keras.callbacks.BackupAndRestore`` saves the model and the epoch counter at the end of
    every epoch into ``OUT/<recipe>/.backup`` and deletes the backup when training completes.
    A second, small callback keeps the per-epoch metrics in ``OUT/<recipe>/.epochs.json``, so
    the history returned after a resumed run covers *all* epochs, not only the ones run since
    the restart. Without ``--resume`` any old backup is discarded and training starts afresh.
    """
    import shutil

    import keras

    from cookbook.io import write_json

    folder = Path(settings.out) / recipe
    backup, log_path = folder / BACKUP_FOLDER, folder / EPOCH_LOG
    if not settings.resume:
        shutil.rmtree(backup, ignore_errors=True)
        log_path.unlink(missing_ok=True)

    class EpochLog(keras.callbacks.Callback):
        """Remember every finished epoch's metrics on disk; merge them into the history."""

        def on_train_begin(self, logs: dict | None = None) -> None:
            self.previous: dict[str, list[float]] = {}
            if backup.exists() and log_path.exists():
                self.previous = json.loads(log_path.read_text(encoding="utf-8"))
            self.current: dict[str, list[float]] = {}

        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            for key, value in (logs or {}).items():
                self.current.setdefault(key, []).append(float(value))
            merged = {
                key: self.previous.get(key, []) + values for key, values in self.current.items()
            }
            write_json(log_path, merged)

        def on_train_end(self, logs: dict | None = None) -> None:
            history = getattr(self.model, "history", None)
            if self.previous and history is not None:
                for key, earlier in self.previous.items():
                    history.history[key] = earlier + list(history.history.get(key, []))
            log_path.unlink(missing_ok=True)

    folder.mkdir(parents=True, exist_ok=True)
    return [keras.callbacks.BackupAndRestore(backup_dir=str(backup)), EpochLog()]
