"""``cookbook figures``: stamped, deterministic figures with their records, and ``--check``.

The committed figures in ``docs/figures/`` are checked here the way CI must check them: every
recipe runs again (sample data, size small, as recorded) and every record must match the
committed one within float noise, every figure within a few pixels.
"""

from __future__ import annotations

import json

import matplotlib.image as mpimg
import pytest
from conftest import CHAPTER_ORDER, ROOT, TINY, is_png

from cookbook import files, records


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    """Three quick recipes' figures, drawn twice with seed 0 and once with seed 1; the second
    time in two worker processes (``--jobs 2``), the others in this process."""
    from click.testing import CliRunner

    from cookbook.cli import main

    names = ["binary", "preprocessing", "regression"]
    out = tmp_path_factory.mktemp("figures")
    for folder, seed, jobs in (("first", "0", "1"), ("again", "0", "2"), ("other", "1", "1")):
        args = ["figures", *names, *TINY, "--epochs", "2", "--seed", seed, "--jobs", jobs]
        result = CliRunner().invoke(main, [*args, "--out", str(out / folder)])
        assert result.exit_code == 0, result.output
    return out, names


def test_each_figure_is_a_png_with_its_record(drawn):
    out, names = drawn
    for name in names:
        png = out / "first" / f"{name}.png"
        assert is_png(png)
        image = mpimg.imread(png)
        assert image.shape[0] >= 300 and image.shape[1] >= 400
        assert image.std() > 0.01, "the figure must not be blank"
        record = json.loads((out / "first" / f"{name}.json").read_text())
        assert record["recipe"] == name and record["seed"] == 0
        assert record["figure"]["sha256"] == files.sha256(png)
        assert "wall_time_s" not in record  # committed records hold no per-run noise


def test_png_files_carry_no_timestamp_or_software_metadata(drawn):
    data = (drawn[0] / "first" / "binary.png").read_bytes()
    assert b"tIME" not in data and b"Software" not in data


def test_same_seed_gives_byte_identical_files_other_seed_others(drawn):
    """Byte-identical between a run in this process and a run in worker processes, too."""
    out, names = drawn
    for name in names:
        for suffix in (".png", ".json"):
            first = (out / "first" / f"{name}{suffix}").read_bytes()
            assert first == (out / "again" / f"{name}{suffix}").read_bytes(), name + suffix
    assert (out / "first" / "binary.png").read_bytes() != (
        out / "other" / "binary.png"
    ).read_bytes()


def test_the_stamp_names_the_data_the_seed_and_keras():
    import keras

    from cookbook.plotting import stamp_text

    loads = [{"dataset": "imdb", "source": "sample", "size": "small"}]
    assert stamp_text(loads, 3, keras.__version__) == (
        f"imdb: sample data (small) · seed 3 · Keras {keras.__version__}"
    )


