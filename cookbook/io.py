"""Writing files so that nothing a user had is ever lost or left half-written.

Three tools, used by the runner around every recipe:

* :func:`atomic_path` / :func:`write_json` -- a file is written under a temporary name beside
  its target and renamed over it when complete. A rename within one folder is atomic, so the
  target is either the old good file or the new complete one.
* :func:`replace_folder` -- a whole folder of files (a run's model files and its record) takes
  the place of the old one in one step, so a folder never holds files of two runs.
* :func:`lock` -- one process at a time per output: a second run on the same folder is refused
  at once, and a lock left by a killed process is taken over.

Ctrl-C and SIGTERM are held back for the few microseconds of a multi-step publish
(:func:`signals_deferred`), so an interruption lands before or after it, never inside.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import json
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cookbook.errors import RunLocked


@contextlib.contextmanager
def temporary_beside(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a fresh temporary path in ``target``'s folder, removed on exit unless it was
    renamed away. It keeps the target's suffix (Keras insists on ``.keras``) and gets the usual
    permissions (``mkstemp`` makes owner-only files)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{target.stem[:40]}.", suffix=f".tmp{target.suffix}", dir=target.parent
    )
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        yield tmp
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success, rename it onto ``target``.

    If the block raises, the temporary file is removed and ``target`` is untouched.
    """
    with temporary_beside(target) as tmp:
        yield tmp
        os.replace(tmp, target)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_text(target: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``target``, atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)


def write_json(target: str | os.PathLike[str], data: Any) -> Path:
    """Write ``data`` as indented JSON, atomically."""
    return write_text(target, json.dumps(data, indent=2) + "\n")


#: Set once the process has been asked to stop (SIGTERM); long work checks it at safe points
#: (:class:`cookbook.callbacks.StopWhenAsked`).
STOP = threading.Event()


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back until the block has finished, then deliver them.

    Python runs signal handlers in the main thread, whichever thread the kernel picked (and
    TensorFlow's threads do not block signals), so the handlers themselves are swapped for
    ones that only take note. Outside the main thread this is a no-op.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def take_note(signum: int, frame: Any) -> None:
        caught.append(signum)

    held = [signal.SIGINT, signal.SIGTERM]
    previous = {signum: signal.signal(signum, take_note) for signum in held}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        if caught:
            handler = previous[caught[0]]
            if callable(handler):
                handler(caught[0], None)
            elif handler != signal.SIG_IGN:
                signal.raise_signal(caught[0])


_RENAME_EXCHANGE = 2  # from <linux/fs.h>


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2``); False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(
        at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # the file system cannot swap: use two renames
    raise OSError(code, os.strerror(code), str(first))


def replace_folder(new: Path, target: Path) -> None:
    """Put folder ``new`` where ``target`` is (or is not yet), replacing it as a whole.

    With Linux's ``renameat2(RENAME_EXCHANGE)`` the two folders swap in one step. Elsewhere the
    old folder is first renamed aside to ``.NAME.old`` and :func:`recover_folder` puts it back
    should the process die between the two renames.
    """
    with signals_deferred():
        if target.exists() and _exchange(new, target):
            shutil.rmtree(new, ignore_errors=True)  # `new` now holds the old files
            return
        aside = target.with_name(f".{target.name}.old")
        shutil.rmtree(aside, ignore_errors=True)
        if target.exists():
            os.replace(target, aside)
        os.replace(new, target)
        shutil.rmtree(aside, ignore_errors=True)


def recover_folder(target: Path) -> None:
    """Undo a :func:`replace_folder` that a killed process left half done."""
    aside = target.with_name(f".{target.name}.old")
    if aside.exists() and not target.exists():
        os.replace(aside, target)
    shutil.rmtree(aside, ignore_errors=True)


def publish_files(pairs: list[tuple[Path, Path]]) -> None:
    """Rename each finished temporary file onto its target, all with signals held back."""
    with signals_deferred():
        for tmp, target in pairs:
            os.replace(tmp, target)


@contextlib.contextmanager
def lock(path: Path, what: str) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` for the block, or raise :class:`RunLocked` at once.

    The lock is the operating system's (``flock``): it dies with its process, so a lock file
    left by a killed run is simply taken over. The file holds the owner's process id and
    command, which the refusal quotes.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; run unguarded
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise RunLocked(
                f"{what} is in use by another cookbook run ({holder}); wait for it to finish, "
                f"or choose another --out"
            ) from None
        if _same_file(fd, path):
            break
        os.close(fd)  # the holder removed the file while we waited on it: lock the new one
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {' '.join(_command())}\n".encode())
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.fstat(fd).st_ino == os.stat(path).st_ino
    except FileNotFoundError:
        return False


def _read_holder(fd: int) -> str:
    try:
        text = os.pread(fd, 500, 0).decode(errors="replace").strip()
    except OSError:
        text = ""
    pid, _, command = text.partition(" ")
    return f"process {pid}: {command}" if pid else "another process"


def _command() -> list[str]:
    import sys

    return [Path(sys.argv[0]).name, *sys.argv[1:]][:12]
