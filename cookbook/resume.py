"""An unfinished run's folder, and what ``--resume`` checks before continuing it.

``cookbook train`` runs a program inside ``OUT/PROGRAM.partial/`` (one folder per program, so
the two history recipes share it) and swaps that folder into ``OUT/NAME/`` when the program
has finished. Until then the folder is this module's, laid out as :class:`Partial` says::

    OUT/binary.partial/
        binary.keras ...                the program's own files, as it writes them
        .resume/                        ours: present in every unfinished run folder
            run.json                    what the run was started with (a resumable program)
            backup/                     written after every epoch by callbacks.Backup
                model-00003.keras       the whole model after the last finished epoch
                state.json              epochs done, their history, the training's identity

``--resume`` continues only the same run: the options (``run.json``), and the network and its
training (``state.json``'s identity) must be the ones it was started with. Everything read back
is checked for shape and type first; a file that is damaged, or edited into something no run
writes, is reported in one line, naming the file, and never used.
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cookbook.errors import DamagedBackup, NotOurs, ResumeMismatch
from cookbook.files import is_mount_point, sync_folder, write_json

RESUME_FOLDER = ".resume"
RUN_FILE = "run.json"
BACKUP_FOLDER = "backup"
STATE_FILE = "state.json"
#: How to start afresh, said after every problem with an unfinished run.
AFRESH = "start afresh by running without --resume (that discards the unfinished run)"


@dataclass(frozen=True)
class Partial:
    """The folder of one program's unfinished run, and the places inside it."""

    folder: Path

    @classmethod
    def of(cls, out: Path, module: str) -> Partial:
        return cls(out / f"{module}.partial")

    @property
    def resume(self) -> Path:
        return self.folder / RESUME_FOLDER

    @property
    def run_file(self) -> Path:
        return self.resume / RUN_FILE

    @property
    def backup(self) -> Path:
        return self.resume / BACKUP_FOLDER

    def has_state(self) -> bool:
        """Whether an interrupted training left a state that ``--resume`` can continue."""
        return (self.backup / STATE_FILE).is_file()

    def epochs_done(self) -> int | None:
        """The finished epochs of the saved state, when it can be read."""
        try:
            return read_state(self.backup)["epoch"] if self.has_state() else None
        except DamagedBackup:
            return None


def check_ours(partial: Partial) -> None:
    """Refuse, before any work, a ``PROGRAM.partial`` that this project did not make.

    Ours is a real folder (not a symbolic link, not a mount point) holding ``.resume/``;
    anything else at that name is somebody's, and is left alone.
    """
    path = partial.folder
    if not os.path.lexists(path):
        return
    what = _not_a_plain_folder(path)
    if what is None and not partial.resume.is_dir():
        what = "a folder that is not an unfinished cookbook run (it has no .resume/ inside)"
    if what:
        raise NotOurs(
            f"{path} is {what}; cookbook keeps an unfinished run there, so move it away "
            "or choose another --out"
        )


def _not_a_plain_folder(path: Path) -> str | None:
    if path.is_symlink():
        return "a symbolic link"
    if not path.is_dir():
        return "a file"
    if is_mount_point(path):
        return "a mount point"
    return None


Report = Callable[[str], None]


def prepare(
    partial: Partial,
    name: str,
    identity: dict[str, Any],
    resume: bool,
    resumable: bool,
    report: Report,
) -> bool:
    """Make ``partial`` ready for a run of recipe ``name``: fresh, or, with ``resume``, the
    interrupted run's, checked. Return whether the run continues one (it has a state)."""
    check_ours(partial)
    if resume and not resumable:
        report(f"note: {name} cannot resume (it trains several networks); starting afresh")
    elif resume and not partial.run_file.is_file():
        where = (
            f"{partial.folder} holds no resumable run"
            if partial.folder.is_dir()
            else f"no {partial.folder}"
        )
        report(f"note: nothing to resume for {name} ({where}); starting afresh")
    elif resume:
        try:
            before = _read_json_object(partial.run_file)
        except ValueError as err:
            raise DamagedBackup(
                f"the interrupted run's settings in {partial.run_file} are damaged ({err}); "
                "run without --resume to start afresh"
            ) from err
        differences = describe_differences(before, identity)
        if differences:
            raise ResumeMismatch(
                f"cannot resume {name}: the interrupted run in {partial.folder} was made with "
                f"other settings ({'; '.join(differences)}). Resume with the same options, or "
                f"run without --resume to start afresh (that discards {partial.folder})"
            )
        read_state(partial.backup)  # a damaged backup is reported now, before any work
        return partial.has_state()
    if partial.folder.exists():
        report(f"note: discarding an interrupted run's files in {partial.folder}")
        shutil.rmtree(partial.folder)
    partial.resume.mkdir(parents=True)
    for folder in (partial.folder.parent, partial.folder):  # the new names, on disk
        sync_folder(folder)
    if resumable:
        write_json(partial.run_file, identity, durable=True)
    return False


