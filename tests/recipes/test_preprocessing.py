"""Standardising: the chapter's array and printed result, statistics learned once and reused,
Keras's Normalization layer doing the same, and a figure of the points before and after."""

from __future__ import annotations

import keras
import numpy as np
from conftest import is_png

#: The standardised array as the chapter printed it (eight decimals).
CHAPTER_RESULT = [
    [-1.12541308, 1.96429418],
    [-1.15329466, -0.50068741],
    [0.29529406, -0.22809346],
    [0.57385917, -0.42335076],
    [1.40955451, -0.81216255],
]


def test_standardized_array_is_the_chapters(trained):
    namespace = trained("preprocessing").namespace
    np.testing.assert_allclose(namespace["features_standardized"], CHAPTER_RESULT, atol=1e-8)
    recorded = trained("preprocessing").record["results"]["standardized"]
    np.testing.assert_allclose(recorded, CHAPTER_RESULT, rtol=1e-5)  # six significant digits


def test_every_column_ends_with_mean_0_and_std_1(trained):
    results = trained("preprocessing").record["results"]
    assert results["means_after"] == [0.0, 0.0]
    assert results["standard_deviations_after"] == [1.0, 1.0]


def test_scaler_learns_population_statistics(trained):
    namespace = trained("preprocessing").namespace
    features, scaler = namespace["features"], namespace["scaler"]
    np.testing.assert_allclose(scaler.mean_, features.mean(axis=0))
    np.testing.assert_allclose(scaler.scale_, features.std(axis=0))  # ddof=0, NumPy's default
    assert not np.allclose(scaler.scale_, features.std(axis=0, ddof=1))


def test_fitted_scaler_reuses_its_statistics_on_new_data(trained):
    """What 'fit on the training data only' relies on: transform applies what fit learned."""
    namespace = trained("preprocessing").namespace
    scaler, features = namespace["scaler"], namespace["features"]
    new = np.array([[0.0, 0.0], list(scaler.mean_)])
    expected = (new - features.mean(axis=0)) / features.std(axis=0)
    np.testing.assert_allclose(scaler.transform(new), expected)
    np.testing.assert_allclose(scaler.transform(new)[1], [0.0, 0.0], atol=1e-12)


def test_keras_normalization_learns_the_same_statistics(trained):
    namespace = trained("preprocessing").namespace
    normalizer, features = namespace["normalizer"], namespace["features"]
    assert isinstance(normalizer, keras.layers.Normalization)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(normalizer.mean)[0], features.mean(axis=0), rtol=1e-6
    )
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(normalizer.variance)[0], features.var(axis=0), rtol=1e-5
    )
    assert trained("preprocessing").record["results"]["keras_layer_agrees"] is True
    np.testing.assert_allclose(
        namespace["features_normalized"], namespace["features_standardized"], atol=1e-5
    )


def test_figure_shows_the_points_before_and_after(trained):
    outcome = trained("preprocessing")
    namespace, record = outcome.namespace, outcome.record
    before, after = namespace["figure"].axes
    np.testing.assert_allclose(before.collections[0].get_offsets(), namespace["features"])
    np.testing.assert_allclose(
        after.collections[0].get_offsets(), namespace["features_standardized"]
    )
    assert before.get_aspect() == after.get_aspect() == 1.0  # equal scales on both axes
    assert record["files"] == ["preprocessing.png"] and record["epochs"] == 0
    assert is_png(outcome.written[0].parent / "preprocessing.png")
