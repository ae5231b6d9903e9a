"""One contract for every store: the embedded Oxigraph (in memory and on disk) and two real
remote stores, Virtuoso and the Oxigraph server.

Each holds what ckpld publishes (data, vocabulary, VoID, catalogue); the remote ones were filled
by `ckpld load` (Virtuoso over SPARQL Update, the Oxigraph server over the Graph Store Protocol).
Whatever the backend, the same query gives the same `QueryResult`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest

from ckpld.config import Settings
from ckpld.errors import BadQueryError, QueryTimeoutError, UpstreamError
from ckpld.model.sources import SourceFile
from ckpld.publish.publication import Publication, publish
from ckpld.publish.void import read_void
from ckpld.rdf.formats import named
from ckpld.store import QueryResult, Store, Term
from ckpld.store.disk import DiskStore
from ckpld.store.local import LocalStore
from ckpld.store.remote import RemoteStore
from tests.conftest import ROOT
from tests.oxigraph_server import OxigraphServer
from tests.terms import value_of
from tests.virtuoso import Virtuoso, as_virtuoso_answers

COOKBOOK = sorted((ROOT / "queries").glob("*.rq"))


@pytest.fixture(scope="module")
def local(settings: Settings) -> Publication:
    pub = publish(settings)
    pub.release()
    return pub


def _remote(endpoint: str, settings: Settings) -> RemoteStore:
    """A remote store at `endpoint`, set up as a publication sets it up."""
    store = RemoteStore(endpoint, settings.base_iri)
    found = read_void(store, settings)
    store.graphs = found.graphs
    store.default_graphs = tuple(found.statistics.graphs)
    return store


@pytest.fixture(scope="module")
def remote(virtuoso: Virtuoso, settings: Settings) -> Iterator[RemoteStore]:
    store = _remote(virtuoso.endpoint, settings)
    yield store
    store.close()


@pytest.fixture(scope="module")
def oxigraph_remote(oxigraph: OxigraphServer, settings: Settings) -> Iterator[RemoteStore]:
    store = _remote(oxigraph.endpoint, settings)
    yield store
    store.close()


REMOTES = [
    pytest.param("remote", marks=pytest.mark.external),
    pytest.param("oxigraph_remote", marks=pytest.mark.external),
]


@pytest.fixture(params=REMOTES)
def any_remote(request: pytest.FixtureRequest) -> RemoteStore:
    """Each real remote store."""
    found: RemoteStore = request.getfixturevalue(request.param)
    return found


@pytest.fixture(scope="module")
def disk(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Publication:
    folder = tmp_path_factory.mktemp("disk")
    pub = publish(replace(settings, store="disk", store_path=folder / "store"))
    pub.release()
    return pub


@pytest.fixture(params=["local", "disk", *REMOTES])
def store(request: pytest.FixtureRequest) -> Store:
    if request.param in ("local", "disk"):
        found: Store = request.getfixturevalue(request.param).store
    else:
        found = request.getfixturevalue(request.param)
    return found


def _term(term: Term | None) -> str:
    return str(as_virtuoso_answers(term))  # the one known deviation; nothing else may differ


def canonical(result: QueryResult) -> object:
    """A result in a form that does not depend on the engine's order for ties."""
    if result.kind == "solutions":
        rows = sorted(" ".join(_term(t) for t in row) for row in result.rows)
        return (result.variables, rows, result.truncated)
    if result.kind == "boolean":
        return result.boolean
    return sorted(str(t) for t in result.triples)


@pytest.fixture(params=["disk", *REMOTES])
def other(request: pytest.FixtureRequest) -> Store:
    """Each store that is not the reference (the embedded one in memory)."""
    if request.param == "disk":
        found: Store = request.getfixturevalue("disk").store
    else:
        found = request.getfixturevalue(request.param)
    return found


