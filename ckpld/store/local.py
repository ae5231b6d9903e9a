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

    Queries with a timeout run in a child process that is killed when they are late (see
    `ckpld.store.isolation`; `pool` says how many) and, unless told otherwise, has no network
    (`ckpld.store.sandbox`); ckpld's own queries, without one, run in this process.
    """

    def __init__(
        self, base_iri: str, quads: Iterable[ox.Quad] = (), pool: Pool = DEFAULT_POOL
    ) -> None:
        self._base_iri = base_iri
        self.default_graphs: tuple[str, ...] = ()
        self._store = ox.Store()
        self._store.extend(quads)
        self._runner = QueryRunner(self._execute, pool)

    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Add statements (used at startup, before the store is served)."""
        self._store.extend(quads)

    def load(self, files: Sequence[SourceFile]) -> None:
        """Parse data files into their named graphs (at startup, before the store is served).

        Raises:
            SourceError, DataSyntaxError: see `ckpld.model.sources.load_into`.
        """
        load_into(self._store, files, self._base_iri)

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
        if not named_dataset and data:
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
