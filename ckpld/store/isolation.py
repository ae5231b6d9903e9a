"""Queries in a child process that can be killed: a timeout that really stops the work.

pyoxigraph cannot cancel a running query, and abandoning a thread would leave it computing. So
each process that serves queries forks one child (sharing the store copy-on-write), hands it
queries over a pipe and waits at most the timeout; a child that is late is killed and replaced.
The child may use at most `QUERY_MEMORY` bytes more than it started with: a query that wants
more (a sort of a cross product, a string doubled thirty times) is stopped before it takes the
machine's memory. A child that dies during a query (the engine's stack overflows on queries
nested thousands of levels deep; an allocation beyond the limit aborts it) is replaced, and the
query answered with an error that says so. Answers larger than `ANSWER_BYTES` are not handed
over: the parent, which writes them out, holds and formats at most that much.
"""

from __future__ import annotations

import contextlib
import ctypes
import faulthandler
import functools
import math
import os
import pickle
import re
import resource
import select
import signal
import struct
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ckpld.errors import (
    BadQueryError,
    BusyError,
    CkpldError,
    QueryMemoryError,
    QueryTimeoutError,
    SandboxError,
)
from ckpld.store import ANSWER_BYTES
from ckpld.store.sandbox import Gate, confine, lookup

_HEADER = struct.Struct("!Q")
_PR_SET_PDEATHSIG = 1
QUERY_MEMORY = 1 << 30  # bytes of memory a query may allocate (beyond what its process shares)


def _size(count: int) -> str:
    return f"{count / (1 << 30):g} GiB" if count >= 1 << 30 else f"{count / (1 << 20):.0f} MiB"


@dataclass(frozen=True)
class Pool:
    """How a store runs queries: `size` processes per server process, `queue` more calls may
    wait, whether the processes are `confined` (no network) and, if so, the `services` they may
    still call (SERVICE endpoints; their addresses only, see ckpld.store.sandbox)."""

    size: int = 1
    queue: int = 4
    confined: bool = True
    services: tuple[str, ...] = ()

    @property
    def supervised(self) -> bool:
        """Whether the processes reach the network through a gate (not at all otherwise)."""
        return self.confined and bool(self.services)


DEFAULT_POOL = Pool()


