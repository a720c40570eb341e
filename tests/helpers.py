"""What the tests share: where the packages are, small edits to a copied package, and the package variants that
are built once per test run (``conftest.built``).

Exact values are tested on the frozen package in ``tests/package/``; the live package in the repository changes
every year and gets invariant checks only (``tests/model/test_live_package.py``).
"""

from __future__ import annotations

import csv
import functools
import http.server
import importlib.util
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "tests" / "reference"  # the published figures, kept with the tests (see its README)
FIXTURE = ROOT / "tests" / "package" / "datapackage.json"  # the frozen package (tests/package/README.md)
REGISTRATION = ROOT / "tests" / "registration" / "datapackage.json"  # made-up counted figures
LIVE = ROOT / "datapackage.json"
# The reference file names topics in words; the catalogue gives them ids. This mapping is the only knowledge
# the reference tests add: every value, group, edition and source is read from the reference file.
TOPICS = {
    "taalles volgen": "taalles",
    "nut taallessen (contact en/of zelf dingen doen)": "taalles-contact-of-zelfstandig",
    "nut taallessen (zelf dingen doen)": "taalles-zelfstandig",
    "betaald werk": "betaald-werk",
    "tevredenheid niveau Nederlands spreken": "tevreden-niveau-nederlands",
    "spanning bij Nederlands spreken": "spanning-nederlands-spreken",
    "problemen dagelijks leven door moeite met Nederlands spreken": "problemen-door-taal",
    "ervaren gezondheid": "ervaren-gezondheid",
    "problemen dagelijks leven door lichamelijke gezondheid": "problemen-lichamelijke-gezondheid",
    "zenuwachtig (mentaal welzijn)": "zenuwachtig",
}
NEEDS_QUARTO = pytest.mark.skipif(
    shutil.which("quarto") is None,
    reason="Quarto is not installed on this machine; the rendered site is tested in the GitHub workflow, which "
           "installs it with quarto-dev/quarto-actions")


# ---- a copied package, edited -----------------------------------------------------------------------------

def copy_package(target: Path, source: Path = FIXTURE) -> Path:
    """Copy a data package (the frozen test package unless told) into ``target`` (replacing it); returns the
    descriptor path."""
    shutil.rmtree(target, ignore_errors=True)
    (target / "data").mkdir(parents=True)
    shutil.copy(source, target / "datapackage.json")
    for csv_file in (source.parent / "data").glob("*.csv"):
        shutil.copy(csv_file, target / "data" / csv_file.name)
    return target / "datapackage.json"


def read_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def write_rows(path: Path, rows: list[dict[str, str]], fieldnames: list[str] | None = None) -> None:
    fieldnames = fieldnames or list(rows[0].keys())
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def edit_csv(package: Path, name: str, change: Callable[[list[dict[str, str]]], list[dict[str, str]] | None]):
    """Apply ``change`` to the rows of ``data/<name>.csv`` in the copied package."""
    path = package.parent / "data" / f"{name}.csv"
    rows = read_rows(path)
    fieldnames = list(rows[0].keys()) if rows else next(csv.reader(path.open(encoding="utf-8")))
    result = change(rows)
    write_rows(path, rows if result is None else result, fieldnames)


def edit_descriptor(package: Path, change: Callable[[dict], None]) -> None:
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    change(descriptor)
    try:
        package.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")
    except UnicodeEncodeError:  # a lone surrogate, on purpose: JSON can still carry it as an escape
        package.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def add_edition(package: Path, year: int, method_changed: bool = False) -> None:
    """A measurement of ``year``; the package is dated that year when it was dated earlier (a measurement is
    added once its report is out)."""
    def dated(descriptor):
        if int(descriptor["created"][:4]) + 1 < year:
            descriptor["created"] = f"{year}-12-01T00:00:00Z"

    edit_descriptor(package, dated)

    def change(rows):
        return [*rows, {**rows[-1], "edition": str(year), "published": str(year), "method_changed":
                        str(method_changed).lower(), "title_nl": f"Rapportage Inburgering {year}",
                        "title_en": f"Civic Integration Report {year}"}]

    edit_csv(package, "editions", change)


