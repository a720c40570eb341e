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

from . import tokens

ASSETS = tokens.ROOT / "site" / "assets"
SEARCH_LIBRARY = "minisearch/dist/umd/index.js"
_CHARSET = re.compile(r'@charset "[^"]*";\n?')  # only allowed first in a file
_RANGE = re.compile(r"[U+0-9A-Fa-f, -]+")


def _installed(relative: str) -> Path:
    path = tokens.NODE_MODULES / relative
    if not path.is_file():
        raise tokens.TokenError(f"{path} is missing: run `npm ci` in the project folder (`make build` does).")
    return path


def _font_faces(settings: dict, fonts: Path) -> str:
    """``@font-face`` rules under the theme's own font name, for the files copied into ``fonts``."""
    family = tokens.font().split(",")[0].strip().strip("'\"")
    rules = []
    for entry in settings.get("font-files", []):
        source = _installed(entry["file"])
        if not _RANGE.fullmatch(entry["unicode-range"]):
            raise tokens.TokenError(f"{tokens.FILE}: unicode-range {entry['unicode-range']!r} is not a list of ranges")
        shutil.copyfile(source, fonts / source.name)
        rules.append(f"@font-face {{ font-family: '{family}'; font-style: normal; font-weight: 100 900; "
                     f"font-display: swap; src: url(fonts/{source.name}) format('woff2');\n"
                     f"  unicode-range: {entry['unicode-range']}; }}")
    return "\n".join(rules) + "\n"


def write(target: Path) -> None:
    """The site's ``assets`` folder: the project's own files, ``site.css``, the font files and the search
    library."""
    settings = tokens.load()
    shutil.copytree(ASSETS, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("monitor.css"))
    (target / "fonts").mkdir(exist_ok=True)
    theme_css = _installed(f"{tokens.theme()['package']}/dist/theme.css")
    parts = [f"/* {theme_css.relative_to(tokens.NODE_MODULES)} */\n" + theme_css.read_text(encoding="utf-8"),
             _font_faces(settings, target / "fonts")]
    parts += [f"/* {name} */\n" + _CHARSET.sub("", _installed(name).read_text(encoding="utf-8"))
              for name in settings["components"]]
    parts += [tokens.css(), (ASSETS / "monitor.css").read_text(encoding="utf-8")]
    (target / "site.css").write_text("\n".join(parts), encoding="utf-8")
    shutil.copyfile(_installed(SEARCH_LIBRARY), target / "minisearch.js")
