"""A goal's page: what the figures say for its indicators, their chart and their table."""

from __future__ import annotations

from pipeline.model import addresses
from pipeline.stages.views.site import Page, SiteData


def view(site: SiteData, page: Page) -> dict:
    lang, goal_id = page.lang, page.ident
    rows = site.table[site.table["goal_id"] == goal_id]
    return {"intro": site.findings(lang, "goal", goal_id, kinds=("intro",)),
            "chart": site.chart(lang, f"goal-{goal_id}"), "findings": site.findings(lang, "goal", goal_id),
            "board": site.dashboard(lang, page.path, addresses.ordered_indicators(site.pkg, goal_id),
                                    f"dashboard-{goal_id}"),
            "research": site.research(lang, goal_id=goal_id), "cite": site.cite(lang, site.permalink(page.path), rows)}
