"""What four recipes promise beyond "it trains": every grid point and every fold trains the
epochs and batch size it was given (the Keras wrapper's clone() would silently drop them),
and the loss and accuracy histories share one training run.

The epoch override is 2, not 1, on purpose: Keras's own default is 1 epoch, so a run that lost
its ``fit_kwargs`` would pass an epochs == 1 check by accident.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from cookbook import core, plotting, runner

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
EPOCHS = 2  # not Keras's default of 1 (see the module docstring)


def tiny(out: Path, epochs: int | None = EPOCHS, seed: int = 0) -> core.Settings:
    return core.Settings(data="sample", size="tiny", epochs=epochs, out=out, seed=seed)


def assert_figure_draws(name: str, result: core.Result, tmp_path: Path):
    from cookbook import recipes

    fig = recipes.load(name).figure(result)
    axes = fig.axes[0]
    path = plotting.save(fig, tmp_path / f"{name}.png", "test")
    assert path.read_bytes().startswith(PNG_SIGNATURE)
    return axes


@pytest.fixture
def fits(monkeypatch):
    """Record every ``Model.fit`` call: epochs trained and batches per epoch."""
    import keras

    calls: list[dict] = []
    original = keras.Model.fit

    def recording_fit(self, x=None, y=None, *args, **kwargs):
        history = original(self, x, y, *args, **kwargs)
        calls.append(
            {
                "rows": len(x),
                "epochs": len(history.history["loss"]),
                "steps": history.params["steps"],
            }
        )
        return history

    monkeypatch.setattr(keras.Model, "fit", recording_fit)
    return calls


def batch_size_from_steps(rows: int, steps: int, candidates: tuple[int, ...]) -> int:
    """The one candidate batch size that splits ``rows`` into ``steps`` batches."""
    matching = [b for b in candidates if math.ceil(rows / b) == steps]
    assert len(matching) == 1, (rows, steps, matching)
    return matching[0]


# -- the scikit-learn wrapper's trap -----------------------------------------------------------


def test_wrapper_clone_still_drops_fit_kwargs():
    """The reason the recipes pass epochs and batch size the way they do.

    If a Keras release fixes clone(), this fails: then the docstrings of ``tuning`` and
    ``cross-validation`` should say so.
    """
    from keras.wrappers import SKLearnClassifier
    from sklearn.base import clone

    from cookbook.recipes import cross_validation

    wrapper = SKLearnClassifier(
        cross_validation.create_network, fit_kwargs={"epochs": 10, "batch_size": 100}
    )
    assert clone(wrapper).fit_kwargs is None


# -- tuning ------------------------------------------------------------------------------------


def test_every_grid_point_trains_its_epochs_and_batch_size(tmp_path, fits):
    from cookbook.recipes import tuning

    result, _ = runner.run_recipe("tuning", tiny(tmp_path))

    points = len(tuning.BATCH_SIZE_CHOICES) * len(tuning.OPTIMIZER_CHOICES)  # epochs: one
    assert len(result.details["grid"]) == points
    assert len(fits) == points * tuning.FOLDS + 1  # every fold of every point, plus the refit
    rows = tuning.ROWS["tiny"]
    assert all(fit["epochs"] == EPOCHS for fit in fits), fits
    cv_fits, refit = fits[:-1], fits[-1]
    assert all(fit["rows"] == rows * (tuning.FOLDS - 1) // tuning.FOLDS for fit in cv_fits)
    assert refit["rows"] == rows

    # The batch size is seen in the number of steps per epoch (32 would give other counts).
    used = Counter(
        batch_size_from_steps(fit["rows"], fit["steps"], (*tuning.BATCH_SIZE_CHOICES, 32))
        for fit in cv_fits
    )
    per_batch_size = len(tuning.OPTIMIZER_CHOICES) * tuning.FOLDS
    assert used == {b: per_batch_size for b in tuning.BATCH_SIZE_CHOICES}
    best = result.details["best_params"]
    assert refit["steps"] == math.ceil(rows / best["batch_size"])
    assert best["epochs"] == EPOCHS

    # The results record what was searched, and the refitted model was saved.
    assert {(p["optimizer"], p["batch_size"]) for p in result.details["grid"]} == {
        (o, b) for o in tuning.OPTIMIZER_CHOICES for b in tuning.BATCH_SIZE_CHOICES
    }
    assert sorted(p["rank"] for p in result.details["grid"])[0] == 1
    assert result.metrics["best_cv_accuracy"] == max(p["mean"] for p in result.details["grid"])
    assert len(result.history["loss"]) == EPOCHS  # the refit's history
    assert (tmp_path / "tuning" / "tuning.keras").is_file()

    axes = assert_figure_draws("tuning", result, tmp_path)
    assert len(axes.get_yticklabels()) == points


def test_grid_uses_the_chapters_epochs_without_an_override():
    from cookbook.recipes import tuning

    grid = tuning.hyperparameters()
    assert {kw["epochs"] for kw in grid["fit_kwargs"]} == {5, 10}
    assert {kw["batch_size"] for kw in grid["fit_kwargs"]} == {5, 10, 100}
    assert [kw["optimizer"] for kw in grid["model_kwargs"]] == ["rmsprop", "adam"]
    assert len(grid["fit_kwargs"]) * len(grid["model_kwargs"]) == 12


# -- cross-validation --------------------------------------------------------------------------


def test_every_fold_trains_its_epochs_and_batch_size(tmp_path, fits):
    from cookbook.recipes import cross_validation

    result, _ = runner.run_recipe("cross-validation", tiny(tmp_path))

    folds = cross_validation.FOLDS
    assert len(fits) == folds
    rows = cross_validation.ROWS["tiny"]
    for fit in fits:
        assert fit["epochs"] == EPOCHS
        assert fit["rows"] == rows * (folds - 1) // folds
        assert fit["steps"] == math.ceil(fit["rows"] / cross_validation.BATCH_SIZE)

    scores = result.details["fold_accuracy"]
    assert len(scores) == folds
    assert result.details["mean_accuracy"] == pytest.approx(np.mean(scores))
    assert result.details["std_accuracy"] == pytest.approx(np.std(scores))
    assert len(result.history["loss"]) == EPOCHS
    for number in range(1, folds + 1):
        assert (tmp_path / "cross-validation" / f"fold_{number}.keras").is_file()
    assert_figure_draws("cross-validation", result, tmp_path)


def test_fold_estimators_keep_their_histories():
    """What ``cross_validate(..., return_estimator=True)`` hands back, fold by fold."""
    from cookbook import data
    from cookbook.recipes import cross_validation

    features, target = data.classification(limit=300)
    results = cross_validation.cross_validate_network(features, target, epochs=3, batch_size=50)
    for estimator in results["estimator"]:
        assert estimator.history_.params["epochs"] == 3
        assert len(estimator.history_.history["loss"]) == 3
        assert estimator.history_.params["steps"] == math.ceil(200 / 50)


# -- loss and accuracy history: one training for two figures ----------------------------------


@pytest.fixture
def fresh_training_cache(monkeypatch):
    """An empty :func:`core.train_once` cache, so other tests' trainings do not count."""
    monkeypatch.setattr(core, "_trained", {})


