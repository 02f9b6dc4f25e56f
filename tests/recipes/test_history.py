"""Loss and accuracy history: one program, one training, two figures; the 10000-word data
streamed in float32 batches, never built as a matrix."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import is_png, tiny_settings

from cookbook import data

PAIR = ["loss-history", "accuracy-history"]


def lines_of(figure) -> dict:
    return {line.get_label(): line for line in figure.axes[0].get_lines()}


def test_network_is_the_chapters(trained):
    outcome = trained("loss-history")
    for model in (
        outcome.namespace["network"],
        keras.models.load_model(outcome.written[0].parent / "history.keras"),
    ):
        dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
        assert [layer.units for layer in dense] == [16, 16, 1]
        assert [layer.activation.__name__ for layer in dense] == ["relu", "relu", "sigmoid"]
        assert model.input_shape == (None, 10000)


def test_data_is_streamed_in_float32_batches(trained):
    namespace = trained("loss-history").namespace
    train_batches, test_batches = namespace["train_batches"], namespace["test_batches"]
    for batches in (train_batches, test_batches):
        assert isinstance(batches, tf.data.Dataset)
        features_spec, _ = batches.element_spec
        assert features_spec.dtype == tf.float32
        assert features_spec.shape.as_list() == [None, 10000]
    # No variable of the program holds a multi-hot matrix, except the one batch it shows.
    wide = [
        name
        for name, value in namespace.items()
        if isinstance(value, (np.ndarray, tf.Tensor))
        and len(value.shape) == 2
        and value.shape[-1] == 10000
    ]
    assert wide == ["batch_features"]
    assert namespace["batch_features"].dtype == tf.float32


def test_batches_hold_the_multi_hot_rows(trained):
    namespace = trained("loss-history").namespace
    # The test batches keep their order: row for row what data.multi_hot gives.
    test_rows = np.concatenate([x.numpy() for x, _ in namespace["test_batches"]])
    expected = data.multi_hot(namespace["test_data"], 10000)
    np.testing.assert_array_equal(test_rows, expected)
    # The training batches are shuffled: every review once per epoch, in batches of 1000.
    sizes, column_counts, positives = [], np.zeros(10000), 0
    for x, y in namespace["train_batches"]:
        sizes.append(len(x))
        column_counts += x.numpy().sum(axis=0)
        positives += int(y.numpy().sum())
    reviews = len(namespace["train_target"])
    assert sum(sizes) == reviews and max(sizes) <= 1000
    train_rows = data.multi_hot(namespace["train_data"], 10000)
    np.testing.assert_array_equal(column_counts, train_rows.sum(axis=0))
    assert positives == int(namespace["train_target"].sum())


def test_trains_the_chapters_fifteen_epochs(trained):
    record = trained("loss-history").record
    history = record["history"]
    assert record["epochs"] == 15
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(values) == 15 for values in history.values())
    assert history["loss"][-1] < history["loss"][0]
    assert history["accuracy"][-1] > history["accuracy"][0]


def test_one_run_serves_both_pages(trained):
    loss, accuracy = (trained(name) for name in PAIR)
    assert loss.record["results"] == accuracy.record["results"]
    for outcome in (loss, accuracy):
        folder = outcome.written[0].parent
        assert sorted(outcome.record["files"]) == [
            "accuracy_history.png",
            "history.keras",
            "loss_history.png",
        ]
        assert is_png(folder / "loss_history.png") and is_png(folder / "accuracy_history.png")


def test_the_pair_trains_one_network_once(tmp_path, monkeypatch):
    from cookbook import runner

    calls = []
    original = keras.Model.fit

    def counting_fit(self, *args, **kwargs):
        calls.append(kwargs.get("epochs"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(keras.Model, "fit", counting_fit)
    outcomes = runner.train(PAIR, tiny_settings(tmp_path, epochs=1))
    assert [outcome.status for outcome in outcomes] == ["done", "done"]
    assert calls == [1]


def test_figures_draw_the_recorded_curves(trained):
    namespace = trained("loss-history").namespace
    curves, results = namespace["history"].history, namespace["results"]
    epochs = list(range(1, 16))
    loss_lines = lines_of(namespace["loss_figure"])
    assert list(loss_lines["Training loss"].get_ydata()) == curves["loss"]
    assert list(loss_lines["Test loss"].get_ydata()) == curves["val_loss"]
    assert list(loss_lines["Test loss"].get_xdata()) == epochs
    assert (
        list(loss_lines["Lowest test loss"].get_xdata()) == [results["lowest_test_loss_epoch"]] * 2
    )
    accuracy_lines = lines_of(namespace["accuracy_figure"])
    assert list(accuracy_lines["Training accuracy"].get_ydata()) == curves["accuracy"]
    assert list(accuracy_lines["Test accuracy"].get_ydata()) == curves["val_accuracy"]
    marked = list(accuracy_lines["Highest test accuracy"].get_xdata())
    assert marked == [results["highest_test_accuracy_epoch"]] * 2
    assert namespace["accuracy_figure"].axes[0].get_ylabel() == "Accuracy Score"


def test_saved_model_is_the_last_epochs_network(trained):
    outcome = trained("accuracy-history")
    model = keras.models.load_model(outcome.written[0].parent / "history.keras")
    loss, accuracy = model.evaluate(outcome.namespace["test_batches"], verbose=0)
    curves = outcome.namespace["history"].history
    assert math.isclose(loss, curves["val_loss"][-1], rel_tol=1e-5)
    assert accuracy == pytest.approx(curves["val_accuracy"][-1], abs=1e-6)
