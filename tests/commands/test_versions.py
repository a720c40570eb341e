"""Published versions: recorded with ``monitor release``, frozen at ``versies/<version>/`` and never rewritten."""

from __future__ import annotations

import datetime
import hashlib
import json
import posixpath
import re
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, edit_csv, edit_descriptor, small_package

from pipeline.build import build
from pipeline.commands import release
from pipeline.errors import VersionError
from pipeline.model import versions
from pipeline.model.package import load

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
    assert descriptor["created"].startswith("2026-11-28")  # the date citations and the pages give
    descriptor["monitor"]["releases"] = original["monitor"]["releases"]
    descriptor["created"] = original["created"]
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


def test_permanent_links_point_to_the_frozen_copy_once_the_version_is_released(tmp_path, monkeypatch):
    package = small_package(tmp_path / "pkg")
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


def _releases(package: Path, current: str, *versions_: str) -> None:
    def change(descriptor):
        descriptor["version"] = current
        descriptor["monitor"]["releases"] = [{"version": v, "date": DAY.isoformat(), "summary_nl": f"Versie {v}",
                                              "summary_en": f"Version {v}"} for v in versions_]

    edit_descriptor(package, change)


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): _digest(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def test_earlier_versions_are_placed_unchanged_but_for_a_notice_beside_the_build(package, tmp_path):
    old = _site(tmp_path / "old", {"index.html": _page("nl", "Home"), "en/index.html": _page("en", "Home"),
                                  "indicatoren/oud.html": _page("nl", "Weg"), "en/indicators/a.html": _page("en", "A")})
    archives = tmp_path / "archives"
    first = release.archive(old, archives / release.archive_name("monitor-inburgering-utrecht", "2025.1.0"))
    assert release.archive(old, tmp_path / "again.zip").read_bytes() == first.read_bytes()  # reproducible
    with zipfile.ZipFile(first) as zipped:  # readable by anyone once unpacked
        assert all((info.external_attr >> 16) & 0o444 == 0o444 for info in zipped.infolist())
    kept = _digest(first)

    _releases(package, "2025.2.0", "2025.1.0")
    pkg = load(package)
    new = _site(tmp_path / "new", {"index.html": _page("nl", "Home 2"), "en/index.html": _page("en", "Home 2"),
                                  "en/indicators/a.html": _page("en", "A 2")})
    built = _tree(new)
    published = tmp_path / "publish"
    assert release.assemble(new, archives, pkg, published) == ["2025.1.0"]  # 2025.2.0 is not released yet
    assert _tree(new) == built  # the build is never changed
    frozen = published / "versies" / "2025.1.0"
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
    assert (published / "index.html").read_bytes() == (new / "index.html").read_bytes()
    assert _digest(first) == kept  # the archive itself is never touched


def test_links_into_the_versions_lead_to_the_same_pages_from_a_frozen_copy(package, tmp_path):
    """The versions table on the open-data pages links with addresses relative to the live page: in the frozen
    copy, two folders deeper, they are written again so they lead where they led."""
    links = {"open-data.html": ['versies/2025.1.0/open-data.html', 'versies/2025.2.0/open-data.html#top'],
             "en/open-data.html": ['../versies/2025.1.0/en/open-data.html', 'index.html']}
    pages = {rel: _page(rel[:2] if rel.startswith("en") else "nl", "Open data").replace(
        "</h1>", "</h1>" + "".join(f'<a href="{href}">v</a>' for href in hrefs)) for rel, hrefs in links.items()}
    archives = tmp_path / "archives"
    release.archive(_site(tmp_path / "old", {**pages, "index.html": _page("nl", "Home"),
                                             "en/index.html": _page("en", "Home")}),
                    archives / release.archive_name("monitor-inburgering-utrecht", "2025.1.0"))
    _releases(package, "2025.2.0", "2025.1.0", "2025.2.0")
    new = _site(tmp_path / "new", {**pages, "index.html": _page("nl", "Home"), "en/index.html": _page("en", "Home")})
    published = tmp_path / "publish"
    release.assemble(new, archives, load(package), published)
    for rel, hrefs in links.items():
        frozen = f"versies/2025.1.0/{rel}"
        placed = re.findall(r'<a href="([^"]+)">v</a>', (published / frozen).read_text(encoding="utf-8"))
        for live, copy in zip(hrefs, placed, strict=True):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), live.split("#")[0]))
            if target.startswith("versies/"):  # the same page from either address
                assert posixpath.normpath(posixpath.join(posixpath.dirname(frozen), copy.split("#")[0])) == target
                assert (published / target).is_file()
            else:  # a link within the version stays within it
                assert copy == live


