"""The linked-data routes: the home page, things, documents, definitions, graphs, the dataset's
data, VoID, the catalogue, archived sources and the JSON-LD context."""

from __future__ import annotations

from ckpld.rdf.formats import DOCUMENT_OFFERS, HTML, RDF_FORMATS
from ckpld.web.openapi.parts import (
    Json,
    _content,
    _error_ref,
    _language,
    _negotiated,
    _not_modified,
    _ok,
    _operation,
    _path,
    _ref_header,
    _representation,
    _see_other,
    _store_errors,
    _suffix,
    _text,
    _validators,
)

# Examples from the shipped data, for readers and for schemathesis's example phase.
THING_EXAMPLES = ("organization/encc", "place/grasse", "dataset/instytucje-partnerskie")
GRAPH_NAMES = ("page", "enrichment", "vocabulary", "metadata", "catalog")


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
