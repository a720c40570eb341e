"""Stage 4b, story: findings in Dutch and English, generated from the indicator table.

Findings are first built as language-neutral facts (which template, which rows, which numbers), then
written out in each language from the templates in ``story/<lang>.yaml``. Both languages therefore hold
exactly the same findings, and every number in a sentence comes from the rows the finding refers to.

Rules from the design: a difference is called clearer or more favourable only when respondent counts are
known and the 95% intervals do not overlap; otherwise the size is given in percentage points and the
sentence says group sizes are not published. Direction words follow the indicator's polarity.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from . import i18n
from .package import DataPackage
from .stats import clearly_different

TEMPLATES = Path(__file__).parent / "story"
HOME_FINDINGS = 5


@cache
def templates(lang: str) -> dict:
    return yaml.safe_load((TEMPLATES / f"{lang}.yaml").read_text(encoding="utf-8"))


@dataclass
class Part:
    """One sentence: a template key and its parameters, each tagged with how to write it."""

    key: str
    params: dict[str, tuple[str, object]] = field(default_factory=dict)


@dataclass
class Fact:
    scope: str  # indicator, goal, home or comparison
    scope_id: str | None
    kind: str
    parts: list[Part]
    refs: list[pd.Series]
    weight: float = 0.0


class Writer:
    """Writes facts in one language, with the catalogue's own labels."""

    def __init__(self, pkg: DataPackage, lang: str):
        self.lang = lang
        self.words = templates(lang)
        self.indicators = pkg["indicators"].set_index("indicator_id")
        self.groups = pkg["groups"].set_index("group_id")

    def _param(self, kind: str, raw: object) -> str:
        lang = self.lang
        if kind == "value":
            value, unit = raw
            return i18n.value(value, unit, lang)
        if kind == "diff":
            value, unit = raw
            return i18n.points(value, lang) if unit == "percent" else i18n.value(abs(value), unit, lang)
        if kind == "group":
            return self.groups.at[raw, f"phrase_{lang}"]
        if kind == "title":
            return self.indicators.at[raw, f"title_{lang}"]
        if kind == "titles":
            names = [self.indicators.at[i, f"title_{lang}"] for i in raw]
            return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" {self.words['words']['list_and']} " \
                + names[-1]
        if kind == "word":
            return self.words["words"][raw]
        return str(raw)  # years and other plain integers: never with a thousands separator

    def part(self, part: Part) -> str:
        values = {name: self._param(*spec) for name, spec in part.params.items()}
        if "statement" in part.params:
            statement = self.indicators.at[part.params["statement"][1], f"statement_{self.lang}"]
            verb, _, rest = statement.partition(" ")
            values.update(statement=statement, verb=verb, rest=rest)
        return self.words[part.key].format(**values)

    def finding(self, fact: Fact) -> dict:
        return {
            "scope": fact.scope,
            "id": fact.scope_id,
            "kind": fact.kind,
            "text": " ".join(self.part(p) for p in fact.parts),
            "refs": [{"indicator_id": r["indicator_id"], "edition": int(r["edition"]), "group_id": r["group_id"]}
                     for r in fact.refs],
        }


def _v(row: pd.Series) -> tuple[str, tuple[float, str]]:
    return ("value", (float(row["value"]), row["unit"]))


def _known_n(*rows: pd.Series) -> bool:
    return all(pd.notna(r["ci_low"]) and pd.notna(r["ci_high"]) for r in rows)


def _favourable(polarity: str, a: pd.Series, b: pd.Series) -> pd.Series:
    """The row whose value is better by the indicator's polarity (for neutral: the higher)."""
    if polarity == "lower_is_better":
        return a if a["value"] < b["value"] else b
    return a if a["value"] > b["value"] else b


def _gap_parts(a: pd.Series, b: pd.Series) -> list[Part]:
    gap = ("diff", (float(a["value"] - b["value"]), a["unit"]))
    if not _known_n(a, b):
        return [Part("gap_unknown_n", {"pp": gap})]
    if not clearly_different(a, b):
        return [Part("gap_unclear", {"pp": gap})]
    better = _favourable(a["polarity"], a, b)
    direction = "higher" if a["polarity"] == "neutral" else "favourable"
    return [Part("gap_clear", {"pp": gap, "group": ("group", better["group_id"]), "direction": ("word", direction)})]


