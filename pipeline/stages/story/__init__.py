"""Stage 5, story: findings in Dutch and English, generated from the indicator table.

Findings are first built as language-neutral facts (which template, which figures, which rows they come
from), then written out in each language from the templates in ``story/<lang>.yaml``: each value a template
places is one of a small vocabulary of plain values (``Figure``, ``Gap``, ``Group``, ``Topics``, ...) that
knows how it is written in a language. Both languages therefore hold exactly the same findings, and every
number in a sentence comes from the rows the finding refers to.

Rules from the design: whether a difference is more than chance is decided by one test (``stats``): with
respondent counts known, on the counts; without them, the sentence gives the size in percentage points,
says group sizes are not published, and from how many respondents per group the difference would be more
than chance (never fewer than the monitor's minimum group). Direction words follow the indicator's polarity.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from pipeline.engine.workers import Context, Workers
from pipeline.model.indicators import SHOWN
from pipeline.model.package import DataPackage
from pipeline.model.stats import clearly_different, respondents_needed
from pipeline.words import i18n

WORDS = Path(__file__).resolve().parent.parent.parent / "words"
HOME_FINDINGS = 5
# Parts that say whether a difference could be chance; the first on a page is followed by what that assumes.
STRENGTH_KEYS = {"pattern_strong", "pattern_strong_none", "pattern_known", "pattern_known_none", "pattern_depends",
                 "pattern_depends_all"}
CHANCE_KEYS = STRENGTH_KEYS | {"bound", "bound_min", "trend_bound", "trend_bound_min", "gap_clear", "gap_unclear",
                               "trend_clear", "trend_unclear", "comparison_caveat", "comparison_strong",
                               "comparison_depends", "comparison_clear", "comparison_unclear"}


@cache
def templates(lang: str) -> dict:
    return yaml.safe_load((WORDS / lang / "story.yaml").read_text(encoding="utf-8"))


# The vocabulary of a sentence. A finding's parts hold plain values of these kinds, and each kind knows how it
# is written in a language (``write``); a template (``story/<lang>.yaml``) places them by name. A new kind of
# sentence is new words in the templates and, only when no kind here fits its values, one more small class.
# A plain ``int`` (a year) is written as it is, never with a thousands separator.


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

    def __init__(self, pkg: DataPackage, lang: str):
        self.lang = lang
        self.words = templates(lang)
        self.indicators = pkg["indicators"].set_index("indicator_id")
        self.groups = pkg["groups"].set_index("group_id")
        self.editions = pkg["editions"].set_index("edition")

    def part(self, part: Part) -> str:
        values = {name: value if isinstance(value, int) else value.write(self) for name, value in part.values.items()}
        return self.words[part.key].format(**values)

    def finding(self, fact: Fact) -> dict:
        return {
            "scope": fact.scope,
            "id": fact.scope_id,
            "kind": fact.kind,
            "text": " ".join(self.part(p) for p in fact.parts),
            "refs": [asdict(r) for r in fact.refs],
        }


def _v(row: pd.Series) -> Figure:
    return Figure(float(row["value"]), row["unit"])


def _refs(*rows: pd.Series) -> list[Ref]:
    return [Ref(r["indicator_id"], int(r["edition"]), r["group_id"]) for r in rows]


def _known_n(*rows: pd.Series) -> bool:
    return all(pd.notna(r["n"]) for r in rows)


def _favourable(polarity: str, a: pd.Series, b: pd.Series) -> pd.Series:
    """The row whose value is better by the indicator's polarity (for neutral: the higher)."""
    if polarity == "lower_is_better":
        return a if a["value"] < b["value"] else b
    return a if a["value"] > b["value"] else b


@dataclass(frozen=True)
class Survey:
    """What the package says about the survey behind the figures: who was invited, the smallest group shown."""

    invited: dict[int, int]  # per measurement, the number of newcomers invited
    min_n: int  # the fewest respondents a published figure rests on
    # Indicators counted in a register, with their rows of the counted table; and the fewest people a
    # counted figure may be about. Their pages speak of cohorts and reference dates, never of respondents.
    counted: dict[str, pd.DataFrame] = field(default_factory=dict)
    min_count: int = 10


