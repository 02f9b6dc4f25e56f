"""MkDocs hooks for the keras-cookbook site: numbers from records, never typed by hand.

Loaded by ``hooks:`` in ``mkdocs.yml``. Three placeholders are replaced in a page's Markdown
before it is converted:

``<!-- results: NAME -->``
    A table of what the last ``cookbook figures NAME`` run recorded in
    ``docs/figures/NAME.json``: the final metrics, the data (dataset, source, size, rows), the
    seed, the epochs, the wall time and the library versions, plus the details the recipe
    recorded and the per-epoch history. A missing or malformed record stops the build
    (:class:`mkdocs.exceptions.PluginError`), so a page can never show stale or typed numbers.

``<!-- table: NAME -->``
    A generic table from ``docs/figures/NAME.json`` with the keys ``columns`` (list of
    headers), ``rows`` (list of lists) and optionally ``caption``, ``machine`` and
    ``versions``: how the Performance page shows benchmark results. Missing: the build stops.

``<!-- source: PATH.py:NAME -->``
    A Python block that embeds the function or class ``NAME`` of ``PATH.py`` (relative to
    the project root) with ``pymdownx.snippets``: the hook finds its first and last line with
    :mod:`ast` and writes the snippet line range, so code without section markers can still be
    shown straight from its file, and never drifts from it.

``<!-- cli-help: COMMAND -->``
    The ``--help`` text of ``cookbook COMMAND`` (or of ``cookbook`` itself for ``main``),
    produced by the real Click command, so the page cannot drift from the CLI.

After conversion, Sphinx-style roles left in docstrings (``:func:`x.y```) become optional
cross-references: a link where ``x.y`` is documented on the site, plain code where not.
"""

from __future__ import annotations

import html
import json
import math
import re
import sys
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

RESULTS_RE = re.compile(r"^(?P<indent> *)<!--\s*results:\s*(?P<arg>[\w.-]+)\s*-->[ \t]*$", re.M)
TABLE_RE = re.compile(r"^(?P<indent> *)<!--\s*table:\s*(?P<arg>[\w.-]+)\s*-->[ \t]*$", re.M)
SOURCE_RE = re.compile(
    r"^(?P<indent> *)<!--\s*source:\s*(?P<arg>[\w/.-]+\.py:[\w.]+)\s*-->[ \t]*$", re.M
)
CLI_RE = re.compile(r"^(?P<indent> *)<!--\s*cli-help:\s*(?P<arg>[\w-]+)\s*-->[ \t]*$", re.M)
ANY_PLACEHOLDER_RE = re.compile(r"<!--\s*(results|table|cli-help|source)\b")
ROLE_RE = re.compile(
    r":(?:py:)?(?:func|class|meth|mod|attr|data|exc|obj|const):<code>(?P<tilde>~?)"
    r"(?P<ident>[A-Za-z_][\w.]*)(?P<call>\(\))?</code>"
)

REQUIRED_KEYS = ("recipe", "data", "seed", "epochs", "history", "metrics", "versions")

DATASETS = {
    "imdb": "IMDB movie reviews",
    "reuters": "Reuters newswires",
    "mnist": "MNIST handwritten digits",
    "make_classification": "scikit-learn `make_classification`",
    "make_regression": "scikit-learn `make_regression`",
    "chapter array": "the chapter's small array of two features",
}
SOURCES = {
    "keras": "from the real dataset, through `keras.datasets`",
    "sample": "from the cookbook's offline sample",
    "scikit-learn": "generated on the spot",
    "chapter": "written out in the recipe",
}
MAX_LIST = 12  # longer lists are cut short on the page (the record keeps them all)
DATA_KEYS = ("dataset", "source", "size", "train", "test")
VERSION_NAMES = {
    "python": "Python",
    "keras": "Keras",
    "tensorflow": "TensorFlow",
    "jax": "JAX",
    "torch": "PyTorch",
    "numpy": "NumPy",
    "scikit-learn": "scikit-learn",
}

_figures_dir: Path | None = None
_config_dir: Path | None = None


# --- events ------------------------------------------------------------------------------


