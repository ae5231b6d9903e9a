"""The embedded store: pyoxigraph in memory, holding the dataset's named graphs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyoxigraph as ox

from ckpld.errors import BadQueryError
from ckpld.store import QueryResult


class LocalStore:
    """A pyoxigraph store; the default graph of a query is the union of all named graphs."""

    def __init__(self, base_iri: str, quads: Iterable[ox.Quad] = ()) -> None:
        self._base_iri = base_iri
        self._store = ox.Store()
        self._store.extend(quads)

    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Add statements (used at startup, before the store is served)."""
        self._store.extend(quads)

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
    ) -> QueryResult:
        """Run a read-only query; see `ckpld.store.Store.query`."""
        try:
            answer = self._store.query(
                sparql,
                base_iri=self._base_iri,
                use_default_graph_as_union=not default_graphs,
                default_graph=[ox.NamedNode(g) for g in default_graphs] or None,
                named_graphs=[ox.NamedNode(g) for g in named_graphs] or None,
            )
        except SyntaxError as err:
            raise BadQueryError(f"SPARQL syntax {err}") from err
        except (OSError, ValueError) as err:
            raise BadQueryError(f"the query cannot be run: {err}") from err
        return _result(answer)

    def close(self) -> None:
        """Nothing to release for an in-memory store."""


def _result(answer: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> QueryResult:
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("boolean", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        names = tuple(v.value for v in answer.variables)
        rows = tuple(tuple(solution[name] for name in names) for solution in answer)
        return QueryResult("solutions", variables=names, rows=rows)
    return QueryResult("graph", triples=tuple(answer))
