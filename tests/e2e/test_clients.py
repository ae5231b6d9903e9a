"""The clients people really use, knowing nothing about ckpld, against a live server, offline.

pyld (with a document loader that refuses everything but this server), SPARQLWrapper in every
return format, rdflib's SPARQLStore, pandas, Comunica (on the endpoint, on documents, on the
dumps, and following links from CKP's IRI), extruct on the landing page, and a crawler reading the
sitemap. `make test` installs them all (Comunica and Node 22 in tests/clients/).
"""

from __future__ import annotations

import io
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import extruct
import pandas
import pyoxigraph as ox
import pytest
import rdflib
import requests
from pyld import jsonld
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from tests.conftest import ROOT
from tests.e2e.conftest import LiveServer, cookbook_wrapper, serving

CLIENTS = ROOT / "tests" / "clients" / "node_modules"
QUERIES = sorted((ROOT / "queries").glob("*.rq"))
SHIPPED = "https://dane.ckpodgorza.pl/"


@pytest.fixture(scope="module")
def own() -> Iterator[LiveServer]:
    """A server whose IRIs are its own address: every IRI a client meets dereferences here."""
    with serving("--workers", "2", own_base=True, env={"CKPLD_SPARQL_RATE_LIMIT": "0"}) as server:
        yield server


@pytest.fixture(scope="module")
def shipped() -> Iterator[LiveServer]:
    """A server with the shipped base IRI, whose dumps the query files match unchanged."""
    with serving("--workers", "2", env={"CKPLD_SPARQL_RATE_LIMIT": "0"}) as server:
        yield server


def node() -> Path:
    found = sorted(CLIENTS.glob("node-linux-*/bin/node"))
    if not found:
        pytest.fail(f"Node 22 is missing under {CLIENTS}: run `make test`, which installs it")
    return found[0]


def comunica(engine: str, sources: list[str], query: str, *options: str) -> set[str]:
    """Comunica's answer, one canonical line per row (or per triple), as a set."""
    script = CLIENTS / "@comunica" / engine / "bin" / "query.js"
    if not script.exists():
        pytest.fail(f"Comunica is missing ({script}): run `make test`, which installs it")
    graph = "CONSTRUCT" in query.upper().split("WHERE")[0]
    media = "application/n-triples" if graph else "application/sparql-results+json"
    done = subprocess.run(
        [str(node()), str(script), *sources, "-q", query, "-t", media, *options],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return canonical(done.stdout.encode(), graph)


def canonical(body: bytes, graph: bool) -> set[str]:
    """Rows (or triples) as comparable strings: terms in N-Triples form."""
    if graph:
        return {str(t) for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)}
    document = json.loads(body)  # read by hand: Comunica adds keys a strict reader refuses
    names = document["head"]["vars"]
    return {" ".join(_term(row.get(n)) for n in names) for row in document["results"]["bindings"]}


def _term(value: dict[str, str] | None) -> str:
    """A SPARQL JSON term in N-Triples form (written by Oxigraph: one spelling per term)."""
    if value is None:
        return "UNDEF"
    if value["type"] == "uri":
        return str(ox.NamedNode(value["value"]))
    if value["type"] == "bnode":
        return "_:b"  # blank node labels are local to an answer
    if "xml:lang" in value:
        return str(ox.Literal(value["value"], language=value["xml:lang"]))
    datatype = value.get("datatype")
    return str(ox.Literal(value["value"], datatype=ox.NamedNode(datatype) if datatype else None))


def endpoint_answer(server: LiveServer, query: str) -> set[str]:
    graph = "CONSTRUCT" in query.upper().split("WHERE")[0]
    media = "application/n-triples" if graph else "application/sparql-results+json"
    response = requests.post(
        server.url + "/sparql", data={"query": query}, headers={"Accept": media}, timeout=60
    )
    assert response.status_code == 200, response.text
    return canonical(response.content, graph)


def turtle_triples(server: LiveServer, path: str) -> set[str]:
    body = requests.get(server.url + path, headers={"Accept": "text/turtle"}, timeout=30).content
    return {
        str(ox.Triple(q.subject, q.predicate, q.object))
        for q in ox.parse(body, format=ox.RdfFormat.TURTLE)
    }


# --- JSON-LD ------------------------------------------------------------------------------


def refusing_loader(server: LiveServer) -> Any:
    """pyld's document loader, limited to the server under test: anything else is refused."""

    def load(url: str, options: dict[str, Any]) -> dict[str, Any]:
        if not url.startswith(server.url + "/"):
            raise jsonld.JsonLdError(f"refused: {url}", "loading document failed")
        response = requests.get(url, headers={"Accept": "application/ld+json"}, timeout=30)
        return {"contextUrl": None, "documentUrl": url, "document": response.json()}

    return load