class QueryRunner:
    """Runs `execute(request)` in child processes, with a deadline per call: a bounded pool.

    At most `size` children of this process run queries at once; at most `queue` more calls
    wait for one (each no longer than its timeout). Any further call is refused at once with
    `BusyError`, so that a flood of slow queries costs a bounded amount of work and memory and
    the rest of the server keeps answering. Children are `confined` (the default): they have no
    network (ckpld.store.sandbox). They run at a lower CPU priority than their parent.

    The pool's state is made in the process that uses it, on first use: a pool made before a
    fork (gunicorn's preloaded application) starts its own children and, under gevent, its own
    cooperative locks in each worker. A child dies with the thread that forked it
    (PR_SET_PDEATHSIG): use a pool from one thread, as gevent's and sync workers do.
    """

    def __init__(self, execute: Callable[[Any], Any], pool: Pool = DEFAULT_POOL) -> None:
        self._execute = execute
        self._pool = pool
        self._size = pool.size
        self._queue = pool.queue
        self._state: _PoolState | None = None

    @property
    def supervised(self) -> bool:
        """Whether a query may reach some endpoints (`run`'s `services`)."""
        return self._pool.supervised

    def run(self, request: Any, timeout: float, services: Sequence[str | None] = ()) -> Any:
        """A child's answer to `request`, which may reach the SERVICE endpoints `services` it
        calls that the pool allows (their addresses, looked up now); no other address.

        The time spent waiting for a child counts: the answer comes within `timeout`.

        Raises:
            BusyError: every child is busy and the queue is full, or no child came free in time.
            QueryTimeoutError: no answer within `timeout` seconds (the child was killed).
            QueryMemoryError: the query needed more than `QUERY_MEMORY` bytes (the child stopped).
            BadQueryError: the child found the query malformed or impossible to run, or crashed
                on it.
            CkpldError: any other error of ckpld's that the child raised.
        """
        allowed = [s for s in services if s is not None and s in self._pool.services]
        state = self._here()
        with state.lock:
            if state.admitted >= self._size + self._queue:
                raise BusyError(_BUSY, max(1, math.ceil(timeout)))
            state.admitted += 1
        try:
            started = time.monotonic()
            # Looked up once admitted (a flood cannot make lookups), on the query's time.
            reach = lookup(allowed) if self.supervised and allowed else frozenset()
            if not state.slots.acquire(timeout=max(0.0, timeout - (time.monotonic() - started))):
                raise BusyError(_BUSY, max(1, math.ceil(timeout)))
            try:
                with state.lock:
                    child = state.idle.pop() if state.idle else _Child(self._execute, self._pool)
                try:
                    left = max(0.0, timeout - (time.monotonic() - started))
                    return child.ask((reach, request), left, timeout)
                finally:
                    with state.lock:
                        state.idle.append(child)
            finally:
                state.slots.release()
        finally:
            with state.lock:
                state.admitted -= 1

    def warm(self) -> None:
        """Start this process's children now, before the first query needs one: a worker that
        replaces another (max_requests) takes its first queries with its processes ready,
        instead of forking them while the queries wait."""
        state = self._here()
        with state.lock:
            while len(state.idle) < self._size:
                child = _Child(self._execute, self._pool)
                child.start()
                state.idle.append(child)

    def pids(self) -> list[int]:
        """The process ids of this process's living children (idle ones)."""
        state = self._state
        if state is None or state.owner != os.getpid():
            return []
        return [child.pid for child in state.idle if child.pid]

    def close(self) -> None:
        """Stop this process's children, if any."""
        state = self._state
        if state is not None and state.owner == os.getpid():
            with state.lock:
                for child in state.idle:
                    child.kill()

    def _here(self) -> _PoolState:
        state = self._state
        if state is None or state.owner != os.getpid():
            state = self._state = _PoolState(self._size)
        return state


_BUSY = (
    "every query process of this server is busy and the queue is full; try again shortly, "
    "or ask for less (LIMIT, more specific patterns)"
)


class _PoolState:
    """A pool's locks, counters and idle children in the process that made them."""

    def __init__(self, size: int) -> None:
        self.owner = os.getpid()
        self.lock = threading.Lock()
        self.slots = threading.BoundedSemaphore(size)
        self.idle: list[_Child] = []
        self.admitted = 0  # calls running or waiting


