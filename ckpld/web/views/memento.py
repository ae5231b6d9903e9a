"""Time travel (Memento, RFC 7089): a thing's TimeGate and TimeMap, and its mementos (its
document as each archived release had it). See `ckpld.web.memento`."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, request
from werkzeug.http import http_date
from werkzeug.wrappers import Response as WerkzeugResponse

from ckpld.errors import NotFoundError
from ckpld.publish.past import described
from ckpld.publish.record import Named
from ckpld.rdf.formats import DOCUMENT_OFFERS
from ckpld.rdf.iris import DOCUMENT, THING, split_suffix
from ckpld.web.memento import (
    LINK_FORMAT,
    Places,
    accept_datetime,
    choose,
    in_force,
    mementos,
    timemap,
)
from ckpld.web.views.base import archived_entry, negotiated, past_release, publication
from ckpld.web.views.representation import Representation, respond
from ckpld.web.views.resource import description_of

bp = Blueprint("memento", __name__)

IMMUTABLE = "public, max-age=31536000, immutable"


@bp.get("/timegate/id/<path:rest>")
def timegate(rest: str) -> WerkzeugResponse:
    """302 to the thing's memento in the release in force at the client's `Accept-Datetime`
    (now, without one); 404 saying from when the thing exists, when it did not then."""
    pub = publication()
    base = pub.settings.base_iri
    places = Places.of(base, rest)
    moment = accept_datetime(request.headers.get("Accept-Datetime"))
    found = mementos(pub, places.original)
    then = in_force(pub.releases.entries, moment)
    if then is not None and then.name not in pub.releases.archived and found:
        raise NotFoundError(
            f"release {then.name}, in force at {http_date(moment)}, is not in this server's "
            "archive (`ckpld releases rebuild` makes it)"
        )
    chosen = choose(pub.releases.entries, found, moment, places.original)
    response = redirect(places.memento(base, chosen.name), code=302)
    links = [
        f'<{places.original}>; rel="original"',
        f'<{places.timemap}>; rel="timemap"; type="{LINK_FORMAT}"',
        *_neighbours(places, base, found, chosen),
    ]
    response.headers["Link"] = ", ".join(links)
    response.headers["Vary"] = "Accept-Datetime"
    response.headers["Cache-Control"] = f"public, max-age={pub.settings.cache_max_age}"
    return response


@bp.get("/timemap/id/<path:rest>")
def time_map(rest: str) -> Response:
    """Every release that describes the thing, as a TimeMap (application/link-format)."""
    pub = publication()
    places = Places.of(pub.settings.base_iri, rest)

    def make() -> Representation:
        found = mementos(pub, places.original)
        if not found:
            raise NotFoundError(f"no release has ever published {places.original}")
        body = timemap(places, pub.settings.base_iri, found)
        tag = f"{pub.etag_base}-timemap-{len(pub.releases.archived)}-{rest}"
        return Representation(body, LINK_FORMAT, tag, found[-1].date)

    rep = pub.cache.get(("timemap", rest), make)
    return respond(rep, request, pub.settings.cache_max_age)


@bp.get("/releases/<name>/doc/<path:rest>")
def memento(name: str, rest: str) -> Response:
    """The thing's document as release `name` had it, in the negotiated format; it never
    changes (`Memento-Datetime`: the release's date)."""
    pub = publication()
    entry = archived_entry(pub, name)
    base = pub.settings.base_iri
    stem, suffix = split_suffix(rest)
    places = Places.of(base, stem)
    if places.original not in described(pub, entry):
        raise NotFoundError(
            f"release {name} does not describe {places.original}; the releases that do are "
            f"listed at {places.timemap}"
        )
    path = f"/releases/{name}/{DOCUMENT}{stem}"
    with past_release(pub, name) as past:
        response = negotiated(
            past,
            path,
            suffix,
            DOCUMENT_OFFERS,
            lambda: description_of(past, base + THING + stem, base + DOCUMENT + stem),
        )
    response.headers["Memento-Datetime"] = http_date(entry.date)
    response.headers["Link"] = ", ".join(
        [*places.links(), *filter(None, [response.headers.get("Link")])]
    )
    if response.status_code in (200, 304):
        response.headers["Cache-Control"] = IMMUTABLE
    return response


def _neighbours(places: Places, base: str, found: list[Named], chosen: Named) -> list[str]:
    """Links to the first, last, previous, next and chosen mementos, with their dates."""
    index = found.index(chosen)
    picks = {
        "first memento": found[0],
        "last memento": found[-1],
        "prev memento": found[index - 1] if index else None,
        "next memento": found[index + 1] if index + 1 < len(found) else None,
        "memento": chosen,
    }
    rels: dict[str, list[str]] = {}
    for rel, entry in picks.items():
        if entry is not None:
            rels.setdefault(entry.name, []).append(rel)
    by_name = {e.name: e for e in found}
    return [
        f'<{places.memento(base, name)}>; rel="{" ".join(_merged(r))}"; '
        f'datetime="{http_date(by_name[name].date)}"'
        for name, r in rels.items()
    ]


def _merged(rels: list[str]) -> list[str]:
    """`first memento`, `last memento` → `first last memento` (one `memento` at the end)."""
    words = [w for r in rels for w in r.split() if w != "memento"]
    return [*dict.fromkeys(words), "memento"]
