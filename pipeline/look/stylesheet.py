"""The site's assets: one stylesheet and the font, assembled from the NL Design System packages.

Everything a page loads comes from this project's own folder (npm installs the packages, the build copies
what the pages use), never from a CDN. One stylesheet for both languages: the theme's tokens, the font's
``@font-face`` rules, the components the pages use (``components`` in ``site/tokens.yaml``), the monitor's
tokens and ``site/assets/monitor.css``. The search page's library is copied beside it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from pipeline.look import tokens
from pipeline.paths import ASSETS, NODE_MODULES

SEARCH_LIBRARY = "minisearch/dist/umd/index.js"
_CHARSET = re.compile(r'@charset "[^"]*";\n?')  # only allowed first in a file
_RANGE = re.compile(r"[U+0-9A-Fa-f, -]+")
_FAMILY = re.compile(r"[A-Za-z0-9 ]+")


def _font_faces(files: list[dict], fonts: Path, family: str | None = None) -> str:
    """``@font-face`` rules under ``family`` (the theme's own font name by default), for the files copied
    into ``fonts``."""
    family = family or tokens.font().split(",")[0].strip().strip("'\"")
    if not _FAMILY.fullmatch(family):
        raise tokens.TokenError(f"{tokens.FILE}: font family {family!r} must be letters, digits and spaces")
    rules = []
    for entry in files:
        source = tokens.installed(entry["file"], ".woff2", "font file")
        if not _RANGE.fullmatch(entry["unicode-range"]):
            raise tokens.TokenError(f"{tokens.FILE}: unicode-range {entry['unicode-range']!r} is not a list of ranges")
        shutil.copyfile(source, fonts / source.name)
        weight = str(entry.get("weight", "100 900"))
        if not re.fullmatch(r"[1-9]00( [1-9]00)?", weight):
            raise tokens.TokenError(f"{tokens.FILE}: font weight {weight!r} is not a weight such as 400 or 100 900")
        rules.append(f"@font-face {{ font-family: '{family}'; font-style: normal; font-weight: {weight}; "
                     f"font-display: swap; src: url(fonts/{source.name}) format('woff2');\n"
                     f"  unicode-range: {entry['unicode-range']}; }}")
    return "\n".join(rules) + "\n"


def write(target: Path) -> None:
    """The site's ``assets`` folder: the project's own files, ``site.css``, the font files and the search
    library."""
    settings = tokens.load()
    shutil.copytree(ASSETS, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("monitor.css"))
    (target / "fonts").mkdir(exist_ok=True)
    theme_css = tokens.installed(f"{tokens.theme()['package']}/dist/theme.css", ".css", "theme")
    parts = [f"/* {theme_css.relative_to(NODE_MODULES)} */\n" + theme_css.read_text(encoding="utf-8"),
             _font_faces(settings.get("font-files", []), target / "fonts")]
    parts += [f"/* {name} */\n" + _CHARSET.sub("", tokens.installed(name, ".css", "component").read_text("utf-8"))
              for name in settings["components"]]
    parts += [tokens.css(), (ASSETS / "monitor.css").read_text(encoding="utf-8")]
    (target / "site.css").write_text("\n".join(parts), encoding="utf-8")
    # A script's font, for the pages written in it only: the font of the page, then the theme's.
    selector = "." + tokens.theme()["class"]
    for script, entry in settings.get("script-fonts", {}).items():
        if not re.fullmatch(r"[a-z]{4}", script):
            raise tokens.TokenError(f"{tokens.FILE}: script {script!r} must be a four-letter code such as arab")
        faces = _font_faces(entry["files"], target / "fonts", entry["family"])
        stack = f"'{entry['family']}', {tokens.font()}"
        (target / f"fonts-{script}.css").write_text(
            f"{faces}{selector} {{ --utrecht-document-font-family: {stack}; --monitor-font: {stack}; }}\n"
            f"{selector} body, {selector} body * {{ font-family: {stack}; }}\n",  # components name their own font
            encoding="utf-8")
    shutil.copyfile(tokens.installed(SEARCH_LIBRARY, ".js", "search library"), target / "minisearch.js")
