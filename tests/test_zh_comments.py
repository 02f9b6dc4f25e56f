"""The Chinese pages and notebooks show the English program with Chinese comments, nothing else.

Each program ``cookbook/recipes/NAME.py`` has a table beside it, ``cookbook/recipes/zh/NAME.py``,
from each of its comments to the Chinese (:mod:`cookbook.translation`). These tests hold the two
together:

* every comment of every program has its translation, and every translation its comment (so an
  English comment changed without its translation fails here, naming both);
* the Chinese code, comments removed, is the English code, comments removed, token for token;
* no comment on a built Chinese page, nor in a ``.zh.ipynb`` notebook, is left in English.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from conftest import ROOT

from cookbook import program, recipes
from cookbook.translation import (
    MissingTranslation,
    code_tokens,
    comments,
    display_width,
    has_chinese,
    section_code,
    table_module,
    table_of,
    translated,
    with_translated_snippets,
)

DOCS = ROOT / "docs"
PROGRAMS = sorted({entry.module for entry in recipes.RECIPES})
MAX_WIDTH = 100  # columns of a code line, a Chinese character counting two


def program_path(module: str) -> Path:
    return program.module_path(module)


def table_file(module: str) -> str:
    return table_module(program_path(module), "zh").replace(".", "/") + ".py"


def program_comments(module: str) -> list[tuple[int, str]]:
    """``(line in the file, comment)`` for every comment of the program's sections."""
    found = []
    for section in program.read_sections(program_path(module)):
        found += [(section.first + c.first - 1, c.text) for c in comments(section.code)]
    return found


# --- the tables and the programs ------------------------------------------------------------


@pytest.mark.parametrize("module", PROGRAMS)
def test_every_comment_has_its_translation(module):
    table = table_of(program_path(module), "zh")
    missing = [
        f"  line {line}: {text!r}" for line, text in program_comments(module) if text not in table
    ]
    assert not missing, (
        f"cookbook/recipes/{module}.py has comments without a Chinese translation; add them to "
        f"COMMENTS in {table_file(module)}:\n" + "\n".join(missing)
    )


@pytest.mark.parametrize("module", PROGRAMS)
def test_every_translation_has_its_comment(module):
    """An entry whose English comment is gone is a translation of something the program no
    longer says: the comment was changed (translate the new one) or removed (drop the entry)."""
    table = table_of(program_path(module), "zh")
    present = {text for _, text in program_comments(module)}
    stale = [f"  {english!r}" for english in table if english not in present]
    assert not stale, (
        f"{table_file(module)} translates comments that cookbook/recipes/{module}.py no longer "
        "has (was the English changed? translate it again, or drop the entry):\n" + "\n".join(stale)
    )


@pytest.mark.parametrize("module", PROGRAMS)
def test_the_chinese_program_is_the_english_one_but_its_comments(module):
    path = program_path(module)
    table = table_of(path, "zh")
    problems = []
    for section in program.read_sections(path):
        try:
            chinese = translated(section.code, table, path.name, section.first)
        except MissingTranslation:
            continue  # reported by test_every_comment_has_its_translation
        if code_tokens(chinese) != code_tokens(section.code):
            problems.append(f"section {section.name}: the code differs, not only its comments")
        for number, line in enumerate(chinese.splitlines(), start=1):
            if display_width(line) > MAX_WIDTH:
                problems.append(
                    f"section {section.name}, its line {number}: {display_width(line)} columns "
                    f"(at most {MAX_WIDTH}, a Chinese character counting two): {line.strip()}"
                )
        for comment in comments(chinese):
            if not has_chinese(comment.text):
                problems.append(f"section {section.name}: not Chinese: {comment.text!r}")
    assert not problems, f"{module}:\n" + "\n".join(problems)


def test_one_english_comment_has_one_translation():
    """The same English comment reads the same in Chinese in every program."""
    seen: dict[str, tuple[str, str]] = {}
    differ = []
    for module in PROGRAMS:
        for english, chinese in table_of(program_path(module), "zh").items():
            first = seen.setdefault(english, (module, chinese))
            if first[1] != chinese:
                differ.append(f"{english!r}: {first[0]} {first[1]!r}, {module} {chinese!r}")
    assert not differ, "\n".join(differ)


# --- how the translation is put in ----------------------------------------------------------

