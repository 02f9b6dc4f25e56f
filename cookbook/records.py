"""Results records: how one is made from a run, how it is read back, and how two compare.

A record is the JSON file beside every figure (``docs/figures/NAME.json``) and in every trained
recipe's folder (``results.json``): what ran (recipe, parameters, seed, backend and library
versions), on what data, what it printed section by section, and what came out (the per-epoch
history and the program's ``results``). It holds no wall time in ``cookbook figures``, so a
rerun on one machine gives the same bytes, and every number the docs show comes from one.

``cookbook figures --check`` runs the recipes again and compares each new record and figure
with the committed ones (:func:`differences`):

* whole numbers (epochs, parameter counts, row counts) and text must be equal;
* floating-point numbers may differ by float noise: they pass when ``math.isclose(old, new,
  rel_tol=REL_TOLERANCE, abs_tol=ABS_TOLERANCE)``, that is ``|new - old| <= max(REL_TOLERANCE *
  max(|old|, |new|), ABS_TOLERANCE)``. On one machine a rerun is byte-identical; between
  machines of the same kind (other CPU features, other thread counts) the last digits move,
  and the drift grows with training. The tolerances were set from measurements (see the
  performance page);
* what a section printed must read the same, with the numbers in it compared as above;
* figures must have the same size in pixels and differ in at most :data:`PIXEL_SHARE` of
  their pixels.

The library versions are compared too: another Keras may legitimately change the numbers, and
the report says so instead of calling it noise.
"""

from __future__ import annotations

import contextlib
import json
import math
import platform
import re
from pathlib import Path
from typing import Any

from cookbook.errors import DamagedRecord, UsageError

#: Results are recorded to this many significant digits: more than any page shows, and
#: free of the float noise in the last digits.
DIGITS = 6
#: Absolute and relative tolerance for floating-point results between machines.
ABS_TOLERANCE = 0.01
REL_TOLERANCE = 0.02
#: Share of pixels two renderings of the same figure may differ in.
PIXEL_SHARE = 0.01
#: Keys that are expected to differ between runs or machines.
IGNORED = {"versions", "sha256", "wall_time_s"}
#: Whole numbers that are measurements, not settings: counts of a network's wrong answers.
#: Float noise moves a borderline prediction across the line, so two CPUs may count one
#: mistake more (the CNN's test mistakes, 309 on one and 310 on another); these compare
#: within the tolerance, every other whole number (epochs, parameters, rows) exactly.
MEASURED_COUNTS = {"test_mistakes", "topics_never_right"}
#: The keys every recipe's record has.
REQUIRED = ("recipe", "data", "seed", "epochs", "history", "results", "versions")


# --- making one ------------------------------------------------------------------------------


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON data: NumPy scalars and arrays unwrapped, floats rounded to
    :data:`DIGITS` significant digits, paths as strings."""
    import numpy as np

    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, np.generic):
        return jsonable(value.item())
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return float(f"{value:.{DIGITS}g}")
    if isinstance(value, Path):
        return value.name
    raise TypeError(f"cannot record a {type(value).__name__}")


#: The module whose version is the backend's version, by backend name.
BACKEND_MODULES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}


def backend() -> dict[str, str]:
    """The backend Keras runs on, and that library's version."""
    import importlib

    import keras

    name = keras.backend.backend()
    module = importlib.import_module(BACKEND_MODULES.get(name, name))
    return {"name": name, "version": getattr(module, "__version__", "unknown")}


def _installed_version(*distributions: str) -> str | None:
    """The version of the first of ``distributions`` that is installed (without importing it)."""
    from importlib import metadata

    for name in distributions:
        with contextlib.suppress(metadata.PackageNotFoundError):
            return metadata.version(name)
    return None


def versions() -> dict[str, str]:
    """Versions of the libraries a result depends on."""
    import keras
    import numpy
    import sklearn

    found = {"python": platform.python_version(), "keras": keras.__version__}
    tensorflow = _installed_version("tensorflow", "tensorflow-cpu")
    if tensorflow:  # set_random_seed uses it on every backend, where it is installed
        found["tensorflow"] = tensorflow
    running = backend()
    if running["name"] != "tensorflow":
        found[running["name"]] = running["version"]
    found.update(numpy=numpy.__version__, **{"scikit-learn": sklearn.__version__})
    return found


