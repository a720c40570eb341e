"""Stage 4c, embeds: one small standalone page per indicator and language, for iframes in articles.

An embed page carries everything inline (the chart as SVG, the styles), so it makes no request of its
own; its links point at the public site with absolute addresses, since it is shown on other sites.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from . import escape, i18n, pages
from .exports import indicator_scope
from .package import DataPackage

TEMPLATES = Path(__file__).parent / "templates"
HEIGHT = 560


def environment() -> Environment:
    """Every template escapes every value (``escape.html``): data cannot become markup or a shortcode."""
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, finalize=escape.html,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def snippet(pkg: DataPackage, lang: str, indicator_id: str, title: str) -> Markup:
    """The ``<iframe>`` a journalist pastes into an article."""
    src = f"{pages.base_url(pkg)}embed/{lang}/{indicator_id}.html"
    return Markup('<iframe src="{}" title="{}" width="100%" height="{}" style="border:0;max-width:680px" '
                  'loading="lazy"></iframe>').format(src, escape.plain(title), HEIGHT)


def run(pkg: DataPackage, table: pd.DataFrame, story: dict[str, list[dict]], out: Path) -> None:
    template = environment().get_template("embed.html")
    base = pages.base_url(pkg)
    editions = pkg["editions"].set_index("edition")
    for lang in i18n.LANGUAGES:
        folder = out / "embed" / lang
        folder.mkdir(parents=True, exist_ok=True)
        for _, indicator in pkg["indicators"].iterrows():
            ident = indicator["indicator_id"]
            chart = out / "charts" / lang / f"{ident}.svg"
            first = next(f for f in story[lang] if f["scope"] == "indicator" and f["id"] == ident)
            rows = table[(table["indicator_id"] == ident) & table["value"].notna()]
            # The source names the reports behind what the embed shows: its first sentence (and chart).
            shown = sorted({r["edition"] for r in first["refs"]})
            reports = ", ".join(editions.at[int(e), f"title_{lang}"] for e in shown)
            title = indicator[f"title_{lang}"]
            page = template.render(
                lang=lang, title=title, site_title=i18n.t(lang, "site_title"),
                svg=chart.read_text(encoding="utf-8") if chart.exists() else "",
                summary=first["text"], source=f"{i18n.t(lang, 'source')}: {reports or i18n.t(lang, 'site_title')}.",
                licence=i18n.t(lang, "embed_licence"), more=i18n.t(lang, "embed_more"),
                page_url=base + pages.path(lang, "indicator", ident),
                csv_url=f"{base}data/{indicator_scope(ident).file(pkg, 'csv')}" if not rows.empty else "",
                csv_label=i18n.t(lang, "embed_csv"))
            (folder / f"{ident}.html").write_text(page, encoding="utf-8")
            (folder / f"{ident}.iframe.html").write_text(snippet(pkg, lang, ident, title) + "\n", encoding="utf-8")
