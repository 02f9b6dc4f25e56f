"""``cookbook figures``: every figure is drawn, stamped, reproducible, and faults are contained."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import matplotlib.image as mpimg
import pytest

from tests.test_cli import CHAPTER_ORDER

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TINY = ("--data", "sample", "--size", "tiny", "--epochs", "2", "-q")


@pytest.fixture(scope="module")
def all_figures(tmp_path_factory):
    from click.testing import CliRunner

    from cookbook.cli import main

    out = tmp_path_factory.mktemp("figures")
    result = CliRunner().invoke(main, ["figures", *TINY, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("name", CHAPTER_ORDER)
def test_every_recipe_gets_a_valid_png_and_a_record(all_figures, name):
    png = all_figures / f"{name}.png"
    assert png.read_bytes()[:8] == PNG_SIGNATURE
    image = mpimg.imread(png)
    assert image.shape[0] >= 300 and image.shape[1] >= 400
    assert image.std() > 0.01, "the figure must not be blank"
    record = json.loads((all_figures / f"{name}.json").read_text())
    assert record["recipe"] == name and record["figure"] == f"{name}.png"
    assert record["seed"] == 0


def test_png_files_carry_no_timestamp_or_software_metadata(all_figures):
    data = (all_figures / "binary.png").read_bytes()
    assert b"tIME" not in data and b"Software" not in data


def test_history_figures_come_from_one_training(all_figures):
    loss = json.loads((all_figures / "loss-history.json").read_text())
    accuracy = json.loads((all_figures / "accuracy-history.json").read_text())
    assert loss["details"]["shared_training"] is False
    assert accuracy["details"]["shared_training"] is True
    assert loss["history"] == accuracy["history"]
    assert len(loss["history"]["loss"]) == 2


def test_same_seed_gives_byte_identical_figures(cli, tmp_path):
    names = ["binary", "early-stopping", "regression", "preprocessing", "architecture"]
    for folder in ("first", "second"):
        result = cli("figures", *names, *TINY, "--out", str(tmp_path / folder))
        assert result.exit_code == 0, result.output
    for name in names:
        first = (tmp_path / "first" / f"{name}.png").read_bytes()
        assert first == (tmp_path / "second" / f"{name}.png").read_bytes(), name


def test_a_different_seed_gives_a_different_figure(cli, tmp_path):
    for seed in ("0", "1"):
        result = cli("figures", "binary", *TINY, "--seed", seed, "--out", str(tmp_path / seed))
        assert result.exit_code == 0, result.output
    assert (tmp_path / "0" / "binary.png").read_bytes() != (
        tmp_path / "1" / "binary.png"
    ).read_bytes()


def test_graphviz_missing_still_writes_every_other_figure(tmp_path):
    env = {**os.environ, "PATH": str(tmp_path)}  # no `dot` on this PATH
    proc = subprocess.run(
        [sys.executable, "-m", "cookbook", "figures", "binary", "architecture", "preprocessing",
         *TINY, "--out", str(tmp_path)],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 1
    assert (tmp_path / "binary.png").is_file() and (tmp_path / "preprocessing.png").is_file()
    assert not (tmp_path / "architecture.png").exists()
    assert "apt-get install graphviz" in proc.stderr and "Traceback" not in proc.stderr
    assert "2 of 3 figure(s) written" in proc.stdout


def test_a_failing_recipe_does_not_stop_the_others(cli, tmp_path, monkeypatch):
    from cookbook.recipes import regression

    def broken(settings):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(regression, "run", broken)
    result = cli("figures", "regression", "preprocessing", *TINY, "--out", str(tmp_path))
    assert result.exit_code == 1
    assert "regression: RuntimeError: simulated failure" in result.output
    assert (tmp_path / "preprocessing.png").is_file()
    assert not (tmp_path / "regression.png").exists()