def _trend_fact(row: pd.Series, previous: pd.Series) -> Fact:
    change = float(row["change_pp"])
    base = {"group": ("group", row["group_id"]), "pct": _v(row), "prev_pct": _v(previous),
            "prev": ("int", int(previous["edition"])), "edition": ("int", int(row["edition"]))}
    if change == 0:
        parts = [Part("trend_same", {k: base[k] for k in ("group", "pct", "prev", "edition")})]
    else:
        parts = [Part("trend", {**base, "pp": ("diff", (change, row["unit"])),
                                "more_or_less": ("word", "more" if change > 0 else "less")})]
        polarity = row["polarity"]
        improved = (change > 0) == (polarity == "higher_is_better")
        if _known_n(row, previous):
            if clearly_different(row, previous):
                verdict = ("rise" if change > 0 else "fall") if polarity == "neutral" else (
                    "improvement" if improved else "worsening")
                parts.append(Part("trend_clear", {"verdict": ("word", verdict)}))
            else:
                parts.append(Part("trend_unclear"))
        elif polarity == "neutral":
            parts.append(Part("trend_unknown_n_neutral"))
        else:
            parts.append(Part("trend_unknown_n", {"side": ("word", "good_side" if improved else "bad_side")}))
    if bool(row["change_caveat"]) if pd.notna(row["change_caveat"]) else False:
        parts.append(Part("method_caveat", {"prev": ("int", int(previous["edition"]))}))
    return Fact("indicator", row["indicator_id"], "trend", parts, [row, previous], abs(change))


