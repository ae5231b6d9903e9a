"""Harvesting the live server with real harvesters and parsers: CKAN's, dane.gov.pl's, rapper."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import rdflib.compare
import requests
from rdflib.namespace import DCAT, RDF

from ckpld.config import Settings
from ckpld.publish.dumps import current
from tests.conftest import ROOT
from tests.e2e.conftest import LiveServer
from tests.terms import as_literal

HARVEST = Path(__file__).with_name("ckan_harvest.py")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
# How a dane.gov.pl administrator would harvest ckpld (docs/harvesting.md): the catalogue graph.
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <%s> { ?s ?p ?o } }"
DCAT_VERSION = rdflib.URIRef("http://www.w3.org/ns/dcat#version")


def ckan_python() -> str:
    """The Python of the environment `make test` installs CKAN and ckanext-dcat into."""
    path = os.environ.get("CKPLD_CKAN_PYTHON") or str(ROOT / ".venv-ckan" / "bin" / "python")
    if not Path(path).exists():
        pytest.fail(f"CKAN's environment is missing ({path}): run `make test`, which installs it")
    return path


def harvest(*args: str) -> list[dict[str, object]]:
    done = subprocess.run(
        [ckan_python(), str(HARVEST), *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert isinstance(found, list)
    return found


@pytest.mark.parametrize("accept", [None, "application/rdf+xml", "application/ld+json"])
@pytest.mark.parametrize("locale", ["pl", "en"])
def test_ckan_harvests_the_catalogue(
    live_server: LiveServer, settings: Settings, accept: str | None, locale: str
) -> None:
    args = [live_server.url + "/catalog", "--locale", locale]
    datasets = harvest(*args, *(["--accept", accept] if accept else []))
    assert len(datasets) == 1
    (dataset,) = datasets
    title = settings.title_pl if locale == "pl" else settings.title_en
    assert dataset["title"] == title
    extras = dataset["extras"]
    assert isinstance(extras, dict)
    assert extras["identifier"] == settings.dataset_id
    assert extras["uri"] == settings.dataset_iri
    assert (extras["temporal_start"], extras["temporal_end"]) == ("2018", "2020")
    resources = dataset["resources"]
    assert isinstance(resources, list) and len(resources) == 5
    urls = sorted(str(r["url"]) for r in resources)
    assert urls == sorted(
        f"{settings.base_iri}dumps/{settings.dataset_id}.{suffix}"
        for suffix in ("ttl", "nt.gz", "jsonld", "trig", "nq")
    )
    for resource in resources:
        assert str(resource["format"]).startswith(
            "http://publications.europa.eu/resource/authority/file-type/"
        )
        assert resource["license"] and resource["hash"] and resource["size"]
    assert dataset["license_id"] == "cc-by"  # found in CKAN's default licence register
    # CKAN keeps one of the countries: whichever, an identifier others know
    assert str(extras["spatial_uri"]).startswith(
        ("http://publications.europa.eu/resource/authority/country/", "https://sws.geonames.org/")
    )


def test_ckan_reads_the_version_with_the_dcat_ap_2_profile(
    live_server: LiveServer, settings: Settings
) -> None:
    (dataset,) = harvest(live_server.url + "/catalog", "--profile", "euro_dcat_ap_2")
    catalog = rdflib.Graph().parse(
        data=requests.get(live_server.url + "/catalog", timeout=30).content, format="turtle"
    )
    version = catalog.value(rdflib.URIRef(settings.dataset_iri), DCAT_VERSION)
    assert version is not None and dataset["version"] == str(version)


def test_ckan_harvests_each_release_as_a_dataset_beside_the_living_one(
    history_server: LiveServer, history: Settings
) -> None:
    datasets = harvest(history_server.url + "/catalog", "--locale", "en")
    by_uri = {str(d["extras"]["uri"]): d for d in datasets}  # type: ignore[index]
    names = ("2024.01.10", "2025.03.01", "2026.06.15")
    assert sorted(by_uri) == sorted(
        [history.dataset_iri, *(f"{history.dataset_iri}/{n}" for n in names)]
    )
    living = by_uri[history.dataset_iri]
    assert living["title"] == history.title_en and living["version"] == names[-1]
    assert living["extras"]["identifier"] == history.dataset_id  # type: ignore[index]
    living_urls = sorted(str(r["url"]) for r in living["resources"])  # type: ignore[attr-defined]
    assert all(u.startswith(f"{history.base_iri}dumps/") for u in living_urls)
    for name in names:
        version = by_uri[f"{history.dataset_iri}/{name}"]
        assert version["title"] == f"{history.title_en} (version {name})"
        assert version["version"] == name
        assert version["extras"]["identifier"] == f"{history.dataset_id}-{name}"  # type: ignore[index]
        urls = [str(r["url"]) for r in version["resources"]]  # type: ignore[attr-defined]
        assert len(urls) == 5
        assert all(u.startswith(f"{history.base_iri}releases/{name}/") for u in urls)
    # four datasets, told apart by the title CKAN makes each one's name from
    assert len({d["title"] for d in datasets}) == 4


def test_dane_gov_pl_harvests_through_sparql(live_server: LiveServer, settings: Settings) -> None:
    # dane.gov.pl's DCAT source type: rdflib's SPARQLStore, GET, Accept: application/rdf+xml.
    query = CONSTRUCT % settings.graph_iri("catalog")
    (dataset,) = harvest(live_server.url + "/sparql", "--sparql-construct", query, "--locale", "pl")
    assert dataset["title"] == settings.title_pl
    assert isinstance(dataset["resources"], list) and len(dataset["resources"]) == 5
    logged = [  # the access log: one JSON object per request
        json.loads(line[line.index("{") :])
        for line in live_server.output().splitlines()
        if '"path": "/sparql"' in line
    ]
    assert any(
        r["method"] == "GET" and r.get("query", "").startswith("query=CONSTRUCT") for r in logged
    )


EU = "http://publications.europa.eu/resource/authority/"
DCT = rdflib.Namespace("http://purl.org/dc/terms/")


def test_dane_gov_pl_reads_every_field_it_needs_from_the_endpoint(
    live_server: LiveServer, settings: Settings
) -> None:
    """The portal's DCAT route, with the portal's own client, field by field as its importer
    reads them (../shared/conformance/dane-gov-pl/README.md)."""
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(live_server.url + "/sparql", returnFormat="application/rdf+xml")
    graph = store.query(CONSTRUCT % settings.graph_iri("catalog")).graph
    assert graph is not None
    (dataset,) = graph.subjects(RDF.type, DCAT.Dataset)
    (identifier,) = graph.objects(dataset, DCT.identifier)
    assert len(str(identifier).rsplit("/", 1)[-1]) <= 36
    for prop in (DCT.title, DCT.description):
        languages = {as_literal(o).language for o in graph.objects(dataset, prop)}
        assert languages == {"pl", "en"}
    for prop in (DCT.issued, DCT.modified):
        (when,) = graph.objects(dataset, prop)
        assert as_literal(when).datatype == rdflib.XSD.dateTime
    themes = {str(t) for t in graph.objects(dataset, DCAT.theme)}
    assert themes and all(t.startswith(EU + "data-theme/") for t in themes)
    keywords = {as_literal(k).language for k in graph.objects(dataset, DCAT.keyword)}
    assert keywords == {"pl", "en"}
    distributions = list(graph.objects(dataset, DCAT.distribution))
    licences = set()
    assert len(distributions) == 5
    for distribution in distributions:
        assert str(graph.value(distribution, DCAT.accessURL)).startswith("https://")
        assert str(graph.value(distribution, DCT["format"])).startswith(EU + "file-type/")
        licences.add(str(graph.value(distribution, DCT.license)))
    assert licences == {EU + "licence/CC_BY_4_0"}  # the same EU licence on every one


def test_the_catalogue_in_the_store_is_the_served_catalogue(
    live_server: LiveServer, settings: Settings
) -> None:
    """The copy the endpoint answers from equals /catalog: exactly in Virtuoso; in Oxigraph but
    for the datatype of `dcat:byteSize`, xsd:nonNegativeInteger, which Oxigraph keeps as
    xsd:integer (docs/harvesting.md)."""
    served = rdflib.Graph().parse(
        data=requests.get(live_server.url + "/catalog", timeout=30).content, format="turtle"
    )
    answer = requests.get(
        live_server.url + "/sparql",
        params={"query": CONSTRUCT % settings.graph_iri("catalog")},
        headers={"Accept": "application/n-triples"},
        timeout=30,
    )
    stored = rdflib.Graph().parse(data=answer.content, format="nt")
    narrowed = rdflib.Graph()
    for s, p, o in served:
        if isinstance(o, rdflib.Literal) and o.datatype == rdflib.XSD.nonNegativeInteger:
            assert p == DCAT.byteSize  # the only such value
            if live_server.mode != "remote":
                o = rdflib.Literal(str(o), datatype=rdflib.XSD.integer)
        narrowed.add((s, p, o))
    assert len(served) == len(stored) and rdflib.compare.isomorphic(narrowed, stored)


@pytest.fixture(scope="module")
def catalog(live_server: LiveServer) -> rdflib.Graph:
    response = requests.get(live_server.url + "/catalog", timeout=30)
    return rdflib.Graph().parse(data=response.content, format="turtle")


def downloads(
    live_server: LiveServer, settings: Settings, catalog: rdflib.Graph
) -> Iterator[tuple[str, bytes, rdflib.term.Node]]:
    for distribution in catalog.subjects(RDF.type, DCAT.Distribution):
        url = str(catalog.value(distribution, DCAT.downloadURL))
        local = live_server.url + "/" + url[len(settings.base_iri) :]
        response = requests.get(local, timeout=30)
        assert response.status_code == 200
        yield url, response.content, distribution


RDFLIB = {"ttl": "turtle", "nt.gz": "nt", "jsonld": "json-ld", "trig": "trig", "nq": "nquads"}
RAPPER = {"ttl": "turtle", "nt.gz": "ntriples", "trig": "trig", "nq": "nquads"}
OXIGRAPH = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt.gz": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
}


def test_every_dump_parses_and_is_the_served_data(
    live_server: LiveServer, settings: Settings, catalog: rdflib.Graph, tmp_path: Path
) -> None:
    served = requests.get(live_server.url + "/data.nq", timeout=30).content
    read = set(ox.parse(served, format=ox.RdfFormat.N_QUADS))
    # /data says every statement in the default graph, and again in its named graph; a dump
    # keeps the named graphs only
    served_quads = {q for q in read if not isinstance(q.graph_name, ox.DefaultGraph)}
    served_triples = {ox.Triple(q.subject, q.predicate, q.object) for q in served_quads}
    assert served_triples == {
        ox.Triple(q.subject, q.predicate, q.object)
        for q in read
        if isinstance(q.graph_name, ox.DefaultGraph)
    }
    seen = set()
    for url, body, distribution in downloads(live_server, settings, catalog):
        suffix = url.split(f"{settings.dataset_id}.", 1)[1]
        seen.add(suffix)
        # size and checksum as the catalogue says
        assert int(as_literal(catalog.value(distribution, DCAT.byteSize))) == len(body)
        checksum = catalog.value(distribution, SPDX.checksum)
        assert str(catalog.value(checksum, SPDX.checksumValue)) == hashlib.sha256(body).hexdigest()
        text = gzip.decompress(body) if suffix.endswith(".gz") else body
        quads = list(ox.parse(text, format=OXIGRAPH[suffix]))
        if suffix in ("trig", "nq"):
            assert set(quads) == served_quads, suffix
        else:
            assert {ox.Triple(q.subject, q.predicate, q.object) for q in quads} == served_triples
        rdflib.Dataset(default_union=True).parse(data=text, format=RDFLIB[suffix])
        if suffix in RAPPER:  # raptor has no JSON-LD parser
            path = tmp_path / f"dump.{suffix.removesuffix('.gz')}"
            path.write_bytes(text)
            parsed = subprocess.run(
                [
                    "rapper",
                    "-q",
                    "-i",
                    RAPPER[suffix],
                    "-o",
                    "ntriples",
                    str(path),
                    settings.base_iri,
                ],
                capture_output=True,
                timeout=60,
            )
            assert parsed.returncode == 0, parsed.stderr
            lines = {line for line in parsed.stdout.splitlines() if line.strip()}
            assert len(lines) == len(served_triples), suffix
    assert seen == {"ttl", "nt.gz", "jsonld", "trig", "nq"}


def test_dumps_over_http(live_server: LiveServer) -> None:
    url = live_server.url + "/dumps/instytucje-partnerskie.nt.gz"
    head = requests.head(url, timeout=10)
    assert head.status_code == 200 and head.headers["Content-Type"] == "application/gzip"
    size = int(head.headers["Content-Length"])
    part = requests.get(url, headers={"Range": "bytes=0-1"}, timeout=10)
    assert part.status_code == 206 and part.content == b"\x1f\x8b"  # gzip's magic number
    assert part.headers["Content-Range"] == f"bytes 0-1/{size}"
    again = requests.get(url, headers={"If-None-Match": head.headers["ETag"]}, timeout=10)
    assert again.status_code == 304
    curl = subprocess.run(["curl", "-sf", "-r", "2-", url], capture_output=True, timeout=30)
    assert curl.returncode == 0 and len(curl.stdout) == size - 2


KILLED_BUILD = """
import os, signal, sys
import ckpld.publish.dumps as dumps
real = dumps._write_file
def dying(path, body):
    real(path, body)
    if path.suffix == ".nq" and str(path).startswith(sys.argv[1]):  # the dumps, not the archive
        os.kill(os.getpid(), signal.SIGKILL)
