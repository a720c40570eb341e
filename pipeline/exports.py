"""Stage 3, exports: the downloads journalists and researchers use.

The indicator table as Parquet, CSV and XLSX; one CSV per indicator; the same per edition at a fixed
address (``data/<edition>/``) and the newest at ``data/latest/``; and the whole data package as a zip whose
descriptor records each file's size and hash.

No download carries a live formula: XLSX text cells are always stored as text, and in CSV files a text
cell that a spreadsheet would read as a formula (it starts with =, +, -, @ or a tab) gets a leading
apostrophe, as OWASP's guidance on CSV injection advises. The data dictionary says so.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from .escape import spreadsheet
from .package import DataPackage

TABLE = "indicators"
METADATA = Path(__file__).parent / "metadata"


@cache
def column_docs() -> dict[str, dict[str, str]]:
    return yaml.safe_load((METADATA / "indicator_table.yaml").read_text(encoding="utf-8"))


def zip_name(pkg: DataPackage) -> str:
    return f"{pkg.descriptor['name']}.zip"


def _write_xlsx(table: pd.DataFrame, path: Path, pkg: DataPackage) -> None:
    """Numbers stay numeric cells, so Dutch Excel shows them with a decimal comma by itself."""
    docs = column_docs()
    columns = pd.DataFrame({"column": list(table.columns),
                            "beschrijving": [docs[c]["nl"] for c in table.columns],
                            "description": [docs[c]["en"] for c in table.columns]})
    licence = pkg.descriptor["licenses"][0]
    about = pd.DataFrame({"": ["title", "publisher", "licence", "version", "source"],
                          " ": [pkg.settings["title_nl"], pkg.settings["publisher_nl"],
                                f"{licence['title']} ({licence['path']})", pkg.descriptor["version"],
                                pkg.descriptor.get("homepage", "")]})
    frame = table.copy()
    frame["status"] = frame["status"].astype(str)
    frame["change_caveat"] = frame["change_caveat"].astype(object).where(frame["change_caveat"].notna(), None)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="data", index=False, freeze_panes=(1, 0))
        columns.to_excel(writer, sheet_name="columns", index=False)
        about.to_excel(writer, sheet_name="about", index=False)
        for sheet in writer.book.worksheets:
            _text_never_formula(sheet)


def _text_never_formula(sheet) -> None:
    """openpyxl stores any text starting with '=' as a formula; data is text, so store it as text."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """The canonical CSV (UTF-8, comma, decimal point), with formula-like text cells neutralised."""
    text = frame.select_dtypes(include=["object", "string", "category"]).columns
    frame.assign(**{c: frame[c].map(spreadsheet) for c in text}).to_csv(path, index=False, encoding="utf-8",
                                                                       lineterminator="\n")


def write_table(table: pd.DataFrame, folder: Path, pkg: DataPackage, name: str = TABLE) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{name}.parquet", folder / f"{name}.csv", folder / f"{name}.xlsx"]
    table.to_parquet(paths[0], index=False)
    write_csv(table, paths[1])
    _write_xlsx(table, paths[2], pkg)
    return paths


def _hash(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def write_package_zip(pkg: DataPackage, target: Path) -> Path:
    """The data package as published: descriptor with ``bytes`` and ``hash`` for every resource."""
    descriptor = json.loads(json.dumps(pkg.descriptor))
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for resource in descriptor["resources"]:
            source = pkg.root / resource["path"]
            resource["bytes"] = source.stat().st_size
            resource["hash"] = _hash(source)
            archive.write(source, resource["path"])
        archive.writestr("datapackage.json", json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n")
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


def run(pkg: DataPackage, table: pd.DataFrame, out: Path) -> list[Path]:
    data = out / "data"
    written = write_table(table, data, pkg)
    per_indicator = data / "indicators"
    per_indicator.mkdir(parents=True, exist_ok=True)
    for indicator_id, rows in table.groupby("indicator_id", sort=False, observed=True):
        path = per_indicator / f"{indicator_id}.csv"
        write_csv(rows, path)
        _write_xlsx(rows, per_indicator / f"{indicator_id}.xlsx", pkg)
        written += [path, per_indicator / f"{indicator_id}.xlsx"]
    editions = sorted(int(e) for e in pkg["editions"]["edition"])
    for edition in editions:
        written += write_table(table[table["edition"] == edition], data / str(edition), pkg)
    if editions:
        written += write_table(table[table["edition"] == editions[-1]], data / "latest", pkg)
    original = as_first_published(pkg)
    if original is not None:
        from .indicators import build_table

        first = build_table(original)
        for edition in sorted(int(e) for e in pkg["errata"]["edition"].unique()):
            written += write_table(first[first["edition"] == edition], data / str(edition) / "first-published", pkg)
    written.append(write_package_zip(pkg, data / zip_name(pkg)))
    return written
