"""The open-data page: every download with its size, the catalogue records, changes, errata and dictionary."""

from __future__ import annotations

from functools import partial
from pathlib import PurePosixPath

from pipeline.model import describe, publication, versions
from pipeline.model.package import DataPackage
from pipeline.stages.views.site import Page, SiteData, Sizes, link
from pipeline.words import i18n


def sized(values: dict, page: Page, pkg: DataPackage, sizes: Sizes) -> dict:
    """The view with every download's size and the schema.org record of them, once every file is written."""
    lang, t = page.lang, partial(i18n.t, page.lang)

    def download(rel: str, text: str, fmt: str) -> list:
        size = sizes[rel]
        kilobytes = i18n.number(size / 1024, lang, 0 if size > 10240 else 1)
        return [{"href": link(page.path, "data/" + rel), "text": PurePosixPath(rel).name, "download": True}, text,
                t(f"format_{fmt}"), kilobytes + "\u00a0kB"]  # a no-break space: the unit stays with its number

    listed = [(rel, t(kind, **{k: v for k, v in values.items() if k != "format"}), values.get("format", "zip"))
              for rel, kind, values in publication.main_downloads(pkg)]
    described = describe.distributions(pkg, sizes, [(rel, {lang: text}) for rel, text, _ in listed])
    return {**values, "jsonld": describe.script(describe.schema_org(pkg, lang, described, values["page_url"])),
            "downloads": {"id": "table-downloads", "caption": t("downloads_all"),
                          "header": [t("download_file"), t("col_description"), t("download_format"),
                                     t("download_size")],
                          "rows": [download(*item) for item in listed]}}


def view(site: SiteData, page: Page) -> dict:
    """Everything but the files' sizes (``sized``)."""
    lang, pkg = page.lang, site.pkg
    t = partial(i18n.t, lang)
    header = [t("col_field"), t("col_type"), t("col_required"), t("col_description")]
    errata = None
    if not pkg["errata"].empty:
        first = {int(e): {"href": link(page.path, "data/" + publication.first_published_scope(int(e)).file(pkg, "csv")),
                          "text": t("download_first_published"), "download": True}
                 for e in pkg["errata"]["edition"].unique()}
        errata = {"id": "table-errata", "caption": t("errata"),
                  "header": [t("col_date"), t("col_edition"), t("col_indicator"), t("col_group"),
                             t("col_correction"), t("downloads")],
                  "rows": [[r["date"], int(r["edition"]), site.indicators.at[r["indicator_id"], f"title_{lang}"],
                            site.groups.at[r["group_id"], f"label_{lang}"],
                            f"{i18n.number(r['old_value'], lang)} → {i18n.number(r['new_value'], lang)}. "
                            + r[f"description_{lang}"], first[int(r["edition"])]]
                           for _, r in pkg["errata"].sort_values("date").iterrows()]}
    dictionary = [{"title": i18n.descriptor(resource, "title", lang, resource["name"]), "path": resource["path"],
                   "description": i18n.descriptor(resource, "description", lang),
                   "table": {"id": f"dictionary-{resource['name']}", "caption": resource["path"], "header": header,
                             "rows": [[f["name"], f.get("type", "string"),
                                       t("yes") if f.get("constraints", {}).get("required") else t("no"),
                                       i18n.descriptor(f, "description", lang)] for f in resource["schema"]["fields"]]}}
                  for resource in pkg.descriptor["resources"]]
    return {"page_url": site.base + page.path,
            "dcat": {"href": link(page.path, "data/" + publication.DCAT_NAME), "text": t("machine_readable")},
            "cite": site.cite(lang, site.permalink(page.path)),
            "changes": {"id": "table-changes", "caption": t("changes"),
                        "header": [t("col_edition"), t("col_description")],
                        "rows": [[e, r[f"method_notes_{lang}"]] for e, r in site.editions.iterrows()]},
            "errata": errata, "versions": _versions(site, page),
            "table_dictionary": {"id": "dictionary-indicator-table",
                                 "caption": t("indicator_table_caption", files=", ".join(
                                     publication.ALL.file(pkg, fmt) for fmt in publication.FORMATS)),
                                 "header": header,
                                 "rows": [[c, d["type"], t("yes") if d["required"] else t("no"), d[lang]]
                                          for c, d in publication.column_docs().items()]},
            "dictionary": dictionary}


def _versions(site: SiteData, page: Page) -> dict | None:
    """Every released version, newest first, each linked to its frozen copy of this page."""
    lang, t = page.lang, partial(i18n.t, page.lang)
    releases = versions.released(site.pkg)
    if not releases:
        return None
    return {"id": "table-versions", "caption": t("versions"),
            "header": [t("col_version"), t("col_date"), t("col_description")],
            "rows": [[{"href": link(page.path, f"{versions.FOLDER}/{r['version']}/{page.path}"), "text": r["version"]},
                      i18n.iso_date(r["date"], lang), r[f"summary_{lang}"]]
                     for r in reversed(releases)]}