@pytest.mark.parametrize(
    "path",
    [
        "/doc/organization/encc",
        "/doc/organization/centrum-kultury-podgorza",
        "/def/ckp",
        "/catalog",
        "/data",
    ],
)
def test_pyld_reads_json_ld_as_the_turtle_says(own: LiveServer, path: str) -> None:
    url = own.url + path
    document = requests.get(url, headers={"Accept": "application/ld+json"}, timeout=30).json()
    loader = refusing_loader(own)
    nquads = jsonld.to_rdf(
        document, {"format": "application/n-quads", "documentLoader": loader, "base": url}
    )
    triples = {
        str(ox.Triple(q.subject, q.predicate, q.object))
        for q in ox.parse(nquads.encode(), format=ox.RdfFormat.N_QUADS)
    }
    assert triples == turtle_triples(own, path)


def test_json_ld_answers_read_by_sparqlwrapper_and_sparqlstore(own: LiveServer) -> None:
    query = (ROOT / "queries" / "schema-org-membership.rq").read_text(encoding="utf-8")
    query = query.replace(SHIPPED, own.url + "/")
    reference = endpoint_answer(own, query)
    wrapper = SPARQLWrapper(own.url + "/sparql")
    wrapper.setQuery(query)
    wrapper.setReturnFormat(JSONLD)
    converted = wrapper.query().convert()
    assert isinstance(converted, rdflib.Graph)
    assert {_nt(t) for t in converted.triples((None, None, None))} == reference
    store = SPARQLStore(own.url + "/sparql", returnFormat="json-ld")
    graph = store.query(query).graph
    assert graph is not None and {_nt(t) for t in graph} == reference


def _nt(triple: Any) -> str:
    s, p, o = triple
    return str(ox.Triple(_ox(s), _ox(p), _ox(o)))


def _ox(term: Any) -> Any:
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    assert isinstance(term, rdflib.Literal)
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


# --- SPARQL clients -----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_selects_in_every_results_format(shipped: LiveServer, fmt: str) -> None:
    query = (ROOT / "queries" / "partners.rq").read_text(encoding="utf-8")
    result = cookbook_wrapper(shipped, "partners", fmt).query()
    body = result.response.read()
    assert result.response.status == 200 and body
    rows = len(endpoint_answer(shipped, query))
    if fmt == JSON:
        assert len(json.loads(body)["results"]["bindings"]) == rows
    elif fmt == XML:
        assert body.count(b"<result>") == rows
    else:
        assert len(body.decode().strip().splitlines()) == rows + 1  # a header, then the rows


@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, JSONLD])
def test_sparqlwrapper_constructs_in_every_rdf_format(shipped: LiveServer, fmt: str) -> None:
    query = (ROOT / "queries" / "schema-org-membership.rq").read_text(encoding="utf-8")
    converted = cookbook_wrapper(shipped, "schema-org-membership", fmt).query().convert()
    if isinstance(converted, bytes):  # SPARQLWrapper hands Turtle and N3 over as they came
        converted = rdflib.Graph().parse(data=converted, format="n3" if fmt == N3 else "turtle")
    assert isinstance(converted, rdflib.Graph)
    found = {_nt(t) for t in converted.triples((None, None, None))}
    assert found == endpoint_answer(shipped, query)


def test_pandas_reads_csv_results(shipped: LiveServer) -> None:
    query = (ROOT / "queries" / "partners-by-country.rq").read_text(encoding="utf-8")
    url = f"{shipped.url}/sparql?query={quote(query)}&format=csv"
    frame = pandas.read_csv(url)
    body = requests.get(url, timeout=30).text
    assert list(frame.columns) == body.splitlines()[0].split(",")
    assert len(frame) == len(endpoint_answer(shipped, query)) > 0
    by_parameter = pandas.read_csv(
        io.StringIO(
            requests.post(
                shipped.url + "/sparql", data={"query": query, "format": "csv"}, timeout=30
            ).text
        )
    )
    assert by_parameter.equals(frame)  # a form's format= works as the URL's


