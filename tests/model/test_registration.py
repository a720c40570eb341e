"""Counted figures from registers, on the made-up registration package (tests/registration/README.md): how
they are validated, which are withheld for privacy, and what the story and the pages say of them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from helpers import ROOT, copy_package, edit_csv

from pipeline.model import counted
from pipeline.model.catalogue import Catalogue
from pipeline.model.package import load
from pipeline.model.tables import Tables
from pipeline.stages.story import facts
from pipeline.stages.story.vocabulary import Writer

REGISTRATION = ROOT / "tests" / "registration" / "datapackage.json"


@pytest.fixture
def registration(tmp_path: Path) -> Path:
    return copy_package(tmp_path / "pkg", REGISTRATION)


def _set(package: Path, row: int, **cells: str) -> None:
    """Set cells of registrations.csv; ``row`` counts like a spreadsheet (the header is row 1)."""
    def edit(rows):
        rows[row - 2].update(cells)

    edit_csv(package, "registrations", edit)


def test_the_registration_package_is_valid_and_the_frozen_one_needs_no_change(run_cli):
    for package in (REGISTRATION, ROOT / "tests" / "package" / "datapackage.json"):
        code, out, _ = run_cli("validate", str(package))
        assert code == 0, out


# Rows of registrations.csv: 2-13 shares (niet-meer-plichtig), 14-25 medians (tijd-tot-diploma), 26-37 counts.
@pytest.mark.parametrize(("row", "cells", "field", "code"), [
    (2, {"reference_date": "2021-12-31"}, "reference_date", "cohort-after-reference-date"),
    (2, {"counted": ""}, "counted", "counted-missing"),
    (14, {"counted": "0"}, "value", "empty-cohort"),
    (14, {"statistic": "share"}, "statistic", "statistic-unit-mismatch"),
    (26, {"value": "450", "counted": "400"}, "value", "count-above-counted"),
    (26, {"value": "72.5"}, "value", "count-not-whole"),
    (2, {"value": "180"}, "value", "percent-out-of-range"),
    (2, {"indicator_id": "betaald-werk"}, "indicator_id", "registration-wrong-file"),
    (14, {"reference_date": "2024-1-1"}, "reference_date", "not-a-date"),  # would group and sort apart
])
def test_a_bad_counted_figure_is_named_by_file_row_and_field(registration, run_cli, row, cells, field, code):
    _set(registration, row, **cells)
    exit_code, out, _ = run_cli("validate", str(registration), "--json")
    problems = json.loads(out)["problems"]
    assert exit_code == 1
    assert {"file": "data/registrations.csv", "row": row, "field": field, "rule": code} in [
        {k: p[k] for k in ("file", "row", "field", "rule")} for p in problems], problems


def test_small_groups_are_withheld_and_cannot_be_worked_out_from_the_total():
    pkg = load(REGISTRATION)
    table = counted.build_table(pkg)
    raw = pkg["registrations"]
    least = counted.min_count(pkg)
    for _, cell in table.groupby(["indicator_id", "cohort", "reference_date"]):
        main = cell[cell["group_role"] == "main"]
        total = cell[(cell["group_role"] == "total") & cell["value"].notna()]
        withheld = main["value"].isna().sum()
        assert not (withheld == 1 and not total.empty), cell  # never one hidden group beside a total
        for _, row in cell[cell["status"] == "ok"].iterrows():
            assert all(round(p) >= least for p in counted._people(row) if p == p)
    # The small rows of the package: withheld with their counts, whatever else the row says.
    small = raw[(raw["statistic"] == "count") & (raw["value"] < least)]
    assert not small.empty
    keys = ["indicator_id", "group_id", "cohort", "reference_date"]
    shown = table.merge(small[keys], on=keys)
    assert shown["value"].isna().all() and shown["counted"].isna().all()
    assert set(shown["status"]) == {"small"}
    assert "derivable" in set(table["status"])


def test_a_higher_threshold_in_the_package_withholds_more(registration):
    def settings(descriptor):
        descriptor["monitor"]["min_count"] = 100

    from helpers import edit_descriptor
    edit_descriptor(registration, settings)
    table = counted.build_table(load(registration))
    assert table.loc[table["counted"].notna(), "counted"].min() >= 100
    assert (table.loc[table["statistic"] == "count", "value"].dropna() >= 100).all()


SURVEY_WORDS = {"nl": re.compile(r"antwoord|respondent|toeval|meting van|steekproef", re.I),
                "en": re.compile(r"answer|respondent|chance|measurement|sample", re.I)}


def test_counted_sentences_say_cohort_date_and_people_and_nothing_of_a_survey():
    pkg = load(REGISTRATION)
    found = [f for f in facts(Tables.of(pkg)) if f.scope == "indicator"
             and f.scope_id in set(pkg["registrations"]["indicator_id"])]
    table = counted.build_table(pkg).set_index(["indicator_id", "cohort", "reference_date", "group_id"])
    for lang in ("nl", "en"):
        writer = Writer(Catalogue.of(pkg), lang)
        for fact in found:
            text = writer.finding(fact)["text"]
            assert not SURVEY_WORDS[lang].search(text), text
            for ref in fact.refs:
                row = table.loc[(ref.indicator_id, ref.cohort, ref.reference_date, ref.group_id)]
                assert str(ref.cohort) in text
                if fact.kind == "counted" and ref == fact.refs[0]:
                    written = f"{row['value']:,.1f}".rstrip("0").rstrip(".")
                    written = written.translate(str.maketrans(",.", ".,")) if lang == "nl" else written
                    assert written in text, (written, text)
    medians = [Writer(Catalogue.of(pkg), "nl").finding(f)["text"] for f in found if f.scope_id == "tijd-tot-diploma"
               and f.kind == "counted"]
    assert medians and all("de helft" in t.lower() and "maanden" in t and "telt niet mee" in t for t in medians)


def _text(html: str) -> str:
    import html as entities

    without_charts = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", entities.unescape(re.sub(r"<[^>]+>", " ", without_charts)))


def test_the_page_of_a_counted_indicator_names_its_register_and_dates(built):
    out = built("registration")
    page = _text((out / "preview" / "indicatoren" / "tijd-tot-diploma.html").read_text(encoding="utf-8"))
    register = load(REGISTRATION)["registers"].iloc[0]
    assert f"{register['title_nl']}, stand 1 januari 2025" in page
    assert "(mediaan)" in page and "Peildatum" in page and "Over de registratie" in page
    assert "Respondenten" not in page and "geïnterviewd" not in page and "Over de meting" not in page
    english = _text((out / "preview" / "en" / "indicators" / "diploma-gehaald.html").read_text(encoding="utf-8"))
    assert "1,066" in english and "fewer than 10 people" in english
    goal = _text((out / "preview" / "doelen" / "taal.html").read_text(encoding="utf-8"))
    # The zipped package publishes registrations.csv without the withheld figures and their counts.
    import csv
    import io
    import zipfile

    with zipfile.ZipFile(next((out / "data").glob("*-datapackage.zip"))) as archive:
        published = list(csv.DictReader(io.StringIO(archive.read("data/registrations.csv").decode("utf-8"))))
    table = counted.build_table(load(REGISTRATION))
    withheld = table[table["status"].isin(["small", "derivable"])]
    assert len(withheld) == 6
    for r in withheld.itertuples():
        row = next(p for p in published if (p["indicator_id"], p["cohort"], p["reference_date"], p["group_id"])
                   == (r.indicator_id, str(r.cohort), r.reference_date, r.group_id))
        assert row["value"] == row["counted"] == ""
    assert sum(1 for p in published if p["value"]) == len(published) - 6
    # The downloads of counted figures: labelled, withheld figures empty with their reason, in the catalogue.
    import pandas as pd

    name = load(REGISTRATION).descriptor["name"]
    flat = pd.read_csv(out / "data" / f"{name}-registrations.csv")
    assert len(flat) == len(table) and set(flat.loc[flat["value"].isna(), "status"]) == {"small", "derivable"}
    assert flat.loc[flat["value"].isna(), "counted"].isna().all()
    assert {"register_title_nl", "register_title_en", "cohort", "reference_date", "statistic"} <= set(flat.columns)
    own = pd.read_csv(out / "data" / "indicators" / f"{name}-tijd-tot-diploma-excel.csv", sep=";", decimal=",",
                      encoding="utf-8-sig")
    assert set(own["indicator_id"]) == {"tijd-tot-diploma"} and set(own["statistic"]) == {"median"}
    catalogue = (out / "data" / "dcat-ap.jsonld").read_text(encoding="utf-8")
    assert f"{name}-registrations.parquet" in catalogue
    cited = _text((out / "preview" / "indicatoren" / "niet-meer-plichtig.html").read_text(encoding="utf-8"))
    assert f"Getelde cijfers: {register['title_nl']}, stand 1 januari 2024" in cited
    assert "cijfers uit registers" in goal and "geteld in een register" in goal


def test_counted_charts_speak_in_their_unit_and_language():
    import altair as alt
    import jsonschema

    from pipeline.stages.charts import all_charts

    pkg = load(REGISTRATION)
    validator = jsonschema.Draft7Validator(alt.VegaLiteSchema._rootschema)
    table = counted.build_table(pkg)
    for lang, months, persons in (("nl", "15,5 maanden", "1.066 personen"), ("en", "15.5 months", "1,066 people")):
        charts = all_charts(Tables.of(pkg), lang)
        specs = {name: charts[name] for name in ("tijd-tot-diploma", "diploma-gehaald", "niet-meer-plichtig")}
        for spec in specs.values():
            assert not list(validator.iter_errors(spec))
        text = {name: json.dumps(spec, ensure_ascii=False) for name, spec in specs.items()}
        assert months in text["tijd-tot-diploma"] and persons in text["diploma-gehaald"]
        for name in ("tijd-tot-diploma", "diploma-gehaald"):
            assert "'%'" not in text[name]  # no percentage axis for months or persons
        median = {"nl": "Mediaan in maanden", "en": "Median in months"}[lang]
        assert median in " ".join(specs["tijd-tot-diploma"]["title"]["subtitle"])
        # The share is followed over time in the newest cohort whose groups have two dates: lines, one a group.
        followed = table[(table["indicator_id"] == "niet-meer-plichtig") & table["value"].notna()
                         & (table["group_role"] == "main")].groupby("cohort")["reference_date"].nunique()
        cohort = max(c for c, n in followed.items() if n >= 2)
        assert str(cohort) in " ".join(specs["niet-meer-plichtig"]["title"]["subtitle"])
        assert '"line"' in text["niet-meer-plichtig"]
        # A withheld figure is never drawn: its value does not appear in any chart.
        assert '"value": 6.0' not in text["diploma-gehaald"]
        assert not re.search(r"(?<![\d.,])6 (personen|people)", text["diploma-gehaald"])


def test_a_share_is_judged_by_the_fewest_people_its_rounding_allows():
    import pandas as pd

    rows = pd.DataFrame([{"statistic": "share", "value": 0.4, "counted": 2400},  # 9.6, but maybe 8.4 people
                         {"statistic": "share", "value": 0.4, "counted": 3000},  # at least 10.5 people
                         {"statistic": "share", "value": 99.6, "counted": 4000}])  # at least 14 without it
    assert list(counted._small(rows, 10)) == [True, False, False]


def test_a_group_hidden_in_one_indicator_is_hidden_in_all_so_none_gives_it_away():
    """Three main groups A, B, C and a total in one cohort and date: the count shows C is small; the median's
    numbers counted are the same people. Hiding C and, as its complement, one other group the same way in
    both indicators leaves no figure from which C can be worked out."""
    import pandas as pd

    def row(indicator, group, role, statistic, value, people):
        return {"indicator_id": indicator, "group_id": group, "group_role": role, "cohort": 2022,
                "reference_date": "2025-01-01", "statistic": statistic, "value": value, "counted": people}

    counts = [row("count", g, r, "count", v, n) for g, r, v, n in
              (("A", "main", 50, 100), ("B", "main", 20, 200), ("C", "main", 5, 300), ("T", "total", 75, 600))]
    medians = [row("median", g, r, "median", v, n) for g, r, v, n in
               (("A", "main", 20.0, 50), ("B", "main", 18.0, 20), ("C", "main", 15.0, 5), ("T", "total", 19.0, 75))]
    rows = pd.DataFrame(counts + medians)
    hidden = counted._withheld(rows, counted._small(rows, 10), 10)
    by_indicator = {i: set(rows.loc[hidden & (rows["indicator_id"] == i), "group_id"]) for i in ("count", "median")}
    assert by_indicator["count"] == by_indicator["median"] and "C" in by_indicator["count"]
    assert len(by_indicator["count"] - {"T"}) >= 2  # never one hidden main group beside a published total


def _attack(table, least: int) -> list[str]:
    """What an attacker works out from the published counted table, each figure about fewer than ``least``
    people: a count shown as it is; for a share or a count, the people with and without the outcome; and,
    beside a total that shows its count, the main groups' hidden people by subtraction."""
    found = []
    for (indicator, cohort, day), cell in table.groupby(["indicator_id", "cohort", "reference_date"]):
        for row in cell.itertuples():
            people = [row.counted, *([row.value] if row.statistic == "count" else [])]
            if row.statistic == "share" and pd.notna(row.value):
                people += [row.value / 100 * row.counted, (100 - row.value) / 100 * row.counted]
            found += [f"{indicator} {cohort} {day} {row.group_id}: {p}" for p in people
                      if pd.notna(p) and round(p) < least]
        main, total = cell[cell["group_role"] == "main"], cell[cell["group_role"] == "total"]
        shown_total = total["counted"].dropna()
        hidden = main[main["counted"].isna()]
        if not shown_total.empty and not hidden.empty:
            rest = int(shown_total.iloc[0]) - int(main["counted"].dropna().sum())
            if rest < least:
                found.append(f"{indicator} {cohort} {day}: {len(hidden)} hidden groups hold {rest} people")
    return found


