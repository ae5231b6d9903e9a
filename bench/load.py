"""A bounded load test of a running ckpld, on 127.0.0.1: mixed traffic, runaway queries, workers.

    python bench/load.py [--seconds 40] [--out bench/LOAD.md]

Starts `ckpld serve` (2 workers, `query_timeout` 2 s, every other setting as shipped) and, for
`--seconds` (at most 50), sends at once:

- pages: every page of the sitemap as HTML, and every document as Turtle, JSON-LD and N-Triples
  (wrk, 8 connections, each expecting 200);
- cookbook: every cookbook query as its page (`/queries/{name}`, HTML and SPARQL JSON) and by
  `POST /sparql` (wrk, 4 connections, expecting 200);
- conditional: the same pages and answers with `If-None-Match` and the ETag they were sent with
  (wrk, 4 connections, expecting 304);
- runaway: queries that never end (a cartesian product counted), one client thread sending them
  back to back: each must be stopped by the timeout (503, its message) within the timeout plus
  `MARGIN` seconds.

wrk (Debian's package; `make load` installs it) reports each kind's latencies and errors: sockets
that failed, and answers with another status than expected. Before and after: the gunicorn
master's workers (PIDs from /proc) and the resident memory of the master, the workers and their
query processes; the master's log says whether a worker was recycled (`max_requests`) or died
(a signal, an exit code, a timeout). Then the same load again on a server whose workers are
replaced every `RECYCLE_EVERY` requests (`max_requests`), to compare the tail: a new worker must
not make its first requests wait (the goal: p99 within 2x of the run without recycling).
Writes the figures, the machine and the date to --out.
`tests/e2e/test_load.py` runs a short version of the same (`measure`).
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
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 2.0  # query_timeout of the server under load
MARGIN = 3.0  # a runaway query's answer may come this much after the timeout
MOST_SECONDS = 45  # the load itself; with start-up and warm-up, the run stays under a minute
WARM_SECONDS = 4
RECYCLE_EVERY = 20_000  # max_requests of the second run: each worker replaced several times
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } # {nonce}"
JSON = "application/sparql-results+json"
RDF_ACCEPTS = ("text/turtle", "application/ld+json", "application/n-triples")


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""


@dataclass
class Kind:
    """A part of the mix: one wrk process, its connections, the status every answer must have."""

    name: str
    status: int
    connections: int
    requests: list[Request] = field(default_factory=list)


def gunicorn_workers(master: int) -> tuple[int, ...]:
    """The PIDs of the gunicorn master's children (its workers), in order."""
    found: set[int] = set()
    for task in Path(f"/proc/{master}/task").iterdir():
        with _gone_quietly():
            found.update(int(pid) for pid in (task / "children").read_text().split())
    return tuple(sorted(found))


def children(pid: int) -> tuple[int, ...]:
    """The PIDs of a process's children (a worker's query process)."""
    with _gone_quietly():
        return tuple(int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split())
    return ()


def rss_mib(pid: int) -> float:
    """Resident memory of a process, in MiB (0 when it is gone)."""
    with _gone_quietly():
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


@contextmanager
def _gone_quietly() -> Iterator[None]:
    try:
        yield
    except (FileNotFoundError, ProcessLookupError):
        pass


def memory(master: int) -> dict[str, Any]:
    """Resident memory (MiB) of the master, each worker, and each worker's query process."""
    workers = gunicorn_workers(master)
    return {
        "master": rss_mib(master),
        "workers": {pid: rss_mib(pid) for pid in workers},
        "query_processes": {c: rss_mib(c) for pid in workers for c in children(pid)},
    }


