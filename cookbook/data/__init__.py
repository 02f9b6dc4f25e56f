"""Every dataset the recipes use, from one of two sources, in the Keras loaders' own shapes.

``source="keras"`` returns the real datasets through ``keras.datasets.*.load_data`` (downloaded
once into the Keras cache). ``source="sample"`` returns offline look-alikes from
:mod:`cookbook.data.sample`, deterministic for a seed. ``source="auto"`` (the default) uses the
real data when it is cached or arrives within about 15 seconds, and otherwise says so in one
line on stderr and uses the sample.

Whatever the source, the loaders return exactly what Keras returns, so a recipe's code does
not change::

    (x_train, y_train), (x_test, y_test) = load_imdb(num_words=1000, source="sample")

The chapter's scikit-learn data (:func:`classification`, :func:`regression`) is generated
locally and is the same under every source.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from cookbook.data import cache, sample
from cookbook.data.encoding import multi_hot

__all__ = [
    "SOURCES",
    "SIZES",
    "DataUnavailable",
    "classification",
    "load_imdb",
    "load_mnist",
    "load_reuters",
    "multi_hot",
    "multi_hot_split",
    "regression",
    "resolve_source",
    "sample_size",
]

SOURCES = ("auto", "keras", "sample")
SIZES = ("tiny", "small", "full")

#: Train/test sizes of the sample data. ``full`` matches the real datasets; ``small`` (the
#: default) keeps every recipe quick on a laptop; ``tiny`` is for the test suite.
SAMPLE_SIZES: dict[str, dict[str, tuple[int, int]]] = {
    "imdb": {"tiny": (400, 400), "small": (5000, 5000), "full": (25000, 25000)},
    "reuters": {"tiny": (600, 300), "small": (4000, 1000), "full": (8982, 2246)},
    "mnist": {"tiny": (300, 100), "small": (6000, 1000), "full": (60000, 10000)},
}


class DataUnavailable(Exception):
    """The real dataset was asked for (``--data keras``) but cannot be had."""


_resolved: dict[str, str] = {}


def sample_size(name: str, size: str) -> tuple[int, int]:
    """Train and test sizes of the sample version of dataset ``name`` at ``size``."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}, got {size!r}")
    return SAMPLE_SIZES[name][size]


def _unavailable_message(name: str, reason: str) -> str:
    """What a reader needs when ``--data keras`` cannot be honoured, in one paragraph.

    ``reason`` says what failed (with the URL tried); the message adds where Keras looks for
    the file and the two ways out: bring the file (``cookbook data import``) or use the
    offline sample (``--data sample``).
    """
    known = name in cache.FILES
    path = cache.cached_path(name) if known else cache.cache_dir()
    fname = cache.FILES[name].fname if known else name
    return (
        f"the real {name} dataset is not available: {reason}. "
        f"Keras looks for it at {path}. Two ways out: get {fname} some other way (another "
        f"machine, a mirror: `cookbook data download {name} --mirror URL`) and run "
        f"`cookbook data import FILE`, or use the offline sample data with `--data sample`."
    )


def resolve_source(name: str, source: str = "auto") -> str:
    """Decide where dataset ``name`` comes from: ``"keras"`` or ``"sample"``.

    ``auto`` uses the Keras cache when it holds the file with the right SHA-256, else tries one
    download (no answer within 15 seconds counts as failure) and falls back to the sample with
    a one-line notice on stderr. ``keras`` raises :class:`DataUnavailable` instead of falling
    back. The answer is remembered for the rest of the process, so a missing network costs its
    timeout once, not once per recipe.

    The hash is checked here, before Keras (or anyone) unpickles the file: Keras's loaders then
    find a verified file and never need the network.
    """
    if source not in SOURCES:
        raise ValueError(f"data source must be one of {', '.join(SOURCES)}, got {source!r}")
    if source == "sample":
        return "sample"
    key = f"{name}:{source}"
    if key in _resolved:
        return _resolved[key]
    if name not in cache.FILES or cache.is_cached(name):
        _resolved[key] = "keras"
        return "keras"
    damaged = cache.cached_path(name).exists()
    try:
        cache.download(name)
        _resolved[key] = "keras"
    except cache.DownloadError as err:
        reason = str(err)
        if damaged:
            reason = f"the cached file has the wrong SHA-256, and {reason}"
        if source == "keras":
            raise DataUnavailable(_unavailable_message(name, reason)) from err
        print(
            f"note: the real {name} dataset is not available ({reason}); using offline sample "
            f"data instead. `cookbook data status` shows the cache; `--data sample` skips "
            f"this check.",
            file=sys.stderr,
        )
        _resolved[key] = "sample"
    return _resolved[key]


def load_imdb(
    num_words: int | None = None, source: str = "auto", size: str = "small", seed: int = 0
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """IMDB reviews as ``(x_train, y_train), (x_test, y_test)``, like ``imdb.load_data``."""
    if resolve_source("imdb", source) == "keras":
        import keras

        return keras.datasets.imdb.load_data(num_words=num_words)
    return sample.imdb(seed, *sample_size("imdb", size), num_words=num_words)


def load_reuters(
    num_words: int | None = None, source: str = "auto", size: str = "small", seed: int = 0
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Reuters newswires as ``(x_train, y_train), (x_test, y_test)``, like ``reuters.load_data``."""
    if resolve_source("reuters", source) == "keras":
        import keras

        return keras.datasets.reuters.load_data(num_words=num_words)
    return sample.reuters(seed, *sample_size("reuters", size), num_words=num_words)


def load_mnist(
    source: str = "auto", size: str = "small", seed: int = 0
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """MNIST digits as ``(x_train, y_train), (x_test, y_test)``, like ``mnist.load_data``."""
    if resolve_source("mnist", source) == "keras":
        import keras

        return keras.datasets.mnist.load_data()
    return sample.mnist(seed, *sample_size("mnist", size))


def multi_hot_split(
    loaded: tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]], num_words: int
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """A loader's ``(x_train, y_train), (x_test, y_test)`` with both ``x`` multi-hot encoded.

    This is the chapter's ``Tokenizer(num_words).sequences_to_matrix(x, mode="binary")`` step,
    applied to the training and the test documents.
    """
    (train_data, train_target), (test_data, test_target) = loaded
    return (
        (multi_hot(train_data, num_words), train_target),
        (multi_hot(test_data, num_words), test_target),
    )


def classification(limit: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The chapter's binary classification problem: 10000 rows, 100 features, 3 informative.

    ``limit`` keeps only the first rows (the same rows every time), for quick runs.
    """
    from sklearn.datasets import make_classification

    features, target = make_classification(
        n_samples=10000,
        n_features=100,
        n_informative=3,
        n_redundant=0,
        n_classes=2,
        weights=[0.5, 0.5],
        random_state=0,
    )
    return features[:limit], target[:limit]


def regression(limit: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The chapter's regression problem: 10000 rows, 3 informative features, no noise."""
    from sklearn.datasets import make_regression

    features, target = make_regression(
        n_samples=10000, n_features=3, n_informative=3, n_targets=1, noise=0.0, random_state=0
    )
    return features[:limit], target[:limit]


def describe(train: Any, test: Any) -> dict[str, int]:
    """Sizes of a train/test split, for the results record."""
    return {"train": len(train), "test": len(test)}
