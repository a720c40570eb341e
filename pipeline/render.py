"""Render Vega-Lite specs to SVG and PNG offline with vl-convert, through a content-addressed cache.

The cache key is the hash of the spec, the locale and the renderer's version, so an unchanged chart is
never rendered twice, and any change to data, wording, theme or renderer renders it anew.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

import vl_convert as vlc

LOCALES = {"nl": "nl-NL", "en": "en-US"}
PNG_SCALE = 2
_INNER_ARIA = re.compile(r'\s(?:role|aria-[a-z]+)="[^"]*"')
_SVG_OPEN = re.compile(r"<svg\b([^>]*)>")
_CLIP_ID = re.compile(r'(id="|url\(#)(clip\d+)')


@dataclass
class Renderer:
    """Renders specs; counts cache hits and misses so the build can report them."""

    cache: Path | None = None
    hits: int = 0
    misses: int = 0

    def key(self, spec: dict, lang: str) -> str:
        text = json.dumps(spec, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(f"{vlc.__version__}|{LOCALES[lang]}|{PNG_SCALE}|{text}".encode()).hexdigest()

    def render(self, spec: dict, lang: str) -> tuple[str, bytes]:
        """The raw SVG text and the PNG bytes (at 2×) of a spec in a language's number format."""
        key = self.key(spec, lang)
        if self.cache:
            svg_path, png_path = self.cache / f"{key}.svg", self.cache / f"{key}.png"
            if svg_path.exists() and png_path.exists():
                self.hits += 1
                return svg_path.read_text(encoding="utf-8"), png_path.read_bytes()
        self.misses += 1
        svg = vlc.vegalite_to_svg(spec, format_locale=LOCALES[lang])
        png = vlc.svg_to_png(svg, scale=PNG_SCALE)
        if self.cache:
            self.cache.mkdir(parents=True, exist_ok=True)
            svg_path.write_text(svg, encoding="utf-8")
            png_path.write_bytes(png)
        return svg, png


def accessible_svg(svg: str, ident: str, title: str, description: str) -> str:
    """Make the SVG one image for assistive technology: role img, a title and a description.

    Vega marks every group with ARIA roles meant for interactive views; inside a static image they only
    add noise for screen readers, so they are removed and the image is named by its own title and desc.
    """
    body = _INNER_ARIA.sub("", svg)
    # Vega numbers clip paths per process; prefix them so several charts can share one page.
    body = _CLIP_ID.sub(lambda m: f'{m.group(1)}{ident}-{m.group(2)}', body)
    match = _SVG_OPEN.search(body)
    attributes = re.sub(r'\sclass="[^"]*"', "", match.group(1))
    opening = (f'<svg{attributes} role="img" aria-labelledby="{ident}-title {ident}-desc" class="chart" '
               f'focusable="false"><title id="{ident}-title">{html.escape(title)}</title>'
               f'<desc id="{ident}-desc">{html.escape(description)}</desc>')
    return body[: match.start()] + opening + body[match.end():]
