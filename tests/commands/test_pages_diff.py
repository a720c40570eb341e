"""``monitor pages-diff``: the published pages two builds differ in, for the reviewer of a pull request."""

from __future__ import annotations

import json

import pytest
from helpers import edit_csv

from pipeline.build import build


@pytest.fixture
def two_builds(small, tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    build(small, old, force=True, log=lambda _: None, render=False)
    # One figure of one indicator changes; the accessibility statement and the colophon cannot.
    edit_csv(small, "results", lambda rows: next(r for r in rows if r["indicator_id"] == "taalles")
             .update(value="33"))
    build(small, new, force=True, log=lambda _: None, render=False)
    return old, new


def test_lists_the_pages_a_changed_figure_appears_on(two_builds, run_cli):
    code, out, _ = run_cli("pages-diff", *two_builds, "--json")
    result = json.loads(out)
    assert code == 0 and result["compared"] == "preview"  # no Quarto render in these builds
    assert "indicatoren/taalles.html" in result["changed"]
    assert "en/indicators/taalles.html" in result["changed"]
    assert not any(page.startswith(("toegankelijkheid", "colofon")) for page in result["changed"])
    assert "indicatoren/betaald-werk.html" not in result["changed"]
    assert result["added"] == result["removed"] == []


def test_the_same_build_twice_has_no_changed_page(small, tmp_path, run_cli):
    for name in ("a", "b"):
        build(small, tmp_path / name, force=True, log=lambda _: None, render=False)
    code, out, _ = run_cli("pages-diff", tmp_path / "a", tmp_path / "b")
    assert code == 0 and "No page changed." in out and "Other files changed, added or removed: 0." in out


def test_markdown_lists_the_changed_pages_as_text(two_builds, run_cli):
    from markdown_it import MarkdownIt

    code, out, _ = run_cli("pages-diff", "--markdown", *two_builds)
    html = MarkdownIt().render(out)  # as the job summary shows it
    assert code == 0 and "<strong>Pages changed</strong>" in html and "<li>indicatoren/taalles.html</li>" in html


def test_a_folder_that_is_not_a_build_is_refused(tmp_path, run_cli):
    (tmp_path / "other").mkdir()
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / ".monitor-output").write_text("")
    code, out, err = run_cli("pages-diff", tmp_path / "other", tmp_path / "build")
    assert code == 2 and out == "" and "not the output folder of 'monitor build'" in err


def test_frozen_versions_are_left_out_of_the_comparison(tmp_path, run_cli):
    """A build restored from a cache made before freezing moved out of the build still holds versies/: those
    pages are published as released, never built, so they are neither added nor removed."""
    for name, extra in (("old", True), ("new", False)):
        site = tmp_path / name / "site"
        (site / "versies" / "2025.1.1").mkdir(parents=True)
        (tmp_path / name / ".monitor-output").write_text("")
        (site / "index.html").write_text("<p>home</p>")
        if extra:
            (site / "versies" / "2025.1.1" / "index.html").write_text("<p>as released</p>")
    code, out, _ = run_cli("pages-diff", tmp_path / "old", tmp_path / "new", "--json")
    result = json.loads(out)
    assert code == 0 and result["removed"] == result["added"] == result["changed"] == []
    assert result["other_files_changed"] == 0
