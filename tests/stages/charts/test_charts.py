"""Charts: valid Vega-Lite, one theme, locale-aware labels, honest handling of gaps, and their exports."""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path

import altair as alt
import jsonschema
import pandas as pd
import pytest
from helpers import FIXTURE, ROOT, set_results
from markupsafe import escape

from pipeline.look import tokens
from pipeline.model.package import load
from pipeline.model.tables import Tables
from pipeline.stages import charts, indicators
from pipeline.stages.charts import overview, parts, survey
from pipeline.stages.charts.draw import Drawer, accessible_svg


def png_size(path: Path) -> tuple[int, int]:
    return struct.unpack(">II", path.read_bytes()[16:24])


def svg_texts(path: Path) -> str:
    return " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", path.read_text(encoding="utf-8")))


def spec_values(spec: dict) -> list[dict]:
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


@pytest.fixture(scope="module")
def schema_validator():
    return jsonschema.Draft7Validator(alt.VegaLiteSchema._rootschema)  # the Vega-Lite schema Altair ships


def test_every_spec_is_valid_vega_lite_of_the_version_it_names(site_build, schema_validator):
    specs = sorted((site_build / "charts").rglob("*.vl.json"))
    assert len(specs) >= 2 * (10 + 3 + 1 + 2)  # measured indicators, goals, comparison, context series
    for path in specs:
        spec = json.loads(path.read_text(encoding="utf-8"))
        assert spec["$schema"] == alt.SCHEMA_URL, f"{path.name} names another Vega-Lite than it is checked against"
        errors = list(schema_validator.iter_errors(spec))
        assert not errors, f"{path.name}: {errors[0].message}"


def test_every_chart_has_svg_png_and_spec_in_both_languages(site_build):
    nl = {p.name for p in (site_build / "charts" / "nl").iterdir()}
    en = {p.name for p in (site_build / "charts" / "en").iterdir()}
    assert nl == en
    for name in {n.split(".")[0] for n in nl}:
        assert {f"{name}.vl.json", f"{name}.svg", f"{name}.png"} <= nl


def test_png_is_rendered_at_twice_the_svg_size(site_build):
    svg = (site_build / "charts" / "nl" / "taalles.svg").read_text(encoding="utf-8")
    width, height = (float(x) for x in re.search(r'width="([\d.]+)" height="([\d.]+)"', svg).groups())
    assert png_size(site_build / "charts" / "nl" / "taalles.png") == (round(2 * width), round(2 * height))


def test_svg_carries_title_and_description_for_screen_readers(site_build):
    svg = (site_build / "charts" / "en" / "ervaren-gezondheid.svg").read_text(encoding="utf-8")
    assert re.search(r'<svg[^>]*role="img"[^>]*aria-labelledby="chart-ervaren-gezondheid-title '
                     r'chart-ervaren-gezondheid-desc"', svg)
    catalogue = load(FIXTURE)["indicators"].set_index("indicator_id")
    title = escape(catalogue.at["ervaren-gezondheid", "title_en"])
    assert f'<title id="chart-ervaren-gezondheid-title">{title}</title>' in svg
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg).group(1)
    assert "52%" in desc and "76%" in desc and "74%" in desc
    assert svg.count('role="') == 1  # Vega's interactive roles are gone


def test_not_measured_indicators_get_no_chart(site_build):
    assert not (site_build / "charts" / "nl" / "thuis-in-utrecht.svg").exists()


def test_group_colours_are_the_same_on_every_chart(site_build):
    colours: dict[str, set[str]] = {}
    for path in (site_build / "charts" / "nl").glob("*.vl.json"):
        text = path.read_text(encoding="utf-8")
        for spec in re.finditer(r'"domain": \[([^\]]*)\],\s*"range": \[([^\]]*)\]', text):
            names, values = json.loads(f"[{spec.group(1)}]"), json.loads(f"[{spec.group(2)}]")
            for name, colour in zip(names, values, strict=True):
                if not colour.startswith("#"):
                    continue  # a shape scale
                colours.setdefault(name.split("|")[0], set()).add(colour)
    assert colours["asielstatushouders"] == {tokens.colour("group-1")}
    assert colours["gezinsmigranten"] == {tokens.colour("group-2")}
    assert tokens.colour("group-1") != tokens.colour("group-2")


def scales(node):
    """Every (field, scale) pair of a spec's encodings."""
    if isinstance(node, dict):
        if "field" in node and "scale" in node:
            yield node["field"], node["scale"]
        for child in node.values():
            yield from scales(child)
    elif isinstance(node, list):
        for child in node:
            yield from scales(child)


