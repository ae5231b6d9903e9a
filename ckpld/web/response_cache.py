"""Whole responses kept per worker: a repeated request is answered before Flask runs at all.

The data is fixed for the life of a server, and every response ckpld makes is a function of the
request; so the second identical request costs about what a static file does. Identical means the
same method, path, query string, scheme and request headers (all but a few that never change a
response, such as `User-Agent`): whatever a response varies on is in the key. Kept: answers below
500 without `Set-Cookie`, not marked `no-store` or `private`, with a `Content-Length` of at most
`MAX_BODY` bytes, up to `cache_entries` responses and `cache_bytes` bytes. Only GET and HEAD are
looked up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ckpld.lru import LRU

MAX_BODY = 1 << 20
# Request headers that never change what ckpld answers (left out of the key).
# Proxies' per-request ids and tracing headers too: else behind one, nothing would ever hit.
_IGNORED = frozenset(
    (
        "HTTP_USER_AGENT",
        "HTTP_CONNECTION",
        "HTTP_KEEP_ALIVE",
        "HTTP_REFERER",
        "HTTP_DNT",
        "HTTP_X_REQUEST_ID",
        "HTTP_X_FORWARDED_FOR",
        "HTTP_X_REAL_IP",
        "HTTP_TRACEPARENT",
        "HTTP_TRACESTATE",
    )
)

StartResponse = Callable[..., Any]
Stored = tuple[str, tuple[tuple[str, str], ...], bytes]


class ResponseCache:
    """WSGI middleware around `app`, keeping up to `entries` responses (0: none)."""

    def __init__(
        self,
        app: Callable[[dict[str, Any], StartResponse], Iterable[bytes]],
        entries: int,
        max_bytes: int = 0,
    ) -> None:
        self.app = app
        self._entries = entries
        self._stored: LRU[Stored] = LRU(entries, max_bytes, _weight)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if not self._entries or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return self.app(environ, start_response)
        key = _key(environ)
        hit = self._stored.peek(key)
        if hit is not None:
            status, headers, body = hit
            start_response(status, list(headers))
            return [body]
        seen: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, *rest)

        result = self.app(environ, capture)
        if not _keepable(seen.get("status", "500"), seen.get("headers", [])):
            return result
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        self._stored.put(key, (seen["status"], tuple(seen["headers"]), body))
        return [body]


def _weight(stored: Stored) -> int:
    _status, headers, body = stored
    return len(body) + sum(len(k) + len(v) for k, v in headers) + 256


def _key(environ: dict[str, Any]) -> tuple[Any, ...]:
    headers = tuple(
        sorted(
            (name, value)
            for name, value in environ.items()
            if name.startswith("HTTP_") and name not in _IGNORED
        )
    )
    return (
        environ.get("REQUEST_METHOD"),
        environ.get("wsgi.url_scheme"),
        environ.get("SCRIPT_NAME", ""),
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        environ.get("CONTENT_TYPE", ""),
        headers,
    )


def _keepable(status: str, headers: list[tuple[str, str]]) -> bool:
    if status[:1] not in ("2", "3", "4"):
        return False
    found = {name.lower(): value for name, value in headers}
    if "set-cookie" in found:
        return False
    control = found.get("cache-control", "").lower()
    if "no-store" in control or "private" in control:
        return False
    try:
        return int(found.get("content-length", "")) <= MAX_BODY
    except ValueError:
        return False
