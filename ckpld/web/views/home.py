"""The home page, the published JSON-LD context and the partner list the home page shows."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, redirect, render_template, request
from markupsafe import Markup
from werkzeug.wrappers import Response as WerkzeugResponse

from ckpld.errors import NotAcceptableError
from ckpld.rdf.formats import DOCUMENT_OFFERS, HTML
from ckpld.rdf.iris import document_of, local_path
from ckpld.store.documents import internal_query
from ckpld.web.conneg import LANGUAGES, language, negotiate
from ckpld.web.i18n import when
from ckpld.web.pages.cartography import distance_km, frame_for, outlines
from ckpld.web.pages.citing import citation_block
from ckpld.web.pages.dataset_markup import dataset_markup
from ckpld.web.pages.overview import Overview, Partner, overview_of
from ckpld.web.pages.timeline import BAR, chart, events
from ckpld.web.views.base import publication
from ckpld.web.views.representation import Representation, media_type, respond

bp = Blueprint("home", __name__)

# Where machines find the metadata (RFC 8288 Link header; the page repeats them as <link>).
LINKS = (
    '</catalog>; rel="alternate"; type="text/turtle"; title="DCAT-AP catalogue"',
    '</.well-known/void>; rel="describedby"; type="text/turtle"; title="VoID"',
    '</sparql>; rel="service-desc"; type="text/turtle"; title="SPARQL service description"',
    '</sitemap.xml>; rel="sitemap"',
)
DOT_GAP = 16.0  # between the dots of two partners in one city
HOME_PARTNERS = 100  # partners on the home page (cards, map, timeline): the earliest ones
HOME_MEMBERSHIPS = 20  # and memberships


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
    suffix = f"?lang={lang}" if keep_lang else ""

    def href(iri: str) -> str:  # a link to one of our IRIs, keeping a chosen language
        place, hash_, fragment = (local_path(settings.base_iri, iri) or iri).partition("#")
        return place + suffix + hash_ + fragment

    facts = overview_of(pub)
    # A page people read: the earliest partners, and a query that lists them all (the data
    # may hold thousands; CKP's has a dozen or two).
    total, joined = len(facts.partners), len(facts.memberships)
    facts = replace(
        facts,
        partners=facts.partners[:HOME_PARTNERS],
        memberships=facts.memberships[:HOME_MEMBERSHIPS],
    )
    everyone = "partners" in pub.cookbook and "sparql.query" in current_app.view_functions
    links = {
        "dataset": href(settings.dataset_iri),
        "vocabulary": "/def/ckp" + suffix,
        "shapes": "/def/shapes.ttl",
        "data": [(f.name, f"/dumps/{f.name}") for f in pub.manifest.files[:5]]
        if pub.manifest
        else [("TriG", "/data.trig"), ("N-Quads", "/data.nq"), ("Turtle", "/data.ttl")],
        "dumps": "/dumps/" + suffix if pub.manifest else None,
        "catalog": "/catalog" + suffix,
        "sparql": "/sparql" + suffix if "sparql.query" in current_app.view_functions else None,
    }
    sources = internal_query(
        pub.store,
        "SELECT ?page ?url WHERE { ?page a <https://schema.org/WebPage> ; "
        "<https://schema.org/url> ?url } ORDER BY ?url",
    ).rows
    body = render_template(
        "home.html",
        dataset_markup=Markup(dataset_markup(pub, lang)),
        lang=lang,
        title=settings.title_pl if lang == "pl" else settings.title_en,
        cards=[_card(p, lang, href) for p in facts.partners],
        more={"shown": len(facts.partners), "total": total, "href": "/queries/partners" + suffix}
        if total > len(facts.partners)
        else None,
        everyone=everyone,
        more_memberships={"shown": len(facts.memberships), "total": joined}
        if joined > len(facts.memberships)
        else None,
        map=_map(facts, lang, href, settings.assets_dir),
        chart=chart(events(facts)),
        bar_height=BAR,
        memberships=facts.memberships,
        when=lambda period: when(period, lang),
        href=href,
        links=links,
        sources=[(_value(page), href(_value(page)), _value(url)) for page, url in sources],
        stats=pub.statistics,
        license=settings.license,
        citation=citation_block(pub, None, lang),
    )
    etag = f"{pub.etag_base}-home-{lang}" + ("-l" if keep_lang else "")
    return Representation(
        body.encode(), media_type(HTML), etag, pub.modified, ("Accept", "Accept-Language"), LINKS
    )


def _card(p: Partner, lang: str, href: Callable[[str], str]) -> dict[str, Any]:
    """A partner card: the Polish name as on the page, the partner's own, and where it is."""
    name_lang = "pl" if "pl" in p.names.by_lang else lang
    others = p.names.others("pl", "en") + (
        [("en", p.names.by_lang["en"])] if lang == "en" and "en" in p.names.by_lang else []
    )
    return {
        "href": href(p.iri),
        "name": p.names.best("pl"),
        "name_lang": name_lang,
        "other_names": others,
        "city": p.place.names.best(lang) if p.place else "",
        "country": p.country.best(lang) if p.country else "",
        "dated": when(p.dated, lang),
        "letter_href": href(p.letter) if p.letter else None,
    }


def _map(
    facts: Overview, lang: str, href: Callable[[str], str], assets_dir: str | Path
) -> dict[str, Any] | None:
    """The map's drawing: Kraków, one marker per partner city (a dot per partner), outlines."""
    home, cities = facts.home, facts.cities()
    if home is None or not home.located or not cities:
        return None
    centre = (home.lon or 0.0, home.lat or 0.0)
    frame = frame_for(centre, [(c.lon or 0.0, c.lat or 0.0) for c, _ in cities])
    hx, hy = frame.place(*centre)
    drawn = []
    for city, partners in cities:
        x, y = frame.place(city.lon or 0.0, city.lat or 0.0)
        right = x < frame.width * 0.8  # labels go right of the dots, except near the edge
        spread = (len(partners) - 1) * DOT_GAP / 2
        drawn.append(
            {
                "iri": city.iri,
                "name": city.names.best(lang),
                "x": x,
                "y": y,
                "km": f"{round(distance_km(centre, (city.lon or 0.0, city.lat or 0.0))):,}",
                "label_x": round(x + spread + 11 if right else x - spread - 11, 1),
                "anchor": "start" if right else "end",
                "partners": [
                    {
                        "href": href(p.iri),
                        "name": p.names.best("pl"),
                        "x": round(x - spread + i * DOT_GAP, 1),
                    }
                    for i, p in enumerate(partners)
                ],
            }
        )
    return {
        "width": frame.width,
        "height": frame.height,
        "outlines": outlines(assets_dir, frame),
        "home": {"x": hx, "y": hy, "name": home.names.best(lang), "href": href(home.iri)},
        "cities": drawn,
    }


def _value(term: object) -> str:
    if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode):
        return term.value
    return ""
