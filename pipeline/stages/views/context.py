"""The context page: the city's own series (population, arrivals), each with its chart, table and source."""

from __future__ import annotations

from functools import partial

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
            "sources": [{"href": url, "text": f"{t('source')}: {series[f'source_{lang}']}"}
                        for url in values["source_url"].drop_duplicates()]})
    return {"series_list": series_list}
