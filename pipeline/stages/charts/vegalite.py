"""Vega-Lite specifications written as plain data: the few compositions the charts use.

The charts were built with Altair, whose objects cost two thirds of a specification's time: every
``encode``, layer and concatenation copies each object with all of its unset properties, and writing
the result walks them again (74 s of one core at 1,000 indicators). These functions write the same
JSON, key for key, as Altair 6 did for the same charts: a unit's keys, an encoding's channels and a
channel's properties in Altair's order, inline rows gathered under ``datasets`` by the name Altair
gives them. The tests validate every specification against the Vega-Lite schema Altair ships.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from copy import deepcopy

# The Vega-Lite version the specifications are written for; tests/test_charts.py validates every
# specification against this version's schema.
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.4.1.json"

TYPES = {"N": "nominal", "O": "ordinal", "Q": "quantitative"}


def props(**values: object) -> dict:
    """Properties (an axis, scale, legend, channel) as a dict, keys in the order Altair writes them."""
    return dict(sorted(values.items()))


def mark(kind: str, **values: object) -> dict:
    return {"type": kind, **props(**values)}


def field(shorthand: str, **values: object) -> dict:
    """A channel on a field, from Altair's shorthand: ``"value:Q"``, ``"min(value):Q"``."""
    name, kind = shorthand.rsplit(":", 1)
    if name.endswith(")"):
        aggregate, name = name[:-1].split("(", 1)
        values["aggregate"] = aggregate
    return props(field=name, type=TYPES[kind], **values)


def value(constant: object) -> dict:
    """A channel held at one value (``x=0``: the left edge)."""
    return {"value": constant}


def unit(kind: dict, encoding: dict, transform: Iterable[dict] = (), data: dict | None = None,
         **size: object) -> dict:
    """One mark over rows: the rows (``data``) only when the chart is not part of a layer that has them."""
    spec: dict = {} if data is None else {"data": data}
    spec |= {"mark": kind, "encoding": props(**encoding)}
    if transform := list(transform):
        spec["transform"] = transform
    return spec | props(**size)


def filtered(test: str) -> dict:
    return {"filter": test}


def layer(*units: dict, data: dict, **size: object) -> dict:
    """Marks drawn over each other from the same rows."""
    return {"layer": list(units), "data": data, **props(**size)}


def vconcat(*charts: dict, **values: object) -> dict:
    return {"vconcat": list(charts), **props(**values)}


def rows(values: list[dict]) -> dict:
    return {"values": values}


def _name(values: list[dict]) -> str:
    """The dataset's name: a hash of its rows, as Altair names them (so a spec is the same either way)."""
    if values == [{}]:
        return "empty"
    text = json.dumps(values, sort_keys=True, default=str)
    return "data-" + hashlib.sha256(text.encode()).hexdigest()[:32]


def document(spec: dict, config: dict) -> dict:
    """The whole specification: the theme's ``config``, the chart, its schema, and every chart's inline rows
    moved to ``datasets`` (each set once, however many marks draw it)."""
    datasets: dict[str, list] = {}

    def named(node: object) -> object:
        if isinstance(node, list):
            return [named(item) for item in node]
        if not isinstance(node, dict):
            return node
        found = {}
        for key, item in node.items():
            if key == "data" and isinstance(item, dict) and "values" in item:
                name = _name(item["values"])
                datasets.setdefault(name, item["values"])
                item = {"name": name, **{k: v for k, v in item.items() if k != "values"}}
            elif isinstance(item, dict | list):
                item = named(item)
            found[key] = item
        return found

    whole = {"config": deepcopy(config), **named(spec), "$schema": SCHEMA}
    if datasets:
        whole["datasets"] = datasets
    return whole
