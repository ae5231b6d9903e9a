"""What the home page shows, read from the data: the partners, their cities and the relationships.

Everything here comes from SPARQL over the store (either kind), so the pages change with the
data. Names are kept in every language the data gives; the page picks one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ckpld.publish.publication import Publication
from ckpld.rdf.periods import Period
from ckpld.store import Store
from ckpld.store.documents import internal_query
from ckpld.store.remembered import remembered

_XSD = "http://www.w3.org/2001/XMLSchema#"
_PREFIXES = """
PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX ckp: <def/ckp#>
"""
PARTNERS = (
    _PREFIXES
    + """
SELECT ?partnership ?partner ?dated ?letter ?place ?lat ?long ?country WHERE {
  %VALUES%
  ?partnership a ckp:Partnership ; ckp:partner ?publisher , ?partner .
  FILTER (?partner != ?publisher)
  OPTIONAL { ?partnership ckp:letterOfIntent ?letter OPTIONAL { ?letter dct:date ?letterDate } }
  OPTIONAL { ?partnership schema:startDate ?start }
  BIND (COALESCE(?letterDate, ?start) AS ?dated)
  FILTER (BOUND(?dated))
  OPTIONAL { ?partner schema:location ?place
    OPTIONAL { ?place schema:geo ?geo . ?geo schema:latitude ?lat ; schema:longitude ?long }
    OPTIONAL { ?place schema:containedInPlace* ?country . ?country a schema:Country }
  }
}
ORDER BY ?dated ?partner
"""
)
HOME = (
    _PREFIXES
    + """
SELECT ?place ?lat ?long WHERE {
  %VALUES%
  ?publisher schema:location ?place .
  OPTIONAL { ?place schema:geo ?geo . ?geo schema:latitude ?lat ; schema:longitude ?long }
}
"""
)
MEMBERSHIPS = (
    _PREFIXES
    + """
SELECT ?membership ?organization ?short ?role ?start ?end WHERE {
  %VALUES%
  ?membership a org:Membership ; org:member ?publisher ; org:organization ?organization ;
    org:memberDuring ?interval .
  OPTIONAL { ?membership org:role ?role }
  OPTIONAL { ?organization schema:alternateName ?short FILTER (LANG(?short) = "") }
  ?interval time:hasBeginning ?beginning .
  ?beginning time:inXSDgYearMonth|time:inXSDgYear|time:inXSDDate ?start .
  OPTIONAL { ?interval time:hasEnd ?ending .
    ?ending time:inXSDgYearMonth|time:inXSDgYear|time:inXSDDate ?end }
}
ORDER BY ?start
"""
)
NAMES = (
    _PREFIXES
    + """
SELECT ?thing ?name WHERE {
  %VALUES%
  ?thing schema:name|skos:prefLabel|rdfs:label ?name .
}
"""
)
NOTES = (
    _PREFIXES
    + """
SELECT ?thing ?name WHERE {
  %VALUES%
  ?thing skos:scopeNote ?name .
}
"""
)


@dataclass(frozen=True)
class Names:
    """A thing's names by language tag ("" for none)."""

    by_lang: dict[str, str] = field(default_factory=dict)

    def best(self, lang: str) -> str:
        """The name in `lang`, else Polish, else English, else any."""
        for choice in (lang, "pl", "en", ""):
            if self.by_lang.get(choice):
                return self.by_lang[choice]
        return next(iter(self.by_lang.values()), "")

    def others(self, *skip: str) -> list[tuple[str, str]]:
        """(language, name) for the languages not in `skip` (a partner's own language)."""
        return sorted((lang, name) for lang, name in self.by_lang.items() if lang not in skip)


@dataclass(frozen=True)
class Place:
    """A city on the map."""

    iri: str
    names: Names
    lon: float | None
    lat: float | None

    @property
    def located(self) -> bool:
        return self.lon is not None and self.lat is not None


