"""Every link of the site as published: the build with earlier versions frozen under ``versies/``, served from a
project sub-path as GitHub Pages serves it. Needs Quarto (the rendered site)."""

from __future__ import annotations

import posixpath
import re
import threading
import urllib.request
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from helpers import FIXTURE, NEEDS_QUARTO, copy_package, edit_descriptor, serve
from sitecheck import parse

from pipeline.commands import release
from pipeline.model.package import load

pytestmark = [pytest.mark.quarto, NEEDS_QUARTO]

EARLIER = "2024.1.0"  # an earlier released version, frozen from this same build with its notice
IDS = re.compile(r"""\sid=["']([^"']+)["']""")


def _published(site: Path, tmp_path: Path) -> Path:
    """The build as ``monitor freeze`` publishes it once the current version and an earlier one are released."""
    package = copy_package(tmp_path / "pkg")

    def released(descriptor: dict) -> None:
        descriptor["monitor"]["releases"] = [
            {"version": v, "date": "2026-12-01", "summary_nl": f"Versie {v}", "summary_en": f"Version {v}"}
            for v in (descriptor["version"], EARLIER)]

    edit_descriptor(package, released)
    pkg = load(package)
    archives = tmp_path / "archives"
    release.archive(site, archives / release.archive_name(pkg.descriptor["name"], EARLIER))
    published = tmp_path / "publish"
    assert set(release.assemble(site, archives, pkg, published)) == {EARLIER, pkg.descriptor["version"]}
    return published


def test_every_link_resolves_from_the_live_site_and_from_its_frozen_copies_at_a_sub_path(site_build, tmp_path):
    """Every href and src of every page, frozen copies included, is fetched from the server at the sub-path;
    a link that climbs above it (a root-relative one) fails as it would on GitHub Pages, and a #fragment must
    name an element of its page. Addresses under the site's own homepage (permanent links, citations) are
    checked against the published files too."""
    published = _published(site_build / "site", tmp_path)
    homepage = load(FIXTURE).descriptor["homepage"]
    server, base = serve(published)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        pages = sorted(p.relative_to(published).as_posix() for p in published.rglob("*.html"))
        assert any(p.startswith(f"versies/{EARLIER}/") for p in pages)
        targets: dict[str, set[str]] = {}  # address → pages that link to it
        for rel in pages:
            for _, _, value in parse(published / rel).links:
                address = value.replace(homepage, base) if value.startswith(homepage) else urljoin(base + rel, value)
                if address.startswith(("http:", "https:")) and urlsplit(address).netloc == urlsplit(base).netloc:
                    targets.setdefault(address, set()).add(rel)
        ids: dict[str, set[str]] = {}
        broken = []
        for address, sources in sorted(targets.items()):
            url, fragment = urldefrag(address)
            path = urlsplit(url).path
            where = f"{address} (from {sorted(sources)[0]} and {len(sources) - 1} more)"
            if not path.startswith(urlsplit(base).path):
                broken.append(f"leaves the sub-path: {where}")
                continue
            try:
                with urllib.request.urlopen(url) as answer:
                    body = answer.read()
            except OSError:
                broken.append(f"not found: {where}")
                continue
            if fragment and path.endswith((".html", "/")):
                page = posixpath.join(path, "index.html") if path.endswith("/") else path
                if page not in ids:
                    ids[page] = set(IDS.findall(body.decode("utf-8")))
                if fragment not in ids[page]:
                    broken.append(f"no #{fragment} on its page: {where}")
    finally:
        server.shutdown()
    assert len(targets) > 100
    assert broken == []
