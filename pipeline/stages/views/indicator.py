"""An indicator's page: its figures per measurement and group, what they say, how and where they were measured."""

from __future__ import annotations

from functools import partial

import pandas as pd
from markupsafe import Markup

from pipeline.model import addresses, counted, publication
from pipeline.model.indicators import SHOWN
from pipeline.stages.views.site import Page, SiteData, link, records
from pipeline.text import escape
from pipeline.words import i18n

CHART_FILES = (("png", "png"), ("svg", "svg"), ("vl", "vl.json"))


def _text(value: object) -> str:
    return "" if pd.isna(value) else str(value)


def _table(site: SiteData, rows: pd.DataFrame, title: str, ident: str, lang: str) -> dict:
    t = partial(i18n.t, lang)
    labels = site.groups[f"label_{lang}"]

    def group(row: dict) -> str:
        label = labels.at[row["group_id"]]
        if pd.isna(row["reference_year"]):
            return label
        return f"{label} ({t('reference_year', year=int(row['reference_year']))})"

    shown = records(rows, ["edition", "group_id", "reference_year", "value", "unit", "n", "ci_low", "ci_high",
                            "status"])
    return {"id": f"table-{ident}", "caption": t("table_caption", title=title),
            "header": [t(f"col_{name}") for name in ("edition", "group", "value", "n", "interval", "status")],
            "rows": [[int(r["edition"]), group(r), site.value(r, lang) or "–",
                      i18n.number(r["n"], lang) if pd.notna(r["n"]) else t("unknown"),
                      f"{i18n.number(r['ci_low'], lang)}–{i18n.number(r['ci_high'], lang)}"
                      if pd.notna(r["ci_low"]) else "–", t(f"status_{r['status']}")] for r in shown]}


def _wordings(site: SiteData, meta: pd.Series, measured: pd.DataFrame, lang: str) -> list[dict]:
    """The published wording, labelled as what it is (only a question asked word for word is quoted): the
    indicator's own, or, where a measurement published its figure in other words, each measurement's."""
    own = site.wordings.get(meta.name)
    own = {int(r["edition"]): r for r in records(own, list(own.columns))} if own is not None else {}
    urls: dict[int, str] = {}  # per measurement, the last report its rows name
    for r in records(measured, ["edition", "source_url"]):
        if pd.notna(r["source_url"]):
            urls[int(r["edition"])] = r["source_url"]
    found: list[dict] = []
    for edition in sorted(int(e) for e in measured["edition"].unique()) or [None]:
        source = own.get(edition, meta)
        kind = source["wording_kind"]
        if not kind or not source[f"wording_{lang}"]:
            continue
        wording = {"label": i18n.t(lang, f"wording_{kind}"), "text": source[f"wording_{lang}"],
                   "quoted": kind == "question", "source": source[f"wording_source_{lang}"],
                   "href": urls.get(edition), "edition": edition}
        if found and all(found[-1][k] == wording[k] for k in ("label", "text", "source")):
            continue
        found.append(wording)
    if len(found) > 1:
        for wording in found:
            wording["label"] = i18n.t(lang, "wording_in_edition", label=wording["label"], edition=wording["edition"])
    return found


def _counted_table(site: SiteData, rows: pd.DataFrame, title: str, ident: str, lang: str) -> dict:
    """The counted figures, per cohort, reference date and group, with how many people each is about."""
    t = partial(i18n.t, lang)
    labels = site.groups[f"label_{lang}"]
    return {"id": f"table-{ident}", "caption": t("counted_caption", title=title),
            "header": [t(f"col_{name}") for name in ("cohort", "reference_date", "group", "value", "counted",
                                                      "status")],
            "rows": [[int(r["cohort"]), i18n.iso_date(r["reference_date"], lang),
                      labels.at[r["group_id"]],
                      (t(f"statistic_{r['statistic']}", value=site.value(r, lang)) if pd.notna(r["value"]) else "–"),
                      i18n.number(r["counted"], lang) if pd.notna(r["counted"]) else "–",
                      t(f"counted_status_{r['status']}", least=counted.min_count(site.pkg))]
                     for r in records(rows)]}


