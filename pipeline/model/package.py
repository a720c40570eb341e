"""The data package as every stage reads it: its descriptor and one typed data frame per resource.

Reading is done with pandas after validation, so the conversions here can be strict: a value that does not
convert means validation was skipped, which is a programming error. ``read_descriptor`` only parses (within
size and depth limits); what the descriptor may name is validation's to check (``validation.descriptor``),
before ``load`` follows it.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.errors import DescriptorError, PackageError
from pipeline.model.contract import contract

TRUE_VALUES = {"true", "True", "TRUE", "1"}  # frictionless's defaults: the only ones the package may use
FALSE_VALUES = {"false", "False", "FALSE", "0"}
ENCODING = "utf-8-sig"  # UTF-8, with or without the byte-order mark Excel writes
DIALECT = {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "header": True}
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
    """The descriptor as JSON: an object with a list of resources, or ``DescriptorError`` saying why not."""
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


def load(path: Path | str, descriptor: dict | None = None) -> DataPackage:
    """The package at ``path`` (with its ``descriptor``, when read already), every resource a typed frame."""
    path = Path(path)
    descriptor = descriptor if descriptor is not None else read_descriptor(path)
    tables = {r["name"]: read_table(path.parent, r) for r in descriptor["resources"]}
    for name, spec in contract().items():  # optional resources left out: empty, with the contract's columns
        if name not in tables and spec.get("optional"):
            fields = [{"name": field, "type": rules["type"]} for field, rules in spec["fields"].items()]
            tables[name] = typed_frame(pd.DataFrame({f["name"]: pd.Series(dtype=str) for f in fields}),
                                       {"fields": fields})
    return DataPackage(path=path, descriptor=descriptor, tables=tables)
