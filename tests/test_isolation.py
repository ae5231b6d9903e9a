"""Queries in a killable child process: timeouts stop the work, limits cut and say so."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from ckpld.errors import (
    BadQueryError,
    BusyError,
    NotAcceptableError,
    QueryMemoryError,
    QueryTimeoutError,
)
from ckpld.store.isolation import Pool, QueryRunner
from ckpld.store.local import LocalStore
from tests.terms import value_of

ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


@pytest.fixture
def store() -> Iterator[LocalStore]:
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
    """Whether `pid` runs now: a killed child waiting to be reaped (a zombie) does not."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def stopped(pid: int) -> bool:
    """Whether `pid` stops running within 5 s (a killed process takes a moment)."""
    deadline = time.monotonic() + 5
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not alive(pid)


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
    [child] = store._runner.pids()
    assert alive(child)
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError, match=r"longer than 0\.5 s"):
        store.query(ENDLESS, timeout=0.5)
    assert time.monotonic() - started < 3
    assert stopped(child)  # the work really stopped
    started = time.monotonic()
    assert store.query("ASK { ?s ?p ?o }", timeout=10).boolean is True
    assert time.monotonic() - started < 2
    assert store._runner.pids() != [child]


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
    assert store._runner.pids() == []  # no child was needed


def doubled(times: int, select: str = "(STRLEN(?v{n}) AS ?n)") -> str:
    """A query making the string 'ab' doubled `times` times (2 ** (times + 1) characters)."""
    binds = " ".join(f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(times))
    return f"SELECT {select.format(n=times)} WHERE {{ BIND('ab' AS ?v0) {binds} }}"


def test_a_query_wanting_too_much_memory_is_stopped(store: LocalStore) -> None:
    # 33 doublings: a 16 GiB string, asked for in 700 characters.
    assert value_of(store.query(doubled(20), timeout=60).rows[0][0]) == str(2**21)
    [child] = store._runner.pids()
    with pytest.raises(QueryMemoryError, match="more than 1 GiB of memory"):
        store.query(doubled(33), timeout=60)
    assert stopped(child)
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
    [child] = store._runner.pids()
    with pytest.raises(BadQueryError, match=r"crashed on this query \(SIGSEGV\).*too deeply"):
        store.query(query, timeout=10)
    assert stopped(child)
    assert store.query("ASK { ?s ?p ?o }", timeout=10).boolean is True


def test_a_child_killed_between_queries_is_replaced(store: LocalStore) -> None:
    store.query("ASK {}", timeout=10)
    [child] = store._runner.pids()
    os.kill(child, signal.SIGKILL)  # the kernel's OOM killer, an operator
    time.sleep(0.1)
    assert store.query("ASK { ?s ?p ?o }", timeout=10).boolean is True
    assert store._runner.pids() != [child]


def slept(seconds: float) -> str:
    time.sleep(seconds)
    return "slept"


def test_a_full_pool_refuses_at_once_and_serves_again_when_free() -> None:
    # One query process and a queue of one: of three slow calls at once, one runs, one waits
    # and one is refused straight away with BusyError (503 + Retry-After over HTTP).
    runner = QueryRunner(slept, Pool(size=1, queue=1))
    # Started from this thread: a child dies with the thread that forked it (PR_SET_PDEATHSIG),
    # and a server's workers fork from their one thread (gevent's greenlets share it).
    assert runner.run(0, 5) == "slept"
    outcomes: list[object] = []

    def call() -> None:
        try:
            outcomes.append(runner.run(0.6, 5))
        except BusyError as err:
            outcomes.append(err)

    threads = [threading.Thread(target=call) for _ in range(3)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
        time.sleep(0.05)
    threads[2].join()
    assert isinstance(outcomes[0], BusyError)  # the third: refused before the others end
    assert time.monotonic() - started < 0.5
    assert outcomes[0].retry_after == 5
    for thread in threads:
        thread.join()
    assert outcomes[1:] == ["slept", "slept"]
    assert runner.run(0, 5) == "slept"  # free again
    runner.close()


def test_a_caller_that_waits_too_long_for_a_process_is_refused() -> None:
    runner = QueryRunner(slept, Pool(size=1, queue=3))
    runner.run(0, 5)
    first = threading.Thread(target=runner.run, args=(1.5, 5))
    first.start()
    time.sleep(0.1)
    with pytest.raises(BusyError):
        runner.run(0, 0.3)  # no process comes free within its own timeout
    first.join()
    runner.close()


def test_errors_of_ckpld_raised_in_the_child_arrive_as_themselves() -> None:
    def refuse(_: object) -> None:
        raise NotAcceptableError("not in this format")

    runner = QueryRunner(refuse)
    with pytest.raises(NotAcceptableError, match="not in this format"):
        runner.run(None, 5)
    runner.close()


def test_every_query_process_draws_its_own_random_values(store: LocalStore) -> None:
    # The engine's generator is per thread and seeded once; the parent's is in use here, so a
    # process forked from it would draw the very same values unless it seeds its own.
    uuid = "SELECT (STRUUID() AS ?u) (RAND() AS ?r) {}"
    store.query(uuid)  # in this process: its generator is seeded now
    drawn = []
    children = set()
    for _ in range(3):
        drawn.append(store.query(uuid, timeout=10).rows[0])
        children.update(store._runner.pids())
        store._runner.close()  # the next query gets a new process, forked anew
    assert len(children) == 3
    assert len({row[0] for row in drawn}) == 3 and len({row[1] for row in drawn}) == 3


def test_warming_starts_every_query_process_before_the_first_query() -> None:
    runner = QueryRunner(slept, Pool(size=2, queue=1))
    assert runner.pids() == []
    runner.warm()
    started = runner.pids()
    assert len(started) == 2 and all(alive(pid) for pid in started)
    runner.warm()  # already warm: nothing more is started
    assert sorted(runner.pids()) == sorted(started)
    assert runner.run(0, 5) == "slept"  # the first query is answered by a warmed process
    assert set(runner.pids()) == set(started)
    runner.close()
    assert all(stopped(pid) for pid in started)
