"""Queries in a killable child process: timeouts stop the work, limits cut and say so."""

from __future__ import annotations

import os
import signal
import time

import pyoxigraph as ox
import pytest

from ckpld.errors import BadQueryError, QueryMemoryError, QueryTimeoutError
from ckpld.store.isolation import QueryRunner
from ckpld.store.local import LocalStore

ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


@pytest.fixture
def store() -> LocalStore:
    quads = [
        ox.Quad(
            ox.NamedNode(f"http://x/{i}"),
            ox.NamedNode("http://x/p"),
            ox.Literal(str(i)),
            ox.NamedNode("http://x/g"),
        )
        for i in range(200)
    ]
    local = LocalStore("http://x/", quads)
    yield local
    local.close()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_answers_come_back_with_a_limit(store: LocalStore) -> None:
    result = store.query("SELECT ?s WHERE { ?s ?p ?o }", timeout=10, limit=50)
    assert len(result.rows) == 50 and result.truncated
    result = store.query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 10", timeout=10, limit=50)
    assert len(result.rows) == 10 and not result.truncated
    graph = store.query("CONSTRUCT WHERE { ?s ?p ?o }", timeout=10, limit=20)
    assert graph.kind == "graph" and len(graph.triples) == 20 and graph.truncated
    assert store.query("ASK { ?s ?p ?o }", timeout=10).boolean is True


def test_a_late_query_is_killed_and_the_next_one_answered(store: LocalStore) -> None:
    store.query("ASK {}", timeout=10)
    child = store._runner._pid
    assert alive(child)
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError, match=r"longer than 0\.5 s"):
        store.query(ENDLESS, timeout=0.5)
    assert time.monotonic() - started < 3
    assert not alive(child)  # the work really stopped
    started = time.monotonic()
    assert store.query("ASK { ?s ?p ?o }", timeout=10).boolean is True
    assert time.monotonic() - started < 2
    assert store._runner._pid != child


def test_query_errors_travel_back(store: LocalStore) -> None:
    with pytest.raises(BadQueryError, match="SPARQL syntax error at 1:"):
        store.query("SELECT * WHERE {", timeout=10)
    assert store.query("ASK {}", timeout=10).boolean is True  # the child still serves


def test_a_process_never_uses_a_child_it_did_not_start() -> None:
    runner = QueryRunner(lambda request: ("answered by", os.getppid(), request))
    first = runner.run("a", 10)
    assert first == ("answered by", os.getpid(), "a")
    pid = os.fork()
    if pid == 0:  # a forked worker: must start its own child, not talk to its parent's
        answer = runner.run("b", 10)
        os._exit(0 if answer == ("answered by", os.getpid(), "b") else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    runner.close()


def test_own_queries_run_in_process(store: LocalStore) -> None:
    store.query("ASK {}")
    assert store._runner._pid == 0  # no child was needed


def doubled(times: int, select: str = "(STRLEN(?v{n}) AS ?n)") -> str:
    """A query making the string 'ab' doubled `times` times (2 ** (times + 1) characters)."""
    binds = " ".join(f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(times))
    return f"SELECT {select.format(n=times)} WHERE {{ BIND('ab' AS ?v0) {binds} }}"


def test_a_query_wanting_too_much_memory_is_stopped(store: LocalStore) -> None:
    # 33 doublings: a 16 GiB string, asked for in 700 characters.
    assert store.query(doubled(20), timeout=60).rows[0][0].value == str(2**21)
    child = store._runner._pid
    with pytest.raises(QueryMemoryError, match="more than 1 GiB of memory"):
        store.query(doubled(33), timeout=60)
    assert not alive(child)
    assert store.query("ASK { ?s ?p ?o }", timeout=10).boolean is True  # a new child


def test_an_answer_too_large_to_hand_over_is_refused(store: LocalStore) -> None:
    with pytest.raises(QueryMemoryError, match="the answer is 128 MiB, more than the 64 MiB"):
        store.query(doubled(26, "?v{n}"), timeout=60)
    assert store.query("ASK { ?s ?p ?o }", timeout=10).boolean is True


@pytest.mark.parametrize(
    "query",
    ["ASK " + "{" * 5000 + "}" * 5000, "ASK { FILTER(" + "!" * 20000 + "true) }"],
    ids=["groups", "negations"],
)
def test_a_query_that_crashes_the_engine_is_a_bad_query(store: LocalStore, query: str) -> None:
    # The engine's stack overflows (SIGSEGV): the query process dies, the worker does not.
    store.query("ASK {}", timeout=10)
    child = store._runner._pid
    with pytest.raises(BadQueryError, match=r"crashed on this query \(SIGSEGV\).*too deeply"):
        store.query(query, timeout=10)
    assert not alive(child)
    assert store.query("ASK { ?s ?p ?o }", timeout=10).boolean is True


def test_a_child_killed_between_queries_is_replaced(store: LocalStore) -> None:
    store.query("ASK {}", timeout=10)
    child = store._runner._pid
    os.kill(child, signal.SIGKILL)  # the kernel's OOM killer, an operator
    time.sleep(0.1)
    assert store.query("ASK { ?s ?p ?o }", timeout=10).boolean is True
    assert store._runner._pid != child
