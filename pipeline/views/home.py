"""The home page: the writer's introduction, the pattern across topics, the goals and every indicator."""

from __future__ import annotations

from .. import i18n, pages
from .common import Page, SiteData, link, prose


def context(site: SiteData, page: Page) -> dict:
    lang = page.lang
    latest = int(site.table.loc[site.table["value"].notna(), "edition"].max())
    goals = [{"href": link(page.path, pages.path(lang, "goal", goal_id)), "title": row[f"title_{lang}"],
              "label": i18n.t(lang, "goal_label", order=int(row["order"])), "description": row[f"description_{lang}"]}
             for goal_id, row in site.goals.iterrows()]
    return {"content": prose(lang, "home"), "goals": goals,
            "latest": i18n.t(lang, "latest_edition", title=site.edition_title(latest, lang)),
            "headline": site.findings(lang, "home", kinds=("intro",)), "chart": site.chart(lang, "comparison"),
            "findings": site.findings(lang, "home"), "plan": site.findings(lang, "home", kinds=("plan",)),
            "board": site.dashboard(lang, page.path, pages.ordered_indicators(site.pkg), "dashboard-home"),
            "cite": site.cite(lang, site.base + page.path)}
