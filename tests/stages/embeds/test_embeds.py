"""Embed pages: one per indicator and language, standalone, accessible, making no outside request."""

from __future__ import annotations

import re

import pytest
from browser import axe_violations, open_page
from helpers import FIXTURE

from pipeline.model.package import load

pytestmark = pytest.mark.browser
INDICATORS = list(load(FIXTURE)["indicators"]["indicator_id"])


def test_every_indicator_has_an_embed_page_and_snippet_per_language(site_build):
    for lang in ("nl", "en"):
        for indicator_id in INDICATORS:
            page = (site_build / "embed" / lang / f"{indicator_id}.html").read_text(encoding="utf-8")
            assert f'<html lang="{lang}">' in page
            snippet = (site_build / "embed" / lang / f"{indicator_id}.iframe.html").read_text(encoding="utf-8")
            assert re.fullmatch(rf'<iframe src="https://[^"]+/embed/{lang}/{indicator_id}\.html" title="[^"]+" '
                                r'height="\d+" style="[^"]*width:100%[^"]*" loading="lazy"></iframe>\n', snippet)
            assert "width=" not in snippet  # an iframe's width attribute takes pixels only (the Nu checker)


def test_embed_shows_the_chart_summary_and_source(site_build):
    page = (site_build / "embed" / "en" / "betaald-werk.html").read_text(encoding="utf-8")
    assert '<svg' in page and 'role="img"' in page
    assert "In the 2025 measurement, 14% of refugees with a residence permit have paid work" in page
    # the chart and sentence show 2025 only (2024 has no figure per group), so the source names that report
    assert "Source: Civic Integration Report 2025 (second measurement)." in page and "Monitor 2024" not in page
    assert "Licence: CC BY 4.0" in page and "/data/indicators/monitor-inburgering-utrecht-betaald-werk.csv" in page


def test_not_measured_embed_says_so_without_a_chart(site_build):
    page = (site_build / "embed" / "nl" / "thuis-in-utrecht.html").read_text(encoding="utf-8")
    assert "<svg" not in page and "Deze indicator is nog niet gemeten." in page


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("indicator_id", ["betaald-werk", "ervaren-gezondheid", "zenuwachtig", "thuis-in-buurt"])
def test_embed_is_accessible_and_makes_no_outside_request(site_build, browser, lang, indicator_id):
    path = site_build / "embed" / lang / f"{indicator_id}.html"
    page, requested = open_page(browser, path.as_uri())
    assert requested == [path.as_uri()]
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.lang") == lang
    page.close()
