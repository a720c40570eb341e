"""The site's assets: one stylesheet and the font, assembled from the NL Design System packages.

Everything a page loads comes from this project's own folder (npm installs the packages, the build copies
what the pages use), never from a CDN. One stylesheet for both languages: the theme's tokens, the font's
``@font-face`` rules, the components the pages use (``components`` in ``site/tokens.yaml``), the monitor's
tokens and ``site/assets/monitor.css``. The search page's library is copied beside it.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

from fontTools import subset

from pipeline.look import tokens
from pipeline.paths import ASSETS, NODE_MODULES

SEARCH_LIBRARY = "minisearch/dist/umd/index.js"
_CHARSET = re.compile(r'@charset "[^"]*";\n?')  # only allowed first in a file
_RANGE = re.compile(r"[U+0-9A-Fa-f, -]+")
_FAMILY = re.compile(r"[A-Za-z0-9 ]+")
_TOKEN_LINE = re.compile(r"\s*(--[\w-]+)\s*:[^;{}]*;\s*(/\*[^*]*\*/)?\s*")  # one custom property, one line
_VAR = re.compile(r"var\(\s*(--[\w-]+)")


def _used_tokens(theme: str, rest: str) -> str:
    """The theme's stylesheet with only the custom properties the rest of the site's CSS reads, directly or
    through another property: the theme defines some 1,200 of which the pages use a few hundred (89 KB of
    the stylesheet's 187 KB, all render-blocking)."""
    values = {m[1]: m[0] for line in theme.splitlines() if (m := _TOKEN_LINE.fullmatch(line))}
    used, todo = set(), _VAR.findall(rest)
    while todo:
        name = todo.pop()
        if name not in used:
            used.add(name)
            todo += _VAR.findall(values.get(name, ""))
    return "\n".join(line for line in theme.splitlines()
                     if not (m := _TOKEN_LINE.fullmatch(line)) or m[1] in used) + "\n"


def _theme_family() -> str:
    return tokens.font().split(",")[0].strip().strip("'\"")


def _font_faces(files: list[dict], fonts: Path, family: str | None = None) -> str:
    """``@font-face`` rules under ``family`` (the theme's own font name by default), for the files copied
    into ``fonts``."""
    family = family or _theme_family()
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


def _ranges(text: str) -> list[tuple[int, int]]:
    """A unicode-range (``U+0600-06FF, U+200C``) as (first, last) code points."""
    found = []
    for part in text.replace("U+", "").replace(" ", "").split(","):
        first, _, last = part.partition("-")
        found.append((int(first, 16), int(last or first, 16)))
    return found


def _named_glyphs(script: str, entry: dict, names: str, fonts: Path) -> str:
    """An ``@font-face`` under the theme's font name with only the glyphs of ``names`` in the script (the
    summaries' language names, which every page's language menu shows): a kilobyte instead of the script's
    whole font, so no page shows empty boxes where a reader's system has no font for the script."""
    first = entry["files"][0]
    ranges = _ranges(first["unicode-range"])
    text = "".join(sorted({c for c in names if any(a <= ord(c) <= b for a, b in ranges)}))
    if not text:
        return ""
    options = subset.Options()
    options.flavor, options.layout_features = "woff2", ["*"]  # keep the shaping (Arabic joins its letters)
    font = subset.load_font(str(tokens.installed(first["file"], ".woff2", "font file")), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    written = io.BytesIO()
    subset.save_font(font, written, options)
    (fonts / f"names-{script}.woff2").write_bytes(written.getvalue())
    return (f"@font-face {{ font-family: '{_theme_family()}'; font-style: normal; font-weight: 100 900; "
            f"font-display: swap; src: url(fonts/names-{script}.woff2) format('woff2');\n"
            f"  unicode-range: {first['unicode-range']}; }}\n")


def write(target: Path, names: str = "") -> None:
    """The site's ``assets`` folder: the project's own files, ``site.css``, the font files and the search
    library. ``names``: words in other scripts that pages in any language show (the summaries' language
    names); their glyphs come with ``site.css``."""
    settings = tokens.load()
    shutil.copytree(ASSETS, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("monitor.css"))
    (target / "fonts").mkdir(exist_ok=True)
    theme_css = tokens.installed(f"{tokens.theme()['package']}/dist/theme.css", ".css", "theme")
    parts = [_font_faces(settings.get("font-files", []), target / "fonts")]
    parts += [_named_glyphs(script, entry, names, target / "fonts")
              for script, entry in settings.get("script-fonts", {}).items()]
    parts += [f"/* {name} */\n" + _CHARSET.sub("", tokens.installed(name, ".css", "component").read_text("utf-8"))
              for name in settings["components"]]
    parts += [tokens.css(), (ASSETS / "monitor.css").read_text(encoding="utf-8")]
    theme = _used_tokens(theme_css.read_text(encoding="utf-8"), "\n".join(parts))
    (target / "site.css").write_text("\n".join([f"/* {theme_css.relative_to(NODE_MODULES)} (the properties the site "
                                                 f"uses) */\n{theme}", *parts]), encoding="utf-8")
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
