"""The data story says no more than the data carries: polarity, uncertainty, wording, status, dates, words."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from helpers import FIXTURE, ROOT, edit_csv
from hypothesis import given, settings
from hypothesis import strategies as st
from sitecheck import dashboard_row

from pipeline.model.catalogue import Catalogue
from pipeline.model.indicators import build_table
from pipeline.model.package import load
from pipeline.model.publication import column_docs
from pipeline.model.stats import fisher_p, more_than_chance, respondents_needed
from pipeline.model.tables import Tables
from pipeline.stages import story
from pipeline.stages.story import vocabulary

GLOSSARY = yaml.safe_load((ROOT / "pipeline" / "words" / "glossary.yaml").read_text(encoding="utf-8"))


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
    writer = vocabulary.Writer(Catalogue.of(pkg), lang)
    intro = next(f for f in story.facts(Tables.of(pkg)) if f.scope == "home" and f.kind == "intro")
    return writer.finding(intro)["text"]


def home_tally(package: Path) -> dict[str, tuple[str, ...]]:
    """The headline's topics by the sentence that names them (template key: indicator ids), not by its words."""
    intro = next(f for f in story.facts(Tables.of(load(package))) if f.scope == "home" and f.kind == "intro")
    return {p.key: p.values["titles"].indicator_ids for p in intro.parts if "titles" in p.values}


def test_the_headline_counts_only_the_differences_that_hold(package):
    """Paid work (46 points) holds if each group had 30 answers; 'nerve-racking' (6 points) would need
    hundreds: it is named as undecided, never counted with paid work."""
    tally = home_tally(package)
    assert "betaald-werk" in tally["pattern_worse"]
    assert "spanning-nederlands-spreken" in tally["pattern_undecided"]
    assert "taalles" in tally["pattern_neutral"]  # neither better nor worse: named, not counted
    table = build_table(load(package))
    for key, side in (("pattern_worse", False), ("pattern_better", True)):
        for indicator in tally.get(key, ()):
            rows = table[(table["indicator_id"] == indicator) & table["compared"]]
            assert rows["gap_clear"].any() and bool(rows["gap_favourable"].iloc[0]) == side, indicator
    named = [i for ids in tally.values() for i in ids]
    assert len(named) == len(set(named))
    parts = {p.key: p.values for p in next(f for f in story.facts(Tables.of(load(package)))
                                           if f.scope == "home" and f.kind == "intro").parts}
    assert parts["pattern_intro"]["count"].n == len(named)
    assert "pattern_condition" in parts  # the group sizes are unknown: "more than chance" is a condition


def test_a_topic_whose_report_does_not_say_whom_it_is_about_is_never_counted(package):
    """96% of refugees 'find it easier to do things thanks to the classes': of those who take classes."""
    tally = home_tally(package)
    weighed = {i for key, ids in tally.items() if key != "pattern_unstated" for i in ids}
    unstated = set(tally["pattern_unstated"])  # named apart, saying why it is not weighed
    assert unstated and unstated <= {"taalles-zelfstandig", "taalles-contact-of-zelfstandig"}
    assert not unstated & weighed
    facts = story.facts(Tables.of(load(package)))
    gap = next(f for f in facts if f.scope_id == "taalles-zelfstandig" and f.kind == "gap")
    assert "base_note" in [p.key for p in gap.parts]
    # No bound (it would assume the groups' bases) and no group it cannot vouch for, on any page.
    pkg = load(package)
    unknown = set(pkg["indicators"].loc[pkg["indicators"]["base_note_nl"].fillna("") != "", "indicator_id"])
    total = pkg["groups"].set_index("group_id").loc[lambda g: g["role"] == "total"].index
    for fact in facts:
        if {getattr(r, "indicator_id", None) for r in fact.refs} & unknown and len(fact.refs) <= 2:
            keys = [p.key for p in fact.parts]
            assert not {"bound", "bound_min", "comparison_strong", "comparison_depends"} & set(keys), keys
            groups = {v.group_id for p in fact.parts for v in p.values.values() if hasattr(v, "group_id")}
            assert not groups & set(total), (fact.scope, keys)


def test_flipping_a_polarity_moves_the_topic_to_the_other_side(package):
    before = home_tally(package)
    edit_csv(package, "indicators", set_where("betaald-werk", polarity="lower_is_better"))
    after = home_tally(package)
    assert "betaald-werk" in before["pattern_worse"] and "betaald-werk" in after["pattern_better"]
    assert "betaald-werk" not in after.get("pattern_worse", ())


