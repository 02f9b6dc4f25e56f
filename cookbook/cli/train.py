"""``cookbook train``: run recipes and publish their model files and results records."""

from __future__ import annotations

import time
from pathlib import Path

import click

from cookbook.cli.common import (
    finish,
    handle_errors,
    report_to_stderr,
    run_options,
    settings_from_options,
    start_keras,
    summary_line,
    validate_names,
)


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
def train(names: tuple[str, ...], all_: bool, resume: bool, **options: object) -> None:
    """Train recipes and write their model files, figure and a results record.

    \b
    Examples:
      cookbook train binary                    one recipe, the chapter's settings
      cookbook train binary -v                 ... showing what the program prints
      cookbook train early-stopping            writes models/early-stopping/best_model.keras
      cookbook train --all --data sample -q    everything, offline
      cookbook train lstm --epochs 1           a quick look
      cookbook train binary --backend jax      on JAX instead of TensorFlow

    Each recipe's files appear in OUT/NAME/ all at once when it finishes: its .keras model
    file(s), its figure and results.json (per-epoch metrics, what each part of the program
    printed, results, data source and size, seed, backend and library versions, wall time).
    Until then OUT/NAME/ keeps the previous complete run; a folder there that is not a
    cookbook run (your own files, a link, a mount point) is refused before training. An
    interrupted training that can resume keeps its progress in OUT/PROGRAM.partial/.
    """
    chosen = validate_names(names, all_)
    from cookbook import runner

    settings = settings_from_options(options, resume=resume)
    start_keras(settings.backend)
    quiet = bool(options["quiet"])
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
                    f"  {outcome.name}: done in {outcome.seconds:.1f} s ({summary_line(outcome)})"
                )
    out = Path(settings.out)
    finish(outcomes, bool(names), "recipe(s) trained", out, started, bool(options["debug"]))
