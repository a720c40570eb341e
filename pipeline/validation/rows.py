"""What the pipeline relies on in the data package, checked by the pipeline itself.

The descriptor's Table Schemas are part of the package, and a pull request can change them: remove a
pattern, a primary key or a foreign key, or give a field another type. Frictionless then validates what the
descriptor says, not what the pipeline needs. ``model/contract.yaml`` says what it needs, and this module
checks it in two steps: the shape of the descriptor (every resource and field there, with its type) before
any file is read, and the rows (required cells, allowed values, ranges, keys, references, ids and web
addresses) once they are. Text is compared the way a reader sees it: in Unicode's composed form, without
zero-width characters and case, so "réfugiés" and "re\u0301fugie\u0301s" are one label.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

import pandas as pd

from pipeline.model.contract import contract
from pipeline.model.package import DataPackage
from pipeline.text.checks import WEB_ADDRESS
from pipeline.validation.problems import message
from pipeline.validation.report import Problem

# An id becomes a file name and part of an address: lower-case letters and digits in words joined by one
# '-' or '_', at most ID_LENGTH characters (a path of several ids stays far below any file system's limit).
ID = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*\Z")
ID_LENGTH = 64
# File names of the site's own charts and pages, which an indicator's or goal's id must not take.
RESERVED_IDS = {"comparison", "index", "search", "site_libs"}
RESERVED_PREFIXES = ("goal-", "context-")
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def comparable(text: str) -> str:
    """The form in which two texts that look the same are the same."""
    return unicodedata.normalize("NFKC", text).translate(ZERO_WIDTH).casefold().strip()


def id_problem(value: str) -> str | None:
    """Why ``value`` cannot be an id (the ``unsafe-id`` message), or None."""
    if len(value) > ID_LENGTH:
        return message("unsafe-id", "too_long", value=value, most=ID_LENGTH, length=len(value))
    if not ID.match(value):
        return message("unsafe-id", value=value)
    return None


def problem(pkg: DataPackage, resource: str, index: int | None, field: str | None, code: str,
            shape: str | None = None, **values: object) -> Problem:
    """Problem ``code`` (``problems.yaml``) in a row of ``resource`` (``index`` of its frame; the spreadsheet
    row is two more), its message in ``shape`` with ``values`` placed."""
    return Problem(pkg.resource(resource)["path"], None if index is None else int(index) + 2, field, code,
                   message(code, shape, **values))


def _blank(value: object) -> bool:
    return value is None or value is pd.NA or value == "" or (isinstance(value, float) and pd.isna(value))


def row_problems(pkg: DataPackage) -> Iterator[Problem]:
    """Every row against the contract: required, allowed values, ranges, ids, web addresses, keys, references."""
    for name, spec in contract().items():
        if name not in pkg.declared:
            continue  # an optional resource the package leaves out: read as empty
        frame = pkg[name]
        for field, rules in spec["fields"].items():
            yield from _field_problems(pkg, name, frame, field, rules)
        if spec.get("key"):
            yield from _key_problems(pkg, name, frame, spec["key"])
        for field, reference in spec.get("references", {}).items():
            yield from _reference_problems(pkg, name, frame, field, reference)


def _field_problems(pkg: DataPackage, name: str, frame: pd.DataFrame, field: str, rules: dict) -> Iterator[Problem]:
    if rules.keys() == {"type"}:
        return  # the type is the schema's to check, and frictionless has
    column = frame[field]
    for index, value in column.items():
        if _blank(value):
            if rules.get("required"):
                yield problem(pkg, name, index, field, "required")
            continue
        if "enum" in rules and value not in rules["enum"]:
            yield problem(pkg, name, index, field, "not-allowed", value=value, allowed=", ".join(rules["enum"]))
        for limit, code, beyond in (("minimum", "below-minimum", value < rules.get("minimum", value)),
                                    ("maximum", "above-maximum", value > rules.get("maximum", value))):
            if beyond:
                yield problem(pkg, name, index, field, code, value=value, limit=rules[limit])
        if rules.get("id") and (why := id_problem(value)):
            yield Problem(pkg.resource(name)["path"], int(index) + 2, field, "unsafe-id", why)
        if rules.get("url") and not WEB_ADDRESS.match(value):
            yield problem(pkg, name, index, field, "not-a-web-address", "strict", cell=value)
    if rules.get("unique"):
        seen: dict[str, int] = {}
        for index, value in column.items():
            if _blank(value):
                continue
            key = comparable(value)
            if key in seen:
                yield problem(pkg, name, index, field, "not-unique", value=value, row=seen[key] + 2)
            seen.setdefault(key, int(index))


def _key_problems(pkg: DataPackage, name: str, frame: pd.DataFrame, key: list[str]) -> Iterator[Problem]:
    rows = frame[key]
    filled = ~rows.map(_blank).any(axis=1)  # a row with a blank key cell is reported as required
    compared = rows[filled].map(lambda v: comparable(v) if isinstance(v, str) else v)
    repeated = compared.duplicated(keep="first")
    if not repeated.any():
        return
    first = {tuple(values): index for index, values in zip(compared.index[~repeated],
                                                            compared[~repeated].itertuples(index=False), strict=True)}
    for index, values in zip(compared.index[repeated], compared[repeated].itertuples(index=False), strict=True):
        yield problem(pkg, name, index, key[0], "duplicate-key", key=", ".join(key),
                      row=int(first[tuple(values)]) + 2)


def _reference_problems(pkg: DataPackage, name: str, frame: pd.DataFrame, field: str,
                        reference: dict) -> Iterator[Problem]:
    target = reference["resource"]
    target_key = contract()[target]["key"][0]
    known = set(pkg[target][target_key])
    for index, value in frame[field].items():
        if _blank(value):
            continue  # required where it must be filled
        if value not in known:
            yield problem(pkg, name, index, field, "unknown-reference", value=value, key=target_key, table=target)


def reserved_problems(pkg: DataPackage) -> Iterator[Problem]:
    """Ids that would take the file name of one of the site's own charts or pages."""
    for name, field in (("indicators", "indicator_id"), ("goals", "goal_id")):
        for index, value in pkg[name][field].items():
            if isinstance(value, str) and (value in RESERVED_IDS or value.startswith(RESERVED_PREFIXES)):
                yield problem(pkg, name, index, field, "reserved-id", value=value,
                              reserved=", ".join(sorted(RESERVED_IDS)), prefixes=" or ".join(RESERVED_PREFIXES))


