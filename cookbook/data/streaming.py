"""Multi-hot batches made on the fly, for large vocabularies.

At 10000 words the chapter's multi-hot matrices for IMDB are 25000 x 10000 per split. As
``float64`` (what Keras 2's ``Tokenizer`` returned) that is ``25000 * 10000 * 8`` bytes each,
and even as ``uint8`` Keras copies the arrays into tensors (the performance page shows the
recorded peaks).
:func:`multi_hot_dataset` keeps only the word ids (one ragged tensor) and lets
TensorFlow's input pipeline build each batch's rows just before the network needs them, in
parallel with training. The batches hold exactly the rows :func:`~cookbook.data.multi_hot`
would give.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from cookbook.data.encoding import flatten


def multi_hot_dataset(
    sequences: Sequence[Sequence[int]],
    targets: np.ndarray,
    num_words: int,
    batch_size: int,
    shuffle: bool = False,
    seed: int = 0,
) -> Any:
    """A ``tf.data.Dataset`` of ``(multi_hot_rows, targets)`` batches from token sequences.

    Args:
        sequences: token id sequences (the Keras loaders' ``x``).
        targets: one target per sequence.
        num_words: width of each row; ids at or above it are ignored (as in ``multi_hot``).
        batch_size: rows per batch.
        shuffle: reshuffle the rows every epoch (do it for training data, as ``fit`` would).
        seed: seed of the shuffling.

    Returns:
        A dataset to pass to ``fit``/``evaluate`` in place of the ``x, y`` arrays.
    """
    import tensorflow as tf

    ids, rows = flatten(sequences)
    keep = (ids >= 0) & (ids < num_words)
    counts = np.bincount(rows[keep], minlength=len(sequences))
    splits = np.concatenate([[0], np.cumsum(counts)])
    documents = tf.RaggedTensor.from_row_splits(
        tf.constant(ids[keep].astype(np.int32)), tf.constant(splits, dtype=tf.int64)
    )
    labels = tf.constant(np.asarray(targets))

    def encode(indices: Any) -> tuple[Any, Any]:
        batch = tf.math.bincount(
            tf.gather(documents, indices),
            minlength=num_words,
            maxlength=num_words,
            binary_output=True,
            axis=-1,
            dtype=tf.float32,
        )
        return tf.ensure_shape(batch, [None, num_words]), tf.gather(labels, indices)

    order = tf.data.Dataset.range(len(sequences))
    if shuffle:
        order = order.shuffle(len(sequences), seed=seed, reshuffle_each_iteration=True)
    return (
        order.batch(batch_size)
        .map(encode, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
        .prefetch(tf.data.AUTOTUNE)
    )
