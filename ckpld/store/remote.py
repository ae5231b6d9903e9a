"""A remote store: any SPARQL 1.1 endpoint (Virtuoso, GraphDB, Fuseki, QLever, Oxigraph server).

ckpld sends it read-only queries over the SPARQL 1.1 Protocol and reads the answers with
pyoxigraph, so the rest of ckpld sees the same `QueryResult` as from the embedded store. The
endpoint may hold other data (Virtuoso keeps its own system graphs): unless a query names its
dataset, its default graph is the union of the dataset's graphs and `GRAPH` ranges over them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from itertools import islice
from typing import Any

import pyoxigraph as ox
import requests

from ckpld.errors import BadQueryError, QueryMemoryError, QueryTimeoutError, UpstreamError
from ckpld.store import ANSWER_BYTES, QueryResult, Write, written
from ckpld.store.isolation import DEFAULT_POOL, Pool, QueryRunner
from ckpld.store.query_text import QueryText, read

RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
CONNECT_TIMEOUT = 5.0
ANYTIME = "S1TAT"  # Virtuoso: the answer is partial, cut by the server's time limit
TIMED_OUT = "S1T00"  # Virtuoso: the query was stopped by the server's time limit
INTERNAL_TIMEOUT = 600.0  # ckpld's own queries (statistics, dumps) may take long on big data
_Request = tuple[bytes, bool, int | None, Write | None]  # answer, is a graph, limit, writer


class RemoteStore:
    """The SPARQL endpoint at `endpoint`, holding the dataset's named graphs `graphs`."""

    def __init__(
        self, endpoint: str, base_iri: str, graphs: Sequence[str] = (), pool: Pool = DEFAULT_POOL
    ) -> None:
        self.endpoint = endpoint
        self._base_iri = base_iri
        self.graphs = tuple(graphs)
        self.default_graphs: tuple[str, ...] = ()
        self._sessions: dict[int, requests.Session] = {}
        self._syntax = ox.Store()  # empty: parses queries, so errors read alike on every store
        # The store is asked from here (under gevent, waiting costs a greenlet, not a worker);
        # its answer is read and written in a query process, so that a large answer is bound
        # by the query's deadline and memory limit.
        self._runner = QueryRunner(_answer, pool)

    def _session(self) -> requests.Session:
        """One HTTP session per process: gunicorn's workers must not share the master's sockets."""
        pid = os.getpid()
        if pid not in self._sessions:
            session = requests.Session()
            session.headers["User-Agent"] = "ckpld"
            self._sessions = {pid: session}  # a forked child drops its parent's
        return self._sessions[pid]

    def _dataset(
        self, reading: QueryText, default_graphs: Sequence[str], named_graphs: Sequence[str]
    ) -> tuple[list[str], list[str]]:
        """The dataset to send: what the client named (protocol parameters, else FROM and FROM
        NAMED), kept within the dataset's graphs; otherwise the union of `default_graphs` (of
        all the dataset's graphs while that is empty), and GRAPH over all of them. Always
        explicit, because engines differ on what an unnamed part means (Virtuoso lets GRAPH
        range over all its graphs, system graphs included, when a query has FROM only)."""
        if not (default_graphs or named_graphs or reading.dataset):
            return list(self.default_graphs or self.graphs), list(self.graphs)
        if not (default_graphs or named_graphs):
            default_graphs = [g for g in reading.default_graphs if g]
            named_graphs = [g for g in reading.named_graphs if g]
        ours = set(self.graphs)
        chosen = [g for g in default_graphs if g in ours], [g for g in named_graphs if g in ours]
        return chosen[0] or [self._nothing()], chosen[1] or [self._nothing()]

    def _nothing(self) -> str:
        """A graph IRI nothing is in: how to say "an empty graph" to any engine."""
        return self._base_iri + "graph/.empty"

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
        """Run a read-only query; see `ckpld.store.Store.query`.

        Raises:
            BadQueryError: the endpoint refused the query (400).
            QueryTimeoutError: no answer within `timeout` seconds (the endpoint may still be
                working on it: set its own execution limit too).
            UpstreamError: the endpoint cannot be reached or failed.
        """
        reading = reading or read(sparql, self._base_iri)
        body, graph_form = self._fetch(sparql, reading, default_graphs, named_graphs, timeout)
        request: _Request = (body, graph_form, limit, write)
        if timeout is None:
            return _answer(request)
        result: QueryResult = self._runner.run(request, timeout)
        return result

    def _fetch(
        self,
        sparql: str,
        reading: QueryText,
        default_graphs: Sequence[str],
        named_graphs: Sequence[str],
        timeout: float | None,
    ) -> tuple[bytes, bool]:
        """The store's answer (N-Triples or SPARQL results JSON), and whether it is a graph."""
        if not reading.services:  # (an empty store would still call a SERVICE)
            try:
                self._syntax.query(sparql, base_iri=self._base_iri)
            except SyntaxError as err:
                raise BadQueryError(f"SPARQL syntax {err}") from err
            except (OSError, ValueError, RuntimeError):
                pass  # it parses; running it on nothing is not the point
        defaults, named = self._dataset(reading, default_graphs, named_graphs)
        graph_form = reading.form in ("CONSTRUCT", "DESCRIBE")
        # The server's base for relative IRIs, unless the query declares its own (some engines,
        # Virtuoso among them, refuse a second BASE).
        text = sparql if reading.based else f"BASE <{self._base_iri}>\n{sparql}"
        fields = [("query", text)]
        fields += [("default-graph-uri", g) for g in defaults]
        fields += [("named-graph-uri", g) for g in named]
        try:
            response = self._session().post(
                self.endpoint,
                data=fields,
                headers={"Accept": N_TRIPLES if graph_form else RESULTS_JSON},
                timeout=(CONNECT_TIMEOUT, timeout or INTERNAL_TIMEOUT),
                stream=True,
            )
            body = _read_at_most(response, None if timeout is None else ANSWER_BYTES)
        except requests.Timeout as err:
            raise QueryTimeoutError(
                f"the store did not answer within {timeout} s; simplify the query or add LIMIT"
            ) from err
        except requests.RequestException as err:
            raise UpstreamError(f"the store at {self.endpoint} cannot be reached") from err
        text = body[:4096].decode("utf-8", errors="replace")
        if response.status_code == 400:
            first = text.strip().splitlines()[:3]
            raise BadQueryError("the store refused the query: " + " ".join(first)[:500])
        if response.status_code != 200:
            if TIMED_OUT in text[:200]:
                raise QueryTimeoutError(
                    "the store stopped the query at its own time limit; simplify it or add LIMIT"
                )
            raise UpstreamError(f"the store at {self.endpoint} answered {response.status_code}")
        if response.headers.get("X-SQL-State") == ANYTIME:
            raise QueryTimeoutError(
                "the store stopped the query at its own time limit; simplify it or add LIMIT"
            )
        return body, graph_form

    def dump(self, graph: str) -> bytes:
        """One graph as N-Triples; see `ckpld.store.Store.dump`."""
        answer = self.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}"
        )
        written = ox.serialize(answer.triples, format=ox.RdfFormat.N_TRIPLES)
        assert written is not None
        return written

    def warm(self) -> None:
        """Start this process's query processes, which read the store's answers (see
        `ckpld.store.Store.warm`)."""
        self._runner.warm()

    def rest(self) -> None:
        """See `ckpld.store.Store.rest`."""
        self._runner.close()

    def close(self) -> None:
        """Close the HTTP connections and stop the query processes."""
        for session in self._sessions.values():
            session.close()
        self._runner.close()


