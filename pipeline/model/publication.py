"""What every published file says about itself: its name, the package's date, and how to cite it.

Every download's file name is unique and says what it holds (``monitor-inburgering-utrecht-2025-nl.xlsx``),
so downloads never overwrite each other in a reader's folder. The downloads (``exports``), the pages, the
embeds and the Quarto render all name files, date them and cite them from here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from pipeline.engine.output import slug
from pipeline.model.package import DataPackage
from pipeline.words import i18n

COLUMNS_FILE = Path(__file__).parent / "indicator_table.yaml"
FORMATS = {"csv": ".csv", "excel": "-excel.csv", **{f"xlsx_{lang}": f"-{lang}.xlsx" for lang in i18n.LANGUAGES},
           "parquet": ".parquet"}
SMALL_FORMATS = tuple(f for f in FORMATS if f != "parquet")  # per indicator and as first published

@cache
def column_docs() -> dict[str, dict[str, str]]:
    """Per column of the indicator table, in order: its type, whether it is always filled, and per language its
    label (``label_<lang>``) and description (``<lang>``), from the words of each language."""
    found = yaml.safe_load(COLUMNS_FILE.read_text(encoding="utf-8"))
    for lang in i18n.LANGUAGES:
        for column, words in i18n.dictionary(lang).items():
            found[column].update({f"label_{lang}": words["label"], lang: words["description"]})
    return found


@dataclass(frozen=True)
class Scope:
    """Which rows a set of downloads holds: its folder under ``data/`` and its part of the file name."""

    folder: str
    suffix: str

    def file(self, pkg: DataPackage, fmt: str) -> str:
        return self._place(slug(pkg.descriptor["name"]) + self.suffix + FORMATS[fmt])

    def pdf(self, pkg: DataPackage, lang: str) -> str:
        """The council edition in ``lang`` (``council``): a report to read, not a table."""
        return self._place(f"{slug(pkg.descriptor['name'])}{self.suffix}-{lang}.pdf")

    def _place(self, name: str) -> str:
        return f"{self.folder}/{name}" if self.folder else name


ALL = Scope("", "")
LATEST = Scope("latest", "-latest")
COUNTED = Scope("", "-registrations")  # the figures counted in registers (``counted``)
COUNTED_FORMATS = ("csv", "excel", "parquet")
COUNTED_SMALL = ("csv", "excel")  # per counted indicator


def edition_scope(edition: int) -> Scope:
    return Scope(str(edition), f"-{edition}")


def indicator_scope(indicator_id: str) -> Scope:
    return Scope("indicators", f"-{slug(indicator_id)}")


def first_published_scope(edition: int) -> Scope:
    return Scope(f"{edition}/first-published", f"-{edition}-first-published")


def zip_name(pkg: DataPackage) -> str:
    return f"{pkg.descriptor['name']}-datapackage.zip"


DCAT_NAME = "dcat-ap.jsonld"


def package_date(pkg: DataPackage) -> datetime.datetime:
    """The package's own date: files made from it carry this, so unchanged data gives unchanged bytes."""
    created = str(pkg.descriptor.get("created", ""))[:10]
    try:
        return datetime.datetime.fromisoformat(created)
    except ValueError:
        return datetime.datetime(2024, 1, 1)


def citation(pkg: DataPackage, lang: str, editions: list[int], url: str) -> str:
    """One citation in APA style: the reports the figures come from, then this site with version and date."""
    known = pkg["editions"]
    published = dict(zip(known["edition"], known["published"], strict=True))
    titles = dict(zip(known["edition"], known[f"title_{lang}"], strict=True))
    years = sorted({int(published[e]) for e in editions if pd.notna(published[e])})
    reports = "; ".join(titles[e] for e in sorted(editions))
    if not reports:  # a page with no figures yet: the site itself, not an empty list of reports
        return i18n.t(lang, "cite_site", publisher=pkg.settings[f"publisher_{lang}"], year=package_date(pkg).year,
                      title=pkg.settings[f"title_{lang}"], version=pkg.descriptor["version"],
                      date=i18n.date(package_date(pkg).date(), lang), url=url)
    return i18n.t(lang, "cite_text", publisher=pkg.settings[f"publisher_{lang}"],
                  years=", ".join(str(y) for y in years) or i18n.t(lang, "no_date"), reports=reports,
                  title=pkg.settings[f"title_{lang}"], version=pkg.descriptor["version"],
                  date=i18n.date(package_date(pkg).date(), lang), url=url)


def latest_edition(pkg: DataPackage) -> int:
    """The latest measurement with a published figure: the one the council edition reports."""
    results = pkg["results"]
    return int(results.loc[results["value"].notna(), "edition"].max())


def earlier_editions(pkg: DataPackage) -> list[int]:
    """The measurements with a published figure before the latest: each has a council edition of its own."""
    results = pkg["results"]
    measured = sorted({int(e) for e in results.loc[results["value"].notna(), "edition"]})
    return measured[:-1]


