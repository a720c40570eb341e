"""Short summaries in the languages of the questionnaire (``site/summaries/<language>.yaml``).

The words are a translator's file per language; the figures are the data package's, the same the rest of the
site shows: per goal, each topic both main groups were asked about in its latest measurement, written in the
language's own number conventions (CLDR, through Babel: Persian digits in Farsi, "%14" in Turkish).
A topic the file has no name for is left out of that page, never shown in another language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import yaml
from babel import Locale
from babel.numbers import format_decimal, format_percent
from markupsafe import Markup

FOLDER = Path(__file__).resolve().parent.parent / "site" / "summaries"
PLACEHOLDER = re.compile(r"{(\w+)}")


TAG = re.compile(r"[a-z]{2,3}(-[A-Z]{2})?\Z")  # a BCP 47 language tag as the pages use them: fa, fa-AF
FILE = re.compile(r"[a-z]{2,3}\Z")


class SummaryError(Exception):
    """A translator's file the build cannot use; the message names the file and the key."""


@cache
def languages() -> dict[str, dict]:
    """Every summary's file, by its file name (``ar``, ``prs``, ...), Dutch first, then as the files sort.

    The language block goes into attributes and file names, so it is checked here: a tag such as ``fa-AF``,
    a direction, a script; the tag is then markup-safe (``Markup``) and never escaped as Markdown."""
    found = {}
    for path in sorted(FOLDER.glob("*.yaml")):
        if path.stem == "contact":
            continue
        words = yaml.safe_load(path.read_text(encoding="utf-8"))
        language = words.get("language") if isinstance(words, dict) else None
        usable = isinstance(language, dict) and TAG.match(str(language.get("tag"))) \
            and language.get("dir") in ("ltr", "rtl") and re.fullmatch(r"[a-z]{4}", str(language.get("script")))
        if not FILE.match(path.stem) or not usable:
            raise SummaryError(f"{path}: 'language' needs a tag such as fa-AF, dir ltr or rtl and a script such as "
                               "arab, and the file a name of two or three letters")
        language["tag"] = Markup(language["tag"])
        found[path.stem] = words
    return dict(sorted(found.items(), key=lambda item: (item[0] != "nl", item[0] != "en", item[0])))


@cache
def contact() -> dict:
    return yaml.safe_load((FOLDER / "contact.yaml").read_text(encoding="utf-8"))


def checked(words: dict) -> bool:
    """Whether a translator has checked this language's file (both fields filled)."""
    translation = words.get("translation") or {}
    return bool(translation.get("checked_by")) and bool(translation.get("checked_on"))


def path(file: str) -> str:
    from .pages import summary_path

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