@pytest.mark.parametrize("name", ["taalles", "betaald-werk", "goal-taal", "comparison"])
def test_percentage_axes_run_from_0_to_100(site_build, name):
    spec = json.loads((site_build / "charts" / "en" / f"{name}.vl.json").read_text(encoding="utf-8"))
    value_scales = [scale for field, scale in scales(spec) if field == "value"]
    # Bars run from 0 to 100%; a dumbbell's scale runs a little past both ends, room for its labels.
    assert value_scales and all(scale["domain"][0] <= 0 and scale["domain"][1] >= 100
                                and scale["domain"][1] - scale["domain"][0] <= 140 for scale in value_scales)
    assert '"values": [0, 50, 100]' in json.dumps(spec)  # the axis shows exactly 0, 50 and 100%


def test_reference_group_shows_its_own_year(site_build):
    spec = json.loads((site_build / "charts" / "en" / "ervaren-gezondheid.vl.json").read_text(encoding="utf-8"))
    names = [row["name"].replace("|", " ") for row in spec_values(spec) if "name" in row]
    assert "adults in Utrecht (measured in 2022)" in names


def test_single_group_chart(site_build):
    spec = json.loads((site_build / "charts" / "en" / "zenuwachtig.vl.json").read_text(encoding="utf-8"))
    assert [row["label"] for row in spec_values(spec) if "label" in row and "name" in row] == ["41%"]


def test_figures_of_different_groups_in_two_editions_are_no_development(site_build):
    """Paid work: all newcomers in 2024, each group in 2025. No group has two figures, so no line."""
    spec = json.loads((site_build / "charts" / "nl" / "betaald-werk.vl.json").read_text(encoding="utf-8"))
    marks = {layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
             for layer in spec["vconcat"][0]["layer"]}
    assert "line" not in marks and "bar" in marks
    names = {row["name"] for row in spec_values(spec) if "name" in row}
    assert names == {"asielstatushouders", "gezinsmigranten"}
    assert "2024" not in " ".join(spec["title"]["subtitle"]) and "Monitor Inburgering 2024" not in json.dumps(spec)


def test_a_development_is_told_year_after_year_for_each_group():
    """Ten measurements of three groups: more rows than a quicksort keeps in order by chance."""
    from pipeline.model.indicators import build_table

    pkg = load(FIXTURE)
    table = build_table(pkg)
    rows = table[(table["indicator_id"] == "taalles") & (table["edition"] == 2024)]
    many = pd.concat([rows.assign(edition=year, value=10.0 + year - 2020) for year in range(2033, 2023, -1)],
                     ignore_index=True)
    indicator = pkg["indicators"].set_index("indicator_id", drop=False).loc["taalles"]
    spec = survey.indicator_chart(many, indicator, parts.group_styles(pkg), "en", lambda _: "source")
    drawn = [row for row in spec_values(spec) if "edition" in row]
    groups = {row["name"] for row in drawn}
    assert len(groups) >= 2 and len(drawn) == 10 * len(groups)
    for name in groups:
        years = [row["edition"] for row in drawn if row["name"] == name]
        told = [int(year) for year in re.findall(re.escape(name) + r" (\d{4}):", spec["description"])]
        assert years == told == list(range(2024, 2034)), name
    # Ten years do not fit side by side under a phone-wide chart: every other one is labelled, none overlap.
    shown = re.findall(r'<text(?![^>]*opacity="0")[^>]*>(20\d\d)</text>', Drawer().draw(spec, "en")[0])
    assert shown == ["2024", "2026", "2028", "2030", "2032"]


def test_labels_of_equal_last_values_are_stacked_in_the_groups_order():
    """Two groups ending on the same figure: the first group's label at its point, the next one above it,
    whatever order a sort of equal numbers happens to give."""
    from pipeline.stages.charts.parts import spread

    assert spread([32.5, 6.3, 32.5, 15.2], 7.5, 0, 100) == [32.5, 6.3, 40.0, 15.2]
    assert spread([32.5, 32.5], 7.5, 0, 100) == [32.5, 40.0]
    # Pushed past the top, the labels in the way move down; one that was not in the way stays at its point.
    assert spread([99.0, 99.0, 10.0], 7.5, 0, 100) == [92.5, 100.0, 10.0]
    assert spread([99.0, 99.0, 90.0], 7.5, 0, 100) == [92.5, 100.0, 85.0]
    # More labels than fit between the bottom and the top: none below the bottom, each a gap above the last.
    assert spread([1.0, 1.0, 1.0], 40.0, 0, 60) == [0.0, 40.0, 80.0]


@pytest.fixture(scope="module")
def decimal_build(built):
    """A package with a decimal value, a suppressed group and respondent counts."""
    return built("decimal")


