"""The editors' checks where they work: a retired word or a link to no page is named by source file and line."""

from __future__ import annotations

import shutil

from helpers import FIXTURE

from pipeline import paths
from pipeline.model.package import load
from pipeline.validation import site_texts


def _content(tmp_path, nl: str, en: str = "Text.\n"):
    for lang, text in (("nl", nl), ("en", en)):
        (tmp_path / "content" / lang).mkdir(parents=True)
        (tmp_path / "content" / lang / "home.qmd").write_text(text, encoding="utf-8")
    return tmp_path / "content"


def _found(tmp_path, nl: str, en: str = "Text.\n") -> list[tuple]:
    summaries = shutil.copytree(paths.SUMMARIES, tmp_path / "summaries")
    problems = site_texts.check(load(FIXTURE), _content(tmp_path, nl, en), summaries)
    return [(p.file.rsplit("/", 3)[-2:], p.row, p.rule, p.message) for p in problems]


def test_a_retired_word_is_named_with_its_file_line_and_the_word_to_use(tmp_path):
    found = _found(tmp_path, "Welkom.\n\nDe statushouders in Utrecht.\n", "The status holders.\n")
    assert found == [(["nl", "home.qmd"], 3, "retired-word", '"statushouders" is no longer used on the site: '
                      'write "asielstatushouders"'),
                     (["en", "home.qmd"], 1, "retired-word", '"status holders" is no longer used on the site: '
                      'write "refugees with a residence permit"')]


def test_words_in_link_addresses_and_attributes_are_not_prose(tmp_path):
    assert _found(tmp_path, "[Rapport](https://example.org/editie-2025){lang=\"nl\"}.\n") == []


def test_a_link_to_no_page_is_named_and_a_link_to_a_page_is_not(tmp_path):
    text = ("Zie [taalles](indicatoren/taalles.html) en [het doel](doelen/taal.html#cijfers).\n"
            "Of [het rapport](rapportage-2025.html), [hier](/indicatoren/taalles.html) en [mail](mailto:a@b.nl).\n")
    found = _found(tmp_path, text, "See [the indicator](indicators/taalles.html) and [home](../index.html).\n")
    assert [(f[0][0], f[1], f[2], f[3].split('"')[1]) for f in found] == [
        ("nl", 2, "broken-link", "rapportage-2025.html"), ("nl", 2, "broken-link", "/indicatoren/taalles.html")]


def test_the_live_texts_pass():
    assert site_texts.check(load(FIXTURE)) == []
