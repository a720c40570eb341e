"""A page that is only a writer's text (accessibility, colophon): ``site/content/<lang>/<key>.qmd``."""

from __future__ import annotations

from pipeline.stages.views.site import Page, SiteData, prose


def view(site: SiteData, page: Page) -> dict:
    return {"content": prose(page.lang, page.key)}
