"""Publishing a run's files, and never touching anything the run does not own.

A run's files appear together or not at all, and only where nothing of the user's is:

* ``cookbook train`` swaps its whole run folder into ``OUT/NAME/`` (:func:`publish_folders`).
  It may replace ``OUT/NAME/`` only when that is absent or is a cookbook run folder holding
  nothing but a run's own files (:func:`check_replaceable`, asked before any training): a
  user's own files, a symbolic link, a file, a mount point or a read-only folder there is
  refused in one line, and nothing of it is moved or deleted.
* ``cookbook figures`` renames a figure and its record into place together
  (:func:`cookbook.files.publish_files`), with signals held back between the renames; what a
  killed publish leaves behind is cleaned up by the next run (:func:`clean_leftovers`).
* One run at a time per program output (:func:`program_lock`): the two history recipes share
  one program, so they share one lock.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
from pathlib import Path
from typing import Any

from cookbook import recipes
from cookbook.errors import NotOurs
from cookbook.files import aside_of, is_mount_point, lock, replace_folder, sync_tree
from cookbook.process import signals_deferred
from cookbook.records import dumps
from cookbook.resume import RESUME_FOLDER, Partial

RESULTS_NAME = "results.json"
#: A folder a pair's first recipe is copied into before both are published.
PUBLISHING = ".{name}.publishing"


def program_lock(out: Path, module: str, what: str) -> contextlib.AbstractContextManager[None]:
    """The lock for everything program ``module`` writes into ``out``."""
    return lock(out / f".{module}.lock", what)


def check_replaceable(target: Path, name: str) -> None:
    """Refuse, before any training, a ``target`` (``OUT/NAME``) that a run may not replace.

    A run may replace what is absent, or a writable real folder whose every file is listed
    in its own ``results.json`` as recipe ``name``'s (the folder a run published).
    """
    aside = aside_of(target)
    if os.path.lexists(aside) and _why_not_ours(aside, name):
        raise NotOurs(
            f"{aside} is in the way: cookbook puts the old {target.name} folder there for a "
            f"moment while it replaces it, and this one is not a cookbook run's (it "
            f"{_why_not_ours(aside, name)}); move it away, or choose another --out"
        )
    if not os.path.lexists(target):
        return
    why = _why_not_ours(target, name)
    if why:
        raise NotOurs(
            f"{target} {why}; a run replaces that folder as a whole, so nothing in it may be "
            "anyone else's: move it away, or choose another --out"
        )


def _why_not_ours(target: Path, name: str) -> str | None:
    if target.is_symlink():
        return f"is a symbolic link (to {os.readlink(target)})"
    if not target.is_dir():
        return "is a file, not a run folder"
    if is_mount_point(target):
        return "is a mount point, which cannot be replaced"
    if not os.lstat(target).st_mode & stat.S_IWUSR or not os.access(target, os.W_OK | os.X_OK):
        return "is read-only (write-protected)"
    listed = _listed_files(target / RESULTS_NAME, name)
    if listed is None:
        return "holds no cookbook results.json of this recipe, so its files may be yours"
    foreign = [
        path.relative_to(target).as_posix()
        for path in sorted(target.rglob("*"))
        if (path.is_symlink() or not path.is_dir())
        and path.relative_to(target).as_posix() not in listed
    ]
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if foreign[3:] else "")
        return f"holds files that are not from a cookbook run ({shown})"
    return None


def _listed_files(record_path: Path, name: str) -> set[str] | None:
    """The files a run's ``results.json`` lists (itself included), if it is recipe ``name``'s."""
    if record_path.is_symlink() or not record_path.is_file():
        return None
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(record, dict) or record.get("recipe") != name:
        return None
    files = record.get("files")
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        return None
    return {*files, RESULTS_NAME}


def run_files(folder: Path) -> list[str]:
    """The files a run wrote, as sorted relative paths (its hidden resume state left out)."""
    return sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and RESUME_FOLDER not in path.relative_to(folder).parts
    )


def publish_folders(partial: Path, out: Path, records: dict[str, dict[str, Any]]) -> None:
    """Publish a finished run folder as ``OUT/NAME/`` for each recipe of ``records``
    (``{name: record}``; a pair's first recipe gets a copy), each with its ``results.json``.

    Everything is prepared first, with the resume state still in place; then, with signals
    held back, the state is dropped and the folders are swapped in. An interruption or a
    full disk before that point leaves every ``OUT/NAME/`` as it was and the run resumable.
    """
    names = list(records)
    folders = {name: out / PUBLISHING.format(name=name) for name in names[:-1]}
    folders[names[-1]] = partial
    published: list[str] = []
    try:
        for name in names[:-1]:
            _remove(folders[name])
            shutil.copytree(partial, folders[name], ignore=shutil.ignore_patterns(RESUME_FOLDER))
        for name, record in records.items():
            (folders[name] / RESULTS_NAME).write_text(dumps(record), encoding="utf-8")
            sync_tree(folders[name])  # on disk before the swap makes it the published run
        with signals_deferred():
            shutil.rmtree(partial / RESUME_FOLDER, ignore_errors=True)
            for name in names:
                replace_folder(folders[name], out / name)
                published.append(name)
    except KeyboardInterrupt as err:
        # A signal held back during the swaps is delivered here, after them: say what is new.
        if published:
            err.cookbook_note = _published_note(out, published)
        raise
    finally:
        for name in names[:-1]:
            _remove(folders[name])


def _published_note(out: Path, names: list[str]) -> str:
    folders = " and ".join(str(out / name) for name in names)
    return (
        f"the finished run was published first: {folders} now "
        f"hold{'s' if len(names) == 1 else ''} it."
    )


def _remove(path: Path) -> None:
    if os.path.lexists(path):
        if path.is_symlink() or not path.is_dir():
            path.unlink()
        else:
            shutil.rmtree(path, ignore_errors=True)


def clean_leftovers(out: Path, names: list[str]) -> None:
    """Remove what a killed publish of ``names`` left in ``out``: temporary figure and record
    files (``.NAME.*.tmp.png``), pair copies (``.NAME.publishing``), and a run folder left at
    ``OUT/PROGRAM.partial/`` without its resume state -- the old run a swap displaced, or a
    finished one the kill kept from its swap. Called under the program's lock."""
    for name in names:
        for path in out.glob(f".{name[:40]}.*.tmp.*"):
            if path.is_file() or path.is_symlink():
                path.unlink(missing_ok=True)
        _remove(out / PUBLISHING.format(name=name))
    if names:
        _remove_displaced_run(out, names[0])


def _remove_displaced_run(out: Path, name: str) -> None:
    partial = Partial.of(out, recipes.entry(name).module)
    if not os.path.lexists(partial.folder) or os.path.lexists(partial.resume):
        return
    if any(_why_not_ours(partial.folder, e.name) is None for e in recipes.sharing(name)):
        shutil.rmtree(partial.folder)
