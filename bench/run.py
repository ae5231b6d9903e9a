"""ckpld's benchmark: ratios against baselines measured side by side, in one run, on 127.0.0.1.

    python bench/run.py [--scales 1e3,1e5,1e6] [--seconds 5] [--out bench]

For each scale: synthetic data of ckpld's model (bench/generate.py); the time to validate it, to
write its dumps and to start the server (cold, then on unchanged data); memory per worker; the
dereference throughput and latency against Flask's hello world on the same gunicorn settings; the
cookbook's queries over HTTP against rdflib-endpoint and Virtuoso on the same data; distinct
queries (every request a new one: no cache answers) against hello world, the Oxigraph server
(the engine's own ceiling) and Virtuoso. Writes RESULTS.md and results.png into --out, and
results.json beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import generate  # noqa: E402
from tests.oxigraph_server import binary as oxigraph_binary  # noqa: E402
from tests.virtuoso import Virtuoso  # noqa: E402

PYTHON = sys.executable
BASE = "https://dane.ckpodgorza.pl/"
WORKERS = 2
VALIDATION_LIMIT = 600  # seconds; a longer validation is reported as stopped
RESOURCE = "/doc/organization/encc.ttl"
SIMPLE = "SELECT ?name WHERE { <id/organization/encc> <https://schema.org/name> ?name }"
RESULTS_JSON = "application/sparql-results+json"
DISK_FROM = 5e5  # scales served from the on-disk store (store = disk)
# Distinct queries: each request's %d is a new number, in a condition that never changes the
# answer, so that every request is a query no cache has seen (bench/distinct.lua).
DISTINCT = {
    "lookup": "BASE <%s>\nSELECT ?name WHERE { <id/organization/encc> <https://schema.org/name> "
    "?name FILTER (STRLEN(?name) > -%%d) }",
    "label, FILTER, ORDER BY": "BASE <%s>\nSELECT ?thing ?label WHERE { ?thing "
    '<http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER (LANG(?label) = "en" && '
    "STRLEN(?label) > -%%d) } ORDER BY ?label LIMIT 50",
    "GROUP BY count over the graphs": "BASE <%s>\nSELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g "
    "{ ?s ?p ?o } } GROUP BY ?g HAVING (COUNT(*) > -%%d) ORDER BY ?g",
}
DISTINCT_SCRIPT = ROOT / "bench" / "distinct.lua"
DATA_GRAPHS = ("page", "enrichment", "vocabulary")  # ckpld's default graph: the data's graphs


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """A server process on 127.0.0.1 (own process group; `stop()` ends it)."""

    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    probe: str = "/"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, probe: str | None = None, timeout: float = 900) -> float:
        """Start it; return the seconds until `probe` answered 200."""
        self.probe = probe or self.probe
        environment = {k: v for k, v in os.environ.items() if not k.startswith("CKPLD_")}
        environment.update(self.env)
        command = [part.replace("{port}", str(self.port)) for part in self.command]
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        deadline = self.started + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{command[:3]} exited with {self.process.returncode}")
            try:
                if requests.get(self.url + self.probe, timeout=5).status_code == 200:
                    return time.monotonic() - self.started
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{command[:3]} did not start in {timeout} s")

    def worker_memory(self) -> list[float]:
        """Proportional set size (MiB) of each child process (the workers)."""
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        sizes = []
        for pid in children.read_text().split():
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
            match = re.search(r"^Pss:\s+(\d+) kB", text, re.MULTILINE)
            if match:
                sizes.append(int(match.group(1)) / 1024)
        return sizes

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


ROUNDS = 3  # wrk runs per measurement: the one with the median throughput is kept


def wrk(
    url: str, seconds: int, rounds: int = ROUNDS, script: list[str] | None = None
) -> dict[str, float]:
    """Requests per second and latency percentiles (ms) with wrk -t2 -c16: of `rounds` runs,
    the one with the median throughput (the machine is shared: one run can meet a burst of
    someone else's work). `script`: wrk's -s and what follows the URL (then `url` is not
    passed again)."""
    runs = sorted((_wrk_once(url, seconds, script) for _ in range(rounds)), key=lambda r: r["rps"])
    return runs[len(runs) // 2]


def _wrk_once(url: str, seconds: int, script: list[str] | None = None) -> dict[str, float]:
    target = script if script is not None else [url]
    done = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", *target],
        capture_output=True, text=True, timeout=seconds + 60,
    )  # fmt: skip
    out = done.stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

    def percentile(name: str) -> float:
        match = re.search(rf"^\s+{name}%\s+([\d.]+)(us|ms|s)", out, re.MULTILINE)
        assert match, out
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    return {
        "rps": rate,
        "p50": percentile("50"),
        "p99": percentile("99"),
        "errors": float(errors.group(1)) if errors else 0.0,
    }


def distinct(url: str, path: str, seconds: int, extra: str = "") -> dict[str, dict[str, float]]:
    """wrk figures for each DISTINCT query, every request a new query, sent to `path` on `url`
    with `extra` appended to the query string (a baseline's dataset parameters)."""
    found = {}
    for name, template in DISTINCT.items():
        script = ["-s", str(DISTINCT_SCRIPT), url, "--", template % BASE, path, extra]
        found[name] = wrk(url, seconds, script=script)
    return found


def dataset_parameters() -> str:
    """The protocol's dataset parameters that give a baseline ckpld's dataset: the data graphs
    as the default graph, every graph of the dataset as named graphs (encoded, each with &)."""
    graphs = [BASE + f"graph/{name}" for name in DATA_GRAPHS]
    named = [*graphs, BASE + "graph/metadata", BASE + "graph/catalog"]
    pairs = [("default-graph-uri", g) for g in graphs] + [("named-graph-uri", g) for g in named]
    return "&" + requests.compat.urlencode(pairs)


QUERY_LIMIT = 30.0  # seconds a baseline may take for one cookbook query before it is stopped


def timed_get(
    url: str, params: Any, headers: dict[str, str], timeout: float = QUERY_LIMIT
) -> tuple[float | None, int]:
    """Milliseconds to the complete answer (None: no answer within `timeout`) and the status."""
    started = time.perf_counter()
    try:
        response = requests.get(url, params=params, headers=headers, timeout=timeout)
    except requests.Timeout:
        return None, 0
    return (time.perf_counter() - started) * 1000, response.status_code


def cookbook() -> dict[str, str]:
    return {
        path.stem: path.read_text(encoding="utf-8")
        for path in sorted((ROOT / "queries").glob("*.rq"))
    }


def engine_alone(dump: Path, rounds: int = 3) -> dict[str, float]:
    """The floor under every server that embeds ckpld's engine: for each cookbook query, the
    least time (ms, of `rounds` runs) pyoxigraph takes for it in this process, on the same
    N-Quads with the data graphs merged in the default graph as ckpld merges them; no HTTP, no
    query process, no writing (the solutions are only iterated)."""
    store = ox.Store()
    store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    listed = " ".join(f"<{BASE}graph/{name}>" for name in DATA_GRAPHS)
    store.update(
        f"INSERT {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ {listed} }} GRAPH ?g {{ ?s ?p ?o }} }}"
    )
    found = {}
    for name, text in cookbook().items():
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            answer = store.query(f"BASE <{BASE}>\n{text}")
            if not isinstance(answer, ox.QueryBoolean):
                for _item in answer:
                    pass
            times.append((time.perf_counter() - started) * 1000)
        found[name] = min(times)
    return found


def query_latencies(
    url: str,
    extra: list[tuple[str, str]],
    restart: Server | None = None,
    limit: float = QUERY_LIMIT,
    rounds: int = 5,
) -> dict[str, dict[str, Any]]:
    """For each cookbook query sent to `url`: the first answer (ms) and the median of `rounds`
    more. A query without an answer in `limit` seconds is recorded as stopped, and `restart`
    restarted (its worker would go on computing it; Virtuoso stops long queries itself)."""
    found: dict[str, dict[str, Any]] = {}
    for name, text in cookbook().items():
        accept = {"Accept": "application/n-triples" if "CONSTRUCT" in text else RESULTS_JSON}
        params = [("query", f"BASE <{BASE}>\n{text}"), *extra]
        first, status = timed_get(url, params, accept, limit)
        if first is None and restart is not None:
            found[name] = {"first": None, "median": None, "status": 0}
            restart.stop()
            restart.start(probe=restart.probe)
            continue
        again = [timed_get(url, params, accept, limit)[0] for _ in range(rounds)]
        times = [t for t in again if t is not None]
        found[name] = {
            "first": first,
            "median": statistics.median(times) if times else None,
            "status": status,
        }
    return found


def run_command(command: list[str], env: dict[str, str], timeout: float) -> tuple[float, int]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CKPLD_")}
    environment.update(env)
    started = time.monotonic()
    try:
        done = subprocess.run(
            command, cwd=ROOT, env=environment, capture_output=True, timeout=timeout
        )
        return time.monotonic() - started, done.returncode
    except subprocess.TimeoutExpired:
        return time.monotonic() - started, -1


DUMPS_ONLY = """
import sys, time
from pathlib import Path
from ckpld.config import Settings
from ckpld.publish.publication import publish
from ckpld.publish.release import build
pub = publish(Settings.load())
started = time.monotonic()
build(pub.edition(), Path(sys.argv[1]))
print(time.monotonic() - started)
"""


def _dumps_alone(env: dict[str, str], out: Path) -> float:
    """Seconds `ckpld.publish.release.build` takes to render and write every file of a release."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CKPLD_")}
    environment.update(env)
    done = subprocess.run(
        [PYTHON, "-c", DUMPS_ONLY, str(out)], cwd=ROOT, env=environment,
        capture_output=True, text=True, timeout=900, check=True,
    )  # fmt: skip
    return float(done.stdout.strip().splitlines()[-1])


def one_scale(scale: float, seconds: int, work: Path) -> dict[str, Any]:
    data = work / f"data-{scale:.0e}"
    triples = generate(int(scale), data) if scale > 1e3 else 0
    env = {
        "CKPLD_DATA_DIR": str(data if scale > 1e3 else ROOT / "data"),
        "CKPLD_SOURCE_DIR": str((data if scale > 1e3 else ROOT / "data") / "source"),
        "CKPLD_CACHE_DIR": str(work / f"cache-{scale:.0e}"),
        "CKPLD_DUMPS_DIR": str(work / f"dumps-{scale:.0e}"),
        "CKPLD_RELEASES_DIR": str(work / f"releases-{scale:.0e}"),  # not the repository's
        "CKPLD_WORKERS": str(WORKERS),
        "CKPLD_SPARQL_RATE_LIMIT": "0",  # the load comes from one address: no per-client limit
        # wrk's 16 connections all wait for a query process rather than meet the busy refusal
        # (503 at once: tested in tests/test_isolation.py, not measured here)
        "CKPLD_QUERY_QUEUE": "16",
    }
    if scale >= DISK_FROM:  # beyond memory's comfort: the on-disk store, shared by the workers
        env["CKPLD_STORE"] = "disk"
        env["CKPLD_STORE_PATH"] = str(work / f"store-{scale:.0e}")
    for name in ("cache", "dumps", "store"):
        shutil.rmtree(work / f"{name}-{scale:.0e}", ignore_errors=True)
    result: dict[str, Any] = {"scale": scale, "store": env.get("CKPLD_STORE", "memory")}
    validate_s, code = run_command([PYTHON, "-m", "ckpld", "validate"], env, VALIDATION_LIMIT)
    if code not in (0, -1):
        raise RuntimeError(f"the synthetic data of {scale:.0e} does not validate (exit {code})")
    result["validation_s"] = validate_s
    result["validation_done"] = code == 0
    serve_env = dict(env)
    if code != 0:  # too slow to finish here: serve without validating (reported)
        serve_env["CKPLD_VALIDATE_ON_START"] = "false"
    ckpld = Server([PYTHON, "-m", "ckpld", "serve", "--port", "{port}"], serve_env)
    result["start_cold_s"] = ckpld.start()  # validates (remembering the verdict), writes dumps
    ckpld.stop()
    # A second release of the same data: the time to write the dumps alone, and with `ckpld
    # build`'s start (reading the data, counts remembered).
    build_s, _ = run_command(
        [PYTHON, "-m", "ckpld", "build", "--out", str(work / "build-timing")], serve_env, 900
    )
    result["build_s"] = build_s
    result["dumps_s"] = _dumps_alone(serve_env, work / "build-timing")
    ckpld = Server([PYTHON, "-m", "ckpld", "serve", "--port", "{port}"], serve_env)
    result["start_warm_s"] = ckpld.start()
    hello = Server(  # as ckpld/web/server.py runs gunicorn: gevent, preloaded, access log
        [PYTHON, "-m", "gunicorn", "-w", str(WORKERS), "-k", "gevent", "-b", "127.0.0.1:{port}",
         "--preload", "--access-logfile", "-", "--error-logfile", "-", "bench.hello:app"]
    )  # fmt: skip
    hello.start()
    try:
        triples = triples or int(
            requests.get(
                ckpld.url + "/sparql",
                params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
                headers={"Accept": RESULTS_JSON},
                timeout=300,
            ).json()["results"]["bindings"][0]["n"]["value"]
        )
        result["triples"] = triples
        requests.get(ckpld.url + RESOURCE, timeout=60)  # warm
        result["hello"] = wrk(hello.url + "/", seconds)
        result["dereference"] = wrk(ckpld.url + RESOURCE, seconds)
        result["memory_mib"] = ckpld.worker_memory()
        simple = ckpld.url + "/sparql?" + requests.compat.urlencode({"query": SIMPLE})
        requests.get(simple, timeout=60)  # warm, like the document above: "repeated"
        result["ckpld_simple"] = wrk(simple, seconds)
        result["ckpld_queries"] = query_latencies(ckpld.url + "/sparql", [], restart=ckpld)
        result["ckpld_distinct"] = distinct(ckpld.url, "/sparql", seconds)
    finally:
        hello.stop()
        ckpld.stop()
    dump = next((work / f"dumps-{scale:.0e}" / "current").glob("*.nq"))
    if scale <= 1e5:  # rdflib needs minutes and GBs beyond; reported as not run
        rdflib_server = Server(
            [PYTHON, "-m", "uvicorn", "--workers", str(WORKERS), "--port", "{port}",
             "--log-level", "warning", "bench.rdflib_app:app"],
            {"BENCH_NQUADS": str(dump)},
        )  # fmt: skip
        result["rdflib_start_s"] = rdflib_server.start(probe="/?query=ASK%7B%7D")
        try:
            simple = (
                rdflib_server.url
                + "/?"
                + requests.compat.urlencode({"query": f"BASE <{BASE}>\n{SIMPLE}"})
            )
            result["rdflib_simple"] = wrk(simple, seconds)
            result["rdflib_queries"] = query_latencies(
                rdflib_server.url + "/", [], restart=rdflib_server
            )
        finally:
            rdflib_server.stop()
    result["oxigraph_distinct"] = _oxigraph_distinct(dump, work / f"oxigraph-{scale:.0e}", seconds)
    if scale < DISK_FROM:
        result["engine_queries"] = engine_alone(dump)  # in memory, as ckpld serves these scales
        inprocess = Server(
            [PYTHON, "-m", "gunicorn", "-w", str(WORKERS), "-k", "gevent", "-b",
             "127.0.0.1:{port}", "--preload", "--access-logfile", "-", "--error-logfile", "-",
             "bench.inprocess:app"],
            {"BENCH_NQUADS": str(dump)},
        )  # fmt: skip
        inprocess.start(probe="/sparql?query=ASK%7B%7D")
        try:
            result["inprocess_distinct"] = distinct(inprocess.url, "/sparql", seconds)
        finally:
            inprocess.stop()
    virtuoso = Virtuoso(buffers=170000, time_limit=60)
    try:
        virtuoso.wait_until_ready()
        started = time.monotonic()
        virtuoso.load(
            {**env, "CKPLD_VALIDATE_ON_START": serve_env.get("CKPLD_VALIDATE_ON_START", "true")},
            timeout=3600,
        )
        result["virtuoso_load_s"] = time.monotonic() - started
        graphs = [
            ("default-graph-uri", BASE + f"graph/{name}")
            for name in ("page", "enrichment", "vocabulary", "metadata")
        ]
        named = [("named-graph-uri", value) for _, value in graphs]
        url = (
            virtuoso.endpoint
            + "?"
            + requests.compat.urlencode([("query", f"BASE <{BASE}>\n{SIMPLE}"), *graphs])
        )
        result["virtuoso_simple"] = wrk(url, seconds)
        result["virtuoso_queries"] = query_latencies(
            virtuoso.endpoint, [*graphs, *named], limit=120
        )
        result["virtuoso_distinct"] = distinct(
            virtuoso.url, "/sparql", seconds, dataset_parameters()
        )
    finally:
        virtuoso.stop()
    return result


def _oxigraph_distinct(dump: Path, folder: Path, seconds: int) -> dict[str, dict[str, float]]:
    """The distinct queries against the Oxigraph server (PyPI `oxigraph`, `serve-read-only`)
    on the same N-Quads: the engine ckpld embeds, behind its own Rust HTTP server."""
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run(
        [oxigraph_binary(), "load", "--location", str(folder), "--file", str(dump)],
        check=True, capture_output=True, timeout=3600,
    )  # fmt: skip
    server = Server(
        [oxigraph_binary(), "serve-read-only", "--location", str(folder),
         "--bind", "127.0.0.1:{port}"]
    )  # fmt: skip
    server.start(probe="/query?query=ASK%7B%7D")
    try:
        return distinct(server.url, "/query", seconds, dataset_parameters())
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def report(results: list[dict[str, Any]], out: Path, seconds: int) -> None:
    """RESULTS.md, results.png and results.json from the measurements."""
    (out / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    lines = [
        "# ckpld benchmark results",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by `make bench` "
        f"(bench/run.py) on {platform.node()}: {os.cpu_count()} CPUs, "
        f"{_memory_gib():.0f} GiB, Python {platform.python_version()}, {platform.platform()}. "
        f"Every server on 127.0.0.1 with {WORKERS} workers; throughput with "
        f"`wrk -t2 -c16 -d{seconds}s`, the median of {ROUNDS} rounds (the machine is shared: "
        "read the ratios, which compare runs taken side by side, not the absolute numbers).",
        "",
        "## Goals",
        "",
        "| scale | goal | measured | met |",
        "| --- | --- | --- | --- |",
    ]
    for r in results:
        scale = f"{r.get('triples', r['scale']):,} triples"
        checks = _goals(r)
        for goal, measured, met in checks:
            lines.append(f"| {scale} | {goal} | {measured} | {'yes' if met else '**no**'} |")
    lines += ["", "## Measurements", ""]
    for r in results:
        lines += _scale_table(r)
    lines += [
        "",
        "![ratios](results.png)",
        "",
        'Where a goal is missed, the reason is given in docs/stores.md, section "Performance".',
    ]
    (out / "RESULTS.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _plot(results, out / "results.png")


def _goals(r: dict[str, Any]) -> list[tuple[str, str, bool]]:
    found = []
    ratio = r["dereference"]["rps"] / r["hello"]["rps"]
    found.append(("dereference ≥ 0.9x hello world", f"{ratio:.2f}x", ratio >= 0.9))
    if "rdflib_simple" in r:
        ratio = r["ckpld_simple"]["rps"] / r["rdflib_simple"]["rps"]
        found.append(("repeated simple SELECT ≥ 6x rdflib-endpoint", f"{ratio:.1f}x", ratio >= 6))
        first = statistics.median(_ms(q["first"]) for q in r["rdflib_queries"].values())
        mine = statistics.median(_ms(q["first"]) for q in r["ckpld_queries"].values())
        found.append(
            ("first answer, median over the cookbook, vs rdflib-endpoint (≥ 4x)",
             f"{first / mine:.1f}x", first / mine >= 4)
        )  # fmt: skip
    if 5e4 <= r["scale"] <= 5e5:
        worst = max(_ms(q["median"]) for q in r["ckpld_queries"].values())
        found.append(
            ("every cookbook query < 50 ms at p50 (median of repeats)", f"{worst:.0f} ms max",
             worst < 50)
        )  # fmt: skip
        worst = max(_ms(q["first"]) for q in r["ckpld_queries"].values())
        floor = max(r.get("engine_queries", {}).values(), default=None)
        shown = f"{worst:.0f} ms max" + (
            f" (the engine alone: {floor:.0f} ms max)" if floor is not None else ""
        )
        found.append(("stricter: every first answer, nothing cached, < 50 ms", shown, worst < 50))
        ratio = r["ckpld_simple"]["rps"] / r["virtuoso_simple"]["rps"]
        found.append(("throughput ≥ Virtuoso's (simple SELECT)", f"{ratio:.1f}x", ratio >= 1))
    if "ckpld_distinct" in r and r["scale"] < DISK_FROM:
        for name, figures in r["ckpld_distinct"].items():
            ratio = figures["rps"] / r["hello"]["rps"]
            found.append(
                (f"distinct queries ({name}), nothing cached, ≥ 0.6x hello world",
                 f"{ratio:.2f}x", ratio >= 0.6)
            )  # fmt: skip
    if r["scale"] >= 5e5:
        found.append(
            (
                "start-up on unchanged data < 10 s",
                f"{r['start_warm_s']:.1f} s",
                r["start_warm_s"] < 10,
            )
        )
        worst = max(r["memory_mib"])
        found.append(("memory per worker < 500 MiB", f"{worst:.0f} MiB", worst < 500))
        found.append(("dumps written < 10 s", f"{r['dumps_s']:.1f} s", r["dumps_s"] < 10))
    return found


def _scale_table(r: dict[str, Any]) -> list[str]:
    triples = r.get("triples", r["scale"])
    validation = (
        f"{r['validation_s']:.1f} s"
        if r["validation_done"]
        else f"stopped after {r['validation_s']:.0f} s (served without validating)"
    )
    lines = [
        f"### {triples:,} triples (store: {r.get('store', 'memory')})",
        "",
        f"Validation {validation}; dumps of a release written in {r['dumps_s']:.1f} s "
        f"(`ckpld build` in all, with its start: {r.get('build_s', r['dumps_s']):.1f} s); "
        f"start-up {r['start_cold_s']:.1f} s "
        f"(first: reading the data, counting, dumps; the verdict is `ckpld validate`'s), "
        f"{r['start_warm_s']:.1f} s (unchanged data); PSS per "
        "worker "
        + ", ".join(f"{m:.0f} MiB" for m in r["memory_mib"])
        + (
            f"; Virtuoso load (`ckpld load`) {r['virtuoso_load_s']:.1f} s"
            if "virtuoso_load_s" in r
            else ""
        )
        + ".",
        "",
        "| server | req/s | p50 ms | p99 ms | ratio |",
        "| --- | --- | --- | --- | --- |",
    ]
    hello = r["hello"]["rps"]
    for label, key in (
        ("Flask hello world", "hello"),
        (f"ckpld dereference `{RESOURCE}`", "dereference"),
        ("ckpld simple SELECT (repeated)", "ckpld_simple"),
        ("rdflib-endpoint simple SELECT", "rdflib_simple"),
        ("Virtuoso simple SELECT", "virtuoso_simple"),
    ):
        if key in r:
            m = r[key]
            cells = (f"{m['rps']:.0f}", f"{m['p50']:.1f}", f"{m['p99']:.1f}")
            lines.append(f"| {label} | {' | '.join(cells)} | {m['rps'] / hello:.2f} |")
    if "ckpld_distinct" in r:
        lines += [
            "",
            "Distinct queries: every request a query no cache has seen (bench/distinct.lua).",
            "",
            "In process: Flask calling the same engine in the worker, with none of ckpld's "
            "protections (bench/inprocess.py); it shows what the query processes and the rest "
            "cost.",
            "",
            "| query | ckpld req/s | p50 ms | p99 ms | ÷ hello | in process req/s "
            "| ckpld ÷ in process | in process ÷ hello | Oxigraph server req/s "
            "| ckpld ÷ Oxigraph | Virtuoso req/s | ckpld ÷ Virtuoso |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for name, mine in r["ckpld_distinct"].items():
            cells = [name, f"{mine['rps']:.0f}", f"{mine['p50']:.1f}", f"{mine['p99']:.1f}",
                     f"{mine['rps'] / hello:.2f}"]  # fmt: skip
            for other in ("inprocess_distinct", "oxigraph_distinct", "virtuoso_distinct"):
                theirs = r.get(other, {}).get(name)
                if theirs is None:
                    cells += ["not run", ""]
                elif not theirs["rps"]:  # nothing answered within wrk's run
                    cells += ["0", ""]
                else:
                    cells += [f"{theirs['rps']:.0f}", f"{mine['rps'] / theirs['rps']:.2f}"]
                if other == "inprocess_distinct":
                    cells.append(f"{theirs['rps'] / hello:.2f}" if theirs else "")
            if mine.get("errors"):
                cells[0] += f" ({mine['errors']:.0f} errors)"
            lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "The engine alone: pyoxigraph in the benchmark's own process on the same statements, "
        "the least of 3 runs, no HTTP, no writing: the floor under any server that embeds it.",
        "",
        "| cookbook query | ckpld first / repeated ms | engine alone ms | rdflib-endpoint first ms "
        "| Virtuoso first ms |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, q in r["ckpld_queries"].items():
        rdf = r.get("rdflib_queries", {}).get(name)
        virt = r.get("virtuoso_queries", {}).get(name)
        engine = r.get("engine_queries", {}).get(name)
        lines.append(
            f"| {name} | {_cell(q['first'])} / {_cell(q['median'])} | "
            + (f"{engine:.1f}" if engine is not None else "not run")
            + " | "
            + (_cell(rdf["first"]) if rdf else "not run")
            + " | "
            + (_cell(virt["first"]) if virt else "not run")
            + " |"
        )
    return [*lines, ""]


def _ms(value: float | None) -> float:
    """A time in ms; a stopped query counts as the limit (a lower bound of its real time)."""
    return QUERY_LIMIT * 1000 if value is None else value


def _cell(value: float | None) -> str:
    return f"> {QUERY_LIMIT * 1000:.0f} (stopped)" if value is None else f"{value:.1f}"


def _plot(results: list[dict[str, Any]], path: Path) -> None:
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.5))
    labels = [f"{r.get('triples', r['scale']):,}" for r in results]
    width = 0.25
    series = [
        ("ckpld dereference / hello world", lambda r: r["dereference"]["rps"] / r["hello"]["rps"]),
        (
            "ckpld SELECT / rdflib-endpoint",
            lambda r: (
                r["ckpld_simple"]["rps"] / r["rdflib_simple"]["rps"] if "rdflib_simple" in r else 0
            ),
        ),
        (
            "ckpld SELECT / Virtuoso",
            lambda r: r["ckpld_simple"]["rps"] / r["virtuoso_simple"]["rps"],
        ),
    ]
    for i, (label, value) in enumerate(series):
        ax.bar(
            [x + i * width for x in range(len(results))],
            [value(r) for r in results],
            width,
            label=label,
        )
    ax.axhline(1.0, color="grey", linewidth=0.8)
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%gx"))
    ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_xticks([x + width for x in range(len(results))], labels)
    ax.set_xlabel("triples")
    ax.set_ylabel("throughput ratio (log scale)")
    ax.set_title("ckpld throughput, as ratios to baselines run side by side")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def _memory_gib() -> float:
    text = Path("/proc/meminfo").read_text()
    return int(re.search(r"MemTotal:\s+(\d+)", text).group(1)) / 1024 / 1024  # type: ignore[union-attr]


def main() -> None:
    # Stopped (Ctrl-C, SIGTERM, a timeout): the `finally` blocks stop every server started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", default="1e3,1e5,1e6")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "bench")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    work = ROOT / "bench" / "work"
    work.mkdir(parents=True, exist_ok=True)
    results = []
    for scale in (float(s) for s in args.scales.split(",")):
        print(f"bench: {scale:.0e} triples", flush=True)
        results.append(one_scale(scale, args.seconds, work))
        report(results, args.out, args.seconds)
    print(f"bench: wrote {args.out / 'RESULTS.md'}")


if __name__ == "__main__":
    main()
