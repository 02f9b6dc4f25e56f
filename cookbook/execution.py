"""Running one recipe's program for the CLI, and recording what each of its sections printed.

A recipe is a plain program (:mod:`cookbook.program`); this module is everything the command
line adds around one run of it, from outside:

* **parameters** -- the program's ``folder`` becomes the run folder, its ``callbacks`` get
  :mod:`cookbook.callbacks` (resume, progress, stopping), its ``seed`` and ``epochs`` come from
  the options, and ``--size`` sets the few parameters that scale with it (computed once per
  run, by :func:`program_parameters`);
* **data** -- the source and size apply to every loader the program calls
  (:func:`cookbook.data.using`), and each load is recorded;
* **output** -- what each section prints (a model summary, ``print`` lines, Keras's line per
  epoch) is captured for the record, with the timings Keras prints replaced by ``[time]`` so
  that a rerun records the same bytes; ``-v`` also shows it as it happens.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from cookbook import data, program
from cookbook.recipes import Entry
from cookbook.settings import Settings

#: The terminal width a program's output is recorded at (a model summary is as wide as the
#: terminal): the width Python assumes when the output is not a terminal.
COLUMNS = 80
#: Keras's ``verbose=2`` line starts with the steps, the epoch's seconds and the time per step:
#: ``50/50 - 1s - 14ms/step - accuracy: ...``.
TIMING_RE = re.compile(
    r"^(?P<steps>\s*\d+/\d+) - \d+s - \d+(?:s|ms|us)/(?P<unit>step|epoch)\b", re.M
)
TIME, TIME_PER_STEP = "[time]", "[time per step]"


def resolve_sources(entries: list[Entry], settings: Settings) -> dict[str, str]:
    """Where each dataset of ``entries`` comes from (``keras`` or ``sample``), decided once."""
    sources = {}
    for entry in entries:
        if entry.dataset in data.SAMPLE_SIZES and entry.dataset not in sources:
            timeout = settings.download_timeout or (
                data.AUTO_TIMEOUT if settings.data == "auto" else data.cache.TIMEOUT
            )
            sources[entry.dataset] = data.resolve_source(entry.dataset, settings.data, timeout)
    return sources


def effective_size(entry: Entry, settings: Settings, sources: dict[str, str]) -> str:
    """The size a run has: ``--size``, except that the real data is always ``full``."""
    return "full" if sources.get(entry.dataset or "") == "keras" else settings.size


def program_parameters(entry: Entry, settings: Settings, sources: dict[str, str]) -> dict:
    """The parameters the options set: those of ``--size`` (real data counts as ``full``)
    and of ``--epochs``."""
    values = dict(entry.sizes.get(effective_size(entry, settings, sources), {}))
    if settings.epochs is not None:
        values.update(entry.epochs(settings.epochs))
    return values


def run_identity(
    entry: Entry, settings: Settings, sources: dict[str, str], parameters: dict[str, Any]
) -> dict[str, Any]:
    """Everything outside the training that a resumed run must share with the interrupted
    one. The number of epochs is the training's own (:class:`cookbook.callbacks.Backup`
    compares it), so ``--epochs 3`` and the chapter's three are the same run."""
    from cookbook.records import jsonable

    scaled = {key: value for key, value in parameters.items() if key not in entry.epochs(1)}
    return {
        "program": entry.module,
        "data": settings.data if not sources else ",".join(sorted(sources.values())),
        "size": settings.size,
        "seed": settings.seed,
        **jsonable(scaled),
    }


def make_callbacks(
    entry: Entry, settings: Settings, backup: Path | None, namespace: dict[str, Any]
) -> list[Any]:
    """The callbacks the runner hands the program: stopping, backup for resume, progress."""
    from cookbook import callbacks

    handed: list[Any] = [callbacks.StopWhenAsked()]
    if backup is not None:
        handed.append(callbacks.Backup(backup, resume=settings.resume))
    if settings.progress:
        if entry.fit_count is not None:
            handed.append(callbacks.FitCounter(entry.module, entry.fit_count(namespace)))
        else:
            handed.append(callbacks.EpochProgress(entry.module))
    return handed


