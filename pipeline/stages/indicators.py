"""The indicators stage: the tables every later stage reads, made once (``model.tables``).

The indicator table holds every figure of the survey with what follows from it (intervals, gaps, changes,
whether each difference is more than chance); the register table holds the counted figures with the privacy
rule applied. No later stage makes either again.
"""

from __future__ import annotations

from pipeline.model.package import DataPackage
from pipeline.model.tables import Tables


def run(pkg: DataPackage) -> Tables:
    tables = Tables.of(pkg)
    tables.rows  # noqa: B018 - made now, so that this stage's time says what the tables cost
    return tables
