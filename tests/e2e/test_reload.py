"""Reloading on SIGHUP: invalid data leaves the last valid version served; a valid change is
served atomically; plus the health endpoints, request ids and access log of a real server."""

from __future__ import annotations

import json
import os
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from tests.conftest import ROOT
from tests.e2e.conftest import LiveServer, serving

pytestmark = pytest.mark.e2e

DOCUMENT = "/doc/organization/centrum-kultury-travno.nt"
OLD_NAME = '"Cultural Center Travno"@en'
NEW_NAME = '"Cultural Centre Travno"@en'


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[LiveServer, Path]]:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    with serving("--data", str(data), "--workers", "2") as server:
        yield server, data


def version(server: LiveServer) -> str:
    return str(requests.get(server.url + "/healthz", timeout=10).json()["version"])


def wait_for(condition: Callable[[], object], timeout: float = 90) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


def test_reload_refuses_invalid_data_then_serves_a_valid_change_atomically(
    served: tuple[LiveServer, Path],
) -> None:
    server, data = served
    enrichment = data / "enrichment.ttl"
    original = enrichment.read_text(encoding="utf-8")
    before = version(server)
    assert OLD_NAME in requests.get(server.url + DOCUMENT, timeout=10).text

    # invalid: a latitude of 95 degrees breaks a shape
    enrichment.write_text(
        original.replace('"50.06143"^^xsd:decimal', '"95.0"^^xsd:decimal'), encoding="utf-8"
    )
    os.kill(server.process.pid, signal.SIGHUP)
    assert wait_for(lambda: "reload refused" in server.output()), server.output()[-3000:]
    assert "does not validate" in server.output()
    time.sleep(1)  # the replaced workers are up
    assert version(server) == before
    assert OLD_NAME in requests.get(server.url + DOCUMENT, timeout=10).text

    # valid: a changed English name; readers see the old or the new data, never a mix
    enrichment.write_text(original.replace(OLD_NAME, NEW_NAME), encoding="utf-8")
    seen: list[tuple[str, str]] = []
    stop = threading.Event()

    def read() -> None:
        with requests.Session() as session:
            while not stop.is_set():
                answer = session.get(server.url + DOCUMENT, timeout=10)
                assert answer.status_code == 200
                seen.append((answer.headers["ETag"], answer.text))

    readers = [threading.Thread(target=read) for _ in range(3)]
    for reader in readers:
        reader.start()
    try:
        os.kill(server.process.pid, signal.SIGHUP)
        assert wait_for(lambda: version(server) != before), server.output()[-3000:]
        time.sleep(1)
    finally:
        stop.set()
        for reader in readers:
            reader.join(20)
    after = version(server)
    assert "reloaded, serving data version " + after in server.output()
    old = [body for etag, body in seen if before in etag]
    new = [body for etag, body in seen if after in etag]
    assert old and new and len(old) + len(new) == len(seen)
    assert all(OLD_NAME in body and NEW_NAME not in body for body in old)
    assert all(NEW_NAME in body and OLD_NAME not in body for body in new)


def test_health_ids_and_json_access_log(served: tuple[LiveServer, Path]) -> None:
    server, _ = served
    assert requests.get(server.url + "/readyz", timeout=10).json()["status"] == "ready"
    answer = requests.get(
        server.url + "/sparql",
        params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1 # " + "x" * 5000},
        headers={"X-Request-Id": "probe-7"},
        timeout=10,
    )
    made = answer.headers["X-Request-Id"]
    assert made != "probe-7" and len(made) == 32  # the server's own id; the proxy's is logged
    assert wait_for(lambda: made in server.output(), 10)
    line = next(x for x in server.output().splitlines() if made in x)
    record = json.loads(line[line.index("{") :])
    assert record["client_request_id"] == "probe-7"
    assert record["path"] == "/sparql" and record["status"] == 200 and record["outcome"] == "ok"
    assert record["query_length"] > 5000 and len(record["query"]) < 300  # never the whole text
    assert "x" * 1000 not in server.output()


def test_rate_limit_is_shared_by_the_workers() -> None:
    server = LiveServer("--workers", "2", env={"CKPLD_SPARQL_RATE_LIMIT": "6"})
    try:
        server.wait_until_ready()
        answers = [
            requests.get(
                server.url + "/sparql", params={"query": f"ASK {{ ?s ?p {i} }}"}, timeout=10
            )
            for i in range(8)  # new connections: both workers take part
        ]
    finally:
        server.stop()
    assert [a.status_code for a in answers] == [200] * 6 + [429] * 2
    assert int(answers[-1].headers["Retry-After"]) >= 1
    assert answers[-1].headers["Content-Type"] == "application/problem+json"
