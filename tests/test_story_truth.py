"""The data story says no more than the data carries: polarity, uncertainty, wording, status, dates, words."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURE, ROOT, edit_csv

from pipeline import story
from pipeline.indicators import build_table
from pipeline.package import load
from pipeline.stats import respondents_for_clear_difference

GLOSSARY = yaml.safe_load((ROOT / "pipeline" / "metadata" / "glossary.yaml").read_text(encoding="utf-8"))


def set_where(indicator_id: str, **values: str):
    def change(rows: list[dict]) -> None:
        for row in rows:
            if row["indicator_id"] == indicator_id:
                row.update(values)
    return change


def marks(spec: object) -> set[str]:
    """Every mark type a Vega-Lite spec draws."""
    found: set[str] = set()
    if isinstance(spec, dict):
        mark = spec.get("mark")
        if mark:
            found.add(mark if isinstance(mark, str) else mark.get("type", ""))
        for value in spec.values():
            found |= marks(value)
    elif isinstance(spec, list):
        for value in spec:
            found |= marks(value)
    return found


def home_intro(package: Path, lang: str = "en") -> str:
    pkg = load(package)
    writer = story.Writer(pkg, lang)
    intro = next(f for f in story.facts(pkg, build_table(pkg)) if f.scope == "home" and f.kind == "intro")
    return writer.finding(intro)["text"]


def test_the_headline_counts_topics_by_polarity(package):
    text = home_intro(package)
    worse = re.search(r"On (\d+) of them, the figure for refugees with a residence permit is less favourable: "
                      r"([^.]*)\.", text)
    better = re.search(r"On (\d+), the figure for refugees with a residence permit is more favourable: ([^.]*)\.", text)
    assert worse and "paid work" in worse.group(2) and "(very) good health" in worse.group(2)
    assert better and "(very) satisfied with own spoken Dutch" in better.group(2)
    # taking classes is neither better nor worse: named, not counted
    assert "For taking language classes, a larger or smaller share is not in itself favourable" in text
    counted = int(worse.group(1)) + int(better.group(1))
    assert int(re.search(r"on (\d+) topics", text).group(1)) == counted + 1


def test_flipping_a_polarity_moves_the_topic_to_the_other_side(package):
    before = home_intro(package)
    edit_csv(package, "indicators", set_where("betaald-werk", polarity="lower_is_better"))
    after = home_intro(package)
    assert after != before
    better = re.search(r"more favourable: ([^.]*)\.", after).group(1)
    worse = re.search(r"less favourable: ([^.]*)\.", after).group(1)
    assert "paid work" in better and "paid work" not in worse


def test_the_respondent_bound_matches_a_hand_computed_value():
    # 14% vs 60%: pooled p = 0.37, n >= 2 * 1.96^2 * 0.37 * 0.63 / 0.46^2 = 8.46 -> 9 per group
    assert respondents_for_clear_difference(14, 60) == 9
    # 76% vs 70%: pooled p = 0.73, n >= 2 * 1.96^2 * 0.73 * 0.27 / 0.06^2 = 420.6 -> 421 per group
    assert respondents_for_clear_difference(76, 70) == 421
    assert respondents_for_clear_difference(50, 50) is None


def test_each_gap_sentence_gives_its_bound_and_the_invited_count(site_build):
    findings = json.loads((site_build / "story" / "nl.json").read_text(encoding="utf-8"))
    spanning = next(f["text"] for f in findings if f["id"] == "spanning-nederlands-spreken" and f["kind"] == "gap")
    assert "minstens 421 antwoorden" in spanning
    taalles = next(f["text"] for f in findings if f["id"] == "taalles" and f["kind"] == "gap")
    assert "minstens 22 antwoorden" in taalles and "896 inburgeraars uitgenodigd" in taalles
    assert "afgenomen in oktober 2023" in taalles  # the 2024 measurement's fieldwork, not "in 2024"


def test_only_a_verbatim_question_is_quoted(package, tmp_path):
    from pipeline.build import build

    edit_csv(package, "indicators", set_where("zenuwachtig", wording_kind="question"))
    out = tmp_path / "out"
    build(package, out, log=lambda _: None, render=False)
    catalogue = load(package)["indicators"].set_index("indicator_id")
    for ident, row in catalogue[catalogue["wording_kind"] != ""].iterrows():
        page = (out / "preview" / "indicatoren" / f"{ident}.html").read_text(encoding="utf-8")
        quoted = f"“{row['wording_nl']}”" in page.replace("&ldquo;", "“").replace("&rdquo;", "”")
        assert quoted == (row["wording_kind"] == "question"), ident
        assert row["wording_nl"] in page


def test_statuses_agree_between_home_and_indicator_pages(site_build):
    home = (site_build / "preview" / "index.html").read_text(encoding="utf-8")
    catalogue = load(FIXTURE)["indicators"].set_index("indicator_id")
    for ident, row in catalogue.iterrows():
        cells = re.search(rf'href="indicatoren/{ident}\.html">.*?</tr>', home, re.S).group(0)
        page = (site_build / "preview" / "indicatoren" / f"{ident}.html").read_text(encoding="utf-8")
        if row["status"] == "measured":
            assert "Nog niet gemeten" not in cells and "Nog niet gemeten" not in page, ident
            for value in re.findall(r'class="value">([^<]+)<', cells):
                assert f">{value}<" in page, (ident, value)
        else:
            assert "Nog niet gemeten" in cells and "Nog niet gemeten" in page, ident


def test_no_line_joins_figures_of_different_groups(site_build):
    for spec_path in (site_build / "charts").rglob("*.vl.json"):
        spec = json.loads(spec_path.read_text(encoding="utf-8"))
        if "line" not in marks(spec):
            continue
        rows = [r for data in spec.get("datasets", {}).values() for r in data if "edition" in r and "name" in r]
        editions_per_group: dict[str, set] = {}
        for r in rows:
            editions_per_group.setdefault(r["name"], set()).add(r["edition"])
        assert max(len(e) for e in editions_per_group.values()) >= 2, spec_path
    spec = json.loads((site_build / "charts" / "nl" / "betaald-werk.vl.json").read_text(encoding="utf-8"))
    assert "line" not in marks(spec)  # 2024: all newcomers; 2025: each group. Not a development.


def _visible_text(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    text = re.split(r'<h2 id="dictionary"', text)[0]  # the data dictionary names the data's own columns
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())  # as read: line breaks in a paragraph are spaces


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_page_uses_a_retired_term(site_build, lang):
    pages = [p for p in (site_build / "preview").rglob("*.html") if ("/preview/en/" in p.as_posix()) == (lang == "en")]
    assert pages
    for page in pages:
        text = _visible_text(page)
        for entry in GLOSSARY[lang]:
            for pattern in entry["retired"]:
                found = re.search(rf"\b{pattern}\b", text, re.I)
                assert not found, f"{page.name}: '{found.group(0)}', use '{entry['use']}'"


def test_the_method_page_explains_the_bound_and_the_selection(site_build):
    nl = _visible_text(site_build / "preview" / "over-het-onderzoek.html")
    en = _visible_text(site_build / "preview" / "en" / "about-the-research.html")
    assert "verschil tussen twee percentages" in nl and "eigen selectie" in nl
    assert "difference between two percentages" in en and "its own selection" in en
