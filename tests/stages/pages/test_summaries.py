"""The summaries in the questionnaire's languages: translators' files complete and alike, short sentences,
the current figures in each language's own way of writing numbers, each page in its script and direction."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from helpers import FIXTURE, NEEDS_QUARTO

from pipeline.errors import SummaryError
from pipeline.model import summaries
from pipeline.model.indicators import build_table
from pipeline.model.package import load
from pipeline.model.publication import package_date
from pipeline.stages.pages.frame import footer_date
from pipeline.validation.summaries import check_all

LANGUAGES = summaries.languages()
TAGS = {"nl": "nl", "en": "en", "ar": "ar", "fa": "fa", "prs": "fa-AF", "ti": "ti", "tr": "tr"}
RIGHT_TO_LEFT = {"ar", "fa", "prs"}
# The texts a reader reads as sentences (names and labels are not sentences).
PROSE = ("why", "figures_intro", "unknown_size", "next", "contact", "unchecked")


def _keys(value: object, prefix: str = "") -> set[str]:
    if isinstance(value, dict):
        return {k for key, inner in value.items() for k in {prefix + key} | _keys(inner, prefix + key + ".")}
    return set()


def _texts(value: object, prefix: str = "") -> dict[str, str]:
    if isinstance(value, dict):
        return {k: v for key, inner in value.items() for k, v in _texts(inner, prefix + key + ".").items()}
    return {prefix.rstrip("."): value} if isinstance(value, str) else {}


def test_there_is_a_summary_in_every_language_of_the_questionnaire_plus_plain_dutch_and_english():
    assert {file: words["language"]["tag"] for file, words in LANGUAGES.items()} == TAGS
    for file, words in LANGUAGES.items():
        assert words["language"]["dir"] == ("rtl" if file in RIGHT_TO_LEFT else "ltr"), file


def test_every_language_has_every_key_of_the_dutch_source():
    source = LANGUAGES["nl"]
    for file, words in LANGUAGES.items():
        assert _keys(words) == _keys(source), file


@pytest.fixture
def summary_copy(tmp_path, monkeypatch):
    """The summaries in a folder of their own, which a test may break; the build reads them from there."""
    import shutil

    folder = shutil.copytree(summaries.FOLDER, tmp_path / "summaries")
    monkeypatch.setattr(summaries, "FOLDER", folder)
    summaries.languages.cache_clear()
    summaries.contact.cache_clear()
    yield folder
    summaries.languages.cache_clear()
    summaries.contact.cache_clear()


NINE_ALIASES = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(8))


@pytest.mark.parametrize(("edit", "key", "words"), [
    (lambda t: t.replace('title: "', 'title: "{{< env RT_CANARY >}} '), "title", "shortcode"),
    (lambda t: t.replace('asielstatushouders: "', 'asielstatushouders: "\u202e'), "groups.asielstatushouders",
     "direction"),
    (lambda t: t.replace('skip: "İçeriğe geç"', "skip: [lol, lol]"), "skip", "must be a text"),
    (lambda t: t.replace('measured: "{year}', 'measured: "{year:>999999999}'), "measured", "exactly {year}"),
    (lambda t: t.replace('measured: "{year}', 'measured: "{jaar}'), "measured", "exactly {year}"),
    (lambda t: re.sub(r"^contact: .*\n", "", t, flags=re.M), "contact", "is missing"),
    (lambda t: t.replace("next: >-", "next: ''\nwas_next: >-"), "next", "is empty"),
    (lambda t: t.replace('checked_by: ""\n  checked_on: ""', 'checked_by: "S. El Amrani"\n  checked_on: "6-12-2026"'),
     "translation.checked_on", "YYYY-MM-DD"),
    (lambda t: t.replace("tag: tr,", 'tag: "../../x",'), "language", "a tag such as fa-AF"),
    (lambda t: NINE_ALIASES + t, "alias", "write the text out in full"),
])
def test_a_translators_mistake_or_trick_is_refused_naming_file_and_key(summary_copy, package, tmp_path, run_cli,
                                                                       monkeypatch, edit, key, words):
    path = summary_copy / "tr.yaml"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(SummaryError, match=re.escape(str(path))) as raised:
        check_all()
    assert words in str(raised.value) and (key in str(raised.value) or key == "alias")
    monkeypatch.setenv("RT_CANARY", "leaked-canary")
    monkeypatch.setenv("MONITOR_CACHE", str(tmp_path / "cache"))
    code, _, err = run_cli("build", "--package", package, "--out", tmp_path / "out", "--no-render")
    assert code == 1 and "tr.yaml" in err and "internal error" not in err and not (tmp_path / "out").exists()


def test_every_topic_goal_and_group_of_the_frozen_package_has_a_name_in_every_language():
    pkg = load(FIXTURE)
    table = build_table(pkg)
    shown = {t.indicator_id for goal in pkg["goals"]["goal_id"] for t in summaries.topics(table, goal)}
    main = set(pkg["groups"].loc[pkg["groups"]["role"] == "main", "group_id"])
    for file, words in LANGUAGES.items():
        assert shown <= set(words["indicators"]), file
        assert set(pkg["goals"]["goal_id"]) <= set(words["goals"]) and main <= set(words["groups"]), file


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?؟።])\s+|\n", text.strip()) if s.strip()]


@pytest.mark.parametrize("file", list(LANGUAGES))
def test_sentences_are_short(file):
    words = LANGUAGES[file]
    sentences = [s for key in PROSE for s in _sentences(words[key])]
    lengths = [len(s.split()) for s in sentences]
    assert max(lengths) <= 25, max(zip(lengths, sentences, strict=True))
    assert sum(lengths) / len(lengths) <= 15, (file, sum(lengths) / len(lengths))
    for sentence in sentences:  # no statistics words, no percentage points
        assert not re.search(r"procentpunt|percentage point|significan|interval|respondent|steekproef|sample",
                             sentence, re.I), sentence


def test_the_dutch_summary_reads_at_b1():
    import textstat

    textstat.set_lang("nl")
    text = " ".join(LANGUAGES["nl"][key] for key in PROSE)
    assert textstat.flesch_reading_ease(text) >= 60  # Flesch–Douma: 60 and above is plain (B1) Dutch


def test_numbers_are_written_the_languages_own_way():
    assert summaries.percent(45.5, "nl") == "45,5%" and summaries.percent(45.5, "en") == "45.5%"
    assert summaries.percent(14, "tr") == "%14"
    assert summaries.percent(14, "fa") == "۱۴٪" and summaries.year(2025, "fa-AF") == "۲۰۲۵"


def test_an_unchecked_translation_is_flagged_and_a_checked_one_is_not():
    words = dict(LANGUAGES["tr"])
    assert not summaries.checked(words)
    words["translation"] = {**words["translation"], "checked_by": "A. Vertaler", "checked_on": "2026-12-01"}
    assert summaries.checked(words)


def test_a_translation_marked_checked_as_documented_says_who_checked_it_and_when(summary_copy, small, tmp_path,
                                                                                run_cli, monkeypatch):
    """site/summaries/README.md's step for the translator: the notice goes, the name and date appear."""
    path = summary_copy / "tr.yaml"
    text = path.read_text(encoding="utf-8")
    assert 'checked_by: ""\n  checked_on: ""' in text
    path.write_text(text.replace('checked_by: ""\n  checked_on: ""',
                                 'checked_by: "Ayşe Çevirmen"\n  checked_on: "2026-12-06"'), encoding="utf-8")
    monkeypatch.setenv("MONITOR_CACHE", str(tmp_path / "cache"))
    code, _, err = run_cli("build", "--package", small, "--out", tmp_path / "out", "--no-render")
    assert code == 0, err
    page = _text((tmp_path / "out" / "preview" / summaries.path("tr")).read_text(encoding="utf-8"))
    words = summaries.languages()["tr"]
    assert words["unchecked"] not in page and words["unchecked_nl"] not in page
    assert "Ayşe Çevirmen" in page and "6 december 2026" in page


