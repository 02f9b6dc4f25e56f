"""The documentation site: a strict build, nothing loaded from outside, and real pages in a browser.

The site is built once (``mkdocs build --strict``, into a temporary folder) and then

* scanned: no ``<script>``, ``<link>``, ``<img>`` (or other embedded resource) and no CSS
  ``url()`` may point outside the site, and every local one must exist;
* served by a ``ThreadingHTTPServer`` on 127.0.0.1 and opened in headless Chromium (Debian's
  ``chromium``, driven by the ``playwright`` pip package, no browser download): every recipe
  page loads without console errors, its figure decodes, its code block holds the module's
  real lines, its results table is there, the regression page's formula is typeset with
  visible glyphs, and no request leaves 127.0.0.1.

Needs the docs extra (``pip install -e '.[docs]'``) and the figures in ``docs/figures/``
(``cookbook figures``). The browser test is skipped, with the reason, when no Chromium is found.
"""

from __future__ import annotations

import functools
import html
import html.parser
import importlib.util
import json
import os
import re
import shutil
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from conftest import ROOT, require_program

from cookbook import program, recipes

DOCS = ROOT / "docs"
PAGE_TIMEOUT_MS = 30_000
SNIPPET_RE = re.compile(r'--8<--\s+"(?P<path>[^":]+)(?::(?P<section>[\w-]+))?"')
MARKER_RE = re.compile(r"#\s*--8<--\s*\[(?P<kind>start|end):(?P<section>[\w-]+)\]")

pytest.importorskip("mkdocs", reason="the docs extra is not installed: pip install -e '.[docs]'")
pytest.importorskip("material", reason="the docs extra is not installed: pip install -e '.[docs]'")
pytest.importorskip("mkdocstrings", reason="the docs extra is not installed")


# --- helpers ------------------------------------------------------------------------------


