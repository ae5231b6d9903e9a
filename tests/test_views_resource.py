"""Dereferencing over the Flask test client: 303s, formats, headers, caching, errors."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import brotli
import pyoxigraph as ox
import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient
from rdflib.compare import isomorphic

from ckpld.config import Settings
from ckpld.errors import DataInvalidError
from ckpld.model.sources import Dataset
from ckpld.rdf.formats import RDF_FORMATS, named
from ckpld.store import documents
from ckpld.web.app import create_app
from tests.conftest import ROOT
from tests.terms import as_literal, value_of

RDFLIB_NAMES = {
    "turtle": "turtle",
    "jsonld": "json-ld",
    "ntriples": "nt",
    "rdfxml": "xml",
    "trig": "trig",
    "nquads": "nquads",
}


def minted(settings: Settings, dataset: Dataset) -> list[str]:
    """Every thing IRI of the data (fragments dropped), as server paths."""
    paths = {
        "/" + t.value[len(settings.base_iri) :].split("#")[0]
        for q in dataset.quads
        for t in (q.subject, q.object)
        if isinstance(t, ox.NamedNode) and t.value.startswith(settings.base_iri + "id/")
    }
    return sorted(paths)


def parse(body: bytes, fmt: str) -> rdflib.Graph:
    """A body as a graph (the union, for dataset formats); JSON-LD as served, with the context
    it carries (a remote one would make rdflib fetch it, and fail offline)."""
    if fmt in ("trig", "nquads"):
        dataset = rdflib.Dataset()
        dataset.parse(data=body, format=RDFLIB_NAMES[fmt])
        union = rdflib.Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            union.add((s, p, o))
        return union
    return rdflib.Graph().parse(data=body, format=RDFLIB_NAMES[fmt])


def test_every_minted_iri_dereferences(
    client: FlaskClient, settings: Settings, dataset: Dataset
) -> None:
    paths = minted(settings, dataset)
    assert len(paths) > 80
    for path in paths:
        response = client.get(path, headers={"Accept": "text/turtle"})
        assert response.status_code == 303, path
        assert response.headers["Location"] == "/doc/" + path[len("/id/") :]
        document = client.get(response.headers["Location"], headers={"Accept": "text/turtle"})
        assert document.status_code == 200, path
        graph = rdflib.Graph().parse(data=document.data, format="turtle")
        topic = rdflib.URIRef(settings.base_iri + path[1:])
        assert (topic, None, None) in graph, path


def test_the_303_keeps_the_query_string(client: FlaskClient) -> None:
    response = client.get("/id/organization/encc?lang=pl&_format=ttl")
    assert response.status_code == 303
    assert response.headers["Location"] == "/doc/organization/encc?lang=pl&_format=ttl"


@pytest.mark.parametrize(
    "path",
    [
        "/doc/organization/encc",
        "/doc/membership/encc/centrum-kultury-podgorza",
        "/def/ckp",
        "/graph/enrichment",
    ],
)
def test_every_format_says_the_same(client: FlaskClient, path: str) -> None:
    graphs = {}
    for fmt in RDF_FORMATS:
        response = client.get(f"{path}.{fmt.suffix}")
        assert response.status_code == 200, fmt.name
        assert response.mimetype == fmt.media_type
        graphs[fmt.name] = parse(response.data, fmt.name)
    reference = graphs.pop("turtle")
    assert len(reference) > 10
    for name, graph in graphs.items():
        assert isomorphic(graph, reference), name


@pytest.mark.parametrize("path", ["/doc/organization/encc", "/graph/enrichment", "/data"])
def test_the_default_graph_of_every_variant_holds_the_description(
    client: FlaskClient, path: str
) -> None:
    turtle = client.get(f"{path}.ttl").data
    reference = {
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse(turtle, format=ox.RdfFormat.TURTLE)
    }
    assert len(reference) > 10
    for name in ("trig", "nquads"):
        fmt = named(name)
        assert fmt.rdf is not None
        quads = list(ox.parse(client.get(f"{path}.{fmt.suffix}").data, format=fmt.rdf))
        default = {
            ox.Triple(q.subject, q.predicate, q.object)
            for q in quads
            if isinstance(q.graph_name, ox.DefaultGraph)
        }
        assert default == reference, name  # what a client reading the default graph sees
        graphs = {q.graph_name for q in quads} - {ox.DefaultGraph()}
        assert graphs, name  # and where each statement comes from


def test_a_document_holds_what_a_client_needs(client: FlaskClient, settings: Settings) -> None:
    base = settings.base_iri
    graph = rdflib.Graph().parse(
        data=client.get("/doc/membership/encc/centrum-kultury-podgorza.ttl").data, format="turtle"
    )
    topic = rdflib.URIRef(base + "id/membership/encc/centrum-kultury-podgorza")
    document = rdflib.URIRef(base + "doc/membership/encc/centrum-kultury-podgorza")
    foaf = rdflib.Namespace("http://xmlns.com/foaf/0.1/")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    dct = rdflib.Namespace("http://purl.org/dc/terms/")
    time = rdflib.Namespace("http://www.w3.org/2006/time#")
    oa = rdflib.Namespace("http://www.w3.org/ns/oa#")
    # the document's own metadata
    assert (document, foaf.primaryTopic, topic) in graph
    assert (document, void.inDataset, rdflib.URIRef(settings.dataset_iri)) in graph
    assert (document, dct.license, rdflib.URIRef(settings.license)) in graph
    assert as_literal(graph.value(document, dct.modified)).datatype == rdflib.XSD.dateTime
    # the nodes it owns (interval and instants, with year-month precision kept)
    beginning = rdflib.URIRef(str(topic) + "#beginning")
    assert graph.value(beginning, time.inXSDgYearMonth) == rdflib.Literal(
        "2019-04", datatype=rdflib.XSD.gYearMonth
    )
    # the quoted words it comes from
    words = {str(o) for o in graph.objects(None, oa.exact)}
    assert any(w.startswith("Od kwietnia 2019 roku do września 2020 roku") for w in words)
    # labels of what it links to
    encc = rdflib.URIRef(base + "id/organization/encc")
    names = set(graph.objects(encc, rdflib.URIRef("https://schema.org/name")))
    assert rdflib.Literal("European Network of Cultural Centres", lang="en") in names


def test_trig_keeps_the_graph_each_statement_comes_from(
    client: FlaskClient, settings: Settings
) -> None:
    dataset = rdflib.Dataset()
    dataset.parse(data=client.get("/doc/place/wilno.trig").data, format="trig")
    wilno = rdflib.URIRef(settings.base_iri + "id/place/wilno")
    schema_name = rdflib.URIRef("https://schema.org/name")
    where = {str(g.identifier): set(g.objects(wilno, schema_name)) for g in dataset.graphs()}
    assert rdflib.Literal("Wilno", lang="pl") in where[settings.graph_iri("page")]
    assert rdflib.Literal("Vilnius", lang="en") in where[settings.graph_iri("enrichment")]


def test_negotiated_response_headers(client: FlaskClient, settings: Settings) -> None:
    response = client.get("/doc/place/wilno", headers={"Accept": "application/ld+json"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/ld+json"
    assert response.headers["Content-Location"] == "/doc/place/wilno.jsonld"
    assert "Accept" in response.headers["Vary"]
    links = response.headers["Link"]
    assert '</doc/place/wilno.ttl>; rel="alternate"; type="text/turtle"' in links
    assert '</doc/place/wilno.html>; rel="alternate"; type="text/html"' in links
    assert f'<{settings.base_iri}doc/place/wilno>; rel="canonical"' in links
    assert "/doc/place/wilno.jsonld>" not in links
    assert (
        client.get("/doc/place/wilno.ttl").headers["Content-Type"] == "text/turtle; charset=utf-8"
    )
    assert client.get("/doc/place/wilno.html").headers["Content-Type"] == "text/html; charset=utf-8"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("_format=nt", "application/n-triples"),
        ("_format=rdfxml", "application/rdf+xml"),
        ("_mediatype=application/trig", "application/trig"),
        ("format=jsonld", "application/ld+json"),
    ],
)
def test_url_overrides_beat_accept(client: FlaskClient, query: str, expected: str) -> None:
    response = client.get(f"/doc/place/wilno?{query}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.mimetype == expected


def test_json_ld_is_compact_and_carries_the_context_it_uses(client: FlaskClient) -> None:
    document = json.loads(client.get("/doc/place/wilno.jsonld").data)
    published = json.loads(client.get("/context.jsonld").data)["@context"]
    embedded = document["@context"]  # no second request, nothing at the canonical address
    assert isinstance(embedded, dict) and embedded.items() <= published.items()
    assert "name" in embedded and "schema" in embedded
    assert len(embedded) < len(published)  # only what this document uses
    [wilno] = [
        n
        for n in document["@graph"]
        if n.get("id") in ("place:wilno", "https://dane.ckpodgorza.pl/id/place/wilno")
    ]
    assert wilno["name"] == {"pl": "Wilno", "en": "Vilnius"}
    context = json.loads(client.get("/context.jsonld").data)["@context"]
    assert context["ckp"].endswith("/def/ckp#")
    assert context["name"] == {"@id": "schema:name", "@container": "@language"}


def test_conditional_requests(client: FlaskClient) -> None:
    first = client.get("/doc/place/wilno.ttl")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert first.headers["Cache-Control"] == "public, max-age=3600"
    assert client.get("/doc/place/wilno.ttl", headers={"If-None-Match": etag}).status_code == 304
    assert (
        client.get(
            "/doc/place/wilno.ttl", headers={"If-None-Match": f'"other", W/{etag}'}
        ).status_code
        == 304
    )
    assert (
        client.get("/doc/place/wilno.ttl", headers={"If-None-Match": '"other"'}).status_code == 200
    )
    assert (
        client.get("/doc/place/wilno.ttl", headers={"If-Modified-Since": modified}).status_code
        == 304
    )
    assert (
        client.get(
            "/doc/place/wilno.ttl", headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}
        ).status_code
        == 200
    )
    other = client.get("/doc/place/wilno.nt").headers["ETag"]
    assert other != etag
    not_modified = client.get("/doc/place/wilno.ttl", headers={"If-None-Match": etag})
    assert not_modified.data == b"" and not_modified.headers["ETag"] == etag


def test_head_has_the_headers_and_no_body(client: FlaskClient) -> None:
    get = client.get("/doc/place/wilno.ttl")
    head = client.head("/doc/place/wilno.ttl")
    assert head.status_code == 200 and head.data == b""
    assert head.headers["ETag"] == get.headers["ETag"]
    assert head.headers["Content-Length"] == get.headers["Content-Length"]


@pytest.mark.parametrize(
    ("coding", "decode"), [("gzip", gzip.decompress), ("br", brotli.decompress)]
)
def test_compression(client: FlaskClient, coding: str, decode: Callable[[bytes], bytes]) -> None:
    plain = client.get("/doc/organization/encc.ttl")
    packed = client.get("/doc/organization/encc.ttl", headers={"Accept-Encoding": coding})
    assert packed.headers["Content-Encoding"] == coding
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert decode(packed.data) == plain.data
    assert len(packed.data) < len(plain.data)
    assert packed.headers["ETag"] != plain.headers["ETag"]
    # the compressed variant is still recognised as current
    again = client.get(
        "/doc/organization/encc.ttl",
        headers={"Accept-Encoding": coding, "If-None-Match": packed.headers["ETag"]},
    )
    assert again.status_code == 304


def test_cors(client: FlaskClient) -> None:
    assert client.get("/doc/place/wilno.ttl").headers["Access-Control-Allow-Origin"] == "*"
    assert client.get("/id/nothing/here").headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/doc/place/wilno",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "accept",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Accept" in preflight.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in preflight.headers


@pytest.mark.parametrize(
    "path",
    [
        "/id/organization/nobody",
        "/doc/organization/nobody",
        "/doc/organization/encc.foo",
        "/def/nothing",
        "/graph/nothing",
        "/source/nothing.txt",
        "/nowhere",
        "/id/%3E%7B%7D",
        "/source/..%2F..%2Fpyproject.toml",
        "/data.xyz",
    ],
)
def test_unknown_paths_are_404_in_the_negotiated_format(client: FlaskClient, path: str) -> None:
    problem = client.get(path, headers={"Accept": "application/json"})
    assert problem.status_code == 404
    assert problem.mimetype == "application/problem+json"
    body = json.loads(problem.data)
    assert body["status"] == 404 and body["title"].lower() == "not found" and body["detail"]
    page = client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert b"404" in page.data and b"Traceback" not in page.data


def test_unacceptable_types_get_406_listing_what_is_available(client: FlaskClient) -> None:
    response = client.get("/doc/place/wilno", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.mimetype == "application/problem+json"
    detail = json.loads(response.data)["detail"]
    for media in ("text/turtle", "application/ld+json", "application/rdf+xml", "text/html"):
        assert media in detail
    assert client.get("/doc/place/wilno?_format=csv").status_code == 406


def test_whole_dataset_graphs_and_sources(
    client: FlaskClient, dataset: Dataset, settings: Settings
) -> None:
    quads = rdflib.Dataset()
    quads.parse(data=client.get("/data.nq").data, format="nquads")
    default = str(rdflib.graph.DATASET_DEFAULT_GRAPH_ID)
    names = {str(g.identifier) for g in quads.contexts()} - {default}
    # the data's graphs: not the VoID description and the catalogue, which describe them
    assert names == {settings.graph_iri(g) for g in ("page", "enrichment", "vocabulary")}
    page = rdflib.Graph().parse(data=client.get("/graph/page.nt").data, format="nt")
    assert len(page) == sum(
        1 for q in dataset.quads if value_of(q.graph_name) == settings.graph_iri("page")
    )
    text = client.get("/source/instytucje-partnerskie.txt")
    assert text.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert text.data == (ROOT / "data" / "source" / "instytucje-partnerskie.txt").read_bytes()
    shapes = rdflib.Graph().parse(data=client.get("/def/shapes.ttl").data, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert len(set(shapes.subjects(rdflib.RDF.type, sh.NodeShape))) > 20


def test_vocabulary_is_one_document_of_hash_terms(client: FlaskClient, settings: Settings) -> None:
    graph = rdflib.Graph().parse(data=client.get("/def/ckp.ttl").data, format="turtle")
    partnership = rdflib.URIRef(settings.base_iri + "def/ckp#Partnership")
    assert (partnership, rdflib.RDFS.label, rdflib.Literal("partnership", lang="en")) in graph
    html = client.get("/def/ckp", headers={"Accept": "text/html", "Accept-Language": "pl"})
    assert "partnerstwo" in html.get_data(as_text=True)


def test_dataset_description(client: FlaskClient, settings: Settings) -> None:
    response = client.get("/id/dataset/instytucje-partnerskie", headers={"Accept": "text/turtle"})
    assert response.status_code == 303
    graph = rdflib.Graph().parse(
        data=client.get(response.headers["Location"] + ".ttl").data, format="turtle"
    )
    dataset = rdflib.URIRef(settings.dataset_iri)
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    assert int(as_literal(graph.value(dataset, void.triples))) > 1000
    dumps = set(graph.objects(dataset, void.dataDump))
    trig = settings.base_iri + "dumps/instytucje-partnerskie.trig"
    assert rdflib.URIRef(trig) in dumps
    with client.get(trig[len(settings.base_iri) - 1 :]) as download:
        assert download.status_code == 200


def test_home_page_and_rdf_clients(client: FlaskClient) -> None:
    page = client.get("/", headers={"Accept": "text/html", "Accept-Language": "pl"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="pl">' in html
    assert html.count('href="/id/organization/') >= 6
    assert "Dom Kultury Polskiej w Wilnie" in html and "Zagrzeb" in html
    rdf = client.get("/", headers={"Accept": "text/turtle"})
    assert rdf.status_code == 303
    assert rdf.headers["Location"] == "/doc/dataset/instytucje-partnerskie"


def test_resource_page(client: FlaskClient, settings: Settings) -> None:
    response = client.get(
        "/doc/membership/encc/centrum-kultury-podgorza",
        headers={"Accept": FIREFOX, "Accept-Language": "en"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and '<html lang="en">' in html
    assert "<title>CKP&#39;s membership of the European Network of Cultural Centres" in html
    assert 'href="/id/organization/encc"' in html  # links stay on this server
    assert 'id="interval"' in html  # owned parts are anchors: /id/…#interval lands there
    assert "langString" not in html  # a language tag is shown, not the datatype
    organisation = client.get("/doc/organization/encc.html?lang=en").get_data(as_text=True)
    assert organisation.count(">organisation</a>") == 1  # org: and schema: classes shown once
    assert "Od kwietnia 2019 roku do września 2020 roku" in html  # the quoted words
    assert '<link rel="alternate" type="text/turtle"' in html
    assert f'<link rel="canonical" href="{settings.base_iri}doc/membership/' in html
    polish = client.get(
        "/doc/membership/encc/centrum-kultury-podgorza?lang=pl",
        headers={"Accept": FIREFOX, "Accept-Language": "en"},
    ).get_data(as_text=True)
    assert '<html lang="pl">' in polish and "Członkostwo CKP" in polish
    assert 'href="/id/organization/encc?lang=pl"' in polish  # the chosen language is kept
    unknown = client.get(
        "/doc/membership/encc/centrum-kultury-podgorza?lang=xx",
        headers={"Accept": FIREFOX, "Accept-Language": "en"},
    ).get_data(as_text=True)
    assert '<html lang="en">' in unknown and "?lang=" not in unknown.split("<main ")[1]


def test_schema_org_json_ld_for_search_engines(client: FlaskClient) -> None:
    html = client.get("/doc/organization/encc.html").get_data(as_text=True)
    embedded = html.split('<script type="application/ld+json">')[1].split("</script>")[0]
    item = json.loads(embedded)
    assert item["@context"] == "https://schema.org"
    assert item["@type"] == "Organization"
    assert {"@value": "European Network of Cultural Centres", "@language": "en"} in item["name"]
    assert item["location"]["name"]  # linked resources carry their names
    assert "</" not in embedded  # nothing in the data can close the script element


def test_output_keeps_canonical_iris_whatever_the_host(app: Flask, settings: Settings) -> None:
    client = app.test_client()
    body = client.get("/doc/place/wilno.ttl", base_url="http://127.0.0.1:5555").get_data(
        as_text=True
    )
    assert settings.base_iri + "id/place/" in body
    assert "127.0.0.1" not in body


def test_each_document_is_rendered_once(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = documents.render

    def counting(*args: Any, **kwargs: Any) -> bytes:
        calls.append(args[1].name)
        return real(*args, **kwargs)

    monkeypatch.setattr("ckpld.web.views.base.render", counting)
    client = app.test_client()
    for _ in range(3):
        assert client.get("/doc/place/kijow.rdf").status_code == 200
    assert calls == ["rdfxml"]


def test_server_refuses_invalid_data(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "source").mkdir()
    (data / "page.ttl").write_text(
        (ROOT / "data" / "page.ttl")
        .read_text(encoding="utf-8")
        .replace(
            'schema:foundingDate "1994"^^xsd:gYear',
            'schema:foundingDate "1994-01-01T00:00:00"^^xsd:dateTime',
        ),
        encoding="utf-8",
    )
    (data / "source" / "instytucje-partnerskie.txt").write_bytes(
        (ROOT / "data" / "source" / "instytucje-partnerskie.txt").read_bytes()
    )
    settings = Settings.from_mapping(
        {"data_dir": str(data), "source_dir": str(data / "source")}, ROOT
    )
    with pytest.raises(DataInvalidError, match="FoundingDatePrecision"):
        create_app(settings)


FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_partner_page_reads_like_a_page_for_people(client: FlaskClient, settings: Settings) -> None:
    html = client.get(
        "/doc/organization/dom-kultury-polskiej-w-wilnie?lang=en", headers={"Accept": FIREFOX}
    ).get_data(as_text=True)
    # an opening sentence generated from the data
    assert (
        '<p class="summary">2018: letter of intent about cooperation with CKP. '
        "Based in Vilnius, Lithuania.</p>" in html
    )
    # the quoted words, marked inside the archived source text around them
    assert "<mark>Domem Kultury Polskiej w Wilnie (Litwa)</mark>" in html
    assert (
        "W 2018 r. Centrum Kultury Podgórza podpisało listy intencyjne"
        in html.split("<mark>Domem")[0]
    )
    # what refers to it: the partnership and the letter of intent
    incoming = html.split('id="referrers"')[1]
    assert 'href="/id/partnership/dom-kultury-polskiej-w-wilnie?lang=en"' in incoming
    assert 'href="/id/letter-of-intent/dom-kultury-polskiej-w-wilnie?lang=en"' in incoming
    polish = client.get(
        "/doc/organization/dom-kultury-polskiej-w-wilnie",
        headers={"Accept": FIREFOX, "Accept-Language": "pl"},
    ).get_data(as_text=True)
    assert (
        '<p class="summary">2018: list intencyjny o współpracy z CKP. Siedziba: Wilno, Litwa.</p>'
        in polish
    )


def test_external_identifiers_are_named_links(client: FlaskClient) -> None:
    html = client.get("/doc/place/wilno?lang=en", headers={"Accept": FIREFOX}).get_data(
        as_text=True
    )
    assert (
        '<a class="external" href="http://www.wikidata.org/entity/Q216" rel="external">'
        "Vilnius (Wikidata Q216)</a>" in html
    )
    assert (
        'href="https://sws.geonames.org/593116/" rel="external">Vilnius (GeoNames 593116)</a>'
        in html
    )
    assert "2 partners of CKP are here." in html
    country = client.get("/doc/place/litwa?lang=en", headers={"Accept": FIREFOX}).get_data(
        as_text=True
    )
    assert ">Lithuania (EU country: LTU)</a>" in country
    point = client.get("/doc/place/krakow?lang=en", headers={"Accept": FIREFOX}).get_data(
        as_text=True
    )
    assert '<section class="part" id="geo">' in point and "<h3>geographic coordinates</h3>" in point


def test_vocabulary_page_shows_where_each_term_is_used(client: FlaskClient) -> None:
    html = client.get("/def/ckp?lang=en", headers={"Accept": FIREFOX}).get_data(as_text=True)
    partnership = html.split('id="Partnership"')[1].split("</section>")[0]
    assert "Used in the data: 6 instances." in partnership
    assert 'href="/sparql?query=SELECT+%3Fthing' in partnership  # the instances, one click away
    assert "Not used in the data." in html.split('id="cooperationFocus"')[1].split("</section>")[0]
    schemes = html.split('id="schemes"')[1]
    assert ">local network</a>" in schemes and ">ENCC member categories</a>" in schemes


def test_every_page_s_markup_says_what_it_is_about(client: FlaskClient, settings: Settings) -> None:
    sitemap = client.get("/sitemap.xml").text
    pages = [u for u in re.findall(r"<loc>([^<]*)</loc>", sitemap) if "/doc/" in u]
    assert len(pages) > 80
    for url in pages:
        html = client.get("/" + url[len(settings.base_iri) :]).text
        (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        item = json.loads(block)
        assert item["@type"] and item["name"] and item.get("url"), url  # never an empty block


# Claims the page does not make (issue 16): a partnership that still holds ("since"), a letter
# that founded it ("na mocy", "began"), CKP as a municipal centre, other delegations.
UNSAID = ("since 20", " od 20", "na mocy", "began", "rozpoczęt", "municipal cultural",
          "miejskiego ośrodka", "other delegations", "inne delegacje",
          # "w ramach sieci lokalnej" is ambiguous: not a definite category
          ", in the category", ", w kategorii",
          # the 2018 partners are dated by their letters, not as joining
          "2018: joined", "2018: dołączy")  # fmt: skip


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_pages_claim_nothing_the_source_page_does_not(
    client: FlaskClient, settings: Settings, lang: str
) -> None:
    sitemap = client.get("/sitemap.xml").text
    paths = ["/"] + [
        u[len(settings.base_iri) - 1 :]
        for u in re.findall(r"<loc>([^<]*)</loc>", sitemap)
        if any(
            k in u
            for k in (
                "/organization/",
                "/partnership/",
                "/letter-of-intent/",
                "/quote/",
                "/membership/",
            )
        )
    ]
    assert len(paths) > 20
    for path in paths:
        text = client.get(path, headers={"Accept": "text/html", "Accept-Language": lang}).text
        visible = re.sub(r"<script.*?</script>", "", text, flags=re.S)
        for claim in UNSAID:
            assert claim not in visible, (path, claim)


def test_no_page_shows_a_value_twice(client: FlaskClient, settings: Settings) -> None:
    # a statement in two graphs (the dataset's title in VoID and in the catalogue) shows once
    for path in _pages(client, settings):
        html = client.get(path, headers={"Accept": "text/html", "Accept-Language": "en"}).text
        for values in re.findall(r"<dd><ul>(.*?)</ul></dd>", html, re.S):
            items = re.findall(r"<li>(.*?)</li>", values, re.S)
            assert len(items) == len(set(items)), (path, items)  # a property's values: each once


@pytest.mark.parametrize(("lang", "belgium"), [("pl", "Belgia"), ("en", "Belgium")])
def test_outside_identifiers_read_as_the_data_names_them(
    client: FlaskClient, lang: str, belgium: str
) -> None:
    html = client.get(
        "/catalog.html", headers={"Accept": "text/html", "Accept-Language": lang}
    ).text
    shown = re.findall(r'class="external"[^>]*>([^<]*)<', html)
    assert f"{belgium} (GeoNames 2802361)" in shown  # the catalogue's dct:spatial
    assert all(not s.startswith("GeoNames") for s in shown), shown  # every country is named


@pytest.mark.parametrize(
    ("lang", "role", "words"),
    [("pl", "„sieć lokalna”", "dwuznaczne"), ("en", "“local network”", "ambiguous")],
)
def test_the_membership_page_shows_its_role_with_the_ambiguity(
    client: FlaskClient, lang: str, role: str, words: str
) -> None:
    html = client.get(
        "/doc/membership/encc/centrum-kultury-podgorza",
        headers={"Accept": "text/html", "Accept-Language": lang},
    ).text
    summary = html.split('<p class="summary">')[1].split("</p>")[0]
    assert role in summary
    note = summary.split('<small class="note">')[1]
    assert words in note


def _pages(client: FlaskClient, settings: Settings) -> list[str]:
    """Every HTML page the sitemap lists, and the catalogue's."""
    sitemap = client.get("/sitemap.xml").text
    base = settings.base_iri
    listed = [u[len(base) - 1 :] for u in re.findall(r"<loc>([^<]*)</loc>", sitemap)]
    return ["/catalog.html", *dict.fromkeys(p for p in listed if not p.startswith("/queries"))]