def on_config(config: Any, **kwargs: Any) -> Any:
    """Remember where the records live; make the package importable for ``cli-help``."""
    global _figures_dir, _config_dir
    _figures_dir = Path(config["docs_dir"]) / "figures"
    _config_dir = Path(config["config_file_path"]).resolve().parent
    if str(_config_dir) not in sys.path:
        sys.path.insert(0, str(_config_dir))
    return config


def on_page_markdown(markdown: str, page: Any, **kwargs: Any) -> str:
    """Replace the placeholders of one page with generated Markdown."""
    where = page.file.src_uri
    for pattern, render in (
        (RESULTS_RE, results_markdown),
        (TABLE_RE, table_markdown),
        (CLI_RE, cli_help_markdown),
        (SOURCE_RE, source_markdown),
    ):
        markdown = pattern.sub(lambda m, r=render: _indented(r(m["arg"], where), m), markdown)
    leftover = ANY_PLACEHOLDER_RE.search(markdown)
    if leftover:
        line = markdown.count("\n", 0, leftover.start()) + 1
        raise PluginError(
            f"{where}:{line}: malformed placeholder; write it alone on its line, e.g. "
            "'<!-- results: binary -->'"
        )
    return markdown


def _indented(text: str, match: re.Match[str]) -> str:
    """``text`` with every line indented like the placeholder (inside admonitions, lists)."""
    indent = match["indent"]
    return "\n".join(indent + line if line else line for line in text.split("\n"))


def on_page_content(html_text: str, **kwargs: Any) -> str:
    """Turn Sphinx roles left in docstrings into optional cross-references."""
    return ROLE_RE.sub(_role_to_autoref, html_text)


def _role_to_autoref(match: re.Match[str]) -> str:
    ident = match["ident"]
    shown = ident.rsplit(".", 1)[-1] if match["tilde"] else ident
    shown += match["call"] or ""
    return f'<autoref identifier="{ident}" optional><code>{html.escape(shown)}</code></autoref>'


# --- records -----------------------------------------------------------------------------


def figures_dir() -> Path:
    if _figures_dir is None:  # pragma: no cover - on_config always runs first
        raise PluginError("cookbook_site hook: on_config did not run")
    return _figures_dir


def load_record(name: str, where: str) -> dict[str, Any]:
    """Read ``docs/figures/NAME.json`` or stop the build with a message that says what to do."""
    path = figures_dir() / f"{name}.json"
    if not path.is_file():
        raise PluginError(
            f"{where}: the results record {path} is missing. Run `cookbook figures {name}` "
            "(or `cookbook figures` for all recipes) to produce the figure and its record."
        )
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise PluginError(f"{where}: cannot read the results record {path}: {err}") from err
    if not isinstance(record, dict):
        raise PluginError(f"{where}: {path} is not a JSON object")
    return record


