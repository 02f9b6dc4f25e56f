"""``cookbook train``: run recipes and write their models and results records."""

from __future__ import annotations

import sys
import time
import traceback
from pathlib import Path

import click

from cookbook import errors
from cookbook.cli.common import handle_errors, run_options, validate_names


def describe_failure(err: BaseException) -> str:
    """One line for a failed recipe: our own errors speak for themselves."""
    from cookbook.data import DataUnavailable

    if isinstance(err, (errors.CookbookError, DataUnavailable)):
        return str(err)
    if isinstance(err, OSError) and err.strerror:
        where = f" while writing {err.filename}" if err.filename else ""
        return f"{err.strerror}{where}; earlier files were left as they were"
    return f"{type(err).__name__}: {err} (run again with --debug for the traceback)"


def summary_line(record: dict) -> str:
    """The headline numbers of a results record, for the progress line."""
    shown = []
    for key, value in record["metrics"].items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            shown.append(f"{key} {value:.4g}")
    return ", ".join(shown[:4])


@click.command()
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option("--all", "all_", is_flag=True, help="Train all fifteen recipes in chapter order.")
@run_options("models", "Folder for model files and results; each recipe writes OUT/NAME/.")
@click.option(
    "--resume",
    is_flag=True,
    help="Continue an interrupted run from its last completed epoch.",
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
    quiet: bool,
    verbose: bool,
    debug: bool,
    resume: bool,
) -> None:
    """Train recipes and write their model files and a results record.

    \b
    Examples:
      cookbook train binary                    one recipe, the chapter's settings
      cookbook train early-stopping            writes models/early-stopping/best_model.keras
      cookbook train --all --data sample -q    everything, offline
      cookbook train lstm --epochs 1           a quick look

    Each recipe writes into OUT/NAME/: its .keras model file(s) and results.json (per-epoch
    metrics, final metrics, data source and size, seed, library versions, wall time).
    """
    chosen = validate_names(names, all_)
    from cookbook import core, runner

    core.import_keras_quietly()
    settings = core.Settings(
        data=data,
        seed=seed,
        epochs=epochs,
        size=size,
        out=out,
        verbose=1 if verbose else 0,
        progress=not quiet,
        resume=resume,
    )
    failed: list[tuple[str, str]] = []
    total_start = time.perf_counter()
    for number, name in enumerate(chosen, start=1):
        prefix = f"[{number}/{len(chosen)}] {name}"
        if not quiet:
            click.echo(f"{prefix}: running ...")
        try:
            result, record = runner.run_recipe(name, settings)
            runner.write_record(record, settings.folder(name) / runner.RESULTS_NAME)
        except KeyboardInterrupt:
            click.echo(
                f"\ninterrupted during {name}; files from earlier runs are untouched. "
                f"Continue with: cookbook train {name} --resume",
                err=True,
            )
            sys.exit(errors.EXIT_INTERRUPTED)
        except Exception as err:  # one recipe's failure must not stop the others
            if debug:
                traceback.print_exc()
            failed.append((name, describe_failure(err)))
            if not quiet:
                click.echo(f"{prefix}: failed (see below)")
            continue
        if not quiet:
            click.echo(f"{prefix}: done in {record['wall_time_s']:.1f} s  ({summary_line(record)})")
    elapsed = time.perf_counter() - total_start
    ok = len(chosen) - len(failed)
    click.echo(f"{ok} of {len(chosen)} recipe(s) trained in {elapsed:.1f} s; files in {out}/")
    for name, reason in failed:
        click.echo(f"error: {name}: {reason}", err=True)
    if failed:
        sys.exit(errors.EXIT_FAILURE)
