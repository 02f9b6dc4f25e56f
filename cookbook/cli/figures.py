"""``cookbook figures``: run recipes and draw each one's teaching figure."""

from __future__ import annotations

import sys
import tempfile
import time
import traceback
from pathlib import Path

import click

from cookbook import errors
from cookbook.cli.common import handle_errors, run_options, validate_names
from cookbook.cli.train import describe_failure


def draw_one(name: str, settings, figures_dir: Path) -> tuple[Path, dict]:
    """Run one recipe, save its figure and its results record into ``figures_dir``."""
    import keras

    from cookbook import plotting, recipes, runner

    result, record = runner.run_recipe(name, settings)
    stamp = plotting.stamp_text(
        result.data.get("source"), settings.seed, keras.__version__, result.data.get("size")
    )
    figure_path = plotting.save(
        recipes.load(name).figure(result), figures_dir / f"{name}.png", stamp
    )
    record["figure"] = figure_path.name
    runner.write_record(record, figures_dir / f"{name}.json")
    return figure_path, record


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
    quiet: bool,
    verbose: bool,
    debug: bool,
) -> None:
    """Draw the teaching figure of every recipe (or only the NAMEs given).

    \b
    Examples:
      cookbook figures                          all fifteen, into docs/figures/
      cookbook figures --data sample            the committed figures, offline
      cookbook figures loss-history --data keras
                                                one figure from the real IMDB data

    Each recipe is trained (its model files go to a temporary folder and are discarded), then
    OUT/NAME.png and OUT/NAME.json (the numbers the docs show) are written. The same seed and
    data source give byte-identical PNG files. A failing recipe does not stop the others.
    """
    chosen = validate_names(names, all_=not names)
    from cookbook import core

    core.import_keras_quietly()
    failed: list[tuple[str, str]] = []
    start_all = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cookbook-models-") as models_dir:
        settings = core.Settings(
            data=data,
            seed=seed,
            epochs=epochs,
            size=size,
            out=Path(models_dir),
            verbose=1 if verbose else 0,
            progress=not quiet,
        )
        for number, name in enumerate(chosen, start=1):
            started = time.perf_counter()
            try:
                path, _ = draw_one(name, settings, out)
            except KeyboardInterrupt:
                raise
            except Exception as err:  # one recipe's failure must not stop the others
                if debug:
                    traceback.print_exc()
                failed.append((name, describe_failure(err)))
                if not quiet:
                    click.echo(f"[{number}/{len(chosen)}] {name}: failed", err=True)
                continue
            if not quiet:
                seconds = time.perf_counter() - started
                click.echo(f"[{number}/{len(chosen)}] {path}  {seconds:5.1f} s")
    elapsed = time.perf_counter() - start_all
    written = len(chosen) - len(failed)
    click.echo(f"{written} of {len(chosen)} figure(s) written to {out}/ in {elapsed:.1f} s")
    for name, reason in failed:  # e.g. Graphviz missing: every other figure is written first
        click.echo(f"error: {name}: {reason}", err=True)
    if failed:
        sys.exit(errors.EXIT_FAILURE)
