"""The catalogue of problems ``monitor validate`` reports (``validation/problems.yaml``), as data.

Each problem has a code, a title, a message template, a fix and an example; the checks name a problem by its
code and give the values its message places, so every message a maintainer can meet is written in one file,
from which ``docs/validation.md`` is generated (``tools/validation_reference.py``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

FILE = Path(__file__).parent / "problems.yaml"


@cache
def catalogue() -> dict[str, dict]:
    return yaml.safe_load(FILE.read_text(encoding="utf-8"))


QUOTED = ("cell", "value")  # the values that quote what a person typed: shown whole, spaces made visible
INVISIBLE = {" ": "␣", "\t": "⇥", "\n": "↵", "\r": "↵", "\u00a0": "⍽"}
MOST_SHOWN = 300


def shown(text: str) -> str:
    """A cell as typed, with what the eye cannot see made visible: spaces at either end (a cell that looks
    right but is not), tabs, line breaks, no-break spaces; a very long cell is cut, saying how long it is."""
    core = text.strip()
    start, end = text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):] if core else ""
    middle = "".join(INVISIBLE.get(c, c) if c in "\t\n\r\u00a0" else c for c in core)
    if len(middle) > MOST_SHOWN:
        middle = f"{middle[:MOST_SHOWN]}… ({len(text):,} characters)"
    return "".join(INVISIBLE.get(c, c) for c in start) + middle + "".join(INVISIBLE.get(c, c) for c in end)


def message(code: str, shape: str | None = None, **values: object) -> str:
    """The words for problem ``code`` (in another ``shape`` where it has one), with ``values`` placed."""
    entry = catalogue()[code]
    template = entry["messages"][shape] if shape else entry["message"]
    return template.format(**{k: shown(v) if k in QUOTED and isinstance(v, str) else v for k, v in values.items()})


def constraint(name: str, limit: str) -> str:
    """Frictionless's constraint ``name`` in words (``constraint-error``)."""
    words = catalogue()["constraint-error"]["constraints"]
    return words[name].format(limit=limit) if name in words else words["other"].format(name=name, limit=limit)


def checked_by(code: str, check: str) -> bool:
    """Whether ``check`` (schema, cells, descriptor, contract, rules) reports problem ``code``."""
    found = catalogue().get(code, {}).get("checked_by", [])
    return check in ([found] if isinstance(found, str) else found)