def load_hook_module():
    """The site's MkDocs hook module, imported from its file."""
    path = DOCS / "hooks" / "cookbook_site.py"
    spec = importlib.util.spec_from_file_location("cookbook_site_hook", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def recipe_page(name: str) -> Path:
    return DOCS / "recipes" / f"{name}.md"


def snippet_refs(markdown: str) -> list[tuple[str, str | None]]:
    return [(m["path"], m["section"]) for m in SNIPPET_RE.finditer(markdown)]


def section_lines(path: Path, section: str) -> list[str]:
    """The lines pymdownx.snippets embeds for ``path:section`` (markers excluded)."""
    inside, lines = False, []
    for line in path.read_text(encoding="utf-8").splitlines():
        marker = MARKER_RE.search(line)
        if marker and marker["section"] == section:
            inside = marker["kind"] == "start"
            continue
        if marker:
            continue
        if inside:
            lines.append(line)
    return lines


# --- the sources ---------------------------------------------------------------------------


def test_every_recipe_has_a_page_in_chapter_order():
    config_text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav_order = re.findall(r"^\s*- recipes/([\w-]+)\.md\s*$", config_text, flags=re.M)
    assert [n for n in nav_order if n != "index"] == list(recipes.NAMES)
    for entry in recipes.RECIPES:
        page = recipe_page(entry.name)
        assert page.is_file(), f"no page for recipe {entry.name}"
        text = page.read_text(encoding="utf-8")
        assert f"<!-- results: {entry.name} -->" in text, f"{page}: no results placeholder"
        assert f"](../figures/{entry.name}.png)" in text, f"{page}: figure not shown"
        assert f"python -m cookbook.recipes.{entry.module}" in text, f"{page}: how to run it"
        assert re.search(r"^## What changed", text, flags=re.M), f"{page}: no changes section"


def test_every_embedded_file_and_section_exists():
    """``check_paths`` catches a missing file; a section must also open and close once."""
    for page in sorted(DOCS.rglob("*.md")):
        for path, section in snippet_refs(page.read_text(encoding="utf-8")):
            source = ROOT / path
            assert source.is_file(), f"{page}: embeds missing file {path}"
            if section is None or section[0].isdigit():
                continue
            text = source.read_text(encoding="utf-8")
            starts = re.findall(rf"#\s*--8<--\s*\[start:{section}\]", text)
            ends = re.findall(rf"#\s*--8<--\s*\[end:{section}\]", text)
            assert len(starts) == 1 and len(ends) == 1, f"{page}: {path}:{section}"
            assert any(line.strip() for line in section_lines(source, section))


# --- the hook ------------------------------------------------------------------------------


class _FakePage:
    class file:  # noqa: N801 - mimics mkdocs's page.file
        src_uri = "recipes/fake.md"


def test_hook_renders_a_record_and_refuses_a_missing_one(tmp_path: Path):
    from mkdocs.exceptions import PluginError

    hook = load_hook_module()
    docs = tmp_path / "docs"
    (docs / "figures").mkdir(parents=True)
    hook.on_config({"docs_dir": str(docs), "config_file_path": str(tmp_path / "mkdocs.yml")})
    record = {
        "recipe": "fake",
        "title": "A fake recipe",
        "data": [{"dataset": "imdb", "source": "sample", "size": "tiny", "train": 400, "test": 80}],
        "seed": 7,
        "parameters": {"rows": 150},
        "epochs": 2,
        "history": {"loss": [0.7, 0.61234], "val_loss": [0.71, 0.65432]},
        "results": {"test_loss": 0.65432, "grid": [{"optimizer": "adam", "mean": 0.5}]},
        "network_parameters": 16305,
        "files": ["fake.keras"],
        "versions": {"python": "3.11.7", "keras": "3.15.1"},
        "output": {"training": "Epoch 1/2\n4/4 - [time] - [time per step] - loss: 0.7000\n"},
    }
    (docs / "figures" / "fake.json").write_text(json.dumps(record), encoding="utf-8")
    out = hook.on_page_markdown("# Fake\n\n<!-- results: fake -->\n", page=_FakePage())
    assert "<!-- results" not in out
    for expected in ("0.6123", "0.6543", "| Seed | 7 |", "Keras 3.15.1", "400 training",
                     "16,305 parameters", "`rows`", "| adam | 0.5000 |"):  # fmt: skip
        assert expected in out, expected
    assert "Offline sample data" in out
    block = '```python\n--8<-- "cookbook/recipes/fake.py:training"\n```\n'
    shown = hook.on_page_markdown(block + "\nprose\n", page=_FakePage())
    assert shown.startswith(block.rstrip("\n") + '\n\n!!! example "Output"\n\n    ```text\n')
    assert "    4/4 - [time] - [time per step] - loss: 0.7000\n    ```\n\nprose" in shown
    silent = '```python\n--8<-- "cookbook/recipes/fake.py:data"\n```\n'
    assert hook.on_page_markdown(silent, page=_FakePage()) == silent  # printed nothing
    lesson = dict(record, recipe="regression", size="small", results={"test_r2": 0.93})
    (docs / "figures" / "regression.json").write_text(json.dumps(lesson), encoding="utf-8")
    check = hook.on_page_markdown("<!-- lesson: regression -->\n", page=_FakePage())
    assert check.startswith('!!! success "Lesson check: the run shows it"') and "0.930" in check
    with pytest.raises(PluginError, match="cookbook figures missing"):
        hook.on_page_markdown("<!-- results: missing -->\n", page=_FakePage())
    with pytest.raises(PluginError, match="malformed placeholder"):
        hook.on_page_markdown("text <!-- results: fake --> text\n", page=_FakePage())

    (tmp_path / "mod.py").write_text("X = 1\n\n\n@staticmethod\ndef f():\n    return X\n")
    out = hook.on_page_markdown("    <!-- source: mod.py:f -->\n", page=_FakePage())
    assert '    --8<-- "mod.py:4:6"' in out
    with pytest.raises(PluginError, match="no top-level function"):
        hook.on_page_markdown("<!-- source: mod.py:g -->\n", page=_FakePage())

    table = {"columns": ["case", "seconds"], "rows": [["lstm", 82.04]], "machine": "2 cores"}
    (docs / "figures" / "bench.json").write_text(json.dumps(table), encoding="utf-8")
    out = hook.on_page_markdown("<!-- table: bench -->\n", page=_FakePage())
    assert "| lstm | 82.04 |" in out and "2 cores" in out


# --- the built site ------------------------------------------------------------------------


def test_strict_build_passes(built_site: dict):
    assert "WARNING" not in built_site["log"], built_site["log"]
    pages = list(built_site["site"].rglob("index.html"))
    print(f"\nbuilt {len(pages)} pages in {built_site['seconds']:.1f} s")
    assert len(pages) >= len(recipes.NAMES) + 5


def test_recipe_pages_show_the_recorded_numbers(built_site: dict):
    hook = load_hook_module()
    for entry in recipes.RECIPES:
        page = built_site["site"] / "recipes" / entry.name / "index.html"
        assert page.is_file(), page
        text = page.read_text(encoding="utf-8")
        record = json.loads((DOCS / "figures" / f"{entry.name}.json").read_text("utf-8"))
        assert 'class="cookbook-results"' in text
        for value in record["results"].values():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                assert hook._number(value) in text, (entry.name, value)
        assert "--8&lt;--" not in text and "--8<--" not in text, f"{entry.name}: raw snippet"


def test_every_committed_record_holds_what_its_program_printed():
    """Each record has the output of its program's sections (``cookbook figures`` records it),
    under the names of sections the program has."""
    for entry in recipes.RECIPES:
        record = json.loads((DOCS / "figures" / f"{entry.name}.json").read_text("utf-8"))
        assert isinstance(record.get("output"), dict) and record["output"], entry.name
        sections = {s.name for s in program.read_sections(program.module_path(entry.module))}
        assert set(record["output"]) <= sections, entry.name
        assert all(isinstance(text, str) and text for text in record["output"].values())


OUTPUT_BLOCK_RE = re.compile(
    r'<(?:div|details) class="(?:admonition )?example"[^>]*>\s*'
    r'<(?:p class="admonition-title"|summary)>(?P<title>[^<]*)</(?:p|summary)>'
    r"(?P<body>.*?)</code></pre>",
    re.S,
)
FENCE_SECTIONS_RE = re.compile(r"^ *```python\n(?P<body>.*?)^ *```", re.M | re.S)
PROGRAM_REF_RE = re.compile(r'--8<--\s+"cookbook/recipes/\w+\.py:(?P<section>[\w-]+)"')


def printed_blocks(html_text: str) -> list[str]:
    """The text of every Output block on a built page, in page order."""
    blocks = []
    for match in OUTPUT_BLOCK_RE.finditer(html_text):
        code = match["body"].split("<code>", 1)[-1]
        blocks.append(html.unescape(re.sub(r"<[^>]+>", "", code)).strip("\n"))
    return blocks


@pytest.mark.parametrize("language", ["", "zh/"])
def test_every_block_that_printed_shows_its_output_from_the_record(built_site, language):
    """Under every code block whose sections printed something in the recorded run, the page
    shows exactly that, and nowhere else an Output block."""
    suffix = ".zh.md" if language else ".md"
    for entry in recipes.RECIPES:
        markdown = (DOCS / "recipes" / f"{entry.name}{suffix}").read_text(encoding="utf-8")
        printed = json.loads((DOCS / "figures" / f"{entry.name}.json").read_text("utf-8"))
        expected = []
        for fence in FENCE_SECTIONS_RE.finditer(markdown):
            sections = PROGRAM_REF_RE.findall(fence["body"])
            text = "".join(printed["output"].get(section, "") for section in sections)
            if text:
                expected.append(text.strip("\n"))
        page = built_site["site"] / language / "recipes" / entry.name / "index.html"
        assert printed_blocks(page.read_text(encoding="utf-8")) == expected, entry.name


def test_the_binary_page_shows_its_summary_table(built_site):
    text = (built_site["site"] / "recipes" / "binary" / "index.html").read_text("utf-8")
    summary = next(b for b in printed_blocks(text) if "Total params" in b)
    assert "Layer (type)" in summary and "dense_2 (Dense)" in summary


class _ResourceScanner(html.parser.HTMLParser):
    """Collects every URL an HTML page makes the browser load (not plain links)."""

    ATTRS = {
        "script": ("src",),
        "link": ("href",),
        "img": ("src", "srcset"),
        "source": ("src", "srcset"),
        "iframe": ("src",),
        "embed": ("src",),
        "object": ("data",),
        "video": ("src", "poster"),
        "audio": ("src",),
        "track": ("src",),
        "input": ("src",),
    }

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in self.ATTRS.get(tag, ()):
            value = attrs.get(name)
            if not value:
                continue
            if name == "srcset":
                self.urls += [part.strip().split()[0] for part in value.split(",") if part.strip()]
            else:
                self.urls.append(value)
        if attrs.get("style"):
            self.urls += css_urls(attrs["style"])
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.urls += css_urls(data)


def css_urls(css: str) -> list[str]:
    found = re.findall(r"url\(\s*(['\"]?)(.*?)\1\s*\)", css)
    found = [url for _, url in found]
    found += re.findall(r"@import\s+['\"]([^'\"]+)['\"]", css)
    return found


def check_local(url: str, base: Path, site: Path) -> str | None:
    """None when ``url`` (found in ``base``) stays inside the site and exists; else why not."""
    if url.startswith(("data:", "#", "about:blank")):
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("//"):
        return f"points outside the site: {url}"
    if parts.path.startswith("/"):  # 404.html: root-relative, the same host
        target = (site / unquote(parts.path).lstrip("/")).resolve()
    else:
        target = (base.parent / unquote(parts.path)).resolve()
    if site.resolve() not in target.parents and target != site.resolve():
        return f"leaves the site folder: {url}"
    if target.is_dir():
        target = target / "index.html"
    if parts.path and not target.exists():
        return f"missing file: {url}"
    return None


def test_nothing_is_loaded_from_outside_the_site(built_site: dict):
    site: Path = built_site["site"]
    problems = []
    checked = 0
    for page in sorted(site.rglob("*.html")):
        scanner = _ResourceScanner()
        scanner.feed(page.read_text(encoding="utf-8"))
        for url in scanner.urls:
            checked += 1
            problem = check_local(url, page, site)
            if problem:
                problems.append(f"{page.relative_to(site)}: {problem}")
    for sheet in sorted(site.rglob("*.css")):
        for url in css_urls(sheet.read_text(encoding="utf-8", errors="replace")):
            checked += 1
            problem = check_local(url, sheet, site)
            if problem:
                problems.append(f"{sheet.relative_to(site)}: {problem}")
    assert checked > 0
    assert not problems, "\n".join(problems[:50])


# --- in a real browser ---------------------------------------------------------------------


def find_chromium() -> str | None:
    for candidate in (
        os.environ.get("COOKBOOK_CHROMIUM"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        "/usr/bin/chromium",
    ):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def site_server(built_site: dict):
    handler = functools.partial(_QuietHandler, directory=str(built_site["site"]))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


GLYPHS_JS = """
(selector) => {
  const box = document.querySelector(selector);
  if (!box) return null;
  const container = box.querySelector('mjx-container');
  if (!container) return {typeset: false};
  // A display container spans the column; the formula itself is its mjx-math child.
  const math = container.querySelector('mjx-math');
  const rect = (math || container).getBoundingClientRect();
  const glyphs = Array.from(container.querySelectorAll('mjx-c'));
  const blank = glyphs.filter(g => {
    const content = getComputedStyle(g, '::before').content;
    return !content || content === 'none' || content === '""' || content === 'normal';
  }).length;
  return {typeset: true, width: rect.width, height: rect.height, glyphs: glyphs.length,
          blank: blank, display: container.getAttribute('display'),
          column_width: container.getBoundingClientRect().width,
          font: getComputedStyle(glyphs[0] || container, '::before').fontFamily};
}
"""


def test_recipe_pages_in_a_headless_browser(built_site: dict, site_server: str, tmp_path: Path):
    chromium = find_chromium()
    if chromium is None:
        require_program("chromium")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright pip package (docs extra) is not installed"
    )

    pages = ["", "changes/"] + [f"recipes/{name}/" for name in recipes.NAMES]
    outside: list[str] = []
    errors: dict[str, list[str]] = {}
    measured: dict[str, dict] = {}
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
            timeout=60_000,
        )
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.set_default_timeout(PAGE_TIMEOUT_MS)

            def route(route_obj):
                url = route_obj.request.url
                host = urlsplit(url).hostname
                if url.startswith(("data:", "blob:")) or host == "127.0.0.1":
                    route_obj.continue_()
                else:
                    outside.append(url)
                    route_obj.abort()

            context.route("**/*", route)
            requested: list[str] = []
            context.on("request", lambda request: requested.append(request.url))

            for path in pages:
                url = urljoin(site_server, path)
                page = context.new_page()
                page_errors: list[str] = []
                page.on(
                    "console",
                    lambda msg, errs=page_errors: (
                        errs.append(msg.text) if msg.type == "error" else None
                    ),
                )
                page.on("pageerror", lambda exc, errs=page_errors: errs.append(str(exc)))
                response = page.goto(url, wait_until="load")
                assert response is not None and response.ok, f"{url}: HTTP error"
                page.wait_for_load_state("networkidle")

                images = page.evaluate(
                    "() => Array.from(document.images).map(i => "
                    "({src: i.currentSrc || i.src, ok: i.complete, width: i.naturalWidth}))"
                )
                broken = [img["src"] for img in images if not img["ok"] or img["width"] <= 0]
                assert not broken, f"{url}: images that do not decode: {broken}"

                if path.startswith("recipes/"):
                    name = path.split("/")[1]
                    entry = recipes.entry(name)
                    figures = [img for img in images if f"/figures/{name}.png" in img["src"]]
                    assert figures, f"{url}: figure {name}.png not on the page"
                    code = page.evaluate(
                        "() => Array.from(document.querySelectorAll('pre code'))"
                        ".map(c => c.textContent).join('\\n')"
                    )
                    assert code.strip(), f"{url}: no code block"
                    assert "--8<--" not in code, f"{url}: a snippet was not embedded"
                    text = recipe_page(name).read_text(encoding="utf-8")
                    module = ROOT / "cookbook" / "recipes" / f"{entry.module}.py"
                    for ref_path, section in snippet_refs(text):
                        if ref_path != module.relative_to(ROOT).as_posix() or not section:
                            continue
                        first = next(ln for ln in section_lines(module, section) if ln.strip())
                        assert first.strip() in code, f"{url}: {section} lines not embedded"
                    assert page.locator(".cookbook-results table").count() > 0, (
                        f"{url}: no results table"
                    )
                    measured[name] = {"figure_width": figures[0]["width"]}

                if path == "recipes/regression/":
                    page.wait_for_function(
                        "() => { const c = document.querySelector('div.arithmatex mjx-container');"
                        " return c && c.getBoundingClientRect().width > 0; }",
                        timeout=PAGE_TIMEOUT_MS,
                    )
                    formula = page.evaluate(GLYPHS_JS, "div.arithmatex")
                    measured["regression"].update(formula=formula)
                    assert formula and formula["typeset"], "the MSE formula was not typeset"
                    assert formula["width"] > 100, f"formula too narrow: {formula}"
                    assert formula["glyphs"] > 0 and formula["blank"] == 0, (
                        f"formula glyphs are blank (MathJax CSS lost): {formula}"
                    )
                    shot = Path(os.environ.get("COOKBOOK_DOCS_SHOTS", tmp_path))
                    shot.mkdir(parents=True, exist_ok=True)
                    page.locator("div.arithmatex").first.screenshot(
                        path=str(shot / "regression-formula.png")
                    )

                if page_errors:
                    errors[url] = page_errors
                page.close()
            context.close()
        finally:
            browser.close()

    assert not errors, f"console errors: {errors}"
    assert not outside, f"requests that left 127.0.0.1: {outside}"
    woff = [url for url in requested if url.endswith(".woff")]
    measured["mathjax_fonts_requested"] = len(woff)
    print("\nbrowser measurements:", json.dumps(measured, indent=1))
    network = [url for url in requested if urlsplit(url).scheme in ("http", "https", "ws", "wss")]
    assert network and all(urlsplit(url).hostname == "127.0.0.1" for url in network)


