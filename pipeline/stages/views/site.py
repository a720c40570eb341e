"""What every kind of page's view shares: the page record, relative links, and the parts several pages show.

Views compute nothing: every figure, sentence and chart arrives made (the tables, the story, the charts), and
these helpers only pick and format them for a language.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from functools import partial

import pandas as pd
from markupsafe import Markup

from pipeline.model import addresses, publication, versions
from pipeline.model.indicators import SHOWN, method_changes, records
from pipeline.model.tables import Tables
from pipeline.paths import CONTENT
from pipeline.stages.charts import Chart, Charts
from pipeline.stages.embeds import Embeds
from pipeline.stages.story import Story
from pipeline.words import i18n


@dataclass
class Page:
    lang: str
    key: str
    kind: str
    ident: str | None
    path: str  # from the site root, e.g. "en/indicators/taalles.html"
    title: str
    description: str
    counterpart: str
    image: str | None = None  # the chart a shared link previews (its PNG's address)
    image_alt: str | None = None


def link(from_path: str, to_path: str) -> str:
    """Relative link between two site paths; works wherever the site is served."""
    return posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")


def prose(lang: str, name: str) -> Markup:
    """A writer's Markdown (``site/content/<lang>/<name>.qmd``), placed in the page as it is written."""
    return Markup((CONTENT / lang / f"{name}.qmd").read_text(encoding="utf-8"))


Sizes = dict[str, int]  # every file under data/ (as ``publication`` names it) → bytes, once all are written


@dataclass(frozen=True)
class Made:
    """What the earlier stages made that the views show: sentences, drawn charts, embed snippets."""

    story: Story
    charts: Charts
    embeds: Embeds


