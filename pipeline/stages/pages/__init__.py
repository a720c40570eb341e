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

from pipeline.engine.output import inside
from pipeline.engine.workers import Context, Workers
from pipeline.look import stylesheet
from pipeline.model import addresses as pages
from pipeline.model import summaries
from pipeline.paths import SITE
from pipeline.stages.pages.frame import CSP, quarto_config
from pipeline.stages.pages.frame import frame as frame_of
from pipeline.stages.views.indicator import brief
from pipeline.stages.views.site import Made, Page, SiteData, link
from pipeline.text import escape
from pipeline.text.templating import html_environment, markdown_environment
from pipeline.words import i18n

__all__ = ["CSP", "Briefs", "Made", "Page", "run", "write_late"]
TEMPLATE = SITE / "template.html"  # the Pandoc template of every page
# Pages that show the council edition's size, written once it exists (``write_late``): the council edition
# is made after the other pages, from the indicators' views those pages made (``Briefs``).
LATE = ("home", "open_data")
Briefs = dict[tuple[str, str], dict]  # (language, indicator id) → what the council edition says of it


def _shared_chart(site: SiteData, lang: str, key: str, ident: str | None) -> str | None:
    """The chart a shared link to the page previews: its own, else the comparison of the two groups."""
    own = {"indicator": [ident], "goal": [f"goal-{ident}"]}.get(key, [])
    for name in [*own, "comparison"]:
        if f"{lang}/{name}" in site.made.charts:
            return name
    return None


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
            chart = _shared_chart(site, lang, key, ident)
            if chart:
                page.image = f"{site.base}charts/{lang}/{chart}.wide.png"
                page.image_alt = site.made.charts[f"{lang}/{chart}"].title
            found.append(page)
    from pipeline.stages.views import summary

    return found + [summary.page_of(site, file) for file in summaries.languages()]


def run(context: Context, made: Made, out: Path, workers: Workers | None = None) -> tuple[list[Page], Briefs]:
    """Every page's ``.qmd`` but the ``LATE`` ones: front matter (Markdown-escaped) and a Markdown body from
    its kind's template.

    The pages are written on every core (the build's ``workers``, or this process alone); ``site-pages.json``
    lists every page, the late ones too, for readers of the output (``monitor check-site``, the tests).
    Returns the pages, and what each indicator's page says that the council edition says too.
    """
    site = SiteData(context.pkg, context.rows, made)
    found = site_pages(site)
    for lang in i18n.LANGUAGES:
        project = out / "quarto" / lang
        project.mkdir(parents=True, exist_ok=True)
        config = quarto_config(lang, site.pkg)
        (project / "_quarto.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                                             encoding="utf-8")
        shutil.copyfile(TEMPLATE, project / TEMPLATE.name)
    stylesheet.write(out / "assets")  # one copy for both languages; render and preview link it into place
    early = [page for page in found if page.key not in LATE]
    briefs = Workers.of(context, workers).map(_write_page, [(out, page) for page in early], stage=made)
    manifest = [{"lang": p.lang, "key": p.key, "kind": p.kind, "id": p.ident, "path": p.path,
                 "counterpart": p.counterpart, "title": p.title,
                 "language": str(summaries.languages()[p.ident]["language"]["tag"]) if p.key == "summary" else p.lang}
                for p in found]
    (out / "site-pages.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return found, {(page.lang, page.ident): brief for page, brief in zip(early, briefs, strict=True) if brief}


def write_late(context: Context, made: Made, out: Path, found: list[Page]) -> None:
    """The ``LATE`` pages, with the council edition's size in ``made`` (a few pages: in this process)."""
    Workers.of(context, None).map(_write_page, [(out, page) for page in found if page.key in LATE], stage=made)


@dataclass(frozen=True)
class _Writer:
    site: SiteData
    templates: dict


def _writer(context: Context) -> _Writer:
    """This process's view of the build and the pages' templates, made once per process."""
    markdown = markdown_environment()
    html = html_environment()
    return _Writer(SiteData(context.pkg, context.rows, context.stage), {
        "page": markdown.get_template("site/page.qmd"), "head": html.get_template("site/head.html"),
        "frame": html.get_template("site/frame.html").module,
        "summary_head": html.get_template("site/summary_head.html"),
        "summary_frame": html.get_template("site/summary_frame.html"),
        **{kind: markdown.get_template(f"site/{kind}.qmd") for kind in pages.kinds()}})


def _write_page(context: Context, job: tuple[Path, Page]) -> dict | None:
    """Write one page; for an indicator's page, return what the council edition says of the indicator."""
    out, page = job
    writer = context.once(_writer)
    site, templates = writer.site, writer.templates
    view = importlib.import_module(f"pipeline.stages.views.{page.kind}").context(site, page)
    view["t"] = partial(i18n.t, page.lang)
    body = templates[page.kind].render(**view)
    tags = templates["head"].render(csp=CSP, page=page, other_lang=i18n.other(page.lang), base=site.base,
                                    root=link(page.path, "x")[:-1], site_title=i18n.t(page.lang, "site_title"),
                                    locale=i18n.SETTINGS[page.lang]["locale"].replace("-", "_")).strip()
    # Pandoc reads front matter as Markdown and Quarto evaluates it: data goes in escaped as Markdown; the
    # frame and head tags are HTML, escaped where they were written.
    if page.kind == "summary":  # its own language, direction, head and frame
        from pipeline.stages.views import summary

        own = summary.front(site, page, CSP, templates)
    else:
        frame = frame_of(page, site.pkg, site.goals)
        own = {"lang": page.lang, "dir": i18n.SETTINGS[page.lang].get("dir", "ltr"),
               "include-in-header": {"text": tags},
               "include-before-body": {"text": str(templates["frame"].header(frame)).strip()},
               "include-after-body": {"text": str(templates["frame"].footer(frame)).strip()}}
    front = {"title": escape.front_matter(page.title), "lang": own.pop("lang"), "dir": own.pop("dir"),
             "description": escape.front_matter(page.description), **own}
    target = inside(out / "quarto" / page.lang, pages.source_path(page.lang, page.path))
    target.parent.mkdir(parents=True, exist_ok=True)
    # libyaml writes the same text as PyYAML's own emitter, several times faster (4,000 pages at 1,000 indicators).
    front_matter = Markup(yaml.dump(front, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False).strip())
    target.write_text(templates["page"].render(front_matter=front_matter, body=Markup(body.strip())),
                      encoding="utf-8")
    return brief(view) if page.key == "indicator" else None