@pytest.mark.parametrize("path", COOKBOOK, ids=lambda p: p.stem)
def test_the_cookbook_gives_the_same_answers_on_every_store(
    local: Publication, other: Store, path: Path
) -> None:
    text = path.read_text(encoding="utf-8")
    expected = local.store.query(text)
    got = other.query(text)
    assert got.kind == expected.kind
    assert canonical(got) == canonical(expected)
    assert len(got.rows) + len(got.triples) > 0 or got.kind == "boolean"


def test_default_graph_is_the_datasets_union(store: Store, local: Publication) -> None:
    # Virtuoso keeps system graphs of its own: they must not show through.
    answer = store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }")
    assert int(value_of(answer.rows[0][0])) == local.queryable.triples
    graphs = store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert {value_of(row[0]) for row in graphs.rows} == set(local.queryable.graphs)


def test_dump_is_every_statement_of_the_dataset(store: Store, local: Publication) -> None:
    def statements(store: Store) -> list[str]:
        quads = [
            (t, graph)
            for graph in local.queryable.graphs
            for t in ox.parse(store.dump(graph), format=ox.RdfFormat.N_TRIPLES)
        ]
        return sorted(
            f"{q.subject} {q.predicate} {_term(q.object)} <{graph}>".replace(
                "#nonNegativeInteger>",
                "#integer>",  # Oxigraph's own (oxigraph/oxigraph#526)
            )
            for q, graph in quads
        )

    dumped = statements(store)
    assert len(dumped) == len(set(dumped)) == sum(local.queryable.graphs.values())
    assert dumped == statements(local.store)  # the same on every store


def test_protocol_dataset_parameters(store: Store, settings: Settings) -> None:
    page = settings.graph_iri("page")
    only_page = store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graphs=[page], named_graphs=[page]
    )
    in_page = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{page}> {{ ?s ?p ?o }} }}")
    assert only_page.rows == in_page.rows
    assert int(value_of(only_page.rows[0][0])) > 500


def test_forms_limits_and_relative_iris(store: Store, settings: Settings) -> None:
    ask = store.query("ASK { <id/organization/encc> ?p ?o }")
    assert ask.kind == "boolean" and ask.boolean is True
    assert store.query("ASK { <id/organization/nobody> ?p ?o }").boolean is False
    graph = store.query(
        "CONSTRUCT { <id/organization/encc> ?p ?o } WHERE { <id/organization/encc> ?p ?o }"
    )
    assert graph.kind == "graph" and graph.triples
    assert all(
        t.subject == ox.NamedNode(settings.base_iri + "id/organization/encc") for t in graph.triples
    )
    cut = store.query("SELECT ?s WHERE { ?s ?p ?o }", limit=5)
    assert len(cut.rows) == 5 and cut.truncated
    whole = store.query("SELECT ?s WHERE { ?s a <https://schema.org/Country> }", limit=1000)
    assert not whole.truncated and len(whole.rows) == 8


def test_bad_queries_are_the_clients_fault(store: Store) -> None:
    with pytest.raises(BadQueryError):
        store.query("SELECT * WHERE {")


def test_slow_queries_are_stopped(store: Store) -> None:
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    with pytest.raises(QueryTimeoutError):
        store.query(heavy, timeout=0.5)


def test_an_unreachable_store_is_a_clear_error(settings: Settings) -> None:
    from tests.e2e.conftest import free_port

    gone = RemoteStore(f"http://127.0.0.1:{free_port()}/sparql", settings.base_iri)
    with pytest.raises(UpstreamError, match="cannot be reached"):
        gone.query("ASK {}")


def test_a_store_without_the_dataset_is_a_clear_error(
    any_remote: RemoteStore, settings: Settings
) -> None:
    other = replace(settings, dataset_id="something-else")
    with pytest.raises(UpstreamError, match="holds no ckpld dataset"):
        read_void(any_remote, other)


