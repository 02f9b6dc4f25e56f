"""The Chinese words of the benchmark records, written beside the English ones.

A benchmark record (``docs/figures/benchmarks.json``, ``profile.json``, ``speed.json``,
``noise.json``...) is a table the Performance page shows in both languages. The English words
are the record's ``caption``, ``columns``, text cells, ``machine`` and ``commands`` labels; the
Chinese ones are its ``zh`` part, made here from the same facts, so the Chinese page never
shows an English table (the docs hook stops the build when the part is missing).

Each benchmark script calls :func:`part` when it writes its record. A record written before
the scripts did can be given its part afterwards, from its own English words, with::

    python benchmarks/zh.py docs/figures/benchmarks-onednn.json ...
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

#: Column names, English to Chinese.
COLUMNS = {
    "case": "例子",
    "epochs": "轮数",
    "port s/epoch": "移植版：秒/轮",
    "port wall s": "移植版：实际耗时（秒）",
    "port peak MB": "移植版：内存峰值（MB）",
    "cookbook s/epoch": "本手册：秒/轮",
    "cookbook wall s": "本手册：实际耗时（秒）",
    "cookbook peak MB": "本手册：内存峰值（MB）",
    "epoch ratio": "每轮耗时之比",
    "memory ratio": "内存之比",
    "recipe": "示例",
    "fits": "拟合次数",
    "import s": "导入（秒）",
    "data s": "数据（秒）",
    "build s": "构建（秒）",
    "tracing s": "追踪（秒）",
    "fitting s": "拟合（秒）",
    "evaluation s": "评估与保存（秒）",
    "drawing s": "绘图（秒）",
    "runner s": "运行器（秒）",
    "wall s": "实际耗时（秒）",
    "version": "版本",
    "processes": "进程数",
    "again: same bytes": "再跑一次：字节相同",
    "again: max rel": "再跑一次：最大相对差",
    "loaded: same bytes": "有负载：字节相同",
    "loaded: max rel": "有负载：最大相对差",
    "1 thread: same bytes": "单线程：字节相同",
    "1 thread: max rel": "单线程：最大相对差",
    "oneDNN: same bytes": "oneDNN：字节相同",
    "oneDNN: max rel": "oneDNN：最大相对差",
    "backend": "后端",
    "TensorFlow s": "TensorFlow（秒）",
    "JAX s": "JAX（秒）",
    "PyTorch s": "PyTorch（秒）",
}
#: Text cells, English to Chinese (recipe names are command names and stay as they are).
CELLS = {
    "(import TensorFlow, Keras, matplotlib)": "（导入 TensorFlow、Keras、matplotlib）",
    "total": "合计",
    "yes": "是",
    "no": "否",
    "the original port (62b8f5b)": "最初的移植版（62b8f5b）",
    "programs, before the speed work (3a02e18)": "改写成程序之后、提速之前（3a02e18）",
    "this version": "当前版本",
    "the version of the last speed target (73ee4f2: its LSTM never learned, its grid search "
    "reused networks)": (
        "上一个提速目标时的版本（73ee4f2：其中的 LSTM 学不到东西，网格搜索重复使用网络）"
    ),
    "loss-history + accuracy-history": "loss-history + accuracy-history",
}
#: A failure cell begins with this, then says why (translated by :func:`cell`).
FAILS = ("fails here: ", "在这里失败：")
#: Why a case failed, English to Chinese.
REASONS = {
    "Conv2D channels_first needs oneDNN (AVX-512)": "通道在前的 Conv2D 需要 oneDNN",
    "Conv2D channels_first needs oneDNN (on with AVX512_VNNI, AVX512_BF16, AVX_VNNI or AMX)": (
        "通道在前的 Conv2D 需要 oneDNN（CPU 有 AVX512_VNNI、AVX512_BF16、AVX_VNNI 或 AMX 时才启用）"
    ),
}
COMMANDS = {
    "cookbook --help (s)": "cookbook --help（秒）",
    "cookbook list (s)": "cookbook list（秒）",
    "cookbook figures --data sample (s)": "cookbook figures --data sample（秒）",
}

COMMAND_RE = re.compile(r"Command: `(?P<command>[^`]*)`")
MACHINE_RE = re.compile(
    r"^(?P<cpu>.*?) \((?P<cores>\d+) cores, (?P<memory>[\d.]+) GiB RAM, (?P<system>[^)]*)\); "
    r"CPU features: (?P<features>.*?); TensorFlow's oneDNN: (?P<onednn>\w+); (?P<gpus>.*)$"
)


def machine(line: str) -> str:
    """The machine line (:class:`machine.Machine`'s text) in Chinese."""
    match = MACHINE_RE.match(line)
    if match is None:  # an older, free-form line: its parts in Chinese where known
        return (
            line.replace(", 2 cores", "，2 核")
            .replace(", 24 GiB RAM", "，24 GiB 内存")
            .replace(", no GPU used", "，未使用 GPU")
            .replace(", Linux", "，Linux")
        )
    features = match["features"].replace(", without ", "，不含 ").replace("none of them", "都没有")
    features = features.replace("unknown", "未知")
    onednn = {"on": "开启", "off": "关闭"}.get(match["onednn"], "未知")
    gpus = match["gpus"]
    gpus = {"no GPU": "没有 GPU", "GPUs unknown": "GPU 未知"}.get(
        gpus, gpus.replace("GPU(s)", "块 GPU")
    )
    return (
        f"{match['cpu']}（{match['cores']} 核，{match['memory']} GiB 内存，{match['system']}）；"
        f"CPU 特性：{features}；TensorFlow 的 oneDNN：{onednn}；{gpus}"
    )


def cell(text: str) -> str:
    """One text cell in Chinese (itself when it is a name)."""
    if text.startswith(FAILS[0]):
        reason = text[len(FAILS[0]) :]
        return FAILS[1] + REASONS.get(reason, reason)
    return CELLS.get(text, text)


def bench_caption(epochs: int, lstm_rows: int, lstm_full: int, command: str) -> str:
    return (
        f"完整规模的离线样例数据（与真实数据集形状相同），每次训练 {epochs} 轮；LSTM 在 "
        f"{lstm_rows} 篇影评上计时，再按比例换算到 {lstm_full} 篇。命令：`{command}`"
    )


def profile_caption(size: str, command: str) -> str:
    return (
        f"`cookbook figures --data sample --size {size}` 各阶段所用的秒数，各程序在同一个进程中"
        "依次运行。追踪是每次拟合的第一轮比之后各轮多花的时间（TensorFlow 追踪并编译训练步骤，"
        f"以及第一轮的准备工作）。命令：`{command}`"
    )


SPEED_CAPTION = (
    "`cookbook figures --data sample` 的实际耗时（全部十五个示例，规模 small，包括导入 "
    "TensorFlow 的时间），每个版本运行一次。命令：`python benchmarks/speed.py`"
)
NOISE_CAPTION = (
    "两次运行 `cookbook figures --data sample` 所记录的结果相差多少：与第一次运行相比，文件是否"
    "逐字节相同，以及所有记录的浮点数中最大的相对差。命令：`python benchmarks/noise.py`"
)
ONEDNN_PREFIX = (
    "同一基准测试较早的一次运行，因其中通道在前的那一行而保留：本手册当时为提交 6ff0634，运行在"
    "本项目所用类型的另一台双核 AMD EPYC 机器上，那里的 TensorFlow 能运行移植版的通道在前卷积，"
    "可见 oneDNN 的优化实现处于启用状态（这份记录早于记录 CPU 特性的那一行）。"
)


def part(record: dict[str, Any], caption: str) -> dict[str, Any]:
    """The ``zh`` part of ``record``: ``caption`` (already in Chinese), its columns, text cells,
    machine line and command labels."""
    texts = {value for row in record["rows"] for value in row if isinstance(value, str)}
    found: dict[str, Any] = {
        "caption": caption,
        "columns": [COLUMNS[column] for column in record["columns"]],
        "cells": {text: cell(text) for text in sorted(texts) if cell(text) != text},
    }
    if record.get("machine"):
        found["machine"] = machine(record["machine"])
    if record.get("commands"):
        found["commands"] = {label: COMMANDS.get(label, label) for label in record["commands"]}
    return found


def caption_of(path: Path, record: dict[str, Any]) -> str:
    """The Chinese caption of a record written before the scripts wrote one, from its English
    caption's own facts (the command, the epochs, the LSTM's reviews)."""
    english = record["caption"]
    command = COMMAND_RE.search(english)["command"]
    if path.stem.startswith("benchmarks"):
        rows, full = re.search(r"LSTM timed on (\d+) reviews and scaled to (\d+)", english).groups()
        epochs = int(re.search(r"(\d+) epochs? per training", english)[1])
        caption = bench_caption(epochs, int(rows), int(full), command)
        return (ONEDNN_PREFIX + caption) if english.startswith("An earlier run") else caption
    if path.stem.startswith("profile"):
        size = re.search(r"--size (\w+)", english)[1]
        return profile_caption(size, command)
    return {"speed": SPEED_CAPTION, "noise": NOISE_CAPTION}[path.stem]


def main(paths: list[str]) -> None:
    """Give each record named on the command line its ``zh`` part."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from cookbook.files import write_json

    for name in paths:
        path = Path(name)
        record = json.loads(path.read_text(encoding="utf-8"))
        record["zh"] = part(record, caption_of(path, record))
        write_json(path, record)
        print(f"{path}: zh part written")


if __name__ == "__main__":
    main(sys.argv[1:])
