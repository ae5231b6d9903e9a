"""Time travel on a live server, as researchers' tools do it: PyPI's memento-client finds the
TimeGate from the IRI alone; SPARQLWrapper asks a past release; the attacker's runaway queries
against a past release are stopped as on the current one."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import rdflib
import requests
from memento_client import MementoClient
from SPARQLWrapper import JSON, SPARQLWrapper

from ckpld.config import Settings
from ckpld.publish.history import archive_missing
from tests.e2e.conftest import LiveServer, free_port, html_errors
from tests.history import ADDED, DATES, NAMES, RENAMED, environment, make_history

SCHEMA_NAME = rdflib.URIRef("https://schema.org/name")
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def deployed(
    settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, Settings]]:
    """A server of a three-release history whose base IRI is its own address, as when deployed:
    every link it gives (TimeGate, TimeMap, mementos) leads back to it."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    own = make_history(tmp_path_factory.mktemp("deployed"), replace(settings, base_iri=base))
    archive_missing(own, None, history=True, log=lambda _: None, strict=True)
    env = {
        **environment(own),
        "CKPLD_BASE_IRI": base,
        "CKPLD_SPARQL_RATE_LIMIT": "0",
        "CKPLD_QUERY_TIMEOUT": "2",
    }
    env.pop("CKPLD_DUMPS_DIR")
    server = LiveServer(env=env, port=port)
    try:
        server.wait_until_ready()
        yield server, own
    finally:
        server.stop()


def test_memento_client_travels_to_the_release_in_force(
    deployed: tuple[LiveServer, Settings],
) -> None:
    server, own = deployed
    client = MementoClient(timegate_uri=server.url + "/none/", check_native_timegate=True)
    iri = own.base_iri + RENAMED
    found = client.get_memento_info(iri, datetime(2025, 12, 1))
    assert found["timegate_uri"] == f"{own.base_iri}timegate/{RENAMED}"  # found from the IRI
    closest = found["mementos"]["closest"]
    assert closest["uri"] == [f"{own.base_iri}releases/{NAMES[1]}/doc/{RENAMED[3:]}"]
    assert closest["datetime"] == DATES[1].replace(tzinfo=None)
    assert found["mementos"]["first"]["uri"][0].endswith(f"/releases/{NAMES[0]}/doc/{RENAMED[3:]}")
    assert found["mementos"]["last"]["uri"][0].endswith(f"/releases/{NAMES[2]}/doc/{RENAMED[3:]}")
    # the memento is that release's document: the old name, before the renaming
    old = rdflib.Graph().parse(closest["uri"][0], format="turtle")
    assert polish_names(old, iri) == {"Centrum Kultury Travno"}
    later = client.get_memento_info(iri, datetime(2026, 7, 1))["mementos"]["closest"]["uri"][0]
    new = rdflib.Graph().parse(later, format="turtle")
    assert polish_names(new, iri) == {"Centrum Kultury Travno w Zagrzebiu"}


def polish_names(graph: rdflib.Graph, iri: str) -> set[str]:
    return {
        str(n)
        for n in graph.objects(rdflib.URIRef(iri), SCHEMA_NAME)
        if isinstance(n, rdflib.Literal) and n.language == "pl"
    }


def test_before_a_thing_existed_there_is_no_memento(deployed: tuple[LiveServer, Settings]) -> None:
    server, own = deployed
    client = MementoClient(timegate_uri=server.url + "/none/", check_native_timegate=True)
    found = client.get_memento_info(own.base_iri + ADDED, datetime(2024, 6, 1))
    assert "mementos" not in found
    answer = requests.get(
        f"{own.base_iri}timegate/{ADDED}",
        headers={"Accept-Datetime": "Sat, 01 Jun 2024 00:00:00 GMT"},
        timeout=10,
    )
    assert answer.status_code == 404 and answer.headers["Content-Type"].startswith(
        "application/problem+json"
    )
    assert f"published from release {NAMES[1]}" in answer.json()["detail"]


def test_the_dataset_has_a_timegate_and_a_timemap(deployed: tuple[LiveServer, Settings]) -> None:
    _, own = deployed
    path = own.dataset_iri.removeprefix(own.base_iri)
    timemap = requests.get(f"{own.base_iri}timemap/{path}", timeout=10)
    assert timemap.status_code == 200 and timemap.headers["Content-Type"] == (
        "application/link-format"
    )
    links = MementoClient.parse_link_header(timemap.text)
    dated = [u for u, v in links.items() if "memento" in v["rel"]]
    assert len(dated) == 3
    answer = requests.get(
        f"{own.base_iri}timegate/{path}",
        headers={"Accept-Datetime": "Mon, 01 Jan 2024 00:00:00 GMT"},
        timeout=10,
        allow_redirects=False,
    )
    assert answer.status_code == 404  # before the first release: nothing yet