def make_record(
    entry: Any,
    seed: int,
    size: str,
    parameters: dict[str, Any],
    run: Any,
    files: list[str],
) -> dict[str, Any]:
    """The JSON record of one run (a :class:`cookbook.execution.ProgramRun`) of ``entry``'s
    program: what ran, on what data and at what size, what each section printed, and what
    came out."""
    namespace, loads, output = run.namespace, run.loads, run.output
    history = namespace.get("history")
    history = getattr(history, "history", history) or {}
    network = namespace.get("network")
    record: dict[str, Any] = {
        "recipe": entry.name,
        "title": entry.title,
        "data": loads
        or ([{"dataset": entry.dataset, "source": "generated"}] if entry.dataset else []),
        "seed": seed,
        "size": size,
        "backend": backend(),
        "parameters": jsonable(parameters),
        "epochs": max((len(values) for values in history.values()), default=0),
        "history": jsonable(history),
        "results": jsonable(namespace.get("results", {})),
        "output": output,
    }
    if network is not None and hasattr(network, "count_params"):
        record["network_parameters"] = int(network.count_params())
    record["files"] = files
    record["versions"] = versions()
    return record


def dumps(record: dict[str, Any]) -> str:
    """A record as the text written to disk."""
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"


# --- reading one back --------------------------------------------------------------------------