def test_loading_by_update_or_by_graph_store_fills_the_same_graphs(
    oxigraph: OxigraphServer,
    oxigraph_remote: RemoteStore,
    settings: Settings,
    tmp_path: Path,
) -> None:
    # `ckpld load --protocol update` into a second, empty Oxigraph server gives every graph the
    # statements `--protocol gsp` gave the first; loading again replaces, never adds.
    second = OxigraphServer()
    try:
        second.wait_until_ready()
        env = {"CKPLD_CACHE_DIR": str(tmp_path / "cache")}
        said = second.load(env, "update")
        assert said.startswith("ckpld: loaded ") and "in 5 graphs" in said
        second.load(env, "update")
        by_update = _remote(second.endpoint, settings)
        try:
            graphs = sorted(oxigraph_remote.graphs)
            assert sorted(by_update.graphs) == graphs and len(graphs) >= 4
            for graph in graphs:
                mine = set(ox.parse(by_update.dump(graph), format=ox.RdfFormat.N_TRIPLES))
                theirs = set(ox.parse(oxigraph_remote.dump(graph), format=ox.RdfFormat.N_TRIPLES))
                assert mine == theirs and mine, graph
        finally:
            by_update.close()
    finally:
        second.stop()


def test_partial_answers_are_never_passed_on(remote: RemoteStore) -> None:
    # Virtuoso's own limit (3 s in the tests' configuration) cuts a query and sends what it has;
    # ckpld must report a timeout, not a short answer.
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with pytest.raises(QueryTimeoutError):
        remote.query(heavy, timeout=30)


