"""Each recipe's lesson, as a check on the record of a run: does this run show what its page
teaches?

A page teaches one idea -- dropout narrows the gap, early stopping stops early and keeps the
best epoch, the LSTM learns -- and shows it with a run. The lesson check is that claim written
as a test on the run's numbers, in the words the page uses (both languages). It runs on the
committed records (a test), on every new run (``cookbook figures`` and ``train`` say whether
the lesson shows), in ``figures --check``, and on each backend's records; the page shows its
words and its verdict where it makes the claim.

A check is meant for the sizes a page's run uses (``small``, the committed figures, and
``full``, the real datasets' size); some also hold on the test suite's ``tiny`` data, on each
of the three backends, and say so. The CNN's and early stopping's do not: at that size,
whether they show depends on each backend's random starting weights (measured on JAX and
PyTorch). On a size it is not meant for, a verdict is still given but does not count
(:attr:`Verdict.applies` is false), so ``--epochs 1`` or ``--size tiny`` is never called a
broken lesson.
"""

from __future__ import annotations

import collections
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Numbers = dict[str, Any]


@dataclass(frozen=True)
class Lesson:
    """One recipe's claim: its words (with ``{name}`` fields for the numbers) and its check."""

    claim: dict[str, str]  # {"en": ..., "zh": ...}
    check: Callable[[dict[str, Any]], tuple[bool, Numbers]]
    sizes: tuple[str, ...] = ("small", "full")


@dataclass(frozen=True)
class Verdict:
    """A lesson checked on one record."""

    recipe: str
    holds: bool
    applies: bool
    numbers: Numbers = field(default_factory=dict)
    #: What the record lacks for the check (a record of an older program), if anything.
    missing: str = ""

    def text(self, language: str = "en") -> str:
        """The claim in ``language``, with this run's numbers in it ("?" for a missing one)."""
        shown = collections.defaultdict(lambda: "?")
        shown.update({key: _shown(value) for key, value in self.numbers.items()})
        text = LESSONS[self.recipe].claim[language].format_map(shown)
        if not self.missing:
            return text
        return text + (
            f"（记录中没有 {self.missing}）"
            if language == "zh"
            else f" (the record has no {self.missing})"
        )