# --- the Chinese site, in a real browser -----------------------------------------------------

MISSING_GLYPHS_JS = """
(text) => {
  // A character the fonts lack is drawn as the "missing glyph" box: the same box for every
  // such character, which a private-use code point (U+E000) also gets. Compare pixels.
  const canvas = document.createElement('canvas');
  canvas.width = 40; canvas.height = 40;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const font = getComputedStyle(document.querySelector('.md-content')).fontFamily;
  const pixels = (ch) => {
    ctx.clearRect(0, 0, 40, 40);
    ctx.font = '28px ' + font;
    ctx.fillText(ch, 4, 32);
    return ctx.getImageData(0, 0, 40, 40).data.join(',');
  };
  const box = pixels('\\uE000');
  return Array.from(new Set(text)).filter(ch => /[\\u4e00-\\u9fff]/.test(ch) && pixels(ch) === box);
}
"""


def chinese_font_installed() -> bool:
    """Whether fontconfig knows a font with Chinese glyphs (what Chromium draws them with)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    listed = subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True, timeout=30)
    return bool(listed.stdout.strip())


def test_the_chinese_site_in_a_headless_browser(built_site: dict, site_server: str, tmp_path):
    """A Chinese recipe page renders its Chinese text (no missing glyphs), the language switcher
    keeps the reader on the same page both ways, and searching 过拟合 and 早停 in Chinese finds
    the right recipes."""
    chromium = find_chromium()
    if chromium is None:
        require_program("chromium")
    if not chinese_font_installed():
        from conftest import REQUIRE_PROGRAMS

        reason = "needs a Chinese font (apt-get install fonts-wqy-microhei or fonts-noto-cjk)"
        if REQUIRE_PROGRAMS:
            pytest.fail(f"{reason}, and COOKBOOK_REQUIRE_PROGRAMS=1 says it is installed")
        pytest.skip(reason)
    sync_api = pytest.importorskip("playwright.sync_api", reason="the docs extra is not installed")
    shots = Path(os.environ.get("COOKBOOK_DOCS_SHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"],
            timeout=60_000,
        )  # fmt: skip
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(PAGE_TIMEOUT_MS)
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))

            page.goto(urljoin(site_server, "zh/recipes/early-stopping/"), wait_until="load")
            page.wait_for_load_state("networkidle")
            assert page.evaluate("document.documentElement.lang").startswith("zh")
            article = page.inner_text("article")
            assert "早停" in article and "EarlyStopping" in article
            missing = page.evaluate(MISSING_GLYPHS_JS, article)
            assert not missing, f"characters drawn as missing-glyph boxes: {missing[:20]}"
            page.locator("article h1").screenshot(path=str(shots / "zh-heading.png"))
            images = page.evaluate(
                "() => Array.from(document.images).map(i => i.complete && i.naturalWidth > 0)"
            )
            assert images and all(images), "a figure does not decode on the Chinese page"

            # The language switcher: to English and back, staying on the same recipe.
            english = page.locator("a[hreflang='en']").first.get_attribute("href")
            page.goto(urljoin(page.url, english), wait_until="load")
            assert urlsplit(page.url).path.endswith("/recipes/early-stopping/")
            assert "/zh/" not in page.url and "Stopping training early" in page.inner_text("h1")
            chinese = page.locator("a[hreflang='zh']").first.get_attribute("href")
            page.goto(urljoin(page.url, chinese), wait_until="load")
            assert urlsplit(page.url).path.endswith("/zh/recipes/early-stopping/")

            # Search in Chinese: jieba segmented the index, so whole words are found.
            found = {}
            for term, expected in (("过拟合", "recipes/"), ("早停", "recipes/early-stopping/")):
                page.goto(urljoin(site_server, "zh/"), wait_until="load")
                page.wait_for_load_state("networkidle")
                page.locator("label.md-search__icon, .md-search__input").first.click()
                page.fill("input.md-search__input", term)
                # Material searches on keyup; `fill` (like an input method) sends none.
                page.locator("input.md-search__input").press("End")
                page.wait_for_selector(".md-search-result__item", timeout=PAGE_TIMEOUT_MS)
                links = page.eval_on_selector_all(
                    ".md-search-result__item a", "els => els.map(e => e.href)"
                )
                found[term] = links
                assert any(expected in link and "/zh/" in link for link in links), (term, links)
            page.screenshot(path=str(shots / "zh-search.png"))
            assert not errors, errors
        finally:
            browser.close()