def test_history_recipes_share_one_training(tmp_path, fresh_training_cache, fits):
    settings = tiny(tmp_path)
    before = core.training_count()
    loss, _ = runner.run_recipe("loss-history", settings)
    accuracy, _ = runner.run_recipe("accuracy-history", settings)

    assert core.training_count() == before + 1
    assert len(fits) == 1
    assert accuracy.history is loss.history
    assert len(loss.history["loss"]) == EPOCHS
    assert not loss.details["shared_training"]
    assert accuracy.details["shared_training"]
    assert accuracy.data == loss.data
    assert (tmp_path / "loss-history" / "loss_history.keras").is_file()
    assert (tmp_path / "accuracy-history" / "accuracy_history.keras").is_file()

    axes = assert_figure_draws("loss-history", loss, tmp_path)
    assert axes.get_ylabel() == "Loss"
    assert [t.get_text() for t in axes.get_legend().get_texts()] == ["Training Loss", "Test Loss"]
    assert list(axes.get_lines()[0].get_xdata()) == [1, 2]
    axes = assert_figure_draws("accuracy-history", accuracy, tmp_path)
    assert axes.get_ylabel() == "Accuracy Score"
    assert [t.get_text() for t in axes.get_legend().get_texts()] == [
        "Training Accuracy",
        "Test Accuracy",
    ]


def test_a_changed_network_trains_on_its_own(tmp_path, fresh_training_cache, monkeypatch, fits):
    import keras
    from keras import layers

    from cookbook.recipes import accuracy_history

    def wider_network(number_of_features: int = accuracy_history.NUMBER_OF_FEATURES):
        network = keras.Sequential(
            [
                keras.Input(shape=(number_of_features,)),
                layers.Dense(units=32, activation="relu"),  # 32 instead of 16
                layers.Dense(units=16, activation="relu"),
                layers.Dense(units=1, activation="sigmoid"),
            ]
        )
        network.compile(loss="binary_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
        return network

    settings = tiny(tmp_path, epochs=1)
    runner.run_recipe("loss-history", settings)
    monkeypatch.setattr(accuracy_history, "build_network", wider_network)
    accuracy, _ = runner.run_recipe("accuracy-history", settings)
    assert core.training_count() == 2
    assert len(fits) == 2
    assert not accuracy.details["shared_training"]


def test_both_history_recipes_build_the_same_network():
    from cookbook.recipes import accuracy_history, loss_history

    first = core.model_key(loss_history.build_network())
    second = core.model_key(accuracy_history.build_network())
    assert first == second  # although Keras named their layers differently
    assert loss_history.EPOCHS == accuracy_history.EPOCHS == 15
    assert loss_history.BATCH_SIZE == accuracy_history.BATCH_SIZE == 1000
