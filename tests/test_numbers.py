"""No typed numbers: a result, a time, a speed or a size in prose comes from a record, or goes.

The site promises that every number reporting a result comes from a recorded run (the
``<!-- results -->``, ``<!-- log -->`` and ``<!-- table -->`` placeholders). This test reads
the prose a reader meets -- the docs pages, the README, and the docstrings the API pages
render -- with code, placeholders and formulas taken out, and fails on anything that looks
like a typed measurement: a decimal number, a percentage, a number with a unit of time or
size, or "about N". The short allow-list below holds the chapter's own quoted values and
facts that are not measurements (version numbers, constants of the code); each says why.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import ROOT

VERSIONED = (
    r"(?:Keras|TensorFlow|scikit-learn|Python|NumPy|MkDocs|mkdocs|Material|MathJax|Click|"
    r"SciKeras|matplotlib|Chromium|Debian|pip|h5py|Playwright|PyTorch|JAX|pydot|Graphviz|"
    r"mkdocstrings|pymdown-extensions|Zensical|oneDNN|TF|tensorflow-cpu|scikeras|version|"
    r"release|Keras's|License|Licence|licence|BY-NC-SA|ShareAlike|with Python|>=|≥|<|v)"
)
SUSPECT = re.compile(
    r"(?<![\w.])(?:"
    r"\d+\.\d+"  # a decimal number
    r"|\d[\d,]*(?:\.\d+)?\s*(?:%|per\s?cent|ms|s|sec|seconds?|min|minutes?|hours?|MB|GB|kB|KB"
    r"|MiB|GiB|times (?:faster|slower|as))(?![\w])"  # a number with a unit
    r"|\d[\d,]*(?:\.\d+)?\s*(?:秒|分钟|小时|毫秒|倍)"  # the same in Chinese
    r"|(?:约|大约|大概|将近|接近|差不多)\s*\d[\d,.]*"
    r"|(?:about|around|roughly|nearly|approximately|usually|typically|near)\s+(?:epoch\s+)?\d[\d,.]*"
    r")"
)
VERSION_RE = re.compile(VERSIONED + r"[\s-]*$")

#: Phrases allowed in prose, with the reason. Matched against the suspect's sentence.
ALLOWED: dict[str, str] = {
    "model_10_0.35": "the chapter's own printed checkpoint name (checkpointing page)",
    "0.35": "the chapter's printed checkpoint loss, quoted as the chapter's",
    "100 %": "the upper bound of accuracy, not a measurement",
    "0.33": "the chapter's printed loss, quoted as the chapter's",
    "{val_loss:.2f}": "a format string",
    "0.01": "the chapter's L2 factor, a constant of the code",
    "0.5": "the chapter's dropout rate, a constant of the code",
    "0.2": "a constant (dropout or validation_split) of the code",
    "15 s": "AUTO_TIMEOUT, a constant of the data layer",
    "15 seconds": "AUTO_TIMEOUT, a constant of the data layer",
    "15 秒": "AUTO_TIMEOUT, a constant of the data layer (Chinese pages)",
    "10 倍": "10000 words against 1000: a ratio of the recipes' constants",
    "300 秒": "the download time limit's default (Chinese pages)",
    "300 seconds": "the download time limit's default, a constant of the code",
    "300 s": "the download time limit's default, a constant of the code",
}


def prose_of_markdown(text: str) -> str:
    """Markdown without code blocks, inline code, comments, formulas, links' targets, images."""
    text = re.sub(r"^( *)(```|~~~).*?^\1\2", "", text, flags=re.S | re.M)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = re.sub(r"`[^`\n]*`", "", text)
    text = re.sub(r"\$\$.*?\$\$|\\\[.*?\\\]|\\\(.*?\\\)|\$[^$\n]+\$", "", text, flags=re.S)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
    text = re.sub(r"\]\([^)]*\)", "", text).replace("[", "")
    return re.sub(r"https?://\S+", "", text)


def prose_of_docstrings(path: Path) -> str:
    """The docstrings of a module, its classes and functions (what the API pages render),
    without their ``literal`` parts."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = ast.get_docstring(node)
            if doc:
                docs.append(re.sub(r"``[^`]*``|`[^`]*`", "", doc))
    return "\n".join(docs)


def offenders(text: str) -> list[str]:
    found = []
    for match in SUSPECT.finditer(text):
        before = text[max(0, match.start() - 40) : match.start()]
        if VERSION_RE.search(before.rstrip()) or VERSION_RE.search(before):
            continue
        context = text[max(0, match.start() - 30) : match.end() + 30].replace("\n", " ")
        if any(phrase in context for phrase in ALLOWED):
            continue
        found.append(f"{match.group(0)!r} in: …{context}…")
    return found


def documents() -> dict[str, str]:
    pages = {
        path.relative_to(ROOT).as_posix(): prose_of_markdown(path.read_text(encoding="utf-8"))
        for path in [*(ROOT / "docs").rglob("*.md"), ROOT / "README.md"]
    }
    modules = {
        path.relative_to(ROOT).as_posix(): prose_of_docstrings(path)
        for path in (ROOT / "cookbook").rglob("*.py")
        if "recipes" not in path.parts or path.name == "__init__.py"
    }
    return {**pages, **modules}


def test_no_typed_measurements_in_prose():
    found = [f"{where}: {line}" for where, text in documents().items() for line in offenders(text)]
    assert not found, "numbers typed into prose:\n" + "\n".join(found)


def test_the_checker_catches_the_known_cases():
    """The review's examples, as they were written, must all be caught."""
    examples = [
        "about fifty updates (0.62 accuracy after 75)",
        "each epoch takes minutes",  # no number: allowed by the checker, so left to review
        "an LSTM costs 3 ms per review",
        "the top scores lie within about 0.005 of each other",
        "the whole grid took about 4.5 minutes",
        "it is several times slower; 86 s on the other machine",
        "the best accuracy usually lands near epoch 8",
    ]
    caught = [bool(offenders(example)) for example in examples]
    assert caught == [True, False, True, True, True, True, True]
