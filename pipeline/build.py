"""``monitor build``: every stage in order, each taking what the earlier ones gave and giving a typed value.

    validate → indicators → downloads → charts → story → embeds → views → council → dcat → pages → preview → render

The build works in a staging folder and puts it in place only when every stage succeeded (``engine.output``),
so a failed build leaves the previous output byte for byte as it was. A build whose inputs (data package,
pipeline code, site sources, Quarto) are unchanged since the last successful build is skipped: its output
would be identical. What is costly to make (drawings, specifications, workbooks, PDFs, preview bodies) is kept
in a cache folder, ``.monitor-cache`` beside the output, by keys that start from ``cachekey.code_key()``;
after a successful build, entries it did not use are removed. A cache named by ``MONITOR_CACHE`` may be
shared by several builds of different packages (the tests do), so it is left for its owner to clear.

This is the only module that names every stage (docs/architecture.md draws the layers).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from pipeline.engine import workers as engine
from pipeline.engine.cachekey import code_key
from pipeline.engine.memo import Memo, evict, mark_start
from pipeline.engine.output import FINGERPRINT, check_output, locked, staging, swap
from pipeline.engine.workers import PARALLEL_FROM, Workers
from pipeline.errors import DescriptorError, InvalidPackage
from pipeline.look import tokens
from pipeline.model.package import DataPackage, load
from pipeline.model.publication import as_of, council_file, earlier_editions, package_date
from pipeline.model.tables import Tables
from pipeline.stages import charts, council, dcat, downloads, embeds, indicators, pages, preview, render, story, views
from pipeline.stages.charts.draw import Drawer
from pipeline.stages.views.site import Made
from pipeline.validation import summaries, validate
from pipeline.validation.descriptor import checked
from pipeline.words import i18n

STAGES = ("validate", "indicators", "downloads", "charts", "story", "embeds", "views", "council", "dcat", "pages",
          "preview", "render")


@dataclass(frozen=True)
class Settings:
    """What one build reads and where it writes."""

    package: Path
    work: Path  # the staging folder, moved to ``out`` when every stage succeeded
    out: Path
    cache: Path
    log: Callable[[str], None]
    render: bool  # False: everything but the Quarto render (the preview and the page sources still exist)


def validated(package: Path) -> DataPackage:
    """The validate stage: the package, and the files translators and designers edit, or ``InvalidPackage`` /
    a ``MonitorError`` naming the file."""
    report = validate(package)
    if not report.valid:
        raise InvalidPackage(report)
    summaries.check_all()
    tokens.load()
    return load(package)


class _Clock:
    """Logs each stage's time as it ends, and the total."""

    def __init__(self, log: Callable[[str], None]):
        self.log, self.start = log, time.perf_counter()

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        assert name in STAGES, name
        start = time.perf_counter()
        yield
        self.log(f"  {name:<12} {time.perf_counter() - start:6.2f} s")


def _stages(s: Settings, helper: ProcessPoolExecutor | None) -> None:
    """Every stage, in the order of ``STAGES``."""
    clock = _Clock(s.log)
    with clock.stage("validate"):
        pkg = validated(s.package)
    with clock.stage("indicators"):
        tables = indicators.run(pkg)
        parallel = len(pkg["indicators"]) >= PARALLEL_FROM
        if parallel and helper is not None:  # the pool shares every stage; the helper is not needed
            helper.shutdown(cancel_futures=True)
            helper = None
    with Workers(tables, parallel) as pool:
        # The workers get ready while this process writes the downloads, importing what the stages need.
        pool.start(*(f"pipeline.stages.{stage}" for stage in ("downloads", "charts", "charts.draw", "story", "views",
                                                             "pages", "council")))
        with clock.stage("downloads"):  # a small package's: in the helper, beside the charts
            written = helper.submit(downloads.run, tables, s.work, s.cache / "workbooks") if helper else None
            files = downloads.run(tables, s.work, s.cache / "workbooks", pool) if helper is None else None
        with clock.stage("charts"):
            drawer, memo = Drawer(cache=s.cache / "charts"), charts.spec_memo(s.cache / "specs")
            drawn = charts.run(tables, s.work, drawer, memo, pool)
            s.log(f"  {'':<12} charts drawn: {drawer.misses}, taken from the cache: {drawer.hits} "
                  f"(specifications made: {memo.misses}, kept: {memo.hits})")
        with clock.stage("story"):
            told = story.run(tables, s.work, pool)
        with clock.stage("embeds"):
            snippets = embeds.run(tables, told, drawn, s.work)
        made = Made(story=told, charts=drawn, embeds=snippets)
        with clock.stage("views"):
            shown = views.run(tables, made, pool)
        with clock.stage("council"):
            pdfs = council.run(tables, made, shown, s.work, pool, s.log, s.cache / "council")
            pdfs |= _earlier_councils(tables, s, parallel)
        with clock.stage("dcat"):
            files = written.result() if written is not None else files  # raises what the helper raised
            sizes = dcat.run(pkg, s.work, {**files.sizes, **pdfs})
        with clock.stage("pages"):
            found = pages.run(tables, shown, sizes, s.work, pool)
        with clock.stage("preview"):
            preview.run(tables, found, s.work, pool, s.cache / "preview")
    with clock.stage("render"):
        if s.render:
            render.run(s.work, s.out, found, s.log, modified=package_date(pkg).date().isoformat())
        else:
            s.log(f"  {'':<12} not rendered (--no-render); the plain preview is in {s.out / 'preview'}")
    s.log(f"  {'total':<12} {time.perf_counter() - clock.start:6.2f} s  → {s.out}")


