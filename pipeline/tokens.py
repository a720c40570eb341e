"""The design tokens of ``site/tokens.yaml``: read once, checked, and written as CSS custom properties.

The site's stylesheet, the embeds and the chart theme all take their colours and font from here, so the
municipality's own tokens can replace ours in one file.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

FILE = Path(__file__).resolve().parent.parent / "site" / "tokens.yaml"
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_NAME = re.compile(r"[a-z][a-z0-9-]*")
_FONT = re.compile(r'[A-Za-z0-9 ,"\'-]+')


class TokenError(ValueError):
    pass


@cache
def load() -> dict:
    """The tokens, refused with the offending name if a value could break out of a CSS declaration."""
    tokens = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    if not _FONT.fullmatch(str(tokens.get("font", ""))):
        raise TokenError(f"{FILE}: 'font' must be a list of font names")
    for name, value in tokens.get("colours", {}).items():
        if not _NAME.fullmatch(str(name)) or not _COLOUR.fullmatch(str(value)):
            raise TokenError(f"{FILE}: colour {name!r} needs a lowercase name and a six-digit hex value")
    return tokens


def colour(name: str) -> str:
    return load()["colours"][name]


def font() -> str:
    return load()["font"]


def css() -> str:
    """``:root`` with one custom property per token, for the site and (inline) for the embeds."""
    lines = [f"  --monitor-font: {font()};"]
    lines += [f"  --monitor-{name}: {value};" for name, value in load()["colours"].items()]
    return "/* Written by the build from site/tokens.yaml; edit that file. */\n:root {\n" + "\n".join(lines) + "\n}\n"