def read_record(path: Path, fix: str) -> dict[str, Any]:
    """The record in ``path``, or :class:`DamagedRecord` in one line that names the file and
    says what to do (``fix``)."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as err:
        reason = getattr(err, "strerror", None) or str(err).splitlines()[0][:120]
        raise DamagedRecord(f"{path} is not a readable record ({reason}); {fix}") from err
    missing = [key for key in REQUIRED if not isinstance(record, dict) or key not in record]
    if missing:
        raise DamagedRecord(f"{path} is not a results record (no {', '.join(missing)}); {fix}")
    if not isinstance(record["seed"], int) or not isinstance(record["data"], list):
        raise DamagedRecord(f"{path} is not a results record (its seed or data); {fix}")
    return record


def committed_settings(records: dict[str, dict[str, Any]], out: Path) -> dict[str, Any]:
    """The data source, size and seed the records of one folder were made with (refused when
    they were made with different ones: check them one set at a time)."""
    found = set()
    for record in records.values():
        loaded = [
            d for d in record["data"] if isinstance(d, dict) and d.get("source") in SOURCES_RUN
        ]
        sources = {(d["source"], d.get("size", "full")) for d in loaded}
        found |= {(source, size, record["seed"]) for source, size in sources}
        found |= {(None, None, record["seed"])} if not sources else set()
    made = {item for item in found if item[0] is not None}
    seeds = {item[2] for item in found}
    if len(made) > 1 or len(seeds) > 1:
        raise UsageError(
            f"the records in {out} were made with different settings ({sorted(found, key=str)}); "
            "check them one set at a time"
        )
    source, size, seed = next(iter(made)) if made else ("sample", "small", seeds.pop())
    return {"data": source, "size": size, "seed": seed}


#: Data sources that a run chooses (the others are the program's own, generated data).
SOURCES_RUN = ("keras", "sample")


# --- comparing two -----------------------------------------------------------------------------


def differences(old: Any, new: Any, where: str = "") -> list[str]:
    """Every place where ``new`` differs from ``old`` beyond float noise, as readable lines."""
    if isinstance(old, dict) and isinstance(new, dict):
        found = []
        for key in sorted(set(old) | set(new), key=str):
            if key in IGNORED:
                continue
            path = f"{where}.{key}" if where else str(key)
            if key not in old or key not in new:
                found.append(f"{path}: {'added' if key not in old else 'missing'}")
            elif where == "output":  # what one section printed
                found += _text_differences(old[key], new[key], path)
            else:
                found += differences(old[key], new[key], path)
        return found
    if isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            return [f"{where}: {len(old)} values -> {len(new)}"]
        found = []
        for number, (a, b) in enumerate(zip(old, new, strict=True)):
            found += differences(a, b, f"{where}[{number}]")
        return found
    measured = where.rpartition(".")[2] in MEASURED_COUNTS
    if (_is_float(old) and _is_float(new)) or (measured and _is_count(old) and _is_count(new)):
        if _close(old, new):
            return []
        return [f"{where}: {old:.6g} -> {new:.6g} (beyond the float-noise tolerance)"]
    if old != new:
        return [f"{where}: {old!r} -> {new!r}"]
    return []


def _close(old: float, new: float) -> bool:
    return math.isclose(old, new, rel_tol=REL_TOLERANCE, abs_tol=ABS_TOLERANCE)


def _is_float(value: Any) -> bool:
    return isinstance(value, float)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


#: A number as Keras and ``print`` write one: ``3``, ``-0.4312``, ``1.2e-05``, ``nan``.
NUMBER_RE = re.compile(r"-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|\bnan\b|\binf\b")


def _text_differences(old: Any, new: Any, where: str) -> list[str]:
    """What a section printed, compared line by line: the words exactly, the numbers within
    float noise (a whole number, an epoch count say, exactly, unless it is printed as one of
    the :data:`MEASURED_COUNTS`, ``'test_mistakes': 309``)."""
    if not isinstance(old, str) or not isinstance(new, str):
        return differences(old, new, where)
    old_lines, new_lines = old.splitlines(), new.splitlines()
    if len(old_lines) != len(new_lines):
        return [f"{where}: {len(old_lines)} lines printed -> {len(new_lines)}"]
    for number, (a, b) in enumerate(zip(old_lines, new_lines, strict=True), start=1):
        words = NUMBER_RE.split(a)
        numbers = zip(NUMBER_RE.findall(a), NUMBER_RE.findall(b), strict=False)
        if words != NUMBER_RE.split(b) or not all(
            _same_number(x, y, _names_a_count(before))
            for before, (x, y) in zip(words, numbers, strict=False)
        ):
            return [f"{where}, line {number}: {a.strip()!r} -> {b.strip()!r}"]
    return []


def _names_a_count(text_before: str) -> bool:
    """Whether a printed number follows the key of a measured count (``'test_mistakes': ``)."""
    return any(text_before.rstrip().endswith(f"'{key}':") for key in MEASURED_COUNTS)


def _same_number(a: str, b: str, measured_count: bool = False) -> bool:
    if a == b:
        return True
    if not measured_count and not any(c in a + b for c in ".eEn"):  # two whole numbers
        return False
    try:
        return _close(float(a), float(b))
    except ValueError:
        return False


def figure_difference(old: Path, new: Path) -> str | None:
    """Why two PNG renderings of a figure are not the same figure, or ``None``.

    A committed figure that cannot be read (truncated, not a PNG) is a
    :class:`DamagedRecord` naming the file."""
    import numpy as np
    from matplotlib import image

    if old.read_bytes() == new.read_bytes():
        return None
    try:
        a = image.imread(old)
    except Exception as err:  # PIL raises SyntaxError, OSError, ValueError... for a bad file
        raise DamagedRecord(
            f"{old} is not a readable PNG figure ({type(err).__name__}); redraw it with "
            f"cookbook figures {old.stem}"
        ) from err
    b = image.imread(new)
    if a.shape != b.shape:
        return f"figure size {a.shape[1]}x{a.shape[0]} -> {b.shape[1]}x{b.shape[0]} pixels"
    changed = float(np.mean(np.any(np.abs(a - b) > 0.1, axis=-1)))
    if changed > PIXEL_SHARE:
        return f"{changed:.1%} of the figure's pixels changed"
    return None


def version_note(old: dict[str, Any], new: dict[str, Any]) -> str:
    """Which library versions differ between two records ("" when none)."""
    before, after = old.get("versions", {}), new.get("versions", {})
    if not isinstance(before, dict) or not isinstance(after, dict):
        return ""
    changed = [f"{k} {before.get(k)} -> {after.get(k)}" for k in after if before.get(k) != after[k]]
    return ", ".join(changed)
