"""How much a reader downloads: every request of a page in a cold browser, compressed as a server sends it.

Opens pages of the rendered site in Chromium (one browser, one cache, in the order given), records every
request and counts each file's bytes compressed with gzip -6 (what GitHub Pages serves; fonts and PNGs are
counted as they are, compressing them gains nothing). A second page reuses what the first one loaded, as
a browser does. Run ``python tools/page_weight.py [build/site]`` after ``make build`` (Quarto installed);
the tests check the budget on the test package's build.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
BINARY = {".woff2", ".png", ".ico"}
PAGES = ("index.html", "en/indicators/betaald-werk.html")  # the Dutch home, then a page of the other language


def compressed(path: Path) -> int:
    data = path.read_bytes()
    return len(data) if path.suffix in BINARY else len(gzip.compress(data, compresslevel=6))


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def weigh(browser, site: Path, pages: tuple[str, ...] = PAGES) -> list[dict]:
    """Per page: the files it requested that were not in the browser's cache yet, and their weight."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    results, seen = [], set()
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a cold cache of its own
    tab = context.new_page()
    requested: list[str] = []
    tab.on("request", lambda request: requested.append(request.url))
    try:
        for page in pages:
            requested.clear()
            tab.goto(base + page)
            tab.wait_for_load_state("load")
            tab.evaluate("document.fonts.ready.then(() => true)")  # a font is asked for once text is laid out
            files = {}
            for url in requested:
                if not url.startswith(base) or url in seen:
                    continue
                seen.add(url)
                path = site / unquote(urlparse(url).path).lstrip("/")
                files[path.relative_to(site).as_posix()] = compressed(path)
            results.append({"page": page, "requests": len(files), "bytes": sum(files.values()), "files": files})
    finally:
        context.close()
        server.shutdown()
    return results


def main() -> int:
    from ensure_browser import FLAGS, found
    from playwright.sync_api import sync_playwright

    site = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "site"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=found(), args=FLAGS)
        results = weigh(browser, site)
        browser.close()
    for result in results:
        print(f"{result['page']}: {result['requests']} requests, {result['bytes'] / 1024:.1f} KB compressed")
        for name, size in sorted(result["files"].items(), key=lambda item: -item[1]):
            print(f"  {size / 1024:7.1f} KB  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
