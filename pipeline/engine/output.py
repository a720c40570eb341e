"""Folders of finished outputs placed a second time (the preview, the rendered site) without copying bytes."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from pipeline.errors import OutsideOutput


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system, or one without hard links
        shutil.copy2(source, target)


def link_tree(source: Path, target: Path) -> None:
    """``target`` gets the files of ``source`` as hard links, or copies where links cannot be made.

    Only for outputs that are never changed in place once written (downloads, charts, embeds): both names
    then show the same bytes. At 1,000 indicators that is 15,000 files, seconds of copying saved per copy.
    """
    shutil.copytree(source, target, copy_function=_link_or_copy, dirs_exist_ok=True)


def slug(text: str, limit: int = 64) -> str:
    """A file-name part made from ``text`` by the pipeline itself: lower-case letters, digits, '-', '_' and
    single dots between them, at most ``limit`` characters. Validation refuses names that need changing;
    this keeps every path safe even where a check was skipped."""
    kept = re.sub(r"[^a-z0-9._-]+", "-", text.lower())
    kept = re.sub(r"\.{2,}", ".", kept).strip(".-_")[:limit].strip(".-_")
    return kept or "monitor"


def inside(root: Path, relative: str) -> Path:
    """``root / relative``, refused unless it lies inside ``root`` (checked before anything is written)."""
    target = (root / relative).resolve()
    if not target.is_relative_to(root.resolve()) or target == root.resolve():
        raise OutsideOutput(f"{relative!r} would be written outside {root}")
    return root / relative
