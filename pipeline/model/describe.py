"""Machine-readable descriptions of the dataset, so that portals and search engines can find it.

Two views of the same facts, both from the descriptor and the downloads as written:
- a schema.org ``Dataset`` (JSON-LD) in the open-data page's head, for search engines;
- a DCAT-AP description (JSON-LD, ``data/dcat-ap.jsonld``), the profile data.overheid.nl harvests.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath

from markupsafe import Markup

from pipeline.model.package import DataPackage
from pipeline.words import i18n
from pipeline.words.i18n import LANGUAGES

MEDIA_TYPES = {".csv": "text/csv", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               ".parquet": "application/vnd.apache.parquet", ".zip": "application/zip",
               ".jsonld": "application/ld+json", ".pdf": "application/pdf"}
EU_FORMATS = {".csv": "CSV", ".xlsx": "XLSX", ".parquet": "PARQUET", ".zip": "ZIP", ".pdf": "PDF"}
EU = "http://publications.europa.eu/resource/authority/"


def _period(pkg: DataPackage) -> tuple[str, str, str]:
    """The time the data cover, as start, end and XML Schema type: the fieldwork months when every edition
    names its month ("oktober 2023" → 2023-10), else years from the earliest fieldwork named (or the first
    edition) to the latest edition. The data describe when people answered, not when a report came out."""
    names = i18n.words("nl")["month_names"].split()  # the fieldwork is written in Dutch first
    pattern = re.compile(r"\b(" + "|".join(names) + r")\s+(\d{4})\b", re.I)
    editions = sorted(int(e) for e in pkg["editions"]["edition"])
    found = [pattern.findall(text or "") for text in pkg["editions"]["fieldwork_nl"]]
    months = sorted(f"{year}-{names.index(month.lower()) + 1:02d}" for each in found for month, year in each)
    if months and all(found):
        return months[0], months[-1], "xsd:gYearMonth"
    start = min([editions[0], *(int(m[:4]) for m in months)])
    return str(start), str(editions[-1]), "xsd:gYear"


def _modified(pkg: DataPackage) -> str:
    return str(pkg.descriptor.get("created", ""))[:10]


def _issued(pkg: DataPackage) -> str:
    """The first release's date (``monitor release``), else the package's date."""
    releases = pkg.settings.get("releases") or []
    return releases[0]["date"] if releases else _modified(pkg)


def distributions(pkg: DataPackage, sizes: dict[str, int], files: list[tuple[str, dict[str, str]]]) -> list[dict]:
    """One entry per download: ``files`` holds (path under data/, its description per language) pairs,
    ``sizes`` their bytes."""
    base = pkg.descriptor["homepage"].rstrip("/") + "/data/"
    found = []
    for rel, description in files:
        path = PurePosixPath(rel)
        found.append({"url": base + rel, "name": rel, "description": description, "bytes": sizes[rel],
                      "media_type": MEDIA_TYPES.get(path.suffix, "application/octet-stream"),
                      "format": EU_FORMATS.get(path.suffix, path.suffix.lstrip(".").upper())})
    return found


def schema_org(pkg: DataPackage, lang: str, downloads: list[dict], page_url: str) -> dict:
    """A schema.org Dataset with the properties Google's dataset guidelines ask for."""
    settings = pkg.settings
    start, end, _ = _period(pkg)
    licence = pkg.descriptor["licenses"][0]
    publisher = {"@type": "Organization", "name": settings[f"publisher_{lang}"]}
    indicators = pkg["indicators"]
    return {
        "@context": "https://schema.org/", "@type": "Dataset",
        "name": settings[f"title_{lang}"], "description": settings[f"description_{lang}"],
        "url": page_url, "identifier": pkg.descriptor["homepage"], "version": pkg.descriptor["version"],
        "dateModified": _modified(pkg), "inLanguage": list(LANGUAGES), "isAccessibleForFree": True,
        "keywords": pkg.descriptor.get("keywords", []), "license": licence["path"],
        "creator": publisher, "publisher": publisher, "temporalCoverage": f"{start}/{end}",
        "spatialCoverage": {"@type": "Place", "name": "Utrecht",
                            "address": {"@type": "PostalAddress", "addressLocality": "Utrecht",
                                        "addressCountry": "NL"}},
        "isBasedOn": [s["path"] if "path" in s else {"@type": "CreativeWork", "name": s["title"]}
                      for s in pkg.descriptor.get("sources", [])],
        # What the figures measure (the indicators with figures), and the catalogue the dataset belongs to.
        "variableMeasured": [{"@type": "PropertyValue", "name": row[f"title_{lang}"],
                              "description": row[f"definition_{lang}"]}
                             for _, row in indicators[indicators["status"] == "measured"].iterrows()],
        "includedInDataCatalog": {"@type": "DataCatalog", "name": settings[f"title_{lang}"],
                                  "url": pkg.descriptor["homepage"]},
        "distribution": [{"@type": "DataDownload", "name": d["name"], "description": d["description"][lang],
                          "encodingFormat": d["media_type"], "contentUrl": d["url"],
                          "contentSize": f"{d['bytes']} B"} for d in downloads],
    }


