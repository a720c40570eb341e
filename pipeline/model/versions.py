"""Released versions, as the pages cite them: each at its own address, ``versies/<version>/``.

``monitor release`` records a version in the package (``commands.release``); once it is recorded, every
page's permanent link and citation point to the frozen copy (``permalink``), which ``monitor freeze`` puts in
place from the version's archive.
"""

from __future__ import annotations

from pipeline.model.package import DataPackage

FOLDER = "versies"


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def released(pkg: DataPackage) -> list[dict]:
    return list(pkg.settings.get("releases", []))


def permalink(pkg: DataPackage, base: str, path: str) -> str:
    """The address that keeps showing this page as it is now: its frozen copy once this version is released
    (``monitor release``), else the page's own address."""
    version = pkg.descriptor["version"]
    if any(r.get("version") == version for r in released(pkg)):
        return f"{base}{FOLDER}/{version}/{path}"
    return base + path


