"""Escaping by context: every text from the data package is hostile until it is written as plain text.

Each output format gets one function here, so that no module escapes by hand:
- ``markdown``: text that Pandoc (and the preview's CommonMark) read as Markdown: page sources;
  ``front_matter``: the same in a page's front matter; ``markdown_url``: a link's address in Markdown;
- ``html``: text and attribute values in generated HTML: tables, charts, the page frame and head tags (what
  Jinja's autoescape does, plus braces, so that Quarto finds no shortcode in a raw HTML block);
- ``fence``: a code fence longer than any run of backticks in the block it encloses;
- ``spreadsheet``: cells that Excel or LibreOffice would otherwise read as a formula.
"""

from __future__ import annotations

import re
import string
from urllib.parse import quote

from markupsafe import Markup
from markupsafe import escape as _html_escape

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
# Quarto evaluates {{< … >}} in raw HTML and in metadata; braces as entities keep them text.
_BRACES = str.maketrans({"{": "&#123;", "}": "&#125;"})
# OWASP, CSV injection: a cell starting with one of these is a formula to a spreadsheet.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def plain(text: object) -> str:
    """One line of text without control characters: what may stand in a title or a meta tag."""
    return " ".join(_CONTROL.sub(" ", str(text)).split())


def markdown(text: object) -> str:
    """Text that Pandoc's Markdown reader gives back verbatim: every ASCII punctuation mark escaped.

    Escaping quotes also switches off smart typography for them, so a title reads the same in the page,
    the search index and the downloads.
    """
    return _PUNCTUATION.sub(r"\\\1", plain(text))


# Quarto evaluates shortcodes in front matter even when every character is backslash-escaped or written as a
# character reference (tried on 1.6.40); it leaves one written with a third brace, {{{< … >}}}, as text.
_ESCAPED_SHORTCODE = re.compile(r"\\\{\\\{\\<(.*?)\\>\\\}\\\}")


def front_matter(text: object) -> str:
    """Text for a page's front matter (title, description): ``markdown``, and where a shortcode could still
    be read, Quarto's own escape for it. Validation refuses shortcodes in every text; this is the second lock."""
    return _ESCAPED_SHORTCODE.sub(lambda found: "{{{<" + found.group(1) + ">}}}", markdown(text))


def markdown_url(url: object) -> str:
    """A link target Markdown cannot misread: parentheses, spaces, quotes, brackets percent-encoded."""
    return quote(plain(url), safe="/:?#@!$&*+,;=%-._~")


def html(value: object) -> Markup:
    """HTML-escaped text (for text and quoted attribute values), with braces as character references.

    ``Markup`` passes through: it is markup the pipeline made from escaped parts (an SVG, a link).
    """
    if isinstance(value, Markup):
        return value
    return Markup(str(_html_escape(value)).translate(_BRACES))


def fence(body: str) -> str:
    """A backtick fence that ``body`` cannot close: one backtick longer than its longest run."""
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    return "`" * max(3, longest + 1)


def spreadsheet(value: object) -> object:
    """A text cell a spreadsheet shows as text, never runs: a leading formula character gets a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
