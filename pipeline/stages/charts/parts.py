"""Shared parts of every chart: scales, labels, colours and shapes per group, the frame of title and source.

Every label a chart shows is formatted with ``i18n`` (the same formatter the sentences use), so the decimal comma
on Dutch charts does not depend on the renderer; every text is wrapped here, so no chart is wider than a phone.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable

import pandas as pd

from pipeline.model.indicators import records
from pipeline.model.package import DataPackage
from pipeline.stages.charts import theme
from pipeline.stages.charts import vegalite as vl
from pipeline.stages.charts.vegalite import field, filtered, layer, mark, props
from pipeline.words import i18n

PERCENT_AXIS = props(values=[0, 50, 100], labelExpr="datum.label + '%'", title=None)


LEGEND = props(orient="top", direction="vertical", labelLimit=theme.WIDTH - 30)


BAR = 22  # px: the height of a bar


INSIDE_SHARE = 0.25  # a bar at least this long holds its own label


PERCENT_MARGIN = 16  # percentage points of room left of 0% and right of 100% for the value labels


TREND_HEIGHT = 200


LABEL_GAP = 15  # px between two value labels on a development line


def wrap(text: str, width: int = 22) -> str:
    return "|".join(textwrap.wrap(text, width)) or text


def group_styles(pkg: DataPackage) -> pd.DataFrame:
    """Colour, shape and order per group, derived from the group catalogue (roles), not from ids."""
    groups = pkg["groups"].sort_values("order").copy()
    groups["position"] = groups.groupby("role").cumcount()
    styles = [theme.style_for(r, p) for r, p in zip(groups["role"], groups["position"], strict=True)]
    groups["colour"] = [s[0] for s in styles]
    groups["shape"] = [s[1] for s in styles]
    return groups.set_index("group_id")


def data(frame: pd.DataFrame) -> dict:
    """The rows a chart draws, as Vega-Lite inline values (missing as null)."""
    return {"values": [{key: None if value is pd.NA or value != value else value for key, value in row.items()}
                       for row in records(frame)]}


def text_lines(text: str, width: int) -> list[str]:
    """Chart texts are wrapped here, so a long question or source never widens the chart past a phone."""
    return textwrap.wrap(text, width) or [text]


def source_line(lang: str, source: str, template: str) -> dict:
    lines = text_lines(i18n.t(lang, template, source=source), 46)
    return vl.unit(mark("text", align="left", baseline="top", fontSize=12, color=theme.MUTED, lineBreak="\n",
                     lineHeight=15), {"text": field("text:N"), "x": vl.value(0), "y": vl.value(0)},
                data=vl.rows([{"text": "\n".join(lines)}]), width=theme.WIDTH, height=15 * len(lines))


def finish(chart: dict, lang: str, title: str, subtitle: list[str], description: str,
            source: str, template: str = "chart_source") -> dict:
    """The whole specification: the chart, its source below it, its title and description."""
    subtitle_lines = [line for text in subtitle if text for line in text_lines(text, 48)]
    whole = vl.vconcat(chart, source_line(lang, source, template), spacing=14,
                       title={"text": text_lines(title, 36), "subtitle": subtitle_lines}, description=description)
    return vl.document(whole, theme.config()["config"])


def label(row: dict | pd.Series, unit: str, lang: str) -> str:
    if row["status"] == "suppressed":
        return i18n.t(lang, "suppressed")
    text = i18n.value(row["value"], unit, lang)
    return text + " *" if row["status"] == "low_n" else text


def group_name(row: dict | pd.Series, styles: pd.DataFrame, lang: str) -> str:
    name = styles.at[row["group_id"], f"label_{lang}"]
    if pd.notna(row["reference_year"]) and row["reference_year"] != row["edition"]:
        name += f" ({i18n.t(lang, 'reference_year', year=int(row['reference_year']))})"
    return name


def value_scale(unit: str, values: Iterable) -> tuple[dict, dict]:
    """The scale and axis of the values (missing ones left out), on whichever axis the chart draws them."""
    if unit == "percent":
        return props(domain=[0, 100]), PERCENT_AXIS
    top = max((value for value in values if pd.notna(value)), default=0)
    return props(domain=[0, float(top or 1) * 1.15], zero=True), props(title=None, format=",d")


def scale_of(rows: list[dict], style: str) -> dict:
    """Each group's ``style`` (its colour or shape), groups in the order they first appear in the rows."""
    pairs: dict = {}
    for row in rows:
        pairs.setdefault(row["name"], row[style])
    return props(domain=list(pairs), range=list(pairs.values()))


def notes(frame: pd.DataFrame, lang: str) -> list[str]:
    return [f"* {i18n.t(lang, 'indicative')}"] if (frame["status"] == "low_n").any() else []


Source = Callable[[pd.DataFrame], str]  # the reports behind the rows a chart draws


# A chart of more groups than this is no longer read (and Vega's layout gives up at a few thousand): it draws
# the first ones in the groups' order (main groups, the total, then the references) and says so.
MAX_GROUPS = 12


