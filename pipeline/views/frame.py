"""The frame around every page, defined once: navigation, footer, head tags and Quarto's configuration.

Quarto draws the frame from each language's ``_quarto.yml``; the preview draws the same entries from
``nav_items`` and ``footer_items``. Both read the page lists in ``metadata/pages.yaml``.
"""

from __future__ import annotations

import json

import pandas as pd
import yaml

from .. import escape, i18n, pages, publication
from ..package import DataPackage
from .common import ROOT, link

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
       "script-src 'self' 'unsafe-inline'; font-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'")


def _in_project(lang: str, site_path: str) -> str:
    """A page's address inside its language's Quarto project. Quarto links it from every page, whether or
    not the page is rendered in the same run (a ``.qmd`` address would stay unresolved in a partial one)."""
    return pages.source_path(lang, site_path).removesuffix(".qmd") + ".html"


def nav_items(lang: str, current: str) -> list[dict]:
    """The navigation bar's entries, with links relative to the page at ``current``."""
    return [{"href": link(current, target), "text": i18n.t(lang, f"nav_{key}"), "current": target == current,
             "project": _in_project(lang, target)}
            for key in pages.frame("navigation") for target in [pages.path(lang, key)]]


def footer_items(lang: str, current: str) -> list[dict]:
    return [{"href": link(current, target), "text": i18n.t(lang, f"nav_{key}"), "project": _in_project(lang, target)}
            for key in pages.frame("footer") for target in [pages.path(lang, key)]]


def footer_text(lang: str, pkg: DataPackage) -> str:
    """The footer line of every page: who publishes, the licence, and when the figures were last updated."""
    updated = i18n.t(lang, "updated", date=i18n.date(publication.package_date(pkg).date(), lang))
    return f"{i18n.t(lang, 'footer_text')} {updated}."


def quarto_config(lang: str, pkg: DataPackage, goals: pd.DataFrame) -> dict:
    """The language's ``_quarto.yml``: the shared settings of the root ``_quarto.yml`` plus its own."""
    config = json.loads(json.dumps(yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))))
    home = pages.path(lang, "home")
    goal_menu = [{"href": _in_project(lang, pages.path(lang, "goal", goal_id)),
                  "text": escape.markdown(row[f"title_{lang}"])} for goal_id, row in goals.iterrows()]
    left = [{"href": item["project"], "text": item["text"]} for item in nav_items(lang, home)]
    left.insert(1, {"text": i18n.t(lang, "nav_goals"), "menu": goal_menu})
    config["lang"] = lang
    website = config.setdefault("website", {})
    website.update({"title": i18n.t(lang, "site_title"), "site-url": pages.base_url(pkg) + pages.PREFIX[lang],
                    "navbar": {**website.get("navbar", {}), "left": left},
                    "page-footer": {"left": escape.markdown(footer_text(lang, pkg)),
                                    "right": [{"href": item["project"], "text": item["text"]}
                                              for item in footer_items(lang, home)]}})
    return config