def results_markdown(name: str, where: str) -> str:
    """The results block of recipe ``name``, as Markdown."""
    record = load_record(name, where)
    path = figures_dir() / f"{name}.json"
    missing = [key for key in REQUIRED_KEYS if key not in record]
    if missing:
        raise PluginError(f"{where}: {path} lacks {', '.join(missing)}; rerun `cookbook figures`")
    if record["recipe"] != name:
        raise PluginError(f"{where}: {path} records recipe {record['recipe']!r}, not {name!r}")

    history: dict[str, list[float]] = record.get("history") or {}
    metrics: dict[str, Any] = record.get("metrics") or {}
    data: dict[str, Any] = record.get("data") or {}
    out: list[str] = []

    if data.get("source") == "sample":
        dataset = DATASETS.get(data.get("dataset", ""), data.get("dataset", "the dataset"))
        out += [
            '!!! warning "Offline sample data"',
            f"    These numbers come from the cookbook's offline look-alike of {dataset}, not "
            "from the real dataset, so they say the code works, not how well the network "
            f"does on the real data. `cookbook figures {name} --data keras` redoes them with "
            "the real one.",
            "",
        ]

    out += ['<div class="cookbook-results" markdown>', ""]
    if metrics:
        out += ["| Metric | Value | Measured on |", "|---|--:|---|"]
        for key, value in metrics.items():
            last = not history.get(key) or history[key][-1] == value
            meaning = _metric_meaning(key, history, last)
            out.append(f"| `{_cell(key)}` | {_number(value)} | {meaning} |")
        out.append("")

    out += ["| Run | |", "|---|---|"]
    out.append(f"| Data | {_data_text(data)} |")
    if data.get("train") is not None or data.get("test") is not None:
        out.append(f"| Rows | {_rows_text(data)} |")
    for key, value in data.items():
        if key not in DATA_KEYS:
            out.append(f"| {_cell(key).replace('_', ' ').capitalize()} | {_value_text(value)} |")
    out.append(f"| Seed | {_cell(record['seed'])} |")
    epochs = record.get("epochs") or 0
    out.append(f"| Epochs run | {epochs if epochs else 'none (no training)'} |")
    if record.get("wall_time_s") is not None:
        out.append(f"| Wall time | {_number(record['wall_time_s'], digits=1)} s |")
    out.append(f"| Versions | {_versions_text(record.get('versions') or {})} |")
    out.append("")

    details = record.get("details") or {}
    tables = []
    if details:
        scalar_rows = []
        for key, value in details.items():
            if _is_table(value):
                tables.append((key, value))
            else:
                scalar_rows.append(f"| `{_cell(key)}` | {_value_text(value)} |")
        if scalar_rows:
            out += ["| Details | |", "|---|---|", *scalar_rows, ""]
    for key, rows in tables:
        out += [f"**`{_cell(key)}`**", "", *_dict_rows_table(rows), ""]

    out += ["</div>", ""]

    if history and max((len(v) for v in history.values()), default=0) > 0:
        keys = list(history)
        length = max(len(v) for v in history.values())
        out += ['??? note "Every epoch, as recorded"', ""]
        out.append("    | Epoch | " + " | ".join(f"`{_cell(k)}`" for k in keys) + " |")
        out.append("    |--:|" + "--:|" * len(keys))
        for epoch in range(length):
            cells = [_number(history[k][epoch]) if epoch < len(history[k]) else "" for k in keys]
            out.append(f"    | {epoch + 1} | " + " | ".join(cells) + " |")
        out.append("")

    return "\n".join(out)


def table_markdown(name: str, where: str) -> str:
    """A generic ``{"columns": [...], "rows": [[...]]}`` record as a Markdown table."""
    record = load_record(name, where)
    columns, rows = record.get("columns"), record.get("rows")
    if not isinstance(columns, list) or not isinstance(rows, list):
        raise PluginError(f"{where}: {name}.json needs a 'columns' list and a 'rows' list")
    out = []
    if record.get("caption"):
        out += [_cell(record["caption"]), ""]
    out.append("| " + " | ".join(_cell(c) for c in columns) + " |")
    out.append("|" + "---|" * len(columns))
    for row in rows:
        # The record's numbers are already rounded as meant to be read: show them as they are.
        cells = (f"{v:g}" if isinstance(v, float) else _value_text(v) for v in row)
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    if record.get("machine"):
        out += [f"Measured on: {_cell(record['machine'])}.", ""]
    if record.get("versions"):
        out += [f"Versions: {_versions_text(record['versions'])}.", ""]
    for label, value in (record.get("commands") or {}).items():
        out.append(f"- {_cell(label)}: **{_value_text(value)}**")
    return "\n".join(out)


def cli_help_markdown(command: str, where: str) -> str:
    """``cookbook COMMAND --help`` as a fenced text block."""
    try:
        from click.testing import CliRunner

        from cookbook.cli import main
    except ImportError as err:
        raise PluginError(f"{where}: cannot import the cookbook CLI: {err}") from err
    args = ["--help"] if command == "main" else [command, "--help"]
    result = CliRunner().invoke(main, args, prog_name="cookbook", terminal_width=100)
    if result.exit_code != 0:
        raise PluginError(
            f"{where}: `cookbook {' '.join(args)}` exited with {result.exit_code}: "
            f"{result.output.strip()}"
        )
    return "```text\n" + result.output.rstrip() + "\n```\n"


def source_markdown(target: str, where: str) -> str:
    """A fenced block embedding one top-level function or class by its line range."""
    import ast

    path_text, name = target.rsplit(":", 1)
    root = _config_dir or Path.cwd()
    path = root / path_text
    if not path.is_file():
        raise PluginError(f"{where}: {path_text} does not exist")
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in tree.body:
        if (
            isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and node.name == name
        ):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            return f'```python\n--8<-- "{path_text}:{first}:{node.end_lineno}"\n```\n'
    raise PluginError(f"{where}: no top-level function or class {name!r} in {path_text}")


