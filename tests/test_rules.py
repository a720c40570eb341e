"""The monitor's own rules, one test per rule, on a copy of the real package with one thing changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import edit_csv

from pipeline.package import load
from pipeline.rules import RULES, check
from pipeline.stats import wilson


def flat(package):
    return [[p.file, p.row, p.field, p.rule] for p in check(load(package))]


def append_result(package, **values):
    def change(rows):
        row = dict.fromkeys(rows[0], "")
        row.update(suppressed="false", source_url="https://example.org/rapport")
        row.update({k: str(v) for k, v in values.items()})
        return [*rows, row]

    edit_csv(package, "results", change)


def test_real_package_passes_every_rule(package):
    assert flat(package) == []


def test_not_measured_indicator_with_results(package):
    edit_csv(package, "indicators", lambda rows: [r.update(status="not_measured") for r in rows
                                                   if r["indicator_id"] == "taalles"] and None)
    assert flat(package) == [["data/indicators.csv", 4, "status", "not-measured-has-results"]]


def test_measured_indicator_without_results(package):
    edit_csv(package, "indicators", lambda rows: [r.update(status="measured") for r in rows
                                                   if r["indicator_id"] == "thuis-in-buurt"] and None)
    assert flat(package) == [["data/indicators.csv", 14, "status", "measured-without-results"]]


def test_a_changed_measurement_says_what_changed(package):
    edit_csv(package, "editions", lambda rows: rows[1].update(method_change_nl="", method_change_en=""))  # 2025
    assert flat(package) == [["data/editions.csv", 3, "method_change_nl", "method-change-unexplained"]]


def test_reference_group_needs_its_year(package):
    edit_csv(package, "results", lambda rows: [r.update(reference_year="") for r in rows
                                                if r["group_id"] == "utrechters_18plus"] and None)
    assert flat(package) == [["data/results.csv", 19, "reference_year", "reference-year-missing"]]


def test_main_group_has_no_reference_year(package):
    edit_csv(package, "results", lambda rows: rows[0].update(reference_year="2022"))
    assert flat(package) == [["data/results.csv", 2, "reference_year", "reference-year-unexpected"]]


@pytest.mark.parametrize(("value", "expected"), [("100", []), ("0", []), ("100.5", ["percent-out-of-range"])])
def test_percentages_lie_between_0_and_100(package, value, expected):
    edit_csv(package, "results", lambda rows: rows[0].update(value=value))
    assert [p[3] for p in flat(package)] == expected


def test_months_may_exceed_100(package):
    edit_csv(package, "indicators", lambda rows: [r.update(unit="months") for r in rows
                                                   if r["indicator_id"] == "taalles"] and None)
    edit_csv(package, "results", lambda rows: rows[0].update(value="130"))
    assert flat(package) == []


@pytest.mark.parametrize(("n", "expected"), [("29", ["small-n-published"]), ("30", []), ("120", [])])
def test_small_numbers_are_never_published(package, n, expected):
    edit_csv(package, "results", lambda rows: rows[0].update(n=n))
    assert [p[3] for p in flat(package)] == expected


def test_threshold_is_a_setting_in_the_descriptor(package):
    from conftest import edit_descriptor

    edit_descriptor(package, lambda d: d["monitor"].update(min_n=10))
    edit_csv(package, "results", lambda rows: rows[0].update(n="12"))
    assert flat(package) == []


def test_suppressed_row_must_be_empty(package):
    edit_csv(package, "results", lambda rows: rows[0].update(suppressed="true", n="12"))
    assert flat(package) == [["data/results.csv", 2, "value", "small-n-published"],
                             ["data/results.csv", 2, "value", "suppressed-with-value"]]


def test_empty_value_must_be_marked(package):
    edit_csv(package, "results", lambda rows: rows[0].update(value=""))
    assert flat(package) == [["data/results.csv", 2, "value", "value-missing"]]
    edit_csv(package, "results", lambda rows: rows[0].update(suppressed="true"))
    assert flat(package) == []


def test_n_cannot_exceed_population(package):
    edit_csv(package, "results", lambda rows: rows[0].update(n="120", population="100"))
    assert flat(package) == [["data/results.csv", 2, "n", "n-above-population"]]


def test_suppressed_group_cannot_be_derived_from_total(package):
    """taalles 2024 has total, refugees and family migrants; suppress family migrants only."""

    def change(rows):
        for row in rows:
            if row["indicator_id"] == "taalles":
                row["n"] = {"inburgeraars": "90", "asielstatushouders": "62", "gezinsmigranten": "28"}[row["group_id"]]
                if row["group_id"] == "gezinsmigranten":
                    row.update(value="", suppressed="true")

    edit_csv(package, "results", change)
    assert flat(package) == [["data/results.csv", 2, "value", "suppressed-derivable"]]
    edit_csv(package, "results", lambda rows: rows[0].update(value="", suppressed="true"))
    assert flat(package) == []


def test_erratum_must_match_the_published_value(package):
    def add(rows, new_value):
        return [*rows, {"date": "2026-03-01", "edition": "2025", "indicator_id": "zenuwachtig",
                        "group_id": "asielstatushouders", "old_value": "14", "new_value": new_value,
                        "description_nl": "Typfout", "description_en": "Typo"}]

    edit_csv(package, "errata", lambda rows: add(rows, "41"))
    assert flat(package) == []
    edit_csv(package, "errata", lambda rows: [{**rows[0], "new_value": "42"}])
    assert flat(package) == [["data/errata.csv", 2, "new_value", "erratum-mismatch"]]


def test_wording_must_say_what_it_is_and_where_it_stands(package):
    edit_csv(package, "indicators", lambda rows: [r.update(wording_kind="", wording_source_nl="", wording_source_en="")
                                                   for r in rows if r["indicator_id"] == "zenuwachtig"] and None)
    assert flat(package) == [["data/indicators.csv", 13, "wording_kind", "wording-unlabelled"],
                             ["data/indicators.csv", 13, "wording_source_nl", "wording-unlabelled"]]


def test_research_statements_point_at_known_goals_and_indicators(package):
    edit_csv(package, "research", lambda rows: rows[0].update(indicator_id="taalles-oud"))
    assert flat(package) == [["data/research.csv", 2, "indicator_id", "unknown-reference"]]


def test_every_rule_has_a_test():
    tested = {"missing-translation"}  # covered in test_validate.py
    source = "".join(Path(__file__).with_name(name).read_text(encoding="utf-8")
                     for name in ("test_rules.py", "test_hostile_descriptor.py", "test_registration.py"))
    tested |= {name for name in RULES if f'"{name}"' in source}
    assert set(RULES) == tested


@pytest.mark.parametrize(("p", "n", "low", "high"), [(50, 100, 40.4, 59.6), (0, 30, 0.0, 11.4), (100, 30, 88.6, 100.0)])
def test_wilson_interval(p, n, low, high):
    assert [round(x, 1) for x in wilson(p, n)] == [low, high]


def test_finite_population_correction_narrows_the_interval():
    wide = wilson(40, 200)
    narrow = wilson(40, 200, population=400)
    assert narrow[0] > wide[0] and narrow[1] < wide[1]
    assert wilson(40, 400, population=400) == (40, 40)


def test_a_text_longer_than_a_spreadsheet_cell_is_refused(package):
    """The workbooks could not hold it: XlsxWriter would cut it at Excel's 32,767 characters."""
    edit_csv(package, "indicators", lambda rows: rows[2].update(definition_en="word " * 7000))
    problems = check(load(package))
    assert [[p.file, p.row, p.field, p.rule] for p in problems] == [
        ["data/indicators.csv", 4, "definition_en", "text-too-long"]]
    assert "35,000 characters" in problems[0].message and "32,767" in problems[0].message
    edit_csv(package, "indicators", lambda rows: rows[2].update(definition_en="w" * 32_767))
    assert flat(package) == []
