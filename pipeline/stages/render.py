"""Stage 10, render: Quarto turns each language's project into HTML; the site is assembled in one step.

Each language is rendered into its own folder (a project whose output sits inside another's makes Quarto
remove the other's files), both at the same time, then Dutch is copied to the site root and English under
``en/``, together with the downloads, charts and embeds the pages link to.

Renders are incremental: when the output folder holds the previous build's render and only some pages'
sources changed (same configuration, navigation, styles, set of pages and Quarto version), only those pages
are rendered again, into a copy of the previous render, and Quarto's search index and sitemap, which it
then writes for those pages only, are completed from the previous ones. A test proves the result equals a
full render. The assembled site is checked
against the page list before the build may succeed: Quarto skips inputs silently (any path with a folder
whose name starts with a dot), and an empty site must never be published. Without Quarto this stage says
so and skips: the sources and the browsable preview are complete either way.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from pipeline.engine.output import link_tree
from pipeline.errors import QuartoError
from pipeline.model.addresses import PREFIX, source_path
from pipeline.paths import ASSETS
from pipeline.words.i18n import LANGUAGES

if TYPE_CHECKING:
    from pipeline.stages.pages import Page

INSTALL_HINT = ("Quarto is not installed, so the site was not rendered. Its sources are in {out}/quarto/<lang>/ "
                "and a plain preview is in {out}/preview/. Install Quarto (https://quarto.org/docs/get-started/, "
                "version 1.10 or later) and build again to render the site into {out}/site/.")
TESTED = (1, 10)  # the Quarto the workflow renders with and the tests pass on (1.10.18)
OLDER_HINT = ("Quarto {found} is older than {tested}, which the site is rendered and tested with; the pages may "
              "differ from the published ones. Install Quarto {tested} or later from https://quarto.org/docs/download/.")


def older_than_tested(found: str) -> bool:
    """Whether an installed Quarto's version ("1.6.40") is older than the one the site is tested with."""
    parts = re.findall(r"\d+", found)[:2]
    return len(parts) == 2 and tuple(map(int, parts)) < TESTED


def available() -> str | None:
    return shutil.which("quarto")


class _MainText(HTMLParser):
    """Collects the text inside ``<main>``: a page without it is a page a reader cannot use."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.found = False
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.found = True
            self.depth += 1

    def handle_endtag(self, tag):
        if tag == "main" and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)


def missing_pages(site: Path, manifest: list[dict], kept: frozenset[str] = frozenset()) -> list[str]:
    """Pages of the manifest that are absent from ``site`` or have no text in their ``<main>``.

    ``kept``: pages copied unchanged from a previous render, which passed this check then; only their
    presence is checked (reading every page costs about 6 ms, 25 s at 4,000 pages).
    """
    missing = []
    for page in manifest:
        target = site / page["path"]
        if not target.is_file():
            missing.append(f"{page['path']} (not rendered)")
            continue
        if page["path"] in kept:
            continue
        parser = _MainText()
        parser.feed(target.read_text(encoding="utf-8", errors="replace"))
        if not parser.found or not "".join(parser.text).strip():
            missing.append(f"{page['path']} (no content in <main>)")
    return missing


# ---- incremental renders ---------------------------------------------------------------------------------
RECORD = "render.json"  # in each project after a render: the Quarto version that made its _site
SKIPPED = ("_site", ".quarto")


def _sources(project: Path) -> dict[str, bytes]:
    """A project's own files (pages, configuration, styles) by path; not what Quarto made of them."""
    return {p.relative_to(project).as_posix(): p.read_bytes() for p in project.rglob("*")
            if p.is_file() and p.relative_to(project).parts[0] not in SKIPPED and p.name != RECORD}


def plan(project: Path, previous: Path, version: str) -> list[str] | None:
    """The pages of ``project`` to render again, given the ``previous`` render; None: render everything.

    Only pages whose own source changed are rendered again. Anything shared (configuration, navigation,
    styles), a page added or removed, another Quarto version, or changes to most pages: everything.
    """
    record = previous / RECORD
    if not (previous / "_site" / "search.json").is_file() or not record.is_file():
        return None
    if json.loads(record.read_text(encoding="utf-8")).get("quarto") != version:
        return None
    new, old = _sources(project), _sources(previous)
    changed = sorted(path for path in new if new[path] != old.get(path))
    pages = [path for path in new if path.endswith(".qmd")]
    if set(new) != set(old) or any(not path.endswith(".qmd") for path in changed) or len(changed) > len(pages) / 2:
        return None
    return changed


