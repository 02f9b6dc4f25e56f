"""``cookbook figures``: run recipes and publish each one's figure and results record."""

from __future__ import annotations

import time
from pathlib import Path

import click

from cookbook.cli.common import handle_errors, report_to_stderr, run_options, validate_names
from cookbook.cli.train import finish


@click.command()
@click.argument("names", nargs=-1, metavar="[NAME]...")
@run_options("docs/figures", "Folder for the PNG figures and their results records (.json).")
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
    outcomes = runner.figures(chosen, settings, report_to_stderr(quiet), announce)
    if not quiet:
        for outcome in outcomes:
            if outcome.status == "done":
                click.echo(f"  {outcome.written[0]}  {outcome.seconds:5.1f} s")
    finish(outcomes, bool(names), "figure(s) written", out, started)
