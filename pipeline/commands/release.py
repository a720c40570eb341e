"""``monitor release`` and ``monitor freeze``: a version recorded once, and every released version kept as
it was published, at ``versies/<version>/``.

A version is published once; what was published then stays at its own address. The build never writes
there: the publishing workflow keeps each version's rendered site as an archive attached to its GitHub
release (``archive``), and before every deploy assembles the site as published in a folder of its own: the
build's site, and every earlier archive under ``versies/``, unchanged but for a notice on each page that a
newer version exists (``assemble``). The current version is placed there too once released, so the permanent
links and citations of its pages (``model.versions.permalink``) point to an address that will still show the
same page after the next edition.
"""

from __future__ import annotations

import csv
import datetime
import json
import posixpath
import re
import shutil
import zipfile
from functools import cache
from pathlib import Path, PurePosixPath

from pipeline.engine.output import link_tree
from pipeline.errors import VersionError
from pipeline.model.package import DataPackage
from pipeline.model.versions import FOLDER, released, version_key
from pipeline.text.templating import html_environment
from pipeline.validation.cells import text_problem
from pipeline.validation.descriptor import checked
from pipeline.words import i18n

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # every member dated alike: the same site gives the same archive
_MAIN = re.compile(r"<main\b[^>]*>")
_LANG = re.compile(r'<html[^>]*\blang="([^"]+)"')


def record(package: Path, summary_nl: str, summary_en: str, day: datetime.date) -> dict:
    """Add the package's version to ``monitor.releases`` with its date and summary; refuse a version that
    is recorded already or is not newer than the last one, and a summary ``monitor validate`` would refuse."""
    descriptor = checked(package)
    version = str(descriptor.get("version", ""))
    releases = descriptor.setdefault("monitor", {}).setdefault("releases", [])
    summaries = {"summary_nl": summary_nl.strip(), "summary_en": summary_en.strip()}
    if not all(summaries.values()):
        raise VersionError("a release needs a one-line summary in Dutch and in English")
    for key, text in summaries.items():
        found = text_problem(key, text)
        if found:
            raise VersionError(f"--{key.replace('_', '-')}: {found[1]}")
    if any(r.get("version") == version for r in releases):
        raise VersionError(f"version {version} is released already; raise the version in datapackage.json first")
    if releases and version_key(version) <= version_key(releases[-1]["version"]):
        raise VersionError(f"version {version} is not newer than the last release, {releases[-1]['version']}")
    entry = {"version": version, "date": day.isoformat(), **summaries}
    releases.append(entry)
    # What citations, the PDF cover and "Bijgewerkt op" say, in the form the package had (a date, or midnight UTC).
    descriptor["created"] = day.isoformat() + ("T00:00:00Z" if "T" in str(descriptor.get("created", "")) else "")
    temporary = package.with_name(f".{package.name}.new")
    temporary.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    citation = package.parent / "CITATION.cff"
    if citation.is_file():
        cited = citation.with_name(f".{citation.name}.new")
        cited.write_text(_cited(citation.read_text(encoding="utf-8"), version, day, _reports(package, descriptor),
                                descriptor["monitor"].get("publisher_nl", "")), encoding="utf-8")
        cited.replace(citation)
    temporary.replace(package)
    return entry


def _reports(package: Path, descriptor: dict) -> list[dict]:
    """Every measurement's report, as the editions file names it."""
    resource = next(r for r in descriptor["resources"] if r.get("name") == "editions")
    with (package.parent / resource["path"]).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _cited(text: str, version: str, day: datetime.date, reports: list[dict], publisher: str) -> str:
    """CITATION.cff with this version and release date, and a reference to every measurement's report
    (GitHub's "Cite this repository" reads it). Its comments and order stay; values are JSON strings, which
    YAML reads as they are, so no title can break the file."""
    lines = [line for line in text.splitlines() if not re.match(r"(version|date-released):", line)]
    at = next((i + 1 for i, line in enumerate(lines) if line.startswith("license:")), len(lines))
    lines[at:at] = [f"version: {json.dumps(version)}", f"date-released: {json.dumps(day.isoformat())}"]
    for report in reports:
        if json.dumps(report["title_nl"], ensure_ascii=False) not in text:
            lines += ["  - type: report", f"    title: {json.dumps(report['title_nl'], ensure_ascii=False)}",
                      "    authors:", f"      - name: {json.dumps(publisher, ensure_ascii=False)}",
                      f"    year: {int(report['published'])}", f"    url: {json.dumps(report['source_url'])}"]
    return "\n".join(lines) + "\n"


def archive_name(name: str, version: str) -> str:
    return f"{name}-site-{version}.zip"


READABLE = 0o100644 << 16  # a plain file anyone may read once unpacked (zipfile's default is no permissions)


def _member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.external_attr, info.compress_type = READABLE, zipfile.ZIP_DEFLATED
    return info


