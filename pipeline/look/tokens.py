"""The design tokens of ``site/tokens.yaml``, fed by the NL Design System theme it names.

The site's stylesheet, the embeds, the chart theme and the PDF edition all take their colours and font
from here. The theme's values come from its npm package (``node_modules/<package>/dist/variables.json``),
so switching the theme is one setting; every value is checked, because it is written into CSS and SVG.
"""

from __future__ import annotations

import colorsys
import json
import re
from functools import cache
from pathlib import Path

import yaml

from pipeline.errors import TokenError
from pipeline.paths import NODE_MODULES, TOKENS

FILE = TOKENS
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_HSL = re.compile(r"hsl\(\s*([\d.]+)(?:deg)?[\s,]+([\d.]+)%[\s,]+([\d.]+)%\s*\)")
_NAME = re.compile(r"[a-z][a-z0-9-]*")
_FONT = re.compile(r'[A-Za-z0-9 ,"\'-]+')
_CLASS = re.compile(r"[a-z][a-z0-9-]*")


def _hex(value: str, where: str) -> str:
    """A theme's colour (``#rrggbb`` or ``hsl(h s% l%)``) as ``#rrggbb``: what SVG, Typst and CSS all read."""
    value = str(value).strip()
    if _COLOUR.fullmatch(value):
        return value.lower()
    found = _HSL.fullmatch(value)
    if not found:
        raise TokenError(f"{where}: {value!r} is not a colour the build can use (#rrggbb or hsl())")
    hue, saturation, lightness = (float(part) for part in found.groups())
    red, green, blue = colorsys.hls_to_rgb(hue / 360 % 1, lightness / 100, saturation / 100)
    return "#" + "".join(f"{round(channel * 255):02x}" for channel in (red, green, blue))


def package_dir(package: str) -> Path:
    return NODE_MODULES / package


@cache
def load() -> dict:
    """The resolved tokens: ``theme`` (its settings), ``font``, ``chart-font`` and ``colours`` (all hex).

    Refused, naming the file and the token, when the theme is not installed or a value could break out of
    a CSS declaration.
    """
    raw = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    name = raw.get("theme")
    theme = raw.get("themes", {}).get(name)
    if not theme:
        raise TokenError(f"{FILE}: theme {name!r} is not one of the themes listed under 'themes'")
    if not _CLASS.fullmatch(str(theme.get("class", ""))):
        raise TokenError(f"{FILE}: theme {name!r} needs a class name in lowercase letters, digits and hyphens")
    variables_file = package_dir(theme["package"]) / "dist" / "variables.json"
    if not variables_file.is_file():
        raise TokenError(f"{FILE}: the theme {name!r} comes from the npm package {theme['package']}, which is not "
                         "installed: run `npm ci` in the project folder (`make build` and `make test` do).")
    variables = json.loads(variables_file.read_text(encoding="utf-8"))

    def variable(token: str) -> str:
        if token not in variables:
            raise TokenError(f"{FILE}: theme {name!r} has no token {token!r} in {variables_file}")
        return variables[token]

    colours = {key: _hex(variable(token), f"{FILE}: colour {key!r} ({token})")
               for key, token in theme.get("colours", {}).items()}
    colours |= {key: _hex(value, f"{FILE}: colour {key!r}") for key, value in raw.get("colours", {}).items()}
    fonts = {"font": str(variable(theme["font"])), "chart-font": str(raw.get("chart-font", ""))}
    for key, value in fonts.items():
        if not _FONT.fullmatch(value):
            raise TokenError(f"{FILE}: {key!r} must be a list of font names, not {value!r}")
    for key in colours:
        if not _NAME.fullmatch(str(key)):
            raise TokenError(f"{FILE}: colour {key!r} needs a lowercase name")
    found = {"name": name, "theme": theme, "colours": colours, **fonts,
             "components": raw.get("components", []), "font-files": raw.get("font-files", []),
             "script-fonts": raw.get("script-fonts", {})}
    for number, component in enumerate(found["components"], start=1):
        installed(component, ".css", f"components, entry {number}")
    files = [("font-files", entry) for entry in found["font-files"]]
    files += [(f"script-fonts.{script}", entry) for script, fonts in found["script-fonts"].items()
              for entry in (fonts.get("files", []) if isinstance(fonts, dict) else [None])]
    for where, entry in files:
        installed(entry.get("file") if isinstance(entry, dict) else None, ".woff2", f"{where}, file")
    return found


def installed(relative: object, suffix: str, where: str) -> Path:
    """A file of an npm package, named from ``node_modules/``, that the site may copy: nothing outside
    ``node_modules/``, and only the kind of file the setting is for (a stylesheet, a web font)."""
    text = relative if isinstance(relative, str) else ""
    path = (NODE_MODULES / text).resolve()
    if not text.endswith(suffix) or Path(text).is_absolute() or ".." in Path(text).parts \
            or not path.is_relative_to(NODE_MODULES.resolve()):
        raise TokenError(f"{FILE}: {where} {relative!r} must name a {suffix} file of an installed npm package, "
                         f"from node_modules/ on (such as @scope/package/dist/file{suffix})")
    if not path.is_file():
        raise TokenError(f"{NODE_MODULES / text} is missing: run `npm ci` in the project folder (`make build` "
                         "does), or correct the name in site/tokens.yaml")
    return NODE_MODULES / text


def colour(name: str) -> str:
    return load()["colours"][name]


def font() -> str:
    return load()["font"]


def chart_font() -> str:
    return load()["chart-font"]


def first_font_file(files: list[dict] | None = None) -> str:
    """Where the site keeps the first of the font's files (Latin: the text of every page), under ``assets/``, for
    pages to ask for it before the stylesheet names it."""
    entry = (files if files is not None else load()["font-files"])[0]
    return "assets/fonts/" + Path(str(entry["file"])).name


def script_fonts() -> dict:
    """Per script (``arab``, ``ethi``): the font family and its files, for the pages written in it."""
    return load()["script-fonts"]


def theme() -> dict:
    return load()["theme"]


def css() -> str:
    """``:root`` with one custom property per token, for the site and (inline) for the embeds."""
    lines = [f"  --monitor-font: {font()};", f"  --monitor-chart-font: {chart_font()};"]
    lines += [f"  --monitor-{name}: {value};" for name, value in load()["colours"].items()]
    return "/* Written by the build from site/tokens.yaml; edit that file. */\n:root {\n" + "\n".join(lines) + "\n}\n"