def _shown(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 100 else f"{value:,.0f}"
    return str(value)


def verdict(record: dict[str, Any]) -> Verdict | None:
    """The lesson of ``record``'s recipe checked on it (``None``: no lesson, or a record that
    is not a recipe's)."""
    lesson = LESSONS.get(record.get("recipe", ""))
    if lesson is None:
        return None
    missing = ""
    try:
        holds, numbers = lesson.check(record)
    except (KeyError, IndexError, TypeError, ValueError, ZeroDivisionError) as err:
        holds, numbers = False, {}  # the record lacks what the lesson reads: not shown
        missing = str(err)
    size = record.get("size")
    return Verdict(record["recipe"], bool(holds), size in lesson.sizes, numbers, missing)


# --- the checks ---------------------------------------------------------------------------------


def _results(record: dict[str, Any]) -> dict[str, Any]:
    return record["results"]


def _rows(record: dict[str, Any], key: str) -> dict[str, dict[str, Any]]:
    """A results table (a list of dicts with a ``network`` column) by its first column."""
    return {row["network"]: row for row in _results(record)[key]}


def _beats_majority(margin: float) -> Callable[[dict[str, Any]], tuple[bool, Numbers]]:
    def check(record: dict[str, Any]) -> tuple[bool, Numbers]:
        results = _results(record)
        accuracy, majority = results["test_accuracy"], results["majority_share"]
        return accuracy >= majority + margin, {
            "accuracy": accuracy,
            "majority": majority,
            "margin": margin,
        }

    return check


def _dropout(record: dict[str, Any]) -> tuple[bool, Numbers]:
    rows = _rows(record, "comparison")
    with_, without = (
        rows["with dropout"]["last_test_loss"],
        rows["without dropout"]["last_test_loss"],
    )
    return with_ < without, {"with": with_, "without": without}


def _lstm(record: dict[str, Any]) -> tuple[bool, Numbers]:
    accuracy = record["history"]["val_accuracy"]
    majority = _results(record)["majority_share"]
    numbers = {"first": accuracy[0], "last": accuracy[-1], "majority": majority, "margin": 0.1}
    return accuracy[-1] > accuracy[0] and accuracy[-1] >= majority + 0.1, numbers


def _regression(record: dict[str, Any]) -> tuple[bool, Numbers]:
    r2 = _results(record)["test_r2"]
    return r2 >= 0.8, {"r2": r2}


def _early_stopping(record: dict[str, Any]) -> tuple[bool, Numbers]:
    results = _results(record)
    stopped, limit = results["stopped_epoch"], results["epoch_limit"]
    best, saved = results["lowest_val_loss"], results["best_model_file_loss"]
    same = abs(saved - best) <= 1e-5 * max(1.0, abs(best))
    numbers = {"stopped": stopped, "limit": limit, "best_epoch": results["best_epoch"]}
    return results["stopped_early"] and stopped < limit and same, numbers


def _regularization(record: dict[str, Any]) -> tuple[bool, Numbers]:
    rows = _rows(record, "comparison")
    gaps = {
        network: row["test_cross_entropy"] - row["training_cross_entropy"]
        for network, row in rows.items()
    }
    with_, without = gaps["with L2"], gaps["without L2"]
    return with_ < without, {"with": with_, "without": without}


def _preprocessing(record: dict[str, Any]) -> tuple[bool, Numbers]:
    results = _results(record)
    means, deviations = results["means_after"], results["standard_deviations_after"]
    ok = all(abs(m) < 1e-6 for m in means) and all(abs(s - 1) < 1e-6 for s in deviations)
    return ok and results["keras_layer_agrees"], {"means": means, "deviations": deviations}


def _checkpointing(record: dict[str, Any]) -> tuple[bool, Numbers]:
    results = _results(record)
    checkpoints = results["checkpoints"]
    named = all(
        row["file"] == f"model_{row['epoch']:02d}_{row['val_loss']:.2f}.keras"
        for row in checkpoints
    )
    numbered = [row["epoch"] for row in checkpoints] == list(range(1, record["epochs"] + 1))
    last, kept = checkpoints[-1]["val_loss"], results["models_keras_test_loss"]
    same = abs(kept - last) <= 1e-5 * max(1.0, abs(last))
    return named and numbered and same, {"count": len(checkpoints), "loss": kept}


def _tuning(record: dict[str, Any]) -> tuple[bool, Numbers]:
    grid = sorted(_results(record)["grid"], key=lambda row: row["rank"])
    best, worst = grid[0], grid[-1]
    spread = max(best["std"], worst["std"])
    numbers = {"best": best["mean"], "worst": worst["mean"], "spread": spread}
    return best["mean"] - worst["mean"] > spread, numbers


def _loss_history(record: dict[str, Any]) -> tuple[bool, Numbers]:
    history = record["history"]
    training, test = history["loss"], history["val_loss"]
    lowest = min(range(len(test)), key=test.__getitem__)
    numbers = {"epoch": lowest + 1, "epochs": len(test)}
    return lowest < len(test) - 1 and training[-1] < training[lowest], numbers


def _accuracy_history(record: dict[str, Any]) -> tuple[bool, Numbers]:
    history = record["history"]
    training, test = history["accuracy"], history["val_accuracy"]
    gap = training[-1] - test[-1]
    numbers = {"training": training[-1], "test": test[-1]}
    return training[-1] > training[0] and gap > 0.05, numbers


def _architecture(record: dict[str, Any]) -> tuple[bool, Numbers]:
    results = _results(record)
    layers, total = results["parameters_per_layer"], results["parameters"]
    expected = [(10 + 1) * 16, (16 + 1) * 16, (16 + 1) * 1]  # (inputs + 1 bias) * units
    return layers == expected and sum(layers) == total, {"total": total}


def _cross_validation(record: dict[str, Any]) -> tuple[bool, Numbers]:
    folds = _results(record)["fold_accuracy"]
    return min(folds) > 0.6, {"lowest": min(folds), "folds": len(folds)}


LESSONS: dict[str, Lesson] = {
    "dropout": Lesson(
        {
            "en": "Trained on for the same epochs, the network with dropout ends with the lower "
            "test loss: {with} against {without} without dropout.",
            "zh": "训练同样多的轮数后，加了暂退法的网络最终测试损失更低：{with}，"
            "不加暂退法时为 {without}。",
        },
        _dropout,
    ),
    "cnn": Lesson(
        {
            "en": "The CNN recognises digits far better than always answering the most "
            "frequent one: test accuracy {accuracy} against {majority} (at least {margin} "
            "more).",
            "zh": "卷积神经网络识别数字的能力远超“总是回答最常见的数字”：测试准确率 {accuracy}，"
            "后者只有 {majority}（至少高出 {margin}）。",
        },
        _beats_majority(0.3),
    ),
    "binary": Lesson(
        {
            "en": "The classifier is right far more often than always answering the more "
            "frequent label: test accuracy {accuracy} against {majority} (at least {margin} "
            "more).",
            "zh": "这个分类器远比“总是回答更常见的标签”准确：测试准确率 {accuracy}，"
            "后者只有 {majority}（至少高出 {margin}）。",
        },
        _beats_majority(0.2),
    ),
    "multiclass": Lesson(
        {
            "en": "The classifier picks the right one of 46 topics far more often than always "
            "answering the most frequent topic: test accuracy {accuracy} against {majority} "
            "(at least {margin} more).",
            "zh": "在 46 个主题中，这个分类器选对的次数远多于“总是回答最常见的主题”："
            "测试准确率 {accuracy}，后者只有 {majority}（至少高出 {margin}）。",
        },
        _beats_majority(0.2),
    ),
    "regression": Lesson(
        {
            "en": "The predictions follow the true values: R² on the test set is {r2} "
            "(at least 0.8; 0 would be no better than always predicting the mean).",
            "zh": "预测值紧跟真实值：测试集上的 R² 为 {r2}（至少 0.8；"
            "0 表示不比总是预测平均值更好）。",
        },
        _regression,
        ("tiny", "small", "full"),
    ),
    "lstm": Lesson(
        {
            "en": "The LSTM learns: its test accuracy rises from {first} after the first epoch "
            "to {last}, at least {margin} above the {majority} of always answering the more "
            "frequent label.",
            "zh": "LSTM 学到了东西：测试准确率从第一轮后的 {first} 升到 {last}，"
            "比“总是回答更常见的标签”的 {majority} 至少高出 {margin}。",
        },
        _lstm,
    ),
    "early-stopping": Lesson(
        {
            "en": "Training stops early, after epoch {stopped} of at most {limit}, and the "
            "saved model is the best epoch's (epoch {best_epoch}, the lowest test loss).",
            "zh": "训练提前停止：最多 {limit} 轮，在第 {stopped} 轮后停下；"
            "保存的模型正是最好的那一轮（第 {best_epoch} 轮，测试损失最低）。",
        },
        _early_stopping,
    ),
    "regularization": Lesson(
        {
            "en": "L2 narrows the gap between the test and the training cross-entropy: "
            "{with} with L2 against {without} without.",
            "zh": "L2 正则化缩小了测试与训练交叉熵之间的差距：加 L2 时为 {with}，"
            "不加时为 {without}。",
        },
        _regularization,
    ),
    "preprocessing": Lesson(
        {
            "en": "After standardising, every feature has mean 0 and standard deviation 1 "
            "(means {means}, standard deviations {deviations}), and Keras's Normalization "
            "layer gives the same numbers.",
            "zh": "标准化之后，每个特征的均值为 0、标准差为 1（均值 {means}，标准差 "
            "{deviations}），Keras 的 Normalization 层得到的数字也一样。",
        },
        _preprocessing,
        ("tiny", "small", "full"),
    ),
    "checkpointing": Lesson(
        {
            "en": "A checkpoint is saved after every epoch: {count} files, numbered from 1 and "
            "named after their test loss, and models.keras holds the last epoch's network "
            "(test loss {loss}).",
            "zh": "每一轮之后都保存一个检查点：共 {count} 个文件，从 1 开始编号，文件名里带着"
            "各自的测试损失；models.keras 存的是最后一轮的网络（测试损失 {loss}）。",
        },
        _checkpointing,
        ("tiny", "small", "full"),
    ),
    "tuning": Lesson(
        {
            "en": "The grid's choices matter: the best combination's mean accuracy {best} "
            "beats the worst's {worst} by more than their spread across folds ({spread}).",
            "zh": "网格里的选择确实有影响：最好组合的平均准确率 {best} 比最差组合的 {worst} "
            "高出的幅度，大于它们在各折之间的波动（{spread}）。",
        },
        _tuning,
    ),
    "loss-history": Lesson(
        {
            "en": "The network overfits: the test loss is lowest after epoch {epoch} of "
            "{epochs}, while the training loss keeps falling to the end.",
            "zh": "网络过拟合了：测试损失在第 {epoch} 轮（共 {epochs} 轮）后最低，"
            "而训练损失一直降到最后。",
        },
        _loss_history,
    ),
    "architecture": Lesson(
        {
            "en": "A Dense layer with n inputs and u units has (n + 1) · u parameters: "
            "(10 + 1) · 16 + (16 + 1) · 16 + (16 + 1) · 1 = {total}.",
            "zh": "有 n 个输入、u 个单元的全连接层有 (n + 1) · u 个参数："
            "(10 + 1) · 16 + (16 + 1) · 16 + (16 + 1) · 1 = {total}。",
        },
        _architecture,
        ("tiny", "small", "full"),
    ),
    "accuracy-history": Lesson(
        {
            "en": "The training accuracy keeps rising past the test accuracy: {training} "
            "against {test} after the last epoch.",
            "zh": "训练准确率一路上升，超过了测试准确率：最后一轮后分别为 {training} 和 {test}。",
        },
        _accuracy_history,
        ("tiny", "small", "full"),
    ),
    "cross-validation": Lesson(
        {
            "en": "Every one of the {folds} folds scores well above chance (0.5): the lowest "
            "fold accuracy is {lowest}.",
            "zh": "{folds} 折中的每一折都明显高于随机猜测（0.5）：最低的一折准确率为 {lowest}。",
        },
        _cross_validation,
    ),
}
