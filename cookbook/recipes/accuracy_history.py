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
* ``keras.preprocessing.text.Tokenizer`` is gone; :func:`cookbook.data.multi_hot` builds the
  same 0/1 matrix with NumPy, as ``uint8``.
* The input shape is declared with ``keras.Input(shape=...)``, not ``input_shape=``.
* Models are saved in the ``.keras`` format.

Departure from the chapter: the chapter trains this same network twice, once for the loss
figure and once for this one. We train it once: this recipe and ``loss-history`` each build
the network, and :func:`cookbook.core.train_once` lets the second one reuse the first one's
training (same network, data, seed, epochs and batch size) when both run in one process.
"""

from __future__ import annotations

import json
from typing import Any

import keras
import numpy as np
from keras import layers
from matplotlib.figure import Figure

from cookbook import core, data, plotting
from cookbook.io import save_model

NAME = "accuracy-history"
NUMBER_OF_FEATURES = 10000  # keep the 10000 most frequent words
EPOCHS = 15
BATCH_SIZE = 1000


# --8<-- [start:data]
def load_data(settings: core.Settings) -> tuple[Any, Any, dict[str, Any]]:
    """IMDB reviews as multi-hot matrices of the 10000 most frequent words."""
    source = data.resolve_source("imdb", settings.data)
    loaded = data.load_imdb(
        num_words=NUMBER_OF_FEATURES, source=source, size=settings.size, seed=settings.seed
    )
    train, test = data.multi_hot_split(loaded, NUMBER_OF_FEATURES)
    info = core.data_info("imdb", source, settings, len(train[1]), len(test[1]))
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
    train: tuple[np.ndarray, np.ndarray],
    test: tuple[np.ndarray, np.ndarray],
    epochs: int = EPOCHS,
    verbose: int = 0,
) -> keras.callbacks.History:
    """Fit, scoring the test data after every epoch: that fills the ``val_`` history keys."""
    return network.fit(
        train[0],
        train[1],
        epochs=epochs,
        verbose=verbose,
        batch_size=BATCH_SIZE,
        validation_data=test,
    )


# --8<-- [end:train]


def network_key(network: keras.Model) -> str:
    """The network's configuration (``to_json``) without the names Keras numbers on its own.

    Two identical networks built in one process are named ``dense``/``dense_3``,
    ``rm_sprop``/``rm_sprop_1``...; without the names their configurations are equal.
    """

    def without_names(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: without_names(value) for key, value in node.items() if key != "name"}
        if isinstance(node, list):
            return [without_names(value) for value in node]
        return node

    return json.dumps(without_names(json.loads(network.to_json())), sort_keys=True)


def run(settings: core.Settings) -> core.Result:
    """Train (or reuse the identical training of ``loss-history``) and save the model."""
    network = build_network()
    epochs = settings.epochs_or(EPOCHS)
    key = {
        "network": network_key(network),
        "dataset": "imdb",
        "num_words": NUMBER_OF_FEATURES,
        "source": data.resolve_source("imdb", settings.data),
        "size": settings.size,
        "seed": settings.seed,
        "epochs": epochs,
        "batch_size": BATCH_SIZE,
    }

    def train_network() -> tuple[keras.Model, dict[str, list[float]], dict[str, Any]]:
        train_set, test_set, info = load_data(settings)
        history = train(network, train_set, test_set, epochs, settings.verbose)
        return network, core.history_dict(history), info

    trainings_before = core.training_count()
    trained, history, info = core.train_once(key, train_network)
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
            "shared_training": core.training_count() == trainings_before,
        },
    )


def figure(result: core.Result) -> Figure:
    """Training accuracy (red dashed) and test accuracy (blue solid) per epoch."""
    fig = plotting.history_figure(
        result.history, "accuracy", "Accuracy", title="Accuracy history: training vs test (IMDB)"
    )
    fig.axes[0].set_ylabel("Accuracy Score")  # the chapter's axis label
    return fig
