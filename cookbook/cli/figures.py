"""``cookbook figures``: run recipes and publish each one's figure and results record."""

from __future__ import annotations

import os
import sys
import time

import click

from cookbook import errors
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

#: What ``--check`` takes from the committed records instead of the command line.
FROM_THE_RECORDS = ("data", "size", "seed", "epochs")


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
    "records in OUT (with the data, size and seed they record, so --data, --size, --seed "
    "and --epochs are refused); exit 1 if a result moved beyond float noise or a committed "
    "run does not show its lesson.",
)
@handle_errors
def figures(names: tuple[str, ...], jobs: int, check: bool, **options: object) -> None:
    """Draw the figure of every recipe (or only the NAMEs given), with its results record.

    \b
    Examples:
      cookbook figures                          all fifteen, into docs/figures/
      cookbook figures --data sample            the committed figures, offline
      cookbook figures loss-history --data keras
                                                one figure from the real IMDB data
      cookbook figures --backend jax --out docs/figures/jax
                                                the same on JAX
      cookbook figures --check                  are the committed ones still what runs?

    Each recipe runs (its model files go to a temporary folder and are discarded), then
    OUT/NAME.png and OUT/NAME.json (the numbers and printed output the docs show) replace the
    old pair together. The same seed, data source and backend give byte-identical files on
    one machine. A failing recipe does not stop the others; one that needs a missing program
    (Graphviz) is skipped with a note, and fails the command only when named. Each finished
    recipe says whether its run shows its page's lesson.
    """
    chosen = validate_names(names, all_=not names)
    from cookbook import runner

    if check:
        _refuse_run_options(options)
    settings = settings_from_options(options)
    start_keras(settings.backend)
    quiet = bool(options["quiet"])
    if check:
        _check(chosen, settings, quiet, jobs, named=bool(names))
        return
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
                click.echo(
                    f"  {outcome.written[0]}  {outcome.seconds:5.1f} s  ({summary_line(outcome)})"
                )
    finish(
        outcomes, bool(names), "figure(s) written", settings.out, started, bool(options["debug"])
    )


def _refuse_run_options(options: dict[str, object]) -> None:
    """``--check`` reruns with the settings the records hold: a different one given on the
    command line would be silently ignored, so it is refused."""
    ctx = click.get_current_context()
    given = [
        f"--{name}"
        for name in FROM_THE_RECORDS
        if ctx.get_parameter_source(name) not in (None, click.core.ParameterSource.DEFAULT)
        and ctx.get_parameter_source(name) is not click.core.ParameterSource.ENVIRONMENT
    ]
    if given:
        raise click.UsageError(
            f"--check reruns with the data, size and seed the committed records were made "
            f"with, and the epochs they ran; {', '.join(given)} cannot be changed there"
        )


def _check(names: list[str], settings, quiet: bool, jobs: int, named: bool) -> None:
    from cookbook import runner

    out = settings.out
    report = runner.check_figures(names, out, settings, report_to_stderr(quiet), jobs, named)
    chosen = report.settings
    click.echo(
        f"checked {len(names)} figure(s) in {out}/ against a new run "
        f"({chosen['data']} data, size {chosen['size']}, seed {chosen['seed']})"
    )
    for name, problems in report.problems.items():
        if not problems and not quiet:
            lesson = report.lessons.get(name)
            shown = "; lesson shown" if lesson is not None and lesson.applies else ""
            click.echo(f"  {name}: same results (within float noise){shown}")
    for line in report.skipped:
        click.echo(f"skipped: {line}", err=True)
    changed = [f"{name}: {line}" for name, lines in report.problems.items() for line in lines]
    if changed:
        for line in changed:
            click.echo(f"changed: {line}", err=True)
        click.echo(
            "the committed figures are out of date: redraw them with `cookbook figures "
            f"--data {chosen['data']} --size {chosen['size']}` and commit them",
            err=True,
        )
        sys.exit(errors.EXIT_FAILURE)
    compared = len(names) - len(report.skipped)
    note = f" ({len(report.skipped)} skipped: see above)" if report.skipped else ""
    click.echo(f"all {compared} figure(s) and record(s) match{note}")
