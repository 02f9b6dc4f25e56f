"""The grid search: the builder makes a new network for every fit, every grid point trains the
epochs and batch size the grid gives it (the Keras wrapper's clone() would silently drop them),
the folds are scored by the wrapper's own accuracy, and the search finds, records and saves
its best combination.

Two runs: the suite's tiny run through the runner (``trained``), whose grid (the registry's
``tiny`` size) varies epochs and batch sizes, and a small search of its own with a recording
callback, whose grid varies the optimizer. The epoch counts are 2 and 3, never Keras's default
of 1, and the batch sizes are never 32, the default a lost ``fit_kwargs`` falls back to.
"""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
from conftest import is_png

from cookbook import program, recipes


class Recorder(keras.callbacks.Callback):
    """Notes every fit it is handed to: the network, its optimizer, its first weights, its
    epochs and steps, and how many epochs it trained."""

    def __init__(self) -> None:
        super().__init__()
        self.fits: list[dict] = []

    def __deepcopy__(self, memo: dict) -> Recorder:  # copies would record elsewhere
        return self

    def on_train_begin(self, logs=None) -> None:
        self.fits.append(
            {
                "network": self.model,  # kept, so that no two fits can share an id()
                "optimizer": type(self.model.optimizer).__name__.lower(),
                "first_weights": [w.copy() for w in self.model.get_weights()],
                "epochs": self.params["epochs"],
                "steps": self.params["steps"],
                "trained": 0,
            }
        )

    def on_epoch_end(self, epoch, logs=None) -> None:
        self.fits[-1]["trained"] = epoch + 1


SMALL_GRID = {
    "rows": 60,  # two folds of 30 rows, 6 steps with batches of 5
    "optimizers": ["rmsprop", "adam"],
    "epoch_choices": [2],
    "batch_sizes": [5],
    "folds": 2,
}


@pytest.fixture(scope="module")
def small_search(tmp_path_factory):
    """The program run on ``SMALL_GRID`` with a :class:`Recorder`: its variables, its fits and
    its folder."""
    import matplotlib.pyplot as plt

    folder = tmp_path_factory.mktemp("tuning")
    recorder = Recorder()
    keras.backend.clear_session()
    namespace = program.execute(
        program.module_path("tuning"),
        {**SMALL_GRID, "folder": folder, "callbacks": [recorder]},
    )
    plt.close(namespace["figure"])
    return namespace, recorder.fits, folder


def test_every_fit_gets_a_new_network_with_the_same_start(small_search):
    namespace, fits, _ = small_search
    points = len(SMALL_GRID["optimizers"]) * len(SMALL_GRID["epoch_choices"])
    assert len(fits) == points * SMALL_GRID["folds"] + 1  # every fold of every point, the refit
    assert recipes.entry("tuning").fit_count(namespace) == len(fits)
    assert len({id(fit["network"]) for fit in fits}) == len(fits)  # no network trained twice
    # The seed in the builder: every network starts from the same weights.
    first = fits[0]["first_weights"]
    for fit in fits[1:]:
        assert all(np.array_equal(a, b) for a, b in zip(first, fit["first_weights"], strict=True))
    # The optimizer in model_kwargs reaches the builder: every fold trains each one.
    trained_with = sorted(fit["optimizer"] for fit in fits[:-1])
    assert trained_with == sorted(SMALL_GRID["optimizers"] * SMALL_GRID["folds"])


def test_the_folds_are_scored_by_the_wrappers_own_accuracy(small_search):
    namespace, _, _ = small_search
    best = namespace["grid"].best_estimator_
    features, target = namespace["features"], namespace["target"]
    assert namespace["accuracy"](best, features, target) == pytest.approx(
        best.score(features, target), abs=1e-12
    )


