"""Prefixes bound on every output: the standard vocabularies and ckpld's own, under the base IRI."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SDO,
    SH,
    SKOS,
    TIME,
    VANN,
    VOID,
    XSD,
    DefinedNamespace,
)

STANDARD: dict[str, str] = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "dct": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "time": "http://www.w3.org/2006/time#",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "vann": "http://purl.org/vocab/vann/",
    "void": "http://rdfs.org/ns/void#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "wd": "http://www.wikidata.org/entity/",
    "eucountry": "http://publications.europa.eu/resource/authority/country/",
    "eulang": "http://publications.europa.eu/resource/authority/language/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcatap": "http://data.europa.eu/r5r/",
    "adms": "http://www.w3.org/ns/adms#",
    "spdx": "http://spdx.org/rdf/terms#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "eufiletype": "http://publications.europa.eu/resource/authority/file-type/",
    "eulicence": "http://publications.europa.eu/resource/authority/licence/",
    "eutheme": "http://publications.europa.eu/resource/authority/data-theme/",
    "iana": "https://www.iana.org/assignments/media-types/",
}

# Vocabularies whose terms are known: a prefixed name outside them is a mistake, caught by `term`.
# The term lists are rdflib's; the SPARQL Service Description's are written out here (its terms
# as the W3C recommendation lists them), DCAT 3's versioning terms are added to rdflib's DCAT 2,
# and ADMS's (which rdflib lacks) are the few ckpld writes.
_RDFLIB_TERMS: dict[str, type[DefinedNamespace]] = {
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "sh": SH,
    "dct": DCTERMS,
    "skos": SKOS,
    "foaf": FOAF,
    "schema": SDO,
    "org": ORG,
    "time": TIME,
    "prov": PROV,
    "vann": VANN,
    "void": VOID,
    "dcat": DCAT,
}
_MORE_TERMS: dict[str, frozenset[str]] = {
    "dcat": frozenset(
        {"version", "hasVersion", "isVersionOf", "previousVersion", "hasCurrentVersion"}
    ),
    "adms": frozenset({"versionNotes", "identifier", "Identifier", "schemaAgency"}),
    "sd": frozenset(
        """Service Feature Language Function Aggregate EntailmentRegime EntailmentProfile
        GraphCollection Dataset Graph NamedGraph endpoint feature defaultEntailmentRegime
        entailmentRegime defaultSupportedEntailmentProfile supportedEntailmentProfile
        extensionFunction extensionAggregate languageExtension supportedLanguage propertyFeature
        defaultDataset availableGraphs resultFormat inputFormat defaultGraph namedGraph name graph
        SPARQL10Query SPARQL11Query SPARQL11Update DereferencesURIs UnionDefaultGraph
        RequiresDataset EmptyGraphs BasicFederatedQuery""".split()
    ),
}
KNOWN_TERMS: dict[str, frozenset[str]] = {
    prefix: frozenset(
        {
            *getattr(namespace, "__annotations__", {}),
            *getattr(namespace, "_extras", ()),
            *_MORE_TERMS.get(prefix, ()),
        }
    )
    for prefix, namespace in _RDFLIB_TERMS.items()
} | {"sd": _MORE_TERMS["sd"], "adms": _MORE_TERMS["adms"]}


def term(name: str) -> str:
    """The IRI of a standard prefixed name (`dct:title`).

    Raises:
        ValueError: the prefix is not a standard one, or its vocabulary has no such term.
    """
    prefix, colon, local = name.partition(":")
    if not colon or prefix not in STANDARD:
        raise ValueError(f"{name!r} is not a prefixed name of a standard vocabulary")
    known = KNOWN_TERMS.get(prefix)
    if known is not None and local not in known:
        raise ValueError(f"{name!r}: the vocabulary {STANDARD[prefix]} has no term {local!r}")
    return STANDARD[prefix] + local


def node(name: str) -> str:
    """A standard prefixed name as SPARQL and Turtle write an IRI (`<http://…>`), checked by
    `term`."""
    return f"<{term(name)}>"


# ckpld's own namespaces, relative to the base IRI (the same prefixes as in data/ and ontology/).
LOCAL: dict[str, str] = {
    "ckp": "def/ckp#",
    "ckps": "def/shapes#",
    "organization": "id/organization/",
    "place": "id/place/",
    "partnership": "id/partnership/",
    "letter": "id/letter-of-intent/",
    "membership": "id/membership/",
    "event": "id/event/",
    "group": "id/group/",
    "gallery": "id/gallery/",
    "source": "id/source/",
    "quote": "id/quote/",
    "evidence": "id/evidence/",
    "scheme": "id/scheme/",
    "graph": "graph/",
}


def prefixes(base_iri: str) -> dict[str, str]:
    """All prefixes, with ckpld's own resolved against `base_iri`."""
    return {**STANDARD, **{name: base_iri + path for name, path in LOCAL.items()}}


def used(iris: Iterable[str], table: dict[str, str]) -> dict[str, str]:
    """The entries of `table` whose namespace starts at least one of `iris`."""
    seen = set(iris)
    return {name: ns for name, ns in table.items() if any(i.startswith(ns) for i in seen)}


def compact(iri: str, table: dict[str, str]) -> str:
    """`iri` as a prefixed name when a prefix fits and leaves a plain local name, else <iri>."""
    best = ""
    for name, namespace in table.items():
        if iri.startswith(namespace) and len(namespace) > len(table.get(best, "")):
            best = name
    if best:
        local = iri[len(table[best]) :]
        if local and all(c.isalnum() or c in "-_." for c in local) and not local.endswith("."):
            return f"{best}:{local}"
    return f"<{iri}>"
