"""Every dataset the recipes use, from one of two sources, in the Keras loaders' own shapes.

A recipe loads its data with one line, exactly as it would with Keras::

    from cookbook import data

    (x_train, y_train), (x_test, y_test) = data.load_imdb(num_words=1000)

and gets what ``keras.datasets.imdb.load_data`` returns: the same types, shapes and index
conventions. Where it comes from is the *source*:

* ``"keras"`` -- the real dataset, through ``keras.datasets`` (downloaded once into the Keras
  cache and hash-checked);
* ``"sample"`` -- an offline look-alike from :mod:`cookbook.data.sample`, the same arrays every
  time, ``tiny``, ``small`` (the default) or ``full`` (the real dataset's size);
* ``"auto"`` (the default) -- the real data when it is cached or downloads within
  :data:`AUTO_TIMEOUT` seconds in all, else one note on stderr and the sample.

The source and size are chosen by the caller (``source=``, ``size=``), else by the environment
variables ``COOKBOOK_DATA`` and ``COOKBOOK_SIZE`` (handy in a notebook:
``%env COOKBOOK_DATA=sample``), else by the defaults above. ``cookbook train --data ...`` sets
them for the recipes it runs through :func:`using`.

Every load is also noted (dataset, source, size, rows) for whoever is listening through
:func:`recording`: that is how a results record names the data behind its numbers without
the recipe saying anything about it.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

from cookbook.data import cache, sample
from cookbook.data.encoding import multi_hot
from cookbook.data.streaming import multi_hot_dataset
from cookbook.errors import DataUnavailable, UsageError
from cookbook.settings import SIZES, SOURCES

__all__ = [
    "AUTO_TIMEOUT",
    "SIZES",
    "SOURCES",
    "DataUnavailable",
    "load_imdb",
    "load_mnist",
    "load_reuters",
    "multi_hot",
    "multi_hot_dataset",
    "recording",
    "resolve_source",
    "sample_size",
    "using",
]


#: ``auto`` gives up on the real data after this many seconds in all (connecting included).
AUTO_TIMEOUT = 15.0

#: Train/test sizes of the sample data. ``full`` matches the real datasets; ``small`` (the
#: default) keeps every recipe quick on a laptop; ``tiny`` is for the test suite.
SAMPLE_SIZES: dict[str, dict[str, tuple[int, int]]] = {
    "imdb": {"tiny": (400, 400), "small": (5000, 5000), "full": (25000, 25000)},
    "reuters": {"tiny": (600, 300), "small": (4000, 1000), "full": (8982, 2246)},
    "mnist": {"tiny": (300, 100), "small": (6000, 1000), "full": (60000, 10000)},
}

#: The sample data is the same whatever seed a run uses, as the real data is.
SAMPLE_SEED = 0

_chosen: dict[str, str | None] = {"source": None, "size": None}
_resolved: dict[str, str] = {}
_listeners: list[list[dict[str, Any]]] = []


def _setting(key: str, variable: str, allowed: tuple[str, ...], default: str) -> str:
    value = _chosen[key] or os.environ.get(variable) or default
    if value not in allowed:
        raise UsageError(f"{variable}={value!r}: must be one of {', '.join(allowed)}")
    return value


def default_source() -> str:
    """The source used when a loader is not told one: :func:`using`, ``COOKBOOK_DATA``, auto."""
    return _setting("source", "COOKBOOK_DATA", SOURCES, "auto")


def default_size() -> str:
    """The sample size used when a loader is not told one: ``COOKBOOK_SIZE``, else small."""
    return _setting("size", "COOKBOOK_SIZE", SIZES, "small")


@contextlib.contextmanager
def using(source: str | None = None, size: str | None = None) -> Iterator[None]:
    """Make ``source`` and ``size`` the defaults of every loader inside the block."""
    saved = dict(_chosen)
    _chosen.update(source=source, size=size)
    try:
        default_source(), default_size()  # refuse a bad value at once
        yield
    finally:
        _chosen.update(saved)


@contextlib.contextmanager
def recording() -> Iterator[list[dict[str, Any]]]:
    """Collect a description of every dataset loaded inside the block."""
    loads: list[dict[str, Any]] = []
    _listeners.append(loads)
    try:
        yield loads
    finally:
        _listeners.remove(loads)


def _note(dataset: str, source: str, size: str, train: int, test: int) -> None:
    entry: dict[str, Any] = {"dataset": dataset, "source": source}
    if source == "sample":
        entry["size"] = size
    entry.update(train=int(train), test=int(test))
    for loads in _listeners:
        if entry not in loads:
            loads.append(entry)


def sample_size(name: str, size: str) -> tuple[int, int]:
    """Train and test sizes of the sample version of dataset ``name`` at ``size``."""
    if size not in SIZES:
        raise UsageError(f"size must be one of {', '.join(SIZES)}, got {size!r}")
    return SAMPLE_SIZES[name][size]


def _unavailable_message(name: str, reason: str) -> str:
    """What a reader needs when ``--data keras`` cannot be honoured, in one paragraph."""
    known = name in cache.FILES
    path = cache.cached_path(name) if known else cache.cache_dir()
    fname = cache.FILES[name].fname if known else name
    return (
        f"the real {name} dataset is not available: {reason}. "
        f"Keras looks for it at {path}. Two ways out: get {fname} some other way (another "
        f"machine, a mirror: `cookbook data download {name} --mirror URL`) and run "
        f"`cookbook data import FILE`, or use the offline sample data with `--data sample`."
    )


def _progress_line(fname: str) -> Any:
    """A one-line download progress on stderr, redrawn at most twice a second."""
    last = [0.0]

    def report(done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - last[0] < 0.5 and done != total:
            return
        last[0] = now
        of = f" of {total / 1e6:.1f} MB" if total else ""
        print(f"\r  downloading {fname}: {done / 1e6:.1f} MB{of}", end="", file=sys.stderr)

    return report


def resolve_source(name: str, source: str | None = None, timeout: float = AUTO_TIMEOUT) -> str:
    """Decide where dataset ``name`` comes from: ``"keras"`` or ``"sample"``.

    ``auto`` uses the Keras cache when it holds the file with the right SHA-256, else tries one
    download, giving up after ``timeout`` seconds in all, and falls back to the sample with a
    one-line notice on stderr. ``keras`` raises :class:`DataUnavailable` instead of falling
    back. The answer is remembered for the rest of the process, so a missing network costs
    its timeout once, not once per recipe.

    The hash is checked here, before Keras (or anyone) unpickles the file: Keras's loaders then
    find a verified file and never need the network.
    """
    source = source or default_source()
    if source not in SOURCES:
        raise UsageError(f"data source must be one of {', '.join(SOURCES)}, got {source!r}")
    if source == "sample":
        return "sample"
    key = f"{name}:{source}"
    if key in _resolved:
        return _resolved[key]
    if name not in cache.FILES or cache.is_cached(name):
        _resolved[key] = "keras"
        return "keras"
    damaged = cache.cached_path(name).exists()
    report = _progress_line(cache.FILES[name].fname)
    try:
        cache.download(name, timeout=timeout, progress=report)
        _resolved[key] = "keras"
    except cache.DownloadError as err:
        reason = str(err)
        if damaged:
            reason = f"the cached file has the wrong SHA-256, and {reason}"
        if source == "keras":
            raise DataUnavailable(_unavailable_message(name, reason)) from err
        _resolved[key] = "sample"
        print(
            f"note: the real {name} dataset is not available ({reason}); using offline sample "
            f"data instead. `cookbook data status` shows the cache; `--data sample` skips "
            f"this check.",
            file=sys.stderr,
        )
    finally:
        print("\r", end="", file=sys.stderr, flush=True)
    return _resolved[key]


Split = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def _load(name: str, source: str | None, size: str | None, **options: Any) -> Split:
    """Dataset ``name`` from where :func:`resolve_source` says, noted for :func:`recording`.

    The real data comes from ``keras.datasets.NAME.load_data(**options)`` and the sample from
    :mod:`cookbook.data.sample`'s function of the same name, given the same ``options``
    (``num_words``): the two sources share the dataset's name, so one body serves them all.
    """
    size = size or default_size()
    if resolve_source(name, source) == "keras":
        import keras  # only a real load needs it: the sample is plain NumPy

        loaded = getattr(keras.datasets, name).load_data(**options)
        source = "keras"
    else:
        make_sample = getattr(sample, name)
        loaded = make_sample(SAMPLE_SEED, *sample_size(name, size), **options)
        source = "sample"
    _note(name, source, size, len(loaded[0][1]), len(loaded[1][1]))
    return loaded


def load_imdb(
    num_words: int | None = None, *, source: str | None = None, size: str | None = None
) -> Split:
    """IMDB reviews as ``(x_train, y_train), (x_test, y_test)``, like ``imdb.load_data``.

    Each review is a list of word ids (1 starts a review, 2 stands for a word outside the
    ``num_words`` most frequent, the most frequent word is 4); each label is 1 (positive) or
    0 (negative).
    """
    return _load("imdb", source, size, num_words=num_words)


def load_reuters(
    num_words: int | None = None, *, source: str | None = None, size: str | None = None
) -> Split:
    """Reuters newswires as ``(x_train, y_train), (x_test, y_test)``, like
    ``reuters.load_data``: word-id lists as for IMDB, and a topic number 0..45 each."""
    return _load("reuters", source, size, num_words=num_words)


def load_mnist(*, source: str | None = None, size: str | None = None) -> Split:
    """MNIST digits as ``(x_train, y_train), (x_test, y_test)``, like ``mnist.load_data``:
    ``uint8`` images of 28x28 pixels (0 background .. 255 ink) and their digits."""
    return _load("mnist", source, size)
