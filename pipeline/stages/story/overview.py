"""The findings across indicators: a line per topic for the goal and home pages, the pattern of which group
fares better topic by topic, what changed, what is not measured yet, and the comparison of the groups."""

from __future__ import annotations

import pandas as pd

from pipeline.stages.story.indicator import _known_n, _latest, _pair_or_single, _refs, _v, unstated
from pipeline.stages.story.vocabulary import Count, Fact, Gap, Group, Part, Ref, Topic, Topics

HOME_FINDINGS = 5


# The parts that say which differences hold: kept when one topic's own line says the rest better.
SIDE_KEYS = ("pattern_better", "pattern_worse", "pattern_undecided", "pattern_unclear")
STRENGTH_KEYS = {*SIDE_KEYS, *(f"{key}_one" for key in SIDE_KEYS), "pattern_condition"}


def _line(scope: str, scope_id: str | None, rows: pd.DataFrame, unknown_base: frozenset[str]) -> Fact | None:
    """One line per indicator for the goal and home pages: the groups' latest figures side by side. Where the
    report does not say whom the percentage is about, the line says so and names no group it cannot vouch for
    ("all newcomers together")."""
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
        said = [part, Part("line_unstated")] if indicator_id in unknown_base else [part]
        return Fact(scope, scope_id, "gap", said, _refs(a, b), abs(float(a["gap_pp"])))
    if indicator_id in unknown_base:
        part = Part("single_line_unstated", {"title": Topic(indicator_id), "pct": _v(headline),
                                             "edition": int(headline["edition"])})
    else:
        part = Part("single_line", {"title": Topic(indicator_id), "pct": _v(headline),
                                    "group": Group(headline["group_id"]), "edition": int(headline["edition"])})
    return Fact(scope, scope_id, "level", [part], _refs(headline))


def _pairs(rows: pd.DataFrame) -> list[tuple[pd.Series, pd.Series]]:
    """Per indicator in the comparison of the groups, the two main groups' latest figures."""
    return [(pair.iloc[0], pair.iloc[1]) for _, pair in rows[rows["compared"]].groupby("indicator_id", sort=False)]


