"""The OpenAPI 3.1 description of ckpld's whole HTTP interface, served at /openapi.json.

Written by hand, route by route from the views, as Python data rather than as a JSON file: every
media type in it comes from the one format table (`ckpld.formats`), so a format added there is
described everywhere it is offered, and the shared parts (validators, errors, negotiation
parameters) are written once. `tests/test_openapi.py` keeps it true: it must validate as OpenAPI
3.1, describe every route of the app and nothing else, and the test client's answers must match
it; `tests/e2e/test_schemathesis.py` runs schemathesis against a live server with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ckpld import __version__
from ckpld.dumps import DATA_DUMPS, MANIFEST_FILE, OTHER_MEDIA_TYPES
from ckpld.formats import HTML, PROBLEM, RDF_FORMATS, RESULTS_FORMATS, Format

Json = dict[str, Any]

DOCUMENT_OFFERS: tuple[Format, ...] = (*RDF_FORMATS, HTML)
ANSWER_OFFERS: tuple[Format, ...] = (*RESULTS_FORMATS, *RDF_FORMATS, HTML)
MANIFEST_TYPE = OTHER_MEDIA_TYPES[MANIFEST_FILE]
# What /static/ holds (tests/test_openapi.py checks every file there is served as one of these).
STATIC_TYPES = ("text/css", "text/javascript", "image/svg+xml")
YASGUI_FILES = ("yasgui.min.js", "yasgui.min.css")
OVERRIDES = ("_format", "format", "output", "_mediatype")
# The lists of formats a response is negotiated among, by the name of their parameters' set.
_OFFER_SETS = {DOCUMENT_OFFERS: "document", RDF_FORMATS: "rdf", ANSWER_OFFERS: "answer"}

# Examples from the shipped data, for readers and for schemathesis's example phase.
THING_EXAMPLES = ("organization/encc", "place/grasse", "dataset/instytucje-partnerskie")
GRAPH_NAMES = ("page", "enrichment", "vocabulary", "metadata", "catalog")
DUMP_EXAMPLES = ("instytucje-partnerskie.ttl", "instytucje-partnerskie.nt.gz", "manifest.json")
QUERY_EXAMPLES = ("partners", "partners.rq", "partners-by-country")
SPARQL_EXAMPLES = (
    "ASK { ?s ?p ?o }",
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 3",
    "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3",
)

_HTTP_DATE = r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$"
_CACHED = r"^public, max-age=\d+$"

INTRODUCTION = """\
Linked Open Data about the partner institutions of Centrum Kultury Podgórza: every thing has an
IRI under `/id/` that answers `303 See Other` to its document under `/doc/`; documents, named
graphs, the whole dataset, the VoID description and the DCAT-AP catalogue come in every RDF format
(and HTML where people read them); a read-only SPARQL 1.1 Protocol endpoint; the release's dumps.

**Content negotiation.** A format suffix in the path beats `?_format=` (also `format`, `output`,
`_mediatype`: a format name, suffix or media type), which beats `Accept` (q-values, wildcards,
aliases such as `application/x-turtle`, `text/n3`, `text/plain`, `application/json`). No
`Accept`, or `*/*`, gets Turtle for RDF, SPARQL JSON for SELECT and ASK answers, HTML for the
home page and the list of dumps. Nothing acceptable: `406`.
Media types that take a charset are sent with `charset=utf-8`. HTML pages are in English or
Polish: `?lang=en|pl`, else `Accept-Language`.

**Caching.** Representations carry a strong `ETag` and `Last-Modified`; `If-None-Match` and
`If-Modified-Since` get `304`. Bodies are sent with `br` or `gzip` by `Accept-Encoding`.

**Every path** also answers `HEAD` (as `GET`, without the body) and `OPTIONS`; a CORS preflight
(`OPTIONS` with `Access-Control-Request-Method`) gets `204`. Every response allows any origin
(`Access-Control-Allow-Origin: *`, no credentials) and carries the request's id
(`X-Request-Id`, as logged). Other methods get `405`, with `Allow`.

**Errors** are RFC 9457 problem details (`application/problem+json`), or an HTML page for
clients that prefer `text/html`; never a stack trace.
"""


def description() -> Json:
    """The OpenAPI 3.1 document (a fresh dict: callers may change their copy)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "ckpld: partner institutions of Centrum Kultury Podgórza as Linked Open Data",
            "version": __version__,
            "summary": "Linked Data documents, SPARQL 1.1 Protocol endpoint, DCAT-AP catalogue.",
            "description": INTRODUCTION,
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "tags": [
            {"name": "linked data", "description": "Things, documents, graphs and the dataset."},
            {"name": "sparql", "description": "The SPARQL 1.1 Protocol endpoint and cookbook."},
            {"name": "harvesting", "description": "Catalogue, VoID, dumps, sitemap, robots."},
            {"name": "pages", "description": "The home page, its assets, this description."},
            {"name": "health", "description": "Probes for whoever runs the server."},
        ],
        "paths": _paths(),
        "components": _components(),
    }


