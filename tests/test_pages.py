"""Every recipe page is one complete program, and its notebook is that program, runnable.

* A page embeds every section of its recipe's program (but the other figure of a pair), in
  the order the program runs, and shows no other Python: so the code a learner copies from
  the page, top to bottom, is the code the CLI runs.
* The committed notebooks are exactly what ``cookbook notebooks`` makes from the pages: each
  starts its code with the one cell that chooses Keras's backend (before anything imports
  Keras, as keras-io's examples do), then holds the page's blocks in order.
* Each notebook runs top to bottom in a fresh Jupyter kernel on the tiny offline sample and
  leaves the model file(s) and the figure the page describes -- which is the page's code run
  in a fresh interpreter, since the notebook's code cells are the page's blocks in order.
"""

from __future__ import annotations

import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import CHAPTER_ORDER, ROOT

from cookbook import program, recipes
from cookbook.notebooks import BACKEND_CELL, SNIPPET_RE, _fences, backend_cell, program_blocks
from cookbook.translation import code_tokens

DOCS = ROOT / "docs"


def page_of(name: str) -> str:
    return (DOCS / "recipes" / f"{name}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", CHAPTER_ORDER)
def test_the_page_shows_the_whole_program_in_order(name):
    entry = recipes.entry(name)
    path = program.module_path(entry.module)
    expected = [s.name for s in program.read_sections(path) if s.name not in entry.hidden]
    shown = program_blocks(page_of(name))
    assert {file for file, _ in shown} == {path.relative_to(ROOT).as_posix()}
    assert [section for _, section in shown] == expected


@pytest.mark.parametrize("name", CHAPTER_ORDER)
def test_the_page_shows_no_other_python(name):
    """Other code (the chapter's Keras 2 calls, commands) is shown as text, never as Python a
    reader might take for part of the program."""
    for info, body in _fences(page_of(name)):
        if info.split()[:1] in (["python"], ["py"], ["pycon"]):
            refs = [SNIPPET_RE.match(line) for line in body if line.strip()]
            assert refs and all(refs), f"a Python block that is not the program: {body[:2]}"


@pytest.mark.parametrize("name", CHAPTER_ORDER)
def test_no_code_outside_the_sections(name):
    """Only the module docstring lives outside the sections: the program has no hidden lines."""
    import ast

    path = program.module_path(recipes.entry(name).module)
    lines = path.read_text(encoding="utf-8").splitlines()
    inside = set()
    for section in program.read_sections(path):
        inside |= set(range(section.first - 2, section.last + 1))  # with its markers
    docstring = ast.parse("\n".join(lines)).body[0]
    inside |= set(range(docstring.lineno - 1, docstring.end_lineno))
    stray = [f"{n + 1}: {line}" for n, line in enumerate(lines) if line.strip() and n not in inside]
    assert not stray, stray


@pytest.mark.parametrize("name", CHAPTER_ORDER)
def test_the_page_links_its_notebook(name):
    assert f"](../notebooks/{name}.ipynb)" in page_of(name)


def test_the_notebooks_are_made_from_the_pages():
    from cookbook.cli.notebooks import expected_notebooks

    made = expected_notebooks(DOCS)
    on_disk = {p for p in (DOCS / "notebooks").glob("*.ipynb")}
    assert set(made) == on_disk, "a notebook without a page, or a page without a notebook"
    stale = [p.name for p, text in made.items() if p.read_text(encoding="utf-8") != text]
    assert not stale, f"out of date (run `cookbook notebooks`): {stale}"