# The portal's value lists (DCAT-AP-NL 3.0, https://docs.geostandaarden.nl/dcat/dcat-ap-nl30/, chapter
# "Waardelijsten"): themes from the EU Data Theme vocabulary, licences from the EU Licence list.
THEME = EU + "data-theme/SOCI"
# The labels the EU vocabulary gives the theme and its list (DCAT-AP asks for them with the links).
LABELS = {THEME: {"skos:prefLabel": [{"@value": "Bevolking en samenleving", "@language": "nl"},
                                     {"@value": "Population and society", "@language": "en"}]},
          EU + "data-theme": {"dct:title": {"@value": "Data theme", "@language": "en"}}}
LICENCES = {"https://creativecommons.org/licenses/by/4.0/": EU + "licence/CC_BY_4_0",
            "https://creativecommons.org/publicdomain/zero/1.0/": EU + "licence/CC0"}


def dcat(pkg: DataPackage, downloads: list[dict]) -> dict:
    """DCAT-AP-NL 3.0 of the catalogue, the dataset and every download: titles and descriptions in Dutch and
    English, the licence and theme from the portal's value lists, issued, modified and version throughout.

    Every object carries its class (a licence is a ``dct:LicenseDocument``, a language a
    ``dct:LinguisticSystem``, …): the profiles' shapes check ranges without inference, so an untyped link is a
    violation there. The reports the figures come from are pages about the dataset (``foaf:page``), not
    datasets (which ``dct:source`` would claim)."""
    settings, descriptor = pkg.settings, pkg.descriptor
    home = descriptor["homepage"].rstrip("/") + "/"
    dataset, catalogue = home + "#dataset", home + "#catalogue"
    path = descriptor["licenses"][0]["path"]
    classes: dict[str, list[str]] = {}

    def ref(iri: str, *kind: str) -> dict:
        """A link to ``iri``, whose node is listed once, at the end, with its classes."""
        classes.setdefault(iri, [])
        classes[iri] += [k for k in kind if k not in classes[iri]]
        return {"@id": iri}

    licence = ref(LICENCES.get(path, path), "dct:LicenseDocument")
    publisher = {"@id": settings.get("publisher_id") or home + "#publisher", "@type": "foaf:Agent",
                 "foaf:name": [{"@value": settings[f"publisher_{lang}"], "@language": lang} for lang in LANGUAGES]}
    contact = {"@id": home + "#contact", "@type": ["vcard:Kind", "vcard:Organization"],
               "vcard:fn": settings["publisher_nl"], "vcard:hasURL": {"@id": home}}
    start, end, kind = _period(pkg)
    dated = {"dct:issued": {"@value": _issued(pkg), "@type": "xsd:date"},
             "dct:modified": {"@value": _modified(pkg), "@type": "xsd:date"}, "dcat:version": descriptor["version"]}
    languages = [ref(EU + "language/NLD", "dct:LinguisticSystem"), ref(EU + "language/ENG", "dct:LinguisticSystem")]

    def both(key: str) -> list[dict]:
        return [{"@value": settings[f"{key}_{lang}"], "@language": lang} for lang in LANGUAGES]

    def tagged(texts: dict[str, str]) -> list[dict]:
        return [{"@value": texts[lang], "@language": lang} for lang in LANGUAGES]

    reports = [{"@id": s["path"], "@type": "foaf:Document", "dct:title": s["title"]}
               for s in descriptor.get("sources", []) if "path" in s]  # a page needs an address
    graph = [
        {"@id": catalogue, "@type": "dcat:Catalog", "dct:title": both("title"), "dct:description": both("description"),
         "dct:publisher": {"@id": publisher["@id"]}, "dct:creator": {"@id": publisher["@id"]},
         "foaf:homepage": ref(home, "foaf:Document"),
         "dcat:dataset": {"@id": dataset}, "dcat:contactPoint": {"@id": contact["@id"]}, "dct:license": licence,
         "dct:language": languages, "dcat:themeTaxonomy": ref(EU + "data-theme", "skos:ConceptScheme"),
         "dct:modified": dated["dct:modified"]},
        publisher, contact,
        {"@id": dataset, "@type": "dcat:Dataset", "dct:title": both("title"), "dct:description": both("description"),
         "dct:identifier": home, "dct:publisher": {"@id": publisher["@id"]}, "dct:creator": {"@id": publisher["@id"]},
         "dcat:landingPage": ref(home, "foaf:Document"), "dct:language": languages,
         "dcat:theme": ref(THEME, "skos:Concept"), "dct:license": licence,
         "dct:accessRights": ref(EU + "access-right/PUBLIC", "dct:RightsStatement"), **dated,
         "dcat:keyword": descriptor.get("keywords", []),
         "dct:spatial": ref("http://sws.geonames.org/2745912/", "dct:Location"),
         "dct:temporal": {"@type": "dct:PeriodOfTime", "dcat:startDate": {"@value": start, "@type": kind},
                          "dcat:endDate": {"@value": end, "@type": kind}},
         "foaf:page": [{"@id": r["@id"]} for r in reports],
         "dcat:contactPoint": {"@id": contact["@id"]},
         "dcat:distribution": [{"@id": d["url"]} for d in downloads]},
        *reports,
        *[{"@id": d["url"], "@type": ["dcat:Distribution", "rdfs:Resource"], "dct:title": tagged(d["description"]),
           "dct:description": tagged(d["description"]), "dcat:accessURL": {"@id": d["url"]},
           "dcat:downloadURL": {"@id": d["url"]},
           "dcat:mediaType": ref("https://www.iana.org/assignments/media-types/" + d["media_type"], "dct:MediaType"),
           "dct:format": ref(EU + "file-type/" + d["format"], "dct:MediaTypeOrExtent"), **dated,
           "dcat:byteSize": {"@value": str(d["bytes"]), "@type": "xsd:nonNegativeInteger"},
           "dct:license": licence} for d in downloads],
        *[{"@id": iri, "@type": kinds, **LABELS.get(iri, {})} for iri, kinds in classes.items()],
    ]
    context = {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/",
               "foaf": "http://xmlns.com/foaf/0.1/", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
               "skos": "http://www.w3.org/2004/02/skos/core#", "vcard": "http://www.w3.org/2006/vcard/ns#",
               "xsd": "http://www.w3.org/2001/XMLSchema#"}
    return {"@context": context, "@graph": graph}


def script(data: dict) -> Markup:
    """JSON-LD as the text of a ``<script>`` element: no character in it can end the element."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
