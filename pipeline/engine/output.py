"""The output folder: made in a staging folder beside it, put in place only when every stage succeeded, and
never one the monitor did not make; every path in it made by the pipeline and checked to lie inside it.

A build works in ``<out>.staging-<id>/`` (unique, and not hidden: Quarto silently skips every input below a
folder whose name starts with a dot, which once left the published site without a single page), one build at
a time per output folder, and swaps it into place with two renames, so a failed build leaves the previous
output byte for byte as it was. Finished outputs placed a second time (the preview, the rendered site) are
hard links, not copies.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from pipeline.errors import OutputError, OutsideOutput
from pipeline.paths import ROOT

MARKER = ".monitor-output"  # in every folder the monitor made; only such folders are ever replaced
FINGERPRINT = ".fingerprint"  # what the output was made from (``build.fingerprint``)


def check_output(package: Path, out: Path) -> None:
    """Refuse an output folder whose replacement would delete what the monitor did not make."""
    package_dir = package.parent
    for protected, what in ((package_dir, "the data package's folder"), (ROOT, "the repository")):
        if out == protected or out in protected.parents:
            raise OutputError(f"{out}: refusing to build into {what} or a folder above it; choose a new folder "
                              "such as build/")
    if out.is_relative_to(package_dir) and out.relative_to(package_dir).parts[:1] in {("data",), ("datapackage.json",)}:
        raise OutputError(f"{out}: refusing to build inside the data package's files; choose a folder such as build/")
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a folder; choose another output folder")
    if out.is_dir() and any(out.iterdir()) and not ((out / MARKER).exists() or (out / FINGERPRINT).exists()):
        raise OutputError(f"{out}: this folder exists and was not made by 'monitor build', so it will not be "
                          "replaced; choose a new or empty folder")


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """One build at a time per output folder: a second one stops with a message instead of mixing files."""
    out.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(out.parent / f".{out.name}.lock")  # portable: fcntl would keep Windows out
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise OutputError(f"{out}: another 'monitor build' is writing this folder; wait until it has "
                          "finished") from None
    try:
        yield
    finally:
        lock.release()


@contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A fresh staging folder beside ``out`` (those left by a killed build are removed first, under the lock);
    it is removed when the build ends, however it ends."""
    for stale in out.parent.glob(f"{out.name}.staging-*"):
        if (stale / MARKER).exists():
            shutil.rmtree(stale, ignore_errors=True)
    work = out.parent / f"{out.name}.staging-{uuid.uuid4().hex[:8]}"
    work.mkdir()
    (work / MARKER).write_text("Made by 'monitor build'; replaced by the next build.\n")
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def swap(work: Path, out: Path) -> None:
    """Put ``work`` where ``out`` is with two renames; the old output is removed only afterwards."""
    old = out.parent / f".{out.name}.old"
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    try:
        work.rename(out)
    except OSError:
        if old.exists():
            old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)


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
