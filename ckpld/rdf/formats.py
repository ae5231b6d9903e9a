"""The one table of formats: names, media types, suffixes, W3C format IRIs, parsers, writers."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import pyoxigraph as ox


class Kind(Enum):
    """What a format can carry."""

    GRAPH = "graph"  # triples
    DATASET = "dataset"  # quads (named graphs); can carry a single graph too
    RESULTS = "results"  # SPARQL SELECT / ASK results
    HTML = "html"  # pages for people
    ERROR = "error"  # error bodies for programs


@dataclass(frozen=True)
class Format:
    """One format ckpld reads or writes.

    Attributes:
        name: Short name used in `--format` and `?_format=`.
        media_type: Canonical media type (the one ckpld sends).
        suffix: File and URL suffix without the dot.
        kind: What the format carries.
        iri: W3C Formats IRI (http://www.w3.org/ns/formats/), for service descriptions.
        aliases: Other media types that mean the same format.
        rdf: pyoxigraph RDF format, for graph and dataset formats.
        results: pyoxigraph results format, for results formats.
        charset: True when the media type takes a `charset` parameter (sent as utf-8).
        also: Other names clients use for it in `?format=` (e.g. SPARQLWrapper's `n3`).
        file_type: Code in the EU Publications Office file-type table (DCAT `dct:format`).
    """

    name: str
    media_type: str
    suffix: str
    kind: Kind
    iri: str = ""
    aliases: tuple[str, ...] = ()
    rdf: ox.RdfFormat | None = None
    results: ox.QueryResultsFormat | None = None
    charset: bool = False
    also: tuple[str, ...] = ()
    file_type: str = ""

    @property
    def media_types(self) -> tuple[str, ...]:
        """The canonical media type followed by its aliases."""
        return (self.media_type, *self.aliases)

    @property
    def is_rdf(self) -> bool:
        """True for formats that carry triples or quads."""
        return self.kind in (Kind.GRAPH, Kind.DATASET)


_W3C = "http://www.w3.org/ns/formats/"

# fmt: off
FORMATS: tuple[Format, ...] = (
    Format("turtle", "text/turtle", "ttl", Kind.GRAPH, _W3C + "Turtle",
           aliases=("application/x-turtle", "text/n3", "text/rdf+n3", "application/turtle"),
           rdf=ox.RdfFormat.TURTLE, charset=True, also=("n3",), file_type="RDF_TURTLE"),
    Format("jsonld", "application/ld+json", "jsonld", Kind.GRAPH, _W3C + "JSON-LD",
           aliases=("application/json", "application/x-json+ld"), rdf=ox.RdfFormat.JSON_LD,
           also=("json-ld", "json"), file_type="JSON_LD"),
    Format("ntriples", "application/n-triples", "nt", Kind.GRAPH, _W3C + "N-Triples",
           aliases=("text/plain",), rdf=ox.RdfFormat.N_TRIPLES, file_type="RDF_N_TRIPLES"),
    Format("rdfxml", "application/rdf+xml", "rdf", Kind.GRAPH, _W3C + "RDF_XML",
           aliases=("application/xml", "text/xml"), rdf=ox.RdfFormat.RDF_XML, charset=True,
           also=("rdf+xml", "xml"), file_type="RDF_XML"),
    Format("trig", "application/trig", "trig", Kind.DATASET, _W3C + "TriG",
           rdf=ox.RdfFormat.TRIG, charset=True, file_type="RDF_TRIG"),
    Format("nquads", "application/n-quads", "nq", Kind.DATASET, _W3C + "N-Quads",
           rdf=ox.RdfFormat.N_QUADS, file_type="RDF_N_QUADS"),
    Format("json", "application/sparql-results+json", "srj", Kind.RESULTS,
           _W3C + "SPARQL_Results_JSON", aliases=("application/json",),
           results=ox.QueryResultsFormat.JSON),
    Format("xml", "application/sparql-results+xml", "srx", Kind.RESULTS,
           _W3C + "SPARQL_Results_XML", aliases=("application/xml", "text/xml"),
           results=ox.QueryResultsFormat.XML, charset=True),
    Format("csv", "text/csv", "csv", Kind.RESULTS,
           _W3C + "SPARQL_Results_CSV", results=ox.QueryResultsFormat.CSV, charset=True),
    Format("tsv", "text/tab-separated-values", "tsv", Kind.RESULTS,
           _W3C + "SPARQL_Results_TSV", results=ox.QueryResultsFormat.TSV, charset=True),
    Format("html", "text/html", "html", Kind.HTML,
           aliases=("application/xhtml+xml",), charset=True),
    Format("problem", "application/problem+json", "", Kind.ERROR),
)
# fmt: on


def by_name(name: str) -> Format | None:
    """The format called `name` (as in `--format`), or None."""
    return next((f for f in FORMATS if f.name == name), None)


def named(name: str) -> Format:
    """The format called `name`; a KeyError if there is none (for names fixed in code)."""
    found = by_name(name)
    if found is None:
        raise KeyError(name)
    return found


def by_suffix(suffix: str) -> Format | None:
    """The format whose file suffix is `suffix` (without the dot), or None."""
    return next((f for f in FORMATS if f.suffix == suffix.lower()), None)


def of_kind(*kinds: Kind) -> tuple[Format, ...]:
    """The formats of the given kinds, in table order."""
    return tuple(f for f in FORMATS if f.kind in kinds)


RDF_FORMATS = of_kind(Kind.GRAPH, Kind.DATASET)
RESULTS_FORMATS = of_kind(Kind.RESULTS)
HTML = named("html")
PROBLEM = named("problem")

DOCUMENT_OFFERS: tuple[Format, ...] = (*RDF_FORMATS, HTML)  # every document; */* gets Turtle
