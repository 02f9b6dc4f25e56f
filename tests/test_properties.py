"""No traceback for any user input: generated option values thrown at every command.

Hypothesis makes up values for every option and argument of every command -- empty, huge,
non-finite, malformed, unicode, paths that are too long or loop -- and each command must
answer with exit code 0, 1 or 2 and no traceback. The work behind the commands (training,
downloading, copying) is replaced by stand-ins that return at once: what is tested here is
that input is checked, not that networks train (the other tests do that).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cookbook.cli import main

NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["nan", "inf", "-inf", "1e308", "0", "-1", "1e-320", "", "ten", "15 s"]),
)
TEXT = st.text(max_size=40)
PATHS = st.one_of(
    TEXT,
    st.sampled_from(["", "~", "~/x", "~nobody/x", ".", "..", "/", "/dev/null", "a" * 300,
                     "x/" * 2100, "dangling", "loop", "file", "a\x00b"]),
)  # fmt: skip
URLS = st.one_of(
    TEXT,
    st.sampled_from(["https://[::1", "http://", "ftp://host/x", "file:///nowhere", "https://:99999",
                     "http://[fe80::1%25eth0]:80/", "https://example.org:-1/", "//host/x"]),
)  # fmt: skip
RUN_OPTIONS = st.fixed_dictionaries(
    {},
    optional={
        "--data": st.one_of(st.sampled_from(["auto", "keras", "sample"]), TEXT),
        "--size": st.one_of(st.sampled_from(["tiny", "small", "full"]), TEXT),
        "--epochs": NUMBERS,
        "--seed": NUMBERS,
        "--out": PATHS,
        "--timeout": NUMBERS,
    },
)


def args_of(options: dict[str, str]) -> list[str]:
    return [item for key, value in options.items() for item in (key, value)]


@pytest.fixture
def quick(monkeypatch, tmp_path):
    """Commands that return at once: stand-ins for training, downloading and copying."""
    from cookbook import runner
    from cookbook.cli import common
    from cookbook.data import cache

    monkeypatch.chdir(tmp_path)
    (tmp_path / "file").write_text("a file, not a folder")
    os.symlink(tmp_path / "missing", tmp_path / "dangling")
    os.symlink(tmp_path / "loop", tmp_path / "loop")
    monkeypatch.setattr(runner, "train", lambda names, settings, *a, **k: [])
    monkeypatch.setattr(runner, "figures", lambda names, settings, *a, **k: [])
    monkeypatch.setattr(common, "start_keras", lambda backend: None)

    def no_download(name, mirror=None, timeout=1.0, progress=None):
        raise cache.DownloadError(f"could not download {mirror} (a stand-in)")

    monkeypatch.setattr(cache, "download", no_download)
    monkeypatch.setattr(cache, "import_file", lambda source, name: (Path(source), False))
    return CliRunner()


def assert_answers_cleanly(result) -> None:
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output


PROPERTY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@PROPERTY
@given(command=st.sampled_from(["train", "figures"]), options=RUN_OPTIONS,
       names=st.lists(st.one_of(st.sampled_from(["binary", "--all", "--resume", "--check"]),
                                TEXT), max_size=3))  # fmt: skip
def test_run_commands_answer_any_options_cleanly(quick, command, options, names):
    result = quick.invoke(main, [command, *names, *args_of(options)])
    assert_answers_cleanly(result)


@PROPERTY
@given(
    names=st.lists(st.one_of(st.sampled_from(["imdb", "mnist", "reuters"]), TEXT), max_size=2),
    mirror=st.one_of(st.none(), URLS),
    timeout=st.one_of(st.none(), NUMBERS),
)
def test_data_download_answers_any_options_cleanly(quick, names, mirror, timeout):
    args = ["data", "download", *names]
    args += ["--mirror", mirror] if mirror is not None else []
    args += ["--timeout", timeout] if timeout is not None else []
    assert_answers_cleanly(quick.invoke(main, args))


@PROPERTY
@given(file=PATHS, name=st.one_of(st.none(), st.sampled_from(["imdb", "mnist"]), TEXT))
def test_data_import_and_inspect_answer_any_path_cleanly(quick, file, name):
    args = ["data", "import", file] + (["--name", name] if name is not None else [])
    assert_answers_cleanly(quick.invoke(main, args))
    assert_answers_cleanly(quick.invoke(main, ["inspect", file]))


@PROPERTY
@given(names=st.lists(TEXT, max_size=2), docs=PATHS)
def test_notebooks_and_list_answer_cleanly(quick, names, docs):
    assert_answers_cleanly(quick.invoke(main, ["notebooks", "--check", *names, "--docs", docs]))
    assert_answers_cleanly(quick.invoke(main, ["list", *names]))
