"""Draw Vega-Lite specs as SVG and PNG offline with vl-convert, through a content-addressed cache.

The cache key is the hash of the spec, the locale and the renderer's version, so an unchanged chart is
never drawn twice, and any change to data, wording, theme or renderer draws it anew. Entries are
kept by ``pipeline.memo`` (atomic, with a checksum checked on every read): a damaged or half-written entry
is drawn again, never published.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import vl_convert as vlc
from markupsafe import Markup

from .i18n import SETTINGS
from .memo import Memo
from .workers import Context, Workers

PNG_SCALE = 2
_INNER_ARIA = re.compile(r'\s(?:role|aria-[a-z]+)="[^"]*"')
_SVG_OPEN = re.compile(r"<svg\b([^>]*)>")
_CLIP_ID = re.compile(r'(id="|url\(#)(clip\d+)')


@dataclass
class Drawer:
    """Draws specs; counts cache hits and misses so the build can report them."""

    cache: Path | None = None
    hits: int = 0
    misses: int = 0

    def __post_init__(self) -> None:
        self._store = Memo(self.cache, "drawings")

    def key(self, spec: dict, lang: str) -> str:
        return self._store.key(SETTINGS[lang]["locale"], PNG_SCALE, spec)

    def draw(self, spec: dict, lang: str) -> tuple[str, bytes]:
        """The raw SVG text and the PNG bytes (at 2×) of a spec in a language's number format."""
        return self.draw_all([(spec, lang)])[0]

    def draw_all(self, jobs: list[tuple[dict, str]], workers: Workers | None = None) -> list[tuple[str, bytes]]:
        """Every (spec, language) job, in order (``draw_each``)."""
        results: list[tuple[str, bytes] | None] = [None] * len(jobs)
        self.draw_each(jobs, results.__setitem__, workers)
        return results

    def draw_each(self, jobs: list[tuple[dict, str]], take: Callable[[int, tuple[str, bytes]], None],
                  workers: Workers | None = None) -> None:
        """``take(i, (svg, png))`` for the i-th (spec, language) job as soon as it is drawn, in no particular
        order: from the cache where possible, the rest on all cores (the build's ``workers``, or this process
        alone). Each drawing can be written and let go: a thousand indicators' drawings are two gigabytes."""
        keys = [self.key(spec, lang) for spec, lang in jobs]
        missing = []
        for i, key in enumerate(keys):
            found = self._read(key) if self.cache else None
            if found is None:
                missing.append(i)
            else:
                take(i, found)
        self.hits += len(jobs) - len(missing)
        self.misses += len(missing)

        def drawn(j: int, result: tuple[str, bytes]) -> None:
            if self.cache:
                self._write(keys[missing[j]], result[0].encode("utf-8"), result[1])
            take(missing[j], result)

        (workers or Workers(Context(None, None), parallel=False)).each(_draw, [jobs[i] for i in missing], drawn)

    def _read(self, key: str) -> tuple[str, bytes] | None:
        svg, png = self._store.get(f"{key}.svg"), self._store.get(f"{key}.png")
        return (svg.decode("utf-8"), png) if svg is not None and png is not None else None

    def _write(self, key: str, svg: bytes, png: bytes) -> None:
        self._store.put(f"{key}.svg", svg)
        self._store.put(f"{key}.png", png)


def _draw(_: Context, job: tuple[dict, str]) -> tuple[str, bytes]:
    spec, lang = job
    svg = vlc.vegalite_to_svg(spec, format_locale=SETTINGS[lang]["locale"])
    return svg, vlc.svg_to_png(svg, scale=PNG_SCALE)


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
    opening = _svg_opening().render(attributes=Markup(attributes), ident=ident, title=title,
                                    description=description).strip()
    return body[: match.start()] + opening + body[match.end():]


@cache
def _svg_opening():
    from .templating import html_environment

    return html_environment().get_template("svg_open.html")
