"""The design tokens live in one file, and reach the site, the embeds and the charts from there."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from pipeline import theme, tokens

HEX = re.compile(r"(?<!&)#(?:[0-9a-fA-F]{3}){1,2}\b")  # not a character reference (&#123;)


def test_no_colour_is_written_outside_the_tokens():
    places = [p for folder in ("pipeline", "site") for p in (ROOT / folder).rglob("*")
              if p.suffix in {".py", ".html", ".css", ".qmd", ".yaml", ".yml"} and p.name != "tokens.yaml"]
    assert places
    found = {str(p.relative_to(ROOT)): HEX.findall(p.read_text(encoding="utf-8")) for p in places}
    assert {p: c for p, c in found.items() if c} == {}


def test_every_token_is_a_css_custom_property():
    css = tokens.css()
    for name, value in tokens.load()["colours"].items():
        assert f"--monitor-{name}: {value};" in css
    assert f"--monitor-font: {tokens.font()};" in css


def test_the_chart_theme_takes_the_tokens():
    assert [tokens.colour("group-1"), tokens.colour("group-2")] == theme.MAIN_COLOURS
    assert theme.config()["config"]["axis"]["labelColor"] == tokens.colour("text")


@pytest.mark.parametrize("text", [
    "colours:\n  text: 'red; } body { display: none'\nfont: Arial\n",
    "colours:\n  'Text </style>': '#000000'\nfont: Arial\n",
    "colours:\n  text: '#000000'\nfont: 'Arial; } * { color: red'\n",
])
def test_a_token_that_could_break_out_of_css_is_refused(tmp_path, monkeypatch, text):
    bad = tmp_path / "tokens.yaml"
    bad.write_text(text, encoding="utf-8")
    monkeypatch.setattr(tokens, "FILE", bad)
    tokens.load.cache_clear()
    try:
        with pytest.raises(tokens.TokenError, match=r"tokens\.yaml"):
            tokens.load()
    finally:
        tokens.load.cache_clear()


def test_site_and_embeds_use_the_written_tokens(site_build):
    css = tokens.css()
    assert (site_build / "preview" / "assets" / "tokens.css").read_text(encoding="utf-8") == css
    embeds = [p for p in (site_build / "embed" / "nl").glob("*.html") if not p.name.endswith(".iframe.html")]
    assert embeds
    for embed in embeds:
        assert css in embed.read_text(encoding="utf-8")
