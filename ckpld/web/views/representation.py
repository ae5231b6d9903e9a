"""Rendered representations and their HTTP: validators, 304s, compression, cache headers."""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from datetime import datetime

import brotli
from flask import Request, Response
from werkzeug.http import http_date

from ckpld.rdf.formats import Format
from ckpld.web.response_cache import SHARED_BODY

# Media types worth compressing (all ckpld writes but images).
_TEXTUAL = (
    "text/",
    "application/ld+json",
    "application/n-",
    "application/rdf+xml",
    "application/xml",
    "application/trig",
    "application/sparql-results",
    "application/json",
    "application/problem+json",
    "image/svg+xml",
)
_MIN_COMPRESS = 256
_CODINGS = ("br", "gzip")


@dataclass
class Representation:
    """One rendered response body, reusable across requests for the same data version.

    Attributes:
        body: The bytes sent for the identity encoding.
        media_type: Content-Type, charset included where the format takes one.
        etag: Opaque part of the strong ETag (quotes and encoding suffix are added when sent).
        last_modified: When the data behind it last changed.
        vary: Request headers the choice of this representation depended on.
        links: `Link` header values.
        content_location: The URL of this very variant (with its format suffix).
        headers: Further response headers, as (name, value) pairs.
    """

    body: bytes
    media_type: str
    etag: str
    last_modified: datetime
    vary: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    content_location: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    _encoded: dict[str, bytes] = field(default_factory=dict, repr=False)

    @property
    def compressible(self) -> bool:
        """True for textual bodies large enough to gain from compression."""
        return len(self.body) >= _MIN_COMPRESS and self.media_type.startswith(_TEXTUAL)

    def sent(self, coding: str | None) -> bytes:
        """The body as sent in `coding` (None: the identity encoding)."""
        return self.encoded(coding) if coding else self.body

    def encoded(self, coding: str) -> bytes:
        """The body compressed with `coding` ('br' or 'gzip'), computed once."""
        if coding not in self._encoded:
            if coding == "br":
                self._encoded[coding] = brotli.compress(self.body, quality=9)
            else:
                self._encoded[coding] = gzip.compress(self.body, compresslevel=9, mtime=0)
        return self._encoded[coding]


def media_type(fmt: Format) -> str:
    """The Content-Type for a format, with `charset=utf-8` where the format takes a charset."""
    return f"{fmt.media_type}; charset=utf-8" if fmt.charset else fmt.media_type


def respond(rep: Representation, request: Request, max_age: int) -> Response:
    """The response for `rep`: 304 when the client's copy is current, else the (compressed) body."""
    coding = _coding(rep, request)
    etag = f"{rep.etag}-{coding}" if coding else rep.etag
    vary = list(rep.vary) + (["Accept-Encoding"] if rep.compressible else [])
    headers = {
        "ETag": f'"{etag}"',
        "Last-Modified": _http_date(rep.last_modified),
        "Cache-Control": f"public, max-age={max_age}",
    }
    if vary:
        headers["Vary"] = ", ".join(dict.fromkeys(vary))
    if rep.links:
        headers["Link"] = ", ".join(rep.links)
    if rep.content_location:
        headers["Content-Location"] = rep.content_location
    headers.update(rep.headers)
    if _not_modified(rep, request):
        return Response(status=304, headers=headers)
    response = Response(rep.sent(coding), status=200, headers=headers, content_type=rep.media_type)
    if request.method == "GET":  # the response cache may keep `rep` rather than a second body
        request.environ[SHARED_BODY] = (rep, coding)
    if coding:
        response.headers["Content-Encoding"] = coding
    return response


def not_modified(
    etag: str, vary: tuple[str, ...], request: Request, max_age: int
) -> Response | None:
    """304 when the client's `If-None-Match` names `etag` (in any encoding), before the
    representation is made; else None."""
    tags = request.if_none_match
    known = (etag, *(f"{etag}-{c}" for c in _CODINGS))
    found = next((tag for tag in known if tags.contains_weak(tag)), None)
    if found is None:
        return None
    headers = {
        "ETag": f'"{found}"',
        "Cache-Control": f"public, max-age={max_age}",
        "Vary": ", ".join(dict.fromkeys((*vary, "Accept-Encoding"))),
    }
    return Response(status=304, headers=headers)


def _coding(rep: Representation, request: Request) -> str | None:
    if not rep.compressible:
        return None
    accepted = request.accept_encodings
    offered = [c for c in _CODINGS if accepted[c] > 0]
    return max(offered, key=lambda c: accepted[c]) if offered else None


def _not_modified(rep: Representation, request: Request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    tags = request.if_none_match
    if tags:
        if tags.star_tag:
            return True
        known = {rep.etag, *(f"{rep.etag}-{c}" for c in _CODINGS)}
        return any(tags.contains_weak(tag) for tag in known)
    since = request.if_modified_since
    return since is not None and int(rep.last_modified.timestamp()) <= int(since.timestamp())


def _http_date(when: datetime) -> str:
    return http_date(when)
