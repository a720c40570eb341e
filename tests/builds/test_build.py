"""`monitor build`: the indicator table, the downloads, and output that is replaced only on success."""

from __future__ import annotations

import csv
import hashlib
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from helpers import FIXTURE, REFERENCE, TOPICS, downloads_of, edit_csv, small_package, snapshot, tables_of
from openpyxl import load_workbook

from pipeline import build as build_module
from pipeline.model.indicators import COLUMNS
from pipeline.model.package import load
from pipeline.model.publication import ALL, LATEST, column_docs, edition_scope, indicator_scope, zip_name


@pytest.fixture(scope="module")
def out(built) -> Path:
    return built("frozen")


@pytest.fixture(scope="module")
def table(out) -> pd.DataFrame:
    return pd.read_parquet(out / "data" / ALL.file(load(FIXTURE), "parquet"))


def test_every_reference_figure_is_in_the_table_with_its_source(table):
    reference = list(csv.DictReader((REFERENCE / "published-figures.csv").open(encoding="utf-8")))
    assert len(reference) == 21
    for ref in reference:
        rows = table[(table["indicator_id"] == TOPICS[ref["topic"]]) & (table["edition"] == int(ref["edition"]))
                     & (table["group_id"] == ref["group"])]
        assert len(rows) == 1, ref
        row = rows.iloc[0]
        assert row["value"] == float(ref["value_pct"])
        assert row["source_url"] == ref["url"]
        assert row["source_figure"] == ref["figure"].split(":")[0]
        assert row["status"] == "ok"
        expected_year = int(ref["reference_year"]) if ref["reference_year"] else None
        assert (None if pd.isna(row["reference_year"]) else row["reference_year"]) == expected_year


def test_table_has_the_promised_columns_and_one_row_per_key(table):
    assert list(table.columns) == COLUMNS
    assert not table.duplicated(["indicator_id", "edition", "group_id"]).any()
    assert set(column_docs()) == set(COLUMNS)


def test_not_yet_measured_indicators_have_rows_without_values(table):
    rows = table[table["indicator_id"] == "thuis-in-utrecht"]
    assert len(rows) == 4  # two editions × two main groups
    assert set(rows["status"]) == {"not_measured"} and rows["value"].isna().all()


def test_gap_is_the_difference_to_the_other_main_group(table):
    rows = table[(table["indicator_id"] == "ervaren-gezondheid") & (table["edition"] == 2025)].set_index("group_id")
    assert rows.at["asielstatushouders", "gap_pp"] == rows.at["asielstatushouders", "value"] - rows.at[
        "gezinsmigranten", "value"]
    assert rows.at["gezinsmigranten", "gap_pp"] == -rows.at["asielstatushouders", "gap_pp"]
    assert pd.isna(rows.at["utrechters_18plus", "gap_pp"])


def test_downloads_exist_and_agree(out, table):
    data = out / "data"
    pkg = load(FIXTURE)
    csv_table = pd.read_csv(data / ALL.file(pkg, "csv"))
    assert list(csv_table.columns) == COLUMNS and len(csv_table) == len(table)
    for indicator_id in table["indicator_id"].unique():
        per = pd.read_csv(data / indicator_scope(indicator_id).file(pkg, "csv"))
        assert set(per["indicator_id"]) == {indicator_id}
    for edition in (2024, 2025):
        assert set(pd.read_parquet(data / edition_scope(edition).file(pkg, "parquet"))["edition"]) == {edition}
    assert set(pd.read_parquet(data / LATEST.file(pkg, "parquet"))["edition"]) == {2024, 2025}


def test_xlsx_keeps_numbers_numeric(out):
    path = out / "data" / ALL.file(load(FIXTURE), "xlsx_en")
    sheet = load_workbook(path)["data"]
    header = [c.value for c in sheet[1]]
    value_column = header.index(column_docs()["value"]["label_en"])
    values = [row[value_column] for row in sheet.iter_rows(min_row=2) if row[value_column].value is not None]
    assert values and all(c.data_type == "n" for c in values)
    assert {"data", "columns", "about"} <= set(load_workbook(path).sheetnames)