def test_dutch_chart_uses_the_decimal_comma_and_english_the_point(decimal_build):
    nl = svg_texts(decimal_build / "charts" / "nl" / "spanning-nederlands-spreken.svg")
    en = svg_texts(decimal_build / "charts" / "en" / "spanning-nederlands-spreken.svg")
    assert "45,5%" in nl and "45.5%" not in nl
    assert "45.5%" in en and "45,5%" not in en


def test_suppressed_value_is_marked_not_drawn_as_zero(decimal_build):
    spec = json.loads((decimal_build / "charts" / "nl" / "problemen-door-taal.vl.json").read_text(encoding="utf-8"))
    row = next(r for r in spec_values(spec) if r.get("name") == "gezinsmigranten")
    assert row["value"] is None and row["label"] == "afgeschermd (te weinig respondenten)"
    assert "afgeschermd (te weinig respondenten)" in svg_texts(decimal_build / "charts" / "nl" /
                                                               "problemen-door-taal.svg")
    assert '"filter": "isValid(datum.value)"' in json.dumps(spec)


def test_drawing_cache_is_content_addressed(tmp_path):
    spec = {"$schema": "https://vega.github.io/schema/vega-lite/v6.json", "data": {"values": [{"a": 1.5}]},
            "mark": "text", "encoding": {"text": {"field": "a", "format": ".1f"}}}
    drawer = Drawer(cache=tmp_path)
    first = drawer.draw(spec, "nl")
    assert drawer.draw(spec, "nl") == first
    assert (drawer.hits, drawer.misses) == (1, 1)
    drawer.draw(spec, "en")  # another locale is another chart
    drawer.draw({**spec, "data": {"values": [{"a": 2.5}]}}, "nl")
    assert (drawer.hits, drawer.misses) == (1, 3)
    assert "1,5" in first[0]


def test_a_chart_written_as_data_is_the_one_altair_writes():
    """The compositions ``vegalite`` writes by hand (a layer sharing its rows, a concatenation, rows moved to
    named datasets, the schema) mean what Altair's mean: the same specification, key for key."""
    from pipeline.stages.charts import vegalite as vl

    rows = [{"name": "a", "value": 1.5}, {"name": "b", "value": None}]
    source = [{"text": "Source: a report"}]
    y = vl.field("name:N", sort=["a", "b"], title=None, axis=None)
    ours = vl.document(vl.vconcat(
        vl.layer(vl.unit(vl.mark("bar", height=22), {"y": y, "x": vl.field("value:Q", scale={"domain": [0, 2]})},
                         [vl.filtered("isValid(datum.value)")]),
                 vl.unit(vl.mark("text", dx=6), {"y": y, "x": vl.field("max(value):Q"), "text": vl.field("name:N"),
                                                 "yOffset": vl.field("rise:Q", scale=None)},
                         [vl.filtered("datum.value > 1"), {"calculate": "2", "as": "rise"}]),
                 data=vl.rows(rows), width=300, height={"step": 48}),
        vl.unit(vl.mark("text", align="left"), {"text": vl.field("text:N"), "x": vl.value(0)},
                data=vl.rows(source), width=300, height=15),
        spacing=14, title={"text": ["A title"]}, description="What it shows"), {"font": "Liberation Sans"})

    base = alt.Chart({"values": rows}).encode(y=alt.Y("name:N", sort=["a", "b"], title=None, axis=None))
    bars = base.mark_bar(height=22).encode(x=alt.X("value:Q", scale={"domain": [0, 2]})).transform_filter(
        "isValid(datum.value)")
    labels = base.mark_text(dx=6).encode(x="max(value):Q", text="name:N", yOffset=alt.YOffset("rise:Q", scale=None))
    labels = labels.transform_filter("datum.value > 1").transform_calculate(rise="2")
    line = alt.Chart({"values": source}, width=300, height=15).mark_text(align="left").encode(
        text="text:N", x=alt.XValue(0))
    theirs = alt.vconcat(alt.layer(bars, labels, width=300, height={"step": 48}), line, spacing=14,
                         title={"text": ["A title"]}, description="What it shows")
    with alt.theme.enable("none"):
        written = theirs.to_dict()
    assert ours.pop("config") == {"font": "Liberation Sans"}
    assert json.dumps(ours) == json.dumps(written)


def test_accessible_svg_escapes_its_texts():
    svg = accessible_svg('<svg width="1" height="1"><g role="graphics-object" clip-path="url(#clip7)"></g>'
                         '<clipPath id="clip7"></clipPath></svg>', "c", "A & B", "<x>")
    # Vega's per-process number 7 becomes this chart's first clip path: the same bytes whichever process drew it
    assert 'clip-path="url(#c-clip1)"' in svg and 'id="c-clip1"' in svg and "clip7" not in svg
    assert "<title id=\"c-title\">A &amp; B</title>" in svg and "<desc id=\"c-desc\">&lt;x&gt;</desc>" in svg
    assert "graphics-object" not in svg