def archive(site: Path, target: Path) -> Path:
    """The rendered site as one archive (without ``versies/``), members sorted and dated alike."""
    target.parent.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in site.rglob("*") if p.is_file() and p.relative_to(site).parts[0] != FOLDER)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for path in files:
            zipped.writestr(_member(path.relative_to(site).as_posix()), path.read_bytes())
    return target


# What an archive of a rendered site may hold: a site is some thousands of files of at most tens of megabytes,
# which compress at most a few dozen times. A zip bomb is refused by its own index before anything is read.
MOST_MEMBERS = 200_000


MOST_BYTES = 2 * 1024**3


MOST_MEMBER = 256 * 1024**2


MOST_RATIO = 200  # uncompressed to compressed, for members over a megabyte


PAGE_BYTES = 32 * 1024**2  # a page is read whole to place the notice in it


def _members(zipped: zipfile.ZipFile, source: Path) -> list[zipfile.ZipInfo]:
    """The archive's files, each refused unless it is a plain relative path inside the archive, within the
    size limits, and not both a file and a folder."""
    found = []
    for info in zipped.infolist():
        if info.is_dir():
            continue
        name = PurePosixPath(info.filename)
        if name.is_absolute() or ".." in name.parts or "\\" in info.filename or not name.parts:
            raise VersionError(f"{source.name}: the member {info.filename!r} would be written outside its folder")
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise VersionError(f"{source.name}: the member {info.filename!r} is a symbolic link")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MOST_MEMBER or (info.file_size > 1024**2 and ratio > MOST_RATIO) or \
                (info.filename.endswith(".html") and info.file_size > PAGE_BYTES):
            raise VersionError(f"{source.name}: the member {info.filename!r} unpacks to {info.file_size:,} bytes, "
                               "more than a page or file of a site holds; this is not a site archive")
        found.append(info)
    if len(found) > MOST_MEMBERS or sum(info.file_size for info in found) > MOST_BYTES:
        raise VersionError(f"{source.name}: {len(found):,} files of {sum(i.file_size for i in found):,} bytes "
                           "in all; more than a site archive holds")
    names = {info.filename for info in found}
    folders = {parent.as_posix() for name in names for parent in PurePosixPath(name).parents}
    for clash in sorted(names & folders)[:1]:
        raise VersionError(f"{source.name}: {clash!r} is both a file and a folder")
    return found


def _checked(source: Path) -> list[zipfile.ZipInfo]:
    """Everything about an archive that could stop its placing, checked before anything is written: a zip
    whose every member unpacks with the right checksum, within the limits, and pages in UTF-8."""
    try:
        with zipfile.ZipFile(source) as zipped:
            members = _members(zipped, source)
            broken = zipped.testzip()
            if broken is not None:
                raise VersionError(f"{source.name}: the member {broken!r} is damaged (its checksum is wrong)")
            for info in members:
                if info.filename.endswith(".html"):
                    zipped.read(info).decode("utf-8")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
        raise VersionError(f"{source.name}: not a usable zip archive ({exc}); download it again from its "
                           "GitHub release") from None
    except UnicodeDecodeError as exc:
        raise VersionError(f"{source.name}: a page is not in UTF-8 ({exc.reason}); this is not a site archive "
                           "the monitor made") from None
    return members


def _notice(html: str, rel: str, version: str, current: Path, releases: dict[str, dict]) -> str:
    """The page with, at the top of its content, the notice that it is an earlier version and a link to
    the page as it is now (or, if the page is gone, to the home page of its language)."""
    match = _MAIN.search(html)
    if match is None:
        return html
    lang = _LANG.search(html)
    lang = lang.group(1) if lang and lang.group(1) in i18n.LANGUAGES else i18n.LANGUAGES[0]
    here = f"{FOLDER}/{version}/{rel}"
    home = "index.html" if lang == i18n.LANGUAGES[0] else f"{lang}/index.html"
    target = rel if (current / rel).is_file() else home
    day = releases.get(version, {}).get("date")
    when = i18n.iso_date(day, lang) if day else ""
    text = i18n.t(lang, "version_notice" if when else "version_notice_undated", version=version, date=when)
    notice = _notice_template().render(text=text, href=posixpath.relpath(target, posixpath.dirname(here)),
                                       label=i18n.t(lang, "version_current")).strip()
    html = _HREF.sub(lambda found: _to_versions(found, rel, here), html)
    match = _MAIN.search(html)
    return html[: match.end()] + notice + html[match.end():]


_HREF = re.compile(r'(href=")([^"#?:]+)([#?][^"]*)?(")')


