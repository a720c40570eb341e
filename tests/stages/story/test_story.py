"""The generated story: the same findings in both languages, numbers that match the table, honest wording."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import yaml
from helpers import FIXTURE, add_edition, copy_package, set_results, story_of

from pipeline.model.package import load
from pipeline.stages.story.vocabulary import WORDS, templates
from pipeline.words import i18n

NUMBER = {"nl": re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"),
          "en": re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")}


def numbers(text: str, lang: str) -> list[float]:
    found = NUMBER[lang].findall(text)
    if lang == "nl":
        return [float(n.replace(".", "").replace(",", ".")) for n in found]
    return [float(n.replace(",", "")) for n in found]


def allowed_numbers(keyed: pd.DataFrame, refs: list[dict]) -> set[float]:
    """The figures of the rows a sentence refers to (``keyed``: the table by indicator, edition and group)."""
    allowed: set[float] = set()
    for ref in refs:
        row = keyed.loc[(ref["indicator_id"], ref["edition"], ref["group_id"])]
        allowed.add(float(ref["edition"]))
        for column in ("value", "gap_pp", "change_pp", "change_from", "reference_year", "ci_low",
                       "ci_high"):
            if pd.notna(row[column]):
                allowed.add(round(abs(float(row[column])), 1))
    return allowed


def load_story(out):
    return {lang: json.loads((out / "story" / f"{lang}.json").read_text(encoding="utf-8")) for lang in ("nl", "en")}


@pytest.fixture(scope="module")
def story(site_build):
    return load_story(site_build)


@pytest.fixture(scope="module")
def table(site_build):
    return pd.read_parquet(site_build / "data" / "monitor-inburgering-utrecht.parquet")


def test_templates_have_the_same_keys_in_both_languages():
    nl, en = (yaml.safe_load((WORDS / lang / "story.yaml").read_text(encoding="utf-8")) for lang in ("nl", "en"))
    assert set(nl) == set(en) and set(nl["words"]) == set(en["words"])


def test_both_languages_hold_the_same_findings(story):
    def skeleton(findings):
        return [(f["scope"], f["id"], f["kind"], f["refs"]) for f in findings]

    assert skeleton(story["nl"]) == skeleton(story["en"])
    assert [f["text"] for f in story["nl"]] != [f["text"] for f in story["en"]]


def test_every_measured_indicator_has_findings(story, table):
    measured = set(table.loc[table["value"].notna(), "indicator_id"])
    for lang in ("nl", "en"):
        with_findings = {f["id"] for f in story[lang] if f["scope"] == "indicator" and f["kind"] != "not_measured"}
        assert with_findings == measured
    assert {f["scope"] for f in story["nl"]} == {"home", "goal", "indicator", "comparison"}


def derived_numbers(finding: dict, keyed: pd.DataFrame, pkg) -> set[float]:
    """Numbers a sentence may compute from its rows: respondent bounds, topic counts, and the editions' facts."""
    from pipeline.model.stats import respondents_needed

    values = [keyed.loc[tuple(r.values()), "value"] for r in finding["refs"]]
    bounds = {respondents_needed(a, b, pkg.min_n) for a in values for b in values if a != b} | {pkg.min_n}
    editions = pkg["editions"]
    facts = {float(n) for n in editions["invited"].dropna()} | {
        float(y) for text in editions["fieldwork_en"] for y in re.findall(r"\d{4}", text)}
    counts = set(range(1, len(finding["refs"]) + 1)) if finding["kind"] == "intro" else set()
    return {float(b) for b in bounds if b} | facts | {float(c) for c in counts}


def check_numbers(story, table):
    from pipeline.model.package import load

    keyed, pkg = table.set_index(["indicator_id", "edition", "group_id"]).sort_index(), load(FIXTURE)
    for lang in ("nl", "en"):
        for finding in story[lang]:
            allowed = allowed_numbers(keyed, finding["refs"]) | derived_numbers(finding, keyed, pkg)
            for number in numbers(finding["text"], lang):
                assert round(number, 1) in allowed, (lang, finding["text"])


def test_every_number_in_a_sentence_is_in_the_referenced_rows(story, table):
    check_numbers(story, table)


def test_no_ids_or_missing_markers_in_sentences(story, table):
    ids = set(table["indicator_id"]) | {"utrechters_18plus", "dagelijks-leven"}
    for lang in ("nl", "en"):
        for finding in story[lang]:
            text = finding["text"]
            assert not re.search(r"\b(None|nan|NaN|N/A|<NA>)\b", text), text
            assert not any(i in text for i in ids if "-" in i or "_" in i), text
            first_letter = next(c for c in text if c.isalpha())
            assert first_letter.isupper() and text.endswith("."), text


def test_unknown_group_sizes_are_said_and_no_difference_is_called_higher(story):
    indicator = [f for f in story["en"] if f["scope"] == "indicator" and f["kind"] == "gap"]
    unknown = templates("en")["gap_unknown_n"].split("}", 1)[1].split(". ", 1)[1]  # the sentence after the gap
    assert indicator and all(unknown in f["text"] for f in indicator)
    for lang, words in (("en", r"\b(higher|lower|better|worse)\b"), ("nl", r"\b(hoger|lager|beter|slechter)\b")):
        assert not any(re.search(words, f["text"]) for f in story[lang]), lang