class _Child:
    """One child process that answers requests over a pair of pipes."""

    def __init__(self, execute: Callable[[Any], Any], pool: Pool) -> None:
        self._execute = execute
        self._pool = pool
        self.pid = 0
        self._to_child = -1
        self._from_child = -1

    def ask(self, request: Any, left: float, timeout: float) -> Any:
        """The answer within `left` seconds (of the query's `timeout`)."""
        self._ensure()
        try:
            _send(self._to_child, request)
            outcome, value = _receive(self._from_child, time.monotonic() + left)
        except TimeoutError as err:
            self.kill(wait=False)
            raise QueryTimeoutError(
                f"the query ran longer than {timeout:g} s and was stopped; "
                "narrow it down (LIMIT, more specific patterns) and try again"
            ) from err
        except (OSError, EOFError) as err:  # the child died: how says why
            raise _death(self.kill(), err) from err
        if outcome == "memory":  # the next query gets a new child, with all its memory
            self.kill(wait=False)
            raise QueryMemoryError(_TOO_MUCH)
        if outcome == "large":
            raise QueryMemoryError(
                f"the answer is {_size(value)}, more than the {_size(ANSWER_BYTES)} this "
                "server sends; ask for less (LIMIT, fewer or shorter values)"
            )
        if outcome == "bad":
            raise BadQueryError(value)
        if outcome == "raise":
            raise value
        if outcome == "error":
            raise RuntimeError(f"the query process failed: {value}")
        if outcome == "unconfined":
            raise SandboxError(f"queries are not run: their process cannot be confined ({value})")
        return value

    def start(self) -> None:
        """Fork the child now if it is not running (else at the first `ask`)."""
        self._ensure()

    def _ensure(self) -> None:
        _reap()
        if self.pid:
            try:
                if os.waitpid(self.pid, os.WNOHANG)[0] == 0:
                    return  # alive
            except ChildProcessError:
                pass
            self._forget()  # it died between queries (killed from outside): start another
        child_in, parent_out = os.pipe()
        parent_in, child_out = os.pipe()
        pid = _plain_fork()
        if pid == 0:  # pragma: no cover - runs in the child, measured by the tests' outcomes
            try:  # whatever happens, the child never returns into its parent's code
                os.close(parent_out)
                os.close(parent_in)
                _serve(self._execute, child_in, child_out, self._pool)
            finally:
                os._exit(1)
        os.close(child_in)
        os.close(child_out)
        self.pid = pid
        self._to_child, self._from_child = parent_out, parent_in

    def kill(self, wait: bool = True) -> int | None:
        """Kill the child and reap it; its wait status (None: none, already reaped, or not
        waited for).

        `wait=False` leaves the reaping for later (`_reap`): a process that held a lot of
        memory takes a while to give it back, at its low priority, and a worker must not stop
        serving meanwhile (under gevent, waiting here would hold every request of the worker).
        """
        if not self.pid:
            return None
        status = None
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)  # a child that already exited keeps its status
        if wait:
            with contextlib.suppress(ChildProcessError):
                status = os.waitpid(self.pid, 0)[1]
        else:
            _UNREAPED.append(self.pid)
        self._forget()
        return status

    def _forget(self) -> None:
        """Close the pipes to a child that is gone (reaped: its pid may be another's now)."""
        for fd in (self._to_child, self._from_child):
            with contextlib.suppress(OSError):
                os.close(fd)
        self.pid = 0


_TOO_MUCH = (
    f"the query needed more than {_size(QUERY_MEMORY)} of memory and was stopped; narrow it "
    "down (LIMIT, more specific patterns, no ORDER BY or GROUP BY over everything) and try again"
)


_UNREAPED: list[int] = []  # killed children not waited for yet, of this process


def _reap() -> None:
    """Collect the killed children that have finished exiting, without waiting for the rest."""
    for pid in list(_UNREAPED):
        try:
            done = os.waitpid(pid, os.WNOHANG)[0] != 0
        except ChildProcessError:
            done = True
        if done:
            _UNREAPED.remove(pid)


def _unpatched(module: str, name: str) -> Any:
    """`module.name` as Python has it, also in a gevent worker (which patched it)."""
    monkey = sys.modules.get("gevent.monkey")
    return monkey.get_original(module, name) if monkey else getattr(sys.modules[module], name)


def _plain_fork() -> int:
    """`os.fork` as the operating system does it, also in a gevent worker.

    gevent's own fork restarts its event loop in the child, which would then watch sockets the
    child closes (ckpld.store.sandbox) and abort. A query process never runs that loop: it
    blocks on its pipe, and only on it.
    """
    fork: Callable[[], int] = _unpatched("os", "fork")
    return fork()


def _death(status: int | None, err: Exception) -> Exception:
    """The error for a child that died during a query, from its wait status."""
    number = os.WTERMSIG(status) if status is not None and os.WIFSIGNALED(status) else 0
    if number == signal.SIGABRT:  # how the engine (Rust) ends when an allocation fails
        return QueryMemoryError(_TOO_MUCH)
    if number == signal.SIGKILL:  # from outside (the kernel short of memory, an operator)
        return BusyError("the query process was stopped from outside; try again", 1)
    if number in (signal.SIGSEGV, signal.SIGBUS):  # its stack overflowed (or worse)
        return BadQueryError(
            f"the query engine crashed on this query ({signal.Signals(number).name}), as it does "
            "on queries nested too deeply (thousands of nested groups, brackets, operators or "
            "UNIONs); write it with less nesting"
        )
    return RuntimeError(f"the query process failed: {err} (wait status {status})")


