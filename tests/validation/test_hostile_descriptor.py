"""The pipeline owns its boundary: whatever the descriptor says, nothing in it can write elsewhere, collide,
publish nonsense or end in a traceback. One test per class of payload; each case is a copy of the frozen
package, then ``monitor validate`` and ``monitor build``."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from helpers import edit_csv, edit_descriptor, problems

from pipeline import build as build_module
from pipeline.engine.output import inside, slug
from pipeline.errors import OutsideOutput


def _resource(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


def _field(descriptor: dict, resource: str, field: str) -> dict:
    return next(f for f in _resource(descriptor, resource)["schema"]["fields"] if f["name"] == field)


def _rules(found: list[dict]) -> set[str]:
    return {p["rule"] for p in found}


def _messages(found: list[dict]) -> str:
    return " | ".join(p["message"] for p in found)


def _refused_build(run_cli, package: Path, out: Path) -> str:
    code, printed, err = run_cli("build", "--package", package, "--out", out, "--no-render")
    assert code == 1 and "Traceback" not in printed + err, (code, err)
    assert not out.exists()
    return err


def _rename_first_indicator(package: Path, ident: str) -> None:
    def rename(rows):
        for row in rows:
            if row["indicator_id"] == "betaald-werk":
                row["indicator_id"] = ident
    for table in ("indicators", "results", "research", "wordings"):
        edit_csv(package, table, rename)


# ---- paths -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["../../../../tmp/victim/foo", "a/b", "..", "", "x" * 300, "Monitor Inburgering"])
def test_a_package_name_that_is_no_file_name_is_refused_and_writes_nothing(package, tmp_path, run_cli, name):
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "foo.csv").write_text("kept\n")
    edit_descriptor(package, lambda d: d.update(name=name))
    found = problems(run_cli, package)
    assert "descriptor-invalid" in _rules(found) and '"name" must be a short name' in _messages(found)
    _refused_build(run_cli, package, tmp_path / "out")
    assert [p.name for p in victim.iterdir()] == ["foo.csv"] and (victim / "foo.csv").read_text() == "kept\n"


@pytest.mark.parametrize("ident", ["../../escaped-id", "x" * 300, "Betaald-Werk", "a--b", "betaald werk"])
def test_an_unsafe_id_is_refused_even_without_the_descriptors_pattern(package, tmp_path, run_cli, ident):
    def loosen(descriptor):
        for resource in ("indicators", "results"):
            _field(descriptor, resource, "indicator_id").get("constraints", {}).pop("pattern", None)
        for resource in descriptor["resources"]:
            resource["schema"].pop("foreignKeys", None)
    edit_descriptor(package, loosen)
    _rename_first_indicator(package, ident)
    found = problems(run_cli, package)
    assert ["data/indicators.csv", 2, "indicator_id", "unsafe-id"] in \
        [[p["file"], p["row"], p["field"], p["rule"]] for p in found]
    _refused_build(run_cli, package, tmp_path / "out")
    assert not (tmp_path / "escaped-id.html").exists() and not list(tmp_path.parent.glob("escaped-id*"))


@pytest.mark.parametrize("ident", ["comparison", "goal-werk", "context-statushouders_in_utrecht", "index"])
def test_an_id_that_would_take_a_chart_or_page_of_the_site_is_refused(package, run_cli, ident):
    _rename_first_indicator(package, ident)
    found = problems(run_cli, package)
    assert ["data/indicators.csv", 2, "indicator_id", "reserved-id"] in \
        [[p["file"], p["row"], p["field"], p["rule"]] for p in found]


def test_paths_are_made_by_the_pipeline_and_checked_to_stay_inside(tmp_path):
    assert slug("../../../../tmp/victim/foo") == "tmp-victim-foo"
    assert slug("..") == "monitor" and slug("a/b") == "a-b" and len(slug("x" * 300)) == 64
    assert slug("monitor-inburgering-utrecht") == "monitor-inburgering-utrecht"
    for escape in ("../x.csv", "/etc/passwd", "a/../../x"):
        with pytest.raises(OutsideOutput):
            inside(tmp_path / "data", escape)
    assert inside(tmp_path / "data", "2025/x.csv") == tmp_path / "data" / "2025" / "x.csv"


# ---- validate never crashes ----------------------------------------------------------------------------------

def _set(path: str, value):
    def change(descriptor):
        *parents, last = path.split(".")
        target = descriptor
        for key in parents:
            target = target[key]
        target[last] = value
    return change


@pytest.mark.parametrize(("change", "words"), [
    (lambda d: _resource(d, "results")["schema"].update(primaryKey=["indicator_id", "nope"]),
     'name "nope", which is not one of its fields'),
    (_set("version", 2025.1), '"version" must be a text of three numbers'),
    (_set("keywords", "inburgering"), '"keywords" must be a list of texts'),
    (lambda d: _field(d, "results", "value").update(type="string"), 'the field "value" must be of type "number"'),
    (lambda d: _field(d, "results", "n").update(type="number"), 'the field "n" must be of type "integer"'),
    (_set("licenses", []), '"licenses" must list at least one licence'),
    (lambda d: d["licenses"][0].pop("path"), "licence 1 needs a title and a path"),
    (lambda d: d["licenses"][0].pop("title"), "licence 1 needs a title and a path"),
    (lambda d: d["sources"][0].pop("title"), "source 1 needs a title, and a path (its web address) where"),
    (lambda d: d["sources"][0].update(path=["https://example.org"]), "source 1 needs a title, and a path"),
    (_set("monitor.title_en", ["Utrecht"]), '"monitor": "title_en" must be a text'),
    (_set("created", "1970-01-01T00:00:00Z"), '"created" must be a date'),
    (_set("created", "yesterday"), '"created" must be a date'),
    (_set("created", "2026-02-30"), '"created" must be a date'),
    (_set("monitor.min_n", 0), '"min_n" must be a whole number of at least 1'),
    (_set("monitor.min_n", -5), '"min_n" must be a whole number of at least 1'),
    (_set("monitor.min_n", float("inf")), '"min_n" must be a whole number of at least 1'),
    (_set("monitor.indicative_n", 10), '"indicative_n" must be a whole number of at least "min_n" (30)'),
    (lambda d: d.pop("monitor"), 'the "monitor" settings are missing'),
    (lambda d: d["resources"].remove(_resource(d, "context")), 'the resource "context" is missing'),
    (_set("title", "Monitor \ud800"), "title: the text holds half of a character"),
    (_set("monitor.publisher_en", "City\x07 of Utrecht"), "monitor.publisher_en: the text holds an invisible control"),
    (_set("monitor.title_nl", "Monitor\u2028Inburgering"), "monitor.title_nl: the text holds an invisible character"),
])
def test_a_descriptor_the_pipeline_cannot_use_is_a_report_line(package, tmp_path, run_cli, change, words):
    edit_descriptor(package, change)
    found = problems(run_cli, package)
    assert words in _messages(found), _messages(found)
    assert all(p["file"] == "datapackage.json" and p["rule"] for p in found)
    _refused_build(run_cli, package, tmp_path / "out")


def test_an_internal_error_is_not_called_bad_data(package, tmp_path, run_cli, monkeypatch):
    def broken(*_):
        raise RuntimeError("a bug in a stage")
    monkeypatch.setattr(build_module.indicators, "run", broken)
    code, _, err = run_cli("build", "--package", package, "--out", tmp_path / "out", "--no-render")
    assert code == 4 and "internal error" in err and "not of your data" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


# ---- the pipeline's own keys and references ------------------------------------------------------------------

def _drop_keys(descriptor: dict) -> None:
    for resource in descriptor["resources"]:
        resource["schema"].pop("primaryKey", None)
        resource["schema"].pop("foreignKeys", None)
        for field in resource["schema"]["fields"]:
            field.get("constraints", {}).pop("unique", None)


def test_a_duplicate_figure_is_refused_without_a_primary_key(package, run_cli):
    edit_descriptor(package, _drop_keys)
    edit_csv(package, "results", lambda rows: [*rows, {**rows[1], "value": "99"}])
    found = problems(run_cli, package)
    assert "duplicate-key" in _rules(found) and "the same indicator_id, edition, group_id as row 3" in _messages(found)


@pytest.mark.parametrize(("table", "field", "value", "target"), [
    ("results", "indicator_id", "onbekend", "indicators"), ("results", "group_id", "onbekend", "groups"),
    ("results", "edition", "2031", "editions"), ("indicators", "goal_id", "onbekend", "goals")])
def test_an_unknown_reference_is_refused_without_foreign_keys(package, run_cli, table, field, value, target):
    edit_descriptor(package, _drop_keys)
    edit_csv(package, table, lambda rows: rows[0].update(**{field: value}))
    found = problems(run_cli, package)
    assert [f"data/{table}.csv", 2, field, "unknown-reference"] in \
        [[p["file"], p["row"], p["field"], p["rule"]] for p in found]
    assert f"is not a known {field} in the {target} table" in _messages(found)


# ---- text ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("control", ["\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200f"])
def test_direction_controls_are_refused_in_titles(package, run_cli, control):
    edit_csv(package, "indicators", lambda rows: rows[0].update(title_en=f"Paid {control}work"))
    assert ["data/indicators.csv", 2, "title_en", "direction-character"] in \
        [[p["file"], p["row"], p["field"], p["rule"]] for p in problems(run_cli, package)]


@pytest.mark.parametrize("variant", [unicodedata.normalize("NFD", "Réfugiés"), "Réfu\u200bgiés", "RÉFUGIÉS"])
def test_labels_that_read_the_same_are_one_label(package, run_cli, variant):
    edit_descriptor(package, _drop_keys)  # the descriptor's own "unique" compares bytes; the pipeline does not

    def two_alike(rows):
        rows[0]["label_en"], rows[1]["label_en"] = "Réfugiés", variant
    edit_csv(package, "groups", two_alike)
    found = problems(run_cli, package)
    assert {"not-unique", "invisible-character"} & _rules(found), found


def test_text_is_read_in_its_composed_form(package):
    from pipeline.model.package import load

    edit_csv(package, "groups", lambda rows: rows[0].update(label_en=unicodedata.normalize("NFD", "Réfugiés")))
    assert load(package)["groups"].loc[0, "label_en"] == unicodedata.normalize("NFC", "Réfugiés")


# ---- web addresses ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["https://evil.example\\@gemeente-utrecht.github.io/", "https://x@127.0.0.1/",
                                 "https://utrecht-monitor.nl@127.0.0.1/x", "https://a b.nl/", "javascript:alert(1)"])
def test_addresses_whose_host_parsers_read_differently_are_refused(package, run_cli, url):
    edit_descriptor(package, _set("homepage", url))
    assert "descriptor-invalid" in _rules(problems(run_cli, package))
    edit_descriptor(package, _set("homepage", "https://gemeente-utrecht.github.io/monitor-inburgering/"))
    edit_csv(package, "results", lambda rows: rows[0].update(source_url=url))
    found = problems(run_cli, package)
    assert any(p["file"] == "data/results.csv" and p["row"] == 2 and p["field"] == "source_url" for p in found), found


# ---- counts -------------------------------------------------------------------------------------------------

def test_a_count_of_persons_with_a_thousands_separator_is_refused_whatever_its_type(package, run_cli):
    edit_csv(package, "context", lambda rows: rows[0].update(value="3.064"))
    found = problems(run_cli, package)
    assert ["data/context.csv", 2, "value", "count-not-whole"] in \
        [[p["file"], p["row"], p["field"], p["rule"]] for p in found]


# ---- size ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "words"), [
    ('{"name": "x", "resources": [], "deep": ' + "[" * 100_000 + "]" * 100_000 + "}", "more than 32 deep"),
    ('{"name": "x", "resources": [], "deep": ' + "[" * 40 + "]" * 40 + "}", "more than 32 deep"),
    ('{"name": "x", "resources": [], "big": "' + "x" * (6 * 1024**2) + '"}', "put rows in the CSV files"),
])
def test_a_descriptor_too_deep_or_too_large_is_refused_before_it_is_read(package, tmp_path, run_cli, text, words):
    package.write_text(text, encoding="utf-8")
    found = problems(run_cli, package)
    assert _rules(found) == {"descriptor-invalid"} and words in _messages(found)
    _refused_build(run_cli, package, tmp_path / "out")
