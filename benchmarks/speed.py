"""How long ``cookbook figures --data sample`` takes, for several versions of the cookbook.

Run from the repository root (after ``pip install -e .``)::

    python benchmarks/speed.py --json docs/figures/speed.json \\
        --tree "before=/path/to/an/older/checkout" --jobs 1,2
    python benchmarks/speed.py --tree "73ee4f2=/tmp/checkout-73ee4f2=2"   # with --jobs 2

Each version runs in a fresh process with the cookbook imported from its folder
(``PYTHONPATH``), TensorFlow's import included, into a temporary folder; ``--jobs`` applies to
the current version; an older one runs as its own default does (older versions may not know
the option), or with ``--jobs N`` when its ``--tree`` ends in ``=N``. The table gives the wall time
of each run and the machine it ran on. Nothing here is a test: it prints what it measured.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import zh  # noqa: E402
from machine import describe  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def wall_seconds(tree: Path, extra: list[str]) -> float:
    """One ``cookbook figures --data sample`` run of the cookbook in ``tree``."""
    with tempfile.TemporaryDirectory(prefix="cookbook-speed-") as out:
        env = {**os.environ, "PYTHONPATH": str(tree)}
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "cookbook", "figures", "--data", "sample", "-q",
             "--out", out, *extra],
            check=True, env=env, cwd=out, capture_output=True, text=True,
        )  # fmt: skip
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", action="append", default=[], metavar="LABEL=PATH")
    parser.add_argument("--jobs", default="1,2", help="comma list for the current version")
    parser.add_argument("--json", type=Path, help="also write the table as a JSON record")
    args = parser.parse_args()
    rows = []
    for spec in args.tree:
        label, _, rest = spec.partition("=")
        path, _, jobs = rest.partition("=")
        seconds = wall_seconds(Path(path), ["--jobs", jobs] if jobs else [])
        rows.append([label, jobs or "1", round(seconds, 1)])
        print(rows[-1], flush=True)
    for jobs in [j for j in args.jobs.split(",") if j]:
        seconds = wall_seconds(ROOT, ["--jobs", jobs])
        rows.append(["this version", jobs, round(seconds, 1)])
        print(rows[-1], flush=True)
    if args.json:
        from cookbook.files import write_json
        from cookbook.records import versions

        record = {
            "caption": "Wall time of `cookbook figures --data sample` (all fifteen recipes, "
            "size small, TensorFlow's import included), one run each. Command: `python "
            "benchmarks/speed.py`",
            "columns": ["version", "processes", "wall s"],
            "rows": rows,
            "machine": describe(),
            "versions": versions(),
        }
        record["zh"] = zh.part(record, zh.SPEED_CAPTION)
        write_json(args.json, record)


if __name__ == "__main__":
    main()
