"""Failing well, for real: signals sent to a running ``cookbook``, full disks, missing programs.

Usage errors exit with 2; failures while working with 1; Ctrl-C with 130, SIGTERM with 143.
None of them shows a traceback, leaves a temporary file behind, or changes a file the user
had. A full disk is simulated without root: the process's file-size limit (``ulimit -f``,
``RLIMIT_FSIZE``) makes every write past the limit fail with EFBIG, in Python and in C alike
(Python ignores the SIGXFSZ that would otherwise kill it).
"""

from __future__ import annotations

import errno
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import TINY, require_program, wait_for

pytestmark = pytest.mark.slow  # real processes, real signals, real full disks


def cookbook_process(*args: str, env: dict | None = None, limit: int | None = None, **kwargs):
    """``python -m cookbook ARGS`` in a subprocess (optionally with a file-size limit)."""

    def limit_file_size() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.Popen(
        [sys.executable, "-m", "cookbook", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        preexec_fn=limit_file_size if limit else None,
        **kwargs,
    )


def epochs_saved(partial: Path) -> int:
    try:
        return json.loads((partial / ".resume/backup/state.json").read_text())["epoch"]
    except (OSError, ValueError, KeyError):
        return 0


def leftovers(*folders: Path) -> list[str]:
    """Temporary files or folders left anywhere under ``folders``."""
    found = []
    for folder in folders:
        for path in folder.rglob("*"):
            if ".tmp" in path.name or path.name.startswith(("cookbook-", "tmp")):
                found.append(str(path))
    return found


@pytest.mark.parametrize(
    ("signum", "code", "name"), [(signal.SIGINT, 130, "Ctrl-C"), (signal.SIGTERM, 143, "SIGTERM")]
)
def test_a_signal_mid_training_keeps_files_and_resume_finishes(tmp_path, signum, code, name):
    out, tmp = tmp_path / "out", tmp_path / "tmp"
    tmp.mkdir()
    env = {"TMPDIR": str(tmp)}
    first = cookbook_process("train", "binary", *TINY, "--epochs", "1", "--out", str(out), env=env)
    assert first.wait(timeout=120) == 0
    before = (out / "binary" / "binary.keras").read_bytes()

    long_run = ("train", "binary", "--data", "sample", "--epochs", "12", "-q", "--out", str(out))
    proc = cookbook_process(*long_run, env=env)
    deadline = time.monotonic() + 120
    while epochs_saved(out / "binary.partial") < 1:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no epoch finished in time"
        time.sleep(0.05)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert f"interrupted ({name})" in err and "Traceback" not in err
    assert "cookbook train binary --resume" in err
    assert (out / "binary" / "binary.keras").read_bytes() == before
    assert not leftovers(tmp) and not leftovers(out / "binary")
    done_before = epochs_saved(out / "binary.partial")
    assert 1 <= done_before < 12

    resumed = cookbook_process(*long_run, "--resume", env=env)
    assert resumed.wait(timeout=300) == 0, resumed.communicate()
    record = json.loads((out / "binary" / "results.json").read_text())
    assert record["epochs"] == 12
    assert all(len(values) == 12 for values in record["history"].values())
    assert not (out / "binary.partial").exists()
    assert not leftovers(tmp)


@pytest.mark.parametrize("delay", [0.15, 0.3, 0.6, 1.2, 2.5])
def test_ctrl_c_at_start_up_ends_without_a_traceback(tmp_path, delay):
    """From the moment the cookbook's code runs (Python's own start-up, site packages and
    all, takes about 0.04 s here; a Ctrl-C inside it is Python's to report), through imports,
    data loading and the first training steps."""
    proc = cookbook_process("train", "binary", *TINY, "--out", str(tmp_path))
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode in (130, -signal.SIGINT), err
    assert "Traceback" not in err


def test_full_disk_during_the_backup_fails_cleanly(tmp_path):
    """The reliability review's segfault: the per-epoch backup is now a .keras file written by
    Python, so a failed write is an OSError naming the file, not a crash inside HDF5."""
    out = tmp_path / "out"
    assert (
        cookbook_process("train", "binary", *TINY, "--epochs", "1", "--out", str(out)).wait(
            timeout=120
        )
        == 0
    )
    before = {p.name: p.read_bytes() for p in (out / "binary").iterdir()}
    proc = cookbook_process("train", "binary", *TINY, "--epochs", "3", "--out", str(out),
                            limit=60_000)  # fmt: skip
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err  # not a segfault (-11 / 139)
    assert "File too large while writing" in err and ".resume/backup/model-" in err
    assert "Traceback" not in err
    assert {p.name: p.read_bytes() for p in (out / "binary").iterdir()} == before
    assert not (out / "binary.partial").exists()  # no epoch finished: nothing to resume
    assert not leftovers(out)


def test_full_disk_while_saving_a_figure_keeps_the_old_pair(tmp_path):
    out = tmp_path / "figures"
    args = ("figures", "binary", *TINY, "--epochs", "1", "--out", str(out))
    assert cookbook_process(*args).wait(timeout=120) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    # The model file (about 150 kB) is written first and fails: raise the limit past it but
    # under the figure, so the PNG is what runs out of room.
    proc = cookbook_process(*args, "--seed", "2", limit=20_000)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err
    assert "File too large while writing" in err and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not leftovers(out)


def test_full_disk_while_writing_the_record_keeps_the_old_pair(cli, tmp_path, monkeypatch):
    from cookbook import files

    out = tmp_path / "figures"
    args = ("figures", "binary", *TINY, "--epochs", "1", "--out", str(out))
    assert cli(*args).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real_replace = files.os.replace

    def no_room(self, text, encoding=None):
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr(Path, "write_text", no_room)
    result = cli(*args, "--seed", "2")
    monkeypatch.setattr(files.os, "replace", real_replace)
    assert result.exit_code == 1
    assert "No space left on device while writing" in result.output
    assert ".binary." in result.output and ".tmp.json" in result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_a_named_recipe_needing_a_missing_program_fails_others_still_run(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()  # a PATH without Graphviz's `dot`
    out = tmp_path / "figures"
    proc = cookbook_process("figures", "architecture", "preprocessing", *TINY, "--out", str(out),
                            env={"PATH": str(bin_dir)})  # fmt: skip
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err
    assert "skipped: architecture" in err and "apt-get install graphviz" in err
    assert "Traceback" not in err
    assert (out / "preprocessing.png").is_file() and not (out / "architecture.png").exists()


def test_the_summary_skips_a_missing_program_when_not_named():
    from cookbook.cli.common import finish
    from cookbook.runner import Outcome

    outcomes = [Outcome("binary", "done"), Outcome("architecture", "skipped", message="no dot")]
    where = {"what": "figure(s)", "out": Path("docs/figures"), "started": 0.0, "debug": False}
    finish(outcomes, named=False, **where)
    with pytest.raises(SystemExit) as raised:
        finish(outcomes, named=True, **where)
    assert raised.value.code == 1


def test_architecture_runs_where_graphviz_is_installed(tmp_path):
    require_program("dot")
    proc = cookbook_process("train", "architecture", *TINY, "--out", str(tmp_path))
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert (tmp_path / "architecture" / "results.json").is_file()


def test_ctrl_c_during_parallel_figures_ends_every_worker_cleanly(tmp_path):
    """With ``--jobs 2`` the main process takes Ctrl-C, stops both workers (SIGTERM, handled
    like Ctrl-C) and waits for them: every figure left is paired with its own record."""
    import hashlib

    out, tmp = tmp_path / "figures", tmp_path / "tmp"
    tmp.mkdir()
    names = ["binary", "regression", "cross-validation", "multiclass"]
    args = ("figures", *names, *TINY, "--jobs", "2", "--out", str(out))
    assert cookbook_process(*args, env={"TMPDIR": str(tmp)}).wait(timeout=300) == 0
    proc = cookbook_process(*args, "--seed", "3", env={"TMPDIR": str(tmp)})
    wait_for(lambda: len(list(tmp.glob("**/run-*"))) >= 2, proc, "both workers at work")
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted (Ctrl-C)" in err and "Traceback" not in err
    for name in names:
        record = json.loads((out / f"{name}.json").read_text())
        png = (out / f"{name}.png").read_bytes()
        assert record["figure"]["sha256"] == hashlib.sha256(png).hexdigest(), name
    assert not leftovers(out) and not leftovers(tmp)
    assert not list(out.glob(".*.lock"))
