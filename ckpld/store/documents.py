"""Resource documents: what the server says about one IRI, and writing it in each RDF format.

A description holds the resource's own statements, those of the nodes it owns (`{iri}#part`,
such as a membership's interval or a quote's selector), those of the quotes and evidence it is
derived from (so the page's exact words come with it), and the labels of every resource they link
to, so that a client can name things without a second request. Each statement keeps the
named graph it comes from (TriG and N-Quads show it); the document's own metadata (primary topic,
dataset, licence, modification time) is added in the default graph.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
import rdflib

from ckpld.errors import BadQueryError, NotFoundError
from ckpld.rdf.formats import Format
from ckpld.rdf.namespaces import used
from ckpld.rdf.rdflib_terms import rdflib_term
from ckpld.store import QueryResult, Store

LABEL_PROPERTIES = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "https://schema.org/name",
    "http://purl.org/dc/terms/title",
)
DERIVED_FROM = "http://www.w3.org/ns/prov#wasDerivedFrom"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_FOAF = "http://xmlns.com/foaf/0.1/"
_DCT = "http://purl.org/dc/terms/"
_VOID = "http://rdfs.org/ns/void#"
_OA = "http://www.w3.org/ns/oa#"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")


@dataclass(frozen=True)
class Description:
    """A document about one resource.

    Attributes:
        topic: The IRI the document is about.
        document: The canonical IRI of the document itself.
        quads: Statements about the topic and the nodes it owns, plus labels of linked
            resources, each in the named graph it comes from.
        metadata: The document's own statements (default graph).
    """

    topic: str
    document: str
    quads: tuple[ox.Quad, ...]
    metadata: tuple[ox.Triple, ...] = ()

    @property
    def found(self) -> bool:
        """True when the store knows anything about the topic."""
        topic = ox.NamedNode(self.topic)
        return any(q.subject == topic for q in self.quads)

    def triples(self) -> list[ox.Triple]:
        """Every statement once, metadata included, without graph names."""
        found = (ox.Triple(q.subject, q.predicate, q.object) for q in self.quads)
        return list(dict.fromkeys([*found, *self.metadata]))

    def all_quads(self) -> list[ox.Quad]:
        """What a dataset format (TriG, N-Quads) says: in the default graph, every statement
        (the description and the document's metadata: what a client that reads only the default
        graph, as most do, needs); in the named graphs, the description again, each statement in
        the graph it comes from."""
        default = ox.DefaultGraph()
        union = [ox.Quad(t.subject, t.predicate, t.object, default) for t in self.triples()]
        return [*union, *self.quads]


INCOMING = 500  # most statements pointing at a topic a document carries (the endpoint has all)


def describe(store: Store, topic: str, owned: Mapping[str, Sequence[str]]) -> list[ox.Quad]:
    """What to say about `topic`: its statements and its parts', where they come from, the
    statements of other resources that point at it (up to `INCOMING`, so that a client that
    follows links reaches every resource from any one, as in a symmetric concise bounded
    description), and the labels of every resource named.

    A resource of the data is described from the data's graphs (`store.default_graphs`), as
    the endpoint's default graph has it: what the VoID description and the catalogue say of it
    (CKP as their publisher) stays in those documents. A resource only they describe (the
    dataset, its distributions and services) is described from every graph.

    Args:
        store: Where the statements are.
        topic: The IRI described.
        owned: For each IRI, the hash IRIs it owns (described with it).

    Raises:
        NotFoundError: `topic` is not a valid IRI (nothing can be published as it).
    """
    subjects = [_iri(topic), *(_iri(o) for o in owned.get(topic, ()))]
    graphs: Sequence[str] = store.default_graphs
    own = _quads(store, subjects, (), graphs)
    if graphs and not any(q.subject == subjects[0] for q in own):
        graphs = ()  # not in the data: described by the metadata graphs
        own = _quads(store, subjects, ())
    derived = ox.NamedNode(DERIVED_FROM)
    sources = [
        q.object for q in own if q.predicate == derived and isinstance(q.object, ox.NamedNode)
    ]
    sources = [s for s in dict.fromkeys(sources) if s not in subjects]
    source_parts = [_iri(o) for s in sources for o in owned.get(s.value, ())]
    provenance = _quads(store, [*sources, *source_parts], (), graphs)
    described = {*subjects, *sources, *source_parts}
    pointing = _pointing_at(store, subjects[0], graphs)
    linked = {q.object for q in (*own, *provenance) if isinstance(q.object, ox.NamedNode)} | {
        q.subject for q in pointing if isinstance(q.subject, ox.NamedNode)
    }
    labels = _quads(
        store,
        sorted(linked - described, key=str),
        [ox.NamedNode(p) for p in LABEL_PROPERTIES],
        graphs,
    )
    return list(dict.fromkeys([*own, *provenance, *pointing, *labels]))


def _pointing_at(store: Store, topic: ox.NamedNode, graphs: Sequence[str]) -> list[ox.Quad]:
    """Statements of other resources whose object is `topic` (its own parts' aside), in
    `graphs` (all when empty)."""
    own = ox.Literal(topic.value + "#")
    result = internal_query(
        store,
        f"SELECT ?g ?s ?p ?o WHERE {{ {_within(graphs)} GRAPH ?g {{ ?s ?p ?o }} "
        f"VALUES ?o {{ {topic} }} "
        f"FILTER(isIRI(?s) && ?s != ?o && !STRSTARTS(STR(?s), {own})) }} "
        f"ORDER BY ?s ?p ?g LIMIT {INCOMING}",
    )
    return _rows_to_quads(result.rows)


def document_metadata(
    document: str, topic: str, dataset: str, modified: str, license: str | None
) -> list[ox.Triple]:
    """The document's own statements: what it is about, where it belongs, when it changed."""
    doc = ox.NamedNode(document)
    triples = [
        ox.Triple(doc, _RDF_TYPE, ox.NamedNode(_FOAF + "Document")),
        ox.Triple(doc, ox.NamedNode(_FOAF + "primaryTopic"), ox.NamedNode(topic)),
        ox.Triple(doc, ox.NamedNode(_VOID + "inDataset"), ox.NamedNode(dataset)),
        ox.Triple(
            doc, ox.NamedNode(_DCT + "modified"), ox.Literal(modified, datatype=_XSD_DATETIME)
        ),
    ]
    if license:
        triples.append(ox.Triple(doc, ox.NamedNode(_DCT + "license"), ox.NamedNode(license)))
    return triples


def internal_query(store: Store, sparql: str) -> QueryResult:
    """Run one of ckpld's own queries: if it fails, that is ckpld's fault, not the client's."""
    try:
        return store.query(sparql)
    except BadQueryError as err:
        raise RuntimeError(f"ckpld's own query failed: {err.detail}") from err


def incoming(
    store: Store, topic: str, limit: int = 500
) -> list[tuple[str, str, dict[str, str], str]]:
    """What points at `topic` from elsewhere: (subject, property, the subject's names by
    language, the words the subject quotes if it is a quote with a text selector, else "").

    The topic's own parts (`topic#…`) are left out: a page shows them already.
    """
    node = ox.NamedNode(topic)
    labels = "|".join(str(ox.NamedNode(p)) for p in LABEL_PROPERTIES)
    exact = f"{ox.NamedNode(_OA + 'hasSelector')}/{ox.NamedNode(_OA + 'exact')}"
    result = internal_query(
        store,
        f"SELECT ?s ?p ?name ?words WHERE {{ ?s ?p {node} . FILTER (isIRI(?s) && ?s != {node} "
        f"&& !STRSTARTS(STR(?s), {ox.Literal(topic + '#')})) OPTIONAL {{ ?s {labels} ?name }} "
        f"OPTIONAL {{ ?s {exact} ?words }} }} LIMIT {limit}",
    )
    found: dict[tuple[str, str], tuple[dict[str, str], list[str]]] = {}
    for s, p, name, words in result.rows:
        names, quoted = found.setdefault((_value(s), _value(p)), ({}, []))
        if isinstance(name, ox.Literal):
            names.setdefault(name.language or "", name.value)
        if isinstance(words, ox.Literal) and not quoted:
            quoted.append(words.value)
    return [(s, p, names, next(iter(quoted), "")) for (s, p), (names, quoted) in found.items()]


def known_as(store: Store, identifiers: Iterable[str]) -> dict[str, dict[str, str]]:
    """The data's names, by language, of outside identifiers (a Wikidata item, a GeoNames
    feature, an EU table entry) that a resource of the data is the same as (`schema:sameAs`,
    `skos:exactMatch`)."""
    wanted = " ".join(str(ox.NamedNode(i)) for i in sorted(set(identifiers))[:500])
    if not wanted:
        return {}
    result = internal_query(
        store,
        f"SELECT ?id ?name WHERE {{ VALUES ?id {{ {wanted} }} ?thing "
        "<https://schema.org/sameAs>|<http://www.w3.org/2004/02/skos/core#exactMatch> ?id ; "
        "<https://schema.org/name> ?name }",
    )
    found: dict[str, dict[str, str]] = {}
    for identifier, name in result.rows:
        if isinstance(name, ox.Literal) and name.language:
            found.setdefault(_value(identifier), {}).setdefault(name.language, name.value)
    return found


def graph_quads(store: Store, graph: str | None = None) -> list[ox.Quad]:
    """Every statement of one named graph, or of all of them, with its graph."""
    where = f"VALUES ?g {{ {_iri(graph)} }}" if graph else ""
    result = internal_query(
        store, f"SELECT ?g ?s ?p ?o WHERE {{ {where} GRAPH ?g {{ ?s ?p ?o }} }}"
    )
    return _rows_to_quads(result.rows)


def render(
    quads: Sequence[ox.Quad],
    fmt: Format,
    prefixes: dict[str, str],
    context: dict[str, Any] | None = None,
) -> bytes:
    """Statements in an RDF format.

    Graph formats get the union (each statement once); TriG and N-Quads keep the named graphs.
    JSON-LD is compacted with `context` and carries the part of it that it uses (`used_context`):
    a reader needs no second request, and nothing at the server's canonical address, which a
    test install or a mirror does not serve.
    """
    assert fmt.rdf is not None
    if fmt.rdf == ox.RdfFormat.N_QUADS:
        return _sorted_lines(_ox(quads, ox.RdfFormat.N_QUADS, {}))
    triples = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads))
    if fmt.rdf == ox.RdfFormat.N_TRIPLES:
        return _sorted_lines(_ox(triples, ox.RdfFormat.N_TRIPLES, {}))
    # The writers keep the order they are given: sorted input makes the output the same in
    # every process, which strong ETags require. Oxigraph's writers take time linear in the size.
    table = used(_iris(quads), prefixes)
    if fmt.rdf == ox.RdfFormat.TRIG:
        ordered = sorted(quads, key=lambda q: (str(q.graph_name), str(q.subject), str(q)))
        return _ox(ordered, ox.RdfFormat.TRIG, table)
    if fmt.rdf != ox.RdfFormat.JSON_LD:
        return _ox(sorted(triples, key=lambda t: (str(t.subject), str(t))), fmt.rdf, table)
    graph = rdflib.Graph(bind_namespaces="none")
    with _lexical_forms_kept():  # built term by term: rdflib's N-Triples reader is quadratic in
        for t in sorted(triples, key=str):  # the length of a line (a long literal)
            graph.add((_node(t.subject), _node(t.predicate), _node(t.object)))
    _bind(graph, table)
    written = graph.serialize(
        format="json-ld", context=context or {}, auto_compact=True, use_native_types=True
    )
    compacted = _sorted_json(json.loads(written))
    if isinstance(compacted.get("@context"), dict):
        compacted["@context"] = used_context(compacted["@context"], compacted)
    return json.dumps(compacted, ensure_ascii=False, indent=2).encode()


