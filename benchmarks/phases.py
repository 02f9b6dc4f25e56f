"""Where the time of ``cookbook figures --data sample`` goes, recipe by recipe.

Run from the repository root (after ``pip install -e .``)::

    python benchmarks/phases.py                          # every recipe, size small
    python benchmarks/phases.py --size tiny --recipes binary,tuning --json profile.json

It runs the recipes as ``cookbook figures`` runs them -- through ``cookbook.runner.figures``,
all in this one process, into a temporary folder -- and splits each recipe's wall time into
phases:

* **import** -- TensorFlow, Keras and matplotlib, once, on a row of its own; a recipe's
  ``imports`` section (the first to import scikit-learn pays for it);
* **data** -- loading and preparing it (``data``, ``one-review``, ``scaling`` ...);
* **build** -- building and compiling networks (``network``, ``callbacks`` ...);
* **tracing** and **fitting** -- the time inside ``fit``: tracing is what each fit's first
  epoch costs beyond a steady one (TensorFlow tracing and compiling the steps), fitting the
  rest, plus the training sections' time outside ``fit`` (a grid search's scoring);
* **evaluation** -- results, saving, evaluation, checks;
* **drawing** -- the figure sections;
* **runner** -- the rest of the wall time: the runner's work around the program (records,
  stamping and writing the figure, locks).

The section times come from the program runner itself (:func:`cookbook.program.timed`); the
split of
``fit`` comes from benchmark-only instrumentation (:mod:`fits`). Nothing here is a test:
read the figures, do not assert them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import zh
from fits import Fit, timing_fits, tracing_seconds
from machine import describe

ROOT = Path(__file__).resolve().parent.parent

PHASES = ("import", "data", "build", "tracing", "fitting", "evaluation", "drawing", "runner")
COLUMNS = ["recipe", "fits", *(f"{phase} s" for phase in PHASES), "wall s"]
#: The phase of each section name the recipes use; the time inside ``fit`` is split off
#: whatever section calls it, so a training section keeps only its time around ``fit``.
SECTION_PHASES = {
    "imports": "import",
    "parameters": "data",  # a few assignments: next to nothing
    "data": "data",
    "one-review": "data",
    "scaling": "data",
    "keras-layer": "data",  # a Normalization layer adapted to the data
    "network": "build",
    "callbacks": "build",
    "without-dropout": "build",  # a second network; its fit is split off
    "without-l2": "build",
    "training": "fitting",
    "training-on": "fitting",
    "cross-validation": "fitting",  # scoring the folds, around the fits
    "search": "fitting",
    "evaluation": "evaluation",
    "prediction": "evaluation",
    "results": "evaluation",
    "saving": "evaluation",
    "best-epochs": "evaluation",
    "check": "evaluation",
    "files": "evaluation",
    "comparison": "evaluation",
    "figure": "drawing",
    "loss_figure": "drawing",
    "accuracy_figure": "drawing",
    "diagram": "drawing",
}
#: Where a section name not in the table goes: what a program does after its network.
DEFAULT_PHASE = "evaluation"


def phase_of(section: str) -> str:
    """The phase a section's time counts in: the table's, ``drawing`` for a name ending in
    ``figure``, else :data:`DEFAULT_PHASE`."""
    if section in SECTION_PHASES:
        return SECTION_PHASES[section]
    return "drawing" if section.endswith("figure") else DEFAULT_PHASE


@dataclass
class Group:
    """One program's run: its recipes, section times, fits and wall time."""

    names: list[str]
    module: str
    started: float
    sections: dict[str, float] = field(default_factory=dict)
    fits: list[Fit] = field(default_factory=list)
    wall: float = 0.0
    status: str = "done"
    message: str = ""  # why it failed or was skipped


class Tracker:
    """Which program and section run now: ``announce`` for the runner, ``where`` for the fit
    timer. The section is the first one not yet timed (``timings`` gets each section's time
    as it ends, in file order)."""

    def __init__(self, timings: dict[str, dict[str, float]]) -> None:
        self.timings = timings
        self.groups: list[Group] = []
        self._sections: list[str] = []

    def announce(self, names: list[str]) -> None:
        """The runner starts the program of ``names``."""
        from cookbook import program, recipes

        module = recipes.entry(names[0]).module
        path = program.module_path(module)
        self._sections = [section.name for section in program.read_sections(path)]
        self.groups.append(Group(list(names), module, time.perf_counter()))

    def where(self) -> str:
        """The section running now (empty between programs)."""
        if not self.groups:
            return ""
        done = len(self.timings.get(self.groups[-1].module, {}))
        return self._sections[done] if done < len(self._sections) else ""


def phase_seconds(group: Group) -> dict[str, float]:
    """``group``'s wall time split into :data:`PHASES`; they add up to its wall time."""
    totals = dict.fromkeys(PHASES, 0.0)
    fits = [fit for fit in group.fits if fit.where in group.sections]  # finished sections
    inside: dict[str, float] = defaultdict(float)
    for fit in fits:
        inside[fit.where] += fit.seconds
    for name, seconds in group.sections.items():
        totals[phase_of(name)] += seconds - inside[name]
    traced = sum(tracing_seconds(fits))
    totals["tracing"] += traced
    totals["fitting"] += sum(fit.seconds for fit in fits) - traced
    totals["runner"] += group.wall - sum(group.sections.values())
    return totals