def test_a_memento_is_cached_for_good_and_says_when(deployed: tuple[LiveServer, Settings]) -> None:
    _, own = deployed
    answer = requests.get(
        f"{own.base_iri}releases/{NAMES[0]}/doc/{RENAMED[3:]}",
        headers={"Accept": "application/ld+json"},
        timeout=10,
    )
    assert answer.status_code == 200
    assert answer.headers["Memento-Datetime"] == "Wed, 10 Jan 2024 09:30:00 GMT"
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_sparqlwrapper_asks_a_past_release(deployed: tuple[LiveServer, Settings]) -> None:
    _, own = deployed

    def organisations(endpoint: str) -> int:
        wrapper = SPARQLWrapper(endpoint)
        wrapper.setQuery(
            "SELECT (COUNT(DISTINCT ?o) AS ?n) "
            "WHERE { ?o a <http://www.w3.org/ns/org#Organization> }"
        )
        wrapper.setReturnFormat(JSON)
        answer = wrapper.queryAndConvert()
        assert isinstance(answer, dict)
        return int(answer["results"]["bindings"][0]["n"]["value"])

    before = organisations(f"{own.base_iri}releases/{NAMES[0]}/sparql")
    after = organisations(f"{own.base_iri}releases/{NAMES[1]}/sparql")
    assert after == before + 1 == organisations(f"{own.base_iri}sparql")


def test_a_runaway_query_on_a_past_release_is_stopped_in_time(
    deployed: tuple[LiveServer, Settings],
) -> None:
    _, own = deployed
    started = time.monotonic()
    answer = requests.get(
        f"{own.base_iri}releases/{NAMES[0]}/sparql",
        params={"query": RUNAWAY},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    took = time.monotonic() - started
    assert answer.status_code == 503
    assert took < 2 + 5  # the timeout (2 s here) and the time to say so
    # and the server still answers
    assert requests.get(f"{own.base_iri}releases/", timeout=10).status_code == 200


def test_the_rate_limit_counts_past_endpoints(history: Settings, tmp_path: Path) -> None:
    env = {**environment(history), "CKPLD_SPARQL_RATE_LIMIT": "2"}
    env.pop("CKPLD_DUMPS_DIR")
    server = LiveServer(env=env)
    try:
        server.wait_until_ready()
        query = {"query": "ASK { ?s ?p ?o }"}
        codes = [
            requests.get(
                f"{server.url}/releases/{name}/sparql", params=query, timeout=10
            ).status_code
            for name in (NAMES[0], NAMES[1], NAMES[2])
        ]
        assert codes == [200, 200, 429]
    finally:
        server.stop()


def test_the_dates_are_those_of_the_record(deployed: tuple[LiveServer, Settings]) -> None:
    _, own = deployed
    listed = requests.get(
        f"{own.base_iri}releases/", headers={"Accept": "application/json"}, timeout=10
    ).json()["releases"]
    assert [datetime.fromisoformat(r["date"]) for r in listed] == [
        d.astimezone(UTC) for d in reversed(DATES)
    ]


def test_the_release_pages_are_valid_html(
    deployed: tuple[LiveServer, Settings], tmp_path: Path
) -> None:
    _, own = deployed
    pages = {
        "releases": ("releases/", "pl"),
        "release": (f"releases/{NAMES[1]}/", "en"),
        "memento": (f"releases/{NAMES[0]}/doc/{RENAMED[3:]}", "pl"),
        "home-with-citation": ("", "en"),
    }
    files = []
    for name, (path, lang) in pages.items():
        answer = requests.get(
            own.base_iri + path,
            headers={"Accept": "text/html", "Accept-Language": lang},
            timeout=10,
        )
        assert answer.headers["Content-Type"] == "text/html; charset=utf-8", name
        target = tmp_path / f"{name}.html"
        target.write_bytes(answer.content)
        files.append(str(target))
    assert html_errors(files) == []


def test_asking_many_past_releases_at_once_is_bounded(history: Settings) -> None:
    # The attacker's way to multiply a worker's memory and query processes: ask a different
    # past release while another is busy. With past_releases = 1 (and one worker), the second
    # release is refused with 503 and Retry-After while the first is in use, then served.
    env = {
        **environment(history),
        "CKPLD_PAST_RELEASES": "1",
        "CKPLD_QUERY_TIMEOUT": "3",
        "CKPLD_SPARQL_RATE_LIMIT": "0",
    }
    env.pop("CKPLD_DUMPS_DIR")
    server = LiveServer("--workers", "1", env=env)
    try:
        server.wait_until_ready()
        busy = f"{server.url}/releases/{NAMES[0]}/sparql"
        other = f"{server.url}/releases/{NAMES[1]}/doc/{RENAMED[3:]}"
        with ThreadPoolExecutor(max_workers=1) as pool:
            running = pool.submit(requests.get, busy, params={"query": RUNAWAY}, timeout=30)
            time.sleep(1.0)  # the runaway query holds the first release
            refused = requests.get(other, headers={"Accept": "text/turtle"}, timeout=10)
            assert running.result().status_code == 503  # stopped at the deadline
        assert refused.status_code == 503 and refused.headers["Retry-After"] == "1"
        assert "past releases are being asked at once" in refused.text
        served = requests.get(other, headers={"Accept": "text/turtle"}, timeout=10)
        assert served.status_code == 200  # the first let go: room again
    finally:
        server.stop()
