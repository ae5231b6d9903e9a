"""The routes for whoever runs the server: static files, this description, health probes."""

from __future__ import annotations

from ckpld.web.openapi.parts import (
    Json,
    _error_ref,
    _everywhere,
    _files,
    _not_modified,
    _ok,
    _operation,
    _partial,
    _path,
    _range,
    _ref_header,
    _representation,
    _validators,
)

# What /static/ holds (tests/test_openapi.py checks every file there is served as one of these).
STATIC_TYPES = ("text/css", "text/javascript", "image/svg+xml")


def _static() -> Json:
    headers = {
        "ETag": _ref_header("ETag", required=True),
        "Last-Modified": _ref_header("LastModified", required=True),
        "Cache-Control": _ref_header("CacheControl", required=True),
    }
    return _operation(
        "static",
        "pages",
        "The pages' stylesheet, script and icon",
        "Files of the package's `static/` folder (Flask's static route, with ranges and "
        "validators).",
        [
            _path("filename", "A file name.", ("style.css", "query.js", "favicon.svg")),
            *_validators(),
            _range(),
        ],
        {
            "200": _ok(_files(STATIC_TYPES), headers),
            "206": _partial(_files(STATIC_TYPES), headers),
            "304": {
                "description": "Not Modified: the client's copy is current.",
                "headers": {
                    "ETag": _ref_header("ETag", required=True),
                    **_everywhere(),
                },
            },
            "404": _error_ref("NotFound"),
            "416": _error_ref("RangeNotSatisfiable"),
        },
    )


def _openapi() -> Json:
    return _operation(
        "openapi",
        "pages",
        "This description",
        "The OpenAPI 3.1 description of the whole HTTP interface.",
        _validators(),
        {
            "200": _ok(
                {"application/json": {"schema": {"$ref": "#/components/schemas/OpenApi"}}},
                _representation(),
            ),
            "304": _not_modified(),
        },
    )


def _healthz() -> Json:
    return _operation(
        "healthz",
        "health",
        "Liveness",
        "The process answers, with the data version it serves; cheap (no store access), never "
        "kept by a cache.",
        [],
        {"200": _health("Health", "The server is alive.")},
    )


def _readyz() -> Json:
    return _operation(
        "readyz",
        "health",
        "Readiness",
        "The store answers a query within two seconds: `200` when requests can be served, "
        "else `503` with the reason. Never kept by a cache.",
        [],
        {
            "200": _health("Readiness", "The store answers: requests can be served."),
            "503": _health("Readiness", "The store does not answer; `detail` says why."),
        },
    )


def _health(schema: str, text: str) -> Json:
    return {
        "description": text,
        "headers": {
            "Cache-Control": _ref_header("NoStore", required=True),
            **_everywhere(),
        },
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }
