"""``monitor build``: run every stage into a temporary folder, then move it into place.

Stages pass a ``Build`` along; each stage is one module with a ``run`` function. The output folder is
replaced only when every stage succeeded, so a failed build leaves the previous output byte for byte as it
was. A build whose inputs (data package, pipeline code, site sources) are unchanged since the last
successful build is skipped: its output would be identical.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .package import DataPackage
from .report import Report

ROOT = Path(__file__).resolve().parent.parent
FINGERPRINT = ".fingerprint"


class InvalidPackage(Exception):
    def __init__(self, report: Report):
        super().__init__(report.to_text())
        self.report = report


@dataclass
class Build:
    package: Path
    work: Path  # where this build writes; moved to ``out`` when every stage succeeded
    out: Path
    cache: Path
    pkg: DataPackage | None = None
    table: object = None  # pandas.DataFrame, once the indicators stage ran
    story: dict = field(default_factory=dict)
    log: Callable[[str], None] = print


def _validate(b: Build) -> None:
    from .package import load
    from .validate import validate

    report = validate(b.package)
    if not report.valid:
        raise InvalidPackage(report)
    b.pkg = load(b.package)


def _indicators(b: Build) -> None:
    from .indicators import build_table

    b.table = build_table(b.pkg)


def _exports(b: Build) -> None:
    from . import exports

    exports.run(b.pkg, b.table, b.work)


def _charts(b: Build) -> None:
    from . import charts
    from .render import Renderer

    renderer = Renderer(cache=b.cache / "charts")
    charts.run(b.pkg, b.table, b.work, renderer)
    b.log(f"  {'':<12} charts rendered: {renderer.misses}, taken from the cache: {renderer.hits}")


def _story(b: Build) -> None:
    from . import story

    b.story = story.run(b.pkg, b.table, b.work)


def _embeds(b: Build) -> None:
    from . import embed

    embed.run(b.pkg, b.table, b.story, b.work)


def _site(b: Build) -> None:
    from . import site

    site.run(b.pkg, b.table, b.story, b.work)


def _render(b: Build) -> None:
    from . import quarto

    quarto.run(b.work, b.out, b.log)


STAGES: list[tuple[str, Callable[[Build], None]]] = [
    ("validate", _validate),
    ("indicators", _indicators),
    ("exports", _exports),
    ("charts", _charts),
    ("story", _story),
    ("embeds", _embeds),
    ("site", _site),
    ("render", _render),
]


def fingerprint(package: Path) -> str:
    """Hash of everything a build reads; equal fingerprints mean equal output."""
    from .package import read_descriptor

    digest = hashlib.sha256()
    inputs = [package, *(package.parent / r["path"] for r in read_descriptor(package)["resources"])]
    for folder, pattern in [(ROOT / "pipeline", "**/*"), (ROOT / "site", "**/*")]:
        inputs += sorted(p for p in folder.glob(pattern) if p.is_file() and "__pycache__" not in p.parts)
    inputs += [ROOT / "_quarto.yml"]
    for path in inputs:
        digest.update(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name).encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    # Installing Quarto changes the output (a rendered site), so it must not count as "nothing changed".
    digest.update((shutil.which("quarto") or "no quarto").encode())
    return digest.hexdigest()


def build(package: Path, out: Path, force: bool = False, log: Callable[[str], None] = print) -> bool:
    """Build ``out`` from ``package``. Returns False when nothing changed and the build was skipped.

    Raises ``InvalidPackage`` for bad data and ``PackageError`` when the descriptor cannot be read; in both
    cases ``out`` is untouched.
    """
    package, out = package.resolve(), out.resolve()
    print_ = log
    stamp = fingerprint(package)
    previous = out / FINGERPRINT
    if not force and previous.exists() and previous.read_text() == stamp:
        print_(f"Nothing changed since the last build in {out}; skipped (use --force to rebuild).")
        return False
    out.parent.mkdir(parents=True, exist_ok=True)
    work = out.parent / f".{out.name}.partial"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    # Rendered charts are kept between builds; MONITOR_CACHE lets several builds share one cache.
    cache = Path(os.environ.get("MONITOR_CACHE") or out.parent / ".monitor-cache")
    b = Build(package=package, work=work, out=out, cache=cache, log=log)
    total = time.perf_counter()
    try:
        for name, stage in STAGES:
            start = time.perf_counter()
            stage(b)
            print_(f"  {name:<12} {time.perf_counter() - start:6.2f} s")
        (work / FINGERPRINT).write_text(stamp)
        _swap(work, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print_(f"  {'total':<12} {time.perf_counter() - total:6.2f} s  → {out}")
    return True


def _swap(work: Path, out: Path) -> None:
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

