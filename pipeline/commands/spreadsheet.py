"""``monitor import FILE``, and the fill-in workbook ``monitor new-edition`` writes: figures from a spreadsheet.

The research department delivers its figures in Excel. The fill-in workbook lists the rows to fill, with the
columns of ``results.csv`` by name; ``import`` reads it back, or any ``.xlsx`` or CSV with those columns. A CSV
may come as Dutch Excel saves it: semicolons, decimal commas, a byte-order mark, Windows-1252, CRLF. A cell
Excel shows as a percentage holds a fraction (45.5 % is 0.455): it becomes 45.5, as the package writes it.
Every problem names the sheet and cell (or the file, row and column) and nothing is written until every row
reads; then the rows replace those with the same key in ``results.csv``, in the file's own form.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from pipeline.commands.files import CsvFile, number_text, replace_together
from pipeline.errors import InputError, UsageError
from pipeline.model.package import FALSE_VALUES, TRUE_VALUES, read_descriptor

WORDS = Path(__file__).with_suffix(".yaml")
MOST_ROWS = 100_000  # a year's figures are a few hundred rows; more is not a results sheet
BOOLEANS = {**dict.fromkeys({v.lower() for v in TRUE_VALUES} | {"waar", "ja", "yes"}, "true"),
            **dict.fromkeys({v.lower() for v in FALSE_VALUES} | {"onwaar", "nee", "no"}, "false")}
NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")


@cache
def words() -> dict:
    return yaml.safe_load(WORDS.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Cell:
    """One value read from the file, with where it was, in the words a spreadsheet user knows."""

    value: object
    place: str
    percent: bool = False  # shown as a percentage by the spreadsheet: a fraction of 1


class Problems(InputError):
    """Cells that cannot be read; the message lists each with its place and what to do."""

    def __init__(self, source: Path, found: list[str]):
        more = f"\n- … and {len(found) - 20} more" if len(found) > 20 else ""
        super().__init__(f"{source.name}: nothing was imported, {len(found)} problem(s):\n- "
                         + "\n- ".join(found[:20]) + more)


# ---- reading -------------------------------------------------------------------------------------------

def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _xlsx_rows(path: Path) -> tuple[list[str], list[list[Cell]]]:
    from openpyxl import load_workbook  # only this command reads workbooks
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise UsageError(f"{path}: cannot be read as an Excel workbook (.xlsx): {exc}") from None
    try:
        sheets = [book[words()["sheet"]]] if words()["sheet"] in book.sheetnames else book.worksheets
        for sheet in sheets:
            rows = sheet.iter_rows(max_row=MOST_ROWS + 1)
            header_cells = next(rows, ())
            header = [str(c.value).strip() if c.value is not None else "" for c in header_cells]
            if "indicator_id" not in header:
                continue
            body = []
            for number, row in enumerate(rows, start=2):  # empty cells carry no place: count it
                body.append([Cell(c.value, f"{sheet.title}!{_column_letter(i)}{number}",
                                  "%" in (getattr(c, "number_format", None) or "")) for i, c in enumerate(row)])
            return header, body
    finally:
        book.close()
    raise InputError(f"{path}: no sheet has the column 'indicator_id' in its first row; the first row must name "
                     "the columns of data/results.csv (the fill-in workbook of 'monitor new-edition' has them)")


def _decoded(path: Path) -> str:
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # what Excel writes on a Dutch Windows as "CSV"


def _csv_rows(path: Path) -> tuple[list[str], list[list[Cell]], bool]:
    text = _decoded(path)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip() for h in next(reader, [])]
    body = []
    for number, row in enumerate(reader, start=2):
        if number > MOST_ROWS + 1:
            break
        body.append([Cell(value, f"{path.name}, row {number}, column '{header[i] if i < len(header) else i + 1}'")
                     for i, value in enumerate(row)])
    return header, body, delimiter == ";"


# ---- converting one cell -------------------------------------------------------------------------------

def _converted(cell: Cell, kind: str, dutch: bool) -> tuple[str, str | None]:
    """The cell as the package writes it, or a problem in words."""
    value = cell.value
    if value is None:
        return "", None
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return "", f"{cell.place}: holds a date or time where {kind_words(kind)} is expected"
    if kind == "boolean":
        if isinstance(value, bool):
            return ("true" if value else "false"), None
        found = BOOLEANS.get(str(value).strip().lower())
        return (found, None) if found else ("", f"{cell.place}: '{value}' is not true or false")
    if kind in ("number", "integer"):
        if isinstance(value, bool):
            return "", f"{cell.place}: holds {value} where {kind_words(kind)} is expected"
        if isinstance(value, int | float):
            number = float(value) * (100 if cell.percent else 1)
        else:
            text = str(value).strip().replace("\u00a0", "").replace(" ", "")
            text = text.removesuffix("%")  # "45,5%" typed as text: already in percent
            if dutch and kind == "integer":
                text = text.replace(".", "")  # 1.234 in a Dutch file is a thousand and more
            if not text:
                return "", None
            if not NUMBER.fullmatch(text):
                return "", f"{cell.place}: '{value}' is not {kind_words(kind)}"
            number = float(text.replace(",", "."))
        if kind == "integer" and not float(number).is_integer():
            return "", f"{cell.place}: '{value}' is not a whole number"
        return number_text(number), None
    text = value if isinstance(value, str) else number_text(float(value)) if isinstance(value, int | float) \
        else str(value)
    return text.strip(), None


def kind_words(kind: str) -> str:
    return {"number": "a number", "integer": "a whole number", "boolean": "true or false"}.get(kind, "text")


# ---- the import ----------------------------------------------------------------------------------------

def _target(package: Path, source: Path) -> tuple[Path, dict, bool]:
    """Where the rows go, that resource, and whether they replace the whole file.

    A file the package lists (``data/results.csv`` saved by Dutch Excel) is rewritten in the package's form;
    any other file's rows go into the results, replacing those with the same key.
    """
    for resource in _resources(package):
        if (package.parent / resource["path"]).resolve() == source.resolve():
            return source, resource, True
    results = _results(package)
    return package.parent / results["path"], results, False


def _resources(package: Path) -> list[dict]:
    descriptor = read_descriptor(package)
    return [r for r in descriptor["resources"] if isinstance(r, dict) and isinstance(r.get("path"), str)
            and isinstance(r.get("schema"), dict)]


def _results(package: Path) -> dict:
    found = next((r for r in _resources(package) if r.get("name") == "results"), None)
    if found is None:
        raise InputError(f"{package}: has no resource 'results' with a path; it is where figures are imported to")
    return found


def _key(resource: dict) -> list[str]:
    """The columns that identify a row: the schema's primary key, else its first field."""
    fields = [f["name"] for f in resource["schema"].get("fields", [])]
    key = resource["schema"].get("primaryKey") or fields[:1]
    return [key] if isinstance(key, str) else list(key)


