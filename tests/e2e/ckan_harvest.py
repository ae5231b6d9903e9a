"""Harvest a DCAT catalogue the way CKAN's DCAT harvester does, and print what CKAN would import.

Runs in the separate virtual environment that has `ckan[requirements]` and `ckanext-dcat` (see
the Makefile, `CKAN_VENV`); it does not import ckpld. Usage:

    python ckan_harvest.py URL [--locale pl] [--accept MEDIA-TYPE] [--profile euro_dcat_ap_2]
    python ckan_harvest.py ENDPOINT --sparql-construct QUERY [--locale pl]

The first form fetches URL like ckanext-dcat's `DCATRDFHarvester` (HEAD, then GET; the response's
Content-Type names the RDF format; Hydra `next` pages are followed). The second fetches the graph a
CONSTRUCT query returns the way dane.gov.pl's harvester does: rdflib's SPARQLStore, a GET asking
for RDF/XML. Either way the graph goes through ckanext-dcat's `RDFParser` with the DCAT-AP 3
profile (or `--profile`), and the CKAN dataset dicts are printed as JSON. Exit 0: at least one
dataset; 1: none; 2: the fetch or the parse failed.
"""

from __future__ import annotations

import argparse
import json
import sys

import requests

PROFILE = ["euro_dcat_ap_3"]  # ckanext-dcat's default; --profile chooses another


def _datasets(text: str, rdf_format: str | None) -> tuple[list[dict[str, object]], str | None]:
    from ckanext.dcat.processors import RDFParser

    parser = RDFParser(profiles=PROFILE)
    parser.parse(text, _format=rdf_format)
    return list(parser.datasets()), parser.next_page()


def _summary(dataset: dict[str, object]) -> dict[str, object]:
    resources = dataset.get("resources") or []
    tags = dataset.get("tags") or []
    extras = dataset.get("extras") or []
    assert isinstance(resources, list) and isinstance(tags, list) and isinstance(extras, list)
    return {
        "title": dataset.get("title"),
        "name": dataset.get("name"),
        "notes": dataset.get("notes"),
        "identifier": dataset.get("identifier"),
        "uri": dataset.get("uri"),
        "version": dataset.get("version"),
        "license_id": dataset.get("license_id"),
        "tags": sorted(t["name"] for t in tags),
        "extras": {e["key"]: e["value"] for e in extras},
        "temporal_start": dataset.get("temporal_start"),
        "temporal_end": dataset.get("temporal_end"),
        "resources": [
            {
                key: r.get(key)
                for key in (
                    "name",
                    "url",
                    "download_url",
                    "format",
                    "mimetype",
                    "size",
                    "hash",
                    "hash_algorithm",
                    "license",
                )
            }
            for r in resources
        ],
    }


def harvest_url(url: str, accept: str | None) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    seen: set[str] = set()
    next_url: str | None = url
    while next_url and next_url not in seen:
        seen.add(next_url)
        headers = {"Accept": accept} if accept else {}
        head = requests.head(next_url, headers=headers, timeout=30, allow_redirects=True)
        if not head.ok:
            raise RuntimeError(f"HEAD {next_url}: {head.status_code}")
        response = requests.get(next_url, headers=headers, timeout=30)
        response.raise_for_status()
        media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        datasets, next_url = _datasets(response.content.decode("utf-8"), media_type or None)
        found += datasets
    return found


def harvest_sparql(endpoint: str, query: str) -> list[dict[str, object]]:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(query_endpoint=endpoint, returnFormat="application/rdf+xml")
    graph = store.query(query).graph
    assert graph is not None
    datasets, _ = _datasets(graph.serialize(format="xml"), "xml")
    return datasets


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--locale", default="en")
    parser.add_argument("--accept")
    parser.add_argument("--sparql-construct", dest="query")
    parser.add_argument("--profile", default=PROFILE[0])
    args = parser.parse_args()
    PROFILE[0] = args.profile
    try:
        from ckan.common import config

        config["ckan.locale_default"] = args.locale
        if args.query:
            datasets = harvest_sparql(args.url, args.query)
        else:
            datasets = harvest_url(args.url, args.accept)
    except Exception as err:  # report any failure as the harvester would: one line, exit 2
        print(f"harvest failed: {type(err).__name__}: {err}", file=sys.stderr)
        return 2
    print(json.dumps([_summary(d) for d in datasets], ensure_ascii=False, indent=2))
    return 0 if datasets else 1


if __name__ == "__main__":
    sys.exit(main())
