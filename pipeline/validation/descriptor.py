"""The descriptor (``datapackage.json``), checked for everything the pipeline relies on before a file is read.

Every resource must be a CSV file inside the package folder, read one way only (UTF-8, comma, the schema's
default true/false values and number format), so what frictionless validated is exactly what the pipeline
reads, and nothing is ever fetched from elsewhere. The shape (every resource and field of ``model/contract.yaml``
with its type) and the monitor's own settings (titles, thresholds, releases) are checked too, and every text
a reader may see is checked like a cell. ``checked`` reads a descriptor and refuses it with every problem;
``load`` reads a package only after that.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import DescriptorError
from pipeline.model.contract import contract
from pipeline.model.package import DIALECT, DataPackage, read_descriptor
from pipeline.model.package import load as read_package
from pipeline.text import checks
from pipeline.validation.cells import text_problem
from pipeline.validation.rows import ID_LENGTH

REQUIRED_KEYS = ("name", "title", "version", "homepage", "licenses", "resources")


# Settings that would make frictionless read a file differently from the pipeline: not supported.
FIELD_SETTINGS = ("trueValues", "falseValues", "decimalChar", "groupChar", "bareNumber", "missingValues", "format")


def descriptor_problems(descriptor: dict, root: Path) -> list[str]:
    """What in the descriptor the monitor cannot use, in words; empty when all is well."""
    problems = [f'the key "{key}" is missing' for key in REQUIRED_KEYS if key not in descriptor]
    if "homepage" in descriptor and not checks.web_address(descriptor["homepage"]):
        problems.append('"homepage" must be a web address starting with https:// or http://')
    for where, entries in (("licenses", descriptor.get("licenses")), ("sources", descriptor.get("sources"))):
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and "path" in entry and not checks.web_address(entry["path"]):
                problems.append(f'{where}: "{entry["path"]}" must be a web address starting with https://')
    names = []
    for number, resource in enumerate(descriptor["resources"], start=1):
        if not isinstance(resource, dict):
            problems.append(f"resource {number} is not an object")
            continue
        name = resource.get("name")
        names.append(name)
        problems += [f'resource "{name or number}": {p}' for p in _resource_problems(resource, root)]
    problems += [f'two resources are called "{n}"' for n in sorted({n for n in names if names.count(n) > 1
                                                                   and isinstance(n, str)})]
    return problems + _contract_problems(descriptor)


def _contract_problems(descriptor: dict) -> list[str]:
    """What the pipeline itself needs of the descriptor (``contract``), and its texts checked like cells."""
    problems = settings_problems(descriptor) + shape_problems(descriptor)
    for where, text in descriptor_texts(descriptor):
        found = text_problem(where.rsplit(".", 1)[-1], text)
        if found:
            problems.append(f"{where}: {found[1]}")
    return problems


def _resource_problems(resource: dict, root: Path) -> list[str]:
    if not isinstance(resource.get("name"), str) or not resource["name"]:
        return ["it needs a name"]
    if "data" in resource:
        return ["inline data is not supported: put the rows in a CSV file under data/ and give its path"]
    path = resource.get("path")
    if isinstance(path, list):
        return ["a list of paths is not supported: give the path of one CSV file"]
    if not isinstance(path, str) or not path:
        return ["it needs a path to a CSV file"]
    problems = _path_problems(path, root)
    if not isinstance(resource.get("schema"), dict) or not isinstance(resource["schema"].get("fields"), list):
        problems.append("its schema must be written in the descriptor, with a list of fields "
                        "(a schema in a separate file is not supported)")
    else:
        for field in resource["schema"]["fields"]:
            if not isinstance(field, dict) or not isinstance(field.get("name"), str):
                problems.append("every schema field needs a name")
                continue
            problems += [f'field "{field["name"]}": the setting "{key}" is not supported; remove it and write '
                         "values in the default way" for key in FIELD_SETTINGS if key in field
                         and not (key == "format" and field[key] in ("default", "uri"))]
        missing = resource["schema"].get("missingValues", [""])
        if missing != [""]:
            problems.append('the schema setting "missingValues" is not supported: leave empty cells empty')
    if str(resource.get("encoding", "utf-8")).lower().replace("_", "-") not in {"utf-8", "utf-8-sig"}:
        problems.append(f'the encoding "{resource["encoding"]}" is not supported: save the file as CSV UTF-8')
    if resource.get("format", "csv") != "csv":
        problems.append(f'the format "{resource["format"]}" is not supported: use CSV')
    dialect = resource.get("dialect", {})
    if not isinstance(dialect, dict):
        problems.append("the dialect must be written in the descriptor, not in a separate file")
    else:
        problems += [f'the dialect setting "{key}": {value!r} is not supported; use comma-separated values with '
                     'double quotes' for key, value in dialect.items()
                     if (key in DIALECT and value != DIALECT[key]) or key not in {*DIALECT, "lineTerminator"}]
    return problems


def _path_problems(path: str, root: Path) -> list[str]:
    """A resource is a file inside the package folder: no address elsewhere, no hidden file, no way out."""
    if "://" in path or path.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", path):
        return [f'"{path}" must be a path inside the package folder, such as data/results.csv; nothing is '
                "fetched from elsewhere"]
    parts = Path(path).parts
    if ".." in parts or any(part.startswith(".") for part in parts):
        return [f'"{path}" must not contain ".." or hidden folders or files']
    if not path.endswith(".csv"):
        return [f'"{path}" must be a CSV file (ending in .csv)']
    target = root / path
    if target.exists() or target.is_symlink():
        resolved, package_root = target.resolve(), root.resolve()
        if not resolved.is_relative_to(package_root) or any(p.startswith(".") for p in
                                                              resolved.relative_to(package_root).parts):
            return [f'"{path}" is a link to a file outside the package folder']
        if not resolved.is_file():
            return [f'"{path}" is not a file']
    return []


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
        for number, entry in enumerate(sources, start=1):  # a letter to the council may have no web address
            if not isinstance(entry, dict) or not _text(entry.get("title")) \
                    or not isinstance(entry.get("path", ""), str):
                problems.append(f"source {number} needs a title, and a path (its web address) where it is online")
    problems += _monitor_problems(descriptor.get("monitor"), str(descriptor.get("version", "")))
    return problems


def _valid_date(text: str) -> bool:
    """A date written as YYYY-MM-DD and real (Python also reads 2026W481 and 20261201 as dates)."""
    return checks.iso_date(text)


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
    if publisher_id is not None and not (_text(publisher_id) and checks.WEB_ADDRESS.match(publisher_id)):
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


def checked(path: Path) -> dict:
    """The descriptor at ``path``, or ``DescriptorError`` with every problem it has."""
    descriptor = read_descriptor(path)
    problems = descriptor_problems(descriptor, path.parent)
    if problems:
        raise DescriptorError("; ".join(problems), problems=problems)
    return descriptor


def load(path: Path | str) -> DataPackage:
    """A package whose descriptor is safe to follow: every file it names is read only after ``checked``
    (for a package that may not be valid, such as the other side of ``monitor diff``)."""
    path = Path(path)
    return read_package(path, checked(path))
