"""Read the data package into typed data frames, following its own Table Schemas.

Reading is done with pandas after frictionless has validated the package, so the conversions here can be
strict: a value that does not convert means validation was skipped, which is a programming error. The
descriptor is checked first (``read_descriptor``): every resource is a CSV file inside the package folder,
read one way only (UTF-8, comma, the schema's default true/false values and number format), so what
frictionless validated is exactly what the pipeline reads, and nothing is ever fetched from elsewhere.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.errors import DescriptorError, PackageError

TRUE_VALUES = {"true", "True", "TRUE", "1"}  # frictionless's defaults: the only ones the package may use
FALSE_VALUES = {"false", "False", "FALSE", "0"}
ENCODING = "utf-8-sig"  # UTF-8, with or without the byte-order mark Excel writes
DIALECT = {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "header": True}
REQUIRED_KEYS = ("name", "title", "version", "homepage", "licenses", "resources")
# A web address whose host every parser reads alike (Python's and a browser's WHATWG rules): a plain host
# name or IPv4 address, no user name or password before it, no backslash anywhere.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
WEB_ADDRESS = re.compile(rf"https?://{_LABEL}(?:\.{_LABEL})*(?::[0-9]{{1,5}})?(?:[/?#][^\s<>\"'`\\]*)?\Z")
# Settings that would make frictionless read a file differently from the pipeline: not supported.
FIELD_SETTINGS = ("trueValues", "falseValues", "decimalChar", "groupChar", "bareNumber", "missingValues", "format")


@dataclass
class DataPackage:
    """A loaded data package: its descriptor and one data frame per resource."""

    path: Path
    descriptor: dict
    tables: dict[str, pd.DataFrame]

    @property
    def root(self) -> Path:
        return self.path.parent

    @property
    def settings(self) -> dict:
        """The monitor's own settings (thresholds, bilingual title) kept in the descriptor."""
        return self.descriptor.get("monitor", {})

    @property
    def min_n(self) -> int:
        """Fewer respondents than this: the figure is never published (documented in the method page)."""
        return int(self.settings.get("min_n", 30))

    @property
    def indicative_n(self) -> int:
        """Fewer respondents than this (and at least ``min_n``): the figure is published as indicative."""
        return int(self.settings.get("indicative_n", 50))

    @property
    def declared(self) -> set[str]:
        """The resources the descriptor has (an optional one it leaves out is read as an empty table)."""
        return {r["name"] for r in self.descriptor["resources"]}

    def resource(self, name: str) -> dict:
        return next(r for r in self.descriptor["resources"] if r["name"] == name)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]


def read_descriptor(path: Path) -> dict:
    """The descriptor, checked for what the pipeline relies on; ``DescriptorError`` names what is wrong."""
    try:
        size = path.stat().st_size
        if size > MOST_BYTES:
            raise DescriptorError(f"the descriptor is {size:,} bytes; a data package's descriptor holds a few hundred "
                                  f"kilobytes at most ({MOST_BYTES:,} bytes): put rows in the CSV files, not here")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PackageError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PackageError(f"{path}: cannot be read ({exc})") from None
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        raise DescriptorError(message, exc.lineno) from None
    except RecursionError:
        descriptor = None
    if descriptor is None or _depth(descriptor) > MOST_DEPTH:
        raise DescriptorError(f"the descriptor nests lists and objects more than {MOST_DEPTH} deep; a data "
                              "package's descriptor needs far fewer levels")
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise DescriptorError("not a data package descriptor: it needs a list of resources")
    problems = descriptor_problems(descriptor, path.parent)
    if problems:
        raise DescriptorError("; ".join(problems), problems=problems)
    return descriptor


MOST_BYTES = 5 * 1024**2
MOST_DEPTH = 32  # a schema's constraints lie six levels deep


def _depth(value: object) -> int:
    """How deeply lists and objects nest in ``value`` (looked at level by level, never recursively)."""
    depth, level = 0, [value]
    while level and depth <= MOST_DEPTH:
        level = [inner for item in level if isinstance(item, dict | list)
                 for inner in (item.values() if isinstance(item, dict) else item)]
        depth += 1
    return depth


def descriptor_problems(descriptor: dict, root: Path) -> list[str]:
    """What in the descriptor the monitor cannot use, in words; empty when all is well."""
    problems = [f'the key "{key}" is missing' for key in REQUIRED_KEYS if key not in descriptor]
    if "homepage" in descriptor and not _web_address(descriptor["homepage"]):
        problems.append('"homepage" must be a web address starting with https:// or http://')
    for where, entries in (("licenses", descriptor.get("licenses")), ("sources", descriptor.get("sources"))):
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and "path" in entry and not _web_address(entry["path"]):
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
    from pipeline.validation.cells import text_problem
    from pipeline.validation.contract import descriptor_texts, settings_problems, shape_problems

    problems = settings_problems(descriptor) + shape_problems(descriptor)
    for where, text in descriptor_texts(descriptor):
        found = text_problem(where.rsplit(".", 1)[-1], text)
        if found:
            problems.append(f"{where}: {found[1]}")
    return problems


def _web_address(value: object) -> bool:
    return isinstance(value, str) and WEB_ADDRESS.match(value) is not None


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


def typed_frame(raw: pd.DataFrame, schema: dict) -> pd.DataFrame:
    """Convert a frame of strings to the types its Table Schema declares."""
    frame = pd.DataFrame(index=raw.index)
    for spec in schema["fields"]:
        name, kind = spec["name"], spec.get("type", "string")
        column = raw[name]  # frictionless has checked the header: a missing column is a programming error
        blank = column == ""  # cells.py has rejected numbers with spaces around them
        if kind == "integer":
            frame[name] = pd.to_numeric(column.where(~blank), errors="raise").astype("Int64")
        elif kind == "number":
            frame[name] = pd.to_numeric(column.where(~blank), errors="raise").astype("float64")
        elif kind == "boolean":
            frame[name] = column.isin(TRUE_VALUES)
        else:
            # As written, in Unicode's composed form (NFC), so that one letter is always the same characters.
            frame[name] = column.map(_composed)
    return frame


def _composed(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def read_table(root: Path, resource: dict) -> pd.DataFrame:
    raw = pd.read_csv(root / resource["path"], dtype=str, keep_default_na=False, encoding=ENCODING, sep=",",
                      quotechar='"', doublequote=True)
    return typed_frame(raw, resource["schema"])


def load(path: Path | str) -> DataPackage:
    path = Path(path)
    descriptor = read_descriptor(path)
    tables = {r["name"]: read_table(path.parent, r) for r in descriptor["resources"]}
    from pipeline.validation.contract import contract

    for name, spec in contract().items():  # optional resources left out: empty, with the contract's columns
        if name not in tables and spec.get("optional"):
            fields = [{"name": field, "type": rules["type"]} for field, rules in spec["fields"].items()]
            tables[name] = typed_frame(pd.DataFrame({f["name"]: pd.Series(dtype=str) for f in fields}),
                                       {"fields": fields})
    return DataPackage(path=path, descriptor=descriptor, tables=tables)
