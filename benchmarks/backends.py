"""The recipes on each Keras backend: seconds per recipe, and how close the LSTM and the CNN
come to the CPU's dense-compute peak.

Run from the repository root (after ``pip install -e '.[jax,torch]'``)::

    python benchmarks/backends.py                             # both parts, size small
    python benchmarks/backends.py --size tiny --parts recipes --backends jax,torch
    python benchmarks/backends.py --parts throughput --steps 2
    python benchmarks/backends.py --json docs/figures/backends.json \\
        --throughput-json docs/figures/throughput.json

**Recipes.** For each backend, one fresh Python process (Keras reads its backend once, when
it is first imported) runs every recipe as ``cookbook figures --data sample --size SIZE
--jobs 1 --backend B`` runs them -- through :func:`cookbook.runner.figures`, into a temporary
folder -- and reports each recipe's seconds, or why it failed. The table has one row per
recipe and one column per backend, and a last row with each process's whole wall time
(the imports included). A backend that is not installed is a column that says so.

**Throughput.** For the LSTM and the CNN, one process per backend runs the recipe's own
program on the full-size sample data (the real datasets' shapes: 25000 reviews of 400 words,
60000 images of 28x28), with the parameters ``--size full`` gives it (the LSTM: every review,
in the chapter's batches of 1000), and times a few training steps after the first (which traces and
compiles); the run stops there, before the rest of the epoch. The work of one step is worked
out from the network, layer by layer (:func:`training_flops`), in multiply-adds counted as
two floating-point operations (FLOP); what is not a matrix product -- activations, pooling,
dropout, the optimizer's update, an embedding's lookup -- is left out, under 1 % here. For
one sample, with ``fwd`` the forward FLOP of a layer with weights:

* Dense, ``n`` inputs to ``m`` units: ``fwd = 2 n m``;
* Conv2D, ``k_h x k_w`` kernels over ``c`` channels to ``f`` filters, an ``H x W`` output:
  ``fwd = 2 H W k_h k_w c f``;
* LSTM, ``T`` steps of ``d`` inputs to ``u`` units (four gates): ``fwd = 2 T (d + u) 4u``;
* training = forward + the weights' gradients (``fwd`` again) + the inputs' gradients (``fwd``
  again), except for a layer that reads the network's input directly: no gradient flows
  into the data, so that layer costs ``2 fwd``.

The chapter's LSTM (Embedding 1000x128, LSTM 128 over 400 steps, Dense 1) is ``fwd = 2 * 400
* (128 + 128) * 512 = 104.9 MFLOP`` per review and trains at ``3 fwd = 314.6 MFLOP`` per review
(the Embedding is trained, so the LSTM's input gradient is needed): 314.6 GFLOP per batch of
1000. The CNN (Conv2D 64 5x5 on 28x28x1 giving 24x24x64, MaxPooling to 12x12x64, Dense 9216 to
128, Dense 128 to 10) is ``2 * 1.843 + 3 * (2.359 + 0.003) = 10.77 MFLOP`` per image: 10.77
GFLOP per batch of 1000.

**The peak** (:func:`cpu_peak`) is ``cores x clock x FLOP per cycle per core``, float32. FLOP
per cycle come from the widest vector instructions the CPU lists in ``/proc/cpuinfo``: lanes
of float32 per register (16 with ``avx512f``, 8 with ``avx``/``avx2``, 4 with SSE only), times
2 with ``fma`` (a fused multiply-add is two FLOP), times 2 FMA units per core (what current
x86 server cores have): 64 with AVX-512, 32 with AVX2 and FMA. The clock is ``cpu MHz`` from
``/proc/cpuinfo`` (under a hypervisor, the nominal clock it reports; a core that boosts runs
faster, and two virtual cores may share one physical core), so the peak is an estimate, and
the fraction of it a guide, not a measurement. Some cores run AVX-512 on 256-bit units (AMD
Zen 4) or have one 512-bit FMA unit (some Intel Xeons): their real peak is half this.

Nothing here is a test: the machines are shared and noisy, so read the figures, do not
assert them.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import zh
from bench import failure_reason
from machine import CPUINFO, describe, read_cpuinfo

BACKENDS = ("tensorflow", "jax", "torch")
#: How the table names each backend (the column says ``NAME s``).
BACKEND_NAMES = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}
NETWORKS = ("lstm", "cnn")
#: What a cell shows where there is no number.
NO_NUMBER = "–"
THROUGHPUT_COLUMNS = [
    "network", "backend", "batch", "GFLOP per step", "s per step", "GFLOP/s", "% of peak",
]  # fmt: skip
#: Chinese words for the columns and cells this script adds to those ``zh.py`` knows.
ZH_COLUMNS = {
    "network": "网络",
    "batch": "批大小",
    "GFLOP per step": "每步 GFLOP",
    "s per step": "每步秒数",
    "GFLOP/s": "GFLOP/秒",
    "% of peak": "占峰值的百分比",
}
ZH_CELLS = {
    "total (process wall time)": "合计（进程实际耗时）",
    "not installed": "未安装",
}


# --------------------------------------------------------------------------------------
# The work of one training step, and the machine's peak
# --------------------------------------------------------------------------------------


def layer_forward_flops(layer: Any) -> float:
    """Forward FLOP for one sample through ``layer`` (0 for a layer without a matrix product).

    Read off the built layer (its weights' shapes and its output shape), so that the count
    follows the recipe as it is written.
    """
    kind = type(layer).__name__
    if kind == "Dense":
        inputs, units = layer.kernel.shape
        return 2.0 * inputs * units
    if kind == "Conv2D":
        kernel_h, kernel_w, channels, filters = layer.kernel.shape
        shape = layer.output.shape  # (batch, H, W, filters), or (batch, filters, H, W)
        height, width = shape[2:] if layer.data_format == "channels_first" else shape[1:3]
        return 2.0 * height * width * kernel_h * kernel_w * channels * filters
    if kind == "LSTM":
        steps = layer.input.shape[1]
        inputs = layer.cell.kernel.shape[0]
        units = layer.cell.units
        return 2.0 * steps * (inputs + units) * 4 * units
    return 0.0


def training_flops(network: Any) -> float:
    """FLOP of one training step per sample: forward, weight gradients, input gradients.

    Every layer with a matrix product costs three times its forward work, except the first
    layer with weights when nothing trainable comes before it: the data need no gradient.
    """
    total, trainable_before = 0.0, False
    for layer in network.layers:
        forward = layer_forward_flops(layer)
        if forward:
            total += forward * (3 if trainable_before else 2)
        if layer.trainable_weights:
            trainable_before = True
    return total


@dataclass(frozen=True)
class Peak:
    """The CPU's float32 dense-compute peak, and how it was worked out."""

    gflops: float
    cores: int
    mhz: float
    flop_per_cycle: int
    how: str
    how_zh: str = ""  # the same in Chinese, for the record's Chinese part


def flop_per_cycle(flags: set[str], fma_units: int = 2) -> tuple[int, str, str]:
    """Float32 FLOP per cycle per core from the CPU's feature flags, and the reason in words,
    in English and in Chinese."""
    if "avx512f" in flags:
        lanes, isa = 16, "AVX-512"
    elif "avx2" in flags or "avx" in flags:
        lanes, isa = 8, "AVX2" if "avx2" in flags else "AVX"
    else:
        lanes, isa = 4, "SSE"
    if "fma" in flags:
        return (
            fma_units * lanes * 2,
            f"{isa}+FMA: {fma_units} FMA units x {lanes} lanes x 2",
            f"{isa}+FMA：{fma_units} 个 FMA 单元 × {lanes} 个通道 × 2",
        )
    return (
        fma_units * lanes,
        f"{isa} without FMA: {fma_units} units x {lanes} lanes",
        f"{isa}，没有 FMA：{fma_units} 个单元 × {lanes} 个通道",
    )


def read_mhz(text: str) -> float:
    """The first ``cpu MHz`` of ``/proc/cpuinfo`` text (0 when it is not stated)."""
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "cpu MHz":
            with contextlib.suppress(ValueError):
                return float(value)
    return 0.0


def cpu_peak(cpuinfo: Path = CPUINFO) -> Peak:
    """This machine's peak: cores x clock x FLOP per cycle (see the module's docstring)."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    _, flags = read_cpuinfo(text)
    per_cycle, why, why_zh = flop_per_cycle(flags)
    mhz, cores = read_mhz(text), os.cpu_count() or 1
    gflops = cores * mhz * per_cycle / 1000
    how = (
        f"{cores} cores x {mhz / 1000:.3f} GHz (cpu MHz in /proc/cpuinfo) x {per_cycle} FLOP "
        f"per cycle ({why}) = {gflops:.0f} GFLOP/s float32"
    )
    how_zh = (
        f"{cores} 核 × {mhz / 1000:.3f} GHz（/proc/cpuinfo 中的 cpu MHz）× 每周期 {per_cycle} "
        f"次浮点运算（{why_zh}）= {gflops:.0f} GFLOP/s（float32）"
    )
    return Peak(gflops, cores, mhz, per_cycle, how, how_zh)


# --------------------------------------------------------------------------------------
# Child processes: one backend each
# --------------------------------------------------------------------------------------


def start_backend(backend: str) -> None:
    """Choose ``backend`` and import Keras quietly, as ``cookbook`` itself does."""
    from cookbook.process import choose_backend, import_keras_quietly

    choose_backend(backend)
    import_keras_quietly()
    import keras
    import matplotlib

    matplotlib.use("Agg")
    keras.config.disable_interactive_logging()


def child_recipes(backend: str, size: str, names: list[str]) -> None:
    """Child: run ``names`` as ``cookbook figures`` does; one JSON line per recipe."""
    started = time.perf_counter()
    start_backend(backend)
    from cookbook import recipes, runner
    from cookbook.settings import Settings

    chosen = names or list(recipes.NAMES)
    with tempfile.TemporaryDirectory() as out:
        settings = Settings(data="sample", size=size, out=Path(out), backend=backend)
        # Whatever the programs print goes to stderr: stdout carries the measurements only.
        with contextlib.redirect_stdout(sys.stderr):
            outcomes = runner.figures(chosen, settings, jobs=1)
    for outcome in outcomes:
        print(
            json.dumps(
                {
                    "name": outcome.name,
                    "status": outcome.status,
                    "seconds": outcome.seconds,
                    "message": outcome.message,
                }
            ),
            flush=True,
        )
    print(json.dumps({"name": None, "seconds": time.perf_counter() - started}))


class EnoughSteps(Exception):
    """Raised by :func:`step_clock` once the steps to time have run: the program stops."""


def step_clock(steps: int, found: dict[str, Any]) -> Any:
    """A Keras callback that times training steps 2 to ``steps + 1`` of the first fit, then
    stops the program (the rest of the epoch, the evaluation and the figure are not needed)."""
    import keras

    class StepClock(keras.callbacks.Callback):
        def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
            # Reading the loss waits for the step (JAX dispatches it and returns at once).
            float((logs or {}).get("loss", 0.0))
            if batch == 0:  # the first step traces and compiles: not timed
                self.started = time.perf_counter()
                return
            if batch >= steps:
                found["seconds_per_step"] = (time.perf_counter() - self.started) / steps
                found["steps"] = steps
                found["flops_per_sample"] = training_flops(self.model)
                raise EnoughSteps

    return StepClock()


def child_throughput(backend: str, network: str, steps: int) -> None:
    """Child: time ``steps`` training steps of recipe ``network`` at full size; one JSON line."""
    start_backend(backend)
    import keras

    from cookbook import data, program, recipes

    found: dict[str, Any] = {}
    original_fit = keras.Model.fit

    def noted_fit(model, *args, batch_size=None, **kwargs):
        found["batch"] = batch_size
        return original_fit(model, *args, batch_size=batch_size, **kwargs)

    # The parameters ``cookbook train --size full`` gives the program (the LSTM: every
    # review, in the chapter's batches of 1000), and one epoch that the clock cuts short.
    overrides: dict[str, Any] = dict(recipes.entry(network).sizes.get("full", {}))
    overrides.update(epochs=1, verbose=0, callbacks=[step_clock(steps, found)])
    keras.Model.fit = noted_fit
    try:
        with (
            tempfile.TemporaryDirectory() as folder,
            data.using(source="sample", size="full"),
            contextlib.redirect_stdout(sys.stderr),
        ):
            overrides["folder"] = Path(folder)
            program.execute(program.module_path(network), overrides)
    except EnoughSteps:
        pass
    finally:
        keras.Model.fit = original_fit
    if "seconds_per_step" not in found:
        raise SystemExit(f"{network}: the program trained fewer than {steps + 1} steps")
    print(json.dumps(found))


# --------------------------------------------------------------------------------------
# The driver
# --------------------------------------------------------------------------------------


def installed(backend: str) -> bool:
    """Whether ``backend``'s library can be imported here."""
    return importlib.util.find_spec(backend) is not None


def run_child(args: list[str], timeout: float) -> tuple[list[dict[str, Any]], str]:
    """Run this script with ``args`` in a fresh process; its JSON lines, and why it failed
    (empty when it did not)."""
    command = [sys.executable, __file__, *args]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL=os.environ.get("TF_CPP_MIN_LOG_LEVEL", "3"))
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return [], f"fails here: over {timeout:.0f} s"
    lines = []
    for line in proc.stdout.splitlines():
        with contextlib.suppress(ValueError):
            lines.append(json.loads(line))
    if proc.returncode != 0:
        return lines, failure_reason(proc.returncode, proc.stderr)
    return lines, ""


