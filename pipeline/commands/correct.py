"""``monitor correct INDICATOR EDITION GROUP VALUE``: a published figure corrected in one step.

A correction is three edits that must go together: the figure in ``results.csv``, a row in ``errata.csv``
saying what it was, what it is and why (in Dutch and English), and a new version, since a released version
is frozen as it was published. Done by hand, one of them was forgotten; here all three are written, or none.
The version is raised only when the current one is released already (a version still being prepared can
take the correction as it is). ``monitor release`` then records the new version.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from pipeline.commands.files import CsvFile, number_text, replace_together
from pipeline.errors import InputError, UsageError
from pipeline.model.versions import released
from pipeline.validation.cells import text_problem
from pipeline.validation.descriptor import load


def next_version(version: str) -> str:
    """2025.1.1 after 2025.1.0: the last part counts corrections."""
    *head, last = version.split(".")
    return ".".join([*head, str(int(last) + 1)])


def correct(package: Path, indicator: str, edition: int, group: str, value: float, reasons: dict[str, str],
            day: datetime.date) -> dict[str, str]:
    """Correct one figure; returns the old and new value and the version the package now has."""
    pkg = load(package)
    for key, text in reasons.items():
        found = text_problem(key, text.strip()) if text.strip() else (key, "is empty")
        if found:
            raise InputError(f"--{key.replace('_', '-')}: {found[1]}")
    results = CsvFile(package.parent / pkg.resource("results")["path"])
    errata = CsvFile(package.parent / pkg.resource("errata")["path"])
    row = next((r for r in results.rows if (r["indicator_id"], r["edition"], r["group_id"])
                == (indicator, str(edition), group)), None)
    where = f"{indicator}, {edition}, {group}"
    if row is None:
        raise UsageError(f"{results.path.name} has no figure for {where}: check the indicator, measurement and "
                         "group (as in the file)")
    old = row["value"]
    if old == "":
        raise UsageError(f"{where} has no published figure to correct: fill it in without an erratum")
    new = number_text(value)
    if float(old) == value:
        raise UsageError(f"{where} is {old} already")
    row["value"] = new
    errata.rows.append({"date": day.isoformat(), "edition": str(edition), "indicator_id": indicator,
                        "group_id": group, "old_value": old, "new_value": new,
                        "description_nl": reasons["reason_nl"].strip(), "description_en": reasons["reason_en"].strip()})
    descriptor = pkg.descriptor
    version = str(descriptor["version"])
    if any(entry.get("version") == version for entry in released(pkg)):
        descriptor = {**descriptor, "version": next_version(version)}
    replace_together({results.path: results.text(), errata.path: errata.text(),
                      package: (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")})
    return {"old": old, "new": new, "version": descriptor["version"], "raised": descriptor["version"] != version}
