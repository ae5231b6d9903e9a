"""What every view shares: the publication served, and a document in the format the client
asked for (RDF or its HTML page), cached."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Response, current_app, render_template, request
from markupsafe import Markup

from ckpld.errors import NotAcceptableError, NotFoundError
from ckpld.model.sources import archived_text
from ckpld.publish.past import Pasts
from ckpld.publish.publication import Publication
from ckpld.publish.record import Named
from ckpld.rdf.formats import HTML, Format, Kind
from ckpld.rdf.iris import local_path
from ckpld.store.documents import Description, incoming, internal_query, known_as, render
from ckpld.web.conneg import LANGUAGES, alternates, language, negotiate, override_of
from ckpld.web.i18n import when
from ckpld.web.pages.dataset_markup import dataset_markup
from ckpld.web.pages.overview import overview_of
from ckpld.web.pages.resource_page import Labeller, Quote, referrers, resource_page, with_context
from ckpld.web.pages.usage import schemes, usage
from ckpld.web.views.representation import Representation, media_type, respond


def publication() -> Publication:
    """The publication this app serves."""
    found: Publication = current_app.extensions["ckpld"]
    return found


def archived_entry(pub: Publication, name: str) -> Named:
    """The release called `name`, if this server's archive holds it.

    Raises:
        NotFoundError: the record has no such release, or the archive lacks it (saying so).
    """
    entry = pub.releases.named(name)
    if entry is None:
        raise NotFoundError(f"no release is called {name}; the releases are listed at /releases/")
    if name not in pub.releases.archived:
        raise NotFoundError(
            f"release {name} ({entry.date.isoformat()}) is in the release record, but this "
            "server's archive lacks it (`ckpld releases rebuild` makes it)"
        )
    return entry


def past_release(pub: Publication, name: str) -> AbstractContextManager[Publication]:
    """The publication of the archived release called `name`, loaded in this process on first
    use and kept while the `with` block runs (see `ckpld.publish.past.Pasts`)."""
    entry = archived_entry(pub, name)
    pasts: Pasts = current_app.extensions["ckpld-pasts"]
    return pasts.hold(pub, entry)


def negotiated(
    pub: Publication,
    path: str,
    suffix: str | None,
    offers: Sequence[Format],
    content: Callable[[], Description],
) -> Response:
    """The representation of `content()` the client asked for (by `Accept` or `suffix`), cached.

    Args:
        pub: The publication served.
        path: The document's path without suffix (cache key, alternates, Content-Location).
        suffix: A format suffix from the URL, which beats `Accept`.
        offers: The formats this document comes in.
        content: Makes the statements (raises NotFoundError when there is nothing).
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
    rep = pub.cache.get(key, lambda: _represent(pub, path, chosen, offers, desc, lang, keep_lang))
    return respond(rep, request, pub.settings.cache_max_age)


def _represent(
    pub: Publication,
    path: str,
    fmt: Format,
    offers: Sequence[Format],
    desc: Description,
    lang: str,
    keep_lang: bool,
) -> Representation:
    if fmt is HTML:
        body = _html(pub, desc, path, offers, lang, keep_lang).encode()
    else:
        body = render(desc.all_quads(), fmt, pub.prefixes, pub.context)
    vary = ["Accept"] + (["Accept-Language"] if HTML in offers and not keep_lang else [])
    links = [*alternates(path, offers, fmt), f'<{desc.document}>; rel="canonical"']
    etag = (
        f"{pub.etag_base}-{fmt.suffix}" + (f"-{lang}" if lang else "") + ("-l" if keep_lang else "")
    )
    return Representation(
        body, media_type(fmt), etag, pub.modified, tuple(vary), tuple(links), f"{path}.{fmt.suffix}"
    )


def _html(
    pub: Publication,
    desc: Description,
    path: str,
    offers: Sequence[Format],
    lang: str,
    keep_lang: bool,
) -> str:
    outside = [
        q.object.value
        for q in desc.quads
        if isinstance(q.object, ox.NamedNode)
        and local_path(pub.settings.base_iri, q.object.value) is None
    ]
    labeller = Labeller(
        pub.settings.base_iri,
        lang,
        desc.quads,
        pub.labels,
        pub.prefixes,
        keep_lang,
        known_as(pub.store, outside),
    )
    page = resource_page(desc, labeller)
    page.quotes = with_context(page.quotes, _archived_texts(pub, page.quotes))
    page.referrers = referrers(incoming(pub.store, desc.topic), labeller)
    facts = overview_of(pub)
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
        schema_org=Markup(
            dataset_markup(pub, lang or "en")
            if desc.topic == pub.settings.dataset_iri
            else page.schema_org
        ),
        summary=facts.about(desc.topic),
        usage=usage(pub.store, desc.topic + "#") if vocabulary else None,
        schemes=schemes(pub.store, lang) if vocabulary else [],
        uses_href=_uses_href,
        href=labeller.href,
        name=labeller.name,
        when=lambda period: when(period, lang),
        path=path,
        dataset_href=labeller.href(pub.settings.dataset_iri),
        past=pub.past,
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