def _serve(
    execute: Callable[[Any], Any], requests: int, answers: int, pool: Pool
) -> None:  # pragma: no cover
    """The child's loop: answer requests until the parent goes away, then exit.

    A child that is to be confined and cannot be answers every request with that reason. A
    supervised child's first thread serves its gate while another answers the requests.
    """
    _leave_the_event_loop()
    for number in (signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(number, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    faulthandler.disable()  # a crash here answers a query (see `_death`): no traceback to print
    # Nor a Rust backtrace: printed when an allocation fails, it needs memory the process no
    # longer has, and crashes (SIGSEGV) instead of aborting (SIGABRT, read as "out of memory").
    os.environ["RUST_BACKTRACE"] = "0"
    with contextlib.suppress(OSError):
        os.nice(10)  # pages and documents first: the parent's work is short, a query's may not be
    with contextlib.suppress(OSError, AttributeError):  # Linux: die with the parent
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    limit_memory(QUERY_MEMORY)
    unconfined = ""
    gate = None
    if pool.confined:
        try:
            gate = confine(keep=(requests, answers), supervised=pool.supervised)
        except SandboxError as err:
            unconfined = err.detail
    # The engine draws random values (RAND, UUID, STRUUID, blank nodes) from a generator kept
    # per thread and seeded once: a forked process inherits its parent's, so every query
    # process of a worker would draw the same values. A new native thread seeds its own.
    # That thread ends the process when it is done (os._exit); this one only waits for it.
    forever = _unpatched("_thread", "allocate_lock")()
    forever.acquire()
    _unpatched("_thread", "start_new_thread")(
        _answer_requests, (execute, requests, answers, unconfined, gate)
    )
    if gate is not None:
        gate.serve()
    forever.acquire()


def _answer_requests(
    execute: Callable[[Any], Any], requests: int, answers: int, unconfined: str, gate: Gate | None
) -> None:  # pragma: no cover - runs in the child
    """Answer requests until the parent goes away, then end the process."""
    try:
        while True:
            try:
                reach, request = _receive(requests)
            except EOFError:
                break
            try:
                if unconfined:
                    answer: tuple[str, Any] = ("unconfined", unconfined)
                else:
                    if gate is not None:
                        gate.allowed = reach
                    answer = ("ok", execute(request))
            except BadQueryError as err:
                answer = ("bad", err.detail)
            except MemoryError:
                answer = ("memory", "")
            except CkpldError as err:  # raised again in the parent (one-argument errors pickle)
                answer = ("raise", err)
            except Exception as err:  # the parent reports it; the child keeps serving
                answer = ("error", f"{type(err).__name__}: {err}")
            finally:
                if gate is not None:
                    gate.allowed = frozenset()
            try:
                _send(answers, answer, ANSWER_BYTES)
            except MemoryError:  # pickling the answer needed more than was left
                _send(answers, ("memory", ""))
    finally:
        os._exit(0)


def _leave_the_event_loop() -> None:  # pragma: no cover - runs in the child
    """Make sure a child of a gevent worker never runs the worker's event loop.

    That loop watches the worker's listening socket and its clients: run in the child, it
    could answer HTTP requests there, or abort on the sockets `confine` closed. Anything that
    would wait on it fails instead (and the query with it).
    """
    hubs = sys.modules.get("gevent._hub_local")
    hub = hubs.get_hub_if_exists() if hubs else None
    if hub is not None:

        def refuse(*_: Any) -> None:
            raise RuntimeError("a query process may not wait on its worker's event loop")

        hub.switch = refuse


def limit_memory(extra: int) -> None:
    """At most `extra` more bytes of private memory for this process; no core dumps.

    RLIMIT_DATA (Linux 4.7 and later) counts the private writable memory, which a forked
    process shares copy-on-write with its parent at first: the limit is what it has now plus
    `extra`. Files mapped read-only (an on-disk store) do not count. Only the soft limit is
    set, so a process forked from this one can set its own.
    """
    with contextlib.suppress(OSError, ValueError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash writes no core file
        with open("/proc/self/status", encoding="ascii") as status:
            found = re.search(r"^VmData:\s+(\d+) kB", status.read(), re.MULTILINE)
        if found:
            limit = int(found.group(1)) * 1024 + extra
            hard = resource.getrlimit(resource.RLIMIT_DATA)[1]
            if hard != resource.RLIM_INFINITY:
                limit = min(limit, hard)
            resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


def _send(fd: int, value: Any, most: int | None = None) -> None:
    """Write `value`; when it takes more than `most` bytes, ("large", its size) instead. The
    length and the value go in one system call (one wake-up of the reader) when the pipe takes
    them whole."""
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    if most is not None and len(data) > most:
        data = pickle.dumps(("large", len(data)), protocol=pickle.HIGHEST_PROTOCOL)
    header = _HEADER.pack(len(data))
    sent = os.writev(fd, [header, data])
    if sent < len(header) + len(data):  # a large value: the pipe took part of it
        rest = memoryview(header + data)[sent:]
        while rest:
            written = os.write(fd, rest)
            rest = rest[written:]


def _receive(fd: int, deadline: float | None = None) -> Any:
    """The next value from `fd`; by `deadline` (time.monotonic()) if one is given, else
    TimeoutError. With a deadline, each read waits first (under gevent, on the worker's event
    loop, which serves others meanwhile: a query process at its low priority may write its
    answer slowly); without one (in the child) the reads simply block. A small value arrives in
    one read: the other end writes one value and then waits for the reply."""
    received = _read_some(fd, _CHUNK, deadline)
    while len(received) < _HEADER.size:
        received += _read_some(fd, _CHUNK, deadline)
    (size,) = _HEADER.unpack_from(received)
    body = received[_HEADER.size :]
    if len(body) < size:
        body += _read_exactly(fd, size - len(body), deadline)
    return pickle.loads(body)


_CHUNK = 1 << 16  # bytes a read takes at most (a pipe's buffer)


def _read_some(fd: int, most: int, deadline: float | None) -> bytes:
    """At least one byte and at most `most`, once `fd` is readable (by `deadline`)."""
    if deadline is not None:
        _wait_readable(fd, deadline)
    chunk = os.read(fd, most)
    if not chunk:
        raise EOFError("the other end closed the pipe")
    return chunk


def _read_exactly(fd: int, size: int, deadline: float | None = None) -> bytes:
    chunks, missing = [], size
    while missing:
        chunk = _read_some(fd, min(missing, 1 << 20), deadline)
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def _wait_readable(fd: int, deadline: float) -> None:
    """Return once `fd` can be read; TimeoutError at `deadline`. Under gevent this waits on the
    event loop with one watcher (its `select` builds several per call)."""
    left = max(0.0, deadline - time.monotonic())
    waiting = _gevent_wait_read(select.select)
    if waiting is not None:
        waiting(fd, timeout=left, timeout_exc=TimeoutError("no answer in time"))
        return
    ready, _, _ = select.select([fd], [], [], left)
    if not ready:
        raise TimeoutError("no answer in time")


@functools.cache
def _gevent_wait_read(selecting: Callable[..., Any]) -> Callable[..., Any] | None:
    """gevent's `wait_read` when `selecting` (this process's `select.select`) is gevent's, as
    in a gunicorn gevent worker, else None. Kept per `select` function: a worker inherits the
    master's answer for the standard one, then patches `select` and asks again."""
    if getattr(selecting, "__module__", "").startswith("gevent"):
        from gevent.socket import wait_read  # type: ignore[import-untyped]

        return wait_read  # type: ignore[no-any-return]
    return None
