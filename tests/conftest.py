"""Shared test set-up: offline, quiet, never touching the user's Keras cache; shared helpers.

The one expensive fixture is :func:`trained`: every recipe's program runs at most once per test
session (tiny sample data, the chapter's own epochs), through the same runner as
``cookbook train``, and every test that needs a trained recipe reads that one run.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

# Before anything imports Keras: quiet TensorFlow, point Keras's home (config and dataset
# cache) at a throwaway folder so no test can read or write ~/.keras, and make the sample data
# the default source so nothing reaches for the network unless a test asks.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
_KERAS_HOME = Path(__file__).resolve().parent.parent / ".pytest_cache" / "keras_home"
_KERAS_HOME.mkdir(parents=True, exist_ok=True)
os.environ["KERAS_HOME"] = str(_KERAS_HOME)
os.environ["COOKBOOK_DATA"] = "sample"
os.environ["COOKBOOK_SIZE"] = "tiny"
os.environ.setdefault("MPLBACKEND", "Agg")

# A shell script that starts pytest in the background (`pytest &`) makes it ignore SIGINT, and
# every program a test starts would inherit that: the Ctrl-C tests would then test nothing.
# Python's own handler here means the programs start with the default again.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

ROOT = Path(__file__).resolve().parent.parent
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHAPTER_ORDER = [
    "dropout", "cnn", "binary", "multiclass", "regression", "lstm", "early-stopping",
    "regularization", "preprocessing", "checkpointing", "tuning", "loss-history",
    "architecture", "accuracy-history", "cross-validation",
]  # fmt: skip


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--recipe",
        action="append",
        default=[],
        metavar="NAME",
        help="Run only the tests about recipe NAME: its program, lesson check, page, notebook "
        "and records (may be given more than once).",
    )


def about_recipe(nodeid: str, name: str) -> bool:
    """Whether a test is about recipe ``name``: its own test file, a test parametrized with the
    recipe (``[binary]``, ``[binary-zh]``, ``[args3-binary]``) or with its page."""
    from cookbook import recipes

    path, _, test = nodeid.partition("::")
    if path.endswith(f"test_{recipes.entry(name).module}.py") or f"{name}.md" in test:
        return True
    ids = test.rpartition("[")[2].rstrip("]") if test.endswith("]") else ""
    return f"-{name}-" in f"-{ids}-"  # no recipe's name is a hyphenated part of another's


#: Fixtures that make a test slow: the built site, notebooks run in kernels, figures drawn
#: three times over.
SLOW_FIXTURES = {"built_site", "executed", "drawn"}


def pytest_configure(config: pytest.Config) -> None:
    """An unknown ``--recipe NAME`` is a usage error, said once here (not in each xdist worker,
    where collection happens)."""
    from cookbook import recipes

    for name in config.getoption("--recipe"):
        if name not in recipes.NAMES:
            raise pytest.UsageError(f"--recipe {name}: unknown recipe (`cookbook list`)")


#: Fixtures made once and read by many tests: under pytest-xdist, the tests that use one run
#: in one worker (their group), so that it is made once, not once per worker.
SHARED_FIXTURES = {
    "built_site": "site", "site_server": "site", "executed": "notebooks", "drawn": "drawn",
    "made": "made", "small_search": "tuning",
}  # fmt: skip


def xdist_group(item: pytest.Item) -> str | None:
    """The worker group of a test under ``pytest -n``: that of the shared fixture it uses, else
    the recipe it is about (so :func:`trained` runs each program in one worker only), else none
    (any worker)."""
    from cookbook import recipes

    for fixture in getattr(item, "fixturenames", ()):
        if fixture in SHARED_FIXTURES:
            return SHARED_FIXTURES[fixture]
    for name in recipes.NAMES:
        if about_recipe(item.nodeid, name):
            return recipes.entry(name).module  # a pair's two names share one program
    return None


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist appends the group to each test's id
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With ``--recipe NAME``, keep only the tests about that recipe; mark the tests that need a
    slow fixture ``slow``, and give each its worker group for pytest-xdist."""
    names = config.getoption("--recipe")
    if names:
        kept = [item for item in items if any(about_recipe(item.nodeid, n) for n in names)]
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
        group = xdist_group(item)  # pytest-xdist is always there: addopts gives `-n auto`
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))


#: The most workers ``-n auto`` starts: each is a process with TensorFlow whose tests start
#: programs of their own, so a laptop's sixteen threads do not mean sixteen workers.
MAX_WORKERS = 4


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: one worker per core, at most :data:`MAX_WORKERS`."""
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS))


#: Set by CI, which installs Graphviz and Chromium: a test that needs them may not skip.
REQUIRE_PROGRAMS = os.environ.get("COOKBOOK_REQUIRE_PROGRAMS") == "1"


def require_program(program: str) -> None:
    """Skip the calling test when ``program`` is not installed, naming the install command;
    fail it instead where CI promised the program (``COOKBOOK_REQUIRE_PROGRAMS=1``)."""
    if shutil.which(program) is not None:
        return
    reason = INSTALL_HINTS.get(program, f"needs the program `{program}`")
    if REQUIRE_PROGRAMS:
        pytest.fail(f"{reason}, and COOKBOOK_REQUIRE_PROGRAMS=1 says it is installed")
    pytest.skip(reason)


def needs_graphviz() -> pytest.MarkDecorator:
    """``@needs_graphviz()`` on a test: the :func:`graphviz` fixture's skip (or CI failure)."""
    return pytest.mark.usefixtures("graphviz")


