"""Stage 8, pages: a ``.qmd`` per page, in one Quarto project per language.

Each kind of page (``metadata/pages.yaml``) is one module here, which gathers what the page shows (its
view), and one Markdown template (``templates/site/<kind>.qmd``), which lays it out; the frame (navigation,
footer, head) is in ``frame``. What the pages show arrives made by the earlier stages (``Made``); Quarto
renders the projects (``quarto``), and ``preview`` renders the same ``.qmd`` files into plain pages, for
the tests and for anyone without Quarto. Links are relative, so the site works from a sub-path.
"""

from __future__ import annotations

import importlib
import json
import shutil
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import yaml
from markupsafe import Markup

from .. import escape, i18n, pages, tokens
from ..files import inside
from ..templating import html_environment, markdown_environment
from ..workers import Context, Workers
from .common import ROOT, Made, Page, SiteData, link
from .frame import CSP, quarto_config

__all__ = ["CSP", "Made", "Page", "run"]


def site_pages(site: SiteData) -> list[Page]:
    found = []
    for lang in i18n.LANGUAGES:
        for key, ident in pages.all_pages(site.pkg):
            if key == "indicator":
                title, description = (site.indicators.at[ident, f"{f}_{lang}"] for f in ("title", "definition"))
            elif key == "goal":
                title, description = (site.goals.at[ident, f"{f}_{lang}"] for f in ("title", "description"))
            else:
                title, description = i18n.t(lang, f"page_{key}"), i18n.t(lang, f"page_{key}_description")
            page = Page(lang, key, pages.kind(key), ident, pages.path(lang, key, ident), title, description,
                        counterpart=pages.path(i18n.other(lang), key, ident))
            if key == "indicator" and f"{lang}/{ident}" in site.made.charts:
                page.image = f"{site.base}charts/{lang}/{ident}.png"
            found.append(page)
    return found


def copy_assets(target: Path) -> None:
    """The site's own files, and the stylesheet of design tokens written from ``site/tokens.yaml``."""
    shutil.copytree(ROOT / "site" / "assets", target, dirs_exist_ok=True)
    (target / "tokens.css").write_text(tokens.css(), encoding="utf-8")


def run(context: Context, made: Made, out: Path, workers: Workers | None = None) -> list[Page]:
    """Every page's ``.qmd``: front matter (Markdown-escaped) and a Markdown body from its kind's template.

    The pages are written on every core (the build's ``workers``, or this process alone); ``site-pages.json``
    lists them for readers of the output (``monitor check-site``, the tests). Returns the pages.
    """
    site = SiteData(context.pkg, context.rows, made)
    found = site_pages(site)
    for lang in i18n.LANGUAGES:
        project = out / "quarto" / lang
        project.mkdir(parents=True, exist_ok=True)
        config = quarto_config(lang, site.pkg, site.goals)
        (project / "_quarto.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                                             encoding="utf-8")
        copy_assets(project / "assets")
    Workers.of(context, workers).map(_write_page, [(out, page) for page in found], stage=made)
    manifest = [{"lang": p.lang, "key": p.key, "kind": p.kind, "id": p.ident, "path": p.path,
                 "counterpart": p.counterpart, "title": p.title} for p in found]
    (out / "site-pages.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return found


@dataclass(frozen=True)
class _Writer:
    site: SiteData
    templates: dict


def _writer(context: Context) -> _Writer:
    """This process's view of the build and the pages' templates, made once per process."""
    markdown = markdown_environment()
    return _Writer(SiteData(context.pkg, context.rows, context.stage), {
        "page": markdown.get_template("site/page.qmd"), "head": html_environment().get_template("site/head.html"),
        **{kind: markdown.get_template(f"site/{kind}.qmd") for kind in pages.kinds()}})


def _write_page(context: Context, job: tuple[Path, Page]) -> None:
    out, page = job
    writer = context.once(_writer)
    site, templates = writer.site, writer.templates
    view = importlib.import_module(f"{__name__}.{page.kind}").context(site, page)
    view["page"] = {"counterpart": link(page.path, page.counterpart), "other_lang": i18n.other(page.lang),
                    "switch_label": i18n.t(page.lang, "switch_language")}
    view["t"] = partial(i18n.t, page.lang)
    body = templates[page.kind].render(**view)
    tags = templates["head"].render(csp=CSP, lang=page.lang, other_lang=i18n.other(page.lang), base=site.base,
                                    path=page.path, counterpart=page.counterpart).strip()
    # Pandoc reads front matter as Markdown and Quarto evaluates it: data goes in escaped as Markdown.
    front = {"title": escape.markdown(page.title), "lang": page.lang,
             "description": escape.markdown(page.description), "include-in-header": {"text": tags}}
    if page.image:
        front["image"] = page.image
    target = inside(out / "quarto" / page.lang, pages.source_path(page.lang, page.path))
    target.parent.mkdir(parents=True, exist_ok=True)
    front_matter = Markup(yaml.safe_dump(front, allow_unicode=True, sort_keys=False).strip())
    target.write_text(templates["page"].render(front_matter=front_matter, body=Markup(body.strip())),
                      encoding="utf-8")
