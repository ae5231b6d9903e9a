"""Dereferencing: /id/ answers 303 to /doc/; documents, vocabulary, graphs, dumps and sources."""

from __future__ import annotations

from urllib.parse import quote

import pyoxigraph as ox
from flask import Blueprint, Response, redirect, request
from werkzeug.wrappers import Response as WerkzeugResponse

from ckpld.errors import NotFoundError
from ckpld.model.sources import archived_text
from ckpld.publish.publication import Publication
from ckpld.publish.release import METADATA_GRAPH, dataset_quads
from ckpld.rdf.formats import DOCUMENT_OFFERS, RDF_FORMATS
from ckpld.rdf.iris import DOCUMENT, THING, split_suffix
from ckpld.rdf.triples import date_time
from ckpld.store.documents import (
    Description,
    describe,
    document_metadata,
    graph_quads,
    internal_query,
)
from ckpld.web.memento import original_links
from ckpld.web.views.base import negotiated, publication
from ckpld.web.views.representation import Representation, respond

bp = Blueprint("resource", __name__)

LICENSE = "http://purl.org/dc/terms/license"


@bp.get("/id/<path:rest>")
def thing(rest: str) -> WerkzeugResponse:
    """A thing's IRI: 303 See Other to the document about it (W3C Cool URIs)."""
    pub = publication()
    stem, _ = split_suffix(rest)
    if not _known(pub, pub.settings.base_iri + THING + stem):
        raise NotFoundError(f"nothing is published as {pub.settings.base_iri}{THING}{stem}")
    target = "/" + DOCUMENT + rest
    if request.query_string:  # kept byte for byte; what may not stand in a URL percent-encoded
        target += "?" + quote(request.query_string, safe="/?:@!$&'()*+,;=%")
    response = redirect(target, code=303)
    response.headers["Cache-Control"] = f"public, max-age={pub.settings.cache_max_age}"
    versions = original_links(pub, stem)
    if versions:
        response.headers["Link"] = ", ".join(versions)
    return response


@bp.get("/doc/<path:rest>")
def document(rest: str) -> Response:
    """The document about a thing, in the negotiated format."""
    pub = publication()
    base = pub.settings.base_iri
    stem, suffix = split_suffix(rest)
    topic = base + THING + stem
    response = negotiated(
        pub,
        "/" + DOCUMENT + stem,
        suffix,
        DOCUMENT_OFFERS,
        lambda: description_of(pub, topic, base + DOCUMENT + stem),
    )
    versions = original_links(pub, stem)
    if versions:
        response.headers["Link"] = ", ".join(
            [*filter(None, [response.headers.get("Link")]), f'<{topic}>; rel="original"', *versions]
        )
    return response


@bp.get("/def/<name>")
def definition(name: str) -> Response:
    """The vocabulary (`def/ckp`, terms as hash IRIs) and the SHACL shapes (`def/shapes`)."""
    pub = publication()
    stem, suffix = split_suffix(name)
    iri = pub.settings.base_iri + "def/" + stem
    if stem == "shapes":
        shapes = Description(iri, iri, tuple(pub.shapes))
        return negotiated(pub, "/def/shapes", suffix, RDF_FORMATS, lambda: shapes)
    return negotiated(
        pub, "/def/" + stem, suffix, DOCUMENT_OFFERS, lambda: description_of(pub, iri, iri)
    )


@bp.get("/graph/<name>")
def graph(name: str) -> Response:
    """A named graph's statements (its IRI is its own document)."""
    pub = publication()
    stem, suffix = split_suffix(name)
    iri = pub.settings.graph_iri(stem)

    def content() -> Description:
        quads = graph_quads(pub.store, iri)
        if not quads:
            raise NotFoundError(f"there is no named graph {iri}")
        return Description(iri, iri, tuple(quads))

    return negotiated(pub, "/graph/" + stem, suffix, RDF_FORMATS, content)


@bp.get("/data", defaults={"suffix": None})
@bp.get("/data.<suffix>")
def data(suffix: str | None) -> Response:
    """The whole dataset: its data graphs (TriG, N-Quads) or their union (other formats)."""
    pub = publication()
    iri = pub.settings.base_iri + "data"
    if suffix is not None and split_suffix("data." + suffix)[1] is None:
        raise NotFoundError(f"no format has the suffix .{suffix}")
    return negotiated(
        pub,
        "/data",
        suffix,
        RDF_FORMATS,
        lambda: Description(iri, iri, tuple(dataset_quads(pub.store))),
    )


@bp.get("/.well-known/void")
def well_known_void() -> Response:
    """The VoID description where VoID clients look for it (RFC 8615 well-known URI)."""
    return void(None)


@bp.get("/void", defaults={"suffix": None})
@bp.get("/void.<suffix>")
def void(suffix: str | None) -> Response:
    """The dataset's VoID description (also at /.well-known/void)."""
    pub = publication()
    dataset = pub.settings.dataset_iri
    document = pub.settings.base_iri + ".well-known/void"
    if suffix is not None and split_suffix("void." + suffix)[1] is None:
        raise NotFoundError(f"no format has the suffix .{suffix}")

    def content() -> Description:  # the whole VoID graph: dataset, partitions, subsets
        quads = graph_quads(pub.store, pub.settings.graph_iri(METADATA_GRAPH))
        about = document_metadata(
            document, dataset, dataset, date_time(pub.modified), pub.settings.license
        )
        return Description(dataset, document, tuple(quads), tuple(about))

    return negotiated(pub, "/void", suffix, DOCUMENT_OFFERS, content)


@bp.get("/source/<name>")
def source(name: str) -> Response:
    """An archived source page, as plain text."""
    pub = publication()
    text_ = archived_text(pub.settings, pub.settings.base_iri + "source/" + name)
    if text_ is None:
        raise NotFoundError(f"no archived source page is called {name}")
    rep = pub.cache.get(
        ("source", name),
        lambda: Representation(
            text_.encode(),
            "text/plain; charset=utf-8",
            f"{pub.etag_base}-source-{name}",
            pub.modified,
        ),
    )
    return respond(rep, request, pub.settings.cache_max_age)


def description_of(pub: Publication, topic: str, document_iri: str) -> Description:
    """The statements of `topic`'s document (404 when nothing describes it), with the
    document's own metadata."""
    quads = describe(pub.store, topic, pub.owned)
    desc = Description(topic, document_iri, tuple(quads))
    if not desc.found:
        raise NotFoundError(f"nothing is published as {topic}")
    states_license = any(
        q.predicate.value == LICENSE and q.subject.value == document_iri
        for q in quads
        if isinstance(q.subject, ox.NamedNode)
    )
    metadata = document_metadata(
        document_iri,
        topic,
        pub.settings.dataset_iri,
        date_time(pub.modified),
        None if states_license else pub.settings.license,
    )
    return Description(topic, document_iri, tuple(quads), tuple(metadata))


def _known(pub: Publication, iri: str) -> bool:
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return False
    # in any graph: the dataset and the services are described in the VoID and DCAT graphs
    return bool(internal_query(pub.store, f"ASK {{ GRAPH ?g {{ {node} ?p ?o }} }}").boolean)
