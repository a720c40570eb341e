"""Stage 7, council edition: one accessible PDF per language, from the same data, story and charts as the site.

Typst (its Python package: no binary, no browser) writes tagged PDF/UA-1 with the document's language and
title, embeds its own fonts, and draws the charts from their SVG files as vector graphics, each with its
text alternative. The words come from the views the pages use (``views``), so the PDF and the site say the
same; they reach the Typst template as JSON data (``sys.inputs``), where a string is always set as text,
never read as markup. The PDF is dated by the package's date, so the same data gives the same bytes. Each
language's PDF is kept at the measurement's own address (``data/<edition>/``) and at ``data/latest/``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pandas as pd
import typst

from pipeline.engine.memo import Memo
from pipeline.engine.output import inside
from pipeline.engine.workers import Workers
from pipeline.look import tokens
from pipeline.model import addresses, publication
from pipeline.model.publication import LATEST
from pipeline.model.tables import Tables
from pipeline.stages.views import View, Views
from pipeline.stages.views.indicator import brief
from pipeline.stages.views.site import Made, SiteData
from pipeline.words import i18n

TEMPLATE = Path(__file__).parent / "edition.typ"

Council = dict[str, int]  # path under data/ → bytes, for the open-data page


def _chart(site: SiteData, lang: str, name: str, root: Path) -> dict | None:
    chart = site.made.charts.get(f"{lang}/{name}")
    if chart is None:
        return None
    return {"path": "/" + chart.svg.relative_to(root).as_posix(), "alt": chart.description, "title": chart.title}


def _goal(site: SiteData, view: View, root: Path) -> dict:
    page, values = view.page, view.values
    return {"title": page.title, "description": site.goals.at[page.ident, f"description_{page.lang}"],
            "intro": site.findings(page.lang, "goal", page.ident, kinds=("intro",), brief=True),
            "lines": values["findings"], "research": _research(values["research"]),
            "chart": _chart(site, page.lang, f"goal-{page.ident}", root)}


def _indicator(site: SiteData, view: View, root: Path) -> dict:
    """The indicator as its page shows it."""
    page = view.page
    return {"title": page.title, "chart": _chart(site, page.lang, page.ident, root), **brief(view.values),
            "findings": site.findings(page.lang, "indicator", page.ident, brief=True),  # the caveat is said once
            "research": _research(view.values["research"])}


def _context(site: SiteData, view: View | None, root: Path) -> dict | None:
    """The context page's series (the city's population and arrivals) as that page shows them."""
    if view is None or not view.values["series_list"]:
        return None
    page = view.page
    return {"title": page.title, "intro": page.description,
            "series": [{"title": s["title"], "definition": s["definition"],
                        "chart": _chart(site, page.lang, f"context-{s['id']}", root),
                        "table": {**s["table"], "right": [1]},  # the counts
                        "sources": [{"text": x["text"], "url": x["href"]} for x in s["sources"]]}
                       for s in view.values["series_list"]]}


def _research(items: list[dict]) -> list[dict]:
    """What the reports themselves say, with its kind and its source's address, as on the page."""
    return [{"kind": r["kind"], "text": r["text"], "source": r["source"], "url": r["href"]} for r in items]


def _capital(text: str) -> str:
    """The text with its first letter a capital, also after an opening bracket: "(Zeer) goede gezondheid"."""
    return re.sub(r"^(\W*)(\w)", lambda m: m[1] + m[2].upper(), text, count=1)


def document_data(site: SiteData, views: Views, lang: str, root: Path) -> dict:
    """Everything the PDF in ``lang`` says, as plain values (the template only lays them out), from the views
    of the goals' and indicators' pages: the PDF and the site say the same."""
    t = partial(i18n.t, lang)
    pkg = site.pkg
    by_key = {(v.page.key, v.page.ident): v for v in views.values() if v.page.lang == lang}
    latest = publication.latest_edition(pkg)
    changed = site.method_change(latest, lang)
    measured = [i for i in addresses.ordered_indicators(pkg) if site.indicators.at[i, "status"] == "measured"]
    waiting = [site.indicators.at[i, f"title_{lang}"] for i in addresses.ordered_indicators(pkg) if i not in measured]
    date = publication.package_date(pkg).date()
    home = site.permalink(addresses.path(lang, "home"))  # the frozen version's address once it is released
    first = by_key["home", None].values["first"]
    return {
        "lang": lang, "colours": {name: tokens.colour(name) for name in ("link", "muted", "border", "surface")},
        "title": t("pdf_title", title=pkg.settings[f"title_{lang}"], edition=latest),
        "publisher": pkg.settings[f"publisher_{lang}"],
        "keywords": [pkg.settings[f"title_{lang}"], site.edition_title(latest, lang)],
        "running_head": pkg.settings[f"title_{lang}"], "edition": site.edition_title(latest, lang),
        "date": i18n.date(date, lang), "version": pkg.descriptor["version"], "url": site.base,
        "headline": site.findings(lang, "home", kinds=("intro",)),
        # The first page, readable in a minute: per goal its latest figures, what changed, the one caveat.
        "glance": [{"goal": g["title"], "topic": _capital(g.get("topic", "")), "line": g["line"]}
                   for g in first["goals"]],
        "glance_changed": first["changed"], "glance_method": changed, "caveat": t("pdf_caveat", n=pkg.min_n),
        "changed": [changed or t("pdf_nothing_changed")],
        "goals": [_goal(site, by_key["goal", g], root) for g in site.goals.index],
        "indicators": [_indicator(site, by_key["indicator", i], root) for i in measured],
        "context": _context(site, by_key.get(("context", None)), root),
        "waiting": waiting, "method": [t("pdf_method_text")],
        "editions": [{"title": site.edition_title(int(e), lang), "notes": row[f"method_notes_{lang}"],
                      "change": site.method_change(int(e), lang), "url": row["source_url"]}
                     for e, row in site.editions.iterrows()],
        "cite": site.cite(lang, home), "licence": t("pdf_licence", licence=pkg.descriptor["licenses"][0]["title"]),
        "labels": {key: t(f"pdf_{key}") for key in ("contents", "page", "date", "version", "site", "summary",
                                                    "changed", "indicators", "sources", "waiting", "waiting_intro",
                                                    "method", "changed_in", "cite", "licence_title", "glance",
                                                    "pattern", "research")}
        # An earlier measurement's edition says what that measurement did not have, not what is missing today.
        | ({"waiting_intro": t("pdf_waiting_intro_then")} if "as_of" in pkg.settings else {}),
    }


