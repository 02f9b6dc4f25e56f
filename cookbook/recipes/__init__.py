"""The registry: each recipe's command-line name, program, title and needs, in chapter order.

The CLI knows recipes only through this table. It is plain data, so ``cookbook list`` and
``cookbook --help`` answer without importing TensorFlow; a recipe's program runs only when the
recipe does (see :mod:`cookbook.program`). Adding a recipe is one program, one line here, its
lesson check (:mod:`cookbook.lessons`), its translation table (``recipes/zh/``), two pages
(``docs/recipes/NAME.md`` and ``NAME.zh.md``) with their nav lines in ``mkdocs.yml``, its
committed figure and record on each backend (``docs/figures/``, its ``jax/`` and ``torch/``),
its two notebooks, its tests (``tests/recipes/test_NAME.py``), and its line in the two
tables the tests keep by hand so that a recipe cannot slip in untested: ``CHAPTER_ORDER`` in
``tests/conftest.py`` and ``OUTPUT_UNITS`` in ``tests/test_cli.py``.

Every recipe program follows the same conventions, which the runner and the tests rely on:

* its ``parameters`` section assigns, of ``epochs``, ``seed``, ``folder``, ``callbacks`` and
  ``verbose``, those it uses, with the same meaning in every recipe (the runner sets all but
  ``verbose``: what a program prints at its own setting is recorded, and shown by ``-v``);
* it writes its files into ``folder`` only;
* it ends with ``results`` (a dict of the numbers it prints) and its figure in a variable
  (``figure`` unless the entry says otherwise); a recipe that trains keeps ``fit``'s return
  value in ``history``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any, NamedTuple

from cookbook.errors import UsageError


class Entry(NamedTuple):
    """One recipe of the chapter.

    Attributes:
        name: the command-line name.
        module: the program's module in :mod:`cookbook.recipes` (two entries may share one).
        title: one line for ``cookbook list`` and the docs.
        dataset: what it trains on, for its record when no loader says (``None``: no data).
        figure: the program's variable that holds the figure.
        hidden: sections the entry's page and notebook leave out (the other figure of a pair).
        resumable: one ``fit`` that ``--resume`` can continue after an interruption.
        sizes: parameter values for each ``--size`` (rows of generated data, subsets).
        epochs: the parameters that ``--epochs N`` sets (default ``{"epochs": N}``).
        fit_count: how many networks the program trains, from its parameters (progress).
        needs: system programs the recipe cannot run without.
        cost: how long it runs, roughly, against the quickest (parallel runs start the
            costliest first, so that no worker is left with a long one at the end).
    """

    name: str
    module: str
    title: str
    dataset: str | None = None
    figure: str = "figure"
    hidden: tuple[str, ...] = ()
    resumable: bool = False
    sizes: dict[str, dict[str, Any]] = {}
    epochs: Callable[[int], dict[str, Any]] = lambda n: {"epochs": n}
    fit_count: Callable[[dict[str, Any]], int] | None = None
    needs: tuple[str, ...] = ()
    cost: int = 1


def _grid_size(parameters: dict[str, Any]) -> int:
    """Networks the grid search trains: one per grid point and fold, and the refit."""
    points = (
        len(parameters["optimizers"])
        * len(parameters["epoch_choices"])
        * len(parameters["batch_sizes"])
    )
    return points * parameters["folds"] + 1


def _trains_nothing(epochs: int) -> dict[str, Any]:
    """``--epochs`` has nothing to set in a recipe that trains no network."""
    return {}


RECIPES: tuple[Entry, ...] = (
    Entry("dropout", "dropout", "Adding dropout to a feed-forward network", dataset="imdb",
          cost=3),
    Entry("cnn", "cnn", "A convolutional network for handwritten digits", dataset="mnist",
          resumable=True, cost=3),
    Entry("binary", "binary", "A feed-forward network for binary classification",
          dataset="imdb", resumable=True),
    Entry("multiclass", "multiclass", "A feed-forward network for multiclass classification",
          dataset="reuters", resumable=True),
    Entry("regression", "regression", "A feed-forward network for regression",
          dataset="make_regression", resumable=True),
    Entry("lstm", "lstm", "An LSTM recurrent network for sentiment", dataset="imdb",
          resumable=True, cost=4,
          sizes={"tiny": {"subset": (100, 50)}, "full": {"subset": None, "batch_size": 1000}}),
    Entry("early-stopping", "early_stopping", "Stopping training early", dataset="imdb"),
    Entry("regularization", "regularization", "L2 weight regularisation", dataset="imdb",
          cost=2),
    Entry("preprocessing", "preprocessing", "Standardising features for a network",
          dataset="chapter array", epochs=_trains_nothing),
    Entry("checkpointing", "checkpointing", "Saving the model while it trains",
          dataset="imdb", resumable=True),
    Entry("tuning", "tuning", "Tuning hyperparameters with a grid search",
          dataset="make_classification",
          sizes={"tiny": {"rows": 150, "optimizers": ("adam",), "epoch_choices": (2, 3),
                          "batch_sizes": (10, 100), "folds": 2},
                 "small": {"rows": 1500}, "full": {"rows": 10000}},
          epochs=lambda n: {"epoch_choices": (n,)}, fit_count=_grid_size, cost=10),
    Entry("loss-history", "history", "Plotting the loss history", dataset="imdb",
          figure="loss_figure", hidden=("accuracy_figure",), resumable=True, cost=2),
    Entry("architecture", "architecture", "Drawing a network's architecture",
          needs=("dot",), epochs=_trains_nothing),
    Entry("accuracy-history", "history", "Plotting the accuracy history", dataset="imdb",
          figure="accuracy_figure", hidden=("loss_figure",), resumable=True),
    Entry("cross-validation", "cross_validation", "k-fold cross-validation of a network",
          dataset="make_classification", sizes={"tiny": {"rows": 600}}, cost=3),
)  # fmt: skip

NAMES: tuple[str, ...] = tuple(entry.name for entry in RECIPES)
_BY_NAME = {entry.name: entry for entry in RECIPES}


class UnknownRecipe(UsageError):
    """A name that is not in the registry; its message suggests the closest valid names."""

    def __init__(self, name: str) -> None:
        self.name = name
        close = difflib.get_close_matches(name, NAMES, n=3, cutoff=0.5)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        super().__init__(f"unknown recipe {name!r}.{hint} (`cookbook list` shows all fifteen)")


def entry(name: str) -> Entry:
    """The registry entry for ``name`` (raises :class:`UnknownRecipe`)."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise UnknownRecipe(name) from None


def sharing(name: str) -> list[Entry]:
    """The entries whose program is ``name``'s (one run of it serves them all)."""
    module = entry(name).module
    return [other for other in RECIPES if other.module == module]