@dataclass
class ProgramRun:
    """One run of a program: its variables at the end, the data it loaded, what each section
    printed, and the figures it left open."""

    namespace: dict[str, Any]
    loads: list[dict[str, Any]]
    output: dict[str, str]
    figures: set[int] = field(default_factory=set)

    def close_figures(self) -> None:
        """Close the figures the program opened (pyplot keeps them alive otherwise)."""
        import matplotlib.pyplot as plt

        for number in self.figures:
            plt.close(number)
        self.figures = set()


def run_program(
    entry: Entry,
    settings: Settings,
    sources: dict[str, str],
    parameters: dict[str, Any],
    folder: Path,
    backup: Path | None,
) -> ProgramRun:
    """Run ``entry``'s program with its files going to ``folder`` (and, for a resumable one,
    its training state to ``backup``)."""
    import keras
    import matplotlib

    matplotlib.use("Agg")  # files only: no window
    import matplotlib.pyplot as plt

    path = program.module_path(entry.module)
    names = program.parameter_names_of(path)

    def overrides(namespace: dict[str, Any]) -> dict[str, Any]:
        values = {
            "folder": folder,
            "seed": settings.seed,
            "callbacks": make_callbacks(entry, settings, backup, {**namespace, **parameters}),
        }
        values = {key: value for key, value in values.items() if key in names}
        values.update(parameters)
        return values

    keras.backend.clear_session()  # fresh layer names and memory for every program
    before = set(plt.get_fignums())
    output: dict[str, str] = {}
    echo = sys.stdout if settings.echo else None
    try:
        with (
            data.using(settings.data, settings.size),
            data.recording() as loads,
            _terminal_width(COLUMNS),
            program.listening(lambda _, section: _captured(section, output, echo, folder)),
        ):
            namespace = program.execute(path, overrides)
    except BaseException:
        for number in set(plt.get_fignums()) - before:
            plt.close(number)
        raise
    return ProgramRun(namespace, loads, output, set(plt.get_fignums()) - before)


@contextlib.contextmanager
def _captured(
    section: str, output: dict[str, str], echo: TextIO | None, folder: Path
) -> Iterator[None]:
    """Capture what ``section`` prints into ``output[section]`` (and echo it, with ``-v``).

    The record keeps what the program prints when run on its own, from its own folder
    (``folder = Path(".")``): the run folder, a private temporary one that the files leave
    when they are published, is taken out of the paths it prints."""
    buffer = io.StringIO()
    stream: TextIO = _Tee(buffer, echo) if echo is not None else buffer
    try:
        with contextlib.redirect_stdout(stream):
            yield
    finally:
        text = without_timings(buffer.getvalue()).replace(f"{folder}{os.sep}", "")
        if text:
            output[section] = text


def without_timings(text: str) -> str:
    """``text`` with the seconds and time per step of Keras's epoch lines replaced."""
    return TIMING_RE.sub(lambda m: f"{m['steps']} - {TIME} - {TIME_PER_STEP}", text)


class _Tee(io.TextIOBase):
    """Write to a buffer and to a stream at once (what ``-v`` shows is what is recorded).

    Should the stream's reader go away (``cookbook train -v | head``), the echo stops and
    the recording goes on: a broken pipe is no reason to lose a training."""

    def __init__(self, buffer: io.StringIO, stream: TextIO) -> None:
        self.buffer_, self.stream = buffer, stream

    def write(self, text: str) -> int:
        self.buffer_.write(text)
        self._echo(lambda stream: stream.write(text))
        return len(text)

    def flush(self) -> None:
        self._echo(lambda stream: stream.flush())

    def _echo(self, action: Any) -> None:
        if self.stream is None:
            return
        try:
            action(self.stream)
        except (OSError, ValueError):  # a broken pipe, a closed stream
            self.stream = None

    def isatty(self) -> bool:
        return False


@contextlib.contextmanager
def _terminal_width(columns: int) -> Iterator[None]:
    """Make the terminal ``columns`` wide for the block (``COLUMNS``, which Python's
    ``shutil.get_terminal_size`` and rich read first), whatever the real one is."""
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(columns)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = saved