def _survey(pkg: DataPackage) -> Survey:
    from pipeline.model import counted

    editions = pkg["editions"]
    invited = {int(e): int(n) for e, n in zip(editions["edition"], editions["invited"], strict=True) if pd.notna(n)}
    rows = counted.build_table(pkg)
    return Survey(invited, pkg.min_n, dict(iter(rows.groupby("indicator_id", sort=False))), counted.min_count(pkg))


def _counted_figure(row: pd.Series) -> Part:
    """The sentence of one group's counted figure: a share, a median or mean, or a count, each as said."""
    values = {"group": Group(row["group_id"]), "cohort": int(row["cohort"]), "date": Day(row["reference_date"]),
              "statement": Statement(row["indicator_id"]), "value": Figure(float(row["value"]), row["unit"])}
    if row["statistic"] == "count":
        values["value"] = Count(int(row["value"]))
    if pd.isna(row["counted"]):
        return Part(f"counted_{row['statistic']}_plain", values)
    return Part(f"counted_{row['statistic']}", {**values, "counted": Count(int(row["counted"]))})


def counted_facts(rows: pd.DataFrame, least: int) -> list[Fact]:
    """Per cohort, newest first, the groups' figures at the latest reference date, each as counted: no
    respondents, no chance, a difference between groups only as its size. Figures withheld for privacy are
    named as such, at every date."""
    indicator_id = rows["indicator_id"].iloc[0]
    facts: list[Fact] = []
    for cohort in sorted(rows["cohort"].unique(), reverse=True):
        cells = rows[rows["cohort"] == cohort]
        latest = cells[cells["reference_date"] == cells.loc[cells["status"].isin(["ok"]), "reference_date"].max()]
        shown = latest[latest["value"].notna()]
        main = shown[shown["group_role"] == "main"]
        lead = main if not main.empty else shown
        if not lead.empty:
            first = lead.iloc[0]
            parts = [_counted_figure(first)]
            for _, other in main.iloc[1:].iterrows():
                if other["statistic"] == "count":  # counts of groups of different sizes: each said, not compared
                    parts.append(_counted_figure(other))
                    continue
                gap = float(other["value"] - first["value"])
                values = {"group": Group(other["group_id"]), "value": Figure(float(other["value"]), other["unit"]),
                          "gap": Gap(gap, other["unit"]), "more_or_less": Word("more" if gap > 0 else "less")}
                parts.append(Part("counted_compare" if gap else "counted_compare_same", values))
                if other["statistic"] in ("median", "mean"):  # of those who got that far, a share that differs
                    parts.append(Part("counted_compare_months"))
            refs = [CountedRef(indicator_id, int(r["cohort"]), r["reference_date"], r["group_id"])
                    for _, r in (main if not main.empty else lead.iloc[:1]).iterrows()]
            facts.append(Fact("indicator", indicator_id, "counted", parts, refs))
        withheld = cells[cells["status"].isin(["small", "derivable"])]
        for _, row in withheld.sort_values(["reference_date", "status"], kind="stable").iterrows():
            part = Part(f"counted_{row['status']}", {"group": Group(row["group_id"]), "cohort": int(row["cohort"]),
                                                     "date": Day(row["reference_date"]), "least": least})
            facts.append(Fact("indicator", indicator_id, "withheld", [part],
                              [CountedRef(indicator_id, int(row["cohort"]), row["reference_date"], row["group_id"])]))
    if not facts:
        facts.append(Fact("indicator", indicator_id, "not_measured", [Part("counted_none")], []))
    return facts


def _needed(a: pd.Series, b: pd.Series, min_n: int) -> int | None:
    """With n unknown: from how many respondents per group the difference is more than chance (percentages)."""
    if a["unit"] != "percent":
        return None
    return respondents_needed(float(a["value"]), float(b["value"]), min_n)


