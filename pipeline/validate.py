"""Stage 1, validate: frictionless checks the package against its Table Schemas, then the monitor's own rules.

Frictionless's errors are rewritten in plain words, with the file, spreadsheet row and field, so that a
maintainer can fix the CSV without reading a traceback. Errors that only follow from another file being
broken (a lookup table that could not be read) are left out, so that the report points at the cause.
"""

from __future__ import annotations

import re
from pathlib import Path

from . import rules
from .package import DescriptorError, PackageError, load, read_descriptor
from .report import Problem, Report

FILE_LEVEL = {"source-error", "scheme-error", "encoding-error", "format-error", "hash-count", "byte-count",
              "resource-error", "schema-error", "field-error", "dialect-error", "checklist-error"}


def _constraint_words(note: str) -> str:
    match = re.search(r'constraint "(\w+)" is "(.*)"', note)
    if not match:
        return note
    name, limit = match.groups()
    return {
        "required": "a value is required here",
        "minimum": f"the value must be at least {limit}",
        "maximum": f"the value must be at most {limit}",
        "enum": f"the value must be one of {limit}",
        "pattern": "use only lower-case letters, digits, '-' and '_'",
        "unique": "the value must be unique in this column",
        "minLength": f"the text must be at least {limit} characters long",
        "maxLength": f"the text must be at most {limit} characters long",
    }.get(name, f"it breaks the {name} rule ({limit})")


def plain_words(error, schema: dict | None) -> str:
    """Describe one frictionless error in words a maintainer understands."""
    kind = error.type
    cell = getattr(error, "cell", None)
    field = getattr(error, "field_name", None)
    types = {f["name"]: f.get("type", "string") for f in (schema or {}).get("fields", [])}
    article = {"integer": "a whole number", "number": "a number", "boolean": "true or false", "date": "a date (YYYY-MM-DD)"}
    if kind == "type-error":
        return f'"{cell}" is not {article.get(types.get(field, ""), "of type " + types.get(field, "?"))}'
    if kind == "constraint-error":
        return f'"{cell}" is not allowed here: {_constraint_words(error.note)}' if cell else _constraint_words(error.note)
    if kind == "foreign-key":
        match = re.search(r'values "(.*?)" not found in the lookup table "(\w+)" as "(.*?)"', error.note)
        if match:
            value, table, column = match.groups()
            return f'"{value}" is not a known {column} in the {table} table'
    if kind in {"primary-key", "unique-error"}:
        return "this row repeats a key that an earlier row already has; each combination may appear only once"
    if kind == "missing-label":
        return f'the required column "{field}" is missing from the header'
    if kind == "extra-label":
        return f'the header has a column "{error.label}" that the schema does not describe'
    if kind in {"incorrect-label", "duplicate-label", "blank-label"}:
        return f"the header does not match the schema: {error.note or kind}"
    if kind == "missing-cell":
        return "this row has fewer cells than the header"
    if kind == "extra-cell":
        return "this row has more cells than the header"
    if kind == "blank-row":
        return "this row is empty; remove it"
    if kind == "source-error" and "empty" in error.note:
        return "the file is empty: it needs at least a header row"
    if kind == "scheme-error":
        return "the file does not exist or cannot be opened"
    if kind == "encoding-error":
        return "the file is not UTF-8 encoded: save it as 'CSV UTF-8'"
    return error.message


def _frictionless_problems(path: Path) -> list[Problem]:
    from frictionless import validate as fl_validate  # heavy import, only when validating for real

    report = fl_validate(str(path))
    problems: list[Problem] = [Problem(path.name, None, None, e.type, e.message) for e in report.errors]
    broken: set[str] = set()
    per_task = []
    for task in report.tasks:
        schema = task.resource.schema.to_dict() if getattr(task, "resource", None) else None
        file = str(task.place)
        per_task.append((task.name, file, schema, task.errors))
        if any(e.type in FILE_LEVEL for e in task.errors):
            broken.add(task.name)
    for name, file, schema, errors in per_task:
        for error in errors:
            # A file that cannot be read also breaks the lookups that other files make into it.
            consequence = any(f'lookup table "{b}"' in error.note or f"{b}.csv" in error.note
                              for b in broken if b != name)
            if consequence:
                continue
            problems.append(Problem(file, getattr(error, "row_number", None), getattr(error, "field_name", None)
                                    or None, error.type, plain_words(error, schema)))
    return problems


def validate(path: Path | str) -> Report:
    """Validate a data package; raises PackageError when the descriptor itself cannot be read."""
    path = Path(path)
    report = Report(package=str(path))
    try:
        read_descriptor(path)  # a missing descriptor raises PackageError: a usage problem, not a data problem
    except DescriptorError as exc:
        report.problems = [Problem(path.name, exc.line, None, "descriptor-invalid", str(exc))]
        return report
    report.problems = _frictionless_problems(path)
    if report.problems:
        report.notes.append("The monitor's own rules run once the files match their schemas.")
        return report
    try:
        report.problems = rules.check(load(path))
    except (ValueError, KeyError) as exc:  # a type the schema allows but pandas cannot read
        report.problems = [Problem(path.name, None, None, "read-error", f"the package could not be read: {exc}")]
    return report


__all__ = ["PackageError", "validate"]
