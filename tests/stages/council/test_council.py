"""The council edition: an accessible PDF per language, read back as a council member's reader would."""

from __future__ import annotations

import json
import re

import pypdf
import pytest
from helpers import FIXTURE, edit_csv, small_package

from pipeline.model import addresses
from pipeline.model.indicators import SHOWN, build_table
from pipeline.model.package import load
from pipeline.model.publication import LATEST, as_of, council_file, earlier_editions
from pipeline.stages.story import vocabulary
from pipeline.words import i18n

PKG = load(FIXTURE)


def pdf(site_build, lang: str) -> pypdf.PdfReader:
    return pypdf.PdfReader(site_build / "data" / council_file(PKG, lang))


def text(reader: pypdf.PdfReader) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _structure(node, found: list) -> list:
    """Every element of the PDF's tag tree, as (role, alternative text)."""
    node = node.get_object()
    if isinstance(node, pypdf.generic.DictionaryObject):
        if "/S" in node:
            found.append((str(node["/S"]), str(node.get("/Alt", ""))))
        kids = node.get("/K")
        if kids is not None:
            for kid in kids if isinstance(kids, list) else [kids]:
                _structure(kid, found)
    return found


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_each_language_has_a_tagged_pdf_ua_with_its_language_title_and_fonts(site_build, lang):
    reader = pdf(site_build, lang)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == lang and bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    assert "<pdfuaid:part>1</pdfuaid:part>" in root["/Metadata"].get_object().get_data().decode("utf-8")
    assert reader.metadata.title == i18n.t(lang, "pdf_title", title=PKG.settings[f"title_{lang}"], edition=2025)
    assert reader.metadata["/CreationDate"].startswith("D:20261128")  # the package's date, not the build's
    fonts = [font.get_object() for page in reader.pages
             for font in page["/Resources"].get("/Font", {}).values()]
    assert fonts
    for font in fonts:
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = descendant["/FontDescriptor"].get_object()
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
    assert len(reader.outline) >= 6  # bookmarks: summary, the goals, the indicators, method, citation


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_first_page_holds_every_goals_latest_figures_what_changed_and_the_caveat(site_build, lang):
    """What a council member reads in a minute, before any contents: the goals by name, their figures with
    the year, and that the number of answers is unknown; the title is the document's first heading."""
    reader = pdf(site_build, lang)
    first = " ".join((reader.pages[0].extract_text() or "").split())
    for title in PKG["goals"][f"title_{lang}"]:
        assert title in first
    assert "14%" in first and "60%" in first and "(2025;" in first
    assert i18n.t(lang, "pdf_caveat", n=PKG.min_n).split(":")[0] in first
    editions = PKG["editions"].set_index("edition")
    change = " ".join(editions.at[editions.index.max(), f"method_change_{lang}"].split())
    assert change and change[:50] in first  # how the measurement changed, before any comparison is read
    roles = [role for role, _ in _structure(reader.trailer["/Root"]["/StructTreeRoot"], [])]
    headings = [role for role in roles if re.fullmatch(r"/H\d", role)]
    assert headings[:2] == ["/H1", "/H2"]  # the title, then "at a glance" on the same first page


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_what_more_than_chance_rests_on_is_said_once_in_the_pdf(site_build, lang):
    """Each page of the site says it; the PDF, read from front to back, once in its summary: not on every
    goal and indicator. The conditions themselves ("if each group had at least 30 answers") stay."""
    words = vocabulary.templates(lang)
    content = text(pdf(site_build, lang))
    assert content.count(" ".join(words["chance_assumes"].split())) == 1
    condition = words["pattern_condition"].format(n=PKG.min_n)
    assert content.count(" ".join(condition.split())) == 1
    assert " ".join(words["bound_min"].format(n=PKG.min_n).split()) in content


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_what_the_reports_themselves_say_is_in_the_pdf_with_its_source(site_build, lang):
    """Each statement of research.csv shown on a goal's or indicator's page is in the PDF, with its address."""
    content = text(pdf(site_build, lang))
    research = PKG["research"]
    shown = research[(research["goal_id"] != "") | (research["indicator_id"] != "")]
    assert len(shown) > 3
    for row in shown.itertuples():
        assert " ".join(getattr(row, f"text_{lang}").split())[:60] in content, row.finding_id


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_published_figure_is_in_the_pdf_in_the_languages_format(site_build, lang):
    content = text(pdf(site_build, lang))
    table = build_table(PKG)
    shown = table[table["status"].isin(SHOWN) & table["value"].notna()]
    assert len(shown) > 15
    for row in shown.itertuples():
        assert i18n.value(row.value, row.unit, lang) in content, (row.indicator_id, row.edition, row.group_id)
    for _, indicator in PKG["indicators"].iterrows():
        assert " ".join(indicator[f"title_{lang}"].split()) in content


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_chart_is_a_vector_drawing_with_its_text_alternative(site_build, lang):
    reader = pdf(site_build, lang)
    for page in reader.pages:
        for item in page["/Resources"].get("/XObject", {}).values():
            assert item.get_object()["/Subtype"] != "/Image"  # no raster images
    figures = [alt for role, alt in _structure(reader.trailer["/Root"]["/StructTreeRoot"], []) if role == "/Figure"]
    manifest = json.loads((site_build / "charts" / "manifest.json").read_text(encoding="utf-8"))
    descriptions = {entry["description"] for key, entry in manifest.items() if key.startswith(f"{lang}/")}
    assert figures and all(alt in descriptions for alt in figures)
    assert len(figures) >= len(PKG["goals"]) + 8  # each goal's chart and each measured indicator's


