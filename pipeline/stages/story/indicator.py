"""The findings of one indicator: its latest figures per group, the gap between the two main groups, each
group's change since the measurement before, and what is withheld; for a figure counted in a register, per cohort
and reference date, as counted."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from pipeline.model import counted
from pipeline.model.indicators import SHOWN
from pipeline.model.tables import Tables
from pipeline.stages.story.vocabulary import (
    BaseNote,
    Count,
    CountedRef,
    Day,
    Edition,
    Fact,
    Figure,
    Gap,
    Group,
    Part,
    Ref,
    Statement,
    Word,
)


def _v(row: pd.Series) -> Figure:
    return Figure(float(row["value"]), row["unit"])


def _refs(*rows: pd.Series) -> list[Ref]:
    return [Ref(r["indicator_id"], int(r["edition"]), r["group_id"]) for r in rows]


def _known_n(*rows: pd.Series) -> bool:
    return all(pd.notna(r["n"]) for r in rows)


@dataclass(frozen=True)
class Survey:
    """What the package says about the survey behind the figures: who was invited, the smallest group shown."""

    invited: dict[int, int]  # per measurement, the number of newcomers invited
    min_n: int  # the fewest respondents a published figure rests on
    # Indicators counted in a register, with their rows of the counted table; and the fewest people a
    # counted figure may be about. Their pages speak of cohorts and reference dates, never of respondents.
    counted: dict[str, pd.DataFrame] = field(default_factory=dict)
    min_count: int = 10
    # Indicators whose report does not say whom the percentage is about (base_note_*): said with the
    # figures, and never counted as better or worse for one group.
    unstated: frozenset[str] = frozenset()


def unstated(indicators: pd.DataFrame) -> frozenset[str]:
    """Indicators whose report does not say whom the percentage is about (``base_note_*`` filled)."""
    return frozenset(indicators.loc[indicators["base_note_nl"].fillna("") != "", "indicator_id"])


def survey_of(tables: Tables) -> Survey:
    pkg, editions = tables.pkg, tables.pkg["editions"]
    invited = {int(e): int(n) for e, n in zip(editions["edition"], editions["invited"], strict=True) if pd.notna(n)}
    return Survey(invited, pkg.min_n, dict(iter(tables.counted.groupby("indicator_id", sort=False))),
                  counted.min_count(pkg), unstated(pkg["indicators"]))


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


def _bound_parts(needed: object, edition: int, survey: Survey, key: str = "bound",
                 invited: bool = True) -> list[Part]:
    """With n unknown: how many respondents per group would make a difference more than chance (``needed``, the
    table's ``gap_needed`` or ``change_needed``); when it is so even at the smallest group published, that."""
    if pd.isna(needed):
        return []
    parts = [Part(f"{key}_min" if needed == survey.min_n else key, {"n": Count(int(needed))})]
    if invited and survey.invited.get(edition):
        parts.append(Part("bound_invited", {"invited": Count(survey.invited[edition]), "edition": edition}))
    return parts


def _gap_parts(a: pd.Series, b: pd.Series, survey: Survey, unstated_base: bool = False) -> list[Part]:
    """The gap between the groups and whether it is more than chance. With the base unstated, so is whether
    the groups' bases are alike: no bound, which would assume them."""
    gap = Gap(float(a["value"] - b["value"]), a["unit"])
    if a["value"] == b["value"]:
        return [Part("gap_none")]
    if not _known_n(a, b):
        bound = [Part("gap_unstated")] if unstated_base else \
            _bound_parts(a["gap_needed"], int(a["edition"]), survey)
        return [Part("gap_unknown_n", {"pp": gap}), *bound]
    if not a["gap_clear"]:
        return [Part("gap_unclear", {"pp": gap})]
    better = a if a["gap_favourable"] else b
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
        improved = pd.notna(row["change_better"]) and bool(row["change_better"])
        if _known_n(row, previous):
            if row["change_clear"]:
                verdict = ("rise" if change > 0 else "fall") if polarity == "neutral" else (
                    "improvement" if improved else "worsening")
                parts.append(Part("trend_clear", {"verdict": Word(verdict)}))
            else:
                parts.append(Part("trend_unclear"))
        elif polarity == "neutral":
            parts += [Part("trend_unknown_n_neutral"),
                      *_bound_parts(row["change_needed"], int(row["edition"]), survey, "trend_bound", invited=False)]
        else:
            parts += [Part("trend_unknown_n", {"side": Word("good_side" if improved else "bad_side")}),
                      *_bound_parts(row["change_needed"], int(row["edition"]), survey, "trend_bound", invited=False)]
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
    # The report does not say whom the percentage is about: said right after the figures, not left to guess.
    base = [Part("base_note", {"note": BaseNote(indicator_id)})] if indicator_id in survey.unstated else []
    headline = _pair_or_single(latest)
    if isinstance(headline, tuple):
        a, b = headline
        parts = [Part("pair", {"edition": edition, "statement": Statement(indicator_id), "a_pct": _v(a),
                               "a_group": Group(a["group_id"]), "b_pct": _v(b),
                               "b_group": Group(b["group_id"])}), *base, *_gap_parts(a, b, survey, bool(base))]
        facts.append(Fact("indicator", indicator_id, "gap", parts, _refs(a, b), abs(float(a["gap_pp"]))))
        total = latest[(latest["group_role"] == "total") & latest["value"].notna()]
        for _, row in total.iterrows():
            facts.append(Fact("indicator", indicator_id, "total",
                              [Part("total", {"group": Group(row["group_id"]), "pct": _v(row)})], _refs(row)))
    elif headline is not None and base:  # no group it cannot vouch for ("all newcomers together")
        facts.append(Fact("indicator", indicator_id, "level",
                          [Part("single_unstated", {"edition": edition, "statement": Statement(indicator_id),
                                                    "pct": _v(headline)}), *base], _refs(headline)))
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
