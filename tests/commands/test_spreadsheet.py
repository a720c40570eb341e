"""`monitor import` and the fill-in workbook: figures from Excel, LibreOffice or Dutch Excel's CSV reach
results.csv in the package's form, and a cell that cannot be read names its sheet and cell."""

from __future__ import annotations

import csv
import json

import openpyxl
import pytest
from helpers import read_rows

FILLED = {"value": 45.5, "n": 120, "source_chapter": "3 (§3.1)", "source_url": "https://example.org/rapport-2026"}


def _scaffold(package, run_cli) -> tuple:
    code, out, err = run_cli("new-edition", "2026", "--package", package)
    assert code == 0, err
    workbook = package.parent / "invullen-2026.xlsx"
    assert workbook.name in out
    return workbook, package.parent / "data" / "results.csv"


def _fill(workbook, edit) -> None:
    """Fill the workbook as a statistician would in Excel (openpyxl writes what Excel keeps)."""
    book = openpyxl.load_workbook(workbook)
    sheet = book["Cijfers"]
    columns = {cell.value: cell.column for cell in sheet[1]}
    for row in range(2, sheet.max_row + 1):
        edit(sheet, row, columns)
    book.save(workbook)


def test_the_workbook_lists_the_rows_to_fill_with_the_columns_and_an_instructions_sheet(package, run_cli):
    workbook, results = _scaffold(package, run_cli)
    book = openpyxl.load_workbook(workbook)
    assert book.sheetnames == ["Cijfers", "Uitleg"]
    sheet = book["Cijfers"]
    header = [c.value for c in sheet[1]]
    assert header[:11] == list(read_rows(results)[0])
    keys = [(r[0].value, r[1].value, r[2].value) for r in sheet.iter_rows(min_row=2)]
    assert keys == [(r["indicator_id"], 2026, r["group_id"]) for r in read_rows(results) if r["edition"] == "2026"]
    assert all(row[3].value is None for row in sheet.iter_rows(min_row=2))  # figures are left to fill
    assert any("2026" in str(c.value) for c in book["Uitleg"]["A"])


def test_a_filled_workbook_is_imported_percentages_as_the_package_writes_them(package, run_cli):
    workbook, results = _scaffold(package, run_cli)
    before = [r for r in read_rows(results) if r["edition"] != "2026"]

    def fill(sheet, row, columns):
        for name, value in FILLED.items():
            sheet.cell(row, columns[name]).value = value
        if row == 2:  # typed as 45,5% in Excel: the cell holds 0.455, shown as a percentage
            sheet.cell(row, columns["value"]).value = 0.455
            sheet.cell(row, columns["value"]).number_format = "0.0%"
        if row == 3:
            sheet.cell(row, columns["value"]).value = "45,5"  # text with a decimal comma
        if row == 4:
            sheet.cell(row, columns["value"]).value = None
            sheet.cell(row, columns["suppressed"]).value = "WAAR"

    _fill(workbook, fill)
    code, out, err = run_cli("import", workbook, "--package", package)
    rows = read_rows(results)
    new = [r for r in rows if r["edition"] == "2026"]
    assert [r for r in rows if r["edition"] != "2026"] == before
    assert [r["value"] for r in new[:3]] == ["45.5", "45.5", ""]
    assert new[2]["suppressed"] == "true" and {r["n"] for r in new} == {"120"}
    assert {r["source_url"] for r in new} == {FILLED["source_url"]}
    assert "21 row(s) changed" in out
    # What is left is the edition's own notes, which the workbook does not hold.
    assert code == 1, err
    code, out, _ = run_cli("validate", "--json", package)
    assert {p["file"] for p in json.loads(out)["problems"]} == {"data/editions.csv"}


def test_a_cell_that_is_not_a_number_is_named_and_nothing_is_written(package, run_cli):
    workbook, results = _scaffold(package, run_cli)
    before = results.read_bytes()
    _fill(workbook, lambda sheet, row, columns: setattr(sheet.cell(row, columns["value"]), "value",
                                                         "veertig" if row == 5 else 40))
    code, out, err = run_cli("import", workbook, "--package", package)
    assert (code, out) == (1, "")
    assert "Cijfers!D5: 'veertig' is not a number" in err and "nothing was imported" in err
    assert results.read_bytes() == before


def test_rows_left_empty_do_not_empty_rows_already_filled(package, run_cli):
    """The workbook of a year half filled in the CSV already: its empty rows are left out, not written."""
    workbook, results = _scaffold(package, run_cli)
    filled = [dict(r, value="50", source_url=FILLED["source_url"]) if r["edition"] == "2026" else r
              for r in read_rows(results)]
    with results.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(filled[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(filled)
    before = results.read_bytes()
    _, out, _ = run_cli("import", workbook, "--package", package)
    assert results.read_bytes() == before
    assert "21 row(s) without figures left out" in out


def _dutch_excel(rows: list[dict], path, encoding: str) -> None:
    """As Dutch Excel saves "CSV": semicolons, decimal commas, CRLF; Windows-1252 or UTF-8 with a BOM."""
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(rows[0])
        for row in rows:
            writer.writerow([v.replace(".", ",") if v.replace(".", "").isdigit() else
                             {"true": "WAAR", "false": "ONWAAR"}.get(v, v) for v in row.values()])


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig"])
def test_results_csv_saved_by_dutch_excel_is_written_again_in_the_package_form(encoding, package, run_cli):
    """Validation names the one cause and the command; the command gives back the very same file."""
    results = package.parent / "data" / "results.csv"
    original = results.read_bytes()
    _dutch_excel(read_rows(results), results, encoding)
    code, out, _ = run_cli("validate", "--json", package)
    rules = {p["rule"] for p in json.loads(out)["problems"]}
    assert code == 1 and rules == {"excel-csv"}
    code, out, err = run_cli("import", results, "--package", package)
    assert code == 0, err + out
    assert results.read_bytes() == original


def test_a_dutch_excel_csv_of_new_figures_is_merged_by_key(package, run_cli, tmp_path):
    _, results = _scaffold(package, run_cli)
    new = [dict(r, value="12.5", source_url=FILLED["source_url"]) for r in read_rows(results)
           if r["edition"] == "2026"]
    sheet = tmp_path / "cijfers.csv"
    _dutch_excel(new, sheet, "cp1252")
    _, out, err = run_cli("import", sheet, "--package", package)
    assert "21 row(s) changed" in out, err
    assert {r["value"] for r in read_rows(results) if r["edition"] == "2026"} == {"12.5"}


@pytest.mark.parametrize("header, said", [
    ("indicator_id,edition,waarde", "column 'waarde' is not a column of data/results.csv"),
    ("edition,group_id,value", "the column 'indicator_id' is missing"),
])
def test_a_sheet_without_the_columns_is_refused_with_their_names(header, said, package, run_cli, tmp_path):
    sheet = tmp_path / "cijfers.csv"
    sheet.write_text(header + "\n", encoding="utf-8")
    code, _, err = run_cli("import", sheet, "--package", package)
    assert code == 1 and said in err
