"""Stage 3, downloads: the files journalists and researchers use.

The indicator table for all measurements, per measurement at a fixed address (``data/<edition>/``), the
latest figure per indicator and group (``data/latest/``), per indicator, and as first published before a
correction; the whole data package as a zip; and a DCAT-AP description of all of it, each file named as
``publication`` names it. Each table comes as:
- CSV (UTF-8, comma, decimal point): the canonical file for scripts;
- CSV for Dutch Excel (UTF-8 with BOM, semicolon, decimal comma), which opens correctly by double-click;
- XLSX in Dutch and in English: column labels in the language, percentages as percentages, numbers as
  numbers, a sheet describing the columns and a sheet with source, licence and citation;
- Parquet, with the table's own types.

No download carries a live formula: XLSX text cells are always stored as text, and in CSV files a text
cell that a spreadsheet would read as a formula (it starts with =, +, -, @ or a tab) gets a leading
apostrophe, as OWASP's guidance on CSV injection advises. The data dictionary says so. Files carry the
package's date, not the build's, so the same data gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from pipeline.engine.memo import Memo, RowHashes
from pipeline.engine.output import inside
from pipeline.engine.workers import Workers
from pipeline.model import addresses, counted
from pipeline.model.indicators import COLUMNS, SHOWN, build_table
from pipeline.model.package import DataPackage
from pipeline.model.publication import (
    ALL,
    COUNTED,
    COUNTED_FORMATS,
    COUNTED_SMALL,
    FORMATS,
    LATEST,
    SMALL_FORMATS,
    Scope,
    citation,
    column_docs,
    edition_scope,
    first_published_scope,
    indicator_scope,
    package_date,
    zip_name,
)
from pipeline.model.tables import Tables
from pipeline.text.escape import FORMULA_START, spreadsheet
from pipeline.words import i18n

PERCENT_COLUMNS = ("value", "ci_low", "ci_high")


def latest_per_group(table: pd.DataFrame) -> pd.DataFrame:
    """Per indicator and group, the row of the latest measurement that has a figure (or, if none, the last)."""
    shown = table["status"].isin(SHOWN)
    ranked = table.assign(_shown=shown).sort_values(["_shown", "edition"], kind="stable")
    latest = ranked.groupby(["indicator_id", "group_id"], observed=True, sort=False).tail(1)
    return table.loc[sorted(latest.index)]


def write_csv(frame: pd.DataFrame, path: Path, risky: list[str] | None = None) -> None:
    """The canonical CSV (UTF-8, comma, decimal point), with formula-like text cells neutralised."""
    _neutralised(frame, risky).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def write_excel_csv(frame: pd.DataFrame, path: Path, risky: list[str] | None = None) -> None:
    """A CSV that Dutch Excel opens by double-click: byte-order mark, semicolons and decimal commas."""
    _neutralised(frame, risky).to_csv(path, index=False, sep=";", decimal=",", encoding="utf-8-sig",
                                      lineterminator="\r\n")


def risky_columns(frame: pd.DataFrame) -> list[str]:
    """The text columns with a cell a spreadsheet would read as a formula (``escape.spreadsheet``)."""
    text = frame.select_dtypes(include=["object", "string", "category"]).columns
    return [c for c in text if frame[c].astype(object).str.startswith(FORMULA_START, na=False).any()]


def _neutralised(frame: pd.DataFrame, risky: list[str] | None = None) -> pd.DataFrame:
    """The frame with every formula-like text cell quoted; ``risky``: the columns that may have one, when
    known for the whole table (checking each of a thousand small tables again costs seconds)."""
    risky = risky_columns(frame) if risky is None else risky
    return frame.assign(**{c: frame[c].astype(object).map(spreadsheet) for c in risky})


def write_xlsx(frame: pd.DataFrame, path: Path, pkg: DataPackage, lang: str, cite: str) -> None:
    """Typed cells, column labels in ``lang``, percentages formatted as such; text is never a formula.

    XlsxWriter keeps the workbook in memory until it is closed (about 180 MB for the whole table's 40,000
    rows at 1,000 indicators, against 70 MB row by row), so that a text repeated on every row (a title, a
    source) is stored once: that file is 6 % smaller and written 16 % faster. Each cell is written with the
    method of its type, so no text is ever read as a number, formula or link. It dates its zip members
    1980-01-31 and the workbook by ``created``: the same data gives the same bytes.
    """
    docs = column_docs()
    stamp = package_date(pkg)
    book = xlsxwriter.Workbook(path, {"strings_to_formulas": False, "strings_to_numbers": False,
                                      "strings_to_urls": False})
    book.set_properties({"created": stamp, "author": pkg.settings[f"publisher_{lang}"]})
    bold = book.add_format({"bold": True})
    percent_formats = {True: book.add_format({"num_format": "0%"}), False: book.add_format({"num_format": "0.0%"})}

    def put(sheet: Worksheet, row: int, column: int, value: object, style: Format | None = None) -> None:
        if _missing(value) or value == "":  # an empty cell, not a cell holding empty text
            return
        if isinstance(value, str):
            sheet.write_string(row, column, value, style)
        elif isinstance(value, bool):
            sheet.write_boolean(row, column, value, style)
        else:
            sheet.write_number(row, column, value, style)

    data = book.add_worksheet(i18n.t(lang, "sheet_data"))
    data.freeze_panes(1, 0)
    for column, name in enumerate(frame.columns):
        put(data, 0, column, docs[name][f"label_{lang}"], bold)
    percent = (frame["unit"] == "percent").to_numpy()
    records = frame.astype(object).where(frame.notna(), None).to_numpy()
    scaled = {i for i, c in enumerate(frame.columns) if c in PERCENT_COLUMNS}
    for row, (values, is_percent) in enumerate(zip(records, percent, strict=True), start=1):
        for column, value in enumerate(values):
            value = value.item() if hasattr(value, "item") else value
            if is_percent and column in scaled and value is not None:
                share = float(value) / 100
                put(data, row, column, share, percent_formats[float(value).is_integer()])
            else:
                put(data, row, column, value)
    described = book.add_worksheet(i18n.t(lang, "sheet_columns"))
    for column, key in enumerate(("col_label", "col_field", "col_description")):
        put(described, 0, column, i18n.t(lang, key), bold)
    for row, name in enumerate(frame.columns, start=1):
        for column, value in enumerate((docs[name][f"label_{lang}"], name, docs[name][lang])):
            put(described, row, column, value)
    about = book.add_worksheet(i18n.t(lang, "sheet_about"))
    licence = pkg.descriptor["licenses"][0]
    for row, (key, value) in enumerate((("about_title", pkg.settings[f"title_{lang}"]),
                                        ("about_publisher", pkg.settings[f"publisher_{lang}"]),
                                        ("about_licence", f"{licence['title']} ({licence['path']})"),
                                        ("about_version", pkg.descriptor["version"]),
                                        ("about_date", i18n.date(stamp.date(), lang)),
                                        ("about_cite", cite), ("about_percent", i18n.t(lang, "about_percent_text")),
                                        ("about_site", pkg.descriptor["homepage"]))):
        put(about, row, 0, i18n.t(lang, key), bold)
        put(about, row, 1, value)
    book.close()


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def workbook_memo(cache: Path | None) -> Memo:
    """Workbooks kept between builds: writing one costs far more than reading it back."""

    return Memo(cache, "workbooks", prose=False)


def write_parquet(table: pd.DataFrame, path: Path) -> None:
    """Parquet with each column's description (``indicator_table.yaml``) in its field metadata, so the file
    says, as the CSV's dictionary does, that a percentage is 0 to 100."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    docs = column_docs()
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    fields = [field.with_metadata({"description": docs[field.name]["en"], "description_nl": docs[field.name]["nl"]})
              if field.name in docs else field for field in arrow.schema]
    pq.write_table(arrow.cast(pa.schema(fields, metadata=arrow.schema.metadata)), path)


