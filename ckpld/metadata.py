"""Dataset metadata computed from the store, so it stays true when the data changes."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ckpld.config import Settings
from ckpld.store import Store

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_DCT = "http://purl.org/dc/terms/"
_VOID = "http://rdfs.org/ns/void#"
_XSD = "http://www.w3.org/2001/XMLSchema#"

# Titles of the named graphs ckpld knows by name; other source graphs get a generic title.
GRAPH_TITLES = {
    "page": ("Fakty ze strony źródłowej", "Facts from the source page"),
    "enrichment": (
        "Wzbogacenia: identyfikatory, nazwy, tłumaczenia",
        "Enrichment: identifiers, names, translations",
    ),
    "vocabulary": ("Słownik ckpld i listy pojęć", "The ckpld vocabulary and code lists"),
}
DUMP_SUFFIXES = ("trig", "nq", "ttl")


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


def dataset_description(
    settings: Settings, stats: Statistics, modified: str, store: Store
) -> list[ox.Triple]:
    """The dataset's own description: titles, publisher, licence, size, subsets, dumps, sources."""
    dataset = ox.NamedNode(settings.dataset_iri)
    triples = [
        (dataset, _RDF + "type", ox.NamedNode(_VOID + "Dataset")),
        (dataset, _DCT + "title", ox.Literal(settings.title_pl, language="pl")),
        (dataset, _DCT + "title", ox.Literal(settings.title_en, language="en")),
        (dataset, _RDFS + "label", ox.Literal(settings.title_pl, language="pl")),
        (dataset, _RDFS + "label", ox.Literal(settings.title_en, language="en")),
        (dataset, _DCT + "publisher", ox.NamedNode(settings.publisher_iri)),
        (dataset, _DCT + "license", ox.NamedNode(settings.license)),
        (
            dataset,
            _DCT + "modified",
            ox.Literal(modified, datatype=ox.NamedNode(_XSD + "dateTime")),
        ),
        (dataset, _VOID + "triples", _integer(stats.triples)),
        (dataset, _VOID + "uriSpace", ox.Literal(settings.base_iri + "id/")),
    ]
    triples += [
        (dataset, _VOID + "dataDump", ox.NamedNode(f"{settings.base_iri}data.{suffix}"))
        for suffix in DUMP_SUFFIXES
    ]
    sources = store.query(
        "SELECT DISTINCT ?url WHERE { ?page a <https://schema.org/WebPage> ; "
        "<https://schema.org/url> ?url } ORDER BY ?url"
    )
    triples += [(dataset, _DCT + "source", row[0]) for row in sources.rows if row[0] is not None]
    for graph, count in stats.graphs.items():
        name = graph[len(settings.base_iri + "graph/") :]
        polish, english = GRAPH_TITLES.get(name, (f"Graf {name}", f"Graph {name}"))
        subset = ox.NamedNode(graph)
        triples += [
            (dataset, _VOID + "subset", subset),
            (subset, _RDF + "type", ox.NamedNode(_VOID + "Dataset")),
            (subset, _DCT + "title", ox.Literal(polish, language="pl")),
            (subset, _DCT + "title", ox.Literal(english, language="en")),
            (subset, _VOID + "triples", _integer(count)),
        ]
    return [ox.Triple(s, ox.NamedNode(p), o) for s, p, o in triples]  # type: ignore[arg-type]


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(_XSD + "integer"))


_SD = "http://www.w3.org/ns/sparql-service-description#"


def service_description(
    settings: Settings, stats: Statistics, endpoints: list[str], result_formats: list[str]
) -> list[ox.Triple]:
    """The SPARQL 1.1 Service Description of the endpoint at `endpoints` (canonical and as used).

    Args:
        settings: For the base IRI, titles and the SERVICE allow-list.
        stats: Triples per named graph, for `void:triples`.
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
        (dataset, _RDF + "type", ox.NamedNode(_SD + "Dataset")),
        (dataset, _SD + "defaultGraph", default),
        (default, _RDF + "type", ox.NamedNode(_SD + "Graph")),
        (default, _VOID + "triples", _integer(stats.triples)),
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
            (ox.NamedNode(graph), _VOID + "triples", _integer(count)),
        ]
    return [ox.Triple(s, ox.NamedNode(p), o) for s, p, o in triples]  # type: ignore[arg-type]
