"""No network for the process that runs queries: a seccomp filter, enforced by the kernel.

The embedded engine (pyoxigraph) calls any `SERVICE <endpoint>` a query names, over HTTP, from
the process that evaluates the query. Reading the query first (ckpld.store.query_text) refuses such
calls, but a reading can be wrong; the filter makes the outcome independent of it. Once
`confine()` has run, the kernel answers EACCES to every attempt of this process (and of the
threads and processes it starts) to open a socket other than a local (AF_UNIX) one, and to set
up io_uring, which could open sockets without the `socket` system call. No address inside or
outside the machine can be reached, whatever text the engine was given. Sockets the process
already holds are closed first (a forked process inherits its parent's: the listening socket,
clients' connections).

When the operator allows SERVICE calls to some endpoints (`service_allowlist`), a query process
needs the network for those, and only for those: `confine(supervised=True)` then lets it open
TCP and UDP sockets, but every `connect`, and every `sendto`, `sendmsg` or `sendmmsg` that names a
destination, waits for a `Gate` (a thread of the same process, outside the engine) to read the
address from the caller's memory and say yes or no (seccomp user notification, Linux 5.0 and
later). The gate says yes only to the addresses `lookup()` found for the endpoints the current
query calls (looked up by the worker just before the query, on the endpoints' ports) and to the
name servers of /etc/resolv.conf on port 53 (the engine looks the names up itself). A redirect
elsewhere, a name that resolves to an inner address afterwards, a second endpoint the reading
missed: each is refused by the kernel.

The filter is applied through libseccomp (Debian's libseccomp2, PyPI's pyseccomp); Linux 3.5 and
later enforce it. `check()` proves at start-up that it holds on this machine.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import ipaddress
import os
import socket
import stat
import struct
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ckpld.errors import SandboxError

# Loaded here, once, in the process that starts the server: finding the library runs
# `ldconfig`, which a query process (forked from a gevent worker) must not do.
_MISSING = ""  # why the library could not be loaded
try:
    import pyseccomp as _seccomp
except (ImportError, OSError) as _err:  # no libseccomp on this machine
    _seccomp = None
    _MISSING = str(_err)

# Socket families that stay allowed: local sockets reach no network.
_LOCAL = socket.AF_UNIX
# What a supervised process may open besides: TCP and UDP over IPv4 and IPv6 (no raw sockets,
# which send without `connect`; no other families, which the gate could not read).
_INET = (socket.AF_INET, socket.AF_INET6)
_TYPES = (socket.SOCK_STREAM, socket.SOCK_DGRAM)
_TYPE_MASK = 0xF  # the type without SOCK_NONBLOCK / SOCK_CLOEXEC
_CONTINUE = 1  # SECCOMP_USER_NOTIF_FLAG_CONTINUE: let the call run as the caller made it

Address = tuple[str, int]  # an IP address as text (IPv4 also when IPv4-mapped) and a port


def confine(keep: tuple[int, ...] = (), supervised: bool = False) -> Gate | None:
    """Close every inherited socket but `keep`, then forbid this process new network sockets;
    `supervised`: forbid every destination but those its `Gate` allows (returned, to be served
    by a thread of this process that never connects anywhere itself).

    Raises:
        SandboxError: the filter cannot be installed (no libseccomp, a kernel without seccomp
            or, when supervised, without seccomp user notification).
    """
    _close_sockets(keep)
    seccomp = _seccomp
    if seccomp is None:
        raise SandboxError(f"libseccomp is not available ({_MISSING})")
    try:
        rules = seccomp.SyscallFilter(seccomp.ALLOW)  # sets no_new_privs, as seccomp requires
        denied = seccomp.ERRNO(errno.EACCES)
        if supervised:
            _supervised_rules(seccomp, rules)
        else:
            rules.add_rule(denied, "socket", seccomp.Arg(0, seccomp.NE, _LOCAL))
        for call in ("io_uring_setup", "io_uring_enter", "io_uring_register"):
            with contextlib.suppress(ValueError, RuntimeError):  # absent on old kernels' tables
                rules.add_rule(seccomp.ERRNO(errno.ENOSYS), call)
        rules.load()
        return Gate(seccomp, rules) if supervised else None
    except (OSError, RuntimeError, ValueError, NotImplementedError) as err:
        raise SandboxError(f"the kernel refused the seccomp filter ({err})") from err


def _supervised_rules(seccomp: Any, rules: Any) -> None:
    """Sockets of the local, IPv4 and IPv6 families, stream or datagram only; destinations
    asked of the gate."""
    denied, ask, arg = seccomp.ERRNO(errno.EACCES), seccomp.NOTIFY, seccomp.Arg
    families = (_LOCAL, *_INET)
    for family in range(max(families)):
        if family not in families:
            rules.add_rule(denied, "socket", arg(0, seccomp.EQ, family))
    rules.add_rule(denied, "socket", arg(0, seccomp.GT, max(families)))
    for kind in range(_TYPE_MASK + 1):
        if kind not in _TYPES:
            rules.add_rule(
                denied,
                "socket",
                arg(0, seccomp.NE, _LOCAL),
                arg(1, seccomp.MASKED_EQ, _TYPE_MASK, kind),
            )
    rules.add_rule(ask, "connect")
    rules.add_rule(ask, "sendto", arg(4, seccomp.NE, 0))  # with a destination of its own
    rules.add_rule(ask, "sendmsg")
    rules.add_rule(ask, "sendmmsg")
    for call in ("listen", "accept", "accept4"):
        rules.add_rule(denied, call)


class _MessageHeader(ctypes.Structure):  # struct msghdr
    _fields_ = [
        ("name", ctypes.c_void_p),
        ("namelen", ctypes.c_uint32),
        ("iov", ctypes.c_void_p),
        ("iovlen", ctypes.c_size_t),
        ("control", ctypes.c_void_p),
        ("controllen", ctypes.c_size_t),
        ("flags", ctypes.c_int),
    ]


class _MultiMessageHeader(ctypes.Structure):  # struct mmsghdr
    _fields_ = [("header", _MessageHeader), ("length", ctypes.c_uint)]


_MOST_MESSAGES = 1024  # UIO_MAXIOV: sendmmsg sends no more at once
_SOCKADDR_MOST = 128  # sizeof(struct sockaddr_storage)


class Gate:
    """Says which destinations a supervised process may connect or send to: `allowed`.

    `serve()` answers the kernel's questions until the process ends. The caller's memory is
    read through /proc/self/mem (a bad pointer is an error, not a crash), and a question whose
    caller has gone meanwhile is dropped. Addresses are read before the call goes on, so a
    process whose own code rewrote them in between could pass: the gate guards against what a
    query makes the engine do, not against code running in the process.
    """

    def __init__(self, seccomp: Any, rules: Any) -> None:
        self._seccomp = seccomp
        self._rules = rules
        self._memory = os.open("/proc/self/mem", os.O_RDONLY | os.O_CLOEXEC)
        self.allowed: frozenset[Address] = frozenset()
        arch = seccomp.system_arch()
        self._calls: dict[int, str] = {
            seccomp.resolve_syscall(arch, name): name
            for name in ("connect", "sendto", "sendmsg", "sendmmsg")
        }

    def serve(self) -> None:
        """Answer the kernel until the process ends (or the filter's channel closes: then the
        calls waiting for an answer fail, as they do when nobody answers)."""
        response = self._seccomp.NotificationResponse
        failures = 0
        while failures < 100:
            try:
                note = self._rules.receive_notify()
            except OSError:  # the caller was interrupted before its question was read
                failures += 1
                continue
            failures = 0
            yes = self.permits(self._calls.get(note.syscall, ""), note.syscall_args)
            if yes:
                answer = response(0, _CONTINUE, note.id, 0)
            else:
                answer = response(-errno.EACCES, 0, note.id, 0)
            with contextlib.suppress(OSError):  # the caller has gone meanwhile
                self._rules.respond_notify(answer)

    def permits(self, call: str, args: list[int]) -> bool:
        """Whether the system call `call` with `args` goes only where it may."""
        try:
            return all(self._may_reach(address) for address in self._destinations(call, args))
        except (OSError, ValueError, struct.error):  # unreadable: refused
            return False

    def _destinations(self, call: str, args: list[int]) -> list[bytes]:
        """The socket addresses (raw) the call names."""
        if call == "connect":
            return [self._read(args[1], min(args[2], _SOCKADDR_MOST))]
        if call == "sendto":
            return [self._read(args[4], min(args[5], _SOCKADDR_MOST))]
        if call == "sendmsg":
            headers = [self._header(args[1])]
        elif call == "sendmmsg":
            size = ctypes.sizeof(_MultiMessageHeader)
            headers = [
                self._header(args[1] + index * size)
                for index in range(min(args[2], _MOST_MESSAGES))
            ]
        else:
            raise ValueError(f"not a call the gate answers: {call!r}")
        return [
            self._read(header.name, min(header.namelen, _SOCKADDR_MOST))
            for header in headers
            if header.name
        ]

    def _header(self, pointer: int) -> _MessageHeader:
        return _MessageHeader.from_buffer_copy(self._read(pointer, ctypes.sizeof(_MessageHeader)))

    def _read(self, pointer: int, size: int) -> bytes:
        data = os.pread(self._memory, size, pointer)
        if len(data) < size:
            raise ValueError("the address could not be read whole")
        return data

    def _may_reach(self, raw: bytes) -> bool:
        (family,) = struct.unpack_from("=H", raw)
        if family in (socket.AF_UNSPEC, socket.AF_UNIX):  # no network: a disconnect, a local file
            return True
        if family == socket.AF_INET:
            port, packed = struct.unpack_from("!H4s", raw, 2)
        elif family == socket.AF_INET6:
            port, packed = struct.unpack_from("!H4x16s", raw, 2)
        else:
            return False
        return (_text(packed), port) in self.allowed


def _text(packed: bytes) -> str:
    """An IP address as text; an IPv4-mapped IPv6 address as the IPv4 address it is."""
    address = ipaddress.ip_address(packed)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


def lookup(endpoints: Iterable[str]) -> frozenset[Address]:
    """The addresses a query that calls `endpoints` may reach now: their hosts' addresses on
    their ports, and the name servers' (port 53), which the engine asks for those addresses.

    A host that cannot be looked up adds nothing: its calls then fail.
    """
    found: set[Address] = set()
    for endpoint in endpoints:
        parts = urlsplit(endpoint)
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            answers = socket.getaddrinfo(parts.hostname or "", port, proto=socket.IPPROTO_TCP)
        except (OSError, ValueError):
            continue
        for _family, _type, _proto, _name, where in answers:
            found.add((_text(ipaddress.ip_address(str(where[0]).split("%")[0]).packed), port))
    if found:
        found.update((server, 53) for server in name_servers())
    return frozenset(found)


def name_servers(config: Path = Path("/etc/resolv.conf")) -> tuple[str, ...]:
    """The name servers this machine's resolver asks (its default, 127.0.0.1, when none is
    named)."""
    servers = []
    with contextlib.suppress(OSError):
        for line in config.read_text(encoding="utf-8", errors="replace").splitlines():
            words = line.split()
            if len(words) >= 2 and words[0] == "nameserver":
                with contextlib.suppress(ValueError):
                    servers.append(_text(ipaddress.ip_address(words[1].split("%")[0]).packed))
    return tuple(servers) or ("127.0.0.1",)


def check(supervised: bool = False) -> None:
    """Prove that `confine` holds here: a forked process confines itself and tries to open a
    TCP socket, which must be refused; `supervised`: tries to connect to an address its gate
    allows, which must work, and to the same address once the gate no longer allows it, and
    to send a datagram there, which must be refused.

    Raises:
        SandboxError: the filter cannot be installed, or a connection was made despite it.
    """
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    target = server.getsockname()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        try:  # whatever happens, the child never returns into its parent's code
            os.close(reader)
            os.write(writer, _try_confined(writer, target if supervised else None)[:4096])
        finally:
            os._exit(0)
    os.close(writer)
    try:
        said = os.read(reader, 4096).decode(errors="replace")
    finally:
        os.close(reader)
        os.waitpid(pid, 0)
        server.close()
    if said != "ok":
        raise SandboxError(
            "the kernel cannot keep query processes off the network here "
            f"({said or 'the test process died'}); set query_sandbox = false to serve "
            "without that guard"
        )


def _try_confined(writer: int, target: Address | None) -> bytes:  # pragma: no cover - a child
    """b"ok" when, once confined, this process cannot reach the network (with a gate: but
    `target`, while the gate allows it); else why."""
    try:
        gate = confine(keep=(writer,), supervised=target is not None)
        if gate is None or target is None:
            try:
                socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
                return b"a TCP socket could still be opened"
            except PermissionError:
                return b"ok"
        threading.Thread(target=gate.serve, daemon=True).start()
        gate.allowed = frozenset({target})
        with socket.create_connection(target, timeout=5):
            pass  # allowed, and reached
        gate.allowed = frozenset()
        try:
            socket.create_connection(target, timeout=5).close()
            return b"a connection the gate did not allow was made"
        except PermissionError:
            pass
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as datagrams:
            try:
                datagrams.sendto(b"x", target)
                return b"a datagram the gate did not allow was sent"
            except PermissionError:
                return b"ok"
    except SandboxError as err:
        return err.detail.encode()
    except BaseException as err:  # anything else: reported, never raised in the child
        return f"{type(err).__name__}: {err}".encode()


def _close_sockets(keep: tuple[int, ...]) -> None:
    """Close the sockets among this process's open files (pipes and files stay open)."""
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return
    for name in names:
        fd = int(name)
        if fd in keep:
            continue
        with contextlib.suppress(OSError):
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.close(fd)
