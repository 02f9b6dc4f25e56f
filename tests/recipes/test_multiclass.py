"""The multiclass classifier: the chapter's 100-100-46 softmax network on multi-hot newswires,
and per-topic counts that add up to the overall test accuracy."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
from conftest import is_png


def test_network_is_the_chapters(trained):
    network = trained("multiclass").namespace["network"]
    dense = [layer for layer in network.layers if isinstance(layer, keras.layers.Dense)]
    assert len(dense) == len(network.layers)
    assert [layer.units for layer in dense] == [100, 100, 46]
    assert [layer.activation.__name__ for layer in dense] == ["relu", "relu", "softmax"]
    assert network.input_shape == (None, 5000)
    assert network.loss == "categorical_crossentropy"


def test_features_are_multi_hot_and_targets_one_hot_with_46_columns(trained):
    namespace = trained("multiclass").namespace
    features, target = namespace["train_features"], namespace["train_target"]
    assert features.shape == (len(namespace["train_topics"]), 5000)
    assert set(np.unique(features)) <= {0, 1}
    assert target.shape == (len(features), 46)
    assert namespace["test_target"].shape[1] == 46
    np.testing.assert_array_equal(target.argmax(axis=1), namespace["train_topics"])
    # A row has a 1 for every distinct word id below 5000 that the newswire uses.
    first = namespace["train_data"][0]
    assert set(np.flatnonzero(features[0])) == {i for i in first if i < 5000}


def test_trains_the_chapters_three_epochs(trained):
    record = trained("multiclass").record
    history = record["history"]
    assert record["epochs"] == 3
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert history["loss"][-1] < history["loss"][0]
    assert math.isclose(
        record["results"]["test_accuracy"], history["val_accuracy"][-1], rel_tol=1e-5
    )


def test_per_topic_counts_add_up_to_the_overall_accuracy(trained):
    outcome = trained("multiclass")
    namespace, results = outcome.namespace, outcome.record["results"]
    topics, predicted = namespace["test_topics"], namespace["predicted_topics"]
    stories, right = namespace["stories"], namespace["right"]
    assert len(stories) == len(right) == 46
    assert stories.sum() == len(topics)
    for topic in range(46):
        assert stories[topic] == (topics == topic).sum()
        assert right[topic] == ((topics == topic) & (predicted == topic)).sum()
    assert right.sum() / stories.sum() == pytest.approx(results["test_accuracy"], abs=1e-6)
    # The predictions are the saved model's.
    model = keras.models.load_model(outcome.written[0].parent / "multiclass.keras")
    again = model.predict(namespace["test_features"], verbose=0).argmax(axis=1)
    np.testing.assert_array_equal(again, predicted)


def test_results_list_the_most_frequent_topics_first(trained):
    namespace = trained("multiclass").namespace
    results, stories, right = namespace["results"], namespace["stories"], namespace["right"]
    present = np.flatnonzero(stories)
    assert results["topics_in_test"] == len(present)
    assert results["topics_never_right"] == int((right[present] == 0).sum())
    rows = results["most_frequent_topics"]
    assert len(rows) == min(10, len(present))
    counts = [row["test_newswires"] for row in rows]
    assert counts == sorted(counts, reverse=True)
    assert counts[0] == stories.max()
    for row in rows:
        assert (row["test_newswires"], row["right"]) == (stories[row["topic"]], right[row["topic"]])


def test_figure_shows_every_topic_in_the_test_data_by_frequency(trained):
    outcome = trained("multiclass")
    namespace = outcome.namespace
    top, bottom = namespace["figure"].axes
    order, stories, right = namespace["order"], namespace["stories"], namespace["right"]
    assert [int(label.get_text()) for label in bottom.get_xticklabels()] == list(order)
    assert [bar.get_height() for bar in bottom.patches] == list(stories[order])
    heights = [bar.get_height() for bar in top.patches]
    assert heights == pytest.approx(list(right[order] / stories[order]))
    crosses = next(line for line in top.get_lines() if line.get_label() == "Never right")
    assert list(crosses.get_xdata()) == list(np.flatnonzero(right[order] == 0))
    assert is_png(outcome.written[0].parent / "multiclass.png")
