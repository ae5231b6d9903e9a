"""SHACL-SPARQL constraints on Oxigraph: the same results as pySHACL gives, one query each."""

from __future__ import annotations

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from rdflib.namespace import SH

from ckpld.model import shacl_sparql
from ckpld.model.sources import Dataset
from ckpld.rdf.rdflib_terms import to_rdflib
from tests.test_validation import CASES, broken

Result = tuple[str, str, str | None]

# Each of ckpld's SPARQL constraints broken, plus the second branch of LetterPartnership alone
# (a partner of the partnership who did not sign the letter).
BROKEN = {
    "interval": CASES["interval-ending-before-it-begins"][0],
    "signed-by-someone-else": CASES["letter-signed-by-someone-else"][0],
    "partner-who-did-not-sign": """
        INSERT { GRAPH <graph/page> { ?p ckp:partner o:encc } }
        WHERE { GRAPH ?g { ?p ckp:letterOfIntent letter:centrum-czasu-wolnego-w-koszycach } }""",
}


def by_pyshacl(data: rdflib.Graph, shapes: rdflib.Graph) -> set[Result]:
    """The SPARQL-constraint results pySHACL itself reports (the reference)."""
    _, graph, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    found = set()
    for result in graph.objects(None, SH.result):
        if graph.value(result, SH.sourceConstraintComponent) == SH.SPARQLConstraintComponent:
            value = graph.value(result, SH.value)
            found.add(
                (
                    str(graph.value(result, SH.focusNode)),
                    str(graph.value(result, SH.sourceShape)),
                    None if value is None else str(value),
                )
            )
    return found


def by_oxigraph(quads: list[ox.Quad], shapes: rdflib.Graph) -> set[Result]:
    store = ox.Store()
    store.extend(quads)
    return {
        (str(f.focus), str(f.shape), None if f.value is None else str(f.value))
        for f in shacl_sparql.check(store, shacl_sparql.constraints(shapes))
    }


def test_ckpld_constraints_are_all_taken_over(shapes: rdflib.Graph) -> None:
    taken = shacl_sparql.constraints(shapes)
    names = sorted(str(c.shape).rsplit("#", 1)[-1] for c in taken)
    assert names == ["IntervalShape", "LetterPartnership"]
    assert len(list(shapes.objects(None, SH.sparql))) == len(taken)
    rest = shacl_sparql.without(shapes, taken)
    assert list(rest.objects(None, SH.sparql)) == []
    assert len(rest) == len(shapes) - len(taken)  # only the links go; the constraints stay
    for constraint in taken:
        assert "$PATH" not in constraint.query
        ox.Store().query(constraint.query)  # parses


def test_the_shipped_data_breaks_none(dataset: Dataset, shapes: rdflib.Graph) -> None:
    assert by_oxigraph(list(dataset.quads), shapes) == set()


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_results_equal_pyshacl(case: str, dataset: Dataset, shapes: rdflib.Graph) -> None:
    data = broken(dataset, BROKEN[case])
    expected = by_pyshacl(to_rdflib(data.triples()), shapes)
    assert expected  # the fixture does break a SPARQL constraint
    assert by_oxigraph(list(data.quads), shapes) == expected


def test_messages_fill_their_templates(dataset: Dataset, shapes: rdflib.Graph) -> None:
    data = broken(dataset, BROKEN["interval"])
    store = ox.Store()
    store.extend(data.quads)
    [finding] = shacl_sparql.check(store, shacl_sparql.constraints(shapes))
    assert finding.severity == "Violation"
    assert dict(finding.messages)["en"] == f"The interval ends ({finding.value}) before it begins."
    assert dict(finding.messages)["pl"].startswith(f"Przedział kończy się ({finding.value})")


SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <http://example.org/> .

ex:NoSelfLink a sh:SPARQLConstraint ;
    sh:message "{$this} links to itself through {?path}" ;
    sh:select "SELECT $this ?path ?value WHERE { $this ?path $this . BIND ($this AS ?value) }" .

ex:ByNode a sh:NodeShape ; sh:targetNode ex:a , ex:b ; sh:sparql ex:NoSelfLink .
ex:BySubject a sh:NodeShape ; sh:targetSubjectsOf ex:likes ; sh:sparql ex:NoSelfLink .
ex:ByObject a sh:NodeShape ; sh:targetObjectsOf ex:likes ; sh:sparql ex:NoSelfLink .
ex:Thing a sh:NodeShape , rdfs:Class ; sh:sparql ex:NoSelfLink .
ex:Off a sh:NodeShape ; sh:targetNode ex:a ; sh:deactivated true ; sh:sparql ex:NoSelfLink .
ex:Named a sh:NodeShape ; sh:targetClass ex:Named ; sh:property ex:NamedOnce .
ex:NamedOnce a sh:PropertyShape ; sh:path ex:name ; sh:severity sh:Warning ;
    sh:sparql [ sh:message "two names" ; sh:select
        "SELECT $this ?value WHERE { $this $PATH ?value , ?other FILTER (?value < ?other) }" ] .
ex:Nested a sh:NodeShape ; sh:sparql ex:NoSelfLink .
ex:Outer a sh:NodeShape ; sh:targetNode ex:a ; sh:node ex:Nested .
"""

DATA = """
@prefix ex: <http://example.org/> .
ex:a ex:likes ex:a .
ex:b ex:likes ex:c .
ex:c ex:likes ex:c ; a ex:SubThing .
ex:d a ex:Thing ; ex:knows ex:d .
ex:e a ex:SubNamed ; ex:name "x" , "y" .
ex:SubThing <http://www.w3.org/2000/01/rdf-schema#subClassOf> ex:Thing .
ex:SubNamed <http://www.w3.org/2000/01/rdf-schema#subClassOf> ex:Named .
"""


def test_every_kind_of_target_gives_pyshacls_results() -> None:
    shapes = rdflib.Graph().parse(data=SHAPES, format="turtle")
    data = rdflib.Graph().parse(data=DATA, format="turtle")
    taken = shacl_sparql.constraints(shapes)
    # Deactivated shapes are skipped; a shape reached only through sh:node stays with pySHACL.
    assert sorted(str(c.shape).rsplit("/", 1)[-1] for c in taken) == [
        "ByNode", "ByObject", "BySubject", "NamedOnce", "Thing",
    ]  # fmt: skip
    quads = list(ox.parse(DATA, format=ox.RdfFormat.TURTLE))
    expected = by_pyshacl(data, shapes)
    assert by_oxigraph(quads, shapes) | by_pyshacl(data, shacl_sparql.without(shapes, taken)) == (
        expected
    )
    ex = "http://example.org/"
    assert (ex + "e", ex + "NamedOnce", "x") in expected
    assert {f for f, s, _ in expected if s == ex + "Thing"} == {ex + "c", ex + "d"}
    store = ox.Store()
    store.extend(quads)
    messages = {dict(f.messages)["en"] for f in shacl_sparql.check(store, taken)}
    assert f"{ex}a links to itself through {ex}likes" in messages
    assert "two names" in messages