def recipe_times(backends: list[str], size: str, names: list[str], timeout: float) -> dict:
    """``{backend: {recipe: seconds or why not, None: process wall seconds}}``."""
    found: dict[str, dict[Any, Any]] = {}
    for backend in backends:
        if not installed(backend):
            found[backend] = {"*": "not installed"}
            continue
        lines, failure = run_child(["--child-recipes", backend, size, *names], timeout)
        cells: dict[Any, Any] = {}
        for line in lines:
            if line["name"] is None:
                cells[None] = round(line["seconds"], 1)
            elif line["status"] == "done":
                cells[line["name"]] = round(line["seconds"], 1)
            else:
                cells[line["name"]] = f"{line['status']}: {line['message']}"
        if failure:
            cells["*"] = failure
        found[backend] = cells
        print(f"{backend}: {json.dumps(cells, default=str)}", file=sys.stderr, flush=True)
    return found


def recipe_rows(found: dict[str, dict[Any, Any]], names: list[str]) -> list[list[Any]]:
    """One row per recipe, a column per backend, and the processes' wall times."""
    rows = []
    for name in names:
        rows.append(
            [name, *(cells.get(name, cells.get("*", NO_NUMBER)) for cells in found.values())]
        )
    rows.append(
        ["total (process wall time)", *(cells.get(None, NO_NUMBER) for cells in found.values())]
    )
    return rows