def _text(page: str) -> str:
    main = page[page.index("<main"):page.index("</main>")]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", main)))


@pytest.fixture(scope="module")
def preview(site_build) -> Path:
    return site_build / "preview"


@pytest.mark.parametrize("file", list(LANGUAGES))
def test_each_summary_is_in_its_language_and_direction_with_the_current_figures(preview, file):
    words = LANGUAGES[file]
    tag = words["language"]["tag"]
    page = (preview / summaries.path(file)).read_text(encoding="utf-8")
    assert f'<html lang="{tag}" dir="{words["language"]["dir"]}"' in page
    script = words["language"]["script"]
    assert (f"assets/fonts-{script}.css" in page) == (script != "latn")  # the script's font, only where needed
    text = _text(page)
    pkg = load(FIXTURE)
    table = build_table(pkg)
    for goal in pkg["goals"]["goal_id"]:
        for topic in summaries.topics(table, goal):
            assert words["indicators"][topic.indicator_id] in text
            for group, value in topic.groups:
                assert f"{words['groups'][group]}: {summaries.percent(value, tag)}" in text, (file, topic)
    website = summaries.contact()["website"]  # a link, kept left to right on a right-to-left page
    assert re.search(rf'<a href="{re.escape(website)}" dir="ltr">[^<]+</a>', page), file
    unchecked = file != "nl" and not summaries.checked(words)  # the Dutch source is never called unchecked
    assert (words["unchecked"] in text) == unchecked and (words["unchecked_nl"] in text) == unchecked
    if unchecked:
        assert 'lang="nl"' in page  # the Dutch notice is marked as Dutch
    for other_words in LANGUAGES.values():
        assert f'hreflang="{other_words["language"]["tag"]}" href="' in page  # alternates
        assert other_words["language"]["name"] in page
    # The footer speaks the page's language too, with the date as that language writes it.
    footer = page[page.index("<footer"):page.index("</footer>")]
    assert "lang=" not in footer and footer_date(package_date(pkg).date(), str(tag)) in footer, file


@pytest.mark.parametrize("home", ["index.html", "en/index.html"])
def test_both_home_pages_link_to_every_summary_by_its_own_name(preview, home):
    page = (preview / home).read_text(encoding="utf-8")
    for file, words in LANGUAGES.items():
        tag = words["language"]["tag"]
        link = re.search(rf'<a href="[^"]*samenvatting/{file}\.html"[^>]*>', page)
        assert link and f'hreflang="{tag}"' in link.group(0) and f'lang="{tag}"' in link.group(0), file
        assert words["language"]["name"] in page


# One summary per script and direction: the others differ in words only (every summary is checked at 320 px
# and read from its file in tests/site/).
SCRIPTS: dict[tuple[str, str], str] = {}
for _file, _words in LANGUAGES.items():
    SCRIPTS.setdefault((_words["language"]["script"], _words["language"]["dir"]), _file)


@pytest.mark.browser
@NEEDS_QUARTO
@pytest.mark.parametrize("file", SCRIPTS.values())
def test_each_script_of_the_summaries_is_accessible_at_390_px_and_asks_nothing_from_elsewhere(served, browser,
                                                                                              file):
    from browser import axe_violations, open_page

    tab, requested = open_page(browser, served + summaries.path(file), width=390)
    assert [u for u in requested if not u.startswith(served)] == []
    assert tab.evaluate("document.documentElement.lang") == LANGUAGES[file]["language"]["tag"]
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(tab) == [], file
    tab.close()