def test_freezing_again_publishes_the_same_site(package, tmp_path, run_cli):
    """What the workflow does on every push, and on a re-run: build (or find the build unchanged), freeze.
    The build folder (kept between runs) never holds frozen versions, so each freeze gives the same site."""
    _releases(package, "2025.2.0", "2025.1.0", "2025.2.0")
    archives = tmp_path / "archives"
    old = _site(tmp_path / "old", {"index.html": _page("nl", "Home")})
    release.archive(old, archives / release.archive_name("monitor-inburgering-utrecht", "2025.1.0"))
    out = tmp_path / "build"
    _site(out / "site", {"index.html": _page("nl", "Home 2"), "en/index.html": _page("en", "Home 2")})
    built = _tree(out)
    results = []
    for attempt in range(2):
        code, _, err = run_cli("freeze", "--out", out, "--archives", archives, "--archive-to",
                                  tmp_path / f"assets-{attempt}", "--publish", tmp_path / "publish",
                                  "--package", package)
        assert code == 0, err
        results.append(_tree(tmp_path / "publish"))
        assert _tree(out) == built
    assert results[0] == results[1] and "versies/2025.1.0/index.html" in results[0]
    assert "versies/2025.2.0/index.html" in results[0]  # the current version, released: at its own address too
    # Once this version's archive is attached to its release, the same site still publishes.
    shutil.copy(tmp_path / "assets-0" / release.archive_name("monitor-inburgering-utrecht", "2025.2.0"), archives)
    assert run_cli("freeze", "--out", out, "--archives", archives, "--archive-to", tmp_path / "assets-2",
                   "--publish", tmp_path / "publish", "--package", package)[0] == 0
    assert _tree(tmp_path / "publish") == results[0]
    # A folder freeze did not make is never replaced.
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("mine")
    code, _, err = run_cli("freeze", "--out", out, "--archives", archives, "--archive-to", tmp_path / "assets-3",
                           "--publish", tmp_path / "mine", "--package", package)
    assert code == 2 and "not made by 'monitor freeze'" in err and (tmp_path / "mine" / "notes.txt").exists()


def test_a_released_version_never_changes_and_none_goes_missing(package, tmp_path):
    archives = tmp_path / "archives"
    site = _site(tmp_path / "site", {"index.html": _page("nl", "Home")})
    name = "monitor-inburgering-utrecht"
    _releases(package, "2025.2.0", "2025.0.9", "2025.1.0", "2025.2.0")
    release.archive(_site(tmp_path / "a", {"index.html": _page("nl", "A")}), archives / release.archive_name(name,
                                                                                                             "2025.1.0"))
    with pytest.raises(VersionError, match=r"no site archive for the released version\(s\) 2025\.0\.9"):
        release.assemble(site, archives, load(package), tmp_path / "publish")
    release.archive(_site(tmp_path / "b", {"index.html": _page("nl", "B")}), archives / release.archive_name(name,
                                                                                                             "2025.0.9"))
    changed = _site(tmp_path / "c", {"index.html": _page("nl", "Home as released")})
    release.archive(changed, archives / release.archive_name(name, "2025.2.0"))
    with pytest.raises(VersionError, match=r"differs from version 2025\.2\.0 as it was released.*Raise"):
        release.assemble(site, archives, load(package), tmp_path / "publish")
    assert not (tmp_path / "publish").exists()
    # Archives of versions never released, or named another way, are left out.
    release.archive(site, archives / release.archive_name(name, "2025.2.0"))
    for stray in ("2099.1.0", "2025.01.0"):
        release.archive(site, archives / release.archive_name(name, stray))
    placed = release.assemble(site, archives, load(package), tmp_path / "publish")
    assert placed == ["2025.0.9", "2025.1.0", "2025.2.0"]
    assert sorted(p.name for p in (tmp_path / "publish" / "versies").iterdir()) == placed


def _zip(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=compression) as zipped:
        for name, data in members.items():
            zipped.writestr(name, data)
    return path


