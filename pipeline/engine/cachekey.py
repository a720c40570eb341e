"""One key for everything but the data that can change what a build makes.

Every kept result (chart specifications and drawings, workbooks, preview bodies) and the build's own
"nothing changed" fingerprint start from this key. It covers the whole pipeline (code, metadata, words,
templates), the site's sources, the shared Quarto settings, the lock files, every installed distribution
with its version, Python's version and ``EPOCH``. Listing each result's inputs by hand was tried: the
lists went stale (the decimal separator, the page components), and stale charts reached the site.
Hashing everything costs a few milliseconds and makes a stale entry impossible by construction; the
price is that a change to the code makes every result anew once. One exception is made, by folder: the
writers' and translators' prose (``PROSE``) is left out of the key of results that never show it (charts,
workbooks), so a text edit does not redraw every chart.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import sys
from functools import cache
from pathlib import Path

from pipeline.paths import ROOT

# Raise it to throw away every kept result at once (e.g. after a fix to how results are stored).
EPOCH = 3
# What the key reads, relative to the repository: folders whole, files as they are.
TREES = ("pipeline", "site")
FILES = ("_quarto.yml", "pyproject.toml", "requirements.lock", "package-lock.json")  # the lock: the look's npm versions
PROSE = ("site/content", "site/summaries")  # the pages' own texts and the summaries: read by pages alone


def sources(root: Path = ROOT, prose: bool = True) -> list[Path]:
    """Every file the key reads, in a fixed order; without the prose folders unless ``prose``."""
    skipped = () if prose else tuple(root / folder for folder in PROSE)
    found = [p for tree in TREES for p in (root / tree).rglob("*")
             if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
             and not any(p.is_relative_to(folder) for folder in skipped)]
    return sorted(found) + [root / name for name in FILES]


def _distributions() -> list[str]:
    names = {f"{d.metadata['Name']}=={d.version}".lower() for d in importlib.metadata.distributions()
             if d.metadata["Name"]}
    return sorted(names)


def compute(root: Path = ROOT, prose: bool = True) -> str:
    digest = hashlib.sha256(f"epoch {EPOCH}\n{sys.version}\n{prose}\n".encode())
    for name in _distributions():
        digest.update(name.encode() + b"\n")
    for path in sources(root, prose):
        data = path.read_bytes() if path.is_file() else b"<missing>"
        label = path.relative_to(root).as_posix().encode()
        digest.update(len(label).to_bytes(8, "little") + label + len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


@cache
def code_key(prose: bool = True) -> str:
    """The key of the code this process runs (read once: the code does not change under a running build);
    ``prose`` False for results that never show the pages' own texts or the summaries."""
    return compute(ROOT, prose)