def write_table(table: pd.DataFrame, scope: Scope, data: Path, pkg: DataPackage, urls: dict[str, str],
                formats: tuple[str, ...] = tuple(FORMATS), memo: Memo | None = None,
                hashes: RowHashes | None = None, risky: list[str] | None = None) -> list[Path]:
    """One scope's rows in every format; returns the written paths. ``urls``: the page each language's
    workbook cites. ``hashes``: of the table the rows are
    from; ``risky``: the columns of that table with formula-like text (``risky_columns``)."""
    memo = memo or Memo(None)
    rows_key = hashes.of(table) if hashes is not None else table
    written = []
    editions = sorted(int(e) for e in table.loc[table["status"].isin(SHOWN), "edition"].unique())
    for fmt in formats:
        path = inside(data, scope.file(pkg, fmt))
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "csv":
            write_csv(table, path, risky)
        elif fmt == "excel":
            write_excel_csv(table, path, risky)
        elif fmt == "parquet":
            write_parquet(table, path)
        else:
            lang = fmt.removeprefix("xlsx_")
            cite = citation(pkg, lang, editions, urls[lang])
            key = memo.key(lang, rows_key, cite, pkg.settings, pkg.descriptor.get("licenses"),
                           pkg.descriptor["version"], pkg.descriptor["homepage"], package_date(pkg).isoformat())
            made = memo.get(key)
            if made is not None:
                path.write_bytes(made)
            else:
                write_xlsx(table, path, pkg, lang, cite)
                memo.put(key, path.read_bytes())
        written.append(path)
    return written


