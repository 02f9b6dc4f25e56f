"""Every row of the troubleshooting page is true: its message and its exit code.

``docs/troubleshooting.md`` has one table row per thing that can go wrong, each tagged with
``<!-- row: ID -->``. For every row this test runs the scenario of the same ID below and checks
that the output holds the row's quoted message (its longest quoted text, the parts between its
"…" in order) and that the exit code is the row's. A row without a scenario, or a scenario
without a row, fails.
"""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

import keras
import pytest
from conftest import ROOT, TINY, interrupt_training

from cookbook import errors, files

PAGE = ROOT / "docs" / "troubleshooting.md"
ROW_RE = re.compile(r"^\|(?P<cells>.*<!-- row: (?P<id>[\w-]+) -->.*)\|\s*$", re.M)


pytestmark = pytest.mark.slow  # each row is a failing run: the full suite, not the quick loop


def rows() -> dict[str, tuple[list[str], int]]:
    """``{id: (quoted message parts, exit code)}`` from the page's table."""
    found = {}
    for match in ROW_RE.finditer(PAGE.read_text(encoding="utf-8")):
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", match["cells"])]
        quoted = re.findall(r"``? ?(.+?) ?``?(?=[ .;:,)]|$)", cells[1])
        message = max(quoted, key=len) if quoted else cells[1]  # the message, not a command
        parts = [p.strip() for p in message.replace("\\|", "|").split("…") if p.strip()]
        found[match["id"]] = (parts, int(cells[-1]))
    return found


def scenario_misspelled(cli, tmp_path, monkeypatch):
    return cli("train", "dropuot")


def scenario_epochs(cli, tmp_path, monkeypatch):
    return cli("train", "binary", "--epochs", "0")


def scenario_seed(cli, tmp_path, monkeypatch):
    return cli("train", "binary", "--seed", "-1")


def scenario_data(cli, tmp_path, monkeypatch):
    return cli("train", "binary", "--data", "internet")


def scenario_timeout(cli, tmp_path, monkeypatch):
    return cli("train", "binary", "--timeout", "nan")


def scenario_out_file(cli, tmp_path, monkeypatch):
    (tmp_path / "models.txt").write_text("mine")
    return cli("train", "binary", "--out", str(tmp_path / "models.txt"))


def scenario_out_unwritable(cli, tmp_path, monkeypatch):
    import cookbook.cli.common as common

    locked = tmp_path / "shared"
    locked.mkdir()
    # Root may write anywhere, so the read-only folder is simulated at the permission check.
    monkeypatch.setattr(common.os, "access", lambda path, mode: Path(path) != locked)
    return cli("train", "binary", "--out", str(locked / "models"))


def scenario_out_too_long(cli, tmp_path, monkeypatch):
    return cli("train", "binary", "--out", str(tmp_path / ("x" * 300)))


def scenario_out_dangling(cli, tmp_path, monkeypatch):
    os.symlink(tmp_path / "gone", tmp_path / "models")
    return cli("train", "binary", "--out", str(tmp_path / "models"))


def scenario_out_loop(cli, tmp_path, monkeypatch):
    os.symlink(tmp_path / "models", tmp_path / "models")
    return cli("train", "binary", "--out", str(tmp_path / "models"))


def scenario_out_empty(cli, tmp_path, monkeypatch):
    return cli("train", "binary", "--out", "")