def set_results(package: Path, updates: dict[tuple[str, int, str], dict[str, str]]) -> None:
    """Set fields of result rows by (indicator, edition, group); rows that do not exist are added."""

    def change(rows):
        for (indicator, edition, group), values in updates.items():
            row = next((r for r in rows if (r["indicator_id"], r["edition"], r["group_id"])
                        == (indicator, str(edition), group)), None)
            if row is None:
                template = next(r for r in rows if r["indicator_id"] == indicator)
                row = {**template, "edition": str(edition), "group_id": group, "n": "", "reference_year": ""}
                rows.append(row)
            row.update(values)
        return rows

    edit_csv(package, "results", change)


def tables_of(package: Path):
    """The validate and indicators stages alone: what every later stage reads (``model.tables.Tables``)."""
    from pipeline.build import validated
    from pipeline.stages import indicators

    return indicators.run(validated(package))


def story_of(package: Path, out: Path) -> dict[str, list[dict]]:
    """The findings per language, from the stages the story needs (validate, the tables, the story): a test of
    the sentences pays for no charts, downloads or pages."""
    from pipeline.stages import story

    return story.run(tables_of(package), out)


def downloads_of(package: Path, out: Path) -> Path:
    """The downloads stage alone (after validate and the tables); returns the folder of the files."""
    from pipeline.stages import downloads

    downloads.run(tables_of(package), out)
    return out / "data"


def small_package(target: Path, only: tuple[str, ...] = ()) -> Path:
    """A copy of the frozen package with one measured indicator per goal (or ``only`` these), and what refers
    to them: a build of it takes a fraction of a full one, so a property test can afford many examples."""
    package = copy_package(target)
    indicators = read_rows(package.parent / "data" / "indicators.csv")
    kept: dict[str, str] = {}
    for row in sorted(indicators, key=lambda r: int(r["order"])):
        if row["status"] == "measured":
            kept.setdefault(row["goal_id"], row["indicator_id"])
    ids = set(only) or set(kept.values())
    edit_csv(package, "indicators", lambda rows: [r for r in rows if r["indicator_id"] in ids])
    for name in ("results", "research", "errata", "wordings"):
        edit_csv(package, name, lambda rows: [r for r in rows if r.get("indicator_id", "") in ids | {""}])
    return package


# ---- the package variants every test run builds once (``conftest.built``) ------------------------------------

SCRIPT = 'x"><script>alert(1)</script>'


def _hostile(package: Path) -> None:
    """Script, Markdown, YAML, fences and formulas in titles, notes and labels."""
    def indicators(rows):
        rows[0].update(title_nl=SCRIPT, title_en="=HYPERLINK(\"https://evil.example\",\"klik\")",
                       note_nl="regel\n```\n# Kop\n<img src=x onerror=alert(1)>", definition_en="*a* `b` ---\n---")

    edit_csv(package, "indicators", indicators)
    edit_csv(package, "goals", lambda rows: rows[0].update(title_nl="Werk: [link](javascript:alert(1)) <b>x</b>"))
    edit_csv(package, "groups", lambda rows: rows[0].update(label_en="@SUM(A1) 'refugees' \"quoted\""))


def _decimal(package: Path) -> None:
    """A decimal value, a suppressed group with its count, and a third measurement."""
    set_results(package, {("spanning-nederlands-spreken", 2025, "asielstatushouders"): {"value": "45.5"},
                          ("problemen-door-taal", 2025, "gezinsmigranten"): {"value": "", "n": "12",
                                                                             "suppressed": "true"}})
    add_edition(package, 2026)


def _changed(package: Path) -> None:
    """A third measurement with decimals and respondent counts: the site must follow with no code change."""
    add_edition(package, 2026)
    set_results(package, {("problemen-door-taal", 2025, "asielstatushouders"): {"n": "300"},
                          ("problemen-door-taal", 2026, "asielstatushouders"): {"value": "75.5", "n": "300"},
                          ("problemen-door-taal", 2026, "gezinsmigranten"): {"value": "49"}})