def used_context(context: dict[str, Any], document: Any) -> dict[str, Any]:
    """The entries of `context` that expanding `document` can use: its keywords (`@vocab`, …),
    every term the document names (a key, a `@type` value, a compact IRI's prefix), and what
    those entries name in turn. Leaving the others out changes nothing the document means."""
    named: set[str] = set()

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key != "@context":
                    named.add(key)
                    collect(value)
        elif isinstance(node, list):
            for item in node:
                collect(item)
        elif isinstance(node, str):
            named.add(node)

    collect({k: v for k, v in document.items() if k != "@context"})
    kept = {k for k in context if k.startswith("@")}
    pending = {n.split(":", 1)[0] for n in named} | named
    while pending:
        found = {n for n in pending if n in context and n not in kept}
        kept |= found
        pending = set()
        for term in found:
            definition = context[term]
            values = definition.values() if isinstance(definition, dict) else [definition]
            for value in values:
                if isinstance(value, str):
                    pending |= {value, value.split(":", 1)[0]}
    return {k: v for k, v in context.items() if k in kept}


def _node(term: object) -> Any:
    """An Oxigraph term as rdflib's (a plain literal stays plain: no explicit xsd:string)."""
    if isinstance(term, ox.Literal) and term.datatype.value == _XSD_STRING:
        return rdflib.Literal(term.value)
    return rdflib_term(term)


