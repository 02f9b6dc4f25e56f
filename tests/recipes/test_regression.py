"""The regression network: the chapter's make_regression data and split, a linear output unit
trained on the mean squared error, and numbers that agree with the predictions."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
from conftest import is_png


def test_data_is_the_chapters_make_regression_problem(trained):
    from sklearn.datasets import make_regression

    namespace = trained("regression").namespace
    features, target = make_regression(
        n_samples=10000, n_features=3, n_informative=3, n_targets=1, noise=0.0, random_state=0
    )
    np.testing.assert_array_equal(namespace["features"], features)
    np.testing.assert_array_equal(namespace["target"], target)
    # Two thirds for training, a third for testing, whatever --size says.
    assert (len(namespace["train_target"]), len(namespace["test_target"])) == (6700, 3300)


def test_network_ends_in_one_unit_without_activation(trained):
    network = trained("regression").namespace["network"]
    dense = [layer for layer in network.layers if isinstance(layer, keras.layers.Dense)]
    assert [layer.units for layer in dense] == [32, 32, 1]
    assert [layer.activation.__name__ for layer in dense] == ["relu", "relu", "linear"]
    assert network.input_shape == (None, 3)
    assert network.loss == "mse"


def test_history_reports_the_mse_as_loss_and_metric(trained):
    record = trained("regression").record
    history = record["history"]
    assert record["epochs"] == 10
    assert set(history) == {"loss", "mse", "val_loss", "val_mse"}
    assert history["mse"] == pytest.approx(history["loss"], rel=1e-4)
    assert history["val_mse"] == pytest.approx(history["val_loss"], rel=1e-4)
    assert history["loss"][-1] < history["loss"][0]


def test_results_agree_with_the_predictions(trained):
    outcome = trained("regression")
    namespace, results = outcome.namespace, outcome.record["results"]
    true, predicted = namespace["test_target"], namespace["predicted_target"]
    assert predicted.shape == true.shape
    mse = float(np.mean((predicted - true) ** 2))
    assert results["test_mse"] == pytest.approx(mse, rel=1e-4)
    assert results["test_mse"] == pytest.approx(outcome.record["history"]["val_mse"][-1])
    assert results["test_rmse"] == pytest.approx(math.sqrt(results["test_mse"]), rel=1e-5)
    assert results["test_target_std"] == pytest.approx(true.std(), rel=1e-5)
    assert results["test_r2"] == pytest.approx(1 - mse / true.var(), abs=1e-4)
    # The saved model predicts the same.
    model = keras.models.load_model(outcome.written[0].parent / "regression.keras")
    again = model.predict(namespace["test_features"], verbose=0)[:, 0]
    np.testing.assert_allclose(again, predicted, rtol=1e-5, atol=1e-3)


def test_figure_plots_every_test_point_and_the_diagonal(trained):
    outcome = trained("regression")
    namespace = outcome.namespace
    axes = namespace["figure"].axes[0]
    points = axes.collections[0].get_offsets()
    np.testing.assert_allclose(points[:, 0], namespace["test_target"])
    np.testing.assert_allclose(points[:, 1], namespace["predicted_target"])
    diagonal = next(line for line in axes.get_lines() if line.get_label() == "Perfect prediction")
    np.testing.assert_array_equal(diagonal.get_xdata(), diagonal.get_ydata())
    assert is_png(outcome.written[0].parent / "regression.png")