def _trend(package: Path) -> None:
    """A third measurement in which problems rise and health improves, with respondent counts."""
    add_edition(package, 2026, method_changed=False)
    set_results(package, {
        ("problemen-door-taal", 2025, "asielstatushouders"): {"n": "200"},
        ("problemen-door-taal", 2026, "asielstatushouders"): {"value": "80", "n": "200"},
        ("ervaren-gezondheid", 2025, "asielstatushouders"): {"n": "200"},
        ("ervaren-gezondheid", 2026, "asielstatushouders"): {"value": "70", "n": "210"},
        ("ervaren-gezondheid", 2026, "gezinsmigranten"): {"value": "72", "n": "190"},
        ("spanning-nederlands-spreken", 2026, "asielstatushouders"): {"value": "79"},
        ("spanning-nederlands-spreken", 2026, "gezinsmigranten"): {"value": "70"},
    })


def _edge(package: Path) -> None:
    """Long labels, values at 0, 1, 99 and 100%, equal values, four groups, one group, six measurements."""
    edit_csv(package, "groups", lambda rows: rows[0].update(
        label_en="refugees with a residence permit and the family members who joined them later",
        label_nl="asielstatushouders met hun nareizende gezinsleden die later naar Nederland kwamen"))
    edit_csv(package, "indicators", lambda rows: [r.update(
        title_en="Problems in daily life because speaking Dutch is hard, at work, at school and at the doctor's",
        title_nl="Problemen in het dagelijks leven doordat Nederlands spreken moeilijk is, op werk en bij de dokter")
        for r in rows if r["indicator_id"] == "problemen-door-taal"] and None)
    updates = {("betaald-werk", 2025, "asielstatushouders"): {"value": "0"},
               ("betaald-werk", 2025, "gezinsmigranten"): {"value": "100"},
               ("problemen-lichamelijke-gezondheid", 2025, "asielstatushouders"): {"value": "1"},
               ("problemen-lichamelijke-gezondheid", 2025, "gezinsmigranten"): {"value": "99"},
               ("spanning-nederlands-spreken", 2025, "asielstatushouders"): {"value": "70"},
               ("problemen-door-taal", 2025, "inburgeraars"): {"value": "50"},
               ("problemen-door-taal", 2025, "utrechters_18plus"): {"value": "51", "reference_year": "2024"}}
    for year in range(2026, 2030):
        add_edition(package, year)
        for group, value in (("asielstatushouders", 52 + year - 2026), ("gezinsmigranten", 53 + year - 2026),
                             ("utrechters_18plus", 54)):
            updates[("ervaren-gezondheid", year, group)] = {"value": str(value), "reference_year":
                                                            str(year - 1) if group == "utrechters_18plus" else ""}
    set_results(package, updates)


# name → (the package it starts from, how it is changed, whether it is rendered with Quarto when there is one)
VARIANTS: dict[str, tuple[Path, Callable[[Path], None] | None, bool]] = {
    "frozen": (FIXTURE, None, True),
    "hostile": (FIXTURE, _hostile, False),
    "decimal": (FIXTURE, _decimal, False),
    "changed": (FIXTURE, _changed, False),
    "trend": (FIXTURE, _trend, False),
    "edge": (FIXTURE, _edge, False),
    "registration": (REGISTRATION, None, False),
}


def load_tool(name: str):
    """A script from ``tools/`` as a module (tools are run as files, not imported as a package)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---- the rendered site, served from a sub-path as on GitHub Pages (tests that need Quarto) ----------------

SUB_PATH = "/monitor-inburgering/"


class SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site under SUB_PATH only, like a GitHub Pages project site."""

    def translate_path(self, path):
        if not path.startswith(SUB_PATH):
            return "/nonexistent"
        return super().translate_path("/" + path[len(SUB_PATH):])

    def log_message(self, *args):
        pass


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """A server of ``site`` under ``SUB_PATH`` on a free local port, and the site's address."""
    handler = functools.partial(SubPathHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    return server, f"http://127.0.0.1:{server.server_address[1]}{SUB_PATH}"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def problems(run_cli, package: Path) -> list[dict]:
    code, out, err = run_cli("validate", package, "--json")
    assert code == 1, (out, err)
    assert "Traceback" not in out + err
    return json.loads(out)["problems"]
