"""The dcat stage: the DCAT-AP description of every download (``data/dcat-ap.jsonld``), once every file exists.

It lists the council edition too, so it is written after it; its own size is added to the sizes the
open-data page shows.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.model import describe
from pipeline.model.package import DataPackage
from pipeline.model.publication import DCAT_NAME, catalogue_files
from pipeline.model.publication import describe as described
from pipeline.words import i18n

Sizes = dict[str, int]  # path under data/ → bytes


def run(pkg: DataPackage, out: Path, sizes: Sizes) -> Sizes:
    """Write the description of the files in ``sizes``; returns the sizes with its own."""
    data = out / "data"
    listed = [(rel, {lang: described(kind, values, lang) for lang in i18n.LANGUAGES})
              for rel, kind, values in catalogue_files(pkg, sizes)]
    catalogue = describe.dcat(pkg, describe.distributions(pkg, sizes, listed))
    (data / DCAT_NAME).write_text(json.dumps(catalogue, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return {**sizes, DCAT_NAME: (data / DCAT_NAME).stat().st_size}
