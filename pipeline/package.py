"""Read the data package into typed data frames, following its own Table Schemas.

Reading is done with pandas after frictionless has validated the package, so the conversions here can be
strict: a value that does not convert means validation was skipped, which is a programming error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

TRUE_VALUES = {"true", "True", "TRUE", "1"}
FALSE_VALUES = {"false", "False", "FALSE", "0"}


class PackageError(Exception):
    """The descriptor cannot be found or opened: a usage or I/O problem, not a data problem."""


class DescriptorError(PackageError):
    """The descriptor exists but is not a valid data package descriptor: a data problem."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


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

    def resource(self, name: str) -> dict:
        return next(r for r in self.descriptor["resources"] if r["name"] == name)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]


def read_descriptor(path: Path) -> dict:
    try:
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
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise DescriptorError("not a data package descriptor: it needs a list of resources")
    return descriptor


def typed_frame(raw: pd.DataFrame, schema: dict) -> pd.DataFrame:
    """Convert a frame of strings to the types its Table Schema declares."""
    frame = pd.DataFrame(index=raw.index)
    for spec in schema["fields"]:
        name, kind = spec["name"], spec.get("type", "string")
        column = raw[name] if name in raw else pd.Series([""] * len(raw), index=raw.index, dtype=object)
        blank = column.str.strip() == ""
        if kind == "integer":
            frame[name] = pd.to_numeric(column.where(~blank), errors="raise").astype("Int64")
        elif kind == "number":
            frame[name] = pd.to_numeric(column.where(~blank), errors="raise").astype("float64")
        elif kind == "boolean":
            frame[name] = column.isin(TRUE_VALUES)
        else:
            frame[name] = column.str.strip()
    return frame


def read_table(root: Path, resource: dict) -> pd.DataFrame:
    raw = pd.read_csv(root / resource["path"], dtype=str, keep_default_na=False, encoding="utf-8")
    return typed_frame(raw, resource["schema"])


def load(path: Path | str) -> DataPackage:
    path = Path(path)
    descriptor = read_descriptor(path)
    tables = {r["name"]: read_table(path.parent, r) for r in descriptor["resources"]}
    return DataPackage(path=path, descriptor=descriptor, tables=tables)
