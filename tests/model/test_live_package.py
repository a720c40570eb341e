"""The live data package: invariants only, so that next year's data pull request keeps them green.

Exact values, counts and sentences are tested on the frozen package under ``tests/package/``. Here the
package the site is built from must validate, keep every figure the reports published (or record its
correction as an erratum), trace every number to a source, and keep the form of the frozen package, so
that what the exact tests prove still holds for it.
"""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest
from helpers import FIXTURE, LIVE, REFERENCE, TOPICS

from pipeline.model.indicators import build_table
from pipeline.model.package import load


@pytest.fixture(scope="module")
def live():
    return load(LIVE)


def test_the_live_package_is_valid(run_cli):
    code, out, err = run_cli("validate", LIVE)
    assert code == 0, out + err


def test_every_published_figure_is_in_the_live_package_or_corrected_by_an_erratum(live):
    results = live["results"].set_index(["indicator_id", "edition", "group_id"])
    corrections = {(e.indicator_id, int(e.edition), e.group_id): float(e.old_value)
                   for e in live["errata"].itertuples()}
    for ref in csv.DictReader((REFERENCE / "published-figures.csv").open(encoding="utf-8")):
        key = (TOPICS[ref["topic"]], int(ref["edition"]), ref["group"])
        assert key in results.index, ref
        published, value = float(ref["value_pct"]), float(results.loc[key, "value"])
        assert value == published or corrections.get(key) == published, ref
        assert results.loc[key, "source_url"] == ref["url"], ref


def test_every_number_names_its_source(live):
    results = live["results"]
    figures = results[results["value"].notna()]
    assert figures["source_url"].notna().all(), figures[figures["source_url"].isna()]
    assert (figures["source_chapter"].notna() | figures["source_figure"].notna()).all()
    assert live["context"]["source_url"].notna().all()
    assert live["editions"]["source_url"].notna().all()


def test_every_measured_indicator_has_a_figure_and_every_figure_an_indicator(live):
    table = build_table(live)
    indicators = live["indicators"].set_index("indicator_id")
    measured = set(indicators.index[indicators["status"] == "measured"])
    with_figures = set(table.loc[table["value"].notna(), "indicator_id"])
    assert measured <= with_figures | set(table.loc[table["status"] == "suppressed", "indicator_id"])
    assert set(table["indicator_id"]) <= set(indicators.index)


def _schemas(path) -> dict[str, list[tuple[str, str]]]:
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    return {r["name"]: [(f["name"], f["type"]) for f in r["schema"]["fields"]] for r in descriptor["resources"]}


def test_the_frozen_test_package_has_the_live_package_form():
    """A change of form (a field, a resource) must reach the frozen package too, or the exact tests would
    prove things about a package the site no longer reads."""
    assert _schemas(FIXTURE) == _schemas(LIVE)
    live_monitor = json.loads(LIVE.read_text(encoding="utf-8")).get("monitor", {})
    frozen_monitor = json.loads(FIXTURE.read_text(encoding="utf-8")).get("monitor", {})
    assert set(frozen_monitor) == set(live_monitor)


def test_the_latest_edition_of_the_live_package_has_figures(live):
    latest = int(pd.to_numeric(live["editions"]["edition"]).max())
    assert live["results"].loc[live["results"]["edition"].astype(int) == latest, "value"].notna().any()


def test_what_the_reports_say_is_cited_to_the_report_and_measurement_it_comes_from(live):
    """A research row cites one report, of its own measurement: a 2024 hedge is not cited to 2025's section."""
    editions = live["editions"].set_index("edition")
    for row in live["research"].itertuples():
        own = editions.loc[int(row.edition)]
        named = [int(e) for e in editions.index if editions.at[e, "title_nl"].split(" (")[0] in row.source_nl]
        assert named == [int(row.edition)], row.finding_id
        assert str(row.edition) in row.source_en and own["title_en"].split(" (")[0] in row.source_en, row.finding_id
