"""Vocabulary hygiene: reused terms exist in their vocabularies; own terms are declared and used."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import rdflib
from rdflib.namespace import (
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
    XSD,
    DefinedNamespaceMeta,
)
from rdflib.plugins.sparql import prepareQuery

from ckpld.config import Settings
from ckpld.model.sources import Dataset
from tests.conftest import ROOT
from tests.terms import as_literal, value_of

VOCABULARIES: list[DefinedNamespaceMeta] = [
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
    XSD,
]


def terms_of(namespace: DefinedNamespaceMeta) -> set[str]:
    names = set(getattr(namespace, "__annotations__", {})) | set(getattr(namespace, "_extras", []))
    return {str(namespace._NS) + name for name in names}


def iris_in_queries(base: str) -> Iterator[tuple[str, str]]:
    def walk(node: Any) -> Iterator[rdflib.URIRef]:
        if isinstance(node, rdflib.URIRef):
            yield node
        elif isinstance(node, dict):
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list | tuple | set):
            for value in node:
                yield from walk(value)

    for path in sorted((ROOT / "queries").glob("*.rq")):
        query = prepareQuery(path.read_text(encoding="utf-8"), base=base)
        for iri in walk(query.algebra):
            yield path.name, str(iri)


def used_iris(dataset: Dataset, shapes: rdflib.Graph, base: str) -> dict[str, str]:
    """Every IRI used by the data, the shapes and the queries, with where it was seen."""
    found = {}
    for quad in dataset.quads:
        for term in (quad.subject, quad.predicate, quad.object):
            if hasattr(term, "value") and not hasattr(term, "datatype"):
                found[term.value] = "data"
            elif hasattr(term, "datatype"):
                found[term.datatype.value] = "data (datatype)"
    for triple in shapes:
        for node in triple:
            if isinstance(node, rdflib.URIRef):
                found[str(node)] = "shapes"
    for name, iri in iris_in_queries(base):
        found[iri] = name
    return found


def test_reused_terms_exist(dataset: Dataset, shapes: rdflib.Graph, settings: Settings) -> None:
    used = used_iris(dataset, shapes, settings.base_iri)
    unknown = []
    for namespace in VOCABULARIES:
        known = terms_of(namespace)
        prefix = str(namespace._NS)
        unknown += [
            f"{iri} ({where})"
            for iri, where in used.items()
            if iri.startswith(prefix) and iri not in known and iri != prefix
        ]
    assert sorted(unknown) == []


def test_a_misspelt_term_would_be_caught() -> None:
    assert "https://schema.org/containedInPlace" in terms_of(SDO)
    assert "https://schema.org/containedInplace" not in terms_of(SDO)
    assert "http://www.w3.org/2006/time#inXSDgYearMonth" in terms_of(TIME)


def test_own_terms_are_declared_and_used(
    dataset: Dataset, shapes: rdflib.Graph, settings: Settings
) -> None:
    namespace = settings.base_iri + "def/ckp#"
    vocabulary = rdflib.Graph().parse(ROOT / "ontology" / "ckp.ttl", publicID=settings.base_iri)
    declared = {str(s) for s in vocabulary.subjects(RDFS.isDefinedBy, None)}
    used = used_iris(dataset, shapes, settings.base_iri)
    mentioned = {iri for iri in used if iri.startswith(namespace)}
    assert sorted(mentioned - declared) == []
    # every term is used outside its own declaration: by the data, the shapes or a query
    in_data = {
        q.predicate.value
        for q in dataset.quads
        if value_of(q.graph_name) != settings.graph_iri("vocabulary")
    } | {
        value_of(q.object)
        for q in dataset.quads
        if q.predicate.value == str(RDF.type)
        and value_of(q.graph_name) != settings.graph_iri("vocabulary")
    }
    in_shapes = {str(o) for o in shapes.objects() if isinstance(o, rdflib.URIRef)}
    unused = declared - in_data - in_shapes - {i for i, w in used.items() if w.endswith(".rq")}
    assert sorted(unused) == []


@pytest.mark.parametrize("term", ["ckp:cooperationFocus", "ckp:mainGoal"])
def test_reserved_terms_explain_why(settings: Settings, term: str) -> None:
    vocabulary = rdflib.Graph().parse(ROOT / "ontology" / "ckp.ttl", publicID=settings.base_iri)
    subject = rdflib.URIRef(settings.base_iri + "def/ckp#" + term.split(":")[1])
    notes = {
        as_literal(n).language: str(n) for n in vocabulary.objects(subject, SKOS.editorialNote)
    }
    assert set(notes) == {"pl", "en"}
    assert "empty in the archived page text" in notes["en"]