def _read_at_most(response: requests.Response, most: int | None) -> bytes:
    """The body of `response`; QueryMemoryError beyond `most` bytes (None: no bound)."""
    chunks, size = [], 0
    with response:
        for chunk in response.iter_content(1 << 16):
            size += len(chunk)
            if most is not None and size > most:
                raise QueryMemoryError(
                    f"the store's answer is larger than the {most >> 20} MiB this server "
                    "reads; ask for less (LIMIT, fewer or shorter values)"
                )
            chunks.append(chunk)
    return b"".join(chunks)


def _answer(request: _Request) -> QueryResult:
    """The store's answer read, cut at the limit and written (in a query process)."""
    body, graph_form, limit, write = request
    return written(_result(body, graph_form, limit), write)


def _result(body: bytes, graph_form: bool, limit: int | None) -> QueryResult:
    stop = None if limit is None else limit + 1
    try:
        if graph_form:
            quads = list(islice(ox.parse(body, format=ox.RdfFormat.N_TRIPLES), stop))
            triples = [ox.Triple(q.subject, q.predicate, _canonical(q.object)) for q in quads]
            cut = limit is not None and len(triples) > limit
            return QueryResult("graph", triples=tuple(triples[:limit]), truncated=cut)
        answer = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    except (SyntaxError, ValueError) as err:
        raise UpstreamError(f"the store's answer does not parse: {err}") from err
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("boolean", boolean=bool(answer))
    assert isinstance(answer, ox.QuerySolutions)
    names = tuple(v.value for v in answer.variables)
    rows = [
        tuple(_canonical(solution[name]) for name in names) for solution in islice(answer, stop)
    ]
    cut = limit is not None and len(rows) > limit
    return QueryResult("solutions", variables=names, rows=tuple(rows[:limit]), truncated=cut)


_BOOLEAN = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
_BOOLEANS = {"1": "true", "0": "false"}


def _canonical(term: Any) -> Any:
    """A stored boolean in its canonical form: Virtuoso keeps `true` as 1 and answers
    "1"^^xsd:boolean, the same value written otherwise; the published data and the dumps say
    "true", and so does the store's answer, read here."""
    if isinstance(term, ox.Literal) and term.datatype == _BOOLEAN and term.value in _BOOLEANS:
        return ox.Literal(_BOOLEANS[term.value], datatype=_BOOLEAN)
    return term