def test_importing_the_cookbook_changes_no_matplotlib_settings():
    import subprocess
    import sys

    code = (
        "import matplotlib\n"
        "before = (matplotlib.get_backend(), dict(matplotlib.rcParams))\n"
        "import cookbook, cookbook.plotting, cookbook.runner, cookbook.data, cookbook.cli\n"
        "import cookbook.program, cookbook.notebooks, cookbook.records\n"
        "after = (matplotlib.get_backend(), dict(matplotlib.rcParams))\n"
        "assert before == after\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_records_compare_within_float_noise_and_catch_real_changes():
    old = {"history": {"loss": [0.5, 0.4]}, "results": {"accuracy": 0.8, "rows": 1500},
           "network_parameters": 16305, "versions": {"keras": "3.15.1"}}  # fmt: skip
    noise = json.loads(json.dumps(old))
    noise["history"]["loss"][1] = 0.4 * (1 + records.REL_TOLERANCE / 2)
    noise["versions"]["keras"] = "3.16.0"
    assert records.differences(old, noise) == []
    wider = json.loads(json.dumps(old))
    wider["network_parameters"] = 32577  # a layer width changed
    wider["results"]["accuracy"] = 0.9
    assert records.differences(old, wider) == [
        "network_parameters: 16305 -> 32577",
        "results.accuracy: 0.8 -> 0.9 (beyond the float-noise tolerance)",
    ]


def test_a_count_of_mistakes_compares_within_float_noise_other_whole_numbers_exactly():
    """One borderline image more or less is float noise between CPUs; an epoch is not."""
    old = {"results": {"test_mistakes": 309, "test_images": 1000},
           "output": {"evaluation": "{'test_mistakes': 309, 'test_images': 1000}\n"}}  # fmt: skip
    noise = json.loads(json.dumps(old).replace("309", "310"))
    assert records.differences(old, noise) == []
    far = json.loads(json.dumps(old).replace("309", "400"))
    assert len(records.differences(old, far)) == 2
    other = json.loads(json.dumps(old).replace("1000", "1001"))
    assert records.differences(old, other) == [
        "output.evaluation, line 1: \"{'test_mistakes': 309, 'test_images': 1000}\" -> "
        "\"{'test_mistakes': 309, 'test_images': 1001}\"",
        "results.test_images: 1000 -> 1001",
    ]


@pytest.mark.slow
def test_the_committed_figures_match_a_new_run(cli):
    """``cookbook figures --check`` over all fifteen (as CI must run it): the committed
    records and figures are what the code gives today. Without Graphviz the architecture
    diagram is skipped with a note, the others still checked; CI has Graphviz and requires it.
    """
    import shutil

    from conftest import require_program

    result = cli("figures", "--check", "-q", "--out", str(ROOT / "docs" / "figures"))
    assert result.exit_code == 0, result.output
    if shutil.which("dot") is None:
        assert "skipped: architecture: Graphviz's `dot` program is not installed" in result.output
        assert f"all {len(CHAPTER_ORDER) - 1} figure(s) and record(s) match" in result.output
        require_program("dot")  # reported as a skip here, a failure in CI
    assert f"all {len(CHAPTER_ORDER)} figure(s) and record(s) match" in result.output


@pytest.mark.slow
def test_check_fails_naming_the_recipe_when_a_record_moved(cli, tmp_path):
    import shutil

    for suffix in (".png", ".json"):
        shutil.copy(ROOT / "docs" / "figures" / f"preprocessing{suffix}", tmp_path)
    record = json.loads((tmp_path / "preprocessing.json").read_text())
    record["network_parameters"] = 1  # as if the code had changed
    (tmp_path / "preprocessing.json").write_text(json.dumps(record))
    result = cli("figures", "preprocessing", "--check", "-q", "--out", str(tmp_path))
    assert result.exit_code == 1
    assert "changed: preprocessing: network_parameters" in result.output


@pytest.mark.slow
@pytest.mark.parametrize("named", [False, True])
def test_check_skips_a_missing_program_unless_the_recipe_was_named(cli, tmp_path, monkeypatch,
                                                                   named):  # fmt: skip
    """Like ``figures``: without Graphviz, ``--check`` over all recipes notes the skip and checks
    the rest; naming the architecture recipe makes the missing program a failure."""
    import shutil

    from cookbook import runner
    from cookbook.settings import Settings

    names = ["architecture", "preprocessing"]
    for name in names:
        for suffix in (".png", ".json"):
            shutil.copy(ROOT / "docs" / "figures" / f"{name}{suffix}", tmp_path)
    (tmp_path / "bin").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))  # a PATH without Graphviz's `dot`
    if named:
        result = cli("figures", *names, "--check", "-q", "--out", str(tmp_path))
        assert result.exit_code == 1
        assert "changed: architecture: could not run again" in result.output
    else:
        report = runner.check_figures(names, tmp_path, Settings(), named=False)
        assert (
            report.skipped == ["architecture: " + next(iter(report.skipped)).split(": ", 1)[1]]
            and "Graphviz's `dot` program is not installed" in report.skipped[0]
        )
        assert report.problems == {"preprocessing": []}
