"""The overviews: per goal, and for the comparison of the two groups, every topic's figures of both groups on one
line (a dot plot), with at most so many topics."""

from __future__ import annotations

import pandas as pd

from pipeline.model.package import DataPackage
from pipeline.stages.charts import theme
from pipeline.stages.charts import vegalite as vl
from pipeline.stages.charts.parts import (
    LEGEND,
    PERCENT_AXIS,
    PERCENT_MARGIN,
    Source,
    at_most_groups,
    data,
    finish,
    label,
    scale_of,
    wrap,
)
from pipeline.stages.charts.vegalite import field, filtered, layer, mark, props
from pipeline.words import i18n


def latest_main(table: pd.DataFrame, indicators: pd.DataFrame, styles: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Per percent indicator, the main groups' values in its latest measurement."""
    frame = table[table["latest"] & (table["group_role"] == "main") & table["value"].notna()
                  & (table["unit"] == "percent")].copy()
    frame = at_most_groups(frame, styles, lang)[0] if not frame.empty else frame
    if frame.empty:
        return frame.assign(name=[], title=[], colour=[], shape=[], label=[])
    frame["name"] = [styles.at[g, f"label_{lang}"] for g in frame["group_id"]]
    frame["colour"] = frame["group_id"].map(styles["colour"])
    frame["shape"] = frame["group_id"].map(styles["shape"])
    titles = indicators.set_index("indicator_id")[f"title_{lang}"]
    frame["title"] = (frame["indicator_id"].map(titles) + " (" + frame["edition"].astype(int).astype(str) + ")").map(
        lambda text: wrap(text, 40))
    frame["label"] = [label(r, "percent", lang) for _, r in frame.iterrows()]
    # Exactly one point per indicator carries its label on the right, even when both values are equal.
    frame["high"] = frame.groupby("indicator_id")["value"].rank(method="first", ascending=False) == 1
    frame["edition"] = frame["edition"].astype(int)
    return frame


def dumbbell(frame: pd.DataFrame, sort: list[str], lang: str, title: str, notes: list[str], source: str):
    """Per indicator, the groups' values on one line, the indicator's name just above it.

    The scale runs a little past 0% and 100%, so the lower value's label fits left of its point and the
    higher one's right of it, whatever the values: labels never meet each other, the points or an axis.
    A name sits 8 px above its own points and at least 22 px below the row before, so it is read with its
    own row; there are no gridlines, which would run through the names (every point has its value).
    """
    frame = frame[["title", "name", "value", "label", "colour", "shape", "high"]]
    lines = int(frame["title"].str.count("\\|").max()) + 1
    points = 15 * lines + 14  # px from a row's top to its points, below the longest name
    step = points + 22  # then the gap to the next row's name
    row = points / step
    y = field("title:N", sort=sort, title=None, axis=None, bandPosition=row)
    x = field("value:Q", scale=props(domain=[-PERCENT_MARGIN, 100 + PERCENT_MARGIN], nice=False),
              axis={**PERCENT_AXIS, "grid": False})
    values = data(frame)
    rules = vl.unit(mark("rule", color=theme.RANGE_COLOUR, strokeWidth=2),
                 {"y": y, "x": field("min(value):Q"), "x2": props(aggregate="max", field="value")})
    dots = vl.unit(mark("point", size=110, opacity=1), {
        "y": y, "x": x, "color": field("name:N", scale=scale_of(values["values"], "colour"), legend=LEGEND),
        "shape": field("name:N", scale=scale_of(values["values"], "shape"), legend=LEGEND)})
    high = vl.unit(mark("text", align="left", dx=10), {"y": y, "x": field("value:Q"), "text": field("label:N")},
                [filtered("datum.high")])
    low = vl.unit(mark("text", align="right", dx=-10), {"y": y, "x": field("value:Q"), "text": field("label:N")},
               [filtered("!datum.high")])
    # A name's last line ends 8 px above its points, however many lines it has: Vega writes the lines
    # downwards from the anchor, so a longer name starts higher (with an offset, y is the row's top).
    rise = f"{points - 14} - 15 * (length(split(datum.title, '|')) - 1)"
    names = vl.unit(mark("text", align="left", baseline="alphabetic", fontWeight=700, lineBreak="|", lineHeight=15),
                 {"y": y, "yOffset": field("rise:Q", scale=None), "x": vl.value(0), "text": field("title:N")},
                 [filtered("datum.high"), {"calculate": rise, "as": "rise"}])
    chart = layer(rules, dots, high, low, names, data=values, width=theme.WIDTH, height={"step": step})
    items = "; ".join(f"{t.replace('|', ' ')}: " + ", ".join(f"{r['name']} {r['label']}" for _, r in rows.iterrows())
                      for t, rows in frame.groupby("title", sort=False))
    return finish(chart, lang, title, notes, i18n.t(lang, "chart_desc_dumbbell", title=title, items=items),
                   source)


# A chart of more topics than this is no longer read (and Vega's layout gives up at a few thousand rows):
# it shows the first ones and says how many it leaves out; every topic keeps its own page and table.
MAX_TOPICS = 40


def at_most_topics(frame: pd.DataFrame, sort: list[str], lang: str,
                   chosen: str) -> tuple[pd.DataFrame, list[str], list[str]]:
    """The rows and order of the first ``MAX_TOPICS`` topics, and a note when some were left out."""
    if len(sort) <= MAX_TOPICS:
        return frame, sort, []
    kept = sort[:MAX_TOPICS]
    note = i18n.t(lang, "chart_topics_left_out", shown=i18n.number(MAX_TOPICS, lang),
                  total=i18n.number(len(sort), lang), chosen=i18n.t(lang, chosen))
    return frame[frame["title"].isin(kept)], kept, [note]


def goal_chart(table: pd.DataFrame, goal: pd.Series, pkg: DataPackage, styles: pd.DataFrame, lang: str,
               source: Source) -> dict | None:
    indicators = pkg["indicators"]
    frame = latest_main(table[table["goal_id"] == goal["goal_id"]], indicators, styles, lang)
    if frame.empty:
        return None
    order = indicators.set_index("indicator_id")["order"]
    sort = list(frame.assign(o=frame["indicator_id"].map(order)).sort_values("o")["title"].drop_duplicates())
    title = i18n.t(lang, "goal_chart_title", goal=goal[f"title_{lang}"])
    frame, sort, left_out = at_most_topics(frame, sort, lang, "chart_topics_first_in_order")
    return dumbbell(frame, sort, lang, title, [i18n.t(lang, "goal_chart_subtitle"), *left_out], source(frame))


def comparison_chart(table: pd.DataFrame, pkg: DataPackage, styles: pd.DataFrame, lang: str,
                     source: Source) -> dict | None:
    frame = latest_main(table[table["compared"]], pkg["indicators"], styles, lang)
    if frame.empty:
        return None
    sort = list(frame.assign(g=frame["gap_pp"].abs()).sort_values("g", ascending=False, kind="stable")["title"]
                .drop_duplicates())
    frame, sort, left_out = at_most_topics(frame, sort, lang, "chart_topics_largest_gaps")
    return dumbbell(frame, sort, lang, i18n.t(lang, "comparison_chart_title"),
                     [i18n.t(lang, "comparison_chart_subtitle"), *left_out], source(frame))