def _bound_parts(a: pd.Series, b: pd.Series, survey: Survey, key: str = "bound", invited: bool = True) -> list[Part]:
    """With n unknown: how many respondents per group would make this difference more than chance; when it is
    so even at the smallest group the monitor publishes, that."""
    needed = _needed(a, b, survey.min_n)
    if needed is None:
        return []
    parts = [Part(f"{key}_min" if needed == survey.min_n else key, {"n": Count(needed)})]
    edition = int(a["edition"])
    if invited and survey.invited.get(edition):
        parts.append(Part("bound_invited", {"invited": Count(survey.invited[edition]), "edition": edition}))
    return parts


def _gap_parts(a: pd.Series, b: pd.Series, survey: Survey) -> list[Part]:
    gap = Gap(float(a["value"] - b["value"]), a["unit"])
    if a["value"] == b["value"]:
        return [Part("gap_none")]
    if not _known_n(a, b):
        return [Part("gap_unknown_n", {"pp": gap}), *_bound_parts(a, b, survey)]
    if not clearly_different(a, b):
        return [Part("gap_unclear", {"pp": gap})]
    better = _favourable(a["polarity"], a, b)
    direction = "higher" if a["polarity"] == "neutral" else "favourable"
    return [Part("gap_clear", {"pp": gap, "group": Group(better["group_id"]), "direction": Word(direction)})]


def _trend_fact(row: pd.Series, previous: pd.Series, survey: Survey) -> Fact:
    change = float(row["change_pp"])
    base = {"group": Group(row["group_id"]), "pct": _v(row), "prev_pct": _v(previous),
            "prev": int(previous["edition"]), "edition": int(row["edition"])}
    if change == 0:
        parts = [Part("trend_same", {k: base[k] for k in ("group", "pct", "prev", "edition")})]
    else:
        parts = [Part("trend", {**base, "pp": Gap(change, row["unit"]),
                                "more_or_less": Word("more" if change > 0 else "less")})]
        polarity = row["polarity"]
        improved = (change > 0) == (polarity == "higher_is_better")
        if _known_n(row, previous):
            if clearly_different(row, previous):
                verdict = ("rise" if change > 0 else "fall") if polarity == "neutral" else (
                    "improvement" if improved else "worsening")
                parts.append(Part("trend_clear", {"verdict": Word(verdict)}))
            else:
                parts.append(Part("trend_unclear"))
        elif polarity == "neutral":
            parts += [Part("trend_unknown_n_neutral"),
                      *_bound_parts(row, previous, survey, "trend_bound", invited=False)]
        else:
            parts += [Part("trend_unknown_n", {"side": Word("good_side" if improved else "bad_side")}),
                      *_bound_parts(row, previous, survey, "trend_bound", invited=False)]
    if bool(row["change_caveat"]) if pd.notna(row["change_caveat"]) else False:
        parts.append(Part("method_caveat", {"prev": int(previous["edition"])}))
    return Fact("indicator", row["indicator_id"], "trend", parts, _refs(row, previous), abs(change))