def test_charts_drawn_on_all_cores_equal_those_drawn_in_one_process(site_build, monkeypatch):
    from pipeline.engine import workers
    from pipeline.stages.charts import draw

    specs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((site_build / "charts" / "nl")
                                                                        .glob("*.vl.json"))][:4]
    jobs = [(spec, "nl") for spec in specs]
    serial = draw.Drawer(cache=None).draw_all(jobs)  # no workers: this process alone
    monkeypatch.setattr(workers, "PARALLEL_FROM", 2)
    monkeypatch.setattr(workers.os, "cpu_count", lambda: 2)
    with workers.Workers(workers.Context()) as pool:
        parallel = draw.Drawer(cache=None).draw_all(jobs, pool)
        assert pool._pool is not None  # a worker drew some
    def readable(results):  # as published: clip-path ids numbered per chart, not per process
        return [draw.accessible_svg(svg, "chart", "title", "description") for svg, _ in results]

    assert readable(parallel) == readable(serial)
    assert all(png.startswith(b"\x89PNG") for _, png in parallel)


def test_a_goal_or_comparison_of_very_many_topics_shows_the_first_and_says_so(tmp_path):
    """Thousands of topics in one goal made Altair refuse the data and Vega's layout overflow; a chart
    shows at most ``MAX_TOPICS`` and names how many it left out, in each language's words and numbers."""
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    from pipeline.model.indicators import build_table

    many = overview.MAX_TOPICS + 5
    pkg = load(generate(tmp_path / "pkg", many, 1, 3, goals=1))
    table = build_table(pkg)
    styles = parts.group_styles(pkg)
    goal = pkg["goals"].iloc[0]
    for lang, words in (("nl", f"De grafiek toont {overview.MAX_TOPICS} van de {many} indicatoren"),
                        ("en", f"The chart shows {overview.MAX_TOPICS} of the {many} indicators")):
        for spec in (overview.goal_chart(table, goal, pkg, styles, lang, lambda _: "x"),
                     overview.comparison_chart(table, pkg, styles, lang, lambda _: "x")):
            text = json.dumps(spec, ensure_ascii=False)
            assert words in text
            titles = {row["title"] for data in spec["datasets"].values() for row in data if "title" in row}
            assert len(titles) == overview.MAX_TOPICS
    few = load(generate(tmp_path / "few", 6, 1, 3, goals=1))
    spec = overview.goal_chart(build_table(few), few["goals"].iloc[0], few, parts.group_styles(few), "en",
                             lambda _: "x")
    assert "The chart shows" not in json.dumps(spec)


def test_a_chart_draws_at_most_so_many_groups_and_says_so(package):
    """Two thousand reference groups are valid data; a chart of them is not read (and Vega gives up): the
    chart draws the first groups, says how many it left out, and can be drawn."""
    from helpers import edit_csv

    extra = [f"referentie-{i:04d}" for i in range(2000)]

    def groups(rows):
        return [*rows, *({**rows[-1], "group_id": g, "order": str(10 + i), "label_nl": f"Groep {i}",
                          "label_en": f"Group {i}", "phrase_nl": f"groep {i}", "phrase_en": f"group {i}"}
                         for i, g in enumerate(extra))]

    edit_csv(package, "groups", groups)
    set_results(package, {("zenuwachtig", 2025, g): {"value": "50", "reference_year": "2024"} for g in extra})
    pkg = load(package)

    for lang, words in (("nl", "De grafiek toont de eerste 12 van de 2.001 groepen"),
                        ("en", "The chart shows the first 12 of the 2,001 groups")):
        spec = charts.all_charts(Tables.of(pkg), lang)["zenuwachtig"]
        assert words in " ".join(spec["title"]["subtitle"])
        assert len({row["name"] for row in spec_values(spec) if "name" in row}) == parts.MAX_GROUPS
    Drawer().draw(spec, "en")  # Vega lays it out


def test_a_print_only_run_draws_the_phone_svgs_alone_the_same_as_the_sites(site_build, tmp_path):
    """An earlier measurement's PDF draws only what a PDF shows: each chart's SVG for a phone, with no PNG and
    no wide drawing, and that SVG is the very drawing the site publishes."""
    drawn = charts.run(indicators.run(load(FIXTURE)), tmp_path, Drawer(cache=tmp_path / "kept"), print_only=True)
    assert len(drawn) > 20
    for key, chart in drawn.items():
        assert chart.svg.is_file() and not chart.wide.exists() and not chart.svg.with_suffix(".png").exists()
        published = site_build / "charts" / f"{key}.svg"
        assert chart.svg.read_bytes() == published.read_bytes(), key
