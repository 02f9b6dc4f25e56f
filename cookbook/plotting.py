"""One look for every figure: history curves, the data-source stamp, and deterministic saving.

Every figure the cookbook draws goes through :func:`save`, which

* stamps it, small and grey in the corner, with the data source, the seed and the Keras
  version -- a figure drawn from the offline sample can never pass for one of the real data;
* writes PNG files without timestamps or version metadata, so the same inputs give
  byte-identical files;
* writes atomically: a crash never leaves half a PNG in place of a good one.

The chapter's two history figures are :func:`history_figure`: training values as a red dashed
line, test (validation) values as a blue solid line, epochs counted from 1.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only: no window, no display needed

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from cookbook.io import atomic_path  # noqa: E402

#: Width x height in inches at 100 dpi: 800 x 500 pixels fits the docs' content column.
SIZE = (8.0, 5.0)
DPI = 100
TRAIN_STYLE = {"color": "tab:red", "linestyle": "--", "linewidth": 2.0}
TEST_STYLE = {"color": "tab:blue", "linestyle": "-", "linewidth": 2.0}

STYLE = {
    "font.size": 11,
    "axes.titlesize": 13,
    "axes.labelsize": 12,
    "legend.fontsize": 11,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "cookbook",
}


# Applied once for the process: titles and labels set after a figure is made use it too.
matplotlib.rcParams.update(STYLE)


def new_figure(
    nrows: int = 1, ncols: int = 1, size: tuple[float, float] = SIZE, **kwargs: Any
) -> tuple[Figure, Any]:
    """A figure in the cookbook's style, with its axes (like ``plt.subplots``)."""
    fig, axes = plt.subplots(nrows, ncols, figsize=size, dpi=DPI, **kwargs)
    return fig, axes


def epochs_axis(values: Sequence[float]) -> range:
    """Epoch numbers for a per-epoch series: 1, 2, ..., as the chapter counts them."""
    return range(1, len(values) + 1)


def history_figure(
    history: dict[str, list[float]], metric: str, label: str, title: str | None = None
) -> Figure:
    """The chapter's history plot: training (red dashed) and test (blue solid) per epoch.

    Args:
        history: per-epoch values, with keys ``metric`` and ``"val_" + metric``.
        metric: ``"loss"`` or ``"accuracy"`` (Keras 3's name; Keras 2 said ``acc``).
        label: axis and legend wording, e.g. ``"Loss"`` or ``"Accuracy"``.
        title: optional figure title.
    """
    training, test = history[metric], history[f"val_{metric}"]
    fig, ax = new_figure()
    ax.plot(epochs_axis(training), training, label=f"Training {label}", **TRAIN_STYLE)
    ax.plot(epochs_axis(test), test, label=f"Test {label}", **TEST_STYLE)
    ax.set_xlabel("Epoch")
    ax.set_ylabel(label)
    ax.set_xticks(list(epochs_axis(training)))
    ax.legend()
    if title:
        ax.set_title(title)
    return fig


def stamp_text(source: str | None, seed: int, keras_version: str, size: str | None = None) -> str:
    """The provenance line printed on every figure: data source, seed, Keras version.

    ``source`` is ``"keras"`` or ``"sample"`` for the downloadable datasets, another word for
    data made on the spot (``"scikit-learn"``), or ``None`` when the recipe uses no data.
    """
    parts = [f"seed {seed}", f"Keras {keras_version}"]
    if source:
        parts.insert(0, f"{source} data ({size})" if size else f"{source} data")
    return " · ".join(parts)


def save(fig: Figure, path: str | os.PathLike[str], stamp: str | None) -> Path:
    """Stamp ``fig``, write it as a deterministic PNG (atomically), and close it."""
    path = Path(path)
    if stamp:
        fig.text(0.995, 0.005, stamp, ha="right", va="bottom", fontsize=7, color="0.45")
    fig.tight_layout(rect=(0, 0.025, 1, 1))
    with atomic_path(path) as tmp:
        # No "Software" or date chunks: identical inputs give identical bytes.
        fig.savefig(tmp, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    return path
