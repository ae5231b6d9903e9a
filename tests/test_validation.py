"""Validation: every shape and dataset rule is broken by a fixture, and the report names it.

Each broken fixture is a SPARQL Update applied to a copy of the shipped dataset, so the fixtures
stay small and keep working as the data grows.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import RDF, SH

from ckpld.config import Settings
from ckpld.model.report import Report
from ckpld.model.rules import QUOTE_RULE, RULES
from ckpld.model.sources import Dataset
from ckpld.model.validation import validate
from ckpld.rdf.namespaces import prefixes

UPDATE_PREFIXES = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX eucountry: <http://publications.europa.eu/resource/authority/country/>
PREFIX ckp: <def/ckp#>
PREFIX o: <id/organization/>
PREFIX place: <id/place/>
PREFIX part: <id/partnership/>
PREFIX letter: <id/letter-of-intent/>
PREFIX quote: <id/quote/>
PREFIX ev: <id/evidence/>
PREFIX coop: <id/scheme/cooperation-partner-types/>
PREFIX purp: <id/scheme/purposes/>
PREFIX scheme: <id/scheme/>
"""
M = "<id/membership/encc/centrum-kultury-podgorza>"
INTERVAL = "<id/membership/encc/centrum-kultury-podgorza#interval>"
BEGIN = "<id/membership/encc/centrum-kultury-podgorza#beginning>"
PEERS = "<id/membership/encc/centrum-kultury-podgorza#peer-count>"
MEMBERS = "<id/organization/encc#member-count>"
KRAKOW_GEO = "<id/place/krakow#geo>"
PAGE = "<graph/page>"
ENRICH = "<graph/enrichment>"


def drop(pattern: str, condition: str) -> str:
    """A SPARQL Update deleting the matches of `pattern` (in any graph) that meet `condition`."""
    return f"DELETE {{ GRAPH ?g {{ {pattern} }} }} WHERE {{ GRAPH ?g {{ {pattern} {condition} }} }}"


