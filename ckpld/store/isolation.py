"""Queries in a child process that can be killed: a timeout that really stops the work.

pyoxigraph cannot cancel a running query, and abandoning a thread would leave it computing. So
each process that serves queries forks one child (sharing the store copy-on-write), hands it
queries over a pipe and waits at most the timeout; a child that is late is killed and replaced.
The child may use at most `QUERY_MEMORY` bytes more than it started with: a query that wants
more (a sort of a cross product, a string doubled thirty times) is stopped before it takes the
machine's memory. A child that dies during a query (the engine's stack overflows on queries
nested thousands of levels deep; an allocation beyond the limit aborts it) is replaced, and the
query answered with an error that says so. Answers larger than `QUERY_ANSWER` are not handed
over: the parent, which writes them out, holds and formats at most that much.
"""

from __future__ import annotations

import contextlib
import ctypes
import faulthandler
import os
import pickle
import re
import resource
import select
import signal
import struct
import threading
from collections.abc import Callable
from typing import Any

from ckpld.errors import (
    BadQueryError,
    CkpldError,
    QueryMemoryError,
    QueryTimeoutError,
    SandboxError,
)
from ckpld.store.sandbox import confine

_HEADER = struct.Struct("!Q")
_PR_SET_PDEATHSIG = 1
QUERY_MEMORY = 1 << 30  # bytes of memory a query may allocate (beyond what its process shares)
QUERY_ANSWER = 64 << 20  # largest answer (pickled) the child hands its parent, which writes it out


def _size(count: int) -> str:
    return f"{count / (1 << 30):g} GiB" if count >= 1 << 30 else f"{count / (1 << 20):.0f} MiB"


class QueryRunner:
    """Runs `execute(request)` in a child process, with a deadline per call.

    The child is `confined` (the default): it has no network (ckpld.store.sandbox).
    """

    def __init__(self, execute: Callable[[Any], Any], confined: bool = True) -> None:
        self._execute = execute
        self._confined = confined
        self._lock = threading.Lock()
        self._pid = 0
        self._owner = 0
        self._to_child = -1
        self._from_child = -1

    def run(self, request: Any, timeout: float) -> Any:
        """The child's answer to `request`.

        Raises:
            QueryTimeoutError: no answer within `timeout` seconds (the child was killed).
            QueryMemoryError: the query needed more than `QUERY_MEMORY` bytes (the child stopped).
            BadQueryError: the child found the query malformed or impossible to run, or crashed
                on it.
        """
        with self._lock:
            self._ensure_child()
            try:
                _send(self._to_child, request)
                ready, _, _ = select.select([self._from_child], [], [], timeout)
                if not ready:
                    self._kill()
                    raise QueryTimeoutError(
                        f"the query ran longer than {timeout:g} s and was stopped; "
                        "narrow it down (LIMIT, more specific patterns) and try again"
                    )
                outcome, value = _receive(self._from_child)
            except (OSError, EOFError) as err:  # the child died: how says why
                raise _death(self._kill(), err) from err
            if outcome == "memory":  # the next query gets a new child, with all its memory
                self._kill()
                raise QueryMemoryError(_TOO_MUCH)
        if outcome == "large":
            raise QueryMemoryError(
                f"the answer is {_size(value)}, more than the {_size(QUERY_ANSWER)} this "
                "server sends; ask for less (LIMIT, fewer or shorter values)"
            )
        if outcome == "bad":
            raise BadQueryError(value)
        if outcome == "error":
            raise RuntimeError(f"the query process failed: {value}")
        if outcome == "unconfined":
            raise SandboxError(f"queries are not run: their process cannot be confined ({value})")
        return value

    def close(self) -> None:
        """Stop the child, if any."""
        with self._lock:
            self._kill()

    def _ensure_child(self) -> None:
        if self._pid and self._owner == os.getpid():
            try:
                if os.waitpid(self._pid, os.WNOHANG)[0] == 0:
                    return  # alive and ours
            except ChildProcessError:
                pass
            self._forget()  # it died between queries (killed from outside): start another
        self._pid = 0  # a child of another process (before a fork) is not ours to use
        child_in, parent_out = os.pipe()
        parent_in, child_out = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child, measured by the tests' outcomes
            os.close(parent_out)
            os.close(parent_in)
            _serve(self._execute, child_in, child_out, self._confined)
        os.close(child_in)
        os.close(child_out)
        self._pid, self._owner = pid, os.getpid()
        self._to_child, self._from_child = parent_out, parent_in

    def _kill(self) -> int | None:
        """Kill and reap the child; its wait status (None: none, or already reaped)."""
        if not self._pid or self._owner != os.getpid():
            return None
        status = None
        with contextlib.suppress(ProcessLookupError):
            os.kill(self._pid, signal.SIGKILL)  # a child that already exited keeps its status
        with contextlib.suppress(ChildProcessError):
            status = os.waitpid(self._pid, 0)[1]
        self._forget()
        return status

    def _forget(self) -> None:
        """Close the pipes to a child that is gone (reaped: its pid may be another's now)."""
        for fd in (self._to_child, self._from_child):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._pid = 0


