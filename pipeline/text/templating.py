"""The two kinds of template the monitor writes, each escaping every value for its own context.

- HTML (``html_environment``): embeds and the pieces of a page Markdown cannot express (a chart, a data
  table with scoped headers); every value is HTML-escaped, braces included (``escape.html``).
- Markdown (``markdown_environment``): the ``.qmd`` page sources that Quarto, and the preview, render;
  every value is Markdown-escaped (``escape.markdown``), so data is always text, never markup, a link or
  a list. HTML made by the first kind enters the second only through ``html(...)``, as a raw HTML block.

A value that is already markup (``Markup``: a macro's output, a writer's Markdown page, a rendered block)
passes through; everything else is escaped, so no template can forget to.
"""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from pipeline.text import escape

_COMMON = {"trim_blocks": True, "lstrip_blocks": True, "keep_trailing_newline": True}


_FIGURE = r"[<>≈±+−-]?\s*\d[\d.,\u00a0]*"
_NUMBER = re.compile(rf"{_FIGURE}(\s?[–-]\s?{_FIGURE})?(%|\u00a0?[kM]B)?( \*)?")  # 14%, 10–18%, 3.064, 20 kB
_NO_VALUE = {"", "–", "—", "-"}


def numeric_columns(rows: list[list]) -> set[int]:
    """The columns of a table that hold numbers (right-aligned, figures under figures): every cell a number
    or a dash, at least one a number. A column of words reads from the left, whatever its place."""
    numbers: set[int] = set()
    words: set[int] = set()
    for row in rows:
        for index, cell in enumerate(row):
            text = str(cell.get("text", "") if isinstance(cell, dict) else cell).strip()
            if text not in _NO_VALUE:
                (numbers if _NUMBER.fullmatch(text) else words).add(index)
    return numbers - words - {0}  # the first column names the row


def html_environment(folder: Path) -> Environment:
    """Templates of HTML in ``folder`` (a stage keeps its templates beside its code)."""
    env = Environment(loader=FileSystemLoader(folder), autoescape=True, finalize=escape.html, **_COMMON)
    env.filters["numeric_columns"] = numeric_columns
    return env


def _markdown_value(value: object) -> Markup:
    return value if isinstance(value, Markup) else Markup(escape.markdown(value))


def raw_html(markup: Markup) -> Markup:
    """A raw HTML block for Pandoc (and the preview): generated HTML, fenced so Markdown leaves it alone."""
    body = str(markup).strip()
    fence = escape.fence(body)
    return Markup(f"{fence}{{=html}}\n{body}\n{fence}\n")


def markdown_environment(folder: Path) -> Environment:
    """Templates of Markdown in ``folder``; ``html(name, ...)`` places a macro of its ``components.html`` as a raw
    HTML block."""
    # Pandoc writes a heading's id as {#id}, Jinja a comment as {# #}: Markdown templates comment with {## ##}.
    env = Environment(loader=FileSystemLoader(folder), autoescape=True, finalize=_markdown_value,
                      comment_start_string="{##", comment_end_string="##}", **_COMMON)
    components = html_environment(folder).get_template("components.html").module
    env.globals["html"] = lambda name, *args: raw_html(getattr(components, name)(*args))
    env.filters["url"] = lambda url: Markup(escape.markdown_url(url))
    return env
