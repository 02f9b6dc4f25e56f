"""Options and error handling shared by the commands that run recipes."""

from __future__ import annotations

import functools
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from cookbook import errors, recipes
from cookbook.data import SIZES, SOURCES

SEED_MAX = 2**32 - 1


def validate_names(names: tuple[str, ...], all_: bool) -> list[str]:
    """The recipes to run, in chapter order; unknown names are a usage error with a hint."""
    if all_ and names:
        raise click.UsageError("give recipe names or --all, not both")
    if all_:
        return list(recipes.NAMES)
    if not names:
        raise click.UsageError("name at least one recipe, or use --all (`cookbook list`)")
    for name in names:
        try:
            recipes.entry(name)
        except recipes.UnknownRecipe as err:
            raise click.UsageError(str(err)) from None
    return list(dict.fromkeys(names))


def check_out_dir(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    """Refuse an output folder we could not write into, before any training starts."""
    path = Path(value)
    if path.exists() and not path.is_dir():
        raise click.BadParameter(f"{path} is a file, not a folder", ctx, param)
    existing = path
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise click.BadParameter(f"{existing} is a file, so {path} cannot be created", ctx, param)
    if not os.access(existing, os.W_OK | os.X_OK):
        raise click.BadParameter(f"cannot write to {existing} (permission denied)", ctx, param)
    return path


def run_options(
    default_out: str, out_help: str
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The options every recipe-running command shares."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        options = [
            click.option(
                "--data",
                type=click.Choice(SOURCES),
                default="auto",
                show_default=True,
                help="Where datasets come from: the real ones via Keras, the offline sample, "
                "or auto (real if cached or downloadable within ~15 s, else sample).",
            ),
            click.option(
                "--size",
                type=click.Choice(SIZES),
                default="small",
                show_default=True,
                help="Size of the sample data: tiny (seconds), small, or full (real sizes).",
            ),
            click.option(
                "--epochs",
                type=click.IntRange(min=1),
                default=None,
                help="Train every recipe for N epochs instead of the chapter's number.",
            ),
            click.option(
                "--seed",
                type=click.IntRange(0, SEED_MAX),
                default=0,
                show_default=True,
                help="Random seed: the same seed gives the same results.",
            ),
            click.option(
                "--out",
                type=click.Path(path_type=Path),
                default=default_out,
                show_default=True,
                callback=check_out_dir,
                help=out_help,
            ),
            click.option("-q", "--quiet", is_flag=True, help="Print only errors and the summary."),
            click.option("-v", "--verbose", is_flag=True, help="Show Keras's own progress bars."),
            click.option("--debug", is_flag=True, help="Show full tracebacks on errors."),
        ]
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn known failures into one clear line and an exit code instead of a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = kwargs.get("debug", False)
        try:
            return func(*args, **kwargs)
        except KeyboardInterrupt:
            click.echo("\ninterrupted (Ctrl-C); files from earlier runs are untouched.", err=True)
            sys.exit(errors.EXIT_INTERRUPTED)
        except errors.CookbookError as err:
            if debug:
                traceback.print_exc()
            click.echo(f"error: {err}", err=True)
            sys.exit(err.exit_code)

    return wrapper
