"""Dereferencing: /id/ answers 303 to /doc/; documents, vocabulary, graphs, dumps and sources."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, redirect, render_template, request
from markupsafe import Markup
from werkzeug.wrappers import Response as WerkzeugResponse

from ckpld.conneg import LANGUAGES, alternates, language, negotiate, override_of
from ckpld.documents import (
    Description,
    describe,
    document_metadata,
    graph_quads,
    incoming,
    internal_query,
    render,
)
from ckpld.errors import NotAcceptableError, NotFoundError
from ckpld.formats import HTML, RDF_FORMATS, Format, Kind
from ckpld.i18n import when
from ckpld.iris import DOCUMENT, THING, split_suffix
from ckpld.pages import Labeller, Quote, referrers, resource_page, with_context
from ckpld.publication import Publication
from ckpld.release import METADATA_GRAPH, dataset_quads
from ckpld.sources import archived_text
from ckpld.triples import date_time
from ckpld.usage import schemes, usage
from ckpld.views.representation import Representation, media_type, respond

bp = Blueprint("resource", __name__)

DOCUMENT_OFFERS: tuple[Format, ...] = (*RDF_FORMATS, HTML)  # Turtle first: */* gets Turtle
LICENSE = "http://purl.org/dc/terms/license"


def publication() -> Publication:
    """The publication this app serves."""
    found: Publication = current_app.extensions["ckpld"]
    return found


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
    return response


@bp.get("/doc/<path:rest>")
def document(rest: str) -> Response:
    """The document about a thing, in the negotiated format."""
    pub = publication()
    base = pub.settings.base_iri
    stem, suffix = split_suffix(rest)
    topic = base + THING + stem
    return negotiated(
        pub,
        "/" + DOCUMENT + stem,
        suffix,
        DOCUMENT_OFFERS,
        lambda: _description(pub, topic, base + DOCUMENT + stem),
    )


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
        pub, "/def/" + stem, suffix, DOCUMENT_OFFERS, lambda: _description(pub, iri, iri)
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
    """The whole dataset: every named graph (TriG, N-Quads) or their union (other formats)."""
    pub = publication()
    iri = pub.settings.base_iri + "data"
    if suffix is not None and split_suffix("data." + suffix)[1] is None:
        raise NotFoundError(f"no format has the suffix .{suffix}")
    return negotiated(
        pub,
        "/data",
        suffix,
        RDF_FORMATS,
        lambda: Description(iri, iri, tuple(dataset_quads(pub.store, pub.settings))),
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

    return negotiated(pub, "/void", suffix, DOCUMENT_OFFERS, content, embed_context=True)


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


def negotiated(
    pub: Publication,
    path: str,
    suffix: str | None,
    offers: Sequence[Format],
    content: Callable[[], Description],
    embed_context: bool = False,
) -> Response:
    """The representation of `content()` the client asked for (by `Accept` or `suffix`), cached.

    Args:
        pub: The publication served.
        path: The document's path without suffix (cache key, alternates, Content-Location).
        suffix: A format suffix from the URL, which beats `Accept`.
        offers: The formats this document comes in.
        content: Makes the statements (raises NotFoundError when there is nothing).
        embed_context: JSON-LD carries its context instead of referring to the published one
            (for metadata that harvesters read on their own, without a second request).
    """
    desc = pub.cache.get(("describe", path), content)  # 404 before 406: is there anything here?
    chosen = negotiate(request.headers.get("Accept"), offers, override_of(suffix, request.args))
    if chosen is None:
        available = ", ".join(f.media_type for f in offers)
        raise NotAcceptableError(f"this resource is available as: {available}")
    forced = request.args.get("lang")
    lang = language(request.headers.get("Accept-Language"), forced) if chosen is HTML else ""
    keep_lang = forced in LANGUAGES and chosen is HTML
    key = ("doc", path, chosen.name, lang, keep_lang)
    rep = pub.cache.get(
        key, lambda: _represent(pub, path, chosen, offers, desc, lang, keep_lang, embed_context)
    )
    return respond(rep, request, pub.settings.cache_max_age)


def _represent(
    pub: Publication,
    path: str,
    fmt: Format,
    offers: Sequence[Format],
    desc: Description,
    lang: str,
    keep_lang: bool,
    embed_context: bool,
) -> Representation:
    if fmt is HTML:
        body = _html(pub, desc, path, offers, lang, keep_lang).encode()
    else:
        # canonical, like every IRI
        context_url = None if embed_context else pub.settings.base_iri + "context.jsonld"
        body = render(desc.all_quads(), fmt, pub.prefixes, pub.context, context_url)
    vary = ["Accept"] + (["Accept-Language"] if HTML in offers and not keep_lang else [])
    links = [*alternates(path, offers, fmt), f'<{desc.document}>; rel="canonical"']
    etag = (
        f"{pub.etag_base}-{fmt.suffix}" + (f"-{lang}" if lang else "") + ("-l" if keep_lang else "")
    )
    return Representation(
        body, media_type(fmt), etag, pub.modified, tuple(vary), tuple(links), f"{path}.{fmt.suffix}"
    )


def _description(pub: Publication, topic: str, document_iri: str) -> Description:
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


def _html(
    pub: Publication,
    desc: Description,
    path: str,
    offers: Sequence[Format],
    lang: str,
    keep_lang: bool,
) -> str:
    labeller = Labeller(
        pub.settings.base_iri, lang, desc.quads, pub.labels, pub.prefixes, keep_lang
    )
    page = resource_page(desc, labeller)
    page.quotes = with_context(page.quotes, _archived_texts(pub, page.quotes))
    page.referrers = referrers(incoming(pub.store, desc.topic), labeller)
    facts = pub.overview()
    vocabulary = desc.topic == pub.settings.base_iri + "def/ckp"
    formats = [
        (f.name, f"{path}.{f.suffix}", f.media_type) for f in offers if f.kind is not Kind.HTML
    ]
    return render_template(
        "resource.html",
        page=page,
        lang=lang,
        formats=formats,
        canonical=desc.document,
        topic_iri=desc.topic,
        schema_org=Markup(page.schema_org),
        summary=facts.about(desc.topic),
        usage=usage(pub.store, desc.topic + "#") if vocabulary else None,
        schemes=schemes(pub.store, lang) if vocabulary else [],
        uses_href=_uses_href,
        href=labeller.href,
        name=labeller.name,
        when=lambda period: when(period, lang),
        path=path,
        dataset_href=labeller.href(pub.settings.dataset_iri),
    )


def _uses_href(term: str, is_class: bool) -> str:
    """A link to the query page listing where `term` is used."""
    node = ox.NamedNode(term)
    query = (
        f"SELECT ?thing WHERE {{ ?thing a {node} }} ORDER BY ?thing"
        if is_class
        else f"SELECT ?subject ?value WHERE {{ ?subject {node} ?value }} ORDER BY ?subject"
    )
    return "/sparql?" + urlencode({"query": query})


def _archived_texts(pub: Publication, quotes: Sequence[Quote]) -> dict[str, str]:
    """The archived text of each source page the quotes come from, by the page's IRI."""
    texts = {}
    for source in {q.source_iri for q in quotes if q.source_iri}:
        page = ox.NamedNode(source)
        found = internal_query(
            pub.store, f"SELECT ?copy WHERE {{ {page} <https://schema.org/archivedAt> ?copy }}"
        ).rows
        for (copy,) in found:
            if not isinstance(copy, ox.NamedNode):
                continue
            text_ = archived_text(pub.settings, copy.value)
            if text_ is not None:
                texts[source] = text_
    return texts


def _known(pub: Publication, iri: str) -> bool:
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return False
    return bool(internal_query(pub.store, f"ASK {{ {node} ?p ?o }}").boolean)