def import_libraries() -> float:
    """Import TensorFlow, Keras and matplotlib as ``cookbook figures`` does; the seconds."""
    started = time.perf_counter()
    from cookbook.process import import_keras_quietly

    import_keras_quietly()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401

    return time.perf_counter() - started


def run_groups(names: list[str], size: str) -> list[Group]:
    """Run ``cookbook figures --data sample --size SIZE NAMES`` here, timing every group."""
    from cookbook import program, runner
    from cookbook.settings import Settings

    with program.timed() as timings, tempfile.TemporaryDirectory() as out:
        tracker = Tracker(timings)
        with timing_fits(tracker.where) as fits:
            settings = Settings(data="sample", size=size, out=Path(out))
            outcomes = runner.figures(names, settings, announce=tracker.announce)
            ended = time.perf_counter()
    by_name = {outcome.name: outcome for outcome in outcomes}
    groups = tracker.groups
    for group, after in zip(groups, [*(g.started for g in groups[1:]), ended], strict=True):
        group.wall = after - group.started
        group.sections = timings.get(group.module, {})
        group.fits = [fit for fit in fits if group.started <= fit.started < after]
        outcome = by_name.get(group.names[0])
        group.status = outcome.status if outcome else "failed"
        group.message = outcome.message if outcome else ""
    return groups


def table_rows(import_seconds: float, groups: list[Group]) -> list[list[Any]]:
    """One row for the import, one per group, and the total of each column."""
    rows = [row("(import TensorFlow, Keras, matplotlib)", 0, {"import": import_seconds})]
    for group in groups:
        label = " + ".join(group.names)
        if group.status != "done":
            label += f" ({group.status})"
        rows.append(row(label, len(group.fits), phase_seconds(group)))
    totals = [sum(r[column] for r in rows) for column in range(1, len(COLUMNS))]
    return [*rows, ["total", totals[0], *(round(value, 2) for value in totals[1:])]]


def row(label: str, fits: int, phases: dict[str, float]) -> list[Any]:
    """A table row: the label, the number of fits, each phase and the wall time, in seconds."""
    seconds = [phases.get(phase, 0.0) for phase in PHASES]
    return [label, fits, *(round(value, 2) for value in seconds), round(sum(seconds), 2)]


def profile(names: list[str], size: str) -> dict[str, Any]:
    """Profile ``names`` at ``size``: the record the docs' ``<!-- table: NAME -->`` shows
    (``columns``, ``rows``, ``caption``, ``machine``, ``versions``)."""
    from cookbook import records

    import_seconds = import_libraries()
    groups = run_groups(names, size)
    for group in groups:
        if group.status != "done":
            print(f"{' + '.join(group.names)}: {group.status}: {group.message}", file=sys.stderr)
    command = " ".join(["python benchmarks/phases.py", *map(relative, sys.argv[1:])])
    record = {
        "caption": (
            f"Seconds per phase of `cookbook figures --data sample --size {size}`, each "
            "program in turn in one process. Tracing is what the first epoch of each fit "
            "costs beyond its later ones (TensorFlow tracing and compiling the steps, and the "
            f"first epoch's set-up). Command: `{command}`"
        ),
        "columns": COLUMNS,
        "rows": table_rows(import_seconds, groups),
        "machine": describe(),
        "versions": records.versions(),
    }
    record["zh"] = zh.part(record, zh.profile_caption(size, command))
    return record


def relative(argument: str) -> str:
    """A command-line argument as a reader would type it: a path inside the project relative
    to it (a record must not hold this machine's folders)."""
    path = Path(argument)
    if path.is_absolute() and ROOT in path.parents:
        return path.relative_to(ROOT).as_posix()
    return argument


def print_table(record: dict[str, Any]) -> None:
    """The record's table as aligned text."""
    cells = [[str(cell) for cell in line] for line in [record["columns"], *record["rows"]]]
    widths = [max(len(line[column]) for line in cells) for column in range(len(cells[0]))]
    for line in cells:
        first, *rest = line
        print(
            first.ljust(widths[0]),
            *(cell.rjust(width) for cell, width in zip(rest, widths[1:], strict=True)),
        )
    print(f"machine: {record['machine']}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line; unknown recipes and sizes are refused before anything runs."""
    from cookbook import recipes
    from cookbook.settings import SIZES

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=SIZES, default="small", help="sample size (small)")
    parser.add_argument(
        "--recipes", default=",".join(recipes.NAMES), help="comma list (default: all)"
    )
    parser.add_argument("--json", type=Path, help="also write the table as a JSON record here")
    args = parser.parse_args(argv)
    args.recipes = [name for name in args.recipes.split(",") if name]
    for name in args.recipes:
        try:
            recipes.entry(name)
        except recipes.UnknownRecipe as err:
            parser.error(str(err))
    return args


def main(argv: list[str] | None = None) -> None:
    """Profile the chosen recipes, print the table, and write the record."""
    args = parse_args(argv)
    record = profile(args.recipes, args.size)
    print_table(record)
    if args.json:
        from cookbook.files import write_json

        write_json(args.json, record)


if __name__ == "__main__":
    main()
