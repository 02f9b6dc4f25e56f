"""A recipe's program with its comments in another language, and every other token unchanged.

A learner reading the Chinese page reads the same program as the English one: the same names,
the same numbers, the same strings; only the comments are in Chinese. So the program is kept
once, in English (``cookbook/recipes/NAME.py``, what ``python -m cookbook.recipes.NAME`` runs),
and beside it a table from each of its comments to the translation
(``cookbook/recipes/zh/NAME.py``, a dict ``COMMENTS``). :func:`translated` puts the
translations in, using :mod:`tokenize`, so that nothing but a comment can change.

What a *comment* is, for the table (one key each):

* an inline comment, after code on its line (``epochs = 3  # full passes over the data``): its
  text, ``"full passes over the data"``;
* a block of full-line comments on consecutive lines, at one indentation: one unit, keyed by
  its lines' texts joined with single spaces, so a sentence that wraps over three lines is
  translated as one sentence (and re-wrapping the English does not orphan its translation).
  The translation's lines are separated by ``"\\n"``; it may have more or fewer lines than the
  English.

Snippet markers (``# --8<-- [start:NAME]``) are structure, not comments: they stay as they are.
Docstrings and the strings a program prints are code, and stay English too.
"""

from __future__ import annotations

import importlib
import io
import re
import tokenize
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from cookbook.program import FENCE_RE, RECIPES_FOLDER, SNIPPET_RE, read_sections

#: Comments that are left as they are: snippet markers, and pragmas tools read.
KEPT_RE = re.compile(r"^#\s*(--8<--|noqa\b|type:|fmt:|pragma\b)")
#: Where the tables live: ``cookbook/recipes/NAME.py`` → ``cookbook.recipes.zh.NAME``.
TABLES = {"zh": "cookbook.recipes.{language}.{stem}"}


class MissingTranslation(LookupError):
    """A comment of a program has no entry in its translation table."""


@dataclass(frozen=True)
class Comment:
    """One unit of translation: an inline comment, or a block of full-line comments."""

    text: str  # the table's key: the comment's words, lines joined by single spaces
    first: int  # first line, counted from 1
    last: int  # last line (the same as ``first`` for an inline comment)
    column: int  # where the ``#`` stands
    inline: bool  # after code on its line


def comments(source: str) -> list[Comment]:
    """The comments of ``source`` (Python code), as units of translation, in order."""
    found: list[Comment] = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.COMMENT or KEPT_RE.match(token.string):
            continue
        (row, column), text = token.start, _words(token.string)
        inline = bool(token.line[:column].strip())
        previous = found[-1] if found else None
        if (
            not inline
            and previous is not None
            and not previous.inline
            and previous.last == row - 1
            and previous.column == column
        ):
            joined = f"{previous.text} {text}".strip()
            found[-1] = Comment(joined, previous.first, row, column, False)
        else:
            found.append(Comment(text, row, row, column, inline))
    return found


def _words(comment: str) -> str:
    """The text of one comment token: without its ``#`` and the spaces around it."""
    return comment[1:].strip()


def translated(
    source: str,
    table: Mapping[str, str],
    where: str = "the program",
    first_line: int = 1,
) -> str:
    """``source`` with each comment replaced by its entry in ``table``.

    Every other character stays as it is. An error (:class:`MissingTranslation`) for a comment
    without an entry names it, ``where`` it is (a file, a table) and its line, counting the
    first line of ``source`` as ``first_line``.
    """
    lines = source.splitlines(keepends=True)
    for comment in reversed(comments(source)):  # from the end, so line numbers stay valid
        line = comment.first + first_line - 1
        if comment.text not in table:
            raise MissingTranslation(f"{where}, line {line}: no translation of {comment.text!r}")
        translation = table[comment.text].strip("\n").split("\n")
        first = lines[comment.first - 1]
        ending = first[len(first.rstrip("\r\n")) :]
        if comment.inline:
            if len(translation) > 1:
                raise ValueError(
                    f"{where}, line {line}: the translation of the inline comment "
                    f"{comment.text!r} must be one line"
                )
            code = first[: comment.column]
            lines[comment.first - 1] = f"{code}# {translation[0]}".rstrip() + ending
        else:
            indent = first[: comment.column]
            block = [f"{indent}# {text}".rstrip() + ending for text in translation]
            lines[comment.first - 1 : comment.last] = block
    return "".join(lines)


def table_module(program: Path, language: str) -> str:
    """The module holding the translation table of ``program`` (a recipe's file)."""
    return TABLES[language].format(language=language, stem=program.stem)


def table_of(program: Path, language: str) -> dict[str, str]:
    """The translation table of ``program`` into ``language`` (``"zh"``).

    Raises :class:`MissingTranslation` when the program has no table.
    """
    name = table_module(program, language)
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name != name:
            raise
        raise MissingTranslation(
            f"{program.name} has no translation table: write {name.replace('.', '/')}.py"
        ) from None
    return dict(module.COMMENTS)


def section_code(program: Path, section: str, language: str = "en") -> str:
    """The code of one section of ``program``, its comments in ``language``."""
    sections = {s.name: s for s in read_sections(program)}
    if section not in sections:
        raise KeyError(f"{program.name} has no section {section!r}")
    code = sections[section].code
    if language == "en":
        return code
    where = f"{program.name} (table {table_module(program, language)})"
    return translated(code, table_of(program, language), where, sections[section].first)


def with_translated_snippets(markdown: str, root: Path, language: str) -> str:
    """``markdown`` with each recipe snippet line inside a ``python`` fence replaced by that
    section's code, its comments in ``language`` (what ``pymdownx.snippets`` would insert,
    translated). Snippets of other files, and lines outside fences, stay as they are."""
    return "".join(_translated_lines(markdown.splitlines(keepends=True), root, language))


def _translated_lines(lines: list[str], root: Path, language: str) -> Iterator[str]:
    fence, python = "", False  # the open fence's marker, and whether it is a python block
    for line in lines:
        if not fence:
            opening = FENCE_RE.match(line)
            if opening:
                fence = opening["fence"]
                python = opening["info"].strip().split()[:1] == ["python"]
            yield line
            continue
        if line.strip() == fence:
            fence = ""
            yield line
            continue
        snippet = SNIPPET_RE.match(line) if python else None
        if snippet is None or not snippet["path"].startswith(RECIPES_FOLDER):
            yield line
            continue
        code = section_code(root / snippet["path"], snippet["section"], language)
        for code_line in code.splitlines(keepends=True):
            yield snippet["indent"] + code_line if code_line.strip() else code_line


def display_width(text: str) -> int:
    """Columns ``text`` takes in a fixed-width font: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def code_tokens(source: str) -> list[tuple[str, str]]:
    """The tokens of ``source`` (kind and text), without its comments and the line breaks
    comments leave: what two versions of a program must share when only comments differ."""
    skipped = (tokenize.COMMENT, tokenize.NL)
    return [
        (tokenize.tok_name[token.type], token.string)
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type not in skipped
    ]


def has_chinese(text: str) -> bool:
    """Whether ``text`` holds at least one Chinese character."""
    return any("\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf" for char in text)
