"""Published versions: recorded with ``monitor release``, frozen at ``versies/<version>/`` and never rewritten."""

from __future__ import annotations

import datetime
import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from conftest import edit_descriptor

from pipeline import versions
from pipeline.build import build
from pipeline.package import load

DAY = datetime.date(2026, 11, 28)


def _page(lang: str, title: str) -> str:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><title>{title}</title></head><body>'
            f'<main id="content" class="content"><h1>{title}</h1></main></body></html>')


def _site(root: Path, pages: dict[str, str]) -> Path:
    for rel, html in pages.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(html, encoding="utf-8")
    (root / "data").mkdir(exist_ok=True)
    (root / "data" / "table.csv").write_bytes(b"a,b\n1,2\n")
    return root


def _released(package: Path, version: str) -> None:
    def change(descriptor):
        descriptor["version"] = version
        descriptor["monitor"]["releases"] = [{"version": version, "date": DAY.isoformat(),
                                              "summary_nl": "Eerste versie", "summary_en": "First version"}]

    edit_descriptor(package, change)


def test_a_release_is_recorded_once_and_only_for_a_newer_version(package, run_cli):
    original = json.loads(package.read_text(encoding="utf-8"))
    code, _, _ = run_cli("release", "--package", str(package), "--summary-nl", "Eerste versie",
                           "--summary-en", "First version", "--date", "2026-11-28")
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    assert code == 0 and descriptor["monitor"]["releases"] == [
        {"version": descriptor["version"], "date": "2026-11-28", "summary_nl": "Eerste versie",
         "summary_en": "First version"}]
    descriptor["monitor"]["releases"] = original["monitor"]["releases"]
    assert descriptor == original  # nothing else in the descriptor moved (its keys once came out doubled)
    before = package.read_bytes()
    code, _, err = run_cli("release", "--package", str(package), "--summary-nl", "x", "--summary-en", "y")
    assert code == 2 and "released already" in err and "Traceback" not in err
    edit_descriptor(package, lambda d: d.update(version="2024.1.0"))
    code, _, err = run_cli("release", "--package", str(package), "--summary-nl", "x", "--summary-en", "y")
    assert code == 2 and "older than the last release" in err
    edit_descriptor(package, lambda d: d.update(version="2099.1.0"))
    code, _, err = run_cli("release", "--package", str(package), "--summary-nl", " ", "--summary-en", "y")
    assert code == 2 and "summary" in err
    assert json.loads(package.read_text(encoding="utf-8"))["monitor"]["releases"] == json.loads(before)["monitor"][
        "releases"]
    assert run_cli("validate", str(package))[0] == 0


