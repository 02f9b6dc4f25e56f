"""Shared test set-up: offline, quiet, and never touching the user's Keras cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Before anything imports Keras: quiet TensorFlow, and point Keras's home (config and dataset
# cache) at a throwaway folder so no test can read or write ~/.keras.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
_KERAS_HOME = Path(__file__).resolve().parent.parent / ".pytest_cache" / "keras_home"
_KERAS_HOME.mkdir(parents=True, exist_ok=True)
os.environ["KERAS_HOME"] = str(_KERAS_HOME)
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture
def cli():
    """Invoke the ``cookbook`` command in-process and return Click's result."""
    from click.testing import CliRunner

    from cookbook.cli import main

    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture(autouse=True)
def _forget_resolved_sources():
    """Each test decides afresh where data comes from (the choice is memoised per process)."""
    from cookbook import data

    data._resolved.clear()
    yield
    data._resolved.clear()
