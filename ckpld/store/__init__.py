"""The store seam: a `Store` protocol whose queries all return one `QueryResult` type."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

import pyoxigraph as ox

from ckpld.errors import QueryMemoryError
from ckpld.store.query_text import QueryText

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@dataclass(frozen=True)
class QueryResult:
    """The answer to any SPARQL query, whichever store gave it.

    Attributes:
        kind: 'solutions' (SELECT), 'boolean' (ASK) or 'graph' (CONSTRUCT, DESCRIBE).
        variables: Projected variable names, for solutions.
        rows: One tuple per solution, a term or None (unbound) per variable.
        boolean: The ASK answer.
        triples: The CONSTRUCT or DESCRIBE graph.
        truncated: True when rows or triples beyond the limit were left out.
        body: The answer written by the query's `write` (rows and triples are then left out).
    """

    kind: Literal["solutions", "boolean", "graph"]
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Term | None, ...], ...] = ()
    boolean: bool | None = None
    triples: tuple[ox.Triple, ...] = ()
    truncated: bool = False
    body: bytes | None = None


Write = Callable[[QueryResult], bytes]
ANSWER_BYTES = 64 << 20  # the largest answer a client is sent (in its values, or written)


def written(result: QueryResult, write: Write | None) -> QueryResult:
    """`result` with its body written by `write` instead of its rows and triples (unchanged
    when there is no `write`).

    Raises:
        QueryMemoryError: the answer's values alone take more than ANSWER_BYTES.
    """
    if write is None:
        return result
    size = sum(_weight(term) for row in result.rows for term in row)
    size += sum(
        _weight(t.subject) + _weight(t.predicate) + _weight(t.object) for t in result.triples
    )
    if size > ANSWER_BYTES:
        raise QueryMemoryError(
            f"the answer is {size >> 20} MiB, more than the {ANSWER_BYTES >> 20} MiB this server "
            "sends; ask for less (LIMIT, fewer or shorter values)"
        )
    return QueryResult(
        result.kind,
        result.variables,
        boolean=result.boolean,
        truncated=result.truncated,
        body=write(result),
    )


def _weight(term: Term | None) -> int:
    """About how many bytes a term takes written out (its value's characters)."""
    if term is None:
        return 0
    if isinstance(term, ox.Triple):
        return _weight(term.subject) + _weight(term.predicate) + _weight(term.object)
    return len(term.value)


class Store(Protocol):
    """What the rest of ckpld needs from a triple store."""

    @property
    def default_graphs(self) -> tuple[str, ...]:
        """The graphs whose union is a query's default graph when it names no dataset of its
        own (empty: every graph). ckpld sets the dataset's data graphs: its VoID description
        and DCAT catalogue are named graphs only, so that counting the default graph counts
        the dataset."""
        ...

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
        """Run a read-only SPARQL query.

        Args:
            sparql: The query; relative IRIs resolve against the base IRI.
            default_graphs: Graphs whose union is the default graph (if empty: the store's
                `default_graphs`, or all graphs).
            named_graphs: Graphs available to GRAPH (all graphs if empty).
            timeout: Seconds after which the query is stopped (None: no limit, for ckpld's own
                queries).
            limit: Most rows or triples to return; more sets `truncated`.
            write: Writes the answer's body where the query ran, under the same deadline (a
                picklable callable, such as `ckpld.store.writing.Writer`).
            reading: `ckpld.store.query_text.read(sparql, base IRI)`, when the caller has it
                already (the text is then not read again).

        Raises:
            BadQueryError: the query does not parse or cannot be run.
            QueryTimeoutError: the query ran out of time.
            BusyError: every query process is busy and the queue in front of them is full.
            NotAcceptableError: `write` cannot write this answer.
        """
        ...

    def dump(self, graph: str) -> bytes:
        """The statements of the named graph `graph`, as N-Triples (in no set order).

        Raises:
            UpstreamError: a remote store cannot be read.
        """
        ...

    def warm(self) -> None:
        """Start what answering queries needs (the query processes) in this process now, not
        at the first query."""
        ...

    def rest(self) -> None:
        """Stop this process's query processes; they start again when a query needs them (a
        process that forks workers ends its own before it forks)."""
        ...

    def close(self) -> None:
        """Release the store's resources."""
        ...
