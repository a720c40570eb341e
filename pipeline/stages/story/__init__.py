"""The story stage: findings in Dutch and English, generated from the indicator table.

Findings are first built as language-neutral facts (which template, which figures, which rows they come
from: ``indicator`` for one indicator, ``overview`` across them), then written out in each language from the
templates in ``words/<lang>/story.yaml``: each value a template places is one of a small vocabulary of plain
values (``vocabulary``) that knows how it is written in a language. Both languages therefore hold exactly
the same findings, and every number in a sentence comes from the rows the finding refers to.

Rules from the design: whether a difference is more than chance is decided by one test (``model.stats``),
computed once in the indicator table: with respondent counts known, on the counts; without them, the
sentence gives the size in percentage points, says group sizes are not published, and from how many
respondents per group the difference would be more than chance (never fewer than the monitor's minimum
group). Direction words follow the indicator's polarity.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from pipeline.engine.workers import Workers
from pipeline.model.package import DataPackage
from pipeline.model.tables import Tables
from pipeline.stages.story.indicator import Survey, counted_facts, indicator_facts, survey_of
from pipeline.stages.story.overview import STRENGTH_KEYS, comparison_facts, goal_facts, home_facts
from pipeline.stages.story.vocabulary import Fact, Part, Writer
from pipeline.words import i18n

# Parts that say whether a difference could be chance; the first on a page is followed by what that assumes.
CHANCE_KEYS = STRENGTH_KEYS | {"bound", "bound_min", "trend_bound", "trend_bound_min", "gap_clear", "gap_unclear",
                               "trend_clear", "trend_unclear", "comparison_caveat", "comparison_strong",
                               "comparison_depends", "comparison_clear", "comparison_unclear"}


# What "more than chance" rests on: each page of the site says it, the council PDF once in its summary.
SAID_ONCE = frozenset({"chance_assumes", "pattern_condition"})

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
        found = comparison_facts(table, survey.min_n, survey.unstated)
    for fact in found:
        chance = [i for i, part in enumerate(fact.parts) if part.key in CHANCE_KEYS]
        if chance:
            fact.parts.insert(chance[-1] + 1, Part("chance_assumes"))
            break
    return found


def facts(tables: Tables) -> list[Fact]:
    """Every finding, in the order of the story, from the typed table (the stage reads the plain rows)."""
    pkg, table = tables.pkg, tables.table
    by_indicator, survey = dict(iter(table.groupby("indicator_id", sort=False))), survey_of(tables)
    return [f for section in _sections(pkg, table)
            for f in _section_facts(pkg, table, by_indicator, survey, section)]


Story = dict[str, list[dict]]  # per language, the findings in the story's order


def _writers(context: Tables) -> tuple[dict, Survey, dict[str, Writer]]:
    """What every section's job reads, made once per process: the rows by indicator, the survey, the writers."""
    return (dict(iter(context.rows.groupby("indicator_id", sort=False))), survey_of(context),
            {lang: Writer(context.catalogue, lang) for lang in i18n.LANGUAGES})


def _findings(context: Tables, section: Section) -> dict[str, list[dict]]:
    """One section of the story, written in every language: a job for the workers."""
    by_indicator, survey, writers = context.once(_writers)
    found = _section_facts(context.pkg, context.rows, by_indicator, survey, section)
    return {lang: [writer.finding(f, SAID_ONCE) for f in found] for lang, writer in writers.items()}


def run(context: Tables, out: Path, workers: Workers | None = None) -> Story:
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
