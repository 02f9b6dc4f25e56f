"""Dropout: the chapter's layers where it puts them, saved after its epochs, and a comparison
that continues that same training beside the same network without dropout."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
from conftest import is_png, saved_model


def dense_layers(model: keras.Model) -> list[tuple[int, str]]:
    return [
        (layer.units, layer.activation.__name__)
        for layer in model.layers
        if isinstance(layer, keras.layers.Dense)
    ]


def test_dropout_layers_sit_where_the_chapter_puts_them(trained):
    model = saved_model(trained("dropout"))
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Dropout", "Dense", "Dropout", "Dense", "Dropout", "Dense"]
    rates = [layer.rate for layer in model.layers if isinstance(layer, keras.layers.Dropout)]
    assert rates == pytest.approx([0.2, 0.5, 0.5])
    assert dense_layers(model) == [(16, "relu"), (16, "relu"), (1, "sigmoid")]
    assert model.input_shape == (None, 1000)


def test_saved_model_is_the_chapters_after_its_epochs(trained):
    outcome = trained("dropout")
    record, namespace = outcome.record, outcome.namespace
    assert record["epochs"] == 3 and len(namespace["history"].history["loss"]) == 3
    features, target = namespace["test_features"], namespace["test_target"]
    loss, accuracy = saved_model(outcome).evaluate(features, target, verbose=0)
    assert math.isclose(loss, record["results"]["test_loss"], abs_tol=1e-5)
    assert math.isclose(accuracy, record["results"]["test_accuracy"], abs_tol=1e-6)
    # The network trained on afterwards: the file is not the longer-trained network.
    longer_loss, _ = namespace["network"].evaluate(features, target, verbose=0)
    assert longer_loss == pytest.approx(namespace["with_dropout"]["val_loss"][-1], abs=1e-5)
    assert not math.isclose(loss, longer_loss, abs_tol=1e-3)


def test_dropout_acts_only_while_training(trained):
    model = saved_model(trained("dropout"))
    features = trained("dropout").namespace["test_features"][:50]
    predicted = model.predict(features, verbose=0)
    np.testing.assert_array_equal(predicted, model.predict(features, verbose=0))
    np.testing.assert_allclose(predicted, keras.ops.convert_to_numpy(model(features)), atol=1e-6)
    thinned = keras.ops.convert_to_numpy(model(features, training=True))
    assert not np.allclose(thinned, predicted, atol=1e-4)


def test_comparison_continues_the_chapters_training(trained):
    namespace = trained("dropout").namespace
    epochs, extra = namespace["epochs"], namespace["extra_epochs"]
    assert (epochs, extra) == (3, 7)
    with_dropout, without = namespace["with_dropout"], namespace["without_dropout"]
    chapter = namespace["history"].history
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        assert len(with_dropout[key]) == len(without[key]) == epochs + extra
        # The first epochs are the chapter's own training, continued, not a new one.
        assert with_dropout[key][:epochs] == chapter[key]
    assert without["val_loss"][:epochs] != pytest.approx(chapter["val_loss"], rel=1e-3)


def test_comparison_network_is_the_same_without_dropout(trained):
    namespace = trained("dropout").namespace
    network, twin = namespace["network"], namespace["network_without_dropout"]
    assert not any(isinstance(layer, keras.layers.Dropout) for layer in twin.layers)
    assert dense_layers(twin) == dense_layers(network)
    assert twin.count_params() == network.count_params()


def test_comparison_rows_read_the_curves(trained):
    namespace = trained("dropout").namespace
    rows = trained("dropout").record["results"]["comparison"]
    assert [row["network"] for row in rows] == ["with dropout", "without dropout"]
    curves_of = (namespace["with_dropout"], namespace["without_dropout"])
    for row, curves in zip(rows, curves_of, strict=True):
        assert row["lowest_test_loss"] == pytest.approx(min(curves["val_loss"]), rel=1e-5)
        assert row["at_epoch"] == int(np.argmin(curves["val_loss"])) + 1
        assert row["last_test_loss"] == pytest.approx(curves["val_loss"][-1], rel=1e-5)
        assert row["last_test_accuracy"] == pytest.approx(curves["val_accuracy"][-1], rel=1e-5)


def test_figure_draws_both_networks_and_the_chapters_end(trained):
    outcome = trained("dropout")
    namespace = outcome.namespace
    axes = namespace["figure"].axes[0]
    lines = {line.get_label(): line for line in axes.get_lines()}
    for name in ("with dropout", "without dropout"):
        curves = namespace[name.replace(" ", "_")]
        assert list(lines[f"Training loss, {name}"].get_ydata()) == curves["loss"]
        assert list(lines[f"Test loss, {name}"].get_ydata()) == curves["val_loss"]
        assert list(lines[f"Test loss, {name}"].get_xdata()) == list(range(1, 11))
    stop = [line for line in axes.get_lines() if list(line.get_xdata()) == [3, 3]]
    assert len(stop) == 1
    assert is_png(outcome.written[0].parent / "dropout.png")


def test_every_training_gets_the_callbacks(trained):
    """The runner's callbacks (progress, and whatever a reader adds) reach every fit."""
    outcome = trained("dropout")
    assert len(outcome.fits) == 3
    for fit in outcome.fits:
        assert fit["callbacks"] == outcome.namespace["callbacks"]
        assert fit["batch_size"] == 100
