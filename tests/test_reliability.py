"""Nothing a user keeps is ever touched: the reliability review's 71 cases, one test each.

The review (`../shared/notes/review-reliability.md`, at 73ee4f2) went after publishing, locks,
resume and the parallel workers; every row of its table is a test here, named ``case N`` in its
docstring or parameters. Its timing windows are made exact: a kill at a chosen instant is a
*crash image* (:func:`photograph` copies the output folder at that instant, and the rerun starts
from the copy, which is what a ``kill -9`` there leaves on disk); Ctrl-C is a ``KeyboardInterrupt``
raised where it would land, or a real signal held back by the code under test. Subprocesses are
used only where the process is the point: a real signal, a closed stdout or stderr, a killed
worker, the C locale. The whole module is ``slow``: it belongs to the full suite, not to the quick
loop for changing a recipe.

Runs are tiny (the offline sample at ``--size tiny``, one or two epochs), and the few complete
runs several tests start from are made once per module (:func:`made`) and copied.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import keras
import pytest
from conftest import TINY, interrupt_training, is_png, snapshot, wait_for

from cookbook import files, publish

pytestmark = pytest.mark.slow

# --- helpers -----------------------------------------------------------------------------------


def invoke(*args: object):
    """``cookbook ARGS`` in-process (Click's test runner); the result's output holds stdout and
    stderr as a terminal would show them."""
    from click.testing import CliRunner

    from cookbook.cli import main

    return CliRunner().invoke(main, [str(arg) for arg in args], catch_exceptions=False)


def train(out: Path, *args: object, recipe: str = "binary"):
    return invoke("train", recipe, *TINY, "--out", out, *args)


def fingerprint(root: Path) -> dict[str, tuple]:
    """Everything under ``root`` as it is on disk, links not followed: kind, mode bits, and the
    bytes of files or the target of links. Two equal fingerprints mean nothing was touched."""
    found: dict[str, tuple] = {}
    for folder, dirs, names in os.walk(root):
        for name in [*dirs, *names]:
            path = Path(folder, name)
            info = os.lstat(path)
            where = path.relative_to(root).as_posix()
            mode = stat.S_IMODE(info.st_mode)
            if stat.S_ISLNK(info.st_mode):
                found[where] = ("link", os.readlink(path))
            elif stat.S_ISDIR(info.st_mode):
                found[where] = ("folder", mode)
            elif stat.S_ISREG(info.st_mode):
                found[where] = ("file", mode, path.read_bytes())
            else:
                found[where] = ("special", stat.S_IFMT(info.st_mode))
    return found


def photograph(out: Path, photo: Path) -> None:
    """Copy ``out`` as it is at this instant (links as links): the disk a ``kill -9`` here
    leaves behind, lock file included."""
    shutil.rmtree(photo, ignore_errors=True)
    shutil.copytree(out, photo, symlinks=True)


def crashed_at(photo: Path, out: Path) -> None:
    """Make ``out`` what the process killed at the photographed instant left."""
    shutil.rmtree(out)
    shutil.copytree(photo, out, symlinks=True)


def at_epoch_end(monkeypatch, epoch: int, action: Callable[[], None]) -> None:
    """Run ``action`` at the end of the next training's epoch ``epoch`` (after the runner's own
    callbacks, so the epoch's backup is on disk)."""
    from cookbook import execution

    original = execution.make_callbacks

    class Act(keras.callbacks.Callback):
        def on_epoch_end(self, number, logs=None):
            if number + 1 == epoch:
                action()

    monkeypatch.setattr(execution, "make_callbacks", lambda *a, **k: [*original(*a, **k), Act()])


def one_line_error(output: str, *parts: str) -> None:
    """The output holds exactly one ``error:`` line, with ``parts`` in it, and no traceback."""
    errors = [line for line in output.splitlines() if line.startswith(("error:", "Error:"))]
    assert len(errors) == 1, output
    for part in parts:
        assert part in errors[0], output
    assert "Traceback" not in output


def state_of(partial: Path) -> dict:
    return json.loads((partial / ".resume/backup/state.json").read_text())


def record_of(folder: Path) -> dict:
    return json.loads((folder / "results.json").read_text())


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """``made(kind)``: a folder holding one finished piece of work, made once per module --
    ``published``: ``OUT/binary/`` of ``train binary --epochs 1``; ``interrupted``:
    ``OUT/binary.partial/`` of ``train binary --epochs 2`` stopped after epoch 1;
    ``figures``: ``OUT/binary.png`` and ``.json`` of ``figures binary --epochs 1``."""
    from cookbook import execution, runner

    done: dict[str, Path] = {}

    def get(kind: str) -> Path:
        if kind in done:
            return done[kind]
        out = tmp_path_factory.mktemp(kind)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(runner, "run_program", execution.run_program)  # even in no_training
            if kind == "published":
                result, code = train(out, "--epochs", 1), 0
            elif kind == "interrupted":
                interrupt_training(patch, 1)
                result, code = train(out, "--epochs", 2), 130
            else:
                args = ("figures", "binary", *TINY, "--epochs", 1, "--jobs", 1, "--out", out)
                result, code = invoke(*args), 0
        assert result.exit_code == code, result.output
        done[kind] = out
        return out

    return get


def copy_of(made, kind: str, into: Path) -> Path:
    """A fresh copy of ``made(kind)`` at ``into``."""
    shutil.copytree(made(kind), into, symlinks=True)
    return into


@pytest.fixture
def no_training(monkeypatch) -> list:
    """Record every program the runner starts (and stop it): a refusal must come before."""
    from cookbook import runner

    started: list = []

    def refuse(entry, *args, **kwargs):
        started.append(entry.name)
        raise AssertionError(f"{entry.name} started training")

    monkeypatch.setattr(runner, "run_program", refuse)
    return started


def full_disk(when: Callable[[Path], bool], write: bytes | None = None, name_it: bool = True):
    """A ``keras.Model.save`` that fails like a full disk for the paths ``when`` picks (after
    writing ``write``, as a half-written file), and saves the others."""
    real_save = keras.Model.save

    def save(self, filepath, *args, **kwargs):
        if not when(Path(filepath)):
            return real_save(self, filepath, *args, **kwargs)
        if write is not None:
            with open(filepath, "wb") as file:
                file.write(write)
        if name_it:
            raise OSError(errno.ENOSPC, "No space left on device", str(filepath))
        raise OSError(errno.ENOSPC, "No space left on device")

    return save


# --- cases 1-7: what sits at OUT/NAME is refused before training unless it is a run of ours ---


def _user_folder(out: Path, made) -> None:
    (out / "binary").mkdir(parents=True)
    (out / "binary" / "notes.txt").write_text("my notes\n")
    (out / "binary" / "mydata.csv").write_text("1,2,3\n")


def _run_folder_with_a_users_file(out: Path, made) -> None:
    copy_of(made, "published", out)
    (out / "binary" / "predictions.csv").write_text("0.9,0.1\n")


def _another_recipes_record(out: Path, made) -> None:
    (out / "binary").mkdir(parents=True)
    (out / "binary" / "results.json").write_text('{"recipe": "regression", "files": []}\n')


def _symlink_to_a_users_run(out: Path, made) -> None:
    store = out.parent / "store"
    copy_of(made, "published", store)
    out.mkdir()
    (out / "binary").symlink_to(store / "binary")


def _a_file(out: Path, made) -> None:
    out.mkdir()
    (out / "binary").write_text("the user's file\n")


def _dangling_symlink(out: Path, made) -> None:
    out.mkdir()
    (out / "binary").symlink_to(out.parent / "gone")


def _read_only_run(out: Path, made) -> None:
    copy_of(made, "published", out)
    os.chmod(out / "binary", 0o555)


def _mount_point(out: Path, made, monkeypatch) -> None:
    copy_of(made, "published", out)  # a run of ours, on its own mount (a Docker volume)
    real = os.path.ismount
    target = out / "binary"
    monkeypatch.setattr(os.path, "ismount", lambda path: Path(path) == target or real(path))


def _users_aside_folder(out: Path, made) -> None:
    copy_of(made, "published", out)
    (out / ".binary.old").mkdir()
    (out / ".binary.old" / "keep.txt").write_text("mine\n")


IN_THE_WAY = {
    # id: (builder, review case, words of the refusal)
    "users-folder": (_user_folder, 1, "holds no cookbook results.json"),
    "run-plus-users-file": (_run_folder_with_a_users_file, 1, "predictions.csv"),
    "another-recipes-record": (_another_recipes_record, 1, "holds no cookbook results.json"),
    "symlink": (_symlink_to_a_users_run, 2, "is a symbolic link"),
    "symlink-without-renameat2": (_symlink_to_a_users_run, 3, "is a symbolic link"),
    "file": (_a_file, 4, "is a file, not a run folder"),
    "dangling-symlink": (_dangling_symlink, 5, "is a symbolic link"),
    "read-only-run": (_read_only_run, 6, "is read-only"),
    "mount-point": (_mount_point, 7, "is a mount point"),
    "users-dot-old": (_users_aside_folder, 3, ".binary.old is in the way"),
}


@pytest.mark.parametrize("kind", list(IN_THE_WAY))
def test_what_a_run_may_not_replace_is_refused_before_training(
    tmp_path, made, monkeypatch, no_training, kind
):
    """Cases 1-7 (bugs 1, 5 and 6): a user's folder, a run folder holding a user's file, a
    symbolic link (also without ``renameat2``, as on macOS), a file, a dangling link, a
    read-only run, a mount point, a user's ``.NAME.old``: ``train`` and ``train --resume``
    refuse in one line naming the path, before any training, and nothing changes -- not the
    folder, not what a link points to -- however often it is tried."""
    build, case, words = IN_THE_WAY[kind]
    out = tmp_path / "out"
    if kind == "mount-point":
        build(out, made, monkeypatch)
    else:
        build(out, made)
    if kind == "symlink-without-renameat2":
        monkeypatch.setattr(files, "_exchange", lambda first, second: False)
    before = fingerprint(tmp_path)
    for extra in ((), ("--resume",), ()):
        result = train(out, "--epochs", 1, *extra)
        assert result.exit_code == 2, f"case {case}: {result.output}"
        one_line_error(result.output, words, "move it away, or choose another --out")
        assert "nothing to resume" not in result.output
        assert fingerprint(tmp_path) == before, f"case {case}: something was touched"
    assert no_training == []
    if kind == "read-only-run":
        os.chmod(out / "binary", 0o755)  # so that pytest can remove it


def test_train_out_dot_beside_a_users_own_folder_leaves_it_byte_identical(
    tmp_path, monkeypatch, no_training
):
    """Case 1 (bug 1), as the review ran it: ``cd proj; cookbook train binary --out .`` where
    ``proj/binary/`` is the user's own folder. At 73ee4f2 it exited 0 and deleted both files."""
    project = tmp_path / "proj"
    (project / "binary").mkdir(parents=True)
    (project / "binary" / "notes.txt").write_text("my notes\n")
    (project / "binary" / "mydata.csv").write_bytes(b"x,y\n1,2\n")
    before = fingerprint(tmp_path)
    monkeypatch.chdir(project)
    result = invoke("train", "binary", *TINY, "--epochs", 1, "--out", ".")
    assert result.exit_code == 2
    one_line_error(result.output, "binary holds no cookbook results.json")
    assert fingerprint(tmp_path) == before
    assert no_training == []


def test_a_run_of_ours_is_replaced_and_the_old_one_is_gone(tmp_path, made):
    """The other side of cases 1-7: a folder a run published is replaced as a whole."""
    out = copy_of(made, "published", tmp_path / "out")
    result = train(out, "--epochs", 1, "--seed", 4)
    assert result.exit_code == 0, result.output
    record = record_of(out / "binary")
    assert record["seed"] == 4
    assert sorted(p.name for p in (out / "binary").iterdir()) == sorted(
        [*record["files"], "results.json"]
    )
    assert sorted(p.name for p in out.iterdir()) == ["binary"]


def _bind_mount(source: Path, target: Path, *options: str) -> None:
    done = subprocess.run(
        ["mount", "--bind", *options, str(source), str(target)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot bind-mount here ({done.stderr.strip() or done.returncode})")


def _unmount(target: Path) -> None:
    subprocess.run(["umount", str(target)], capture_output=True)


@pytest.mark.parametrize("read_only", [False, True], ids=["writable", "read-only"])
def test_a_real_mount_point_at_out_name_is_refused_before_training(
    tmp_path, made, no_training, read_only
):
    """Case 7 (bug 6) for real: ``OUT/binary`` is a bind mount holding a run of ours. At
    73ee4f2 the whole training ran and then failed with EBUSY blaming ``OUT/binary.partial``."""
    out = tmp_path / "out"
    volume = copy_of(made, "published", tmp_path / "volume") / "binary"
    (out / "binary").mkdir(parents=True)
    _bind_mount(volume, out / "binary")
    try:
        if read_only:
            subprocess.run(["mount", "-o", "remount,bind,ro", str(out / "binary")], check=False)
        before = fingerprint(volume)
        result = train(out, "--epochs", 1)
        assert result.exit_code == 2, result.output
        one_line_error(result.output, str(out / "binary"), "is a mount point")
        assert fingerprint(volume) == before
    finally:
        _unmount(out / "binary")
    assert no_training == []


# --- cases 8, 9: what sits at OUT/PROGRAM.partial ------------------------------------------


def _partial_symlink(out: Path, made, monkeypatch) -> None:
    elsewhere = copy_of(made, "interrupted", out.parent / "shm")
    out.mkdir()
    (out / "binary.partial").symlink_to(elsewhere / "binary.partial")


def _partial_mount(out: Path, made, monkeypatch) -> None:
    copy_of(made, "interrupted", out)
    real = os.path.ismount
    target = out / "binary.partial"
    monkeypatch.setattr(os.path, "ismount", lambda path: Path(path) == target or real(path))


def _partial_file(out: Path, made, monkeypatch) -> None:
    out.mkdir()
    (out / "binary.partial").write_text("mine\n")


def _partial_users_folder(out: Path, made, monkeypatch) -> None:
    (out / "binary.partial").mkdir(parents=True)
    (out / "binary.partial" / "draft.txt").write_text("mine\n")


PARTIAL_IN_THE_WAY = {
    "symlink-to-a-valid-partial": (_partial_symlink, 9, "is a symbolic link"),
    "mount-point": (_partial_mount, 8, "is a mount point"),
    "file": (_partial_file, 5, "is a file"),
    "users-folder": (_partial_users_folder, 5, "is not an unfinished cookbook run"),
}


@pytest.mark.parametrize("kind", list(PARTIAL_IN_THE_WAY))
def test_what_sits_at_the_partial_folder_is_ours_or_refused(
    tmp_path, made, monkeypatch, no_training, kind
):
    """Cases 8 and 9: ``OUT/binary.partial`` as a mount point (at 73ee4f2 it was emptied), a
    symbolic link to a valid partial run (at 73ee4f2 it was resumed and then published as the
    link, leading to case 2), a file or a user's folder: refused before any work, untouched."""
    build, case, words = PARTIAL_IN_THE_WAY[kind]
    out = tmp_path / "out"
    build(out, made, monkeypatch)
    before = fingerprint(tmp_path)
    for extra in ((), ("--resume",)):
        result = train(out, "--epochs", 2, *extra)
        assert result.exit_code == 2, f"case {case}: {result.output}"
        one_line_error(result.output, str(out / "binary.partial"), words)
        assert fingerprint(tmp_path) == before
    assert no_training == []


def test_a_real_tmpfs_mount_at_the_partial_folder_is_left_alone(tmp_path, no_training):
    """Case 8 for real: a tmpfs mounted at ``OUT/binary.partial`` is neither emptied nor used."""
    partial = tmp_path / "out" / "binary.partial"
    partial.mkdir(parents=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(partial)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        (partial / "keep.txt").write_text("on the mount\n")
        result = train(tmp_path / "out", "--epochs", 1)
        assert result.exit_code == 2
        one_line_error(result.output, "is a mount point")
        assert (partial / "keep.txt").read_text() == "on the mount\n"
    finally:
        _unmount(partial)
    assert no_training == []


# --- cases 10-13: locks ----------------------------------------------------------------------


def _lock_symlink(lock: Path, victim: Path) -> None:
    lock.symlink_to(victim)


def _lock_hard_link(lock: Path, victim: Path) -> None:
    os.link(victim, lock)


def _lock_fifo(lock: Path, victim: Path) -> None:
    os.mkfifo(lock)


@pytest.mark.parametrize("command", ["train", "figures"])
@pytest.mark.parametrize(
    ("plant", "words"),
    [
        (_lock_symlink, "is a symbolic link, not a cookbook lock file"),
        (_lock_hard_link, "has other names (hard links)"),
        (_lock_fifo, "is not a file"),
    ],
    ids=["symlink", "hard-link", "fifo"],
)
def test_a_planted_lock_file_cannot_overwrite_anything(
    tmp_path, no_training, command, plant, words
):
    """Case 10 (bug 3): ``OUT/.binary.lock`` planted as a link to someone's file. At 73ee4f2
    the file was truncated and overwritten with the holder's command line. Now the lock is
    opened without following links and refused unless it is a file of its own; the victim is
    byte-identical and the refusal says what to remove."""
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    plant(out / ".binary.lock", victim)
    before = fingerprint(tmp_path)
    jobs = ("--jobs", 1) if command == "figures" else ()
    result = invoke(command, "binary", *TINY, "--epochs", 1, *jobs, "--out", out)
    assert result.exit_code == 2, result.output
    one_line_error(result.output, str(out / ".binary.lock"), words, "remove it")
    assert victim.read_text() == "precious\n"
    assert fingerprint(tmp_path) == before
    assert no_training == []


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("train", "loss-history"), ("train", "accuracy-history")),  # case 11 (bug 4)
        (("train", "binary"), ("figures", "binary", "--jobs", "1")),  # case 12
    ],
    ids=["history-pair", "train-then-figures"],
)
def test_a_second_run_of_a_program_in_training_is_refused(tmp_path, monkeypatch, first, second):
    """Cases 11 and 12: while a program trains, a second run of it on the same ``--out`` is
    refused at once. For the two history recipes, which share one program and one
    ``history.partial``, this is bug 4: at 73ee4f2 the second deleted the first's live folder
    and the first failed. The second run starts exactly when the first has its first backup."""
    out = tmp_path / "out"
    seen = {}

    def second_run() -> None:
        seen["result"] = invoke(*second, *TINY, "--epochs", 1, "--out", out)
        seen["partial"] = snapshot(out / "history.partial" if "history" in first[1]
                                   else out / "binary.partial")  # fmt: skip

    at_epoch_end(monkeypatch, 1, second_run)
    result = invoke(*first, *TINY, "--epochs", 2, "--out", out)
    assert result.exit_code == 0, result.output
    refused = seen["result"]
    assert refused.exit_code == 1, refused.output
    one_line_error(refused.output, "is in use by another cookbook run", f"process {os.getpid()}")
    assert ".resume/run.json" in seen["partial"]  # the first run's state is untouched
    record = record_of(out / first[1])
    assert record["epochs"] == 2


def test_the_refusal_quotes_the_holders_whole_command(tmp_path, monkeypatch):
    """Case 13: the holder's command was cut at 12 words (``--seed 3 --out …`` missing)."""
    out = tmp_path / "out"
    command = [
        "cookbook",
        "figures",
        "binary",
        "regression",
        "--jobs",
        "1",
        "--data",
        "sample",
        "--size",
        "tiny",
        "--epochs",
        "1",
        "-q",
        "--seed",
        "3",
        "--out",
        str(out),
    ]
    monkeypatch.setattr(sys, "argv", command)
    with files.lock(out / ".binary.lock", str(out / "binary.png")):
        result = invoke("figures", "binary", *TINY, "--jobs", 1, "--out", out)
    assert result.exit_code == 1
    one_line_error(result.output, " ".join(command[1:]), "wait for it to finish")


# --- cases 14-17: killed or interrupted while publishing ---------------------------------------


@pytest.mark.parametrize("path", ["renameat2", "two-renames"])
def test_a_kill_inside_the_folder_swap_is_recovered_by_the_next_run(
    tmp_path, made, monkeypatch, path
):
    """Case 14 (``kill -9`` right after the exchange) and case 16 (without ``renameat2``,
    between the two renames): the crash image is what the kill leaves; the next run recovers,
    publishes, and leaves nothing behind -- without "nothing to resume" or "discarding"."""
    out = copy_of(made, "published", tmp_path / "out")
    old = record_of(out / "binary")
    photo = tmp_path / "photo"
    partial = out / "binary.partial"
    if path == "renameat2":
        real_exchange = files._exchange

        def exchange(first, second):
            swapped = real_exchange(first, second)
            photograph(out, photo)  # killed here: the swap done, the old run not yet removed
            return swapped

        monkeypatch.setattr(files, "_exchange", exchange)
    else:
        monkeypatch.setattr(files, "_exchange", lambda first, second: False)
        real_replace = os.replace

        def replace(source, target):
            if Path(source) == partial:
                photograph(out, photo)  # killed here: the old run aside, the new not yet in
            real_replace(source, target)

        monkeypatch.setattr(files.os, "replace", replace)
    assert train(out, "--epochs", 1, "--seed", 5).exit_code == 0
    monkeypatch.undo()
    crashed_at(photo, out)
    if path == "renameat2":
        assert record_of(out / "binary")["seed"] == 5 and record_of(partial) == old
    else:
        assert not (out / "binary").exists() and record_of(out / ".binary.old") == old
    result = train(out, "--epochs", 1, "--seed", 6)
    assert result.exit_code == 0, result.output
    assert "nothing to resume" not in result.output and "discarding" not in result.output
    assert record_of(out / "binary")["seed"] == 6
    assert sorted(p.name for p in out.iterdir()) == ["binary"]


def test_a_kill_between_a_figure_and_its_record_is_cleaned_by_the_next_run(
    tmp_path, made, monkeypatch
):
    """Case 15: ``kill -9`` between ``figures``' two renames leaves the new PNG beside the old
    record and a ``.binary.*.tmp.json``. That window cannot be closed for two files (a signal
    can be held back, SIGKILL cannot); the next run of the program removes the leftover and
    publishes a matching pair."""
    out = copy_of(made, "figures", tmp_path / "out")
    photo = tmp_path / "photo"
    real_replace = os.replace

    def replace(source, target):
        if Path(target) == out / "binary.json":
            photograph(out, photo)
        real_replace(source, target)

    monkeypatch.setattr(files.os, "replace", replace)
    args = ("figures", "binary", *TINY, "--epochs", 1, "--jobs", 1, "--out", out)
    assert invoke(*args, "--seed", 5).exit_code == 0
    monkeypatch.undo()
    crashed_at(photo, out)
    record = json.loads((out / "binary.json").read_text())
    assert record["figure"]["sha256"] != files.sha256(out / "binary.png")  # the mixed pair
    assert list(out.glob(".binary.*.tmp.json"))
    result = invoke(*args, "--seed", 5)
    assert result.exit_code == 0, result.output
    record = json.loads((out / "binary.json").read_text())
    assert record["seed"] == 5 and record["figure"]["sha256"] == files.sha256(out / "binary.png")
    assert sorted(p.name for p in out.iterdir()) == ["binary.json", "binary.png"]


def test_ctrl_c_between_a_pairs_two_publishes_says_what_was_published(tmp_path, monkeypatch):
    """Case 17 (bug 10): Ctrl-C during the first swap of ``train loss-history
    accuracy-history``. At 73ee4f2 one folder was new, the other old, and the message said
    both were "left as it was". Now signals wait for both swaps, and the message says so."""
    out = tmp_path / "out"
    pair = ("train", "loss-history", "accuracy-history", *TINY, "--epochs", 1, "--out", out)
    assert invoke(*pair).exit_code == 0
    real_exchange = files._exchange
    calls = []

    def ctrl_c_during_the_first(first, second):
        calls.append(second)
        if len(calls) == 1:
            os.kill(os.getpid(), signal.SIGINT)  # arrives while signals are held back
        return real_exchange(first, second)

    monkeypatch.setattr(files, "_exchange", ctrl_c_during_the_first)
    result = invoke(*pair, "--seed", 5)
    assert result.exit_code == 130
    assert len(calls) == 2
    for name in ("loss-history", "accuracy-history"):
        assert record_of(out / name)["seed"] == 5, name
    assert "the finished run was published first" in result.output
    assert "left as it was" not in result.output and "still hold" not in result.output
    assert sorted(p.name for p in out.iterdir()) == ["accuracy-history", "loss-history"]


# --- cases 18-23: full disks and kills during training -------------------------------------------


def test_a_full_disk_at_the_first_backup_names_it_and_keeps_the_old_run(
    tmp_path, made, monkeypatch
):
    """Case 18: the first backup cannot be written."""
    out = copy_of(made, "published", tmp_path / "out")
    before = snapshot(out / "binary")
    monkeypatch.setattr(
        keras.Model, "save", full_disk(lambda path: ".resume" in path.parts, name_it=False)
    )
    result = train(out, "--epochs", 2, "--seed", 1)
    assert result.exit_code == 1
    one_line_error(result.output, "No space left on device while writing",
                   "binary.partial/.resume/backup/model-00001.keras")  # fmt: skip
    assert snapshot(out / "binary") == before
    assert sorted(p.name for p in out.iterdir()) == ["binary"]


def test_a_full_disk_at_the_recipes_model_keeps_the_progress_and_resumes(tmp_path, monkeypatch):
    """Case 19: ``binary.keras`` is half written when the disk fills; the run says how to
    resume, never publishes the half file, and ``--resume`` finishes it."""
    out = tmp_path / "out"
    monkeypatch.setattr(
        keras.Model, "save", full_disk(lambda path: path.name == "binary.keras", b"PK\x03\x04")
    )
    result = train(out, "--epochs", 1)
    assert result.exit_code == 1
    one_line_error(result.output, "No space left on device while writing",
                   "binary.partial/binary.keras", "continue it with: cookbook train binary "
                   "--resume")  # fmt: skip
    assert not (out / "binary").exists()
    monkeypatch.undo()
    result = train(out, "--epochs", 1, "--resume")
    assert result.exit_code == 0, result.output
    assert zipfile.is_zipfile(out / "binary" / "binary.keras")
    assert record_of(out / "binary")["epochs"] == 1
    assert sorted(p.name for p in out.iterdir()) == ["binary"]


def test_a_full_disk_while_copying_a_pair_keeps_the_progress_and_leaves_no_copy(
    tmp_path, monkeypatch
):
    """Case 20: the disk fills while the pair's first folder is copied. At 73ee4f2 the 1.3 MB
    ``OUT/.loss-history.publishing`` stayed and the training was dropped without a hint."""
    out = tmp_path / "out"
    real_copytree = shutil.copytree

    def copytree(source, target, *args, **kwargs):
        real_copytree(source, target, *args, **kwargs)
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    monkeypatch.setattr(publish.shutil, "copytree", copytree)
    pair = ("train", "loss-history", "accuracy-history", *TINY, "--epochs", 1, "--out", out)
    result = invoke(*pair)
    assert result.exit_code == 1
    assert "No space left on device while writing" in result.output
    assert "continue it with: cookbook train loss-history --resume" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["history.partial"]
    monkeypatch.undo()
    result = invoke(*pair, "--resume")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["accuracy-history", "loss-history"]


def test_a_full_tmpdir_names_the_file_being_written_not_the_lock(tmp_path, monkeypatch):
    """Case 21: ``figures`` saves its model in a run folder under TMPDIR; a full TMPDIR
    (an error without a file name, as zipfile gives) must name that file."""
    out = tmp_path / "out"
    scratch = tempfile.gettempdir()
    monkeypatch.setattr(
        keras.Model, "save",
        full_disk(lambda path: str(path).startswith(scratch), b"", name_it=False),
    )  # fmt: skip
    result = invoke("figures", "binary", *TINY, "--epochs", 1, "--jobs", 1, "--out", out)
    assert result.exit_code == 1
    one_line_error(result.output, "No space left on device while writing", "/run-",
                   "/binary.keras")  # fmt: skip
    assert ".lock" not in result.output


def test_a_kill_while_a_checkpoint_is_written_is_redone_by_resume(tmp_path, monkeypatch):
    """Case 22: ``kill -9`` while ModelCheckpoint writes epoch 2's file (0 bytes so far);
    ``--resume`` redoes epoch 2 and the published checkpoints are all complete."""
    out, photo = tmp_path / "out", tmp_path / "photo"
    real_save = keras.Model.save

    def save(self, filepath, *args, **kwargs):
        if Path(filepath).name.startswith("model_02"):
            Path(filepath).write_bytes(b"")
            photograph(out, photo)
            raise KeyboardInterrupt
        return real_save(self, filepath, *args, **kwargs)

    monkeypatch.setattr(keras.Model, "save", save)
    args = ("train", "checkpointing", *TINY, "--epochs", 3, "--out", out)
    assert invoke(*args).exit_code == 130
    monkeypatch.undo()
    crashed_at(photo, out)
    result = invoke(*args, "--resume")
    assert result.exit_code == 0, result.output
    record = record_of(out / "checkpointing")
    assert record["epochs"] == 3
    models = sorted((out / "checkpointing").glob("model_*.keras"))
    assert [p.name[:8] for p in models] == ["model_01", "model_02", "model_03"]
    assert all(zipfile.is_zipfile(p) for p in models)


def test_a_kill_after_the_last_backup_is_published_by_resume(tmp_path, monkeypatch):
    """Case 23: ``kill -9`` after the last epoch's backup, before publishing."""
    out, photo = tmp_path / "out", tmp_path / "photo"

    def kill() -> None:
        photograph(out, photo)
        raise KeyboardInterrupt

    at_epoch_end(monkeypatch, 2, kill)
    assert train(out, "--epochs", 2).exit_code == 130
    monkeypatch.undo()
    crashed_at(photo, out)
    saved = state_of(out / "binary.partial")
    assert saved["epoch"] == 2
    result = train(out, "--epochs", 2, "--resume")
    assert result.exit_code == 0, result.output
    record = record_of(out / "binary")
    assert record["epochs"] == 2
    for key, values in saved["history"].items():
        assert record["history"][key] == pytest.approx(values)


# --- cases 24-37: resume files that are damaged or edited ----------------------------------------


def _set_json(name: str, change: Callable[[dict], object]) -> Callable[[Path], None]:
    """An edit of the partial run's ``run.json`` or ``state.json``: ``change`` gets the parsed
    object and returns the new one (``...`` keeps the edited object)."""

    def edit(partial: Path) -> None:
        path = partial / ".resume" / (name if name == "run.json" else f"backup/{name}")
        value = json.loads(path.read_text())
        new = change(value)
        path.write_text(json.dumps(value if new is ... else new))

    return edit


def _set_text(name: str, text: str | bytes) -> Callable[[Path], None]:
    def edit(partial: Path) -> None:
        path = partial / ".resume" / (name if name == "run.json" else f"backup/{name}")
        path.write_bytes(text if isinstance(text, bytes) else text.encode())

    return edit


def _update(**values) -> Callable[[dict], object]:
    def change(value: dict) -> object:
        value.update(values)
        return ...

    return change


def _without(key: str) -> Callable[[dict], object]:
    def change(value: dict) -> object:
        value.pop(key)
        return ...

    return change


def _strings_in_history(state: dict) -> object:
    for key in state["history"]:
        state["history"][key] = [str(v) for v in state["history"][key]]
    return ...


def _another_network(state: dict) -> object:
    """As after a Keras upgrade: one setting deep inside the network's configuration."""
    layers = state["identity"]["network"]["config"]["layers"]
    dense = next(layer for layer in layers if layer["class_name"] == "Dense")
    dense["config"]["units"] += 1
    return ...


def _remove_model(partial: Path) -> None:
    for path in (partial / ".resume/backup").glob("model-*.keras"):
        path.unlink()


#: id: (edit, review case, exit code, words of the one line)
DAMAGED = {
    "run-list": (_set_json("run.json", lambda v: [1, 2, 3]), 24, 1, "not a JSON object"),
    "run-number": (_set_json("run.json", lambda v: 5), 24, 1, "not a JSON object"),
    "run-null": (_set_json("run.json", lambda v: None), 24, 1, "not a JSON object"),
    "run-string": (_set_json("run.json", lambda v: "binary"), 24, 1, "not a JSON object"),
    "run-garbage": (_set_text("run.json", b"\x00\xff\xfe garbage"), 25, 1, "are damaged"),
    "run-deep": (_set_text("run.json", "[" * 100_000), 34, 1, "are damaged"),
    "run-no-seed": (_set_json("run.json", _without("seed")), 26, 2, "seed null -> 0"),
    "run-seed-text": (_set_json("run.json", _update(seed="0")), 26, 2, 'seed "0" -> 0'),
    "run-newer-key": (_set_json("run.json", _update(newer=1)), 36, 2, "newer 1 -> null"),
    "run-program": (_set_json("run.json", _update(program="cnn")), 36, 2,
                    'program "cnn" -> "binary"'),
    "state-epoch-minus-one": (_set_json("state.json", _update(epoch=-1, history={})), 27, 1,
                              "-1 is not a number of finished epochs"),
    "state-epoch-huge": (_set_json("state.json", _update(epoch=10**30)), 28, 1,
                         "is not a number of finished epochs"),
    "state-epoch-true": (_set_json("state.json", _update(epoch=True)), 31, 1,
                         "True is not a number of finished epochs"),
    "state-history-strings": (_set_json("state.json", _strings_in_history), 29, 1,
                              "not one number per finished epoch"),
    "state-no-identity": (_set_json("state.json", _without("identity")), 30, 1,
                          "identity is missing"),
    "state-identity-null": (_set_json("state.json", _update(identity=None)), 30, 1,
                            "identity is missing"),
    "state-model-outside": (_set_json("state.json", _update(model="../../../x/model-00001.keras")),
                            32, 1, "is not the name of a saved model"),
    "state-model-null": (_set_json("state.json", _update(model=None)), 33, 1,
                         "None is not the name of a saved model"),
    "state-model-garbage": (_set_json("state.json", _update(model="\x00garbage")), 33, 1,
                            "is damaged"),
    "state-model-missing": (_remove_model, 33, 1, "is damaged"),
    "state-deep": (_set_text("state.json", "[" * 100_000), 34, 1, "is damaged"),
    "state-network": (_set_json("state.json", _another_network), 35, 2,
                      "trained another network or another way (network.config.layers["),
}  # fmt: skip


@pytest.mark.parametrize("kind", list(DAMAGED))
def test_damaged_resume_files_are_refused_in_one_line_naming_the_file(tmp_path, made, kind):
    """Cases 24-36 (bug 13): ``run.json`` and ``state.json`` that are damaged, or valid JSON
    edited into something no run writes. At 73ee4f2 several gave raw ``TypeError`` /
    ``KeyError`` / ``RecursionError`` lines, and hints to ``--resume`` that failed again. Now
    each is one line naming the file or the difference, with no hint that loops (exit 1 for
    damage, 2 for a run made otherwise), and the unfinished run is kept as it was."""
    edit, case, code, words = DAMAGED[kind]
    out = copy_of(made, "interrupted", tmp_path / "out")
    edit(out / "binary.partial")
    before = snapshot(out / "binary.partial")
    result = train(out, "--epochs", 2, "--resume")
    assert result.exit_code == code, f"case {case}: {result.output}"
    one_line_error(result.output, words)
    if code == 1 and kind.startswith("state"):
        assert str(out / "binary.partial/.resume/backup") in result.output
    if code == 1 and kind.startswith("run"):
        assert str(out / "binary.partial/.resume/run.json") in result.output
    assert "--resume (with the same options)" not in result.output  # no hint that loops
    assert "without --resume" in result.output
    if kind != "state-network":  # that one is found once training has built the network
        assert snapshot(out / "binary.partial") == before
    assert not (out / "binary").exists()


def _duplicated_key(partial: Path) -> None:
    path = partial / ".resume/backup/state.json"
    text = path.read_text().rstrip()
    path.write_text(text[:-1] + ', "epoch": 1}')  # "epoch" twice: JSON keeps the last


@pytest.mark.parametrize(
    "edit",
    [_set_json("state.json", _update(epoch=0, history={})), _duplicated_key],
    ids=["epoch-zero-with-the-epoch-1-model", "duplicated-keys"],
)
def test_hand_edits_that_a_real_state_could_be_are_accepted(tmp_path, made, edit):
    """Case 31: a state that could have been written by a run (epoch 0 beside a model, a key
    written twice in the JSON text) cannot be told from a real one, and is used."""
    out = copy_of(made, "interrupted", tmp_path / "out")
    edit(out / "binary.partial")
    result = train(out, "--epochs", 2, "--resume")
    assert result.exit_code == 0, result.output
    record = record_of(out / "binary")
    assert record["epochs"] == 2 == record["parameters"]["epochs"]


def test_resume_with_the_chapters_epochs_spelled_out_is_the_same_run(tmp_path, monkeypatch):
    """Case 37: interrupted with the chapter's default epochs (3), then ``--resume --epochs 3``
    was refused as ``epochs null -> 3``. Now it continues (and is stopped again after epoch 2)."""
    out = tmp_path / "out"
    interrupt_training(monkeypatch, 1)
    assert train(out).exit_code == 130
    monkeypatch.undo()
    interrupt_training(monkeypatch, 2)
    result = train(out, "--epochs", 3, "--resume")
    assert result.exit_code == 130, result.output
    assert "binary.partial (2 epochs done)" in result.output
    assert state_of(out / "binary.partial")["epoch"] == 2


def test_ctrl_c_twice_on_a_long_run_keeps_the_progress_each_time(tmp_path, monkeypatch):
    """Case 40: ``--epochs 100000``, Ctrl-C; ``--resume``, Ctrl-C again."""
    out = tmp_path / "out"
    interrupt_training(monkeypatch, 2)
    first = train(out, "--epochs", 100_000)
    assert first.exit_code == 130
    assert "binary.partial (2 epochs done)" in first.output
    monkeypatch.undo()
    interrupt_training(monkeypatch, 4)
    second = train(out, "--epochs", 100_000, "--resume")
    assert second.exit_code == 130
    assert "binary.partial (4 epochs done)" in second.output
    state = state_of(out / "binary.partial")
    assert state["epoch"] == 4 and all(len(v) == 4 for v in state["history"].values())
    assert sorted(p.name for p in out.iterdir()) == ["binary.partial"]


def test_resume_where_the_partial_folder_holds_no_resumable_run_says_so(tmp_path, made):
    """Smaller finding: "nothing to resume (no OUT/binary.partial)" was said while the folder
    existed. A partial run without its ``run.json`` is now described as what it is."""
    out = copy_of(made, "interrupted", tmp_path / "out")
    (out / "binary.partial/.resume/run.json").unlink()
    result = train(out, "--epochs", 1, "--resume")
    assert result.exit_code == 0, result.output
    assert f"{out / 'binary.partial'} holds no resumable run" in result.output
    assert "(no " not in result.output


# --- cases 38-43: signals and workers, for real ------------------------------------------------


def cookbook_process(*args: object, env: dict | None = None, **kwargs) -> subprocess.Popen:
    """``python -m cookbook ARGS`` in its own process."""
    return subprocess.Popen(
        [sys.executable, "-m", "cookbook", *[str(arg) for arg in args]],
        stdout=kwargs.pop("stdout", subprocess.PIPE),
        stderr=kwargs.pop("stderr", subprocess.PIPE),
        text=True,
        errors="surrogateescape",  # a path printed as the bytes it is
        env={**os.environ, **(env or {})},
        **kwargs,
    )


def epochs_saved(partial: Path) -> int:
    try:
        return state_of(partial)["epoch"]
    except (OSError, ValueError, KeyError):
        return 0


def _sighup(process, out):
    process.send_signal(signal.SIGHUP)
    return 129, "SIGHUP"


def _stopped_then_terminated(process, out):
    process.send_signal(signal.SIGSTOP)
    second = train(out, "--epochs", 400)
    assert second.exit_code == 1
    one_line_error(second.output, "in use by another cookbook run", f"process {process.pid}")
    process.send_signal(signal.SIGTERM)
    process.send_signal(signal.SIGCONT)
    return 143, "SIGTERM"


def _three_ctrl_c(process, out):
    for _ in range(3):
        process.send_signal(signal.SIGINT)
    return 130, "Ctrl-C"


@pytest.mark.parametrize(
    "signals",
    [_sighup, _stopped_then_terminated, _three_ctrl_c],
    ids=["sighup-39", "sigstop-second-run-sigterm-sigcont-38", "three-ctrl-c-41"],
)
def test_a_real_signal_mid_training_ends_cleanly_and_resume_goes_on(tmp_path, monkeypatch, signals):
    """Cases 38, 39 and 41: SIGHUP (a closed terminal: at 73ee4f2 it left TMPDIR/cookbook-* and
    the lock), SIGSTOP with a second run refused and SIGTERM delivered on SIGCONT, three
    Ctrl-C at once. One message, the signal's exit code, nothing left in TMPDIR or OUT but
    the unfinished run, which ``--resume`` continues."""
    out, scratch = tmp_path / "out", tmp_path / "tmp"
    scratch.mkdir()
    process = cookbook_process("train", "binary", *TINY, "--epochs", 400, "--out", out,
                               env={"TMPDIR": str(scratch)})  # fmt: skip
    wait_for(lambda: epochs_saved(out / "binary.partial") >= 1, process, "first epoch")
    code, name = signals(process, out)
    _, err = process.communicate(timeout=120)
    assert process.returncode == code, err
    assert err.count("interrupted (") == 1 and f"interrupted ({name})" in err, err
    assert "Traceback" not in err
    assert "continue it with: cookbook train binary --resume" in err
    assert list(scratch.iterdir()) == []
    assert sorted(p.name for p in out.iterdir()) == ["binary.partial"]
    done = epochs_saved(out / "binary.partial")
    interrupt_training(monkeypatch, done + 1)
    resumed = train(out, "--epochs", 400, "--resume")
    assert resumed.exit_code == 130
    assert epochs_saved(out / "binary.partial") == done + 1


def test_sigterm_to_parallel_figures_stops_every_worker_and_leaves_nothing(tmp_path):
    """Case 42: SIGTERM to the main process of ``figures --jobs 2`` while both workers train."""
    out, scratch = tmp_path / "out", tmp_path / "tmp"
    scratch.mkdir()
    process = cookbook_process("figures", "binary", "regression", "multiclass", *TINY,
                               "--epochs", 300, "--jobs", 2, "--out", out,
                               env={"TMPDIR": str(scratch)})  # fmt: skip
    wait_for(lambda: len(list(scratch.glob("**/run-*"))) >= 2, process, "two workers at work")
    workers = _children(process.pid)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 143, err
    assert "interrupted (SIGTERM)" in err and "Traceback" not in err
    assert len(workers) == 2
    assert not any(_command_line(pid) for pid in workers)  # ended, joined by the main process
    assert list(scratch.iterdir()) == []
    assert not out.exists() or list(out.iterdir()) == []


def _children(pid: int) -> list[int]:
    """The worker processes of ``pid`` (not multiprocessing's resource tracker, which ends
    on its own once the main process has gone)."""
    try:
        found = [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    return [child for child in found if b"spawn_main" in _command_line(child)]


def _command_line(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


#: Put on PYTHONPATH: the workers of ``figures --jobs`` die (SIGKILL) as they start the
#: recipe named in COOKBOOK_TEST_KILL, as the out-of-memory killer would end them.
KILL_HOOK = """
import os, signal
import cookbook.workers as workers

real_work = workers._work

def work(connection, settings, scratch):
    from cookbook import runner
    real_run = runner.run_program
    def run_program(entry, *args, **kwargs):
        if entry.name == os.environ["COOKBOOK_TEST_KILL"]:
            os.kill(os.getpid(), signal.SIGKILL)
        return real_run(entry, *args, **kwargs)
    runner.run_program = run_program
    return real_work(connection, settings, scratch)

workers._work = work
"""


def test_a_killed_worker_fails_only_its_program(tmp_path):
    """Case 43 (bug 9): one worker of ``figures --jobs 2`` killed with SIGKILL. At 73ee4f2: a
    ``BrokenProcessPool`` traceback and nothing published. Now that program fails in one line,
    a new worker takes the programs still waiting, every other figure is published with its
    record, and nothing is left in TMPDIR or as a lock."""
    out, scratch = tmp_path / "out", tmp_path / "tmp"
    scratch.mkdir()
    (tmp_path / "hook").mkdir()
    (tmp_path / "hook" / "kill_hook.py").write_text(KILL_HOOK)
    env = {
        "TMPDIR": str(scratch),
        "COOKBOOK_TEST_KILL": "regression",
        "PYTHONPATH": os.pathsep.join([str(tmp_path / "hook"), *sys.path]),
    }
    process = subprocess.Popen(
        [sys.executable, "-c", "import kill_hook; from cookbook.console import main; main()",
         "figures", "binary", "regression", "multiclass", *TINY, "--epochs", "1",
         "--jobs", "2", "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **env},
    )  # fmt: skip
    _, err = process.communicate(timeout=300)
    assert process.returncode == 1, err
    one_line_error(err, "error: regression: its worker process was killed by SIGKILL",
                   "(out of memory?)")  # fmt: skip
    for name in ("binary", "multiclass"):
        record = json.loads((out / f"{name}.json").read_text())
        assert record["figure"]["sha256"] == files.sha256(out / f"{name}.png"), name
    assert sorted(p.name for p in out.iterdir()) == [
        "binary.json",
        "binary.png",
        "multiclass.json",
        "multiclass.png",
    ]
    assert list(scratch.iterdir()) == []


# --- cases 44-57: paths, locales, environments, closed streams ---------------------------------


def _deep_path(tmp_path: Path, total: int) -> Path:
    """A folder path of exactly ``total`` bytes under ``tmp_path`` (names of at most 200)."""
    path = tmp_path
    while len(os.fsencode(path)) < total - 201:
        path = path / ("d" * 200)
    return path / ("e" * (total - len(os.fsencode(path)) - 1))


@pytest.mark.parametrize(
    "name",
    ["with spaces 和 中文", "new\nline", "x" * 250, "deep-4031"],
    ids=["spaces-cjk", "newline", "250-bytes", "4031-byte-path"],
)
def test_odd_output_paths_get_the_files(tmp_path, name):
    """Case 44."""
    out = _deep_path(tmp_path, 4031) if name == "deep-4031" else tmp_path / name
    result = train(out, recipe="preprocessing")
    assert result.exit_code == 0, result.output
    assert (out / "preprocessing" / "results.json").is_file()


def test_an_output_path_too_long_for_the_files_inside_is_one_line(tmp_path):
    """Case 45: an ``--out`` of 4085 bytes is accepted, but its files do not fit."""
    out = _deep_path(tmp_path, 4085)
    result = train(out, "--epochs", 1)
    assert result.exit_code == 1
    one_line_error(result.output, "File name too long")


def test_a_path_that_is_not_utf8_works_everywhere(tmp_path, made, monkeypatch):
    """Case 46 (bug 8): an ``--out`` with a byte that is not UTF-8, as ``sys.argv`` holds it
    (a surrogate escape). At 73ee4f2 every ``train`` failed writing the lock's holder line;
    ``figures`` only when the path was among argv's first 12 words. ``inspect`` reads a model
    there too."""
    odd = os.fsdecode(os.fsencode(str(tmp_path)) + b"/bad\xffname")
    assert "\udcff" in odd
    command = ["cookbook", "train", "binary", *TINY, "--epochs", "1", "--out", odd]
    monkeypatch.setattr(sys, "argv", command)
    result = invoke(*command[1:])
    assert result.exit_code == 0, result.output
    assert os.path.isfile(os.path.join(odd, "binary", "results.json"))
    monkeypatch.setattr(sys, "argv", ["cookbook", "figures", "preprocessing", "--out", odd])
    result = invoke("figures", "preprocessing", *TINY, "--out", odd)
    assert result.exit_code == 0, result.output
    assert os.path.isfile(os.path.join(odd, "preprocessing.png"))
    model = os.path.join(odd, "binary", "binary.keras")
    result = invoke("inspect", model)
    assert result.exit_code == 0, result.output
    assert "Total params" in result.output


@pytest.mark.parametrize(
    ("name", "env"),
    [
        ("模型2", {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}),
        ("模型2", {"LANG": "C", "LC_ALL": ""}),
        ("模型2", {"PYTHONIOENCODING": "ascii"}),
        (b"bad\xffname", {"PYTHONIOENCODING": "utf-8"}),
    ],
    ids=["c-locale-47", "lang-c-coerced-48", "ascii-io-48", "not-utf8-strict-stdout-46"],
)
def test_non_ascii_output_paths_under_other_locales(tmp_path, name, env):
    """Cases 47 (bug 8 again: under a real C locale any non-ASCII ``--out`` failed) and 48;
    and case 46 for real, with a stdout that refuses what is not UTF-8 (as under
    ``en_US.UTF-8``): the run worked, then the summary line raised ``UnicodeEncodeError``."""
    out = (
        Path(os.fsdecode(os.fsencode(tmp_path) + b"/" + name))
        if isinstance(name, bytes)
        else tmp_path / name
    )
    process = cookbook_process("train", "preprocessing", *TINY, "--out", out, env=env)
    output, err = process.communicate(timeout=180)
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert (out / "preprocessing" / "results.json").is_file()


@pytest.mark.parametrize(
    ("variable", "value", "words"),
    [
        ("COOKBOOK_DATA", "bogus", "env var: 'COOKBOOK_DATA'"),
        ("COOKBOOK_SIZE", "bogus", "env var: 'COOKBOOK_SIZE'"),
    ],
)
def test_a_bogus_environment_variable_is_one_click_line(tmp_path, monkeypatch, variable, value,
                                                        words):  # fmt: skip
    """Case 49."""
    monkeypatch.setenv(variable, value)
    result = invoke("train", "binary", "--out", tmp_path)
    assert result.exit_code == 2
    one_line_error(result.output, words, "'bogus'")


def test_no_home_and_no_matplotlib_folder(tmp_path, monkeypatch):
    """Case 50: ``HOME`` and ``MPLCONFIGDIR`` unset."""
    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.delenv("MPLCONFIGDIR", raising=False)
    result = train(tmp_path / "out", recipe="preprocessing")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("kind", ["missing", "a-file"])
def test_an_unusable_tmpdir_falls_back(tmp_path, monkeypatch, kind):
    """Case 51: ``TMPDIR`` missing, or a file: Python's ``tempfile`` falls back to /tmp."""
    scratch = tmp_path / "tmp"
    if kind == "a-file":
        scratch.write_text("not a folder")
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", None)  # computed again from TMPDIR
    result = invoke("figures", "preprocessing", *TINY, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "preprocessing.png").is_file()
    assert scratch.is_file() if kind == "a-file" else not scratch.exists()


def test_an_unwritable_keras_home_uses_the_tmp_one_as_keras_does(tmp_path, monkeypatch):
    """Case 52: ``KERAS_HOME`` cannot be written (simulated at the permission check: root may
    write anywhere). ``data status`` and ``--data auto`` look where Keras would, /tmp/.keras."""
    from cookbook.data import cache

    home = tmp_path / "keras"
    home.mkdir()
    os.chmod(home, 0o555)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: Path(p) != home and real_access(p, mode))
    monkeypatch.setenv("KERAS_HOME", str(home))
    monkeypatch.setattr(cache, "_tmp_root", lambda: tmp_path / "tmp")
    monkeypatch.setattr(cache, "ORIGIN", "http://127.0.0.1:9/")  # offline: nothing listens
    result = invoke("data", "status")
    assert result.exit_code == 0, result.output
    assert str(tmp_path / "tmp" / ".keras" / "datasets") in result.output
    result = invoke("train", "binary", "--data", "auto", "--size", "tiny", "--epochs", 1, "-q",
                    "--out", tmp_path / "out")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "using offline sample data instead" in result.output
    assert list(home.iterdir()) == []
    os.chmod(home, 0o755)


@pytest.mark.parametrize("closed", [1, 2], ids=["stdout-53", "stderr-54"])
def test_a_closed_stdout_or_stderr_still_publishes(tmp_path, closed):
    """Cases 53 and 54 (bug 12): with stderr closed (``2>&-``, cron, daemons) ``train``
    failed silently at 73ee4f2, in the quiet Keras import."""
    out = tmp_path / "out"
    process = cookbook_process(
        "train", "binary", *TINY, "--epochs", 1, "--out", out,
        stdout=None if closed == 1 else subprocess.DEVNULL,
        stderr=None if closed == 2 else subprocess.PIPE,
        preexec_fn=lambda: os.close(closed),
    )  # fmt: skip
    _, err = process.communicate(timeout=180)
    assert process.returncode == 0, err
    assert record_of(out / "binary")["epochs"] == 1
    assert not err or "Traceback" not in err


@pytest.mark.parametrize("args", [("list",), ("data", "status")], ids=["list", "data-status"])
def test_a_reader_that_goes_away_ends_quick_commands_quietly(args):
    """Case 55: ``cookbook list | head -c 10``. Whether ``head`` leaves before or after the
    last line is written is a race (the review saw exit 0); here the reader is gone before
    the first, so every line meets a broken pipe: Click ends with exit 1 and says nothing."""
    reader, writer = os.pipe()
    os.close(reader)
    process = cookbook_process(*args, stdout=writer)
    os.close(writer)
    err = process.stderr.read()
    assert process.wait(timeout=60) == 1, err
    assert err == ""


class BrokenPipe:
    """A stdout whose reader has gone away (``| head -c 10`` after its ten bytes)."""

    encoding = "utf-8"
    errors = "strict"

    def write(self, text: str) -> int:
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError("no file descriptor")


@pytest.mark.parametrize(
    ("args", "published"),
    [
        (("train", "binary", "--epochs", "1"), "binary/results.json"),  # case 56
        (("figures", "preprocessing", "--jobs", "1"), "preprocessing.json"),  # case 56
        (("train", "binary", "--epochs", "1", "-v"), "binary/results.json"),  # case 57
    ],
    ids=["train-56", "figures-56", "train-verbose-57"],
)
def test_a_broken_stdout_publishes_and_says_broken_pipe_once(tmp_path, monkeypatch, capsys,
                                                             args, published):  # fmt: skip
    """Cases 56 and 57: the reader of stdout went away. The files are published, then one
    ``error: Broken pipe``. With ``-v`` the program's echoed output hit the broken pipe and
    the training failed without publishing (case 57); the echo now stops, the record keeps it."""
    from cookbook.cli import main

    out = tmp_path / "out"
    monkeypatch.setattr(sys, "stdout", BrokenPipe())
    with pytest.raises(SystemExit) as ended:
        main.main([*args, *TINY, "--out", str(out)], prog_name="cookbook")
    err = capsys.readouterr().err
    assert ended.value.code == 1, err
    assert (out / published).is_file(), err
    one_line_error(err, "Broken pipe")
    assert "failed" not in err
    if "-v" in args:
        assert 'Model: "sequential"' in record_of(out / "binary")["output"]["network"]


# --- cases 58-63: inspect and data import open only what they should -----------------------------


def _model(tmp_path: Path, made) -> Path:
    target = tmp_path / "m.keras"
    shutil.copy(made("published") / "binary" / "binary.keras", target)
    return target


def _truncated(tmp_path, made):
    path = _model(tmp_path, made)
    path.write_bytes(path.read_bytes()[:5000])
    return path


def _many_entries(tmp_path, made):
    path = _model(tmp_path, made)
    with zipfile.ZipFile(path, "a") as archive:
        for number in range(60_000):
            archive.writestr(f"extra/{number}", b"")
    return path


def _declares_four_gigabytes(tmp_path, made):
    """A member whose central-directory entry claims 4 GB: Keras 3.15 refuses the archive
    (at the review's Keras it was ignored, exit 0); either way nothing is read."""
    path = _model(tmp_path, made)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("big.bin", b"small")
    data = bytearray(path.read_bytes())
    entry = data.rfind(b"PK\x01\x02")  # the last central-directory entry: big.bin
    data[entry + 24 : entry + 28] = (0xFFFFFFF0).to_bytes(4, "little")  # uncompressed size
    path.write_bytes(bytes(data))
    return path


def _a_folder(tmp_path, made):
    (tmp_path / "d.keras").mkdir()
    return tmp_path / "d.keras"


def _a_fifo(tmp_path, made):
    os.mkfifo(tmp_path / "fifo.keras")
    return tmp_path / "fifo.keras"


def _dev_zero(tmp_path, made):
    (tmp_path / "zero.keras").symlink_to("/dev/zero")
    return tmp_path / "zero.keras"


def _module_named(module: str):
    def build(tmp_path, made):
        path = _model(tmp_path, made)
        evil = tmp_path / f"{module}.keras"
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(evil, "w") as target:
            for item in source.infolist():
                content = source.read(item)
                if item.filename == "config.json":
                    config = json.loads(content)
                    config["config"]["layers"][1]["module"] = module
                    content = json.dumps(config).encode()
                target.writestr(item, content)
        return evil

    return build


INSPECTED = {
    "truncated-58": (_truncated, 1, "is not a valid .keras file"),
    "60000-entries-58": (_many_entries, 0, "Total params"),
    "declares-4-GB-58": (_declares_four_gigabytes, 1, "potential decompression bomb"),
    "a-folder-58": (_a_folder, 2, "is a directory"),
    "module-evil-59": (_module_named("evil"), 1, "could not be loaded"),
    "module-keras-hub-59": (_module_named("keras_hub"), 1, "could not be loaded"),
    "named-pipe-61": (_a_fifo, 1, "is a named pipe, not a regular file"),
    "dev-zero-62": (_dev_zero, 1, "is a device or special file, not a regular file"),
}


@pytest.mark.parametrize("kind", INSPECTED)
def test_inspect_opens_only_what_it_should(tmp_path, made, kind):
    """Cases 58, 59, 61 and 62 (bug 2): a symbolic link to ``/dev/zero`` grew to all the
    machine's memory at 73ee4f2, and a named pipe hung for ever; now both are refused before
    opening, like ``data import``."""
    build, code, words = INSPECTED[kind]
    path = build(tmp_path, made)
    result = invoke("inspect", path)
    assert result.exit_code == code, result.output
    assert words in result.output
    if code:
        one_line_error(result.output)


def test_inspect_runs_no_file_from_the_current_folder(tmp_path, made, monkeypatch):
    """Case 60: under ``python -m cookbook`` the current folder is on ``sys.path``, and Keras
    imports the allow-listed packages a model names (``keras_hub``) through it: a
    ``keras_hub.py`` there ran. The control shows that it would run without ``inspect``'s care."""
    model = _module_named("keras_hub")(tmp_path, made)
    marker = tmp_path / "ran.txt"
    (tmp_path / "keras_hub.py").write_text(f"open({str(marker)!r}, 'w').write('ran')\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "keras_hub", raising=False)
    result = invoke("inspect", model)
    assert result.exit_code == 1
    one_line_error(result.output, "could not be loaded")
    assert not marker.exists()
    with pytest.raises(Exception):  # noqa: B017 -- the control: Keras alone imports it
        keras.models.load_model(model, safe_mode=True)
    sys.modules.pop("keras_hub", None)
    assert marker.exists()


def _import_dev_zero(tmp_path):
    (tmp_path / "mnist.npz").symlink_to("/dev/zero")
    return tmp_path / "mnist.npz"


def _import_folder(tmp_path):
    (tmp_path / "mnist.npz").mkdir()
    return tmp_path / "mnist.npz"


def _import_wrong_hash(tmp_path):
    (tmp_path / "mnist.npz").write_bytes(b"PK\x03\x04 not the real file")
    return tmp_path / "mnist.npz"


def _import_dangling(tmp_path):
    (tmp_path / "mnist.npz").symlink_to(tmp_path / "gone")
    return tmp_path / "mnist.npz"


def _import_fifo(tmp_path):
    os.mkfifo(tmp_path / "mnist.npz")
    return tmp_path / "mnist.npz"


@pytest.mark.parametrize(
    ("build", "code"),
    [(_import_dev_zero, 2), (_import_folder, 2), (_import_wrong_hash, 1),
     (_import_dangling, 2), (_import_fifo, 2)],
    ids=["dev-zero", "folder", "wrong-hash", "dangling-link", "fifo"],
)  # fmt: skip
def test_data_import_refuses_what_is_not_the_dataset(tmp_path, monkeypatch, build, code):
    """Case 63: nothing is copied into the Keras cache."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    source = tmp_path / "from"
    source.mkdir()
    result = invoke("data", "import", build(source))
    assert result.exit_code == code, result.output
    one_line_error(result.output)
    assert not (tmp_path / "keras" / "datasets").exists() or not list(
        (tmp_path / "keras" / "datasets").iterdir()
    )


# --- cases 64-71 -----------------------------------------------------------------------------


def _damage_png(out: Path) -> None:
    png = out / "binary.png"
    png.write_bytes(png.read_bytes()[:200])


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda out: (out / "binary.json").write_text("<<<<<<< HEAD\n"),
         "binary.json is not a readable record"),
        (lambda out: (out / "binary.json").write_text("{}\n"),
         "binary.json is not a results record (no recipe"),
        (lambda out: (out / "binary.json").write_text("[1, 2]\n"),
         "binary.json is not a results record"),
        (_damage_png, "binary.png is not a readable PNG figure"),
    ],
    ids=["conflict-markers", "empty-object", "a-list", "truncated-png"],
)  # fmt: skip
def test_figures_check_answers_a_damaged_committed_file_in_one_line(tmp_path, made, damage, words):
    """Case 64 (bug 7): at 73ee4f2, ``JSONDecodeError``, ``KeyError``, ``AttributeError`` and
    PIL ``SyntaxError`` tracebacks. Now one line naming the file and how to redraw it."""
    out = copy_of(made, "figures", tmp_path / "out")
    damage(out)
    result = invoke("figures", "binary", "--check", "--jobs", 1, "-q", "--out", out)
    assert result.exit_code == 1, result.output
    one_line_error(result.output, str(out), words, "redraw it with cookbook figures binary")


@pytest.mark.parametrize(
    ("change", "code", "words"),
    [
        (lambda r: r["data"][0].update(size="huge"), 2, "size must be one of"),
        (lambda r: r.update(seed="zero"), 1, "is not a results record (its seed or data)"),
    ],
    ids=["size-huge", "seed-zero"],
)
def test_figures_check_answers_odd_committed_settings_in_one_line(tmp_path, made, change, code,
                                                                  words):  # fmt: skip
    """Case 65 (a committed seed ``"zero"`` is a damaged record now: exit 1, not 2)."""
    out = copy_of(made, "figures", tmp_path / "out")
    record = json.loads((out / "binary.json").read_text())
    change(record)
    (out / "binary.json").write_text(json.dumps(record))
    result = invoke("figures", "binary", "--check", "--jobs", 1, "-q", "--out", out)
    assert result.exit_code == code, result.output
    one_line_error(result.output, words)


@pytest.mark.skipif(not os.path.isdir("/dev/shm"), reason="no /dev/shm")
@pytest.mark.parametrize("where", ["out", "tmpdir"])
def test_output_or_tmpdir_on_another_file_system(tmp_path, monkeypatch, where):
    """Case 66: ``--out`` on /dev/shm (a tmpfs); TMPDIR there with OUT on disk."""
    shm = Path(tempfile.mkdtemp(dir="/dev/shm", prefix="cookbook-test-"))
    try:
        if where == "tmpdir":
            monkeypatch.setenv("TMPDIR", str(shm))
            monkeypatch.setattr(tempfile, "tempdir", None)
        out = shm / "out" if where == "out" else tmp_path / "out"
        result = invoke("figures", "preprocessing", *TINY, "--out", out)
        assert result.exit_code == 0, result.output
        assert is_png(out / "preprocessing.png")
        if where == "tmpdir":
            assert list(shm.iterdir()) == []
    finally:
        shutil.rmtree(shm, ignore_errors=True)


def test_output_through_a_symlink_and_a_symlink_loop(tmp_path):
    """Case 67."""
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert train(tmp_path / "link", recipe="preprocessing").exit_code == 0
    assert (tmp_path / "real" / "preprocessing" / "results.json").is_file()
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    result = train(tmp_path / "loop", recipe="preprocessing")
    assert result.exit_code == 2
    one_line_error(result.output, "a symbolic link loop")


@pytest.mark.parametrize("out", ["/proc/x", "/sys/x", "/proc/self/fd", "/dev/null", "/dev/null/x"])
def test_output_in_system_folders_is_one_line(out, no_training):
    """Case 68."""
    result = train(Path(out), "--epochs", 1)
    assert result.exit_code in (1, 2), result.output
    one_line_error(result.output)
    assert no_training == []


def test_retraining_from_inside_the_run_folder(tmp_path, made, monkeypatch):
    """Case 69, left as it is: a run replaces ``OUT/NAME/`` as a whole, so a shell (or this
    process) whose current folder was the old one is left in a removed folder; the new run
    is at the same path (``cd "$PWD"`` shows it)."""
    out = copy_of(made, "published", tmp_path / "out")
    monkeypatch.chdir(out / "binary")
    result = invoke("train", "binary", *TINY, "--epochs", 1, "--seed", 3, "--out", "..")
    assert result.exit_code == 0, result.output
    assert record_of(out / "binary")["seed"] == 3
    with pytest.raises(FileNotFoundError):
        os.getcwd()


@pytest.mark.parametrize("debug", [False, True])
def test_debug_shows_the_traceback_it_promises(tmp_path, monkeypatch, debug):
    """Case 70 (bug 11): "run again with --debug for the traceback" printed the same line
    again with ``--debug``."""

    def broken(self, *args, **kwargs):
        raise RuntimeError("a stand-in for a bug")

    monkeypatch.setattr(keras.Model, "fit", broken)
    result = train(tmp_path, *(["--debug"] if debug else []))
    assert result.exit_code == 1
    assert "error: binary: RuntimeError: a stand-in for a bug" in result.output
    assert ("Traceback (most recent call last)" in result.output) is debug
    if debug:
        assert "in broken" in result.output and "raise RuntimeError" in result.output


def test_what_resume_depends_on_is_flushed_to_disk(tmp_path, monkeypatch):
    """Case 71: no ``fsync`` at all at 73ee4f2, while the docs promised resume after a power
    cut. Now every backup model and ``state.json`` is on disk before it is named, ``run.json``
    too, each rename is flushed with its folder, and a run's files are on disk before the
    swap publishes them."""
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    out = tmp_path / "out"
    assert train(out, "--epochs", 3).exit_code == 0
    backup = str(out / "binary.partial/.resume/backup")
    for epoch in (1, 2, 3):
        assert any(p.startswith(f"{backup}/.model-0000{epoch}.") for p in synced), epoch
    assert sum(p.startswith(f"{backup}/.state.") for p in synced) == 3
    assert synced.count(backup) >= 3  # the folder, after each epoch's renames
    assert any(p.startswith(str(out / "binary.partial/.resume/.run.")) for p in synced)
    for folder in (out, out / "binary.partial", out / "binary.partial/.resume"):
        assert str(folder) in synced, folder  # the new folders' names
    published = [p for p in synced if p.startswith(str(out / "binary.partial") + "/")]
    for name in ("binary.keras", "binary.png", "results.json"):
        assert str(out / "binary.partial" / name) in published, name
    assert str(out) in synced  # the folder that holds the swapped names