# Paths, in the order of the README's URL map.


def _paths() -> Json:
    return {
        "/": {"get": _home()},
        "/id/{rest}": {"get": _thing()},
        "/doc/{rest}": {"get": _document()},
        "/def/{name}": {"get": _definition()},
        "/graph/{name}": {"get": _graph()},
        "/data": {"get": _data(suffixed=False)},
        "/data.{suffix}": {"get": _data(suffixed=True)},
        "/.well-known/void": {"get": _void("wellKnownVoid", suffixed=False)},
        "/void": {"get": _void("void", suffixed=False)},
        "/void.{suffix}": {"get": _void("voidSuffixed", suffixed=True)},
        "/catalog": {"get": _catalog(suffixed=False)},
        "/catalog.{suffix}": {"get": _catalog(suffixed=True)},
        "/source/{name}": {"get": _source()},
        "/dumps/": {"get": _dumps()},
        "/dumps/{name}": {"get": _dump()},
        "/sitemap.xml": {"get": _sitemap()},
        "/sitemap-{page}.xml": {"get": _sitemap_page()},
        "/robots.txt": {"get": _robots()},
        "/context.jsonld": {"get": _context()},
        "/sparql": _sparql(""),
        "/sparql/": _sparql("/"),
        "/queries/": {"get": _cookbook()},
        "/queries/{name}": {"get": _recipe()},
        "/assets/yasgui/{name}": {"get": _yasgui()},
        "/static/{filename}": {"get": _static()},
        "/openapi.json": {"get": _openapi()},
        "/healthz": {"get": _healthz()},
        "/readyz": {"get": _readyz()},
    }


def _home() -> Json:
    return _operation(
        "home",
        "pages",
        "The home page",
        "The home page for people (HTML). RDF clients (an `Accept` that prefers an RDF format) "
        "are sent to the dataset's description with `303 See Other`. `?_format=` is not read "
        "here. The `Link` header points at the catalogue, the VoID description, the SPARQL "
        "service description and the sitemap.",
        [*_language(), *_validators()],
        {
            "200": _ok(
                _content([HTML]),
                {**_representation(vary=True), "Link": _ref_header("LinkMetadata", True)},
            ),
            "303": _see_other("The dataset's description (`/doc/dataset/…`), for RDF clients."),
            "304": _not_modified(vary=True, link=True),
            "406": _error_ref("NotAcceptable"),
            **_store_errors(),
        },
    )


def _thing() -> Json:
    return _operation(
        "thing",
        "linked data",
        "A thing's IRI: 303 to its document",
        "Every IRI under `/id/` names a thing (an organisation, a place, a letter), not a web "
        "page: it answers `303 See Other` to the document about it, `/doc/{rest}`, with the "
        "query string kept (a format suffix is kept too). Nothing published under that IRI: "
        "`404`.",
        [_path("rest", "The thing's path under /id/, e.g. `organization/encc`.", THING_EXAMPLES)],
        {
            "303": _see_other("The document about the thing, `/doc/{rest}`.", cached=True),
            "404": _error_ref("NotFound"),
            **_store_errors(),
        },
    )


def _document() -> Json:
    return _negotiated(
        "document",
        "linked data",
        "The document about a thing",
        "The thing's statements and those of the nodes it owns, the quotes and evidence they "
        "come from, the names of everything it links to, and the document's metadata (licence, "
        "modification date). A format suffix ("
        + ", ".join(f"`.{f.suffix}`" for f in DOCUMENT_OFFERS)
        + ") chooses the format.",
        _path(
            "rest",
            "The thing's path under /id/, optionally with a format suffix.",
            (
                *THING_EXAMPLES,
                "organization/encc.ttl",
                "place/grasse.html",
            ),
        ),
        DOCUMENT_OFFERS,
    )


def _definition() -> Json:
    return _negotiated(
        "definition",
        "linked data",
        "The vocabulary or the SHACL shapes",
        "`/def/ckp`: the vocabulary, one document holding every term (`/def/ckp#Partnership`), "
        "in every format including HTML. `/def/shapes`: the SHACL shapes, in the RDF formats "
        "(`406` for HTML). A format suffix chooses the format.",
        _path(
            "name",
            "`ckp` or `shapes`, optionally with a format suffix.",
            (
                "ckp",
                "shapes",
                "ckp.html",
                "shapes.ttl",
            ),
        ),
        DOCUMENT_OFFERS,
    )


