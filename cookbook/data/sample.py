"""Offline sample data that has the shape, conventions and character of the real datasets.

The chapter's recipes train on IMDB reviews, Reuters newswires and MNIST digits, which Keras
downloads from one Google host. When that host cannot be reached, the cookbook falls back to
the generators below. They are deterministic (the same seed gives the same arrays) and follow
the Keras loaders' conventions exactly:

* token sequences are Python lists of ``int``, one per document, in a NumPy ``object`` array;
  every sequence starts with ``1``, words are ranked by frequency and offset by 3 (the most
  frequent word is ``4``), and words outside the ``num_words`` most frequent become ``2``;
* labels are ``int64``; digits are ``uint8`` images of shape ``(n, 28, 28)`` with ``uint8``
  labels.

How the text is made: every document draws most of its words from a Zipf-like background
vocabulary (as in real text, a few words are very common and most are rare) and a minority
from words that carry the label (sentiment words for IMDB, topic words for Reuters). How
strongly a document leans on those words varies from document to document and a few labels
are flipped, so the data is learnable but not trivially so, and a small network can overfit
it within a few epochs -- which is exactly what dropout, L2 and early stopping are for.

A sample review also ends with its verdict, as many real ones do ("... a must-see"): every
second sentiment word of a review is moved to its end. That changes the order of the words
only, never which words a review has, so a bag-of-words view (the multi-hot rows most recipes
use) is exactly what it would be without the move. A network that reads the words in order,
such as the LSTM, finds the verdict among the last words it reads, next to its output; that
is what lets it learn from a thousand sample reviews within the chapter's three epochs.
Newswires are not reordered.

The digits are scikit-learn's bundled handwritten digits (1797 real 8x8 scans), upscaled to
28x28 and, where more images are asked for than exist, shifted by a pixel or two.
"""

from __future__ import annotations

import numpy as np

#: Size of the generated vocabulary; ids above ``num_words`` become the out-of-vocabulary id.
VOCABULARY = 30000
START, OOV, INDEX_FROM = 1, 2, 3


def _zipf_ranks(rng: np.random.Generator, n: int, vocabulary: int) -> np.ndarray:
    """Draw ``n`` word ranks (0 = most frequent) from a Zipf-like law (exponent ``1.05``)."""
    ranks = np.arange(1, vocabulary + 1, dtype=np.float64)
    weights = ranks**-1.05
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]
    return np.searchsorted(cdf, rng.random(n)).astype(np.int64)


def _lengths(rng: np.random.Generator, n: int, median: float, sigma: float, low: int, high: int):
    """Ragged document lengths from a log-normal law, like review and newswire lengths."""
    raw = rng.lognormal(mean=np.log(median), sigma=sigma, size=n)
    return np.clip(raw.astype(np.int64), low, high)


