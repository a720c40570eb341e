"""The chart of an indicator counted in a register: the newest cohort's figures per group.

A share followed over two or more reference dates is a line per group, from the start of the obligation
onwards; months (with their statistic named) and persons are bars at the latest reference date, on an axis
in the unit, never a percentage axis. Labels are written by ``i18n`` as the sentences write them.
"""

from __future__ import annotations

import pandas as pd

from pipeline.stages.charts import theme
from pipeline.stages.charts.parts import (
    LABEL_GAP,
    TREND_HEIGHT,
    at_most_groups,
    bar_chart,
    data,
    finish,
    lines_per_group,
    spread,
    value_scale,
)
from pipeline.stages.charts.vegalite import field, props
from pipeline.words import i18n


def _day(iso: str, lang: str) -> str:
    return i18n.iso_date(iso, lang)


def _line(frame: pd.DataFrame, unit: str, lang: str) -> dict:
    """A line per group over the reference dates, each point's value beside the line's last point."""
    dates = sorted(frame["reference_date"].unique())
    frame = frame.assign(day=[_day(d, lang) for d in frame["reference_date"]],
                         last=frame["reference_date"] == dates[-1])
    y_scale, y_axis = value_scale(unit, frame["value"])
    low, high = y_scale["domain"]
    frame["label_at"] = frame["value"].astype(float)
    frame.loc[frame["last"], "label_at"] = spread(list(frame.loc[frame["last"], "value"].astype(float)),
                                                   (high - low) * LABEL_GAP / TREND_HEIGHT, low, high)
    x = field("day:O", title=None, sort=[_day(d, lang) for d in dates], axis=props(labelAngle=0, labelOverlap="parity"),
              scale=props(paddingOuter=0.3))
    rows = data(frame[["name", "label", "colour", "shape", "day", "value", "last", "label_at"]])["values"]
    return lines_per_group(rows, x, y_scale, y_axis, width=theme.WIDTH - 60)


def counted_chart(rows: pd.DataFrame, indicator: pd.Series, styles: pd.DataFrame, registers: pd.DataFrame,
                  lang: str) -> dict | None:
    """A share: the newest cohort in which a main group has figures on two dates or more, as lines; else
    (and for months and persons) the newest cohort's latest figures, as bars. None when nothing is published."""
    shown, left_out = at_most_groups(rows[rows["value"].notna()], styles, lang)
    if shown.empty:
        return None
    unit = indicator["unit"]
    dates = shown[shown["group_role"] == "main"].groupby("cohort")["reference_date"].nunique()
    followed = sorted(dates[dates >= 2].index) if unit == "percent" else []
    cohort = int(followed[-1] if followed else shown["cohort"].max())
    frame = shown[shown["cohort"] == cohort].copy()
    statistic = frame["statistic"].iloc[0]
    frame["name"] = [styles.at[g, f"label_{lang}"] for g in frame["group_id"]]
    frame["label"] = [i18n.value(v, unit, lang) for v in frame["value"]]
    frame["colour"] = frame["group_id"].map(styles["colour"])
    frame["shape"] = frame["group_id"].map(styles["shape"])
    frame["order"] = frame["group_id"].map(styles["order"])
    frame = frame.sort_values(["order", "reference_date"])
    t = i18n.t
    title = indicator[f"title_{lang}"]
    if followed:
        chart = _line(frame, unit, lang)
        when = t(lang, "counted_chart_dates", first=_day(frame["reference_date"].min(), lang),
                 last=_day(frame["reference_date"].max(), lang))
        items = "; ".join(f"{r['name']} {_day(r['reference_date'], lang)}: {r['label']}" for _, r in frame.iterrows())
    else:
        latest = frame["reference_date"].max()
        frame = frame[frame["reference_date"] == latest]
        bars = frame.assign(edition=cohort, reference_year=pd.NA, status="ok")
        chart = bar_chart(bars, indicator, styles, lang)[0]
        when = t(lang, "counted_chart_date", date=_day(latest, lang))
        items = "; ".join(f"{r['name']}: {r['label']}" for _, r in frame.iterrows())
    subtitle = t(lang, f"counted_chart_{statistic}", cohort=cohort, when=when)
    source = ", ".join(dict.fromkeys(registers.at[r, f"title_{lang}"] for r in frame["register_id"]))
    description = t(lang, "counted_chart_desc", title=title, subtitle=subtitle, items=items)
    return finish(chart, lang, title, [indicator[f"definition_{lang}"], subtitle, *left_out], description, source,
                   "chart_source_other")
