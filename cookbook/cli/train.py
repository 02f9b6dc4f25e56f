"""``cookbook train``: run recipes and publish their model files and results records."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from cookbook import errors
from cookbook.cli.common import handle_errors, report_to_stderr, run_options, validate_names


def summary_line(record: dict) -> str:
    """The headline numbers of a results record, for the progress line."""
    shown = []
    for key, value in record.get("results", {}).items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            shown.append(f"{key} {value:.4g}")
    return ", ".join(shown[:4])


def finish(outcomes: list, named: bool, what: str, out: Path, started: float) -> None:
    """Print the summary and the reasons for failures; exit 1 if anything failed.

    A recipe skipped for a missing system program (Graphviz) fails the command only when it
    was named on the command line; as part of "all recipes" it is reported and skipped.
    """
    done = [o for o in outcomes if o.status == "done"]
    skipped = [o for o in outcomes if o.status == "skipped"]
    failed = [o for o in outcomes if o.status == "failed"]
    elapsed = time.perf_counter() - started
    line = f"{len(done)} of {len(outcomes)} {what} in {elapsed:.1f} s; files in {out}/"
    if skipped:
        line += f"; skipped: {', '.join(o.name for o in skipped)}"
    click.echo(line)
    for outcome in skipped:
        click.echo(f"skipped: {outcome.name}: {outcome.message}", err=True)
    for outcome in failed:
        click.echo(f"error: {outcome.name}: {outcome.message}", err=True)
    if failed or (skipped and named):
        sys.exit(errors.EXIT_FAILURE)


@click.command()
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option("--all", "all_", is_flag=True, help="Train all fifteen recipes in chapter order.")
@run_options("models", "Folder for model files and results; each recipe writes OUT/NAME/.")
@click.option(
    "--resume",
    is_flag=True,
    help="Continue an interrupted run from its last finished epoch (same options as before).",
)
@handle_errors
def train(
    names: tuple[str, ...],
    all_: bool,
    data: str,
    size: str,
    epochs: int | None,
    seed: int,
    out: Path,
    download_timeout: float | None,
    quiet: bool,
    verbose: bool,
    debug: bool,
    resume: bool,
) -> None:
    """Train recipes and write their model files, figure and a results record.

    \b
    Examples:
      cookbook train binary                    one recipe, the chapter's settings
      cookbook train early-stopping            writes models/early-stopping/best_model.keras
      cookbook train --all --data sample -q    everything, offline
      cookbook train lstm --epochs 1           a quick look

    Each recipe's files appear in OUT/NAME/ all at once when it finishes: its .keras model
    file(s), its figure and results.json (per-epoch metrics, results, data source and size,
    seed, library versions, wall time). Until then OUT/NAME/ keeps the previous complete run.
    An interrupted training that can resume keeps its progress in OUT/PROGRAM.partial/.
    """
    chosen = validate_names(names, all_)
    from cookbook import runner
    from cookbook.settings import Settings

    settings = Settings(
        data=data,
        size=size,
        seed=seed,
        epochs=epochs,
        out=out,
        verbose=2 if verbose else 0,
        progress=not quiet,
        resume=resume,
        download_timeout=download_timeout,
    )
    runner.import_keras_quietly()
    position = iter(range(1, len(chosen) + 1))

    def announce(group: list[str]) -> None:
        if not quiet:
            numbers = [next(position) for _ in group]
            label = "/".join(str(n) for n in numbers)
            click.echo(f"[{label}/{len(chosen)}] {' and '.join(group)}: running ...")

    started = time.perf_counter()
    outcomes = runner.train(chosen, settings, report_to_stderr(quiet), announce)
    if not quiet:
        for outcome in outcomes:
            if outcome.status == "done":
                click.echo(
                    f"  {outcome.name}: done in {outcome.seconds:.1f} s "
                    f"({summary_line(outcome.record)})"
                )
    finish(outcomes, bool(names), "recipe(s) trained", out, started)
