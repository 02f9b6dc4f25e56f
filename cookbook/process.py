"""The process around a run: how it stops, how Keras is imported, where scratch files go.

Three things every command that trains needs, whichever program it runs:

* **Stopping cleanly.** Ctrl-C raises ``KeyboardInterrupt``; SIGTERM and SIGHUP (a closed
  terminal) are handled the same way by :func:`terminate`, which also sets :data:`STOP`, so a
  library that swallows the exception still stops at the next epoch boundary
  (:class:`cookbook.callbacks.StopWhenAsked`). :func:`signals_deferred` holds them back for
  the few microseconds of a multi-step publish, so an interruption lands before or after it,
  never inside.
* **A quiet Keras import** (:func:`import_keras_quietly`): TensorFlow prints its start-up
  lines straight to file descriptor 2, before any logging setting applies. The backend is
  chosen here too (:func:`choose_backend`), before Keras reads it.
* **A private temporary folder** (:func:`private_tempdir`) for what libraries stage in
  TMPDIR, removed on every way out.
"""

from __future__ import annotations

import codecs
import contextlib
import importlib.util
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cookbook.errors import Hangup, Interrupted, Terminated, UsageError

#: Set once the process has been asked to stop; long work checks it at safe points.
STOP = threading.Event()
#: How it was asked (the interruption to raise at the next safe point: Ctrl-C, SIGTERM...).
STOPPED_BY: list[type[KeyboardInterrupt]] = [Terminated]


def request_stop(kind: type[KeyboardInterrupt]) -> None:
    """Remember that the work must stop, and how it was asked to."""
    STOPPED_BY[0] = kind
    STOP.set()


#: The backends Keras 3 runs on, with the module that must be importable for each and the
#: command that installs it.
BACKENDS: dict[str, tuple[str, str]] = {
    "tensorflow": ("tensorflow", "pip install tensorflow-cpu (or tensorflow)"),
    "jax": ("jax", "pip install 'keras-cookbook[jax]' (or: pip install jax)"),
    "torch": (
        "torch",
        "pip install torch --index-url https://download.pytorch.org/whl/cpu (the CPU build; "
        "plain `pip install torch` on Linux x86-64 takes a CUDA build of several GB), "
        "or: pip install 'keras-cookbook[torch]'",
    ),
}
_SIGNALS = {signal.SIGTERM: Terminated}
if hasattr(signal, "SIGHUP"):  # not on Windows
    _SIGNALS[signal.SIGHUP] = Hangup


def terminate(signum: int, frame: Any) -> None:
    """The handler for SIGTERM and SIGHUP: stop like Ctrl-C, with the signal's own exit code."""
    kind = _SIGNALS.get(signum, Terminated)
    request_stop(kind)  # should a library swallow the exception, training stops at the next epoch
    warnings.simplefilter("ignore")  # stopping: no library's "fit failed" warnings
    raise kind()


def handle_termination() -> None:
    """Install :func:`terminate` for SIGTERM and SIGHUP (in the main thread), and make sure
    no interruption is lost where Python cannot raise it (:func:`_raise_again`)."""
    for signum in _SIGNALS:
        signal.signal(signum, terminate)
    if sys.unraisablehook is not _raise_again:
        global _previous_unraisablehook
        _previous_unraisablehook = sys.unraisablehook
        sys.unraisablehook = _raise_again


_previous_unraisablehook = sys.unraisablehook