def mix(url: str) -> list[Kind]:
    """The requests of each kind, from the server's sitemap and the cookbook."""
    sitemap = requests.get(url + "/sitemap.xml", timeout=30).text
    paths = [urlsplit(loc).path for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap)]
    pages = Kind("pages", 200, 8)
    for path in paths:
        pages.requests.append(Request("GET", path, (("Accept", "text/html"),)))
        if path.startswith("/doc/"):
            pages.requests += [Request("GET", path, (("Accept", a),)) for a in RDF_ACCEPTS]
    cookbook = Kind("cookbook", 200, 4)
    for recipe in sorted((ROOT / "queries").glob("*.rq")):
        text = recipe.read_text(encoding="utf-8")
        accept = "text/turtle" if re.search(r"\bCONSTRUCT\b", text) else JSON
        cookbook.requests += [
            Request("GET", f"/queries/{recipe.stem}", (("Accept", "text/html"),)),
            Request("GET", f"/queries/{recipe.stem}", (("Accept", accept),)),
            Request(
                "POST",
                "/sparql",
                (("Accept", accept), ("Content-Type", "application/x-www-form-urlencoded")),
                urlencode({"query": text}),
            ),
        ]
    conditional = Kind("conditional", 304, 4)
    for plain in pages.requests + cookbook.requests:
        if plain.method != "GET":
            continue
        headers = dict(plain.headers, **{"Accept-Encoding": "identity"})
        tag = requests.get(url + plain.path, headers=headers, timeout=30).headers["ETag"]
        conditional.requests.append(
            Request("GET", plain.path, (*plain.headers, ("If-None-Match", tag)))
        )
    return [pages, cookbook, conditional]


LUA = """
local requests = {requests}
local expected = {status}
local formatted = {{}}
next_index = 1
unexpected = 0  -- globals: done() reads each thread's with thread:get
local threads = {{}}

function setup(thread)
  table.insert(threads, thread)
  thread:set("offset", #threads)
end

function init(args)
  for i, r in ipairs(requests) do
    formatted[i] = wrk.format(r[1], r[2], r[3], r[4] ~= "" and r[4] or nil)
  end
  next_index = (offset * 7919) % #formatted + 1
end

function request()
  local chosen = formatted[next_index]
  next_index = next_index % #formatted + 1
  return chosen
end

function response(status, headers, body)
  if status ~= expected then unexpected = unexpected + 1 end
end

function done(summary, latency, requests)
  local wrong = 0
  for _, thread in ipairs(threads) do wrong = wrong + thread:get("unexpected") end
  local e = summary.errors
  io.write(string.format(
    "RESULT {{\\"requests\\": %d, \\"seconds\\": %f, \\"socket_errors\\": %d, " ..
    "\\"timeouts\\": %d, \\"unexpected_status\\": %d, \\"p50_ms\\": %f, \\"p90_ms\\": %f, " ..
    "\\"p99_ms\\": %f, \\"max_ms\\": %f}}\\n",
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write, e.timeout, wrong,
    latency:percentile(50) / 1e3, latency:percentile(90) / 1e3, latency:percentile(99) / 1e3,
    latency.max / 1e3))
end
"""


def _lua_string(text: str) -> str:
    """A Lua string literal: printable ASCII as is, every other byte as a decimal escape."""
    return (
        '"'
        + "".join(
            chr(b) if 32 <= b < 127 and chr(b) not in '"\\' else f"\\{b:03d}"
            for b in text.encode("utf-8")
        )
        + '"'
    )


def lua_script(kind: Kind) -> str:
    entries = []
    for r in kind.requests:
        headers = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in r.headers)
        entries.append(
            f"{{{_lua_string(r.method)}, {_lua_string(r.path)}, {{{headers}}}, "
            f"{_lua_string(r.body)}}}"
        )
    return LUA.format(requests="{\n" + ",\n".join(entries) + "\n}", status=kind.status)


