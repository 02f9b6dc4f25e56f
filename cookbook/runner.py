"""Running recipes for the CLI: settings in; model files, figures and records out.

A recipe is a plain program (see :mod:`cookbook.program`). Everything the command line adds
happens here, around it:

* **parameters** -- the program's ``folder`` becomes a private run folder, its ``callbacks``
  get :mod:`cookbook.callbacks` (resume, progress), its ``seed``, ``epochs`` and ``verbose``
  come from the options, and ``--size`` sets the few parameters that scale with it;
* **data** -- the source and size apply to every loader the program calls
  (:func:`cookbook.data.using`), and each load is recorded;
* **one run per output** -- a lock per recipe output, taken over when its owner died;
* **publishing** -- a run's files appear together or not at all: ``cookbook train`` swaps
  the whole run folder into ``OUT/NAME/`` with its ``results.json``; ``cookbook figures``
  renames a figure and its record into place together. An interrupted run leaves the last
  complete one untouched; a resumable one keeps its progress in ``OUT/MODULE.partial/``;
* **records** -- what ran, on what data, and what came out, so every number in the docs
  comes from a run.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cookbook import data, program, recipes
from cookbook.errors import CookbookError, ProgramMissing, ResumeMismatch, UsageError
from cookbook.io import (
    lock,
    publish_files,
    recover_folder,
    replace_folder,
    temporary_beside,
    write_json,
)
from cookbook.recipes import Entry
from cookbook.settings import Settings

RESULTS_NAME = "results.json"
RESUME_FOLDER = ".resume"
RUN_FILE = "run.json"
#: Results are recorded to this many significant digits: more than any page shows, and
#: free of the float noise in the last digits.
DIGITS = 6


@dataclass
class Outcome:
    """What happened to one recipe of a run."""

    name: str
    status: str  # "done", "skipped" or "failed"
    seconds: float = 0.0
    record: dict[str, Any] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)
    message: str = ""
    #: The program's variables at its end (for tests and benchmarks; never recorded).
    namespace: dict[str, Any] = field(default_factory=dict, repr=False)


Report = Callable[[str], None]
#: Each program's section times in seconds, by program module (``{module: {section:
#: seconds}}``): what the runner fills in when asked, for the benchmarks' profile.
Timings = dict[str, dict[str, float]]


def _quiet(_: str) -> None:
    pass


# --- the program's parameters ---------------------------------------------------------------


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


def scaled_parameters(entry: Entry, settings: Settings, sources: dict[str, str]) -> dict:
    """The parameters set by ``--size`` (real data counts as ``full``) and ``--epochs``."""
    size = "full" if sources.get(entry.dataset or "") == "keras" else settings.size
    values = dict(entry.sizes.get(size, {}))
    if settings.epochs is not None:
        values.update(entry.epochs(settings.epochs))
    return values


def run_identity(entry: Entry, settings: Settings, sources: dict[str, str]) -> dict[str, Any]:
    """Everything outside the network that a resumed run must share with the interrupted one."""
    return {
        "program": entry.module,
        "data": settings.data if not sources else ",".join(sorted(sources.values())),
        "size": settings.size,
        "seed": settings.seed,
        **jsonable(scaled_parameters(entry, settings, sources)),
    }


def make_callbacks(
    entry: Entry, settings: Settings, state_dir: Path | None, namespace: dict[str, Any]
) -> list[Any]:
    """The callbacks the runner hands the program: backup for resume, and progress lines."""
    from cookbook import callbacks

    handed: list[Any] = [callbacks.StopWhenAsked()]
    if state_dir is not None:
        handed.append(callbacks.Backup(state_dir, resume=settings.resume))
    if settings.progress:
        if entry.fits is not None:
            handed.append(callbacks.FitCounter(entry.module, entry.fits(namespace)))
        else:
            handed.append(callbacks.EpochProgress(entry.module))
    return handed


# --- running the program ---


def import_keras_quietly() -> None:
    """Import Keras with TensorFlow's native start-up lines (oneDNN, CPU features) hidden.

    TensorFlow's C++ core prints them straight to file descriptor 2 before any logging
    setting applies, so stderr is pointed at /dev/null for the import only.
    """
    if "keras" in sys.modules:
        return
    from cookbook.io import signals_deferred

    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        # Ctrl-C waits for the import to finish: some libraries' imports catch every
        # exception, KeyboardInterrupt included, and would swallow it.
        with signals_deferred():
            import keras  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


# --------------------------------------------------------------------


@contextlib.contextmanager
def private_tempdir() -> Iterator[Path]:
    """A temporary folder for everything the run's libraries put in TMPDIR, removed on every
    way out (Keras stages large saves there; a full disk would otherwise leave them)."""
    folder = Path(tempfile.mkdtemp(prefix="cookbook-"))
    saved = tempfile.tempdir
    tempfile.tempdir = str(folder)
    try:
        yield folder
    finally:
        tempfile.tempdir = saved
        shutil.rmtree(folder, ignore_errors=True)


def execute(
    entry: Entry,
    settings: Settings,
    sources: dict[str, str],
    folder: Path,
    state_dir: Path | None,
    timings: Timings | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Run ``entry``'s program with its output in ``folder``; return its variables and the
    datasets it loaded.

    ``timings``, if given, receives the wall time of each section of the program, in seconds,
    under ``timings[entry.module]`` (a fresh dict for every run; see
    :func:`cookbook.program.execute`). It changes nothing else.
    """
    import keras
    import matplotlib

    matplotlib.use("Agg")  # files only: no window
    import matplotlib.pyplot as plt

    path = program.module_path(entry.module)
    parameters = program.parameter_names(
        next(s for s in program.read_sections(path) if s.name == program.PARAMETERS)
    )

    def overrides(namespace: dict[str, Any]) -> dict[str, Any]:
        scaled = scaled_parameters(entry, settings, sources)
        values = {
            "folder": folder,
            "seed": settings.seed,
            "verbose": settings.verbose,
            "callbacks": make_callbacks(entry, settings, state_dir, {**namespace, **scaled}),
        }
        values = {key: value for key, value in values.items() if key in parameters}
        values.update(scaled)
        return values

    keras.backend.clear_session()  # fresh layer names and memory for every program
    before = set(plt.get_fignums())
    size = settings.size
    printed = io.StringIO()
    quiet = (
        contextlib.redirect_stdout(printed) if not settings.verbose else contextlib.nullcontext()
    )
    sections = None
    if timings is not None:
        sections = timings[entry.module] = {}
    try:
        with data.using(settings.data, size), data.recording() as loads, quiet:
            namespace = program.execute(path, overrides, sections)
    except BaseException:
        for number in set(plt.get_fignums()) - before:
            plt.close(number)
        raise
    namespace["__figures_to_close__"] = set(plt.get_fignums()) - before
    return namespace, loads


