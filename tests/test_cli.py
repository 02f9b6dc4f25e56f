"""The command line: listing, errors, and every recipe trained end to end on tiny sample data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cookbook import recipes

CHAPTER_ORDER = [
    "dropout", "cnn", "binary", "multiclass", "regression", "lstm", "early-stopping",
    "regularization", "preprocessing", "checkpointing", "tuning", "loss-history",
    "architecture", "accuracy-history", "cross-validation",
]  # fmt: skip

#: Output units of each recipe's saved model(s); recipes absent here save no model.
OUTPUT_UNITS = {
    "dropout": 1, "cnn": 10, "binary": 1, "multiclass": 46, "regression": 1, "lstm": 1,
    "early-stopping": 1, "regularization": 1, "checkpointing": 1, "tuning": 2,
    "loss-history": 1, "architecture": 1, "accuracy-history": 1, "cross-validation": 2,
}  # fmt: skip


def test_list_shows_the_fifteen_in_chapter_order(cli):
    result = cli("list")
    assert result.exit_code == 0
    names = [line.split()[1] for line in result.output.strip().splitlines()]
    assert names == CHAPTER_ORDER


def test_help_and_list_do_not_import_tensorflow():
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from cookbook.cli import main\n"
        "for args in (['--help'], ['list'], ['train', '--help'], ['figures', '--help']):\n"
        "    assert CliRunner().invoke(main, args).exit_code == 0, args\n"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_python_m_cookbook_works():
    out = subprocess.run(
        [sys.executable, "-m", "cookbook", "list"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0 and "cross-validation" in out.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["train", "dropuot"], "Did you mean: dropout"),
        (["train", "binary", "--epochs", "0"], "--epochs"),
        (["train", "binary", "--epochs", "-3"], "--epochs"),
        (["train", "binary", "--epochs", "many"], "--epochs"),
        (["train", "binary", "--seed", "-1"], "--seed"),
        (["train", "binary", "--seed", str(2**32)], "--seed"),
        (["train", "binary", "--data", "internet"], "--data"),
        (["train"], "name at least one recipe"),
        (["train", "binary", "--all"], "not both"),
        (["figures", "nosuch"], "unknown recipe"),
    ],
)
def test_usage_errors_exit_2_with_one_clear_message(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_out_pointing_at_a_file_is_refused(cli, tmp_path):
    target = tmp_path / "taken"
    target.write_text("keep me")
    result = cli("train", "binary", "--data", "sample", "--out", str(target))
    assert result.exit_code == 2 and "is a file" in result.output
    assert target.read_text() == "keep me"


@pytest.fixture(scope="module")
def trained_all(tmp_path_factory):
    """``cookbook train --all`` once, on tiny sample data, one epoch per recipe."""
    from click.testing import CliRunner

    from cookbook.cli import main

    out = tmp_path_factory.mktemp("models")
    result = CliRunner().invoke(
        main,
        ["train", "--all", "--data", "sample", "--size", "tiny", "--epochs", "1", "-q",
         "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("name", CHAPTER_ORDER)
def test_every_recipe_trains_and_records_its_results(trained_all, name):
    record = json.loads((trained_all / name / "results.json").read_text())
    assert record["recipe"] == name
    assert record["seed"] == 0
    assert set(record["versions"]) >= {"python", "keras", "numpy"}
    assert record["wall_time_s"] >= 0
    if record["history"]:
        assert record["epochs"] == 1
        assert all(len(values) == 1 for values in record["history"].values())
    for relative in record["files"]:
        assert (trained_all / relative).is_file(), relative


@pytest.mark.parametrize("name", sorted(OUTPUT_UNITS))
def test_every_saved_model_loads_and_predicts(trained_all, name):
    import keras

    models = sorted((trained_all / name).glob("*.keras"))
    assert models, f"{name} saved no .keras model"
    for path in models:
        model = keras.models.load_model(path)
        shape = (2, *model.input_shape[1:])
        prediction = model.predict(np.zeros(shape, dtype="float32"), verbose=0)
        assert prediction.shape == (2, OUTPUT_UNITS[name]), path.name


def test_registry_matches_the_modules():
    for entry in recipes.RECIPES:
        module = recipes.load(entry.name)
        assert module.NAME == entry.name
        assert callable(module.run) and callable(module.figure)
        assert "What changed since Keras 2" in module.__doc__


def test_same_seed_same_history(cli, tmp_path):
    def history(seed: int, folder: str):
        out = tmp_path / folder
        args = ["train", "binary", "--data", "sample", "--size", "tiny", "--epochs", "2"]
        result = cli(*args, "--seed", str(seed), "-q", "--out", str(out))
        assert result.exit_code == 0, result.output
        return json.loads((out / "binary" / "results.json").read_text())["history"]

    first, again, other = history(0, "a"), history(0, "b"), history(1, "c")
    assert first == again
    assert first != other


def test_early_stopping_writes_best_model(cli, tmp_path):
    result = cli("train", "early-stopping", "--data", "sample", "--size", "tiny", "-q",
                 "--out", str(tmp_path))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (tmp_path / "early-stopping" / "best_model.keras").is_file()
    assert not list(Path(tmp_path / "early-stopping").glob(".staging-*"))