def _raw(text: str, prefixes: dict[str, str]) -> bool:
    """Whether a shown text is an IRI rather than a name: full, in angle brackets, or short."""
    text = text.strip()
    short = re.fullmatch(r"([A-Za-z][\w.-]*):[\w.-]*", text)
    return text.startswith(("<", "&lt;", "http://", "https://")) or (
        short is not None and short.group(1) in prefixes
    )


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_no_page_shows_an_iri_as_a_heading_label_or_kind(
    client: FlaskClient, settings: Settings, lang: str
) -> None:
    from ckpld.rdf.namespaces import prefixes

    known = prefixes(settings.base_iri)
    pages = _pages(client, settings)
    assert len(pages) > 100
    for path in pages:
        html = client.get(path, headers={"Accept": "text/html", "Accept-Language": lang}).text
        headings = [
            re.sub(r"<[^>]+>", "", h)
            for h in re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", html, re.S)
        ]
        labels = re.findall(r"<dt[^>]*>(.*?)</dt>", html, re.S)
        kinds = [
            re.sub(r"<[^>]+>", "", k)
            for line in re.findall(r'<p class="types">[^:]*:(.*?)</p>', html, re.S)
            for k in line.split(",")
        ]
        for shown in headings + labels + kinds:
            assert shown.strip() and not _raw(shown, known), (path, shown)
        # a value is a name, a text or a bare address: never an IRI in angle brackets
        values = re.findall(r"<li>(?:<a[^>]*>|<span[^>]*>|<time[^>]*>)([^<]*)<", html)
        assert all(not v.startswith("&lt;") for v in values), (path, values)