def close_figures(namespace: dict[str, Any]) -> None:
    """Close the figures a program opened (pyplot keeps them alive otherwise)."""
    import matplotlib.pyplot as plt

    for number in namespace.get("__figures_to_close__", ()):
        plt.close(number)


# --- records ----------------------------------------------------------------------------------


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON data: NumPy scalars and arrays unwrapped, floats rounded to
    :data:`DIGITS` significant digits, paths as strings."""
    import numpy as np

    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, np.generic):
        return jsonable(value.item())
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return float(f"{value:.{DIGITS}g}")
    if isinstance(value, Path):
        return value.name
    raise TypeError(f"cannot record a {type(value).__name__}")


def versions() -> dict[str, str]:
    """Versions of the libraries a result depends on."""
    import keras
    import numpy
    import sklearn

    found = {"python": platform.python_version(), "keras": keras.__version__}
    with contextlib.suppress(ImportError):
        import tensorflow as tf

        found["tensorflow"] = tf.__version__
    found.update(numpy=numpy.__version__, **{"scikit-learn": sklearn.__version__})
    return found


def make_record(
    entry: Entry,
    settings: Settings,
    sources: dict[str, str],
    namespace: dict[str, Any],
    loads: list[dict[str, Any]],
    files: list[str],
) -> dict[str, Any]:
    """The JSON record of one run: what ran, on what data, and what came out."""
    history = namespace.get("history")
    history = getattr(history, "history", history) or {}
    network = namespace.get("network")
    record: dict[str, Any] = {
        "recipe": entry.name,
        "title": entry.title,
        "data": loads
        or ([{"dataset": entry.dataset, "source": "generated"}] if entry.dataset else []),
        "seed": settings.seed,
        "parameters": jsonable(scaled_parameters(entry, settings, sources)),
        "epochs": max((len(values) for values in history.values()), default=0),
        "history": jsonable(history),
        "results": jsonable(namespace.get("results", {})),
    }
    if network is not None and hasattr(network, "count_params"):
        record["network_parameters"] = int(network.count_params())
    record["files"] = files
    record["versions"] = versions()
    return record


# --- publishing ---------------------------------------------------------------------------------


def partial_folder(out: Path, entry: Entry) -> Path:
    """Where an unfinished run of ``entry``'s program keeps its files (shared by a pair)."""
    return out / f"{entry.module}.partial"


