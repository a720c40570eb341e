"""A headless Chromium for the tests: Debian's where it exists, Playwright's own otherwise.

The browser is started with its background networking switched off (these machines have no outside
network, and a test must not depend on one). Every request a page makes is recorded, so a test can assert
that nothing leaves the page.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def executable() -> str | None:
    for candidate in (os.environ.get("MONITOR_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None  # let Playwright use its own download


@contextmanager
def chromium() -> Iterator[object]:
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:  # pragma: no cover
        pytest.skip("Playwright is not installed")
    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=executable(), args=FLAGS)
        except Error as exc:
            pytest.skip(f"no Chromium could be started ({str(exc).splitlines()[0]}); run tools/ensure_browser.py")
        try:
            yield browser
        finally:
            browser.close()


def open_page(browser, url: str, width: int = 390):
    """Open ``url``; returns the page and the list of every URL it requested."""
    page = browser.new_page(viewport={"width": width, "height": 800})
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(url)
    page.wait_for_load_state("load")
    return page, requested


# WCAG 2.1 A and AA, and axe's best practices; only violations are detailed (the passes cost a page of
# links seconds and are never read).
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
               "resultTypes": ["violations"]}


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}×)" for v in results.response["violations"]]