def _graph() -> Json:
    return _negotiated(
        "graph",
        "linked data",
        "A named graph",
        "Every statement of one named graph (its IRI is its own document): `page`, "
        "`enrichment`, `vocabulary`, `metadata` (VoID), `catalog` (DCAT). RDF formats only.",
        _path(
            "name",
            "The graph's name, optionally with a format suffix.",
            (
                *GRAPH_NAMES,
                "page.nq",
            ),
        ),
        RDF_FORMATS,
    )


def _data(suffixed: bool) -> Json:
    return _negotiated(
        "dataSuffixed" if suffixed else "data",
        "linked data",
        "The whole dataset" + (" (format by suffix)" if suffixed else ""),
        "The whole dataset, rendered live: every named graph (TriG, N-Quads) or their union "
        "(the other RDF formats). The catalogue graph is not part of it."
        + (_SUFFIX_NOTE if suffixed else ""),
        _suffix(RDF_FORMATS) if suffixed else None,
        RDF_FORMATS,
    )


def _void(operation_id: str, suffixed: bool) -> Json:
    where = (
        "Where VoID clients look for it (RFC 8615); the same as `/void`."
        if operation_id == "wellKnownVoid"
        else "Also at `/.well-known/void`." + (_SUFFIX_NOTE if suffixed else "")
    )
    return _negotiated(
        operation_id,
        "harvesting",
        "The VoID description",
        "The `metadata` graph: the dataset as a `void:Dataset` with its figures, class and "
        "property partitions, subsets and dumps. JSON-LD embeds its context. " + where,
        _suffix(DOCUMENT_OFFERS) if suffixed else None,
        DOCUMENT_OFFERS,
    )


def _catalog(suffixed: bool) -> Json:
    return _negotiated(
        "catalogSuffixed" if suffixed else "catalog",
        "harvesting",
        "The DCAT-AP 3.0.1 catalogue",
        "The catalogue (the named graph `catalog`): the dataset, its five distributions and "
        "two data services. Turtle without `Accept` (CKAN's harvester sends none); JSON-LD "
        "embeds its context." + (_SUFFIX_NOTE if suffixed else ""),
        _suffix(DOCUMENT_OFFERS) if suffixed else None,
        DOCUMENT_OFFERS,
    )


_SUFFIX_NOTE = (
    " The suffix of an offered format chooses it; that of another format is `406`; anything "
    "else is `404`."
)


def _source() -> Json:
    return _operation(
        "source",
        "linked data",
        "An archived source page",
        "The text of the web page the facts come from, as archived (plain text).",
        [
            _path("name", "The archived file's name.", ("instytucje-partnerskie.txt",)),
            *_validators(),
        ],
        {
            "200": _ok(_text("text/plain"), _representation()),
            "304": _not_modified(),
            "404": _error_ref("NotFound"),
        },
    )


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
    types = [*dict.fromkeys([*(d.media_type for d in DATA_DUMPS), *OTHER_MEDIA_TYPES.values()])]
    file_headers = {
        "ETag": _ref_header("ETag", required=True),
        "Last-Modified": _ref_header("LastModified", required=True),
        "Cache-Control": _ref_header("CacheControl", required=True),
        "Accept-Ranges": _ref_header("AcceptRanges", required=True),
        "Link": _header('`</catalog>; rel="describedby"`', required=True),
    }
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


def _context() -> Json:
    return _operation(
        "context",
        "linked data",
        "The JSON-LD context",
        "The context every JSON-LD document ckpld writes refers to: prefixes and a short key "
        "for every term.",
        _validators(),
        {
            "200": _ok(
                {"application/ld+json": {"schema": {"$ref": "#/components/schemas/JsonLd"}}},
                _representation(),
            ),
            "304": _not_modified(),
        },
    )


