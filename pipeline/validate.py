"""Stage 1, validate: frictionless checks the package against its Table Schemas, then the monitor's own rules.

Frictionless's errors are rewritten in plain words, with the file, spreadsheet row and field, so that a
maintainer can fix the CSV without reading a traceback. Errors that only follow from another file being
broken (a lookup table that could not be read) are left out, so that the report points at the cause.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

from . import cells, rules
from .package import DIALECT, DescriptorError, PackageError, load, read_descriptor
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
    article = {"integer": "a whole number", "number": "a number", "boolean": "true or false",
               "date": "a date (YYYY-MM-DD)"}
    if kind == "type-error":
        return f'"{cell}" is not {article.get(types.get(field, ""), "of type " + types.get(field, "?"))}'
    if kind == "constraint-error":
        words = _constraint_words(error.note)
        return f'"{cell}" is not allowed here: {words}' if cell else words
    if kind == "foreign-key":
        values = ", ".join(f'"{v}"' for v in error.field_cells)
        columns = ", ".join(error.reference_field_names)
        return f"{values} is not a known {columns} in the {error.reference_name} table"
    if kind in {"primary-key", "unique-error"}:
        return "this row repeats a key that an earlier row already has; each combination may appear only once"
    if kind == "missing-label":
        return f'the required column "{field}" is missing from the header'
    if kind == "extra-label":
        return f'the header has a column "{error.label}" that the schema does not describe'
    if kind == "incorrect-label":
        return f'the header has "{error.label}" where the schema expects the column "{field}"'
    if kind == "duplicate-label":
        return f'the header has the column "{error.label}" twice'
    if kind == "blank-label":
        return "the header has a column without a name"
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
                                    error.type, plain_words(error, schema)))
    return problems


def _with_cell_problems(found: list[Problem], descriptor: dict, root: Path) -> list[Problem]:
    """Add the cell checks; where both speak of one cell, the cell check says why (an invisible newline)."""
    unreadable = {p.file for p in found if p.rule in FILE_LEVEL or "label" in p.rule}
    readable = {**descriptor, "resources": [r for r in descriptor["resources"] if r["path"] not in unreadable
                                            and (root / r["path"]).is_file()]}
    typed = {(p.file, p.row, p.field) for p in found if p.rule == "type-error"}  # already says it well
    specific = [p for p in cells.check(readable, root) if (p.file, p.row, p.field) not in typed]
    places = {(p.file, p.row, p.field) for p in specific}
    return sorted(specific + [p for p in found if (p.file, p.row, p.field) not in places], key=Problem.sort_key)


def validate(path: Path | str) -> Report:
    """Validate a data package; raises PackageError when the descriptor itself cannot be read."""
    path = Path(path)
    report = Report(package=str(path))
    try:
        descriptor = read_descriptor(path)  # missing: PackageError, a usage problem rather than a data problem
    except DescriptorError as exc:
        report.problems = [Problem(path.name, exc.line, None, "descriptor-invalid", p) for p in exc.problems]
        return report
    try:
        found = _frictionless_problems(path, descriptor)
    except Exception as exc:  # frictionless raises on descriptors it cannot use: a report line, not a crash
        found = [Problem(path.name, None, None, "descriptor-invalid",
                         f"frictionless cannot check the package: {type(exc).__name__}: {exc}")]
    report.problems = _with_cell_problems(found, descriptor, path.parent)
    if report.problems:
        report.notes.append("The monitor's own rules run once the files match their schemas.")
        return report
    try:
        report.problems = rules.check(load(path))
    except (ValueError, KeyError) as exc:  # a type the schema allows but pandas cannot read
        report.problems = [Problem(path.name, None, None, "read-error", f"the package could not be read: {exc}")]
    return report


__all__ = ["PackageError", "validate"]
