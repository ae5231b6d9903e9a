"""The SPARQL rate limit: token buckets shared by forked workers, and 429 with Retry-After."""

from __future__ import annotations

import dataclasses
import json
import os

import pytest
from flask.testing import FlaskClient

from ckpld.config import Settings
from ckpld.web.app import create_app
from ckpld.web.rate_limit import Buckets, counted


def test_a_client_gets_its_quota_then_waits_for_a_refill() -> None:
    buckets = Buckets(per_minute=3)
    assert [buckets.take("10.0.0.1", now=100.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = buckets.take("10.0.0.1", now=100.0)
    assert wait == pytest.approx(20.0)  # one token comes back every 20 s
    assert buckets.take("10.0.0.2", now=100.0) == 0.0  # another client has its own bucket
    assert buckets.take("10.0.0.1", now=110.0) == pytest.approx(10.0)
    assert buckets.take("10.0.0.1", now=120.5) == 0.0
    assert buckets.take("10.0.0.1", now=1000.0) == 0.0  # refilled, never above the quota
    assert [buckets.take("10.0.0.1", now=1000.0) for _ in range(3)][-1] > 0


def test_workers_forked_after_the_table_count_together() -> None:
    buckets = Buckets(per_minute=4)
    child = os.fork()
    if child == 0:  # a worker: takes three tokens, then leaves
        os._exit(0 if all(buckets.take("client", now=5.0) == 0 for _ in range(3)) else 1)
    _, status = os.waitpid(child, 0)
    assert os.WEXITSTATUS(status) == 0
    assert buckets.take("client", now=5.0) == 0.0  # the fourth of four
    assert buckets.take("client", now=5.0) > 0  # the child's three counted here too


@pytest.mark.parametrize(
    ("method", "path", "query", "expected"),
    [
        ("GET", "/sparql", "query=ASK%7B%7D", True),
        ("POST", "/sparql", "", True),
        ("GET", "/sparql", "", False),  # the editor page or the service description
        ("GET", "/queries/partners", "", True),
        ("GET", "/queries/partners.rq", "", False),  # the query's text
        ("GET", "/queries/", "", False),
        ("GET", "/doc/organization/encc", "", False),
    ],
)
def test_only_sparql_answers_count(method: str, path: str, query: str, expected: bool) -> None:
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query}
    assert counted(environ) is expected


@pytest.fixture(scope="module")
def limited(settings: Settings) -> FlaskClient:
    return create_app(dataclasses.replace(settings, sparql_rate_limit=2)).test_client()


def test_over_the_limit_answers_429_with_retry_after(limited: FlaskClient) -> None:
    ask = {"query": "ASK { ?s ?p ?o }"}
    client = {"REMOTE_ADDR": "192.0.2.7"}
    for _ in range(2):
        assert limited.get("/sparql", query_string=ask, environ_base=client).status_code == 200
    # the same query again: cached, but the limit stands in front of the cache
    refused = limited.get("/sparql", query_string=ask, environ_base=client)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    problem = json.loads(refused.data)
    assert refused.mimetype == "application/problem+json" and problem["status"] == 429
    assert "sparql_rate_limit" in problem["detail"]
    page = limited.get("/queries/partners", headers={"Accept": "text/html"}, environ_base=client)
    assert page.status_code == 429 and page.mimetype == "text/html"
    # pages and other clients are not limited
    assert limited.get("/doc/organization/encc.ttl", environ_base=client).status_code == 200
    other = {"REMOTE_ADDR": "192.0.2.8"}
    assert limited.get("/sparql", query_string=ask, environ_base=other).status_code == 200


def test_no_limit_by_default(client: FlaskClient) -> None:
    ask = {"query": "ASK { ?s ?p ?o }"}
    assert all(client.get("/sparql", query_string=ask).status_code == 200 for _ in range(30))
