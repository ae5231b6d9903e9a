"""The W3C SPARQL 1.1 Protocol and Service Description tests, against the real server.

The manifest lives in ../shared/conformance/ (not ours to commit). This runner reads it, sends
every request to a ckpld server pre-loaded with the tests' graph data (a read-only endpoint cannot
be loaded through SPARQL Update, as other runners do), and checks status, result format and ASK
answer. Update tests are expected to be refused with a 4xx: ckpld is a read-only query service,
which the Protocol allows (§4; the security considerations allow not implementing update).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import requests
from rdflib.collection import Collection

from tests.conftest import shared_path
from tests.e2e.conftest import LiveServer, serving
from tests.terms import as_literal

pytestmark = pytest.mark.e2e

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
HTS = rdflib.Namespace("http://www.w3.org/2011/http-statusCodes#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")

RESULTS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
RDF = {
    "text/turtle",
    "application/rdf+xml",
    "application/n-triples",
    "application/ld+json",
    "application/trig",
    "application/n-quads",
}

# What ckpld does with each test: pass it, or refuse it as the Protocol allows (documented in the
# conformance table in docs/sparql.md).
UPDATE_TESTS = {
    "update_dataset_default_graph",
    "update_dataset_default_graphs",
    "update_dataset_named_graphs",
    "update_dataset_full",
    "update_post_form",
    "update_post_direct",
    "update_base_uri",
}


@dataclass
class Step:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[str]
    result_format: str | None
    boolean: bool | None


@dataclass
class ProtocolTest:
    name: str
    title: str
    graphs: dict[str, Path] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)


def read_manifest(path: Path) -> list[ProtocolTest]:
    graph = rdflib.Graph().parse(path, format="turtle")
    manifest = next(graph.subjects(rdflib.RDF.type, MF.Manifest))
    tests = []
    entries = graph.value(manifest, MF.entries)
    assert entries is not None, manifest
    for entry in Collection(graph, entries):
        test = ProtocolTest(str(entry).rsplit("#", 1)[-1], str(graph.value(entry, MF.name)))
        for data in graph.objects(entry, UT.graphData):
            local = Path(str(graph.value(data, UT.graph)).replace("file://", ""))
            test.graphs[str(graph.value(data, rdflib.RDFS.label))] = path.parent / local.name
        action = graph.value(entry, MF.action)
        listed = graph.value(action, HT.requests)
        assert listed is not None, entry
        for request in Collection(graph, listed):
            test.steps.append(_step(graph, request))
        tests.append(test)
    return tests


def _step(graph: rdflib.Graph, request: rdflib.term.Node) -> Step:
    headers = {}
    listed = graph.value(request, HT.headers)
    for header in Collection(graph, listed) if listed else []:
        headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
    body = None
    content = graph.value(request, HT.body)
    if content is not None:
        encoding = str(graph.value(content, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(content, CNT.chars)).encode(encoding)
    response = graph.value(request, HT.resp)
    statuses = {str(s).rsplit("#", 1)[-1] for s in graph.objects(response, MF.expectedStatus)}
    expected_format = graph.value(response, MF.expectedFormat)
    boolean = graph.value(response, MF.expectedBoolean)
    return Step(
        str(graph.value(request, HT.methodName)),
        str(graph.value(request, HT.absolutePath)),
        headers,
        body,
        statuses,
        str(expected_format) if expected_format else None,
        bool(as_literal(boolean).toPython()) if boolean is not None else None,
    )


def run_step(base: str, step: Step) -> str | None:
    """None when the response is as the manifest expects, else what was wrong."""
    response = requests.request(
        step.method,
        base + step.path,
        headers=step.headers,
        data=step.body,
        timeout=30,
        allow_redirects=False,
    )
    status = f"StatusCode{str(response.status_code)[0]}xx"
    if status not in step.statuses:
        return f"status {response.status_code} ({response.text[:200]!r}), expected {step.statuses}"
    media = response.headers.get("Content-Type", "").split(";")[0].strip()
    if step.result_format == "RDF" and media not in RDF:
        return f"expected RDF, got {media}"
    if step.result_format in ("boolean", "tabular") and media not in RESULTS:
        return f"expected SPARQL results, got {media}"
    if step.boolean is not None:
        answer = ox.parse_query_results(response.content, format=RESULTS[media])
        if not isinstance(answer, ox.QueryBoolean) or bool(answer) != step.boolean:
            return f"expected the answer {step.boolean}"
    return None


@pytest.fixture(scope="module")
def manifest() -> list[ProtocolTest]:
    return read_manifest(shared_path("conformance/sparql11-protocol/manifest.ttl"))


@pytest.fixture(scope="module")
def conformance_server(
    manifest: list[ProtocolTest],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveServer]:
    """A server holding the tests' graphs (and only those), as named graphs."""
    data = tmp_path_factory.mktemp("protocol-data")
    graphs = {name: path for test in manifest for name, path in test.graphs.items()}
    quads = [
        ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(name))
        for name, path in sorted(graphs.items())
        for q in ox.parse(path.read_bytes(), format=ox.RdfFormat.N_TRIPLES)
    ]
    ox.serialize(quads, str(data / "protocol.nq"), format=ox.RdfFormat.N_QUADS)
    server = LiveServer(
        "--data", str(data), "--workers", "2", env={"CKPLD_VALIDATE_ON_START": "false"}
    )
    try:
        server.wait_until_ready()
        yield server
    finally:
        server.stop()


