"""Failing well: each bad input or fault gets a clear answer, and nothing the user had is lost.

Usage errors (things to fix on the command line) exit with 2; failures while working exit
with 1; Ctrl-C exits with 130. None of them shows a traceback.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

TINY = ("--data", "sample", "--size", "tiny", "-q")


def cookbook_process(*args: str, env: dict | None = None, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "cookbook", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        **kwargs,
    )


def test_read_only_out_dir_is_a_usage_error(cli, tmp_path, monkeypatch):
    import cookbook.cli.common as common

    locked = tmp_path / "locked"
    locked.mkdir()
    # Root may write anywhere, so simulate the read-only folder at the permission check.
    monkeypatch.setattr(common.os, "access", lambda path, mode: Path(path) != locked)
    result = cli("train", "binary", *TINY, "--out", str(locked / "models"))
    assert result.exit_code == 2
    assert "permission denied" in result.output and "Traceback" not in result.output
    assert not (locked / "models").exists()


def test_missing_parents_of_out_are_created(cli, tmp_path):
    out = tmp_path / "new" / "deeper" / "models"
    result = cli("train", "preprocessing", *TINY, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "preprocessing" / "results.json").is_file()


def test_graphviz_missing_is_one_clear_failure(tmp_path):
    # An empty PATH hides Graphviz's `dot` from the recipe.
    proc = cookbook_process(
        "train", "architecture", *TINY, "--out", str(tmp_path), env={"PATH": str(tmp_path)}
    )
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert "graphviz" in err.lower() and "apt-get install graphviz" in err
    assert "Traceback" not in err
    assert not (tmp_path / "architecture" / "network.png").exists()


def test_real_dataset_unavailable_with_data_keras(cli, tmp_path, monkeypatch):
    from cookbook.data import cache

    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setattr(cache, "ORIGIN", "http://127.0.0.1:9/")  # port 9: nothing listens
    result = cli("train", "binary", "--data", "keras", "-q", "--out", str(tmp_path / "m"))
    assert result.exit_code == 1
    assert "cookbook data import" in result.output and "--data sample" in result.output
    assert "Traceback" not in result.output


def test_corrupt_cached_dataset_falls_back_or_fails_clearly(cli, tmp_path, monkeypatch):
    from cookbook import data
    from cookbook.data import cache

    home = tmp_path / "keras"
    (home / "datasets").mkdir(parents=True)
    corrupt = home / "datasets" / "imdb.npz"
    corrupt.write_bytes(b"PK\x03\x04 truncated")
    monkeypatch.setenv("KERAS_HOME", str(home))
    monkeypatch.setattr(cache, "ORIGIN", "http://127.0.0.1:9/")
    monkeypatch.setattr(data, "_resolved", {})
    strict = cli("train", "binary", "--data", "keras", "-q", "--out", str(tmp_path / "a"))
    assert strict.exit_code == 1 and "cookbook data import" in strict.output
    relaxed = cli("train", "binary", *TINY, "--out", str(tmp_path / "b"))
    assert relaxed.exit_code == 0
    assert corrupt.read_bytes() == b"PK\x03\x04 truncated"  # never opened as data, never lost


def test_corrupt_model_file_is_refused_in_one_line(cli, tmp_path):
    bad = tmp_path / "model.keras"
    bad.write_bytes(b"not a zip archive")
    result = cli("inspect", str(bad))
    assert result.exit_code == 1
    assert "not a valid .keras file" in result.output and "Traceback" not in result.output


def test_disk_full_while_saving_keeps_the_previous_model(cli, tmp_path, monkeypatch):
    import keras

    assert cli("train", "binary", *TINY, "--epochs", "1", "--out", str(tmp_path)).exit_code == 0
    model_file = tmp_path / "binary" / "binary.keras"
    before = model_file.read_bytes()

    def full_disk(self, filepath, *args, **kwargs):
        Path(filepath).write_bytes(b"half a model")
        raise OSError(errno.ENOSPC, "No space left on device", str(filepath))

    monkeypatch.setattr(keras.Model, "save", full_disk)
    result = cli("train", "binary", *TINY, "--epochs", "1", "--out", str(tmp_path))
    assert result.exit_code == 1
    assert "No space left on device" in result.output and "Traceback" not in result.output
    assert model_file.read_bytes() == before
    assert sorted(p.name for p in model_file.parent.iterdir()) == ["binary.keras", "results.json"]


def epochs_logged(folder: Path) -> int:
    log = folder / ".epochs.json"
    try:
        return len(json.loads(log.read_text())["loss"])
    except (OSError, ValueError, KeyError):
        return 0


def test_ctrl_c_stops_keeps_files_and_resume_finishes(tmp_path):
    out = str(tmp_path)
    first = cookbook_process("train", "binary", *TINY, "--epochs", "1", "--out", out)
    assert first.wait(timeout=120) == 0
    model_file = tmp_path / "binary" / "binary.keras"
    before = model_file.read_bytes()

    long_run = ("train", "binary", "--data", "sample", "--epochs", "40", "-q", "--out", out)
    proc = cookbook_process(*long_run)
    deadline = time.monotonic() + 120
    while epochs_logged(tmp_path / "binary") < 1:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no epoch finished in time"
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "--resume" in err and "Traceback" not in err
    assert model_file.read_bytes() == before
    done_before = epochs_logged(tmp_path / "binary")
    assert 1 <= done_before < 40

    resumed = cookbook_process(*long_run, "--resume")
    assert resumed.wait(timeout=300) == 0, resumed.communicate()
    record = json.loads((tmp_path / "binary" / "results.json").read_text())
    assert record["epochs"] == 40
    assert all(len(values) == 40 for values in record["history"].values())
    assert not (tmp_path / "binary" / ".backup").exists()


@pytest.mark.parametrize("command", ["train", "figures"])
def test_unknown_name_suggests_close_ones(cli, command):
    result = cli(command, "early_stopping")
    assert result.exit_code == 2
    assert "early-stopping" in result.output
