"""The views stage: what every page shows, computed before any page is written.

Each kind of page (``model/pages.yaml``) is one module here with a ``view(site, page)`` function, which gathers
what the page shows from what the earlier stages made (``Made``) and the shared parts in ``site``; the pages
stage lays each view out with its kind's template. Views are computed first so that the council edition (the
indicators' and goals' views) and the catalogue (every file) can be made from them before the pages are
written. What is known only then, the files' sizes, a kind adds in ``sized(values, page, pkg, sizes)``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

from pipeline.engine.workers import Workers
from pipeline.model import addresses, summaries
from pipeline.model.tables import Tables
from pipeline.stages.views import summary
from pipeline.stages.views.site import Made, Page, SiteData, Sizes
from pipeline.words import i18n


@dataclass(frozen=True)
class View:
    """One page and what it shows (its template's values)."""

    page: Page
    values: dict


Views = dict[str, View]  # by the page's path from the site root


def module(kind: str) -> ModuleType:
    """The module of a kind of page (``home``, ``indicator``, ...), found by the kind's name in pages.yaml."""
    return importlib.import_module(f"{__name__}.{kind}")


def _shared_chart(site: SiteData, lang: str, key: str, ident: str | None) -> str | None:
    """The chart a shared link to the page previews: its own, else the comparison of the two groups."""
    own = {"indicator": [ident], "goal": [f"goal-{ident}"]}.get(key, [])
    for name in [*own, "comparison"]:
        if f"{lang}/{name}" in site.made.charts:
            return name
    return None


def site_pages(site: SiteData) -> list[Page]:
    """Every page of the site, in both languages, then the summary in each language of the questionnaire."""
    found = []
    for lang in i18n.LANGUAGES:
        for key, ident in addresses.all_pages(site.pkg):
            if key == "indicator":
                title, description = (site.indicators.at[ident, f"{f}_{lang}"] for f in ("title", "definition"))
            elif key == "goal":
                title, description = (site.goals.at[ident, f"{f}_{lang}"] for f in ("title", "description"))
            else:
                title, description = i18n.t(lang, f"page_{key}"), i18n.t(lang, f"page_{key}_description")
            page = Page(lang, key, addresses.kind(key), ident, addresses.path(lang, key, ident), title, description,
                        counterpart=addresses.path(i18n.other(lang), key, ident))
            chart = _shared_chart(site, lang, key, ident)
            if chart:
                page.image = f"{site.base}charts/{lang}/{chart}.wide.png"
                page.image_alt = site.made.charts[f"{lang}/{chart}"].title
            found.append(page)
    return found + [summary.page_of(site, file) for file in summaries.languages()]


def _site(context: Tables) -> SiteData:
    return SiteData(context, context.shared(Made))


def _view(context: Tables, page: Page) -> dict:
    return module(page.kind).view(context.once(_site), page)


def run(context: Tables, made: Made, workers: Workers | None = None) -> Views:
    """Every page's view, on every core (the build's ``workers``, or this process alone)."""
    found = site_pages(SiteData(context, made))
    values = Workers.of(context, workers).map(_view, found, shared=made)
    return {page.path: View(page, view) for page, view in zip(found, values, strict=True)}


def sized(view: View, pkg: object, sizes: Sizes) -> dict:
    """A view's values with the files' sizes, where its kind shows them."""
    kind = module(view.page.kind)
    return kind.sized(view.values, view.page, pkg, sizes) if hasattr(kind, "sized") else view.values
