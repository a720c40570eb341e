"""The rendered site as a phone and a desktop show it: tables that fit, charts drawn for the screen,
names beside their own points, the search, and what a page weighs. Measured in Chromium, from the
geometry the browser computed; needs Quarto (runs in the GitHub workflow, skips here without it)."""

from __future__ import annotations

import re

import pytest
from helpers import NEEDS_QUARTO, load_tool
from sitecheck import manifest

from pipeline.words import i18n

pytestmark = [pytest.mark.quarto, NEEDS_QUARTO, pytest.mark.browser]
CHART_PAGES = ("home", "goal", "comparison", "indicator")


@pytest.fixture(scope="module")
def site_pages(site_build):
    return manifest(site_build)


def _open(browser, url: str, width: int):
    tab = browser.new_page(viewport={"width": width, "height": 900})
    tab.goto(url)
    tab.wait_for_load_state("load")
    return tab


def test_a_phone_of_320_px_shows_every_page_without_sideways_scroll_tables_and_charts_included(served, site_pages,
                                                                                              browser):
    """At 320 px, without JavaScript, on every page (a long word is a matter of the data, not the kind of
    page): nothing is wider than the screen, no table is wider than its container, no cell's text runs past
    its cell or is broken inside a word, every caption is in view, and every chart is drawn at a readable size."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 700})
    tables = charts = 0
    for page in site_pages:
        tab = context.new_page()
        tab.goto(served + page["path"])
        found = tab.evaluate("""() => {
            // Folded parts too (a citation's address is inside one); text by its own box, since a long word
            // runs past its paragraph while the paragraph itself stays within the screen.
            document.querySelectorAll('details').forEach(d => d.open = true);
            const width = document.documentElement.clientWidth, found = [];
            if (document.documentElement.scrollWidth > width) found.push('the page scrolls sideways');
            for (const e of document.querySelectorAll('body *')) {
                if (e.getBoundingClientRect().right > width + 0.5 && !e.closest('.visually-hidden, .sr-only'))
                    found.push('wider than the screen: ' + e.tagName + '.' + e.className);
            }
            const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            const hidden = '.visually-hidden, .sr-only, .utrecht-skip-link--visible-on-focus';
            while (texts.nextNode()) {
                const range = document.createRange();
                range.selectNodeContents(texts.currentNode);
                const box = range.getBoundingClientRect();
                if (box.width > 0 && box.right > width + 0.5 && !texts.currentNode.parentElement.closest(hidden))
                    found.push('text runs off the screen: ' + texts.currentNode.textContent.trim().slice(0, 40));
            }
            const tables = document.querySelectorAll('main table');
            for (const table of tables) {
                const box = table.getBoundingClientRect(), parent = table.parentElement.getBoundingClientRect();
                if (box.width > parent.width + 0.5) found.push('wider: ' + table.className);
                const caption = table.querySelector('caption');
                if (caption && caption.getBoundingClientRect().right > width + 0.5) found.push('caption cut');
                for (const cell of table.querySelectorAll('tbody th, tbody td')) {  // a phone hides the head
                    const style = getComputedStyle(cell);
                    const text = cell.textContent.slice(0, 30);
                    if (cell.scrollWidth > cell.clientWidth + 1) found.push('cell overflows: ' + text);
                    if (['break-all', 'break-word'].includes(style.wordBreak) || style.overflowWrap === 'anywhere'
                        || style.hyphens === 'auto') found.push('words may break: ' + text);
                }
            }
            let charts = 0;
            for (const svg of document.querySelectorAll('svg.chart')) {
                const box = svg.getBoundingClientRect();
                if (box.width === 0 || box.height === 0 || getComputedStyle(svg).visibility === 'hidden') continue;
                charts += 1;
                if (box.width <= 200 || box.height <= 40) found.push('chart too small');
            }
            return [tables.length, charts, found];
        }""")
        tables, charts = tables + found[0], charts + found[1]
        assert found[2] == [], page["path"]
        tab.close()
    context.close()
    assert tables > 0 and charts > 0


def _chart_geometry(tab) -> list[dict]:
    """Per visible chart: its width, the main column's width, and the smallest and largest text on screen."""
    return tab.evaluate("""() => [...document.querySelectorAll('main svg.chart')]
        .filter(svg => svg.getBoundingClientRect().width > 0)
        .map(svg => {
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            const sizes = [...svg.querySelectorAll('text')].map(t => parseFloat(t.getAttribute('font-size')) * scale);
            return {width: svg.getBoundingClientRect().width,
                    column: document.querySelector('main').getBoundingClientRect().width,
                    smallest: Math.min(...sizes), largest: Math.max(...sizes),
                    body: parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)};
        })""")


@pytest.mark.parametrize("width", [390, 1280])
def test_charts_are_drawn_for_the_screen(served, site_pages, browser, width):
    """At 1280 px a chart fills the reading column with its text no larger than the page's; on a phone its
    text is at least 11 px. One drawing of each chart is shown, never both."""
    seen = 0
    for page in [p for p in site_pages if p["kind"] in CHART_PAGES][::3]:
        tab = _open(browser, served + page["path"], width)
        shown = tab.evaluate("document.querySelectorAll('main figure').length")
        charts = _chart_geometry(tab)
        assert len(charts) == shown, page["path"]  # one drawing per figure is visible
        for chart in charts:
            seen += 1
            assert chart["smallest"] >= 11, (page["path"], chart)
            if width == 1280:
                assert chart["width"] >= 0.85 * (chart["column"] - 32), (page["path"], chart)
                assert chart["largest"] <= chart["body"] + 0.5, (page["path"], chart)
        tab.close()
    assert seen > 0


