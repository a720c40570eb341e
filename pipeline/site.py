"""Stage 5, site sources: one Quarto project per language, generated from the tables, charts and story.

Pages compute nothing: every figure, sentence and chart arrives here made, and this module only lays
them out. Each page is written twice: as a ``.qmd`` for Quarto (``quarto/<lang>/``), and as a plain HTML
preview (``preview/``) with the same body, which the tests load in a browser and which serves as the
site where Quarto is not installed. All links are relative, so the site works from a sub-path.
"""

from __future__ import annotations

import json
import posixpath
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml
from markupsafe import Markup

from . import catalog, escape, exports, i18n, pages, tokens
from .embed import environment
from .indicators import SHOWN
from .package import DataPackage
from .stats import clearly_different

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
       "script-src 'self' 'unsafe-inline'; font-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'")
OTHER = {"nl": "en", "en": "nl"}


@dataclass
class Page:
    lang: str
    key: str
    ident: str | None
    path: str  # from the site root, e.g. "en/indicators/taalles.html"
    title: str
    description: str
    body: str = ""
    image: str | None = None
    counterpart: str = ""


def link(from_path: str, to_path: str) -> str:
    """Relative link between two site paths; works wherever the site is served."""
    return posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")


class SiteBuilder:
    def __init__(self, pkg: DataPackage, table: pd.DataFrame, story: dict[str, list[dict]], out: Path):
        self.pkg, self.table, self.story, self.out = pkg, table, story, out
        self.env = environment()
        self.base = pages.base_url(pkg)
        self.indicators = pkg["indicators"].set_index("indicator_id")
        self.goals = pkg["goals"].sort_values("order").set_index("goal_id")
        self.groups = pkg["groups"].sort_values("order").set_index("group_id")
        self.editions = pkg["editions"].sort_values("edition").set_index("edition")
        self.main_groups = list(self.groups[self.groups["role"] == "main"].index)
        manifest = out / "charts" / "manifest.json"
        self.charts = json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else {}

    # ---- small helpers -------------------------------------------------------------------------------
    def t(self, lang: str):
        return lambda key, **values: i18n.t(lang, key, **values)

    def findings(self, lang: str, scope: str, ident: str | None = None,
                 kinds: tuple[str, ...] | None = None) -> list[str]:
        """The story's sentences for a page: its opening (``kinds=("intro",)``) or the list below it."""
        return [f["text"] for f in self.story[lang] if f["scope"] == scope and f["id"] == ident
                and (f["kind"] in kinds if kinds else f["kind"] not in ("intro", "plan"))]

    def chart(self, lang: str, name: str) -> Markup | None:
        """The chart's accessible SVG, to be placed inline (it needs no JavaScript), or None."""
        if f"{lang}/{name}" not in self.charts:
            return None
        return Markup((self.out / "charts" / lang / f"{name}.svg").read_text(encoding="utf-8"))

    def title(self, lang: str, key: str, ident: str | None) -> str:
        if key == "indicator":
            return self.indicators.at[ident, f"title_{lang}"]
        if key == "goal":
            return self.goals.at[ident, f"title_{lang}"]
        return i18n.t(lang, f"page_{key}")

    def description(self, lang: str, key: str, ident: str | None) -> str:
        if key == "indicator":
            return self.indicators.at[ident, f"definition_{lang}"]
        if key == "goal":
            return self.goals.at[ident, f"description_{lang}"]
        return i18n.t(lang, f"page_{key}_description")

    def edition_title(self, edition: int, lang: str) -> str:
        title = self.editions.at[edition, f"title_{lang}"]
        return title if str(edition) in title else f"{title} ({edition})"

    def value(self, row: pd.Series, lang: str) -> str:
        return i18n.value(row["value"], row["unit"], lang) if pd.notna(row["value"]) else ""

    # ---- shared view models --------------------------------------------------------------------------
    def change(self, row: pd.Series, previous: pd.Series | None, lang: str) -> dict | None:
        """The dashboard's change cell: an arrow, and the same in words; colour only for a clear change."""
        t = self.t(lang)
        if previous is None or pd.isna(row["change_pp"]):
            return {"arrow": "–", "tone": "none", "text": t("change_none")}
        change = float(row["change_pp"])
        if change == 0:
            return {"arrow": "=", "tone": "neutral", "text": t("change_same")}
        size = i18n.points(change, lang) if row["unit"] == "percent" else i18n.value(abs(change), row["unit"], lang)
        words = [t("change_up" if change > 0 else "change_down", pp=size)]
        clear = clearly_different(row, previous)
        tone = "neutral"
        if row["polarity"] != "neutral":
            better = (change > 0) == (row["polarity"] == "higher_is_better")
            words.append(t("change_better" if better else "change_worse"))
            if clear:
                tone = "better" if better else "worse"
        words.append(t("change_clear") if clear else t("change_uncertain"))
        return {"arrow": "▲" if change > 0 else "▼", "tone": tone, "text": "; ".join(words)}

    def dashboard(self, lang: str, page_path: str, indicator_ids: list[str], board_id: str) -> dict:
        t = self.t(lang)
        rows = []
        for indicator_id in indicator_ids:
            data = self.table[self.table["indicator_id"] == indicator_id]
            main = data[data["group_id"].isin(self.main_groups) & data["value"].notna()]
            href = link(page_path, pages.path(lang, "indicator", indicator_id))
            title = self.indicators.at[indicator_id, f"title_{lang}"]
            if main.empty:
                # No figure per group: say so, and show the figure for everyone where one was published.
                total = data[data["value"].notna() & (data["group_role"] == "total")]
                measured = self.indicators.at[indicator_id, "status"] == "measured"
                missing = t("status_not_published") if measured else t("not_measured_yet")
                note, edition = None, ""
                if not total.empty:
                    row = total.sort_values("edition").iloc[-1]
                    edition = int(row["edition"])
                    note = t("dashboard_total", group=self.groups.at[row["group_id"], f"label_{lang}"],
                             value=self.value(row, lang), edition=edition)
                rows.append({"title": title, "href": href, "edition": edition, "note": note,
                             "cells": [{"missing": missing} for _ in self.main_groups]})
                continue
            edition = int(main["edition"].max())
            cells = []
            for group_id in self.main_groups:
                match = data[(data["group_id"] == group_id) & (data["edition"] == edition)]
                row = match.iloc[0] if not match.empty else None
                if row is None or pd.isna(row["value"]):
                    status = "not_published" if row is None else row["status"]
                    cells.append({"missing": t(f"status_{status}")})
                    continue
                previous = None
                if pd.notna(row["change_from"]):
                    previous = data[(data["group_id"] == group_id) & (data["edition"] == row["change_from"])].iloc[0]
                cells.append({"value": self.value(row, lang), "change": self.change(row, previous, lang)})
            rows.append({"title": title, "href": href, "edition": edition, "cells": cells})
        return {"id": board_id, "caption": t("dashboard_caption"), "indicator_label": t("dashboard_indicator"),
                "edition_label": t("dashboard_edition"), "rows": rows,
                "groups": [self.groups.at[g, f"label_{lang}"] for g in self.main_groups]}

    def research(self, lang: str, goal_id: str = "", indicator_id: str = "") -> list[dict]:
        """What the reports themselves say about this goal or indicator (or, with neither, the monitor)."""
        rows = self.pkg["research"]
        rows = rows[(rows["goal_id"] == goal_id) & (rows["indicator_id"] == indicator_id)] if not indicator_id \
            else rows[rows["indicator_id"] == indicator_id]
        return [{"text": r[f"text_{lang}"], "source": r[f"source_{lang}"], "href": r["source_url"],
                 "kind": i18n.t(lang, f"research_{r['kind']}")} for _, r in rows.sort_values("order").iterrows()]

    def wording(self, meta: pd.Series, measured: pd.DataFrame, lang: str) -> dict | None:
        """The published wording, labelled as what it is: only a question asked word for word is quoted."""
        kind = meta["wording_kind"]
        if not kind or not meta[f"wording_{lang}"]:
            return None
        urls = measured["source_url"].dropna()
        return {"label": i18n.t(lang, f"wording_{kind}"), "text": meta[f"wording_{lang}"], "quoted": kind == "question",
                "source": meta[f"wording_source_{lang}"], "href": urls.iloc[-1] if not urls.empty else None}

    def cite(self, lang: str, url: str, rows: pd.DataFrame | None = None) -> str:
        """The citation of a page: the reports behind its figures (all, unless ``rows`` narrows them)."""
        rows = self.table if rows is None else rows
        editions = sorted(int(e) for e in rows.loc[rows["status"].isin(SHOWN), "edition"].unique())
        return exports.citation(self.pkg, lang, editions, url)

    # ---- pages ---------------------------------------------------------------------------------------
    def context_for(self, page: Page) -> dict:
        lang, key = page.lang, page.key
        t = self.t(lang)
        context = {"t": t, "page": {"counterpart": link(page.path, page.counterpart), "other_lang": OTHER[lang],
                                    "switch_label": t("switch_language")}}
        content = SITE / "content" / lang / f"{key}.html"
        if content.exists():
            context["content"] = content.read_text(encoding="utf-8")
        builder = getattr(self, f"_{key}", None)
        if builder:
            context.update(builder(page))
        return context

    def _home(self, page: Page) -> dict:
        lang = page.lang
        latest = int(self.table.loc[self.table["value"].notna(), "edition"].max())
        goals = [{"href": link(page.path, pages.path(lang, "goal", g)), "title": row[f"title_{lang}"],
                  "label": i18n.t(lang, "goal_label", order=int(row["order"])),
                  "description": row[f"description_{lang}"]} for g, row in self.goals.iterrows()]
        ordered = pages.ordered_indicators(self.pkg)
        return {"goals": goals, "findings": self.findings(lang, "home"), "cite": self.cite(lang, self.base + page.path),
                "chart": self.chart(lang, "comparison"),
                "headline": self.findings(lang, "home", kinds=("intro",)),
                "plan": self.findings(lang, "home", kinds=("plan",)),
                "latest": i18n.t(lang, "latest_edition", title=self.edition_title(latest, lang)),
                "board": self.dashboard(lang, page.path, ordered, "dashboard-home")}

    def _goal(self, page: Page) -> dict:
        lang, goal_id = page.lang, page.ident
        goal_rows = self.table[self.table["goal_id"] == goal_id]
        return {"intro": self.findings(lang, "goal", goal_id, kinds=("intro",)),
                "cite": self.cite(lang, self.base + page.path, goal_rows),
                "research": self.research(lang, goal_id=goal_id),
                "chart": self.chart(lang, f"goal-{goal_id}"), "findings": self.findings(lang, "goal", goal_id),
                "board": self.dashboard(lang, page.path, pages.ordered_indicators(self.pkg, goal_id),
                                        f"dashboard-{goal_id}")}

    def _indicator(self, page: Page) -> dict:
        lang, ident = page.lang, page.ident
        t = self.t(lang)
        meta = self.indicators.loc[ident]
        rows = self.table[(self.table["indicator_id"] == ident) & self.table["status"].isin(SHOWN)]
        measured = rows[rows["value"].notna()]
        status = (t("measured_since", edition=int(measured["edition"].min())) if not measured.empty
                  else t("not_measured_status")) + f" · {t('source_kind_' + meta['source_kind'])}"
        table = None
        if not rows.empty:
            table = {"id": f"table-{ident}", "caption": t("table_caption", title=meta[f"title_{lang}"]),
                     "header": [t("col_edition"), t("col_group"), t("col_value"), t("col_n"), t("col_interval"),
                                t("col_status")],
                     "rows": [[int(r["edition"]), self.groups.at[r["group_id"], f"label_{lang}"]
                               + (f" ({i18n.t(lang, 'reference_year', year=int(r['reference_year']))})"
                                  if pd.notna(r["reference_year"]) else ""),
                               self.value(r, lang) or "–",
                               i18n.number(r["n"], lang) if pd.notna(r["n"]) else t("unknown"),
                               f"{i18n.number(r['ci_low'], lang)}–{i18n.number(r['ci_high'], lang)}"
                               if pd.notna(r["ci_low"]) else "–",
                               t(f"status_{r['status']}")] for _, r in rows.iterrows()]}
        editions = [{"title": self.edition_title(e, lang),
                     "notes": self.editions.at[e, f"method_notes_{lang}"],
                     "changed": bool(self.editions.at[e, "method_changed"]) and e != self.editions.index.min()}
                    for e in sorted(int(x) for x in measured["edition"].unique())]
        sources = [{"href": url, "text": f"{self.editions.at[int(e), f'title_{lang}']}"
                    + (f", {fig}" if fig else "")}
                   for (e, url, fig) in measured[["edition", "source_url", "source_figure"]]
                   .fillna("").drop_duplicates(["edition", "source_url"]).itertuples(index=False)]
        downloads = []
        if not measured.empty:
            here = page.path
            scope = exports.indicator_scope(ident)
            downloads = [{"href": link(here, "data/" + scope.file(self.pkg, fmt)), "text": t(f"download_{fmt}"),
                          "download": True} for fmt in ("csv", "excel", "xlsx_nl", "xlsx_en")]
            downloads += [
                {"href": link(here, f"charts/{lang}/{ident}.png"), "text": t("download_png"), "download": True},
                {"href": link(here, f"charts/{lang}/{ident}.svg"), "text": t("download_svg"), "download": True},
                {"href": link(here, f"charts/{lang}/{ident}.vl.json"), "text": t("download_vl"), "download": True},
            ]
        goal_id = meta["goal_id"]
        errata = self.pkg["errata"][self.pkg["errata"]["indicator_id"] == ident].sort_values("date")
        corrections = [i18n.t(lang, "erratum_line", date=r["date"], edition=int(r["edition"]),
                              group=self.groups.at[r["group_id"], f"label_{lang}"],
                              old=i18n.number(r["old_value"], lang), new=i18n.number(r["new_value"], lang),
                              description=r[f"description_{lang}"]) for _, r in errata.iterrows()]
        return {"corrections": corrections, "goal": {"href": link(page.path, pages.path(lang, "goal", goal_id)),
                         "title": self.goals.at[goal_id, f"title_{lang}"]},
                "status": status, "wording": self.wording(meta, measured, lang),
                "definition": meta[f"definition_{lang}"],
                "note": meta[f"note_{lang}"], "chart": self.chart(lang, ident),
                "findings": self.findings(lang, "indicator", ident), "table": table, "editions": editions,
                "research": self.research(lang, indicator_id=ident),
                "sources": sources, "downloads": downloads,
                "embed": (self.out / "embed" / lang / f"{ident}.iframe.html").read_text(encoding="utf-8").strip(),
                "cite": self.cite(lang, self.base + page.path, measured), "permalink": self.base + page.path}

    def _comparison(self, page: Page) -> dict:
        lang = page.lang
        t = self.t(lang)
        main = self.table[self.table["group_id"].isin(self.main_groups) & self.table["value"].notna()]
        rows = []
        for indicator_id, data in main.groupby("indicator_id", sort=False):
            latest = data[data["edition"] == data["edition"].max()].set_index("group_id")
            if len(latest) != 2:
                continue
            a, b = (latest.loc[g] for g in self.main_groups)
            rows.append((abs(a["gap_pp"]), [self.indicators.at[indicator_id, f"title_{lang}"], int(a["edition"]),
                                            self.value(a, lang), self.value(b, lang),
                                            i18n.points(a["gap_pp"], lang)]))
        header = [t("col_indicator"), t("col_edition"), *[self.groups.at[g, f"label_{lang}"] for g in self.main_groups],
                  t("col_gap")]
        return {"chart": self.chart(lang, "comparison"), "findings": self.findings(lang, "comparison"),
                "cite": self.cite(lang, self.base + page.path),
                "table": {"id": "table-comparison", "caption": t("comparison_table_caption"), "header": header,
                          "rows": [r for _, r in sorted(rows, key=lambda x: -x[0])]}}

    def _context(self, page: Page) -> dict:
        lang = page.lang
        t = self.t(lang)
        series_list = []
        for _, series in self.pkg["context_series"].sort_values("order").iterrows():
            values = self.pkg["context"][self.pkg["context"]["series_id"] == series["series_id"]].sort_values("year")
            series_list.append({
                "id": series["series_id"], "title": series[f"title_{lang}"],
                "definition": series[f"definition_{lang}"], "chart": self.chart(lang, f"context-{series['series_id']}"),
                "table": {"id": f"table-{series['series_id']}",
                          "caption": t("context_table_caption", title=series[f"title_{lang}"]),
                          "header": [t("col_year"), t("col_value")],
                          "rows": [[int(r["year"]), i18n.number(r["value"], lang)
                                    + (f" ({t('provisional')})" if r["provisional"] else "")]
                                   for _, r in values.iterrows()]},
                "sources": [{"href": u, "text": f"{t('source')}: {series[f'source_{lang}']}"}
                            for u in values["source_url"].drop_duplicates()]})
        return {"series_list": series_list}

    def _method(self, page: Page) -> dict:
        lang = page.lang
        t = self.t(lang)
        editions = [{"title": self.edition_title(e, lang), "notes": row[f"method_notes_{lang}"],
                     "changed": bool(row["method_changed"]) and e != self.editions.index.min(),
                     "source": {"href": row["source_url"], "text": row[f"title_{lang}"]}}
                    for e, row in self.editions.iterrows()]
        groups = [{"label": row[f"label_{lang}"], "definition": row[f"definition_{lang}"]}
                  for _, row in self.groups.iterrows()]
        rows = [[self.indicators.at[i, f"title_{lang}"],
                 self.goals.at[self.indicators.at[i, "goal_id"], f"title_{lang}"],
                 t("measured_since", edition=int(self.table.loc[(self.table["indicator_id"] == i)
                                                                & self.table["value"].notna(), "edition"].min()))
                 if self.indicators.at[i, "status"] == "measured" else t("not_measured_status"),
                 t(f"source_kind_{self.indicators.at[i, 'source_kind']}")]
                for i in pages.ordered_indicators(self.pkg)]
        return {"editions": editions, "groups": groups, "groups_heading": t("method_groups"),
                "research": self.research(lang),
                "indicators_heading": t("method_indicators"),
                "indicator_table": {"id": "table-indicators", "caption": t("method_indicators"),
                                    "header": [t("col_indicator"), t("col_goal"), t("status"), t("col_source")],
                                    "rows": rows},
                "threshold": t("method_threshold", min=self.pkg.min_n, ind=self.pkg.indicative_n - 1)}

    def _open_data(self, page: Page) -> dict:
        lang = page.lang
        t = self.t(lang)
        data = self.out / "data"

        def row(rel: str, text: str, fmt: str) -> list[str]:
            path = data / rel
            kilobytes = i18n.number(path.stat().st_size / 1024, lang, 0 if path.stat().st_size > 10240 else 1)
            size = kilobytes + "\u00a0kB"  # a no-break space: the unit never wraps away from its number
            return [Markup('<a href="{}" download>{}</a>').format(link(page.path, "data/" + rel), path.name), text,
                    t(f"format_{fmt}"), size]

        listed = [(rel, t(kind, **{k: v for k, v in values.items() if k != "format"}), values.get("format", "zip"))
                  for rel, kind, values in exports.main_downloads(self.pkg)]
        downloads = {"id": "table-downloads", "caption": t("downloads_all"),
                     "header": [t("download_file"), t("col_description"), t("download_format"), t("download_size")],
                     "rows": [row(*item) for item in listed]}
        described = catalog.distributions(self.pkg, data, [(rel, text) for rel, text, _ in listed])
        jsonld = catalog.script(catalog.schema_org(self.pkg, lang, described, self.base + page.path))
        dcat = {"href": link(page.path, "data/" + exports.DCAT_NAME), "text": t("machine_readable")}
        changes = {"id": "table-changes", "caption": t("changes"),
                   "header": [t("col_edition"), t("col_description")],
                   "rows": [[e, r[f"method_notes_{lang}"]] for e, r in self.editions.iterrows()]}
        errata = None
        if not self.pkg["errata"].empty:
            first = {int(e): Markup('<a href="{}" download>{}</a>').format(
                link(page.path, "data/" + exports.first_published_scope(int(e)).file(self.pkg, "csv")),
                t("download_first_published"))
                for e in self.pkg["errata"]["edition"].unique()}
            errata = {"id": "table-errata", "caption": t("errata"),
                      "header": [t("col_date"), t("col_edition"), t("col_indicator"), t("col_group"),
                                 t("col_correction"), t("downloads")],
                      "rows": [[r["date"], int(r["edition"]), self.indicators.at[r["indicator_id"], f"title_{lang}"],
                                self.groups.at[r["group_id"], f"label_{lang}"],
                                f"{i18n.number(r['old_value'], lang)} → {i18n.number(r['new_value'], lang)}. "
                                + r[f"description_{lang}"], first[int(r["edition"])]]
                               for _, r in self.pkg["errata"].sort_values("date").iterrows()]}
        header = [t("col_field"), t("col_type"), t("col_required"), t("col_description")]
        docs = exports.column_docs()
        table_dictionary = {"id": "dictionary-indicator-table", "caption": t("indicator_table_title"), "header": header,
                            "rows": [[c, d["type"], "", d[lang]] for c, d in docs.items()]}
        dictionary = []
        for resource in self.pkg.descriptor["resources"]:
            described = "description_nl" if lang == "nl" else "description"
            dictionary.append({
                "title": resource.get("title_nl" if lang == "nl" else "title", resource["name"]),
                "path": resource["path"], "description": resource.get(described, ""),
                "table": {"id": f"dictionary-{resource['name']}", "caption": resource["path"], "header": header,
                          "rows": [[f["name"], f.get("type", "string"),
                                    t("yes") if f.get("constraints", {}).get("required") else t("no"),
                                    f.get(described, "")] for f in resource["schema"]["fields"]]}})
        return {"downloads": downloads, "changes": changes, "errata": errata, "dictionary": dictionary,
                "table_dictionary": table_dictionary, "cite": self.cite(lang, self.base + page.path),
                "jsonld": jsonld, "dcat": dcat}

    # ---- writing -------------------------------------------------------------------------------------
    def pages(self) -> list[Page]:
        found = []
        for lang in i18n.LANGUAGES:
            for key, ident in pages.all_pages(self.pkg):
                path = pages.path(lang, key, ident)
                page = Page(lang, key, ident, path, self.title(lang, key, ident), self.description(lang, key, ident),
                            counterpart=pages.path(OTHER[lang], key, ident))
                if key == "indicator" and (self.out / "charts" / lang / f"{ident}.png").exists():
                    page.image = f"{self.base}charts/{lang}/{ident}.png"
                template = key if key in {"home", "goal", "indicator", "comparison", "context", "method",
                                          "open_data"} else "text"
                page.body = self.env.get_template(f"site/{template}.html").render(**self.context_for(page))
                found.append(page)
        return found


