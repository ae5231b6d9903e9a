"""The SPARQL 1.1 Protocol's request rules, table-driven."""

from __future__ import annotations

from functools import partial
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ckpld.errors import (
    BadQueryError,
    CkpldError,
    ForbiddenQueryError,
    PayloadTooLargeError,
    UnsupportedMediaTypeError,
)
from ckpld.web.protocol import DIRECT, FORM, SparqlRequest, parse_request, url_params
from tests.hostile import BAD_BYTES, PARAMETER_NAMES, PARAMETER_VALUES, query_strings

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


# Properties (hypothesis): any query string, form or body parses or is refused with a message.

CONTENT_TYPES = st.one_of(
    st.none(),
    st.sampled_from(
        [
            FORM,
            f"{FORM}; charset=UTF-8",
            f"{FORM}; charset=latin-1",
            DIRECT,
            f"{DIRECT}; charset=utf-16",
            "application/sparql-update",
            "text/plain",
            "multipart/form-data; boundary=x",
            "",
            ";",
            'application/sparql-query; charset="',
        ]
    ),
    st.text(max_size=40),
)


def _parse_or_refuse(
    method: str, content_type: str | None, query_string: bytes, body: bytes, limit: int = 1000
) -> SparqlRequest | CkpldError:
    try:
        return parse_request(method, content_type, query_string, body, limit)
    except CkpldError as err:
        assert 400 <= err.status < 500
        assert err.detail.strip()
        return err


@given(
    method=st.sampled_from(["GET", "POST"]),
    content_type=CONTENT_TYPES,
    query_string=query_strings(),
    body=query_strings() | st.binary(max_size=64),
)
@example("GET", None, b"query=ASK%7B%7D&default-graph-uri=http://%5B", b"")  # was a 500
@example("GET", None, b"query=ASK%7B%7D&named-graph-uri=http://[::1", b"")  # was a 500
@example("POST", FORM, b"", b"query=ASK%7B%7D&default-graph-uri=http%3A%2F%2F%5B")  # was a 500
@example("GET", None, b"query=%c0%af&query=\xff", b"")
def test_any_request_parses_or_is_refused_with_a_message(
    method: str, content_type: str | None, query_string: bytes, body: bytes
) -> None:
    _parse_or_refuse(method, content_type, query_string, body)


@given(pairs=st.lists(st.tuples(PARAMETER_NAMES, PARAMETER_VALUES), max_size=8), plus=st.booleans())
def test_parsed_requests_carry_exactly_what_was_sent(
    pairs: list[tuple[str, str]], plus: bool
) -> None:
    encode = quote_plus if plus else partial(quote, safe="")
    sent = "&".join(f"{encode(n)}={encode(v)}" for n, v in pairs).encode()
    outcome = _parse_or_refuse("GET", None, sent, b"")
    by_name: dict[str, list[str]] = {}
    for name, value in pairs:
        by_name.setdefault(name, []).append(value)
    queries = by_name.get("query", [])
    graphs = by_name.get("default-graph-uri", []) + by_name.get("named-graph-uri", [])
    if any(n in by_name for n in ("update", "using-graph-uri", "using-named-graph-uri")):
        assert isinstance(outcome, ForbiddenQueryError)
    elif len(queries) > 1:
        assert isinstance(outcome, BadQueryError)
    elif isinstance(outcome, SparqlRequest):
        assert outcome.query == (queries[0] if queries else None)
        assert outcome.default_graphs == tuple(by_name.get("default-graph-uri", []))
        assert outcome.named_graphs == tuple(by_name.get("named-graph-uri", []))
    else:  # refused for a reason the request has: a graph IRI, or a query too long
        assert isinstance(outcome, BadQueryError | PayloadTooLargeError)
        assert graphs or any(len(q) > 1000 for q in queries)


@given(query_string=query_strings(), bad=BAD_BYTES)
def test_parameters_that_are_not_utf8_are_refused(query_string: bytes, bad: bytes) -> None:
    with pytest.raises(BadQueryError, match="not UTF-8"):
        url_params(query_string + b"&lang=" + bad)
