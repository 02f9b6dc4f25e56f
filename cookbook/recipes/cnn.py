"""A convolutional network for handwritten digits.

A feed-forward network can read an image as one long row of pixels, but it then ignores two
things that matter. It does not know which pixels are neighbours -- pixel 10 and pixel 11 of a
flattened row may sit at opposite edges of the image -- and whatever it learns about a stroke
in one place it must learn again for every other place the stroke could appear.

A *convolutional* layer fixes both. ``Conv2D(64, (5, 5))`` slides 64 small 5x5 filters over
the image; each filter's weights are shared by every position, so a filter that responds to a
curve responds to it anywhere, and each output only looks at a local patch of neighbouring
pixels. ``MaxPooling2D((2, 2))`` then keeps the strongest response in every 2x2 block, halving
the image's height and width and making the network indifferent to shifts of a pixel or so.
``Flatten`` turns the resulting stack of feature maps into one vector for the ``Dense`` layers
that make the decision; ``Dropout`` after the pooling and after the hidden layer fights
overfitting. The output layer has one softmax unit per digit, so ``categorical_crossentropy``
with one-hot targets (``keras.utils.to_categorical``) is the loss.

Images go in as ``(height, width, channels)``: 28x28 pixels, one grey channel, pixel values
scaled from 0..255 to 0..1.

The chapter's settings were made for the 60000 real MNIST images: a batch of 1000 gives 60
weight updates per epoch. The offline sample at the default ``small`` size has 6000 training
images, so the same settings give only 6 updates per epoch and 12 in all: the network learns
(well above the 10% of guessing) but is far from finished, and the figure's red labels show
which digits it still confuses. Train longer (``--epochs``) or on more data to see it improve.

What changed since Keras 2:

* ``channels_last`` instead of the chapter's ``channels_first``: TensorFlow's CPU kernels do
  not support ``channels_first`` convolutions directly (Keras 3 inserts transposes and runs
  twice as slowly), and ``channels_last`` is the Keras default, so no global setting is needed.
* ``keras.layers.Conv2D`` / ``MaxPooling2D`` (``keras.layers.convolutional`` is gone) and
  ``keras.utils.to_categorical`` (``keras.utils.np_utils`` is gone).
* The input is declared with ``keras.Input(shape=(28, 28, 1))`` instead of ``input_shape=``.
* Pixels are scaled to ``float32`` rather than NumPy's default ``float64``: half the memory,
  and Keras computes in ``float32`` anyway.
* ``to_categorical`` is told the number of classes, so a small sample that happens to miss
  the digit 9 still gets 10 columns.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
from keras import layers
from matplotlib.figure import Figure

from cookbook import core, data, plotting
from cookbook.io import save_model

NAME = "cnn"
CHANNELS = 1  # grey-scale images
HEIGHT = 28
WIDTH = 28
NUMBER_OF_CLASSES = 10  # the digits 0..9
EPOCHS = 2
BATCH_SIZE = 1000
#: The figure shows the first test digits in a grid of this many rows and columns.
GRID = (4, 8)


# --8<-- [start:data]
def prepare_images(images: np.ndarray) -> np.ndarray:
    """``(n, 28, 28)`` uint8 images as ``(n, 28, 28, 1)`` float32 values in 0..1."""
    images = images.reshape(images.shape[0], HEIGHT, WIDTH, CHANNELS)  # channels last
    return images.astype("float32") / 255


def load_data(settings: core.Settings) -> tuple[Any, Any, dict[str, Any]]:
    """MNIST digits as scaled images and one-hot targets, with where they came from."""
    source = data.resolve_source("mnist", settings.data)
    (train_data, train_target), (test_data, test_target) = data.load_mnist(
        source=source, size=settings.size, seed=settings.seed
    )
    train = (
        prepare_images(train_data),
        keras.utils.to_categorical(train_target, NUMBER_OF_CLASSES),
    )
    test = (
        prepare_images(test_data),
        keras.utils.to_categorical(test_target, NUMBER_OF_CLASSES),
    )
    info = core.data_info("mnist", source, settings, len(train_target), len(test_target))
    return train, test, info


# --8<-- [end:data]


# --8<-- [start:model]
def build_network(number_of_classes: int = NUMBER_OF_CLASSES) -> keras.Sequential:
    """Convolution, pooling and dropout, then a dense hidden layer and a softmax output."""
    network = keras.Sequential(
        [
            keras.Input(shape=(HEIGHT, WIDTH, CHANNELS)),
            # 64 filters of 5x5 pixels, each looking for one local pattern everywhere.
            layers.Conv2D(filters=64, kernel_size=(5, 5), activation="relu"),
            # Keep the strongest response of every 2x2 block: 24x24 maps become 12x12.
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Dropout(0.5),
            layers.Flatten(),  # 12 x 12 x 64 feature maps -> one vector of 9216 values
            layers.Dense(128, activation="relu"),
            layers.Dropout(0.5),
            layers.Dense(number_of_classes, activation="softmax"),
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
    """Fit on the training images, evaluating on the test images after every epoch."""
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


# --8<-- [start:predict]
def predict_digits(network: keras.Model, images: np.ndarray) -> np.ndarray:
    """The most probable digit for each image."""
    probabilities = network.predict(images, batch_size=BATCH_SIZE, verbose=0)
    return probabilities.argmax(axis=1)


# --8<-- [end:predict]


def run(settings: core.Settings) -> core.Result:
    """Train the network, save it as ``OUT/cnn/cnn.keras``, and predict the test digits."""
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
    model_file = save_model(network, settings.folder(NAME) / "cnn.keras")

    predicted = predict_digits(network, test_set[0])
    true = test_set[1].argmax(axis=1)
    shown = GRID[0] * GRID[1]
    return core.Result(
        history=history,
        metrics=core.final_metrics(history),
        data=info,
        files=[model_file],
        details={
            "test_mistakes": int((predicted != true).sum()),
            "test_images": len(true),
            "updates_per_epoch": -(-len(train_set[0]) // BATCH_SIZE),  # ceiling division
        },
        artifacts={
            "images": test_set[0][:shown, :, :, 0],
            "true": true[:shown],
            "predicted": predicted[:shown],
        },
    )


def figure(result: core.Result) -> Figure:
    """The first test digits with the network's predictions; mistakes in red."""
    images = result.artifacts["images"]
    true, predicted = result.artifacts["true"], result.artifacts["predicted"]
    rows, cols = GRID
    fig, axes = plotting.new_figure(rows, cols, size=(8.0, 6.4))
    for i, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        if i >= len(images):
            ax.set_axis_off()
            continue
        ax.imshow(images[i], cmap="gray_r", vmin=0.0, vmax=1.0)
        right = predicted[i] == true[i]
        colour = "black" if right else "tab:red"
        # Two lines for a mistake, so neighbouring titles never run into each other.
        title = f"{predicted[i]}" if right else f"pred {predicted[i]}\n(true {true[i]})"
        ax.set_title(title, color=colour, fontsize=10, fontweight="normal" if right else "bold")
        for spine in ax.spines.values():
            # A red frame makes each mistake findable at a glance.
            spine.set_visible(not right)
            spine.set_color("tab:red")
            spine.set_linewidth(2.0)
    wrong = int((np.asarray(predicted) != np.asarray(true)).sum())
    accuracy = result.history["val_accuracy"][-1]
    updates = result.details["updates_per_epoch"] * len(result.history["val_accuracy"])
    fig.suptitle(
        f"The network's answers for the first {len(images)} test digits: {wrong} wrong (red)\n"
        f"test accuracy {accuracy:.1%} after {updates} weight updates"
    )
    return fig
