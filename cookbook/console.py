"""The ``cookbook`` console script: Ctrl-C and SIGTERM end it cleanly at any moment.

This module imports nothing heavy, so the handlers are in place before Click, NumPy or
TensorFlow load; whatever is interrupted, the command ends with one line and its exit code
(130 for Ctrl-C, 143 for SIGTERM), never a traceback.
"""

from __future__ import annotations

import signal
import sys

from cookbook.errors import Interrupted, Terminated


def _terminate(signum: int, frame: object) -> None:
    from cookbook.io import STOP

    STOP.set()  # should a library swallow the exception, training stops at the next epoch
    raise Terminated()


def main() -> None:
    """Run the command line; turn interruptions into a message and an exit code."""
    try:
        signal.signal(signal.SIGTERM, _terminate)
        sys.exit(_run_click())
    except KeyboardInterrupt as err:
        print(f"\n{interruption_message(err)}", file=sys.stderr)
        sys.exit(getattr(err, "exit_code", Interrupted.exit_code))


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


def interruption_message(err: BaseException) -> str:
    """What an interruption did and did not touch (the runner adds the details it knows)."""
    name = getattr(err, "signal_name", "Ctrl-C")
    detail = getattr(err, "cookbook_note", "") or "nothing was written."
    return f"interrupted ({name}); {detail}"
