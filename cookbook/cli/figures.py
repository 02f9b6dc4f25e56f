"""``cookbook figures``: run recipes and publish each one's figure and results record."""

from __future__ import annotations

import os
import time
from pathlib import Path

import click

from cookbook.cli.common import handle_errors, report_to_stderr, run_options, validate_names
from cookbook.cli.train import finish


@click.command()
@click.argument("names", nargs=-1, metavar="[NAME]...")
@run_options("docs/figures", "Folder for the PNG figures and their results records (.json).")
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=lambda: min(2, os.cpu_count() or 1),
    show_default="2, or 1 on a one-core machine",
    help="Programs run at once, each in its own process (the figures are the same either way).",
)
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing: run again into a temporary folder and compare with the figures and "
    "records in OUT (same data, size and seed as they record); exit 1 if a result moved "
    "beyond float noise.",
)
@handle_errors
def figures(
    names: tuple[str, ...],
    data: str,
    size: str,
    epochs: int | None,
    seed: int,
    out: Path,
    download_timeout: float | None,
    quiet: bool,
    verbose: bool,
    debug: bool,
    jobs: int,
    check: bool,
) -> None:
    """Draw the figure of every recipe (or only the NAMEs given), with its results record.

    \b
    Examples:
      cookbook figures                          all fifteen, into docs/figures/
      cookbook figures --data sample            the committed figures, offline
      cookbook figures loss-history --data keras
                                                one figure from the real IMDB data

    Each recipe runs (its model files go to a temporary folder and are discarded), then
    OUT/NAME.png and OUT/NAME.json (the numbers the docs show) replace the old pair together.
    The same seed and data source give byte-identical files on one machine. A failing recipe
    does not stop the others; one that needs a missing program (Graphviz) is skipped with a
    note, and fails the command only when named.
    """
    chosen = validate_names(names, all_=not names)
    from cookbook import runner
    from cookbook.settings import Settings

    if check:
        check_figures(chosen, out, quiet, jobs, named=bool(names))
        return
    settings = Settings(
        data=data,
        size=size,
        seed=seed,
        epochs=epochs,
        out=out,
        verbose=2 if verbose else 0,
        progress=not quiet,
        download_timeout=download_timeout,
    )
    runner.import_keras_quietly()
    total = len(chosen)
    done = [0]

    def announce(group: list[str]) -> None:
        done[0] += len(group)
        if not quiet:
            click.echo(f"[{done[0]}/{total}] {' and '.join(group)} ...")

    started = time.perf_counter()
    outcomes = runner.figures(chosen, settings, report_to_stderr(quiet), announce, jobs=jobs)
    if not quiet:
        for outcome in outcomes:
            if outcome.status == "done":
                click.echo(f"  {outcome.written[0]}  {outcome.seconds:5.1f} s")
    finish(outcomes, bool(names), "figure(s) written", out, started)


def committed_settings(names: list[str], out: Path) -> dict:
    """The data source, size and seed the committed records in ``out`` were made with."""
    import json

    from cookbook import errors

    found = set()
    for name in names:
        path = out / f"{name}.json"
        if not path.is_file():
            raise errors.UsageError(f"{path} is missing: there is nothing to check against")
        record = json.loads(path.read_text(encoding="utf-8"))
        loaded = [d for d in record.get("data", []) if d.get("source") in ("keras", "sample")]
        sources = {(d["source"], d.get("size", "full")) for d in loaded}
        found |= {(source, size, record["seed"]) for source, size in sources}
        found |= {(None, None, record["seed"])} if not sources else set()
    made = {item for item in found if item[0] is not None}
    seeds = {item[2] for item in found}
    if len(made) > 1 or len(seeds) > 1:
        raise errors.UsageError(
            f"the records in {out} were made with different settings ({sorted(found, key=str)}); "
            "check them one set at a time"
        )
    source, size, seed = next(iter(made)) if made else ("sample", "small", seeds.pop())
    return {"data": source, "size": size, "seed": seed}


def check_figures(
    names: list[str], out: Path, quiet: bool, jobs: int = 1, named: bool = True
) -> None:
    """``figures --check``: rerun into a temporary folder and compare with ``out``.

    As in ``figures``, a recipe that needs a missing program (Graphviz) is skipped with a note
    when the check covers all of them, and fails the check only when it was named.
    """
    import json
    import sys
    import tempfile

    from cookbook import errors, records, runner
    from cookbook.settings import Settings

    chosen = committed_settings(names, out)
    click.echo(
        f"checking {len(names)} figure(s) in {out}/ against a new run "
        f"({chosen['data']} data, size {chosen['size']}, seed {chosen['seed']})"
    )
    runner.import_keras_quietly()
    problems, skipped = [], []
    with tempfile.TemporaryDirectory(prefix="cookbook-check-") as fresh_dir:
        fresh = Path(fresh_dir)
        settings = Settings(out=fresh, progress=not quiet, **chosen)
        outcomes = runner.figures(names, settings, report_to_stderr(quiet), jobs=jobs)
        for outcome in outcomes:
            name = outcome.name
            if outcome.status == "skipped" and not named:
                skipped.append(f"{name}: {outcome.message}")
                continue
            if outcome.status != "done":
                problems.append(f"{name}: could not run again ({outcome.message})")
                continue
            old = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
            new = json.loads((fresh / f"{name}.json").read_text(encoding="utf-8"))
            found = records.differences(old, new)
            figure = records.figure_difference(out / f"{name}.png", fresh / f"{name}.png")
            found += [f"figure: {figure}"] if figure else []
            if found:
                note = records.version_note(old, new)
                why = f" (the library versions differ: {note})" if note else ""
                problems += [f"{name}: {line}{why}" for line in found[:8]]
            elif not quiet:
                click.echo(f"  {name}: same results (within float noise)")
    for line in skipped:
        click.echo(f"skipped: {line}", err=True)
    if problems:
        for line in problems:
            click.echo(f"changed: {line}", err=True)
        click.echo(
            "the committed figures are out of date: redraw them with `cookbook figures "
            f"--data {chosen['data']} --size {chosen['size']}` and commit them",
            err=True,
        )
        sys.exit(errors.EXIT_FAILURE)
    compared = len(names) - len(skipped)
    note = f" ({len(skipped)} skipped: see above)" if skipped else ""
    click.echo(f"all {compared} figure(s) and record(s) match{note}")
