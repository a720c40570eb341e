"""Stage 5, site sources: a ``.qmd`` per page, in one Quarto project per language, and the preview.

Each kind of page (``metadata/pages.yaml``) is one module here, which gathers what the page shows, and
one Markdown template (``templates/site/<kind>.qmd``), which lays it out; the frame (navigation, footer,
head) is in ``frame``. Quarto renders the projects (stage 6); ``pipeline.preview`` renders the same
``.qmd`` files into plain pages, for the tests and for anyone without Quarto. Links are relative, so the
site works from a sub-path.
"""

from __future__ import annotations

import importlib
import json
import shutil
from functools import partial
from pathlib import Path

import pandas as pd
import yaml
from markupsafe import Markup

from .. import escape, i18n, pages, tokens
from ..files import inside
from ..indicators import shared_rows
from ..package import DataPackage
from ..templating import html_environment, markdown_environment
from ..workers import Workers, run_jobs, shared
from .common import ROOT, Page, Site, link
from .frame import CSP, quarto_config

__all__ = ["CSP", "run"]


def site_pages(site: Site) -> list[Page]:
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
            if key == "indicator" and (site.out / "charts" / lang / f"{ident}.png").exists():
                page.image = f"{site.base}charts/{lang}/{ident}.png"
            found.append(page)
    return found


def copy_assets(target: Path) -> None:
    """The site's own files, and the stylesheet of design tokens written from ``site/tokens.yaml``."""
    shutil.copytree(ROOT / "site" / "assets", target, dirs_exist_ok=True)
    (target / "tokens.css").write_text(tokens.css(), encoding="utf-8")


def write_sources(site: Site, found: list[Page], workers: Workers | None = None) -> None:
    """Every page's ``.qmd``: front matter (Markdown-escaped) and a Markdown body from its kind's template.

    The pages are written on every core (``workers`` made with this package and its table, or a pool of
    its own); each worker reads the story the story stage wrote.
    """
    for lang in i18n.LANGUAGES:
        project = site.out / "quarto" / lang
        project.mkdir(parents=True, exist_ok=True)
        config = quarto_config(lang, site.pkg, site.goals)
        (project / "_quarto.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                                             encoding="utf-8")
        copy_assets(project / "assets")
    run_jobs(workers, _write_page, [(site.out, page) for page in found], pkg=site.pkg, rows=site.table)
    manifest = [{"lang": p.lang, "key": p.key, "kind": p.kind, "id": p.ident, "path": p.path,
                 "counterpart": p.counterpart, "title": p.title} for p in found]
    (site.out / "site-pages.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")


def _writer(out: Path) -> tuple[Site, dict]:
    """This process's view of the build in ``out`` and its templates, made once per process."""
    values = shared()
    if values.get("site_out") != out:
        story = {lang: json.loads((out / "story" / f"{lang}.json").read_text(encoding="utf-8"))
                 for lang in i18n.LANGUAGES}
        markdown = markdown_environment()
        values.update(site_out=out, site=Site(values["pkg"], shared_rows(values), story, out), templates={
            "page": markdown.get_template("site/page.qmd"), "head": html_environment().get_template("site/head.html"),
            **{kind: markdown.get_template(f"site/{kind}.qmd") for kind in pages.kinds()}})
    return values["site"], values["templates"]


def _write_page(job: tuple[Path, Page]) -> None:
    out, page = job
    site, templates = _writer(out)
    context = importlib.import_module(f"{__name__}.{page.kind}").context(site, page)
    context["page"] = {"counterpart": link(page.path, page.counterpart), "other_lang": i18n.other(page.lang),
                       "switch_label": i18n.t(page.lang, "switch_language")}
    context["t"] = partial(i18n.t, page.lang)
    body = templates[page.kind].render(**context)
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


def run(pkg: DataPackage, table: pd.DataFrame, story: dict[str, list[dict]], out: Path,
        workers: Workers | None = None, cache: Path | None = None) -> list[Page]:
    """Write the pages' sources and the preview; ``table`` is the plain table (``indicators.plain``)."""
    from .. import preview

    site = Site(pkg, table, story, out)
    found = site_pages(site)
    write_sources(site, found, workers)
    preview.run(out, pkg, workers, cache)
    return found
