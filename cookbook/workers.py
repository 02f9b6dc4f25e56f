"""Several programs at once: ``cookbook figures --jobs N`` in worker processes.

Each worker is a fresh Python (spawned, not forked: TensorFlow's threads do not survive a
fork) that imports Keras once and then runs whole programs, one at a time, publishing each
figure and record exactly as a single process would -- so the files are the same, byte for
byte. The costliest programs start first, so that no worker is left with a long one at the end.

What can go wrong is handled one worker at a time:

* **Ctrl-C** is the main process's to handle (workers ignore it): it sends every worker
  SIGTERM -- which each handles like Ctrl-C, finishing or undoing the publish in hand and
  removing its temporary files -- waits for them, and reports what was left as it was.
* **A worker that dies** (the kernel's out-of-memory killer picks the largest TensorFlow
  process) loses only the program it was running: that one is reported as failed in one line,
  a new worker takes over the programs not yet started, and everything the others finished is
  published and reported as usual.

The workers know nothing of what a program's run is: the runner hands them the function a
worker calls for each program and the function that says a program failed (it uses the
workers; they do not import it back).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import tempfile
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from typing import Any

from cookbook.errors import CookbookError, Terminated
from cookbook.process import STOP, handle_termination, import_keras_quietly, private_tempdir
from cookbook.recipes import Entry
from cookbook.settings import Settings

#: Run in a worker for each program: its entries' names and the settings in, their outcomes
#: out. It must be a top-level function: it reaches the spawned worker by reference.
Draw = Callable[[list[str], Settings], list[Any]]
#: In the main process, for a program whose worker died: its entries and the line that says
#: so in, their failed outcomes out.
Failed = Callable[[list[Entry], str], list[Any]]


def figures_in_parallel(
    groups: dict[str, list[Entry]],
    settings: Settings,
    announce: Any,
    jobs: int,
    draw: Draw,
    failed: Failed,
) -> list[Any]:
    """Draw the figures of ``groups`` in ``jobs`` worker processes, each program with
    ``draw``; return every outcome in the order of ``groups`` (``failed`` makes those of a
    program whose worker died)."""
    # The workers' scratch folders live in one folder of the main process, removed when it
    # ends: a worker killed outright cannot remove its own.
    with private_tempdir() as scratch:
        return _in_workers(groups, settings, announce, jobs, str(scratch), draw, failed)


def _in_workers(
    groups: dict[str, list[Entry]],
    settings: Settings,
    announce: Any,
    jobs: int,
    scratch: str,
    draw: Draw,
    failed: Failed,
) -> list[Any]:
    context = multiprocessing.get_context("spawn")
    waiting = sorted(groups, key=lambda module: -max(entry.cost for entry in groups[module]))
    busy: dict[Connection, tuple[Any, str | None]] = {}  # connection -> (process, its program)
    done: dict[str, list[Any]] = {}

    def start() -> None:
        ours, theirs = context.Pipe()
        process = context.Process(target=_work, args=(theirs, settings, scratch), daemon=True)
        process.start()
        theirs.close()
        # The worker's first message: what to do with each program (see _work).
        ours.send(draw)
        busy[ours] = (process, None)
        give(ours)

    def give(connection: Connection) -> None:
        process, _ = busy[connection]
        if waiting:
            module = waiting.pop(0)
            connection.send([entry.name for entry in groups[module]])
            busy[connection] = (process, module)
        else:
            connection.send(None)  # nothing left: the worker ends
            busy.pop(connection)
            connection.close()
            process.join()

    try:
        for _ in range(min(jobs, len(groups))):
            start()
        while busy:
            sentinels = {process.sentinel: c for c, (process, _) in busy.items()}
            for ready in wait([*busy, *sentinels]):
                connection = sentinels.get(ready, ready)
                if connection not in busy:
                    continue
                process, module = busy[connection]
                try:
                    produced = connection.recv()
                except (EOFError, OSError):  # the worker died with a program in hand
                    busy.pop(connection)
                    process.join()
                    if module is not None:
                        done[module] = failed(groups[module], _died(process.exitcode))
                        _clean_after(settings, groups[module])
                    if waiting:
                        start()
                    continue
                done[module] = produced
                if announce:
                    announce([outcome.name for outcome in produced])
                give(connection)
    except KeyboardInterrupt as err:
        for process, _ in busy.values():
            if process.is_alive():
                process.terminate()  # SIGTERM: each worker ends cleanly (see _work)
        for process, _ in busy.values():
            process.join()
        names = [e.name for module in groups if module not in done for e in groups[module]]
        finished = sum(1 for outcomes in done.values() if outcomes[0].status == "done")
        err.cookbook_note = (
            f"the figures and records of {', '.join(names)} in {settings.out} were left as "
            "they were"
            + (f"; those of {finished} finished program(s) are new." if finished else ".")
        )
        raise
    return [outcome for module in groups for outcome in done.get(module, [])]


def _died(exitcode: int | None) -> str:
    """One line for a worker that ended without answering."""
    if exitcode is not None and exitcode < 0:
        try:
            how = f"was killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            how = f"was killed by signal {-exitcode}"
    else:
        how = f"ended with exit code {exitcode}"
    hint = " (out of memory?)" if exitcode == -signal.SIGKILL else ""
    return f"its worker process {how}{hint}; the other figures were published as usual"


def _clean_after(settings: Settings, entries: list[Entry]) -> None:
    """Remove what a worker killed in the middle of a program left in OUT: its lock file and
    any half-published figure (its temporary files went with the main process's folder)."""
    from cookbook.publish import clean_leftovers, program_lock

    with contextlib.suppress(CookbookError, OSError):
        with program_lock(settings.out, entries[0].module, "the program's output"):
            clean_leftovers(settings.out, [entry.name for entry in entries])


def _work(connection: Connection, settings: Settings, scratch: str) -> None:
    """A worker: run each program it is sent and send back its outcomes, until told to stop.

    The first message is the :data:`Draw` function that runs one program (it comes by
    reference: receiving it imports its module); then come the programs, one list of entry
    names at a time, and ``None`` to stop. The programs' variables stay in the worker (they
    do not cross processes). Asked to stop, the worker leaves once the runner has cleaned up
    (the main process reports). Its temporary files go under ``scratch``, the main
    process's."""
    try:
        draw: Draw = connection.recv()
    except EOFError:  # the main process went before it had anything to say
        return

    tempfile.tempdir = scratch

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    handle_termination()  # SIGTERM (and SIGHUP) like Ctrl-C, never lost in a finalizer
    try:
        import_keras_quietly()
    except KeyboardInterrupt:
        os._exit(Terminated.exit_code)  # stopped before any work: nothing to clean up

    while True:
        try:
            names = connection.recv()
        except (EOFError, KeyboardInterrupt):
            names = None
        if names is None:
            return
        try:
            outcomes = draw(names, settings)
        except KeyboardInterrupt:
            STOP.set()
        if STOP.is_set():
            if sys.stderr is not None:
                sys.stderr.flush()
            os._exit(Terminated.exit_code)
        for outcome in outcomes:
            outcome.namespace = {}
        connection.send(outcomes)