def at_most_groups(rows: pd.DataFrame, styles: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, list[str]]:
    """The rows of the first ``MAX_GROUPS`` groups, and a note when some were left out."""
    groups = sorted(rows["group_id"].unique(), key=lambda g: styles.at[g, "order"])
    if len(groups) <= MAX_GROUPS:
        return rows, []
    note = i18n.t(lang, "chart_groups_left_out", shown=i18n.number(MAX_GROUPS, lang),
                  total=i18n.number(len(groups), lang))
    return rows[rows["group_id"].isin(groups[:MAX_GROUPS])], [note]


def bar_chart(shown: pd.DataFrame, indicator: pd.Series, styles: pd.DataFrame, lang: str):
    """One bar per group, its name above it, so the bars use the chart's whole width.

    The value sits inside a long bar (white on the colour) and just after a short one, never on the axis.
    """
    edition = int(shown["edition"].max())
    frame = shown[shown["edition"] == edition].copy()
    unit = indicator["unit"]
    rows = records(frame, ["group_id", "reference_year", "edition", "status", "value"])
    frame["name"] = [group_name(r, styles, lang) for r in rows]
    frame["label"] = [label(r, unit, lang) for r in rows]
    frame["colour"] = frame["group_id"].map(styles["colour"])
    frame["order"] = frame["group_id"].map(styles["order"])
    x_scale, x_axis = value_scale(unit, frame["value"])
    top = x_scale["domain"][1]
    frame["x"] = frame["value"].fillna(0)  # a suppressed bar is not drawn; its label starts at the axis
    frame["inside"] = frame["value"].fillna(0) >= INSIDE_SHARE * top
    frame = frame[["name", "label", "colour", "order", "value", "x", "inside"]].sort_values("order")
    values = data(frame)
    y = field("name:N", sort=list(frame["name"]), title=None, axis=None)
    bars = vl.unit(mark("bar", height=BAR), {
        "y": y, "x": field("value:Q", scale=x_scale, axis=props(**x_axis, grid=False)),
        "color": field("name:N", scale=scale_of(values["values"], "colour"), legend=None)},
        [filtered("isValid(datum.value)")])
    names = vl.unit(mark("text", align="left", baseline="bottom", dy=-(BAR / 2 + 3), limit=theme.WIDTH),
                 {"y": y, "x": vl.value(0), "text": field("name:N")})
    inside = vl.unit(mark("text", align="right", dx=-6, fontWeight=700, color=theme.ON_BAR_COLOUR),
                  {"y": y, "x": field("x:Q"), "text": field("label:N")}, [filtered("datum.inside")])
    outside = vl.unit(mark("text", align="left", dx=6, fontWeight=700),
                   {"y": y, "x": field("x:Q"), "text": field("label:N")}, [filtered("!datum.inside")])
    chart = layer(bars, names, inside, outside, data=values, width=theme.WIDTH, height={"step": BAR + 26})
    items = "; ".join(f"{r['name']}: {r['label']}" for r in records(frame, ["name", "label"]))
    title = indicator[f"title_{lang}"]
    return chart, f"{i18n.t(lang, 'edition')} {edition}", i18n.t(lang, "chart_desc_bars", title=title,
                                                                  edition=edition, items=items)


def lines_per_group(rows: list[dict], x: dict, y_scale: dict, y_axis: dict, width: int) -> dict:
    """A line and points per group (colour and shape in one legend), each line's last value beside it."""
    legend = props(**LEGEND, title=None)
    names = list(dict.fromkeys(row["name"] for row in rows))
    colour = field("name:N", scale=scale_of(rows, "colour"), legend=legend, sort=names)
    lines = vl.unit(mark("line"), {"x": x, "color": colour, "y": field("value:Q", scale=y_scale, axis=y_axis)})
    dots = vl.unit(mark("point"), {"x": x, "color": colour, "y": field("value:Q"),
                                   "shape": field("name:N", scale=scale_of(rows, "shape"), legend=legend, sort=names)})
    values = vl.unit(mark("text", align="left", dx=10, fontWeight=700),
                     {"x": x, "color": colour, "y": field("label_at:Q"), "text": field("label:N")},
                     [filtered("datum.last")])
    return layer(lines, dots, values, data=vl.rows(rows), width=width, height=TREND_HEIGHT)


def spread(values: list[float], gap: float, low: float, high: float) -> list[float]:
    """Positions for labels at ``values``, at least ``gap`` apart, kept within [low, high], order kept."""
    order = sorted(range(len(values)), key=values.__getitem__)
    placed: list[float] = []
    for i in order:
        placed.append(max(values[i], placed[-1] + gap) if placed else values[i])
    if placed and placed[-1] > high:  # pushed past the top: from the top down, only the labels in the way
        placed[-1] = float(high)
        for i in range(len(placed) - 2, -1, -1):
            placed[i] = min(placed[i], placed[i + 1] - gap)
        placed[0] = max(low, placed[0])  # more labels than fit: from the bottom up again
        for i in range(1, len(placed)):
            placed[i] = max(placed[i], placed[i - 1] + gap)
    at = [0.0] * len(values)
    for i, position in zip(order, placed, strict=True):
        at[i] = position
    return at
