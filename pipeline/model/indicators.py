"""Stage 2, indicators: one tidy table, indicator × edition × group, with every derived figure.

Everything the charts, sentences, site and downloads show is computed here once, so that they cannot
disagree with each other.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.model.package import DataPackage
from pipeline.model.stats import more_than_chance, respondents_needed, wilson_arrays

COLUMNS = [
    "indicator_id", "goal_id", "edition", "group_id", "value", "n", "ci_low", "ci_high", "status",
    "reference_year", "gap_pp", "change_pp", "change_from", "change_caveat", "unit", "polarity",
    "group_role", "indicator_title_nl", "indicator_title_en", "group_label_nl", "group_label_en",
    "definition_nl", "definition_en", "wording_kind", "wording_nl", "wording_en",
    "edition_title_nl", "edition_title_en", "fieldwork_nl", "fieldwork_en",
    "source_chapter", "source_figure", "source_url",
]
# not_published: no figure was published for this group and edition (whether it was asked is not known);
# not_measured: the indicator itself has not been measured yet.
STATUSES = ["ok", "low_n", "suppressed", "not_published", "not_measured"]
SHOWN = ["ok", "low_n", "suppressed"]  # the statuses a chart or sentence reports on
# Facts that story, charts and site share, computed here once. They are not published as columns: the
# downloads carry the columns documented in model/indicator_table.yaml.
# latest: the row belongs to its indicator's latest measurement with a figure shown (or suppressed);
# compared: a main group's row in the comparison of the groups: a percentage, in that latest measurement,
#   where both main groups have a figure;
# first_edition: the first measurement with a figure for the indicator ("measured since");
# method_changed: the method changed in this row's measurement, compared with the one before;
# and per difference, decided once by the one rule for "more than chance" (``stats``), for the story and pages
# alike: a main group's gap to the other main group of its measurement (gap_*) and a row's change since its
# group's measurement before (change_*):
#   *_clear: more than chance, on the respondent counts where both are known, else even at the smallest group
#     the monitor publishes (``min_n``) per group;
#   *_needed: with counts unknown, for percentages, from how many respondents per group it would be (never
#     fewer than ``min_n``; empty when the counts are known or no number would do);
#   gap_favourable: this group's figure is the favourable one by the indicator's polarity (the higher one where
#     more is neither better nor worse); change_better: the change is an improvement by the polarity (empty
#     where more is neither better nor worse). Both empty for equal figures.
FACTS = ["latest", "compared", "first_edition", "method_changed", "gap_clear", "gap_needed", "gap_favourable",
         "change_clear", "change_needed", "change_better"]


WORDING = ["wording_kind", "wording_nl", "wording_en"]


def _own_wordings(grid: pd.DataFrame, wordings: pd.DataFrame) -> pd.DataFrame:
    """A measurement's own wording (wordings.csv) in place of the indicator's, on that measurement's rows."""
    own = wordings[["indicator_id", "edition", *WORDING]].rename(columns={c: f"{c}_own" for c in WORDING})
    grid = grid.merge(own, on=["indicator_id", "edition"], how="left")
    for column in WORDING:
        has_own = grid[f"{column}_own"].notna()
        grid[column] = grid[column].where(~has_own, grid[f"{column}_own"])
    return grid.drop(columns=[f"{c}_own" for c in WORDING])


def _frame(pkg: DataPackage) -> pd.DataFrame:
    """The full grid: every edition for every indicator, for the main groups and any group with a figure."""
    ind, groups, res = pkg["indicators"], pkg["groups"], pkg["results"]
    editions = pkg["editions"][["edition"]]
    main = groups.loc[groups["role"] == "main", ["group_id"]]
    with_results = res[["indicator_id", "group_id"]].drop_duplicates()
    pairs = pd.concat([ind[["indicator_id"]].merge(main, how="cross"), with_results]).drop_duplicates()
    grid = pairs.merge(editions, how="cross")
    grid = grid.merge(res, on=["indicator_id", "edition", "group_id"], how="left")
    grid = grid.merge(ind[["indicator_id", "goal_id", "unit", "polarity", "title_nl", "title_en", "order", "status",
                           "definition_nl", "definition_en", "wording_kind", "wording_nl", "wording_en"]]
                      .rename(columns={"title_nl": "indicator_title_nl", "title_en": "indicator_title_en",
                                       "order": "indicator_order", "status": "indicator_status"}), on="indicator_id")
    grid = grid.merge(pkg["editions"][["edition", "title_nl", "title_en", "fieldwork_nl", "fieldwork_en"]]
                      .rename(columns={"title_nl": "edition_title_nl", "title_en": "edition_title_en"}), on="edition")
    grid = grid.merge(groups[["group_id", "role", "label_nl", "label_en", "order"]]
                      .rename(columns={"role": "group_role", "label_nl": "group_label_nl",
                                       "label_en": "group_label_en", "order": "group_order"}), on="group_id")
    grid = _own_wordings(grid, pkg["wordings"])
    goal_order = pkg["goals"].set_index("goal_id")["order"]
    grid["goal_order"] = grid["goal_id"].map(goal_order)
    return grid.sort_values(["goal_order", "indicator_order", "edition", "group_order"]).reset_index(drop=True)


