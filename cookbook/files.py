"""Writing files so that nothing a user had is ever lost, overwritten or left half-written.

The tools the runner and the data cache use around every file they write:

* :func:`atomic_path` / :func:`write_json` -- a file is written under a temporary name beside
  its target and renamed over it when complete. A rename within one folder is atomic, so the
  target is either the old good file or the new complete one. With ``durable=True`` the file
  and then its folder are flushed to disk (``fsync``), so the rename survives a power cut.
* :func:`replace_folder` -- a whole folder of files (a run's model files and its record) takes
  the place of the old one in one step, so a folder never holds files of two runs.
* :func:`lock` -- one process at a time per output: a second run on the same folder is refused
  at once, and a lock left by a killed process is taken over. The lock file is opened without
  following symbolic links, so it cannot be turned against a file of the user's.
* :func:`sha256` and :class:`LastWrite` -- a file's fingerprint, and the name of the file a
  library was writing when the disk filled up.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import hashlib
import json
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cookbook.errors import NotOurs, RunLocked
from cookbook.process import signals_deferred


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
def atomic_path(target: str | os.PathLike[str], durable: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success, rename it onto ``target``.

    If the block raises, the temporary file is removed and ``target`` is untouched. With
    ``durable``, the new file is on disk before the rename and the rename is on disk after.
    """
    with temporary_beside(target) as tmp:
        yield tmp
        if durable:
            sync_file(tmp)
        os.replace(tmp, target)
        if durable:
            sync_folder(Path(target).parent)


