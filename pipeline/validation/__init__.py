"""Stage 1, validate: frictionless checks the package against its Table Schemas, then the monitor's own rules.

Frictionless's errors are rewritten in plain words (``validation/problems.yaml``, listed in
``docs/validation.md``), with the file, spreadsheet row and field, so that a maintainer can fix the CSV
without reading a traceback. Errors that only follow from another file being
broken (a lookup table that could not be read) are left out, so that the report points at the cause.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

from pipeline.errors import DescriptorError, PackageError
from pipeline.model.package import DIALECT, load
from pipeline.validation import cells, rules, site_texts
from pipeline.validation.descriptor import checked
from pipeline.validation.problems import checked_by, constraint, message
from pipeline.validation.published import check as compare_published
from pipeline.validation.published import published as published_package
from pipeline.validation.report import Problem, Report

FILE_LEVEL = {"source-error", "scheme-error", "encoding-error", "format-error", "hash-count", "byte-count",
              "resource-error", "schema-error", "field-error", "dialect-error", "checklist-error"}


ARTICLES = {"integer": "a whole number", "number": "a number", "boolean": "true or false",
            "date": "a date (YYYY-MM-DD)"}


def _constraint_words(note: str) -> str:
    match = re.search(r'constraint "(\w+)" is "(.*)"', note)
    return constraint(*match.groups()) if match else note


def plain_words(error, schema: dict | None, place: str = "") -> str:
    """Describe one frictionless error in words a maintainer understands (``problems.yaml``), or in
    frictionless's own words where the catalogue has none."""
    kind, cell, field = error.type, getattr(error, "cell", None), getattr(error, "field_name", None)
    if not checked_by(kind, "schema") or (kind == "source-error" and "empty" not in error.note):
        return error.message
    if kind == "type-error":
        declared = {f["name"]: f.get("type", "string") for f in (schema or {}).get("fields", [])}.get(field, "?")
        return message(kind, cell=cell, expected=ARTICLES.get(declared, f"of type {declared}"))
    if kind == "constraint-error":
        words = _constraint_words(error.note)
        return message(kind, cell=cell, constraint=words) if cell else message(kind, "without_cell", constraint=words)
    if kind == "primary-key":  # frictionless's note: "the same as in the row at position 2"
        earlier = re.search(r"position (\d+)", error.note or "")
        return message(kind, row=earlier.group(1) if earlier else "above")
    if kind == "foreign-key":
        return message(kind, values=", ".join(f'"{v}"' for v in error.field_cells),
                       columns=", ".join(error.reference_field_names), table=error.reference_name)
    return message(kind, field=field, label=getattr(error, "label", None), file=place)


def _field_of(error) -> str | None:
    names = getattr(error, "field_names", None)
    if names and len(names) == 1:
        return names[0]
    return getattr(error, "field_name", None) or None


def frictionless_package(path: Path, descriptor: dict):
    """The package as frictionless reads it, in the one way the pipeline reads it too.

    Frictionless guesses a file's delimiter; the pipeline does not. Validating with the pipeline's reading
    reports a semicolon file here, instead of publishing it half empty.
    """
    from frictionless import Package  # heavy import, only when validating for real

    forced = copy.deepcopy(descriptor)
    for resource in forced["resources"]:
        resource.update(dialect={**resource.get("dialect", {}), **DIALECT}, encoding="utf-8")
    return Package(forced, basepath=str(path.parent))


