"""A context series of the city (population, arrivals): a bar per year, each with its value."""

from __future__ import annotations

import pandas as pd

from pipeline.stages.charts import theme
from pipeline.stages.charts import vegalite as vl
from pipeline.stages.charts.parts import (
    data,
    finish,
)
from pipeline.stages.charts.vegalite import field, layer, mark, props
from pipeline.words import i18n


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
    return finish(chart, lang, title, [series[f"definition_{lang}"], *notes],
                   i18n.t(lang, "chart_desc_context", title=title, items=items), series[f"source_{lang}"],
                   "chart_source_other")
