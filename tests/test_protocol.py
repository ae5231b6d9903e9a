"""The SPARQL 1.1 Protocol's request rules, table-driven."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from ckpld.errors import (
    BadQueryError,
    ForbiddenQueryError,
    PayloadTooLargeError,
    UnsupportedMediaTypeError,
)
from ckpld.protocol import FORM, SparqlRequest, parse_request

G1, G2 = "http://example.org/g1", "http://example.org/g2"


def qs(**params: str | list[str]) -> bytes:
    pairs = []
    for name, values in params.items():
        for value in values if isinstance(values, list) else [values]:
            pairs.append(f"{name.replace('_', '-')}={quote(value, safe='')}")
    return "&".join(pairs).encode()


@pytest.mark.parametrize(
    ("method", "content_type", "query_string", "body", "expected"),
    [
        pytest.param("GET", None, b"", b"", SparqlRequest(None), id="bare-get"),
        pytest.param("GET", None, qs(query="ASK {}"), b"", SparqlRequest("ASK {}"), id="get"),
        pytest.param(
            "GET",
            None,
            qs(query="ASK {}", default_graph_uri=[G1, G2], named_graph_uri=G2),
            b"",
            SparqlRequest("ASK {}", (G1, G2), (G2,)),
            id="get-dataset",
        ),
        pytest.param(
            "POST",
            FORM,
            b"",
            qs(query="ASK {}", named_graph_uri=G1),
            SparqlRequest("ASK {}", (), (G1,)),
            id="form",
        ),
        pytest.param(
            "POST",
            f"{FORM}; charset=UTF-8",
            qs(default_graph_uri=G1),
            qs(query="ASK {}"),
            SparqlRequest("ASK {}", (G1,)),
            id="form-url-dataset",
        ),
        pytest.param(
            "POST",
            "application/sparql-query",
            qs(default_graph_uri=G1),
            "ASK { ?s ?p 'zażółć' }".encode(),
            SparqlRequest("ASK { ?s ?p 'zażółć' }", (G1,)),
            id="direct",
        ),
        pytest.param(
            "POST",
            "Application/SPARQL-Query; charset=utf-8",
            b"",
            b"ASK {}",
            SparqlRequest("ASK {}"),
            id="direct-case",
        ),
    ],
)
def test_accepted(
    method: str, content_type: str | None, query_string: bytes, body: bytes, expected: SparqlRequest
) -> None:
    assert parse_request(method, content_type, query_string, body, 1000) == expected


@pytest.mark.parametrize(
    ("method", "content_type", "query_string", "body", "error", "message"),
    [
        pytest.param(
            "GET",
            None,
            qs(query=["ASK {}", "SELECT * {}"]),
            b"",
            BadQueryError,
            "one query",
            id="two-queries",
        ),
        pytest.param(
            "GET",
            None,
            qs(default_graph_uri=G1),
            b"",
            BadQueryError,
            "no 'query'",
            id="dataset-without-query",
        ),
        pytest.param(
            "GET",
            None,
            qs(update="CLEAR ALL"),
            b"",
            ForbiddenQueryError,
            "read-only",
            id="get-update",
        ),
        pytest.param(
            "POST",
            FORM,
            b"",
            qs(update="CLEAR ALL"),
            ForbiddenQueryError,
            "read-only",
            id="form-update",
        ),
        pytest.param(
            "POST",
            "application/sparql-update",
            b"",
            b"CLEAR ALL",
            ForbiddenQueryError,
            "read-only",
            id="direct-update",
        ),
        pytest.param(
            "POST",
            "application/sparql-update; charset=UTF-16",
            b"",
            "CLEAR NAMED".encode("utf-16"),
            ForbiddenQueryError,
            "read-only",
            id="update-utf16",
        ),
        pytest.param(
            "POST",
            FORM,
            qs(using_graph_uri=G1),
            qs(query="ASK {}"),
            ForbiddenQueryError,
            "read-only",
            id="using-graph",
        ),
        pytest.param(
            "POST",
            "text/plain",
            b"",
            b"ASK {}",
            UnsupportedMediaTypeError,
            "not text/plain",
            id="wrong-type",
        ),
        pytest.param(
            "POST",
            None,
            b"",
            b"query=ASK%20%7B%7D",
            UnsupportedMediaTypeError,
            "has none",
            id="no-type",
        ),
        pytest.param(
            "POST",
            "application/sparql-query; charset=UTF-16",
            b"",
            "ASK {}".encode("utf-16"),
            UnsupportedMediaTypeError,
            "not utf-16",
            id="utf16",
        ),
        pytest.param(
            "POST",
            "application/sparql-query",
            b"",
            b"ASK { \xff }",
            BadQueryError,
            "not UTF-8",
            id="bad-bytes",
        ),
        pytest.param(
            "GET",
            None,
            b"query=ASK%20%7B%FF%7D",
            b"",
            BadQueryError,
            "not UTF-8",
            id="percent-encoded-bad-bytes",
        ),
        pytest.param(
            "GET",
            None,
            "query=ASK {'ż'}".encode("latin-1", "replace") + b"\xe9",
            b"",
            BadQueryError,
            "not UTF-8",
            id="raw-bad-bytes",
        ),
        pytest.param(
            "POST",
            "application/sparql-query",
            qs(query="ASK {}"),
            b"ASK {}",
            BadQueryError,
            "in the body",
            id="direct-and-url-query",
        ),
        pytest.param("POST", FORM, b"", b"", BadQueryError, "no 'query'", id="empty-form"),
        pytest.param(
            "GET",
            None,
            qs(query="ASK {}", default_graph_uri="relative/graph"),
            b"",
            BadQueryError,
            "absolute",
            id="relative-graph",
        ),
        pytest.param(
            "GET",
            None,
            qs(query="ASK {}", named_graph_uri="http://x/> <y"),
            b"",
            BadQueryError,
            "absolute",
            id="graph-injection",
        ),
        pytest.param(
            "GET", None, qs(query="A" * 1001), b"", PayloadTooLargeError, "1001", id="too-long"
        ),
    ],
)
def test_refused(
    method: str,
    content_type: str | None,
    query_string: bytes,
    body: bytes,
    error: type[Exception],
    message: str,
) -> None:
    with pytest.raises(error, match=message):
        parse_request(method, content_type, query_string, body, 1000)
