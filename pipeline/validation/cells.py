"""The cells as written: what a Table Schema lets through but the monitor must not publish.

Frictionless reads ``inf`` as a number, ``taalles⏎`` (Alt+Enter in Excel) as a valid id and a NUL byte as
text. These checks look at each cell's text before any conversion, so each problem names the file, the
spreadsheet row and the field, and no odd value can reach pandas, a page or a spreadsheet.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from pipeline.model.package import ENCODING
from pipeline.text import checks
from pipeline.validation.problems import message
from pipeline.validation.report import Problem

NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?\Z")
INTEGER = re.compile(r"-?(0|[1-9][0-9]{0,14})\Z")  # 15 digits: beyond that it is a typo


def _found(code: str, shape: str | None = None, **values: object) -> tuple[str, str]:
    return code, message(code, shape, **values)


def text_problem(name: str, cell: str) -> tuple[str, str] | None:
    """Why a text cannot be published as it is (code, words), or None (``text.checks``)."""
    code = checks.text_problem(name, cell)
    return _found(code) if code else None


def _cell_problem(field: dict, cell: str) -> tuple[str, str] | None:
    kind, name = field.get("type", "string"), field["name"]
    if cell == "":
        return None
    if kind == "integer" and not INTEGER.match(cell):
        return _found("not-a-count", cell=cell)
    if kind == "number" and not NUMBER.match(cell):
        return _found("not-a-plain-number", cell=cell)
    if kind == "date" and not checks.DATE.match(cell):
        return _found("not-a-date", cell=cell)
    if kind == "string":
        if field.get("format") == "uri" and not checks.web_address(cell):
            return _found("not-a-web-address", cell=cell)
        return text_problem(name, cell)
    return None


def check(descriptor: dict, root: Path) -> list[Problem]:
    """Problems in the cells of every resource, in file and row order."""
    return [problem for resource in descriptor["resources"] for problem in _resource(resource, root)]


def excel_form(descriptor: dict, root: Path) -> list[Problem]:
    """Files whose header is split by semicolons, as Dutch Excel writes every CSV: one problem each, where
    a reading with commas would find one in every row and column."""
    found = []
    for resource in descriptor["resources"]:
        path = root / resource["path"]
        if path.is_file():
            with path.open("rb") as handle:
                header = handle.readline(100_000).decode("utf-8", errors="replace")
            if header.count(";") > header.count(","):
                found.append(Problem(resource["path"], None, None, *_found("excel-csv", file=resource["path"])))
    return found


def _resource(resource: dict, root: Path) -> Iterator[Problem]:
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    try:
        with (root / resource["path"]).open(encoding=ENCODING, newline="") as handle:
            rows = list(csv.DictReader(handle))
    except UnicodeDecodeError:
        yield Problem(resource["path"], None, None, *_found("encoding-error", file=resource["path"]))
        return
    except csv.Error as exc:
        yield Problem(resource["path"], None, None, *_found("format-error", error=exc))
        return
    for number, row in enumerate(rows, start=2):
        for name, cell in row.items():
            if name in fields and isinstance(cell, str):
                found = _cell_problem(fields[name], cell)
                if found:
                    yield Problem(resource["path"], number, name, *found)
