"""The render stage: an empty or partial site is never published, whatever Quarto does.

A stand-in ``quarto`` on the PATH plays a Quarto that renders too little, so these run without Quarto;
the tests with the real Quarto render the frozen package again, once below a hidden folder.
"""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from pathlib import Path

import pytest
from helpers import set_results, small_package, snapshot

from pipeline import build as build_module
from pipeline.stages import render
from pipeline.stages.render import missing_pages


def fake_quarto(folder: Path, pages: str) -> None:
    """A ``quarto`` that writes ``pages`` (a shell glob of .qmd files) as HTML with an empty or full <main>."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "quarto"
    script.write_text(textwrap.dedent(f"""\
        #!/bin/sh
        cd "$2" || exit 1
        mkdir -p _site
        for f in {pages}; do
          [ -f "$f" ] || continue
          mkdir -p "_site/$(dirname "$f")"
          printf '<html><main><p>text</p></main></html>' > "_site/${{f%.qmd}}.html"
        done
        """))
    script.chmod(0o755)


def test_a_site_missing_pages_fails_the_build_and_keeps_the_previous_output(tmp_path, monkeypatch, run_cli):
    package, out = small_package(tmp_path / "pkg"), tmp_path / "out"
    assert run_cli("build", "--package", package, "--out", out, "--no-render")[0] == 0
    before = snapshot(out)
    pages = len(json.loads((out / "site-pages.json").read_text(encoding="utf-8")))
    fake_quarto(tmp_path / "bin", "index.qmd")  # Quarto renders the home page only
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")
    code, _, err = run_cli("build", "--package", package, "--out", out, "--force")
    assert code == 3
    assert f"Quarto rendered 2 of {pages} pages" in err and "indicatoren/betaald-werk.html (not rendered)" in err
    assert snapshot(out) == before


def test_every_page_rendered_lets_the_build_succeed(tmp_path, monkeypatch):
    package = small_package(tmp_path / "pkg")
    fake_quarto(tmp_path / "bin", "*.qmd */*.qmd")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")
    out = tmp_path / "out"
    assert build_module.build(package, out, force=True, log=lambda _: None)
    manifest = json.loads((out / "site-pages.json").read_text(encoding="utf-8"))
    assert missing_pages(out / "site", manifest) == []
    assert (out / "site" / "en" / "index.html").is_file() and (out / "site" / "favicon.ico").is_file()


def test_missing_pages_names_absent_and_empty_pages(tmp_path):
    (tmp_path / "a.html").write_text("<main><h1>Title</h1></main>", encoding="utf-8")
    (tmp_path / "b.html").write_text("<main>  </main>", encoding="utf-8")
    (tmp_path / "c.html").write_text("<body><p>no main</p></body>", encoding="utf-8")
    pages = [{"path": p} for p in ("a.html", "b.html", "c.html", "d.html")]
    assert missing_pages(tmp_path, pages) == ["b.html (no content in <main>)", "c.html (no content in <main>)",
                                              "d.html (not rendered)"]
    # A page copied from the previous render passed this check then: it must be there, but is not read again.
    assert missing_pages(tmp_path, pages, kept=frozenset({"b.html", "d.html"})) == [
        "c.html (no content in <main>)", "d.html (not rendered)"]


def test_check_site_command(tmp_path, run_cli):
    code, _, err = run_cli("check-site", "--out", tmp_path)
    assert code == 3 and "holds no rendered site" in err
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<main>Welkom</main>", encoding="utf-8")
    (tmp_path / "site-pages.json").write_text(json.dumps([{"path": "index.html"}, {"path": "en/index.html"}]))
    code, out, err = run_cli("check-site", "--out", tmp_path)
    assert code == 3 and "en/index.html (not rendered)" in err and "1 of 2 pages" in out


# ---- incremental renders ---------------------------------------------------------------------------------
def project(folder: Path, pages: dict[str, str], config: str = "project: {type: website}\n",
            version: str | None = "1.6.40") -> Path:
    """A language's project as a build leaves it: sources, a rendered _site and the render record."""
    folder.mkdir(parents=True)
    (folder / "_quarto.yml").write_text(config, encoding="utf-8")
    for name, text in pages.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "_site").mkdir()
    (folder / "_site" / "search.json").write_text("[]", encoding="utf-8")
    if version:
        (folder / render.RECORD).write_text(json.dumps({"quarto": version}), encoding="utf-8")
    return folder


PAGES = {"index.qmd": "home", "a/one.qmd": "one", "a/two.qmd": "two", "three.qmd": "three"}


