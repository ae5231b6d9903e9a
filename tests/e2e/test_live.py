"""The real server over real HTTP: requests, curl, rapper (raptor2) and the Nu HTML checker."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import requests
from rdflib.compare import isomorphic

from ckpld.config import Settings
from ckpld.model.sources import Dataset
from ckpld.rdf.formats import RDF_FORMATS
from tests.conftest import ROOT
from tests.e2e.conftest import LiveServer, html_errors, serving

pytestmark = pytest.mark.e2e

RDFLIB = {
    "turtle": "turtle",
    "jsonld": "json-ld",
    "ntriples": "nt",
    "rdfxml": "xml",
    "trig": "trig",
    "nquads": "nquads",
}
RAPPER = {
    "turtle": "turtle",
    "ntriples": "ntriples",
    "rdfxml": "rdfxml",
    "trig": "trig",
    "nquads": "nquads",
}  # raptor 2 has no JSON-LD parser


def things(settings: Settings, dataset: Dataset) -> list[str]:
    return sorted(
        {
            "/" + t.value[len(settings.base_iri) :].split("#")[0]
            for q in dataset.quads
            for t in (q.subject, q.object)
            if isinstance(t, ox.NamedNode) and t.value.startswith(settings.base_iri + "id/")
        }
    )


def union(body: bytes, fmt: str) -> rdflib.Graph:
    """A body as a graph (the union of its graphs); JSON-LD with the context it carries."""
    graph = rdflib.Graph()
    if fmt in ("trig", "nquads"):
        dataset = rdflib.Dataset()
        dataset.parse(data=body, format=RDFLIB[fmt])
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            graph.add((s, p, o))
        return graph
    return graph.parse(data=body, format=RDFLIB[fmt])


def rapper(body: bytes, fmt: str, base: str) -> rdflib.Graph:
    done = subprocess.run(
        ["rapper", "-q", "-i", RAPPER[fmt], "-o", "ntriples", "-", base],
        input=body,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    return rdflib.Graph().parse(data=done.stdout, format="nt")


def test_every_iri_303s_to_a_document_in_every_format(
    live_server: LiveServer, settings: Settings, dataset: Dataset
) -> None:
    session = requests.Session()
    paths = things(settings, dataset)
    assert len(paths) > 80
    for path in paths:
        redirect = session.get(
            live_server.url + path,
            headers={"Accept": "text/turtle"},
            allow_redirects=False,
            timeout=10,
        )
        assert redirect.status_code == 303, path
        location = redirect.headers["Location"]
        graphs = {}
        for fmt in RDF_FORMATS:
            response = session.get(
                live_server.url + location, headers={"Accept": fmt.media_type}, timeout=10
            )
            assert response.status_code == 200, (path, fmt.name)
            assert response.headers["Content-Type"].split(";")[0] == fmt.media_type
            graphs[fmt.name] = union(response.content, fmt.name)
            if fmt.name in RAPPER:
                assert isomorphic(
                    rapper(response.content, fmt.name, live_server.url + location), graphs[fmt.name]
                ), (path, fmt.name, "rapper")
        reference = graphs["turtle"]
        topic = rdflib.URIRef(settings.base_iri + path[1:])
        assert (topic, None, None) in reference, path
        for name, graph in graphs.items():
            assert isomorphic(graph, reference), (path, name)


def test_every_other_published_iri_answers(live_server: LiveServer, settings: Settings) -> None:
    # Vocabulary terms, shapes, graphs, dumps, archived pages: every IRI under the base that the
    # server itself publishes (the data, its VoID and its catalogue), fragment dropped, answers
    # 200 (after any 303).
    quads = [
        q
        for path in ("/data.nq", "/void.nq", "/catalog.nq")
        for q in ox.parse(
            requests.get(live_server.url + path, timeout=30).content, format=ox.RdfFormat.N_QUADS
        )
    ]
    iris = {
        t.value.split("#")[0]
        for q in quads
        for t in (q.subject, q.predicate, q.object, q.graph_name)
        if isinstance(t, ox.NamedNode) and t.value.startswith(settings.base_iri)
    }
    others = sorted(i for i in iris if not i.startswith(settings.base_iri + "id/"))
    assert {
        "def/ckp",
        "graph/page",
        "dumps/instytucje-partnerskie.trig",
        "source/instytucje-partnerskie.txt",
    } <= {i[len(settings.base_iri) :] for i in others}
    for iri in others:
        response = requests.get(live_server.url + "/" + iri[len(settings.base_iri) :], timeout=10)
        assert response.status_code == 200, iri


def test_dev_server_starts(tmp_path: Path) -> None:
    server = LiveServer("--dev")
    try:
        server.wait_until_ready()
        response = requests.get(server.url + "/doc/place/wilno.ttl", timeout=10)
        assert response.status_code == 200
    finally:
        server.stop()


def test_curl_as_in_the_readme(live_server: LiveServer, settings: Settings) -> None:
    done = subprocess.run(
        [
            "curl",
            "-sS",
            "-iL",
            "-H",
            "Accept: text/turtle",
            live_server.url + "/id/organization/centrum-kultury-travno",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert "HTTP/1.1 303" in done.stdout and "HTTP/1.1 200" in done.stdout
    body = done.stdout.split("HTTP/1.1 200", 1)[1].split("\n\n", 1)[1]
    graph = rdflib.Graph().parse(data=body, format="turtle")
    travno = rdflib.URIRef(settings.base_iri + "id/organization/centrum-kultury-travno")
    assert (
        travno,
        rdflib.URIRef("https://schema.org/name"),
        rdflib.Literal("Centrum Kultury Travno", lang="pl"),
    ) in graph


def test_http_caching_head_and_compression(live_server: LiveServer) -> None:
    url = live_server.url + "/doc/organization/encc.ttl"
    first = requests.get(url, timeout=10)
    etag = first.headers["ETag"]
    assert requests.get(url, headers={"If-None-Match": etag}, timeout=10).status_code == 304
    assert (
        requests.get(
            url, headers={"If-Modified-Since": first.headers["Last-Modified"]}, timeout=10
        ).status_code
        == 304
    )
    head = requests.head(url, timeout=10)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Length"] == first.headers["Content-Length"]
    packed = requests.get(url, headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert packed.headers["Content-Encoding"] == "gzip"
    assert packed.content == first.content  # requests decompresses


def test_cors_preflight(live_server: LiveServer) -> None:
    response = requests.options(
        live_server.url + "/doc/organization/encc",
        headers={"Origin": "https://portal.example", "Access-Control-Request-Method": "GET"},
        timeout=10,
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]


def test_errors_over_http(live_server: LiveServer) -> None:
    missing = requests.get(
        live_server.url + "/id/organization/nobody",
        headers={"Accept": "application/json"},
        timeout=10,
    )
    assert missing.status_code == 404
    assert missing.headers["Content-Type"] == "application/problem+json"
    assert missing.json()["status"] == 404
    page = requests.get(
        live_server.url + "/id/organization/nobody", headers={"Accept": "text/html"}, timeout=10
    )
    assert page.status_code == 404 and "<!DOCTYPE html>" in page.text
    refused = requests.get(
        live_server.url + "/doc/organization/encc", headers={"Accept": "image/png"}, timeout=10
    )
    assert refused.status_code == 406 and "text/turtle" in refused.json()["detail"]


def test_workers_answer_alike_under_concurrency(live_server: LiveServer) -> None:
    url = live_server.url + "/doc/place/zagrzeb.jsonld"

    def fetch(_: int) -> tuple[int, str, bytes]:
        response = requests.get(url, timeout=30)
        return response.status_code, response.headers["ETag"], response.content

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(fetch, range(40)))
    assert {a[0] for a in answers} == {200}
    assert len({a[1] for a in answers}) == 1  # one strong ETag ...
    assert len({a[2] for a in answers}) == 1  # ... for one byte sequence, whichever worker


def test_pages_are_valid_html5(live_server: LiveServer, tmp_path: Path) -> None:
    pages = {
        "home-pl": ("/", "pl"),
        "home-en": ("/", "en"),
        "organisation": ("/doc/organization/encc", "pl"),
        "membership": ("/doc/membership/encc/centrum-kultury-podgorza", "en"),
        "place": ("/doc/place/koszyce", "pl"),
        "quote": ("/doc/quote/encc-founded", "en"),
        "vocabulary": ("/def/ckp", "pl"),
        "dataset": ("/doc/dataset/instytucje-partnerskie", "en"),
        "catalogue": ("/catalog", "pl"),
        "void": ("/void", "en"),
        "dumps": ("/dumps/", "pl"),
        "distribution": ("/doc/dataset/instytucje-partnerskie/distribution/nt-gz", "en"),
        "not-found": ("/id/organization/nobody", "pl"),
        "partner": ("/doc/organization/dom-kultury-polskiej-w-wilnie", "en"),
        "partnership": ("/doc/partnership/centrum-kultury-travno", "pl"),
        "letter": ("/doc/letter-of-intent/centrum-czasu-wolnego-w-koszycach", "en"),
        "city": ("/doc/place/krakow", "en"),
        "publisher": ("/doc/organization/centrum-kultury-podgorza", "pl"),
        "query-editor": ("/sparql", "pl"),
        "cookbook": ("/queries/", "en"),
        "cookbook-answer": ("/queries/partners", "pl"),
    }
    files = []
    for name, (path, lang) in pages.items():
        response = requests.get(
            live_server.url + path,
            timeout=10,
            headers={"Accept": "text/html", "Accept-Language": lang},
        )
        assert response.headers["Content-Type"] == "text/html; charset=utf-8", name
        target = tmp_path / f"{name}.html"
        target.write_bytes(response.content)
        files.append(str(target))
    messages = html_errors(files)
    assert messages == [], messages


def test_server_refuses_to_start_on_invalid_data(tmp_path: Path) -> None:
    broken = tmp_path / "data"
    shutil.copytree(ROOT / "data", broken)
    page = broken / "page.ttl"
    page.write_text(
        page.read_text(encoding="utf-8").replace(
            'time:inXSDgYearMonth "2020-09"^^xsd:gYearMonth',
            'time:inXSDgYearMonth "2018-09"^^xsd:gYearMonth',
        ),
        encoding="utf-8",
    )
    server = LiveServer("--data", str(broken), "--workers", "1")
    try:
        code = server.process.wait(60)
        err = server.output()
    finally:
        server.stop()
    assert code == 1
    assert "the data does not validate; not serving it" in err
    assert "ckps:IntervalShape" in err
    with pytest.raises(requests.ConnectionError):
        requests.get(server.url + "/", timeout=2)


def _children(pid: int) -> list[int]:
    """The living processes whose parent is `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == pid and fields[0] not in ("Z", "X"):
            found.append(int(entry.name))
    return found


def _warm_workers(master: int, processes: int, timeout: float = 10) -> list[int]:
    """The workers of `master`, once each has `processes` query processes (else fails)."""
    deadline = time.monotonic() + timeout
    while True:
        workers = _children(master)
        counts = [len(_children(w)) for w in workers]
        if workers and all(c == processes for c in counts):
            return workers
        assert time.monotonic() < deadline, f"workers {workers}, query processes {counts}"
        time.sleep(0.1)


def test_a_new_worker_has_its_query_processes_before_its_first_query() -> None:
    # A worker that replaces another (max_requests) starts its query processes before it takes
    # requests (gunicorn's post_worker_init), not while its first queries wait for them.
    env = {"CKPLD_MAX_REQUESTS": "10", "CKPLD_SPARQL_RATE_LIMIT": "0", "CKPLD_QUERY_PROCESSES": "2"}
    with serving("--workers", "2", env=env) as server:
        first = _warm_workers(server.process.pid, 2)
        for _ in range(60):  # pages only, no query: the workers are replaced
            assert requests.get(server.url + "/robots.txt", timeout=30).status_code == 200
        deadline = time.monotonic() + 20
        while set(_children(server.process.pid)) & set(first):
            assert time.monotonic() < deadline, "the workers were not replaced"
            time.sleep(0.1)
        replaced = _warm_workers(server.process.pid, 2)
        assert not set(replaced) & set(first)


def test_workers_of_an_on_disk_store_exit_cleanly() -> None:
    # The on-disk store is opened before the workers fork; a worker that finalised it crashed
    # (SIGSEGV) at every exit: replaced after max_requests, and at shutdown.
    env = {"CKPLD_STORE": "disk", "CKPLD_MAX_REQUESTS": "10", "CKPLD_SPARQL_RATE_LIMIT": "0"}
    server = LiveServer("--workers", "2", env=env)
    try:
        server.wait_until_ready()
        first = _warm_workers(server.process.pid, 2)
        for _ in range(60):
            assert requests.get(server.url + "/robots.txt", timeout=30).status_code == 200
        deadline = time.monotonic() + 20
        while set(_children(server.process.pid)) & set(first):
            assert time.monotonic() < deadline, "the workers were not replaced"
            time.sleep(0.1)
        server.process.terminate()  # the master only: it stops its workers itself
        assert server.process.wait(30) == 0
        said = server.output()
        assert "Worker exiting" in said
        assert "SIGSEGV" not in said and "was sent" not in said, said[-2000:]
    finally:
        server.stop()


def test_the_server_renders_the_most_asked_for_answers_before_its_workers_fork(
    live_server: LiveServer,
) -> None:
    said = live_server.output()
    found = re.search(r"ckpld: (\d+) pages and documents rendered for the workers", said)
    assert found is not None, said[-2000:]
    assert int(found.group(1)) > 100
    assert said.index("rendered for the workers") < said.index("Booting worker")
