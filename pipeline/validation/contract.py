"""What the pipeline relies on in the data package, checked by the pipeline itself.

The descriptor's Table Schemas are part of the package, and a pull request can change them: remove a
pattern, a primary key or a foreign key, or give a field another type. Frictionless then validates what the
descriptor says, not what the pipeline needs. ``metadata/contract.yaml`` says what it needs, and this module
checks it in two steps: the shape of the descriptor (every resource and field there, with its type) before
any file is read, and the rows (required cells, allowed values, ranges, keys, references, ids and web
addresses) once they are. Text is compared the way a reader sees it: in Unicode's composed form, without
zero-width characters and case, so "réfugiés" and "re\u0301fugie\u0301s" are one label.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from pipeline.model.package import WEB_ADDRESS, DataPackage
from pipeline.validation.problems import message
from pipeline.validation.report import Problem

CONTRACT_FILE = Path(__file__).parent / "contract.yaml"
# An id becomes a file name and part of an address: lower-case letters and digits in words joined by one
# '-' or '_', at most ID_LENGTH characters (a path of several ids stays far below any file system's limit).
ID = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*\Z")
ID_LENGTH = 64
# File names of the site's own charts and pages, which an indicator's or goal's id must not take.
RESERVED_IDS = {"comparison", "index", "search", "site_libs"}
RESERVED_PREFIXES = ("goal-", "context-")
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


@cache
def contract() -> dict[str, dict]:
    return yaml.safe_load(CONTRACT_FILE.read_text(encoding="utf-8"))


def comparable(text: str) -> str:
    """The form in which two texts that look the same are the same."""
    return unicodedata.normalize("NFKC", text).translate(ZERO_WIDTH).casefold().strip()


def shape_problems(descriptor: dict) -> list[str]:
    """Resources and fields the pipeline needs that the descriptor lacks or types otherwise, in words."""
    resources = {r.get("name"): r for r in descriptor["resources"] if isinstance(r, dict)}
    problems = []
    for name, spec in contract().items():
        resource = resources.get(name)
        if resource is None and spec.get("optional"):
            continue
        if resource is None:
            problems.append(f'the resource "{name}" is missing; the monitor needs it (see docs/validation.md)')
            continue
        schema = resource.get("schema")
        fields = {f.get("name"): f for f in schema.get("fields", []) if isinstance(f, dict)} \
            if isinstance(schema, dict) and isinstance(schema.get("fields"), list) else {}
        declared = schema.get("primaryKey", []) if isinstance(schema, dict) else []
        # A copy: the descriptor's own lists must come out of a check as they went in.
        declared = [declared] if isinstance(declared, str) else list(declared) if isinstance(declared, list) else [None]
        for reference in schema.get("foreignKeys", []) if isinstance(schema, dict) else []:
            named = reference.get("fields") if isinstance(reference, dict) else None
            declared += [named] if isinstance(named, str) else named if isinstance(named, list) else [None]
        problems += [f'resource "{name}": its primaryKey or foreignKeys name "{key}", which is not one of its fields'
                     for key in declared if key not in fields]
        for field, rules in spec["fields"].items():
            if field not in fields:
                problems.append(f'resource "{name}": the field "{field}" is missing; the monitor needs it')
            elif fields[field].get("type", "string") != rules["type"]:
                problems.append(f'resource "{name}": the field "{field}" must be of type "{rules["type"]}", '
                                f'not "{fields[field].get("type", "string")}"')
    return problems


def id_problem(value: str) -> str | None:
    """Why ``value`` cannot be an id (the ``unsafe-id`` message), or None."""
    if len(value) > ID_LENGTH:
        return message("unsafe-id", "too_long", value=value[:80], most=ID_LENGTH, length=len(value))
    if not ID.match(value):
        return message("unsafe-id", value=value[:80])
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
            yield problem(pkg, name, index, field, "not-a-web-address", "strict", cell=value[:80])
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


PACKAGE_NAME = re.compile(r"[a-z0-9]+(?:[._-][a-z0-9]+)*\Z")  # becomes every download's file name
_PART = r"(?:0|[1-9][0-9]{0,3})"  # no leading zeros: one version has one name
VERSION = re.compile(rf"{_PART}\.{_PART}\.{_PART}\Z")
CREATED = re.compile(r"(?P<year>[0-9]{4})-[0-9]{2}-[0-9]{2}(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
                     r"(?:Z|[+-][0-9]{2}:[0-9]{2})?)?\Z")
# The zip format stores dates from 1980 to 2107: the package's date dates every file in the zipped package.
ZIP_YEARS = range(1980, 2108)
SETTINGS_TEXT = ("title_nl", "title_en", "description_nl", "description_en", "publisher_nl", "publisher_en")


def _text(value: object) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def settings_problems(descriptor: dict) -> list[str]:
    """The descriptor's own keys the pipeline reads, each of the type and in the range it relies on."""
    problems = []
    name = descriptor.get("name")
    if not isinstance(name, str) or not PACKAGE_NAME.match(name) or len(name) > ID_LENGTH:
        problems.append(f'"name" must be a short name of lower-case letters and digits joined by "-", "_" or "." '
                        f"(at most {ID_LENGTH} characters, e.g. monitor-inburgering-utrecht): every download is "
                        "named after it")
    if not _text(descriptor.get("title")):
        problems.append('"title" must be a text')
    if not isinstance(descriptor.get("version"), str) or not VERSION.match(descriptor["version"]):
        problems.append('"version" must be a text of three numbers, such as "2025.1.0"')
    if "created" in descriptor:
        found = CREATED.match(descriptor["created"]) if isinstance(descriptor["created"], str) else None
        if found is None or int(found["year"]) not in ZIP_YEARS or not _valid_date(descriptor["created"][:10]):
            problems.append('"created" must be a date such as "2026-03-01" or "2026-03-01T00:00:00Z", between '
                            "1980 and 2107")
    if "keywords" in descriptor and not (isinstance(descriptor["keywords"], list)
                                         and all(_text(k) for k in descriptor["keywords"])):
        problems.append('"keywords" must be a list of texts')
    licenses = descriptor.get("licenses")
    if not isinstance(licenses, list) or not licenses:
        problems.append('"licenses" must list at least one licence')
    else:
        for number, entry in enumerate(licenses, start=1):
            if not isinstance(entry, dict) or not _text(entry.get("title")) or not isinstance(entry.get("path"), str):
                problems.append(f"licence {number} needs a title and a path (the licence's web address)")
    sources = descriptor.get("sources", [])
    if not isinstance(sources, list):
        problems.append('"sources" must be a list')
    else:
        for number, entry in enumerate(sources, start=1):
            if not isinstance(entry, dict) or not _text(entry.get("title")) or not isinstance(entry.get("path"), str):
                problems.append(f"source {number} needs a title and a path (the source's web address)")
    problems += _monitor_problems(descriptor.get("monitor"), str(descriptor.get("version", "")))
    return problems


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def _valid_date(text: str) -> bool:
    """A date written as YYYY-MM-DD and real (Python also reads 2026W481 and 20261201 as dates)."""
    import datetime

    if not ISO_DATE.match(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _monitor_problems(monitor: object, version: str) -> list[str]:
    if not isinstance(monitor, dict):
        return ['the "monitor" settings are missing: the site\'s title, description and publisher in Dutch and '
                'English, and the thresholds "min_n" and "indicative_n"']
    problems = [f'"monitor": "{key}" must be a text' for key in SETTINGS_TEXT if not _text(monitor.get(key))]
    min_n, indicative_n = monitor.get("min_n", 30), monitor.get("indicative_n", 50)
    if not _count(min_n) or min_n < 1:
        problems.append('"monitor": "min_n" must be a whole number of at least 1 (the fewest respondents a '
                        "published figure may have)")
    elif not _count(indicative_n) or indicative_n < min_n:
        problems.append(f'"monitor": "indicative_n" must be a whole number of at least "min_n" ({min_n})')
    publisher_id = monitor.get("publisher_id")  # optional: the catalogue's publisher in a register
    if publisher_id is not None and not (_text(publisher_id) and WEB_ADDRESS.match(publisher_id)):
        problems.append('"monitor": "publisher_id" must be the publisher\'s web address in a register of '
                        'organisations, e.g. https://identifier.overheid.nl/tooi/id/gemeente/gm0344')
    releases = monitor.get("releases", [])
    if not isinstance(releases, list):
        problems.append('"monitor": "releases" must be a list')
        return problems
    last: tuple[int, ...] = ()
    for number, entry in enumerate(releases, start=1):
        where = f'"monitor": release {number}'
        if not isinstance(entry, dict) or not VERSION.match(str(entry.get("version", ""))):
            problems.append(f'{where} needs a "version" such as "2025.1.0" (monitor release writes it)')
            continue
        key = tuple(int(p) for p in entry["version"].split("."))
        if key <= last:
            problems.append(f'{where} ({entry["version"]}) is not newer than the release before it')
        last = max(last, key)
        if not _valid_date(str(entry.get("date", ""))):
            problems.append(f'{where} ({entry["version"]}) needs a "date" such as "2026-03-01"')
        problems += [f'{where} ({entry["version"]}) needs a one-line "{key_}"' for key_ in ("summary_nl", "summary_en")
                     if not _text(entry.get(key_))]
    if last and VERSION.match(version) and tuple(int(p) for p in version.split(".")) < last:
        problems.append(f'"version" {version} is older than the last release in "monitor": "releases"')
    return problems


def descriptor_texts(descriptor: dict) -> Iterator[tuple[str, str]]:
    """Every text of the descriptor a reader or a download may show, by where it stands (``monitor.title_nl``)."""
    def walk(value: object, where: str) -> Iterator[tuple[str, str]]:
        if isinstance(value, str):
            yield where, value
        elif isinstance(value, dict):
            for key, inner in value.items():
                if key != "resources":
                    yield from walk(inner, f"{where}.{key}" if where else str(key))
        elif isinstance(value, list):
            for number, inner in enumerate(value, start=1):
                yield from walk(inner, f"{where}[{number}]")

    yield from walk(descriptor, "")
    for resource in descriptor.get("resources", []):
        if isinstance(resource, dict):
            for key in ("title", "description", "title_nl", "title_en", "description_nl", "description_en"):
                if isinstance(resource.get(key), str):
                    yield f'resource "{resource.get("name")}".{key}', resource[key]
