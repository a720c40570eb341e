"""``monitor pages-diff OLD NEW``: which published pages two builds differ in, for the reviewer of a change.

Renders are reproducible (the same inputs give the same bytes, sitemaps included), so a page whose bytes
differ is a page whose content changed. OLD and NEW are output folders of ``monitor build``; the rendered
site (``site/``) is compared when both have one, otherwise the plain preview (``preview/``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from pipeline.engine.output import MARKER
from pipeline.errors import PagesDiffError
from pipeline.model.versions import FOLDER
from pipeline.text import escape

PAGE_SUFFIXES = (".html",)


@dataclass
class PagesDiff:
    old: str
    new: str
    compared: str  # "site" or "preview"
    added: list[str]
    removed: list[str]
    changed: list[str]
    other_files_changed: int  # downloads, charts, scripts: counted, not listed

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)

    def _lines(self, text) -> list[str]:
        lines = [] if self.added or self.removed or self.changed else ["No page changed."]
        for title, pages in (("Pages added", self.added), ("Pages removed", self.removed),
                             ("Pages changed", self.changed)):
            if pages:
                lines += [f"{text(title, heading=True)} ({len(pages)})", "",
                          *[f"- {text(page)}" for page in pages], ""]
        return [*lines, f"Other files changed, added or removed: {self.other_files_changed}."]

    def to_markdown(self) -> str:
        def text(words: str, heading: bool = False) -> str:
            return f"**{escape.markdown(words)}**" if heading else escape.markdown(words)

        head = f"### Published pages: {escape.markdown(self.old)} → {escape.markdown(self.new)} ({self.compared})"
        return "\n".join([head, "", *self._lines(text)]).rstrip() + "\n"

    def to_text(self) -> str:
        head = f"Published pages: {self.old} → {self.new} ({self.compared})"
        return "\n".join([head, "", *self._lines(lambda words, heading=False: words)]).rstrip() + "\n"


def _hashes(folder: Path) -> dict[str, str]:
    """Every file's hash, frozen versions left out: they are published as released, not built."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.relative_to(folder).parts[0] != FOLDER}


def _built(path: Path) -> Path:
    if not (path / MARKER).is_file():
        raise PagesDiffError(f"{path}: not the output folder of 'monitor build' (it has no {MARKER})")
    return path


def compare(old: Path, new: Path) -> PagesDiff:
    old, new = _built(old), _built(new)
    part = "site" if (old / "site").is_dir() and (new / "site").is_dir() else "preview"
    before, after = _hashes(old / part), _hashes(new / part)
    pages = {path for path in before.keys() | after.keys() if path.endswith(PAGE_SUFFIXES)}
    others = {path for path in before.keys() | after.keys() if path not in pages}
    return PagesDiff(
        old=str(old), new=str(new), compared=part,
        added=sorted(p for p in pages if p not in before),
        removed=sorted(p for p in pages if p not in after),
        changed=sorted(p for p in pages if p in before and p in after and before[p] != after[p]),
        other_files_changed=sum(before.get(p) != after.get(p) for p in others),
    )
