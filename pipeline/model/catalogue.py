"""The package's lookup tables, indexed once by their ids: what every stage looks titles, labels and order up in.

"The catalogue" is these tables (goals, indicators, groups, measurements, registers), each indexed by its id and
in the order the site shows it; the indicator table (``indicators``) and the register table (``counted``)
hold the figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pipeline.model.package import DataPackage


@dataclass(frozen=True)
class Catalogue:
    goals: pd.DataFrame  # by goal_id, in the site's order
    indicators: pd.DataFrame  # by indicator_id
    groups: pd.DataFrame  # by group_id, in the site's order
    editions: pd.DataFrame  # by edition (the measurement's year), oldest first
    registers: pd.DataFrame  # by register_id
    main_groups: tuple[str, ...]  # the groups the monitor compares, in order

    @classmethod
    def of(cls, pkg: DataPackage) -> Catalogue:
        groups = pkg["groups"].sort_values("order").set_index("group_id")
        return cls(goals=pkg["goals"].sort_values("order").set_index("goal_id"),
                   indicators=pkg["indicators"].set_index("indicator_id"), groups=groups,
                   editions=pkg["editions"].sort_values("edition").set_index("edition"),
                   registers=pkg["registers"].set_index("register_id"),
                   main_groups=tuple(groups.index[groups["role"] == "main"]))
