"""The charts stage: every chart of the site, per language, as a Vega-Lite specification and as drawings.

One function per kind of chart, each returning a specification for one language: an indicator asked in the
survey (``survey``) or counted in a register (``counted``), the overviews per goal and of the comparison
(``overview``), a context series (``context``), all built from the same parts (``parts``) and theme
(``theme``), written as plain data (``vegalite``). A not-yet-measured indicator gets no chart (its page says so
instead). This module lists them (``recipes``), makes the specifications on every core, keeping them between
builds, and has them drawn as SVG and PNG (``draw``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.engine.memo import Memo, RowHashes, digest
from pipeline.engine.output import inside
from pipeline.engine.workers import Workers
from pipeline.model.tables import Tables
from pipeline.stages.charts import theme
from pipeline.stages.charts.context import context_chart
from pipeline.stages.charts.draw import Drawer, Drawing
from pipeline.stages.charts.overview import comparison_chart, goal_chart
from pipeline.stages.charts.parts import group_styles
from pipeline.stages.charts.registers import counted_chart
from pipeline.stages.charts.survey import indicator_chart
from pipeline.words import i18n

Recipe = tuple[str, tuple, Callable[[], dict | None]]  # name, what it is drawn from, how


def recipes(tables: Tables, lang: str, hashes: RowHashes | None = None) -> list[Recipe]:
    """Every chart of the site for one language, by file name (``<indicator_id>``, ``goal-<id>``, ...):
    what each is drawn from (for the memo's key) and the function that draws it."""
    pkg, table = tables.pkg, tables.table
    hashes = hashes or RowHashes(table)
    styles = group_styles(pkg)
    titles = tables.catalogue.editions[f"title_{lang}"]

    def source(rows: pd.DataFrame) -> str:
        """The reports the drawn figures come from."""
        used = sorted(rows.loc[rows["value"].notna(), "edition"].unique())
        return ", ".join(titles.at[int(e)] for e in used)

    shared = (lang, digest(styles), digest(titles))  # hashed once for all of the language's charts
    found: list[Recipe] = []
    by_indicator = dict(iter(table.groupby("indicator_id", sort=False, observed=True)))
    counted_rows = dict(iter(tables.counted.groupby("indicator_id", sort=False)))
    registers = tables.catalogue.registers
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


def all_charts(tables: Tables, lang: str) -> dict[str, dict]:
    """Every chart of the site for one language, as its specification."""
    drawn = {name: make() for name, _, make in recipes(tables, lang)}
    return {name: chart for name, chart in drawn.items() if chart is not None}


def spec_memo(cache: Path | None) -> Memo:
    """Specifications kept between builds: building one costs more than reading it back."""
    return Memo(cache, "specs", prose=False)


def specs(context: Tables, memo: Memo, workers: Workers | None = None) -> list[tuple[str, str, dict, str]]:
    """(language, name, Vega-Lite spec, its published JSON) of every chart; a chart made before from the same
    data is read back. The rest are made on every core (the build's ``workers``, or this process alone).
    """
    hashes = RowHashes(context.table)
    listed = [(lang, name, memo.key(name, *inputs)) for lang in i18n.LANGUAGES
              for name, inputs, _ in recipes(context, lang, hashes)]
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


def _language_recipes(context: Tables, lang: str) -> dict[str, Callable[[], dict | None]]:
    return {name: make for name, _, make in recipes(context, lang)}


def _spec(context: Tables, job: tuple[str, str]) -> bytes:
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


def run(context: Tables, out: Path, drawer: Drawer, memo: Memo | None = None,
        workers: Workers | None = None, print_only: bool = False) -> Charts:
    """Write ``charts/<lang>/<name>.vl.json|.svg|.png``, and ``charts/manifest.json`` for readers of the output.

    Each drawing (``<name>.svg`` for a phone, ``<name>.wide.svg``) is written by the process that draws it or
    reads it back (``Drawer.write_all``). ``print_only``: the SVG for a phone alone, all a PDF shows (an
    earlier measurement's council edition): a quarter of the drawing.
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
        if not print_only:
            drawings.append((widened(spec), lang, Drawing(chart.wide, f"chart-{name}-wide", chart.title,
                                                          chart.description)))
    drawer.write_all(drawings, Workers.of(context, workers), png=not print_only)
    manifest = {key: {"title": chart.title, "description": chart.description} for key, chart in charts.items()}
    (out / "charts" / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                                  encoding="utf-8")
    return charts
