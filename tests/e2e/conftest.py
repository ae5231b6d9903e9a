"""A real ckpld server (gunicorn on 127.0.0.1, a free port) for end-to-end tests."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from SPARQLWrapper import SPARQLWrapper

from ckpld.config import Settings
from tests.conftest import ROOT
from tests.history import environment


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LiveServer:
    """A `ckpld serve` process; `url` is its root."""

    def __init__(
        self,
        *args: str,
        cwd: Path = ROOT,
        env: dict[str, str] | None = None,
        dumps: Path | None = None,
        own_base: bool = False,
        python: str = sys.executable,
        port: int | None = None,
    ) -> None:
        """`own_base`: the server's base IRI is its own address, as when deployed (by default
        it is the shipped one, https://dane.ckpodgorza.pl/, served here from 127.0.0.1);
        `python`: the interpreter whose ckpld serves (another installation's); `port`: a port
        chosen before (free), for data made with the server's own address as its base."""
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [python, "-m", "ckpld", "serve", "--port", str(self.port), *args]
        environment = {k: v for k, v in os.environ.items() if not k.startswith("CKPLD_")}
        self.mode = (
            "memory"  # or "disk", "remote" (in front of Virtuoso), "oxigraph" (of its server)
        )
        self.own_dumps = dumps is None  # each server its own dumps folder, unless given one
        self.dumps = dumps or Path(tempfile.mkdtemp(prefix="ckpld-dumps-"))
        environment["CKPLD_DUMPS_DIR"] = str(self.dumps)
        environment["CKPLD_CACHE_DIR"] = str(self.dumps / ".cache")
        environment["CKPLD_STORE_PATH"] = str(self.dumps / ".store")
        environment["CKPLD_RELEASES_DIR"] = str(self.dumps / ".releases")
        if own_base:
            environment["CKPLD_BASE_IRI"] = self.url + "/"
        # No warming (ckpld.web.warming) unless a test asks for it: most servers here answer a
        # few requests, and seconds of rendering at each start would add minutes to the suite.
        # The shared `live_server` warms, as shipped.
        environment["CKPLD_WARM_SECONDS"] = "0"
        environment.update(env or {})
        # The server logs each request: to a file, as an unread pipe would fill up and block it.
        self.log = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group: stop() ends reloader children too
        )

    def output(self) -> str:
        """Everything the server has written so far (empty once stopped)."""
        if self.log.closed:
            return ""
        self.log.seek(0)
        return self.log.read()

    def wait_until_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"ckpld serve exited with {self.process.returncode}:\n{self.output()}"
                )
            try:
                requests.get(self.url + "/", timeout=2)
                return
            except requests.ConnectionError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("ckpld serve did not answer in time")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # anything left in the group
        self.log.close()
        if self.own_dumps:
            shutil.rmtree(self.dumps, ignore_errors=True)


class Listener:
    """A TCP listener on 127.0.0.1 (IPv4 and IPv6) that records whoever connects."""

    def __init__(self) -> None:
        self.v4 = socket.socket(socket.AF_INET)
        self.v4.bind(("127.0.0.1", 0))
        self.port = self.v4.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.v6 = socket.socket(socket.AF_INET6)
        self.v6.bind(("::1", self.port))
        self.connections: list[bytes] = []
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._accept, args=(s,)) for s in (self.v4, self.v6)
        ]
        for server, thread in zip((self.v4, self.v6), self._threads, strict=True):
            server.listen(16)
            server.settimeout(0.2)
            thread.start()

    def _accept(self, server: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = server.accept()
            except (TimeoutError, OSError):
                continue
            with connection:
                connection.settimeout(1)
                try:
                    self.connections.append(connection.recv(1024) or b"(nothing sent)")
                except OSError:
                    self.connections.append(b"(nothing sent)")

    def close(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()
        self.v4.close()
        self.v6.close()


@contextlib.contextmanager
def serving(*args: str, **kwargs: Any) -> Iterator[LiveServer]:
    """A started `LiveServer(*args, **kwargs)`, ready to answer, and stopped at the end."""
    server = LiveServer(*args, **kwargs)
    try:
        server.wait_until_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session", params=["memory", "disk", "remote", "oxigraph"])
def live_server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """The server on the embedded store in memory, on disk, and in front of two real remote
    stores holding the same data, Virtuoso and the Oxigraph server: every test that uses it runs
    against all four."""
    # Every test that uses it asks from 127.0.0.1: no per-client limit on this shared server.
    env = {"CKPLD_SPARQL_RATE_LIMIT": "0", "CKPLD_WARM_SECONDS": "3"}  # as shipped
    if request.param == "disk":
        env["CKPLD_STORE"] = "disk"
    if request.param == "remote":
        virtuoso = request.getfixturevalue("virtuoso")
        env.update({"CKPLD_STORE": "remote", "CKPLD_STORE_URL": virtuoso.endpoint})
    if request.param == "oxigraph":
        server = request.getfixturevalue("oxigraph")
        env.update({"CKPLD_STORE": "remote", "CKPLD_STORE_URL": server.endpoint})
    with serving("--workers", "2", env=env) as server:
        server.mode = request.param
        yield server


def cookbook_wrapper(server: LiveServer, name: str, fmt: str) -> SPARQLWrapper:
    """SPARQLWrapper set to ask `server` the cookbook query `name` for an answer in `fmt`."""
    sparql = SPARQLWrapper(server.url + "/sparql")
    sparql.setQuery((ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8"))
    sparql.setReturnFormat(fmt)
    return sparql


@pytest.fixture(scope="module")
def history_server(history: Settings) -> Iterator[LiveServer]:
    """A server of the three-release history of tests/history.py, its archive complete (the
    server only reads it), on its own dumps folder."""
    env = {**environment(history), "CKPLD_SPARQL_RATE_LIMIT": "0"}
    env.pop("CKPLD_DUMPS_DIR")
    server = LiveServer(env=env)
    try:
        server.wait_until_ready()
        yield server
    finally:
        server.stop()


VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def html_errors(files: list[str]) -> list[dict[str, Any]]:
    """What the Nu HTML Checker (vnu-jar, from the npm registry) finds wrong in `files`."""
    java = shutil.which("java")
    assert java and VNU.is_file(), "make test installs Java and vnu-jar"
    done = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    found: list[dict[str, Any]] = json.loads(done.stderr or '{"messages": []}')["messages"]
    return found