def read(source: Path, resource: dict, whole: bool = False) -> tuple[list[str], list[dict[str, str]], int]:
    """The rows of ``source`` as the package writes them, the columns they fill, and how many were left empty
    (a row with only its key, when the rows are merged into a file that may have that row filled)."""
    if not source.is_file():
        raise UsageError(f"{source}: no such file")
    suffix = source.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        header, body = _xlsx_rows(source)
        dutch = False
    elif suffix in (".csv", ".txt"):
        header, body, dutch = _csv_rows(source)
    else:
        raise UsageError(f"{source}: import reads an Excel workbook (.xlsx) or a CSV file; save it as one of those"
                         + (" (in Excel: Save as, 'Excel Workbook (*.xlsx)')" if suffix in (".xls", ".ods") else ""))
    fields = resource["schema"].get("fields", [])
    kinds = {f["name"]: f.get("type", "string") for f in fields}
    key = _key(resource)
    helpers = set(words()["helper_columns"].values())
    problems = [f"column '{name}' is not a column of {resource['path']} (its columns: {', '.join(kinds)})"
                for name in header if name and name not in kinds and name not in helpers]
    problems += [f"column '{name}' appears twice" for name in sorted({h for h in header if h and header.count(h) > 1})]
    problems += [f"the column '{name}' is missing from the first row" for name in key if name not in header]
    if problems:
        raise Problems(source, problems)
    columns = [name for name in header if name in kinds]
    rows, skipped = [], 0
    for cells in body:
        row: dict[str, str] = {}
        for index, name in enumerate(header):
            if name not in kinds or index >= len(cells):
                continue
            text, problem = _converted(cells[index], kinds[name], dutch)
            if problem:
                problems.append(problem)
            row[name] = text
        if not any(row.get(name) for name in key):
            continue  # an empty line
        if not whole and not any(v for name, v in row.items() if name not in key
                                 and not (name == "suppressed" and v == "false")):
            skipped += 1  # a row of the fill-in workbook nobody filled: it must not empty a row already filled
            continue
        first = next((c.place for c in cells if c.value not in (None, "")), "")
        problems += [f"{first}: the column '{name}' is empty; every row needs its {name}"
                     for name in key if not row.get(name)]
        rows.append(row)
    if problems:
        raise Problems(source, problems)
    seen: dict[tuple, int] = {}
    for number, row in enumerate(rows):
        seen.setdefault(tuple(row[k] for k in key), number)
    if len(seen) < len(rows):
        twice = sorted({tuple(r[k] for k in key) for i, r in enumerate(rows) if seen[tuple(r[k] for k in key)] != i})
        raise Problems(source, [f"{', '.join(k)} appears more than once" for k in twice])
    return columns, rows, skipped


