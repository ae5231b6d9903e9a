"""The OpenAPI description (/openapi.json): valid OpenAPI 3.1, complete, and true of the app.

Complete both ways: every route of `app.url_map` (each method but HEAD and OPTIONS, which every
path answers) is an operation of the description, and every operation is a route; adding a route
without describing it fails here. True: the test client's answers to a table of requests, one or
more per operation and status, have the status, media type, headers and body the description
gives them. tests/e2e/test_schemathesis.py fuzzes the live server with the same description.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from openapi_spec_validator import OpenAPIV31SpecValidator, validate
from werkzeug.wrappers import Response

from ckpld.rdf.formats import FORMATS
from ckpld.web.openapi import description
from ckpld.web.openapi.service import STATIC_TYPES
from tests.conftest import ROOT

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
ROUTE_VARIABLE = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")  # <path:rest> → {rest}
THING = "/doc/organization/encc"
SELECT = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 2"
CONSTRUCT = "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 2"


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    return description()


def template(rule: str) -> str:
    """The OpenAPI path template of a werkzeug rule."""
    return ROUTE_VARIABLE.sub(r"{\1}", rule)


def test_description_is_valid_openapi_3_1(openapi: dict[str, Any]) -> None:
    validate(openapi, cls=OpenAPIV31SpecValidator)
    assert openapi["openapi"].startswith("3.1.")


def test_every_route_is_described_and_every_operation_is_a_route(
    app: Flask, openapi: dict[str, Any]
) -> None:
    routes = {
        (template(rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }
    described = {
        (path, method)
        for path, item in openapi["paths"].items()
        for method in item
        if method in METHODS
    }
    assert sorted(routes - described) == [], "routes the description does not describe"
    assert sorted(described - routes) == [], "operations the app does not have"


def test_operation_ids_are_unique_and_every_operation_answers_something(
    openapi: dict[str, Any],
) -> None:
    operations = [op for item in openapi["paths"].values() for op in item.values()]
    ids = [op["operationId"] for op in operations]
    assert len(ids) == len(set(ids))
    for op in operations:
        assert any(code.startswith(("2", "3")) for code in op["responses"]), op["operationId"]


def test_every_format_of_the_table_is_described(openapi: dict[str, Any]) -> None:
    described = set(_media_types(openapi))
    assert {f.media_type for f in FORMATS} <= described


def test_served_as_json_at_openapi_json_only(client: FlaskClient, openapi: dict[str, Any]) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert json.loads(response.data) == openapi
    conforms(response, "/openapi.json")
    again = client.get("/openapi.json", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    conforms(again, "/openapi.json")
    for other in ("/openapi", "/openapi.yaml", "/openapi.json/", "/docs/openapi.json"):
        assert client.get(other).status_code == 404, other


def test_every_static_file_has_a_described_media_type(client: FlaskClient) -> None:
    files = sorted(p.name for p in (ROOT / "ckpld" / "web" / "static").iterdir() if p.is_file())
    assert files
    for name in files:
        with client.get(f"/static/{name}") as response:
            assert response.mimetype in STATIC_TYPES, name
            conforms(response, "/static/{filename}")


def test_every_dump_file_has_a_described_media_type(client: FlaskClient) -> None:
    manifest = client.get("/dumps/manifest.json").get_json()
    for name in [f["name"] for f in manifest["files"]] + ["manifest.json"]:
        with client.get(f"/dumps/{name}") as response:
            assert response.status_code == 200, name
            conforms(response, "/dumps/{name}")


# Requests and what the description says of them: (method, url, headers, body, status, media).
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}
EXCHANGES: list[tuple[str, str, dict[str, str], str | None, int, str | None]] = [
    ("GET", "/", {"Accept": "text/html"}, None, 200, "text/html"),
    ("GET", "/", {"Accept": "text/turtle"}, None, 303, "text/html"),
    ("GET", "/", {"Accept": "image/png"}, None, 406, "application/problem+json"),
    ("GET", "/", {"Accept": "image/png, text/html;q=0.1"}, None, 200, "text/html"),
    ("GET", "/id/organization/encc", {}, None, 303, "text/html"),
    ("GET", "/id/organization/encc.ttl?lang=pl", {}, None, 303, "text/html"),
    ("GET", "/id/no/such/thing", {}, None, 404, "application/problem+json"),
    ("GET", "/id/no/such/thing", {"Accept": "text/html"}, None, 404, "text/html"),
    ("GET", THING, {}, None, 200, "text/turtle"),
    ("GET", THING, {"Accept": "text/html"}, None, 200, "text/html"),
    ("GET", THING, {"Accept": "application/json"}, None, 200, "application/ld+json"),
    ("GET", THING + ".nt", {}, None, 200, "application/n-triples"),
    ("GET", THING + ".rdf", {}, None, 200, "application/rdf+xml"),
    ("GET", THING + ".trig", {}, None, 200, "application/trig"),
    ("GET", THING + "?_format=nq", {}, None, 200, "application/n-quads"),
    ("GET", THING + "?format=text/html&lang=pl", {}, None, 200, "text/html"),
    ("GET", THING + ".csv", {}, None, 406, "application/problem+json"),
    ("GET", THING + "?_format=nothing", {}, None, 406, "application/problem+json"),
    ("GET", THING, {"Accept": "image/png"}, None, 406, "application/problem+json"),
    ("GET", "/doc/no/such/thing", {}, None, 404, "application/problem+json"),
    # Paths that cannot be IRIs are 404s like any other (schemathesis found them answered 400
    # "Bad SPARQL query"; ckpld.store.documents now says NotFound).
    ("GET", "/doc/not an IRI", {}, None, 404, "application/problem+json"),
    ("GET", "/doc/%1D<>", {}, None, 404, "application/problem+json"),
    ("GET", "/def/not an IRI", {}, None, 404, "application/problem+json"),
    ("GET", "/graph/not an IRI", {}, None, 404, "application/problem+json"),
    ("GET", "/def/ckp", {"Accept": "text/html"}, None, 200, "text/html"),
    ("GET", "/def/ckp.jsonld", {}, None, 200, "application/ld+json"),
    ("GET", "/def/shapes.ttl", {}, None, 200, "text/turtle"),
    ("GET", "/def/shapes.html", {}, None, 406, "application/problem+json"),
    ("GET", "/def/nothing", {}, None, 404, "application/problem+json"),
    ("GET", "/graph/page.nq", {}, None, 200, "application/n-quads"),
    ("GET", "/graph/catalog", {}, None, 200, "text/turtle"),
    ("GET", "/graph/nothing", {}, None, 404, "application/problem+json"),
    ("GET", "/graph/page.html", {}, None, 406, "application/problem+json"),
    ("GET", "/data", {"Accept": "application/trig"}, None, 200, "application/trig"),
    ("GET", "/data.jsonld", {}, None, 200, "application/ld+json"),
    ("GET", "/data.html", {}, None, 406, "application/problem+json"),
    ("GET", "/data.nothing", {}, None, 404, "application/problem+json"),
    ("GET", "/.well-known/void", {}, None, 200, "text/turtle"),
    ("GET", "/void", {"Accept": "text/html"}, None, 200, "text/html"),
    ("GET", "/void.jsonld", {}, None, 200, "application/ld+json"),
    ("GET", "/void.srj", {}, None, 406, "application/problem+json"),
    ("GET", "/catalog", {}, None, 200, "text/turtle"),
    ("GET", "/catalog.rdf", {}, None, 200, "application/rdf+xml"),
    ("GET", "/catalog.nothing", {}, None, 404, "application/problem+json"),
    ("GET", "/source/instytucje-partnerskie.txt", {}, None, 200, "text/plain"),
    ("GET", "/source/nothing.txt", {}, None, 404, "application/problem+json"),
    ("GET", "/dumps/", {"Accept": "text/html"}, None, 200, "text/html"),
    ("GET", "/dumps/", {"Accept": "application/json"}, None, 200, "application/json"),
    ("GET", "/dumps/", {"Accept": "image/png"}, None, 406, "application/problem+json"),
    ("GET", "/dumps/manifest.json", {}, None, 200, "application/json"),
    ("GET", "/dumps/instytucje-partnerskie.nt.gz", {}, None, 200, "application/gzip"),
    ("GET", "/dumps/void.ttl", {"Range": "bytes=0-9"}, None, 206, "text/turtle"),
    ("GET", "/dumps/void.ttl", {"Range": "bytes=99999999-"}, None, 416, None),
    ("GET", "/dumps/nothing", {}, None, 404, "application/problem+json"),
    ("GET", "/sitemap.xml", {}, None, 200, "application/xml"),
    ("GET", "/sitemap-1.xml", {}, None, 404, "application/problem+json"),
    ("GET", "/robots.txt", {}, None, 200, "text/plain"),
    ("GET", "/context.jsonld", {}, None, 200, "application/ld+json"),
    ("GET", "/sparql", {"Accept": "text/html"}, None, 200, "text/html"),
    ("GET", "/sparql", {}, None, 200, "text/turtle"),
    ("GET", "/sparql/", {"Accept": "application/rdf+xml"}, None, 200, "application/rdf+xml"),
    ("GET", "/sparql?_format=csv", {}, None, 406, "application/problem+json"),
    ("GET", f"/sparql?query={SELECT}", {}, None, 200, "application/sparql-results+json"),
    ("GET", f"/sparql?query={SELECT}&format=csv", {}, None, 200, "text/csv"),
    ("GET", f"/sparql/?query={SELECT}", {"Accept": "text/html"}, None, 200, "text/html"),
    ("GET", f"/sparql?query={CONSTRUCT}", {}, None, 200, "text/turtle"),
    ("GET", "/sparql?query=ASK {}&output=tsv", {}, None, 406, "application/problem+json"),
    ("GET", "/sparql?query=ASK {}", {"Accept": "application/sparql-results+xml"}, None, 200,
     "application/sparql-results+xml"),
    ("GET", "/sparql?query=SELEKT", {}, None, 400, "application/problem+json"),
    ("GET", "/sparql?query=ASK {}&query=ASK {}", {}, None, 400, "application/problem+json"),
    ("GET", "/sparql?default-graph-uri=relative", {}, None, 400, "application/problem+json"),
    ("GET", "/sparql?query=INSERT DATA { <a:b> <a:b> <a:b> }", {}, None, 403,
     "application/problem+json"),
    ("GET", "/sparql?query=SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", {}, None,
     403, "application/problem+json"),
    ("GET", "/sparql?query=" + "x" * 100_001, {}, None, 413, "application/problem+json"),
    ("POST", "/sparql", FORM, f"query={SELECT}", 200, "application/sparql-results+json"),
    ("POST", "/sparql", DIRECT, SELECT, 200, "application/sparql-results+json"),
    ("POST", "/sparql/?format=tsv", DIRECT, SELECT, 200, "text/tab-separated-values"),
    ("POST", "/sparql", {"Content-Type": "text/plain"}, SELECT, 415, "application/problem+json"),
    ("POST", "/sparql", FORM, "", 400, "application/problem+json"),
    ("POST", "/sparql", {"Content-Type": "application/sparql-update"}, "CLEAR ALL", 403,
     "application/problem+json"),
    ("GET", "/queries/", {}, None, 200, "text/html"),
    ("GET", "/queries/partners", {}, None, 200, "application/sparql-results+json"),
    ("GET", "/queries/partners", {"Accept": "text/html"}, None, 200, "text/html"),
    ("GET", "/queries/partners?_format=xml", {}, None, 200, "application/sparql-results+xml"),
    ("GET", "/queries/partners.rq", {}, None, 200, "application/sparql-query"),
    ("GET", "/queries/partners?_format=ttl", {}, None, 406, "application/problem+json"),
    ("GET", "/queries/nothing", {}, None, 404, "application/problem+json"),
    ("GET", "/assets/yasgui/yasgui.min.js", {}, None, 200, "text/javascript"),
    ("GET", "/assets/yasgui/yasgui.min.css", {}, None, 200, "text/css"),
    ("GET", "/assets/yasgui/other.js", {}, None, 404, "application/problem+json"),
    ("GET", "/static/style.css", {}, None, 200, "text/css"),
    ("GET", "/static/nothing.css", {}, None, 404, "application/problem+json"),
    ("GET", "/healthz", {}, None, 200, "application/json"),
    ("GET", "/readyz", {}, None, 200, "application/json"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "url", "headers", "body", "status", "media"),
    EXCHANGES,
    ids=[f"{m} {u[:50]} {h.get('Accept', '')} {s}" for m, u, h, _, s, _ in EXCHANGES],
)
def test_answers_are_as_described(
    app: Flask,
    client: FlaskClient,
    method: str,
    url: str,
    headers: dict[str, str],
    body: str | None,
    status: int,
    media: str | None,
) -> None:
    with client.open(url, method=method, headers=headers, data=body) as response:
        assert response.status_code == status, response.data[:300]
        if media is not None:
            assert response.mimetype == media
        conforms(response, _template_of(app, url, method), method.lower())


def test_not_modified_answers_are_as_described(app: Flask, client: FlaskClient) -> None:
    for url in (THING, "/", "/void", "/dumps/", "/dumps/void.ttl", "/static/style.css",
                f"/sparql?query={SELECT}", "/queries/partners.rq", "/context.jsonld"):  # fmt: skip
        with client.get(url) as first:
            tag = first.headers["ETag"]
        with client.get(url, headers={"If-None-Match": tag}) as again:
            assert again.status_code == 304, url
            conforms(again, _template_of(app, url, "GET"))


def test_a_rate_limited_answer_is_as_described(openapi: dict[str, Any]) -> None:
    """429 (setting sparql_rate_limit; tests/e2e/test_reload.py makes real ones) carries
    Retry-After, on every operation that gives SPARQL answers."""
    for path, method in (("/sparql", "get"), ("/sparql", "post"), ("/queries/{name}", "get")):
        response = _resolve(openapi, openapi["paths"][path][method]["responses"]["429"])
        assert response["headers"]["Retry-After"]["required"] is True


# The checker: what the description says of one answer.


def conforms(response: Response, path: str, method: str = "get") -> None:
    """Assert that `response` is one the description gives `method path`."""
    openapi = description()
    operation = openapi["paths"][path][method]
    described = operation["responses"].get(str(response.status_code))
    assert described is not None, f"{method} {path}: {response.status_code} is not described"
    described = _resolve(openapi, described)
    content = described.get("content", {})
    if content and method != "head" and response.status_code != 304:
        mimetype = response.mimetype
        assert mimetype is not None and mimetype in content, f"{method} {path}: {mimetype}"
        schema = content[mimetype].get("schema")
        if schema is not None and mimetype.endswith("json"):
            errors = list(Draft202012Validator(schema).iter_errors(json.loads(response.data)))
            assert errors == [], f"{method} {path}: {errors[0].message}"
    else:
        assert not response.data, f"{method} {path}: {response.status_code} has no body"
    for name, header in described.get("headers", {}).items():
        value = response.headers.get(name)
        if value is None:
            assert not header.get("required"), f"{method} {path}: {name} is missing"
            continue
        schema = header["schema"]
        typed: Any = int(value) if schema.get("type") == "integer" else value
        errors = list(Draft202012Validator(schema).iter_errors(typed))
        assert errors == [], f"{method} {path}: {name}: {value!r}: {errors[0].message}"


def _resolve(openapi: dict[str, Any], node: Any) -> Any:
    """`node` with every local `$ref` replaced by what it names (the description has no cycles)."""
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = openapi
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return _resolve(openapi, copy.deepcopy(target))
        return {key: _resolve(openapi, value) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolve(openapi, item) for item in node]
    return node


def _template_of(app: Flask, url: str, method: str) -> str:
    adapter = app.url_map.bind("localhost")
    rule, _ = adapter.match(url.split("?", 1)[0], method, return_rule=True)
    return template(rule.rule)


def _media_types(openapi: dict[str, Any]) -> Iterator[str]:
    """Every media type of every response the description gives."""
    for item in openapi["paths"].values():
        for operation in item.values():
            for response in operation["responses"].values():
                yield from _resolve(openapi, response).get("content", {})


# Found by schemathesis (tests/e2e/test_schemathesis.py): werkzeug's own errors lost their headers
# when turned into problem details, so a 405 had no `Allow` (RFC 9110 §15.5.6 requires it) and a
# 416 no `Content-Range`.


@pytest.mark.parametrize(
    ("method", "url", "allowed"),
    [
        ("DELETE", "/data", {"GET", "HEAD", "OPTIONS"}),
        ("TRACE", "/", {"GET", "HEAD", "OPTIONS"}),
        ("PUT", "/sparql", {"GET", "HEAD", "OPTIONS", "POST"}),
        ("POST", "/doc/organization/encc", {"GET", "HEAD", "OPTIONS"}),
    ],
)
def test_a_405_says_which_methods_are_allowed(
    client: FlaskClient, method: str, url: str, allowed: set[str]
) -> None:
    response = client.open(url, method=method)
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"
    assert {m.strip() for m in response.headers["Allow"].split(",")} == allowed


def test_a_416_says_how_long_the_file_is(client: FlaskClient) -> None:
    size = len(client.get("/dumps/void.ttl").data)
    with client.get("/dumps/void.ttl", headers={"Range": f"bytes={size + 10}-"}) as response:
        assert response.status_code == 416
        assert response.headers["Content-Range"] == f"bytes */{size}"
        conforms(response, "/dumps/{name}")