def test_every_term_a_page_can_show_has_a_label_in_both_languages(
    client: FlaskClient, app: Flask
) -> None:
    pub = app.extensions["ckpld"]
    found = pub.store.query(
        "SELECT DISTINCT ?t WHERE { GRAPH ?g { { ?s ?t ?o } UNION { ?s a ?t } } }"
    )
    terms = {row[0].value for row in found.rows}
    catalogue = rdflib.Graph().parse(data=client.get("/catalog.nt").data, format="nt")
    terms |= {str(p) for p in catalogue.predicates()}
    terms |= {str(o) for o in catalogue.objects(None, rdflib.RDF.type)}
    shapes = "http://www.w3.org/ns/shacl#"
    assert len(terms) > 100
    missing = sorted(
        t for t in terms if not t.startswith(shapes) and set(pub.labels.get(t, {})) < {"pl", "en"}
    )
    assert missing == []


def test_a_quote_is_named_by_its_words(client: FlaskClient) -> None:
    for lang, (opening, closing) in (("pl", "„”"), ("en", "“”")):
        headers = {"Accept": "text/html", "Accept-Language": lang}
        quote = client.get("/doc/quote/first-member", headers=headers).text
        (title,) = re.findall(r"<h1>(.*?)</h1>", quote)
        assert title.startswith(opening + "Jako pierwsza instytucja")
        assert title.endswith("…" + closing)
        home = client.get("/doc/organization/centrum-kultury-podgorza", headers=headers).text
        links = re.findall(r'<li><a href="/id/quote/first-member">(.*?)</a></li>', home)
        assert links == [title]  # "what refers to this" names the quote by its words


