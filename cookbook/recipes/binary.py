"""A feed-forward network for binary classification.

Is a movie review positive or negative? Each review arrives as a list of word ids; we turn it
into a *multi-hot* vector -- one column per word of the 1000 most frequent, 1 if the review
uses that word -- and feed it to a small stack of ``Dense`` layers. Because there are two
classes, the last layer is a single unit with a sigmoid activation: its output is the
probability that the review is positive, and ``binary_crossentropy`` is the matching loss.

``fit`` returns a ``History`` whose ``.history`` dict holds one value per epoch for the loss
and every metric, on the training data and (with ``validation_data``) on the test data.

What changed since Keras 2:

* ``keras.preprocessing.text.Tokenizer`` is gone; :func:`cookbook.data.multi_hot` builds the
  same matrix with NumPy, as ``uint8`` instead of ``float64`` (8 times less memory).
* The input shape is declared with ``keras.Input(shape=...)`` rather than ``input_shape=`` on
  the first layer.
* History keys are ``accuracy`` / ``val_accuracy`` (Keras 2 printed ``acc``).
* Models are saved in the ``.keras`` format.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
from keras import layers
from matplotlib.figure import Figure

from cookbook import core, plotting
from cookbook.io import save_model

NAME = "binary"
NUMBER_OF_FEATURES = 1000  # keep the 1000 most frequent words
EPOCHS = 3
BATCH_SIZE = 100


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
    network.compile(
        loss="binary_crossentropy",  # cross-entropy for two classes
        optimizer="rmsprop",
        metrics=["accuracy"],
    )
    return network


# --8<-- [end:model]


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
        train[0],  # features
        train[1],  # target vector
        epochs=epochs,
        verbose=verbose,
        batch_size=BATCH_SIZE,  # observations per gradient update
        validation_data=test,  # evaluated after every epoch
        callbacks=callbacks,
    )


# --8<-- [end:train]


def run(settings: core.Settings) -> core.Result:
    """Train the network and save it as ``OUT/binary/binary.keras``."""
    train_set, test_set, info = load_data(settings)
    network = build_network()
    epochs = settings.epochs_or(EPOCHS)
    callbacks = core.resumable(settings, NAME)  # lets `cookbook train --resume` continue
    history = core.history_dict(
        train(network, train_set, test_set, epochs, settings.verbose, callbacks)
    )
    model_file = save_model(network, settings.folder(NAME) / "binary.keras")
    return core.Result(
        history=history, metrics=core.final_metrics(history), data=info, files=[model_file]
    )


def figure(result: core.Result) -> Figure:
    """Training and test accuracy per epoch."""
    return plotting.history_figure(
        result.history, "accuracy", "Accuracy", title="Binary classification (IMDB)"
    )