# id: (SPARQL Update, rule broken (local name under def/shapes#), focus node relative to the base)
CASES: dict[str, tuple[str, str, str]] = {
    "concept-without-english-label": (
        'DELETE DATA { GRAPH <graph/vocabulary> { coop:artists skos:prefLabel "artists"@en } }',
        "ConceptLabelEnglish",
        "id/scheme/cooperation-partner-types/artists",
    ),
    "concept-without-polish-label": (
        'DELETE DATA { GRAPH <graph/vocabulary> { coop:artists skos:prefLabel "artyści"@pl } }',
        "ConceptLabelPolish",
        "id/scheme/cooperation-partner-types/artists",
    ),
    "concept-with-two-english-labels": (
        'INSERT DATA { GRAPH <graph/vocabulary> { coop:artists skos:prefLabel "creators"@en } }',
        "ConceptLabelUnique",
        "id/scheme/cooperation-partner-types/artists",
    ),
    "concept-outside-any-scheme": (
        "DELETE WHERE { GRAPH ?g { coop:artists skos:inScheme ?s } }",
        "ConceptScheme",
        "id/scheme/cooperation-partner-types/artists",
    ),
    "country-inside-a-country": (
        f"INSERT DATA {{ GRAPH {PAGE} {{ place:litwa schema:containedInPlace place:polska }} }}",
        "CountryNotContained",
        "id/place/litwa",
    ),
    "letter-dated-with-a-time": (
        """DELETE { GRAPH ?g { letter:dom-kultury-polskiej-w-wilnie dct:date ?d } }
           INSERT { GRAPH ?g { letter:dom-kultury-polskiej-w-wilnie dct:date
                               "2018-01-01T00:00:00"^^xsd:dateTime } }
           WHERE { GRAPH ?g { letter:dom-kultury-polskiej-w-wilnie dct:date ?d } }""",
        "DatePrecision",
        "id/letter-of-intent/dom-kultury-polskiej-w-wilnie",
    ),
    "delegation-for-nobody": (
        "DELETE WHERE { GRAPH ?g { <id/group/delegacja-z-chin> prov:actedOnBehalfOf ?b } }",
        "DelegationPrincipal",
        "id/group/delegacja-z-chin",
    ),
    "delegation-without-quote": (
        "DELETE WHERE { GRAPH ?g { <id/group/delegacja-z-chin> prov:wasDerivedFrom ?q } }",
        "DelegationQuote",
        "id/group/delegacja-z-chin",
    ),
    "partnership-end-with-a-time": (
        f"""INSERT DATA {{ GRAPH {PAGE} {{ part:centrum-kultury-travno schema:endDate
            "2020-01-01T00:00:00"^^xsd:dateTime }} }}""",
        "EndDatePrecision",
        "id/partnership/centrum-kultury-travno",
    ),
    "evidence-without-english-description": (
        drop("ev:conventional-names dct:description ?d", 'FILTER (LANG(?d) = "en")'),
        "EvidenceDescription",
        "id/evidence/conventional-names",
    ),
    "evidence-source-not-an-iri": (
        f'INSERT DATA {{ GRAPH {ENRICH} {{ ev:conventional-names dct:source "somewhere" }} }}',
        "EvidenceSource",
        "id/evidence/conventional-names",
    ),
    "evidence-supporting-nothing": (
        "DELETE WHERE { GRAPH ?g { ev:encc-website ckp:supportsProperty ?p } }",
        "EvidenceSupports",
        "id/evidence/encc-website",
    ),
    "evidence-without-english-title": (
        drop("ev:conventional-names dct:title ?t", 'FILTER (LANG(?t) = "en")'),
        "EvidenceTitle",
        "id/evidence/conventional-names",
    ),
    "eu-country-as-web-page": (
        f"""DELETE DATA {{ GRAPH {ENRICH} {{ place:litwa skos:exactMatch eucountry:LTU }} }};
            INSERT DATA {{ GRAPH {ENRICH} {{ place:litwa skos:exactMatch
                <https://op.europa.eu/en/web/eu-vocabularies/countries/LTU> }} }}""",
        "ExactMatchPattern",
        "id/place/litwa",
    ),
    "founding-date-with-a-time": (
        """DELETE { GRAPH ?g { o:encc schema:foundingDate ?d } }
           INSERT { GRAPH ?g { o:encc schema:foundingDate "1994-06-04T00:00:00"^^xsd:dateTime } }
           WHERE { GRAPH ?g { o:encc schema:foundingDate ?d } }""",
        "FoundingDatePrecision",
        "id/organization/encc",
    ),
    "gallery-count-as-text": (
        """DELETE { GRAPH ?g { <id/gallery/delegacja-z-chin> schema:numberOfItems ?n } }
           INSERT { GRAPH ?g { <id/gallery/delegacja-z-chin> schema:numberOfItems "eleven" } }
           WHERE { GRAPH ?g { <id/gallery/delegacja-z-chin> schema:numberOfItems ?n } }""",
        "GalleryCount",
        "id/gallery/delegacja-z-chin",
    ),
    "gallery-without-quote": (
        "DELETE WHERE { GRAPH ?g { <id/gallery/delegacja-z-chin> prov:wasDerivedFrom ?q } }",
        "GalleryQuote",
        "id/gallery/delegacja-z-chin",
    ),
    "identifier-without-evidence": (
        "DELETE WHERE { GRAPH ?g { place:wilno prov:wasDerivedFrom ?e . ?e a ckp:Evidence } }",
        "IdentifierEvidence",
        "id/place/wilno",
    ),
    "instant-with-a-time": (
        f"""INSERT DATA {{ GRAPH {PAGE} {{ {BEGIN} time:inXSDDateTime
            "2019-04-01T00:00:00"^^xsd:dateTime }} }}""",
        "InstantNoDateTime",
        "id/membership/encc/centrum-kultury-podgorza#beginning",
    ),
    "instant-with-two-positions": (
        f'INSERT DATA {{ GRAPH {PAGE} {{ {BEGIN} time:inXSDgYear "2019"^^xsd:gYear }} }}',
        "InstantShape",
        "id/membership/encc/centrum-kultury-podgorza#beginning",
    ),
    "interval-beginning-not-an-instant": (
        f"INSERT DATA {{ GRAPH {PAGE} {{ {INTERVAL} time:hasBeginning place:krakow }} }}",
        "IntervalBeginning",
        "id/membership/encc/centrum-kultury-podgorza#interval",
    ),
    "interval-end-not-an-instant": (
        f"INSERT DATA {{ GRAPH {PAGE} {{ {INTERVAL} time:hasEnd place:krakow }} }}",
        "IntervalEnd",
        "id/membership/encc/centrum-kultury-podgorza#interval",
    ),
    "interval-without-bounds": (
        f"DELETE WHERE {{ GRAPH ?g {{ {INTERVAL} time:hasBeginning ?b ; time:hasEnd ?e }} }}",
        "IntervalShape",
        "id/membership/encc/centrum-kultury-podgorza#interval",
    ),
    "interval-ending-before-it-begins": (
        """DELETE { GRAPH ?g { ?i time:inXSDgYearMonth ?v } }
           INSERT { GRAPH ?g { ?i time:inXSDgYearMonth "2018-09"^^xsd:gYearMonth } }
           WHERE { GRAPH ?g { ?i time:inXSDgYearMonth ?v } FILTER (STR(?v) = "2020-09") }""",
        "IntervalShape",
        "id/membership/encc/centrum-kultury-podgorza#interval",
    ),
    "partnership-without-english-label": (
        drop("part:centrum-kultury-travno rdfs:label ?l", 'FILTER (LANG(?l) = "en")'),
        "LabelEnglish",
        "id/partnership/centrum-kultury-travno",
    ),
    "membership-with-two-polish-labels": (
        f'INSERT DATA {{ GRAPH {PAGE} {{ {M} rdfs:label "Członkostwo"@pl }} }}',
        "LabelPolish",
        "id/membership/encc/centrum-kultury-podgorza",
    ),
    "letter-without-date": (
        "DELETE WHERE { GRAPH ?g { letter:centrum-czasu-wolnego-w-koszycach dct:date ?d } }",
        "LetterDate",
        "id/letter-of-intent/centrum-czasu-wolnego-w-koszycach",
    ),
    "letter-of-no-partnership": (
        "DELETE WHERE { GRAPH ?g { ?p ckp:letterOfIntent "
        "letter:centrum-czasu-wolnego-w-koszycach } }",
        "LetterPartnership",
        "id/letter-of-intent/centrum-czasu-wolnego-w-koszycach",
    ),
    "letter-signed-by-someone-else": (
        """DELETE DATA { GRAPH <graph/page> { letter:centrum-czasu-wolnego-w-koszycach
                         ckp:signatory o:centrum-czasu-wolnego-w-koszycach } } ;
           INSERT DATA { GRAPH <graph/page> { letter:centrum-czasu-wolnego-w-koszycach
                         ckp:signatory o:encc } }""",
        "LetterPartnership",
        "id/letter-of-intent/centrum-czasu-wolnego-w-koszycach",
    ),
    "letter-without-quote": (
        "DELETE WHERE { GRAPH ?g { letter:dom-kultury-polskiej-w-wilnie prov:wasDerivedFrom ?q } }",
        "LetterQuote",
        "id/letter-of-intent/dom-kultury-polskiej-w-wilnie",
    ),
    "letter-with-one-signatory": (
        "DELETE DATA { GRAPH <graph/page> { letter:dom-kultury-polskiej-w-wilnie "
        "ckp:signatory o:dom-kultury-polskiej-w-wilnie } }",
        "LetterSignatories",
        "id/letter-of-intent/dom-kultury-polskiej-w-wilnie",
    ),
    "letter-without-type": (
        "DELETE WHERE { GRAPH ?g { letter:dom-kultury-polskiej-w-wilnie dct:type ?t } }",
        "LetterType",
        "id/letter-of-intent/dom-kultury-polskiej-w-wilnie",
    ),
    "city-in-no-country": (
        "DELETE WHERE { GRAPH ?g { place:zagrzeb schema:containedInPlace ?c } }",
        "LocalPlaceInCountry",
        "id/place/zagrzeb",
    ),
    "place-with-two-points": (
        f"""INSERT DATA {{ GRAPH {ENRICH} {{ place:krakow schema:geo <id/place/krakow#geo-2> .
            <id/place/krakow#geo-2> a schema:GeoCoordinates ;
                schema:latitude 50.06 ; schema:longitude 19.94 ;
                prov:wasDerivedFrom ev:geonames-coordinates }} }}""",
        "PlaceGeo",
        "id/place/krakow",
    ),
    "place-point-not-coordinates": (
        f"""DELETE WHERE {{ GRAPH ?g {{ place:wilno schema:geo ?p }} }};
            INSERT DATA {{ GRAPH {ENRICH} {{ place:wilno schema:geo place:litwa }} }}""",
        "PlaceGeo",
        "id/place/wilno",
    ),
    "latitude-out-of-range": (
        f"""DELETE WHERE {{ GRAPH ?g {{ {KRAKOW_GEO} schema:latitude ?l }} }};
            INSERT DATA {{ GRAPH {ENRICH} {{ {KRAKOW_GEO} schema:latitude 95.0 }} }}""",
        "GeoLatitude",
        "id/place/krakow#geo",
    ),
    "point-with-two-latitudes": (
        f"INSERT DATA {{ GRAPH {ENRICH} {{ {KRAKOW_GEO} schema:latitude 50.06 }} }}",
        "GeoLatitude",
        "id/place/krakow#geo",
    ),
    "latitude-as-double": (
        f"""DELETE WHERE {{ GRAPH ?g {{ {KRAKOW_GEO} schema:latitude ?l }} }};
            INSERT DATA {{ GRAPH {ENRICH} {{ {KRAKOW_GEO} schema:latitude 5.006143e1 }} }}""",
        "GeoLatitude",
        "id/place/krakow#geo",
    ),
    "longitude-out-of-range": (
        f"""DELETE WHERE {{ GRAPH ?g {{ {KRAKOW_GEO} schema:longitude ?l }} }};
            INSERT DATA {{ GRAPH {ENRICH} {{ {KRAKOW_GEO} schema:longitude -180.5 }} }}""",
        "GeoLongitude",
        "id/place/krakow#geo",
    ),
    "point-without-longitude": (
        f"DELETE WHERE {{ GRAPH ?g {{ {KRAKOW_GEO} schema:longitude ?l }} }}",
        "GeoLongitude",
        "id/place/krakow#geo",
    ),
    "membership-without-interval": (
        f"DELETE WHERE {{ GRAPH ?g {{ {M} org:memberDuring ?i }} }}",
        "MembershipDuring",
        "id/membership/encc/centrum-kultury-podgorza",
    ),
    "first-member-in-an-organisation": (
        f"INSERT DATA {{ GRAPH {PAGE} {{ {M} ckp:firstMemberIn o:encc }} }}",
        "MembershipFirstIn",
        "id/membership/encc/centrum-kultury-podgorza",
    ),
    "membership-without-member": (
        f"DELETE WHERE {{ GRAPH ?g {{ {M} org:member ?x }} }}",
        "MembershipMember",
        "id/membership/encc/centrum-kultury-podgorza",
    ),
    "membership-of-two-organisations": (
        f"INSERT DATA {{ GRAPH {PAGE} {{ {M} org:organization o:centrum-kultury-travno }} }}",
        "MembershipOrganization",
        "id/membership/encc/centrum-kultury-podgorza",
    ),
    "membership-without-quote": (
        f"DELETE WHERE {{ GRAPH ?g {{ {M} prov:wasDerivedFrom ?q }} }}",
        "MembershipQuote",
        "id/membership/encc/centrum-kultury-podgorza",
    ),
    "membership-role-not-a-role": (
        f"""DELETE WHERE {{ GRAPH ?g {{ {M} org:role ?r }} }};
            INSERT DATA {{ GRAPH {PAGE} {{ {M} org:role coop:artists }} }}""",
        "MembershipRole",
        "id/membership/encc/centrum-kultury-podgorza",
    ),
    "cooperation-focus-invented": (
        f"""INSERT DATA {{ GRAPH {PAGE} {{ part:centrum-kultury-travno ckp:cooperationFocus
            purp:culture-for-local-communities }} }}""",
        "NoCooperationFocus",
        "id/partnership/centrum-kultury-travno",
    ),
    "encc-main-goal-invented": (
        f"""INSERT DATA {{ GRAPH {PAGE} {{ o:encc ckp:mainGoal
            purp:dialogue-between-social-cultural-centres }} }}""",
        "NoMainGoal",
        "id/organization/encc",
    ),
    "bare-org-member-of": (
        f"INSERT DATA {{ GRAPH {PAGE} {{ o:centrum-kultury-podgorza org:memberOf o:encc }} }}",
        "NoOrgMemberOf",
        "id/organization/centrum-kultury-podgorza",
    ),
    "bare-schema-member-of": (
        f"INSERT DATA {{ GRAPH {PAGE} {{ o:centrum-kultury-podgorza schema:memberOf o:encc }} }}",
        "NoSchemaMemberOf",
        "id/organization/centrum-kultury-podgorza",
    ),
    "organisation-in-no-country": (
        "DELETE WHERE { GRAPH ?g { place:koszyce schema:containedInPlace ?c } }",
        "OrganizationInCountry",
        "id/organization/centrum-czasu-wolnego-w-koszycach",
    ),
    "organisation-without-location": (
        "DELETE WHERE { GRAPH ?g { o:stowarzyszenie-grupy-saksofonistow-z-grasse "
        "schema:location ?l } }",
        "OrganizationLocation",
        "id/organization/stowarzyszenie-grupy-saksofonistow-z-grasse",
    ),
    "organisation-name-without-language": (
        f'INSERT DATA {{ GRAPH {PAGE} {{ o:centrum-kultury-travno schema:name "Travno" }} }}',
        "OrganizationName",
        "id/organization/centrum-kultury-travno",
    ),
    "organisation-without-printed-name": (
        "DELETE WHERE { GRAPH ?g { "
        "o:centrum-kreatywnosci-dzieci-i-mlodziezy-okregu-svyatoshinsky ckp:nameAsOnPage ?n } }",
        "OrganizationNameAsOnPage",
        "id/organization/centrum-kreatywnosci-dzieci-i-mlodziezy-okregu-svyatoshinsky",
    ),
    "organisation-without-english-name": (
        drop("o:dom-kultury-polskiej-w-wilnie schema:name ?n", 'FILTER (LANG(?n) = "en")'),
        "OrganizationNameEnglish",
        "id/organization/dom-kultury-polskiej-w-wilnie",
    ),
    "organisation-without-polish-name": (
        drop("o:centrum-kultury-travno schema:name ?n", 'FILTER (LANG(?n) = "pl")'),
        "OrganizationNamePolish",
        "id/organization/centrum-kultury-travno",
    ),
    "organisation-without-quote": (
        "DELETE WHERE { GRAPH ?g { "
        "o:shanghai-pudong-new-area-bureau-of-culture-sports-and-tourism prov:wasDerivedFrom ?q . "
        "?q a oa:SpecificResource } }",
        "OrganizationQuote",
        "id/organization/shanghai-pudong-new-area-bureau-of-culture-sports-and-tourism",
    ),
    "organisation-not-a-schema-organization": (
        "DELETE WHERE { GRAPH ?g { o:stowarzyszenie-grupy-saksofonistow-z-grasse "
        "a schema:Organization } }",
        "OrganizationShape",
        "id/organization/stowarzyszenie-grupy-saksofonistow-z-grasse",
    ),
    "organisation-url-as-text": (
        f'INSERT DATA {{ GRAPH {ENRICH} {{ o:encc schema:url "encc.eu" }} }}',
        "OrganizationUrl",
        "id/organization/encc",
    ),
    "partnership-with-two-letters": (
        """INSERT DATA { GRAPH <graph/page> { part:dom-kultury-polskiej-w-wilnie
                         ckp:letterOfIntent letter:biblioteka-centralna-urzedu-miasta-wilna } }""",
        "PartnershipLetter",
        "id/partnership/dom-kultury-polskiej-w-wilnie",
    ),
    "partnership-using-the-deprecated-establishedBy": (
        """INSERT DATA { GRAPH <graph/page> { part:dom-kultury-polskiej-w-wilnie
                         ckp:establishedBy letter:dom-kultury-polskiej-w-wilnie } }""",
        "NoEstablishedBy",
        "id/partnership/dom-kultury-polskiej-w-wilnie",
    ),
    "partnership-with-one-partner": (
        "DELETE DATA { GRAPH <graph/page> { part:centrum-kultury-travno "
        "ckp:partner o:centrum-kultury-travno } }",
        "PartnershipPartners",
        "id/partnership/centrum-kultury-travno",
    ),
    "partnership-without-quote": (
        "DELETE WHERE { GRAPH ?g { part:centrum-kultury-travno prov:wasDerivedFrom ?q } }",
        "PartnershipQuote",
        "id/partnership/centrum-kultury-travno",
    ),
    "identifier-evidence-without-source": (
        "DELETE WHERE { GRAPH ?g { <id/evidence/identifiers-zagrzeb> dct:source ?s } }",
        "IdentifierEvidenceSource",
        "id/evidence/identifiers-zagrzeb",
    ),
    "name-as-on-page-without-language": (
        """DELETE DATA { GRAPH <graph/page> { o:encc ckp:nameAsOnPage "ENCC"@en } } ;
           INSERT DATA { GRAPH <graph/page> { o:encc ckp:nameAsOnPage "ENCC" } }""",
        "NameAsOnPageLanguage",
        "id/organization/encc",
    ),
    "partnership-dated-by-nothing": (
        "DELETE WHERE { GRAPH ?g { part:centrum-kultury-travno schema:startDate ?d } }",
        "PartnershipShape",
        "id/partnership/centrum-kultury-travno",
    ),
    "partnership-with-two-starts": (
        """INSERT DATA { GRAPH <graph/page> { part:centrum-kultury-travno
                         schema:startDate "2020"^^xsd:gYear } }""",
        "PartnershipStart",
        "id/partnership/centrum-kultury-travno",
    ),
    "place-inside-an-organisation": (
        f"INSERT DATA {{ GRAPH {PAGE} {{ place:grasse schema:containedInPlace o:encc }} }}",
        "PlaceContainer",
        "id/place/grasse",
    ),
    "place-from-nowhere": (
        "DELETE WHERE { GRAPH ?g { place:polska prov:wasDerivedFrom ?e } }",
        "PlaceDerivation",
        "id/place/polska",
    ),
    "place-name-without-language": (
        f'INSERT DATA {{ GRAPH {PAGE} {{ place:wilno schema:name "Wilno" }} }}',
        "PlaceName",
        "id/place/wilno",
    ),
    "place-without-english-name": (
        f'DELETE DATA {{ GRAPH {ENRICH} {{ place:wilno schema:name "Vilnius"@en }} }}',
        "PlaceNameEnglish",
        "id/place/wilno",
    ),
    "place-without-polish-name": (
        f'DELETE DATA {{ GRAPH {PAGE} {{ place:kijow schema:name "Kijów"@pl }} }}',
        "PlaceNamePolish",
        "id/place/kijow",
    ),
    "maximum-as-text": (
        f'INSERT DATA {{ GRAPH {PAGE} {{ {MEMBERS} schema:maxValue "many" }} }}',
        "QuantityMaxValue",
        "id/organization/encc#member-count",
    ),
    "minimum-as-decimal": (
        f"""DELETE WHERE {{ GRAPH ?g {{ {MEMBERS} schema:minValue ?v }} }};
            INSERT DATA {{ GRAPH {PAGE} {{ {MEMBERS} schema:minValue 50.5 }} }}""",
        "QuantityMinValue",
        "id/organization/encc#member-count",
    ),
    "qualifier-from-another-scheme": (
        f"""DELETE WHERE {{ GRAPH ?g {{ {MEMBERS} ckp:qualifier ?q }} }};
            INSERT DATA {{ GRAPH {PAGE} {{ {MEMBERS} ckp:qualifier coop:artists }} }}""",
        "QuantityQualifier",
        "id/organization/encc#member-count",
    ),
    "number-without-quote": (
        f"DELETE WHERE {{ GRAPH ?g {{ {MEMBERS} prov:wasDerivedFrom ?q }} }}",
        "QuantityQuote",
        "id/organization/encc#member-count",
    ),
    "several-dozen-with-a-number": (
        f"INSERT DATA {{ GRAPH {PAGE} {{ {PEERS} schema:value 40 }} }}",
        "QuantityShape",
        "id/membership/encc/centrum-kultury-podgorza#peer-count",
    ),
    "value-as-text": (
        f'INSERT DATA {{ GRAPH {PAGE} {{ {PEERS} schema:value "dozens" }} }}',
        "QuantityValue",
        "id/membership/encc/centrum-kultury-podgorza#peer-count",
    ),
    "quote-without-selector": (
        "DELETE WHERE { GRAPH ?g { quote:encc-founded oa:hasSelector ?s } }",
        "QuoteSelector",
        "id/quote/encc-founded",
    ),
    "quote-without-source": (
        "DELETE WHERE { GRAPH ?g { quote:encc-founded oa:hasSource ?s } }",
        "QuoteSource",
        "id/quote/encc-founded",
    ),
    "same-as-a-web-page": (
        f"""INSERT DATA {{ GRAPH {ENRICH} {{ place:krakow schema:sameAs
            <https://www.wikidata.org/wiki/Q31487> }} }}""",
        "SameAsPattern",
        "id/place/krakow",
    ),
    "scheme-without-english-label": (
        drop("scheme:guest-types skos:prefLabel ?l", 'FILTER (LANG(?l) = "en")'),
        "SchemeLabelEnglish",
        "id/scheme/guest-types",
    ),
    "scheme-without-polish-label": (
        drop("scheme:guest-types skos:prefLabel ?l", 'FILTER (LANG(?l) = "pl")'),
        "SchemeLabelPolish",
        "id/scheme/guest-types",
    ),
    "scheme-without-concepts": (
        "DELETE WHERE { GRAPH ?g { scheme:guest-types skos:hasTopConcept ?c } }",
        "SchemeTopConcepts",
        "id/scheme/guest-types",
    ),
    "empty-quote": (
        """DELETE WHERE { GRAPH ?g { <id/quote/encc-founded#selector> oa:exact ?e } };
           INSERT DATA { GRAPH <graph/page> { <id/quote/encc-founded#selector> oa:exact "" } }""",
        "SelectorExact",
        "id/quote/encc-founded#selector",
    ),
    "source-without-archive": (
        "DELETE WHERE { GRAPH ?g { <id/source/instytucje-partnerskie> schema:archivedAt ?a } }",
        "SourcePageArchive",
        "id/source/instytucje-partnerskie",
    ),
    "source-without-language": (
        "DELETE WHERE { GRAPH ?g { <id/source/instytucje-partnerskie> dct:language ?l } }",
        "SourcePageLanguage",
        "id/source/instytucje-partnerskie",
    ),
    "source-published-by-a-place": (
        f"""DELETE WHERE {{ GRAPH ?g {{ <id/source/instytucje-partnerskie> dct:publisher ?p }} }};
            INSERT DATA {{ GRAPH {PAGE} {{ <id/source/instytucje-partnerskie>
                dct:publisher place:krakow }} }}""",
        "SourcePagePublisher",
        "id/source/instytucje-partnerskie",
    ),
    "source-without-title": (
        "DELETE WHERE { GRAPH ?g { <id/source/instytucje-partnerskie> dct:title ?t } }",
        "SourcePageTitle",
        "id/source/instytucje-partnerskie",
    ),
    "source-with-two-addresses": (
        f"""INSERT DATA {{ GRAPH {PAGE} {{ <id/source/instytucje-partnerskie>
            schema:url <http://www.ckpodgorza.pl/wspolpraca-miedzynarodowa> }} }}""",
        "SourcePageUrl",
        "id/source/instytucje-partnerskie",
    ),
    "partnership-start-with-a-time": (
        """DELETE { GRAPH ?g { part:centrum-kultury-travno schema:startDate ?d } }
           INSERT { GRAPH ?g { part:centrum-kultury-travno schema:startDate
                               "2019-06-28T00:00:00"^^xsd:dateTime } }
           WHERE { GRAPH ?g { part:centrum-kultury-travno schema:startDate ?d } }""",
        "StartDatePrecision",
        "id/partnership/centrum-kultury-travno",
    ),
    "term-not-defined-by-the-ontology": (
        "DELETE WHERE { GRAPH ?g { ckp:partner rdfs:isDefinedBy ?o } }",
        "TermDefinedBy",
        "def/ckp#partner",
    ),
    "term-without-english-definition": (
        drop("ckp:partner skos:definition ?d", 'FILTER (LANG(?d) = "en")'),
        "TermDefinitionEnglish",
        "def/ckp#partner",
    ),
    "term-without-polish-definition": (
        drop("ckp:partner skos:definition ?d", 'FILTER (LANG(?d) = "pl")'),
        "TermDefinitionPolish",
        "def/ckp#partner",
    ),
    "term-without-english-label": (
        drop("ckp:partner rdfs:label ?l", 'FILTER (LANG(?l) = "en")'),
        "TermLabelEnglish",
        "def/ckp#partner",
    ),
    "term-with-two-polish-labels": (
        'INSERT DATA { GRAPH <graph/vocabulary> { ckp:partner rdfs:label "wspólnik"@pl } }',
        "TermLabelPolish",
        "def/ckp#partner",
    ),
    "visit-without-guests": (
        "DELETE WHERE { GRAPH ?g { <id/event/wizyta-delegacji-z-chin> schema:attendee ?a } }",
        "VisitAttendee",
        "id/event/wizyta-delegacji-z-chin",
    ),
    "visit-without-host": (
        "DELETE WHERE { GRAPH ?g { <id/event/wizyta-delegacji-z-chin> schema:organizer ?h } }",
        "VisitHost",
        "id/event/wizyta-delegacji-z-chin",
    ),
    "visit-without-quote": (
        "DELETE WHERE { GRAPH ?g { <id/event/wizyta-delegacji-z-chin> prov:wasDerivedFrom ?q } }",
        "VisitQuote",
        "id/event/wizyta-delegacji-z-chin",
    ),
    "organisation-only-in-schema-org": (
        "DELETE WHERE { GRAPH ?g { o:encc a org:Organization } }",
        "OrganizationShape",
        "id/organization/encc",
    ),
    "agent-without-polish-label": (
        drop("<id/group/delegacja-z-chin> rdfs:label ?l", 'FILTER (LANG(?l) = "pl")'),
        "AgentLabel",
        "id/group/delegacja-z-chin",
    ),
    "role-not-a-concept": (
        "INSERT DATA { GRAPH <graph/vocabulary> { <id/scheme/x> a org:Role ; "
        'skos:prefLabel "x"@pl , "x"@en ; skos:inScheme scheme:purposes } }',
        "ConceptShape",
        "id/scheme/x",
    ),
    "ontology-without-polish-title": (
        drop("<def/ckp> dct:title ?t", 'FILTER (LANG(?t) = "pl")'),
        "OntologyTitlePolish",
        "def/ckp",
    ),
    "ontology-without-english-title": (
        drop("<def/ckp> dct:title ?t", 'FILTER (LANG(?t) = "en")'),
        "OntologyTitleEnglish",
        "def/ckp",
    ),
    "ontology-without-licence": (
        "DELETE WHERE { GRAPH ?g { <def/ckp> dct:license ?l } }",
        "OntologyLicense",
        "def/ckp",
    ),
    "ontology-without-version": (
        "DELETE WHERE { GRAPH ?g { <def/ckp> owl:versionInfo ?v } }",
        "OntologyVersion",
        "def/ckp",
    ),
    # ---- dataset rules
    "page-node-without-quote": (
        f"""INSERT DATA {{ GRAPH {PAGE} {{ place:gdansk a schema:Place ;
            schema:name "Gdańsk"@pl , "Gdańsk"@en ; schema:containedInPlace place:polska ;
            prov:wasDerivedFrom ev:conventional-names }} }}""",
        "SourceNodeQuote",
        "id/place/gdansk",
    ),
    "enrichment-statement-without-evidence": (
        f'INSERT DATA {{ GRAPH {ENRICH} {{ o:encc schema:alternateName "Sieć ENCC"@pl }} }}',
        "EnrichmentEvidence",
        "id/organization/encc",
    ),
    "identifier-in-the-page-graph": (
        f"INSERT DATA {{ GRAPH {PAGE} {{ place:grasse schema:sameAs "
        f"<https://sws.geonames.org/3014856/> }} }}",
        "IdentifiersInEnrichment",
        "id/place/grasse",
    ),
    "page-fact-repeated-in-enrichment": (
        f'INSERT DATA {{ GRAPH {ENRICH} {{ o:encc schema:foundingDate "1994"^^xsd:gYear }} }}',
        "StatedOnce",
        "id/organization/encc",
    ),
    "printed-name-not-in-a-quote": (
        f"""INSERT DATA {{ GRAPH {PAGE} {{ o:dom-kultury-polskiej-w-wilnie
            ckp:nameAsOnPage "Dom Polski w Wilnie"@pl }} }}""",
        "NameAsOnPageInQuote",
        "id/organization/dom-kultury-polskiej-w-wilnie",
    ),
    "partner-of-without-inverse": (
        "DELETE DATA { GRAPH <graph/page> { o:dom-kultury-polskiej-w-wilnie ckp:partnerOf "
        "o:centrum-kultury-podgorza } }",
        "PartnerOfBacked",
        "id/organization/centrum-kultury-podgorza",
    ),
    "quote-supporting-nothing": (
        f"""INSERT DATA {{ GRAPH {PAGE} {{ quote:unused a oa:SpecificResource ;
            oa:hasSource <id/source/instytucje-partnerskie> ; oa:hasSelector <id/quote/unused#s> .
            <id/quote/unused#s> a oa:TextQuoteSelector ; oa:exact "Partnerzy zagraniczni" }} }}""",
        "QuoteUsed",
        "id/quote/unused",
    ),
    "quote-not-on-the-page": (
        """DELETE WHERE { GRAPH ?g { <id/quote/encc-founded#selector> oa:exact ?e } };
           INSERT DATA { GRAPH <graph/page> { <id/quote/encc-founded#selector>
                         oa:exact "została założona w 1995 r." } }""",
        QUOTE_RULE,
        "id/quote/encc-founded",
    ),
    "archived-page-missing": (
        """DELETE WHERE { GRAPH ?g { <id/source/instytucje-partnerskie> schema:archivedAt ?a } };
           INSERT DATA { GRAPH <graph/page> { <id/source/instytucje-partnerskie>
                         schema:archivedAt <source/no-such-page.txt> } }""",
        QUOTE_RULE,
        "id/quote/encc-founded",
    ),
}

