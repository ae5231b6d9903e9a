"""The SPARQL 1.1 Protocol endpoint, the cookbook and the query editor's files."""

from __future__ import annotations

from ckpld.rdf.formats import HTML
from ckpld.web.assets import YASGUI_FILES
from ckpld.web.openapi.parts import (
    ANSWER_OFFERS,
    Json,
    _answer_headers,
    _content,
    _error_ref,
    _examples,
    _graph_uris,
    _language,
    _not_modified,
    _ok,
    _operation,
    _overrides,
    _path,
    _ref_header,
    _representation,
    _sparql_errors,
    _store_errors,
    _text,
    _validators,
)

QUERY_EXAMPLES = ("partners", "partners.rq", "partners.csv", "partners-by-country")
SPARQL_EXAMPLES = (
    "ASK { ?s ?p ?o }",
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 3",
    "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3",
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
        "The list of the cookbook's queries, each with its question: a page (HTML), or for "
        "programs a JSON list of `{name, question: {pl, en}, query, answer}` (`query`: the "
        "text's URL, `answer`: the answer's).",
        [*_language(), *_validators()],
        {
            "200": _ok(
                {
                    **_content([HTML]),
                    "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
                },
                _representation(vary=True),
            ),
            "304": _not_modified(vary=True),
            "406": _error_ref("NotAcceptable"),
        },
    )


def _recipe() -> Json:
    return _operation(
        "recipe",
        "sparql",
        "One cookbook query",
        "`/queries/{name}`: the query run, by content negotiation like `/sparql` (its page in "
        "HTML shows the query and its results, and links every format); a format suffix "
        "chooses one (`partners.csv`, `partners.html`). `/queries/{name}.rq`: its text "
        "(`application/sparql-query`). No query of that name, or a suffix its answer does not "
        "come in: `404`.",
        [
            _path(
                "name",
                "The query's name, optionally with `.rq` or a format suffix.",
                QUERY_EXAMPLES,
            ),
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
        [
            _path("name", "`yasgui.min.js` or `yasgui.min.css`.", tuple(YASGUI_FILES)),
            *_validators(),
        ],
        {
            "200": _ok(
                {k: v for t in YASGUI_FILES.values() for k, v in _text(t).items()},
                _representation(),
            ),
            "304": _not_modified(),
            "404": _error_ref("NotFound"),
        },
    )