def prepare_partial(entry: Entry, settings: Settings, identity: dict, report: Report) -> Path:
    """The run folder for ``cookbook train``: fresh, or the interrupted run's for ``--resume``."""
    partial = partial_folder(settings.out, entry)
    state = partial / RESUME_FOLDER
    resumable = entry.resumable and all(e.resumable for e in recipes.sharing(entry.name))
    if settings.resume and not resumable:
        report(f"note: {entry.name} cannot resume (it trains several networks); starting afresh")
    elif settings.resume and not (state / RUN_FILE).exists():
        report(f"note: nothing to resume for {entry.name} (no {partial}); starting afresh")
    elif settings.resume:
        from cookbook.callbacks import describe_differences, read_state

        try:
            before = json.loads((state / RUN_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            from cookbook.errors import DamagedBackup

            raise DamagedBackup(
                f"the interrupted run's settings in {state / RUN_FILE} are damaged ({err}); "
                f"run without --resume to start afresh"
            ) from err
        differences = describe_differences(before, identity)
        if differences:
            raise ResumeMismatch(
                f"cannot resume {entry.name}: the interrupted run in {partial} was made with "
                f"other settings ({'; '.join(differences)}). Resume with the same options, or "
                f"run without --resume to start afresh (that discards {partial})"
            )
        read_state(state / "backup")  # a damaged backup is reported now, before any work
        return partial
    if partial.exists():
        report(f"note: discarding an interrupted run's files in {partial}")
        shutil.rmtree(partial)
    partial.mkdir(parents=True)
    if resumable:
        write_json(state / RUN_FILE, identity)
    return partial


def has_state(state_dir: Path | None) -> bool:
    """Whether an interrupted training left a state that ``--resume`` can continue from."""
    from cookbook.callbacks import STATE_FILE

    return state_dir is not None and (state_dir / STATE_FILE).is_file()


def run_files(folder: Path) -> list[str]:
    """The files a run wrote, as sorted relative paths (its hidden resume state left out)."""
    return sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and RESUME_FOLDER not in path.relative_to(folder).parts
    )


def sha256(path: Path) -> str:
    """The SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- the two ways to run -----------------------------------------------------------------------


Announce = Callable[[list[str]], None]


def train(
    names: list[str],
    settings: Settings,
    report: Report = _quiet,
    announce: Announce | None = None,
    timings: Timings | None = None,
) -> list[Outcome]:
    """``cookbook train``: run each recipe; publish its files and ``results.json`` into
    ``OUT/NAME/``. One run of a shared program serves every requested entry of it.

    ``report`` receives notes and progress lines; ``announce`` the names of the recipes about
    to run. A recipe that fails is reported in its :class:`Outcome` and the others still run;
    a usage error (a resume that does not match) or an interruption ends the whole run.
    ``timings``, if given, receives each program's section times (see :func:`execute`).
    """
    return _run_groups(names, settings, report, announce, _train_group, timings)


def figures(
    names: list[str],
    settings: Settings,
    report: Report = _quiet,
    announce: Announce | None = None,
    timings: Timings | None = None,
    jobs: int = 1,
) -> list[Outcome]:
    """``cookbook figures``: run each recipe; publish ``OUT/NAME.png`` and ``OUT/NAME.json``
    (the figure stamped with its provenance, the record without per-run noise).
    ``timings``, if given, receives each program's section times (see :func:`execute`).

    With ``jobs`` above 1, programs run in that many worker processes at once (see
    :func:`figures_in_parallel`); each figure and record is the same, byte for byte, as from a
    run in one process, and ``announce`` then hears of each recipe when it is done.
    """
    groups = _grouped(names)
    if jobs > 1 and len(groups) > 1 and timings is None:
        return figures_in_parallel(groups, settings, announce, jobs)
    return _run_groups(names, settings, report, announce, _figures_group, timings)


def _grouped(names: list[str]) -> dict[str, list[Entry]]:
    """The entries of ``names`` by program, in the order given (a pair shares one run)."""
    groups: dict[str, list[Entry]] = {}
    for name in names:
        entry = recipes.entry(name)
        groups.setdefault(entry.module, []).append(entry)
    return groups


def figures_in_parallel(
    groups: dict[str, list[Entry]],
    settings: Settings,
    announce: Announce | None,
    jobs: int,
) -> list[Outcome]:
    """Draw the figures of ``groups`` in ``jobs`` worker processes, the costliest first.

    Each worker is a fresh Python (spawned, not forked: TensorFlow's threads do not survive a
    fork) that imports TensorFlow once and runs whole programs, publishing each figure and
    record exactly as a single process would. Workers ignore Ctrl-C: the main process takes
    it, sends every worker SIGTERM -- which each handles like Ctrl-C, finishing or undoing the
    publish in hand and removing its temporary files -- waits for them, and reports.
    """
    import concurrent.futures
    import multiprocessing

    order = sorted(groups, key=lambda module: -max(entry.cost for entry in groups[module]))
    context = multiprocessing.get_context("spawn")
    executor = concurrent.futures.ProcessPoolExecutor(
        max_workers=min(jobs, len(groups)), mp_context=context, initializer=_start_worker
    )
    done: dict[str, list[Outcome]] = {}
    try:
        futures = {
            executor.submit(_figures_worker, [e.name for e in groups[m]], settings): m
            for m in order
        }
        for future in concurrent.futures.as_completed(futures):
            produced = future.result()
            done[futures[future]] = produced
            if announce:
                announce([outcome.name for outcome in produced])
    except KeyboardInterrupt as err:
        for process in list(getattr(executor, "_processes", {}).values()):
            process.terminate()  # SIGTERM: each worker ends cleanly (see _start_worker)
        executor.shutdown(wait=True, cancel_futures=True)
        names = [e.name for module in groups if module not in done for e in groups[module]]
        err.cookbook_note = (
            f"the figures and records of {', '.join(names)} in {settings.out} were left as "
            "they were" + (f"; those of {len(done)} finished program(s) are new." if done else ".")
        )
        raise
    executor.shutdown(wait=True)
    return [outcome for module in groups for outcome in done.get(module, [])]


def _start_worker() -> None:
    """In a worker: Ctrl-C is the main process's to handle; SIGTERM ends the work cleanly."""
    import signal
    import warnings

    from cookbook.errors import Terminated
    from cookbook.io import STOP

    def terminate(signum: int, frame: Any) -> None:
        STOP.set()  # every later epoch boundary raises again (see StopWhenAsked)
        warnings.simplefilter("ignore")  # stopping: no library's "fit failed" warnings
        raise Terminated()

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, terminate)
    try:
        import_keras_quietly()
    except KeyboardInterrupt:
        os._exit(Terminated.exit_code)  # stopped before any work: nothing to clean up