@contextlib.contextmanager
def _lexical_forms_kept() -> Iterator[None]:
    """rdflib rewrites literals into its own canonical form when it reads them ("…Z" becomes
    "…+00:00"): a different RDF term. Output must carry the data's terms unchanged."""
    before = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        yield
    finally:
        rdflib.NORMALIZE_LITERALS = before


def _quads(
    store: Store,
    subjects: Iterable[ox.NamedNode],
    predicates: Iterable[ox.NamedNode],
    graphs: Sequence[str] = (),
) -> list[ox.Quad]:
    """The statements of `subjects` (with `predicates` only, if any), in `graphs` (all when
    empty), each with its graph."""
    subject_values = " ".join(str(s) for s in subjects)
    if not subject_values:
        return []
    predicate_values = " ".join(str(p) for p in predicates)
    restrict = f"VALUES ?p {{ {predicate_values} }}" if predicate_values else ""
    result = internal_query(
        store,
        f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?s {{ {subject_values} }} {restrict} "
        f"{_within(graphs)} GRAPH ?g {{ ?s ?p ?o }} }}",
    )
    return _rows_to_quads(result.rows)


def _within(graphs: Sequence[str]) -> str:
    """A pattern keeping `?g` to `graphs` (nothing when empty: every graph)."""
    return f"VALUES ?g {{ {' '.join(str(_iri(g)) for g in graphs)} }}" if graphs else ""


