"""The release archive's routes: the list of releases, a release's page, its files."""

from __future__ import annotations

from ckpld.rdf.formats import DOCUMENT_OFFERS, HTML
from ckpld.web.openapi.parts import (
    MANIFEST_TYPE,
    Json,
    _content,
    _error_ref,
    _everywhere,
    _examples,
    _file_responses,
    _files,
    _header,
    _language,
    _negotiated,
    _not_modified,
    _ok,
    _operation,
    _path,
    _range,
    _ref_header,
    _representation,
    _validators,
)
from ckpld.web.openapi.sparql import _sparql

NAME_EXAMPLES = ("2026.12.03", "2026.12.03.2")
_JSON = {MANIFEST_TYPE: {"schema": {"type": "object"}}}


def _releases() -> Json:
    return _operation(
        "releases",
        "harvesting",
        "Every release, newest first",
        "The release record with what this server's archive holds: each release's name (its "
        "date as `YYYY.MM.DD`, with `.2`, `.3`… for later releases the same day), date, data "
        "version, address, "
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
        _file_responses(
            _header("`public, max-age=31536000, immutable`", required=True),
            '`</releases/{name}/catalog.ttl>; rel="describedby"`',
        ),
    )


_RELEASE = _path("name", "The release's name.", NAME_EXAMPLES)
_REST = _path(
    "rest",
    "The thing's path under /id/, e.g. `organization/encc`.",
    ("organization/encc", "dataset/instytucje-partnerskie"),
)


def _timegate() -> Json:
    accept_datetime = {
        "name": "Accept-Datetime",
        "in": "header",
        "required": False,
        "description": "The moment wanted, an HTTP date (RFC 9110); without it: now.",
        "schema": {"type": "string"},
        "examples": _examples(("Sat, 01 Mar 2025 12:00:00 GMT",)),
    }
    return _operation(
        "timegate",
        "linked data",
        "A thing's TimeGate (Memento, RFC 7089)",
        "`302` to the thing's memento in the release in force at `Accept-Datetime`: its "
        "document as that release had it, `/releases/{name}/doc/{rest}`. The `Link` header "
        "names the original (the IRI), the TimeMap and the first, last, previous, next and "
        "chosen mementos with their dates. Before the thing existed, or in a release that "
        "does not describe it: `404` saying from (or until) when it is published. An "
        "`Accept-Datetime` that is not an HTTP date: `400`.",
        [_REST, accept_datetime],
        {
            "302": {
                "description": "Found: the memento.",
                "headers": {
                    "Location": _header("The memento (absolute, on the base IRI).", True),
                    "Vary": _header("`Accept-Datetime`.", True),
                    "Link": _header("original, timemap and mementos (RFC 7089).", True),
                    "Cache-Control": _ref_header("CacheControl", required=True),
                    **_everywhere(),
                },
                "content": _content([HTML]),
            },
            "400": _error_ref("BadRequest"),
            "404": _error_ref("NotFound"),
        },
    )


def _timemap() -> Json:
    return _operation(
        "timemap",
        "linked data",
        "A thing's TimeMap (Memento, RFC 7089)",
        "Every release that describes the thing, oldest first, in the link format (RFC "
        "6690): the original, the TimeGate, the TimeMap itself with `from` and `until`, and "
        "each memento with its `datetime`. A thing no release describes: `404`.",
        [_REST, *_validators()],
        {
            "200": _ok(_files(["application/link-format"]), _representation()),
            "304": _not_modified(),
            "404": _error_ref("NotFound"),
        },
    )


def _memento() -> Json:
    operation = _negotiated(
        "memento",
        "linked data",
        "A thing's document as a release had it (a memento)",
        "As `/doc/{rest}`, over the archived release's data; it never changes: "
        "`Cache-Control: public, max-age=31536000, immutable`, `Memento-Datetime` the "
        "release's date, and `Link` to the original, the TimeGate and the TimeMap. A release "
        "that does not describe the thing: `404`.",
        _path(
            "rest",
            "The thing's path under /id/, optionally with a format suffix.",
            ("organization/encc", "organization/encc.ttl"),
        ),
        DOCUMENT_OFFERS,
    )
    operation["parameters"].insert(0, _RELEASE)
    operation["responses"]["200"]["headers"]["Memento-Datetime"] = _header(
        "The release's date (an HTTP date).", True
    )
    return operation


def _past_sparql(slash: str) -> Json:
    """The SPARQL endpoint of a past release: /sparql's operations, with the release named."""
    found = _sparql(slash)
    for method, operation in found.items():
        operation["operationId"] = (
            "past" + operation["operationId"][0].upper() + operation["operationId"][1:]
        )
        operation["summary"] = f"A past release's SPARQL endpoint ({method.upper()})"
        operation["description"] = (
            "The endpoint of the archived release `name`: its data graphs are the default "
            "graph, its VoID and catalogue named graphs, and everything else is as `/sparql` "
            "(the same protocol, formats, limits and protections).\n\n" + operation["description"]
        )
        operation["parameters"] = [_RELEASE, *operation.get("parameters", [])]
        operation["responses"].setdefault("404", _error_ref("NotFound"))
    return found


def _citation(release: bool) -> Json:
    types = [
        "application/vnd.citationstyles.csl+json",
        "application/x-bibtex",
        "application/x-research-info-systems",
    ]
    whose = (
        "one release" if release else "the dataset as served (its newest release, when archived)"
    )
    return _operation(
        "releaseCitation" if release else "citation",
        "harvesting",
        f"How to cite {whose}",
        "The reference: `.txt` in APA style (plain text, by citeproc-py), and for reference "
        "managers `.json` CSL-JSON, `.bib` BibTeX (biblatex `@dataset`), `.ris` RIS; titled in "
        "the language of `Accept-Language` (or `?lang=`). "
        "Another suffix: `404`.",
        [
            *([_RELEASE] if release else []),
            _path("suffix", "`txt`, `json`, `bib` or `ris`.", ("txt", "bib", "ris", "json")),
            *_language(),
            *_validators(),
        ],
        {
            "200": _ok(_files(types), _representation(vary=True)),
            "304": _not_modified(vary=True),
            "404": _error_ref("NotFound"),
        },
    )


def _datacite() -> Json:
    return _operation(
        "releaseDatacite",
        "harvesting",
        "A release's DataCite metadata",
        "What a repository (Zenodo, RepOD) needs to mint the release a DOI: DataCite metadata "
        "schema 4, as DataCite's REST API takes it (`data.attributes`).",
        [_RELEASE, *_validators()],
        {
            "200": _ok(_files(["application/vnd.datacite.datacite+json"]), _representation()),
            "304": _not_modified(),
            "404": _error_ref("NotFound"),
        },
    )