def _figures_worker(names: list[str], settings: Settings) -> list[Outcome]:
    """A worker's share: one program's figures, reported to stderr as a single process would.
    The programs' variables stay in the worker (they do not cross processes). Asked to stop,
    the worker leaves once the runner has cleaned up (the main process reports)."""
    from cookbook.errors import Terminated
    from cookbook.io import STOP

    def report(line: str) -> None:
        if settings.progress or line.startswith("note:"):
            print(line, file=sys.stderr, flush=True)

    try:
        outcomes = _run_groups(names, settings, report, None, _figures_group)
    except KeyboardInterrupt:
        STOP.set()
    if STOP.is_set():
        sys.stderr.flush()
        os._exit(Terminated.exit_code)
    for outcome in outcomes:
        outcome.namespace = {}
    return outcomes


def _run_groups(
    names: list[str],
    settings: Settings,
    report: Report,
    announce: Announce | None,
    run_group: Callable[[list[Entry], Settings, Report, Timings | None], list[Outcome]],
    timings: Timings | None = None,
) -> list[Outcome]:
    """Run the recipes ``names`` one program at a time with ``run_group``, in one temporary
    folder; a failed or skipped program does not stop the others."""
    groups = _grouped(names)
    outcomes = []
    with private_tempdir():
        for entries in groups.values():
            if announce:
                announce([entry.name for entry in entries])
            started = time.perf_counter()
            try:
                for entry in entries:
                    missing = [p for p in entry.needs if shutil.which(p) is None]
                    if missing:
                        from cookbook.errors import graphviz_missing

                        raise graphviz_missing()
                with _Writes.watch():
                    produced = run_group(entries, settings, report, timings)
            except ProgramMissing as err:
                outcomes += [Outcome(e.name, "skipped", message=str(err)) for e in entries]
                continue
            except KeyboardInterrupt as err:
                if not getattr(err, "cookbook_note", ""):
                    err.cookbook_note = _left_alone(entries, settings, run_group)
                raise
            except Exception as err:
                if isinstance(err, UsageError):
                    raise
                message = describe_failure(err)
                if getattr(err, "cookbook_note", ""):
                    message += f". {err.cookbook_note}"
                outcomes += [Outcome(e.name, "failed", message=message) for e in entries]
                report(f"{', '.join(e.name for e in entries)}: failed")
                continue
            seconds = time.perf_counter() - started
            for outcome in produced:
                outcome.seconds = seconds
            outcomes += produced
    return outcomes


