"""A summary in one language of the questionnaire (``summaries``): why the city asks, the key figures per
goal for both groups, what the city does next, how to reach it, and the way to the full site.

Its frame is its own, in its own language and direction: the Dutch and English pages' frame speaks only
those two. It lives in the Dutch project, at ``samenvatting/<file>.html``.
"""

from __future__ import annotations

import string

from pipeline.model import addresses, summaries
from pipeline.stages.views.site import Page, SiteData, link
from pipeline.words import i18n


def page_of(site: SiteData, file: str) -> Page:
    words = summaries.languages()[file]
    here = summaries.path(file)
    return Page(i18n.LANGUAGES[0], "summary", "summary", file, here, words["title"], words["description"],
                counterpart=here)


def _figures(site: SiteData, words: dict, tag: str) -> list[dict]:
    """Per goal, its topics with both groups' figures; a topic the file has no name for is left out."""
    found = []
    for goal_id in site.goals.index:
        topics = [{"title": words["indicators"][t.indicator_id],
                   "measured": words["measured"].format(year=summaries.year(t.edition, tag)),
                   "groups": [{"name": words["groups"][g], "value": summaries.percent(v, tag)} for g, v in t.groups]}
                  for t in summaries.topics(site.table, goal_id)
                  if t.indicator_id in words["indicators"] and all(g in words["groups"] for g, _ in t.groups)]
        if topics and goal_id in words["goals"]:
            found.append({"title": words["goals"][goal_id], "topics": topics})
    return found


def others(current: str) -> list[dict]:
    """Every summary, each named in its own language and script."""
    return [{"href": link(current, summaries.path(file)), "text": words["language"]["name"],
             "lang": words["language"]["tag"], "current": summaries.path(file) == current}
            for file, words in summaries.languages().items()]


def _contact(template: str, contact: dict) -> list[dict]:
    """The contact sentence in pieces: the translator's words, the phone number and the web address, each of
    the last two a left-to-right island (on a right-to-left page its slashes and digits stay in order), the
    address a link."""
    parts = []
    for literal, field, _, _ in string.Formatter().parse(template):
        if literal.strip():  # the escaping trims a text: its spaces are kept apart
            parts.append({"text": literal.strip(), "before": literal[0].isspace(), "after": literal[-1].isspace()})
        if field == "website":
            parts.append({"text": contact["website"].removeprefix("https://").rstrip("/"), "href": contact["website"]})
        elif field:
            parts.append({"text": contact[field], "ltr": True})
    return parts


def view(site: SiteData, page: Page) -> dict:
    words = summaries.languages()[page.ident]
    tag = words["language"]["tag"]
    here = page.path
    unknown = not all(t.counts_known for g in site.goals.index for t in summaries.topics(site.table, g))
    contact = summaries.contact()
    translation = words["translation"]
    checked = summaries.checked(words)  # the Dutch file is the source: never called unchecked
    return {"w": words, "lang": tag, "unchecked": not checked and page.ident != "nl",
            "checked": i18n.t("nl", "summary_checked", name=translation["checked_by"],
                              date=i18n.iso_date(translation["checked_on"], "nl")) if checked else "",
            "figures": _figures(site, words, tag), "unknown_size": unknown,
            "contact": _contact(words["contact"], contact),
            "full_nl": link(here, addresses.path("nl", "home")), "full_en": link(here, addresses.path("en", "home")),
            "others": [o for o in others(here) if not o["current"]]}


