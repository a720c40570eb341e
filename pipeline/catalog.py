"""Machine-readable descriptions of the dataset, so that portals and search engines can find it.

Two views of the same facts, both from the descriptor and the downloads as written:
- a schema.org ``Dataset`` (JSON-LD) in the open-data page's head, for search engines;
- a DCAT-AP description (JSON-LD, ``data/dcat-ap.jsonld``), the profile data.overheid.nl harvests.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath

from markupsafe import Markup

from .i18n import LANGUAGES
from .package import DataPackage

MEDIA_TYPES = {".csv": "text/csv", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               ".parquet": "application/vnd.apache.parquet", ".zip": "application/zip",
               ".jsonld": "application/ld+json"}
EU_FORMATS = {".csv": "CSV", ".xlsx": "XLSX", ".parquet": "PARQUET", ".zip": "ZIP"}
EU = "http://publications.europa.eu/resource/authority/"


def _period(pkg: DataPackage) -> tuple[str, str]:
    years = sorted(int(e) for e in pkg["editions"]["edition"])
    return str(years[0]), str(years[-1])


def _modified(pkg: DataPackage) -> str:
    return str(pkg.descriptor.get("created", ""))[:10]


def distributions(pkg: DataPackage, sizes: dict[str, int], files: list[tuple[str, str]]) -> list[dict]:
    """One entry per download: ``files`` holds (path under data/, description) pairs, ``sizes`` their bytes."""
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
    start, end = _period(pkg)
    licence = pkg.descriptor["licenses"][0]
    publisher = {"@type": "Organization", "name": settings[f"publisher_{lang}"]}
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
        "isBasedOn": [s["path"] for s in pkg.descriptor.get("sources", [])],
        "distribution": [{"@type": "DataDownload", "name": d["name"], "description": d["description"],
                          "encodingFormat": d["media_type"], "contentUrl": d["url"],
                          "contentSize": f"{d['bytes']} B"} for d in downloads],
    }


def dcat(pkg: DataPackage, downloads: list[dict]) -> dict:
    """DCAT-AP (with the properties DCAT-AP-NL asks for) of the catalogue, the dataset and its downloads."""
    settings, descriptor = pkg.settings, pkg.descriptor
    home = descriptor["homepage"].rstrip("/") + "/"
    dataset, catalogue = home + "#dataset", home + "#catalogue"
    licence = {"@id": descriptor["licenses"][0]["path"]}
    publisher = {"@id": home + "#publisher", "@type": "foaf:Agent",
                 "foaf:name": [{"@value": settings[f"publisher_{lang}"], "@language": lang} for lang in LANGUAGES]}
    start, end = _period(pkg)

    def both(key: str) -> list[dict]:
        return [{"@value": settings[f"{key}_{lang}"], "@language": lang} for lang in LANGUAGES]

    graph = [
        {"@id": catalogue, "@type": "dcat:Catalog", "dct:title": both("title"), "dct:description": both("description"),
         "dct:publisher": {"@id": publisher["@id"]}, "foaf:homepage": {"@id": home}, "dcat:dataset": {"@id": dataset},
         "dct:license": licence, "dct:language": [{"@id": EU + "language/NLD"}, {"@id": EU + "language/ENG"}]},
        publisher,
        {"@id": dataset, "@type": "dcat:Dataset", "dct:title": both("title"), "dct:description": both("description"),
         "dct:identifier": home, "dct:publisher": {"@id": publisher["@id"]}, "dcat:landingPage": {"@id": home},
         "dct:language": [{"@id": EU + "language/NLD"}, {"@id": EU + "language/ENG"}],
         "dct:license": licence, "dct:accessRights": {"@id": EU + "access-right/PUBLIC"},
         "dct:modified": {"@value": _modified(pkg), "@type": "xsd:date"},
         "owl:versionInfo": descriptor["version"], "dcat:keyword": descriptor.get("keywords", []),
         "dct:spatial": {"@id": "http://sws.geonames.org/2745912/"},
         "dct:temporal": {"@type": "dct:PeriodOfTime", "dcat:startDate": {"@value": start, "@type": "xsd:gYear"},
                          "dcat:endDate": {"@value": end, "@type": "xsd:gYear"}},
         "dct:source": [{"@id": s["path"]} for s in descriptor.get("sources", [])],
         "dcat:contactPoint": {"@type": "vcard:Organization", "vcard:fn": settings["publisher_nl"],
                               "vcard:hasURL": {"@id": home}},
         "dcat:distribution": [{"@id": d["url"]} for d in downloads]},
        *[{"@id": d["url"], "@type": "dcat:Distribution", "dct:title": d["name"], "dct:description": d["description"],
           "dcat:accessURL": {"@id": d["url"]}, "dcat:downloadURL": {"@id": d["url"]},
           "dcat:mediaType": {"@id": "https://www.iana.org/assignments/media-types/" + d["media_type"]},
           "dct:format": {"@id": EU + "file-type/" + d["format"]},
           "dcat:byteSize": {"@value": str(d["bytes"]), "@type": "xsd:nonNegativeInteger"},
           "dct:license": licence} for d in downloads],
    ]
    context = {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/",
               "foaf": "http://xmlns.com/foaf/0.1/", "vcard": "http://www.w3.org/2006/vcard/ns#",
               "owl": "http://www.w3.org/2002/07/owl#", "xsd": "http://www.w3.org/2001/XMLSchema#"}
    return {"@context": context, "@graph": graph}


def script(data: dict) -> Markup:
    """JSON-LD as the text of a ``<script>`` element: no character in it can end the element."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