def _earlier_councils(tables: Tables, s: Settings, parallel: bool) -> dict[str, int]:
    """The council edition of every earlier measurement (the 2024 baseline beside 2025's), made the way the
    latest's is, from the package as it stood then (``as_of``), in a folder of its own of which only the PDFs
    are kept. They are kept in the cache by what they are made of (that package and the code), so a build
    makes one again only when it would differ; those it makes, it makes a measurement per core when the build
    is large enough for workers."""
    written: dict[str, int] = {}
    kept = Memo(s.cache / "council", "earlier-measurement", prose=False)
    found: dict[int, dict[str, bytes]] = {}
    keys: dict[int, str] = {}
    thens = {edition: as_of(tables.pkg, edition) for edition in earlier_editions(tables.pkg)}
    for edition, then in thens.items():
        keys[edition] = kept.key(then.descriptor, *(then.tables[name] for name in sorted(then.tables)))
        pdfs = {lang: kept.get(f"{keys[edition]}-{lang}.pdf") for lang in i18n.LANGUAGES}
        if all(pdf is not None for pdf in pdfs.values()):
            found[edition] = pdfs
    missing = [edition for edition in keys if edition not in found]
    jobs = [(edition, s.cache) for edition in missing]
    if parallel and len(jobs) > 1:
        # A process per measurement: Typst keeps what it compiled for as long as its process lives (300 MB a
        # PDF of 100 indicators), and typst-py has no way to let it go.
        with ProcessPoolExecutor(os.cpu_count(), mp_context=multiprocessing.get_context("spawn"),
                                 max_tasks_per_child=1) as fresh:
            made = list(fresh.map(partial(_council_as_it_stood, tables), jobs))
    else:
        made = [_council_as_it_stood(tables, job) for job in jobs]
    for edition, (pdfs, notes) in zip(missing, made, strict=True):
        for note in notes:
            s.log(f"  {'':<12} {edition}: {note}")
        for lang, pdf in pdfs.items():
            kept.put(f"{keys[edition]}-{lang}.pdf", pdf)
        found[edition] = pdfs
    for edition, then in thens.items():
        for lang, pdf in found[edition].items():
            rel = council_file(then, lang)
            (s.work / "data" / rel).parent.mkdir(parents=True, exist_ok=True)
            (s.work / "data" / rel).write_bytes(pdf)
            written[rel] = len(pdf)
    return written


def _council_as_it_stood(context: Tables, job: tuple[int, Path]) -> tuple[dict[str, bytes], list[str]]:
    """One earlier measurement's PDFs, and what they had to tell the maintainer: the stages from charts to
    council for the package as it stood, in this process and a temporary folder, with only the drawings a PDF
    shows (``print_only``)."""
    edition, cache = job
    then = as_of(context.pkg, edition)
    past = indicators.run(then)
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="monitor-measurement-") as folder:
        work = Path(folder)
        drawn = charts.run(past, work, Drawer(cache=cache / "charts"), charts.spec_memo(cache / "specs"),
                           print_only=True)
        told = story.run(past, work)
        made = Made(story=told, charts=drawn, embeds=embeds.run(past, told, drawn, work))
        council.run(past, made, views.run(past, made), work, None, notes.append, cache / "council")
        return {lang: (work / "data" / council_file(then, lang)).read_bytes() for lang in i18n.LANGUAGES}, notes


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
    digest = hashlib.sha256(code_key().encode())
    for path in [package, *(package.parent / r["path"] for r in checked(package)["resources"])]:
        name = path.relative_to(package.parent).as_posix().encode()
        data = path.read_bytes() if path.exists() else b"<missing>"
        digest.update(len(name).to_bytes(8, "little") + name + len(data).to_bytes(8, "little") + data)
    digest.update((quarto_identity() if render else "not rendered").encode())
    return digest.hexdigest()


def build(package: Path, out: Path, force: bool = False, log: Callable[[str], None] = print,
          render: bool = True) -> bool:
    """Build ``out`` from ``package``. Returns False when nothing changed and the build was skipped.

    Raises ``InvalidPackage`` for bad data, ``PackageError`` when the descriptor cannot be read and
    ``OutputError`` when ``out`` may not be used; in each case ``out`` is untouched.
    """
    package, out = package.resolve(), out.resolve()
    check_output(package, out)
    try:
        checked(package)  # the fingerprint reads the resources' paths: they must be safe to open
    except DescriptorError:
        raise InvalidPackage(validate(package)) from None
    with locked(out):
        stamp = fingerprint(package, render)
        previous = out / FINGERPRINT
        # A site holding frozen versions was changed after its build (by an older 'monitor freeze'): build anew.
        frozen = (out / "site" / "versies").exists()
        if not force and not frozen and previous.exists() and previous.read_text() == stamp:
            log(f"Nothing changed since the last build in {out}; skipped (use --force to rebuild).")
            return False
        # Rendered charts are kept between builds; MONITOR_CACHE lets several builds share one cache.
        shared_cache = os.environ.get("MONITOR_CACHE")
        cache = Path(shared_cache or out.parent / ".monitor-cache")
        if not shared_cache:
            mark_start(cache)
        with staging(out) as work:
            helper = engine.helper("pipeline.stages.downloads")
            try:
                _stages(Settings(package, work, out, cache, log, render), helper)
            finally:
                if helper is not None:
                    helper.shutdown(wait=True, cancel_futures=True)  # before the staging folder goes
            (work / FINGERPRINT).write_text(stamp)
            swap(work, out)
        if not shared_cache:
            evict(cache)
        return True
