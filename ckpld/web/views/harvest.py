"""What harvesters and crawlers fetch: the DCAT catalogue, the dumps, the sitemap and robots.txt."""

from __future__ import annotations

from xml.sax.saxutils import escape

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request, send_file
from werkzeug.http import parse_range_header

from ckpld.errors import NotAcceptableError, NotFoundError
from ckpld.publish.catalog import catalog_iri
from ckpld.publish.dane_gov_pl import MEDIA_TYPE as FEED_MEDIA_TYPE
from ckpld.publish.dane_gov_pl import Feed, feed
from ckpld.publish.dumps import MANIFEST_FILE
from ckpld.publish.publication import Publication
from ckpld.publish.release import CATALOG_GRAPH
from ckpld.rdf.formats import DOCUMENT_OFFERS, HTML, named
from ckpld.rdf.iris import THING, document_of, split_suffix
from ckpld.store.documents import Description, internal_query
from ckpld.web.conneg import LANGUAGES, language, negotiate
from ckpld.web.views.base import negotiated, publication
from ckpld.web.views.representation import Representation, media_type, respond

bp = Blueprint("harvest", __name__)

SITEMAP_PAGE = 50_000  # most URLs one sitemap file may list (sitemaps.org)
_SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_XHTML_NS = "http://www.w3.org/1999/xhtml"
_JSON = named("json")


@bp.get("/catalog", defaults={"suffix": None})
@bp.get("/catalog.<suffix>")
def catalog(suffix: str | None) -> Response:
    """The DCAT-AP catalogue: the named graph `catalog`, by content negotiation."""
    pub = publication()
    iri = catalog_iri(pub.settings)
    if suffix is not None and split_suffix("catalog." + suffix)[1] is None:
        raise NotFoundError(f"no format has the suffix .{suffix}")

    def content() -> Description:
        if not pub.catalogue:
            raise NotFoundError("no catalogue is published")
        graph = ox.NamedNode(pub.settings.graph_iri(CATALOG_GRAPH))
        quads = (ox.Quad(t.subject, t.predicate, t.object, graph) for t in pub.catalogue)
        return Description(iri, iri, tuple(quads))

    return negotiated(pub, "/catalog", suffix, DOCUMENT_OFFERS, content)


@bp.get("/harvest/dane-gov-pl.xml")
def dane_gov_pl() -> Response:
    """The feed for dane.gov.pl's XML harvester (ckpld.publish.dane_gov_pl), from the catalogue."""
    pub = publication()
    rep = pub.cache.get(("dane-gov-pl", "xml"), _feed)
    return respond(rep, request, pub.settings.cache_max_age)


@bp.get("/harvest/dane-gov-pl.md5")
def dane_gov_pl_md5() -> Response:
    """The MD5 digest of the feed's bytes, alone: what the portal compares the feed with."""
    pub = publication()

    def make() -> Representation:
        digest = _feed_of(pub).md5.encode()
        etag = f"{pub.etag_base}-dane-gov-pl-md5"
        return Representation(digest, "text/plain; charset=utf-8", etag, pub.modified)

    rep = pub.cache.get(("dane-gov-pl", "md5"), make)
    return respond(rep, request, pub.settings.cache_max_age)


def _feed() -> Representation:
    pub = publication()
    body = _feed_of(pub).body
    etag = f"{pub.etag_base}-dane-gov-pl"
    return Representation(body, FEED_MEDIA_TYPE, etag, pub.modified)


def _feed_of(pub: Publication) -> Feed:
    if not pub.catalogue:
        raise NotFoundError("no catalogue is published, so there is no feed")
    found: Feed = pub.cache.get(("dane-gov-pl", "feed"), lambda: feed(pub.catalogue))
    return found


@bp.get("/dumps/")
def dumps() -> Response:
    """The files of the current release: an HTML list, or its manifest as JSON."""
    pub = publication()
    manifest = pub.manifest
    if manifest is None:
        raise NotFoundError("no dumps are published")
    chosen = negotiate(request.headers.get("Accept"), (HTML, _JSON))
    if chosen is None:
        raise NotAcceptableError("the list of dumps is available as text/html, application/json")
    lang = language(request.headers.get("Accept-Language"), request.args.get("lang"))
    kept = "-l" if request.args.get("lang") in LANGUAGES else ""  # links then carry ?lang=
    key = ("dumps", chosen.name, lang, kept)

    def make() -> Representation:
        if chosen is HTML:
            body = render_template(
                "dumps.html",
                lang=lang,
                manifest=manifest,
                catalog="/catalog",
            ).encode()
            return Representation(
                body,
                media_type(HTML),
                f"{pub.etag_base}-dumps-{lang}{kept}",
                pub.modified,
                ("Accept", "Accept-Language"),
            )
        assert manifest.folder is not None
        body = (manifest.folder / MANIFEST_FILE).read_bytes()
        return Representation(
            body, "application/json", f"{pub.etag_base}-dumps", pub.modified, ("Accept",)
        )

    return respond(pub.cache.get(key, make), request, pub.settings.cache_max_age)


