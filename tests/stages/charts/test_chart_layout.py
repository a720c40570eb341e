"""Charts that read well at every size: measured in Chromium, for the real package and for awkward ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from chartcheck import problems

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def edge_build(built) -> Path:
    """Long labels, values at 0, 1, 99 and 100%, equal values, four groups, one group, six measurements."""
    return built("edge")


def _check_all(browser, charts: Path) -> dict[str, list[str]]:
    tab = browser.new_page()
    found = {str(svg.relative_to(charts)): problems(tab, svg) for svg in sorted(charts.rglob("*.svg"))}
    tab.close()
    assert found, "no charts were drawn"
    return {name: issues for name, issues in found.items() if issues}


def test_no_chart_of_the_site_has_a_collision(site_build, browser):
    assert _check_all(browser, site_build / "charts") == {}


def test_no_collision_in_awkward_charts(edge_build, browser):
    assert (edge_build / "charts" / "en" / "ervaren-gezondheid.svg").is_file()
    assert _check_all(browser, edge_build / "charts") == {}


def test_the_checker_sees_a_collision(tmp_path, browser):
    """The geometry test itself: two overlapping labels and one leaving the canvas are reported."""
    svg = tmp_path / "bad.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="40">'
                   '<g class="mark-text role-mark"><text x="10" y="20" font-size="12">14%</text>'
                   '<text x="14" y="22" font-size="12">60%</text><text x="90" y="20" font-size="12">100%</text>'
                   '</g></svg>', encoding="utf-8")
    tab = browser.new_page()
    issues = problems(tab, svg)
    tab.close()
    assert "'14%' overlaps '60%'" in issues and "'100%' leaves the canvas" in issues


@pytest.mark.parametrize("width", [360, 1280])
def test_chart_text_is_at_least_12_px_on_the_page(site_build, browser, width):
    tab = browser.new_page(viewport={"width": width, "height": 900})
    for page in ("index.html", "indicatoren/betaald-werk.html", "en/comparison.html", "doelen/taal.html"):
        tab.goto((site_build / "preview" / page).resolve().as_uri())
        sizes = tab.evaluate("""() => [...document.querySelectorAll('svg.chart')]
            .filter(svg => svg.getBoundingClientRect().width > 0).map(svg => {  // the drawing for this screen
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            const fonts = [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize));
            return Math.min(...fonts) * scale; })""")
        assert sizes and min(sizes) >= 12, (page, width, sizes)
    tab.close()


@pytest.mark.parametrize("width", [360, 680])
def test_embeds_show_everything_without_scrolling(site_build, browser, width):
    tab = browser.new_page(viewport={"width": width, "height": 400})
    for snippet in sorted((site_build / "embed").rglob("*.iframe.html")):
        height = int(re.search(r'height="(\d+)"', snippet.read_text(encoding="utf-8")).group(1))
        tab.goto(snippet.with_name(snippet.name.replace(".iframe.html", ".html")).resolve().as_uri())
        needed = tab.evaluate("Math.ceil(document.body.getBoundingClientRect().height)")
        assert needed <= height, (snippet.name, width, needed, height)
    tab.close()


def test_home_and_goal_pages_show_the_latest_figures_as_a_chart(site_build):
    from pipeline.model import addresses

    paths = [addresses.path(lang, "home") for lang in ("nl", "en")]
    paths += [addresses.path(lang, "goal", goal) for lang in ("nl", "en")
              for goal in ("werk", "taal", "dagelijks-leven")]
    for page in paths:
        text = (site_build / "preview" / page).read_text(encoding="utf-8")
        assert 'class="chart chart-narrow"' in text and "<table" in text, page  # a chart, and a real table beside it
