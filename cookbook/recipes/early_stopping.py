"""Stopping training early, and keeping the best model.

Train a network for too long and it starts to memorise its training data: the training loss
keeps falling while the loss on data it has not seen (the validation loss) bottoms out and
climbs again. *Early stopping* watches the validation loss after every epoch and ends training
once it has stopped improving, so you can ask for a generous number of epochs (here 20) and let
the data decide how many are useful.

In Keras this is a *callback*: an object whose methods ``fit`` calls at fixed points of
training, here at the end of every epoch. Two callbacks work together:

* ``EarlyStopping(monitor="val_loss", patience=2)`` counts the epochs since the validation loss
  last reached a new minimum and stops training once ``patience`` epochs in a row have brought
  no improvement. Patience forgives a noisy curve -- one bad epoch does not end the run -- but
  it has a price: by the time training stops, the network's weights are ``patience`` epochs
  *past* the best ones. If the best epoch was 4, training stops after epoch 6, and the last
  weights are the epoch-6 weights, already a little overfitted.
* ``restore_best_weights=True`` pays that price back: ``EarlyStopping`` keeps a copy of the
  weights from the best epoch and puts them back into the network when training ends, so the
  network you hold after ``fit`` is the best one, not the last one.
* ``ModelCheckpoint(filepath="best_model.keras", monitor="val_loss", save_best_only=True)``
  writes the model to disk whenever the validation loss reaches a new minimum. The file on disk
  is then always the best model so far -- useful when a long run is interrupted, and a model
  you can load later with ``keras.models.load_model``.

Use early stopping whenever you do not know in advance how many epochs a network needs, which
is almost always. Its test data is the *validation* data: choosing the epoch by the test loss
means that loss is no longer an unbiased estimate of performance on new data, so in real work
hold out a separate validation set and keep the test set for the very end. The chapter
validates on the test set to stay short, and so do we.

The checkpoint is written atomically: ``ModelCheckpoint`` writes into a hidden staging folder
and a second callback (:func:`cookbook.core.publish_callback`), listed after it, moves each
finished file into place with a rename, so a crash in the middle of a save never leaves a
truncated ``best_model.keras`` behind.

What changed since Keras 2:

* Model files end in ``.keras``: ``ModelCheckpoint`` refuses ``.hdf5`` and warns on ``.h5``.
* ``restore_best_weights`` did not exist in the Keras the chapter was written for, so there the
  network left after ``fit`` was the last one, ``patience`` epochs past the best. In Keras 3 it
  restores the best weights when training ends, whether or not it stopped early.
* ``keras.preprocessing.text.Tokenizer`` is gone; :func:`cookbook.data.multi_hot` builds the
  same multi-hot matrix with NumPy.
* The input shape is declared with ``keras.Input(shape=...)``.
* Departure from the chapter: it set only ``patience=2``; we add ``restore_best_weights=True``
  so that the network in memory matches the file on disk.
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

NAME = "early-stopping"
NUMBER_OF_FEATURES = 1000  # keep the 1000 most frequent words
EPOCHS = 20  # an upper limit: early stopping decides how many are used
BATCH_SIZE = 100
PATIENCE = 2  # epochs without improvement before training stops
MODEL_FILE = "best_model.keras"


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
    """Stop after ``PATIENCE`` epochs without a better validation loss; keep the best model."""
    return [
        keras.callbacks.EarlyStopping(
            monitor="val_loss",
            patience=PATIENCE,
            restore_best_weights=True,  # end with the best weights, not the last ones
        ),
        keras.callbacks.ModelCheckpoint(
            filepath=staging / MODEL_FILE,  # written here first ...
            monitor="val_loss",
            save_best_only=True,  # ... only when val_loss reaches a new minimum
        ),
        # ... and moved into `folder` with an atomic rename. It must come after the
        # checkpoint: callbacks run in list order.
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
    """Fit for at most ``epochs`` epochs; the callbacks decide when to stop."""
    return network.fit(
        train[0],
        train[1],
        epochs=epochs,
        callbacks=callbacks,
        verbose=verbose,
        batch_size=BATCH_SIZE,
        validation_data=test,  # the chapter validates on the test set
    )


# --8<-- [end:train]


def run(settings: core.Settings) -> core.Result:
    """Train until the validation loss stops improving; the best model is
    ``OUT/early-stopping/best_model.keras``."""
    train_set, test_set, info = load_data(settings)
    network = build_network()
    folder = settings.folder(NAME)
    staging = staging_folder(folder)
    try:
        callbacks = make_callbacks(folder, staging)
        history = core.history_dict(
            train(
                network,
                train_set,
                test_set,
                callbacks,
                settings.epochs_or(EPOCHS),
                settings.verbose,
            )
        )
    finally:
        remove_folder(staging)

    best = int(np.argmin(history["val_loss"]))  # 0-based; the first of equal minima, as Keras
    stopping: keras.callbacks.EarlyStopping = callbacks[0]
    # The network now holds the restored best weights: evaluating it shows it.
    restored = network.evaluate(*test_set, batch_size=BATCH_SIZE, verbose=0, return_dict=True)
    details = {
        "best_epoch": best + 1,
        "stopped_epoch": len(history["val_loss"]),  # the last epoch that ran
        "stopped_early": stopping.stopped_epoch > 0,
        "patience": PATIENCE,
        "best_val_loss": history["val_loss"][best],
        "restored_val_loss": float(restored["loss"]),
        "metrics_from": "best epoch (the restored weights)",
    }
    return core.Result(
        history=history,
        # The weights we keep are the best epoch's, so its numbers are the ones to report.
        metrics={key: values[best] for key, values in history.items()},
        data=info,
        files=[folder / MODEL_FILE],
        details=details,
    )


def figure(result: core.Result) -> Figure:
    """Training and validation loss per epoch, with the best and the stopping epoch marked."""
    history, details = result.history, result.details
    best, stopped = details["best_epoch"], details["stopped_epoch"]
    training, test = history["loss"], history["val_loss"]
    epochs = list(plotting.epochs_axis(training))

    fig, ax = plotting.new_figure()
    ax.plot(epochs, training, label="Training loss", **plotting.TRAIN_STYLE)
    ax.plot(epochs, test, label="Validation (test) loss", **plotting.TEST_STYLE)
    if details["stopped_early"]:
        # The epochs that patience waited through: their weights are thrown away.
        ax.axvspan(
            best,
            stopped,
            color="0.5",
            alpha=0.12,
            label=f"Patience: {stopped - best} epochs without improvement",
        )
    ax.axvline(stopped, color="0.3", linestyle=":", linewidth=1.5)
    ax.plot(
        [best],
        [test[best - 1]],
        marker="*",
        markersize=16,
        color="tab:green",
        linestyle="none",
        label=f"Best epoch {best}: kept ({result.files[0].name})",
    )
    # Without an early stop, training simply used up its epochs.
    why = "early stopping" if details["stopped_early"] else "epoch limit reached"
    ax.annotate(
        f"training stopped\nafter epoch {stopped}\n({why})",
        xy=(stopped, test[stopped - 1]),
        xytext=(-10, 30),
        textcoords="offset points",
        ha="right",
        arrowprops={"arrowstyle": "->", "color": "0.3"},
    )
    ax.set_xlabel("Epoch")
    ax.set_ylabel("Loss (binary cross-entropy)")
    ax.set_xticks(epochs)
    ax.legend()
    ax.set_title(f"Early stopping (patience={details['patience']}) on IMDB")
    return fig
