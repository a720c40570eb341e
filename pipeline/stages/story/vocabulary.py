"""The vocabulary of a sentence, and the findings made of it.

A finding (``Fact``) is a list of sentences (``Part``): each a template key and the plain values it places. Each
kind of value knows how it is written in a language (``write``); a template (``words/<lang>/story.yaml``)
places them by name. A new kind of sentence is new words in the templates and, only when no kind here fits its
values, one more small class. A plain ``int`` (a year) is written as it is, never with a thousands separator.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

import yaml

from pipeline.model.catalogue import Catalogue
from pipeline.words import i18n

WORDS = Path(__file__).resolve().parent.parent.parent / "words"


@cache
def templates(lang: str) -> dict:
    return yaml.safe_load((WORDS / lang / "story.yaml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Figure:
    """A published figure in its unit: "45,5%", "26,5 maanden"."""

    value: float
    unit: str

    def write(self, words: Writer) -> str:
        return i18n.value(self.value, self.unit, words.lang)


@dataclass(frozen=True)
class Gap:
    """The size of a difference: percentage points for percentages, else the unit's own value."""

    value: float
    unit: str

    def write(self, words: Writer) -> str:
        if self.unit == "percent":
            return i18n.points(self.value, words.lang)
        return i18n.value(abs(self.value), self.unit, words.lang)


@dataclass(frozen=True)
class Count:
    """A number of people or topics, with the language's thousands separator."""

    n: int

    def write(self, words: Writer) -> str:
        return i18n.number(self.n, words.lang)


@dataclass(frozen=True)
class Group:
    """A group as a sentence names it (``phrase_<lang>`` in groups.csv)."""

    group_id: str

    def write(self, words: Writer) -> str:
        return words.groups.at[self.group_id, f"phrase_{words.lang}"]


@dataclass(frozen=True)
class Topic:
    """An indicator's title, as written in the catalogue."""

    indicator_id: str

    def write(self, words: Writer) -> str:
        return words.indicators.at[self.indicator_id, f"title_{words.lang}"]


@dataclass(frozen=True)
class Topics:
    """Indicators' titles as a list ("a, b and c"); ``lower``: inside a sentence, first words in lower case;
    ``years``: each topic's measurement, where a list spans several ("betaald werk (2025)")."""

    indicator_ids: tuple[str, ...]
    lower: bool = True
    years: tuple[int, ...] = ()

    def write(self, words: Writer) -> str:
        names = [words.indicators.at[i, f"title_{words.lang}"] for i in self.indicator_ids]
        if self.lower:  # "betaald werk", "(zeer) goede gezondheid"; "Nederlands" stays
            names = [i18n.in_sentence(n) for n in names]
        if self.years:
            names = [f"{name} ({year})" for name, year in zip(names, self.years, strict=True)]
        if len(names) == 1:
            return names[0]
        return ", ".join(names[:-1]) + f" {words.words['words']['list_and']} " + names[-1]


class StatementText(str):
    """An indicator's statement (indicators.csv, starting with its verb), with its two halves for templates
    that put the group between them: ``{statement.verb}`` and ``{statement.rest}``."""

    @property
    def verb(self) -> str:
        return self.partition(" ")[0]

    @property
    def rest(self) -> str:
        return self.partition(" ")[2]


@dataclass(frozen=True)
class Statement:
    """What an indicator's figure says of a group ("have paid work")."""

    indicator_id: str

    def write(self, words: Writer) -> StatementText:
        return StatementText(words.indicators.at[self.indicator_id, f"statement_{words.lang}"])


@dataclass(frozen=True)
class BaseNote:
    """What the report leaves unsaid about whom an indicator's percentage is about (indicators.csv)."""

    indicator_id: str

    def write(self, words: Writer) -> str:
        return words.indicators.at[self.indicator_id, f"base_note_{words.lang}"]


@dataclass(frozen=True)
class Edition:
    """A measurement: "the 2024 measurement (fieldwork in October 2023)", where the fieldwork is known."""

    edition: int

    def write(self, words: Writer) -> str:
        editions = words.editions
        fieldwork = editions.at[self.edition, f"fieldwork_{words.lang}"] if self.edition in editions.index else ""
        key = "edition_fieldwork" if fieldwork else "edition_plain"
        return words.words["words"][key].format(edition=self.edition, fieldwork=fieldwork)


@dataclass(frozen=True)
class Word:
    """A word the templates define (``words:`` in ``story/<lang>.yaml``): "favourable", "more"."""

    key: str

    def write(self, words: Writer) -> str:
        return words.words["words"][self.key]


@dataclass(frozen=True)
class Day:
    """A reference date, as a person writes it: "1 januari 2025", "1 January 2025"."""

    iso: str

    def write(self, words: Writer) -> str:

        return i18n.iso_date(self.iso, words.lang)


Value = Figure | Gap | Count | Group | Topic | Topics | Statement | Edition | Word | Day | int


@dataclass(frozen=True)
class Ref:
    """A figure a finding speaks of: one row of the indicator table."""

    indicator_id: str
    edition: int
    group_id: str


@dataclass(frozen=True)
class CountedRef:
    """A counted figure a finding speaks of: one row of the counted table (``counted.build_table``)."""

    indicator_id: str
    cohort: int
    reference_date: str
    group_id: str


@dataclass
class Part:
    """One sentence: a template key and the values it places."""

    key: str
    values: dict[str, Value] = field(default_factory=dict)


@dataclass
class Fact:
    scope: str  # indicator, goal, home or comparison
    scope_id: str | None
    kind: str
    parts: list[Part]
    refs: list[Ref | CountedRef]
    weight: float = 0.0


class Writer:
    """Writes facts in one language, with the catalogue's own labels."""

    def __init__(self, catalogue: Catalogue, lang: str):
        self.lang = lang
        self.words = templates(lang)
        self.indicators, self.groups, self.editions = catalogue.indicators, catalogue.groups, catalogue.editions

    def part(self, part: Part) -> str:
        values = {name: value if isinstance(value, int) else value.write(self) for name, value in part.values.items()}
        return self.words[part.key].format(**values)

    def finding(self, fact: Fact, said_once: frozenset[str] = frozenset()) -> dict:
        """The fact as text; where it has sentences in ``said_once``, also as ``brief``: without them, for a
        document that says them once at its start (the council PDF), where each page of the site says them."""
        found = {
            "scope": fact.scope,
            "id": fact.scope_id,
            "kind": fact.kind,
            "text": " ".join(self.part(p) for p in fact.parts),
            "refs": [asdict(r) for r in fact.refs],
        }
        if any(p.key in said_once for p in fact.parts):
            found["brief"] = " ".join(self.part(p) for p in fact.parts if p.key not in said_once)
        return found
