"""Whole responses kept per worker: a repeated request is answered before Flask runs at all.

The data is fixed for the life of a server, and every response ckpld makes is a function of the
request; so the second identical request costs about what a static file does. Identical means the
same method, path, query string, scheme and request headers (all but a few that never change a
response, such as `User-Agent`): whatever a response varies on is in the key. Kept: answers below
500 without `Set-Cookie`, not marked `no-store` or `private`, with a `Content-Length` of at most
`MAX_BODY` bytes, up to `cache_entries` responses and `cache_bytes` bytes. Only GET and HEAD are
looked up.

A body the views' own cache already keeps (a rendered document or answer, `Publication.cache`) is
not kept a second time, nor counted against this cache's budget twice: the view names its owner
in the WSGI environ (`SHARED_BODY`), and when `held(owner)` says the views' cache keeps it, this
cache keeps only a weak reference to it and the headers. Each hit calls `held(owner)` again,
which also marks the owner recently used there; once the views' cache has let it go, the entry
is a miss and the request goes through Flask again.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from typing import Any, Protocol

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

# environ key: (owner, coding) of a body another cache keeps, as `owner.sent(coding)`.
SHARED_BODY = "ckpld.shared_body"

StartResponse = Callable[..., Any]


class Owner(Protocol):
    """What keeps a body: the views' representation of a document or an answer."""

    def sent(self, coding: str | None) -> bytes: ...


# A kept body: its bytes, or a weak reference to its owner and the coding.
Body = bytes | tuple["weakref.ref[Owner]", str | None]
Stored = tuple[str, tuple[tuple[str, str], ...], Body]


def _nobody(owner: object) -> bool:
    return False


class ResponseCache:
    """WSGI middleware around `app`, keeping up to `entries` responses (0: none)."""

    def __init__(
        self,
        app: Callable[[dict[str, Any], StartResponse], Iterable[bytes]],
        entries: int,
        max_bytes: int = 0,
        held: Callable[[object], bool] = _nobody,
    ) -> None:
        self.app = app
        self._entries = entries
        self._held = held
        self._stored: LRU[Stored] = LRU(entries, max_bytes, _weight)

    @property
    def kept_bytes(self) -> int:
        """The weight of what this cache keeps (bodies it shares with the views' not included)."""
        return self._stored.bytes

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if not self._entries or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return self.app(environ, start_response)
        key = _key(environ)
        hit = self._stored.peek(key)
        if hit is not None:
            status, headers, kept = hit
            body = _body(kept, self._held)
            if body is not None:
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
        self._stored.put(key, (seen["status"], tuple(seen["headers"]), self._kept(environ, body)))
        return [body]

    def _kept(self, environ: dict[str, Any], body: bytes) -> Body:
        """What to keep of `body`: a weak reference to its owner when the views' cache keeps
        that very body, else the bytes."""
        shared = environ.get(SHARED_BODY)
        if shared is None:
            return body
        owner, coding = shared
        if owner.sent(coding) is not body or not self._held(owner):  # another body went out
            return body
        return (weakref.ref(owner), coding)


def _body(kept: Body, held: Callable[[object], bool]) -> bytes | None:
    """The bytes of a kept body; None once the views' cache no longer keeps a shared one."""
    if isinstance(kept, bytes):
        return kept
    ref, coding = kept
    owner = ref()
    return None if owner is None or not held(owner) else owner.sent(coding)


def _weight(stored: Stored) -> int:
    _status, headers, kept = stored
    own = len(kept) if isinstance(kept, bytes) else 0
    return own + sum(len(k) + len(v) for k, v in headers) + 256


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
