"""Counts over the store and the SPARQL Service Description, computed so they stay true."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ckpld.config import Settings
from ckpld.rdf.namespaces import term
from ckpld.store import Store
from ckpld.store.remembered import remembered


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


def with_graph(before: Statistics, graph: str, triples: list[ox.Triple]) -> Statistics:
    """The sizes once `triples` are added as the new named graph `graph`: the default graph,
    the data's, keeps its size; the new graph is counted from its triples alone."""
    graphs = {**before.graphs, graph: len(dict.fromkeys(triples))}
    return Statistics(triples=before.triples, graphs=dict(sorted(graphs.items())), classes={})


@dataclass(frozen=True)
class Facts:
    """What ckpld counts and picks out of the content: the same for the same data version, so
    it is remembered per version (`remembered_facts`) and a restart on unchanged data skips
    the counting.

    Attributes:
        statistics: See `statistics`.
        sources: URLs of the source pages (`schema:WebPage` with `schema:url`), sorted.
        examples: The IRIs in the URI space with the most statements (VoID example resources).
        owned: For each IRI, the hash IRIs (`{iri}#part`) that are subjects, sorted.
    """

    statistics: Statistics
    sources: tuple[str, ...]
    examples: tuple[str, ...]
    owned: dict[str, list[str]]


EXAMPLES = 3  # void:exampleResource: the things with the most statements


def facts(store: Store, uri_space: str) -> Facts:
    """Count and pick, over the store (see `Facts`)."""
    space = ox.Literal(uri_space)
    sources = store.query(
        "SELECT DISTINCT ?url WHERE { ?page a <https://schema.org/WebPage> ; "
        "<https://schema.org/url> ?url } ORDER BY ?url"
    )
    examples = store.query(
        "SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?o "
        f"FILTER(isIRI(?s) && STRSTARTS(STR(?s), {space})) }} "
        f"GROUP BY ?s ORDER BY DESC(?n) ?s LIMIT {EXAMPLES}"
    )
    return Facts(
        statistics=statistics(store, uri_space),
        sources=tuple(_iri(row[0]) for row in sources.rows),
        examples=tuple(_iri(row[0]) for row in examples.rows),
        owned=owned(store),
    )


def owned(store: Store) -> dict[str, list[str]]:
    """For each IRI, the hash IRIs (`{iri}#part`) that are subjects in the store."""
    answer = store.query(
        'SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s) && CONTAINS(STR(?s), "#")) }'
    )
    found: dict[str, set[str]] = {}
    for (subject,) in answer.rows:
        if isinstance(subject, ox.NamedNode):
            owner, _, part = subject.value.partition("#")
            if part:
                found.setdefault(owner, set()).add(subject.value)
    return {owner: sorted(parts) for owner, parts in found.items()}


def remembered_facts(store: Store, uri_space: str, cache_dir: Path, version: str) -> Facts:
    """`facts(store, uri_space)` for the data version `version`, counted once and then read
    from `cache_dir` (best effort: an unwritable folder only costs a count at the next start).
    """
    from ckpld import __version__

    path = cache_dir / "facts" / f"{version}-{uri_space.encode().hex()[:32]}-{__version__}.json"
    return remembered(
        path,
        lambda: facts(store, uri_space),
        lambda found: json.dumps(asdict(found)).encode(),
        lambda data: _facts_from_json(json.loads(data)),
    )


def _facts_from_json(document: dict[str, Any]) -> Facts:
    return Facts(
        statistics=Statistics(**document["statistics"]),
        sources=tuple(document["sources"]),
        examples=tuple(document["examples"]),
        owned={str(k): list(v) for k, v in document["owned"].items()},
    )


def _int(term: object) -> int:
    assert isinstance(term, ox.Literal)
    return int(term.value)


def _iri(term: object) -> str:
    assert isinstance(term, ox.NamedNode)
    return term.value


def integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(term("xsd:integer")))


def service_description(
    settings: Settings, stats: Statistics, endpoints: list[str], result_formats: list[str]
) -> list[ox.Triple]:
    """The SPARQL 1.1 Service Description of the endpoint at `endpoints` (canonical and as used).

    The default graph is the union of the dataset's data graphs (not of every named graph: the
    VoID description and the catalogue are named graphs only), so the service does not claim
    `sd:UnionDefaultGraph`.

    Args:
        settings: For the base IRI, titles and the SERVICE allow-list.
        stats: Sizes of the default graph and of each named graph, for `void:triples`.
        endpoints: The endpoint's URLs: as the client used it, and the canonical one.
        result_formats: W3C format IRIs the endpoint can answer in.
    """
    anchor = settings.base_iri + "sparql#"
    service, dataset = ox.NamedNode(anchor + "service"), ox.NamedNode(anchor + "dataset")
    default = ox.NamedNode(anchor + "default-graph")
    triples = [
        (service, term("rdf:type"), ox.NamedNode(term("sd:Service"))),
        (service, term("dct:title"), ox.Literal(f"SPARQL: {settings.title_pl}", language="pl")),
        (service, term("dct:title"), ox.Literal(f"SPARQL: {settings.title_en}", language="en")),
        (service, term("sd:supportedLanguage"), ox.NamedNode(term("sd:SPARQL11Query"))),
        (
            service,
            term("sd:defaultEntailmentRegime"),
            ox.NamedNode("http://www.w3.org/ns/entailment/Simple"),
        ),
        (service, term("sd:defaultDataset"), dataset),
        (service, term("rdfs:seeAlso"), ox.NamedNode(settings.base_iri + ".well-known/void")),
        (service, term("rdfs:seeAlso"), ox.NamedNode(settings.base_iri + "catalog")),
        (dataset, term("rdf:type"), ox.NamedNode(term("sd:Dataset"))),
        (dataset, term("sd:defaultGraph"), default),
        (default, term("rdf:type"), ox.NamedNode(term("sd:Graph"))),
        (default, term("void:triples"), integer(stats.triples)),
    ]
    if settings.service_allowlist:
        triples.append((service, term("sd:feature"), ox.NamedNode(term("sd:BasicFederatedQuery"))))
    triples += [
        (service, term("sd:endpoint"), ox.NamedNode(url)) for url in dict.fromkeys(endpoints)
    ]
    triples += [(service, term("sd:resultFormat"), ox.NamedNode(f)) for f in result_formats]
    for graph, count in stats.graphs.items():
        name = ox.NamedNode(anchor + "graph-" + graph.rsplit("/", 1)[-1])
        triples += [
            (dataset, term("sd:namedGraph"), name),
            (name, term("rdf:type"), ox.NamedNode(term("sd:NamedGraph"))),
            (name, term("sd:name"), ox.NamedNode(graph)),
            (name, term("sd:graph"), ox.NamedNode(graph)),
            (ox.NamedNode(graph), term("rdf:type"), ox.NamedNode(term("sd:Graph"))),
            (ox.NamedNode(graph), term("void:triples"), integer(count)),
        ]
    return [ox.Triple(s, ox.NamedNode(p), o) for s, p, o in triples]  # type: ignore[arg-type]
