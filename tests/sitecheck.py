"""Helpers to read a generated site: its pages, their links, and whether each link lands on a file."""

from __future__ import annotations

import json
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.lang: str | None = None
        self.alternates: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang")
        if tag == "link" and attributes.get("rel") == "alternate":
            self.alternates[attributes.get("hreflang", "")] = attributes.get("href", "")
        # The page's own address and its other language's (canonical, alternate) are names, not requests.
        named = tag == "link" and attributes.get("rel") in ("alternate", "canonical")
        for name in ("href", "src"):
            if attributes.get(name) is not None and not named:
                self.links.append((tag, name, attributes[name]))


def parse(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def broken_links(root: Path, page: Path) -> list[str]:
    """Relative links of ``page`` that do not resolve to a file under ``root``."""
    bad = []
    rel_page = page.relative_to(root).as_posix()
    for tag, _, value in parse(page).links:
        url = urlparse(value)
        if url.scheme or value.startswith(("#", "mailto:")):
            continue
        target = posixpath.normpath(posixpath.join(posixpath.dirname(rel_page), url.path))
        if target.startswith("..") or not (root / target).is_file():
            bad.append(f"{tag} {value}")
    return bad


def external_resources(page: Path) -> list[str]:
    """Resources (not links to follow) that would be fetched from another site."""
    return [value for tag, attr, value in parse(page).links
            if urlparse(value).scheme in {"http", "https"} and (attr == "src" or tag == "link")]


def manifest(build: Path) -> list[dict]:
    return json.loads((build / "site-pages.json").read_text(encoding="utf-8"))


class _Elements(HTMLParser):
    """The kinds of element a page is built of: tag, class, role and writing direction, not the words."""

    def __init__(self) -> None:
        super().__init__()
        self.kinds: set[tuple[str, str, str, str]] = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.kinds.add((tag, attributes.get("class") or "", attributes.get("role") or "", attributes.get("dir") or ""))


def representatives(site: Path, pages: list[dict]) -> list[dict]:
    """One page for each kind of page and set of elements it is built of, for the checks that cost a browser
    second a page (axe): the pages a template makes from different figures differ in words, not in what axe
    reads. The groups take their pages in turn, so both languages and every layout of a kind are covered."""
    groups: dict[tuple, list[dict]] = {}
    for page in pages:
        parser = _Elements()
        parser.feed((site / page["path"]).read_text(encoding="utf-8"))
        groups.setdefault((page["key"], frozenset(parser.kinds)), []).append(page)
    return [members[number % len(members)] for number, members in enumerate(groups.values())]


def paired(build: Path) -> list[dict]:
    """The pages that exist in Dutch and English, each with its counterpart (not the summaries, which are one
    page per language of the questionnaire)."""
    return [page for page in manifest(build) if page["key"] != "summary"]


def dashboard_row(page_html: str, ident: str) -> str:
    """The row of one indicator in a home or goal page's dashboard table, as HTML."""
    board = page_html.split('<table class="dashboard', 1)[1].split("</table>", 1)[0]
    return re.search(rf'href="[^"]*/{re.escape(ident)}\.html">.*?</tr>', board, re.S).group(0)


def front_matter(qmd: Path) -> str:
    return re.match(r"---\n(.*?)\n---\n", qmd.read_text(encoding="utf-8"), re.S).group(1)


OWN_SCRIPTS = ("assets/search.js", "assets/minisearch.js")  # the search page's, copied by the build


def own_script(tag: str) -> bool:
    """A ``<script>`` start tag the monitor writes: JSON-LD (data, never run) or the search page's own file."""
    found = re.search(r'\bsrc="([^"]*)"', tag)
    return 'type="application/ld+json"' in tag or bool(found and found.group(1).endswith(OWN_SCRIPTS)
                                                       and "//" not in found.group(1))


def markdown_problems(qmd: str) -> list[str]:
    """What in a page source's Markdown body is not plain text the pipeline meant: raw HTML outside the
    fenced HTML blocks, a link or image to anything but the site or http(s), or a script in a block."""
    from urllib.parse import urlparse as parse_url

    from pipeline.stages import preview

    _, body = preview.split(qmd)
    problems = []

    def walk(tokens):
        for token in tokens:
            yield token
            yield from walk(token.children or [])

    for token in walk(preview.reader().parse(body)):
        if token.type in ("html_block", "html_inline"):
            problems.append(f"raw HTML: {token.content[:80]}")
        if token.type in ("link_open", "image"):
            target = token.attrGet("href") or token.attrGet("src") or ""
            if parse_url(target).scheme not in ("", "http", "https"):
                problems.append(f"link to {target}")
        if token.type == "image":
            problems.append(f"image {token.attrGet('src')}")
        if token.type == "fence" and token.info.strip() == "{=html}":
            scripts = re.findall(r"<script\b[^>]*>", token.content)
            if any(not own_script(tag) for tag in scripts):
                problems.append("a script in an HTML block")
    return problems
