"""Options and error handling shared by the commands that run recipes."""

from __future__ import annotations

import errno
import functools
import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from cookbook import errors, recipes
from cookbook.settings import (
    BACKENDS,
    EPOCHS_MAX,
    SEED_MAX,
    SIZES,
    SOURCES,
    Settings,
    check_timeout,
)

#: The longest path Linux accepts, and the longest name of one folder in it.
PATH_MAX, NAME_MAX = 4096, 255


class CheckedPath(click.Path):
    """``click.Path`` that answers every odd path in one line: a NUL character, a name too
    long for the file system, a symbolic link loop."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and "\x00" in value:
            self.fail("contains a NUL character", param, ctx)
        try:
            return super().convert(value, param, ctx)
        except (OSError, ValueError) as err:
            self.fail(f"cannot be used: {getattr(err, 'strerror', None) or err}", param, ctx)


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


def check_out_dir(ctx: click.Context, param: click.Parameter, value: Any) -> Path:
    """Refuse an output folder we could not write into, before any training starts.

    ``~`` at the start means the home folder even when the shell did not expand it (it was
    quoted). Names too long for the file system, dangling or looping symbolic links, a file in
    the way and folders without write permission are all refused here, in one line.
    """
    text = os.fsdecode(value) if value is not None else ""
    if not text.strip():
        raise click.BadParameter("is empty; name a folder (for example --out models)", ctx, param)
    if "\x00" in text:
        raise click.BadParameter("contains a NUL character", ctx, param)
    path = Path(text).expanduser()
    if len(os.fsencode(path)) > PATH_MAX:
        raise click.BadParameter(f"is longer than {PATH_MAX} bytes", ctx, param)
    for part in path.parts:
        if len(os.fsencode(part)) > NAME_MAX:
            raise click.BadParameter(
                f"has a folder name of {len(os.fsencode(part))} bytes; at most {NAME_MAX} fit",
                ctx,
                param,
            )
    try:
        _check_writable(path)
    except OSError as err:
        reason = "a symbolic link loop" if err.errno == errno.ELOOP else err.strerror
        raise click.BadParameter(f"cannot be used: {reason} ({path})", ctx, param) from None
    except ValueError as err:
        raise click.BadParameter(str(err), ctx, param) from None
    return path


def _check_writable(path: Path) -> None:
    if path.is_symlink() and not path.exists():
        try:
            os.stat(path)
        except OSError as err:
            if err.errno == errno.ELOOP:
                raise
        raise ValueError(f"{path} is a symbolic link to {os.readlink(path)}, which does not exist")
    if path.exists() and not path.is_dir():
        raise ValueError(f"{path} is a file, not a folder")
    existing = path
    while not existing.exists():
        if existing.is_symlink():  # a dangling link further up
            raise ValueError(f"{existing} is a symbolic link to a missing folder")
        existing = existing.parent
    if not existing.is_dir():
        raise ValueError(f"{existing} is a file, so {path} cannot be created")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ValueError(f"cannot write to {existing} (permission denied)")


def check_timeout_option(ctx: click.Context, param: click.Parameter, value: float | None) -> Any:
    """A download time limit must be a finite number of seconds, at most a day."""
    problem = check_timeout(value)
    if problem:
        raise click.BadParameter(problem, ctx, param)
    return value


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
                envvar="COOKBOOK_DATA",
                show_envvar=True,
                help="Where datasets come from: the real ones via Keras, the offline sample, "
                "or auto (real if cached or downloaded within 15 s in all, else sample).",
            ),
            click.option(
                "--size",
                type=click.Choice(SIZES),
                default="small",
                show_default=True,
                envvar="COOKBOOK_SIZE",
                show_envvar=True,
                help="Size of the sample data: tiny (seconds), small, or full (real sizes).",
            ),
            click.option(
                "--epochs",
                type=click.IntRange(1, EPOCHS_MAX),
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
                type=str,
                metavar="DIR",
                default=default_out,
                show_default=True,
                callback=check_out_dir,
                help=out_help,
            ),
            click.option(
                "--timeout",
                "download_timeout",
                type=float,
                default=None,
                metavar="SECONDS",
                callback=check_timeout_option,
                help="Give up on downloading the real data after this long in all "
                "(default: 15 s with --data auto, 300 s with --data keras).",
            ),
            click.option("-q", "--quiet", is_flag=True, help="Print only errors and the summary."),
            click.option(
                "--backend",
                type=click.Choice(BACKENDS),
                default=None,
                help="The Keras backend to run on (default: what Keras itself would use, "
                "KERAS_BACKEND or its keras.json, else tensorflow).",
            ),
            click.option(
                "-v",
                "--verbose",
                is_flag=True,
                help="Show what each program prints as it prints it: its summaries and "
                "Keras's line per epoch (recorded either way).",
            ),
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
        except KeyboardInterrupt as err:
            click.echo(f"\n{errors.interruption_message(err)}", err=True)
            sys.exit(getattr(err, "exit_code", errors.EXIT_INTERRUPTED))
        except errors.CookbookError as err:
            if debug:
                traceback.print_exc()
            click.echo(f"error: {err}", err=True)
            sys.exit(err.exit_code)
        except OSError as err:  # the file system refused: say what and where, in one line
            if debug:
                traceback.print_exc()
            where = f": {err.filename}" if err.filename else ""
            click.echo(f"error: {err.strerror or err}{where}", err=True)
            sys.exit(errors.EXIT_FAILURE)

    return wrapper


def report_to_stderr(quiet: bool) -> Callable[[str], None]:
    """Where the runner's notes and progress go: stderr, unless ``--quiet`` (notes always)."""
    from cookbook.runner import reporter

    return reporter(progress=not quiet)


def settings_from_options(options: dict[str, Any], **more: Any) -> Settings:
    """The :class:`Settings` of a run from the shared options (and ``more`` of a command's)."""
    return Settings(
        data=options["data"],
        size=options["size"],
        seed=options["seed"],
        epochs=options["epochs"],
        out=options["out"],
        echo=options["verbose"],
        progress=not options["quiet"],
        download_timeout=options["download_timeout"],
        backend=options["backend"],
        **more,
    )


def start_keras(backend: str | None) -> None:
    """Choose the backend (refusing one that is missing, in one line) and import Keras."""
    from cookbook.process import choose_backend, import_keras_quietly

    choose_backend(backend)
    import_keras_quietly()


def summary_line(outcome: Any) -> str:
    """The headline numbers of a finished recipe, and whether its run shows its lesson."""
    shown = []
    for key, value in outcome.record.get("results", {}).items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            shown.append(f"{key} {value:.4g}")
    parts = [", ".join(shown[:4])] if shown else []
    lesson = outcome.lesson
    if lesson is not None and lesson.applies:
        parts.append("lesson shown" if lesson.holds else f"lesson NOT shown: {lesson.text()}")
    return "; ".join(parts)


def finish(outcomes: list, named: bool, what: str, out: Path, started: float, debug: bool) -> None:
    """Print the summary and the reasons for failures; exit 1 if anything failed.

    A recipe skipped for a missing system program (Graphviz) fails the command only when it
    was named on the command line; as part of "all recipes" it is reported and skipped. With
    ``--debug``, a failure that is not one of ours shows its traceback.
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
        if debug and outcome.details:
            click.echo(outcome.details.rstrip(), err=True)
        click.echo(f"error: {outcome.name}: {outcome.message}", err=True)
    if failed or (skipped and named):
        sys.exit(errors.EXIT_FAILURE)
