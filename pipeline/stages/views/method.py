"""About the research: the writer's text, then per measurement its method, the groups and the indicators."""

from __future__ import annotations

from functools import partial

from pipeline.model import addresses
from pipeline.stages.views.site import Page, SiteData, prose
from pipeline.words import i18n


def view(site: SiteData, page: Page) -> dict:
    lang = page.lang
    t = partial(i18n.t, lang)
    editions = [{"title": site.edition_title(e, lang), "notes": row[f"method_notes_{lang}"],
                 "change": site.method_change(e, lang), "source": {"href": row["source_url"],
                                                                     "text": row[f"title_{lang}"]}}
                for e, row in site.editions.iterrows()]
    groups = [{"label": row[f"label_{lang}"], "definition": row[f"definition_{lang}"]}
              for _, row in site.groups.iterrows()]
    rows = [[site.indicators.at[i, f"title_{lang}"], site.goals.at[site.indicators.at[i, "goal_id"], f"title_{lang}"],
             site.measured_since(i, lang), t(f"source_kind_{site.indicators.at[i, 'source_kind']}")]
            for i in addresses.ordered_indicators(site.pkg)]
    return {"content": prose(lang, "method"), "editions": editions, "groups": groups,
            "research": site.research(lang),
            "indicator_table": {"id": "table-indicators", "caption": t("method_indicators"),
                                "header": [t("col_indicator"), t("col_goal"), t("status"), t("col_source")],
                                "rows": rows},
            "threshold": " ".join([t("method_threshold", min=site.pkg.min_n, ind=site.pkg.indicative_n - 1),
                                   *([t("method_threshold_unknown")] if _counts_missing(site) else [])])}


def _counts_missing(site: SiteData) -> bool:
    """Whether some published figure has no number of respondents (so whether it is indicative is unknown)."""
    shown = site.table[site.table["value"].notna()]
    return bool(shown["n"].isna().any())
