"""The pieces every route's description is built from: operations, negotiated content, headers,
validators, parameters, examples."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ckpld.publish.dumps import DATA_DUMPS, MANIFEST_FILE, OTHER_MEDIA_TYPES
from ckpld.rdf.formats import DOCUMENT_OFFERS, HTML, RDF_FORMATS, RESULTS_FORMATS, Format
from ckpld.web.conneg import OVERRIDES

Json = dict[str, Any]

ANSWER_OFFERS: tuple[Format, ...] = (*RESULTS_FORMATS, *RDF_FORMATS, HTML)
MANIFEST_TYPE = OTHER_MEDIA_TYPES[MANIFEST_FILE]
# The lists of formats a response is negotiated among, by the name of their parameters' set.
_OFFER_SETS = {DOCUMENT_OFFERS: "document", RDF_FORMATS: "rdf", ANSWER_OFFERS: "answer"}

_HTTP_DATE = r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$"
_CACHED = r"^public, max-age=\d+$"


# Building blocks.


def _operation(
    operation_id: str,
    tag: str,
    summary: str,
    text: str,
    parameters: Sequence[Json],
    responses: Json,
    body: Json | None = None,
) -> Json:
    operation: Json = {
        "operationId": operation_id,
        "tags": [tag],
        "summary": summary,
        "description": text,
    }
    if parameters:
        operation["parameters"] = list(parameters)
    if body is not None:
        operation["requestBody"] = body
    operation["responses"] = responses
    return operation


def _negotiated(
    operation_id: str,
    tag: str,
    summary: str,
    text: str,
    path_parameter: Json | None,
    offers: Sequence[Format],
) -> Json:
    """A document by content negotiation (`ckpld.web.views.resource.negotiated`)."""
    html = HTML in offers
    parameters = [
        *([path_parameter] if path_parameter else []),
        *_overrides(offers),
        *(_language() if html else []),
        *_validators(),
    ]
    headers = {
        **_representation(vary=True),
        "Link": _ref_header("LinkAlternates", required=True),
        "Content-Location": _ref_header("ContentLocation", required=True),
    }
    return _operation(
        operation_id,
        tag,
        summary,
        text,
        parameters,
        {
            "200": _ok(_content(offers), headers),
            "304": _not_modified(vary=True, link=True, location=True),
            "404": _error_ref("NotFound"),
            "406": _error_ref("NotAcceptable"),
            **_store_errors(),
        },
    )


def _content(offers: Iterable[Format]) -> Json:
    """A response's content: one entry per format offered, in the order offered."""
    return {f.media_type: {"schema": _schema_of(f)} for f in offers}


def _schema_of(fmt: Format) -> Json:
    if fmt.name == "jsonld":
        return {"$ref": "#/components/schemas/JsonLd"}
    if fmt.name == "json":
        return {"$ref": "#/components/schemas/SparqlResults"}
    return {"type": "string"}


def _text(media_type: str) -> Json:
    return {media_type: {"schema": {"type": "string"}}}


def _files(media_types: Iterable[str]) -> Json:
    """Files sent as they are (any bytes: no schema)."""
    return {media: {} for media in media_types}


def _ok(content: Json, headers: Json) -> Json:
    return {
        "description": "OK.",
        "headers": {**headers, **_everywhere()},
        "content": content,
    }


def _partial(content: Json, headers: Json) -> Json:
    return {
        "description": "Partial Content: the range asked for.",
        "headers": {
            **headers,
            "Content-Range": _ref_header("ContentRange", required=True),
            **_everywhere(),
        },
        "content": content,
    }


def _representation(vary: bool = False) -> Json:
    """The headers of every representation ckpld renders itself (`views.representation`)."""
    headers = {
        "ETag": _ref_header("ETag", required=True),
        "Last-Modified": _ref_header("LastModified", required=True),
        "Cache-Control": _ref_header("CacheControl", required=True),
    }
    headers["Vary"] = _ref_header("VaryAccept" if vary else "Vary", required=vary)
    return headers


def _answer_headers(post: bool = False) -> Json:
    headers = _representation(vary=True)
    headers["Cache-Control"] = _ref_header(
        "NoStore" if post else "CacheControlAnswer", required=True
    )
    headers["X-SPARQL-MaxRows"] = _ref_header("MaxRows")
    headers["X-SPARQL-Truncated"] = _ref_header("Truncated")
    return headers


def _not_modified(vary: bool = False, link: bool = False, location: bool = False) -> Json:
    headers = {
        "ETag": _ref_header("ETag", required=True),
        "Cache-Control": _ref_header("CacheControl", required=True),
        **_everywhere(),
    }
    if vary:
        headers["Vary"] = _ref_header("VaryAccept", required=True)
    if link:
        headers["Link"] = _header("As for `200`.", required=True)
    if location:
        headers["Content-Location"] = _ref_header("ContentLocation", required=True)
    return {"description": "Not Modified: the client's copy is current.", "headers": headers}