def _per_indicator(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {key: rows for key, rows in frame.groupby("indicator_id", sort=False, observed=True)}


class SiteData:
    """The data of one build, and the views that more than one kind of page shows."""

    def __init__(self, tables: Tables, made: Made):
        pkg, catalogue = tables.pkg, tables.catalogue
        self.pkg, self.table, self.made = pkg, tables.rows, made
        self.base = addresses.base_url(pkg)
        self.indicators, self.goals, self.groups = catalogue.indicators, catalogue.goals, catalogue.groups
        self.editions, self.registers = catalogue.editions, catalogue.registers
        self.method_changed = method_changes(pkg["editions"])
        self.main_groups = list(catalogue.main_groups)
        self.by_indicator = _per_indicator(self.table)
        # An indicator's page reads its own rows of these; filtering the whole frame per page cost more than
        # the rest of the page at a thousand indicators.
        self.wordings, self.errata, self.research_of = (_per_indicator(pkg[name])
                                                         for name in ("wordings", "errata", "research"))
        self.counted = _per_indicator(tables.counted)  # figures counted in registers
        self._board_rows: dict[tuple[str, str], dict] = {}
        self._findings: dict[tuple[str, str, str | None], list[dict]] = {}
        for lang, found in made.story.items():
            for finding in found:
                self._findings.setdefault((lang, finding["scope"], finding["id"]), []).append(finding)

    def findings(self, lang: str, scope: str, ident: str | None = None,
                 kinds: tuple[str, ...] | None = None, brief: bool = False) -> list[str]:
        """The story's sentences for a page: its opening (``kinds=("intro",)``) or the list below it; ``brief``
        leaves out what a document says once at its start (the story's ``SAID_ONCE``)."""
        found = self._findings.get((lang, scope, ident), [])
        return [f.get("brief", f["text"]) if brief else f["text"] for f in found
                if (f["kind"] in kinds if kinds else f["kind"] not in ("intro", "plan"))]

    def linked_findings(self, lang: str, scope: str, page: Page) -> list[dict]:
        """The list below a page's opening, each sentence about one topic a link to that topic's page."""
        found = []
        for f in self._findings.get((lang, scope, None), []):
            if f["kind"] in ("intro", "plan"):
                continue
            topics = {ref["indicator_id"] for ref in f["refs"]}
            href = link(page.path, addresses.path(lang, "indicator", topics.pop())) if len(topics) == 1 else None
            found.append({"text": f["text"], "href": href})
        return found

    def chart(self, lang: str, name: str) -> Chart | None:
        """The chart a page shows, or None; the page places its drawings inline when it is written."""
        return self.made.charts.get(f"{lang}/{name}")

    def edition_title(self, edition: int, lang: str) -> str:
        title = self.editions.at[edition, f"title_{lang}"]
        return title if str(edition) in title else f"{title} ({edition})"

    def report_source(self, text: str, lang: str) -> str:
        """A place in one of the reports, for a reader of ``lang``: the reports are in Dutch, so in another
        language their labels ("Figuur 2.1") are translated and the source is marked as Dutch."""
        if lang == i18n.LANGUAGES[0]:
            return text
        for dutch, word in i18n.SETTINGS[lang]["report_labels"].items():
            text = re.sub(rf"\b{dutch}\b", word, text)
        marked = i18n.t(lang, "in_dutch")
        if text.endswith(")") and marked.startswith("("):  # "(first measurement; in Dutch)", not two brackets
            return f"{text[:-1]}; {marked[1:]}"
        return f"{text} {marked}"

    def method_change(self, edition: int, lang: str) -> str:
        """What changed in the method at this measurement, as the package says (empty when nothing did)."""
        return self.editions.at[edition, f"method_change_{lang}"] if self.method_changed[edition] else ""

    def value(self, row: pd.Series | dict, lang: str) -> str:
        return i18n.value(row["value"], row["unit"], lang) if pd.notna(row["value"]) else ""

    def measured_since(self, indicator_id: str, lang: str) -> str:
        """Since when the indicator has figures; or that it was measured without any figure published; or not."""
        first = self.by_indicator[indicator_id]["first_edition"].iloc[0]
        if pd.notna(first):
            return i18n.t(lang, "measured_since", edition=int(first))
        measured = self.indicators.at[indicator_id, "status"] == "measured"
        return i18n.t(lang, "status_not_published" if measured else "not_measured_status")

    def permalink(self, path: str) -> str:
        """The address that keeps showing this page as it is now (``versions.permalink``)."""
        return versions.permalink(self.pkg, self.base, path)

    def cite(self, lang: str, url: str, rows: pd.DataFrame | None = None) -> str:
        """The citation of a page: the reports behind its figures (all, unless ``rows`` narrows them)."""
        rows = self.table if rows is None else rows
        editions = sorted(int(e) for e in rows.loc[rows["status"].isin(SHOWN), "edition"].unique())
        return publication.citation(self.pkg, lang, editions, url)

    def research(self, lang: str, goal_id: str = "", indicator_id: str = "") -> list[dict]:
        """What the reports themselves say about this goal or indicator (or, with neither, the monitor)."""
        if indicator_id:
            rows = self.research_of.get(indicator_id)
            if rows is None:  # most indicators: no pandas work for nothing (4,000 pages at 1,000 indicators)
                return []
        else:
            rows = self.pkg["research"]
            rows = rows[(rows["goal_id"] == goal_id) & (rows["indicator_id"] == indicator_id)]
        return [{"text": r[f"text_{lang}"], "source": self.report_source(r[f"source_{lang}"], lang),
                 "href": r["source_url"], "kind": i18n.t(lang, f"research_{r['kind']}")}
                for r in records(rows.sort_values("order"))]

    def change(self, row: pd.Series | dict, previous: pd.Series | dict | None, lang: str,
               measured_before: bool = False) -> dict:
        """The dashboard's change cell: an arrow, and the same in words; colour only for a change that is more
        than chance (by the counts, or with counts unknown even at the smallest group published).
        ``measured_before``: an earlier measurement has a figure for the indicator, if not for this group."""
        if previous is None or pd.isna(row["change_pp"]):
            return {"arrow": "–", "tone": "none", "text": i18n.t(lang, "change_none_group" if measured_before
                                                                 else "change_none")}
        change = float(row["change_pp"])
        if change == 0:
            return {"arrow": "=", "tone": "neutral", "text": i18n.t(lang, "change_same")}
        size = i18n.points(change, lang) if row["unit"] == "percent" else i18n.value(abs(change), row["unit"], lang)
        words = [i18n.t(lang, "change_up" if change > 0 else "change_down", pp=size)]
        counted = pd.notna(row["n"]) and pd.notna(previous["n"])  # respondent counts known: the test decided
        clear = bool(row["change_clear"])
        tone = "neutral"
        if row["polarity"] != "neutral":
            better = pd.notna(row["change_better"]) and bool(row["change_better"])
            words.append(i18n.t(lang, "change_better" if better else "change_worse"))
            if clear:
                tone = "better" if better else "worse"
        if clear:
            words.append(i18n.t(lang, "change_clear" if counted else "change_clear_min", n=self.pkg.min_n))
        else:
            words.append(i18n.t(lang, "change_uncertain" if counted else "change_depends"))
        return {"arrow": "▲" if change > 0 else "▼", "tone": tone, "text": "; ".join(words)}

    def dashboard(self, lang: str, page_path: str, indicator_ids: list[str], board_id: str) -> dict:
        """Per indicator, the main groups' latest figures and their change: the table of the home and goal pages."""
        t = partial(i18n.t, lang)
        rows = []
        for indicator_id in indicator_ids:
            if (lang, indicator_id) not in self._board_rows:  # made once: the home page and a goal's page show it
                self._board_rows[lang, indicator_id] = self._board_row(lang, indicator_id)
            href = link(page_path, addresses.path(lang, "indicator", indicator_id))
            rows.append({**self._board_rows[lang, indicator_id], "href": href})
        return {"id": board_id, "caption": t("dashboard_caption"), "indicator_label": t("dashboard_indicator"),
                "edition_label": t("dashboard_edition"), "rows": rows,
                "groups": [self.groups.at[g, f"label_{lang}"] for g in self.main_groups]}

    def _board_row(self, lang: str, indicator_id: str) -> dict:
        """One indicator's row of the dashboard: its latest figures per main group, or why there are none."""
        t = partial(i18n.t, lang)
        data = records(self.by_indicator[indicator_id])
        latest = {r["group_id"]: r for r in data if r["latest"] is True}  # a nullable flag: NA is not latest
        main = {g: r for g, r in latest.items() if g in self.main_groups and pd.notna(r["value"])}
        row = {"title": self.indicators.at[indicator_id, f"title_{lang}"], "edition": "", "note": None}
        if not main:
            # No figure per group: say so, and show the figure for everyone where one was published.
            measured = self.indicators.at[indicator_id, "status"] == "measured"
            missing = t("status_not_published") if measured else t("not_measured_yet")
            if indicator_id in self.counted:  # counted in a register: its own page says it per cohort
                missing = t("dashboard_counted")
            total = [(g, r) for g, r in latest.items() if pd.notna(r["value"]) and r["group_role"] == "total"]
            if total:
                group_id, first = total[0]
                row["edition"] = int(first["edition"])
                row["note"] = t("dashboard_total", group=self.groups.at[group_id, f"label_{lang}"],
                                value=self.value(first, lang), edition=row["edition"])
            return {**row, "cells": [{"missing": missing} for _ in self.main_groups]}
        row["edition"] = int(next(iter(main.values()))["edition"])
        cells = []
        for group_id in self.main_groups:
            if group_id not in main:
                status = latest[group_id]["status"] if group_id in latest else "not_published"
                cells.append({"missing": t(f"status_{status}")})
                continue
            figure = main[group_id]
            previous = None
            if pd.notna(figure["change_from"]):
                previous = next(r for r in data if r["group_id"] == group_id and r["edition"] == figure["change_from"])
            before = any(pd.notna(r["value"]) and r["edition"] < figure["edition"] for r in data)
            cells.append({"value": self.value(figure, lang), "change": self.change(figure, previous, lang, before)})
        return {**row, "cells": cells}
