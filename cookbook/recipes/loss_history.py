"""Plotting the loss history.

``fit`` returns a ``History`` object whose ``.history`` dict holds one value per epoch for the
loss and every metric -- on the training data, and, when ``fit`` gets ``validation_data``,
on that data too (keys prefixed ``val_``). Plotting the two loss curves against the epoch is
the quickest check of how training went:

* both falling: the network is still learning; more epochs may help;
* training loss falling while test loss rises: the network is *overfitting*, memorising
  the training reviews instead of learning what generalises; stop earlier, or regularise;
* both flat and high: the network is too small, or the learning rate too low.

Here a small network reads movie reviews as multi-hot vectors of the 10000 most frequent
words and trains for 15 epochs. It has enough weights (160000 in its first layer) to
memorise the training set, so the training loss keeps falling while the test loss levels off
after a few epochs and then stalls or creeps up: the widening gap between the two curves is
overfitting, and the epoch where the test loss is lowest is about when training should stop.

What changed since Keras 2:

* ``keras.preprocessing.text.Tokenizer`` is gone. Instead of its 25000 x 10000 ``float64``
  matrices (2 GB each), :func:`cookbook.data.streaming.multi_hot_dataset` builds the same
  0/1 rows batch by batch while the network trains: peak memory stays near 1 GB.
* The input shape is declared with ``keras.Input(shape=...)``, not ``input_shape=``.
* Models are saved in the ``.keras`` format.

Departure from the chapter: the chapter trains this same network twice, once for this figure
and once for the accuracy history. We train it once: this recipe and ``accuracy-history``
each build the network, and :func:`cookbook.core.train_once` lets the second one reuse the
first one's training (same network, data, seed, epochs and batch size) when both run in one
process.
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

NAME = "loss-history"
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
    """Train (or reuse the identical training of ``accuracy-history``) and save the model."""
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
    model_file = save_model(trained, settings.folder(NAME) / "loss_history.keras")
    best_epoch = int(np.argmin(history["val_loss"])) + 1
    return core.Result(
        history=history,
        metrics=core.final_metrics(history),
        data=info,
        files=[model_file],
        details={
            "best_epoch": best_epoch,  # lowest test loss; later epochs overfit
            "best_val_loss": history["val_loss"][best_epoch - 1],
            "shared_training": shared,
        },
    )


def figure(result: core.Result) -> Figure:
    """Training loss (red dashed) and test loss (blue solid) per epoch."""
    return plotting.history_figure(
        result.history, "loss", "Loss", title="Loss history: training vs test (IMDB)"
    )
