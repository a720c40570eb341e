"""Property: hostile text in any text field of the package either stops the build cleanly or stays text.

Hypothesis puts HTML, Markdown, YAML, Quarto shortcodes, code fences, spreadsheet formulas, control
characters and very long text into every text column a reader sees, several texts at a time in one package,
builds it (without Quarto, which the lookalikes test adds), and checks every page, Quarto source, chart,
embed, CSV and XLSX.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from helpers import edit_csv, small_package
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sitecheck import front_matter, markdown_problems, own_script

from pipeline.build import build
from pipeline.errors import InvalidPackage
from pipeline.text.checks import SHORTCODE
from pipeline.text.escape import FORMULA_START, plain

# Fragments validation lets through: each example reaches the build (those it refuses, such as control
# characters, line breaks and shortcodes, have tests of their own in test_hostile_input.py and below).
FRAGMENTS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "```", "````{=html}", "---",
             "{{ x }}", "{%raw%}", "=cmd|' /C calc'!A0", "+1", "@SUM(A1)", "-2+3",
             "[x](javascript:alert(1))", "*b* _i_", "# kop", "key: value", "'", '"', "&amp;", "\\",
             "$x$", "<!--", "]]>", "<svg onload=alert(1)>", "x" * 300, "Ünïcödé €", "{", "}", "|", "<", ">"]
TEXT_COLUMNS = {"indicators": ["title_nl", "title_en", "definition_nl", "definition_en", "note_nl", "note_en",
                               "wording_nl", "wording_en"],
                "goals": ["title_nl", "title_en", "description_nl", "description_en"],
                "groups": ["label_nl", "label_en", "phrase_nl", "phrase_en"],
                "editions": ["title_nl", "title_en", "method_notes_nl", "method_notes_en"]}
JSON_LD = "application/ld+json"
LIVE_TAGS = {"script", "img", "iframe", "object", "embed", "form", "input", "link", "meta", "base"}

# Random text without the characters validation refuses (controls, format characters, line separators, and
# those beyond the first 65,536: emoji and rare Chinese characters).
_letters = st.text(st.characters(max_codepoint=0xFFFF, exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")),
                   max_size=4)
hostile = st.lists(st.sampled_from(FRAGMENTS) | _letters, min_size=1, max_size=5).map("".join).filter(
    lambda text: text != "" and text.strip() == text and not SHORTCODE.search(text))


class LiveMarkup(HTMLParser):
    """Collects what in a page could act: elements that load or run, event handlers, javascript: links."""

    def __init__(self) -> None:
        super().__init__()
        self.live: list[str] = []
        self.in_body = False

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.in_body = True
        own = (tag == "script" and own_script(self.get_starttag_text())) or _search_form(tag, dict(attrs))
        if self.in_body and tag in LIVE_TAGS and not own:
            self.live.append(tag)  # JSON-LD is data, never run: its text is checked below
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.live.append(f"{tag} {name}")


def _search_form(tag: str, attributes: dict) -> bool:
    """The frame's own search form (role search, sent to the site's search page) and its one text field."""
    if tag == "form":
        return attributes.get("role") == "search" and attributes.get("method") == "get" and \
            (attributes.get("action") or "").split("/")[-1] in ("zoeken.html", "search.html", "")
    return tag == "input" and attributes.get("type") == "search" and attributes.get("name") == "q"


def _fill(texts: list[str], table: str, start: int):
    """Every text column of ``table`` filled with the texts in turn (the first cell of the first table gets the
    first text), each made unique where labels must be."""
    def change(rows):
        cell = start
        for number, row in enumerate(rows):
            for column in TEXT_COLUMNS[table]:
                if column.startswith("wording") and not row.get("wording_kind"):
                    continue  # a wording needs its kind and source; those rows have none
                row[column] = f"{texts[cell % len(texts)]} {table}{number}{column}"
                cell += 1
    return change


def _build_with(root: Path, texts: list[str], render: bool = False) -> Path:
    """The small package (one indicator per goal, every kind of page) with ``texts`` in every text column."""
    package = small_package(root / "pkg")
    for number, table in enumerate(TEXT_COLUMNS):
        edit_csv(package, table, _fill(texts, table, number * len(texts)))
    out = root / "out"
    build(package, out, force=True, log=lambda _: None, render=render)
    return out


# Derandomized: the same examples on every run and machine, so a failure is reproducible and never a fluke.
# Each example puts ten texts into one package, so four builds try forty.
@settings(max_examples=4, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(texts=st.lists(hostile, min_size=10, max_size=10))
def test_hostile_text_never_becomes_live(tmp_path_factory, texts):
    try:
        out = _build_with(tmp_path_factory.mktemp("prop"), texts)
    except InvalidPackage as exc:  # every example is text validation accepts: it must reach the build
        pytest.fail(f"validation refused one of {texts!r}: {exc.report.to_text()[:500]}")
    _assert_inert(out, texts[0])


# Text that looks like markup, a fence or a formula but breaks no rule: it must build, and stay text.
LOOKALIKES = ['"><img src=x onerror=alert(1)> ```` [x](javascript:alert(1)) <svg onload=x> '
              '<script>alert(2)</script> *b*',
              "=cmd|' /C calc'!A0 @SUM(A1) *b* # kop: waarde & <!-- ]]> $x$ \\ |"]


def test_markup_lookalikes_build_and_stay_text(tmp_path):
    """In every output; with Quarto also in the rendered site (``_assert_rendered_inert``)."""
    rendered = shutil.which("quarto") is not None
    out = _build_with(tmp_path, LOOKALIKES, render=rendered)
    _assert_inert(out, LOOKALIKES[0])
    if rendered:
        _assert_rendered_inert(out, LOOKALIKES[0])


def _assert_inert(out: Path, text: str) -> None:
    """Nothing in the build can act, and ``text`` (the first cell's) is an indicator's title, as text."""
    for page in [*(out / "preview").rglob("*.html"), *(out / "embed").rglob("*.html")]:
        parser = LiveMarkup()
        content = page.read_text(encoding="utf-8")
        parser.feed(content)
        assert parser.live == [], (page, parser.live)
        for block in re.findall(rf'<script type="{JSON_LD}">(.*?)</script>', content, re.S):
            assert "<" not in block and json.loads(block)["@type"] == "Dataset", page
    for svg in (out / "charts").rglob("*.svg"):
        parser = LiveMarkup()
        parser.in_body = True
        parser.feed(svg.read_text(encoding="utf-8"))
        assert parser.live == [], svg
    for source in [*(out / "quarto").rglob("*.qmd"), *(out / "quarto").rglob("_quarto.yml")]:
        content = source.read_text(encoding="utf-8")
        assert "{{<" not in content and "{{%" not in content, source
        if source.suffix == ".qmd":
            assert markdown_problems(content) == [], source
            title = yaml.safe_load(front_matter(source))["title"]
            assert re.sub(r"\\(.)", r"\1", title) == plain(re.sub(r"\\(.)", r"\1", title))  # one plain line
    for table in (out / "data").rglob("*.csv"):
        with table.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle):
                assert not any(cell.startswith(FORMULA_START) and not _is_number(cell) for cell in row), table
    for workbook in (out / "data").rglob("*.xlsx"):
        for sheet in load_workbook(workbook).worksheets:
            assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row), workbook
    # and the text is there, as text: the first indicator's title is the hostile text, made one line
    headings = [_unescape(re.search(r"<h1>(.*?)</h1>", page.read_text(encoding="utf-8"), re.S).group(1))
                for page in (out / "preview" / "indicatoren").glob("*.html")]
    assert any(plain(text) in heading for heading in headings) or len(plain(text)) > 200, headings


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _unescape(html_text: str) -> str:
    import html

    return html.unescape(html_text)


@pytest.mark.parametrize("text", ["{{< env HOME >}}", "{{% include /etc/passwd %}}"])
def test_shortcodes_are_rejected_with_their_place(package, run_cli, text):
    edit_csv(package, "indicators", lambda rows: rows[0].update(title_en=text))
    code, out, _ = run_cli("validate", package)
    assert code == 1 and 'data/indicators.csv, row 2, field "title_en"' in out and "[shortcode]" in out


class RenderedLive(LiveMarkup):
    """In a rendered page the search page's own scripts are expected; what the data put there is not. A JSON-LD
    block holds the data's texts as data (never run; ``<`` written as ``\\u003c``, so it cannot end the block)."""

    def __init__(self) -> None:
        super().__init__()
        self.script = self.data_block = False

    def handle_starttag(self, tag, attrs):
        kind = (dict(attrs).get("type") or "text/javascript").lower()
        self.script = tag == "script" and kind in ("text/javascript", "module", "application/javascript")
        if tag == "script" and kind == "application/ld+json":
            self.data_block = True
        for name, value in attrs:  # an event handler or javascript: address from the data would call alert
            if (name.startswith("on") and "alert(" in (value or "")) or \
                    (value or "").strip().lower().startswith("javascript:"):
                self.live.append(f"{tag} {name}")
        if tag in {"img", "iframe", "object", "embed"}:
            self.live.append(tag)

    def handle_data(self, data):
        if self.script and "alert(" in data:
            self.live.append("script from the data")
        if self.data_block and "<" in data:
            self.live.append("markup inside a JSON-LD block")
        self.data_block = False


def _assert_rendered_inert(out: Path, text: str) -> None:
    """Quarto's pages hold nothing the data could run, and ``text`` (every Dutch title's) is an indicator's
    heading, as text."""
    pages = [p for p in (out / "site").rglob("*.html") if not p.name.endswith(".iframe.html")]  # snippets
    assert len(pages) > 30
    for page in pages:
        parser = RenderedLive()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.live == [], (page, parser.live)
    title = re.search(r'<h1>(.*?)</h1>', (out / "site" / "index.html").read_text(encoding="utf-8"))
    indicator = next((out / "site" / "indicatoren").glob("*.html")).read_text(encoding="utf-8")
    heading = re.search(r'<h1>(.*?)</h1>', indicator, re.S).group(1)
    assert title and plain(text) in _unescape(heading)