def write_counted(pkg: DataPackage, registered: pd.DataFrame, data: Path) -> list[Path]:
    """The figures counted in registers (the register table), as published (``counted.published``): all of them
    in CSV, CSV for Dutch Excel and Parquet, and each counted indicator's own in the two CSVs its page links."""
    if pkg["registrations"].empty:
        return []
    table = counted.published(pkg, registered)
    written = []
    jobs = [(table, COUNTED, COUNTED_FORMATS),
            *((rows, indicator_scope(str(i)), COUNTED_SMALL) for i, rows in table.groupby("indicator_id", sort=False))]
    for rows, scope, formats in jobs:
        for fmt in formats:
            path = inside(data, scope.file(pkg, fmt))
            path.parent.mkdir(parents=True, exist_ok=True)
            if fmt == "csv":
                write_csv(rows, path)
            elif fmt == "excel":
                write_excel_csv(rows, path)
            else:
                rows.to_parquet(path, index=False)
            written.append(path)
    return written


def _withheld(table: pd.DataFrame, source: Path) -> bytes:
    """registrations.csv as it may be published: the value and count of every figure the privacy rule
    withholds (``counted``) emptied, every other byte as the maintainer wrote it."""
    import csv
    import io

    hidden = table[table["status"].isin(["small", "derivable"])]
    keys = {(r.indicator_id, str(r.cohort), r.reference_date, r.group_id) for r in hidden.itertuples()}
    text = source.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    for row in rows:
        if (row["indicator_id"], row["cohort"], row["reference_date"], row["group_id"]) in keys:
            row["value"] = row["counted"] = ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else next(csv.reader(io.StringIO(text))),
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _member(name: str, stamp: tuple) -> zipfile.ZipInfo:
    """A plain file anyone may read once unzipped (zipfile's default leaves it to its owner alone)."""
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.external_attr = 0o100644 << 16
    return info


def write_package_zip(pkg: DataPackage, registered: pd.DataFrame, target: Path) -> Path:
    """The data package as published: only the declared resources, with what the register table (``registered``)
    withholds emptied, and a descriptor with their sizes and hashes."""
    descriptor = json.loads(json.dumps(pkg.descriptor))
    stamp = package_date(pkg).timetuple()[:6]
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for resource in descriptor["resources"]:
            source = pkg.root / resource["path"]
            data = _withheld(registered, source) if resource["name"] == "registrations" else source.read_bytes()
            resource["bytes"] = len(data)
            resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
            archive.writestr(_member(resource["path"], stamp), data, compress_type=zipfile.ZIP_DEFLATED)
        text = json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
        archive.writestr(_member("datapackage.json", stamp), text, compress_type=zipfile.ZIP_DEFLATED)
    return target


