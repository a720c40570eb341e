"""Stage 4, charts: one function per kind of chart, each returning a Vega-Lite specification for one language.

Every label a chart shows is formatted here with ``i18n`` (the same formatter the sentences use), so the
decimal comma on Dutch charts does not depend on the renderer. Suppressed values are marked in words and
never drawn as zero; a not-yet-measured indicator gets no chart (its page says so instead).
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.engine.memo import Memo, RowHashes, digest
from pipeline.engine.output import inside
from pipeline.engine.workers import Context, Workers
from pipeline.model import counted
from pipeline.model.indicators import SHOWN, records
from pipeline.model.package import DataPackage
from pipeline.stages.charts import theme
from pipeline.stages.charts import vegalite as vl
from pipeline.stages.charts.draw import Drawer, Drawing
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


def _lines(text: str, width: int) -> list[str]:
    """Chart texts are wrapped here, so a long question or source never widens the chart past a phone."""
    return textwrap.wrap(text, width) or [text]


def _source_line(lang: str, source: str, template: str) -> dict:
    lines = _lines(i18n.t(lang, template, source=source), 46)
    return vl.unit(mark("text", align="left", baseline="top", fontSize=12, color=theme.MUTED, lineBreak="\n",
                     lineHeight=15), {"text": field("text:N"), "x": vl.value(0), "y": vl.value(0)},
                data=vl.rows([{"text": "\n".join(lines)}]), width=theme.WIDTH, height=15 * len(lines))


def _finish(chart: dict, lang: str, title: str, subtitle: list[str], description: str,
            source: str, template: str = "chart_source") -> dict:
    """The whole specification: the chart, its source below it, its title and description."""
    subtitle_lines = [line for text in subtitle if text for line in _lines(text, 48)]
    whole = vl.vconcat(chart, _source_line(lang, source, template), spacing=14,
                       title={"text": _lines(title, 36), "subtitle": subtitle_lines}, description=description)
    return vl.document(whole, theme.config()["config"])


def _label(row: dict | pd.Series, unit: str, lang: str) -> str:
    if row["status"] == "suppressed":
        return i18n.t(lang, "suppressed")
    text = i18n.value(row["value"], unit, lang)
    return text + " *" if row["status"] == "low_n" else text


def _group_name(row: dict | pd.Series, styles: pd.DataFrame, lang: str) -> str:
    name = styles.at[row["group_id"], f"label_{lang}"]
    if pd.notna(row["reference_year"]) and row["reference_year"] != row["edition"]:
        name += f" ({i18n.t(lang, 'reference_year', year=int(row['reference_year']))})"
    return name


def _value_scale(unit: str, values: Iterable) -> tuple[dict, dict]:
    """The scale and axis of the values (missing ones left out), on whichever axis the chart draws them."""
    if unit == "percent":
        return props(domain=[0, 100]), PERCENT_AXIS
    top = max((value for value in values if pd.notna(value)), default=0)
    return props(domain=[0, float(top or 1) * 1.15], zero=True), props(title=None, format=",d")


def _scale(rows: list[dict], style: str) -> dict:
    """Each group's ``style`` (its colour or shape), groups in the order they first appear in the rows."""
    pairs: dict = {}
    for row in rows:
        pairs.setdefault(row["name"], row[style])
    return props(domain=list(pairs), range=list(pairs.values()))


def _notes(frame: pd.DataFrame, lang: str) -> list[str]:
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
    chart = _trend(drawn, indicator, styles, lang) if trend else _bars(drawn, indicator, styles, lang)
    return chart if chart is None else _finish(
        chart[0], lang, indicator[f"title_{lang}"],
        [indicator[f"definition_{lang}"], chart[1], *_notes(drawn, lang), *left_out], chart[2], source(drawn))


