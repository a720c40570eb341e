"""What a text from a person's file may not hold before it can be published, whatever the file.

Frictionless reads a NUL byte as text, Excel's Alt+Enter puts a line break into an id, a direction control
turns the words around a title, Quarto runs a shortcode wherever it finds one: every text a page, a download or
a PDF shows is checked here first, by the data's validation, the translators' summaries and the release
summaries alike. A check gives the problem's code (its words are in ``validation/problems.yaml``).
"""

from __future__ import annotations

import datetime
import re

CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
# Characters that change the direction of the text around them (and so could turn the site's own words
# around a title), and line and paragraph separators.
FORMAT = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufff9-\ufffb]")
SURROGATE = re.compile("[\ud800-\udfff]")  # half of a character: no file can store it
# Characters beyond the first 65,536 (emoji, rare Chinese characters): Vega shortens a long label by halves of
# such characters and the chart cannot be drawn; the PDF's fonts have none of them either.
BEYOND_BMP = re.compile("[\U00010000-\U0010ffff]")
# Invisible characters that make two equal-looking ids or titles differ; the joiners (U+200C, U+200D) that
# Persian and Arabic script need are allowed in texts, not in ids.
ZERO_WIDTH = re.compile("[\u200b\u2060\ufeff\u00ad]")
# Quarto evaluates shortcodes in page sources and metadata, whatever the escaping (see escape.py).
SHORTCODE = re.compile(r"\{\{\s*[<%]|[>%]\s*\}\}")
# Texts that may run over several lines, and names whose ends must be clean (they identify a row).
MULTILINE = ("note_", "method_notes_", "description_", "definition_", "statement_")
TRIMMED = ("_id", "label_", "title_", "phrase_")
# A web address whose host every parser reads alike (Python's and a browser's WHATWG rules): a plain host
# name or IPv4 address, no user name or password before it, no backslash anywhere.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
WEB_ADDRESS = re.compile(rf"https?://{_LABEL}(?:\.{_LABEL})*(?::[0-9]{{1,5}})?(?:[/?#][^\s<>\"'`\\]*)?\Z")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")  # Python and frictionless also read 2024-1-1 and 2026W481


def text_problem(name: str, text: str) -> str | None:
    """The code of the first reason ``text`` (in the field or key ``name``) cannot be published as it is."""
    identifying = name.endswith("_id") or name.startswith(TRIMMED)
    for code, found in (("control-character", "\x00" in text or CONTROL.search(text)),
                        ("broken-character", SURROGATE.search(text)), ("direction-character", FORMAT.search(text)),
                        ("rare-character", BEYOND_BMP.search(text)),
                        ("invisible-character", ZERO_WIDTH.search(text) and identifying),
                        ("line-break", "\n" in text and not name.startswith(MULTILINE)),
                        ("stray-space", text != text.strip() and identifying),
                        ("shortcode", SHORTCODE.search(text))):
        if found:
            return code
    return None


def web_address(value: object) -> bool:
    return isinstance(value, str) and WEB_ADDRESS.match(value) is not None


def iso_date(value: object) -> bool:
    """A real date written YYYY-MM-DD."""
    if not isinstance(value, str) or not DATE.match(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True