def nav_items(lang: str, current: str) -> list[dict]:
    items = []
    for key in ("home", "comparison", "context", "method", "open_data"):
        target = pages.path(lang, key)
        items.append({"href": link(current, target), "text": i18n.t(lang, f"nav_{key}"), "current": target == current,
                      "qmd": pages.source_path(lang, target)})
    return items


def footer(lang: str, pkg: DataPackage) -> str:
    """The footer line of every page: who publishes, the licence, and when the figures were last updated."""
    updated = i18n.t(lang, "updated", date=i18n.date(exports.package_date(pkg).date(), lang))
    return f"{i18n.t(lang, 'footer_text')} {updated}."


def quarto_config(lang: str, pkg: DataPackage, goals: pd.DataFrame) -> dict:
    """The language's ``_quarto.yml``: the shared settings of the root ``_quarto.yml`` plus its own."""
    base = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    goal_menu = [{"href": pages.source_path(lang, pages.path(lang, "goal", g)),
                  "text": escape.markdown(row[f"title_{lang}"])} for g, row in goals.iterrows()]
    left = [{"href": i["qmd"], "text": i["text"]} for i in nav_items(lang, pages.path(lang, "home"))]
    left.insert(1, {"text": i18n.t(lang, "nav_goals"), "menu": goal_menu})
    footer_right = [{"href": pages.source_path(lang, pages.path(lang, k)),
                     "text": i18n.t(lang, f"nav_{k}")} for k in ("accessibility", "colophon")]
    config = json.loads(json.dumps(base))
    config["lang"] = lang
    website = config.setdefault("website", {})
    website.update({"title": i18n.t(lang, "site_title"), "site-url": pages.base_url(pkg) + pages.PREFIX[lang],
                    "navbar": {**website.get("navbar", {}), "left": left},
                    "page-footer": {"left": escape.markdown(footer(lang, pkg)), "right": footer_right}})
    return config


