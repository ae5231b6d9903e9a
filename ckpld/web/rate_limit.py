"""A per-client limit on SPARQL answers, shared by every worker through a table in shared memory.

Each client address has a token bucket: `per_minute` tokens, refilled evenly over a minute; an
answer takes one. The table is an anonymous shared mapping made before gunicorn forks its
workers, so they all count together. Addresses are hashed into a fixed number of slots; two
addresses in one slot reset each other's bucket, which can only let a client through sooner.
"""

from __future__ import annotations

import hashlib
import math
import mmap
import multiprocessing
import re
import time
from collections.abc import Callable, Iterable
from struct import Struct
from typing import Any
from urllib.parse import parse_qsl

SLOTS = 4096
_ROW = Struct("=Qdd")  # the client's hash, tokens left, when they were counted (monotonic s)
RETRY_AFTER = "ckpld.retry_after"  # environ key: seconds a limited client must wait

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class Buckets:
    """Token buckets for client addresses, shared with processes forked after this is made."""

    def __init__(self, per_minute: int, slots: int = SLOTS) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0  # tokens per second
        self.slots = slots
        self._table = mmap.mmap(-1, slots * _ROW.size)  # anonymous and shared (MAP_SHARED)
        self._lock = multiprocessing.get_context("fork").Lock()

    def take(self, client: str, now: float | None = None) -> float:
        """Take a token for `client`: 0 when it may go on, else the seconds until it may."""
        now = time.monotonic() if now is None else now
        key = int.from_bytes(hashlib.blake2b(client.encode(), digest_size=8).digest(), "big")
        offset = (key % self.slots) * _ROW.size
        with self._lock:
            stored, tokens, counted = _ROW.unpack_from(self._table, offset)
            if stored != key:  # a client not seen (or not seen since another took its slot)
                tokens, counted = self.capacity, now
            tokens = min(self.capacity, tokens + max(0.0, now - counted) * self.rate)
            wait = 0.0 if tokens >= 1 else (1 - tokens) / self.rate
            _ROW.pack_into(self._table, offset, key, tokens - 1 if wait == 0 else tokens, now)
        return wait


# A past release's endpoint, as the routes read it (`/releases/<name>/sparql`, slash or not).
PAST_ENDPOINT = re.compile(r"/releases/[^/]+/sparql/?")


def counted(environ: dict[str, Any]) -> bool:
    """Whether a request asks for a SPARQL answer (the editor page and .rq texts do not).

    The parameters are decoded as the endpoint decodes them: `?%71uery=` is a query too.
    """
    path = environ.get("PATH_INFO", "")
    if path.rstrip("/") == "/sparql" or PAST_ENDPOINT.fullmatch(path):
        if environ.get("REQUEST_METHOD") == "POST":
            return True
        pairs = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        return any(name == "query" for name, _ in pairs)
    name = path[len("/queries/") :] if path.startswith("/queries/") else ""
    return bool(name) and not name.endswith(".rq")


class RateLimit:
    """WSGI middleware in front of the response cache: a client over its limit goes straight
    to the application (never to a cached answer), marked so that the application answers
    429 with Retry-After in the format the client asked for."""

    def __init__(self, cached: WSGIApp, direct: WSGIApp, buckets: Buckets) -> None:
        self.cached = cached
        self.direct = direct
        self.buckets = buckets

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if counted(environ):
            wait = self.buckets.take(environ.get("REMOTE_ADDR", ""))
            if wait > 0:
                environ[RETRY_AFTER] = max(1, math.ceil(wait))
                return self.direct(environ, start_response)
        return self.cached(environ, start_response)
