"""Make sure a Chromium for the browser tests exists, using whichever way this machine can get one.

Order: a Chromium already installed (Debian's /usr/bin/chromium, or $MONITOR_CHROMIUM); Debian's package
when we are root with apt-get (these machines cannot download Playwright's own build); Playwright's own
download otherwise (the normal way on GitHub's runners). It never fails the test run: when no browser
can be had, the browser tests skip and say why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

# Debian's chromium needs these to start headless as root on a machine without outside network.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def found() -> str | None:
    for candidate in (os.environ.get("MONITOR_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def playwright_has_browser() -> bool:
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            return os.path.exists(p.chromium.executable_path)
    except Exception:
        return False


def main() -> int:
    if found() or playwright_has_browser():
        return 0
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        print("Installing Debian's chromium for the browser tests ...", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        if found():
            return 0
    print("Installing Playwright's Chromium for the browser tests ...", flush=True)
    subprocess.run([sys.executable, "-m", "playwright", "install", "--with-deps", "chromium"], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
