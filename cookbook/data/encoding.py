"""Turning token sequences into the fixed-size inputs a dense network needs.

The chapter used ``Tokenizer(num_words=n).sequences_to_matrix(x, mode="binary")``: one row per
document, one column per word id, 1 where the word occurs. Keras 3 removed ``Tokenizer``;
:func:`multi_hot` gives the same matrix with NumPy. Two details match the original exactly:
ids ``>= num_words`` are dropped, and column 0 (the padding id) exists but is never set by
real data. The matrix is ``uint8`` instead of ``float64``: one byte per cell instead of eight,
and Keras casts each batch to ``float32`` anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

import numpy as np


def flatten(sequences: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """All ids of all sequences in one array, and the row each id belongs to."""
    lengths = np.fromiter((len(s) for s in sequences), dtype=np.int64, count=len(sequences))
    ids = np.fromiter(chain.from_iterable(sequences), dtype=np.int64, count=int(lengths.sum()))
    rows = np.repeat(np.arange(len(sequences)), lengths)
    return ids, rows


def multi_hot(
    sequences: Sequence[Sequence[int]], num_words: int, dtype: np.dtype | type = np.uint8
) -> np.ndarray:
    """Encode each sequence as a row with 1 at every word id it contains.

    Equivalent to Keras 2's ``Tokenizer(num_words).sequences_to_matrix(seqs, mode="binary")``.

    Args:
        sequences: token id sequences, as returned by the Keras dataset loaders.
        num_words: number of columns; ids at or above it are ignored.
        dtype: element type of the result (``uint8`` keeps it small).

    Returns:
        An array of shape ``(len(sequences), num_words)`` holding 0 and 1.
    """
    if num_words < 1:
        raise ValueError(f"num_words must be at least 1, got {num_words}")
    matrix = np.zeros((len(sequences), num_words), dtype=dtype)
    if len(sequences) == 0:
        return matrix
    ids, rows = flatten(sequences)
    keep = (ids >= 0) & (ids < num_words)
    matrix[rows[keep], ids[keep]] = 1
    return matrix
