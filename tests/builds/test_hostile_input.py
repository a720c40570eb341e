"""Hostile input and careless hands: one test per class of attack or accident.

Every case either stops with a message that names the file (and row and field where there is one), or
builds a site in which the hostile text is only text. Nothing runs, nothing is fetched, nothing is deleted.
"""

from __future__ import annotations

import html
import json
import os
import socket
import zipfile
from pathlib import Path

import pytest
import yaml
from helpers import NEEDS_QUARTO, edit_csv, edit_descriptor, problems, small_package
from openpyxl import load_workbook
from sitecheck import front_matter, markdown_problems, own_script

from pipeline import build as build_module
from pipeline.text.escape import fence, markdown
from pipeline.text.escape import front_matter as front_matter_text

SCRIPT = 'x"><script>alert(1)</script>'


def where(found: list[dict]) -> list[list]:
    return [[p["file"], p["row"], p["field"], p["rule"]] for p in found]


# ---- messages, not tracebacks ------------------------------------------------------------------------

@pytest.mark.parametrize(("cell", "rule"), [
    ("taalles\n", "line-break"),
    (" taalles", "stray-space"),
    ("taal\x00les", "control-character"),
])
def test_an_id_with_a_stray_character_is_named(package, run_cli, cell, rule):
    edit_csv(package, "results", lambda rows: rows[0].update(indicator_id=cell))
    assert ["data/results.csv", 2, "indicator_id", rule] in where(problems(run_cli, package))


@pytest.mark.parametrize("label", ["refugees \U0001F600", "\U00027CEB" * 30])
def test_an_emoji_or_rare_character_is_named_before_a_chart_cannot_be_drawn(package, run_cli, label):
    """Vega shortens a long label by halves of such a character, and vl-convert then fails to draw it."""
    edit_csv(package, "groups", lambda rows: rows[0].update(label_en=label))
    assert ["data/groups.csv", 2, "label_en", "rare-character"] in where(problems(run_cli, package))


@pytest.mark.parametrize(("field", "cell", "rule"), [
    ("value", "inf", "not-a-plain-number"),
    ("value", "NaN", "not-a-plain-number"),
    ("value", "1.234,5", "not-a-plain-number"),
    ("n", "3.064", "not-a-count"),
])
def test_numbers_written_oddly_are_rejected(package, run_cli, field, cell, rule):
    edit_csv(package, "results", lambda rows: rows[0].update(**{field: cell}))
    found = where(problems(run_cli, package))
    assert any(f[:3] == ["data/results.csv", 2, field] for f in found), found


def test_a_huge_count_is_rejected_with_its_place(package, run_cli):
    edit_csv(package, "results", lambda rows: rows[0].update(n="1" + "0" * 30))
    found = where(problems(run_cli, package))
    assert any(f[:3] == ["data/results.csv", 2, "n"] for f in found), found


@pytest.mark.parametrize("label", ["asielstatushouders", "   "])
def test_duplicate_or_blank_group_labels_are_rejected(package, run_cli, label):
    def change(rows):
        rows[1]["label_nl"] = label

    edit_csv(package, "groups", change)
    found = where(problems(run_cli, package))
    assert any(f[:3] == ["data/groups.csv", 3, "label_nl"] for f in found), found


@pytest.mark.parametrize(("change", "words"), [
    (lambda d: d["resources"][0].update(path=["data/goals.csv", "data/goals.csv"]), "a list of paths"),
    (lambda d: d["resources"][0].update(schema="goals.schema.json"), "schema must be written in the descriptor"),
    (lambda d: d["resources"][0].update(data=[["goal_id"], ["x"]]), "inline data is not supported"),
    (lambda d: d.pop("version"), 'the key "version" is missing'),
    (lambda d: d.update(homepage="javascript:alert(1)"), '"homepage" must be a web address'),
    (lambda d: d["resources"][4].update(dialect={"delimiter": ";"}), 'the dialect setting "delimiter"'),
    (lambda d: d["resources"][4]["schema"]["fields"][7].update(trueValues=["ja"]), 'the setting "trueValues"'),
    (lambda d: d["resources"][0].update(encoding="latin-1"), 'the encoding "latin-1"'),
])
def test_descriptor_settings_the_pipeline_cannot_honour_are_named(package, run_cli, change, words):
    edit_descriptor(package, change)
    found = problems(run_cli, package)
    assert found[0]["file"] == "datapackage.json" and words in found[0]["message"], found


def test_a_build_with_a_broken_descriptor_stops_without_a_traceback(package, tmp_path, run_cli):
    edit_descriptor(package, lambda d: d["resources"][0].update(path=["a.csv"]))
    code, out, err = run_cli("build", "--package", package, "--out", tmp_path / "out", "--no-render")
    assert code == 1 and "a list of paths" in err and "Traceback" not in out + err
    assert not (tmp_path / "out").exists()