def _read_json_object(path: Path) -> dict[str, Any]:
    """A JSON object from ``path``; ``ValueError`` saying why not (unreadable, not JSON, too
    deeply nested, not an object)."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as err:
        raise ValueError(_short(err)) from err
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


def _short(err: BaseException) -> str:
    return str(err).splitlines()[0][:200] if str(err) else type(err).__name__


def describe_differences(before: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """The keys whose values differ, as ``"epochs 8 -> 2"`` phrases. For a long value (a
    network's configuration) the phrase names the first place inside it that differs."""
    return [
        _difference(key, before.get(key), now.get(key))
        for key in sorted(set(before) | set(now), key=str)
        if before.get(key) != now.get(key)
    ]


def _difference(where: str, old: Any, new: Any) -> str:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new), key=str):
            if old.get(key) != new.get(key):
                return _difference(f"{where}.{key}", old.get(key), new.get(key))
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for number, (a, b) in enumerate(zip(old, new, strict=True)):
            if a != b:
                return _difference(f"{where}[{number}]", a, b)
    return f"{where} {_shown(old)} -> {_shown(new)}"


def _shown(value: Any) -> str:
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= 60 else text[:57] + "..."


def read_state(backup: Path) -> dict[str, Any] | None:
    """The saved state of an interrupted training, checked; ``None`` when there is none.

    Raises :class:`DamagedBackup` when the state exists but cannot be trusted: unreadable or
    malformed JSON, an epoch count outside the training's epochs, a history that is not one
    number per finished epoch, a model file that is missing or not a complete ``.keras``
    archive.
    """
    path = backup / STATE_FILE
    if not path.exists():
        return None
    try:
        state = _read_json_object(path)
        _check_state(state)
        with zipfile.ZipFile(backup / state["model"]) as archive:
            bad = archive.testzip()
            if bad is not None or "config.json" not in archive.namelist():
                raise ValueError(f"{state['model']} is incomplete")
    except (OSError, ValueError, zipfile.BadZipFile) as err:
        raise DamagedBackup(
            f"the saved training state in {backup} is damaged ({_short(err)}); {AFRESH}"
        ) from err
    return state


def _check_state(state: dict[str, Any]) -> None:
    """Raise ``ValueError`` unless ``state`` has the shape :class:`callbacks.Backup` writes."""
    epoch, history = state.get("epoch"), state.get("history")
    model, identity = state.get("model"), state.get("identity")
    if not isinstance(identity, dict):
        raise ValueError("the training's identity is missing")
    limit = identity.get("epochs")
    if type(epoch) is not int or epoch < 0 or (type(limit) is int and epoch > limit):
        raise ValueError(f"{epoch!r} is not a number of finished epochs")
    if not isinstance(history, dict) or not all(
        isinstance(values, list)
        and len(values) == epoch
        and all(type(v) in (int, float) for v in values)
        for values in history.values()
    ):
        raise ValueError("the saved history is not one number per finished epoch")
    if not isinstance(model, str) or Path(model).name != model or not model:
        raise ValueError(f"{model!r} is not the name of a saved model")


def hint(name: str, partial: Partial) -> str:
    """How to go on with the unfinished run kept in ``partial``."""
    epochs = partial.epochs_done()
    done = f" ({epochs} epoch{'s' if epochs != 1 else ''} done)" if epochs is not None else ""
    return (
        f"The unfinished run is kept in {partial.folder}{done}; continue it with: "
        f"cookbook train {name} --resume (with the same options)"
    )