def throughput_rows(backends: list[str], steps: int, peak: Peak, timeout: float) -> list:
    """One row per network and backend: work per step, seconds per step, rate, share of peak."""
    rows = []
    for network in NETWORKS:
        for backend in backends:
            name = BACKEND_NAMES[backend]
            if not installed(backend):
                rows.append(
                    [network, name, NO_NUMBER, NO_NUMBER, "not installed", NO_NUMBER, NO_NUMBER]
                )
                continue
            lines, failure = run_child(
                ["--child-throughput", backend, network, "--steps", str(steps)], timeout
            )
            if failure or not lines:
                rows.append([network, name, NO_NUMBER, NO_NUMBER, failure, NO_NUMBER, NO_NUMBER])
                continue
            found = lines[-1]
            gflop = found["flops_per_sample"] * found["batch"] / 1e9
            rate = gflop / found["seconds_per_step"]
            rows.append(
                [
                    network,
                    name,
                    found["batch"],
                    round(gflop, 2),
                    round(found["seconds_per_step"], 2),
                    round(rate, 1),
                    round(100 * rate / peak.gflops, 1) if peak.gflops else NO_NUMBER,
                ]
            )
            print(" | ".join(str(cell) for cell in rows[-1]), file=sys.stderr, flush=True)
    return rows


