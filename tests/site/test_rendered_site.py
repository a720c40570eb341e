"""The rendered site, served from a sub-path as on GitHub Pages. Needs Quarto: runs in the GitHub workflow.

Here, without Quarto, these tests skip and say why; everything up to Quarto's input is tested elsewhere.
"""

from __future__ import annotations

import html
import json

import pytest
from browser import axe_violations, open_page
from helpers import NEEDS_QUARTO
from sitecheck import external_resources, manifest, parse, representatives

pytestmark = [pytest.mark.quarto, NEEDS_QUARTO]


@pytest.fixture(scope="module")
def site_pages(site_build):
    return manifest(site_build)


def test_every_page_is_reachable(served, site_pages):
    import urllib.request

    for page in site_pages:
        with urllib.request.urlopen(served + page["path"]) as response:
            assert response.status == 200, page["path"]


def test_switcher_leads_to_the_counterpart_and_speaks_the_pages_language(served, site_pages, browser):
    """The link to the other language is written in the page's language, so it carries no other lang
    (WCAG 3.1.2: a screen reader reads it in the page's voice), and names its target's with hreflang."""
    from pipeline.words import i18n

    paired = [p for p in site_pages if p["key"] != "summary"]  # a summary has no counterpart
    for page in paired[:: max(1, len(paired) // 6)]:
        tab = browser.new_page()
        tab.goto(served + page["path"])
        switch = tab.locator(".utrecht-alternate-lang-nav a")
        assert switch.inner_text() == i18n.t(page["lang"], "switch_language")
        assert switch.get_attribute("lang") in (None, page["lang"])
        assert switch.get_attribute("hreflang") == i18n.other(page["lang"])
        switch.click()
        assert tab.url == served + page["counterpart"]
        tab.close()


def test_one_robots_file_at_the_root_names_both_sitemaps(site_build):
    site = site_build / "site"
    assert [p.relative_to(site).as_posix() for p in site.rglob("robots.txt")] == ["robots.txt"]
    sitemaps = [line.split(": ", 1)[1] for line in (site / "robots.txt").read_text(encoding="utf-8").splitlines()
                if line.startswith("Sitemap: ")]
    assert [s.rsplit("/", 2)[-2:] for s in sitemaps][-1] == ["en", "sitemap.xml"] and len(sitemaps) == 2
    assert all((site / s.split("/monitor-inburgering/", 1)[-1]).is_file() for s in sitemaps)


def test_search_index_exists_per_language(served, site_build, site_pages):
    for lang, prefix in (("nl", ""), ("en", "en/")):
        index = json.loads((site_build / "site" / prefix / "search.json").read_text(encoding="utf-8"))
        titles = {entry.get("title") for entry in index}
        own = {p["title"] for p in site_pages if p["lang"] == lang and p["key"] == "indicator"}
        other = {p["title"] for p in site_pages if p["lang"] != lang and p["key"] == "indicator"} - own
        assert own <= titles and not (other & titles)


def test_every_rendered_page_speaks_its_language_carries_the_csp_and_loads_nothing_from_elsewhere(site_build,
                                                                                                 site_pages):
    """Read from the files, every page: what the browser test below sees on one page of each kind."""
    from pipeline.stages.pages import CSP

    for page in site_pages:
        path = site_build / "site" / page["path"]
        assert parse(path).lang == page.get("language", page["lang"]), page["path"]
        assert html.unescape(path.read_text(encoding="utf-8")).count(f'content="{CSP}"') == 1, page["path"]
        assert external_resources(path) == [], page["path"]


@pytest.mark.browser
def test_whole_pages_are_accessible_make_no_outside_request_and_carry_a_csp(served, site_build, site_pages,
                                                                            browser):
    """In a browser, one page of each kind and layout (``representatives``): axe costs a second a page."""
    checked = representatives(site_build / "site", site_pages)
    assert {p["key"] for p in checked} == {p["key"] for p in site_pages}
    assert {p["lang"] for p in checked} == {"nl", "en"}
    for page in checked:
        tab, requested = open_page(browser, served + page["path"], width=1024)
        tab.wait_for_load_state("load")  # every resource the page asks for; no clock decides
        assert [u for u in requested if not u.startswith(served)] == [], page["path"]
        assert tab.evaluate("document.documentElement.lang") == page.get("language", page["lang"])
        assert tab.locator('meta[http-equiv="Content-Security-Policy"]').count() == 1
        assert tab.evaluate("document.cookie") == ""
        assert axe_violations(tab) == [], page["path"]
        tab.close()


def test_links_work_from_a_sub_path(served, site_build, site_pages):
    from sitecheck import broken_links

    root = site_build / "site"
    bad = {p["path"]: broken_links(root, root / p["path"]) for p in site_pages}
    assert {k: v for k, v in bad.items() if v} == {}


def test_favicon_is_served_and_declared(served, site_build, site_pages):
    import urllib.request

    with urllib.request.urlopen(served + "favicon.ico") as response:
        assert response.status == 200 and response.read(4) == b"\x00\x00\x01\x00"  # an ICO file
    for page in site_pages:
        links = parse(site_build / "site" / page["path"]).links
        icons = [value for tag, _, value in links if tag == "link" and "favicon" in value]
        assert icons, page["path"]


@pytest.mark.browser
def test_the_content_security_policy_blocks_outside_requests(served, browser):
    tab, _ = open_page(browser, served + "index.html")
    blocked = tab.evaluate("""() => new Promise(resolve => {
        document.addEventListener('securitypolicyviolation', e => resolve(e.blockedURI));
        const img = new Image(); img.src = 'https://tracker.example/pixel.gif';
        setTimeout(() => resolve(null), 2000);
    })""")
    assert blocked and blocked.startswith("https://tracker.example")
    inline = tab.evaluate("""() => new Promise(resolve => {  // no page needs an inline script: none may run
        document.addEventListener('securitypolicyviolation', e => resolve(e.violatedDirective));
        const script = document.createElement('script'); script.textContent = 'window.ran = true';
        document.body.append(script);
        setTimeout(() => resolve(window.ran ? 'ran' : null), 1000);
    })""")
    assert inline and inline.startswith("script-src")
    tab.close()


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_phones_first_screen_answers_latest_figures_per_goal_and_what_changed(served, browser, lang):
    """At 390 × 844 px the home page shows, before any scrolling: the latest measurement with when and its
    report, per goal by its name one figure for both groups (a topic where more is better or worse, with
    the number of answers said to be unknown), what changed, and the way to the PDF."""
    from helpers import FIXTURE

    from pipeline.model.package import load
    from pipeline.model.publication import council_file
    from pipeline.words import i18n

    pkg = load(FIXTURE)
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(served + ("" if lang == "nl" else "en/"))
    page.wait_for_load_state("load")
    first = page.locator(".first-screen")
    box = first.bounding_box()
    assert box and box["y"] + box["height"] <= 844, box
    frame = page.locator(".utrecht-nav-bar").bounding_box()
    assert frame["y"] + frame["height"] <= 200, frame  # a compact header: the page's figures come first
    text = " ".join(first.inner_text().split())
    assert i18n.t(lang, "latest_edition", title="").strip(" :") in text
    assert first.locator("a", has_text=i18n.t(lang, "first_report")).count() == 1
    goals = pkg["goals"]
    assert first.locator("li").count() == len(goals)
    for title in goals[f"title_{lang}"]:  # each goal by its name, linked to its page
        assert first.locator("li a", has_text=title).count() == 1
    assert "14%" in text and "60%" in text  # paid work, both groups
    unknown = i18n.t(lang, "first_goal_line_unknown_n", figures="", edition="").split(";")[1].strip(" )")
    assert text.count(unknown) == len(goals)
    taalles = pkg["indicators"].set_index("indicator_id").at["taalles", f"title_{lang}"]
    assert i18n.in_sentence(taalles) not in text  # a share of classes taken is neither good nor bad
    assert first.locator(f'a[href$="{council_file(pkg, lang)}"]').count() == 1
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_home_page_prints_on_at_most_two_a4_pages_without_navigation(served, browser, lang):
    import io

    import pypdf

    page = browser.new_page()
    page.goto(served + ("" if lang == "nl" else "en/"))
    page.wait_for_load_state("load")
    printed = pypdf.PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))
    assert len(printed.pages) <= 2
    page.emulate_media(media="print")
    assert not page.locator("nav").first.is_visible() and not page.locator(".header-tools").is_visible()
    assert page.locator(".site-title").is_visible()  # whose publication it is, on paper too
    assert page.locator(".first-screen").is_visible() and page.locator("table").first.is_visible()
    page.close()


@pytest.mark.parametrize("path", ["index.html", "en/open-data.html", "samenvatting/ar.html"])
def test_every_language_name_in_the_menus_has_a_font_of_the_site(served, browser, path):
    """The summaries' language names (Tigrinya's Ge'ez script, Arabic's) are drawn with a font the site
    serves on every page that lists them, not left to the reader's system (which may draw empty boxes)."""
    from pipeline.model import summaries

    tab, requested = open_page(browser, served + path)
    family = tab.evaluate("() => getComputedStyle(document.body).fontFamily")
    for words in summaries.languages().values():
        name = str(words["language"]["name"])
        covered = tab.evaluate("async ([font, text]) => (await document.fonts.load(font, text)).length",
                               [f"16px {family}", name])
        assert covered, f"{path}: no font of the site draws {name!r}"
    assert all(url.startswith(served) for url in requested)
    tab.close()