def _left_alone(entries: list[Entry], settings: Settings, run_group: Any) -> str:
    names = " and ".join(entry.name for entry in entries)
    if run_group is _figures_group:
        return f"the figures and records of {names} in {settings.out} were left as they were."
    return f"{settings.out}/ was left as it was for {names}."


class _Writes:
    """The last file a run opened for writing, seen through Python's audit hooks.

    A full disk surfaces as an ``OSError`` deep inside a library (zipfile under Keras's
    ``save``, PNG writing under matplotlib) that often carries no file name; this is how the
    error message can still name the file.
    """

    watching = False
    last: str | None = None
    installed = False

    @classmethod
    def hook(cls, event: str, args: tuple) -> None:
        if not cls.watching or event != "open":
            return
        path, mode, flags = args
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR)
        )
        if writing and isinstance(path, (str, bytes, os.PathLike)):
            path = os.fsdecode(path)
            # A library's own scratch file (Keras stages weights in TMPDIR) is not the file
            # a reader needs to hear about: the file it was writing for is.
            if not path.startswith(tempfile.gettempdir() + os.sep):
                cls.last = path

    @classmethod
    @contextlib.contextmanager
    def watch(cls) -> Iterator[None]:
        if not cls.installed:  # once per process: audit hooks cannot be removed
            sys.addaudithook(cls.hook)
            cls.installed = True
        cls.watching, cls.last = True, None
        try:
            yield
        finally:
            cls.watching = False


def describe_failure(err: BaseException) -> str:
    """One line for a failed recipe: our own errors speak for themselves; a failed write names
    its file (a full disk, a file too large, a folder that became read-only)."""
    if isinstance(err, CookbookError):
        return str(err)
    if isinstance(err, OSError) and err.strerror:
        target = err.filename or _Writes.last
        where = f" while writing {target}" if target else ""
        return f"{err.strerror}{where}; the earlier files were left as they were"
    return f"{type(err).__name__}: {err} (run again with --debug for the traceback)"


