"""``monitor new-edition YEAR``: scaffold next year's measurement so the maintainer only fills in figures.

It appends one row to editions.csv and one empty result row for every measured indicator and every group
that indicator has figures for, and sets the package version to ``YEAR.1.0``. Validation then lists
exactly what is still missing: method notes, source addresses and every value. Existing rows are left
byte for byte as they were; all files are replaced together, or none is. Beside the package it writes a
fill-in workbook of those rows (``invullen-YEAR.xlsx``) for ``monitor import``. Only the year after the
latest edition is taken, unless a gap is asked for: a typo such as 2062 would otherwise pass.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from pipeline.commands.files import replace_together
from pipeline.commands.spreadsheet import write_template
from pipeline.errors import EditionExists, UsageError
from pipeline.validation.descriptor import load


def _rows_text(fieldnames: list[str], rows: list[dict], newline: str = "\n") -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator=newline)
    writer.writerows(rows)
    return buffer.getvalue()


def _header(path: Path) -> list[str]:
    """The column names, also when Excel saved the file as "CSV UTF-8" (with a byte-order mark)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle))


def scaffold(package: Path, year: int, gap: bool = False) -> dict[str, object]:
    """Add edition ``year``; returns how many rows were added per file, and the fill-in workbook's path."""
    pkg = load(package)
    editions = pkg["editions"]
    years = {int(e) for e in editions["edition"]}
    if year in years:
        raise EditionExists(f"edition {year} already exists in {pkg.resource('editions')['path']}")
    latest = max(years, default=year - 1)
    if year < latest or (year > latest + 1 and not gap):
        raise UsageError(f"edition {year} cannot be added: the latest edition is {latest}, so the next is {latest + 1}"
                         + ("; if the monitor really skips a year, run the command again with --after-gap"
                            if year > latest else ""))
    edition_row = {"edition": year, "title_nl": f"Rapportage Inburgering {year}",
                   "title_en": f"Civic Integration Report {year}", "published": year, "method_changed": "false"}
    results = pkg["results"]
    measured = pkg["indicators"][pkg["indicators"]["status"] == "measured"]
    groups = pkg["groups"].set_index("group_id")
    new_results = []
    for indicator_id in measured.sort_values(["goal_id", "order"])["indicator_id"]:
        used = results.loc[results["indicator_id"] == indicator_id, "group_id"].unique()
        for group_id in sorted(used, key=lambda g: groups.at[g, "order"]):
            new_results.append({"indicator_id": indicator_id, "edition": year, "group_id": group_id,
                                "suppressed": "false"})
    root = package.parent
    writes: dict[Path, str] = {}
    for name, rows in (("editions", [edition_row]), ("results", new_results)):
        path = root / pkg.resource(name)["path"]
        text = path.read_bytes().decode("utf-8")  # as it is, a byte-order mark included
        newline = "\r\n" if "\r\n" in text else "\n"  # new rows end their lines as the file's rows do
        if text and not text.endswith("\n"):
            text += newline
        writes[path] = text + _rows_text(_header(path), rows, newline)
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    descriptor["version"] = f"{year}.1.0"
    writes[package] = json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
    replace_together({path: text.encode("utf-8") for path, text in writes.items()})
    titles = dict(zip(pkg["indicators"]["indicator_id"], pkg["indicators"]["title_nl"], strict=True))
    names = dict(zip(groups.index, groups["label_nl"], strict=True))
    workbook = write_template(package, year, new_results, titles, names)
    return {"editions": 1, "results": len(new_results), "workbook": workbook}
