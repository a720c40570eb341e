"""The chart of one indicator asked in the survey: its groups side by side in the latest measurement, or a
line per group once two or more measurements have figures. Suppressed values are marked in words and never
drawn as zero."""

from __future__ import annotations

import pandas as pd

from pipeline.model.indicators import SHOWN, records
from pipeline.stages.charts import theme
from pipeline.stages.charts.parts import (
    LABEL_GAP,
    TREND_HEIGHT,
    Source,
    at_most_groups,
    bar_chart,
    finish,
    label,
    lines_per_group,
    notes,
    spread,
    value_scale,
)
from pipeline.stages.charts.vegalite import field, props
from pipeline.words import i18n


def indicator_chart(rows: pd.DataFrame, indicator: pd.Series, styles: pd.DataFrame, lang: str,
                    source: Source) -> dict | None:
    """Groups side by side for one edition; development per group once two or more editions have values."""
    shown, left_out = at_most_groups(rows[rows["status"].isin(SHOWN)], styles, lang)
    if shown.empty:
        return None
    # A line only joins figures of the same group: values of different groups in different editions
    # (all newcomers in 2024, each group in 2025) are not a development.
    history = shown[shown["value"].notna()].groupby("group_id")["edition"].nunique()
    trend = not history.empty and history.max() >= 2
    drawn = shown if trend else shown[shown["edition"] == shown["edition"].max()]
    chart = development_chart(drawn, indicator, styles, lang) if trend else bar_chart(drawn, indicator, styles, lang)
    return chart if chart is None else finish(
        chart[0], lang, indicator[f"title_{lang}"],
        [indicator[f"definition_{lang}"], chart[1], *notes(drawn, lang), *left_out], chart[2], source(drawn))


def development_chart(shown: pd.DataFrame, indicator: pd.Series, styles: pd.DataFrame, lang: str):
    """A line per group over the measurements; groups in a legend, values at the last point of each line.

    Labels of the last points are moved apart where they would touch (at most one line of text per
    14 px), so three or more groups with close values stay readable.
    """
    unit = indicator["unit"]
    style = styles[[f"label_{lang}", "colour", "shape", "order"]].to_dict("index")
    # An indicator's forty rows are few: plain Python over them is ten times quicker than pandas.
    rows = [r for r in records(shown, ["group_id", "edition", "status", "value"]) if pd.notna(r["value"])]
    last = {}
    for r in rows:
        last[r["group_id"]] = max(last.get(r["group_id"], r["edition"]), r["edition"])
    found = [{"name": style[r["group_id"]][f"label_{lang}"], "label": label(r, unit, lang),
              "colour": style[r["group_id"]]["colour"], "shape": style[r["group_id"]]["shape"],
              "edition": int(r["edition"]), "value": r["value"], "last": r["edition"] == last[r["group_id"]],
              "label_at": float(r["value"])} for r in rows]
    y_scale, y_axis = value_scale(unit, [r["value"] for r in found])
    low, high = y_scale["domain"]
    ends = [r for r in found if r["last"]]
    for r, at in zip(ends, spread([r["label_at"] for r in ends], (high - low) * LABEL_GAP / TREND_HEIGHT, low, high),
                     strict=True):
        r["label_at"] = at
    # Each group's figures in time order: the description read aloud follows the data, year after year.
    order = [style[r["group_id"]]["order"] for r in rows]
    found = [found[i] for i in sorted(range(len(found)), key=lambda i: (order[i], found[i]["edition"]))]
    # Years stay level; once there are more than fit side by side, every other one is shown.
    x = field("edition:O", title=None, axis=props(labelAngle=0, labelOverlap="parity"), scale=props(paddingOuter=0.3))
    chart = lines_per_group(found, x, y_scale, y_axis, width=theme.WIDTH - 50)
    items = "; ".join(f"{r['name']} {r['edition']}: {r['label']}" for r in found)
    editions = [r["edition"] for r in found]
    return chart, f"{min(editions)}–{max(editions)}", i18n.t(lang, "chart_desc_trend",
                                                            title=indicator[f"title_{lang}"], items=items)
