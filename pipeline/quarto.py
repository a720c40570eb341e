"""Stage 6, render: Quarto turns each language's project into HTML; the site is assembled in one step.

Each language is rendered into its own folder (a project whose output sits inside another's makes Quarto
remove the other's files), then Dutch is copied to the site root and English under ``en/``, together with
the downloads, charts and embeds the pages link to. Without Quarto this stage says so and skips: the
sources and the browsable preview are complete either way.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from .i18n import LANGUAGES
from .pages import PREFIX

INSTALL_HINT = ("Quarto is not installed, so the site was not rendered. Its sources are in {out}/quarto/<lang>/ "
                "and a plain preview is in {out}/preview/. Install Quarto (https://quarto.org/docs/get-started/, "
                "version 1.5 or later) and build again to render the site into {out}/site/.")


class QuartoError(RuntimeError):
    pass


def available() -> str | None:
    return shutil.which("quarto")


def run(out: Path, final: Path, log: Callable[[str], None] = print) -> bool:
    """Render into ``out`` (the build's work folder); messages name ``final``, where the output will be."""
    quarto = available()
    if not quarto:
        log("  " + INSTALL_HINT.format(out=final))
        return False
    site = out / "site"
    for lang in LANGUAGES:
        project = out / "quarto" / lang
        result = subprocess.run([quarto, "render", str(project), "--quiet"], capture_output=True, text=True,
                                check=False)
        if result.returncode != 0:
            raise QuartoError(f"quarto render failed for {lang}:\n{result.stderr[-4000:]}")
        shutil.copytree(project / "_site", site / PREFIX[lang], dirs_exist_ok=True)
    for folder in ("data", "charts", "embed"):
        shutil.copytree(out / folder, site / folder, dirs_exist_ok=True)
    (site / ".nojekyll").write_text("")
    return True
