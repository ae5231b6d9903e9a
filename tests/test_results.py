"""Writing query results: the four SPARQL results formats and RDF, checked by parsing them back."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest

from ckpld.errors import NotAcceptableError
from ckpld.rdf.formats import RDF_FORMATS, RESULTS_FORMATS, by_name, named
from ckpld.store import QueryResult
from ckpld.store.results import serialize, table

XSD = "http://www.w3.org/2001/XMLSchema#"
AWKWARD = (
    ox.NamedNode("https://example.org/id/a"),
    ox.Literal('tab\there, "quoted", new\nline', language="pl"),
    ox.Literal("2019-04", datatype=ox.NamedNode(XSD + "gYearMonth")),
    None,
    ox.BlankNode("b0"),
)
SOLUTIONS = QueryResult(
    "solutions",
    variables=("iri", "text", "month", "unbound", "blank"),
    rows=(AWKWARD, (None, ox.Literal("plain"), None, None, None)),
)


@pytest.mark.parametrize("name", ["json", "xml", "tsv"])
def test_solutions_survive_a_round_trip(name: str) -> None:
    fmt = by_name(name)
    assert fmt is not None and fmt.results is not None
    parsed = ox.parse_query_results(serialize(SOLUTIONS, fmt), format=fmt.results)
    assert isinstance(parsed, ox.QuerySolutions)
    assert [v.value for v in parsed.variables] == list(SOLUTIONS.variables)
    rows = [tuple(s[v] for v in SOLUTIONS.variables) for s in parsed]
    assert rows[1] == SOLUTIONS.rows[1]
    assert rows[0][:4] == AWKWARD[:4]
    assert isinstance(rows[0][4], ox.BlankNode)


def test_json_follows_the_sparql_results_format() -> None:
    document = json.loads(serialize(SOLUTIONS, named("json")))
    first = document["results"]["bindings"][0]
    assert first["text"] == {
        "type": "literal",
        "value": 'tab\there, "quoted", new\nline',
        "xml:lang": "pl",
    }
    assert first["month"]["datatype"] == XSD + "gYearMonth"
    assert "unbound" not in first
    assert document["results"]["bindings"][1]["text"] == {"type": "literal", "value": "plain"}


def test_csv_is_plain_values() -> None:
    rows = list(csv.reader(io.StringIO(serialize(SOLUTIONS, named("csv")).decode())))
    assert rows[0] == list(SOLUTIONS.variables)
    assert rows[1][:4] == [
        "https://example.org/id/a",
        'tab\there, "quoted", new\nline',
        "2019-04",
        "",
    ]


def test_xml_is_a_sparql_results_document() -> None:
    root = ET.fromstring(serialize(SOLUTIONS, named("xml")))
    assert root.tag == "{http://www.w3.org/2005/sparql-results#}sparql"


def test_booleans() -> None:
    yes = QueryResult("boolean", boolean=True)
    assert json.loads(serialize(yes, named("json"))) == {"head": {}, "boolean": True}
    parsed = ox.parse_query_results(serialize(yes, named("xml")), format=ox.QueryResultsFormat.XML)
    assert bool(parsed) is True
    assert table(QueryResult("boolean", boolean=False), {}) == "no"


def test_graphs_in_every_rdf_format() -> None:
    triple = ox.Triple(
        ox.NamedNode("https://example.org/id/a"),
        ox.NamedNode("https://schema.org/name"),
        ox.Literal("A", language="en"),
    )
    graph = QueryResult("graph", triples=(triple,))
    for fmt in RDF_FORMATS:
        assert fmt.rdf is not None
        back = list(
            ox.parse(serialize(graph, fmt, {"schema": "https://schema.org/"}), format=fmt.rdf)
        )
        assert [ox.Triple(q.subject, q.predicate, q.object) for q in back] == [triple], fmt.name


def test_turtle_declares_only_the_prefixes_it_uses() -> None:
    triple = ox.Triple(
        ox.NamedNode("https://example.org/id/a"),
        ox.NamedNode("https://schema.org/name"),
        ox.Literal("A"),
    )
    text = serialize(
        QueryResult("graph", triples=(triple,)),
        named("turtle"),
        {"schema": "https://schema.org/", "foaf": "http://xmlns.com/foaf/0.1/"},
    )
    assert b"@prefix schema:" in text and b"foaf" not in text


def test_mismatched_formats_are_refused() -> None:
    for fmt in RESULTS_FORMATS:
        with pytest.raises(NotAcceptableError):
            serialize(QueryResult("graph"), fmt)
    for fmt in RDF_FORMATS:
        with pytest.raises(NotAcceptableError):
            serialize(SOLUTIONS, fmt)


def test_table_shortens_iris_and_marks_languages() -> None:
    text = table(SOLUTIONS, {"ex": "https://example.org/id/"})
    lines = text.splitlines()
    assert lines[0].split() == list(SOLUTIONS.variables)
    assert "ex:a" in lines[2]
    assert 'tab\\there, "quoted", new\\nline @pl' in lines[2]
    assert "2019-04 ^^<http://www.w3.org/2001/XMLSchema#gYearMonth>" in lines[2]
    assert lines[-1] == "(2 rows)"