def test_protocol_manifest(manifest: list[ProtocolTest], conformance_server: LiveServer) -> None:
    assert len(manifest) == 34
    outcomes = {}
    for test in manifest:
        problems = [run_step(conformance_server.url, step) for step in test.steps]
        if test.name in UPDATE_TESTS:
            # Refused by design: the update request itself must get a 4xx, never a 5xx.
            first = requests.request(
                test.steps[0].method,
                conformance_server.url + test.steps[0].path,
                headers=test.steps[0].headers,
                data=test.steps[0].body,
                timeout=30,
            )
            outcomes[test.name] = (
                "refused"
                if 400 <= first.status_code < 500
                else (f"update answered {first.status_code}")
            )
        else:
            failed = [p for p in problems if p]
            outcomes[test.name] = "pass" if not failed else f"FAIL: {failed[0]}"
    failures = {
        name: outcome for name, outcome in outcomes.items() if outcome not in ("pass", "refused")
    }
    assert failures == {}
    assert sum(o == "pass" for o in outcomes.values()) == 27
    assert {n for n, o in outcomes.items() if o == "refused"} == UPDATE_TESTS


def test_the_runner_notices_wrong_answers(
    manifest: list[ProtocolTest], live_server: LiveServer
) -> None:
    # Without the tests' graphs, the dataset tests must fail on the ASK answer, not pass.
    [test] = [t for t in manifest if t.name == "query_dataset_default_graphs_get"]
    assert run_step(live_server.url, test.steps[0]) == "expected the answer True"


def test_service_description_tests() -> None:
    # The three W3C Service Description tests (returns-rdf, has-endpoint-triple,
    # conforms-to-schema), as rdf-test-suite runs them, on a server whose public address is the
    # one tested (sd:endpoint is always the public address, never one from the Host header).
    with serving(own_base=True) as server:
        _check_service_description(server.url + "/sparql")


def _check_service_description(endpoint: str) -> None:
    response = requests.get(
        endpoint,
        timeout=10,
        headers={"Accept": "text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8"},
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == "text/turtle"  # returns-rdf
    graph = rdflib.Graph().parse(data=response.content, format="turtle", publicID=endpoint)
    services = set(graph.subjects(rdflib.RDF.type, SD.Service))
    assert len(services) == 1
    service = services.pop()
    assert rdflib.URIRef(endpoint) in set(graph.objects(service, SD.endpoint))  # has-endpoint
    # conforms-to-schema: every dataset has a default graph, every named graph a name
    for dataset in graph.objects(service, SD.defaultDataset):
        assert graph.value(dataset, SD.defaultGraph) is not None
        for named in graph.objects(dataset, SD.namedGraph):
            assert isinstance(graph.value(named, SD.name), rdflib.URIRef)
            assert graph.value(named, SD.graph) is not None
    for value in graph.objects(service, SD.supportedLanguage):
        assert value in (SD.SPARQL10Query, SD.SPARQL11Query)
    assert SD.SPARQL11Update not in set(graph.objects(service, SD.supportedLanguage))
