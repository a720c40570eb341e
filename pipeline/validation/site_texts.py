"""The writers' and translators' texts, checked where they are written: retired words and links to no page.

The same checks ran only in the test suite, on the built pages, and named a built page; here each problem
names the file an editor changed (``site/content/nl/home.qmd``, ``site/summaries/nl.yaml``) and its line.
Retired words come from ``words/glossary.yaml``; a link without a scheme must lead to a page of the site, as
the page that holds it resolves it.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import yaml

from pipeline import paths
from pipeline.model import addresses, summaries
from pipeline.model.package import DataPackage
from pipeline.validation.problems import message
from pipeline.validation.report import Problem
from pipeline.words.i18n import FOLDER, LANGUAGES

GLOSSARY = FOLDER / "glossary.yaml"
LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")  # [text](target "title")
ATTRIBUTES = re.compile(r"\{[^{}]*\}")  # {lang="nl"}, {.class}: markup, not words


@cache
def _retired(lang: str) -> list[tuple[re.Pattern, str]]:
    entries = yaml.safe_load(GLOSSARY.read_text(encoding="utf-8")).get(lang, [])
    return [(re.compile(rf"\b{pattern}\b", re.IGNORECASE), entry["use"])
            for entry in entries for pattern in entry["retired"]]


def _where(path: Path) -> str:
    return path.relative_to(paths.ROOT).as_posix() if path.is_relative_to(paths.ROOT) else str(path)


def _words(path: Path, lang: str, text: str) -> Iterator[Problem]:
    for number, line in enumerate(text.splitlines(), start=1):
        prose = ATTRIBUTES.sub(" ", LINK.sub("]", line.split("#", 1)[0] if path.suffix == ".yaml" else line))
        for pattern, use in _retired(lang):
            found = pattern.search(prose)
            if found:
                yield Problem(_where(path), number, None, "retired-word",
                              message("retired-word", word=found.group(0), use=use))


def _broken(target: str, page: str, pages: set[str]) -> bool:
    """Whether a link written on ``page`` leads to no page: a web address, an anchor or a file other than a
    page is not checked here (the built site's link check sees those)."""
    if re.match(r"[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) or target.startswith("#"):
        return False
    if target.startswith("/"):  # from the host's root: wrong once the site lives under a sub-path
        return True
    address = target.split("#", 1)[0].split("?", 1)[0]
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), address))
    if address.endswith("/") or address == "":
        resolved = posixpath.join(resolved, "index.html")
    if resolved.startswith(".."):
        return True
    return resolved.endswith(".html") and resolved not in pages


def check(pkg: DataPackage, content: Path | None = None, summary_folder: Path | None = None) -> list[Problem]:
    """Retired words and links to no page in the site's own texts and the Dutch and English summaries."""
    content = content or paths.CONTENT
    pages = {addresses.path(lang, key, ident) for lang in LANGUAGES for key, ident in addresses.all_pages(pkg)}
    pages |= {addresses.summary_path(path.stem) for path in summaries.files()}
    found: list[Problem] = []
    for lang in LANGUAGES:
        for path in sorted((content / lang).glob("*.qmd")):
            text = path.read_text(encoding="utf-8")
            found += _words(path, lang, text)
            page = addresses.path(lang, path.stem if path.stem in addresses.static_keys() else "home")
            for number, line in enumerate(text.splitlines(), start=1):
                found += [Problem(_where(path), number, None, "broken-link", message("broken-link", target=target))
                          for target in LINK.findall(line) if _broken(target, page, pages)]
        summary = (summary_folder or summaries.FOLDER) / f"{lang}.yaml"
        if summary.is_file():
            found += _words(summary, lang, summary.read_text(encoding="utf-8"))
    return found
