"""The render stage: an empty or partial site is never published, whatever Quarto does.

A stand-in ``quarto`` on the PATH plays a Quarto that renders too little, so these run without Quarto;
one test with the real Quarto proves a build below a hidden folder still renders every page.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest
from test_build import snapshot

from pipeline import build as build_module
from pipeline.quarto import missing_pages


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


def test_a_site_missing_pages_fails_the_build_and_keeps_the_previous_output(package, tmp_path, monkeypatch, run_cli):
    out = tmp_path / "out"
    assert run_cli("build", "--package", package, "--out", out, "--no-render")[0] == 0
    before = snapshot(out)
    pages = len(json.loads((out / "site-pages.json").read_text(encoding="utf-8")))
    fake_quarto(tmp_path / "bin", "index.qmd")  # Quarto renders the home page only
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")
    code, _, err = run_cli("build", "--package", package, "--out", out, "--force")
    assert code == 3
    assert f"Quarto rendered 2 of {pages} pages" in err and "indicatoren/betaald-werk.html (not rendered)" in err
    assert snapshot(out) == before


def test_every_page_rendered_lets_the_build_succeed(package, tmp_path, monkeypatch):
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


def test_check_site_command(tmp_path, run_cli):
    code, _, err = run_cli("check-site", "--out", tmp_path)
    assert code == 3 and "holds no rendered site" in err
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<main>Welkom</main>", encoding="utf-8")
    (tmp_path / "site-pages.json").write_text(json.dumps([{"path": "index.html"}, {"path": "en/index.html"}]))
    code, out, err = run_cli("check-site", "--out", tmp_path)
    assert code == 3 and "en/index.html (not rendered)" in err and "1 of 2 pages" in out


@pytest.mark.quarto
@pytest.mark.skipif(shutil.which("quarto") is None, reason="needs Quarto (installed by the GitHub workflow)")
def test_a_build_below_a_hidden_folder_still_renders_every_page(package, tmp_path):
    out = tmp_path / ".hidden" / "build"
    assert build_module.build(package, out, force=True, log=lambda _: None)
    manifest = json.loads((out / "site-pages.json").read_text(encoding="utf-8"))
    assert manifest and missing_pages(out / "site", manifest) == []
