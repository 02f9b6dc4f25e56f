"""Runs that never mix: publishing a run's files together, resuming only the same run, locks.

Each test here is one of the failures found by the reliability review
(`../shared/notes/review-reliability.md`), run in-process: an interruption is a
``KeyboardInterrupt`` raised by a callback at the end of a chosen epoch, exactly where Ctrl-C
lands in a real training (``test_failures.py`` sends real signals).
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
from conftest import TINY, snapshot

from cookbook import files

# Interrupted, resumed and locked runs: the full suite, not the quick loop.
pytestmark = pytest.mark.slow


def train(cli, out: Path, *args: str):
    return cli("train", "binary", *TINY, "--out", str(out), *args)


def test_ctrl_c_keeps_the_last_complete_run_and_the_progress(cli, tmp_path, interrupt_at):
    assert train(cli, tmp_path, "--epochs", "2").exit_code == 0
    before = snapshot(tmp_path / "binary")
    interrupt_at(2)
    result = train(cli, tmp_path, "--epochs", "6", "--seed", "3")
    assert result.exit_code == 130
    assert snapshot(tmp_path / "binary") == before  # not one file of the new run in there
    state = json.loads((tmp_path / "binary.partial/.resume/backup/state.json").read_text())
    assert state["epoch"] == 2
    assert "binary.partial (2 epochs done)" in result.output
    assert "cookbook train binary --resume" in result.output
    assert "still holds the last complete run" in result.output


def test_resume_continues_the_same_run_to_the_end(cli, tmp_path, interrupt_at, monkeypatch):
    interrupt_at(2)
    assert train(cli, tmp_path, "--epochs", "5").exit_code == 130
    state = json.loads((tmp_path / "binary.partial/.resume/backup/state.json").read_text())
    monkeypatch.undo()
    result = train(cli, tmp_path, "--epochs", "5", "--resume")
    assert result.exit_code == 0, result.output
    record = json.loads((tmp_path / "binary" / "results.json").read_text())
    assert record["epochs"] == 5
    assert all(len(values) == 5 for values in record["history"].values())
    for key, values in state["history"].items():  # the first two epochs are the saved ones
        assert record["history"][key][:2] == pytest.approx(values)
    assert not (tmp_path / "binary.partial").exists()
    assert sorted(p.name for p in (tmp_path / "binary").iterdir()) == [
        "binary.keras",
        "binary.png",
        "results.json",
    ]


@pytest.mark.parametrize(
    ("changed", "difference"),
    [
        (("--seed", "7"), "seed 0 -> 7"),
        (("--size", "small"), 'size "tiny" -> "small"'),
        (("--epochs", "3"), "epochs 5 -> 3"),
    ],
)
def test_resume_with_other_settings_refuses_and_keeps_the_progress(
    cli, tmp_path, interrupt_at, monkeypatch, changed, difference
):
    interrupt_at(2)
    assert train(cli, tmp_path, "--epochs", "5").exit_code == 130
    kept = snapshot(tmp_path / "binary.partial")
    monkeypatch.undo()
    args = dict(zip(["--epochs", "--seed", "--size"], ["5", "0", "tiny"], strict=True))
    args.update(dict(zip(changed[::2], changed[1::2], strict=True)))
    flat = [item for pair in args.items() for item in pair]
    result = cli("train", "binary", "--data", "sample", "-q", "--out", str(tmp_path), *flat,
                 "--resume")  # fmt: skip
    assert result.exit_code == 2, result.output
    assert difference in result.output and "without --resume" in result.output
    assert "Traceback" not in result.output
    assert snapshot(tmp_path / "binary.partial") == kept
    assert not (tmp_path / "binary").exists()


def test_resume_with_nothing_to_resume_says_so_and_trains(cli, tmp_path):
    result = train(cli, tmp_path, "--epochs", "1", "--resume")
    assert result.exit_code == 0
    assert "nothing to resume for binary" in result.output
    assert (tmp_path / "binary" / "results.json").is_file()


def test_resume_of_a_recipe_that_cannot_resume_says_so(cli, tmp_path):
    result = cli("train", "preprocessing", *TINY, "--out", str(tmp_path), "--resume")
    assert result.exit_code == 0
    assert "preprocessing cannot resume" in result.output


@pytest.mark.parametrize("damage", ["state", "model"])
def test_a_damaged_backup_is_reported_before_use(cli, tmp_path, interrupt_at, monkeypatch, damage):
    interrupt_at(1)
    assert train(cli, tmp_path, "--epochs", "4").exit_code == 130
    monkeypatch.undo()
    backup = tmp_path / "binary.partial/.resume/backup"
    if damage == "state":
        (backup / "state.json").write_text('{"epoch": 1, "hist')
    else:
        model = next(backup.glob("model-*.keras"))
        model.write_bytes(model.read_bytes()[:1000])
    result = train(cli, tmp_path, "--epochs", "4", "--resume")
    assert result.exit_code == 1
    assert "is damaged" in result.output and "without --resume" in result.output
    assert "Traceback" not in result.output and result.output.count("error:") == 1


def test_interrupted_checkpointing_leaves_the_previous_checkpoints_alone(
    cli, tmp_path, interrupt_at
):
    args = ("train", "checkpointing", *TINY, "--out", str(tmp_path))
    assert cli(*args, "--epochs", "3").exit_code == 0
    before = snapshot(tmp_path / "checkpointing")
    interrupt_at(2)
    assert cli(*args, "--epochs", "5", "--seed", "1").exit_code == 130
    assert snapshot(tmp_path / "checkpointing") == before
    kept = [p.name for p in (tmp_path / "checkpointing.partial").glob("model_*.keras")]
    assert sorted(name[:8] for name in kept) == ["model_01", "model_02"]


def test_ctrl_c_during_publishing_lands_after_the_swap(cli, tmp_path, monkeypatch):
    """Ctrl-C is held back while a run folder replaces the old one: the folder is all old or,
    as here, all new -- never a new model beside an old record."""
    assert train(cli, tmp_path, "--epochs", "1").exit_code == 0
    real_exchange = files._exchange

    def ctrl_c_during(first, second):
        os.kill(os.getpid(), signal.SIGINT)  # arrives while signals are held back
        return real_exchange(first, second)

    monkeypatch.setattr(files, "_exchange", ctrl_c_during)
    result = train(cli, tmp_path, "--epochs", "2", "--seed", "5")
    assert result.exit_code == 130
    record = json.loads((tmp_path / "binary" / "results.json").read_text())
    assert record["seed"] == 5 and record["epochs"] == 2
    published = sorted(p.name for p in (tmp_path / "binary").iterdir())
    assert published == sorted([*record["files"], "results.json"])


def test_ctrl_c_between_a_figure_and_its_record_lands_after_both(cli, tmp_path, monkeypatch):
    out = tmp_path / "figures"
    args = ("figures", "preprocessing", "--data", "sample", "-q", "--out", str(out))
    assert cli(*args).exit_code == 0
    real_replace = os.replace
    calls = []

    def ctrl_c_after_first(source, target):
        real_replace(source, target)
        calls.append(target)
        if len(calls) == 1:
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(files.os, "replace", ctrl_c_after_first)
    result = cli(*args, "--seed", "4")
    assert result.exit_code == 130
    record = json.loads((out / "preprocessing.json").read_text())
    assert record["seed"] == 4  # the record was published with its figure
    assert record["figure"]["sha256"] == files.sha256(out / "preprocessing.png")


def test_a_second_run_on_the_same_output_is_refused_at_once(cli, tmp_path):
    with files.lock(tmp_path / ".binary.lock", "models/binary"):
        result = train(cli, tmp_path, "--epochs", "1")
    assert result.exit_code == 1
    assert "in use by another cookbook run" in result.output
    assert f"process {os.getpid()}" in result.output
    assert not (tmp_path / "binary").exists()


def test_a_lock_left_by_a_killed_run_is_taken_over(cli, tmp_path):
    (tmp_path / ".binary.lock").write_text("999999 cookbook train binary\n")  # nobody holds it
    result = train(cli, tmp_path, "--epochs", "1")
    assert result.exit_code == 0, result.output
    assert not (tmp_path / ".binary.lock").exists()


def test_folder_swap_without_exchange_recovers_after_a_crash(tmp_path, monkeypatch):
    target, new = tmp_path / "binary", tmp_path / "new"
    target.mkdir()
    (target / "old.txt").write_text("old")
    new.mkdir()
    (new / "new.txt").write_text("new")
    monkeypatch.setattr(files, "_exchange", lambda first, second: False)
    real_replace = os.replace

    def crash_before_second(source, destination):
        if Path(source) == new:
            raise SystemExit("killed between the two renames")
        real_replace(source, destination)

    monkeypatch.setattr(files.os, "replace", crash_before_second)
    with pytest.raises(SystemExit):
        files.replace_folder(new, target)
    assert not target.exists()  # the crash window: the old folder is aside
    monkeypatch.setattr(files.os, "replace", real_replace)
    files.recover_folder(target)
    assert (target / "old.txt").read_text() == "old"
    files.replace_folder(new, target)
    assert sorted(p.name for p in target.iterdir()) == ["new.txt"]
