"""A feed-forward network for multiclass classification.

Which of 46 topics is a Reuters newswire about? The inputs are built exactly as for the binary
recipe -- each newswire becomes a multi-hot vector over the 5000 most frequent words -- but
the output changes with the question. Instead of one sigmoid unit there is one unit per class
with a *softmax* activation, which turns the 46 outputs into probabilities that sum to one.
The targets become one-hot rows (``keras.utils.to_categorical``): 46 columns, a 1 in the
column of the true topic. ``categorical_crossentropy`` compares the two; it is small when the
network puts a high probability on the true topic.

One number -- accuracy -- hides a lot when classes are as unbalanced as newswire topics: a
couple of topics hold most of the stories, and a network can score well by getting those
right while never predicting a rare topic at all. The figure therefore breaks the test
accuracy down per class, next to how many test stories each class has. (A confusion matrix
would also show *which* topics are mistaken for which, but with 46 topics its 2116 cells are
almost all empty and one crowded topic sets the colour scale; the bars tell the imbalance
story at a glance.)

What changed since Keras 2:

* ``keras.preprocessing.text.Tokenizer`` is gone; :func:`cookbook.data.multi_hot` builds the
  same multi-hot matrix with NumPy, as ``uint8``.
* ``keras.utils.to_categorical`` (``keras.utils.np_utils`` is gone), here told the number of
  classes: the chapter let it infer the width from the largest label, which gives training
  and test targets of different widths whenever a split lacks the last topic.
* The input is declared with ``keras.Input(shape=...)`` instead of ``input_shape=``; history
  keys are ``accuracy`` / ``val_accuracy``; models are saved in the ``.keras`` format.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
from keras import layers
from matplotlib.figure import Figure

from cookbook import core, data, plotting
from cookbook.io import save_model

NAME = "multiclass"
NUMBER_OF_FEATURES = 5000  # keep the 5000 most frequent words
NUMBER_OF_CLASSES = 46  # Reuters topics
EPOCHS = 3
BATCH_SIZE = 100


# --8<-- [start:data]
def load_data(settings: core.Settings) -> tuple[Any, Any, dict[str, Any]]:
    """Reuters newswires as multi-hot matrices and one-hot topics, with where they came from."""
    source = data.resolve_source("reuters", settings.data)
    loaded = data.load_reuters(
        num_words=NUMBER_OF_FEATURES, source=source, size=settings.size, seed=settings.seed
    )
    (train_features, train_topic), (test_features, test_topic) = data.multi_hot_split(
        loaded, NUMBER_OF_FEATURES
    )
    train = (train_features, keras.utils.to_categorical(train_topic, NUMBER_OF_CLASSES))
    test = (test_features, keras.utils.to_categorical(test_topic, NUMBER_OF_CLASSES))
    info = core.data_info("reuters", source, settings, len(train_topic), len(test_topic))
    return train, test, info


# --8<-- [end:data]


# --8<-- [start:model]
def build_network(
    number_of_features: int = NUMBER_OF_FEATURES, number_of_classes: int = NUMBER_OF_CLASSES
) -> keras.Sequential:
    """Two hidden layers of 100 ReLU units and a softmax output with one unit per topic."""
    network = keras.Sequential(
        [
            keras.Input(shape=(number_of_features,)),
            layers.Dense(units=100, activation="relu"),
            layers.Dense(units=100, activation="relu"),
            # One probability per topic; the 46 probabilities sum to 1.
            layers.Dense(units=number_of_classes, activation="softmax"),
        ]
    )
    network.compile(
        loss="categorical_crossentropy",  # cross-entropy for one-hot targets
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
        train[0],
        train[1],
        epochs=epochs,
        verbose=verbose,
        batch_size=BATCH_SIZE,
        validation_data=test,
        callbacks=callbacks,
    )


# --8<-- [end:train]


# --8<-- [start:evaluate]
def per_class_accuracy(
    network: keras.Model, test: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """For every class: the share of its test examples predicted correctly, and their number.

    A class without test examples gets ``nan`` (there is nothing to be right or wrong about).
    """
    predicted = network.predict(test[0], batch_size=1000, verbose=0).argmax(axis=1)
    true = test[1].argmax(axis=1)
    classes = test[1].shape[1]
    support = np.bincount(true, minlength=classes)
    correct = np.bincount(true[predicted == true], minlength=classes)
    with np.errstate(invalid="ignore", divide="ignore"):
        accuracy = np.where(support > 0, correct / support, np.nan)
    return accuracy, support


# --8<-- [end:evaluate]


def run(settings: core.Settings) -> core.Result:
    """Train the network, save it as ``OUT/multiclass/multiclass.keras``, and measure the
    test accuracy of every class."""
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
    model_file = save_model(network, settings.folder(NAME) / "multiclass.keras")

    accuracy, support = per_class_accuracy(network, test_set)
    present = support > 0
    details = {
        # JSON has no NaN: classes absent from the test data are recorded as None.
        "per_class_accuracy": [None if np.isnan(a) else round(float(a), 4) for a in accuracy],
        "test_support": [int(n) for n in support],
        "train_support": [int(n) for n in train_set[1].sum(axis=0)],
        "classes_never_right": int(((accuracy == 0) & present).sum()),
        "classes_in_test": int(present.sum()),
    }
    return core.Result(
        history=history,
        metrics=core.final_metrics(history),
        data=info,
        files=[model_file],
        details=details,
    )


def figure(result: core.Result) -> Figure:
    """Test accuracy of every topic, most frequent first, above the number of test stories."""
    accuracy = np.array(
        [np.nan if a is None else a for a in result.details["per_class_accuracy"]], dtype=float
    )
    support = np.array(result.details["test_support"])
    # Most frequent topics first; a stable sort keeps equal counts in class order.
    order = [int(c) for c in np.argsort(-support, kind="stable") if support[c] > 0]
    positions = np.arange(len(order))

    fig, (top, bottom) = plotting.new_figure(
        2, 1, size=(8.0, 5.6), sharex=True, gridspec_kw={"height_ratios": [2, 1]}
    )
    top.bar(positions, accuracy[order], color="tab:blue", width=0.8, label="Accuracy of the topic")
    # A bar of height 0 is invisible: mark the topics the network never gets right.
    never = positions[accuracy[order] == 0]
    top.scatter(
        never,
        np.full(len(never), 0.03),
        marker="x",
        color="tab:red",
        s=25,
        label="Never predicted correctly",
    )
    overall = result.history["val_accuracy"][-1]
    top.axhline(
        overall,
        color="tab:red",
        linestyle="--",
        linewidth=1.5,
        label=f"Overall test accuracy ({overall:.0%})",
    )
    top.set_ylim(0, 1.05)
    top.set_ylabel("Test accuracy")
    top.set_title(
        "One accuracy hides many: test accuracy per topic\n"
        f"{len(never)} of {len(order)} topics in the test set never predicted correctly"
    )
    top.legend(loc="upper right")
    for ax in (top, bottom):
        ax.grid(axis="x", visible=False)  # one vertical line per topic would be clutter

    bottom.bar(positions, support[order], color="0.55", width=0.8)
    bottom.set_yscale("log")  # one topic has hundreds of stories, many have a handful
    bottom.set_ylabel("Test stories")
    bottom.set_xlabel("Topic (class id), most frequent first")
    bottom.set_xticks(positions)
    bottom.set_xticklabels([str(c) for c in order], rotation=90, fontsize=7)
    bottom.set_xlim(-0.7, len(order) - 0.3)
    return fig