def test_virtuoso_partial_answer_header_is_a_timeout(settings: Settings) -> None:
    # Virtuoso's "anytime" answers (a 200 whose X-SQL-State is S1TAT) are hard to provoke on
    # small data: a loopback server sends one, as Virtuoso documents it.
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Partial(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            body = b'{"head": {"vars": ["n"]}, "results": {"bindings": []}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("X-SQL-State", "S1TAT")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Partial)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        store = RemoteStore(f"http://127.0.0.1:{server.server_port}/sparql", settings.base_iri)
        with pytest.raises(QueryTimeoutError):
            store.query("SELECT ?n WHERE { ?n ?p ?o }")
    finally:
        server.shutdown()
        server.server_close()


def test_a_remote_store_s_booleans_are_read_in_canonical_form() -> None:
    from ckpld.store.remote import _result

    boolean = "<http://www.w3.org/2001/XMLSchema#boolean>"
    graph = _result(f'<http://a> <http://b> "1"^^{boolean} .\n'.encode(), True, None)
    assert graph.triples[0].object == ox.Literal("true", datatype=ox.NamedNode(boolean[1:-1]))
    body = (
        '{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", '
        '"value": "0", "datatype": "http://www.w3.org/2001/XMLSchema#boolean"}}]}}'
    )
    rows = _result(body.encode(), False, None).rows
    assert rows[0][0] == ox.Literal("false", datatype=ox.NamedNode(boolean[1:-1]))


# The embedded stores keep the union of the data's graphs merged in their default graph
# (ckpld.store.local.LocalStore): it must answer exactly as the union did.

_EX = "http://example.org/"
_SHARED = ox.BlankNode("shared")


def _q(s: str | ox.BlankNode, p: str, o: str | ox.Literal | ox.BlankNode, g: str) -> ox.Quad:
    subject = ox.NamedNode(_EX + s) if isinstance(s, str) else s
    value = ox.NamedNode(_EX + o) if isinstance(o, str) else o
    return ox.Quad(subject, ox.NamedNode(_EX + p), value, ox.NamedNode(_EX + g))


_SMALL = [  # two data graphs that share a blank node and a statement, and one about them
    _q("a", "knows", _SHARED, "one"),
    _q(_SHARED, "name", ox.Literal("B"), "two"),
    _q("a", "name", ox.Literal("A"), "one"),
    _q("a", "name", ox.Literal("A"), "two"),
    _q("one", "size", ox.Literal("2"), "about"),
]
_DATA = (_EX + "one", _EX + "two")
_JOIN = f"SELECT ?name WHERE {{ <{_EX}a> <{_EX}knows> ?b . ?b <{_EX}name> ?name }}"
_ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"


@pytest.fixture(params=["memory", "disk"])
def small(request: pytest.FixtureRequest, settings: Settings, tmp_path: Path) -> LocalStore:
    """The two data graphs and the one about them, in an embedded store of each kind."""
    if request.param == "memory":
        return LocalStore(settings.base_iri, _SMALL)
    path = tmp_path / "small.nq"
    path.write_bytes(ox.serialize(_SMALL, format=ox.RdfFormat.N_QUADS) or b"")
    files = [SourceFile(path, named("nquads"), _EX + "one")]
    return DiskStore.prepare(settings.base_iri, tmp_path / "store", files)


def test_the_merged_default_graph_answers_as_the_union(small: LocalStore) -> None:
    small.default_graphs = _DATA
    small.add([])  # the disk store writes its sealed copy, with the merge
    assert _rows(small, _JOIN) == ['"B"']  # joined through a blank node two graphs share
    # Each statement once, nothing of the graph about them (blank nodes read as "_").
    assert _rows(small, _ALL) == sorted(
        " ".join(_shown(t) for t in (q.subject, q.predicate, q.object)) for q in _SMALL[:3]
    )
    # The merge is the default graph only: GRAPH ranges over the named graphs, as before.
    graphs = _rows(small, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert graphs == sorted(f"<{_EX}{g}>" for g in ("about", "one", "two"))
    # The protocol's dataset and FROM still choose their own default graph.
    about = small.query(_ALL, default_graphs=[_EX + "about"])
    assert len(about.rows) == 1
    assert len(small.query(f"SELECT * FROM <{_EX}two> WHERE {{ ?s ?p ?o }}").rows) == 2
    # In a query process too.
    assert _rows(small, _ALL, timeout=10) == _rows(small, _ALL)


def test_the_merge_follows_the_data_graphs_and_what_is_added(small: LocalStore) -> None:
    small.default_graphs = (_EX + "two",)
    small.add([])
    assert _rows(small, _JOIN) == []  # the "knows" statement is in graph one only
    small.default_graphs = _DATA
    late = _q("c", "name", ox.Literal("C"), "two")
    aside = _q("d", "name", ox.Literal("D"), "about")
    loose = ox.Quad(ox.NamedNode(_EX + "e"), ox.NamedNode(_EX + "name"), ox.Literal("E"))
    small.add([late, aside, loose])
    names = _rows(small, f"SELECT ?s WHERE {{ ?s <{_EX}name> ?o }}")
    assert names == sorted([f"<{_EX}a>", "_", f"<{_EX}c>"])
    small.default_graphs = ()  # no data graphs named: every named graph
    assert len(set(_rows(small, _ALL))) == len(_SMALL) - 1 + 2  # "A"; late and aside


def test_no_query_process_older_than_the_merge_answers(settings: Settings) -> None:
    store = LocalStore(settings.base_iri, _SMALL)
    store.warm()  # its query process forks now, before the merge
    try:
        older = store._runner.pids()
        store.default_graphs = _DATA
        assert _rows(store, _JOIN, timeout=10) == ['"B"']
        assert len(_rows(store, _ALL, timeout=10)) == 3  # each statement once: the merge
        store.add([_q("c", "name", ox.Literal("C"), "two")])
        assert len(_rows(store, _ALL, timeout=10)) == 4
        assert older and not set(older) & set(store._runner.pids())
    finally:
        store.close()


def _rows(store: Store, text: str, timeout: float | None = None) -> list[str]:
    return sorted(
        " ".join(_shown(t) for t in row) for row in store.query(text, timeout=timeout).rows
    )


def _shown(term: Term | None) -> str:
    """A term as N-Triples writes it; any blank node as "_" (a parser may name it anew)."""
    return "_" if isinstance(term, ox.BlankNode) else str(term)
