"""Write a synthetic data package of any size, for the benchmark (never committed; written to a temp folder).

It reuses the real descriptor, so the schemas and rules are the ones in production, and fills every table
with plausible, valid rows: ``indicators`` indicators over the three goals, ``editions`` editions from 2024
on, and ``groups`` groups (two main groups, then a total, then reference groups).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _write(path: Path, rows: list[dict], descriptor: dict) -> None:
    """Columns in the order the real schema declares, so the generator follows schema changes."""
    resource = next(r for r in descriptor["resources"] if r["path"] == f"data/{path.name}")
    fields = [f["name"] for f in resource["schema"]["fields"]]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n", restval="")
        writer.writeheader()
        writer.writerows(rows)


def generate(target: Path, indicators: int, editions: int, groups: int, seed: int = 1, goals: int = 3) -> Path:
    """A valid package of ``indicators`` measured indicators spread over the first ``goals`` goals."""
    rng = random.Random(seed)
    data = target / "data"
    data.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "datapackage.json", target / "datapackage.json")
    for name in ("goals", "context_series", "context", "errata"):
        shutil.copy(ROOT / "data" / f"{name}.csv", data / f"{name}.csv")
    roles = ["main", "main", "total"] + ["reference"] * max(0, groups - 3)
    group_rows = [{"group_id": f"groep-{g}", "order": g + 1, "role": roles[g], "label_nl": f"groep {g}",
                   "label_en": f"group {g}", "phrase_nl": f"groep {g}", "phrase_en": f"group {g}",
                   "definition_nl": f"Groep {g}.", "definition_en": f"Group {g}."}
                  for g in range(groups)]
    edition_rows = [{"edition": 2024 + e, "title_nl": f"Monitor {2024 + e}", "title_en": f"Monitor {2024 + e}",
                     "published": 2024 + e, "fieldwork_nl": "oktober", "fieldwork_en": "October", "invited": 900,
                     "method_changed": "false", "method_notes_nl": "Enquête.", "method_notes_en": "Survey.",
                     "source_url": "https://example.org/monitor"} for e in range(editions)]
    goal_ids = ["werk", "taal", "dagelijks-leven"][:goals]
    indicator_rows, result_rows = [], []
    for i in range(indicators):
        indicator_id = f"indicator-{i:04d}"
        indicator_rows.append({
            "indicator_id": indicator_id, "goal_id": goal_ids[i % len(goal_ids)], "order": i + 1, "status": "measured",
            "source_kind": "survey", "unit": "percent",
            "polarity": ["higher_is_better", "lower_is_better", "neutral"][i % 3],
            "title_nl": f"Indicator {i}", "title_en": f"Indicator {i}", "wording_kind": "caption",
            "wording_nl": f"Figuur {i}", "wording_en": f"Figure {i}", "wording_source_nl": "Rapport, figuur 1",
            "wording_source_en": "Report, figure 1", "definition_nl": f"Aandeel {i}.", "definition_en": f"Share {i}.",
            "statement_nl": "doet iets", "statement_en": "do something"})
        for edition in edition_rows:
            for group in group_rows:
                result_rows.append({
                    "indicator_id": indicator_id, "edition": edition["edition"], "group_id": group["group_id"],
                    "value": round(rng.uniform(5, 95), 1), "n": rng.randint(60, 400), "population": "",
                    "reference_year": edition["edition"] - 1 if group["role"] == "reference" else "",
                    "suppressed": "false", "source_chapter": "1", "source_figure": "",
                    "source_url": "https://example.org/monitor"})
    descriptor = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
    for name, rows in (("groups", group_rows), ("editions", edition_rows), ("indicators", indicator_rows),
                       ("results", result_rows), ("research", []), ("wordings", [])):
        _write(data / f"{name}.csv", rows, descriptor)
    descriptor["name"] = "synthetic-monitor"
    last = 2024 + editions - 1  # dated the year of its last measurement, as a real package is
    descriptor["created"] = max(descriptor["created"], f"{last}-12-01T00:00:00Z")
    (target / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    return target / "datapackage.json"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("target", type=Path)
    parser.add_argument("--indicators", type=int, default=10)
    parser.add_argument("--editions", type=int, default=10)
    parser.add_argument("--groups", type=int, default=4)
    parser.add_argument("--goals", type=int, default=3, help="spread the indicators over this many goals (1-3)")
    args = parser.parse_args()
    print(generate(args.target, args.indicators, args.editions, args.groups, goals=args.goals))
