"""The benchmark scripts work: the machine they describe, the profile's phases, and a case that
cannot run here becoming a row that says why. Fast checks only, and no timing assertions: the
numbers themselves are for reading, on a shared and noisy machine.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def scripts() -> Iterator[SimpleNamespace]:
    """The benchmark scripts as modules. Their folder goes at the *end* of ``sys.path`` (they
    import each other by plain name) and ``phases.py`` loads under another name."""
    sys.path.append(str(BENCHMARKS))
    try:
        spec = importlib.util.spec_from_file_location("benchmarks_phases", BENCHMARKS / "phases.py")
        assert spec is not None and spec.loader is not None
        profile: ModuleType = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = profile  # its dataclasses look their module up there
        spec.loader.exec_module(profile)
        yield SimpleNamespace(
            machine=importlib.import_module("machine"),
            fits=importlib.import_module("fits"),
            bench=importlib.import_module("bench"),
            profile=profile,
        )
    finally:
        sys.path.remove(str(BENCHMARKS))


# --- the machine ---------------------------------------------------------------------------


FAKE_CPUINFO = """\
processor\t: 0
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R) Platinum 8480+
flags\t\t: fpu sse4_2 avx avx2 fma avx512f avx512_vnni amx_tile
processor\t: 1
model name\t: Intel(R) Xeon(R) Platinum 8480+
"""


def test_machine_names_the_cpu_and_its_features(scripts, tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(FAKE_CPUINFO, encoding="utf-8")
    text = scripts.machine.describe(cpuinfo)
    assert text.startswith("Intel(R) Xeon(R) Platinum 8480+ (")
    assert "CPU features: avx2 fma avx512f avx512_vnni amx_tile, without avx512_bf16" in text
    assert any(f"oneDNN: {state}" in text for state in ("on", "off", "unknown"))
    assert "cores" in text and "GiB RAM" in text


def test_machine_describes_this_machine(scripts):
    facts = scripts.machine.this_machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        name, flags = scripts.machine.read_cpuinfo(cpuinfo.read_text(encoding="utf-8"))
        assert facts.cpu == (name or facts.cpu)
        listed = set(facts.features) | set(facts.missing)
        assert listed == (set(scripts.machine.FEATURES) if flags else set())
    assert facts.onednn in ("on", "off", "unknown")
    assert facts.cpu in str(facts) and facts.cores >= 1


# --- timing fits ---------------------------------------------------------------------------


def test_tracing_is_the_first_epochs_excess(scripts):
    fit = scripts.fits.Fit
    fits = [
        fit(steps=10, epochs=[1.5, 0.5, 0.5, 0.7]),  # its own later epochs: 1.5 - 0.5
        fit(steps=20, epochs=[1.25]),  # one epoch: 20 steps at 0.05 s a step
        fit(steps=10, epochs=[0.4, 0.5]),  # faster than later: no tracing, not negative
    ]
    assert scripts.fits.tracing_seconds(fits) == pytest.approx([1.0, 0.25, 0.0])
    assert scripts.fits.tracing_seconds([fit(steps=5, epochs=[2.0])]) == [0.0]  # no reference
    assert scripts.fits.steady_epoch(fits) == pytest.approx(0.5)


# --- the profile ---------------------------------------------------------------------------


def test_every_recipe_section_has_a_phase(scripts):
    from cookbook import program, recipes

    profile = scripts.profile
    for module in sorted({entry.module for entry in recipes.RECIPES}):
        for section in program.read_sections(program.module_path(module)):
            assert section.name in profile.SECTION_PHASES, (
                f"{module}.py's section {section.name!r} has no phase in "
                "benchmarks/phases.py's SECTION_PHASES"
            )
            assert profile.phase_of(section.name) in profile.PHASES
    assert profile.phase_of("some-new-figure") == "drawing"
    assert profile.phase_of("something-else") in profile.PHASES


def test_profile_rows_add_up_to_the_wall_time(scripts):
    from cookbook import program

    profile = scripts.profile
    started = time.perf_counter()
    imported = profile.import_libraries()
    groups = profile.run_groups(["preprocessing"], "tiny")
    measured = time.perf_counter() - started
    rows = profile.table_rows(imported, groups)

    (group,) = groups
    names = [s.name for s in program.read_sections(program.module_path("preprocessing"))]
    assert list(group.sections) == names  # the runner timed every section, in order
    assert group.status == "done" and group.fits == []

    labels = [row[0] for row in rows]
    assert labels[1:] == ["preprocessing", "total"] and "import" in labels[0]
    wall = profile.COLUMNS.index("wall s")
    phases = slice(profile.COLUMNS.index("import s"), wall)
    for row in rows:
        assert sum(row[phases]) == pytest.approx(row[wall], abs=0.05)
        assert min(row[phases]) >= -0.02  # no phase counted twice
    assert rows[-1][wall] == pytest.approx(sum(row[wall] for row in rows[:-1]), abs=0.05)
    assert rows[-1][wall] <= measured + 0.05
    assert rows[-1][wall] == pytest.approx(measured, abs=0.5, rel=0.1)


def test_profile_record_is_a_docs_table(scripts, monkeypatch):
    profile = scripts.profile
    monkeypatch.setattr(profile, "run_groups", lambda names, size: [])
    record = profile.profile([], "tiny")
    assert set(record) == {"columns", "rows", "caption", "machine", "versions", "zh"}
    assert all(len(row) == len(record["columns"]) for row in record["rows"])
    assert len(record["zh"]["columns"]) == len(record["columns"])  # the Chinese page's table
    assert "benchmarks/phases.py" in record["zh"]["caption"]
    json.dumps(record)  # plain JSON


# --- the benchmark -------------------------------------------------------------------------

MEASURED = {"steady": 0.5, "wall": 3.0, "peak_rss_mb": 800.0, "epochs": [[1.0, 0.5]]}


def fake_children(monkeypatch, bench, port_code: str) -> None:
    """Children that run ``port_code`` for the port and print measurements for the cookbook."""
    cookbook_code = f"print({json.dumps(json.dumps(MEASURED))})"

    def command(side: str, case: str, epochs: int) -> list[str]:
        return [sys.executable, "-c", port_code if side == "port" else cookbook_code]

    monkeypatch.setattr(bench, "child_command", command)


def test_a_port_that_cannot_run_here_is_a_row_that_says_why(scripts, monkeypatch):
    bench = scripts.bench
    error = "Conv2DCustomBackpropFilterOp only supports NHWC."
    fake_children(monkeypatch, bench, f"raise SystemExit({error!r})")
    row = bench.measure_case("cnn", 1)
    assert len(row) == len(bench.COLUMNS)
    assert row[:2] == ["cnn", 1]
    assert row[2].startswith("fails here: Conv2D channels_first needs oneDNN")
    assert row[3:5] == [bench.NO_NUMBER] * 2
    assert row[5:8] == [0.5, 3.0, 800]  # the cookbook's side still measured
    assert row[8:] == [bench.NO_NUMBER] * 2


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("raise ValueError('the shapes do not match')", "fails here: ValueError: the shapes do"),
        (
            "import os, signal; os.kill(os.getpid(), signal.SIGKILL)",
            "fails here: killed by SIGKILL",
        ),
        ("print('no json')", "fails here: printed no measurements"),
    ],
)
def test_any_failure_is_a_row_not_a_crash(scripts, monkeypatch, code, expected):
    bench = scripts.bench
    fake_children(monkeypatch, bench, code)
    row = bench.measure_case("binary", 1)
    assert row[2].startswith(expected) and "Traceback" not in row[2]
    assert len(row) == len(bench.COLUMNS)
