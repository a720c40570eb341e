"""Test of the test suite: a routine data pull request must keep ``make test`` green without a test edit.

    python tools/data_change_drill.py edition|erratum|indicator|registration [--keep]

Copies the repository (its tracked and new files) into a temporary folder, makes in its live package the
change a maintainer makes (a scaffolded and filled new edition, a corrected figure with its erratum, a new
measured indicator, the first figures counted in a register), checks that ``monitor validate`` accepts it,
and runs the whole test suite there with this checkout's environment. Exit 0 when every test passed. It
takes as long as the suite itself, so it is run by ``make drill`` and the workflow's weekly job, not by
every ``make test``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2026


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _monitor(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=repo, env=_env(repo),
                          capture_output=True, text=True, check=False)


def _env(repo: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(repo)}


def _bump(repo: Path, version: Callable[[str], str]) -> None:
    descriptor = json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["version"] = version(descriptor["version"])
    (repo / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n",
                                           encoding="utf-8")


def new_edition(repo: Path) -> None:
    """``monitor new-edition``, then every empty row filled as the maintainer would from the new report."""
    done = _monitor(repo, "new-edition", str(YEAR))
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    data = repo / "data"
    fields, editions = _rows(data / "editions.csv")
    previous = editions[-2]
    editions[-1].update(fieldwork_nl="oktober 2025", fieldwork_en="October 2025", invited="950",
                        method_notes_nl=previous["method_notes_nl"], method_notes_en=previous["method_notes_en"],
                        source_url=f"https://onderzoek.utrecht.nl/rapportage-inburgering-{YEAR}")
    _write(data / "editions.csv", fields, editions)
    fields, results = _rows(data / "results.csv")
    for row in results:
        if row["edition"] == str(YEAR):
            earlier = [r for r in results if r["indicator_id"] == row["indicator_id"]
                       and r["group_id"] == row["group_id"] and r["edition"] != str(YEAR) and r["value"]]
            base = float(earlier[-1]["value"]) if earlier else 50.0
            template = earlier[-1] if earlier else next(r for r in results if r["indicator_id"] == row["indicator_id"])
            row.update(value=f"{min(100.0, base + 3):g}", source_chapter=template["source_chapter"],
                       source_figure=template["source_figure"], reference_year=template["reference_year"],
                       source_url=f"https://onderzoek.utrecht.nl/rapportage-inburgering-{YEAR}")
    _write(data / "results.csv", fields, results)


def erratum(repo: Path) -> None:
    """One published figure corrected, with its erratum and a raised version."""
    data = repo / "data"
    fields, results = _rows(data / "results.csv")
    row = next(r for r in results if r["indicator_id"] == "zenuwachtig" and r["value"])
    old, new = row["value"], f"{float(row['value']) + 1:g}"
    row["value"] = new
    _write(data / "results.csv", fields, results)
    fields, errata = _rows(data / "errata.csv")
    errata.append({"date": "2026-03-02", "edition": row["edition"], "indicator_id": row["indicator_id"],
                   "group_id": row["group_id"], "old_value": old, "new_value": new,
                   "description_nl": "Overschrijffout in het rapport hersteld.",
                   "description_en": "A transcription error in the report corrected."})
    _write(data / "errata.csv", fields, errata)
    _bump(repo, lambda v: ".".join([*v.split(".")[:2], str(int(v.split(".")[2]) + 1)]))


def new_indicator(repo: Path) -> None:
    """A new measured indicator in the first goal, with figures for both compared groups."""
    data = repo / "data"
    fields, indicators = _rows(data / "indicators.csv")
    template = next(r for r in indicators if r["indicator_id"] == "betaald-werk")
    order = max(int(r["order"]) for r in indicators if r["goal_id"] == template["goal_id"]) + 1
    indicators.append({**template, "indicator_id": "opleiding-volgen", "order": str(order),
                       "title_nl": "Een opleiding volgen", "title_en": "Following a course",
                       "wording_kind": "caption",
                       "wording_nl": "Aandeel inburgeraars dat een opleiding volgt",
                       "wording_en": "Share of newcomers who follow a course",
                       "definition_nl": "Aandeel inburgeraars dat zegt een opleiding te volgen.",
                       "definition_en": "Share of newcomers who say they follow a course.",
                       "statement_nl": "volgt een opleiding", "statement_en": "follow a course",
                       "note_nl": "", "note_en": ""})
    _write(data / "indicators.csv", fields, indicators)
    fields, results = _rows(data / "results.csv")
    source = next(r for r in results if r["indicator_id"] == "betaald-werk" and r["edition"] == "2025")
    for group, value in (("asielstatushouders", "22"), ("gezinsmigranten", "35")):
        results.append({**source, "indicator_id": "opleiding-volgen", "group_id": group, "value": value})
    _write(data / "results.csv", fields, results)
    _bump(repo, lambda v: ".".join([v.split(".")[0], str(int(v.split(".")[1]) + 1), "0"]))


def first_registration(repo: Path) -> None:
    """The first counted figures, as docs/registration.md says: the two resources copied from the test
    package, one register, time to the diploma per group for one cohort (made-up values), the indicator measured."""
    fixture = json.loads((repo / "tests" / "registration" / "datapackage.json").read_text(encoding="utf-8"))
    descriptor = json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] += [r for r in fixture["resources"] if r["name"] in ("registers", "registrations")]
    (repo / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n",
                                           encoding="utf-8")
    data = repo / "data"
    _write(data / "registers.csv", ["register_id", "title_nl", "title_en", "description_nl", "description_en",
                                    "source_url"],
           [{"register_id": "gemeente", "title_nl": "Gemeente Utrecht, registratie inburgering",
             "title_en": "City of Utrecht, civic integration records",
             "description_nl": "Wie in Utrecht inburgeringsplichtig is en wanneer het diploma is gehaald.",
             "description_en": "Who in Utrecht is subject to the requirement and when the diploma was obtained.",
             "source_url": "https://onderzoek.utrecht.nl/registratie-inburgering"}])
    fields = ["indicator_id", "group_id", "cohort", "reference_date", "statistic", "value", "counted",
              "register_id", "source_url"]
    _write(data / "registrations.csv", fields,
           [{"indicator_id": "tijd-tot-diploma", "group_id": group, "cohort": "2022", "reference_date": "2026-01-01",
             "statistic": "median", "value": value, "counted": counted, "register_id": "gemeente",
             "source_url": "https://onderzoek.utrecht.nl/registratie-inburgering"}
            for group, value, counted in (("asielstatushouders", "26.5", "412"), ("gezinsmigranten", "19", "233"))])
    fields, indicators = _rows(data / "indicators.csv")
    for row in indicators:
        if row["indicator_id"] == "tijd-tot-diploma":
            row.update(status="measured", statement_nl="om het inburgeringsdiploma te halen",
                       statement_en="to obtain the civic integration diploma",
                       definition_nl="Hoeveel maanden het duurt van het begin van de plicht tot het diploma.",
                       definition_en="How many months it takes from the start of the requirement to the diploma.",
                       note_nl="", note_en="")  # what was written while there were no figures goes
    _write(data / "indicators.csv", fields, indicators)
    _bump(repo, lambda v: ".".join([v.split(".")[0], str(int(v.split(".")[1]) + 1), "0"]))


SCENARIOS = {"edition": new_edition, "erratum": erratum, "indicator": new_indicator,
             "registration": first_registration}


def copy_repository(target: Path) -> Path:
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-co", "--exclude-standard", "-z"],
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    if (ROOT / ".tools").is_dir():  # actionlint, installed by make test
        shutil.copytree(ROOT / ".tools", target / ".tools", symlinks=True)
    if (ROOT / "node_modules").is_dir():  # the site's look, installed by make test; read, never changed
        (target / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    return target


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("scenario", choices=sorted(SCENARIOS))
    options.add_argument("--keep", action="store_true", help="keep the copy and print where it is")
    args = options.parse_args()
    folder = Path(tempfile.mkdtemp(prefix=f"drill-{args.scenario}-"))
    try:
        repo = copy_repository(folder / "repo")
        SCENARIOS[args.scenario](repo)
        checked = _monitor(repo, "validate")
        print(checked.stdout.strip())
        if checked.returncode != 0:
            print(f"drill {args.scenario}: the scripted change is not valid", file=sys.stderr)
            return 1
        tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=repo,
                               env=_env(repo), check=False)
        print(f"drill {args.scenario}: the test suite {'passed' if tests.returncode == 0 else 'FAILED'}")
        return tests.returncode
    finally:
        if args.keep:
            print(f"kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