@dataclass(frozen=True)
class Partner:
    """A partner institution of the publisher, and the partnership."""

    iri: str
    partnership: str
    names: Names
    # The year the page gives for the partner: its letter of intent's date if it has one, else
    # the year it joined (schema:startDate). Not the partnership's start: the page does not say
    # when the partnerships with a letter began.
    dated: Period
    letter: str | None
    place: Place | None
    country: Names | None


@dataclass(frozen=True)
class Membership:
    """The publisher's membership of an organisation, during a period."""

    iri: str
    organization: str
    names: Names
    short: str  # the organisation's short name (an acronym), or ""
    role: Names | None
    start: Period
    end: Period | None
    role_note: Names | None = None  # what to know before reading the role (skos:scopeNote)


@dataclass(frozen=True)
class Overview:
    """The home page's facts."""

    publisher: str
    partners: list[Partner]
    home: Place | None
    memberships: list[Membership]

    def cities(self) -> list[tuple[Place, list[Partner]]]:
        """Each partner city with coordinates, and its partners, in the partners' order."""
        grouped: dict[str, tuple[Place, list[Partner]]] = {}
        for p in self.partners:
            if p.place is not None and p.place.located:
                grouped.setdefault(p.place.iri, (p.place, []))[1].append(p)
        return list(grouped.values())

    def partner(self, iri: str) -> Partner | None:
        return next((p for p in self.partners if p.iri == iri), None)

    def about(self, iri: str) -> Summary | None:
        """What the data says of `iri`'s part in the publisher's relationships, if anything."""
        if iri == self.publisher:
            return Summary("publisher", tuple(self.partners), next(iter(self.memberships), None))
        for p in self.partners:
            for kind, key in (("partner", p.iri), ("partnership", p.partnership)):
                if iri == key:
                    return Summary(kind, (p,))
            if iri == p.letter:
                return Summary("letter", (p,))
        here = tuple(p for p in self.partners if p.place is not None and p.place.iri == iri)
        if here:
            return Summary("city", here)
        if self.home is not None and iri == self.home.iri:
            return Summary("home", ())
        for m in self.memberships:
            if iri in (m.iri, m.organization):
                return Summary("membership", (), m)
        return None


@dataclass(frozen=True)
class Summary:
    """The facts a page's opening sentence states: what kind of thing, and about whom."""

    kind: str  # partner, partnership, letter, city, home or membership
    partners: tuple[Partner, ...] = ()
    membership: Membership | None = None


def overview(store: Store, publisher: str) -> Overview:
    """Read the home page's facts about `publisher` from `store`."""
    values = f"VALUES ?publisher {{ {ox.NamedNode(publisher)} }}"
    rows = _rows(store, PARTNERS, values)
    homes = _rows(store, HOME, values)
    members = _rows(store, MEMBERSHIPS, values)
    named = {
        _iri(t) for r in rows + homes + members for t in r.values() if isinstance(t, ox.NamedNode)
    }
    names = _names(store, named)
    notes = _names(store, {_iri(r["role"]) for r in members if r.get("role")}, NOTES)
    partners: dict[str, Partner] = {}
    for r in rows:  # one row per partnership (and per country, for places inside several)
        partner = _iri(r["partner"])
        partners.setdefault(
            partner,
            Partner(
                partner,
                _iri(r["partnership"]),
                names.get(partner, Names()),
                Period.of(_literal(r["dated"])),
                _iri(r.get("letter")) or None,
                _place(r, names),
                names.get(_iri(r.get("country"))) if r.get("country") else None,
            ),
        )
    memberships = [
        Membership(
            _iri(r["membership"]),
            _iri(r["organization"]),
            names.get(_iri(r["organization"]), Names()),
            r["short"].value if "short" in r else "",
            names.get(_iri(r.get("role"))) if r.get("role") else None,
            Period.of(_literal(r["start"])),
            Period.of(_literal(r["end"])) if r.get("end") else None,
            notes.get(_iri(r.get("role"))) if r.get("role") else None,
        )
        for r in members
    ]
    home = _place(homes[0], names) if homes else None
    return Overview(publisher, list(partners.values()), home, memberships)


