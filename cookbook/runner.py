"""Running recipes for the CLI: settings in; model files, figures and records out.

``cookbook train``, ``cookbook figures`` and ``figures --check`` are one loop over the chosen
programs (two recipes may share one program, which then runs once for both). For each program
the runner takes its lock, checks that nothing in the way is somebody else's, runs it
(:func:`cookbook.execution.run_program`), makes its record (:mod:`cookbook.records`) and
publishes its files (:mod:`cookbook.publish`). A failed or skipped program does not stop the
others; an interruption or a usage error ends the whole run, with a note saying what was left
as it was. The jobs around it live in their own modules: the unfinished run's folder and
``--resume`` in :mod:`cookbook.resume`, signals and the quiet Keras import in
:mod:`cookbook.process`, several programs at once in :mod:`cookbook.workers`.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cookbook import lessons, publish, recipes, records, resume
from cookbook.errors import (
    CookbookError,
    ProgramMissing,
    UsageError,
    graphviz_missing,
)
from cookbook.execution import (
    effective_size,
    program_parameters,
    resolve_sources,
    run_identity,
    run_program,
)
from cookbook.files import LastWrite, publish_files, recover_folder, sha256, temporary_beside
from cookbook.process import private_tempdir
from cookbook.recipes import Entry
from cookbook.settings import Settings


@dataclass
class Outcome:
    """What happened to one recipe of a run."""

    name: str
    status: str  # "done", "skipped" or "failed"
    seconds: float = 0.0
    record: dict[str, Any] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)
    message: str = ""
    #: The traceback of a failure that is not one of ours, for ``--debug``.
    details: str = ""
    #: Whether the run shows its page's lesson (``None``: no check at this size).
    lesson: lessons.Verdict | None = None
    #: The program's variables at its end (for tests and benchmarks; never recorded).
    namespace: dict[str, Any] = field(default_factory=dict, repr=False)


Report = Callable[[str], None]
Announce = Callable[[list[str]], None]


def _quiet(_: str) -> None:
    pass


def reporter(progress: bool) -> Report:
    """A ``report`` that prints the runner's lines to stderr: notes always, progress lines
    only with ``progress`` (what ``--quiet`` turns off). Nothing, when there is no stderr."""

    def report(line: str) -> None:
        if (progress or line.startswith("note:")) and sys.stderr is not None:
            print(line, file=sys.stderr, flush=True)

    return report


def train(
    names: list[str], settings: Settings, report: Report = _quiet, announce: Announce | None = None
) -> list[Outcome]:
    """``cookbook train``: run each recipe; publish its files and ``results.json`` into
    ``OUT/NAME/``. One run of a shared program serves every requested entry of it.

    ``report`` receives notes and progress lines; ``announce`` the names of the recipes about
    to run. A recipe that fails is reported in its :class:`Outcome` and the others still run;
    a usage error (a resume that does not match, a folder in the way) or an interruption ends
    the whole run.
    """
    return run_groups(grouped(names), settings, report, announce, train_group)


def figures(
    names: list[str],
    settings: Settings,
    report: Report = _quiet,
    announce: Announce | None = None,
    jobs: int = 1,
) -> list[Outcome]:
    """``cookbook figures``: run each recipe; publish ``OUT/NAME.png`` and ``OUT/NAME.json``
    (the figure stamped with its provenance, the record without per-run noise).

    With ``jobs`` above 1, programs run in that many worker processes at once (see
    :mod:`cookbook.workers`); each figure and record is the same, byte for byte, as from a
    run in one process, and ``announce`` then hears of each recipe when it is done.
    """
    groups = grouped(names)
    if jobs > 1 and len(groups) > 1:
        from cookbook import workers  # multiprocessing, only for --jobs

        return workers.figures_in_parallel(
            groups, settings, announce, jobs, figures_in_worker, failed_with
        )
    return run_groups(groups, settings, report, announce, figures_group)


def figures_in_worker(names: list[str], settings: Settings) -> list[Outcome]:
    """What a worker of ``figures --jobs`` does with one program: ``names`` are its entries,
    drawn and published as :func:`figures` does in one process, its lines on the worker's
    stderr.

    :mod:`cookbook.workers` is handed this function rather than importing the runner: the
    runner uses the workers, not the other way round. It is a top-level function, so that it
    reaches a spawned worker by reference (its module and name).
    """
    return run_groups(grouped(names), settings, reporter(settings.progress), None, figures_group)


def failed_with(entries: list[Entry], message: str) -> list[Outcome]:
    """The outcomes of ``entries`` whose program failed without an exception to describe
    (its worker died): each failed, with ``message``."""
    return [Outcome(entry.name, "failed", message=message) for entry in entries]


def grouped(names: list[str]) -> dict[str, list[Entry]]:
    """The entries of ``names`` by program, in the order given (a pair shares one run)."""
    groups: dict[str, list[Entry]] = {}
    for name in names:
        entry = recipes.entry(name)
        groups.setdefault(entry.module, []).append(entry)
    return groups


RunGroup = Callable[[list[Entry], Settings, Report], list[Outcome]]


def run_groups(
    groups: dict[str, list[Entry]],
    settings: Settings,
    report: Report,
    announce: Announce | None,
    run_group: RunGroup,
) -> list[Outcome]:
    """Run each program of ``groups`` with ``run_group``, in one private temporary folder;
    a failed or skipped program does not stop the others."""
    outcomes = []
    with private_tempdir():
        for entries in groups.values():
            if announce:
                announce([entry.name for entry in entries])
            started = time.perf_counter()
            try:
                if any(shutil.which(p) is None for e in entries for p in e.needs):
                    raise graphviz_missing()
                produced = run_group(entries, settings, report)
            except ProgramMissing as err:
                outcomes += [Outcome(e.name, "skipped", message=str(err)) for e in entries]
                continue
            except (KeyboardInterrupt, UsageError):
                raise
            except Exception as err:
                outcomes += [
                    Outcome(e.name, "failed", message=describe_failure(err), details=_details(err))
                    for e in entries
                ]
                report(f"{', '.join(e.name for e in entries)}: failed")
                continue
            seconds = time.perf_counter() - started
            for outcome in produced:
                outcome.seconds = seconds
                outcome.lesson = lessons.verdict(outcome.record)
            outcomes += produced
    return outcomes


def describe_failure(err: BaseException) -> str:
    """One line for a failed recipe: our own errors speak for themselves; a failed write names
    its file (a full disk, a file too large, a folder that became read-only)."""
    note = getattr(err, "cookbook_note", "")
    if isinstance(err, CookbookError):
        line = str(err)
    elif isinstance(err, OSError) and err.strerror:
        target = err.filename or LastWrite.last
        where = f" while writing {target}" if target else ""
        line = f"{err.strerror}{where}; the earlier files were left as they were"
    else:
        line = f"{type(err).__name__}: {err} (run again with --debug for the traceback)"
    return f"{line}. {note}" if note else line


def _details(err: BaseException) -> str:
    return "".join(traceback.format_exception(type(err), err, err.__traceback__))


# --- one program, trained: OUT/NAME/ ---------------------------------------------------------


def train_group(entries: list[Entry], settings: Settings, report: Report) -> list[Outcome]:
    """Train one program and publish its run folder as ``OUT/NAME/`` for each of ``entries``."""
    first, out = entries[0], settings.out
    targets = " and ".join(str(out / entry.name) for entry in entries)
    with publish.program_lock(out, first.module, targets):
        for entry in entries:
            recover_folder(out / entry.name)
            publish.check_replaceable(out / entry.name, entry.name)
        publish.clean_leftovers(out, [entry.name for entry in entries])
        sources = resolve_sources(entries, settings)
        size = effective_size(first, settings, sources)
        parameters = program_parameters(first, settings, sources)
        identity = run_identity(first, settings, sources, parameters)
        partial = resume.Partial.of(out, first.module)
        resumable = first.resumable and all(e.resumable for e in recipes.sharing(first.name))
        resume.prepare(partial, first.name, identity, settings.resume, resumable, report)
        backup = partial.backup if resumable else None
        started = time.perf_counter()
        try:
            with LastWrite.watch():
                run = run_program(first, settings, sources, parameters, partial.folder, backup)
        except BaseException as err:
            kept = partial.has_state()
            if not kept:
                shutil.rmtree(partial.folder, ignore_errors=True)  # nothing to resume from
            if isinstance(err, KeyboardInterrupt):
                err.cookbook_note = _train_interrupted(entries, settings, partial, kept)
            elif kept and partial.epochs_done() is not None:
                err.cookbook_note = resume.hint(first.name, partial)
            raise
        try:
            wall = round(time.perf_counter() - started, 2)
            files = publish.run_files(partial.folder)
            made = {}
            for entry in entries:
                record = records.make_record(entry, settings.seed, size, parameters, run, files)
                record["wall_time_s"] = wall
                made[entry.name] = record
            try:
                with LastWrite.watch():
                    publish.publish_folders(partial.folder, out, made)
            except BaseException as err:
                if not getattr(err, "cookbook_note", ""):  # publishing says what it published
                    err.cookbook_note = _train_interrupted(
                        entries, settings, partial, partial.has_state()
                    )
                raise
            return [
                Outcome(
                    entry.name,
                    "done",
                    record=made[entry.name],
                    written=[out / entry.name / f for f in [*files, publish.RESULTS_NAME]],
                    namespace=run.namespace,
                )
                for entry in entries
            ]
        finally:
            run.close_figures()
            if not partial.has_state():
                shutil.rmtree(partial.folder, ignore_errors=True)


def _train_interrupted(
    entries: list[Entry], settings: Settings, partial: resume.Partial, kept: bool
) -> str:
    """What an interrupted ``cookbook train`` left behind, and how to go on."""
    names = " and ".join(entry.name for entry in entries)
    before = [str(settings.out / e.name) for e in entries if (settings.out / e.name).exists()]
    untouched = (
        f"{' and '.join(before)} still hold{'s' if len(before) == 1 else ''} the last complete run"
        if before
        else f"no files were published for {names}"
    )
    if not kept or partial.epochs_done() is None:
        return f"{untouched}."
    return f"{untouched}. {resume.hint(entries[0].name, partial)}"


# --- one program, drawn: OUT/NAME.png and OUT/NAME.json ---------------------------------------


def figures_group(entries: list[Entry], settings: Settings, report: Report) -> list[Outcome]:
    """Run one program and publish each of ``entries``' figure and record into ``OUT``."""
    import keras

    from cookbook import plotting

    out = settings.out
    out.mkdir(parents=True, exist_ok=True)
    names = [entry.name for entry in entries]
    targets = " and ".join(str(out / f"{name}.png") for name in names)
    with publish.program_lock(out, entries[0].module, targets):
        publish.clean_leftovers(out, names)
        sources = resolve_sources(entries, settings)
        size = effective_size(entries[0], settings, sources)
        parameters = program_parameters(entries[0], settings, sources)
        folder = Path(tempfile.mkdtemp(prefix="run-"))
        run = None
        try:
            with LastWrite.watch(include=folder):
                run = run_program(entries[0], settings, sources, parameters, folder, None)
            files = publish.run_files(folder)
            made = {}
            for entry in entries:
                if run.namespace.get(entry.figure) is None:
                    raise CookbookError(f"{entry.name} drew no figure")
                made[entry.name] = records.make_record(
                    entry, settings.seed, size, parameters, run, files
                )
            stamp = plotting.stamp_text(
                run.loads, settings.seed, keras.__version__, records.backend()
            )
            outcomes = _publish_figures(entries, out, run.namespace, made, stamp)
            for outcome in outcomes:
                outcome.namespace = run.namespace
            return outcomes
        except KeyboardInterrupt as err:
            err.cookbook_note = (
                f"the figures and records of {' and '.join(names)} in {out} were left as they were."
            )
            raise
        finally:
            if run is not None:
                run.close_figures()
            shutil.rmtree(folder, ignore_errors=True)


