"""The Keras dataset cache: where Keras keeps each file, whether it is there and sound.

Keras downloads ``imdb.npz``, ``reuters.npz`` and ``mnist.npz`` into ``$KERAS_HOME/datasets``
(``~/.keras/datasets`` by default) and checks each file's SHA-256 before using it. This module
knows the same names, addresses and hashes, so the cookbook can tell whether the real data is
available *without* importing Keras (or TensorFlow), and can put a file into the cache safely:

* :func:`download` fetches from Keras's host or a mirror with a timeout (Keras's own download
  has none);
* :func:`import_file` copies a file the reader obtained elsewhere.

Both write to a hidden temporary file next to the target and rename it into place only once
every byte has arrived and the SHA-256 matches. A partial or wrong file therefore never lands
in the cache, and a good cached file is never replaced by anything but an identical one.

The hash is the whole safety story: the IMDB and Reuters files hold pickled arrays, so nothing
here ever opens a dataset file with NumPy; it only reads bytes and hashes them.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import socket
import ssl
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cookbook.files import atomic_path, sha256

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"

#: Give up on a download after this many seconds in all (connecting included).
TIMEOUT = 300.0

#: Bytes read or written at a time.
CHUNK = 1 << 16


@dataclass(frozen=True)
class RemoteFile:
    """One of the files Keras downloads for a dataset."""

    name: str
    fname: str
    sha256: str


FILES: dict[str, RemoteFile] = {
    "imdb": RemoteFile(
        "imdb", "imdb.npz", "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
    ),
    "reuters": RemoteFile(
        "reuters", "reuters.npz", "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
    ),
    "mnist": RemoteFile(
        "mnist", "mnist.npz", "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
    ),
}


class DownloadError(Exception):
    """A dataset could not be fetched (network, timeout, or a file that fails its hash).

    ``str(err)`` is one line meant for a reader: ``could not download URL: reason``.
    """


class HashMismatch(DownloadError):
    """The bytes arrived, but they are not the file Keras expects."""

    def __init__(self, message: str, *, expected: str, actual: str) -> None:
        super().__init__(message)
        self.expected = expected
        self.actual = actual


class WrongFile(Exception):
    """A file offered to :func:`import_file` is not the dataset file Keras expects.

    Its message shows the two SHA-256 digests and, when the file is one of the other
    datasets (an ``mnist.npz`` offered as ``imdb``), names it (``matches``).
    """

    def __init__(
        self, source: Path, name: str, expected: str, actual: str, matches: str | None = None
    ) -> None:
        lines = [
            f"{source} is not the {FILES[name].fname} Keras expects; nothing was copied.",
            f"  expected SHA-256: {expected}",
            f"  actual SHA-256:   {actual}",
        ]
        if matches:
            lines.append(f"It is the {matches} dataset file: import it with --name {matches}.")
        super().__init__("\n".join(lines))


def keras_home() -> Path:
    """Keras's home folder, as Keras resolves it: ``$KERAS_HOME``, else ``~/.keras``.

    Like Keras, a home folder that cannot be written falls back to ``/tmp/.keras``.
    """
    home = os.environ.get("KERAS_HOME")
    if home:
        return Path(home).expanduser()
    base = Path("~").expanduser()
    if not os.access(base, os.W_OK):
        base = _tmp_root()
    return base / ".keras"


def cache_dir() -> Path:
    """The folder that holds the downloaded dataset files.

    ``keras.utils.get_file`` uses ``<keras home>/datasets``, unless the home folder exists but
    cannot be written, in which case it quietly uses ``/tmp/.keras/datasets``; so do we, or the
    cookbook would check one folder while Keras reads another.
    """
    home = keras_home()
    if home.exists() and not os.access(home, os.W_OK):
        home = _tmp_root() / ".keras"
    return home / "datasets"


def _tmp_root() -> Path:
    return Path("/tmp") if os.path.isdir("/tmp") else Path(tempfile.gettempdir())


def cached_path(name: str) -> Path:
    """Where Keras looks for the dataset ``name``."""
    return cache_dir() / FILES[name].fname


def is_cached(name: str) -> bool:
    """True when the cache holds the dataset file and its hash is the one Keras expects."""
    path = cached_path(name)
    return path.is_file() and sha256(path) == FILES[name].sha256


def identify(digest: str) -> str | None:
    """The dataset whose expected SHA-256 is ``digest``, or ``None``."""
    for spec in FILES.values():
        if spec.sha256 == digest:
            return spec.name
    return None


def url_for(name: str, mirror: str | None = None) -> str:
    """The address to fetch ``name`` from: Keras's host, or a mirror holding the same files.

    A mirror is a base address; the file name is appended, so ``--mirror
    https://example.org/keras`` fetches ``https://example.org/keras/mnist.npz``.
    """
    base = mirror if mirror else ORIGIN
    return base.rstrip("/") + "/" + FILES[name].fname


def _publish_verified(name: str, fill: Callable[[BinaryIO], str], origin: str) -> Path:
    """Write a dataset file into the cache through a temporary file, verified, atomically.

    ``fill`` writes the bytes into the open temporary file and returns their SHA-256. Only a
    matching file is renamed over the target (``os.replace`` is atomic on one file system);
    on any failure, an exception, or Ctrl-C the temporary file is removed and the cache is
    exactly as it was.
    """
    spec = FILES[name]
    target = cached_path(name)
    with atomic_path(target, durable=True) as tmp:
        with open(tmp, "wb") as out:
            actual = fill(out)
        if actual != spec.sha256:
            raise HashMismatch(
                f"{origin} is not the {spec.fname} Keras expects "
                f"(SHA-256 {actual}, expected {spec.sha256})",
                expected=spec.sha256,
                actual=actual,
            )
    return target


def _reason(err: BaseException, url: str, timeout: float) -> str:
    """A network failure in plain words (the raw errors are cryptic: ``[Errno -2] ...``)."""
    cause = err.reason if isinstance(err, urllib.error.URLError) else err
    if isinstance(err, urllib.error.HTTPError):
        return f"the server answered HTTP {err.code} {err.reason}"
    if isinstance(cause, socket.gaierror):
        host = urllib.parse.urlsplit(url).hostname
        return f"cannot resolve the host name {host} ({cause.strerror}): offline, or DNS blocked"
    if isinstance(cause, TimeoutError) or "timed out" in str(cause):
        return f"not complete within {timeout:g} s (timed out)"
    if isinstance(cause, ConnectionRefusedError):
        return "connection refused"
    if isinstance(cause, ssl.SSLError):
        return f"TLS error ({cause}): a proxy intercepting HTTPS?"
    if isinstance(cause, http.client.IncompleteRead):
        return "the connection closed before the whole file arrived"
    if isinstance(cause, OSError) and cause.strerror:
        return cause.strerror.lower()
    return str(cause) or type(cause).__name__


def _socket_of(resp: object) -> socket.socket | None:
    """The socket under an ``http.client`` response (``None`` for ``file://`` and the like)."""
    raw = getattr(getattr(resp, "fp", None), "raw", None)
    sock = getattr(raw, "_sock", None)
    return sock if isinstance(sock, socket.socket) else None


def download(
    name: str,
    mirror: str | None = None,
    timeout: float = TIMEOUT,
    progress: Callable[[int, int | None], None] | None = None,
) -> Path:
    """Fetch a dataset file into the cache, verified and atomically.

    ``timeout`` bounds the whole download, connecting included: a server that trickles a few
    bytes at a time is given up on after that many seconds, not after that many seconds of
    silence. ``progress(done, total)`` is called as bytes arrive (``total`` is ``None`` when
    the server does not say). The bytes go to a temporary file in the cache folder; only when
    the whole file has arrived and its SHA-256 matches is it renamed into place. Anything else
    raises :class:`DownloadError` (a wrong file: :class:`HashMismatch`) and leaves the cache as
    it was.
    """
    url = url_for(name, mirror)
    deadline = time.monotonic() + timeout

    def remaining() -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("timed out")
        return left

    def fill(out: BinaryIO) -> str:
        digest = hashlib.sha256()
        with urllib.request.urlopen(url, timeout=remaining()) as resp:
            header = resp.headers.get("Content-Length")
            total = int(header) if header and header.isdigit() else None
            done = 0
            if progress:
                progress(done, total)
            sock = _socket_of(resp)
            while True:
                if sock is not None:
                    sock.settimeout(remaining())  # no single read may outlast the deadline
                # read1: return what one read brings, so the deadline is checked between reads
                block = resp.read1(CHUNK) if hasattr(resp, "read1") else resp.read(CHUNK)
                if not block:
                    break
                remaining()
                out.write(block)
                digest.update(block)
                done += len(block)
                if progress:
                    progress(done, total)
            if total is not None and done != total:
                reason = f"the connection closed after {done} of {total} bytes"
                raise DownloadError(f"could not download {url}: {reason}")
        return digest.hexdigest()

    try:
        return _publish_verified(name, fill, url)
    except HashMismatch as err:
        reason = f"wrong file: its SHA-256 is {err.actual}, expected {err.expected}"
        raise HashMismatch(
            f"could not download {url}: {reason}",
            expected=err.expected,
            actual=err.actual,
        ) from None
    except DownloadError:
        raise
    except (OSError, http.client.HTTPException, ValueError) as err:
        # URLError and timeouts are OSErrors; a malformed address is a ValueError.
        reason = _reason(err, url, timeout)
        raise DownloadError(f"could not download {url}: {reason}") from err


def infer_name(path: Path) -> str | None:
    """The dataset a file is named after: ``mnist.npz`` or ``mnist (1).npz`` → ``mnist``.

    ``None`` when no dataset name, or more than one, appears in the file name.
    """
    base = path.name.lower()
    for spec in FILES.values():
        if base == spec.fname:
            return spec.name
    found = [name for name in FILES if name in base]
    return found[0] if len(found) == 1 else None


def import_file(source: Path, name: str) -> tuple[Path, bool]:
    """Copy a dataset file obtained elsewhere into the cache, after verifying it.

    The source's SHA-256 is checked *before* anything is written: a wrong file raises
    :class:`WrongFile` and the cache is untouched. The copy itself is hashed again as it is
    written and renamed into place only if it still matches (the source could change in
    between). The source is only ever opened for reading: it is never moved, modified or
    deleted.

    Returns the cache path and whether anything was copied (``False`` when a good copy was
    already there: with the same hash, it is the same file).
    """
    spec = FILES[name]
    source = Path(source)
    actual = sha256(source)
    if actual != spec.sha256:
        other = identify(actual)
        raise WrongFile(source, name, spec.sha256, actual, other if other != name else None)
    target = cached_path(name)
    if is_cached(name):
        return target, False

    def fill(out: BinaryIO) -> str:
        digest = hashlib.sha256()
        with open(source, "rb") as src:
            while block := src.read(1 << 20):
                out.write(block)
                digest.update(block)
        return digest.hexdigest()

    try:
        return _publish_verified(name, fill, str(source)), True
    except HashMismatch as err:  # the file changed between the check and the copy
        raise WrongFile(source, name, spec.sha256, err.actual) from err
