"""Where the vocabulary is used: counts checked against the parsed data."""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox

from ckpld.config import Settings
from ckpld.model.sources import Dataset
from ckpld.store.local import LocalStore
from ckpld.web.pages.usage import schemes, usage
from tests.terms import value_of

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS = "http://www.w3.org/2004/02/skos/core#"


def test_counts_match_the_data(store: LocalStore, settings: Settings, dataset: Dataset) -> None:
    namespace = settings.base_iri + "def/ckp#"
    found = usage(store, namespace)
    triples = {(q.subject, q.predicate, q.object) for q in dataset.quads}
    instances = Counter(
        value_of(o)
        for _, p, o in triples
        if p.value == RDF_TYPE and value_of(o).startswith(namespace)
    )
    statements = Counter(p.value for _, p, _o in triples if p.value.startswith(namespace))
    assert instances and statements
    for term, n in instances.items():
        assert found[term].instances == n
    for term, n in statements.items():
        assert found[term].statements == n
    unused = namespace + "cooperationFocus"  # reserved: the page's list is empty
    assert unused not in found
    partner = found[namespace + "partner"]
    assert namespace + "Partnership" in partner.subject_types


def test_every_concept_scheme_with_its_concepts(store: LocalStore, dataset: Dataset) -> None:
    expected: dict[str, set[str]] = {}
    for q in dataset.quads:
        if q.predicate.value == SKOS + "inScheme" and isinstance(q.object, ox.NamedNode):
            expected.setdefault(q.object.value, set()).add(value_of(q.subject))
    found = schemes(store, "pl")
    assert {s.iri: {c for c, _ in s.concepts} for s in found} == expected
    local = next(c for s in found for c in s.concepts if c[0].endswith("/local-network"))
    assert local[1] == "sieć lokalna"
    assert [s.label for s in found] == sorted(s.label for s in found)
