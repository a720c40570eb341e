"""Counted figures from registers (``registrations.csv``): one table, indicator × cohort × reference date ×
group, with the privacy rule applied, for the story, the charts, the pages and the downloads.

A register counts everyone in a cohort, so there is no sample and no chance to test: a figure is what was
counted on its reference date. What a register can do is reveal people: a figure about fewer than
``min_count`` people (10 unless the package's ``monitor.min_count`` says more, as CBS does for its
microdata) is never published, and neither is the figure that would give it away by subtraction from a
total or from another indicator's figures for the same people (docs/registration.md).
"""

from __future__ import annotations

import pandas as pd

from pipeline.model.package import DataPackage

MIN_COUNT = 10
COLUMNS = ["indicator_id", "goal_id", "group_id", "cohort", "reference_date", "statistic", "unit", "polarity",
           "value", "counted", "status", "register_id", "source_url", "group_role"]
# ok: published; small: about fewer than min_count people; derivable: withheld so that a small figure cannot
# be worked out from the total and the other groups; not_published: the package has no value.
STATUSES = ["ok", "small", "derivable", "not_published"]
SHOWN = ["ok", "small", "derivable"]


def min_count(pkg: DataPackage) -> int:
    return max(MIN_COUNT, int(pkg.settings.get("min_count", MIN_COUNT)))


SHARE_ROUNDING = 0.05  # a share is published to one decimal: 0.4% may be anything from 0.35% to 0.45%


def _people(row: pd.Series) -> list[float]:
    """The fewest people a figure could be about: the people counted, and for a share or a count those
    with the outcome and those without it (98% of 300 tells that about 6 did not). A share is taken at the
    lowest value its rounding allows: 0.4% of 2,400 may be 9 people, not 9.6. A row without a value still
    publishes its count of people: that count is a figure in its own right."""
    counted, value = row["counted"], row["value"]
    if pd.isna(value):
        return [counted]
    if row["statistic"] == "share":
        return [counted, (value - SHARE_ROUNDING) / 100 * counted, (100 - value - SHARE_ROUNDING) / 100 * counted]
    if row["statistic"] == "count":
        return [value] + ([counted, counted - value] if pd.notna(counted) else [])
    return [counted]


def _small(rows: pd.DataFrame, least: int) -> pd.Series:
    def small(row: pd.Series) -> bool:
        return any(p < least for p in _people(row) if pd.notna(p))

    return rows.apply(small, axis=1).astype(bool) if not rows.empty else pd.Series(False, index=rows.index)


def _shown(rows: pd.DataFrame) -> pd.Series:
    """Rows that publish something: a value, or a count of people."""
    return rows["value"].notna() | rows["counted"].notna()


def _size(rows: pd.DataFrame) -> pd.Series:
    """The people each row is about: its count, or for a count without one, the value."""
    return rows["counted"].astype("Float64").fillna(rows["value"].where(rows["statistic"] == "count"))


def _withheld(rows: pd.DataFrame, small: pd.Series, least: int) -> pd.Series:
    """Which groups are withheld per cohort and reference date, the same in every indicator: one indicator's
    counts of people are another's denominators (the people whose months were counted are those with the
    diploma), so a group hidden in one is hidden in all.

    A total is by definition the main groups together, so subtraction from a published total (its value or
    its count) gives away what is hidden unless two or more main groups are hidden, and their people
    together are not fewer than ``least``: until both hold, the smallest main group still shown is hidden
    too, and when none is left, the total."""
    hidden = pd.Series(False, index=rows.index)
    for _, cell in rows.groupby(["cohort", "reference_date"], sort=False):
        groups = set(cell.loc[small[cell.index], "group_id"])
        main = cell[cell["group_role"] == "main"]
        totals = cell[cell["group_role"] == "total"]
        while groups & set(main["group_id"]):
            shown_total = totals[_shown(totals) & ~totals["group_id"].isin(groups)]
            if shown_total.empty:
                break
            hidden_main = main[main["group_id"].isin(groups)]
            together = _size(hidden_main).groupby(hidden_main["indicator_id"]).sum(min_count=1)
            if hidden_main["group_id"].nunique() >= 2 and not (together < least).any():
                break
            others = main[~main["group_id"].isin(groups) & _shown(main)]
            if others.empty:
                groups |= set(shown_total["group_id"])
            else:
                groups.add(_size(others).groupby(others["group_id"]).min().fillna(float("inf")).idxmin())
        hidden[cell.index] = cell["group_id"].isin(groups)
    return hidden


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
    withheld = _withheld(rows, small, min_count(pkg))
    status = pd.Series("ok", index=rows.index, dtype=object)
    status[rows["value"].isna()] = "not_published"
    status[withheld & ~small] = "derivable"
    status[small] = "small"
    rows.loc[withheld, "value"] = float("nan")
    rows["counted"] = rows["counted"].astype("Int64").mask(withheld)
    rows["status"] = pd.Categorical(status, categories=STATUSES)
    return rows[COLUMNS]


# The published table: labels in both languages beside every id, so a download reads without the catalogue.
PUBLISHED = ["indicator_id", "indicator_title_nl", "indicator_title_en", "group_id", "group_label_nl",
             "group_label_en", "cohort", "reference_date", "statistic", "unit", "value", "counted", "status",
             "register_id", "register_title_nl", "register_title_en", "source_url"]


def published(pkg: DataPackage, table: pd.DataFrame) -> pd.DataFrame:
    """The register ``table`` (``build_table``) with the labels the downloads carry: withheld figures stay empty,
    with their reason."""
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
