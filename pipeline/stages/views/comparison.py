"""The comparison of the groups: every indicator where both main groups have a figure, largest gap first."""

from __future__ import annotations

from functools import partial

from pipeline.stages.views.site import Page, SiteData
from pipeline.words import i18n


def view(site: SiteData, page: Page) -> dict:
    lang = page.lang
    t = partial(i18n.t, lang)
    rows = []
    for indicator_id, pair in site.table[site.table["compared"]].groupby("indicator_id", sort=False, observed=True):
        pair = pair.set_index("group_id")
        first = pair.loc[site.main_groups[0]]
        rows.append((abs(first["gap_pp"]), [site.indicators.at[indicator_id, f"title_{lang}"], int(first["edition"]),
                                            *(site.value(pair.loc[g], lang) for g in site.main_groups),
                                            i18n.points(first["gap_pp"], lang)]))
    header = [t("col_indicator"), t("col_edition"), *[site.groups.at[g, f"label_{lang}"] for g in site.main_groups],
              t("col_gap")]
    return {"chart": site.chart(lang, "comparison"), "findings": site.findings(lang, "comparison"),
            "table": {"id": "table-comparison", "caption": t("comparison_table_caption"), "header": header,
                      "rows": [r for _, r in sorted(rows, key=lambda x: -x[0])]},
            "cite": site.cite(lang, site.permalink(page.path))}