def _bars(shown: pd.DataFrame, indicator: pd.Series, styles: pd.DataFrame, lang: str):
    """One bar per group, its name above it, so the bars use the chart's whole width.

    The value sits inside a long bar (white on the colour) and just after a short one, never on the axis.
    """
    edition = int(shown["edition"].max())
    frame = shown[shown["edition"] == edition].copy()
    unit = indicator["unit"]
    rows = records(frame, ["group_id", "reference_year", "edition", "status", "value"])
    frame["name"] = [_group_name(r, styles, lang) for r in rows]
    frame["label"] = [_label(r, unit, lang) for r in rows]
    frame["colour"] = frame["group_id"].map(styles["colour"])
    frame["order"] = frame["group_id"].map(styles["order"])
    x_scale, x_axis = _value_scale(unit, frame["value"])
    top = x_scale["domain"][1]
    frame["x"] = frame["value"].fillna(0)  # a suppressed bar is not drawn; its label starts at the axis
    frame["inside"] = frame["value"].fillna(0) >= INSIDE_SHARE * top
    frame = frame[["name", "label", "colour", "order", "value", "x", "inside"]].sort_values("order")
    values = data(frame)
    y = field("name:N", sort=list(frame["name"]), title=None, axis=None)
    bars = vl.unit(mark("bar", height=BAR), {
        "y": y, "x": field("value:Q", scale=x_scale, axis=props(**x_axis, grid=False)),
        "color": field("name:N", scale=_scale(values["values"], "colour"), legend=None)},
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


def _trend(shown: pd.DataFrame, indicator: pd.Series, styles: pd.DataFrame, lang: str):
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
    found = [{"name": style[r["group_id"]][f"label_{lang}"], "label": _label(r, unit, lang),
              "colour": style[r["group_id"]]["colour"], "shape": style[r["group_id"]]["shape"],
              "edition": int(r["edition"]), "value": r["value"], "last": r["edition"] == last[r["group_id"]],
              "label_at": float(r["value"])} for r in rows]
    y_scale, y_axis = _value_scale(unit, [r["value"] for r in found])
    low, high = y_scale["domain"]
    ends = [r for r in found if r["last"]]
    for r, at in zip(ends, _spread([r["label_at"] for r in ends], (high - low) * LABEL_GAP / TREND_HEIGHT, low, high),
                     strict=True):
        r["label_at"] = at
    # Each group's figures in time order: the description read aloud follows the data, year after year.
    order = [style[r["group_id"]]["order"] for r in rows]
    found = [found[i] for i in sorted(range(len(found)), key=lambda i: (order[i], found[i]["edition"]))]
    # Years stay level; once there are more than fit side by side, every other one is shown.
    x = field("edition:O", title=None, axis=props(labelAngle=0, labelOverlap="parity"), scale=props(paddingOuter=0.3))
    chart = _lines_per_group(found, x, y_scale, y_axis, width=theme.WIDTH - 50)
    items = "; ".join(f"{r['name']} {r['edition']}: {r['label']}" for r in found)
    editions = [r["edition"] for r in found]
    return chart, f"{min(editions)}–{max(editions)}", i18n.t(lang, "chart_desc_trend",
                                                            title=indicator[f"title_{lang}"], items=items)


def _lines_per_group(rows: list[dict], x: dict, y_scale: dict, y_axis: dict, width: int) -> dict:
    """A line and points per group (colour and shape in one legend), each line's last value beside it."""
    legend = props(**LEGEND, title=None)
    names = list(dict.fromkeys(row["name"] for row in rows))
    colour = field("name:N", scale=_scale(rows, "colour"), legend=legend, sort=names)
    lines = vl.unit(mark("line"), {"x": x, "color": colour, "y": field("value:Q", scale=y_scale, axis=y_axis)})
    dots = vl.unit(mark("point"), {"x": x, "color": colour, "y": field("value:Q"),
                                   "shape": field("name:N", scale=_scale(rows, "shape"), legend=legend, sort=names)})
    values = vl.unit(mark("text", align="left", dx=10, fontWeight=700),
                     {"x": x, "color": colour, "y": field("label_at:Q"), "text": field("label:N")},
                     [filtered("datum.last")])
    return layer(lines, dots, values, data=vl.rows(rows), width=width, height=TREND_HEIGHT)


def _spread(values: list[float], gap: float, low: float, high: float) -> list[float]:
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


def _latest_main(table: pd.DataFrame, indicators: pd.DataFrame, styles: pd.DataFrame, lang: str) -> pd.DataFrame:
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
    frame["label"] = [_label(r, "percent", lang) for _, r in frame.iterrows()]
    # Exactly one point per indicator carries its label on the right, even when both values are equal.
    frame["high"] = frame.groupby("indicator_id")["value"].rank(method="first", ascending=False) == 1
    frame["edition"] = frame["edition"].astype(int)
    return frame


def _dumbbell(frame: pd.DataFrame, sort: list[str], lang: str, title: str, notes: list[str], source: str):
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
        "y": y, "x": x, "color": field("name:N", scale=_scale(values["values"], "colour"), legend=LEGEND),
        "shape": field("name:N", scale=_scale(values["values"], "shape"), legend=LEGEND)})
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
    return _finish(chart, lang, title, notes, i18n.t(lang, "chart_desc_dumbbell", title=title, items=items),
                   source)


