"""Whole responses kept per worker: what is kept, what is not, and what tells requests apart."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import UTC, datetime

import pytest
from flask import Flask, Response, request
from flask.testing import FlaskClient

from ckpld.lru import LRU, weight
from ckpld.web.response_cache import MAX_BODY, ResponseCache
from ckpld.web.views.representation import Representation, respond


@pytest.fixture
def counted() -> tuple[FlaskClient, Counter[str]]:
    """A small app that counts how often each view really runs, behind the cache."""
    calls: Counter[str] = Counter()
    app = Flask(__name__)

    @app.route("/plain", methods=["GET", "POST"])
    def plain() -> Response:
        calls["plain"] += 1
        return Response(f"{request.accept_mimetypes} {calls['plain']}", mimetype="text/plain")

    @app.get("/no-store")
    def no_store() -> Response:
        calls["no-store"] += 1
        return Response("x", headers={"Cache-Control": "no-store"})

    @app.get("/cookie")
    def cookie() -> Response:
        calls["cookie"] += 1
        response = Response("x")
        response.set_cookie("a", "b")
        return response

    @app.get("/big")
    def big() -> Response:
        calls["big"] += 1
        return Response(b"x" * (MAX_BODY + 1))

    @app.get("/fails")
    def fails() -> Response:
        calls["fails"] += 1
        return Response("no", status=503)

    @app.get("/missing")
    def missing() -> Response:
        calls["missing"] += 1
        return Response("not here", status=404)

    app.wsgi_app = ResponseCache(app.wsgi_app, 100)  # type: ignore[method-assign]
    return app.test_client(), calls


def test_a_repeated_request_does_not_reach_the_app(
    counted: tuple[FlaskClient, Counter[str]],
) -> None:
    client, calls = counted
    first = client.get("/plain", headers={"Accept": "text/plain"})
    again = client.get("/plain", headers={"Accept": "text/plain", "User-Agent": "other"})
    assert again.data == first.data and again.status_code == 200 and calls["plain"] == 1
    assert again.headers["Content-Type"] == first.headers["Content-Type"]
    other = client.get("/plain", headers={"Accept": "text/html"})  # another request header
    assert calls["plain"] == 2 and other.data != first.data
    client.get("/plain?x=1", headers={"Accept": "text/plain"})  # another query string
    client.head("/plain", headers={"Accept": "text/plain"})  # another method
    assert calls["plain"] == 4
    client.post("/plain", headers={"Accept": "text/plain"})
    client.post("/plain", headers={"Accept": "text/plain"})  # POST is never looked up
    assert calls["plain"] == 6
    client.get("/missing")
    client.get("/missing")  # a 404 is as final as a 200
    assert calls["missing"] == 1


@pytest.mark.parametrize("path", ["/no-store", "/cookie", "/big", "/fails"])
def test_what_is_not_kept(counted: tuple[FlaskClient, Counter[str]], path: str) -> None:
    client, calls = counted
    bodies = {client.get(path).data for _ in range(2)}
    assert calls[path.strip("/")] == 2 and len(bodies) == 1


def test_size_zero_keeps_nothing() -> None:
    calls: Counter[str] = Counter()
    app = Flask(__name__)

    @app.get("/")
    def home() -> str:
        calls["home"] += 1
        return "x"

    app.wsgi_app = ResponseCache(app.wsgi_app, 0)  # type: ignore[method-assign]
    client = app.test_client()
    client.get("/")
    client.get("/")
    assert calls["home"] == 2


def test_volatile_queries_are_answered_anew(client: FlaskClient) -> None:
    query = {"query": "SELECT (STRUUID() AS ?id) WHERE {}"}
    accept = {"Accept": "application/sparql-results+json"}
    first = client.get("/sparql", query_string=query, headers=accept)
    again = client.get("/sparql", query_string=query, headers=accept)
    assert first.status_code == again.status_code == 200
    assert first.json != again.json
    assert again.headers["Cache-Control"] == "no-store"
    stable = {"query": "SELECT (STRLEN('now') AS ?n) WHERE {}"}  # the word alone is harmless
    assert (
        "public"
        in client.get("/sparql", query_string=stable, headers=accept).headers["Cache-Control"]
    )


def test_proxy_ids_and_tracing_headers_do_not_split_the_cache(
    counted: tuple[FlaskClient, Counter[str]],
) -> None:
    client, calls = counted
    for n in range(5):
        client.get(
            "/plain",
            headers={"X-Request-Id": f"lb-{n}", "X-Forwarded-For": f"198.51.100.{n}"},
        )
    assert calls["plain"] == 1


def test_the_byte_budget_drops_the_oldest_answers() -> None:
    calls: Counter[str] = Counter()
    app = Flask(__name__)

    @app.get("/<int:n>")
    def sized(n: int) -> Response:
        calls[str(n)] += 1
        return Response(b"x" * 40_000)

    app.wsgi_app = ResponseCache(app.wsgi_app, 100, max_bytes=100_000)  # type: ignore[method-assign]
    client = app.test_client()
    for n in (1, 2, 3):  # 3 answers of 40 kB: over the 100 kB budget, the first goes
        client.get(f"/{n}")
    for n in (3, 2, 1):
        client.get(f"/{n}")
    assert (calls["1"], calls["2"], calls["3"]) == (2, 1, 1)


class Shared:
    """A small app whose view keeps its rendered bodies in its own LRU, as ckpld's views do."""

    def __init__(self, views: int, views_bytes: int = 0) -> None:
        self.calls: Counter[str] = Counter()
        self.views: LRU[Representation] = LRU(views, views_bytes, weight)
        app = Flask(__name__)

        @app.get("/doc/<name>")
        def doc(name: str) -> Response:
            def make() -> Representation:
                self.calls[name] += 1
                hexes = (hashlib.sha256(f"{name}{n}".encode()).hexdigest() for n in range(100))
                body = "".join(hexes).encode()  # 6,400 bytes, about 3,200 compressed
                return Representation(body, "text/plain; charset=utf-8", name, _WHEN)

            return respond(self.views.get((name,), make), request, 60)

        self.cache = ResponseCache(app.wsgi_app, 100, 1 << 20, held=self.views.touch)
        app.wsgi_app = self.cache  # type: ignore[method-assign]
        self.client = app.test_client()