def test_zip_descriptor_lists_bytes_and_hash(out):
    with zipfile.ZipFile(out / "data" / zip_name(load(FIXTURE))) as archive:
        descriptor = json.loads(archive.read("datapackage.json"))
        for resource in descriptor["resources"]:
            content = archive.read(resource["path"])
            assert resource["bytes"] == len(content)
            assert resource["hash"] == "sha256:" + hashlib.sha256(content).hexdigest()


def test_suppressed_values_appear_in_no_output(package, tmp_path):
    edit_csv(package, "results", lambda rows: rows[1].update(value="", n="12", suppressed="true"))
    data = downloads_of(package, tmp_path / "out")
    table = pd.read_parquet(data / ALL.file(load(package), "parquet"))
    row = table[(table["indicator_id"] == "taalles") & (table["group_id"] == "asielstatushouders")
                & (table["edition"] == 2024)].iloc[0]
    assert row["status"] == "suppressed" and pd.isna(row["value"]) and pd.isna(row["gap_pp"])
    for path in data.rglob("*.csv"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("taalles,taal,2024,asielstatushouders,"):
                assert line.split(",")[4] == ""


def test_low_n_is_flagged_and_gets_an_interval(package):
    edit_csv(package, "results", lambda rows: rows[1].update(n="40"))
    table = tables_of(package).table
    row = table[(table["indicator_id"] == "taalles") & (table["group_id"] == "asielstatushouders")].iloc[0]
    assert row["status"] == "low_n"
    assert row["ci_low"] < row["value"] < row["ci_high"]


@pytest.mark.parametrize("method_changed", [False, True])
def test_change_since_previous_edition_with_method_caveat(package, method_changed):
    def add(rows):
        base = next(r for r in rows if r["indicator_id"] == "betaald-werk" and r["edition"] == "2025"
                    and r["group_id"] == "asielstatushouders")
        return [*rows, {**base, "edition": "2026", "value": "20.5"}]

    def add_edition(rows):
        flag = str(method_changed).lower()
        return [*rows, {**rows[-1], "edition": "2026", "published": "2026", "method_changed": flag}]

    edit_csv(package, "editions", add_edition)
    edit_csv(package, "results", add)
    table = tables_of(package).table.set_index(["indicator_id", "edition", "group_id"])
    row = table.loc[("betaald-werk", 2026, "asielstatushouders")]
    assert (row["change_pp"], row["change_from"], row["change_caveat"]) == (6.5, 2025, method_changed)
    earlier = table.loc[("betaald-werk", 2025, "asielstatushouders")]
    assert pd.isna(earlier["change_pp"])  # 2024 had no figure for this group


def test_a_failed_build_leaves_the_previous_output_unchanged(small, tmp_path, run_cli):
    out = tmp_path / "out"
    assert run_cli("build", "--package", small, "--out", out, "--no-render")[0] == 0
    before = snapshot(out)
    edit_csv(small, "results", lambda rows: rows[0].update(value="veel"))
    code, _, err = run_cli("build", "--package", small, "--out", out, "--no-render")
    assert code == 1
    assert 'data/results.csv, row 2, field "value": "veel" is not written as a plain number' in err
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == ["out", "pkg"]  # no half-written folders


def test_a_crash_in_a_later_stage_leaves_the_previous_output_unchanged(small, tmp_path, monkeypatch):
    out = tmp_path / "out"
    build_module.build(small, out, log=lambda _: None, render=False)
    before = snapshot(out)

    monkeypatch.setattr(build_module.downloads, "run", _disk_full)  # in the helper: it imports this module
    with pytest.raises(RuntimeError):
        build_module.build(small, out, force=True, log=lambda _: None, render=False)
    assert snapshot(out) == before


def test_build_prints_its_stages_and_skips_when_nothing_changed(small, tmp_path, run_cli):
    out = tmp_path / "out"
    code, printed, _ = run_cli("build", "--package", small, "--out", out, "--no-render")
    assert code == 0
    stages = [line.split()[0] for line in printed.splitlines() if line.startswith("  ")]
    assert stages[:3] == ["validate", "indicators", "downloads"] and stages[-1] == "total"
    code, printed, _ = run_cli("build", "--package", small, "--out", out, "--no-render")
    assert code == 0 and printed.startswith("Nothing changed")
    edit_csv(small, "results", lambda rows: rows[0].update(value="63"))
    code, printed, _ = run_cli("build", "--package", small, "--out", out, "--no-render")
    assert code == 0 and "validate" in printed


def test_installing_or_upgrading_quarto_is_not_nothing_changed(package, monkeypatch, tmp_path):
    monkeypatch.setattr(build_module.shutil, "which", lambda name: None)
    without = build_module.fingerprint(package)
    quarto = tmp_path / "bin" / "quarto"
    quarto.parent.mkdir()
    quarto.write_text("#!/bin/sh\necho 1.6.40\n")
    monkeypatch.setattr(build_module.shutil, "which", lambda name: str(quarto))
    installed = build_module.fingerprint(package)
    quarto.write_text("#!/bin/sh\necho 1.7.31-pre\n")  # another version in the same place (and size)
    assert len({without, installed, build_module.fingerprint(package)}) == 3


def test_build_with_missing_package_is_a_usage_error(tmp_path, run_cli):
    code, _, err = run_cli("build", "--package", tmp_path / "missing.json", "--out", tmp_path / "out")
    assert code == 2 and "no such file" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("parallel_from", [None, 0], ids=["helper", "pool"])
def test_a_build_on_two_cores_equals_a_build_in_one_process(tmp_path, monkeypatch, parallel_from):
    """Workbooks, chart specifications, drawings, story, page sources and previews are the same bytes
    whether the build's own process makes them all or shares them. Below PARALLEL_FROM indicators a pool
    costs more than it gains: on two cores one helper process writes the downloads while the build draws the
    charts; from PARALLEL_FROM (set to 0 here, so the small package gets it) every stage shares one pool."""
    from pipeline.engine import workers

    package = small_package(tmp_path / "pkg")  # one indicator per goal: every kind of file
    if parallel_from is None:
        assert len(load(package)["indicators"]) < build_module.PARALLEL_FROM
    else:
        monkeypatch.setattr(build_module, "PARALLEL_FROM", parallel_from)
    started = []
    monkeypatch.setattr(workers.ProcessPoolExecutor, "__init__", _counting(workers.ProcessPoolExecutor.__init__,
                                                                           started))
    outputs = {}
    for cores in (1, 2):
        monkeypatch.setattr(workers.os, "cpu_count", lambda cores=cores: cores)
        monkeypatch.setenv("MONITOR_CACHE", str(tmp_path / f"cache-{cores}"))  # nothing kept: every job runs
        outputs[cores] = tmp_path / f"build-{cores}"
        build_module.build(package, outputs[cores], force=True, log=lambda _: None, render=False)
    # No process on one core. On two: the helper with one process; or the helper (stopped once the package
    # proves large enough for a pool) and one pool, shared by every stage.
    assert [args[0] for args in started] == ([1] if parallel_from is None else [1, 1])
    one, two = (snapshot(out) for out in outputs.values())
    for built in (one, two):
        built.pop(".fingerprint")
    assert len(one) > 300 and any(name.startswith("data/") for name in one)
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []


def test_a_failing_download_fails_the_build_and_leaves_the_output(small, tmp_path, monkeypatch):
    """What the helper raises stops the build like any stage's error: the previous output stays."""
    from pipeline.engine import workers

    monkeypatch.setattr(workers.os, "cpu_count", lambda: 2)
    out = tmp_path / "out"
    build_module.build(small, out, log=lambda _: None, render=False)
    before = snapshot(out)
    edit_csv(small, "results", lambda rows: rows[0].update(value="61"))
    monkeypatch.setattr(build_module.downloads, "run", _fail)  # in the helper: it imports this module
    with pytest.raises(RuntimeError, match="the helper failed"):
        build_module.build(small, out, log=lambda _: None, render=False)
    assert snapshot(out) == before


def _fail(*_):
    raise RuntimeError("the helper failed")


def _disk_full(*_):
    raise RuntimeError("disk full")


def _counting(init, calls: list):
    def counted(self, *args, **kwargs):
        calls.append(args)
        init(self, *args, **kwargs)
    return counted
