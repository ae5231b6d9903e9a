"""The query process has no network: whatever the engine is asked, the kernel refuses the socket.

These tests hand queries to the store directly, past the reader that would refuse SERVICE: the
guarantee must hold when the reading is wrong.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from dataclasses import replace

import pytest

from ckpld.config import Settings
from ckpld.errors import BadQueryError, ConfigError, SandboxError
from ckpld.publication import publish
from ckpld.store import sandbox
from ckpld.store.isolation import Pool
from ckpld.store.local import LocalStore


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A TCP listener on 127.0.0.1 that records whatever connects: its port and the records."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    seen: list[bytes] = []
    done = threading.Event()

    def accept() -> None:
        while not done.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            seen.append(conn.recv(200))
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], seen
    done.set()
    thread.join()
    server.close()


def test_the_kernel_enforces_the_filter_here() -> None:
    sandbox.check()  # raises when it cannot: then `ckpld serve` refuses to start


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
def test_a_service_call_reaches_nothing(listener: tuple[int, list[bytes]], host: str) -> None:
    port, seen = listener
    store = LocalStore("http://x/")
    try:
        with pytest.raises(BadQueryError, match="SERVICE call failed"):
            store.query(
                f"SELECT * WHERE {{ SERVICE <http://{host}:{port}/x> {{ ?s ?p ?o }} }}",
                timeout=10,
            )
        assert store.query("ASK {}", timeout=10).boolean is True  # the process still serves
    finally:
        store.close()
    assert seen == []


def test_an_unconfined_store_would_call_out(listener: tuple[int, list[bytes]]) -> None:
    # The control: without the filter the same query connects, so the test above means something.
    port, seen = listener
    store = LocalStore("http://x/", pool=Pool(confined=False))
    try:
        with pytest.raises(BadQueryError):
            store.query(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}")
    finally:
        store.close()
    assert seen and seen[0].startswith(b"POST /x ")


def test_inherited_sockets_are_closed_and_no_new_ones_open() -> None:
    held = socket.socket()
    held.bind(("127.0.0.1", 0))
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - reports through the pipe
        report = b""
        try:
            sandbox.confine(keep=(writer,))
            try:
                os.fstat(held.fileno())
                report += b"inherited socket open;"
            except OSError:
                pass
            for family in (socket.AF_INET, socket.AF_INET6, socket.AF_PACKET, socket.AF_NETLINK):
                try:
                    socket.socket(family, socket.SOCK_DGRAM).close()
                    report += f"family {family} opened;".encode()
                except PermissionError:
                    pass
            socket.socket(socket.AF_UNIX).close()  # local sockets reach no network
        except BaseException as err:
            report += repr(err).encode()
        os.write(writer, report or b"ok")
        os._exit(0)
    os.close(writer)
    answer = os.read(reader, 4096)
    os.waitpid(pid, 0)
    os.close(reader)
    held.close()
    assert answer == b"ok"


def test_without_libseccomp_the_server_does_not_start(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox, "_seccomp", None)  # as if the library were missing
    monkeypatch.setattr(sandbox, "_MISSING", "libseccomp.so.2: cannot open shared object file")
    with pytest.raises(SandboxError, match="query_sandbox = false") as caught:
        publish(settings)
    assert caught.value.exit_code == 2
    publish(replace(settings, query_sandbox=False))  # the operator's explicit opt-out


def test_allowed_services_need_the_sandbox_off() -> None:
    with pytest.raises(ConfigError, match="query_sandbox = false"):
        Settings(service_allowlist=("https://query.wikidata.org/sparql",))
    Settings(service_allowlist=("https://query.wikidata.org/sparql",), query_sandbox=False)