def scenario_out_tilde(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    result = cli("train", "preprocessing", *TINY, "--out", "~/models")
    assert (tmp_path / "models" / "preprocessing" / "results.json").is_file()
    return result


def scenario_out_missing_parents(cli, tmp_path, monkeypatch):
    result = cli("train", "preprocessing", *TINY, "--out", str(tmp_path / "new" / "models"))
    assert (tmp_path / "new" / "models" / "preprocessing").is_dir()
    return result


def scenario_no_name(cli, tmp_path, monkeypatch):
    return cli("train")


def scenario_mirror(cli, tmp_path, monkeypatch):
    return cli("data", "download", "--mirror", "https://[::1")


def scenario_import_pipe(cli, tmp_path, monkeypatch):
    os.mkfifo(tmp_path / "imdb.npz")
    return cli("data", "import", str(tmp_path / "imdb.npz"))


def scenario_graphviz_named(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` on it
    return cli("figures", "architecture", *TINY, "--out", str(tmp_path / "f"))


def scenario_graphviz_all(cli, tmp_path, monkeypatch):
    from cookbook import recipes

    # All recipes but one quick one are left out: what is tested is the skip, not training.
    monkeypatch.setattr(recipes, "NAMES", ("preprocessing", "architecture"))
    monkeypatch.setenv("PATH", str(tmp_path))
    return cli("figures", *TINY, "--out", str(tmp_path / "f"))


def offline(monkeypatch, tmp_path):
    from cookbook.data import cache

    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setattr(cache, "ORIGIN", "http://127.0.0.1:9/")  # port 9: nothing listens


def scenario_keras_unavailable(cli, tmp_path, monkeypatch):
    offline(monkeypatch, tmp_path)
    return cli("train", "binary", "--data", "keras", "-q", "--out", str(tmp_path / "m"))


def scenario_auto_unavailable(cli, tmp_path, monkeypatch):
    offline(monkeypatch, tmp_path)
    return cli("train", "binary", "--data", "auto", "--size", "tiny", "--epochs", "1", "-q",
               "--out", str(tmp_path / "m"))  # fmt: skip


def scenario_corrupt_dataset(cli, tmp_path, monkeypatch):
    offline(monkeypatch, tmp_path)
    (tmp_path / "keras" / "datasets").mkdir(parents=True)
    (tmp_path / "keras" / "datasets" / "imdb.npz").write_bytes(b"PK\x03\x04 truncated")
    return cli("train", "binary", "--data", "keras", "-q", "--out", str(tmp_path / "m"))


def scenario_corrupt_model(cli, tmp_path, monkeypatch):
    (tmp_path / "model.keras").write_bytes(b"not a zip archive")
    return cli("inspect", str(tmp_path / "model.keras"))


def scenario_disk_full(cli, tmp_path, monkeypatch):
    def full_disk(self, filepath, *args, **kwargs):
        Path(filepath).write_bytes(b"half a model")
        raise OSError(errno.ENOSPC, "No space left on device", str(filepath))

    monkeypatch.setattr(keras.Model, "save", full_disk)
    return cli("train", "regression", *TINY, "--epochs", "1", "--out", str(tmp_path))


def scenario_one_fails(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    original = keras.Model.fit

    def broken(self, *args, **kwargs):
        raise RuntimeError("a stand-in for a bug")

    monkeypatch.setattr(keras.Model, "fit", broken)
    result = cli("train", "regression", "preprocessing", *TINY, "--out", str(tmp_path))
    monkeypatch.setattr(keras.Model, "fit", original)
    assert (tmp_path / "preprocessing" / "results.json").is_file()
    return result


def scenario_ctrl_c_resumable(cli, tmp_path, monkeypatch):
    interrupt_training(monkeypatch)
    return cli("train", "binary", *TINY, "--out", str(tmp_path))


def scenario_ctrl_c_fresh(cli, tmp_path, monkeypatch):
    interrupt_training(monkeypatch)
    return cli("train", "early-stopping", *TINY, "--out", str(tmp_path))


def scenario_sigterm(cli, tmp_path, monkeypatch):
    interrupt_training(monkeypatch, 1, errors.Terminated)
    return cli("train", "binary", *TINY, "--out", str(tmp_path))


def scenario_ctrl_c_figures(cli, tmp_path, monkeypatch):
    interrupt_training(monkeypatch)
    return cli("figures", "binary", *TINY, "--out", str(tmp_path))


def scenario_resume_other(cli, tmp_path, monkeypatch):
    interrupt_training(monkeypatch)
    cli("train", "binary", *TINY, "--out", str(tmp_path))
    monkeypatch.undo()
    return cli("train", "binary", *TINY, "--seed", "1", "--resume", "--out", str(tmp_path))


def scenario_resume_nothing(cli, tmp_path, monkeypatch):
    return cli("train", "binary", *TINY, "--epochs", "1", "--resume", "--out", str(tmp_path))


def scenario_backup_damaged(cli, tmp_path, monkeypatch):
    interrupt_training(monkeypatch)
    cli("train", "binary", *TINY, "--out", str(tmp_path))
    monkeypatch.undo()
    (tmp_path / "binary.partial/.resume/backup/state.json").write_text("{")
    return cli("train", "binary", *TINY, "--resume", "--out", str(tmp_path))


def scenario_locked(cli, tmp_path, monkeypatch):
    with files.lock(tmp_path / ".binary.lock", str(tmp_path / "binary")):
        return cli("train", "binary", *TINY, "--out", str(tmp_path))


def scenario_not_ours(cli, tmp_path, monkeypatch):
    (tmp_path / "binary").mkdir()
    (tmp_path / "binary" / "notes.txt").write_text("my notes")
    result = cli("train", "binary", *TINY, "--out", str(tmp_path))
    assert (tmp_path / "binary" / "notes.txt").read_text() == "my notes"
    return result


def scenario_lock_link(cli, tmp_path, monkeypatch):
    (tmp_path / "victim.txt").write_text("precious")
    (tmp_path / ".binary.lock").symlink_to(tmp_path / "victim.txt")
    result = cli("train", "binary", *TINY, "--out", str(tmp_path))
    assert (tmp_path / "victim.txt").read_text() == "precious"
    return result


def scenario_inspect_device(cli, tmp_path, monkeypatch):
    (tmp_path / "zero.keras").symlink_to("/dev/zero")
    return cli("inspect", str(tmp_path / "zero.keras"))


def scenario_check_damaged(cli, tmp_path, monkeypatch):
    assert cli("figures", "binary", *TINY, "--epochs", "1", "--out", str(tmp_path)).exit_code == 0
    (tmp_path / "binary.json").write_text("<<<<<<< HEAD\n")  # as a merge conflict leaves it
    return cli("figures", "binary", "--check", "-q", "--out", str(tmp_path))


def scenario_download_timeout(cli, tmp_path, monkeypatch):
    import socket

    offline(monkeypatch, tmp_path)
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/mirror"
        return cli("data", "download", "imdb", "--mirror", url, "--timeout", "1")


SCENARIOS = {
    name.removeprefix("scenario_").replace("_", "-"): function
    for name, function in dict(globals()).items()
    if name.startswith("scenario_")
}


def test_every_row_has_a_scenario_and_every_scenario_a_row():
    assert sorted(rows()) == sorted(SCENARIOS)


@pytest.mark.parametrize("row", sorted(SCENARIOS))
def test_the_row_is_what_happens(cli, tmp_path, monkeypatch, row):
    from click.testing import CliRunner

    from cookbook.cli import main

    if row not in rows():
        pytest.fail(f"no row {row!r} on the troubleshooting page")
    parts, code = rows()[row]
    runner_ = CliRunner()

    def invoke(*args):
        return runner_.invoke(main, list(args), catch_exceptions=False)

    result = SCENARIOS[row](invoke, tmp_path, monkeypatch)
    output = " ".join(result.output.split())
    assert result.exit_code == code, result.output
    position = 0
    for part in parts:
        found = output.find(" ".join(part.split()), position)
        assert found >= 0, f"{part!r} not in: {output}"
        position = found + len(part)
    assert "Traceback" not in result.output
