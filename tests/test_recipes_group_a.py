"""What five recipes promise beyond "it trains": dropout sits where the chapter puts it and the
comparison differs only in it, the CNN reads channels-last digits and marks its mistakes, the
multiclass figure's per-topic numbers add up to the overall accuracy, the regression figure
shows the whole test split, and the LSTM pads every review to 400 ids."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from cookbook import core, plotting, runner

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def tiny(out: Path, epochs: int | None = None) -> core.Settings:
    return core.Settings(data="sample", size="tiny", epochs=epochs, out=out)


def draws(fig, tmp_path: Path, name: str) -> None:
    path = plotting.save(fig, tmp_path / f"{name}.png", "test")
    assert path.read_bytes().startswith(PNG_SIGNATURE)


def labelled_lines(ax) -> dict[str, object]:
    return {line.get_label(): line for line in ax.get_lines()}


# -- dropout -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dropout_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("dropout")
    result, _ = runner.run_recipe("dropout", tiny(out, epochs=2))
    return result, out / "dropout"


def test_dropout_layers_sit_where_the_chapter_puts_them(dropout_run):
    import keras

    _, folder = dropout_run
    model = keras.models.load_model(folder / "dropout.keras")
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Dropout", "Dense", "Dropout", "Dense", "Dropout", "Dense"]
    rates = [layer.rate for layer in model.layers if isinstance(layer, keras.layers.Dropout)]
    assert rates == pytest.approx([0.2, 0.5, 0.5])
    assert model.input_shape == (None, 1000)


def test_comparison_network_is_the_same_without_dropout():
    import keras

    from cookbook.recipes import dropout

    with_dropout = dropout.build_network()
    without = dropout.build_network_without_dropout()
    assert not any(isinstance(layer, keras.layers.Dropout) for layer in without.layers)

    def dense(model):
        return [
            (layer.units, layer.activation.__name__)
            for layer in model.layers
            if isinstance(layer, keras.layers.Dense)
        ]

    assert dense(without) == dense(with_dropout)
    assert without.count_params() == with_dropout.count_params()


def test_comparison_is_reseeded_and_recorded(dropout_run):
    result, _ = dropout_run
    details = result.details
    comparison = details["comparison"]
    assert set(comparison) == {"with dropout", "without dropout"}
    assert details["comparison_epochs"] == 2  # --epochs sets the comparison's length too
    for label, hist in comparison.items():
        assert len(hist["val_loss"]) == 2
        assert details["lowest_val_loss_epoch"][label] == int(np.argmin(hist["val_loss"])) + 1
    # Re-seeded before each run: the comparison's dropout network repeats the chapter's run.
    assert comparison["with dropout"]["val_loss"] == pytest.approx(
        result.history["val_loss"], rel=1e-5
    )
    assert comparison["without dropout"]["val_loss"] != pytest.approx(
        comparison["with dropout"]["val_loss"], rel=1e-3
    )


def test_dropout_figure_draws_both_networks(dropout_run, tmp_path):
    from cookbook.recipes import dropout

    result, _ = dropout_run
    # The figure reads only the recorded numbers: give it a chapter-length run inside a
    # longer comparison, as at the default size.
    longer = {
        label: {"loss": [0.6, 0.5, 0.4, 0.3], "val_loss": values}
        for label, values in (
            ("with dropout", [0.65, 0.55, 0.5, 0.45]),
            ("without dropout", [0.45, 0.4, 0.42, 0.46]),
        )
    }
    result = core.Result(
        history={"loss": [0.6, 0.5, 0.4], "val_loss": [0.65, 0.55, 0.5]},
        details={"comparison": longer, "comparison_epochs": 4},
    )
    fig = dropout.figure(result)
    ax = fig.axes[0]
    lines = labelled_lines(ax)
    for label, hist in longer.items():
        assert list(lines[f"Test loss, {label}"].get_ydata()) == hist["val_loss"]
        assert list(lines[f"Training loss, {label}"].get_ydata()) == hist["loss"]
        assert list(lines[f"Test loss, {label}"].get_xdata()) == [1, 2, 3, 4]
    # A vertical marker where the chapter's three epochs end.
    verticals = [line for line in ax.get_lines() if list(line.get_xdata()) == [3, 3]]
    assert len(verticals) == 1
    draws(fig, tmp_path, "dropout")


# -- cnn ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cnn_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("cnn")
    result, _ = runner.run_recipe("cnn", tiny(out, epochs=1))
    return result, out / "cnn"


def test_cnn_reads_channels_last_images(cnn_run):
    import keras

    _, folder = cnn_run
    model = keras.models.load_model(folder / "cnn.keras")
    assert model.input_shape == (None, 28, 28, 1)
    conv = model.layers[0]
    assert isinstance(conv, keras.layers.Conv2D)
    assert conv.data_format == "channels_last"
    assert (conv.filters, tuple(conv.kernel_size)) == (64, (5, 5))
    assert model.output_shape == (None, 10)


def test_cnn_data_is_scaled_and_one_hot(tmp_path):
    from cookbook.recipes import cnn

    (x_train, y_train), (x_test, y_test), info = cnn.load_data(tiny(tmp_path))
    assert x_train.shape == (info["train"], 28, 28, 1)
    assert x_test.shape == (info["test"], 28, 28, 1)
    assert x_train.dtype == np.float32
    assert 0.0 <= x_train.min() and x_train.max() <= 1.0 and x_train.max() > 0.5
    assert y_train.shape == (info["train"], 10)
    assert np.all(y_train.sum(axis=1) == 1)
    # Ten columns even when a split lacks the last digit.
    images = np.zeros((2, 28, 28), dtype=np.uint8)
    images[1] = 255
    scaled = cnn.prepare_images(images)
    assert scaled.shape == (2, 28, 28, 1) and scaled[1].min() == 1.0 and scaled[0].max() == 0.0


def test_cnn_predictions_match_the_saved_model(cnn_run):
    import keras

    from cookbook.recipes import cnn

    result, folder = cnn_run
    model = keras.models.load_model(folder / "cnn.keras")
    artifacts = result.artifacts
    shown = cnn.GRID[0] * cnn.GRID[1]
    assert len(artifacts["images"]) == len(artifacts["true"]) == shown
    again = cnn.predict_digits(model, artifacts["images"][..., np.newaxis])
    np.testing.assert_array_equal(again, artifacts["predicted"])
    # The recorded mistakes agree with Keras's own test accuracy.
    details = result.details
    accuracy = 1 - details["test_mistakes"] / details["test_images"]
    assert accuracy == pytest.approx(result.history["val_accuracy"][-1], abs=1e-6)
    assert details["updates_per_epoch"] == math.ceil(300 / cnn.BATCH_SIZE)


def test_cnn_figure_marks_exactly_the_mistakes(tmp_path):
    from matplotlib.colors import to_rgba

    from cookbook.recipes import cnn

    shown = cnn.GRID[0] * cnn.GRID[1]
    true = np.arange(shown) % 10
    predicted = true.copy()
    wrong = [3, 7, shown - 1]
    predicted[wrong] = (true[wrong] + 1) % 10
    result = core.Result(
        history={"val_accuracy": [0.5, 0.9]},
        details={"updates_per_epoch": 6},
        artifacts={"images": np.zeros((shown, 28, 28)), "true": true, "predicted": predicted},
    )
    fig = cnn.figure(result)
    assert len(fig.axes) == shown
    red = [
        i for i, ax in enumerate(fig.axes) if to_rgba(ax.title.get_color()) == to_rgba("tab:red")
    ]
    assert red == wrong
    assert fig.axes[3].get_title() == f"pred {predicted[3]}\n(true {true[3]})"
    assert fig.axes[0].get_title() == str(true[0])
    assert "3 wrong" in fig._suptitle.get_text()
    assert "12 weight updates" in fig._suptitle.get_text()
    draws(fig, tmp_path, "cnn")


# -- multiclass --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def multiclass_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("multiclass")
    result, _ = runner.run_recipe("multiclass", tiny(out, epochs=1))
    return result, out / "multiclass"


def test_per_class_accuracy_counts_each_class():
    from cookbook.recipes.multiclass import per_class_accuracy

    class Fixed:
        """A stand-in network that always predicts the given classes."""

        def __init__(self, predicted, classes):
            self.probabilities = np.eye(classes)[predicted]

        def predict(self, features, **kwargs):
            return self.probabilities

    true = np.array([0, 0, 0, 1, 1, 3])
    predicted = np.array([0, 0, 1, 1, 0, 0])
    targets = np.eye(4)[true]
    accuracy, support = per_class_accuracy(Fixed(predicted, 4), (np.zeros((6, 1)), targets))
    np.testing.assert_array_equal(support, [3, 2, 0, 1])
    assert accuracy[0] == pytest.approx(2 / 3)
    assert accuracy[1] == pytest.approx(1 / 2)
    assert np.isnan(accuracy[2])  # no examples: neither right nor wrong
    assert accuracy[3] == 0.0


def test_per_class_numbers_add_up_to_the_overall_accuracy(multiclass_run):
    import keras

    result, folder = multiclass_run
    details = result.details
    accuracy = details["per_class_accuracy"]
    support = np.array(details["test_support"])
    assert len(accuracy) == len(support) == 46
    assert support.sum() == result.data["test"]
    assert sum(details["train_support"]) == result.data["train"]
    assert all((a is None) == (n == 0) for a, n in zip(accuracy, support, strict=True))
    correct = sum(a * n for a, n in zip(accuracy, support, strict=True) if a is not None)
    assert correct / support.sum() == pytest.approx(result.history["val_accuracy"][-1], abs=1e-3)
    assert details["classes_in_test"] == int((support > 0).sum())

    model = keras.models.load_model(folder / "multiclass.keras")
    assert model.input_shape == (None, 5000)
    assert model.output_shape == (None, 46)
    assert model.layers[-1].activation.__name__ == "softmax"


def test_multiclass_figure_orders_topics_by_support(tmp_path):
    from cookbook.recipes import multiclass

    support = [0] * 46
    accuracy: list[float | None] = [None] * 46
    for topic, count, acc in ((5, 300, 0.9), (7, 40, 0.5), (2, 40, 0.0), (30, 3, 0.0)):
        support[topic], accuracy[topic] = count, acc
    result = core.Result(
        history={"val_accuracy": [0.7]},
        details={"per_class_accuracy": accuracy, "test_support": support},
    )
    fig = multiclass.figure(result)
    top, bottom = fig.axes
    labels = [tick.get_text() for tick in bottom.get_xticklabels()]
    assert labels == ["5", "2", "7", "30"]  # most stories first; ties in class order
    assert [bar.get_height() for bar in top.patches] == pytest.approx([0.9, 0.0, 0.5, 0.0])
    assert [bar.get_height() for bar in bottom.patches] == [300, 40, 40, 3]
    # The two topics never predicted correctly are marked, at their positions.
    markers = top.collections[0].get_offsets()
    assert list(markers[:, 0]) == [1, 3]
    assert "2 of 4 topics" in top.get_title()
    draws(fig, tmp_path, "multiclass")


# -- regression --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def regression_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("regression")
    result, _ = runner.run_recipe("regression", tiny(out, epochs=1))
    return result, out / "regression"


def test_regression_figure_data_is_the_whole_test_split(regression_run):
    from sklearn.model_selection import train_test_split

    from cookbook import data

    result, _ = regression_run
    features, target = data.regression()
    _, _, _, test_target = train_test_split(features, target, test_size=0.33, random_state=0)
    assert len(test_target) == math.ceil(0.33 * len(target))
    np.testing.assert_array_equal(result.artifacts["true"], test_target)
    assert result.artifacts["predicted"].shape == test_target.shape
    assert result.data["test"] == len(test_target)
    assert result.data["train"] + result.data["test"] == len(target)


def test_regression_r2_agrees_with_the_test_mse(regression_run):
    result, _ = regression_run
    true, predicted = result.artifacts["true"], result.artifacts["predicted"]
    mse = float(np.mean((predicted - true) ** 2))
    assert mse == pytest.approx(result.history["val_mse"][-1], rel=1e-3)
    assert result.history["val_mse"] == pytest.approx(result.history["val_loss"])
    assert result.details["test_r2"] == pytest.approx(1 - mse / np.var(true), abs=1e-4)


def test_regression_output_is_one_linear_unit(regression_run):
    import keras

    _, folder = regression_run
    model = keras.models.load_model(folder / "regression.keras")
    assert model.input_shape == (None, 3)
    assert model.output_shape == (None, 1)
    assert model.layers[-1].activation.__name__ == "linear"


def test_regression_figure_plots_every_point_and_the_diagonal(regression_run, tmp_path):
    from cookbook.recipes import regression

    result, _ = regression_run
    fig = regression.figure(result)
    ax = fig.axes[0]
    points = ax.collections[0].get_offsets()
    assert len(points) == len(result.artifacts["true"])
    np.testing.assert_allclose(points[:, 0], result.artifacts["true"])
    np.testing.assert_allclose(points[:, 1], result.artifacts["predicted"])
    diagonal = labelled_lines(ax)["Perfect prediction: y = x"]
    np.testing.assert_array_equal(diagonal.get_xdata(), diagonal.get_ydata())
    draws(fig, tmp_path, "regression")


# -- lstm --------------------------------------------------------------------------------------


def test_lstm_pads_and_cuts_to_400_ids_at_the_front():
    from cookbook.recipes import lstm

    short, long = [5, 6, 7], list(range(1, 501))
    padded = lstm.pad([short, long])
    assert padded.shape == (2, 400)
    assert list(padded[0, -3:]) == short and not padded[0, :-3].any()
    assert list(padded[1]) == long[-400:]  # a long review loses its beginning


def test_lstm_subset_only_for_the_small_sample(tmp_path):
    from cookbook.recipes import lstm

    small = core.Settings(data="sample", size="small", out=tmp_path)
    assert lstm.uses_subset("sample", small)
    assert not lstm.uses_subset("keras", small)
    assert not lstm.uses_subset("sample", tiny(tmp_path))
    (x_train, y_train), (x_test, y_test), info = lstm.load_data(small)
    assert (len(x_train), len(x_test)) == lstm.SMALL_SUBSET
    assert (info["train"], info["test"]) == lstm.SMALL_SUBSET
    assert x_train.shape[1] == x_test.shape[1] == 400
    assert len(y_train) == len(x_train) and len(y_test) == len(x_test)


def test_lstm_trains_on_padded_reviews(tmp_path):
    import keras

    result, _ = runner.run_recipe("lstm", tiny(tmp_path, epochs=1))
    assert result.details["sequence_length"] == 400
    assert result.details["subset"] is False
    assert result.data["train"] == 400  # the tiny sample, whole
    assert result.details["updates_per_epoch"] == 1
    model = keras.models.load_model(tmp_path / "lstm" / "lstm.keras")
    assert model.input_shape == (None, 400)
    embedding, recurrent, output = model.layers
    assert (embedding.input_dim, embedding.output_dim) == (1000, 128)
    assert isinstance(recurrent, keras.layers.LSTM) and recurrent.units == 128
    assert output.activation.__name__ == "sigmoid"


def test_lstm_figure_starts_at_zero_with_the_guess_line(tmp_path):
    from cookbook.recipes import lstm

    history = {"loss": [0.6937, 0.6925, 0.6901], "val_loss": [0.6931, 0.6929, 0.6921]}
    result = core.Result(history=history, details={"updates_per_epoch": 2})
    fig = lstm.figure(result)
    ax = fig.axes[0]
    assert ax.get_ylim()[0] == 0
    guess = labelled_lines(ax)["50/50 guess (ln 2)"]
    assert guess.get_ydata()[0] == pytest.approx(math.log(2))
    assert list(labelled_lines(ax)["Test Loss"].get_ydata()) == history["val_loss"]
    assert "6 weight updates" in ax.get_title()
    draws(fig, tmp_path, "lstm")
