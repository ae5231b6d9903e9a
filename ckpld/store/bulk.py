"""The whole dataset in each RDF format, in time linear in its size: Oxigraph's writers only.

rdflib's writers (used for documents, where nested blank nodes and compacted JSON-LD read
better) took most of a minute per format on a million statements. Here everything is bytes
handed between Oxigraph's parsers and writers, and sorting is done on N-Triples lines, so the
same statements always give the same bytes and a diff between two releases is readable:

- N-Triples: the union of the graphs, each triple once, lines sorted;
- N-Quads: graph by graph (graphs in IRI order), lines sorted within each graph;
- Turtle: the sorted union, grouped by subject; blank nodes are not nested;
- TriG: one block per graph, in IRI order, each written as the Turtle above;
- JSON-LD: the sorted union in expanded form (every IRI whole), as every JSON-LD processor
  reads it.

Turtle and TriG declare every prefix of the table they are given.
"""

from __future__ import annotations

import gzip
import hashlib
import heapq
import io
import itertools
import multiprocessing
import operator
import os
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import cached_property

import pyoxigraph as ox

from ckpld.rdf.formats import Format
from ckpld.store import Store


class Bulk:
    """Named graphs, ready to be written in every RDF format (each step done once)."""

    def __init__(self, graphs: Mapping[str, bytes], prefixes: dict[str, str]) -> None:
        """Args:
        graphs: Each named graph's statements as N-Triples, in any order, by graph IRI.
        prefixes: Prefixes to declare in Turtle and TriG.
        """
        self.graphs = {iri: _sorted_unique(graphs[iri]) for iri in sorted(graphs)}
        self._prefixes = prefixes

    @classmethod
    def of(cls, quads: Iterable[ox.Quad], prefixes: dict[str, str]) -> Bulk:
        """The bulk form of `quads` (each in a named graph)."""
        by_graph: dict[str, list[ox.Triple]] = {}
        for q in quads:
            assert isinstance(q.graph_name, ox.NamedNode)
            by_graph.setdefault(q.graph_name.value, []).append(
                ox.Triple(q.subject, q.predicate, q.object)
            )
        nt = ox.RdfFormat.N_TRIPLES
        return cls({g: _serialize(t, nt, {}) for g, t in by_graph.items()}, prefixes)

    @classmethod
    def read(cls, store: Store, graphs: Iterable[str], prefixes: dict[str, str]) -> Bulk:
        """The named graphs `graphs` of `store`."""
        return cls({iri: store.dump(iri) for iri in graphs}, prefixes)

    @property
    def digest(self) -> str:
        """SHA-256 (hex) of `nquads`: changes exactly when a statement does."""
        return hashlib.sha256(self.nquads).hexdigest()

    @cached_property
    def nquads(self) -> bytes:
        """Every statement with its graph, graph by graph (N-Triples lines end in " .\\n" only:
        a literal's line break is escaped)."""
        return b"".join(
            lines.replace(b" .\n", b" " + str(ox.NamedNode(iri)).encode() + b" .\n")
            for iri, lines in self.graphs.items()
        )

    @cached_property
    def ntriples(self) -> bytes:
        """The union of the graphs, each triple once, lines sorted."""
        # Each graph is sorted and unique already: merge them, dropping repeats as they meet.
        merged = heapq.merge(*(body.splitlines(keepends=True) for body in self.graphs.values()))
        return b"".join(line for line, _ in itertools.groupby(merged))

    def render(self, fmt: Format) -> bytes:
        """The statements in `fmt`: graph formats get the union, dataset formats the graphs."""
        assert fmt.rdf is not None
        if fmt.rdf == ox.RdfFormat.N_QUADS:
            return self.nquads
        if fmt.rdf == ox.RdfFormat.N_TRIPLES:
            return self.ntriples
        if fmt.rdf == ox.RdfFormat.TRIG:
            header = _header(self._prefixes)
            blocks = [
                b"%s {\n%s}\n" % (str(ox.NamedNode(iri)).encode(), self._turtle(lines))
                for iri, lines in self.graphs.items()
            ]
            return header + b"".join(blocks)
        if fmt.rdf == ox.RdfFormat.TURTLE:
            return _header(self._prefixes) + self._turtle(self.ntriples)
        return _serialize(ox.parse(self.ntriples, format=ox.RdfFormat.N_TRIPLES), fmt.rdf, {})

    def _turtle(self, ntriples: bytes) -> bytes:
        """Turtle statements (no @prefix lines) of sorted N-Triples, with the prefixes used."""
        parsed = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
        written = _serialize(parsed, ox.RdfFormat.TURTLE, self._prefixes)
        lines = written.split(b"\n")
        count = next((i for i, line in enumerate(lines) if not line.startswith(b"@prefix")), 0)
        return b"\n".join(lines[count:])


PARALLEL_FROM = 8 << 20  # bytes of N-Quads from which formats are written in parallel
# What forked processes write from: inherited, never pickled (formats hold Oxigraph objects).
_SHARED: list[tuple[Bulk, Sequence[tuple[Format, bool]]]] = []


def render_all(bulk: Bulk, formats: Sequence[tuple[Format, bool]]) -> list[bytes]:
    """Each of `formats` (format, gzipped?), in order. Large data is written by forked processes,
    one format each, on every core this process may use; the sorted lines they share are made
    once, here, before the fork."""
    bulk.ntriples  # noqa: B018 - computed once, inherited by the processes
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    if len(bulk.nquads) < PARALLEL_FROM or cores < 2:
        return [_rendered(bulk, fmt, packed) for fmt, packed in formats]
    _SHARED[:] = [(bulk, formats)]
    try:
        context = multiprocessing.get_context("fork")
        workers = min(cores, len(formats))
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            return list(pool.map(_render_shared, range(len(formats))))
    finally:
        _SHARED.clear()


def _render_shared(index: int) -> bytes:
    bulk, formats = _SHARED[0]
    return _rendered(bulk, *formats[index])


def _rendered(bulk: Bulk, fmt: Format, packed: bool) -> bytes:
    body = bulk.render(fmt)
    return gzipped(body) if packed else body


def gzipped(body: bytes) -> bytes:
    """gzip without a time stamp or file name in the header: the same input, the same bytes."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=6) as out:
        out.write(body)
    return buffer.getvalue()


def render_dump(quads: Iterable[ox.Quad], fmt: Format, prefixes: dict[str, str]) -> bytes:
    """`quads` in `fmt`, as in a dump (see the module text)."""
    return Bulk.of(quads, prefixes).render(fmt)


def _sorted_unique(ntriples: bytes) -> bytes:
    """N-Triples lines sorted, each once (input already so, as kept by the disk store, is
    returned as it is after one linear check)."""
    if ntriples and not ntriples.endswith(b"\n"):
        ntriples += b"\n"
    lines = ntriples.splitlines(keepends=True)
    if all(map(operator.lt, lines, itertools.islice(lines, 1, None))):
        return b"".join(lines)
    return b"".join(sorted(set(lines)))


def _serialize(items: Iterable[object], fmt: ox.RdfFormat, prefixes: dict[str, str]) -> bytes:
    """Oxigraph's writer (it takes the parser's iterator as it comes: no list in Python)."""
    written = ox.serialize(items, format=fmt, prefixes=prefixes)  # type: ignore[arg-type]
    assert written is not None
    return written


def _header(prefixes: dict[str, str]) -> bytes:
    lines = sorted(f"@prefix {name}: {ox.NamedNode(iri)} .\n" for name, iri in prefixes.items())
    return "".join(lines).encode()