_TOO_MUCH = (
    f"the query needed more than {_size(QUERY_MEMORY)} of memory and was stopped; narrow it "
    "down (LIMIT, more specific patterns, no ORDER BY or GROUP BY over everything) and try again"
)


def _death(status: int | None, err: Exception) -> Exception:
    """The error for a child that died during a query, from its wait status."""
    number = os.WTERMSIG(status) if status is not None and os.WIFSIGNALED(status) else 0
    if number == signal.SIGABRT:  # how the engine (Rust) ends when an allocation fails
        return QueryMemoryError(_TOO_MUCH)
    if number in (signal.SIGSEGV, signal.SIGBUS):  # its stack overflowed (or worse)
        return BadQueryError(
            f"the query engine crashed on this query ({signal.Signals(number).name}), as it does "
            "on queries nested too deeply (thousands of nested groups, brackets, operators or "
            "UNIONs); write it with less nesting"
        )
    return RuntimeError(f"the query process failed: {err} (wait status {status})")


def _serve(
    execute: Callable[[Any], Any], requests: int, answers: int, confined: bool
) -> None:  # pragma: no cover
    """The child's loop: answer requests until the parent goes away, then exit.

    A child that is to be confined and cannot be answers every request with that reason.
    """
    for number in (signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(number, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    faulthandler.disable()  # a crash here answers a query (see `_death`): no traceback to print
    with contextlib.suppress(OSError, AttributeError):  # Linux: die with the parent
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    _limit_memory()
    unconfined = ""
    if confined:
        try:
            confine(keep=(requests, answers))
        except SandboxError as err:
            unconfined = err.detail
    try:
        while True:
            try:
                request = _receive(requests)
            except EOFError:
                break
            try:
                if unconfined:
                    answer: tuple[str, Any] = ("unconfined", unconfined)
                else:
                    answer = ("ok", execute(request))
            except BadQueryError as err:
                answer = ("bad", err.detail)
            except MemoryError:
                answer = ("memory", "")
            except CkpldError as err:
                answer = ("error", err.detail)
            except Exception as err:  # the parent reports it; the child keeps serving
                answer = ("error", f"{type(err).__name__}: {err}")
            try:
                _send(answers, answer, QUERY_ANSWER)
            except MemoryError:  # pickling the answer needed more than was left
                _send(answers, ("memory", ""))
    finally:
        os._exit(0)


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    """At most `QUERY_MEMORY` more bytes of private memory for this process; no core dumps.

    RLIMIT_DATA (Linux 4.7 and later) counts the private writable memory, which the child shares
    copy-on-write with its parent at first: the limit is what it has now plus `QUERY_MEMORY`.
    Files mapped read-only (an on-disk store) do not count.
    """
    with contextlib.suppress(OSError, ValueError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash writes no core file
        with open("/proc/self/status", encoding="ascii") as status:
            found = re.search(r"^VmData:\s+(\d+) kB", status.read(), re.MULTILINE)
        if found:
            limit = int(found.group(1)) * 1024 + QUERY_MEMORY
            hard = resource.getrlimit(resource.RLIMIT_DATA)[1]
            if hard != resource.RLIM_INFINITY:
                limit = min(limit, hard)
            resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


def _send(fd: int, value: Any, most: int | None = None) -> None:
    """Write `value`; when it takes more than `most` bytes, ("large", its size) instead."""
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    if most is not None and len(data) > most:
        data = pickle.dumps(("large", len(data)), protocol=pickle.HIGHEST_PROTOCOL)
    for part in (_HEADER.pack(len(data)), data):
        view = memoryview(part)
        while view:
            written = os.write(fd, view)
            view = view[written:]


def _receive(fd: int) -> Any:
    (size,) = _HEADER.unpack(_read_exactly(fd, _HEADER.size))
    return pickle.loads(_read_exactly(fd, size))


def _read_exactly(fd: int, size: int) -> bytes:
    chunks, missing = [], size
    while missing:
        chunk = os.read(fd, min(missing, 1 << 20))
        if not chunk:
            raise EOFError("the other end closed the pipe")
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)
