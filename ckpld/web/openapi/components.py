"""The reusable components every route refers to: schemas, parameters, headers, errors."""

from __future__ import annotations

from ckpld.rdf.formats import HTML, PROBLEM
from ckpld.web.conneg import OVERRIDES
from ckpld.web.openapi.parts import (
    _CACHED,
    _HTTP_DATE,
    _OFFER_SETS,
    Json,
    _everywhere,
    _examples,
    _header,
    _ref_header,
)


def _override_parameters() -> Json:
    text = (
        "Choose the format, beating `Accept`: a format name, suffix or media type (a "
        "comma-separated list: its first offered item). One that names no format offered here: "
        "`406`."
    )
    parameters = {}
    for offers, kind in _OFFER_SETS.items():
        names = [
            *dict.fromkeys(
                value for f in offers for value in (f.name, f.suffix, *f.also, *f.media_types)
            )
        ]
        for name in OVERRIDES:
            parameters[f"{name}-{kind}"] = {
                "name": name,
                "in": "query",
                "required": False,
                "description": text if name == "_format" else "The same as `_format`.",
                "schema": {"anyOf": [{"enum": names}, {"type": "string"}]},
            }
    return parameters


# Components.


def _components() -> Json:
    return {
        "schemas": _schemas(),
        "parameters": _parameters(),
        "headers": _headers(),
        "responses": _errors(),
    }


def _schemas() -> Json:
    return {
        "Problem": {
            "description": "RFC 9457 problem details.",
            "type": "object",
            "required": ["type", "title", "status", "detail"],
            "properties": {
                "type": {"type": "string", "const": "about:blank"},
                "title": {"type": "string"},
                "status": {"type": "integer", "minimum": 400, "maximum": 599},
                "detail": {"type": "string"},
            },
        },
        "SparqlResults": {
            "description": "SPARQL 1.1 Query Results JSON: bindings (SELECT) or a boolean (ASK).",
            "type": "object",
            "required": ["head"],
            "properties": {
                "head": {"type": "object"},
                "results": {
                    "type": "object",
                    "required": ["bindings"],
                    "properties": {"bindings": {"type": "array", "items": {"type": "object"}}},
                },
                "boolean": {"type": "boolean"},
            },
            "oneOf": [{"required": ["results"]}, {"required": ["boolean"]}],
        },
        "JsonLd": {
            "description": "A JSON-LD document.",
            "type": ["object", "array"],
        },
        "Manifest": {
            "description": "The release's manifest: its version and files.",
            "type": "object",
            "required": ["version", "files"],
            "properties": {
                "version": {"type": "string"},
                "modified": {"type": "string"},
                "files": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["name", "mediaType", "size", "sha256"],
                        "properties": {
                            "name": {"type": "string"},
                            "mediaType": {"type": "string"},
                            "size": {"type": "integer", "minimum": 0},
                            "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                        },
                    },
                },
            },
        },
        "Health": {
            "description": "The server is alive, and serves this version of the data.",
            "type": "object",
            "required": ["status", "version", "modified", "triples"],
            "properties": {
                "status": {"const": "ok"},
                "version": {"type": "string"},
                "modified": {"type": "string"},
                "triples": {"type": "integer", "minimum": 0},
            },
        },
        "Readiness": {
            "description": "Whether the store answers; `detail` says why not.",
            "type": "object",
            "required": ["status", "version"],
            "properties": {
                "status": {"enum": ["ready", "unavailable"]},
                "version": {"type": "string"},
                "detail": {"type": "string"},
            },
        },
        "OpenApi": {
            "description": "An OpenAPI 3.1 document.",
            "type": "object",
            "required": ["openapi", "info", "paths"],
            "properties": {"openapi": {"type": "string", "pattern": "^3\\.1\\."}},
        },
    }


def _parameters() -> Json:
    return {
        **_override_parameters(),
        "lang": {
            "name": "lang",
            "in": "query",
            "required": False,
            "description": "The language of an HTML page, `en` or `pl`, beating "
            "`Accept-Language` (other values are ignored); kept in the page's links.",
            "schema": {"type": "string"},
            "examples": _examples(["en", "pl"]),
        },
        "Accept-Language": {
            "name": "Accept-Language",
            "in": "header",
            "required": False,
            "description": "The language of an HTML page: Polish when preferred, else English.",
            "schema": {"type": "string"},
            "examples": _examples(["pl-PL,pl;q=0.9,en;q=0.5"]),
        },
        "If-None-Match": {
            "name": "If-None-Match",
            "in": "header",
            "required": False,
            "description": "Entity tags of the client's copies: a current one gets `304`.",
            "schema": {"type": "string"},
            "examples": _examples(['"0"']),
        },
        "If-Modified-Since": {
            "name": "If-Modified-Since",
            "in": "header",
            "required": False,
            "description": "An HTTP date: a representation not modified since gets `304`.",
            "schema": {"type": "string"},
            "examples": _examples(["Sun, 06 Nov 1994 08:49:37 GMT"]),
        },
        "Range": {
            "name": "Range",
            "in": "header",
            "required": False,
            "description": "A byte range (`bytes=0-99`): `206` with it, `416` when it is past "
            "the end. Other values are ignored.",
            "schema": {"type": "string"},
            "examples": _examples(["bytes=0-99"]),
        },
    }