def _page(href: str) -> str:
    return href.split("#", 1)[0]


def merge_search(old: list[dict], new: list[dict], rendered: set[str]) -> list[dict]:
    """The search index of a full render: old entries of unchanged pages, new entries of rendered ones,
    each page where a full render puts it (the order of the previous index)."""
    fresh: dict[str, list[dict]] = {}
    for doc in new:
        fresh.setdefault(_page(doc["href"]), []).append(doc)
    merged: list[dict] = []
    for doc in old:
        page = _page(doc["href"])
        if page not in rendered:
            merged.append(doc)
        elif page in fresh:
            merged += fresh.pop(page)
    return merged + [doc for docs in fresh.values() for doc in docs]


_URL = re.compile(r"  <url>\n    <loc>([^<]*)</loc>.*?</url>\n", re.S)


def merge_sitemap(old: str, new: str) -> str:
    """The previous sitemap with the entries (and dates) of the pages rendered again."""
    fresh = {match.group(1): match.group(0) for match in _URL.finditer(new)}
    return _URL.sub(lambda match: fresh.get(match.group(1), match.group(0)), old)


def _narrowed(project: Path, pages: list[str]) -> bytes:
    """Point the project's render list at ``pages``; returns the configuration as it was."""
    config_path = project / "_quarto.yml"
    original = config_path.read_bytes()
    config = yaml.safe_load(original)
    config.setdefault("project", {})["render"] = pages
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return original


def _finish_incremental(project: Path, previous: Path, pages: list[str]) -> None:
    """Quarto wrote the search index and sitemap for the rendered pages only: complete them."""
    site, before = project / "_site", previous / "_site"
    rendered = {page.removesuffix(".qmd") + ".html" for page in pages}
    new = json.loads((site / "search.json").read_text(encoding="utf-8"))
    old = json.loads((before / "search.json").read_text(encoding="utf-8"))
    # JSON.stringify(docs, undefined, 2), as Quarto writes it
    (site / "search.json").write_text(json.dumps(merge_search(old, new, rendered), ensure_ascii=False, indent=2),
                                      encoding="utf-8")
    if (before / "sitemap.xml").is_file() and (site / "sitemap.xml").is_file():
        (site / "sitemap.xml").write_text(merge_sitemap((before / "sitemap.xml").read_text(encoding="utf-8"),
                                                        (site / "sitemap.xml").read_text(encoding="utf-8")),
                                          encoding="utf-8")


def version(quarto: str) -> str:
    """The installed Quarto's version: a render by another version is never reused."""
    return subprocess.run([quarto, "--version"], capture_output=True, text=True, check=False).stdout.strip()


def _render(quarto: str, projects: dict[str, Path], plans: dict[str, list[str] | None], previous: Path) -> None:
    """Render every language's project at the same time (each its own Quarto process), whole or in part."""
    running, originals = {}, {}
    for lang, project in projects.items():
        pages = plans[lang]
        if pages is not None:
            shutil.copytree(previous / lang / "_site", project / "_site", dirs_exist_ok=True)
            if not pages:
                continue  # nothing changed: the previous render stands
            originals[lang] = _narrowed(project, pages)
        command = [quarto, "render", str(project), "--quiet", *(["--no-clean"] if pages else [])]
        running[lang] = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    failed = []
    for lang, process in running.items():
        _, stderr = process.communicate()
        if lang in originals:
            (projects[lang] / "_quarto.yml").write_bytes(originals[lang])
        if process.returncode != 0:
            failed.append(f"quarto render failed for {lang}:\n{stderr[-4000:]}")
        elif plans[lang]:
            _finish_incremental(projects[lang], previous / lang, plans[lang])
    if failed:
        raise QuartoError("\n".join(failed))


def _visible(path: Path) -> bool:
    return not any(part.startswith(".") for part in path.resolve().parts)


_LASTMOD = re.compile(r"<lastmod>[^<]*</lastmod>")


