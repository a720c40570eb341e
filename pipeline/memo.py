"""Results kept between builds, by the hash of everything they are made from.

A chart specification or a workbook made from the same rows, words and code is the same bytes, so a
build reads it back instead of making it again. The key covers the inputs and the source of the code that
makes them, so a change to either makes a new entry. Entries are written atomically, with a checksum
written last and checked on reading: a half-written entry is made again, never used.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import pandas as pd


def _header(frame: pd.DataFrame) -> bytes:
    return json.dumps([[str(c), str(t)] for c, t in frame.dtypes.items()]).encode()


def digest(part: object) -> bytes:
    """The bytes a key is made of for one input (bytes pass as they are): to hash a shared input once."""
    if isinstance(part, pd.DataFrame | pd.Series):
        frame = part.to_frame() if isinstance(part, pd.Series) else part
        header = _header(frame)
        # A row's position is kept by the order of the hashes; a record's field names are its index.
        hashed = pd.util.hash_pandas_object(frame, index=isinstance(part, pd.Series))
        return header + hashed.to_numpy().tobytes()
    if isinstance(part, Path):
        return part.read_bytes()
    if isinstance(part, bytes):
        return part
    return json.dumps(part, sort_keys=True, ensure_ascii=False, default=str).encode()


class RowHashes:
    """A table hashed once, row by row: the key part for some of its rows is then a slice of the hashes.

    Hashing each of a thousand small selections on its own costs more than the whole table once. Only for
    selections of the table's rows and columns, unchanged: a row is known by its label in the table.
    """

    def __init__(self, table: pd.DataFrame):
        self.table = table
        self.hashes = pd.util.hash_pandas_object(table, index=False).to_numpy()

    def of(self, rows: pd.DataFrame) -> bytes:
        positions = self.table.index.get_indexer(rows.index)
        if not rows.columns.isin(self.table.columns).all() or (positions < 0).any():
            raise ValueError("RowHashes.of takes a selection of the hashed table's rows and columns")
        return _header(rows) + self.hashes[positions].tobytes()


class Memo:
    """A folder of entries; with ``folder`` None, nothing is kept (every lookup misses)."""

    def __init__(self, folder: Path | None, *code: object):
        self.folder = folder
        self.version = hashlib.sha256(b"".join(digest(part) for part in code)).hexdigest()
        self.hits = self.misses = 0

    def key(self, *parts: object) -> str:
        total = hashlib.sha256(self.version.encode())
        for part in parts:
            data = digest(part)
            total.update(len(data).to_bytes(8, "little") + data)  # lengths: no two inputs run together
        return total.hexdigest()

    def get(self, key: str) -> bytes | None:
        if self.folder is None:
            self.misses += 1
            return None
        try:
            data = (self.folder / key).read_bytes()
            expected = (self.folder / f"{key}.sum").read_text(encoding="ascii")
        except OSError:
            self.misses += 1
            return None
        if hashlib.sha256(data).hexdigest() != expected:
            self.misses += 1
            return None
        self.hits += 1
        return data

    def put(self, key: str, data: bytes) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        for name, content in ((key, data), (f"{key}.sum", hashlib.sha256(data).hexdigest().encode("ascii"))):
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
            os.replace(temporary, self.folder / name)
