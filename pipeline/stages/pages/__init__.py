"""The pages stage: a ``.qmd`` per page, in one Quarto project per language, from the views.

Each kind of page has one Markdown template (``templates/<kind>.qmd``), which lays its view out (the
views stage made every view); the frame (navigation, footer, head) is in ``frame``. A page's charts are
placed inline here, as the accessible SVGs the charts stage drew, so they need no JavaScript. Quarto renders
the projects (``render``), and ``preview`` renders the same ``.qmd`` files into plain pages, for the tests
and for anyone without Quarto. Links are relative, so the site works from a sub-path.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import yaml
from markupsafe import Markup

from pipeline.engine.output import inside
from pipeline.engine.workers import Workers
from pipeline.look import stylesheet, tokens
from pipeline.model import addresses, summaries
from pipeline.model.tables import Tables
from pipeline.stages.charts import Chart
from pipeline.stages.pages.frame import CSP, quarto_config, summary_front
from pipeline.stages.pages.frame import frame as frame_of
from pipeline.stages.views import View, Views, sized
from pipeline.stages.views.site import Page, Sizes, link
from pipeline.text import escape
from pipeline.text.templating import html_environment, markdown_environment
from pipeline.words import i18n

TEMPLATES = Path(__file__).parent / "templates"  # a template per kind of page, the frame, the components
PANDOC = TEMPLATES / "pandoc.html"  # the HTML page around every page's content, for Pandoc


def run(context: Tables, views: Views, sizes: Sizes, out: Path, workers: Workers | None = None) -> list[Page]:
    """Every page's ``.qmd``: front matter (escaped for Markdown) and a Markdown body from its kind's template,
    on every core (the build's ``workers``, or this process alone); ``site-pages.json`` lists every page for
    readers of the output (``monitor check-site``, the tests). ``sizes``: every file under data/."""
    for lang in i18n.LANGUAGES:
        project = out / "quarto" / lang
        project.mkdir(parents=True, exist_ok=True)
        config = quarto_config(lang, context.pkg)
        (project / "_quarto.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                                             encoding="utf-8")
        shutil.copyfile(PANDOC, project / PANDOC.name)
    names = "".join(str(words["language"]["name"]) for words in summaries.languages().values())
    stylesheet.write(out / "assets", names)  # one copy for both languages; render and preview link it into place
    found = [view.page for view in views.values()]
    jobs = [(out, View(view.page, sized(view, context.pkg, sizes))) for view in views.values()]
    Workers.of(context, workers).map(_write_page, jobs)
    manifest = [{"lang": p.lang, "key": p.key, "kind": p.kind, "id": p.ident, "path": p.path,
                 "counterpart": p.counterpart, "title": p.title,
                 "language": str(summaries.languages()[p.ident]["language"]["tag"]) if p.key == "summary" else p.lang}
                for p in found]
    (out / "site-pages.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return found


def inline(chart: Chart) -> Markup:
    """A chart's accessible SVGs, placed in the page: the phone's drawing and the wide one (the stylesheet
    shows the one drawn for the screen)."""
    narrow, wide = (path.read_text(encoding="utf-8") for path in (chart.svg, chart.wide))
    return Markup(narrow.replace('class="chart"', 'class="chart chart-narrow"', 1)
                  + "\n" + wide.replace('class="chart"', 'class="chart chart-wide"', 1))


def _charts_inline(value: object) -> object:
    """A view's values with every chart it shows as its drawings."""
    if isinstance(value, Chart):
        return inline(value)
    if isinstance(value, dict):
        return {key: _charts_inline(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_charts_inline(inner) for inner in value]
    return value


@dataclass(frozen=True)
class _Writer:
    base: str
    templates: dict


def _writer(context: Tables) -> _Writer:
    """The pages' templates, made once per process."""
    markdown = markdown_environment(TEMPLATES)
    html = html_environment(TEMPLATES)
    return _Writer(addresses.base_url(context.pkg), {
        "page": markdown.get_template("page.qmd"), "head": html.get_template("head.html"),
        "frame": html.get_template("frame.html").module,
        "summary_head": html.get_template("summary_head.html"),
        "summary_frame": html.get_template("summary_frame.html"),
        **{kind: markdown.get_template(f"{kind}.qmd") for kind in addresses.kinds()}})


def _write_page(context: Tables, job: tuple[Path, View]) -> None:
    """Write one page's source from its view."""
    out, view = job
    page = view.page
    writer = context.once(_writer)
    templates = writer.templates
    values = {**_charts_inline(view.values), "t": partial(i18n.t, page.lang)}
    body = templates[page.kind].render(**values)
    # Pandoc reads front matter as Markdown and Quarto evaluates it: data goes in escaped as Markdown; the
    # frame and head tags are HTML, escaped where they were written.
    if page.kind == "summary":  # its own language, direction, head and frame
        own = summary_front(context.pkg, writer.base, page, CSP, templates)
    else:
        tags = templates["head"].render(csp=CSP, page=page, other_lang=i18n.other(page.lang), base=writer.base,
                                        root=link(page.path, "x")[:-1], site_title=i18n.t(page.lang, "site_title"),
                                        font=tokens.first_font_file(),
                                        locale=i18n.SETTINGS[page.lang]["locale"].replace("-", "_")).strip()
        frame = frame_of(page, context.pkg, context.catalogue.goals)
        own = {"lang": page.lang, "dir": i18n.SETTINGS[page.lang].get("dir", "ltr"),
               "include-in-header": {"text": tags},
               "include-before-body": {"text": str(templates["frame"].header(frame)).strip()},
               "include-after-body": {"text": str(templates["frame"].footer(frame)).strip()}}
    front = {"title": escape.front_matter(page.title), "lang": own.pop("lang"), "dir": own.pop("dir"),
             "description": escape.front_matter(page.description), **own}
    target = inside(out / "quarto" / page.lang, addresses.source_path(page.lang, page.path))
    target.parent.mkdir(parents=True, exist_ok=True)
    # libyaml writes the same text as PyYAML's own emitter, several times faster (4,000 pages at 1,000 indicators).
    front_matter = Markup(yaml.dump(front, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False).strip())
    target.write_text(templates["page"].render(front_matter=front_matter, body=Markup(body.strip())),
                      encoding="utf-8")
