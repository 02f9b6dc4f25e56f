"""Saving the model while it trains.

A long training run can die at any moment -- a crash, a power cut, a job killed on a shared
machine -- and with it every epoch of work since the last save. *Checkpointing* saves the model
to disk as training goes, so that an interrupted run can be picked up from its last checkpoint
instead of from scratch, and so that earlier epochs' models are still at hand if later ones turn
out worse.

Keras does it with the ``ModelCheckpoint`` callback, which ``fit`` calls at the end of every
epoch. What it writes depends on its ``filepath``:

* A plain name such as ``"models.keras"`` is overwritten every epoch: the file always holds the
  *latest* model. (Add ``monitor="val_loss", save_best_only=True`` and it is overwritten only
  when the validation loss improves, so it holds the *best* model -- see the early-stopping
  recipe.)
* A template such as ``"model_{epoch:02d}_{val_loss:.2f}.keras"`` is filled in with the epoch
  number and any value of the epoch's logs, so every epoch gets a file of its own:
  ``model_01_0.43.keras``, ``model_02_0.38.keras``, ... Epoch numbers in the names count from
  1, like Keras's progress output (the chapter said they count from 0; they do not). The
  numbers are rounded to two decimals, so two epochs with nearly equal losses can still be told
  apart by their epoch number.

This recipe uses both at once. Every file is a complete model -- architecture, weights and
optimizer state -- that ``keras.models.load_model`` opens, and from which ``fit`` can continue.

Saving a file takes time, and a crash *during* a save would leave a truncated file where a good
one was. So ``ModelCheckpoint`` writes into a hidden staging folder, and a second callback
(:func:`cookbook.core.publish_callback`), listed after it, moves each finished file into place
with a rename, which is atomic: the folder only ever holds complete models.

What changed since Keras 2:

* The file must end in ``.keras`` (the Keras 3 format); the chapter's ``.hdf5`` is refused with
  ``ValueError`` and ``.h5`` is accepted only with a "legacy" warning. To save only the
  weights, use ``save_weights_only=True`` and a name ending in ``.weights.h5``.
* ``{epoch}`` in a file name counts from 1.
* Layers take their input from ``keras.Input(shape=...)``;
  ``keras.preprocessing.text.Tokenizer`` is gone (:func:`cookbook.data.multi_hot` replaces it).
* Addition to the chapter: the chapter explains the per-epoch template but only uses
  ``models.hdf5``; we run both so the reader can see both kinds of file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import keras
import numpy as np
from keras import layers
from matplotlib.figure import Figure

from cookbook import core, plotting
from cookbook.io import remove_folder, staging_folder

NAME = "checkpointing"
NUMBER_OF_FEATURES = 1000  # keep the 1000 most frequent words
EPOCHS = 3
BATCH_SIZE = 100
LATEST_FILE = "models.keras"  # overwritten every epoch
EPOCH_FILES = "model_{epoch:02d}_{val_loss:.2f}.keras"  # one file per epoch


# --8<-- [start:data]
def load_data(settings: core.Settings) -> tuple[Any, Any, dict[str, Any]]:
    """IMDB reviews as multi-hot matrices of the most frequent words, with their source.

    See :func:`cookbook.core.imdb_multi_hot`: load the reviews as word ids, then give each
    one a row with a 1 in the column of every word it uses.
    """
    return core.imdb_multi_hot(settings, NUMBER_OF_FEATURES)


# --8<-- [end:data]


# --8<-- [start:model]
def build_network(number_of_features: int = NUMBER_OF_FEATURES) -> keras.Sequential:
    """Two hidden layers of 16 ReLU units and one sigmoid output unit."""
    network = keras.Sequential(
        [
            keras.Input(shape=(number_of_features,)),
            layers.Dense(units=16, activation="relu"),
            layers.Dense(units=16, activation="relu"),
            layers.Dense(units=1, activation="sigmoid"),
        ]
    )
    network.compile(loss="binary_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
    return network


# --8<-- [end:model]


# --8<-- [start:train]
def make_callbacks(folder: Path, staging: Path) -> list[keras.callbacks.Callback]:
    """Save the model after every epoch, twice: one file kept current, one file per epoch."""
    return [
        # The same name every epoch: the file always holds the latest model.
        keras.callbacks.ModelCheckpoint(filepath=staging / LATEST_FILE),
        # A name filled in from the epoch number and its validation loss: one file each.
        keras.callbacks.ModelCheckpoint(filepath=staging / EPOCH_FILES),
        # Moves each finished file from the staging folder into `folder` with an atomic
        # rename. It must come after the checkpoints: callbacks run in list order.
        core.publish_callback(staging, folder),
    ]


def train(
    network: keras.Model,
    train: tuple[np.ndarray, np.ndarray],
    test: tuple[np.ndarray, np.ndarray],
    callbacks: list[keras.callbacks.Callback],
    epochs: int = EPOCHS,
    verbose: int = 0,
) -> keras.callbacks.History:
    """Fit on the training data, evaluating on the test data after every epoch."""
    return network.fit(
        train[0],
        train[1],
        epochs=epochs,
        callbacks=callbacks,
        verbose=verbose,
        batch_size=BATCH_SIZE,
        validation_data=test,  # gives the val_loss the file names use
    )


# --8<-- [end:train]


def epoch_file_name(epoch: int, logs: dict[str, float]) -> str:
    """The name ``ModelCheckpoint`` gives epoch ``epoch`` (counted from 1)."""
    return EPOCH_FILES.format(epoch=epoch, **logs)


def remove_stale_checkpoints(folder: Path, keep: list[Path]) -> None:
    """Delete per-epoch files an earlier, longer run left behind, once this run has finished,
    so that the folder describes one run only."""
    for path in folder.glob("model_*_*.keras"):
        if path not in keep:
            path.unlink()


def run(settings: core.Settings) -> core.Result:
    """Train with checkpoints into ``OUT/checkpointing/``: ``models.keras`` and one
    ``model_EE_L.LL.keras`` per epoch."""
    train_set, test_set, info = load_data(settings)
    network = build_network()
    folder = settings.folder(NAME)
    staging = staging_folder(folder)
    try:
        history = core.history_dict(
            train(
                network,
                train_set,
                test_set,
                # `cookbook train --resume` continues from the last finished epoch.
                make_callbacks(folder, staging) + core.resumable(settings, NAME),
                settings.epochs_or(EPOCHS),
                settings.verbose,
            )
        )
    finally:
        remove_folder(staging)

    checkpoints = []
    for epoch, val_loss in enumerate(history["val_loss"], start=1):
        logs = {key: values[epoch - 1] for key, values in history.items()}
        checkpoints.append(
            {"file": epoch_file_name(epoch, logs), "epoch": epoch, "val_loss": val_loss}
        )
    epoch_files = [folder / checkpoint["file"] for checkpoint in checkpoints]
    remove_stale_checkpoints(folder, keep=epoch_files)
    return core.Result(
        history=history,
        metrics=core.final_metrics(history),
        data=info,
        files=[folder / LATEST_FILE, *epoch_files],
        details={
            "latest": {"file": LATEST_FILE, "epoch": len(checkpoints)},
            "checkpoints": checkpoints,
        },
    )


def figure(result: core.Result) -> Figure:
    """Validation loss per epoch, each point labelled with the checkpoint file saved there."""
    history, details = result.history, result.details
    test = history["val_loss"]
    epochs = list(plotting.epochs_axis(test))
    crowded = len(epochs) > 4  # long runs: stand the file names upright so they do not overlap

    fig, ax = plotting.new_figure()
    ax.plot(epochs, test, label="Validation (test) loss", **plotting.TEST_STYLE)
    ax.plot(
        epochs,
        test,
        marker="s",
        markersize=9,
        color="tab:blue",
        linestyle="none",
        label="A checkpoint file saved",
    )
    latest = details["latest"]
    ax.plot(
        [latest["epoch"]],
        [test[latest["epoch"] - 1]],
        marker="o",
        markersize=20,
        markerfacecolor="none",
        markeredgecolor="tab:orange",
        markeredgewidth=2.5,
        linestyle="none",
        label=f"{latest['file']}: overwritten every epoch, now epoch {latest['epoch']}",
    )
    for checkpoint in details["checkpoints"]:
        ax.annotate(
            checkpoint["file"],
            xy=(checkpoint["epoch"], checkpoint["val_loss"]),
            xytext=(0, 16),
            textcoords="offset points",
            ha="center",
            va="bottom",
            rotation=90 if crowded else 0,
            fontsize=9 if crowded else 10,
            family="monospace",
        )
    ax.set_xlabel("Epoch")
    ax.set_ylabel("Loss (binary cross-entropy)")
    ax.set_xticks(epochs)
    ax.set_xlim(0.5, len(epochs) + 0.5)  # room for the labels at both ends
    spread = max(test) - min(test) or 0.05
    # Room above the points for the file names, below them for the legend.
    above = 1.1 if crowded else 0.25
    ax.set_ylim(min(test) - 0.6 * spread, max(test) + above * spread)
    ax.legend(loc="lower left")
    ax.set_title("Checkpoints saved while training (IMDB)")
    return fig
