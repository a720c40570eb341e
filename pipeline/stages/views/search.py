"""The search page: a form, and a script that searches the index Quarto writes (``search.json``).

Every page's header has a small form that sends its words here; only this page loads a script. The
words may come in any order: a page is found when it contains all of them (MiniSearch, ``AND``).
"""

from __future__ import annotations

from pipeline.model import addresses
from pipeline.stages.views.site import Page, SiteData, link
from pipeline.words import i18n


def view(site: SiteData, page: Page) -> dict:
    lang = page.lang
    ordered = addresses.ordered_indicators(site.pkg)
    first = site.indicators.loc[ordered[0]] if ordered else None
    group = site.groups.loc[site.main_groups[0]] if site.main_groups else None
    example = " ".join(str(row[f"{field}_{lang}"]).lower() for row, field in ((first, "title"), (group, "label"))
                       if row is not None) or i18n.t(lang, "site_title")
    return {"intro": i18n.t(lang, "search_intro", example=example),
            "search": {"label": i18n.t(lang, "search_label"), "button": i18n.t(lang, "search_button"),
                       "found": i18n.t(lang, "search_found", query="{query}", count="{count}"),
                       "none": i18n.t(lang, "search_none", query="{query}"),
                       "unavailable": i18n.t(lang, "search_unavailable"),
                       "needs_script": i18n.t(lang, "search_needs_script"),
                       "library": link(page.path, "assets/minisearch.js"),
                       "script": link(page.path, "assets/search.js")}}