def pattern_parts(rows: pd.DataFrame, min_n: int, intro: bool = True,
                  unknown_base: frozenset[str] = frozenset()) -> tuple[list[Part], list[Ref]]:
    """How the first main group fares against the second, topic by topic, by each indicator's polarity: a topic
    counts as better or worse only where its difference is more than chance (with n unknown: if each group had
    ``min_n`` answers, which is said as the condition it is); the others are named as undecided, never tallied
    with the differences that hold.

    Topics where more or less is neither better nor worse (polarity neutral), and topics whose base the
    report does not state, are named apart or left out, never counted. When the topics' latest figures come
    from different measurements, each topic is named with its year.
    """
    compared = _pairs(rows)
    pairs = [(a, b) for a, b in compared if a["indicator_id"] not in unknown_base]
    left_out = [a["indicator_id"] for a, _ in compared if a["indicator_id"] in unknown_base]
    if not pairs:
        return [], []
    years = {a["indicator_id"]: int(a["edition"]) for a, _ in pairs}
    mixed = len(set(years.values())) > 1

    def topics(ids: list[str] | tuple[str, ...]) -> Topics:
        return Topics(tuple(ids), years=tuple(years[i] for i in ids) if mixed else ())

    unknown = any(not _known_n(a, b) for a, b in pairs)
    sides: dict[str, list[str]] = {"worse": [], "better": [], "same": [], "undecided": [], "neutral": []}
    for a, b in pairs:
        if a["polarity"] == "neutral":
            side = "neutral"
        elif a["value"] == b["value"]:
            side = "same"
        elif not a["gap_clear"]:
            side = "undecided"
        else:
            side = "better" if a["gap_favourable"] else "worse"
        sides[side].append(a["indicator_id"])
    a, b = pairs[0]
    groups = {"a_group": Group(a["group_id"]), "b_group": Group(b["group_id"])}
    key = "pattern_intro" if len(compared) > 1 else "pattern_intro_one"
    parts = [Part(key, {"count": Count(len(compared)), **groups})] if intro else []
    if unknown and (sides["better"] or sides["worse"]):  # what "more than chance" rests on, before it is said
        parts.append(Part("pattern_condition", {"n": Count(min_n)}))
    one = "_one" if len(pairs) == 1 else ""  # "for paid work, …", not "on 1 of them"
    for side in ("worse", "better", "same", "undecided"):
        if sides[side]:
            name = "pattern_unclear" if side == "undecided" and not unknown else f"pattern_{side}"
            parts.append(Part(name + one, {"n": Count(len(sides[side])), "titles": topics(sides[side]), **groups}))
    if sides["neutral"]:
        parts.append(Part("pattern_neutral", {"titles": topics(sides["neutral"])}))
    if left_out:  # counted in the intro, so the reader sees why they are not weighed
        parts.append(Part("pattern_unstated", {"titles": Topics(tuple(left_out))}))
    return parts, _refs(*(r for pair in pairs for r in pair))


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
    pattern, refs = pattern_parts(rows, min_n, intro=False, unknown_base=unstated(indicators))  # named just before
    if len(refs) == 2:  # one topic with both groups: its own line below says it better than a count of one
        pattern = [p for p in pattern if p.key in STRENGTH_KEYS]
    paired = set(rows.loc[rows["compared"], "indicator_id"])
    alone = [i for i in measured if i not in paired]
    if alone and pattern:  # every topic named above is accounted for
        pattern.append(Part("pattern_not_paired", {"titles": Topics(tuple(alone))}))
    counted = [i for i in indicators.loc[(indicators["goal_id"] == goal_id)
                                          & (indicators["source_kind"] == "registration"), "indicator_id"]
               if i in counted_ids]
    if counted:  # counted topics on their own terms: named, never in the survey's comparison
        pattern.append(Part("goal_counted", {"titles": Topics(tuple(counted))}))
    waiting = _waiting(indicators, goal_id)
    if waiting:
        pattern.append(Part("not_measured_line", {"titles": Topics(tuple(waiting))}))
    facts = [Fact("goal", goal_id, "intro", intro_parts + pattern, refs)]
    lines = [_line("goal", goal_id, r, unstated(indicators)) for _, r in rows.groupby("indicator_id", sort=False)]
    return facts + sorted((f for f in lines if f), key=lambda f: -f.weight)


def home_facts(table: pd.DataFrame, indicators: pd.DataFrame, min_n: int,
               counted_ids: frozenset[str] = frozenset()) -> list[Fact]:
    measured = table[table["value"].notna()]
    if measured.empty:
        return []
    edition = int(measured["edition"].max())
    pattern, refs = pattern_parts(table, min_n, unknown_base=unstated(indicators))
    headline = Fact("home", None, "intro", pattern, refs)
    lines = [_line("home", None, r, unstated(indicators)) for _, r in table.groupby("indicator_id", sort=False)]
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


def comparison_facts(table: pd.DataFrame, min_n: int, unknown_base: frozenset[str] = frozenset()) -> list[Fact]:
    """Every compared topic's gap by size, each with whether it is more than chance (``_strength_line``); for a
    topic whose base the report does not state, that this is not said (the bound would assume the bases)."""
    facts, pairs = [], _pairs(table)
    for a, b in pairs:
        part = Part("comparison_line", {"title": Topic(a["indicator_id"]),
                                        "pp": Gap(float(a["gap_pp"]), a["unit"]),
                                        "a_pct": _v(a), "a_group": Group(a["group_id"]), "b_pct": _v(b),
                                        "b_group": Group(b["group_id"]), "edition": int(a["edition"])})
        strength = [Part("comparison_unstated")] if a["indicator_id"] in unknown_base else \
            _strength_line(a, b, min_n)
        facts.append(Fact("comparison", None, "gap", [part, *strength], _refs(a, b), abs(float(a["gap_pp"]))))
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
        return [Part("comparison_clear" if a["gap_clear"] else "comparison_unclear")]
    needed = a["gap_needed"]
    if pd.isna(needed):
        return []
    return [Part("comparison_strong" if needed == min_n else "comparison_depends", {"n": Count(int(needed))})]
