"""Write docs/validation.md, every problem ``monitor validate`` can report, from ``pipeline/validation/problems.yaml``.

Never edited by hand: run ``python tools/validation_reference.py`` after changing the catalogue; a test fails
while the page and the catalogue disagree (as for docs/cli.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "validation.md"
sys.path.insert(0, str(ROOT))

CHECKS = {
    "descriptor": "datapackage.json itself",
    "schema": "frictionless, against each file's Table Schema",
    "cells": "the monitor's reading of every cell",
    "contract": "the monitor's contract (`pipeline/model/contract.yaml`)",
    "rules": "the monitor's own rules (`pipeline/validation/rules.py`)",
    "site": "the check of the site's own texts and the summaries (`pipeline/validation/site_texts.py`)",
    "published": "the comparison with what is published: the package on the main branch "
                 "(`pipeline/validation/published.py`)",
}


def _checks(entry: dict) -> list[str]:
    found = entry["checked_by"]
    return [found] if isinstance(found, str) else found


def _cell(text: str) -> str:
    """Our own words in a Markdown table cell: only the column separator needs escaping."""
    return text.replace("|", "\\|")


def reference() -> str:
    from pipeline.validation.problems import catalogue, message

    parts = ["# What `monitor validate` can report", "",
             "Generated from `pipeline/validation/problems.yaml` by `tools/validation_reference.py`; do not edit by "
             "hand. Each problem names its file, spreadsheet row (the header is row 1) and field, then its words "
             "and, in brackets, the code below. The checks run in this order; the monitor's rules run only once "
             "the files match their schemas.", ""]
    entries = catalogue()
    for check, what in CHECKS.items():
        codes = [code for code, entry in entries.items() if _checks(entry)[0] == check]
        parts += [f"## Found by {what}", "", "| Code | Problem | Example | What to do |", "| --- | --- | --- | --- |"]
        for code in codes:
            entry = entries[code]
            example = message(code, **entry["example"])
            parts.append(f"| `{code}` | {_cell(entry['title'])} | {_cell(example)} | {_cell(entry['fix'])} |")
        parts.append("")
    return "\n".join(parts)


if __name__ == "__main__":
    TARGET.parent.mkdir(exist_ok=True)
    TARGET.write_text(reference(), encoding="utf-8")
    print(TARGET)