def _status(grid: pd.DataFrame, indicative_n: int) -> pd.Series:
    status = pd.Series("ok", index=grid.index, dtype=object)
    status[grid["n"].notna() & (grid["n"] < indicative_n)] = "low_n"
    status[grid["suppressed"].fillna(False).astype(bool)] = "suppressed"
    empty = grid["value"].isna() & ~grid["suppressed"].fillna(False).astype(bool)
    status[empty] = "not_published"
    status[empty & (grid["indicator_status"] == "not_measured")] = "not_measured"
    return status


def _intervals(grid: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    low = pd.Series(np.nan, index=grid.index)
    high = pd.Series(np.nan, index=grid.index)
    known = grid["value"].notna() & grid["n"].notna() & (grid["unit"] == "percent") & (grid["n"] > 0)
    rows = grid[known]
    low[known], high[known] = wilson_arrays(rows["value"].to_numpy(float), rows["n"].to_numpy(float),
                                            rows["population"].astype("float64").to_numpy())
    return low.round(1), high.round(1)


def _gaps(grid: pd.DataFrame) -> pd.Series:
    """Difference to the other main group in the same indicator and edition, in percentage points."""
    main = grid[grid["group_role"] == "main"]
    totals = main.groupby(["indicator_id", "edition"])["value"].agg(["sum", "count"])
    keyed = main.join(totals, on=["indicator_id", "edition"])
    other = keyed["sum"] - keyed["value"]
    gap = (keyed["value"] - other).where(keyed["count"] == 2)
    return gap.reindex(grid.index).round(1)


def _changes(grid: pd.DataFrame, editions: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Change since the previous edition that has a value, and whether a method change lies between."""
    # Number of method changes up to and including each edition: a change lies between two editions
    # exactly when this count differs between them.
    changes_so_far = editions.sort_values("edition").set_index("edition")["method_changed"].astype(int).cumsum()
    with_value = grid[grid["value"].notna()].sort_values("edition", kind="stable")
    previous = with_value.groupby(["indicator_id", "group_id"])[["edition", "value"]].shift(1)
    change = (with_value["value"] - previous["value"]).round(1)
    change_from = previous["edition"].astype("Int64")
    caveat = (with_value["edition"].map(changes_so_far) != change_from.map(changes_so_far)).astype("boolean")
    caveat = caveat.where(change_from.notna())
    return change.reindex(grid.index), change_from.reindex(grid.index), caveat.reindex(grid.index)


def method_changes(editions: pd.DataFrame) -> pd.Series:
    """Per measurement, whether its method differs from the one before (never for the first)."""
    changed = editions.set_index("edition")["method_changed"].astype(bool)
    return changed & (changed.index != changed.index.min())


def _facts(table: pd.DataFrame, editions: pd.DataFrame) -> pd.DataFrame:
    by_indicator = table["indicator_id"]
    shown = table["status"].isin(SHOWN)
    latest = table["edition"] == table["edition"].where(shown).groupby(by_indicator).transform("max")
    paired = latest & (table["group_role"] == "main") & table["value"].notna() & (table["unit"] == "percent")
    first = table["edition"].where(table["value"].notna()).groupby(by_indicator).transform("min")
    return pd.DataFrame({"latest": latest, "compared": paired & (paired.groupby(by_indicator).transform("sum") == 2),
                         "first_edition": first.astype("Int64"),
                         "method_changed": table["edition"].map(method_changes(editions)).astype(bool)})


def _compared(a: dict, b: dict, min_n: int) -> tuple[bool, int | None]:
    """Whether two figures differ by more than chance, and (counts unknown) from how many respondents each."""
    if pd.notna(a["n"]) and pd.notna(b["n"]):
        return more_than_chance(float(a["value"]), int(a["n"]), float(b["value"]), int(b["n"])), None
    if a["unit"] != "percent":
        return False, None
    needed = respondents_needed(float(a["value"]), float(b["value"]), min_n)
    return needed == min_n, needed


def _differences(table: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """The gap and change columns of ``FACTS``, row by row (pairs are few: a rule decided once is worth it)."""
    found = pd.DataFrame({"gap_clear": pd.array([pd.NA] * len(table), dtype="boolean"),
                          "gap_needed": pd.array([pd.NA] * len(table), dtype="Int64"),
                          "gap_favourable": pd.array([pd.NA] * len(table), dtype="boolean"),
                          "change_clear": pd.array([pd.NA] * len(table), dtype="boolean"),
                          "change_needed": pd.array([pd.NA] * len(table), dtype="Int64"),
                          "change_better": pd.array([pd.NA] * len(table), dtype="boolean")}, index=table.index)
    columns = ["indicator_id", "edition", "group_id", "group_role", "value", "n", "unit", "polarity", "change_from"]
    rows = dict(zip(table.index, records(table, columns), strict=True))
    main = [i for i, r in rows.items() if r["group_role"] == "main" and pd.notna(r["value"])]
    pairs: dict[tuple, list] = {}
    for i in main:
        pairs.setdefault((rows[i]["indicator_id"], rows[i]["edition"]), []).append(i)
    for pair in (p for p in pairs.values() if len(p) == 2):
        a, b = (rows[i] for i in pair)
        clear, needed = _compared(a, b, min_n)
        for i, row, other in ((pair[0], a, b), (pair[1], b, a)):
            found.at[i, "gap_clear"], found.at[i, "gap_needed"] = clear, needed if needed is not None else pd.NA
            if row["value"] != other["value"]:
                higher = row["value"] > other["value"]
                found.at[i, "gap_favourable"] = not higher if row["polarity"] == "lower_is_better" else higher
    by_key = {(r["indicator_id"], r["group_id"], r["edition"]): i for i, r in rows.items()}
    for i, row in rows.items():
        if pd.isna(row["change_from"]) or pd.isna(row["value"]):
            continue
        previous = rows[by_key[(row["indicator_id"], row["group_id"], row["change_from"])]]
        clear, needed = _compared(row, previous, min_n)
        found.at[i, "change_clear"], found.at[i, "change_needed"] = clear, needed if needed is not None else pd.NA
        if row["value"] != previous["value"] and row["polarity"] != "neutral":
            found.at[i, "change_better"] = (row["value"] > previous["value"]) == (row["polarity"] == "higher_is_better")
    return found


def build_table(pkg: DataPackage) -> pd.DataFrame:
    """The indicator table: ``COLUMNS`` (published) and ``FACTS`` (shared), suppressed values removed."""
    grid = _frame(pkg)
    indicative_n = pkg.indicative_n
    grid.loc[grid["suppressed"].fillna(False).astype(bool), "value"] = np.nan
    grid["status"] = _status(grid, indicative_n)
    grid["ci_low"], grid["ci_high"] = _intervals(grid)
    grid["gap_pp"] = _gaps(grid)
    grid["change_pp"], grid["change_from"], grid["change_caveat"] = _changes(grid, pkg["editions"])
    table = grid[COLUMNS].copy()
    table["status"] = pd.Categorical(table["status"], categories=STATUSES)
    for column in ["edition", "n", "reference_year", "change_from"]:
        table[column] = table[column].astype("Int64")
    return pd.concat([table, _facts(table, pkg["editions"]), _differences(table, pkg.min_n)], axis=1)


def records(rows: pd.DataFrame, columns: list[str] | None = None) -> list[dict]:
    """``rows`` as dicts (of ``columns`` only, if given): pandas' ``to_dict`` boxes every column of every row,
    and selecting rows one by one costs more than the rest of a page at a thousand indicators
    (and ``iterrows`` costs a chart a tenth of its making)."""
    if columns is None:  # every column: one array (pandas makes a Series for each column taken on its own)
        columns = list(rows.columns)
        values = rows.to_numpy(dtype=object).tolist()
    else:  # a few columns: selecting them first would copy the frame
        values = zip(*(rows[c].tolist() for c in columns), strict=True)
    return [dict(zip(columns, row, strict=True)) for row in values]


def plain_values(table: pd.DataFrame) -> pd.DataFrame:
    """The table with Python values in one block, for the stages that read it indicator by indicator.

    The typed table keeps its types for the downloads; story, embeds and pages select a few rows at a
    time, and on Arrow-backed text, nullable integers and categories every selection copies each column
    on its own (five times slower, measured at 1,000 indicators). Numbers stay numbers; a missing
    integer, text or flag becomes ``pd.NA`` or NaN, which ``pd.notna`` reads as before.
    """
    numeric = table.select_dtypes(include=["float64", "bool"]).columns
    return table.astype({c: object for c in table.columns if c not in numeric}).copy()
