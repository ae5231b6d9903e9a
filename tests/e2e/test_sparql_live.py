"""The SPARQL endpoint over real HTTP: SPARQLWrapper as researchers use it, and safety."""

from __future__ import annotations

import csv
import io
import threading
import time
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
import rdflib
import requests
from rdflib.compare import isomorphic
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, RDFXML, TSV, TURTLE, XML

from ckpld.config import Settings
from ckpld.publish.publication import Publication, publish
from tests.conftest import ROOT
from tests.e2e.conftest import Listener, LiveServer, cookbook_wrapper
from tests.terms import value_of
from tests.test_queries import EXPECTED
from tests.virtuoso import Virtuoso, as_virtuoso_answers


@pytest.fixture(scope="module")
def published(settings: Settings) -> Publication:
    """What the server publishes (data, VoID, catalogue), built in this process."""
    pub = publish(settings)
    pub.release()
    return pub


pytestmark = pytest.mark.e2e

ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?o ?q }"
RESULT_FORMATS = {
    JSON: ox.QueryResultsFormat.JSON,
    XML: ox.QueryResultsFormat.XML,
    TSV: ox.QueryResultsFormat.TSV,
}


@pytest.fixture
def listener() -> Iterator[Listener]:
    watch = Listener()
    yield watch
    watch.close()


@pytest.mark.parametrize("fmt", [JSON, XML, TSV, CSV])
def test_sparqlwrapper_runs_the_cookbook_in_every_result_format(
    live_server: LiveServer, published: Publication, fmt: str
) -> None:
    # The cookbook's answers on the data alone are checked in test_queries; over HTTP they are
    # those of the published store (data plus its VoID and DCAT descriptions).
    for name in EXPECTED:
        text = (ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8")
        expected = [tuple(row) for row in published.store.query(text).rows]
        if live_server.mode == "remote":
            expected = [tuple(as_virtuoso_answers(t) for t in row) for row in expected]
        assert expected, name
        raw = cookbook_wrapper(live_server, name, fmt).query().response.read()
        if fmt == CSV:  # CSV carries lexical forms only
            got = list(csv.reader(io.StringIO(raw.decode())))[1:]
            lexical = [["" if t is None else value_of(t) for t in row] for row in expected]
            assert got == lexical, name
            continue
        parsed = ox.parse_query_results(raw, format=RESULT_FORMATS[fmt])
        assert isinstance(parsed, ox.QuerySolutions), (name, fmt)
        variables = [v.value for v in parsed.variables]
        got_rows = [tuple(s[v] for v in variables) for s in parsed]
        assert got_rows == expected, (name, fmt)


def test_sparqlwrapper_convert_and_post(live_server: LiveServer) -> None:
    sparql = cookbook_wrapper(live_server, "partners-by-year", JSON)
    sparql.setMethod(POST)
    converted = sparql.query().convert()
    assert isinstance(converted, dict)
    years = [b["year"]["value"] for b in converted["results"]["bindings"]]
    assert years == ["2018", "2019"]


@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, XML, JSONLD])
def test_sparqlwrapper_construct_in_rdf_formats(live_server: LiveServer, fmt: str) -> None:
    reference = rdflib.Graph().parse(
        data=cookbook_wrapper(live_server, "schema-org-membership", TURTLE).query().response.read(),
        format="turtle",
    )
    assert len(reference) == 7
    response = cookbook_wrapper(live_server, "schema-org-membership", fmt).query()
    media = response.response.headers["Content-Type"].split(";")[0]
    body = response.response.read()
    names = {
        "text/turtle": "turtle",
        "application/rdf+xml": "xml",
        "application/ld+json": "json-ld",
    }
    graph = rdflib.Graph().parse(data=body, format=names[media])
    assert isomorphic(graph, reference), fmt


