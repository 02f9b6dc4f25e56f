"""The grid search: every grid point trains the epochs and batch size the grid gives it (the
Keras wrapper's clone() would silently drop them), and the search finds, records and saves
its best combination.

A small grid of its own runs with a recording callback in ``callbacks``: the epoch counts are
2 and 3, never Keras's default of 1, and the batch sizes give step counts that batches of 32
(the default a lost ``fit_kwargs`` falls back to) cannot.
"""

from __future__ import annotations

import math

import keras
import pytest
from conftest import is_png

from cookbook import program, recipes


class Recorder(keras.callbacks.Callback):
    """Notes what every fit it is handed to was asked to do, and what it did."""

    def __init__(self) -> None:
        super().__init__()
        self.fits: list[dict] = []

    def __deepcopy__(self, memo: dict) -> Recorder:  # copies would record elsewhere
        return self

    def on_train_begin(self, logs=None) -> None:
        self.fits.append(
            {
                "optimizer": type(self.model.optimizer).__name__.lower(),
                "epochs": self.params["epochs"],
                "steps": self.params["steps"],
                "trained": 0,
            }
        )

    def on_epoch_end(self, epoch, logs=None) -> None:
        self.fits[-1]["trained"] = epoch + 1


SMALL_GRID = {
    "rows": 60,  # folds of 30 rows: batches of 5 take 6 steps, of 100 one, of 32 two
    "optimizers": ["adam"],
    "epoch_choices": [2, 3],
    "batch_sizes": [5, 100],
    "folds": 2,
}


@pytest.fixture(scope="module")
def small_search(tmp_path_factory):
    """The program run on ``SMALL_GRID`` with a :class:`Recorder`; its variables and fits."""
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


def test_every_grid_point_trains_its_own_epochs_and_batch_size(small_search):
    namespace, fits, _ = small_search
    rows, folds = SMALL_GRID["rows"], SMALL_GRID["folds"]
    points = len(SMALL_GRID["epoch_choices"]) * len(SMALL_GRID["batch_sizes"])
    # One fit per fold of every grid point, then the refit; the registry counts the same.
    assert len(fits) == points * folds + 1
    assert recipes.entry("tuning").fits(namespace) == len(fits)
    cv_fits, refit = fits[:-1], fits[-1]
    asked = sorted((fit["epochs"], fit["steps"]) for fit in cv_fits)
    fold_rows = rows - rows // folds
    wanted = sorted(
        (epochs, math.ceil(fold_rows / batch))
        for epochs in SMALL_GRID["epoch_choices"]
        for batch in SMALL_GRID["batch_sizes"]
        for _ in range(folds)
    )
    assert asked == wanted
    assert all(fit["trained"] == fit["epochs"] for fit in fits)  # and trained them all
    assert {fit["optimizer"] for fit in fits} == set(SMALL_GRID["optimizers"])
    best = namespace["results"]["best_params"]
    assert (refit["epochs"], refit["steps"]) == (
        best["epochs"],
        math.ceil(rows / best["batch_size"]),
    )


def test_the_refit_is_the_saved_network(small_search):
    namespace, fits, folder = small_search
    best = namespace["results"]["best_params"]
    assert type(namespace["network"].optimizer).__name__.lower() == best["optimizer"]
    assert len(namespace["history"].history["loss"]) == best["epochs"]
    saved = keras.models.load_model(folder / "tuning.keras")
    features = namespace["features"]
    assert saved.predict(features, verbose=0) == pytest.approx(
        namespace["network"].predict(features, verbose=0), abs=1e-6
    )
    assert is_png(folder / "tuning.png")


def test_the_chapters_grid_searched_in_the_tiny_run(trained):
    outcome = trained("tuning")
    results = outcome.record["results"]
    grid = results["grid"]
    assert {(p["optimizer"], p["epochs"], p["batch_size"]) for p in grid} == {
        (o, e, b) for o in ("rmsprop", "adam") for e in (5, 10) for b in (5, 10, 100)
    }
    assert outcome.record["parameters"] == {"rows": 150}
    assert outcome.namespace["features"].shape == (150, 100)
    # Each point's mean and spread are those of its three fold scores; the best ranks first.
    for point in grid:
        scores = point["fold_accuracy"]
        assert len(scores) == 3
        assert point["mean"] == pytest.approx(sum(scores) / 3, abs=1e-5)
        spread = math.sqrt(sum((s - point["mean"]) ** 2 for s in scores) / 3)
        assert point["std"] == pytest.approx(spread, abs=1e-5)
    assert grid[0]["rank"] == 1 and results["best_cv_accuracy"] == max(p["mean"] for p in grid)
    best = {key: grid[0][key] for key in ("optimizer", "epochs", "batch_size")}
    assert results["best_params"] == best
    assert outcome.record["epochs"] == best["epochs"]  # the history is the refit's


def test_the_figure_shows_every_grid_point(trained):
    axes = trained("tuning").namespace["figure"].axes[0]
    labels = [label.get_text() for label in axes.get_yticklabels()]
    assert len(labels) == 12
    best = trained("tuning").record["results"]["best_params"]
    assert labels[-1] == f"{best['optimizer']}, {best['epochs']} epochs, batch {best['batch_size']}"


def test_wrapper_clone_still_drops_fit_kwargs():
    """Why the grid sets whole fit_kwargs dicts. If a Keras release fixes clone(), this fails:
    then the page's explanation should change."""
    from keras.wrappers import SKLearnClassifier
    from sklearn.base import clone

    wrapper = SKLearnClassifier(model=lambda X, y: None, fit_kwargs={"epochs": 10})
    assert clone(wrapper).fit_kwargs is None
