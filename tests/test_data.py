"""The data layer: the sample source behaves like the Keras loaders, and multi-hot is exact."""

from __future__ import annotations

import numpy as np
import pytest

from cookbook import data
from cookbook.data import sample
from cookbook.errors import UsageError


def chapter_multi_hot(sequences, num_words):
    """Keras 2's ``Tokenizer(num_words).sequences_to_matrix(seqs, mode="binary")``, restated."""
    matrix = np.zeros((len(sequences), num_words))
    for i, seq in enumerate(sequences):
        for j in seq:
            if j >= num_words:
                continue
            matrix[i][j] = 1.0
    return matrix


@pytest.mark.parametrize("loader", [data.load_imdb, data.load_reuters])
def test_text_sample_follows_keras_conventions(loader):
    (x_train, y_train), (x_test, y_test) = loader(num_words=500, source="sample", size="tiny")
    for x, y in ((x_train, y_train), (x_test, y_test)):
        assert isinstance(x, np.ndarray) and x.dtype == object
        assert y.dtype == np.int64 and len(x) == len(y)
        assert all(isinstance(seq, list) and seq[0] == 1 for seq in x)
        ids = np.concatenate([np.asarray(seq) for seq in x])
        assert ids.min() >= 1 and ids.max() < 500
        assert (ids == 2).any(), "words beyond num_words must become the OOV id 2"
        assert not (ids == 3).any(), "id 3 is unused by the loaders' convention"
    lengths = np.array([len(seq) for seq in x_train])
    assert lengths.std() > 20, "lengths must be ragged, like real documents"


def test_word_frequencies_are_zipf_like():
    (x_train, _), _ = data.load_imdb(source="sample", size="tiny")
    ids = np.concatenate([np.asarray(seq[1:]) for seq in x_train])
    counts = np.bincount(ids)
    # The most frequent word (id 4) is far more common than the 100th.
    assert counts[4] > 10 * counts[104]
    assert np.argmax(counts) == 4


def test_the_sample_is_the_same_every_time_like_a_real_dataset():
    a = data.load_imdb(num_words=100, source="sample", size="tiny")
    b = data.load_imdb(num_words=100, source="sample", size="tiny")
    assert list(a[0][0]) == list(b[0][0])
    other = sample.imdb(1, 400, 400, num_words=100)  # the generator itself follows its seed
    assert list(a[0][0]) != list(other[0][0])


def test_sample_reviews_end_with_their_verdict_and_keep_their_words():
    """Every second sentiment word of a sample review comes at its end: only the order changes."""
    verdict = sample.imdb(0, 400, 400, num_words=1000)
    scattered = sample.imdb(0, 400, 400, num_words=1000, verdict_at_end=False)
    (x_train, y_train), _ = verdict
    for (x, y), (x_other, y_other) in zip(verdict, scattered, strict=True):
        np.testing.assert_array_equal(y, y_other)
        assert all(sorted(a) == sorted(b) for a, b in zip(x, x_other, strict=True))
        np.testing.assert_array_equal(data.multi_hot(x, 1000), data.multi_hot(x_other, 1000))
    assert sum(list(a) != list(b) for a, b in zip(x_train, scattered[0][0], strict=True)) > 300

    # How strongly a word leans to one label: the share of positive reviews among those that
    # hold it, away from one half. The last words of a review lean far more than the first.
    holders, positive = np.zeros(1000), np.zeros(1000)
    for review, label in zip(x_train, y_train, strict=True):
        words = np.unique(review)
        holders[words] += 1
        positive[words] += label
    lean = np.abs(positive / np.maximum(holders, 1) - 0.5)

    def mean_lean(reviews, part):
        return np.mean([lean[review[part]].mean() for review in reviews])

    last, first = slice(-5, None), slice(1, 6)
    assert mean_lean(x_train, last) > 2 * mean_lean(x_train, first)
    assert mean_lean(scattered[0][0], last) < 1.3 * mean_lean(scattered[0][0], first)


def test_source_and_size_come_from_the_caller_the_environment_or_the_defaults(monkeypatch):
    monkeypatch.setenv("COOKBOOK_SIZE", "tiny")
    assert len(data.load_mnist(source="sample")[0][1]) == 300
    with data.using(source="sample", size="small"):
        assert len(data.load_mnist()[0][1]) == 6000
    monkeypatch.setenv("COOKBOOK_SIZE", "huge")
    with pytest.raises(UsageError, match="COOKBOOK_SIZE='huge': must be one of tiny, small, full"):
        data.load_mnist(source="sample")


