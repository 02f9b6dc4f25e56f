"""The LSTM: the chapter's Embedding-LSTM-sigmoid network on reviews padded to 400 word ids,
a `subset` of the first reviews in batches small enough for the chapter's 25 updates per
epoch, two reviews recorded before and after padding (one padded, one cut), and the majority
share the test accuracy has to beat."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
from conftest import is_png

from cookbook import data, execution, program, recipes
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
    for data_name, features in (("train_data", "train_features"), ("test_data", "test_features")):
        reviews, rows = namespace[data_name], namespace[features]
        assert rows.shape == (len(reviews), 400)
        lengths = [len(review) for review in reviews]
        assert min(lengths) < 400 < max(lengths)  # both cases occur in the tiny run's reviews
        for review, row in zip(reviews, rows, strict=True):
            expected = ([0] * 400 + list(review))[-400:]  # zeros in front, the end kept
            assert row.tolist() == expected


def test_one_padded_and_one_cut_review_are_recorded(trained):
    outcome = trained("lstm")
    reviews = outcome.namespace["train_data"]
    shorter, longer = outcome.record["results"]["padding_examples"]
    lengths = [len(review) for review in reviews]
    # The first review of each kind, in that order.
    assert shorter["review"] == next(i for i, n in enumerate(lengths) if n < 400)
    assert longer["review"] == next(i for i, n in enumerate(lengths) if n > 400)
    for example in (shorter, longer):
        review = reviews[example["review"]]
        padded = ([0] * 400 + list(review))[-400:]
        assert example["length"] == len(review)
        assert example["first_ids"] == list(review[:10])
        assert example["first_ids"][0] == 1  # the start-of-review id
        assert example["last_ids"] == list(review[-10:])
        assert example["padded_first_ids"] == padded[:10]
        assert example["padded_last_ids"] == example["last_ids"]  # the end is kept
    # The short one starts with zeros; the long one starts inside the review, its start cut.
    assert shorter["length"] <= 390 and shorter["padded_first_ids"] == [0] * 10
    cut = list(reviews[longer["review"]][longer["length"] - 400 :][:10])
    assert longer["padded_first_ids"] == cut and 0 not in cut
    printed = outcome.record["output"]["one-review"]
    assert printed.count("padded:") == 2
    assert f"training review {shorter['review']}, {shorter['length']} word ids:" in printed
    assert f"training review {longer['review']}, {longer['length']} word ids:" in printed


def test_trains_the_chapters_epochs_in_the_programs_batches(trained):
    outcome = trained("lstm")
    record, namespace = outcome.record, outcome.namespace
    assert record["epochs"] == 3
    results = record["results"]
    # The registry's tiny subset: the first 100 training and 50 test reviews, in batches of 40.
    assert record["parameters"] == {"subset": [100, 50]}
    assert (results["training_reviews"], results["test_reviews"]) == (100, 50)
    assert results["batch_size"] == namespace["batch_size"] == 40
    assert results["updates_per_epoch"] == math.ceil(100 / 40)
    assert results["updates_in_all"] == 3 * math.ceil(100 / 40)
    assert math.isclose(results["test_loss"], record["history"]["val_loss"][-1], abs_tol=1e-5)
    assert results["test_accuracy"] == pytest.approx(record["history"]["val_accuracy"][-1])


def test_majority_share_is_always_answering_the_more_frequent_label(trained):
    outcome = trained("lstm")
    target = outcome.namespace["test_target"]
    positives = int(target.sum())
    expected = max(positives, len(target) - positives) / len(target)
    assert outcome.record["results"]["majority_share"] == pytest.approx(expected)


def test_saved_model_and_figure(trained):
    outcome = trained("lstm")
    folder = outcome.written[0].parent
    model = keras.models.load_model(folder / "lstm.keras")
    namespace, results = outcome.namespace, outcome.record["results"]
    loss, _ = model.evaluate(
        namespace["test_features"], namespace["test_target"], batch_size=40, verbose=0
    )
    assert math.isclose(loss, results["test_loss"], abs_tol=1e-5)
    assert is_png(folder / "lstm.png")
    figure = namespace["figure"]
    loss_axes, accuracy_axes = figure.axes

    def dotted(axes):
        return [line.get_ydata()[0] for line in axes.lines if line.get_linestyle() == ":"]

    assert dotted(loss_axes) == pytest.approx([np.log(2)])  # the 50/50 guess
    assert loss_axes.get_ylim()[0] == 0
    assert dotted(accuracy_axes) == pytest.approx([results["majority_share"]])  # the bar
    assert accuracy_axes.get_ylim() == (0, 1)
    title = figure.get_suptitle()
    assert f"{results['updates_per_epoch']} per epoch, {results['updates_in_all']} in all" in title


def run_data_section(subset):
    """The program's imports, parameters and data sections, with ``subset`` set."""
    sections = program.read_sections(program.module_path("lstm"))
    namespace: dict = {}
    for section in sections:
        exec(section.code, namespace)  # noqa: S102 - the program's own code
        if section.name == "parameters":
            assert namespace["subset"] == (1000, 200)  # the defaults the page describes
            assert namespace["batch_size"] == 40
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


def test_the_defaults_make_the_chapters_25_updates_per_epoch():
    """The page's claim: the sample run's subset and batch make as many updates per epoch as the
    chapter's 25,000 reviews in batches of 1000."""
    defaults: dict = {}
    for section in program.read_sections(program.module_path("lstm"))[:2]:  # imports, parameters
        exec(section.code, defaults)  # noqa: S102 - the program's own code
    (training, _), batch_size = defaults["subset"], defaults["batch_size"]
    assert training <= data.sample_size("imdb", "small")[0]  # the small sample has them all
    assert math.ceil(training / batch_size) == math.ceil(25000 / 1000) == 25
    full = recipes.entry("lstm").sizes["full"]
    assert full == {"subset": None, "batch_size": 1000}  # the chapter's run


@pytest.mark.parametrize(
    ("size", "source", "expected"),
    [("small", "sample", {}), ("tiny", "sample", {"subset": (100, 50)}),
     ("full", "sample", {"subset": None, "batch_size": 1000}),
     ("small", "keras", {"subset": None, "batch_size": 1000})],
)  # fmt: skip
def test_the_runner_runs_the_chapter_at_full_size_and_on_real_data(size, source, expected):
    settings = Settings(data="sample", size=size)
    entry = recipes.entry("lstm")
    assert execution.program_parameters(entry, settings, {"imdb": source}) == expected
