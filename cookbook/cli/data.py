"""``cookbook data``: see, download and import the real datasets (IMDB, Reuters, MNIST).

Keras fetches its datasets from one Google Cloud Storage host that many readers cannot reach,
and it deletes a cached file whose hash does not match. These commands make the cache visible
and let a reader fill it safely from wherever they can get the files:

* ``status`` -- what is cached, where, and whether each file's SHA-256 is the one Keras expects;
* ``download`` -- fetch from Keras's host or a mirror, with a timeout and a progress bar;
* ``import`` -- copy in a file obtained some other way, after checking its hash.

Nothing here imports TensorFlow or opens a dataset with NumPy: the cache is bytes and hashes
(see :mod:`cookbook.data.cache`), so every command answers at once.
"""

from __future__ import annotations

import os
import sys
import urllib.parse
from pathlib import Path
from typing import Any

import click

from cookbook import errors
from cookbook.cli.common import CheckedPath, check_timeout_option, handle_errors
from cookbook.data import cache

NAMES = tuple(cache.FILES)


def human_size(size: int) -> str:
    """A byte count the way people read it: ``17.5 MB``, ``840 B``."""
    value = float(size)
    for unit in ("B", "kB", "MB"):
        if value < 1000 or unit == "MB":
            return f"{size} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


def status_rows() -> list[dict[str, str]]:
    """One row per dataset: its file, where Keras looks for it, and whether it is sound."""
    rows = []
    for spec in cache.FILES.values():
        path = cache.cached_path(spec.name)
        present = path.is_file()
        rows.append(
            {
                "dataset": spec.name,
                "file": spec.fname,
                "present": "yes" if present else "no",
                "size": human_size(path.stat().st_size) if present else "-",
                "sha256": (
                    ("ok" if cache.sha256(path) == spec.sha256 else "MISMATCH") if present else "-"
                ),
                "path": str(path),
            }
        )
    return rows


@click.group()
def data() -> None:
    """See, download and import the real datasets (IMDB, Reuters, MNIST).

    \b
    Keras keeps them in $KERAS_HOME/datasets (~/.keras/datasets by default) and checks each
    file's SHA-256 before using it. Recipes run with --data keras need them; --data auto uses
    them when they are there, and the offline sample data otherwise.

    \b
    Examples:
      cookbook data status                       what is cached, and is it sound?
      cookbook data download                     all three, from Keras's host
      cookbook data download mnist --mirror https://example.org/keras-datasets
      cookbook data import ~/Downloads/imdb.npz  a file you got elsewhere
    """


@data.command(short_help="What is cached, where, and is each file sound.")
def status() -> None:
    """Show each dataset file: where Keras looks for it, its size, and whether its hash is right.

    A file marked MISMATCH is damaged or a different version; Keras would delete it and try to
    download it again. Replace it with `cookbook data download NAME --force` or
    `cookbook data import FILE`.
    """
    rows = status_rows()
    headers = {
        "dataset": "dataset",
        "file": "file",
        "present": "present",
        "size": "size",
        "sha256": "SHA-256",
        "path": "path",
    }
    widths = {
        key: max(len(title), *(len(row[key]) for row in rows)) for key, title in headers.items()
    }
    keys = list(headers)

    def line(values: dict[str, str]) -> str:
        return "  ".join(values[key].ljust(widths[key]) for key in keys).rstrip()

    home = os.environ.get("KERAS_HOME")
    where = f"KERAS_HOME={home}" if home else "KERAS_HOME is not set"
    click.echo(f"Keras dataset cache: {cache.cache_dir()}  ({where})")
    click.echo(line(headers))
    for row in rows:
        click.echo(line(row))
    missing = [row["dataset"] for row in rows if row["present"] == "no"]
    damaged = [row["dataset"] for row in rows if row["sha256"] == "MISMATCH"]
    if damaged:
        click.echo(
            f"\n{', '.join(damaged)}: wrong SHA-256 (damaged, or another version); Keras would "
            f"delete the file. Replace it: `cookbook data download {' '.join(damaged)} --force` "
            f"or `cookbook data import FILE`."
        )
    if missing:
        click.echo(
            f"\nmissing: {' '.join(missing)}. Get them with `cookbook data download` "
            f"(add --mirror URL if Keras's host is blocked), or `cookbook data import FILE`; "
            f"recipes can always run offline with --data sample."
        )
    leftovers = sorted(cache.cache_dir().glob(".*.part")) if cache.cache_dir().is_dir() else []
    if leftovers:
        click.echo(
            f"\n{len(leftovers)} partial download(s) left by an interrupted process in "
            f"{cache.cache_dir()} (.*.part): Keras never reads them; they are safe to delete."
        )


