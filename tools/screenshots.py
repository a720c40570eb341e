"""Full-page screenshots of the rendered site, as readers see it, for every reviewer to look at.

Serves ``build/site`` from a sub-path (as GitHub Pages does), opens the home, a goal, an indicator, the
comparison and the open-data page of each language at 360 and 1280 px in Chromium, and saves PNGs into
``build/screenshots/`` (not committed). Run ``make screenshots`` after ``make build`` with Quarto installed.
"""

from __future__ import annotations

import functools
import http.server
import json
import sys
import threading
from pathlib import Path

from ensure_browser import FLAGS, found

ROOT = Path(__file__).resolve().parent.parent
SUB_PATH = "/monitor-inburgering/"
KEYS = ("home", "goal", "indicator", "comparison", "open_data")
WIDTHS = (360, 1280)


class SubPath(http.server.SimpleHTTPRequestHandler):
    def translate_path(self, path: str) -> str:
        return super().translate_path("/" + path[len(SUB_PATH):]) if path.startswith(SUB_PATH) else "/nonexistent"

    def log_message(self, *args) -> None:
        pass


def chosen_pages(manifest: list[dict]) -> list[dict]:
    """The first page of each kind in each language; the indicator is one with a chart and figures."""
    chosen = []
    for lang in dict.fromkeys(p["lang"] for p in manifest):  # the languages, in the site's order
        for key in KEYS:
            candidates = [p for p in manifest if p["lang"] == lang and p["key"] == key]
            if key == "indicator":
                candidates = [p for p in candidates if p["id"] == "betaald-werk"] or candidates
            chosen += candidates[:1]
    return chosen


def main(build: Path = ROOT / "build") -> int:
    from playwright.sync_api import sync_playwright

    site, out = build / "site", build / "screenshots"
    if not (site / "index.html").is_file():
        print(f"No rendered site in {site}: run 'make build' with Quarto installed first.", file=sys.stderr)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    manifest = json.loads((build / "site-pages.json").read_text(encoding="utf-8"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SubPath, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}{SUB_PATH}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=found(), args=FLAGS)
        for page in chosen_pages(manifest):
            for width in WIDTHS:
                tab = browser.new_page(viewport={"width": width, "height": 900})
                tab.goto(base + page["path"], wait_until="networkidle")
                name = f"{page['lang']}-{page['key']}-{width}.png"
                tab.screenshot(path=str(out / name), full_page=True)
                tab.close()
                print(out / name)
        browser.close()
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