def import_rows(source: Path, package: Path) -> dict[str, object]:
    """Write the rows of ``source`` into the package: how many were changed, added, unchanged and left out."""
    target, resource, whole = _target(package, source)
    columns, rows, skipped = read(source, resource, whole)
    key = _key(resource)
    # A listed file in Dutch Excel's form is written anew in the package's; any other keeps its own form.
    written = CsvFile(target, [f["name"] for f in resource["schema"]["fields"]] if whole else None)
    existing, header = written.rows, written.header
    where = {tuple(r.get(k, "") for k in key): i for i, r in enumerate(existing)}
    counts = {"changed": 0, "added": 0, "unchanged": 0, "skipped": skipped, "file": target}
    for row in rows:
        index = where.get(tuple(row[k] for k in key))
        if index is None:
            existing.append({name: row.get(name, "") for name in header})
            counts["added"] += 1
            continue
        updated = {**existing[index], **{name: row[name] for name in columns if name in header}}
        counts["changed" if updated != existing[index] else "unchanged"] += 1
        existing[index] = updated  # columns the file does not have keep what the package had
    replace_together({target: written.text()})
    return counts


# ---- the fill-in workbook ------------------------------------------------------------------------------

def write_template(package: Path, year: int, rows: list[dict], indicators: dict[str, str],
                   groups: dict[str, str]) -> Path:
    """A workbook with ``rows`` (the key of each figure to fill), the columns of results.csv, lists and
    number formats, and a sheet that says in Dutch how to fill it in; written beside the package."""
    import xlsxwriter

    fields = _results(package)["schema"]["fields"]
    path = package.parent / f"invullen-{year}.xlsx"
    said = words()
    helpers = said["helper_columns"]
    names = [f["name"] for f in fields]
    temporary = path.with_name(f".{path.name}.new")
    book = xlsxwriter.Workbook(str(temporary), {"strings_to_numbers": False, "strings_to_formulas": False,
                                                "strings_to_urls": False})
    try:
        bold, given = book.add_format({"bold": True}), book.add_format({"italic": True})  # filled in: keep
        formats = {"number": book.add_format({"num_format": "0.0#"}), "integer": book.add_format({"num_format": "0"})}
        sheet = book.add_worksheet(said["sheet"])
        sheet.write_row(0, 0, [*names, helpers["indicator_title"], helpers["group_name"]], bold)
        for number, row in enumerate(rows, start=1):
            for column, name in enumerate(names):
                value = row.get(name, "")
                if name == "edition":
                    sheet.write_number(number, column, int(value), given)
                elif name in ("indicator_id", "group_id"):
                    sheet.write_string(number, column, value, given)
                elif name == "suppressed":
                    sheet.write_string(number, column, value or "false")
            sheet.write_string(number, len(names), indicators.get(row["indicator_id"], ""))
            sheet.write_string(number, len(names) + 1, groups.get(row["group_id"], ""))
        last = max(len(rows), 1)
        for column, field in enumerate(fields):
            kind = field.get("type", "string")
            width = 30 if kind == "string" else 12
            sheet.set_column(column, column, width, formats.get(kind))
            if kind in ("number", "integer"):
                sheet.data_validation(1, column, last, column, {
                    "validate": "decimal" if kind == "number" else "integer", "criteria": ">=", "value": 0,
                    "error_message": "Een getal van 0 of meer" if kind == "number" else "Een geheel getal"})
            elif kind == "boolean":
                sheet.data_validation(1, column, last, column, {"validate": "list", "source": ["true", "false"]})
            elif field["name"] == "group_id" and groups:
                sheet.data_validation(1, column, last, column, {"validate": "list", "source": list(groups)})
        sheet.set_column(len(names), len(names) + 1, 40)
        sheet.freeze_panes(1, 3)
        sheet.autofilter(0, 0, last, len(names) + 1)
        notes = book.add_worksheet(said["instructions_sheet"])
        notes.set_column(0, 0, 120)
        for number, line in enumerate(said["instructions"]):
            notes.write_string(number, 0, line.format(year=year, file=path.name), bold if number == 0 else None)
        book.close()
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path
