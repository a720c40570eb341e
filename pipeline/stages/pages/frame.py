"""The frame around every page, defined once: navigation, footer, head tags and Quarto's configuration.

Quarto and the preview draw the same frame (``pages/templates/frame.html``) from ``frame``, which reads the
page lists in ``model/pages.yaml``; Quarto's own navigation bar, search and footer are not used.
"""

from __future__ import annotations

import datetime
import json

import pandas as pd
import yaml

from pipeline.look import tokens
from pipeline.model import addresses, publication, summaries
from pipeline.model.package import DataPackage
from pipeline.paths import QUARTO_CONFIG
from pipeline.stages.views.site import Page, link
from pipeline.stages.views.summary import others
from pipeline.words import i18n

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
       "script-src 'self'; font-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'")


def nav_items(lang: str, current: str) -> list[dict]:
    """The navigation bar's entries, with links relative to the page at ``current``."""
    return [{"href": link(current, target), "text": i18n.t(lang, f"nav_{key}"), "current": target == current}
            for key in addresses.frame("navigation") for target in [addresses.path(lang, key)]]


def footer_items(lang: str, current: str) -> list[dict]:
    return [{"href": link(current, target), "text": i18n.t(lang, f"nav_{key}")}
            for key in addresses.frame("footer") for target in [addresses.path(lang, key)]]


def footer_text(lang: str, pkg: DataPackage) -> str:
    """The footer line of every page: who publishes, the licence, and when the figures were last updated."""
    updated = i18n.t(lang, "updated", date=i18n.date(publication.package_date(pkg).date(), lang))
    return f"{i18n.t(lang, 'footer_text')} {updated}."


def frame(page: Page, pkg: DataPackage, goals: pd.DataFrame) -> dict:
    """What the header, navigation and footer of ``page`` show (``pages/templates/frame.html``)."""
    lang, current = page.lang, page.path
    home = addresses.path(lang, "home")
    nav = nav_items(lang, current)
    menu = [{"href": link(current, target), "text": row[f"title_{lang}"], "current": target == current}
            for goal_id, row in goals.iterrows() for target in [addresses.path(lang, "goal", goal_id)]]
    nav.insert(1, {"text": i18n.t(lang, "nav_goals"), "menu": menu, "current": any(m["current"] for m in menu)})
    return {"skip": i18n.t(lang, "skip_to_content"), "home": link(current, home),
            "site_title": i18n.t(lang, "site_title"), "nav": nav, "nav_label": i18n.t(lang, "nav_label"),
            "language_label": i18n.t(lang, "language_label"), "other_lang": i18n.other(lang),
            "counterpart": link(current, page.counterpart),
            "switch_label": i18n.t(lang, "switch_language"), "search": link(current, addresses.path(lang, "search")),
            "search_label": i18n.t(lang, "search_label"), "search_button": i18n.t(lang, "search_button"),
            "footer": footer_text(lang, pkg), "footer_links": footer_items(lang, current)}


def quarto_config(lang: str, pkg: DataPackage) -> dict:
    """The language's ``_quarto.yml``: the shared settings of the root ``_quarto.yml`` plus its own."""
    config = json.loads(json.dumps(yaml.safe_load(QUARTO_CONFIG.read_text(encoding="utf-8"))))
    config["lang"] = lang
    config["monitor-theme"] = tokens.theme()["class"]
    config.setdefault("website", {}).update({"title": i18n.t(lang, "site_title"),
                                             "site-url": addresses.base_url(pkg) + addresses.PREFIX[lang]})
    return config


def footer_date(value: datetime.date, tag: str) -> str:
    """The date as the site's own pages write it in Dutch and English; in the summary's language otherwise."""
    return i18n.date(value, tag) if tag in i18n.LANGUAGES else summaries.date(value, tag)


def summary_front(pkg: DataPackage, base: str, page: Page, csp: str, templates: dict) -> dict:
    """A summary's own front matter: its language and direction, head tags (alternates to every summary, its
    script's font) and frame, all in its own language: the Dutch and English pages' frame speaks only those."""
    words = summaries.languages()[page.ident]
    language = words["language"]
    root = link(page.path, "x")[:-1]
    script = language["script"]
    alternates = [{"lang": w["language"]["tag"], "href": summaries.path(f)} for f, w in summaries.languages().items()]
    own_font = script in tokens.script_fonts()
    fonts = [tokens.first_font_file()] + ([tokens.first_font_file(tokens.script_fonts()[script]["files"])]
                                          if own_font else [])
    head = templates["summary_head"].render(
        csp=csp, base=base, page=page, root=root, alternates=alternates, fonts=fonts,
        font_css=f"assets/fonts-{script}.css" if own_font else None)
    frame = {"skip": words["skip"], "home": link(page.path, addresses.path("nl", "home")),
             "site_title": i18n.t("nl", "site_title"), "languages_label": words["languages_label"],
             "others": others(page.path),
             "footer": words["footer"].format(date=footer_date(publication.package_date(pkg).date(),
                                                               str(language["tag"])))}
    return {"lang": str(language["tag"]), "dir": language["dir"], "include-in-header": {"text": head.strip()},
            "include-before-body": {"text": str(templates["summary_frame"].module.header(frame)).strip()},
            "include-after-body": {"text": str(templates["summary_frame"].module.footer(frame)).strip()}}
