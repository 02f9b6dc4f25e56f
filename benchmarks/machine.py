"""What a benchmark ran on, in one line: the CPU, the features TensorFlow's speed depends on,
whether oneDNN is on, cores and memory.

Shared by ``bench.py`` and ``phases.py`` so that their records describe a machine the same
way. The CPU features matter more than the model name: TensorFlow's oneDNN kernels (on by
default on Linux only on CPUs with AVX512_VNNI, AVX512_BF16, AVX_VNNI or AMX) change which ops
run at all -- without them the CPU build's Conv2D supports channels-last (NHWC) only -- and how
fast the others are.
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from pathlib import Path

CPUINFO = Path("/proc/cpuinfo")
#: The CPU features a reader of the tables needs, in this order (Linux's names for them).
FEATURES = (
    "avx2",
    "fma",
    "avx512f",
    "avx512_vnni",
    "avx512_bf16",
    "avx_vnni",
    "amx_tile",
    "amx_bf16",
    "amx_int8",
)


@dataclass(frozen=True)
class Machine:
    """The facts one benchmark record states about its machine."""

    cpu: str
    features: tuple[str, ...]  # those of FEATURES the CPU has
    missing: tuple[str, ...]  # those it lacks
    onednn: str  # "on", "off" or "unknown"
    cores: int
    memory_gib: float
    system: str
    gpus: int  # GPUs TensorFlow can see (-1: unknown)

    def __str__(self) -> str:
        if self.features or self.missing:
            lacks = f", without {' '.join(self.missing)}" if self.missing else ""
            features = f"{' '.join(self.features) or 'none of them'}{lacks}"
        else:
            features = "unknown"
        gpus = {0: "no GPU", -1: "GPUs unknown"}.get(self.gpus, f"{self.gpus} GPU(s)")
        return (
            f"{self.cpu} ({self.cores} cores, {self.memory_gib:.0f} GiB RAM, {self.system}); "
            f"CPU features: {features}; TensorFlow's oneDNN: {self.onednn}; {gpus}"
        )


def read_cpuinfo(text: str) -> tuple[str, set[str]]:
    """The CPU's model name and feature flags from the text of ``/proc/cpuinfo`` (its first
    processor; ``Features`` is where ARM lists them). The name is empty when not stated."""
    name, flags = "", set()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "model name" and not name:
            name = value.strip()
        elif key in ("flags", "Features") and not flags:
            flags = set(value.split())
    return name, flags


def onednn_state() -> str:
    """``on`` or ``off``: whether TensorFlow runs its oneDNN kernels in this process (it
    decides from the CPU and ``TF_ENABLE_ONEDNN_OPTS``); ``unknown`` where TensorFlow cannot
    say (not installed, or a build without the private function asked)."""
    try:
        from tensorflow.python.util import _pywrap_util_port
    except ImportError:
        return "unknown"
    try:
        return "on" if _pywrap_util_port.IsMklEnabled() else "off"
    except AttributeError:
        return "unknown"


def visible_gpus() -> int:
    """How many GPUs TensorFlow can use here (-1 when TensorFlow is not installed)."""
    try:
        import tensorflow as tf
    except ImportError:
        return -1
    return len(tf.config.list_physical_devices("GPU"))


def memory_gib() -> float:
    """Physical memory in GiB (0 where the system does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        return 0.0


def this_machine(cpuinfo: Path = CPUINFO) -> Machine:
    """The :class:`Machine` this process runs on (imports TensorFlow to ask about oneDNN
    and GPUs)."""
    try:
        name, flags = read_cpuinfo(cpuinfo.read_text(encoding="utf-8", errors="replace"))
    except OSError:  # not Linux
        name, flags = "", set()
    return Machine(
        cpu=name or platform.processor() or platform.machine() or "unknown CPU",
        features=tuple(feature for feature in FEATURES if feature in flags),
        missing=tuple(feature for feature in FEATURES if feature not in flags) if flags else (),
        onednn=onednn_state(),
        cores=os.cpu_count() or 0,
        memory_gib=memory_gib(),
        system=platform.system() or "unknown system",
        gpus=visible_gpus(),
    )


def describe(cpuinfo: Path = CPUINFO) -> str:
    """One line for a record's ``machine`` key (the docs print it under the table)."""
    return str(this_machine(cpuinfo))