def wrk(url: str, kind: Kind, seconds: float, folder: Path) -> subprocess.Popen[str]:
    script = folder / f"{kind.name}.lua"
    script.write_text(lua_script(kind), encoding="utf-8")
    return subprocess.Popen(
        ["wrk", "-t1", f"-c{kind.connections}", f"-d{seconds:.0f}s", "--timeout", "10s",
         "-s", str(script), url],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def runaway(url: str, seconds: float, answers: list[dict[str, Any]]) -> None:
    """Send runaway queries one after the other until `seconds` have passed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline - TIMEOUT:
        query = RUNAWAY.replace("{nonce}", str(time.monotonic_ns()))
        started = time.monotonic()
        try:
            response = requests.post(
                url + "/sparql", data={"query": query}, headers={"Accept": JSON}, timeout=60
            )
            status, detail = response.status_code, response.text
        except requests.RequestException as err:
            status, detail = 0, type(err).__name__
        answers.append({"status": status, "seconds": time.monotonic() - started, "detail": detail})


class Sampler(threading.Thread):
    """The resident memory of the master, its workers and their query processes, each second."""

    def __init__(self, master: int) -> None:
        super().__init__(daemon=True)
        self.master = master
        self.seen: dict[int, list[float]] = {}  # pid -> samples (MiB), the master's included
        self.queries_total: list[float] = []  # all query processes together, at each sample
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            now = memory(self.master)
            self.seen.setdefault(self.master, []).append(now["master"])
            for pid, size in now["workers"].items():
                self.seen.setdefault(pid, []).append(size)
            self.queries_total.append(sum(now["query_processes"].values()))
            self.stopping.wait(1.0)


def measure(
    url: str, master: int, seconds: float, folder: Path, log: Callable[[], str]
) -> dict[str, Any]:
    """The whole load on a running server whose log `log` returns; its figures."""
    seconds = min(seconds, MOST_SECONDS)
    kinds = mix(url)
    # Warm-up: the same mix, so that each worker has rendered and cached every answer (the
    # caches are bounded by the distinct requests: their filling is not growth).
    for name, process in {k.name: wrk(url, k, WARM_SECONDS, folder) for k in kinds}.items():
        if "RESULT" not in process.communicate(timeout=WARM_SECONDS + 60)[0]:
            raise RuntimeError(f"wrk ({name}) failed during the warm-up")
    seen_log = len(log())
    workers_before = gunicorn_workers(master)
    memory_before = memory(master)
    sampler = Sampler(master)
    sampler.start()
    answers: list[dict[str, Any]] = []
    runner = threading.Thread(target=runaway, args=(url, seconds, answers))
    started = time.monotonic()
    processes = {kind.name: wrk(url, kind, seconds, folder) for kind in kinds}
    runner.start()
    outputs = {name: p.communicate(timeout=seconds + 60)[0] for name, p in processes.items()}
    runner.join(seconds + 60)
    elapsed = time.monotonic() - started
    time.sleep(0.5)  # let a worker that is being replaced show up
    sampler.stopping.set()
    sampler.join()
    results: dict[str, Any] = {"kinds": {}, "seconds": elapsed}
    results["events"] = worker_events(log()[seen_log:])
    results["samples"] = sampler.seen
    results["query_processes_max"] = max(sampler.queries_total, default=0.0)
    for kind in kinds:
        found = re.search(r"^RESULT (\{.*\})$", outputs[kind.name], re.MULTILINE)
        if found is None:
            raise RuntimeError(f"wrk ({kind.name}) said:\n{outputs[kind.name]}")
        figures = json.loads(found.group(1))
        figures["errors"] = (
            figures["socket_errors"] + figures["timeouts"] + figures["unexpected_status"]
        )
        figures["distinct_requests"] = len(kind.requests)
        figures["connections"] = kind.connections
        results["kinds"][kind.name] = figures
    times = sorted(a["seconds"] for a in answers)
    cut = [
        a
        for a in answers
        if a["status"] == 503
        and f"longer than {TIMEOUT:g} s" in a["detail"]
        and a["seconds"] <= TIMEOUT + MARGIN
    ]
    results["runaway"] = {
        "requests": len(answers),
        "cut_by_timeout": len(cut),
        "errors": len(answers) - len(cut),
        "p50_s": statistics.median(times) if times else None,
        "p99_s": _percentile(times, 99) if times else None,
        "max_s": times[-1] if times else None,
    }
    results["workers_before"] = workers_before
    results["workers_after"] = gunicorn_workers(master)
    results["memory_before"] = memory_before
    results["memory_after"] = memory(master)
    results["master"] = master
    return results


def _percentile(ordered: list[float], p: float) -> float:
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def worker_events(log: str) -> dict[str, list[str]]:
    """What gunicorn's master and workers said about workers: recycled, or died."""
    died = re.findall(r".*(?:WORKER TIMEOUT|Worker \(pid:\d+\) (?:was sent|exited with)).*", log)
    recycled = re.findall(r".*Autorestarting worker after current request.*", log)
    return {"died": died, "recycled": recycled}


class Server:
    """`ckpld serve` on a free port of 127.0.0.1, its log in a file (own process group)."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        environment = {k: v for k, v in os.environ.items() if not k.startswith("CKPLD_")}
        environment.update(
            {
                "CKPLD_DUMPS_DIR": str(folder / "dumps"),
                "CKPLD_RELEASES_DIR": str(folder / "releases"),
                "CKPLD_CACHE_DIR": str(folder / "cache"),
                "CKPLD_QUERY_TIMEOUT": f"{TIMEOUT:g}",
                "CKPLD_SPARQL_RATE_LIMIT": "0",  # one client address sends it all
                **env,
            }
        )
        self.log_path = folder / "server.log"
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ckpld", "serve", "--port", str(self.port), "--workers", "2"],
            cwd=ROOT, env=environment, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def wait_until_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"ckpld serve exited:\n{self.log_path.read_text()}")
            try:
                requests.get(self.url + "/", timeout=2)
                return
            except requests.ConnectionError:
                time.sleep(0.2)
        raise RuntimeError("ckpld serve did not answer in time")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self.log.close()


def report(results: dict[str, Any], out: Path) -> None:
    """LOAD.md: the figures, the machine, the date."""
    kinds = results["kinds"]
    run = results["runaway"]
    events = results["events"]
    lines = [
        "# ckpld load test",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by `make load` "
        f"(bench/load.py) on {platform.node()}: {os.cpu_count()} CPUs ({_cpu()}), "
        f"{_memory_gib():.0f} GiB, Python {platform.python_version()}, {platform.platform()}, "
        f"{_wrk_version()}. One `ckpld serve` on 127.0.0.1 with 2 workers, `query_timeout` "
        f"{TIMEOUT:g} s, every other setting as shipped (workers recycled after `max_requests`), "
        f"the shipped data; {results['seconds']:.0f} s of load, all kinds at once, after "
        f"{WARM_SECONDS} s of the same as warm-up. The machine is shared: the latencies are this "
        "run's, not a promise; the server is saturated (16 connections on 2 workers), so they "
        "include the wait for a free worker.",
        "",
        "| kind | what is sent | connections | answers | per s | p50 ms | p99 ms | max ms "
        "| errors |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    what = {
        "pages": "every sitemap page as HTML, every document as Turtle, JSON-LD, N-Triples: 200",
        "cookbook": "every cookbook query: its page, its results, and by POST /sparql: 200",
        "conditional": "the same GETs with If-None-Match and their ETag: 304",
    }
    for name, k in kinds.items():
        lines.append(
            f"| {name} | {what[name]} ({k['distinct_requests']} distinct) | {k['connections']} "
            f"| {k['requests']} | {k['requests'] / k['seconds']:.0f} | {k['p50_ms']:.1f} "
            f"| {k['p99_ms']:.1f} | {k['max_ms']:.0f} | {k['errors']} |"
        )
    if run["requests"]:
        lines.append(
            f"| runaway | a cartesian product of everything, counted: 503 after {TIMEOUT:g} s "
            f"| 1 | {run['requests']} | {run['requests'] / results['seconds']:.2f} "
            f"| {run['p50_s'] * 1000:.0f} | {run['p99_s'] * 1000:.0f} | {run['max_s'] * 1000:.0f} "
            f"| {run['errors']} |"
        )
    lines += [
        "",
        "Errors: sockets that failed or timed out, and answers with another status than "
        f"expected; for runaway queries, any answer but the timeout's 503 within "
        f"{TIMEOUT + MARGIN:g} s. Runaway queries stopped by the timeout: {run['cut_by_timeout']} "
        f"of {run['requests']}.",
        "",
        f"Workers before the load: {', '.join(map(str, results['workers_before']))}; after: "
        f"{', '.join(map(str, results['workers_after']))}. During the load, recycled by "
        f"`max_requests`: {len(events['recycled'])}; died (a signal, an exit code or a timeout "
        f"in the master's log): {len(events['died'])}.",
        "",
        "| process | resident memory at its first sample (MiB) | at its last | most |",
        "| --- | --- | --- | --- |",
    ]
    master = results["master"]
    for pid, samples in results["samples"].items():
        role = "master" if pid == master else "worker"
        if role == "worker" and pid not in results["workers_after"]:
            role += " (replaced during the load)"
        elif role == "worker" and pid not in results["workers_before"]:
            role += " (started during the load)"
        lines.append(
            f"| {role} {pid} | {samples[0]:.0f} | {samples[-1]:.0f} | {max(samples):.0f} |"
        )
    lines += [
        f"| query processes, all together | | | {results['query_processes_max']:.0f} |",
        "",
        "Sampled each second from /proc. A worker's query process is forked from it and shares its "
        "memory until it writes; the one a runaway query holds is killed at the timeout and "
        "another forked.",
        "",
    ]
    lines += [f"    {line}" for line in events["died"]]
    lines += ["", *recycling_lines(results)]
    out.write_text("\n".join(lines), encoding="utf-8")


def _cpu() -> str:
    found = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.MULTILINE)
    return found.group(1).strip() if found else platform.processor() or "unknown"


def _memory_gib() -> float:
    found = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    return int(found.group(1)) / 1024 / 1024 if found else 0.0


def _wrk_version() -> str:
    done = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    return (done.stdout + done.stderr).splitlines()[0].split(" [")[0]


def _run(env: dict[str, str], seconds: float) -> dict[str, Any]:
    """The whole load on a server started with the settings `env`."""
    folder = Path(tempfile.mkdtemp(prefix="ckpld-load-"))
    server = Server(env, folder)
    try:
        server.wait_until_ready()
        return measure(server.url, server.process.pid, seconds, folder, server.log_path.read_text)
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def recycling_lines(results: dict[str, Any]) -> list[str]:
    """LOAD.md's comparison of the tail with and without recycled workers."""
    again = results.get("recycling")
    if again is None:
        return []
    lines = [
        "## Recycled workers",
        "",
        f"The same load on a server whose workers are replaced every {RECYCLE_EVERY:,} requests "
        f"(`max_requests`, with gunicorn's jitter): {len(again['events']['recycled'])} workers "
        f"replaced during the load, {len(again['events']['died'])} died. Goal: each kind's p99 "
        "within 2x of the run without recycling.",
        "",
        "| kind | p99 ms, workers kept | p99 ms, workers recycled | ratio | within 2x |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, kept in results["kinds"].items():
        replaced = again["kinds"][name]
        ratio = replaced["p99_ms"] / kept["p99_ms"] if kept["p99_ms"] else float("inf")
        lines.append(
            f"| {name} | {kept['p99_ms']:.1f} | {replaced['p99_ms']:.1f} | {ratio:.2f} "
            f"| {'yes' if ratio <= 2 else '**no**'} |"
        )
    return [*lines, ""]


def main() -> None:
    # Stopped (Ctrl-C, SIGTERM, a timeout): the `finally` blocks stop the server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "LOAD.md")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk (make load installs it)")
    results = _run({}, args.seconds)
    results["recycling"] = _run({"CKPLD_MAX_REQUESTS": str(RECYCLE_EVERY)}, args.seconds)
    report(results, args.out)
    print(args.out.read_text())


if __name__ == "__main__":
    main()
