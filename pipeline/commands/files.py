"""Writing a maintainer's files the way they were: rows in the file's own form, all files or none.

A command that changes several files (a figure, its erratum and the version) must never leave them half
changed, and must leave every line it did not mean to change byte for byte as it was: the pull request then
shows exactly the change, whatever Excel last did to the file (a byte-order mark, CRLF line ends).
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

BOM = b"\xef\xbb\xbf"


class CsvFile:
    """A CSV file as it is on disk: its header, rows, line ends and byte-order mark."""

    def __init__(self, path: Path, fields: list[str] | None = None):
        """The file at ``path``; with ``fields``, an empty file of those columns to be written there anew
        (UTF-8 without a byte-order mark, LF: the package's own form)."""
        self.path = path
        if fields is not None:
            self.bom, self.newline, self.header, self.rows = False, "\n", fields, []
            return
        raw = path.read_bytes()
        self.bom = raw.startswith(BOM)
        text = raw.decode("utf-8-sig")
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.header = next(csv.reader(io.StringIO(text, newline="")), [])
        self.rows = list(csv.DictReader(io.StringIO(text, newline="")))

    def text(self) -> bytes:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=self.header, lineterminator=self.newline, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(self.rows)
        return (BOM if self.bom else b"") + buffer.getvalue().encode("utf-8")


def number_text(value: float) -> str:
    """A number as the package writes it: 45.5, 62 (not 62.0), and 0.455 × 100 not as 45.500000000000004."""
    value = round(value, 10)
    return str(int(value)) if value.is_integer() else repr(value)


def replace_together(writes: dict[Path, bytes]) -> None:
    """Write every file beside itself first, then put them all in place: none is half written, and if one
    cannot be written, none is replaced."""
    temporary = {path: path.with_name(f".{path.name}.new") for path in writes}
    try:
        for path, data in writes.items():
            temporary[path].write_bytes(data)
        for path, tmp in temporary.items():
            os.replace(tmp, path)
    finally:
        for tmp in temporary.values():
            tmp.unlink(missing_ok=True)
