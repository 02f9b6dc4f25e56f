"""The LSTM: the chapter's Embedding-LSTM-sigmoid network on reviews padded to 400 word ids,
a `subset` parameter that keeps the first reviews, and the raw and padded review recorded."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
from conftest import is_png

from cookbook import program, recipes, runner
from cookbook.settings import Settings


def test_network_is_the_chapters(trained):
    network = trained("lstm").namespace["network"]
    embedding, lstm, dense = network.layers
    assert isinstance(embedding, keras.layers.Embedding)
    assert (embedding.input_dim, embedding.output_dim) == (1000, 128)
    assert isinstance(lstm, keras.layers.LSTM) and lstm.units == 128
    assert isinstance(dense, keras.layers.Dense) and dense.units == 1
    assert dense.activation.__name__ == "sigmoid"
    assert network.input_shape == (None, 400)
    assert isinstance(network.optimizer, keras.optimizers.Adam)


def test_every_review_is_padded_or_cut_at_the_front(trained):
    namespace = trained("lstm").namespace
    for data, features in (("train_data", "train_features"), ("test_data", "test_features")):
        reviews, rows = namespace[data], namespace[features]
        assert rows.shape == (len(reviews), 400)
        lengths = [len(review) for review in reviews]
        assert min(lengths) < 400 < max(lengths)  # both cases occur in the tiny sample
        for review, row in zip(reviews, rows, strict=True):
            expected = ([0] * 400 + list(review))[-400:]  # zeros in front, the end kept
            assert row.tolist() == expected


def test_the_first_review_is_recorded_raw_and_padded(trained):
    outcome = trained("lstm")
    results, review = outcome.record["results"], outcome.namespace["train_data"][0]
    assert results["review_length"] == len(review)
    assert results["review_first_ids"] == list(review[:10])
    assert results["review_first_ids"][0] == 1  # the start-of-review id
    assert results["review_last_ids"] == list(review[-10:])
    # The padded row ends as the review ends, and starts with zeros or further into it.
    assert results["padded_last_ids"] == results["review_last_ids"]
    start = ([0] * 400 + list(review))[-400:][:10]
    assert results["padded_first_ids"] == start


def test_trains_the_chapters_epochs_in_batches_of_1000(trained):
    outcome = trained("lstm")
    record, namespace = outcome.record, outcome.namespace
    assert record["epochs"] == 3
    assert namespace["batch_size"] == 1000
    results = record["results"]
    # The tiny sample has 400 reviews each way: the default subset (500, 125) keeps every
    # training review and the first 125 test reviews.
    assert (results["training_reviews"], results["test_reviews"]) == (400, 125)
    assert results["updates_per_epoch"] == math.ceil(400 / 1000)
    assert math.isclose(results["test_loss"], record["history"]["val_loss"][-1], abs_tol=1e-5)


def test_saved_model_and_figure(trained):
    outcome = trained("lstm")
    folder = outcome.written[0].parent
    model = keras.models.load_model(folder / "lstm.keras")
    namespace = outcome.namespace
    loss, _ = model.evaluate(
        namespace["test_features"], namespace["test_target"], batch_size=1000, verbose=0
    )
    assert math.isclose(loss, outcome.record["results"]["test_loss"], abs_tol=1e-5)
    assert is_png(folder / "lstm.png")
    axes = namespace["figure"].axes[0]
    levels = [line.get_ydata()[0] for line in axes.lines if line.get_linestyle() == ":"]
    assert levels == pytest.approx([np.log(2)])  # the 50/50 guess
    assert axes.get_ylim()[0] == 0


def run_data_section(subset):
    """The program's imports, parameters and data sections, with ``subset`` set."""
    sections = program.read_sections(program.module_path("lstm"))
    namespace: dict = {}
    for section in sections:
        exec(section.code, namespace)  # noqa: S102 - the program's own code
        if section.name == "parameters":
            assert namespace["subset"] == (500, 125)  # the default the page describes
            namespace["subset"] = subset
        if section.name == "data":
            return namespace
    raise AssertionError("no data section")


def test_subset_keeps_the_first_reviews():
    everything = run_data_section(None)
    cut = run_data_section((50, 30))
    assert (len(cut["train_features"]), len(cut["test_features"])) == (50, 30)
    assert (cut["train_features"] == everything["train_features"][:50]).all()
    assert (cut["test_target"] == everything["test_target"][:30]).all()
    assert len(everything["train_features"]) == 400  # None keeps every review


@pytest.mark.parametrize(
    ("size", "source", "expected"),
    [("small", "sample", {}), ("full", "sample", {"subset": None}),
     ("small", "keras", {"subset": None})],
)  # fmt: skip
def test_the_runner_keeps_all_reviews_at_full_size_and_on_real_data(size, source, expected):
    settings = Settings(data="sample", size=size)
    entry = recipes.entry("lstm")
    assert runner.scaled_parameters(entry, settings, {"imdb": source}) == expected
