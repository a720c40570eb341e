"""The generated site sources: every page in both languages, working links, counterparts, accessibility."""

from __future__ import annotations

import html
import posixpath
import re
import shutil

import pytest
import yaml
from browser import axe_violations, open_page
from helpers import FIXTURE, ROOT
from sitecheck import (
    broken_links,
    dashboard_row,
    external_resources,
    front_matter,
    manifest,
    paired,
    parse,
    representatives,
)

from pipeline.model import addresses
from pipeline.model.package import load
from pipeline.model.publication import ALL, LATEST, edition_scope, zip_name
from pipeline.stages.views.context import series_sources
from pipeline.words import i18n

PKG = load(FIXTURE)
INDICATORS = list(PKG["indicators"]["indicator_id"])
def qmd_for(build_dir, page):
    return build_dir / "quarto" / page["lang"] / addresses.source_path(page["lang"], page["path"])


def test_every_indicator_and_page_exists_in_both_languages(site_build):
    listed = paired(site_build)
    for lang in ("nl", "en"):
        ids = {p["id"] for p in listed if p["lang"] == lang and p["key"] == "indicator"}
        assert ids == set(INDICATORS)
        keys = {p["key"] for p in listed if p["lang"] == lang}
        assert keys == {"home", "goal", "indicator", "comparison", "context", "method", "open_data",
                        "accessibility", "colophon", "search"}
    for page in listed:
        assert (site_build / "preview" / page["path"]).is_file()
        assert qmd_for(site_build, page).is_file()


def test_english_lives_under_en_and_dutch_at_the_root(site_build):
    for page in manifest(site_build):
        assert page["path"].startswith("en/") == (page["lang"] == "en")


def test_counterparts_map_both_ways(site_build):
    listed = paired(site_build)
    by_path = {p["path"]: p for p in listed}
    for page in listed:
        other = by_path[page["counterpart"]]
        assert other["lang"] != page["lang"] and other["counterpart"] == page["path"]
        assert (other["key"], other["id"]) == (page["key"], page["id"])


def test_language_switcher_leads_to_the_counterpart(site_build):
    for page in paired(site_build):
        preview = (site_build / "preview" / page["path"]).read_text(encoding="utf-8")
        header = yaml.safe_load(front_matter(qmd_for(site_build, page)))["include-before-body"]["text"]
        for text in (preview, header):
            found = re.search(r'class="utrecht-alternate-lang-nav"[^>]*><a href="([^"]+)" hreflang="(\w+)"', text)
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page["path"]), found.group(1)))
            assert target == page["counterpart"] and found.group(2) != page["lang"], page["path"]


def test_every_page_has_the_tags_a_shared_link_and_a_search_engine_read(site_build):
    """og:title, og:description, og:url, og:type, og:image with og:image:alt, twitter:card and the canonical
    address on every page; the image is a chart of the page, or the comparison of the groups."""
    base = addresses.base_url(PKG)
    for page in paired(site_build):
        head = yaml.safe_load(front_matter(qmd_for(site_build, page)))["include-in-header"]["text"]
        tags = dict(re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', head))
        assert {"og:title", "og:description", "og:url", "og:type", "og:image", "og:image:alt",
                "twitter:card"} <= set(tags), page["path"]
        assert tags["og:url"] == base + page["path"] and f'<link rel="canonical" href="{base}{page["path"]}">' in head
        assert tags["og:title"] == html.escape(page["title"]) and tags["og:image:alt"]
        image = tags["og:image"].removeprefix(base)
        assert image.startswith(f"charts/{page['lang']}/") and (site_build / image).is_file(), page["path"]
        assert tags["twitter:card"] == "summary_large_image"


def test_lang_and_hreflang(site_build):
    base = addresses.base_url(PKG)
    for page in paired(site_build):
        parsed = parse(site_build / "preview" / page["path"])
        assert parsed.lang == page["lang"]
        other = "en" if page["lang"] == "nl" else "nl"
        assert parsed.alternates == {page["lang"]: base + page["path"], other: base + page["counterpart"]}
        meta = yaml.safe_load(front_matter(qmd_for(site_build, page)))
        assert meta["lang"] == page["lang"]
        assert f'hreflang="{other}" href="{base}{page["counterpart"]}"' in meta["include-in-header"]["text"]


def test_every_link_in_the_generated_pages_resolves(site_build):
    root = site_build / "preview"
    problems = {page["path"]: broken_links(root, root / page["path"]) for page in manifest(site_build)}
    assert {path: bad for path, bad in problems.items() if bad} == {}


def test_no_resource_comes_from_another_site(site_build):
    for page in manifest(site_build):
        assert external_resources(site_build / "preview" / page["path"]) == []


def test_indicator_page_has_everything_a_journalist_needs(site_build):
    text = (site_build / "preview" / "en" / "indicators" / "betaald-werk.html").read_text(encoding="utf-8")
    for expected in ['<svg', 'role="img"',
                     "In the 2025 measurement, 14% of refugees with a residence permit have paid work",
                     "<caption", 'scope="col"', "Description in the report (figure title, translated)",
                     "Share of refugees, family migrants and Utrecht residents with paid work", "What is measured",
                     "About the measurement", "Downloads", "betaald-werk.csv", "betaald-werk-nl.xlsx",
                     "betaald-werk-en.xlsx", "betaald-werk-excel.csv",
                     "betaald-werk.png", "betaald-werk.svg", "betaald-werk.vl.json", "&lt;iframe",
                     "How to cite these figures", "Permanent link", "CC BY 4.0",
                     'property="og:image"']:
        assert expected in text, expected
    meta = yaml.safe_load(front_matter(site_build / "quarto" / "en" / "indicators" / "betaald-werk.qmd"))
    assert '/charts/en/betaald-werk.wide.png"' in meta["include-in-header"]["text"]


def test_not_measured_indicator_page_says_so_and_why(site_build):
    text = (site_build / "preview" / "indicatoren" / "tijd-tot-diploma.html").read_text(encoding="utf-8")
    assert "Nog niet gemeten" in text and "nieuw registratiesysteem" in text
    assert "<svg" not in text and "Downloaden" not in text


def test_dashboards_on_home_and_goal_pages(site_build):
    home = (site_build / "preview" / "index.html").read_text(encoding="utf-8")
    assert 'class="dashboard' in home and "In één oogopslag" in home
    for goal in PKG["goals"]["goal_id"]:
        text = (site_build / "preview" / addresses.path("en", "goal", goal)).read_text(encoding="utf-8")
        assert 'class="dashboard' in text and "At a glance" in text


def test_open_data_page_lists_downloads_dictionary_and_citation(site_build):
    text = (site_build / "preview" / "en" / "open-data.html").read_text(encoding="utf-8")
    for expected in (zip_name(PKG), ALL.file(PKG, "parquet"), edition_scope(2024).file(PKG, "csv"),
                     LATEST.file(PKG, "xlsx_en"), LATEST.file(PKG, "excel"), "Data dictionary", "data/results.csv",
                     "reference_year", "dcat-ap.jsonld",
                     "How to cite", "Corrections", "CC BY 4.0", "\u00a0kB"):
        assert expected in text, expected
    for resource in PKG.descriptor["resources"]:
        for f in resource["schema"]["fields"]:
            assert f'<th scope="row">{f["name"]}</th>' in text


def test_quarto_configuration_parses_and_the_frame_links_only_pages_that_exist(site_build):
    """Quarto renders into the site's own template, without Bootstrap or its navigation; every page's
    header and footer (the frame, in the front matter) link only pages the site has."""
    root = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    assert root["format"]["html"]["minimal"] is True and "navbar" not in root["website"]
    site_paths = {p["path"] for p in manifest(site_build)}
    for lang in i18n.LANGUAGES:
        project = site_build / "quarto" / lang
        config = yaml.safe_load((project / "_quarto.yml").read_text(encoding="utf-8"))
        assert config["lang"] == lang and config["project"]["type"] == "website"
        assert (project / config["format"]["html"]["template"]).is_file()
        assert config["website"]["site-url"].endswith("/en/") == (lang == "en")
    for page in manifest(site_build):
        source = site_build / "quarto" / page["lang"] / addresses.source_path(page["lang"], page["path"])
        front = yaml.safe_load(front_matter(source))
        frame = front["include-before-body"]["text"] + front["include-after-body"]["text"]
        targets = {posixpath.normpath(posixpath.join(posixpath.dirname(page["path"]), href))
                   for href in re.findall(r'href="([^"#?]+)"', frame)}
        assert targets and targets <= site_paths, (page["path"], targets - site_paths)


def test_content_security_policy_allows_only_own_sources(site_build):
    from pipeline.stages.pages import CSP

    assert "default-src 'self'" in CSP and "http" not in CSP
    for page in manifest(site_build):
        head = yaml.safe_load(front_matter(qmd_for(site_build, page)))["include-in-header"]["text"]
        assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in html.unescape(head)
        preview = html.unescape((site_build / "preview" / page["path"]).read_text(encoding="utf-8"))
        assert f'content="{CSP}"' in preview


@pytest.fixture(scope="module")
def changed_build(built):
    """A third edition with decimals and respondent counts: the site must follow with no code change."""
    return built("changed")


def test_dutch_tables_use_the_decimal_comma(changed_build):
    nl = (changed_build / "preview" / "indicatoren" / "problemen-door-taal.html").read_text(encoding="utf-8")
    en = (changed_build / "preview" / "en" / "indicators" / "problemen-door-taal.html").read_text(encoding="utf-8")
    assert re.search(r'<td class="num"[^>]*>75,5%</td>', nl) and re.search(r'<td class="num"[^>]*>75.5%</td>', en)


def test_dashboard_says_the_direction_in_words_and_colours_only_clear_changes(changed_build):
    home = (changed_build / "preview" / "en" / "index.html").read_text(encoding="utf-8")
    row = dashboard_row(home, "problemen-door-taal")
    assert ('<span class="change change-worse"><span aria-hidden="true" class="arrow">▲</span> '
            "12.5 percentage points more; unfavourable direction; more than chance</span>") in row
    assert ('<span class="change change-neutral"><span aria-hidden="true" class="arrow">=</span> unchanged</span>'
            in row)


@pytest.mark.browser
@pytest.mark.skipif(shutil.which("quarto") is not None, reason="with Quarto, axe reads the rendered site's pages "
                    "(tests/site/test_rendered_site.py), which readers get; the preview is for a look without it")
def test_page_body_is_accessible_in_a_real_browser(site_build, browser):
    """axe on one preview page of each kind and layout (``representatives``; every page's links and
    resources are read from the files above)."""
    root = site_build / "preview"
    checked = representatives(root, manifest(site_build))
    assert {p["key"] for p in checked} == {p["key"] for p in manifest(site_build)}
    for entry in checked:
        page, requested = open_page(browser, (root / entry["path"]).as_uri())
        assert axe_violations(page) == [], entry["path"]
        assert [u for u in requested if not u.startswith(root.as_uri())] == [], entry["path"]
        page.close()


@pytest.mark.browser
def test_pages_are_comfortable_at_320_pixels(site_build, browser):
    for path in ("index.html", "en/indicators/ervaren-gezondheid.html", "vergelijking.html"):
        page, _ = open_page(browser, (site_build / "preview" / path).as_uri(), width=320)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, path
        page.close()


@pytest.mark.browser
def test_charts_are_visible_without_javascript(site_build, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((site_build / "preview" / "indicatoren" / "taalles.html").as_uri())
    box = page.locator("svg.chart:visible").first.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 100
    context.close()


def test_a_context_series_from_two_addresses_says_which_years_each_gives():
    """The same source named twice, with two addresses, would read as a repetition: each names its years."""
    context = load(FIXTURE)["context"]
    series = context[context["series_id"] == "statushouders_in_utrecht"]
    found = series_sources(series, "Bron: BRP")
    assert len(found) == series["source_url"].nunique() == 2
    for source in found:
        years = series.loc[series["source_url"] == source["href"], "year"]
        assert source["text"].startswith("Bron: BRP, ") and str(int(years.max())) in source["text"]
    single = context[context["series_id"] != "statushouders_in_utrecht"]
    assert [s["text"] for s in series_sources(single, "Bron: CBS")] == ["Bron: CBS"]
