"""Open data a journalist can open in Excel, cite correctly and find in a data portal."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml
from helpers import FIXTURE, ROOT, downloads_of
from openpyxl import load_workbook

from pipeline.model.indicators import COLUMNS
from pipeline.model.package import load
from pipeline.model.publication import ALL, LATEST, column_docs, edition_scope, indicator_scope, zip_name

PKG = load(FIXTURE)


@pytest.fixture(scope="module")
def data(site_build) -> Path:
    return site_build / "data"


def test_every_download_has_a_unique_name(data):
    names = [p.name for p in data.rglob("*") if p.is_file()]
    assert len(names) == len(set(names))
    assert all(name.startswith(PKG.descriptor["name"]) or name == "dcat-ap.jsonld" for name in names)


def test_latest_holds_the_latest_figure_of_every_indicator_and_group(data):
    latest = pd.read_csv(data / LATEST.file(PKG, "csv")).set_index(["indicator_id", "group_id"])
    full = pd.read_csv(data / ALL.file(PKG, "csv"))
    published = full[full["value"].notna()]
    expected = published.loc[published.groupby(["indicator_id", "group_id"])["edition"].idxmax()]
    for _, row in expected.iterrows():
        got = latest.loc[(row["indicator_id"], row["group_id"])]
        assert (got["edition"], got["value"]) == (row["edition"], row["value"]), row["indicator_id"]
    assert latest.loc[("taalles", "asielstatushouders"), "edition"] == 2024  # only measured in 2024
    assert not latest.index.duplicated().any()


def test_the_tidy_table_explains_itself(data):
    table = pd.read_csv(data / ALL.file(PKG, "csv"))
    for column in ("indicator_title_nl", "wording_kind", "wording_nl", "unit", "group_label_en", "edition",
                   "fieldwork_nl", "edition_title_en", "source_url", "definition_en"):
        assert column in table.columns
    row = table[(table["indicator_id"] == "taalles") & (table["group_id"] == "asielstatushouders")
                & (table["edition"] == 2024)].iloc[0]
    assert row["fieldwork_nl"] == "oktober 2023" and row["wording_kind"] == "caption"
    docs = column_docs()
    assert list(table.columns) == COLUMNS and set(docs) == set(COLUMNS)
    assert all(docs[c]["nl"] and docs[c]["en"] and docs[c]["label_nl"] and docs[c]["label_en"] for c in COLUMNS)


def test_the_dictionary_says_which_columns_are_always_filled_and_how_percentages_are_scaled(data):
    import pyarrow.parquet as pq

    docs = column_docs()
    table = pd.read_csv(data / ALL.file(PKG, "csv"))
    required = [c for c in COLUMNS if docs[c]["required"]]
    assert required and not table[required].isna().any().any()
    assert any(table[c].isna().any() for c in COLUMNS if not docs[c]["required"])
    for lang, scale in (("nl", "0 tot 100"), ("en", "0 to 100")):
        assert scale in docs["value"][lang]
    schema = pq.read_schema(data / ALL.file(PKG, "parquet"))
    assert schema.field("value").metadata[b"description"].decode() == docs["value"]["en"]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_each_workbook_cites_the_page_in_its_own_language(data, lang):
    from pipeline.model import addresses

    book = load_workbook(data / indicator_scope("betaald-werk").file(PKG, f"xlsx_{lang}"))
    about = "\n".join(str(v) for row in book.worksheets[2].iter_rows(values_only=True) for v in row)
    assert addresses.base_url(PKG) + addresses.path(lang, "indicator", "betaald-werk") in about


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_workbooks_speak_the_language_and_type_their_cells(data, lang):
    book = load_workbook(data / ALL.file(PKG, f"xlsx_{lang}"))
    docs = column_docs()
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header == [docs[c][f"label_{lang}"] for c in COLUMNS]
    value = header.index(docs["value"][f"label_{lang}"])
    unit = header.index(docs["unit"][f"label_{lang}"])
    edition = header.index(docs["edition"][f"label_{lang}"])
    rows = list(sheet.iter_rows(min_row=2))
    percent = [r[value] for r in rows if r[unit].value == "percent" and r[value].value is not None]
    assert percent and all(c.number_format.endswith("%") and 0 <= c.value <= 1 for c in percent)
    # a whole percentage without a decimal (14%, not 14.0%), any other with one (13.5%)
    assert all((c.number_format == "0%") == (round(c.value * 100, 6) % 1 == 0) for c in percent)
    assert all(isinstance(r[edition].value, int) for r in rows)
    canonical = pd.read_csv(data / ALL.file(PKG, "csv"))
    assert sorted(round(c.value * 100, 1) for c in percent) == sorted(
        canonical.loc[canonical["unit"] == "percent", "value"].dropna().round(1))
    about = "\n".join(str(v) for row in book.worksheets[2].iter_rows(values_only=True) for v in row)
    assert "Creative Commons" in about and PKG.descriptor["version"] in about and "2025" in about


def test_the_excel_csv_opens_in_dutch_excel_and_the_canonical_in_pandas_and_frictionless(data):
    from frictionless import Resource

    raw = (data / ALL.file(PKG, "excel")).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the byte-order mark
    text = raw.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text), delimiter=";"))
    assert header == COLUMNS  # Excel splits on the list separator, ';' with Dutch settings
    dutch = pd.read_csv(io.StringIO(text), sep=";", decimal=",")
    canonical = pd.read_csv(data / ALL.file(PKG, "csv"))
    pd.testing.assert_series_equal(dutch["value"], canonical["value"])
    assert re.search(r";\d+,\d;", text) or re.search(r";\d+;", text)  # decimal commas, never points
    assert not re.search(r";\d+\.\d+;", text)
    assert "§" in text  # UTF-8 with a byte-order mark: Excel shows "§", not "Â§"
    report = Resource(path=ALL.file(PKG, "csv"), basepath=str(data)).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type"])


def test_indicator_downloads_are_offered_on_its_page(site_build):
    page = (site_build / "preview" / "indicatoren" / "betaald-werk.html").read_text(encoding="utf-8")
    scope = indicator_scope("betaald-werk")
    for fmt in ("csv", "excel", "xlsx_nl", "xlsx_en"):
        assert scope.file(PKG, fmt) in page
        assert (site_build / "data" / scope.file(PKG, fmt)).is_file()


def test_citations_name_the_reports_and_the_site(site_build):
    page = (site_build / "preview" / "en" / "indicators" / "betaald-werk.html").read_text(encoding="utf-8")
    cite = re.search(r'<h2 id="cite">.*?</h2>\s*<p>(.*?)</p>', page, re.S).group(1)
    # the page shows the 2024 figure for all newcomers and the 2025 figures per group: both reports
    assert "City of Utrecht, Research department (2024, 2025)" in cite
    assert "Civic Integration Monitor 2024 (first measurement); Civic Integration Report 2025" in cite
    assert "Utrecht Civic Integration Monitor, version " + PKG.descriptor["version"] in cite
    assert "/en/indicators/betaald-werk.html" in cite
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"].startswith("1.2") and cff["license"] == "CC-BY-4.0"
    assert {r["title"] for r in cff["references"]} == set(PKG["editions"]["title_nl"])


def test_every_page_says_when_it_was_last_updated(site_build):
    for page in (site_build / "preview").rglob("*.html"):
        if "embed" in page.parts:
            continue  # an embed is a chart for other sites, not a page of this one
        text = page.read_text(encoding="utf-8")
        if page.parent.name == "samenvatting":  # in the summary's own language (tests/stages/pages/test_summaries.py)
            continue
        assert "Bijgewerkt op 28 november 2026" in text or "Last updated 28 November 2026" in text, page


def test_schema_org_dataset_has_what_google_requires(site_build):
    page = (site_build / "preview" / "open-data.html").read_text(encoding="utf-8")
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    dataset = json.loads(block)
    assert dataset["@type"] == "Dataset" and dataset["name"]
    assert 50 <= len(dataset["description"]) <= 5000
    assert dataset["license"].startswith("https://creativecommons.org/")
    assert dataset["creator"]["name"] and dataset["temporalCoverage"] == "2023/2025"  # from the 2023 fieldwork
    assert dataset["spatialCoverage"]["name"] == "Utrecht"
    urls = {d["contentUrl"] for d in dataset["distribution"]}
    assert any(u.endswith(zip_name(PKG)) for u in urls)
    assert all(d["encodingFormat"] and d["contentSize"].endswith(" B") for d in dataset["distribution"])
    measured = PKG["indicators"][PKG["indicators"]["status"] == "measured"]
    assert [v["name"] for v in dataset["variableMeasured"]] == list(measured["title_nl"])
    assert dataset["includedInDataCatalog"]["@type"] == "DataCatalog"
    pdfs = [d["encodingFormat"] for d in dataset["distribution"] if d["contentUrl"].endswith(".pdf")]
    assert pdfs and set(pdfs) == {"application/pdf"}  # never a generic octet-stream
    assert "application/octet-stream" not in (site_build / "data" / "dcat-ap.jsonld").read_text(encoding="utf-8")


def test_dcat_ap_description_parses_and_has_the_mandatory_properties(data):
    from rdflib import Graph, Namespace, URIRef
    from rdflib.namespace import DCTERMS, RDF

    dcat = Namespace("http://www.w3.org/ns/dcat#")
    graph = Graph().parse(data / "dcat-ap.jsonld", format="json-ld")
    catalogues = list(graph.subjects(RDF.type, dcat.Catalog))
    datasets = list(graph.subjects(RDF.type, dcat.Dataset))
    distributions = list(graph.subjects(RDF.type, dcat.Distribution))
    assert len(catalogues) == 1 and len(datasets) == 1 and distributions
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, dcat.dataset):
        assert graph.value(catalogues[0], prop) is not None, prop
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCTERMS.license, DCTERMS.modified,
                 DCTERMS.identifier, DCTERMS.language, dcat.contactPoint, dcat.distribution, DCTERMS.temporal):
        assert graph.value(datasets[0], prop) is not None, prop
    for distribution in distributions:
        access = graph.value(distribution, dcat.accessURL)
        assert isinstance(access, URIRef) and graph.value(distribution, DCTERMS.format) is not None
        name = str(access).rsplit("/data/", 1)[1]
        assert (data / name).is_file(), name
        assert int(graph.value(distribution, dcat.byteSize)) == (data / name).stat().st_size


SHAPES = ROOT / "tests" / "shapes"
PROFILES = ["eu-dcat-ap-3.0.0", "dcat-ap-nl-3.0.0", "value-lists.ttl"]  # see tests/shapes/README.md


def violations(graph, profile: str) -> list[str]:
    """What the shapes of ``profile`` (a file, or a folder of files read together) refuse in ``graph``;
    warnings, which the recommended shapes give, are not refusals."""
    from pyshacl import validate
    from rdflib import Graph, Namespace
    from rdflib.namespace import RDF

    sh = Namespace("http://www.w3.org/ns/shacl#")
    shapes = Graph()
    for path in sorted((SHAPES / profile).glob("*.ttl")) if (SHAPES / profile).is_dir() else [SHAPES / profile]:
        shapes.parse(path, format="turtle")
    _, report, _ = validate(graph, shacl_graph=shapes, inference="none", allow_warnings=True)
    return [f"{report.value(r, sh.focusNode)} {report.value(r, sh.resultPath)}: {report.value(r, sh.resultMessage)}"
            for r in report.subjects(RDF.type, sh.ValidationResult)
            if report.value(r, sh.resultSeverity) == sh.Violation]


@pytest.mark.parametrize("profile", PROFILES)
def test_the_catalogue_conforms_to_the_published_profiles(data, profile):
    from rdflib import Graph

    assert violations(Graph().parse(data / "dcat-ap.jsonld", format="json-ld"), profile) == []


def test_the_catalogue_lists_every_download(data):
    from rdflib import Graph, Literal, Namespace
    from rdflib.namespace import DCTERMS, RDF

    dcat = Namespace("http://www.w3.org/ns/dcat#")
    graph = Graph().parse(data / "dcat-ap.jsonld", format="json-ld")
    # Every download but the catalogue itself, the indicators' and measurements' own included.
    listed = {str(d).rsplit("/data/", 1)[1] for d in graph.subjects(RDF.type, dcat.Distribution)}
    written = {p.relative_to(data).as_posix() for p in data.rglob("*") if p.is_file()} - {"dcat-ap.jsonld"}
    assert listed == written
    # One description per file, in each language: CSV and CSV for Excel are told apart.
    descriptions = {}
    for distribution in graph.subjects(RDF.type, dcat.Distribution):
        for text in graph.objects(distribution, DCTERMS.description):
            descriptions.setdefault(text.language, []).append(str(text))
    assert set(descriptions) == {"nl", "en"}
    for texts in descriptions.values():
        assert len(texts) == len(set(texts)) == len(listed)
    # The period starts with the earliest fieldwork named (October 2023), not the first report's year; in
    # years, since the 2025 measurement names no month.
    dataset = next(graph.subjects(RDF.type, dcat.Dataset))
    period = graph.value(dataset, DCTERMS.temporal)
    year = Namespace("http://www.w3.org/2001/XMLSchema#").gYear
    assert graph.value(period, dcat.startDate) == Literal("2023", datatype=year)
    assert graph.value(period, dcat.endDate) == Literal("2025", datatype=year)


def test_a_catalogue_that_breaks_the_profiles_is_caught(data):
    from rdflib import Graph, URIRef
    from rdflib.namespace import DCTERMS, RDF

    graph = Graph().parse(data / "dcat-ap.jsonld", format="json-ld")
    dataset = next(graph.subjects(RDF.type, URIRef("http://www.w3.org/ns/dcat#Dataset")))
    graph.remove((dataset, DCTERMS.license, None))
    graph.add((dataset, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))  # not the list's
    assert violations(graph, "value-lists.ttl")
    # The published shapes check ranges without inference: a media type not said to be one is refused.
    graph.remove((None, RDF.type, DCTERMS.MediaType))
    assert violations(graph, "eu-dcat-ap-3.0.0") and violations(graph, "dcat-ap-nl-3.0.0")


def test_the_zipped_package_is_valid(data, tmp_path, run_cli):
    with zipfile.ZipFile(data / zip_name(PKG)) as archive:
        assert {info.external_attr >> 16 for info in archive.infolist()} == {0o100644}  # readable by all
        archive.extractall(tmp_path / "unzipped")
    descriptor = tmp_path / "unzipped" / "datapackage.json"
    code, out, _ = run_cli("validate", descriptor)
    assert code == 0 and "valid" in out
    from frictionless import validate

    assert validate(str(descriptor)).valid


def test_two_builds_of_the_same_package_give_the_same_downloads(package, tmp_path):
    for name in ("one", "two"):
        downloads_of(package, tmp_path / name)
    one = {p.relative_to(tmp_path / "one"): p.read_bytes() for p in (tmp_path / "one" / "data").rglob("*")
           if p.is_file()}
    two = {p.relative_to(tmp_path / "two"): p.read_bytes() for p in (tmp_path / "two" / "data").rglob("*")
           if p.is_file()}
    assert one.keys() == two.keys() and [k for k in one if one[k] != two[k]] == []


def test_each_measurement_keeps_its_address(data):
    for edition in PKG["editions"]["edition"]:
        table = pd.read_parquet(data / edition_scope(int(edition)).file(PKG, "parquet"))
        assert set(table["edition"]) == {int(edition)}


def test_the_publisher_is_named_by_its_register_address_when_the_package_gives_one(package, run_cli):
    from helpers import edit_descriptor

    from pipeline.model import describe

    edit_descriptor(package, lambda d: d["monitor"].pop("publisher_id"))
    assert describe.dcat(load(package), [])["@graph"][1]["@id"].endswith("#publisher")
    tooi = "https://identifier.overheid.nl/tooi/id/gemeente/gm0344"
    edit_descriptor(package, lambda d: d["monitor"].update(publisher_id=tooi))
    graph = describe.dcat(load(package), [])["@graph"]
    assert graph[1]["@id"] == tooi and graph[0]["dct:publisher"] == {"@id": tooi}
    edit_descriptor(package, lambda d: d["monitor"].update(publisher_id="javascript:alert(1)"))
    code, out, _ = run_cli("validate", str(package))
    assert code == 1 and '"publisher_id" must be' in out


def test_a_printed_source_without_an_address_is_named_not_linked(package, run_cli):
    """A letter to the council has no web address: the package names it as a source, schema.org names it as
    a work the dataset is based on, and DCAT lists only the sources that are pages."""
    from helpers import edit_descriptor

    from pipeline.model import describe

    letter = "Burgemeester en wethouders: brief aan de gemeenteraad"
    edit_descriptor(package, lambda d: d["sources"].append({"title": letter}))
    assert run_cli("validate", str(package))[0] == 0
    pkg = load(package)
    based_on = describe.schema_org(pkg, "nl", [], "https://example.org/")["isBasedOn"]
    assert {"@type": "CreativeWork", "name": letter} in based_on
    assert len(based_on) == len(pkg.descriptor["sources"])
    pages = describe.dcat(pkg, [])["@graph"][3]["foaf:page"]
    assert len(pages) == len(pkg.descriptor["sources"]) - 1 and all(p["@id"].startswith("https://") for p in pages)
