"""k-fold cross-validation: one fresh network per fold, each trained with the epochs and batch
size asked for (the Keras wrapper's clone() would silently drop them) and scored on the one
fold it never saw."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
from conftest import is_png

from cookbook import program


class Recorder(keras.callbacks.Callback):
    """Notes what every fit it is handed to was asked to do, and what it did."""

    def __init__(self) -> None:
        super().__init__()
        self.fits: list[dict] = []

    def on_train_begin(self, logs=None) -> None:
        self.fits.append({"epochs": self.params["epochs"], "steps": self.params["steps"]})

    def on_epoch_end(self, epoch, logs=None) -> None:
        self.fits[-1]["trained"] = epoch + 1


def test_every_fold_trains_the_epochs_and_batch_size_asked_for(tmp_path):
    """With its own callback in ``callbacks``: every fold's fit gets it, and 2 epochs of
    batches of 100 (Keras's defaults, 1 epoch of batches of 32, would show otherwise)."""
    import matplotlib.pyplot as plt

    recorder = Recorder()
    keras.backend.clear_session()
    namespace = program.execute(
        program.module_path("cross_validation"),
        {"epochs": 2, "rows": 450, "folds": 3, "callbacks": [recorder], "folder": tmp_path},
    )
    plt.close(namespace["figure"])
    # 300 training rows per fold: 3 batches of 100 (batches of 32 would make 10).
    assert recorder.fits == [{"epochs": 2, "steps": 3, "trained": 2}] * 3
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "cross-validation.png", "fold_1.keras", "fold_2.keras", "fold_3.keras"
    ]  # fmt: skip


def test_the_tiny_run_trains_three_networks_as_asked(trained):
    namespace = trained("cross-validation").namespace
    estimators = namespace["cv_results"]["estimator"]
    assert len(estimators) == 3
    assert len({id(estimator.model_) for estimator in estimators}) == 3  # a fresh one each
    for estimator in estimators:
        assert estimator.history_.params["epochs"] == 10
        assert estimator.history_.params["steps"] == math.ceil(400 / 100)  # 600 rows, 3 folds


def test_each_saved_network_scores_its_recorded_accuracy_on_its_own_fold(trained):
    """The fold models are the ones scored, and each was scored on the fold left out."""
    from sklearn.model_selection import StratifiedKFold

    outcome = trained("cross-validation")
    folder = outcome.written[0].parent
    features, target = outcome.namespace["features"], outcome.namespace["target"]
    recorded = outcome.record["results"]["fold_accuracy"]
    splits = StratifiedKFold(n_splits=3).split(features, target)  # what cv=3 does
    for number, (_, held_out) in enumerate(splits, start=1):
        model = keras.models.load_model(folder / f"fold_{number}.keras")
        predicted = model.predict(features[held_out], verbose=0).argmax(axis=1)
        accuracy = float(np.mean(predicted == target[held_out]))
        assert accuracy == pytest.approx(recorded[number - 1], abs=1e-6)
    assert is_png(folder / "cross-validation.png")


def test_results_summarise_the_folds(trained):
    record = trained("cross-validation").record
    results = record["results"]
    scores = results["fold_accuracy"]
    assert len(scores) == 3
    assert results["mean_accuracy"] == pytest.approx(np.mean(scores), abs=1e-6)
    assert results["std_accuracy"] == pytest.approx(np.std(scores), abs=1e-6)
    assert record["parameters"] == {"rows": 600}
    # The recorded history is the folds' training curves averaged, epoch by epoch.
    estimators = trained("cross-validation").namespace["cv_results"]["estimator"]
    first_epoch = np.mean([e.history_.history["loss"][0] for e in estimators])
    assert record["history"]["loss"][0] == pytest.approx(first_epoch, rel=1e-5)
    assert record["epochs"] == 10


def test_the_figure_has_a_bar_per_fold(trained):
    outcome = trained("cross-validation")
    axes = outcome.namespace["figure"].axes[0]
    from matplotlib.container import BarContainer

    (bars,) = [c for c in axes.containers if isinstance(c, BarContainer)]
    heights = [bar.get_height() for bar in bars]
    assert heights == pytest.approx(outcome.record["results"]["fold_accuracy"], abs=1e-6)
