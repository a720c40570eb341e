"""The home page: the writer's introduction, the pattern across topics, the goals and every indicator."""

from __future__ import annotations

from functools import partial

from pipeline.model import addresses, publication
from pipeline.model.package import DataPackage
from pipeline.stages.story.indicator import unstated
from pipeline.stages.views import summary
from pipeline.stages.views.site import Page, SiteData, Sizes, link, prose
from pipeline.words import i18n


def view(site: SiteData, page: Page) -> dict:
    lang = page.lang
    latest = int(site.table.loc[site.table["value"].notna(), "edition"].max())
    goals = [{"href": link(page.path, addresses.path(lang, "goal", goal_id)), "title": row[f"title_{lang}"],
              "label": i18n.t(lang, "goal_label", order=int(row["order"])), "description": row[f"description_{lang}"]}
             for goal_id, row in site.goals.iterrows()]
    return {"content": prose(lang, "home"), "goals": goals, "first": _first_screen(site, page, latest),
            "headline": site.findings(lang, "home", kinds=("intro",)), "chart": site.chart(lang, "comparison"),
            "findings": site.linked_findings(lang, "home", page), "plan": site.findings(lang, "home", kinds=("plan",)),
            "board": site.dashboard(lang, page.path, addresses.ordered_indicators(site.pkg), "dashboard-home"),
            "cite": site.cite(lang, site.permalink(page.path)), "council": None,
            "summaries": summary.others(page.path)}


def _first_screen(site: SiteData, page: Page, latest: int) -> dict:
    """What a phone's first screen answers: the latest measurement (when, and its report), per goal the
    figures of both groups on its topic with the largest gap, and what changed since the measurement before."""
    lang, t = page.lang, partial(i18n.t, page.lang)
    edition = site.editions.loc[latest]
    fieldwork = edition[f"fieldwork_{lang}"]
    when = (t("first_fieldwork", fieldwork=fieldwork) if fieldwork
            else t("first_published", year=int(edition["published"])))
    goals = []
    unknown_base = unstated(site.pkg["indicators"])
    for goal_id, row in site.goals.iterrows():
        compared = site.table[(site.table["goal_id"] == goal_id) & site.table["compared"]
                              & ~site.table["indicator_id"].isin(unknown_base)]
        href = link(page.path, addresses.path(lang, "goal", goal_id))
        if compared.empty:  # no figures for both groups: the goal's latest figure for all newcomers, if any
            compared = site.table[(site.table["goal_id"] == goal_id) & (site.table["group_role"] == "total")
                                  & site.table["value"].notna() & ~site.table["indicator_id"].isin(unknown_base)]
        if compared.empty:
            goals.append({"title": row[f"title_{lang}"], "href": href,
                          "line": t("first_goal_none", goal=row[f"title_{lang}"])})
            continue
        # The goal's latest figure that says something: a topic where more is better or worse, of the goal's
        # latest measurement, the widest gap there (a 2024 share of classes taken is neither good nor bad).
        directional = compared[compared["polarity"] != "neutral"]
        pool = directional if not directional.empty else compared
        pool = pool[pool["edition"] == pool["edition"].max()]
        widest = pool.loc[pool["gap_pp"].abs().fillna(0).idxmax(), "indicator_id"]
        pair = pool[pool["indicator_id"] == widest]
        figures = ", ".join(f"{site.groups.at[r['group_id'], f'label_{lang}']} {site.value(r, lang)}"
                            for _, r in pair.iterrows())
        key = "first_goal_line" if pair["n"].notna().all() else "first_goal_line_unknown_n"
        goals.append({"title": row[f"title_{lang}"], "href": href,
                      "topic": i18n.in_sentence(site.indicators.at[widest, f"title_{lang}"]),
                      "line": t(key, figures=figures, edition=int(pair["edition"].iloc[0]))})
    trends = site.findings(lang, "home", kinds=("trend",))
    return {"latest": t("latest_edition", title=site.edition_title(latest, lang)), "when": when,
            "report": {"href": edition["source_url"], "text": t("first_report")}, "goals": goals,
            "changed": trends[0] if trends else t("first_no_change")}


def sized(values: dict, page: Page, pkg: DataPackage, sizes: Sizes) -> dict:
    """The view with the link to this language's council edition and its size, once every file is written."""
    rel = publication.council_file(pkg, page.lang)
    if rel not in sizes:
        return values
    kilobytes = i18n.number(sizes[rel] / 1024, page.lang, 0)
    text = i18n.t(page.lang, "pdf_download", size=f"{kilobytes}\u00a0kB")  # the unit stays with its number
    return {**values, "council": {"href": link(page.path, "data/" + rel), "text": text}}
