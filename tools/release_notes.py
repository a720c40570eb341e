"""For the release job: the version to release and its notes, from the package's ``monitor.releases``.

    python tools/release_notes.py datapackage.json            # prints the version, or nothing when the
                                                               # package's version is not recorded as released
    python tools/release_notes.py datapackage.json --notes    # prints the release notes (Markdown)
"""

from __future__ import annotations

import json
import re
import string
import sys
from pathlib import Path

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")


def plain(text: str) -> str:
    """A summary as text in GitHub's Markdown: every punctuation mark escaped, so no link, image, heading or
    @mention comes from a pull request's words, and one line."""
    return _PUNCTUATION.sub(r"\\\1", " ".join(str(text).split()))


def main(argv: list[str]) -> int:
    descriptor = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    version = descriptor.get("version", "")
    entry = next((r for r in descriptor.get("monitor", {}).get("releases", []) if r.get("version") == version), None)
    if entry is None:
        print("")
        return 0
    if "--notes" in argv:
        print(f"{plain(entry['summary_nl'])}\n\n{plain(entry['summary_en'])}\n\nVersie {plain(version)}, "
              f"{plain(entry['date'])}. Bevroren op / frozen at `versies/{version}/`.")
    else:
        print(version)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
