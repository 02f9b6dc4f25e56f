"""Adding dropout to a feed-forward network.

A network with enough weights can memorise its training data: the training loss keeps falling
while the loss on data it has never seen stops improving and then climbs. *Dropout* is a cheap
defence. During training, a ``Dropout(rate)`` layer sets a random ``rate`` share of its inputs
to zero at every step (and scales the rest up so their sum stays the same on average), so no
unit can rely on one particular partner being there; the network has to spread what it knows
over many units, which generalises better. At prediction time the layer does nothing.

Dropout goes *between* layers. To drop some of the input features themselves, put a
``Dropout`` layer first, right after ``keras.Input``; the usual rates are about 0.2 for inputs
and 0.5 for hidden layers. Reach for it when the training loss runs away from the test loss.

The price is slower learning: every step trains a thinned-out network, so after the chapter's
three epochs the network *with* dropout can still trail the same network without it (it does
on the offline sample). The difference shows when training continues: without dropout the
test loss turns round and climbs (overfitting) while with dropout it keeps falling. That is
why the figure trains both networks for ``COMPARISON_EPOCHS`` epochs; the saved model and the
recorded history are still the chapter's network after its three epochs. (With dropout, the
*training* loss sits above the test loss: it is measured on the thinned-out network of each
step, while the test loss is measured on the whole network.)

What changed since Keras 2:

* The first ``Dropout`` layer no longer carries ``input_shape=``: the input is declared with
  ``keras.Input(shape=...)`` and the ``Dropout`` layer follows it.
* ``keras.preprocessing.text.Tokenizer`` is gone; :func:`cookbook.data.multi_hot` builds the
  same multi-hot matrix with NumPy, as ``uint8``.
* History keys are ``accuracy`` / ``val_accuracy``; models are saved in the ``.keras`` format.
* Added for the figure (not in the chapter): the same network without its ``Dropout`` layers,
  and a longer training of both (``COMPARISON_EPOCHS``), re-seeded before each run so the two
  start from the same random state. ``--epochs N`` sets both lengths to ``N``.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
from keras import layers
from matplotlib.figure import Figure

from cookbook import core, plotting
from cookbook.io import save_model

NAME = "dropout"
NUMBER_OF_FEATURES = 1000  # keep the 1000 most frequent words
EPOCHS = 3
BATCH_SIZE = 100
INPUT_DROPOUT = 0.2  # share of the input features dropped at each training step
HIDDEN_DROPOUT = 0.5  # share of each hidden layer's outputs dropped
#: Length of the with/without comparison in the figure: long enough for the network without
#: dropout to start overfitting (its test loss bottoms out around epoch 3 on the sample data).
COMPARISON_EPOCHS = 10

WITH_DROPOUT = "with dropout"
WITHOUT_DROPOUT = "without dropout"


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
    """Two hidden layers of 16 ReLU units, with dropout on the input and after each."""
    network = keras.Sequential(
        [
            keras.Input(shape=(number_of_features,)),
            layers.Dropout(INPUT_DROPOUT),  # drop 20% of the words of each review
            layers.Dense(units=16, activation="relu"),
            layers.Dropout(HIDDEN_DROPOUT),  # drop half of the first layer's outputs
            layers.Dense(units=16, activation="relu"),
            layers.Dropout(HIDDEN_DROPOUT),
            layers.Dense(units=1, activation="sigmoid"),
        ]
    )
    network.compile(
        loss="binary_crossentropy",  # cross-entropy for two classes
        optimizer="rmsprop",
        metrics=["accuracy"],
    )
    return network


# --8<-- [end:model]


# --8<-- [start:comparison]
def build_network_without_dropout(number_of_features: int = NUMBER_OF_FEATURES) -> keras.Sequential:
    """The same network with its ``Dropout`` layers taken out: the baseline for the figure."""
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


# --8<-- [end:comparison]


# --8<-- [start:train]
def train(
    network: keras.Model,
    train: tuple[np.ndarray, np.ndarray],
    test: tuple[np.ndarray, np.ndarray],
    epochs: int = EPOCHS,
    verbose: int = 0,
    callbacks: list[keras.callbacks.Callback] | None = None,
) -> keras.callbacks.History:
    """Fit on the training data, evaluating on the test data after every epoch."""
    return network.fit(
        train[0],
        train[1],
        epochs=epochs,
        verbose=verbose,
        batch_size=BATCH_SIZE,
        validation_data=test,
        callbacks=callbacks,
    )


# --8<-- [end:train]


# --8<-- [start:compare]
def compare(
    train_set: tuple[np.ndarray, np.ndarray],
    test_set: tuple[np.ndarray, np.ndarray],
    epochs: int = COMPARISON_EPOCHS,
    seed: int = 0,
    verbose: int = 0,
) -> dict[str, dict[str, list[float]]]:
    """Train the network with and without dropout for ``epochs`` epochs; both histories.

    Re-seeding before each run starts both from the same random state, so the comparison
    repeats exactly and the ``Dropout`` layers are the only designed difference.
    """
    histories = {}
    for label, build in (
        (WITH_DROPOUT, build_network),
        (WITHOUT_DROPOUT, build_network_without_dropout),
    ):
        core.seed_everything(seed)
        history = train(build(), train_set, test_set, epochs, verbose)
        histories[label] = core.history_dict(history)
    return histories


# --8<-- [end:compare]


def lowest(values: list[float]) -> int:
    """The epoch (counted from 1) with the smallest value."""
    return int(np.argmin(values)) + 1


def run(settings: core.Settings) -> core.Result:
    """Train the chapter's dropout network, save it as ``OUT/dropout/dropout.keras``, and
    train the with/without comparison that the figure shows."""
    train_set, test_set, info = load_data(settings)

    core.seed_everything(settings.seed)
    network = build_network()
    history = core.history_dict(
        train(
            network,
            train_set,
            test_set,
            settings.epochs_or(EPOCHS),
            settings.verbose,
            core.resumable(settings, NAME),
        )
    )
    model_file = save_model(network, settings.folder(NAME) / "dropout.keras")

    comparison = compare(
        train_set, test_set, settings.epochs_or(COMPARISON_EPOCHS), settings.seed, settings.verbose
    )
    details = {
        "comparison_epochs": settings.epochs_or(COMPARISON_EPOCHS),
        # Only the loss curves are kept: they are what the figure draws and the docs quote.
        "comparison": {
            label: {key: hist[key] for key in ("loss", "val_loss")}
            for label, hist in comparison.items()
        },
        "lowest_val_loss_epoch": {
            label: lowest(hist["val_loss"]) for label, hist in comparison.items()
        },
    }
    return core.Result(
        history=history,
        metrics=core.final_metrics(history),
        data=info,
        files=[model_file],
        details=details,
    )


#: Colour per network; line style per data split, as in every history figure
#: (training dashed, test solid).
COLOURS = {WITH_DROPOUT: "tab:green", WITHOUT_DROPOUT: "tab:purple"}


def figure(result: core.Result) -> Figure:
    """Training and test loss per epoch of the same network with and without dropout."""
    fig, ax = plotting.new_figure()
    comparison = result.details["comparison"]
    for label, hist in comparison.items():
        colour = COLOURS[label]
        epochs = plotting.epochs_axis(hist["val_loss"])
        ax.plot(
            epochs,
            hist["loss"],
            label=f"Training loss, {label}",
            color=colour,
            linestyle="--",
            linewidth=1.5,
            alpha=0.7,
        )
        ax.plot(epochs, hist["val_loss"], label=f"Test loss, {label}", color=colour, linewidth=2.5)
    length = result.details["comparison_epochs"]
    chapter_epochs = len(result.history["loss"])
    if chapter_epochs < length:
        # Where the chapter stops: the comparison is only decided after this line.
        ax.axvline(chapter_epochs, color="0.5", linestyle=":", linewidth=1.5)
        ax.annotate(
            f"the chapter stops\nafter {chapter_epochs} epochs",
            xy=(chapter_epochs, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(6, -4),
            textcoords="offset points",
            va="top",
            fontsize=10,
            color="0.35",
        )
    ax.set_xticks(list(plotting.epochs_axis(range(length))))
    ax.set_xlabel("Epoch")
    ax.set_ylabel("Loss (binary cross-entropy)")
    ax.set_title("The same network with and without dropout")
    ax.legend()
    return fig
