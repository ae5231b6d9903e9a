"""What the tests' real SPARQL stores (Virtuoso, the Oxigraph server) have in common: a free
loopback port, waiting until the endpoint answers, and stopping the process group."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable

import requests


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_endpoint(
    endpoint: str,
    process: subprocess.Popen[bytes],
    said: Callable[[], str],
    name: str,
    timeout: float = 60,
) -> None:
    """Return once `endpoint` answers `ASK {}` with 200; RuntimeError (with what the program
    `said`) if its `process` exits first or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited: {said()}")
        with contextlib.suppress(requests.RequestException):
            answer = requests.post(
                endpoint, data={"query": "ASK {}"}, timeout=2,
                headers={"Accept": "application/sparql-results+json"},
            )  # fmt: skip
            if answer.status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{name} did not answer in time")


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """End `process` and its process group: SIGTERM, then SIGKILL after 20 s."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