# --- formatting --------------------------------------------------------------------------


def _cell(value: Any) -> str:
    """Text safe inside a Markdown table cell."""
    return html.escape(str(value), quote=False).replace("|", "\\|").replace("\n", " ")


def _number(value: Any, digits: int | None = None) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _cell(value)
    if isinstance(value, int):
        return f"{value:,}"
    if math.isnan(value) or math.isinf(value):
        return str(value)
    if digits is not None:
        return f"{value:,.{digits}f}"
    magnitude = abs(value)
    if magnitude == 0:
        return "0"
    if magnitude < 1e-3 or magnitude >= 1e6:
        return f"{value:.3e}"
    if magnitude < 10:
        return f"{value:.4f}"
    if magnitude < 1000:
        return f"{value:.2f}"
    return f"{value:,.1f}"


def _metric_meaning(key: str, history: dict[str, list[float]], last: bool) -> str:
    epoch = "last epoch" if last else "the epoch kept"
    if key.startswith("val_"):
        return f"test data, {epoch}"
    if key in history:
        return f"training data, {epoch}"
    if "cv" in key.split("_") or "fold" in key:
        return "cross-validation"
    return ""


def _data_text(data: dict[str, Any]) -> str:
    if not data:
        return "none (this recipe trains nothing)"
    dataset = data.get("dataset")
    text = DATASETS.get(dataset, f"`{_cell(dataset)}`" if dataset else "unnamed")
    source = data.get("source")
    if source:
        text += ", " + SOURCES.get(source, f"from `{_cell(source)}`")
    if data.get("size"):
        text += f" (size `{_cell(data['size'])}`)"
    return text


def _rows_text(data: dict[str, Any]) -> str:
    train, test = data.get("train"), data.get("test")
    if not test:
        return f"{_number(train)} (no separate test set)" if train is not None else "—"
    if train is None:
        return f"{_number(test)} test"
    return f"{_number(train)} training / {_number(test)} test"


def _versions_text(versions: dict[str, Any]) -> str:
    return " · ".join(
        f"{VERSION_NAMES.get(key, _cell(key))} {_cell(value)}" for key, value in versions.items()
    )


def _is_table(value: Any) -> bool:
    """A list of dicts (one row each) or a matrix (a list of equal-length lists)."""
    if not isinstance(value, list) or not value:
        return False
    if all(isinstance(item, dict) and item for item in value):
        return True
    return all(isinstance(item, list) and item for item in value) and (
        len({len(item) for item in value}) == 1
    )


def _value_text(value: Any, limit: int = 400, nested: bool = False) -> str:
    """One recorded value as table-cell text: numbers formatted, containers spelled out."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number(value)
    if isinstance(value, dict):
        text = ", ".join(f"{_cell(k)}: {_value_text(v, nested=True)}" for k, v in value.items())
        text = f"({text})" if nested else text
    elif isinstance(value, (list, tuple)):
        shown = [_value_text(v, nested=True) for v in value[:MAX_LIST]]
        if len(value) > MAX_LIST:
            shown.append(f"… ({len(value)} values in all, see the record)")
        text = ", ".join(shown)
        text = f"[{text}]" if nested else text
    elif value is None:
        text = "None" if nested else "—"
    else:
        text = _cell(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _dict_rows_table(rows: list[Any]) -> list[str]:
    if isinstance(rows[0], list):  # a matrix: number its rows and columns from 1
        width = len(rows[0])
        header = "| Row | " + " | ".join(f"column {j}" for j in range(1, width + 1)) + " |"
        out = [header, "|--:|" + "--:|" * width]
        for i, row in enumerate(rows, start=1):
            out.append(f"| {i} | " + " | ".join(_value_text(v) for v in row) + " |")
        return out
    keys: list[str] = []
    for row in rows:
        keys += [k for k in row if k not in keys]
    out = ["| " + " | ".join(f"`{_cell(k)}`" for k in keys) + " |", "|" + "---|" * len(keys)]
    for row in rows:
        out.append("| " + " | ".join(_value_text(row.get(k, "")) for k in keys) + " |")
    return out