SOURCE = """\
# --8<-- [start:demo]
epochs = 3  # full passes
# The first line of a sentence
# and its second line.
text = "a # inside a string"  # a note
for x in range(2):
    # inside a loop
    print(x)  # prints it
# --8<-- [end:demo]
"""
TABLE = {
    "full passes": "轮数",
    "The first line of a sentence and its second line.": "一句话，\n分成两行，\n现在是三行。",
    "a note": "说明",
    "inside a loop": "在循环里",
    "prints it": "打印出来",
}


def test_translated_replaces_only_the_comments():
    chinese = translated(SOURCE, TABLE)
    assert chinese == (
        "# --8<-- [start:demo]\n"
        "epochs = 3  # 轮数\n"
        "# 一句话，\n"
        "# 分成两行，\n"
        "# 现在是三行。\n"
        'text = "a # inside a string"  # 说明\n'
        "for x in range(2):\n"
        "    # 在循环里\n"
        "    print(x)  # 打印出来\n"
        "# --8<-- [end:demo]\n"
    )
    assert code_tokens(chinese) == code_tokens(SOURCE)


def test_a_missing_translation_names_the_comment_and_its_line():
    table = {k: v for k, v in TABLE.items() if k != "a note"}
    with pytest.raises(MissingTranslation, match=r"demo\.py, line 15: no translation of 'a note'"):
        translated(SOURCE, table, "demo.py", first_line=11)


def test_an_inline_translation_is_one_line():
    with pytest.raises(ValueError, match="must be one line"):
        translated(SOURCE, {**TABLE, "a note": "两\n行"})


def test_a_chinese_page_gets_the_translated_sections_in_its_python_blocks():
    """What the docs hook does on a Chinese page, before pymdownx.snippets sees it."""
    snippet = '--8<-- "cookbook/recipes/dropout.py:parameters"'
    page = (
        f"Prose.\n\n```python\n{snippet}\n```\n\n"
        f"!!! note\n\n    ```python\n    {snippet}\n    ```\n\n"
        f"```text\n{snippet}\n```\n"
    )
    chinese = section_code(program_path("dropout"), "parameters", "zh")
    indented = "".join(f"    {line}" for line in chinese.splitlines(keepends=True))
    assert with_translated_snippets(page, ROOT, "zh") == (
        f"Prose.\n\n```python\n{chinese}```\n\n"
        f"!!! note\n\n    ```python\n{indented}    ```\n\n"
        f"```text\n{snippet}\n```\n"
    )
    assert "# 训练的轮数" in chinese


# --- what readers get -----------------------------------------------------------------------

#: A code block as the site's highlighter writes it, and a comment in it.
CODE_BLOCK_RE = re.compile(r'<div class="[^"]*highlight[^"]*"><pre>(?P<code>.*?)</pre>', re.S)
COMMENT_SPAN_RE = re.compile(r'<span class="c1?">(?P<text>.*?)</span>', re.S)
TAG_RE = re.compile(r"<[^>]+>")


def test_the_chinese_notebooks_have_only_chinese_comments():
    english = []
    counted = 0
    for path in sorted((DOCS / "notebooks").glob("*.zh.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            if cell["cell_type"] != "code":
                continue
            for comment in comments("".join(cell["source"])):
                counted += 1
                if not has_chinese(comment.text):
                    english.append(f"{path.name}: {comment.text!r}")
    assert counted > 0, "no comments found: is the scan looking at the notebooks?"
    assert not english, "English comments in Chinese notebooks:\n" + "\n".join(english)


def test_the_built_chinese_pages_have_only_chinese_comments(built_site):
    pytest.importorskip("mkdocs", reason="the docs extra is not installed")
    english = []
    for entry in recipes.RECIPES:
        page = built_site["site"] / "zh" / "recipes" / entry.name / "index.html"
        assert page.is_file(), page
        text = page.read_text(encoding="utf-8")
        blocks = [m["code"] for m in CODE_BLOCK_RE.finditer(text)]
        found = [
            html.unescape(TAG_RE.sub("", m["text"]))
            for block in blocks
            for m in COMMENT_SPAN_RE.finditer(block)
        ]
        assert found, f"zh/recipes/{entry.name}: no comments found in its code blocks"
        english += [f"zh/recipes/{entry.name}: {c!r}" for c in found if not has_chinese(c)]
    assert not english, "English comments on built Chinese pages:\n" + "\n".join(english)
