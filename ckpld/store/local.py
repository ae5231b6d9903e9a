"""The embedded store: pyoxigraph in memory, holding the dataset's named graphs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice

import pyoxigraph as ox

from ckpld.errors import BadQueryError
from ckpld.model.sources import SourceFile, load_into
from ckpld.store import QueryResult, Write, written
from ckpld.store.isolation import DEFAULT_POOL, Pool, QueryRunner
from ckpld.store.query_text import QueryText, read

Graphs = tuple[str, ...]
Request = tuple[str, Graphs, Graphs, int | None, Write | None, QueryText | None, Graphs]


class LocalStore:
    """A pyoxigraph store; the default graph of a query is the union of `default_graphs` (of all
    named graphs while that is empty).

    That union is kept merged in the store's own default graph, which holds nothing else: the
    engine then matches each pattern in one graph instead of in each of the data's graphs
    (about twice as fast on joins over many rows: the cookbook's heaviest queries at 100,000
    statements took 55-115 ms against 25-55 ms). Setting `default_graphs` merges them; `add`
    keeps the merge whole. Oxigraph's union of graphs shares blank nodes between graphs, and
    so does the merge: the answers are the same.

    Queries with a timeout run in a child process that is killed when they are late (see
    `ckpld.store.isolation`; `pool` says how many) and, unless told otherwise, has no network
    (`ckpld.store.sandbox`); ckpld's own queries, without one, run in this process.
    """

    def __init__(
        self, base_iri: str, quads: Iterable[ox.Quad] = (), pool: Pool = DEFAULT_POOL
    ) -> None:
        self._base_iri = base_iri
        self._default_graphs: Graphs = ()
        self._merged: Graphs = ()  # the graphs merged in the store's default graph
        self._store = ox.Store()
        self._store.extend(q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph))
        self._runner = QueryRunner(self._execute, pool)

    @property
    def default_graphs(self) -> Graphs:
        """See `ckpld.store.Store.default_graphs`; setting them merges them (see the class)."""
        return self._default_graphs

    @default_graphs.setter
    def default_graphs(self, graphs: Sequence[str]) -> None:
        self._default_graphs = tuple(graphs)
        self._merge()

    def _merge(self) -> None:
        """Make the store's default graph the union of `default_graphs` (empty when none).

        This process's query processes are stopped: forked before, they hold the store as it
        was; the next query starts one that holds the merge."""
        self._runner.close()
        store = self._store
        store.clear_graph(ox.DefaultGraph())
        self._merged = ()
        if self._default_graphs:
            store.update(merging(self._default_graphs))
            self._merged = self._default_graphs

    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Add statements to their named graphs (used at startup, before the store is served);
        statements in no named graph are not kept (the default graph is the merge)."""
        kept = [q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)]
        self._runner.close()  # forked before, they would not hold these (see `_merge`)
        self._store.extend(kept)
        merged = set(self._merged)
        self._store.extend(
            ox.Quad(q.subject, q.predicate, q.object)
            for q in kept
            if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in merged
        )

    def load(self, files: Sequence[SourceFile]) -> None:
        """Parse data files into their named graphs (at startup, before the store is served).

        Raises:
            SourceError, DataSyntaxError: see `ckpld.model.sources.load_into`.
        """
        load_into(self._store, files, self._base_iri)
        if self._merged:
            self._merge()

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        timeout: float | None = None,
        limit: int | None = None,
        write: Write | None = None,
        reading: QueryText | None = None,
    ) -> QueryResult:
        """Run a read-only query; see `ckpld.store.Store.query`."""
        request: Request = (
            sparql,
            tuple(default_graphs),
            tuple(named_graphs),
            limit,
            write,
            reading,
            self.default_graphs,  # in the request: a query process may have started before
        )
        if timeout is None:
            return self._execute(request)
        if self._runner.supervised:
            reading = reading or read(sparql, self._base_iri)
        services = reading.services if reading is not None else ()
        result: QueryResult = self._runner.run(request, timeout, services)
        return result

    def dump(self, graph: str) -> bytes:
        """One graph as N-Triples; see `ckpld.store.Store.dump`."""
        data = self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
        assert data is not None
        return data

    def warm(self) -> None:
        """Start this process's query processes (see `ckpld.store.Store.warm`)."""
        self._runner.warm()

    def rest(self) -> None:
        """See `ckpld.store.Store.rest`."""
        self._runner.close()

    def close(self) -> None:
        """Stop the query process, if one was started."""
        self._runner.close()

    def _execute(self, request: Request) -> QueryResult:
        sparql, default_graphs, named_graphs, limit, write, reading, data = request
        # The default graph is the union of the data graphs (of all graphs if none are set),
        # unless the protocol's parameters or the query's FROM / FROM NAMED name a dataset: then
        # exactly that one. GRAPH ranges over every graph.
        reading = reading or read(sparql, self._base_iri)
        named_dataset = bool(default_graphs or named_graphs) or reading.dataset
        # The data's graphs: the merge when this process's store holds it, else their union.
        merged = not named_dataset and bool(data) and data == self._merged
        if not named_dataset and data and not merged:
            default_graphs = data
        try:
            answer = self._store.query(
                sparql,
                base_iri=self._base_iri,
                use_default_graph_as_union=not named_dataset and not data,
                default_graph=[ox.NamedNode(g) for g in default_graphs] or None,
                named_graphs=[ox.NamedNode(g) for g in named_graphs] or None,
            )
            result = query_result(answer, limit)
        except SyntaxError as err:
            raise BadQueryError(f"SPARQL syntax {err}") from err
        except (OSError, ValueError, RuntimeError) as err:  # RuntimeError: an unknown function
            if reading.services:  # what a remote endpoint answered is not passed on
                raise BadQueryError("the query cannot be run: a SERVICE call failed") from err
            raise BadQueryError(f"the query cannot be run: {err}") from err
        return written(result, write)


def merging(graphs: Sequence[str]) -> str:
    """The SPARQL update that adds the statements of `graphs` to the default graph."""
    listed = " ".join(f"<{g}>" for g in graphs)
    return f"INSERT {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ {listed} }} GRAPH ?g {{ ?s ?p ?o }} }}"


def query_result(
    answer: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, limit: int | None
) -> QueryResult:
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("boolean", boolean=bool(answer))
    stop = None if limit is None else limit + 1
    if isinstance(answer, ox.QuerySolutions):
        names = tuple(v.value for v in answer.variables)
        rows = [tuple(solution[name] for name in names) for solution in islice(answer, stop)]
        cut = limit is not None and len(rows) > limit
        return QueryResult("solutions", variables=names, rows=tuple(rows[:limit]), truncated=cut)
    triples = list(islice(answer, stop))
    cut = limit is not None and len(triples) > limit
    return QueryResult("graph", triples=tuple(triples[:limit]), truncated=cut)
