"""Geometry of a rendered chart, measured in a browser: no text on text, on a point or a line, or off the canvas.

General rules, no per-chart coordinates: every ``<text>`` of an SVG must lie inside the SVG, must not
overlap another text, and must not overlap a drawn point, a rule (the dumbbell's connector) or an axis
line. Text inside a bar is allowed: that is where a long bar's label belongs.
"""

from __future__ import annotations

from pathlib import Path

MEASURE = """() => {
  const svg = document.querySelector('svg');
  const frame = svg.getBoundingClientRect();
  const box = (el) => { const r = el.getBoundingClientRect();
                        return {x0: r.left, y0: r.top, x1: r.right, y1: r.bottom}; };
  const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim())
                  .map(t => ({label: t.textContent.trim(), ...box(t)}));
  // A line's box has no width (or height): give it the width of its stroke, 2 px.
  const thick = (b) => ({x0: Math.min(b.x0, (b.x0 + b.x1) / 2 - 1), x1: Math.max(b.x1, (b.x0 + b.x1) / 2 + 1),
                         y0: Math.min(b.y0, (b.y0 + b.y1) / 2 - 1), y1: Math.max(b.y1, (b.y0 + b.y1) / 2 + 1)});
  const marks = [...svg.querySelectorAll(
      'g.mark-symbol.role-mark path, g.mark-rule.role-mark line, g.mark-rule.role-axis-domain line')]
      .map(m => ({label: m.closest('g[class]').getAttribute('class'), ...thick(box(m))}));
  return {frame: {x0: frame.left, y0: frame.top, x1: frame.right, y1: frame.bottom}, texts, marks};
}"""
TOLERANCE = 0.75  # px: anti-aliasing, not a collision


def _overlap(a: dict, b: dict) -> bool:
    return min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > TOLERANCE and \
        min(a["y1"], b["y1"]) - max(a["y0"], b["y0"]) > TOLERANCE


def problems(tab, svg: Path) -> list[str]:
    """Everything wrong with one chart's geometry, in words; an empty list when it reads well."""
    tab.goto(svg.resolve().as_uri())
    found = tab.evaluate(MEASURE)
    frame, texts, marks = found["frame"], found["texts"], found["marks"]
    issues = []
    for text in texts:
        if (text["x0"] < frame["x0"] - TOLERANCE or text["x1"] > frame["x1"] + TOLERANCE
                or text["y0"] < frame["y0"] - TOLERANCE or text["y1"] > frame["y1"] + TOLERANCE):
            issues.append(f"'{text['label']}' leaves the canvas")
    for i, first in enumerate(texts):
        for second in texts[i + 1:]:
            if _overlap(first, second):
                issues.append(f"'{first['label']}' overlaps '{second['label']}'")
    for text in texts:
        for mark in marks:
            if _overlap(text, mark):
                issues.append(f"'{text['label']}' overlaps a {mark['label'].split()[0]}")
    return issues
