"""Timing every ``fit`` of a process, epoch by epoch: benchmark-only instrumentation.

:func:`timing_fits` patches ``keras.Model.fit`` for the length of a ``with`` block so that
every training in the process -- a recipe's, a scikit-learn wrapper's, the port's -- gets one
more callback, which notes how long each epoch took. The callback has epoch hooks only, so
Keras keeps dispatching batches asynchronously and the timing costs next to nothing.

From those times come the two numbers the benchmarks report: the *steady* seconds per epoch
(the median of the epochs after each fit's first) and the *tracing* time (what a fit's first
epoch costs beyond a steady one: TensorFlow tracing and compiling the training and evaluation
steps).
"""

from __future__ import annotations

import contextlib
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field


@dataclass
class Fit:
    """One call of ``fit``: where it ran, when it started (``time.perf_counter``), its steps
    per epoch, and its times in seconds."""

    where: str = ""
    started: float = 0.0
    steps: int | None = None
    epochs: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def steady(self) -> float | None:
        """The median of the epochs after the first (``None`` with fewer than two)."""
        return statistics.median(self.epochs[1:]) if len(self.epochs) > 1 else None


def _epoch_clock(fit: Fit) -> object:
    """A Keras callback that appends each epoch's wall time to ``fit.epochs``."""
    import keras

    class EpochClock(keras.callbacks.Callback):
        def on_train_begin(self, logs: dict | None = None) -> None:
            fit.steps = (self.params or {}).get("steps")

        def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
            self.started = time.perf_counter()

        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            fit.epochs.append(time.perf_counter() - self.started)

    return EpochClock()


@contextlib.contextmanager
def timing_fits(where: Callable[[], str] = lambda: "") -> Iterator[list[Fit]]:
    """Within the block, every ``keras.Model.fit`` call appends a :class:`Fit` to the list
    this yields; ``where()`` labels it when the fit starts (the profile: the program section
    that runs). ``fit`` is restored on the way out."""
    import keras

    fits: list[Fit] = []
    own = keras.Model.__dict__.get("fit")
    original = keras.Model.fit

    def timed_fit(self, *args, callbacks=None, **kwargs):
        fit = Fit(where=where(), started=time.perf_counter())
        fits.append(fit)
        handed = [*(callbacks or []), _epoch_clock(fit)]
        try:
            return original(self, *args, callbacks=handed, **kwargs)
        finally:
            fit.seconds = time.perf_counter() - fit.started

    keras.Model.fit = timed_fit
    try:
        yield fits
    finally:
        if own is None:
            del keras.Model.fit  # inherited again, as before
        else:
            keras.Model.fit = own


def steady_epoch(fits: list[Fit]) -> float:
    """Steady seconds per epoch over ``fits``: the median of every epoch after its fit's first;
    of every epoch when no fit has more than one (NaN when nothing trained)."""
    later = [seconds for fit in fits for seconds in fit.epochs[1:]]
    every = later or [seconds for fit in fits for seconds in fit.epochs]
    return statistics.median(every) if every else float("nan")


def tracing_seconds(fits: list[Fit]) -> list[float]:
    """How much of each fit's first epoch was tracing: its excess over a steady epoch.

    A fit with later epochs is its own reference (the median of them). A one-epoch fit is
    compared with an estimate: the steps of its epoch at the median seconds per step of the
    fits that have later epochs. Without any such fit there is nothing to compare with, and
    its tracing counts as 0 (it stays in the fitting time).
    """
    rates = [fit.steady() / fit.steps for fit in fits if fit.steady() is not None and fit.steps]
    per_step = statistics.median(rates) if rates else None
    traced = []
    for fit in fits:
        reference = fit.steady()
        if reference is None and per_step is not None and fit.steps:
            reference = per_step * fit.steps
        first = fit.epochs[0] if fit.epochs else 0.0
        traced.append(max(0.0, first - reference) if reference is not None else 0.0)
    return traced