def as_first_published(pkg: DataPackage) -> DataPackage | None:
    """The package with every corrected value put back as first published (errata.csv), or None."""
    errata = pkg["errata"]
    if errata.empty:
        return None
    results = pkg["results"].copy()
    keyed = results.set_index(["indicator_id", "edition", "group_id"]).index
    for _, erratum in errata.sort_values("date", ascending=False).iterrows():
        position = keyed.get_loc((erratum["indicator_id"], erratum["edition"], erratum["group_id"]))
        results.loc[results.index[position], "value"] = erratum["old_value"]
    return DataPackage(pkg.path, pkg.descriptor, {**pkg.tables, "results": results})


@dataclass(frozen=True)
class Downloads:
    """What the downloads stage wrote: every file under ``data/`` and its size, for the open-data page."""

    sizes: dict[str, int]  # path under data/ (as ``publication`` names it) → bytes


def _scope_tables(context: Tables, cache: Path | None) -> tuple:
    """The published columns (``model/indicator_table.yaml``) and what each scope's job needs of them."""
    table = context.table[COLUMNS]
    return (table, RowHashes(table), risky_columns(table),
            dict(iter(table.groupby("indicator_id", sort=False, observed=True))), workbook_memo(cache))


def _write_scope(context: Tables, job: tuple[str, object, dict[str, str], Path, Path | None]) -> list[Path]:
    """One scope's downloads (``write_table``): a job for the workers."""
    kind, ident, urls, data, cache = job
    table, hashes, risky, by_indicator, memo = context.once(_scope_tables, cache)
    if kind == "indicator":
        rows, scope, formats = by_indicator[ident], indicator_scope(str(ident)), SMALL_FORMATS
    elif kind == "edition":
        rows, scope, formats = table[table["edition"] == ident], edition_scope(int(ident)), tuple(FORMATS)
    elif kind == "latest":
        rows, scope, formats = latest_per_group(table), LATEST, tuple(FORMATS)
    else:
        rows, scope, formats = table, ALL, tuple(FORMATS)
    return write_table(rows, scope, data, context.pkg, urls, formats, memo, hashes, risky)


def run(context: Tables, out: Path, cache: Path | None = None, workers: Workers | None = None) -> Downloads:
    """Every download, scope by scope on every core (the build's ``workers``, or this process alone);
    workbooks made before from the same rows are taken from ``cache``."""
    pkg, table = context.pkg, context.table
    data = out / "data"
    base = addresses.base_url(pkg)
    counted_ids = set(pkg["registrations"]["indicator_id"])  # their downloads are the counted ones
    # Each language's workbook cites that language's page.
    open_data = {lang: base + addresses.path(lang, "open_data") for lang in i18n.LANGUAGES}
    # The whole table and each measurement first: their workbooks take as long as hundreds of small ones.
    scopes = [("all", None, open_data), *(("edition", int(e), open_data) for e in sorted(pkg["editions"]["edition"])),
              ("latest", None, open_data),
              *(("indicator", i, {lang: base + addresses.path(lang, "indicator", i) for lang in i18n.LANGUAGES})
                for i in pd.unique(table["indicator_id"]) if i not in counted_ids)]
    jobs = [(kind, ident, urls, data, cache) for kind, ident, urls in scopes]
    parts = Workers.of(context, workers).map(_write_scope, jobs, chunksize=1)
    written = [path for part in parts for path in part]
    original = as_first_published(pkg)
    if original is not None:  # figures as first published, where an erratum corrected them
        first, memo = build_table(original)[COLUMNS], workbook_memo(cache)
        for edition in sorted(int(e) for e in pkg["errata"]["edition"].unique()):
            written += write_table(first[first["edition"] == edition], first_published_scope(edition), data, pkg,
                                   open_data, SMALL_FORMATS, memo)
    written += write_counted(pkg, context.counted, data)
    written.append(write_package_zip(pkg, context.counted, data / zip_name(pkg)))
    return Downloads({path.relative_to(data).as_posix(): path.stat().st_size for path in written})
