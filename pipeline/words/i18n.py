"""Words and number formats per language: Dutch first, English second.

Numbers are formatted here and nowhere else, so a chart label, a sentence and a table cell always show
the same figure the same way: Dutch "45,5%" and "1.234", English "45.5%" and "1,234".
"""

from __future__ import annotations

import datetime
import math
from functools import cache
from pathlib import Path

import yaml

FOLDER = Path(__file__).parent  # words/: languages.yaml, and per language a folder of its words
SETTINGS: dict[str, dict[str, str]] = yaml.safe_load((FOLDER / "languages.yaml").read_text(encoding="utf-8"))
LANGUAGES = tuple(SETTINGS)


def other(lang: str) -> str:
    """The language a page's switcher points to: the next one in the list."""
    return LANGUAGES[(LANGUAGES.index(lang) + 1) % len(LANGUAGES)]


def descriptor(item: dict, key: str, lang: str, default: str = "") -> str:
    """A text of ``datapackage.json`` in a language: ``title_nl`` for Dutch, ``title`` for English."""
    return item.get(key + SETTINGS[lang]["descriptor_suffix"], default)


@cache
def words(lang: str) -> dict[str, str]:
    return yaml.safe_load((FOLDER / lang / "site.yaml").read_text(encoding="utf-8"))


@cache
def dictionary(lang: str) -> dict[str, dict[str, str]]:
    """The indicator table's columns in a language: a label and a description each (``<lang>/dictionary.yaml``)."""
    return yaml.safe_load((FOLDER / lang / "dictionary.yaml").read_text(encoding="utf-8"))


def t(lang: str, key: str, **values: object) -> str:
    return words(lang)[key].format(**values)


def number(value: float, lang: str, decimals: int | None = None) -> str:
    """A number with the language's separators; whole numbers without decimals unless asked."""
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    settings = SETTINGS[lang]
    return f"{value:,.{decimals}f}".translate(str.maketrans({",": settings["thousands"], ".": settings["decimal"]}))


def percent(value: float, lang: str) -> str:
    return f"{number(value, lang)}%"


def points(value: float, lang: str) -> str:
    """A difference in percentage points, always positive: the sentence says the direction in words."""
    size = number(abs(value), lang)
    if lang == "nl":
        return f"{size} procentpunt"
    return f"{size} percentage point" + ("" if math.isclose(abs(value), 1) else "s")


def value(value: float, unit: str, lang: str) -> str:
    if unit == "percent":
        return percent(value, lang)
    return f"{number(value, lang)} {words(lang)[unit]}"


def field(row, name: str, lang: str) -> str:
    """The ``<name>_<lang>`` column of a catalogue row."""
    return row[f"{name}_{lang}"]


def date(day: datetime.date, lang: str) -> str:
    """A date as a person writes it: "28 november 2026", "28 November 2026"."""
    return f"{day.day} {words(lang)['month_names'].split()[day.month - 1]} {day.year}"


def iso_date(text: str, lang: str) -> str:
    """A date written as the package writes it (``2025-01-01``), as a person writes it."""
    return date(datetime.date.fromisoformat(text), lang)


def in_sentence(title: str) -> str:
    """A title inside a sentence: its first word in lower case, unless it is a name (Nederlands, Utrecht) or
    an abbreviation ("betaald werk", "(zeer) goede gezondheid", "Nederlands leren")."""
    for position, char in enumerate(title):
        if char.isalpha():
            word = title[position:].split(" ")[0]
            if word.rstrip(",.") in {"Nederlands", "Utrecht", "Dutch", "English"} or word[1:2].isupper():
                return title
            return title[:position] + char.lower() + title[position + 1:]
    return title