def _train_group(
    entries: list[Entry], settings: Settings, report: Report, timings: Timings | None = None
) -> list[Outcome]:
    first = entries[0]
    out = settings.out
    with contextlib.ExitStack() as stack:
        for entry in entries:
            stack.enter_context(lock(out / f".{entry.name}.lock", f"{out / entry.name}"))
            recover_folder(out / entry.name)
        sources = resolve_sources(entries, settings)
        identity = run_identity(first, settings, sources)
        partial = prepare_partial(first, settings, identity, report)
        resumable = (partial / RESUME_FOLDER / RUN_FILE).exists()
        state_dir = partial / RESUME_FOLDER / "backup" if resumable else None
        started = time.perf_counter()
        try:
            namespace, loads = execute(first, settings, sources, partial, state_dir, timings)
        except BaseException as err:
            kept = has_state(state_dir)
            if not kept:
                shutil.rmtree(partial, ignore_errors=True)  # nothing to resume from
            if isinstance(err, KeyboardInterrupt):
                err.cookbook_note = _train_interrupted(entries, settings, partial, kept)
            elif kept:
                err.cookbook_note = _resume_hint(entries, partial)
            raise
        try:
            wall = round(time.perf_counter() - started, 2)
            shutil.rmtree(partial / RESUME_FOLDER, ignore_errors=True)
            files = run_files(partial)
            outcomes = []
            for number, entry in enumerate(entries):
                folder = partial
                if number < len(entries) - 1:  # a pair: each recipe gets its own copy
                    folder = out / f".{entry.name}.publishing"
                    shutil.rmtree(folder, ignore_errors=True)
                    shutil.copytree(partial, folder)
                record = make_record(entry, settings, sources, namespace, loads, files)
                record["wall_time_s"] = wall
                write_json(folder / RESULTS_NAME, record)
                replace_folder(folder, out / entry.name)
                written = [out / entry.name / name for name in [*files, RESULTS_NAME]]
                outcomes.append(
                    Outcome(entry.name, "done", record=record, written=written, namespace=namespace)
                )
            return outcomes
        finally:
            close_figures(namespace)
            shutil.rmtree(partial, ignore_errors=True)


def _train_interrupted(entries: list[Entry], settings: Settings, partial: Path, kept: bool) -> str:
    """What an interrupted ``cookbook train`` left behind, and how to go on."""
    names = " and ".join(entry.name for entry in entries)
    folders = [settings.out / entry.name for entry in entries]
    before = [str(f) for f in folders if f.exists()]
    untouched = (
        f"{' and '.join(before)} still hold{'s' if len(before) == 1 else ''} the last complete run"
        if before
        else f"no files were published for {names}"
    )
    if not kept:
        return f"{untouched}."
    return f"{untouched}. {_resume_hint(entries, partial)}"


def _resume_hint(entries: list[Entry], partial: Path) -> str:
    from cookbook.callbacks import STATE_FILE

    state = partial / RESUME_FOLDER / "backup" / STATE_FILE
    try:
        epochs = json.loads(state.read_text(encoding="utf-8"))["epoch"]
        done = f" ({epochs} epoch{'s' if epochs != 1 else ''} done)"
    except (OSError, ValueError, KeyError):
        done = ""
    return (
        f"The unfinished run is kept in {partial}{done}; continue it with: "
        f"cookbook train {entries[0].name} --resume (with the same options)"
    )


def _figures_group(
    entries: list[Entry], settings: Settings, report: Report, timings: Timings | None = None
) -> list[Outcome]:
    import keras

    from cookbook import plotting

    out = settings.out
    out.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        for entry in entries:
            stack.enter_context(lock(out / f".{entry.name}.lock", f"{out / entry.name}.png"))
        sources = resolve_sources(entries, settings)
        folder = Path(tempfile.mkdtemp(prefix="run-"))
        namespace: dict[str, Any] = {}
        try:
            namespace, loads = execute(entries[0], settings, sources, folder, None, timings)
            files = run_files(folder)
            outcomes = []
            for entry in entries:
                figure = namespace.get(entry.figure)
                if figure is None:
                    raise CookbookError(f"{entry.name} drew no figure")
                record = make_record(entry, settings, sources, namespace, loads, files)
                stamp = plotting.stamp_text(record["data"], settings.seed, keras.__version__)
                png, json_path = out / f"{entry.name}.png", out / f"{entry.name}.json"
                with temporary_beside(png) as png_tmp, temporary_beside(json_path) as json_tmp:
                    plotting.save_stamped(figure, png_tmp, stamp)
                    record["figure"] = {"file": png.name, "sha256": sha256(png_tmp)}
                    json_tmp.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
                    # Both renames happen with Ctrl-C held back: a figure and its record
                    # always come from the same run.
                    publish_files([(png_tmp, png), (json_tmp, json_path)])
                outcomes.append(
                    Outcome(
                        entry.name,
                        "done",
                        record=record,
                        written=[png, json_path],
                        namespace=namespace,
                    )
                )
            return outcomes
        finally:
            close_figures(namespace)
            shutil.rmtree(folder, ignore_errors=True)