def _documents(
    rng: np.random.Generator,
    labels: np.ndarray,
    label_words: np.ndarray,
    lengths: np.ndarray,
    signal: np.ndarray,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Make one token-rank array per document, and for each a mask of its label words.

    ``label_words[c]`` lists the word ranks that signal class ``c``; ``signal[i]`` is the share
    of document ``i``'s words drawn from its class's words instead of the background.
    """
    total = int(lengths.sum())
    background = _zipf_ranks(rng, total, VOCABULARY)
    owner = np.repeat(np.arange(len(lengths)), lengths)
    use_label_word = rng.random(total) < signal[owner]
    per_class = label_words.shape[1]
    picks = label_words[labels[owner], rng.integers(0, per_class, total)]
    tokens = np.where(use_label_word, picks, background)
    bounds = np.cumsum(lengths)[:-1]
    return np.split(tokens, bounds), np.split(use_label_word, bounds)


def _end_with_verdict(tokens: np.ndarray, is_label_word: np.ndarray) -> np.ndarray:
    """Move every second label word of one document to its end, keeping the order of both parts.

    The document keeps exactly its words (the same multiset), so its multi-hot row does not
    change; only a reader of the order sees a difference. Nothing is drawn from the random
    generator, so every other document of the dataset stays as it was.
    """
    moved = np.flatnonzero(is_label_word)[1::2]
    stays = np.ones(len(tokens), dtype=bool)
    stays[moved] = False
    return np.concatenate([tokens[stays], tokens[moved]])


def _to_keras_sequences(docs: list[np.ndarray], num_words: int | None) -> np.ndarray:
    """Apply the Keras loaders' conventions: start id, offset, out-of-vocabulary id."""
    limit = num_words if num_words else VOCABULARY + INDEX_FROM
    out = np.empty(len(docs), dtype=object)
    for i, ranks in enumerate(docs):
        ids = ranks + INDEX_FROM + 1  # rank 0 -> id 4, as in the Keras word index
        ids = np.where(ids < limit, ids, OOV)
        out[i] = [START, *ids.tolist()]
    return out


def _text_dataset(
    seed: int,
    n_train: int,
    n_test: int,
    num_words: int | None,
    class_probs: np.ndarray,
    words_per_class: int,
    word_ranks: tuple[int, int],
    length: tuple[float, float, int, int],
    signal: tuple[float, float],
    label_noise: float,
    verdict_at_end: bool = False,
):
    rng = np.random.default_rng(seed)
    n_classes = len(class_probs)
    # The label-carrying words: distinct ranks inside ``word_ranks`` for every class, so
    # they survive a ``num_words`` cut at the chapter's sizes.
    pool = rng.permutation(np.arange(*word_ranks))[: n_classes * words_per_class]
    label_words = pool.reshape(n_classes, words_per_class)

    def split(n: int):
        labels = rng.choice(n_classes, size=n, p=class_probs).astype(np.int64)
        lengths = _lengths(rng, n, *length)
        strength = rng.beta(*signal, size=n) * 0.25
        docs, label_masks = _documents(rng, labels, label_words, lengths, strength)
        if verdict_at_end:
            docs = [_end_with_verdict(*doc) for doc in zip(docs, label_masks, strict=True)]
        flip = rng.random(n) < label_noise
        labels[flip] = rng.choice(n_classes, size=int(flip.sum()), p=class_probs)
        return _to_keras_sequences(docs, num_words), labels

    return split(n_train), split(n_test)


def imdb(
    seed: int,
    n_train: int,
    n_test: int,
    num_words: int | None = None,
    verdict_at_end: bool = True,
):
    """IMDB-like reviews: two balanced classes, log-normal lengths (median ``175`` words).

    With ``verdict_at_end`` (the default) every second sentiment word of a review comes at its
    end; ``False`` gives the same reviews with their words in the order they were drawn.
    """
    return _text_dataset(
        seed=seed + 1001,
        n_train=n_train,
        n_test=n_test,
        num_words=num_words,
        class_probs=np.array([0.5, 0.5]),
        words_per_class=150,
        word_ranks=(30, 900),
        length=(175.0, 0.7, 10, 2400),
        signal=(1.6, 6.0),
        label_noise=0.08,
        verdict_at_end=verdict_at_end,
    )


def _reuters_class_probs() -> np.ndarray:
    # Newswire topics are very unbalanced: two topics hold most stories, many are rare.
    weights = 1.0 / np.arange(1, 47) ** 1.3
    order = np.random.default_rng(46).permutation(46)
    probs = weights[order]
    return probs / probs.sum()


def reuters(seed: int, n_train: int, n_test: int, num_words: int | None = None):
    """Reuters-like newswires: 46 unbalanced topics, log-normal lengths (median ``95`` words)."""
    return _text_dataset(
        seed=seed + 2002,
        n_train=n_train,
        n_test=n_test,
        num_words=num_words,
        class_probs=_reuters_class_probs(),
        words_per_class=40,
        word_ranks=(20, 2000),
        length=(95.0, 0.75, 5, 2300),
        signal=(2.0, 5.0),
        label_noise=0.05,
    )


def _digit_images() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 1797 handwritten digits, upscaled from 8x8 (0..16) to 28x28 uint8."""
    from scipy.ndimage import zoom
    from sklearn.datasets import load_digits

    digits = load_digits()
    small = digits.images.astype(np.float64) / 16.0
    # 8x8 -> 20x20 (bilinear), then a 4-pixel border: MNIST digits sit in a 20x20 box too.
    big = zoom(small, (1, 2.5, 2.5), order=1)
    big = np.clip(big, 0.0, 1.0)
    images = np.zeros((len(big), 28, 28), dtype=np.uint8)
    images[:, 4:24, 4:24] = np.round(big * 255).astype(np.uint8)
    return images, digits.target.astype(np.uint8)


def _shifted(images: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Move each image by up to two pixels in each direction (the border is empty)."""
    out = np.empty_like(images)
    shifts = rng.integers(-2, 3, size=(len(images), 2))
    for i, (dy, dx) in enumerate(shifts):
        out[i] = np.roll(images[i], (int(dy), int(dx)), axis=(0, 1))
    return out


def mnist(seed: int, n_train: int, n_test: int):
    """MNIST-like digits: real handwriting; test images never share a scan with training ones."""
    rng = np.random.default_rng(seed + 3003)
    images, labels = _digit_images()
    order = rng.permutation(len(images))
    # A fixed third of the scans is kept for testing, so test digits are unseen handwriting.
    test_ids, train_ids = order[: len(order) // 3], order[len(order) // 3 :]

    def draw(ids: np.ndarray, n: int):
        picked = ids[np.arange(n) % len(ids)]
        x = images[picked]
        # Beyond the first pass over the scans, every copy is shifted so no two are identical.
        repeat = np.arange(n) >= len(ids)
        if repeat.any():
            x[repeat] = _shifted(x[repeat], rng)
        shuffle = rng.permutation(n)
        return x[shuffle], labels[picked][shuffle]

    return draw(train_ids, n_train), draw(test_ids, n_test)