def _to_versions(found: re.Match, rel: str, here: str) -> str:
    """A link of the page into ``versies/`` (the versions table), written relative to the page's live address,
    made relative to its frozen address ``here``, two folders deeper: the same target from either place."""
    href = found.group(2)
    if href.startswith("/"):
        return found.group(0)
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(rel), href))
    if not resolved.startswith(f"{FOLDER}/"):
        return found.group(0)
    moved = posixpath.relpath(resolved, posixpath.dirname(here))
    return f"{found.group(1)}{moved}{found.group(3) or ''}{found.group(4)}"


@cache
def _notice_template():
    return html_environment(Path(__file__).parent).get_template("version_notice.html")


def _place(source: Path, members: list[zipfile.ZipInfo], target: Path, version: str, current: Path,
           releases: dict[str, dict]) -> None:
    """An earlier version's archive unpacked into ``target``, each page with the notice; files are copied
    in pieces, never held whole."""
    with zipfile.ZipFile(source) as zipped:
        for info in members:
            path = target / info.filename
            path.parent.mkdir(parents=True, exist_ok=True)
            if info.filename.endswith(".html"):
                html = zipped.read(info).decode("utf-8")
                path.write_text(_notice(html, info.filename, version, current, releases), encoding="utf-8")
            else:
                with zipped.open(info) as unpacked, path.open("wb") as written:
                    shutil.copyfileobj(unpacked, written, 1024**2)


def _differences(site: Path, source: Path, members: list[zipfile.ZipInfo]) -> list[str]:
    """The files in which ``site`` (without ``versies/``) differs from the archive of it."""
    files = {p.relative_to(site).as_posix(): p for p in site.rglob("*")
             if p.is_file() and p.relative_to(site).parts[0] != FOLDER}
    listed = {info.filename: info for info in members}
    differ = sorted(files.keys() ^ listed.keys())
    with zipfile.ZipFile(source) as zipped:
        for name in sorted(files.keys() & listed.keys()):
            if listed[name].file_size != files[name].stat().st_size or zipped.read(name) != files[name].read_bytes():
                differ.append(name)
    return differ


PUBLISHED = ".monitor-published"  # in every folder ``assemble`` made; only such folders are replaced


def assemble(site: Path, archives: Path, pkg: DataPackage, target: Path) -> list[str]:
    """The site as published, in ``target``: ``site`` as it is, every released version's archive
    (``archives``/<name>-site-<version>.zip) under ``versies/<version>/`` with the notice on its pages, and the
    current version there too once it is released; returns the versions placed.

    ``site`` itself is never changed, so a build can be frozen any number of times with the same result.
    Everything that could stop the placing is checked before anything is written; the placing stops, naming
    the version, when a released version older than the current one has no archive (its permanent addresses
    would disappear) or when the site differs from the archive of the current version (a released version
    never changes: raise the version). Archives of versions never released are left out.
    """
    name, current = pkg.descriptor["name"], pkg.descriptor["version"]
    releases = {r["version"]: r for r in released(pkg) if isinstance(r, dict) and "version" in r}
    if target.exists() and not (target / PUBLISHED).is_file():
        raise VersionError(f"{target}: exists and was not made by 'monitor freeze'; choose a new folder")
    if target.resolve() == site.resolve() or site.resolve() in target.resolve().parents:
        raise VersionError(f"{target}: the published site is assembled beside the build, not inside it")
    pattern = re.compile(re.escape(name) + r"-site-(?P<version>.+)\.zip\Z")
    found = {match["version"]: source for source in (sorted(archives.glob("*.zip")) if archives.is_dir() else [])
             if (match := pattern.match(source.name)) and match["version"] in releases}
    missing = [v for v in releases if version_key(v) < version_key(current) and v not in found]
    if missing:
        raise VersionError(f"no site archive for the released version(s) {', '.join(missing)} in {archives}: "
                           "publishing now would take their permanent addresses off the site. Attach each "
                           f"version's {archive_name(name, '<version>')} to its GitHub release, then publish again")
    checked = {version: _checked(source) for version, source in found.items()}
    if current in found:
        differ = _differences(site, found[current], checked[current])
        if differ:
            raise VersionError(f"the site differs from version {current} as it was released ({len(differ)} files, "
                               f"such as {differ[0]}): a released version never changes. Raise the version in "
                               "datapackage.json and record it with 'monitor release'")
    staging = target.with_name(f"{target.name}.staging")
    shutil.rmtree(staging, ignore_errors=True)
    link_tree(site, staging)
    (staging / PUBLISHED).write_text("Made by 'monitor freeze'; replaced by the next one.\n")
    placed = []
    for version in sorted(found, key=version_key):
        if version != current:
            _place(found[version], checked[version], staging / FOLDER / version, version, site, releases)
            placed.append(version)
    if current in releases:
        shutil.copytree(site, staging / FOLDER / current, copy_function=shutil.copy2,
                        ignore=lambda where, _: [FOLDER] if Path(where) == site else [])
        placed.append(current)
    old = target.with_name(f"{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return sorted(placed, key=version_key)