def _raise_again(unraisable: Any) -> None:
    """An interruption that lands in a finalizer or a garbage-collector callback (JAX, when
    installed, has one) cannot propagate from there: Python would print its traceback as
    "Exception ignored" and drop it. Instead it is remembered in :data:`STOP`, so the work
    ends at its next safe point (:class:`cookbook.callbacks.StopWhenAsked`), and nothing is
    printed. (Nothing here may wait: a second signal would land in this hook.)"""
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        kind = type(unraisable.exc_value)
        request_stop(kind if issubclass(kind, Interrupted) else Interrupted)
        return
    _previous_unraisablehook(unraisable)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP back until the block has finished, then deliver them.

    Python runs signal handlers in the main thread, whichever thread the kernel picked (and
    TensorFlow's threads do not block signals), so the handlers themselves are swapped for
    ones that only take note. Outside the main thread this is a no-op.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def take_note(signum: int, frame: Any) -> None:
        caught.append(signum)

    held = [signal.SIGINT, *_SIGNALS]
    previous = {signum: signal.signal(signum, take_note) for signum in held}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        if caught:
            handler = previous[caught[0]]
            if callable(handler):
                handler(caught[0], None)
            elif handler != signal.SIG_IGN:
                signal.raise_signal(caught[0])


def configured_backend() -> str:
    """The backend Keras would use on its own: ``KERAS_BACKEND``, else its config file
    (``$KERAS_HOME/keras.json`` or ``~/.keras/keras.json``), else TensorFlow."""
    if os.environ.get("KERAS_BACKEND"):
        return os.environ["KERAS_BACKEND"]
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    with contextlib.suppress(OSError, ValueError, AttributeError):
        with open(os.path.join(home, "keras.json"), encoding="utf-8") as file:
            backend = json.load(file).get("backend")
        if isinstance(backend, str) and backend:
            return backend
    return "tensorflow"


def choose_backend(backend: str | None) -> str:
    """Make ``backend`` (or the configured one) the backend Keras loads; return its name.

    Refused in one line: a backend that is not installed (with the command that installs
    it), or one other than the backend Keras already runs on in this process.
    """
    name = backend or configured_backend()
    if name not in BACKENDS:
        raise UsageError(f"unknown Keras backend {name!r}: choose one of {', '.join(BACKENDS)}")
    loaded = sys.modules.get("keras")
    if loaded is not None:
        current = loaded.backend.backend()
        if current != name:
            raise UsageError(
                f"Keras is already running on {current} in this process, so it cannot switch "
                f"to {name}; start a new process with --backend {name}"
            )
        return name
    module, install = BACKENDS[name]
    if importlib.util.find_spec(module) is None:
        raise UsageError(f"the {name} backend is not installed; install it with: {install}")
    os.environ["KERAS_BACKEND"] = name
    if name == "torch":
        # PyTorch's OpenMP threads otherwise spin while they wait for one another, at each of
        # the thousands of small steps of these networks: on a machine whose cores are busy
        # with other work that made the LSTM several times slower, with the same results
        # (measured; see the performance page). A setting of the user's own wins.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    return name


def import_keras_quietly() -> None:
    """Import Keras with TensorFlow's native start-up lines (oneDNN, CPU features) hidden.

    TensorFlow's C++ core prints them straight to file descriptor 2 before any logging
    setting applies, so stderr is pointed at /dev/null for the import only. With no stderr
    at all (a daemon started with ``2>&-``) there is nothing to hide.
    """
    if "keras" in sys.modules:
        return
    if sys.stderr is not None:
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # file descriptor 2 is closed
        saved = None
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        # Ctrl-C waits for the import to finish: some libraries' imports catch every
        # exception, KeyboardInterrupt included, and would swallow it.
        with signals_deferred():
            import keras  # noqa: F401

            # The programs' keras.utils.set_random_seed imports TensorFlow when it is
            # installed, whichever the backend: import it here, where its lines are hidden.
            if importlib.util.find_spec("tensorflow") is not None:
                import tensorflow  # noqa: F401
    finally:
        if saved is not None:
            os.dup2(saved, 2)
            os.close(saved)
        os.close(devnull)


def print_any_path() -> None:
    """Let stdout and stderr print every file name the file system allows.

    A name that is not valid UTF-8 (or, under the C locale or ``PYTHONIOENCODING=ascii``, any
    non-ASCII name) reaches Python as characters its output encoding refuses; printing
    ``files in OUT/`` after a finished run would then fail. Such characters are written as the
    bytes they were, the others as ``\\u`` escapes, instead.
    """
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and getattr(stream, "errors", None) == "strict":
            with contextlib.suppress(AttributeError, ValueError, OSError):
                stream.reconfigure(errors=_ANY_PATH)


def _bytes_or_escapes(err: UnicodeError) -> tuple[str | bytes, int]:
    """An encoding error handler: surrogate escapes (undecodable bytes of a file name) back to
    their bytes, anything else the encoding lacks as a backslash escape."""
    if not isinstance(err, UnicodeEncodeError):
        raise err
    chunk = err.object[err.start : err.end]
    if all(0xDC80 <= ord(char) <= 0xDCFF for char in chunk):
        return bytes(ord(char) - 0xDC00 for char in chunk), err.end
    return codecs.backslashreplace_errors(err)


_ANY_PATH = "cookbook.any-path"
codecs.register_error(_ANY_PATH, _bytes_or_escapes)


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
