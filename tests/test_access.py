"""Request ids and the JSON access log."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask.testing import FlaskClient
from gunicorn.config import Config

from ckpld.web import access
from ckpld.web.access import QUERY_SHOWN, AccessLog, RequestIds, entry, outcome


def test_every_response_carries_a_request_id(client: FlaskClient) -> None:
    first = client.get("/doc/organization/encc.ttl").headers["X-Request-Id"]
    second = client.get("/doc/organization/encc.ttl").headers["X-Request-Id"]
    assert first != second and len(first) == 32  # new ids, also for answers from the cache
    given = client.get("/healthz", headers={"X-Request-Id": "lb-42.a"})
    assert len(given.headers["X-Request-Id"]) == 32  # the server's own, never the client's
    odd = client.get("/healthz", headers={"X-Request-Id": "bad id\u00e9" + "x" * 80})
    assert odd.headers["X-Request-Id"] != "bad id" and len(odd.headers["X-Request-Id"]) == 32
    assert "X-Request-Id" in client.get("/healthz").headers["Access-Control-Expose-Headers"]


@pytest.mark.parametrize(
    ("path", "status", "headers", "expected"),
    [
        ("/sparql", 200, {}, "ok"),
        ("/sparql", 200, {"x-sparql-truncated": "true"}, "truncated"),
        ("/sparql", 503, {}, "timeout"),
        ("/queries/partners", 503, {}, "timeout"),
        ("/doc/x", 503, {}, "server-error"),
        ("/sparql", 429, {}, "rate-limited"),
        ("/doc/x", 404, {}, "client-error"),
        ("/doc/x", 304, {}, "not-modified"),
    ],
)
def test_outcomes(path: str, status: int, headers: dict[str, str], expected: str) -> None:
    assert outcome(path, status, headers) == expected


def test_a_huge_query_is_not_logged_whole() -> None:
    query = "query=" + "SELECT * WHERE { ?s ?p ?o } " * 1000
    environ = {"PATH_INFO": "/sparql", "QUERY_STRING": query, "REQUEST_METHOD": "GET"}
    record = entry(environ, 200, {"x-request-id": "abc"}, 10, 0.0123)
    assert record["query_length"] == len(query)
    assert len(record["query"]) == QUERY_SHOWN + 1 and record["query"].endswith("…")
    assert record["request_id"] == "abc" and record["duration_ms"] == 12.3
    assert "query" not in entry({"PATH_INFO": "/"}, 200, {}, 1, 0.0)


def test_gunicorn_writes_one_json_line_per_request(capsys: pytest.CaptureFixture[str]) -> None:
    config = Config()
    config.set("accesslog", "-")
    log = AccessLog(config)
    response = SimpleNamespace(
        status="200 OK", headers=[("X-Request-Id", "r1"), ("Content-Type", "text/turtle")], sent=5
    )
    environ = {"PATH_INFO": "/doc/x", "REQUEST_METHOD": "GET", "REMOTE_ADDR": "127.0.0.1"}
    log.access(response, None, environ, timedelta(milliseconds=7))
    (line,) = capsys.readouterr().out.splitlines()  # accesslog "-": standard output
    record = json.loads(line)
    assert record["request_id"] == "r1" and record["status"] == 200 and record["bytes"] == 5
    assert record["path"] == "/doc/x" and record["outcome"] == "ok"


def test_the_log_keeps_one_line_per_request_and_the_path_as_sent(
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = Config()
    config.set("accesslog", "-")
    log = AccessLog(config)
    response = SimpleNamespace(status="404 NOT FOUND", headers=[("X-Request-Id", "r2")], sent=9)
    path = "/id/kraków\u0085x\u2028y\nz".encode().decode("latin-1")  # as WSGI passes bytes
    environ = {
        "PATH_INFO": path,
        "REQUEST_METHOD": "GET",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_USER_AGENT": "a\rb",
        "ckpld.client_request_id": "lb-42.a",
    }
    log.access(response, None, environ, timedelta(milliseconds=7))
    (line,) = capsys.readouterr().out.splitlines()
    assert line.isascii() and "\u0085" not in line
    record = json.loads(line)
    assert record["path"] == "/id/kraków\u0085x\u2028y\nz"  # decoded as the client wrote it
    assert record["request_id"] == "r2" and record["client_request_id"] == "lb-42.a"


def test_a_busy_worker_lets_the_others_go_first_every_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    # Under gevent, time.sleep(0) is where the requests that wait get their turn.
    clock = [100.0]
    yields: list[float] = []
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])  # the module ckpld.web.access uses
    monkeypatch.setattr(time, "sleep", lambda seconds: yields.append(clock[0]))
    served = RequestIds(lambda environ, start: [b"ok"])
    for _ in range(10):  # ten requests in one turn: nobody else needed to go first
        served({}, lambda *args: None)
        clock[0] += access.TURN / 20
    assert yields == []
    clock[0] += access.TURN
    served({}, lambda *args: None)
    assert len(yields) == 1
    served({}, lambda *args: None)  # a new turn began with that one
    assert len(yields) == 1