@pytest.mark.parametrize("rows", [
    {},  # the package as it is
    # the register did not publish the figure because few were counted: the count itself stays behind
    {14 + 4: {"value": "", "counted": "7"}},
    # a total that publishes only its count still gives a hidden group away by subtraction
    {14 + 5: {"value": ""}, 14 + 4: {"value": "", "counted": "7"}},
    # both main groups small: their sum is the total, which must not be shown either
    {32: {"value": "3", "counted": "5"}, 33: {"value": "4", "counted": "5"}, 34: {"value": "7", "counted": "10"}},
])
def test_no_count_under_ten_can_be_read_or_worked_out_from_the_published_figures(registration, tmp_path, rows):
    for row, cells in rows.items():
        _set(registration, row, **cells)
    pkg = load(registration)
    least = counted.min_count(pkg)
    assert _attack(counted.build_table(pkg), least) == []
    # What the downloads and the zipped package carry is the same table.
    import csv
    import io
    import zipfile

    from pipeline.stages.downloads import write_package_zip

    target = write_package_zip(pkg, counted.build_table(pkg), tmp_path / "package.zip")
    with zipfile.ZipFile(target) as archive:
        published = list(csv.DictReader(io.StringIO(archive.read("data/registrations.csv").decode("utf-8"))))
    table = counted.published(pkg, counted.build_table(pkg))
    for row in published:
        match = table[(table["indicator_id"] == row["indicator_id"]) & (table["group_id"] == row["group_id"])
                      & (table["cohort"] == int(row["cohort"])) & (table["reference_date"] == row["reference_date"])]
        shown = match.iloc[0]
        assert row["counted"] == ("" if pd.isna(shown["counted"]) else str(int(shown["counted"])))
