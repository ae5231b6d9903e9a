"""The release archive's routes: the list of releases, a release's page, its files."""

from __future__ import annotations

from ckpld.publish.dumps import DATA_DUMPS, OTHER_MEDIA_TYPES
from ckpld.rdf.formats import HTML
from ckpld.web.openapi.parts import (
    MANIFEST_TYPE,
    Json,
    _content,
    _error_ref,
    _everywhere,
    _files,
    _header,
    _language,
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

NAME_EXAMPLES = ("2026-12-03", "2026-12-03.2")
_JSON = {MANIFEST_TYPE: {"schema": {"type": "object"}}}


def _releases() -> Json:
    return _operation(
        "releases",
        "harvesting",
        "Every release, newest first",
        "The release record with what this server's archive holds: each release's name (its "
        "date, with `.2`, `.3`… for later releases the same day), date, data version, address, "
        "the DCAT version of the dataset it is, the one before, and its changes as an RDF Patch. "
        "A page (HTML, the default) or JSON.",
        [*_language(), *_validators()],
        {
            "200": _ok({**_content([HTML]), **_JSON}, _representation(vary=True)),
            "304": _not_modified(vary=True),
            "406": _error_ref("NotAcceptable"),
        },
    )


def _release() -> Json:
    return _operation(
        "release",
        "harvesting",
        "One release",
        "Its page: date, data version, what changed since the release before (statements "
        "added and removed per graph, and in words), its files. Or JSON: the same, with the "
        "files' sizes and SHA-256. A name the record does not know, or a release this server's "
        "archive lacks: `404`, saying which.",
        [_path("name", "The release's name.", NAME_EXAMPLES), *_language(), *_validators()],
        {
            "200": _ok({**_content([HTML]), **_JSON}, _representation(vary=True)),
            "304": _not_modified(vary=True),
            "404": _error_ref("NotFound"),
            "406": _error_ref("NotAcceptable"),
        },
    )


def _release_file() -> Json:
    types = [*dict.fromkeys([*(d.media_type for d in DATA_DUMPS), *OTHER_MEDIA_TYPES.values()])]
    file_headers = {
        "ETag": _ref_header("ETag", required=True),
        "Last-Modified": _ref_header("LastModified", required=True),
        "Cache-Control": _header("`public, max-age=31536000, immutable`", required=True),
        "Accept-Ranges": _ref_header("AcceptRanges", required=True),
        "Link": _header('`</releases/{name}/catalog.ttl>; rel="describedby"`', required=True),
    }
    return _operation(
        "releaseFile",
        "harvesting",
        "One file of a release, for good",
        "A dump, `catalog.ttl` (the DCAT version), `void.ttl`, `changes.rdfp` (RDF Patch from "
        "the release before), `changes.json`, `SHA256SUMS` or `manifest.json`. An archived file "
        "never changes: it may be cached for good. The ETag is its SHA-256; `Range` requests "
        "get `206` (or `416`).",
        [
            _path("name", "The release's name.", NAME_EXAMPLES),
            _path("file", "A file name from the release's manifest.", ("changes.rdfp",)),
            *_validators(),
            _range(),
        ],
        {
            "200": _ok(_files(types), file_headers),
            "206": _partial(_files(types), file_headers),
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
        },
    )
