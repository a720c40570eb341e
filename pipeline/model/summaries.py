"""Short summaries in the languages of the questionnaire (``site/summaries/<language>.yaml``).

The words are a translator's file per language; the figures are the data package's, the same the rest of the
site shows: per goal, each topic both main groups were asked about in its latest measurement, written in the
language's own number conventions (CLDR, through Babel: Persian digits in Farsi, "%14" in Turkish).
A topic the file has no name for is left out of that page, never shown in another language.
"""

from __future__ import annotations

import datetime
import re
import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import yaml
from babel import Locale
from babel.numbers import format_decimal, format_percent
from markupsafe import Markup

from pipeline.errors import SummaryError
from pipeline.model.package import WEB_ADDRESS
from pipeline.paths import SUMMARIES
from pipeline.validation.cells import text_problem

FOLDER = SUMMARIES


TAG = re.compile(r"[a-z]{2,3}(-[A-Z]{2})?\Z")  # a BCP 47 language tag as the pages use them: fa, fa-AF
FILE = re.compile(r"[a-z]{2,3}\Z")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
# What a summary file holds: these texts, each a one-line string, with exactly these {placeholders} ...
TEXTS = {key: frozenset() for key in (
    "title", "description", "unchecked", "unchecked_nl", "skip", "languages_label", "why_title", "why",
    "figures_title", "figures_intro", "unknown_size", "next_title", "next", "contact_title", "more_title", "more",
    "more_nl", "more_en", "other_languages")} | {"measured": frozenset({"year"}),
                                                "contact": frozenset({"phone", "website"})}
# ... and these blocks: the language (checked apart), the translation's record, and names by id.
BLOCKS = {"language": ("tag", "file", "name", "dir", "script"), "translation": ("by", "checked_by", "checked_on")}
NAMES = ("groups", "goals", "indicators")
CONTACT = ("phone", "website")


class _NoAliases(yaml.SafeLoader):
    """YAML without anchors and aliases: nine nested aliases in a kilobyte expand to a billion items."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise SummaryError(f"line {event.start_mark.line + 1}: an alias (*{event.anchor}) repeats another "
                               "part of the file; write the text out in full")
        return super().compose_node(parent, index)


def _read(path: Path) -> dict:
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


def _text_problem(key: str, value: object, places: frozenset[str] = frozenset(), required: bool = True) -> str | None:
    """Why ``value`` cannot stand in a page as the text of ``key``, or None: a one-line text with no character
    that turns text around or hides, no shortcode, and exactly the placeholders the page fills in."""
    if not isinstance(value, str):
        return f"must be a text in quotes, not {type(value).__name__}"
    if required and not value.strip():
        return "is empty; write the text (nl.yaml has it in Dutch)"
    found = text_problem("summary", value)
    if found:
        return found[1]
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(value)
                  if name is not None]
    except ValueError:
        return "has a { or } that is not part of a placeholder such as {year}"
    named = {name for name, _, _ in fields}
    if named != places or any(spec or conversion for _, spec, conversion in fields):
        expected = ", ".join(f"{{{p}}}" for p in sorted(places)) or "no placeholder"
        return f"must hold exactly {expected}, written as in nl.yaml"
    return None


def check(path: Path, words: dict) -> None:
    """Every key of a summary file, as ``SummaryError`` naming the file and key: what the file must hold."""
    def fail(key: str, why: str) -> None:
        raise SummaryError(f"{path}: {key!r} {why}")

    for key, places in TEXTS.items():
        if key not in words:
            fail(key, "is missing; copy it from nl.yaml and translate it")
        why = _text_problem(key, words[key], places)
        if why:
            fail(key, why)
    for block, keys in BLOCKS.items():
        values = words.get(block)
        if not isinstance(values, dict) or set(values) != set(keys):
            fail(block, f"needs exactly {', '.join(keys)}, as in nl.yaml")
        for key in keys:
            why = _text_problem(f"{block}.{key}", values[key], required=block == "language" or key == "by")
            if why:
                fail(f"{block}.{key}", why)
    checked_on = words["translation"]["checked_on"]
    if checked_on and not (DATE.match(checked_on) and _real_date(checked_on)):
        fail("translation.checked_on", f"must be the date of the check as YYYY-MM-DD, such as 2026-12-06, not "
                                       f"{checked_on!r}")
    if bool(checked_on) != bool(words["translation"]["checked_by"]):
        fail("translation", "needs both checked_by (who checked the translation) and checked_on (when), or neither")
    for block in NAMES:
        names = words.get(block)
        if not isinstance(names, dict):
            fail(block, "must list a name per id, as in nl.yaml")
        for ident, name in names.items():
            why = _text_problem(f"{block}.{ident}", name)
            if why:
                fail(f"{block}.{ident}", why)
    known = set(TEXTS) | set(BLOCKS) | set(NAMES)
    for key in words:
        if key not in known:
            fail(str(key), "is not a key of a summary file; compare the file with nl.yaml")
    language = words["language"]
    usable = TAG.match(str(language["tag"])) and language["dir"] in ("ltr", "rtl") \
        and re.fullmatch(r"[a-z]{4}", str(language["script"]))
    if not FILE.match(path.stem) or not usable:
        fail("language", "needs a tag such as fa-AF, dir ltr or rtl and a script such as arab, and the file a "
                         "name of two or three letters")


def _real_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


@cache
def languages() -> dict[str, dict]:
    """Every summary's file, by its file name (``ar``, ``prs``, ...), Dutch first, then as the files sort, each
    checked (``check``). The language tag goes into attributes and file names; it is then markup-safe
    (``Markup``) and never escaped as Markdown."""
    found = {}
    for path in sorted(FOLDER.glob("*.yaml")):
        if path.stem == "contact":
            continue
        words = _read(path)
        check(path, words)
        words["language"]["tag"] = Markup(words["language"]["tag"])
        found[path.stem] = words
    return dict(sorted(found.items(), key=lambda item: (item[0] != "nl", item[0] != "en", item[0])))


@cache
def contact() -> dict:
    """How to reach the municipality (``contact.yaml``): a phone number and a web address."""
    path = FOLDER / "contact.yaml"
    found = _read(path)
    if set(found) != set(CONTACT):
        raise SummaryError(f"{path}: needs exactly {', '.join(CONTACT)}")
    for key in CONTACT:
        why = _text_problem(key, found[key])
        if why:
            raise SummaryError(f"{path}: {key!r} {why}")
    if not WEB_ADDRESS.match(found["website"]):
        raise SummaryError(f"{path}: 'website' must be a web address starting with https://")
    return found


def checked(words: dict) -> bool:
    """Whether a translator has checked this language's file (both fields filled)."""
    translation = words.get("translation") or {}
    return bool(translation.get("checked_by")) and bool(translation.get("checked_on"))


def path(file: str) -> str:
    from pipeline.model.addresses import summary_path

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