def _compile(out: Path, data: str, stamp: int) -> tuple[bytes, str]:
    """The PDF, as PDF/UA-1 when every character of the data has a glyph in the embedded fonts; and what to
    tell the maintainer when not.

    PDF/UA forbids text a font cannot show; a text in a script those fonts lack (a title in Chinese, say)
    would stop the build. Then the PDF is written tagged but without the PDF/UA claim, and the build says so.
    """
    options = {"root": out, "sys_inputs": {"data": data}, "timestamp": stamp, "ignore_system_fonts": True}
    try:
        return typst.compile(TEMPLATE.read_bytes(), pdf_standards=["ua-1"], **options), ""
    except typst.TypstError as error:
        if "could not be displayed" not in str(error):
            raise
        return typst.compile(TEMPLATE.read_bytes(), **options), str(error).splitlines()[0]


@dataclass(frozen=True)
class _Shared:
    made: Made
    views: Views  # the home, goals', indicators' and context pages


def _site(context: Tables) -> SiteData:
    return SiteData(context, context.shared(_Shared).made)


_CHARTS = re.compile(r'"path": "/(charts/[^"]+)"')


def _kept_or_compiled(out: Path, data: str, stamp: int, cache: Path | None) -> tuple[bytes, str]:
    """The PDF from the cache when its data, date, charts and code are those of a PDF made before: typst
    takes most of a warm build's time at a thousand indicators (the code key covers template and typst)."""
    memo = Memo(cache, "council")
    key = memo.key(data, stamp, *(out / chart for chart in sorted(set(_CHARTS.findall(data)))))
    pdf, note = memo.get(f"{key}.pdf"), memo.get(f"{key}.note")
    if pdf is not None and note is not None:
        return pdf, note.decode("utf-8")
    pdf, problem = _compile(out, data, stamp)
    memo.put(f"{key}.pdf", pdf)
    memo.put(f"{key}.note", problem.encode("utf-8"))
    return pdf, problem


def _write(context: Tables, job: tuple[str, Path, Path | None]) -> tuple[Council, str]:
    """One language's PDF at both its addresses: a job for the workers (the two languages side by side)."""
    lang, out, cache = job
    stamp = int(pd.Timestamp(publication.package_date(context.pkg)).tz_localize("UTC").timestamp())
    views = context.shared(_Shared).views
    data = json.dumps(document_data(context.once(_site), views, lang, out), ensure_ascii=False)
    pdf, problem = _kept_or_compiled(out, data, stamp, cache)
    written: Council = {}
    for rel in (publication.council_file(context.pkg, lang), publication.council_file(context.pkg, lang, LATEST)):
        target = inside(out / "data", rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pdf)
        written[rel] = len(pdf)
    return written, f"{lang}: the PDF is tagged but not PDF/UA-1: {problem}" if problem else ""


def run(context: Tables, made: Made, views: Views, out: Path, workers: Workers | None = None,
        log: Callable[[str], None] = print, cache: Path | None = None) -> Council:
    """Write the PDF in every language (each on its own core when the build has workers); returns each
    file's path under data/ and its size. ``cache``: PDFs kept between builds."""
    written: Council = {}
    jobs = [(lang, out, cache) for lang in i18n.LANGUAGES]
    shared = _Shared(made, {path: v for path, v in views.items()
                            if v.page.key in ("home", "goal", "indicator", "context")})
    for files, note in Workers.of(context, workers).map(_write, jobs, shared=shared, chunksize=1):
        written.update(files)
        if note:
            log(f"  {'':<12} {note}")
    return written