def date_sitemaps(site: Path, modified: str) -> None:
    """Quarto dates each page in ``sitemap.xml`` by its file's time, so two renders of the same inputs
    differ; every page is dated by the package's own date instead, when its content last changed."""
    for sitemap in sorted(site.rglob("sitemap.xml")):
        text = sitemap.read_text(encoding="utf-8")
        sitemap.write_text(_LASTMOD.sub(f"<lastmod>{modified}</lastmod>", text), encoding="utf-8")


def one_robots_file(site: Path) -> None:
    """Crawlers read robots.txt at the site's root only: there, each language's sitemap (Quarto writes one
    robots.txt per project, naming its own sitemap, and the English one would never be read)."""
    sitemaps = []
    for robots in sorted(site.rglob("robots.txt"), key=lambda p: len(p.parts)):
        sitemaps += [line for line in robots.read_text(encoding="utf-8").splitlines() if line.startswith("Sitemap:")]
        if robots.parent != site:
            robots.unlink()
    if sitemaps:
        (site / "robots.txt").write_text("\n".join(dict.fromkeys(sitemaps)) + "\n", encoding="utf-8")


def run(out: Path, final: Path, found: list[Page], log: Callable[[str], None] = print, modified: str = "") -> bool:
    """Render the pages ``found`` into ``out`` (the build's work folder); messages name ``final``, where the
    output will be; ``modified`` (an ISO date) dates every page in the sitemaps."""
    quarto = available()
    if not quarto:
        log("  " + INSTALL_HINT.format(out=final))
        return False
    with tempfile.TemporaryDirectory(prefix="monitor-quarto-") as scratch:
        # Quarto renders nothing below a hidden folder, wherever it is in the path (a clone in ~/.work, say):
        # then render a copy in a temporary folder instead.
        sources = out / "quarto"
        if not _visible(sources):
            if not _visible(Path(scratch)):
                raise QuartoError(f"Quarto cannot render in {sources} nor in {scratch}: a folder in each path "
                                  "starts with a dot, and Quarto skips such folders. Build from another folder.")
            sources = shutil.copytree(sources, Path(scratch) / "quarto")
        projects = {lang: sources / lang for lang in LANGUAGES}
        previous = final / "quarto"
        rendered_by = version(quarto)
        if older_than_tested(rendered_by):
            log("  " + OLDER_HINT.format(found=rendered_by, tested=".".join(map(str, TESTED))))
        plans = {lang: plan(project, previous / lang, rendered_by) for lang, project in projects.items()}
        _render(quarto, projects, plans, previous)
        for lang, pages in plans.items():
            total = len(list(projects[lang].glob("**/*.qmd")))
            done = f"{total} pages" if pages is None else f"{len(pages)} of {total} pages (the others are unchanged)"
            log(f"  {'':<12} {lang}: rendered {done}")
        site = out / "site"
        for lang, project in projects.items():
            shutil.copytree(project / "_site", site / PREFIX[lang], dirs_exist_ok=True)
            if project != out / "quarto" / lang:  # rendered in a copy: keep the render for the next build
                shutil.copytree(project / "_site", out / "quarto" / lang / "_site", dirs_exist_ok=True)
            (out / "quarto" / lang / RECORD).write_text(json.dumps({"quarto": rendered_by}) + "\n", encoding="utf-8")
    if modified:
        date_sitemaps(site, modified)
    one_robots_file(site)
    for folder in ("assets", "data", "charts", "embed"):  # one copy for both languages
        link_tree(out / folder, site / folder)
    (site / ".nojekyll").write_text("")
    # Browsers ask for /favicon.ico whatever the page declares; the site's root has one.
    shutil.copy(ASSETS / "favicon.ico", site / "favicon.ico")
    manifest = [{"lang": page.lang, "path": page.path} for page in found]
    rendered = {lang: pages for lang, pages in plans.items() if pages is not None}  # languages rendered in part
    kept = frozenset(page["path"] for page in manifest if page["lang"] in rendered
                     and source_path(page["lang"], page["path"]) not in rendered[page["lang"]])
    missing = missing_pages(site, manifest, kept)
    if missing:
        raise QuartoError(f"Quarto rendered {len(manifest) - len(missing)} of {len(manifest)} pages; the site was "
                          "not published. Missing or empty:\n  " + "\n  ".join(missing))
    return True
