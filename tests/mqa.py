"""data.europa.eu's Metadata Quality Assessment (MQA), scored over a DCAT catalogue.

The methodology (data.europa.eu, "Metadata Quality Assessment methodology"): 405 points in five
dimensions. Dataset-level indicators score fully or not at all; distribution-level ones score by
the share of the dataset's distributions that meet them (as the issue that asked for this test
specifies; the portal's own tool counts the same properties).

| dimension | indicator | points | level |
| --- | --- | --- | --- |
| findability | `dcat:keyword` | 30 | dataset |
| findability | `dcat:theme` | 30 | dataset |
| findability | `dct:spatial` | 20 | dataset |
| findability | `dct:temporal` | 20 | dataset |
| accessibility | `dcat:accessURL` answers HEAD with 200 | 50 | distribution |
| accessibility | `dcat:downloadURL` given | 20 | distribution |
| accessibility | `dcat:downloadURL` answers HEAD with 200 | 30 | distribution |
| interoperability | `dct:format` | 20 | distribution |
| interoperability | `dcat:mediaType` | 10 | distribution |
| interoperability | format and media type from the EU and IANA tables | 10 | distribution |
| interoperability | non-proprietary format | 20 | distribution |
| interoperability | machine-readable format | 20 | distribution |
| interoperability | DCAT-AP compliance (the shapes find no violation) | 30 | catalogue |
| reusability | `dct:license` | 20 | distribution |
| reusability | licence from the EU licence table | 10 | distribution |
| reusability | `dct:accessRights` | 10 | dataset |
| reusability | access rights from the EU access-right table | 5 | dataset |
| reusability | `dcat:contactPoint` | 20 | dataset |
| reusability | `dct:publisher` | 10 | dataset |
| contextuality | `dct:rights` | 5 | distribution |
| contextuality | `dcat:byteSize` | 5 | distribution |
| contextuality | `dct:issued` | 5 | distribution |
| contextuality | `dct:modified` | 5 | distribution |
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import rdflib
from rdflib import RDF, URIRef
from rdflib.namespace import DCAT, DCTERMS

EU = "http://publications.europa.eu/resource/authority/"
IANA = (
    "https://www.iana.org/assignments/media-types/",
    "http://www.iana.org/assignments/media-types/",
)
# Entries of data.europa.eu's own format lists (gitlab.com/european-data-portal/edp-vocabularies:
# edp-non-proprietary-format.rdf, edp-machine-readable-format.rdf) for the formats RDF is
# published in; both lists hold all five (and the RDF/XML, CSV, JSON… this catalogue does not use).
OPEN_RDF_FORMATS = frozenset(
    EU + "file-type/" + code
    for code in ("RDF_TURTLE", "RDF_N_TRIPLES", "RDF_N_QUADS", "RDF_TRIG", "RDF_XML", "JSON_LD")
)
NON_PROPRIETARY = OPEN_RDF_FORMATS
MACHINE_READABLE = OPEN_RDF_FORMATS
MAXIMUM = 405

Check = Callable[[rdflib.Graph, URIRef], bool]


@dataclass(frozen=True)
class Indicator:
    """One MQA indicator: its points, and whether a dataset (or a distribution) meets it."""

    name: str
    points: int
    level: str  # "dataset" or "distribution"
    check: Check


def _has(prop: URIRef) -> Check:
    return lambda graph, node: graph.value(node, prop) is not None


def _in(prop: URIRef, prefixes: tuple[str, ...]) -> Check:
    def check(graph: rdflib.Graph, node: URIRef) -> bool:
        values = [str(o) for o in graph.objects(node, prop)]
        return bool(values) and all(v.startswith(prefixes) for v in values)

    return check


def _listed(prop: URIRef, listed: frozenset[str]) -> Check:
    return lambda graph, node: str(graph.value(node, prop)) in listed


def _both(*checks: Check) -> Check:
    return lambda graph, node: all(check(graph, node) for check in checks)


def _answers(prop: URIRef, status: Callable[[str], int]) -> Check:
    def check(graph: rdflib.Graph, node: URIRef) -> bool:
        url = graph.value(node, prop)
        return url is not None and status(str(url)) == 200

    return check


def indicators(status: Callable[[str], int]) -> list[Indicator]:
    """Every indicator but DCAT-AP compliance; `status(url)` is the status of a HEAD request."""
    return [
        Indicator("keyword", 30, "dataset", _has(DCAT.keyword)),
        Indicator("theme", 30, "dataset", _has(DCAT.theme)),
        Indicator("spatial", 20, "dataset", _has(DCTERMS.spatial)),
        Indicator("temporal", 20, "dataset", _has(DCTERMS.temporal)),
        Indicator("accessURL answers", 50, "distribution", _answers(DCAT.accessURL, status)),
        Indicator("downloadURL", 20, "distribution", _has(DCAT.downloadURL)),
        Indicator("downloadURL answers", 30, "distribution", _answers(DCAT.downloadURL, status)),
        Indicator("format", 20, "distribution", _has(DCTERMS["format"])),
        Indicator("mediaType", 10, "distribution", _has(DCAT.mediaType)),
        Indicator(
            "format and media type from the tables",
            10,
            "distribution",
            _both(_in(DCTERMS["format"], (EU + "file-type/",)), _in(DCAT.mediaType, IANA)),
        ),
        Indicator(
            "non-proprietary", 20, "distribution", _listed(DCTERMS["format"], NON_PROPRIETARY)
        ),
        Indicator(
            "machine-readable", 20, "distribution", _listed(DCTERMS["format"], MACHINE_READABLE)
        ),
        Indicator("licence", 20, "distribution", _has(DCTERMS.license)),
        Indicator(
            "licence from the EU table",
            10,
            "distribution",
            _in(DCTERMS.license, (EU + "licence/",)),
        ),
        Indicator("accessRights", 10, "dataset", _has(DCTERMS.accessRights)),
        Indicator(
            "access rights from the EU table",
            5,
            "dataset",
            _in(DCTERMS.accessRights, (EU + "access-right/",)),
        ),
        Indicator("contactPoint", 20, "dataset", _has(DCAT.contactPoint)),
        Indicator("publisher", 10, "dataset", _has(DCTERMS.publisher)),
        Indicator("rights", 5, "distribution", _has(DCTERMS.rights)),
        Indicator("byteSize", 5, "distribution", _has(DCAT.byteSize)),
        Indicator("issued", 5, "distribution", _has(DCTERMS.issued)),
        Indicator("modified", 5, "distribution", _has(DCTERMS.modified)),
    ]


def score(
    graph: rdflib.Graph, dataset: URIRef, status: Callable[[str], int], compliant: bool
) -> dict[str, float]:
    """Points per indicator for `dataset` in `graph`; `compliant`: DCAT-AP compliance held."""
    distributions = [URIRef(str(d)) for d in graph.objects(dataset, DCAT.distribution)]
    found: dict[str, float] = {}
    for indicator in indicators(status):
        if indicator.level == "dataset":
            share = 1.0 if indicator.check(graph, dataset) else 0.0
        else:
            met = sum(indicator.check(graph, d) for d in distributions)
            share = met / len(distributions) if distributions else 0.0
        found[indicator.name] = indicator.points * share
    found["DCAT-AP compliance"] = 30.0 if compliant else 0.0
    return found


def datasets(graph: rdflib.Graph) -> list[URIRef]:
    """The datasets of a catalogue graph."""
    return [URIRef(str(d)) for d in graph.subjects(RDF.type, DCAT.Dataset)]


SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")


def to_dcat_ap_2(graph: rdflib.Graph) -> rdflib.Graph:
    """The catalogue as data.europa.eu keeps it, in DCAT-AP 2.1.1, where 3.0.1 and 2.1.1 differ
    on this catalogue (docs/harvesting.md): `dcat:byteSize` retyped from xsd:nonNegativeInteger
    to 2.1.1's xsd:decimal (the same number), and checksums by an algorithm 2.1.1 does not know
    (it knows SHA-1 only; this catalogue's are SHA-256) left out, as 2.1.1 cannot say them."""
    unknown = {
        c
        for c, algorithm in graph.subject_objects(SPDX.algorithm)
        if algorithm != SPDX.checksumAlgorithm_sha1
    }
    out = rdflib.Graph()
    for s, p, o in graph:
        if s in unknown or (p == SPDX.checksum and o in unknown):
            continue
        if p == DCAT.byteSize and isinstance(o, rdflib.Literal):
            o = rdflib.Literal(str(o), datatype=rdflib.XSD.decimal)
        out.add((s, p, o))
    return out