@pytest.mark.parametrize(("members", "words"), [
    ({"index.html": b"\xff\xfe<html>"}, "not in UTF-8"),
    ({"a": b"x", "a/b.html": b"<html></html>"}, "both a file and a folder"),
    ({"index.html": b"<html></html>", "big.bin": b"\0" * (64 * 1024**2)}, "more than a page or file"),
    (None, "not a usable zip archive"),
])
def test_a_broken_or_hostile_archive_is_refused_before_anything_is_written(package, tmp_path, run_cli, members,
                                                                           words):
    _releases(package, "2025.2.0", "2024.1.0", "2025.1.0")
    name = "monitor-inburgering-utrecht"
    archives = tmp_path / "archives"
    _zip(archives / release.archive_name(name, "2024.1.0"), {"index.html": _page("nl", "2024").encode()})
    target = archives / release.archive_name(name, "2025.1.0")
    if members is None:  # cut short, as by a failed download
        whole = _zip(tmp_path / "whole.zip", {"index.html": _page("nl", "Home").encode() * 50}, zipfile.ZIP_STORED)
        target.write_bytes(whole.read_bytes()[:len(whole.read_bytes()) // 2])
    else:
        _zip(target, members)
    out = tmp_path / "build"
    _site(out / "site", {"index.html": _page("nl", "Home")})
    code, _, err = run_cli("freeze", "--out", out, "--archives", archives, "--archive-to", tmp_path / "assets",
                           "--publish", tmp_path / "publish", "--package", package)
    assert code == 2 and words in err and target.name in err and "Traceback" not in err
    assert not (tmp_path / "publish").exists() and not (tmp_path / "assets").exists()


def test_a_build_that_holds_frozen_versions_is_built_anew(tmp_path, monkeypatch):
    """An older 'monitor freeze' wrote into the build, and the workflow kept that build in its cache."""
    package = small_package(tmp_path / "pkg")
    monkeypatch.setenv("MONITOR_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "out"
    assert build(package, out, render=False, log=lambda _: None)
    assert not build(package, out, render=False, log=lambda _: None)  # nothing changed: skipped
    (out / "site" / "versies" / "2025.1.0").mkdir(parents=True)
    assert build(package, out, render=False, log=lambda _: None)
    assert not (out / "site").exists()


def test_a_release_writes_its_version_date_and_every_report_into_the_citation_file(package, run_cli):
    """GitHub's "Cite this repository" reads CITATION.cff: the version released, its date, every report."""
    citation = package.parent / "CITATION.cff"
    shutil.copy(ROOT / "CITATION.cff", citation)
    edit_csv(package, "editions", lambda rows: rows[-1].update(title_nl='Rapportage "2025": tweede meting'))
    code, _, err = run_cli("release", "--package", package, "--summary-nl", "x", "--summary-en", "y",
                           "--date", "2027-04-01")
    assert code == 0, err
    cff = yaml.safe_load(citation.read_text(encoding="utf-8"))
    version = json.loads(package.read_text(encoding="utf-8"))["version"]
    assert (cff["version"], str(cff["date-released"])) == (version, "2027-04-01")
    titles = [r["title"] for r in cff["references"]]
    assert 'Rapportage "2025": tweede meting' in titles and len(titles) == len(set(titles))
    assert citation.read_text(encoding="utf-8").startswith("# How to cite")  # its comments stay


def test_a_release_refuses_a_summary_validation_would_refuse(package, run_cli):
    before = package.read_bytes()
    for nl, en in (("Regel een\nregel twee", "One"), ("Een", "x\u202ey"), ("Een {{< env HOME >}}", "One")):
        code, _, err = run_cli("release", "--package", package, "--summary-nl", nl, "--summary-en", en)
        assert code == 2 and "--summary-" in err and "Traceback" not in err
    assert package.read_bytes() == before


@pytest.mark.parametrize("day", ["2026W481", "20261201", "2026-1-5"])
def test_a_release_date_is_written_as_a_date(package, run_cli, day):
    _released(package, load(package).descriptor["version"])
    edit_descriptor(package, lambda d: d["monitor"]["releases"][0].update(date=day))
    code, out, _ = run_cli("validate", str(package))
    assert code == 1 and 'needs a "date"' in out


def test_freeze_without_a_rendered_site_is_a_clear_usage_error(package, tmp_path, run_cli):
    code, _, err = run_cli("freeze", "--out", str(tmp_path / "none"), "--archives", str(tmp_path),
                           "--archive-to", str(tmp_path / "to"), "--publish", tmp_path / "p", "--package", package)
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


def test_release_notes_carry_the_summaries_as_text(package, capsys):
    from helpers import load_tool
    from markdown_it import MarkdownIt

    hostile = "Zie [klik](https://evil.example) ![x](https://evil.example/x.png) @iemand <b>vet</b>"
    _released(package, "2025.3.0")
    edit_descriptor(package, lambda d: d["monitor"]["releases"][0].update(summary_nl=hostile))
    assert load_tool("release_notes").main([str(package), "--notes"]) == 0
    html = MarkdownIt().render(capsys.readouterr().out)
    assert "<a " not in html and "<img" not in html and "<b>" not in html
    assert "@iemand" in html.replace("\\", "") and "[klik](https://evil.example)" in html
