"""Saving a recipe's figure for the docs: the provenance stamp and deterministic PNG files.

A recipe draws its own figure with plain matplotlib; the runner then calls :func:`save_stamped`,
which

* stamps the figure, small and grey below its bottom-right corner, with the data source, the
  seed, the Keras version and the backend it ran on -- a figure drawn from the offline sample
  can never pass for one of the real data;
* writes a PNG without timestamps or version metadata, so the same figure gives byte-identical
  files.

Importing this module changes no matplotlib setting: the backend and ``rcParams`` stay the
caller's, so it is safe in a notebook.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

DPI = 100


#: How the stamp names each backend.
BACKEND_NAMES = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}


def stamp_text(
    data: list[dict[str, Any]],
    seed: int,
    keras_version: str,
    backend: dict[str, str] | None = None,
) -> str:
    """The provenance line: each dataset's source (and sample size), the seed, Keras's version
    and the backend's (``{"name": "jax", "version": "0.10.2"}``).

    ``data`` is what :func:`cookbook.data.recording` collected, or the record's ``data`` list.
    """
    parts = []
    for entry in data:
        source = entry.get("source")
        if source in ("keras", "sample"):
            size = f" ({entry['size']})" if entry.get("size") else ""
            parts.append(f"{entry['dataset']}: {source} data{size}")
    keras = f"Keras {keras_version}"
    if backend:
        name = BACKEND_NAMES.get(backend["name"], backend["name"])
        keras += f" on {name} {backend['version']}"
    return " · ".join([*parts, f"seed {seed}", keras])


def save_stamped(figure: Any, path: str | os.PathLike[str], stamp: str) -> Path:
    """Stamp ``figure`` and write it to ``path`` as a deterministic PNG (not atomically: the
    runner writes to a temporary name and publishes the file with its record)."""
    path = Path(path)
    figure.text(0.995, -0.01, stamp, ha="right", va="top", fontsize=7, color="0.45")
    # bbox "tight" grows the canvas just enough to hold the stamp below everything else.
    figure.savefig(
        path,
        format="png",
        dpi=DPI,
        bbox_inches="tight",
        pad_inches=0.08,
        metadata={"Software": None},  # no version or date chunks: same figure, same bytes
    )
    return path
