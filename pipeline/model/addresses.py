"""Where each page lives, per language: the site's address book, read from ``model/pages.yaml``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from pipeline.model.package import DataPackage
from pipeline.words.i18n import SETTINGS

METADATA = Path(__file__).parent / "pages.yaml"
PREFIX = {lang: settings["prefix"] for lang, settings in SETTINGS.items()}  # each language's folder in the site


@cache
def _book() -> dict:
    return yaml.safe_load(METADATA.read_text(encoding="utf-8"))


def path(lang: str, key: str, ident: str | None = None) -> str:
    """Path of a page from the site root, with ``.html``: ``indicatoren/taalles.html``."""
    book = _book()
    if ident is None:
        return f"{book['static'][key][lang]}.html"
    return f"{book['sections'][key][lang]}/{ident}.html"


def kind(key: str) -> str:
    """The kind of page a key is: the module and template that make it."""
    book = _book()
    return (book["static"].get(key) or book["sections"][key])["kind"]


def kinds() -> set[str]:
    book = _book()
    return {entry["kind"] for part in ("static", "sections") for entry in book[part].values()} | {
        book["summaries"]["kind"]}


def static_keys() -> set[str]:
    """The pages that exist once per language (home, method, ...): a writer's text is named after its key."""
    return set(_book()["static"])


def summary_path(file: str) -> str:
    """The summary in one language of the questionnaire: ``samenvatting/ar.html``."""
    return f"{_book()['summaries']['folder']}/{file}.html"


def frame(part: str) -> list[str]:
    """The keys of the pages in the navigation bar (``"navigation"``) or the footer (``"footer"``)."""
    return list(_book()[part])


def source_path(lang: str, site_path: str) -> str:
    """The ``.qmd`` file of a page inside its language's Quarto project (which has no language prefix)."""
    return site_path.removeprefix(PREFIX[lang]).removesuffix(".html") + ".qmd"


def ordered_indicators(pkg: DataPackage, goal_id: str | None = None) -> list[str]:
    """Indicator ids in site order: by goal, then by their order within the goal."""
    frame = pkg["indicators"].merge(pkg["goals"][["goal_id", "order"]].rename(columns={"order": "goal_order"}))
    if goal_id:
        frame = frame[frame["goal_id"] == goal_id]
    return list(frame.sort_values(["goal_order", "order"])["indicator_id"])


def all_pages(pkg: DataPackage) -> list[tuple[str, str | None]]:
    """Every (key, id) pair that has a page, in site order."""
    pages: list[tuple[str, str | None]] = [("home", None)]
    pages += [("goal", g) for g in pkg["goals"].sort_values("order")["goal_id"]]
    pages += [("indicator", i) for i in ordered_indicators(pkg)]
    pages += [(key, None) for key in _book()["static"] if key != "home"]
    return pages


def base_url(pkg: DataPackage) -> str:
    return pkg.descriptor.get("homepage", "").rstrip("/") + "/"
