"""The package's modules form layers: no import cycle among them, lazy imports included.

A cycle between two modules works in Python as long as one side imports lazily (inside a
function), which is exactly why it goes unnoticed: nothing fails until someone moves that
import to the top, and the two modules can no longer be read, tested or changed one at a time.
So this test reads the imports straight from the source with :mod:`ast` -- every ``import``
and ``from ... import``, at the top of a file or inside a function -- without importing the
package, and refuses any cycle among ``cookbook`` modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = "cookbook"

Graph = dict[str, set[str]]


def module_name(path: Path) -> str:
    """``cookbook/data/cache.py`` → ``cookbook.data.cache``; a package is its ``__init__``."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_modules() -> dict[str, Path]:
    """Every module of the package by name, from its files (nothing is imported)."""
    return {module_name(path): path for path in sorted((ROOT / PACKAGE).rglob("*.py"))}


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that the module ``name`` (file ``path``) imports, anywhere in it.

    ``from cookbook import workers`` imports the module ``cookbook.workers``; ``from
    cookbook.runner import Outcome`` the module ``cookbook.runner``. Relative imports are
    resolved against the module's own package.
    """
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, name, is_package)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in known else base)
    return {module for module in found if module in known and module != name}


def _absolute(node: ast.ImportFrom, name: str, is_package: bool) -> str:
    """The module a ``from ... import`` names, with a relative one made absolute."""
    if not node.level:
        return node.module or ""
    package = name.split(".") if is_package else name.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def import_graph() -> Graph:
    """Each module of the package and the package's modules it imports."""
    modules = package_modules()
    known = set(modules)
    return {name: imported_modules(name, path, known) for name, path in modules.items()}


def cycles(graph: Graph) -> list[list[str]]:
    """The groups of modules that import each other, round and round (Tarjan's strongly
    connected components with more than one module), each sorted, in sorted order."""
    index: dict[str, int] = {}
    lowest: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = lowest[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.get(module, ())):
            if imported not in index:
                visit(imported)
                lowest[module] = min(lowest[module], lowest[imported])
            elif imported in on_stack:
                lowest[module] = min(lowest[module], index[imported])
        if lowest[module] == index[module]:  # ``module`` is the root of a component
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return sorted(found)


def test_the_graph_sees_lazy_and_relative_imports():
    """The reader of imports is itself checked: a test that cannot see an import would pass
    whatever the package does."""
    graph = import_graph()
    assert "cookbook.errors" in graph["cookbook.runner"]  # at the top of the file
    assert "cookbook.plotting" in graph["cookbook.runner"]  # inside figures_group
    assert "cookbook.data.cache" in graph["cookbook.data"]  # ``from cookbook.data import cache``
    assert "cookbook.data" in graph["cookbook.recipes.binary"]  # ``from cookbook import data``


def test_cycles_are_found():
    """The search finds a cycle through lazy imports, and only real cycles."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []


def test_no_import_cycle_among_the_modules():
    """No two modules of the package import each other, directly or through others."""
    found = cycles(import_graph())
    assert not found, "import cycles among cookbook modules: " + "; ".join(
        " <-> ".join(group) for group in found
    )