def test_every_load_is_recorded_for_the_results():
    with data.recording() as loads:
        data.load_reuters(num_words=100, source="sample", size="tiny")
    assert loads == [
        {"dataset": "reuters", "source": "sample", "size": "tiny", "train": 600, "test": 300}
    ]


def test_mnist_sample_shapes_and_dtypes():
    (x_train, y_train), (x_test, y_test) = data.load_mnist(source="sample", size="tiny")
    assert x_train.shape == (300, 28, 28) and x_train.dtype == np.uint8
    assert x_test.shape == (100, 28, 28) and y_test.dtype == np.uint8
    assert set(np.unique(y_train)) == set(range(10))
    assert x_train.max() > 200 and x_train[:, :2, :].max() == 0  # ink inside, empty border


def test_mnist_sample_repeats_are_shifted_not_duplicated():
    (x_train, _), _ = sample.mnist(0, 2400, 10)  # more than the 1198 training scans
    flat = x_train.reshape(len(x_train), -1)
    assert len(np.unique(flat, axis=0)) > 2000


def test_full_sizes_match_the_real_datasets():
    assert data.sample_size("imdb", "full") == (25000, 25000)
    assert data.sample_size("reuters", "full") == (8982, 2246)
    assert data.sample_size("mnist", "full") == (60000, 10000)


def test_multi_hot_matches_the_chapter_tokenizer():
    (x_train, _), _ = data.load_reuters(source="sample", size="tiny")
    seqs = list(x_train[:50]) + [[], [1, 999999, 5, 5]]
    ours = data.multi_hot(seqs, 1000)
    assert ours.dtype == np.uint8
    np.testing.assert_array_equal(ours, chapter_multi_hot(seqs, 1000))


def test_multi_hot_rejects_nonsense_width():
    with pytest.raises(ValueError):
        data.multi_hot([[1, 2]], 0)


def test_unknown_source_is_refused():
    with pytest.raises(UsageError, match="auto, keras, sample"):
        data.resolve_source("imdb", "internet")


def test_sample_imdb_is_learnable_but_not_trivial():
    """The chapter's 16-16-1 network, 3 epochs: it learns well, but not perfectly."""
    import keras

    keras.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test) = data.load_imdb(
        num_words=1000, source="sample", size="small"
    )
    train_x, test_x = data.multi_hot(x_train, 1000), data.multi_hot(x_test, 1000)
    network = keras.Sequential(
        [
            keras.Input(shape=(1000,)),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    network.compile(loss="binary_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
    history = network.fit(
        train_x, y_train, epochs=3, batch_size=100, validation_data=(test_x, y_test), verbose=0
    )
    best = max(history.history["val_accuracy"])
    assert 0.80 <= best < 0.97


def test_sample_reuters_is_learnable_across_classes():
    import keras

    keras.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test) = data.load_reuters(
        num_words=2000, source="sample", size="small"
    )
    assert len(np.unique(y_train)) >= 40
    train_x, test_x = data.multi_hot(x_train, 2000), data.multi_hot(x_test, 2000)
    network = keras.Sequential(
        [
            keras.Input(shape=(2000,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(46, activation="softmax"),
        ]
    )
    network.compile(
        loss="sparse_categorical_crossentropy", optimizer="rmsprop", metrics=["accuracy"]
    )
    network.fit(train_x, y_train, epochs=4, batch_size=100, verbose=0)
    accuracy = network.evaluate(test_x, y_test, verbose=0)[1]
    majority = np.bincount(y_test).max() / len(y_test)
    assert accuracy > majority + 0.2


def test_streamed_batches_equal_the_multi_hot_matrix():
    from cookbook.data.streaming import multi_hot_dataset

    (x, y), _ = data.load_imdb(source="sample", size="tiny")
    expected = data.multi_hot(x, 300)
    batches = list(multi_hot_dataset(x, y, 300, batch_size=64).as_numpy_iterator())
    np.testing.assert_array_equal(np.concatenate([b[0] for b in batches]), expected)
    np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), y)
    shuffled = list(multi_hot_dataset(x, y, 300, batch_size=64, shuffle=True).as_numpy_iterator())
    rows = np.concatenate([b[0] for b in shuffled]).astype(np.uint8)
    assert not np.array_equal(rows, expected)
    assert sorted(map(bytes, rows)) == sorted(map(bytes, expected))