def _rows_to_quads(rows: Iterable[tuple[Any, ...]]) -> list[ox.Quad]:
    quads = []
    for g, s, p, o in rows:
        assert isinstance(g, ox.NamedNode) and isinstance(s, ox.NamedNode | ox.BlankNode)
        assert isinstance(p, ox.NamedNode) and o is not None
        quads.append(ox.Quad(s, p, o, g))
    return quads


def _iri(value: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(value)
    except ValueError as err:
        raise NotFoundError(f"nothing is published as {value!r}: it is not an IRI") from err


def _iris(quads: Iterable[ox.Quad]) -> list[str]:
    found = []
    for q in quads:
        for term in (q.subject, q.predicate, q.object):
            if isinstance(term, ox.NamedNode):
                found.append(term.value)
            elif isinstance(term, ox.Literal):
                found.append(term.datatype.value)
    return found


def _ox(
    items: Sequence[ox.Quad] | Sequence[ox.Triple], fmt: ox.RdfFormat, prefixes: dict[str, str]
) -> bytes:
    written = ox.serialize(items, format=fmt, prefixes=prefixes)
    assert written is not None
    return written


def _sorted_lines(data: bytes) -> bytes:
    lines = sorted(line for line in data.split(b"\n") if line)
    return b"\n".join(lines) + (b"\n" if lines else b"")


def _sorted_json(node: Any, ordered: bool = False) -> Any:
    """JSON-LD with its arrays in a fixed order, except `@list` arrays, whose order is meaning."""
    if isinstance(node, dict):
        return {k: _sorted_json(v, ordered=k == "@list") for k, v in sorted(node.items())}
    if isinstance(node, list):
        items = [_sorted_json(v) for v in node]
        if ordered:
            return items
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return node


def _bind(graph: rdflib.Graph, table: dict[str, str]) -> None:
    for name, namespace in table.items():
        graph.bind(name, namespace, override=True, replace=True)


def _value(term: object) -> str:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode) else ""
