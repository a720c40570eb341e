"""``monitor build``: run every stage into a temporary folder, then move it into place.

Stages pass a ``Build`` along; each stage is one module with a ``run`` function. The output folder is
replaced only when every stage succeeded, so a failed build leaves the previous output byte for byte as it
was. A build whose inputs (data package, pipeline code, site sources) are unchanged since the last
successful build is skipped: its output would be identical.

Builds keep what is costly to make (drawings, specifications, workbooks, preview bodies) in a cache folder,
``.monitor-cache`` beside the output, by keys that start from ``cachekey.code_key()``; after a successful
build, entries it did not use are removed. A cache named by ``MONITOR_CACHE`` may be shared by several
builds of different packages (the tests do), so it is left for its owner to clear.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import FileLock, Timeout

from pipeline.engine.cachekey import code_key
from pipeline.errors import InvalidPackage, OutputError
from pipeline.model.package import DataPackage
from pipeline.paths import ROOT

if TYPE_CHECKING:
    from pipeline.engine.workers import Context, Workers
    from pipeline.stages.charts import Charts
    from pipeline.stages.council import Council
    from pipeline.stages.downloads import Downloads
    from pipeline.stages.embeds import Embeds
    from pipeline.stages.pages import Briefs, Page
    from pipeline.stages.story import Story

FINGERPRINT = ".fingerprint"
MARKER = ".monitor-output"  # in every folder the monitor made; only such folders are ever replaced
# From this many indicators the build shares its work with worker processes. Starting one costs about a
# second and a half (Python, pandas, vl-convert); below this the build's own process is faster.
WORKERS_FROM = 40


@dataclass
class Build:
    """One build: where it reads and writes, and what each stage gave, in the order the stages run.

    Each stage reads what earlier stages set here and sets its own result; none reads another's files.
    """

    package: Path
    work: Path  # where this build writes; moved to ``out`` when every stage succeeded
    out: Path
    cache: Path
    log: Callable[[str], None] = print
    render: bool = True  # False: everything but the Quarto render (the preview and the sources still exist)
    # A small package's downloads are written by one helper process while this one draws the charts.
    helper: ProcessPoolExecutor | None = None  # started with the build on two cores or more
    pkg: DataPackage | None = None  # validate
    context: Context | None = None  # indicators: the package, its table and plain rows, as every job reads them
    workers: Workers | None = None  # indicators: the pool every later stage shares (or this process alone)
    downloads: Downloads | Future | None = None  # downloads: the files and sizes (a Future while the helper works)
    charts: Charts = field(default_factory=dict)  # charts: every chart drawn, by "<lang>/<name>"
    story: Story = field(default_factory=dict)  # story: the findings per language
    embeds: Embeds = field(default_factory=dict)  # embeds: the snippet per "<lang>/<indicator_id>"
    pages: list[Page] = field(default_factory=list)  # pages: every page (the late ones are written by council)
    briefs: Briefs = field(default_factory=dict)  # pages: each indicator's view, as the council edition shows it
    council: Council = field(default_factory=dict)  # council: each PDF's path under data/ and its size


def _validate(b: Build) -> None:
    from pipeline.look import tokens
    from pipeline.model.package import load
    from pipeline.validation import summaries, validate

    report = validate(b.package)
    if not report.valid:
        raise InvalidPackage(report)
    b.pkg = load(b.package)
    # The files translators and designers edit, checked before anything is made from them.
    summaries.check_all()
    tokens.load()


def _indicators(b: Build) -> None:
    from pipeline.engine.workers import Context, Workers
    from pipeline.model.indicators import build_table

    b.context = Context(b.pkg, build_table(b.pkg))
    b.context.rows  # noqa: B018 - made now, so that the stage's time says what the table costs
    parallel = len(b.pkg["indicators"]) >= WORKERS_FROM
    if parallel and b.helper is not None:  # the pool shares every stage; the helper is not needed
        b.helper.shutdown(cancel_futures=True)
        b.helper = None
    b.workers = Workers(b.context, parallel)
    # They get ready while this process writes the downloads, importing what the later stages need.
    b.workers.start(*(f"pipeline.stages.{stage}" for stage in ("downloads", "charts", "charts.draw", "story", "pages",
                                                               "council")))


def _downloads(b: Build) -> None:
    from pipeline.stages import downloads as exports

    if b.helper is not None:
        b.downloads = b.helper.submit(exports.run, b.context, b.work, b.cache / "workbooks")
    else:
        b.downloads = exports.run(b.context, b.work, b.cache / "workbooks", b.workers)


def _charts(b: Build) -> None:
    from pipeline.stages import charts
    from pipeline.stages.charts.draw import Drawer

    drawer, memo = Drawer(cache=b.cache / "charts"), charts.spec_memo(b.cache / "specs")
    b.charts = charts.run(b.context, b.work, drawer, memo, b.workers)
    b.log(f"  {'':<12} charts drawn: {drawer.misses}, taken from the cache: {drawer.hits} "
          f"(specifications made: {memo.misses}, kept: {memo.hits})")


def _story(b: Build) -> None:
    from pipeline.stages import story

    b.story = story.run(b.context, b.work, b.workers)


def _embeds(b: Build) -> None:
    from pipeline.stages import embeds as embed

    b.embeds = embed.run(b.context, b.story, b.charts, b.work)


def _made(b: Build):
    """What the earlier stages made that the PDF and the pages show."""
    from pipeline.stages import pages as views

    if isinstance(b.downloads, Future):  # the pages show each download's size: wait for the helper
        b.downloads = b.downloads.result()  # raises what the helper raised
    return views.Made(story=b.story, charts=b.charts, embeds=b.embeds, downloads=b.downloads)


def _pages(b: Build) -> None:
    from pipeline.stages import pages as views

    b.pages, b.briefs = views.run(b.context, _made(b), b.work, b.workers)


def _council(b: Build) -> None:
    """The PDF, from the views the pages made; then the pages that give its size (``views.LATE``)."""
    from pipeline.stages import council
    from pipeline.stages import downloads as exports
    from pipeline.stages import pages as views

    b.council = council.run(b.context, _made(b), b.work, b.workers, b.log, b.cache / "council", b.briefs)
    b.downloads = exports.write_catalogue(b.pkg, b.work, {**b.downloads.sizes, **b.council})
    views.write_late(b.context, _made(b), b.work, b.pages)


def _preview(b: Build) -> None:
    from pipeline.stages import preview

    preview.run(b.context, b.pages, b.work, b.workers, b.cache / "preview")


def _render(b: Build) -> None:
    from pipeline.model.publication import package_date
    from pipeline.stages import render as quarto

    if b.render:
        quarto.run(b.work, b.out, b.pages, b.log, modified=package_date(b.pkg).date().isoformat())
    else:
        b.log(f"  {'':<12} not rendered (--no-render); the plain preview is in {b.out / 'preview'}")


STAGES: list[tuple[str, Callable[[Build], None]]] = [
    ("validate", _validate),
    ("indicators", _indicators),
    ("downloads", _downloads),
    ("charts", _charts),
    ("story", _story),
    ("embeds", _embeds),
    ("pages", _pages),
    ("council", _council),
    ("preview", _preview),
    ("render", _render),
]


def quarto_identity() -> str:
    """Which Quarto would render: its path, and the size and time of its files that name its version.

    Cheap enough for every "nothing changed" check (asking ``quarto --version`` costs a fifth of a
    second); installing another Quarto changes it. The render itself records the exact version.
    """
    found = shutil.which("quarto")
    if found is None:
        return "no quarto"
    executable = Path(found).resolve()
    parts = [str(executable)]
    for path in (executable, executable.parent.parent / "share" / "version"):
        if path.is_file():
            stat = path.stat()
            parts.append(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return "|".join(parts)


def fingerprint(package: Path, render: bool = True) -> str:
    """Hash of everything a build reads; equal fingerprints mean equal output."""
    from pipeline.validation.descriptor import checked

    digest = hashlib.sha256(code_key().encode())
    for path in [package, *(package.parent / r["path"] for r in checked(package)["resources"])]:
        name = path.relative_to(package.parent).as_posix().encode()
        data = path.read_bytes() if path.exists() else b"<missing>"
        digest.update(len(name).to_bytes(8, "little") + name + len(data).to_bytes(8, "little") + data)
    digest.update((quarto_identity() if render else "not rendered").encode())
    return digest.hexdigest()


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


def build(package: Path, out: Path, force: bool = False, log: Callable[[str], None] = print,
          render: bool = True) -> bool:
    """Build ``out`` from ``package``. Returns False when nothing changed and the build was skipped.

    Raises ``InvalidPackage`` for bad data, ``PackageError`` when the descriptor cannot be read and
    ``OutputError`` when ``out`` may not be used; in each case ``out`` is untouched.
    """
    from pipeline.errors import DescriptorError
    from pipeline.validation import validate
    from pipeline.validation.descriptor import checked

    package, out = package.resolve(), out.resolve()
    check_output(package, out)
    try:
        checked(package)  # the fingerprint reads the resources' paths: they must be safe to open
    except DescriptorError:
        raise InvalidPackage(validate(package)) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    with _lock(out):
        return _build(package, out, force, log, render)


@contextmanager
def _lock(out: Path) -> Iterator[None]:
    """One build at a time per output folder: a second one stops with a message instead of mixing files."""
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


def _build(package: Path, out: Path, force: bool, log: Callable[[str], None], render: bool) -> bool:
    print_ = log
    stamp = fingerprint(package, render)
    previous = out / FINGERPRINT
    # A site holding frozen versions was changed after its build (by an older 'monitor freeze'): build anew.
    frozen = (out / "site" / "versies").exists()
    if not force and not frozen and previous.exists() and previous.read_text() == stamp:
        print_(f"Nothing changed since the last build in {out}; skipped (use --force to rebuild).")
        return False
    # Staging folders left by a build that was killed are the monitor's own: safe to remove under the lock.
    for stale in out.parent.glob(f"{out.name}.staging-*"):
        if (stale / MARKER).exists():
            shutil.rmtree(stale, ignore_errors=True)
    # Unique per build, and not hidden: Quarto silently skips every input below a folder whose name starts
    # with a dot, which once left the published site without a single page.
    work = out.parent / f"{out.name}.staging-{uuid.uuid4().hex[:8]}"
    work.mkdir()
    (work / MARKER).write_text("Made by 'monitor build'; replaced by the next build.\n")
    # Rendered charts are kept between builds; MONITOR_CACHE lets several builds share one cache.
    shared_cache = os.environ.get("MONITOR_CACHE")
    cache = Path(shared_cache or out.parent / ".monitor-cache")
    if not shared_cache:
        from pipeline.engine.memo import mark_start

        mark_start(cache)
    b = Build(package=package, work=work, out=out, cache=cache, log=log, render=render, helper=_helper())
    total = time.perf_counter()
    try:
        for name, stage in STAGES:
            start = time.perf_counter()
            stage(b)
            print_(f"  {name:<12} {time.perf_counter() - start:6.2f} s")
        (work / FINGERPRINT).write_text(stamp)
        _swap(work, out)
        if not shared_cache:
            from pipeline.engine.memo import evict

            evict(cache)
    finally:
        if b.helper is not None:
            b.helper.shutdown(wait=True, cancel_futures=True)  # before the work folder goes
        if b.workers is not None:
            b.workers.close()
        shutil.rmtree(work, ignore_errors=True)
    print_(f"  {'total':<12} {time.perf_counter() - total:6.2f} s  → {out}")
    return True


def _helper():
    """One spawned process that imports the downloads' libraries while this one validates, so that a small
    package's downloads are written beside its charts (on one core: none)."""
    import multiprocessing

    from pipeline.engine import workers

    if (os.cpu_count() or 1) < 2:
        return None
    helper = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=workers._start,
                                 initargs=(None,))  # _start: the helper ends with the build, however it ends
    helper.submit(workers._ready, ("pipeline.stages.downloads",))
    return helper


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

