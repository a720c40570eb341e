"""What every stage reads, made once per build: the package, its indicator table, its register table.

The indicator table (``indicators.build_table``) is typed, for the downloads and the charts; story, embeds and
pages read the same rows as plain Python values (``rows``), and look titles and labels up in the catalogue
(``catalogue``). The register table (``counted.build_table``) has the privacy rule applied once, so no stage
can show what it withholds. A worker process gets the package and both tables once; it makes the rows and the
catalogue itself (converting is cheaper than pickling them to it).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import pandas as pd

from pipeline.engine.workers import Context
from pipeline.model import counted, indicators
from pipeline.model.catalogue import Catalogue
from pipeline.model.package import DataPackage


class Tables(Context):
    def __init__(self, pkg: DataPackage, table: pd.DataFrame, registered: pd.DataFrame):
        super().__init__()
        self.pkg = pkg
        self.table = table  # the indicator table, typed (``indicators.COLUMNS`` and ``FACTS``)
        self.counted = registered  # the register table, withheld figures removed (``counted.COLUMNS``)

    @classmethod
    def of(cls, pkg: DataPackage) -> Tables:
        return cls(pkg, indicators.build_table(pkg), counted.build_table(pkg))

    @cached_property
    def rows(self) -> pd.DataFrame:
        """The indicator table as plain Python values (``indicators.plain_values``), for story, embeds and pages."""
        return indicators.plain_values(self.table)

    @cached_property
    def catalogue(self) -> Catalogue:
        return Catalogue.of(self.pkg)

    def __getstate__(self) -> dict[str, Any]:
        return {"pkg": self.pkg, "table": self.table, "counted": self.counted}

    def __setstate__(self, state: dict[str, Any]) -> None:
        Context.__init__(self)
        self.__dict__.update(state)