def test_the_exact_test_matches_published_values():
    # 1 of 9 against 5 of 9 (14% against 60% at nine per group): p = 0.13, not less than 5%
    assert round(fisher_p(1, 9, 5, 9), 2) == 0.13 and not more_than_chance(14, 9, 60, 9)
    assert round(fisher_p(3, 10, 7, 10), 4) == 0.1789  # the classic 3/10 against 7/10
    assert fisher_p(0, 30, 30, 30) < 1e-15 and fisher_p(5, 20, 5, 20) == pytest.approx(1.0)


def test_the_bound_is_where_the_test_settles():
    # 14% against 60% (paid work): more than chance from 13 per group on; at 12 it is not
    assert respondents_needed(14, 60) == 13
    assert more_than_chance(14, 13, 60, 13) and not more_than_chance(14, 12, 60, 12)
    # 76% against 70%: the verdict flips between 439 and 465 per group and holds from 466 on
    assert respondents_needed(76, 70) == 466
    assert more_than_chance(76, 439, 70, 439) and not more_than_chance(76, 465, 70, 465)
    assert respondents_needed(50, 50) is None


def test_a_bound_is_never_below_the_smallest_group_published():
    assert respondents_needed(14, 60, min_n=30) == 30  # holds even at 30: said as such
    assert respondents_needed(38, 27, min_n=30) == respondents_needed(38, 27) > 30


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.integers(0, 1000), st.integers(0, 1000), st.integers(1, 60))
def test_at_the_bound_more_than_chance_and_one_fewer_not(a, b, min_n):
    a, b = a / 10, b / 10
    needed = respondents_needed(a, b, min_n)
    if needed is None:
        assert a == b or not more_than_chance(a, 20_000, b, 20_000)
        return
    assert needed >= min_n
    assert all(more_than_chance(a, n, b, n) for n in range(needed, needed + 40))
    if needed > min_n:
        assert not more_than_chance(a, needed - 1, b, needed - 1)


def test_each_gap_sentence_gives_its_bound_and_the_invited_count(site_build):
    findings = json.loads((site_build / "story" / "nl.json").read_text(encoding="utf-8"))
    spanning = next(f["text"] for f in findings if f["id"] == "spanning-nederlands-spreken" and f["kind"] == "gap")
    assert vocabulary.templates("nl")["bound"].format(n=466) in spanning
    taalles = next(f["text"] for f in findings if f["id"] == "taalles" and f["kind"] == "gap")
    words = vocabulary.templates("nl")
    assert words["bound_min"].format(n=30) in taalles  # said as the condition it is
    assert "896 inburgeraars uitgenodigd" in taalles
    assert "afgenomen in oktober 2023" in taalles  # the 2024 measurement's fieldwork, not "in 2024"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_bound_below_the_minimum_and_the_assumption_once_per_page(site_build, lang):
    findings = json.loads((site_build / "story" / f"{lang}.json").read_text(encoding="utf-8"))
    words = vocabulary.templates(lang)
    assumption = words["chance_assumes"]
    pages: dict[tuple, int] = {}
    for finding in findings:
        pages.setdefault((finding["scope"], finding["id"]), 0)
        pages[finding["scope"], finding["id"]] += finding["text"].count(assumption)
        for bound in re.findall(r"(?:minstens|at least) (\d+) (?:antwoorden|answers)", finding["text"]):
            assert int(bound) >= load(FIXTURE).min_n, finding["text"]
    speaking = {page for page, count in pages.items() if count}
    assert all(count <= 1 for count in pages.values())
    bounded = [f for f in findings if f["kind"] == "gap" and re.search(r"(?:minstens|at least) \d+", f["text"])]
    assert bounded and {(f["scope"], f["id"]) for f in bounded} <= speaking  # every page with a bound says it once


def test_no_sentence_says_more_than_chance_in_any_case(site_build):
    """With group sizes unknown, 'more than chance' is always a condition, never "in any case"."""
    for lang, never in (("nl", r"in elk geval|ook als per groep maar"), ("en", r"in any case|even if only")):
        for finding in json.loads((site_build / "story" / f"{lang}.json").read_text(encoding="utf-8")):
            assert not re.search(never, finding["text"]), finding["text"]


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
        cells = dashboard_row(home, ident)
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