def test_the_pdf_is_kept_at_its_measurement_and_at_latest_and_linked_where_people_look(site_build):
    for lang in i18n.LANGUAGES:
        own, latest = (site_build / "data" / council_file(PKG, lang, scope) for scope in (None, LATEST))
        assert own.read_bytes() == latest.read_bytes() and "/2025/" in own.as_posix()
        home = (site_build / "preview" / addresses.path(lang, "home")).read_text(encoding="utf-8")
        link = re.search(rf'href="(?:\.\./)?data/{re.escape(council_file(PKG, lang))}">([^<]*)<', home)
        assert link and re.search(r"\d kB\)", link.group(1))  # with its size
        open_data = (site_build / "preview" / addresses.path(lang, "open_data")).read_text(encoding="utf-8")
        assert all(council_file(PKG, other) in open_data for other in i18n.LANGUAGES)
    catalogue = json.loads((site_build / "data" / "dcat-ap.jsonld").read_text(encoding="utf-8"))
    urls = json.dumps(catalogue)
    assert all(council_file(PKG, lang) in urls for lang in i18n.LANGUAGES)


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_baseline_has_its_own_council_edition_with_its_figures_only(site_build, lang):
    """The 2024 measurement's PDF, made from the package as it stood then: its own title and figures, as
    accessible as the latest's, none of a later measurement, and listed where the downloads are."""
    past = as_of(PKG, 2024)
    rel = council_file(past, lang)
    assert earlier_editions(PKG) == [2024] and "/2024/" in f"/{rel}"
    reader = pypdf.PdfReader(site_build / "data" / rel)
    root = reader.trailer["/Root"]
    metadata = root["/Metadata"].get_object().get_data().decode()
    assert root["/Lang"] == lang and "<pdfuaid:part>1</pdfuaid:part>" in metadata
    assert reader.metadata.title == i18n.t(lang, "pdf_title", title=PKG.settings[f"title_{lang}"], edition=2024)
    content = text(reader)
    table = build_table(PKG)
    shown = table[table["status"].isin(SHOWN) & table["value"].notna()]
    for row in shown[shown["edition"] == 2024].itertuples():
        assert i18n.value(row.value, row.unit, lang) in content, (row.indicator_id, row.group_id)
    later = PKG["editions"].set_index("edition").at[2025, f"title_{lang}"]
    assert later not in content  # no word of the 2025 report, its figures or findings
    # A goal with a figure for all newcomers only shows that figure on the first page, not "no figures".
    first = " ".join((reader.pages[0].extract_text() or "").split())
    total = shown[(shown["edition"] == 2024) & (shown["group_role"] == "total")
                  & (shown["indicator_id"] == "betaald-werk")]
    assert len(total) == 1 and i18n.value(total["value"].iloc[0], total["unit"].iloc[0], lang) in first
    assert rel in (site_build / "preview" / addresses.path(lang, "open_data")).read_text(encoding="utf-8")
    assert rel in (site_build / "data" / "dcat-ap.jsonld").read_text(encoding="utf-8")