def _publish_figures(
    entries: list[Entry],
    out: Path,
    namespace: dict[str, Any],
    made: dict[str, dict[str, Any]],
    stamp: str,
) -> list[Outcome]:
    from cookbook import plotting

    with contextlib.ExitStack() as temporary, LastWrite.watch():
        pairs, outcomes = [], []
        for entry in entries:
            png, json_path = out / f"{entry.name}.png", out / f"{entry.name}.json"
            png_tmp = temporary.enter_context(temporary_beside(png))
            json_tmp = temporary.enter_context(temporary_beside(json_path))
            plotting.save_stamped(namespace[entry.figure], png_tmp, stamp)
            record = made[entry.name]
            record["figure"] = {"file": png.name, "sha256": sha256(png_tmp)}
            json_tmp.write_text(records.dumps(record), encoding="utf-8")
            pairs += [(png_tmp, png), (json_tmp, json_path)]
            outcomes.append(Outcome(entry.name, "done", record=record, written=[png, json_path]))
        # All the renames happen with Ctrl-C held back: a figure and its record always come
        # from the same run, and a pair's two figures from the same run too.
        publish_files(pairs)
    return outcomes


# --- figures --check ---------------------------------------------------------------------------


@dataclass
class CheckReport:
    """What ``figures --check`` found: the settings it reran with, each recipe's problems
    (empty when it matched), and the recipes skipped for a missing program."""

    settings: dict[str, Any]
    problems: dict[str, list[str]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    lessons: dict[str, lessons.Verdict | None] = field(default_factory=dict)


def check_figures(
    names: list[str],
    out: Path,
    settings: Settings,
    report: Report = _quiet,
    jobs: int = 1,
    named: bool = True,
) -> CheckReport:
    """Rerun ``names`` into a temporary folder with the settings their records in ``out`` were
    made with, and compare: every record and figure within float noise, and every lesson
    shown where its check applies. A recipe that needs a missing program is skipped unless it
    was ``named``. ``settings`` gives the rest (backend, progress, echo, download timeout)."""
    committed = {}
    for name in names:
        path = out / f"{name}.json"
        if not path.is_file():
            raise UsageError(f"{path} is missing: there is nothing to check against")
        committed[name] = records.read_record(path, f"redraw it with cookbook figures {name}")
    chosen = records.committed_settings(committed, out)
    result = CheckReport(chosen)
    with tempfile.TemporaryDirectory(prefix="cookbook-check-") as fresh_dir:
        fresh = Path(fresh_dir)
        rerun = Settings(
            out=fresh,
            echo=settings.echo,
            progress=settings.progress,
            download_timeout=settings.download_timeout,
            backend=settings.backend,
            **chosen,
        )
        for outcome in figures(names, rerun, report, jobs=jobs):
            name = outcome.name
            if outcome.status == "skipped" and not named:
                result.skipped.append(f"{name}: {outcome.message}")
                continue
            if outcome.status != "done":
                result.problems[name] = [f"could not run again ({outcome.message})"]
                continue
            old, new = committed[name], outcome.record
            found = records.differences(old, new)
            figure = records.figure_difference(out / f"{name}.png", fresh / f"{name}.png")
            found += [f"figure: {figure}"] if figure else []
            made_with = (old.get("figure") or {}).get("sha256")
            if made_with not in (None, sha256(out / f"{name}.png")):
                found.append("figure: not the one its record was made with (a publish cut short)")
            if found:
                note = records.version_note(old, new)
                why = f" (the library versions differ: {note})" if note else ""
                found = [f"{line}{why}" for line in found[:8]]
            verdict = result.lessons[name] = lessons.verdict(old)
            if verdict is not None and verdict.applies and not verdict.holds:
                found.append(f"the committed run does not show its lesson: {verdict.text('en')}")
            result.problems[name] = found
    return result