def _counted_context(site: SiteData, page: Page, meta: pd.Series) -> dict:
    """What differs on the page of an indicator counted in a register: cohorts and reference dates, the
    register as its source and method, no respondents, no survey notes."""
    lang, ident = page.lang, page.ident
    t = partial(i18n.t, lang)
    rows = site.counted[ident]
    shown = rows[rows["value"].notna()]
    dates = sorted(shown["reference_date"].unique())
    day = partial(i18n.iso_date, lang=lang)
    registers = list(dict.fromkeys(rows["register_id"]))
    status = t("counted_status", date=day(dates[-1])) if dates else t("status_not_published")
    sources = [{"href": url, "text": t("counted_source", register=site.registers.at[register, f"title_{lang}"],
                                       date=day(date))}
               for (register, date, url) in dict.fromkeys(zip(shown["register_id"], shown["reference_date"],
                                                              shown["source_url"], strict=True))]
    scope = publication.indicator_scope(ident)
    downloads = [{"href": link(page.path, "data/" + scope.file(site.pkg, fmt)), "text": t(f"download_{fmt}"),
                  "download": True} for fmt in publication.COUNTED_SMALL] if dates else []
    if dates and site.chart(lang, ident):
        downloads += [{"href": link(page.path, f"charts/{lang}/{ident}.{suffix}"), "text": t(f"download_{name}"),
                       "download": True} for name, suffix in CHART_FILES]
    return {"status": f"{status} · {t('source_kind_registration')}", "wordings": [], "downloads": downloads,
            "table": _counted_table(site, rows, meta[f"title_{lang}"], ident, lang),
            "method_title": t("method_notes_registration"),
            "editions": [{"title": site.registers.at[r, f"title_{lang}"],
                          "notes": site.registers.at[r, f"description_{lang}"], "change": ""} for r in registers],
            "sources": sources,
            "cite": publication.counted_citation(site.pkg, lang, [s["text"] for s in sources],
                                                    site.permalink(page.path))}


def brief(view: dict) -> dict:
    """What the council edition says of an indicator, taken from its page's view (plain values)."""
    table = view["table"]
    return {"status": view["status"], "definition": view["definition"], "findings": view["findings"],
            "table": {"caption": table["caption"], "header": table["header"], "rows": table["rows"]} if table else None,
            "wordings": [{"label": w["label"], "text": w["text"], "source": w["source"]} for w in view["wordings"]],
            "sources": [{"text": s["text"], "url": s["href"]} for s in view["sources"]]}


def view(site: SiteData, page: Page) -> dict:
    lang, ident, here = page.lang, page.ident, page.path
    t = partial(i18n.t, lang)
    meta = site.indicators.loc[ident]
    rows = site.by_indicator[ident]
    rows = rows[rows["status"].isin(SHOWN)]
    measured = rows[rows["value"].notna()]
    editions = [{"title": site.edition_title(e, lang), "notes": site.editions.at[e, f"method_notes_{lang}"],
                 "change": site.method_change(e, lang)} for e in sorted(int(x) for x in measured["edition"].unique())]
    cited: dict[tuple, str] = {}  # (edition, report) -> the first figure named for it, in table order
    for r in records(measured, ["edition", "source_url", "source_figure"]):
        cited.setdefault((int(r["edition"]), _text(r["source_url"])), _text(r["source_figure"]))
    sources = [{"href": url, "text": site.report_source(site.editions.at[e, f"title_{lang}"]
                                                        + (f", {figure}" if figure else ""), lang)}
               for (e, url), figure in cited.items()]
    downloads = []
    if not measured.empty:
        scope = publication.indicator_scope(ident)
        downloads = [{"href": link(here, "data/" + scope.file(site.pkg, fmt)), "text": t(f"download_{fmt}"),
                      "download": True} for fmt in publication.SMALL_FORMATS]
        downloads += [{"href": link(here, f"charts/{lang}/{ident}.{suffix}"), "text": t(f"download_{name}"),
                       "download": True} for name, suffix in CHART_FILES]
    goal_id = meta["goal_id"]
    errata = site.errata.get(ident)
    corrections = [] if errata is None else [
        t("erratum_line", date=r["date"], edition=int(r["edition"]),
          group=site.groups.at[r["group_id"], f"label_{lang}"], old=i18n.number(r["old_value"], lang),
          new=i18n.number(r["new_value"], lang), description=r[f"description_{lang}"])
        for _, r in errata.sort_values("date").iterrows()]
    # The iframe snippet is shown as code: our own escaped HTML, in a fence it cannot close.
    embed = site.made.embeds[f"{lang}/{ident}"]
    return {"goal": {"href": link(here, addresses.path(lang, "goal", goal_id)),
                     "title": site.goals.at[goal_id, f"title_{lang}"]},
            "status": f"{site.measured_since(ident, lang)} · {t('source_kind_' + meta['source_kind'])}",
            "wordings": _wordings(site, meta, measured, lang), "definition": meta[f"definition_{lang}"],
            "note": meta[f"note_{lang}"], "corrections": corrections, "chart": site.chart(lang, ident),
            "findings": site.findings(lang, "indicator", ident),
            "table": _table(site, rows, meta[f"title_{lang}"], ident, lang) if not rows.empty else None,
            "research": site.research(lang, indicator_id=ident), "editions": editions, "sources": sources,
            "downloads": downloads, "embed": embed, "code_fence": Markup(escape.fence(embed)),
            "cite": site.cite(lang, site.permalink(here), measured), "permalink": site.permalink(here),
            "method_title": t("method_notes"),
            **(_counted_context(site, page, meta) if ident in site.counted else {})}
