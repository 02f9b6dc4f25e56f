"""Plotting the accuracy history.

The loss is what the optimizer minimises, but accuracy -- the share of reviews classified
correctly -- is what we usually report. With ``metrics=["accuracy"]`` in ``compile``, ``fit``
records it every epoch in the ``History``: ``accuracy`` on the training data and
``val_accuracy`` on the ``validation_data``. Plotted against the epoch, the two curves show
the same story as the loss history in the units people care about: training accuracy climbs
towards 100% as the network memorises the training reviews, while test accuracy levels off
(or slips) after a few epochs. The gap between the curves is the price of overfitting, and
the epoch where test accuracy peaks is a good number of epochs to train for.

The network and data are those of the loss history recipe: reviews as multi-hot vectors of
the 10000 most frequent words, two hidden layers of 16 units, 15 epochs, batches of 1000.

What changed since Keras 2:

* The history keys are ``accuracy`` and ``val_accuracy``; Keras 2 wrote ``acc`` and
  ``val_acc``, so the chapter's ``history.history['acc']`` raises ``KeyError`` today.
* ``keras.preprocessing.text.Tokenizer`` is gone. Instead of its 25000 x 10000 ``float64``
  matrices (2 GB each), :func:`cookbook.data.streaming.multi_hot_dataset` builds the same
  0/1 rows batch by batch while the network trains: peak memory stays near 1 GB.
* The input shape is declared with ``keras.Input(shape=...)``, not ``input_shape=``.
* Models are saved in the ``.keras`` format.

Departure from the chapter: the chapter trains this same network twice, once for the loss
figure and once for this one. We train it once: this recipe and ``loss-history`` each build
the network, and :func:`cookbook.core.train_once` lets the second one reuse the first one's
training (same network, data, seed, epochs and batch size) when both run in one process.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
from keras import layers
from matplotlib.figure import Figure

from cookbook import core, data, plotting
from cookbook.data.streaming import multi_hot_dataset
from cookbook.io import save_model

NAME = "accuracy-history"
NUMBER_OF_FEATURES = 10000  # keep the 10000 most frequent words
EPOCHS = 15
BATCH_SIZE = 1000


# --8<-- [start:data]
def load_data(settings: core.Settings) -> tuple[Any, Any, dict[str, Any]]:
    """IMDB reviews as batches of multi-hot rows over the 10000 most frequent words.

    At full size the two 25000 x 10000 matrices would not fit comfortably in a laptop's
    memory (the chapter's float64 version needs 9 GB), so each batch's rows are built on
    the fly from the word ids: the same numbers, one batch of 1000 reviews at a time.
    """
    source = data.resolve_source("imdb", settings.data)
    (train_data, train_target), (test_data, test_target) = data.load_imdb(
        num_words=NUMBER_OF_FEATURES, source=source, size=settings.size, seed=settings.seed
    )
    train = multi_hot_dataset(
        train_data, train_target, NUMBER_OF_FEATURES, BATCH_SIZE, shuffle=True, seed=settings.seed
    )
    test = multi_hot_dataset(test_data, test_target, NUMBER_OF_FEATURES, BATCH_SIZE)
    info = core.data_info("imdb", source, settings, len(train_target), len(test_target))
    return train, test, info


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
    network.compile(
        loss="binary_crossentropy",
        optimizer="rmsprop",
        metrics=["accuracy"],
    )
    return network


# --8<-- [end:model]


# --8<-- [start:train]
def train(
    network: keras.Model,
    train: Any,
    test: Any,
    epochs: int = EPOCHS,
    verbose: int = 0,
    callbacks: list[keras.callbacks.Callback] | None = None,
) -> keras.callbacks.History:
    """Fit, scoring the test data after every epoch: that fills the ``val_`` history keys.

    ``train`` and ``test`` are datasets of ``(features, target)`` batches, so ``fit`` takes
    no ``batch_size``: the batches already hold 1000 reviews each.
    """
    return network.fit(
        train,
        epochs=epochs,
        verbose=verbose,
        shuffle=False,  # the dataset reshuffles itself every epoch
        validation_data=test,
        callbacks=callbacks,
    )


# --8<-- [end:train]


def run(settings: core.Settings) -> core.Result:
    """Train (or reuse the identical training of ``loss-history``) and save the model."""
    network = build_network()
    epochs = settings.epochs_or(EPOCHS)

    def train_network() -> tuple[keras.Model, dict[str, list[float]], dict[str, Any]]:
        train_set, test_set, info = load_data(settings)
        callbacks = core.resumable(settings, NAME)  # lets `cookbook train --resume` continue
        history = train(network, train_set, test_set, epochs, settings.verbose, callbacks)
        return network, core.history_dict(history), info

    source = data.resolve_source("imdb", settings.data)
    data_key = ["imdb", NUMBER_OF_FEATURES, source]
    (trained, history, info), shared = core.train_shared(
        settings, network, data_key, epochs, BATCH_SIZE, train_network
    )
    model_file = save_model(trained, settings.folder(NAME) / "accuracy_history.keras")
    best_epoch = int(np.argmax(history["val_accuracy"])) + 1
    return core.Result(
        history=history,
        metrics=core.final_metrics(history),
        data=info,
        files=[model_file],
        details={
            "best_epoch": best_epoch,  # highest test accuracy
            "best_val_accuracy": history["val_accuracy"][best_epoch - 1],
            "shared_training": shared,
        },
    )


def figure(result: core.Result) -> Figure:
    """Training accuracy (red dashed) and test accuracy (blue solid) per epoch."""
    fig = plotting.history_figure(
        result.history, "accuracy", "Accuracy", title="Accuracy history: training vs test (IMDB)"
    )
    fig.axes[0].set_ylabel("Accuracy Score")  # the chapter's axis label
    return fig
