"""The errors a user can cause or meet, each with the exit code the CLI gives it.

Exit codes: 0 success, 1 failure (something went wrong while working), 2 usage error (the
command line asked for something impossible), 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class CookbookError(Exception):
    """A failure with a message meant for the user (no traceback needed)."""

    exit_code = EXIT_FAILURE


class GraphvizMissing(CookbookError):
    """``plot_model`` needs the Graphviz ``dot`` program, which is not installed."""

    def __init__(self) -> None:
        super().__init__(
            "Graphviz's `dot` program is not installed, so the architecture diagram cannot be "
            "drawn. Install it (Debian/Ubuntu: `sudo apt-get install graphviz`, macOS: "
            "`brew install graphviz`, conda: `conda install graphviz`) and run again."
        )
