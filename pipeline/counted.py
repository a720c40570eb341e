"""Counted figures from registers (``registrations.csv``): one table, indicator × cohort × reference date ×
group, with the privacy rule applied, for the story, the charts, the pages and the downloads.

A register counts everyone in a cohort, so there is no sample and no chance to test: a figure is what was
counted on its reference date. What a register can do is reveal people: a figure about fewer than
``min_count`` people (10 unless the package's ``monitor.min_count`` says more, as CBS does for its
microdata) is never published, and neither is the figure that would give it away by subtraction from a
total (docs/registration.md).
"""

from __future__ import annotations

import pandas as pd

from .package import DataPackage

MIN_COUNT = 10
COLUMNS = ["indicator_id", "goal_id", "group_id", "cohort", "reference_date", "statistic", "unit", "polarity",
           "value", "counted", "status", "register_id", "source_url", "group_role"]
# ok: published; small: about fewer than min_count people; derivable: withheld so that a small figure cannot
# be worked out from the total and the other groups; not_published: the package has no value.
STATUSES = ["ok", "small", "derivable", "not_published"]
SHOWN = ["ok", "small", "derivable"]


def min_count(pkg: DataPackage) -> int:
    return max(MIN_COUNT, int(pkg.settings.get("min_count", MIN_COUNT)))


def _people(row: pd.Series) -> list[float]:
    """The numbers of people a figure would tell: the people counted, and for a share or a count the
    people with the outcome and without it (a share of 98% of 300 tells that 6 did not)."""
    counted, value = row["counted"], row["value"]
    if row["statistic"] == "share":
        with_it = value / 100 * counted
        return [counted, with_it, counted - with_it]
    if row["statistic"] == "count":
        return [value] + ([counted, counted - value] if pd.notna(counted) else [])
    return [counted]


def _small(rows: pd.DataFrame, least: int) -> pd.Series:
    def small(row: pd.Series) -> bool:
        # Rounded as a register's table would show them: 9.6 people are 10.
        return pd.notna(row["value"]) and any(round(p) < least for p in _people(row) if pd.notna(p))

    return rows.apply(small, axis=1).astype(bool) if not rows.empty else pd.Series(False, index=rows.index)


def _derivable(rows: pd.DataFrame, withheld: pd.Series) -> pd.Series:
    """Per cohort and date, where one group is withheld and a total is published, the total minus the other
    groups gives it away (counts exactly; shares and averages through the numbers counted): the smallest
    other group is withheld too, until no withheld figure stands alone beside a published total."""
    derivable = pd.Series(False, index=rows.index)
    for _, cell in rows.groupby(["indicator_id", "cohort", "reference_date"], sort=False):
        total = cell[(cell["group_role"] == "total") & cell["value"].notna() & ~withheld[cell.index]]
        parts = cell[cell["group_role"] == "main"]
        hidden = withheld[parts.index] | derivable[parts.index]
        if total.empty or hidden.sum() != 1:
            continue
        shown = parts[~hidden & parts["value"].notna()]
        if not shown.empty:
            size = shown["counted"].fillna(shown["value"])
            derivable[size.idxmin()] = True
    return derivable


def build_table(pkg: DataPackage) -> pd.DataFrame:
    """The counted figures in ``COLUMNS``, sorted as the pages show them; withheld values and their counts
    removed, so no later stage can show them."""
    reg = pkg["registrations"]
    ind = pkg["indicators"].set_index("indicator_id")
    groups = pkg["groups"].set_index("group_id")
    rows = reg.assign(goal_id=reg["indicator_id"].map(ind["goal_id"]), unit=reg["indicator_id"].map(ind["unit"]),
                      polarity=reg["indicator_id"].map(ind["polarity"]),
                      group_role=reg["group_id"].map(groups["role"]),
                      group_order=reg["group_id"].map(groups["order"]))
    rows = rows.sort_values(["indicator_id", "cohort", "reference_date", "group_order"], kind="stable")
    rows = rows.reset_index(drop=True)
    small = _small(rows, min_count(pkg))
    derivable = _derivable(rows, small)
    status = pd.Series("ok", index=rows.index, dtype=object)
    status[rows["value"].isna()] = "not_published"
    status[small] = "small"
    status[derivable] = "derivable"
    withheld = small | derivable
    rows.loc[withheld, "value"] = float("nan")
    rows["counted"] = rows["counted"].astype("Int64").mask(withheld)
    rows["status"] = pd.Categorical(status, categories=STATUSES)
    return rows[COLUMNS]


# The published table: labels in both languages beside every id, so a download reads without the catalogue.
PUBLISHED = ["indicator_id", "indicator_title_nl", "indicator_title_en", "group_id", "group_label_nl",
             "group_label_en", "cohort", "reference_date", "statistic", "unit", "value", "counted", "status",
             "register_id", "register_title_nl", "register_title_en", "source_url"]


def published(pkg: DataPackage) -> pd.DataFrame:
    """``build_table`` with the labels the downloads carry: withheld figures stay empty, with their reason."""
    table = build_table(pkg)
    ind = pkg["indicators"].set_index("indicator_id")
    groups = pkg["groups"].set_index("group_id")
    registers = pkg["registers"].set_index("register_id")
    labelled = table.assign(**{f"indicator_title_{lang}": table["indicator_id"].map(ind[f"title_{lang}"])
                               for lang in ("nl", "en")},
                            **{f"group_label_{lang}": table["group_id"].map(groups[f"label_{lang}"])
                               for lang in ("nl", "en")},
                            **{f"register_title_{lang}": table["register_id"].map(registers[f"title_{lang}"])
                               for lang in ("nl", "en")})
    return labelled[PUBLISHED].assign(status=labelled["status"].astype(str))
