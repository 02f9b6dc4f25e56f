"""Comparing two results records: did a change move a result, or is it float noise?

``cookbook figures --check`` runs the recipes again into a temporary folder and compares each
new record and figure with the committed ones:

* whole numbers (epochs, parameter counts, row counts) and text must be equal;
* floating-point numbers may differ by float noise: ``|new - old| <= ABS_TOLERANCE +
  REL_TOLERANCE * |old|``. On one machine a rerun is byte-identical; between machines of the
  same kind (other CPU features, other thread counts) the last digits move, and the drift grows
  with training. The tolerances were set from measurements (see the performance page);
* figures must have the same size in pixels and differ in at most :data:`PIXEL_SHARE` of
  their pixels.

The library versions are compared too: another Keras may legitimately change the numbers, and
the report says so instead of calling it noise.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

#: Absolute and relative tolerance for floating-point results between machines.
ABS_TOLERANCE = 0.01
REL_TOLERANCE = 0.02
#: Share of pixels two renderings of the same figure may differ in.
PIXEL_SHARE = 0.01
#: Keys that are expected to differ between runs or machines.
IGNORED = {"versions", "sha256"}


def differences(old: Any, new: Any, where: str = "") -> list[str]:
    """Every place where ``new`` differs from ``old`` beyond float noise, as readable lines."""
    if isinstance(old, dict) and isinstance(new, dict):
        found = []
        for key in sorted(set(old) | set(new), key=str):
            if key in IGNORED:
                continue
            path = f"{where}.{key}" if where else str(key)
            if key not in old or key not in new:
                found.append(f"{path}: {'added' if key not in old else 'missing'}")
            else:
                found += differences(old[key], new[key], path)
        return found
    if isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            return [f"{where}: {len(old)} values -> {len(new)}"]
        found = []
        for number, (a, b) in enumerate(zip(old, new, strict=True)):
            found += differences(a, b, f"{where}[{number}]")
        return found
    if _is_float(old) and _is_float(new):
        if math.isclose(old, new, rel_tol=REL_TOLERANCE, abs_tol=ABS_TOLERANCE):
            return []
        return [f"{where}: {old:.6g} -> {new:.6g} (beyond the float-noise tolerance)"]
    if old != new:
        return [f"{where}: {old!r} -> {new!r}"]
    return []


def _is_float(value: Any) -> bool:
    return isinstance(value, float)


def figure_difference(old: Path, new: Path) -> str | None:
    """Why two PNG renderings of a figure are not the same figure, or ``None``."""
    import numpy as np
    from matplotlib import image

    if old.read_bytes() == new.read_bytes():
        return None
    a, b = image.imread(old), image.imread(new)
    if a.shape != b.shape:
        return f"figure size {a.shape[1]}x{a.shape[0]} -> {b.shape[1]}x{b.shape[0]} pixels"
    changed = float(np.mean(np.any(np.abs(a - b) > 0.1, axis=-1)))
    if changed > PIXEL_SHARE:
        return f"{changed:.1%} of the figure's pixels changed"
    return None


def version_note(old: dict[str, Any], new: dict[str, Any]) -> str:
    """Which library versions differ between two records ("" when none)."""
    before, after = old.get("versions", {}), new.get("versions", {})
    changed = [f"{k} {before.get(k)} -> {after.get(k)}" for k in after if before.get(k) != after[k]]
    return ", ".join(changed)