def _latest(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows of the latest edition that has any published (or suppressed) figure."""
    shown = rows[rows["status"] != "not_measured"]
    return shown[shown["edition"] == shown["edition"].max()] if not shown.empty else shown


def _pair_or_single(rows: pd.DataFrame) -> tuple[pd.Series, pd.Series] | pd.Series | None:
    main = rows[(rows["group_role"] == "main") & rows["value"].notna()]
    if len(main) == 2:
        return main.iloc[0], main.iloc[1]
    published = rows[rows["value"].notna() & (rows["group_role"] != "reference")]
    return published.iloc[0] if not published.empty else None


def indicator_facts(rows: pd.DataFrame) -> list[Fact]:
    indicator_id = rows["indicator_id"].iloc[0]
    latest = _latest(rows)
    if latest.empty:
        return [Fact("indicator", indicator_id, "not_measured", [Part("not_measured")], [])]
    edition = ("int", int(latest["edition"].iloc[0]))
    facts: list[Fact] = []
    headline = _pair_or_single(latest)
    if isinstance(headline, tuple):
        a, b = headline
        parts = [Part("pair", {"edition": edition, "statement": ("id", indicator_id), "a_pct": _v(a),
                               "a_group": ("group", a["group_id"]), "b_pct": _v(b),
                               "b_group": ("group", b["group_id"])}), *_gap_parts(a, b)]
        facts.append(Fact("indicator", indicator_id, "gap", parts, [a, b], abs(float(a["gap_pp"]))))
        total = latest[(latest["group_role"] == "total") & latest["value"].notna()]
        for _, row in total.iterrows():
            facts.append(Fact("indicator", indicator_id, "total",
                              [Part("total", {"group": ("group", row["group_id"]), "pct": _v(row)})], [row]))
    elif headline is not None:
        facts.append(Fact("indicator", indicator_id, "level",
                          [Part("single", {"edition": edition, "statement": ("id", indicator_id),
                                           "pct": _v(headline), "group": ("group", headline["group_id"])})],
                          [headline]))
    for _, row in latest[(latest["group_role"] == "reference") & latest["value"].notna()].iterrows():
        year = row["reference_year"]
        if pd.notna(year) and year != row["edition"]:
            part = Part("reference", {"group": ("group", row["group_id"]), "pct": _v(row), "year": ("int", int(year))})
        else:
            part = Part("reference_same_year", {"group": ("group", row["group_id"]), "pct": _v(row)})
        facts.append(Fact("indicator", indicator_id, "reference", [part], [row]))
    for _, row in latest[latest["status"] == "suppressed"].iterrows():
        facts.append(Fact("indicator", indicator_id, "suppressed",
                          [Part("suppressed", {"group": ("group", row["group_id"])})], [row]))
    for _, row in latest[latest["status"] == "low_n"].iterrows():
        facts.append(Fact("indicator", indicator_id, "indicative",
                          [Part("low_n", {"group": ("group", row["group_id"])})], [row]))
    trends = []
    for _, row in latest[latest["change_pp"].notna()].iterrows():
        previous = rows[(rows["group_id"] == row["group_id"]) & (rows["edition"] == row["change_from"])].iloc[0]
        trends.append(_trend_fact(row, previous))
    # Figures from earlier editions for groups that the latest edition has no figure for, so none goes unsaid.
    in_latest = set(latest.loc[latest["value"].notna(), "group_id"])
    earlier = rows[rows["value"].notna() & ~rows["group_id"].isin(in_latest)]
    earlier = earlier[earlier["edition"] == earlier.groupby("group_id")["edition"].transform("max")]
    for _, row in earlier.iterrows():
        facts.append(Fact("indicator", indicator_id, "earlier",
                          [Part("earlier", {"group": ("group", row["group_id"]), "pct": _v(row),
                                            "edition": ("int", int(row["edition"]))})], [row]))
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
        part = Part("compare_line", {"title": ("title", indicator_id), "a_pct": _v(a),
                                     "a_group": ("group", a["group_id"]), "b_pct": _v(b),
                                     "b_group": ("group", b["group_id"]),
                                     "edition": ("int", int(a["edition"]))})
        return Fact(scope, scope_id, "gap", [part], [a, b], abs(float(a["gap_pp"])))
    part = Part("single_line", {"title": ("title", indicator_id), "pct": _v(headline),
                                "group": ("group", headline["group_id"]), "edition": ("int", int(headline["edition"]))})
    return Fact(scope, scope_id, "level", [part], [headline])


def goal_facts(table: pd.DataFrame, goal_id: str, indicators: pd.DataFrame) -> list[Fact]:
    rows = table[table["goal_id"] == goal_id]
    lines = [_line("goal", goal_id, r) for _, r in rows.groupby("indicator_id", sort=False)]
    facts = sorted((f for f in lines if f), key=lambda f: -f.weight)
    waiting = indicators[(indicators["goal_id"] == goal_id) & (indicators["status"] == "not_measured")]
    if not waiting.empty:
        ids = list(waiting.sort_values("order")["indicator_id"])
        line = Part("not_measured_line", {"titles": ("titles", ids)})
        facts.append(Fact("goal", goal_id, "not_measured", [line], []))
    return facts


def home_facts(table: pd.DataFrame) -> list[Fact]:
    measured = table[table["value"].notna()]
    if measured.empty:
        return []
    edition = int(measured["edition"].max())
    current = table[table["edition"] == edition]
    lines = [_line("home", None, r) for _, r in current.groupby("indicator_id", sort=False)]
    top = sorted((f for f in lines if f), key=lambda f: -f.weight)[:HOME_FINDINGS]
    intro = Fact("home", None, "intro", [Part("home_intro", {"edition": ("int", edition)})],
                 [r for f in top for r in f.refs])
    changes = current[current["change_pp"].notna() & (current["group_role"] != "reference")]
    trends = []
    for _, row in changes.iterrows():
        previous = table[(table["indicator_id"] == row["indicator_id"]) & (table["group_id"] == row["group_id"])
                         & (table["edition"] == row["change_from"])].iloc[0]
        part = Part("trend_line", {"title": ("title", row["indicator_id"]), "group": ("group", row["group_id"]),
                                   "prev_pct": _v(previous), "prev": ("int", int(previous["edition"])),
                                   "pct": _v(row), "edition": ("int", edition)})
        trends.append(Fact("home", None, "trend", [part], [row, previous], abs(float(row["change_pp"]))))
    if not trends:
        trends = [Fact("home", None, "no_trend", [Part("no_trend")], [])]
    return [intro, *top, *sorted(trends, key=lambda f: -f.weight)]


def comparison_facts(table: pd.DataFrame) -> list[Fact]:
    facts = []
    for indicator_id, rows in table.groupby("indicator_id", sort=False):
        latest = _latest(rows)
        headline = _pair_or_single(latest) if not latest.empty else None
        if isinstance(headline, tuple):
            a, b = headline
            part = Part("comparison_line", {"title": ("title", indicator_id),
                                            "pp": ("diff", (float(a["gap_pp"]), a["unit"])),
                                            "a_pct": _v(a), "a_group": ("group", a["group_id"]), "b_pct": _v(b),
                                            "b_group": ("group", b["group_id"]), "edition": ("int", int(a["edition"]))})
            facts.append(Fact("comparison", None, "gap", [part], [a, b], abs(float(a["gap_pp"]))))
    facts.sort(key=lambda f: -f.weight)
    if any(not _known_n(*f.refs) for f in facts):
        facts.insert(0, Fact("comparison", None, "caveat", [Part("comparison_caveat")], []))
    return facts


def facts(pkg: DataPackage, table: pd.DataFrame) -> list[Fact]:
    found = home_facts(table)
    for _, goal in pkg["goals"].sort_values("order").iterrows():
        found += goal_facts(table, goal["goal_id"], pkg["indicators"])
    for _, rows in table.groupby("indicator_id", sort=False):
        found += indicator_facts(rows)
    return found + comparison_facts(table)


def run(pkg: DataPackage, table: pd.DataFrame, out: Path) -> dict[str, list[dict]]:
    """Write ``story/<lang>.json``: a list of findings per language, in the same order in both."""
    all_facts = facts(pkg, table)
    folder = out / "story"
    folder.mkdir(parents=True, exist_ok=True)
    story = {}
    for lang in i18n.LANGUAGES:
        writer = Writer(pkg, lang)
        story[lang] = [writer.finding(f) for f in all_facts]
        (folder / f"{lang}.json").write_text(json.dumps(story[lang], ensure_ascii=False, indent=1), encoding="utf-8")
    return story
