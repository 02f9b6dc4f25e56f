"""Notebooks made from the recipe pages, so a page and its notebook cannot drift apart.

A recipe page (``docs/recipes/NAME.md``) is prose with the program's sections embedded by
snippet lines (``--8<-- "cookbook/recipes/NAME.py:data"``). :func:`page_to_notebook` turns it
into a Jupyter notebook the way d2l and scikit-learn's gallery do: each embedded section
becomes a code cell, in the page's order, and the prose between them becomes Markdown cells.
What only makes sense on the site is left out (the recorded-results tables, the committed
figure: the notebook draws its own). ``cookbook notebooks`` writes them all into
``docs/notebooks/``; the site serves them next to the pages.

The notebooks carry no outputs: run them, and the figures appear inline.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

# The page's syntax (fences, snippet lines, source placeholders) is the site's too: one
# definition of each, in cookbook.program.
from cookbook.program import FENCE_RE, RECIPES_FOLDER, SNIPPET_RE, SOURCE_RE, definition_lines

PLACEHOLDER_RE = re.compile(r"^\s*<!--.*-->\s*$")
PAGE_ONLY, PAGE_ONLY_END = "<!-- page-only -->", "<!-- /page-only -->"
HEADING_RE = re.compile(r"^(#{1,6}) ")
HEADING_ID_RE = re.compile(r"\s*\{#[\w-]+\}\s*$")
#: Chinese characters, and the full-width punctuation of Chinese prose (CJK symbols, full-width
#: forms, the curly quotes, the ellipsis and the dash). A line break next to them is shown by
#: browsers and Jupyter as a space, which Chinese typography never puts there.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
WIDE_PUNCT = "\u3000-\u303f\uff00-\uffef\u2018\u2019\u201c\u201d\u2026\u2014"
HAN_RE, WIDE_PUNCT_RE = re.compile(f"[{HAN}]"), re.compile(f"[{WIDE_PUNCT}]")
#: Markup that may close a line (emphasis, code, a link's target) or open the next one.
CLOSING_MARKUP_RE = re.compile(r"(?:\]\([^()\s]*\)|[*_`\]\"'])+$")
OPENING_MARKUP_RE = re.compile(r"^[\[*_`\"']+")
#: Lines that start a block of their own: the break before them is Markdown's, not the prose's.
BLOCK_START_RE = re.compile(r"^(?:$|#|\||>|<|!!!|\?\?\?|\$\$|--8<--|[-*+] |\d+[.)] |: |```|~~~)")
#: Lines that are a block by themselves, so nothing is joined onto them.
WHOLE_LINE_RE = re.compile(r"^(?:$|#|\||<|!!!|\?\?\?|\$\$|--8<--|:::)")
QUOTE_PREFIX_RE = re.compile(r"^(?: {0,3}>)+ ?")


def join_chinese_lines(markdown: str) -> str:
    """Join the lines of wrapped Chinese prose, as a reader expects: drop a line break that a
    browser would show as a space where Chinese typography has none.

    A break goes when the text on one side of it is full-width punctuation (``，``, ``。``,
    ``（``, ``“``...), or when both sides are Chinese characters; emphasis, code and link
    markup next to the break are looked through (``这种⏎[过拟合](…)``, ``*哪些*⏎主题``). A
    break between Chinese and Latin text stays, as the space the two want between them. Code
    blocks, headings, table rows and the start of a list item, a quote, an admonition or any
    other block are left alone; a break inside a ``>`` quote joins its lines the same way.
    """
    lines = markdown.split("\n")
    out: list[str] = []
    fence = ""
    for line in lines:
        stripped = _unquoted(line).lstrip()
        if fence:  # inside a code block: kept as it is, up to the closing fence
            out.append(line)
            if stripped.startswith(fence) and not stripped.strip(fence[0]).strip():
                fence = ""
            continue
        opening = FENCE_RE.match(_unquoted(line))
        if opening:
            fence = opening["fence"]
        elif out and _joins(out[-1], line):
            out[-1] = out[-1].rstrip() + _unquoted(line).lstrip()
            continue
        out.append(line)
    return "\n".join(out)


def _unquoted(line: str) -> str:
    return QUOTE_PREFIX_RE.sub("", line, count=1)


def _quote_depth(line: str) -> int:
    prefix = QUOTE_PREFIX_RE.match(line)
    return prefix[0].count(">") if prefix else 0


def _joins(before: str, after: str) -> bool:
    """Whether the break between two lines of one paragraph is a wrap inside Chinese prose."""
    if _quote_depth(before) != _quote_depth(after):
        return False
    before, after = _unquoted(before), _unquoted(after).lstrip()
    if (
        BLOCK_START_RE.match(after)
        or WHOLE_LINE_RE.match(before.lstrip())
        or FENCE_RE.match(before)
        or before.endswith(("  ", "\\"))
    ):
        return False
    last = CLOSING_MARKUP_RE.sub("", before.rstrip())[-1:]
    first = OPENING_MARKUP_RE.sub("", after)[:1]
    if WIDE_PUNCT_RE.match(last) or WIDE_PUNCT_RE.match(first):
        return True
    return bool(HAN_RE.match(last) and HAN_RE.match(first))


IMAGE_RE = re.compile(r"^\s*!\[[^\]]*\]\([^)]*\)(\{[^}]*\})?\s*$")
ADMONITION_RE = re.compile(
    r'^(?P<indent> *)(?:!!!|\?\?\?\+?) *(?P<kind>\w+)(?: +"(?P<title>[^"]*)")?'
)
LINK_RE = re.compile(r"\]\((?P<target>[^)#\s]+\.md)(?P<anchor>#[^)]*)?\)")


def program_blocks(page: str) -> list[tuple[str, str]]:
    """The ``(module file, section)`` pairs of the program a page shows, in page order.

    A program block is a ``python`` fence whose lines are snippet references into
    ``cookbook/recipes/``.
    """
    blocks = []
    for info, body in _fences(page):
        refs = [SNIPPET_RE.match(line) for line in body if line.strip()]
        if info.split()[:1] == ["python"] and refs and all(refs):
            for ref in refs:
                if ref["path"].startswith(RECIPES_FOLDER):
                    blocks.append((ref["path"], ref["section"]))
    return blocks


def _fences(page: str) -> list[tuple[str, list[str]]]:
    fences, lines, i = [], page.splitlines(), 0
    while i < len(lines):
        match = FENCE_RE.match(lines[i])
        if not match:
            i += 1
            continue
        fence, body, i = match["fence"], [], i + 1
        while i < len(lines) and not lines[i].strip().startswith(fence):
            body.append(lines[i])
            i += 1
        fences.append((match["info"].strip(), body))
        i += 1
    return fences


def page_to_notebook(
    page_path: Path, root: Path, note: str = "", language: str = ""
) -> dict[str, Any]:
    """The notebook of one recipe page (nbformat 4 as a dict).

    ``root`` is the project folder the snippet paths are relative to; ``note`` an optional
    first Markdown cell (where the notebook comes from, how to run it offline); ``language``
    the page's suffix (``""`` for English, ``".zh"``), which the notebook's links keep.
    """
    page = page_path.read_text(encoding="utf-8")
    cells: list[dict[str, Any]] = []
    prose: list[str] = [note, ""] if note else []
    lines, i = page.splitlines(), 0
    while i < len(lines):
        line = lines[i]
        fence = FENCE_RE.match(line)
        if fence:
            end = i + 1
            while end < len(lines) and not lines[end].strip().startswith(fence["fence"]):
                end += 1
            body = lines[i + 1 : end]
            refs = [SNIPPET_RE.match(b) for b in body if b.strip()]
            if fence["info"].strip().split()[:1] == ["python"] and refs and all(refs):
                _flush(cells, prose)
                code = "".join(_section_code(root, ref, language) for ref in refs)
                code = code.rstrip("\n")
                cells.append(_cell("code", code))
            else:
                prose.extend(line[len(fence["indent"]) :] for line in lines[i : end + 1])
            i = end + 1
            continue
        if line.strip() == PAGE_ONLY:  # site-only content, such as the link to this notebook
            while i < len(lines) and lines[i].strip() != PAGE_ONLY_END:
                i += 1
            i += 1
            continue
        if PLACEHOLDER_RE.match(line) or IMAGE_RE.match(line):
            prose.extend(_source_block(root, line))
            i += 1
            continue
        admonition = ADMONITION_RE.match(line)
        if admonition:
            title = admonition["title"] or admonition["kind"].capitalize()
            prose.append(f"> **{title}**")
            prose.append(">")
            i += 1
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith("    ")):
                inner = lines[i][4:]
                for quoted in _source_block(root, inner) if SOURCE_RE.match(inner) else [inner]:
                    prose.append(("> " + _relink(quoted, language)).rstrip())
                i += 1
            prose.append("")
            continue
        if HEADING_RE.match(line):  # `{#id}` sets the site's anchor; Jupyter would show it
            line = HEADING_ID_RE.sub("", line)
        prose.append(_relink(line, language))
        i += 1
    _flush(cells, prose)
    first_code = next((n for n, cell in enumerate(cells) if cell["cell_type"] == "code"), None)
    if first_code is not None:
        cells.insert(first_code, _cell("code", backend_cell(language)))
    if language:
        for cell in cells:
            if cell["cell_type"] == "markdown":
                cell["source"] = join_chinese_lines("".join(cell["source"])).splitlines(True)
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number:02d}"
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _source_block(root: Path, line: str) -> list[str]:
    """A ``<!-- source: path.py:NAME -->`` placeholder as a fenced block of that code: the
    lines the site shows (:func:`cookbook.program.definition_lines`, decorators included)."""
    match = SOURCE_RE.match(line)
    if not match:
        return []
    path = root / match["path"]
    try:
        first, last = definition_lines(path, match["name"])
    except LookupError as err:
        raise ValueError(str(err)) from err
    code = "".join(path.read_text(encoding="utf-8").splitlines(True)[first - 1 : last])
    return ["```python", *code.rstrip("\n").splitlines(), "```"]


def _section_code(root: Path, ref: re.Match[str], language: str = "") -> str:
    """One section's code; in a translation's notebook (``language`` ``".zh"``), with its
    comments in that language (:mod:`cookbook.translation`)."""
    from cookbook.translation import section_code

    return section_code(root / ref["path"], ref["section"], language.lstrip(".") or "en")


#: The notebook's first code cell, as keras-io's examples begin: the backend is chosen before
#: anything imports Keras, and the reader changes it here.
BACKEND_CELL = (
    "import os\n"
    "\n"
    'os.environ["KERAS_BACKEND"] = "tensorflow"  # or "jax", "torch"; before importing Keras'
)
BACKEND_COMMENTS = {
    ".zh": {
        'or "jax", "torch"; before importing Keras': (
            '也可以是 "jax" 或 "torch"；必须在导入 Keras 之前设置'
        ),
    },
}


def backend_cell(language: str = "") -> str:
    """The cell that chooses Keras's backend, its comment in the notebook's ``language``."""
    if not language:
        return BACKEND_CELL
    from cookbook.translation import translated

    return translated(BACKEND_CELL, BACKEND_COMMENTS[language], "the backend cell")


def _relink(line: str, language: str = "") -> str:
    """Links to sibling recipe pages point at their notebooks; others at the Markdown files
    (in the page's language)."""

    def replace(match: re.Match[str]) -> str:
        target, anchor = match["target"], match["anchor"] or ""
        stem = target[:-3]
        if "/" not in target:
            return f"]({stem}{language}.ipynb{anchor})"
        return f"]({stem}{language}.md{anchor})"

    return LINK_RE.sub(replace, line)


def _without_empty_headings(lines: list[str]) -> list[str]:
    """Drop headings left with nothing under them (a section that only held site content)."""
    kept: list[str] = []
    for number, line in enumerate(lines):
        heading = HEADING_RE.match(line)
        if heading:
            following = next((rest for rest in lines[number + 1 :] if rest.strip()), None)
            below = HEADING_RE.match(following or "")
            if following is None or (below and len(below[1]) <= len(heading[1])):
                continue
        kept.append(line)
    return kept


def _flush(cells: list[dict[str, Any]], prose: list[str]) -> None:
    text = "\n".join(_without_empty_headings(prose)).strip("\n")
    text = re.sub(r"\n{3,}", "\n\n", text)
    if text.strip():
        cells.append(_cell("markdown", text))
    prose.clear()


def _cell(kind: str, text: str) -> dict[str, Any]:
    cell: dict[str, Any] = {"cell_type": kind, "metadata": {}, "source": text.splitlines(True)}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def dumps(notebook: dict[str, Any]) -> str:
    """A notebook as the JSON text Jupyter writes (one-space indent, a final newline)."""
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
