"""``cookbook notebooks``: make each recipe page's notebook (or check they are up to date)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cookbook import errors, recipes
from cookbook.cli.common import CheckedPath, handle_errors

#: The first cell of every notebook, per language of its page.
NOTES = {
    "": (
        "*This notebook is the program of the keras-cookbook page "
        "[{title}](../recipes/{name}.md), cell for cell, made from that page by "
        "`cookbook notebooks`. It needs the cookbook installed (`pip install -e .` in its "
        "folder). Without internet, run `%env COOKBOOK_DATA=sample` first: the recipes then "
        "use the cookbook's offline sample data.*"
    ),
    ".zh": (
        "*本笔记本就是 keras-cookbook 页面 [{title}](../recipes/{name}.zh.md) 中的程序，"
        "逐个单元格对应，由 `cookbook notebooks` 从该页面生成。运行前需要安装本项目"
        "（在项目目录中执行 `pip install -e .`）。没有网络时，请先运行 "
        "`%env COOKBOOK_DATA=sample`：示例会改用本项目自带的离线样例数据。*"
    ),
}


def expected_notebooks(docs: Path, names: list[str] | None = None) -> dict[Path, str]:
    """The notebooks the pages under ``docs`` make (all, or ``names``), as ``{path: text}``."""
    from cookbook.notebooks import dumps, page_to_notebook

    root = docs.absolute().parent
    made = {}
    for entry in recipes.RECIPES if not names else [recipes.entry(n) for n in names]:
        if not (docs / "recipes" / f"{entry.name}.md").is_file():
            raise errors.UsageError(
                f"{docs / 'recipes' / entry.name}.md is missing: is {docs} the cookbook's docs "
                "folder?"
            )
        for language, note in NOTES.items():  # English, and each translation that exists
            page = docs / "recipes" / f"{entry.name}{language}.md"
            if not page.is_file():
                continue
            text = note.format(title=page_title(page) or entry.title, name=entry.name)
            target = docs / "notebooks" / f"{entry.name}{language}.ipynb"
            made[target] = dumps(page_to_notebook(page, root, text, language))
    return made


def page_title(page: Path) -> str:
    """The page's first heading."""
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return ""


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
    from cookbook.files import write_text

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