def _sparql(slash: str) -> Json:
    suffix = "Slash" if slash else ""
    same = " (the same endpoint as `/sparql`)" if slash else ""
    dataset = [
        _graph_uris("default-graph-uri", "The default graph: the merge of these graphs."),
        _graph_uris("named-graph-uri", "The named graphs `GRAPH` may read."),
    ]
    query = {
        "name": "query",
        "in": "query",
        "required": False,
        "description": "The SPARQL 1.1 query (one). Without it, and without a dataset: the "
        "service description (RDF) or the query page (HTML).",
        "schema": {"type": "string"},
        "examples": _examples(SPARQL_EXAMPLES),
    }
    form = {
        "type": "object",
        "properties": {
            "query": {"type": "string", "examples": list(SPARQL_EXAMPLES)},
            "default-graph-uri": {"type": "array", "items": {"type": "string"}},
            "named-graph-uri": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["query"],
    }
    return {
        "get": _operation(
            "sparqlGet" + suffix,
            "sparql",
            "A SPARQL query by GET, or the service description" + same,
            "With `query`: its answer. SELECT as SPARQL JSON (the default), XML, CSV or TSV; "
            "ASK as JSON or XML; CONSTRUCT and DESCRIBE in every RDF format (Turtle by "
            "default); an HTML table for browsers. Without a query: the SPARQL 1.1 Service "
            "Description (RDF formats, Turtle by default), or the query page (HTML).\n\n"
            + _SPARQL_RULES,
            [
                query,
                *dataset,
                *_overrides(ANSWER_OFFERS),
                *_language(),
                *_validators(),
            ],
            {
                "200": _ok(_content(ANSWER_OFFERS), _answer_headers()),
                "304": _not_modified(vary=True),
                **_sparql_errors(),
            },
        ),
        "post": _operation(
            "sparqlPost" + suffix,
            "sparql",
            "A SPARQL query by POST" + same,
            "A URL-encoded form (`query`, `default-graph-uri`, `named-graph-uri`) or the query "
            "itself (`application/sparql-query`, UTF-8; the dataset then in the URL). Answers "
            "as by GET, but `Cache-Control: no-store`. Another media type or charset: `415`; "
            "no query: `400`.\n\n" + _SPARQL_RULES,
            [*dataset, *_overrides(ANSWER_OFFERS), *_language()],
            {
                "200": _ok(_content(ANSWER_OFFERS), _answer_headers(post=True)),
                **_sparql_errors(),
                "415": _error_ref("UnsupportedMediaType"),
            },
            body={
                "required": True,
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": form,
                        "encoding": {
                            "default-graph-uri": {"style": "form", "explode": True},
                            "named-graph-uri": {"style": "form", "explode": True},
                        },
                    },
                    "application/sparql-query": {
                        "schema": {"type": "string", "examples": list(SPARQL_EXAMPLES)}
                    },
                },
            },
        ),
    }


_SPARQL_RULES = """\
The endpoint is read-only: an update in any form is `403`, and so is a `SERVICE` call to an
endpoint not in the server's allow-list. A syntax error, two queries, a dataset without a query,
a relative graph IRI or parameters that are not UTF-8: `400`. A query longer than the server's
`query_max_length`: `413`. A query that outlives `query_timeout`, or needs more memory than a
query may take: `503`, never a truncated answer; when every query process is busy and the queue
is full: `503` with `Retry-After`, at once. An answer a format cannot carry (characters XML
cannot hold, triple terms in JSON-LD): `406` naming the value. Answers carry at most
`result_limit` rows (`X-SPARQL-MaxRows`; a cut one says `X-SPARQL-Truncated: true`). A client
that asks for more answers per minute than `sparql_rate_limit` (600 by default) gets `429` with
`Retry-After`."""


def _cookbook() -> Json:
    return _operation(
        "cookbook",
        "sparql",
        "The query cookbook",
        "The list of the cookbook's queries (HTML), each with its question.",
        [*_language(), *_validators()],
        {
            "200": _ok(_content([HTML]), _representation(vary=True)),
            "304": _not_modified(vary=True),
        },
    )


def _recipe() -> Json:
    return _operation(
        "recipe",
        "sparql",
        "One cookbook query",
        "`/queries/{name}`: the query run, by content negotiation like `/sparql` (its page in "
        "HTML shows the query and its results, and links every format). `/queries/{name}.rq`: "
        "its text (`application/sparql-query`). No query of that name: `404`.",
        [
            _path("name", "The query's name, optionally with `.rq`.", QUERY_EXAMPLES),
            *_overrides(ANSWER_OFFERS),
            *_language(),
            *_validators(),
        ],
        {
            "200": _ok(
                {**_content(ANSWER_OFFERS), **_text("application/sparql-query")},
                {**_answer_headers(), "Vary": _ref_header("VaryAccept")},  # .rq: not negotiated
            ),
            "304": _not_modified(),
            "400": _error_ref("BadRequest"),
            "404": _error_ref("NotFound"),
            "406": _error_ref("NotAcceptable"),
            "429": _error_ref("TooManyRequests"),
            **_store_errors(),
        },
    )


def _yasgui() -> Json:
    return _operation(
        "yasgui",
        "pages",
        "The query editor's files",
        "YASGUI's script and stylesheet, as installed from the npm registry by `npm ci`. "
        "Other names, or an editor not installed: `404`.",
        [_path("name", "`yasgui.min.js` or `yasgui.min.css`.", YASGUI_FILES), *_validators()],
        {
            "200": _ok({**_text("text/javascript"), **_text("text/css")}, _representation()),
            "304": _not_modified(),
            "404": _error_ref("NotFound"),
        },
    )


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
    """A document by content negotiation (`ckpld.views.resource.negotiated`)."""
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
