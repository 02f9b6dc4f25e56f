"""``cookbook notebooks``: make each recipe page's notebook (or check they are up to date)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cookbook import errors, recipes
from cookbook.cli.common import CheckedPath, handle_errors

NOTE = (
    "*This notebook is the program of the keras-cookbook page "
    "[{title}](../recipes/{name}.md), cell for cell, made from that page by "
    "`cookbook notebooks`. It needs the cookbook installed (`pip install -e .` in its "
    "folder). Without internet, run `%env COOKBOOK_DATA=sample` first: the recipes then use "
    "the cookbook's offline sample data.*"
)


def expected_notebooks(docs: Path, names: list[str] | None = None) -> dict[Path, str]:
    """The notebooks the pages under ``docs`` make (all, or ``names``), as ``{path: text}``."""
    from cookbook.notebooks import dumps, page_to_notebook

    root = docs.absolute().parent
    made = {}
    for entry in recipes.RECIPES if not names else [recipes.entry(n) for n in names]:
        page = docs / "recipes" / f"{entry.name}.md"
        if not page.is_file():
            raise errors.UsageError(f"{page} is missing: is {docs} the cookbook's docs folder?")
        note = NOTE.format(title=entry.title, name=entry.name)
        made[docs / "notebooks" / f"{entry.name}.ipynb"] = dumps(page_to_notebook(page, root, note))
    return made


@click.command()
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option(
    "--docs",
    type=CheckedPath(file_okay=False, path_type=Path),
    default="docs",
    show_default=True,
    help="The docs folder holding recipes/NAME.md; notebooks go to its notebooks/ folder.",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if a notebook is out of date.")
@handle_errors
def notebooks(names: tuple[str, ...], docs: Path, check: bool) -> None:
    """Make a Jupyter notebook from every recipe page, or the NAMEs given
    (docs/notebooks/NAME.ipynb).

    Each notebook holds the page's program as code cells, in the page's order, and its prose
    as Markdown cells, so a page and its notebook always show the same code.
    """
    from cookbook.io import write_text

    stale = []
    for path, text in expected_notebooks(docs, list(names)).items():
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        stale.append(path)
        if not check:
            write_text(path, text)
    if check and stale:
        click.echo(f"out of date: {', '.join(str(p) for p in stale)}; run `cookbook notebooks`")
        sys.exit(errors.EXIT_FAILURE)
    verb = "would change" if check else "written"
    click.echo(
        f"{len(stale)} notebook(s) {verb}; {docs / 'notebooks'}/ is up to date"
        if not check
        else "every notebook is up to date"
    )
