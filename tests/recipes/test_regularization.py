"""L2 regularisation: the penalty on the chapter's two hidden layers, a reported loss that is
the cross-entropy plus that penalty, and a twin without it whose weights are larger."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
from conftest import is_png, saved_model


def cross_entropy(model: keras.Model, features, target) -> float:
    """The mean binary cross-entropy of ``model``'s predictions, in NumPy: no penalty."""
    p = model.predict(features, verbose=0)[:, 0].astype("float64")
    p = np.clip(p, 1e-7, 1 - 1e-7)  # Keras clips the same way
    return float(-np.mean(target * np.log(p) + (1 - target) * np.log(1 - p)))


def test_penalty_sits_on_the_hidden_layers_only(trained):
    model = saved_model(trained("regularization"))
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert [layer.units for layer in dense] == [16, 16, 1]
    assert [layer.activation.__name__ for layer in dense] == ["relu", "relu", "sigmoid"]
    penalties = [layer.kernel_regularizer for layer in dense]
    assert [penalty is not None for penalty in penalties] == [True, True, False]
    assert [float(penalty.l2) for penalty in penalties[:2]] == pytest.approx([0.01, 0.01])
    assert all(layer.bias_regularizer is None for layer in dense)
    assert model.input_shape == (None, 1000)


def test_reported_loss_is_cross_entropy_plus_penalty(trained):
    outcome = trained("regularization")
    results, namespace = outcome.record["results"], outcome.namespace
    assert outcome.record["epochs"] == 3
    model = saved_model(outcome)
    features, target = namespace["test_features"], namespace["test_target"]
    loss, accuracy = model.evaluate(features, target, verbose=0)
    assert math.isclose(loss, results["test_loss"], abs_tol=1e-5)
    assert math.isclose(accuracy, results["test_accuracy"], abs_tol=1e-6)
    # The penalty is 0.01 * the sum of squares of the two hidden kernels, in NumPy ...
    kernels = [layer.get_weights()[0] for layer in model.layers[:2]]
    penalty = sum(0.01 * float(np.sum(kernel.astype("float64") ** 2)) for kernel in kernels)
    assert results["l2_penalty"] == pytest.approx(penalty, rel=1e-4)
    assert results["l2_penalty"] > 0.01
    # ... and what is left of the reported loss is the plain cross-entropy of the predictions.
    assert results["test_cross_entropy"] == pytest.approx(
        cross_entropy(model, features, target), abs=1e-4
    )
    assert results["test_loss"] == pytest.approx(
        results["test_cross_entropy"] + results["l2_penalty"], abs=1e-5
    )


def test_twin_differs_only_in_the_penalty(trained):
    namespace = trained("regularization").namespace
    network, twin = namespace["network"], namespace["network_without_l2"]
    assert all(layer.kernel_regularizer is None for layer in twin.layers)
    assert [layer.units for layer in twin.layers] == [layer.units for layer in network.layers]
    assert len(namespace["history_without_l2"].history["loss"]) == namespace["epochs"]
    # Without a penalty the reported loss is the cross-entropy itself.
    features, target = namespace["test_features"], namespace["test_target"]
    assert namespace["loss_without_l2"] == pytest.approx(
        cross_entropy(twin, features, target), abs=1e-4
    )


def test_l2_keeps_the_weights_smaller(trained):
    namespace = trained("regularization").namespace
    rows = {
        row["network"]: row for row in trained("regularization").record["results"]["comparison"]
    }
    assert set(rows) == {"with L2", "without L2"}
    for name, weights in (("with L2", "weights"), ("without L2", "weights_without_l2")):
        kernel = namespace[weights]
        assert kernel.shape == (1000, 16)
        assert rows[name]["mean_absolute_weight"] == pytest.approx(
            np.mean(np.abs(kernel)), rel=1e-5
        )  # records keep 6 significant digits
    assert rows["with L2"]["mean_absolute_weight"] < rows["without L2"]["mean_absolute_weight"]
    assert rows["without L2"]["test_cross_entropy"] == pytest.approx(
        namespace["loss_without_l2"], rel=1e-5
    )


def test_figure_stacks_the_penalty_on_the_cross_entropy(trained):
    outcome = trained("regularization")
    namespace = outcome.namespace
    left, right = namespace["figure"].axes
    assert len(left.patches) == 2 * 60  # two histograms, the same 60 bins
    heights = [bar.get_height() for bar in right.patches]
    assert heights == pytest.approx(
        [namespace["test_cross_entropy"], namespace["loss_without_l2"], namespace["penalty"], 0.0]
    )
    # The stacked bar reaches the loss that evaluate reported.
    assert heights[0] + heights[2] == pytest.approx(namespace["test_loss"], abs=1e-5)
    assert is_png(outcome.written[0].parent / "regularization.png")


def test_every_training_gets_the_callbacks(trained):
    outcome = trained("regularization")
    assert len(outcome.fits) == 2
    for fit in outcome.fits:
        assert fit["callbacks"] == outcome.namespace["callbacks"]
        assert fit["epochs"] == outcome.namespace["epochs"] and fit["batch_size"] == 100
