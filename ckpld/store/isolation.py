"""Queries in a child process that can be killed: a timeout that really stops the work.

pyoxigraph cannot cancel a running query, and abandoning a thread would leave it computing. So
each process that serves queries forks one child (sharing the store copy-on-write), hands it
queries over a pipe and waits at most the timeout; a child that is late is killed and replaced.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import select
import signal
import struct
import threading
from collections.abc import Callable
from typing import Any

from ckpld.errors import BadQueryError, CkpldError, QueryTimeoutError

_HEADER = struct.Struct("!Q")
_PR_SET_PDEATHSIG = 1


class QueryRunner:
    """Runs `execute(request)` in a child process, with a deadline per call."""

    def __init__(self, execute: Callable[[Any], Any]) -> None:
        self._execute = execute
        self._lock = threading.Lock()
        self._pid = 0
        self._owner = 0
        self._to_child = -1
        self._from_child = -1

    def run(self, request: Any, timeout: float) -> Any:
        """The child's answer to `request`.

        Raises:
            QueryTimeoutError: no answer within `timeout` seconds (the child was killed).
            BadQueryError: the child found the query malformed or impossible to run.
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
            except (OSError, EOFError) as err:
                self._kill()
                raise RuntimeError(f"the query process failed: {err}") from err
        if outcome == "bad":
            raise BadQueryError(value)
        if outcome == "error":
            raise RuntimeError(f"the query process failed: {value}")
        return value

    def close(self) -> None:
        """Stop the child, if any."""
        with self._lock:
            self._kill()

    def _ensure_child(self) -> None:
        if self._pid and self._owner == os.getpid():
            return
        self._pid = 0  # a child of another process (before a fork) is not ours to use
        child_in, parent_out = os.pipe()
        parent_in, child_out = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child, measured by the tests' outcomes
            os.close(parent_out)
            os.close(parent_in)
            _serve(self._execute, child_in, child_out)
        os.close(child_in)
        os.close(child_out)
        self._pid, self._owner = pid, os.getpid()
        self._to_child, self._from_child = parent_out, parent_in

    def _kill(self) -> None:
        if not self._pid or self._owner != os.getpid():
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self._pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self._pid, 0)
        for fd in (self._to_child, self._from_child):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._pid = 0


def _serve(execute: Callable[[Any], Any], requests: int, answers: int) -> None:  # pragma: no cover
    """The child's loop: answer requests until the parent goes away, then exit."""
    for number in (signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(number, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError, AttributeError):  # Linux: die with the parent
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    try:
        while True:
            try:
                request = _receive(requests)
            except EOFError:
                break
            try:
                answer: tuple[str, Any] = ("ok", execute(request))
            except BadQueryError as err:
                answer = ("bad", err.detail)
            except CkpldError as err:
                answer = ("error", err.detail)
            except Exception as err:  # the parent reports it; the child keeps serving
                answer = ("error", f"{type(err).__name__}: {err}")
            _send(answers, answer)
    finally:
        os._exit(0)


def _send(fd: int, value: Any) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(data)) + data)
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
