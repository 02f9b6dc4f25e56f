"""Writing files so that a crash never leaves a broken one behind.

Every file the cookbook writes -- models, figures, results records -- is first written to a
temporary file in the same folder and then renamed over the target. A rename within one
folder is atomic, so the target is either the old good file or the new complete one, never a
half-written mix.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success, rename it onto ``target``.

    The temporary name keeps the target's suffix (Keras insists on ``.keras``). If the block
    raises, the temporary file is removed and ``target`` is untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{target.stem}.", suffix=f".tmp{target.suffix}", dir=target.parent
    )
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        # mkstemp makes owner-only files; give the result the usual permissions instead.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_json(target: str | os.PathLike[str], data: Any) -> Path:
    """Write ``data`` as indented JSON, atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return Path(target)


def save_model(model: Any, target: str | os.PathLike[str]) -> Path:
    """Save a Keras model to a ``.keras`` file, atomically."""
    with atomic_path(target) as tmp:
        model.save(tmp)
    return Path(target)


def publish(staging: Path, destination: Path) -> list[Path]:
    """Move every finished file from ``staging`` into ``destination`` (atomic renames)."""
    moved = []
    destination.mkdir(parents=True, exist_ok=True)
    for path in sorted(staging.glob("*")):
        if path.is_file() and not path.name.startswith("."):
            final = destination / path.name
            os.replace(path, final)
            moved.append(final)
    return moved


def staging_folder(destination: Path) -> Path:
    """A fresh hidden folder beside ``destination`` where callbacks can write files safely.

    Keras's ``ModelCheckpoint`` writes straight to its ``filepath``; pointing it here and
    moving each finished file into ``destination`` with :class:`PublishFiles` means a crash
    in the middle of a save never replaces a good model file with a broken one.
    """
    destination.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=".staging-", dir=destination))


def remove_folder(folder: Path) -> None:
    """Remove a staging folder and whatever is left in it."""
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
