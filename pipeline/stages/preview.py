"""Stage 9, preview: the site's ``.qmd`` sources rendered without Quarto, each into one plain frame.

It renders the very files Quarto renders, with a CommonMark reader (markdown-it-py) that understands the
few Pandoc extensions the pages use: fenced divs (``::: {.class}``), attributes on
links, spans and headings, definition lists and raw HTML blocks. The tests read the site here, and
anyone without Quarto can browse it from ``build/preview/``.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin

from pipeline.engine.memo import Memo
from pipeline.engine.output import inside, link_tree
from pipeline.engine.workers import Context, Workers
from pipeline.look import tokens
from pipeline.model import addresses
from pipeline.stages.pages import TEMPLATES, Page
from pipeline.text.templating import html_environment
from pipeline.words import i18n

_ATTRIBUTE = re.compile(r'([.#])([\w-]+)|([\w-]+)="([^"]*)"')
_HEADING_ATTRIBUTES = re.compile(r"\s*\{(#[\w-]+)\}\s*$")


def _attributes(text: str) -> dict[str, str]:
    """``{.a .b #c key="v"}`` as HTML attributes."""
    found: dict[str, str] = {}
    for mark, name, key, value in _ATTRIBUTE.findall(text):
        if mark == ".":
            found["class"] = f"{found['class']} {name}" if "class" in found else name
        elif mark == "#":
            found["id"] = name
        else:
            found[key] = value
    return found


def _div(self, tokens: list[Token], idx: int, options, env) -> str:
    """A fenced div with its attributes."""
    token = tokens[idx]
    if token.nesting != 1:
        return "</div>\n"
    token.attrs = _attributes(token.info)
    return self.renderToken(tokens, idx, options, env)


def _heading_ids(state) -> None:
    """Pandoc's ``## Heading {#id}``: the id goes on the heading, the braces out of its text."""
    for index, token in enumerate(state.tokens):
        if token.type != "heading_open":
            continue
        inline = state.tokens[index + 1]
        found = _HEADING_ATTRIBUTES.search(inline.content)
        if found and inline.children:
            token.attrs.update(_attributes(found.group(1)))
            last = inline.children[-1]
            last.content = _HEADING_ATTRIBUTES.sub("", last.content)


@cache
def reader() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).use(deflist_plugin).use(attrs_plugin, spans=True)
    md.use(container_plugin, name="div", validate=lambda params, *args: params.strip().startswith("{"), render=_div)
    code = md.renderer.rules["fence"]

    def fence(self, tokens: list[Token], idx: int, options, env) -> str:
        """A raw HTML block (```` ```{=html} ````) is passed through, as Pandoc does; other code is shown."""
        return tokens[idx].content if tokens[idx].info.strip() == "{=html}" else code(tokens, idx, options, env)

    md.add_render_rule("fence", fence)
    md.core.ruler.push("heading_ids", _heading_ids)
    return md


def split(source: str) -> tuple[dict, str]:
    """A ``.qmd`` file's front matter and Markdown body."""
    # The front matter ends at the first line that is only "---": YAML indents every line of a value
    # under its key, so a title or text with "---" in it never ends it.
    front, body = source.removeprefix("---\n").split("\n---\n", 1)
    return yaml.load(front, Loader=yaml.CSafeLoader), body  # libyaml: the same result, ten times faster


@cache
def _bodies(folder: Path | None) -> Memo:
    """Page bodies kept between builds: reading Markdown is most of a preview page's cost."""
    return Memo(folder, "preview")


def _html(body: str, cache: Path | None) -> str:
    memo = _bodies(cache)
    key = memo.key(body)
    kept = memo.get(key)
    if kept is not None:
        return kept.decode("utf-8")
    html = reader().render(body)
    memo.put(key, html.encode("utf-8"))
    return html


def _page(context: Context, job: tuple[Path, str, str, Path | None]) -> None:
    out, lang, path, cache = job
    front, body = split((out / "quarto" / lang / addresses.source_path(lang, path)).read_text(encoding="utf-8"))
    target = inside(out / "preview", path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_template().render(
        lang=front.get("lang", lang), dir=front["dir"], theme_class=tokens.theme()["class"],
        title=markdown_text(front["title"]), description=markdown_text(front["description"]),
        head=Markup(front["include-in-header"]["text"]), header=Markup(front["include-before-body"]["text"]),
        footer=Markup(front["include-after-body"]["text"]), site_title=i18n.t(lang, "site_title"),
        body=Markup(_html(body, cache))), encoding="utf-8")


@cache
def _template():
    return html_environment(TEMPLATES).get_template("preview.html")


def markdown_text(markdown: str) -> str:
    """Markdown-escaped text (a title) as the text it stands for."""
    return Markup(reader().renderInline(markdown)).striptags()


def run(context: Context, found: list[Page], out: Path, workers: Workers | None = None,
        cache: Path | None = None) -> None:
    """Render every page from its source in ``quarto/<lang>/`` into ``preview/``, on every core (the build's
    ``workers``, or this process alone); ``cache``: bodies kept between builds."""
    Workers.of(context, workers).map(_page, [(out, page.lang, page.path, cache) for page in found])
    for folder in ("assets", "data", "charts", "embed"):
        if (out / folder).exists():
            link_tree(out / folder, out / "preview" / folder)