def sync_file(path: Path) -> None:
    """Flush a file's contents to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries (renames, new files) to the disk, where the system allows."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # Windows cannot open a folder
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a folder: nothing more can be done
    finally:
        os.close(fd)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_text(target: str | os.PathLike[str], text: str, durable: bool = False) -> Path:
    """Write ``text`` (UTF-8) to ``target``, atomically."""
    with atomic_path(target, durable) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)


def write_json(target: str | os.PathLike[str], data: Any, durable: bool = False) -> Path:
    """Write ``data`` as indented JSON, atomically."""
    return write_text(target, json.dumps(data, indent=2) + "\n", durable)


def sha256(path: Path) -> str:
    """The SHA-256 of a file, read in chunks (datasets are large)."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- whole folders ---------------------------------------------------------------------------

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

    The caller has made sure ``target`` is absent or a folder it owns (see
    :mod:`cookbook.publish`). With Linux's ``renameat2(RENAME_EXCHANGE)`` the two folders swap
    in one step. Elsewhere the old folder is first renamed aside to ``.NAME.old`` and
    :func:`recover_folder` puts it back should the process die between the two renames.
    """
    with signals_deferred():
        if os.path.lexists(target) and _exchange(new, target):
            sync_folder(target.parent)
            shutil.rmtree(new, ignore_errors=True)  # `new` now holds the old files
            return
        aside = aside_of(target)
        _remove_tree(aside)
        if os.path.lexists(target):
            os.replace(target, aside)
        os.replace(new, target)
        sync_folder(target.parent)
        _remove_tree(aside)


def _remove_tree(path: Path) -> None:
    """Remove a folder we made, or a stray file or link in its place (never what a link
    points to)."""
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def aside_of(target: Path) -> Path:
    """Where :func:`replace_folder` puts the old folder for a moment, without ``renameat2``."""
    return target.with_name(f".{target.name}.old")


def recover_folder(target: Path) -> None:
    """Undo a :func:`replace_folder` that a killed process left half done: put the old
    folder back when ``target`` is missing, or remove it when the new one is in place.

    What is removed must look like a run folder (a real folder holding a ``results.json``);
    anything else at that name is left alone, for :func:`cookbook.publish.check_replaceable`
    to refuse. A link or a mount point is never moved.
    """
    aside = aside_of(target)
    if aside.is_symlink() or not aside.is_dir() or is_mount_point(aside):
        return
    if not os.path.lexists(target):
        os.replace(aside, target)
        sync_folder(target.parent)
    elif _looks_like_a_run_folder(aside):
        shutil.rmtree(aside, ignore_errors=True)


def is_mount_point(path: Path) -> bool:
    """Whether ``path`` is a mount point, bind mounts included.

    ``os.path.ismount`` compares devices and misses a bind mount of a folder from the same
    file system (a Docker volume from the same disk), which cannot be renamed all the same
    (EBUSY); Linux lists every mount point in ``/proc/self/mountinfo``.
    """
    if os.path.ismount(path):
        return True
    try:
        table = Path("/proc/self/mountinfo").read_bytes()
    except OSError:
        return False
    real = os.fsencode(os.path.realpath(path))
    for line in table.splitlines():
        fields = line.split()
        if len(fields) > 4 and _unescaped(fields[4]) == real:
            return True
    return False


def _unescaped(field: bytes) -> bytes:
    """A mountinfo path: space, tab, newline and backslash are written as octal escapes."""
    return re.sub(rb"\\([0-7]{3})", lambda match: bytes([int(match[1], 8)]), field)


def _looks_like_a_run_folder(path: Path) -> bool:
    record = path / "results.json"
    return (
        not path.is_symlink()
        and path.is_dir()
        and not is_mount_point(path)
        and not record.is_symlink()
        and record.is_file()
    )


def sync_tree(folder: Path) -> None:
    """Flush every file and folder under ``folder`` (itself included) to the disk: what a
    rename then publishes is on disk before the rename is."""
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            continue
        if path.is_file():
            sync_file(path)
        elif path.is_dir():
            sync_folder(path)
    sync_folder(folder)


def publish_files(pairs: list[tuple[Path, Path]]) -> None:
    """Rename each finished temporary file onto its target, all with signals held back."""
    with signals_deferred():
        for tmp, _ in pairs:
            sync_file(tmp)
        for tmp, target in pairs:
            os.replace(tmp, target)
        for folder in {target.parent for _, target in pairs}:
            sync_folder(folder)


# --- locks -----------------------------------------------------------------------------------


@contextlib.contextmanager
def lock(path: Path, what: str) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` for the block, or raise :class:`RunLocked` at once.

    The lock is the operating system's (``flock``): it dies with its process, so a lock file
    left by a killed run is simply taken over. The file holds the owner's process id and
    command, which the refusal quotes. It is opened without following a symbolic link and
    refused unless it is a plain file of its own (one link), so a link or a hard link planted
    in a shared folder cannot make the run overwrite somebody's file.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; run unguarded
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    while True:
        try:
            fd = os.open(path, flags, 0o644)
        except OSError as err:
            if err.errno == errno.ELOOP:
                raise NotOurs(
                    f"{path} is a symbolic link, not a cookbook lock file; remove it"
                ) from None
            raise
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
            os.close(fd)
            kind = "has other names (hard links)" if stat.S_ISREG(info.st_mode) else "is not a file"
            raise NotOurs(f"{path} {kind}, so it is not a cookbook lock file; remove it")
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
        os.write(fd, _holder_line())
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.fstat(fd).st_ino == os.lstat(path).st_ino
    except FileNotFoundError:
        return False


def _holder_line() -> bytes:
    """``PID command…`` as bytes: arguments that are not valid UTF-8 (a path with odd bytes)
    are written as the bytes they were."""
    program = Path(sys.argv[0]).name if sys.argv else "python"
    if program == "__main__.py":  # python -m cookbook
        program = "cookbook"
    words = [program, *sys.argv[1:]]
    return b" ".join([str(os.getpid()).encode(), *(os.fsencode(word) for word in words)]) + b"\n"


def _read_holder(fd: int) -> str:
    try:
        text = os.pread(fd, 4096, 0).decode(errors="replace").strip()
    except OSError:
        text = ""
    pid, _, command = text.partition(" ")
    return f"process {pid}: {command}" if pid else "another process"


# --- naming the file a failed write was for --------------------------------------------------


class LastWrite:
    """The last file a run opened for writing, seen through Python's audit hooks.

    A full disk surfaces as an ``OSError`` deep inside a library (zipfile under Keras's
    ``save``, PNG writing under matplotlib) that often carries no file name; this is how the
    error message can still name the file. Scratch files under ``ignore`` (Keras stages its
    weights in TMPDIR) are not what a reader needs to hear about, unless they are under
    ``watch`` (a run folder that lives in TMPDIR).
    """

    watching = False
    last: str | None = None
    installed = False
    ignore: str = ""
    include: str = ""

    @classmethod
    def hook(cls, event: str, args: tuple) -> None:
        if not cls.watching or event != "open":
            return
        path, mode, flags = args
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR)
        )
        if writing and isinstance(path, (str, bytes, os.PathLike)):
            path = os.fsdecode(path)
            scratch = cls.ignore and path.startswith(cls.ignore + os.sep)
            if not scratch or (cls.include and path.startswith(cls.include + os.sep)):
                cls.last = path

    @classmethod
    @contextlib.contextmanager
    def watch(cls, include: Path | None = None) -> Iterator[None]:
        """Watch the writes inside the block (``include``: a folder under TMPDIR to watch)."""
        if not cls.installed:  # once per process: audit hooks cannot be removed
            sys.addaudithook(cls.hook)
            cls.installed = True
        cls.watching, cls.last = True, None
        cls.ignore = tempfile.gettempdir()
        cls.include = str(include) if include else ""
        try:
            yield
        finally:
            cls.watching = False


def not_a_regular_file(path: Path) -> str | None:
    """Why ``path`` cannot be read as an ordinary file, as the rest of a sentence about it
    (``"is a named pipe, not a regular file"``), or ``None`` when it can.

    Reading ``/dev/zero`` or a named pipe never ends; this is checked before opening."""
    try:
        info = os.stat(path)
    except OSError as err:
        return f"cannot be read ({err.strerror or err})"
    if stat.S_ISREG(info.st_mode):
        return None
    if stat.S_ISDIR(info.st_mode):
        return "is a folder, not a regular file"
    kind = "a named pipe" if stat.S_ISFIFO(info.st_mode) else "a device or special file"
    return f"is {kind}, not a regular file"
