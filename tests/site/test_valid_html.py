"""The W3C Nu Html Checker, the validator a WCAG audit runs, on every rendered page and on the embed code as a
journalist pastes it into a page of their own. Needs Quarto, Java and npm's vnu-jar (`npm ci` installs it)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from helpers import NEEDS_QUARTO, ROOT

pytestmark = [pytest.mark.quarto, NEEDS_QUARTO]

JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# A valid page of someone else's, with the snippet where an article would put it.
HOST = ('<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Artikel</title></head><body><main>'
        '<h1>Artikel</h1>{snippet}</main></body></html>\n')


def test_every_page_and_the_pasted_embed_code_is_valid_html(site_build, tmp_path):
    if shutil.which("java") is None or not JAR.is_file():
        pytest.skip("the Nu Html Checker needs Java and npm's vnu-jar (npm ci installs it)")
    site = site_build / "site"
    pages = sorted(p for p in site.rglob("*.html") if not p.name.endswith(".iframe.html"))
    pasted = []
    for snippet in sorted(site.rglob("*.iframe.html")):
        host = tmp_path / f"{snippet.parent.name}-{snippet.name}"
        host.write_text(HOST.format(snippet=snippet.read_text(encoding="utf-8")), encoding="utf-8")
        pasted.append(host)
    assert len(pages) > 40 and pasted
    result = subprocess.run(["java", "-jar", str(JAR), "--format", "json", "--errors-only",
                             *map(str, pages + pasted)], capture_output=True, text=True, check=False)
    errors = [f"{m.get('url', '').rsplit('/', 2)[-1]}: {m['message']}" for m in json.loads(result.stderr)["messages"]
              if m["type"] == "error"]
    assert errors == []