def steps_timed(steps: int) -> str:
    """``"1 step timed"``, ``"3 steps timed"``."""
    return f"{steps} step timed" if steps == 1 else f"{steps} steps timed"


def print_table(columns: list[str], rows: list[list[Any]]) -> None:
    """The table as text, one line per row."""
    print(" | ".join(columns))
    for row in rows:
        print(" | ".join(str(cell) for cell in row))


def zh_part(record: dict[str, Any], caption: str) -> dict[str, Any]:
    """The record's Chinese words (what the docs show on the Chinese page), from ``zh.py``'s
    dictionaries and this script's own additions."""
    columns = {**zh.COLUMNS, **ZH_COLUMNS}
    texts = {value for row in record["rows"] for value in row if isinstance(value, str)}

    def cell(text: str) -> str:
        return ZH_CELLS.get(text) or zh.cell(text)

    return {
        "caption": caption,
        "columns": [columns.get(column, column) for column in record["columns"]],
        "cells": {text: cell(text) for text in sorted(texts) if cell(text) != text},
        "machine": zh.machine(record["machine"]),
    }


def write_record(path: Path, columns: list[str], rows: list, caption: str, zh_caption: str) -> None:
    """A record in the shape of the other benchmark records (``caption``, ``columns``,
    ``rows``, ``machine``, ``versions``), with its Chinese words."""
    from cookbook import records
    from cookbook.files import write_json

    start_backend("tensorflow")
    record: dict[str, Any] = {
        "caption": caption,
        "columns": columns,
        "rows": rows,
        "machine": describe(),
        "versions": {**records.versions(), **backend_versions()},
    }
    record["zh"] = zh_part(record, zh_caption)
    write_json(path, record)
    print(f"{path}: written", file=sys.stderr)


