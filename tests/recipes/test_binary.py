"""The binary classifier: the chapter's 16-16-1 network, trained, saved and drawn."""

from __future__ import annotations

import math

import keras
from conftest import is_png


def test_network_is_the_chapters(trained):
    network = trained("binary").namespace["network"]
    dense = [layer for layer in network.layers if isinstance(layer, keras.layers.Dense)]
    assert [layer.units for layer in dense] == [16, 16, 1]
    assert [layer.activation.__name__ for layer in dense] == ["relu", "relu", "sigmoid"]
    assert network.input_shape == (None, 1000)


def test_trains_three_epochs_and_learns(trained):
    record = trained("binary").record
    history = record["history"]
    assert record["epochs"] == 3
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert history["loss"][-1] < history["loss"][0]
    # The results the program prints are the last epoch's test numbers.
    assert math.isclose(record["results"]["test_accuracy"], history["val_accuracy"][-1])


def test_saved_model_reproduces_the_test_accuracy(trained):
    outcome = trained("binary")
    folder = outcome.written[0].parent
    model = keras.models.load_model(folder / "binary.keras")
    namespace = outcome.namespace
    _, accuracy = model.evaluate(namespace["test_features"], namespace["test_target"], verbose=0)
    assert math.isclose(accuracy, outcome.record["results"]["test_accuracy"], abs_tol=1e-6)
    assert is_png(folder / "binary.png")
