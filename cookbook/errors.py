"""Every error a user can meet, in one family, each with the exit code the CLI gives it.

Exit codes: 0 success, 1 failure (something went wrong while working), 2 usage error (the
command line asked for something impossible or contradictory), 129 hung up (SIGHUP: the
terminal closed), 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).

The CLI prints ``error: <message>`` for any :class:`CookbookError` and exits with its
``exit_code``; no user mistake ever ends in a traceback.
"""

from __future__ import annotations

EXIT_FAILURE, EXIT_USAGE, EXIT_HANGUP, EXIT_INTERRUPTED, EXIT_TERMINATED = 1, 2, 129, 130, 143


class CookbookError(Exception):
    """A failure with a message meant for the user (no traceback needed)."""

    exit_code = EXIT_FAILURE


class UsageError(CookbookError):
    """The command asked for something that cannot be done as asked (exit 2)."""

    exit_code = EXIT_USAGE


class DataUnavailable(CookbookError):
    """The real dataset was asked for (``--data keras``) but cannot be had."""


class ProgramMissing(CookbookError):
    """A system program a recipe needs (Graphviz's ``dot``) is not installed.

    Not a failure of the cookbook: ``cookbook figures`` and ``train --all`` skip the recipe with
    this message and go on; naming the recipe on its own makes it an error.
    """

    def __init__(self, program: str, purpose: str, install: str) -> None:
        super().__init__(f"{program} is not installed, so {purpose}. Install it ({install}).")


def graphviz_missing() -> ProgramMissing:
    """Graphviz's ``dot`` program is missing: ``plot_model`` cannot draw."""
    return ProgramMissing(
        "Graphviz's `dot` program",
        "the architecture diagram cannot be drawn",
        "Debian/Ubuntu: `apt-get install graphviz`, with `sudo` unless you are root; "
        "macOS: `brew install graphviz`; conda: `conda install graphviz`",
    )


class RunLocked(CookbookError):
    """Another cookbook process is writing into the same output folder."""


class NotOurs(UsageError):
    """Something in the output folder is not a cookbook run's to replace: a user's own files,
    a symbolic link, a mount point, a read-only folder. Refused before any training."""


class DamagedRecord(CookbookError):
    """A results record or figure on disk cannot be read (a merge conflict, a truncated file)."""


class ResumeMismatch(UsageError):
    """``--resume`` was asked to continue a run with different settings."""


class DamagedBackup(CookbookError):
    """The saved state of an interrupted run cannot be read back."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (SIGINT); raised where Python raises KeyboardInterrupt."""

    exit_code = EXIT_INTERRUPTED
    signal_name = "Ctrl-C"


class Terminated(Interrupted):
    """SIGTERM, handled like Ctrl-C: the same clean-up, its own exit code and message."""

    exit_code = EXIT_TERMINATED
    signal_name = "SIGTERM"


class Hangup(Interrupted):
    """SIGHUP (the terminal was closed), handled like Ctrl-C."""

    exit_code = EXIT_HANGUP
    signal_name = "SIGHUP"


def interruption_message(err: BaseException) -> str:
    """What an interruption did and did not touch (the runner adds the details it knows in
    the exception's ``cookbook_note``)."""
    name = getattr(err, "signal_name", "Ctrl-C")
    detail = getattr(err, "cookbook_note", "") or "nothing was written."
    return f"interrupted ({name}); {detail}"
