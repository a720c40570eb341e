"""Short summaries in the languages of the questionnaire (``site/summaries/<language>.yaml``).

The words are a translator's file per language; the figures are the data package's, the same the rest of the
site shows: per goal, each topic both main groups were asked about in its latest measurement, written in the
language's own number conventions (CLDR, through Babel: Persian digits in Farsi, "%14" in Turkish).
A topic the file has no name for is left out of that page, never shown in another language.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import yaml
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from markupsafe import Markup

from pipeline.errors import SummaryError
from pipeline.model.addresses import summary_path
from pipeline.paths import SUMMARIES

FOLDER = SUMMARIES
CONTACT = "contact.yaml"  # how to reach the municipality, beside the summaries


class _NoAliases(yaml.SafeLoader):
    """YAML without anchors and aliases: nine nested aliases in a kilobyte expand to a billion items."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise SummaryError(f"line {event.start_mark.line + 1}: an alias (*{event.anchor}) repeats another "
                               "part of the file; write the text out in full")
        return super().compose_node(parent, index)


def files() -> list[Path]:
    """The summaries' files, one per language (``contact.yaml`` is the contact, not a summary)."""
    return [path for path in sorted(FOLDER.glob("*.yaml")) if path.name != CONTACT]


def read(path: Path) -> dict:
    """A summary file as a mapping, or ``SummaryError`` naming the file (and line) of what is wrong."""
    try:
        words = yaml.load(path.read_text(encoding="utf-8"), Loader=_NoAliases)
    except SummaryError as exc:
        raise SummaryError(f"{path}, {exc}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SummaryError(f"{path}: not readable as YAML in UTF-8 ({exc}); compare it with nl.yaml") from None
    if not isinstance(words, dict):
        raise SummaryError(f"{path}: must be a list of keys with their texts, as nl.yaml is")
    return words


@cache
def languages() -> dict[str, dict]:
    """Every summary's file, by its file name (``ar``, ``prs``, ...), Dutch first, then as the files sort.

    Read as written: validation checks them first (``validation.summaries``). The language tag goes into
    attributes and file names; once checked it is markup-safe (``Markup``), never escaped as Markdown."""
    found = {}
    for path in files():
        words = read(path)
        if isinstance(words.get("language"), dict) and isinstance(words["language"].get("tag"), str):
            words["language"]["tag"] = Markup(words["language"]["tag"])
        found[path.stem] = words
    return dict(sorted(found.items(), key=lambda item: (item[0] != "nl", item[0] != "en", item[0])))


@cache
def contact() -> dict:
    """How to reach the municipality (``contact.yaml``): a phone number and a web address."""
    return read(FOLDER / CONTACT)


def checked(words: dict) -> bool:
    """Whether a translator has checked this language's file (both fields filled)."""
    translation = words.get("translation") or {}
    return bool(translation.get("checked_by")) and bool(translation.get("checked_on"))


def path(file: str) -> str:
    return summary_path(file)


# CLDR's decimal digits of the numbering systems a summary's language may use by default; Babel formats
# with its symbols (decimal sign, percent sign and its place) but always writes ASCII digits.
DIGITS = {"arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹"}


def _written(text: str, locale: Locale) -> str:
    system = locale.default_numbering_system
    digits = DIGITS.get(system)
    return text.translate(str.maketrans("0123456789", digits)) if digits else text


def percent(value: float, tag: str) -> str:
    """A share in the language's own way of writing it: its digits, its signs, the sign's place."""
    locale = Locale.parse(tag, sep="-")
    text = format_percent(value / 100, locale=locale, numbering_system="default", decimal_quantization=False)
    system = locale.default_numbering_system
    if system in DIGITS:  # Babel keeps the ASCII sign there too
        text = text.replace("%", locale.number_symbols[system]["percentSign"])
    return _written(text, locale)


def date(value: datetime.date, tag: str) -> str:
    """A day as the language writes it in running text (CLDR's long form), in its digits."""
    locale = Locale.parse(tag, sep="-")
    return _written(format_date(value, format="long", locale=locale), locale)


def year(value: int, tag: str) -> str:
    locale = Locale.parse(tag, sep="-")
    return _written(format_decimal(value, format="0", locale=locale, numbering_system="default"), locale)


@dataclass(frozen=True)
class Topic:
    indicator_id: str
    edition: int
    groups: tuple[tuple[str, float], ...]  # (group_id, value) for each main group, in the groups' order
    counts_known: bool


def topics(table: pd.DataFrame, goal_id: str) -> list[Topic]:
    """The goal's topics with a figure for both main groups in their latest measurement (the table's
    ``compared`` rows), in the catalogue's order."""
    rows = table[table["compared"] & (table["goal_id"] == goal_id)]
    found = []
    for indicator_id, figures in rows.groupby("indicator_id", sort=False):
        found.append(Topic(indicator_id, int(figures["edition"].iloc[0]),
                           tuple((g, float(v)) for g, v in zip(figures["group_id"], figures["value"], strict=True)),
                           bool(figures["n"].notna().all())))
    return found