def _headers() -> Json:
    headers = {
        "ETag": _header(
            "A strong entity tag (data version, format, language; `-br`/`-gzip` when compressed).",
            schema={"type": "string", "pattern": '^"[^"]+"$'},
        ),
        "LastModified": _header(
            "When the data last changed.", schema={"type": "string", "pattern": _HTTP_DATE}
        ),
        "CacheControl": _header(
            "`public, max-age=` the server's `cache_max_age`.",
            schema={"type": "string", "pattern": _CACHED},
        ),
        "CacheControlAnswer": _header(
            "As for documents; `no-store` for queries whose answer changes at every run "
            "(`NOW()`, `RAND()`, …).",
            schema={"type": "string", "pattern": f"({_CACHED})|(^no-store$)"},
        ),
        "NoStore": _header(
            "Answers to POST requests are not kept.",
            schema={"type": "string", "const": "no-store"},
        ),
        "Vary": _header("`Accept-Encoding` when the body may be compressed."),
        "VaryAccept": _header(
            "The choice depended on `Accept` (and `Accept-Language`, `Accept-Encoding`).",
            schema={"type": "string", "pattern": "^Accept(, |$)"},
        ),
        "LinkAlternates": _header(
            'Every other format of this document (`rel="alternate"`) and its canonical IRI '
            '(`rel="canonical"`).',
            schema={"type": "string", "pattern": 'rel="canonical"'},
        ),
        "LinkMetadata": _header(
            "Where machines find the metadata: the catalogue (`alternate`), the VoID description "
            "(`describedby`), the SPARQL service description (`service-desc`), the sitemap.",
            schema={"type": "string", "pattern": 'rel="describedby"'},
        ),
        "ContentLocation": _header(
            "The URL of the variant sent: the document's path with its format suffix.",
            schema={"type": "string", "pattern": "^/.*\\.[a-z]+$"},
        ),
        "AllowOrigin": _header(
            "Any origin may read every response.", schema={"type": "string", "const": "*"}
        ),
        "RequestId": _header(
            "The request's id, as logged: always one the server made (a caller's own "
            "`X-Request-Id` is logged beside it, never in its place).",
            schema={"type": "string", "pattern": "^[0-9a-f]{32}$"},
        ),
        "AcceptRanges": _header("Byte ranges are served.", schema={"const": "bytes"}),
        "ContentRange": _header(
            "The range sent, and the file's length.",
            schema={"type": "string", "pattern": "^bytes \\d+-\\d+/\\d+$"},
        ),
        "RangeUnsatisfied": _header(
            "The file's length.", schema={"type": "string", "pattern": "^bytes \\*/\\d+$"}
        ),
        "MaxRows": _header(
            "The most rows or triples an answer carries (the server's `result_limit`).",
            schema={"type": "integer", "minimum": 0},
        ),
        "Truncated": _header(
            "`true` when the answer was cut at `X-SPARQL-MaxRows`.",
            schema={"type": "string", "const": "true"},
        ),
        "NoCache": _header(
            "Errors are not to be reused without asking again.",
            schema={"type": "string", "const": "no-cache"},
        ),
        "RetryAfter": _header(
            "Seconds to wait before asking again.", schema={"type": "integer", "minimum": 1}
        ),
    }
    required = {f"{name}Required": {**header, "required": True} for name, header in headers.items()}
    return {**headers, **required}


_ERRORS = {
    "BadRequest": "Bad Request: the request cannot be read (see `detail`).",
    "Forbidden": "Forbidden: an update, or a `SERVICE` call the server does not allow.",
    "NotFound": "Not Found: nothing is published at this address.",
    "NotAcceptable": "Not Acceptable: no offered format matches; `detail` lists the media types.",
    "ContentTooLarge": "Content Too Large: the query, or the request body, is longer than the "
    "server accepts (a body is refused before it is read).",
    "UnsupportedMediaType": "Unsupported Media Type: a POST body in another media type or charset.",
    "RangeNotSatisfiable": "Range Not Satisfiable: the range is past the end of the file.",
    "TooManyRequests": "Too Many Requests: a client asked for more SPARQL answers per minute "
    "than the `sparql_rate_limit` setting allows (600 by default; 0 turns it off).",
    "BadGateway": "Bad Gateway: the remote store (setting `store = remote`) failed.",
    "ServiceUnavailable": "Service Unavailable: the query outlived `query_timeout` or needed "
    "more memory than a query may take, and was stopped; or every query process is busy and "
    "the queue is full (then with `Retry-After`).",
}


def _errors() -> Json:
    """Error responses: problem details, or an HTML page for clients that prefer it."""
    problem = {"schema": {"$ref": "#/components/schemas/Problem"}}
    content = {PROBLEM.media_type: problem, HTML.media_type: {"schema": {"type": "string"}}}
    responses = {}
    for name, text in _ERRORS.items():
        headers = {
            "Vary": _ref_header("VaryAccept", required=True),
            "Cache-Control": _ref_header("NoCache", required=True),
            **_everywhere(),
        }
        if name == "TooManyRequests":
            headers["Retry-After"] = _ref_header("RetryAfter", required=True)
        if name == "ServiceUnavailable":
            headers["Retry-After"] = _ref_header("RetryAfter")
        if name == "RangeNotSatisfiable":
            headers["Content-Range"] = _ref_header("RangeUnsatisfied", required=True)
        responses[name] = {"description": text, "headers": headers, "content": content}
    return responses