# Shapes that only serve other shapes (no target of their own): reported through their users.
HELPERS = {"PageQuote", "PartialDate"}


def broken(dataset: Dataset, update: str) -> Dataset:
    """A copy of `dataset` with a SPARQL Update applied."""
    store = ox.Store()
    store.extend(dataset.quads)
    store.update(UPDATE_PREFIXES + update, base_iri=dataset.settings.base_iri)
    return replace(dataset, quads=tuple(store))


def findings_of(report: Report, settings: Settings, rule: str, focus: str) -> list[str]:
    shape = settings.base_iri + "def/shapes#" + rule
    node = settings.base_iri + focus
    return [f.message() for f in report.findings if str(f.shape) == shape and str(f.focus) == node]


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_fixture_is_reported(
    dataset: Dataset, shapes: rdflib.Graph, settings: Settings, case: str
) -> None:
    update, rule, focus = CASES[case]
    report = validate(broken(dataset, update), shapes)
    messages = findings_of(report, settings, rule, focus)
    assert messages, f"{rule} not reported on {focus}; got " + ", ".join(
        f"{f.shape} on {f.focus}" for f in report.findings
    )
    assert all(messages)
    severities = {f.severity for f in report.findings if str(f.shape).endswith("#" + rule)}
    assert report.conforms is (severities == {"Warning"})
    text = report.text(prefixes(settings.base_iri))
    assert f"ckps:{rule} " in text


