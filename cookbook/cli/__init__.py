"""The ``cookbook`` command: list, train, figures, notebooks, data and inspect.

The CLI is thin: it parses options, calls the package, and reports. It imports TensorFlow
only inside the commands that train, so ``cookbook --help`` and ``cookbook list`` answer at
once.
"""

from __future__ import annotations

import click

from cookbook import __version__, recipes
from cookbook.cli.data import data
from cookbook.cli.figures import figures
from cookbook.cli.inspect import inspect
from cookbook.cli.notebooks import notebooks
from cookbook.cli.train import train


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="cookbook")
def main() -> None:
    """Keras recipes, ported to Keras 3: train them, draw their figures, fetch their data.

    \b
    Start here:
      cookbook list                    the fifteen recipes, in the chapter's order
      cookbook train binary            train one recipe (models/binary/)
      cookbook train --all --data sample
                                       every recipe, offline
      cookbook figures                 every recipe's figure, into docs/figures/
    """
    from cookbook.process import print_any_path

    print_any_path()  # an --out that is not valid UTF-8 must not fail the summary line


@main.command(name="list")
def list_recipes() -> None:
    """Show the fifteen recipes with a one-line title each, in chapter order."""
    width = max(len(name) for name in recipes.NAMES)
    for number, entry in enumerate(recipes.RECIPES, start=1):
        click.echo(f"{number:2d}. {entry.name:<{width}}  {entry.title}")


main.add_command(train)
main.add_command(figures)
main.add_command(inspect)
main.add_command(data)
main.add_command(notebooks)