def backend_versions() -> dict[str, str]:
    """The installed versions of JAX and PyTorch (without importing them)."""
    from importlib import metadata

    found = {}
    for module, distribution in (("jax", "jax"), ("torch", "torch")):
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[module] = metadata.version(distribution)
    return found


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line; unknown backends, parts and sizes are refused before anything runs."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default=",".join(BACKENDS), help=f"comma list of {BACKENDS}")
    parser.add_argument("--parts", default="recipes,throughput", help="recipes, throughput or both")
    parser.add_argument("--size", default="small", choices=("tiny", "small", "full"))
    parser.add_argument("--recipes", default="", help="comma list of recipes (default: all)")
    parser.add_argument("--steps", type=int, default=3, help="timed training steps (default 3)")
    parser.add_argument(
        "--timeout", type=float, default=3600, help="seconds one process may take (default 3600)"
    )
    parser.add_argument("--json", type=Path, help="write the recipe times as a JSON record here")
    parser.add_argument(
        "--throughput-json", type=Path, help="write the throughput table as a JSON record here"
    )
    parser.add_argument("--child-recipes", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--child-throughput", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.backends = [name for name in args.backends.split(",") if name]
    args.parts = [name for name in args.parts.split(",") if name]
    args.recipes = [name for name in args.recipes.split(",") if name]
    if set(args.backends) - set(BACKENDS):
        parser.error(f"unknown backend(s): {', '.join(sorted(set(args.backends) - set(BACKENDS)))}")
    if set(args.parts) - {"recipes", "throughput"}:
        parser.error("--parts takes recipes, throughput or both")
    if args.steps < 1:
        parser.error("--steps must be at least 1")
    return args


def main(argv: list[str] | None = None) -> None:
    """Measure the chosen parts, print the tables, and write the records asked for."""
    args = parse_args(argv)
    if args.child_recipes:
        backend, size, *names = args.child_recipes
        child_recipes(backend, size, names)
        return
    if args.child_throughput:
        child_throughput(*args.child_throughput, args.steps)
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from cookbook import recipes

    command = "python benchmarks/backends.py " + " ".join(sys.argv[1:])
    if "recipes" in args.parts:
        names = args.recipes or list(recipes.NAMES)
        found = recipe_times(args.backends, args.size, args.recipes, args.timeout)
        columns = ["recipe", *(f"{BACKEND_NAMES[b]} s" for b in args.backends)]
        rows = recipe_rows(found, names)
        print_table(columns, rows)
        if args.json:
            caption = (
                f"Seconds per recipe on each Keras backend: `cookbook figures --data sample "
                f"--size {args.size} --jobs 1 --backend B`, one process per backend "
                f"(loss-history and accuracy-history share one run, so one time); the last row "
                f"is each process's wall time, imports included. Command: `{command}`"
            )
            zh_caption = (
                f"每个示例在各个 Keras 后端上所用的秒数：`cookbook figures --data sample --size "
                f"{args.size} --jobs 1 --backend B`，每个后端一个进程（loss-history 和 "
                f"accuracy-history 共用一次运行，所以时间相同）；最后一行是每个进程的实际耗时，"
                f"包括导入。命令：`{command}`"
            )
            write_record(args.json, columns, rows, caption, zh_caption)
    if "throughput" in args.parts:
        peak = cpu_peak()
        print(f"peak: {peak.how}")
        rows = throughput_rows(args.backends, args.steps, peak, args.timeout)
        print_table(THROUGHPUT_COLUMNS, rows)
        if args.throughput_json:
            caption = (
                f"Training throughput at full size (the recipe's own program and batch, "
                f"{steps_timed(args.steps)} after the first), against the CPU's peak: "
                f"{peak.how}. Command: `{command}`"
            )
            zh_caption = (
                f"完整规模下的训练吞吐量（示例自己的程序和批大小，第一步之后计时 {args.steps} "
                f"步），与 CPU 的峰值相比：{peak.how_zh}。命令：`{command}`"
            )
            write_record(args.throughput_json, THROUGHPUT_COLUMNS, rows, caption, zh_caption)


if __name__ == "__main__":
    main()