def test_search_engine_markup_names_only_what_has_a_name(client: FlaskClient) -> None:
    html = client.get("/doc/organization/encc", headers={"Accept": "text/html"}).text
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    item = json.loads(block)
    assert item["url"] == "https://encc.eu/"  # a web address, not a thing with an IRI as its name
    assert item["location"]["name"] in ("Brussels", "Bruksela")  # a thing: named


def test_the_dataset_page_shows_the_release_record_s_dates(client: FlaskClient, app: Flask) -> None:
    from ckpld.publish.record import RECORD_FILE
    from ckpld.publish.record import read as read_record

    pub = app.extensions["ckpld"]
    entries = read_record(pub.settings.data_dir / RECORD_FILE)
    recorded = {e.version: e.date for e in entries}
    assert pub.version_id in recorded  # the shipped data is recorded (`ckpld build`)
    headers = {"Accept": "text/html", "Accept-Language": "en"}
    html = client.get("/doc/dataset/instytucje-partnerskie", headers=headers).text

    def shown(label: str) -> list[str]:
        found = rf'<dt[^>]*>{label}</dt>\s*<dd><ul><li><time datetime="([^"]*)">([^<]*)</time>'
        (written,) = re.findall(found, html)
        assert str(written[1]).endswith(" UTC")  # as people write it: "3 December 2026, 17:57 UTC"
        return [written[0]]

    def moment(value: str) -> str:
        return value.replace("+00:00", "Z")

    assert shown("issued") == [moment(entries[0].date.isoformat())]
    assert shown("modified") == [moment(recorded[pub.version_id].isoformat())]
