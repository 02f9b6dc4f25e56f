"""Checkpointing: models.keras overwritten every epoch (the last model), and one file per
epoch named from its epoch number (counted from 1) and its val_loss, holding that epoch's model."""

from __future__ import annotations

import keras
import pytest
from conftest import is_png


def run_folder(outcome):
    return outcome.written[0].parent


def test_one_file_per_epoch_named_from_its_logs(trained):
    outcome = trained("checkpointing")
    record = outcome.record
    validation_loss = record["history"]["val_loss"]
    assert record["epochs"] == 3
    expected = [f"model_{n:02d}_{loss:.2f}.keras" for n, loss in enumerate(validation_loss, 1)]
    assert [c["file"] for c in record["results"]["checkpoints"]] == expected
    assert expected[0].startswith("model_01_")  # epochs count from 1
    files = sorted(path.name for path in run_folder(outcome).iterdir())
    assert files == sorted([*expected, "models.keras", "checkpointing.png", "results.json"])
    assert is_png(run_folder(outcome) / "checkpointing.png")


def test_each_epoch_file_holds_that_epochs_model(trained):
    outcome = trained("checkpointing")
    namespace = outcome.namespace
    features, target = namespace["test_features"], namespace["test_target"]
    losses = []
    for checkpoint in outcome.record["results"]["checkpoints"]:
        model = keras.models.load_model(run_folder(outcome) / checkpoint["file"])
        loss, _ = model.evaluate(features, target, verbose=0)
        assert loss == pytest.approx(checkpoint["val_loss"], abs=1e-5)
        losses.append(loss)
    assert len(set(round(loss, 6) for loss in losses)) == len(losses)  # three different models


def test_models_keras_holds_the_last_epoch(trained):
    outcome = trained("checkpointing")
    namespace = outcome.namespace
    last = outcome.record["history"]["val_loss"][-1]
    model = keras.models.load_model(run_folder(outcome) / "models.keras")
    loss, _ = model.evaluate(namespace["test_features"], namespace["test_target"], verbose=0)
    assert loss == pytest.approx(last, abs=1e-5)
    assert outcome.record["results"]["models_keras_test_loss"] == pytest.approx(last, abs=1e-5)
    for mine, theirs in zip(namespace["network"].get_weights(), model.get_weights(), strict=True):
        assert (mine == theirs).all()


def test_both_checkpoints_and_the_runners_callbacks_go_to_fit(trained):
    namespace = trained("checkpointing").namespace
    latest, every_epoch = namespace["latest"], namespace["every_epoch"]
    assert latest.filepath == str(namespace["folder"] / "models.keras")
    assert every_epoch.filepath.endswith("model_{epoch:02d}_{val_loss:.2f}.keras")
    assert not latest.save_best_only and not every_epoch.save_best_only
    (fit,) = trained("checkpointing").fits
    assert fit["callbacks"][:2] == [latest, every_epoch]
    assert fit["callbacks"][2:] == namespace["callbacks"]  # the runner's, after the chapter's
