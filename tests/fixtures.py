"""Small changes to a copied data package that tests build on (a third edition, decimals, respondent counts)."""

from __future__ import annotations

from pathlib import Path

from conftest import edit_csv


def add_edition(package: Path, year: int, method_changed: bool = False) -> None:
    """A measurement of ``year``; the package is dated that year when it was dated earlier (a measurement is
    added once its report is out)."""
    from conftest import edit_descriptor

    def dated(descriptor):
        if int(descriptor["created"][:4]) + 1 < year:
            descriptor["created"] = f"{year}-12-01T00:00:00Z"

    edit_descriptor(package, dated)

    def change(rows):
        return [*rows, {**rows[-1], "edition": str(year), "published": str(year), "method_changed":
                        str(method_changed).lower(), "title_nl": f"Rapportage Inburgering {year}",
                        "title_en": f"Civic Integration Report {year}"}]

    edit_csv(package, "editions", change)


def set_results(package: Path, updates: dict[tuple[str, int, str], dict[str, str]]) -> None:
    """Set fields of result rows by (indicator, edition, group); rows that do not exist are added."""

    def change(rows):
        for (indicator, edition, group), values in updates.items():
            row = next((r for r in rows if (r["indicator_id"], r["edition"], r["group_id"])
                        == (indicator, str(edition), group)), None)
            if row is None:
                template = next(r for r in rows if r["indicator_id"] == indicator)
                row = {**template, "edition": str(edition), "group_id": group, "n": "", "reference_year": ""}
                rows.append(row)
            row.update(values)
        return rows

    edit_csv(package, "results", change)


def small_package(target: Path) -> Path:
    """A copy of the frozen package with one measured indicator per goal (and what refers to them): a
    build of it takes a fraction of a full one, so a property test can afford many examples."""
    from conftest import copy_package, read_rows

    package = copy_package(target)
    indicators = read_rows(package.parent / "data" / "indicators.csv")
    kept: dict[str, str] = {}
    for row in sorted(indicators, key=lambda r: int(r["order"])):
        if row["status"] == "measured":
            kept.setdefault(row["goal_id"], row["indicator_id"])
    ids = set(kept.values())
    edit_csv(package, "indicators", lambda rows: [r for r in rows if r["indicator_id"] in ids])
    for name in ("results", "research", "errata", "wordings"):
        edit_csv(package, name, lambda rows: [r for r in rows if r.get("indicator_id", "") in ids | {""}])
    return package