def overview_of(pub: Publication) -> Overview:
    """The home page's facts of a publication, read once per data version and then remembered
    (`remembered_overview`), and kept in its cache."""
    found: Overview = pub.cache.get(
        ("overview",),
        lambda: remembered_overview(
            pub.store, pub.settings.publisher_iri, pub.settings.cache_dir, pub.version
        ),
    )
    return found


def remembered_overview(store: Store, publisher: str, cache_dir: Path, version: str) -> Overview:
    """`overview(store, publisher)` for the data version `version`: read once, then from
    `cache_dir` (best effort: an unwritable folder only costs a reading at the next start).

    At a million statements the reading takes seconds; a server restarted on the same data
    answers its home page at once.
    """
    from ckpld import __version__

    name = f"{version}-{publisher.encode().hex()[:32]}-{__version__}.json"
    return remembered(
        cache_dir / "overview" / name,
        lambda: overview(store, publisher),
        lambda found: json.dumps(asdict(found), ensure_ascii=False).encode(),
        lambda data: _from_json(json.loads(data)),
    )


def _from_json(document: dict[str, Any]) -> Overview:
    """An overview from what `asdict` made of it."""

    def names(value: dict[str, Any]) -> Names:
        return Names({str(k): str(v) for k, v in value["by_lang"].items()})

    def period(value: dict[str, Any]) -> Period:
        return Period(int(value["year"]), value["month"])

    def place(value: dict[str, Any]) -> Place:
        return Place(value["iri"], names(value["names"]), value["lon"], value["lat"])

    def maybe(make: Any, value: dict[str, Any] | None) -> Any:
        return None if value is None else make(value)

    partners = [
        Partner(
            p["iri"],
            p["partnership"],
            names(p["names"]),
            period(p["dated"]),
            p["letter"],
            maybe(place, p["place"]),
            maybe(names, p["country"]),
        )
        for p in document["partners"]
    ]
    memberships = [
        Membership(
            m["iri"],
            m["organization"],
            names(m["names"]),
            m["short"],
            maybe(names, m["role"]),
            period(m["start"]),
            maybe(period, m["end"]),
            maybe(names, m.get("role_note")),
        )
        for m in document["memberships"]
    ]
    return Overview(document["publisher"], partners, maybe(place, document["home"]), memberships)


def _rows(store: Store, query: str, values: str) -> list[dict[str, ox.NamedNode | ox.Literal]]:
    result = internal_query(store, query.replace("%VALUES%", values))
    return [
        {
            name: term
            for name, term in zip(result.variables, row, strict=True)
            if isinstance(term, ox.NamedNode | ox.Literal)
        }
        for row in result.rows
    ]


def _names(store: Store, iris: Iterable[str], query: str = NAMES) -> dict[str, Names]:
    if not iris:
        return {}
    values = "VALUES ?thing { " + " ".join(str(ox.NamedNode(i)) for i in sorted(iris)) + " }"
    found: dict[str, dict[str, str]] = {}
    for r in _rows(store, query, values):
        name = _literal(r["name"])
        found.setdefault(_iri(r["thing"]), {}).setdefault(name.language or "", name.value)
    return {iri: Names(by_lang) for iri, by_lang in found.items()}


def _place(row: dict[str, ox.NamedNode | ox.Literal], names: dict[str, Names]) -> Place | None:
    if "place" not in row:
        return None
    iri = _iri(row["place"])
    lat, lon = row.get("lat"), row.get("long")
    return Place(
        iri,
        names.get(iri, Names()),
        float(lon.value) if lon is not None else None,
        float(lat.value) if lat is not None else None,
    )


def _iri(term: ox.NamedNode | ox.Literal | None) -> str:
    return term.value if isinstance(term, ox.NamedNode) else ""


def _literal(term: ox.NamedNode | ox.Literal | None) -> ox.Literal:
    if not isinstance(term, ox.Literal):
        raise RuntimeError(f"ckpld's own query expected a literal, got {term!r}")
    return term
