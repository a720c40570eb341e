"""A new edition and a correction are data changes only: the build follows with no code change."""

from __future__ import annotations

import json

import pandas as pd
from helpers import edit_csv, read_rows

from pipeline.build import build
from pipeline.model.package import load
from pipeline.model.publication import LATEST, edition_scope, first_published_scope


def fill_edition(package, year: int) -> None:
    previous = {(r["indicator_id"], r["group_id"]): r for r in read_rows(package.parent / "data" / "results.csv")
                if r["edition"] == str(year - 1) and r["value"]}

    def fill(rows):
        for row in rows:
            if row["edition"] != str(year):
                continue
            before = previous.get((row["indicator_id"], row["group_id"]))
            row["value"] = f"{float(before['value']) + 4.5:g}" if before else "50"
            row["source_url"] = f"https://onderzoek.utrecht.nl/rapportage-inburgering-{year}"
            row["source_chapter"] = "3"
            if row["group_id"] == "utrechters_18plus":
                row["reference_year"] = str(year - 1)

    def describe(rows):
        row = next(r for r in rows if r["edition"] == str(year))
        row.update(method_notes_nl="Derde meting, zelfde aanpak.", method_notes_en="Third measurement, same approach.",
                   source_url=f"https://onderzoek.utrecht.nl/rapportage-inburgering-{year}")

    edit_csv(package, "results", fill)
    edit_csv(package, "editions", describe)


def test_new_edition_flows_into_pages_charts_downloads_and_sentences(package, tmp_path, run_cli):
    assert run_cli("new-edition", "2026", "--package", package)[0] == 0
    fill_edition(package, 2026)
    assert run_cli("validate", package)[0] == 0
    out = tmp_path / "out"
    build(package, out, log=lambda _: None, render=False)

    pkg = load(package)
    table = pd.read_parquet(out / "data" / edition_scope(2026).file(pkg, "parquet"))
    assert set(table["edition"]) == {2026} and table["value"].notna().sum() == 21
    latest = pd.read_parquet(out / "data" / LATEST.file(pkg, "parquet"))
    assert 2026 in set(latest["edition"]) and not latest.duplicated(["indicator_id", "group_id"]).any()
    assert (out / "data" / edition_scope(2024).file(pkg, "csv")).is_file()  # earlier editions keep their address

    spec = (out / "charts" / "en" / "ervaren-gezondheid.vl.json").read_text(encoding="utf-8")
    assert '"edition": 2026' in spec and '"edition": 2025' in spec  # now a development chart

    story = json.loads((out / "story" / "en.json").read_text(encoding="utf-8"))
    trend = next(f["text"] for f in story if f["id"] == "ervaren-gezondheid" and f["kind"] == "trend")
    assert trend.startswith("Among refugees with a residence permit, the share went from 52% in the 2025 "
                            "measurement to 56.5% in the 2026 one")
    assert any(f["scope"] == "home" and "2026 measurement" in f["text"] for f in story)

    page = (out / "preview" / "en" / "indicators" / "ervaren-gezondheid.html").read_text(encoding="utf-8")
    assert "Civic Integration Report 2026" in page and "56.5%" in page
    home = (out / "preview" / "index.html").read_text(encoding="utf-8")
    assert "Rapportage Inburgering 2026" in home and "4,5 procentpunt meer" in home


def test_a_correction_shows_as_erratum_and_keeps_the_first_download(package, tmp_path):
    edit_csv(package, "results", lambda rows: [r.update(value="43") for r in rows
                                               if r["indicator_id"] == "zenuwachtig"] and None)
    edit_csv(package, "errata", lambda rows: [{"date": "2026-03-02", "edition": "2025", "indicator_id": "zenuwachtig",
                                               "group_id": "asielstatushouders", "old_value": "41", "new_value": "43",
                                               "description_nl": "Overschrijffout hersteld.",
                                               "description_en": "Transcription error fixed."}])
    out = tmp_path / "out"
    build(package, out, log=lambda _: None, render=False)
    pkg = load(package)
    current = pd.read_csv(out / "data" / edition_scope(2025).file(pkg, "csv")).set_index(["indicator_id", "group_id"])
    first = pd.read_csv(out / "data" / first_published_scope(2025).file(pkg, "csv")).set_index(
        ["indicator_id", "group_id"])
    assert current.at[("zenuwachtig", "asielstatushouders"), "value"] == 43
    assert first.at[("zenuwachtig", "asielstatushouders"), "value"] == 41
    page = (out / "preview" / "indicatoren" / "zenuwachtig.html").read_text(encoding="utf-8")
    assert "Gecorrigeerd op 2026-03-02: asielstatushouders, 2025: 41 is 43 geworden. Overschrijffout hersteld." in page
    open_data = (out / "preview" / "en" / "open-data.html").read_text(encoding="utf-8")
    assert "2026-03-02" in open_data and first_published_scope(2025).file(pkg, "csv") in open_data
