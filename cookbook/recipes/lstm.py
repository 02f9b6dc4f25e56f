"""An LSTM recurrent network for sentiment.

A multi-hot vector (the binary and dropout recipes) records *which* words a review uses but
forgets their order: "not good, bad" and "not bad, good" look the same. A *recurrent* network
reads the words one at a time, in order, and carries a state from each word to the next -- a
running summary of what it has read so far. The long short-term memory (LSTM) layer is the
popular kind: learned gates decide, at every word, what to keep in its state, what to forget
and what to pass on, which lets information survive over long stretches of text.

Three layers do the work here:

* ``pad_sequences(..., maxlen=400)`` makes every review exactly 400 word ids long, so reviews
  can be stacked into one array: shorter ones get zeros in front, longer ones lose their
  beginning (both are Keras's defaults, and both keep the end of the review next to the
  LSTM's output).
* ``Embedding(1000, 128)`` replaces each word id by a learned vector of 128 numbers, so words
  used alike end up with similar vectors.
* ``LSTM(128)`` reads the 400 vectors in order and hands its final 128-number state to one
  sigmoid unit: the probability that the review is positive.

Recurrent layers are slow on a CPU: each of the 400 steps waits for the one before. The chapter
trains with 1000 reviews per batch, so every epoch over the 25000 real reviews makes only 25
weight updates, and an LSTM needs many updates before its loss leaves the 0.69 of a 50/50 guess.

On the offline sample at the default ``small`` size the recipe keeps only the first
``SMALL_SUBSET`` training and test reviews, so it runs in seconds rather than minutes; with the
chapter's batch of 1000 that is 2 updates per epoch, far too few for the network to learn,
and the figure shows exactly that. More data (``--size full`` or the real data) and more
epochs give it more updates; even so, with batches this large it learns slowly (on 5000
sample reviews the test loss only starts to fall clearly after some 50 updates).

What changed since Keras 2:

* ``keras.utils.pad_sequences`` (``keras.preprocessing.sequence`` is gone).
* The input is declared with ``keras.Input(shape=(400,))``; Keras 2 inferred it from the data.
* History keys are ``accuracy`` / ``val_accuracy``; models are saved in the ``.keras`` format.
* At the ``small`` size of the offline sample, a subset of the reviews (see above), to keep
  the recipe quick; every other size and the real data use all of them.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
from keras import layers
from matplotlib.figure import Figure

from cookbook import core, data, plotting
from cookbook.io import save_model

NAME = "lstm"
NUMBER_OF_FEATURES = 1000  # keep the 1000 most frequent words
SEQUENCE_LENGTH = 400  # pad or cut every review to 400 word ids
EPOCHS = 3
BATCH_SIZE = 1000
#: Training and test reviews kept from the offline sample at the ``small`` size: an LSTM over
#: 400 steps costs about 3 ms per review per epoch on two CPU cores.
SMALL_SUBSET = (2000, 500)


def uses_subset(source: str, settings: core.Settings) -> bool:
    """Whether only ``SMALL_SUBSET`` reviews are used: the offline sample at ``small`` size."""
    return source == "sample" and settings.size == "small"


# --8<-- [start:data]
def pad(sequences: Any) -> np.ndarray:
    """Word-id sequences as one ``(n, 400)`` array: zeros in front of short ones, long ones cut."""
    return keras.utils.pad_sequences(sequences, maxlen=SEQUENCE_LENGTH)


def load_data(settings: core.Settings) -> tuple[Any, Any, dict[str, Any]]:
    """IMDB reviews as padded word-id sequences, with where they came from."""
    source = data.resolve_source("imdb", settings.data)
    (train_data, train_target), (test_data, test_target) = data.load_imdb(
        num_words=NUMBER_OF_FEATURES, source=source, size=settings.size, seed=settings.seed
    )
    if uses_subset(source, settings):
        # Fewer reviews, so the recipe runs in seconds on a CPU (see the module docstring).
        n_train, n_test = SMALL_SUBSET
        train_data, train_target = train_data[:n_train], train_target[:n_train]
        test_data, test_target = test_data[:n_test], test_target[:n_test]
    train = (pad(train_data), train_target)
    test = (pad(test_data), test_target)
    info = core.data_info("imdb", source, settings, len(train_target), len(test_target))
    return train, test, info


# --8<-- [end:data]


# --8<-- [start:model]
def build_network(number_of_features: int = NUMBER_OF_FEATURES) -> keras.Sequential:
    """Word embeddings, an LSTM of 128 units, and one sigmoid output unit."""
    network = keras.Sequential(
        [
            keras.Input(shape=(SEQUENCE_LENGTH,)),
            # Each word id becomes a learned vector of 128 numbers.
            layers.Embedding(input_dim=number_of_features, output_dim=128),
            # Reads the 400 vectors in order; passes on its final state only.
            layers.LSTM(units=128),
            layers.Dense(units=1, activation="sigmoid"),
        ]
    )
    network.compile(
        loss="binary_crossentropy",  # cross-entropy for two classes
        optimizer="adam",
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
    """Fit on the training reviews, evaluating on the test reviews after every epoch."""
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


def run(settings: core.Settings) -> core.Result:
    """Train the network and save it as ``OUT/lstm/lstm.keras``."""
    train_set, test_set, info = load_data(settings)
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
    model_file = save_model(network, settings.folder(NAME) / "lstm.keras")
    updates_per_epoch = -(-len(train_set[0]) // BATCH_SIZE)  # ceiling division
    return core.Result(
        history=history,
        metrics=core.final_metrics(history),
        data=info,
        files=[model_file],
        details={
            "sequence_length": int(train_set[0].shape[1]),
            "updates_per_epoch": updates_per_epoch,
            "subset": uses_subset(info["source"], settings),
        },
    )


def figure(result: core.Result) -> Figure:
    """Training and test loss per epoch, against the loss of a 50/50 guess."""
    epochs = len(result.history["loss"])
    updates = result.details["updates_per_epoch"] * epochs
    fig = plotting.history_figure(
        result.history,
        "loss",
        "Loss",
        title=f"LSTM on movie reviews: {updates} weight updates in {epochs} epochs",
    )
    ax = fig.axes[0]
    ax.set_ylabel("Loss (binary cross-entropy)")
    # A network that always answers 0.5 has a binary cross-entropy of ln 2 = 0.69.
    ax.axhline(np.log(2), color="0.4", linestyle=":", linewidth=1.5, label="50/50 guess (ln 2)")
    # From zero: a loss that hardly moves must look flat, not be magnified into a slope.
    highest = max(max(result.history["loss"]), max(result.history["val_loss"]), np.log(2))
    ax.set_ylim(0, highest * 1.15)
    ax.legend(loc="lower left")
    return fig