def _see_other(text: str, cached: bool = False) -> Json:
    headers = {
        "Location": _header("Where to go: a path on this server.", True, {"pattern": "^/"}),
        **_everywhere(),
    }
    if cached:
        headers["Cache-Control"] = _ref_header("CacheControl", required=True)
    else:
        headers["Vary"] = _ref_header("VaryAccept", required=True)
    return {
        "description": "See Other. " + text,
        "headers": headers,
        "content": _content([HTML]),
    }


def _store_errors() -> Json:
    return {
        "502": _error_ref("BadGateway"),
        "503": _error_ref("ServiceUnavailable"),
    }


def _sparql_errors() -> Json:
    return {
        "400": _error_ref("BadRequest"),
        "403": _error_ref("Forbidden"),
        "406": _error_ref("NotAcceptable"),
        "413": _error_ref("ContentTooLarge"),
        "429": _error_ref("TooManyRequests"),
        **_store_errors(),
    }


def _everywhere() -> Json:
    """The headers of every response, whatever the path and status."""
    return {
        "Access-Control-Allow-Origin": _ref_header("AllowOrigin", required=True),
        "X-Request-Id": _ref_header("RequestId", required=True),
    }


def _error_ref(name: str) -> Json:
    return {"$ref": f"#/components/responses/{name}"}


def _ref_header(name: str, required: bool = False) -> Json:
    if not required:
        return {"$ref": f"#/components/headers/{name}"}
    # A reference's siblings are ignored for headers: the required variant is its own component.
    return {"$ref": f"#/components/headers/{name}Required"}


def _header(text: str, required: bool = False, schema: Json | None = None) -> Json:
    return {"description": text, "required": required, "schema": schema or {"type": "string"}}


def _path(name: str, text: str, examples: Sequence[str]) -> Json:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": text,
        "schema": {"type": "string", "minLength": 1},
        "examples": _examples(examples),
    }


def _suffix(offers: Sequence[Format]) -> Json:
    return {
        "name": "suffix",
        "in": "path",
        "required": True,
        "description": "A format suffix: " + ", ".join(f"`{f.suffix}`" for f in offers) + ".",
        "schema": {
            "anyOf": [{"enum": [f.suffix for f in offers]}, {"type": "string", "minLength": 1}]
        },
        "examples": _examples([f.suffix for f in offers]),
    }


def _overrides(offers: Sequence[Format]) -> list[Json]:
    """`?_format=` and its other spellings (components, one set per list of offers)."""
    kind = _OFFER_SETS[tuple(offers)]
    return [{"$ref": f"#/components/parameters/{name}-{kind}"} for name in OVERRIDES]


def _language() -> list[Json]:
    return [
        {"$ref": "#/components/parameters/lang"},
        {"$ref": "#/components/parameters/Accept-Language"},
    ]


def _validators() -> list[Json]:
    return [
        {"$ref": "#/components/parameters/If-None-Match"},
        {"$ref": "#/components/parameters/If-Modified-Since"},
    ]


def _range() -> Json:
    return {"$ref": "#/components/parameters/Range"}


def _graph_uris(name: str, text: str) -> Json:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": text + " Absolute IRIs (a relative one is `400`); they beat the query's "
        "own `FROM` / `FROM NAMED`; a dataset without a query is `400`.",
        "schema": {"type": "array", "items": {"type": "string"}},
        "style": "form",
        "explode": True,
    }


def _examples(values: Iterable[str]) -> Json:
    return {f"example{n}": {"value": value} for n, value in enumerate(values, 1)}


def _file_responses(cache_control: Json, link: str) -> Json:
    """The answers for one file of a release sent as it is (`send_file`): whole, a range, not
    modified, missing, a range it does not have."""
    types = [*dict.fromkeys([*(d.media_type for d in DATA_DUMPS), *OTHER_MEDIA_TYPES.values()])]
    headers = {
        "ETag": _ref_header("ETag", required=True),
        "Last-Modified": _ref_header("LastModified", required=True),
        "Cache-Control": cache_control,
        "Accept-Ranges": _ref_header("AcceptRanges", required=True),
        "Link": _header(link, required=True),
    }
    return {
        "200": _ok(_files(types), headers),
        "206": _partial(_files(types), headers),
        "304": {
            "description": "Not Modified: the client's copy is current.",
            "headers": {
                "ETag": _ref_header("ETag", required=True),
                "Cache-Control": _ref_header("CacheControl", required=True),
                **_everywhere(),
            },
        },
        "404": _error_ref("NotFound"),
        "416": _error_ref("RangeNotSatisfiable"),
    }