@pytest.mark.parametrize("width", [390, 1280])
def test_in_dot_charts_a_name_sits_with_its_own_points_and_no_gridline_crosses_text(served, site_pages, browser,
                                                                                   width):
    pages = [p for p in site_pages if p["key"] in ("home", "goal", "comparison")]
    names_checked = 0
    for page in pages:
        tab = _open(browser, served + page["path"], width)
        found = tab.evaluate("""() => {
            const out = {names: 0, wrong: [], crossed: []};
            for (const svg of document.querySelectorAll('main svg.chart')) {
                if (svg.getBoundingClientRect().width === 0) continue;
                const box = e => e.getBoundingClientRect();
                const points = [...svg.querySelectorAll('.role-mark.mark-symbol path')].map(box);
                const names = [...svg.querySelectorAll('.role-mark.mark-text text[font-weight="700"]')].map(box);
                for (const name of names) {
                    out.names++;
                    const below = points.filter(p => p.top >= name.bottom - 1).map(p => p.top - name.bottom);
                    const above = points.filter(p => p.bottom <= name.top + 1).map(p => name.top - p.bottom);
                    const own = Math.min(...below), previous = Math.min(...above);
                    if (!(own < previous)) out.wrong.push([own, previous]);
                }
                const texts = [...svg.querySelectorAll('text')].map(box);
                for (const line of svg.querySelectorAll('.role-axis-grid line')) {
                    const g = line.getBoundingClientRect();
                    for (const t of texts) {
                        if (g.left <= t.right && g.right >= t.left && g.top <= t.bottom && g.bottom >= t.top)
                            out.crossed.push(Math.round(g.left));
                    }
                }
            }
            return out;
        }""")
        names_checked += found["names"]
        assert found["wrong"] == [] and found["crossed"] == [], (page["path"], found)
        tab.close()
    assert names_checked > 0


@pytest.mark.parametrize(("lang", "words"), [("en", "paid work refugees"), ("en", "refugees work paid"),
                                             ("nl", "asielstatushouders betaald werk")])
def test_search_finds_a_page_from_its_words_in_any_order(served, site_pages, browser, lang, words):
    prefix = "" if lang == "nl" else "en/"
    search = next(p for p in site_pages if p["lang"] == lang and p["key"] == "search")
    tab = _open(browser, served + search["path"] + "?q=" + words.replace(" ", "+"), 390)
    tab.wait_for_selector("#search-status:not(:empty)")
    hrefs = tab.eval_on_selector_all("#search-results a", "links => links.map(a => a.getAttribute('href'))")
    paid_work = next(p for p in site_pages if p["lang"] == lang and p["id"] == "betaald-werk")
    assert paid_work["path"].removeprefix(prefix) in hrefs
    assert tab.input_value("#search-page-q") == words
    tab.close()


def test_search_says_plainly_when_nothing_is_found(served, site_pages, browser):
    search = next(p for p in site_pages if p["lang"] == "en" and p["key"] == "search")
    tab = _open(browser, served + search["path"] + "?q=zzqx+qqzz", 390)
    tab.wait_for_selector("#search-status:not(:empty)")
    assert tab.locator("#search-results li").count() == 0
    assert tab.inner_text("#search-status") == i18n.t("en", "search_none", query="zzqx qqzz")
    tab.close()


def test_every_header_search_form_leads_to_the_search_page(served, site_pages, browser):
    page = next(p for p in site_pages if p["lang"] == "nl" and p["kind"] == "indicator")
    tab = _open(browser, served + page["path"], 1280)
    tab.fill("#site-search-q", "gezondheid")
    tab.press("#site-search-q", "Enter")
    tab.wait_for_selector("#search-status:not(:empty)")
    assert re.search(r"zoeken\.html\?q=gezondheid$", tab.url)
    assert tab.locator("#search-results li").count() > 0
    tab.close()


def test_the_dutch_home_page_and_a_second_page_stay_light(site_build, browser):
    """The budget of issue 22: the Dutch home page with everything it loads at most 120 KB compressed,
    a page of the other language after it at most 30 KB more; one copy of the assets for both languages,
    and a script only where it is used."""
    weight = load_tool("page_weight")
    site = site_build / "site"
    home, second = weight.weigh(browser, site)
    assert home["bytes"] <= 120 * 1024, home
    assert second["bytes"] <= 30 * 1024, second
    assert not (site / "site_libs").exists() and not (site / "en" / "assets").exists()
    scripts = {p.relative_to(site).as_posix() for p in site.rglob("*.html") if "<script src=" in p.read_text()}
    assert scripts == {"zoeken.html", "en/search.html"}


@pytest.mark.parametrize("width", [320, 1280])
def test_the_goals_menu_opens_without_javascript_and_stays_on_screen(served, site_pages, browser, width):
    context = browser.new_context(java_script_enabled=False, viewport={"width": width, "height": 800})
    tab = context.new_page()
    home = next(p for p in site_pages if p["lang"] == "nl" and p["key"] == "home")
    tab.goto(served + home["path"])
    tab.click(".nav-menu summary")
    goals = [p for p in site_pages if p["lang"] == "nl" and p["key"] == "goal"]
    links = tab.locator(".nav-menu a")
    assert links.count() == len(goals) and all(links.nth(i).is_visible() for i in range(len(goals)))
    assert tab.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    links.first.click()
    assert tab.url == served + goals[0]["path"]
    context.close()