def notebook_code(path: Path) -> list[str]:
    """The code cells of the notebook in ``path``, in order."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def test_a_notebook_holds_its_pages_code_in_order():
    entry = recipes.entry("binary")
    code = notebook_code(DOCS / "notebooks" / "binary.ipynb")
    sections = program.read_sections(program.module_path(entry.module))
    assert code == [BACKEND_CELL] + [section.code.rstrip("\n") for section in sections]


@pytest.mark.parametrize("language", ["", ".zh"])
@pytest.mark.parametrize("name", CHAPTER_ORDER)
def test_the_notebook_chooses_the_backend_before_anything_imports_keras(name, language):
    code = notebook_code(DOCS / "notebooks" / f"{name}{language}.ipynb")
    assert code[0] == backend_cell(language)
    assert 'os.environ["KERAS_BACKEND"] = ' in code[0] and "import keras" not in code[0]
    assert all('os.environ["KERAS_BACKEND"]' not in cell for cell in code[1:])


@pytest.mark.parametrize("name", CHAPTER_ORDER)
def test_the_chinese_notebook_holds_the_same_code(name):
    """Executing the English notebooks covers the Chinese ones: their code cells are equal but
    for the comments (Chinese in one, English in the other; tests/test_zh_comments.py)."""
    chinese = DOCS / "notebooks" / f"{name}.zh.ipynb"
    assert chinese.is_file()
    english = notebook_code(DOCS / "notebooks" / f"{name}.ipynb")
    assert [code_tokens(cell) for cell in notebook_code(chinese)] == [
        code_tokens(cell) for cell in english
    ]


def run_notebook(name: str, folder: Path) -> dict:
    """Execute ``name``'s notebook in a fresh kernel inside ``folder`` (tiny sample data).

    Like papermill, the values a tiny run needs (``entry.sizes["tiny"]``) go into a cell
    inserted right after the parameters cell: the program itself runs unchanged.
    """
    import nbclient
    import nbformat

    entry = recipes.entry(name)
    notebook = nbformat.read(DOCS / "notebooks" / f"{name}.ipynb", as_version=4)
    tiny = entry.sizes.get("tiny", {})
    if tiny:
        path = program.module_path(entry.module)
        parameters = next(s for s in program.read_sections(path) if s.name == "parameters")
        at = next(
            i
            for i, cell in enumerate(notebook.cells)
            if cell.cell_type == "code" and cell.source == parameters.code.rstrip("\n")
        )
        assignments = "\n".join(f"{key} = {value!r}" for key, value in tiny.items())
        notebook.cells.insert(at + 1, nbformat.v4.new_code_cell(assignments))
    client = nbclient.NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": folder}}
    )
    client.execute()
    return notebook


RUNS_TEST = "test_the_notebook_runs_and_leaves_the_model_and_the_figure"


def selected_notebooks(session: pytest.Session) -> list[str]:
    """The recipes whose notebook-running test this session runs (all fifteen unless ``-k`` or
    ``--recipe`` chose fewer)."""
    chosen = {
        item.callspec.params["name"]
        for item in session.items
        if getattr(item, "originalname", "") == RUNS_TEST and hasattr(item, "callspec")
    }
    return [name for name in CHAPTER_ORDER if name in chosen]


@pytest.fixture(scope="module")
def executed(request, tmp_path_factory):
    """The selected notebooks, run two at a time (two cores), each in its own fresh kernel."""
    # The kernels inherit the tests' environment: sample data, tiny size, a private Keras home;
    # but not the Agg backend the tests choose, or figures would not show inline.
    names = selected_notebooks(request.session)
    backend = os.environ.pop("MPLBACKEND", None)
    folders = {name: tmp_path_factory.mktemp(f"nb-{name}") for name in names}
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {n: pool.submit(run_notebook, n, folders[n]) for n in names}
            results = {}
            for name, future in futures.items():
                try:
                    results[name] = (future.result(), folders[name], None)
                except Exception as err:  # reported per notebook by the test below
                    results[name] = (None, folders[name], err)
    finally:
        if backend is not None:
            os.environ["MPLBACKEND"] = backend
    return results


@pytest.mark.parametrize("name", CHAPTER_ORDER)
def test_the_notebook_runs_and_leaves_the_model_and_the_figure(executed, name):
    import shutil

    notebook, folder, error = executed[name]
    entry = recipes.entry(name)
    missing = [p for p in entry.needs if shutil.which(p) is None]
    if missing:  # the notebook may even "succeed": plot_model only prints, in a kernel
        from conftest import require_program

        require_program(missing[0])
    if error is not None:
        raise error
    committed = json.loads((DOCS / "figures" / f"{name}.json").read_text(encoding="utf-8"))
    made = {p.name for p in folder.rglob("*") if p.is_file()}
    wanted_models = [f for f in committed["files"] if f.endswith(".keras")]
    if wanted_models:
        fixed = [f for f in wanted_models if not re.search(r"\d\.\d", f)]
        assert set(fixed) <= made, f"missing model files: {set(fixed) - made}"
        assert any(f.endswith(".keras") for f in made)
    assert any(f.endswith(".png") for f in made), "no figure file"
    images = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if "image/png" in output.get("data", {})
    ]
    assert images, "the figure was not shown inline"