@pytest.fixture
def graphviz() -> None:
    """Use in a test that needs Graphviz's ``dot``: skips (or fails in CI) without it."""
    require_program("dot")


def skip_without_programs(name: str) -> None:
    """Skip the calling test when recipe ``name`` needs a system program that is missing."""
    from cookbook import recipes

    for program in recipes.entry(name).needs:
        require_program(program)


INSTALL_HINTS = {
    "dot": "needs Graphviz's `dot` (apt-get install graphviz)",
    "chromium": "needs Chromium (apt-get install chromium)",
    "fc-list": "needs fontconfig and a Chinese font (apt-get install fonts-wqy-microhei)",
}


#: The options of a quick offline run: tiny sample data, no progress lines.
TINY = ("--data", "sample", "--size", "tiny", "-q")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too) by relative path, with its bytes; ``{}``
    when the folder does not exist."""
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def interrupt_training(monkeypatch, epochs: int = 1, kind: type[BaseException] = KeyboardInterrupt):
    """Make the next training raise ``kind`` (Ctrl-C) at the end of its epoch ``epochs``,
    exactly where a real Ctrl-C lands between two epochs: a callback added to those the
    runner hands the program."""
    import keras

    from cookbook import execution

    original = execution.make_callbacks

    class Interrupt(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch + 1 >= epochs:
                raise kind()

    def with_interrupt(*args, **kwargs):
        return [*original(*args, **kwargs), Interrupt()]

    monkeypatch.setattr(execution, "make_callbacks", with_interrupt)


@pytest.fixture
def interrupt_at(monkeypatch):
    """``interrupt_at(n)``: the next training is interrupted (Ctrl-C) after its epoch ``n``."""
    return lambda epochs, kind=KeyboardInterrupt: interrupt_training(monkeypatch, epochs, kind)


def wait_for(condition: Callable[[], bool], process: subprocess.Popen, what: str) -> None:
    """Poll for a state of the process's files (not a race: the process waits for nothing)."""
    deadline = time.monotonic() + 180
    while not condition():
        if process.poll() is not None:
            pytest.fail(f"the process ended before {what}: {process.communicate()}")
        assert time.monotonic() < deadline, f"no {what} in time"
        time.sleep(0.02)


def tiny_settings(out: Path, **changes: object):
    """Settings for a quick offline run into ``out``: tiny sample data, no progress lines."""
    from cookbook.settings import Settings

    values = {"data": "sample", "size": "tiny", "out": Path(out)}
    values.update(changes)
    return Settings(**values)


def saved_model(outcome, file: str | None = None):
    """The model file ``file`` (default ``NAME.keras``) a trained recipe published, loaded."""
    import keras

    return keras.models.load_model(outcome.written[0].parent / (file or f"{outcome.name}.keras"))


def is_png(path: Path) -> bool:
    """Whether ``path`` is a complete PNG file (signature, and the closing IEND chunk)."""
    content = path.read_bytes()
    return content.startswith(PNG_SIGNATURE) and content.endswith(b"IEND\xaeB`\x82")


@pytest.fixture
def cli():
    """Invoke the ``cookbook`` command in-process and return Click's result."""
    from click.testing import CliRunner

    from cookbook.cli import main

    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


BUILD_TIMEOUT_S = 600


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Build the site strictly (``mkdocs build --strict``) into a temporary folder, once per
    session; return the folder, the build's time and its log."""
    site = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-f", "mkdocs.yml"]
        + ["-d", str(site)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
    )
    seconds = time.perf_counter() - start
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{log[-6000:]}"
    return {"site": site, "seconds": seconds, "log": log}


@pytest.fixture(scope="session")
def trained(tmp_path_factory) -> Callable[[str], object]:
    """``trained(name)``: the :class:`cookbook.runner.Outcome` of ``cookbook train name``
    on tiny sample data, run once per session (a shared program runs once for its pair).

    The outcome holds the results record, the published files and the program's variables,
    and, as ``outcome.fits``, what each ``keras.Model.fit`` call of the program was given
    (``{"callbacks": [...], "epochs": ..., "batch_size": ...}``): what the program does, not
    how its source spells it.
    """
    from unittest import mock

    import keras

    from cookbook import recipes, runner

    out = tmp_path_factory.mktemp("trained")
    done: dict[str, object] = {}
    original_fit = keras.Model.fit

    def get(name: str):
        if name not in done:
            group = [entry.name for entry in recipes.sharing(name)]
            fits: list[dict[str, object]] = []

            def recording_fit(model, *args, **kwargs):
                fits.append({key: kwargs.get(key) for key in ("epochs", "batch_size")})
                fits[-1]["callbacks"] = list(kwargs.get("callbacks") or [])
                return original_fit(model, *args, **kwargs)

            with mock.patch.object(keras.Model, "fit", recording_fit):
                outcomes = runner.train(group, tiny_settings(out))
            for outcome in outcomes:
                outcome.fits = fits
                done[outcome.name] = outcome
        outcome = done[name]
        assert outcome.status == "done", f"{name}: {outcome.status}: {outcome.message}"
        return outcome

    return get


@pytest.fixture(autouse=True)
def _forget_resolved_sources():
    """Each test decides afresh where data comes from (the choice is memoised per process)."""
    from cookbook import data

    data._resolved.clear()
    yield
    data._resolved.clear()
