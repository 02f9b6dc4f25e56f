"""A recipe is a program: its named sections, and running it with other parameters.

Every recipe module in :mod:`cookbook.recipes` is a plain script that a learner can read top to
bottom and run (``python -m cookbook.recipes.binary``). Its code is cut into *sections* by
snippet markers::

    # --8<-- [start:network]
    network = keras.Sequential([...])
    # --8<-- [end:network]

The docs embed the sections in the order they run (``--8<-- "cookbook/recipes/binary.py:network"``)
and the notebooks are made from the same pages, so a page, its notebook and the code the CLI
runs are one source.

One section is called ``parameters``: a few plain assignments (``epochs = 3``,
``folder = Path(".")``, ``callbacks = []`` ...). :func:`execute` runs a recipe the way papermill
runs a notebook: every section in order, with chosen values assigned right after the
``parameters`` section. That is how ``cookbook train`` hands a recipe its output folder and its
callbacks without a single line of the program being about it.

Whoever wants to see each section run -- the runner records what each one prints, the
benchmarks time them -- listens from outside (:func:`listening`, :func:`timed`), as
:func:`cookbook.data.recording` does for the data: the program and :func:`execute`'s callers
say nothing about it.
"""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import re
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MARKER_RE = re.compile(r"^# --8<-- \[(?P<kind>start|end):(?P<name>[\w-]+)\]\s*$")
PARAMETERS = "parameters"

# --- how a page shows a program ---------------------------------------------------------------
# The site (docs/hooks/cookbook_site.py), the notebooks (cookbook.notebooks) and the translated
# pages (cookbook.translation) read the same lines of a page, so each pattern is written once,
# here. Each matches one line: with ``match`` on a line, or with ``finditer`` or ``sub`` on a
# whole text (``re.M``). Around a line only spaces and tabs are taken, never a line break, so
# that a match never runs over into the line before or after.