def test_goal_findings_are_ordered_by_the_size_of_the_gap(story, table):
    keyed = table.set_index(["indicator_id", "edition", "group_id"])
    gaps = [abs(keyed.loc[tuple(f["refs"][0].values()), "gap_pp"]) for f in story["nl"]
            if f["scope"] == "goal" and f["id"] == "taal" and f["kind"] == "gap"]
    assert len(gaps) >= 3 and gaps == sorted(gaps, reverse=True)


def test_dutch_numbers_use_the_decimal_comma(tmp_path):
    package = copy_package(tmp_path / "pkg")
    set_results(package, {("spanning-nederlands-spreken", 2025, "asielstatushouders"): {"value": "45.5"}})
    story = story_of(package, tmp_path / "out")
    nl = next(f["text"] for f in story["nl"] if f["id"] == "spanning-nederlands-spreken")
    en = next(f["text"] for f in story["en"] if f["id"] == "spanning-nederlands-spreken")
    assert i18n.percent(45.5, "nl") == "45,5%" and "45,5%" in nl and i18n.points(24.5, "nl") in nl
    assert "45.5%" in en and i18n.points(24.5, "en") in en


@pytest.fixture(scope="module")
def trend(built):
    """A third edition in which problems rise and health improves, with respondent counts."""
    out = built("trend")
    return load_story(out), pd.read_parquet(out / "data" / "monitor-inburgering-utrecht.parquet")


def trend_text(story, lang, indicator, group):
    return next(f["text"] for f in story[lang] if f["id"] == indicator and f["kind"] == "trend"
                and f["refs"][0]["group_id"] == group)


def test_rising_problems_read_as_a_worsening(trend):
    story, table = trend
    nl = trend_text(story, "nl", "problemen-door-taal", "asielstatushouders")
    en = trend_text(story, "en", "problemen-door-taal", "asielstatushouders")
    t = {lang: templates(lang) for lang in ("nl", "en")}
    assert nl == " ".join([  # composed from the templates: the words are the editor's, the facts are tested
        t["nl"]["trend"].format(group="de asielstatushouders", prev_pct=i18n.percent(63, "nl"), prev=2025,
                                pct=i18n.percent(80, "nl"), edition=2026, pp=i18n.points(17, "nl"),
                                more_or_less=t["nl"]["words"]["more"]),
        t["nl"]["trend_clear"].format(verdict=t["nl"]["words"]["worsening"]), t["nl"]["chance_assumes"]])
    assert t["en"]["trend_clear"].format(verdict=t["en"]["words"]["worsening"]) in en
    check_numbers(story, table)


def test_rising_health_reads_as_an_improvement(trend):
    story, _ = trend
    text = trend_text(story, "en", "ervaren-gezondheid", "asielstatushouders")
    assert templates("en")["trend_clear"].format(verdict=templates("en")["words"]["improvement"]) in text


def test_trend_without_group_sizes_gives_direction_but_no_verdict(trend):
    story, _ = trend
    nl = trend_text(story, "nl", "spanning-nederlands-spreken", "asielstatushouders")
    t = templates("nl")
    assert f"{i18n.points(3, 'nl')} {t['words']['more']}" in nl
    assert t["trend_unknown_n"].format(side=t["words"]["bad_side"]) in nl  # a direction, never a verdict
    same = trend_text(story, "en", "spanning-nederlands-spreken", "gezinsmigranten")
    assert same == templates("en")["trend_same"].format(group="family migrants", pct=i18n.percent(70, "en"),
                                                        prev=2025, edition=2026)


def test_known_group_sizes_decide_by_the_same_test(trend):
    story, _ = trend
    health = next(f["text"] for f in story["en"] if f["id"] == "ervaren-gezondheid" and f["kind"] == "gap")
    # 70% of 210 against 72% of 190 (147 against 137 people): Fisher's test finds no more than chance
    assert templates("en")["gap_unclear"].format(pp=i18n.points(2, "en")) in health


def test_home_reports_the_changes_of_the_latest_edition(trend):
    story, _ = trend
    home = [f for f in story["en"] if f["scope"] == "home"]
    assert home[0]["kind"] == "intro" and home[0]["refs"]
    title = load(FIXTURE)["indicators"].set_index("indicator_id").at["problemen-door-taal", "title_en"]
    assert any(f["kind"] == "trend" and title in f["text"] for f in home)


def test_method_change_adds_a_caveat(tmp_path):
    package = copy_package(tmp_path / "pkg")
    add_edition(package, 2026, method_changed=True)
    set_results(package, {("zenuwachtig", 2026, "asielstatushouders"): {"value": "35"}})
    story = story_of(package, tmp_path / "out")
    text = trend_text(story, "nl", "zenuwachtig", "asielstatushouders")
    t = templates("nl")
    assert text.endswith(t["method_caveat"].format(prev=2025))
    assert f"{i18n.points(6, 'nl')} {t['words']['less']}" in text
    assert t["trend_unknown_n"].format(side=t["words"]["good_side"]) in text