# ---- one reading of the data -------------------------------------------------------------------------

def test_a_semicolon_file_is_rejected_not_published_empty(package, run_cli):
    path = package.parent / "data" / "context.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    found = problems(run_cli, package)
    assert {p["file"] for p in found} == {"data/context.csv"}


def test_suppressed_written_as_ja_is_rejected(package, run_cli):
    edit_csv(package, "results", lambda rows: rows[0].update(suppressed="ja"))
    assert ["data/results.csv", 2, "suppressed", "type-error"] in where(problems(run_cli, package))


def test_validated_rows_equal_the_rows_the_pipeline_reads(package):
    """The invariant behind 'one reading': for every resource, frictionless's rows are the pipeline's rows."""
    from pipeline.model.package import load
    from pipeline.validation import frictionless_package

    path = package.parent / "data" / "results.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # Excel's 'CSV UTF-8' writes a byte-order mark
    pkg = load(package)
    read = frictionless_package(package, pkg.descriptor)
    for resource in pkg.descriptor["resources"]:
        validated = read.get_resource(resource["name"]).read_rows()
        frame = pkg[resource["name"]]
        assert len(validated) == len(frame), resource["name"]
        for row, (_, ours) in zip(validated, frame.iterrows(), strict=True):
            assert {name: _plain(value) for name, value in row.items()} == \
                {name: _plain(ours[name]) for name in row}, resource["name"]


def _plain(value: object) -> object:
    """One comparable form for a frictionless cell and a pandas cell: None, bool, float or text."""
    import datetime
    import decimal

    import pandas as pd

    if isinstance(value, str):
        return value or None
    if value is None or pd.isna(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | decimal.Decimal):
        return float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"unexpected cell {value!r}")


# ---- escaping by context -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile_build(built) -> Path:
    """The frozen package with script, Markdown, YAML, fences and formulas in titles, notes and labels."""
    return built("hostile")


def test_no_hostile_markup_is_live_in_any_page(hostile_build):
    from html.parser import HTMLParser

    class Tags(HTMLParser):
        def __init__(self):
            super().__init__()
            self.bad: list[str] = []

        def handle_starttag(self, tag, attrs):
            own = tag == "script" and own_script(self.get_starttag_text())  # JSON-LD, or the search page's file
            if (tag in {"script", "img", "b"} and not own) or any(name.startswith("on") for name, _ in attrs):
                self.bad.append(tag)
            if any(value and value.strip().lower().startswith("javascript:") for _, value in attrs):
                self.bad.append(f"{tag} javascript:")

    pages = [*(hostile_build / "preview").rglob("*.html"), *(hostile_build / "embed").rglob("*.html")]
    assert pages
    for page in pages:
        parser = Tags()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.bad == [], page


def test_quarto_sources_keep_hostile_text_as_text(hostile_build):
    sources = list((hostile_build / "quarto").rglob("*.qmd"))
    assert sources
    for qmd in sources:
        text = qmd.read_text(encoding="utf-8")
        meta = yaml.safe_load(front_matter(qmd))
        assert "{{<" not in text and markdown_problems(text) == [], qmd
        assert "<" not in meta["title"].replace("\\<", "")
    home = yaml.safe_load(front_matter(hostile_build / "quarto" / "nl" / "index.qmd"))
    header = home["include-before-body"]["text"]  # HTML, escaped as HTML: the goals menu holds the text
    assert html.escape("Werk: [link](javascript:alert(1)) <b>x</b>", quote=False) in header
    assert "<b>x</b>" not in header and 'href="javascript' not in header


def test_markdown_escaping_gives_back_the_text():
    hostile = "x\"><script>*a* _b_ [c](d) `e` # f {g} | h \\ i"
    escaped = markdown(hostile)
    assert all(ch not in escaped.replace("\\" + ch, "") for ch in "<>*`[]")
    assert fence("a ``` b ```` c") == "`````" and fence("plain") == "```"


@NEEDS_QUARTO
def test_a_shortcode_that_reached_front_matter_stays_text(tmp_path, monkeypatch):
    """Validation refuses shortcodes in every text; should one slip through, the front matter still holds it as
    text. Quarto evaluates shortcodes there even when escaped as Markdown or written as character references."""
    import subprocess

    monkeypatch.setenv("RT_CANARY", "leaked-canary")
    (tmp_path / "_quarto.yml").write_text("project:\n  type: website\nwebsite:\n  title: t\nformat: html\n")
    hostile = "Titel {{< env RT_CANARY >}} en {{< meta title >}}"
    front = yaml.safe_dump({"title": front_matter_text(hostile), "description": front_matter_text(hostile)})
    (tmp_path / "index.qmd").write_text(f"---\n{front}---\n\nTekst\n", encoding="utf-8")
    subprocess.run(["quarto", "render", str(tmp_path), "--quiet"], check=True, capture_output=True)
    page = (tmp_path / "_site" / "index.html").read_text(encoding="utf-8")
    assert "leaked-canary" not in page and html.escape(hostile, quote=False) in page


