"""The composition root: `create_app(settings)` builds the Flask app around a publication."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Request, Response, current_app, render_template, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest, HTTPException, RequestEntityTooLarge
from werkzeug.utils import cached_property

from ckpld import __version__
from ckpld.config import Settings
from ckpld.errors import CkpldError, RateLimitedError
from ckpld.publish.history import archive_missing
from ckpld.publish.past import KEEP, Pasts, described
from ckpld.publish.publication import publish
from ckpld.rdf.formats import HTML, PROBLEM
from ckpld.web import i18n
from ckpld.web.access import RequestIds
from ckpld.web.conneg import LANGUAGES, language, negotiate
from ckpld.web.pages.agents import agents_of
from ckpld.web.pages.overview import overview_of
from ckpld.web.policy import CONTENT_SECURITY_POLICY
from ckpld.web.rate_limit import RETRY_AFTER, Buckets, RateLimit, WSGIApp
from ckpld.web.response_cache import ResponseCache
from ckpld.web.views import (
    citation,
    harvest,
    health,
    home,
    memento,
    openapi,
    releases,
    resource,
    sparql,
)

logger = logging.getLogger("ckpld")

ERROR_OFFERS = (PROBLEM, HTML)
EXPOSED = (
    "ETag, Last-Modified, Link, Content-Location, Location, Vary, Content-Range, Accept-Ranges, "
    "Retry-After, X-Request-Id, X-SPARQL-Truncated"
)
ALLOWED_HEADERS = "Accept, Accept-Language, Content-Type, If-Modified-Since, If-None-Match"


def create_app(settings: Settings | None = None) -> Flask:
    """Build the application: load, validate and index the data, then register the views.

    Args:
        settings: What to serve and how; `Settings.load()` (file, environment) when None.

    Raises:
        DataInvalidError: the data does not validate (the server must not start).
        CkpldError: another reason the data cannot be served (missing file, syntax error).
    """
    settings = settings or Settings.load()
    app = Flask(__name__)
    app.request_class = _Request
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = settings.cache_max_age
    # Request bodies carry at most a query: the longest one, percent-encoded UTF-8 (up to 12
    # bytes a character), and room for the other parameters. Larger ones get 413 unread.
    app.config["MAX_CONTENT_LENGTH"] = max_body(settings)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    i18n.install(app.jinja_env)
    publication = publish(settings)
    # the newest release, if it is this data and the archive has the one before (past ones the
    # archive lacks are rebuilt from git by `ckpld build` or `ckpld releases rebuild`)
    archive_missing(settings, publication, history=False, log=logger.info)
    publication.release()  # the dumps and their catalogue, built now if missing or out of date
    for entry in publication.releases.entries:  # what each release describes, for Memento:
        if entry.name in publication.releases.archived:  # read once, before the fork
            described(publication, entry)
    overview_of(publication)  # the home page's facts, read (or remembered) once, before the fork
    app.extensions["ckpld"] = publication
    # past releases, loaded in each worker on demand, at most `past_releases` at once
    most = settings.past_releases
    app.extensions["ckpld-pasts"] = Pasts(keep=min(KEEP, most), most=most)
    app.register_blueprint(resource.bp)
    app.register_blueprint(home.bp)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(harvest.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(openapi.bp)
    app.register_blueprint(releases.bp)
    app.register_blueprint(memento.bp)
    app.register_blueprint(citation.bp)
    app.context_processor(_kept_language)
    app.before_request(_rate_limited)
    app.before_request(_utf8_parameters)
    app.register_error_handler(CkpldError, _domain_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(MemoryError, _out_of_memory)
    app.register_error_handler(Exception, _unexpected_error)
    app.after_request(_cors)
    app.after_request(_protect)
    app.after_request(_own_location)
    # Repeated requests are answered from memory, before Flask (see ckpld.web.response_cache);
    # in front of that, the SPARQL rate limit and, outermost, request ids.
    direct = app.wsgi_app
    served: WSGIApp = ResponseCache(
        direct, settings.cache_entries, settings.cache_bytes, held=publication.cache.touch
    )
    if settings.sparql_rate_limit > 0:
        served = RateLimit(served, direct, Buckets(settings.sparql_rate_limit))
    app.wsgi_app = RequestIds(served)  # type: ignore[method-assign]
    return app


def max_body(settings: Settings) -> int:
    """The largest request body the server reads, in bytes."""
    return 12 * settings.query_max_length + (64 << 10)


def _rate_limited() -> None:
    """Answer 429 to a request the rate limit stopped (ckpld.web.rate_limit marks it)."""
    wait = request.environ.get(RETRY_AFTER)
    if wait:
        raise RateLimitedError(int(wait))


class _Request(Request):
    """A request whose query string may hold raw bytes that are not UTF-8, as WSGI servers pass
    them on: `_utf8_parameters` refuses it, and its `args` are empty (werkzeug's would raise) so
    that the error page can still be made."""

    @cached_property
    def args(self) -> MultiDict[str, str]:
        try:
            self.query_string.decode("utf-8")
        except UnicodeDecodeError:
            return self.parameter_storage_class()
        return super().args


def _utf8_parameters() -> None:
    """A 400 for a query string that is not UTF-8 (percent-encoded bytes are the views' to read)."""
    try:
        request.query_string.decode("utf-8")
    except UnicodeDecodeError as err:
        raise BadRequest(f"the URL's parameters are not UTF-8 (byte {err.start})") from err


def _kept_language() -> dict[str, Any]:
    """`keep`: what a page's own links append to stay in a language the reader chose (?lang=);
    `page_url`, `site_url`: the page's and the site's canonical addresses, for its markup."""
    chosen = request.args.get("lang")
    pub = current_app.extensions["ckpld"]
    base = pub.settings.base_iri
    return {
        "keep": f"?lang={chosen}" if chosen in LANGUAGES else "",
        "page_url": base + request.path.lstrip("/"),
        "site_url": base,
        "agents": agents_of(pub),
        "software": f"ckpld {__version__}",
    }


def _domain_error(err: CkpldError) -> Response:
    response = _problem(err.status, err.title, err.detail)
    retry_after = getattr(err, "retry_after", None)  # rate limited, or every query process busy
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _http_error(err: HTTPException) -> Response:
    detail = err.description or err.name
    if isinstance(err, RequestEntityTooLarge):  # werkzeug's words name no figure
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        detail = f"this server reads request bodies of up to {limit} bytes; send a shorter query"
    response = _problem(err.code or 500, err.name, detail)
    for name, value in err.get_headers():  # Allow on a 405, Content-Range on a 416
        if name.lower() != "content-type":
            response.headers[name] = value
    if isinstance(err, RequestEntityTooLarge):  # the rest of the body is not read: close
        response.headers["Connection"] = "close"
    return response


def _out_of_memory(err: MemoryError) -> Response:
    """A request that needed more memory than a worker may take (ckpld.web.server.WORKER_MEMORY)."""
    logger.error("out of memory on %s %s", request.method, request.path)
    return _problem(
        503, "Out of memory", "this request needed more memory than the server gives one"
    )


def _unexpected_error(err: Exception) -> Response:
    logger.exception("unexpected error on %s %s", request.method, request.path)
    return _problem(500, "Internal Server Error", "the server failed; the error was logged")


def _problem(status: int, title: str, detail: str) -> Response:
    """An error in the format the client prefers: an HTML page, or RFC 9457 problem+json."""
    chosen = negotiate(request.headers.get("Accept"), ERROR_OFFERS)
    headers = {"Cache-Control": "no-cache", "Vary": "Accept"}
    if chosen is HTML:
        lang = language(request.headers.get("Accept-Language"), request.args.get("lang"))
        body = render_template(
            "error.html",
            status=status,
            title=title,
            detail=detail,
            lang=lang,
        )
        return Response(body, status, headers, content_type="text/html; charset=utf-8")
    problem = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return Response(
        json.dumps(problem, ensure_ascii=False),
        status,
        headers,
        content_type="application/problem+json",
    )


def _own_location(response: Response) -> Response:
    """A Location on this server as a path: werkzeug's redirects (a missing trailing slash) are
    built from the request's Host header, which the client chose."""
    location = response.headers.get("Location")
    if location and urlsplit(location).netloc == request.host:
        target = urlsplit(location)
        response.headers["Location"] = target.path + (f"?{target.query}" if target.query else "")
    return response


def _protect(response: Response) -> Response:
    """Headers that keep pages from loading or being framed by anything but this site."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    if response.mimetype == "text/html":  # a view may have set a policy of its own
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers["Referrer-Policy"] = "same-origin"
    return response


def _cors(response: Response) -> Response:
    """Open data: any origin may read any response, without credentials; preflights answered."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED
    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
        response.status_code = 204
        response.set_data(b"")
        allowed = response.headers.get("Allow", "GET, HEAD, OPTIONS")
        response.headers["Access-Control-Allow-Methods"] = allowed
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response.headers["Access-Control-Max-Age"] = "86400"
    return response
