"""How much do the recorded results move between runs, and between machines? The numbers behind
``cookbook figures --check``'s tolerance.

Run from the repository root (after ``pip install -e .``)::

    python benchmarks/noise.py                       # all recipes, sample data, size small
    python benchmarks/noise.py --recipes binary,cnn --json noise.json

It runs ``cookbook figures --data sample`` several times, each in a fresh process, into
temporary folders:

* **again** -- the same command a second time: on one machine the files should be byte-identical;
* **loaded** -- the same command while two busy processes compete for the CPU;
* **1 thread** -- TensorFlow limited to one thread per operation (``TF_NUM_INTRAOP_THREADS``):
  the sums inside matrix products split differently, as on a machine with another core count;
* **oneDNN** -- TensorFlow's oneDNN kernels forced on (``TF_ENABLE_ONEDNN_OPTS=1``), as on the
  CPUs where TensorFlow enables them by default (AVX512_VNNI, AVX512_BF16, AVX_VNNI
  or AMX);

and compares every floating-point value of every record with the first run: how many files are
byte-identical, and the largest absolute and relative difference, per recipe. The last two
runs stand in for "another machine of the same kind", which this benchmark cannot reach.
Nothing here is a test: it prints what it measured.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

VARIANTS: dict[str, dict[str, str]] = {
    "first": {},
    "again": {},
    "loaded": {},
    "1 thread": {"TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1"},
    "oneDNN": {"TF_ENABLE_ONEDNN_OPTS": "1"},
}


def busy(stop_after: float) -> None:
    """Keep one core busy (the "loaded" run's competition)."""
    end = time.monotonic() + stop_after
    x = 0
    while time.monotonic() < end:
        x = (x * 31 + 7) % 1_000_003


def draw(out: Path, recipes: list[str], env: dict[str, str]) -> float:
    """``cookbook figures`` into ``out``; returns the wall time."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "cookbook", "figures", *recipes, "--data", "sample", "-q",
         "--out", str(out)],
        check=True, env={**os.environ, **env}, capture_output=True, text=True,
    )  # fmt: skip
    return time.perf_counter() - started


def floats(value: Any, path: str = "") -> dict[str, float]:
    """Every float in a record, by its path (``history.loss[2]``)."""
    found: dict[str, float] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in ("versions", "figure"):
                found.update(floats(item, f"{path}.{key}" if path else key))
    elif isinstance(value, list):
        for number, item in enumerate(value):
            found.update(floats(item, f"{path}[{number}]"))
    elif isinstance(value, float):
        found[path] = value
    return found


def compare(first: Path, other: Path, name: str) -> dict[str, Any]:
    """Byte identity and the largest float differences of one recipe's files."""
    same = all(
        (first / f"{name}{suffix}").read_bytes() == (other / f"{name}{suffix}").read_bytes()
        for suffix in (".png", ".json")
    )
    a = floats(json.loads((first / f"{name}.json").read_text()))
    b = floats(json.loads((other / f"{name}.json").read_text()))
    worst_abs = worst_rel = 0.0
    for key in a.keys() & b.keys():
        diff = abs(a[key] - b[key])
        worst_abs = max(worst_abs, diff)
        if abs(a[key]) > 1e-12:
            worst_rel = max(worst_rel, diff / abs(a[key]))
    return {"identical": same, "abs": worst_abs, "rel": worst_rel}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipes", default="", help="comma list (default: all)")
    parser.add_argument("--variants", default=",".join(VARIANTS), help="comma list")
    parser.add_argument("--json", type=Path, help="also write the table as a JSON record")
    args = parser.parse_args()
    recipes = [r for r in args.recipes.split(",") if r]
    variants = [v for v in args.variants.split(",") if v]
    if "first" not in variants:
        variants.insert(0, "first")
    if not recipes:
        from cookbook.recipes import NAMES

        recipes = list(NAMES)
    results: dict[str, dict[str, dict[str, Any]]] = {}
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="cookbook-noise-") as tmp:
        folders = {variant: Path(tmp) / variant.replace(" ", "-") for variant in variants}
        for variant in variants:
            hogs = []
            if variant == "loaded":
                hogs = [multiprocessing.Process(target=busy, args=(3600,)) for _ in range(2)]
                for hog in hogs:
                    hog.start()
            try:
                seconds[variant] = draw(folders[variant], recipes, VARIANTS[variant])
            finally:
                for hog in hogs:
                    hog.terminate()
            print(f"{variant}: {seconds[variant]:.0f} s", flush=True)
        for variant in variants[1:]:
            results[variant] = {
                name: compare(folders["first"], folders[variant], name) for name in recipes
            }
    columns = ["recipe"] + [
        f"{variant}: {what}" for variant in variants[1:] for what in ("same bytes", "max rel")
    ]
    rows = []
    for name in recipes:
        row: list[Any] = [name]
        for variant in variants[1:]:
            cell = results[variant][name]
            row += ["yes" if cell["identical"] else "no", float(f"{cell['rel']:.2g}")]
        rows.append(row)
    print(" | ".join(columns))
    for row in rows:
        print(" | ".join(str(cell) for cell in row))
    worst = {
        variant: max((cell["rel"] for cell in results[variant].values()), default=0.0)
        for variant in variants[1:]
    }
    worst_abs = {
        variant: max((cell["abs"] for cell in results[variant].values()), default=0.0)
        for variant in variants[1:]
    }
    print("largest relative difference:", {k: f"{v:.2g}" for k, v in worst.items()})
    print("largest absolute difference:", {k: f"{v:.2g}" for k, v in worst_abs.items()})
    if args.json:
        from cookbook.files import write_json

        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import zh
        from machine import describe

        record = {
            "machine": describe(),
            "caption": "How far the recorded results of two runs of `cookbook figures --data "
            "sample` lie apart: byte identity, and the largest relative difference of any "
            "recorded float, against a first run. Command: `python benchmarks/noise.py`",
            "columns": columns,
            "rows": rows,
            "largest_relative": {k: float(f"{v:.2g}") for k, v in worst.items()},
            "largest_absolute": {k: float(f"{v:.2g}") for k, v in worst_abs.items()},
            "seconds": {k: round(v) for k, v in seconds.items()},
            "finite": all(math.isfinite(v) for v in worst.values()),
        }
        record["zh"] = zh.part(record, zh.NOISE_CAPTION)
        write_json(args.json, record)


if __name__ == "__main__":
    main()