_WHEN = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("coding", ["identity", "gzip", "br"])
def test_a_body_the_views_keep_is_kept_and_counted_once(coding: str) -> None:
    shared = Shared(10)
    first = shared.client.get("/doc/a", headers={"Accept-Encoding": coding})
    again = shared.client.get("/doc/a", headers={"Accept-Encoding": coding})
    assert shared.calls["a"] == 1 and again.data == first.data and len(first.data) > 3000
    assert shared.cache.kept_bytes < 1024  # the headers only: the body is the views'
    assert again.headers == first.headers


def test_when_the_views_let_a_body_go_the_request_goes_through_again() -> None:
    shared = Shared(1)
    body = shared.client.get("/doc/a").data
    shared.client.get("/doc/b")  # the views keep one: "a" goes
    again = shared.client.get("/doc/a")
    assert shared.calls["a"] == 2 and again.data == body


def test_hits_in_front_keep_a_body_recent_in_the_views_cache() -> None:
    shared = Shared(2)
    shared.client.get("/doc/a")
    shared.client.get("/doc/b")
    shared.client.get("/doc/a")  # answered here, but "a" is now the views' most recent
    shared.client.get("/doc/c")  # so "b" goes, not "a"
    shared.client.get("/doc/a")
    shared.client.get("/doc/b")
    assert (shared.calls["a"], shared.calls["b"], shared.calls["c"]) == (1, 2, 1)


def test_a_body_the_views_do_not_keep_is_kept_here() -> None:
    shared = Shared(0)
    first = shared.client.get("/doc/a")
    again = shared.client.get("/doc/a")
    assert shared.calls["a"] == 1 and again.data == first.data
    assert shared.cache.kept_bytes > len(first.data)
    head = shared.client.head("/doc/b")  # HEAD: no body sent, none shared
    assert head.status_code == 200 and head.data == b""


def test_the_server_keeps_a_document_body_once(app: Flask, client: FlaskClient) -> None:
    front = app.wsgi_app.app  # type: ignore[attr-defined]  # inside the request ids
    cache = getattr(front, "cached", front)  # inside the rate limit, if any
    assert isinstance(cache, ResponseCache)
    before = cache.kept_bytes
    headers = {"Accept": "text/turtle", "Accept-Encoding": "identity", "X-Test": "once"}
    first = client.get("/doc/organization/encc", headers=headers)
    again = client.get("/doc/organization/encc", headers=headers)
    assert first.status_code == again.status_code == 200 and again.data == first.data
    assert cache.kept_bytes - before < len(first.data)  # the headers, not the body