def test_service_calls_never_leave_the_server(live_server: LiveServer, listener: Listener) -> None:
    for query in (
        f"SELECT * WHERE {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{listener.url}/> {{ ?s ?p ?o }} }}",
        f"PREFIX l: <{listener.url}/> SELECT * {{ SERVICE l:x {{ ?s ?p ?o }} }}",
        f"SELECT * {{ \\u0053ERVICE <{listener.url}/> {{ ?s ?p ?o }} }}",
    ):
        response = requests.post(live_server.url + "/sparql", data={"query": query}, timeout=10)
        assert response.status_code == 403, query
        assert (
            "not allowed" in response.json()["detail"]
            or "fixed endpoint" in response.json()["detail"]
        )
    time.sleep(0.5)
    assert listener.connections == []


def test_the_remote_store_itself_makes_no_federated_call(
    virtuoso: Virtuoso, listener: Listener
) -> None:
    # With store = remote the store runs the queries, out of reach of ckpld's seccomp filter.
    # SECURITY.md asks the operator for a store account without federated queries; Virtuoso's
    # SPARQL account has none by default, which this checks by asking Virtuoso itself.
    query = f"SELECT * WHERE {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}"
    response = requests.post(virtuoso.endpoint, data={"query": query}, timeout=30)
    assert response.status_code >= 400 and "SECURITY" in response.text, response.text[:300]
    time.sleep(0.5)
    assert listener.connections == []


def test_from_never_fetches(live_server: LiveServer, listener: Listener) -> None:
    for source in ("file:///etc/passwd", f"{listener.url}/data.ttl"):
        for clause in ("FROM", "FROM NAMED"):
            pattern = "{ ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } }"
            query = f"SELECT * {clause} <{source}> WHERE {{ {pattern} }}"
            response = requests.get(
                live_server.url + "/sparql",
                params={"query": query},
                headers={"Accept": "application/sparql-results+json"},
                timeout=10,
            )
            assert response.status_code == 200, (source, clause)
            assert response.json()["results"]["bindings"] == [], (source, clause)
            assert "root:" not in response.text
    time.sleep(0.5)
    assert listener.connections == []


def test_huge_and_malformed_queries(live_server: LiveServer) -> None:
    huge = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 200_000
    response = requests.post(
        live_server.url + "/sparql",
        data=huge.encode(),
        timeout=30,
        headers={"Content-Type": "application/sparql-query"},
    )
    assert response.status_code == 413
    broken = requests.get(
        live_server.url + "/sparql", params={"query": "SELECT * WHERE { ?s"}, timeout=10
    )
    assert broken.status_code == 400
    assert broken.json()["detail"].startswith("SPARQL syntax error at 1:")


def test_a_runaway_query_is_stopped_while_others_are_answered() -> None:
    server = LiveServer("--workers", "2", env={"CKPLD_QUERY_TIMEOUT": "2"})
    try:
        server.wait_until_ready()
        outcome: dict[str, object] = {}

        def runaway() -> None:
            started = time.monotonic()
            response = requests.get(server.url + "/sparql", params={"query": ENDLESS}, timeout=60)
            outcome["status"] = response.status_code
            outcome["seconds"] = time.monotonic() - started
            outcome["detail"] = response.json()["detail"]

        thread = threading.Thread(target=runaway)
        thread.start()
        time.sleep(0.5)  # the runaway query is now occupying one worker
        started = time.monotonic()
        quick = requests.get(
            server.url + "/sparql",
            timeout=10,
            params={"query": "ASK { ?s ?p ?o }", "format": "json"},
        )
        assert quick.status_code == 200 and quick.json()["boolean"] is True
        assert time.monotonic() - started < 1.5  # answered by the other worker meanwhile
        thread.join(30)
        assert outcome["status"] == 503
        seconds = outcome["seconds"]
        assert isinstance(seconds, float) and 1.5 < seconds < 10
        assert "longer than 2 s" in str(outcome["detail"])
        for _ in range(4):  # both workers still serve
            again = requests.get(
                server.url + "/sparql", timeout=10, params={"query": "ASK { ?s ?p ?o }"}
            )
            assert again.status_code == 200
        assert server.process.poll() is None
    finally:
        server.stop()