def copy_assets(target: Path) -> None:
    """The site's own files, and the stylesheet of design tokens written from ``site/tokens.yaml``."""
    shutil.copytree(SITE / "assets", target, dirs_exist_ok=True)
    (target / "tokens.css").write_text(tokens.css(), encoding="utf-8")


def write(builder: SiteBuilder, site_pages: list[Page]) -> None:
    out = builder.out
    env = builder.env
    qmd = env.get_template("site/page.qmd")
    preview = env.get_template("site/preview.html")
    for lang in i18n.LANGUAGES:
        project = out / "quarto" / lang
        project.mkdir(parents=True, exist_ok=True)
        config = quarto_config(lang, builder.pkg, builder.goals)
        (project / "_quarto.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                                             encoding="utf-8")
        copy_assets(project / "assets")
    copy_assets(out / "preview" / "assets")
    head = env.get_template("site/head.html")
    for page in site_pages:
        tags = head.render(csp=CSP, lang=page.lang, other_lang=OTHER[page.lang], base=builder.base, path=page.path,
                           counterpart=page.counterpart).strip()
        # Pandoc reads front matter as Markdown and Quarto evaluates it: data goes in escaped as Markdown.
        front = {"title": escape.markdown(page.title), "lang": page.lang,
                 "description": escape.markdown(page.description), "include-in-header": {"text": tags}}
        if page.image:
            front["image"] = page.image
        project_path = out / "quarto" / page.lang / pages.source_path(page.lang, page.path)
        project_path.parent.mkdir(parents=True, exist_ok=True)
        body = page.body.strip()
        project_path.write_text(qmd.render(front_matter=yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
                                           .strip(), fence=escape.fence(body), body=body), encoding="utf-8")
        target = out / "preview" / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        footer_links = [{"href": link(page.path, pages.path(page.lang, k)), "text": i18n.t(page.lang, f"nav_{k}")}
                        for k in ("accessibility", "colophon")]
        target.write_text(preview.render(
            lang=page.lang, title=page.title, description=page.description, head=Markup(tags), image=page.image,
            root=link(page.path, "x")[:-1],
            site_title=i18n.t(page.lang, "site_title"), skip=i18n.t(page.lang, "skip_to_content"),
            home=link(page.path, pages.path(page.lang, "home")), nav=nav_items(page.lang, page.path),
            nav_label=i18n.t(page.lang, "nav_home"), body=Markup(page.body), footer=footer(page.lang, builder.pkg),
            footer_links=footer_links), encoding="utf-8")
    for folder in ("data", "charts", "embed"):
        if (out / folder).exists():
            shutil.copytree(out / folder, out / "preview" / folder, dirs_exist_ok=True)
    manifest = [{"lang": p.lang, "key": p.key, "id": p.ident, "path": p.path, "counterpart": p.counterpart,
                 "title": p.title} for p in site_pages]
    (out / "site-pages.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")


def run(pkg: DataPackage, table: pd.DataFrame, story: dict[str, list[dict]], out: Path) -> list[Page]:
    builder = SiteBuilder(pkg, table, story, out)
    site_pages = builder.pages()
    write(builder, site_pages)
    return site_pages
