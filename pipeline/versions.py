"""Published versions: recorded in the package (``monitor release``), frozen at ``versies/<version>/``.

A version is published once; what was published then stays at its own address. The build never writes
there: the publishing workflow keeps each version's rendered site as an archive attached to its GitHub
release (``archive``), and before every deploy puts every earlier archive back under ``versies/``, unchanged
but for a notice on each page that a newer version exists (``assemble``). The current version is placed
there too, so the permanent links and citations of its pages (``permalink``) point to an address that will
still show the same page after the next edition.
"""

from __future__ import annotations

import datetime
import json
import posixpath
import re
import shutil
import zipfile
from functools import cache
from pathlib import Path, PurePosixPath

from . import i18n
from .package import DataPackage, read_descriptor

FOLDER = "versies"
VERSION = re.compile(r"[0-9]{1,4}\.[0-9]{1,4}\.[0-9]{1,4}\Z")
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # every member dated alike: the same site gives the same archive
_MAIN = re.compile(r"<main\b[^>]*>")
_LANG = re.compile(r'<html[^>]*\blang="([^"]+)"')


class VersionError(Exception):
    """A release or an archive that cannot be used; the message says which and why."""


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def released(pkg: DataPackage) -> list[dict]:
    return list(pkg.settings.get("releases", []))


def permalink(pkg: DataPackage, base: str, path: str) -> str:
    """The address that keeps showing this page as it is now: its frozen copy once this version is released
    (``monitor release``), else the page's own address."""
    version = pkg.descriptor["version"]
    if any(r.get("version") == version for r in released(pkg)):
        return f"{base}{FOLDER}/{version}/{path}"
    return base + path


def record(package: Path, summary_nl: str, summary_en: str, day: datetime.date) -> dict:
    """Add the package's version to ``monitor.releases`` with its date and summary; refuse a version that
    is recorded already or is not newer than the last one."""
    descriptor = read_descriptor(package)
    version = str(descriptor.get("version", ""))
    releases = descriptor.setdefault("monitor", {}).setdefault("releases", [])
    if not summary_nl.strip() or not summary_en.strip():
        raise VersionError("a release needs a one-line summary in Dutch and in English")
    if any(r.get("version") == version for r in releases):
        raise VersionError(f"version {version} is released already; raise the version in datapackage.json first")
    if releases and _key(version) <= _key(releases[-1]["version"]):
        raise VersionError(f"version {version} is not newer than the last release, {releases[-1]['version']}")
    entry = {"version": version, "date": day.isoformat(), "summary_nl": summary_nl.strip(),
             "summary_en": summary_en.strip()}
    releases.append(entry)
    temporary = package.with_name(f".{package.name}.new")
    temporary.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    temporary.replace(package)
    return entry


def archive_name(name: str, version: str) -> str:
    return f"{name}-site-{version}.zip"


def archive(site: Path, target: Path) -> Path:
    """The rendered site as one archive (without ``versies/``), members sorted and dated alike."""
    target.parent.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in site.rglob("*") if p.is_file() and p.relative_to(site).parts[0] != FOLDER)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for path in files:
            zipped.writestr(zipfile.ZipInfo(path.relative_to(site).as_posix(), date_time=ZIP_DATE),
                            path.read_bytes(), compress_type=zipfile.ZIP_DEFLATED)
    return target


def _members(zipped: zipfile.ZipFile, source: Path) -> list[zipfile.ZipInfo]:
    """The archive's files, each refused unless it is a plain relative path inside the archive."""
    found = []
    for info in zipped.infolist():
        if info.is_dir():
            continue
        name = PurePosixPath(info.filename)
        if name.is_absolute() or ".." in name.parts or "\\" in info.filename or not name.parts:
            raise VersionError(f"{source.name}: the member {info.filename!r} would be written outside its folder")
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise VersionError(f"{source.name}: the member {info.filename!r} is a symbolic link")
        found.append(info)
    return found


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
    return html[: match.end()] + notice + html[match.end():]


@cache
def _notice_template():
    from .templating import html_environment

    return html_environment().get_template("version_notice.html")


def assemble(site: Path, archives: Path, pkg: DataPackage) -> list[str]:
    """Put every earlier version's archive (``archives``/<name>-site-<version>.zip) under ``site/versies/``,
    with the notice on its pages, and the current site under its own version; returns the versions placed.

    A version already placed, or an archive of the current version that differs from the current site,
    stops with a message: a frozen version is never written twice.
    """
    name, current = pkg.descriptor["name"], pkg.descriptor["version"]
    releases = {r["version"]: r for r in released(pkg) if isinstance(r, dict) and "version" in r}
    folder = site / FOLDER
    if folder.exists():
        raise VersionError(f"{folder}: already exists; the build never writes frozen versions, so this is "
                           "not a fresh build")
    placed = []
    pattern = re.compile(re.escape(name) + r"-site-(?P<version>.+)\.zip\Z")
    for source in sorted(archives.glob("*.zip")) if archives.is_dir() else []:
        match = pattern.match(source.name)
        if match is None or not VERSION.match(match["version"]) or match["version"] == current:
            continue
        version = match["version"]
        target = folder / version
        with zipfile.ZipFile(source) as zipped:
            for info in _members(zipped, source):
                data = zipped.read(info)
                if info.filename.endswith(".html"):
                    data = _notice(data.decode("utf-8"), info.filename, version, site, releases).encode("utf-8")
                path = target / info.filename
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
        placed.append(version)
    current_copy = folder / current
    shutil.copytree(site, current_copy, ignore=lambda where, _: [FOLDER] if Path(where) == site else [])
    placed.append(current)
    return sorted(placed, key=_key)
