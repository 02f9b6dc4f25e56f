"""Every page's lesson, checked on the runs that show it (:mod:`cookbook.lessons`).

* Each committed run -- TensorFlow's records in ``docs/figures/`` and each other backend's in
  ``docs/figures/BACKEND/`` -- shows its recipe's lesson.
* The test suite's own tiny runs show the lessons that are meant to hold at that size.
* Each check can fail: the committed record, broken the way a broken lesson would break it
  (dropout that does not help, an LSTM that never learns...), fails its check.
* The check's words are on the page, in both languages, where the page makes the claim.
"""

from __future__ import annotations

import copy
import html
import json
from collections.abc import Callable
from typing import Any

import pytest
from conftest import ROOT

from cookbook import lessons, recipes

FIGURES = ROOT / "docs" / "figures"
BACKENDS = ("jax", "torch")


def committed(name: str, backend: str = "") -> dict[str, Any]:
    folder = FIGURES / backend if backend else FIGURES
    path = folder / f"{name}.json"
    if not path.is_file():
        pytest.fail(
            f"{path.relative_to(ROOT)} is missing: run `cookbook figures {name}`"
            + (f" --backend {backend} --out {folder.relative_to(ROOT)}" if backend else "")
        )
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_recipe_has_a_lesson():
    assert sorted(lessons.LESSONS) == sorted(recipes.NAMES)


@pytest.mark.parametrize("name", recipes.NAMES)
def test_the_committed_run_shows_its_lesson(name):
    verdict = lessons.verdict(committed(name))
    assert verdict is not None and verdict.applies, f"{name}: made at a size its check is not for"
    assert verdict.holds, f"{name}: {verdict.text()}"


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", recipes.NAMES)
def test_each_backends_committed_run_shows_the_lesson(name, backend):
    record = committed(name, backend)
    assert record["backend"]["name"] == backend
    verdict = lessons.verdict(record)
    assert verdict.applies and verdict.holds, f"{name} on {backend}: {verdict.text()}"


@pytest.mark.parametrize("name", recipes.NAMES)
def test_the_tiny_run_shows_the_lessons_meant_for_it(trained, name):
    lesson = lessons.LESSONS[name]
    if "tiny" not in lesson.sizes:
        pytest.skip(f"the {name} lesson is meant for the pages' sizes, not the tests' tiny data")
    verdict = lessons.verdict(trained(name).record)
    assert verdict.applies and verdict.holds, verdict.text()


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(record: dict[str, Any]) -> None:
        target = record
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value(record) if callable(value) else value

    return change


def _rows(record: dict[str, Any], key: str = "comparison") -> list[dict[str, Any]]:
    return record["results"][key]


def _swap(key: str, *fields: str) -> Callable[[dict[str, Any]], None]:
    """Swap ``fields`` between the two rows of a with/without comparison."""

    def change(record: dict[str, Any]) -> None:
        first, second = _rows(record, key)[:2]
        for field in fields:
            first[field], second[field] = second[field], first[field]

    return change


def _flat_accuracy(record: dict[str, Any]) -> None:
    """An LSTM that never learns: it answers the majority label after every epoch."""
    majority = record["results"]["majority_share"]
    record["history"]["val_accuracy"] = [majority] * len(record["history"]["val_accuracy"])


def _test_loss_keeps_falling(record: dict[str, Any]) -> None:
    record["history"]["val_loss"] = sorted(record["history"]["val_loss"], reverse=True)


def _no_better_than_the_majority(record: dict[str, Any]) -> None:
    record["results"]["test_accuracy"] = record["results"]["majority_share"]


def _grid_makes_no_difference(record: dict[str, Any]) -> None:
    for row in record["results"]["grid"]:
        row["mean"] = record["results"]["grid"][0]["mean"]


#: For each recipe, the record of a run whose lesson broke (what the check must catch).
BREAK: dict[str, Callable[[dict[str, Any]], None]] = {
    "dropout": _swap("comparison", "last_test_loss"),
    "cnn": _no_better_than_the_majority,
    "binary": _no_better_than_the_majority,
    "multiclass": _no_better_than_the_majority,
    "regression": _set(["results", "test_r2"], 0.2),
    "lstm": _flat_accuracy,
    "early-stopping": _set(["results", "stopped_early"], False),
    "regularization": _swap("comparison", "test_cross_entropy", "training_cross_entropy"),
    "preprocessing": _set(["results", "means_after"], [0.5, 0.0]),
    "checkpointing": _set(
        ["results", "models_keras_test_loss"],
        lambda r: r["results"]["checkpoints"][0]["val_loss"] + 0.1,  # not the last epoch's
    ),
    "tuning": _grid_makes_no_difference,
    "loss-history": _test_loss_keeps_falling,
    "architecture": _set(["results", "parameters_per_layer"], [1, 2, 3]),
    "accuracy-history": _set(["history", "val_accuracy"], lambda r: r["history"]["accuracy"]),
    "cross-validation": _set(["results", "fold_accuracy"], [0.5, 0.9, 0.9]),
}


@pytest.mark.parametrize("name", recipes.NAMES)
def test_a_broken_lesson_fails_its_check(name):
    broken = copy.deepcopy(committed(name))
    BREAK[name](broken)
    verdict = lessons.verdict(broken)
    assert not verdict.holds, f"{name}: the check passed a broken run ({verdict.text()})"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_checks_words_are_on_the_page(built_site, language):
    """Each recipe page says its claim, with the committed run's numbers, in its language."""
    prefix = "zh/" if language == "zh" else ""
    for name in recipes.NAMES:
        suffix = ".zh.md" if language == "zh" else ".md"
        source = (ROOT / "docs" / "recipes" / f"{name}{suffix}").read_text(encoding="utf-8")
        assert f"<!-- lesson: {name} -->" in source, f"{name}{suffix}: no lesson placeholder"
        page = built_site["site"] / prefix / "recipes" / name / "index.html"
        text = html.unescape(page.read_text(encoding="utf-8"))
        claim = lessons.verdict(committed(name)).text(language)
        assert claim in text, f"{name} ({language}): the lesson's words are not on the page"
