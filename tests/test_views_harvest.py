"""What harvesters and crawlers fetch, over the Flask test client: catalogue, dumps, sitemap."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from xml.etree import ElementTree

import pytest
import rdflib
from flask.testing import FlaskClient
from rdflib.namespace import DCAT, DCTERMS, RDF

from ckpld.config import Settings
from ckpld.web.app import create_app
from tests.terms import as_literal

TURTLE = {"Accept": "text/turtle"}


def local(settings: Settings, url: str) -> str:
    assert url.startswith(settings.base_iri), url
    return "/" + url[len(settings.base_iri) :]


@pytest.mark.parametrize(
    ("accept", "media_type", "rdflib_format"),
    [
        (None, "text/turtle", "turtle"),  # CKAN's harvester sends no Accept
        ("text/turtle", "text/turtle", "turtle"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/n-triples", "application/n-triples", "nt"),
    ],
)
def test_catalogue_by_content_negotiation(
    client: FlaskClient, settings: Settings, accept: str | None, media_type: str, rdflib_format: str
) -> None:
    response = client.get("/catalog", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200 and response.mimetype == media_type
    graph = rdflib.Graph().parse(data=response.data, format=rdflib_format)
    catalog = rdflib.URIRef(settings.base_iri + "catalog")
    assert (catalog, RDF.type, DCAT.Catalog) in graph
    assert len(set(graph.subjects(RDF.type, DCAT.Distribution))) == 5
    if rdflib_format == "json-ld":  # a harvester needs no second request for the context
        assert isinstance(json.loads(response.data)["@context"], dict)


def test_catalogue_suffixes_and_errors(client: FlaskClient) -> None:
    assert client.get("/catalog.rdf").mimetype == "application/rdf+xml"
    assert client.get("/catalog.jsonld").mimetype == "application/ld+json"
    assert client.get("/catalog.xyz").status_code == 404
    refused = client.get("/catalog", headers={"Accept": "image/png"})
    assert refused.status_code == 406 and "text/turtle" in refused.get_json()["detail"]
    page = client.get("/catalog", headers={"Accept": "text/html", "Accept-Language": "pl"})
    assert page.status_code == 200 and "Otwarte dane" in page.get_data(as_text=True)


def test_catalogue_is_linked_from_home_service_description_and_headers(
    client: FlaskClient, settings: Settings
) -> None:
    home = client.get("/", headers={"Accept": "text/html"})
    links = home.headers["Link"]
    assert '</catalog>; rel="alternate"; type="text/turtle"' in links
    assert '</.well-known/void>; rel="describedby"' in links
    html = home.get_data(as_text=True)
    assert '<link rel="alternate" type="text/turtle" href="/catalog"' in html
    assert 'href="/catalog"' in html and 'href="/dumps/"' in html
    sd = rdflib.Graph().parse(data=client.get("/sparql", headers=TURTLE).data, format="turtle")
    assert rdflib.URIRef(settings.base_iri + "catalog") in set(
        sd.objects(None, rdflib.RDFS.seeAlso)
    )


def test_dumps_are_served_as_the_catalogue_describes_them(
    client: FlaskClient, settings: Settings
) -> None:
    catalog = rdflib.Graph().parse(
        data=client.get("/catalog", headers=TURTLE).data, format="turtle"
    )
    spdx = rdflib.Namespace("http://spdx.org/rdf/terms#")
    media = {
        "ttl": "text/turtle",
        "gz": "application/gzip",
        "jsonld": "application/ld+json",
        "trig": "application/trig",
        "nq": "application/n-quads",
    }
    for distribution in catalog.subjects(RDF.type, DCAT.Distribution):
        url = str(catalog.value(distribution, DCAT.downloadURL))
        with client.get(local(settings, url)) as response:
            body = response.get_data()
            assert response.status_code == 200
            assert response.mimetype == media[url.rsplit(".", 1)[-1]]
            assert int(response.headers["Content-Length"]) == len(body)
        assert int(as_literal(catalog.value(distribution, DCAT.byteSize))) == len(body)
        checksum = catalog.value(distribution, spdx.checksum)
        digest = str(catalog.value(checksum, spdx.checksumValue))
        assert hashlib.sha256(body).hexdigest() == digest
        assert response.headers["ETag"] == f'"{digest}"'
        assert catalog.value(distribution, DCTERMS.license) is not None


def test_dumps_support_head_ranges_and_validators(client: FlaskClient) -> None:
    path = "/dumps/instytucje-partnerskie.ttl"
    with client.get(path) as full:
        body, etag = full.get_data(), full.headers["ETag"]
    with client.head(path) as head:
        assert head.status_code == 200 and head.get_data() == b""
        assert int(head.headers["Content-Length"]) == len(body)
    with client.get(path, headers={"Range": "bytes=10-19"}) as part:
        assert part.status_code == 206 and part.get_data() == body[10:20]
        assert part.headers["Content-Range"] == f"bytes 10-19/{len(body)}"
    with client.get(path, headers={"If-None-Match": etag}) as cached:
        assert cached.status_code == 304
    with client.get(path, headers={"Range": f"bytes={len(body) + 5}-"}) as beyond:
        assert beyond.status_code == 416


@pytest.mark.parametrize(
    "path",
    [
        "/dumps/nothing.ttl",
        "/dumps/../pyproject.toml",
        "/dumps/..%2Fpyproject.toml",
        "/dumps/%2e%2e%2fpyproject.toml",
        "/dumps/.lock",
        "/dumps/current",
    ],
)
def test_nothing_else_is_served_from_the_dumps_folder(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "[project]" not in response.get_data(as_text=True)


def test_dumps_index_for_people_and_programs(client: FlaskClient) -> None:
    page = client.get("/dumps/", headers={"Accept": "text/html", "Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'href="/dumps/instytucje-partnerskie.nt.gz"' in html
    listing = client.get("/dumps/", headers={"Accept": "application/json"}).get_json()
    names = [f["name"] for f in listing["files"]]
    assert "SHA256SUMS" in names and "catalog.ttl" in names and "void.ttl" in names
    with client.get("/dumps/manifest.json") as manifest:
        assert manifest.get_json() == listing


def test_sitemap_lists_every_page_and_robots_points_at_it(
    client: FlaskClient, settings: Settings
) -> None:
    response = client.get("/sitemap.xml")
    assert response.mimetype == "application/xml"
    root = ElementTree.fromstring(response.data)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = [e.text or "" for e in root.findall("s:url/s:loc", ns)]
    assert len(urls) == len(set(urls)) > 50
    assert settings.base_iri + "doc/organization/centrum-kultury-podgorza.html" in urls
    assert settings.base_iri + "queries/partners.html" in urls  # the cookbook's pages too
    xhtml = "{http://www.w3.org/1999/xhtml}link"
    for entry in root.findall("s:url", ns):
        url = entry.findtext("s:loc", "", ns)
        # what a crawler gets, whatever it sends: HTML
        page = client.get(local(settings, url), headers={"Accept": "*/*"})
        assert page.status_code == 200 and page.mimetype == "text/html", url
        alternates = {link.get("hreflang"): link.get("href") for link in entry.iter(xhtml)}
        assert set(alternates) == {"pl", "en", "x-default"} and alternates["x-default"] == url
        polish = client.get(local(settings, alternates["pl"] or ""), headers={"Accept": "*/*"})
        assert polish.mimetype == "text/html" and '<html lang="pl"' in polish.text, url
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert f"Sitemap: {settings.base_iri}sitemap.xml" in robots
    disallowed = re.findall(r"^Disallow: (.*)$", robots, re.MULTILINE)
    assert disallowed and all("query=" in rule for rule in disallowed)  # only running queries
    assert client.get("/sitemap-1.xml").status_code == 404  # one page: no index


def test_big_sitemaps_become_an_index(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from ckpld.web.views import harvest

    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    whole = ElementTree.fromstring(client.get("/sitemap.xml").data)
    everything = [e.text for e in whole.findall("s:url/s:loc", ns)]
    monkeypatch.setattr(harvest, "SITEMAP_PAGE", 40)
    fresh = create_app(client.application.extensions["ckpld"].settings).test_client()
    index = ElementTree.fromstring(fresh.get("/sitemap.xml").data)
    pages = [e.text or "" for e in index.findall("s:sitemap/s:loc", ns)]
    assert len(pages) == -(-len(everything) // 40) >= 2
    listed = []
    for n in range(1, len(pages) + 1):
        part = ElementTree.fromstring(fresh.get(f"/sitemap-{n}.xml").data)
        listed += [e.text for e in part.findall("s:url/s:loc", ns)]
    assert listed == everything
    assert fresh.get(f"/sitemap-{len(pages) + 1}.xml").status_code == 404


def test_the_sitemap_is_compressed_for_crawlers_that_ask(client: FlaskClient) -> None:
    plain = client.get("/sitemap.xml")
    packed = client.get("/sitemap.xml", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert "Accept-Encoding" in packed.headers["Vary"]
