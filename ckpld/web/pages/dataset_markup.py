"""The dataset as schema.org `Dataset` markup (JSON-LD in the page), for search engines.

Google Dataset Search and other crawlers read `schema:Dataset` from the landing page, which is
the catalogue's `dcat:landingPage` (the home page). Everything here is read from the DCAT
catalogue, so the two say the same: name and description in the page's language, identifier,
licence, publisher (and creator, when the settings name one), keywords, coverage, one
`DataDownload` per dump, the catalogue it is in, version and dates.
"""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox

from ckpld.publish.catalog import IANA, catalog_iri
from ckpld.publish.publication import Publication
from ckpld.rdf.lookup import Lookup
from ckpld.rdf.namespaces import node
from ckpld.store.documents import internal_query


def dataset_markup(pub: Publication, lang: str) -> str:
    """The JSON-LD of the dataset, in `lang` where it has words, safe inside a <script>."""
    graph = Lookup(pub.catalogue)
    settings = pub.settings
    dataset = settings.dataset_iri
    publisher = _publisher(graph, settings.publisher_iri, lang)
    item: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": dataset,
        "name": _text(graph, dataset, "dct:title", lang),
        "description": _text(graph, dataset, "dct:description", lang),
        "url": graph.iri(dataset, "dcat:landingPage") or settings.base_iri,
        "identifier": _identifiers(graph, dataset),
        "license": settings.license,
        "isAccessibleForFree": True,
        "publisher": publisher,
        "creator": _creator(graph, settings.creator_iri, lang),  # only when the settings say
        "keywords": graph.texts(dataset, "dcat:keyword", lang),
        "inLanguage": ["pl", "en"],
        "version": graph.literal(dataset, "dcat:version"),
        "datePublished": graph.literal(dataset, "dct:issued"),
        "dateModified": graph.literal(dataset, "dct:modified"),
        "temporalCoverage": _period(graph, graph.iri(dataset, "dct:temporal")),
        "spatialCoverage": _places(pub, lang),
        "distribution": [
            _download(graph, d, lang) for d in graph.iris(dataset, "dcat:distribution")
        ],
        "includedInDataCatalog": {
            "@type": "DataCatalog",
            "@id": catalog_iri(settings),
            "name": _text(graph, catalog_iri(settings), "dct:title", lang),
            "url": catalog_iri(settings),
        },
    }
    kept = {k: v for k, v in item.items() if v not in (None, [], "")}
    text = json.dumps(kept, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _identifiers(graph: Lookup, dataset: str) -> str | list[str] | None:
    """The dataset's identifier, and its DOI (as a URL) when it has one."""
    found = [graph.literal(dataset, "dct:identifier")]
    found += [graph.literal(i, "skos:notation") for i in graph.iris(dataset, "adms:identifier")]
    kept = [f for f in found if f]
    return kept[0] if len(kept) == 1 else kept or None


def _text(graph: Lookup, subject: str, predicate: str, lang: str) -> str | None:
    return graph.text(subject, predicate, lang) or graph.text(subject, predicate, "en")


def _publisher(graph: Lookup, publisher: str, lang: str) -> dict[str, Any]:
    return {
        "@type": "Organization",
        "@id": publisher,
        "name": _text(graph, publisher, "foaf:name", lang)
        or graph.text(publisher, "foaf:name", "pl"),
    }


def _creator(graph: Lookup, creator: str, lang: str) -> dict[str, Any] | None:
    if not creator:
        return None
    name = _text(graph, creator, "foaf:name", lang) or graph.text(creator, "foaf:name", "pl")
    return {"@type": "Organization", "@id": creator, **({"name": name} if name else {})}


def _period(graph: Lookup, period: str | None) -> str | None:
    if period is None:
        return None
    start, end = graph.literal(period, "dcat:startDate"), graph.literal(period, "dcat:endDate")
    return f"{start}/{end}" if start and end and start != end else start


def _download(graph: Lookup, distribution: str, lang: str) -> dict[str, Any]:
    media = (graph.iri(distribution, "dcat:mediaType") or "").removeprefix(IANA)
    size = graph.literal(distribution, "dcat:byteSize")
    found = {
        "@type": "DataDownload",
        "name": _text(graph, distribution, "dct:title", lang),
        "contentUrl": graph.iri(distribution, "dcat:downloadURL"),
        "encodingFormat": media,
        "contentSize": f"{size} B" if size else None,
    }
    return {k: v for k, v in found.items() if v}


def _places(pub: Publication, lang: str) -> list[dict[str, Any]]:
    """The countries of the data, named in `lang`, with the identifiers the data verified."""
    answer = internal_query(
        pub.store,
        f"SELECT ?country ?name ?same WHERE {{ ?country a {node('schema:Country')} ; "
        f"{node('schema:name')} ?name FILTER(LANG(?name) = {ox.Literal(lang)}) "
        f"OPTIONAL {{ ?country {node('schema:sameAs')}|{node('skos:exactMatch')} ?same }} }} "
        "ORDER BY ?name ?same",
    )
    places: dict[str, dict[str, Any]] = {}
    for country, name, same in answer.rows:
        if not isinstance(country, ox.NamedNode) or not isinstance(name, ox.Literal):
            continue
        place = places.setdefault(
            country.value, {"@type": "Country", "@id": country.value, "name": name.value}
        )
        if isinstance(same, ox.NamedNode):
            place.setdefault("sameAs", []).append(same.value)
    return list(places.values())