def _latest(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows of the latest edition that has any published (or suppressed) figure."""
    return rows[rows["latest"] & rows["status"].isin(SHOWN)]


def _pair_or_single(rows: pd.DataFrame) -> tuple[pd.Series, pd.Series] | pd.Series | None:
    main = rows[(rows["group_role"] == "main") & rows["value"].notna()]
    if len(main) == 2:
        return main.iloc[0], main.iloc[1]
    published = rows[rows["value"].notna() & (rows["group_role"] != "reference")]
    return published.iloc[0] if not published.empty else None


def indicator_facts(rows: pd.DataFrame, survey: Survey) -> list[Fact]:
    indicator_id = rows["indicator_id"].iloc[0]
    latest = _latest(rows)
    if latest.empty:
        return [Fact("indicator", indicator_id, "not_measured", [Part("not_measured")], [])]
    edition = Edition(int(latest["edition"].iloc[0]))
    facts: list[Fact] = []
    headline = _pair_or_single(latest)
    if isinstance(headline, tuple):
        a, b = headline
        parts = [Part("pair", {"edition": edition, "statement": Statement(indicator_id), "a_pct": _v(a),
                               "a_group": Group(a["group_id"]), "b_pct": _v(b),
                               "b_group": Group(b["group_id"])}), *_gap_parts(a, b, survey)]
        facts.append(Fact("indicator", indicator_id, "gap", parts, _refs(a, b), abs(float(a["gap_pp"]))))
        total = latest[(latest["group_role"] == "total") & latest["value"].notna()]
        for _, row in total.iterrows():
            facts.append(Fact("indicator", indicator_id, "total",
                              [Part("total", {"group": Group(row["group_id"]), "pct": _v(row)})], _refs(row)))
    elif headline is not None:
        facts.append(Fact("indicator", indicator_id, "level",
                          [Part("single", {"edition": edition, "statement": Statement(indicator_id),
                                           "pct": _v(headline), "group": Group(headline["group_id"])})],
                          _refs(headline)))
    for _, row in latest[(latest["group_role"] == "reference") & latest["value"].notna()].iterrows():
        year = row["reference_year"]
        if pd.notna(year) and year != row["edition"]:
            part = Part("reference", {"group": Group(row["group_id"]), "pct": _v(row), "year": int(year)})
        else:
            part = Part("reference_same_year", {"group": Group(row["group_id"]), "pct": _v(row)})
        facts.append(Fact("indicator", indicator_id, "reference", [part], _refs(row)))
    for _, row in latest[latest["status"] == "suppressed"].iterrows():
        facts.append(Fact("indicator", indicator_id, "suppressed",
                          [Part("suppressed", {"group": Group(row["group_id"])})], _refs(row)))
    for _, row in latest[latest["status"] == "low_n"].iterrows():
        facts.append(Fact("indicator", indicator_id, "indicative",
                          [Part("low_n", {"group": Group(row["group_id"])})], _refs(row)))
    trends = []
    for _, row in latest[latest["change_pp"].notna()].iterrows():
        previous = rows[(rows["group_id"] == row["group_id"]) & (rows["edition"] == row["change_from"])].iloc[0]
        trends.append(_trend_fact(row, previous, survey))
    # Figures from earlier editions for groups that the latest edition has no figure for, so none goes unsaid.
    in_latest = set(latest.loc[latest["value"].notna(), "group_id"])
    earlier = rows[rows["value"].notna() & ~rows["group_id"].isin(in_latest)]
    earlier = earlier[earlier["edition"] == earlier.groupby("group_id")["edition"].transform("max")]
    for _, row in earlier.iterrows():
        facts.append(Fact("indicator", indicator_id, "earlier",
                          [Part("earlier", {"group": Group(row["group_id"]), "pct": _v(row),
                                            "edition": Edition(int(row["edition"]))})], _refs(row)))
    return facts + sorted(trends, key=lambda f: -f.weight)


def _line(scope: str, scope_id: str | None, rows: pd.DataFrame) -> Fact | None:
    """One line per indicator for the goal and home pages: the groups' latest figures side by side."""
    latest = _latest(rows)
    headline = _pair_or_single(latest) if not latest.empty else None
    if headline is None:
        return None
    indicator_id = rows["indicator_id"].iloc[0]
    if isinstance(headline, tuple):
        a, b = headline
        part = Part("compare_line", {"title": Topic(indicator_id), "a_pct": _v(a),
                                     "a_group": Group(a["group_id"]), "b_pct": _v(b),
                                     "b_group": Group(b["group_id"]),
                                     "edition": int(a["edition"])})
        return Fact(scope, scope_id, "gap", [part], _refs(a, b), abs(float(a["gap_pp"])))
    part = Part("single_line", {"title": Topic(indicator_id), "pct": _v(headline),
                                "group": Group(headline["group_id"]), "edition": int(headline["edition"])})
    return Fact(scope, scope_id, "level", [part], _refs(headline))


def _pairs(rows: pd.DataFrame) -> list[tuple[pd.Series, pd.Series]]:
    """Per indicator in the comparison of the groups, the two main groups' latest figures."""
    return [(pair.iloc[0], pair.iloc[1]) for _, pair in rows[rows["compared"]].groupby("indicator_id", sort=False)]


def pattern_parts(rows: pd.DataFrame, min_n: int, intro: bool = True) -> tuple[list[Part], list[Ref]]:
    """How the first main group fares against the second, topic by topic, by each indicator's polarity, and
    which of the differences are more than chance even at ``min_n`` respondents per group.

    Topics where more or less is neither better nor worse (polarity neutral) are named, never counted. When
    the topics' latest figures come from different measurements, each topic is named with its year.
    """
    pairs = _pairs(rows)
    if not pairs:
        return [], []
    years = {a["indicator_id"]: int(a["edition"]) for a, _ in pairs}
    mixed = len(set(years.values())) > 1

    def topics(ids: list[str] | tuple[str, ...]) -> Topics:
        return Topics(tuple(ids), years=tuple(years[i] for i in ids) if mixed else ())

    sides: dict[str, list[str]] = {"worse": [], "better": [], "same": [], "neutral": []}
    for a, b in pairs:
        if a["polarity"] == "neutral":
            side = "neutral"
        elif a["value"] == b["value"]:
            side = "same"
        else:
            side = "better" if _favourable(a["polarity"], a, b) is a else "worse"
        sides[side].append(a["indicator_id"])
    a, b = pairs[0]
    groups = {"a_group": Group(a["group_id"]), "b_group": Group(b["group_id"])}
    key = "pattern_intro" if len(pairs) > 1 else "pattern_intro_one"
    parts = [Part(key, {"count": Count(len(pairs)), **groups})] if intro else []
    for side in ("worse", "better", "same"):
        if sides[side]:
            parts.append(Part(f"pattern_{side}", {"n": Count(len(sides[side])),
                                                   "titles": topics(sides[side]), **groups}))
    if sides["neutral"]:
        parts.append(Part("pattern_neutral", {"titles": topics(sides["neutral"])}))
    parts += _strength_parts(pairs, min_n, topics)
    return parts, _refs(*(r for pair in pairs for r in pair))


def _holds(a: pd.Series, b: pd.Series, min_n: int) -> bool:
    """More than chance: by the respondent counts where known, else even at ``min_n`` per group."""
    return clearly_different(a, b) if _known_n(a, b) else _needed(a, b, min_n) == min_n


def _strength_parts(pairs: list[tuple[pd.Series, pd.Series]], min_n: int,
                    topics: Callable[[tuple[str, ...]], Topics] = Topics) -> list[Part]:
    """Which differences are more than chance (with n unknown: even at ``min_n`` per group), and that for the
    others it depends on group sizes the report does not give."""
    strong = tuple(a["indicator_id"] for a, b in pairs if a["value"] != b["value"] and _holds(a, b, min_n))
    unknown = any(not _known_n(a, b) for a, b in pairs)
    if strong:
        parts = [Part("pattern_strong" if unknown else "pattern_known", {"titles": topics(strong), "n": Count(min_n)})]
    else:
        parts = [Part("pattern_strong_none" if unknown else "pattern_known_none", {"n": Count(min_n)})]
    if unknown and len(strong) < len(pairs):
        parts.append(Part("pattern_depends" if strong else "pattern_depends_all"))
    return parts


def _waiting(indicators: pd.DataFrame, goal_id: str | None = None) -> list[str]:
    waiting = indicators[indicators["status"] == "not_measured"]
    if goal_id:
        waiting = waiting[waiting["goal_id"] == goal_id]
    return list(waiting.sort_values("order")["indicator_id"])


def goal_facts(table: pd.DataFrame, goal_id: str, indicators: pd.DataFrame, min_n: int,
               counted_ids: frozenset[str] = frozenset()) -> list[Fact]:
    rows = table[table["goal_id"] == goal_id]
    measured = [i for i, r in rows.groupby("indicator_id", sort=False) if not _latest(r).empty]
    intro_parts = [Part("goal_measured", {"titles": Topics(tuple(measured))})] if measured else \
        [Part("goal_nothing_yet")]
    pattern, refs = pattern_parts(rows, min_n, intro=False)  # the topics are named just before
    if len(refs) == 2:  # one topic with both groups: its own line below says it better than a count of one
        pattern = [p for p in pattern if p.key in STRENGTH_KEYS]
    counted = [i for i in indicators.loc[(indicators["goal_id"] == goal_id)
                                          & (indicators["source_kind"] == "registration"), "indicator_id"]
               if i in counted_ids]
    if counted:  # counted topics on their own terms: named, never in the survey's comparison
        pattern.append(Part("goal_counted", {"titles": Topics(tuple(counted))}))
    waiting = _waiting(indicators, goal_id)
    if waiting:
        pattern.append(Part("not_measured_line", {"titles": Topics(tuple(waiting))}))
    facts = [Fact("goal", goal_id, "intro", intro_parts + pattern, refs)]
    lines = [_line("goal", goal_id, r) for _, r in rows.groupby("indicator_id", sort=False)]
    return facts + sorted((f for f in lines if f), key=lambda f: -f.weight)


def home_facts(table: pd.DataFrame, indicators: pd.DataFrame, min_n: int,
               counted_ids: frozenset[str] = frozenset()) -> list[Fact]:
    measured = table[table["value"].notna()]
    if measured.empty:
        return []
    edition = int(measured["edition"].max())
    pattern, refs = pattern_parts(table, min_n)
    headline = Fact("home", None, "intro", pattern, refs)
    lines = [_line("home", None, r) for _, r in table.groupby("indicator_id", sort=False)]
    top = sorted((f for f in lines if f), key=lambda f: -f.weight)[:HOME_FINDINGS]
    current = table[table["edition"] == edition]
    changes = current[current["change_pp"].notna() & (current["group_role"] != "reference")]
    earlier = table.set_index(["indicator_id", "group_id", "edition"], drop=False)  # one lookup per change
    trends = []
    for _, row in changes.iterrows():
        previous = earlier.loc[(row["indicator_id"], row["group_id"], row["change_from"])]
        part = Part("trend_line", {"title": Topic(row["indicator_id"]), "group": Group(row["group_id"]),
                                   "prev_pct": _v(previous), "prev": int(previous["edition"]),
                                   "pct": _v(row), "edition": edition})
        trends.append(Fact("home", None, "trend", [part], _refs(row, previous), abs(float(row["change_pp"]))))
    if not trends:
        trends = [Fact("home", None, "no_trend", [Part("no_trend")], [])]
    waiting = _waiting(indicators)
    plan = [Part("home_missing", {"titles": Topics(tuple(waiting))})] if waiting else []
    # Once registers are counted, the plan to add them is no longer news: the counted topics are named.
    counted = tuple(i for i in indicators["indicator_id"] if i in counted_ids)
    plan.append(Part("home_counted", {"titles": Topics(counted)}) if counted else Part("home_plan"))
    later = [Fact("home", None, "plan", plan, [])]
    return [headline, *top, *sorted(trends, key=lambda f: -f.weight), *later]


def comparison_facts(table: pd.DataFrame, min_n: int) -> list[Fact]:
    """Every compared topic's gap by size, each with whether it is more than chance (``_strength_line``)."""
    facts, pairs = [], _pairs(table)
    for a, b in pairs:
        part = Part("comparison_line", {"title": Topic(a["indicator_id"]),
                                        "pp": Gap(float(a["gap_pp"]), a["unit"]),
                                        "a_pct": _v(a), "a_group": Group(a["group_id"]), "b_pct": _v(b),
                                        "b_group": Group(b["group_id"]), "edition": int(a["edition"])})
        facts.append(Fact("comparison", None, "gap", [part, *_strength_line(a, b, min_n)], _refs(a, b),
                          abs(float(a["gap_pp"]))))
    facts.sort(key=lambda f: -f.weight)
    if any(not _known_n(a, b) for a, b in pairs):
        facts.insert(0, Fact("comparison", None, "caveat", [Part("comparison_caveat", {"n": Count(min_n)})], []))
    return facts


def _strength_line(a: pd.Series, b: pd.Series, min_n: int) -> list[Part]:
    """One gap's strength in a few words: more than chance (at the counts, or even at ``min_n``), or from
    how many respondents per group it would be."""
    if a["value"] == b["value"]:
        return []
    if _known_n(a, b):
        return [Part("comparison_clear" if clearly_different(a, b) else "comparison_unclear")]
    needed = _needed(a, b, min_n)
    if needed is None:
        return []
    return [Part("comparison_strong" if needed == min_n else "comparison_depends", {"n": Count(needed)})]


Section = tuple[str, str | None]  # ("home", None), ("goal", id), ("indicator", id) or ("comparison", None)


def _sections(pkg: DataPackage, table: pd.DataFrame) -> list[Section]:
    """The story's sections in its order: home, goals, indicators, comparison."""
    return [("home", None), *(("goal", g) for g in pkg["goals"].sort_values("order")["goal_id"]),
            *(("indicator", i) for i in pd.unique(table["indicator_id"])), ("comparison", None)]


def _counted_ids(survey: Survey) -> frozenset[str]:
    """The indicators with a published counted figure."""
    return frozenset(i for i, rows in survey.counted.items() if rows["value"].notna().any())


def _section_facts(pkg: DataPackage, table: pd.DataFrame, by_indicator: dict, survey: Survey,
                   section: Section) -> list[Fact]:
    """One page's findings; the first that speaks of chance says once what that assumes."""
    scope, ident = section
    if scope == "home":
        found = home_facts(table, pkg["indicators"], survey.min_n, _counted_ids(survey))
    elif scope == "goal":
        found = goal_facts(table, ident, pkg["indicators"], survey.min_n, _counted_ids(survey))
    elif scope == "indicator" and ident in survey.counted:
        found = counted_facts(survey.counted[ident], survey.min_count)
    elif scope == "indicator":
        found = indicator_facts(by_indicator[ident], survey)
    else:
        found = comparison_facts(table, survey.min_n)
    for fact in found:
        chance = [i for i, part in enumerate(fact.parts) if part.key in CHANCE_KEYS]
        if chance:
            fact.parts.insert(chance[-1] + 1, Part("chance_assumes"))
            break
    return found


def facts(pkg: DataPackage, table: pd.DataFrame) -> list[Fact]:
    """Every finding, in the order of the story."""
    by_indicator, survey = dict(iter(table.groupby("indicator_id", sort=False))), _survey(pkg)
    return [f for section in _sections(pkg, table)
            for f in _section_facts(pkg, table, by_indicator, survey, section)]


Story = dict[str, list[dict]]  # per language, the findings in the story's order


def _writers(context: Context) -> tuple[dict, Survey, dict[str, Writer]]:
    """What every section's job reads, made once per process: the rows by indicator, the survey, the writers."""
    pkg = context.pkg
    return (dict(iter(context.rows.groupby("indicator_id", sort=False))), _survey(pkg),
            {lang: Writer(pkg, lang) for lang in i18n.LANGUAGES})


def _findings(context: Context, section: Section) -> dict[str, list[dict]]:
    """One section of the story, written in every language: a job for the workers."""
    by_indicator, survey, writers = context.once(_writers)
    found = _section_facts(context.pkg, context.rows, by_indicator, survey, section)
    return {lang: [writer.finding(f) for f in found] for lang, writer in writers.items()}


def run(context: Context, out: Path, workers: Workers | None = None) -> Story:
    """Write ``story/<lang>.json``: a list of findings per language, in the same order in both (``facts``).

    The findings are made from the plain rows on every core (the build's ``workers``, or this process alone),
    the home page's first: it takes longest.
    """
    parts = Workers.of(context, workers).map(_findings, _sections(context.pkg, context.rows))
    folder = out / "story"
    folder.mkdir(parents=True, exist_ok=True)
    story = {lang: [f for part in parts for f in part[lang]] for lang in i18n.LANGUAGES}
    for lang, found in story.items():
        (folder / f"{lang}.json").write_text(json.dumps(found, ensure_ascii=False, indent=1), encoding="utf-8")
    return story
