"""Content negotiation, table-driven: real clients' Accept headers, wildcards, q=0, overrides."""

from __future__ import annotations

import pytest

from ckpld.conneg import alternates, language, negotiate, override_of
from ckpld.formats import HTML, RDF_FORMATS, named

DOCUMENT = (*RDF_FORMATS, HTML)
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
JENA_GRAPH = (
    "text/turtle,application/n-triples;q=0.9,application/ld+json;q=0.8,"
    "application/rdf+xml;q=0.7,*/*;q=0.3"
)
JENA_DATASET = "application/trig,application/n-quads;q=0.9,application/ld+json;q=0.8,*/*;q=0.3"
RDFLIB_ANY = (
    "application/rdf+xml, text/n3, text/turtle, application/n-triples, "
    "application/ld+json, application/n-quads, application/trix, application/trig"
)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        pytest.param(FIREFOX, "html", id="firefox"),
        pytest.param(CHROME, "html", id="chrome"),
        pytest.param("*/*", "turtle", id="curl"),
        pytest.param(None, "turtle", id="no-accept"),
        pytest.param("", "turtle", id="empty-accept"),
        pytest.param(JENA_GRAPH, "turtle", id="jena-graph"),
        pytest.param(JENA_DATASET, "trig", id="jena-dataset"),
        pytest.param(RDFLIB_ANY, "turtle", id="rdflib-any-format-server-preference"),
        pytest.param("application/rdf+xml, */*;q=0.1", "rdfxml", id="rdflib-xml"),
        pytest.param("text/turtle, application/x-turtle, */*;q=0.1", "turtle", id="rdflib-turtle"),
        pytest.param("text/plain, */*;q=0.1", "ntriples", id="rdflib-nt"),
        pytest.param("text/n3, */*;q=0.1", "turtle", id="rdflib-n3"),
        pytest.param(
            "application/ld+json, application/json;q=0.9, */*;q=0.1", "jsonld", id="rdflib-jsonld"
        ),
        pytest.param("application/json", "jsonld", id="plain-json"),
        pytest.param(
            'application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted"',
            "jsonld",
            id="jsonld-profile",
        ),
        pytest.param("application/n-quads", "nquads", id="nquads"),
        pytest.param("text/turtle;q=0, */*", "jsonld", id="q-zero-excludes"),
        pytest.param("text/turtle;q=0.5, application/rdf+xml", "rdfxml", id="q-values"),
        pytest.param("text/*", "turtle", id="text-wildcard"),
        pytest.param("text/html;q=0.9, text/turtle", "turtle", id="rdf-preferred-over-html"),
        pytest.param("TEXT/TURTLE", "turtle", id="case-insensitive"),
        pytest.param("image/png", None, id="unknown-type"),
        pytest.param("application/xml", None, id="plain-xml-not-offered"),
        pytest.param("text/turtle;q=0", None, id="only-refusal"),
        pytest.param("garbage;;;q=x", None, id="malformed"),
    ],
)
def test_accept(accept: str | None, expected: str | None) -> None:
    chosen = negotiate(accept, DOCUMENT)
    assert (chosen.name if chosen else None) == expected


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        pytest.param("ttl", "turtle", id="suffix"),
        pytest.param("turtle", "turtle", id="name"),
        pytest.param("text/turtle", "turtle", id="media-type"),
        pytest.param("application/ld+json; charset=utf-8", "jsonld", id="media-type-params"),
        pytest.param("HTML", "html", id="upper-case"),
        pytest.param("application/ld+json,application/x-json+ld", "jsonld", id="list"),
        pytest.param("n3", "turtle", id="sparqlwrapper-n3"),
        pytest.param("rdf+xml", "rdfxml", id="sparqlwrapper-rdfxml"),
        pytest.param("csv", None, id="not-offered-here"),
        pytest.param("nonsense", None, id="unknown"),
    ],
)
def test_override_beats_accept(override: str, expected: str | None) -> None:
    chosen = negotiate(FIREFOX, DOCUMENT, override)
    assert (chosen.name if chosen else None) == expected


def test_override_order_suffix_then_format_then_mediatype() -> None:
    args = {"_format": "nt", "_mediatype": "application/rdf+xml"}
    assert override_of("ttl", args) == "ttl"
    assert override_of(None, args) == "nt"
    assert override_of(None, {"_mediatype": "application/rdf+xml"}) == "application/rdf+xml"
    assert override_of(None, {"format": "jsonld"}) == "jsonld"
    assert override_of(None, {}) is None


@pytest.mark.parametrize(
    ("header", "forced", "expected"),
    [
        ("pl-PL,pl;q=0.9,en;q=0.8", None, "pl"),
        ("en-GB,en;q=0.9", None, "en"),
        ("de-DE,de;q=0.9", None, "en"),
        (None, None, "en"),
        ("pl", "en", "en"),
        ("en", "pl", "pl"),
        ("pl", "xx", "pl"),
    ],
)
def test_language(header: str | None, forced: str | None, expected: str) -> None:
    assert language(header, forced) == expected


def test_alternates_list_every_other_format() -> None:
    turtle = named("turtle")
    links = alternates("/doc/x", DOCUMENT, turtle)
    assert len(links) == len(DOCUMENT) - 1
    assert '</doc/x.jsonld>; rel="alternate"; type="application/ld+json"' in links
    assert not any("text/turtle" in link for link in links)
