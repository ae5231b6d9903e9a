"""The home page, the published JSON-LD context and the partner list the home page shows."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, redirect, render_template, request
from werkzeug.wrappers import Response as WerkzeugResponse

from ckpld.conneg import LANGUAGES, language, negotiate
from ckpld.documents import internal_query
from ckpld.errors import NotAcceptableError
from ckpld.formats import HTML
from ckpld.iris import document_of, local_path
from ckpld.messages import text
from ckpld.views.representation import Representation, media_type, respond
from ckpld.views.resource import DOCUMENT_OFFERS, publication

bp = Blueprint("home", __name__)

# Where machines find the metadata (RFC 8288 Link header; the page repeats them as <link>).
LINKS = (
    '</catalog>; rel="alternate"; type="text/turtle"; title="DCAT-AP catalogue"',
    '</.well-known/void>; rel="describedby"; type="text/turtle"; title="VoID"',
    '</sparql>; rel="service-desc"; type="text/turtle"; title="SPARQL service description"',
    '</sitemap.xml>; rel="sitemap"',
)

PARTNERS = """
PREFIX schema: <https://schema.org/>
PREFIX ckp: <def/ckp#>
SELECT ?partner ?name ?city ?country ?since ?letter WHERE {
  %VALUES%
  ?partnership a ckp:Partnership ; ckp:partner ?publisher , ?partner ; schema:startDate ?since .
  FILTER (?partner != ?publisher)
  ?partner schema:name ?name ; schema:location ?place .
  ?place schema:name ?city ; schema:containedInPlace* ?countryPlace .
  ?countryPlace a schema:Country ; schema:name ?country .
  FILTER (LANG(?name) = ?lang && LANG(?city) = ?lang && LANG(?country) = ?lang)
  BIND (EXISTS { ?partnership ckp:establishedBy ?any } AS ?letter)
}
ORDER BY ?since ?name
"""


@dataclass(frozen=True)
class Partner:
    """One row of the home page's partner table."""

    href: str
    name: str
    city: str
    country: str
    since: str
    letter: bool


@bp.get("/")
def home() -> WerkzeugResponse:
    """The home page for people; RDF clients are sent to the dataset's description."""
    pub = publication()
    chosen = negotiate(request.headers.get("Accept"), (HTML, *DOCUMENT_OFFERS))
    if chosen is None:
        raise NotAcceptableError(
            "the home page is available as text/html, or as RDF at the dataset's description"
        )
    if chosen is not HTML:
        target = local_path(
            pub.settings.base_iri, document_of(pub.settings.base_iri, pub.settings.dataset_iri)
        )
        response = redirect(target or "/", code=303)
        response.headers["Vary"] = "Accept"
        return response
    forced = request.args.get("lang")
    lang = language(request.headers.get("Accept-Language"), forced)
    keep = forced in LANGUAGES
    rep = pub.cache.get(("home", lang, keep), lambda: _home(lang, keep))
    return respond(rep, request, pub.settings.cache_max_age)


@bp.get("/context.jsonld")
def context() -> Response:
    """The JSON-LD context of ckpld's JSON-LD output: prefixes and short keys for every term."""
    pub = publication()
    rep = pub.cache.get(
        ("context",),
        lambda: Representation(
            json.dumps({"@context": pub.context}, ensure_ascii=False, indent=2).encode(),
            "application/ld+json",
            f"{pub.etag_base}-context",
            pub.modified,
        ),
    )
    return respond(rep, request, pub.settings.cache_max_age)


def _home(lang: str, keep_lang: bool) -> Representation:
    pub = publication()
    settings = pub.settings
    publisher, lang_ = ox.NamedNode(settings.publisher_iri), ox.Literal(lang)
    values = f"VALUES (?publisher ?lang) {{ ({publisher} {lang_}) }}"
    rows = internal_query(pub.store, PARTNERS.replace("%VALUES%", values)).rows
    suffix = f"?lang={lang}" if keep_lang else ""
    partners = [
        Partner(
            href=(local_path(settings.base_iri, _value(r[0])) or _value(r[0])) + suffix,
            name=_value(r[1]),
            city=_value(r[2]),
            country=_value(r[3]),
            since=_value(r[4]),
            letter=_value(r[5]) == "true",
        )
        for r in rows
    ]
    links = {
        "dataset": (local_path(settings.base_iri, settings.dataset_iri) or "/") + suffix,
        "vocabulary": "/def/ckp" + suffix,
        "shapes": "/def/shapes.ttl",
        "data": [(f.name, f"/dumps/{f.name}") for f in pub.manifest.files[:5]]
        if pub.manifest
        else [("TriG", "/data.trig"), ("N-Quads", "/data.nq"), ("Turtle", "/data.ttl")],
        "dumps": "/dumps/" + suffix if pub.manifest else None,
        "catalog": "/catalog" + suffix,
        "sparql": "/sparql" if "sparql.query" in current_app.view_functions else None,
        "publisher": (local_path(settings.base_iri, settings.publisher_iri) or "/") + suffix,
    }
    sources = internal_query(
        pub.store,
        "SELECT ?page ?url WHERE { ?page a <https://schema.org/WebPage> ; "
        "<https://schema.org/url> ?url } ORDER BY ?url",
    ).rows
    body = render_template(
        "home.html",
        lang=lang,
        t=lambda key: text(key, lang),
        partners=partners,
        links=links,
        title=settings.title_pl if lang == "pl" else settings.title_en,
        sources=[
            (_value(page), local_path(settings.base_iri, _value(page)), _value(url))
            for page, url in sources
        ],
        stats=pub.statistics,
        license=settings.license,
    )
    etag = f"{pub.etag_base}-home-{lang}" + ("-l" if keep_lang else "")
    return Representation(
        body.encode(), media_type(HTML), etag, pub.modified, ("Accept", "Accept-Language"), LINKS
    )


def _value(term: object) -> str:
    if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode):
        return term.value
    return ""