# A chart of more topics than this is no longer read (and Vega's layout gives up at a few thousand rows):
# it shows the first ones and says how many it leaves out; every topic keeps its own page and table.
MAX_TOPICS = 40


def _at_most(frame: pd.DataFrame, sort: list[str], lang: str, chosen: str) -> tuple[pd.DataFrame, list[str], list[str]]:
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
    frame = _latest_main(table[table["goal_id"] == goal["goal_id"]], indicators, styles, lang)
    if frame.empty:
        return None
    order = indicators.set_index("indicator_id")["order"]
    sort = list(frame.assign(o=frame["indicator_id"].map(order)).sort_values("o")["title"].drop_duplicates())
    title = i18n.t(lang, "goal_chart_title", goal=goal[f"title_{lang}"])
    frame, sort, left_out = _at_most(frame, sort, lang, "chart_topics_first_in_order")
    return _dumbbell(frame, sort, lang, title, [i18n.t(lang, "goal_chart_subtitle"), *left_out], source(frame))


def comparison_chart(table: pd.DataFrame, pkg: DataPackage, styles: pd.DataFrame, lang: str,
                     source: Source) -> dict | None:
    frame = _latest_main(table[table["compared"]], pkg["indicators"], styles, lang)
    if frame.empty:
        return None
    sort = list(frame.assign(g=frame["gap_pp"].abs()).sort_values("g", ascending=False, kind="stable")["title"]
                .drop_duplicates())
    frame, sort, left_out = _at_most(frame, sort, lang, "chart_topics_largest_gaps")
    return _dumbbell(frame, sort, lang, i18n.t(lang, "comparison_chart_title"),
                     [i18n.t(lang, "comparison_chart_subtitle"), *left_out], source(frame))


def context_chart(series: pd.Series, values: pd.DataFrame, lang: str) -> dict:
    frame = values.sort_values("year").copy()
    frame["year"] = frame["year"].astype(int)
    frame["label"] = [i18n.number(v, lang) + (" *" if p else "") for v, p in zip(frame["value"],
                                                                                 frame["provisional"], strict=True)]
    frame = frame[["year", "value", "label"]]
    x = field("year:O", title=None, axis=props(labelAngle=0))
    # Every bar carries its value, so no value axis is needed: the bars get the chart's whole width.
    bars = vl.unit(mark("bar", color=theme.MAIN_COLOURS[0], width={"band": 0.7}),
                {"x": x, "y": field("value:Q", title=None, axis=None)})
    labels = vl.unit(mark("text", dy=-7), {"x": x, "y": field("value:Q"), "text": field("label:N")})
    chart = layer(bars, labels, data=data(frame), width=theme.WIDTH, height=200)
    notes = [f"* {i18n.t(lang, 'provisional')}"] if values["provisional"].any() else []
    items = "; ".join(f"{r['year']}: {r['label']}" for _, r in frame.iterrows())
    title = series[f"title_{lang}"]
    return _finish(chart, lang, title, [series[f"definition_{lang}"], *notes],
                   i18n.t(lang, "chart_desc_context", title=title, items=items), series[f"source_{lang}"],
                   "chart_source_other")