@pytest.mark.parametrize(("change", "expected"), [
    ({}, []),
    ({"pages": {**PAGES, "a/one.qmd": "one, changed"}}, ["a/one.qmd"]),
    ({"pages": {**PAGES, "a/one.qmd": "x", "three.qmd": "y", "index.qmd": "z"}}, None),  # most pages: all
    ({"pages": {**PAGES, "four.qmd": "new page"}}, None),  # a page added: navigation may change
    ({"pages": {k: v for k, v in PAGES.items() if k != "three.qmd"}}, None),  # a page removed
    ({"config": "project: {type: website}\nlang: en\n"}, None),  # shared configuration
    ({"pages": {**PAGES, "assets/monitor.css": "body {}"}}, None),  # styles
    ({"version": "1.7.0"}, None),  # another Quarto
])
def test_only_pages_whose_own_source_changed_are_rendered_again(tmp_path, change, expected):
    previous = project(tmp_path / "previous", PAGES)
    new = project(tmp_path / "new", change.get("pages", PAGES), change.get("config", "project: {type: website}\n"))
    assert render.plan(new, previous, change.get("version", "1.6.40")) == expected


def test_without_a_previous_render_everything_is_rendered(tmp_path):
    new = project(tmp_path / "new", PAGES)
    assert render.plan(new, tmp_path / "nothing", "1.6.40") is None
    assert render.plan(new, project(tmp_path / "unrecorded", PAGES, version=None), "1.6.40") is None


def test_the_search_index_keeps_the_order_of_a_full_render():
    old = [{"href": "a.html"}, {"href": "b.html"}, {"href": "b.html#old-section"}, {"href": "c.html"}]
    new = [{"href": "b.html", "text": "new"}, {"href": "b.html#new-section"}]
    merged = render.merge_search(old, new, {"b.html"})
    assert merged == [{"href": "a.html"}, {"href": "b.html", "text": "new"}, {"href": "b.html#new-section"},
                      {"href": "c.html"}]


def test_the_sitemap_takes_the_new_entries_of_rendered_pages():
    def sitemap(*entries):
        urls = "".join(f"  <url>\n    <loc>{loc}</loc>\n    <lastmod>{day}</lastmod>\n  </url>\n"
                       for loc, day in entries)
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset>\n{urls}</urlset>\n'

    old = sitemap(("https://x/a.html", "1"), ("https://x/b.html", "1"))
    assert render.merge_sitemap(old, sitemap(("https://x/b.html", "2"))) == sitemap(("https://x/a.html", "1"),
                                                                                   ("https://x/b.html", "2"))


@pytest.mark.quarto
@pytest.mark.skipif(shutil.which("quarto") is None, reason="needs Quarto (installed by the GitHub workflow)")
def test_an_incremental_render_equals_a_full_render_and_two_renders_are_the_same_bytes(site_build, package, tmp_path,
                                                                                      run_cli):
    """One changed figure: the pages it appears on are rendered again, and the site is what a full render
    of the changed package gives, byte for byte, search index and sitemaps included.

    The unchanged pages of the incremental site are the shared build's render, so the comparison also shows
    that two renders of the same sources are the same bytes (a reviewer can diff two builds, and
    ``monitor pages-diff`` lists only the pages the figure is on). The full render runs below a hidden
    folder, which Quarto would skip if the build let it see the folder's name."""
    set_results(package, {("taalles", 2024, "asielstatushouders"): {"value": "78.5"}})
    incremental, full = tmp_path / "incremental", tmp_path / ".hidden" / "full"
    shutil.copytree(site_build, incremental)  # the previous build
    said: list[str] = []
    assert build_module.build(package, incremental, force=True, log=said.append)
    per_language = sum(page["lang"] == "nl" for page in json.loads((site_build / "site-pages.json").read_text()))
    assert any(f"of {per_language} pages (the others are unchanged)" in line for line in said), said
    assert build_module.build(package, full, force=True, log=lambda _: None)
    assert snapshot(incremental / "site") == snapshot(full / "site")
    page = (incremental / "site" / "indicatoren" / "taalles.html").read_text(encoding="utf-8")
    assert "78,5%" in page  # the changed figure is there
    sitemap = (full / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert set(re.findall(r"<lastmod>([^<]*)</lastmod>", sitemap)) == {"2026-11-28"}  # the package's date
    code, out, _ = run_cli("pages-diff", site_build, full, "--json")
    result = json.loads(out)
    assert code == 0 and result["compared"] == "site" and result["added"] == result["removed"] == []
    assert "indicatoren/taalles.html" in result["changed"] and len(result["changed"]) < 2 * per_language


@pytest.mark.parametrize(("found", "older"), [("1.6.40", True), ("1.9.9", True), ("1.10.18", False),
                                              ("1.11.2", False), ("2.0.1", False), ("99.0", False)])
def test_an_older_quarto_is_named_with_the_version_to_install(found, older):
    assert render.older_than_tested(found) == older
    if older:
        said = render.OLDER_HINT.format(found=found, tested="1.10")
        assert found in said and "1.10" in said
