"""The context page: the city's own series (population, arrivals), each with its chart, table and source."""

from __future__ import annotations

from functools import partial

import pandas as pd

from pipeline.stages.views.site import Page, SiteData
from pipeline.words import i18n


def view(site: SiteData, page: Page) -> dict:
    lang = page.lang
    t = partial(i18n.t, lang)
    series_list = []
    for _, series in site.pkg["context_series"].sort_values("order").iterrows():
        values = site.pkg["context"][site.pkg["context"]["series_id"] == series["series_id"]].sort_values("year")
        series_list.append({
            "id": series["series_id"], "title": series[f"title_{lang}"], "definition": series[f"definition_{lang}"],
            "chart": site.chart(lang, f"context-{series['series_id']}"),
            "table": {"id": f"table-{series['series_id']}",
                      "caption": t("context_table_caption", title=series[f"title_{lang}"]),
                      "header": [t("col_year"), t("col_value")],
                      "rows": [[int(r["year"]), i18n.number(r["value"], lang)
                                + (f" ({t('provisional')})" if r["provisional"] else "")]
                               for _, r in values.iterrows()]},
            "sources": series_sources(values, f"{t('source')}: {series[f'source_{lang}']}")})
    return {"series_list": series_list}


def series_sources(values: pd.DataFrame, text: str) -> list[dict]:
    """A series' sources, one per address; where it has more than one, each says which years it gives, so
    the same source named twice is not read as a repetition."""
    by_url = values.groupby("source_url", sort=False)["year"]
    found = []
    for url, years in by_url:
        first, last = int(years.min()), int(years.max())
        span = "" if by_url.ngroups == 1 else f", {first}" if first == last else f", {first}–{last}"
        found.append({"href": url, "text": text + span})
    return found
