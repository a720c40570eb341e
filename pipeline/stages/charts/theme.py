"""The one chart theme of the monitor: the ``config`` of every Vega-Lite specification.

Calm and readable at phone width. Colours and font come from the design tokens (``site/tokens.yaml``):
the two main groups are a colour-blind-safe pair that stays the same on every chart, and every group also
has its own point shape, so colour never carries meaning alone.
"""

from __future__ import annotations

from pipeline.look.tokens import chart_font, colour

FONT = chart_font().replace('"', "")  # an SVG attribute: the names without CSS quotes
TEXT, MUTED, GRID, AXIS = colour("text"), colour("muted"), colour("grid"), colour("axis")
WIDTH = 300  # px: drawn at this width on a phone, text at its own size (12 px and up)
WIDE = 680  # px: the same chart drawn for the reading column of a wider screen, shown at its own size

# Keyed by group role and position, not by id, so that a new group gets a colour without a code change.
MAIN_COLOURS = [colour("group-1"), colour("group-2")]
TOTAL_COLOUR = colour("total")
REFERENCE_COLOUR = colour("reference")
RANGE_COLOUR = colour("range")
ON_BAR_COLOUR = colour("on-bar")
MAIN_SHAPES = ["circle", "square"]
TOTAL_SHAPE = "diamond"
REFERENCE_SHAPE = "triangle-up"


def style_for(role: str, position: int) -> tuple[str, str]:
    """Colour and shape of a group, from its role and its position among groups of that role."""
    if role == "main":
        return MAIN_COLOURS[position % 2], MAIN_SHAPES[position % 2]
    if role == "total":
        return TOTAL_COLOUR, TOTAL_SHAPE
    return REFERENCE_COLOUR, REFERENCE_SHAPE


def config() -> dict:
    return {
        "config": {
            "font": FONT,
            "background": colour("background"),
            "padding": {"left": 4, "right": 12, "top": 8, "bottom": 4},
            "view": {"stroke": None},
            "title": {"anchor": "start", "fontSize": 15, "fontWeight": 700, "color": TEXT,
                      "subtitleFontSize": 12, "subtitleColor": MUTED, "subtitlePadding": 4, "offset": 12},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": TEXT, "titleColor": MUTED,
                     "titleFontWeight": 400, "gridColor": GRID, "domainColor": AXIS, "tickColor": AXIS,
                     "labelLimit": 180},
            "axisY": {"titleAngle": 0, "titleAlign": "left", "titleY": -8, "titleX": 0},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "top", "title": None,
                       "labelColor": TEXT, "symbolSize": 90},
            "text": {"fontSize": 12, "color": TEXT},
            "bar": {"cornerRadiusEnd": 2},
            "line": {"strokeWidth": 2.5},
            "point": {"size": 80, "filled": True},
        }
    }

