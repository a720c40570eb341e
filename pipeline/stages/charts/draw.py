"""Draw Vega-Lite specs as SVG and PNG offline with vl-convert, through a content-addressed cache.

The cache key is the hash of the spec, the locale and the renderer's version, so an unchanged chart is
never drawn twice, and any change to data, wording, theme or renderer draws it anew. Entries are
kept by ``pipeline.memo`` (atomic, with a checksum checked on every read): a damaged or half-written entry
is drawn again, never published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import vl_convert as vlc
from markupsafe import Markup

from pipeline.engine.memo import Memo
from pipeline.engine.workers import Context, Workers
from pipeline.text.templating import html_environment
from pipeline.words.i18n import SETTINGS

PNG_SCALE = 2
_INNER_ARIA = re.compile(r'\s(?:role|aria-[a-z]+)="[^"]*"')
_SVG_OPEN = re.compile(r"<svg\b([^>]*)>")
_CLIP_ID = re.compile(r'(id="|url\(#)(clip\d+)')


@dataclass(frozen=True)
class Drawing:
    """Where one drawing of a chart goes, and what its accessible SVG is called: ``svg`` and the PNG beside it."""

    svg: Path
    ident: str
    title: str
    description: str


@dataclass
class Drawer:
    """Draws specs, through the cache when it has one; counts hits and misses so the build can report them."""

    cache: Path | None = None
    hits: int = 0
    misses: int = 0

    def key(self, spec: dict, lang: str) -> str:
        return _store(Context(), self.cache).key(SETTINGS[lang]["locale"], PNG_SCALE, spec)

    def draw(self, spec: dict, lang: str) -> tuple[str, bytes]:
        """The raw SVG text and the PNG bytes (at 2×) of a spec in a language's number format."""
        return self.draw_all([(spec, lang)])[0]

    def draw_all(self, jobs: list[tuple[dict, str]], workers: Workers | None = None) -> list[tuple[str, bytes]]:
        """The drawing of every (spec, language) job, in order, on all cores (the build's ``workers``, or this
        process alone)."""
        drawn = (workers or Workers(Context(), parallel=False)).map(
            _draw_job, [(spec, lang, self.cache) for spec, lang in jobs])
        self._count([hit for _, _, hit in drawn])
        return [(svg, png) for svg, png, _ in drawn]

    def write_all(self, jobs: list[tuple[dict, str, Drawing]], workers: Workers | None = None,
                  png: bool = True) -> None:
        """Draw every (spec, language, where) job and write it there, with its PNG unless ``png`` is false.
        Each process reads, draws and writes its own share, so a warm build's two gigabytes of kept drawings
        are read on every core and never sent between processes, and each drawing is let go as soon as it is
        written."""
        self._count((workers or Workers(Context(), parallel=False)).map(
            _write_job, [(spec, lang, self.cache, where, png) for spec, lang, where in jobs]))

    def _count(self, hits: list[bool]) -> None:
        self.hits += sum(hits)
        self.misses += len(hits) - sum(hits)


def _memo(_: Context, cache: Path | None) -> Memo:
    return Memo(cache, "drawings", prose=False)


def _store(context: Context, cache: Path | None) -> Memo:
    return context.once(_memo, cache)  # one per process and stage: its key's prefix is hashed once


def _drawing(context: Context, spec: dict, lang: str, cache: Path | None,
             with_png: bool = True) -> tuple[str, bytes, bool]:
    """(SVG, PNG, whether it was kept): one entry holds both, the SVG's length first. Without ``with_png`` (an
    earlier measurement's PDF needs only the SVG, and the PNG takes as long again) the entry is the SVG alone,
    under a key of its own."""
    store = _store(context, cache)
    key = store.key(SETTINGS[lang]["locale"], PNG_SCALE if with_png else 0, spec)
    kept = store.get(key)
    if kept is not None:
        length = int.from_bytes(kept[:8], "little")
        return kept[8:8 + length].decode("utf-8"), kept[8 + length:], True
    svg = vlc.vegalite_to_svg(spec, format_locale=SETTINGS[lang]["locale"])
    png = vlc.svg_to_png(svg, scale=PNG_SCALE) if with_png else b""
    text = svg.encode("utf-8")
    store.put(key, len(text).to_bytes(8, "little") + text + png)
    return svg, png, False


def _draw_job(context: Context, job: tuple[dict, str, Path | None]) -> tuple[str, bytes, bool]:
    return _drawing(context, *job)


def _write_job(context: Context, job: tuple[dict, str, Path | None, Drawing, bool]) -> bool:
    spec, lang, cache, where, with_png = job
    svg, png, kept = _drawing(context, spec, lang, cache, with_png)
    where.svg.write_text(accessible_svg(svg, where.ident, where.title, where.description), encoding="utf-8")
    if with_png:
        where.svg.with_suffix(".png").write_bytes(png)
    return kept


def accessible_svg(svg: str, ident: str, title: str, description: str) -> str:
    """Make the SVG one image for assistive technology: role img, a title and a description.

    Vega marks every group with ARIA roles meant for interactive views; inside a static image they only
    add noise for screen readers, so they are removed and the image is named by its own title and desc.
    """
    body = _INNER_ARIA.sub("", svg)
    # Vega numbers clip paths per process (so per worker); number them per chart instead, and prefix them,
    # so several charts can share one page and the same chart always has the same bytes.
    numbers: dict[str, int] = {}
    body = _CLIP_ID.sub(lambda m: f'{m.group(1)}{ident}-clip{numbers.setdefault(m.group(2), len(numbers) + 1)}',
                        body)
    match = _SVG_OPEN.search(body)
    attributes = re.sub(r'\sclass="[^"]*"', "", match.group(1))
    if "xlink:" not in body:  # declared but never used; inside an HTML page the render leaves it as a bare
        attributes = re.sub(r'\sxmlns:xlink="[^"]*"', "", attributes)  # "xlink" attribute, which is invalid
    opening = _svg_opening().render(attributes=Markup(attributes), ident=ident, title=title,
                                    description=description).strip()
    return body[: match.start()] + opening + body[match.end():]


@cache
def _svg_opening():
    return html_environment(Path(__file__).parent).get_template("svg_open.html")
