"""The command line: listing, usage errors, and every recipe trained end to end."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from conftest import CHAPTER_ORDER, skip_without_programs

from cookbook import recipes

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
    assert names == CHAPTER_ORDER == list(recipes.NAMES)


def test_help_and_list_do_not_import_tensorflow():
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from cookbook.cli import main\n"
        "for args in (['--help'], ['list'], ['train', '--help'], ['figures', '--help'],\n"
        "             ['notebooks', '--help'], ['data', '--help']):\n"
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
        (["train", "binary", "--timeout", "nan"], "--timeout"),
        (["train", "binary", "--timeout", "inf"], "--timeout"),
        (["train", "binary", "--out", ""], "--out"),
        (["train"], "name at least one recipe"),
        (["train", "binary", "--all"], "not both"),
        (["figures", "nosuch"], "unknown recipe"),
        (["figures", "early_stopping"], "early-stopping"),
        (["notebooks", "nosuch"], "unknown recipe"),
        (["figures", "--check", "--seed", "3"], "--seed cannot be changed there"),
        (["figures", "--check", "--data", "keras", "--size", "full"], "--data, --size cannot"),
        (["figures", "binary", "--check", "--epochs", "2"], "--epochs cannot be changed"),
        (["train", "binary", "--backend", "theano"], "--backend"),
    ],
)
def test_usage_errors_exit_2_with_one_clear_message(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("flags", "echo"), [(["-v"], True), ([], False)])
def test_check_reruns_with_verbose_as_given(cli, tmp_path, monkeypatch, flags, echo):
    """``figures --check -v`` shows what the rerun prints, as ``figures -v`` does: unlike the
    data, size and seed, ``-v`` changes nothing a record holds, so it is honoured, not refused.
    (The rerun itself is replaced: only the settings it gets are looked at.)"""
    import importlib

    from cookbook import runner

    record = {"recipe": "binary", "data": [], "seed": 0, "epochs": 1, "history": {}}
    (tmp_path / "binary.json").write_text(json.dumps({**record, "results": {}, "versions": {}}))
    given = []
    # The module, not the command of the same name that cookbook.cli exports.
    command_module = importlib.import_module("cookbook.cli.figures")
    monkeypatch.setattr(command_module, "start_keras", lambda backend: None)  # no Keras needed

    def rerun(names, settings, *args, **kwargs):
        given.append(settings)
        return []  # no outcomes: nothing to compare

    monkeypatch.setattr(runner, "figures", rerun)
    result = cli("figures", "binary", "--check", *flags, "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert [settings.echo for settings in given] == [echo]
    assert given[0].out != tmp_path  # still a rerun into a folder of its own


def test_out_pointing_at_a_file_is_refused(cli, tmp_path):
    target = tmp_path / "taken"
    target.write_text("keep me")
    result = cli("train", "binary", "--out", str(target))
    assert result.exit_code == 2 and "is a file" in result.output
    assert target.read_text() == "keep me"


def test_the_registry_names_programs_that_exist():
    from cookbook import program

    for entry in recipes.RECIPES:
        sections = [s.name for s in program.read_sections(program.module_path(entry.module))]
        assert sections[:2] == ["imports", "parameters"], entry.name
        assert set(entry.hidden) <= set(sections), entry.name


def test_every_program_uses_the_standard_parameter_names():
    """``epochs``, ``seed``, ``folder``, ``callbacks``, ``verbose``: the same names and order
    everywhere, each where it applies; ``folder`` and ``seed`` in every recipe."""
    from cookbook import program

    standard = ["epochs", "seed", "folder", "callbacks", "verbose"]
    for entry in recipes.RECIPES:
        path = program.module_path(entry.module)
        section = next(s for s in program.read_sections(path) if s.name == program.PARAMETERS)
        names = program.parameter_names(section)
        used = [name for name in names if name in standard]
        assert used == [name for name in standard if name in used], entry.name
        assert {"seed", "folder"} <= set(used), entry.name
        for key in {k for values in entry.sizes.values() for k in values}:
            assert key in names, f"{entry.name}: --size sets {key}, which is no parameter"


@pytest.mark.parametrize("name", CHAPTER_ORDER)
def test_every_recipe_trains_and_records_its_results(trained, name):
    skip_without_programs(name)
    outcome = trained(name)
    record = outcome.record
    folder = outcome.written[0].parent
    assert record["recipe"] == name
    assert set(record["versions"]) >= {"python", "keras", "numpy", "scikit-learn"}
    assert isinstance(record["results"], dict) and record["results"], "prints no results"
    assert record["files"], "wrote no files"
    for relative in [*record["files"], "results.json"]:
        assert (folder / relative).is_file(), relative
    on_disk = json.loads((folder / "results.json").read_text())
    assert on_disk["history"] == record["history"]
    assert not list(folder.parent.glob("*.partial")), "an unfinished run folder was left"
    if record["history"]:
        lengths = {len(values) for values in record["history"].values()}
        assert lengths == {record["epochs"]}


@pytest.mark.parametrize("name", CHAPTER_ORDER)
def test_every_fit_gets_the_runners_callbacks(trained, name):
    """Whatever a program trains, each ``fit`` call gets the callbacks the runner hands it
    (the one that stops at the next epoch when asked, at least): Ctrl-C, SIGTERM, resume and
    progress reach every training through the program's ``callbacks`` parameter."""
    from cookbook.callbacks import StopWhenAsked
    from cookbook.recipes import entry

    skip_without_programs(name)
    fits = trained(name).fits
    if entry(name).epochs(1) == {}:  # a recipe that trains nothing
        assert fits == []
        return
    assert fits, f"{name} trained nothing"
    for fit in fits:
        assert any(isinstance(c, StopWhenAsked) for c in fit["callbacks"]), (name, fit)


@pytest.mark.parametrize("name", sorted(OUTPUT_UNITS))
def test_every_saved_model_loads_and_predicts(trained, name):
    import keras

    skip_without_programs(name)
    folder = trained(name).written[0].parent
    models = sorted(folder.glob("*.keras"))
    assert models, f"{name} saved no .keras model"
    for path in models:
        model = keras.models.load_model(path)
        shape = (2, *model.input_shape[1:])
        prediction = model.predict(np.zeros(shape, dtype="float32"), verbose=0)
        assert prediction.shape == (2, OUTPUT_UNITS[name]), path.name


def test_one_training_serves_both_history_recipes(trained):
    loss, accuracy = trained("loss-history"), trained("accuracy-history")
    assert loss.namespace is accuracy.namespace  # one run of the shared program
    assert loss.record["history"] == accuracy.record["history"]


def test_same_seed_same_history_other_seed_other_history(cli, tmp_path):
    def history(seed: int, folder: str):
        out = tmp_path / folder
        args = ["train", "binary", "--data", "sample", "--size", "tiny", "--epochs", "2"]
        result = cli(*args, "--seed", str(seed), "-q", "--out", str(out))
        assert result.exit_code == 0, result.output
        return json.loads((out / "binary" / "results.json").read_text())["history"]

    first, again, other = history(0, "a"), history(0, "b"), history(1, "c")
    assert first == again
    assert first != other