def check_mirror(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A mirror must be an http(s):// or file:// address (a base URL; file names are added)."""
    if value is None:
        return None
    try:
        parts = urllib.parse.urlsplit(value)
        parts.port  # noqa: B018 - parsing the port is what finds a malformed one
    except ValueError as err:
        raise click.BadParameter(f"{value!r} is not a valid address ({err})", ctx, param) from None
    if parts.scheme not in ("http", "https", "file"):
        raise click.BadParameter(
            f"{value!r} is not an http://, https:// or file:// address", ctx, param
        )
    if parts.scheme != "file" and not parts.hostname:
        raise click.BadParameter(f"{value!r} names no host", ctx, param)
    return value


class _Progress:
    """A progress bar on stderr for one download, made once the size is known.

    ``cache.download`` reports ``(done, total)``; Click's progress bar needs its length up
    front, and the length only arrives with the response headers, so the bar is created on the
    first report. When stderr is not a terminal Click prints just the label, so logs stay clean.
    """

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None
        self.shown = 0

    def __call__(self, done: int, total: int | None) -> None:
        if self.bar is None:
            self.bar = click.progressbar(
                # Unknown size: an endless iterator without a length makes Click draw a
                # bouncing bar instead of a percentage.
                iter(int, 1) if not total else None,
                length=total or None,
                label=self.label,
                file=sys.stderr,
                show_pos=False,
                show_percent=bool(total),
                width=30,
                item_show_func=lambda done: human_size(done or 0),
            )
            self.bar.__enter__()
        self.bar.update(done - self.shown, current_item=done)
        self.shown = done

    def close(self) -> None:
        """Finish the bar's line (also after a failure)."""
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@data.command(short_help="Fetch into the cache (mirror, timeout, hash check).")
@click.argument("names", nargs=-1, type=click.Choice(NAMES), metavar="[NAME]...")
@click.option(
    "--mirror",
    metavar="URL",
    callback=check_mirror,
    help="Base address of a copy of Keras's dataset files (URL/mnist.npz, ...). "
    "The files must be identical: their SHA-256 is checked.",
)
@click.option(
    "--timeout",
    type=float,
    default=cache.TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    callback=check_timeout_option,
    help="Give up on a file when its download (connecting included) takes longer than this.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Download even when a good copy is cached (it is replaced only by a verified file).",
)
@handle_errors
def download(names: tuple[str, ...], mirror: str | None, timeout: float, force: bool) -> None:
    """Download dataset files into the Keras cache (all three when no NAME is given).

    \b
    Every file is fetched into a temporary file, checked against the SHA-256 Keras expects,
    and only then renamed into the cache: an interrupted or wrong download never lands there
    and never replaces a good file. Names: imdb, reuters, mnist.

    \b
    Examples:
      cookbook data download
      cookbook data download imdb --mirror https://example.org/keras-datasets --timeout 30
    """
    failed = []
    for name in dict.fromkeys(names or NAMES):
        if not force and cache.is_cached(name):
            click.echo(f"{name}: already cached and sound ({cache.cached_path(name)}); skipped.")
            continue
        url = cache.url_for(name, mirror)
        bar = _Progress(f"downloading {cache.FILES[name].fname}")
        try:
            path = cache.download(name, mirror=mirror, timeout=timeout, progress=bar)
        except cache.DownloadError as err:
            bar.close()
            failed.append(f"{name}: {err}")
            continue
        bar.close()
        size = human_size(path.stat().st_size)
        click.echo(f"{name}: {size} from {url}, SHA-256 ok -> {path}")
    if failed:
        for message in failed:
            click.echo(f"error: {message}", err=True)
        raise SystemExit(errors.EXIT_FAILURE)


def check_regular_file(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    """Only a regular file can be a dataset: a pipe or a device would be read forever."""
    from cookbook.files import not_a_regular_file

    why = not_a_regular_file(value)
    if why:
        raise click.BadParameter(f"{value} {why}", ctx, param)
    return value


@data.command(name="import", short_help="Copy in a file obtained elsewhere, hash-checked.")
@click.argument(
    "file",
    type=CheckedPath(exists=True, dir_okay=False, readable=True, path_type=Path),
    callback=lambda ctx, param, value: check_regular_file(ctx, param, value),
)
@click.option(
    "--name",
    type=click.Choice(NAMES),
    help="Which dataset FILE is (default: guessed from its name, else from its hash).",
)
@handle_errors
def import_(file: Path, name: str | None) -> None:
    """Copy a dataset file you obtained elsewhere into the Keras cache, after checking it.

    \b
    FILE's SHA-256 must be the one Keras expects; a wrong file is refused (exit 1) showing
    both hashes, and nothing is written. FILE itself is only read: never moved, changed or
    deleted.

    \b
    Examples:
      cookbook data import ~/Downloads/mnist.npz
      cookbook data import /media/usb/download.npz --name imdb
    """
    if name is None:
        name = cache.infer_name(file)
    if name is None:
        digest = cache.sha256(file)
        name = cache.identify(digest)
        if name is None:
            expected = ", ".join(spec.fname for spec in cache.FILES.values())
            raise errors.CookbookError(
                f"{file} is none of the dataset files Keras expects ({expected}): its SHA-256 "
                f"{digest} matches none of them; nothing was copied."
            )
    try:
        path, copied = cache.import_file(file, name)
    except cache.WrongFile as err:
        raise errors.CookbookError(str(err)) from None
    except OSError as err:
        raise errors.CookbookError(f"could not import {file}: {err}") from None
    if copied:
        click.echo(f"{name}: SHA-256 ok; copied {file} -> {path}")
    else:
        click.echo(f"{name}: already present and sound at {path}; nothing to do.")
