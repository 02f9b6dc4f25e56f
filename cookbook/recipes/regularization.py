"""L2 weight regularisation: penalising large weights.

A network that overfits often does it with a few large weights that fit quirks of the training
data. *Weight regularisation* makes large weights expensive: it adds a penalty that grows with
the weights to the loss the optimiser minimises. With the *L2* penalty used here, each
regularised layer adds

    0.01 * sum(w ** 2 for every weight w of its kernel)

so every update also pulls each weight towards zero (by ``2 * 0.01 * w`` in the gradient,
which is why L2 is also called *weight decay*). A weight only stays large if the data keeps
paying for it; the weights of the many words that say nothing about a review's sentiment shrink
towards zero. The result is a smoother, simpler function that usually generalises better.

In Keras the penalty belongs to a layer: ``kernel_regularizer=regularizers.l2(0.01)``. The
number is the strength: larger values shrink the weights harder (too large and the network
cannot fit anything). Only the kernels are penalised, as in the chapter; the biases and the
output layer are left free.

Reach for it when the training loss keeps falling but the validation loss does not, especially
with many input features and few examples; it combines well with dropout and early stopping.

Reading the numbers: the ``loss`` and ``val_loss`` Keras reports for the regularised network
*include* the penalty, so they are higher than the plain cross-entropy and cannot be compared
with an unregularised network's loss. Compare accuracy instead, or look at the weights -- which
is what this recipe's figure does: it trains the chapter's network and, from the same seed, the
same network without the penalty, and shows both networks' first-layer weights.

What changed since Keras 2:

* Layers take their input from ``keras.Input(shape=...)``, not ``input_shape=``.
* ``keras.preprocessing.text.Tokenizer`` is gone; :func:`cookbook.data.multi_hot` builds the
  same multi-hot matrix with NumPy.
* Models are saved in the ``.keras`` format.
* Addition to the chapter: the unregularised twin, trained only for the comparison figure.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
from keras import layers, regularizers
from matplotlib.figure import Figure

from cookbook import core, plotting
from cookbook.io import save_model

NAME = "regularization"
NUMBER_OF_FEATURES = 1000  # keep the 1000 most frequent words
L2_STRENGTH = 0.01  # how strongly large weights are penalised
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
    """The chapter's network: both hidden layers carry an L2 penalty on their weights."""
    network = keras.Sequential(
        [
            keras.Input(shape=(number_of_features,)),
            layers.Dense(
                units=16,
                activation="relu",
                kernel_regularizer=regularizers.l2(L2_STRENGTH),
            ),
            layers.Dense(
                units=16,
                activation="relu",
                kernel_regularizer=regularizers.l2(L2_STRENGTH),
            ),
            layers.Dense(units=1, activation="sigmoid"),
        ]
    )
    network.compile(loss="binary_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
    return network


def build_unregularized_network(number_of_features: int = NUMBER_OF_FEATURES) -> keras.Sequential:
    """The same network without the penalty, to compare against."""
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


def first_layer_weights(network: keras.Model) -> np.ndarray:
    """The first hidden layer's kernel (one weight per word and unit), flattened."""
    return np.asarray(network.layers[0].kernel).ravel()


def weight_summary(weights: np.ndarray) -> dict[str, float]:
    """A few numbers that describe how large a layer's weights are."""
    return {
        "mean_abs": float(np.mean(np.abs(weights))),
        "max_abs": float(np.max(np.abs(weights))),
        "l2_norm": float(np.linalg.norm(weights)),
    }


def run(settings: core.Settings) -> core.Result:
    """Train the L2 network (saved as ``OUT/regularization/regularization.keras``) and, for
    the figure, the same network without L2."""
    train_set, test_set, info = load_data(settings)
    epochs = settings.epochs_or(EPOCHS)

    # Same seed before each: both networks start from the same initial weights and see the
    # batches in the same order, so the penalty is the only difference.
    core.seed_everything(settings.seed)
    network = build_network()
    history = core.history_dict(
        train(
            network, train_set, test_set, epochs, settings.verbose, core.resumable(settings, NAME)
        )
    )

    core.seed_everything(settings.seed)
    plain = build_unregularized_network()
    plain_history = core.history_dict(train(plain, train_set, test_set, epochs, settings.verbose))

    model_file = save_model(network, settings.folder(NAME) / "regularization.keras")
    weights, plain_weights = first_layer_weights(network), first_layer_weights(plain)
    metrics = core.final_metrics(history)
    metrics["unregularized_val_accuracy"] = plain_history["val_accuracy"][-1]
    return core.Result(
        history=history,
        metrics=metrics,
        data=info,
        files=[model_file],
        details={
            "l2": L2_STRENGTH,
            "unregularized_history": plain_history,
            "first_layer_weights": {
                "with_l2": weight_summary(weights),
                "without_l2": weight_summary(plain_weights),
            },
        },
        artifacts={
            "weights": weights,
            "plain_weights": plain_weights,
            "plain_history": plain_history,
        },
    )


def figure(result: core.Result) -> Figure:
    """First-layer weights with and without L2, and both networks' validation accuracy."""
    weights, plain = result.artifacts["weights"], result.artifacts["plain_weights"]
    l2 = result.details["l2"]
    fig, (left, right) = plotting.new_figure(1, 2, size=(10.0, 4.6))

    # Same bins for both, wide enough for the larger weights.
    limit = float(max(np.abs(weights).max(), np.abs(plain).max()))
    bins = np.linspace(-limit, limit, 61)
    left.hist(plain, bins=bins, color="tab:orange", alpha=0.5, label="Without L2")
    left.hist(weights, bins=bins, color="tab:green", alpha=0.6, label=f"With L2 ({l2})")
    left.set_xlabel("First-layer weight")
    left.set_ylabel("Number of weights")
    left.set_title("L2 pulls the weights towards zero")
    left.legend()

    with_l2 = result.history["val_accuracy"]
    without = result.artifacts["plain_history"]["val_accuracy"]
    epochs = list(plotting.epochs_axis(with_l2))
    right.plot(epochs, without, label="Without L2", color="tab:orange", marker="o")
    right.plot(epochs, with_l2, label=f"With L2 ({l2})", color="tab:green", marker="o")
    right.set_xlabel("Epoch")
    right.set_ylabel("Validation (test) accuracy")
    right.set_xticks(epochs)
    right.set_title("Accuracy on unseen reviews")
    right.legend()
    fig.suptitle("L2 weight regularisation (IMDB)")
    return fig