#: The folder of the recipes' programs, as the pages' snippet lines name it.
RECIPES_FOLDER = "cookbook/recipes/"
#: The opening (or closing) line of a fenced code block: its indent, its fence (three or more
#: backticks or tildes) and its info string (``python``).
FENCE_RE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>```+|~~~+)(?P<info>.*)$", re.M)
#: A snippet line that embeds one section of a program, which ``pymdownx.snippets`` replaces
#: with the section's code: ``--8<-- "cookbook/recipes/binary.py:data"``.
SNIPPET_RE = re.compile(
    r'^(?P<indent>[ \t]*)--8<--[ \t]+"(?P<path>[^":\n]+\.py):(?P<section>[\w-]+)"[ \t]*$', re.M
)
#: ``<!-- source: PATH.py:NAME -->``: a placeholder for one top-level function or class of a
#: file (see :func:`definition_lines`); ``arg`` is the whole ``PATH.py:NAME``.
SOURCE_RE = re.compile(
    r"^(?P<indent>[ \t]*)<!--[ \t]*source:[ \t]*"
    r"(?P<arg>(?P<path>[\w/.-]+\.py):(?P<name>[\w.]+))[ \t]*-->[ \t]*$",
    re.M,
)


@dataclass(frozen=True)
class Section:
    """One named part of a recipe's program."""

    name: str
    first: int  # line number of the section's first line (after its start marker)
    code: str

    @property
    def last(self) -> int:
        """Line number of the section's last line."""
        return self.first + self.code.count("\n") - 1


def module_path(module: str) -> Path:
    """The file of recipe module ``module`` (``"binary"``), without importing (running) it."""
    spec = importlib.util.find_spec(f"cookbook.recipes.{module}")
    if spec is None or spec.origin is None:
        raise FileNotFoundError(f"no recipe module cookbook.recipes.{module}")
    return Path(spec.origin)


def read_sections(path: Path) -> list[Section]:
    """The sections of the program in ``path``, in file order.

    Raises ``ValueError`` for a marker without its partner, nested or repeated sections.
    """
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    sections: list[Section] = []
    open_name, first = None, 0
    for number, line in enumerate(lines, start=1):
        match = MARKER_RE.match(line)
        if not match:
            continue
        kind, name = match["kind"], match["name"]
        if kind == "start":
            if open_name is not None:
                raise ValueError(f"{path}:{number}: section {name!r} starts inside {open_name!r}")
            if any(section.name == name for section in sections):
                raise ValueError(f"{path}:{number}: section {name!r} appears twice")
            open_name, first = name, number + 1
        else:
            if name != open_name:
                raise ValueError(f"{path}:{number}: end of {name!r} but {open_name!r} is open")
            sections.append(Section(name, first, "".join(lines[first - 1 : number - 1])))
            open_name = None
    if open_name is not None:
        raise ValueError(f"{path}: section {open_name!r} never ends")
    return sections


def parameter_names_of(path: Path) -> list[str]:
    """The names the ``parameters`` section of the program in ``path`` assigns."""
    return parameter_names(next(s for s in read_sections(path) if s.name == PARAMETERS))


def definition_lines(path: Path, name: str) -> tuple[int, int]:
    """First and last line of the top-level function or class ``name`` in ``path``, its
    decorators included (what the docs and the notebooks show of a library function).

    Raises ``LookupError`` when there is none.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in tree.body:
        if (
            isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and node.name == name
        ):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            return first, node.end_lineno or node.lineno
    raise LookupError(f"no top-level function or class {name!r} in {path}")


def parameter_names(section: Section) -> list[str]:
    """The names the ``parameters`` section assigns, in order."""
    names = []
    for node in ast.parse(section.code).body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        for target in targets:
            if isinstance(target, ast.Name) and target.id not in names:
                names.append(target.id)
    return names


Overrides = dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]]
#: Called as ``listener(program, section)`` around each section that runs (``program`` is
#: the file's stem, ``"binary"``); it returns the context the section runs in.
Listener = Callable[[str, str], AbstractContextManager[Any]]
_listeners: list[Listener] = []


@contextlib.contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Run every section of every program executed inside the block in ``listener``'s context."""
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)


@contextlib.contextmanager
def timed() -> Iterator[dict[str, dict[str, float]]]:
    """Collect the wall time of each section run inside the block, in seconds, as
    ``{program: {section: seconds}}`` (the benchmarks' profile)."""
    times: dict[str, dict[str, float]] = {}

    @contextlib.contextmanager
    def clock(program: str, section: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            times.setdefault(program, {})[section] = time.perf_counter() - started

    with listening(clock):
        yield times


def execute(path: Path, overrides: Overrides | None = None) -> dict[str, Any]:
    """Run the program in ``path`` section by section; return the variables it ended with.

    ``overrides`` are assigned right after the ``parameters`` section; each must be a name
    that section assigns. It may also be a function of the variables the program has so far,
    returning the values to assign. Code outside the sections (the module docstring) does not
    run. Tracebacks point at the right lines of the recipe file.
    """
    pending: Overrides | None = overrides or {}
    namespace: dict[str, Any] = {"__name__": "__cookbook_recipe__", "__file__": str(path)}
    sections = read_sections(path)
    for section in sections:
        # Padding with newlines keeps the line numbers of the file in tracebacks.
        code = compile("\n" * (section.first - 1) + section.code, str(path), "exec")
        with contextlib.ExitStack() as around:
            for listener in list(_listeners):
                around.enter_context(listener(path.stem, section.name))
            exec(code, namespace)  # noqa: S102 - running the recipe is the point
        if section.name == PARAMETERS and pending is not None:
            values = pending(namespace) if callable(pending) else dict(pending)
            unknown = set(values) - set(parameter_names(section))
            if unknown:
                raise KeyError(f"{path.name} has no parameter {', '.join(sorted(unknown))}")
            namespace.update(values)
            pending = None
    if pending:
        raise KeyError(f"{path.name} has no parameters section")
    return namespace