def test_every_rule_has_a_broken_fixture(shapes: rdflib.Graph, settings: Settings) -> None:
    namespace = settings.base_iri + "def/shapes#"
    constraint_parameters = {
        SH.minCount,
        SH.maxCount,
        SH["class"],
        SH.datatype,
        SH.uniqueLang,
        SH.qualifiedMinCount,
        SH.qualifiedMaxCount,
        SH.nodeKind,
        SH.pattern,
        SH.hasValue,
        SH["in"],
        SH.node,
        SH["or"],
        SH.xone,
        SH.minLength,
        SH.sparql,
    }
    named = {
        str(s)[len(namespace) :]
        for kind in (SH.NodeShape, SH.PropertyShape)
        for s in shapes.subjects(RDF.type, kind)
        if str(s).startswith(namespace)
        and any((s, p, None) in shapes for p in constraint_parameters)
    }
    rules = {rule.name for rule in RULES} | {QUOTE_RULE}
    assert len(named) > 80
    covered = {rule for _, rule, _ in CASES.values()}
    assert sorted((named | rules) - HELPERS - covered) == []


def test_every_class_in_the_data_is_targeted_by_a_shape(
    shapes: rdflib.Graph, dataset: Dataset
) -> None:
    targeted = {str(c) for c in shapes.objects(None, SH.targetClass)}
    used = {
        q.object.value
        for q in dataset.quads
        if q.predicate.value == str(RDF.type) and isinstance(q.object, ox.NamedNode)
    }
    assert len(used) > 25
    assert sorted(used - targeted) == []


