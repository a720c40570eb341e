"""`monitor validate`: one tiny broken package per kind of error, each with its exact report and exit code."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from helpers import edit_csv, edit_descriptor


def set_cell(name: str, row: int, field: str, value: str):
    """Mutation: set one cell; ``row`` counts like a spreadsheet (the header is row 1)."""

    def change(package: Path) -> None:
        def edit(rows):
            rows[row - 2][field] = value

        edit_csv(package, name, edit)

    return change


def drop_column(name: str, column: str):
    def change(package: Path) -> None:
        path = package.parent / "data" / f"{name}.csv"
        from helpers import read_rows, write_rows

        rows = read_rows(path)
        fields = [f for f in rows[0] if f != column]
        write_rows(path, [{f: r[f] for f in fields} for r in rows], fields)

    return change


def duplicate_last_result(package: Path) -> None:
    edit_csv(package, "results", lambda rows: [*rows, dict(rows[-1])])


def delete_file(package: Path) -> None:
    (package.parent / "data" / "goals.csv").unlink()


def empty_file(package: Path) -> None:
    (package.parent / "data" / "groups.csv").write_text("", encoding="utf-8")


def latin1_file(package: Path) -> None:
    path = package.parent / "data" / "goals.csv"
    text = path.read_text(encoding="utf-8")
    assert "doel" in text
    path.write_bytes(text.replace("doel", "doél").encode("latin-1"))


def dutch_excel_file(package: Path) -> None:
    """results.csv as Dutch Excel saves "CSV UTF-8": a byte-order mark, semicolons, decimal commas, CRLF."""
    path = package.parent / "data" / "results.csv"
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";", lineterminator="\r\n").writerows(
            [[cell.replace(".", ",") if cell.replace(".", "").isdigit() else cell for cell in row] for row in rows])


def broken_json(package: Path) -> None:
    package.write_text('{"name": "monitor",\n  "resources": [,]}', encoding="utf-8")


CASES = {
    "wrong type": (set_cell("results", 2, "value", "zestig"),
                   [["data/results.csv", 2, "value", "not-a-plain-number",
                     '"zestig" is not written as a plain number: use digits with a decimal point and no thousands '
                     'separator (e.g. 45.5)']]),
    "out of range (schema)": (set_cell("results", 3, "n", "-4"),
                              [["data/results.csv", 3, "n", "constraint-error",
                                '"-4" is not allowed here: the value must be at least 0']]),
    "out of range (percentage rule)": (
        set_cell("results", 4, "value", "120"),
        [["data/results.csv", 4, "value", "percent-out-of-range",
          '120 is not a percentage: "taalles" is measured in percent, so the value must lie between 0 and 100']]),
    "not in enum": (set_cell("indicators", 2, "polarity", "up"),
                    [["data/indicators.csv", 2, "polarity", "constraint-error",
                      "\"up\" is not allowed here: the value must be one of "
                      "['higher_is_better', 'lower_is_better', 'neutral']"]]),
    "duplicate key": (duplicate_last_result,
                      [["data/results.csv", 23, None, "primary-key",
                        "this row repeats the key of row 22; each combination may appear only once"]]),
    "unknown reference": (set_cell("results", 2, "group_id", "vluchtelingen"),
                          [["data/results.csv", 2, "group_id", "foreign-key",
                            '"vluchtelingen" is not a known group_id in the groups table']]),
    "missing required column": (drop_column("results", "source_url"),
                                [["data/results.csv", None, "source_url", "missing-label",
                                  'the required column "source_url" is missing from the header']]),
    "missing file": (delete_file, [["data/goals.csv", None, None, "scheme-error",
                                    "the file does not exist or cannot be opened"]]),
    "descriptor not valid JSON": (broken_json, [["datapackage.json", 2, None, "descriptor-invalid",
                                                 "not valid JSON: Expecting value at line 2, column 17"]]),
    "empty file": (empty_file, [["data/groups.csv", None, None, "source-error",
                                 "the file is empty: it needs at least a header row"]]),
    "wrong encoding": (latin1_file, [["data/goals.csv", None, None, "encoding-error",
                                      "the file is not UTF-8 encoded (Excel's plain 'CSV' on Windows): run "
                                      "'monitor import data/goals.csv', which writes it again as UTF-8"]]),
    "saved by Dutch Excel": (dutch_excel_file, [[
        "data/results.csv", None, None, "excel-csv", "the columns are separated by semicolons, as Dutch Excel saves a "
        "CSV file: run 'monitor import data/results.csv', which writes it again with commas and decimal points "
        "(nothing else changes)"]]),
    "missing translation (required title)": (set_cell("groups", 3, "label_en", ""),
                                             [["data/groups.csv", 3, "label_en", "constraint-error",
                                               "a value is required here"]]),
    "missing translation (optional text)": (
        set_cell("indicators", 2, "note_en", ""),
        [["data/indicators.csv", 2, "note_en", "missing-translation",
          'the English text is missing while "note_nl" is filled in']]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_broken_package_is_reported_exactly(case, package, run_cli):
    mutate, expected = CASES[case]
    mutate(package)
    code, out, err = run_cli("validate", "--json", package)
    report = json.loads(out)
    got = [[p["file"], p["row"], p["field"], p["rule"], p["message"]] for p in report["problems"]]
    assert got == expected
    assert code == 1
    assert report["valid"] is False
    assert err == ""


@pytest.mark.parametrize("case", list(CASES))
def test_text_report_names_file_row_and_field(case, package, run_cli):
    mutate, expected = CASES[case]
    mutate(package)
    code, out, _ = run_cli("validate", package)
    assert code == 1
    file, row, field, rule, _message = expected[0]
    line = next(line for line in out.splitlines() if line.startswith(f"- {file}"))
    assert f"[{rule}]" in line
    assert (f"row {row}" in line or f"line {row}" in line) == (row is not None)
    assert (f'field "{field}"' in line) == (field is not None)
    assert "What to do: " in out
    assert "Traceback" not in out


def test_the_repository_package_is_valid(run_cli):
    code, out, _ = run_cli("validate")
    assert (code, out.strip()) == (0, "datapackage.json: valid.")


def test_valid_json_report(package, run_cli):
    code, out, _ = run_cli("validate", "--json", package)
    assert code == 0
    assert json.loads(out) == {"package": str(package), "valid": True, "problems": [], "warnings": [], "notes": []}


def test_missing_descriptor_is_a_usage_error(tmp_path, run_cli):
    code, out, err = run_cli("validate", tmp_path / "nowhere.json")
    assert (code, out) == (2, "")
    assert err.strip() == f"monitor: {tmp_path / 'nowhere.json'}: no such file"


def test_unknown_option_is_a_usage_error(run_cli):
    code, _, err = run_cli("validate", "--colour")
    assert code == 2
    assert "unrecognized arguments: --colour" in err


def test_a_broken_lookup_table_is_reported_once(package, run_cli):
    """Indicators refer to goals; an unreadable goals.csv must not also flood the report with lookups."""
    delete_file(package)
    _, out, _ = run_cli("validate", "--json", package)
    files = [p["file"] for p in json.loads(out)["problems"]]
    assert files == ["data/goals.csv"]


def test_descriptor_without_resources(package, run_cli):
    edit_descriptor(package, lambda d: d.pop("resources"))
    code, out, _ = run_cli("validate", "--json", package)
    assert code == 1
    assert json.loads(out)["problems"][0]["rule"] == "descriptor-invalid"
