"""The site in two languages: every page has its twin, and the twins share everything but prose.

English pages are ``docs/X.md``, Chinese ones ``docs/X.zh.md``. Code blocks, results records,
logs, figures and the troubleshooting rows come from the same sources in both, so a test reads
them off both pages and compares: the two languages can differ in words, never in code or
numbers.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from conftest import ROOT

from cookbook.notebooks import HAN, WIDE_PUNCT

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


# --- Chinese typography on the built pages ---------------------------------------------------

#: A space Chinese typography never has: between two Chinese characters, or on either side of
#: full-width punctuation (the 中文文案排版指北 rules the pages follow). A space between Chinese
#: and Latin text or digits is wanted, and is not matched.
STRAY_SPACE_RE = re.compile(rf"[{HAN}] +[{HAN}]|[{WIDE_PUNCT}] +\S|\S +[{WIDE_PUNCT}]")
#: Block elements: their text is read as one run, so a space across an inline element (a link,
#: an emphasis) counts, and a break between two blocks does not.
PROSE_BLOCKS = {
    "p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "figcaption",
    "caption", "summary", "div", "table", "tr", "ul", "ol", "blockquote", "details", "section",
}  # fmt: skip
NOT_PROSE = {"pre", "script", "style", "svg"}  # left out altogether
AS_A_WORD = {"code", "kbd"}  # inline code stands in as one Latin word: "：`fit`" is fine
VOID = {"br", "hr", "img", "input", "meta", "link", "wbr"}


class _ArticleProse(HTMLParser):
    """The text of each block of a Material page's article, code and math left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # > 0 inside the article
        self.open: list[tuple[str, bool]] = []  # (tag, hidden) of the elements now open
        self.hidden = 0
        self.text: list[str] = []
        self.blocks: list[str] = []

    def flush(self) -> None:
        block = re.sub(r"\s+", " ", "".join(self.text)).strip()
        if block:
            self.blocks.append(block)
        self.text = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "article" and "md-content__inner" in classes:
            self.depth = 1
            return
        if not self.depth or tag in VOID:
            if self.depth and tag in PROSE_BLOCKS | {"br", "hr"}:
                self.flush()
            return
        if tag in PROSE_BLOCKS | NOT_PROSE:
            self.flush()
        hide = tag in NOT_PROSE | AS_A_WORD or {"headerlink", "arithmatex"} & set(classes)
        if hide and not self.hidden and tag in AS_A_WORD | {"span"}:
            self.text.append("X")  # the code or the formula, as one Latin word
        self.open.append((tag, bool(hide)))
        self.hidden += bool(hide)

    def handle_endtag(self, tag: str) -> None:
        if not self.depth or tag in VOID:
            return
        if tag == "article" and not self.open:
            self.flush()
            self.depth = 0
            return
        while self.open:
            name, hidden = self.open.pop()
            self.hidden -= hidden
            if name == tag:
                break
        if tag in PROSE_BLOCKS | NOT_PROSE:
            self.flush()

    def handle_data(self, data: str) -> None:
        if self.depth and not self.hidden:
            self.text.append(data)


def stray_spaces(html_text: str) -> list[str]:
    """Each space in the page's prose that Chinese typography has not, with some context."""
    parser = _ArticleProse()
    parser.feed(html_text)
    parser.flush()
    return [
        block[max(0, m.start() - 15) : m.end() + 15]
        for block in parser.blocks
        for m in STRAY_SPACE_RE.finditer(block)
    ]


def test_the_scan_finds_a_stray_space_and_passes_a_clean_page():
    def page(body: str) -> str:
        return f'<html><body><article class="md-content__inner md-typeset">{body}</article>'

    wrapped = page('<p>是对付这种 <a href="g">过拟合</a>（overfitting）的办法</p>')
    after_punctuation = page("<p>同时为 Python、 NumPy 设置种子</p>")
    before_quote = page("<p>于是 “not good, bad” 和它</p>")
    clean = page(
        "<p>用 <code>fit</code> 训练 3 轮，见<a>下文</a>（或者 <em>dropout</em>）。</p>"
        "<pre><code>中 文 ， 代码里的空格不算</code></pre><p>另一段</p>"
    )
    assert [hit for hit in stray_spaces(wrapped) if "这种 过拟合" in hit] == stray_spaces(wrapped)
    assert len(stray_spaces(wrapped)) == 1
    assert len(stray_spaces(after_punctuation)) == 1
    assert "、 NumPy" in stray_spaces(after_punctuation)[0]
    assert len(stray_spaces(before_quote)) == 2  # “ and ” each have a space outside
    assert stray_spaces(clean) == []


def test_the_built_chinese_pages_have_no_space_chinese_typography_lacks(built_site):
    """A wrapped line that the hook's joining rule (``cookbook.notebooks.join_chinese_lines``)
    leaves, a space typed next to full-width punctuation, or a generated string with one, shows
    here with its page."""
    site = built_site["site"] / "zh"
    found = [
        f"{page.relative_to(site).parent.as_posix() or '.'}: …{context}…"
        for page in sorted(site.rglob("index.html"))
        for context in stray_spaces(page.read_text("utf-8"))
    ]
    assert not found, "\n".join(found)
