"""Results kept between builds, by the hash of everything they are made from.

A chart specification or a workbook made from the same rows, words and code is the same bytes, so a
build reads it back instead of making it again. Every key starts from ``cachekey.code_key()`` (all the
code, words, templates, settings and library versions) and adds the data the entry is made of, so a
change to either makes a new entry. An entry is one file, its data followed by their checksum, written
atomically and checked on reading: a damaged entry is made again, never used. Reading an entry marks it as used
(its file time), in whichever process reads it; ``evict`` then removes what a build did not use, so the
cache holds the last build's results, not every build's.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import pandas as pd

from pipeline.engine.cachekey import code_key

_SUM = 32  # an entry is its data and then the SHA-256 of the data


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
    """A folder of entries; with ``folder`` None, nothing is kept (every lookup misses). ``name`` keeps
    the keys of different kinds of result apart; ``prose`` False where the result never shows the writers'
    texts or the summaries (``cachekey.PROSE``), so an edit of those keeps it."""

    def __init__(self, folder: Path | None, name: str = "", prose: bool = True):
        self.folder = folder
        self.version = hashlib.sha256(f"{code_key(prose)}|{name}".encode()).hexdigest()
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
        path = self.folder / key
        try:
            entry = path.read_bytes()
        except OSError:
            self.misses += 1
            return None
        data, checksum = entry[:-_SUM], entry[-_SUM:]
        if len(entry) < _SUM or hashlib.sha256(data).digest() != checksum:
            self.misses += 1
            return None
        os.utime(path)  # used by this build: ``evict`` keeps it
        self.hits += 1
        return data

    def put(self, key: str, data: bytes) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.write(hashlib.sha256(data).digest())
        os.replace(temporary, self.folder / key)


USED_SINCE = ".build-started"  # touched when a build starts; entries older than it were not used by it


def mark_start(cache: Path) -> None:
    cache.mkdir(parents=True, exist_ok=True)
    (cache / USED_SINCE).write_bytes(b"")


def evict(cache: Path) -> int:
    """Remove every entry under ``cache`` that no process read or wrote since ``mark_start`` (and files
    half written by a build that was stopped); returns how many went. Times are compared with the marker's,
    on the same file system, so a coarse clock keeps an entry rather than removing one in use."""
    marker = cache / USED_SINCE
    if not marker.is_file():
        return 0
    since = marker.stat().st_mtime_ns
    removed = 0
    for path in cache.rglob("*"):
        if path.is_file() and path != marker and path.stat().st_mtime_ns < since:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