Recipe = tuple[str, tuple, Callable[[], dict | None]]  # name, what it is drawn from, how


def recipes(pkg: DataPackage, table: pd.DataFrame, lang: str, hashes: RowHashes | None = None) -> list[Recipe]:
    """Every chart of the site for one language, by file name (``<indicator_id>``, ``goal-<id>``, ...):
    what each is drawn from (for the memo's key) and the function that draws it."""
    hashes = hashes or RowHashes(table)
    styles = group_styles(pkg)
    editions = pkg["editions"].set_index("edition")
    titles = editions[f"title_{lang}"]

    def source(rows: pd.DataFrame) -> str:
        """The reports the drawn figures come from."""
        used = sorted(rows.loc[rows["value"].notna(), "edition"].unique())
        return ", ".join(titles.at[int(e)] for e in used)

    shared = (lang, digest(styles), digest(titles))  # hashed once for all of the language's charts
    found: list[Recipe] = []
    by_indicator = dict(iter(table.groupby("indicator_id", sort=False, observed=True)))
    counted_rows = dict(iter(counted.build_table(pkg).groupby("indicator_id", sort=False)))
    registers = pkg["registers"].set_index("register_id")
    for _, indicator in pkg["indicators"].iterrows():
        ident = indicator["indicator_id"]
        if ident in counted_rows:  # counted in a register: cohorts and reference dates, not measurements
            rows = counted_rows[ident]
            found.append((ident, (*shared, digest(rows), indicator.to_dict(), digest(registers)),
                          lambda r=rows, i=indicator: counted_chart(r, i, styles, registers, lang)))
            continue
        rows = by_indicator[ident]
        found.append((ident, (*shared, hashes.of(rows), indicator.to_dict()),
                      lambda r=rows, i=indicator: indicator_chart(r, i, styles, lang, source)))
    for _, goal in pkg["goals"].iterrows():
        rows = table[table["goal_id"] == goal["goal_id"]]
        found.append((f"goal-{goal['goal_id']}", (*shared, hashes.of(rows), goal, pkg["indicators"]),
                      lambda g=goal: goal_chart(table, g, pkg, styles, lang, source)))
    found.append(("comparison", (*shared, hashes.of(table[table["compared"]]), pkg["indicators"]),
                  lambda: comparison_chart(table, pkg, styles, lang, source)))
    for _, series in pkg["context_series"].iterrows():
        values = pkg["context"][pkg["context"]["series_id"] == series["series_id"]]
        if not values.empty:
            found.append((f"context-{series['series_id']}", (lang, series, values),
                          lambda s=series, v=values: context_chart(s, v, lang)))
    return found


def counted_chart(*args: object) -> dict | None:
    from pipeline.stages.charts.counted import counted_chart as draw

    return draw(*args)


def all_charts(pkg: DataPackage, table: pd.DataFrame, lang: str) -> dict[str, dict]:
    """Every chart of the site for one language, as its specification."""
    drawn = {name: make() for name, _, make in recipes(pkg, table, lang)}
    return {name: chart for name, chart in drawn.items() if chart is not None}


def spec_memo(cache: Path | None) -> Memo:
    """Specifications kept between builds: building one costs more than reading it back."""
    return Memo(cache, "specs")


