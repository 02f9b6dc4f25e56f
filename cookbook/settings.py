"""What the command line chose for a run, checked when it is made.

:class:`Settings` never reaches a recipe: the runner turns it into the recipe's own parameters
(``epochs``, ``seed``, ``folder``, ``callbacks``) and into the data layer's source and size.
A value that cannot work is refused here, with a message that names it, before any training
starts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from cookbook.errors import UsageError

#: Where datasets come from, and the sizes of the offline sample (see :mod:`cookbook.data`).
SOURCES = ("auto", "keras", "sample")
SIZES = ("tiny", "small", "full")
BACKENDS = ("tensorflow", "jax", "torch")
SEED_MAX = 2**32 - 1
EPOCHS_MAX = 100_000


#: The longest a download may be given, in seconds: a day.
TIMEOUT_MAX = 86400


def check_timeout(value: float | None) -> str | None:
    """Why ``value`` cannot be a download time limit (``None`` when it can, or is unset)."""
    if value is None or (math.isfinite(value) and 0 < value <= TIMEOUT_MAX):
        return None
    return f"{value} is not a number of seconds from 0 to {TIMEOUT_MAX}"


@dataclass(frozen=True)
class Settings:
    """How to run recipes.

    Attributes:
        data: ``auto``, ``keras`` or ``sample`` (see :mod:`cookbook.data`).
        size: size of the sample data: ``tiny`` (tests), ``small`` (default) or ``full``.
        seed: seed for every random number generator involved.
        epochs: train every recipe this many epochs (``None`` keeps the chapter's numbers).
        out: folder for the recipes' files; each recipe writes into ``out/<name>/``.
        echo: show what each program prints (its summaries, Keras's line per epoch) as it
            prints it; it is recorded either way.
        progress: print a line with the time left during long trainings and searches.
        resume: continue an interrupted run from its last completed epoch.
        download_timeout: give up on the real data after this many seconds (``None``: the
            data layer's default for the source).
        backend: the Keras backend (``tensorflow``, ``jax``, ``torch``; ``None``: what Keras
            itself would use). It takes effect when Keras is first imported.
    """

    data: str = "auto"
    size: str = "small"
    seed: int = 0
    epochs: int | None = None
    out: Path = Path("models")
    echo: bool = False
    progress: bool = False
    resume: bool = False
    download_timeout: float | None = None
    backend: str | None = None

    def __post_init__(self) -> None:
        if self.data not in SOURCES:
            raise UsageError(f"data must be one of {', '.join(SOURCES)}, not {self.data!r}")
        if self.size not in SIZES:
            raise UsageError(f"size must be one of {', '.join(SIZES)}, not {self.size!r}")
        if not isinstance(self.seed, int) or not 0 <= self.seed <= SEED_MAX:
            raise UsageError(f"seed must be a whole number from 0 to {SEED_MAX}, not {self.seed}")
        if self.epochs is not None and not (
            isinstance(self.epochs, int) and 1 <= self.epochs <= EPOCHS_MAX
        ):
            raise UsageError(f"epochs must be from 1 to {EPOCHS_MAX}, not {self.epochs}")
        if self.backend is not None and self.backend not in BACKENDS:
            raise UsageError(f"backend must be one of {', '.join(BACKENDS)}, not {self.backend!r}")
        timeout_problem = check_timeout(self.download_timeout)
        if timeout_problem:
            raise UsageError(f"the download timeout {timeout_problem}")
        object.__setattr__(self, "out", Path(self.out))
