"""The Keras dataset cache: where Keras keeps each file, whether it is there and sound.

Keras downloads ``imdb.npz``, ``reuters.npz`` and ``mnist.npz`` into ``$KERAS_HOME/datasets``
(``~/.keras/datasets`` by default) and checks each file's SHA-256 before using it. This module
knows the same names, addresses and hashes, so the cookbook can tell whether the real data is
available *without* importing Keras, and can fetch it with a timeout (Keras's own download has
none) into the cache atomically: a partial or wrong download never lands there.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import tempfile
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"

#: Give up on a silent network after this many seconds (connect and each read).
TIMEOUT = 15.0


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
    """A dataset could not be fetched (network, timeout, or a file that fails its hash)."""


def keras_home() -> Path:
    """Keras's home folder, as Keras resolves it: ``$KERAS_HOME`` or ``~/.keras``."""
    home = os.environ.get("KERAS_HOME")
    if home:
        return Path(home).expanduser()
    base = Path("~").expanduser()
    if not os.access(base, os.W_OK):
        base = Path(tempfile.gettempdir())
    return base / ".keras"


def cache_dir() -> Path:
    """The folder that holds the downloaded dataset files."""
    return keras_home() / "datasets"


def cached_path(name: str) -> Path:
    """Where Keras looks for the dataset ``name``."""
    return cache_dir() / FILES[name].fname


def sha256(path: Path, chunk: int = 1 << 20) -> str:
    """The SHA-256 of a file, read in chunks (the files are up to 17 MB)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def is_cached(name: str) -> bool:
    """True when the cache holds the dataset file and its hash is the one Keras expects."""
    path = cached_path(name)
    return path.is_file() and sha256(path) == FILES[name].sha256


def url_for(name: str, mirror: str | None = None) -> str:
    """The address to fetch ``name`` from: Keras's host, or a mirror holding the same files."""
    base = mirror if mirror else ORIGIN
    return base.rstrip("/") + "/" + FILES[name].fname


def download(
    name: str,
    mirror: str | None = None,
    timeout: float = TIMEOUT,
    progress: Callable[[int, int | None], None] | None = None,
) -> Path:
    """Fetch a dataset file into the cache, verified and atomically.

    The bytes go to a temporary file in the cache folder; only when the whole file has arrived
    and its SHA-256 matches is it renamed into place. Anything else raises
    :class:`DownloadError` and leaves the cache as it was.
    """
    spec = FILES[name]
    url = url_for(name, mirror)
    target = cached_path(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{spec.fname}.", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as resp:
            total = resp.headers.get("Content-Length")
            total = int(total) if total and total.isdigit() else None
            done = 0
            while block := resp.read(1 << 16):
                out.write(block)
                digest.update(block)
                done += len(block)
                if progress:
                    progress(done, total)
            if total is not None and done != total:
                raise DownloadError(f"{url}: connection closed after {done} of {total} bytes")
        if digest.hexdigest() != spec.sha256:
            raise DownloadError(
                f"{url}: SHA-256 mismatch (expected {spec.sha256}, got {digest.hexdigest()})"
            )
        os.replace(tmp, target)
        return target
    except (OSError, http.client.HTTPException) as err:  # URLError and timeouts are OSErrors
        reason = getattr(err, "reason", err)
        raise DownloadError(f"{url}: {reason}") from err
    finally:
        tmp.unlink(missing_ok=True)
