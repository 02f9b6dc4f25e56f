"""The ``cookbook`` console script: Ctrl-C, SIGTERM and SIGHUP end it cleanly at any moment.

This module imports nothing heavy, so the handlers are in place before Click, NumPy or
TensorFlow load; whatever is interrupted, the command ends with one line and its exit code
(130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP), never a traceback.
"""

from __future__ import annotations

import sys

from cookbook.errors import EXIT_INTERRUPTED, interruption_message
from cookbook.process import handle_termination


def main() -> None:
    """Run the command line; turn interruptions into a message and an exit code."""
    try:
        handle_termination()
        sys.exit(_run_click())
    except KeyboardInterrupt as err:
        if sys.stderr is not None:
            print(f"\n{interruption_message(err)}", file=sys.stderr)
        # A plain KeyboardInterrupt (Python's own Ctrl-C) has no exit code of its own; ours do.
        sys.exit(getattr(err, "exit_code", EXIT_INTERRUPTED))


def _run_click() -> int:
    """Click's own main loop, minus its habit of turning Ctrl-C into "Aborted!" and exit 1."""
    import click

    from cookbook.cli import main as cli

    try:
        code = cli.main(prog_name="cookbook", standalone_mode=False)
    except click.exceptions.Abort as abort:
        if isinstance(abort.__cause__, KeyboardInterrupt):
            raise abort.__cause__ from None
        click.echo("Aborted!", err=True)
        return 1
    except click.ClickException as err:
        err.show()
        return err.exit_code
    return code if isinstance(code, int) else 0
