"""Every program on JAX and on PyTorch, and a missing backend refused in one line.

Keras reads its backend once, when it is first imported, and this test process already runs
on TensorFlow (``conftest.py``): each backend's run is a subprocess of its own, one for all
fifteen recipes, as a learner would type it. A backend that is not installed skips its test,
unless ``COOKBOOK_REQUIRE_BACKENDS=1`` says it is (CI that installs it), and then fails it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CHAPTER_ORDER, ROOT, TINY, require_program

from cookbook import lessons

#: Set where JAX and PyTorch are installed on purpose: a missing one then fails, not skips.
REQUIRE_BACKENDS = os.environ.get("COOKBOOK_REQUIRE_BACKENDS") == "1"
#: Seconds the whole tiny run may take on each backend: generous on a shared two-core CPU,
#: where PyTorch's LSTM alone took several minutes (see the report in ``benchmarks/``).
RUN_TIMEOUT_S = {"jax": 900, "torch": 2400}
#: What installs each backend, for the skip message.
INSTALL = {"jax": "pip install -e '.[jax]'", "torch": "pip install -e '.[torch]'"}


def require_backend(backend: str) -> None:
    """Skip the calling test when ``backend`` is not installed; fail it where
    ``COOKBOOK_REQUIRE_BACKENDS=1`` says it is."""
    if importlib.util.find_spec(backend) is not None:
        return
    reason = f"the {backend} backend is not installed ({INSTALL[backend]})"
    if REQUIRE_BACKENDS:
        pytest.fail(f"{reason}, and COOKBOOK_REQUIRE_BACKENDS=1 says it is")
    pytest.skip(reason)


def cookbook(*args: str, timeout: float = 120, env: dict[str, str] | None = None):
    """Run ``python -m cookbook ARGS`` from the repository root; the finished process."""
    return subprocess.run(
        [sys.executable, "-m", "cookbook", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_every_recipe_trains_on_the_backend_and_says_so(backend, tmp_path):
    require_backend(backend)
    out = tmp_path / "models"
    args = ["train", "--all", *TINY, "--backend", backend, "--out", str(out)]
    proc = cookbook(*args, timeout=RUN_TIMEOUT_S[backend])
    assert proc.returncode == 0, f"cookbook {' '.join(args)} failed:\n{proc.stderr[-4000:]}"
    named, not_shown = {}, []
    for name in CHAPTER_ORDER:
        record = json.loads((out / name / "results.json").read_text(encoding="utf-8"))
        named[name] = record["backend"]["name"]
        verdict = lessons.verdict(record)  # the lessons that hold at tiny size hold here too
        if verdict.applies and not verdict.holds:
            not_shown.append(f"{name}: {verdict.text()}")
    assert named == dict.fromkeys(CHAPTER_ORDER, backend)
    assert not_shown == []


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_the_committed_records_on_the_backend_match_a_new_run(backend):
    """``cookbook figures --check --backend B`` over the backend's committed records, as
    tests/test_figures.py checks TensorFlow's: the same results within float noise, and every
    lesson shown. Without Graphviz the architecture diagram is skipped (CI requires it)."""
    require_backend(backend)
    out = ROOT / "docs" / "figures" / backend
    args = ["figures", "--check", "-q", "--backend", backend, "--out", str(out)]
    proc = cookbook(*args, timeout=RUN_TIMEOUT_S[backend])
    assert proc.returncode == 0, f"cookbook {' '.join(args)}:\n{proc.stdout}{proc.stderr[-4000:]}"
    if shutil.which("dot") is None:
        assert f"all {len(CHAPTER_ORDER) - 1} figure(s) and record(s) match" in proc.stdout
        require_program("dot")
    assert f"all {len(CHAPTER_ORDER)} figure(s) and record(s) match" in proc.stdout


#: Put first on the path of a subprocess as ``sitecustomize``, this hides the ``torch``
#: package from every importer, as if it had never been installed (nothing else changes).
HIDE_TORCH = '''
import sys


class Hidden:
    """An import finder that knows no ``torch``; it asks the finder it wraps for the rest."""

    def __init__(self, finder):
        self.finder = finder

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "torch":
            return None
        find = getattr(self.finder, "find_spec", None)
        return find(name, path, target) if find else None

    def __getattr__(self, name):
        return getattr(self.finder, name)


sys.meta_path[:] = [Hidden(finder) for finder in sys.meta_path]
'''


def test_a_missing_backend_is_one_line_naming_the_install_command(tmp_path):
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(HIDE_TORCH, encoding="utf-8")
    path = os.pathsep.join(p for p in (str(shim), os.environ.get("PYTHONPATH")) if p)
    env = dict(os.environ, PYTHONPATH=path)
    proc = cookbook("train", "binary", "--backend", "torch", "--out", str(tmp_path), env=env)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "torch" in lines[0] and "pip install" in lines[0]
    assert "Traceback" not in proc.stderr
    assert not (Path(tmp_path) / "binary").exists()  # refused before anything ran