def test_coordinates_at_the_limits_conform(
    dataset: Dataset, shapes: rdflib.Graph, settings: Settings
) -> None:
    # the bounds are inclusive, and southern and western points are negative decimals
    limits = f"""DELETE WHERE {{ GRAPH ?g {{ {KRAKOW_GEO} schema:latitude ?a ;
                                          schema:longitude ?o }} }};
        INSERT DATA {{ GRAPH {ENRICH} {{ {KRAKOW_GEO} schema:latitude -90.0 ;
                                          schema:longitude -180.0 }} }}"""
    report = validate(broken(dataset, limits), shapes)
    assert report.conforms and report.findings == ()


def test_sparql_constraints_each_have_a_fixture(shapes: rdflib.Graph, dataset: Dataset) -> None:
    # IntervalShape and LetterPartnership carry SPARQL constraints: their fixtures must fail
    # through the SPARQL constraint, not only through cardinalities.
    sparql = SH.SPARQLConstraintComponent
    wanted = {
        "interval-ending-before-it-begins": "IntervalShape",
        "letter-signed-by-someone-else": "LetterPartnership",
    }
    for case, rule in wanted.items():
        report = validate(broken(dataset, CASES[case][0]), shapes)
        components = {f.component for f in report.findings if str(f.shape).endswith("#" + rule)}
        assert components == {sparql}, case


