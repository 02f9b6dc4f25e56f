"""Running a recipe and recording what it did.

:func:`run_recipe` is what ``cookbook train`` and ``cookbook figures`` call for each recipe:
it seeds, runs the recipe's ``run(settings)``, times it, and writes a results record (JSON)
that the docs show next to each figure, so every number on a page comes from a real run.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from cookbook import core, recipes
from cookbook.io import write_json

RESULTS_NAME = "results.json"


def run_recipe(name: str, settings: core.Settings) -> tuple[core.Result, dict[str, Any]]:
    """Run recipe ``name`` and return its result and its results record (not yet written)."""
    module = recipes.load(name)
    core.seed_everything(settings.seed)
    start = time.perf_counter()
    result = module.run(settings)
    wall = time.perf_counter() - start
    return result, make_record(name, settings, result, wall)


def make_record(
    name: str, settings: core.Settings, result: core.Result, wall_time: float
) -> dict[str, Any]:
    """The JSON-friendly record of one run: what ran, on what data, and what came out."""
    entry = recipes.entry(name)
    epochs = len(next(iter(result.history.values()))) if result.history else 0
    return {
        "recipe": name,
        "title": entry.title,
        "data": result.data,
        "seed": settings.seed,
        "epochs": epochs,
        "history": result.history,
        "metrics": result.metrics,
        "details": result.details,
        "files": [_relative(path, Path(settings.out)) for path in result.files],
        "versions": core.versions(),
        "wall_time_s": round(wall_time, 2),
    }


def _relative(path: Path, base: Path) -> str:
    try:
        return Path(path).resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return Path(path).name


def write_record(record: dict[str, Any], target: Path) -> Path:
    """Write a results record atomically."""
    return write_json(target, record)
