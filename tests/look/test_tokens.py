"""The design tokens live in one file, and reach the site, the embeds and the charts from there."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from helpers import ROOT

from pipeline.look import tokens
from pipeline.stages.charts import theme

REAL_TEXT = tokens.colour("text")
HEX = re.compile(r"(?<!&)#(?:[0-9a-fA-F]{3}){1,2}\b")  # not a character reference (&#123;)


def test_no_colour_is_written_outside_the_tokens():
    places = [p for folder in ("pipeline", "site") for p in (ROOT / folder).rglob("*")
              if p.suffix in {".py", ".html", ".css", ".qmd", ".yaml", ".yml", ".typ", ".js"}
              and p.name != "tokens.yaml"]
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


def _with_tokens(monkeypatch, tmp_path, text: str) -> None:
    """Point the build at another tokens file for one test (the cache of the real one is restored)."""
    other = tmp_path / "tokens.yaml"
    other.write_text(text, encoding="utf-8")
    monkeypatch.setattr(tokens, "FILE", other)
    tokens.load.cache_clear()


@pytest.fixture
def restore_tokens():
    yield
    tokens.load.cache_clear()


REAL = yaml.safe_load(tokens.FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("change", [
    lambda t: t["colours"].update(better="red; } body { display: none"),
    lambda t: t["colours"].update({"Text </style>": "#000000"}),
    lambda t: t.update({"chart-font": "Arial; } * { color: red"}),
    lambda t: t["themes"]["utrecht"].update({"class": "x\" onload=\"alert(1)"}),
    lambda t: t.update(theme="nonexistent"),
])
def test_a_token_that_could_break_out_of_css_is_refused(tmp_path, monkeypatch, restore_tokens, change):
    bad = yaml.safe_load(yaml.safe_dump(REAL))
    change(bad)
    _with_tokens(monkeypatch, tmp_path, yaml.safe_dump(bad))
    with pytest.raises(tokens.TokenError, match=r"tokens\.yaml"):
        tokens.load()


@pytest.mark.parametrize("change", [
    lambda t, secret: t["font-files"][0].update(file=str(secret)),
    lambda t, secret: t["font-files"][0].update(file="../" * 8 + str(secret).lstrip("/")),
    lambda t, secret: t["components"].append(str(secret)),
    lambda t, secret: t["components"].append("@utrecht/design-tokens/dist/variables.json"),  # not a stylesheet
    lambda t, secret: t["script-fonts"]["arab"]["files"][0].update(file="@utrecht/design-tokens/dist/theme.css"),
])
def test_a_path_in_the_tokens_names_only_a_file_of_an_installed_package(tmp_path, monkeypatch, run_cli, package,
                                                                        restore_tokens, change):
    """A file of the build machine is never copied into the site's assets or its stylesheet."""
    secret = tmp_path / "secret.txt"
    secret.write_text("secret of the build machine")
    bad = yaml.safe_load(yaml.safe_dump(REAL))
    change(bad, secret)
    _with_tokens(monkeypatch, tmp_path, yaml.safe_dump(bad))
    with pytest.raises(tokens.TokenError, match=r"tokens\.yaml: .*must name a \.(css|woff2) file"):
        tokens.load()
    monkeypatch.setenv("MONITOR_CACHE", str(tmp_path / "cache"))
    code, _, err = run_cli("build", "--package", package, "--out", tmp_path / "out", "--no-render")
    assert code == 1 and "tokens.yaml" in err and not (tmp_path / "out").exists()


def test_theme_colours_come_from_the_theme_package_as_hex():
    variables = json.loads((tokens.package_dir(REAL["themes"]["utrecht"]["package"]) / "dist" / "variables.json")
                           .read_text(encoding="utf-8"))
    assert variables["utrechtColorRed40"] == "hsl(0 100% 40%)"  # the value as the package ships it
    assert tokens._hex("hsl(0 100% 40%)", "x") == "#cc0000" and tokens._hex("hsl(211 60% 35%)", "x") == "#24578f"
    assert tokens.colour("accent") == tokens._hex(variables[REAL["themes"]["utrecht"]["colours"]["accent"]], "x")
    assert tokens.font().startswith('"Noto Sans Variable"')


def test_switching_the_theme_is_one_setting(tmp_path, monkeypatch, restore_tokens):
    """A fork sets ``theme: voorbeeld``: the NL Design System's example tokens then feed the site's colours,
    font and stylesheet, and the monitor's own chart colours stay."""
    from pipeline.look import stylesheet

    other = yaml.safe_load(yaml.safe_dump(REAL))
    other["theme"] = "voorbeeld"
    _with_tokens(monkeypatch, tmp_path, yaml.safe_dump(other))
    assert tokens.theme()["class"] == "voorbeeld-theme"
    assert tokens.colour("text") != REAL_TEXT and tokens.colour("group-1") == REAL["colours"]["group-1"]
    stylesheet.write(tmp_path / "assets")
    css = (tmp_path / "assets" / "site.css").read_text(encoding="utf-8")
    assert ".voorbeeld-theme" in css and ".utrecht-theme {" not in css
    assert "font-family: 'Noto Sans'" in css and tokens.css() in css


def test_a_theme_that_is_not_installed_says_how_to_install_it(tmp_path, monkeypatch, restore_tokens):
    other = yaml.safe_load(yaml.safe_dump(REAL))
    other["themes"]["utrecht"]["package"] = "@example/not-installed-tokens"
    _with_tokens(monkeypatch, tmp_path, yaml.safe_dump(other))
    with pytest.raises(tokens.TokenError, match=r"@example/not-installed-tokens.*npm ci"):
        tokens.load()


def test_site_and_embeds_use_the_written_tokens(site_build):
    css = tokens.css()
    site_css = (site_build / "preview" / "assets" / "site.css").read_text(encoding="utf-8")
    assert css in site_css and f".{tokens.theme()['class']}" in site_css
    assert site_css.index(css) < site_css.index("/* The monitor's layout")  # monitor.css comes last
    embeds = [p for p in (site_build / "embed" / "nl").glob("*.html") if not p.name.endswith(".iframe.html")]
    assert embeds
    for embed in embeds:
        assert css in embed.read_text(encoding="utf-8")


@pytest.mark.parametrize("theme_name", ["utrecht", "voorbeeld"])
def test_the_stylesheet_keeps_every_property_it_reads_and_few_it_does_not(tmp_path, monkeypatch, restore_tokens,
                                                                          theme_name):
    """The theme defines some 1,200 custom properties; the site's stylesheet keeps those its rules read,
    directly or through another property, and no more."""
    from pipeline.look import stylesheet

    other = yaml.safe_load(yaml.safe_dump(REAL))
    other["theme"] = theme_name
    _with_tokens(monkeypatch, tmp_path, yaml.safe_dump(other))
    stylesheet.write(tmp_path / "assets")
    css = (tmp_path / "assets" / "site.css").read_text(encoding="utf-8")
    defined = set(re.findall(r"(--[\w-]+)\s*:", css))
    read = set(re.findall(r"var\(\s*(--[\w-]+)", css))
    theme_css = tokens.installed(f"{tokens.theme()['package']}/dist/theme.css", ".css", "theme").read_text("utf-8")
    # What the theme gives and the site reads is kept; unread theme properties are left out.
    assert read & set(re.findall(r"(--[\w-]+)\s*:", theme_css)) <= defined
    assert len(defined) < len(set(re.findall(r"(--[\w-]+)\s*:", theme_css))) / 2
