"""What each of five recipes promises beyond "it trains": early stopping keeps the best model,
L2 shrinks the weights, the scaler standardises, checkpoints are named by epoch and val_loss,
and the architecture diagram needs Graphviz."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cookbook import core, plotting, runner
from cookbook.errors import GraphvizMissing

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def tiny(out: Path, epochs: int | None = None) -> core.Settings:
    return core.Settings(data="sample", size="tiny", epochs=epochs, out=out)


def staging_folders(folder: Path) -> list[Path]:
    return list(folder.glob(".staging-*"))


def assert_figure_draws(name: str, result: core.Result, tmp_path: Path) -> None:
    from cookbook import recipes

    path = plotting.save(recipes.load(name).figure(result), tmp_path / f"{name}.png", "test")
    assert path.read_bytes().startswith(PNG_SIGNATURE)


# -- early stopping ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def early_stopping(tmp_path_factory):
    out = tmp_path_factory.mktemp("early")
    result, _ = runner.run_recipe("early-stopping", tiny(out))  # the chapter's 20 epochs at most
    return result, out / "early-stopping"


def test_saved_best_model_has_the_lowest_validation_loss(early_stopping):
    import keras

    from cookbook.recipes import early_stopping as recipe

    result, folder = early_stopping
    _, test, _ = recipe.load_data(tiny(folder.parent))
    model = keras.models.load_model(folder / "best_model.keras")
    loss = model.evaluate(*test, batch_size=recipe.BATCH_SIZE, verbose=0, return_dict=True)["loss"]
    best = min(result.history["val_loss"])
    assert loss == pytest.approx(best, rel=1e-5)
    # The network left in memory was restored to the same weights.
    assert result.details["restored_val_loss"] == pytest.approx(best, rel=1e-5)


def test_early_stopping_details_describe_the_run(early_stopping):
    from cookbook.recipes import early_stopping as recipe

    result, folder = early_stopping
    val_loss = result.history["val_loss"]
    details = result.details
    assert details["best_epoch"] == int(np.argmin(val_loss)) + 1
    assert details["stopped_epoch"] == len(val_loss)
    assert details["best_val_loss"] == min(val_loss)
    if details["stopped_early"]:
        # The chapter's point: the last epoch is `patience` epochs past the best one.
        assert details["stopped_epoch"] - details["best_epoch"] == recipe.PATIENCE
    assert result.metrics["val_loss"] == min(val_loss)  # reported from the kept epoch
    assert result.files == [folder / "best_model.keras"]
    assert not staging_folders(folder)


def test_early_stopping_figure(early_stopping, tmp_path):
    assert_figure_draws("early-stopping", early_stopping[0], tmp_path)


def test_staging_folder_is_removed_when_training_fails(tmp_path, monkeypatch):
    from cookbook.recipes import early_stopping as recipe

    def broken_train(*args, **kwargs):
        raise RuntimeError("interrupted")

    monkeypatch.setattr(recipe, "train", broken_train)
    with pytest.raises(RuntimeError):
        recipe.run(tiny(tmp_path, epochs=1))
    assert not staging_folders(tmp_path / "early-stopping")


# -- regularization ----------------------------------------------------------------------------


def test_l2_shrinks_first_layer_weights(tmp_path):
    import keras

    result, _ = runner.run_recipe("regularization", tiny(tmp_path, epochs=2))
    weights = result.details["first_layer_weights"]
    # Tiny data gives only a few updates, so only the direction is certain here; the figure
    # at the default size shows the full effect.
    for summary in ("mean_abs", "l2_norm"):
        assert weights["with_l2"][summary] < weights["without_l2"][summary]
    assert len(result.details["unregularized_history"]["val_accuracy"]) == 2

    model = keras.models.load_model(tmp_path / "regularization" / "regularization.keras")
    regularizers = [layer.kernel_regularizer for layer in model.layers]
    assert [r is not None for r in regularizers] == [True, True, False]
    assert float(regularizers[0].l2) == pytest.approx(0.01)
    assert_figure_draws("regularization", result, tmp_path)


# -- preprocessing -----------------------------------------------------------------------------


def test_standardized_array_matches_the_chapter(tmp_path):
    result, record = runner.run_recipe("preprocessing", tiny(tmp_path))
    chapter = [
        [-1.12541308, 1.96429418],
        [-1.15329466, -0.50068741],
        [0.29529406, -0.22809346],
        [0.57385917, -0.42335076],
        [1.40955451, -0.81216255],
    ]
    np.testing.assert_allclose(result.details["standardized"], chapter, atol=1e-8)
    standardized = result.artifacts["standardized"]
    np.testing.assert_allclose(standardized.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(standardized.std(axis=0), 1.0, atol=1e-12)
    assert result.metrics == {
        "feature_1_mean": 0.0,
        "feature_1_std": 1.0,
        "feature_2_mean": 0.0,
        "feature_2_std": 1.0,
    }
    assert result.history == {} and result.files == [] and record["epochs"] == 0
    assert_figure_draws("preprocessing", result, tmp_path)


def test_scaler_fitted_on_training_data_reuses_its_statistics():
    from cookbook.recipes import preprocessing as recipe

    scaler, _ = recipe.standardize(recipe.load_features())
    new = scaler.transform([[3940.34, 471.58]])  # the training means map to 0
    np.testing.assert_allclose(new, [[0.0, 0.0]], atol=1e-6)


# -- checkpointing -----------------------------------------------------------------------------


def test_checkpoint_files_are_named_by_epoch_and_val_loss(tmp_path):
    import keras

    folder = tmp_path / "checkpointing"
    folder.mkdir()
    stale = folder / "model_07_0.12.keras"  # left by an earlier, longer run
    stale.write_bytes(b"old")

    result, _ = runner.run_recipe("checkpointing", tiny(tmp_path, epochs=2))
    val_loss = result.history["val_loss"]
    expected = [f"model_{epoch:02d}_{loss:.2f}.keras" for epoch, loss in enumerate(val_loss, 1)]
    assert sorted(path.name for path in folder.iterdir()) == sorted(["models.keras", *expected])
    assert [c["file"] for c in result.details["checkpoints"]] == expected
    assert [c["epoch"] for c in result.details["checkpoints"]] == [1, 2]
    assert set(result.files) == {folder / "models.keras", *(folder / name for name in expected)}
    assert not stale.exists() and not staging_folders(folder)

    for path in result.files:
        model = keras.models.load_model(path)
        assert model.output_shape == (None, 1)
    # models.keras is overwritten every epoch: it holds the same weights as the last epoch file.
    latest = keras.models.load_model(folder / "models.keras").get_weights()
    last = keras.models.load_model(folder / expected[-1]).get_weights()
    for a, b in zip(latest, last, strict=True):
        np.testing.assert_array_equal(a, b)
    assert_figure_draws("checkpointing", result, tmp_path)


# -- architecture ------------------------------------------------------------------------------


def test_architecture_draws_a_png_and_saves_the_model(tmp_path):
    import keras

    result, _ = runner.run_recipe("architecture", tiny(tmp_path))
    folder = tmp_path / "architecture"
    assert (folder / "network.png").read_bytes().startswith(PNG_SIGNATURE)
    assert sorted(path.name for path in folder.iterdir()) == ["architecture.keras", "network.png"]
    model = keras.models.load_model(folder / "architecture.keras")
    assert model.input_shape == (None, 10) and model.output_shape == (None, 1)
    assert [layer["parameters"] for layer in result.details["layers"]] == [176, 272, 17]
    assert result.metrics["parameters"] == model.count_params() == 465
    assert_figure_draws("architecture", result, tmp_path)


def test_architecture_without_dot_raises_and_writes_nothing(tmp_path, monkeypatch):
    from cookbook.recipes import architecture as recipe

    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # `dot` cannot be found
    with pytest.raises(GraphvizMissing, match="apt-get install graphviz"):
        recipe.run(tiny(tmp_path))
    assert not any((tmp_path / "architecture").iterdir())


def test_plot_model_import_error_becomes_graphviz_missing(tmp_path, monkeypatch):
    """If `dot` is on PATH but Keras still cannot run it, the same clear error, no file."""
    from cookbook.recipes import architecture as recipe

    monkeypatch.setattr(recipe.shutil, "which", lambda name: "/usr/bin/dot")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # pydot cannot find it
    # plot_model raises ImportError in a script but only prints when IPython is loaded (as
    # it may be under pytest); the recipe turns both into GraphvizMissing.
    with pytest.raises(GraphvizMissing):
        recipe.run(tiny(tmp_path))
    assert not any((tmp_path / "architecture").iterdir())


def test_plot_model_import_error_in_a_script(tmp_path, monkeypatch):
    import keras

    from cookbook.recipes import architecture as recipe

    def no_graphviz(*args, **kwargs):
        raise ImportError("You must install graphviz")

    monkeypatch.setattr(keras.utils, "plot_model", no_graphviz)
    with pytest.raises(GraphvizMissing) as raised:
        recipe.run(tiny(tmp_path))
    assert isinstance(raised.value.__cause__, ImportError)
    assert not any((tmp_path / "architecture").iterdir())
