"""The query cookbook: each query is documented in Polish and English and gives the right answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from ckpld.config import Settings
from ckpld.store import QueryResult
from ckpld.store.local import LocalStore
from tests.conftest import ROOT
from tests.terms import value_of

QUERIES = ROOT / "queries"
XSD = "http://www.w3.org/2001/XMLSchema#"


def en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def pl(text: str) -> ox.Literal:
    return ox.Literal(text, language="pl")


def typed(text: str, datatype: str) -> ox.Literal:
    return ox.Literal(text, datatype=ox.NamedNode(XSD + datatype))


# Rows as written here: "~x" is the IRI {base}x; other str are IRIs; int and bool are
# xsd:integer and xsd:boolean literals; None is unbound.
EXPECTED: dict[str, list[tuple[Any, ...]]] = {
    "partners": [
        (
            "~id/organization/stowarzyszenie-grupy-saksofonistow-z-grasse",
            en("Association of the Saxophonists' Group of Grasse"),
            en("Grasse"),
            en("France"),
        ),
        (
            "~id/organization/biblioteka-centralna-urzedu-miasta-wilna",
            en("Central Library of Vilnius City Municipality"),
            en("Vilnius"),
            en("Lithuania"),
        ),
        (
            "~id/organization/centrum-kreatywnosci-dzieci-i-mlodziezy-okregu-svyatoshinsky",
            en("Centre for Children's and Youth Creativity of the Svyatoshinsky District"),
            en("Kyiv"),
            en("Ukraine"),
        ),
        (
            "~id/organization/centrum-kultury-travno",
            en("Cultural Center Travno"),
            en("Zagreb"),
            en("Croatia"),
        ),
        (
            "~id/organization/dom-kultury-polskiej-w-wilnie",
            en("House of Polish Culture in Vilnius"),
            en("Vilnius"),
            en("Lithuania"),
        ),
        (
            "~id/organization/centrum-czasu-wolnego-w-koszycach",
            en("Leisure Time Centre Košice"),
            en("Košice"),
            en("Slovakia"),
        ),
    ],
    "partners-by-year": [
        (typed("2018", "gYear"), 4, 0),
        (typed("2019", "gYear"), 0, 2),
    ],
    "letters-of-intent": [
        ("~id/organization/centrum-kultury-travno", pl("Centrum Kultury Travno"), None, None),
        (
            "~id/organization/stowarzyszenie-grupy-saksofonistow-z-grasse",
            pl("Stowarzyszenie Grupy Saksofonistów z Grasse"),
            None,
            None,
        ),
        *[
            (
                f"~id/organization/{slug}",
                pl(name),
                f"~id/letter-of-intent/{slug}",
                typed("2018", "gYear"),
            )
            for slug, name in [
                (
                    "biblioteka-centralna-urzedu-miasta-wilna",
                    "Biblioteka Centralna Urzędu Miasta Wilna",
                ),
                ("centrum-czasu-wolnego-w-koszycach", "Centrum Czasu Wolnego w Koszycach"),
                (
                    "centrum-kreatywnosci-dzieci-i-mlodziezy-okregu-svyatoshinsky",
                    "Centrum Kreatywności Dzieci i Młodzieży Okręgu Svyatoshinsky",
                ),
                ("dom-kultury-polskiej-w-wilnie", "Dom Kultury Polskiej w Wilnie"),
            ]
        ],
    ],
    "encc-membership": [
        # April 2019 to September 2020, known to the month: 16 to 18 months
        (
            typed("2019-04", "gYearMonth"),
            typed("2020-09", "gYearMonth"),
            16,
            18,
            en("local network"),
        ),
    ],
    "encc-figures": [
        (en("member count"), en("more than"), 50, en("member")),
        (en("member country count"), en("nearly"), 30, en("European country")),
        (en("reached centre count"), en("more than"), 3000, en("cultural centre in Europe")),
    ],
    "derived-from-sentence": [
        (
            "~id/organization/centrum-kultury-podgorza",
            "http://www.w3.org/ns/org#Organization",
            "W 2019 r. do zagranicznych partnerów CKP dołączyło",
        ),
        (
            "~id/organization/centrum-kultury-podgorza",
            "https://schema.org/Organization",
            "W 2019 r. do zagranicznych partnerów CKP dołączyło",
        ),
        (
            "~id/partnership/centrum-kultury-travno",
            "~def/ckp#Partnership",
            "W 2019 r. do zagranicznych partnerów CKP dołączyło",
        ),
        (
            "~id/partnership/stowarzyszenie-grupy-saksofonistow-z-grasse",
            "~def/ckp#Partnership",
            "W 2019 r. do zagranicznych partnerów CKP dołączyło",
        ),
    ],
    "lithuanian-partners": [
        (
            "~id/organization/biblioteka-centralna-urzedu-miasta-wilna",
            pl("Biblioteka Centralna Urzędu Miasta Wilna"),
        ),
        ("~id/organization/dom-kultury-polskiej-w-wilnie", pl("Dom Kultury Polskiej w Wilnie")),
    ],
    "partners-by-country": [
        (en("Lithuania"), 2),
        (en("Croatia"), 1),
        (en("France"), 1),
        (en("Slovakia"), 1),
        (en("Ukraine"), 1),
    ],
    "encc-member-categories": [
        ("~id/scheme/encc-member-categories/associate-member", en("associate member"), False),
        ("~id/scheme/encc-member-categories/local-network", en("local network"), True),
        ("~id/scheme/encc-member-categories/national-network", en("national network"), False),
        ("~id/scheme/encc-member-categories/regional-network", en("regional network"), False),
    ],
    "quotes-about": [
        (
            "~id/quote/encc-composition",
            "Europejską Sieć Centrów Kultury tworzą sieci krajowe, "
            "regionalne i lokalne oraz członkowie stowarzyszeni.",
        ),
        ("~id/quote/encc-countries", "z blisko 30 europejskich krajów"),
        ("~id/quote/encc-founded", "została założona w 1994 r."),
        ("~id/quote/encc-members", "Aktualnie ENCC zrzesza ponad 50 podmiotów"),
        (
            "~id/quote/encc-membership",
            "Od kwietnia 2019 roku do września 2020 roku Centrum Kultury Podgórza było członkiem "
            "Europejskiej Sieci Centrów Kultury (European Network of Cultural Centres ENCC) "
            "w ramach sieci lokalnej.",
        ),
        (
            "~id/quote/encc-names",
            "Europejska Sieć Centrów Kultury (European Network of Cultural Centres, ENCC)",
        ),
        (
            "~id/quote/encc-purpose",
            "w celu promowania dialogu i współpracy między ośrodkami kultury "
            "w Europie ukierunkowanymi na działalność społeczną",
        ),
        (
            "~id/quote/encc-reach",
            "W ramach swojej działalności dociera do ponad 3000 ośrodków kultury w Europie.",
        ),
    ],
    "openness": [
        (en("open to cooperation with"), en("artists")),
        (
            en("open to cooperation with"),
            en("foreign representatives of city authorities responsible for cultural activity"),
        ),
        (en("open to cooperation with"), en("non-governmental organisations")),
        (en("welcomes guests of type"), en("international choirs")),
        (
            en("welcomes guests of type"),
            en("members of informal groups that bring local communities together through culture"),
        ),
        (en("welcomes guests of type"), en("staff of culture departments from various cities")),
    ],
    "delegation-visit": [
        (
            "~id/event/wizyta-delegacji-z-chin",
            en("Podgórze Cultural Centre"),
            en("delegation from China"),
            en("Shanghai Pudong New Area Bureau of Culture, Sports and Tourism"),
            None,
        ),
    ],
    "first-member-claim": [
        (
            pl("Kraków"),
            pl("Centrum Kultury Podgórza"),
            "Jako pierwsza instytucja nie tylko w "
            "Krakowie, ale i w Małopolsce Centrum Kultury Podgórza dołączyło do grona",
        ),
        (
            pl("Małopolska"),
            pl("Centrum Kultury Podgórza"),
            "Jako pierwsza instytucja nie tylko w "
            "Krakowie, ale i w Małopolsce Centrum Kultury Podgórza dołączyło do grona",
        ),
    ],
}

WIKIDATA = "http://www.wikidata.org/entity/"
GEONAMES = "https://sws.geonames.org/"
EU = "http://publications.europa.eu/resource/authority/country/"
EXPECTED["identifiers"] = sorted(
    [
        (f"~id/place/{slug}", en(name), identifier, en(evidence))
        for slug, name, ids, evidence in [
            ("belgia", "Belgium", [GEONAMES + "2802361/"], "Country identifiers"),
            ("chiny", "China", [WIKIDATA + "Q148", GEONAMES + "1814991/"], "Country identifiers"),
            (
                "chorwacja",
                "Croatia",
                [EU + "HRV", WIKIDATA + "Q224", GEONAMES + "3202326/"],
                "Country identifiers",
            ),
            (
                "francja",
                "France",
                [EU + "FRA", WIKIDATA + "Q142", GEONAMES + "3017382/"],
                "Country identifiers",
            ),
            (
                "grasse",
                "Grasse",
                [GEONAMES + "3014856/"],
                "Identifier of Grasse",
            ),
            (
                "koszyce",
                "Košice",
                [WIKIDATA + "Q25409", GEONAMES + "724443/"],
                "Identifiers of Košice",
            ),
            (
                "krakow",
                "Kraków",
                [WIKIDATA + "Q31487", GEONAMES + "3094802/"],
                "Identifiers of Kraków",
            ),
            ("kijow", "Kyiv", [WIKIDATA + "Q1899", GEONAMES + "703448/"], "Identifiers of Kyiv"),
            (
                "litwa",
                "Lithuania",
                [EU + "LTU", WIKIDATA + "Q37", GEONAMES + "597427/"],
                "Country identifiers",
            ),
            (
                "polska",
                "Poland",
                [EU + "POL", WIKIDATA + "Q36", GEONAMES + "798544/"],
                "Country identifiers",
            ),
            (
                "shanghai",
                "Shanghai",
                [WIKIDATA + "Q8686", GEONAMES + "1796236/"],
                "Identifiers of Shanghai",
            ),
            (
                "slowacja",
                "Slovakia",
                [EU + "SVK", WIKIDATA + "Q214", GEONAMES + "3057568/"],
                "Country identifiers",
            ),
            (
                "ukraina",
                "Ukraine",
                [WIKIDATA + "Q212", GEONAMES + "690791/"],
                "Country identifiers",
            ),
            (
                "wilno",
                "Vilnius",
                [WIKIDATA + "Q216", GEONAMES + "593116/"],
                "Identifiers of Vilnius",
            ),
            (
                "zagrzeb",
                "Zagreb",
                [WIKIDATA + "Q1435", GEONAMES + "3186886/"],
                "Identifiers of Zagreb",
            ),
        ]
        for identifier in ids
    ],
    key=lambda row: (row[1].value, row[2]),  # the query orders by name, then identifier
)


def term(value: Any, base: str) -> ox.NamedNode | ox.Literal | None:
    if value is None or isinstance(value, ox.Literal):
        return value
    if isinstance(value, bool):
        return typed("true" if value else "false", "boolean")
    if isinstance(value, int):
        return typed(str(value), "integer")
    if value.startswith("~"):
        return ox.NamedNode(base + value[1:])
    if value.startswith(("http://", "https://")):
        return ox.NamedNode(value)
    return ox.Literal(value)


def run(store: LocalStore, name: str) -> QueryResult:
    return store.query((QUERIES / f"{name}.rq").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_query_gives_the_expected_rows(store: LocalStore, settings: Settings, name: str) -> None:
    result = run(store, name)
    expected = [tuple(term(v, settings.base_iri) for v in row) for row in EXPECTED[name]]
    assert list(result.rows) == expected


def test_graph_sizes_match_the_files(store: LocalStore, settings: Settings) -> None:
    # Counted independently: rdflib parsing the files themselves.
    def size(*paths: Path) -> int:
        graph = rdflib.Graph()
        for path in paths:
            graph.parse(path, publicID=settings.base_iri)
        return len(graph)

    vocabulary = [p for p in (ROOT / "ontology").glob("*.ttl") if p.name != "shapes.ttl"]
    expected = [
        (settings.graph_iri("enrichment"), size(ROOT / "data" / "enrichment.ttl")),
        (settings.graph_iri("page"), size(ROOT / "data" / "page.ttl")),
        (settings.graph_iri("vocabulary"), size(*vocabulary)),
    ]
    rows = [(value_of(r[0]), int(value_of(r[1]))) for r in run(store, "graphs").rows]
    assert rows == expected


def test_schema_org_view_of_the_membership(store: LocalStore, settings: Settings) -> None:
    result = run(store, "schema-org-membership")
    got = rdflib.Graph().parse(
        data=b"".join(str(t).encode() + b" .\n" for t in result.triples), format="nt"
    )
    base = settings.base_iri
    role = f"<{base}id/membership/encc/centrum-kultury-podgorza#schema-role>"
    expected = rdflib.Graph().parse(
        format="turtle",
        data=f"""
        @prefix schema: <https://schema.org/> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <{base}id/organization/centrum-kultury-podgorza> schema:memberOf {role} .
        {role} a schema:OrganizationRole ;
            schema:memberOf <{base}id/organization/encc> ;
            schema:startDate "2019-04"^^xsd:gYearMonth ;
            schema:endDate "2020-09"^^xsd:gYearMonth ;
            schema:roleName "sieć lokalna"@pl , "local network"@en .
    """,
    )
    assert isomorphic(got, expected)


def test_vocabulary_query_lists_every_own_term(store: LocalStore, settings: Settings) -> None:
    terms = {value_of(row[0]) for row in run(store, "vocabulary").rows}
    vocabulary = rdflib.Graph().parse(ROOT / "ontology" / "ckp.ttl", publicID=settings.base_iri)
    declared = {str(s) for s in vocabulary.subjects(rdflib.RDFS.isDefinedBy, None)}
    assert terms == declared
    assert settings.base_iri + "def/ckp#Partnership" in terms


def test_cookbook_is_complete_and_bilingual() -> None:
    files = sorted(QUERIES.glob("*.rq"))
    assert len(files) >= 12
    tested = {*EXPECTED, "graphs", "schema-org-membership", "vocabulary"}
    assert {f.stem for f in files} == tested
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("# pl: ") and lines[1].startswith("# en: "), path.name
