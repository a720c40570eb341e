"""Stage 6, embeds: one small standalone page per indicator and language, for iframes in articles.

An embed page carries everything inline (the chart as SVG, the styles), so it makes no request of its
own; its links point at the public site with absolute addresses, since it is shown on other sites.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from markupsafe import Markup

from pipeline.engine.output import inside
from pipeline.look import tokens
from pipeline.model import addresses, versions
from pipeline.model.package import DataPackage
from pipeline.model.publication import indicator_scope
from pipeline.model.tables import Tables
from pipeline.text import escape
from pipeline.text.templating import html_environment
from pipeline.words import i18n

if TYPE_CHECKING:
    from pipeline.stages.charts import Charts
    from pipeline.stages.story import Story

HERE = Path(__file__).parent  # the embed's page and snippet templates
# The frame's height must show everything at a phone's width without scrolling. It is estimated from the
# chart's own height and the text's length at 360 px (about 36 characters a line at 16 px); the embed
# test measures the real content in a browser at 360 and 680 px and checks the estimate is enough.
CHARS_PER_LINE = 36
LINE = 24  # px: one line of 16 px text at line height 1.5


def frame_height(svg: str, texts: list[str]) -> int:
    """Pixels the embed needs at 360 px wide: the chart as drawn, each text as wrapped, the margins."""
    found = re.search(r'<svg[^>]*\sheight="([\d.]+)"', svg)
    chart = float(found.group(1)) if found else 0
    lines = sum(math.ceil(len(text) / CHARS_PER_LINE) + 1 for text in texts)  # +1: a paragraph's margin
    return int(math.ceil((chart + lines * LINE + 48) / 10) * 10)


def snippet(pkg: DataPackage, lang: str, indicator_id: str, title: str, height: int) -> Markup:
    """The ``<iframe>`` a journalist pastes into an article."""
    # The embed stays as it was made: the frozen copy of this version, once it is released.
    src = versions.permalink(pkg, addresses.base_url(pkg), f"embed/{lang}/{indicator_id}.html")
    return Markup(html_environment(HERE).get_template("iframe.html").render(src=src, title=escape.plain(title),
                                                                         height=height).strip())


Embeds = dict[str, Markup]  # by "<lang>/<indicator_id>": the ``<iframe>`` snippet the indicator's page offers


def _register_source(registered: pd.DataFrame, ref: dict, lang: str) -> str:
    """A counted figure's source: its register and reference date."""

    row = registered.loc[(ref["indicator_id"], ref["cohort"], ref["reference_date"], ref["group_id"])]
    return i18n.t(lang, "counted_source", register=row[f"title_{lang}"],
                  date=i18n.iso_date(ref["reference_date"], lang))


def run(context: Tables, story: Story, charts: Charts, out: Path) -> Embeds:
    """Write ``embed/<lang>/<indicator_id>.html`` and its snippet (``.iframe.html``); returns the snippets."""
    pkg, table = context.pkg, context.rows
    template = html_environment(HERE).get_template("embed.html")
    embeds: Embeds = {}
    base = addresses.base_url(pkg)
    editions = context.catalogue.editions
    measured = set(table.loc[table["value"].notna(), "indicator_id"])
    registered = context.counted.merge(pkg["registers"], on="register_id").set_index(
        ["indicator_id", "cohort", "reference_date", "group_id"])
    for lang in i18n.LANGUAGES:
        folder = out / "embed" / lang
        folder.mkdir(parents=True, exist_ok=True)
        firsts: dict[str, dict] = {}
        for finding in story[lang]:
            if finding["scope"] == "indicator":
                firsts.setdefault(finding["id"], finding)
        for _, indicator in pkg["indicators"].iterrows():
            ident = indicator["indicator_id"]
            chart = charts.get(f"{lang}/{ident}")
            first = firsts[ident]
            # The source names the reports behind what the embed shows: its first sentence (and chart).
            shown = sorted({r["edition"] for r in first["refs"] if "edition" in r})
            reports = ", ".join([*(editions.at[int(e), f"title_{lang}"] for e in shown),
                                 *dict.fromkeys(_register_source(registered, r, lang)
                                                for r in first["refs"] if "cohort" in r)])
            title = indicator[f"title_{lang}"]
            svg = chart.svg.read_text(encoding="utf-8") if chart else ""
            source = f"{i18n.t(lang, 'source')}: {reports or i18n.t(lang, 'site_title')}."
            height = frame_height(svg, [title, first["text"], f"{source} {i18n.t(lang, 'embed_licence')}",
                                        f"{i18n.t(lang, 'embed_more')} · {i18n.t(lang, 'embed_csv')}"])
            page = template.render(
                lang=lang, title=title, site_title=i18n.t(lang, "site_title"), tokens_css=tokens.css(),
                svg=svg,
                summary=first["text"], source=source,
                licence=i18n.t(lang, "embed_licence"), more=i18n.t(lang, "embed_more"),
                page_url=versions.permalink(pkg, base, addresses.path(lang, "indicator", ident)),
                csv_url=f"{base}data/{indicator_scope(ident).file(pkg, 'csv')}" if ident in measured else "",
                csv_label=i18n.t(lang, "embed_csv"))
            inside(folder, f"{ident}.html").write_text(page, encoding="utf-8")
            embeds[f"{lang}/{ident}"] = snippet(pkg, lang, ident, title, height)
            inside(folder, f"{ident}.iframe.html").write_text(embeds[f"{lang}/{ident}"] + "\n", encoding="utf-8")
    return embeds