def test_the_package_as_it_stood_leaves_out_what_came_later():
    past = as_of(PKG, 2024)
    for name in ("results", "editions", "research", "wordings", "errata"):
        assert set(past[name]["edition"].dropna().astype(int)) <= {2024}, name
    assert len(past["results"]) < len(PKG["results"]) and past["context"]["year"].max() <= 2024
    measured_then = set(past["results"].loc[past["results"]["value"].notna(), "indicator_id"])
    status = past["indicators"].set_index("indicator_id")["status"]
    assert all(status[i] != "measured" for i in status.index if i not in measured_then)
    results = PKG["results"][PKG["results"]["value"].notna()]
    first_later = set(results["indicator_id"]) - set(results.loc[results["edition"] <= 2024, "indicator_id"])
    assert first_later and not first_later & set(status.index)  # nothing says they were planned in 2024
    never = set(PKG["indicators"]["indicator_id"]) - set(results["indicator_id"])
    assert never and never <= set(status.index)  # the announced ones, still waiting


def test_markup_in_the_data_is_text_in_the_pdf(tmp_path):
    """A title written as Typst code is printed as written: the data never becomes part of the document."""
    from pipeline.build import build

    package = small_package(tmp_path / "pkg")
    hostile = '#set page(width: 2cm) *vet* $x^2$ ] [ #panic("nee") \\ //'
    edit_csv(package, "indicators", lambda rows: rows[0].update(title_nl=hostile))
    out = tmp_path / "out"
    build(package, out, log=lambda _: None, render=False)
    reader = pypdf.PdfReader(out / "data" / council_file(load(package), "nl"))
    assert hostile in text(reader)
    assert all(abs(float(page.mediabox.width) - 595.28) < 1 for page in reader.pages)  # still A4
    # Printed as written, or with its first letter a capital where a topic starts the first page's line.
    assert not re.search(r"\bnee\b", text(reader).replace(hostile, "").replace(hostile.replace("#s", "#S", 1), ""))


def test_a_text_no_embedded_font_can_show_still_gives_a_tagged_pdf_and_says_so(tmp_path):
    """PDF/UA forbids text without a glyph; a title in a script the PDF's fonts lack does not stop the build."""
    from pipeline.build import build

    package = small_package(tmp_path / "pkg")
    edit_csv(package, "indicators", lambda rows: rows[0].update(title_nl="Betaald werk 䣧"))
    said: list[str] = []
    build(package, tmp_path / "out", log=said.append, render=False)
    reader = pypdf.PdfReader(tmp_path / "out" / "data" / council_file(load(package), "nl"))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/Lang"] == "nl"
    assert "pdfuaid" not in root["/Metadata"].get_object().get_data().decode("utf-8")
    assert any("nl: the PDF is tagged but not PDF/UA-1" in line for line in said)
    english = pypdf.PdfReader(tmp_path / "out" / "data" / council_file(load(package), "en"))
    assert "pdfuaid:part" in english.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")


def test_a_pdf_is_made_again_only_when_its_data_or_a_chart_in_it_changed(tmp_path, monkeypatch):
    """A warm build takes the PDF from the cache; a changed figure, a redrawn chart or no cache makes it anew."""
    from pipeline.stages import council

    made: list[str] = []
    monkeypatch.setattr(council, "_compile", lambda out, data, stamp: (made.append(data), (data.encode(), ""))[1])
    out = tmp_path / "out"
    chart = out / "charts" / "nl" / "a.svg"
    chart.parent.mkdir(parents=True)
    chart.write_text("<svg/>", encoding="utf-8")
    data = json.dumps({"value": 1, "chart": {"path": "/charts/nl/a.svg"}})
    cache = tmp_path / "cache"
    first = council._kept_or_compiled(out, data, 0, cache)
    assert council._kept_or_compiled(out, data, 0, cache) == first and len(made) == 1
    chart.write_text("<svg><g/></svg>", encoding="utf-8")
    council._kept_or_compiled(out, data, 0, cache)
    council._kept_or_compiled(out, data.replace('"value": 1', '"value": 2'), 0, cache)
    council._kept_or_compiled(out, data, 86400, cache)  # another date in the PDF's metadata
    council._kept_or_compiled(out, data, 0, None)
    assert len(made) == 5
