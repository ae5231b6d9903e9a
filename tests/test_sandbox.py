"""The query process has no network: whatever the engine is asked, the kernel refuses the socket.

These tests hand queries to the store directly, past the reader that would refuse SERVICE: the
guarantee must hold when the reading is wrong.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import socket
import struct
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest

from ckpld.config import Settings
from ckpld.errors import BadQueryError, SandboxError
from ckpld.publish.publication import publish
from ckpld.store import sandbox
from ckpld.store.isolation import Pool
from ckpld.store.local import LocalStore
from tests.endpoint import OneRowEndpoint
from tests.terms import value_of


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


def test_allowed_services_work_with_the_sandbox_on() -> None:
    allowed = Settings(service_allowlist=("https://query.wikidata.org/sparql",))
    assert allowed.query_sandbox  # the default stays: the gate lets only those endpoints through
    sandbox.check(supervised=True)  # what `ckpld serve` proves before it starts with them


@pytest.fixture
def endpoints() -> Iterator[tuple[OneRowEndpoint, OneRowEndpoint]]:
    """Two endpoints: the first will be allowed, the second not."""
    pair = (OneRowEndpoint(), OneRowEndpoint())
    yield pair
    for endpoint in pair:
        endpoint.close()


def _call(url: str) -> str:
    return f"SELECT ?x WHERE {{ SERVICE <{url}> {{ ?x ?p ?o }} }}"


def test_a_confined_store_calls_its_allowed_endpoints_and_nothing_else(
    endpoints: tuple[OneRowEndpoint, OneRowEndpoint],
) -> None:
    allowed, other = endpoints
    listed = (f"http://127.0.0.1:{allowed.port}/sparql", f"http://localhost:{allowed.port}/q")
    store = LocalStore("http://x/", pool=Pool(services=listed))
    try:
        for url in listed:  # by address and by name
            rows = store.query(_call(url), timeout=10).rows
            assert [value_of(row[0]) for row in rows] == ["hello"]
        # Past the reader (which would refuse them with 403): the kernel refuses the
        # connection: another port of the same host, by address, by name, IPv4-mapped.
        for url in (
            f"http://127.0.0.1:{other.port}/sparql",
            f"http://localhost:{other.port}/sparql",
            f"http://[::ffff:127.0.0.1]:{other.port}/sparql",
        ):
            with pytest.raises(BadQueryError, match="SERVICE call failed"):
                store.query(_call(url), timeout=10)
        # An allowed call in the same query does not open the way for another.
        both = (
            f"SELECT * WHERE {{ SERVICE <{listed[0]}> {{ ?x ?p ?o }} "
            f"SERVICE <http://127.0.0.1:{other.port}/sparql> {{ ?y ?q ?z }} }}"
        )
        with pytest.raises(BadQueryError, match="SERVICE call failed"):
            store.query(both, timeout=10)
        # What a query may reach is what *it* calls: not what the previous one called.
        with pytest.raises(BadQueryError, match="SERVICE call failed"):
            store.query(_call(f"http://127.0.0.1:{allowed.port}/unlisted"), timeout=10)
    finally:
        store.close()
    assert other.paths == []
    assert allowed.paths == ["/sparql", "/q", "/sparql"]


def test_the_control_an_unconfined_store_reaches_the_other_endpoint(
    endpoints: tuple[OneRowEndpoint, OneRowEndpoint],
) -> None:
    allowed, other = endpoints
    pool = Pool(confined=False, services=(f"http://127.0.0.1:{allowed.port}/sparql",))
    store = LocalStore("http://x/", pool=pool)
    try:
        rows = store.query(_call(f"http://127.0.0.1:{other.port}/sparql"), timeout=10).rows
    finally:
        store.close()
    assert [value_of(row[0]) for row in rows] == ["hello"] and other.paths == ["/sparql"]


def _sockaddr_in(host: str, port: int) -> bytes:
    return struct.pack("=H", socket.AF_INET) + struct.pack("!H", port) + socket.inet_aton(host)


def _sendmmsg(sock: socket.socket, address: bytes) -> None:
    """One datagram with its own destination, by `sendmmsg` (how glibc asks name servers)."""
    libc = ctypes.CDLL(None, use_errno=True)
    name = ctypes.create_string_buffer(address + bytes(16 - len(address)), 16)
    data = ctypes.create_string_buffer(b"x", 1)
    iovec = (ctypes.c_void_p * 2)(ctypes.addressof(data), 1)
    message = sandbox._MultiMessageHeader()
    message.header.name = ctypes.addressof(name)
    message.header.namelen = 16
    message.header.iov = ctypes.addressof(iovec)
    message.header.iovlen = 1
    if libc.sendmmsg(sock.fileno(), ctypes.byref(message), 1, 0) < 0:
        number = ctypes.get_errno()
        raise OSError(number, os.strerror(number))


def test_the_gate_reads_every_way_of_naming_a_destination() -> None:
    allowed = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    allowed.bind(("127.0.0.1", 0))
    target = allowed.getsockname()
    stream = socket.socket()
    stream.bind(("127.0.0.1", 0))
    stream.listen(4)
    reachable = stream.getsockname()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - reports through the pipe
        report = []
        try:
            gate = sandbox.confine(keep=(writer,), supervised=True)
            assert gate is not None
            threading.Thread(target=gate.serve, daemon=True).start()
            gate.allowed = frozenset({target, reachable})
            elsewhere = ("127.0.0.1", target[1] + 1 if target[1] < 65535 else 1)
            mapped = ("::ffff:127.0.0.1", elsewhere[1])
            attempts: dict[str, Callable[[socket.socket], object]] = {
                "sendto": lambda s: s.sendto(b"x", elsewhere),
                "sendmsg": lambda s: s.sendmsg([b"x"], [], 0, elsewhere),
                "sendmmsg": lambda s: _sendmmsg(s, _sockaddr_in(*elsewhere)),
                "connect": lambda s: s.connect(elsewhere),
            }
            for name, attempt in attempts.items():
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                    try:
                        attempt(sock)
                        report.append(f"{name} to a refused address went through")
                    except PermissionError:
                        pass
            with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as sock:
                try:
                    sock.sendto(b"x", mapped)
                    report.append("an IPv4-mapped IPv6 address went through")
                except PermissionError:
                    pass
                sock.sendto(b"x", ("::ffff:127.0.0.1", target[1]))  # mapped, but allowed
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                sock.sendto(b"x", target)
                sock.sendmsg([b"x"], [], 0, target)
                _sendmmsg(sock, _sockaddr_in(*target))
                sock.connect(target)
                sock.send(b"x")  # connected: no destination of its own to ask about
            socket.create_connection(reachable, timeout=5).close()
            for family, kind in (
                (socket.AF_INET, socket.SOCK_RAW),
                (socket.AF_PACKET, socket.SOCK_RAW),
                (socket.AF_NETLINK, socket.SOCK_DGRAM),
            ):
                try:
                    socket.socket(family, kind).close()
                    report.append(f"a socket of family {family} type {kind} opened")
                except PermissionError:
                    pass
            with socket.socket() as server:
                server.bind(("127.0.0.1", 0))
                try:
                    server.listen(1)
                    report.append("a query process could listen")
                except PermissionError:
                    pass
        except BaseException as err:
            report.append(repr(err))
        os.write(writer, "; ".join(report).encode() or b"ok")
        os._exit(0)
    os.close(writer)
    answer = os.read(reader, 4096)
    os.waitpid(pid, 0)
    os.close(reader)
    datagrams: list[bytes] = []
    allowed.settimeout(1)
    with contextlib.suppress(TimeoutError):
        while len(datagrams) < 5:
            datagrams.append(allowed.recv(16))
    allowed.close()
    stream.close()
    assert answer == b"ok"
    assert datagrams == [b"x"] * 5  # the allowed ones arrived: the gate let them through
