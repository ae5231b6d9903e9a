"""The home page's facts, read from the data by SPARQL: checked against the parsed data."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from ckpld.config import Settings
from ckpld.model.sources import Dataset
from ckpld.rdf.periods import Period
from ckpld.store.local import LocalStore
from ckpld.web.pages.overview import Overview, overview, remembered_overview
from tests.conftest import iri
from tests.terms import as_literal

SCHEMA = rdflib.Namespace("https://schema.org/")
CKP = "def/ckp#"


@pytest.fixture(scope="module")
def facts(store: LocalStore, settings: Settings) -> Overview:
    return overview(store, settings.publisher_iri)


def graph(dataset: Dataset) -> rdflib.Graph:
    union = rdflib.Graph()
    union.parse(
        data=ox.serialize(
            [ox.Triple(q.subject, q.predicate, q.object) for q in dataset.quads],
            format=ox.RdfFormat.N_TRIPLES,
        ),
        format="nt",
    )
    return union


@pytest.mark.parametrize(
    ("literal", "expected", "start", "end"),
    [
        ('"2018"^^<http://www.w3.org/2001/XMLSchema#gYear>', Period(2018), 2018.0, 2019.0),
        (
            '"2019-04"^^<http://www.w3.org/2001/XMLSchema#gYearMonth>',
            Period(2019, 4),
            2019.25,
            2019 + 4 / 12,
        ),
        (
            '"2020-09-15"^^<http://www.w3.org/2001/XMLSchema#date>',
            Period(2020, 9),
            2020 + 8 / 12,
            2020.75,
        ),
    ],
    ids=["year", "month", "date"],
)
def test_periods_keep_the_precision_of_the_data(
    literal: str, expected: Period, start: float, end: float
) -> None:
    value, datatype = literal.split("^^")
    period = Period.of(ox.Literal(value.strip('"'), datatype=ox.NamedNode(datatype.strip("<>"))))
    assert period == expected
    assert period.start == pytest.approx(start) and period.end == pytest.approx(end)


def test_partners_are_those_of_the_partnerships(
    facts: Overview, dataset: Dataset, settings: Settings
) -> None:
    g = graph(dataset)
    partnership = rdflib.URIRef(settings.base_iri + CKP + "Partnership")
    partner = rdflib.URIRef(settings.base_iri + CKP + "partner")
    publisher = rdflib.URIRef(settings.publisher_iri)
    expected = {
        str(o)
        for s in g.subjects(rdflib.RDF.type, partnership)
        for o in g.objects(s, partner)
        if o != publisher
    }
    assert {p.iri for p in facts.partners} == expected and len(expected) >= 6
    for p in facts.partners:
        node = rdflib.URIRef(p.iri)
        assert p.names.best("pl") == str(
            next(n for n in g.objects(node, SCHEMA.name) if as_literal(n).language == "pl")
        )
        place = g.value(node, SCHEMA.location)
        assert p.place is not None and p.place.iri == str(place)
        geo = g.value(place, SCHEMA.geo)
        assert (p.place.lat, p.place.lon) == (
            float(as_literal(g.value(geo, SCHEMA.latitude))),
            float(as_literal(g.value(geo, SCHEMA.longitude))),
        )
        assert (p.letter is not None) == (
            g.value(
                rdflib.URIRef(p.partnership),
                rdflib.URIRef(settings.base_iri + CKP + "letterOfIntent"),
            )
            is not None
        )


def test_cities_group_the_partners_and_home_is_krakow(facts: Overview, settings: Settings) -> None:
    cities = facts.cities()
    assert sum(len(partners) for _, partners in cities) == len(facts.partners)
    assert len(cities) == len({p.place.iri for p in facts.partners if p.place})
    wilno = next(partners for place, partners in cities if place.iri.endswith("/place/wilno"))
    assert len(wilno) == 2  # two institutions in Vilnius
    assert facts.home is not None and facts.home.iri == iri(settings, "id/place/krakow").value
    assert facts.home.located


def test_membership_period_is_as_precise_as_the_page(facts: Overview) -> None:
    (membership,) = facts.memberships
    assert (membership.start, membership.end) == (Period(2019, 4), Period(2020, 9))
    assert membership.short == "ENCC"
    assert membership.role is not None and membership.role.best("pl") == "sieć lokalna"


def test_summaries_say_what_a_thing_is_to_ckp(facts: Overview, settings: Settings) -> None:
    partner = facts.partners[0]
    for about, kind in (
        (partner.iri, "partner"),
        (partner.partnership, "partnership"),
        (settings.publisher_iri, "publisher"),
    ):
        summary = facts.about(about)
        assert summary is not None and summary.kind == kind, about
    city = facts.about(iri(settings, "id/place/wilno").value)
    assert city is not None and city.kind == "city" and len(city.partners) == 2
    encc = facts.about(iri(settings, "id/organization/encc").value)
    assert encc is not None and encc.kind == "membership"
    assert facts.about(iri(settings, "id/quote/encc-founded").value) is None


def test_the_overview_is_remembered_per_data_version(
    facts: Overview, store: LocalStore, settings: Settings, tmp_path: Path
) -> None:
    first = remembered_overview(store, settings.publisher_iri, tmp_path, "v1")
    assert first == facts
    (written,) = (tmp_path / "overview").iterdir()
    # Read back from the file, not from the store: an empty store gives the same facts.
    assert (
        remembered_overview(LocalStore(settings.base_iri), settings.publisher_iri, tmp_path, "v1")
        == facts
    )
    # Another data version is read from its store.
    assert (
        remembered_overview(
            LocalStore(settings.base_iri), settings.publisher_iri, tmp_path, "v2"
        ).partners
        == []
    )
    written.write_text("{not json", encoding="utf-8")  # a damaged file is read again
    assert remembered_overview(store, settings.publisher_iri, tmp_path, "v1") == facts
