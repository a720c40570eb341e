"""The translators' summaries (``site/summaries/``), checked like data before anything is made from them.

Each file must hold every key of the Dutch source, each text a one-line string with exactly the
placeholders the page fills in, no character that turns text around or hides and no shortcode (Quarto runs
them even in a page's title); the language block names a tag, a direction and a script; ``checked_on`` is a
date. ``contact.yaml`` holds a phone number and a web address. A problem names the file and the key.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

from pipeline.errors import SummaryError
from pipeline.model import summaries
from pipeline.text import checks
from pipeline.validation.problems import message

TAG = re.compile(r"[a-z]{2,3}(-[A-Z]{2})?\Z")  # a BCP 47 language tag as the pages use them: fa, fa-AF
FILE = re.compile(r"[a-z]{2,3}\Z")


# What a summary file holds: these texts, each a one-line string, with exactly these {placeholders} ...
TEXTS = {key: frozenset() for key in (
    "title", "description", "unchecked", "unchecked_nl", "skip", "languages_label", "why_title", "why",
    "figures_title", "figures_intro", "unknown_size", "next_title", "next", "contact_title", "more_title", "more",
    "more_nl", "more_en", "other_languages")} | {"measured": frozenset({"year"}),
                                                "contact": frozenset({"phone", "website"}),
                                                "footer": frozenset({"date"})}


# ... and these blocks: the language (checked apart), the translation's record, and names by id.
BLOCKS = {"language": ("tag", "file", "name", "dir", "script"), "translation": ("by", "checked_by", "checked_on")}


NAMES = ("groups", "goals", "indicators")


CONTACT = ("phone", "website")


def _text_problem(key: str, value: object, places: frozenset[str] = frozenset(), required: bool = True) -> str | None:
    """Why ``value`` cannot stand in a page as the text of ``key``, or None: a one-line text with no character
    that turns text around or hides, no shortcode, and exactly the placeholders the page fills in."""
    if not isinstance(value, str):
        return f"must be a text in quotes, not {type(value).__name__}"
    if required and not value.strip():
        return "is empty; write the text (nl.yaml has it in Dutch)"
    found = checks.text_problem("summary", value)
    if found:
        return message(found)
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
    if checked_on and not (checks.iso_date(checked_on)):
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


def check_contact(path: Path, found: dict) -> None:
    if set(found) != set(CONTACT):
        raise SummaryError(f"{path}: needs exactly {', '.join(CONTACT)}")
    for key in CONTACT:
        why = _text_problem(key, found[key])
        if why:
            raise SummaryError(f"{path}: {key!r} {why}")
    if not checks.web_address(found["website"]):
        raise SummaryError(f"{path}: 'website' must be a web address starting with https://")


def check_all() -> None:
    """Every summary file and the contact, or ``SummaryError`` for the first problem, naming file and key."""
    for path in summaries.files():
        check(path, summaries.read(path))
    contact = summaries.FOLDER / summaries.CONTACT
    check_contact(contact, summaries.read(contact))
