"""The SPARQL endpoint over the Flask test client: protocol, formats, limits, errors, pages."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from ckpld.config import Settings
from ckpld.rdf.formats import RDF_FORMATS, Format
from ckpld.store import local, query_text
from ckpld.store.local import LocalStore
from ckpld.web import protocol
from ckpld.web.app import create_app
from ckpld.web.views import sparql as sparql_view
from tests.conftest import ROOT
from tests.terms import as_literal, value_of

SELECT = (
    "SELECT ?name WHERE { <id/organization/encc> <https://schema.org/name> ?name } ORDER BY ?name"
)
ASK = "ASK { <id/organization/encc> ?p ?o }"
CONSTRUCT = "CONSTRUCT { <id/place/wilno> ?p ?o } WHERE { <id/place/wilno> ?p ?o }"
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def get(
    client: FlaskClient, query: str, accept: str | None = None, extra: str = ""
) -> TestResponse:
    headers = {"Accept": accept} if accept else {}
    return client.get(f"/sparql?query={quote(query)}{extra}", headers=headers)


def json_of(response: TestResponse) -> Any:
    """The JSON body of `response`, which must have one."""
    body = response.json
    assert body is not None, response.data[:300]
    return body


def names(body: bytes, fmt: ox.QueryResultsFormat) -> list[str]:
    parsed = ox.parse_query_results(body, format=fmt)
    assert isinstance(parsed, ox.QuerySolutions)
    return [value_of(s["name"]) for s in parsed]


def test_three_ways_to_send_a_query(client: FlaskClient) -> None:
    expected = ["European Network of Cultural Centres", "Europejska Sieć Centrów Kultury"]
    by_get = get(client, SELECT)
    by_form = client.post("/sparql", data={"query": SELECT})
    by_body = client.post(
        "/sparql", data=SELECT.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    for response in (by_get, by_form, by_body):
        assert response.status_code == 200
        assert response.mimetype == "application/sparql-results+json"
        assert names(response.data, ox.QueryResultsFormat.JSON) == expected
    assert client.post("/sparql/", data={"query": SELECT}).status_code == 200


@pytest.mark.parametrize(
    ("accept", "mimetype", "fmt"),
    [
        (
            "application/sparql-results+json",
            "application/sparql-results+json",
            ox.QueryResultsFormat.JSON,
        ),
        (
            "application/sparql-results+xml",
            "application/sparql-results+xml",
            ox.QueryResultsFormat.XML,
        ),
        ("text/tab-separated-values", "text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ],
)
def test_select_results_in_every_format(
    client: FlaskClient, accept: str, mimetype: str, fmt: ox.QueryResultsFormat
) -> None:
    response = get(client, SELECT, accept)
    assert response.mimetype == mimetype
    assert "European Network of Cultural Centres" in names(response.data, fmt)


def test_csv_results(client: FlaskClient) -> None:
    response = get(client, SELECT, "text/csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows == [
        ["name"],
        ["European Network of Cultural Centres"],
        ["Europejska Sieć Centrów Kultury"],
    ]


@pytest.mark.parametrize(
    "accept", ["application/sparql-results+json", "application/sparql-results+xml"]
)
def test_ask(client: FlaskClient, accept: str) -> None:
    response = get(client, ASK, accept)
    assert response.mimetype == accept
    fmt = ox.QueryResultsFormat.JSON if accept.endswith("json") else ox.QueryResultsFormat.XML
    assert bool(ox.parse_query_results(response.data, format=fmt)) is True
    assert get(client, ASK, "text/csv").status_code == 406


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
def test_construct_in_every_rdf_format(client: FlaskClient, fmt: Format) -> None:
    response = get(client, CONSTRUCT, fmt.media_type)
    assert response.status_code == 200 and response.mimetype == fmt.media_type
    if fmt.name == "jsonld":  # as served: the context it carries
        graph = rdflib.Graph().parse(data=response.data, format="json-ld")
    else:
        graph = rdflib.Graph()
        for q in ox.parse(response.data, format=fmt.rdf):
            graph.add(
                (
                    rdflib.URIRef(q.subject.value),
                    rdflib.URIRef(q.predicate.value),
                    rdflib.URIRef(q.object.value)
                    if isinstance(q.object, ox.NamedNode)
                    else rdflib.Literal(q.object.value),
                )
            )
    assert len(graph) > 5


def test_format_overrides(client: FlaskClient) -> None:
    assert (
        get(client, SELECT, BROWSER, "&format=json").mimetype == "application/sparql-results+json"
    )
    assert get(client, SELECT, None, "&output=tsv").mimetype == "text/tab-separated-values"
    assert get(client, SELECT, None, "&_format=csv").mimetype == "text/csv"
    assert get(client, CONSTRUCT, None, "&format=xml").mimetype == "application/rdf+xml"
    assert get(client, SELECT, None, "&format=xml").mimetype == "application/sparql-results+xml"
    assert get(client, SELECT, "image/png").status_code == 406


def test_dataset_parameters(client: FlaskClient, settings: Settings) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def count(extra: str) -> int:
        response = get(client, query, "application/sparql-results+json", extra)
        return int(json_of(response)["results"]["bindings"][0]["n"]["value"])

    page = settings.graph_iri("page")
    enrichment = settings.graph_iri("enrichment")
    only_page = count(f"&default-graph-uri={quote(page)}")
    both = count(f"&default-graph-uri={quote(page)}&default-graph-uri={quote(enrichment)}")
    assert 0 < only_page < both
    assert count(f"&default-graph-uri={quote('http://example.org/none')}") == 0
    # named graphs limit what GRAPH sees
    named = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = get(
        client, named, "application/sparql-results+json", f"&named-graph-uri={quote(enrichment)}"
    )
    graphs = [b["g"]["value"] for b in json_of(response)["results"]["bindings"]]
    assert graphs == [enrichment]
    # FROM in the query works when the protocol names no dataset
    assert count_from(client, page) == only_page


def count_from(client: FlaskClient, graph: str) -> int:
    response = get(
        client,
        f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}",
        "application/sparql-results+json",
    )
    return int(json_of(response)["results"]["bindings"][0]["n"]["value"])


def test_a_current_copy_is_confirmed_without_running_the_query(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = create_app(replace(settings, cache_entries=0, validate_on_start=False)).test_client()
    first = get(one, SELECT, "text/csv")
    store = one.application.extensions["ckpld"].store
    runs: list[str] = []
    original = store.query

    def counted(sparql: str, **options: object) -> object:
        runs.append(sparql)
        return original(sparql, **options)

    monkeypatch.setattr(store, "query", counted)
    tag = first.headers["ETag"]
    url = f"/sparql?query={quote(SELECT)}"
    again = one.get(url, headers={"If-None-Match": tag, "Accept": "text/csv"})
    assert again.status_code == 304 and again.headers["ETag"] == tag and runs == []
    tsv = "text/tab-separated-values"
    other = one.get(url, headers={"If-None-Match": tag, "Accept": tsv})  # not this answer's tag
    assert other.status_code == 200 and runs == [SELECT]


def test_relative_iris_resolve_against_the_base(client: FlaskClient) -> None:
    response = get(client, "SELECT ?o WHERE { <id/place/wilno> <https://schema.org/name> ?o }")
    assert len(json_of(response)["results"]["bindings"]) == 2


def test_get_answers_are_cached_and_validated(client: FlaskClient) -> None:
    first = get(client, SELECT)
    assert first.headers["ETag"] and first.headers["Cache-Control"].startswith("public")
    again = client.get(
        f"/sparql?query={quote(SELECT)}", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    posted = client.post("/sparql", data={"query": SELECT})
    assert posted.headers["Cache-Control"] == "no-store"
    assert first.headers["X-SPARQL-MaxRows"] == "10000"
    assert "X-SPARQL-Truncated" not in first.headers


def test_limits_cut_and_say_so(settings: Settings) -> None:
    small = create_app(replace(settings, result_limit=3, validate_on_start=False)).test_client()
    response = get(small, "SELECT * WHERE { ?s ?p ?o }")
    assert len(json_of(response)["results"]["bindings"]) == 3
    assert response.headers["X-SPARQL-Truncated"] == "true"
    assert response.headers["X-SPARQL-MaxRows"] == "3"
    page = get(small, "SELECT * WHERE { ?s ?p ?o }", BROWSER).get_data(as_text=True)
    assert "Only the first 3 rows are shown" in page


def test_runaway_queries_are_stopped_with_503(settings: Settings) -> None:
    quick = create_app(replace(settings, query_timeout=0.5, validate_on_start=False)).test_client()
    response = get(quick, ENDLESS, "application/json")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert "longer than 0.5 s" in json_of(response)["detail"]
    assert get(quick, ASK).status_code == 200  # the next query is answered


@pytest.mark.parametrize(
    ("request_", "status", "words"),
    [
        (lambda c: get(c, "SELECT * WHERE { ?s ?p }"), 400, "SPARQL syntax error at 1:"),
        (lambda c: c.get(f"/sparql?query={quote(ASK)}&query={quote(ASK)}"), 400, "one query"),
        (lambda c: c.get("/sparql?update=CLEAR%20ALL"), 403, "read-only"),
        (lambda c: get(c, "INSERT DATA { <a> <b> <c> }"), 403, "read-only"),
        (
            lambda c: c.post(
                "/sparql", data=b"CLEAR ALL", headers={"Content-Type": "application/sparql-update"}
            ),
            403,
            "read-only",
        ),
        (
            lambda c: get(c, "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"),
            403,
            "not allowed",
        ),
        (
            lambda c: c.post("/sparql", data=b"ASK {}", headers={"Content-Type": "text/plain"}),
            415,
            "Content-Type",
        ),
        (
            lambda c: c.post(
                "/sparql",
                data="ASK {}".encode("utf-16"),
                headers={"Content-Type": "application/sparql-query; charset=UTF-16"},
            ),
            415,
            "UTF-8",
        ),
        (lambda c: get(c, "ASK {} #" + "x" * 100_100), 413, "characters long"),
        (lambda c: c.put(f"/sparql?query={quote(ASK)}"), 405, "not allowed"),
    ],
)
def test_bad_requests_get_a_clear_4xx(
    client: FlaskClient, request_: Callable[[FlaskClient], TestResponse], status: int, words: str
) -> None:
    response = request_(client)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert words.lower() in json_of(response)["detail"].lower()


def test_errors_for_browsers_are_pages(client: FlaskClient) -> None:
    response = get(client, "SELECT * WHERE {", BROWSER)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "SPARQL syntax error" in response.get_data(as_text=True)


def test_service_description(client: FlaskClient, settings: Settings) -> None:
    response = client.get(
        "/sparql",
        headers={"Accept": "text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8"},
    )
    assert response.mimetype == "text/turtle"
    graph = rdflib.Graph().parse(data=response.data, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = graph.value(None, rdflib.RDF.type, sd.Service)
    endpoints = {str(e) for e in graph.objects(service, sd.endpoint)}
    assert endpoints == {settings.base_iri + "sparql"}  # the public address, never the Host
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in graph
    # the default graph is the data's graphs, not the union of every named graph
    assert (service, sd.feature, sd.UnionDefaultGraph) not in graph
    assert (service, sd.feature, sd.BasicFederatedQuery) not in graph
    formats = set(graph.objects(service, sd.resultFormat))
    assert rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_TSV") in formats
    dataset = graph.value(service, sd.defaultDataset)
    assert graph.value(dataset, sd.defaultGraph) is not None
    names = {str(graph.value(n, sd.name)) for n in graph.objects(dataset, sd.namedGraph)}
    assert settings.graph_iri("page") in names and settings.graph_iri("enrichment") in names
    void = rdflib.URIRef(settings.base_iri + ".well-known/void")
    assert (service, rdflib.RDFS.seeAlso, void) in graph
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    described = rdflib.Graph().parse(data=response.data, format="turtle")
    voidns = rdflib.Namespace("http://rdfs.org/ns/void#")
    assert (rdflib.URIRef(settings.dataset_iri), rdflib.RDF.type, voidns.Dataset) in described


def test_query_page_for_people(client: FlaskClient) -> None:
    page = client.get("/sparql", headers={"Accept": BROWSER, "Accept-Language": "pl"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="pl">' in html
    assert '<form method="get" action="/sparql"' in html  # works without JavaScript
    assert '<script src="/assets/yasgui/yasgui.min.js">' in html
    data = json.loads(
        html.split('<script type="application/json" id="editor-data">')[1].split("</script>")[0]
    )
    assert data["endpoint"] == "/sparql"
    assert {e["name"] for e in data["examples"]} >= {"partners", "encc-membership"}
    assert "PREFIX ckp: <https://dane.ckpodgorza.pl/def/ckp#>" in data["starter"]
    assets = client.get("/assets/yasgui/yasgui.min.js")
    assert assets.status_code == 200 and assets.mimetype == "text/javascript"
    assert client.get("/assets/yasgui/../../package.json").status_code == 404
    assert client.get("/assets/yasgui/yasgui.esm.js").status_code == 404


def test_cookbook_pages(client: FlaskClient) -> None:
    index = client.get("/queries/", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert index.count('href="/queries/') >= 2 * 12
    page = client.get(
        "/queries/lithuanian-partners", headers={"Accept": BROWSER, "Accept-Language": "en"}
    )
    html = page.get_data(as_text=True)
    assert "partners in Lithuania" in html
    assert "Dom Kultury Polskiej w Wilnie" in html and "Biblioteka Centralna" in html
    for fmt in ("json", "xml", "csv", "tsv"):
        assert f'href="/queries/lithuanian-partners?_format={fmt}"' in html
    results = client.get("/queries/lithuanian-partners?_format=json").json
    assert results is not None
    assert len(results["results"]["bindings"]) == 2
    text = client.get("/queries/lithuanian-partners.rq")
    assert text.headers["Content-Type"] == "application/sparql-query; charset=utf-8"
    assert text.data == (ROOT / "queries" / "lithuanian-partners.rq").read_bytes()
    assert client.get("/queries/nothing").status_code == 404
    construct = client.get("/queries/schema-org-membership", headers={"Accept": "text/turtle"})
    assert construct.mimetype == "text/turtle"


def test_cors_for_researchers_in_browsers(client: FlaskClient) -> None:
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://yasgui.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 204
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]
    assert get(client, ASK).headers["Access-Control-Allow-Origin"] == "*"


def test_service_description_counts_what_queries_see(
    client: FlaskClient, settings: Settings
) -> None:
    graph = rdflib.Graph().parse(
        data=client.get("/sparql", headers={"Accept": "text/turtle"}).data, format="turtle"
    )
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    sizes = {
        str(graph.value(n, sd.name)): int(
            as_literal(graph.value(graph.value(n, sd.graph), void.triples))
        )
        for n in graph.objects(None, sd.namedGraph)
    }
    assert {settings.graph_iri("metadata"), settings.graph_iri("catalog")} <= set(sizes)
    counted = get(client, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    rows = json_of(counted)["results"]["bindings"]
    assert {r["g"]["value"]: int(r["n"]["value"]) for r in rows} == sizes
    default = graph.value(next(graph.objects(None, sd.defaultGraph)), void.triples)
    for query in (
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",  # what people write: no statement twice
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT * { ?s ?p ?o } }",
    ):
        total = json_of(get(client, query))["results"]["bindings"][0]["n"]["value"]
        assert int(total) == int(as_literal(default)), query


def test_repeated_queries_are_answered_from_memory(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = client.application.extensions["ckpld"].store
    calls: list[str] = []
    real = store.query

    def counting(sparql: str, **kwargs: object) -> object:
        calls.append(sparql)
        return real(sparql, **kwargs)

    monkeypatch.setattr(store, "query", counting)
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?type } # repeated"
    first = client.post("/sparql", data={"query": query}, headers={"Accept": "text/csv"})
    second = client.post("/sparql", data={"query": query}, headers={"Accept": "text/csv"})
    third = get(client, query, "text/csv")
    assert first.data == second.data == third.data
    assert calls.count(query) == 1
    assert second.headers["Cache-Control"] == "no-store"
    get(client, query + " ", "text/csv")  # another query text: run
    assert len(calls) == 2


def test_result_pages_vary_with_the_language_and_data_answers_do_not(client: FlaskClient) -> None:
    query = {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"}
    page = client.get("/sparql", query_string=query, headers={"Accept": "text/html"})
    assert set(page.headers["Vary"].split(", ")) >= {"Accept", "Accept-Language"}
    recipe = client.get("/queries/partners", headers={"Accept": "text/html"})
    assert "Accept-Language" in recipe.headers["Vary"]
    data = client.get("/sparql", query_string=query, headers={"Accept": "text/csv"})
    assert data.headers["Vary"] == "Accept"


def test_a_query_is_read_once_and_its_parameters_parsed_once(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    pub = app.extensions["ckpld"]
    readings: list[object] = []
    real_query = pub.store.query

    def spy(sparql: str, **kwargs: Any) -> Any:
        readings.append(kwargs.get("reading"))
        return real_query(sparql, **kwargs)

    reads: list[str] = []
    real_read = query_text.read
    parses: list[bytes] = []
    real_params = protocol.url_params

    def counting_read(text: str, base: str) -> Any:
        reads.append(text)
        return real_read(text, base)

    def counting_params(query_string: bytes) -> Any:
        parses.append(query_string)
        return real_params(query_string)

    monkeypatch.setattr(pub.store, "query", spy)
    monkeypatch.setattr(sparql_view, "read", counting_read)
    monkeypatch.setattr(protocol, "url_params", counting_params)
    monkeypatch.setattr(sparql_view, "url_params", counting_params)
    text = "SELECT * WHERE { ?s ?p ?o } LIMIT 2 # read once"
    answer = app.test_client().get("/sparql", query_string={"query": text, "format": "json"})
    assert answer.status_code == 200
    assert reads == [text] and len(parses) == 1
    (reading,) = readings
    assert getattr(reading, "form", None) == "SELECT"  # handed to the store, not read again


def test_a_store_given_the_reading_does_not_read_again(
    store: LocalStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    reading = query_text.read("ASK { ?s ?p ?o }", "http://x/")

    def refuse(*_: object) -> None:
        raise AssertionError("read again")

    monkeypatch.setattr(local, "read", refuse)
    assert store.query("ASK { ?s ?p ?o }", reading=reading).boolean is True


@pytest.mark.parametrize(
    ("query", "name", "expected"),
    [
        (SELECT, "csv", "text/csv"),
        (SELECT, "tsv", "text/tab-separated-values"),
        (SELECT, "xml", "application/sparql-results+xml"),
        (SELECT, "application/xml", "application/sparql-results+xml"),
        (CONSTRUCT, "json", "application/ld+json"),
        (CONSTRUCT, "xml", "application/rdf+xml"),
        (CONSTRUCT, "application/xml", "application/rdf+xml"),
        (CONSTRUCT, "nt", "application/n-triples"),
    ],
)
@pytest.mark.parametrize("parameter", ["format", "output"])
def test_a_format_parameter_works_alike_in_get_form_post_and_direct_post(
    client: FlaskClient, query: str, name: str, expected: str, parameter: str
) -> None:
    by_get = client.get("/sparql", query_string={"query": query, parameter: name})
    by_form = client.post("/sparql", data={"query": query, parameter: name})
    direct = client.post(
        f"/sparql?{parameter}={name}",
        data=query.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    for response in (by_get, by_form, direct):
        assert response.status_code == 200 and response.mimetype == expected
    assert by_get.data == by_form.data == direct.data


def test_a_format_no_answer_can_take_gets_a_406_listing_those_that_can(
    client: FlaskClient,
) -> None:
    response = client.get(
        "/sparql",
        query_string={"query": SELECT, "format": "turtle"},
        headers={"Accept": "application/problem+json"},
    )
    assert response.status_code == 406 and response.json is not None
    assert "text/csv" in response.json["detail"]


def test_documents_answer_application_xml_with_rdf_xml(client: FlaskClient) -> None:
    response = client.get("/doc/place/wilno", headers={"Accept": "application/xml"})
    assert response.status_code == 200 and response.mimetype == "application/rdf+xml"


def test_the_cookbook_is_listed_for_programs_and_answers_by_suffix(client: FlaskClient) -> None:
    listed = client.get("/queries/", headers={"Accept": "application/json"})
    assert listed.status_code == 200 and listed.mimetype == "application/json"
    items = listed.json
    assert isinstance(items, list) and {i["name"] for i in items} >= {"partners", "graphs"}
    for item in items:
        assert client.get(item["query"]).mimetype == "application/sparql-query"
        assert set(item["question"]) == {"pl", "en"}
    by_suffix = client.get("/queries/partners.csv")
    by_parameter = client.get("/queries/partners?_format=csv")
    assert by_suffix.status_code == 200 and by_suffix.mimetype == "text/csv"
    assert by_suffix.data == by_parameter.data
    assert client.get("/queries/partners.html").mimetype == "text/html"
    assert client.get("/queries/partners.ttl").status_code == 404  # a SELECT has no Turtle
    assert client.get("/queries/schema-org-membership.ttl").mimetype == "text/turtle"
