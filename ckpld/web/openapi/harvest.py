"""The routes harvesters read besides the catalogue: dumps, the dane.gov.pl feed, the sitemap
and robots.txt."""

from __future__ import annotations

from ckpld.rdf.formats import HTML
from ckpld.web.openapi.parts import (
    MANIFEST_TYPE,
    Json,
    _content,
    _error_ref,
    _file_responses,
    _language,
    _not_modified,
    _ok,
    _operation,
    _path,
    _range,
    _ref_header,
    _representation,
    _store_errors,
    _text,
    _validators,
)

DUMP_EXAMPLES = ("instytucje-partnerskie.ttl", "instytucje-partnerskie.nt.gz", "manifest.json")


def _dumps() -> Json:
    return _operation(
        "dumps",
        "harvesting",
        "The files of the current release",
        "A page listing the release's files (HTML, the default), or its manifest "
        "(`application/json`: version, and each file's name, media type, size and SHA-256). "
        "No release published: `404`.",
        [*_language(), *_validators()],
        {
            "200": _ok(
                {
                    **_content([HTML]),
                    MANIFEST_TYPE: {"schema": {"$ref": "#/components/schemas/Manifest"}},
                },
                _representation(vary=True),
            ),
            "304": _not_modified(vary=True),
            "404": _error_ref("NotFound"),
            "406": _error_ref("NotAcceptable"),
        },
    )


def _dump() -> Json:
    return _operation(
        "dump",
        "harvesting",
        "One file of the current release",
        "A dump (Turtle, gzipped N-Triples, JSON-LD, TriG, N-Quads), `catalog.ttl`, `void.ttl`, "
        "`SHA256SUMS` or `manifest.json`, each in its own media type; only files the manifest "
        "lists. The ETag is the file's SHA-256. `Range` requests get `206` (or `416`).",
        [
            _path("name", "A file name from the manifest.", DUMP_EXAMPLES),
            *_validators(),
            _range(),
        ],
        _file_responses(
            _ref_header("CacheControl", required=True), '`</catalog>; rel="describedby"`'
        ),
    )


def _sitemap() -> Json:
    return _operation(
        "sitemap",
        "harvesting",
        "The sitemap",
        "Every page for crawlers, in sitemaps.org format: a `urlset`, or above 50,000 pages a "
        "`sitemapindex` of `/sitemap-{page}.xml`.",
        _validators(),
        {
            "200": _ok(_text("application/xml"), _representation()),
            "304": _not_modified(),
            **_store_errors(),
        },
    )


def _dane_gov_pl() -> Json:
    return _operation(
        "daneGovPlFeed",
        "harvesting",
        "The feed for dane.gov.pl",
        "The dataset for the XML harvester of Poland's national portal, valid against its "
        "schema `urn:otwarte-dane:harvester:1.10` (default namespace, no prefix), made from the "
        "DCAT catalogue: the same bytes for one data version. `404` when the public base IRI is "
        "not https (the schema takes no other URLs).",
        _validators(),
        {
            "200": _ok(_text("application/xml"), _representation()),
            "304": _not_modified(),
            "404": _error_ref("NotFound"),
            **_store_errors(),
        },
    )


def _dane_gov_pl_md5() -> Json:
    return _operation(
        "daneGovPlFeedDigest",
        "harvesting",
        "The MD5 digest of the dane.gov.pl feed",
        "Only the 32 lower-case hex digits of the MD5 of `/harvest/dane-gov-pl.xml`'s bytes, "
        "with no file name: what the portal compares the feed with before it imports it.",
        _validators(),
        {
            "200": _ok(_text("text/plain"), _representation()),
            "304": _not_modified(),
            "404": _error_ref("NotFound"),
            **_store_errors(),
        },
    )


def _sitemap_page() -> Json:
    return _operation(
        "sitemapPage",
        "harvesting",
        "One page of a sitemap index",
        "Only when `/sitemap.xml` is an index (more than 50,000 pages): its pages, numbered "
        "from 1. A page that does not exist: `404`. (Page 0 answers as `/sitemap.xml` does.)",
        [
            {
                "name": "page",
                "in": "path",
                "required": True,
                "schema": {"type": "integer", "minimum": 0},
                "examples": {"first": {"value": 1}},
            },
            *_validators(),
        ],
        {
            "200": _ok(_text("application/xml"), _representation()),
            "304": _not_modified(),
            "404": _error_ref("NotFound"),
            **_store_errors(),
        },
    )


def _robots() -> Json:
    return _operation(
        "robots",
        "harvesting",
        "robots.txt",
        "Crawlers may read every page but not SPARQL queries (`Disallow: /sparql?`); points at "
        "the sitemap.",
        _validators(),
        {"200": _ok(_text("text/plain"), _representation()), "304": _not_modified()},
    )