def test_downloads_hold_no_live_formula(hostile_build):
    data = hostile_build / "data"
    for workbook in data.rglob("*.xlsx"):
        for sheet in load_workbook(workbook).worksheets:
            formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
            assert formulas == [], workbook
    for table in data.rglob("*.csv"):
        import csv

        for row in csv.reader(table.open(encoding="utf-8-sig")):
            assert not any(cell[:1] in {"=", "+", "@"} for cell in row), (table, row)
    from pipeline.model.package import load
    from pipeline.model.publication import ALL

    workbook = data / ALL.file(load(hostile_build.parent / "pkg" / "datapackage.json"), "xlsx_en")
    cells = {c.value for row in load_workbook(workbook)["data"].iter_rows() for c in row}
    assert '=HYPERLINK("https://evil.example","klik")' in cells  # kept as text, exactly


# ---- a build folder that is safe to use --------------------------------------------------------------

@pytest.mark.parametrize("target", ["data", ".", "..", "pipeline-copy"])
def test_build_refuses_folders_it_did_not_make(package, run_cli, target):
    root = package.parent
    (root / "pipeline-copy").mkdir()
    (root / "pipeline-copy" / "keep.txt").write_text("mine")
    before = sorted(p.relative_to(root.parent) for p in root.parent.rglob("*"))
    code, _, err = run_cli("build", "--package", package, "--out", root / target, "--no-render")
    assert code == 2 and ("refusing" in err or "was not made by 'monitor build'" in err)
    assert sorted(p.relative_to(root.parent) for p in root.parent.rglob("*")) == before


def test_a_second_build_into_the_same_folder_waits_its_turn(small, tmp_path, run_cli):
    import fcntl

    out = tmp_path / "out"
    with (tmp_path / ".out.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        code, _, err = run_cli("build", "--package", small, "--out", out, "--no-render")
    assert code == 2 and "another 'monitor build' is writing this folder" in err
    assert not out.exists()
    assert run_cli("build", "--package", small, "--out", out, "--no-render")[0] == 0


def test_a_damaged_chart_cache_is_rendered_again(tmp_path, monkeypatch):
    package, cache = small_package(tmp_path / "pkg"), tmp_path / "cache"
    monkeypatch.setenv("MONITOR_CACHE", str(cache))
    build_module.build(package, tmp_path / "one", log=lambda _: None, render=False)
    entries = [p for p in (cache / "charts").iterdir() if not p.name.startswith(".")]
    assert entries
    for entry in entries:
        entry.write_bytes(entry.read_bytes()[:100])  # truncated, as by a full disk
    build_module.build(package, tmp_path / "two", log=lambda _: None, render=False)
    one = sorted((tmp_path / "one" / "charts").rglob("*.png"))
    assert one and all((tmp_path / "two" / p.relative_to(tmp_path / "one")).read_bytes() == p.read_bytes()
                       for p in one)


# ---- the package's boundary --------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["https://evil.example/results.csv", "../secrets.csv", ".git/config",
                                  "/etc/passwd", "data/.hidden.csv"])
def test_resources_stay_inside_the_package(package, run_cli, monkeypatch, path):
    def no_network(*args, **kwargs):
        raise AssertionError("validation tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    edit_descriptor(package, lambda d: d["resources"][4].update(path=path))
    found = problems(run_cli, package)
    assert found[0]["file"] == "datapackage.json" and '"results"' in found[0]["message"], found


def test_a_symlink_out_of_the_package_is_rejected_and_never_zipped(package, tmp_path, run_cli):
    secret = tmp_path / "secret.csv"
    secret.write_text("not for publication\n")
    link = package.parent / "data" / "context.csv"
    link.unlink()
    os.symlink(secret, link)
    found = problems(run_cli, package)
    assert "link to a file outside the package folder" in found[0]["message"]


def test_the_zip_holds_only_the_declared_resources(tmp_path):
    package = small_package(tmp_path / "pkg")
    (package.parent / "data" / "notes-not-declared.csv").write_text("a\n1\n")
    out = tmp_path / "out"
    build_module.build(package, out, log=lambda _: None, render=False)
    archive = next((out / "data").glob("*.zip"))
    declared = {r["path"] for r in json.loads(package.read_text())["resources"]} | {"datapackage.json"}
    assert set(zipfile.ZipFile(archive).namelist()) == declared
