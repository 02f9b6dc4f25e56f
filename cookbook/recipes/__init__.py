"""The registry: each recipe's command-line name, module and title, in the chapter's order.

The CLI knows recipes only through this table. It is plain data, so ``cookbook list`` and
``cookbook --help`` answer without importing TensorFlow; a recipe module is imported only when
it runs. Adding a recipe is one module, one line here, and one docs page.
"""

from __future__ import annotations

import difflib
from importlib import import_module
from types import ModuleType
from typing import NamedTuple


class Entry(NamedTuple):
    """One recipe of the chapter."""

    name: str
    module: str
    title: str


RECIPES: tuple[Entry, ...] = (
    Entry("dropout", "dropout", "Adding dropout to a feed-forward network"),
    Entry("cnn", "cnn", "A convolutional network for handwritten digits"),
    Entry("binary", "binary", "A feed-forward network for binary classification"),
    Entry("multiclass", "multiclass", "A feed-forward network for multiclass classification"),
    Entry("regression", "regression", "A feed-forward network for regression"),
    Entry("lstm", "lstm", "An LSTM recurrent network for sentiment"),
    Entry("early-stopping", "early_stopping", "Stopping training early"),
    Entry("regularization", "regularization", "L2 weight regularisation"),
    Entry("preprocessing", "preprocessing", "Standardising features for a network"),
    Entry("checkpointing", "checkpointing", "Saving the model while it trains"),
    Entry("tuning", "tuning", "Tuning hyperparameters with a grid search"),
    Entry("loss-history", "loss_history", "Plotting the loss history"),
    Entry("architecture", "architecture", "Drawing a network's architecture"),
    Entry("accuracy-history", "accuracy_history", "Plotting the accuracy history"),
    Entry("cross-validation", "cross_validation", "k-fold cross-validation of a network"),
)

NAMES: tuple[str, ...] = tuple(entry.name for entry in RECIPES)
_BY_NAME = {entry.name: entry for entry in RECIPES}


class UnknownRecipe(KeyError):
    """A name that is not in the registry; its message suggests the closest valid names."""

    def __init__(self, name: str) -> None:
        self.name = name
        close = difflib.get_close_matches(name, NAMES, n=3, cutoff=0.5)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        super().__init__(f"unknown recipe {name!r}.{hint} (`cookbook list` shows all fifteen)")

    def __str__(self) -> str:
        return self.args[0]


def entry(name: str) -> Entry:
    """The registry entry for ``name`` (raises :class:`UnknownRecipe`)."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise UnknownRecipe(name) from None


def load(name: str) -> ModuleType:
    """Import and return the module of recipe ``name``."""
    return import_module(f"cookbook.recipes.{entry(name).module}")
