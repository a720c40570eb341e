"""Folders of finished outputs placed a second time (the preview, the rendered site) without copying bytes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


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
