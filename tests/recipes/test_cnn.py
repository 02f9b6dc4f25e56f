"""The convolutional network: the chapter's layers on channels-last digits, its answers drawn,
and what the chapter's channels-first layout does on this machine's TensorFlow."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
from conftest import is_png


def test_network_is_the_chapters_on_channels_last_images(trained):
    network = trained("cnn").namespace["network"]
    kinds = [type(layer).__name__ for layer in network.layers]
    assert kinds == [
        "Conv2D", "MaxPooling2D", "Dropout", "Flatten", "Dense", "Dropout", "Dense",
    ]  # fmt: skip
    conv, pool, first_dropout, _, hidden, second_dropout, output = network.layers
    assert (conv.filters, tuple(conv.kernel_size)) == (64, (5, 5))
    assert conv.activation.__name__ == "relu"
    assert conv.data_format == pool.data_format == "channels_last"
    assert tuple(pool.pool_size) == (2, 2)
    assert first_dropout.rate == second_dropout.rate == 0.5
    assert (hidden.units, hidden.activation.__name__) == (128, "relu")
    assert (output.units, output.activation.__name__) == (10, "softmax")
    assert network.input_shape == (None, 28, 28, 1)


def test_images_are_scaled_with_a_channel_axis_and_targets_one_hot(trained):
    namespace = trained("cnn").namespace
    features, target = namespace["train_features"], namespace["train_target"]
    assert features.shape == (len(namespace["train_digits"]), 28, 28, 1)
    assert features.dtype == np.float32
    assert features.min() >= 0.0 and 0.5 < features.max() <= 1.0
    assert target.shape == (len(features), 10)
    np.testing.assert_array_equal(target.sum(axis=1), 1)
    np.testing.assert_array_equal(target.argmax(axis=1), namespace["train_digits"])


def test_trains_the_chapters_two_epochs(trained):
    record = trained("cnn").record
    history, results = record["history"], record["results"]
    assert record["epochs"] == 2
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert math.isclose(results["test_accuracy"], history["val_accuracy"][-1], rel_tol=1e-5)
    train_rows = record["data"][0]["train"]
    assert results["updates_per_epoch"] == math.ceil(train_rows / 1000)


def test_mistakes_are_the_saved_models_and_match_the_accuracy(trained):
    outcome = trained("cnn")
    namespace, results = outcome.namespace, outcome.record["results"]
    model = keras.models.load_model(outcome.written[0].parent / "cnn.keras")
    again = model.predict(namespace["test_features"], verbose=0).argmax(axis=1)
    np.testing.assert_array_equal(again, namespace["predicted_digits"])
    mistakes = int((again != namespace["test_digits"]).sum())
    assert results["test_mistakes"] == mistakes
    assert results["test_images"] == len(namespace["test_digits"])
    assert 1 - mistakes / results["test_images"] == pytest.approx(results["test_accuracy"])


def test_figure_marks_exactly_the_mistakes_in_red(trained):
    from matplotlib.colors import to_rgba

    outcome = trained("cnn")
    namespace = outcome.namespace
    axes = namespace["figure"].axes
    assert len(axes) == 32
    true, answers = namespace["test_digits"][:32], namespace["predicted_digits"][:32]
    red = [i for i, ax in enumerate(axes) if to_rgba(ax.title.get_color()) == to_rgba("red")]
    assert red == list(np.flatnonzero(answers != true))
    for i, ax in enumerate(axes):
        expected = f"{answers[i]}" if i not in red else f"{answers[i]} (true {true[i]})"
        assert ax.get_title() == expected
        np.testing.assert_array_equal(ax.images[0].get_array(), namespace["test_images"][i])
    assert is_png(outcome.written[0].parent / "cnn.png")


def _onednn_enabled() -> bool:
    # TensorFlow's own answer (a private module, but the one its start-up message comes from).
    port = pytest.importorskip("tensorflow.python.util._pywrap_util_port")
    return bool(port.IsMklEnabled())


def test_channels_first_runs_only_where_onednn_is_on():
    """What the page says about the chapter's layout on a CPU: without oneDNN, TensorFlow
    builds the network but refuses to run it, in eager calls and in fit alike."""
    import tensorflow as tf

    keras.utils.set_random_seed(0)
    network = keras.Sequential(
        [
            keras.Input(shape=(1, 28, 28)),
            keras.layers.Conv2D(4, (5, 5), data_format="channels_first"),
            keras.layers.MaxPooling2D((2, 2), data_format="channels_first"),
            keras.layers.Flatten(),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    network.compile(loss="categorical_crossentropy", optimizer="rmsprop")
    assert network.layers[0].compute_output_shape((None, 1, 28, 28)) == (None, 4, 24, 24)
    images = np.zeros((2, 1, 28, 28), dtype="float32")
    target = keras.utils.to_categorical([3, 7], 10)
    if _onednn_enabled():
        assert network(images).shape == (2, 10)
        network.fit(images, target, epochs=1, verbose=0)
        return
    with pytest.raises(tf.errors.UnimplementedError, match="only supports the NHWC tensor format"):
        network(images)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Conv2DCustomBackpropFilterOp only"):
        network.fit(images, target, epochs=1, verbose=0)