dumps._write_file = dying
from ckpld.cli import cli
cli(["build", "--out", sys.argv[1]])
"""


def test_a_killed_build_leaves_the_old_dumps_served(tmp_path: Path) -> None:
    dumps = tmp_path / "dumps"
    server = LiveServer("--workers", "2", dumps=dumps)
    try:
        server.wait_until_ready()
        before = current(dumps)
        assert before is not None
        served = requests.get(server.url + "/dumps/SHA256SUMS", timeout=10).content
        environment = {k: v for k, v in os.environ.items() if not k.startswith("CKPLD_")}
        environment["CKPLD_CACHE_DIR"] = str(tmp_path / "cache")
        environment["CKPLD_RELEASES_DIR"] = str(tmp_path / "releases")
        environment["CKPLD_TITLE_EN"] = "Changed while the server runs"
        killed = subprocess.run(
            [sys.executable, "-c", KILLED_BUILD, str(dumps)],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            timeout=120,
        )
        assert killed.returncode == -9
        assert current(dumps) == before  # `current` still names the old release
        assert_serves(server, served)
    finally:
        server.stop()
    restarted = LiveServer("--workers", "1", dumps=dumps)  # starts on what the kill left
    try:
        restarted.wait_until_ready()
        assert_serves(restarted, served)
        assert current(dumps) == before  # up to date: reused, not rebuilt
    finally:
        restarted.stop()


def assert_serves(server: LiveServer, sums: bytes) -> None:
    """The server serves exactly the files `sums` lists, intact."""
    assert requests.get(server.url + "/dumps/SHA256SUMS", timeout=10).content == sums
    for line in sums.decode().splitlines():
        digest, name = line.split("  ")
        body = requests.get(f"{server.url}/dumps/{name}", timeout=10).content
        assert hashlib.sha256(body).hexdigest() == digest, name


def test_dane_gov_pl_harvests_the_xml_feed(live_server: LiveServer) -> None:
    """The portal's XML route as its harvester walks it: HEAD, the sibling .md5, the feed
    fetched again for each step, then validated and decoded with xmlschema."""
    import xmlschema

    from tests.conftest import shared_path

    url = live_server.url + "/harvest/dane-gov-pl.xml"
    assert " " not in url.rsplit("/", 1)[-1]
    head = requests.head(url, timeout=30)
    assert head.status_code == 200 and "application/xml" in head.headers["Content-Type"]
    digest = requests.get(url.removesuffix(".xml") + ".md5", timeout=30)
    bodies = {requests.get(url, timeout=30).content for _ in range(3)}
    assert len(bodies) == 1  # byte-identical each time
    (body,) = bodies
    assert digest.text.lower().rstrip() == hashlib.md5(body).hexdigest()
    plain = requests.head(url, headers={"Accept-Encoding": "identity"}, timeout=30)
    assert int(plain.headers["Content-Length"]) == len(body)  # (the first HEAD: compressed)
    schema = xmlschema.XMLSchema(
        shared_path("conformance/dane-gov-pl/xml_import_otwarte_dane_1_10.xsd")
    )
    schema.validate(body.decode())
    decoded = schema.to_dict(body.decode())
    assert isinstance(decoded, dict)
    (dataset,) = decoded["dataset"]
    for resource in dataset["resources"]["resource"]:
        local = live_server.url + "/" + resource["url"].split("/", 3)[3]
        assert requests.head(local, timeout=30).status_code == 200, resource["url"]


def test_the_quality_score_holds_over_http(live_server: LiveServer, settings: Settings) -> None:
    """data.europa.eu's MQA (tests/mqa.py) on the live catalogue, every URL checked with a real
    HEAD request to the server (its public base mapped to where it runs here)."""
    from tests.mqa import MAXIMUM, datasets, score

    def status(url: str) -> int:
        local = live_server.url + "/" + url[len(settings.base_iri) :]
        return requests.head(local, timeout=30).status_code

    graph = rdflib.Graph().parse(
        data=requests.get(live_server.url + "/catalog", timeout=30).content, format="turtle"
    )
    (dataset,) = datasets(graph)
    points = score(graph, dataset, status, compliant=True)  # compliance: tests/test_mqa.py
    assert sum(points.values()) == MAXIMUM, points