def _frictionless_problems(path: Path, descriptor: dict) -> list[Problem]:
    report = frictionless_package(path, descriptor).validate()
    problems: list[Problem] = [Problem(path.name, None, None, e.type, e.message) for e in report.errors]
    schemas = {r.get("name"): r.get("schema", {}) for r in descriptor["resources"]}
    broken = {task.name: {e.note for e in task.errors} for task in report.tasks
              if any(e.type in FILE_LEVEL for e in task.errors)}
    for task in report.tasks:
        schema = schemas.get(task.name) or {}
        lookups = {fk["reference"]["resource"] for fk in schema.get("foreignKeys", [])} & (broken.keys() - {task.name})
        missing = {_field_of(e) for e in task.errors if e.type == "missing-label"}
        for error in task.errors:
            # A file that cannot be read also breaks the lookups other files make into it: report the cause once.
            if any(error.type == "foreign-key" or error.note in broken[b] for b in lookups):
                continue
            # A missing column is one problem, not one per row (older frictionless reports each empty cell).
            if error.type != "missing-label" and _field_of(error) in missing:
                continue
            problems.append(Problem(str(task.place), getattr(error, "row_number", None), _field_of(error),
                                    error.type, plain_words(error, schema, str(task.place))))
    return problems


def _with_cell_problems(found: list[Problem], descriptor: dict, root: Path) -> list[Problem]:
    """Add the cell checks; where both speak of one cell, the cell check says why (an invisible newline)."""
    excel = cells.excel_form(descriptor, root)
    unreadable = {p.file for p in found if p.rule in FILE_LEVEL or "label" in p.rule} | {p.file for p in excel}
    readable = {**descriptor, "resources": [r for r in descriptor["resources"] if r["path"] not in unreadable
                                            and (root / r["path"]).is_file()]}
    specific = excel + cells.check(readable, root)
    places = {(p.file, p.row, p.field) for p in specific}
    # A file in Excel's form is one problem: what frictionless says of its rows, and of the lookups into it,
    # only follows from that.
    whole = {p.file for p in specific if p.rule in ("excel-csv", "encoding-error")}
    generic = [p for p in found if (p.file, p.row, p.field) not in places and p.file not in whole
               and not (whole and p.rule == "foreign-key")]
    return sorted(specific + generic, key=Problem.sort_key)


def _unlisted(descriptor: dict, root: Path) -> list[Problem]:
    """CSV files beside the package's files that the descriptor does not name: silently left out otherwise."""
    listed = {(root / r["path"]).resolve() for r in descriptor["resources"]}
    folders = {path.parent for path in listed}
    return [Problem(path.relative_to(root.resolve()).as_posix(), None, None, "file-not-listed",
                    message("file-not-listed"))
            for folder in sorted(folders) for path in sorted(folder.glob("*.csv")) if path.resolve() not in listed]


def validate(path: Path | str, published: str | None = None) -> Report:
    """Validate a data package and the site's own texts; raises PackageError when the descriptor itself cannot
    be read. With ``published`` (a git revision: what the site publishes), also what may not change of it."""
    path = Path(path)
    report = Report(package=str(path))
    try:
        descriptor = checked(path)  # missing: PackageError, a usage problem rather than a data problem
    except DescriptorError as exc:
        report.problems = [Problem(path.name, exc.line, None, "descriptor-invalid",
                                   message("descriptor-invalid", problem=p)) for p in exc.problems]
        return report
    try:
        found = _frictionless_problems(path, descriptor)
    except Exception as exc:  # frictionless raises on descriptors it cannot use: a report line, not a crash
        found = [Problem(path.name, None, None, "descriptor-invalid", message(
            "descriptor-invalid", problem=f"frictionless cannot check the package: {type(exc).__name__}: {exc}"))]
    report.problems = _with_cell_problems(found, descriptor, path.parent)
    report.warnings = _unlisted(descriptor, path.parent)
    if report.problems:
        report.notes.append("The monitor's own rules run once the files match their schemas.")
        return report
    try:
        pkg = load(path, descriptor)
        report.problems = rules.check(pkg)
    except (ValueError, KeyError) as exc:  # a type the schema allows but pandas cannot read
        report.problems = [Problem(path.name, None, None, "read-error", message("read-error", error=exc))]
        return report
    report.warnings += rules.warnings(pkg)
    report.problems += site_texts.check(pkg)
    base = published_package(path, published) if published else None
    if base is not None:
        found, warned = compare_published(pkg, base)
        report.problems += found
        report.warnings += warned
    return report


__all__ = ["PackageError", "validate"]