def test_the_method_page_carries_the_writers_text_and_every_measurements_notes(site_build):
    """Its prose is the editor's to rewrite: every heading of it is on the page, whatever it says."""
    from pipeline.model import addresses

    editions = load(FIXTURE)["editions"]
    for lang in ("nl", "en"):
        page = _visible_text(site_build / "preview" / addresses.path(lang, "method"))
        source = (ROOT / "site" / "content" / lang / "method.qmd").read_text(encoding="utf-8")
        headings = re.findall(r"^##+ (.+)$", source, re.M)
        assert headings and all(" ".join(h.split()) in page for h in headings), lang
        assert all(" ".join(notes.split()) in page for notes in editions[f"method_notes_{lang}"]), lang


def test_a_changed_measurement_says_what_changed_in_its_own_words(site_build):
    """Not a generic "the method changed" above "the same approach": the edition's own description."""
    editions = load(FIXTURE)["editions"].set_index("edition")
    from pipeline.model import addresses

    for lang in ("nl", "en"):
        page = _visible_text(site_build / "preview" / addresses.path(lang, "indicator", "betaald-werk"))
        assert editions.at[2025, f"method_change_{lang}"] in page, lang
        assert "dezelfde aanpak" not in page and "the same approach" not in page


def test_wording_belongs_to_an_indicator_and_a_measurement(site_build):
    """2024 published paid work only in its running text: its rows do not carry the 2025 figure caption."""
    table = pd.read_parquet(next((site_build / "data").glob("*[a-z].parquet")))
    paid = table[table["indicator_id"] == "betaald-werk"].set_index("edition")
    own = load(FIXTURE)["wordings"].set_index(["indicator_id", "edition"]).loc[("betaald-werk", 2024)]
    assert set(paid.loc[2024, "wording_nl"]) == {own["wording_nl"]} and set(paid.loc[2024, "wording_kind"]) == {
        "report_text"}
    assert "Aandeel asielstatushouders" in set(paid.loc[2025, "wording_nl"]).pop()
    page = _visible_text(site_build / "preview" / "indicatoren" / "betaald-werk.html")
    assert "Omschrijving in het rapport (tekst), meting 2024" in page and own["wording_nl"] in page


def test_english_pages_translate_the_reports_labels_and_say_they_are_in_dutch(site_build):
    from pipeline.model import addresses

    page = _visible_text(site_build / "preview" / addresses.path("en", "indicator", "betaald-werk"))
    assert "Civic Integration Report 2025 (second measurement), Figure 2.1 (in Dutch)" in page
    assert "Figuur" not in page and "paragraaf" not in page


def test_a_page_without_figures_cites_the_site_without_an_empty_report(site_build):
    for path in ("indicatoren/tijd-tot-diploma.html", "en/indicators/tijd-tot-diploma.html"):
        page = _visible_text(site_build / "preview" / path)
        assert ". ." not in page and "(z.d.)" not in page and "(n.d.)" not in page, path


def test_a_group_without_an_earlier_figure_is_not_a_topic_never_measured_before(site_build):
    """Paid work was measured in 2024 for all newcomers together: "no earlier figure for this group"."""
    home = (site_build / "preview" / "en" / "index.html").read_text(encoding="utf-8")
    row = dashboard_row(home, "betaald-werk")
    assert row.count("no earlier figure for this group") == 2 and "no previous measurement" not in row


def test_statuses_claim_only_what_is_known(site_build):
    docs = column_docs()
    assert "measured, but" not in docs["status"]["en"] and "wel gemeten" not in docs["status"]["nl"]
    home = (site_build / "preview" / "en" / "index.html").read_text(encoding="utf-8")
    row = dashboard_row(home, "zenuwachtig")
    assert "no figure published" in row  # family migrants' figure: not published, and not said to be measured


def test_with_counts_known_the_words_follow_the_exact_test_not_the_intervals(package):
    """76% against 70% with 600 answers each: the Wilson intervals overlap (72.4-79.3 and 66.2-73.5), yet
    Fisher's test finds more than chance (it does from 466 per group); the sentence follows the test."""
    from helpers import set_results

    set_results(package, {("spanning-nederlands-spreken", 2025, g): {"n": "600"}
                          for g in ("asielstatushouders", "gezinsmigranten")})
    pkg = load(package)
    table = build_table(pkg)
    rows = table[(table["indicator_id"] == "spanning-nederlands-spreken") & (table["edition"] == 2025)
                 & (table["group_role"] == "main")]
    assert rows["ci_high"].min() > rows["ci_low"].max()  # the intervals overlap
    gap = next(f for f in story.facts(Tables.of(pkg)) if f.scope_id == "spanning-nederlands-spreken"
               and f.kind == "gap")
    text = vocabulary.Writer(Catalogue.of(pkg), "en").finding(gap)["text"]
    assert "With this many answers, a difference of 6 percentage points is more than chance" in text