def test_permanent_links_point_to_the_frozen_copy_once_the_version_is_released(package, tmp_path, monkeypatch):
    monkeypatch.setenv("MONITOR_CACHE", str(tmp_path / "cache"))
    base = "https://gemeente-utrecht.github.io/monitor-inburgering/"
    assert versions.permalink(load(package), base, "index.html") == base + "index.html"
    _released(package, "2025.3.0")
    assert versions.permalink(load(package), base, "index.html") == base + "versies/2025.3.0/index.html"
    build(package, tmp_path / "out", force=True, render=False, log=lambda _: None)
    page = (tmp_path / "out" / "preview" / "indicatoren" / "betaald-werk.html").read_text(encoding="utf-8")
    frozen = base + "versies/2025.3.0/"
    assert frozen + "indicatoren/betaald-werk.html" in page  # the permanent link and the citation
    assert frozen + "embed/nl/betaald-werk.html" in page  # the embed code
    listed = (tmp_path / "out" / "preview" / "en" / "open-data.html").read_text(encoding="utf-8")
    assert 'href="../versies/2025.3.0/en/open-data.html"' in listed and "First version" in listed


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_earlier_versions_are_placed_unchanged_but_for_a_notice_and_never_written_twice(package, tmp_path):
    _released(package, "2025.1.0")
    old = _site(tmp_path / "old", {"index.html": _page("nl", "Home"), "en/index.html": _page("en", "Home"),
                                  "indicatoren/oud.html": _page("nl", "Weg"), "en/indicators/a.html": _page("en", "A")})
    archives = tmp_path / "archives"
    first = versions.archive(old, archives / versions.archive_name("monitor-inburgering-utrecht", "2025.1.0"))
    assert versions.archive(old, tmp_path / "again.zip").read_bytes() == first.read_bytes()  # reproducible
    kept = _digest(first)

    edit_descriptor(package, lambda d: d.update(version="2025.2.0"))
    pkg = load(package)
    new = _site(tmp_path / "new", {"index.html": _page("nl", "Home 2"), "en/index.html": _page("en", "Home 2"),
                                  "en/indicators/a.html": _page("en", "A 2")})
    assert versions.assemble(new, archives, pkg) == ["2025.1.0", "2025.2.0"]
    frozen = new / "versies" / "2025.1.0"
    with zipfile.ZipFile(first) as zipped:
        for name in zipped.namelist():
            placed = (frozen / name).read_bytes()
            if not name.endswith(".html"):
                assert placed == zipped.read(name)
                continue
            text = placed.decode("utf-8")
            assert text.replace(text[text.index('<div class="utrecht-alert version-notice"'):
                                     text.index("</div>", text.index("version-notice")) + 6], "") == \
                zipped.read(name).decode("utf-8")
    english = (frozen / "en" / "indicators" / "a.html").read_text(encoding="utf-8")
    assert "version 2025.1.0" in english and "28 November 2026" in english
    assert 'href="../../../../en/indicators/a.html"' in english  # the page as it is now
    gone = (frozen / "indicatoren" / "oud.html").read_text(encoding="utf-8")
    assert "versie 2025.1.0" in gone and 'href="../../../index.html"' in gone  # gone now: the Dutch home page
    current = new / "versies" / "2025.2.0"
    assert (current / "index.html").read_bytes() == (new / "index.html").read_bytes()
    assert not (current / "versies").exists()
    assert _digest(first) == kept  # the archive itself is never touched
    with pytest.raises(versions.VersionError, match="already exists"):
        versions.assemble(new, archives, pkg)


@pytest.mark.parametrize("member", ["../outside.html", "/etc/outside.html", "a/../../outside.html"])
def test_a_hostile_archive_is_refused_and_writes_nothing_outside(package, tmp_path, member):
    archives = tmp_path / "archives"
    archives.mkdir()
    with zipfile.ZipFile(archives / versions.archive_name("monitor-inburgering-utrecht", "2024.1.0"), "w") as zipped:
        zipped.writestr("index.html", _page("nl", "Home"))
        zipped.writestr(member, "<p>escaped</p>")
    site = _site(tmp_path / "deep" / "site", {"index.html": _page("nl", "Home")})
    with pytest.raises(versions.VersionError, match="outside its folder"):
        versions.assemble(site, archives, load(package))
    assert not (tmp_path / "deep" / "outside.html").exists() and not (tmp_path / "outside.html").exists()


def test_freeze_without_a_rendered_site_is_a_clear_usage_error(package, tmp_path, run_cli):
    code, _, err = run_cli("freeze", "--out", str(tmp_path / "none"), "--archives", str(tmp_path),
                           "--archive-to", str(tmp_path / "to"), "--package", str(package))
    assert code == 2 and "no rendered site" in err and "Traceback" not in err


def test_a_broken_list_of_releases_is_reported_by_what_is_wrong(package, run_cli):
    def change(descriptor):
        descriptor["version"] = "2024.9.0"
        descriptor["monitor"]["releases"] = [
            {"version": "2025.1.0", "date": "2026-13-01", "summary_nl": "Eerste", "summary_en": ""},
            {"version": "2024.1.0", "date": "2026-01-01", "summary_nl": "Tweede", "summary_en": "Second"}, "x"]

    edit_descriptor(package, change)
    code, out, _ = run_cli("validate", str(package))
    assert code == 1
    for words in ('release 1 (2025.1.0) needs a "date"', 'release 1 (2025.1.0) needs a one-line "summary_en"',
                  "release 2 (2024.1.0) is not newer", 'release 3 needs a "version"',
                  '"version" 2024.9.0 is older than the last release'):
        assert words in out, words
