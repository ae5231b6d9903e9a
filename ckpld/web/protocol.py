"""The SPARQL 1.1 Protocol's request rules: which query a request carries, over which dataset.

Three ways to send a query: GET with `?query=`, POST of an URL-encoded form, POST of the query
itself (`application/sparql-query`, UTF-8). `default-graph-uri` and `named-graph-uri` choose the
dataset. Anything else is refused with a 4xx that says why; this endpoint takes no updates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from werkzeug.http import parse_options_header

from ckpld.errors import (
    BadQueryError,
    ForbiddenQueryError,
    PayloadTooLargeError,
    UnsupportedMediaTypeError,
)

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"


@dataclass(frozen=True)
class SparqlRequest:
    """A query request: the query (None for a bare GET), the dataset it names, and the request's
    parameters as read once, the URL's then a form body's (None when the query did not come with
    the request: a cookbook page). A form's `format=` counts as the URL's does."""

    query: str | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    params: tuple[tuple[str, str], ...] | None = field(default=None, compare=False)


def parse_request(
    method: str,
    content_type: str | None,
    query_string: bytes,
    body: bytes,
    max_length: int,
) -> SparqlRequest:
    """The query request in an HTTP request.

    Args:
        method: GET or POST (the view refuses other methods).
        content_type: The Content-Type header of a POST.
        query_string: The URL's raw query string.
        body: The POST body.
        max_length: Longest query accepted, in characters.

    Raises:
        BadQueryError: no query or several, an invalid graph IRI, a body that is not UTF-8.
        ForbiddenQueryError: an update request.
        UnsupportedMediaTypeError: a POST body in another media type or character set.
        PayloadTooLargeError: a query longer than `max_length`.
    """
    in_url = url_params(query_string)
    params = list(in_url)
    if method == "POST":
        params += _post_params(content_type, body, in_url)
    if any(name in ("update", "using-graph-uri", "using-named-graph-uri") for name, _ in params):
        raise ForbiddenQueryError("this endpoint is read-only: SPARQL Update is not accepted")
    values = _group(params)
    queries = values.get("query", [])
    if len(queries) > 1:
        raise BadQueryError(
            f"a request carries one query; this one has {len(queries)} 'query' parameters"
        )
    default = tuple(_graph(i) for i in values.get("default-graph-uri", []))
    named = tuple(_graph(i) for i in values.get("named-graph-uri", []))
    if not queries:
        if method == "POST" or default or named:
            raise BadQueryError("the request has no 'query' parameter")
        return SparqlRequest(None, params=tuple(in_url))
    if len(queries[0]) > max_length:
        raise PayloadTooLargeError(
            f"the query is {len(queries[0])} characters long; this server "
            f"accepts up to {max_length}"
        )
    return SparqlRequest(queries[0], default, named, tuple(params))


def _post_params(
    content_type: str | None, body: bytes, url_params: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    if not content_type:
        raise UnsupportedMediaTypeError(
            f"a POST needs Content-Type {FORM} or {DIRECT}; this one has none"
        )
    media, options = parse_options_header(content_type)
    media = media.lower()
    charset = options.get("charset", "utf-8").lower()
    if media == UPDATE:
        raise ForbiddenQueryError("this endpoint is read-only: SPARQL Update is not accepted")
    if media not in (FORM, DIRECT):
        raise UnsupportedMediaTypeError(
            f"a POST needs Content-Type {FORM} or {DIRECT}, not {media}"
        )
    if charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaTypeError(f"queries are read as UTF-8, not {charset}")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise BadQueryError(f"the request body is not UTF-8 (byte {err.start})") from err
    if media == FORM:
        return _decode_pairs(text)
    if any(name == "query" for name, _ in url_params):
        raise BadQueryError(f"a {DIRECT} request carries its query in the body, not in the URL")
    return [("query", text)]


def url_params(query_string: bytes) -> list[tuple[str, str]]:
    """The parameters of a raw URL query string, in order, repeats kept; strictly UTF-8.

    Raises:
        BadQueryError: the parameters are not UTF-8 (percent-encoded or not).
    """
    try:
        return _decode_pairs(query_string.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise BadQueryError(f"the URL's parameters are not UTF-8 (byte {err.start})") from err


def _decode_pairs(text: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as err:
        raise BadQueryError("a parameter is not UTF-8 once percent-decoded") from err


def _group(params: list[tuple[str, str]]) -> Mapping[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in params:
        grouped.setdefault(name, []).append(value)
    return grouped


def _graph(iri: str) -> str:
    try:
        scheme = urlsplit(iri).scheme
    except ValueError:  # an unbalanced "[" or "]" where the host is: not an IRI either
        scheme = ""
    if not scheme or any(c in iri for c in '<>" {}|\\^`'):
        raise BadQueryError(f"graph IRIs must be absolute IRIs, not {iri!r}")
    return iri
