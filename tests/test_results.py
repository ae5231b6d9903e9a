"""Writing query results: the four SPARQL results formats and RDF, checked by parsing them back."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ckpld.errors import NotAcceptableError
from ckpld.rdf.formats import RDF_FORMATS, RESULTS_FORMATS, by_name, named
from ckpld.store import QueryResult
from ckpld.store.results import results_json, serialize, table

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


# Terms as a hostile or odd dataset holds them: markup and quote characters, line breaks, tabs,
# backslashes, non-ASCII, numbers in and out of Turtle's short forms, triple terms.
_TEXT = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
    max_size=12,
) | st.sampled_from(['a "b", c', "x\ny\r\tz", "\\", "<&>'", "1", "-.5", "2e5", "true", " "])
_IRIS = st.sampled_from(["http://e/a", "http://e/b?x=1&y='2'", "urn:x:<>".replace("<>", "q")])
_DATATYPES = st.sampled_from(
    ["integer", "decimal", "double", "boolean", "string", "dateTime", "gYear"]
).map(lambda name: ox.NamedNode("http://www.w3.org/2001/XMLSchema#" + name))
_PLAIN = (
    _IRIS.map(ox.NamedNode)
    | st.from_regex(r"[a-z][a-z0-9]{0,5}", fullmatch=True).map(ox.BlankNode)
    | _TEXT.map(ox.Literal)
    | st.builds(
        lambda v, lang: ox.Literal(v, language=lang), _TEXT, st.sampled_from(["en", "pl", "en-GB"])
    )
    | st.builds(lambda v, dt: ox.Literal(v, datatype=dt), _TEXT, _DATATYPES)
)
_TERMS = _PLAIN | st.builds(ox.Triple, _IRIS.map(ox.NamedNode), _IRIS.map(ox.NamedNode), _PLAIN)


@settings(max_examples=300, deadline=None)
@given(
    width=st.integers(min_value=0, max_value=3),
    rows=st.lists(st.lists(st.none() | _TERMS, min_size=3, max_size=3), max_size=6),
)
def test_xml_csv_and_tsv_are_written_as_oxigraph_writes_them(
    width: int, rows: list[list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None]]
) -> None:
    names = ("a", "b", "c")[:width]
    result = QueryResult(
        "solutions", variables=names, rows=tuple(tuple(row[:width]) for row in rows)
    )
    document = json.dumps(results_json(result)).encode()
    for fmt in ("xml", "csv", "tsv"):
        parsed = ox.parse_query_results(document, format=ox.QueryResultsFormat.JSON)
        assert serialize(result, named(fmt)) == parsed.serialize(format=named(fmt).results), fmt
    for answer in (True, False):
        boolean = QueryResult("boolean", boolean=answer)
        for fmt in ("xml", "csv", "tsv"):
            again = ox.parse_query_results(
                json.dumps(results_json(boolean)).encode(), format=ox.QueryResultsFormat.JSON
            )
            assert serialize(boolean, named(fmt)) == again.serialize(format=named(fmt).results)