def as_of(pkg: DataPackage, edition: int) -> DataPackage:
    """The package as it stood once measurement ``edition`` was published: later measurements and what came
    with them (errata, findings, wordings, context years) left out. An indicator the survey first measured
    later is left out too (nothing says it was planned then), and one marked measured without a figure by then
    counts as not measured yet. An earlier measurement's council edition is made from it."""
    results = pkg["results"]
    measured = set(results.loc[results["value"].notna() & (results["edition"] <= edition), "indicator_id"])
    later = set(results.loc[results["value"].notna(), "indicator_id"]) - measured
    tables = {}
    for name, frame in pkg.tables.items():
        column = "edition" if "edition" in frame.columns else "year" if name == "context" else None
        if column is not None:
            when = pd.to_numeric(frame[column], errors="coerce")
            frame = frame[when.isna() | (when <= edition)]
        if "indicator_id" in frame.columns:
            frame = frame[~frame["indicator_id"].isin(later)]
        tables[name] = frame
    indicators = tables["indicators"].copy()
    indicators.loc[(indicators["status"] == "measured") & ~indicators["indicator_id"].isin(measured),
                   "status"] = "not_measured"
    tables["indicators"] = indicators
    # Marked, so that what it says of later plans speaks of that measurement, not of today.
    descriptor = {**pkg.descriptor, "monitor": {**pkg.settings, "as_of": edition}}
    return DataPackage(pkg.path, descriptor, tables)


def council_file(pkg: DataPackage, lang: str, scope: Scope | None = None) -> str:
    """The council edition (``council``) in ``lang``: at its measurement's address, or in ``scope``."""
    return (scope or edition_scope(latest_edition(pkg))).pdf(pkg, lang)


def main_downloads(pkg: DataPackage) -> list[tuple[str, str, dict]]:
    """The downloads the open-data page lists and the catalogue describes: (path under data/, kind, values)."""
    found: list[tuple[str, str, dict]] = [(council_file(pkg, lang), f"download_council_{lang}", {"format": "pdf"})
                                          for lang in i18n.LANGUAGES]
    found += [(edition_scope(e).pdf(pkg, lang), f"download_council_edition_{lang}", {"edition": e, "format": "pdf"})
              for e in earlier_editions(pkg) for lang in i18n.LANGUAGES]
    found.append((zip_name(pkg), "download_package", {}))
    scopes = [(ALL, "download_table", {}), (LATEST, "download_latest", {})]
    scopes += [(edition_scope(int(e)), "download_edition", {"edition": int(e)})
               for e in sorted(pkg["editions"]["edition"])]
    for scope, kind, values in scopes:
        found += [(scope.file(pkg, fmt), kind, {**values, "format": fmt}) for fmt in FORMATS]
    if not pkg["registrations"].empty:
        found += [(COUNTED.file(pkg, fmt), "download_counted", {"format": fmt}) for fmt in COUNTED_FORMATS]
    return found


def catalogue_files(pkg: DataPackage, sizes: dict[str, int]) -> list[tuple[str, str, dict]]:
    """Every download the catalogue describes: the main ones, then each indicator's and each measurement's as
    first published, as far as they were written (``sizes``). Values may differ per language ({lang: text})."""
    found = list(main_downloads(pkg))
    found += [(council_file(pkg, lang, LATEST), f"download_council_latest_{lang}", {"format": "pdf"})
              for lang in i18n.LANGUAGES]
    titles = pkg["indicators"].set_index("indicator_id")
    for ident in pkg["indicators"].sort_values(["goal_id", "order"])["indicator_id"]:
        scope = indicator_scope(ident)
        title = {lang: titles.at[ident, f"title_{lang}"] for lang in i18n.LANGUAGES}
        found += [(scope.file(pkg, fmt), "download_indicator", {"indicator": title, "format": fmt})
                  for fmt in FORMATS if scope.file(pkg, fmt) in sizes]
    for edition in sorted(int(e) for e in pkg["errata"]["edition"].unique()):
        scope = first_published_scope(edition)
        found += [(scope.file(pkg, fmt), "download_first_published_edition", {"edition": edition, "format": fmt})
                  for fmt in FORMATS if scope.file(pkg, fmt) in sizes]
    return [(rel, kind, values) for rel, kind, values in found if rel in sizes]


def describe(kind: str, values: dict, lang: str) -> str:
    """A download in words, with its format: one description per file, never one for several formats."""
    words = {k: v[lang] if isinstance(v, dict) else v for k, v in values.items() if k != "format"}
    return f"{i18n.t(lang, kind, **words)} ({i18n.t(lang, 'format_' + values.get('format', 'zip'))})"


def counted_citation(pkg: DataPackage, lang: str, sources: list[str], url: str) -> str:
    """The citation of counted figures: the site with version and date, and the registers with their dates."""
    return i18n.t(lang, "cite_counted", publisher=pkg.settings[f"publisher_{lang}"], year=package_date(pkg).year,
                  title=pkg.settings[f"title_{lang}"], version=pkg.descriptor["version"],
                  date=i18n.date(package_date(pkg).date(), lang), sources="; ".join(sources), url=url)
