"""Early stopping: training stops `patience` epochs after the lowest validation loss, and the
best epoch's model is what is left, in memory (restored weights) and on disk (best_model.keras)."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from conftest import is_png


def test_the_callbacks_are_the_chapters_plus_restoring(trained):
    namespace = trained("early-stopping").namespace
    stopping, checkpoint = namespace["early_stopping"], namespace["checkpoint"]
    assert isinstance(stopping, keras.callbacks.EarlyStopping)
    assert (stopping.monitor, stopping.patience) == ("val_loss", 2)
    assert stopping.restore_best_weights is True
    assert isinstance(checkpoint, keras.callbacks.ModelCheckpoint)
    assert checkpoint.monitor == "val_loss" and checkpoint.save_best_only is True
    assert checkpoint.filepath == str(namespace["folder"] / "best_model.keras")


def test_fit_gets_both_callbacks_and_the_runners(trained):
    outcome = trained("early-stopping")
    namespace = outcome.namespace
    (fit,) = outcome.fits
    assert fit["callbacks"][:2] == [namespace["early_stopping"], namespace["checkpoint"]]
    assert fit["callbacks"][2:] == namespace["callbacks"]
    assert fit["epochs"] == namespace["epochs"] and fit["batch_size"] == 100


def test_training_stops_early_patience_epochs_after_the_best(trained):
    outcome = trained("early-stopping")
    record, results = outcome.record, outcome.record["results"]
    validation_loss = record["history"]["val_loss"]
    assert outcome.namespace["epochs"] == 20
    # It stops early at tiny size, outright: fewer epochs ran than the limit of 20.
    assert record["epochs"] == len(validation_loss) < 20
    assert results["stopped_early"] is True
    assert results["stopped_epoch"] == len(validation_loss)
    best = int(np.argmin(validation_loss)) + 1
    assert results["best_epoch"] == best
    assert results["stopped_epoch"] == best + 2  # patience=2: two epochs without a new low
    assert all(loss > min(validation_loss) for loss in validation_loss[best:])
    assert results["lowest_val_loss"] == pytest.approx(min(validation_loss))


def test_best_model_file_evaluates_to_the_lowest_val_loss(trained):
    outcome = trained("early-stopping")
    folder = outcome.written[0].parent
    namespace = outcome.namespace
    validation_loss = outcome.record["history"]["val_loss"]
    model = keras.models.load_model(folder / "best_model.keras")
    loss, _ = model.evaluate(namespace["test_features"], namespace["test_target"], verbose=0)
    assert loss == pytest.approx(min(validation_loss), abs=1e-5)
    assert loss < validation_loss[-1] - 1e-4  # not the last epoch's model
    assert outcome.record["results"]["best_model_file_loss"] == pytest.approx(loss, abs=1e-5)


def test_the_network_in_memory_holds_the_restored_best_weights(trained):
    outcome = trained("early-stopping")
    namespace = outcome.namespace
    validation_loss = outcome.record["history"]["val_loss"]
    loss, _ = namespace["network"].evaluate(
        namespace["test_features"], namespace["test_target"], verbose=0
    )
    assert loss == pytest.approx(min(validation_loss), abs=1e-5)
    assert outcome.record["results"]["test_loss"] == pytest.approx(loss, abs=1e-5)
    # The file and the network hold the same weights.
    saved = keras.models.load_model(outcome.written[0].parent / "best_model.keras")
    for mine, theirs in zip(namespace["network"].get_weights(), saved.get_weights(), strict=True):
        np.testing.assert_array_equal(mine, theirs)


def test_the_run_folder_holds_the_best_model_and_the_figure(trained):
    outcome = trained("early-stopping")
    folder = outcome.written[0].parent
    assert sorted(path.name for path in folder.iterdir()) == [
        "best_model.keras",
        "early-stopping.png",
        "results.json",
    ]
    assert is_png(folder / "early-stopping.png")
    axes = outcome.namespace["figure"].axes[0]
    star = [line for line in axes.lines if line.get_marker() == "*"]
    assert len(star) == 1
    assert star[0].get_xdata()[0] == outcome.record["results"]["best_epoch"]
