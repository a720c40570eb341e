"""Write docs/cli.md, the reference of the ``monitor`` command, from its own argument parser.

The reference is never edited by hand: run ``python tools/cli_reference.py`` after changing a command,
and a test fails while the file and the parser disagree (the way sqlite-utils keeps its docs with cog).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "cli.md"
sys.path.insert(0, str(ROOT))


def reference() -> str:
    from unittest import mock

    from pipeline.cli import parser

    # argparse wraps help text to the terminal's width: make it the same everywhere
    with mock.patch.dict("os.environ", {"COLUMNS": "100"}):
        main = parser()
        commands = next(a for a in main._actions if a.dest == "command")  # argparse has no public accessor
        parts = ["# The `monitor` command", "",
                 "Generated from the command's own parser by `tools/cli_reference.py`; do not edit by hand.", "",
                 "```text", main.format_help().rstrip(), "```", ""]
        for name, sub in commands.choices.items():
            parts += [f"## `monitor {name}`", "", "```text", sub.format_help().rstrip(), "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    TARGET.parent.mkdir(exist_ok=True)
    TARGET.write_text(reference(), encoding="utf-8")
    print(TARGET)