@bp.get("/dumps/<name>")
def dump(name: str) -> Response:
    """One file of the current release, with ranges, HEAD and validators (ETag = its SHA-256)."""
    pub = publication()
    manifest = pub.manifest
    described = manifest.file(name) if manifest else None
    if manifest is None or manifest.folder is None:
        raise NotFoundError("no dumps are published")
    if name == MANIFEST_FILE:
        path, media, etag = manifest.folder / name, "application/json", None
    elif described is None:
        raise NotFoundError(f"there is no dump called {name}; the list is at /dumps/")
    else:
        path, media, etag = manifest.folder / name, described.media_type, described.sha256
    # Several ranges at once would need a multipart answer: RFC 9110 (§14.2) lets a server ignore
    # the header instead, and send the whole file.
    wanted = parse_range_header(request.headers.get("Range"))
    if wanted is not None and len(wanted.ranges) > 1:
        request.environ.pop("HTTP_RANGE", None)
    # (werkzeug adds "; charset=utf-8" to text/* types itself)
    response = send_file(
        path,
        mimetype=media,
        conditional=True,
        etag=etag or True,
        last_modified=pub.modified,
        max_age=pub.settings.cache_max_age,
    )
    response.headers["Accept-Ranges"] = "bytes"
    response.headers["Link"] = '</catalog>; rel="describedby"; type="text/turtle"'
    return response


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """Every page for people, in sitemaps.org format (an index of pages when there are many)."""
    pub = publication()
    rep = pub.cache.get(("sitemap",), lambda: _sitemap(0))
    return respond(rep, request, pub.settings.cache_max_age)


@bp.get("/sitemap-<int:page>.xml")
def sitemap_page(page: int) -> Response:
    """One page of a sitemap that needed an index."""
    pub = publication()
    rep = pub.cache.get(("sitemap", page), lambda: _sitemap(page))
    return respond(rep, request, pub.settings.cache_max_age)


@bp.get("/robots.txt")
def robots() -> Response:
    """Crawlers may read every page; running SPARQL queries is for people and programs."""
    pub = publication()
    # Only running queries is kept from crawlers (`?query=`, wherever it stands); the query
    # page itself, in either language, and the cookbook's answers stay open.
    body = (
        "User-agent: *\n"
        "Allow: /\n"
        "Disallow: /sparql?query=\n"
        "Disallow: /sparql?*&query=\n"
        "Disallow: /sparql/?query=\n"
        "Disallow: /sparql/?*&query=\n"
        f"Sitemap: {pub.settings.base_iri}sitemap.xml\n"
    ).encode()
    rep = Representation(body, "text/plain; charset=utf-8", f"{pub.etag_base}-robots", pub.modified)
    return respond(rep, request, pub.settings.cache_max_age)


def page_urls() -> list[str]:
    """The URLs of every page for people, as HTML whatever a crawler's `Accept` says: home,
    query page, vocabulary, catalogue, dumps, the cookbook and its queries, documents."""
    pub = publication()
    base = pub.settings.base_iri
    space = ox.Literal(base + THING)
    rows = internal_query(
        pub.store,
        f"SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
        f"FILTER(isIRI(?s) && STRSTARTS(STR(?s), {space})) }}",
    ).rows
    documents = {
        document_of(base, row[0].value) + ".html"
        for row in rows
        if isinstance(row[0], ox.NamedNode)
    }
    fixed = [
        base,
        base + "sparql?format=html",
        base + "def/ckp.html",
        base + "catalog.html",
        base + "dumps/",
        base + "queries/",
        *(f"{base}queries/{name}.html" for name in sorted(pub.cookbook)),
        *([base + "releases/"] if pub.releases.entries else []),
        *(
            f"{base}releases/{e.name}/"
            for e in reversed(pub.releases.entries)
            if e.name in pub.releases.archived
        ),
    ]
    return fixed + sorted(documents)


def _in_language(url: str, lang: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}lang={lang}"


def _entry(url: str, modified: str) -> str:
    """One page in the sitemap, with its Polish and English versions (hreflang)."""
    alternates = "".join(
        f'<xhtml:link rel="alternate" hreflang="{lang}" href="{escape(_in_language(url, lang))}"/>'
        for lang in LANGUAGES
    )
    default = f'<xhtml:link rel="alternate" hreflang="x-default" href="{escape(url)}"/>'
    return (
        f"<url><loc>{escape(url)}</loc><lastmod>{modified}</lastmod>{alternates}{default}</url>\n"
    )


def _sitemap(page: int) -> Representation:
    pub = publication()
    base = pub.settings.base_iri
    urls = page_urls()
    pages = max(1, -(-len(urls) // SITEMAP_PAGE))
    modified = pub.modified.date().isoformat()
    if page == 0 and pages > 1:
        entries = "".join(
            f"<sitemap><loc>{escape(base)}sitemap-{n}.xml</loc><lastmod>{modified}</lastmod>"
            "</sitemap>\n"
            for n in range(1, pages + 1)
        )
        body = f'<sitemapindex xmlns="{_SITEMAP_NS}">\n{entries}</sitemapindex>\n'
    else:
        if page > pages or (page >= 1 and pages == 1):
            raise NotFoundError(f"the sitemap has no page {page}")
        chunk = urls[max(page - 1, 0) * SITEMAP_PAGE :][:SITEMAP_PAGE]
        entries = "".join(_entry(url, modified) for url in chunk)
        body = f'<urlset xmlns="{_SITEMAP_NS}" xmlns:xhtml="{_XHTML_NS}">\n{entries}</urlset>\n'
    document = '<?xml version="1.0" encoding="UTF-8"?>\n' + body
    return Representation(
        document.encode(),
        "application/xml; charset=utf-8",
        f"{pub.etag_base}-sitemap-{page}",
        pub.modified,
    )
