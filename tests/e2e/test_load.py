"""A short load test in `make test`: mixed traffic with runaway queries leaves the server whole.

`bench/load.py` (`make load`) is the long version, which reports latencies in bench/LOAD.md; this
one asserts no speed. For 10 s, after a 4 s warm-up: pages (HTML and RDF documents), cookbook
queries (their pages, their results, POST /sparql), conditional GETs (304), all by wrk, and one
client sending runaway queries back to back. Worker recycling (`max_requests`) is off here, so
that a replaced worker can only mean a dead one, and a worker's memory is the same process's
from start to end.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.load import TIMEOUT, measure
from tests.e2e.conftest import LiveServer

# Saturating tests run one after the other on one xdist worker (`--dist loadgroup`), so that
# neither takes the other's CPU while it checks its time bounds.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("saturating")]

SECONDS = 10
# Resident memory a worker may gain during the load. The warm-up has filled the caches (they are
# bounded by the distinct requests of the mix, the same during the load), so a worker that keeps
# nothing per request does not grow: here it gains under 0.1 MiB while answering about 9,000
# requests alone (bench/LOAD.md: the same over 40 s), about 2,000 when the rest of the suite runs
# beside it. `LEAST_PER_WORKER` is not a speed: it only says the run had enough requests for the
# bound to mean something; with 500 each, 8 MiB is a leak of 16 KiB per request at most, less than
# one kept answer or query result.
GROWTH_MIB = 8
MASTER_GROWTH_MIB = 2  # the master answers nothing: it only watches its workers
LEAST_PER_WORKER = 500


def test_a_short_load_leaves_every_worker_alive_and_no_memory_behind(tmp_path: Path) -> None:
    server = LiveServer(
        "--workers",
        "2",
        env={  # one client address sends it all: no per-client limit here
            "CKPLD_QUERY_TIMEOUT": f"{TIMEOUT:g}",
            "CKPLD_MAX_REQUESTS": "0",
            "CKPLD_SPARQL_RATE_LIMIT": "0",
        },
    )
    try:
        server.wait_until_ready()
        results = measure(server.url, server.process.pid, SECONDS, tmp_path, server.output)
    finally:
        server.stop()
    for name, kind in results["kinds"].items():  # cheap requests: no error at all
        assert kind["requests"] > 0 and kind["errors"] == 0, (name, kind)
    runaway = results["runaway"]  # every runaway query stopped by the timeout, and said so
    assert runaway["requests"] >= 2 and runaway["cut_by_timeout"] == runaway["requests"], runaway
    workers = results["workers_before"]
    assert len(workers) == 2 and results["workers_after"] == workers
    assert results["events"] == {"died": [], "recycled": []}
    cheap = sum(kind["requests"] for kind in results["kinds"].values())
    assert cheap >= LEAST_PER_WORKER * len(workers)  # enough for the memory bound to mean a leak
    before, after = results["memory_before"], results["memory_after"]
    for pid in workers:
        assert after["workers"][pid] - before["workers"][pid] <= GROWTH_MIB, (pid, before, after)
    assert after["master"] - before["master"] <= MASTER_GROWTH_MIB, (before, after)
