"""Counts over the store and the SPARQL Service Description, computed so they stay true."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ckpld.config import Settings
from ckpld.store import Store

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_DCT = "http://purl.org/dc/terms/"
_VOID = "http://rdfs.org/ns/void#"
_XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True)
class Statistics:
    """Counts over the whole dataset (the union of its graphs, each triple once).

    Attributes:
        triples: Distinct triples.
        graphs: Triples per named graph, by graph IRI.
        classes: Distinct instances per class, by class IRI.
        properties: Distinct triples per property, by property IRI.
        subjects: Distinct subjects.
        objects: Distinct objects.
        entities: Distinct IRIs in `uri_space` that are the subject of a triple.
        uri_space: The namespace of the dataset's own things (`{base}id/`).
    """

    triples: int
    graphs: dict[str, int]
    classes: dict[str, int]
    properties: dict[str, int] = field(default_factory=dict)
    subjects: int = 0
    objects: int = 0
    entities: int = 0
    uri_space: str = ""


_DISTINCT = "{ SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"


def statistics(store: Store, uri_space: str = "") -> Statistics:
    """Count triples (overall, per named graph, per property), subjects, objects and instances."""
    total = store.query(
        f"SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?s) AS ?subjects) "
        f"(COUNT(DISTINCT ?o) AS ?objects) WHERE {_DISTINCT}"
    )
    graphs = store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    )
    classes = store.query(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n) ?c"
    )
    properties = store.query(
        f"SELECT ?p (COUNT(*) AS ?n) WHERE {_DISTINCT} GROUP BY ?p ORDER BY DESC(?n) ?p"
    )
    entities = 0
    if uri_space:
        space = ox.Literal(uri_space)
        answer = store.query(
            "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o "
            f"FILTER(isIRI(?s) && STRSTARTS(STR(?s), {space})) }}"
        )
        entities = _int(answer.rows[0][0])
    return Statistics(
        triples=_int(total.rows[0][0]),
        graphs={_iri(row[0]): _int(row[1]) for row in graphs.rows},
        classes={_iri(row[0]): _int(row[1]) for row in classes.rows},
        properties={_iri(row[0]): _int(row[1]) for row in properties.rows},
        subjects=_int(total.rows[0][1]),
        objects=_int(total.rows[0][2]),
        entities=entities,
        uri_space=uri_space,
    )


def sizes(store: Store) -> Statistics:
    """Only the sizes: distinct triples of the union and triples per named graph."""
    total = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {_DISTINCT}")
    graphs = store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    )
    return Statistics(
        triples=_int(total.rows[0][0]),
        graphs={_iri(row[0]): _int(row[1]) for row in graphs.rows},
        classes={},
    )


def _int(term: object) -> int:
    assert isinstance(term, ox.Literal)
    return int(term.value)


def _iri(term: object) -> str:
    assert isinstance(term, ox.NamedNode)
    return term.value


def integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(_XSD + "integer"))


_SD = "http://www.w3.org/ns/sparql-service-description#"


def service_description(
    settings: Settings, stats: Statistics, endpoints: list[str], result_formats: list[str]
) -> list[ox.Triple]:
    """The SPARQL 1.1 Service Description of the endpoint at `endpoints` (canonical and as used).

    Args:
        settings: For the base IRI, titles and the SERVICE allow-list.
        stats: Sizes of the union and of each named graph, for `void:triples`.
        endpoints: The endpoint's URLs: as the client used it, and the canonical one.
        result_formats: W3C format IRIs the endpoint can answer in.
    """
    anchor = settings.base_iri + "sparql#"
    service, dataset = ox.NamedNode(anchor + "service"), ox.NamedNode(anchor + "dataset")
    default = ox.NamedNode(anchor + "default-graph")
    triples = [
        (service, _RDF + "type", ox.NamedNode(_SD + "Service")),
        (service, _DCT + "title", ox.Literal(f"SPARQL: {settings.title_pl}", language="pl")),
        (service, _DCT + "title", ox.Literal(f"SPARQL: {settings.title_en}", language="en")),
        (service, _SD + "supportedLanguage", ox.NamedNode(_SD + "SPARQL11Query")),
        (service, _SD + "feature", ox.NamedNode(_SD + "UnionDefaultGraph")),
        (
            service,
            _SD + "defaultEntailmentRegime",
            ox.NamedNode("http://www.w3.org/ns/entailment/Simple"),
        ),
        (service, _SD + "defaultDataset", dataset),
        (service, _RDFS + "seeAlso", ox.NamedNode(settings.base_iri + ".well-known/void")),
        (service, _RDFS + "seeAlso", ox.NamedNode(settings.base_iri + "catalog")),
        (dataset, _RDF + "type", ox.NamedNode(_SD + "Dataset")),
        (dataset, _SD + "defaultGraph", default),
        (default, _RDF + "type", ox.NamedNode(_SD + "Graph")),
        (default, _VOID + "triples", integer(stats.triples)),
    ]
    if settings.service_allowlist:
        triples.append((service, _SD + "feature", ox.NamedNode(_SD + "BasicFederatedQuery")))
    triples += [(service, _SD + "endpoint", ox.NamedNode(url)) for url in dict.fromkeys(endpoints)]
    triples += [(service, _SD + "resultFormat", ox.NamedNode(f)) for f in result_formats]
    for graph, count in stats.graphs.items():
        name = ox.NamedNode(anchor + "graph-" + graph.rsplit("/", 1)[-1])
        triples += [
            (dataset, _SD + "namedGraph", name),
            (name, _RDF + "type", ox.NamedNode(_SD + "NamedGraph")),
            (name, _SD + "name", ox.NamedNode(graph)),
            (name, _SD + "graph", ox.NamedNode(graph)),
            (ox.NamedNode(graph), _RDF + "type", ox.NamedNode(_SD + "Graph")),
            (ox.NamedNode(graph), _VOID + "triples", integer(count)),
        ]
    return [ox.Triple(s, ox.NamedNode(p), o) for s, p, o in triples]  # type: ignore[arg-type]