def test_report_formats_name_the_problem(
    dataset: Dataset, shapes: rdflib.Graph, settings: Settings
) -> None:
    report = validate(broken(dataset, CASES["partnership-with-one-partner"][0]), shapes)
    table = prefixes(settings.base_iri)
    text = report.text(table)
    assert "Violation: partnership:centrum-kultury-travno" in text
    assert "path:    ckp:partner" in text
    assert "rule:    ckps:PartnershipPartners (sh:MinCountConstraintComponent)" in text
    assert "message: A partnership has exactly two partners" in text
    assert "Partnerstwo ma dokładnie dwóch partnerów" in report.text(table, "pl")

    document = json.loads(json.dumps(report.as_json()))
    assert document["conforms"] is False
    focus = f"<{settings.base_iri}id/partnership/centrum-kultury-travno>"
    [finding] = [f for f in document["findings"] if f["focus"] == focus]
    assert finding["path"] == f"<{settings.base_iri}def/ckp#partner>"
    assert finding["message"]["en"].startswith("A partnership has exactly two partners")

    graph = rdflib.Graph().parse(data=report.graph.serialize(format="turtle"), format="turtle")
    assert (None, SH.conforms, rdflib.Literal(False)) in graph
    assert len(list(graph.subjects(RDF.type, SH.ValidationResult))) == len(report.findings)


def test_complex_paths_are_written_as_sparql_paths(
    dataset: Dataset, shapes: rdflib.Graph, settings: Settings
) -> None:
    report = validate(broken(dataset, CASES["organisation-in-no-country"][0]), shapes)
    text = report.text(prefixes(settings.base_iri))
    assert "path:    schema:location/schema:containedInPlace*" in text
