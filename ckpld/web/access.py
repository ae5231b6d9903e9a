"""Request ids, and the access log: one JSON line per request with its id, time and outcome."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from gunicorn.glogging import Logger

REQUEST_ID = "X-Request-Id"
_GIVEN_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")  # a proxy's id is kept when it looks sane
QUERY_SHOWN = 200  # characters of a query string the log keeps (its length is logged too)
_ANSWERS = ("/sparql", "/queries/")
TURN = 0.0005  # seconds a worker serves requests before the others that wait get their turn

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class RequestIds:
    """WSGI middleware: every request gets an id the server made, sent back in `X-Request-Id`
    and logged, so a report can be matched. A caller's own `X-Request-Id` (a proxy's) is logged
    beside it when it looks sane, never in its place: no client chooses what the log says."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self._turn = time.monotonic()  # when a request last let the others go first

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        # Under gevent, let the other requests that are ready go first, once every TURN
        # seconds: without this, a client whose next request is already waiting on its
        # kept-alive connection is served again and again while others wait (a p99 of seconds
        # under load, for a p50 of 0.5 ms). Not at every request: a switch costs about a sixth
        # of what a cached answer does. `make load`: a p99 of about 30 ms yielding at every
        # request, 40 ms every 0.5 ms, 100 ms every 2 ms.
        now = time.monotonic()
        if now - self._turn > TURN:
            time.sleep(0)
            self._turn = time.monotonic()
        given = environ.get("HTTP_X_REQUEST_ID", "")
        if _GIVEN_ID.match(given):
            environ["ckpld.client_request_id"] = given
        request_id = uuid.uuid4().hex
        environ["ckpld.request_id"] = request_id

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            kept = [(k, v) for k, v in headers if k.lower() != "x-request-id"]
            return start_response(status, [*kept, (REQUEST_ID, request_id)], exc_info)

        return self.app(environ, start)


def outcome(path: str, status: int, headers: dict[str, str]) -> str:
    """What became of a request, in one word, for the log."""
    if status == 429:
        return "rate-limited"
    if status == 503 and path.startswith(_ANSWERS):
        return "timeout"
    if status >= 500:
        return "server-error"
    if status >= 400:
        return "client-error"
    if status == 304:
        return "not-modified"
    if headers.get("x-sparql-truncated") == "true":
        return "truncated"
    return "ok"


def entry(
    environ: dict[str, Any], status: int, headers: dict[str, str], sent: int | None, took: float
) -> dict[str, Any]:
    """The log record of one request (the query string cut at QUERY_SHOWN characters)."""
    query = environ.get("QUERY_STRING", "")
    path = _text(environ.get("PATH_INFO", ""))
    record: dict[str, Any] = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "request_id": headers.get("x-request-id") or environ.get("ckpld.request_id", ""),
        "client": environ.get("REMOTE_ADDR", ""),
        "method": environ.get("REQUEST_METHOD", ""),
        "path": path,
        "status": status,
        "outcome": outcome(path, status, headers),
        "duration_ms": round(took * 1000, 1),
        "bytes": sent,
        "user_agent": environ.get("HTTP_USER_AGENT", ""),
    }
    if environ.get("ckpld.client_request_id"):
        record["client_request_id"] = environ["ckpld.client_request_id"]
    if query:
        record["query"] = query[:QUERY_SHOWN] + ("…" if len(query) > QUERY_SHOWN else "")
        record["query_length"] = len(query)
    return record


class AccessLog(Logger):  # type: ignore[misc]
    """gunicorn's logger, writing each access as one JSON line (see `entry`)."""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> None:
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        headers = {str(k).lower(): str(v) for k, v in getattr(resp, "headers", [])}
        sent = getattr(resp, "sent", None)
        line = entry(environ, int(status), headers, sent, request_time.total_seconds())
        # ASCII only: every control character, U+0085 and U+2028 included, is escaped, so one
        # request is one line whatever a client sent.
        self.access_log.info(json.dumps(line, ensure_ascii=True))


def _text(wsgi: str) -> str:
    """A WSGI string (bytes as Latin-1) as the UTF-8 text the client sent."""
    try:
        return wsgi.encode("latin-1").decode("utf-8", errors="backslashreplace")
    except UnicodeEncodeError:
        return wsgi