def specs(context: Context, memo: Memo, workers: Workers | None = None) -> list[tuple[str, str, dict, str]]:
    """(language, name, Vega-Lite spec, its published JSON) of every chart; a chart made before from the same
    data is read back. The rest are made on every core (the build's ``workers``, or this process alone).
    """
    pkg, table = context.pkg, context.table
    hashes = RowHashes(table)
    listed = [(lang, name, memo.key(name, *inputs)) for lang in i18n.LANGUAGES
              for name, inputs, _ in recipes(pkg, table, lang, hashes)]
    kept = {key: memo.get(key) for _, _, key in listed}
    missing = [(lang, name, key) for lang, name, key in listed if kept[key] is None]
    made = Workers.of(context, workers).map(_spec, [(lang, name) for lang, name, _ in missing])
    for (_, _, key), text in zip(missing, made, strict=True):
        memo.put(key, text)
        kept[key] = text
    found = []
    for lang, name, key in listed:
        text = kept[key].decode("utf-8")
        spec = json.loads(text)
        if spec is not None:
            found.append((lang, name, spec, text))
    return found


def _language_recipes(context: Context, lang: str) -> dict[str, Callable[[], dict | None]]:
    return {name: make for name, _, make in recipes(context.pkg, context.table, lang)}


def _spec(context: Context, job: tuple[str, str]) -> bytes:
    """One chart's Vega-Lite spec as the JSON the site publishes (``null`` for a chart with nothing to draw),
    made from the language's recipes, which each process makes once. Indented JSON is written by Python's
    slow encoder (the fast one does not indent), so it is written here, on every core, and kept."""
    lang, name = job
    spec = context.once(_language_recipes, lang)[name]()
    return json.dumps(spec, ensure_ascii=False, indent=1).encode("utf-8")


_HORIZONTAL = ("width", "limit", "labelLimit")


def widened(spec: object, extra: int = theme.WIDE - theme.WIDTH) -> object:
    """The chart drawn for a wide column: every horizontal length ``extra`` px longer, text the same size.

    A phone's drawing scaled up to a wide column would have its text larger than the page's; a wide
    drawing scaled down to a phone would have it too small: each screen gets the drawing made for it.
    """
    if isinstance(spec, dict):
        return {key: value + extra if key in _HORIZONTAL and isinstance(value, int | float) and not
                isinstance(value, bool) else widened(value, extra) for key, value in spec.items()}
    if isinstance(spec, list):
        return [widened(item, extra) for item in spec]
    return spec


@dataclass(frozen=True)
class Chart:
    """One drawn chart, as the pages and embeds show it: its text, and where its files are."""

    title: str
    description: str
    svg: Path  # the accessible SVG for a phone; beside it the PNG and the Vega-Lite specification
    wide: Path  # the same chart drawn for a wide column (``<name>.wide.svg``, ``.wide.png``)


Charts = dict[str, Chart]  # by "<lang>/<name>", e.g. "nl/betaald-werk"


def run(context: Context, out: Path, drawer: Drawer, memo: Memo | None = None,
        workers: Workers | None = None) -> Charts:
    """Write ``charts/<lang>/<name>.vl.json|.svg|.png``, and ``charts/manifest.json`` for readers of the output.

    Each drawing (``<name>.svg`` for a phone, ``<name>.wide.svg``) is written by the process that draws it or
    reads it back (``Drawer.write_all``).
    """
    charts: Charts = {}
    jobs = specs(context, memo or Memo(None), workers)
    for lang, name, spec, text in jobs:
        folder = out / "charts" / lang
        folder.mkdir(parents=True, exist_ok=True)
        inside(folder, f"{name}.vl.json").write_text(text, encoding="utf-8")
        charts[f"{lang}/{name}"] = Chart(" ".join(spec["title"]["text"]), spec["description"],
                                         inside(folder, f"{name}.svg"), inside(folder, f"{name}.wide.svg"))
    drawings = []
    for lang, name, spec, _ in jobs:
        chart = charts[f"{lang}/{name}"]
        drawings.append((spec, lang, Drawing(chart.svg, f"chart-{name}", chart.title, chart.description)))
        drawings.append((widened(spec), lang, Drawing(chart.wide, f"chart-{name}-wide", chart.title,
                                                      chart.description)))
    drawer.write_all(drawings, Workers.of(context, workers))
    manifest = {key: {"title": chart.title, "description": chart.description} for key, chart in charts.items()}
    (out / "charts" / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                                  encoding="utf-8")
    return charts
