"""Pages: one module and one Markdown template per kind, writer-editable texts, one reader for the preview."""

from __future__ import annotations

import ast
import re
import shutil

import pytest
from helpers import FIXTURE, ROOT

from pipeline.build import build
from pipeline.engine import workers
from pipeline.model import addresses
from pipeline.stages import preview
from pipeline.stages.views import site as site_module

SHARED_MODULES = {"__init__", "site"}
SHARED_TEMPLATES = {"page", "components"}
TAG = re.compile(r"<(a|p|div|span|table|t[rdh]|ul|ol|li|h[1-6]|script|iframe|meta|link|br|strong|figure|svg|title|desc)"
                 r"[\s>/{]")


def test_each_kind_of_page_is_one_module_and_one_template():
    kinds = addresses.kinds()
    assert {"home", "goal", "indicator", "prose"} <= kinds
    modules = {p.stem for p in (ROOT / "pipeline" / "stages" / "views").glob("*.py")}
    templates = {p.stem for p in (ROOT / "pipeline" / "stages" / "pages" / "templates").glob("*.qmd")}
    assert modules - SHARED_MODULES == kinds
    assert templates - SHARED_TEMPLATES == kinds
    for kind in kinds:
        source = (ROOT / "pipeline" / "stages" / "views" / f"{kind}.py").read_text(encoding="utf-8")
        assert "def view(site: SiteData, page: Page) -> dict:" in source, kind


def _strings_outside_docstrings(tree: ast.AST):
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def test_no_html_is_written_in_python():
    found = []
    for module in (ROOT / "pipeline").rglob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        found += [f"{module.relative_to(ROOT)}:{line}" for line, text in _strings_outside_docstrings(tree)
                  if TAG.search(text)]
    assert found == []


def test_the_preview_reads_the_pandoc_markdown_the_pages_use():
    html = preview.reader().render(
        '::: {.utrecht-alert .utrecht-alert--info role="note"}\n'
        'Een \\<b\\>vette\\</b\\> \\[link\\]\\(javascript:x\\)\n:::\n\n'
        "## Downloads {#downloads}\n\nTerm\n:   Uitleg\n\n[tekst]{.muted} [bestand](a.csv){download=\"\"}\n\n"
        "```{=html}\n<table><tr><th scope=\"row\">1</th></tr></table>\n```\n")
    assert '<div class="utrecht-alert utrecht-alert--info" role="note">' in html
    assert "Een &lt;b&gt;vette&lt;/b&gt; [link](javascript:x)" in html  # escaped text stays text
    assert '<h2 id="downloads">Downloads</h2>' in html
    assert "<dt>Term</dt>" in html and "<dd>Uitleg</dd>" in html
    assert '<span class="muted">tekst</span>' in html and '<a href="a.csv" download="">bestand</a>' in html
    assert '<table><tr><th scope="row">1</th></tr></table>' in html


@pytest.fixture
def edited_content(tmp_path, monkeypatch):
    """A copy of the writers' texts in which 'about the research' got a new paragraph and list."""
    content = tmp_path / "content"
    shutil.copytree(site_module.CONTENT, content)
    added = {"nl": "Een **nieuwe alinea** van de redactie.\n\n- eerste punt\n- tweede punt\n",
             "en": "A **new paragraph** by the editors.\n\n- first point\n- second point\n"}
    for lang, text in added.items():
        with (content / lang / "method.qmd").open("a", encoding="utf-8") as handle:
            handle.write("\n" + text)
    monkeypatch.setattr(site_module, "CONTENT", content)
    # Spawned workers would read the real texts, not this patched copy: build in this process only.
    # (A writer edits site/content/ itself, which every worker reads; tests/test_build.py shows that a
    # build on one core and on two make the same files.)
    monkeypatch.setattr(workers.os, "cpu_count", lambda: 1)
    return {"nl": ("<strong>nieuwe alinea</strong>", "<li>tweede punt</li>"),
            "en": ("<strong>new paragraph</strong>", "<li>second point</li>")}


def test_a_writer_changes_one_markdown_file_and_sees_it_on_the_site(site_build, tmp_path, edited_content):
    out = tmp_path / "build"
    shutil.copytree(site_build, out)  # the previous build: Quarto renders only the page that changed
    build(FIXTURE, out, force=True, log=lambda _: None, render=shutil.which("quarto") is not None)
    sites = [out / "preview"] + ([out / "site"] if shutil.which("quarto") else [])
    for site in sites:
        for lang in ("nl", "en"):
            page = (site / addresses.path(lang, "method")).read_text(encoding="utf-8")
            for expected in edited_content[lang]:
                assert expected in page, (site.name, lang, expected)