def test_the_refit_is_the_saved_network(small_search):
    namespace, fits, folder = small_search
    best = namespace["results"]["best_params"]
    refit = fits[-1]
    assert refit["network"] is namespace["network"]
    assert refit["optimizer"] == best["optimizer"]
    assert refit["steps"] == math.ceil(SMALL_GRID["rows"] / best["batch_size"])
    assert len(namespace["history"].history["loss"]) == best["epochs"] == refit["trained"]
    saved = keras.models.load_model(folder / "tuning.keras")
    features = namespace["features"]
    assert saved.predict(features, verbose=0) == pytest.approx(
        namespace["network"].predict(features, verbose=0), abs=1e-6
    )
    assert is_png(folder / "tuning.png")


#: The grid of the suite's tiny run: the registry's ``tiny`` size sets all of it.
TINY = recipes.entry("tuning").sizes["tiny"]


def test_every_grid_point_trains_its_own_epochs_and_batch_size(trained):
    outcome = trained("tuning")
    fits = outcome.fits
    assert len(fits) == recipes.entry("tuning").fit_count(outcome.namespace)
    points = [
        (epochs, batch)
        for _ in outcome.namespace["optimizers"]
        for epochs in TINY["epoch_choices"]
        for batch in TINY["batch_sizes"]
    ]
    assert len(fits) == len(points) * TINY["folds"] + 1
    asked = sorted((fit["epochs"], fit["batch_size"]) for fit in fits[:-1])
    assert asked == sorted(points * TINY["folds"])  # not Keras's 1 epoch of batches of 32
    best = outcome.record["results"]["best_params"]
    assert (fits[-1]["epochs"], fits[-1]["batch_size"]) == (best["epochs"], best["batch_size"])


def test_the_record_holds_every_grid_point(trained):
    outcome = trained("tuning")
    results = outcome.record["results"]
    grid, folds = results["grid"], TINY["folds"]
    optimizers = outcome.namespace["optimizers"]
    assert {(p["optimizer"], p["epochs"], p["batch_size"]) for p in grid} == {
        (o, e, b) for o in optimizers for e in TINY["epoch_choices"] for b in TINY["batch_sizes"]
    }
    assert outcome.record["parameters"]["rows"] == TINY["rows"]
    assert outcome.namespace["features"].shape == (TINY["rows"], 100)
    # Each point's mean and spread are those of its fold scores; the best ranks first.
    for point in grid:
        scores = point["fold_accuracy"]
        assert len(scores) == folds
        assert point["mean"] == pytest.approx(sum(scores) / folds, abs=1e-5)
        spread = math.sqrt(sum((s - point["mean"]) ** 2 for s in scores) / folds)
        assert point["std"] == pytest.approx(spread, abs=1e-5)
    assert [p["rank"] for p in grid] == sorted(p["rank"] for p in grid)
    assert grid[0]["rank"] == 1 and results["best_cv_accuracy"] == max(p["mean"] for p in grid)
    best = {key: grid[0][key] for key in ("optimizer", "epochs", "batch_size")}
    assert results["best_params"] == best
    assert outcome.record["epochs"] == best["epochs"]  # the history is the refit's
    # The search prints nothing at verbose=0: no progress bar from scoring the folds.
    assert "search" not in outcome.record["output"]


def test_the_figure_shows_every_grid_point(trained):
    outcome = trained("tuning")
    axes = outcome.namespace["figure"].axes[0]
    labels = [label.get_text() for label in axes.get_yticklabels()]
    assert len(labels) == len(outcome.record["results"]["grid"])
    best = outcome.record["results"]["best_params"]
    assert labels[-1] == f"{best['optimizer']}, {best['epochs']} epochs, batch {best['batch_size']}"


def test_wrapper_clone_still_drops_fit_kwargs():
    """Why the grid sets whole fit_kwargs dicts. If a Keras release fixes clone(), this fails:
    then the page's explanation should change."""
    from keras.wrappers import SKLearnClassifier
    from sklearn.base import clone

    wrapper = SKLearnClassifier(model=lambda X, y: None, fit_kwargs={"epochs": 10})
    assert clone(wrapper).fit_kwargs is None
