"""`monitor new-edition`: scaffolds exactly what a maintainer fills in, and refuses what it should."""

from __future__ import annotations

import csv
import json

import pytest
from helpers import read_rows


def test_scaffold_adds_rows_and_leaves_existing_bytes(package, run_cli):
    data = package.parent / "data"
    before = {p.name: p.read_bytes() for p in data.glob("*.csv")}
    code, out, _ = run_cli("new-edition", "2026", "--package", package)
    assert code == 0 and "Edition 2026 added" in out
    for name in ("editions.csv", "results.csv"):
        assert (data / name).read_bytes().startswith(before[name])
    assert {n: b for n, b in before.items() if n not in {"editions.csv", "results.csv"}} == {
        p.name: p.read_bytes() for p in data.glob("*.csv") if p.name not in {"editions.csv", "results.csv"}}
    new = [r for r in read_rows(data / "results.csv") if r["edition"] == "2026"]
    old = read_rows(data / "results.csv")
    expected = {(r["indicator_id"], r["group_id"]) for r in old if r["edition"] != "2026"}
    assert {(r["indicator_id"], r["group_id"]) for r in new} == expected
    assert all(r["value"] == "" and r["suppressed"] == "false" for r in new)
    assert json.loads(package.read_text(encoding="utf-8"))["version"] == "2026.1.0"


def test_validation_then_lists_exactly_what_is_missing(package, run_cli):
    run_cli("new-edition", "2026", "--package", package)
    code, out, _ = run_cli("validate", "--json", package)
    problems = json.loads(out)["problems"]
    assert code == 1
    fields = {(p["file"], p["field"]) for p in problems}
    assert fields == {("data/editions.csv", "method_notes_nl"), ("data/editions.csv", "method_notes_en"),
                      ("data/editions.csv", "source_url"), ("data/results.csv", "source_url")}
    results_rows = [p["row"] for p in problems if p["file"] == "data/results.csv"]
    assert results_rows == list(range(23, 23 + 21))


def test_existing_year_is_refused_and_nothing_changes(package, run_cli):
    data = package.parent / "data"
    before = {p.name: p.read_bytes() for p in data.glob("*.csv")} | {"dp": package.read_bytes()}
    code, out, err = run_cli("new-edition", "2025", "--package", package)
    assert (code, out) == (2, "")
    assert err.strip() == "monitor: edition 2025 already exists in data/editions.csv"
    assert {p.name: p.read_bytes() for p in data.glob("*.csv")} | {"dp": package.read_bytes()} == before


@pytest.mark.parametrize("year", ["26", "twenty", "1999", "2101"])
def test_bad_year_is_a_usage_error(year, package, run_cli):
    code, _, err = run_cli("new-edition", year, "--package", package)
    assert code == 2 and "is not a year between 2020 and 2100" in err


@pytest.mark.parametrize("year", ["2062", "2023"])
def test_a_year_other_than_the_next_is_refused(year, package, run_cli):
    """A typo such as 2062 for 2026 would pass as a valid edition: only the next year is taken unasked."""
    before = package.read_bytes()
    code, out, err = run_cli("new-edition", year, "--package", package)
    assert (code, out) == (2, "") and "2026" in err and package.read_bytes() == before


def test_a_skipped_year_is_taken_when_asked(package, run_cli):
    code, _, err = run_cli("new-edition", "2027", "--after-gap", "--package", package)
    assert code == 0, err
    assert json.loads(package.read_text(encoding="utf-8"))["version"] == "2027.1.0"


def test_scaffolded_csv_stays_well_formed(package, run_cli):
    run_cli("new-edition", "2026", "--package", package)
    with (package.parent / "data" / "results.csv").open(encoding="utf-8", newline="") as handle:
        widths = {len(row) for row in csv.reader(handle)}
    assert widths == {11}


def test_a_file_saved_by_excel_as_csv_utf8_gets_its_rows_in_its_own_form(package, run_cli):
    """Excel's "CSV UTF-8" writes a byte-order mark and CRLF line ends, the form CONTRIBUTING recommends."""
    data = package.parent / "data"
    for name in ("editions.csv", "results.csv"):
        text = (data / name).read_text(encoding="utf-8")
        (data / name).write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    code, _, err = run_cli("new-edition", "2026", "--package", package)
    assert code == 0, err
    raw = (data / "results.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and raw.count(b"\n") == raw.count(b"\r\n")
    assert len([r for r in read_rows(data / "results.csv") if r.get("edition") == "2026"]) == 21
