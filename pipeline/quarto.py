"""Stage 6, render: Quarto turns each language's project into HTML; the site is assembled in one step.

Each language is rendered into its own folder (a project whose output sits inside another's makes Quarto
remove the other's files), both at the same time, then Dutch is copied to the site root and English under
``en/``, together with the downloads, charts and embeds the pages link to. The assembled site is checked
against the page list before the build may succeed: Quarto skips inputs silently (any path with a folder
whose name starts with a dot), and an empty site must never be published. Without Quarto this stage says
so and skips: the sources and the browsable preview are complete either way.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

from .i18n import LANGUAGES
from .pages import PREFIX

INSTALL_HINT = ("Quarto is not installed, so the site was not rendered. Its sources are in {out}/quarto/<lang>/ "
                "and a plain preview is in {out}/preview/. Install Quarto (https://quarto.org/docs/get-started/, "
                "version 1.6 or later) and build again to render the site into {out}/site/.")


class QuartoError(RuntimeError):
    pass


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


def missing_pages(site: Path, manifest: list[dict]) -> list[str]:
    """Pages of the manifest that are absent from ``site`` or have no text in their ``<main>``."""
    missing = []
    for page in manifest:
        target = site / page["path"]
        if not target.is_file():
            missing.append(f"{page['path']} (not rendered)")
            continue
        parser = _MainText()
        parser.feed(target.read_text(encoding="utf-8", errors="replace"))
        if not parser.found or not "".join(parser.text).strip():
            missing.append(f"{page['path']} (no content in <main>)")
    return missing


def _render(quarto: str, projects: dict[str, Path]) -> None:
    """Render every language's project at the same time; each is its own Quarto process."""
    running = {lang: subprocess.Popen([quarto, "render", str(project), "--quiet"], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE, text=True)
               for lang, project in projects.items()}
    failed = []
    for lang, process in running.items():
        _, stderr = process.communicate()
        if process.returncode != 0:
            failed.append(f"quarto render failed for {lang}:\n{stderr[-4000:]}")
    if failed:
        raise QuartoError("\n".join(failed))


def _visible(path: Path) -> bool:
    return not any(part.startswith(".") for part in path.resolve().parts)


def run(out: Path, final: Path, log: Callable[[str], None] = print) -> bool:
    """Render into ``out`` (the build's work folder); messages name ``final``, where the output will be."""
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
        _render(quarto, projects)
        site = out / "site"
        for lang, project in projects.items():
            shutil.copytree(project / "_site", site / PREFIX[lang], dirs_exist_ok=True)
    for folder in ("data", "charts", "embed"):
        shutil.copytree(out / folder, site / folder, dirs_exist_ok=True)
    (site / ".nojekyll").write_text("")
    # Browsers ask for /favicon.ico whatever the page declares; the site's root has one.
    shutil.copy(Path(__file__).resolve().parent.parent / "site" / "assets" / "favicon.ico", site / "favicon.ico")
    manifest = json.loads((out / "site-pages.json").read_text(encoding="utf-8"))
    missing = missing_pages(site, manifest)
    if missing:
        raise QuartoError(f"Quarto rendered {len(manifest) - len(missing)} of {len(manifest)} pages; the site was "
                          "not published. Missing or empty:\n  " + "\n  ".join(missing))
    return True
