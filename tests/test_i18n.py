"""The site in two languages: every page has its twin, and the twins share everything but prose.

English pages are ``docs/X.md``, Chinese ones ``docs/X.zh.md``. Code blocks, results records,
logs, figures and the troubleshooting rows come from the same sources in both, so a test reads
them off both pages and compares: the two languages can differ in words, never in code or
numbers.
"""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

DOCS = ROOT / "docs"
SHARED_RE = re.compile(
    r"^\s*(?:--8<--.*|<!--\s*(?:results|log|table|source|cli-help|row|page-only|/page-only)\b.*-->"
    r"|.*<!-- row: [\w-]+ -->.*)$",
    re.M,
)
IMAGE_RE = re.compile(r"!\[[^\]]*\]\(([^)]+)\)")
CJK_RE = re.compile(r"[\u4e00-\u9fff]")
LATIN_RE = re.compile(r"[A-Za-z]")


def english_pages() -> list[str]:
    return sorted(
        p.relative_to(DOCS).as_posix()
        for p in DOCS.rglob("*.md")
        if not p.name.endswith(".zh.md") and "hooks" not in p.parts
    )


def twin(page: str) -> str:
    return page[: -len(".md")] + ".zh.md"


def shared_parts(text: str) -> dict[str, list[str]]:
    rows = re.findall(r"<!-- row: ([\w-]+) -->", text)
    lines = [m.group(0).strip() for m in SHARED_RE.finditer(text) if "<!-- row:" not in m.group(0)]
    return {"snippets and placeholders": lines, "rows": rows, "figures": IMAGE_RE.findall(text)}


def test_every_chinese_page_has_an_english_twin():
    orphans = [
        p.relative_to(DOCS).as_posix()
        for p in DOCS.rglob("*.zh.md")
        if not p.with_name(p.name.replace(".zh.md", ".md")).is_file()
    ]
    assert not orphans


@pytest.mark.parametrize("page", english_pages())
def test_the_page_has_a_chinese_twin_with_the_same_code_and_records(page):
    chinese = DOCS / twin(page)
    assert chinese.is_file(), f"{twin(page)} is missing"
    english_text = (DOCS / page).read_text(encoding="utf-8")
    chinese_text = chinese.read_text(encoding="utf-8")
    assert shared_parts(chinese_text) == shared_parts(english_text)


@pytest.mark.parametrize("page", english_pages())
def test_the_chinese_page_is_written_in_chinese(page):
    chinese = DOCS / twin(page)
    if not chinese.is_file():
        pytest.fail(f"{twin(page)} is missing")
    text = re.sub(
        r"```.*?```|`[^`]*`|<!--.*?-->|\]\([^)]*\)", "", chinese.read_text("utf-8"), flags=re.S
    )
    cjk, latin = len(CJK_RE.findall(text)), len(LATIN_RE.findall(text))
    assert cjk > 0.3 * (cjk + latin), f"{twin(page)}: {cjk} Chinese and {latin} Latin letters"


@pytest.mark.parametrize("page", english_pages())
def test_both_pages_have_the_same_outline(page):
    chinese = DOCS / twin(page)
    if not chinese.is_file():
        pytest.fail(f"{twin(page)} is missing")

    def outline(text: str) -> list[int]:
        text = re.sub(r"```.*?```", "", text, flags=re.S)
        return [len(m.group(1)) for m in re.finditer(r"^(#{1,6}) ", text, flags=re.M)]

    assert outline(chinese.read_text("utf-8")) == outline((DOCS / page).read_text("utf-8"))