# --- Comunica -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_comunica_runs_every_served_query_on_the_endpoint(shipped: LiveServer, path: Path) -> None:
    served = requests.get(f"{shipped.url}/queries/{path.stem}.rq", timeout=30).text
    assert served == path.read_text(encoding="utf-8")  # the file, unchanged
    theirs = comunica("query-sparql", [f"sparql@{shipped.url}/sparql"], served)
    assert theirs == endpoint_answer(shipped, served) and theirs


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_comunica_runs_every_query_file_on_the_dumps(shipped: LiveServer, path: Path) -> None:
    """Each file of queries/, unchanged, on the Turtle dump (the union of the graphs); a query
    that asks for named graphs, on the TriG dump. (Comunica's union default graph over TriG
    does not let a property path cross graphs, so the union is read from the Turtle dump.)"""
    text = path.read_text(encoding="utf-8")
    expected = endpoint_answer(shipped, text)
    dumps = f"{shipped.url}/dumps/instytucje-partnerskie"
    code = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    dump = dumps + (".trig" if re.search(r"\bGRAPH\b", code, re.IGNORECASE) else ".ttl")
    found = comunica("query-sparql", [dump], text)
    assert found == expected and found


def test_comunica_reads_a_document_s_default_graph(own: LiveServer) -> None:
    iri = own.url + "/id/organization/encc"
    found = comunica(
        "query-sparql",
        [own.url + "/doc/organization/encc"],
        f"SELECT ?s ?p WHERE {{ ?s ?p <{iri}> }}",
    )
    assert any(row.startswith(f"<{own.url}/id/membership/") for row in found)  # links in


# graphs.rq counts the statements of each named graph: only the endpoint or a dump has them all
@pytest.mark.parametrize("name", [p.stem for p in QUERIES if p.stem != "graphs"])
def test_link_traversal_from_ckp_answers_the_cookbook(own: LiveServer, name: str) -> None:
    query = requests.get(f"{own.url}/queries/{name}.rq", timeout=30).text
    seed = own.url + "/id/organization/centrum-kultury-podgorza"
    found = comunica("query-sparql-link-traversal", [seed], query, "--lenient")
    assert found == endpoint_answer(own, query) and found


# --- Search engines -----------------------------------------------------------------------


def test_extruct_finds_a_dataset_google_can_list(own: LiveServer) -> None:
    html = requests.get(own.url + "/", headers={"Accept": "text/html"}, timeout=30).text
    found = extruct.extract(html, base_url=own.url + "/", syntaxes=["json-ld"])["json-ld"]
    (dataset,) = [item for item in found if item.get("@type") == "Dataset"]
    # Google's required properties, and the recommended ones this dataset has
    assert dataset["name"] and 50 <= len(dataset["description"]) <= 5000
    for key in ("url", "identifier", "license", "keywords", "publisher", "version"):
        assert dataset[key], key
    assert dataset["publisher"]["name"]
    assert dataset["temporalCoverage"] and dataset["spatialCoverage"]
    for download in dataset["distribution"]:
        assert download["@type"] == "DataDownload"
        assert download["contentUrl"].startswith(own.url + "/dumps/")
        assert requests.head(download["contentUrl"], timeout=30).status_code == 200
        assert download["encodingFormat"]
    assert dataset["includedInDataCatalog"]["@type"] == "DataCatalog"


def test_a_crawler_reads_the_sitemap_as_html_in_both_languages(own: LiveServer) -> None:
    crawler = {"Accept": "*/*", "User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1)"}
    robots = requests.get(own.url + "/robots.txt", headers=crawler, timeout=30).text
    sitemap = requests.get(own.url + "/sitemap.xml", headers=crawler, timeout=30).text
    assert f"Sitemap: {own.url}/sitemap.xml" in robots
    locations = [
        line.split("<loc>")[1].split("</loc>")[0]
        for line in sitemap.splitlines()
        if "<loc>" in line
    ]
    assert len(locations) > 80
    rules = [line.split(": ", 1)[1] for line in robots.splitlines() if line.startswith("Disallow")]
    for url in locations:
        path = url[len(own.url) :]
        assert not any(path.startswith(rule.split("*")[0]) and "query=" in path for rule in rules)
        for lang in ("pl", "en"):
            link = f"{url}{'&' if '?' in url else '?'}lang={lang}"
            assert f'hreflang="{lang}" href="{link.replace("&", "&amp;")}"' in sitemap, url
        page = requests.get(url, headers=crawler, timeout=30)
        assert page.status_code == 200 and "text/html" in page.headers["Content-Type"], url
        markup = extruct.extract(page.text, base_url=url, syntaxes=["json-ld"])["json-ld"]
        assert markup and all(item.get("@type") for item in markup), url


def test_comunica_reads_json_ld_as_the_turtle_says(own: LiveServer) -> None:
    path = "/doc/organization/centrum-kultury-podgorza"
    found = comunica(
        "query-sparql",
        [own.url + path + ".jsonld"],
        "CONSTRUCT WHERE { ?s ?p ?o }",
    )
    assert found == turtle_triples(own, path)
