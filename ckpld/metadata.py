"""Dataset metadata computed from the store, so it stays true when the data changes."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ckpld.store import Store


@dataclass(frozen=True)
class Statistics:
    """Counts over the whole dataset.

    Attributes:
        triples: Distinct triples in the union of all graphs.
        graphs: Triples per named graph, by graph IRI.
        classes: Distinct instances per class, by class IRI.
    """

    triples: int
    graphs: dict[str, int]
    classes: dict[str, int]


def statistics(store: Store) -> Statistics:
    """Count triples (overall and per named graph) and instances per class."""
    total = store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    )
    graphs = store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    )
    classes = store.query(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n) ?c"
    )
    return Statistics(
        triples=_int(total.rows[0][0]),
        graphs={_iri(row[0]): _int(row[1]) for row in graphs.rows},
        classes={_iri(row[0]): _int(row[1]) for row in classes.rows},
    )


def _int(term: object) -> int:
    assert isinstance(term, ox.Literal)
    return int(term.value)


def _iri(term: object) -> str:
    assert isinstance(term, ox.NamedNode)
    return term.value
