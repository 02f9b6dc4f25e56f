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

import contextlib
import json
import os
import time
from collections.abc import Callable, Iterator
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
        progress: print a progress line with the time left during long trainings.
    """

    data: str = "auto"
    seed: int = 0
    epochs: int | None = None
    size: str = "small"
    out: Path = Path("models")
    verbose: int = 0
    resume: bool = False
    progress: bool = False

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


def imdb_multi_hot(settings: Settings, num_words: int) -> tuple[Any, Any, dict[str, Any]]:
    """IMDB reviews as multi-hot matrices, for the recipes that feed them to ``Dense`` layers.

    The chapter's two steps: load the reviews as word-id sequences, keeping the
    ``num_words`` most frequent words, then turn each review into a row with a 1 in the
    column of every word it uses (:func:`cookbook.data.multi_hot`, which replaces Keras 2's
    ``Tokenizer.sequences_to_matrix``).

    Returns:
        ``(train_features, train_target)``, ``(test_features, test_target)`` and the data's
        description for the results record.
    """
    from cookbook import data

    source = data.resolve_source("imdb", settings.data)
    loaded = data.load_imdb(
        num_words=num_words, source=source, size=settings.size, seed=settings.seed
    )
    train, test = data.multi_hot_split(loaded, num_words)
    info = data_info("imdb", source, settings, len(train[1]), len(test[1]))
    return train, test, info


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


def train_shared(
    settings: Settings,
    network: Any,
    data_key: list[Any],
    epochs: int,
    batch_size: int,
    train: Callable[[], T],
) -> tuple[T, bool]:
    """:func:`train_once` keyed on everything a training depends on.

    Returns ``train()``'s result (new, or the one an identical earlier training produced in
    this process) and whether it was shared rather than trained now.
    """
    key = {
        "network": model_key(network),
        "data": data_key,
        "size": settings.size,
        "seed": settings.seed,
        "epochs": epochs,
        "batch_size": batch_size,
    }
    before = training_count()
    result = train_once(key, train)
    return result, training_count() == before


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


#: Progress lines start once a training has run this long (short runs stay silent).
PROGRESS_AFTER_S = 5.0


class ProgressReport:
    """Prints "3/15 epochs, 40 s so far, about 2.5 min left" lines to stderr on long work.

    Nothing is printed during the first :data:`PROGRESS_AFTER_S` seconds, so quick recipes
    stay quiet; after that, at most one line per that many seconds, and a last one when done.
    """

    def __init__(self, label: str, total: int, unit: str) -> None:
        self.label, self.total, self.unit = label, total, unit
        self.done = 0
        self.started = self.last_print = time.perf_counter()

    def step(self, done: int | None = None) -> None:
        """Record progress (``done`` units, or one more than before) and maybe print it."""
        import sys

        self.done = self.done + 1 if done is None else done
        now = time.perf_counter()
        elapsed, finished = now - self.started, self.done >= self.total
        too_soon = now - self.last_print < PROGRESS_AFTER_S
        if elapsed < PROGRESS_AFTER_S or (not finished and too_soon):
            return
        self.last_print = now
        left = elapsed / max(self.done, 1) * (self.total - self.done)
        when = "done" if finished else f"about {_duration(left)} left"
        line = f"{self.done}/{self.total} {self.unit}, {_duration(elapsed)} so far, {when}"
        print(f"    {self.label}: {line}", file=sys.stderr, flush=True)


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.1f} min"


_reports: dict[str, ProgressReport] = {}


def fit_counter(settings: Settings, label: str, total: int) -> Any:
    """A Keras callback that reports how many of ``total`` separate ``fit`` calls are done.

    For scikit-learn searches that train many networks: the same callback goes into every
    fit's ``fit_kwargs``. scikit-learn copies parameters for each fit, so the report lives in
    a module-level table under a key the copies share, not in the (copied) callback itself.
    """
    import keras

    key = f"{label}:{len(_reports)}"
    _reports[key] = ProgressReport(label, total, "fits")

    class FitCounter(keras.callbacks.Callback):
        def on_train_end(self, logs: dict | None = None) -> None:
            if settings.progress:
                _reports[key].step()

    return FitCounter()


@contextlib.contextmanager
def quiet_training(verbose: int) -> Iterator[None]:
    """Silence what training many fresh networks prints (a scikit-learn search), unless asked.

    The wrapper's ``predict()`` draws a progress bar and has no ``verbose`` argument, so
    Keras's interactive logging is switched off. TensorFlow warns about "retracing" each time
    it compiles the training function of yet another new network: expected here, not a bug.
    """
    if verbose:
        yield
        return
    import logging

    import keras

    tensorflow_logger = logging.getLogger("tensorflow")
    level = tensorflow_logger.level
    was_interactive = keras.config.is_interactive_logging_enabled()
    keras.config.disable_interactive_logging()
    tensorflow_logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        tensorflow_logger.setLevel(level)
        if was_interactive:
            keras.config.enable_interactive_logging()


BACKUP_FOLDER = ".backup"
EPOCH_LOG = ".epochs.json"


def resumable(settings: Settings, recipe: str) -> list[Any]:
    """Callbacks that let an interrupted ``fit`` continue where it stopped (``--resume``),
    and report progress on long trainings.

    ``keras.callbacks.BackupAndRestore`` saves the model and the epoch counter at the end of
    every epoch into ``OUT/<recipe>/.backup`` and deletes the backup when training completes.
    A second, small callback keeps the per-epoch metrics in ``OUT/<recipe>/.epochs.json``, so
    the history returned after a resumed run covers *all* epochs, not only the ones run since
    the restart. Without ``--resume`` any old backup is discarded and training starts afresh.
    """
    import shutil

    import keras

    from cookbook.io import write_json

    folder = settings.folder(recipe)
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
            total = self.params.get("epochs") or 0
            self.report = ProgressReport(recipe, total, "epochs")

        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            for key, value in (logs or {}).items():
                self.current.setdefault(key, []).append(float(value))
            if settings.progress:
                self.report.step(epoch + 1)
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

    return [keras.callbacks.BackupAndRestore(backup_dir=str(backup)), EpochLog()]
